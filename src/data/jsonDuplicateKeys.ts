/**
 * JSON records that repeat a key in one object (`{"CommandLine":"benign","CommandLine":"evil"}`). polars keeps
 * the first value; JSON.parse, Python's json (so pandas and MSTICPy) and most SIEMs keep the last. Log data is
 * attacker-controlled: such a record would show an analyst another command line than the other tools show. The
 * readers make the last win: a screen finds the records that may repeat a key, an exact check confirms it, and
 * only those records are written again (JSON.parse's reading, every number's text kept) before polars reads them.
 *
 * The screen skips string contents with Buffer.indexOf (native) and hashes each record's keys with their nesting
 * into one number: a record whose key layout was already checked (most records of a log share a few layouts) is
 * not checked again. Bounded: the layouts remembered are capped, the file is read in chunks of whole lines.
 */
import fs from "node:fs";
import { randomInt } from "node:crypto";

/** Records (by byte range in the text screened) that repeat a key, and the keys repeated. */
export interface DuplicateKeys {
  /** Byte ranges [start, end) of the records that repeat a key, in order. */
  records: [number, number][];
  /** The keys repeated (decoded: `"Command\u004cine"` is CommandLine), each once, in the order found. */
  keys: string[];
  /** Offset of the first bracket nested deeper than {@link MAX_JSON_DEPTH}, when one is (one record or an array of them: the screen stops there). */
  tooDeep?: number;
  /** JSON lines: byte ranges [start, end) of the lines nested deeper than {@link MAX_JSON_DEPTH}, newline included; the screen goes on after each. */
  deepLines?: [number, number][];
  /**
   * An array of records: byte ranges [start, end) to cut for the records nested deeper than {@link MAX_JSON_DEPTH},
   * each with one comma beside it (the text without them is still an array; cuts of adjacent records are one);
   * the screen goes on after each. When no record of the array is left, `tooDeep` is set instead (nothing to read).
   */
  deepRecords?: [number, number][];
  /** How many records {@link deepRecords} cuts. */
  deepCount?: number;
}

/**
 * Deepest nesting of arrays and objects a JSON data file may have (a record is one level). polars' JSON reader
 * recurses per level: a line 1,000 levels deep held it for minutes and one 100,000 deep overflowed its stack,
 * ending the kernel's process (a segmentation fault). Real logs nest a few levels (Elasticsearch maps 20).
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
/** Key layouts remembered as checked, at most (then forgotten and learnt again): bounded memory on any file. */
const MAX_LAYOUTS = 8192;
/** Seeds of the layout hashes, per process: a crafted file cannot aim at a collision that hides its record. */
const SEED_A = randomInt(1, 2 ** 31);
const SEED_B = randomInt(1, 2 ** 31);

/**
 * Records in `text[from, to)` that repeat a key in one object. `recordDepth` is the depth at which records
 * open: 0 for JSON lines or one record, 1 for an array of records. `perLine` (default: records at depth 0): a
 * record ends with its line, as in JSON lines; false for one record written over several lines (pretty-printed).
 * Text that is no valid JSON is passed over (polars says so).
 */
export function findDuplicateKeys(text: Buffer, from = 0, to = text.length, recordDepth = 0, layouts: Set<number> = new Set(), perLine = recordDepth === 0): DuplicateKeys {
  const records: [number, number][] = [];
  const keys = new Set<string>();
  const deepLines: [number, number][] = [];
  const deepRecords: [number, number][] = [];
  /** Records of an array kept (closed at their depth, not too deep): none with deep ones is a refusal. */
  let kept = 0;
  let deepCount = 0;
  let depth = 0;
  let start = -1;
  let a = SEED_A;
  let b = SEED_B;
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === QUOTE) {
      // A string: its end is the next quote not escaped (an odd run of backslashes before it escapes it).
      let end = text.indexOf(QUOTE, i + 1);
      while (end > 0 && end < to && escaped(text, end)) end = text.indexOf(QUOTE, end + 1);
      if (end < 0 || end >= to) break;
      let j = end + 1;
      while (j < to && (text[j] === 0x20 || text[j] === 0x09 || text[j] === 0x0d)) j++;
      if (start >= 0 && text[j] === COLON) {
        // A key: into the layout's hashes, with its depth.
        a = Math.imul(a ^ (depth + 0x9e37), 0x01000193);
        b = Math.imul(b ^ (depth + 0x7f4a), 0x5bd1e995);
        // Four bytes at a time (a quarter of the screen's CPU went to hashing byte by byte), then the rest.
        let k = i + 1;
        for (; k + 4 <= end; k += 4) {
          const w = view.getInt32(k, true);
          a = Math.imul(a ^ w, 0x01000193);
          b = Math.imul(b ^ w, 0x5bd1e995);
          a ^= a >>> 15;
          b ^= b >>> 13;
        }
        for (; k < end; k++) {
          a = Math.imul(a ^ text[k], 0x01000193);
          b = Math.imul(b ^ text[k], 0x5bd1e995);
        }
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth === recordDepth && c === 0x7b) {
        start = i;
        a = SEED_A;
        b = SEED_B;
      }
      depth++;
      // Found by the screen every JSON read runs anyway: no pass of its own. In JSON lines the line is set aside
      // (one hostile record must not cost the file: the reader leaves it out) and the screen goes on after it.
      if (depth > MAX_JSON_DEPTH) {
        // In an array of records, the record is cut (one hostile record must not cost the others): to its end.
        const end = !perLine && recordDepth === 1 && start >= 0 ? closingBracket(text, i + 1, to, depth - recordDepth) : -1;
        if (end >= 0) {
          cutRecord(text, start, end, to, deepRecords);
          deepCount++;
          depth = recordDepth;
          start = -1;
          i = end;
          continue;
        }
        if (!perLine) return { records, keys: [...keys], tooDeep: i };
        const lineStart = Math.max(from, text.lastIndexOf(NEWLINE, i) + 1);
        const newline = text.indexOf(NEWLINE, i);
        const lineEnd = newline < 0 || newline >= to ? to : newline + 1;
        deepLines.push([lineStart, lineEnd]);
        depth = 0;
        start = -1;
        i = lineEnd;
        continue;
      }
      // Nesting is part of the layout: {"a":{"b":1},"b":2} differs from {"a":{"b":1,"b":2}}.
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      if (depth === recordDepth && start >= 0 && c === 0x7d) {
        kept++;
        const layout = (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
        if (!layouts.has(layout)) {
          const repeated = repeatedKeys(text.toString("utf8", start, i + 1));
          if (repeated.length) {
            records.push([start, i + 1]);
            for (const k of repeated) keys.add(k);
          } else {
            if (layouts.size >= MAX_LAYOUTS) layouts.clear();
            layouts.add(layout);
          }
        }
        start = -1;
      }
    } else if (c === NEWLINE && perLine && depth !== 0) {
      // A line that is no complete record: start the next line afresh.
      depth = 0;
      start = -1;
    }
    i++;
  }
  if (deepRecords.length) {
    // Every record too deep: nothing would be read, which is the single record's refusal, not an empty frame.
    const first = text.indexOf(0x7b, deepRecords[0][0]);
    return kept ? { records, keys: [...keys], deepRecords, deepCount } : { records, keys: [...keys], tooDeep: first };
  }
  return deepLines.length ? { records, keys: [...keys], deepLines } : { records, keys: [...keys] };
}

/**
 * The offset just past the bracket closing `open` levels opened before `from` (strings skipped), or -1 when the
 * text ends first. A counter, no recursion: any depth costs one pass.
 */
function closingBracket(text: Buffer, from: number, to: number, open: number): number {
  let depth = open;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === QUOTE) {
      let end = text.indexOf(QUOTE, i + 1);
      while (end > 0 && end < to && escaped(text, end)) end = text.indexOf(QUOTE, end + 1);
      if (end < 0 || end >= to) return -1;
      i = end;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

const isBlank = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Adds to `cuts` the range cutting the array element `text[start, end)` with one comma: the one after it (and the
 * blanks after that), or for the last element the one before the run of elements cut just before it, so that
 * `[{a},{D1},{D2}]` becomes `[{a}]`, not `[{a},]`.
 */
function cutRecord(text: Buffer, start: number, end: number, to: number, cuts: [number, number][]): void {
  let j = end;
  while (j < to && isBlank(text[j])) j++;
  if (text[j] === 0x2c) {
    j++;
    while (j < to && isBlank(text[j])) j++;
    cuts.push([start, j]);
    return;
  }
  let s = start;
  while (cuts.length && cuts[cuts.length - 1][1] === s) s = cuts.pop()![0];
  let k = s - 1;
  while (k >= 0 && isBlank(text[k])) k--;
  cuts.push([text[k] === 0x2c ? k : s, end]);
}

/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function escaped(text: Buffer, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && text[k] === BACKSLASH; k--) n++;
  return n % 2 === 1;
}

/** The keys one JSON record repeats in one of its objects (decoded), by an exact walk of its text. */
export function repeatedKeys(record: string): string[] {
  // A set: a crafted record repeating thousands of distinct keys made a list's look-ups quadratic.
  const out = new Set<string>();
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  while (i < record.length) {
    const c = record[i];
    if (c === '"') {
      let end = record.indexOf('"', i + 1);
      while (end > 0) {
        let n = 0;
        for (let k = end - 1; record[k] === "\\"; k--) n++;
        if (n % 2 === 0) break;
        end = record.indexOf('"', end + 1);
      }
      if (end < 0) return [...out];
      let j = end + 1;
      while (record[j] === " " || record[j] === "\t" || record[j] === "\r" || record[j] === "\n") j++;
      const top = stack[stack.length - 1];
      if (record[j] === ":" && top) {
        const raw = record.slice(i, end + 1);
        let key: string;
        try {
          key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        } catch {
          return [...out];
        }
        if (top.has(key)) out.add(key);
        else top.add(key);
      }
      i = end + 1;
      continue;
    }
    if (c === "{") stack.push(new Set());
    else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    i++;
  }
  return [...out];
}

/**
 * A record written again as JSON.parse reads it (the last of a repeated key wins, in the place of its first
 * appearance), every number's text kept as written (an id past 2^53 stays exact for polars).
 */
export function lastKeyWins(record: string): string {
  const RAW = Symbol("raw");
  type Raw = { [RAW]: string };
  const value = JSON.parse(record, (_key, v: unknown, context?: { source?: string }) => (typeof v === "number" && context?.source !== undefined ? ({ [RAW]: context.source } as Raw) : v));
  const write = (v: unknown): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (RAW in (v as object)) return (v as Raw)[RAW];
    if (Array.isArray(v)) return `[${v.map(write).join(",")}]`;
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(",")}}`;
  };
  return write(value);
}

/**
 * `text` with its records in `records` written again by {@link lastKeyWins}, and the ranges in `cuts` (records too
 * deep, {@link DuplicateKeys.deepRecords}) left out. Both sorted; they never overlap.
 */
export function withLastKeysWinning(text: Buffer, records: readonly [number, number][], cuts: readonly [number, number][] = []): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  const edits = [...records.map(([s, e]) => [s, e, true] as const), ...cuts.map(([s, e]) => [s, e, false] as const)].sort((x, y) => x[0] - y[0]);
  for (const [start, end, rewrite] of edits) {
    parts.push(text.subarray(at, start));
    if (rewrite) parts.push(Buffer.from(lastKeyWins(text.toString("utf8", start, end))));
    at = end;
  }
  parts.push(text.subarray(at));
  return Buffer.concat(parts);
}

/** Bytes read at a time by {@link fileDuplicateKeys}, at most (a longer line gets a bigger buffer): whole lines of them are screened. */
const CHUNK = 16 * 1024 * 1024;

/** Its first read's size: most JSON files a notebook reads are smaller. */
const FIRST_CHUNK = 64 * 1024;

/**
 * The records of a JSON-lines file (from byte `offset`: after a byte-order mark) that repeat a key: the file is
 * screened in chunks of whole lines (bounded memory). Ranges are offsets in the file.
 */
export function fileDuplicateKeys(file: string, offset = 0): DuplicateKeys {
  const fd = fs.openSync(file, "r");
  const records: [number, number][] = [];
  const keys = new Set<string>();
  const deepLines: [number, number][] = [];
  const layouts = new Set<number>();
  try {
    // Small first, four times bigger after each read that fills it, up to CHUNK: a 16 MiB buffer for a 2 KB file cost
    // ~8 ms of CPU and 4,096 fresh pages zero-filling it. Not zero-filled: only the bytes read are looked at.
    let buffer = Buffer.allocUnsafe(FIRST_CHUNK);
    let position = offset;
    let carry = 0;
    let full = false;
    for (;;) {
      if (carry === buffer.length || (full && buffer.length < CHUNK)) {
        // One line longer than the buffer, or a file longer than it: a bigger one.
        const bigger = Buffer.allocUnsafe(carry === buffer.length ? buffer.length * 2 : Math.min(CHUNK, buffer.length * 4));
        buffer.copy(bigger, 0, 0, carry);
        buffer = bigger;
      }
      const read = fs.readSync(fd, buffer, carry, buffer.length - carry, position);
      full = read === buffer.length - carry;
      position += read;
      const filled = carry + read;
      const last = read === 0 ? filled : buffer.lastIndexOf(NEWLINE, filled - 1) + 1;
      const whole = last > 0 ? last : read === 0 ? filled : 0;
      if (whole > 0) {
        const base = position - filled;
        const found = findDuplicateKeys(buffer, 0, whole, 0, layouts);
        for (const [s, e] of found.records) records.push([base + s, base + e]);
        for (const k of found.keys) keys.add(k);
        for (const [s, e] of found.deepLines ?? []) deepLines.push([base + s, base + e]);
      }
      if (read === 0) break;
      buffer.copy(buffer, 0, whole, filled);
      carry = filled - whole;
    }
  } finally {
    fs.closeSync(fd);
  }
  return deepLines.length ? { records, keys: [...keys], deepLines } : { records, keys: [...keys] };
}
