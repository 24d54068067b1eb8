// The walk-in patient's place in the queue, shown at the top of their
// waiting room: position and ETA (moved live by queue events), the doctor's
// call with the answer countdown and "I'm here", and what happened when the
// patient left the queue (removed or closed, both refunded in full).
import { useEffect, useState } from "react";
import { api, type Consultation } from "../api/client";
import { Notice } from "../components";
import { useI18n } from "../i18n";
import { fill, formatTime } from "../public";
import { formatSeconds, type HeardPosition, type QueueView, queueView, waitMinutes } from "../walkin";
import "../walkin.css";
import { messageOfAnswer } from "../problems";

/** useTicking is the current time, renewed every second while on. */
function useTicking(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [on]);
  return now;
}

/** useQueueView is what the patient is told now, ticking each second while called. */
export function useQueueView(c: Consultation, live: HeardPosition | undefined, readAt: number): QueueView {
  const [called, setCalled] = useState(false);
  const now = useTicking(called);
  const v = queueView(c, now, live, readAt);
  useEffect(() => setCalled(v.kind === "called"), [v.kind]);
  return v;
}

/**
 * WalkInQueuePanel shows the queue while the patient waits or is called;
 * "I'm here" answers the call (the queue decides whether it still stands)
 * and turns the camera on, so the call can begin at once.
 */
export function WalkInQueuePanel({
  id,
  view,
  zone,
  onAnswered,
}: {
  id: string;
  view: QueueView;
  zone: string;
  onAnswered: () => void;
}) {
  const { t, lang } = useI18n();
  const [refused, setRefused] = useState("");
  const [busy, setBusy] = useState(false);
  const now = Date.now();
  const answer = async () => {
    setBusy(true);
    setRefused("");
    onAnswered();
    try {
      const { response, error } = await api.POST("/v1/consultations/{id}/walk-in/answer", {
        params: { path: { id } },
      });
      if (!response.ok)
        setRefused(fill(t("wiAnswerRefused"), { detail: messageOfAnswer(t, lang, response, error) }));
    } catch {
      setRefused(t("offline"));
    }
    setBusy(false);
  };
  if (view.kind === "paying")
    return (
      <div className="walkin-queue" data-testid="walkin-queue" data-kind="paying">
        <Notice kind="info">{t("wiPaying")}</Notice>
      </div>
    );
  if (view.kind === "waiting") {
    const wait = waitMinutes(view.eta, now);
    return (
      <div className="walkin-queue" data-testid="walkin-queue" data-kind="waiting">
        <h2>{t("wiQueueTitle")}</h2>
        <p className="walkin-position" data-testid="walkin-position" data-position={view.position ?? ""}>
          {view.position === undefined
            ? t("wiPositionUnknown")
            : view.position === 1
              ? t("wiPositionNext")
              : fill(t("wiPosition"), { n: view.position })}
        </p>
        {view.eta !== undefined && wait !== undefined ? (
          <p data-testid="walkin-eta">
            {fill(t("wiEta"), { time: formatTime(new Date(view.eta).toISOString(), lang, zone), n: wait })}
          </p>
        ) : null}
        {view.requeued ? <Notice kind="error">{t("wiRequeued")}</Notice> : null}
        <p className="hint">{t("wiLiveHint")}</p>
      </div>
    );
  }
  if (view.kind === "called") {
    const left = view.secondsLeft ?? 0;
    return (
      <div
        className="walkin-queue walkin-called"
        data-testid="walkin-queue"
        data-kind="called"
        role="alert"
        aria-live="assertive"
      >
        <h2>{t("wiCalledTitle")}</h2>
        {view.secondsLeft === undefined || left > 0 ? (
          <>
            <p>
              {t("wiCalledText")}{" "}
              <span className="walkin-countdown" data-testid="walkin-countdown">
                {formatSeconds(left)}
              </span>
            </p>
            <button type="button" className="walkin-answer" disabled={busy} onClick={() => void answer()}>
              {t("wiAnswer")}
            </button>
          </>
        ) : (
          <p>{t("wiCalledExpired")}</p>
        )}
        {refused ? <Notice kind="error">{refused}</Notice> : null}
      </div>
    );
  }
  return null;
}

/** walkInEndedText is what a walk-in that left the queue, or ended, tells the patient. */
export function walkInEndedText(view: QueueView): { key: string; refund: boolean } | undefined {
  switch (view.kind) {
    case "removed":
      return { key: "wiRemoved", refund: true };
    case "closed":
      return { key: "wiClosed", refund: true };
    case "completed":
      return { key: "wiCompleted", refund: false };
    case "failed":
      return { key: "wiFailed", refund: false };
    case "ended":
      return { key: "wiEnded", refund: false };
    default:
      return undefined;
  }
}

/** WalkInEnded explains how the walk-in ended. */
export function WalkInEnded({ view }: { view: QueueView }) {
  const { t } = useI18n();
  const text = walkInEndedText(view);
  if (!text) return null;
  return (
    <div className="walkin-ended" data-testid="walkin-ended" data-kind={view.kind}>
      <Notice kind={text.refund || view.kind === "failed" ? "error" : "info"}>{t(text.key)}</Notice>
      {text.refund ? <p className="hint">{t("wiRefundNote")}</p> : null}
    </div>
  );
}
