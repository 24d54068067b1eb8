import type { components } from "./api/schema";

export type ShortIntake = components["schemas"]["ShortIntake"];
export type DetailedIntake = components["schemas"]["DetailedIntake"];
export type IntakeKind = "short" | "detailed";
export type IntakeValues = Record<string, string>;

export const durations = ["days", "weeks", "months", "years"] as const;

/** A field the user must correct, with the message key that says why. */
export interface FieldError {
  field: string;
  key: "required" | "tooShort" | "tooLong" | "invalid";
  limit?: number;
}

function text(v: IntakeValues, field: string, min: number, max: number, errs: FieldError[]): string {
  const s = (v[field] ?? "").trim();
  if (s === "") errs.push({ field, key: "required" });
  else if (s.length < min) errs.push({ field, key: "tooShort", limit: min });
  else if (s.length > max) errs.push({ field, key: "tooLong", limit: max });
  return s;
}

function optional(v: IntakeValues, field: string, max: number, errs: FieldError[]): string {
  const s = (v[field] ?? "").trim();
  if (s.length > max) errs.push({ field, key: "tooLong", limit: max });
  return s;
}

/**
 * buildIntake checks the form's values with the API's rules (api/intake.go)
 * and returns the answers to send, or the fields to correct.
 */
export function buildIntake(
  kind: IntakeKind,
  v: IntakeValues,
): { answers: ShortIntake | DetailedIntake } | { errors: FieldError[] } {
  const errs: FieldError[] = [];
  const complaint = text(v, "complaint", 10, 2000, errs);
  const location = text(v, "location", 1, 200, errs);
  const question = text(v, "question", 5, 1000, errs);
  const duration = v.duration ?? "";
  if (!(durations as readonly string[]).includes(duration)) errs.push({ field: "duration", key: "required" });
  const short: ShortIntake = { complaint, location, question, duration: duration as ShortIntake["duration"] };
  if (kind === "short") return errs.length ? { errors: errs } : { answers: short };
  const ageText = (v.age_years ?? "").trim();
  const age = Number(ageText);
  if (ageText === "") errs.push({ field: "age_years", key: "required" });
  else if (!Number.isInteger(age) || age < 0 || age > 120) errs.push({ field: "age_years", key: "invalid" });
  const detailed: DetailedIntake = {
    ...short,
    age_years: age,
    medications: optional(v, "medications", 1000, errs),
    allergies: optional(v, "allergies", 500, errs),
    previous_treatment: optional(v, "previous_treatment", 1000, errs),
  };
  return errs.length ? { errors: errs } : { answers: detailed };
}

/** problemSlug is the last segment of a problem's type URI ("pin-locked"). */
export function problemSlug(type: string | undefined): string {
  if (!type) return "";
  return type.slice(type.lastIndexOf("/") + 1);
}

/**
 * buildIdentity checks who the patient is, for invoices and prescriptions:
 * a guest gives a name, everyone a date of birth (YYYY-MM-DD, not in the
 * future). The API ignores what it knows already.
 */
export function buildIdentity(
  guest: boolean,
  v: IntakeValues,
  today = new Date(),
): { identity: { patient_name?: string; birth_date: string } } | { errors: FieldError[] } {
  const errs: FieldError[] = [];
  const name = (v.patient_name ?? "").trim();
  if (guest && name === "") errs.push({ field: "patient_name", key: "required" });
  else if (name.length > 200) errs.push({ field: "patient_name", key: "tooLong", limit: 200 });
  const birth = (v.birth_date ?? "").trim();
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(birth) ? new Date(`${birth}T00:00:00Z`) : undefined;
  if (birth === "") errs.push({ field: "birth_date", key: "required" });
  else if (
    !parsed ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== birth ||
    parsed.getTime() > today.getTime() ||
    parsed.getUTCFullYear() < 1900
  ) {
    errs.push({ field: "birth_date", key: "invalid" });
  }
  if (errs.length) return { errors: errs };
  return { identity: guest ? { patient_name: name, birth_date: birth } : { birth_date: birth } };
}
