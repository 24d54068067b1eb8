// Skin conditions A–Z, one condition's page with its review state and
// comments, and the DermaWizard (red flags shown first, at every step).
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import {
  alphabet,
  debounce,
  fill,
  formatDay,
  searchDelay,
  toggleAnswer,
  type WizardAnswers,
} from "../public";
import { loginHref } from "../router";
import { useSession } from "../session";
import { type Failure, failureOf, Loading, ProblemNotice, useLoad } from "./publicParts";

type ConditionReview = components["schemas"]["ConditionReview"];
type WizardStep = components["schemas"]["WizardStep"];

function ReviewState({ review }: { review: ConditionReview }) {
  const { t, lang } = useI18n();
  if (review.reviewed && review.reviewer_name && review.reviewed_at)
    return (
      <p className="review-state ok" data-testid="review-state">
        ✓{" "}
        {fill(t("pubReviewed"), {
          name: review.reviewer_name,
          date: formatDay(review.reviewed_at, lang, "Europe/Amsterdam"),
        })}
      </p>
    );
  return (
    <p className="review-state muted" data-testid="review-state">
      {review.label || t("pubNotReviewed")}
    </p>
  );
}

/** ConditionsPage is the A–Z list with a letter bar and a search, both in the URL. */
export function ConditionsPage({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const letter = (query.get("letter") ?? "").toUpperCase();
  const validLetter = alphabet.includes(letter) ? letter : "";
  const [typed, setTyped] = useState(query.get("q") ?? "");
  const [q, setQ] = useState(typed.trim());
  const later = useMemo(() => debounce((v: string) => setQ(v.trim()), searchDelay), []);
  useEffect(() => () => later.cancel(), [later]);
  useEffect(() => {
    const p = new URLSearchParams();
    if (validLetter) p.set("letter", validLetter);
    if (q) p.set("q", q);
    const url = `/conditions${p.size ? `?${p}` : ""}`;
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  }, [q, validLetter]);
  const [list, reload] = useLoad(
    (signal) =>
      api.GET("/v1/conditions", {
        params: { query: { lang, letter: validLetter || undefined, q: q || undefined } },
        signal,
      }),
    [lang, validLetter, q],
  );
  const letters = list.state === "ok" ? list.value.letters : [];
  const hrefFor = (l: string) => {
    const p = new URLSearchParams();
    if (l) p.set("letter", l);
    if (q) p.set("q", q);
    return `/conditions${p.size ? `?${p}` : ""}`;
  };
  return (
    <section className="card">
      <h1>{t("pubConditionsTitle")}</h1>
      <search>
        <form
          className="searchbar"
          onSubmit={(e) => {
            e.preventDefault();
            later.cancel();
            setQ(typed.trim());
          }}
        >
          <label htmlFor="cq" className="visually-hidden">
            {t("pubConditionSearch")}
          </label>
          <input
            id="cq"
            type="search"
            placeholder={t("pubConditionSearch")}
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              later(e.target.value);
            }}
          />
          <button type="submit">{t("pubSearchButton")}</button>
        </form>
      </search>
      <nav aria-label={t("pubLetters")}>
        <ul className="letters">
          <li>
            <Link href={hrefFor("")} aria-current={validLetter === "" ? "true" : undefined}>
              {t("pubAllLetters")}
            </Link>
          </li>
          {alphabet.map((l) =>
            letters.includes(l) ? (
              <li key={l}>
                <Link href={hrefFor(l)} aria-current={validLetter === l ? "true" : undefined}>
                  {l}
                </Link>
              </li>
            ) : (
              <li key={l}>
                <span aria-disabled="true">{l}</span>
              </li>
            ),
          )}
        </ul>
      </nav>
      <div aria-live="polite" data-testid="conditions">
        {list.state === "loading" ? <Loading /> : null}
        {list.state === "failed" ? <ProblemNotice failure={list.failure} onRetry={reload} /> : null}
        {list.state === "ok" && list.value.items.length === 0 ? <p>{t("pubNoConditions")}</p> : null}
        {list.state === "ok" ? (
          <ul className="results-list">
            {list.value.items.map((c, i, all) => (
              <li key={c.slug} className="condition-item">
                {!q && (i === 0 || all[i - 1]?.letter !== c.letter) ? (
                  <h2 className="letter-head">{c.letter}</h2>
                ) : null}
                <h3>
                  <Link href={`/conditions/${encodeURIComponent(c.slug)}`}>{c.name}</Link>
                </h3>
                <p>{c.summary}</p>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

const sections = [
  ["what_it_is", "pubWhatItIs"],
  ["symptoms", "pubSymptoms"],
  ["causes", "pubCauses"],
  ["self_care", "pubSelfCare"],
  ["treatment", "pubTreatment"],
  ["when_to_see_a_doctor", "pubWhenDoctor"],
] as const;

/** ConditionPage shows one condition, who reviewed it, and its comments. */
export function ConditionPage({ slug }: { slug: string }) {
  const { t, lang } = useI18n();
  const [cond, reload] = useLoad(
    (signal) => api.GET("/v1/conditions/{slug}", { params: { path: { slug }, query: { lang } }, signal }),
    [slug, lang],
  );
  if (cond.state === "loading") return <Loading />;
  if (cond.state === "failed")
    return (
      <section className="card">
        <ProblemNotice failure={cond.failure} notFound={t("pubConditionNotFound")} onRetry={reload} />
        <Link href="/conditions">{t("pubConditionsAll")}</Link>
      </section>
    );
  const c = cond.value;
  return (
    <>
      <article className="card section-text">
        <p>
          <Link href="/conditions">← {t("pubConditionsAll")}</Link>
        </p>
        <h1>{c.name}</h1>
        <ReviewState review={c.review} />
        {c.synonyms.length ? (
          <p className="muted">
            {t("pubSynonyms")}: {c.synonyms.join(", ")}
          </p>
        ) : null}
        <p>
          <strong>{c.summary}</strong>
        </p>
        {sections.map(([k, label]) =>
          c[k] ? (
            <section key={k}>
              <h2>{t(label)}</h2>
              <p className="prewrap">{c[k]}</p>
            </section>
          ) : null,
        )}
        {c.consultation_types.length ? (
          <section>
            <h2>{t("pubFittingTypes")}</h2>
            <ul className="chips">
              {c.consultation_types.map((ty) => (
                <li key={ty}>
                  <Link href={`/doctors?type=${ty}&q=${encodeURIComponent(c.name)}`}>{t(`type_${ty}`)}</Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </article>
      <section className="card">
        <h2>{t("pubComments")}</h2>
        {c.comments.length === 0 ? <p>{t("pubNoComments")}</p> : null}
        <ul className="reviews">
          {c.comments.map((m) => (
            <li key={m.id}>
              <strong>{m.author || t("pubAnonymous")}</strong>{" "}
              <span className="muted">· {formatDateTime(m.created_at, lang)}</span>
              <p className="prewrap">{m.body}</p>
            </li>
          ))}
        </ul>
        <CommentForm slug={c.slug} />
      </section>
    </>
  );
}

function CommentForm({ slug }: { slug: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [body, setBody] = useState("");
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();
  const [error, setError] = useState("");
  if (user === undefined) return null;
  if (user === null)
    return (
      <p>
        <Link href={loginHref(location.pathname)}>{t("pubCommentLogin")}</Link>
      </p>
    );
  if (sent) return <Notice kind="ok">{t("pubCommentPending")}</Notice>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    if (!body.trim()) {
      setError(t("required"));
      return;
    }
    setError("");
    try {
      const {
        data,
        error: problem,
        response,
      } = await api.POST("/v1/conditions/{slug}/comments", {
        params: { path: { slug } },
        body: { body: body.trim() },
      });
      if (data) setSent(true);
      else setFailure(failureOf(response, problem));
    } catch {
      setFailure({ kind: "offline" });
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field label={t("pubCommentLabel")} id="comment" error={error}>
        <textarea
          id="comment"
          rows={3}
          maxLength={2000}
          value={body}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "comment-error" : undefined}
          onChange={(e) => setBody(e.target.value)}
        />
      </Field>
      {failure ? <ProblemNotice failure={failure} /> : null}
      <button type="submit">{t("pubCommentSend")}</button>
    </form>
  );
}

/**
 * WizardPage walks the DermaWizard one question at a time; the API is
 * stateless, so the page keeps the answers and sends them all each step.
 */
export function WizardPage() {
  const { t, lang } = useI18n();
  const [answers, setAnswers] = useState<WizardAnswers>({});
  const [history, setHistory] = useState<string[]>([]);
  const [finish, setFinish] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [pickError, setPickError] = useState(false);
  const [step, reload] = useLoad(
    (signal) =>
      api.POST("/v1/wizard", {
        body: { lang, answers: finish ? { ...answers, finish: [] } : answers },
        signal,
      }),
    [lang, answers, finish],
  );
  const cur: WizardStep | undefined = step.state === "ok" ? step.value : undefined;
  const question = cur && !cur.done ? cur.question : undefined;
  useEffect(() => {
    setPicked(question ? (answers[question.id] ?? []) : []);
    setPickError(false);
  }, [question, answers]);

  const answer = (ids: string[]) => {
    if (!question) return;
    if (ids.length === 0) {
      setPickError(true);
      return;
    }
    setHistory([...history, question.id]);
    setAnswers({ ...answers, [question.id]: ids });
  };
  const back = () => {
    const last = history[history.length - 1];
    if (!last) return;
    const rest = { ...answers };
    delete rest[last];
    setHistory(history.slice(0, -1));
    setFinish(false);
    setAnswers(rest);
  };
  const restart = () => {
    setHistory([]);
    setFinish(false);
    setAnswers({});
  };
  const flags = cur
    ? [...(cur.urgent ? [cur.urgent] : []), ...cur.red_flags.filter((f) => f.rule !== cur.urgent?.rule)]
    : [];

  return (
    <section className="card wizard">
      <h1>{t("pubWizardTitle")}</h1>
      {flags.length ? (
        <div className="urgent" role="alert" data-testid="red-flags">
          <h2>{t("pubWizardUrgent")}</h2>
          <ul>
            {flags.map((f) => (
              <li key={f.rule}>{f.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {step.state === "loading" ? <Loading /> : null}
      {step.state === "failed" ? <ProblemNotice failure={step.failure} onRetry={reload} /> : null}
      {question && cur ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            answer(picked);
          }}
        >
          <p className="hint" data-testid="wizard-progress">
            {fill(t("pubWizardProgress"), {
              n: cur.progress.answered + 1,
              total: Math.max(cur.progress.total, cur.progress.answered + 1),
            })}
          </p>
          <progress max={Math.max(cur.progress.total, 1)} value={cur.progress.answered} aria-hidden="true" />
          <fieldset className="choices">
            <legend>{question.text}</legend>
            {question.answers.map((a) => (
              <label key={a.id} className="choice">
                <input
                  type={question.kind === "multi" ? "checkbox" : "radio"}
                  name={question.id}
                  value={a.id}
                  checked={picked.includes(a.id)}
                  onChange={() =>
                    setPicked(
                      question.kind === "multi"
                        ? toggleAnswer(
                            picked,
                            a.id,
                            Boolean(a.exclusive),
                            question.answers.filter((x) => x.exclusive).map((x) => x.id),
                          )
                        : [a.id],
                    )
                  }
                />
                <span>{a.text}</span>
              </label>
            ))}
          </fieldset>
          {pickError ? <Notice kind="error">{t("pubWizardPick")}</Notice> : null}
          <div className="actions">
            <button type="submit">{t("pubWizardNext")}</button>
            {history.length ? (
              <button type="button" className="secondary" onClick={back}>
                {t("pubWizardBack")}
              </button>
            ) : null}
            {history.length ? (
              <button type="button" className="secondary" onClick={() => setFinish(true)}>
                {t("pubWizardFinish")}
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      {cur?.done ? <WizardResults step={cur} /> : null}
      {cur ? <p className="hint disclaimer">{cur.disclaimer}</p> : null}
      {cur?.done || history.length ? (
        <div className="actions">
          {cur?.done && history.length ? (
            <button type="button" className="secondary" onClick={back}>
              {t("pubWizardBack")}
            </button>
          ) : null}
          <button type="button" className="link" onClick={restart}>
            {t("pubWizardRestart")}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function WizardResults({ step }: { step: WizardStep }) {
  const { t } = useI18n();
  return (
    <div data-testid="wizard-results">
      <h2>{t("pubWizardResults")}</h2>
      {step.results.length === 0 ? <p>{t("pubWizardNoResults")}</p> : null}
      <ol className="results-list ranked">
        {step.results.map((r) => (
          <li key={r.slug} className="condition-item">
            <h3>
              <Link href={`/conditions/${encodeURIComponent(r.slug)}`}>{r.name}</Link>
              {r.urgent ? <span className="badge-urgent"> {t("pubWizardUrgentMark")}</span> : null}
            </h3>
            {r.reasons.length ? <p className="muted">{r.reasons.join(" · ")}</p> : null}
          </li>
        ))}
      </ol>
      {step.doctors.length && step.doctors_consultation_type ? (
        <>
          <h2>{fill(t("pubWizardDoctors"), { type: t(`type_${step.doctors_consultation_type}`) })}</h2>
          <ul className="results-list">
            {step.doctors.map((d) => (
              <li key={d.id} className="condition-item">
                <Link href={`/doctors/${d.id}`}>{d.name}</Link> <span className="muted">· {d.city}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
