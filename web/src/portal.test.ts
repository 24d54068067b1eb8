import { describe, expect, it } from "vitest";
import {
  centsToEuros,
  checkAvailability,
  cleanAvailability,
  countdown,
  eurosToCents,
  formatCountdown,
  groupByDay,
  lockedUntil,
  newBookings,
  splitConsultations,
  todayOf,
} from "./portal";

const now = new Date("2026-03-28T10:00:00Z");
const c = (status: string, starts_at: string | null, created_at = "2026-03-20T10:00:00Z") => ({
  status,
  starts_at,
  created_at,
});

describe("splitConsultations", () => {
  it("puts running requests, then appointments ahead (soonest first) under upcoming", () => {
    const later = c("scheduled", "2026-04-02T09:00:00Z");
    const sooner = c("scheduled", "2026-03-29T09:00:00Z");
    const advice = c("awaiting_advice", null, "2026-03-27T08:00:00Z");
    const done = c("completed", "2026-03-01T09:00:00Z");
    const answered = c("answered", null, "2026-03-10T08:00:00Z");
    const { upcoming, past } = splitConsultations([later, done, sooner, answered, advice], now);
    expect(upcoming).toEqual([advice, sooner, later]);
    expect(past).toEqual([answered, done]);
  });
  it("moves an appointment whose start is long gone to past even without a final status", () => {
    const stale = c("scheduled", "2026-03-27T08:00:00Z");
    expect(splitConsultations([stale], now).past).toEqual([stale]);
  });
});

describe("countdown", () => {
  const units = { d: "d", h: "h", min: "min" };
  it("counts down to a deadline in days, hours and minutes", () => {
    const cd = countdown("2026-03-29T13:05:00Z", now);
    expect(cd).toMatchObject({ overdue: false, days: 1, hours: 3, minutes: 5, urgency: "ok" });
    expect(formatCountdown(cd, units)).toBe("1 d 3 h");
  });
  it("is urgent within four hours", () => {
    const cd = countdown("2026-03-28T13:05:00Z", now);
    expect(cd.urgency).toBe("soon");
    expect(formatCountdown(cd, units)).toBe("3 h 05 min");
  });
  it("says how long a deadline is overdue", () => {
    const cd = countdown("2026-03-28T09:48:00Z", now);
    expect(cd).toMatchObject({ overdue: true, minutes: 12, urgency: "late" });
    expect(formatCountdown(cd, units)).toBe("12 min");
  });
});

describe("lockedUntil", () => {
  it("adds Retry-After seconds to now", () => {
    expect(lockedUntil("900", now)?.toISOString()).toBe("2026-03-28T10:15:00.000Z");
  });
  it("is unknown without a usable header", () => {
    expect(lockedUntil(null, now)).toBeUndefined();
    expect(lockedUntil("soon", now)).toBeUndefined();
    expect(lockedUntil("0", now)).toBeUndefined();
  });
});

describe("the doctor's day", () => {
  it("keeps today's appointments in the doctor's zone, in order", () => {
    // 23:30 UTC on the 27th is already the 28th in Amsterdam (CET, +1).
    const early = c("scheduled", "2026-03-27T23:30:00Z");
    const late = c("waiting", "2026-03-28T15:00:00Z");
    const tomorrow = c("scheduled", "2026-03-29T08:00:00Z");
    const cancelled = c("cancelled", "2026-03-28T12:00:00Z");
    expect(todayOf([late, tomorrow, cancelled, early], now, "Europe/Amsterdam")).toEqual([early, late]);
    expect(todayOf([early], now, "UTC")).toEqual([]);
  });
  it("lists bookings of the last week, newest first, without unpaid ones", () => {
    const a = c("scheduled", null, "2026-03-27T10:00:00Z");
    const b = c("awaiting_advice", null, "2026-03-28T09:00:00Z");
    const unpaid = c("awaiting_payment", null, "2026-03-28T09:30:00Z");
    const old = c("scheduled", null, "2026-03-01T10:00:00Z");
    expect(newBookings([a, unpaid, old, b], now)).toEqual([b, a]);
  });
});

describe("checkAvailability", () => {
  it("accepts well-formed rules and exceptions", () => {
    expect(
      checkAvailability({
        rules: [
          { type: "video", weekday: 1, start: "09:00", end: "12:00" },
          { type: "video", weekday: 1, start: "13:00", end: "24:00" },
          { type: "in_person", weekday: 1, start: "09:00", end: "12:00" },
        ],
        exceptions: [
          { day: "2026-04-27", kind: "off" },
          { day: "2026-04-28", kind: "extra", type: "video", start: "18:00", end: "20:00" },
        ],
      }),
    ).toEqual([]);
  });
  it("names bad times, reversed times, overlaps and incomplete exceptions", () => {
    const problems = checkAvailability({
      rules: [
        { type: "video", weekday: 2, start: "9:00", end: "12:00" },
        { type: "video", weekday: 2, start: "12:00", end: "11:00" },
        { type: "video", weekday: 3, start: "09:00", end: "12:00" },
        { type: "video", weekday: 3, start: "11:30", end: "13:00" },
      ],
      exceptions: [
        { day: "28-04-2026", kind: "off" },
        { day: "2026-04-28", kind: "extra", start: "10:00", end: "11:00" },
        { day: "2026-04-29", kind: "extra", type: "video", start: "10:00" },
      ],
    });
    expect(problems).toEqual([
      { list: "rules", index: 0, key: "badTime" },
      { list: "rules", index: 1, key: "endBeforeStart" },
      { list: "rules", index: 3, key: "overlap" },
      { list: "exceptions", index: 0, key: "badDay" },
      { list: "exceptions", index: 1, key: "needsType" },
      { list: "exceptions", index: 2, key: "badTime" },
    ]);
  });
  it("sorts rules and drops times from a day off", () => {
    expect(
      cleanAvailability({
        rules: [
          { type: "in_person", weekday: 1, start: "09:00", end: "12:00" },
          { type: "video", weekday: 2, start: "13:00", end: "14:00" },
          { type: "video", weekday: 2, start: "09:00", end: "10:00" },
        ],
        exceptions: [{ day: "2026-04-27", kind: "off", start: "", end: "" }],
      }),
    ).toEqual({
      rules: [
        { type: "video", weekday: 2, start: "09:00", end: "10:00" },
        { type: "video", weekday: 2, start: "13:00", end: "14:00" },
        { type: "in_person", weekday: 1, start: "09:00", end: "12:00" },
      ],
      exceptions: [{ day: "2026-04-27", kind: "off" }],
    });
  });
});

describe("slots and money", () => {
  it("groups slots by their day in the doctor's zone", () => {
    const s = [
      { start: "2026-03-27T22:30:00Z" },
      { start: "2026-03-28T08:00:00Z" },
      { start: "2026-03-29T08:00:00Z" },
    ];
    expect(groupByDay(s, "Europe/Amsterdam").map(([d, l]) => [d, l.length])).toEqual([
      ["2026-03-27", 1],
      ["2026-03-28", 1],
      ["2026-03-29", 1],
    ]);
  });
  it("reads and prints euro amounts", () => {
    expect(eurosToCents("45")).toBe(4500);
    expect(eurosToCents("45,5")).toBe(4550);
    expect(eurosToCents(" 12.34 ")).toBe(1234);
    expect(eurosToCents("12.345")).toBeNaN();
    expect(eurosToCents("-3")).toBeNaN();
    expect(centsToEuros(4550, "nl")).toBe("45,50");
    expect(centsToEuros(4550, "en")).toBe("45.50");
  });
});
