/**
 * SPL (Splunk) literals: how a query parameter's value becomes text inside an
 * SPL template at `{name}`. Every value is written so that it can only ever be
 * one literal of an eval/where expression — a hostile value such as
 * `x" OR 1=1 | delete` stays one string, never a clause or a command.
 *
 * Forms (chosen for `| where` / `| eval` expressions, where the lab's query
 * files put their filters):
 * - text → a double-quoted string, `\` and `"` escaped with a backslash (SPL's
 *   only escapes inside quotes); control characters other than tab, newline and
 *   carriage return are refused (SPL has no escape for them).
 * - number → a decimal literal (finite only; no exponent, a whole number exactly); bool → `true()` / `false()`.
 * - datetime → epoch seconds (`1550102400` or `1550102400.123`), what `_time`
 *   compares with and what `earliest=`/`latest=` accept.
 * - list → its literals comma-separated (`"High", "Medium"`), for `in(Field, {list})`
 *   and `coalesce({list})`; an empty list → `null()`.
 */
import type { LiteralType, LiteralValue } from "./types";

/** Why a value cannot be written as an SPL literal (the caller wraps it in its own error). */
export class SplLiteralError extends Error {
  override name = "SplLiteralError";
}

// C0 controls except \t \n \r, DEL, and the Unicode line/paragraph separators. Tab, newline and CR (a Windows
// value's CRLF) stay raw in the quotes: only `"` and `\` end or escape a quoted SPL string.
const UNWRITABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/;

/** A double-quoted SPL string: `\` → `\\`, `"` → `\"`. */
export function splString(text: string): string {
  if (UNWRITABLE.test(text)) throw new SplLiteralError("text contains a control character SPL cannot quote");
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A finite number as plain decimal text, the same double (Splunk documents no exponent form for a number literal):
 * a whole number as its exact digits (2^60 → `1152921504606846976`; String() gave `1152921504606847000`, another
 * integer), a tiny one with its zeros written out (`1.5e-7` → `0.00000015`).
 */
function splNumber(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  // Only |value| < 1e-6 has an exponent here: every double from 2^53 up is whole.
  const small = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  return small ? `${small[1]}0.${"0".repeat(Number(small[4]) - 1)}${small[2]}${small[3] ?? ""}` : text;
}

/** One scalar as an SPL literal. */
function scalar(value: string | number | boolean | Date): string {
  if (typeof value === "string") return splString(value);
  if (typeof value === "boolean") return value ? "true()" : "false()";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new SplLiteralError(`${value} is not a finite number`);
    return splNumber(value);
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new SplLiteralError("invalid Date");
    return String(ms / 1000);
  }
  throw new SplLiteralError(`unsupported value type ${typeof value}`);
}

/**
 * `value` as SPL literal text (see the module comment for the forms). `type`,
 * the declared parameter type, is informative: values arrive converted to it.
 */
export function splLiteral(value: LiteralValue, _type?: LiteralType): string {
  if (Array.isArray(value)) {
    const list = value as readonly (string | number | boolean | Date)[];
    if (list.length === 0) return "null()";
    for (const item of list) if (Array.isArray(item)) throw new SplLiteralError("nested lists are not supported");
    return list.map(scalar).join(", ");
  }
  return scalar(value as string | number | boolean | Date);
}

/** SPL field names a query may name without quoting: letters, digits, `_`, `.`, not starting with a digit. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** True when `name` can be written as a bare SPL field name. */
export function isSplFieldName(name: string): boolean {
  return name.length <= 256 && FIELD_NAME.test(name);
}

/**
 * `name` as an SPL field reference: bare when it is a plain name, else
 * single-quoted (eval's form for names with spaces or brackets, e.g. `'EventTime [UTC]'`).
 * Refuses names that cannot be quoted safely (a `'`, a backslash, control characters).
 */
export function splField(name: string): string {
  if (isSplFieldName(name)) return name;
  if (name.length === 0 || name.length > 256 || /['\\]/.test(name) || UNWRITABLE.test(name) || /[\n\r\t]/.test(name)) {
    throw new SplLiteralError(`field name ${JSON.stringify(name)} cannot be written in SPL`);
  }
  return `'${name}'`;
}
