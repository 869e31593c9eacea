/**
 * Exercise answers for the lab. Neither tslab nor Deno's kernel has widget
 * comms, so an exercise is a cell the learner edits: they call
 * `checkAnswers({...})` with their answers and display the verdict.
 */
import { inspect, type InspectOptions } from "node:util";
import path from "node:path";
import { AnswersError, labFeedback as say, labMessages as msg } from "./messages";
import { fileProblemText } from "../common/messages";
import { LAB_DATA_DIR } from "../common/paths";
import { parseJsonIntegersAsText } from "../common/json";
import { readRegularFile } from "../common/regularFile";
import { html } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { findUnknownOption, unknownOptionText } from "../common/errors";
import { shownText } from "../display/shownText";
import { canonicalDecimal } from "../common/decimal";

/** The lab's answer file: data/answers.json (from the original MSTICPy lab). */
export const ANSWERS_PATH = path.join(LAB_DATA_DIR, "answers.json");

/** An expected answer: text, or a list of texts (the answer is that set of values). */
export type ExpectedAnswer = string | string[];

/**
 * The parsed JSON of one of the lab's answer or result files; an unreadable one is an `AnswersError` naming it.
 * A folder, FIFO, socket or device is refused before it is opened (a FIFO's open waited for a writer forever).
 */
export function readLabJson(file: string): unknown {
  const fail = (detail: string) => new AnswersError(msg.answersUnreadable(file, detail));
  // A byte-order mark (Windows editors write one) is no JSON: read past it, as the data readers do.
  const text = readRegularFile(file, {}, (p) => fail(fileProblemText(p))).toString("utf8").replace(/^\uFEFF/, "");
  try {
    // Whole numbers past 2^53 as their digits: JSON.parse rounded an answer of 9007199254740993 to …992.
    return parseJsonIntegersAsText(text);
  } catch (err) {
    throw fail((err as Error).message);
  }
}

/** Reads an answers file: question id → expected answer (as text, or a list of texts). */
export function loadAnswers(file: string = ANSWERS_PATH): Record<string, ExpectedAnswer> {
  const parsed = readLabJson(file);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AnswersError(msg.answersNotAnObject(file));
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(answerText) : answerText(v)]));
}

/** Longest answer shown back in a verdict, in characters. */
const MAX_SHOWN_ANSWER = 200;

/** A value of an answer as text: an object as JSON (it was "[object Object]"). */
function shownValue(value: unknown): string {
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
    } catch {
      return String(value);
    }
  }
  return answerText(value);
}

/** An answer as text; a number in plain decimals (String(1e21) is "1e+21", which no number answer matched). */
function answerText(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || !/e/i.test(String(value))) return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  return value.toFixed(20).replace(/\.?0+$/, "");
}

/** A learner's answer: text, a number, a date, or a list of values (for a question whose answer is a set). */
export type Answer = string | number | bigint | Date | null | undefined | readonly unknown[];

/** The verdict on one question. */
export interface AnswerResult {
  question: string;
  /** False when no (or an empty) answer was given. */
  answered: boolean;
  correct: boolean;
  /** The answer as given, as text. */
  given: string;
  /** For a list answer that is not right: how far off it is (without giving the answer away). */
  detail?: string;
}

/** A date, or a date and time (with an optional zone), and nothing else: `2020-07-10`, `2020-07-10T18:00`, `2020-07-10 18:00:00.5Z`. */
const DATE_ANSWER = /^(\d{4}-\d{2}-\d{2})(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The day of a Date answer: its UTC day (the lab's data is UTC), except a
 * Date at local midnight that is not UTC midnight — `new Date(2020, 6, 10)`,
 * `new Date("2020-07-10T00:00")`: the learner meant that local day.
 */
function dateDay(value: Date): string {
  if (Number.isNaN(value.getTime())) return "";
  const localMidnight = value.getHours() === 0 && value.getMinutes() === 0 && value.getSeconds() === 0 && value.getMilliseconds() === 0;
  if (localMidnight && value.getUTCHours() + value.getUTCMinutes() !== 0) {
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, "0")}-${String(value.getDate()).padStart(2, "0")}`;
  }
  return value.toISOString().slice(0, 10);
}

/**
 * Comparable form of an answer: trimmed, lower case; a date or date-time → its
 * day (YYYY-MM-DD; with a zone, the UTC day of that instant); a number → its
 * digits without thousands separators.
 */
function normalise(value: Answer): string {
  if (value === null || value === undefined) return "";
  if (isSeries(value)) return normaliseList(value.toArray() as unknown[]).join("\n");
  if (Array.isArray(value)) return normaliseList(value).join("\n");
  if (value instanceof Date) return dateDay(value);
  const text = answerText(value).trim().toLowerCase();
  const day = DATE_ANSWER.exec(text);
  if (day) return day[2] ? new Date(text.toUpperCase().replace(" ", "T")).toISOString().slice(0, 10) : day[1];
  if (/^[+-]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?$/.test(text)) return canonicalDecimal(text.replace(/[,_ ]/g, ""));
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) return canonicalDecimal(text);
  return text;
}

/** A polars Series (a column taken without `.toArray()`): its values are the answer. */
function isSeries(value: unknown): value is { toArray(): unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { toArray?: unknown }).toArray === "function" && "dtype" in value;
}

/** A list answer (an array, or a Series) as an array; undefined for one value. */
function listOf(value: Answer): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : isSeries(value) ? (value.toArray() as unknown[]) : undefined;
}

/** A list answer's distinct values, normalised and sorted (order does not matter). */
function normaliseList(values: readonly unknown[]): string[] {
  return [...new Set(values.map((v) => normalise(v instanceof Date ? v : v === null || v === undefined ? "" : String(v))).filter((v) => v !== ""))].sort();
}

/**
 * Two normalised lists hold the same values, element by element: their joined texts
 * matched when one value held the others on lines of its own ("a\nb" was the list a, b).
 */
function sameSet(mine: readonly string[], theirs: readonly string[]): boolean {
  return mine.length === theirs.length && mine.every((v, i) => v === theirs[i]);
}

/** The verdicts on a set of answers; displays as a short ✓/✗ list. */
export class AnswerCheck implements Displayable {
  constructor(readonly results: readonly AnswerResult[]) {}

  /** True when every question was answered correctly. */
  get allCorrect(): boolean {
    return this.results.every((r) => r.correct);
  }

  toText(): string {
    const lines = this.results.map((r) => {
      // The question ids come from the answers file: revealed and cut as the answers are.
      const question = shownText(r.question, MAX_SHOWN_ANSWER);
      return r.correct ? `✓ ${question}: ${r.given} is right.` : r.answered ? `✗ ${question}: ${r.given} is not quite right${r.detail ? ` (${r.detail})` : ""}, try again.` : `… ${question}: no answer yet.`;
    });
    lines.push(this.summary());
    return lines.join("\n");
  }

  /** The last line: all correct, not answered at all, or how many are right. */
  private summary(): string {
    if (this.allCorrect) return "All correct, well done!";
    if (this.results.every((r) => !r.answered)) return say.allNotAnswered();
    return `${this.results.filter((r) => r.correct).length} of ${this.results.length} correct.`;
  }

  toHtml(): string {
    const items = this.results.map((r) => {
      const [mark, colour, verdict] = r.correct
        ? ["✓", "color-mix(in srgb,#1a7f37 60%,currentColor)", "right"]
        : r.answered
          ? ["✗", "color-mix(in srgb,#cf222e 60%,currentColor)", r.detail ? `not quite right (${r.detail}), try again` : "not quite right, try again"]
          : ["…", "color-mix(in srgb,#6e7781 50%,currentColor)", "no answer yet"];
      return html`<li><span style="color:${colour};font-weight:bold">${mark}</span> <code>${r.question}</code>: ${r.answered ? html`<code>${r.given}</code> is ` : ""}${verdict}</li>`;
    });
    const summary = this.summary();
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

const CHECK_ANSWERS_OPTIONS: readonly (keyof CheckAnswersOptions)[] = ["answersPath", "exercise"];

/** The answers file of an exercise: `data/answers_<exercise>.json`. */
export function exerciseAnswersPath(exercise: string): string {
  // `results` names the results file (answers_results.json), which holds no answers.
  if (typeof exercise !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(exercise) || exercise === "results") {
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
 * @example display(checkAnswers({ urls: ["http://a.example/x", "http://b.example"] }, { exercise: "exercise4" }))
 */
export function checkAnswers(answers: Record<string, Answer>, options: CheckAnswersOptions = {}): AnswerCheck {
  if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
    throw new AnswersError(msg.answersNotGiven(answers));
  }
  const unknownOption = findUnknownOption(options ?? {}, CHECK_ANSWERS_OPTIONS);
  if (unknownOption) throw new AnswersError(msg.unknownOption(unknownOptionText("checkAnswers", unknownOption, CHECK_ANSWERS_OPTIONS)));
  const expected = loadAnswers(options.answersPath ?? (options.exercise === undefined ? undefined : exerciseAnswersPath(options.exercise)));
  // Own keys only: `toString` or `__proto__` are no questions because every object answers to them.
  const unknown = Object.keys(answers).filter((q) => !Object.hasOwn(expected, q));
  if (unknown.length) {
    throw new AnswersError(msg.unknownQuestion(unknown, Object.keys(expected)));
  }
  return new AnswerCheck(
    Object.keys(expected).map((question) => {
      const given = Object.hasOwn(answers, question) ? answers[question] : undefined;
      const want = expected[question];
      const answered = normalise(given) !== "";
      const list = listOf(given);
      const raw = given instanceof Date ? (dateDay(given) === given.toISOString().slice(0, 10) ? given.toISOString() : dateDay(given)) : given === null || given === undefined ? "" : list ? list.map(shownValue).join(", ") : shownValue(given);
      // An answer often comes from a log cell: control and bidi characters as escapes, and cut (a 10 kB line before).
      const shown = shownText(raw, MAX_SHOWN_ANSWER);
      const correct = answered && (Array.isArray(want) ? sameSet(normaliseList(list ?? [given as string]), normaliseList(want)) : normalise(given) === normalise(want));
      const result: AnswerResult = { question, answered, correct, given: shown };
      if (answered && !correct && Array.isArray(want)) {
        const mine = normaliseList(list ?? [given as string]);
        const theirs = new Set(normaliseList(want));
        const found = mine.filter((v) => theirs.has(v)).length;
        result.detail = say.listPartlyRight(found, theirs.size, mine.length - found);
      }
      return result;
    }),
  );
}
