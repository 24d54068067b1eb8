// The doctor's dashboard: today's agenda, cancellation requests waiting
// for a decision, the email-advice inbox with SLA countdowns and the new
// bookings; the navigation to the practice's settings and records.
import { useEffect, useState } from "react";
import { api, type DoctorConsultation } from "../api/client";
import { Link } from "../components";
import { useI18n } from "../i18n";
import { countdown, formatCountdown, newBookings, todayOf } from "../portal";
import { formatTime } from "../public";
import { WalkInDesk } from "./dashboardWalkIn";
import { ChecklistCard } from "./onboarding";
import { PayoutBanner } from "./payoutBanner";
import { RequireLogin, Show, When } from "./portalParts";
import { Loading, useLoad } from "./publicParts";
import { DoctorWaitlist } from "./waitlist";

/** useNow is the current time, renewed every `every` ms (for countdowns). */
export function useNow(every = 30000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), every);
    return () => clearInterval(id);
  }, [every]);
  return now;
}

/** useMyProfile loads the doctor's own profile (zone, id, fees). */
export function useMyProfile() {
  return useLoad((signal) => api.GET("/v1/doctor/profile", { signal }), []);
}

const sections: [string, string][] = [
  ["/doctor", "dshOverview"],
  ["/doctor/availability", "dshAvailability"],
  ["/doctor/fees", "dshFees"],
  ["/doctor/payouts", "payTitle"],
  ["/doctor/profile", "dshProfile"],
  ["/doctor/patients", "recPatients"],
  ["/doctor/messages", "msgTitle"],
  ["/doctor/invoices", "dshInvoices"],
  ["/doctor/reviews", "dshReviews"],
  ["/doctor/conditions", "dshConditions"],
  ["/doctor/questionnaires", "qnrTitle"],
  ["/doctor/widgets", "wdgTitle"],
  ["/doctor/guide", "onbGuideLink"],
];

/** DashboardNav links the parts of the dashboard. */
export function DashboardNav({ current }: { current: string }) {
  const { t } = useI18n();
  return (
    <nav className="subnav" aria-label={t("doctorDashboard")}>
      {sections.map(([href, key]) => (
        <Link key={href} href={href} aria-current={href === current ? "page" : undefined}>
          {t(key)}
        </Link>
      ))}
    </nav>
  );
}

/** DoctorPage is a dashboard page: the doctor's login, the navigation, the page. */
export function DoctorPage({ current, children }: { current: string; children: React.ReactNode }) {
  return (
    <RequireLogin roles={["doctor"]}>
      {() => (
        <>
          <DashboardNav current={current} />
          {children}
        </>
      )}
    </RequireLogin>
  );
}

export function DoctorHomePage() {
  return (
    <DoctorPage current="/doctor">
      <DoctorHome />
    </DoctorPage>
  );
}

function DoctorHome() {
  const { t, lang } = useI18n();
  const now = useNow();
  const [profile] = useMyProfile();
  const [list, retry] = useLoad((signal) => api.GET("/v1/doctor/consultations", { signal }), []);
  if (profile.state === "loading") return <Loading />;
  const zone = profile.state === "ok" ? profile.value.time_zone : "Europe/Amsterdam";
  return (
    <section className="card">
      <h1>{t("doctorDashboard")}</h1>
      <ChecklistCard />
      <PayoutBanner />
      <WalkInDesk zone={zone} />
      <DoctorWaitlist />
      <Show loaded={list} retry={retry}>
        {({ items }) => {
          const today = todayOf(items, now, zone);
          const requests = items.filter((c) => c.status === "cancellation_requested");
          const inbox = items
            .filter((c) => c.type === "email_advice" && c.status === "awaiting_advice")
            .sort((a, b) => (a.due_at ?? "").localeCompare(b.due_at ?? ""));
          const fresh = newBookings(items, now);
          return (
            <>
              <h2>{t("dshToday")}</h2>
              {today.length ? (
                <ul className="cards" data-testid="agenda">
                  {today.map((c) => (
                    <Row key={c.id} c={c}>
                      <strong>{formatTime(c.starts_at ?? "", lang, zone)}</strong>
                    </Row>
                  ))}
                </ul>
              ) : (
                <p>{t("dshNothingToday")}</p>
              )}
              {requests.length ? (
                <>
                  <h2>{t("dshCancelRequests")}</h2>
                  <ul className="cards" data-testid="cancel-requests">
                    {requests.map((c) => (
                      <Row key={c.id} c={c}>
                        {c.starts_at ? <When iso={c.starts_at} zone={zone} /> : null}
                      </Row>
                    ))}
                  </ul>
                </>
              ) : null}
              <h2>{t("dshInbox")}</h2>
              {inbox.length ? (
                <ul className="cards" data-testid="inbox">
                  {inbox.map((c) => (
                    <Row key={c.id} c={c}>
                      {c.due_at ? <Sla due={c.due_at} now={now} /> : null}
                    </Row>
                  ))}
                </ul>
              ) : (
                <p>{t("dshInboxEmpty")}</p>
              )}
              <h2>{t("dshNewBookings")}</h2>
              {fresh.length ? (
                <ul className="cards" data-testid="new-bookings">
                  {fresh.map((c) => (
                    <Row key={c.id} c={c}>
                      {c.starts_at ? <When iso={c.starts_at} zone={zone} /> : null}
                    </Row>
                  ))}
                </ul>
              ) : (
                <p>{t("dshNoNewBookings")}</p>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** Row is one consultation in a dashboard list: patient, type and form, status. */
function Row({ c, children }: { c: DoctorConsultation; children?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <li className="item-card">
      {children ? <div>{children}</div> : null}
      <Link href={`/doctor/consultations/${c.id}`} className="item-title">
        {c.patient_name}
        {c.guest ? ` (${t("guest")})` : ""}
      </Link>{" "}
      <span className={`badge badge-${c.status}`}>{t(`status_${c.status}`)}</span>
      <div className="muted">
        {t(`type_${c.type}`)}
        {c.form ? ` · ${t(`dshForm_${c.form}`)}` : ""}
      </div>
    </li>
  );
}

/** Sla shows the time left to answer, or how late the answer is. */
export function Sla({ due, now }: { due: string; now: Date }) {
  const { t } = useI18n();
  const cd = countdown(due, now);
  const text = formatCountdown(cd, { d: t("dshUnitD"), h: t("dshUnitH"), min: t("dshUnitMin") });
  return (
    <span className={`sla sla-${cd.urgency}`} data-testid="sla">
      {cd.overdue ? `${t("dshSlaLate")} ${text}` : `${t("dshSlaLeft")} ${text}`}
    </span>
  );
}
