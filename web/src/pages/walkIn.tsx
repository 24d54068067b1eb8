// The doctor's online walk-in clinic as the public sees it: open or closed,
// the queue's length, the expected wait and the fee, on the doctor's
// profile and on its own page, where a patient (logged in, or a guest with
// an email address) pays and joins the queue.
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { api, setGuestAccess } from "../api/client";
import { Field, Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { fill, formatPrice, formatSlot, formatTime, newIdempotencyKey } from "../public";
import { loginHref } from "../router";
import { useSession } from "../session";
import { guestEmailValid, type WalkIn } from "../walkin";
import "../walkin.css";
import { Avatar, type Failure, failureOf, Loading, ProblemNotice, useLoad } from "./publicParts";

/** refreshEveryMs: the public view of the queue is re-read this often. */
const refreshEveryMs = 15000;

/** useWalkIn loads a doctor's walk-in clinic and re-reads it every refreshEveryMs. */
export function useWalkIn(doctorId: string) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), refreshEveryMs);
    return () => clearInterval(id);
  }, []);
  const [loaded, reload] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}/walk-in", { params: { path: { id: doctorId } }, signal }),
    [doctorId, tick],
  );
  // Keep showing the last answer while a re-read is under way.
  const [last, setLast] = useState<WalkIn | undefined>();
  useEffect(() => {
    if (loaded.state === "ok") setLast(loaded.value);
  }, [loaded]);
  return { loaded, value: loaded.state === "ok" ? loaded.value : last, reload };
}

/** WalkInFacts is the state of the clinic: open or closed, queue, wait, fee. */
export function WalkInFacts({ w }: { w: WalkIn }) {
  const { t, lang } = useI18n();
  return (
    <div className="walkin-facts" data-testid="walkin-state" data-open={w.open ? "yes" : "no"}>
      <p>
        <span className={w.open ? "walkin-badge open" : "walkin-badge closed"}>
          {w.open ? t("wiOpenNow") : t("wiClosedNow")}
        </span>{" "}
        {w.open && w.closes_at
          ? fill(t("wiOpenUntil"), { time: formatTime(w.closes_at, lang, w.time_zone) })
          : null}
      </p>
      {w.open ? (
        <ul className="walkin-figures">
          <li data-testid="walkin-queue-length">{fill(t("wiQueueLength"), { n: w.queue_length })}</li>
          {w.wait_minutes !== null ? <li>{fill(t("wiWait"), { n: w.wait_minutes })}</li> : null}
          <li>{fill(t("wiFee"), { price: formatPrice(w.amount_cents, lang, w.currency) })}</li>
        </ul>
      ) : (
        <p>
          {w.closed_early ? `${t("wiClosedEarly")} ` : ""}
          {w.opens_at && (!w.closes_at || Date.parse(w.closes_at) > Date.now())
            ? fill(t("wiNextOpens"), { time: formatSlot(w.opens_at, lang, w.time_zone) })
            : t("wiNoHours")}
        </p>
      )}
      {w.open && w.paused ? <p className="hint">{t("wiPaused")}</p> : null}
    </div>
  );
}

/** WalkInSummary is the walk-in part of a doctor's profile (nothing when not offered). */
export function WalkInSummary({ doctorId }: { doctorId: string }) {
  const { t } = useI18n();
  const { value } = useWalkIn(doctorId);
  if (!value?.offered) return null;
  return (
    <section className="card walkin" aria-labelledby="walkin-title">
      <h2 id="walkin-title">{t("wiTitle")}</h2>
      <WalkInFacts w={value} />
      <p className="actions">
        <Link className="button" href={`/doctors/${encodeURIComponent(doctorId)}/walk-in`}>
          {t("wiToWalkIn")}
        </Link>
      </p>
    </section>
  );
}

/** WalkInPage shows the clinic and lets a patient or a guest pay and join. */
export function WalkInPage({ doctorId }: { doctorId: string }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [doctor, reloadDoctor] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal }),
    [doctorId],
  );
  const walkIn = useWalkIn(doctorId);
  const [email, setEmail] = useState("");
  const [emailError, setEmailError] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();
  const [refusal, setRefusal] = useState("");
  const [busy, setBusy] = useState(false);
  // One key per joiner: a retried request is answered, not booked twice.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key for a new email or login
  const idemKey = useMemo(() => newIdempotencyKey(), [email, user?.id]);

  if (doctor.state === "loading" || (!walkIn.value && walkIn.loaded.state === "loading")) return <Loading />;
  if (doctor.state === "failed")
    return (
      <section className="card">
        <ProblemNotice failure={doctor.failure} notFound={t("pubDoctorNotFound")} onRetry={reloadDoctor} />
      </section>
    );
  const d = doctor.value;
  const w = walkIn.value;
  const guest = !user;
  const here = location.pathname + location.search;

  const join = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    setRefusal("");
    if (guest && !guestEmailValid(email)) {
      setEmailError(true);
      return;
    }
    setEmailError(false);
    setBusy(true);
    try {
      const { data, error, response } = await api.POST("/v1/consultations", {
        body: {
          type: "walk_in",
          doctor_id: d.id,
          language: lang,
          ...(guest ? { guest_email: email.trim() } : {}),
        },
        params: { header: { "Idempotency-Key": idemKey } },
      });
      if (!data) {
        // The API words a refusal of the walk-in (closed, full) in our language.
        if (
          (response.status === 409 || response.status === 422) &&
          response.headers.get("Content-Language") === lang &&
          error?.detail
        )
          setRefusal(error.detail);
        else setFailure(failureOf(response, error));
        walkIn.reload();
        setBusy(false);
        return;
      }
      if (data.access_token) setGuestAccess(data.access_token);
      if (data.checkout_url) {
        location.assign(data.checkout_url);
        return;
      }
      setBusy(false);
    } catch {
      setFailure({ kind: "offline" });
      setBusy(false);
    }
  };

  return (
    <section className="card walkin-page">
      <div className="profile-head">
        <Avatar name={d.name} url={d.photo_url} />
        <div>
          <h1>{t("wiTitle")}</h1>
          <p className="muted">
            {fill(t("wiWith"), { name: d.name })} · <Link href={`/doctors/${d.id}`}>{d.specialty}</Link>
          </p>
        </div>
      </div>
      {!w ? (
        walkIn.loaded.state === "failed" ? (
          <ProblemNotice failure={walkIn.loaded.failure} onRetry={walkIn.reload} />
        ) : null
      ) : !w.offered ? (
        <Notice kind="info">{t("wiNotOffered")}</Notice>
      ) : (
        <>
          <WalkInFacts w={w} />
          <p className="hint">{t("wiHow")}</p>
          {w.open ? (
            user && user.role !== "patient" ? (
              <Notice kind="info">{t("wiOnlyPatients")}</Notice>
            ) : (
              <form onSubmit={(e) => void join(e)} noValidate className="walkin-join">
                {guest ? (
                  <>
                    <Field
                      label={t("wiGuestEmail")}
                      id="walkin-email"
                      error={emailError ? t("invalid") : undefined}
                    >
                      <input
                        id="walkin-email"
                        type="email"
                        autoComplete="email"
                        inputMode="email"
                        value={email}
                        aria-invalid={emailError ? true : undefined}
                        aria-describedby={emailError ? "walkin-email-error" : "walkin-email-hint"}
                        onChange={(e) => setEmail(e.target.value)}
                      />
                    </Field>
                    <p className="hint" id="walkin-email-hint">
                      {t("wiGuestHint")} {t("wiHaveAccount")} <Link href={loginHref(here)}>{t("login")}</Link>
                    </p>
                  </>
                ) : (
                  <p>{fill(t("wiJoinAs"), { name: user.email })}</p>
                )}
                {refusal ? <Notice kind="error">{refusal}</Notice> : null}
                {failure ? <ProblemNotice failure={failure} /> : null}
                {busy && !failure && !refusal ? <Notice kind="info">{t("pubPayRedirect")}</Notice> : null}
                <button type="submit" disabled={busy}>
                  {t("wiJoin")} — {formatPrice(w.amount_cents, lang, w.currency)}
                </button>
              </form>
            )
          ) : null}
        </>
      )}
    </section>
  );
}
