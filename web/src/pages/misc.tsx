import { type FormEvent, useEffect, useState } from "react";
import { api, setGuestAccess } from "../api/client";
import { Field, Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { messageOfAnswer } from "../problems";
import { navigate } from "../router";
import { useSession } from "../session";
import { walkInPath } from "../walkin";
import { LoadState, PinGate, useConsultation } from "./consultation";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section className="card narrow">
      <h1>{t("notFoundTitle")}</h1>
      <p>{t("notFoundText")}</p>
      <p>
        <Link href="/">{t("toHome")}</Link>
      </p>
    </section>
  );
}

const settledUnpaid = new Set(["payment_failed", "expired", "cancelled"]);

/** paymentState reads a consultation's status as the payer sees it. */
export function paymentState(status: string | undefined): "checking" | "paid" | "failed" {
  if (!status || status === "awaiting_payment") return "checking";
  return settledUnpaid.has(status) ? "failed" : "paid";
}

/**
 * PaymentReturnPage follows the payment (polling the consultation) until
 * the webhook has settled it, in the language the link names (?lang=).
 */
export function PaymentReturnPage({ id, access }: { id: string; access: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (access) setGuestAccess(access);
  const [status, setStatus] = useState<string | undefined>();
  const [unknown, setUnknown] = useState(false);
  useEffect(() => {
    if (!id || (!access && user === undefined)) return;
    let stop = false;
    let tries = 0;
    const poll = async () => {
      tries++;
      try {
        const { data } = await api.GET("/v1/consultations/{id}", { params: { path: { id } } });
        if (stop) return;
        if (!data) {
          setUnknown(true);
          return;
        }
        setStatus(data.status);
        // A paid walk-in goes straight to its queue (the waiting room).
        if (data.type === "walk_in" && paymentState(data.status) === "paid") {
          navigate(walkInPath(id, access), true);
          return;
        }
        if (paymentState(data.status) !== "checking" || tries > 60) return;
      } catch {
        if (stop) return;
      }
      // Quick at first (the webhook usually lands within a second), then calmer.
      setTimeout(() => void poll(), tries < 10 ? 300 : 1500);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [id, access, user]);
  const state = paymentState(status);
  const q = access ? `?access=${encodeURIComponent(access)}` : "";
  return (
    <section className="card narrow">
      <h1>{t("paymentTitle")}</h1>
      {unknown || !id ? (
        <Notice kind="info">{t("paymentMail")}</Notice>
      ) : state === "checking" ? (
        <Notice kind="info">{t(status === "awaiting_payment" ? "paymentOpen" : "paymentChecking")}</Notice>
      ) : state === "paid" ? (
        <Notice kind="ok">
          {t("paymentPaid")} {t("paymentMail")}
        </Notice>
      ) : (
        <Notice kind="error">{t("paymentFailed")}</Notice>
      )}
      {id ? (
        <p className="actions">
          {state === "paid" && (status === "awaiting_intake" || status === "scheduled") ? (
            <Link className="button" href={`/booking/${encodeURIComponent(id)}/intake${q}`}>
              {t("pubFillForm")}
            </Link>
          ) : null}
          <Link
            className={state === "paid" && status === "awaiting_intake" ? "button secondary" : "button"}
            href={`/consultations/${encodeURIComponent(id)}${q}`}
          >
            {t("toConsultation")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

const ratings = [5, 4, 3, 2, 1] as const;

export function ReviewPage({ id, access }: { id: string; access: string }) {
  const { t, lang } = useI18n();
  const { load, reload } = useConsultation(id, access);
  const [rating, setRating] = useState<number>(5);
  const [text, setText] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState("");
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { response, error: problem } = await api.POST("/v1/consultations/{id}/review", {
      params: { path: { id } },
      body: { rating, text },
    });
    if (response.ok) setDone(true);
    else setError(messageOfAnswer(t, lang, response, problem));
  };
  return (
    <section className="card narrow">
      <h1>{t("reviewTitle")}</h1>
      {done ? (
        <Notice kind="ok">{t("reviewThanks")}</Notice>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <Field label={t("rating")} id="rating">
            <select id="rating" value={rating} onChange={(e) => setRating(Number(e.target.value))}>
              {ratings.map((r) => (
                <option key={r} value={r}>
                  {"★".repeat(r)} ({r})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("reviewText")} id="review-text">
            <textarea
              id="review-text"
              rows={4}
              maxLength={2000}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </Field>
          {error ? <Notice kind="error">{error}</Notice> : null}
          <button type="submit">{t("send")}</button>
        </form>
      )}
    </section>
  );
}
