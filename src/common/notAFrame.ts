/**
 * What a value passed where a polars DataFrame belongs is, and how to make it
 * one: the one wording of every "expected a DataFrame" message. Deno's kernel
 * and plain JavaScript cells type-check nothing, and pass what they hold: a
 * query not awaited, a lazy frame, one column, the rows as objects, JSON text.
 */
import { isDataFrame, isSeries } from "./frames";

/** True for a Promise or any other thenable (an async call not awaited). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** True for a nodejs-polars LazyDataFrame (polars' own tag, as for DataFrames). */
export function isLazyFrame(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "LazyDataFrame";
}

const isRow = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `value` described for "expected a polars DataFrame, got …", with the step
 * that makes it one: a Promise → put `await` before it; a LazyDataFrame →
 * collect it; a Series → pass the whole frame; an array of row objects →
 * `pl.DataFrame(rows)`; JSON text → `pl.readJSON(text)`. Never the value's
 * contents (they may be large, or the data's): its kind and size only.
 */
export function notAFrameText(value: unknown): string {
  if (value === undefined) return "undefined (a variable never set, or a call that returned nothing)";
  if (value === null) return "null";
  if (isDataFrame(value)) return "a DataFrame";
  if (isThenable(value)) return "a Promise: a query (or another async call) not awaited; put `await` before it";
  if (isLazyFrame(value)) return "a LazyDataFrame: collect it first (`await lf.collect()`)";
  if (isSeries(value)) return "a Series (one column): pass the whole DataFrame";
  if (Array.isArray(value)) {
    if (!value.length) return "an empty array";
    if (value.every(isRow)) return `an array of ${value.length} row object${value.length === 1 ? "" : "s"}: make a DataFrame of them first (\`pl.DataFrame(rows)\`)`;
    return `an array of ${value.length} value${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "string") {
    const start = value.trimStart()[0];
    if (start === "{" || start === "[") return "text holding JSON: read it into a DataFrame first (`pl.readJSON(text)`)";
    return `text (${value.length} character${value.length === 1 ? "" : "s"})`;
  }
  if (typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return "a plain object (one row? make a DataFrame of it: `pl.DataFrame([row])`)";
    return `an object of class ${(value as object).constructor?.name || "(none)"}`;
  }
  return typeof value === "function" ? "a function (call it?)" : `a ${typeof value} (${String(value)})`;
}
