/**
 * Reading a connection's figures from WebRTC statistics (getStats): the
 * round-trip time of the ICE pair in use, the loss and the throughput of
 * the media received, and how many video frames were decoded. Pure
 * functions over plain stats objects, so they are tested without a browser.
 */
import type { Measurement } from "./quality";

/** One stats object as getStats reports it (only the fields read here). */
export interface Stat {
  id: string;
  type: string;
  kind?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  selectedCandidatePairId?: string;
  bytesReceived?: number;
  packetsReceived?: number;
  packetsLost?: number;
  framesDecoded?: number;
  bytesSent?: number;
  localCandidateId?: string;
  candidateType?: string;
}

/** A snapshot of stats at a moment (milliseconds). */
export interface Sample {
  at: number;
  stats: Stat[];
}

/** sampleOf copies a stats report into a sample. */
export function sampleOf(report: RTCStatsReport, at: number): Sample {
  const stats: Stat[] = [];
  report.forEach((s: Stat) => {
    stats.push({ ...s });
  });
  return { at, stats };
}

/** selectedPair is the ICE candidate pair in use, if any. */
function selectedPair(stats: Stat[], byId: Map<string, Stat>): Stat | undefined {
  let pair: Stat | undefined;
  for (const s of stats) {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
  }
  return (
    pair ??
    stats.find((s) => s.type === "candidate-pair" && (s.selected || (s.nominated && s.state === "succeeded")))
  );
}

/** How this side reaches the other: directly, through its router's public address, or through a TURN relay. */
export type CandidateType = "host" | "srflx" | "prflx" | "relay";

/** candidateType is the type of this side's candidate in the pair in use (relay: through TURN). */
export function candidateType(stats: Stat[]): CandidateType | undefined {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const pair = selectedPair(stats, byId);
  const local = pair?.localCandidateId ? byId.get(pair.localCandidateId) : undefined;
  const t = local?.candidateType;
  return t === "host" || t === "srflx" || t === "prflx" || t === "relay" ? t : undefined;
}

/** packetsReceived counts the media packets of a kind received so far. */
export function packetsReceived(stats: Stat[], kind: "audio" | "video"): number {
  let n = 0;
  for (const s of stats) if (s.type === "inbound-rtp" && s.kind === kind) n += s.packetsReceived ?? 0;
  return n;
}

/** rttMs is the round trip of the ICE candidate pair in use, in milliseconds. */
export function rttMs(stats: Stat[]): number | undefined {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const pair = selectedPair(stats, byId);
  if (pair?.currentRoundTripTime !== undefined) return pair.currentRoundTripTime * 1000;
  // Without a pair figure, the remote side's receiver reports.
  const remote = stats.filter((s) => s.type === "remote-inbound-rtp" && s.roundTripTime !== undefined);
  if (remote.length === 0) return undefined;
  return (Math.max(...remote.map((s) => s.roundTripTime ?? 0)) as number) * 1000;
}

interface Totals {
  bytes: number;
  received: number;
  lost: number;
  frames: number;
}

function inbound(stats: Stat[]): Totals {
  const t: Totals = { bytes: 0, received: 0, lost: 0, frames: 0 };
  for (const s of stats) {
    if (s.type !== "inbound-rtp") continue;
    t.bytes += s.bytesReceived ?? 0;
    t.received += s.packetsReceived ?? 0;
    t.lost += Math.max(0, s.packetsLost ?? 0);
    if (s.kind === "video") t.frames += s.framesDecoded ?? 0;
  }
  return t;
}

/** framesDecoded counts the video frames decoded so far. */
export function framesDecoded(stats: Stat[]): number {
  return inbound(stats).frames;
}

/**
 * measure compares two samples of one connection: throughput and loss of
 * what arrived between them, and the round trip at the later one.
 */
export function measure(prev: Sample, cur: Sample): Measurement {
  const m: Measurement = {};
  const rtt = rttMs(cur.stats);
  if (rtt !== undefined) m.rttMs = rtt;
  const a = inbound(prev.stats);
  const b = inbound(cur.stats);
  const seconds = (cur.at - prev.at) / 1000;
  const got = b.received - a.received;
  const lost = Math.max(0, b.lost - a.lost);
  if (seconds > 0 && got + lost > 0) {
    m.kbps = (Math.max(0, b.bytes - a.bytes) * 8) / 1000 / seconds;
    m.loss = lost / (got + lost);
  }
  return m;
}
