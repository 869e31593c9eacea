/**
 * Checks of view options, shared by every view factory: an option of the
 * wrong type (`groupBy: 5`) or of a name the view does not know (`groupby`)
 * is an error of the view's own class that names the view and the option, not
 * a TypeError from deep inside or a default view. Only names and types are
 * checked here (an absent option is always fine), and the one range every cap
 * shares (`count`); other ranges and whether a column exists stay with each view.
 */
import { findUnknownOption, type ErrorMessage } from "../common/errors";

/**
 * Most pixels a view's width or height (and a graph's node or font size) may
 * have: the static image is drawn at that size in Node (a timeline of
 * `height: 1e6` took 35 s; a process tree of `width: 1e9` aborted the process
 * inside the PNG renderer, taking the kernel with it).
 */
export const MAX_VIEW_PIXELS = 10_000;
import { visMessages as msg, type VisOptionCode } from "./messages";

/**
 * One accepted type. `column`: a non-empty column name; `columns`: a list of
 * them; `strings`: a list of text (names that are not columns); `count`: a
 * cap (`maxEvents`, `maxRows`…), a whole number of at least 1 or `Infinity`
 * (no cap); `whole`: the same where 0 means "none" (`maxStaticLabels`);
 * `any`: the option is known but its value is checked by the view itself.
 */
export type OptionKind = "string" | "strings" | "column" | "columns" | "number" | "numbers" | "count" | "whole" | "boolean" | "function" | "object" | "date" | "null" | "any";

/** What an option accepts: a type, fixed values, or any of several. */
export type OptionType = OptionKind | { oneOf: readonly (string | number | boolean)[] } | readonly (OptionKind | { oneOf: readonly (string | number | boolean)[] })[];

/** The options a factory accepts, by name: every one of them, as any other name is an error. */
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
  number: "a number",
  numbers: "a list of numbers",
  count: "a whole number of at least 1 (Infinity: no limit)",
  whole: "a whole number of at least 0 (Infinity: no limit)",
  boolean: "true or false",
  function: "a function",
  object: "an object",
  date: "a Date",
  null: "null",
  any: "anything",
};

const isColumn = (v: unknown): boolean => typeof v === "string" && v.length > 0;

function accepts(kind: OptionKind | { oneOf: readonly unknown[] }, value: unknown): boolean {
  if (typeof kind === "object") return kind.oneOf.includes(value);
  switch (kind) {
    case "column":
      return isColumn(value);
    case "columns":
      return Array.isArray(value) && value.every(isColumn);
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "numbers":
      return Array.isArray(value) && value.every((v) => typeof v === "number");
    case "count":
      return value === Infinity || (Number.isInteger(value) && (value as number) >= 1);
    case "whole":
      return value === Infinity || (Number.isInteger(value) && (value as number) >= 0);
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

/**
 * Who reports a bad option: the view (function or class) named in the message,
 * the code, and the view's error class, e.g.
 * `{ view: "timeline", code: "vis/timeline-option", error: (m) => new TimelineError(m) }`.
 */
export interface OptionView<C extends VisOptionCode> {
  view: string;
  code: C;
  error: (m: ErrorMessage<C>) => Error;
}

/**
 * Throws the view's error for the first option name of `options` that is not
 * in `types` (with the nearest known name, if any is close, and the known names), then for the first option
 * in `types` whose value is set (not undefined) and of none of its accepted
 * types. Names whose value is undefined are absent, as `{ ...o, x: undefined }`
 * is. `options` that is not an object at all is reported as the option `options`.
 */
export function checkOptionTypes<C extends VisOptionCode>(options: unknown, types: OptionTypes, by: OptionView<C>): void {
  if (options === undefined) return;
  const typeError = (option: string, expected: string, value: unknown) => by.error(msg.optionType(by.code, by.view, option, expected, value));
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw typeError("options", "an object", options);
  const given = options as Record<string, unknown>;
  const known = Object.keys(types);
  const unknown = findUnknownOption(given, known);
  if (unknown) throw by.error(msg.optionUnknown(by.code, by.view, unknown, known));
  for (const [option, type] of Object.entries(types)) {
    const value = given[option];
    if (value === undefined) continue;
    const kinds = Array.isArray(type) ? (type as readonly (OptionKind | { oneOf: readonly unknown[] })[]) : [type as OptionKind | { oneOf: readonly unknown[] }];
    if (!kinds.some((k) => accepts(k, value))) throw typeError(option, kinds.map(describe).join(" or "), value);
  }
}
