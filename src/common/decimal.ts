/**
 * Numbers written as decimal text, as CSV readers leave coordinates ("47.6",
 * " -122.3 ", "4.76e1"): nothing else counts ("", "47N", "0x10", "0b1",
 * "Infinity", "1e999"), where `Number()` reads hex, binary and octal too.
 */

/**
 * Decimal or scientific text, optional sign, spaces around (no hex, no "Infinity", no thousands separators). Linear
 * on data-sized text: the integer digits and the fraction's are told apart by the `.` (as `\d+\.?\d*`, one cell of
 * 100k digits and a letter took minutes of backtracking, every split of the run between `\d+` and `\d*` tried).
 */
export const DECIMAL_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A finite number, or finite decimal text (at most 40 characters) as a number; undefined otherwise. */
export function decimalNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.length <= 40 && DECIMAL_TEXT.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Plain decimal text (`[+-]digits[.digits]`) in one spelling, exactly (no float): `2.00` → `2`,
 * `-012.500` → `-12.5`, `+5` → `5`, `-0.00` → `0`. Other text is returned as it is.
 */
export function canonicalDecimal(text: string): string {
  if (!/^[+-]?\d+(?:\.\d+)?$/.test(text)) return text;
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^[+-]/, "").split(".");
  const digits = whole.replace(/^0+(?=\d)/, "");
  // Not preceded by a 0: each run of zeros is tried once (`/0+$/` tried every zero of a run that a 1 ends: quadratic).
  const decimals = fraction.replace(/(?<!0)0+$/, "");
  const body = decimals ? `${digits}.${decimals}` : digits;
  return negative && body !== "0" ? `-${body}` : body;
}
