/**
 * Zeek's ASCII log format (conn.log and the others): tab-separated values
 * under `#` header lines that give the separator, the field names (`#fields`),
 * their Zeek types (`#types`) and the unset/empty markers. CSV readers choke on
 * the header lines, so this reads it: Zeek types become polars types (`time`
 * a Datetime in µs, Zeek's own precision; `count`/`int`/`port` integers,
 * `interval`/`double` floats, `bool` booleans, `addr`, `string`, `enum`,
 * sets and vectors text), the unset marker (`-`) is null, the empty marker
 * (`(empty)`) the empty string, and Zeek's `\xNN` escapes are decoded
 * (zeekEscapes.ts).
 *
 * The file is never one JavaScript string (V8 caps strings at ~512 MB, and a
 * JavaScript string per field would take many times the file's size): a
 * first pass reads it in blocks for its `#` header lines only; polars' CSV
 * reader then reads the data lines (header lines skipped as comments), every
 * field as text, and the types are polars casts. Only values holding an
 * escape go through JavaScript, each distinct value once.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { columnNames, columnOf, frameHeight, renameAll } from "../../common/frames";
import { runSync, type ReadSteps } from "../collect";
import { DataFileError, dataMessages as msg } from "../messages";
import { decodeZeekEscapes, decodeZeekSet } from "./zeekEscapes";

/** True when `head` (the first bytes of a file) starts like a Zeek ASCII log. */
export function isZeekTsv(head: string): boolean {
  return /^#separator[ \t]/.test(head);
}

/** The bytes of a log: a file read in blocks, or text in memory. */
interface LogBytes {
  size: number;
  /** Up to `length` bytes from `start` (into `into` when given and large enough). */
  read(start: number, length: number, into?: Buffer): Buffer;
  /** The file, when the bytes are one (polars then reads it itself). */
  path?: string;
}

/** One `#fields` header and the settings in force at it. */
interface ZeekBlock {
  fields: string[];
  types?: string[];
  separator: string;
  setSeparator: string;
  unset: string;
  empty: string;
  /** Whether the header lines end in CR (a log copied through Windows): the last field then does too. */
  crlf: boolean;
  /** Where its data lines start: 0 for the first block (rows before any `#fields` line are its), else its `#fields` line. */
  start: number;
}

/** Bytes read per block when looking for header lines (exported for tests). */
export const SCAN_BLOCK = 4 << 20;

/** A header line longer than this is cut (a `#fields` line of 4,000 fields is ~64 KB). */
const MAX_HEADER = 1 << 20;

const NEWLINE_HASH = Buffer.from("\n#");

/** The byte offsets of the lines that start with `#`, read in blocks. */
function headerOffsets(bytes: LogBytes): number[] {
  const offsets: number[] = [];
  const block = Buffer.allocUnsafe(Math.min(SCAN_BLOCK, Math.max(1, bytes.size)));
  let lineStart = true;
  for (let pos = 0; pos < bytes.size; ) {
    const buf = bytes.read(pos, Math.min(block.length, bytes.size - pos), block);
    if (buf.length === 0) break;
    if (lineStart && buf[0] === 0x23) offsets.push(pos);
    for (let i = buf.indexOf(NEWLINE_HASH); i >= 0; i = buf.indexOf(NEWLINE_HASH, i + 1)) offsets.push(pos + i + 1);
    lineStart = buf[buf.length - 1] === 0x0a;
    pos += buf.length;
  }
  return offsets;
}

/** The line at `offset` (without its line end), at most MAX_HEADER bytes. */
function lineAt(bytes: LogBytes, offset: number): string {
  let want = 4096;
  for (;;) {
    const buf = bytes.read(offset, Math.min(want, bytes.size - offset));
    const nl = buf.indexOf(0x0a);
    if (nl >= 0 || buf.length < want || want >= MAX_HEADER) return buf.subarray(0, nl >= 0 ? nl : buf.length).toString("utf8");
    want *= 4;
  }
}

/** Length of the separator at `at` in a header line: the separator in force, else one space or tab. */
function separatorLength(line: string, at: number, separator: string): number {
  return line.startsWith(separator, at) ? separator.length : 1;
}

/** The header blocks of a log, from its `#` lines (settings apply from where they appear). */
function headerBlocks(bytes: LogBytes): ZeekBlock[] {
  let separator = "\t";
  let setSeparator = ",";
  let unset = "-";
  let empty = "(empty)";
  let earlyTypes: string[] | undefined;
  const blocks: ZeekBlock[] = [];
  for (const offset of headerOffsets(bytes)) {
    const line = lineAt(bytes, offset);
    const crlf = line.endsWith("\r");
    const raw = crlf ? line.slice(0, -1) : line;
    // `#separator` is followed by a space; the other header lines are written with the separator in force
    // (`#fields|ts|uid` under `LogAscii::separator="|"`), a space or tab where that is not found.
    const at = raw.startsWith("#separator") ? -1 : raw.indexOf(separator);
    const space = at > 0 ? at : raw.search(/[ \t]/);
    const key = space < 0 ? raw : raw.slice(0, space);
    const rest = space < 0 ? "" : raw.slice(space + separatorLength(raw, space, separator));
    // The separators are written escaped (`\x09`), as values are: one decoder for both (a byte that is no
    // UTF-8 stays `\xNN`, and the separator check below names it as Zeek wrote it).
    if (key === "#separator") separator = decodeZeekEscapes(rest.trim()) || "\t";
    else if (key === "#set_separator") setSeparator = decodeZeekEscapes(rest.split(separator)[0] ?? "") || setSeparator;
    else if (key === "#unset_field") unset = rest.split(separator)[0] ?? unset;
    else if (key === "#empty_field") empty = rest.split(separator)[0] ?? empty;
    else if (key === "#fields") {
      // Types met before the first #fields line are its.
      blocks.push({ fields: rest.split(separator), types: blocks.length ? undefined : earlyTypes, separator, setSeparator, unset, empty, crlf, start: blocks.length ? offset : 0 });
    } else if (key === "#types") {
      if (blocks.length) blocks[blocks.length - 1].types = rest.split(separator);
      else earlyTypes = rest.split(separator);
    }
  }
  return blocks;
}

/** Everything that decides how a block's lines are read: blocks alike are read as one. */
const blockKey = (b: ZeekBlock) => JSON.stringify([b.fields, b.types ?? [], b.separator, b.setSeparator, b.unset, b.empty, b.crlf]);

/** Plain column names inside the read (field names come from the data). */
const plain = (i: number) => `c${i}`;

/**
 * polars' CSV options for Zeek's lines: no header, `#` lines skipped, a
 * missing field null and extra ones cut (one bad row never fails the file),
 * and no quoting: Zeek writes `"` as it is, and never writes the byte 0x01
 * unescaped (polars wants some quote character). Integer and float fields
 * are parsed by polars, a value that is not a number (the unset and empty
 * markers, or a bad value) null; the others are read as text.
 */
function csvOptions(block: ZeekBlock, kinds: readonly ZeekKind[]) {
  const schema: Record<string, DataType> = {};
  kinds.forEach((kind, i) => (schema[plain(i)] = kind === "int" ? pl.Int64 : kind === "count" ? pl.UInt64 : kind === "float" ? pl.Float64 : pl.Utf8));
  return { sep: block.separator, hasHeader: false, commentPrefix: "#", quoteChar: "\x01", schema, inferSchemaLength: 0, truncateRaggedLines: true, ignoreErrors: true, raiseIfEmpty: false } as const;
}

type ZeekKind = "int" | "count" | "float" | "time" | "bool" | "set" | "text";

/** How a Zeek type is read. */
function kindOf(zeekType: string | undefined): ZeekKind {
  switch (zeekType) {
    // Unsigned 64-bit: read as UInt64 so that values beyond Int64 are kept (Int64 afterwards when all fit: countsAsInt64).
    case "count":
      return "count";
    case "int":
    case "port":
      return "int";
    case "double":
    case "interval":
      return "float";
    case "time":
      return "time";
    case "bool":
      return "bool";
    default:
      return zeekType && /^(set|vector)\[/.test(zeekType) ? "set" : "text";
  }
}

const EPOCH = "^-?\\d{1,12}(\\.\\d{1,9})?$";

/** A text column's values as the Zeek type says; what does not convert is null. */
function parsed(c: pl.Expr, kind: ZeekKind): pl.Expr {
  switch (kind) {
    case "int":
    case "count":
      // Parsed by the read (csvOptions).
      return c;
    case "float":
      // Parsed by the read (csvOptions); `inf` and `nan` are no values Zeek writes.
      return pl.when(c.isFinite()).then(c).otherwise(pl.lit(null).cast(pl.Float64));
    case "time": {
      // Epoch seconds with (Zeek's) six fraction digits, as integer µs: digits, not float arithmetic, so none is lost
      // (Int64 literals: a JS number literal is Float64, which past 2255 rounded the µs). Before 1970 the fraction
      // has the seconds' sign: -86400.5 is -86400500000 µs, as the Zeek JSON reader reads it.
      const int = (v: number): pl.Expr => pl.lit(v).cast(pl.Int64);
      const seconds = c.str.extract("^(-?\\d+)", 1).cast(pl.Int64, false);
      const micros = c.str.extract("\\.(\\d+)$", 1).fillNull(pl.lit("")).str.padEnd(6, "0").str.slice(0, 6).cast(pl.Int64, false);
      const sign = pl.when(c.str.startsWith("-")).then(int(-1)).otherwise(int(1));
      const total = seconds.mul(int(1_000_000)).add(micros.mul(sign));
      return pl.when(c.str.contains(EPOCH)).then(total).otherwise(pl.lit(null).cast(pl.Int64)).cast(pl.Datetime("us"));
    }
    case "bool":
      return pl.when(c.eq(pl.lit("T"))).then(pl.lit(true)).when(c.eq(pl.lit("F"))).then(pl.lit(false)).otherwise(pl.lit(null)).cast(pl.Bool);
    default:
      return c;
  }
}

/** The lines of one block (columns `c<i>` as csvOptions reads them) with Zeek's types, in the read's plan. */
function typed(raw: pl.LazyDataFrame, block: ZeekBlock, kinds: readonly ZeekKind[]): pl.LazyDataFrame {
  const n = kinds.length;
  // A blank line is a row of nulls.
  let lf = raw.filter(pl.anyHorizontal(kinds.map((_, i) => pl.col(plain(i)).isNotNull())));
  if (block.crlf && (kinds[n - 1] === "text" || kinds[n - 1] === "set")) lf = lf.withColumns(pl.col(plain(n - 1)).str.stripCharsEnd(pl.lit("\r")).alias(plain(n - 1)));
  return lf.select(
    ...kinds.map((kind, i) => {
      const c = pl.col(plain(i));
      // Numbers are read as such: the markers are already null.
      if (kind === "int" || kind === "count" || kind === "float") return parsed(c, kind).alias(plain(i));
      const isText = kind === "text" || kind === "set";
      const none = pl.lit(null).cast(isText ? pl.Utf8 : kind === "time" ? pl.Datetime("us") : pl.Bool);
      return pl
        .when(c.eq(pl.lit(block.unset)))
        .then(none)
        .when(c.eq(pl.lit(block.empty)))
        .then(isText ? pl.lit("") : none)
        .otherwise(parsed(c, kind))
        .alias(plain(i));
    }),
  );
}

/** The names of `df`'s UInt64 (`count`) columns that hold a value beyond Int64. */
function wideCounts(df: pl.DataFrame): string[] {
  const names = columnNames(df);
  const counts = df.dtypes.flatMap((d, i) => (d.variant === "UInt64" ? [i] : []));
  if (!counts.length) return [];
  const plainFrame = renameAll(df, names.map((_, i) => plain(i)));
  const INT64_MAX = 2n ** 63n - 1n;
  const over = plainFrame.select(...counts.map((i) => pl.col(plain(i)).gt(pl.lit(INT64_MAX).cast(pl.UInt64)).any().alias(plain(i))));
  return counts.filter((i) => columnOf(over, plain(i)).toArray()[0] === true).map((i) => names[i]);
}

/**
 * `count` columns (read as UInt64) as Int64, as the other integer columns are, but those named in `wide`
 * (a value beyond Int64 in some block of the log): decided on the whole log before its blocks are stacked, so
 * a field stacks with one type (Int64 and UInt64 blocks stacked as Float64, which rounded big values).
 */
function countsAsInt64(df: pl.DataFrame, wide: ReadonlySet<string>): pl.DataFrame {
  const names = columnNames(df);
  const narrow = df.dtypes.flatMap((d, i) => (d.variant === "UInt64" && !wide.has(names[i]) ? [i] : []));
  if (!narrow.length) return df;
  const plainFrame = renameAll(df, names.map((_, i) => plain(i)));
  return renameAll(plainFrame.withColumns(...narrow.map((i) => pl.col(plain(i)).cast(pl.Int64).alias(plain(i)))), names);
}

/**
 * The text columns (plain names: no column shadows a frame member) with
 * Zeek's `\xNN` escapes decoded: only the distinct values that hold one go
 * through JavaScript (most logs have none at all: one select finds the
 * columns that do).
 */
function decodedEscapes(plainFrame: pl.DataFrame, kinds: readonly ZeekKind[], setSeparator: string): pl.DataFrame {
  const text = kinds.flatMap((k, i) => (k === "text" || k === "set" ? [i] : []));
  if (!text.length || frameHeight(plainFrame) === 0) return plainFrame;
  const hasEscape = (i: number) => pl.col(plain(i)).str.contains("\\x", true);
  const any = plainFrame.select(...text.map((i) => hasEscape(i).any().alias(plain(i))));
  const escaped = text.filter((i) => columnOf(any, plain(i)).toArray()[0] === true);
  if (!escaped.length) return plainFrame;
  return plainFrame.withColumns(
    ...escaped.map((i) => {
      const values = columnOf(plainFrame.select(pl.col(plain(i))).filter(hasEscape(i)).unique(), plain(i)).toArray() as string[];
      const decoded = values.map((v) => (kinds[i] === "set" ? decodeZeekSet(v, setSeparator) : decodeZeekEscapes(v)));
      return pl.col(plain(i)).replace(values, decoded).alias(plain(i));
    }),
  );
}

/**
 * A Zeek ASCII log's bytes as a DataFrame (see the module comment). A row
 * with the wrong number of fields is padded with nulls or cut (one bad row
 * never fails the file); a log without `#fields` is an error naming `file`.
 * Concatenated logs (`cat conn.*.log`) may change their `#fields` between
 * header blocks (a script added `community_id`): each block's rows are read
 * with their own header, and the blocks stacked by column name.
 */
function* readZeekSteps(bytes: LogBytes, file: string): ReadSteps<pl.DataFrame> {
  const blocks = headerBlocks(bytes);
  if (!blocks.length || blocks[blocks.length - 1].fields.length === 0) throw new DataFileError(msg.fileInvalid(file, "zeek", "no #fields header line"));
  for (const b of blocks) {
    // polars splits on one byte.
    if (Buffer.byteLength(b.separator) !== 1) throw new DataFileError(msg.fileInvalid(file, "zeek", `the separator ${JSON.stringify(b.separator)} is not one character`));
  }
  // Repeated identical headers (rotated logs of one configuration) make one block: its lines run to the next different header.
  const groups: { block: ZeekBlock; start: number; end: number }[] = [];
  for (const b of blocks) {
    const last = groups[groups.length - 1];
    if (last && blockKey(last.block) === blockKey(b)) continue;
    if (last) last.end = b.start;
    groups.push({ block: b, start: b.start, end: bytes.size });
  }
  const frames: pl.DataFrame[] = [];
  for (const { block, start, end } of groups) {
    const kinds = block.fields.map((_, i) => kindOf(block.types?.[i]));
    const options = csvOptions(block, kinds);
    // A whole file is read by polars from disk; a part of one (or text) from a buffer of its bytes.
    const raw =
      bytes.path && start === 0 && end === bytes.size ? pl.scanCSV(bytes.path, { ...options, glob: false, cache: false }) : pl.readCSV(bytes.read(start, end - start), options).lazy();
    const df: pl.DataFrame = yield typed(raw, block, kinds);
    frames.push(renameAll(decodedEscapes(df, kinds, block.setSeparator), block.fields));
  }
  const withRows = frames.filter((f) => frameHeight(f) > 0);
  const wide = new Set(withRows.flatMap(wideCounts));
  const out = (withRows.length ? withRows : frames.slice(-1)).map((f) => countsAsInt64(f, wide));
  return out.length === 1 ? out[0] : pl.concat(wideAcrossBlocks(out, wide), { how: "diagonalRelaxed" });
}

/**
 * A wide `count` field that another block types `int` (Int64): UInt64 in every block when none of its
 * values is negative, otherwise text, every digit kept (stacked as they were, Float64 rounded them).
 */
function wideAcrossBlocks(frames: pl.DataFrame[], wide: ReadonlySet<string>): pl.DataFrame[] {
  for (const name of wide) {
    const signed = frames.filter((f) => columnNames(f).includes(name) && /^Int(8|16|32|64)$/.test(columnOf(f, name).dtype.variant as string));
    if (!signed.length) continue;
    const negative = signed.some((f) => f.select(pl.col(name).lt(pl.lit(0)).any().alias("n")).getColumn("n").toArray()[0] === true);
    const to = negative ? pl.Utf8 : pl.UInt64;
    frames = frames.map((f) => (columnNames(f).includes(name) ? f.withColumns(pl.col(name).cast(to)) : f));
  }
  return frames;
}

/** A Zeek ASCII log given as text (see {@link readZeekTsvFileSteps}); `file` names it in errors. */
export function readZeekTsv(text: string, file = "Zeek log"): pl.DataFrame {
  const buf = Buffer.from(text, "utf8");
  const bytes: LogBytes = { size: buf.length, read: (start, length) => buf.subarray(start, start + length) };
  return runSync(readZeekSteps(bytes, file));
}

/**
 * The read of a Zeek ASCII log file, as steps (collect.ts): in bounded
 * memory besides the frame itself, whatever the file's size.
 */
export function* readZeekTsvFileSteps(file: string): ReadSteps<pl.DataFrame> {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const bytes: LogBytes = {
      size,
      path: file,
      read(start, length, into) {
        const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
        let n = 0;
        while (n < length) {
          const got = fs.readSync(fd, buf, n, length - n, start + n);
          if (got === 0) break;
          n += got;
        }
        return buf.subarray(0, n);
      },
    };
    return yield* readZeekSteps(bytes, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a Zeek ASCII log file. */
export function readZeekTsvFile(file: string): pl.DataFrame {
  return runSync(readZeekTsvFileSteps(file));
}

