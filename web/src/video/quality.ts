/**
 * The one place where connection quality is judged: the thresholds of the
 * good / fair / poor grades, used by the equipment test, the waiting room
 * (what the doctor is told) and the call's network indicator alike.
 */

export type Grade = "good" | "fair" | "poor";

/** A measurement of a connection; a figure that could not be measured is left out. */
export interface Measurement {
  /** round-trip time in milliseconds */
  rttMs?: number;
  /** fraction of packets lost, 0..1 */
  loss?: number;
  /** media received, kilobits per second */
  kbps?: number;
}

/**
 * thresholds: a figure is "good" within the first bound, "fair" within the
 * second, otherwise "poor". Round trip and loss are upper bounds,
 * throughput a lower bound. 300 kbit/s carries a clear 640×360 picture with
 * sound; below 100 kbit/s the picture freezes.
 */
export const thresholds = {
  rttMs: { good: 200, fair: 500 },
  loss: { good: 0.02, fair: 0.1 },
  kbps: { good: 300, fair: 100 },
} as const;

const order: Grade[] = ["good", "fair", "poor"];

function worse(a: Grade, b: Grade): Grade {
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

function upper(v: number, t: { good: number; fair: number }): Grade {
  return v <= t.good ? "good" : v <= t.fair ? "fair" : "poor";
}

function lower(v: number, t: { good: number; fair: number }): Grade {
  return v >= t.good ? "good" : v >= t.fair ? "fair" : "poor";
}

/**
 * gradeOf grades a measurement by its worst figure; undefined when nothing
 * was measured (no connection at all is not a grade but a failure).
 */
export function gradeOf(m: Measurement): Grade | undefined {
  const parts: Grade[] = [];
  if (isFiniteNumber(m.rttMs)) parts.push(upper(m.rttMs, thresholds.rttMs));
  if (isFiniteNumber(m.loss)) parts.push(upper(m.loss, thresholds.loss));
  if (isFiniteNumber(m.kbps)) parts.push(lower(m.kbps, thresholds.kbps));
  if (parts.length === 0) return undefined;
  return parts.reduce(worse);
}

/** weakest names the figure that set the grade, for the advice shown with it. */
export function weakest(m: Measurement): keyof Measurement | undefined {
  const g = gradeOf(m);
  if (!g || g === "good") return undefined;
  if (isFiniteNumber(m.loss) && upper(m.loss, thresholds.loss) === g) return "loss";
  if (isFiniteNumber(m.kbps) && lower(m.kbps, thresholds.kbps) === g) return "kbps";
  return "rttMs";
}

function isFiniteNumber(v: number | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}
