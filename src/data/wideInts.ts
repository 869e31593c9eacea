/**
 * Integers too wide for polars' JSON reader (40 digits and more), quoted before reading. Columns of
 * Int128 are made text by {@link wideIntsAsText} (src/common/wideInts.ts), re-exported here for the readers.
 */
export { wideIntsAsText } from "../common/wideInts";

/** What {@link quoteWideIntegers} changed. */
export interface QuotedWideIntegers {
  text: string;
  /** Integers quoted. */
  count: number;
  /** Line (1-based) of the first. */
  firstLine: number;
}

/** Digits from which an integer cannot be Int128 (whose maximum has 39 digits): such a number fails polars' JSON reader. */
const WIDE_DIGITS = 39;

/**
 * JSON text with every integer of {@link WIDE_DIGITS} digits or more written
 * as a string (`1234…` → `"1234…"`), strings left alone: polars fails the
 * whole file on one such number ("InvalidNumber at character 44"), and as
 * text its column keeps every digit, as for integers beyond Int64. One pass;
 * undefined when there is none.
 */
export function quoteWideIntegers(json: string): QuotedWideIntegers | undefined {
  const parts: string[] = [];
  let from = 0;
  let count = 0;
  let firstAt = -1;
  for (let i = 0; i < json.length; i += 1) {
    const ch = json.charCodeAt(i);
    if (ch === 34 /* " */) {
      // Skip the string, escapes included.
      for (i += 1; i < json.length && json.charCodeAt(i) !== 34; i += 1) if (json.charCodeAt(i) === 92 /* \ */) i += 1;
      continue;
    }
    const digit = ch >= 48 && ch <= 57;
    if (!digit && ch !== 45 /* - */) continue;
    let j = ch === 45 ? i + 1 : i;
    const start = j;
    const digits = () => {
      while (j < json.length && json.charCodeAt(j) >= 48 && json.charCodeAt(j) <= 57) j += 1;
    };
    digits();
    const intEnd = j;
    // The whole token: a fraction or exponent makes it a float, which polars reads (its digits are not a number).
    let float = false;
    if (json[j] === ".") {
      j += 1;
      digits();
      float = true;
    }
    if (json[j] === "e" || json[j] === "E") {
      j += 1;
      if (json[j] === "+" || json[j] === "-") j += 1;
      digits();
      float = true;
    }
    if (!float && intEnd - start >= WIDE_DIGITS) {
      parts.push(json.slice(from, i), `"${json.slice(i, intEnd)}"`);
      from = intEnd;
      count += 1;
      if (firstAt < 0) firstAt = i;
    }
    i = Math.max(i, j - 1);
  }
  if (!count) return undefined;
  parts.push(json.slice(from));
  let firstLine = 1;
  for (let k = json.indexOf("\n"); k >= 0 && k < firstAt; k = json.indexOf("\n", k + 1)) firstLine += 1;
  return { text: parts.join(""), count, firstLine };
}
