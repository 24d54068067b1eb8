// The widgets a practice embeds on its own website (in a frame whose
// origin is Derma2Go's): the booking widget (types with fees, the next free
// times) and the walk-in widget (open or closed, queue, wait). Choosing
// continues on Derma2Go's own pages in a new window, where login and
// payment happen first-party: a framed page on another site gets no
// SameSite session cookie, and a payment page must show its own address.
import { type ReactNode, useEffect } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { type ConsultationType, fill, formatPrice, formatSlot, hasSlots } from "../public";
import { bookingHref, heightMessage, parentOrigin, walkInHref } from "../widgets";
import "../walkin.css";
import "../widgets.css";
import { Loading, ProblemNotice, useLoad } from "./publicParts";
import { useWalkIn, WalkInFacts } from "./walkIn";

/** slotsShown is how many of the next free times a type shows. */
const slotsShown = 4;
/** slotsAhead is how far ahead the widget looks for free times. */
const slotsAheadMs = 14 * 24 * 3600 * 1000;

const bookable: ConsultationType[] = ["video", "in_person", "email_advice"];

/** useHeightReport tells the embedding page (the loader's ?parent=) the widget's height. */
function useHeightReport() {
  useEffect(() => {
    const target = parentOrigin(new URLSearchParams(location.search).get("parent"), window.parent !== window);
    if (!target) return;
    const send = () =>
      window.parent.postMessage(
        { type: heightMessage, height: document.documentElement.getBoundingClientRect().height },
        target,
      );
    const ro = new ResizeObserver(send);
    ro.observe(document.body);
    send();
    return () => ro.disconnect();
  }, []);
}

/** Out is a link that continues on Derma2Go in a new window. */
function Out({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <a href={href} target="_blank" rel="noopener" className={className}>
      {children}
      <span className="visually-hidden"> {t("wdgNewWindow")}</span>
    </a>
  );
}

function Frame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  useHeightReport();
  return (
    <section className="widget card" aria-labelledby="widget-title">
      <h1 id="widget-title">{title}</h1>
      {children}
      <p className="widget-foot">
        <Out href="/">{t("wdgPowered")}</Out>
      </p>
    </section>
  );
}

/** BookingWidgetPage is the booking widget of one doctor. */
export function BookingWidgetPage({ doctorId }: { doctorId: string }) {
  const { t, lang } = useI18n();
  const [doctor, reload] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal }),
    [doctorId],
  );
  if (doctor.state === "loading") return <Loading />;
  if (doctor.state === "failed")
    return <ProblemNotice failure={doctor.failure} notFound={t("pubDoctorNotFound")} onRetry={reload} />;
  const d = doctor.value;
  const fees = bookable.flatMap((type) => d.fees.filter((f) => f.type === type));
  return (
    <Frame title={fill(t("wdgBookTitle"), { name: d.name })}>
      {fees.length === 0 ? <p>{t("wdgNothing")}</p> : <p className="hint">{t("wdgContinues")}</p>}
      <ul className="widget-types">
        {fees.map((f) => (
          <li key={f.type} className="widget-type" data-testid={`widget-type-${f.type}`}>
            <h2>{t(`type_${f.type}`)}</h2>
            <p className="widget-fee">
              <span data-testid="widget-fee">{formatPrice(f.amount_cents, lang, f.currency)}</span>
              {hasSlots(f.type) ? ` · ${fill(t("wdgDuration"), { n: f.duration_minutes })}` : ""}
            </p>
            {hasSlots(f.type) ? (
              <NextSlots doctorId={d.id} type={f.type} zone={d.time_zone} />
            ) : (
              <p>
                <Out className="button" href={bookingHref(d.id, f.type, lang)}>
                  {t("wdgAskAdvice")}
                </Out>
              </p>
            )}
          </li>
        ))}
      </ul>
    </Frame>
  );
}

function NextSlots({
  doctorId,
  type,
  zone,
}: {
  doctorId: string;
  type: "video" | "in_person";
  zone: string;
}) {
  const { t, lang } = useI18n();
  const [slots] = useLoad(
    (signal) => {
      const from = new Date();
      const to = new Date(from.getTime() + slotsAheadMs);
      return api.GET("/v1/doctors/{id}/slots", {
        params: { path: { id: doctorId }, query: { type, from: from.toISOString(), to: to.toISOString() } },
        signal,
      });
    },
    [doctorId, type],
  );
  if (slots.state === "loading") return <Loading />;
  if (slots.state === "failed") return <ProblemNotice failure={slots.failure} notFound={t("wdgNoSlots")} />;
  const items = slots.value.items.slice(0, slotsShown);
  return (
    <>
      <h3 className="visually-hidden">{t("wdgNextSlots")}</h3>
      {items.length === 0 ? (
        <p>{t("wdgNoSlots")}</p>
      ) : (
        <ul className="widget-slots" data-testid={`widget-slots-${type}`}>
          {items.map((s) => (
            <li key={s.start}>
              <Out className="slot" href={bookingHref(doctorId, type, lang, s.start)}>
                {formatSlot(s.start, lang, zone)}
              </Out>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Out href={bookingHref(doctorId, type, lang)}>{t("wdgMoreTimes")}</Out>
      </p>
    </>
  );
}

/** WalkInWidgetPage is the walk-in widget of one doctor. */
export function WalkInWidgetPage({ doctorId }: { doctorId: string }) {
  const { t, lang } = useI18n();
  const [doctor, reload] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}", { params: { path: { id: doctorId } }, signal }),
    [doctorId],
  );
  const walkIn = useWalkIn(doctorId);
  if (doctor.state === "loading" || (!walkIn.value && walkIn.loaded.state === "loading")) return <Loading />;
  if (doctor.state === "failed")
    return <ProblemNotice failure={doctor.failure} notFound={t("pubDoctorNotFound")} onRetry={reload} />;
  const w = walkIn.value;
  return (
    <Frame title={fill(t("wdgWalkInTitle"), { name: doctor.value.name })}>
      {!w?.offered ? (
        <p data-testid="walkin-state" data-open="no">
          {t("wdgNoWalkIn")}
        </p>
      ) : (
        <>
          <WalkInFacts w={w} />
          {w.open ? (
            <p>
              <Out className="button" href={walkInHref(doctorId, lang)}>
                {t("wdgJoin")}
              </Out>
            </p>
          ) : null}
        </>
      )}
    </Frame>
  );
}
