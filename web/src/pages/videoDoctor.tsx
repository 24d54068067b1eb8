/**
 * The doctor's side of a video consultation: the call beside the intake and
 * photos, with start (admit) / end / delay / prescription.
 */
import { type FormEvent, useCallback, useMemo, useState } from "react";
import { api, type DoctorConsultation } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { messageOfAnswer } from "../problems";
import { formatTime } from "../public";
import { ChatPanel, useChat } from "../video/chat";
import type { Choice } from "../video/devices";
import { eventsURL, useLiveEvents } from "../video/events";
import { usePolled, usePresence } from "../video/live";
import { EquipmentTest, useDeviceLists, useLocalMedia } from "../video/media";
import { CallControls, CallStage, useCall } from "../video/room";
import { roomTicket } from "../video/tickets";
import "../video/video.css";
import { type Load, LoadState, useLoginRequired } from "./consultation";

// The doctor's room is open while the patient waits (video) or is called
// (walk-in), and in session (domain.VideoRoomOpen).
const roomOpen = new Set(["waiting", "called", "in_session"]);

export function DoctorVideoRoomPage({ id }: { id: string }) {
  const ready = useLoginRequired(true);
  const read = useCallback(async (): Promise<Load<DoctorConsultation>> => {
    const { data, response } = await api.GET("/v1/doctor/consultations/{id}", { params: { path: { id } } });
    if (data) return { state: "ok", value: data };
    return { state: response.status === 404 || response.status === 403 ? "notFound" : "error" };
  }, [id]);
  const initial = useMemo<Load<DoctorConsultation>>(() => ({ state: "loading" }), []);
  // Live events tell of every change; while the stream is down the page re-reads.
  const [live, setLive] = useState(false);
  const [load, refresh] = usePolled(initial, read, ready && !live);
  const chat = useChat(id);
  const [patient, setPatient] = useState<{ online: boolean; connection: string }>({
    online: false,
    connection: "unknown",
  });
  useLiveEvents(ready ? eventsURL(id, "") : undefined, {
    open: () => {
      setLive(true);
      refresh();
    },
    status: refresh,
    delay: refresh,
    chat: chat.add,
    presence: (e) => {
      if (e.role === "patient") setPatient({ online: e.online, connection: e.connection });
    },
  });
  if (load.state !== "ok") return <LoadState load={load} guest={false} />;
  return (
    <div className="doctor-room-page">
      <DoctorRoom c={load.value} refresh={refresh} chat={chat} patient={patient} />
      <WaitingList current={id} />
    </div>
  );
}

type Report = { kind: "ok" | "error"; text: string } | undefined;

/** localZone is the doctor's browser's zone (a walk-in call's answer time is read in it). */
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Amsterdam";

function DoctorRoom({
  c,
  refresh,
  chat,
  patient,
}: {
  c: DoctorConsultation;
  refresh: () => void;
  chat: ReturnType<typeof useChat>;
  patient: { online: boolean; connection: string };
}) {
  const { t, lang } = useI18n();
  const [message, setMessage] = useState<Report>();
  const [choice, setChoice] = useState<Choice>({});
  const [mediaOn, setMediaOn] = useState(false);
  const media = useLocalMedia(choice, mediaOn);
  const lists = useDeviceLists(media.stream);
  const ticket = useMemo(() => roomTicket(c.id), [c.id]);
  const inRoom = roomOpen.has(c.status);
  const { call, status, room, remote, quality } = useCall(ticket, media.stream, inRoom);
  const report = (
    response: Response,
    problem: { type?: string; detail?: string } | undefined,
    okText: string,
  ) => {
    setMessage(
      response.ok
        ? { kind: "ok", text: okText }
        : { kind: "error", text: messageOfAnswer(t, lang, response, problem) },
    );
    refresh();
  };
  const act = async (a: "start" | "end") => {
    const { response, error } = await api.POST(`/v1/doctor/consultations/{id}/${a}`, {
      params: { path: { id: c.id } },
    });
    if (response.ok && a === "end") call?.hangUp();
    report(response, error, t("actionDone"));
  };
  const patientHere = patient.online || room.peers.includes("patient");
  usePresence(c.id, quality.test.grade ?? quality.live.grade, inRoom);
  const intake = (c.intake ?? {}) as Record<string, unknown>;
  return (
    <section className="card room-card">
      <h1>
        {t("videoDoctorRoom")}: {c.patient_name}
        {c.guest ? ` (${t("guest")})` : ""}
      </h1>
      <p>
        <span data-testid="status">{t(`status_${c.status}`)}</span>
        {c.starts_at ? ` — ${formatDateTime(c.starts_at, lang)}` : ""}
        {" — "}
        <span data-testid="patient-presence" data-present={patientHere ? "yes" : "no"}>
          {patientHere ? t("videoPatientOnline") : t("videoPatientOffline")}
          {patientHere && patient.connection !== "unknown" ? (
            <>
              {`, ${t("videoPatientConnection")} `}
              <span className={`grade grade-${patient.connection}`} data-testid="patient-grade">
                {t(`videoGrade_${patient.connection}`)}
              </span>
            </>
          ) : null}
        </span>
      </p>
      <div className="doctor-room">
        <div>
          {media.stream && inRoom ? (
            <CallStage
              local={media.stream}
              remote={room.admitted ? remote.patient : undefined}
              remoteLabel={t("videoRemotePatient")}
              speakerId={choice.speakerId}
              frames={quality.frames}
              status={status}
              grade={quality.live.grade}
              controls={
                <CallControls
                  call={call}
                  stream={media.stream}
                  choice={choice}
                  lists={lists}
                  onChoice={setChoice}
                  onHangUp={() => void act("end")}
                  hangUpLabel={t("videoEnd")}
                />
              }
            />
          ) : (
            <EquipmentTest
              media={media}
              choice={choice}
              onChoice={setChoice}
              on={mediaOn}
              onStart={() => setMediaOn(true)}
              open={inRoom}
            />
          )}
          {c.status === "called" && c.walk_in?.answer_by ? (
            <Notice kind="info">
              {t("wiRoomCalled").replace("{time}", formatTime(c.walk_in.answer_by, lang, localZone))}
            </Notice>
          ) : null}
          {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
          <nav className="actions" aria-label={t("actions")}>
            {c.status === "waiting" ? (
              <button type="button" onClick={() => void act("start")}>
                {t("videoAdmit")}
              </button>
            ) : null}
            {c.status === "in_session" && !(media.stream && inRoom) ? (
              <button type="button" className="danger" onClick={() => void act("end")}>
                {t("videoEnd")}
              </button>
            ) : null}
          </nav>
          {c.status === "scheduled" || c.status === "waiting" ? (
            <DelayForm id={c.id} report={report} />
          ) : null}
          <ChatPanel id={c.id} chat={chat} me="doctor" />
        </div>
        <aside className="doctor-side">
          <h2>{t("intake")}</h2>
          {c.intake ? (
            <dl className="facts" data-testid="intake">
              {Object.entries(intake).map(([k, v]) => (
                <div key={k} className="fact">
                  <dt>{t(k)}</dt>
                  <dd className="prewrap">{Array.isArray(v) ? v.join(", ") : String(v)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p>{t("noIntake")}</p>
          )}
          {c.photo_ids && c.photo_ids.length > 0 ? (
            <>
              <h2>{t("photos")}</h2>
              <div className="photos">
                {c.photo_ids.map((p, i) => (
                  <a
                    key={p}
                    href={`/v1/doctor/consultations/${c.id}/photos/${p}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    <img
                      src={`/v1/doctor/consultations/${c.id}/photos/${p}`}
                      alt={`${t("photos")} ${i + 1}`}
                    />
                  </a>
                ))}
              </div>
            </>
          ) : null}
          {c.status === "in_session" || c.status === "completed" ? (
            <PrescriptionForm id={c.id} report={report} />
          ) : null}
          <p>
            <Link href={`/doctor/consultations/${c.id}`}>{t("consultation")}</Link>
          </p>
        </aside>
      </div>
    </section>
  );
}

type ReportFn = (
  response: Response,
  problem: { type?: string; detail?: string } | undefined,
  okText: string,
) => void;

function DelayForm({ id, report }: { id: string; report: ReportFn }) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState(10);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error } = await api.POST("/v1/doctor/consultations/{id}/delay", {
      params: { path: { id } },
      body: { minutes },
    });
    report(response, error, t("videoDelaySent"));
  };
  return (
    <form className="delay-form" onSubmit={(e) => void submit(e)}>
      <h2>{t("videoDelay")}</h2>
      <Field label={t("videoDelayMinutes")} id="delay-minutes">
        <input
          id="delay-minutes"
          type="number"
          min={1}
          max={180}
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
      </Field>
      <button type="submit" className="secondary">
        {t("videoDelay")}
      </button>
    </form>
  );
}

function PrescriptionForm({ id, report }: { id: string; report: ReportFn }) {
  const { t } = useI18n();
  const [rx, setRx] = useState({
    medication: "",
    strength: "",
    dosage: "",
    duration_days: 14,
    instructions: "",
  });
  const [email, setEmail] = useState(true);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error } = await api.POST("/v1/doctor/consultations/{id}/prescriptions", {
      params: { path: { id } },
      body: { ...rx, send_by_email: email },
    });
    report(response, error, t("videoRxDone"));
  };
  const text = (key: "medication" | "strength" | "dosage", label: string, max: number) => (
    <Field label={label} id={`rx-${key}`}>
      <input
        id={`rx-${key}`}
        required
        maxLength={max}
        value={rx[key]}
        onChange={(e) => setRx({ ...rx, [key]: e.target.value })}
      />
    </Field>
  );
  return (
    <form className="rx-form" onSubmit={(e) => void submit(e)}>
      <h2>{t("videoPrescription")}</h2>
      {text("medication", t("videoRxMedication"), 200)}
      {text("strength", t("videoRxStrength"), 100)}
      {text("dosage", t("videoRxDosage"), 200)}
      <Field label={t("videoRxDays")} id="rx-days">
        <input
          id="rx-days"
          type="number"
          min={1}
          max={365}
          value={rx.duration_days}
          onChange={(e) => setRx({ ...rx, duration_days: Number(e.target.value) })}
        />
      </Field>
      <Field label={t("videoRxInstructions")} id="rx-instructions">
        <textarea
          id="rx-instructions"
          rows={3}
          maxLength={2000}
          value={rx.instructions}
          onChange={(e) => setRx({ ...rx, instructions: e.target.value })}
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} />{" "}
        {t("videoRxEmail")}
      </label>
      <button type="submit">{t("videoRxSave")}</button>
    </form>
  );
}

type WaitingItem = components["schemas"]["WaitingRoomItem"];

/** WaitingList is the doctor's waiting list of today, kept current by the doctor's event stream. */
function WaitingList({ current }: { current: string }) {
  const { t, lang } = useI18n();
  const read = useCallback(async () => {
    const { data } = await api.GET("/v1/doctor/waiting-room");
    return data?.items;
  }, []);
  const empty = useMemo<WaitingItem[]>(() => [], []);
  const [items, refresh] = usePolled(empty, read, true);
  useLiveEvents("/v1/doctor/events", { status: refresh, delay: refresh, presence: refresh, queue: refresh });
  return (
    <aside className="card waiting-list-card" aria-labelledby="waiting-list-title">
      <h2 id="waiting-list-title">{t("videoWaitingList")}</h2>
      {items.length === 0 ? <p>{t("videoWaitingListEmpty")}</p> : null}
      <ul className="waiting-list" data-testid="waiting-list">
        {items.map((w) => (
          <li key={w.id} aria-current={w.id === current ? "true" : undefined}>
            <Link href={`/doctor/consultations/${w.id}/room`}>{w.patient_name}</Link> —{" "}
            {t(`status_${w.status}`)}
            {w.starts_at ? ` — ${formatDateTime(w.starts_at, lang)}` : ""}
            {w.patient_online ? (
              <>
                {" — "}
                <span className={`grade grade-${w.patient_connection}`}>
                  {t("videoPatientOnline")}
                  {w.patient_connection !== "unknown" ? `: ${t(`videoGrade_${w.patient_connection}`)}` : ""}
                </span>
              </>
            ) : null}
            {w.delay_minutes > 0 ? ` — +${w.delay_minutes} min` : ""}
          </li>
        ))}
      </ul>
    </aside>
  );
}
