import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney, messages, pickLang, translate } from "./i18n";

describe("messages", () => {
  it("has every key in both languages, none empty", () => {
    const nl = Object.keys(messages.nl).sort();
    expect(Object.keys(messages.en).sort()).toEqual(nl);
    for (const lang of ["nl", "en"] as const) {
      for (const [k, v] of Object.entries(messages[lang])) expect(v, `${lang}.${k}`).not.toBe("");
    }
  });
  it("falls back to the key for an unknown dynamic key", () => {
    expect(translate("en", "status_something_new")).toBe("status_something_new");
    expect(translate("en", "login")).toBe("Log in");
    expect(translate("nl", "login")).toBe("Inloggen");
  });
});

describe("formatting", () => {
  it("prints money in the reader's language", () => {
    expect(formatMoney(4500, "EUR", "en")).toBe("€45.00");
    expect(formatMoney(4500, "EUR", "nl").replace(/\s/g, " ")).toBe("€ 45,00");
  });
  it("prints instants in the doctor's zone, across daylight saving", () => {
    expect(formatDateTime("2026-03-03T13:30:00Z", "en")).toBe("Tuesday, 3 March 2026 at 14:30");
    expect(formatDateTime("2026-07-07T13:30:00Z", "nl")).toBe("dinsdag 7 juli 2026 om 15:30");
  });
  it("chooses the language: query, then saved, then Dutch", () => {
    expect(pickLang("en", "nl")).toBe("en");
    expect(pickLang(null, "en")).toBe("en");
    expect(pickLang("fr", null)).toBe("nl");
  });
});
