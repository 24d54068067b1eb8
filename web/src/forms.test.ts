import { describe, expect, it } from "vitest";
import { buildIntake, problemSlug } from "./forms";

const good = {
  complaint: "A red, scaly patch on my elbow",
  location: "left elbow",
  duration: "months",
  question: "Is this psoriasis?",
};

describe("buildIntake", () => {
  it("builds the short form with only its fields", () => {
    const out = buildIntake("short", { ...good, age_years: "40" });
    expect(out).toEqual({ answers: good });
  });
  it("names every field to correct", () => {
    const out = buildIntake("short", { complaint: "short", location: "", duration: "ages" });
    expect("errors" in out && out.errors.map((e) => `${e.field}:${e.key}`)).toEqual([
      "complaint:tooShort",
      "location:required",
      "question:required",
      "duration:required",
    ]);
  });
  it("requires a whole age for the detailed form", () => {
    expect("errors" in buildIntake("detailed", { ...good, age_years: "4.5" })).toBe(true);
    expect("errors" in buildIntake("detailed", { ...good, age_years: "" })).toBe(true);
    const out = buildIntake("detailed", { ...good, age_years: "40", allergies: " none " });
    expect(out).toEqual({
      answers: { ...good, age_years: 40, allergies: "none", medications: "", previous_treatment: "" },
    });
  });
});

describe("problemSlug", () => {
  it("is the last segment of the type", () => {
    expect(problemSlug("https://derma2go.nl/problems/pin-locked-session")).toBe("pin-locked-session");
    expect(problemSlug(undefined)).toBe("");
  });
});
