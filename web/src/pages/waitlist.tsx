// The waitlist: joining a doctor's waitlist from the profile, the portal's
// list with the place on each list (live: an offer shows up by itself), the
// offer page the offer email links to (accept: booked through the normal
// path, paid at the checkout for video; decline: passed on to the next
// patient) and the dashboard's waitlist lengths per type.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { Field, Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { addDays, dayKey, fill, formatSlot } from "../public";
import { loginHref, navigate } from "../router";
import { useSession } from "../session";
import {
  defaultJoin,
  type JoinValues,
  joinBody,
  joinErrors,
  maxWindowDays,
  offerState,
  type TimeOfDay,
  timeLeft,
  timesOfDay,
  type WaitlistEntry,
  type WaitlistOffer,
  type WaitlistType,
  waitlistProblemKey,
  waitlistTypes,
} from "../waitlist";
import { PortalNav } from "./portal";
import {
  type Outcome,
  OutcomeNotice,
  RequireLogin,
  Show,
  useAction,
  useDoctorZones,
  useKept,
  When,
} from "./portalParts";
import { useLoad } from "./publicParts";
import "../waitlist.css";
import { DateInput } from "../dateInput";

/** useClock is the current time, renewed every second (the offer's countdown). */
function useClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

/**
 * useWaitlistAction is useAction that also keeps the waitlist's own word for
 * a refusal (already on the list, offer closed), found from the problem's
 * type; the other problems are told as everywhere else.
 */
function useWaitlistAction() {
  const action = useAction();
  const [own, setOwn] = useState("");
  const run = async <T extends { response: Response; error?: unknown }>(call: () => Promise<T>) => {
    setOwn("");
    const res = await action.run(call);
    if (res && !res.response.ok) {
      setOwn(waitlistProblemKey(res.response.status, (res.error as { type?: string } | undefined)?.type));
    }
    return res;
  };
  return { busy: action.busy, outcome: action.outcome, own, run };
}

/** WaitlistOutcome tells an action's outcome, in the waitlist's own words where it has them. */
function WaitlistOutcome({ outcome, own }: { outcome: Outcome | undefined; own: string }) {
  const { t } = useI18n();
  if (outcome?.kind === "failed" && own) return <Notice kind="error">{t(own)}</Notice>;
  // A 409 the waitlist has no word for (too many unpaid bookings, a doctor
  // who cannot take payments) is told in the API's words, in the user's language.
  if (outcome?.kind === "failed" && outcome.failure.kind === "conflict" && outcome.failure.detail) {
    return <Notice kind="error">{outcome.failure.detail}</Notice>;
  }
  return <OutcomeNotice outcome={outcome} />;
}

/**
 * WaitlistJoin is the profile's waitlist card: a logged-out reader is asked
 * to log in, a patient sees their place on each of the doctor's waitlists
 * and joins the others (type, dates in the doctor's zone, time of day).
 */
export function WaitlistJoin({
  doctorId,
  zone,
  types,
}: {
  doctorId: string;
  zone: string;
  types: WaitlistType[];
}) {
  const { t } = useI18n();
  const { user } = useSession();
  if (types.length === 0 || user === undefined) return null;
  if (user && user.role !== "patient") return null;
  return (
    <section className="card waitlist-join" aria-labelledby="wl-join-title" data-testid="waitlist-join">
      <h2 id="wl-join-title">{t("wlJoinTitle")}</h2>
      <p>{t("wlJoinIntro")}</p>
      {user ? (
        <JoinForm doctorId={doctorId} zone={zone} types={types} />
      ) : (
        <Link className="button secondary" href={loginHref(location.pathname + location.search)}>
          {t("wlLoginToJoin")}
        </Link>
      )}
    </section>
  );
}

function JoinForm({ doctorId, zone, types }: { doctorId: string; zone: string; types: WaitlistType[] }) {
  const { t } = useI18n();
  const [list, reload] = useLoad((signal) => api.GET("/v1/me/waitlist", { signal }), [doctorId]);
  const kept = useKept(list);
  const today = dayKey(new Date(), zone);
  const mine = kept.state === "ok" ? kept.value.items.filter((e) => e.doctor_id === doctorId) : [];
  const open = types.filter((ty) => !mine.some((e) => e.type === ty));
  const [v, setV] = useState<JoinValues>(() => defaultJoin(open.length ? open : types, today));
  const [shown, setShown] = useState<ReturnType<typeof joinErrors>>({});
  const [joined, setJoined] = useState<WaitlistEntry | undefined>();
  const { busy, outcome, own, run } = useWaitlistAction();
  const type = open.includes(v.type) ? v.type : open[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!type) return;
    const values = { ...v, type };
    const errs = joinErrors(values, today);
    setShown(errs);
    if (Object.keys(errs).length) return;
    setJoined(undefined);
    const res = await run(() => api.POST("/v1/me/waitlist", { body: joinBody(doctorId, values) }));
    if (res?.data) {
      setJoined(res.data);
      reload();
    }
  };
  const set = <K extends keyof JoinValues>(k: K, value: JoinValues[K]) =>
    setV((old) => ({ ...old, [k]: value }));
  const errorOf = (f: "earliest" | "latest") => (shown[f] ? t(shown[f]) : undefined);

  return (
    <Show loaded={kept} retry={reload}>
      {() => (
        <>
          {joined ? <Notice kind="ok">{fill(t("wlJoined"), { n: joined.position })}</Notice> : null}
          {mine.length ? (
            <ul className="list" data-testid="waitlist-mine">
              {mine.map((e) => (
                <li key={e.id}>{fill(t("wlAlreadyOn"), { type: t(`type_${e.type}`), n: e.position })}</li>
              ))}
            </ul>
          ) : null}
          {mine.length ? <Link href="/waitlist">{t("wlToMyList")}</Link> : null}
          {type ? (
            <form onSubmit={(e) => void submit(e)} noValidate data-testid="waitlist-form">
              {open.length > 1 ? (
                <Field label={t("wlType")} id="wl-type">
                  <select
                    id="wl-type"
                    value={type}
                    onChange={(e) => set("type", e.target.value as WaitlistType)}
                  >
                    {open.map((ty) => (
                      <option key={ty} value={ty}>
                        {t(`type_${ty}`)}
                      </option>
                    ))}
                  </select>
                </Field>
              ) : (
                <p>
                  {t("wlType")}: <strong>{t(`type_${type}`)}</strong>
                </p>
              )}
              <div className="wl-dates">
                <Field label={t("wlEarliest")} id="wl-earliest" error={errorOf("earliest")}>
                  <DateInput
                    id="wl-earliest"
                    min={today}
                    max={addDays(today, maxWindowDays)}
                    value={v.earliest}
                    aria-invalid={Boolean(shown.earliest)}
                    aria-describedby={shown.earliest ? "wl-earliest-error" : undefined}
                    onChange={(d) => set("earliest", d)}
                  />
                </Field>
                <Field label={t("wlLatest")} id="wl-latest" error={errorOf("latest")}>
                  <DateInput
                    id="wl-latest"
                    min={today}
                    max={addDays(today, maxWindowDays)}
                    value={v.latest}
                    aria-invalid={Boolean(shown.latest)}
                    aria-describedby={shown.latest ? "wl-latest-error" : undefined}
                    onChange={(d) => set("latest", d)}
                  />
                </Field>
              </div>
              <Field label={t("wlTimeOfDay")} id="wl-time">
                <select
                  id="wl-time"
                  value={v.timeOfDay}
                  onChange={(e) => set("timeOfDay", e.target.value as TimeOfDay)}
                >
                  {timesOfDay.map((tod) => (
                    <option key={tod} value={tod}>
                      {t(`wlTime_${tod}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <WaitlistOutcome outcome={outcome} own={own} />
              <button type="submit" disabled={busy}>
                {t("wlJoin")}
                {open.length > 1 ? null : <span className="visually-hidden"> {t(`type_${type}`)}</span>}
              </button>
            </form>
          ) : null}
        </>
      )}
    </Show>
  );
}

/** WaitlistPage is the portal's list of the patient's waitlists. */
export function WaitlistPage() {
  return (
    <RequireLogin roles={["patient"]}>
      {() => (
        <>
          <PortalNav current="/waitlist" />
          <WaitlistList />
        </>
      )}
    </RequireLogin>
  );
}

function WaitlistList() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/me/waitlist", { signal }), []);
  const kept = useKept(loaded);
  const retryRef = useRef(retry);
  retryRef.current = retry;
  // A slot offered to me shows up without a reload.
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const es = new EventSource("/v1/me/waitlist/events", { withCredentials: true });
    es.addEventListener("waitlist_offer", () => retryRef.current());
    return () => es.close();
  }, []);
  const items = kept.state === "ok" ? kept.value.items : [];
  const zones = useDoctorZones(items.map((e) => e.doctor_id));
  const [left, setLeft] = useState(false);
  return (
    <section className="card">
      <h1>{t("wlTitle")}</h1>
      {left ? <Notice kind="ok">{t("wlLeft")}</Notice> : null}
      <Show loaded={kept} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <>
              <p data-testid="waitlist-empty">{t("wlEmpty")}</p>
              <p className="hint">{t("wlEmptyHint")}</p>
              <Link className="button" href="/doctors">
                {t("ptlFindDoctor")}
              </Link>
            </>
          ) : (
            <>
              <p className="hint">{t("wlLive")}</p>
              <ul className="cards" data-testid="waitlist">
                {items.map((e) => (
                  <EntryCard
                    key={e.id}
                    e={e}
                    zone={zones[e.doctor_id] ?? "Europe/Amsterdam"}
                    onLeft={() => {
                      setLeft(true);
                      retry();
                    }}
                  />
                ))}
              </ul>
            </>
          )
        }
      </Show>
    </section>
  );
}

function EntryCard({ e, zone, onLeft }: { e: WaitlistEntry; zone: string; onLeft: () => void }) {
  const { t, lang } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const { busy, outcome, own, run } = useWaitlistAction();
  const day = (d: string) =>
    new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL", {
      dateStyle: "medium",
      timeZone: "UTC",
    }).format(new Date(`${d}T12:00:00Z`));
  const leave = async () => {
    const res = await run(() => api.DELETE("/v1/me/waitlist/{id}", { params: { path: { id: e.id } } }));
    if (res?.response.ok) onLeft();
  };
  const offerOpen = e.offer && offerState(e.offer, new Date()) === "open";
  return (
    <li className="item-card" data-testid="waitlist-entry" data-entry={e.id}>
      <Link href={`/doctors/${e.doctor_id}`} className="item-title">
        {e.doctor_name}
      </Link>{" "}
      <span className="muted">{t(`type_${e.type}`)}</span>
      <dl className="facts">
        <dt>{t("wlPosition")}</dt>
        <dd data-testid="waitlist-position">{fill(t("wlPositionN"), { n: e.position })}</dd>
        <dt>{t("wlWindow")}</dt>
        <dd>{fill(t("wlWindowText"), { from: day(e.earliest), to: day(e.latest) })}</dd>
        <dt>{t("wlTimeOfDay")}</dt>
        <dd>{t(`wlTime_${e.time_of_day}`)}</dd>
      </dl>
      {offerOpen && e.offer ? (
        <div className="wl-offer" data-testid="waitlist-offer">
          <p>
            <strong>{t("wlOfferOpen")}</strong> <When iso={e.offer.slot_start} zone={zone} />
          </p>
          <p className="hint">
            {fill(t("wlOfferOpenUntil"), { time: formatSlot(e.offer.expires_at, lang, zone) })}
          </p>
          <Link className="button" href={`/waitlist/offers/${e.offer.id}`}>
            {t("wlSeeOffer")}
          </Link>
        </div>
      ) : null}
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-labelledby={`leave-${e.id}`}>
          <p id={`leave-${e.id}`}>{t("wlLeaveConfirm")}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void leave()}>
              {t("wlLeaveYes")}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t("wlLeaveNo")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="secondary small" onClick={() => setConfirming(true)}>
          {t("wlLeave")}
          <span className="visually-hidden">
            {" "}
            {e.doctor_name} {t(`type_${e.type}`)}
          </span>
        </button>
      )}
      <WaitlistOutcome outcome={outcome} own={own} />
    </li>
  );
}

/** WaitlistOfferPage is the page the offer email links to: accept (and pay) or decline. */
export function WaitlistOfferPage({ id }: { id: string }) {
  return <RequireLogin roles={["patient"]}>{() => <Offer id={id} />}</RequireLogin>;
}

function Offer({ id }: { id: string }) {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(
    (signal) => api.GET("/v1/me/waitlist/offers/{id}", { params: { path: { id } }, signal }),
    [id],
  );
  const kept = useKept(loaded);
  return (
    <section className="card narrow" data-testid="waitlist-offer-page">
      <h1>{t("wlOfferTitle")}</h1>
      <Show loaded={kept} retry={reload} notFound={t("wlOfferNotFound")}>
        {(o) => <OfferBody o={o} reload={reload} />}
      </Show>
    </section>
  );
}

function OfferBody({ o, reload }: { o: WaitlistOffer; reload: () => void }) {
  const { t, lang } = useI18n();
  const now = useClock();
  const zones = useDoctorZones([o.doctor_id]);
  const zone = zones[o.doctor_id] ?? "Europe/Amsterdam";
  const [declining, setDeclining] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  const [declined, setDeclined] = useState(false);
  const { busy, outcome, own, run } = useWaitlistAction();
  const state = offerState(o, now);

  const accept = async () => {
    const res = await run(() =>
      api.POST("/v1/me/waitlist/offers/{id}/accept", { params: { path: { id: o.id } } }),
    );
    if (res?.data) {
      if (res.data.checkout_url) {
        setRedirecting(true);
        location.assign(res.data.checkout_url);
        return;
      }
      navigate(`/booking/${encodeURIComponent(res.data.id)}/done`);
      return;
    }
    if (res?.response.status === 409) reload();
  };
  const decline = async () => {
    const res = await run(() =>
      api.POST("/v1/me/waitlist/offers/{id}/decline", { params: { path: { id: o.id } } }),
    );
    setDeclining(false);
    if (res?.response.ok) setDeclined(true);
    if (res?.response.ok || res?.response.status === 409) reload();
  };

  return (
    <div data-state={state} data-testid="offer">
      <p>{fill(t("wlOfferIntro"), { doctor: o.doctor_name })}</p>
      <dl className="facts">
        <dt>{t("wlType")}</dt>
        <dd>{t(`type_${o.type}`)}</dd>
        <dt>{t("wlOfferSlot")}</dt>
        <dd data-testid="offer-slot">
          <When iso={o.slot_start} zone={zone} />
        </dd>
        {state === "open" ? (
          <>
            <dt>{t("wlOfferUntil")}</dt>
            <dd>
              {formatSlot(o.expires_at, lang, zone)}{" "}
              <strong data-testid="offer-left" aria-live="off">
                ({fill(t("wlOfferLeft"), { left: timeLeft(o.expires_at, now) })})
              </strong>
            </dd>
          </>
        ) : null}
      </dl>
      {state === "open" && !redirecting ? (
        declining ? (
          <div className="confirm" role="alertdialog" aria-labelledby="decline-text">
            <p id="decline-text">{t("wlDeclineConfirm")}</p>
            <div className="actions">
              <button type="button" className="danger" disabled={busy} onClick={() => void decline()}>
                {t("wlDeclineYes")}
              </button>
              <button type="button" className="secondary" onClick={() => setDeclining(false)}>
                {t("wlLeaveNo")}
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void accept()}>
              {o.type === "video" ? t("wlAcceptVideo") : t("wlAccept")}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setDeclining(true)}>
              {t("wlDecline")}
            </button>
          </div>
        )
      ) : null}
      {redirecting ? <Notice kind="info">{t("wlRedirecting")}</Notice> : null}
      {state === "expired" ? <Notice kind="info">{t("wlExpired")}</Notice> : null}
      {state === "declined" ? (
        <Notice kind="info">{declined ? t("wlDeclined") : t("wlOfferClosed")}</Notice>
      ) : null}
      {state === "accepted" ? <Notice kind="info">{t("wlAcceptedWaiting")}</Notice> : null}
      {state === "booked" ? (
        <>
          <Notice kind="ok">{t("wlBooked")}</Notice>
          {o.consultation_id ? (
            <Link className="button" href={`/consultations/${o.consultation_id}`}>
              {t("wlToBooking")}
            </Link>
          ) : null}
        </>
      ) : null}
      <WaitlistOutcome outcome={outcome} own={own} />
      {state !== "open" ? (
        <p>
          <Link href="/waitlist">{t("wlToMyList")}</Link>
        </p>
      ) : null}
    </div>
  );
}

/** DoctorWaitlist shows on the dashboard how many patients wait, per type the doctor offers. */
export function DoctorWaitlist() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/waitlist", { signal }), []);
  return (
    <section aria-labelledby="dsh-waitlist" data-testid="doctor-waitlist">
      <h2 id="dsh-waitlist">{t("wlDoctorTitle")}</h2>
      <Show loaded={loaded} retry={retry}>
        {({ types }) => (
          <>
            <p className="hint">{t("wlDoctorIntro")}</p>
            <ul className="list">
              {types
                .filter((l) => (waitlistTypes as string[]).includes(l.type))
                .map((l) => (
                  <li key={l.type} data-type={l.type} data-testid="waitlist-length">
                    {t(`type_${l.type}`)}: <strong>{fill(t("wlDoctorLength"), { n: l.length })}</strong>
                  </li>
                ))}
            </ul>
          </>
        )}
      </Show>
    </section>
  );
}
