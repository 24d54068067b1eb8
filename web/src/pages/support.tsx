// The technical support page (/support/technical): checks the visitor's
// own browser live with the waiting room's equipment test (src/video/media:
// camera, microphone, speakers) and names the browser, and for whatever
// fails gives the fixes for this browser and system (src/support.ts).
import { useMemo, useState } from "react";
import { Link } from "../components";
import { useI18n } from "../i18n";
import { fill } from "../public";
import { type Env, envOf, fixesFor, minVersion, recentEnough, type Trouble } from "../support";
import type { Choice } from "../video/devices";
import { speakerChoiceSupported } from "../video/devices";
import {
  DevicePickers,
  failureText,
  MicLevel,
  SpeakerTest,
  StreamVideo,
  useDeviceLists,
  useLocalMedia,
} from "../video/media";
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

      <section className="check" aria-labelledby="check-connection-title">
        <h2 id="check-connection-title">{t("videoConnection")}</h2>
        <p>{t("supConnection")}</p>
        <Fixes trouble="connection" env={env} />
      </section>

      <p>
        <Link href="/help">{t("supToFAQ")}</Link>
      </p>
      <p>
        <Link href="/contact">{t("hlpContact")}</Link>
      </p>
    </section>
  );
}
