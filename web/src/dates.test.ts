import { describe, expect, it } from "vitest";
import { checkDate, datePattern, formatDate, isoDate, parseDate } from "./dates";

describe("parseDate", () => {
  it("reads day, month, year the Dutch and the English way", () => {
    expect(parseDate("17-05-1990")).toBe("1990-05-17");
    expect(parseDate("17/05/1990")).toBe("1990-05-17");
    expect(parseDate("7-5-1990")).toBe("1990-05-07");
    expect(parseDate(" 17.05.1990 ")).toBe("1990-05-17");
    expect(parseDate("17 05 1990")).toBe("1990-05-17");
  });
  it("takes an ISO date as it is", () => {
    expect(parseDate("1984-02-29")).toBe("1984-02-29");
    expect(parseDate("2026-1-9")).toBe("2026-01-09");
  });
  it("is empty for an empty field", () => {
    expect(parseDate("")).toBe("");
    expect(parseDate("   ")).toBe("");
  });
  it("refuses what is not a real date", () => {
    for (const bad of [
      "31-02-2026",
      "29-02-2025",
      "00-01-2026",
      "12-13-2026",
      "17-05-90",
      "05/17",
      "morgen",
      "1990-05-17T00:00",
    ]) {
      expect(parseDate(bad), bad).toBeUndefined();
    }
  });
  it("never reads the American month first", () => {
    expect(parseDate("05/17/1990")).toBeUndefined();
    expect(parseDate("03/04/2026")).toBe("2026-04-03");
  });
});

describe("formatDate", () => {
  it("writes the reader's format", () => {
    expect(formatDate("1990-05-17", "nl")).toBe("17-05-1990");
    expect(formatDate("1990-05-17", "en")).toBe("17/05/1990");
  });
  it("leaves what is not an ISO date alone", () => {
    expect(formatDate("", "nl")).toBe("");
    expect(formatDate("17-05", "nl")).toBe("17-05");
    expect(formatDate("2026-02-31", "nl")).toBe("2026-02-31");
  });
  it("round-trips through parseDate in both languages", () => {
    for (const iso of ["2000-02-29", "1999-12-31", "2026-01-01"]) {
      expect(parseDate(formatDate(iso, "nl"))).toBe(iso);
      expect(parseDate(formatDate(iso, "en"))).toBe(iso);
    }
  });
});

describe("datePattern and isoDate", () => {
  it("names the format in the reader's words", () => {
    expect(datePattern("nl")).toBe("dd-mm-jjjj");
    expect(datePattern("en")).toBe("dd/mm/yyyy");
  });
  it("knows leap years", () => {
    expect(isoDate(2024, 2, 29)).toBe("2024-02-29");
    expect(isoDate(2100, 2, 29)).toBeUndefined();
  });
});

describe("checkDate", () => {
  it("holds a date against its bounds", () => {
    expect(checkDate("10-01-2099", "2099-01-05", "2099-02-01")).toEqual({ state: "ok", iso: "2099-01-10" });
    expect(checkDate("01-01-2099", "2099-01-05")).toEqual({ state: "early", iso: "2099-01-01" });
    expect(checkDate("01-03-2099", "", "2099-02-01")).toEqual({ state: "late", iso: "2099-03-01" });
    expect(checkDate("")).toEqual({ state: "empty" });
    expect(checkDate("31-02-2099")).toEqual({ state: "invalid" });
  });
});
