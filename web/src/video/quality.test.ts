import { describe, expect, it } from "vitest";
import { gradeOf, thresholds, weakest } from "./quality";

describe("gradeOf", () => {
  it("grades each figure at its bounds", () => {
    expect(gradeOf({ rttMs: thresholds.rttMs.good })).toBe("good");
    expect(gradeOf({ rttMs: thresholds.rttMs.good + 1 })).toBe("fair");
    expect(gradeOf({ rttMs: thresholds.rttMs.fair })).toBe("fair");
    expect(gradeOf({ rttMs: thresholds.rttMs.fair + 1 })).toBe("poor");
    expect(gradeOf({ loss: 0 })).toBe("good");
    expect(gradeOf({ loss: thresholds.loss.good + 0.001 })).toBe("fair");
    expect(gradeOf({ loss: thresholds.loss.fair + 0.001 })).toBe("poor");
    expect(gradeOf({ kbps: thresholds.kbps.good })).toBe("good");
    expect(gradeOf({ kbps: thresholds.kbps.good - 1 })).toBe("fair");
    expect(gradeOf({ kbps: thresholds.kbps.fair - 1 })).toBe("poor");
  });
  it("takes the worst figure", () => {
    expect(gradeOf({ rttMs: 20, loss: 0, kbps: 900 })).toBe("good");
    expect(gradeOf({ rttMs: 20, loss: 0.05, kbps: 900 })).toBe("fair");
    expect(gradeOf({ rttMs: 20, loss: 0, kbps: 50 })).toBe("poor");
    expect(gradeOf({ rttMs: 800, loss: 0.05, kbps: 900 })).toBe("poor");
  });
  it("has no grade without a measurement", () => {
    expect(gradeOf({})).toBeUndefined();
    expect(gradeOf({ rttMs: Number.NaN })).toBeUndefined();
  });
  it("keeps its bounds in order", () => {
    expect(thresholds.rttMs.good).toBeLessThan(thresholds.rttMs.fair);
    expect(thresholds.loss.good).toBeLessThan(thresholds.loss.fair);
    expect(thresholds.kbps.good).toBeGreaterThan(thresholds.kbps.fair);
  });
});

describe("weakest", () => {
  it("names the figure that set the grade", () => {
    expect(weakest({ rttMs: 20, loss: 0, kbps: 900 })).toBeUndefined();
    expect(weakest({ rttMs: 20, loss: 0.2, kbps: 900 })).toBe("loss");
    expect(weakest({ rttMs: 20, loss: 0, kbps: 50 })).toBe("kbps");
    expect(weakest({ rttMs: 900, loss: 0, kbps: 900 })).toBe("rttMs");
  });
});
