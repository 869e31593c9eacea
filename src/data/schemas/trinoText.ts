/**
 * Presto/Trino's text form of nested values, as Athena writes a Security Lake table's OCSF structs into
 * its CSV results: a row or map `{ip=10.0.0.5, port=443, product={name=Amazon VPC}}`, an array
 * `[a, b]`, `null`. Nothing is quoted or escaped, so the form is ambiguous where a value holds the
 * separators; this reader decides as follows (docs/schemas.md says the same):
 *
 * - In a row, a plain value runs to the next `, name=` (a name of letters, digits, `_`, `-`, `:`, `.`,
 *   `@`, `/`, up to 64 characters) or to a `}` that ends the row (followed by the end, `,`, `}` or `]`).
 *   So `=` and `,` inside a value are kept (`url=https://x/?a=b, port=443`), but a value holding
 *   `, word=` is split there, and one holding `}` before a `,` ends early.
 * - In an array, a plain value runs to the next `, ` or to a `]` that ends the array: an element
 *   holding `, ` is split.
 * - A value starting with `{` or `[` is a nested row or array; where it does not parse as one, it is a
 *   plain value (a JSON text inside a row stays text). Brackets a plain value opens and closes itself are
 *   part of it; a cell whose separators fall out of place (`{a=x }, y, b=1}`) is not read at all (null).
 * - `null` is null; `true`/`false` and plain decimal numbers of up to 15 digits become JSON booleans and
 *   numbers (longer digit runs and zero-padded ones, ids, stay text: no digit is lost).
 *
 * Linear: each character is looked at a bounded number of times (names at most 64 ahead, nesting at
 * most {@link MAX_DEPTH} deep, a failed nested value re-read once per level). Text over
 * {@link MAX_CHARS} is not read.
 */

/** Deepest nesting read: OCSF nests a handful of levels. */
export const MAX_DEPTH = 16;
/** Longest cell read (a Security Lake event's largest struct is a few KB). */
export const MAX_CHARS = 1 << 20;

/** Characters of a field name (letters, digits, `_-:.@/`), by char code: tested once per character read. */
const NAME_CHAR = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:.@/") NAME_CHAR[c.charCodeAt(0)] = 1;
const isNameChar = (code: number) => code < 128 && NAME_CHAR[code] === 1;
const MAX_NAME = 64;
const NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;

/** True when a value looks like a Trino row or map: `{name=` (JSON's `{"` is not). */
export function looksLikeTrinoRow(text: string): boolean {
  return /^\s*\{\s*(?:\}|[A-Za-z0-9_\-:.@/]{1,64}=)/.test(text);
}

/** The value as JSON text, or null when it is no Trino row/array (or too long, too deep). */
export function trinoTextToJson(text: string): string | null {
  const value = parseTrinoText(text);
  return value === undefined ? null : JSON.stringify(value);
}

/** The value as JSON data (rows as objects without a prototype), or undefined when it is no Trino row/array. */
export function parseTrinoText(text: string): Json | undefined {
  const t = text.trim();
  if (t.length > MAX_CHARS || (t[0] !== "{" && t[0] !== "[")) return undefined;
  const parser = new Parser(t);
  const value = parser.value(0, "top");
  if (value === FAIL || parser.pos !== t.length) return undefined;
  return value;
}

const FAIL = Symbol("fail");
/** A value read from Trino text, as JSON data. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Context = "row" | "array" | "top";

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  value(depth: number, context: Context): Json | typeof FAIL {
    const start = this.pos;
    const c = this.s[this.pos];
    if ((c === "{" || c === "[") && depth < MAX_DEPTH) {
      const nested = c === "{" ? this.row(depth + 1) : this.array(depth + 1);
      if (nested !== FAIL && this.endsValue(context)) return nested;
      // Not a nested value after all (JSON text, a brace in a value): the same characters as plain text.
      this.pos = start;
    }
    if (context === "top") return FAIL;
    return this.plain(context);
  }

  /** True when the position is where a value in `context` may end. */
  private endsValue(context: Context): boolean {
    const c = this.s[this.pos];
    if (context === "top") return this.pos === this.s.length;
    if (context === "row") return c === "}" || (c === "," && this.s[this.pos + 1] === " ");
    return c === "]" || (c === "," && this.s[this.pos + 1] === " ");
  }

  private row(depth: number): Json | typeof FAIL {
    this.pos += 1;
    // No prototype: a field named `__proto__` is a field like any other.
    const out: { [k: string]: Json } = Object.create(null) as { [k: string]: Json };
    if (this.s[this.pos] === "}") {
      this.pos += 1;
      return out;
    }
    for (;;) {
      const eq = this.nameEnd(this.pos);
      if (eq < 0) return FAIL;
      const key = this.s.slice(this.pos, eq);
      this.pos = eq + 1;
      const v = this.value(depth, "row");
      if (v === FAIL) return FAIL;
      out[key] = v;
      if (this.s[this.pos] === "}") {
        this.pos += 1;
        return out;
      }
      if (this.s[this.pos] !== "," || this.s[this.pos + 1] !== " ") return FAIL;
      this.pos += 2;
    }
  }

  private array(depth: number): Json | typeof FAIL {
    this.pos += 1;
    const out: Json[] = [];
    if (this.s[this.pos] === "]") {
      this.pos += 1;
      return out;
    }
    for (;;) {
      const v = this.value(depth, "array");
      if (v === FAIL) return FAIL;
      out.push(v);
      if (this.s[this.pos] === "]") {
        this.pos += 1;
        return out;
      }
      if (this.s[this.pos] !== "," || this.s[this.pos + 1] !== " ") return FAIL;
      this.pos += 2;
    }
  }

  /** Where the `=` after a field name starting at `from` is, or -1 when no name (≤ 64 name characters) is there. */
  private nameEnd(from: number): number {
    let i = from;
    while (i < this.s.length && i - from <= MAX_NAME && isNameChar(this.s.charCodeAt(i))) i += 1;
    return i > from && i - from <= MAX_NAME && this.s[i] === "=" ? i : -1;
  }

  /**
   * A plain value: up to the separator or closing bracket that ends it in its context. Brackets the value
   * opens and closes itself (a JSON text, `a{b}`) are skipped over; where they do not balance, the first
   * separator or closing bracket ends it.
   */
  private plain(context: Context): Json | typeof FAIL {
    const start = this.pos;
    const end = this.plainEnd(start, context, true);
    const i = end >= 0 ? end : this.plainEnd(start, context, false);
    if (i < 0) return FAIL;
    this.pos = i;
    return scalar(this.s.slice(start, i));
  }

  private plainEnd(start: number, context: Context, balanced: boolean): number {
    const close = context === "row" ? "}" : "]";
    let open = 0;
    for (let i = start; i < this.s.length; i += 1) {
      const c = this.s[i];
      if (balanced && (c === "{" || c === "[")) open += 1;
      else if (balanced && open > 0 && (c === "}" || c === "]")) open -= 1;
      else if (open > 0) continue;
      else if (c === "," && this.s[i + 1] === " " && (context === "array" || this.nameEnd(i + 2) >= 0)) return i;
      else if (c === close) {
        const next = this.s[i + 1];
        if (next === undefined || next === "," || next === "}" || next === "]") return i;
      }
    }
    return -1;
  }
}

function scalar(text: string): Json {
  if (text === "null") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  return NUMBER.test(text) ? Number(text) : text;
}
