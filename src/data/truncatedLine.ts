/**
 * A JSON-lines log copied while it was being written (Zeek's `conn.log`
 * mid-rotation, a file caught mid-flush) ends in part of a line: bytes after
 * the last newline that are no JSON. polars fails the whole file on them.
 * This finds such a cut last line, and makes a copy of the file without it
 * for polars to read; the caller warns that it was skipped. Only the bytes
 * after the last newline count: a bad line that ends in a newline, in the
 * middle or at the end, is a bad line, not a cut one. The caller looks only
 * after polars failed the file (the search and the copy cost a read of it).
 */
import fs from "node:fs";
import path from "node:path";
import { copyFolder, copyWriteError, makeCopyFolder } from "./tempCopies";

/** A cut last line: its 1-based number and the byte where it starts (the complete lines end there). */
export interface TruncatedLine {
  line: number;
  offset: number;
}

/** Bytes read per step, backwards for the last newline, forwards to count lines. */
const BLOCK = 1 << 20;

/**
 * The longest last line taken for a cut one, in bytes. A log line is a few
 * KB; a longer tail is the file's own error, not a cut line (and reading it
 * into one string could fail: V8's strings stop near 512 MB).
 */
export const MAX_CUT_LINE_BYTES = 16 << 20;

/**
 * The byte after the file's last newline (0 when there is none), read
 * backwards in blocks; undefined when the last `limit` bytes hold none.
 */
function lastLineStart(fd: number, size: number, limit: number): number | undefined {
  const buf = Buffer.allocUnsafe(BLOCK);
  const stop = Math.max(0, size - limit - 1);
  for (let end = size; end > stop; ) {
    const start = Math.max(stop, end - BLOCK);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return stop === 0 ? 0 : undefined;
}

/** The number of newlines before `offset`. */
function newlinesBefore(fd: number, offset: number): number {
  const buf = Buffer.allocUnsafe(BLOCK);
  let count = 0;
  for (let pos = 0; pos < offset; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(BLOCK, offset - pos), pos);
    if (n === 0) break;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < n; i = buf.indexOf(0x0a, i + 1)) count += 1;
    pos += n;
  }
  return count;
}

/**
 * The file's cut last line: bytes after its last newline that are not blank
 * and not JSON. Undefined when the file ends with a newline, or its last line
 * (without one) is complete JSON, or it is the only line (nothing complete to
 * read: the caller's error names it), or it is longer than `maxBytes` (default
 * {@link MAX_CUT_LINE_BYTES}: no cut line, the file's own error stands).
 */
export function truncatedLastLine(file: string, maxBytes = MAX_CUT_LINE_BYTES): TruncatedLine | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const offset = lastLineStart(fd, size, maxBytes);
    if (offset === undefined || offset === 0 || offset >= size) return undefined;
    const tail = Buffer.allocUnsafe(size - offset);
    fs.readSync(fd, tail, 0, tail.length, offset);
    const text = tail.toString("utf8").trim();
    if (text === "") return undefined;
    try {
      JSON.parse(text);
      return undefined;
    } catch {
      return { line: newlinesBefore(fd, offset) + 1, offset };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A temporary copy of the file's first `bytes` bytes; `remove()` deletes it. */
export function copyOfStart(file: string, bytes: number, folder = copyFolder()): { file: string; remove(): void } {
  const dir = makeCopyFolder(file, folder, "huntlab-json-", "shortened");
  const copy = path.join(dir, path.basename(file));
  try {
    // A kernel copy where the file system has one, then the cut line dropped.
    fs.copyFileSync(file, copy);
    fs.truncateSync(copy, bytes);
  } catch (err) {
    const written = fs.statSync(copy, { throwIfNoEntry: false })?.size ?? 0;
    fs.rmSync(dir, { recursive: true, force: true });
    throw copyWriteError(err, file, folder, written, "shortened");
  }
  return { file: copy, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
