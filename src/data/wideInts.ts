/**
 * Integers wider than Int64. polars reads a column of integers beyond Int64's
 * range (unsigned 64-bit IDs such as `18446744073709551615`) from CSV and JSON
 * as Int128, a type nodejs-polars cannot hand to JavaScript: `df.dtypes`, the
 * table display and every later step throw "DataType Int128 is not supported
 * for JS conversion", naming no column. Such columns become text, every digit
 * kept (pandas reads them as uint64, or as text beyond it); a struct holding
 * one becomes its JSON text, as nested JSON is kept elsewhere.
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { columnNames, columnOf, renameAll } from "../common/frames";

/** The column's type, or undefined when nodejs-polars cannot convert it (Int128, or a struct holding one). */
function jsType(df: pl.DataFrame, name: string): DataType | undefined {
  try {
    return columnOf(df, name).dtype;
  } catch {
    return undefined;
  }
}

/** `df` with every column whose type JavaScript cannot read as text (see the module comment); `df` itself when there is none. */
export function wideIntsAsText(df: pl.DataFrame): pl.DataFrame {
  try {
    void df.dtypes;
    return df;
  } catch {
    // One column or more of a type JavaScript cannot read: found column by column below.
  }
  const names = columnNames(df);
  // Plain names inside: column names come from the data.
  const plain = renameAll(df, names.map((_, i) => `c${i}`));
  const exprs = names.flatMap((name, i) => {
    if (jsType(df, name) !== undefined) return [];
    const col = pl.col(`c${i}`);
    try {
      plain.head(0).select(col.struct.jsonEncode());
      // A null cell stays null (JSON encoding wrote it as the text "null", which isNull, dropNulls and
      // every filter then took for a value).
      return [pl.when(col.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(col.struct.jsonEncode()).alias(`c${i}`)];
    } catch {
      return [col.cast(pl.Utf8).alias(`c${i}`)];
    }
  });
  return renameAll(exprs.length ? plain.withColumns(...exprs) : plain, names);
}

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
