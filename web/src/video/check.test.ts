import { describe, expect, it } from "vitest";
import { type Ticket, TicketRefused } from "./call";
import { judge, oneAttempt } from "./check";

const ok = { connected: true, framesBack: 40, audioBack: 200, sentAudio: true };

describe("judge", () => {
  it("fails every part when no connection was made", () => {
    expect(judge({ connected: false, framesBack: 0, audioBack: 0, sentAudio: true })).toEqual({
      ice: "failed",
      overall: "failed",
      troubles: ["connection"],
    });
  });
  it("passes a fast connection whose media came back, directly or through TURN", () => {
    for (const candidate of ["host", "relay"] as const) {
      const v = judge({ ...ok, candidate, measurement: { rttMs: 30, loss: 0, kbps: 40 } });
      expect(v).toMatchObject({ ice: "ok", quality: "ok", grade: "good", media: "ok", overall: "ok" });
      expect(v.troubles).toEqual([]);
    }
  });
  it("grades round trip and loss, not the echo's throughput", () => {
    expect(judge({ ...ok, measurement: { rttMs: 300, loss: 0 } })).toMatchObject({
      quality: "warn",
      overall: "warn",
      troubles: ["slow"],
    });
    expect(judge({ ...ok, measurement: { rttMs: 40, loss: 0.2 } })).toMatchObject({
      quality: "failed",
      overall: "failed",
    });
  });
  it("fails the media part when the picture or the sound sent did not come back", () => {
    expect(judge({ ...ok, framesBack: 0, measurement: { rttMs: 5, loss: 0 } })).toMatchObject({
      media: "failed",
      overall: "failed",
      troubles: ["nomedia"],
    });
    expect(judge({ ...ok, audioBack: 0 }).media).toBe("failed");
    expect(judge({ ...ok, audioBack: 0, sentAudio: false }).media).toBe("ok");
  });
});

describe("oneAttempt", () => {
  const ticket: Ticket = { token: "t", ws_url: "/v1/video/ws?token=t" };
  it("gives the first ticket and refuses a rejoin", async () => {
    const get = oneAttempt(async () => ticket);
    await expect(get()).resolves.toBe(ticket);
    await expect(get()).rejects.toBeInstanceOf(TicketRefused);
  });
  it("turns a network error into a refusal, and keeps the API's own", async () => {
    await expect(
      oneAttempt(async () => {
        throw new TypeError("Failed to fetch");
      })(),
    ).rejects.toBeInstanceOf(TicketRefused);
    await expect(
      oneAttempt(async () => {
        throw new TicketRefused("Probeer het over 30 seconden opnieuw.");
      })(),
    ).rejects.toThrow("30 seconden");
  });
});
