/**
 * Reading the lists in a TI service's JSON answer defensively. Services put
 * `null` where a list or an entry was expected (an OTX pulse list with a null
 * pulse, a GreyNoise `tags: null` or `[null, …]`): one odd value must not fail
 * the row, so the odd entries are skipped and the rest of the answer kept.
 */

/** The entries of `value` that are objects (not null, not arrays); [] when `value` is not an array. */
export function objectsOf<T extends object>(value: unknown): T[] {
  return Array.isArray(value) ? value.filter((v): v is T => typeof v === "object" && v !== null && !Array.isArray(v)) : [];
}

/** A string, or a finite number as text; else undefined (null, objects, booleans). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

/** The non-empty texts (see {@link textOf}) in `value`; [] when `value` is not an array. */
export function textsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    const text = textOf(v);
    if (text) out.push(text);
  }
  return out;
}

/** Deepest nesting of arrays and objects read from a TI answer: real answers nest a few levels. */
export const MAX_TI_JSON_DEPTH = 64;

// One scan of the text for nesting depth, shared with the alert parser.
export { jsonDeeperThan } from "../common/json";
