/**
 * Exercise answers for the lab. Neither tslab nor Deno's kernel has widget
 * comms, so an exercise is a cell the learner edits: they call
 * `checkAnswers({...})` with their answers and display the verdict.
 */
import fs from "node:fs";
import { inspect, type InspectOptions } from "node:util";
import path from "node:path";
import type pl from "nodejs-polars";
import { AnswersError, labFeedback as say, labMessages as msg } from "./messages";
import { fileProblemText } from "../common/messages";
import { LAB_DATA_DIR } from "../common/paths";
import { parseJsonIntegersAsText } from "../common/json";
import { readRegularFile } from "../common/regularFile";
import { html } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { findUnknownOption, unknownOptionText } from "../common/errors";
import { shownText } from "../common/shownText";
import { canonicalDecimal } from "../common/decimal";
import { columnNames, columnOf, exactValues, isDataFrame, isSeries } from "../common/frames";
import { isLazyFrame, isThenable } from "../common/notAFrame";
import { answerSource, dataPathsOption, type AnswerSource } from "./answerSource";

/** The lab's answer file: data/answers.json (from the original MSTICPy lab). */
export const ANSWERS_PATH = path.join(LAB_DATA_DIR, "answers.json");

/** One right answer: text, or a list of texts (the answer is that set of values). */
export type OneAnswer = string | string[];

/**
 * An expected answer: text, a list of texts (the answer is that set of values), or `{ anyOf: [...] }`, several right
 * answers (either of two hosts; a count with or without a duplicate), each compared as a lone answer is.
 */
export type ExpectedAnswer = OneAnswer | { anyOf: OneAnswer[] };

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

/** Reads an answers file: question id → expected answer (as text, a list of texts, or `{ anyOf: [...] }` of them). */
export function loadAnswers(file: string = ANSWERS_PATH): Record<string, ExpectedAnswer> {
  const parsed = readLabJson(file);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AnswersError(msg.answersNotAnObject(file));
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([question, value]) => [question, expectedAnswer(file, question, value)]));
}

/**
 * One entry of an answers file as text (a list: texts; `{ "anyOf": [...] }`: each alternative so), checked: an entry
 * no answer can match (`""`, `[]`, `[""]`, `null`, another object, `{ "anyOf": [] }`) is an `AnswersError` naming
 * the file and the question; it was read as is, and every learner's answer to it was wrong.
 */
function expectedAnswer(file: string, question: string, value: unknown): ExpectedAnswer {
  const fail = (why: string) => new AnswersError(msg.answerEntryInvalid(file, question, why));
  const one = (v: unknown): string => {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") throw fail(`${v === null ? "null" : Array.isArray(v) ? "a list inside the list" : `a JSON ${typeof v}`} is no answer`);
    const text = answerText(v);
    if (comparable(text) === "") throw fail("the answer is empty");
    return text;
  };
  const answer = (v: unknown): OneAnswer => {
    if (!Array.isArray(v)) return one(v);
    if (v.length === 0) throw fail("the list of answers is empty");
    return v.map(one);
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return answer(value);
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== "anyOf") throw fail(`a JSON object is no answer, except { "anyOf": [...] } (this one has ${keys.length ? keys.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 40))).join(", ") : "no key"})`);
  const alternatives = (value as { anyOf: unknown }).anyOf;
  if (!Array.isArray(alternatives) || alternatives.length === 0) throw fail('"anyOf" is a list of the right answers, and it is ' + (Array.isArray(alternatives) ? "empty" : "no list"));
  for (const a of alternatives) if (a !== null && typeof a === "object" && !Array.isArray(a)) throw fail('an object inside "anyOf" is no answer');
  return { anyOf: alternatives.map(answer) };
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

/** A list answer as text, its first values only: the display is cut at 200 characters (a million values were all joined). */
function shownList(values: readonly unknown[]): string {
  let text = "";
  for (let i = 0; i < values.length && text.length <= MAX_SHOWN_ANSWER; i++) text += (i ? ", " : "") + shownValue(values[i]);
  return text;
}

/** An answer as text; a number in plain decimals (String(1e21) is "1e+21", which no number answer matched). */
function answerText(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || !/e/i.test(String(value))) return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  return value.toFixed(20).replace(/\.?0+$/, "");
}

/**
 * A learner's answer: text, a number, a date, or a list of values (for a question whose answer is a set):
 * an array, a Set, a polars Series (`df.getColumn("Url")`) or a one-column DataFrame (`df.select("Url")`).
 * `boolean` is here because polars types a value it reads (`toArray()[0]`, of a column of unknown type)
 * as `number | bigint | boolean | string`: without it such an answer failed tslab's type check and the
 * self-check cell did not run.
 */
export type Answer = string | number | bigint | boolean | Date | null | undefined | readonly unknown[] | ReadonlySet<unknown> | pl.Series | pl.DataFrame;

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

/**
 * A date, or a date and time (with an optional zone), and nothing else: `2020-07-10`, `2020-07-10T18:00`,
 * `2020-07-10 9:00`, `2020-07-10 18:00:00.5Z`, `2020-07-10T23:00+05:30`. Lower case (answers are compared so).
 */
const DATE_ANSWER = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(z|([+-])(\d{2}):?(\d{2}))?)?$/;

/** A date answer's day (YYYY-MM-DD; with a zone, the UTC day of that instant), or why it names no date and time. */
function answerDay(match: RegExpExecArray): { day: string } | { problem: string } {
  const [, y, mo, d, h, mi, sec, zone, sign, oh, om] = match;
  const [year, month, date] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12 || date < 1 || date > new Date(Date.UTC(year, month, 0)).getUTCDate()) return { problem: `${y}-${mo}-${d} is no date` };
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59)) return { problem: `${h}:${mi}${sec === undefined ? "" : `:${sec}`} is no time of day` };
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return { problem: `${zone.toUpperCase()} is no UTC offset` };
  if (!zone) return { day: `${y}-${mo}-${d}` };
  // The instant, from the parts (Date's own parser failed `9:00Z` and `25:00Z` as Invalid Date).
  const offset = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const ms = Date.UTC(year, month - 1, date, Number(h), Number(mi), Number(sec ?? 0)) - offset * 60_000;
  return { day: new Date(ms).toISOString().slice(0, 10) };
}

/**
 * The day of a Date answer: its UTC day, in every time zone. A Date is an instant: one from the data (the lab's
 * data is UTC) and one a learner makes at local midnight (`new Date(2020, 6, 10)`, 19:00 UTC the day before east
 * of UTC at +05:00) can be the very same instant, so no rule tells them apart; the day the lab's data names wins
 * (a Date from the data at 19:00 UTC was graded by the machine's local day). A local day is given as text.
 */
function dateDay(value: Date): string {
  // An Invalid Date (`new Date("2020-07-10 25:00")`) is an answer, a wrong one: it was "no answer yet".
  return Number.isNaN(value.getTime()) ? "invalid date" : value.toISOString().slice(0, 10);
}

/** The local day of a Date at local midnight that is not UTC midnight (what `new Date(y, m, d)` meant), else undefined. */
function localMidnightDay(value: Date): string | undefined {
  if (Number.isNaN(value.getTime()) || value.getHours() + value.getMinutes() + value.getSeconds() + value.getMilliseconds() !== 0) return undefined;
  if (value.getUTCHours() + value.getUTCMinutes() === 0) return undefined;
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, "0")}-${String(value.getDate()).padStart(2, "0")}`;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAME = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
/** `10 July 2020`, `10-Jul-2020`, `10th of July, 2020` (day, month name, year). Anchored, no nested repeats: linear. */
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?(?: of)?[ -]${MONTH_NAME},?[ -](\d{4})$`);
/** `July 10, 2020`, `Jul 10 2020`, `July 10th, 2020` (month name, day, year). */
const MONTH_DAY_YEAR = new RegExp(String.raw`^${MONTH_NAME} (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$`);
/** `2020/07/10`, `2020.07.10` (year first is always year, month, day). */
const YEAR_FIRST = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
/** `10/07/2020`, `7.10.2020`, `10-07-2020`: day and month in an order only a part past 12 tells. */
const SLASH_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

/** YYYY-MM-DD of a year, month and day, or undefined when they name no day (2021-02-30). */
function isoDay(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The day of a date written in another form than YYYY-MM-DD, when it names one day (`10 July 2020`, `July 10, 2020`,
 * `2020/07/10`, `13/07/2020`, `07/13/2020`), or the two days a slash date reads as (`10/07/2020`: 10 July or
 * 7 October); undefined for other text. Lower-case text.
 */
function otherDateForm(text: string): { day: string } | { either: [string, string] } | undefined {
  const named = DAY_MONTH_YEAR.exec(text);
  const named2 = named ? undefined : MONTH_DAY_YEAR.exec(text);
  if (named || named2) {
    const [d, m, y] = named ? [named[1], named[2], named[3]] : [named2![2], named2![1], named2![3]];
    const day = isoDay(Number(y), MONTHS.indexOf(m.slice(0, 3)) + 1, Number(d));
    return day === undefined ? undefined : { day };
  }
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    const day = isoDay(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
    return day === undefined ? undefined : { day };
  }
  const slash = SLASH_DATE.exec(text);
  if (!slash) return undefined;
  const [a, b, year] = [Number(slash[1]), Number(slash[3]), Number(slash[4])];
  const dayFirst = isoDay(year, b, a);
  const monthFirst = isoDay(year, a, b);
  if (dayFirst && monthFirst && dayFirst !== monthFirst) return { either: [dayFirst, monthFirst] };
  const day = dayFirst ?? monthFirst;
  return day === undefined ? undefined : { day };
}

/**
 * Comparable form of an answer: trimmed, lower case, runs of spaces as one; a date
 * or date-time → its day (YYYY-MM-DD; with a zone, the UTC day of that instant),
 * as is a date in another form that names one day (`July 10, 2020`, `13/07/2020`);
 * a Date → its UTC day; a number → its digits without thousands separators.
 * Date-like text naming no date or time (`2020-07-10T25:00Z`) or two
 * (`10/07/2020`) stays as it is (no answer's form).
 */
function normalise(value: Answer): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return dateDay(value);
  // "United  States" (a doubled space, a tab from a copied cell) is "United States".
  const text = answerText(value).trim().toLowerCase().replace(/\s+/g, " ");
  const date = DATE_ANSWER.exec(text);
  if (date) {
    const day = answerDay(date);
    return "day" in day ? day.day : text;
  }
  const other = otherDateForm(text);
  if (other && "day" in other) return other.day;
  if (/^[+-]?\d{1,3}(?:[,_ ]\d{3})+(?:\.\d+)?$/.test(text)) return canonicalDecimal(text.replace(/[,_ ]/g, ""));
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) return canonicalDecimal(text);
  return text;
}

/**
 * A URL answer as the URL standard writes it (WHATWG `href`): scheme and host in lower case, the default port
 * dropped, an empty path `/`; the path, query and fragment as written, since they are case-sensitive.
 * `http://www.microsoft.com/` is `http://www.microsoft.com`; `/E/2106` is not `/e/2106`. Undefined for other text.
 */
function urlForm(text: string): string | undefined {
  const trimmed = text.trim();
  // Linear: the scheme's characters exclude ':', the rest is one run of non-spaces.
  if (!/^[a-z][a-z\d+.-]*:\/\/\S+$/i.test(trimmed)) return undefined;
  try {
    return new URL(trimmed).href;
  } catch {
    return undefined;
  }
}

/** Why a one-value answer that looks like a date names no date or time (`hour 25`), or undefined. */
function dateProblem(value: Answer): string | undefined {
  if (value instanceof Date && Number.isNaN(value.getTime())) return "the Date is an Invalid Date";
  if (typeof value !== "string") return undefined;
  const date = DATE_ANSWER.exec(value.trim().toLowerCase());
  const day = date ? answerDay(date) : undefined;
  return day && "problem" in day ? day.problem : undefined;
}

/**
 * What to write instead, for a wrong one-value answer in a form the question's answer is not in (said whether or
 * not the value is right, so it tells nothing of the answer): a slash date that reads two ways, a number with a
 * unit, several values in one text where a list is wanted. Undefined when none applies.
 */
function formHint(given: unknown, want: OneAnswer): string | undefined {
  if (typeof given !== "string") return undefined;
  const text = given.trim().toLowerCase().replace(/\s+/g, " ");
  if (Array.isArray(want)) {
    // Several values in one text: split on commas, semicolons and spaces (every value of a list answer is one word).
    const parts = text.split(/[,; ]+/).filter((p) => p !== "");
    return want.length > 1 && parts.length > 1 ? say.oneTextForList(parts.length) : undefined;
  }
  const wanted = comparable(want);
  if (DATE_ANSWER.test(wanted)) {
    const other = otherDateForm(text);
    if (other) return "either" in other ? say.dateReadsTwoWays(shownText(given.trim(), 40), other.either[0], other.either[1]) : undefined;
    // Other date-like text (`10 Julio 2020`, `2020 July 10`): a month's name or two separators between digits.
    if (!DATE_ANSWER.test(text) && (new RegExp(MONTH_NAME).test(text) || /\d[/.-]\d{1,2}[/.-]\d/.test(text)) && /\d/.test(text)) return say.dateForm();
    return undefined;
  }
  if (/^[+-]?\d+(?:\.\d+)?$/.test(wanted)) {
    // A number and a unit or a word: `29670 bytes`, `5 (service)`. The number is the learner's own.
    const number = /^([+-]?\d[\d,_]*(?:\.\d+)?) ?[a-z(%]/.exec(text);
    if (number) return say.numberAlone(number[1]);
  }
  return undefined;
}

/** Comparable form of one value: a URL as {@link urlForm} writes it, anything else as {@link normalise} does. */
function comparable(value: unknown): string {
  if (typeof value === "string") return urlForm(value) ?? normalise(value);
  if (value === null || value === undefined || value instanceof Date || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return normalise(value);
  return normalise(String(value));
}

/** An answer that cannot be checked: how it is shown, and what to pass instead. */
interface Unfit {
  shown: string;
  problem: string;
}

/**
 * A list answer's values (an array, a Set, a Series, a one-column DataFrame: a frame was shown as its
 * Arrow bytes, a Set as `{}`), undefined for one value, or a DataFrame of several columns as unfit.
 */
function listOf(value: unknown): readonly unknown[] | Unfit | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Set) return [...value];
  // Every digit of a 64-bit integer column (toArray rounds past 2^53).
  if (isSeries(value)) return exactValues(value);
  if (isDataFrame(value)) {
    const names = columnNames(value);
    return names.length === 1 ? exactValues(columnOf(value, names[0])) : { shown: "a DataFrame", problem: say.frameAnswer(names) };
  }
  return undefined;
}

/** A list answer's distinct values, compared as one value is (order does not matter; no sort: a million values took seconds). */
function normaliseList(values: readonly unknown[]): Set<string> {
  const distinct = new Set<string>();
  for (const v of values) {
    const c = comparable(v);
    if (c !== "") distinct.add(c);
  }
  return distinct;
}

/**
 * How many of the wanted values a list answer holds, value by value (joined texts matched
 * when one value held the others on lines of its own: "a\nb" was the list a, b).
 */
function foundIn(mine: ReadonlySet<string>, wanted: ReadonlySet<string>): number {
  let found = 0;
  for (const v of wanted) if (mine.has(v)) found++;
  return found;
}

/**
 * The colour of a verdict's mark (✓ ✗ …), as inline CSS: a plain colour first, which JupyterLab's sanitizer
 * keeps in an untrusted notebook (it drops `color-mix()`), then the mix with the theme's text colour that
 * reads on light and dark grounds. The mark itself tells the verdicts apart without colour.
 */
export function markColour(kind: "right" | "wrong" | "open"): string {
  const [plain, share] = kind === "right" ? ["#1a7f37", 60] : kind === "wrong" ? ["#cf222e", 60] : ["#6e7781", 50];
  return `color:${plain};color:color-mix(in srgb,${plain} ${share}%,currentColor)`;
}

/** The verdicts on a set of answers; displays as a short ✓/✗ list. */
export class AnswerCheck implements Displayable {
  constructor(
    readonly results: readonly AnswerResult[],
    /** Why the answers were not checked (the notebook reads other data, with no answers file), else undefined. */
    readonly skipped?: string,
  ) {}

  /** True when every question was answered correctly (false when the check was skipped). */
  get allCorrect(): boolean {
    return this.skipped === undefined && this.results.every((r) => r.correct);
  }

  /** The verdicts as text: one ✓/✗/… line per question and a summary. */
  toText(): string {
    if (this.skipped !== undefined) return `– ${this.skipped}`;
    const lines = this.results.map((r) => {
      // The question ids come from the answers file: revealed and cut as the answers are.
      const question = shownText(r.question, MAX_SHOWN_ANSWER);
      return r.correct ? `✓ ${question}: ${r.given} is right.` : r.answered ? `✗ ${question}: ${r.given} is not quite right${r.detail ? ` (${r.detail})` : ""}, try again.` : `… ${question}: no answer yet.`;
    });
    const summary = this.summary();
    if (summary) lines.push(summary);
    return lines.join("\n");
  }

  /**
   * The last line: not answered at all, or how many of these answers are right; none for one answer that
   * was given, whose own line says it all. It counts this call's answers only: the lab's cells show a
   * `checkResult` verdict above one answer, and "All correct, well done!" under a ✗ for the result was a mixed message.
   */
  private summary(): string | undefined {
    if (this.skipped !== undefined) return undefined;
    if (this.results.every((r) => !r.answered)) return say.allNotAnswered();
    if (this.results.length < 2) return undefined;
    const right = this.results.filter((r) => r.correct).length;
    return right === this.results.length ? say.allAnswersRight(right) : `${right} of ${this.results.length} correct.`;
  }

  /** The verdicts as an HTML output. */
  toHtml(): string {
    if (this.skipped !== undefined) {
      const body = html`<div class="hl-answers"><p style="margin:4px 0"><span style="${markColour("open")};font-weight:bold">–</span> ${this.skipped}</p></div>`;
      return htmlView({ kind: "answers", fallback: { alt: "answers not checked", html: body }, text: this.toText() }).toHtml();
    }
    const items = this.results.map((r) => {
      const [mark, colour, verdict] = r.correct
        ? ["✓", markColour("right"), "right"]
        : r.answered
          ? ["✗", markColour("wrong"), r.detail ? `not quite right (${r.detail}), try again` : "not quite right, try again"]
          : ["…", markColour("open"), "no answer yet"];
      return html`<li><span style="${colour};font-weight:bold">${mark}</span> <code>${r.question}</code>: ${r.answered ? html`<code>${r.given}</code> is ` : ""}${verdict}</li>`;
    });
    const summary = this.summary();
    const body = html`<div class="hl-answers"><ul style="list-style:none;padding-left:0;margin:4px 0">${items}</ul>${summary ? html`<p style="margin:4px 0">${summary}</p>` : ""}</div>`;
    const alt = summary ?? (this.allCorrect ? `${this.results[0]?.question ?? "answer"}: right` : `${this.results[0]?.question ?? "answer"}: not right`);
    return htmlView({ kind: "answers", fallback: { alt, html: body }, text: this.toText() }).toHtml();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
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
  /**
   * The folders the notebook reads its data from (the notebook's `dataPaths`). When they are not the
   * lab's `data/`, the answers are those of the file of the same name (`answers.json`,
   * `answers_<exercise>.json`) in them, and without one the answers are not checked, with a line
   * saying why: the lab's answers are true of the lab's data only. Default: the lab's data.
   */
  dataPaths?: string | readonly string[];
}

const CHECK_ANSWERS_OPTIONS: readonly (keyof CheckAnswersOptions)[] = ["answersPath", "exercise", "dataPaths"];

/** The answers file of an exercise: `data/answers_<exercise>.json`. */
export function exerciseAnswersPath(exercise: string): string {
  // `results` names the results file (answers_results.json), which holds no answers.
  if (typeof exercise !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(exercise) || exercise === "results") {
    throw new AnswersError(msg.badExerciseName(exercise, exercisesWithAnswers()));
  }
  return path.join(LAB_DATA_DIR, `answers_${exercise}.json`);
}

/** The exercises of the lab that have an answers file (`data/answers_<exercise>.json`), sorted. */
function exercisesWithAnswers(): string[] {
  return fs
    .readdirSync(LAB_DATA_DIR)
    .map((f) => /^answers_([A-Za-z0-9_-]{1,40})\.json$/.exec(f)?.[1])
    .filter((e): e is string => e !== undefined && e !== "results")
    .sort();
}

/**
 * The options of a self-check, checked: undefined or null is none; anything else must be an object of
 * known names (a misspelt one was ignored by checkResult, its default used silently).
 */
export function labOptions<K extends string>(fn: string, options: unknown, known: readonly K[], example: string): Partial<Record<K, unknown>> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) throw new AnswersError(msg.optionsNotObject(fn, options, example));
  const unknownOption = findUnknownOption(options, known);
  if (unknownOption) throw new AnswersError(msg.unknownOption(unknownOptionText(fn, unknownOption, known)));
  return options as Partial<Record<K, unknown>>;
}

/** A path option: text, or undefined. */
export function pathOption(fn: string, name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw new AnswersError(msg.optionNotAPath(fn, name, value));
}

/**
 * The answers file `checkAnswers` reads for its options (`lab`: the lab's own, whose questions the notebook asks),
 * or why it checks nothing; an exercise without a file is named with those that have one.
 */
function answersFileOf(options: unknown): { lab: string; source: AnswerSource } {
  const { answersPath, exercise, dataPaths } = labOptions("checkAnswers", options, CHECK_ANSWERS_OPTIONS, '{ exercise: "exercise2" }');
  const given = pathOption("checkAnswers", "answersPath", answersPath);
  const folders = dataPathsOption("checkAnswers", dataPaths);
  if (given !== undefined) return { lab: given, source: { file: given } };
  const file = exercise === undefined ? ANSWERS_PATH : exerciseAnswersPath(exercise as string);
  // The bare "Cannot read … ENOENT" said nothing of the exercises there are.
  if (exercise !== undefined && !fs.existsSync(file)) throw new AnswersError(msg.noExerciseAnswers(exercise as string, exercisesWithAnswers()));
  return { lab: file, source: answerSource(path.basename(file), file, folders) };
}

/** Why one value is no answer that can be checked (a Promise, a lazy frame, a row), or undefined. */
function notAValue(value: unknown): Unfit | undefined {
  if (value === null || typeof value !== "object" || value instanceof Date) return undefined;
  if (isThenable(value)) return { shown: "a Promise", problem: say.promiseAnswer() };
  if (isLazyFrame(value)) return { shown: "a LazyDataFrame", problem: say.lazyAnswer() };
  return { shown: shownValue(value), problem: say.objectAnswer() };
}

/**
 * The verdict on one question. With several right answers (`anyOf`), right when the answer is one of them; a wrong
 * answer's detail is that of the alternative of its shape (a list for a list) it comes closest to, so the hints
 * (forms, how many of a list) are those a lone answer of that shape gives.
 */
function checkOne(question: string, given: unknown, want: ExpectedAnswer): AnswerResult {
  if (!isAnyOf(want)) return checkAgainst(question, given, want).result;
  const verdicts = want.anyOf.map((alternative) => checkAgainst(question, given, alternative));
  const right = verdicts.find((v) => v.result.correct);
  if (right) return right.result;
  const givenIsList = Array.isArray(listOf(given));
  const sameShape = verdicts.filter((v, i) => Array.isArray(want.anyOf[i]) === givenIsList);
  const pool = sameShape.length ? sameShape : verdicts;
  return pool.reduce((best, v) => (v.score > best.score ? v : best)).result;
}

/** True for `{ anyOf: [...] }`. */
function isAnyOf(want: ExpectedAnswer): want is { anyOf: OneAnswer[] } {
  return typeof want === "object" && !Array.isArray(want);
}

/** The verdict on one question against one right answer, and (for a list) how close it comes: found less extra values. */
function checkAgainst(question: string, given: unknown, want: OneAnswer): { result: AnswerResult; score: number } {
  const closeness = { score: 0 };
  return { result: verdictOf(question, given, want, closeness), score: closeness.score };
}

/** The verdict on one question against one right answer; a list's found less extra values into `closeness`. */
function verdictOf(question: string, given: unknown, want: OneAnswer, closeness: { score: number }): AnswerResult {
  const list = listOf(given);
  const values = Array.isArray(list) ? list : undefined;
  const unfit = values ? undefined : ((list as Unfit | undefined) ?? notAValue(given));
  // Each list is normalised once (a million values were normalised twice and all joined for the display).
  const mine = values ? normaliseList(values) : undefined;
  const answered = unfit !== undefined || (mine ? mine.size > 0 : comparable(given) !== "");
  const raw = given instanceof Date ? (Number.isNaN(given.getTime()) ? String(given) : given.toISOString()) : given === null || given === undefined ? "" : values ? shownList(values) : (unfit?.shown ?? shownValue(given));
  // An answer often comes from a log cell: control and bidi characters as escapes, and cut (a 10 kB line before).
  const shown = shownText(raw, MAX_SHOWN_ANSWER);
  if (unfit) return { question, answered, correct: false, given: shown, detail: unfit.problem };
  const result: AnswerResult = { question, answered, correct: false, given: shown };
  if (!answered) return result;
  if (!Array.isArray(want)) {
    // One value wanted: a list of that one value is it too (a Series of the one flagged address).
    result.correct = mine ? mine.size === 1 && mine.has(comparable(want)) : comparable(given) === comparable(want);
    if (result.correct) return result;
    const problem = dateProblem(given as Answer);
    const hint = problem ? undefined : formHint(given, want);
    if (problem) result.detail = say.notADateTime(problem);
    else if (hint) result.detail = hint;
    // A Date at local midnight whose local day is the answer: the learner's `new Date(2020, 6, 10)` east of UTC.
    const local = given instanceof Date ? localMidnightDay(given) : undefined;
    if (local !== undefined && local === comparable(want)) result.detail = say.dateIsUtcDay(dateDay(given as Date), local);
    return result;
  }
  const wanted = normaliseList(want);
  const own = mine ?? normaliseList([given]);
  const found = foundIn(own, wanted);
  result.correct = found === wanted.size && own.size === wanted.size;
  closeness.score = found - (own.size - found);
  if (!result.correct) {
    const hint = mine ? undefined : formHint(given, want);
    result.detail = say.listPartlyRight(found, wanted.size, own.size - found) + (hint ? `; ${hint}` : "");
  }
  return result;
}

/**
 * Checks answers against the lab's answer file. Every question of the file is
 * reported (unanswered ones as such); unknown question ids are an error. On other
 * data than the lab's (`dataPaths`) the answers are that data's answers file, or
 * they are not checked, with a line saying why.
 *
 * @example display(checkAnswers({ question1: "2020-07-10", question2: 29670 }))
 * @example display(checkAnswers({ country: "United States", highIp: "131.107.147.209" }, { exercise: "pivots" }))
 * @example display(checkAnswers({ urls: ["http://a.example/x", "http://b.example"] }, { exercise: "exercise4" }))
 */
export function checkAnswers(answers: Record<string, Answer>, options: CheckAnswersOptions | null = {}): AnswerCheck {
  if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
    throw new AnswersError(msg.answersNotGiven(answers));
  }
  const { lab, source } = answersFileOf(options);
  // Skipped, the questions are still named against the lab's file: the notebook's questions are the lab's.
  const expected = loadAnswers("file" in source ? source.file : lab);
  // Own keys only: `toString` or `__proto__` are no questions because every object answers to them.
  const unknown = Object.keys(answers).filter((q) => !Object.hasOwn(expected, q));
  if (unknown.length) {
    throw new AnswersError(msg.unknownQuestion(unknown, Object.keys(expected)));
  }
  if ("skipped" in source) return new AnswerCheck([], source.skipped);
  return new AnswerCheck(Object.keys(expected).map((question) => checkOne(question, Object.hasOwn(answers, question) ? answers[question] : undefined, expected[question])));
}
