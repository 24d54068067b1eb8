/**
 * React parts of the equipment test that any page can use: the local
 * camera and microphone (with the failure, if any), a video element for a
 * stream, the microphone meter, the speaker test, the device pickers, and
 * the connection figures of a call.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n";
import type { Call } from "./call";
import {
  applySpeaker,
  type Choice,
  type DeviceFailure,
  type DeviceLists,
  heardLevel,
  listsOf,
  MicMeter,
  openMedia,
  playTone,
  speakerChoiceSupported,
} from "./devices";
import { type Grade, gradeOf, type Measurement } from "./quality";
import { framesDecoded, measure, type Sample, sampleOf } from "./stats";

export interface LocalMedia {
  stream?: MediaStream;
  failure?: { failure: DeviceFailure; device: "camera" | "mic" | "both" };
  opening: boolean;
}

/** useLocalMedia opens camera and microphone once `on`, again when the choice changes. */
export function useLocalMedia(choice: Choice, on: boolean): LocalMedia & { retry: () => void } {
  const [state, setState] = useState<LocalMedia>({ opening: false });
  const [attempt, setAttempt] = useState(0);
  const { cameraId, micId } = choice;
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt reopens the devices (retry)
  useEffect(() => {
    if (!on) return;
    let stop = false;
    let opened: MediaStream | undefined;
    setState((s) => ({ ...s, opening: true }));
    void openMedia({ cameraId, micId }).then((r) => {
      if ("stream" in r) {
        opened = r.stream;
        if (stop) for (const t of r.stream.getTracks()) t.stop();
        else setState({ stream: r.stream, opening: false });
      } else if (!stop) setState({ failure: r, opening: false });
    });
    return () => {
      stop = true;
      if (opened) for (const t of opened.getTracks()) t.stop();
    };
  }, [on, cameraId, micId, attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, retry };
}

/** useDeviceLists lists cameras, microphones and speakers, again when devices change. */
export function useDeviceLists(refresh: unknown): DeviceLists {
  const { t } = useI18n();
  const [lists, setLists] = useState<DeviceLists>({ cameras: [], mics: [], speakers: [] });
  const unnamed = t("videoDeviceUnnamed");
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh re-lists (labels appear once permission is given)
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const update = () => void md.enumerateDevices().then((d) => setLists(listsOf(d, unnamed)));
    update();
    md.addEventListener("devicechange", update);
    return () => md.removeEventListener("devicechange", update);
  }, [unnamed, refresh]);
  return lists;
}

/** StreamVideo shows a stream; the own picture muted and mirrored. */
export function StreamVideo({
  stream,
  muted,
  mirrored,
  label,
  className,
  speakerId,
}: {
  stream: MediaStream | undefined;
  muted: boolean;
  mirrored?: boolean;
  label: string;
  className?: string;
  /** the chosen output for the sound (the other side's video only) */
  speakerId?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const v = ref.current;
    if (!v || muted) return;
    // A speaker that went away falls back to the default output.
    void applySpeaker(v, speakerId).catch(() => applySpeaker(v, undefined).catch(() => {}));
  }, [speakerId, muted]);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    v.srcObject = stream ?? null;
    if (stream) {
      v.play().then(
        () => setBlocked(false),
        () => {
          // Autoplay with sound refused: play muted, let the user unmute.
          if (!muted) {
            v.muted = true;
            setBlocked(true);
            void v.play().catch(() => {});
          }
        },
      );
    }
  }, [stream, muted]);
  const { t } = useI18n();
  return (
    <div className={`video-tile ${className ?? ""}`}>
      <video
        ref={ref}
        autoPlay
        playsInline
        muted={muted}
        aria-label={label}
        className={mirrored ? "mirrored" : undefined}
      />
      {blocked ? (
        <button
          type="button"
          className="video-unblock"
          onClick={() => {
            const v = ref.current;
            if (v) {
              v.muted = false;
              void v.play();
            }
            setBlocked(false);
          }}
        >
          {t("videoUnmute")}
        </button>
      ) : null}
    </div>
  );
}

/** MicLevel shows the microphone's loudness and whether anything was heard. */
export function MicLevel({ stream }: { stream: MediaStream | undefined }) {
  const { t } = useI18n();
  const [level, setLevel] = useState(0);
  const [heard, setHeard] = useState(false);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    let meter: MicMeter | undefined;
    try {
      meter = new MicMeter(stream);
    } catch {
      return;
    }
    const m = meter;
    const timer = setInterval(() => {
      const l = m.level();
      setLevel(l);
      if (l > heardLevel) setHeard(true);
    }, 100);
    return () => {
      clearInterval(timer);
      m.stop();
    };
  }, [stream]);
  return (
    <div className="mic-level">
      <label htmlFor="mic-meter">{t("videoMicLevel")}</label>
      <meter id="mic-meter" min={0} max={1} low={0.1} high={0.8} optimum={0.5} value={level} />
      <p data-testid="mic-heard" data-heard={heard ? "yes" : "no"}>
        {heard ? t("videoMicHeard") : t("videoMicSpeak")}
      </p>
    </div>
  );
}

/** SpeakerTest plays a short tone on the chosen speaker. */
export function SpeakerTest({ speakerId }: { speakerId?: string }) {
  const { t } = useI18n();
  const [playing, setPlaying] = useState(false);
  const [played, setPlayed] = useState(false);
  const play = async () => {
    setPlaying(true);
    try {
      await playTone(speakerId);
    } catch {
      // A browser without Web Audio plays nothing; the question below still helps.
    }
    setPlaying(false);
    setPlayed(true);
  };
  return (
    <div className="speaker-test">
      <button type="button" className="secondary" disabled={playing} onClick={() => void play()}>
        {playing ? t("videoSpeakerPlaying") : t("videoSpeakerTest")}
      </button>
      {played ? <p>{t("videoSpeakerAsk")}</p> : null}
    </div>
  );
}

/** DevicePickers let the user choose camera, microphone and speaker. */
export function DevicePickers({
  lists,
  choice,
  onChoice,
}: {
  lists: DeviceLists;
  choice: Choice;
  onChoice: (c: Choice) => void;
}) {
  const { t } = useI18n();
  const pick = (label: string, id: string, devices: { id: string; label: string }[], key: keyof Choice) =>
    (key === "speakerId" ? devices.length > 0 && speakerChoiceSupported() : devices.length > 1) ? (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          value={choice[key] ?? ""}
          onChange={(e) => onChoice({ ...choice, [key]: e.target.value || undefined })}
        >
          <option value="">{t("videoDefaultDevice")}</option>
          {devices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
    ) : null;
  return (
    <div className="device-pickers">
      {pick(t("videoCamera"), "pick-camera", lists.cameras, "cameraId")}
      {pick(t("videoMic"), "pick-mic", lists.mics, "micId")}
      {pick(t("videoSpeaker"), "pick-speaker", lists.speakers, "speakerId")}
    </div>
  );
}

/** failureText is the instruction for a device failure. */
export function failureText(t: (k: string) => string, f: NonNullable<LocalMedia["failure"]>): string {
  if (f.failure === "missing" || f.failure === "busy") return t(`videoFail_${f.failure}_${f.device}`);
  return t(`videoFail_${f.failure}`);
}

/** How the connection test is going. */
export interface ConnectionTest {
  state: "idle" | "testing" | "done" | "failed";
  measurement?: Measurement;
  grade?: Grade;
}

/** The length of the connection test, and how long joining may take before it counts as failed. */
export const testWindowMs = 5000;
export const joinTimeoutMs = 20000;

/**
 * useCallQuality samples a call's statistics every second: the connection
 * test (the first testWindowMs once connected), the live network figures
 * (the last two seconds) and the video frames decoded so far.
 */
export function useCallQuality(call: Call | undefined, connected: boolean) {
  const [test, setTest] = useState<ConnectionTest>({ state: "idle" });
  const [live, setLive] = useState<{ measurement?: Measurement; grade?: Grade }>({});
  const [frames, setFrames] = useState(0);
  const base = useRef<Sample | undefined>(undefined);
  const history = useRef<Sample[]>([]);
  const finished = useRef(false);
  useEffect(() => {
    if (!call) return;
    setTest((s) => (s.state === "idle" ? { state: "testing" } : s));
    const joinTimer = setTimeout(() => {
      if (!finished.current && !base.current) setTest({ state: "failed" });
    }, joinTimeoutMs);
    return () => clearTimeout(joinTimer);
  }, [call]);
  useEffect(() => {
    if (!call || !connected) return;
    const timer = setInterval(() => {
      void call.stats().then((report) => {
        if (!report) return;
        const s = sampleOf(report, performance.now());
        setFrames(framesDecoded(s.stats));
        history.current = [...history.current, s].slice(-3);
        const prev = history.current[0];
        if (prev && prev !== s) {
          const m = measure(prev, s);
          setLive({ measurement: m, grade: gradeOf(m) });
        }
        if (!base.current) base.current = s;
        else if (!finished.current && s.at - base.current.at >= testWindowMs) {
          finished.current = true;
          const m = measure(base.current, s);
          setTest({ state: "done", measurement: m, grade: gradeOf(m) ?? "poor" });
        }
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [call, connected]);
  return { test, live, frames };
}

/** Figures prints a measurement's round trip, loss and throughput. */
export function Figures({ m }: { m: Measurement | undefined }) {
  const { t } = useI18n();
  if (!m) return null;
  return (
    <dl className="figures">
      {m.rttMs !== undefined ? (
        <>
          <dt>{t("videoRtt")}</dt>
          <dd>{Math.round(m.rttMs)} ms</dd>
        </>
      ) : null}
      {m.loss !== undefined ? (
        <>
          <dt>{t("videoLoss")}</dt>
          <dd>{(m.loss * 100).toFixed(1)} %</dd>
        </>
      ) : null}
      {m.kbps !== undefined ? (
        <>
          <dt>{t("videoThroughput")}</dt>
          <dd>{Math.round(m.kbps)} kbit/s</dd>
        </>
      ) : null}
    </dl>
  );
}

/** ConnectionResult shows the connection test as it goes and its grade with advice. */
export function ConnectionResult({ test, open }: { test: ConnectionTest; open: boolean }) {
  const { t } = useI18n();
  return (
    <div className="connection-test" data-testid="connection-test" data-state={test.state}>
      <h3>{t("videoConnection")}</h3>
      {!open && test.state === "idle" ? <p>{t("videoConnectionWaitOpen")}</p> : null}
      {test.state === "testing" ? <p aria-busy="true">{t("videoConnectionTesting")}</p> : null}
      {test.state === "failed" ? <p className="notice notice-error">{t("videoConnectionFailed")}</p> : null}
      {test.state === "done" && test.grade ? (
        <>
          <p>
            <span
              className={`grade grade-${test.grade}`}
              data-testid="connection-grade"
              data-grade={test.grade}
            >
              {t(`videoGrade_${test.grade}`)}
            </span>
          </p>
          <Figures m={test.measurement} />
          {test.grade !== "good" ? <p>{t(`videoGradeAdvice_${test.grade}`)}</p> : null}
        </>
      ) : null}
    </div>
  );
}

/** NetworkIndicator is the small live grade shown during a call. */
export function NetworkIndicator({
  grade,
  reconnecting,
}: {
  grade: Grade | undefined;
  reconnecting: boolean;
}) {
  const { t } = useI18n();
  const g = reconnecting ? "poor" : grade;
  return (
    <span className={`network grade-${g ?? "none"}`} data-testid="network" data-grade={g ?? ""} role="status">
      {t("videoNetwork")}: {reconnecting ? t("videoReconnecting") : g ? t(`videoGrade_${g}`) : "…"}
    </span>
  );
}

/** EquipmentTest is the whole test: preview, pickers, meter, speaker, failures, connection. */
export function EquipmentTest({
  media,
  choice,
  onChoice,
  on,
  onStart,
  connection,
  open,
}: {
  media: LocalMedia & { retry: () => void };
  choice: Choice;
  onChoice: (c: Choice) => void;
  on: boolean;
  onStart: () => void;
  connection?: ConnectionTest;
  open: boolean;
}) {
  const { t } = useI18n();
  const lists = useDeviceLists(media.stream);
  return (
    <section className="equipment" aria-labelledby="equipment-title">
      <h2 id="equipment-title">{t("videoEquipmentTitle")}</h2>
      {!on ? (
        <button type="button" onClick={onStart}>
          {t("videoStartCamera")}
        </button>
      ) : null}
      {media.failure ? (
        <div
          className="notice notice-error"
          role="alert"
          data-testid="device-failure"
          data-failure={media.failure.failure}
        >
          <p>{failureText(t, media.failure)}</p>
          <button type="button" className="secondary" onClick={media.retry}>
            {t("videoRetry")}
          </button>
        </div>
      ) : null}
      {media.stream ? (
        <div className="equipment-grid">
          <StreamVideo
            stream={media.stream}
            muted
            mirrored
            label={t("videoPreviewAlt")}
            className="preview"
          />
          <div>
            <MicLevel stream={media.stream} />
            <SpeakerTest speakerId={choice.speakerId} />
            <DevicePickers lists={lists} choice={choice} onChoice={onChoice} />
          </div>
        </div>
      ) : null}
      {connection ? <ConnectionResult test={connection} open={open} /> : null}
    </section>
  );
}
