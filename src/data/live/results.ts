/**
 * A driver's table → a polars DataFrame, with one dtype per contract type:
 * datetime → Datetime(ms) (UTC instants, as the lab's Parquet times),
 * long → Int64, int → Int32, real → Float64, bool → Bool,
 * string/guid/timespan → Utf8 (as received), dynamic → Utf8 (JSON text).
 *
 * 64-bit integers are kept exactly: the HTTP client parses integers beyond
 * 2^53 as BigInts, and a long column holding any is built from its exact
 * digits. A long column with a value beyond Int64 (ES `unsigned_long` up to
 * 2^64-1) is UInt64 when every value is ≥ 0, else Utf8 with the exact digits;
 * dynamic values keep the exact digits in their JSON text.
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { msDates, parseTimeSeries } from "../timeParsing";
import { stringifyExact } from "../../common/json";
import { columnNames, columnOf, columnTypes, withSafeNames } from "../../common/frames";
import type { LiveColumn, LiveColumnType, LiveTable } from "./types";

/** The polars dtype of each contract type. */
export const LIVE_DTYPES: Record<LiveColumnType, () => DataType> = {
  datetime: () => pl.Datetime("ms"),
  long: () => pl.Int64,
  int: () => pl.Int32,
  real: () => pl.Float64,
  bool: () => pl.Bool,
  string: () => pl.Utf8,
  guid: () => pl.Utf8,
  timespan: () => pl.Utf8,
  dynamic: () => pl.Utf8,
};

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") {
    const t = value.trim();
    if (t === "NaN") return NaN;
    if (t === "Infinity" || t === "+Infinity") return Infinity;
    if (t === "-Infinity") return -Infinity;
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return null;
}

/** ISO 8601 with its zone (`Z` or an offset), as Kusto and Log Analytics write times: JS reads these right in any zone. */
const ISO_ZONED = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/** Text ending in a zone JS reads (`… GMT`, RFC 2822, an offset): the last resort when the library's formats do not read it. */
const NAMED_ZONE = /(?:\d(?:Z|[+-]\d\d:?\d\d)|\b(?:GMT|UTC))$/i;

/** `2024/01/01 10:00` → `2024-01-01 10:00`; zone-less `2024-01-01T10:00` → `2024-01-01 10:00` (forms the library's formats read). */
function normalisedTime(text: string): string {
  return text
    .trim()
    .replace(/^(\d{4})[-/](\d\d)[-/](\d\d)(?=$|[T ]\d)/, "$1-$2-$3")
    .replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)$/, "$1 $2");
}

/**
 * Times of a datetime column as Dates. SIEMs answer in UTC, so text without a
 * zone (`2024-01-01 10:00:00`, ES's `yyyy/MM/dd HH:mm:ss`) is UTC, never the
 * machine's zone: it is read by the library's time parser (timeParsing.ts,
 * which reads zone-less text as UTC), in one vectorised pass per column. ISO
 * text with its zone is read directly (fast); numbers are epoch ms.
 */
export function toDates(values: readonly unknown[]): (Date | null)[] {
  const out = new Array<Date | null>(values.length).fill(null);
  const rest: number[] = [];
  const text: string[] = [];
  values.forEach((value, i) => {
    if (value instanceof Date) out[i] = Number.isNaN(value.getTime()) ? null : value;
    else if (typeof value === "number" || typeof value === "bigint") {
      const ms = Number(value);
      out[i] = Number.isFinite(ms) ? new Date(ms) : null;
    }
    else if (typeof value === "string" && value.trim() !== "") {
      const t = value.trim();
      const d = ISO_ZONED.test(t) ? new Date(t) : undefined;
      if (d && !Number.isNaN(d.getTime())) out[i] = d;
      else {
        rest.push(i);
        text.push(normalisedTime(t));
      }
    }
  });
  if (!rest.length) return out;
  const result = parseTimeSeries(pl.Series("t", text, pl.Utf8));
  const series = result.parsed ? result.series : result.partial;
  const parsed = series ? msDates(series) : undefined;
  rest.forEach((row, k) => {
    const d = parsed?.[k] ?? null;
    if (d) out[row] = d;
    else if (NAMED_ZONE.test(text[k])) {
      const js = new Date(text[k]);
      out[row] = Number.isNaN(js.getTime()) ? null : js;
    }
  });
  return out;
}

function toBool(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") return Number(value) !== 0;
  if (typeof value === "string") {
    const t = value.trim().toLowerCase();
    if (t === "true" || t === "1") return true;
    if (t === "false" || t === "0") return false;
  }
  return null;
}

function toText(value: unknown, type: LiveColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  // dynamic values arrive as JSON (objects/arrays); keep them as JSON text.
  if (type === "dynamic" || typeof value === "object") return stringifyExact(value);
  return String(value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Whole-number text too long to be exact as a JS number (bounded: BigInt() of huge digit runs is slow). */
const LONG_WHOLE = /^[+-]?\d{16,40}$/;

/** A long value as an exact BigInt when it is one (or long digit text), else undefined. */
function exactWhole(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "string" && LONG_WHOLE.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

/**
 * A long column holding integers beyond 2^53: built from exact digits (a
 * Float64 step would round them). Int64 when all fit, else UInt64 when all
 * are ≥ 0 and fit, else Utf8 digits: never a rounded or null value.
 */
function exactLongSeries(name: string, values: readonly unknown[]): pl.Series {
  const whole = values.map((v): bigint | null => {
    const big = exactWhole(v);
    if (big !== undefined) return big;
    const n = toNumber(v);
    return n === null || !Number.isFinite(n) ? null : BigInt(Math.trunc(n));
  });
  const present = whole.filter((v): v is bigint => v !== null);
  const digits = whole.map((v) => (v === null ? null : v.toString()));
  if (present.every((v) => v >= INT64_MIN && v <= INT64_MAX)) return pl.Series(name, digits, pl.Utf8).cast(pl.Int64);
  if (present.every((v) => v >= 0n && v <= UINT64_MAX)) return pl.Series(name, digits, pl.Utf8).cast(pl.UInt64);
  return pl.Series(name, digits, pl.Utf8);
}

/** One column of values as a polars Series of its contract dtype. */
export function liveSeries(column: LiveColumn, values: unknown[]): pl.Series {
  const dtype = LIVE_DTYPES[column.type]();
  switch (column.type) {
    case "datetime":
      return pl.Series(column.name, toDates(values), pl.Datetime("ms"));
    case "long":
    case "int":
    case "real": {
      if (column.type === "long" && values.some((v) => exactWhole(v) !== undefined)) return exactLongSeries(column.name, values);
      const nums = values.map(toNumber);
      const ints = column.type !== "real";
      return pl.Series(column.name, ints ? nums.map((n) => (n === null || !Number.isFinite(n) ? null : Math.trunc(n))) : nums, ints ? pl.Float64 : pl.Float64).cast(dtype);
    }
    case "bool":
      return pl.Series(column.name, values.map(toBool), pl.Bool);
    default:
      return pl.Series(column.name, values.map((v) => toText(v, column.type)), pl.Utf8);
  }
}

/** Column names made unique (`name`, `name1`…) as Kusto does for duplicate projections. */
function uniqueNames(columns: readonly LiveColumn[]): LiveColumn[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    let name = c.name;
    for (let i = 1; seen.has(name); i += 1) name = `${c.name}${i}`;
    seen.add(name);
    return { ...c, name };
  });
}

/**
 * The DataFrame of a table (empty tables keep their columns and dtypes).
 * Columns holding only nulls (common in wide tables such as SecurityEvent)
 * are added as broadcast null literals: building a Series from a JS array
 * costs about 1 µs a value, which dominates wide results.
 */
export function liveFrame(table: Pick<LiveTable, "columns" | "rows">): pl.DataFrame {
  const columns = uniqueNames(table.columns);
  const rows = table.rows;
  if (!rows.length) return pl.DataFrame(columns.map((c) => liveSeries(c, [])));
  // One pass over the rows: which columns hold any value.
  const filled = new Array<boolean>(columns.length).fill(false);
  for (const r of rows) {
    if (!Array.isArray(r)) continue;
    for (let i = 0; i < columns.length; i += 1) if (!filled[i] && r[i] !== null && r[i] !== undefined) filled[i] = true;
  }
  // All-null columns share one null Series per dtype (renamed copies share its buffers).
  const nullSeries = new Map<LiveColumnType, pl.Series>();
  const series = columns.map((c, i) => {
    if (filled[i]) return liveSeries(c, rows.map((r) => (Array.isArray(r) ? r[i] : null)));
    let empty = nullSeries.get(c.type);
    if (!empty) nullSeries.set(c.type, (empty = liveSeries(c, new Array(rows.length).fill(null))));
    return empty.alias(c.name);
  });
  return pl.DataFrame(series);
}

const INTEGER_TYPES = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);
const FLOAT_TYPES = new Set(["Float32", "Float64"]);
const FLOAT_LIMIT = 2n ** 53n;

/** An integer column's values of 16 digits or more, exactly (nodejs-polars gives no max() of a UInt64, and a rounded one of an Int64). */
function longValues(s: pl.Series): bigint[] {
  if (!INTEGER_TYPES.has(s.dtype.variant)) return [];
  const text = pl.DataFrame([s.cast(pl.Utf8).alias("v")]).filter(pl.col("v").str.lengths().gtEq(16));
  return (text.getColumn("v").toArray() as string[]).map((v) => BigInt(v));
}

/** Whether an integer column holds a value a Float64 may round (2^53 and beyond). */
const beyondFloat = (s: pl.Series): boolean => longValues(s).some((v) => v >= FLOAT_LIMIT || v <= -FLOAT_LIMIT);

/** Whether an integer column holds a value beyond Int64. */
const beyondInt64 = (s: pl.Series): boolean => longValues(s).some((v) => v > INT64_MAX);

/**
 * The one dtype a column typed differently by two chunks takes (each chunk's driver infers its own, e.g.
 * Splunk's whole numbers in one window and decimals in the next, or a text value among an index's longs):
 * integers of two widths the wider (Int64 and UInt64 only when every UInt64 fits Int64), integers and reals
 * Float64 unless an integer would be rounded, anything else text. A chunk with no value in the column (Splunk
 * types an always-empty field as text) has no say.
 */
function commonType(columns: readonly pl.Series[]): DataType {
  const valued = columns.filter((s) => s.nullCount() < s.len());
  const voting = valued.length ? valued : columns.slice(0, 1);
  const variants = new Set(voting.map((s) => s.dtype.variant));
  if (variants.size === 1) return voting[0].dtype;
  const numeric = [...variants].every((v) => INTEGER_TYPES.has(v) || FLOAT_TYPES.has(v));
  if (numeric && [...variants].some((v) => FLOAT_TYPES.has(v))) return voting.some(beyondFloat) ? pl.Utf8 : pl.Float64;
  if (numeric) return voting.some((s) => s.dtype.variant === "UInt64" && beyondInt64(s)) ? pl.Utf8 : pl.Int64;
  return pl.Utf8;
}

/** A chunk's column `name` (of `from`) as `to`; times as text are ISO 8601 UTC, as the live contract writes instants. */
function castExpr(name: string, from: DataType, to: DataType): pl.Expr {
  const text = to.variant === "Utf8" || to.variant === "String";
  return (text && from.variant === "Datetime" ? pl.col(name).dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ") : pl.col(name).cast(to)).alias(name);
}

/** Each column's name and dtype (columnTypes reads them past the column proxy). */
function dtypesOf(f: pl.DataFrame): [string, DataType][] {
  const dtypes = columnTypes(f);
  return columnNames(f).map((n, i) => [n, dtypes[i]]);
}

/**
 * Frames of consecutive chunks stacked; columns missing in a chunk are null-filled (`diagonal`). A column two
 * chunks typed differently takes their common type ({@link commonType}) in every chunk and is named in `retyped`
 * (stacking them failed with polars' "failed to vstack column" after every window had been fetched). Only those
 * columns are touched: the dtypes are compared first.
 */
export function stackChunks(frames: pl.DataFrame[], retyped: string[] = []): pl.DataFrame {
  const nonEmpty = frames.filter((f) => columnNames(f).length > 0);
  if (!nonEmpty.length) return frames[0] ?? pl.DataFrame({});
  if (nonEmpty.length === 1) return nonEmpty[0];
  const kinds = new Map<string, Set<string>>();
  const schemas = nonEmpty.map(dtypesOf);
  for (const schema of schemas) {
    for (const [name, dtype] of schema) {
      let set = kinds.get(name);
      if (!set) kinds.set(name, (set = new Set()));
      set.add(String(dtype));
    }
  }
  const mixed = [...kinds].filter(([, set]) => set.size > 1).map(([name]) => name);
  if (!mixed.length) return pl.concat(nonEmpty, { how: "diagonal" });
  const targets = new Map<string, DataType>();
  for (const name of mixed) {
    const holders = nonEmpty.flatMap((f, i) => {
      const entry = schemas[i].find(([n]) => n === name);
      return entry ? [{ series: columnOf(f, name), dtype: entry[1] }] : [];
    });
    const target = commonType(holders.map((h) => h.series));
    targets.set(name, target);
    // A column that was only empty in some windows takes the others' type quietly: no value changed.
    if (holders.some((h) => String(h.dtype) !== String(target) && h.series.nullCount() < h.series.len())) retyped.push(name);
  }
  const aligned = nonEmpty.map((f, i) => {
    const changes = schemas[i].filter(([n, d]) => targets.has(n) && String(d) !== String(targets.get(n)));
    if (!changes.length) return f;
    return withSafeNames(f, (safe, nameOf) => safe.withColumns(...changes.map(([n, d]) => castExpr(nameOf(n), d, targets.get(n) as DataType))));
  });
  return pl.concat(aligned, { how: "diagonal" });
}
