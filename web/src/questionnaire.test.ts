import { describe, expect, it } from "vitest";
import {
  answersOf,
  answerText,
  cleanQuestion,
  draftProblems,
  move,
  newQuestionId,
  optionsOf,
  type Question,
} from "./questionnaire";

const itch: Question = { id: "itch", kind: "yes_no", label: "Itch?", required: true };
const count: Question = { id: "n", kind: "number", label: "How many?" };
const where: Question = { id: "where", kind: "multiple_choice", label: "Where?", options: ["arms", "legs"] };
const qs: Question[] = [{ id: "why", kind: "long_text", label: "Why?", required: true }, itch, count, where];

describe("the builder", () => {
  it("gives new questions ids no other question has", () => {
    expect(newQuestionId([])).toBe("q1");
    expect(
      newQuestionId([
        { id: "q2", kind: "text", label: "x" },
        { id: "q3", kind: "text", label: "y" },
      ]),
    ).toBe("q4");
  });
  it("moves questions within bounds", () => {
    expect(move(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(move(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
    expect(move(["a", "b", "c"], 2, -2)).toEqual(["c", "a", "b"]);
  });
  it("reads options one per line, distinct", () => {
    expect(optionsOf(" red \n\nbrown\nred\n")).toEqual(["red", "brown"]);
  });
  it("keeps options only on choices", () => {
    expect(cleanQuestion({ id: "a", kind: "text", label: " A ", options: ["x"] })).toEqual({
      id: "a",
      kind: "text",
      label: "A",
      required: false,
    });
    expect(
      cleanQuestion({ id: "a", kind: "single_choice", label: "A", options: ["x", "y"], required: true })
        .options,
    ).toEqual(["x", "y"]);
  });
  it("names what a draft lacks", () => {
    expect(draftProblems("", [])).toEqual({ title: "qnrNeedTitle", questions: "qnrNeedQuestion" });
    expect(draftProblems("T", [{ id: "a", kind: "single_choice", label: "", options: ["x"] }])).toEqual({
      "0.label": "qnrNeedLabel",
      "0.options": "qnrNeedOptions",
    });
  });
});

describe("the answers", () => {
  it("leave empty inputs out and name the missing required ones", () => {
    expect(answersOf(qs, { why: "  ", n: "", where: [] })).toEqual({ answers: {}, missing: ["why", "itch"] });
  });
  it("take numbers with a decimal comma, booleans and lists", () => {
    expect(answersOf(qs, { why: "a rash", itch: false, n: "2,5", where: ["legs"] })).toEqual({
      answers: { why: "a rash", itch: false, n: 2.5, where: ["legs"] },
      missing: [],
    });
  });
  it("send a number that is none as it is, for the API to name", () => {
    expect(answersOf(qs, { why: "x", itch: true, n: "many" }).answers.n).toBe("many");
  });
  it("read back in words", () => {
    expect(answerText(itch, true, "yes", "no")).toBe("yes");
    expect(answerText(where, ["arms", "legs"], "yes", "no")).toBe("arms, legs");
    expect(answerText(count, undefined, "yes", "no")).toBe("—");
  });
});
