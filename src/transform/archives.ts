/**
 * Members of zip, gzip and tar archives, read with hard limits: a member count,
 * and a byte budget that stops decompression as soon as it is spent, so a
 * decompression bomb costs a few megabytes and milliseconds, not gigabytes.
 * Corrupt or truncated archives give what could be read plus an error note;
 * they never throw.
 */
import zlib from "node:zlib";
import { isUtf8 } from "node:buffer";
import { Gunzip, Inflate } from "fflate";
import { detectFileType, type FileType } from "./fileTypes";

/** A member read from an archive. */
export interface ArchiveMember {
  name: string;
  bytes: Uint8Array;
  /** Why the member is incomplete (a limit, encryption, corruption), when it is. */
  note?: string;
}

/** What an archive held, within the limits. */
export interface ArchiveContents {
  members: ArchiveMember[];
  /** Set when members were left out (the member limit or the byte budget), or the directory was unreadable. */
  note?: string;
}

/** Limits for one archive; `budget` is shared with everything else decoded from the same input. */
export interface ArchiveLimits {
  /** Members read at most. */
  maxMembers: number;
  /** Bytes all members of this archive may expand to. */
  maxExpandedBytes: number;
  /** Bytes left for this input string as a whole; reduced as members are read. */
  budget: { remaining: number };
}

/** Input fed to the decompressor per step: bounds what one step can produce (≈1032× for deflate). */
const STEP = 1024;

const utf8 = new TextDecoder("utf-8");

interface Capped {
  bytes: Uint8Array;
  note?: string;
}

/** Runs a streaming decompressor over `data`, keeping at most `cap` output bytes. */
function decompressCapped(data: Uint8Array, make: (ondata: (chunk: Uint8Array) => void) => { push(chunk: Uint8Array, final?: boolean): void }, cap: number, limitName: string): Capped {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const stream = make((chunk) => {
    if (over) return;
    const room = cap - total;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.slice(0, room));
      total = cap;
      over = true;
    } else {
      chunks.push(chunk.slice());
      total += chunk.length;
    }
  });
  let note: string | undefined;
  try {
    if (data.length === 0) stream.push(new Uint8Array(0), true);
    for (let off = 0; off < data.length && !over; off += STEP) stream.push(data.subarray(off, off + STEP), off + STEP >= data.length);
  } catch (err) {
    note = `corrupt or truncated data: ${(err as Error).message}`;
  }
  if (over) note = `${limitName}: output stopped at ${cap} bytes`;
  return { bytes: concat(chunks, total), note };
}

/** CRC-32 table for runtimes without `zlib.crc32` (Node before 20.15 and 22.2). */
let crcTable: Uint32Array | undefined;

/** The CRC-32 (zip's and gzip's) of `bytes`: zlib's native one where Node has it. */
function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const hex32 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** The cap for the next member: what is left of the archive's allowance and of the input's budget. */
function capFor(limits: ArchiveLimits, used: number): { cap: number; limitName: string } {
  const archiveLeft = limits.maxExpandedBytes - used;
  return archiveLeft <= limits.budget.remaining
    ? { cap: Math.max(0, archiveLeft), limitName: "maxExpandedBytes" }
    : { cap: Math.max(0, limits.budget.remaining), limitName: "maxDecodedBytes" };
}

/** Reads the members of a zip, gz or tar archive within `limits`. */
export function readArchive(bytes: Uint8Array, type: FileType, limits: ArchiveLimits): ArchiveContents {
  if (type === "gz") return readGzip(bytes, limits);
  if (type === "zip") return readZip(bytes, limits);
  if (type === "tar") return readTar(bytes, limits);
  return { members: [] };
}

// ---------------------------------------------------------------- gzip

/** The original file name stored in a gzip header (FNAME), if any. */
function gzipName(b: Uint8Array): string | undefined {
  const flags = b[3];
  let p = 10;
  if (flags & 4) p += 2 + (b[10] | (b[11] << 8)); // FEXTRA
  if (!(flags & 8) || p >= b.length) return undefined;
  let end = p;
  while (end < b.length && end - p < 1024 && b[end] !== 0) end++;
  return end > p ? utf8.decode(b.subarray(p, end)) : undefined;
}

/** The largest output chunk `gunzipWhole` asks zlib for (its default). */
const GUNZIP_MAX_CHUNK = 16 * 1024;

/**
 * The whole content of a gzip file of one member that decompresses within
 * `cap` bytes, by native zlib (a streaming fflate decoder costs ~0.1 ms of
 * set-up per small payload); undefined for anything else — over the cap,
 * corrupt, truncated, several members, trailing bytes — which the capped
 * streaming decoder then reads, notes and all. The output cannot exceed the
 * cap (`maxOutputLength`): a bomb stops there.
 */
export function gunzipWhole(bytes: Uint8Array, cap: number): Uint8Array | undefined {
  if (cap < 1 || bytes.length < 18) return undefined;
  const n = bytes.length;
  const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  try {
    // Output chunks sized by the trailer's claim (checked below; bounded either way): zlib's
    // default 16 KiB chunk per call cost more than the inflating itself for small payloads.
    const chunkSize = Math.min(GUNZIP_MAX_CHUNK, Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(isize, cap) + 1));
    const { buffer, engine } = zlib.gunzipSync(bytes, { maxOutputLength: cap, chunkSize, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    // Every input byte consumed, and the trailer's size (ISIZE) is the whole output: exactly one member.
    if (engine.bytesWritten !== n || isize !== buffer.length % 2 ** 32) return undefined;
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- bare deflate and zlib streams

/** A deflate stream with no archive around it, and what it inflated to. */
export interface Inflated {
  /** `zlib` (RFC 1950: a 2-byte header, an Adler-32 after) or `deflate` (RFC 1951, raw). */
  kind: "zlib" | "deflate";
  bytes: Uint8Array;
  /** Set when the output was cut at `cap`. */
  note?: string;
}

/** True when `b` starts with a zlib header: deflate, window ≤ 32 KiB, no preset dictionary, check bits right. */
function zlibHeader(b: Uint8Array): boolean {
  return b.length >= 6 && (b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && (b[1] & 0x20) === 0 && ((b[0] << 8) | b[1]) % 31 === 0;
}

/**
 * The output of `bytes` read as a bare zlib or raw deflate stream — what
 * PowerShell's `IO.Compression.DeflateStream` (Invoke-Obfuscation, Empire,
 * Cobalt Strike's stagers) and Python's `zlib.compress` write before base64 —
 * or undefined when it is no such stream. Raw deflate has no header, so it is
 * taken only when the stream ends exactly at the last byte: of 50,000 random
 * blobs (24–223 bytes) 236 inflated some prefix and none ended there. Output
 * stops at `cap` bytes (a deflate bomb); a cut stream is taken when what came
 * out is UTF-8 or a known file type, and noted.
 */
export function inflateWhole(bytes: Uint8Array, cap: number, limitName: string): Inflated | undefined {
  if (cap < 1 || bytes.length < 2) return undefined;
  const kinds: Inflated["kind"][] = [...(zlibHeader(bytes) ? ["zlib" as const] : []), ...(firstBlockValid(bytes) ? ["deflate" as const] : [])];
  if (!kinds.length) return undefined;
  // Most blobs tried are no stream (a hash's or a token's bytes): zlib's error for each, with its stack, was most of
  // the cost (unpackDf's CPU ×3 on 100k command lines). The error is not read: no stack captured.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return inflateKinds(bytes, kinds, cap, limitName);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Order of the code length code lengths in a dynamic block's header (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * False when a raw deflate stream's first block header is one zlib refuses: block type 3 (reserved), a stored block
 * whose length's complement is wrong, a dynamic block with more than 286 literal or 30 distance codes, whose code
 * length code is not a complete prefix code (RFC 1951 §3.2.3–7; zlib's "invalid code lengths set") or whose code
 * lengths zlib refuses ({@link dynamicCodesValid}), a fixed-code block whose first symbols fail ({@link fixedBlockStarts}).
 * Most random blobs fail it without a zlib call.
 */
function firstBlockValid(b: Uint8Array): boolean {
  let bit = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let k = 0; k < n; k += 1, bit += 1) v |= ((b[bit >> 3] >> (bit & 7)) & 1) << k;
    return v;
  };
  bits(1);
  const type = bits(2);
  if (type === 3) return false;
  if (type === 0) return b.length >= 5 && (b[1] ^ b[3]) === 0xff && (b[2] ^ b[4]) === 0xff;
  if (type === 1) return fixedBlockStarts(b, bits);
  if (b.length < 10) return false;
  const hlit = bits(5);
  const hdist = bits(5);
  if (hlit > 29 || hdist > 29) return false;
  const count = bits(4) + 4;
  const lengths = new Array<number>(19).fill(0);
  for (let k = 0; k < count; k += 1) lengths[CODE_LENGTH_ORDER[k]] = bits(3);
  // Kraft sum in units of 2^-7: a complete code sums to 2^7 exactly.
  let sum = 0;
  for (const length of lengths) if (length) sum += 1 << (7 - length);
  if (sum !== 128) return false;
  return dynamicCodesValid(b, () => bit, bits, lengths, hlit + 257, hdist + 1);
}

/**
 * False when a dynamic block's code lengths (after its code length code, which the caller found complete) fail as
 * zlib's inflate fails them (inflate.c, CODELENS; inftrees.c): a repeat of the previous length with none before it,
 * a repeat past the last length, no code for end-of-block (256), a literal/length or distance code over-subscribed
 * or incomplete (a lone code of one bit excepted; no distance codes at all is allowed). Random blobs that pass the
 * code length code's check went to zlib: ~500 calls of 30–60 µs per 1M command lines. True when the bytes end
 * before the lengths do (zlib decides).
 */
function dynamicCodesValid(b: Uint8Array, at: () => number, bits: (n: number) => number, codeLengths: readonly number[], nlen: number, ndist: number): boolean {
  const total = b.length * 8;
  // The code length code, canonical (RFC 1951 §3.2.2): codes per length, symbols by length then value.
  const counts = new Array<number>(8).fill(0);
  for (const length of codeLengths) counts[length] += 1;
  const symbols: number[] = [];
  for (let length = 1; length <= 7; length += 1) for (let s = 0; s < 19; s += 1) if (codeLengths[s] === length) symbols.push(s);
  // One symbol, read a bit at a time, most significant first (as puff.c decodes).
  const symbol = (): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= 7; length += 1) {
      code |= bits(1);
      const n = counts[length];
      if (code - n < first) return symbols[index + (code - first)];
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    return -1; // not reached: the code is complete
  };
  const lens = new Uint8Array(nlen + ndist);
  let have = 0;
  while (have < lens.length) {
    const s = symbol();
    if (at() > total) return true;
    if (s < 16) {
      lens[have++] = s;
      continue;
    }
    let copy: number;
    let length = 0;
    if (s === 16) {
      if (have === 0) return false;
      length = lens[have - 1];
      copy = 3 + bits(2);
    } else copy = s === 17 ? 3 + bits(3) : 11 + bits(7);
    if (at() > total) return true;
    if (have + copy > lens.length) return false;
    lens.fill(length, have, have + copy);
    have += copy;
  }
  if (lens[256] === 0) return false;
  return codeValid(lens.subarray(0, nlen)) && codeValid(lens.subarray(nlen));
}

/** inftrees.c's test of a literal/length or distance code: not over-subscribed; complete unless empty or one 1-bit code. */
function codeValid(lens: Uint8Array): boolean {
  const counts = new Array<number>(16).fill(0);
  for (const length of lens) counts[length] += 1;
  let max = 15;
  while (max >= 1 && counts[max] === 0) max -= 1;
  if (max === 0) return true;
  let left = 1;
  for (let length = 1; length <= 15; length += 1) {
    left = (left << 1) - counts[length];
    if (left < 0) return false;
  }
  return left === 0 || max === 1;
}

/** Length codes 257–285: base lengths and extra bits (RFC 1951 §3.2.5). */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Distance codes 0–29: base distances and extra bits. */
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** Symbols of a fixed-code first block walked before zlib is left to decide. */
const FIXED_SYMBOLS_CHECKED = 128;

/**
 * False when a raw deflate stream's first block, of fixed codes, fails where zlib would: a length code 286/287 or a
 * distance code 30/31 (invalid codes), a distance back past the start of the output (no dictionary: "invalid distance
 * too far back"), or the bytes ending inside the block. A random blob read so hits a length code within a few symbols
 * and its distance is almost never within the few bytes written: a quarter of the blobs tried (block type 1) went to
 * zlib, most of unpackDf's extra cost. Walks at most {@link FIXED_SYMBOLS_CHECKED} symbols (enough to reach the end
 * of a blob of ~100 bytes); `bits` reads on after the block header.
 */
function fixedBlockStarts(b: Uint8Array, bits: (n: number) => number): boolean {
  const total = b.length * 8;
  let read = 3;
  // Huffman codes are packed from their first bit on (RFC 1951 §3.1.1): most significant first.
  const code = (n: number, from: number): number => {
    let v = from;
    for (let k = 0; k < n; k += 1) v = (v << 1) | bits(1);
    read += n;
    return v;
  };
  const extra = (n: number): number => {
    read += n;
    return bits(n);
  };
  let out = 0;
  for (let k = 0; k < FIXED_SYMBOLS_CHECKED; k += 1) {
    let symbol: number;
    const c7 = code(7, 0);
    if (c7 <= 0b0010111) symbol = 256 + c7;
    else {
      const c8 = code(1, c7);
      if (c8 >= 0b00110000 && c8 <= 0b10111111) symbol = c8 - 0b00110000;
      else if (c8 >= 0b11000000 && c8 <= 0b11000111) symbol = 280 + (c8 - 0b11000000);
      else symbol = 144 + (code(1, c8) - 0b110010000);
    }
    // The bytes end inside the block (`bits` reads zeros past the end): zlib's "unexpected end of file" (its sync
    // calls finish the stream). Short blobs of fixed codes (a hash's 32–64 bytes) mostly end so, most of the zlib calls left.
    if (read > total) return false;
    if (symbol < 256) {
      out += 1;
      continue;
    }
    if (symbol === 256) return true;
    if (symbol > 285) return false;
    const length = LENGTH_BASE[symbol - 257] + extra(LENGTH_EXTRA[symbol - 257]);
    const d = code(5, 0);
    if (d > 29) return false;
    const distance = DISTANCE_BASE[d] + extra(DISTANCE_EXTRA[d]);
    if (read > total) return false;
    if (distance > out) return false;
    out += length;
  }
  return true;
}

function inflateKinds(bytes: Uint8Array, kinds: readonly Inflated["kind"][], cap: number, limitName: string): Inflated | undefined {
  for (const kind of kinds) {
    try {
      const inflate = kind === "zlib" ? zlib.inflateSync : zlib.inflateRawSync;
      const chunkSize = Math.min(GUNZIP_MAX_CHUNK, Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(bytes.length * 4, cap) + 1));
      const { buffer, engine } = inflate(bytes, { maxOutputLength: cap, chunkSize, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      if (engine.bytesWritten !== bytes.length || buffer.length === 0) continue;
      return { kind, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length) };
    } catch (err) {
      if ((err as { code?: string }).code !== "ERR_BUFFER_TOO_LARGE") continue;
      // Over the cap: native zlib keeps nothing, so the capped streaming decoder reads the first `cap` bytes.
      const data = kind === "zlib" ? bytes.subarray(2) : bytes;
      const out = decompressCapped(data, (ondata) => new Inflate((chunk) => ondata(chunk)), cap, limitName);
      if (out.note?.startsWith("max") && (isUtf8(out.bytes) || detectFileType(out.bytes) !== null)) return { kind, ...out };
    }
  }
  return undefined;
}

/** Where a member of a multi-member gzip starts: in the input, and in the output decoded so far. */
interface GzipMemberStart {
  input: number;
  output: number;
}

/**
 * The streaming decoder over a gzip file (what {@link gunzipWhole} declines),
 * with each member's CRC-32 and length checked against its trailer: fflate
 * checks neither, and reads some damaged streams zlib rejects, so a changed
 * payload or trailer byte decoded without a word.
 */
function gunzipStreaming(bytes: Uint8Array, cap: number, limitName: string): Capped {
  const starts: GzipMemberStart[] = [{ input: 0, output: 0 }];
  let produced = 0;
  const out = decompressCapped(
    bytes,
    (ondata) => {
      const gunzip = new Gunzip((chunk) => {
        produced += chunk.length;
        ondata(chunk);
      });
      // Called before the next member's first byte is decoded: what came out so far belongs to the members before it.
      gunzip.onmember = (offset) => starts.push({ input: offset, output: produced });
      return gunzip;
    },
    cap,
    limitName,
  );
  // A note already says more (a limit cut the output: nothing to check it against; or the stream broke).
  if (out.note) return out;
  const damage = gzipTrailerDamage(bytes, out.bytes, starts);
  return damage ? { bytes: out.bytes, note: damage } : out;
}

/** Bytes after the last gzip member that fflate's decoder ignores without an error (fewer than a header's 4). */
const IGNORED_TAIL = 3;

/**
 * The note for the first member whose trailer does not match the bytes decoded
 * for it, or for bytes after the last member that the decoder ignored; undefined when all is well.
 */
function gzipTrailerDamage(input: Uint8Array, output: Uint8Array, starts: readonly GzipMemberStart[]): string | undefined {
  for (let k = 0; k < starts.length; k++) {
    const last = k === starts.length - 1;
    const decoded = output.subarray(starts[k].output, last ? output.length : starts[k + 1].output);
    const crc = crc32(decoded);
    const size = decoded.length % 2 ** 32;
    const which = starts.length > 1 ? ` (member ${k + 1} of ${starts.length})` : "";
    // The trailer ends where the next member starts; the last one ends the input, or a few ignored bytes before it.
    const ends = last ? Array.from({ length: IGNORED_TAIL + 1 }, (_, j) => input.length - j) : [starts[k + 1].input];
    const matching = ends.findIndex((end) => end - 8 >= starts[k].input && u32(input, end - 8) === crc && u32(input, end - 4) === size);
    if (matching === 0) continue;
    if (matching > 0) return `corrupt data: ${matching} byte${matching > 1 ? "s" : ""} after the last member, ignored`;
    const end = ends[0];
    if (end - 8 < starts[k].input) return `corrupt data: no trailer${which}`;
    const stated = { crc: u32(input, end - 8), size: u32(input, end - 4) };
    if (stated.crc !== crc) return `corrupt data: CRC-32 mismatch${which}: the trailer states ${hex32(stated.crc)}, the bytes decoded have ${hex32(crc)}`;
    return `corrupt data: length mismatch${which}: the trailer states ${stated.size} bytes, ${size} were decoded`;
  }
  return undefined;
}

/**
 * Most zero bytes a gzip file may end with itself, before any padding: its trailer's 8 (the CRC-32 and size
 * of an empty member are 0) and the end of the deflate stream before it.
 */
const TRAILER_ZEROS = 16;

/** A gzip file decoded whole, else member by member (see {@link gunzipStreaming}). */
function gunzipAny(bytes: Uint8Array, cap: number, limitName: string): Capped {
  const whole = gunzipWhole(bytes, cap);
  return whole ? { bytes: whole } : gunzipStreaming(bytes, cap, limitName);
}

function readGzip(bytes: Uint8Array, limits: ArchiveLimits): ArchiveContents {
  const { cap, limitName } = capFor(limits, 0);
  let out = gunzipAny(bytes, cap, limitName);
  // Zero bytes after the last member (tape or block padding) read as a broken next member; gzip -t and Python's
  // gzip (MSTICPy) skip them. Where the members end is found by trying the few ends a trailer's own zeros allow.
  if (out.note && !out.note.startsWith("max") && bytes[bytes.length - 1] === 0) {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end -= 1;
    for (let e = end; e < bytes.length && e <= end + TRAILER_ZEROS; e++) {
      const cut = gunzipAny(bytes.subarray(0, e), cap, limitName);
      if (!cut.note) {
        out = cut;
        break;
      }
    }
  }
  limits.budget.remaining -= out.bytes.length;
  // MSTICPy names the member "gzip_file"; the header's own name is better when present.
  // A cut by a limit is the archive's note too, as for zip and tar (it reaches UnpackResult.limits).
  const cut = out.note?.startsWith("max") ? out.note : undefined;
  return { members: [{ name: gzipName(bytes) ?? "gzip_file", bytes: out.bytes, note: out.note }], ...(cut ? { note: cut } : {}) };
}

// ---------------------------------------------------------------- zip

const u16 = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);
const u32 = (b: Uint8Array, p: number) => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  localOffset: number;
  /** The CRC-32 of the member's bytes, when the archive states it where it is read (not after the data, flag 8). */
  crc?: number;
  /** The size of the member's bytes, as the central directory states it (entries from local headers: undefined). */
  size?: number;
}

const u64 = (b: Uint8Array, p: number) => u32(b, p) + u32(b, p + 4) * 2 ** 32;

/**
 * A directory entry's size, compressed size and local header offset (in that
 * order, `fields`), those that read 0xFFFFFFFF taken from its zip64 extra field
 * (id 1, in the extra fields at `at`, `len` bytes), which holds them in that order.
 */
function zip64Fields(b: Uint8Array, at: number, len: number, fields: number[]): number[] {
  const end = Math.min(b.length, at + len);
  for (let p = at; p + 4 <= end; p += 4 + u16(b, p + 2)) {
    if (u16(b, p) !== 1) continue;
    let v = p + 4;
    const stop = Math.min(end, v + u16(b, p + 2));
    return fields.map((f) => (f === ZIP64_SIZE && v + 8 <= stop ? u64(b, (v += 8) - 8) : f));
  }
  return fields;
}

/**
 * Entries from the central directory, or undefined when there is none (a
 * truncated zip). `damaged`: an entry before the count's end is not one.
 */
function zipDirectory(b: Uint8Array, maxEntries: number): { entries: ZipEntry[]; total: number; damaged: boolean } | undefined {
  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  const floor = Math.max(0, b.length - 22 - 0xffff);
  for (let p = b.length - 22; p >= floor; p--) {
    if (u32(b, p) !== 0x06054b50) continue;
    let total = u16(b, p + 10);
    let q = u32(b, p + 16);
    // Zip64 (`zip -fz`, big or streamed archives): fields of all ones; the real ones are in the zip64 end record,
    // which the locator right before this record points to.
    if ((q === ZIP64_SIZE || total === 0xffff) && p >= 20 && u32(b, p - 20) === 0x07064b50) {
      const r = u64(b, p - 12);
      if (r + 56 <= b.length && u32(b, r) === 0x06064b50) [total, q] = [u64(b, r + 32), u64(b, r + 48)];
    }
    const entries: ZipEntry[] = [];
    let damaged = false;
    for (let i = 0; i < total && entries.length < maxEntries; i++) {
      if (q + 46 > b.length || u32(b, q) !== 0x02014b50) {
        damaged = true;
        break;
      }
      const nameLen = u16(b, q + 28);
      const [size, compressedSize, localOffset] = zip64Fields(b, q + 46 + nameLen, u16(b, q + 30), [u32(b, q + 24), u32(b, q + 20), u32(b, q + 42)]);
      entries.push({
        flags: u16(b, q + 8),
        method: u16(b, q + 10),
        compressedSize,
        localOffset,
        crc: u32(b, q + 16),
        size,
        name: utf8.decode(b.subarray(q + 46, Math.min(b.length, q + 46 + nameLen))),
      });
      q += 46 + nameLen + u16(b, q + 30) + u16(b, q + 32);
    }
    return { entries, total, damaged };
  }
  return undefined;
}

/** Entries found by walking local headers from the start (for zips cut short). */
function zipLocalEntries(b: Uint8Array, maxEntries: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (entries.length < maxEntries && p + 30 <= b.length && u32(b, p) === 0x04034b50) {
    const flags = u16(b, p + 6);
    const nameLen = u16(b, p + 26);
    const extraLen = u16(b, p + 28);
    // With flag 8 the size comes after the data: take what is there.
    const size = flags & 8 ? b.length - (p + 30 + nameLen + extraLen) : u32(b, p + 18);
    const crc = flags & 8 ? undefined : u32(b, p + 14);
    entries.push({ flags, method: u16(b, p + 8), compressedSize: size, localOffset: p, crc, name: utf8.decode(b.subarray(p + 30, Math.min(b.length, p + 30 + nameLen))) });
    if (flags & 8) break;
    p += 30 + nameLen + extraLen + size;
  }
  return entries;
}

/** A size field that says "in the zip64 extra field": the two records may each use it or not. */
const ZIP64_SIZE = 0xffffffff;

/**
 * How the local header at `p` and the directory entry `e` differ in CRC-32
 * and sizes; undefined when they agree. A field the local header leaves 0
 * under flag 8 (stated in a data descriptor after the data) and a zip64 size
 * are not compared.
 */
function localHeaderDisagreement(b: Uint8Array, p: number, e: ZipEntry): string | undefined {
  const descriptor = (u16(b, p + 6) & 8) !== 0;
  const fields: [string, number, number | undefined, (n: number) => string][] = [
    ["CRC-32", u32(b, p + 14), e.crc, hex32],
    ["compressed size", u32(b, p + 18), e.compressedSize, String],
    ["size", u32(b, p + 22), e.size, String],
  ];
  const differ = fields.filter(([what, local, central]) => {
    if (central === undefined || (descriptor && local === 0)) return false;
    if (what !== "CRC-32" && (local === ZIP64_SIZE || central === ZIP64_SIZE)) return false;
    return local !== central;
  });
  if (!differ.length) return undefined;
  const states = (pick: (f: (typeof fields)[number]) => string) => differ.map(pick).join(", ");
  return (
    `the local header and the central directory disagree: the local header states ${states(([what, local, , fmt]) => `${what} ${fmt(local)}`)}, ` +
    `the directory ${states(([what, , central, fmt]) => `${what} ${fmt(central as number)}`)}`
  );
}

function readZip(b: Uint8Array, limits: ArchiveLimits): ArchiveContents {
  const dir = zipDirectory(b, limits.maxMembers);
  let entries = dir?.entries ?? zipLocalEntries(b, limits.maxMembers);
  const members: ArchiveMember[] = [];
  let used = 0;
  let note = dir ? undefined : "no central directory (truncated zip?): members read from local headers";
  if (dir?.damaged) {
    // A directory cut or overwritten part way: the local headers may still list every member.
    const local = zipLocalEntries(b, limits.maxMembers);
    const read = dir.entries.length;
    if (local.length > read) entries = local;
    note =
      local.length > read
        ? `central directory damaged after ${read} of ${dir.total} entries: members read from local headers`
        : `central directory damaged after ${read} of ${dir.total} entries: ${dir.total - read} member${dir.total - read === 1 ? "" : "s"} not found`;
  } else if (dir && dir.total > entries.length) note = `maxArchiveMembers: ${dir.total - entries.length} of ${dir.total} members not read`;
  for (const e of entries) {
    const { cap, limitName } = capFor(limits, used);
    if (cap <= 0) {
      note = `${limitName}: members from "${e.name}" on not read`;
      break;
    }
    const p = e.localOffset;
    if (p + 30 > b.length || u32(b, p) !== 0x04034b50) {
      members.push({ name: e.name, bytes: new Uint8Array(0), note: "local header missing" });
      continue;
    }
    const start = p + 30 + u16(b, p + 26) + u16(b, p + 28);
    const data = b.subarray(start, Math.min(b.length, start + e.compressedSize));
    let member: ArchiveMember;
    if (e.flags & 1) {
      member = { name: e.name, bytes: data.slice(0, cap), note: "encrypted member: not decrypted" };
    } else if (e.method === 0) {
      const stored = data.slice(0, cap);
      member = { name: e.name, bytes: stored, note: data.length > cap ? `${limitName}: output stopped at ${cap} bytes` : undefined };
    } else if (e.method === 8) {
      const out = decompressCapped(data, (ondata) => new Inflate((chunk) => ondata(chunk)), cap, limitName);
      member = { name: e.name, bytes: out.bytes, note: out.note };
    } else {
      member = { name: e.name, bytes: data.slice(0, cap), note: `compression method ${e.method} not supported: raw bytes` };
    }
    // Inflate checks no CRC-32 (nor does a stored member have another check): a damaged member decoded whole is stated.
    if (!member.note && e.crc !== undefined && (e.method === 0 || e.method === 8)) {
      const crc = crc32(member.bytes);
      if (crc !== e.crc) member.note = `corrupt data: CRC-32 mismatch: the archive states ${hex32(e.crc)}, the bytes read have ${hex32(crc)}`;
    }
    // The bytes are checked against the directory only: a local header that states otherwise is damage (or a
    // crafted zip that other tools, which read the local header, unpack differently) and is stated too.
    const disagree = dir ? localHeaderDisagreement(b, p, e) : undefined;
    if (disagree) member.note = member.note ? `${member.note}; ${disagree}` : `corrupt data: ${disagree}`;
    used += member.bytes.length;
    limits.budget.remaining -= member.bytes.length;
    members.push(member);
    if (member.note?.startsWith("max")) {
      note ??= member.note;
      break;
    }
  }
  return { members, note };
}

// ---------------------------------------------------------------- tar

function octal(b: Uint8Array, p: number, len: number): number {
  if (b[p] & 0x80) {
    // GNU base-256 size
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + b[p + i];
    return v;
  }
  let s = "";
  for (let i = p; i < p + len && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  const v = parseInt(s.trim() || "0", 8);
  return Number.isFinite(v) ? v : -1;
}

function cString(b: Uint8Array, p: number, len: number): string {
  let end = p;
  while (end < p + len && end < b.length && b[end] !== 0) end++;
  return utf8.decode(b.subarray(p, end));
}

/**
 * The `path` record of a pax extended header (records `"<length> <key>=<value>\n"`,
 * the length counting the whole record; UTF-8), or undefined.
 */
function paxPath(data: Uint8Array): string | undefined {
  let p = 0;
  while (p < data.length) {
    let q = p;
    let len = 0;
    while (q < data.length && q - p < 12 && data[q] >= 48 && data[q] <= 57) len = len * 10 + data[q++] - 48;
    if (q === p || data[q] !== 32 || len <= q - p + 1 || p + len > data.length) return undefined;
    const record = utf8.decode(data.subarray(q + 1, p + len));
    if (record.startsWith("path=")) return record.slice(5, record.endsWith("\n") ? -1 : undefined);
    p += len;
  }
  return undefined;
}

function readTar(b: Uint8Array, limits: ArchiveLimits): ArchiveContents {
  const members: ArchiveMember[] = [];
  let used = 0;
  let note: string | undefined;
  let longName: string | undefined;
  let p = 0;
  while (p + 512 <= b.length) {
    if (b[p] === 0) break; // end-of-archive block
    const size = octal(b, p + 124, 12);
    if (size < 0) {
      note = "corrupt tar header";
      break;
    }
    const type = String.fromCharCode(b[p + 156] || 48);
    const prefix = b[p + 257] === 0x75 ? cString(b, p + 345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${cString(b, p, 100)}` : cString(b, p, 100));
    longName = undefined;
    const dataStart = p + 512;
    const data = b.subarray(dataStart, Math.min(b.length, dataStart + size));
    p = dataStart + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = cString(data, 0, data.length); // GNU long name for the next entry
      continue;
    }
    if (type === "x") {
      // POSIX (pax) header: the next entry's whole name when it is long or not ASCII (Python's and bsdtar's format).
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type !== "0" && type !== "5" && type !== "7") continue; // links, pax headers, devices
    if (members.length >= limits.maxMembers) {
      note = `maxArchiveMembers: members from "${name}" on not read`;
      break;
    }
    const { cap, limitName } = capFor(limits, used);
    const bytes = data.slice(0, cap);
    const member: ArchiveMember = { name, bytes };
    if (data.length > cap) member.note = `${limitName}: output stopped at ${cap} bytes`;
    else if (data.length < size) member.note = "truncated tar member";
    used += bytes.length;
    limits.budget.remaining -= bytes.length;
    members.push(member);
    if (member.note?.startsWith("max")) {
      note = member.note;
      break;
    }
  }
  return { members, note };
}
