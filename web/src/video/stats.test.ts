import { describe, expect, it } from "vitest";
import { candidateType, framesDecoded, measure, packetsReceived, rttMs, type Stat } from "./stats";

const pair = (rtt: number): Stat[] => [
  { id: "T1", type: "transport", selectedCandidatePairId: "CP2" },
  { id: "CP1", type: "candidate-pair", state: "failed", currentRoundTripTime: 9 },
  { id: "CP2", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: rtt },
];

const media = (bytes: number, received: number, lost: number, frames: number): Stat[] => [
  {
    id: "IA",
    type: "inbound-rtp",
    kind: "audio",
    bytesReceived: bytes / 10,
    packetsReceived: received / 2,
    packetsLost: 0,
  },
  {
    id: "IV",
    type: "inbound-rtp",
    kind: "video",
    bytesReceived: bytes - bytes / 10,
    packetsReceived: received / 2,
    packetsLost: lost,
    framesDecoded: frames,
  },
];

describe("rttMs", () => {
  it("reads the selected pair, in milliseconds", () => {
    expect(rttMs(pair(0.042))).toBeCloseTo(42);
  });
  it("falls back to the nominated pair, then receiver reports", () => {
    expect(rttMs(pair(0.05).slice(1))).toBeCloseTo(50);
    expect(rttMs([{ id: "R", type: "remote-inbound-rtp", roundTripTime: 0.12 }])).toBeCloseTo(120);
    expect(rttMs([])).toBeUndefined();
  });
});

describe("measure", () => {
  it("computes throughput and loss between two samples", () => {
    const prev = { at: 1000, stats: [...pair(0.01), ...media(100_000, 200, 0, 10)] };
    const cur = { at: 3000, stats: [...pair(0.02), ...media(350_000, 590, 10, 70)] };
    const m = measure(prev, cur);
    expect(m.rttMs).toBeCloseTo(20);
    expect(m.kbps).toBeCloseTo(1000); // 250 000 bytes in 2 s
    expect(m.loss).toBeCloseTo(10 / 400);
    expect(framesDecoded(cur.stats)).toBe(70);
  });
  it("leaves out what did not flow", () => {
    const s = { at: 0, stats: pair(0.03) };
    const m = measure(s, { ...s, at: 1000 });
    expect(m).toEqual({ rttMs: 30 });
  });
});

describe("candidateType", () => {
  it("is this side's candidate in the pair in use", () => {
    const stats: Stat[] = [
      { id: "T1", type: "transport", selectedCandidatePairId: "CP2" },
      { id: "CP1", type: "candidate-pair", state: "failed", localCandidateId: "L1" },
      { id: "CP2", type: "candidate-pair", state: "succeeded", localCandidateId: "L2" },
      { id: "L1", type: "local-candidate", candidateType: "host" },
      { id: "L2", type: "local-candidate", candidateType: "relay" },
    ];
    expect(candidateType(stats)).toBe("relay");
    expect(candidateType(stats.slice(1))).toBeUndefined();
    expect(candidateType([])).toBeUndefined();
  });
});

describe("packetsReceived", () => {
  it("counts the packets of one kind", () => {
    expect(packetsReceived(media(1000, 100, 0, 5), "audio")).toBe(50);
    expect(packetsReceived([], "video")).toBe(0);
  });
});
