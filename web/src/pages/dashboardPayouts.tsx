// The doctor's payouts (Mollie Connect): whether payments reach their own
// Mollie account, the button that connects one (through Mollie's consent
// page), and the page Mollie sends the browser back to.
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { messageOfAnswer } from "../problems";
import { formatDay } from "../public";
import { DoctorPage } from "./dashboard";
import { Show } from "./portalParts";
import { useLoad } from "./publicParts";

type PayoutConnection = components["schemas"]["PayoutConnection"];

/** problemText tells a refusal: the server's explanation when it is in the reader's language. */
function problemText(
  res: { response: Response; error?: unknown },
  t: (k: string) => string,
  lang: string,
): string {
  return messageOfAnswer(t, lang, res.response, res.error as { type?: string; detail?: string });
}

export function PayoutsPage() {
  return (
    <DoctorPage current="/doctor/payouts">
      <Payouts />
    </DoctorPage>
  );
}

function Payouts() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/payments/connection", { signal }), []);
  return (
    <section className="card" data-testid="payouts">
      <h1>{t("payTitle")}</h1>
      <Show loaded={loaded} retry={retry}>
        {(c) => <ConnectionState connection={c} onChange={retry} />}
      </Show>
    </section>
  );
}

function ConnectionState({ connection, onChange }: { connection: PayoutConnection; onChange: () => void }) {
  const { t, lang } = useI18n();
  if (!connection.required) return <p data-testid="payouts-platform">{t("payPlatform")}</p>;
  return (
    <>
      <p className="hint">{t("payIntro")}</p>
      {connection.connected ? (
        <Notice kind="ok">
          <span data-testid="payouts-connected">
            {t("payConnected")
              .replace("{name}", connection.organization_name ?? "Mollie")
              .replace(
                "{date}",
                connection.connected_at ? formatDay(connection.connected_at, lang, "Europe/Amsterdam") : "",
              )}
          </span>
        </Notice>
      ) : (
        <Notice kind="error">
          <span data-testid="payouts-not-connected">{t("payNotConnected")}</span>
        </Notice>
      )}
      <ConnectButton again={connection.connected} />
      {connection.connected ? <DisconnectButton onDone={onChange} /> : null}
    </>
  );
}

/**
 * DisconnectButton disconnects the Mollie account after a confirmation;
 * the API refuses (and says why) while paid consultations are still open.
 */
function DisconnectButton({ onDone }: { onDone: () => void }) {
  const { t, lang } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const disconnect = async () => {
    setBusy(true);
    setProblem("");
    try {
      const res = await api.DELETE("/v1/doctor/payments/connection", {});
      if (res.data) {
        onDone();
        return;
      }
      setProblem(problemText(res, t, lang));
    } catch {
      setProblem(t("offline"));
    }
    setBusy(false);
    setConfirming(false);
  };
  return (
    <div className="disconnect">
      {problem && (
        <Notice kind="error">
          <span data-testid="payouts-disconnect-problem">{problem}</span>
        </Notice>
      )}
      {confirming ? (
        <>
          <p data-testid="payouts-disconnect-confirm">{t("gapDisconnectConfirm")}</p>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void disconnect()}
            data-testid="payouts-disconnect-yes"
          >
            {t("gapDisconnectYes")}
          </button>{" "}
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {t("gapDisconnectNo")}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="secondary"
          onClick={() => setConfirming(true)}
          data-testid="payouts-disconnect"
        >
          {t("gapDisconnect")}
        </button>
      )}
    </div>
  );
}

/** ConnectButton starts the connection and sends the browser to Mollie. */
export function ConnectButton({ again = false }: { again?: boolean }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const start = async () => {
    setBusy(true);
    setProblem("");
    try {
      const res = await api.POST("/v1/doctor/payments/connect", {});
      if (res.data) {
        location.assign(res.data.authorize_url);
        return;
      }
      setProblem(problemText(res, t, lang));
    } catch {
      setProblem(t("offline"));
    }
    setBusy(false);
  };
  return (
    <>
      {problem && <Notice kind="error">{problem}</Notice>}
      <button
        type="button"
        className={again ? "secondary" : undefined}
        disabled={busy}
        onClick={() => void start()}
        data-testid="payouts-connect"
      >
        {busy ? t("payRedirecting") : t(again ? "payReconnect" : "payConnect")}
      </button>
    </>
  );
}

export function PayoutsConnectedPage() {
  return (
    <DoctorPage current="/doctor/payouts">
      <Connected />
    </DoctorPage>
  );
}

/** Connected completes the connection with the code and state Mollie sent back. */
function Connected() {
  const { t, lang } = useI18n();
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const q = new URLSearchParams(location.search);
    const state = q.get("state") ?? "";
    const code = q.get("code") ?? "";
    const error = q.get("error") ?? "";
    if (!state || (!code && !error)) {
      setResult({ ok: false, text: t("payIncomplete") });
      return;
    }
    const body = error ? { state, error } : { state, code };
    api
      .POST("/v1/doctor/payments/connect/complete", { body })
      .then((res) => {
        if (res.data) {
          setResult({
            ok: true,
            text: t("payDone").replace("{name}", res.data.organization_name ?? "Mollie"),
          });
        } else {
          setResult({ ok: false, text: problemText(res, t, lang) });
        }
      })
      .catch(() => setResult({ ok: false, text: t("offline") }));
    // Mollie's code and state must not stay in the address bar or history.
    history.replaceState(null, "", "/doctor/payouts/connected");
  }, [t, lang]);
  return (
    <section className="card" data-testid="payouts-complete">
      <h1>{t("payTitle")}</h1>
      {result ? (
        <Notice kind={result.ok ? "ok" : "error"}>
          <span data-testid={result.ok ? "payouts-done" : "payouts-failed"}>{result.text}</span>
        </Notice>
      ) : (
        <p>{t("payCompleting")}</p>
      )}
      {result && !result.ok ? <ConnectButton /> : <Link href="/doctor/payouts">{t("payBack")}</Link>}
    </section>
  );
}
