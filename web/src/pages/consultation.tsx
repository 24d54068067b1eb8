import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, type Consultation, setGuestAccess } from "../api/client";
import { Field, Link, Notice } from "../components";
import { DateInput } from "../dateInput";
import {
  buildIdentity,
  buildIntake,
  durations,
  type FieldError,
  type IntakeKind,
  problemSlug,
} from "../forms";
import { formatDateTime, formatMoney, useI18n } from "../i18n";
import { useSession } from "../session";
import { CancelPanel, Documents, FavouriteToggle } from "./portal";
import {
  Fact,
  OutcomeNotice,
  PinGate,
  pinRefusal,
  pinSlug,
  useAction,
  useDoctorZones,
  useFollowStatus,
  useLoginRequired,
  When,
} from "./portalParts";

export { PinGate, useLoginRequired } from "./portalParts";

export type Load<T> =
  | { state: "loading" }
  | { state: "ok"; value: T }
  | { state: "pin"; slug: string }
  | { state: "notFound" }
  | { state: "offline" }
  | { state: "error" };

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
      setLoad({ state: "offline" });
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
    case "offline":
      return <Notice kind="error">{t("offline")}</Notice>;
    case "error":
      return <Notice kind="error">{t("errorGeneric")}</Notice>;
    default:
      return null;
  }
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
  const { user } = useSession();
  const { load, reload } = useConsultation(id, access);
  const [sent, setSent] = useState(false);
  const status = load.state === "ok" ? load.value.status : "";
  const zones = useDoctorZones(load.state === "ok" ? [load.value.doctor_id] : []);
  const follow = useFollowStatus(status || undefined, reload);
  // The workflow moves the status on shortly after the form is in: follow it.
  useEffect(() => {
    if (!sent || status !== "awaiting_intake") return;
    const timer = setTimeout(() => void reload(), 700);
    return () => clearTimeout(timer);
  }, [sent, status, reload]);
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  const c = load.value;
  const zone = zones[c.doctor_id] ?? "Europe/Amsterdam";
  const q = access ? `?access=${encodeURIComponent(access)}` : "";
  const guest = Boolean(access);
  // One PIN gate guards the medical parts (advice, documents) of the page.
  const locked = Boolean(c.medical_locked) && !guest;
  const appointment = c.type === "video" || c.type === "in_person";
  const intakeOpen =
    (c.type === "email_advice" && c.status === "awaiting_intake" && !c.has_intake && !sent) ||
    (appointment && !c.has_intake && (c.status === "scheduled" || c.status === "waiting"));
  return (
    <section className="card">
      {guest ? null : (
        <p>
          <Link href="/consultations">← {t("myConsultations")}</Link>
        </p>
      )}
      <h1>
        {focus === "intake" && appointment
          ? t("intakeAppointmentTitle")
          : `${t("consultation")}: ${t(`type_${c.type}`)}`}
      </h1>
      <dl className="facts">
        <Fact label={t("status")} testId="status">
          <span className={`badge badge-${c.status}`}>{t(`status_${c.status}`)}</span>
        </Fact>
        {c.doctor_name ? (
          <Fact label={t("doctor")}>
            {c.doctor_name} {guest ? null : <FavouriteToggle doctorId={c.doctor_id} />}
          </Fact>
        ) : null}
        <Fact label={t("amount")}>{formatMoney(c.amount_cents, c.currency, lang)}</Fact>
        {c.starts_at ? (
          <Fact label={t("startsAt")} testId="starts-at">
            <When iso={c.starts_at} zone={zone} />
          </Fact>
        ) : null}
        {c.expected_start && c.starts_at && c.expected_start !== c.starts_at ? (
          <Fact label={t("ptlExpectedStart")}>
            <When iso={c.expected_start} zone={zone} />
          </Fact>
        ) : null}
        {c.paid_at ? <Fact label={t("paidAt")}>{formatDateTime(c.paid_at, lang, zone)}</Fact> : null}
        {c.due_at ? (
          <Fact label={t("dueAt")}>
            <When iso={c.due_at} zone={zone} />
          </Fact>
        ) : null}
        {c.type === "email_advice" ? <Fact label={t("photosCount")}>{c.photos}</Fact> : null}
      </dl>
      {locked ? (
        <section aria-labelledby="medical-locked" data-testid="medical-locked">
          <h2 id="medical-locked">{t("ptlMedical")}</h2>
          <PinGate slug={pinSlug(user)} onUnlocked={() => void reload()} />
        </section>
      ) : null}
      {c.advice ? (
        <article className="advice" data-testid="advice">
          <h2>{t("advice")}</h2>
          <p className="prewrap">{c.advice}</p>
        </article>
      ) : null}
      {intakeOpen ? (
        <IntakeForm
          c={c}
          guest={guest}
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
      {appointment && (c.status === "scheduled" || c.status === "cancellation_requested") ? (
        <CancelPanel
          c={c}
          onDone={(from) => {
            follow(from);
            void reload();
          }}
        />
      ) : null}
      {c.status !== "awaiting_payment" && !locked ? <Documents id={c.id} access={access} /> : null}
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
  const { busy, outcome, run } = useAction();
  const [pinNeeded, setPinNeeded] = useState("");
  const [photos, setPhotos] = useState(c.photos);
  const set = (k: string) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });
  const err = (k: string) =>
    fieldMessage(
      t,
      errors.find((e) => e.field === k),
    );

  const sendPhoto = (file: File) => {
    const form = new FormData();
    form.append("photo", file);
    return api.POST("/v1/consultations/{id}/photos", {
      params: { path: { id: c.id } },
      // biome-ignore lint/suspicious/noExplicitAny: multipart body is FormData, sent as is
      body: form as any,
      bodySerializer: (b) => b as unknown as FormData,
    });
  };
  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const res = await run(() => sendPhoto(file));
      if (res?.response.ok) setPhotos((n) => n + 1);
      else {
        if (res) setPinNeeded(pinRefusal(res));
        return;
      }
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
    const res = await run(() =>
      api.POST("/v1/consultations/{id}/intake", {
        params: { path: { id: c.id } },
        body: { answers: built.answers, ...who.identity },
      }),
    );
    if (res?.response.ok) onSent();
    else if (res) setPinNeeded(pinRefusal(res));
  };
  if (pinNeeded) return <PinGate slug={pinNeeded} onUnlocked={() => setPinNeeded("")} />;
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
        <DateInput
          id="birth_date"
          autoComplete="bday"
          value={values.birth_date ?? ""}
          onChange={(v) => set("birth_date")({ target: { value: v } })}
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
      {pinNeeded ? null : <OutcomeNotice outcome={outcome} />}
      <button type="submit" disabled={busy}>
        {t("send")}
      </button>
    </form>
  );
}
