import { describe, expect, it } from "vitest";
import { loginHref, match, safeNext } from "./router";

describe("match", () => {
  it("finds the pages that email links open", () => {
    expect(match("/consultations/abc", "?access=t").name).toBe("consultation");
    expect(match("/consultations/abc").params).toEqual({ id: "abc" });
    expect(match("/consultations/abc", "?access=t").query.get("access")).toBe("t");
    expect(match("/consultations/abc/intake").name).toBe("intake");
    expect(match("/consultations/abc/review").name).toBe("review");
    expect(match("/consultations/abc/questionnaire").name).toBe("questionnaire");
    expect(match("/consultations/abc/waiting-room").name).toBe("waitingRoom");
    expect(match("/doctor/consultations/abc").name).toBe("doctorConsultation");
    expect(match("/reset-password", "?token=x").name).toBe("resetPassword");
    expect(match("/payment-return").name).toBe("paymentReturn");
    expect(match("/").name).toBe("home");
    expect(match("/consultations/").name).toBe("portal");
  });
  it("does not match other paths", () => {
    expect(match("/consultations/abc/nope").name).toBe("notFound");
    expect(match("/doctor/consultations").name).toBe("notFound");
    expect(match("/v1/consultations/abc").name).toBe("notFound");
  });
});

describe("safeNext", () => {
  it("keeps paths on this site", () => {
    expect(safeNext("/consultations/abc?x=1")).toBe("/consultations/abc?x=1");
  });
  it("refuses other sites and odd forms", () => {
    for (const bad of [
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "",
      null,
    ]) {
      expect(safeNext(bad)).toBe("/consultations");
    }
  });
  it("round-trips through the login link", () => {
    const href = loginHref("/doctor/consultations/abc");
    const next = new URL(href, "http://x").searchParams.get("next");
    expect(safeNext(next)).toBe("/doctor/consultations/abc");
  });
});
