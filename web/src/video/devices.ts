/**
 * Cameras, microphones and speakers: what to ask getUserMedia for (the
 * front camera on a phone unless the user picked one), which failure a
 * getUserMedia error is, the microphone level from Web Audio samples, and a
 * short generated tone for the speaker test.
 */

/** Why the camera or microphone could not be opened. */
export type DeviceFailure = "denied" | "missing" | "busy" | "unsupported" | "other";

/** failureOf sorts a getUserMedia error into what the user can do about it. */
export function failureOf(err: unknown): DeviceFailure {
  const name = err && typeof err === "object" && "name" in err ? String((err as { name: unknown }).name) : "";
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "busy";
    case "TypeError":
    case "NotSupportedError":
      return "unsupported";
    default:
      return "other";
  }
}

/** The devices the user chose; empty means the default (front camera). */
export interface Choice {
  cameraId?: string;
  micId?: string;
  speakerId?: string;
}

/** constraintsFor asks for the chosen devices, or the front camera and default microphone. */
export function constraintsFor(c: Choice): MediaStreamConstraints {
  const size = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
  return {
    video: c.cameraId ? { ...size, deviceId: { exact: c.cameraId } } : { ...size, facingMode: "user" },
    audio: {
      ...(c.micId ? { deviceId: { exact: c.micId } } : {}),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  };
}

/** A device the user can pick. */
export interface Device {
  id: string;
  label: string;
}

export interface DeviceLists {
  cameras: Device[];
  mics: Device[];
  speakers: Device[];
}

/**
 * listsOf groups enumerated devices by kind; a device without a label
 * (permission not yet given) is numbered.
 */
export function listsOf(
  devices: Pick<MediaDeviceInfo, "deviceId" | "kind" | "label">[],
  unnamed: string,
): DeviceLists {
  const out: DeviceLists = { cameras: [], mics: [], speakers: [] };
  const seen = new Set<string>();
  for (const d of devices) {
    const key = `${d.kind}/${d.deviceId}`;
    if (!d.deviceId || seen.has(key)) continue;
    seen.add(key);
    const list =
      d.kind === "videoinput"
        ? out.cameras
        : d.kind === "audioinput"
          ? out.mics
          : d.kind === "audiooutput"
            ? out.speakers
            : undefined;
    if (!list) continue;
    list.push({ id: d.deviceId, label: d.label || `${unnamed} ${list.length + 1}` });
  }
  return out;
}

/**
 * levelOf is the loudness of a block of time-domain samples (bytes around
 * 128, as AnalyserNode.getByteTimeDomainData gives them) on a 0..1 scale:
 * the RMS, scaled so ordinary speech reaches about half.
 */
export function levelOf(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = ((samples[i] ?? 128) - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, rms * 4);
}

/** The level above which the microphone counts as hearing something. */
export const heardLevel = 0.04;

/** MicMeter follows a stream's audio level until stopped. */
export class MicMeter {
  private ctx: AudioContext;
  private analyser: AnalyserNode;
  private data: Uint8Array<ArrayBuffer>;
  private source: MediaStreamAudioSourceNode;

  constructor(stream: MediaStream) {
    this.ctx = new AudioContext();
    this.source = this.ctx.createMediaStreamSource(stream);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.data = new Uint8Array(new ArrayBuffer(this.analyser.fftSize));
    this.source.connect(this.analyser);
  }

  /** level is the current loudness, 0..1. */
  level(): number {
    if (this.ctx.state === "suspended") void this.ctx.resume();
    this.analyser.getByteTimeDomainData(this.data);
    return levelOf(this.data);
  }

  stop(): void {
    this.source.disconnect();
    void this.ctx.close();
  }
}

type SinkElement = { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/**
 * speakerChoiceSupported reports whether the browser lets a page send a
 * media element's sound to a chosen output (setSinkId: Chromium, Firefox;
 * not Safari on iOS). Where it cannot, the speaker picker is hidden.
 */
export function speakerChoiceSupported(
  proto: object | undefined = typeof HTMLMediaElement === "undefined"
    ? undefined
    : HTMLMediaElement.prototype,
): boolean {
  return Boolean(proto && "setSinkId" in proto);
}

/**
 * applySpeaker sends an element's sound to the chosen output (undefined or
 * "" = the system default); false where the browser cannot choose.
 */
export async function applySpeaker(el: SinkElement, speakerId: string | undefined): Promise<boolean> {
  if (typeof el.setSinkId !== "function") return false;
  const want = speakerId ?? "";
  if ((el.sinkId ?? "") !== want) await el.setSinkId(want);
  return true;
}

/** toneSeconds is the length of the speaker test tone. */
export const toneSeconds = 1.2;

/**
 * playTone plays a short two-note chime on the chosen speaker (where the
 * browser lets a page choose one) and resolves when it has finished.
 */
export async function playTone(speakerId?: string): Promise<void> {
  const ctx = new AudioContext();
  try {
    const sink = ctx as AudioContext & { setSinkId?: (id: string) => Promise<void> };
    if (speakerId && sink.setSinkId) await sink.setSinkId(speakerId);
    if (ctx.state === "suspended") await ctx.resume();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    const half = toneSeconds / 2;
    [660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0 + i * half);
      osc.stop(t0 + (i + 1) * half);
    });
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.3, t0 + 0.05);
    gain.gain.setValueAtTime(0.3, t0 + toneSeconds - 0.1);
    gain.gain.linearRampToValueAtTime(0, t0 + toneSeconds);
    await new Promise((r) => setTimeout(r, toneSeconds * 1000 + 50));
  } finally {
    await ctx.close();
  }
}

/** openMedia opens camera and microphone; on failure it says which failed and why. */
export async function openMedia(
  choice: Choice,
  md: Pick<MediaDevices, "getUserMedia"> | undefined = globalThis.navigator?.mediaDevices,
): Promise<{ stream: MediaStream } | { failure: DeviceFailure; device: "camera" | "mic" | "both" }> {
  if (!md?.getUserMedia) return { failure: "unsupported", device: "both" };
  const c = constraintsFor(choice);
  try {
    return { stream: await md.getUserMedia(c) };
  } catch (err) {
    const failure = failureOf(err);
    if (failure === "denied" || failure === "unsupported") return { failure, device: "both" };
    // Find out which of the two is the trouble.
    const audioOnly = await md.getUserMedia({ audio: c.audio }).then(
      (s) => {
        for (const t of s.getTracks()) t.stop();
        return true;
      },
      () => false,
    );
    return { failure, device: audioOnly ? "camera" : "mic" };
  }
}
