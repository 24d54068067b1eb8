import { describe, expect, it } from "vitest";
import { buildIdentity, buildIntake, problemSlug } from "./forms";

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

describe("buildIdentity", () => {
  const today = new Date("2026-12-01T12:00:00Z");
  it("asks a guest's name and everyone's date of birth", () => {
    expect(buildIdentity(true, { patient_name: " Eva de Vries ", birth_date: "1984-02-29" }, today)).toEqual({
      identity: { patient_name: "Eva de Vries", birth_date: "1984-02-29" },
    });
    expect(buildIdentity(false, { patient_name: "ignored", birth_date: "1984-02-29" }, today)).toEqual({
      identity: { birth_date: "1984-02-29" },
    });
    const out = buildIdentity(true, {}, today);
    expect("errors" in out && out.errors.map((e) => e.field)).toEqual(["patient_name", "birth_date"]);
  });
  it("refuses dates that do not exist or lie ahead", () => {
    for (const bad of ["1985-02-29", "2027-01-01", "01-02-1984", "1850-01-01"]) {
      expect("errors" in buildIdentity(false, { birth_date: bad }, today), bad).toBe(true);
    }
  });
});
