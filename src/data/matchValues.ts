/**
 * How the value of a column parameter (`match: equals | in`) compares with a
 * cell of a non-text column. Pivot values and most query values arrive as
 * text ("4688", " 42 ", "0x1F"); a numeric column (auditd's uid, Sysmon's
 * ProcessId, an EventID) compares them as numbers, so the filter and the
 * pivots that split a batched result per input value (queryPivots.ts) share
 * one key per value: its canonical number text.
 */
import type { DataType } from "nodejs-polars";
import { isCategoricalText, isTextType } from "../common/dtypes";

/** How a column's cells compare with parameter values. */
export type MatchKind = "text" | "integer" | "float" | "bool";

const INTEGER_BITS: Readonly<Record<string, [signed: boolean, bits: number]>> = {
  Int8: [true, 8],
  Int16: [true, 16],
  Int32: [true, 32],
  Int64: [true, 64],
  UInt8: [false, 8],
  UInt16: [false, 16],
  UInt32: [false, 32],
  UInt64: [false, 64],
};

/** The kind of a column type, or undefined for types a value cannot equal (times, lists, structs, binary…). */
export function matchKind(dtype: DataType): MatchKind | undefined {
  // Text: plain, or dictionary-encoded (Categorical, and Enum, which nodejs-polars' variant type lacks).
  const v: string = dtype.variant;
  if (isTextType(dtype) || isCategoricalText(dtype)) return "text";
  if (Object.hasOwn(INTEGER_BITS, v)) return "integer";
  if (v === "Float32" || v === "Float64") return "float";
  if (v === "Bool") return "bool";
  return undefined;
}

/** Longer text is no number a column holds (and is not worth a BigInt parse: values come from logs). */
const MAX_NUMBER_TEXT = 100;
const INTEGER_TEXT = /^[+-]?\d+$/;
const HEX_TEXT = /^0[xX][0-9a-fA-F]+$/;
// One way to match any text (no nested or adjacent quantifiers over the same characters): linear.
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a value stands for: a finite JS number or bigint as is; text
 * trimmed, as decimal (`42`, `-7`, `1.5`, `1e3`) or `0x` hexadecimal (as
 * Windows writes process and logon ids: `0x1F`) — integer text exactly, as a
 * bigint. Anything else (blank, `1,234`, `N/A`, `Infinity`) is undefined.
 */
export function numberOf(value: unknown): number | bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "" || text.length > MAX_NUMBER_TEXT) return undefined;
  if (INTEGER_TEXT.test(text) || HEX_TEXT.test(text)) return BigInt(text);
  // A whole number written with a zero fraction (`9007199254740993.0`) is that integer, exactly (a double rounded it).
  const whole = /^([+-]?\d+)\.0+$/.exec(text);
  if (whole && INTEGER_TEXT.test(whole[1])) return BigInt(whole[1]);
  if (!DECIMAL_TEXT.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The key a value compares by in a column of `kind`; undefined when it can
 * equal no cell there (text that is no number in a numeric column, 4.5 in an
 * integer column, `yes` in a Bool column). Text keys are lower case (text
 * parameters ignore case); integers are exact decimal text; floats are JS's
 * shortest text of the double; Bool keys are `true`/`false`.
 */
export function matchKey(value: unknown, kind: MatchKind): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case "text":
      return String(value).toLowerCase();
    case "bool": {
      const t = String(value).trim().toLowerCase();
      return t === "true" || t === "false" ? t : undefined;
    }
    case "float": {
      const n = numberOf(value);
      // String(-0) is "0": one key for both zeros, as the comparison treats them.
      return n === undefined ? undefined : String(Number(n));
    }
    case "integer": {
      const n = numberOf(value);
      if (n === undefined) return undefined;
      if (typeof n === "bigint") return n.toString();
      return Number.isInteger(n) ? BigInt(n).toString() : undefined;
    }
  }
}

/** True when integer key `key` fits integer type `variant` (a value out of range equals no cell, and would fail the cast). */
export function fitsInteger(key: string, variant: string): boolean {
  const spec = INTEGER_BITS[variant];
  if (!spec) return false;
  const [signed, bits] = spec;
  const n = BigInt(key);
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  return n >= min && n <= max;
}
