/**
 * Self-checks of the lab's code exercises: `checkResult("exercise1", alerts)`
 * looks at the learner's result (is it a DataFrame, from the right query, of
 * the right shape) and says what is wrong in words a learner can act on
 * ("you have 10 rows (5 expected): did you call head(5)?"). Value answers are
 * checked by `checkAnswers` (answers.ts).
 *
 * What each exercise expects is data, not code: data/answers_results.json.
 */
import path from "node:path";
import { inspect, type InspectOptions } from "node:util";
import { z } from "zod";
import pl from "nodejs-polars";
import { isTemporalType } from "../common/dtypes";
import { printWarning } from "../common/messages";
import { slashFields, slashOrder } from "../common/slashDates";
import { msDates, parseTimeSeries, parseTimeText } from "../data/timeParsing";
import { AnswersError, labFeedback as say, labMessages as msg } from "./messages";
import { labOptions, markColour, pathOption, readLabJson } from "./answers";
import { answerSource, dataPathsOption } from "./answerSource";
import { LAB_DATA_DIR } from "../common/paths";
import { columnNames, columnOf, frameHeight, isDataFrame, isSeries } from "../common/frames";
import { isLazyFrame } from "../common/notAFrame";
import { html } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";

/** The lab's results file: what each code exercise's result looks like. */
export const RESULTS_PATH = path.join(LAB_DATA_DIR, "answers_results.json");

const valueRule = z.object({
  /** The column looked at. */
  column: z.string().min(1),
  /** Values that must be in the column. */
  include: z.array(z.string()).optional(),
  /** The only values allowed in the column. */
  only: z.array(z.string()).optional(),
  /** Name a missing `include` value in the message: only when it gives no answer away. */
  showValue: z.boolean().optional(),
  /** How the data's slash dates are read: true day first, false month first (a day past the 12th still proves day first). */
  dayFirst: z.boolean().optional(),
  /** What to say when the rule is broken (must not give the answer away). */
  hint: z.string().min(1),
});

const resultSpec = z.object({
  /** The learner's variable, as named in the notebook. */
  variable: z.string().min(1),
  /** What a right result is, said when it is right. */
  task: z.string().min(1),
  /** The call that gets the data, named when columns are missing. */
  query: z.string().min(1),
  /** Columns the right query returns. */
  columns: z.array(z.string()).default([]),
  /** The exact number of rows of a right result. */
  rows: z.number().int().nonnegative().optional(),
  /** The least number of rows of a right result. */
  minRows: z.number().int().nonnegative().optional(),
  /** What to say when there are more rows than `rows`. */
  tooManyHint: z.string().default("check the filter and the row limit."),
  /** What to say when there are fewer rows than `rows` or `minRows`. */
  tooFewHint: z.string().default("did you filter out rows you need?"),
  values: z.array(valueRule).default([]),
});

/** A rule on the values of one column of a result. */
export interface ResultValueRule {
  /** The column looked at. */
  column: string;
  /** Values that must be in the column. */
  include?: string[];
  /** The only values allowed in the column. */
  only?: string[];
  /**
   * Name a missing `include` value in the message (`no \`IoCType\` is "url"`): only when it gives no
   * answer away. Default false: the message says which column lacks a value, and the hint speaks.
   */
  showValue?: boolean;
  /**
   * How the data's slash dates (`07/10/2020 10:00`) are read, for the rule's slash dates on a time column: true day
   * first (the data is read with `{ dayFirst: true }`), false month first, as the readers do (a day past the 12th
   * among the rule's values still proves day first). Default: `checkResult`'s `dayFirst` option, else the readers'
   * rule with a warning when the rule's dates read either way.
   */
  dayFirst?: boolean;
  /** What to say when the rule is broken (must not give the answer away). */
  hint: string;
}

/**
 * What a code exercise's result looks like (one entry of data/answers_results.json).
 * A plain interface (not `z.output<…>`) so the published declarations do not
 * pull in zod's types, which tslab would type-check in every cell.
 */
export interface ResultSpec {
  /** The learner's variable, as named in the notebook. */
  variable: string;
  /** What a right result is, said when it is right. */
  task: string;
  /** The call that gets the data, named when columns are missing. */
  query: string;
  /** Columns the right query returns. Default none. */
  columns: string[];
  /** The exact number of rows of a right result. */
  rows?: number;
  /** The least number of rows of a right result. */
  minRows?: number;
  /** What to say when there are more rows than `rows`. */
  tooManyHint: string;
  /** What to say when there are fewer rows than `rows` or `minRows`. */
  tooFewHint: string;
  /** Rules on column values. Default none. */
  values: ResultValueRule[];
}

/** True only when A and B are the same type (compile-time check). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// The interface and the schema must agree: a change to one without the other fails the typecheck.
const schemaMatchesInterface: Same<z.output<typeof resultSpec>, ResultSpec> = true;
void schemaMatchesInterface;

/** Reads a results file: exercise id → its spec. */
export function loadResultSpecs(file: string = RESULTS_PATH): Record<string, ResultSpec> {
  const parsed = readLabJson(file);
  const specs = z.record(z.string(), resultSpec).safeParse(parsed);
  if (!specs.success) {
    const issue = specs.error.issues[0];
    throw new AnswersError(msg.resultsSpecInvalid(file, `${issue.path.join(".") || "(top)"}: ${issue.message}`));
  }
  return specs.data;
}

/** Verdict of a result check; `skipped`: the notebook reads other data, for which there is no results file. */
export type ResultStatus = "not-answered" | "correct" | "wrong" | "skipped";

/** The verdict on a learner's result; displays as a short ✓/✗ note. */
export class ResultCheck implements Displayable {
  constructor(
    readonly exercise: string,
    readonly status: ResultStatus,
    /** What is wrong (one line each), or the one line saying it is right / not answered. */
    readonly messages: readonly string[],
  ) {}

  /** True when the result is right. */
  get correct(): boolean {
    return this.status === "correct";
  }

  private mark(): string {
    return this.status === "correct" ? "✓" : this.status === "wrong" ? "✗" : this.status === "skipped" ? "–" : "…";
  }

  /** The verdict as text: one ✓/✗/… line per message. */
  toText(): string {
    return this.messages.map((m) => `${this.mark()} ${this.exercise}: ${m}`).join("\n");
  }

  /** The verdict as an HTML output. */
  toHtml(): string {
    const colour = markColour(this.status === "correct" ? "right" : this.status === "wrong" ? "wrong" : "open");
    const items = this.messages.map((m) => html`<li><span style="${colour};font-weight:bold">${this.mark()}</span> <code>${this.exercise}</code>: ${m}</li>`);
    const body = html`<div class="hl-answers"><ul style="list-style:none;padding-left:0;margin:4px 0">${items}</ul></div>`;
    return htmlView({ kind: "answers", fallback: { alt: `${this.exercise}: ${this.status}`, html: body }, text: this.toText() }).toHtml();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `ResultCheck: ${this.exercise} ${this.status}`);
  }
}

/** Options of `checkResult`. */
export interface CheckResultOptions {
  /** Results file. Default: the lab's data/answers_results.json (see `dataPaths`). */
  resultsPath?: string;
  /**
   * The folders the notebook reads its data from (the notebook's `dataPaths`). When they are not the
   * lab's `data/`, the results file is the `answers_results.json` in them, and without one the check
   * is `skipped`, saying why: the lab's results are true of the lab's data only. Default: the lab's data.
   */
  dataPaths?: string | readonly string[];
  /**
   * How the notebook's data reads slash dates (`07/10/2020`), as its QueryProvider's `readOptions.dayFirst`: the
   * results file's slash dates are read the same way (a rule's own `dayFirst` wins). Default: the readers' rule —
   * month first unless a day past the 12th among the rule's values proves day first, with a warning when they read
   * either way.
   */
  dayFirst?: boolean;
}

const CHECK_RESULT_OPTIONS: readonly (keyof CheckResultOptions)[] = ["resultsPath", "dataPaths", "dayFirst"];

/** How a value that is not a DataFrame reads in a message. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  // polars' other objects: a lazy frame is collected; a Series is one column of a frame.
  if (isLazyFrame(value)) return "a LazyDataFrame (collect it: await lf.collect())";
  if (isSeries(value)) return "a Series (one column: keep the whole DataFrame)";
  if (typeof value === "object" && value !== null) return `an object (${value.constructor?.name ?? "Object"})`;
  return `a ${typeof value}`;
}

/**
 * Distinct values of a column, as text (null left out): integers with every digit (polars' text), times as
 * ISO 8601 instants (`2026-11-01T10:00:00.000Z`; JavaScript's Date text matched no rule a results file holds).
 */
function distinctText(df: pl.DataFrame, column: string): Set<string> {
  const series = columnOf(df, column);
  const variant = series.dtype.variant as string;
  const values = (/^U?Int(8|16|32|64)$/.test(variant) ? series.cast(pl.Utf8) : series).toArray() as unknown[];
  return new Set(values.filter((v) => v !== null && v !== undefined).map((v) => (v instanceof Date ? v.toISOString() : String(v))));
}

/**
 * How a rule's slash dates read (`together`: its `include` and `only` values), by the readers' rule: day first when
 * `dayFirst` (the data's reading) or a day past the 12th proves it, else month first; `ambiguous` when the order was
 * a guess (no day past the 12th, no reading given).
 */
function ruleSlashOrder(together: readonly string[], dayFirst: boolean | undefined): { dayFirst: boolean; ambiguous: boolean } {
  let maxFirst = 0;
  let maxSecond = 0;
  let any = false;
  for (const v of together) {
    const f = slashFields(v);
    if (f) [maxFirst, maxSecond, any] = [Math.max(maxFirst, f[0]), Math.max(maxSecond, f[1]), true];
  }
  const order = slashOrder(maxFirst, maxSecond, { dayFirst: dayFirst === true });
  return { dayFirst: order?.dayFirst ?? dayFirst === true, ambiguous: any && dayFirst === undefined && order?.ambiguous === true };
}

/**
 * A rule's values as the column's values are written: on a time column, date text as its ISO 8601 instant (UTC when
 * no zone is given), read as the readers read a time column's text, so that a rule copied from the data file matches
 * the column its reader made. Slash dates (`07/10/2020 10:00`, as the lab's data writes times; JavaScript's Date
 * could not read them with the `Z` once added) are read in `dayFirst`'s order ({@link ruleSlashOrder}); text that is
 * no time is kept as written (it matches nothing).
 */
function ruleValues(values: readonly string[], temporal: boolean, dayFirst: boolean): string[] {
  if (!temporal) return [...values];
  return values.map((value) => {
    const text = value.trim();
    const date = slashFields(text) ? slashDate(text, dayFirst) : parseTimeText(text);
    return date ? date.toISOString() : value;
  });
}

/** One slash date read as a column of it is, day first or month first; undefined when it is no time. */
function slashDate(text: string, dayFirst: boolean): Date | undefined {
  const read = parseTimeSeries(pl.Series("v", [text], pl.Utf8), { dayFirst });
  return read.parsed ? (msDates(read.series)[0] ?? undefined) : undefined;
}

/**
 * Checks a learner's result against what the exercise expects: a DataFrame
 * (not a Promise: `await` was forgotten), with the columns of the right query,
 * the right number of rows and the values the exercise asks for. An undefined
 * or null result is "not answered yet", so a notebook with empty exercise
 * cells still runs clean. On other data than the lab's (`dataPaths`) it checks against that data's
 * results file, or is skipped with a line saying why.
 *
 * @example display(checkResult("exercise1", alerts, { dataPaths: dataPaths }))
 */
export function checkResult(exercise: string, result: unknown, options: CheckResultOptions | null = {}): ResultCheck {
  const { resultsPath, dataPaths, dayFirst } = labOptions("checkResult", options, CHECK_RESULT_OPTIONS, '{ resultsPath: "my_results.json" }');
  if (dayFirst !== undefined && typeof dayFirst !== "boolean") throw new AnswersError(msg.optionNotABoolean("checkResult", "dayFirst", dayFirst));
  const given = pathOption("checkResult", "resultsPath", resultsPath);
  const source = given === undefined ? answerSource(path.basename(RESULTS_PATH), RESULTS_PATH, dataPathsOption("checkResult", dataPaths)) : { file: given };
  // Skipped, the exercise is still named against the lab's file: the notebook's exercises are the lab's.
  const specsFile = "file" in source ? source.file : RESULTS_PATH;
  const specs = loadResultSpecs(specsFile);
  const spec = typeof exercise === "string" && Object.hasOwn(specs, exercise) ? specs[exercise] : undefined;
  if (!spec) throw new AnswersError(msg.unknownExercise(exercise, Object.keys(specs)));
  if ("skipped" in source) return new ResultCheck(exercise, "skipped", [source.skipped]);
  if (result === undefined || result === null) return new ResultCheck(exercise, "not-answered", [say.notAnswered(spec.variable)]);
  if (result instanceof Promise) return new ResultCheck(exercise, "wrong", [say.promise(spec.variable)]);
  if (!isDataFrame(result)) return new ResultCheck(exercise, "wrong", [say.notAFrame(spec.variable, kindOf(result))]);
  const have = new Set(columnNames(result));
  const missing = spec.columns.filter((c) => !have.has(c));
  // Without the query's columns nothing else can be judged.
  if (missing.length) return new ResultCheck(exercise, "wrong", [say.missingColumns(spec.variable, missing, spec.query)]);
  const problems: string[] = [];
  const rows = frameHeight(result);
  if (spec.rows !== undefined && rows !== spec.rows) problems.push(say.wrongRows(rows, spec.rows, rows > spec.rows ? spec.tooManyHint : spec.tooFewHint));
  if (spec.minRows !== undefined && rows < spec.minRows) problems.push(say.tooFewRows(rows, spec.minRows, spec.tooFewHint));
  for (const rule of spec.values) {
    if (!have.has(rule.column)) {
      problems.push(say.missingColumns(spec.variable, [rule.column], spec.query));
      continue;
    }
    const values = distinctText(result, rule.column);
    const temporal = isTemporalType(columnOf(result, rule.column).dtype);
    const together = [...(rule.include ?? []), ...(rule.only ?? [])];
    const order = ruleSlashOrder(temporal ? together : [], rule.dayFirst ?? dayFirst);
    // Said, not guessed silently: the teacher's data may have been read day first (07/10/2020 as 7 October).
    if (order.ambiguous) printWarning(say.ambiguousSlashRule(exercise, specsFile, rule.column));
    const included = ruleValues(rule.include ?? [], temporal, order.dayFirst);
    const missingValues = (rule.include ?? []).filter((_, k) => !values.has(included[k]));
    // Unnamed, the missing values are one line (five ids missing were five equal lines).
    if (rule.showValue) for (const wanted of missingValues) problems.push(say.missingValue(rule.column, wanted, rule.hint));
    else if (missingValues.length) problems.push(say.missingValues(rule.column, missingValues.length, rule.hint));
    if (rule.only) {
      const allowed = new Set(ruleValues(rule.only, temporal, order.dayFirst));
      const extra = [...values].filter((v) => !allowed.has(v));
      if (extra.length) problems.push(say.unexpectedValues(rule.column, extra, rule.hint));
    }
  }
  return problems.length ? new ResultCheck(exercise, "wrong", problems) : new ResultCheck(exercise, "correct", [say.correct(spec.variable, spec.task)]);
}
