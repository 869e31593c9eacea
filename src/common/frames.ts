/**
 * polars objects, whatever a notebook loaded and whatever the columns are called.
 *
 * - Type guards that recognise DataFrames and Series from any copy of nodejs-polars.
 * - Column access that survives hostile column names: nodejs-polars wraps every
 *   DataFrame in a Proxy that answers any property named like a column with that
 *   column (with a column `columns`, `df.columns` is a Series; with `filter`,
 *   `df.filter(…)` is "not a function"; polars' own methods call each other
 *   through the proxy too). Column names come from data files
 *   (attacker-controlled), so columns are read through the proxy's `ownKeys` and
 *   `getOwnPropertyDescriptor` traps — which always mean columns — and polars
 *   methods run only on copies whose columns huntlab named itself.
 */
import pl, { type DataType } from "nodejs-polars";
import { jsDtype } from "./dtypes";
import { HuntlabError } from "./errors";
import { parseJsonExact, parseJsonIntegersAsText } from "./json";
import { commonMessages as msg } from "./messages";

/** True for a nodejs-polars DataFrame (checks polars' own tag). */
export function isDataFrame(value: unknown): value is pl.DataFrame {
  return value !== null && typeof value === "object" && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "DataFrame";
}

/** True for a nodejs-polars Series (polars' tag is a method there, not a string). */
export function isSeries(value: unknown): value is pl.Series {
  if (value === null || typeof value !== "object") return false;
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  try {
    return typeof tag === "function" && tag.call(value) === "Series";
  } catch {
    return false;
  }
}

/** The column names of a frame, in order. */
export function columnNames(df: pl.DataFrame): string[] {
  return Reflect.ownKeys(df).filter((k): k is string => typeof k === "string");
}

/**
 * Each column's dtype, in column order, read past the column proxy: one call
 * (a Series wrapper per column costs ~0.2 ms), or column by column when a
 * column's name shadows a member (`dtypes`).
 */
export function columnTypes(df: pl.DataFrame): DataType[] {
  const names = columnNames(df);
  // Each column by its descriptor: columnOf would list every column again for each one.
  return names.includes("dtypes") ? names.map((n) => (Reflect.getOwnPropertyDescriptor(df, n)?.value as pl.Series).dtype) : df.dtypes;
}

/** True when the frame has a column of that name. */
export function hasColumn(df: pl.DataFrame, name: string): boolean {
  return columnNames(df).includes(name);
}

/** One column. Throws naming the column (and `what` asked for it) when there is none. */
export function columnOf(df: pl.DataFrame, name: string, what = "column"): pl.Series {
  const names = columnNames(df);
  if (!names.includes(name)) throw new HuntlabError(msg.columnMissing(name, names, what));
  return Reflect.getOwnPropertyDescriptor(df, name)?.value as pl.Series;
}

/** Integer types whose values JS numbers cannot all hold: `toArray` rounds 64-bit integers past 2^53. */
const WIDE_INTEGER = /^U?Int(64|128)$/;
/** Those and decimals. */
const isWideNumber = (variant: string): boolean => WIDE_INTEGER.test(variant) || variant === "Decimal";

/** List, array and struct dtypes. */
const NESTED = new Set(["List", "FixedSizeList", "Array", "Struct"]);

/** True for a list, array or struct column. */
export function isNestedSeries(series: pl.Series): boolean {
  // A dtype nodejs-polars cannot describe (Int128, inside a list or not): read through polars' JSON, as nested values are.
  const dtype = jsDtype(series);
  return dtype === undefined || NESTED.has(dtype.variant);
}

/**
 * A column's values as `toArray` gives them, except 64/128-bit integers and
 * decimals: their exact text, as polars writes them (a Falcon process id or
 * an Elasticsearch `long` past 2^53 would otherwise be another number); lists
 * and structs as {@link nestedValues} gives them.
 */
export function exactValues(series: pl.Series): unknown[] {
  if (isNestedSeries(series)) return nestedValues(series, "text");
  return (isWideNumber(series.dtype.variant) ? series.cast(pl.Utf8).toArray() : series.toArray()) as unknown as unknown[];
}

/**
 * A list or struct column's values (null for a null cell). `toArray` alone
 * fails on a struct inside a struct or a list of them ("StructOwned is not
 * supported": ECS `process.parent`, Entra sign-ins' policy lists), rounds
 * 64-bit integers inside, turns a null struct into an object of nulls, and
 * drops a field named `__proto__`; polars' own JSON of the column has all of
 * them: its integers (past 2^53 as BigInt, or with `"text"` as their exact
 * text) and fields complete the JS values, and are the values where `toArray` fails.
 */
export function nestedValues(series: pl.Series, longIntegers: "bigint" | "text"): unknown[] {
  const nulls = series.isNull().toArray() as unknown as boolean[];
  let values: unknown[] | undefined;
  try {
    values = series.toArray() as unknown as unknown[];
  } catch {
    // Nested structs: the JSON below alone.
  }
  let exact: unknown[] | undefined;
  const parse = longIntegers === "bigint" ? parseJsonExact : parseJsonIntegersAsText;
  // polars' JSON only where toArray falls short: it costs 2-4× the toArray of a list or struct column.
  if (values && !needsExactJson(series)) return nulls.map((isNull, i) => (isNull || values[i] === undefined ? null : values[i]));
  try {
    const json = series.rename("v").toFrame().select(pl.struct([pl.col("v")]).struct.jsonEncode().alias("o")).getColumn("o").toArray() as unknown as (string | null)[];
    exact = json.map((text) => (text === null ? undefined : (parse(text) as { v?: unknown }).v));
  } catch {
    // A dtype polars' JSON writer does not take: the JS values as they are.
  }
  if (!values && !exact) throw new HuntlabError(msg.nestedUnreadable(series.name, String(jsDtype(series) ?? "a type nodejs-polars cannot describe")));
  return nulls.map((isNull, i) => {
    const v = values ? values[i] : exact?.[i];
    if (isNull || v === null || v === undefined) return null;
    return values && exact ? withExactValues(v, exact[i]) : v;
  });
}

/** Whether toArray's values of a nested dtype need polars' JSON: 64/128-bit integers or decimals inside, or a field named `__proto__`. */
function needsExactJson(series: pl.Series): boolean {
  const dtype = jsDtype(series);
  if (dtype === undefined) return true;
  const text = String(dtype);
  return /Int64|Int128|Decimal/.test(text) || text.includes('"__proto__"');
}

/** `value` (from toArray) with the long integers and the fields that `exact` (the same value from polars' JSON) holds. */
function withExactValues(value: unknown, exact: unknown): unknown {
  // A long integer from the JSON (BigInt, or its digits as text); a number that JSON writes otherwise (a duration, a decimal) stays as toArray gives it.
  if (typeof exact === "bigint" || (typeof exact === "string" && (typeof value === "number" || typeof value === "bigint") && /^-?\d+$/.test(exact))) return exact;
  // A 128-bit integer toArray gives as BigInt, small enough for a number: the JSON's number (a BigInt among text broke JSON.stringify).
  if (typeof value === "bigint" && typeof exact === "number") return exact;
  if (Array.isArray(value) && Array.isArray(exact)) return value.map((v, i) => withExactValues(v, exact[i]));
  if (value !== null && typeof value === "object" && !(value instanceof Date) && exact !== null && typeof exact === "object") {
    const e = exact as Record<string, unknown>;
    const v = value as Record<string, unknown>;
    // The exact value's fields lead: toArray assigns fields, so one named `__proto__` was lost.
    const keys = [...Object.keys(e), ...Object.keys(v).filter((k) => !Object.hasOwn(e, k))];
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const merged = !Object.hasOwn(v, k) ? e[k] : Object.hasOwn(e, k) ? withExactValues(v[k], e[k]) : v[k];
      Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * A 64/128-bit integer column's values as numbers, and each one JS numbers
 * cannot hold as its exact text. (`toArray` gives UInt64 values as bigints,
 * which `JSON.stringify` refuses, and rounds Int64 ones.)
 */
function wideIntegers(series: pl.Series): unknown[] {
  const values = series.toArray() as unknown as (number | bigint | null)[];
  // The column as text only when some value needs it (usually none does).
  let text: (string | null)[] | undefined;
  return values.map((v, i) => {
    if (v === null) return null;
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    text ??= series.cast(pl.Utf8).toArray() as unknown as (string | null)[];
    return text[i];
  });
}

/** Number of rows (0 for a frame without columns). */
export function frameHeight(df: pl.DataFrame): number {
  const [first] = columnNames(df);
  return first === undefined ? 0 : columnOf(df, first).len();
}

/** A frame of the given columns, in order. */
export function frameOf(columns: readonly pl.Series[]): pl.DataFrame {
  return pl.DataFrame([...columns]);
}

/**
 * `df` with its columns renamed, in order, to `names`, all at once (names may
 * swap). One polars call: taking the columns one by one makes a nodejs-polars
 * Series wrapper per column (0.5–2 ms each in 0.26), which shows on wide files.
 * A frame with a column named `lazy` (the proxy would answer the method with
 * that column) is renamed column by column.
 */
export function renameAll(df: pl.DataFrame, names: readonly string[]): pl.DataFrame {
  const old = columnNames(df);
  if (old.length !== names.length) throw new HuntlabError(msg.plainNamesChanged(names));
  if (old.includes("lazy")) return frameOf(old.map((name, i) => columnOf(df, name).rename(names[i] as string)));
  const mapping: Record<string, string> = {};
  // Defined, not assigned: a column may be called `__proto__`.
  old.forEach((name, i) => Object.defineProperty(mapping, name, { value: names[i], enumerable: true }));
  return df.lazy().rename(mapping).collectSync();
}

/** `df` with some columns replaced by same-named series (others kept, order kept). */
export function replaceColumns(df: pl.DataFrame, replacements: ReadonlyMap<string, pl.Series>): pl.DataFrame {
  if (replacements.size === 0) return df;
  return frameOf(columnNames(df).map((name) => replacements.get(name)?.rename(name) ?? columnOf(df, name)));
}

/**
 * `df` with each of `names` that is a List column of at most one value per row made that value (null for an empty
 * list): APIs write single values as lists of one (Carbon Black Cloud's `process_pid: [2976]`), which no id or text
 * rule reads. A column with a longer list somewhere is left as it is, for the caller's type check to name.
 */
export function singleValueLists(df: pl.DataFrame, names: readonly string[]): pl.DataFrame {
  const replacements = new Map<string, pl.Series>();
  for (const name of new Set(names)) {
    if (!hasColumn(df, name)) continue;
    const series = columnOf(df, name);
    if (series.dtype.variant !== "List") continue;
    const lengths = series.list.lengths();
    if (Number(lengths.max() ?? 0) > 1) continue;
    replacements.set(name, series.list.first());
  }
  return replaceColumns(df, replacements);
}

/** The name a column has inside {@link withPlainNames}: no DataFrame member is called that. */
function plainName(index: number): string {
  return `col_${index}`;
}

/**
 * Runs `op` on a copy of `df` whose columns are named `col_0`, `col_1`… (so
 * polars methods work on it), then gives the result's columns their original
 * names back. `op` must return the same columns in the same order (filtering
 * rows is fine); `nameOf` gives the plain name of an original column.
 */
export function withPlainNames(df: pl.DataFrame, op: (plain: pl.DataFrame, nameOf: (column: string) => string) => pl.DataFrame): pl.DataFrame {
  const names = columnNames(df);
  const index = new Map(names.map((name, i) => [name, i]));
  const nameOf = (column: string): string => {
    const i = index.get(column);
    if (i === undefined) throw new HuntlabError(msg.columnMissing(column, names));
    return plainName(i);
  };
  const plain = renameAll(df, names.map((_, i) => plainName(i)));
  const result = op(plain, nameOf);
  const got = columnNames(result);
  if (got.length !== names.length || got.some((name, i) => name !== plainName(i))) {
    throw new HuntlabError(msg.plainNamesChanged(got));
  }
  return renameAll(result, names);
}

/** An empty frame: what the proxy answers for a name when no column shadows it. */
let memberProbe: pl.DataFrame | undefined;

/**
 * True when a column of this name would shadow a member of nodejs-polars'
 * DataFrame proxy (`height`, `filter`, `lazy`, `columns`, `toString`…), or
 * is one of huntlab's internal names (`__hl_…`).
 */
export function shadowsFrameMember(name: string): boolean {
  memberProbe ??= pl.DataFrame({});
  return name.startsWith("__hl") || (memberProbe as unknown as Record<string, unknown>)[name] !== undefined;
}

/**
 * `op(df, name => name)` when no column of `df` shadows a member of the
 * frame (the usual case: no renaming), else {@link withPlainNames}.
 */
export function withSafeNames(df: pl.DataFrame, op: (safe: pl.DataFrame, nameOf: (column: string) => string) => pl.DataFrame): pl.DataFrame {
  if (!columnNames(df).some(shadowsFrameMember)) return op(df, (column) => column);
  return withPlainNames(df, op);
}

/**
 * `df` as a LazyDataFrame with its own column names, whatever they are: a
 * LazyDataFrame answers no column names, so `lazyFrame(df).filter(expr)`,
 * `.select(…)` or `.drop(…)` with expressions over the original names work
 * on a frame with a column called `filter`, `select`, `drop` or `lazy` (the
 * proxy would answer `df.filter` with that column). No renaming in the usual case.
 */
export function lazyFrame(df: pl.DataFrame): pl.LazyDataFrame {
  const names = columnNames(df);
  if (!names.some(shadowsFrameMember)) return df.lazy();
  const back: Record<string, string> = {};
  // Defined, not assigned: a column may be called `__proto__`.
  names.forEach((name, i) => Object.defineProperty(back, plainName(i), { value: name, enumerable: true }));
  return renameAll(df, names.map((_, i) => plainName(i))).lazy().rename(back);
}

/** Which rows and columns {@link frameRecords} reads. Defaults: all columns, all rows. */
export interface FrameRecordsOptions {
  columns?: readonly string[];
  offset?: number;
  length?: number;
}

/**
 * The rows of a frame as objects (what `toRecords` gives), with every column
 * an own property — also one named `__proto__`, which `toRecords` would turn
 * into a prototype. A 64/128-bit integer past 2^53 is its exact text (an
 * alert id or a Falcon process id would otherwise be another number); the
 * column's other values stay numbers.
 */
export function frameRecords(df: pl.DataFrame, options: FrameRecordsOptions = {}): Record<string, unknown>[] {
  const columns = options.columns ?? columnNames(df);
  const offset = options.offset ?? 0;
  const values = columns.map((name) => {
    const whole = columnOf(df, name);
    const series = options.length === undefined && offset === 0 ? whole : whole.slice(offset, options.length ?? whole.len());
    if (isNestedSeries(series)) return nestedValues(series, "text");
    return WIDE_INTEGER.test(series.dtype.variant) ? wideIntegers(series) : (series.toArray() as unknown[]);
  });
  const height = values[0]?.length ?? 0;
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < height; r += 1) {
    const row: Record<string, unknown> = {};
    columns.forEach((name, c) => Object.defineProperty(row, name, { value: values[c][r], enumerable: true, writable: true, configurable: true }));
    rows.push(row);
  }
  return rows;
}

/**
 * True where any of `conditions` is (false for none), joined as a balanced tree: polars plans a
 * left-nested chain of `or` in time quadratic in its length (1,600 list items took 9 s on 100 rows).
 */
export function anyOf(conditions: readonly pl.Expr[]): pl.Expr {
  if (!conditions.length) return pl.lit(false);
  let level = [...conditions];
  while (level.length > 1) {
    const next: pl.Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i].or(level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}
