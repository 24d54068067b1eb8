/**
 * The FAQ's content is Markdown per language (web/content/faq/<lang>/*.md,
 * built into the client): a front matter block (id, title, category, link)
 * and a body in a small subset of Markdown — paragraphs, "- " and "1. "
 * lists, **bold** and [links](/path). This module parses that subset into
 * plain data (rendered by React, never as HTML) and searches it with Dutch
 * diacritics folded, so "een" finds "één" and "patient" finds "patiënt".
 */

/** A run of text in a paragraph or list item. */
export type Inline =
  | { kind: "text"; text: string }
  | { kind: "strong"; text: string }
  | { kind: "link"; text: string; href: string };

/** A block of an answer. */
export type Block = { kind: "p"; inlines: Inline[] } | { kind: "ul" | "ol"; items: Inline[][] };

/** One question and its answer. */
export interface Entry {
  id: string;
  title: string;
  category: string;
  /** the page where the reader acts on the answer */
  link: string;
  body: Block[];
  /** title and body folded, for search */
  folded: { title: string; body: string };
}

/** fold lower-cases and strips diacritics (é → e, ë → e, ĳ stays ĳ). */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** inlinesOf splits a line into text, **bold** and [link](href) runs. */
export function inlinesOf(line: string): Inline[] {
  const out: Inline[] = [];
  const re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last) out.push({ kind: "text", text: line.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: "strong", text: m[1] });
    else out.push({ kind: "link", text: m[2] ?? "", href: m[3] ?? "" });
    last = re.lastIndex;
  }
  if (last < line.length) out.push({ kind: "text", text: line.slice(last) });
  return out;
}

/** textOf is the plain text of runs. */
export function textOf(inlines: Inline[]): string {
  return inlines.map((i) => i.text).join("");
}

const required = ["id", "title", "category", "link"] as const;

/** parseEntry reads one Markdown file; it throws on a missing front matter field. */
export function parseEntry(raw: string): Entry {
  const text = raw.replace(/\r\n/g, "\n");
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!fm) throw new Error("faq: no front matter");
  const meta: Record<string, string> = {};
  for (const line of (fm[1] ?? "").split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) meta[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  for (const k of required) if (!meta[k]) throw new Error(`faq: front matter lacks ${k}`);
  const body: Block[] = [];
  let list: { kind: "ul" | "ol"; items: Inline[][] } | undefined;
  let para: string[] = [];
  const flush = () => {
    if (para.length) body.push({ kind: "p", inlines: inlinesOf(para.join(" ")) });
    para = [];
    list = undefined;
  };
  for (const line of text.slice(fm[0].length).split("\n")) {
    const item = /^(?:(-)|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      const kind = item[1] ? "ul" : "ol";
      if (para.length || list?.kind !== kind) {
        flush();
        list = { kind, items: [] };
        body.push(list);
      }
      list.items.push(inlinesOf(item[2] ?? ""));
    } else if (line.trim() === "") {
      flush();
    } else {
      if (list) list = undefined;
      para.push(line.trim());
    }
  }
  flush();
  const bodyText = body
    .map((b) => (b.kind === "p" ? textOf(b.inlines) : b.items.map(textOf).join(" ")))
    .join(" ");
  return {
    id: meta.id ?? "",
    title: meta.title ?? "",
    category: meta.category ?? "",
    link: meta.link ?? "",
    body,
    folded: { title: fold(meta.title ?? ""), body: fold(bodyText) },
  };
}

/** linksOf lists every link target of an entry: its page and the links in its body. */
export function linksOf(e: Entry): string[] {
  const out = [e.link];
  for (const b of e.body)
    for (const runs of b.kind === "p" ? [b.inlines] : b.items)
      for (const r of runs) if (r.kind === "link") out.push(r.href);
  return out;
}

/**
 * search returns the entries whose title or body holds every word of the
 * query (folded), those with more words in the title first; an empty query
 * returns all, in order.
 */
export function search(entries: Entry[], query: string): Entry[] {
  const words = fold(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  if (words.length === 0) return entries;
  const scored: { e: Entry; score: number; at: number }[] = [];
  entries.forEach((e, at) => {
    let score = 0;
    for (const w of words) {
      if (e.folded.title.includes(w)) score += 2;
      else if (e.folded.body.includes(w)) score += 1;
      else return;
    }
    scored.push({ e, score, at });
  });
  return scored.sort((a, b) => b.score - a.score || a.at - b.at).map((s) => s.e);
}
