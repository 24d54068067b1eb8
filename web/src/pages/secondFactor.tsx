import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { api, type User } from "../api/client";
import { Field, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { useSession } from "../session";
import { RequireLogin } from "./portalParts";

/** pendingSecondFactor: the session still owes the second factor. */
export function pendingSecondFactor(user: User | null | undefined): boolean {
  return user?.second_factor === "required" || user?.second_factor === "enrolment_required";
}

interface Answer {
  response: Response;
  error?: unknown;
}

/** useCodeCall runs one call and turns a refusal into the text to show. */
function useCodeCall() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const call = useCallback(
    async <T extends Answer>(fn: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setError("");
      try {
        const res = await fn();
        if (!res.response.ok) {
          const type = (res.error as { type?: string } | undefined)?.type ?? "";
          setError(
            res.response.status === 429
              ? t("prvTooMany")
              : type.endsWith("/second-factor-incorrect")
                ? t("prvWrongCode")
                : type.endsWith("/password-incorrect")
                  ? t("prvPasswordWrong")
                  : t("prvFailed"),
          );
        }
        return res;
      } catch {
        setError(t("prvFailed"));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );
  return { busy, error, call };
}

/**
 * CodeField is the one entry of a second-factor code: the authenticator's
 * six digits or a recovery code (letters and digits, so no numeric
 * keyboard), at the login's second step, the enrolment, turning it off and
 * the data rights' export and erasure. hint, when given, says why a code is
 * asked here.
 */
export function CodeField({
  id = "second-factor-code",
  label,
  hint,
  value,
  onChange,
}: {
  id?: string;
  label?: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {hint ? <p className="hint">{hint}</p> : null}
      <Field label={label ?? t("prvCode")} id={id}>
        <input
          id={id}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          required
          maxLength={32}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </Field>
    </>
  );
}

/** CodeForm asks for a code and sends it (trimmed) with send; the login's second step and the enrolment's confirmation. */
function CodeForm({
  busy,
  error,
  send,
  children,
}: {
  busy: boolean;
  error: string;
  send: (code: string) => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(code.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      {children}
      <CodeField value={code} onChange={setCode} />
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="submit" disabled={busy}>
        {t("prvConfirm")}
      </button>
    </form>
  );
}

/**
 * SecondFactorStep is the second step of the login: the authenticator code
 * (or a recovery code), or, for a doctor or admin without an authenticator,
 * setting one up. onDone runs once the session has the second factor.
 */
export function SecondFactorStep({
  user,
  password,
  onDone,
}: {
  user: User;
  password: string;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { busy, error, call } = useCodeCall();
  if (user.second_factor === "enrolment_required") {
    return (
      <section className="card narrow">
        <h1>{t("prvEnrolTitle")}</h1>
        <Notice kind="info">{t("prvEnrolStaff")}</Notice>
        <Enrolment password={password} onDone={onDone} />
      </section>
    );
  }
  const send = async (code: string) => {
    const res = await call(() => api.POST("/v1/auth/second-factor", { body: { code } }));
    if (res?.response.ok) onDone();
  };
  return (
    <section className="card narrow">
      <h1>{t("prvCodeTitle")}</h1>
      <p className="hint">{t("prvCodeHint")}</p>
      <CodeForm busy={busy} error={error} send={(code) => void send(code)} />
    </section>
  );
}

/**
 * Enrolment sets up an authenticator: the password confirms, the QR code
 * (a PNG data URL, which the CSP's img-src allows) and the key are shown,
 * the first code turns it on, and the recovery codes are shown once.
 */
function Enrolment({ password: known, onDone }: { password: string; onDone: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState(known);
  const [started, setStarted] = useState<{ secret: string; qr_code: string } | undefined>();
  const [recovery, setRecovery] = useState<string[] | undefined>();
  const { busy, error, call } = useCodeCall();

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const res = await call(() => api.POST("/v1/me/second-factor", { body: { password } }));
    if (res?.data) setStarted(res.data);
  };
  const confirm = async (code: string) => {
    const res = await call(() => api.POST("/v1/me/second-factor/confirm", { body: { code } }));
    if (res?.data) setRecovery(res.data.recovery_codes);
  };
  if (recovery) {
    return (
      <div>
        <h2>{t("prvRecoveryTitle")}</h2>
        <p className="hint">{t("prvRecoveryHint")}</p>
        <ul className="recovery-codes" data-testid="recovery-codes">
          {recovery.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" id="second-factor-continue" onClick={onDone}>
          {t("prvContinue")}
        </button>
      </div>
    );
  }
  if (started) {
    return (
      <CodeForm busy={busy} error={error} send={(code) => void confirm(code)}>
        <p>{t("prvEnrolScan")}</p>
        <img src={started.qr_code} alt={t("prvQrAlt")} width={240} height={240} className="qr" />
        <p>
          {t("prvSecret")}: <code data-testid="totp-secret">{started.secret}</code>
        </p>
      </CodeForm>
    );
  }
  return (
    <form onSubmit={(e) => void start(e)} noValidate>
      {known ? null : (
        <Field label={t("password")} id="enrol-password">
          <input
            id="enrol-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      )}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="submit" id="second-factor-enrol" disabled={busy}>
        {t("prvEnrolStart")}
      </button>
    </form>
  );
}

type SessionInfo = {
  id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_ip: string;
  user_agent: string;
  current: boolean;
};

/** SecurityPage: two-step sign-in (on/off for patients) and the sessions, each one to end. */
export function SecurityPage() {
  const { t } = useI18n();
  return (
    <RequireLogin>
      {(user) => (
        <section className="card">
          <h1>{t("prvSecurity")}</h1>
          <TwoFactorSettings user={user} />
          <Sessions />
        </section>
      )}
    </RequireLogin>
  );
}

function TwoFactorSettings({ user }: { user: User }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [enrolling, setEnrolling] = useState(false);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | undefined>();
  const { busy, error, call } = useCodeCall();
  const staff = user.role !== "patient";
  const turnOff = async (e: FormEvent) => {
    e.preventDefault();
    const res = await call(() =>
      api.DELETE("/v1/me/second-factor", { body: { password, code: code.trim() } }),
    );
    if (res?.response.ok) await refresh();
  };
  const newCodes = async () => {
    const res = await call(() => api.POST("/v1/me/second-factor/recovery-codes", { body: { password } }));
    if (res?.data) setCodes(res.data.recovery_codes);
  };
  return (
    <div>
      <h2>{t("prvTwoFactor")}</h2>
      <p>{user.two_factor_enabled ? t("prvTwoFactorOn") : t("prvTwoFactorOff")}</p>
      {staff ? <p className="hint">{t("prvTwoFactorStaff")}</p> : null}
      {!user.two_factor_enabled ? (
        enrolling ? (
          <Enrolment
            password=""
            onDone={() => {
              setEnrolling(false);
              void refresh();
            }}
          />
        ) : (
          <button type="button" onClick={() => setEnrolling(true)}>
            {t("prvEnrolStart")}
          </button>
        )
      ) : (
        <form onSubmit={(e) => void turnOff(e)} noValidate>
          <Field label={t("password")} id="security-password">
            <input
              id="security-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {staff ? null : <CodeField value={code} onChange={setCode} />}
          {error ? <Notice kind="error">{error}</Notice> : null}
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void newCodes()}>
              {t("prvNewCodes")}
            </button>
            {staff ? null : (
              <button type="submit" disabled={busy}>
                {t("prvTurnOff")}
              </button>
            )}
          </div>
          {codes ? (
            <ul className="recovery-codes" data-testid="recovery-codes">
              {codes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </form>
      )}
    </div>
  );
}

function Sessions() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<SessionInfo[] | undefined>();
  const [ended, setEnded] = useState(false);
  const load = useCallback(async () => {
    const { data } = await api.GET("/v1/me/sessions");
    setItems(data?.items ?? []);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const end = async (id: string, current: boolean) => {
    const res = await api.DELETE("/v1/me/sessions/{id}", { params: { path: { id } } });
    if (res.response.ok) {
      if (current) {
        location.assign("/login");
        return;
      }
      setEnded(true);
      await load();
    }
  };
  return (
    <div>
      <h2>{t("prvSessions")}</h2>
      <p className="hint">{t("prvSessionsHint")}</p>
      {ended ? <Notice kind="ok">{t("prvEnded")}</Notice> : null}
      <ul className="sessions" data-testid="sessions">
        {(items ?? []).map((s) => (
          <li key={s.id}>
            <strong>{s.user_agent || s.client_ip}</strong>
            {s.current ? ` (${t("prvThisDevice")})` : null}
            <br />
            {s.client_ip} · {t("prvLastSeen")} {formatDateTime(s.last_seen_at, lang)} · {t("prvEnds")}{" "}
            {formatDateTime(s.expires_at, lang)}{" "}
            <button type="button" className="link" onClick={() => void end(s.id, s.current)}>
              {t("prvEndSession")}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
