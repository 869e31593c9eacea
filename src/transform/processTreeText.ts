/**
 * The text columns of a process tree — `proc_key`, `source_index`,
 * `parent_index`, `path` and `NodeRole` — written as CSV bytes in JS and
 * read back by polars in one parse per chunk of rows.
 *
 * Why bytes: on this project's machines a fresh page of memory costs more
 * than the work done in it, so every intermediate string column (lookup
 * strings, formatted times, keys before renaming, a gather of them) costs
 * its size in time. Keys are made of a few distinct image and id texts and a
 * time, so each row's key is copied from pre-encoded table entries and its
 * time written digit by digit, once, straight in tree order. Fields are
 * quoted (log data is attacker-controlled: commas, quotes, newlines); every
 * column is read as text (`inferSchemaLength: 0`), and an empty unquoted
 * field is null (a root's `parent_index`).
 */
import pl from "nodejs-polars";

/** Per-node parts of `proc_key` = `image|id|time` (+ `#n` for the n-th repeat). */
export interface KeyParts {
  /** Index into {@link images} of each node's key image (the image path, lower case). */
  image: Uint32Array;
  /** Index into {@link ids} of each node's id text. */
  id: Uint32Array;
  /** Start time in µs since the epoch (10 µs steps); -Infinity: unknown (`NaT`). Of the first `time.length` nodes (all of them without {@link addedTime}). */
  time: Float64Array;
  /**
   * Times of the nodes after those of {@link time} (inferred processes): node `time.length + k` at k. Apart so the
   * events' times are not copied into a bigger array (80 MB of fresh memory at 10M events) for a few added nodes.
   */
  addedTime?: Float64Array;
  /** Which occurrence of its key the node is (0 or 1: the first, n: gets `#n`). */
  nth: Uint32Array;
  /** Distinct key images. */
  images: string[];
  /** Distinct id texts. */
  ids: string[];
}

/**
 * Bytes of CSV read per polars call (a chunk ends before the row that would
 * not fit). Each read comes back as ~33 polars chunks whatever its size
 * (rechunked inside the call when the text fits one read), and a tree of
 * many small chunks costs more downstream than the buffer: 32 MB holds a
 * 200k-event tree's text in one read (4 MB: six reads, 231 chunks, ~5% more
 * CPU per build).
 */
export const CHUNK_BYTES = 32 << 20;

/**
 * One buffer the chunks are written into, reused across chunks and calls:
 * fresh memory costs more to fault in than to fill (polars copies the text
 * out before the buffer is written again). Only the pages written are
 * resident: a small tree touches only its own text's size.
 */
let scratch: Buffer | undefined;

/** CSV text written chunk by chunk into the scratch buffer, each chunk read by polars as text columns. */
class CsvChunks {
  buffer: Buffer;
  at = 0;
  /** First row of the current chunk. */
  chunkStart = 0;
  private rows = 0;
  private readonly pieces: pl.DataFrame[] = [];

  constructor(
    private readonly header: string,
    private readonly chunkBytes: number,
  ) {
    this.buffer = CsvChunks.scratch(chunkBytes);
    this.at = this.buffer.write(header, 0, "latin1");
  }

  private static scratch(size: number): Buffer {
    if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafe(size);
    return scratch;
  }

  /** Makes room for row `row`, of `size` bytes: the chunk so far is read first when the row would not fit. */
  reserve(row: number, size: number): void {
    if (this.at + size > this.chunkBytes && this.rows > 0) this.flush();
    if (this.rows === 0) {
      this.chunkStart = row;
      if (this.header.length + size > this.buffer.length) {
        this.buffer = CsvChunks.scratch(this.header.length + size);
        this.at = this.buffer.write(this.header, 0, "latin1");
      }
    }
    this.rows += 1;
  }

  private flush(last = false): void {
    // A text read in one piece comes back in one chunk per column (the reader's chunks freed inside the call): the
    // tree's key gather then needs no copy of its own.
    this.pieces.push(readText(this.buffer.subarray(0, this.at), last && this.pieces.length === 0));
    this.rows = 0;
    this.at = this.buffer.write(this.header, 0, "latin1");
  }

  /**
   * The columns of every chunk; `oneChunk` (a column name) in one chunk. Its
   * chunks' views (16 B a row; the text itself is shared) are freed here, not
   * when the frames' finalizers run, after the build has returned.
   */
  finish(oneChunk?: string): pl.DataFrame {
    if (this.rows > 0 || this.pieces.length === 0) this.flush(true);
    if (this.pieces.length === 1) return this.pieces[0];
    // One polars call: nodejs-polars' "vertical" stacks pairwise, a frame per piece holding the chunks so far (the
    // pieces have the same columns, so "diagonal" stacks them as they are).
    const all = pl.concat(this.pieces, { how: "diagonal", rechunk: false });
    if (oneChunk === undefined) return all;
    const chunked = all.select(oneChunk);
    all.replaceAtIdx(all.columns.indexOf(oneChunk), chunked.rechunk().getColumn(oneChunk));
    for (const frame of [chunked, ...this.pieces]) releaseColumn(frame, oneChunk);
    return all;
  }
}

/**
 * Frees a column of a frame no longer used, now: nodejs-polars frees a
 * frame's memory only when its wrapper's finalizer runs, which waits for the
 * event loop. The column is replaced in place by nulls (a bitmap); its memory
 * goes when no other frame or Series holds it.
 */
function releaseColumn(df: pl.DataFrame, name: string): void {
  const height = df.height;
  if (height) df.replaceAtIdx(df.columns.indexOf(name), pl.Series(name, [null], pl.Bool).extendConstant(null, height - 1));
}

/**
 * Frees typed arrays no longer used, now (detached: their length becomes 0).
 * V8 frees an unreferenced array only at a collection, which may not come
 * before a synchronous build's peak: per-node arrays are 40 MB each at 10M
 * events. (An array nodejs-polars handed out is detached too, harmlessly:
 * its memory still goes only when the event loop turns.)
 */
export function releaseArrays(...arrays: (ArrayBufferView | undefined)[]): void {
  for (const a of arrays) {
    const buffer = a?.buffer as (ArrayBuffer & { transfer?: (length: number) => ArrayBuffer; detached?: boolean }) | undefined;
    // Only an array over a buffer of its own (a view into a shared one is not freed by detaching it).
    if (!buffer || buffer.detached || typeof buffer.transfer !== "function" || a!.byteOffset !== 0 || a!.byteLength !== buffer.byteLength) continue;
    buffer.transfer(0);
  }
}

const MICROS_PER_DAY = 86_400_000_000;
/**
 * Times from year 0 to 9999 are written in JS; chrono writes others with a
 * sign, so polars formats those (and, with a margin for doubles' spacing of
 * 32 µs there, the last hours of 9999).
 */
const MIN_MICROS = -62_167_219_200_000_000;
const MAX_MICROS = 253_402_200_000_000_000;

/** Writes times `YYYY-MM-DD HH:MM:SS.ffffff` (polars' `%Y-%m-%d %H:%M:%S%.6f`) into a buffer. */
class TimeWriter {
  private day = NaN;
  private readonly dayText = Buffer.alloc(11);
  /** Texts of times outside years 0–9999, by µs value (formatted by polars). */
  private readonly odd = new Map<number, Buffer>();

  constructor(...arrays: (Float64Array | undefined)[]) {
    const odd: number[] = [];
    for (const times of arrays) {
      for (let i = 0; i < (times?.length ?? 0); i += 1) {
        const t = times![i];
        if (t !== -Infinity && (t < MIN_MICROS || t > MAX_MICROS) && !this.odd.has(t)) {
          this.odd.set(t, Buffer.alloc(0));
          odd.push(t);
        }
      }
    }
    if (odd.length) {
      const text = pl
        .DataFrame([pl.Series("us", odd, pl.Float64)])
        .select(pl.col("us").cast(pl.Int64).cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f").fillNull(pl.lit("NaT")).alias("t"))
        .getColumn("t")
        .toArray() as unknown as string[];
      odd.forEach((t, k) => this.odd.set(t, Buffer.from(text[k], "utf8")));
    }
  }

  /** Bytes {@link write} writes for `us`. */
  size(us: number): number {
    if (us === -Infinity) return 3;
    return (this.odd.size && this.odd.get(us)?.length) || 26;
  }

  /** Writes `us` at `at`; returns the next position. */
  write(buffer: Buffer, at: number, us: number): number {
    if (us === -Infinity) return at + buffer.write("NaT", at, "latin1");
    const odd = this.odd.size ? this.odd.get(us) : undefined;
    if (odd) return copyBytes(odd, buffer, at);
    const day = Math.floor(us / MICROS_PER_DAY);
    if (day !== this.day) this.setDay(day);
    at = copyBytes(this.dayText, buffer, at);
    const inDay = us - day * MICROS_PER_DAY;
    // Below a day every part is a small integer: integer division (`| 0`), not a double's floor.
    const second = Math.floor(inDay / 1_000_000) | 0;
    let fraction = (inDay - second * 1_000_000) | 0;
    const minute = (second / 60) | 0;
    at = two(buffer, at, (minute / 60) | 0);
    buffer[at++] = 0x3a;
    at = two(buffer, at, minute - ((minute / 60) | 0) * 60);
    buffer[at++] = 0x3a;
    at = two(buffer, at, second - minute * 60);
    buffer[at++] = 0x2e;
    for (let d = 5; d >= 0; d -= 1) {
      const tenth = (fraction / 10) | 0;
      buffer[at + d] = 0x30 + fraction - tenth * 10;
      fraction = tenth;
    }
    return at + 6;
  }

  /** The date part of `day` (days since 1970-01-01), from Howard Hinnant's civil_from_days. */
  private setDay(day: number): void {
    this.day = day;
    const z = day + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    this.dayText.write(`${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")} `, 0, "latin1");
  }
}

function two(buffer: Buffer, at: number, value: number): number {
  const tens = (value / 10) | 0;
  buffer[at] = 0x30 + tens;
  buffer[at + 1] = 0x30 + value - tens * 10;
  return at + 2;
}

/** `text` as UTF-8 with CSV quotes doubled (the field itself is quoted by the writer). */
function quotedBytes(text: string): Buffer {
  return Buffer.from(text.includes('"') ? text.replace(/"/g, '""') : text, "utf8");
}

/** Node `i`'s start time in `parts` ({@link KeyParts.time}, else {@link KeyParts.addedTime}). */
export function timeOfNode({ time, addedTime }: Pick<KeyParts, "time" | "addedTime">, i: number): number {
  return i < time.length ? time[i] : addedTime![i - time.length];
}

/** Writes the proc_key of nodes, quoted, into CSV buffers. */
export class KeyWriter {
  private readonly images: Buffer[];
  private readonly ids: Buffer[];
  private readonly times: TimeWriter;

  constructor(private readonly parts: KeyParts) {
    this.images = parts.images.map(quotedBytes);
    this.ids = parts.ids.map(quotedBytes);
    this.times = new TimeWriter(parts.time, parts.addedTime);
  }

  /** Bytes of node `i`'s quoted key. */
  size(i: number): number {
    const { image, id, nth } = this.parts;
    return 4 + this.images[image[i]].length + this.ids[id[i]].length + this.times.size(timeOfNode(this.parts, i)) + (nth[i] > 1 ? 1 + digitCount(nth[i]) : 0);
  }

  /** Writes node `i`'s quoted key at `at`; returns the next position. */
  write(buffer: Buffer, at: number, i: number): number {
    const { image, id, nth } = this.parts;
    buffer[at++] = 0x22;
    at = copyBytes(this.images[image[i]], buffer, at);
    buffer[at++] = 0x7c;
    at = copyBytes(this.ids[id[i]], buffer, at);
    buffer[at++] = 0x7c;
    at = this.times.write(buffer, at, timeOfNode(this.parts, i));
    if (nth[i] > 1) {
      buffer[at++] = 0x23;
      at += buffer.write(String(nth[i]), at, "latin1");
    }
    buffer[at++] = 0x22;
    return at;
  }
}

/**
 * Copies `source` into `target` at `at`; returns the next position. A loop
 * for short texts: Buffer#copy costs more per call than a key's bytes do.
 */
function copyBytes(source: Uint8Array, target: Uint8Array, at: number): number {
  const length = source.length;
  if (length > 64) {
    target.set(source, at);
    return at + length;
  }
  for (let j = 0; j < length; j += 1) target[at + j] = source[j];
  return at + length;
}

/** `value` as `width` digits at `to` (zero-padded). */
function writeDigits(buffer: Buffer, to: number, value: number, width: number): void {
  // Source indices are int32 (Int32Array): integer division.
  for (let d = width - 1; d >= 0; d -= 1) {
    const tenth = (value / 10) | 0;
    buffer[to + d] = 0x30 + value - tenth * 10;
    value = tenth;
  }
}

function digitCount(value: number): number {
  return String(value).length;
}

/**
 * The keys of `nodes` as a text column (quoted CSV read back), for callers
 * that want the key of each node in node order (the step tests).
 */
export function keyColumn(parts: KeyParts, nodes: ArrayLike<number>, name = "key", chunkBytes = CHUNK_BYTES): pl.Series {
  const writer = new KeyWriter(parts);
  const csv = new CsvChunks(`${name}\n`, chunkBytes);
  for (let k = 0; k < nodes.length; k += 1) {
    csv.reserve(k, writer.size(nodes[k]) + 1);
    csv.at = writer.write(csv.buffer, csv.at, nodes[k]);
    csv.buffer[csv.at++] = 0x0a;
  }
  return csv.finish().getColumn(name);
}

/** A CSV buffer with every column as text; `rechunk`: each column in one chunk. */
function readText(buffer: Buffer, rechunk: boolean): pl.DataFrame {
  return pl.readCSV(buffer, { inferSchemaLength: 0, rechunk });
}

/** What {@link treeTextColumns} writes, per row of the tree (rows in tree or input order). */
export interface TreeRows {
  /** Node of each row. */
  node: Int32Array;
  /** Row of each row's parent, -1: none. */
  parentPos: Int32Array;
  /** Number of path segments of each row (1: roots and rows caught in a parent cycle, whose path is their own label). */
  level: Int32Array;
  /** source_index of each node (not row). */
  sourceIndex: Int32Array;
  /** Digits of source indices. */
  width: number;
  /** Rows deeper than this get no path (null): a chain too deep for every path to be written (default: none). */
  maxPathLevel?: number;
}

/** Role words by isRoot * 2 + isLeaf. */
const ROLE_WORDS = ["branch", "leaf", "root", "isolated"].map((w) => Buffer.from(w, "latin1"));

/**
 * `proc_key` (when `keys` is given), `source_index`, `parent_index`, `path`
 * and `NodeRole` of a tree's rows, plus `IsRoot`, `IsLeaf` and `IsBranch`.
 * A path is its parent's path (copied byte for byte when the parent's row is
 * earlier in the same chunk, else rebuilt from the ancestors), "/", the row's own
 * padded source index.
 */
export function treeTextColumns(rows: TreeRows, keys?: KeyParts, chunkBytes = CHUNK_BYTES): pl.DataFrame {
  // proc_key in one chunk: the tree gathers the parent keys from it (a gather from many chunks copies every key's bytes).
  const { node, parentPos, level, sourceIndex, width } = rows;
  const maxPathLevel = rows.maxPathLevel ?? Infinity;
  const total = node.length;
  const writer = keys ? new KeyWriter(keys) : undefined;
  // Each row's role as isRoot * 2 + isLeaf: one array, whose flags polars reads out in one call.
  const role = new Uint8Array(total).fill(1);
  for (let k = 0; k < total; k += 1) {
    const p = parentPos[k];
    if (p >= 0) role[p] &= 2;
    else role[k] |= 2;
  }
  const csv = new CsvChunks(`${keys ? "proc_key," : ""}source_index,parent_index,path,NodeRole\n`, chunkBytes);
  // Where each row's path starts in the buffer (valid for rows of the current chunk).
  const pathAt = new Int32Array(total);
  for (let k = 0; k < total; k += 1) {
    const p = parentPos[k];
    const withPath = level[k] <= maxPathLevel;
    const pathLength = withPath ? level[k] * (width + 1) - 1 : 0;
    const roleWord = ROLE_WORDS[role[k]];
    csv.reserve(k, (writer ? writer.size(node[k]) + 1 : 0) + width + 1 + (p >= 0 ? width : 0) + 1 + pathLength + 1 + roleWord.length + 1);
    const buffer = csv.buffer;
    let at = csv.at;
    if (writer) {
      at = writer.write(buffer, at, node[k]);
      buffer[at++] = 0x2c;
    }
    const own = at;
    writeDigits(buffer, at, sourceIndex[node[k]], width);
    at += width;
    buffer[at++] = 0x2c; // ","
    // The parent's index ends its path, when that is in this chunk; else written again.
    const parentInChunk = p >= csv.chunkStart && p < k;
    if (p >= 0) {
      if (parentInChunk && level[p] <= maxPathLevel) {
        const from = pathAt[p] + level[p] * (width + 1) - 1 - width;
        for (let j = 0; j < width; j += 1) buffer[at + j] = buffer[from + j];
      } else writeDigits(buffer, at, sourceIndex[node[p]], width);
      at += width;
    }
    buffer[at++] = 0x2c;
    pathAt[k] = at;
    if (!withPath) {
      // An empty field: null. Rows below it have none either, so no path is copied from it.
      buffer[at++] = 0x2c;
      at = copyBytes(roleWord, buffer, at);
      buffer[at++] = 0x0a;
      csv.at = at;
      continue;
    }
    if (level[k] > 1) {
      const parentLength = pathLength - width - 1;
      // (A parent after its child, in input order, has no path written yet.)
      if (parentInChunk) {
        buffer.copyWithin(at, pathAt[p], pathAt[p] + parentLength);
      } else {
        // The parent's path was in an earlier chunk: written from the ancestors, right to left.
        let to = at + parentLength - width;
        for (let a = p, segments = level[k] - 1; segments > 0; a = parentPos[a], segments -= 1) {
          writeDigits(buffer, to, sourceIndex[node[a]], width);
          if (segments > 1) buffer[to - 1] = 0x2f;
          to -= width + 1;
        }
      }
      at += parentLength;
      buffer[at++] = 0x2f; // "/"
    }
    for (let j = 0; j < width; j += 1) buffer[at + j] = buffer[own + j];
    at += width;
    buffer[at++] = 0x2c;
    at = copyBytes(roleWord, buffer, at);
    buffer[at++] = 0x0a; // "\n"
    csv.at = at;
  }
  const text = csv.finish(keys ? "proc_key" : undefined);
  const r = pl.col("r");
  const flags = pl.DataFrame([pl.Series("r", role)]).select(r.gtEq(2).alias("IsRoot"), r.eq(1).or(r.eq(3)).alias("IsLeaf"), r.eq(0).alias("IsBranch"));
  releaseArrays(role, pathAt);
  // concat, not hstack: hstack wraps every column as a Series (a costly JS object each).
  return pl.concat([text, flags], { how: "horizontal" });
}
