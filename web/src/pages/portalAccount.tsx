// The patient's account pages: settings (language, password, PIN),
// favourite doctors (who accessed my data is in accessLog.tsx).
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { Field, Link } from "../components";
import { type Lang, languages, useI18n } from "../i18n";
import { useSession } from "../session";
import { PortalNav } from "./portal";
import { OutcomeNotice, RequireLogin, Show, useAction, useKept } from "./portalParts";
import { useLoad } from "./publicParts";

export function AccountPage() {
  const { t } = useI18n();
  return (
    <RequireLogin>
      {(user) => (
        <>
          {user.role === "patient" ? <PortalNav current="/account" /> : null}
          <section className="card">
            <h1>{t("ptlAccount")}</h1>
            <dl className="facts">
              <dt>{t("name")}</dt>
              <dd>{user.name}</dd>
              <dt>{t("email")}</dt>
              <dd>{user.email}</dd>
            </dl>
            <LanguageForm current={user.language} />
            <PasswordForm />
            <PinForm hasPin={user.has_pin} />
            <p>
              <Link href="/account/security">{t("prvSecurityLink")}</Link>
            </p>
            {user.role === "patient" ? (
              <p>
                <Link href="/account/privacy">{t("gdprLink")}</Link>
              </p>
            ) : null}
          </section>
        </>
      )}
    </RequireLogin>
  );
}

function LanguageForm({ current }: { current: Lang }) {
  const { t, setLang } = useI18n();
  const { refresh } = useSession();
  const [choice, setChoice] = useState<Lang>(current);
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.PUT("/v1/me/language", { body: { language: choice } }), t("ptlSaved"));
    if (res?.response.ok) {
      setLang(choice);
      await refresh();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <h2>{t("language")}</h2>
      <p className="hint">{t("ptlLanguageHint")}</p>
      <fieldset className="choices">
        <legend className="visually-hidden">{t("language")}</legend>
        {languages.map((l) => (
          <label key={l} className="choice">
            <input
              type="radio"
              name="language"
              value={l}
              checked={choice === l}
              onChange={() => setChoice(l)}
            />{" "}
            {t(`ptlLang_${l}`)}
          </label>
        ))}
      </fieldset>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    const res = await run(
      () => api.PUT("/v1/me/password", { body: { current_password: current, new_password: next } }),
      t("ptlPasswordChanged"),
    );
    if (res?.response.ok) {
      setCurrent("");
      setNext("");
      setRepeat("");
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t("ptlPasswordTitle")}</h2>
      <Field label={t("ptlCurrentPassword")} id="current-password">
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </Field>
      <Field label={t("newPassword")} id="new-password">
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </Field>
      <Field
        label={t("ptlRepeatPassword")}
        id="repeat-password"
        error={mismatch ? t("ptlPasswordMismatch") : undefined}
      >
        <input
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
      </Field>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("ptlPasswordSave")}
      </button>
    </form>
  );
}

function PinForm({ hasPin }: { hasPin: boolean }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [pin, setPin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() => api.PUT("/v1/me/pin", { body: { pin, password } }), t("ptlPinSaved"));
    if (res?.response.ok) {
      setPin("");
      setPassword("");
      await refresh();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <h2>{hasPin ? t("ptlPinChange") : t("setPin")}</h2>
      <p className="hint">{t("ptlPinHint")}</p>
      <Field label={t("pin")} id="new-pin">
        <input
          id="new-pin"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9]*"
          maxLength={8}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
        />
      </Field>
      <Field label={t("password")} id="new-pin-password">
        <input
          id="new-pin-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}

export function FavouritesPage() {
  return (
    <RequireLogin roles={["patient"]}>
      {() => (
        <>
          <PortalNav current="/account/favourites" />
          <FavouriteList />
        </>
      )}
    </RequireLogin>
  );
}

function FavouriteList() {
  const { t } = useI18n();
  const [fresh, retry] = useLoad((signal) => api.GET("/v1/me/favourites", { signal }), []);
  const favs = useKept(fresh);
  const { busy, outcome, run } = useAction();
  const remove = async (doctorId: string) => {
    const res = await run(() =>
      api.DELETE("/v1/me/favourites/{doctorId}", { params: { path: { doctorId } } }),
    );
    if (res?.response.ok) retry();
  };
  return (
    <section className="card">
      <h1>{t("ptlFavourites")}</h1>
      <OutcomeNotice outcome={outcome} />
      <Show loaded={favs} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("ptlNoFavourites")}</p>
          ) : (
            <ul className="cards">
              {items.map((d) => (
                <li key={d.id} className="item-card">
                  <Link href={`/doctors/${d.id}`} className="item-title">
                    {d.name}
                  </Link>
                  <div className="muted">
                    {d.specialty} · {d.city}
                  </div>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => void remove(d.id)}
                  >
                    {t("ptlFavouriteRemove")}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
