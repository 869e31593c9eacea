/** Column access shared by the analysis functions: lookup with suggestions, numbers and times out of polars columns. */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTemporalType, isTextType, plainText } from "../common/dtypes";
import { findUnknownOption } from "../common/errors";
import { isObjectRecord } from "../common/json";
import { DECIMAL_TEXT } from "../common/decimal";
import { columnNames, columnOf, frameHeight, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { parseReadTimes, type TimeParseResult } from "../data/timeParsing";
import { printWarning } from "../common/messages";
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";
import { numericMagnitude } from "../common/epoch";

export { quoteValue } from "./messages";

/*
 * Column names come from data files: a column called `height`, `columns` or
 * `getColumn` shadows that member of the frame (see src/common/frames.ts), so
 * everything here reads frames through the frames.ts helpers only.
 */

/**
 * Throws unless `options` is undefined or an object whose every set option is
 * one of `known`'s keys: a misspelt name or MSTICPy's snake_case one
 * (`score_threshold`) would otherwise be ignored and the default used. `known`
 * is a record of every option name, so the compiler keeps it complete.
 */
export function requireOptions<T>(options: T | undefined, known: Readonly<Record<keyof Required<T>, true>>, fn: string): void {
  if (options === undefined) return;
  if (!isObjectRecord(options)) throw new AnalysisError(msg.optionsNotObject(fn, options));
  const names = Object.keys(known);
  const unknown = findUnknownOption(options, names);
  if (unknown) throw new AnalysisError(msg.unknownOption(fn, unknown, names));
}

/** A true/false option, `fallback` when not given; anything else is refused, naming it (`"false"` was read as true). */
export function boolOption(value: unknown, name: string, fn: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new AnalysisError(msg.invalidChoice(fn, name, "true or false", value));
  return value;
}

/** Throws unless `df` is a polars DataFrame with at least one row. */
export function requireFrame(df: unknown, fn: string): asserts df is pl.DataFrame {
  if (!isDataFrame(df)) throw new AnalysisError(msg.notADataFrame(fn, notAFrameText(df)));
  if (frameHeight(df) === 0) throw new AnalysisError(msg.emptyFrame(fn));
}

/** Throws, naming the column and the closest existing names, when `name` is not a column of `df`. */
export function requireColumn(df: pl.DataFrame, name: string, fn: string, role: string): void {
  const names = columnNames(df);
  if (typeof name !== "string" || !names.includes(name)) {
    throw new AnalysisError(msg.columnMissing(fn, role, String(name), names));
  }
}


/** Options of {@link numericValues}. */
export interface NumericValuesOptions {
  /** Booleans as 1/0. Default false (a Boolean column is refused). */
  booleans?: boolean;
  /** ±Infinity passes through. Default false: refused, naming the column and the row. */
  infinite?: boolean;
  /** Names a row in the not-finite error (e.g. its time); default: the row number only. */
  rowLabel?: (row: number) => string | undefined;
}

/**
 * The values of a numeric column, or of a text column holding numbers (the
 * lab's `TotalBytesSent` is text), as JS numbers (booleans as 1/0 when allowed); null, NaN or empty cells → null.
 * Throws, naming the column, the row and the value, on anything else, and on
 * values beyond ±1.8e308 (`"1e400"` reads as Infinity) unless `infinite`.
 */
export function numericValues(df: pl.DataFrame, name: string, fn: string, options: NumericValuesOptions = {}): (number | null)[] {
  const column = plainText(columnOf(df, name));
  const finite = (v: number, row: number): number => {
    if (Number.isFinite(v) || options.infinite) return v;
    const label = options.rowLabel?.(row);
    throw new AnalysisError(label === undefined ? msg.columnNotFinite(fn, name, v, row) : msg.valueNotFiniteAt(fn, name, v, row, label));
  };
  const dtype = column.dtype;
  if (isTextType(dtype)) {
    const raw = column.toArray() as unknown as (string | null)[];
    return raw.map((text, row) => {
      if (text === null || text.trim() === "") return null;
      if (!DECIMAL_TEXT.test(text)) {
        throw new AnalysisError(msg.notANumber(fn, name, row, text));
      }
      return finite(Number(text), row);
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
    return finite(v, row);
  });
}

/**
 * Row positions in time order, to the column's last digit (ns too), missing times last, ties in input order:
 * one polars sort, which a cut to ms or µs in JavaScript would lose.
 */
export function timeOrder(times: pl.Series): number[] {
  const rows = pl.Series("i", Array.from({ length: times.len() }, (_, i) => i), pl.UInt32);
  return pl.DataFrame([times.rename("t"), rows]).sort("t", false, true, true).getColumn("i").toArray() as unknown as number[];
}

/** A time column as epoch milliseconds (text is parsed), with the time zone of a Datetime column. */
export interface TimeValues {
  ms: (number | null)[];
  timeZone?: string;
  /** The column as times (text parsed), in its own type: unit and zone kept, for results that show a row's time. */
  series: pl.Series;
  /** Text cells that did not parse and were read as missing (`lenient` only; else 0). */
  unparsed: number;
}

/** Options of {@link timeValues}. */
export interface TimeValuesOptions {
  /**
   * Text cells that do not parse as times are read as missing, as long as
   * most cells parse (a column of mostly non-times is still refused). Default false:
   * one bad cell refuses the column. For times that only label rows.
   */
  lenient?: boolean;
  /**
   * Where the warning goes when text slash dates read either way (`05/06/2026`) and are read month first, by the
   * readers' rule (dates a day past the 12th proves day first are read day first). Default: printed.
   */
  warn?: (message: string) => void;
}

/** Epoch milliseconds of a Datetime, Date or time-text column. Throws, naming the column, if it is none of these. */
export function timeValues(df: pl.DataFrame, name: string, fn: string, options: TimeValuesOptions = {}): TimeValues {
  let column = plainText(columnOf(df, name));
  let unparsed = 0;
  if (isTextType(column.dtype)) {
    const warn = options.warn ?? printWarning;
    const parsed = options.lenient ? lenientTimes(column, fn, warn) : { ...parseReadTimes(column, fn, warn), unparsed: 0 };
    // Not one value (every cell null or blank): "0 values do not parse" named no culprit.
    if (!parsed.parsed && parsed.failures === 0) throw new AnalysisError(msg.timeTextEmpty(fn, name));
    if (!parsed.parsed) {
      throw new AnalysisError(msg.timeTextUnparsed(fn, name, parsed.failures, parsed.examples));
    }
    column = parsed.series;
    unparsed = parsed.unparsed;
  } else if (!isTemporalType(column.dtype)) {
    throw new AnalysisError(msg.timeColumnType(fn, name, column.dtype.variant, numericMagnitude(column)));
  }
  const timeZone = (column.dtype as unknown as { timeZone?: string }).timeZone || undefined;
  const ms = column.cast(pl.Datetime("ms")).cast(pl.Float64).toArray() as unknown as (number | null)[];
  return { ms, timeZone, unparsed, series: column };
}

/**
 * `parseReadTimes` (which converts all or nothing), with the cells that are
 * not times missing. Refused (its answer, naming the first bad values) when
 * most cells are not times.
 */
function lenientTimes(column: pl.Series, fn: string, warn: (message: string) => void): TimeParseResult & { unparsed: number } {
  const first = parseReadTimes(column, fn, warn);
  // Every cell null or blank: all missing times, as in a null Datetime column (no cell is a non-time).
  if (!first.parsed && first.failures === 0) return { series: datetimeSeries(column.name, new Array<null>(column.len()).fill(null)), parsed: true, failures: 0, examples: [], unparsed: 0 };
  if (first.parsed || !first.partial) return { ...first, unparsed: 0 };
  const read = first.partial.len() - first.partial.nullCount();
  if (first.failures > read) return { ...first, unparsed: 0 };
  return { series: first.partial, parsed: true, failures: 0, examples: [], unparsed: first.failures };
}

/** The polars dtype of a time column rebuilt from milliseconds. */
export function datetimeType(timeZone?: string): DataType {
  return timeZone ? pl.Datetime("ms", timeZone) : pl.Datetime("ms");
}

/** A Datetime series from epoch milliseconds (nulls kept). */
export function datetimeSeries(name: string, ms: ArrayLike<number | null>, timeZone?: string): pl.Series {
  return pl.Series(name, Array.from(ms), pl.Float64).cast(pl.Int64).cast(datetimeType(timeZone));
}
