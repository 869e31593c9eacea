/**
 * Parsing of the time formats real log exports use. Parsing is vectorised
 * (polars' strptime per candidate format, coalesced), never row-by-row JS.
 */
import pl from "nodejs-polars";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf, replaceColumns } from "../common/frames";
import { DataColumnError, QueryError, dataMessages as msg } from "./messages";

/**
 * Formats tried in order. ISO first; then the US-locale forms that Excel and the
 * Sentinel portal write (`2/10/19 3:21 PM`, `5/4/2021, 7:48:01.990 AM`).
 */
export const TIME_FORMATS: readonly string[] = [
  "%Y-%m-%dT%H:%M:%S%.fZ",
  "%Y-%m-%dT%H:%M:%SZ",
  "%Y-%m-%dT%H:%M:%S%.f",
  "%Y-%m-%dT%H:%M:%S",
  "%Y-%m-%d %H:%M:%S%.f",
  "%Y-%m-%d %H:%M:%S",
  "%Y-%m-%d %H:%M",
  // Two-digit years first: a %y format cannot match a four-digit year, but %Y would read "19" as year 19.
  "%m/%d/%y %I:%M:%S %p",
  "%m/%d/%y %I:%M %p",
  "%m/%d/%y %H:%M",
  "%m/%d/%Y, %I:%M:%S%.f %p",
  "%m/%d/%Y, %I:%M:%S %p",
  "%m/%d/%Y %I:%M:%S%.f %p",
  "%m/%d/%Y %I:%M:%S %p",
  "%m/%d/%Y %I:%M %p",
  "%m/%d/%Y %H:%M:%S%.f",
  "%m/%d/%Y %H:%M:%S",
  "%m/%d/%Y %H:%M",
];

/** Formats for a date alone, tried after the date-time formats. */
const DATE_FORMATS: readonly string[] = ["%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y"];

/** The outcome of parsing a text column as times. */
export interface TimeParseResult {
  /** The parsed column (Datetime, ms, UTC-naive) when every value parsed; otherwise the original column. */
  series: pl.Series;
  /** True when the column was converted. */
  parsed: boolean;
  /** How many non-empty values did not parse. */
  failures: number;
  /** Up to five values that did not parse, for error messages. */
  examples: string[];
}

const ALL_FORMATS: readonly string[] = [...TIME_FORMATS, ...DATE_FORMATS];

/** Parses with each of `formats` and keeps, per row, the first that matched. */
function coalesceFormats(text: pl.Series, formats: readonly string[]): pl.Series {
  const tries = formats.map((fmt) => pl.col("raw").str.strptime(pl.Datetime("ms"), fmt));
  const first = tries.reduce((acc, next) => acc.fillNull(next));
  // Fixed names inside: the column's own name may be one of the frame's members.
  return pl.DataFrame([text.rename("raw")]).select(first.cast(pl.Datetime("ms")).alias("parsed")).getColumn("parsed").rename(text.name);
}

/**
 * The formats worth trying on a column: those that parse at least one of a
 * sample of its distinct values. A column is usually in one or two formats, so
 * this saves running every format over millions of rows.
 */
function likelyFormats(text: pl.Series, sampleSize = 256): string[] {
  // Distinct values of an evenly spaced subset: cheap on millions of rows.
  const pool = text.len() > 20_000 ? text.gatherEvery(Math.ceil(text.len() / 20_000)) : text;
  const distinct = pool.dropNulls().unique();
  // Evenly spaced distinct values: deterministic, and spread over the column.
  const sample = distinct.len() > sampleSize ? distinct.gatherEvery(Math.ceil(distinct.len() / sampleSize)) : distinct;
  return ALL_FORMATS.filter((fmt) => sample.str.strptime(pl.Datetime("ms"), fmt).nullCount() < sample.len());
}

/**
 * Parses a text column as times. The column is converted only if every
 * non-empty value parses; otherwise it is returned unchanged, with the count
 * and examples of the values that did not parse (nothing is silently dropped).
 * Empty strings count as missing values.
 */
export function parseTimeSeries(column: pl.Series): TimeParseResult {
  if (column.dtype.variant === "Datetime") {
    return { series: column, parsed: true, failures: 0, examples: [] };
  }
  if (!isTextType(column.dtype)) {
    return { series: column, parsed: false, failures: column.len() - column.nullCount(), examples: [] };
  }
  const trimmed = column.str.strip();
  // Values to parse: not null and not empty. A parsed value is non-null only for those.
  const empty = Number(pl.DataFrame([trimmed.rename("raw")]).select(pl.col("raw").eq(pl.lit("")).sum().alias("n")).getColumn("n").get(0) ?? 0);
  const present = trimmed.len() - trimmed.nullCount() - empty;
  const failures = (parsed: pl.Series) => present - (parsed.len() - parsed.nullCount());
  const formats = likelyFormats(trimmed);
  // Usually one format fits the whole column: a single pass.
  if (!formats.length) {
    // Not one sampled value is a time: this is not a time column.
    const examples = trimmed.dropNulls().head(50).toArray().map(String).filter((v) => v !== "").slice(0, 5);
    return { series: column, parsed: false, failures: present, examples };
  }
  let parsed = coalesceFormats(trimmed, formats.slice(0, 1));
  if (failures(parsed) > 0 && formats.length > 1) parsed = coalesceFormats(trimmed, formats);
  if (failures(parsed) > 0) {
    // Rare formats the sample missed: try everything before giving up.
    parsed = coalesceFormats(trimmed, ALL_FORMATS);
  }
  const failed = failures(parsed);
  if (failed > 0) {
    const bad = pl
      .DataFrame([trimmed.rename("raw"), parsed.rename("parsed")])
      .filter(pl.col("raw").isNotNull().and(pl.col("raw").neq(pl.lit(""))).and(pl.col("parsed").isNull()));
    return {
      series: column,
      parsed: false,
      failures: failed,
      examples: (bad.getColumn("raw").head(5).toArray() as string[]).map(String),
    };
  }
  return { series: parsed.rename(column.name), parsed: true, failures: 0, examples: [] };
}

/** Column names that look like times: `TimeGenerated`, `EventTime [UTC]`, `CreatedDateTime`, `StartTimeUtc`, `begin`… */
export function looksLikeTimeColumn(name: string): boolean {
  return /time|date|timestamp/i.test(name) || /^(begin|end|start|stop)$/i.test(name);
}

/** What `parseTimeColumns` did to each candidate column. */
export interface TimeColumnReport {
  column: string;
  parsed: boolean;
  failures: number;
  examples: string[];
}

/**
 * Converts the text time columns of a frame (by default those whose name looks
 * like a time) to Datetime where every value parses; other columns stay text.
 */
export function parseTimeColumns(
  df: pl.DataFrame,
  options: { columns?: string[] } = {},
): { frame: pl.DataFrame; report: TimeColumnReport[] } {
  // Column names come from the data: read them past polars' column proxy (see frames.ts).
  const all = columnNames(df);
  const names = options.columns ?? all.filter(looksLikeTimeColumn);
  const report: TimeColumnReport[] = [];
  const parsed = new Map<string, pl.Series>();
  for (const name of names) {
    if (!all.includes(name)) throw new DataColumnError(msg.columnMissing("parseTimeColumns", name, all));
    const col = columnOf(df, name);
    if (!isTextType(col.dtype)) continue;
    const result = parseTimeSeries(col);
    report.push({ column: name, parsed: result.parsed, failures: result.failures, examples: result.examples });
    if (result.parsed) parsed.set(name, result.series);
  }
  return { frame: replaceColumns(df, parsed), report };
}

/**
 * Converts one time value (a Date, epoch milliseconds, or text in any of the
 * supported formats) to a Date. Throws, naming the value, if it is not a time.
 */
export function toDate(value: Date | string | number, what = "time"): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new QueryError(msg.invalidDate(what));
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new QueryError(msg.notATime(what, value));
    return new Date(value);
  }
  const result = parseTimeSeries(pl.Series("t", [value], pl.Utf8));
  const parsed = result.parsed ? (result.series.toArray()[0] as unknown as Date | null) : null;
  if (!parsed) throw new QueryError(msg.notATimeText(what, value));
  return parsed;
}
