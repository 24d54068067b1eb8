import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, type Consultation, setGuestAccess } from "../api/client";
import { Field, Link, Notice } from "../components";
import {
  buildIdentity,
  buildIntake,
  durations,
  type FieldError,
  type IntakeKind,
  problemSlug,
} from "../forms";
import { formatDateTime, formatMoney, useI18n } from "../i18n";
import { loginHref, navigate } from "../router";
import { useSession } from "../session";

export type Load<T> =
  | { state: "loading" }
  | { state: "ok"; value: T }
  | { state: "pin"; slug: string }
  | { state: "notFound" }
  | { state: "error" };

/** useLoginRequired sends a logged-out reader to the login page, which returns here. */
export function useLoginRequired(needed: boolean): boolean {
  const { user } = useSession();
  useEffect(() => {
    if (needed && user === null) navigate(loginHref(location.pathname + location.search), true);
  }, [needed, user]);
  return !needed || Boolean(user);
}

/** useConsultation loads the patient's (or a guest's) view of one consultation. */
export function useConsultation(id: string, access: string) {
  if (access) setGuestAccess(access);
  const ready = useLoginRequired(!access);
  const { adopt } = useI18n();
  const [load, setLoad] = useState<Load<Consultation>>({ state: "loading" });
  const reload = useCallback(async () => {
    try {
      const { data, error, response } = await api.GET("/v1/consultations/{id}", { params: { path: { id } } });
      if (data) {
        adopt(data.language);
        setLoad({ state: "ok", value: data });
      } else if (response.status === 403) setLoad({ state: "pin", slug: problemSlug(error?.type) });
      else if (response.status === 404) setLoad({ state: "notFound" });
      else setLoad({ state: "error" });
    } catch {
      setLoad({ state: "error" });
    }
  }, [id, adopt]);
  useEffect(() => {
    if (ready) void reload();
  }, [ready, reload]);
  return { load, reload };
}

export function LoadState({ load, guest }: { load: Load<unknown>; guest: boolean }) {
  const { t } = useI18n();
  switch (load.state) {
    case "loading":
      return <p aria-busy="true">{t("loading")}</p>;
    case "notFound":
      return <Notice kind="error">{guest ? t("linkExpired") : t("notFoundConsultation")}</Notice>;
    case "error":
      return <Notice kind="error">{t("errorGeneric")}</Notice>;
    default:
      return null;
  }
}

export function PortalPage() {
  const { t, lang } = useI18n();
  const ready = useLoginRequired(true);
  const [items, setItems] = useState<Consultation[] | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!ready) return;
    api
      .GET("/v1/consultations")
      .then(({ data }) => (data ? setItems(data.items) : setFailed(true)))
      .catch(() => setFailed(true));
  }, [ready]);
  return (
    <section className="card">
      <h1>{t("myConsultations")}</h1>
      {failed ? <Notice kind="error">{t("errorGeneric")}</Notice> : null}
      {!items && !failed ? <p aria-busy="true">{t("loading")}</p> : null}
      {items && items.length === 0 ? <p>{t("noConsultations")}</p> : null}
      <ul className="list">
        {items?.map((c) => (
          <li key={c.id}>
            <Link href={`/consultations/${c.id}`}>
              {t(`type_${c.type}`)} — {t(`status_${c.status}`)}
              {c.doctor_name ? ` — ${c.doctor_name}` : ""}
              {c.starts_at ? ` — ${formatDateTime(c.starts_at, lang)}` : ""}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function PinGate({ slug, onUnlocked }: { slug: string; onUnlocked: () => void }) {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const needsSet = slug === "pin-required";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      if (needsSet) {
        const set = await api.PUT("/v1/me/pin", { body: { pin, password } });
        if (!set.response.ok) {
          setError(set.error?.detail ?? t("errorGeneric"));
          return;
        }
      }
      const { response, error: problem } = await api.POST("/v1/me/pin/unlock", { body: { pin } });
      if (response.ok) onUnlocked();
      else setError(response.status === 423 ? t("pinLockedOut") : (problem?.detail ?? t("errorGeneric")));
    } catch {
      setError(t("offline"));
    }
  };
  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t("pinTitle")}</h2>
      <p>{needsSet ? t("pinSet") : t("pinLocked")}</p>
      <Field label={t("pin")} id="pin">
        <input
          id="pin"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9]*"
          minLength={4}
          maxLength={8}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
        />
      </Field>
      {needsSet ? (
        <Field label={t("password")} id="pin-password">
          <input
            id="pin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="submit">{needsSet ? t("setPin") : t("unlock")}</button>
    </form>
  );
}

export function ConsultationPage({
  id,
  access,
  focus,
}: {
  id: string;
  access: string;
  focus: "overview" | "intake";
}) {
  const { t, lang } = useI18n();
  const { load, reload } = useConsultation(id, access);
  const [sent, setSent] = useState(false);
  const status = load.state === "ok" ? load.value.status : "";
  // The workflow moves the status on shortly after the form is in: follow it.
  useEffect(() => {
    if (!sent || status !== "awaiting_intake") return;
    const timer = setTimeout(() => void reload(), 700);
    return () => clearTimeout(timer);
  }, [sent, status, reload]);
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  const c = load.value;
  const q = access ? `?access=${encodeURIComponent(access)}` : "";
  const appointment = c.type === "video" || c.type === "in_person";
  const intakeOpen =
    (c.type === "email_advice" && c.status === "awaiting_intake" && !c.has_intake && !sent) ||
    (appointment && !c.has_intake && (c.status === "scheduled" || c.status === "waiting"));
  return (
    <section className="card">
      <h1>
        {focus === "intake" && appointment
          ? t("intakeAppointmentTitle")
          : `${t("consultation")}: ${t(`type_${c.type}`)}`}
      </h1>
      <dl className="facts">
        <dt>{t("status")}</dt>
        <dd data-testid="status">{t(`status_${c.status}`)}</dd>
        {c.doctor_name ? (
          <>
            <dt>{t("doctor")}</dt>
            <dd>{c.doctor_name}</dd>
          </>
        ) : null}
        <dt>{t("amount")}</dt>
        <dd>{formatMoney(c.amount_cents, c.currency, lang)}</dd>
        {c.starts_at ? (
          <>
            <dt>{t("startsAt")}</dt>
            <dd>{formatDateTime(c.starts_at, lang)}</dd>
          </>
        ) : null}
        {c.paid_at ? (
          <>
            <dt>{t("paidAt")}</dt>
            <dd>{formatDateTime(c.paid_at, lang)}</dd>
          </>
        ) : null}
        {c.due_at ? (
          <>
            <dt>{t("dueAt")}</dt>
            <dd>{formatDateTime(c.due_at, lang)}</dd>
          </>
        ) : null}
        {c.type === "email_advice" ? (
          <>
            <dt>{t("photosCount")}</dt>
            <dd>{c.photos}</dd>
          </>
        ) : null}
      </dl>
      {c.advice ? (
        <article className="advice">
          <h2>{t("advice")}</h2>
          <p className="prewrap">{c.advice}</p>
        </article>
      ) : null}
      {intakeOpen ? (
        <IntakeForm
          c={c}
          guest={Boolean(access)}
          onSent={() => {
            setSent(true);
            void reload();
          }}
        />
      ) : sent || (c.has_intake && focus === "intake") ? (
        <Notice kind="ok">{t("intakeDone")}</Notice>
      ) : null}
      {appointment ? (
        <nav className="actions">
          {c.type === "video" ? (
            <Link href={`/consultations/${c.id}/waiting-room${q}`}>{t("waitingTitle")}</Link>
          ) : null}
          {c.status === "completed" ? (
            <Link href={`/consultations/${c.id}/review${q}`}>{t("reviewTitle")}</Link>
          ) : null}
        </nav>
      ) : null}
      {appointment && c.status === "scheduled" ? <CancelForm id={c.id} /> : null}
      {appointment && !access ? <Documents id={c.id} /> : null}
    </section>
  );
}

function fieldMessage(t: (k: string) => string, e: FieldError | undefined): string | undefined {
  if (!e) return undefined;
  return t(e.key).replace("{n}", String(e.limit ?? ""));
}

function IntakeForm({ c, guest, onSent }: { c: Consultation; guest: boolean; onSent: () => void }) {
  const { t } = useI18n();
  const kind: IntakeKind = c.type === "email_advice" && c.form === "detailed" ? "detailed" : "short";
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState("");
  const [photos, setPhotos] = useState(c.photos);
  const set = (k: string) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });
  const err = (k: string) =>
    fieldMessage(
      t,
      errors.find((e) => e.field === k),
    );

  const upload = async (files: FileList | null) => {
    setError("");
    for (const file of Array.from(files ?? [])) {
      const form = new FormData();
      form.append("photo", file);
      const { response, error: problem } = await api.POST("/v1/consultations/{id}/photos", {
        params: { path: { id: c.id } },
        // biome-ignore lint/suspicious/noExplicitAny: multipart body is FormData, sent as is
        body: form as any,
        bodySerializer: (b) => b as unknown as FormData,
      });
      if (response.ok) setPhotos((n) => n + 1);
      else setError(problem?.detail ?? t("errorGeneric"));
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildIntake(kind, values);
    const who = buildIdentity(guest, values);
    const all = [...("errors" in built ? built.errors : []), ...("errors" in who ? who.errors : [])];
    if ("errors" in built || "errors" in who) {
      setErrors(all);
      return;
    }
    setErrors([]);
    const { response, error: problem } = await api.POST("/v1/consultations/{id}/intake", {
      params: { path: { id: c.id } },
      body: { answers: built.answers, ...who.identity },
    });
    if (response.ok) onSent();
    else setError(response.status === 409 ? t("conflict") : (problem?.detail ?? t("errorGeneric")));
  };
  return (
    <form className="intake" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t("intakeTitle")}</h2>
      <Field label={t("complaint")} id="complaint" error={err("complaint")}>
        <textarea id="complaint" rows={4} value={values.complaint ?? ""} onChange={set("complaint")} />
      </Field>
      <Field label={t("location")} id="location" error={err("location")}>
        <input id="location" value={values.location ?? ""} onChange={set("location")} />
      </Field>
      <Field label={t("duration")} id="duration" error={err("duration")}>
        <select id="duration" value={values.duration ?? ""} onChange={set("duration")}>
          <option value="">—</option>
          {durations.map((d) => (
            <option key={d} value={d}>
              {t(`duration_${d}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("question")} id="question" error={err("question")}>
        <textarea id="question" rows={3} value={values.question ?? ""} onChange={set("question")} />
      </Field>
      {guest ? (
        <Field label={t("patientName")} id="patient_name" error={err("patient_name")}>
          <input
            id="patient_name"
            autoComplete="name"
            value={values.patient_name ?? ""}
            onChange={set("patient_name")}
          />
        </Field>
      ) : null}
      <Field label={t("birthDate")} id="birth_date" error={err("birth_date")}>
        <input
          id="birth_date"
          type="date"
          autoComplete="bday"
          value={values.birth_date ?? ""}
          onChange={set("birth_date")}
        />
      </Field>
      {kind === "detailed" ? (
        <>
          <Field label={t("ageYears")} id="age_years" error={err("age_years")}>
            <input
              id="age_years"
              inputMode="numeric"
              value={values.age_years ?? ""}
              onChange={set("age_years")}
            />
          </Field>
          {(["medications", "allergies", "previous_treatment"] as const).map((k) => (
            <Field key={k} label={t(k)} id={k} error={err(k)}>
              <input id={k} value={values[k] ?? ""} onChange={set(k)} />
            </Field>
          ))}
        </>
      ) : null}
      {c.type === "email_advice" ? (
        <fieldset>
          <legend>{t("photos")}</legend>
          <p className="hint">{t("photosHint")}</p>
          <label className="button secondary" htmlFor="photo">
            {t("addPhoto")}
          </label>
          <input
            id="photo"
            className="visually-hidden"
            type="file"
            accept="image/jpeg,image/png"
            capture="environment"
            multiple
            onChange={(e) => void upload(e.target.files)}
          />
          <p data-testid="photo-count">
            {t("photosCount")}: {photos}
          </p>
        </fieldset>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="submit">{t("send")}</button>
    </form>
  );
}

const cancelReasons = ["schedule_conflict", "feeling_better", "other_care", "other"] as const;

function CancelForm({ id }: { id: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState<(typeof cancelReasons)[number]>("schedule_conflict");
  const [done, setDone] = useState(false);
  const [error, setError] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error: problem } = await api.POST("/v1/consultations/{id}/cancellation", {
      params: { path: { id } },
      body: { reason },
    });
    if (response.ok) setDone(true);
    else setError(response.status === 409 ? t("conflict") : (problem?.detail ?? t("errorGeneric")));
  };
  if (done) return <Notice kind="ok">{t("cancelRequested")}</Notice>;
  return (
    <form className="cancel" onSubmit={(e) => void submit(e)}>
      <h2>{t("cancelTitle")}</h2>
      <p className="hint">{t("cancelRule")}</p>
      <Field label={t("cancelReason")} id="cancel-reason">
        <select
          id="cancel-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value as (typeof cancelReasons)[number])}
        >
          {cancelReasons.map((r) => (
            <option key={r} value={r}>
              {t(`reason_${r}`)}
            </option>
          ))}
        </select>
      </Field>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="submit" className="secondary">
        {t("cancelRequest")}
      </button>
    </form>
  );
}

function Documents({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [docs, setDocs] = useState<
    { id: string; kind: string; created_at: string; url: string }[] | undefined
  >();
  useEffect(() => {
    api
      .GET("/v1/consultations/{id}/documents", { params: { path: { id } } })
      .then(({ data }) => setDocs(data?.items ?? []))
      .catch(() => setDocs([]));
  }, [id]);
  if (!docs) return null;
  return (
    <section>
      <h2>{t("documents")}</h2>
      {docs.length === 0 ? <p>{t("noDocuments")}</p> : null}
      <ul className="list">
        {docs.map((d) => (
          <li key={d.id}>
            <a href={d.url}>
              {d.kind} — {formatDateTime(d.created_at, lang)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
