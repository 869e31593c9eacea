/**
 * The LocalData driver: runs a query by reading the data file named in its
 * `args.query`, then applies the declared parameters (time range and column
 * filters) with polars expressions.
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { closestNames } from "../common/errors";
import { DataFileError, QueryError, dataMessages as msg } from "./messages";
import { columnNames, columnOf, withPlainNames } from "../common/frames";
import { DATA_EXTENSIONS, dataFormat, readDataFile, type ReadOptions } from "./readers";
import { parseTimeSeries, toDate } from "./timeParsing";
import type { QueryDefinition, QueryParameter } from "./types";

/** Values a query accepts for its parameters. */
export type QueryParams = Record<string, unknown>;

/** The time column `start`/`end` filter on when a query does not name one. */
export const DEFAULT_TIME_COLUMN = "TimeGenerated";

/** True when `file` is `root` or inside it (both real, absolute paths). */
function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Indexes the data files under the data paths by lower-cased file name, as
 * MSTICPy's LocalData does. A file is served only when its real path (links
 * resolved) is inside the real path of a data path.
 */
export class DataFileIndex {
  private files?: Map<string, string>;
  private realRoots?: string[];

  constructor(readonly dataPaths: string[]) {
    const missing = dataPaths.filter((p) => !fs.existsSync(p));
    if (missing.length) {
      throw new DataFileError(msg.pathsMissing(missing.map((p) => path.resolve(p))));
    }
  }

  /** Lower-cased file name → path. Built on first use; a later path's file of the same name wins. */
  private index(): Map<string, string> {
    if (this.files) return this.files;
    const files = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (dataFormat(entry.name)) files.set(entry.name.toLowerCase(), full);
      }
    };
    for (const p of this.dataPaths) {
      if (fs.statSync(p).isDirectory()) walk(p);
      else files.set(path.basename(p).toLowerCase(), p);
    }
    this.files = files;
    return files;
  }

  /** All indexed file names. */
  names(): string[] {
    return [...this.index().keys()];
  }

  /**
   * The real path of `file` (links resolved) when it is inside a data path;
   * otherwise an error naming the link and its target. Checked at each read,
   * so a link changed after indexing is caught too; the real path is what is
   * read, not the link.
   */
  private contained(file: string, context: string): string {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch (err) {
      const target = linkTarget(file);
      throw new DataFileError(msg.fileUnreadable(context, file, target, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
    }
    this.realRoots ??= this.dataPaths.map((p) => fs.realpathSync(p));
    if (this.realRoots.some((root) => isInside(real, root))) return real;
    throw new DataFileError(msg.linkOutside(context, file, real, this.realRoots));
  }

  /**
   * The path of a data file named by a query. A name with another extension
   * (MSTICPy's `host_logons.pkl`) resolves to a readable file with the same stem.
   */
  resolve(name: string, context: string): string {
    const files = this.index();
    const key = path.basename(name).toLowerCase();
    const exact = files.get(key);
    if (exact) return this.contained(exact, context);
    const stem = key.slice(0, key.length - path.extname(key).length);
    for (const ext of DATA_EXTENSIONS) {
      const found = files.get(stem + ext);
      if (found) return this.contained(found, context);
    }
    const close = closestNames(key, files.keys());
    throw new DataFileError(msg.fileNotFound(context, name, this.dataPaths.map((p) => path.resolve(p)), close));
  }
}

/** Where a symbolic link points (as written, made absolute), or undefined when `file` is not a link. */
function linkTarget(file: string): string | undefined {
  try {
    return path.resolve(path.dirname(file), fs.readlinkSync(file));
  } catch {
    return undefined;
  }
}

/** Checks and converts the caller's parameters against the query's declarations. */
export function resolveParameters(query: QueryDefinition, params: QueryParams = {}): Map<QueryParameter, unknown> {
  const where = `${query.family}.${query.name}`;
  const byName = new Map<string, QueryParameter>();
  for (const p of query.parameters) {
    byName.set(p.name, p);
    for (const alias of p.aliases) byName.set(alias, p);
  }
  const values = new Map<QueryParameter, unknown>();
  for (const [key, value] of Object.entries(params)) {
    const param = byName.get(key);
    if (!param) {
      throw new QueryError(msg.unknownParameter(where, key, query.parameters.map((p) => p.name)));
    }
    if (value === undefined) continue;
    values.set(param, convertValue(where, param, value));
  }
  for (const param of query.parameters) {
    if (values.has(param)) continue;
    if (param.required) throw new QueryError(msg.missingParameter(where, param.name, param.type, param.description));
    if (param.default !== null && param.default !== undefined) values.set(param, convertValue(where, param, param.default));
  }
  return values;
}

function convertValue(where: string, param: QueryParameter, value: unknown): unknown {
  if (value === null) return null;
  const bad = (expected: string) => new QueryError(msg.parameterType(where, param.name, expected, value));
  switch (param.type) {
    case "datetime":
      if (!(value instanceof Date) && typeof value !== "string" && typeof value !== "number") throw bad("a Date, a time string or epoch milliseconds");
      return toDate(value, `${where}: parameter "${param.name}"`);
    case "int": {
      const n = typeof value === "string" ? Number(value.trim()) : value;
      if (typeof n !== "number" || !Number.isInteger(n)) throw bad("an integer");
      return n;
    }
    case "float": {
      const n = typeof value === "string" ? Number(value.trim()) : value;
      if (typeof n !== "number" || Number.isNaN(n)) throw bad("a number");
      return n;
    }
    case "bool":
      if (typeof value !== "boolean") throw bad("true or false");
      return value;
    case "list":
      if (Array.isArray(value)) return value;
      if (typeof value === "string" || typeof value === "number") return [value];
      throw bad("a list");
    case "str":
      if (typeof value !== "string" && typeof value !== "number") throw bad("a string");
      return String(value);
  }
}


/** The filter expression for one column parameter, on the column named `name` (of type `dtype`). */
function columnFilter(name: string, dtype: DataType, param: QueryParameter, value: unknown): pl.Expr {
  const text = isTextType(dtype);
  const col = text ? pl.col(name).str.toLowerCase() : pl.col(name);
  const norm = (v: unknown) => (text ? String(v).toLowerCase() : v);
  switch (param.match ?? "equals") {
    case "contains":
      return pl.col(name).cast(pl.Utf8).str.toLowerCase().str.contains(String(value).toLowerCase(), true);
    case "in": {
      const list = (Array.isArray(value) ? value : [value]).map(norm);
      return col.isIn(list);
    }
    default:
      return col.eq(pl.lit(norm(value)));
  }
}

/** Name of the parsed time column added while filtering (the frame's own columns are renamed col_0… then, so it cannot clash). */
const PARSED_TIME = "__huntlab_time";

/**
 * Applies `start`/`end` and the column parameters to the loaded frame.
 * Column names come from the data file, so polars methods run on a copy with
 * plain column names (see frames.ts) and the result gets the names back.
 */
export function applyParameters(df: pl.DataFrame, query: QueryDefinition, values: Map<QueryParameter, unknown>, file: string): pl.DataFrame {
  const where = `${query.family}.${query.name}`;
  const names = columnNames(df);
  let start: Date | null = null;
  let end: Date | null = null;
  const columnParams: [QueryParameter, unknown][] = [];
  for (const [param, value] of values) {
    if (value === null || value === undefined) continue;
    if (param.name === "start" && param.type === "datetime") start = value as Date;
    else if (param.name === "end" && param.type === "datetime") end = value as Date;
    else if (param.column) {
      if (!names.includes(param.column)) {
        throw new QueryError(msg.filterColumnMissing(where, param.name, param.column, path.basename(file)));
      }
      columnParams.push([param, value]);
    }
  }
  if (start && end && start > end) throw new QueryError(msg.timeRangeReversed(where, start, end));
  const time = start || end ? timeSeries(df, names, query, where, file) : undefined;
  if (!time && columnParams.length === 0) return df;
  return withPlainNames(df, (plain, nameOf) => {
    const filters = columnParams.map(([param, value]) => columnFilter(nameOf(param.column as string), columnOf(df, param.column as string).dtype, param, value));
    let target = plain;
    if (time) {
      // A typed time column is compared as it is; a text one through its parsed copy.
      target = time.parsed ? plain.withColumn(time.series.rename(PARSED_TIME)) : plain;
      const t = pl.col(time.parsed ? PARSED_TIME : nameOf(time.column)).cast(pl.Datetime("ms"));
      if (start) filters.push(t.gtEq(pl.lit(start)));
      if (end) filters.push(t.ltEq(pl.lit(end)));
    }
    const out = target.filter(filters.reduce((a, b) => a.and(b)));
    return time?.parsed ? out.drop(PARSED_TIME) : out;
  });
}

/** The time column `start`/`end` compare: typed as it is, or text parsed to times. Errors name the query, file and column. */
function timeSeries(df: pl.DataFrame, names: string[], query: QueryDefinition, where: string, file: string): { column: string; parsed: boolean; series: pl.Series } {
  const timeColumn = String(query.metadata.time_column ?? DEFAULT_TIME_COLUMN);
  if (!names.includes(timeColumn)) {
    throw new QueryError(msg.timeColumnMissing(where, path.basename(file), timeColumn));
  }
  const column = columnOf(df, timeColumn);
  if (isTextType(column.dtype)) {
    const parsed = parseTimeSeries(column);
    if (!parsed.parsed) {
      throw new QueryError(msg.timeColumnUnparsed(where, timeColumn, parsed.failures, parsed.examples));
    }
    return { column: timeColumn, parsed: true, series: parsed.series };
  }
  if (!isTemporalType(column.dtype)) throw new QueryError(msg.timeColumnType(where, timeColumn, column.dtype.variant));
  return { column: timeColumn, parsed: false, series: column };
}

/** Runs a LocalData query: resolve the file, read it, filter it. */
export function runLocalQuery(
  index: DataFileIndex,
  query: QueryDefinition,
  params: QueryParams | undefined,
  readOptions: ReadOptions = {},
): pl.DataFrame {
  const where = `query ${query.family}.${query.name}`;
  const values = resolveParameters(query, params);
  const file = index.resolve(query.query, where);
  let df: pl.DataFrame;
  try {
    df = readDataFile(file, readOptions);
  } catch (err) {
    throw new DataFileError(msg.queryFileRead(where, err), { cause: err });
  }
  return applyParameters(df, query, values, file);
}
