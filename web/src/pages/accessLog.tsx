// The NEN 7513 access views: who accessed a patient's data, for the patient
// (portal), for a doctor who treats them, for an admin; and the admin's
// search over the whole audit log.
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link } from "../components";
import { DateInput } from "../dateInput";
import { formatDateTime, useI18n } from "../i18n";
import { DoctorPage } from "./dashboard";
import { PortalNav } from "./portal";
import { RequireLogin, ScrollRegion, Show } from "./portalParts";
import { type Loaded, useLoad } from "./publicParts";

type AccessLine = components["schemas"]["AccessLine"];
type AccessActor = components["schemas"]["AccessActor"];
type AuditRecord = components["schemas"]["AuditRecord"];
type Period = { from: string; to: string };
type ViewResult = { data?: { items: AccessLine[] }; error?: unknown; response: Response };

const noPeriod: Period = { from: "", to: "" };

/** auditPage is how many rows the API returns per search page. */
const auditPage = 200;

/** query is the period as the API's query parameters (blank ones left out). */
export function periodQuery(p: Period): { from?: string; to?: string } {
  return { from: p.from || undefined, to: p.to || undefined };
}

/** The patient's own view (portal). */
export function AccessLogPage() {
  return (
    <RequireLogin>
      {(user) => (
        <>
          {user.role === "patient" ? <PortalNav current="/account/access-log" /> : null}
          <AccessView
            me={user.id}
            title="ptlAccessLog"
            hint="ptlAccessLogHint"
            load={(period, signal) =>
              api.GET("/v1/me/access-log", { params: { query: periodQuery(period) }, signal })
            }
          />
        </>
      )}
    </RequireLogin>
  );
}

/** A treating doctor's view of one patient. */
export function DoctorPatientAccessLogPage({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <DoctorPage current="/doctor/patients">
      <p>
        <Link href={`/doctor/patients/${encodeURIComponent(id)}`}>{t("alBackToRecord")}</Link>
      </p>
      <AccessView
        me=""
        title="alPatientTitle"
        hint="alPatientHint"
        load={(period, signal) =>
          api.GET("/v1/doctor/patients/{patientId}/access-log", {
            params: { path: { patientId: id }, query: periodQuery(period) },
            signal,
          })
        }
      />
    </DoctorPage>
  );
}

/** An admin's view of one patient. */
export function AdminPatientAccessLogPage({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <RequireLogin roles={["admin"]}>
      {() => (
        <>
          <p>
            <Link href="/admin/access-log">{t("alSearchTitle")}</Link>
          </p>
          <AccessView
            me=""
            title="alPatientTitle"
            hint="alAdminPatientHint"
            load={(period, signal) =>
              api.GET("/v1/admin/patients/{patientId}/access-log", {
                params: { path: { patientId: id }, query: periodQuery(period) },
                signal,
              })
            }
          />
        </>
      )}
    </RequireLogin>
  );
}

function AccessView({
  me,
  title,
  hint,
  load,
}: {
  me: string;
  title: string;
  hint: string;
  load: (period: Period, signal: AbortSignal) => Promise<ViewResult>;
}) {
  const { t, lang } = useI18n();
  const [period, setPeriod] = useState<Period>(noPeriod);
  const [log, retry] = useLoad((signal) => load(period, signal), [period.from, period.to]);
  const label = useLabel();
  return (
    <section className="card">
      <h1>{t(title)}</h1>
      <p className="hint">{t(hint)}</p>
      <PeriodForm value={period} onChange={setPeriod} />
      <Show loaded={log} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("ptlNoAccess")}</p>
          ) : (
            <ScrollRegion label={t(title)}>
              <table className="table" data-testid="access-log">
                <thead>
                  <tr>
                    <th scope="col">{t("ptlWhen")}</th>
                    <th scope="col">{t("ptlWho")}</th>
                    <th scope="col">{t("ptlWhat")}</th>
                    <th scope="col">{t("ptlResult")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr
                      key={`${e.day}-${e.actor.id}-${e.actor.role}-${e.object_type}-${e.object_id}-${e.action}-${e.outcome}`}
                      data-testid="access-line"
                    >
                      <td>
                        {formatDateTime(e.at, lang)}
                        {e.count > 1 ? (
                          <>
                            <br />
                            <span className="hint" data-testid="access-count">
                              {t("alTimes").replace("{count}", String(e.count))}
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td>
                        <Who actor={e.actor} me={me} />
                        {e.on_behalf_of ? (
                          <>
                            <br />
                            <span className="hint">
                              {t("alOnBehalfOf")}{" "}
                              {e.on_behalf_of.name ?? label("ptlRole_", e.on_behalf_of.role)}
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td>
                        {label("ptlAction_", e.action)} · {label("ptlObject_", e.object_type)}
                      </td>
                      <td>{e.outcome < 400 ? t("ptlAllowed") : t("ptlRefused")}</td>
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

/** useLabel translates a code with a key prefix, falling back to the code. */
function useLabel() {
  const { t } = useI18n();
  return (prefix: string, v: string) => {
    const k = `${prefix}${v}`;
    const s = t(k);
    return s === k ? v : s;
  };
}

function Who({ actor, me }: { actor: AccessActor; me: string }) {
  const { t } = useI18n();
  const label = useLabel();
  if (me && actor.id === me) return <>{t("ptlYou")}</>;
  return (
    <>
      {actor.name ? <strong>{actor.name}</strong> : null}
      {actor.name ? " · " : null}
      {label("ptlRole_", actor.role)}
      <br />
      <span className="hint">{actor.organisation}</span>
    </>
  );
}

function PeriodForm({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    onChange({ from, to });
  };
  return (
    <form className="period" onSubmit={submit} data-testid="access-period">
      <Field label={t("alFrom")} id="access-from">
        <DateInput id="access-from" value={from} onChange={setFrom} />
      </Field>
      <Field label={t("alTo")} id="access-to">
        <DateInput id="access-to" value={to} onChange={setTo} />
      </Field>
      <button type="submit">{t("alShow")}</button>
    </form>
  );
}

/** The admin's search over the whole log. */
export function AdminAccessSearchPage() {
  return <RequireLogin roles={["admin"]}>{() => <AuditSearch />}</RequireLogin>;
}

type Filters = Period & { actor: string; patient: string; action: string; offset: number };

function AuditSearch() {
  const { t } = useI18n();
  const label = useLabel();
  const [draft, setDraft] = useState<Filters>({ ...noPeriod, actor: "", patient: "", action: "", offset: 0 });
  const [filters, setFilters] = useState<Filters | null>(null);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setFilters({ ...draft, offset: 0 });
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  return (
    <section className="card">
      <h1>{t("alSearchTitle")}</h1>
      <p className="hint">{t("alSearchHint")}</p>
      <form onSubmit={submit} data-testid="audit-search">
        <Field label={t("alActor")} id="audit-actor">
          <input id="audit-actor" value={draft.actor} onChange={set("actor")} maxLength={254} />
        </Field>
        <Field label={t("alPatient")} id="audit-patient">
          <input id="audit-patient" value={draft.patient} onChange={set("patient")} maxLength={254} />
        </Field>
        <Field label={t("alAction")} id="audit-action">
          <select id="audit-action" value={draft.action} onChange={set("action")}>
            <option value="">{t("alAnyAction")}</option>
            {(["create", "read", "update", "delete", "export", "search"] as const).map((a) => (
              <option key={a} value={a}>
                {label("ptlAction_", a)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("alFrom")} id="audit-from">
          <DateInput
            id="audit-from"
            value={draft.from}
            onChange={(v) => set("from")({ target: { value: v } })}
          />
        </Field>
        <Field label={t("alTo")} id="audit-to">
          <DateInput id="audit-to" value={draft.to} onChange={(v) => set("to")({ target: { value: v } })} />
        </Field>
        <button type="submit">{t("alSearch")}</button>
      </form>
      {filters ? (
        <AuditResults filters={filters} onPage={(offset) => setFilters({ ...filters, offset })} />
      ) : null}
    </section>
  );
}

function AuditResults({ filters, onPage }: { filters: Filters; onPage: (offset: number) => void }) {
  const { t, lang } = useI18n();
  const label = useLabel();
  const [res, retry] = useLoad(
    (signal) =>
      api.GET("/v1/admin/access-log", {
        params: {
          query: {
            ...periodQuery(filters),
            actor: filters.actor.trim() || undefined,
            patient: filters.patient.trim() || undefined,
            action: (filters.action || undefined) as AuditRecord["action"] | undefined,
            offset: filters.offset || undefined,
          },
        },
        signal,
      }),
    [JSON.stringify(filters)],
  );
  return (
    <Show loaded={res as Loaded<{ items: AuditRecord[]; more: boolean }>} retry={retry}>
      {({ items, more }) =>
        items.length === 0 ? (
          <p data-testid="empty">{t("alNoResults")}</p>
        ) : (
          <>
            <ScrollRegion label={t("alSearchTitle")}>
              <table className="table" data-testid="audit-results">
                <thead>
                  <tr>
                    <th scope="col">{t("ptlWhen")}</th>
                    <th scope="col">{t("ptlWho")}</th>
                    <th scope="col">{t("ptlWhat")}</th>
                    <th scope="col">{t("alPatient")}</th>
                    <th scope="col">{t("ptlResult")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id} data-testid="audit-row">
                      <td>{formatDateTime(r.at, lang)}</td>
                      <td>
                        <Who actor={r.actor} me="" />
                      </td>
                      <td>
                        {label("ptlAction_", r.action)} · {label("ptlObject_", r.object_type)}
                      </td>
                      <td>
                        {r.patient_id ? (
                          <Link href={`/admin/patients/${encodeURIComponent(r.patient_id)}/access-log`}>
                            {t("alPatientView")}
                          </Link>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td>{r.outcome < 400 ? t("ptlAllowed") : t("ptlRefused")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            <p className="actions">
              {filters.offset > 0 ? (
                <button type="button" onClick={() => onPage(Math.max(0, filters.offset - auditPage))}>
                  {t("alPrevious")}
                </button>
              ) : null}
              {more ? (
                <button type="button" onClick={() => onPage(filters.offset + items.length)}>
                  {t("alNext")}
                </button>
              ) : null}
            </p>
          </>
        )
      }
    </Show>
  );
}
