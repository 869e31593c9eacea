/**
 * The built-in indicator types: for each, a scanner that finds its observables
 * in one (refanged) string, its priority, and a prefilter in polars' regex
 * dialect that every string holding such an observable matches (so whole
 * columns can be screened natively before any JavaScript runs).
 *
 * Scanners are linear in the length of their input: bounded regexes (a fixed
 * maximum match width, or a look-behind that rejects every start but the first
 * of a run), or forward scans over character codes for the unbounded shapes
 * (domains, URLs, e-mail addresses, paths). See the tests with 1 MB crafted
 * strings.
 *
 * The table is the one indicator model of huntlab: extraction scans with it,
 * whole values are classified with it (`classifyObservable`: IoCExtract's
 * `getIocType` and TILookup), and custom types join it through a registry.
 */
import ipaddr from "ipaddr.js";
import { refang } from "./defang";
import { domainsInRun, hostsAsRead, idnaLabel, idnaName, isIdnChar, isLabelChar, isNameRunChar, isValidDomain, isValidIdnName, isWholeNameChar, isWideDot, scanDomains, WIDE_DOT_GLUE, WIDE_DOT_NONE, wideDotKind, WORD_GLUE } from "./domains";

/** The indicator types huntlab knows, in MSTICPy's scan order. */
export const BUILTIN_IOC_TYPES = [
  "ipv4",
  "ipv6",
  "dns",
  "url",
  "email",
  "windows_path",
  "linux_path",
  "md5_hash",
  "sha1_hash",
  "sha256_hash",
] as const;

/** One of {@link BUILTIN_IOC_TYPES}. */
export type BuiltinIocType = (typeof BUILTIN_IOC_TYPES)[number];

/** Where scanners report what they find, and what they may look at. */
export interface ScanSink {
  /** The (refanged) text being scanned. */
  readonly text: string;
  /** Accept any TLD-shaped top-level domain, not only real ones. */
  readonly ignoreTlds: boolean;
  /** Report each URL's host name as a `dns` observable too (MSTICPy does). */
  readonly urlHostAsDns: boolean;
  /**
   * Records an observable found at offset `at` of `text` (the offset says which
   * row it belongs to when many rows are scanned as one text, NUL-separated).
   */
  add(type: string, value: string, priority: number, at: number): void;
  /** The URLs of `text` (computed once, shared by the URL, e-mail and path scanners). */
  urls(): readonly UrlSpan[];
}

/** A built-in type: how to find it, and how it ranks. */
export interface IocTypeDefinition {
  name: string;
  /** Lower wins when two types match the same string (MSTICPy's priorities). */
  priority: number;
  /**
   * A regex (polars/Rust dialect) that every text holding an observable of this
   * type matches, for a vectorised screen of a column; undefined = scan every row.
   */
  prefilter?: string;
  /**
   * True when the scanner never matches across a NUL character, so that it
   * could run over many rows joined by NULs at once. The built-in scanners are
   * so; patterns added by users may not be. (Informational: column scans now
   * go cell by cell, which costs less than joining rows and mapping hits back.)
   */
  bulk?: boolean;
  scan(sink: ScanSink): void;
  /**
   * True when the whole of `value` (trimmed, refanged) is an observable of this
   * type. Default: the scanner reports exactly `value`. Built-ins check directly
   * (faster, and a whole value may be what no scanner finds in text: `::ffff:1.2.3.4`,
   * a fully-qualified `evil.com.`).
   */
  isWhole?(value: string, ignoreTlds: boolean): boolean;
}

const PRIORITY = { ipv4: 0, ipv6: 0, url: 0, email: 1, hash: 1, dns: 2, windows_path: 3, linux_path: 4 } as const;

// ---------------------------------------------------------------- IP addresses

// Four dotted decimal groups, not inside a longer dotted number (`1.2.3.4.5`, `11.2.3.4` within `211.2.3.4`);
// a match glued to a word is dropped after (addressGlued): MSTICPy reports `v1.2.3.4` as 1.2.3.4.
const IPV4 = /(?<![0-9.])([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?![0-9]|\.[0-9])/g;

/** 0–255 without leading zeros (`010` is octal to some parsers and a date part to others). */
function isOctet(s: string): boolean {
  if (s.length > 1 && s.charCodeAt(0) === 48) return false;
  return Number(s) <= 255;
}

/** True for a dotted-quad IPv4 address with valid octets. */
export function isIpv4(s: string): boolean {
  const c = s.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || s.length > 15) return false;
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && isOctet(p));
}


/**
 * True when the character at `i` glues an address to a longer word
 * ({@link WORD_GLUE}; the rule of domains.ts's `gluedAt`, which cuts a
 * label glued so, with ASCII letters and digits included: an address has no
 * letter label to cut). A surrogate pair is read whole; outside the text, false.
 */
function addressGluedAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  if (c < 128) return isAlphaNum(c) || c === 95;
  const at = c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i;
  return WORD_GLUE.test(String.fromCodePoint(s.codePointAt(at) ?? c));
}

/** True when the match s[start, end) is part of a longer word (`v1.2.3.4`, `abc10.0.0.1`, `10.0.0.1abc`). */
function addressGlued(s: string, start: number, end: number): boolean {
  return addressGluedAt(s, start - 1) || addressGluedAt(s, end);
}

function scanIpv4(sink: ScanSink): void {
  const { text } = sink;
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m; m = IPV4.exec(text)) {
    if (addressGlued(text, m.index, m.index + m[0].length)) continue;
    if (isOctet(m[1]) && isOctet(m[2]) && isOctet(m[3]) && isOctet(m[4])) sink.add("ipv4", m[0], PRIORITY.ipv4, m.index);
  }
}

// MSTICPy's shape (2–8 colon-separated hex groups, not touching `:`, `.` or a word
// character; here a `.` that ends a sentence may follow, as after an IPv4 address,
// but not one of `::ffff:1.2.3.4`); every candidate is then checked by a real IPv6
// parser, so times (`12:34:56`) and MAC addresses are not reported.
// Up to 8 `x:` groups, not MSTICPy's 7: `1:2:3:4:5:6:7::` and `::2:3:4:5:6:7:8` are valid (RFC 4291).
const IPV6 = /(?<![:.\w])(?:[0-9a-f]{0,4}:){2,8}[0-9a-f]{0,4}(?![:\w]|\.\w)/gi;

/** True for an IPv6 address with at least one hex digit (`::` alone is not an indicator). */
export function isIpv6(s: string): boolean {
  return /[0-9a-f]/i.test(s) && ipaddr.IPv6.isValid(s);
}

function scanIpv6(sink: ScanSink): void {
  const { text } = sink;
  IPV6.lastIndex = 0;
  for (let m = IPV6.exec(text); m; m = IPV6.exec(text)) {
    // The regex keeps ASCII word characters off both ends; this, letters of other scripts (`äfe80::1`).
    if (isIpv6(m[0]) && !addressGlued(text, m.index, m.index + m[0].length)) sink.add("ipv6", m[0], PRIORITY.ipv6, m.index);
  }
}

// ---------------------------------------------------------------- domains

const domainSpans: number[] = []; // reused: [from, to) pairs

function scanDns(sink: ScanSink): void {
  // IDNA's other dots part labels here too (`пример。рф`, `ｅｘａｍｐｌｅ．ｃｏｍ`: reported `пример.рф`, `ｅｘａｍｐｌｅ.ｃｏｍ`),
  // by the rule of hostsAsRead: a host is found whole or not at all (`ü。аpple.de` gave `аpple.de`).
  const text = hostsAsRead(sink.text);
  domainSpans.length = 0;
  scanDomains(text, sink.ignoreTlds, domainSpans);
  for (let i = 0; i < domainSpans.length; i += 2) sink.add("dns", text.slice(domainSpans[i], domainSpans[i + 1]), PRIORITY.dns, domainSpans[i]);
}

// ---------------------------------------------------------------- URLs

/** Schemes MSTICPy recognises (defanged forms are refanged before scanning). */
const SCHEMES = new Set(["http", "https", "ftp", "ftps", "sftp", "sftps", "telnet", "ldap", "file"]);
const MAX_SCHEME = 6;
/** Embedded URLs (redirect targets) looked for inside one URL: a bound that keeps crafted input linear. */
const MAX_EMBEDDED = 8;

/** A URL found in a text: offsets of the whole, its authority and its host. */
export interface UrlSpan {
  start: number;
  end: number;
  /** Start of the authority (just after `://`). */
  authority: number;
  hostStart: number;
  hostEnd: number;
}

function isAlphaNum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
/** `%XX` at i. */
function isEscape(s: string, i: number): boolean {
  return s.charCodeAt(i) === 37 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2));
}

/** A set of ASCII characters as a lookup table (faster than a Set in the scanners' inner loops). */
class CharSet {
  private readonly table = new Uint8Array(128);
  constructor(chars: string) {
    for (const c of chars) this.table[c.charCodeAt(0)] = 1;
  }
  has(code: number): boolean {
    return code < 128 && this.table[code] === 1;
  }
}

// RFC 3986 character sets, as MSTICPy uses them.
const SUB_DELIMS = "!$&'()*+,;=";
const USERINFO_EXTRA = new CharSet("-._~" + SUB_DELIMS + ":");
const QUERY_EXTRA = new CharSet("-._~" + SUB_DELIMS + ":/?@");
// Hosts: unreserved characters only (sub-delimiters are legal in a reg-name but
// never in a DNS name, and would swallow the `,` or `'` after a URL).
const HOST_EXTRA = new CharSet("-._~");
/** Schemes whose URLs WHATWG parses with `\` as `/` ("special" schemes). */
const BACKSLASH_IS_SLASH: ReadonlySet<string> = new Set(["http", "https", "ftp", "ws", "wss"]);
const PATH_STOP = new CharSet("?#\"<>\0");

/**
 * Scans a host name from i: {@link HOST_EXTRA} and `%XX` escapes, letters of internationalised names (`bücher.de`), and
 * IDNA's other dots between two such letters or digits (`http://пример。рф/`, full-width `http://ｅｖｉｌ．ｃｏｍ/`:
 * browsers read them as dots; refang already makes a dot of one between ASCII letters or digits, and a sentence's `。`
 * after a host is no part of it). Returns the end.
 */
function scanHost(s: string, i: number): number {
  for (;;) {
    i = scanClass(s, i, HOST_EXTRA);
    const c = s.charCodeAt(i);
    if (i < s.length && isIdnChar(c)) i++;
    // (Before another dot too: `ü。。de` is then one host with an empty label, no URL, rather than `http://ü`.)
    else if (isWideDot(c) && isHostLetter(s.charCodeAt(i - 1)) && (isHostLetter(s.charCodeAt(i + 1)) || isLabelDot(s.charCodeAt(i + 1)))) i++;
    else return i;
  }
}

/** An ASCII letter or digit, or a letter, digit or mark of an internationalised label (the two sides of a host's wide dot). */
function isHostLetter(c: number): boolean {
  return isAlphaNum(c) || isIdnChar(c);
}

/** IDNA's other dots ({@link isWideDot}), each. */
const ANY_WIDE_DOT = /[\u3002\uff0e\uff61]/g;

/** `host` with IDNA's other dots written `.`, as a browser reads them (the URL and `dns` observables a host gives). */
function withAsciiDots(host: string): string {
  return host.replace(ANY_WIDE_DOT, ".");
}

/** Scans characters of a class (plus `%XX` escapes) from i; returns the end. */
function scanClass(s: string, i: number, extra: CharSet): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isAlphaNum(c) || extra.has(c)) i++;
    else if (isEscape(s, i)) i += 3;
    else break;
  }
  return i;
}

/** A letter, digit or mark of any script (a user name's, `http://ｕｓｅｒ@host/`, `http://иван@host/`). */
const USER_LETTER = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * Scans user info from i: RFC 3986's characters, `%XX` escapes, and letters, digits and marks of any script (WHATWG
 * URL takes them, percent-encoded: a full-width or Cyrillic user name ended the URL at its `@`, `http://ｕｓｅｒ`
 * reported with host `ｕｓｅｒ`). Returns the end; each character is looked at once.
 */
function scanUserInfo(s: string, i: number): number {
  for (;;) {
    i = scanClass(s, i, USERINFO_EXTRA);
    if (!(s.charCodeAt(i) >= 128)) return i; // ASCII, or the end (NaN)
    const c = s.codePointAt(i)!;
    if (!USER_LETTER.test(String.fromCodePoint(c))) return i;
    i += c > 0xffff ? 2 : 1;
  }
}

/** A closing quote that ends a quotation, not a URL or path: a backtick, typographic quotes and guillemets (`“…”`, `„…“`, `«…»`, `»…«`). */
function isClosingQuote(c: number): boolean {
  return c === 96 || c === 0xab || c === 0xbb || c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d || c === 0x2039 || c === 0x203a;
}

/**
 * The closing quotes of the opening quote `c` (one, or two where usage varies: German `„…“`, Polish `„…”`), or
 * undefined when `c` opens no quotation: `“…”`, `‘…’`, `«…»`, `‹…›`, `„…“`, `‚…‘`, `「…」`, `『…』`, and `»…«`, `›…‹`.
 */
/** A letter or digit of any script (the character after an apostrophe inside a word). */
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function closingQuotesOf(c: number): readonly [number, number] | undefined {
  switch (c) {
    case 0x201c: return [0x201d, 0x201d];
    case 0x2018: return [0x2019, 0x2019];
    case 0xab: return [0xbb, 0xbb];
    case 0xbb: return [0xab, 0xab];
    case 0x2039: return [0x203a, 0x203a];
    case 0x203a: return [0x2039, 0x2039];
    case 0x201e: return [0x201c, 0x201d];
    case 0x201a: return [0x2018, 0x2019];
    case 0x300c: return [0x300d, 0x300d];
    case 0x300e: return [0x300f, 0x300f];
    default: return undefined;
  }
}

/** Open minus closed brackets of a span, by kind. */
interface BracketBalance {
  paren: number;
  square: number;
  curly: number;
}

/** Bracket balance of s[start, end), `(`, `[` and `{` counting one up and their partners one down. */
function bracketBalance(s: string, start: number, end: number): BracketBalance {
  const b = { paren: 0, square: 0, curly: 0 };
  for (let i = start; i < end; i++) {
    switch (s.charCodeAt(i)) {
      case 40: b.paren++; break;
      case 41: b.paren--; break;
      case 91: b.square++; break;
      case 93: b.square--; break;
      case 123: b.curly++; break;
      case 125: b.curly--; break;
    }
  }
  return b;
}

/**
 * The end of s[.., end) without what ends a sentence or a quotation after it:
 * characters `trailing` accepts, closing quotes, and closing brackets without a
 * partner in s[spanStart, end), never before `minEnd`. The balance is counted
 * once (crafted `))))…` stays linear), and only when a closing bracket ends it.
 */
function trimEnd(s: string, spanStart: number, minEnd: number, end: number, trailing: (c: number) => boolean): number {
  let balance: BracketBalance | undefined;
  while (end > minEnd) {
    const c = s.charCodeAt(end - 1);
    if (trailing(c) || isClosingQuote(c)) {
      end--;
      continue;
    }
    if (c !== 41 && c !== 93 && c !== 125) break;
    balance ??= bracketBalance(s, spanStart, end);
    if (c === 41 && balance.paren < 0) balance.paren++;
    else if (c === 93 && balance.square < 0) balance.square++;
    else if (c === 125 && balance.curly < 0) balance.curly++;
    else break;
    end--;
  }
  return end;
}

/**
 * Sentence punctuation after a URL, and a `\`: in JSON or a shell string it escapes the quote after the URL
 * (`"http://evil.com\"`).
 */
function isUrlTrailing(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 39 || c === 34 || c === 42 || c === 92;
}

/** Trailing characters that end a sentence rather than a URL: punctuation, closing quotes, and closing brackets without a partner. */
function trimTrailing(s: string, start: number, end: number, minEnd: number): number {
  return trimEnd(s, start, minEnd, end, isUrlTrailing);
}

/**
 * Parses the URL whose `://` is at `sep`, or undefined. The scheme is the
 * longest known scheme ending at `sep`; then user info, host, port, path,
 * query and fragment, each from its RFC 3986 character set (MSTICPy's);
 * trailing sentence punctuation and unbalanced closing brackets are dropped.
 */
export function parseUrlAt(s: string, sep: number): UrlSpan | undefined {
  let letters = 0;
  while (letters < MAX_SCHEME && sep - letters > 0 && isAlpha(s.charCodeAt(sep - letters - 1))) letters++;
  let start = -1;
  for (let len = letters; len >= 3; len--) {
    if (SCHEMES.has(s.slice(sep - len, sep).toLowerCase())) {
      start = sep - len;
      break;
    }
  }
  if (start < 0) return undefined;
  const scheme = s.slice(start, sep).toLowerCase();
  const authority = sep + 3;
  const n = s.length;
  // User info, when an `@` follows it; up to the last `@` of the authority, as browsers (WHATWG URL) read it:
  // `http://user@bank.com@evil.com/x` goes to evil.com (its first `@` made bank.com the host).
  let hostStart = authority;
  let ui = scanUserInfo(s, authority);
  while (ui < n && s.charCodeAt(ui) === 64) {
    hostStart = ui + 1;
    ui = scanUserInfo(s, hostStart);
  }
  // A full-width at sign in the authority (`http://user＠evil.com/`): WHATWG URL takes it into the host, where IDNA makes
  // it a forbidden `@`, so no browser opens it. No URL (it was cut to `http://user`, another host).
  if (s.charCodeAt(ui) === 0xff20) return undefined;
  let hostEnd: number;
  if (s.charCodeAt(hostStart) === 91) {
    // [IPv6 literal]: at most 64 characters to the `]`.
    let close = hostStart + 1;
    while (close < n && close - hostStart <= 64 && s.charCodeAt(close) !== 93) close++;
    if (s.charCodeAt(close) !== 93) return undefined;
    hostEnd = close + 1;
  } else {
    hostEnd = scanHost(s, hostStart);
    // An escaped `/`, `?`, `#`, `:` or `\` ends the host (`http://evil.com%2Fpayload.sh`): the rest is read as a
    // path, and the decoded URL is found again (scanUrl). The whole run decoded was no host name: the URL was lost.
    for (let k = hostStart; k < hostEnd; k++) {
      if (isEscapedDelimiter(s, k)) {
        hostEnd = k;
        break;
      }
    }
  }
  // Check the host before scanning further: a path may run to the end of the
  // text, and `http://http://…` must not rescan it for every `://`.
  let nameEnd = hostEnd;
  while (nameEnd > hostStart && s.charCodeAt(nameEnd - 1) === 46) nameEnd--; // `evil.com./` is `evil.com`
  if (!isValidUrlHost(s.slice(hostStart, nameEnd), scheme)) return undefined;
  // Read whole when a surrogate pair: a letter of a supplementary plane (mathematical bold `𝐱`) after the host made
  // `http://evil.com𝐱/` the URL `http://evil.com` (a browser goes to evil.comx).
  if (hostEnd < n && s.charCodeAt(hostEnd) > 127 && WORD_CHAR.test(String.fromCodePoint(s.codePointAt(hostEnd)!))) return undefined;
  // Likewise a wide dot that joins the host to letters no free-text host holds (`http://evil．例/`: a browser goes to
  // evil.例): whole or nothing, as in domains (a sentence's `。` before Han or kana ends the host).
  if (wideDotKind(s, hostEnd) === WIDE_DOT_GLUE) return undefined;
  let i = hostEnd;
  if (s.charCodeAt(i) === 58) {
    i++;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  }
  // The path starts at a `/`, or at an escaped delimiter after the host or port (`evil.com:8080%2Fx`, `[::1]%2Fx`),
  // or at a `\` in a web URL, which browsers read as `/` (`http://evil.com%5Cx.exe` decoded: the path was dropped).
  if (s.charCodeAt(i) === 47 || isEscapedDelimiter(s, i) || (s.charCodeAt(i) === 92 && BACKSLASH_IS_SLASH.has(scheme))) {
    // A URL quoted with typographic quotes ends at the closing one (`“https://a/x”,“https://b/y”` are two URLs);
    // unquoted, a `’` stays in its path (`https://a/l’été`).
    const [close1, close2] = (start > 0 && closingQuotesOf(s.charCodeAt(start - 1))) || [-1, -1];
    i++;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (PATH_STOP.has(c) || isSpace(c)) break;
      // ’ closing ‘…’ is also the apostrophe: between letters or digits (`‘https://x/don’t-click’`) it stays in the path.
      if ((c === close1 || c === close2) && !(c === 0x2019 && i + 1 < n && LETTER_OR_DIGIT.test(s[i + 1]))) break;
      i++;
    }
  }
  if (s.charCodeAt(i) === 63) i = scanClass(s, i + 1, QUERY_EXTRA);
  if (s.charCodeAt(i) === 35) i = scanClass(s, i + 1, QUERY_EXTRA);
  const end = trimTrailing(s, start, i, authority);
  if (end < nameEnd) {
    // Trimming reached into the host (`http://evil.com.`): check what is left.
    nameEnd = end;
    while (nameEnd > hostStart && s.charCodeAt(nameEnd - 1) === 46) nameEnd--;
    if (!isValidUrlHost(s.slice(hostStart, nameEnd), scheme)) return undefined;
  }
  return { start, end, authority, hostStart, hostEnd: nameEnd };
}

/** An escaped delimiter, which ends a host run: `%2F`, `%3f`, `%23`, `%3A`, `%5C`. */
const ESCAPED_DELIMITER = /^%(?:2f|3f|23|3a|5c)$/i;

function isEscapedDelimiter(s: string, at: number): boolean {
  return s.charCodeAt(at) === 37 && ESCAPED_DELIMITER.test(s.slice(at, at + 3));
}

/**
 * A URL's host: an IPv4 address, an `[IPv6]` literal, or a host name of one or
 * more labels with any suffix — intranet URLs (`http://badguyserver/pwnme`,
 * `http://files.corp/x.sct`) are real attack URLs. The public-suffix check is
 * for `dns` observables, not URL hosts. A host whose last label is a number
 * (decimal or `0x` hex) must be an IPv4 address as WHATWG URL parses one
 * (`http://1.2.3/` is 1.2.0.3, `http://2130706433/` 127.0.0.1), else it is no
 * URL (`http://999.1.1.1/`, `http://0x100000000/`, `http://1.2.3.4.0x5/`).
 */
function isValidUrlHost(host: string, scheme: string): boolean {
  if (host === "") return scheme === "file";
  // The unspecified `[::]` too: a server's listening URL (bare `::` is no indicator in text, see isIpv6).
  if (host.startsWith("[")) return ipaddr.IPv6.isValid(host.slice(1, -1));
  const name = host.includes("%") ? percentDecode(host) : host;
  if (isIpv4(name)) return true;
  // WHATWG URL: a host whose last label is a number is an IPv4 address or no host at all — 0x7f.0.0.1, 0177.0.0.1,
  // 127.1, 2130706433 reach 127.0.0.1 (an attacker's way of hiding one), while 0x1ffffffff (past 2^32 - 1),
  // 1.2.3.4.0x5 (five parts), 1.0x100.3.4 (a part past 255) and evil.0x5 fail the parse: no URL a browser opens.
  const numeric = numericHost(name);
  if (numeric !== undefined) return isIpv4(numeric) || obfuscatedIpv4Host(numeric) !== undefined;
  return isHostName(name);
}

/** A label separator: `.`, and IDNA's ideographic, full-width and half-width dots (`。`, `．`, `｡`). */
function isLabelDot(c: number): boolean {
  return c === 46 || isWideDot(c);
}

const LAST_LABEL_NAME = 0;
const LAST_LABEL_NUMBER = 1;
const LAST_LABEL_NON_ASCII = 2;

/**
 * WHATWG URL's "ends in a number" on the last label of `host` (a final dot aside): decimal digits, or `0x` and hex
 * digits (`0x` alone is 0); or {@link LAST_LABEL_NON_ASCII} when it has a non-ASCII character (IDNA maps it first).
 * Character codes only: no copy, no regex (every URL host goes through it).
 */
function lastLabelKind(host: string): number {
  let end = host.length;
  if (end > 0 && isLabelDot(host.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && !isLabelDot(host.charCodeAt(start - 1))) start--;
  if (start === end) return LAST_LABEL_NAME;
  for (let i = start; i < end; i++) if (host.charCodeAt(i) >= 128) return LAST_LABEL_NON_ASCII;
  const hex = end - start >= 2 && host.charCodeAt(start) === 48 && (host.charCodeAt(start + 1) | 32) === 120;
  for (let i = hex ? start + 2 : start; i < end; i++) if (!(hex ? isHex(host.charCodeAt(i)) : isDigit(host.charCodeAt(i)))) return LAST_LABEL_NAME;
  return LAST_LABEL_NUMBER;
}

/** True when `host` (ASCII) ends in a number, so that WHATWG URL parses it as IPv4 only. */
function endsInNumber(host: string): boolean {
  return lastLabelKind(host) === LAST_LABEL_NUMBER;
}

/**
 * The ASCII form of a host that ends in a number, to be parsed as IPv4 (WHATWG URL: such a host is an address or
 * no host at all), or undefined for a name. A last label with non-ASCII characters is read in the name's IDNA ASCII
 * form, as WHATWG does (full-width `１２７.０.０.１` is 127.0.0.1, `０ｘ７ｆ.１` 0x7f.1).
 */
function numericHost(host: string): string | undefined {
  const kind = lastLabelKind(host);
  if (kind === LAST_LABEL_NUMBER) return host;
  if (kind === LAST_LABEL_NAME) return undefined;
  const ascii = idnaName(isLabelDot(host.charCodeAt(host.length - 1)) ? host.slice(0, -1) : host);
  return ascii !== undefined && endsInNumber(ascii) ? ascii : undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The longest host tried as another IPv4 notation (`0x000000007f.0x00000000.0.01` would still fit). */
const MAX_NUMERIC_HOST = 64;

/**
 * The dotted quad a URL host written as another IPv4 notation stands for, as browsers read it (WHATWG URL, through
 * `new URL`: no parser of our own): hex (`0x7f.0.0.1`, `0x7f000001`), octal (`0177.0.0.1`), fewer parts
 * (`127.1`, `10.258`) or one number (`2130706433`), all 127.0.0.1 or 10.0.1.2; undefined for a dotted quad as
 * written, a host name, or numbers no browser takes (`999.1.1.1`, `1.2.3.4.5`, `0x100000000`). Only digits, hex, `x` and dots,
 * at most 64 of them: linear and bounded.
 */
export function obfuscatedIpv4Host(host: string): string | undefined {
  if (host.length > MAX_NUMERIC_HOST || !/^[0-9a-fA-FxX.]+$/.test(host) || isIpv4(host)) return undefined;
  // WHATWG reads a host as IPv4 only when its last label (a final dot aside) is a number: `0xbad.com`, `cafe.be` stay names.
  if (!endsInNumber(host)) return undefined;
  const labels = host.endsWith(".") ? host.slice(0, -1).split(".") : host.split(".");
  // More than four parts, or an empty one, is no address to WHATWG either: said here, without the cost of a thrown
  // TypeError (a version-like `http://1.2.3.4.5/` in every row made extraction 6× slower).
  if (labels.length > 4 || labels.includes("")) return undefined;
  try {
    const hostname = new URL(`http://${host}/`).hostname;
    return isIpv4(hostname) ? hostname : undefined;
  } catch {
    return undefined;
  }
}

/** Letters, digits, inner `-` and `_` (NetBIOS names have them), 1–63 long; an internationalised label as IDNA has it. */
function isHostLabel(s: string, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 63) return false;
  for (let i = start; i < end; i++) if (s.charCodeAt(i) >= 128) return idnaLabel(s, start, end) !== undefined;
  if (!isAlphaNum(s.charCodeAt(start)) || !isAlphaNum(s.charCodeAt(end - 1))) return false;
  for (let i = start + 1; i < end - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlphaNum(c) && c !== 45 && c !== 95) return false;
  }
  return true;
}

/** A host name of one or more labels, at most 253 characters (see {@link isValidUrlHost} for numbers). */
function isHostName(name: string): boolean {
  if (name.length < 1 || name.length > 253) return false;
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && !isLabelDot(name.charCodeAt(i))) continue;
    if (!isHostLabel(name, start, i)) return false;
    start = i + 1;
  }
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(name) || isValidIdnName(name);
}

/** A letter or digit of any script (a host cut short by one is not a host: `http://bücher.de`). */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Percent-decodes runs of `%XX` as UTF-8; invalid sequences stay as written. */
export function percentDecode(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** Every URL in `s` (non-overlapping, left to right). */
export function findUrls(s: string): UrlSpan[] {
  const spans: UrlSpan[] = [];
  let from = 0;
  for (;;) {
    const sep = s.indexOf("://", from);
    if (sep < 0) return spans;
    const span = parseUrlAt(s, sep);
    if (span) {
      spans.push(span);
      from = Math.max(span.end, sep + 3);
    } else {
      from = sep + 3;
    }
  }
}

/** URLs embedded in the URL s[span] (a redirect target in its query), at most MAX_EMBEDDED. */
function embeddedUrls(s: string, span: UrlSpan): UrlSpan[] {
  const found: UrlSpan[] = [];
  let from = span.authority;
  while (found.length < MAX_EMBEDDED) {
    const sep = s.indexOf("://", from);
    if (sep < 0 || sep >= span.end) break;
    const inner = parseUrlAt(s, sep);
    if (inner) found.push(inner);
    from = sep + 3;
  }
  return found;
}

/** Reports a URL (and its host as `dns`); `at` is where the URL found in the scanned text starts. */
function addUrl(sink: ScanSink, s: string, span: UrlSpan, at: number): void {
  // A host's wide dots are reported as dots (`http://пример。рф/` as `http://пример.рф/`), as refang writes those
  // between ASCII letters: the URL a browser opens.
  const written = s.slice(span.hostStart, span.hostEnd);
  const dotted = withAsciiDots(written);
  sink.add("url", dotted === written ? s.slice(span.start, span.end) : s.slice(span.start, span.hostStart) + dotted + s.slice(span.hostEnd, span.end), PRIORITY.url, at);
  if (sink.urlHostAsDns) {
    const host = percentDecode(dotted);
    if (host.startsWith("[") || isIpv4(host)) return;
    // A host in another IPv4 notation (`http://0x7f.0.0.1/`, full-width `http://１２７.０.０.１/`) is the address it
    // reaches, dotted (the ipv4 scanner finds a dotted host in the text itself); the row's Input keeps it as written.
    const numeric = numericHost(host);
    const reached = numeric === undefined ? undefined : isIpv4(numeric) ? numeric : obfuscatedIpv4Host(numeric);
    if (reached !== undefined) sink.add("ipv4", reached, PRIORITY.ipv4, at);
    // Only names the dns type accepts: an intranet URL's `server` is no `dns` observable.
    else if (isValidDomain(host, sink.ignoreTlds)) sink.add("dns", host, PRIORITY.dns, at);
  }
}

function scanUrl(sink: ScanSink): void {
  const { text } = sink;
  for (const span of sink.urls()) {
    addUrl(sink, text, span, span.start);
    for (const inner of embeddedUrls(text, span)) addUrl(sink, text, inner, span.start);
    // MSTICPy's URL decoding: the percent-decoded URL is scanned again (here from
    // its start; MSTICPy resumes at an offset that belongs to the undecoded text).
    // The user part stays as written: its `%40` decoded made another host of the password (`http://user:p@ss`).
    const raw = text.slice(span.start, span.end);
    const user = span.hostStart - span.start;
    const decoded = raw.slice(0, user) + percentDecode(raw.slice(user));
    if (decoded !== raw) {
      for (const d of findUrls(decoded)) {
        addUrl(sink, decoded, d, span.start);
        for (const inner of embeddedUrls(decoded, d)) addUrl(sink, decoded, inner, span.start);
      }
    }
  }
}

// ---------------------------------------------------------------- e-mail

// RFC 5322 atext and dots, without `/ = ' ` { | }`: legal but in logs they are
// far more often the `key=` or path before an address than part of it. A `'`
// between two local-part characters is taken (`o'brien@`): one that opens a quoted string is not.
const LOCAL_EXTRA = new CharSet("!#$%&*+?^_~-.");

/**
 * A local-part character: RFC 5322's (less those above), letters of other scripts (RFC 6531: `иван@почта.рф`), and
 * the full-width forms of the ASCII ones (`ｕｓｅｒ．ｎａｍｅ＋ｔａｇ@`, as an IME in full-width mode types an address:
 * its `．` and `＋` cut it to `ｎａｍｅ@`).
 */
export function isLocalChar(c: number): boolean {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
  return isAlphaNum(c) || LOCAL_EXTRA.has(c) || isIdnChar(c);
}

/** A local part's dot: `.` or its full-width form `．` (one may not start or end a local part). */
function isLocalDot(c: number): boolean {
  return c === 46 || c === 0xff0e;
}

/**
 * The full-width at sign `＠` (U+FF20): an address typed in an IME's full-width mode, or written so that harvesters
 * miss it (`user＠example.com`, as sites in Japan write theirs). NFKC reads it as `@`, as it reads a full-width local
 * part: the address is found, as written, and TI looks it up as `user@example.com`. Not in a URL's authority
 * (`http://user＠evil.com/`): WHATWG URL reads no user info there and refuses the host (IDNA makes it `@`).
 */
const WIDE_AT = "\uff20";

/** The offset of an address's last at sign, `@` or `＠` (the one before its domain); -1 without one. */
export function lastAtSign(address: string): number {
  return Math.max(address.lastIndexOf("@"), address.lastIndexOf(WIDE_AT));
}

/** True when a local part starting at `start` follows `//` or `//user:`: a URL's user info, not an address. */
function afterUrlAuthority(s: string, start: number): boolean {
  let i = start;
  if (s.charCodeAt(i - 1) === 58) {
    // `//user:password＠host`: back over the user name to its `//` (it ends at the previous at sign, so linear).
    i--;
    while (i > 0 && (isAlphaNum(s.charCodeAt(i - 1)) || (USERINFO_EXTRA.has(s.charCodeAt(i - 1)) && s.charCodeAt(i - 1) !== 58))) i--;
  }
  return s.charCodeAt(i - 1) === 47 && s.charCodeAt(i - 2) === 47;
}

/** True when the character at `i` is the low half of a surrogate pair whose letter, digit or mark glues to a word. */
function supplementaryLetterAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && addressGluedAt(s, i);
}

/** True when the character at `i` is the high half of a surrogate pair whose letter, digit or mark glues to a word. */
function supplementaryLetterFrom(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && addressGluedAt(s, i);
}

function scanEmail(sink: ScanSink): void {
  const { text } = sink;
  const n = text.length;
  let from = 0;
  let urls: readonly UrlSpan[] | undefined;
  let u = 0;
  // The text with its hosts' wide dots read (domains.ts's hostsAsRead): for the domain only, once an `@` is found.
  let hosts: string | undefined;
  // The next `@` and `＠` from `from`, each looked for again only once passed: one pass over the text for both.
  let ascii = text.indexOf("@");
  let wide = text.indexOf(WIDE_AT);
  for (;;) {
    if (ascii >= 0 && ascii < from) ascii = text.indexOf("@", from);
    if (wide >= 0 && wide < from) wide = text.indexOf(WIDE_AT, from);
    const at = ascii < 0 ? wide : wide < 0 ? ascii : Math.min(ascii, wide);
    if (at < 0) return;
    from = at + 1;
    let start = at;
    while (start > 0) {
      const c = text.charCodeAt(start - 1);
      if (isLocalChar(c) || (c === 39 && start < at && start > 1 && isLocalChar(text.charCodeAt(start - 2)))) start--;
      else break;
    }
    // A letter of a supplementary plane (mathematical bold `𝐚𝐝𝐦𝐢𝐧`, U+1D400 block) ends no local part: the address
    // is not cut there (`𝐚𝐝𝐦𝐢𝐧x@example.com` gave `x@example.com`, someone else's). None is found: such letters are
    // no host characters either (`http://𝐞𝐯𝐢𝐥.com/`), though NFKC and IDNA would read them as ASCII.
    if (start > 0 && supplementaryLetterAt(text, start - 1)) continue;
    // Likewise a wide dot between letters before it (`иван。петров@пример。рф`, `．` is a local part's own): the address
    // is not cut there to `петров@…`; a `。` that ends a Chinese or Japanese sentence is none (`我们。admin@…`).
    if (start > 0 && wideDotKind(text, start - 1) !== WIDE_DOT_NONE) continue;
    while (start < at && isLocalDot(text.charCodeAt(start))) start++;
    if (start === at || isLocalDot(text.charCodeAt(at - 1))) continue;
    if (at === wide && afterUrlAuthority(text, start)) continue;
    let end = at + 1;
    hosts ??= hostsAsRead(text);
    while (end < n && isNameRunChar(hosts.charCodeAt(end))) end++;
    domainSpans.length = 0;
    domainsInRun(hosts, at + 1, end, sink.ignoreTlds, domainSpans, true);
    if (!domainSpans.length) continue;
    const domainEnd = domainSpans[1];
    // Likewise after the domain (`user@example.com𝐱` is no address at example.com), and before a wide dot that glues
    // it to letters no free-text host holds (`user@evil.com．例`: the domain is evil.com.例).
    if (domainEnd === end && (supplementaryLetterFrom(text, end) || (isWideDot(text.charCodeAt(end)) && hosts.charCodeAt(end) === 95))) continue;
    // A quote closing right after the domain closes a quoted address whose opening quote was taken into the local part
    // after `&`, `!` or a letter (`x&'bob@evil.com'`, cmd's separator): the address starts after that quote.
    if (text.charCodeAt(domainEnd) === 39 && (start === 0 || text.charCodeAt(start - 1) !== 39)) {
      const quote = text.indexOf("'", start);
      if (quote >= 0 && quote < at) start = quote + 1;
      if (start === at) continue;
    }
    // `user:password@host` inside a URL is not an address. (`@`s come in order: one pass over the URLs.)
    urls ??= text.includes("://") ? sink.urls() : [];
    while (u < urls.length && urls[u].hostStart <= at) u++;
    if (u < urls.length && urls[u].authority <= at) continue;
    // The domain as read: its wide dots written `.` (`user@пример.рф`), as a URL's host; the local part as written.
    sink.add("email", hosts === text ? text.slice(start, domainEnd) : text.slice(start, at + 1) + hosts.slice(at + 1, domainEnd), PRIORITY.email, start);
    from = domainEnd;
  }
}

// ---------------------------------------------------------------- paths

const WIN_FOLDER_STOP = new CharSet("/:*?\"'<>|\r\n\0");
const WIN_FILE_STOP = new CharSet("\\/:*?\"'<>|\r\n \0");
const UNC_HOST_EXTRA = new CharSet("_.$-");

/**
 * Drops what ends a sentence or quotation after the path s[root, end) from its
 * file name (from `start`): `.`, `,`, `;`, closing quotes, closing brackets
 * without a partner in the path, and a `\` (in JSON or a shell string it escapes
 * the quote after the path, `\"/tmp/x.sh\"`; as for URLs).
 */
function trimPathEnd(s: string, root: number, start: number, end: number): number {
  return trimEnd(s, root, start, end, isPathTrailing);
}

/** `.`, `,`, `;` and `\` after a path. */
function isPathTrailing(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 92;
}

/**
 * Windows paths: a root (`C:`, `\\server`, dots, or none), folders that may hold
 * spaces (not ending in one), and a file name without spaces. A path without a
 * root needs at least one folder (`\Windows\x`, not `\x`).
 */
function scanWindowsPath(sink: ScanSink): void {
  const { text } = sink;
  const n = text.length;
  let pos = 0;
  let emitted = 0; // end of the last path reported: a root may not reach back before it
  for (;;) {
    const b = text.indexOf("\\", pos);
    if (b < 0) return;
    let rootStart = b;
    let folderStart = b;
    let rooted = false;
    // A drive letter ends no longer word: `HKLM:\SOFTWARE\…`, `Cert:\…`, `env:\Path` are PowerShell drives, not `M:\`.
    if (b - 2 >= emitted && text.charCodeAt(b - 1) === 58 && isAlpha(text.charCodeAt(b - 2)) && !addressGluedAt(text, b - 3)) {
      rootStart = b - 2;
      rooted = true;
    } else if (text.charCodeAt(b + 1) === 92) {
      let h = b + 2;
      while (h < n && (isAlphaNum(text.charCodeAt(h)) || UNC_HOST_EXTRA.has(text.charCodeAt(h)))) h++;
      if (h > b + 2 && text.charCodeAt(h) === 92) {
        folderStart = h;
        rooted = true;
      }
    } else if ((rootStart = envRootBefore(text, b, emitted)) >= 0) {
      rooted = true;
    } else {
      rootStart = b;
      while (rootStart > emitted && text.charCodeAt(rootStart - 1) === 46) rootStart--;
      rooted = rootStart < b;
    }
    // The folder extent: up to a forbidden character, a backslash after a space,
    // or a space before another path's root (`a.exe ..\b.dll`, `a.exe C:\b`).
    let lastSep = -1;
    let i = folderStart;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (WIN_FOLDER_STOP.has(c)) break;
      if (c === 32 && startsWindowsRoot(text, i + 1)) break;
      if (c === 92) {
        if (i > folderStart && text.charCodeAt(i - 1) === 32) break;
        const next = text.charCodeAt(i + 1);
        if (i + 1 < n && !WIN_FILE_STOP.has(next)) lastSep = i;
      }
    }
    const extentEnd = i;
    if (lastSep < 0) {
      pos = Math.max(extentEnd, b + 1);
      continue;
    }
    let fileEnd = lastSep + 1;
    while (fileEnd < n && !WIN_FILE_STOP.has(text.charCodeAt(fileEnd))) fileEnd++;
    fileEnd = trimPathEnd(text, rootStart, lastSep + 1, fileEnd);
    // Without a root, a path needs a folder: `\Windows\x`, not `\x`.
    if (fileEnd > lastSep + 1 && (rooted || lastSep > folderStart)) {
      sink.add("windows_path", text.slice(rootStart, fileEnd), PRIORITY.windows_path, rootStart);
      emitted = fileEnd;
    }
    pos = Math.max(fileEnd, extentEnd, b + 1);
  }
}

// A tab ends a path (it separates the fields of exported logs).
const LX_FOLDER_STOP = new CharSet("\\:*?<>|\t\r\n\"'`\0");
const LX_FILE_STOP = new CharSet("/\0<>|\t\r\n \"'`");

/** Longest environment variable name taken as a root (a bound that keeps the scan linear). */
const MAX_ENV_NAME = 64;

/** A character of an environment variable's name in a root (`%ProgramFiles(x86)%`). */
function isEnvNameChar(c: number): boolean {
  return isAlphaNum(c) || c === 95 || c === 40 || c === 41 || c === 45;
}

/**
 * The start of an environment variable that roots the path at the `\` at b —
 * `%TEMP%\` (cmd expands it) or PowerShell's `$env:TEMP\` — not before `min`; else -1.
 */
function envRootBefore(s: string, b: number, min: number): number {
  let j = b - 1;
  const percent = s.charCodeAt(j) === 37;
  if (percent) j--;
  const nameEnd = j + 1;
  while (j >= min && nameEnd - j <= MAX_ENV_NAME && isEnvNameChar(s.charCodeAt(j))) j--;
  if (j + 1 === nameEnd) return -1;
  if (percent) return j >= min && s.charCodeAt(j) === 37 ? j : -1;
  return j - 4 >= min && s.slice(j - 4, j + 1).toLowerCase() === "$env:" ? j - 4 : -1;
}

/** A Windows path root at i: `X:\`, `\\`, `.\`, `..\`, or an environment variable (`%TEMP%\`, `$env:TEMP\`). */
function startsWindowsRoot(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 37 || (c === 36 && s.slice(i, i + 5).toLowerCase() === "$env:")) {
    let j = c === 37 ? i + 1 : i + 5;
    while (j < s.length && j - i <= MAX_ENV_NAME + 5 && isEnvNameChar(s.charCodeAt(j))) j++;
    if (c === 37 && s.charCodeAt(j) === 37) j++;
    return s.charCodeAt(j) === 92 && envRootBefore(s, j, i) === i;
  }
  if (c === 92) return s.charCodeAt(i + 1) === 92;
  if (c === 46) return s.charCodeAt(i + 1) === 92 || (s.charCodeAt(i + 1) === 46 && s.charCodeAt(i + 2) === 92);
  return isAlpha(c) && s.charCodeAt(i + 1) === 58 && s.charCodeAt(i + 2) === 92;
}

/** A Linux path root at i: `/`, `./`, `../` or `~/`. */
function startsLinuxRoot(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 47) return true;
  if (c === 126) return s.charCodeAt(i + 1) === 47;
  if (c === 46) return s.charCodeAt(i + 1) === 47 || (s.charCodeAt(i + 1) === 46 && s.charCodeAt(i + 2) === 47);
  return false;
}

/** A character that may not come right before a path's root (the `/` would be inside a word). */
function isWordBefore(c: number): boolean {
  return isLabelChar(c) || c === 95 || c === 126 || c === 46;
}

/**
 * True when the root at `rootStart` (the `/` at `b`, or dots or `~` before it)
 * follows a `key:` option separator (`--file:/bin/sh`, `-out:./x`,
 * `host:/var/log`). Not after a lone letter (`C:/Windows` is a Windows drive),
 * and never a `//` root (`https://`, `//user@host:88`: the rest of a URL).
 */
function afterOptionColon(s: string, rootStart: number, b: number): boolean {
  if (rootStart < 2 || s.charCodeAt(rootStart - 1) !== 58) return false;
  if (rootStart === b && s.charCodeAt(b + 1) === 47) return false;
  const k = s.charCodeAt(rootStart - 2);
  if (!isLabelChar(k) && k !== 95) return false;
  return !(isAlpha(k) && (rootStart < 3 || !isLabelChar(s.charCodeAt(rootStart - 3))));
}

/**
 * Linux paths: a root `/` that starts a token (`./`, `../` and `~/` roots too)
 * or follows an option separator (`--file:/x`, `--out=./x`), at least two
 * components unless rooted at dots or `~`, folders that may hold spaces (not
 * starting or ending with one, and not running into a next `key=/path`), a file
 * name without spaces. URLs are skipped, and so are the URL pieces MSTICPy
 * reports as paths (`//user@host:88` after `scheme:`).
 */
function scanLinuxPath(sink: ScanSink): void {
  const { text } = sink;
  const n = text.length;
  const urls = text.includes("://") ? sink.urls() : [];
  let u = 0;
  let pos = 0;
  for (;;) {
    const b = text.indexOf("/", pos);
    if (b < 0) return;
    while (u < urls.length && urls[u].end <= b) u++;
    if (u < urls.length && urls[u].start <= b) {
      pos = urls[u].end;
      continue;
    }
    let rootStart = b;
    while (rootStart > pos && b - rootStart < 3 && text.charCodeAt(rootStart - 1) === 46) rootStart--;
    if (rootStart === b && rootStart > pos && text.charCodeAt(rootStart - 1) === 126) rootStart--;
    const relRoot = rootStart < b;
    // `./` and `../` roots only (`.../x` is an ellipsis); a path may follow `key=` or `key:`.
    const wordBefore = rootStart > 0 && isWordBefore(text.charCodeAt(rootStart - 1));
    if (b - rootStart > 2 || wordBefore || (rootStart > 0 && text.charCodeAt(rootStart - 1) === 58 && !afterOptionColon(text, rootStart, b))) {
      // Inside a word (`and/or`, `a.b/c`): skip the rest of this token.
      let j = b + 1;
      while (j < n && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== 0) j++;
      pos = j;
      continue;
    }
    let folderStart = b;
    while (folderStart + 1 < n && text.charCodeAt(folderStart + 1) === 47) folderStart++; // `//` roots
    if (isSpace(text.charCodeAt(folderStart + 1))) {
      // A root before a space (`./ and/or`) starts no path: a folder name does not start with one.
      pos = folderStart + 1;
      continue;
    }
    let lastSep = -1;
    let lastSpace = -1; // the last space in the folder extent, and lastSep at that point
    let sepAtSpace = -1;
    let i = folderStart;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (LX_FOLDER_STOP.has(c)) break;
      if (c === 32) {
        if (startsLinuxRoot(text, i + 1)) break;
        lastSpace = i;
        sepAtSpace = lastSep;
      } else if (c === 61 && lastSpace > folderStart && startsLinuxRoot(text, i + 1)) {
        // `/bin/sh --out=/tmp/x`: the path ends before the option that holds the next one.
        i = lastSpace;
        lastSep = sepAtSpace;
        break;
      }
      if (c === 47) {
        if (i > folderStart && text.charCodeAt(i - 1) === 32) break;
        if (i + 1 < n && !LX_FILE_STOP.has(text.charCodeAt(i + 1))) lastSep = i;
      }
    }
    const extentEnd = i;
    if (lastSep < 0) {
      pos = Math.max(extentEnd, b + 1);
      continue;
    }
    let fileEnd = lastSep + 1;
    while (fileEnd < n && !LX_FILE_STOP.has(text.charCodeAt(fileEnd))) fileEnd++;
    fileEnd = trimPathEnd(text, rootStart, lastSep + 1, fileEnd);
    if (fileEnd > lastSep + 1 && (relRoot || lastSep > folderStart)) sink.add("linux_path", text.slice(rootStart, fileEnd), PRIORITY.linux_path, rootStart);
    pos = Math.max(fileEnd, extentEnd, b + 1);
  }
}

// ---------------------------------------------------------------- hashes

// Whole runs of hex digits (the look-behind rejects starts inside a run); the
// run's length decides the type, so a 48-digit run is no hash at all.
const HEX_RUN = /(?<![0-9a-f])[0-9a-f]{32,}(?![0-9a-f])/gi;
const HASH_BY_LENGTH: Record<number, string> = { 32: "md5_hash", 40: "sha1_hash", 64: "sha256_hash" };

function scanHashes(wanted: string): (sink: ScanSink) => void {
  return (sink) => {
    const { text } = sink;
    HEX_RUN.lastIndex = 0;
    for (let m = HEX_RUN.exec(text); m; m = HEX_RUN.exec(text)) {
      if (HASH_BY_LENGTH[m[0].length] === wanted) sink.add(wanted, m[0], PRIORITY.hash, m.index);
    }
  };
}

// ---------------------------------------------------------------- the table

const HASH_PREFILTER = String.raw`[0-9A-Fa-f]{32}`;
// A label character and an ASCII TLD after a dot, or an internationalised TLD (`.рф`, `.cöm`).
// (A wide dot before a TLD's letters or a non-ASCII label too: `пример。рф`, `ｅｘａｍｐｌｅ．ｃｏｍ`; not before Han or kana,
// beside which no wide dot parts a host's labels in free text, so Chinese and Japanese prose stays screened out.)
const DNS_PREFILTER = String.raw`(?:[A-Za-z0-9]|[^\x00-\x7F])\.[A-Za-z]{2}|\.[A-Za-z0-9-]*[^\x00-\x7F]|[\x{3002}\x{FF0E}\x{FF61}](?:[A-Za-z]{2}|[^\x00-\x7F\x{3000}-\x{30FF}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}])`;

// ---------------------------------------------------------------- whole values

const HEX_ONLY = /^[0-9a-f]+$/i;

function isHashOf(length: number): (value: string) => boolean {
  return (value) => value.length === length && HEX_ONLY.test(value);
}

/**
 * A host name, with an optional root dot (isValidDomain checks labels, not their characters). Given whole, a name
 * may be in any script: `例え.jp`, `한국.kr` (TILookup said "not an indicator type"), which text scanning leaves out.
 */
function isDomainName(value: string, ignoreTlds: boolean): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length > 253) return false;
  for (let i = 0; i < name.length; i++) if (!isWholeNameChar(name.charCodeAt(i))) return false;
  return isValidDomain(name, ignoreTlds);
}

function isWholeUrl(value: string, ignoreTlds: boolean): boolean {
  if (urlSpansWhole(value)) return true;
  // Given whole, a URL's host may be a name in any script, as a dns value may (`http://例え.jp/x`), which the
  // URL scan ends at: its host is checked as a name and the URL in its IDNA ASCII form, as a browser sends it.
  const m = URL_HOST.exec(value);
  const host = m?.[2];
  if (!m || host === undefined || ONLY_ASCII.test(host) || !isDomainName(host, ignoreTlds)) return false;
  const ascii = idnaName(host.replace(/\.$/, ""));
  return ascii !== undefined && urlSpansWhole(`${m[1]}${ascii}${value.slice(m[0].length)}`);
}

function urlSpansWhole(value: string): boolean {
  const sep = value.indexOf("://");
  const span = sep > 0 ? parseUrlAt(value, sep) : undefined;
  return span !== undefined && span.start === 0 && span.end === value.length;
}

/**
 * A URL's scheme and user info (to the authority's last `@`, as WHATWG reads it), then its host, no port. Anchored:
 * the user-info run backs off to its last `@` once, so linear.
 */
const URL_HOST = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#\s\\]*@)?)([^/?#:@\s\\]+)/;
const ONLY_ASCII = /^[\x00-\x7F]*$/;

/**
 * An e-mail address the scan refuses only for its domain: given whole, a name in any script (`user@例え.jp`),
 * checked as a dns value is, and the address in its IDNA ASCII form.
 */
function isWholeIdnEmail(def: IocTypeDefinition, value: string, ignoreTlds: boolean): boolean {
  const at = lastAtSign(value);
  const domain = value.slice(at + 1);
  if (at <= 0 || ONLY_ASCII.test(domain) || !isDomainName(domain, ignoreTlds)) return false;
  const ascii = idnaName(domain.replace(/\.$/, ""));
  return ascii !== undefined && scansWhole(def, `${value.slice(0, at + 1)}${ascii}`, ignoreTlds);
}

// ---------------------------------------------------------------- the table

/** The built-in types in scan order. */
export const BUILTIN_DEFINITIONS: readonly IocTypeDefinition[] = [
  { name: "ipv4", bulk: true, priority: PRIORITY.ipv4, prefilter: String.raw`[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]`, scan: scanIpv4, isWhole: isIpv4 },
  { name: "ipv6", bulk: true, priority: PRIORITY.ipv6, prefilter: String.raw`:[0-9A-Fa-f]{0,4}:`, scan: scanIpv6, isWhole: (v) => v.includes(":") && isIpv6(v) },
  { name: "dns", bulk: true, priority: PRIORITY.dns, prefilter: DNS_PREFILTER, scan: scanDns, isWhole: isDomainName },
  { name: "url", bulk: true, priority: PRIORITY.url, prefilter: String.raw`://`, scan: scanUrl, isWhole: isWholeUrl },
  { name: "email", bulk: true, priority: PRIORITY.email, prefilter: String.raw`[@\x{FF20}](?:[A-Za-z0-9]|[^\x00-\x7F])`, scan: scanEmail },
  { name: "windows_path", bulk: true, priority: PRIORITY.windows_path, prefilter: String.raw`\\`, scan: scanWindowsPath },
  { name: "linux_path", bulk: true, priority: PRIORITY.linux_path, prefilter: String.raw`/`, scan: scanLinuxPath },
  // One prefilter for the three hash types (a 40- or 64-digit run holds a 32-digit one):
  // a counted hex run is the dearest screen, so it runs once, not three times.
  { name: "md5_hash", bulk: true, priority: PRIORITY.hash, prefilter: HASH_PREFILTER, scan: scanHashes("md5_hash"), isWhole: isHashOf(32) },
  { name: "sha1_hash", bulk: true, priority: PRIORITY.hash, prefilter: HASH_PREFILTER, scan: scanHashes("sha1_hash"), isWhole: isHashOf(40) },
  { name: "sha256_hash", bulk: true, priority: PRIORITY.hash, prefilter: HASH_PREFILTER, scan: scanHashes("sha256_hash"), isWhole: isHashOf(64) },
];

/**
 * True for a type scanned when none are named: not the paths (noisy), except
 * `windows_path` with `includePaths` (MSTICPy's rule). Whole-value detection
 * uses the same default set.
 */
export function isDefaultIocType(name: string, includePaths = false): boolean {
  return name !== "linux_path" && (name !== "windows_path" || includePaths);
}

// ---------------------------------------------------------------- custom types

/** The custom-type registry (see {@link registerIocType}). */
const customTypes = new Map<string, IocTypeDefinition>();

/**
 * Registers a custom type for whole-value detection: it joins the default
 * types of {@link classifyObservable}, hence of TILookup, so a TI provider that
 * lists the type among its supported types is asked about such values.
 * `IoCExtract.addIocType` registers every type it adds whose name is not built
 * in; a later definition of a name replaces the earlier one. Extraction does
 * not read the registry: each IoCExtract instance scans only its own types.
 */
export function registerIocType(definition: IocTypeDefinition): void {
  if (isBuiltinIocType(definition.name)) throw new TypeError(`internal error: registerIocType: "${definition.name}" is a built-in type`);
  customTypes.set(definition.name, definition);
}

/** Removes a custom type from the registry; false when it was not registered. */
export function unregisterIocType(name: string): boolean {
  return customTypes.delete(name);
}

/** The registered custom types, in order of first registration. */
export function customIocTypes(): IocTypeDefinition[] {
  return [...customTypes.values()];
}

/** True for the name of a built-in type. */
export function isBuiltinIocType(name: string): boolean {
  return (BUILTIN_IOC_TYPES as readonly string[]).includes(name);
}

/** A type's definition by name: built-in, else registered custom; undefined when neither. */
export function iocTypeDefinition(name: string): IocTypeDefinition | undefined {
  return BUILTIN_DEFINITIONS.find((d) => d.name === name) ?? customTypes.get(name);
}

/** The types single values are detected among by default: the default built-in types and the registered custom types. */
export function detectionDefinitions(): IocTypeDefinition[] {
  return [...BUILTIN_DEFINITIONS.filter((d) => isDefaultIocType(d.name)), ...customTypes.values()];
}

// ---------------------------------------------------------------- classifying whole values

/** True when `def`'s scanner reports the whole of `value` as its type. */
function scansWhole(def: IocTypeDefinition, value: string, ignoreTlds: boolean): boolean {
  let whole = false;
  let spans: UrlSpan[] | undefined;
  def.scan({
    text: value,
    ignoreTlds,
    urlHostAsDns: false,
    add: (type, found) => {
      if (type === def.name && found === value) whole = true;
    },
    urls: () => (spans ??= findUrls(value)),
  });
  return whole;
}

/** True when the whole of `value` (trimmed, refanged) is an observable of `def`'s type. */
export function isObservableOf(value: string, def: IocTypeDefinition, ignoreTlds = false): boolean {
  const text = refang(value.trim());
  if (!text) return false;
  if (def.isWhole) return def.isWhole(text, ignoreTlds);
  return scansWhole(def, text, ignoreTlds) || (def.scan === scanEmail && isWholeIdnEmail(def, text, ignoreTlds));
}

/**
 * The type of a whole value (trimmed, refanged): the first of `definitions`
 * by priority (ties in the given order) that accepts all of it, or undefined.
 * Default definitions: {@link detectionDefinitions}. This is how TILookup
 * detects types and `IoCExtract.getIocType` classifies, so both agree with
 * what extraction reports.
 *
 * ```ts
 * classifyObservable("evil[.]com");  // "dns"
 * classifyObservable("cmd.exe");     // undefined
 * ```
 */
export function classifyObservable(value: string, definitions: readonly IocTypeDefinition[] = detectionDefinitions(), ignoreTlds = false): string | undefined {
  const text = refang(value.trim());
  if (!text) return undefined;
  const ordered = [...definitions].sort((a, b) => a.priority - b.priority); // stable: ties keep their order
  return ordered.find((def) => isObservableOf(text, def, ignoreTlds))?.name;
}
