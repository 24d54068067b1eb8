// The patient's data rights page (pages/privacy.tsx) without React: which
// text a refused export or erasure gets, and how a date reads.
import type { Lang } from "./i18n";

/**
 * refusalKey is the text key for a refused export or erasure (status and
 * problem type), or "" when the generic problem notice says it well enough.
 */
export function refusalKey(status: number, type?: string): string {
  const slug = type ? type.slice(type.lastIndexOf("/") + 1) : "";
  if (status === 429) return "gdprTooMany";
  switch (slug) {
    case "password-incorrect":
      return "gdprWrongPassword";
    case "second-factor-code-required":
      return "gdprCodeMissing";
    case "second-factor-incorrect":
      return "gdprWrongCode";
    case "consultations-running":
      return "gdprActive";
    case "not-erasable":
      return "gdprNotErasable";
  }
  return "";
}

/** formatDay prints a calendar date (YYYY-MM-DD) in the reader's language. */
export function formatDay(day: string, lang: Lang): string {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(d);
}

/** exportFileName is the zip's name from Content-Disposition, or one of today. */
export function exportFileName(disposition: string | null, today: Date): string {
  const m = disposition?.match(/filename="([^"]+)"/);
  return m?.[1] ? m[1] : `derma2go-export-${today.toISOString().slice(0, 10)}.zip`;
}
