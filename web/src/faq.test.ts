import { describe, expect, it } from "vitest";
import { fold, inlinesOf, linksOf, parseEntry, search } from "./faq";
import { faq } from "./faqContent";

const sample = `---
id: x
title: Één vraag
category: consult
link: /doctors
---
Eerste regel
loopt door met **vet** en [een link](/contact).

- een
- twee

1. stap
`;

describe("fold", () => {
  it("strips Dutch diacritics and case", () => {
    expect(fold("Één patiënt geïnteresseerd café")).toBe("een patient geinteresseerd cafe");
  });
});

describe("parseEntry", () => {
  it("reads front matter, paragraphs, lists, bold and links", () => {
    const e = parseEntry(sample);
    expect(e).toMatchObject({ id: "x", title: "Één vraag", category: "consult", link: "/doctors" });
    expect(e.body.map((b) => b.kind)).toEqual(["p", "ul", "ol"]);
    const p = e.body[0];
    expect(p?.kind === "p" && p.inlines).toEqual([
      { kind: "text", text: "Eerste regel loopt door met " },
      { kind: "strong", text: "vet" },
      { kind: "text", text: " en " },
      { kind: "link", text: "een link", href: "/contact" },
      { kind: "text", text: "." },
    ]);
    expect(linksOf(e)).toEqual(["/doctors", "/contact"]);
    expect(e.folded.title).toBe("een vraag");
  });
  it("refuses a file without front matter or a field", () => {
    expect(() => parseEntry("no front matter")).toThrow();
    expect(() => parseEntry("---\nid: a\ntitle: b\ncategory: c\n---\nbody")).toThrow(/link/);
  });
  it("keeps text without markup as one run", () => {
    expect(inlinesOf("plain")).toEqual([{ kind: "text", text: "plain" }]);
  });
});

describe("search", () => {
  const entries = [
    parseEntry(sample),
    parseEntry(
      "---\nid: y\ntitle: Geld terug\ncategory: money\nlink: /consultations\n---\nÉén vraag over annuleren.",
    ),
  ];
  it("finds with diacritics folded on both sides, every word required", () => {
    expect(search(entries, "een").map((e) => e.id)).toEqual(["x", "y"]);
    expect(search(entries, "ÉÉN annuleren").map((e) => e.id)).toEqual(["y"]);
    expect(search(entries, "annuleren ontbreekt")).toEqual([]);
  });
  it("puts title hits first and returns everything for an empty query", () => {
    expect(search(entries, "vraag").map((e) => e.id)).toEqual(["x", "y"]);
    expect(search(entries, "geld").map((e) => e.id)).toEqual(["y"]);
    expect(search(entries, "  ")).toHaveLength(2);
  });
});

describe("the FAQ content", () => {
  it("has the same questions in Dutch and English", () => {
    expect(faq.nl.length).toBeGreaterThanOrEqual(10);
    expect(faq.nl.map((e) => e.id).sort()).toEqual(faq.en.map((e) => e.id).sort());
  });
  it("answers the 24-hour question in both languages", () => {
    expect(search(faq.nl, "annuleren geld terug")[0]?.id).toBe("cancelling");
    expect(search(faq.en, "cancel money back")[0]?.id).toBe("cancelling");
    expect(search(faq.nl, "een of twee werkdagen").map((e) => e.id)).toContain("consult-types");
  });
});
