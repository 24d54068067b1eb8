// The technical support page (/support/technical): checks the visitor's
// own browser live with the waiting room's equipment test (src/video/media:
// camera, microphone, speakers), names the browser, and calls a test room
// of our video service with the waiting room's own call (src/video/room,
// src/video/check: ICE, round trip, loss, media back); for whatever fails
// it gives the fixes for this browser and system (src/support.ts).
import { useEffect, useMemo, useState } from "react";
import { Link } from "../components";
import { useI18n } from "../i18n";
import { fill } from "../public";
import { type Env, envOf, fixesFor, minVersion, recentEnough, type Trouble } from "../support";
import { generatedMedia, judge, type Verdict } from "../video/check";
import type { Choice } from "../video/devices";
import { speakerChoiceSupported } from "../video/devices";
import {
  DevicePickers,
  Figures,
  failureText,
  MicLevel,
  SpeakerTest,
  StreamVideo,
  useDeviceLists,
  useLocalMedia,
} from "../video/media";
import { useCall } from "../video/room";
import { type CandidateType, candidateType, framesDecoded, packetsReceived, sampleOf } from "../video/stats";
import { testRoomTicket } from "../video/tickets";
import "../video/video.css";
import "../help.css";

type State = "idle" | "testing" | "ok" | "failed" | "warn";

function Fixes({ trouble, env }: { trouble: Trouble; env: Env }) {
  const { t } = useI18n();
  return (
    <ul className="fixes" data-testid={`fixes-${trouble}`}>
      {fixesFor(trouble, env).map((k) => (
        <li key={k} data-fix={k}>
          {t(k)}
        </li>
      ))}
    </ul>
  );
}

function Check({
  id,
  title,
  state,
  children,
}: {
  id: string;
  title: string;
  state: State;
  children?: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section
      className={`check check-${state}`}
      data-testid={`check-${id}`}
      data-state={state}
      aria-labelledby={`check-${id}-title`}
    >
      <h2 id={`check-${id}-title`}>
        {title}: <span className="check-state">{t(`supState_${state}`)}</span>
      </h2>
      {children}
    </section>
  );
}

export function TechnicalSupportPage() {
  const { t } = useI18n();
  const env = useMemo(() => envOf(navigator.userAgent, navigator.maxTouchPoints ?? 0), []);
  const [on, setOn] = useState(false);
  const [choice, setChoice] = useState<Choice>({});
  const media = useLocalMedia(choice, on);
  const lists = useDeviceLists(media.stream);
  const secure = window.isSecureContext;
  const webrtc = typeof RTCPeerConnection !== "undefined" && Boolean(navigator.mediaDevices?.getUserMedia);
  const recent = recentEnough(env);
  const f = media.failure;
  const deviceState = (which: "camera" | "mic"): State => {
    if (!on) return "idle";
    if (f) return f.device === which || f.device === "both" ? "failed" : "ok";
    if (!media.stream) return "testing";
    const tracks = which === "camera" ? media.stream.getVideoTracks() : media.stream.getAudioTracks();
    return tracks.some((tr) => tr.readyState === "live") ? "ok" : "failed";
  };
  const camera = deviceState("camera");
  const mic = deviceState("mic");
  const sink = speakerChoiceSupported();
  const browserName = env.browser === "other" ? t("supBrowser_other") : t(`supBrowser_${env.browser}`);
  const osName = t(`supOS_${env.os}`);
  return (
    <section className="card support">
      <h1>{t("supTitle")}</h1>
      <p>{t("supIntro")}</p>

      <Check id="browser" title={t("supBrowser")} state={recent && secure && webrtc ? "ok" : "failed"}>
        <p data-testid="browser-name" data-browser={env.browser} data-version={env.version} data-os={env.os}>
          {fill(t("supBrowserIs"), { browser: browserName, version: env.version || "?", os: osName })}
        </p>
        {!secure ? <Fixes trouble="insecure" env={env} /> : null}
        {!recent || !webrtc ? (
          <>
            <p>
              {env.browser === "other"
                ? t("supBrowserUnknown")
                : fill(t("supBrowserOld"), { min: minVersion[env.browser] })}
            </p>
            <Fixes trouble="old" env={env} />
          </>
        ) : null}
      </Check>

      {!on ? (
        <p>
          <button type="button" onClick={() => setOn(true)}>
            {t("supStart")}
          </button>
        </p>
      ) : null}

      <Check id="camera" title={t("videoCamera")} state={camera}>
        {f && camera === "failed" ? (
          <div data-testid="device-failure" data-failure={f.failure}>
            <p role="alert">{failureText(t, f)}</p>
            <Fixes trouble={f.failure} env={env} />
            <button type="button" className="secondary" onClick={media.retry}>
              {t("videoRetry")}
            </button>
          </div>
        ) : null}
        {media.stream ? (
          <StreamVideo
            stream={media.stream}
            muted
            mirrored
            label={t("videoPreviewAlt")}
            className="preview"
          />
        ) : null}
      </Check>

      <Check id="mic" title={t("videoMic")} state={mic}>
        {f && mic === "failed" && camera !== "failed" ? (
          <div data-testid="mic-failure" data-failure={f.failure}>
            <p role="alert">{failureText(t, f)}</p>
            <Fixes trouble={f.failure} env={env} />
          </div>
        ) : null}
        {media.stream ? <MicLevel stream={media.stream} /> : null}
      </Check>

      <Check id="speaker" title={t("videoSpeaker")} state={on ? (sink ? "ok" : "warn") : "idle"}>
        <SpeakerTest speakerId={choice.speakerId} />
        {!sink ? (
          <>
            <p>{t("supNoSinkChoice")}</p>
            <Fixes trouble="speaker" env={env} />
          </>
        ) : null}
        {media.stream ? <DevicePickers lists={lists} choice={choice} onChoice={setChoice} /> : null}
      </Check>

      <ConnectionCheck on={on && Boolean(media.stream || f)} camera={media.stream} env={env} />

      <p>
        <Link href="/help">{t("supToFAQ")}</Link>
      </p>
      <p>
        <Link href="/contact">{t("hlpContact")}</Link>
      </p>
    </section>
  );
}

/** useGenerated is a generated test picture and tone while `on`. */
function useGenerated(on: boolean): MediaStream | undefined {
  const [stream, setStream] = useState<MediaStream | undefined>();
  useEffect(() => {
    if (!on) return;
    const g = generatedMedia();
    setStream(g.stream);
    return () => {
      g.stop();
      setStream(undefined);
    };
  }, [on]);
  return stream;
}

/** ConnectionCheck runs the connection check, anew (a new test room) when asked. */
function ConnectionCheck({ on, camera, env }: { on: boolean; camera?: MediaStream; env: Env }) {
  const [attempt, setAttempt] = useState(0);
  return (
    <ConnectionRun key={attempt} on={on} camera={camera} env={env} onAgain={() => setAttempt((a) => a + 1)} />
  );
}

/**
 * ConnectionRun calls a test room of our video service with the camera
 * and microphone (or, when they cannot be used, a generated picture and
 * tone), measures for the waiting room's test window and hangs up.
 */
function ConnectionRun({
  on,
  camera,
  env,
  onAgain,
}: {
  on: boolean;
  camera?: MediaStream;
  env: Env;
  onAgain: () => void;
}) {
  const { t } = useI18n();
  const [verdict, setVerdict] = useState<{
    v: Verdict;
    candidate?: CandidateType;
    frames: number;
    packets: number;
  }>();
  const generated = useGenerated(on && !camera);
  const stream = camera ?? generated;
  const ticket = useMemo(() => (on ? testRoomTicket() : undefined), [on]);
  const running = on && !verdict;
  const { call, status, quality } = useCall(ticket, stream, running);
  const sentAudio = Boolean(stream?.getAudioTracks().length);
  useEffect(() => {
    if (!running) return;
    if (status === "ended" || status === "failed" || quality.test.state === "failed") {
      setVerdict({
        v: judge({ connected: false, framesBack: 0, audioBack: 0, sentAudio }),
        frames: 0,
        packets: 0,
      });
      return;
    }
    if (quality.test.state !== "done" || !call) return;
    const measurement = quality.test.measurement;
    void call.stats().then((report) => {
      const stats = report ? sampleOf(report, 0).stats : [];
      const frames = framesDecoded(stats);
      const packets = packetsReceived(stats, "audio");
      const candidate = candidateType(stats);
      setVerdict({
        v: judge({
          connected: true,
          candidate,
          measurement,
          framesBack: frames,
          audioBack: packets,
          sentAudio,
        }),
        candidate,
        frames,
        packets,
      });
    });
  }, [running, status, quality.test, call, sentAudio]);
  const state: State = !on ? "idle" : verdict ? verdict.v.overall : "testing";
  const v = verdict?.v;
  return (
    <Check id="connection" title={t("conTitle")} state={state}>
      <p>{t("conIntro")}</p>
      {on && !camera ? <p data-testid="connection-generated">{t("conGenerated")}</p> : null}
      {state === "testing" ? <p aria-busy="true">{t("conTesting")}</p> : null}
      {v ? (
        <ul className="connection-parts">
          <li data-testid="conn-ice" data-state={v.ice} data-candidate={verdict?.candidate ?? ""}>
            {v.ice === "ok"
              ? `${t("conIce")}: ${verdict?.candidate ? t(`conIce_${verdict.candidate}`) : t("supState_ok")}`
              : t("conIceFailed")}
            {verdict?.candidate === "relay" ? <span> {t("conRelayNote")}</span> : null}
          </li>
          {v.quality ? (
            <li data-testid="conn-quality" data-state={v.quality} data-grade={v.grade}>
              {t("conQuality")}: {v.grade ? t(`videoGrade_${v.grade}`) : null}
              <Figures m={quality.test.measurement} />
            </li>
          ) : null}
          {v.media ? (
            <li data-testid="conn-media" data-state={v.media}>
              {t("conMedia")}:{" "}
              {v.media === "ok"
                ? fill(t("conMediaBack"), {
                    frames: String(verdict?.frames),
                    packets: String(verdict?.packets),
                  })
                : t("conMediaNone")}
            </li>
          ) : null}
        </ul>
      ) : null}
      {v && v.troubles.length > 0 ? (
        <div data-testid="connection-failure">
          <h3>{t("conFixesTitle")}</h3>
          {v.troubles.map((tr) => (
            <Fixes key={tr} trouble={tr} env={env} />
          ))}
        </div>
      ) : null}
      {v ? (
        <button type="button" className="secondary" onClick={onAgain}>
          {t("conAgain")}
        </button>
      ) : null}
    </Check>
  );
}
