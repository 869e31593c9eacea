/**
 * JSON with 64-bit integers kept exactly (Kusto/Log Analytics `long`, ES
 * `long`/`unsigned_long` and their sort values, polars' JSON of list and
 * struct cells): an integer token beyond
 * Number.MAX_SAFE_INTEGER is parsed as a BigInt (JSON.parse's reviver gets the
 * token's source text, Node 21+), and BigInts are written back as bare digits.
 * The reviver makes JSON.parse about 20 times slower, so it runs only when the
 * text may hold such a token: 16+ digits that start a value (after `[`, `,`,
 * `:`, a space or `-`) and end it (no `.`, exponent or more digits after).
 * Decimals with 16+ digits (doubles written with 17 significant digits, as
 * Kusto writes them) do not, though they fill such answers (measured on a
 * 50k-row, 7 MB Kusto answer, Node 22: JSON.parse 40 ms, with the reviver 890 ms).
 * The test may say yes inside a string too (then the reviver runs, as exact).
 */
const LONG_INTEGER = /(?:^|[[,:\s])-?\d{16,}(?![\d.eE])/;
/** An integer token; longer ones (beyond any 64-bit type) stay numbers: BigInt() of huge digit runs is slow (attacker-sized). */
const INTEGER_TOKEN = /^-?\d{1,40}$/;

/** A reviver giving integer tokens beyond 2^53 as `exact(source text)`; other values as JSON.parse gives them. */
function longIntegers(exact: (source: string) => unknown) {
  return (_key: string, value: unknown, context?: { source?: string }): unknown =>
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && INTEGER_TOKEN.test(context.source) ? exact(context.source) : value;
}

const exactIntegers = longIntegers(BigInt);
const integerTexts = longIntegers((source) => source);

/**
 * JSON text parsed with integers beyond 2^53 as BigInts (exact); other numbers
 * stay numbers. On a runtime without the reviver's source text, today's
 * (rounding) JSON.parse.
 */
export function parseJsonExact(text: string): unknown {
  return mayHoldLongInteger(text) ? JSON.parse(text, exactIntegers as (key: string, value: unknown) => unknown) : JSON.parse(text);
}

/**
 * JSON text parsed with integers beyond 2^53 as their exact digits (text): for values handed on to people and
 * keys (an alert's LogonId, a FILETIME) rather than computed with, where a BigInt would be a surprise.
 */
export function parseJsonIntegersAsText(text: string): unknown {
  return mayHoldLongInteger(text) ? JSON.parse(text, integerTexts as (key: string, value: unknown) => unknown) : JSON.parse(text);
}

/** Whether JSON `text` may hold an integer token of 16+ digits: when not, JSON.parse alone is exact. */
export function mayHoldLongInteger(text: string): boolean {
  return LONG_INTEGER.test(text);
}

type RawJson = (text: string) => unknown;
const rawJson = (JSON as unknown as { rawJSON?: RawJson }).rawJSON;

/**
 * A finite number as JSON text that reads back as the same double, to a reader of 64-bit integers too: an integer
 * beyond 2^53 with an exponent (`1.152921504606847e+18`), since its plain digits (`1152921504606847000`, as
 * JSON.stringify writes it) are another integer, which Kusto, Elasticsearch and parseJsonExact read exactly.
 */
export function numberJson(value: number): string {
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toExponential() : JSON.stringify(value);
}

/** JSON.stringify with BigInts as exact digits (JSON.stringify alone throws on them), and numbers as {@link numberJson} writes them. */
export function stringifyExact(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === "bigint" ? (rawJson ? rawJson(v.toString()) : Number(v)) : typeof v === "number" && rawJson && Number.isFinite(v) && Number.isInteger(v) && !Number.isSafeInteger(v) ? rawJson(numberJson(v)) : v,
    space,
  );
}


/**
 * Sets `target[key]` as an own data property. Keys come from data (alert JSON,
 * YAML, feed headers), so a key like `__proto__` must become data, not a
 * prototype change (plain assignment would call the `__proto__` setter).
 */
export function setOwnProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A key-value object (a JSON or YAML map): not null, not an array. */
export function isObjectRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether valid JSON `text` nests arrays and objects deeper than `max`: one scan of the text (strings skipped),
 * not a walk of the parsed value (seconds on a TI answer of a million keys), nor a parse (an alert cell thousands deep overflowed it).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // To the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return false;
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Half a character at V8's cut of the quoted excerpt: a high surrogate before `"...`, a low one after `..."`. */
const HALF_AT_CUT = /[\ud800-\udbff](?="\.\.\.)|(?<=\.\.\.")[\udc00-\udfff]/g;
/** The offending token as V8 quotes it when it is half an emoji (`Unexpected token '\ud83d'`). */
const HALF_TOKEN = /(?<=token ')([\ud800-\udbff])(?=')/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A JSON.parse error's message, to quote in ours. V8 quotes the offending token and an excerpt of the text by
 * UTF-16 units, so text starting with an emoji gave `Unexpected token '\ud83d', "😀😀…\ud83d"...`: halves of
 * characters, which no UTF-8 can carry (the notebook showing the message could not be saved). The excerpt is cut
 * at a character boundary, a half token is completed from the excerpt when the whole character is there, and any
 * other lone surrogate is written as an escape (`\ud83d`).
 */
export function jsonErrorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const cut = text.replace(HALF_AT_CUT, "");
  const half = HALF_TOKEN.exec(cut)?.[1];
  const whole = half === undefined ? undefined : new RegExp(`${half}[\\udc00-\\udfff]`).exec(cut)?.[0];
  const token = whole === undefined ? cut : cut.replace(HALF_TOKEN, whole);
  return token.replace(LONE_SURROGATE, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
}

/**
 * Sets every array or object nested more than `max` levels inside `value` to null, in place (one iterative walk);
 * whether any was. `__proto__` keys stay own data keys. JSON.parse reads any depth, but JSON.stringify and every
 * recursive walk after it overflow the stack on a few thousand levels (a SIEM answer's hostile dynamic cell).
 */
export function cutDeeperThan(value: unknown, max: number): boolean {
  let cut = false;
  const stack: [object, number][] = value !== null && typeof value === "object" ? [[value, 0]] : [];
  while (stack.length) {
    const [container, depth] = stack.pop()!;
    for (const [key, child] of Object.entries(container)) {
      if (child === null || typeof child !== "object") continue;
      if (depth + 1 < max) stack.push([child, depth + 1]);
      else {
        setOwnProperty(container, key, null);
        cut = true;
      }
    }
  }
  return cut;
}
