/**
 * Exercise answers for the lab. Neither tslab nor Deno's kernel has widget
 * comms, so an exercise is a cell the learner edits: they call
 * `checkAnswers({...})` with their answers and display the verdict.
 */
import fs from "node:fs";
import { inspect, type InspectOptions } from "node:util";
import path from "node:path";
import { AnswersError, labMessages as msg } from "./messages";
import { LAB_DATA_DIR } from "../common/paths";
import { html } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";

/** The lab's answer file: data/answers.json (from the original MSTICPy lab). */
export const ANSWERS_PATH = path.join(LAB_DATA_DIR, "answers.json");

/** Reads an answers file: question id → expected answer (as text). */
export function loadAnswers(file: string = ANSWERS_PATH): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new AnswersError(msg.answersUnreadable(file, (err as Error).message));
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AnswersError(msg.answersNotAnObject(file));
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** A learner's answer: text, a number or a date. */
export type Answer = string | number | Date | null | undefined;

/** The verdict on one question. */
export interface AnswerResult {
  question: string;
  /** False when no (or an empty) answer was given. */
  answered: boolean;
  correct: boolean;
  /** The answer as given, as text. */
  given: string;
}

/**
 * Comparable form of an answer: trimmed, lower case; a date or date-time → its
 * day (YYYY-MM-DD); a number → its digits without thousands separators.
 */
function normalise(value: Answer): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  const text = String(value).trim().toLowerCase();
  const day = /^(\d{4}-\d{2}-\d{2})(?:[t ]|$)/.exec(text);
  if (day) return day[1];
  if (/^[+-]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?$/.test(text)) return String(Number(text.replace(/[,_ ]/g, "")));
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) return String(Number(text));
  return text;
}

/** The verdicts on a set of answers; displays as a short ✓/✗ list. */
export class AnswerCheck implements Displayable {
  constructor(readonly results: readonly AnswerResult[]) {}

  /** True when every question was answered correctly. */
  get allCorrect(): boolean {
    return this.results.every((r) => r.correct);
  }

  toText(): string {
    const lines = this.results.map((r) =>
      r.correct ? `✓ ${r.question}: ${r.given} is right.` : r.answered ? `✗ ${r.question}: ${r.given} is not quite right, try again.` : `… ${r.question}: no answer yet.`,
    );
    lines.push(this.allCorrect ? "All correct, well done!" : `${this.results.filter((r) => r.correct).length} of ${this.results.length} correct.`);
    return lines.join("\n");
  }

  toHtml(): string {
    const items = this.results.map((r) => {
      const [mark, colour, verdict] = r.correct ? ["✓", "color-mix(in srgb,#1a7f37 60%,currentColor)", "right"] : r.answered ? ["✗", "color-mix(in srgb,#cf222e 60%,currentColor)", "not quite right, try again"] : ["…", "color-mix(in srgb,#6e7781 50%,currentColor)", "no answer yet"];
      return html`<li><span style="color:${colour};font-weight:bold">${mark}</span> <code>${r.question}</code>: ${r.answered ? html`<code>${r.given}</code> is ` : ""}${verdict}</li>`;
    });
    const summary = this.allCorrect ? "All correct, well done!" : `${this.results.filter((r) => r.correct).length} of ${this.results.length} correct.`;
    const body = html`<div class="hl-answers"><ul style="list-style:none;padding-left:0;margin:4px 0">${items}</ul><p style="margin:4px 0">${summary}</p></div>`;
    return htmlView({ kind: "answers", fallback: { alt: summary, html: body }, text: this.toText() }).toHtml();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `AnswerCheck: ${this.results.filter((r) => r.correct).length} of ${this.results.length} correct`);
  }
}

/** Options of `checkAnswers`. */
export interface CheckAnswersOptions {
  /** Answers file. Default: the lab's data/answers.json (or the exercise's file, see `exercise`). */
  answersPath?: string;
  /**
   * An exercise with its own answers file, `data/answers_<exercise>.json`
   * (`"pivots"`: the pivot exercise). Default: none (data/answers.json).
   */
  exercise?: string;
}

/** The answers file of an exercise: `data/answers_<exercise>.json`. */
export function exerciseAnswersPath(exercise: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(exercise)) {
    throw new AnswersError(msg.answersUnreadable(`exercise ${JSON.stringify(exercise).slice(0, 60)}`, "an exercise name is letters, digits, - and _"));
  }
  return path.join(LAB_DATA_DIR, `answers_${exercise}.json`);
}

/**
 * Checks answers against the lab's answer file. Every question of the file is
 * reported (unanswered ones as such); unknown question ids are an error.
 *
 * @example display(checkAnswers({ question1: "2020-07-10", question2: 29670 }))
 * @example display(checkAnswers({ country: "United States", highIp: "131.107.147.209" }, { exercise: "pivots" }))
 */
export function checkAnswers(answers: Record<string, Answer>, options: CheckAnswersOptions = {}): AnswerCheck {
  const expected = loadAnswers(options.answersPath ?? (options.exercise === undefined ? undefined : exerciseAnswersPath(options.exercise)));
  const unknown = Object.keys(answers).filter((q) => !(q in expected));
  if (unknown.length) {
    throw new AnswersError(msg.unknownQuestion(unknown, Object.keys(expected)));
  }
  return new AnswerCheck(
    Object.keys(expected).map((question) => {
      const given = answers[question];
      const answered = normalise(given) !== "";
      const shown = given instanceof Date ? given.toISOString() : given === null || given === undefined ? "" : String(given);
      return { question, answered, correct: answered && normalise(given) === normalise(expected[question]), given: shown };
    }),
  );
}
