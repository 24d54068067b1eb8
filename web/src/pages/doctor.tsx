import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, type DoctorConsultation } from "../api/client";
import { Field, Link, Notice } from "../components";
import { formatDateTime, formatMoney, useI18n } from "../i18n";
import { type Load, LoadState, useLoginRequired } from "./consultation";

/** answerText prints one intake answer; coded answers in the reader's language. */
function answerText(t: (k: string) => string, key: string, v: unknown): string {
  if (Array.isArray(v)) return v.join(", ");
  if (key === "duration" && typeof v === "string") return t(`duration_${v}`);
  if (typeof v === "boolean") return v ? "✓" : "—";
  return String(v);
}

export function DoctorHomePage() {
  const { t, lang } = useI18n();
  const ready = useLoginRequired(true);
  const [items, setItems] = useState<DoctorConsultation[] | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!ready) return;
    api
      .GET("/v1/doctor/consultations")
      .then(({ data }) => (data ? setItems(data.items) : setFailed(true)))
      .catch(() => setFailed(true));
  }, [ready]);
  return (
    <section className="card">
      <h1>{t("doctorDashboard")}</h1>
      {failed ? <Notice kind="error">{t("errorGeneric")}</Notice> : null}
      {!items && !failed ? <p aria-busy="true">{t("loading")}</p> : null}
      <ul className="list">
        {items?.map((c) => (
          <li key={c.id}>
            <Link href={`/doctor/consultations/${c.id}`}>
              {c.patient_name} — {t(`type_${c.type}`)} — {t(`status_${c.status}`)}
              {c.starts_at ? ` — ${formatDateTime(c.starts_at, lang)}` : ""}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

const declineReasons = [
  "needs_physical_exam",
  "outside_expertise",
  "urgent_care_needed",
  "insufficient_information",
  "other",
] as const;
type DeclineReason = (typeof declineReasons)[number];

const appointmentActions = ["start", "end", "attended", "no-show"] as const;
type AppointmentAction = (typeof appointmentActions)[number];

function actionsFor(c: DoctorConsultation): AppointmentAction[] {
  if (c.type === "video") return ["start", "end"];
  if (c.type === "in_person") return ["attended", "no-show"];
  return [];
}

export function DoctorConsultationPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const ready = useLoginRequired(true);
  const [load, setLoad] = useState<Load<DoctorConsultation>>({ state: "loading" });
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | undefined>();
  const reload = useCallback(async () => {
    try {
      const { data, response } = await api.GET("/v1/doctor/consultations/{id}", { params: { path: { id } } });
      if (data) setLoad({ state: "ok", value: data });
      else setLoad({ state: response.status === 404 || response.status === 403 ? "notFound" : "error" });
    } catch {
      setLoad({ state: "error" });
    }
  }, [id]);
  useEffect(() => {
    if (ready) void reload();
  }, [ready, reload]);
  if (load.state !== "ok") return <LoadState load={load} guest={false} />;
  const c = load.value;
  const report = (ok: boolean, status: number, detail: string | undefined, okText: string) => {
    setMessage(
      ok
        ? { kind: "ok", text: okText }
        : { kind: "error", text: status === 409 ? t("conflict") : (detail ?? t("errorGeneric")) },
    );
    if (ok) void reload();
  };
  const act = async (a: AppointmentAction) => {
    const { response, error } = await api.POST(`/v1/doctor/consultations/{id}/${a}`, {
      params: { path: { id } },
    });
    report(response.ok, response.status, error?.detail, t("actionDone"));
  };
  const intake = (c.intake ?? {}) as Record<string, unknown>;
  return (
    <section className="card">
      <h1>
        {t("patient")}: {c.patient_name}
        {c.guest ? ` (${t("guest")})` : ""}
      </h1>
      <dl className="facts">
        <dt>{t("consultation")}</dt>
        <dd>{t(`type_${c.type}`)}</dd>
        <dt>{t("status")}</dt>
        <dd data-testid="status">{t(`status_${c.status}`)}</dd>
        <dt>{t("amount")}</dt>
        <dd>{formatMoney(c.amount_cents, c.currency, lang)}</dd>
        {c.starts_at ? (
          <>
            <dt>{t("startsAt")}</dt>
            <dd>{formatDateTime(c.starts_at, lang)}</dd>
          </>
        ) : null}
        {c.due_at ? (
          <>
            <dt>{t("dueAt")}</dt>
            <dd>{formatDateTime(c.due_at, lang)}</dd>
          </>
        ) : null}
      </dl>
      <h2>{t("intake")}</h2>
      {c.intake ? (
        <dl className="facts" data-testid="intake">
          {Object.entries(intake).map(([k, v]) => (
            <div key={k} className="fact">
              <dt>{t(k)}</dt>
              <dd className="prewrap">{answerText(t, k, v)}</dd>
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
                <img src={`/v1/doctor/consultations/${c.id}/photos/${p}`} alt={`${t("photos")} ${i + 1}`} />
              </a>
            ))}
          </div>
        </>
      ) : null}
      {c.advice ? (
        <article className="advice">
          <h2>{t("advice")}</h2>
          <p className="prewrap">{c.advice}</p>
        </article>
      ) : null}
      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      {c.type === "email_advice" && c.status === "awaiting_advice" ? (
        <AdviceForms id={c.id} report={report} />
      ) : null}
      {c.type === "video" ? (
        <Link className="button" href={`/doctor/consultations/${c.id}/room`}>
          {t("videoOpenRoom")}
        </Link>
      ) : null}
      {actionsFor(c).length > 0 ? (
        <nav className="actions" aria-label={t("actions")}>
          {actionsFor(c).map((a) => (
            <button key={a} type="button" className="secondary" onClick={() => void act(a)}>
              {t(`action_${a}`)}
            </button>
          ))}
        </nav>
      ) : null}
    </section>
  );
}

function AdviceForms({
  id,
  report,
}: {
  id: string;
  report: (ok: boolean, status: number, detail: string | undefined, okText: string) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [reason, setReason] = useState<DeclineReason>("needs_physical_exam");
  const answer = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error } = await api.POST("/v1/doctor/consultations/{id}/advice", {
      params: { path: { id } },
      body: { text },
    });
    report(response.ok, response.status, error?.detail, t("adviceSent"));
  };
  const decline = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error } = await api.POST("/v1/doctor/consultations/{id}/decline", {
      params: { path: { id } },
      body: { reason },
    });
    report(response.ok, response.status, error?.detail, t("declined"));
  };
  return (
    <>
      <form onSubmit={(e) => void answer(e)}>
        <h2>{t("answerAdvice")}</h2>
        <Field label={t("adviceText")} id="advice-text">
          <textarea
            id="advice-text"
            rows={8}
            minLength={20}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <button type="submit">{t("answerAdvice")}</button>
      </form>
      <form onSubmit={(e) => void decline(e)}>
        <h2>{t("decline")}</h2>
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
        <button type="submit" className="danger">
          {t("decline")}
        </button>
      </form>
    </>
  );
}
