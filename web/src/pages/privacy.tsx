// The patient's data rights (GDPR art. 15, 17 and 20) at /account/privacy:
// download the export, the privacy statement consented to, and the erasure
// (what goes, what stays and until when, then password and code).
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { exportFileName, formatDay, refusalKey } from "../dataRights";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import { useSession } from "../session";
import { PortalNav } from "./portal";
import { OutcomeNotice, PinGate, pinRefusal, RequireLogin, Show, useAction } from "./portalParts";
import { useLoad } from "./publicParts";
import { CodeField } from "./secondFactor";

type Plan = components["schemas"]["ErasurePlan"];
type Answer = { response: Response; error?: unknown };

/** refusalOf is the text key of a refused answer, "" when there is none of our own. */
function refusalOf(res: Answer): string {
  return refusalKey(res.response.status, (res.error as { type?: string } | undefined)?.type);
}

export function PrivacyPage() {
  const [erased, setErased] = useState<{ until: string | null } | null>(null);
  if (erased) return <Erased until={erased.until} />;
  return (
    <RequireLogin roles={["patient"]}>
      {() => <PrivacyParts onErased={(until) => setErased({ until })} />}
    </RequireLogin>
  );
}

function PrivacyParts({ onErased }: { onErased: (until: string | null) => void }) {
  const { t } = useI18n();
  const [plan, reload] = useLoad((signal) => api.GET("/v1/me/erasure", { signal }), []);
  return (
    <>
      <PortalNav current="/account" />
      <section className="card">
        <h1>{t("gdprTitle")}</h1>
        <p className="hint">{t("gdprIntro")}</p>
        <Show loaded={plan} retry={reload}>
          {(p) => (
            <>
              <Consent plan={p} />
              <ExportPart twoFactor={p.two_factor} />
              <ErasurePart plan={p} onErased={onErased} />
            </>
          )}
        </Show>
      </section>
    </>
  );
}

function Consent({ plan }: { plan: Plan }) {
  const { t, lang } = useI18n();
  return (
    <>
      <h2>{t("gdprConsentTitle")}</h2>
      <p data-testid="consent">
        {plan.privacy_version && plan.privacy_accepted_at
          ? fill(t("gdprConsent"), {
              version: plan.privacy_version,
              date: formatDateTime(plan.privacy_accepted_at, lang),
            })
          : t("gdprConsentUnknown")}
      </p>
    </>
  );
}

function Refusal({ textKey }: { textKey: string }) {
  const { t } = useI18n();
  if (!textKey) return null;
  return (
    <div data-testid="refusal">
      <Notice kind="error">{t(textKey)}</Notice>
    </div>
  );
}

function ExportPart({ twoFactor }: { twoFactor: boolean }) {
  const { t } = useI18n();
  const [code, setCode] = useState("");
  const [pinSlug, setPinSlug] = useState("");
  const [refusal, setRefusal] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  const download = async () => {
    setRefusal("");
    const header = twoFactor ? { "X-Second-Factor-Code": code.trim() } : {};
    const res = await run(() => api.GET("/v1/me/export", { params: { header }, parseAs: "blob" }));
    if (!res) return;
    const slug = pinRefusal(res);
    if (slug) {
      setOutcome(undefined);
      setPinSlug(slug);
      return;
    }
    if (!res.response.ok) {
      setRefusal(refusalOf(res));
      if (refusalOf(res)) setOutcome(undefined);
      return;
    }
    const url = URL.createObjectURL(res.data as Blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = exportFileName(res.response.headers.get("Content-Disposition"), new Date());
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    setCode("");
    setOutcome({ kind: "ok", text: t("gdprExportDone") });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void download();
  };
  if (pinSlug)
    return (
      <PinGate
        slug={pinSlug}
        onUnlocked={() => {
          setPinSlug("");
          void download();
        }}
      />
    );
  return (
    <form onSubmit={submit} noValidate>
      <h2>{t("gdprExportTitle")}</h2>
      <p className="hint">{t("gdprExportHint")}</p>
      {twoFactor ? (
        <CodeField
          id="export-code"
          label={t("gdprCodeLabel")}
          hint={t("gdprCodeHint")}
          value={code}
          onChange={setCode}
        />
      ) : null}
      <Refusal textKey={refusal} />
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("gdprExportButton")}
      </button>
    </form>
  );
}

function ErasurePart({ plan, onErased }: { plan: Plan; onErased: (until: string | null) => void }) {
  const { t, lang } = useI18n();
  const { refresh } = useSession();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [refusal, setRefusal] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal("");
    const body = plan.two_factor ? { password, code: code.trim() } : { password };
    const res = await run(() => api.POST("/v1/me/erasure", { body }));
    if (!res) return;
    if (res.data) {
      onErased(res.data.record_kept_until);
      await refresh();
      return;
    }
    const key = refusalOf(res);
    if (key) {
      setOutcome(undefined);
      setRefusal(key);
    }
  };
  return (
    <section aria-labelledby="erase-title">
      <h2 id="erase-title">{t("gdprEraseTitle")}</h2>
      <p className="hint">{t("gdprEraseHint")}</p>
      <h3>{t("gdprGoesTitle")}</h3>
      <p>{t("gdprGoes")}</p>
      <h3>{t("gdprStaysTitle")}</h3>
      <p data-testid="record-kept">
        {plan.record_kept_until
          ? fill(t("gdprStays"), {
              years: plan.retention_years,
              date: formatDay(plan.record_kept_until, lang),
            })
          : t("gdprNoRecord")}
      </p>
      <p>{t("gdprAuditStays")}</p>
      {!plan.erasable ? (
        <div data-testid="erasure-blocked">
          <h3>{t("gdprActiveTitle")}</h3>
          <Notice kind="error">{t("gdprActiveList")}</Notice>
          <ul>
            {plan.active_consultations.map((a) => (
              <li key={a.id}>
                <Link href={`/consultations/${encodeURIComponent(a.id)}`}>
                  {t(`type_${a.type}`)} · {t(`status_${a.status}`)}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : !asking ? (
        <button type="button" className="secondary" onClick={() => setAsking(true)}>
          {t("gdprEraseStart")}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <h3>{t("gdprConfirmTitle")}</h3>
          <p>{t("gdprConfirmText")}</p>
          <Field label={t("gdprPasswordLabel")} id="erase-password">
            <input
              id="erase-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {plan.two_factor ? (
            <CodeField
              id="erase-code"
              label={t("gdprCodeLabel")}
              hint={t("gdprCodeHint")}
              value={code}
              onChange={setCode}
            />
          ) : null}
          <Refusal textKey={refusal} />
          <OutcomeNotice outcome={outcome} />
          <button type="submit" className="danger" disabled={busy}>
            {t("gdprEraseButton")}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            {t("gdprCancel")}
          </button>
        </form>
      )}
    </section>
  );
}

function Erased({ until }: { until: string | null }) {
  const { t, lang } = useI18n();
  return (
    <section className="card" data-testid="erased">
      <h1>{t("gdprErasedTitle")}</h1>
      <Notice kind="ok">
        {until ? fill(t("gdprErasedRecord"), { date: formatDay(until, lang) }) : t("gdprErasedAll")}
      </Notice>
      <p>
        <Link href="/">{t("gdprHome")}</Link>
      </p>
    </section>
  );
}
