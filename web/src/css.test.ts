import { describe, expect, it } from "vitest";

// Dead style rules: every class and every input[type=…] a stylesheet of the
// client names must be one a component renders (a class built from a value,
// `badge-${status}`, counts by its fixed start).

const code = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx", "!./**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const css = import.meta.glob<string>("./**/*.css", { query: "?raw", import: "default", eager: true });
const sources = Object.values(code).join("\n");
const sheets = Object.entries(css).map(([name, text]) => ({ name, text }));

/** selectorsOf lists the selectors of a stylesheet's rules (comments and at-rule preludes left out). */
function selectorsOf(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const out: string[] = [];
  for (const m of text.matchAll(/([^{}]+)\{/g)) {
    const prelude = (m[1] ?? "").trim();
    if (prelude.startsWith("@") || /^(from|to|\d+%)$/.test(prelude)) continue;
    out.push(...prelude.split(",").map((s) => s.trim()));
  }
  return out;
}

function classUsed(name: string): boolean {
  if (new RegExp(`(^|[^\\w-])${name.replace(/[-]/g, "\\-")}($|[^\\w-])`).test(sources)) return true;
  for (let i = name.indexOf("-"); i > 0; i = name.indexOf("-", i + 1)) {
    if (sources.includes(`${name.slice(0, i + 1)}\${`)) return true;
  }
  return false;
}

describe("stylesheets", () => {
  it("name only classes and input types that the components render", () => {
    const dead: string[] = [];
    for (const sheet of sheets) {
      for (const sel of selectorsOf(sheet.text)) {
        for (const [, name = ""] of sel.matchAll(/\.(-?[A-Za-z_][\w-]*)/g)) {
          if (!classUsed(name)) dead.push(`${sheet.name}: ${sel} (class ${name})`);
        }
        for (const [, type = ""] of sel.matchAll(/input\[type="?([a-z-]+)"?\]/g)) {
          if (!sources.includes(`type="${type}"`)) dead.push(`${sheet.name}: ${sel} (input type ${type})`);
        }
      }
    }
    expect(sheets.length).toBeGreaterThan(5);
    for (const sheet of sheets) expect(sheet.text.length, sheet.name).toBeGreaterThan(0);
    expect(dead).toEqual([]);
  });
});
