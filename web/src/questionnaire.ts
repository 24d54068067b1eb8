// Doctors' questionnaires in the client: the builder's draft (questions in
// order, each with a stable id), and the patient's answers as the API takes
// them. The API checks both again (domain.Questionnaire.Check, CheckAnswers).
import type { components } from "./api/schema";

export type Question = components["schemas"]["Question"];
export type QuestionKind = Question["kind"];
export type Questionnaire = components["schemas"]["Questionnaire"];
export type ConsultationQuestionnaire = components["schemas"]["ConsultationQuestionnaire"];
export type FilledQuestionnaire = components["schemas"]["FilledQuestionnaire"];
export type QuestionnaireType = "video" | "in_person" | "walk_in";

export const questionKinds: QuestionKind[] = [
  "text",
  "long_text",
  "single_choice",
  "multiple_choice",
  "yes_no",
  "number",
  "date",
  "photo",
];
export const questionnaireTypes: QuestionnaireType[] = ["video", "in_person", "walk_in"];

/** isChoice reports whether a kind has options. */
export function isChoice(kind: QuestionKind): boolean {
  return kind === "single_choice" || kind === "multiple_choice";
}

/** newQuestionId is an id no question of the list has yet (q1, q2, …). */
export function newQuestionId(questions: Question[]): string {
  const taken = new Set(questions.map((q) => q.id));
  let n = questions.length + 1;
  while (taken.has(`q${n}`)) n++;
  return `q${n}`;
}

/** move returns the list with question i moved by delta places (clamped). */
export function move<T>(list: T[], i: number, delta: number): T[] {
  const j = Math.min(Math.max(i + delta, 0), list.length - 1);
  if (i === j || i < 0 || i >= list.length) return list;
  const out = [...list];
  out.splice(j, 0, ...out.splice(i, 1));
  return out;
}

/** optionsOf reads the options of a choice from one option per line. */
export function optionsOf(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const o = line.trim();
    if (o && !seen.has(o)) {
      seen.add(o);
      out.push(o);
    }
  }
  return out;
}

/** cleanQuestion drops the fields a question of its kind does not take. */
export function cleanQuestion(q: Question): Question {
  const out: Question = { id: q.id, kind: q.kind, label: q.label.trim(), required: Boolean(q.required) };
  if (q.help?.trim()) out.help = q.help.trim();
  if (isChoice(q.kind)) out.options = q.options ?? [];
  return out;
}

/** draftProblems names what the API would refuse in a draft (by question index). */
export function draftProblems(title: string, questions: Question[]): Record<string, string> {
  const p: Record<string, string> = {};
  if (!title.trim()) p.title = "qnrNeedTitle";
  if (questions.length === 0) p.questions = "qnrNeedQuestion";
  questions.forEach((q, i) => {
    if (!q.label.trim()) p[`${i}.label`] = "qnrNeedLabel";
    if (isChoice(q.kind) && (q.options ?? []).length < 2) p[`${i}.options`] = "qnrNeedOptions";
  });
  return p;
}

/** Values are the patient's inputs by question id, as the form holds them. */
export type Values = Record<string, string | string[] | boolean | undefined>;

/**
 * answersOf turns the form's values into the API's answers: empty inputs
 * are left out, numbers become numbers ("2,5" too), yes/no a boolean.
 * missing lists the required questions without an answer.
 */
export function answersOf(
  questions: Question[],
  values: Values,
): { answers: Record<string, unknown>; missing: string[] } {
  const answers: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const q of questions) {
    const v = values[q.id];
    let a: unknown;
    switch (q.kind) {
      case "multiple_choice":
        a = Array.isArray(v) && v.length > 0 ? v : undefined;
        break;
      case "yes_no":
        a = typeof v === "boolean" ? v : undefined;
        break;
      case "number": {
        const s = typeof v === "string" ? v.trim().replace(",", ".") : "";
        a = s === "" || Number.isNaN(Number(s)) ? (s === "" ? undefined : s) : Number(s);
        break;
      }
      default:
        a = typeof v === "string" && v.trim() !== "" ? v : undefined;
    }
    if (a === undefined) {
      if (q.required) missing.push(q.id);
    } else answers[q.id] = a;
  }
  return { answers, missing };
}

/** answerText is how a stored answer reads: lists joined, yes/no and dates in words by the caller's t. */
export function answerText(q: Question, answer: unknown, yes: string, no: string): string {
  if (answer === undefined || answer === null) return "—";
  if (q.kind === "yes_no") return answer ? yes : no;
  if (Array.isArray(answer)) return answer.join(", ");
  return String(answer);
}
