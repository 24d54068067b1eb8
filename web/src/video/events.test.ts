import { describe, expect, it } from "vitest";
import { eventsURL, parseEvent } from "./events";

describe("eventsURL", () => {
  it("puts a guest's token in the query, a session needs none", () => {
    expect(eventsURL("c1", "")).toBe("/v1/consultations/c1/events");
    expect(eventsURL("c1", "a.b+c")).toBe("/v1/consultations/c1/events?access=a.b%2Bc");
  });
});

describe("parseEvent", () => {
  it("reads a JSON object and refuses anything else", () => {
    expect(parseEvent('{"status":"in_session"}')).toEqual({ status: "in_session" });
    expect(parseEvent("[1]")).toBeUndefined();
    expect(parseEvent("nonsense")).toBeUndefined();
    expect(parseEvent(undefined)).toBeUndefined();
  });
});
