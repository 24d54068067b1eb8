// The patient portal: my consultations (upcoming and past), the
// cancellation with the refund shown before confirming, documents behind
// the PIN and the favourite toggle.
import { type FormEvent, useState } from "react";
import { api, type Consultation } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { formatDateTime, formatMoney, useI18n } from "../i18n";
import { splitConsultations } from "../portal";
import { fill } from "../public";
import { useSession } from "../session";
import {
  OutcomeNotice,
  PinGate,
  pinRefusal,
  RequireLogin,
  Show,
  useAction,
  useDoctorZones,
  When,
} from "./portalParts";
import { useLoad } from "./publicParts";
import { QuestionnairesToFill } from "./questionnaireToFill";

type Quote = components["schemas"]["CancellationQuote"];
type DocList = {
  items: { id: string; kind: string; created_at: string; url: string }[];
  pin?: string;
};

/** PortalNav links the parts of the portal. */
export function PortalNav({ current }: { current: string }) {
  const { t } = useI18n();
  const links: [string, string][] = [
    ["/consultations", "myConsultations"],
    ["/waitlist", "wlTitle"],
    ["/record", "recMyTitle"],
    ["/messages", "msgTitle"],
    ["/account/favourites", "ptlFavourites"],
    ["/account/access-log", "ptlAccessLog"],
    ["/account", "ptlAccount"],
  ];
  return (
    <nav className="subnav" aria-label={t("ptlPortal")}>
      {links.map(([href, key]) => (
        <Link key={href} href={href} aria-current={href === current ? "page" : undefined}>
          {t(key)}
        </Link>
      ))}
    </nav>
  );
}

export function PortalPage() {
  return (
    <RequireLogin roles={["patient"]}>
      {() => (
        <>
          <PortalNav current="/consultations" />
          <QuestionnairesToFill />
          <ConsultationList />
        </>
      )}
    </RequireLogin>
  );
}

function ConsultationList() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/consultations", { signal }), []);
  const items = loaded.state === "ok" ? loaded.value.items : [];
  const zones = useDoctorZones(items.map((c) => c.doctor_id));
  return (
    <section className="card">
      <h1>{t("myConsultations")}</h1>
      <Show loaded={loaded} retry={retry}>
        {({ items }) => {
          if (items.length === 0) {
            return (
              <>
                <p data-testid="empty">{t("noConsultations")}</p>
                <Link className="button" href="/doctors">
                  {t("ptlFindDoctor")}
                </Link>
              </>
            );
          }
          const { upcoming, past } = splitConsultations(items, new Date());
          return (
            <>
              <h2>{t("ptlUpcoming")}</h2>
              {upcoming.length ? (
                <ConsultationCards items={upcoming} zones={zones} testId="upcoming" />
              ) : (
                <p>{t("ptlNoUpcoming")}</p>
              )}
              <h2>{t("ptlPast")}</h2>
              {past.length ? (
                <ConsultationCards items={past} zones={zones} testId="past" />
              ) : (
                <p>{t("ptlNoPast")}</p>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function ConsultationCards({
  items,
  zones,
  testId,
}: {
  items: Consultation[];
  zones: Record<string, string>;
  testId: string;
}) {
  const { t, lang } = useI18n();
  return (
    <ul className="cards" data-testid={testId}>
      {items.map((c) => (
        <li key={c.id} className="item-card">
          <Link href={`/consultations/${c.id}`} className="item-title">
            {t(`type_${c.type}`)}
          </Link>{" "}
          <span className={`badge badge-${c.status}`}>{t(`status_${c.status}`)}</span>
          <div>{c.doctor_name}</div>
          <div className="muted">
            {c.starts_at ? (
              <When iso={c.starts_at} zone={zones[c.doctor_id] ?? "Europe/Amsterdam"} />
            ) : (
              fill(t("ptlBookedOn"), { date: formatDateTime(c.created_at, lang, zones[c.doctor_id]) })
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

const cancelReasons = ["schedule_conflict", "feeling_better", "other_care", "other"] as const;
type CancelReason = (typeof cancelReasons)[number];

/** refundText says what a cancellation request made now gives back, from the API's quote. */
function refundText(t: (k: string) => string, q: Quote, lang: "nl" | "en"): string {
  const money = (n: number) => formatMoney(n, q.currency, lang);
  if (q.paid_cents === 0) return t("ptlRefundNothingPaid");
  if (q.refund_cents > 0) {
    return fill(t("ptlRefundAmount"), {
      refund: money(q.refund_cents),
      paid: money(q.paid_cents),
      fee: money(q.admin_fee_cents),
    });
  }
  return fill(t("ptlRefundNone"), {
    deadline: q.refund_deadline ? formatDateTime(q.refund_deadline, lang) : "",
  });
}

/**
 * CancelPanel asks the API what a request made now would give back, shows
 * it, and only then lets the patient confirm the request.
 */
export function CancelPanel({ c, onDone }: { c: Consultation; onDone: (from: string) => void }) {
  const { t, lang } = useI18n();
  const [quote, retry] = useLoad(
    (signal) => api.GET("/v1/consultations/{id}/cancellation", { params: { path: { id: c.id } }, signal }),
    [c.id, c.status],
  );
  const [reason, setReason] = useState<CancelReason>("schedule_conflict");
  const [confirming, setConfirming] = useState(false);
  const [fixed, setFixed] = useState<number | undefined>();
  const { busy, outcome, run } = useAction();
  if (c.status === "cancellation_requested" || fixed !== undefined) {
    return (
      <section className="cancel" data-testid="cancel-pending">
        <h2>{t("cancelTitle")}</h2>
        <Notice kind="info">
          {fixed !== undefined
            ? fill(t("ptlCancelSentRefund"), { refund: formatMoney(fixed, c.currency, lang) })
            : t("cancelRequested")}
        </Notice>
      </section>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/v1/consultations/{id}/cancellation", { params: { path: { id: c.id } }, body: { reason } }),
    );
    if (res?.data) {
      setFixed(res.data.cancellation_refund_cents ?? 0);
      setConfirming(false);
      onDone(c.status);
    }
  };
  return (
    <section className="cancel" aria-labelledby="cancel-title">
      <h2 id="cancel-title">{t("cancelTitle")}</h2>
      <Show loaded={quote} retry={retry}>
        {(q) =>
          !q.allowed ? (
            <p>{q.requests_left === 0 ? t("ptlCancelNoMore") : t("ptlCancelNotNow")}</p>
          ) : (
            <form onSubmit={(e) => void submit(e)}>
              <Field label={t("cancelReason")} id="cancel-reason">
                <select
                  id="cancel-reason"
                  value={reason}
                  onChange={(e) => setReason(e.target.value as CancelReason)}
                >
                  {cancelReasons.map((r) => (
                    <option key={r} value={r}>
                      {t(`reason_${r}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {confirming ? (
                <div className="confirm" role="alertdialog" aria-labelledby="refund-text">
                  <p id="refund-text" data-testid="refund">
                    {refundText(t, q, lang)}
                  </p>
                  {q.requests_left === 1 ? <p className="hint">{t("ptlCancelLastRequest")}</p> : null}
                  <p className="hint">{t("ptlCancelDoctorDecides")}</p>
                  <div className="actions">
                    <button type="submit" className="danger" disabled={busy}>
                      {t("ptlCancelConfirm")}
                    </button>
                    <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                      {t("ptlCancelKeep")}
                    </button>
                  </div>
                </div>
              ) : (
                <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                  {t("cancelRequest")}
                </button>
              )}
              <OutcomeNotice outcome={outcome} />
            </form>
          )
        }
      </Show>
    </section>
  );
}

/** withAccess adds a guest's access token to a document link of the API. */
function withAccess(url: string, access: string): string {
  if (!access || url.includes("access=")) return url;
  return `${url}${url.includes("?") ? "&" : "?"}access=${encodeURIComponent(access)}`;
}

/** Documents lists prescriptions, the invoice and credit notes, behind the PIN. */
export function Documents({ id, access }: { id: string; access: string }) {
  const { t, lang } = useI18n();
  const [docs, retry] = useLoad(
    async (signal) => {
      const res = await api.GET("/v1/consultations/{id}/documents", { params: { path: { id } }, signal });
      const pin = pinRefusal(res);
      const data: DocList | undefined = pin ? { items: [], pin } : res.data;
      return { data, error: res.error, response: res.response };
    },
    [id],
  );
  return (
    <section aria-labelledby="documents-title" data-testid="documents">
      <h2 id="documents-title">{t("documents")}</h2>
      <Show loaded={docs} retry={retry}>
        {(v) =>
          v.pin ? (
            <PinGate slug={v.pin} onUnlocked={retry} />
          ) : v.items.length === 0 ? (
            <p>{t("noDocuments")}</p>
          ) : (
            <ul className="list">
              {v.items.map((d) => (
                <li key={d.id}>
                  <a href={withAccess(d.url, access)} download data-kind={d.kind}>
                    {t(`ptlDoc_${d.kind}`)} — {formatDateTime(d.created_at, lang)}
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

/** FavouriteToggle saves or removes the doctor among the patient's favourites. */
export function FavouriteToggle({ doctorId }: { doctorId: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [favs, retry] = useLoad((signal) => api.GET("/v1/me/favourites", { signal }), [doctorId]);
  const { busy, outcome, run } = useAction();
  if (user?.role !== "patient" || favs.state !== "ok") return null;
  const on = favs.value.items.some((d) => d.id === doctorId);
  const toggle = async () => {
    const params = { params: { path: { doctorId } } };
    const res = await run(() =>
      on
        ? api.DELETE("/v1/me/favourites/{doctorId}", params)
        : api.PUT("/v1/me/favourites/{doctorId}", params),
    );
    if (res?.response.ok) retry();
  };
  return (
    <>
      <button
        type="button"
        className="link fav"
        aria-pressed={on}
        disabled={busy}
        onClick={() => void toggle()}
      >
        {on ? `★ ${t("ptlFavouriteOn")}` : `☆ ${t("ptlFavouriteAdd")}`}
      </button>
      <OutcomeNotice outcome={outcome} />
    </>
  );
}
