/**
 * KQL literals (Log Analytics, Azure Data Explorer): how a parameter value is
 * written into a query so that it can only ever be data. Strings use the
 * double-quoted form with `\` escapes for `"`, `\` and every control
 * character, so nothing in a value can close the literal or start a new line.
 */
import { numberJson } from "../../common/json";
import { QueryError, dataMessages as msg } from "../messages";
import { isoTime, timeLiteralProblem } from "./chunks";
import type { LiteralType, LiteralValue } from "./types";

/** Escapes one character that may not appear raw inside a KQL "…" literal. */
function escapeChar(ch: string): string {
  switch (ch) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    default:
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }
}

/** A KQL string literal: `"…"` with `"`, `\`, control and line-separator characters escaped. */
export function kqlString(value: string): string {
  // Control characters, DEL, and the Unicode line/paragraph separators.
  return `"${value.replace(/[\\"\u0000-\u001f\u007f\u2028\u2029]/g, escapeChar)}"`;
}

/**
 * `datetime(2019-02-14T00:00:00.000Z)`: KQL's datetime literal, always UTC with
 * milliseconds; a chunk's end (ChunkEnd, 1 ms before the next chunk) as the last
 * 100 ns tick before the next chunk (`…59.9999999Z`), so `between` leaves no gap.
 */
export function kqlDatetime(value: Date): string {
  const problem = timeLiteralProblem(value);
  if (problem) throw new QueryError(msg.liveLiteral("kqlDatetime", "value", problem));
  return `datetime(${isoTime(value, 7)})`;
}

/** One scalar as a KQL literal; inside `dynamic([…])` numbers are written as JSON numbers. */
function scalar(value: string | number | boolean | Date, inList: boolean): string {
  if (value instanceof Date) return kqlDatetime(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new QueryError(msg.liveLiteral("kqlLiteral", "value", `${value} is not a finite number`));
    if (Number.isSafeInteger(value)) return JSON.stringify(value);
    // Any other number is a double: written with an exponent or a point so that Kusto reads a real too (2^60 as
    // plain digits, 1152921504606847000, would be a different long).
    const real = numberJson(value);
    return inList ? real : `real(${real})`;
  }
  return kqlString(value);
}

/**
 * A parameter value as a KQL literal: strings quoted and escaped, datetimes as
 * `datetime(…)`, numbers as plain integers or `real(…)`, lists as `dynamic([…])`.
 * An absent value (null) becomes the type's null (`""` for strings, an empty
 * list, `datetime(null)`, `long(null)`, `bool(null)`), so templates can test
 * optional filters with `isempty()`/`isnull()`/`array_length()`.
 */
export function kqlLiteral(value: LiteralValue | null | undefined, type: LiteralType): string {
  if (value === null || value === undefined) {
    switch (type) {
      case "str":
        return '""';
      case "list":
        return "dynamic([])";
      case "datetime":
        return "datetime(null)";
      case "int":
        return "long(null)";
      case "float":
        return "real(null)";
      case "bool":
        return "bool(null)";
    }
  }
  if (Array.isArray(value)) {
    // Inside dynamic([...]) only plain JSON-like literals are allowed: strings, numbers, bools, datetimes; a null item (from a column) is no value.
    return `dynamic([${value.filter((v) => (v as unknown) != null).map((v) => scalar(v, true)).join(", ")}])`;
  }
  return scalar(value as string | number | boolean | Date, false);
}
