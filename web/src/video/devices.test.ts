import { describe, expect, it } from "vitest";
import {
  applySpeaker,
  constraintsFor,
  failureOf,
  levelOf,
  listsOf,
  openMedia,
  speakerChoiceSupported,
} from "./devices";

const err = (name: string) => Object.assign(new Error(name), { name });

describe("failureOf", () => {
  it("tells refused, missing and busy devices apart", () => {
    expect(failureOf(err("NotAllowedError"))).toBe("denied");
    expect(failureOf(err("SecurityError"))).toBe("denied");
    expect(failureOf(err("NotFoundError"))).toBe("missing");
    expect(failureOf(err("OverconstrainedError"))).toBe("missing");
    expect(failureOf(err("NotReadableError"))).toBe("busy");
    expect(failureOf(err("TypeError"))).toBe("unsupported");
    expect(failureOf(err("Whatever"))).toBe("other");
    expect(failureOf("a string")).toBe("other");
  });
});

describe("constraintsFor", () => {
  it("asks for the front camera unless one was picked", () => {
    const v = constraintsFor({}).video as MediaTrackConstraints;
    expect(v.facingMode).toBe("user");
    expect(v.deviceId).toBeUndefined();
    const picked = constraintsFor({ cameraId: "cam2", micId: "mic2" });
    expect((picked.video as MediaTrackConstraints).deviceId).toEqual({ exact: "cam2" });
    expect((picked.video as MediaTrackConstraints).facingMode).toBeUndefined();
    expect((picked.audio as MediaTrackConstraints).deviceId).toEqual({ exact: "mic2" });
    expect((picked.audio as MediaTrackConstraints).echoCancellation).toBe(true);
  });
});

describe("listsOf", () => {
  it("groups by kind, numbers unnamed devices and drops duplicates", () => {
    const l = listsOf(
      [
        { deviceId: "c1", kind: "videoinput", label: "" },
        { deviceId: "c2", kind: "videoinput", label: "Back camera" },
        { deviceId: "c2", kind: "videoinput", label: "Back camera" },
        { deviceId: "m1", kind: "audioinput", label: "Headset" },
        { deviceId: "s1", kind: "audiooutput", label: "Speakers" },
        { deviceId: "", kind: "audioinput", label: "" },
      ],
      "Camera",
    );
    expect(l.cameras).toEqual([
      { id: "c1", label: "Camera 1" },
      { id: "c2", label: "Back camera" },
    ]);
    expect(l.mics).toEqual([{ id: "m1", label: "Headset" }]);
    expect(l.speakers).toEqual([{ id: "s1", label: "Speakers" }]);
  });
});

describe("levelOf", () => {
  it("is zero for silence and grows with loudness, capped at 1", () => {
    expect(levelOf(new Uint8Array(512).fill(128))).toBe(0);
    const quiet = Uint8Array.from({ length: 512 }, (_, i) => 128 + (i % 2 ? 4 : -4));
    const loud = Uint8Array.from({ length: 512 }, (_, i) => 128 + (i % 2 ? 60 : -60));
    expect(levelOf(quiet)).toBeGreaterThan(0);
    expect(levelOf(loud)).toBeGreaterThan(levelOf(quiet));
    expect(levelOf(Uint8Array.from({ length: 8 }, (_, i) => (i % 2 ? 255 : 0)))).toBe(1);
    expect(levelOf([])).toBe(0);
  });
});

describe("openMedia", () => {
  const stream = { getTracks: () => [] } as unknown as MediaStream;
  it("returns the stream", async () => {
    expect(await openMedia({}, { getUserMedia: async () => stream })).toEqual({ stream });
  });
  it("says a refusal concerns both devices", async () => {
    const md = {
      getUserMedia: async () => {
        throw err("NotAllowedError");
      },
    };
    expect(await openMedia({}, md)).toEqual({ failure: "denied", device: "both" });
  });
  it("finds the device that is missing or busy", async () => {
    const noCamera = {
      getUserMedia: async (c?: MediaStreamConstraints) => {
        if (c?.video) throw err("NotFoundError");
        return stream;
      },
    };
    expect(await openMedia({}, noCamera)).toEqual({ failure: "missing", device: "camera" });
    const micBusy = {
      getUserMedia: async () => {
        throw err("NotReadableError");
      },
    };
    expect(await openMedia({}, micBusy)).toEqual({ failure: "busy", device: "mic" });
  });
  it("reports a browser without media devices", async () => {
    expect(await openMedia({}, undefined)).toEqual({ failure: "unsupported", device: "both" });
  });
});

describe("speaker choice", () => {
  it("is offered only where media elements have setSinkId", () => {
    expect(speakerChoiceSupported({ setSinkId() {} })).toBe(true);
    expect(speakerChoiceSupported({})).toBe(false);
    expect(speakerChoiceSupported(undefined)).toBe(false);
  });
  it("sends the element's sound to the chosen output, back to the default when none is chosen", async () => {
    const calls: string[] = [];
    const el = {
      sinkId: "",
      async setSinkId(id: string) {
        calls.push(id);
        this.sinkId = id;
      },
    };
    expect(await applySpeaker(el, "headset")).toBe(true);
    expect(el.sinkId).toBe("headset");
    expect(await applySpeaker(el, "headset")).toBe(true);
    expect(await applySpeaker(el, undefined)).toBe(true);
    expect(calls).toEqual(["headset", ""]);
    expect(await applySpeaker({}, "headset")).toBe(false);
  });
});
