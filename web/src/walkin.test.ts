import { describe, expect, it } from "vitest";
import {
  type DoctorWalkIn,
  deskActions,
  formatSeconds,
  guestEmailValid,
  heard,
  queueView,
  waitMinutes,
  walkInPath,
} from "./walkin";

const at = Date.parse("2026-12-01T15:00:00Z");
const place = (over: Record<string, unknown> = {}) => ({
  opens_at: "2026-12-01T08:00:00Z",
  closes_at: "2026-12-01T20:00:00Z",
  place: "waiting" as const,
  position: 3,
  eta: "2026-12-01T15:20:00Z",
  answer_by: null,
  skips: 0,
  ...over,
});

describe("queueView", () => {
  it("shows the place and ETA the API read", () => {
    expect(queueView({ status: "queued", walk_in: place() }, at)).toEqual({
      kind: "waiting",
      position: 3,
      eta: Date.parse("2026-12-01T15:20:00Z"),
      requeued: false,
    });
  });
  it("moves at once with a queue event newer than the read", () => {
    const live = heard({ consultation_id: "c", position: 1, eta_minutes: 4 }, at + 1000);
    expect(queueView({ status: "queued", walk_in: place() }, at, live, at)).toMatchObject({
      position: 1,
      eta: at + 1000 + 4 * 60000,
    });
    // An event older than the last read is already in it.
    expect(queueView({ status: "queued", walk_in: place() }, at, live, at + 2000)).toMatchObject({
      position: 3,
    });
  });
  it("says a skipped patient was put back at the end", () => {
    expect(queueView({ status: "queued", walk_in: place({ skips: 1 }) }, at)).toMatchObject({
      requeued: true,
    });
  });
  it("counts the answer down while called, never below zero", () => {
    const c = {
      status: "called",
      walk_in: place({ place: "called", position: null, answer_by: "2026-12-01T15:02:00Z" }),
    };
    expect(queueView(c, at)).toMatchObject({ kind: "called", secondsLeft: 120 });
    expect(queueView(c, at + 119500)).toMatchObject({ secondsLeft: 1 });
    expect(queueView(c, at + 300000)).toMatchObject({ secondsLeft: 0 });
  });
  it("tells removed (absent twice) from closed, both refunded", () => {
    expect(queueView({ status: "cancelled", walk_in: place({ reason: "walkin_absent" }) }, at).kind).toBe(
      "removed",
    );
    expect(queueView({ status: "cancelled", walk_in: place({ reason: "walkin_closed" }) }, at).kind).toBe(
      "closed",
    );
    expect(queueView({ status: "cancelled" }, at).kind).toBe("ended");
    expect(queueView({ status: "payment_failed" }, at).kind).toBe("failed");
    expect(queueView({ status: "awaiting_payment" }, at).kind).toBe("paying");
    expect(queueView({ status: "in_session" }, at).kind).toBe("in_session");
  });
});

describe("walk-in helpers", () => {
  it("prints waits and countdowns", () => {
    expect(waitMinutes(at + 90_000, at)).toBe(2);
    expect(waitMinutes(at - 90_000, at)).toBe(0);
    expect(waitMinutes(undefined, at)).toBeUndefined();
    expect(formatSeconds(125)).toBe("2:05");
    expect(formatSeconds(-3)).toBe("0:00");
  });
  it("builds the guest's page with the access token", () => {
    expect(walkInPath("a b", "t/k")).toBe("/consultations/a%20b/waiting-room?access=t%2Fk");
    expect(walkInPath("x", "")).toBe("/consultations/x/waiting-room");
  });
  it("checks a guest email lightly", () => {
    expect(guestEmailValid("a@b.nl")).toBe(true);
    expect(guestEmailValid("a@b")).toBe(false);
  });
});

describe("deskActions", () => {
  const q = (over: Partial<DoctorWalkIn> = {}): DoctorWalkIn => ({
    open: true,
    opens_at: null,
    closes_at: null,
    paused: false,
    closed: false,
    closed_early: false,
    waiting: [{ consultation_id: "a", skips: 0 }],
    called: null,
    in_session: null,
    average_session_minutes: 10,
    measured_sessions: 0,
    ...over,
  });
  it("calls only when open, not paused, nobody called or in session, someone waiting", () => {
    expect(deskActions(q()).callNext).toBe(true);
    expect(deskActions(q({ paused: true })).callNext).toBe(false);
    expect(deskActions(q({ waiting: [] })).callNext).toBe(false);
    expect(deskActions(q({ called: { consultation_id: "b", skips: 0 } })).callNext).toBe(false);
    expect(deskActions(q({ in_session: { consultation_id: "b", skips: 0 } })).callNext).toBe(false);
    expect(deskActions(q({ closed: true }))).toEqual({
      callNext: false,
      pause: false,
      resume: false,
      close: false,
    });
  });
  it("pauses or resumes", () => {
    expect(deskActions(q())).toMatchObject({ pause: true, resume: false, close: true });
    expect(deskActions(q({ paused: true }))).toMatchObject({ pause: false, resume: true });
  });
});
