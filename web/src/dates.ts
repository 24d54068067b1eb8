// Dates the reader types: shown and read in the reader's language (Dutch
// dd-mm-jjjj, English dd/mm/yyyy), whatever language the browser speaks,
// and handed to the API as ISO dates (YYYY-MM-DD).
import type { Lang } from "./i18n";

/** separator is the character between day, month and year in a language's dates. */
function separator(lang: Lang): string {
  return lang === "en" ? "/" : "-";
}

/** datePattern is the format a date field asks for ("dd-mm-jjjj", "dd/mm/yyyy"). */
export function datePattern(lang: Lang): string {
  return lang === "en" ? "dd/mm/yyyy" : "dd-mm-jjjj";
}

/** isoDate is a calendar date as YYYY-MM-DD when it exists (no 31 February), else undefined. */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * parseDate reads what the reader typed: day, month and a four-digit year
 * separated by "-", "/", "." or spaces (either language's way), or an ISO
 * date (year first). It answers the ISO date, "" for an empty field and
 * undefined for anything that is not a real date.
 */
export function parseDate(text: string): string | undefined {
  const s = text.trim();
  if (s === "") return "";
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})$/.exec(s);
  if (dmy) return isoDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  return undefined;
}

/** formatDate writes an ISO date the reader's way ("17-05-1990", "17/05/1990"); other text stays as it is. */
export function formatDate(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m || !isoDate(Number(m[1]), Number(m[2]), Number(m[3]))) return iso;
  const sep = separator(lang);
  return `${m[3]}${sep}${m[2]}${sep}${m[1]}`;
}

/** DateCheck is what a typed date is: fine (with its ISO value), empty, not a date, or outside min…max. */
export type DateCheck =
  | { state: "ok"; iso: string }
  | { state: "empty" }
  | { state: "invalid" }
  | { state: "early" | "late"; iso: string };

/** checkDate reads a typed date and holds it against the ISO bounds min and max (either may be ""). */
export function checkDate(text: string, min = "", max = ""): DateCheck {
  const iso = parseDate(text);
  if (iso === undefined) return { state: "invalid" };
  if (iso === "") return { state: "empty" };
  if (min && iso < min) return { state: "early", iso };
  if (max && iso > max) return { state: "late", iso };
  return { state: "ok", iso };
}
