// The admin pages: moderation of condition comments and the review state
// of condition texts.
import { useState } from "react";
import { api } from "../api/client";
import { Link } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { ConditionReviews } from "./dashboardRecords";
import { OutcomeNotice, RequireLogin, Show, useAction, useKept } from "./portalParts";
import { useLoad } from "./publicParts";

const statuses = ["pending", "approved", "rejected"] as const;
type Status = (typeof statuses)[number];

export function AdminPage() {
  const { t } = useI18n();
  return (
    <RequireLogin roles={["admin"]}>
      {() => (
        <>
          <p>
            <Link href="/admin/contact">{t("ctAdminContactLink")}</Link>
          </p>
          <p>
            <Link href="/admin/access-log">{t("alAdminLink")}</Link>
          </p>
          <p>
            <Link href="/admin/doctors">{t("onbAdminLink")}</Link>
          </p>
          <Moderation />
          <ConditionReviews as="admin" />
        </>
      )}
    </RequireLogin>
  );
}

function Moderation() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<Status>("pending");
  const [fresh, retry] = useLoad(
    (signal) => api.GET("/v1/admin/comments", { params: { query: { status } }, signal }),
    [status],
  );
  const list = useKept(fresh);
  const { busy, outcome, run } = useAction();
  const decide = async (id: string, verdict: "approve" | "reject") => {
    const res = await run(
      () => api.POST(`/v1/admin/comments/{id}/${verdict}`, { params: { path: { id } } }),
      t(verdict === "approve" ? "admApproved" : "admRejected"),
    );
    if (res?.response.ok) retry();
  };
  return (
    <section className="card" data-testid="moderation">
      <h1>{t("admModeration")}</h1>
      <fieldset className="choices">
        <legend>{t("status")}</legend>
        {statuses.map((s) => (
          <label key={s} className="choice">
            <input type="radio" name="comment-status" checked={status === s} onChange={() => setStatus(s)} />{" "}
            {t(`admStatus_${s}`)}
          </label>
        ))}
      </fieldset>
      <OutcomeNotice outcome={outcome} />
      <Show loaded={list} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("admNoComments")}</p>
          ) : (
            <ul className="cards">
              {items.map((c) => (
                <li key={c.id} className="item-card" data-comment={c.id}>
                  <p className="prewrap">{c.body}</p>
                  <p className="muted">
                    {c.slug} · {t(`ptlRole_${c.author_role ?? "patient"}`)} ·{" "}
                    {formatDateTime(c.created_at, lang)}
                  </p>
                  <div className="actions">
                    {c.status !== "approved" ? (
                      <button type="button" disabled={busy} onClick={() => void decide(c.id, "approve")}>
                        {t("admApprove")}
                      </button>
                    ) : null}
                    {c.status !== "rejected" ? (
                      <button
                        type="button"
                        className="danger"
                        disabled={busy}
                        onClick={() => void decide(c.id, "reject")}
                      >
                        {t("admReject")}
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
