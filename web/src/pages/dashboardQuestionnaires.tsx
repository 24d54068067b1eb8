// The doctor's questionnaire builder: per consultation type, a title and
// questions in order (kind, label, help, required, options), published as
// a new version; a questionnaire can be withdrawn.
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import { Field, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import {
  cleanQuestion,
  draftProblems,
  isChoice,
  move,
  newQuestionId,
  optionsOf,
  type Question,
  type Questionnaire,
  type QuestionnaireType,
  questionKinds,
  questionnaireTypes,
} from "../questionnaire";
import { DoctorPage } from "./dashboard";
import { OutcomeNotice, Show, useAction } from "./portalParts";
import { useLoad } from "./publicParts";

/** QuestionnairesPage is /doctor/questionnaires. */
export function QuestionnairesPage() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/questionnaires", { signal }), []);
  const [type, setType] = useState<QuestionnaireType>("video");
  // Kept here: publishing reloads the list, which renews the builder.
  const [published, setPublished] = useState<number | undefined>();
  return (
    <DoctorPage current="/doctor/questionnaires">
      <section className="card">
        <h1>{t("qnrTitle")}</h1>
        <p>{t("qnrIntro")}</p>
        <Field label={t("qnrFor")} id="qnr-type">
          <select
            id="qnr-type"
            value={type}
            onChange={(e) => {
              setType(e.target.value as QuestionnaireType);
              setPublished(undefined);
            }}
          >
            {questionnaireTypes.map((ty) => (
              <option key={ty} value={ty}>
                {t(`type_${ty}`)}
              </option>
            ))}
          </select>
        </Field>
        <Show loaded={loaded} retry={retry}>
          {({ items }) => {
            const current = items.find((q) => q.consultation_type === type);
            return (
              <Builder
                key={`${type}/${current?.version ?? 0}`}
                type={type}
                current={current}
                onDone={(version) => {
                  setPublished(version);
                  retry();
                }}
              />
            );
          }}
        </Show>
        {published ? <Notice kind="ok">{fill(t("qnrPublished"), { version: published })}</Notice> : null}
      </section>
    </DoctorPage>
  );
}

function Builder({
  type,
  current,
  onDone,
}: {
  type: QuestionnaireType;
  current: Questionnaire | undefined;
  onDone: (published?: number) => void;
}) {
  const { t, lang } = useI18n();
  const [title, setTitle] = useState(current?.title ?? "");
  const [questions, setQuestions] = useState<Question[]>(current?.questions ?? []);
  // The options' text per question, as typed (one per line).
  const [optionText, setOptionText] = useState<Record<string, string>>(() =>
    Object.fromEntries((current?.questions ?? []).map((q) => [q.id, (q.options ?? []).join("\n")])),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const { busy, outcome, run } = useAction();
  const problem = (key: string) => {
    const p = problems[key];
    return p ? t(p) : undefined;
  };

  const update = (i: number, change: Partial<Question>) =>
    setQuestions((qs) => qs.map((q, j) => (j === i ? { ...q, ...change } : q)));
  const add = () =>
    setQuestions((qs) => [...qs, { id: newQuestionId(qs), kind: "text", label: "", required: false }]);

  const publish = async (e: FormEvent) => {
    e.preventDefault();
    const draft = questions.map((q) => cleanQuestion({ ...q, options: optionsOf(optionText[q.id] ?? "") }));
    const p = draftProblems(title, draft);
    setProblems(p);
    if (Object.keys(p).length > 0) return;
    const res = await run(() =>
      api.POST("/v1/doctor/questionnaires", {
        body: { consultation_type: type, title: title.trim(), questions: draft },
      }),
    );
    if (res?.data) onDone(res.data.version);
  };
  const withdraw = async () => {
    const res = await run(
      () => api.DELETE("/v1/doctor/questionnaires/{type}", { params: { path: { type } } }),
      t("qnrWithdrawDone"),
    );
    if (res?.response.ok) onDone();
  };

  return (
    <form className="questionnaire-builder" onSubmit={(e) => void publish(e)} noValidate>
      {current ? (
        <p className="hint" data-testid="qnr-current">
          {fill(t("qnrVersion"), { version: current.version })} · {formatDateTime(current.published_at, lang)}
          {current.active ? "" : ` · ${t("qnrWithdrawn")}`}
        </p>
      ) : (
        <p className="hint">{t("qnrNone")}</p>
      )}
      <Field label={t("qnrListTitle")} id="qnr-title" error={problem("title")}>
        <input id="qnr-title" value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <ol className="questions">
        {questions.map((q, i) => {
          const fid = `qb-${q.id}`;
          return (
            <li key={q.id}>
              <fieldset>
                <legend>{fill(t("qnrQuestion"), { n: i + 1 })}</legend>
                <Field label={t("qnrLabel")} id={`${fid}-label`} error={problem(`${i}.label`)}>
                  <input
                    id={`${fid}-label`}
                    value={q.label}
                    maxLength={300}
                    onChange={(e) => update(i, { label: e.target.value })}
                  />
                </Field>
                <Field label={t("qnrKind")} id={`${fid}-kind`}>
                  <select
                    id={`${fid}-kind`}
                    value={q.kind}
                    onChange={(e) => update(i, { kind: e.target.value as Question["kind"] })}
                  >
                    {questionKinds.map((k) => (
                      <option key={k} value={k}>
                        {t(`qnrKind_${k}`)}
                      </option>
                    ))}
                  </select>
                </Field>
                {isChoice(q.kind) ? (
                  <Field label={t("qnrOptions")} id={`${fid}-options`} error={problem(`${i}.options`)}>
                    <textarea
                      id={`${fid}-options`}
                      rows={3}
                      value={optionText[q.id] ?? ""}
                      onChange={(e) => setOptionText((o) => ({ ...o, [q.id]: e.target.value }))}
                    />
                  </Field>
                ) : null}
                <Field label={t("qnrHelp")} id={`${fid}-help`}>
                  <input
                    id={`${fid}-help`}
                    value={q.help ?? ""}
                    maxLength={500}
                    onChange={(e) => update(i, { help: e.target.value })}
                  />
                </Field>
                <label className="choice" htmlFor={`${fid}-required`}>
                  <input
                    id={`${fid}-required`}
                    type="checkbox"
                    checked={Boolean(q.required)}
                    onChange={(e) => update(i, { required: e.target.checked })}
                  />{" "}
                  {t("qnrRequired")}
                </label>
                <div className="actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={i === 0}
                    onClick={() => setQuestions((qs) => move(qs, i, -1))}
                  >
                    {t("qnrUp")}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={i === questions.length - 1}
                    onClick={() => setQuestions((qs) => move(qs, i, 1))}
                  >
                    {t("qnrDown")}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))}
                  >
                    {t("qnrRemove")}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      {problems.questions ? <Notice kind="error">{t(problems.questions)}</Notice> : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={add}>
          {t("qnrAdd")}
        </button>
        <button type="submit" disabled={busy}>
          {t("qnrPublish")}
        </button>
        {current?.active ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()}>
            {t("qnrWithdraw")}
          </button>
        ) : null}
      </div>
      <OutcomeNotice outcome={outcome} />
    </form>
  );
}
