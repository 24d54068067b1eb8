// The doctor's walk-in desk on the dashboard: the session open now, its
// queue in order (with names from today's waiting list), who is called or
// in session, and call next / pause / resume / close early. The queue's
// own validators decide; the buttons follow its rules (deskActions).
import { useCallback, useMemo, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { fill, formatSlot, formatTime } from "../public";
import { navigate } from "../router";
import { useLiveEvents } from "../video/events";
import { usePolled } from "../video/live";
import { type DoctorWalkIn, deskActions } from "../walkin";
import "../walkin.css";
import { messageOfAnswer } from "../problems";

type DeskEntry = components["schemas"]["DoctorWalkInEntry"];
type Desk = { queue: DoctorWalkIn; names: Record<string, string> } | undefined;

/** WalkInDesk shows the walk-in session of now to the doctor (nothing when none is planned). */
export function WalkInDesk({ zone }: { zone: string }) {
  const { t, lang } = useI18n();
  const read = useCallback(async (): Promise<Desk> => {
    const [{ data: queue }, { data: list }] = await Promise.all([
      api.GET("/v1/doctor/walk-in"),
      api.GET("/v1/doctor/waiting-room"),
    ]);
    if (!queue) return undefined;
    const names: Record<string, string> = {};
    for (const w of list?.items ?? [])
      names[w.id] = w.guest ? `${w.patient_name} (${t("guest")})` : w.patient_name;
    return { queue, names };
  }, [t]);
  const none = useMemo<Desk>(() => undefined, []);
  // The doctor's event stream tells of every queue change; the desk also re-reads every few seconds.
  const [desk, refresh] = usePolled(none, read, true);
  useLiveEvents("/v1/doctor/events", { status: refresh, queue: refresh });
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | undefined>();
  const [confirmClose, setConfirmClose] = useState(false);
  if (!desk) return null;
  const q = desk.queue;
  if (!q.open && !q.closed && !q.opens_at) return null;
  const can = deskActions(q);
  const nameOf = (e: DeskEntry) => desk.names[e.consultation_id] ?? t("patient");
  const act = async (what: "call-next" | "pause" | "resume" | "close") => {
    setMessage(undefined);
    setConfirmClose(false);
    const { data, error, response } = await api.POST(`/v1/doctor/walk-in/${what}`);
    refresh();
    if (!response.ok) {
      setMessage({ kind: "error", text: messageOfAnswer(t, lang, response, error) });
      return;
    }
    setMessage({ kind: "ok", text: t("actionDone") });
    // The doctor meets the called patient in the room.
    if (what === "call-next" && data && "called" in data)
      navigate(`/doctor/consultations/${data.called}/room`);
  };
  const room = (e: DeskEntry) => (
    <Link href={`/doctor/consultations/${e.consultation_id}/room`}>{t("wiDeskToRoom")}</Link>
  );
  return (
    <section className="walkin-desk" aria-labelledby="walkin-desk-title" data-testid="walkin-desk">
      <h2 id="walkin-desk-title">{t("wiDeskTitle")}</h2>
      {!q.open && !q.closed ? (
        <p>
          {t("wiDeskNone")}{" "}
          {q.opens_at ? fill(t("wiDeskNext"), { time: formatSlot(q.opens_at, lang, zone) }) : null}
        </p>
      ) : (
        <>
          <p>
            <span className={q.closed ? "walkin-badge closed" : "walkin-badge open"}>
              {q.closed ? t("wiClosedNow") : t("wiOpenNow")}
            </span>{" "}
            {!q.closed && q.closes_at
              ? fill(t("wiOpenUntil"), { time: formatTime(q.closes_at, lang, zone) })
              : null}
            {q.average_session_minutes !== null
              ? ` · ${fill(t("wiDeskAverage"), { n: q.average_session_minutes, m: q.measured_sessions })}`
              : null}
          </p>
          {q.paused ? <Notice kind="info">{t("wiDeskPausedNote")}</Notice> : null}
          {q.closed ? <Notice kind="info">{t("wiDeskClosedNote")}</Notice> : null}
          {q.in_session ? (
            <p className="walkin-now" data-testid="walkin-desk-in-session">
              <strong>{t("wiDeskInSession")}:</strong> {nameOf(q.in_session)} — {room(q.in_session)}
            </p>
          ) : null}
          {q.called ? (
            <p className="walkin-now" data-testid="walkin-desk-called">
              <strong>
                {fill(t("wiDeskCalled"), {
                  time: q.called.answer_by ? formatTime(q.called.answer_by, lang, zone) : "",
                })}
                :
              </strong>{" "}
              {nameOf(q.called)} — {room(q.called)}
            </p>
          ) : null}
          <h3>{t("wiDeskQueue")}</h3>
          {q.waiting.length === 0 ? (
            <p>{t("wiDeskEmpty")}</p>
          ) : (
            <ol className="walkin-waiting" data-testid="walkin-desk-waiting">
              {q.waiting.map((e) => (
                <li key={e.consultation_id}>
                  {nameOf(e)}
                  {e.eta ? ` — ${fill(t("wiDeskEta"), { time: formatTime(e.eta, lang, zone) })}` : ""}
                  {e.skips > 0 ? ` — ${fill(t("wiDeskSkipped"), { n: e.skips })}` : ""}
                </li>
              ))}
            </ol>
          )}
          {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
          {can.close || can.callNext || can.resume ? (
            <nav className="actions" aria-label={t("wiDeskTitle")}>
              {can.callNext ? (
                <button type="button" onClick={() => void act("call-next")}>
                  {t("wiDeskCallNext")}
                </button>
              ) : null}
              {can.pause ? (
                <button type="button" className="secondary" onClick={() => void act("pause")}>
                  {t("wiDeskPause")}
                </button>
              ) : null}
              {can.resume ? (
                <button type="button" onClick={() => void act("resume")}>
                  {t("wiDeskResume")}
                </button>
              ) : null}
              {can.close && !confirmClose ? (
                <button type="button" className="danger" onClick={() => setConfirmClose(true)}>
                  {t("wiDeskClose")}
                </button>
              ) : null}
              {confirmClose ? (
                <>
                  <button type="button" className="danger" onClick={() => void act("close")}>
                    {t("wiDeskConfirmClose")}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirmClose(false)}>
                    {t("wiDeskKeepOpen")}
                  </button>
                </>
              ) : null}
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}
