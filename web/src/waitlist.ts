// Logic of the waitlist pages, kept apart from React so Vitest can check
// it: the join form's window checks (the API's rules in waitlist.Join), an
// offer's state and time left, and the problems the waitlist answers with.
import type { components } from "./api/schema";
import { addDays } from "./public";

export type WaitlistEntry = components["schemas"]["WaitlistEntry"];
export type WaitlistOffer = components["schemas"]["WaitlistOffer"];
export type WaitlistType = WaitlistEntry["type"];
export type TimeOfDay = WaitlistEntry["time_of_day"];

export const waitlistTypes: WaitlistType[] = ["video", "in_person"];
export const timesOfDay: TimeOfDay[] = ["any", "morning", "afternoon", "evening"];

/** maxWindowDays is how far ahead the latest date may lie (domain.WaitlistMaxWindow). */
export const maxWindowDays = 180;

/** defaultWindowDays is the window the join form proposes: the next four weeks. */
export const defaultWindowDays = 28;

/** JoinValues is what the join form holds. */
export interface JoinValues {
  type: WaitlistType;
  earliest: string;
  latest: string;
  timeOfDay: TimeOfDay;
}

/** defaultJoin is the join form's start: the first type, from today for four weeks, any time. */
export function defaultJoin(types: WaitlistType[], today: string): JoinValues {
  return {
    type: types[0] ?? "video",
    earliest: today,
    latest: addDays(today, defaultWindowDays),
    timeOfDay: "any",
  };
}

/** JoinProblem is a field of the join form to correct, with the message key that says why. */
export type JoinProblem =
  | "required"
  | "invalid"
  | "wlLatestBeforeEarliest"
  | "wlLatestPast"
  | "wlLatestTooFar";

function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * joinErrors checks the window with the API's rules, today being the
 * doctor's today: both dates real days, latest not before earliest, not in
 * the past and at most maxWindowDays ahead. An earliest date in the past
 * counts from today (the API does the same), so it is no error.
 */
export function joinErrors(
  v: JoinValues,
  today: string,
): Partial<Record<"earliest" | "latest", JoinProblem>> {
  const errs: Partial<Record<"earliest" | "latest", JoinProblem>> = {};
  if (v.earliest === "") errs.earliest = "required";
  else if (!isDay(v.earliest)) errs.earliest = "invalid";
  if (v.latest === "") errs.latest = "required";
  else if (!isDay(v.latest)) errs.latest = "invalid";
  if (errs.earliest || errs.latest) return errs;
  if (v.latest < v.earliest) errs.latest = "wlLatestBeforeEarliest";
  else if (v.latest < today) errs.latest = "wlLatestPast";
  else if (v.latest > addDays(today, maxWindowDays)) errs.latest = "wlLatestTooFar";
  return errs;
}

/** joinBody is the request body of POST /v1/me/waitlist. */
export function joinBody(doctorId: string, v: JoinValues) {
  return {
    doctor_id: doctorId,
    type: v.type,
    earliest: v.earliest,
    latest: v.latest,
    time_of_day: v.timeOfDay,
  };
}

/** OfferState is what the offer page shows. */
export type OfferState = "open" | "expired" | "declined" | "accepted" | "booked";

/**
 * offerState is an offer's state as of now: an open offer whose time is up
 * is expired even before the API says so; an accepted one with a booking
 * is booked.
 */
export function offerState(
  o: Pick<WaitlistOffer, "status" | "expires_at" | "consultation_id">,
  now: Date,
): OfferState {
  if (o.status === "booked" || (o.status === "accepted" && o.consultation_id)) return "booked";
  if (o.status === "open") return new Date(o.expires_at).getTime() > now.getTime() ? "open" : "expired";
  return o.status;
}

/** timeLeft is the time until an instant as "m:ss" (or "h:mm:ss"), "0:00" once passed. */
export function timeLeft(until: string, now: Date): string {
  const s = Math.max(0, Math.floor((new Date(until).getTime() - now.getTime()) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/**
 * waitlistProblemKey is the message of a problem the waitlist routes answer
 * with that the pages tell in their own words ("" for the others, which the
 * shared problem notice tells).
 */
export function waitlistProblemKey(status: number, type: string | undefined): string {
  const slug = type ? type.slice(type.lastIndexOf("/") + 1) : "";
  if (slug === "waitlist-already-joined") return "wlAlreadyJoined";
  if (slug === "waitlist-offer-closed") return "wlOfferClosed";
  if (status === 409 && slug === "conflict") return "wlOfferLapsed";
  return "";
}
