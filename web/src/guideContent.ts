/**
 * The doctors' getting-started guide per language, parsed from the Markdown
 * built into the client (web/content/guide/<lang>/NN-<id>.md, in the order
 * of their names). The API renders the same files as the PDF.
 */

import { type Entry, parseEntry } from "./faq";
import type { Lang } from "./i18n";

const files = import.meta.glob<string>("../content/guide/*/*.md", {
  query: "?raw",
  import: "default",
  eager: true,
});

function load(lang: Lang): Entry[] {
  return Object.keys(files)
    .filter((path) => path.startsWith(`../content/guide/${lang}/`))
    .sort()
    .map((path) => parseEntry(files[path] ?? ""));
}

/** guide holds each language's sections, in order. */
export const guide: Record<Lang, Entry[]> = { nl: load("nl"), en: load("en") };
