/**
 * The doctor's side of a video consultation: the call beside the intake and
 * photos, with start (admit) / end / delay / prescription.
 */
import { type FormEvent, useCallback, useMemo, useState } from "react";
import { api, type DoctorConsultation } from "../api/client";
import { Field, Link, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import type { Choice } from "../video/devices";
import { usePolled } from "../video/live";
import { EquipmentTest, useDeviceLists, useLocalMedia } from "../video/media";
import { CallControls, CallStage, useCall } from "../video/room";
import { roomTicket } from "../video/tickets";
import "../video/video.css";
import { type Load, LoadState, useLoginRequired } from "./consultation";

const roomOpen = new Set(["waiting", "in_session"]);

export function DoctorVideoRoomPage({ id }: { id: string }) {
  const ready = useLoginRequired(true);
  const read = useCallback(async (): Promise<Load<DoctorConsultation>> => {
    const { data, response } = await api.GET("/v1/doctor/consultations/{id}", { params: { path: { id } } });
    if (data) return { state: "ok", value: data };
    return { state: response.status === 404 || response.status === 403 ? "notFound" : "error" };
  }, [id]);
  const initial = useMemo<Load<DoctorConsultation>>(() => ({ state: "loading" }), []);
  const [load, refresh] = usePolled(initial, read, ready);
  if (load.state !== "ok") return <LoadState load={load} guest={false} />;
  return <DoctorRoom c={load.value} refresh={refresh} />;
}

type Report = { kind: "ok" | "error"; text: string } | undefined;

function DoctorRoom({ c, refresh }: { c: DoctorConsultation; refresh: () => void }) {
  const { t, lang } = useI18n();
  const [message, setMessage] = useState<Report>();
  const [choice, setChoice] = useState<Choice>({});
  const [mediaOn, setMediaOn] = useState(false);
  const media = useLocalMedia(choice, mediaOn);
  const lists = useDeviceLists(media.stream);
  const ticket = useMemo(() => roomTicket(c.id), [c.id]);
  const inRoom = roomOpen.has(c.status);
  const { call, status, room, remote, quality } = useCall(ticket, media.stream, inRoom);
  const report = (ok: boolean, status: number, detail: string | undefined, okText: string) => {
    setMessage(
      ok
        ? { kind: "ok", text: okText }
        : { kind: "error", text: status === 409 ? t("conflict") : (detail ?? t("errorGeneric")) },
    );
    refresh();
  };
  const act = async (a: "start" | "end") => {
    const { response, error } = await api.POST(`/v1/doctor/consultations/{id}/${a}`, {
      params: { path: { id: c.id } },
    });
    if (response.ok && a === "end") call?.hangUp();
    report(response.ok, response.status, error?.detail, t("actionDone"));
  };
  const patientHere = room.peers.includes("patient");
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
        </span>
      </p>
      <div className="doctor-room">
        <div>
          {media.stream && inRoom ? (
            <CallStage
              local={media.stream}
              remote={room.admitted ? remote.patient : undefined}
              remoteLabel={t("videoRemotePatient")}
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

type ReportFn = (ok: boolean, status: number, detail: string | undefined, okText: string) => void;

function DelayForm({ id, report }: { id: string; report: ReportFn }) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState(10);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error } = await api.POST("/v1/doctor/consultations/{id}/delay", {
      params: { path: { id } },
      body: { minutes },
    });
    report(response.ok, response.status, error?.detail, t("videoDelaySent"));
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
    report(response.ok, response.status, error?.detail, t("videoRxDone"));
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
