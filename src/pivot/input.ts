/**
 * The one input/output rule of pivots: turn a value, an array, an entity or
 * `(df, { column })` into distinct text values; put each result row's input
 * value in a named column; join back onto a DataFrame input when asked.
 */
import pl from "nodejs-polars";
import { canonicalDecimal } from "../common/decimal";
import { jsDtype } from "../common/dtypes";
import { columnNames, columnOf, exactValues, frameHeight, frameOf, isDataFrame, renameAll } from "../common/frames";
import { Entity } from "../entities/entity";
import { ipv4OfInteger } from "../context/ipType";
import { PivotError, pivotMessages as msg } from "./messages";
import type { PivotCallOptions, PivotInput, PivotJoin } from "./types";

/** Option keys a pivot reads itself; every other key is a function parameter. */
export const PIVOT_OPTION_KEYS: ReadonlySet<string> = new Set(["column", "join", "inputColumn", "concurrency", "progress"]);

/** Default of {@link PivotCallOptions.concurrency}. */
export const DEFAULT_CONCURRENCY = 4;

/** The joins a pivot call takes (MSTICPy's names). */
export const PIVOT_JOINS: readonly PivotJoin[] = ["inner", "left", "outer"];

/** Column types whose cells hold several values (see {@link normaliseInput}). */
const NESTED_TYPES: ReadonlySet<string> = new Set(["List", "FixedSizeList", "Array", "Struct", "Object"]);

/** What a call's input came down to. */
export interface NormalisedInput {
  /** Distinct, trimmed, non-empty values in first-seen order. */
  values: string[];
  /** The DataFrame input and its column, for joins. */
  frame?: JoinInput;
  /** A value's forms (itself first), for the values an entity gave `together` ({@link EntityValues}). */
  forms: Map<string, string[]>;
}

/** A DataFrame input of a pivot call, for {@link joinBack}. */
export interface JoinInput {
  df: pl.DataFrame;
  column: string;
  /** Each row's value as the pivot looked it up ({@link inputText}; null for blank); derived from `column` when absent. */
  keys?: (string | null)[];
}

/** Reads the value an entity gives for an attribute (own property or getter such as `FullPath`), or {@link EntityValues}. */
export type AttributeReader = (entity: Entity) => unknown;

/**
 * The several values one entity input stands for (a Host's names: as given, short, FQDN), each looked up; or, when
 * `together`, one value (the first) whose other forms go with it to one lookup ({@link NormalisedInput.forms}): a live
 * query compares its host with each of them.
 */
export class EntityValues {
  constructor(
    readonly values: readonly unknown[],
    readonly together = false,
  ) {}
}

/**
 * Text of one input value; "" for null, undefined and blank. The one rule for
 * both the values a pivot looks up and the keys it joins back on, so a join
 * finds every row a lookup answered (Float64 1.0 is "1", a time its ISO text,
 * a leading BOM is trimmed).
 */
export function inputText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  return String(value).trim();
}

/** polars' number types: a cell of theirs is a number, whose text (64-bit ones come as exact text) is read back as one. */
const NUMERIC_VARIANTS: ReadonlySet<string> = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"]);

/**
 * {@link inputText} of an IP address input: a number (a cell of a numeric column, a number in an array) that is a whole
 * number from 0 to 2^32 - 1 is the IPv4 address it stands for (ipv4OfInteger), as geoLookup and lookupIocs read an
 * integer column of addresses; digits written as text stay text.
 */
function addressText(value: unknown): string {
  return ipv4OfInteger(value) ?? inputText(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "no class"})`;
  return `a ${typeof value}`;
}

/**
 * The values of a pivot call's input (see {@link PivotInput}). `addresses`: the function takes IP addresses, and a
 * number is read as the IPv4 address it stands for ({@link addressText}).
 */
export function normaliseInput(fn: string, input: PivotInput, options: PivotCallOptions, attribute: string, read: AttributeReader, addresses = false): NormalisedInput {
  const seen = new Set<string>();
  const values: string[] = [];
  const text = addresses ? addressText : inputText;
  const forms = new Map<string, string[]>();
  const add = (value: unknown): void => {
    const raw = value instanceof Entity ? read(value) : undefined;
    const texts = value instanceof Entity ? entityValues(fn, value, attribute, raw, text) : [text(value)];
    // One value standing for all its forms: the first is looked up, the others go with it.
    if (raw instanceof EntityValues && raw.together && texts.length > 1) {
      const list = forms.get(texts[0]) ?? [texts[0]];
      for (const t of texts) if (!list.includes(t)) list.push(t);
      forms.set(texts[0], list);
      texts.length = 1;
    }
    for (const t of texts) {
      if (t !== "" && !seen.has(t)) {
        seen.add(t);
        values.push(t);
      }
    }
  };
  if (options.join !== undefined && !PIVOT_JOINS.includes(options.join)) {
    throw new PivotError(msg.badOption(fn, "join", options.join, `"inner", "left" or "outer"`));
  }
  if (isDataFrame(input)) {
    const columns = columnNames(input);
    if (options.column === undefined || !columns.includes(options.column)) throw new PivotError(msg.columnMissing(fn, options.column, columns));
    // A cell of a list or struct column is no value: as text, ["1.2.3.4","5.6.7.8"] is "1.2.3.4,5.6.7.8", looked up as one.
    const variant = columnOf(input, options.column).dtype.variant;
    if (NESTED_TYPES.has(variant)) throw new PivotError(msg.nestedColumn(fn, options.column, variant));
    const keys = columnKeys(input, options.column, addresses);
    for (const k of keys) if (k !== null) add(k);
    return { values, frame: { df: input, column: options.column, keys }, forms };
  }
  if (options.join !== undefined) throw new PivotError(msg.badOption(fn, "join", options.join, "a DataFrame input (join needs one)"));
  if (Array.isArray(input)) {
    for (const v of input as readonly unknown[]) {
      if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number" && !(v instanceof Entity)) throw new PivotError(msg.badInput(fn, `an array holding ${describe(v)}`));
      add(v);
    }
    return { values, forms };
  }
  if (typeof input === "string" || typeof input === "number" || input instanceof Entity) {
    add(input);
    return { values, forms };
  }
  throw new PivotError(msg.badInput(fn, describe(input)));
}

/** The attributes a read falls back to (readAttribute in pivotFunction.ts), for the message of an entity that has none. */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = { HostName: "HostName or NetBiosName", FileHash: "hash (Sha256, Sha1, Md5, FileHashes)" };

function entityValues(fn: string, entity: Entity, attribute: string, value: unknown, text: (value: unknown) => string): string[] {
  const values = (value instanceof EntityValues ? value.values : [value]).map(text).filter((t) => t !== "");
  if (values.length === 0) throw new PivotError(msg.entityValue(fn, entity.constructor.name, ATTRIBUTE_NAMES[attribute] ?? attribute));
  return values;
}

/** Checks a numeric option (≥ 1 integer). */
export function concurrencyOf(fn: string, options: PivotCallOptions): number {
  const c = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > 64) throw new PivotError(msg.badOption(fn, "concurrency", c, "an integer from 1 to 64"));
  return c;
}

/**
 * The result frame: the input column first, then the function's columns. A
 * function column with the input column's name is kept as `<name>_result`.
 */
export function withInputColumn(fn: string, result: pl.DataFrame, inputs: readonly string[], inputColumn: string): pl.DataFrame {
  if (typeof inputColumn !== "string" || inputColumn === "") throw new PivotError(msg.badOption(fn, "inputColumn", inputColumn, "a non-empty column name"));
  const names = columnNames(result);
  const own = names.map((name) => {
    const s = columnOf(result, name);
    return name === inputColumn ? s.rename(`${name}_result`) : s;
  });
  return pl.DataFrame([pl.Series(inputColumn, [...inputs], pl.Utf8), ...own]);
}

/**
 * Each row's lookup value ({@link inputText}; 64-bit integers exact), null where blank so it never joins.
 * `addresses`: a numeric column's cells are IPv4 addresses stored as integers ({@link addressText}).
 */
function columnKeys(df: pl.DataFrame, column: string, addresses = false): (string | null)[] {
  const series = columnOf(df, column);
  const variant = jsDtype(series)?.variant;
  if (addresses && variant !== undefined && NUMERIC_VARIANTS.has(variant)) {
    // Int64/UInt64 cells come as their exact text: read back as a BigInt (ipv4OfInteger takes one), never rounded.
    return exactValues(series).map((v) => addressText(typeof v === "string" && /^-?\d+$/.test(v) ? BigInt(v) : v) || null);
  }
  // A decimal's exact text without its scale's zeros, as a number is written (`2.00` is `2`, `2.50` is `2.5`).
  const decimal = variant === "Decimal";
  return exactValues(series).map((v) => (decimal && typeof v === "string" ? canonicalDecimal(v.trim()) : inputText(v)) || null);
}

/** Internal join key and row numbers (not names data uses). */
const KEY = "__huntlab_pivot_key";
const LEFT_ROW = "__huntlab_pivot_left_row";
const RIGHT_ROW = "__huntlab_pivot_right_row";

/** 0…n-1 as a column. */
function rowIndex(name: string, n: number): pl.Series {
  return pl.Series(name, Uint32Array.from({ length: n }, (_, i) => i));
}

/**
 * Joins a pivot result onto the DataFrame it came from (`outer` is polars'
 * `full`). The input column is dropped: the joined frame's own `column` holds
 * the same value. Other names the frame already has get a `_right` suffix.
 */
export function joinBack(input: JoinInput, result: pl.DataFrame, inputColumn: string, how: PivotJoin): pl.DataFrame {
  const keys = input.keys ?? columnKeys(input.df, input.column);
  // Joined under names of our own, named back after: both frames' names come from the data, and a
  // column called `join`, `drop` or `withColumn` would answer for that method (see src/common/frames.ts).
  const leftNames = columnNames(input.df);
  const rightNames = columnNames(result).filter((name) => name !== inputColumn);
  const left = frameOf([...leftNames.map((name, i) => columnOf(input.df, name).rename(`l${i}`)), pl.Series(KEY, keys, pl.Utf8), rowIndex(LEFT_ROW, keys.length)]);
  const right = frameOf([...rightNames.map((name, i) => columnOf(result, name).rename(`r${i}`)), columnOf(result, inputColumn).rename(KEY), rowIndex(RIGHT_ROW, frameHeight(result))]);
  // In the input's row order (a row's results together, in theirs), as a left join and pandas' merge give it: polars
  // builds an inner or full join's table on the larger side, and its rows came out in the result's order. Result
  // rows no input row matched (outer) come last, in their order.
  const raw = left.join(right, { leftOn: KEY, rightOn: KEY, how: how === "outer" ? "full" : how, coalesce: true });
  // A left join is in the left frame's order already (the sort cost 75% more).
  const joined = (how === "left" ? raw : raw.sort([LEFT_ROW, RIGHT_ROW], false, true)).drop([LEFT_ROW, RIGHT_ROW]);
  const taken = new Set(leftNames);
  const names = [...leftNames];
  for (let name of rightNames) {
    while (taken.has(name)) name += "_right";
    taken.add(name);
    names.push(name);
  }
  return renameAll(joined.drop(KEY), names);
}

/** Runs `task` over `items`, at most `limit` at a time, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i], i);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
