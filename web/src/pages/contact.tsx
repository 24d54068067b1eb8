// The contact and complaint form, open to everyone, and the
// administrators' list of its messages with their status.
import { type FormEvent, useEffect, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { contactErrors } from "../contact";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import { useSession } from "../session";
import { type Outcome, OutcomeNotice, RequireLogin, Show, useAction, useKept } from "./portalParts";
import { useLoad } from "./publicParts";

type Receipt = components["schemas"]["ContactReceipt"];
type Message = components["schemas"]["ContactMessage"];
const subjects = ["system_complaint", "practitioner", "other"] as const;
type Subject = (typeof subjects)[number];
const statuses = ["open", "in_progress", "closed"] as const;
type Status = (typeof statuses)[number];

/**
 * The API's own text for a refusal it words in the reader's language (too
 * many messages, a field it explains) beats the generic one.
 */
function apiText(outcome: Outcome | undefined): Record<string, string> | undefined {
  if (outcome?.kind !== "failed" || !outcome.failure.detail) return undefined;
  return { tooMany: outcome.failure.detail };
}

export function ContactPage({ doctorId }: { doctorId: string }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [subject, setSubject] = useState<Subject>(doctorId ? "practitioner" : "other");
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [receipt, setReceipt] = useState<Receipt | undefined>();
  const { busy, outcome, run } = useAction();
  const [doctorName, setDoctorName] = useState<string | undefined>();
  useEffect(() => {
    if (!doctorId) return;
    const ctl = new AbortController();
    api
      .GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal: ctl.signal })
      .then(({ data }) => setDoctorName(data?.name))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [doctorId]);
  const signedEmail = email || (user?.email ?? "");
  const signedName = name || (user?.name ?? "");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = contactErrors({ name: signedName, email: signedEmail, message });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(Object.keys(found)[0] ?? "")?.focus();
      return;
    }
    const res = await run(() =>
      api.POST("/v1/contact", {
        body: {
          name: signedName.trim(),
          email: signedEmail.trim(),
          subject,
          message: message.trim(),
          language: lang,
          ...(subject === "practitioner" && doctorId && doctorName ? { doctor_id: doctorId } : {}),
        },
      }),
    );
    if (res?.data) {
      setReceipt(res.data);
      setMessage("");
    }
  };

  if (receipt) {
    return (
      <section className="card narrow" data-testid="contact-sent">
        <h1>{t("ctSentTitle")}</h1>
        <Notice kind="ok">{fill(t("ctSent"), { reference: receipt.reference })}</Notice>
        {receipt.sent_to_support ? <p>{t("ctSentSupport")}</p> : null}
        {receipt.practitioner_policy ? (
          <div data-testid="practitioner-policy">
            <h2>{t("ctPolicyTitle")}</h2>
            <ol>
              <li>{t("ctPolicy1")}</li>
              <li>{t("ctPolicy2")}</li>
              <li>{t("ctPolicy3")}</li>
            </ol>
            {receipt.practitioner ? (
              <p data-testid="practitioner-contact">
                {fill(t("ctReach"), { name: receipt.practitioner.display_name })}{" "}
                {[receipt.practitioner.practice_name, receipt.practitioner.address, receipt.practitioner.city]
                  .filter(Boolean)
                  .join(", ")}{" "}
                <Link href={`/doctors/${receipt.practitioner.doctor_id}`}>{t("ctProfile")}</Link>
              </p>
            ) : null}
          </div>
        ) : null}
        <p className="muted">{t("ctUrgent")}</p>
        <button type="button" className="secondary" onClick={() => setReceipt(undefined)}>
          {t("ctAnother")}
        </button>
      </section>
    );
  }

  const described = (id: string) =>
    errors[id] ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
  return (
    <section className="card narrow" data-testid="contact">
      <h1>{t("ctTitle")}</h1>
      <p>{t("ctIntro")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t("name")} id="name" error={errors.name ? t(errors.name) : undefined}>
          <input
            id="name"
            autoComplete="name"
            required
            maxLength={200}
            value={signedName}
            onChange={(e) => setName(e.target.value)}
            {...described("name")}
          />
        </Field>
        <Field label={t("email")} id="email" error={errors.email ? t(errors.email) : undefined}>
          <input
            id="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            value={signedEmail}
            onChange={(e) => setEmail(e.target.value)}
            {...described("email")}
          />
        </Field>
        <fieldset className="choices">
          <legend>{t("ctSubject")}</legend>
          {subjects.map((s) => (
            <label key={s} className="choice">
              <input
                type="radio"
                name="contact-subject"
                value={s}
                checked={subject === s}
                onChange={() => setSubject(s)}
              />{" "}
              {t(`ctSubject_${s}`)}
            </label>
          ))}
        </fieldset>
        {subject === "practitioner" && doctorName ? (
          <p data-testid="about-doctor">{fill(t("ctAboutDoctor"), { name: doctorName })}</p>
        ) : null}
        <Field label={t("ctMessage")} id="message" error={errors.message ? t(errors.message) : undefined}>
          <textarea
            id="message"
            rows={6}
            required
            maxLength={5000}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            {...described("message")}
          />
        </Field>
        <OutcomeNotice outcome={outcome} texts={apiText(outcome)} />
        <button type="submit" disabled={busy}>
          {t("ctSend")}
        </button>
      </form>
    </section>
  );
}

export function AdminContactPage() {
  return <RequireLogin roles={["admin"]}>{() => <ContactList />}</RequireLogin>;
}

function ContactList() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<Status | "">("open");
  const [fresh, retry] = useLoad(
    (signal) => api.GET("/v1/admin/contact", { params: { query: status ? { status } : {} }, signal }),
    [status],
  );
  const list = useKept(fresh);
  const { busy, outcome, run } = useAction();
  const change = async (m: Message, next: Status) => {
    const res = await run(
      () => api.PATCH("/v1/admin/contact/{id}", { params: { path: { id: m.id } }, body: { status: next } }),
      t("ctAdminSaved"),
    );
    if (res?.response.ok) retry();
  };
  return (
    <section className="card" data-testid="contact-list">
      <h1>{t("ctAdminTitle")}</h1>
      <p>
        <Link href="/admin">{t("ctAdminModeration")}</Link>
      </p>
      <fieldset className="choices">
        <legend>{t("status")}</legend>
        {(["open", "in_progress", "closed", ""] as const).map((s) => (
          <label key={s || "all"} className="choice">
            <input type="radio" name="contact-status" checked={status === s} onChange={() => setStatus(s)} />{" "}
            {s ? t(`ctStatus_${s}`) : t("ctAdminAll")}
          </label>
        ))}
      </fieldset>
      <OutcomeNotice outcome={outcome} />
      <Show loaded={list} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("ctAdminEmpty")}</p>
          ) : (
            <ul className="cards">
              {items.map((m) => (
                <li key={m.id} className="item-card" data-contact={m.id}>
                  <p>
                    <strong>{m.reference}</strong> · {t(`ctSubject_${m.subject}`)}
                  </p>
                  <p className="prewrap">{m.message}</p>
                  <p className="muted">
                    {t("ctAdminFrom")}: {m.name} &lt;{m.email}&gt; · {t("ctAdminReceived")}:{" "}
                    {formatDateTime(m.created_at, lang)}
                  </p>
                  <Field
                    label={fill(t("ctAdminSetStatus"), { reference: m.reference })}
                    id={`status-${m.id}`}
                  >
                    <select
                      id={`status-${m.id}`}
                      value={m.status}
                      disabled={busy}
                      onChange={(e) => void change(m, e.target.value as Status)}
                    >
                      {statuses.map((s) => (
                        <option key={s} value={s}>
                          {t(`ctStatus_${s}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
