import { describe, expect, it } from "vitest";
import { match } from "./router";
import { defaultJoin, joinBody, joinErrors, offerState, timeLeft, waitlistProblemKey } from "./waitlist";

const today = "2026-03-12";

describe("joinErrors", () => {
  const v = (earliest: string, latest: string) => ({
    type: "video" as const,
    earliest,
    latest,
    timeOfDay: "any" as const,
  });
  it("accepts the proposed window and a past earliest date (counted from today)", () => {
    expect(joinErrors(defaultJoin(["video"], today), today)).toEqual({});
    expect(joinErrors(v("2026-03-01", "2026-03-20"), today)).toEqual({});
  });
  it("requires real days", () => {
    expect(joinErrors(v("", "2026-03-20"), today)).toEqual({ earliest: "required" });
    expect(joinErrors(v("2026-02-30", "2026-03-20"), today)).toEqual({ earliest: "invalid" });
    expect(joinErrors(v("2026-03-12", "12-03-2026"), today)).toEqual({ latest: "invalid" });
  });
  it("refuses a window backwards, in the past or beyond 180 days", () => {
    expect(joinErrors(v("2026-03-20", "2026-03-19"), today)).toEqual({ latest: "wlLatestBeforeEarliest" });
    expect(joinErrors(v("2026-03-01", "2026-03-11"), today)).toEqual({ latest: "wlLatestPast" });
    expect(joinErrors(v("2026-03-12", "2026-09-08"), today)).toEqual({});
    expect(joinErrors(v("2026-03-12", "2026-09-09"), today)).toEqual({ latest: "wlLatestTooFar" });
  });
});

describe("defaultJoin and joinBody", () => {
  it("proposes the first type from today for four weeks, any time", () => {
    expect(defaultJoin(["in_person"], today)).toEqual({
      type: "in_person",
      earliest: today,
      latest: "2026-04-09",
      timeOfDay: "any",
    });
  });
  it("sends the API's field names", () => {
    expect(joinBody("d-1", { type: "video", earliest: today, latest: today, timeOfDay: "evening" })).toEqual({
      doctor_id: "d-1",
      type: "video",
      earliest: today,
      latest: today,
      time_of_day: "evening",
    });
  });
});

describe("offerState", () => {
  const now = new Date("2026-03-12T10:00:00Z");
  it("is expired once the time is up, even before the API says so", () => {
    expect(offerState({ status: "open", expires_at: "2026-03-12T10:00:01Z" }, now)).toBe("open");
    expect(offerState({ status: "open", expires_at: "2026-03-12T10:00:00Z" }, now)).toBe("expired");
    expect(offerState({ status: "expired", expires_at: "2026-03-12T11:00:00Z" }, now)).toBe("expired");
  });
  it("is booked once a booking took it", () => {
    expect(offerState({ status: "booked", expires_at: "", consultation_id: "c" }, now)).toBe("booked");
    expect(offerState({ status: "accepted", expires_at: "", consultation_id: "c" }, now)).toBe("booked");
    expect(offerState({ status: "accepted", expires_at: "" }, now)).toBe("accepted");
    expect(offerState({ status: "declined", expires_at: "" }, now)).toBe("declined");
  });
});

describe("timeLeft", () => {
  const now = new Date("2026-03-12T10:00:00Z");
  it("counts down in minutes and seconds, hours when long", () => {
    expect(timeLeft("2026-03-12T10:29:05Z", now)).toBe("29:05");
    expect(timeLeft("2026-03-12T11:02:03Z", now)).toBe("1:02:03");
    expect(timeLeft("2026-03-12T09:00:00Z", now)).toBe("0:00");
  });
});

describe("waitlistProblemKey", () => {
  it("names the waitlist's own refusals", () => {
    expect(waitlistProblemKey(409, "https://derma2go.nl/problems/waitlist-already-joined")).toBe(
      "wlAlreadyJoined",
    );
    expect(waitlistProblemKey(409, "https://derma2go.nl/problems/waitlist-offer-closed")).toBe(
      "wlOfferClosed",
    );
    expect(waitlistProblemKey(409, "https://derma2go.nl/problems/conflict")).toBe("wlOfferLapsed");
    expect(waitlistProblemKey(409, "https://derma2go.nl/problems/too-many-unpaid")).toBe("");
    expect(waitlistProblemKey(422, "https://derma2go.nl/problems/validation")).toBe("");
  });
});

describe("routes", () => {
  it("opens the offer page the email links to, and the list", () => {
    expect(match("/waitlist/offers/abc")).toMatchObject({ name: "waitlistOffer", params: { id: "abc" } });
    expect(match("/waitlist").name).toBe("waitlist");
  });
});
