/**
 * Passes over a CSV file's raw text for what polars' reader does not do the
 * way pandas (MSTICPy) does: find blank lines (polars makes each a row of
 * nulls) and rewrite values with a stray quote or with text after a
 * closing quote (polars fails the whole file on `x"y` and `"ab"c`). Both
 * read the file in 256 KiB blocks through one buffer and follow quoting as
 * polars does: a quote opens a value only at a field's start, and `""`
 * inside a quoted value is a quote.
 */
import fs from "node:fs";
import path from "node:path";
import { copyFolder, copyWriteError, makeCopyFolder, writeAll } from "./tempCopies";

/**
 * Bytes read at a time (one buffer, reused: fresh pages cost more than the scan on small VMs). Small enough to
 * stay in the CPU's cache: the kernel's copy into it is most of a scan's cost, and the bare-CR scan of a 380 MB
 * file took ~155 ms of CPU with 1 MiB blocks, ~37 ms with 256 KiB ones.
 */
const SCAN_CHUNK = 256 << 10;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Space and tab: a line of nothing else is blank to pandas (its tokenizer's whitespace-line state). */
const SPACE = 32;
const TAB = 9;

/** Whether `bytes[from, to)` are all spaces and tabs that are not the separator. */
function onlyWhitespace(bytes: Buffer, from: number, to: number, sep: number): boolean {
  for (let i = from; i < to; i += 1) {
    const b = bytes[i];
    if ((b !== SPACE && b !== TAB) || b === sep) return false;
  }
  return true;
}

/**
 * The rows (0-based, after the header and `skipRows` lines) that are blank
 * lines of the file: a line with nothing but spaces and tabs (and a `\r`)
 * outside a quoted value, as pandas' reader skips them. A quote opens a value
 * only at a field's start, as polars reads it. Lines are found with
 * `indexOf`; only lines with a quote, and lines starting with a space or tab,
 * are walked byte by byte.
 */
export function blankLineRows(file: string, sep: string, skipRows: number, height: number): number[] {
  const SEP = sep.charCodeAt(0);
  const rows: number[] = [];
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(SCAN_CHUNK);
    // State across chunks: inside a quoted value; just after a closing quote (`""` is a quote inside); at a field's start; the current line's bytes other than \r.
    let quoted = false;
    let closed = false;
    let fieldStart = true;
    let lineBytes = 0;
    let record = -1 - skipRows;
    for (let offset = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, SCAN_CHUNK, offset);
      if (n === 0) break;
      offset += n;
      // The bytes read (past them, the buffer holds the last chunk's).
      const bytes = n === buf.length ? buf : buf.subarray(0, n);
      let nextQuote = bytes.indexOf(QUOTE, 0);
      for (let pos = 0; pos < n; ) {
        let end = bytes.indexOf(LF, pos);
        if (end < 0) end = n;
        if (nextQuote >= 0 && nextQuote < pos) nextQuote = bytes.indexOf(QUOTE, pos);
        if (!quoted && (nextQuote < 0 || nextQuote >= end)) {
          // No quote on this stretch: only its length and last byte matter.
          if (end > pos) {
            const stop = end - (buf[end - 1] === CR ? 1 : 0);
            // A line that starts with white space is looked at whole: only spaces and tabs count as nothing.
            lineBytes += lineBytes === 0 && onlyWhitespace(bytes, pos, stop, SEP) ? 0 : stop - pos;
            fieldStart = buf[end - 1] === SEP;
            closed = false;
          }
        } else {
          for (let i = pos; i < end; i += 1) {
            const b = buf[i];
            if (b !== CR && (quoted || ((b !== SPACE && b !== TAB) || b === SEP) || lineBytes > 0)) lineBytes += 1;
            if (quoted) {
              if (b === QUOTE) {
                quoted = false;
                closed = true;
              }
              continue;
            }
            if (b === QUOTE && (fieldStart || closed)) quoted = true;
            closed = false;
            fieldStart = b === SEP;
          }
        }
        if (end === n) break;
        // A newline: the end of a record unless inside quotes.
        if (quoted) {
          lineBytes += 1;
        } else {
          const row = record;
          if (lineBytes === 0 && row >= 0 && row < height) rows.push(row);
          record += 1;
          lineBytes = 0;
          fieldStart = true;
          closed = false;
        }
        pos = end + 1;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return rows;
}

/**
 * Whether the file has a bare CR (one not followed by LF, nor the file's
 * last byte) anywhere, in quotes or not: a CR outside quotes ends a line for
 * pandas and only at LF for polars, which then reads two records as one.
 * Found with `indexOf` (a file without CRs is one memchr per block); a CR in
 * quotes only costs a copy that {@link quoteStrayQuotes} finds unchanged.
 */
export function hasBareCr(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(SCAN_CHUNK);
    const one = Buffer.allocUnsafe(1);
    for (let offset = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, SCAN_CHUNK, offset);
      if (n === 0) return false;
      offset += n;
      const bytes = n === buf.length ? buf : buf.subarray(0, n);
      for (let i = bytes.indexOf(CR); i >= 0; i = bytes.indexOf(CR, i + 1)) {
        // The byte after the block's last one is the next block's first.
        const next = i + 1 < n ? bytes[i + 1] : fs.readSync(fd, one, 0, 1, offset) === 1 ? one[0] : LF;
        if (next !== LF) return true;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A rewritten copy of a CSV file, and how to remove it. */
export interface CsvCopy {
  file: string;
  /** Values rewritten: unquoted ones with a stray quote, and quoted ones with text after the closing quote. */
  quoted: number;
  /** Bare CRs (a CR not followed by LF, outside quotes) written as LF: line ends, as pandas reads them. */
  lineEnds: number;
  remove(): void;
}

/**
 * A copy of the file that polars reads as pandas' C parser (MSTICPy) reads
 * the original, where polars alone fails the whole file:
 * - every unquoted value holding a quote (`x"y`, `say "hi"` written by tools
 *   that do not escape) is quoted, its quotes doubled: it reads as written;
 * - a quoted value with text after its closing quote (`"ab"c`, written by
 *   broken exporters) becomes one quoted value of the text pandas reads:
 *   the quoted part, then the rest up to the separator or line end as
 *   written (`"ab"c` is `abc`, `"a""b"c` is `a"bc`, `"a"b"c` is `ab"c`);
 * - a bare CR (not followed by LF) outside quotes is a line end, written as
 *   LF: pandas' C tokenizer ends the line there (old Mac files, `"z"\r3,k`),
 *   polars only at LF (it keeps the CR in the value, or reads an old Mac
 *   file as one header line). A CR inside quotes stays in the value.
 * Undefined when the file has none of these. A file that ends inside a
 * quoted value is copied as it is from there: polars then fails on that
 * value, the file's real fault. The copy is private to this user (a new
 * directory of mode 0700), in the system's temporary directory; the caller
 * removes it.
 */
export function quoteStrayQuotes(file: string, sep: string, folder = copyFolder()): CsvCopy | undefined {
  const SEP = sep.charCodeAt(0);
  const dir = makeCopyFolder(file, folder, "huntlab-csv-", "rewritten");
  const copy = path.join(dir, path.basename(file));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const input = fs.openSync(file, "r");
  let output: number | undefined;
  try {
    output = fs.openSync(copy, "w", 0o600);
    const inBuf = Buffer.allocUnsafe(SCAN_CHUNK);
    const outBuf = Buffer.allocUnsafe(2 * SCAN_CHUNK);
    let o = 0;
    const emit = (b: number) => {
      if (o === outBuf.length) flush();
      outBuf[o++] = b;
    };
    const flush = () => {
      writeAll(output as number, outBuf, 0, o);
      o = 0;
    };
    const write = (from: Buffer, start: number, end: number) => {
      if (o + end - start > outBuf.length) flush();
      if (end - start > outBuf.length) writeAll(output as number, from, start, end - start);
      else o += from.copy(outBuf, o, start, end);
    };
    // An unquoted value is held until its end: it is written quoted if it held a quote.
    let field = Buffer.allocUnsafe(4096);
    let f = 0;
    let stray = false;
    let quoted = 0;
    const endField = (lineEnd: boolean) => {
      // A CR before the line's LF stays outside the quotes.
      const cr = lineEnd && f > 0 && field[f - 1] === CR ? 1 : 0;
      if (stray) {
        quoted += 1;
        emit(QUOTE);
        for (let i = 0; i < f - cr; i += 1) {
          if (field[i] === QUOTE) emit(QUOTE);
          emit(field[i]);
        }
        emit(QUOTE);
        if (cr) emit(CR);
      } else {
        write(field, 0, f);
      }
      f = 0;
      stray = false;
    };
    // Text after a closing quote is written inside the still open quotes as it comes; only a CR is held, as it stays outside when the line's LF follows.
    let heldCr = false;
    let tail = false;
    const tailByte = (b: number) => {
      if (heldCr) emit(CR);
      tail ||= heldCr || b !== CR;
      heldCr = b === CR;
      if (heldCr) return;
      if (b === QUOTE) emit(QUOTE);
      emit(b);
    };
    const endTail = (lineEnd: boolean) => {
      if (heldCr && !lineEnd) emit(CR);
      emit(QUOTE);
      if (heldCr && lineEnd) emit(CR);
      // A tail of only the CR of a CRLF line end (`"ab"\r\n`) changed nothing.
      tail ||= heldCr && !lineEnd;
      if (tail) quoted += 1;
      heldCr = false;
      tail = false;
    };
    // 0 at a field's start, 1 in an unquoted value, 2 in a quoted one, 3 just after a quote in it (not written yet: it closes the value or starts `""`), 4 in text after the closing quote (the quote is written after it).
    let state = 0;
    let lineStart = true;
    let lineEnds = 0;
    const one = Buffer.allocUnsafe(1);
    /** The byte at `offset` of the file (past the chunk in hand), or -1 at its end. */
    const nextByte = (offset: number) => (fs.readSync(input, one, 0, 1, offset) === 1 ? one[0] : -1);
    // A UTF-8 BOM is copied as it is, before the first field: read as field text, it made a quoted header name `"a"` a stray-quote value.
    const bom = fs.readSync(input, inBuf, 0, 3, 0) === 3 && inBuf[0] === 0xef && inBuf[1] === 0xbb && inBuf[2] === 0xbf ? 3 : 0;
    write(inBuf, 0, bom);
    for (let pos = bom; ; ) {
      const n = fs.readSync(input, inBuf, 0, SCAN_CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const bytes = n === inBuf.length ? inBuf : inBuf.subarray(0, n);
      let nextQuote = bytes.indexOf(QUOTE, 0);
      let nextLf = bytes.indexOf(LF, 0);
      let nextCr = bytes.indexOf(CR, 0);
      for (let i = 0; i < n; ) {
        if (lineStart) {
          // A whole line without a quote is copied as it is (most lines); one ended by a bare CR gets an LF instead.
          if (nextQuote >= 0 && nextQuote < i) nextQuote = bytes.indexOf(QUOTE, i);
          if (nextLf >= 0 && nextLf < i) nextLf = bytes.indexOf(LF, i);
          if (nextCr >= 0 && nextCr < i) nextCr = bytes.indexOf(CR, i);
          // The first CR before the LF's own CR is bare (the byte after it is no LF); at the chunk's end it is left to the byte loop.
          const bare = nextCr >= 0 && nextCr + 1 < n && (nextLf < 0 || nextCr < nextLf - 1);
          const end = bare ? nextCr : nextLf;
          if (end >= 0 && (nextQuote < 0 || nextQuote > end)) {
            if (bare) {
              write(bytes, i, end);
              emit(LF);
              lineEnds += 1;
            } else {
              write(bytes, i, end + 1);
            }
            i = end + 1;
            continue;
          }
        }
        let b = bytes[i++];
        if (b === CR && state !== 2 && (i < n ? bytes[i] : nextByte(pos)) !== LF) {
          // A bare CR outside quotes: pandas ends the line there (an LF after it would make it CRLF, handled below as before).
          b = LF;
          lineEnds += 1;
        }
        const ends = b === SEP || b === LF;
        if (state === 1) {
          if (ends) {
            endField(b === LF);
            emit(b);
            state = 0;
          } else {
            if (f === field.length) field = Buffer.concat([field, Buffer.allocUnsafe(field.length)]);
            field[f++] = b;
            if (b === QUOTE) stray = true;
          }
        } else if (state === 0) {
          if (ends || b === QUOTE) {
            emit(b);
            if (b === QUOTE) state = 2;
          } else {
            field[0] = b;
            f = 1;
            state = 1;
          }
        } else if (state === 2) {
          if (b === QUOTE) state = 3;
          else emit(b);
        } else if (state === 3) {
          if (b === QUOTE || ends) {
            // `""` is a quote inside; a separator or LF ends the value as written.
            emit(QUOTE);
            emit(b);
            state = b === QUOTE ? 2 : 0;
          } else {
            // Text after the closing quote: pandas reads it as part of the value, unquoted.
            state = 4;
            tailByte(b);
          }
        } else if (ends) {
          endTail(b === LF);
          emit(b);
          state = 0;
        } else {
          tailByte(b);
        }
        lineStart = state === 0 && b === LF;
      }
    }
    if (state === 1) endField(true);
    if (state === 3) emit(QUOTE);
    if (state === 4) endTail(true);
    flush();
    if (!quoted && !lineEnds) {
      remove();
      return undefined;
    }
    return { file: copy, quoted, lineEnds, remove };
  } catch (err) {
    const written = fs.statSync(copy, { throwIfNoEntry: false })?.size ?? 0;
    remove();
    throw copyWriteError(err, file, folder, written, "rewritten");
  } finally {
    fs.closeSync(input);
    if (output !== undefined) fs.closeSync(output);
  }
}

/** A copy of a CSV file whose header names every field of its longest record. */
export interface WidenedCopy {
  file: string;
  /** The names added to the header, after its own. */
  added: string[];
  remove(): void;
}

/**
 * A copy of the file in which the header names as many columns as the
 * longest record has fields, the extra ones `column_<i>` (0-based, as
 * polars names a column without a name); undefined when no record is longer
 * than the header. polars cuts a record's extra fields (or, told not to,
 * fails the whole file naming no line); a value with an unquoted separator
 * (`Failed, retry` written by a tool that does not quote) then shifts the
 * rest of its row, and the last fields are lost. With the copy every field
 * is kept: shorter records get nulls, as always. Fields are counted as
 * polars reads them (a quote opens a value only at a field's start, `""`
 * inside is a quote, line ends inside quotes are text); the `skipRows` lines
 * before the header (`#TYPE`, `sep=`) are lines, not records. The copy is
 * private to this user, as {@link quoteStrayQuotes}'s; the caller removes it.
 */
export function widenedHeader(file: string, sep: string, skipRows: number, folder = copyFolder()): WidenedCopy | undefined {
  const SEP = sep.charCodeAt(0);
  const input = fs.openSync(file, "r");
  // Where the header record ends (its line end, or the CR of a CRLF), its fields, and the most fields of a record.
  let headerEnd = -1;
  let headerFields = 0;
  let most = 0;
  try {
    const buf = Buffer.allocUnsafe(SCAN_CHUNK);
    let skipped = 0;
    let fields = 1;
    // In a quoted value; just after a quote in one (it closes the value, or, doubled, is text).
    let quoted = false;
    let closing = false;
    let fieldStart = true;
    let prevCr = false;
    let pos = 0;
    const endRecord = (at: number) => {
      if (headerEnd < 0) {
        headerEnd = prevCr ? at - 1 : at;
        headerFields = fields;
      } else if (fields > most) most = fields;
      fields = 1;
      fieldStart = true;
    };
    for (let n; (n = fs.readSync(input, buf, 0, SCAN_CHUNK, pos)) > 0; pos += n) {
      for (let i = 0; i < n; i += 1) {
        const b = buf[i];
        if (skipped < skipRows) {
          if (b === LF) skipped += 1;
          continue;
        }
        if (closing) {
          closing = false;
          if (b === QUOTE) {
            prevCr = false;
            continue;
          }
          quoted = false;
        }
        if (quoted) {
          closing = b === QUOTE;
        } else if (b === QUOTE) {
          quoted = fieldStart;
          fieldStart = false;
        } else if (b === SEP) {
          fields += 1;
          fieldStart = true;
        } else if (b === LF) {
          endRecord(pos + i);
        } else if (b !== CR) {
          fieldStart = false;
        }
        prevCr = b === CR;
      }
    }
    // The last record may have no line end.
    if (!fieldStart || fields > 1) endRecord(pos);
  } finally {
    fs.closeSync(input);
  }
  if (headerEnd < 0 || most <= headerFields) return undefined;
  const added = Array.from({ length: most - headerFields }, (_, k) => `column_${headerFields + k}`);
  return { ...copyWithHeader(file, headerEnd, headerEnd, added.map((name) => `${sep}${name}`).join(""), folder), added };
}

/** A private copy of `file` with the bytes from `from` to `to` (a header record, or none: text inserted) replaced by `text`. */
export function copyWithHeader(file: string, from: number, to: number, text: string, folder = copyFolder()): { file: string; remove(): void } {
  const dir = makeCopyFolder(file, folder, "huntlab-csv-", "rewritten");
  const copy = path.join(dir, path.basename(file));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const input = fs.openSync(file, "r");
    const out = fs.openSync(copy, "w", 0o600);
    try {
      const buf = Buffer.allocUnsafe(SCAN_CHUNK);
      const copyRange = (start: number, end: number) => {
        for (let at = start; at < end; ) {
          const n = fs.readSync(input, buf, 0, Math.min(SCAN_CHUNK, end - at), at);
          if (n === 0) break;
          writeAll(out, buf, 0, n);
          at += n;
        }
      };
      copyRange(0, from);
      writeAll(out, Buffer.from(text));
      copyRange(to, fs.fstatSync(input).size);
    } finally {
      fs.closeSync(input);
      fs.closeSync(out);
    }
  } catch (err) {
    const written = fs.statSync(copy, { throwIfNoEntry: false })?.size ?? 0;
    remove();
    throw copyWriteError(err, file, folder, written, "rewritten");
  }
  return { file: copy, remove };
}

/**
 * Where the quoted value the file ends inside begins (1-based line), or undefined when every quoted value is
 * closed: a file cut while it was copied or downloaded (`…,"cmd.exe /c`), which polars reports as a value it
 * "could not parse" without a line. Quotes are followed as polars does (one opens a value only at a field's start;
 * `""` inside a value is a quote). Only called after polars failed the file: one pass over it.
 */
export function unclosedQuoteLine(file: string, sep: string): number | undefined {
  const SEP = sep.charCodeAt(0);
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(SCAN_CHUNK);
    let quoted = false;
    // The byte before the current one (a field starts after the separator or a line end, or at the file's start).
    let prev = LF;
    let line = 1;
    let openedOn = 0;
    for (let offset = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, SCAN_CHUNK, offset);
      if (n === 0) break;
      offset += n;
      for (let i = 0; i < n; i += 1) {
        const b = buf[i];
        if (b === LF) line += 1;
        if (b === QUOTE) {
          if (quoted) quoted = false;
          // A quote right after a closing one is `""`, a quote inside the value; at a field's start one opens it.
          else if (prev === QUOTE || prev === SEP || prev === LF || prev === CR) {
            if (prev !== QUOTE) openedOn = line;
            quoted = true;
          }
        }
        prev = b;
      }
    }
    return quoted ? openedOn : undefined;
  } finally {
    fs.closeSync(fd);
  }
}
