/**
 * Type checks of view options, shared by every view factory: an option of the
 * wrong type (`groupBy: 5`) is an error of the view's own class that names the
 * view, the option and the value, not a TypeError from deep inside. Only types
 * are checked here (an absent option is always fine); ranges and whether a
 * column exists stay with each view.
 */

/** One accepted type. `column`: a non-empty column name; `columns`: a list of them. */
export type OptionKind = "string" | "column" | "columns" | "number" | "numbers" | "boolean" | "function" | "object" | "date" | "null";

/** What an option accepts: a type, fixed values, or any of several. */
export type OptionType = OptionKind | { oneOf: readonly (string | number | boolean)[] } | readonly (OptionKind | { oneOf: readonly (string | number | boolean)[] })[];

/** The options a factory checks, by name. */
export type OptionTypes = Readonly<Record<string, OptionType>>;

const DESCRIBED: Readonly<Record<OptionKind, string>> = {
  string: "text",
  column: "a column name",
  columns: "a list of column names",
  number: "a number",
  numbers: "a list of numbers",
  boolean: "true or false",
  function: "a function",
  object: "an object",
  date: "a Date",
  null: "null",
};

const isColumn = (v: unknown): boolean => typeof v === "string" && v.length > 0;

function accepts(kind: OptionKind | { oneOf: readonly unknown[] }, value: unknown): boolean {
  if (typeof kind === "object") return kind.oneOf.includes(value);
  switch (kind) {
    case "column":
      return isColumn(value);
    case "columns":
      return Array.isArray(value) && value.every(isColumn);
    case "numbers":
      return Array.isArray(value) && value.every((v) => typeof v === "number");
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
    case "date":
      return value instanceof Date;
    case "null":
      return value === null;
    default:
      return typeof value === kind;
  }
}

function describe(kind: OptionKind | { oneOf: readonly unknown[] }): string {
  return typeof kind === "object" ? kind.oneOf.map((v) => JSON.stringify(v)).join(" or ") : DESCRIBED[kind];
}

/**
 * The view's error for an option: `fail("groupBy", "a column name", 5)` is e.g.
 * `new TimelineError(msg.optionType("vis/timeline-option", "timeline", "groupBy", "a column name", 5))`.
 */
export type OptionFailure = (option: string, expected: string, value: unknown) => Error;

/**
 * Throws `fail(…)` for the first option in `types` whose value is set (not
 * undefined) and of none of its accepted types. `options` that is not an
 * object at all is reported as the option `options`.
 */
export function checkOptionTypes(options: unknown, types: OptionTypes, fail: OptionFailure): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw fail("options", "an object", options);
  const given = options as Record<string, unknown>;
  for (const [option, type] of Object.entries(types)) {
    const value = given[option];
    if (value === undefined) continue;
    const kinds = Array.isArray(type) ? (type as readonly (OptionKind | { oneOf: readonly unknown[] })[]) : [type as OptionKind | { oneOf: readonly unknown[] }];
    if (!kinds.some((k) => accepts(k, value))) throw fail(option, kinds.map(describe).join(" or "), value);
  }
}
