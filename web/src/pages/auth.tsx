import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { Field, Link, Notice } from "../components";
import { useI18n } from "../i18n";
import { messageOfAnswer } from "../problems";
import { navigate, safeNext } from "../router";
import { useSession } from "../session";
import { OutcomeNotice, useAction } from "./portalParts";
import { pendingSecondFactor, SecondFactorStep } from "./secondFactor";

/** Where each role starts after logging in without a page to return to. */
const startPage = { patient: "/consultations", doctor: "/doctor", admin: "/admin" } as const;

export function LoginPage({ next }: { next: string | null }) {
  const { t } = useI18n();
  const { refresh, user } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, outcome, run } = useAction();
  const target = safeNext(next);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.POST("/v1/auth/login", { body: { email, password } }));
    if (!res?.data) return;
    await refresh();
    if (!pendingSecondFactor(res.data.user)) navigate(next ? target : startPage[res.data.user.role], true);
  };
  // Doctors and admins (and patients who turned it on) give the second
  // factor before anything else: the same page shows that step.
  if (user && pendingSecondFactor(user)) {
    return (
      <SecondFactorStep
        user={user}
        password={password}
        onDone={() => {
          void refresh().then(() => navigate(next ? target : startPage[user.role], true));
        }}
      />
    );
  }
  return (
    <section className="card narrow">
      <h1>{t("loginTitle")}</h1>
      {next ? <Notice kind="info">{t("loginToContinue")}</Notice> : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t("email")} id="email">
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t("password")} id="password">
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <OutcomeNotice outcome={outcome} texts={{ login: t("ptlLoginFailed") }} />
        <button type="submit" disabled={busy}>
          {t("login")}
        </button>
      </form>
      <p>
        <Link href="/forgot-password">{t("forgotPassword")}</Link>
      </p>
      <p>
        {t("noAccount")} <Link href={`/register?next=${encodeURIComponent(target)}`}>{t("register")}</Link>
      </p>
    </section>
  );
}

export function RegisterPage({ next }: { next: string | null }) {
  const { t, lang } = useI18n();
  const [sentTo, setSentTo] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, outcome, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/v1/auth/register", { body: { name, email, password, language: lang } }),
    );
    if (res?.response.ok) setSentTo(email);
  };
  if (sentTo) {
    return (
      <section className="card narrow">
        <h1>{t("register")}</h1>
        <Notice kind="info">{t("registerCheckEmail").replace("{email}", sentTo)}</Notice>
        <p>
          <Link href={`/login?next=${encodeURIComponent(safeNext(next))}`}>{t("login")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>{t("register")}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t("name")} id="name">
          <input
            id="name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label={t("email")} id="email">
          <input
            id="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t("newPassword")} id="password">
          <input
            id="password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <OutcomeNotice outcome={outcome} />
        <button type="submit" disabled={busy}>
          {t("register")}
        </button>
      </form>
      <p>
        {t("haveAccount")}{" "}
        <Link href={`/login?next=${encodeURIComponent(safeNext(next))}`}>{t("login")}</Link>
      </p>
    </section>
  );
}

export function ForgotPasswordPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.POST("/v1/auth/password/forgot", { body: { email } }));
    if (res?.response.ok) setSent(true);
  };
  return (
    <section className="card narrow">
      <h1>{t("forgotPassword")}</h1>
      {sent ? (
        <Notice kind="ok">{t("resetSent")}</Notice>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field label={t("email")} id="email">
            <input
              id="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <OutcomeNotice outcome={outcome} />
          <button type="submit" disabled={busy}>
            {t("sendResetLink")}
          </button>
        </form>
      )}
    </section>
  );
}

export function ResetPasswordPage({ token }: { token: string }) {
  const { t } = useI18n();
  return (
    <SetPasswordPage
      token={token}
      title={t("resetTitle")}
      done={t("resetDone")}
      login={
        <p>
          <Link href="/login">{t("login")}</Link>
        </p>
      }
    />
  );
}

/**
 * SetPasswordPage sets a password with an emailed single-use token: the
 * reset link's page and the invited doctor's welcome page are this one form
 * (same validation, token handling and problem messages); only the title,
 * the introduction and what follows differ.
 */
export function SetPasswordPage({
  token,
  title,
  intro,
  done: doneText,
  login,
}: {
  token: string;
  title: string;
  intro?: string;
  done: string;
  login: ReactNode;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.POST("/v1/auth/password/reset", { body: { token, password } }));
    if (res?.response.ok) setDone(true);
  };
  return (
    <section className="card narrow" data-testid="set-password">
      <h1>{title}</h1>
      {!token ? (
        <Notice kind="error">{t("resetNoToken")}</Notice>
      ) : done ? (
        <>
          <Notice kind="ok">{doneText}</Notice>
          {login}
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          {intro ? <p>{intro}</p> : null}
          <Field label={t("newPassword")} id="password">
            <input
              id="password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              maxLength={128}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <OutcomeNotice outcome={outcome} />
          <button type="submit" disabled={busy}>
            {t("save")}
          </button>
        </form>
      )}
    </section>
  );
}

/** VerifyEmailPage confirms the address of the emailed link's token once, on opening. */
export function VerifyEmailPage({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<"busy" | "done" | "error">(token ? "busy" : "error");
  const [message, setMessage] = useState(token ? "" : t("verifyNoToken"));
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    api
      .POST("/v1/auth/email/verify", { body: { token } })
      .then(({ response, error: problem }) => {
        if (response.ok) setState("done");
        else {
          setState("error");
          setMessage(messageOfAnswer(t, lang, response, problem));
        }
      })
      .catch(() => {
        setState("error");
        setMessage(t("offline"));
      });
  }, [token, t, lang]);
  return (
    <section className="card narrow">
      <h1>{t("verifyTitle")}</h1>
      {state === "busy" ? (
        <p role="status">{t("verifyBusy")}</p>
      ) : state === "done" ? (
        <>
          <Notice kind="ok">{t("verifyDone")}</Notice>
          <p>
            <Link href="/login">{t("login")}</Link>
          </p>
        </>
      ) : (
        <Notice kind="error">{message}</Notice>
      )}
    </section>
  );
}
