// The practice's records in the dashboard: invoices (list and download),
// reviews, and the review of condition texts (shared with the admin page).
import { useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { formatDateTime, formatMoney, useI18n } from "../i18n";
import { DoctorPage, useMyProfile } from "./dashboard";
import { OutcomeNotice, ScrollRegion, Show, useAction, useKept } from "./portalParts";
import { Stars, useLoad } from "./publicParts";

type ConditionSummary = components["schemas"]["ConditionSummary"];
type ReviewState = ConditionSummary["review"]["state"];

export function InvoicesPage() {
  return (
    <DoctorPage current="/doctor/invoices">
      <Invoices />
    </DoctorPage>
  );
}

function Invoices() {
  const { t, lang } = useI18n();
  const [list, retry] = useLoad((signal) => api.GET("/v1/doctor/invoices", { signal }), []);
  return (
    <section className="card">
      <h1>{t("dshInvoices")}</h1>
      <Show loaded={list} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("dshNoInvoices")}</p>
          ) : (
            <ScrollRegion label={t("dshInvoices")}>
              <table className="table" data-testid="invoices">
                <thead>
                  <tr>
                    <th scope="col">{t("dshInvoiceNumber")}</th>
                    <th scope="col">{t("dshIssued")}</th>
                    <th scope="col">{t("amount")}</th>
                    <th scope="col">{t("status")}</th>
                    <th scope="col">
                      <span className="visually-hidden">PDF</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((inv) => (
                    <tr key={inv.id} data-consultation={inv.consultation_id}>
                      <td>{inv.number}</td>
                      <td>{formatDateTime(inv.issued_at, lang)}</td>
                      <td>{formatMoney(inv.amount_cents, inv.currency, lang)}</td>
                      <td>{inv.paid_at ? t("dshPaid") : t("dshUnpaid")}</td>
                      <td>
                        <a href={inv.pdf_url} download>
                          {t("dshDownload")} <span className="visually-hidden">{inv.number}</span>
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )
        }
      </Show>
    </section>
  );
}

export function ReviewsPage() {
  return (
    <DoctorPage current="/doctor/reviews">
      <Reviews />
    </DoctorPage>
  );
}

function Reviews() {
  const { t } = useI18n();
  const [profile, retry] = useMyProfile();
  return (
    <section className="card">
      <h1>{t("dshReviews")}</h1>
      <Show loaded={profile} retry={retry}>
        {(p) => <ReviewList doctorId={p.id} />}
      </Show>
    </section>
  );
}

function ReviewList({ doctorId }: { doctorId: string }) {
  const { t, lang } = useI18n();
  const [reviews, retry] = useLoad(
    (signal) =>
      api.GET("/v1/doctors/{id}/reviews", {
        params: { path: { id: doctorId }, query: { limit: 100 } },
        signal,
      }),
    [doctorId],
  );
  return (
    <Show loaded={reviews} retry={retry}>
      {(r) => (
        <>
          <p>
            <Stars average={r.rating.average} count={r.rating.count} />
          </p>
          {r.items.length === 0 ? (
            <p data-testid="empty">{t("dshNoReviews")}</p>
          ) : (
            <ul className="cards">
              {r.items.map((rv) => (
                <li key={rv.id} className="item-card">
                  <Stars average={rv.rating} count={1} />
                  <p className="prewrap">{rv.text}</p>
                  <p className="muted">
                    {t(`type_${rv.consultation_type}`)} · {formatDateTime(rv.created_at, lang)}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Show>
  );
}

export function ConditionReviewPage() {
  return (
    <DoctorPage current="/doctor/conditions">
      <ConditionReviews as="doctor" />
    </DoctorPage>
  );
}

/**
 * ConditionReviews lists condition texts with their review state: a
 * dermatologist puts one in review or publishes it as reviewed by them; an
 * admin resets one to draft.
 */
export function ConditionReviews({ as: role }: { as: "doctor" | "admin" }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState("");
  const [fresh, retry] = useLoad(
    (signal) => api.GET("/v1/conditions", { params: { query: { lang, q: q || undefined } }, signal }),
    [lang, q],
  );
  const list = useKept(fresh);
  const { busy, outcome, run } = useAction();
  const setState = async (slug: string, state: ReviewState) => {
    const call =
      role === "admin"
        ? () =>
            api.POST("/v1/admin/conditions/{slug}/review", {
              params: { path: { slug } },
              body: { state: "draft" },
            })
        : () =>
            api.POST("/v1/doctor/conditions/{slug}/review", {
              params: { path: { slug } },
              body: { state: state === "published" ? "published" : "in_review" },
            });
    const res = await run(call, t("ptlSaved"));
    if (res?.response.ok) retry();
  };
  return (
    <section className="card" data-testid="condition-review">
      <h1>{t("dshConditions")}</h1>
      <label htmlFor="condition-q">{t("dshConditionSearch")}</label>
      <input id="condition-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      <OutcomeNotice outcome={outcome} />
      <Show loaded={list} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t("dshNoConditions")}</p>
          ) : (
            <ul className="cards">
              {items.map((c) => (
                <li key={c.slug} className="item-card" data-slug={c.slug} data-state={c.review.state}>
                  <span className="item-title">{c.name}</span>{" "}
                  <span className={`badge badge-review-${c.review.state}`}>
                    {t(`dshReview_${c.review.state}`)}
                  </span>
                  <div className="muted">{c.review.label}</div>
                  <div className="actions">
                    {role === "doctor" && c.review.state === "draft" ? (
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy}
                        onClick={() => void setState(c.slug, "in_review")}
                      >
                        {t("dshToReview")}
                      </button>
                    ) : null}
                    {role === "doctor" && c.review.state !== "published" ? (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => void setState(c.slug, "published")}
                      >
                        {t("dshPublish")}
                      </button>
                    ) : null}
                    {role === "admin" && c.review.state !== "draft" ? (
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy}
                        onClick={() => void setState(c.slug, "draft")}
                      >
                        {t("admToDraft")}
                      </button>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
