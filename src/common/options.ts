/**
 * Checks of an options object by a table of its option names and types, shared
 * by every package (the views, the query provider, the tree queries): an option
 * of the wrong type (`maxLevels: "1"`) or of a name the function does not know
 * (`max_depth`, `datapaths`) is found before any work, instead of a TypeError
 * from deep inside or the default used silently. Only names and types are
 * checked here (an absent option is always fine); each package words the
 * problem in its own coded error (see {@link findOptionProblem}).
 */
import { findUnknownOption, type UnknownOption } from "./errors";
import { isDataFrame, isSeries } from "./frames";
import { isLazyFrame, isThenable, notAFrameText } from "./notAFrame";

/**
 * One accepted type. `column`: a non-empty column name; `columns`: a list of
 * them; `path`/`paths`: a non-empty file or folder path, a list of them;
 * `strings`: a list of text (names that are not columns); `count`: a cap
 * (`maxEvents`, `maxRows`…), a whole number of at least 1 or `Infinity` (no
 * cap); `whole`: the same where 0 means "none" (`maxStaticLabels`); `any`: the
 * option is known but its value is checked by the caller itself.
 */
export type OptionKind =
  | "string"
  | "strings"
  | "column"
  | "columns"
  | "path"
  | "paths"
  | "number"
  | "numbers"
  | "count"
  | "whole"
  | "index"
  | "boolean"
  | "function"
  | "object"
  | "date"
  | "null"
  | "any";

/** What an option accepts: a type, fixed values, or any of several. */
export type OptionType = OptionKind | { oneOf: readonly (string | number | boolean)[] } | readonly (OptionKind | { oneOf: readonly (string | number | boolean)[] })[];

/** The options a function accepts, by name: every one of them, as any other name is an error. */
export type OptionTypes = Readonly<Record<string, OptionType>>;

/**
 * The table of an options type `T`: `{ … } satisfies OptionTypesOf<TimelineOptions>`
 * makes the compiler name an option of `T` missing from the table (which would
 * then be rejected as unknown) and a table entry `T` does not have.
 */
export type OptionTypesOf<T> = { readonly [K in keyof Required<T>]: OptionType };

const DESCRIBED: Readonly<Record<OptionKind, string>> = {
  string: "text",
  strings: "a list of text",
  column: "a column name",
  columns: "a list of column names",
  path: "a path",
  paths: "a list of paths",
  number: "a number",
  numbers: "a list of numbers",
  count: "a whole number of at least 1 (Infinity: no limit)",
  whole: "a whole number of at least 0 (Infinity: no limit)",
  index: "a whole number of at least 0",
  boolean: "true or false",
  function: "a function",
  object: "an object",
  date: "a Date",
  null: "null",
  any: "anything",
};

const isName = (v: unknown): boolean => typeof v === "string" && v.length > 0;

function accepts(kind: OptionKind | { oneOf: readonly unknown[] }, value: unknown): boolean {
  if (typeof kind === "object") return kind.oneOf.includes(value);
  switch (kind) {
    case "column":
    case "path":
      return isName(value);
    case "columns":
    case "paths":
      return Array.isArray(value) && value.every(isName);
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "numbers":
      return Array.isArray(value) && value.every((v) => typeof v === "number");
    case "count":
      return value === Infinity || (Number.isInteger(value) && (value as number) >= 1);
    case "whole":
      return value === Infinity || (Number.isInteger(value) && (value as number) >= 0);
    case "index":
      return Number.isInteger(value) && (value as number) >= 0;
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
    case "date":
      return value instanceof Date;
    case "null":
      return value === null;
    case "any":
      return true;
    default:
      return typeof value === kind;
  }
}

function describe(kind: OptionKind | { oneOf: readonly unknown[] }): string {
  return typeof kind === "object" ? kind.oneOf.map((v) => JSON.stringify(v)).join(" or ") : DESCRIBED[kind];
}

/** What is wrong with an options object: not an object at all, an unknown name, or a value of the wrong type. */
export type OptionProblem =
  | { readonly problem: "not-object"; readonly value: unknown }
  | { readonly problem: "unknown"; readonly unknown: UnknownOption; readonly known: readonly string[] }
  | { readonly problem: "type"; readonly option: string; readonly expected: string; readonly value: unknown };

/**
 * The first problem of `options` against `types`: `options` not an object (an
 * array, null, text), then the first option name not in `types` (with the
 * nearest known name, if any is close: `max_levels` and `maxlevels` find
 * `maxLevels`), then the first option in `types` whose value is set (not
 * undefined) and of none of its accepted types. Undefined when all is well;
 * `options` undefined is no options. Names whose value is undefined are
 * absent, as `{ ...o, x: undefined }` is.
 */
export function findOptionProblem(options: unknown, types: OptionTypes): OptionProblem | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return { problem: "not-object", value: options };
  const given = options as Record<string, unknown>;
  const known = Object.keys(types);
  const unknown = findUnknownOption(given, known);
  if (unknown) return { problem: "unknown", unknown, known };
  for (const [option, type] of Object.entries(types)) {
    const value = given[option];
    if (value === undefined) continue;
    const kinds = Array.isArray(type) ? (type as readonly (OptionKind | { oneOf: readonly unknown[] })[]) : [type as OptionKind | { oneOf: readonly unknown[] }];
    if (!kinds.some((k) => accepts(k, value))) return { problem: "type", option, expected: kinds.map(describe).join(" or "), value };
  }
  return undefined;
}

/**
 * A value as a message shows it, short and on one line: JSON cut to `max`
 * characters (long texts and arrays cut before they are written), a class
 * instance by its class, a function as "a function", polars' objects and
 * Promises as {@link notAFrameText} words them (a DataFrame was written as
 * JSON, its whole data serialised to be cut to 60 characters of bytes).
 */
export function shortValue(value: unknown, max = 60): string {
  if (typeof value === "function") return "a function";
  if (isDataFrame(value) || isSeries(value) || isLazyFrame(value) || isThenable(value)) return notAFrameText(value);
  if (typeof value === "bigint") return `${value}n`;
  // JSON writes NaN and ±Infinity as null.
  if (typeof value === "number") return String(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
    // A Date as UTC ISO text: `String(date)` wrote the machine's local time and zone name (`Sun Mar 31 2024 14:15:00 GMT+1345`).
    return value instanceof Date ? `a Date (${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()})` : `a ${value.constructor?.name || "object"}`;
  }
  let text: string;
  try {
    // The replacer bounds the work: long texts and arrays are cut before they are written.
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" && v.length > max ? v.slice(0, max) : Array.isArray(v) && v.length > 10 ? v.slice(0, 10) : typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `fn: option X must be E, not V.`: the one wording of an option of the wrong type (`options` for the options themselves). */
export function optionTypeText(fn: string, option: string, expected: string, value: unknown): string {
  return `${fn}: option ${option} must be ${expected}, not ${shortValue(value)}.`;
}
