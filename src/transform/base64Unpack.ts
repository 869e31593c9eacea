/**
 * Base64 unpacking, after MSTICPy's `base64unpack`: finds base64 runs in text,
 * decodes them (UTF-8 or UTF-16LE text, or binary identified by its header),
 * unpacks zip, gzip and tar members and inflates bare deflate and zlib streams, and repeats on the decoded text for base64
 * nested inside it. Each decoded fragment replaces its run in the text,
 * wrapped in MSTICPy's tags:
 *
 *   `<decoded type='string' name='[None]' index='1' depth='1'>ping microsoft.com</decoded>`
 *   `<decoded value='binary' name='[exe]' type='exe' index='2' depth='1'>4d 5a 90 …</decoded>`
 *   `<decoded value='multiple binary' type='multiple' index='1' depth='1'>…members…</decoded>`
 *
 * so that indicator extraction over the rewritten text (`full_decoded_string`)
 * sees what was hidden.
 *
 * Every dimension is bounded (depth, fragments, decoded and expanded bytes,
 * archive members); a limit that is hit is named in the output — a `limit`
 * attribute on the tag, a `limit` column in the records — never silent.
 */
import { isUtf8 } from "node:buffer";
import crypto from "node:crypto";
import pl from "nodejs-polars";
import type { DataFrame, Series } from "nodejs-polars";
import { isTextType, textSeries } from "../common/dtypes";
import { findUnknownOption } from "../common/errors";
import { columnNames, columnOf, isDataFrame } from "../common/frames";
import { columnOrField } from "../data/schemas/fields";
import { inflateWhole, readArchive } from "./archives";
import { ARCHIVE_TYPES, detectFileType, type FileType } from "./fileTypes";
import { Base64Error, transformMessages as msg } from "./messages";
import { notAFrameText } from "../common/notAFrame";
import { chunkRanges, PARALLEL_DEFAULTS, runChunked, type ParallelOptions } from "./workers/pool";
import { BatchBuilder, ByteSink, END_OF_STREAM, schemaMessage, type IpcField } from "./workers/ipcWriter";
import { withRichLastValue } from "../display/lastValue";
import { wideIntsAsText } from "../common/wideInts";

export { Base64Error } from "./messages";

/** Limits and switches of the unpacker; every one has a safe default. */
export interface Base64UnpackOptions {
  /**
   * Levels of nesting decoded: base64 inside decoded text, an archive inside an
   * archive (MSTICPy: 20). Encoded text left at the last level is kept as is
   * and marked.
   * @defaultValue 20
   */
  maxDepth?: number;
  /**
   * Bytes decoded and decompressed from one input string, all fragments and
   * members together. Decompression stops the moment it is spent.
   * @defaultValue 16 MiB
   */
  maxDecodedBytes?: number;
  /**
   * Archive members read from one input string, all archives together (so at
   * most this many from one archive, and nested archives share them); the rest
   * are listed as not read. Per input, not per archive: every member becomes a
   * record holding the whole base64 run, and 100 members of 100 nested zips
   * each made a 300 KB input millions of records.
   * @defaultValue 100
   */
  maxArchiveMembers?: number;
  /**
   * Bytes the members of one archive, or one bare deflate or zlib stream, may
   * expand to (zip, gzip and deflate bombs stop here).
   * @defaultValue 8 MiB
   */
  maxExpandedBytes?: number;
  /**
   * Base64 fragments decoded from one input string, all levels together
   * (MSTICPy stops a level after 50).
   * @defaultValue 200
   */
  maxFragments?: number;
  /**
   * Bytes of a binary shown as hex (`printable_bytes`, and inside binary tags);
   * longer binaries end with `… (+N bytes)`. Hashes always cover every byte.
   * @defaultValue 65536
   */
  maxPrintableBytes?: number;
  /**
   * Shortest run of base64 characters taken as a candidate (MSTICPy: 30).
   * @defaultValue 30
   */
  minLength?: number;
}

/** The defaults of {@link Base64UnpackOptions}. */
export const BASE64_UNPACK_DEFAULTS: Readonly<Required<Base64UnpackOptions>> = Object.freeze({
  maxDepth: 20,
  maxDecodedBytes: 16 * 1024 * 1024,
  maxArchiveMembers: 100,
  maxExpandedBytes: 8 * 1024 * 1024,
  maxFragments: 200,
  maxPrintableBytes: 65536,
  minLength: 30,
});

/** How the bytes of an item were read. */
export type EncodingType = "utf-8" | "utf-16" | "binary";

/** One decoded item: a fragment, or one member of an archive fragment. */
export interface DecodedItem {
  /** `depth.index`: matches the `depth` and `index` attributes of the item's tag. */
  reference: string;
  /**
   * The base64 run the item came from; null when left out by the bound on
   * the records' copies of runs ({@link MAX_ORIGINAL_CHARS}: each member of an
   * archive repeats its archive's run, as MSTICPy's rows do), named in `limit`.
   */
  originalString: string | null;
  /** `unknown`, or the member's name inside its archive. */
  fileName: string;
  /** The type found by header (for archive members: the archive's type, as MSTICPy), or null. */
  fileType: FileType | null;
  /** The decoded (and unpacked) bytes. */
  inputBytes: Buffer;
  /** The text, or null for binary. */
  decodedString: string | null;
  encodingType: EncodingType;
  md5: string;
  sha1: string;
  sha256: string;
  /** Space-separated hex bytes (at most `maxPrintableBytes` of them). */
  printableBytes: string;
  depth: number;
  /** The tag's index: `2`, or `1.3` for the third member of fragment 1. */
  index: string;
  /** The limit or problem that left this item incomplete, or null. */
  limit: string | null;
  /**
   * Times its base64 run occurs in the text of its level (all decoded alike,
   * recorded once, as MSTICPy does): e.g. the same fragment in three members
   * of an archive. Members of an archive carry the count of the archive's run.
   */
  occurrences: number;
}

/** What {@link unpack} returns. */
export interface UnpackResult {
  /** The input with every decoded fragment replaced by its tag. */
  fullDecodedString: string;
  /** One row per decoded item (a run repeated at one level: one item), MSTICPy's columns (+ `limit`, `occurrences`). */
  records: DataFrame;
  /** The same items as JavaScript objects (bytes as Buffers). */
  items: DecodedItem[];
  /** The limits hit while unpacking (empty when none). */
  limits: string[];
}

/** Options of {@link unpackDf}. */
export interface UnpackDfOptions extends Base64UnpackOptions {
  /** The text column to decode. */
  column: string;
  /**
   * A column whose values become `src_index`. Default: the source row's
   * position (UInt32, as `data.withRowIndex()` numbers rows).
   */
  indexColumn?: string;
  /**
   * Worker threads for big inputs: the rows that pass the vectorised screen
   * are decoded, and their results written as Arrow IPC record batches, in
   * chunks on every core, and merged in row order (the result is the same as in one thread). `minRows`
   * and `chunkRows` count screened rows here. Defaults:
   * {@link BASE64_PARALLEL_DEFAULTS}. (The screen itself runs on polars' own
   * threads, sliced from 200k rows, whatever this says.)
   */
  parallel?: ParallelOptions;
}

/**
 * The defaults of {@link UnpackDfOptions.parallel}: as {@link PARALLEL_DEFAULTS},
 * but counted in screened rows (each costs a decode, not a regex pass). Chunks
 * are even in size: one per thread, at most `chunkRows`.
 */
export const BASE64_PARALLEL_DEFAULTS: Readonly<Required<ParallelOptions>> = Object.freeze({
  workers: PARALLEL_DEFAULTS.workers,
  // Below, one thread is as fast and cheaper: at 100k command lines (1,360 screened rows) the worker's
  // messages, claims and its own JIT warm-up cost more than the half of the decoding it takes (2026-12-03:
  // 3 ms CPU per call more, no faster); at 200k (2,700) the worker saves the caller 8 ms.
  minRows: 2000,
  // Few big chunks: each chunk's batch and message have a fixed cost of their own.
  chunkRows: 8000,
});

/** Columns of the records frame, in MSTICPy's order, then `limit` and `occurrences`. */
export const BASE64_RECORD_COLUMNS = [
  "reference",
  "original_string",
  "file_name",
  "file_type",
  "input_bytes",
  "decoded_string",
  "encoding_type",
  "file_hashes",
  "md5",
  "sha1",
  "sha256",
  "printable_bytes",
  "limit",
  "occurrences",
] as const;

type Limits = Readonly<Required<Base64UnpackOptions>>;

/** The limits after defaults and checks (what a worker is given). */
export type ResolvedBase64Limits = Limits;

interface State {
  opts: Limits;
  budget: { remaining: number };
  fragments: number;
  /** Archive members that may still be read from this input (maxArchiveMembers, shared by all its archives). */
  membersLeft: number;
  items: DecodedItem[];
  limits: string[];
  /** Runs known not to decode (per call: MSTICPy's cache is process-wide and never cleared). */
  undecodable: Set<string>;
  stopped: boolean;
  /** Characters of `originalString` the records hold so far (bounded by {@link MAX_ORIGINAL_CHARS} after the first). */
  originalChars: number;
}

const BASE64_CHARS = "A-Za-z0-9+/\\r\\n";

/** `[A-Za-z0-9+/\r\n]` as a lookup table. */
const IS_BASE64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\r\n") IS_BASE64[c.charCodeAt(0)] = 1;

/**
 * Maximal runs of base64 characters (`minLength` or more) with up to two `=`
 * after them, as `[start, end)` pairs: what the regex
 * `(?<![A-Za-z0-9+/\r\n])[A-Za-z0-9+/\r\n]{30,}={0,2}` finds, in one forward
 * pass over character codes (the look-behind made that regex several times dearer).
 */
export function candidateSpans(text: string, minLength: number): number[] {
  const spans: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0xfdd0) {
      // An attribute value of a tag written here (see `attribute`): skipped whole.
      const close = text.indexOf(ATTR_CLOSE, i + 1);
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (c >= 128 || IS_BASE64[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d >= 128 || IS_BASE64[d] === 0) break;
    }
    if (i - start < minLength) continue; // a short run: no candidate starts inside it either
    let end = i;
    if (end < n && text.charCodeAt(end) === 61) end++;
    if (end < n && text.charCodeAt(end) === 61) end++;
    spans.push(start, end);
    i = end;
  }
  return spans;
}

/**
 * PowerShell's `-EncodedCommand` flag — any prefix from `-e` (`-en`, `-enc`,
 * …), or its alias `-ec`, after `-`, `/` or a dash PowerShell takes for one
 * (en dash, em dash, horizontal bar) — then its argument, quoted or not.
 * Candidates are 30+ characters; after this flag a shorter argument is one
 * too (`powershell -e dwBoAG8AYQBtAGkA` is `whoami`), taken when it decodes to
 * UTF-16 text. (No nested quantifiers: linear.)
 */
const ENCODED_FLAG = /(?:^|[\s"'(])[-/\u2013\u2014\u2015](e(?:c|n[a-z]{0,12})?)[ \t]+["']?([A-Za-z0-9+/]{4,}={0,2})/gi;
/** The same, in polars' dialect, for the screen of unpackDf (it may match more: the decoder checks). */
const ENCODED_FLAG_SCREEN = `(?i)(?:^|[\\s"'(])[-/\u2013\u2014\u2015]e(?:c|n[a-z]{0,12})?[ \\t]+["']?[A-Za-z0-9+/]{4}`;

/** Where an encoded-command flag can start: a dash or slash, then `e`. */
const FLAG_START = /[-/\u2013\u2014\u2015][eE]/;

/** Spans `[start, end)` of arguments of PowerShell's encoded-command flag shorter than `minLength` (longer ones are candidates already). */
function shortEncodedSpans(text: string, minLength: number): number[] {
  const out: number[] = [];
  // Most texts have no such flag: one simple scan first (the full pattern's leading alternation is slower).
  if (!FLAG_START.test(text)) return out;
  ENCODED_FLAG.lastIndex = 0;
  for (let m = ENCODED_FLAG.exec(text); m; m = ENCODED_FLAG.exec(text)) {
    const flag = m[1].toLowerCase();
    if (flag !== "ec" && !"encodedcommand".startsWith(flag)) continue;
    const end = m.index + m[0].length;
    const start = end - m[2].length;
    const c = text.charCodeAt(end);
    // A run that goes on (line breaks join base64 runs) is a candidate's business, or no argument.
    if (end < text.length && c < 128 && (IS_BASE64[c] === 1 || c === 61)) continue;
    let core = m[2].length;
    while (core > 0 && m[2].charCodeAt(core - 1) === 61) core--;
    if (core < minLength) out.push(start, end);
  }
  return out;
}

/** Two sorted span lists as one. */
function mergeSpans(a: number[], b: number[]): number[] {
  if (!b.length) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) {
      out.push(a[i], a[i + 1]);
      i += 2;
    } else {
      out.push(b[j], b[j + 1]);
      j += 2;
    }
  }
  return out;
}

/**
 * The bytes of a base64 run, or undefined when Python's lenient decoder would
 * refuse it (MSTICPy's rule: line breaks are dropped; 4n characters, or 4n+2 /
 * 4n+3 with enough `=` padding).
 */
export function decodeBase64Run(run: string): Buffer | undefined {
  // Scans instead of regex replacements: no new strings for the common run without padding or line breaks.
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === 61) end--;
  const padding = run.length - end;
  let core = end === run.length ? run : run.slice(0, end);
  if (core.includes("\n") || core.includes("\r")) core = core.replace(/[\r\n]/g, "");
  const rem = core.length % 4;
  if (rem === 1 || (rem === 2 && padding < 2) || (rem === 3 && padding < 1)) return undefined;
  const bytes = Buffer.from(core, "base64");
  return bytes.length ? bytes : undefined;
}

/**
 * The bytes of a run that lacks its `=` padding (4n+2 or 4n+3 characters,
 * padding absent or short: base64url tokens, Python's and JWT's stripped
 * padding, a field a logger trimmed), or undefined for any other run.
 */
function decodeUnpadded(run: string, urlSafe: boolean): Buffer | undefined {
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === 61) end--;
  let core = run.slice(0, end);
  if (core.includes("\n") || core.includes("\r")) core = core.replace(/[\r\n]/g, "");
  const rem = core.length % 4;
  if (rem === 1 || (rem === 0 && !urlSafe)) return undefined;
  // Node's base64 decoder reads the base64url alphabet (`-`, `_`) as well.
  const bytes = Buffer.from(core, "base64");
  return bytes.length ? bytes : undefined;
}

/** `[A-Za-z0-9_-]`, base64url's alphabet, as a lookup table. */
const IS_BASE64URL = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") IS_BASE64URL[c.charCodeAt(0)] = 1;
const isBase64Url = (c: number) => c < 128 && IS_BASE64URL[c] === 1;

/**
 * The base64url run (RFC 4648 §5: `-` and `_` for `+` and `/`) around the
 * candidate run [at, end), not reaching back before `floor`, when the
 * candidate is cut from one by a `-` or `_` (Google Update's `/ping` payloads,
 * JWTs, URL parameters): `run` is undefined when it is not, or when the
 * candidate holds `+` or `/` or ends in `=` (standard base64). `reach` is where
 * the base64url characters around the candidate end: candidates before it lie
 * in the same run and are not widened again (each character is scanned once: a
 * megabyte of `AAAA…-AAAA…-` stays linear).
 */
function urlSafeRun(text: string, at: number, end: number, floor: number): { at: number; run?: string; reach: number } {
  let l = at;
  while (l > floor && isBase64Url(text.charCodeAt(l - 1))) l--;
  let r = end;
  while (r < text.length && isBase64Url(text.charCodeAt(r))) r++;
  const reach = r;
  if (text.charCodeAt(end - 1) === 61) r = end;
  if (l === at && r === end) return { at, reach };
  for (let i = at; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 43 || c === 47) return { at, reach };
  }
  let p = r;
  if (r > end) {
    if (p < text.length && text.charCodeAt(p) === 61) p++;
    if (p < text.length && text.charCodeAt(p) === 61) p++;
  }
  return { at: l, run: text.slice(l, p), reach };
}

/**
 * The bytes of a candidate run: as Python's decoder reads it (MSTICPy's rule),
 * else without its padding when that gives text or an archive. Python refuses
 * such runs; taking them only when they read as something keeps the many long
 * alphanumeric tokens of 4n+2 or 4n+3 characters (file names, ids) that are no
 * base64 from becoming binary noise. A base64url run (one with `-` or `_`,
 * see {@link urlSafeRun}) is taken by that rule too, whatever its length: hyphenated
 * names and GUIDs are no base64 either.
 */
function decodeCandidate(run: string): Buffer | undefined {
  const urlSafe = run.includes("-") || run.includes("_");
  const strict = urlSafe ? undefined : decodeBase64Run(run);
  if (strict) return strict;
  const loose = decodeUnpadded(run, urlSafe);
  if (!loose) return undefined;
  const type = detectFileType(loose);
  return (type && ARCHIVE_TYPES.has(type)) || decodeText(loose) ? loose : undefined;
}

const utf16Decoder = new TextDecoder("utf-16le", { fatal: true });

/**
 * UTF-16LE as PowerShell `-EncodedCommand` writes it: even length, almost every
 * odd byte zero and almost no even byte zero (or a FF FE byte-order mark).
 * MSTICPy reads such bytes as UTF-8 with a NUL after every character.
 */
function looksUtf16le(b: Uint8Array): boolean {
  if (b.length < 4 || b.length % 2) return false;
  if (b[0] === 0xff && b[1] === 0xfe) return true;
  let oddZeros = 0;
  let evenZeros = 0;
  // High bytes of alphabetic scripts, which are no text in UTF-8 (NUL, C0 controls): 0x00 for Latin, 0x01-0x02 Latin
  // extended, 0x03 Greek, 0x04 Cyrillic, 0x05 Hebrew, 0x06 Arabic. Not every control byte: random bytes have one
  // high byte in 8 below 0x20, so short blobs (and 'xxxx…', c7 1c 71 …) passed as text in unassigned-looking blocks.
  let oddControls = 0;
  for (let i = 0; i < b.length; i += 2) {
    if (b[i] === 0) evenZeros++;
    const high = b[i + 1];
    if (high === 0) oddZeros++;
    if (high <= 0x06) oddControls++;
  }
  const pairs = b.length / 2;
  if (oddZeros >= 0.9 * pairs && evenZeros <= 0.1 * pairs) return true;
  // Text beyond ASCII (a Cyrillic comment, typographic quotes) has high bytes that are not zero: still UTF-16 when
  // many high bytes would be controls in UTF-8 and every code unit is text (no controls but tab and line ends,
  // surrogates paired).
  return oddControls >= 0.3 * pairs && evenZeros <= 0.05 * pairs && allTextUnits(b);
}

/** True when every UTF-16LE code unit of `b` is a text character (see looksUtf16le). */
function allTextUnits(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i += 2) {
    const u = b[i] | (b[i + 1] << 8);
    if (u < 0x20 ? u !== 9 && u !== 10 && u !== 13 : (u >= 0x7f && u <= 0x9f) || u >= 0xfffe) return false;
    if (u >= 0xd800 && u <= 0xdfff) {
      const next = i + 3 < b.length ? b[i + 2] | (b[i + 3] << 8) : 0;
      if (u > 0xdbff || next < 0xdc00 || next > 0xdfff) return false;
      i += 2;
    }
  }
  return true;
}

/**
 * UTF-16LE text mostly in a script whose high bytes are no controls (CJK, Hangul, kana, emoji: a PowerShell
 * `-enc` echoing a Chinese message), for bytes that are no UTF-8: some ASCII, and every other code unit in a
 * common script block or an emoji pair. Random bytes pass that with vanishing odds (about half of all code
 * units are in these blocks, 1 in 670 is ASCII), so binary stays binary.
 */
function looksUtf16Script(b: Uint8Array): boolean {
  if (b.length < 4 || b.length % 2) return false;
  let ascii = 0;
  for (let i = 0; i < b.length; i += 2) {
    const u = b[i] | (b[i + 1] << 8);
    if (u < 0x80) {
      if (u < 0x20 ? u !== 9 && u !== 10 && u !== 13 : u === 0x7f) return false;
      ascii++;
    } else if (u >= 0xd83c && u <= 0xd83e) {
      // An emoji: a high surrogate of the emoji planes and its low surrogate.
      const next = i + 3 < b.length ? b[i + 2] | (b[i + 3] << 8) : 0;
      if (next < 0xdc00 || next > 0xdfff) return false;
      i += 2;
    } else if (!inCommonScript(u)) return false;
  }
  return ascii > 0;
}

/** Latin-1 to Arabic, Devanagari, Thai, punctuation and symbols, CJK punctuation/kana, CJK ideographs, Hangul, full-width forms. */
function inCommonScript(u: number): boolean {
  return (
    (u >= 0xa0 && u <= 0x6ff) ||
    (u >= 0x900 && u <= 0x97f) ||
    (u >= 0xe00 && u <= 0xe7f) ||
    (u >= 0x2000 && u <= 0x2bff && !(u >= 0x2028 && u <= 0x202e) && !(u >= 0x2066 && u <= 0x2069)) ||
    (u >= 0x3000 && u <= 0x30ff) ||
    (u >= 0x3400 && u <= 0x9fff) ||
    (u >= 0xac00 && u <= 0xd7a3) ||
    (u >= 0xff00 && u <= 0xffef)
  );
}

function decodeText(b: Uint8Array): { text: string; encoding: EncodingType } | undefined {
  if (looksUtf16le(b)) {
    try {
      return { text: utf16Decoder.decode(b), encoding: "utf-16" };
    } catch {
      // not UTF-16 after all
    }
  }
  // Validate natively first: a throwing fatal decode is slow on the many binary candidates.
  if (isUtf8(b)) return { text: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"), encoding: "utf-8" };
  return looksUtf16Script(b) ? { text: utf16Decoder.decode(b), encoding: "utf-16" } : undefined;
}

const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");

/** Space-separated hex bytes, at most `max` of them (written as ASCII bytes: no string per byte). */
function printable(b: Uint8Array, max: number): string {
  const shown = Math.min(b.length, max);
  if (shown === 0) return b.length > max ? ` … (+${b.length - max} bytes)` : "";
  const out = Buffer.allocUnsafe(3 * shown - 1);
  for (let i = 0, o = 0; i < shown; i++, o += 3) {
    out[o] = HEX_DIGITS[b[i] >> 4];
    out[o + 1] = HEX_DIGITS[b[i] & 15];
    if (o + 2 < out.length) out[o + 2] = 32;
  }
  const text = out.toString("latin1");
  return b.length > max ? `${text} … (+${b.length - max} bytes)` : text;
}

// One-shot hashing where Node has it (21.7+): no Hash object per digest.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "hex") => string }).hash;
const hash = (algorithm: string, b: Uint8Array) => (oneShot ? oneShot(algorithm, b, "hex") : crypto.createHash(algorithm).update(b).digest("hex"));

/**
 * Characters of base64 runs the records of one input hold, beyond the first
 * (`original_string`): two copies of a 16 MiB input. Each archive member's
 * record repeats its archive's run, as MSTICPy's rows do.
 */
export const MAX_ORIGINAL_CHARS = 32 * 1024 * 1024;

interface ItemContext {
  original: string;
  index: string;
  depth: number;
}

/** Builds the item for `bytes` and returns its tag. */
function itemTag(state: State, bytes: Uint8Array, ctx: ItemContext, name: string, fileName: string, fileType: FileType | null, note?: string): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = decodeText(bytes);
  const printableBytes = printable(bytes, state.opts.maxPrintableBytes);
  // 100 members of an 8 MB run were 800 MB of text to write: past the bound, a record's copy of its run is left
  // out (the record only: the tag, and so full_decoded_string, are unchanged).
  let original: string | null = ctx.original;
  let limit = note ?? null;
  if (state.originalChars > 0 && state.originalChars + original.length > MAX_ORIGINAL_CHARS) {
    const why = `original_string left out: the records already hold ${state.originalChars} characters of runs (each archive member repeats its archive's run)`;
    if (!state.limits.includes(why)) state.limits.push(why);
    limit = limit ? `${limit}; ${why}` : why;
    original = null;
  } else {
    state.originalChars += original.length;
  }
  state.items.push({
    reference: `${ctx.depth}.${ctx.index}`,
    originalString: original,
    fileName,
    fileType,
    inputBytes: buf,
    decodedString: text ? text.text : null,
    encodingType: text ? text.encoding : "binary",
    md5: hash("md5", bytes),
    sha1: hash("sha1", bytes),
    sha256: hash("sha256", bytes),
    printableBytes,
    depth: ctx.depth,
    index: ctx.index,
    limit,
    occurrences: 1,
  });
  const limitAttr = note ? ` limit=${attribute(note)}` : "";
  if (text) return `<decoded type='string' name=${attribute(name)} index='${ctx.index}' depth='${ctx.depth}'${limitAttr}>${withoutMarks(text.text)}</decoded>`;
  return `<decoded value='binary' name=${attribute(name)} type='${fileType ?? "None"}' index='${ctx.index}' depth='${ctx.depth}'${limitAttr}>${printableBytes}</decoded>`;
}

/**
 * Attribute values (a member's file name, a note naming one) are no text to decode: a zip member named by its
 * SHA-256 was decoded as base64 inside its own tag's `name='…'`, and a `'` in a name ended the attribute. They
 * are written between two noncharacters that {@link candidateSpans} skips over (any in the data — the input,
 * decoded text, names — are made U+FFFD first, so data cannot hide base64 that way) and that leave the text at the end
 * ({@link withoutAttributeMarks}); `&`, `<`, `>` and `'` in them as XML writes them.
 */
const ATTR_OPEN = "\uFDD0";
const ATTR_CLOSE = "\uFDD1";
const ATTR_MARKS = /[\uFDD0\uFDD1]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;" };

function attribute(value: string): string {
  return `'${ATTR_OPEN}${withoutMarks(value).replace(/[&<>']/g, (c) => XML_ESCAPES[c])}${ATTR_CLOSE}'`;
}

/** Data (the input, decoded text, a member's name) with the marks made U+FFFD: in data they could hide base64 from the scan. */
function withoutMarks(text: string): string {
  return text.includes(ATTR_OPEN) || text.includes(ATTR_CLOSE) ? text.replace(ATTR_MARKS, "\uFFFD") : text;
}

function withoutAttributeMarks(text: string): string {
  return text.includes(ATTR_OPEN) ? text.replace(ATTR_MARKS, "") : text;
}

/**
 * The tag for decoded bytes: an archive's members (recursively, one level
 * deeper each), or the bytes themselves.
 */
function renderBytes(state: State, bytes: Uint8Array, ctx: ItemContext): string {
  const type = detectFileType(bytes);
  if (type && ARCHIVE_TYPES.has(type)) {
    if (ctx.depth >= state.opts.maxDepth) {
      return itemTag(state, bytes, ctx, `[${type}]`, "unknown", type, "maxDepth: archive not unpacked");
    }
    const contents = readArchive(bytes, type, {
      maxMembers: Math.max(0, state.membersLeft),
      maxExpandedBytes: state.opts.maxExpandedBytes,
      budget: state.budget,
    });
    if (contents.note) state.limits.push(`${ctx.depth}.${ctx.index}: ${contents.note}`);
    const members = contents.members;
    state.membersLeft -= members.length;
    const nested = members.some((m) => {
      const t = detectFileType(m.bytes);
      return t !== null && ARCHIVE_TYPES.has(t);
    });
    if (members.length === 1 && !nested && !contents.note) {
      // MSTICPy: a lone member takes the archive's place.
      const m = members[0];
      return itemTag(state, m.bytes, ctx, `[${type}] Filename: ${m.name}`, m.name, type, m.note);
    }
    if (members.length > 0) {
      const limitAttr = contents.note ? ` limit=${attribute(contents.note)}` : "";
      const children = members.map((m, k) => {
        const child: ItemContext = { original: ctx.original, index: `${ctx.index}.${k + 1}`, depth: ctx.depth + 1 };
        const t = detectFileType(m.bytes);
        if (t && ARCHIVE_TYPES.has(t) && !m.note) return renderBytes(state, m.bytes, child);
        return itemTag(state, m.bytes, child, `[${type}] Filename: ${m.name}`, m.name, type, m.note);
      });
      return `<decoded value='multiple binary' type='multiple' index='${ctx.index}' depth='${ctx.depth}'${limitAttr}>${children.join("")}</decoded>`;
    }
    return itemTag(state, bytes, ctx, `[${type}]`, "unknown", type, contents.note ?? "archive unreadable: no members");
  }
  if (type === null && !decodeText(bytes)) {
    // A bare deflate or zlib stream (PowerShell's DeflateStream, Python's zlib.compress): its output, as a lone gzip
    // member's, takes its place. MSTICPy shows the compressed bytes.
    const cap = Math.min(state.opts.maxExpandedBytes, state.budget.remaining);
    const inflated = inflateWhole(bytes, cap, cap === state.opts.maxExpandedBytes ? "maxExpandedBytes" : "maxDecodedBytes");
    if (inflated) {
      state.budget.remaining -= inflated.bytes.length;
      if (inflated.note) state.limits.push(`${ctx.depth}.${ctx.index}: ${inflated.note}`);
      return itemTag(state, inflated.bytes, ctx, `[${inflated.kind}]`, "unknown", inflated.kind, inflated.note);
    }
  }
  return itemTag(state, bytes, ctx, `[${type ?? "None"}]`, "unknown", type);
}

/** A run decoded at the current level: its tag, its items, and what decoding it cost. */
interface LevelFragment {
  tag: string;
  index: number;
  items: DecodedItem[];
  /** Budget bytes spent decoding it: each further occurrence is charged the same, as if decoded again. */
  cost: number;
}

/**
 * One pass over `text` at `depth`: every candidate run decoded and replaced.
 * A run that occurs again at the same level (the same fragment in several
 * archive members) is decoded once, recorded once with its count in
 * `occurrences`, and every occurrence gets the same tag — MSTICPy's rows.
 * Each occurrence still counts against `maxDecodedBytes` (its bytes, or what
 * its tag adds to the text when that is more), so repeats cannot inflate the
 * rewritten text past the budget.
 */
function decodeLevel(state: State, text: string, depth: number): { text: string; decoded: boolean } {
  const spans = mergeSpans(candidateSpans(text, state.opts.minLength), shortEncodedSpans(text, state.opts.minLength));
  if (!spans.length) return { text, decoded: false };
  const pieces: string[] = [];
  const seen = new Map<string, LevelFragment>();
  let last = 0;
  let index = 0;
  let decoded = false;
  // End of the base64url characters around the last candidate widened (see urlSafeRun).
  let urlReach = 0;
  for (let k = 0; k < spans.length; k += 2) {
    let at = spans[k];
    // Inside a base64url run already decoded.
    if (at < last) continue;
    let run = text.slice(at, spans[k + 1]);
    // A candidate cut from a base64url run by its `-` or `_` is decoded as that whole run when it reads as one
    // (tried once per run: the candidates after the first in it are taken alone).
    if (at >= urlReach) {
      const wide = urlSafeRun(text, at, spans[k + 1], last);
      urlReach = wide.reach;
      if (wide.run !== undefined && !state.undecodable.has(wide.run)) {
        if (seen.has(wide.run) || decodeCandidate(wide.run)) ({ at, run } = wide as { at: number; run: string });
        else state.undecodable.add(wide.run);
      }
    }
    if (state.undecodable.has(run)) continue;
    const again = seen.get(run);
    if (again) {
      let tag: string;
      // A repeat costs what it adds to the text when that is more than its bytes: a 4-character fragment's
      // ~80-character tag, repeated, grew the text by millions of characters within a budget charged 1 byte a repeat.
      const cost = Math.max(again.cost, again.tag.length - run.length);
      if (cost > state.budget.remaining) {
        state.limits.push(`maxDecodedBytes: ${state.opts.maxDecodedBytes} bytes decoded; the rest left encoded`);
        tag = `<decoded type='limit' reason='maxDecodedBytes' index='${again.index}' depth='${depth}'>${run}</decoded>`;
        state.stopped = true;
      } else {
        state.budget.remaining -= cost;
        for (const item of again.items) item.occurrences++;
        tag = again.tag;
      }
      pieces.push(text.slice(last, at), tag);
      last = at + run.length;
      if (state.stopped) break;
      continue;
    }
    let bytes = decodeCandidate(run);
    // A short argument of -EncodedCommand (see shortEncodedSpans): PowerShell's UTF-16 text only.
    if (bytes && spans[k + 1] - spans[k] < state.opts.minLength && run === text.slice(spans[k], spans[k + 1]) && decodeText(bytes)?.encoding !== "utf-16") bytes = undefined;
    if (!bytes) {
      state.undecodable.add(run);
      continue;
    }
    index++;
    let tag: string;
    if (state.fragments >= state.opts.maxFragments) {
      state.limits.push(`maxFragments: ${state.opts.maxFragments} fragments decoded; the rest left encoded`);
      tag = `<decoded type='limit' reason='maxFragments' index='${index}' depth='${depth}'>${run}</decoded>`;
      state.stopped = true;
    } else if (bytes.length > state.budget.remaining) {
      state.limits.push(`maxDecodedBytes: ${state.opts.maxDecodedBytes} bytes decoded; the rest left encoded`);
      tag = `<decoded type='limit' reason='maxDecodedBytes' index='${index}' depth='${depth}'>${run}</decoded>`;
      state.stopped = true;
    } else {
      state.fragments++;
      const before = state.budget.remaining;
      const firstItem = state.items.length;
      state.budget.remaining -= bytes.length;
      tag = renderBytes(state, bytes, { original: run, index: String(index), depth });
      seen.set(run, { tag, index, items: state.items.slice(firstItem), cost: Math.max(1, before - state.budget.remaining) });
      decoded = true;
    }
    pieces.push(text.slice(last, at), tag);
    last = at + run.length;
    if (state.stopped) break;
  }
  if (!pieces.length) return { text, decoded };
  pieces.push(text.slice(last));
  return { text: pieces.join(""), decoded };
}

/** True when `text` still holds a run that would decode. */
function hasDecodable(state: State, text: string): boolean {
  const spans = candidateSpans(text, state.opts.minLength);
  for (let k = 0; k < spans.length; k += 2) {
    const run = text.slice(spans[k], spans[k + 1]);
    if (!state.undecodable.has(run) && decodeCandidate(run)) return true;
  }
  return false;
}

/** Throws unless `options` is an options object (`example` shows one). */
function requireOptionsObject(options: unknown, fn: string, example: string): void {
  if (options === null || typeof options !== "object" || Array.isArray(options) || isDataFrame(options)) {
    throw new Base64Error(msg.base64OptionsNotObject(fn, notAFrameText(options), example));
  }
}

function resolveOptions(options: Base64UnpackOptions, fn: string, others: readonly string[] = []): Limits {
  // A misspelt limit (`max_depth`) was ignored and the default used.
  const known = [...others, ...Object.keys(BASE64_UNPACK_DEFAULTS)];
  const unknown = findUnknownOption(options, known);
  if (unknown) throw new Base64Error(msg.base64OptionUnknown(fn, unknown, known));
  const opts = { ...BASE64_UNPACK_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || !(key in BASE64_UNPACK_DEFAULTS)) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < (key === "maxPrintableBytes" ? 0 : 1)) {
      throw new Base64Error(msg.base64Option(key, value));
    }
    (opts as Record<string, number>)[key] = Math.floor(value);
  }
  return opts;
}

/** Unpacks one string: the rewritten text, the items, the limits hit. */
function unpackString(input: string, opts: Limits): { full: string; items: DecodedItem[]; limits: string[] } {
  const state: State = { opts, budget: { remaining: opts.maxDecodedBytes }, fragments: 0, membersLeft: opts.maxArchiveMembers, items: [], limits: [], undecodable: new Set(), stopped: false, originalChars: 0 };
  // The attribute marks are the tags' own (see `attribute`): in the input they could hide base64 from the scan.
  let text = withoutMarks(input);
  for (let depth = 1; ; depth++) {
    const level = decodeLevel(state, text, depth);
    text = level.text;
    // MSTICPy goes deeper only when the level's *last* candidate decoded; any success counts here.
    if (!level.decoded || state.stopped) break;
    if (depth >= opts.maxDepth) {
      if (hasDecodable(state, text)) {
        state.limits.push(`maxDepth: encoded text left at depth ${depth + 1}`);
        for (const item of state.items) if (item.depth === depth) item.limit ??= "maxDepth: decoded text holds more base64, not decoded";
        text += `<decoded type='limit' reason='maxDepth' depth='${depth + 1}'/>`;
      }
      break;
    }
  }
  return { full: withoutAttributeMarks(text), items: state.items, limits: state.limits };
}

/** The result columns after the records: each item's source row, (then the source cell,) its cell's rewritten text. */
const SRC_INDEX = "src_index";
const FULL_DECODED = "full_decoded_string";

const text = (name: string): IpcField => ({ name, kind: "text" });

/** The records' columns as the IPC writer writes them ({@link addItem} fills them in this order). */
const RECORD_FIELDS: IpcField[] = [
  text("reference"),
  text("original_string"),
  text("file_name"),
  text("file_type"),
  // polars has no Binary for JavaScript values: bytes are a list of UInt8 (as before).
  { name: "input_bytes", kind: "bytes" },
  text("decoded_string"),
  text("encoding_type"),
  text("file_hashes"),
  text("md5"),
  text("sha1"),
  text("sha256"),
  text("printable_bytes"),
  text("limit"),
  { name: "occurrences", kind: "uint32" },
];
/**
 * A chunk's batch: the records, each item's source row, the source cell when
 * `sourceName` is given, then the cell's rewritten text.
 */
function chunkFields(sourceName: string | null): IpcField[] {
  const source = sourceName === null ? [] : [text(sourceName)];
  return [...RECORD_FIELDS, { name: SRC_INDEX, kind: "uint32" }, ...source, text(FULL_DECODED)];
}
const RECORD_SCHEMA = schemaMessage(RECORD_FIELDS);
/** The last chunk schema message (only the source column's name changes from call to call). */
let chunkSchema: { sourceName: string | null; bytes: Uint8Array } | undefined;
function chunkSchemaMessage(sourceName: string | null): Uint8Array {
  if (chunkSchema?.sourceName !== sourceName) chunkSchema = { sourceName, bytes: schemaMessage(chunkFields(sourceName)) };
  return chunkSchema.bytes;
}

/** Writes an item's record columns (the first {@link RECORD_FIELDS}.length columns of the row). */
function addItem(b: BatchBuilder, i: DecodedItem): void {
  b.text(0, i.reference);
  b.text(1, i.originalString);
  b.text(2, i.fileName);
  b.text(3, i.fileType);
  b.bytes(4, i.inputBytes);
  b.text(5, i.decodedString);
  b.text(6, i.encodingType);
  // JSON.stringify's output for three hex strings, written directly.
  b.text(7, `{"md5":"${i.md5}","sha1":"${i.sha1}","sha256":"${i.sha256}"}`);
  b.text(8, i.md5);
  b.text(9, i.sha1);
  b.text(10, i.sha256);
  b.text(11, i.printableBytes);
  b.text(12, i.limit);
  b.uint32(13, i.occurrences);
}

/**
 * The records frame, in {@link BASE64_RECORD_COLUMNS} order. Written as Arrow
 * IPC bytes in JavaScript and read by polars in one call: a frame built from
 * JavaScript values costs a crossing per string and ~1 ms per Series.
 * `file_hashes` (MSTICPy: a dict) is JSON text `{"md5":…,"sha1":…,"sha256":…}`:
 * nodejs-polars cannot hand struct columns of sliced frames back to JavaScript.
 */
function recordsFrame(items: DecodedItem[]): DataFrame {
  const b = (recordsBuilder ??= new BatchBuilder(RECORD_FIELDS));
  b.reset();
  try {
    for (const item of items) {
      addItem(b, item);
      b.endRow();
    }
  } catch (err) {
    // A builder left half-written (an allocation that failed) is not reused: the next call would read its leftovers.
    recordsBuilder = undefined;
    throw err;
  }
  // A sink of the exact size, not kept: one string's records are small, or (archive bombs) big and rare.
  const sink = new ByteSink(RECORD_SCHEMA.length + b.byteLength() + END_OF_STREAM.length);
  sink.append(RECORD_SCHEMA);
  b.finish(sink);
  sink.append(END_OF_STREAM);
  if (b.capacity > RETAIN_BYTES) {
    b.release();
    recordsBuilder = undefined;
  }
  const frame = pl.readIPCStream(sink.bytes.subarray(0, sink.pos));
  sink.release();
  return frame;
}

/** Builders and sinks larger than this after a call are let go (a huge result does not pin its memory). */
const RETAIN_BYTES = 32 * 1024 * 1024;

/** This thread's builders of chunk batches (without, with the source cells) and of `unpack`'s records, reused from call to call (memory already touched costs less). */
const chunkBuilders: (BatchBuilder | undefined)[] = [];
let recordsBuilder: BatchBuilder | undefined;

/**
 * What unpackDf computes for screened cells (in the caller, or in a worker on
 * its chunk): one Arrow IPC record batch of the records, `src_index` (each
 * item's source row, from `rows`, the cells' source rows), the cell itself
 * (with `withSource`) and `full_decoded_string`, appended to `sink`; returns
 * the batch's bytes (a view into the sink). Each cell's items are written as
 * soon as it is decoded; the cell and its rewritten text only with its first
 * item (null after it, filled in by the reader).
 */
export function cellsBatch(sink: ByteSink, cells: readonly (string | null)[], rows: ArrayLike<number>, args: Base64TaskArgs): Uint8Array {
  const kind = args.withSource ? 1 : 0;
  // A batch holds no names: the source column's here is a placeholder.
  const b = (chunkBuilders[kind] ??= new BatchBuilder(chunkFields(args.withSource ? "source" : null)));
  b.reset();
  const srcIndex = RECORD_FIELDS.length;
  const full = srcIndex + 1 + kind;
  let range: { start: number; end: number };
  try {
    for (let k = 0; k < cells.length; k++) {
      const r = unpackString(cells[k] ?? "", args.limits);
      for (let j = 0; j < r.items.length; j++) {
        addItem(b, r.items[j]);
        b.uint32(srcIndex, rows[k]);
        // The cell and its rewritten text on its first item only: unpackInChunks fills the others in polars, as views
        // of the same bytes. Written per item, a 22-character cell whose 16 MB text has 33 items was 554 MB (16 s).
        if (args.withSource) b.text(srcIndex + 1, j === 0 ? cells[k] : null);
        b.text(full, j === 0 ? r.full : null);
        b.endRow();
      }
    }
    range = b.finish(sink);
  } catch (err) {
    // A builder or sink left half-written (an allocation that failed) is not reused: the next call read its
    // leftovers (every full_decoded_string empty).
    chunkBuilders[kind] = undefined;
    throw err;
  }
  const { start, end } = range;
  if (b.capacity > RETAIN_BYTES) {
    b.release();
    chunkBuilders[kind] = undefined;
  }
  return sink.bytes.subarray(start, end);
}

/** What the chunks of one unpackDf call share: the limits, and whether the batches carry the source cells. */
export interface Base64TaskArgs {
  limits: ResolvedBase64Limits;
  withSource: boolean;
}

/** A chunk of screened cells as it travels to a worker: the cells and their source rows. */
export interface Base64ChunkInput {
  cells: (string | null)[];
  rows: Uint32Array;
}

/**
 * Sinks this thread reuses from call to call: the result stream, and one per
 * chunk it computes. Freshly touched memory is what costs on big outputs
 * (≈ 14 µs a 4 KB page on the machine measured); sinks that grew past
 * {@link RETAIN_BYTES} are let go after the call.
 */
const resultSink = { current: new ByteSink() };
const chunkSinks: ByteSink[] = [];
function releaseBigSinks(): void {
  const big = (sink: ByteSink) => {
    if (sink.bytes.length <= RETAIN_BYTES) return false;
    sink.release();
    return true;
  };
  if (big(resultSink.current)) resultSink.current = new ByteSink();
  for (let j = 0; j < chunkSinks.length; j++) if (big(chunkSinks[j])) chunkSinks[j] = new ByteSink();
}

/**
 * {@link cellsBatch} over chunks of the cells spread on worker threads,
 * merged in order into one IPC stream that polars reads in one call; in this
 * thread when there are few cells. With `sourceName`, the batches carry the
 * cells as that column.
 */
function unpackInChunks(cells: (string | null)[], rows: Uint32Array, opts: Limits, parallel: Required<ParallelOptions>, sourceName: string | null): DataFrame {
  const args: Base64TaskArgs = { limits: opts, withSource: sourceName !== null };
  // One chunk per thread (at most chunkRows): each chunk has a fixed cost (its message, its batch).
  const threads = Math.max(1, Math.floor(parallel.workers)) + 1;
  const chunkRows = Math.max(1, Math.min(Math.floor(parallel.chunkRows), Math.ceil(cells.length / threads)));
  let used = 0;
  const nextSink = () => {
    const sink = (chunkSinks[used++] ??= new ByteSink());
    sink.pos = 0;
    return sink;
  };
  const localBatch = (offset: number, length: number) =>
    cellsBatch(nextSink(), offset === 0 && length === cells.length ? cells : cells.slice(offset, offset + length), rows.subarray(offset, offset + length), args);
  let parts: Uint8Array[];
  if (parallel.workers <= 0 || cells.length < parallel.minRows || cells.length <= chunkRows) parts = [localBatch(0, cells.length)];
  else {
    // Chunks of even size, so that the threads finish together.
    const ranges = chunkRanges(cells.length, Math.ceil(cells.length / Math.ceil(cells.length / chunkRows)));
    parts = runChunked<Base64ChunkInput, Uint8Array>(
      {
        task: "base64",
        args,
        ranges,
        prepare: (i) => {
          const { offset, length } = ranges[i];
          return { cells: cells.slice(offset, offset + length), rows: rows.slice(offset, offset + length) };
        },
        compute: (chunk) => cellsBatch(nextSink(), chunk.cells, chunk.rows, args),
        local: (i) => localBatch(ranges[i].offset, ranges[i].length),
      },
      parallel,
    );
  }
  const schema = chunkSchemaMessage(sourceName);
  const sink = resultSink.current;
  sink.pos = 0;
  sink.ensure(schema.length + parts.reduce((n, p) => n + p.length, 0) + END_OF_STREAM.length);
  sink.append(schema);
  for (const p of parts) sink.append(p);
  sink.append(END_OF_STREAM);
  // polars copies what it reads: the sinks are free again once this returns.
  const frame = pl.readIPCStream(sink.bytes.subarray(0, sink.pos));
  releaseBigSinks();
  // Each cell's text is on its first item (see cellsBatch); every item's cell starts with one.
  const once = sourceName === null ? [FULL_DECODED] : [sourceName, FULL_DECODED];
  return frame.withColumns(...once.map((name) => pl.col(name).forwardFill()));
}

/**
 * Inputs from this many rows are screened in slices, one per core, which
 * polars evaluates in parallel (below it, the slices' set-up costs more than
 * the second core saves).
 */
const SCREEN_SPLIT_ROWS = 200_000;

/** Slices of the screen: one per core (polars' thread pool has a thread per core). */
const SCREEN_SLICES = PARALLEL_DEFAULTS.workers + 1;

/** How {@link screenRows} slices a column (defaults: one slice per core, from 200k rows). */
export interface ScreenSlicing {
  slices?: number;
  minRows?: number;
}

/**
 * The positions (ascending) of the rows where `pattern` matches. A big column
 * is cut into equal slices, made the columns of one frame and screened by one
 * `select`, whose expressions polars runs in parallel: the regex pass uses
 * every core. The result is the same as one `str.contains` over the column.
 */
export function screenRows(text: Series, pattern: string, slicing: ScreenSlicing = {}): Uint32Array {
  const n = text.length;
  const slices = Math.max(1, Math.floor(slicing.slices ?? SCREEN_SLICES));
  if (slices < 2 || n < (slicing.minRows ?? SCREEN_SPLIT_ROWS) || n < slices * slices) {
    return text.str.contains(pattern).argTrue().toTypedArray() as Uint32Array;
  }
  // The columns of a frame have one length: the last slice ends at the last row and
  // overlaps the one before it by a few rows, whose hits are taken from the earlier slice.
  const size = Math.ceil(n / slices);
  const starts = Array.from({ length: slices }, (_, p) => Math.min(p * size, n - size));
  const frame = pl.DataFrame(Object.fromEntries(starts.map((start, p) => [`s${p}`, text.slice(start, size)])));
  const hits = frame.select(...frame.columns.map((c) => pl.col(c).str.contains(pattern)));
  const out: number[] = [];
  hits.getColumns().forEach((column, p) => {
    const found = column.argTrue().toTypedArray() as Uint32Array;
    const from = p * size; // rows before it belong to the previous slice
    for (let j = 0; j < found.length; j++) if (starts[p] + found[j] >= from) out.push(starts[p] + found[j]);
  });
  return Uint32Array.from(out);
}

/**
 * Decodes the base64 in one string.
 *
 * ```ts
 * const { fullDecodedString, records } = base64.unpack("cGluZyAgbWljcm9zb2Z0LmNvbSAtbiAxNSA=");
 * // "<decoded type='string' name='[None]' index='1' depth='1'>ping  microsoft.com -n 15 </decoded>"
 * ```
 */
export function unpack(text: string | null | undefined, options: Base64UnpackOptions = {}): UnpackResult {
  // Not text (a number, a list, a frame) was a TypeError from inside the decoder; null and undefined are no text.
  const input: unknown = text;
  if (input !== null && input !== undefined && typeof input !== "string") throw new Base64Error(msg.base64NotText(notAFrameText(input)));
  requireOptionsObject(options ?? {}, "base64.unpack", "{ maxDepth: 2 }");
  const opts = resolveOptions(options ?? {}, "base64.unpack");
  const { full, items, limits } = unpackString(text ?? "", opts);
  return { fullDecodedString: full, records: recordsFrame(items), items, limits };
}

/**
 * Decodes the base64 in a text column: one row per decoded item, MSTICPy's
 * columns (`reference … printable_bytes`), `limit`, `occurrences` (how often
 * the item's run occurs at its level: a repeated fragment is one row, as in
 * MSTICPy), then `src_index` (the source row), the source column itself and
 * `full_decoded_string`. Rows with nothing decoded give no output; null cells
 * are empty text.
 *
 * Polars screens the column first (runs of 30+ base64 characters; big
 * columns in slices on every core), so only rows that can hold base64 reach
 * JavaScript; their records are decoded and written as Arrow IPC batches in chunks on
 * worker threads when there are many (`parallel`).
 *
 * Join back to the source rows with
 * `data.withRowIndex("SourceIndex").join(decoded, { leftOn: "SourceIndex", rightOn: "src_index" })`.
 */
export function unpackDf(data: DataFrame, options: UnpackDfOptions): DataFrame {
  // A LazyFrame or a Series had its members listed as "columns", a Promise none, undefined was a TypeError.
  if (!isDataFrame(data)) throw new Base64Error(msg.base64NotAFrame(notAFrameText(data)));
  // Untyped callers: no options is "no column", as `{}` is (it was a destructuring TypeError).
  options ??= {} as UnpackDfOptions;
  // MSTICPy passes the column positionally: `unpackDf(df, "CommandLine")` read as an option named 0.
  requireOptionsObject(options, "base64.unpackDf", '{ column: "CommandLine" }');
  const { column, indexColumn, ...limits } = options;
  const opts = resolveOptions(limits, "base64.unpackDf", ["column", "indexColumn", "parallel"]);
  if (column === undefined || column === null || column === "") throw new Base64Error(msg.base64NoColumn());
  if (typeof column !== "string") throw new Base64Error(msg.base64ColumnOption("column", column));
  if (indexColumn !== undefined && typeof indexColumn !== "string") throw new Base64Error(msg.base64ColumnOption("indexColumn", indexColumn));
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  data = wideIntsAsText(data);
  // Through the frame's own keys, not its members: a column may be named `columns` or `getColumn`.
  const names = columnNames(data);
  // A dotted name reaches into a struct column (`process.command_line` of nested ECS JSON), as IoCExtract's does.
  const source = columnOrField(data, column);
  if (!source) {
    throw new Base64Error(msg.base64ColumnMissing(column, names));
  }
  if (indexColumn !== undefined && !names.includes(indexColumn)) {
    throw new Base64Error(msg.base64IndexColumnMissing(indexColumn, names));
  }
  // A list column (ECS `process.args`) as its elements' text joined by spaces: polars cannot cast a list to text.
  const text = textSeries(source);
  const rows = screenRows(text, `[${BASE64_CHARS}]{${opts.minLength},}|${ENCODED_FLAG_SCREEN}`);
  const cells = (rows.length ? text.gather(Array.from(rows)).toArray() : []) as unknown as (string | null)[];

  const parallel = { ...BASE64_PARALLEL_DEFAULTS, ...Object.fromEntries(Object.entries(options.parallel ?? {}).filter(([, v]) => v !== undefined)) };
  const sourceName = (BASE64_RECORD_COLUMNS as readonly string[]).includes(column) || [SRC_INDEX, FULL_DECODED].includes(column) ? `${column}_source` : column;
  // A text column's screened cells are its values: the batches carry them, and the frame polars reads is the
  // result, with no Series made here (each nodejs-polars Series object is ~0.4 MB that outlives young-generation
  // collections: the 4 this saves were a third of the collector's time per call). Otherwise the values are
  // gathered, after the calls on `out`, whose proxy would answer a method named like the source column with it.
  let out: DataFrame;
  try {
    out = unpackInChunks(cells, rows, opts, parallel, text === source && indexColumn === undefined ? sourceName : null);
  } catch (err) {
    // Sinks a failed call was writing are not reused either.
    chunkSinks.length = 0;
    resultSink.current = new ByteSink();
    throw err;
  }
  if (text !== source || indexColumn !== undefined) {
    const at = Array.from(out.getColumn(SRC_INDEX).toTypedArray() as Uint32Array);
    if (indexColumn !== undefined) out.replaceAtIdx(BASE64_RECORD_COLUMNS.length, columnOf(data, indexColumn).gather(at).rename(SRC_INDEX));
    out.insertAtIdx(BASE64_RECORD_COLUMNS.length + 1, source.gather(at).rename(sourceName));
  }
  return withRichLastValue(out);
}

/** MSTICPy's `base64` module: `base64.unpack(text)` and `base64.unpackDf(df, { column })`. */
export const base64 = Object.freeze({ unpack, unpackDf });
