// Doctor onboarding: the admins' list of doctors with the invitation form
// (/admin/doctors), the invited doctor's welcome page that sets the
// password (/welcome, from the emailed link), the dashboard's checklist
// card and the getting-started guide (/doctor/guide, also as PDF).
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { Field, Link } from "../components";
import { guide } from "../guideContent";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import "../help.css";
import "../onboarding.css";
import { SetPasswordPage } from "./auth";
import { DoctorPage } from "./dashboard";
import { Blocks } from "./help";
import { OutcomeNotice, RequireLogin, Show, useAction, useKept } from "./portalParts";
import { useLoad } from "./publicParts";

export function AdminDoctorsPage() {
  return <RequireLogin roles={["admin"]}>{() => <AdminDoctors />}</RequireLogin>;
}

/** adminDoctorsPage is how many doctors one page of the admins' list shows. */
const adminDoctorsPage = 50;

function AdminDoctors() {
  const { t, lang } = useI18n();
  const [offset, setOffset] = useState(0);
  const [fresh, retry] = useLoad(
    (signal) =>
      api.GET("/v1/admin/doctors", { params: { query: { limit: adminDoctorsPage, offset } }, signal }),
    [offset],
  );
  const list = useKept(fresh);
  const invited = () => {
    if (offset === 0) retry();
    else setOffset(0);
  };
  return (
    <>
      <InviteForm onInvited={invited} />
      <section className="card" data-testid="admin-doctors">
        <h1>{t("onbDoctorsTitle")}</h1>
        <Show loaded={list} retry={retry}>
          {({ items, page }) => (
            <>
              <ul className="cards">
                {items.map((d) => (
                  <li key={d.id} className="item-card" data-doctor={d.email}>
                    <strong>{d.name}</strong> · {d.city}
                    <div className="muted">
                      {d.email}
                      {d.invited_at
                        ? ` · ${fill(t("onbInvitedAt"), { when: formatDateTime(d.invited_at, lang) })}`
                        : ""}
                    </div>
                    <div>
                      <span className={`badge ${d.second_factor ? "badge-ok" : "badge-todo"}`}>
                        {t(d.second_factor ? "onbSignedIn" : "onbNotSignedIn")}
                      </span>{" "}
                      <span className={`badge ${d.listed ? "badge-ok" : "badge-todo"}`} data-testid="listed">
                        {t(d.listed ? "onbListed" : "onbNotListed")}
                      </span>
                    </div>
                  </li>
                ))}
              </ul>
              <AdminDoctorsPager page={page} onPage={setOffset} />
            </>
          )}
        </Show>
      </section>
    </>
  );
}

/** AdminDoctorsPager moves through the admins' list a page at a time. */
function AdminDoctorsPager({
  page,
  onPage,
}: {
  page: { limit: number; offset: number; total: number };
  onPage: (offset: number) => void;
}) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const current = Math.floor(page.offset / page.limit) + 1;
  if (pages <= 1) return null;
  const label = fill(t("pubPageOf"), { page: String(current), pages: String(pages) });
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="secondary"
        disabled={page.offset <= 0}
        onClick={() => onPage(Math.max(0, page.offset - page.limit))}
      >
        {t("pubPrev")}
      </button>
      <span>{label}</span>
      <button
        type="button"
        className="secondary"
        disabled={page.offset + page.limit >= page.total}
        onClick={() => onPage(page.offset + page.limit)}
      >
        {t("pubNext")}
      </button>
    </nav>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { t, lang } = useI18n();
  const [v, setV] = useState({ name: "", email: "", big: "", city: "", language: lang as string });
  const { busy, outcome, run } = useAction();
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(
      () =>
        api.POST("/v1/admin/doctors", {
          body: {
            name: v.name,
            email: v.email,
            big_number: v.big,
            city: v.city,
            language: v.language === "en" ? "en" : "nl",
          },
        }),
      fill(t("onbInvited"), { email: v.email }),
    );
    if (res?.response.ok) {
      setV({ name: "", email: "", big: "", city: "", language: v.language });
      onInvited();
    }
  };
  return (
    <section className="card" data-testid="invite-doctor">
      <h1>{t("onbInviteTitle")}</h1>
      <p className="hint">{t("onbInviteIntro")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t("onbName")} id="invite-name">
          <input id="invite-name" autoComplete="off" value={v.name} onChange={set("name")} />
        </Field>
        <Field label={t("onbEmail")} id="invite-email">
          <input id="invite-email" type="email" autoComplete="off" value={v.email} onChange={set("email")} />
        </Field>
        <Field label={t("onbBig")} id="invite-big">
          <input id="invite-big" inputMode="numeric" maxLength={11} value={v.big} onChange={set("big")} />
        </Field>
        <Field label={t("onbCity")} id="invite-city">
          <input id="invite-city" value={v.city} onChange={set("city")} />
        </Field>
        <Field label={t("onbLanguage")} id="invite-language">
          <select id="invite-language" value={v.language} onChange={set("language")}>
            <option value="nl">Nederlands</option>
            <option value="en">English</option>
          </select>
        </Field>
        <OutcomeNotice outcome={outcome} />
        <button type="submit" disabled={busy}>
          {t("onbInvite")}
        </button>
      </form>
    </section>
  );
}

/** WelcomePage sets an invited doctor's first password with the emailed token (the reset page's form). */
export function WelcomePage({ token }: { token: string }) {
  const { t } = useI18n();
  return (
    <SetPasswordPage
      token={token}
      title={t("onbWelcomeTitle")}
      intro={t("onbWelcomeIntro")}
      done={t("onbWelcomeDone")}
      login={
        <p>
          <Link href="/login?next=%2Fdoctor" className="button">
            {t("onbWelcomeLogin")}
          </Link>
        </p>
      }
    />
  );
}

/**
 * ChecklistCard shows on the dashboard what is still missing before
 * patients can book the doctor, each step linking to its page; it turns
 * green when every required step is done.
 */
export function ChecklistCard() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/checklist", { signal }), []);
  return (
    <Show loaded={loaded} retry={retry}>
      {(c) => (
        <section
          className={`checklist ${c.listed ? "checklist-done" : "checklist-open"}`}
          aria-labelledby="checklist-title"
          data-testid="checklist"
          data-listed={c.listed ? "yes" : "no"}
        >
          <h2 id="checklist-title">{t("onbChecklistTitle")}</h2>
          <p role="status">
            {c.listed
              ? t("onbChecklistDone")
              : fill(t("onbChecklistMissing"), { n: String(c.missing.length) })}
          </p>
          <ul>
            {c.items.map((it) => (
              <li
                key={it.id}
                className={it.done ? "item-done" : "item-todo"}
                data-item={it.id}
                data-done={it.done ? "yes" : "no"}
              >
                <span aria-hidden="true">{it.done ? "✓" : "○"}</span>{" "}
                <Link href={it.page}>{t(`onbItem_${it.id}`)}</Link>{" "}
                <span className="muted">
                  ({t(it.done ? "onbDone" : "onbTodo")}, {t(it.required ? "onbRequired" : "onbRecommended")})
                </span>
              </li>
            ))}
          </ul>
          <p>
            <Link href="/doctor/guide">{t("onbGuideLink")}</Link>
          </p>
        </section>
      )}
    </Show>
  );
}

export function DoctorGuidePage() {
  return (
    <DoctorPage current="/doctor/guide">
      <Guide />
    </DoctorPage>
  );
}

function Guide() {
  const { t, lang } = useI18n();
  return (
    <section className="card help guide" data-testid="guide">
      <h1>{t("onbGuideTitle")}</h1>
      <p>{t("onbGuideIntro")}</p>
      <p>
        {t("onbGuidePdf")}:{" "}
        <a href="/v1/doctor/guide.pdf?lang=nl" download data-testid="guide-pdf-nl" hrefLang="nl">
          {t("onbGuidePdfNl")}
        </a>{" "}
        ·{" "}
        <a href="/v1/doctor/guide.pdf?lang=en" download data-testid="guide-pdf-en" hrefLang="en">
          {t("onbGuidePdfEn")}
        </a>
      </p>
      <ol className="guide-steps">
        {guide[lang].map((s) => (
          <li key={s.id} data-step={s.id}>
            <h2>{s.title}</h2>
            <Blocks blocks={s.body} />
            <p>
              <Link href={s.link} className="button secondary">
                {t("onbGuideGo")}
              </Link>
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
