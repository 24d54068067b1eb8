// Logic of the patient portal, the doctor's dashboard and the admin pages
// that needs no React: sorting consultations, countdowns, the PIN lockout
// time and the availability editor's checks. Business rules (the refund,
// the SLA deadline, the slots) come from the API, never from here.
import type { components, paths } from "./api/schema";
import { dayKey } from "./public";

export type Availability = components["schemas"]["Availability"];
export type Rule = NonNullable<Availability["rules"]>[number];
export type Exception = NonNullable<Availability["exceptions"]>[number];
export type SlotType = Rule["type"];
export const slotTypes: SlotType[] = ["video", "in_person", "walk_in"];

/** Statuses after which nothing more happens to a consultation. */
const finalStatuses = new Set([
  "completed",
  "declined",
  "expired",
  "cancelled",
  "no_show",
  "payment_failed",
  "answered",
]);

interface Timed {
  status: string;
  starts_at?: string | null;
  created_at: string;
}

/** whenOf is the moment a consultation is about: its start, or when it was booked. */
function whenOf(c: Timed): number {
  return new Date(c.starts_at ?? c.created_at).getTime();
}

/**
 * splitConsultations puts open consultations under upcoming (running
 * requests without a start first, then appointments soonest first) and the
 * rest under past, newest first.
 */
export function splitConsultations<T extends Timed>(items: T[], now: Date): { upcoming: T[]; past: T[] } {
  const upcoming: T[] = [];
  const past: T[] = [];
  for (const c of items) {
    const ended = finalStatuses.has(c.status);
    const startedLongAgo = c.starts_at
      ? new Date(c.starts_at).getTime() < now.getTime() - 12 * 3600e3
      : false;
    if (ended || startedLongAgo) past.push(c);
    else upcoming.push(c);
  }
  upcoming.sort(
    (a, b) => Number(Boolean(a.starts_at)) - Number(Boolean(b.starts_at)) || whenOf(a) - whenOf(b),
  );
  past.sort((a, b) => whenOf(b) - whenOf(a));
  return { upcoming, past };
}

/** Countdown is the time left until a deadline, or how long it is overdue. */
export interface Countdown {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
  /** urgency: "late" past the deadline, "soon" within 4 hours, else "ok". */
  urgency: "late" | "soon" | "ok";
}

/** countdown measures from now to the deadline (elapsed time, whole minutes). */
export function countdown(deadline: string, now: Date): Countdown {
  const ms = new Date(deadline).getTime() - now.getTime();
  const overdue = ms < 0;
  const total = Math.floor(Math.abs(ms) / 60000);
  const urgency = overdue ? "late" : ms <= 4 * 3600e3 ? "soon" : "ok";
  return {
    overdue,
    days: Math.floor(total / 1440),
    hours: Math.floor((total % 1440) / 60),
    minutes: total % 60,
    urgency,
  };
}

/** formatCountdown prints a Countdown short: "1 d 3 h", "3 h 05 min", "12 min". */
export function formatCountdown(c: Countdown, units: { d: string; h: string; min: string }): string {
  if (c.days > 0) return `${c.days} ${units.d} ${c.hours} ${units.h}`;
  if (c.hours > 0) return `${c.hours} ${units.h} ${String(c.minutes).padStart(2, "0")} ${units.min}`;
  return `${c.minutes} ${units.min}`;
}

/**
 * lockedUntil is when a locked PIN may be tried again: the API answers 423
 * with Retry-After in seconds. Without a usable header it is unknown.
 */
export function lockedUntil(retryAfter: string | null, now: Date): Date | undefined {
  if (!retryAfter) return undefined;
  const s = Number(retryAfter);
  if (!Number.isFinite(s) || s <= 0) return undefined;
  return new Date(now.getTime() + s * 1000);
}

/** todayOf keeps the consultations that start on now's day in the zone, by start. */
export function todayOf<T extends Timed>(items: T[], now: Date, timeZone: string): T[] {
  const today = dayKey(now, timeZone);
  return items
    .filter((c) => c.starts_at && dayKey(c.starts_at, timeZone) === today && c.status !== "cancelled")
    .sort((a, b) => whenOf(a) - whenOf(b));
}

/** newBookings are the consultations booked within the last days, newest first. */
export function newBookings<T extends Timed>(items: T[], now: Date, days = 7): T[] {
  const since = now.getTime() - days * 86400e3;
  return items
    .filter((c) => new Date(c.created_at).getTime() >= since && c.status !== "awaiting_payment")
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime());
}

const clock = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** minutesOf reads "HH:MM" (24:00 allowed as the end of the day). */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** A problem in the availability form: which row and why. */
export interface RowProblem {
  list: "rules" | "exceptions";
  index: number;
  key: "badTime" | "endBeforeStart" | "overlap" | "badDay" | "needsType";
}

/**
 * checkAvailability finds what the API would refuse before it is sent:
 * a time that is not HH:MM, an end not after its start, two rules of one
 * type on one weekday that overlap, an exception without a valid day, an
 * extra exception without type and times.
 */
export function checkAvailability(a: Availability): RowProblem[] {
  const out: RowProblem[] = [];
  const rules = a.rules ?? [];
  rules.forEach((r, i) => {
    if (!clock.test(r.start) || !clock.test(r.end)) out.push({ list: "rules", index: i, key: "badTime" });
    else if (minutesOf(r.end) <= minutesOf(r.start))
      out.push({ list: "rules", index: i, key: "endBeforeStart" });
    else {
      const clash = rules.some(
        (o, j) =>
          j < i &&
          o.type === r.type &&
          o.weekday === r.weekday &&
          clock.test(o.start) &&
          clock.test(o.end) &&
          minutesOf(o.start) < minutesOf(r.end) &&
          minutesOf(r.start) < minutesOf(o.end),
      );
      if (clash) out.push({ list: "rules", index: i, key: "overlap" });
    }
  });
  (a.exceptions ?? []).forEach((e, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.day) || Number.isNaN(new Date(`${e.day}T00:00:00Z`).getTime())) {
      out.push({ list: "exceptions", index: i, key: "badDay" });
    } else if (e.kind === "extra") {
      if (!e.type) out.push({ list: "exceptions", index: i, key: "needsType" });
      else if (!e.start || !e.end || !clock.test(e.start) || !clock.test(e.end))
        out.push({ list: "exceptions", index: i, key: "badTime" });
      else if (minutesOf(e.end) <= minutesOf(e.start))
        out.push({ list: "exceptions", index: i, key: "endBeforeStart" });
    }
  });
  return out;
}

/**
 * cleanAvailability is the body to send: rules sorted by type, weekday and
 * start; an "off" exception without times (a whole day off, for every type
 * unless one is chosen).
 */
export function cleanAvailability(a: Availability): Availability {
  const rules = [...(a.rules ?? [])].sort(
    (x, y) =>
      slotTypes.indexOf(x.type) - slotTypes.indexOf(y.type) ||
      x.weekday - y.weekday ||
      minutesOf(x.start) - minutesOf(y.start),
  );
  const exceptions = (a.exceptions ?? []).map((e) => {
    if (e.kind === "off")
      return e.type ? { day: e.day, kind: e.kind, type: e.type } : { day: e.day, kind: e.kind };
    return e;
  });
  return { rules, exceptions };
}

/** groupByDay puts slots under their day in the zone, in order. */
export function groupByDay<T extends { start: string }>(slots: T[], timeZone: string): [string, T[]][] {
  const days = new Map<string, T[]>();
  for (const s of slots) {
    const k = dayKey(s.start, timeZone);
    const list = days.get(k) ?? [];
    list.push(s);
    days.set(k, list);
  }
  return [...days.entries()];
}

/** eurosToCents reads "45", "45,50" or "45.5" as cents; NaN when it is no amount. */
export function eurosToCents(text: string): number {
  const t = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

/** centsToEuros is the editable text of an amount ("45,50" in Dutch, "45.50" in English). */
export function centsToEuros(cents: number, lang: "nl" | "en"): string {
  const s = (cents / 100).toFixed(2);
  return lang === "nl" ? s.replace(".", ",") : s;
}

export type DoctorProfile = components["schemas"]["DoctorProfile"];
export type ProfileBody = NonNullable<
  paths["/v1/doctor/profile"]["put"]["requestBody"]
>["content"]["application/json"];

/**
 * profileBody is the whole profile to PUT (the API replaces it) from the
 * profile as loaded with the changed fields on top, so a page that edits
 * one field (the admin fee) keeps every other.
 */
export function profileBody(p: DoctorProfile, changes: Partial<ProfileBody> = {}): ProfileBody {
  return {
    specialty: p.specialty,
    bio: p.bio,
    focus_areas: p.focus_areas,
    languages: p.languages,
    city: p.city,
    address: p.address,
    location: { lat: p.location.lat, lng: p.location.lng },
    time_zone: p.time_zone,
    photo_url: p.photo_url,
    admin_fee_cents: p.admin_fee_cents,
    advice_sla_days: p.advice_sla_days,
    practice_name: p.practice_name,
    big_number: p.big_number,
    agb_code: p.agb_code,
    ...changes,
  };
}

/** listOf splits "nl, en ,fr" into trimmed, non-empty items. */
export function listOf(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
