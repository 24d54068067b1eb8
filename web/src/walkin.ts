// Logic of the walk-in pages, kept apart from React so Vitest can check it:
// what a walk-in patient is told about their place in the queue (from the
// consultation and the live queue events), the answer countdown, and what
// the doctor's desk may do now.
import type { components } from "./api/schema";

export type WalkIn = components["schemas"]["WalkIn"];
export type ConsultationWalkIn = components["schemas"]["ConsultationWalkIn"];
export type DoctorWalkIn = components["schemas"]["DoctorWalkIn"];
export type QueueEvent = components["schemas"]["QueueEvent"];

/** The consultation fields the walk-in pages read. */
export interface WalkInConsultation {
  status: string;
  walk_in?: ConsultationWalkIn;
}

/** A queue event as the page keeps it: with the moment it arrived. */
export interface HeardPosition {
  position: number;
  etaMinutes: number;
  at: number;
}

/** heard keeps a queue event with the moment it arrived (its ETA is minutes from then). */
export function heard(e: QueueEvent, at: number): HeardPosition {
  return { position: e.position, etaMinutes: e.eta_minutes, at };
}

/** What the patient's queue panel shows. */
export type QueueView =
  | { kind: "paying" }
  | { kind: "waiting"; position?: number; eta?: number; requeued: boolean }
  | { kind: "called"; answerBy?: number; secondsLeft?: number }
  | { kind: "in_session" }
  | { kind: "completed" }
  | { kind: "removed" }
  | { kind: "closed" }
  | { kind: "failed" }
  | { kind: "ended" };

/**
 * queueView is what a walk-in patient is told now. The consultation (read
 * from the API) says the status and the place; a live queue event newer
 * than that read moves the position and ETA at once. A cancelled walk-in
 * says why it left the queue (both are refunded in full).
 */
export function queueView(c: WalkInConsultation, now: number, live?: HeardPosition, readAt = 0): QueueView {
  const w = c.walk_in;
  switch (c.status) {
    case "awaiting_payment":
      return { kind: "paying" };
    case "queued": {
      let position = w?.position ?? undefined;
      let eta = w?.eta ? Date.parse(w.eta) : undefined;
      if (live && live.at >= readAt && live.position > 0) {
        position = live.position;
        eta = live.at + live.etaMinutes * 60000;
      }
      return { kind: "waiting", position, eta, requeued: (w?.skips ?? 0) > 0 };
    }
    case "called": {
      const answerBy = w?.answer_by ? Date.parse(w.answer_by) : undefined;
      return {
        kind: "called",
        answerBy,
        secondsLeft: answerBy === undefined ? undefined : Math.max(0, Math.ceil((answerBy - now) / 1000)),
      };
    }
    case "in_session":
      return { kind: "in_session" };
    case "completed":
      return { kind: "completed" };
    case "payment_failed":
    case "expired":
      return { kind: "failed" };
    case "cancelled":
      if (w?.reason === "walkin_absent") return { kind: "removed" };
      if (w?.reason === "walkin_closed") return { kind: "closed" };
      return { kind: "ended" };
    default:
      return { kind: "ended" };
  }
}

/** waitMinutes is how many whole minutes from now until eta (never negative). */
export function waitMinutes(eta: number | undefined, now: number): number | undefined {
  if (eta === undefined) return undefined;
  return Math.max(0, Math.round((eta - now) / 60000));
}

/** formatSeconds prints a countdown as m:ss. */
export function formatSeconds(s: number): string {
  const n = Math.max(0, Math.floor(s));
  return `${Math.floor(n / 60)}:${String(n % 60).padStart(2, "0")}`;
}

/** What the doctor's walk-in desk offers now. */
export interface DeskActions {
  callNext: boolean;
  pause: boolean;
  resume: boolean;
  close: boolean;
}

/**
 * deskActions mirrors the queue's own rules (its validators still decide):
 * call the next patient only while the session is open, not paused, nobody
 * called or in session and someone waits; pause while open and not paused;
 * close early while open.
 */
export function deskActions(q: DoctorWalkIn): DeskActions {
  const open = q.open && !q.closed;
  return {
    callNext: open && !q.paused && !q.called && !q.in_session && q.waiting.length > 0,
    pause: open && !q.paused,
    resume: open && q.paused,
    close: open,
  };
}

/** walkInPath is the patient's page of a walk-in (the queue, then the call), with a guest's access. */
export function walkInPath(id: string, access: string): string {
  return `/consultations/${encodeURIComponent(id)}/waiting-room${access ? `?access=${encodeURIComponent(access)}` : ""}`;
}

/** guestEmailValid is the same light check the booking form makes. */
export function guestEmailValid(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
}
