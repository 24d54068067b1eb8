// The doctor's questionnaire on the patient's side: the page that fills it
// in (linked from the invitation), the list of questionnaires still to fill
// in (portal), and the answers as the doctor reads them with the booking.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, setGuestAccess } from "../api/client";
import { Field, Link, Notice } from "../components";
import { DateInput } from "../dateInput";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import {
  answersOf,
  answerText,
  type ConsultationQuestionnaire,
  type FilledQuestionnaire,
  type Question,
  type Questionnaire,
  type Values,
} from "../questionnaire";
import { OutcomeNotice, PinGate, pinRefusal, Show, useAction, useLoginRequired } from "./portalParts";
import { useLoad } from "./publicParts";

type Load =
  | { state: "loading" }
  | { state: "ok"; value: ConsultationQuestionnaire }
  | { state: "pin"; slug: string }
  | { state: "notFound" }
  | { state: "error" };

/** QuestionnairePage is /consultations/:id/questionnaire: fill in the doctor's questionnaire. */
export function QuestionnairePage({ id, access }: { id: string; access: string }) {
  if (access) setGuestAccess(access);
  const { t } = useI18n();
  const ready = useLoginRequired(!access);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [sent, setSent] = useState(false);
  const reload = useCallback(async () => {
    try {
      const res = await api.GET("/v1/consultations/{id}/questionnaire", { params: { path: { id } } });
      if (res.data) setLoad({ state: "ok", value: res.data });
      else if (pinRefusal(res)) setLoad({ state: "pin", slug: pinRefusal(res) });
      else if (res.response.status === 404) setLoad({ state: "notFound" });
      else setLoad({ state: "error" });
    } catch {
      setLoad({ state: "error" });
    }
  }, [id]);
  useEffect(() => {
    if (ready) void reload();
  }, [ready, reload]);
  const q = access ? `?access=${encodeURIComponent(access)}` : "";
  let body: React.ReactNode;
  switch (load.state) {
    case "loading":
      body = <p aria-busy="true">{t("loading")}</p>;
      break;
    case "pin":
      return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
    case "notFound":
      body = <Notice kind="error">{access ? t("linkExpired") : t("notFoundConsultation")}</Notice>;
      break;
    case "error":
      body = <Notice kind="error">{t("errorGeneric")}</Notice>;
      break;
    default: {
      const v = load.value;
      if (v.state === "filled" && v.response) {
        body = (
          <>
            {sent ? <Notice kind="ok">{t("qnrSent")}</Notice> : null}
            <FilledAnswers filled={v.response} />
          </>
        );
      } else if (v.state === "to_fill" && v.questionnaire) {
        body = (
          <FillForm
            id={id}
            questionnaire={v.questionnaire}
            onSent={() => {
              setSent(true);
              void reload();
            }}
            onChanged={() => void reload()}
          />
        );
      } else {
        body = <Notice kind="info">{v.state === "closed" ? t("qnrClosed") : t("qnrNoneToFill")}</Notice>;
      }
    }
  }
  return (
    <section className="card">
      <p>
        <Link href={`/consultations/${id}${q}`}>← {t("toConsultation")}</Link>
      </p>
      <h1>
        {load.state === "ok" && load.value.questionnaire ? load.value.questionnaire.title : t("qnrFillTitle")}
      </h1>
      {body}
    </section>
  );
}

type ProblemBody = { errors?: { field: string; reason: string }[]; type?: string };

function FillForm({
  id,
  questionnaire,
  onSent,
  onChanged,
}: {
  id: string;
  questionnaire: Questionnaire;
  onSent: () => void;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [changed, setChanged] = useState(false);
  const [pinNeeded, setPinNeeded] = useState("");
  const { busy, outcome, run } = useAction();
  const set = (qid: string, v: Values[string]) => setValues((old) => ({ ...old, [qid]: v }));

  const upload = async (qid: string, file: File | undefined) => {
    if (!file) return;
    const form = new FormData();
    form.append("photo", file);
    const res = await run(() =>
      api.POST("/v1/consultations/{id}/questionnaire/photos", {
        params: { path: { id } },
        // biome-ignore lint/suspicious/noExplicitAny: multipart body is FormData, sent as is
        body: form as any,
        bodySerializer: (b) => b as unknown as FormData,
      }),
    );
    if (res?.data) set(qid, res.data.id);
    else if (res) setPinNeeded(pinRefusal(res));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { answers, missing } = answersOf(questionnaire.questions, values);
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((m) => [m, t("qnrMissing")])));
      return;
    }
    setErrors({});
    const res = await run(() =>
      api.POST("/v1/consultations/{id}/questionnaire", {
        params: { path: { id } },
        body: { version: questionnaire.version, answers },
      }),
    );
    if (!res) return;
    if (res.response.ok) {
      onSent();
      return;
    }
    const slug = pinRefusal(res);
    if (slug) {
      setPinNeeded(slug);
      return;
    }
    const problem = res.error as ProblemBody | undefined;
    if (res.response.status === 422 && problem?.errors) {
      setErrors(
        Object.fromEntries(
          problem.errors.map((er) => [
            er.field.replace(/^answers\./, ""),
            fill(t("qnrInvalid"), { reason: er.reason }),
          ]),
        ),
      );
    } else if (res.response.status === 409) {
      setChanged(true);
      onChanged();
    }
  };
  if (pinNeeded) return <PinGate slug={pinNeeded} onUnlocked={() => setPinNeeded("")} />;
  return (
    <form
      className="questionnaire"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="questionnaire-form"
    >
      <p>{t("qnrFillIntro")}</p>
      {changed ? <Notice kind="info">{t("qnrChanged")}</Notice> : null}
      {questionnaire.questions.map((q) => (
        <QuestionInput
          key={q.id}
          q={q}
          value={values[q.id]}
          error={errors[q.id]}
          onChange={(v) => set(q.id, v)}
          onPhoto={(f) => void upload(q.id, f)}
        />
      ))}
      <OutcomeNotice
        outcome={outcome?.kind === "failed" && Object.keys(errors).length > 0 ? undefined : outcome}
      />
      <button type="submit" disabled={busy}>
        {t("qnrSend")}
      </button>
    </form>
  );
}

function QuestionInput({
  q,
  value,
  error,
  onChange,
  onPhoto,
}: {
  q: Question;
  value: Values[string];
  error?: string;
  onChange: (v: Values[string]) => void;
  onPhoto: (f: File | undefined) => void;
}) {
  const { t } = useI18n();
  const fid = `qn-${q.id}`;
  const label = q.required ? q.label : `${q.label} ${t("qnrOptional")}`;
  const described = error ? `${fid}-error` : q.help ? `${fid}-help` : undefined;
  const help = q.help ? (
    <span className="hint" id={`${fid}-help`}>
      {q.help}
    </span>
  ) : null;
  const str = typeof value === "string" ? value : "";
  if (q.kind === "yes_no" || q.kind === "multiple_choice") {
    const picked = Array.isArray(value) ? value : [];
    const choices: [string, string][] =
      q.kind === "yes_no"
        ? [
            ["yes", t("qnrYes")],
            ["no", t("qnrNo")],
          ]
        : (q.options ?? []).map((o) => [o, o]);
    return (
      <fieldset className="field" aria-describedby={described}>
        <legend>{label}</legend>
        {help}
        {choices.map(([v, text], i) => (
          <label key={v} className="choice" htmlFor={`${fid}-${i}`}>
            <input
              id={`${fid}-${i}`}
              type={q.kind === "yes_no" ? "radio" : "checkbox"}
              name={fid}
              checked={q.kind === "yes_no" ? value === (v === "yes") : picked.includes(v)}
              onChange={(e) =>
                onChange(
                  q.kind === "yes_no"
                    ? v === "yes"
                    : e.target.checked
                      ? [...picked, v]
                      : picked.filter((p) => p !== v),
                )
              }
            />{" "}
            {text}
          </label>
        ))}
        {error ? (
          <span className="field-error" id={`${fid}-error`}>
            {error}
          </span>
        ) : null}
      </fieldset>
    );
  }
  let input: React.ReactNode;
  switch (q.kind) {
    case "long_text":
      input = (
        <textarea
          id={fid}
          rows={4}
          value={str}
          aria-describedby={described}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "single_choice":
      input = (
        <select id={fid} value={str} aria-describedby={described} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t("qnrChoose")}</option>
          {(q.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "number":
      input = (
        <input
          id={fid}
          inputMode="decimal"
          value={str}
          aria-describedby={described}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "date":
      input = <DateInput id={fid} value={str} aria-describedby={described} onChange={onChange} />;
      break;
    case "photo":
      input = (
        <>
          <input
            id={fid}
            type="file"
            accept="image/jpeg,image/png"
            aria-describedby={described}
            onChange={(e) => onPhoto(e.target.files?.[0])}
          />
          {str ? (
            <span className="hint" data-testid={`${fid}-done`}>
              {t("qnrPhotoDone")}
            </span>
          ) : null}
        </>
      );
      break;
    default:
      input = (
        <input id={fid} value={str} aria-describedby={described} onChange={(e) => onChange(e.target.value)} />
      );
  }
  return (
    <Field label={label} id={fid} error={error}>
      {help}
      {input}
    </Field>
  );
}

/** FilledAnswers lists a filled form: each question of the version answered with its answer. */
export function FilledAnswers({
  filled,
  photoSrc,
}: {
  filled: FilledQuestionnaire;
  photoSrc?: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  return (
    <section aria-labelledby="qnr-answers" data-testid="questionnaire-answers">
      <h2 id="qnr-answers">{filled.title}</h2>
      <p className="hint">
        {fill(t("qnrAnswered"), { date: formatDateTime(filled.submitted_at, lang), version: filled.version })}
      </p>
      <dl className="facts">
        {filled.items.map(({ question, answer }) => (
          <div key={question.id}>
            <dt>{question.label}</dt>
            <dd className="prewrap" data-answer={question.id}>
              {question.kind === "photo" && typeof answer === "string" && photoSrc ? (
                <img className="answer-photo" src={photoSrc(answer)} alt={question.label} />
              ) : (
                answerText(question, answer, t("qnrYes"), t("qnrNo"))
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** DoctorQuestionnaireAnswers is the questionnaire part of the dashboard's consultation page. */
export function DoctorQuestionnaireAnswers({ id, type }: { id: string; type: string }) {
  const { t } = useI18n();
  const [loaded, retry] = useLoad(
    (signal) => api.GET("/v1/doctor/consultations/{id}/questionnaire", { params: { path: { id } }, signal }),
    [id],
  );
  // Email advice shows its intake form above; only the doctor's own questionnaire goes here.
  if (type === "email_advice") return null;
  return (
    <Show loaded={loaded} retry={retry}>
      {(v) =>
        v.state === "filled" && v.response ? (
          <FilledAnswers filled={v.response} photoSrc={(p) => `/v1/doctor/consultations/${id}/photos/${p}`} />
        ) : v.state === "none" ? null : (
          <section aria-labelledby="qnr-answers">
            <h2 id="qnr-answers">{t("qnrAnswers")}</h2>
            <p data-testid="questionnaire-not-yet">{t("qnrNotYet")}</p>
          </section>
        )
      }
    </Show>
  );
}
