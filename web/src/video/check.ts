/**
 * The connection check of the technical support page: the waiting room's
 * own call (call.ts, room.tsx) into a test room of our SFU, which sends the
 * page's media back as a waiting room sends the patient's, and the
 * judgement of what it measured (round trip and loss by quality.ts's
 * thresholds).
 */
import { type Ticket, TicketRefused } from "./call";
import { type Grade, gradeOf, type Measurement } from "./quality";
import type { CandidateType } from "./stats";

/**
 * oneAttempt lets a ticket source be asked once: the call's rejoin after a
 * failed first connection ends the check instead of retrying (a check
 * reports what happens, it does not ride out an outage as a call does).
 */
export function oneAttempt(get: () => Promise<Ticket>): () => Promise<Ticket> {
  let asked = false;
  return async () => {
    if (asked) throw new TicketRefused("unreachable");
    asked = true;
    try {
      return await get();
    } catch (err) {
      throw err instanceof TicketRefused ? err : new TicketRefused("unreachable");
    }
  };
}

/**
 * generatedMedia is a moving test picture (a canvas) and a soft tone, sent
 * when the camera or microphone cannot be used, so the connection is still
 * tested. stop ends both.
 */
export function generatedMedia(): { stream: MediaStream; stop: () => void } {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext("2d");
  let frame = 0;
  const draw = () => {
    if (!g) return;
    frame++;
    g.fillStyle = "#0a6e5c";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = "#ffffff";
    g.fillRect((frame * 6) % canvas.width, 100, 40, 40);
  };
  draw();
  const timer = setInterval(draw, 1000 / 15);
  const stream = canvas.captureStream(15);
  let audio: AudioContext | undefined;
  try {
    audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.05;
    const out = audio.createMediaStreamDestination();
    tone.connect(gain).connect(out);
    tone.start();
    void audio.resume().catch(() => {});
    for (const tr of out.stream.getAudioTracks()) stream.addTrack(tr);
  } catch {
    // Without Web Audio the picture alone is sent.
  }
  return {
    stream,
    stop: () => {
      clearInterval(timer);
      for (const tr of stream.getTracks()) tr.stop();
      void audio?.close().catch(() => {});
    },
  };
}

/** How one part of the check went. */
export type PartState = "ok" | "warn" | "failed";

/** What the check saw. */
export interface Findings {
  /** the peer connection reached "connected" */
  connected: boolean;
  /** this side's candidate in the pair in use */
  candidate?: CandidateType;
  /** round trip, loss and throughput over the test window */
  measurement?: Measurement;
  /** video frames of the echo decoded */
  framesBack: number;
  /** audio packets of the echo received */
  audioBack: number;
  /** an audio track was sent (a tone or the microphone) */
  sentAudio: boolean;
}

/** The verdict per part, the worst of them, and the troubles to give fixes for. */
export interface Verdict {
  ice: PartState;
  quality?: PartState;
  grade?: Grade;
  media?: PartState;
  overall: PartState;
  troubles: ("connection" | "slow" | "nomedia")[];
}

const order: PartState[] = ["ok", "warn", "failed"];

function worst(parts: (PartState | undefined)[]): PartState {
  return parts.reduce<PartState>((a, b) => (b && order.indexOf(b) > order.indexOf(a) ? b : a), "ok");
}

/**
 * judge grades the findings. Quality is the round trip and the loss only:
 * the echo's throughput in a few seconds measures how far the browser's
 * encoder has ramped up rather than the network, so it is shown, not
 * graded. A relayed connection (TURN) passes.
 */
export function judge(f: Findings): Verdict {
  if (!f.connected) return { ice: "failed", overall: "failed", troubles: ["connection"] };
  const troubles: Verdict["troubles"] = [];
  const m = f.measurement ?? {};
  const grade = gradeOf({ rttMs: m.rttMs, loss: m.loss });
  const quality: PartState | undefined =
    grade === undefined ? undefined : grade === "good" ? "ok" : grade === "fair" ? "warn" : "failed";
  if (quality && quality !== "ok") troubles.push("slow");
  const back = f.framesBack > 0 && (!f.sentAudio || f.audioBack > 0);
  const media: PartState = back ? "ok" : "failed";
  if (!back) troubles.push("nomedia");
  return { ice: "ok", quality, grade, media, overall: worst([quality, media]), troubles };
}
