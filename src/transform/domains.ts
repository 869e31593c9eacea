/**
 * Domain names inside free text: where a host-name run starts and ends, which
 * part of it is a domain, and whether its top-level domain is real (ICANN section
 * of the Public Suffix List, through `tldts`).
 *
 * Everything here is a single forward pass over character codes (no regex
 * backtracking), so crafted input costs linear time.
 */
import { parse as parseDomain } from "tldts";
import { toASCII } from "tr46";

/** Longest label (RFC 1035) and longest name (RFC 1035 text form, without the root dot). */
const MAX_LABEL = 63;
const MAX_NAME = 253;
/** MSTICPy's pattern allows at most 126 labels before the top-level domain. */
const MAX_LABELS = 127;

/** `[A-Za-z0-9-]`. */
export function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
}

/** `[A-Za-z0-9-.]`: characters of a host-name run. */
export function isHostRunChar(c: number): boolean {
  return isLabelChar(c) || c === 46;
}

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Scripts written without spaces between words (Han, kana, Thai…) and Hangul, whose
 * particles attach to the word before: no glue for a domain or address (`访问evil.com`).
 */
const SPACELESS = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}`;

/** A letter, digit or mark of a script other than {@link SPACELESS}: a character of an internationalised label. */
const IDN_CHAR = new RegExp(`^(?![${SPACELESS}])[\\p{L}\\p{N}\\p{M}]$`, "u");
const idnCharKnown = new Uint8Array(0x10000); // 0 not yet tested, 1 yes, 2 no

/**
 * True for a non-ASCII character of an internationalised host-name label
 * (`bücher.de`, `аpple.com`): a letter, digit or mark outside the spaceless
 * scripts (their text runs into a name: `访问evil.com` mentions evil.com). BMP only.
 */
export function isIdnChar(c: number): boolean {
  if (c < 128 || (c >= 0xd800 && c <= 0xdfff) || c > 0xffff) return false;
  let known = idnCharKnown[c];
  if (known === 0) idnCharKnown[c] = known = IDN_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return known === 1;
}

/** {@link isHostRunChar} or {@link isIdnChar}: characters of a host-name run, internationalised names included. */
export function isNameRunChar(c: number): boolean {
  return isHostRunChar(c) || isIdnChar(c);
}

/** A letter, digit or mark of any script, the spaceless ones included. */
const ANY_IDN_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const anyIdnCharKnown = new Uint8Array(0x10000); // 0 not yet tested, 1 yes, 2 no

/**
 * {@link isNameRunChar}, or a letter, digit or mark of a spaceless script: a character of a name given whole
 * (`例え.jp`, `한국.kr`, `ไทย.com`), where no text runs into it (in text, such letters glue to the words around). BMP only.
 */
export function isWholeNameChar(c: number): boolean {
  if (isNameRunChar(c)) return true;
  if (c < 128 || (c >= 0xd800 && c <= 0xdfff) || c > 0xffff) return false;
  let known = anyIdnCharKnown[c];
  if (known === 0) anyIdnCharKnown[c] = known = ANY_IDN_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return known === 1;
}

/** IDNA's ideographic, full-width and half-width dots (`。`, `．`, `｡`), which a browser reads as `.` in a host. */
export function isWideDot(c: number): boolean {
  return c === 0x3002 || c === 0xff0e || c === 0xff61;
}

/** What a wide dot is in free text (see {@link wideDotKind}). */
export const WIDE_DOT_NONE = 0;
export const WIDE_DOT_LABEL = 1;
export const WIDE_DOT_GLUE = 2;

/** A letter, digit or mark of any script, of a whole code point (mathematical letters included). */
const ANY_LETTER = /^[\p{L}\p{N}\p{M}]$/u;
/** Han and kana: a `。` beside one ends a Chinese or Japanese sentence. */
const CJK_SENTENCE = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]$/u;

/** The character (a surrogate pair read whole) ending just before `i`; "" at the start. */
function charBefore(s: string, i: number): string {
  if (i <= 0) return "";
  const c = s.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? String.fromCodePoint(s.codePointAt(i - 2)!) : s[i - 1];
}

/** The character (a surrogate pair read whole) starting at `i`; "" at the end. */
function charFrom(s: string, i: number): string {
  return i < s.length ? String.fromCodePoint(s.codePointAt(i)!) : "";
}

/** An ASCII letter or digit, or {@link isIdnChar}: the letters a host in free text is made of. */
function isTextHostLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || isIdnChar(c);
}

/**
 * What the wide dot at `i` is in free text, by its two neighbours (one character each side: linear):
 * - {@link WIDE_DOT_LABEL}, a dot between two labels: between two letters, digits or marks a host in free text is
 *   made of (ASCII, Latin, Cyrillic, Greek, Arabic…, full-width `ｅｘａｍｐｌｅ．ｃｏｍ`): `пример。рф`, as a browser reads it.
 * - {@link WIDE_DOT_GLUE}, a dot that joins a host to letters no host in free text holds: `．` and `｡` are no
 *   sentence's punctuation, so `例．аpple.de` is the host `例.аpple.de` (Han in it: none here, as `例.аpple.de` gives
 *   none), not `аpple.de`; likewise any of the three beside a mathematical letter, Hangul or Thai. The host beside it
 *   is cut there, so none is reported (whole or nothing).
 * - {@link WIDE_DOT_NONE} otherwise: not beside two letters (`…рф。` at a sentence's end), or a `。` beside Han or kana,
 *   which ends a Chinese or Japanese sentence and joins nothing to the next word (`下载。evil.com`: evil.com).
 */
export function wideDotKind(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (!isWideDot(c) || i === 0 || i + 1 >= s.length) return WIDE_DOT_NONE;
  if (isTextHostLetter(s.charCodeAt(i - 1)) && isTextHostLetter(s.charCodeAt(i + 1))) return WIDE_DOT_LABEL;
  const before = charBefore(s, i);
  const after = charFrom(s, i + 1);
  if (!ANY_LETTER.test(before) || !ANY_LETTER.test(after)) return WIDE_DOT_NONE;
  if (c === 0x3002 && (CJK_SENTENCE.test(before) || CJK_SENTENCE.test(after))) return WIDE_DOT_NONE;
  return WIDE_DOT_GLUE;
}

const WIDE_DOTS = /[\u3002\uff0e\uff61]/g;

/**
 * `s` as the free-text host scans (dns, an e-mail address's domain) read it: a wide dot between two labels written
 * `.`, one that glues a host to letters no free-text host holds written `_` (a word character that is no host
 * character, so the label beside it is left out, as the one glued to another script's letter is); the others as
 * written. The same length, so offsets hold; `s` itself when nothing changes. Hosts found in the result are written
 * with ASCII dots, as a URL's host is (`пример.рф`). One pass.
 */
export function hostsAsRead(s: string): string {
  WIDE_DOTS.lastIndex = 0;
  let out = "";
  let last = 0;
  for (let m = WIDE_DOTS.exec(s); m; m = WIDE_DOTS.exec(s)) {
    const kind = wideDotKind(s, m.index);
    if (kind === WIDE_DOT_NONE) continue;
    out += s.slice(last, m.index) + (kind === WIDE_DOT_LABEL ? "." : "_");
    last = m.index + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** UTS #46 with the checks a registrable name passes (not the hyphen rule: MSTICPy takes `ab--c.com`). */
const IDNA_STRICT = { checkBidi: true, checkHyphens: false, checkJoiners: true, useSTD3ASCIIRules: true, transitionalProcessing: false, verifyDNSLength: true } as const;

/**
 * The A-label (`xn--…`, or the ASCII a label maps to) of the internationalised
 * label s[start, end), or undefined when IDNA refuses it. Labels past 63
 * characters are refused before tr46 sees them (it is quadratic in a label's length).
 */
export function idnaLabel(s: string, start: number, end: number): string | undefined {
  if (end - start > MAX_LABEL) return undefined;
  const label = s.slice(start, end);
  const hit = labelCache.get(label);
  if (hit !== undefined) return hit || undefined;
  const a = toASCII(label, IDNA_LABEL);
  const out = a && a.length <= MAX_LABEL && !a.includes(".") ? a : undefined;
  remember(labelCache, label, out ?? "");
  return out;
}

/** True when IDNA accepts the whole internationalised name (labels, joiners, bidi rule, DNS length). */
export function isValidIdnName(name: string): boolean {
  if (name.length > MAX_NAME) return false;
  const hit = nameCache.get(name);
  if (hit !== undefined) return hit;
  const ok = toASCII(name, IDNA_STRICT) !== null;
  remember(nameCache, name, ok);
  return ok;
}

/** The whole internationalised name in IDNA's ASCII form (`例え.jp` → `xn--r8jz45g.jp`), or undefined when IDNA refuses it. */
export function idnaName(name: string): string | undefined {
  if (name.length > MAX_NAME) return undefined;
  return toASCII(name, IDNA_STRICT) ?? undefined;
}

const IDNA_LABEL = { ...IDNA_STRICT, checkBidi: false } as const;
/**
 * tr46 costs ~20× the rest of the scan per internationalised name, and logs repeat the same few hosts (a
 * proxy log of one IDN site): each distinct label and name is mapped once. Bounded (cleared when full), so
 * distinct hostile names cost what they cost without the cache.
 */
const labelCache = new Map<string, string>();
const nameCache = new Map<string, boolean>();
const IDNA_CACHE_SIZE = 10_000;
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= IDNA_CACHE_SIZE) cache.clear();
  cache.set(key, value);
}

/** A label of letters, digits and inner hyphens, 1–63 long (s[start, end)). */
function isValidLabel(s: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 1 || len > MAX_LABEL) return false;
  return s.charCodeAt(start) !== 45 && s.charCodeAt(end - 1) !== 45;
}

/** A label that can be a top-level domain: 2–63 letters, or an IDN `xn--` label. */
function isTldShaped(s: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 2 || len > MAX_LABEL) return false;
  let alpha = true;
  for (let i = start; i < end; i++) {
    if (!isAlpha(s.charCodeAt(i))) {
      alpha = false;
      break;
    }
  }
  if (alpha) return true;
  return len > 4 && s.slice(start, start + 4).toLowerCase() === "xn--" && s.charCodeAt(end - 1) !== 45;
}

const tldCache = new Map<string, boolean>();

/**
 * True when `tld` (one label, any case) is a top-level domain of the ICANN
 * section of the Public Suffix List. Results are cached per label: there are
 * only ~1,500 real ones, and the cache is bounded for the rest.
 */
export function isIcannTld(tld: string): boolean {
  const key = tld.toLowerCase();
  const hit = tldCache.get(key);
  if (hit !== undefined) return hit;
  // A wildcard rule (`*.ck`) makes "example.ck" itself a suffix: still ICANN.
  const parsed = parseDomain(`example.${key}`, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
  const ok = parsed.isIcann === true;
  if (tldCache.size > 10_000) tldCache.clear();
  tldCache.set(key, ok);
  return ok;
}

/** True when the whole of `name` is a domain name whose TLD is real (or any TLD-shaped label when `ignoreTlds`). */
export function isValidDomain(name: string, ignoreTlds = false): boolean {
  if (name.length < 3 || name.length > MAX_NAME) return false;
  const found: number[] = [];
  domainsInRun(name, 0, name.length, ignoreTlds, found, true);
  return found.length === 2 && found[0] === 0 && found[1] === name.length;
}

/** Reused by {@link domainsInRun}: label starts of the current stretch (no allocation per call). */
let labelStarts = new Int32Array(256);

/**
 * Appends `[from, to)` pairs to `out` for each domain inside the host-name run
 * s[start, end). The run is split at dots into labels; a stretch of valid
 * labels ends at an invalid one (empty, too long, edge hyphen). Within a
 * stretch the domain runs up to its last TLD-shaped label (MSTICPy's greedy
 * match), keeping at most 127 labels and 253 characters from the right, and
 * counts only if its TLD is real. With `anchored`, only a stretch starting at
 * `start` counts (the domain of an e-mail address).
 */
export function domainsInRun(s: string, start: number, end: number, ignoreTlds: boolean, out: number[], anchored = false): void {
  let count = 0; // labels in the current stretch
  let tldCount = 0; // labels up to and including the stretch's last TLD-shaped label
  let tldStart = -1;
  let tldEnd = -1;
  let tldLabel: string | undefined; // the TLD's A-label, when it is internationalised
  let wideStart = -1; // start of the stretch's last internationalised label
  let tldWideStart = -1; // …up to its TLD
  let labelStart = start;
  let wide = false; // the current label has a non-ASCII character
  for (let i = start; i <= end; i++) {
    const c = s.charCodeAt(i);
    if (i < end && c !== 46) {
      if (c >= 128) wide = true;
      continue;
    }
    // An internationalised label is checked as its A-label (IDNA), with the rules of ASCII labels.
    const a = wide ? idnaLabel(s, labelStart, i) : undefined;
    if (wide ? a !== undefined && isValidLabel(a, 0, a.length) : isValidLabel(s, labelStart, i)) {
      if (count === labelStarts.length) {
        const grown = new Int32Array(count * 2);
        grown.set(labelStarts);
        labelStarts = grown;
      }
      labelStarts[count++] = labelStart;
      if (wide) wideStart = labelStart;
      if (count >= 2 && (a !== undefined ? isTldShaped(a, 0, a.length) : isTldShaped(s, labelStart, i))) {
        tldCount = count;
        tldStart = labelStart;
        tldEnd = i;
        tldLabel = a;
        tldWideStart = wideStart;
      }
    } else {
      if (tldCount >= 2) finishStretch(s, tldCount, tldStart, tldEnd, tldLabel, tldWideStart, ignoreTlds, out);
      if (anchored) return;
      count = 0;
      tldCount = 0;
      wideStart = -1;
    }
    labelStart = i + 1;
    wide = false;
  }
  if (tldCount >= 2) finishStretch(s, tldCount, tldStart, tldEnd, tldLabel, tldWideStart, ignoreTlds, out);
}

function finishStretch(s: string, tldCount: number, tldStart: number, tldEnd: number, tldLabel: string | undefined, wideStart: number, ignoreTlds: boolean, out: number[]): void {
  let first = 0;
  while (tldCount - first > MAX_LABELS || tldEnd - labelStarts[first] > MAX_NAME) first++;
  if (tldCount - first < 2) return;
  if (!ignoreTlds && !isIcannTld(tldLabel ?? s.slice(tldStart, tldEnd))) return;
  // An internationalised name passes IDNA as a whole too (the bidi rule and the DNS length are the name's).
  if (wideStart >= labelStarts[first] && !isValidIdnName(s.slice(labelStarts[first], tldEnd))) return;
  out.push(labelStarts[first], tldEnd);
}

/**
 * Letters, digits and marks of any script, and `_`: characters a host-name
 * label or an address cannot be cut from. Except scripts written without
 * spaces between words (Han, kana, Thai…) and Hangul, whose particles attach
 * to the word before: `访问evil.com`, `来自10.0.0.1的`, `10.0.0.1에서` mention them.
 */
export const WORD_GLUE = new RegExp(`^(?![${SPACELESS}])[\\p{L}\\p{N}\\p{M}_]$`, "u");

/** True when the character at `i` (UTF-16 index; a surrogate pair read whole) is {@link WORD_GLUE}. ASCII letters and digits never reach here. */
function gluedAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 95) return true;
  if (c < 128) return false;
  const at = c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i;
  return WORD_GLUE.test(String.fromCodePoint(s.codePointAt(at) ?? c));
}

/**
 * Appends `[from, to)` pairs to `out` for every domain in `s`: host-name runs
 * are found from each dot outwards, so the cost is linear in the length of `s`.
 * A run that follows a percent escape (`%2Fevil.com`) loses the escape's two
 * hex digits, and its first label too when the escape is of a label character
 * (`ev%69l.com`: no `l.com`).
 */
export function scanDomains(s: string, ignoreTlds: boolean, out: number[]): void {
  const n = s.length;
  let from = 0;
  for (;;) {
    const dot = s.indexOf(".", from);
    if (dot < 0) return;
    let start = dot;
    while (start > from && isNameRunChar(s.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    while (end < n && isNameRunChar(s.charCodeAt(end))) end++;
    if (start >= 1 && s.charCodeAt(start - 1) === 37 && start + 2 < end && isHexDigit(s.charCodeAt(start)) && isHexDigit(s.charCodeAt(start + 1))) {
      start += 2;
      // An escaped letter, digit or hyphen is part of the label (`ev%69l.com` is evil.com, not l.com): that label is cut.
      if (isLabelChar(parseInt(s.slice(start - 2, start), 16))) start = s.indexOf(".", start) + 1;
    }
    from = end;
    // A label glued to a letter of another script or to `_` is part of a longer word: `micrоsoft.com` with a
    // Cyrillic о is no mention of soft.com, `bücher.de` none of cher.de. That edge label is left out.
    if (start > 0 && gluedAt(s, start - 1)) start = s.indexOf(".", start) + 1;
    if (end < n && gluedAt(s, end)) end = s.lastIndexOf(".", end - 1);
    if (end > start) domainsInRun(s, start, end, ignoreTlds, out);
  }
}
