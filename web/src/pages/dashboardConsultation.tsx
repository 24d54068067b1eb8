// One consultation in the doctor's dashboard: the intake, the photos (with
// zoom), the advice editor and decline, the prescription form, every
// appointment action, and the place the video room goes.
import { type FormEvent, useRef, useState } from "react";
import { api, type DoctorConsultation } from "../api/client";
import { Field, Link, Notice } from "../components";
import { formatMoney, useI18n } from "../i18n";
import { DoctorPage, Sla, useMyProfile, useNow } from "./dashboard";
import { ThreadView } from "./messages";
import { Fact, OutcomeNotice, Show, useAction, useFollowStatus, useKept, When } from "./portalParts";
import { useLoad } from "./publicParts";
import { DoctorQuestionnaireAnswers } from "./questionnaire";

/** answerText prints one intake answer; coded answers in the reader's language. */
function answerText(t: (k: string) => string, key: string, v: unknown): string {
  if (Array.isArray(v)) return v.join(", ");
  if (key === "duration" && typeof v === "string") return t(`duration_${v}`);
  if (typeof v === "boolean") return v ? "✓" : "—";
  return String(v);
}

const declineReasons = [
  "needs_physical_exam",
  "outside_expertise",
  "urgent_care_needed",
  "insufficient_information",
  "other",
] as const;
type DeclineReason = (typeof declineReasons)[number];

type Action =
  | "start"
  | "end"
  | "attended"
  | "no-show"
  | "paid"
  | "cancel"
  | "cancellation/confirm"
  | "cancellation/reject";

/** actionsFor are the buttons an appointment shows in its status; the workflow still decides. */
export function actionsFor(c: Pick<DoctorConsultation, "type" | "status" | "paid_at">): Action[] {
  if (c.status === "cancellation_requested") return ["cancellation/confirm", "cancellation/reject"];
  if (c.type === "video") {
    if (c.status === "scheduled") return ["cancel"];
    if (c.status === "waiting") return ["start", "cancel"];
    if (c.status === "in_session") return ["end"];
  }
  if (c.type === "in_person") {
    if (c.status === "scheduled") return ["attended", "no-show", "cancel"];
    if (c.status === "completed" && !c.paid_at) return ["paid"];
  }
  return [];
}

/** delayAllowed: a delay can be announced before the session or visit. */
function delayAllowed(c: Pick<DoctorConsultation, "type" | "status">): boolean {
  return (
    (c.type === "video" || c.type === "in_person") && (c.status === "scheduled" || c.status === "waiting")
  );
}

/** prescriptionAllowed mirrors the API's answer to show the form; the API still decides (422/409). */
function prescriptionAllowed(c: Pick<DoctorConsultation, "type" | "status">): boolean {
  return c.type !== "email_advice" && (c.status === "in_session" || c.status === "completed");
}

export function DoctorConsultationPage({ id }: { id: string }) {
  return (
    <DoctorPage current="">
      <DoctorConsultationView id={id} />
    </DoctorPage>
  );
}

function DoctorConsultationView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const now = useNow();
  const [profile] = useMyProfile();
  const zone = profile.state === "ok" ? profile.value.time_zone : "Europe/Amsterdam";
  const [fresh, reload] = useLoad(
    (signal) => api.GET("/v1/doctor/consultations/{id}", { params: { path: { id } }, signal }),
    [id],
  );
  const loaded = useKept(fresh);
  const follow = useFollowStatus(loaded.state === "ok" ? loaded.value.status : undefined, reload);
  const action = useAction();
  const { busy, outcome, run } = action;
  const done = (from: string) => {
    follow(from);
    reload();
  };
  const act = async (a: Action, from: string) => {
    const res = await run(
      () => api.POST(`/v1/doctor/consultations/{id}/${a}`, { params: { path: { id } } }),
      t("actionDone"),
    );
    if (res?.response.ok) done(from);
  };
  return (
    <Show loaded={loaded} retry={reload} notFound={t("notFoundConsultation")}>
      {(c) => {
        const intake = (c.intake ?? {}) as Record<string, unknown>;
        const actions = actionsFor(c);
        return (
          <section className="card">
            <h1>
              {t("patient")}: {c.patient_name}
              {c.guest ? ` (${t("guest")})` : ""}
            </h1>
            <dl className="facts">
              <Fact label={t("consultation")}>
                {t(`type_${c.type}`)}
                {c.form ? ` · ${t(`dshForm_${c.form}`)}` : ""}
              </Fact>
              <Fact label={t("status")} testId="status">
                <span className={`badge badge-${c.status}`}>{t(`status_${c.status}`)}</span>
              </Fact>
              <Fact label={t("amount")}>{formatMoney(c.amount_cents, c.currency, lang)}</Fact>
              {c.starts_at ? (
                <Fact label={t("startsAt")}>
                  <When iso={c.starts_at} zone={zone} />
                </Fact>
              ) : null}
              {c.expected_start && c.expected_start !== c.starts_at ? (
                <Fact label={t("ptlExpectedStart")}>
                  <When iso={c.expected_start} zone={zone} />
                </Fact>
              ) : null}
              {c.due_at ? (
                <Fact label={t("dueAt")}>
                  <When iso={c.due_at} zone={zone} />{" "}
                  {c.status === "awaiting_advice" ? <Sla due={c.due_at} now={now} /> : null}
                </Fact>
              ) : null}
            </dl>
            <h2>{t("intake")}</h2>
            {c.intake ? (
              <dl className="facts" data-testid="intake">
                {Object.entries(intake).map(([k, v]) => (
                  <Fact key={k} label={t(k)}>
                    <span className="prewrap">{answerText(t, k, v)}</span>
                  </Fact>
                ))}
              </dl>
            ) : (
              <p>{t("noIntake")}</p>
            )}
            {c.photo_ids && c.photo_ids.length > 0 ? <Photos id={c.id} photoIds={c.photo_ids} /> : null}
            <DoctorQuestionnaireAnswers id={c.id} type={c.type} />
            {c.advice ? (
              <article className="advice">
                <h2>{t("advice")}</h2>
                <p className="prewrap">{c.advice}</p>
              </article>
            ) : null}
            <OutcomeNotice outcome={outcome} />
            {c.type === "email_advice" &&
            (c.status === "awaiting_advice" || c.status === "awaiting_intake") ? (
              <AdviceForms c={c} action={action} onDone={() => done(c.status)} />
            ) : null}
            {c.type === "video" ? <VideoRoomSlot c={c} /> : null}
            {actions.length > 0 ? (
              <nav className="actions" aria-label={t("actions")}>
                {actions.map((a) => (
                  <button
                    key={a}
                    type="button"
                    className={a === "cancel" || a === "no-show" ? "danger" : "secondary"}
                    disabled={busy}
                    onClick={() => void act(a, c.status)}
                  >
                    {t(`action_${a}`)}
                  </button>
                ))}
              </nav>
            ) : null}
            {delayAllowed(c) ? <DelayForm id={c.id} onDone={reload} /> : null}
            {prescriptionAllowed(c) ? <PrescriptionForm id={c.id} /> : null}
            <ConsultationMessages c={c} />
          </section>
        );
      }}
    </Show>
  );
}

/**
 * ConsultationMessages is the secure conversation with the consultation's
 * patient on this page: shown on request (opening it starts the thread when
 * there is none yet), then read and written here as on the messages page.
 * A guest has no account to write to.
 */
function ConsultationMessages({ c }: { c: DoctorConsultation }) {
  const { t } = useI18n();
  const [thread, setThread] = useState("");
  const { busy, outcome, run } = useAction();
  const open = async () => {
    const res = await run(() =>
      api.POST("/v1/doctor/consultations/{id}/thread", { params: { path: { id: c.id } } }),
    );
    if (res?.data) setThread(res.data.id);
  };
  return (
    <section className="consultation-messages" aria-labelledby="cm-title" data-testid="consultation-messages">
      <h2 id="cm-title">{t("stMessagesTitle")}</h2>
      {c.guest ? (
        <p className="hint">{t("stMessagesGuest")}</p>
      ) : thread ? (
        <ThreadView id={thread} side="doctor" embedded />
      ) : (
        <>
          <p className="hint">{t("stMessagesHint")}</p>
          <OutcomeNotice outcome={outcome} />
          <button type="button" className="secondary" disabled={busy} onClick={() => void open()}>
            {t("stMessagesOpen")}
          </button>
        </>
      )}
    </section>
  );
}

/**
 * VideoRoomSlot is where the video room of a video consultation goes. The
 * room itself (admitting the patient, the call) is the video page
 * (videoDoctor.tsx, /doctor/consultations/:id/room); this page links to it
 * and keeps the start/end buttons.
 */
function VideoRoomSlot({ c }: { c: DoctorConsultation }) {
  const { t } = useI18n();
  return (
    <section className="video-slot" id="video-room" data-status={c.status} aria-labelledby="video-room-title">
      <h2 id="video-room-title">{t("dshVideoRoom")}</h2>
      <p className="hint">{c.status === "waiting" ? t("dshVideoWaiting") : t("dshVideoHint")}</p>
      <Link className="button" href={`/doctor/consultations/${c.id}/room`}>
        {t("videoOpenRoom")}
      </Link>
    </section>
  );
}

/** Photos shows thumbnails; one opens large in a dialog (zoom), closed with Escape or the button. */
function Photos({ id, photoIds }: { id: string; photoIds: string[] }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<number | undefined>();
  const src = (p: string) => `/v1/doctor/consultations/${id}/photos/${p}`;
  const show = (i: number) => {
    setOpen(i);
    dialog.current?.showModal();
  };
  const current = open === undefined ? undefined : photoIds[open];
  return (
    <>
      <h2>{t("photos")}</h2>
      <div className="photos">
        {photoIds.map((p, i) => (
          <button key={p} type="button" className="photo-button" onClick={() => show(i)}>
            <img src={src(p)} alt={`${t("photos")} ${i + 1}`} />
          </button>
        ))}
      </div>
      <dialog ref={dialog} className="zoom" aria-label={t("dshPhotoZoom")} onClose={() => setOpen(undefined)}>
        {current ? <img src={src(current)} alt={`${t("photos")} ${(open ?? 0) + 1}`} /> : null}
        <div className="actions">
          {photoIds.length > 1 ? (
            <button
              type="button"
              className="secondary"
              onClick={() => setOpen(((open ?? 0) + 1) % photoIds.length)}
            >
              {t("dshNextPhoto")}
            </button>
          ) : null}
          {current ? (
            <a className="button secondary" href={src(current)} target="_blank" rel="noreferrer">
              {t("dshPhotoFull")}
            </a>
          ) : null}
          <button type="button" onClick={() => dialog.current?.close()}>
            {t("dshClose")}
          </button>
        </div>
      </dialog>
    </>
  );
}

function AdviceForms({
  c,
  action,
  onDone,
}: {
  c: DoctorConsultation;
  action: ReturnType<typeof useAction>;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [reason, setReason] = useState<DeclineReason>("needs_physical_exam");
  const [sure, setSure] = useState(false);
  // The page's own action: its message stays once the answered request leaves this form.
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const res = await action.run(
      () =>
        api.POST("/v1/doctor/consultations/{id}/advice", { params: { path: { id: c.id } }, body: { text } }),
      t("adviceSent"),
    );
    if (res?.response.ok) onDone();
  };
  const refuse = async (e: FormEvent) => {
    e.preventDefault();
    if (!sure) {
      setSure(true);
      return;
    }
    const res = await action.run(
      () =>
        api.POST("/v1/doctor/consultations/{id}/decline", {
          params: { path: { id: c.id } },
          body: { reason },
        }),
      t("declined"),
    );
    if (res?.response.ok) onDone();
  };
  const length = text.trim().length;
  return (
    <>
      {c.status === "awaiting_advice" ? (
        <form onSubmit={(e) => void send(e)}>
          <h2>{t("answerAdvice")}</h2>
          <Field label={t("adviceText")} id="advice-text">
            <textarea
              id="advice-text"
              rows={10}
              minLength={20}
              maxLength={20000}
              value={text}
              aria-describedby="advice-count"
              onChange={(e) => setText(e.target.value)}
            />
          </Field>
          <p id="advice-count" className={length < 20 ? "hint" : "hint ok"}>
            {length < 20 ? t("dshAdviceTooShort") : t("dshAdviceReady")} ({length}/20000)
          </p>
          <button type="submit" disabled={action.busy || length < 20}>
            {t("answerAdvice")}
          </button>
        </form>
      ) : null}
      <form onSubmit={(e) => void refuse(e)}>
        <h2>{t("decline")}</h2>
        <p className="hint">{t("dshDeclineHint")}</p>
        <Field label={t("declineReason")} id="decline-reason">
          <select
            id="decline-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value as DeclineReason)}
          >
            {declineReasons.map((r) => (
              <option key={r} value={r}>
                {t(`decline_${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {sure ? <Notice kind="info">{t("dshDeclineSure")}</Notice> : null}
        <button type="submit" className="danger" disabled={action.busy}>
          {sure ? t("dshDeclineConfirm") : t("decline")}
        </button>
      </form>
    </>
  );
}

function DelayForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState("10");
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(minutes);
    const res = await run(
      () =>
        api.POST("/v1/doctor/consultations/{id}/delay", { params: { path: { id } }, body: { minutes: n } }),
      t("dshDelaySent"),
    );
    if (res?.response.ok) onDone();
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      <h2>{t("dshDelay")}</h2>
      <Field label={t("dshDelayMinutes")} id="delay-minutes">
        <input
          id="delay-minutes"
          type="number"
          min={1}
          max={180}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </Field>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" className="secondary" disabled={busy}>
        {t("dshDelaySend")}
      </button>
    </form>
  );
}

function PrescriptionForm({ id }: { id: string }) {
  const { t } = useI18n();
  const [v, setV] = useState<Record<string, string>>({ duration_days: "14" });
  const [email, setEmail] = useState(true);
  const [link, setLink] = useState("");
  const { busy, outcome, run } = useAction();
  const set = (k: string) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(
      () =>
        api.POST("/v1/doctor/consultations/{id}/prescriptions", {
          params: { path: { id } },
          body: {
            medication: v.medication ?? "",
            strength: v.strength ?? "",
            dosage: v.dosage ?? "",
            duration_days: Number(v.duration_days),
            quantity: v.quantity || undefined,
            instructions: v.instructions || undefined,
            send_by_email: email,
          },
        }),
      t("dshPrescriptionDone"),
    );
    if (res?.data) {
      setLink(res.data.url);
      setV({ duration_days: "14" });
    }
  };
  const text = (k: string, max: number) => (
    <Field label={t(`dshRx_${k}`)} id={`rx-${k}`}>
      <input id={`rx-${k}`} maxLength={max} value={v[k] ?? ""} onChange={set(k)} />
    </Field>
  );
  return (
    <form onSubmit={(e) => void submit(e)} data-testid="prescription-form">
      <h2>{t("dshPrescription")}</h2>
      {text("medication", 200)}
      {text("strength", 100)}
      {text("dosage", 200)}
      <Field label={t("dshRx_duration_days")} id="rx-duration_days">
        <input
          id="rx-duration_days"
          type="number"
          min={1}
          max={365}
          value={v.duration_days ?? ""}
          onChange={set("duration_days")}
        />
      </Field>
      {text("quantity", 100)}
      <Field label={t("dshRx_instructions")} id="rx-instructions">
        <textarea
          id="rx-instructions"
          rows={3}
          maxLength={2000}
          value={v.instructions ?? ""}
          onChange={set("instructions")}
        />
      </Field>
      <label className="choice">
        <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} />{" "}
        {t("dshRxEmail")}
      </label>
      <OutcomeNotice outcome={outcome} />
      {link ? (
        <p>
          <a href={link}>{t("dshRxOpen")}</a>
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {t("dshPrescriptionSend")}
      </button>
    </form>
  );
}
