import { describe, expect, it } from "vitest";
import { delayMinutes, doctorStatus } from "./status";

const start = "2026-12-01T10:00:00Z";

describe("delayMinutes", () => {
  it("is the expected start minus the booked start", () => {
    expect(delayMinutes({ starts_at: start, expected_start: "2026-12-01T10:15:00Z" })).toBe(15);
    expect(delayMinutes({ starts_at: start, expected_start: start })).toBe(0);
    expect(delayMinutes({ starts_at: start, expected_start: null })).toBe(0);
    expect(delayMinutes({ starts_at: null, expected_start: start })).toBe(0);
  });
});

describe("doctorStatus", () => {
  const before = new Date("2026-12-01T09:58:00Z").getTime();
  const late = { status: "waiting", starts_at: start, expected_start: "2026-12-01T10:10:00Z" };
  it("says not started, running late or ready", () => {
    expect(
      doctorStatus({ status: "waiting", starts_at: start, expected_start: start }, false, before),
    ).toEqual({
      key: "videoDoctorNotStarted",
      minutes: 0,
    });
    expect(doctorStatus(late, false, before)).toEqual({ key: "videoDoctorLate", minutes: 10 });
    expect(doctorStatus({ status: "waiting", starts_at: start }, true, before).key).toBe("videoDoctorReady");
    expect(doctorStatus({ status: "in_session", starts_at: start }, false, before).key).toBe(
      "videoDoctorReady",
    );
  });
  it("keeps saying late while the delay runs, even with the doctor in the room", () => {
    expect(doctorStatus(late, true, before).key).toBe("videoDoctorLate");
    const after = new Date("2026-12-01T10:11:00Z").getTime();
    expect(doctorStatus(late, true, after).key).toBe("videoDoctorReady");
    expect(doctorStatus(late, false, after).key).toBe("videoDoctorNotStarted");
  });
});
