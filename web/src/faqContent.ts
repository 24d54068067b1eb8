/** The FAQ's entries per language, parsed from the Markdown built into the client. */

import { type Entry, parseEntry } from "./faq";
import type { Lang } from "./i18n";

const files = import.meta.glob<string>("../content/faq/*/*.md", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The order in which categories are listed. */
export const categories = [
  "consult",
  "booking",
  "account",
  "portal",
  "cancelling",
  "money",
  "technical",
  "privacy",
  "contact",
] as const;

function load(lang: Lang): Entry[] {
  const out: Entry[] = [];
  for (const [path, raw] of Object.entries(files)) {
    if (path.startsWith(`../content/faq/${lang}/`)) out.push(parseEntry(raw));
  }
  const rank = (c: string) => {
    const i = (categories as readonly string[]).indexOf(c);
    return i < 0 ? categories.length : i;
  };
  return out.sort((a, b) => rank(a.category) - rank(b.category) || a.id.localeCompare(b.id));
}

/** faq holds each language's entries, sorted by category. */
export const faq: Record<Lang, Entry[]> = { nl: load("nl"), en: load("en") };
