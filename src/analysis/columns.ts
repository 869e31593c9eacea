/** Column access shared by the analysis functions: lookup with suggestions, numbers and times out of polars columns. */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { isDataFrame } from "../common/frames";
import { parseTimeSeries } from "../data/timeParsing";
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";

export { quoteValue } from "./messages";

/** Throws unless `df` is a polars DataFrame with at least one row. */
export function requireFrame(df: unknown, fn: string): asserts df is pl.DataFrame {
  if (!isDataFrame(df)) throw new AnalysisError(msg.notADataFrame(fn, describe(df)));
  if (df.height === 0) throw new AnalysisError(msg.emptyFrame(fn));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? (value.constructor?.name ?? "an object") : typeof value;
}

/** Throws, naming the column and the closest existing names, when `name` is not a column of `df`. */
export function requireColumn(df: pl.DataFrame, name: string, fn: string, role: string): void {
  if (typeof name !== "string" || !df.columns.includes(name)) {
    throw new AnalysisError(msg.columnMissing(fn, role, String(name), df.columns));
  }
}

/** Plain decimal or scientific notation, optional sign, surrounding spaces allowed (no hex, no "Infinity", no thousands separators). */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * The values of a numeric column, or of a text column holding numbers (the
 * lab's `TotalBytesSent` is text), as JS numbers (booleans as 1/0 when allowed); null or empty cells → null.
 * Throws, naming the column, the row and the value, on anything else.
 */
export function numericValues(df: pl.DataFrame, name: string, fn: string, options: { booleans?: boolean } = {}): (number | null)[] {
  const column = df.getColumn(name);
  const dtype = column.dtype;
  if (isTextType(dtype)) {
    const raw = column.toArray() as unknown as (string | null)[];
    return raw.map((text, row) => {
      if (text === null || text.trim() === "") return null;
      if (!NUMERIC_TEXT.test(text)) {
        throw new AnalysisError(msg.notANumber(fn, name, row, text));
      }
      return Number(text);
    });
  }
  const variant = dtype.variant;
  if (variant === "Bool" && options.booleans) {
    return (column.toArray() as unknown as (boolean | null)[]).map((v) => (v === null ? null : v ? 1 : 0));
  }
  if (!/^(U?Int(8|16|32|64)|Float(32|64)|Decimal)$/.test(variant)) {
    throw new AnalysisError(msg.columnNotNumeric(fn, name, String(dtype)));
  }
  const values = column.cast(pl.Float64).toArray() as unknown as (number | null)[];
  return values.map((v, row) => {
    if (v === null || Number.isNaN(v)) return null;
    if (!Number.isFinite(v)) throw new AnalysisError(msg.columnNotFinite(fn, name, v, row));
    return v;
  });
}

/** A time column as epoch milliseconds (text is parsed), with the time zone of a Datetime column. */
export interface TimeValues {
  ms: (number | null)[];
  timeZone?: string;
}

/** Epoch milliseconds of a Datetime, Date or time-text column. Throws, naming the column, if it is none of these. */
export function timeValues(df: pl.DataFrame, name: string, fn: string): TimeValues {
  let column = df.getColumn(name);
  if (isTextType(column.dtype)) {
    const parsed = parseTimeSeries(column);
    if (!parsed.parsed) {
      throw new AnalysisError(msg.timeTextUnparsed(fn, name, parsed.failures, parsed.examples));
    }
    column = parsed.series;
  } else if (!isTemporalType(column.dtype)) {
    throw new AnalysisError(msg.timeColumnType(fn, name, String(column.dtype)));
  }
  const timeZone = (column.dtype as unknown as { timeZone?: string }).timeZone || undefined;
  const ms = column.cast(pl.Datetime("ms")).cast(pl.Float64).toArray() as unknown as (number | null)[];
  return { ms, timeZone };
}

/** The polars dtype of a time column rebuilt from milliseconds. */
export function datetimeType(timeZone?: string): DataType {
  return timeZone ? pl.Datetime("ms", timeZone) : pl.Datetime("ms");
}

/** A Datetime series from epoch milliseconds (nulls kept). */
export function datetimeSeries(name: string, ms: ArrayLike<number | null>, timeZone?: string): pl.Series {
  return pl.Series(name, Array.from(ms), pl.Float64).cast(pl.Int64).cast(datetimeType(timeZone));
}
