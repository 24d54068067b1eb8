// The doctor's widgets for the practice's own website: the websites
// (origins) allowed to show them, and the snippets to paste there.
import { type FormEvent, useEffect, useState } from "react";
import { api } from "../api/client";
import { Field, Notice } from "../components";
import { useI18n } from "../i18n";
import { fill } from "../public";
import { useSession } from "../session";
import { iframeSnippet, loaderSnippet, originsFromText, type WidgetKind, widgetPath } from "../widgets";
import "../widgets.css";
import { messageOfAnswer } from "../problems";
import { DoctorPage, useMyProfile } from "./dashboard";
import { Show } from "./portalParts";
import { useLoad } from "./publicParts";

export function DoctorWidgetsPage() {
  return (
    <DoctorPage current="/doctor/widgets">
      <Widgets />
    </DoctorPage>
  );
}

function Widgets() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/widgets", { signal }), []);
  const [origins, setOrigins] = useState<string[] | undefined>();
  useEffect(() => {
    if (loaded.state === "ok") setOrigins(loaded.value.origins);
  }, [loaded]);
  return (
    <section className="card" data-testid="widgets">
      <h1>{t("wdgTitle")}</h1>
      <p className="hint">{t("wdgIntro")}</p>
      <Show loaded={loaded} retry={retry}>
        {(v) => <OriginsForm initial={v.origins} onSaved={setOrigins} />}
      </Show>
      {origins ? <Snippets allowed={origins.length > 0} /> : null}
    </section>
  );
}

function OriginsForm({ initial, onSaved }: { initial: string[]; onSaved: (o: string[]) => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState(initial.join("\n"));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const [saved, setSaved] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem("");
    setSaved("");
    try {
      const { data, error, response } = await api.PUT("/v1/doctor/widgets", {
        body: { origins: originsFromText(text) },
      });
      if (data) {
        setText(data.origins.join("\n"));
        onSaved(data.origins);
        setSaved(data.origins.length ? t("wdgSaved") : t("wdgSavedNone"));
      } else {
        setProblem(messageOfAnswer(t, lang, response, error as { type?: string; detail?: string }));
      }
    } catch {
      setProblem(t("offline"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="widget-origins-form">
      <Field label={t("wdgOriginsLabel")} id="widget-origins" error={problem || undefined}>
        <textarea
          id="widget-origins"
          rows={4}
          value={text}
          spellCheck={false}
          autoCapitalize="off"
          aria-describedby="widget-origins-hint"
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      <p className="hint" id="widget-origins-hint">
        {t("wdgOriginsHint")}
      </p>
      {saved ? <Notice kind="ok">{saved}</Notice> : null}
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}

function Snippets({ allowed }: { allowed: boolean }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [profile] = useMyProfile();
  if (!user) return null;
  const name = profile.state === "ok" ? profile.value.name : "";
  return (
    <>
      {allowed ? null : <Notice kind="info">{t("wdgNeedOrigin")}</Notice>}
      <Snippet
        kind="booking"
        doctorId={user.id}
        heading={t("wdgBooking")}
        title={fill(t("wdgFrameTitle"), { name })}
      />
      <Snippet
        kind="walk-in"
        doctorId={user.id}
        heading={t("wdgWalkIn")}
        title={fill(t("wdgFrameTitleWalkIn"), { name })}
      />
    </>
  );
}

function Snippet({
  kind,
  doctorId,
  heading,
  title,
}: {
  kind: WidgetKind;
  doctorId: string;
  heading: string;
  title: string;
}) {
  const { t, lang } = useI18n();
  const base = location.origin;
  const frame = iframeSnippet(base, doctorId, kind, lang, title);
  const loader = loaderSnippet(base, doctorId, kind);
  return (
    <section className="widget-snippet" data-testid={`snippet-${kind}`}>
      <h2>{heading}</h2>
      <CopyField id={`snippet-${kind}-frame`} label={t("wdgFrame")} value={frame} />
      <CopyField id={`snippet-${kind}-loader`} label={t("wdgLoader")} value={loader} />
      <p>
        <a href={`${widgetPath(doctorId, kind)}?lang=${lang}`} target="_blank" rel="noopener">
          {t("wdgPreview")}
          <span className="visually-hidden"> {t("wdgNewWindow")}</span>
        </a>
      </p>
    </section>
  );
}

function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      (document.getElementById(id) as HTMLTextAreaElement | null)?.select();
    }
  };
  return (
    <Field label={label} id={id}>
      <textarea id={id} readOnly rows={3} value={value} spellCheck={false} />
      <button type="button" className="secondary" onClick={() => void copy()}>
        {t("wdgCopy")}
      </button>
      {copied ? <span role="status"> {t("wdgCopied")}</span> : null}
    </Field>
  );
}
