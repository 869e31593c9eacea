/**
 * The LocalData driver: runs a query by scanning the data source named in its
 * `args.query` (or the file it was made from), then applies the declared
 * parameters (time range and column filters) as polars expressions that the
 * scan pushes down, and passes the result through the event-schema mapping
 * when the query declares `schema:`.
 */
import fs from "node:fs";
import { queryParams } from "./providerOptions";
import path from "node:path";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTemporalType, isTextType, isWholeDecimal, textExpr, timeLiteral } from "../common/dtypes";
import { foldCase, foldCaseExpr } from "../common/caseFold";
import { fitsInteger, matchKey, matchKind, numberOf } from "./matchValues";
import { DataFileError, QueryError, dataMessages as msg, dataWarnings } from "./messages";
import { printWarning } from "../common/messages";
import { anyOf, columnNames, columnOf, frameOf, hasColumn, renameAll, withPlainNames } from "../common/frames";
import { DataFileIndex, type DataSource } from "./dataSources";
import { collectScan, mapWholeSource, plainName, scanSource, type ScannedSource } from "./scan";
import { runAsync, runSync, type ReadSteps } from "./collect";
import type { ReadOptions } from "./readers";
import { datetimeValue, epochStatExprs, epochUnitOfStats, parseTimeSeries, type EpochUnit } from "./timeParsing";
import { FILETIME_UNIX_EPOCH } from "../common/epoch";
import { isWinEventExport, labColumnNames, normalizeEvents, winEventFields } from "./schemas/index";
import type { QueryDefinition, QueryParameter } from "./types";

export { DataFileIndex } from "./dataSources";

/** Values a query accepts for its parameters. */
export type QueryParams = Record<string, unknown>;

/** How a query is run, besides its parameters. */
export interface QueryRunOptions {
  /**
   * Columns to return (default: the query's `metadata.columns`, else all); one
   * name may be given as text. Parquet sources then read only these columns
   * (and those the filters need). On a query with a `metadata.schema` they are
   * columns of the mapped result (the lab's names), chosen after the mapping,
   * which reads every column.
   */
  columns?: string[];
}

/** The time column `start`/`end` filter on when a query does not name one. */
export const DEFAULT_TIME_COLUMN = "TimeGenerated";

/**
 * Time columns of common exports, tried in order when a query names none and
 * the data has no `TimeGenerated`: MDE, Windows XML/EVTX exports, Sysmon, ECS,
 * Zeek, Splunk, OCSF, AWS VPC flow logs (`start`, last: a name that general
 * is taken only when nothing else is)…
 */
export const TIME_COLUMN_CANDIDATES: readonly string[] = [
  DEFAULT_TIME_COLUMN,
  "Timestamp",
  "TimeCreated",
  "EventTime",
  "UtcTime",
  "@timestamp",
  "timestamp",
  "ts",
  "_time",
  "time",
  "StartTime",
  "CreatedDateTime",
  "start",
];

/** Parameter names (and aliases) that mean the start or end of the time range, as MSTICPy's queries spell them. */
const TIME_PARAMETER_NAMES: Record<"start" | "end", readonly string[]> = {
  start: ["start", "start_time", "starttime", "query_start", "time_start", "from"],
  end: ["end", "end_time", "endtime", "query_end", "time_end", "to"],
};

/**
 * `start` or `end` when the parameter is the query's time range: a datetime
 * parameter named (or aliased) as MSTICPy's time parameters are.
 */
export function timeRole(param: QueryParameter): "start" | "end" | undefined {
  if (param.type !== "datetime") return undefined;
  const names = [param.name, ...param.aliases].map((n) => n.toLowerCase());
  if (names.some((n) => TIME_PARAMETER_NAMES.start.includes(n))) return "start";
  if (names.some((n) => TIME_PARAMETER_NAMES.end.includes(n))) return "end";
  return undefined;
}

/**
 * Checks and converts the caller's parameters against the query's
 * declarations. Time-range parameters are never required: for local files an
 * absent start or end means "all time" (MSTICPy fills them from its default
 * query times; a file has no such default). `given`, when passed, receives
 * the parameters the caller gave (the others hold their defaults).
 */
export function resolveParameters(query: QueryDefinition, params: QueryParams = {}, given?: Set<QueryParameter>, options: ResolveOptions = {}): Map<QueryParameter, unknown> {
  const where = `${query.family}.${query.name}`;
  params = queryParams(where, params);
  const byName = new Map<string, QueryParameter>();
  for (const p of query.parameters) {
    byName.set(p.name, p);
    for (const alias of p.aliases) byName.set(alias, p);
  }
  const values = new Map<QueryParameter, unknown>();
  // The key each value came by: a parameter given under its name and an alias was the last one written, silently.
  const givenAs = new Map<QueryParameter, string>();
  for (const [key, value] of Object.entries(params)) {
    const param = byName.get(key);
    if (!param) {
      throw new QueryError(msg.unknownParameter(where, key, query.parameters.map((p) => p.name)));
    }
    if (value === undefined) continue;
    const earlier = givenAs.get(param);
    if (earlier !== undefined) throw new QueryError(msg.parameterTwice(where, param.name, [earlier, key]));
    givenAs.set(param, key);
    given?.add(param);
    values.set(param, convertValue(where, param, value, options));
  }
  for (const param of query.parameters) {
    if (values.has(param)) continue;
    if (param.required && !timeRole(param)) throw new QueryError(msg.missingParameter(where, param.name, param.type, param.description));
    // An empty list default (`default: []`, "empty: all" in the live query files) is no filter, as an absent value.
    const emptyList = Array.isArray(param.default) && param.default.length === 0;
    if (param.default !== null && param.default !== undefined && !emptyList) values.set(param, defaultValue(query, where, param));
  }
  return values;
}

/**
 * A parameter's default from its query file, converted as a caller's value is. One of the wrong type (`default: abc`
 * for an int) names the file and the default: the caller gave nothing, so "got abc" alone pointed at no one.
 */
function defaultValue(query: QueryDefinition, where: string, param: QueryParameter): unknown {
  try {
    return convertValue(where, param, param.default);
  } catch (err) {
    if (!(err instanceof QueryError) || (err.code !== "data/parameter-type" && err.code !== "data/not-a-time")) throw err;
    // The convert error's own "<query>: parameter "<name>"" prefix, said once by the new message.
    const prefix = `${where}: parameter "${param.name}"`;
    const problem = err.message.startsWith(prefix) ? err.message.slice(prefix.length).replace(/^:?\s+/, "") : err.message;
    throw new QueryError(msg.parameterDefault(where, param.name, query.sourceFile, problem), { cause: err });
  }
}

/** Options of {@link resolveParameters}. */
export interface ResolveOptions {
  /**
   * A text parameter may be given a list of texts or numbers (nulls dropped), for the live templates' whole value
   * lists (`has_any ({cmd_line})`, MSTICPy's MDE files), which check where it stands. Default false: a list is an error.
   */
  textLists?: boolean;
}

function convertValue(where: string, param: QueryParameter, value: unknown, options: ResolveOptions = {}): unknown {
  if (value === null) return null;
  const bad = (expected: string) => new QueryError(msg.parameterType(where, param.name, expected, value));
  switch (param.type) {
    case "datetime":
      if (!(value instanceof Date) && typeof value !== "string" && typeof value !== "number") throw bad("a Date, a time string, an offset such as -7d, or a number of days from now");
      return datetimeValue(value, `${where}: parameter "${param.name}"`);
    // Numbers given as text are read by numberOf, as the column filters read
    // them (matchValues.ts): decimal or 0x hexadecimal, never 0b/0o or Infinity,
    // so a value an int parameter takes is one a text parameter would match.
    case "int": {
      // A BigInt too (a notebook's `let eventId = 4688n`): exact, as text past 2^53 is.
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") throw bad("an integer");
      const n = typeof value === "string" ? numberOf(value) : value;
      if (typeof n === "bigint") {
        // Text past 2^53 would be rounded to the nearest double (and the query writers take no BigInt).
        if (BigInt(Number(n)) !== n) throw bad("an integer that a JS number holds exactly (past ±2^53 it would be rounded)");
        return Number(n);
      }
      if (typeof n !== "number" || !Number.isInteger(n)) throw bad("an integer (decimal or 0x hexadecimal)");
      // Decimal text past 2^53 (1e20, 9.007199254740993e15) may have been rounded on the way.
      if (typeof value === "string" && !Number.isSafeInteger(n)) throw bad("an integer that a JS number holds exactly (past ±2^53 it would be rounded)");
      return n;
    }
    case "float": {
      if (typeof value !== "string" && typeof value !== "number") throw bad("a number");
      const n = numberOf(value);
      if (n === undefined) throw bad("a finite number (decimal or 0x hexadecimal)");
      return Number(n);
    }
    case "bool":
      if (typeof value !== "boolean") throw bad("true or false");
      return value;
    case "list":
      if (Array.isArray(value)) return value;
      // Comma-separated text is a list, split and trimmed as MSTICPy's _parse_param_list ("a, b" was one item).
      if (typeof value === "string" && value.includes(",")) return value.split(",").map((item) => item.trim());
      if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return [value];
      throw bad("a list");
    case "str":
      if (options.textLists && Array.isArray(value) && value.every((v) => v === null || v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "bigint")) {
        return value.filter((v) => v !== null && v !== undefined).map(String);
      }
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") throw bad("a string");
      return String(value);
  }
}


/** Parameter types whose `equals` filter {@link anyOfQuery} can run for many values at once. */
const ANY_OF_TYPES: ReadonlySet<string> = new Set(["str", "int", "float"]);

/**
 * `query` for any of `values` of its parameter `name`, as one query: the same
 * definition with that parameter an `in` list. For a column filter with
 * `match: equals` that is the rows of every value's own query (equals is the
 * in filter of one value: text ignoring case, numbers as numbers), in the
 * file's order, from one read. Each value is checked and converted as its own
 * query would convert it (one the parameter's type refuses fails here as it
 * would there). Undefined when the parameter is no such filter.
 */
export function anyOfQuery(query: QueryDefinition, name: string, values: readonly unknown[]): { query: QueryDefinition; values: unknown[] } | undefined {
  const param = query.parameters.find((p) => p.name === name);
  if (!param || typeof param.column !== "string" || (param.match ?? "equals") !== "equals" || !ANY_OF_TYPES.has(param.type)) return undefined;
  const where = `${query.family}.${query.name}`;
  const converted = values.map((v) => convertValue(where, param, v));
  const list: QueryParameter = { ...param, type: "list", match: "in", required: false, default: null };
  return { query: { ...query, parameters: query.parameters.map((p) => (p === param ? list : p)) }, values: converted };
}

/**
 * The filter expression for one column parameter, on the column named `name`
 * (of type `dtype`). Text columns compare ignoring case. A numeric column
 * compares numbers: text values are read as numbers ({@link matchKey}), and a
 * value that is no number (or none the column's type holds) matches no row —
 * one junk value among a pivot's many must not fail the others. A Bool column
 * takes true/false. `contains` matches the cell's text (numbers as polars
 * writes them: `4688`, `1.5`, `2.0`; a list's elements joined by spaces). A time column equals Date values only;
 * other types (lists, structs…), and text for a time column, are a QueryError
 * naming the parameter and the column (polars' own error blamed the file).
 */
/**
 * Literal texts as alternations of polars (Rust) regexes, each up to 32 KB of UTF-8: the engine caps a compiled
 * pattern at 10 MB, which ~180 KB of CJK needles passed (and the query failed, blaming its data file).
 */
function alternations(literals: readonly string[]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let size = 0;
  for (const literal of literals) {
    // Rust's regex meta characters; `<` and `>` stay as they are (escaped, they are word boundaries).
    const escaped = literal.replace(/[\\.+*?()|[\]{}^$#&~-]/g, "\\$&");
    const bytes = Buffer.byteLength(escaped);
    if (size + bytes > 32_768 && part.length) {
      out.push(`(?:${part.join("|")})`);
      part = [];
      size = 0;
    }
    part.push(escaped);
    size += bytes + 1;
  }
  if (part.length) out.push(`(?:${part.join("|")})`);
  return out;
}

function columnFilter(name: string, dtype: DataType, param: QueryParameter, value: unknown, where: string): pl.Expr {
  const match = param.match ?? "equals";
  // A list value is any of its items, whatever the match: `equals` and `contains` read it as one text ("wks1,srv1").
  const items = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
  if (match === "contains") {
    // An empty list (given, or only nulls) is the empty set, as for equals and in: no row.
    if (!items.length) return pl.lit(false);
    const needles = items.map((v) => foldCase(String(v)));
    const text = foldCaseExpr(textExpr(pl.col(name), dtype), needles);
    if (needles.length === 1) return text.str.contains(needles[0], true);
    // Many items: one alternation of escaped literals per ~64 KB, which polars' regex engine matches in one
    // pass over each cell (a contains per item scanned every cell once per item: 22 s for 1,600 on 100k rows).
    return anyOf(alternations(needles).map((pattern) => text.str.contains(pattern)));
  }
  const values = items;
  if (!values.length) return pl.lit(false);
  // A column of nothing but nulls (an empty export column in NDJSON or Parquet) equals nothing.
  if (dtype.variant === "Null") return pl.lit(false);
  // Decimal (Parquet from Spark or pandas) compares as numbers, through Float64 (it was refused as no number column).
  const decimal = dtype.variant === "Decimal";
  // A Decimal of scale 0 (Spark's 128-bit ids) compares exactly, as integers: through Float64 two ids 1 apart past 2^53 matched.
  if (isWholeDecimal(dtype)) {
    const ids = [...new Set(values.map((v) => matchKey(v, "integer")).filter((k): k is string => k !== undefined))];
    return ids.length ? pl.col(name).cast(pl.Utf8).isIn(pl.lit(pl.Series("values", ids, pl.Utf8))) : pl.lit(false);
  }
  const kind = decimal ? "float" : matchKind(dtype);
  // A datetime parameter on a time column compares instants, as polars does (no text to read).
  // A Datetime column compares with a literal of its own unit and zone (a zoneless literal fails against a UTC column).
  if (kind === undefined && isTemporalType(dtype) && values.every((v) => v instanceof Date)) {
    return anyOf(values.map((v) => pl.col(name).eq(dtype.variant === "Datetime" ? timeLiteral(v as Date, dtype) : pl.lit(v))));
  }
  if (kind === undefined) throw new QueryError(msg.filterColumnType(where, param.name, param.column as string, dtype.variant, match));
  if (kind === "text") {
    if (values.some((v) => v instanceof Date)) throw new QueryError(msg.filterTimeOnText(where, param.name, param.column as string));
    const col = isTextType(dtype) ? pl.col(name) : pl.col(name).cast(pl.Utf8);
    const list = values.map((v) => foldCase(String(v)));
    const folded = foldCaseExpr(col, list);
    return list.length > 1 || match === "in" ? folded.isIn(list) : folded.eq(pl.lit(list[0]));
  }
  const keys = [...new Set(values.map((v) => matchKey(v, kind)).filter((k): k is string => k !== undefined))].filter((k) => kind !== "integer" || fitsInteger(k, dtype.variant));
  if (!keys.length) return pl.lit(false);
  // A literal of the column's own type: integers from exact decimal text (a JS number holds 2^53 at most).
  const literal =
    kind === "integer"
      ? pl.Series("values", keys, pl.Utf8).cast(dtype)
      : kind === "float"
        ? pl.Series("values", keys.map(Number), pl.Float64).cast(decimal ? pl.Float64 : dtype)
        : pl.Series("values", keys.map((k) => k === "true"), pl.Bool);
  return (decimal ? pl.col(name).cast(pl.Float64) : pl.col(name)).isIn(pl.lit(literal));
}

/** Name of the parsed time column added while filtering (the frame's own columns are renamed col_0… then, so it cannot clash). */
const PARSED_TIME = "__huntlab_time";

/** The time column `start`/`end` compare: the query's `metadata.time_column`, else the first known time column, else the first typed time column. */
function pickTimeColumn(query: QueryDefinition, schema: ReadonlyMap<string, DataType>, where: string, file: string): string {
  const named = query.metadata.time_column;
  if (named !== undefined && named !== null && String(named) !== "") {
    if (!schema.has(String(named))) throw new QueryError(msg.timeColumnMissing(where, path.basename(file), String(named), query.sourceFile));
    return String(named);
  }
  const known = TIME_COLUMN_CANDIDATES.find((c) => schema.has(c));
  if (known) return known;
  const typed = [...schema].find(([, dtype]) => isTemporalType(dtype));
  if (typed) return typed[0];
  // A query made from a data file has no query file to set metadata.time_column in: the message says what applies.
  throw new QueryError(msg.timeColumnMissing(where, path.basename(file), DEFAULT_TIME_COLUMN, /\.ya?ml$/i.test(query.sourceFile) ? query.sourceFile : undefined));
}

/** `start <= t <= end` on a typed time column (Datetime of any unit and zone, or Date). */
function rangeFilters(t: pl.Expr, dtype: DataType, start: Date | null, end: Date | null): pl.Expr[] {
  const filters: pl.Expr[] = [];
  if (dtype.variant === "Date") {
    const asTime = t.cast(pl.Datetime("ms"));
    if (start) filters.push(asTime.gtEq(pl.lit(start)));
    if (end) filters.push(asTime.ltEq(pl.lit(end)));
    return filters;
  }
  if (start) filters.push(t.gtEq(timeLiteral(start, dtype)));
  if (end) filters.push(t.ltEq(timeLiteral(end, dtype)));
  return filters;
}

const NUMERIC_TYPES = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"]);
const isNumericType = (dtype: DataType): boolean => NUMERIC_TYPES.has(dtype.variant);

/** Epoch units by the size of the values, with the number of units in a millisecond (FILETIME: 100 ns ticks, from 1601). */
const PER_MS: Record<EpochUnit, number> = { s: 0.001, ms: 1, us: 1_000, ns: 1_000_000, filetime: 10_000 };

/**
 * `start <= t <= end` on a numeric column of epoch times (Zeek's `ts`, OCSF's
 * `time`, Splunk's `_time`…), the unit detected from the median of its values
 * (one column read), so that a sentinel far in the future does not change it.
 * Integer columns compare with integer bounds (ns do not fit a JS number exactly).
 */
function* epochFilters(scanned: ScannedSource, plain: string, column: string, start: Date | null, end: Date | null, where: string): ReadSteps<pl.Expr[]> {
  // The unit from the median of the values that can be epoch times in some unit, not from the largest: one
  // sentinel (.NET's 9999-12-31 as 253402300799 s, Int64's maximum) would move the whole column to a finer unit.
  const { unit, max } = epochUnitOfStats(yield* collectScan(scanned, scanned.lf.select(...epochStatExprs(pl.col(plain)))));
  // All null: nothing to compare, and nothing passes a range.
  if (Number.isNaN(max)) return [pl.lit(false)];
  if (!unit) throw new QueryError(msg.timeColumnNotEpoch(where, column, max));
  const dtype = scanned.schema.get(column) as DataType;
  const float = dtype.variant.startsWith("Float");
  // Seconds divide (ms × 0.001 rounds above the double of 1704189600.074 for some values: a row at `start` was lost).
  // A FILETIME counts from 1601: its bound is offset by 1970's tick count (exact as a double and as Int64).
  const origin = unit === "filetime" ? FILETIME_UNIX_EPOCH : 0;
  const bound = (date: Date): pl.Expr =>
    unit === "s" || float
      ? pl.lit(unit === "s" ? date.getTime() / 1000 : date.getTime() * PER_MS[unit] + origin)
      : pl.lit(date.getTime()).cast(pl.Int64).mul(pl.lit(PER_MS[unit]).cast(pl.Int64)).add(pl.lit(origin).cast(pl.Int64));
  const t = float ? pl.col(plain) : pl.col(plain).cast(unit === "s" ? pl.Float64 : pl.Int64);
  const filters: pl.Expr[] = [];
  if (start) filters.push(t.gtEq(bound(start)));
  if (end) filters.push(t.ltEq(bound(end)));
  return filters;
}

/**
 * Day filters on a dataset's Date-typed hive key (`date=2026-11-01`), which is
 * taken to hold the UTC day of the time column: polars then skips whole
 * partition folders. Only when exactly one key is a Date.
 */
function partitionDayFilters(scanned: ScannedSource, plainOf: (c: string) => string, start: Date | null, end: Date | null): pl.Expr[] {
  const days = scanned.partitionKeys.filter((k) => scanned.schema.get(k)?.variant === "Date");
  if (days.length !== 1) return [];
  const day = pl.col(plainOf(days[0]));
  const filters: pl.Expr[] = [];
  if (start) filters.push(day.gtEq(pl.lit(start).cast(pl.Date)));
  if (end) filters.push(day.ltEq(pl.lit(end).cast(pl.Date)));
  return filters;
}

/** What a query's parameters ask of the data. */
interface QueryFilters {
  start: Date | null;
  end: Date | null;
  columnParams: [QueryParameter, unknown][];
}

function splitParameters(values: Map<QueryParameter, unknown>, names: readonly string[], where: string, file: string): QueryFilters {
  const out: QueryFilters = { start: null, end: null, columnParams: [] };
  for (const [param, value] of values) {
    if (value === null || value === undefined) continue;
    const role = timeRole(param);
    if (role === "start") out.start = value as Date;
    else if (role === "end") out.end = value as Date;
    else if (param.column) {
      if (!names.includes(param.column)) {
        throw new QueryError(msg.filterColumnMissing(where, param.name, param.column, path.basename(file)));
      }
      out.columnParams.push([param, value]);
    }
  }
  if (out.start && out.end && out.start > out.end) throw new QueryError(msg.timeRangeReversed(where, out.start, out.end));
  return out;
}

/** A query's filters and selection, planned on a scanned source (plain column names). */
interface ScanPlan {
  /** The filtered lazy frame (plain names), its selection not yet applied. */
  lf: pl.LazyDataFrame;
  /** The columns to return, original names. */
  kept: string[];
  plainOf: (column: string) => string;
  /** A text time column to filter after collecting, with the range. */
  textTime?: { column: string; start: Date | null; end: Date | null };
  where: string;
}

/**
 * Plans `start`/`end`, the column parameters and the column selection on a
 * scanned source. Typed time columns are filtered in the scan (pushed down);
 * a text one (the lab's process times) is left for after collecting.
 */
function* planScan(scanned: ScannedSource, query: QueryDefinition, values: Map<QueryParameter, unknown>, columns?: readonly string[]): ReadSteps<ScanPlan> {
  const where = `${query.family}.${query.name}`;
  const names = [...scanned.schema.keys()];
  const { start, end, columnParams } = splitParameters(values, names, where, scanned.file);
  const missing = (columns ?? []).filter((c) => !names.includes(c));
  if (missing.length) throw new QueryError(msg.selectColumnMissing(where, path.basename(scanned.file), missing, names));
  const index = new Map(names.map((n, i) => [n, i]));
  const plainOf = (c: string) => plainName(index.get(c) as number);
  // A file without a record (an export of a search with no hits, `[]`) has no columns to filter: no rows, whatever the range.
  if (!names.length) return { lf: scanned.lf, kept: [], plainOf, where };
  let lf = scanned.lf;
  const filters = columnParams.map(([param, value]) => columnFilter(plainOf(param.column as string), scanned.schema.get(param.column as string) as DataType, param, value, where));
  let textTime: ScanPlan["textTime"];
  if (start || end) {
    const timeColumn = pickTimeColumn(query, scanned.schema, where, scanned.file);
    const dtype = scanned.schema.get(timeColumn) as DataType;
    if (isTextType(dtype)) textTime = { column: timeColumn, start, end };
    else if (isTemporalType(dtype)) filters.push(...rangeFilters(pl.col(plainOf(timeColumn)), dtype, start, end), ...partitionDayFilters(scanned, plainOf, start, end));
    else if (isNumericType(dtype)) filters.push(...(yield* epochFilters(scanned, plainOf(timeColumn), timeColumn, start, end, where)));
    else throw new QueryError(msg.timeColumnType(where, timeColumn, dtype.variant));
  }
  if (filters.length) lf = lf.filter(filters.reduce((a, b) => a.and(b)));
  const kept = columns ? [...columns] : names;
  const read = textTime && !kept.includes(textTime.column) ? [...kept, textTime.column] : kept;
  if (columns) lf = lf.select(...read.map(plainOf));
  return { lf, kept, plainOf, textTime, where };
}

/** Applies a query's parameters and selection to a scanned source and collects the result (original column names). */
export function* filterScan(scanned: ScannedSource, query: QueryDefinition, values: Map<QueryParameter, unknown>, columns?: readonly string[]): ReadSteps<pl.DataFrame> {
  const plan = yield* planScan(scanned, query, values, columns);
  let plainDf = yield* collectScan(scanned, plan.lf);
  if (plan.textTime) plainDf = filterTextTime(plainDf, plan.plainOf(plan.textTime.column), plan.textTime.column, plan.textTime.start, plan.textTime.end, plan.where, scanned);
  // One select and one rename over the plain names: no Series wrapper per column.
  return renameAll(plainDf.select(...plan.kept.map(plan.plainOf)), plan.kept);
}

/**
 * The query as a polars LazyDataFrame, not collected: for aggregations over
 * more rows than fit in memory (`.groupBy(…).agg(…).collectSync({ streaming })`).
 * A text time column cannot be filtered lazily: that source is collected first.
 */
export function* lazyScan(scanned: ScannedSource, query: QueryDefinition, values: Map<QueryParameter, unknown>, columns?: readonly string[]): ReadSteps<pl.LazyDataFrame> {
  const plan = yield* planScan(scanned, query, values, columns);
  const back: Record<string, string> = {};
  // Defined, not assigned: a column may be called `__proto__`.
  plan.kept.forEach((name) => Object.defineProperty(back, plan.plainOf(name), { value: name, enumerable: true }));
  if (plan.textTime) {
    const { column, start, end } = plan.textTime;
    const plainDf = filterTextTime(yield* collectScan(scanned, plan.lf), plan.plainOf(column), column, start, end, plan.where, scanned);
    return plainDf.select(...plan.kept.map(plan.plainOf)).lazy().rename(back);
  }
  return plan.lf.select(...plan.kept.map(plan.plainOf)).rename(back);
}

/** Filters on a text time column (plain-named `plain`): parsed to times for the comparison; the column stays text. */
function filterTextTime(plainDf: pl.DataFrame, plain: string, column: string, start: Date | null, end: Date | null, where: string, scanned: Pick<ScannedSource, "dayFirst" | "years" | "file">): pl.DataFrame {
  const dayFirst = scanned.dayFirst === true;
  // Times without a year (a Parquet or Arrow file's `Dec  7 08:15:00` text): the readers' rule and warning, by the
  // file's modification time or the year option (they were given years by the clock, without a word).
  const parsed = parseTimeSeries(columnOf(plainDf, plain), { dayFirst, year: scanned.years?.year, writtenBy: scanned.years?.writtenBy });
  if (parsed.parsed && parsed.yearsAssumed) (scanned.years?.warn ?? printWarning)(dataWarnings.yearsAssumed(path.basename(scanned.file), column, parsed.yearsAssumed));
  // Slash dates that read either way in a 24-hour clock, left as text (a Get-WinEvent export's TimeCreated, whose
  // culture is unknown): a window read month first would be silently wrong for a day-first file.
  if (!dayFirst && parsed.ambiguousSlashDates && !parsed.ambiguousSlashDates.twelveHour) {
    throw new QueryError(msg.timeColumnAmbiguous(where, column, (columnOf(plainDf, plain).dropNulls().head(1).toArray() as unknown[]).map(String)[0] ?? ""));
  }
  // No value at all (a header-only file, a column of empty values): no row is in any range.
  if (!parsed.parsed && parsed.failures === 0) return plainDf.head(0);
  if (!parsed.parsed) throw new QueryError(msg.timeColumnUnparsed(where, column, parsed.failures, parsed.examples));
  const filters = rangeFilters(pl.col(PARSED_TIME), parsed.series.dtype, start, end);
  return plainDf.withColumn(parsed.series.rename(PARSED_TIME)).filter(filters.reduce((a, b) => a.and(b))).drop(PARSED_TIME);
}

/** The columns a query returns by default: `metadata.columns` (a huntlab extension), else all. */
function defaultColumns(query: QueryDefinition): string[] | undefined {
  const cols = query.metadata.columns;
  return Array.isArray(cols) && cols.length ? cols.map(String) : undefined;
}

/** The source a query reads: the file it was made from, or the one its `args.query` names (placeholders filled). */
function sourceOf(index: DataFileIndex, query: QueryDefinition, where: string, values: ReadonlyMap<QueryParameter, unknown>): DataSource & { real: string } {
  if (query.dataFile) {
    const source = index.sourceAt(query.dataFile);
    // Gone since it was listed: looked for by name again (resolveSource lists the folders afresh).
    if (source && fs.existsSync(source.path)) return index.checked(source, where);
  }
  return index.resolveSource(fileNameOf(query, values, where), where);
}

const FILE_PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_]\w*)\}/g;

/**
 * A LocalData query's file name with its `{param}` placeholders filled, as MSTICPy formats `args.query` before its
 * LocalData driver looks the name up (`{table}.csv` with `table: events` reads events.csv; it was looked for as a file
 * named "{table}.csv"). `{{`/`}}` are braces; a name that is no parameter stays as written. A value must be one part
 * of a file name (no folder separators, not `.` or `..`): a pivot may pass data into it.
 */
function fileNameOf(query: QueryDefinition, values: ReadonlyMap<QueryParameter, unknown>, where: string): string {
  if (!query.query.includes("{") && !query.query.includes("}")) return query.query;
  const byName = new Map<string, QueryParameter>();
  for (const p of query.parameters) for (const n of [p.name, ...p.aliases]) byName.set(n, p);
  return query.query.replace(FILE_PLACEHOLDER, (whole, name: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const param = byName.get(name as string);
    if (!param) return whole;
    const value = values.get(param);
    const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
    if (text === "" || text === "." || text === ".." || /[\\/\0]/.test(text) || Array.isArray(value)) {
      throw new QueryError(msg.fileNameValue(where, param.name, query.query, value === null || value === undefined ? "no value" : JSON.stringify(text.slice(0, 80))));
    }
    return text;
  });
}

/**
 * Runs a LocalData query with polars' asynchronous collects (the JavaScript
 * thread stays free): when `signal` aborts, rejects at once with its reason,
 * and nothing of the query runs after that (see collect.ts).
 */
export function runLocalQueryAsync(
  index: DataFileIndex,
  query: QueryDefinition,
  params: QueryParams | undefined,
  readOptions: ReadOptions = {},
  runOptions: QueryRunOptions = {},
  signal?: AbortSignal,
): Promise<pl.DataFrame> {
  return runAsync(localQuerySteps(index, query, params, readOptions, runOptions), signal);
}

/** A LocalData query as read steps: find the source, scan it, filter it, map its schema. */
function* localQuerySteps(
  index: DataFileIndex,
  query: QueryDefinition,
  params: QueryParams | undefined,
  readOptions: ReadOptions = {},
  runOptions: QueryRunOptions = {},
): ReadSteps<pl.DataFrame> {
  const where = `query ${query.family}.${query.name}`;
  const values = resolveParameters(query, params);
  const source = sourceOf(index, query, where, values);
  // Warnings about the file (its reader's, its mapping's) are said once per provider while it is unchanged, not once per query of it.
  readOptions = { ...readOptions, warn: index.warnOncePerFile(source.real, readOptions.warn ?? printWarning) };
  const kind = query.schema;
  const columns = runOptions.columns ?? defaultColumns(query);
  let df: pl.DataFrame;
  // Filters on lab columns that the export only gets from the schema mapping run after it.
  const afterMapping: [QueryParameter, unknown][] = [];
  let writtenBy: Date | undefined;
  try {
    let scanned = yield* scanSource(source, source.real, readOptions);
    writtenBy = scanned.years?.writtenBy;
    // A plain Get-WinEvent export read whole (CSV, JSON) whose TimeCreated the reader left as text (a de-DE one, PowerShell 5's
    // `/Date(ms)/`): its fields and times read first, so that the window applies to that TimeGenerated. Where the reader
    // read TimeCreated as times the window works on it as it is, and the mapping (every Message parsed) waits until
    // after the window; a scanned one keeps its pushdown.
    const timeCreated = scanned.schema.get("TimeCreated");
    if (kind && scanned.whole && timeCreated && !isTemporalType(timeCreated) && isWinEventExport([...scanned.schema.keys()])) {
      // The CSV and JSON readers have warned of TimeCreated's slash dates that read either way (they kept them as text): once is enough.
      const timeCreatedWarned = source.kind === "file" && (source.format === "csv" || source.format === "ndjson" || source.format === "json") && readOptions.parseTimes !== false && !readOptions.dayFirst;
      scanned = yield* mapWholeSource(scanned, (df) => winEventFields(df, { warn: readOptions.warn, timeCreatedWarned, source: path.basename(source.path) }));
    }
    if (kind) {
      const labColumns = new Set(labColumnNames(kind));
      for (const [param, value] of values) {
        if (param.column && !scanned.schema.has(param.column) && labColumns.has(param.column) && value !== null && value !== undefined) {
          afterMapping.push([param, value]);
          values.delete(param);
        }
      }
    }
    // A query with a schema returns the mapped frame (the lab's Account, LogonType… beside the export's own columns):
    // the columns asked for are chosen from it, after the mapping, which needs the export's columns to tell its schema.
    // Selected in the scan, they left the mapping too few columns to recognise the export: every query with a schema failed.
    df = yield* filterScan(scanned, query, values, kind ? undefined : columns);
  } catch (err) {
    if (!(err instanceof DataFileError)) throw err;
    throw new DataFileError(msg.queryFileRead(where, err), { cause: err });
  }
  if (!kind) return df;
  // Times without a year the reader left as text (a Parquet file's): years by the file's date the scan read (one read of it).
  df = normalizeEvents(df, kind, { source: `${query.family}.${query.name} (${path.basename(source.path)})`, file: path.basename(source.path), warn: readOptions.warn, year: readOptions.year, writtenBy });
  for (const [param] of afterMapping) {
    if (!hasColumn(df, param.column as string)) throw new QueryError(msg.filterColumnMissing(where, param.name, param.column as string, path.basename(source.path)));
  }
  const mapped = df;
  if (afterMapping.length) {
    df = withPlainNames(mapped, (plain, nameOf) =>
      plain.filter(
        afterMapping
          .map(([param, value]) => columnFilter(nameOf(param.column as string), columnOf(mapped, param.column as string).dtype, param, value, where))
          .reduce((a, b) => a.and(b)),
      ),
    );
  }
  return columns ? selectMapped(df, columns, `${query.family}.${query.name}`, path.basename(source.path)) : df;
}

/** The columns asked of a query with a schema, from its mapped frame; one it does not have is named, with the close names. */
function selectMapped(df: pl.DataFrame, columns: readonly string[], where: string, file: string): pl.DataFrame {
  const names = columnNames(df);
  const missing = columns.filter((c) => !names.includes(c));
  if (missing.length) throw new QueryError(msg.selectColumnMissing(where, `${file} (mapped to the lab's columns)`, missing, names));
  return frameOf(columns.map((c) => columnOf(df, c)));
}

/**
 * A LocalData query as a LazyDataFrame (filters and selection planned, nothing
 * read yet). The event-schema mapping (`metadata.schema`) applies to collected
 * results only: run the query itself for those.
 */
export function runLocalLazy(
  index: DataFileIndex,
  query: QueryDefinition,
  params: QueryParams | undefined,
  readOptions: ReadOptions = {},
  runOptions: QueryRunOptions = {},
): pl.LazyDataFrame {
  const where = `query ${query.family}.${query.name}`;
  const values = resolveParameters(query, params);
  const source = sourceOf(index, query, where, values);
  try {
    return runSync(
      (function* () {
        return yield* lazyScan(yield* scanSource(source, source.real, readOptions), query, values, runOptions.columns ?? defaultColumns(query));
      })(),
    );
  } catch (err) {
    if (!(err instanceof DataFileError)) throw err;
    throw new DataFileError(msg.queryFileRead(where, err), { cause: err });
  }
}
