// The booking flow: type → slot (video, in person) or form (email advice)
// → account or guest email → check → Mollie checkout; after the payment
// the intake form with photos (downscaled in the browser, with progress)
// and the confirmation.
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { api, type Consultation, csrfFromCookies, getRequestLanguage, setGuestAccess } from "../api/client";
import type { paths } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { DateInput } from "../dateInput";
import { buildIdentity, buildIntake, durations, type FieldError, type IntakeKind } from "../forms";
import { formatDateTime, useI18n } from "../i18n";
import { problemMessage } from "../problems";
import {
  type BookingChoice,
  bookingBody,
  bookingErrors,
  type ConsultationType,
  feeOf,
  fill,
  fitWithin,
  formatPrice,
  formatSlot,
  hasSlots,
  needsAccount,
  needsDownscale,
  newIdempotencyKey,
  percent,
} from "../public";
import { loginHref, navigate } from "../router";
import { useSession } from "../session";
import { LoadState, PinGate, useConsultation } from "./consultation";
import { WeekCalendar } from "./public";
import { Avatar, type Failure, failureOf, Loading, ProblemNotice, useLoad } from "./publicParts";

const bookable: ConsultationType[] = ["email_advice", "video", "in_person"];

function accessQuery(access: string): string {
  return access ? `?access=${encodeURIComponent(access)}` : "";
}

/** BookingPage books one consultation with one doctor; the choice lives in the URL. */
export function BookingPage({ doctorId, query }: { doctorId: string; query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [doctor, reloadDoctor] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal }),
    [doctorId],
  );
  const qType = query.get("type") ?? "";
  const [type, setType] = useState<ConsultationType | "">(
    (bookable as string[]).includes(qType) ? (qType as ConsultationType) : "",
  );
  const [slot, setSlot] = useState(query.get("slot") ?? "");
  const [form, setForm] = useState<"short" | "detailed">(
    query.get("form") === "detailed" ? "detailed" : "short",
  );
  const [delivery, setDelivery] = useState<"email" | "notify_only">("email");
  const [guestEmail, setGuestEmail] = useState("");
  const [shown, setShown] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const [calendarKey, setCalendarKey] = useState(0);
  const loggedIn = Boolean(user);
  const choice: BookingChoice = { type, slot, form, guestEmail, loggedIn };
  // One key per choice: a retry of the same booking is answered, not booked twice.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key for every new choice
  const idemKey = useMemo(() => newIdempotencyKey(), [type, slot, form, guestEmail, delivery, user?.id]);

  // Keep the choice in the URL, so the login page can bring the patient back to it.
  useEffect(() => {
    const p = new URLSearchParams();
    if (type) p.set("type", type);
    if (type && hasSlots(type) && slot) p.set("slot", slot);
    if (type === "email_advice" && form !== "short") p.set("form", form);
    const url = `/book/${encodeURIComponent(doctorId)}${p.size ? `?${p}` : ""}`;
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  }, [doctorId, type, slot, form]);

  if (doctor.state === "loading") return <Loading />;
  if (doctor.state === "failed")
    return (
      <section className="card">
        <ProblemNotice failure={doctor.failure} notFound={t("pubDoctorNotFound")} onRetry={reloadDoctor} />
      </section>
    );
  const d = doctor.value;
  const fee = type ? feeOf(d, type) : undefined;
  const here = () => location.pathname + location.search;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    const errs = bookingErrors(choice);
    setShown(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const body = {
        ...bookingBody(choice, d.id, lang),
        ...(type === "email_advice" ? { advice_delivery: delivery } : {}),
      };
      const { data, error, response } = await api.POST("/v1/consultations", {
        body,
        params: { header: { "Idempotency-Key": idemKey } },
      });
      if (!data) {
        const f = failureOf(response, error, hasSlots(type as ConsultationType));
        setFailure(f);
        if (f.kind === "slotTaken") {
          setSlot("");
          setCalendarKey((n) => n + 1);
        }
        setBusy(false);
        return;
      }
      if (data.access_token) setGuestAccess(data.access_token);
      if (data.checkout_url) {
        location.assign(data.checkout_url);
        return;
      }
      navigate(`/booking/${data.id}/done${accessQuery(data.access_token ?? "")}`);
    } catch {
      setFailure({ kind: "offline" });
      setBusy(false);
    }
  };

  return (
    <section className="card booking">
      <div className="profile-head">
        <Avatar name={d.name} url={d.photo_url} />
        <div>
          <h1>{t("pubBookTitle")}</h1>
          <p className="muted">
            {fill(t("pubBookWith"), { name: d.name })} · {d.city}
          </p>
        </div>
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="choices step">
          <legend>{t("pubStepType")}</legend>
          {bookable.map((ty) => {
            const f = feeOf(d, ty);
            if (!f) return null;
            return (
              <label key={ty} className="choice">
                <input
                  type="radio"
                  name="type"
                  value={ty}
                  checked={type === ty}
                  onChange={() => {
                    setType(ty);
                    setFailure(undefined);
                  }}
                />
                <span>
                  <strong>{t(`type_${ty}`)}</strong> — {formatPrice(f.amount_cents, lang, f.currency)}
                  <br />
                  <span className="hint">{t(`pubType_${ty}`)}</span>
                </span>
              </label>
            );
          })}
          {feeOf(d, "walk_in") ? <p className="hint">{t("pubWalkInNote")}</p> : null}
          {shown.type ? <span className="field-error">{t("required")}</span> : null}
          {type && !fee ? <Notice kind="error">{t("pubNotOffered")}</Notice> : null}
        </fieldset>

        {type && hasSlots(type) && fee ? (
          <div className="step">
            <h2 className="step-title">{t("pubStepWhen")}</h2>
            {slot ? (
              <p className="summary-box" data-testid="chosen-slot">
                {t("pubChosenSlot")}: <strong>{formatSlot(slot, lang, d.time_zone)}</strong>
              </p>
            ) : null}
            <WeekCalendar
              key={`${type}/${calendarKey}`}
              doctorId={d.id}
              type={type}
              zone={d.time_zone}
              chosen={slot}
              onPick={(s) => {
                setSlot(s.start);
                setFailure(undefined);
              }}
            />
            {shown.slot ? <span className="field-error">{t("required")}</span> : null}
          </div>
        ) : null}

        {type === "email_advice" && fee ? (
          <fieldset className="choices step">
            <legend>{t("pubStepForm")}</legend>
            {(["short", "detailed"] as const).map((f) => (
              <label key={f} className="choice">
                <input type="radio" name="form" value={f} checked={form === f} onChange={() => setForm(f)} />
                <span>{t(f === "short" ? "pubFormShort" : "pubFormDetailed")}</span>
              </label>
            ))}
            <Field label={t("pubDelivery")} id="delivery">
              <select
                id="delivery"
                value={delivery}
                onChange={(e) => setDelivery(e.target.value as "email" | "notify_only")}
              >
                <option value="email">{t("pubDelivery_email")}</option>
                <option value="notify_only">{t("pubDelivery_notify_only")}</option>
              </select>
            </Field>
          </fieldset>
        ) : null}

        {type && fee ? (
          <div className="step">
            <h2 className="step-title">{t("pubStepWho")}</h2>
            {user ? (
              <p>{fill(t("pubLoggedInAs"), { name: user.name, email: user.email })}</p>
            ) : user === undefined ? (
              <Loading />
            ) : needsAccount(type) ? (
              <>
                <Notice kind="info">{t("pubAccountNeeded")}</Notice>
                <p className="actions">
                  <Link className="button" href={loginHref(here())}>
                    {t("login")}
                  </Link>
                  <Link className="button secondary" href={`/register?next=${encodeURIComponent(here())}`}>
                    {t("register")}
                  </Link>
                </p>
              </>
            ) : (
              <>
                <Field
                  label={t("pubGuestEmail")}
                  id="guest-email"
                  error={shown.guestEmail ? t(shown.guestEmail) : undefined}
                >
                  <input
                    id="guest-email"
                    type="email"
                    autoComplete="email"
                    inputMode="email"
                    value={guestEmail}
                    aria-invalid={shown.guestEmail ? true : undefined}
                    aria-describedby={shown.guestEmail ? "guest-email-error" : undefined}
                    onChange={(e) => setGuestEmail(e.target.value)}
                  />
                </Field>
                <p className="hint">
                  <Link href={loginHref(here())}>{t("pubOrGuest")}</Link>
                </p>
              </>
            )}
          </div>
        ) : null}

        {type && fee && (user || !needsAccount(type)) ? (
          <div className="step">
            <h2 className="step-title">{t("pubStepCheck")}</h2>
            <dl className="facts summary-box" data-testid="booking-summary">
              <dt>{t("doctor")}</dt>
              <dd>{d.name}</dd>
              <dt>{t("consultation")}</dt>
              <dd>
                {t(`type_${type}`)}
                {type === "email_advice"
                  ? ` · ${t(form === "short" ? "pubFormShort" : "pubFormDetailed")}`
                  : ""}
              </dd>
              {hasSlots(type) && slot ? (
                <>
                  <dt>{t("startsAt")}</dt>
                  <dd>{formatSlot(slot, lang, d.time_zone)}</dd>
                </>
              ) : null}
              <dt>{t("pubPrice")}</dt>
              <dd>{formatPrice(fee.amount_cents, lang, fee.currency)}</dd>
              {user || guestEmail ? (
                <>
                  <dt>{t("email")}</dt>
                  <dd>{user ? user.email : guestEmail.trim()}</dd>
                </>
              ) : null}
            </dl>
            {type === "in_person" ? <p className="hint">{t("pubPayInvoice")}</p> : null}
            {failure ? <ProblemNotice failure={failure} /> : null}
            {busy && !failure ? <Notice kind="info">{t("pubPayRedirect")}</Notice> : null}
            <button type="submit" disabled={busy}>
              {type === "in_person" ? t("pubConfirmBooking") : t("pubPayNow")}
            </button>
          </div>
        ) : null}
      </form>
    </section>
  );
}

type PhotoAnswer =
  paths["/v1/consultations/{id}/photos"]["post"]["responses"]["201"]["content"]["application/json"];

/** A photo on its way: prepared (maybe downscaled), then sent with progress. */
interface PhotoItem {
  key: string;
  name: string;
  preview: string;
  progress: number;
  state: "preparing" | "sending" | "sent" | "failed";
  width?: number;
  height?: number;
  error?: string;
}

const maxPhotos = 5;

/** prepare reads a photo and, when large or heavy, redraws it smaller on a canvas as JPEG. */
async function prepare(file: File): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  try {
    if (!needsDownscale(bitmap.width, bitmap.height, file.size, file.type)) return file;
    const size = fitWithin(bitmap.width, bitmap.height);
    const canvas = document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext("2d");
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), "image/jpeg", 0.85),
    );
  } finally {
    bitmap.close();
  }
}

/** send posts one photo (multipart) with the session's CSRF header or the guest's token, reporting progress. */
function send(
  id: string,
  access: string,
  blob: Blob,
  name: string,
  onProgress: (p: number) => void,
): Promise<
  | { ok: true; photo: PhotoAnswer }
  | { ok: false; status: number; headers?: Headers; problem?: { type?: string; detail?: string } }
> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/v1/consultations/${encodeURIComponent(id)}/photos`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept-Language", getRequestLanguage());
    const csrf = csrfFromCookies(document.cookie);
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    if (access) xhr.setRequestHeader("X-Access-Token", access);
    xhr.upload.onprogress = (e) => onProgress(percent(e.loaded, e.total));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201) resolve({ ok: true, photo: body as PhotoAnswer });
      else
        resolve({
          ok: false,
          status: xhr.status,
          headers: new Headers({ "Content-Language": xhr.getResponseHeader("Content-Language") ?? "" }),
          problem: body as { type?: string; detail?: string },
        });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0 });
    const form = new FormData();
    form.append("photo", blob, name.replace(/\.[^.]+$/, "") + (blob.type === "image/png" ? ".png" : ".jpg"));
    xhr.send(form);
  });
}

function PhotoUploader({ id, access, already }: { id: string; access: string; already: number }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<PhotoItem[]>([]);
  const [tooMany, setTooMany] = useState(false);
  const update = (key: string, patch: Partial<PhotoItem>) =>
    setItems((all) => all.map((it) => (it.key === key ? { ...it, ...patch } : it)));
  useEffect(() => () => items.forEach((it) => void URL.revokeObjectURL(it.preview)), [items]);
  const sent = already + items.filter((i) => i.state === "sent").length;
  const pending = items.filter((i) => i.state === "preparing" || i.state === "sending").length;

  const add = async (files: FileList | null) => {
    const list = Array.from(files ?? []);
    const room = maxPhotos - sent - pending;
    setTooMany(list.length > room);
    for (const file of list.slice(0, Math.max(0, room))) {
      const key = `${file.name}/${file.size}/${Math.random()}`;
      let blob: Blob;
      try {
        blob = await prepare(file);
      } catch {
        setItems((all) => [
          ...all,
          { key, name: file.name, preview: "", progress: 0, state: "failed", error: t("pubPhotoNotImage") },
        ]);
        continue;
      }
      const preview = URL.createObjectURL(blob);
      setItems((all) => [...all, { key, name: file.name, preview, progress: 0, state: "sending" }]);
      const res = await send(id, access, blob, file.name, (p) => update(key, { progress: p }));
      if (res.ok)
        update(key, { state: "sent", progress: 100, width: res.photo.width, height: res.photo.height });
      else {
        const f = failureOf(
          res.status ? { status: res.status, headers: res.headers } : undefined,
          res.problem,
        );
        update(key, { state: "failed", error: problemMessage(t, lang, f) });
      }
    }
  };

  return (
    <fieldset className="photos-step">
      <legend>{t("pubPhotosTitle")}</legend>
      <p className="hint">{t("pubPhotosHint")}</p>
      <input
        id="photo-input"
        className="file-input"
        type="file"
        accept="image/jpeg,image/png"
        capture="environment"
        multiple
        disabled={sent + pending >= maxPhotos}
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = "";
        }}
      />
      <label htmlFor="photo-input" className="button secondary file-label">
        {t("pubTakePhoto")}
      </label>
      {tooMany ? <Notice kind="error">{t("pubPhotosMax")}</Notice> : null}
      <ul className="previews">
        {items.map((it) => (
          <li key={it.key} data-testid="photo-item" data-state={it.state}>
            <figure>
              {it.preview ? (
                <img src={it.preview} alt={fill(t("pubPhotoPreview"), { name: it.name })} />
              ) : null}
              <figcaption>
                {it.state === "sending" || it.state === "preparing" ? (
                  <>
                    <span>{fill(t("pubPhotoUploading"), { name: it.name })}</span>
                    <progress max={100} value={it.progress} aria-label={it.name}>
                      {it.progress}%
                    </progress>
                  </>
                ) : it.state === "sent" ? (
                  <span data-testid="photo-size">
                    {fill(t("pubPhotoDone"), { w: it.width ?? 0, h: it.height ?? 0 })}
                  </span>
                ) : (
                  <span className="field-error">{fill(t("pubPhotoFailed"), { reason: it.error ?? "" })}</span>
                )}
              </figcaption>
            </figure>
          </li>
        ))}
      </ul>
      <p data-testid="photos-sent" aria-live="polite">
        {fill(t("pubPhotosSent"), { n: sent })}
      </p>
    </fieldset>
  );
}

function message(t: (k: string) => string, e: FieldError | undefined): string | undefined {
  if (!e) return undefined;
  return t(e.key).replace("{n}", String(e.limit ?? ""));
}

/** BookingIntakePage is the step after the payment: the form, and photos for email advice. */
export function BookingIntakePage({ id, access }: { id: string; access: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { load, reload } = useConsultation(id, access);
  const status = load.state === "ok" ? load.value.status : "";
  // The webhook settles the payment a moment after the return: follow it.
  useEffect(() => {
    if (status !== "awaiting_payment") return;
    const timer = setTimeout(() => void reload(), 1500);
    return () => clearTimeout(timer);
  }, [status, reload]);
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  const c = load.value;
  // The form and the photos are medical: a logged-in patient unlocks the PIN first.
  if (!access && c.medical_locked)
    return (
      <PinGate
        slug={user?.has_pin === false ? "pin-required" : "pin-locked-session"}
        onUnlocked={() => void reload()}
      />
    );
  const appointment = c.type === "video" || c.type === "in_person";
  const open =
    (c.type === "email_advice" && c.status === "awaiting_intake" && !c.has_intake) ||
    (appointment && !c.has_intake && (c.status === "scheduled" || c.status === "waiting"));
  return (
    <section className="card">
      <h1>{appointment ? t("pubIntakeAppointment") : t("pubIntakeTitle")}</h1>
      {c.status === "awaiting_payment" ? (
        <Notice kind="info">{t("pubIntakeNotYet")}</Notice>
      ) : !open ? (
        <>
          <Notice kind="info">{t("pubIntakeClosed")}</Notice>
          <p>
            <Link className="button" href={`/booking/${c.id}/done${accessQuery(access)}`}>
              {t("pubDoneTitle")}
            </Link>
          </p>
        </>
      ) : (
        <>
          {c.type === "email_advice" ? <PhotoUploader id={c.id} access={access} already={c.photos} /> : null}
          <IntakeFields
            c={c}
            guest={Boolean(access)}
            onSent={() => navigate(`/booking/${c.id}/done${accessQuery(access)}`)}
          />
        </>
      )}
    </section>
  );
}

function IntakeFields({ c, guest, onSent }: { c: Consultation; guest: boolean; onSent: () => void }) {
  const { t } = useI18n();
  const kind: IntakeKind = c.type === "email_advice" && c.form === "detailed" ? "detailed" : "short";
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });
  const err = (k: string) =>
    message(
      t,
      errors.find((e) => e.field === k),
    );
  const aria = (k: string) =>
    err(k)
      ? { "aria-invalid": true as const, "aria-describedby": `${k}-error` }
      : ({} as Record<string, never>);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    const built = buildIntake(kind, values);
    const who = buildIdentity(guest, values);
    if ("errors" in built || "errors" in who) {
      setErrors([...("errors" in built ? built.errors : []), ...("errors" in who ? who.errors : [])]);
      return;
    }
    setErrors([]);
    setBusy(true);
    try {
      const { response, error } = await api.POST("/v1/consultations/{id}/intake", {
        params: { path: { id: c.id } },
        body: { answers: built.answers, ...who.identity },
      });
      if (response.ok) onSent();
      else setFailure(failureOf(response, error));
    } catch {
      setFailure({ kind: "offline" });
    }
    setBusy(false);
  };
  return (
    <form className="intake" onSubmit={(e) => void submit(e)} noValidate>
      <Field label={t("complaint")} id="complaint" error={err("complaint")}>
        <textarea
          id="complaint"
          rows={4}
          value={values.complaint ?? ""}
          onChange={set("complaint")}
          {...aria("complaint")}
        />
      </Field>
      <Field label={t("location")} id="location" error={err("location")}>
        <input id="location" value={values.location ?? ""} onChange={set("location")} {...aria("location")} />
      </Field>
      <Field label={t("duration")} id="duration" error={err("duration")}>
        <select id="duration" value={values.duration ?? ""} onChange={set("duration")} {...aria("duration")}>
          <option value="">—</option>
          {durations.map((d) => (
            <option key={d} value={d}>
              {t(`duration_${d}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("question")} id="question" error={err("question")}>
        <textarea
          id="question"
          rows={3}
          value={values.question ?? ""}
          onChange={set("question")}
          {...aria("question")}
        />
      </Field>
      {guest ? (
        <Field label={t("patientName")} id="patient_name" error={err("patient_name")}>
          <input
            id="patient_name"
            autoComplete="name"
            value={values.patient_name ?? ""}
            onChange={set("patient_name")}
            {...aria("patient_name")}
          />
        </Field>
      ) : null}
      <Field label={t("birthDate")} id="birth_date" error={err("birth_date")}>
        <DateInput
          id="birth_date"
          autoComplete="bday"
          value={values.birth_date ?? ""}
          onChange={(v) => set("birth_date")({ target: { value: v } })}
          {...aria("birth_date")}
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
              {...aria("age_years")}
            />
          </Field>
          {(["medications", "allergies", "previous_treatment"] as const).map((k) => (
            <Field key={k} label={t(k)} id={k} error={err(k)}>
              <input id={k} value={values[k] ?? ""} onChange={set(k)} {...aria(k)} />
            </Field>
          ))}
        </>
      ) : null}
      {failure ? <ProblemNotice failure={failure} /> : null}
      <button type="submit" disabled={busy}>
        {t("pubSendForm")}
      </button>
    </form>
  );
}

/** BookingDonePage confirms the booking and says what happens next, in the doctor's zone. */
export function BookingDonePage({ id, access }: { id: string; access: string }) {
  const { t, lang } = useI18n();
  const { load, reload } = useConsultation(id, access);
  const doctorId = load.state === "ok" ? load.value.doctor_id : "";
  const [zone, setZone] = useState("Europe/Amsterdam");
  useEffect(() => {
    if (!doctorId) return;
    const ctl = new AbortController();
    api
      .GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal: ctl.signal })
      .then(({ data }) => data && setZone(data.time_zone))
      .catch(() => {});
    return () => ctl.abort();
  }, [doctorId]);
  const status = load.state === "ok" ? load.value.status : "";
  useEffect(() => {
    if (status !== "awaiting_payment" && status !== "awaiting_intake") return;
    const timer = setTimeout(() => void reload(), 1500);
    return () => clearTimeout(timer);
  }, [status, reload]);
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  const c = load.value;
  const when = c.starts_at ? formatSlot(c.starts_at, lang, zone) : "";
  const q = accessQuery(access);
  return (
    <section className="card narrow">
      <h1>{t("pubDoneTitle")}</h1>
      <dl className="facts summary-box" data-testid="confirmation">
        <dt>{t("consultation")}</dt>
        <dd>{t(`type_${c.type}`)}</dd>
        {c.doctor_name ? (
          <>
            <dt>{t("doctor")}</dt>
            <dd>{c.doctor_name}</dd>
          </>
        ) : null}
        <dt>{t("status")}</dt>
        <dd data-testid="status">{t(`status_${c.status}`)}</dd>
        {when ? (
          <>
            <dt>{t("startsAt")}</dt>
            <dd>{when}</dd>
          </>
        ) : null}
        <dt>{t("amount")}</dt>
        <dd>{formatPrice(c.amount_cents, lang, c.currency)}</dd>
      </dl>
      {c.status === "awaiting_payment" ? (
        <Notice kind="info">{t("paymentChecking")}</Notice>
      ) : c.type === "email_advice" && c.status === "awaiting_intake" ? (
        <p>
          <Link className="button" href={`/booking/${c.id}/intake${q}`}>
            {t("pubFillForm")}
          </Link>
        </p>
      ) : c.type === "email_advice" ? (
        <Notice kind="ok">
          {c.due_at
            ? fill(t("pubDoneAdvice"), { due: formatDateTime(c.due_at, lang, zone) })
            : t("pubDoneAdviceNoDue")}
        </Notice>
      ) : (
        <Notice kind="ok">
          {fill(t(c.type === "video" ? "pubDoneVideo" : "pubDoneInPerson"), { when })} {t("pubDoneMail")}
        </Notice>
      )}
      <p className="actions">
        {(c.type === "video" || c.type === "in_person") && !c.has_intake && c.status === "scheduled" ? (
          <Link className="button" href={`/booking/${c.id}/intake${q}`}>
            {t("pubFillForm")}
          </Link>
        ) : null}
        <Link className="button secondary" href={`/consultations/${c.id}${q}`}>
          {t("toConsultation")}
        </Link>
      </p>
    </section>
  );
}
