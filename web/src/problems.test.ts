import { describe, expect, it } from "vitest";
import { translate } from "./i18n";
import { failureOf, problemKeys, problemKind, problemMessage } from "./problems";

const type = (slug: string) => `https://derma2go.nl/problems/${slug}`;
const answer = (status: number, lang?: string) => ({
  status,
  headers: new Headers(lang ? { "Content-Language": lang } : {}),
});

describe("problemKind", () => {
  it("tells the PIN's answers apart", () => {
    expect(problemKind(423, type("pin-locked"))).toBe("pinLocked");
    expect(problemKind(403, type("pin-incorrect"))).toBe("pinIncorrect");
    expect(problemKind(409, type("pin-not-set"))).toBe("pinNotSet");
    expect(problemKind(403, type("pin-locked-session"))).toBe("pinRequired");
  });
  it("tells the conflicts apart", () => {
    expect(problemKind(409, type("conflict"), true)).toBe("slotTaken");
    expect(problemKind(409, type("conflict"))).toBe("conflict");
    expect(problemKind(409, type("idempotency-key-in-use"), true)).toBe("busy");
    expect(problemKind(409, type("too-many-unpaid"), true)).toBe("tooManyUnpaid");
    expect(problemKind(409, type("email-verified"))).toBe("alreadyVerified");
    expect(problemKind(400, type("verify-token-invalid"))).toBe("linkExpired");
  });
  it("sorts the rest by status", () => {
    expect(problemKind(0)).toBe("offline");
    expect(problemKind(403, type("forbidden"))).toBe("forbidden");
    expect(problemKind(413)).toBe("invalid");
    expect(problemKind(504)).toBe("unavailable");
  });
});

describe("problemMessage", () => {
  const nl = (k: string) => translate("nl", k);
  const en = (k: string) => translate("en", k);
  it("has a text in both languages for every kind", () => {
    for (const key of Object.values(problemKeys)) {
      expect(translate("nl", key), key).not.toBe(key);
      expect(translate("en", key), key).not.toBe(key);
      expect(translate("en", key), key).not.toBe(translate("nl", key));
    }
  });
  it("never shows a detail the server wrote in another language", () => {
    const f = failureOf(answer(409), {
      type: type("conflict"),
      detail: "The consultation is answered already.",
    });
    expect(f.detail).toBeUndefined();
    expect(problemMessage(nl, "nl", f)).toBe(translate("nl", "stStateChanged"));
    const english = failureOf(answer(409, "en"), {
      type: type("walk-in-full"),
      detail: "The queue is full.",
    });
    expect(problemMessage(nl, "nl", english)).toBe(translate("nl", "stStateChanged"));
    expect(problemMessage(en, "en", english)).toBe("The queue is full.");
  });
  it("keeps the server's words in the reader's language where they say more", () => {
    const f = failureOf(answer(409, "nl"), { type: type("walk-in-full"), detail: "De wachtrij is vol." });
    expect(problemMessage(nl, "nl", f)).toBe("De wachtrij is vol.");
  });
  it("prefers its own words for a taken slot and a locked PIN", () => {
    const slot = failureOf(answer(409, "nl"), { type: type("conflict"), detail: "Bezet." }, true);
    expect(problemMessage(nl, "nl", slot)).toBe(translate("nl", "pubSlotTaken"));
    const pin = failureOf(answer(403), {
      type: type("pin-incorrect"),
      detail: "The PIN is wrong; 2 attempts left.",
    });
    expect(problemMessage(nl, "nl", pin)).toBe(translate("nl", "stPinIncorrect"));
  });
  it("is offline without an answer", () => {
    expect(problemMessage(nl, "nl", failureOf(undefined))).toBe(translate("nl", "offline"));
  });
});
