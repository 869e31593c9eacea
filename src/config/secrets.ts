/**
 * Secret masking. Provider keys must never reach an output, an error message,
 * a Reference URL, a log line or a saved notebook: every string huntlab shows
 * that could carry one goes through a {@link SecretMasker}.
 */
import { inspect } from "node:util";

/** What a masked secret is replaced with. */
export const MASK = "****";

/**
 * Args keys treated as secrets whatever their source (values read from an
 * `EnvironmentVar` are always secrets). Matches MSTICPy's AuthKey/ApiID and the
 * usual spellings of keys, tokens and passwords. `auth` is not followed by
 * `ority`: an AuthorityUrl (Azure AD's sign-in host) is a public address, and
 * masking it would hide the URL from every error that names it.
 */
const SECRET_ARG = /key|secret|token|passw|pwd|apiid|auth(?!ority)|credential/i;

/**
 * Names of what a secret is used for, not of a secret: MSTICPy's `AuthnType: interactive`,
 * `auth_methods`, a `TokenUrl` or a `KeyPath`. Masked as secrets, their common words (`interactive`,
 * `cli`) were starred out of every output.
 */
const SECRET_KIND = /(?:type|types|method|methods|mode|modes|kind|url|uri|endpoint|path|file)$/i;

/** True when a setting (an Args entry or any other) named `name` holds a secret. */
export function isSecretArgName(name: string): boolean {
  return SECRET_ARG.test(name) && !SECRET_KIND.test(name);
}

/**
 * Secrets shorter than this are not masked: replacing every "ab" in an output
 * would mangle it without protecting anything (no real API key is that short).
 */
export const MIN_SECRET_LENGTH = 3;

/**
 * Secrets at least this long are also found in any letter case (a
 * service that echoes the key upper-cased); shorter ones only as written, so
 * that a short key does not mask every spelling of a common word. Real API
 * keys are far longer.
 */
export const MIN_CASE_FOLDED_LENGTH = 8;
/** Most secrets whose Basic-auth pairs (`id:key`, every ordered pair) are masked whole; a real config has a few dozen. */
const MAX_PAIRED = 64;

/**
 * `text` lower-cased, at the same length so that positions in it are positions
 * in `text`: U+0130 (İ), the one character whose lower case is longer, stays.
 */
function foldCase(text: string): string {
  return text.includes("\u0130") ? text.replace(/[^\u0130]+/g, (run) => run.toLowerCase()) : text.toLowerCase();
}

/** Base64 and base64url of some bytes, without padding. */
function base64Forms(bytes: Buffer): string[] {
  const b64 = bytes.toString("base64").replace(/=+$/, "");
  return [b64, b64.replace(/\+/g, "-").replace(/\//g, "_")];
}

/**
 * Base64 runs shorter than this are not searched for inside longer blobs: a
 * 4-character core would match (and mangle) unrelated base64 text.
 */
const MIN_BASE64_CORE = 8;

/**
 * The base64 characters that encode `secret` whatever bytes surround it, for
 * each of the three alignments it can have inside a longer base64 blob
 * (`Bearer <key>`, a JSON document, `id:key`…). Characters shared with the
 * neighbouring bytes are left out.
 */
function base64Cores(secret: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const b64 = Buffer.concat([Buffer.alloc(offset), secret]).toString("base64");
    // Character j covers bits [6j, 6j + 6); the secret covers bits [8·offset, 8·(offset + n)).
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + secret.length)) / 6);
    const core = b64.slice(first, end);
    if (core.length >= MIN_BASE64_CORE) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

/** The forms to search for: `exact` as written, `folded` (lower-cased) in any letter case. */
interface Needles {
  exact: readonly string[];
  folded: readonly string[];
  /** Length of the shortest needle: a shorter text holds none (folding keeps lengths, decoding only shortens). */
  shortest: number;
}

/**
 * Every form of the secrets to search for: plain, %-encoded and form-encoded (in any letter
 * case for keys of {@link MIN_CASE_FOLDED_LENGTH} or more), base64 and
 * base64url (whole, and cores inside longer blobs; case matters there: the
 * base64 of the upper-cased key is other text), Basic-auth pairs.
 */
function needlesOf(plain: readonly string[]): Needles {
  const exact = new Set<string>();
  const folded = new Set<string>();
  for (const s of plain) {
    const bytes = Buffer.from(s, "utf8");
    const caseFree = s.length >= MIN_CASE_FOLDED_LENGTH;
    const textForms = caseFree ? folded : exact;
    const fold = caseFree ? foldCase : (x: string) => x;
    textForms.add(fold(s));
    textForms.add(fold(encodeURIComponent(s)));
    // Form encoding (URLSearchParams: a Splunk login, an OAuth token request) writes a space as `+`;
    // its %-escapes are decoded when searching, so the `+` spelling is the one form left to find.
    if (s.includes(" ")) textForms.add(fold(s.replaceAll(" ", "+")));
    for (const f of base64Forms(bytes)) exact.add(f);
    for (const f of base64Cores(bytes)) exact.add(f);
  }
  // Basic auth sends base64("id:key"): the whole pair is masked, not only the cores. Pairs grow with the square of the
  // secrets (a config with thousands of secret-named settings overflowed a Set): past MAX_PAIRED secrets, each key's
  // base64 cores above still mask it inside a pair.
  if (plain.length <= MAX_PAIRED) for (const a of plain) for (const b of plain) if (a !== b) for (const f of base64Forms(Buffer.from(`${a}:${b}`, "utf8"))) exact.add(f);
  // Overlapping matches of different forms are merged when masking, so the order does not matter.
  const long = (f: string) => f.length >= MIN_SECRET_LENGTH;
  const needles = { exact: [...exact].filter(long), folded: [...folded].filter(long) };
  return { ...needles, shortest: Math.min(...needles.exact.map((f) => f.length), ...needles.folded.map((f) => f.length)) };
}

/** Adds the ranges where the needles occur in `text` (`map`: from `text`'s positions to the source's). */
function findNeedles(text: string, needles: Needles, spans: Span[], map?: (start: number, end: number) => Span): void {
  for (const needle of needles.exact) findAll(text, needle, spans, map);
  if (needles.folded.length === 0) return;
  const lower = foldCase(text);
  for (const needle of needles.folded) findAll(lower, needle, spans, map);
}

/** A half-open range of a text. */
type Span = [start: number, end: number];

/** Adds the ranges where `needle` occurs in `text` (non-overlapping, left to right). */
function findAll(text: string, needle: string, spans: Span[], map?: (start: number, end: number) => Span): void {
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    spans.push(map ? map(at, at + needle.length) : [at, at + needle.length]);
  }
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The value of `count` hex digits at `at`, or -1. */
function hexAt(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let i = 0; i < count; i += 1) {
    const digit = hexValue(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

const JSON_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["/", "/"],
  ["\\", "\\"],
  ['"', '"'],
  ["'", "'"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

/** The HTML named references a key's characters take (`&QUOT;` and kin are legacy upper-case spellings). */
const HTML_NAMED: ReadonlyMap<string, string> = new Map([
  ["quot", '"'],
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["apos", "'"],
]);

/** One decoded escape: the text it stands for and how many source characters it spans. */
interface Escape {
  text: string;
  length: number;
}

/** The JSON string escape at `at` (a backslash), or undefined when it is not one. */
function jsonEscapeAt(text: string, at: number): Escape | undefined {
  const next = text[at + 1];
  if (next === "u") {
    const code = hexAt(text, at + 2, 4);
    return code < 0 ? undefined : { text: String.fromCharCode(code), length: 6 };
  }
  const plain = next === undefined ? undefined : JSON_ESCAPES.get(next);
  return plain === undefined ? undefined : { text: plain, length: 2 };
}

/** The %-escape at `at` (a `%`): one ASCII byte, or a whole valid UTF-8 sequence; undefined otherwise. */
function percentEscapeAt(text: string, at: number): Escape | undefined {
  const lead = hexAt(text, at + 1, 2);
  if (lead < 0) return undefined;
  if (lead < 0x80) return { text: String.fromCharCode(lead), length: 3 };
  const count = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? (lead < 0xf0 ? 3 : 0) : lead >= 0xc2 ? 2 : 0;
  if (count === 0) return undefined;
  const bytes = [lead];
  for (let i = 1; i < count; i += 1) {
    const p = at + 3 * i;
    const byte = text[p] === "%" ? hexAt(text, p + 1, 2) : -1;
    if (byte < 0x80 || byte > 0xbf) return undefined;
    bytes.push(byte);
  }
  const decoded = Buffer.from(bytes).toString("utf8");
  // Overlong forms and surrogates decode to U+FFFD: not a character a secret holds.
  return decoded.includes("\ufffd") ? undefined : { text: decoded, length: 3 * count };
}

/** The HTML character reference at `at` (a `&`): named, `&#39;` or `&#x27;` (with its `;`); undefined otherwise. */
function htmlEscapeAt(text: string, at: number): Escape | undefined {
  if (text[at + 1] === "#") {
    const hex = text[at + 2] === "x" || text[at + 2] === "X";
    const start = at + (hex ? 3 : 2);
    let end = start;
    let value = 0;
    // At most 7 digits (U+10FFFF): the look-ahead is bounded, so the scan stays linear.
    while (end < text.length && end - start < 7) {
      const code = text.charCodeAt(end);
      const digit = hex ? hexValue(code) : code >= 48 && code <= 57 ? code - 48 : -1;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + digit;
      end += 1;
    }
    if (end === start || text[end] !== ";" || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
    return { text: String.fromCodePoint(value), length: end + 1 - at };
  }
  if (!/[glqa]/i.test(text[at + 1] ?? "")) return undefined; // the first letters of HTML_NAMED: most `&` are not references
  for (const [name, char] of HTML_NAMED) {
    if (text[at + 1 + name.length] === ";" && text.slice(at + 1, at + 1 + name.length).toLowerCase() === name) return { text: char, length: name.length + 2 };
  }
  return undefined;
}

/**
 * `text` with its JSON string escapes (`\/`, `\u0073`…), %-escapes (either
 * hex case) and HTML character references (`&quot;`, `&#39;`) decoded, in one
 * left-to-right pass, with a map from positions of the decoded text back to
 * ranges of `text`. Undefined when nothing decodes.
 */
function decodedView(text: string): { view: string; toSource: (start: number, end: number) => Span } | undefined {
  const parts: string[] = [];
  // Segments: decoded start, source start, source length, and whether it is a plain run (1:1).
  const viewStart: number[] = [];
  const sourceStart: number[] = [];
  const sourceLength: number[] = [];
  const isRun: boolean[] = [];
  let viewLength = 0;
  let runStart = 0;
  const flushRun = (end: number) => {
    if (end > runStart) {
      parts.push(text.slice(runStart, end));
      viewStart.push(viewLength);
      sourceStart.push(runStart);
      sourceLength.push(end - runStart);
      isRun.push(true);
      viewLength += end - runStart;
    }
  };
  // Next `\`, `%` and `&` at or after the scan position (-1: none left); each is searched for again only once passed, so the scan stays linear.
  let backslash = text.indexOf("\\");
  let percent = text.indexOf("%");
  let ampersand = text.indexOf("&");
  for (let i = 0; ; ) {
    if (backslash >= 0 && backslash < i) backslash = text.indexOf("\\", i);
    if (percent >= 0 && percent < i) percent = text.indexOf("%", i);
    if (ampersand >= 0 && ampersand < i) ampersand = text.indexOf("&", i);
    if (backslash < 0 && percent < 0 && ampersand < 0) break;
    i = Math.min(backslash < 0 ? Infinity : backslash, percent < 0 ? Infinity : percent, ampersand < 0 ? Infinity : ampersand);
    const escape = i === backslash ? jsonEscapeAt(text, i) : i === percent ? percentEscapeAt(text, i) : htmlEscapeAt(text, i);
    if (!escape) {
      i += 1;
      continue;
    }
    flushRun(i);
    parts.push(escape.text);
    viewStart.push(viewLength);
    sourceStart.push(i);
    sourceLength.push(escape.length);
    isRun.push(false);
    viewLength += escape.text.length;
    i += escape.length;
    runStart = i;
  }
  if (runStart === 0 && !isRun.length) return undefined;
  flushRun(text.length);
  /** The segment holding decoded position `pos` (binary search). */
  const segmentOf = (pos: number): number => {
    let lo = 0;
    let hi = viewStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (viewStart[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const toSource = (start: number, end: number): Span => {
    const a = segmentOf(start);
    const b = segmentOf(end - 1);
    const from = isRun[a] ? sourceStart[a] + (start - viewStart[a]) : sourceStart[a];
    const to = isRun[b] ? sourceStart[b] + (end - 1 - viewStart[b]) + 1 : sourceStart[b] + sourceLength[b];
    return [from, to];
  };
  return { view: parts.join(""), toSource };
}

/** `text` with the given ranges (in any order, possibly overlapping) replaced by {@link MASK}. */
function replaceSpans(text: string, spans: Span[]): string {
  spans.sort((x, y) => x[0] - y[0]);
  const out: string[] = [];
  let at = 0;
  let open: Span | undefined;
  for (const span of spans) {
    if (open && span[0] <= open[1]) {
      open[1] = Math.max(open[1], span[1]);
      continue;
    }
    if (open) {
      out.push(text.slice(at, open[0]), MASK);
      at = open[1];
    }
    open = [span[0], span[1]];
  }
  if (open) out.push(text.slice(at, open[0]), MASK);
  out.push(text.slice(open ? open[1] : at));
  return out.join("");
}

/** What each masker hides; kept off the object so that no dump, copy or serialisation of it can reach a secret. */
const NEEDLES = new WeakMap<SecretMasker, { needles: Needles; secrets: number }>();

const NO_NEEDLES: Needles = { exact: [], folded: [], shortest: Infinity };

function needlesOfMasker(masker: SecretMasker): Needles {
  return NEEDLES.get(masker)?.needles ?? NO_NEEDLES;
}

function isEmpty(needles: Needles): boolean {
  return needles.exact.length === 0 && needles.folded.length === 0;
}

/**
 * Replaces every occurrence of the given secrets in text, also in the forms a
 * secret takes on its way into a URL, an HTTP header or a JSON body:
 * %-encoding (either hex case, also of single characters; form encoding's `+`
 * for a space too), JSON string
 * escapes (`\/`, `\u0073`), HTML character references (`&quot;`, `&#39;`),
 * base64 and base64url (alone, inside a longer blob, and of `id:key` for Basic
 * auth); in any letter case for secrets of {@link MIN_CASE_FOLDED_LENGTH}
 * characters or more (not base64, which is case-sensitive). The work is
 * linear in the text.
 *
 * The masker itself prints and serialises as `SecretMasker(n secrets)`.
 */
export class SecretMasker {
  constructor(secrets: Iterable<string | number | boolean | null | undefined>) {
    // A key with spaces or a line end around it (a folded YAML scalar, a padded environment variable) is sent trimmed: both forms are hidden.
    // Messages that join whitespace runs (an excerpt of an answer) show a passphrase with its runs as one space.
    const texts = [...secrets].flatMap((s) => (typeof s === "string" ? [s, s.trim(), s.trim().replace(/\s+/g, " ")] : []));
    const plain = [...new Set(texts.filter((s) => s.length >= MIN_SECRET_LENGTH))];
    NEEDLES.set(this, { needles: needlesOf(plain), secrets: plain.length });
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return isEmpty(needlesOfMasker(this));
  }

  /** `text` with every secret replaced by {@link MASK}. */
  mask(text: string): string {
    const needles = needlesOfMasker(this);
    // Also the cheap exit for the many short strings and keys of a large answer.
    if (isEmpty(needles) || text.length < needles.shortest) return text;
    const spans: Span[] = [];
    findNeedles(text, needles, spans);
    // Escaped and encoded forms: search the decoded text, mask the source range.
    const decoded = text.includes("\\") || text.includes("%") || text.includes("&") ? decodedView(text) : undefined;
    if (decoded) findNeedles(decoded.view, needles, spans, decoded.toSource);
    return spans.length ? replaceSpans(text, spans) : text;
  }

  /**
   * A JSON-like value with every string masked (keys included). Objects and arrays in which nothing was masked
   * are returned as they are, not copied: a copy of an answer of a million keys cost seconds. Other objects (a
   * Date, an Error) are always replaced by a plain copy of their own enumerable keys.
   */
  maskValue<T>(value: T): T {
    if (isEmpty(needlesOfMasker(this))) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.mask(value);
    if (value === null || typeof value !== "object" || depth > 64) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = this.walk(value[i], depth + 1);
        if (!copy && !Object.is(v, value[i])) copy = value.slice(0, i);
        copy?.push(v);
      }
      return copy ?? value;
    }
    const source = value as Record<string, unknown>;
    const proto = Object.getPrototypeOf(source) as unknown;
    const keys = Object.keys(source);
    let copy: Record<string, unknown> | undefined = proto === Object.prototype || proto === null ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const key = this.mask(keys[i]);
      const v = this.walk(source[keys[i]], depth + 1);
      if (!copy && (key !== keys[i] || !Object.is(v, source[keys[i]]))) {
        copy = {};
        for (let j = 0; j < i; j++) setOwn(copy, keys[j], source[keys[j]]);
      }
      if (copy) setOwn(copy, key, v);
    }
    return copy ?? value;
  }

  /** The masked text of an error (its name unless plain `Error`, and its message). */
  errorText(err: unknown): string {
    const text = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
    return this.mask(text);
  }

  /** What the masker shows of itself. */
  toString(): string {
    return `SecretMasker(${NEEDLES.get(this)?.secrets ?? 0} secrets)`;
  }

  /** What JSON shows of the masker: `toString()`, never a secret. */
  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Sets `key` as an own data property: a `__proto__` key (JSON.parse makes it an own key) stays data, where an
 * assignment would set the prototype; every other key by plain assignment (a property definition per key cost
 * seconds on a million keys).
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A masker with nothing to hide. */
export const NO_SECRETS = new SecretMasker([]);
