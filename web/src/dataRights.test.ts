import { describe, expect, it } from "vitest";
import { exportFileName, formatDay, refusalKey } from "./dataRights";
import { messages } from "./i18n";

describe("data rights page", () => {
  it("words every refusal of the export and the erasure in both languages", () => {
    const cases: [number, string][] = [
      [403, "https://derma2go.nl/problems/password-incorrect"],
      [403, "https://derma2go.nl/problems/second-factor-code-required"],
      [403, "https://derma2go.nl/problems/second-factor-incorrect"],
      [409, "https://derma2go.nl/problems/consultations-running"],
      [409, "https://derma2go.nl/problems/not-erasable"],
      [429, "https://derma2go.nl/problems/rate-limited"],
    ];
    const keys = new Set<string>();
    for (const [status, type] of cases) {
      const key = refusalKey(status, type);
      expect(key, type).not.toBe("");
      keys.add(key);
      expect(messages.nl[key], key).toBeTruthy();
      expect(messages.en[key], key).toBeTruthy();
      expect(messages.nl[key]).not.toBe(messages.en[key]);
    }
    expect(keys.size).toBe(cases.length);
    expect(refusalKey(500, "https://derma2go.nl/problems/internal")).toBe("");
  });
  it("prints the day the record goes in the reader's language", () => {
    expect(formatDay("2046-12-01", "nl")).toBe("1 december 2046");
    expect(formatDay("2046-12-01", "en")).toBe("1 December 2046");
  });
  it("names the zip as the API does", () => {
    expect(exportFileName('attachment; filename="derma2go-export-2026-12-01.zip"', new Date())).toBe(
      "derma2go-export-2026-12-01.zip",
    );
    expect(exportFileName(null, new Date("2026-12-02T10:00:00Z"))).toBe("derma2go-export-2026-12-02.zip");
  });
});
