/** The error class, codes and message builders of src/analysis (STL, anomalies, clustering, features). */
import { errorMessage, HuntlabError, unknownOptionText, type ErrorCatalog, type ErrorMessage, type UnknownOption } from "../common/errors";
import { closeNames, nameList, quotedName, quotedText } from "../common/shownText";
import { epochConversion, epochMagnitude, epochTypeHint, looksLikeEpochText } from "../common/epoch";

/** Every code of src/analysis, with what docs/errors.md says of it. */
export const ANALYSIS_ERRORS = {
  "analysis/not-a-dataframe": { class: "AnalysisError", when: "an analysis function is given something other than a polars DataFrame", names: "the function, what it got and how to make it a DataFrame (a Promise: await it; a LazyDataFrame: collect it; rows: pl.DataFrame(rows))" },
  "analysis/empty-frame": { class: "AnalysisError", when: "the DataFrame has no rows", names: "the function" },
  "analysis/column-missing": { class: "AnalysisError", when: "a column named by an option is not in the DataFrame, or no value column is left", names: "the function, the option, the column, close names" },
  "analysis/column-not-numeric": { class: "AnalysisError", when: "a column that must hold numbers holds something else", names: "the function, the column, the row and value or the type" },
  "analysis/column-not-text": { class: "AnalysisError", when: "a column that must hold text holds something else", names: "the function, the column, its type" },
  "analysis/not-finite": { class: "AnalysisError", when: "a value is infinite or NaN where finite numbers are needed", names: "the column or row, the value" },
  "analysis/empty-value": { class: "AnalysisError", when: "a time or cluster column is empty at some row", names: "the function, the column, the row" },
  "analysis/no-values": { class: "AnalysisError", when: "the value column has no values at all", names: "the function, the column" },
  "analysis/time-column-not-time": { class: "AnalysisError", when: "a time column holds neither times nor time text", names: "the function, the column, example values or its type" },
  "analysis/time-column-unknown": { class: "AnalysisError", when: "no time column is given and none can be chosen", names: "the function, the time columns there are" },
  "analysis/invalid-option": { class: "AnalysisError", when: "an option is unknown (misspelt, or MSTICPy's snake_case name) or has a value outside what it accepts", names: "the function, the option, the value, or the nearest known option and the known options" },
  "analysis/series-too-short": { class: "AnalysisError", when: "a series is shorter than two STL periods", names: "the column, the number of points, the period" },
  "analysis/duplicate-time": { class: "AnalysisError", when: "a time appears more than once in a series", names: "the time, the column, the rows" },
  "analysis/grid-too-large": { class: "AnalysisError", when: "the series' time grid would be too large", names: "the interval, the time span, the number of points" },
  "analysis/irregular-series": { class: "AnalysisError", when: "a time is not on the series' regular grid", names: "the column, the time, the grid" },
  "analysis/series-gaps": { class: "AnalysisError", when: "the series has missing times or values and fill is \"error\"", names: "how many, the first missing time, the column" },
  "analysis/no-periods": { class: "AnalysisError", when: "createTimePeriodKqlFilter is given no periods", names: "the function" },
  "analysis/not-a-duration": { class: "AnalysisError", when: "a duration text has no known unit", names: "the option, the text" },
  "analysis/matrix-shape": { class: "AnalysisError", when: "a feature matrix has rows of different lengths, or the wrong size", names: "the row, the sizes" },
  "analysis/internal-error": { class: "AnalysisError", when: "an invariant of huntlab's own code broke (a bug: please report it)", names: "the function, the sizes" },
} as const satisfies ErrorCatalog<"analysis">;

/** A code of src/analysis. */
export type AnalysisErrorCode = keyof typeof ANALYSIS_ERRORS;

/** Bad input to an analysis function: a missing or non-numeric column, a series too short, an invalid setting. */
export class AnalysisError extends HuntlabError<AnalysisErrorCode> {
  override name = "AnalysisError";
}

/** A short, safe rendering of a bad value for error messages. */
export function quoteValue(value: unknown): string {
  return quotedText(typeof value === "string" ? value : String(value), 60);
}

/** A bad option value as the message shows it: text quoted and called text, so `"24"` does not read as the number 24. */
function optionValue(value: unknown): string {
  return typeof value === "string" ? `${quoteValue(value)} (text)` : String(value);
}

/** Message builders of src/analysis; `fn` is the function called. */
export const analysisMessages = {
  /** `got` describes the value: "null", "an array", "Object"… */
  notADataFrame: (fn: string, got: string) => errorMessage("analysis/not-a-dataframe", `${fn}: expected a polars DataFrame, got ${got}.`),
  emptyFrame: (fn: string) => errorMessage("analysis/empty-frame", `${fn}: the DataFrame has no rows.`),
  /** `role` says what the column is for: "timeColumn", "cluster column"… */
  columnMissing: (fn: string, role: string, name: string, columns: readonly string[]) =>
    errorMessage("analysis/column-missing", `${fn}: ${role} ${quotedName(name)} is not a column of the DataFrame.${closeNames(name, columns)} Columns: ${nameList(columns)}.`),
  noValueColumn: (fn: string, timeColumn: string) =>
    errorMessage("analysis/column-missing", `${fn}: the DataFrame has no value column besides the time column ${quotedName(timeColumn)}.`),
  notANumber: (fn: string, column: string, row: number, value: string) =>
    errorMessage("analysis/column-not-numeric", `${fn}: column ${quotedName(column)} must be numeric, but row ${row} holds ${quoteValue(value)}, which is not a number.`),
  columnNotNumeric: (fn: string, column: string, dtype: string) =>
    errorMessage("analysis/column-not-numeric", `${fn}: column ${quotedName(column)} must be numeric (or text holding numbers); it is ${dtype}.`),
  /** A numeric column that failed `numericValues`, with how to make numbers of text. */
  clusterColumnHint: (inner: ErrorMessage<AnalysisErrorCode>, column: string) =>
    errorMessage(inner.code, `${inner.message} Turn text into numbers first, e.g. withStringScore(df, ${quotedName(column)}) or withCrc32Hash(df, ${quotedName(column)}).`),
  /** The value column was MSTICPy's default (the first besides the time column) and holds no numbers. */
  defaultDataColumnHint: (inner: ErrorMessage<AnalysisErrorCode>, numeric: readonly string[]) =>
    errorMessage(
      inner.code,
      `${inner.message} It is the value column by default (the first column besides the time column, MSTICPy's rule): pass dataColumn` +
        (numeric.length ? `, e.g. dataColumn: ${JSON.stringify(numeric[0])} (numeric columns: ${nameList(numeric)}).` : " (no column is numeric)."),
    ),
  columnNotText: (fn: string, column: string, dtype: string) =>
    errorMessage("analysis/column-not-text", `${fn}: column ${quotedName(column)} must be text; it is ${dtype}.`),
  columnNotFinite: (fn: string, column: string, value: number, row: number) =>
    errorMessage("analysis/not-finite", `${fn}: column ${quotedName(column)} holds ${value} at row ${row}; values must be finite.`),
  matrixNotFinite: (row: number, value: number) =>
    errorMessage("analysis/not-finite", `dbscan: row ${row} holds ${value}; features must be finite numbers.`),
  stlNotFinite: (point: number, value: unknown) =>
    errorMessage("analysis/not-finite", `STL input must be finite numbers; point ${point} is ${String(value)}.`),
  emptyTime: (fn: string, column: string, row: number) =>
    errorMessage("analysis/empty-value", `${fn}: time column ${quotedName(column)} is empty at row ${row}; every point needs a time.`),
  emptyClusterValue: (fn: string, column: string, row: number) =>
    errorMessage("analysis/empty-value", `${fn}: cluster column ${quotedName(column)} is empty at row ${row}; fill or drop such rows first.`),
  noValues: (fn: string, column: string) => errorMessage("analysis/no-values", `${fn}: column ${quotedName(column)} has no values.`),
  timeTextUnparsed: (fn: string, column: string, failures: number, examples: readonly string[]) =>
    errorMessage(
      "analysis/time-column-not-time",
      `${fn}: time column ${quotedName(column)} is text that does not parse as times (${failures} values).` +
        (examples.length ? ` Values that are not times: ${examples.map(quoteValue).join(", ")}.` : "") +
        (looksLikeEpochText(examples) ? ` They look like epoch times: convert them first, ${epochConversion(column, true, epochMagnitude(examples))}.` : ""),
    ),
  timeTextEmpty: (fn: string, column: string) =>
    errorMessage("analysis/time-column-not-time", `${fn}: time column ${quotedName(column)} holds no times at all (every value is empty or null); pass the timeColumn that has them.`),
  /** `magnitude`: the column's typical value (common/epoch.ts epochMagnitude), for the epoch unit it looks like. */
  timeColumnType: (fn: string, column: string, dtype: string, magnitude?: number) =>
    errorMessage(
      "analysis/time-column-not-time",
      // Epoch numbers (a SIEM's `_time`): how to make them times, as the timeline's message says.
      `${fn}: time column ${quotedName(column)} must hold times (Datetime, Date or time text); it is ${dtype}` +
        epochTypeHint(column, dtype, magnitude) +
        ".",
    ),
  timeColumnUnknown: (fn: string, temporal: readonly string[], columns: readonly string[]) =>
    errorMessage(
      "analysis/time-column-unknown",
      `${fn}: pass timeColumn: there is no "TimeGenerated" column and ${temporal.length ? `several time columns (${nameList(temporal)})` : "no Datetime column"}. Columns: ${nameList(columns)}.`,
    ),
  /** `accepted` reads as a sentence: `"msticpy" or "clean"`, `a positive number`. */
  invalidChoice: (fn: string, option: string, accepted: string, value: unknown) =>
    errorMessage("analysis/invalid-option", `${fn}: ${option} must be ${accepted}; got ${quoteValue(value)}.`),
  invalidNumber: (fn: string, option: string, accepted: string, value: unknown) =>
    errorMessage("analysis/invalid-option", `${fn}: ${option} must be ${accepted}; got ${optionValue(value)}.`),
  /** An option name the function does not know (it would be ignored and the default used, silently). */
  unknownOption: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("analysis/invalid-option", unknownOptionText(fn, unknown, known)),
  /** Options that are no object (from untyped cells: Deno, JavaScript). */
  optionsNotObject: (fn: string, value: unknown) =>
    errorMessage("analysis/invalid-option", `${fn}: its options must be an object; got ${typeof value === "string" ? quoteValue(value) : Array.isArray(value) ? "an array" : String(value)}.`),
  /** A rule over options, e.g. `thresholds must be finite numbers`. */
  invalidOptions: (fn: string, rule: string) => errorMessage("analysis/invalid-option", `${fn}: ${rule}.`),
  sameColumn: (fn: string, column: string) => errorMessage("analysis/invalid-option", `${fn}: dataColumn and timeColumn are both ${quotedName(column)}.`),
  noClusterColumns: (fn: string, columns: readonly string[]) =>
    errorMessage("analysis/invalid-option", `${fn}: clusterColumns must name at least one numeric column. Columns: ${nameList(columns)}.`),
  /** Scaling a row of one number to unit length leaves its sign: every positive value 1, one cluster. */
  normalizeOneColumn: (fn: string, column: string) =>
    errorMessage(
      "analysis/invalid-option",
      `${fn}: normalize: true with one cluster column (${quotedName(column)}) scales every value to 1, 0 or -1 (a row of one number keeps only its sign), so every positive value would be one cluster; pass normalize: false (the default for one column) or more clusterColumns.`,
    ),
  stlOption: (option: string, accepted: string, value: unknown) =>
    errorMessage("analysis/invalid-option", `STL option ${option} must be ${accepted}; got ${optionValue(value)}.`),
  seriesTooShort: (fn: string, column: string, points: number, period: number) =>
    errorMessage("analysis/series-too-short", `${fn}: ${quotedName(column)} has ${points} points; STL with period ${period} needs at least ${2 * period} (two full cycles).`),
  stlTooShort: (points: number, period: number) =>
    errorMessage("analysis/series-too-short", `STL needs at least two full periods: ${points} points given, period ${period} needs ${2 * period}.`),
  duplicateTime: (fn: string, time: string, column: string, rowA: number, rowB: number) =>
    errorMessage(
      "analysis/duplicate-time",
      `${fn}: time ${time} appears more than once in ${quotedName(column)} (rows ${rowA} and ${rowB}); aggregate the series first (one value per time).`,
    ),
  gridTooLarge: (fn: string, step: string, from: string, to: string, size: number) =>
    errorMessage("analysis/grid-too-large", `${fn}: a ${step} grid from ${from} to ${to} would have ${size} points; pass a coarser interval.`),
  irregularSeries: (fn: string, column: string, time: string, step: string, start: string) =>
    errorMessage(
      "analysis/irregular-series",
      `${fn}: ${quotedName(column)} is not regular: ${time} is not on the ${step} grid starting ${start}. Pass interval, or resample the series first.`,
    ),
  /** `what`: `3 times missing from the 1 h grid and 1 empty value in "n"`. */
  seriesGaps: (fn: string, what: string, first: string) =>
    errorMessage("analysis/series-gaps", `${fn}: the series has ${what}, first at ${first}. Pass fill: "zero", "interpolate" or "previous" to fill them.`),
  noPeriods: () => errorMessage("analysis/no-periods", "createTimePeriodKqlFilter: no periods given; a filter over nothing would match everything."),
  /** `M`: pandas' month (end), a minute in a case-insensitive reading: refused rather than guessed. */
  monthDuration: (what: string, text: string) =>
    errorMessage("analysis/not-a-duration", `${what} ${quoteValue(text)}: M is a month in pandas and huntlab's durations have fixed lengths; for minutes write "min" or "T" (e.g. "15min"), for about a month "30d".`),
  notADuration: (what: string, text: string) =>
    errorMessage("analysis/not-a-duration", `${what} ${quoteValue(text)} is not a duration; use a number and a unit: ms, s, min (or m, T), h, d, w — e.g. "1h", "15min".`),
  matrixRowLength: (row: number, length: number, dims: number) =>
    errorMessage("analysis/matrix-shape", `featureMatrix: row ${row} has ${length} values, row 0 has ${dims}.`),
  matrixSize: (numbers: number, rows: number, dims: number) =>
    errorMessage("analysis/matrix-shape", `dbscan: the matrix holds ${numbers} numbers, not ${rows} × ${dims}.`),
  rowCountChanged: (fn: string, rows: number, points: number) =>
    errorMessage("analysis/internal-error", `${fn}: internal error: ${rows} rows for ${points} points.`),
  /** `at` names the row, e.g. its time `2024-01-01T03:00:00Z`. */
  valueNotFiniteAt: (fn: string, column: string, value: number, row: number, at: string) =>
    errorMessage("analysis/not-finite", `${fn}: column ${quotedName(column)} holds ${value} at ${at} (row ${row}); values must be finite.`),
};
