/**
 * Reading a file a setting or an option names (a config file, a TI feed, a
 * cache file, an answers file) without trusting what it is. `fs.readFileSync`
 * on a named pipe (FIFO) blocks in open(2) until a writer comes — forever, in
 * a notebook kernel; on `/dev/zero` it reads until Node aborts; on a folder it
 * is a bare EISDIR. Here the path is checked with `stat` before it is opened,
 * opened non-blocking (should it become a FIFO between the two), checked again
 * on the open file ({@link openRegularFile}, for a caller that reads parts of
 * it), and read with an optional size limit ({@link readRegularFile}). Each
 * problem goes to the caller's `fail`, which makes the caller's own error
 * naming its setting.
 */
import fs from "node:fs";
import type { Stats } from "node:fs"; // for exported signatures (see common/ipv6.ts)
import path from "node:path";

/** The parts of `fs.Stats` that {@link fileKind} reads. */
export interface FileKindStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** What a path that is not a regular file is, for messages ("a named pipe (FIFO)"); undefined for a regular file. */
export function fileKind(stat: FileKindStat): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  return "an entry of an unknown kind";
}

/** Why {@link openRegularFile} or {@link readRegularFile} refused a file: {@link fileProblemText} (src/common/messages.ts) words it. */
export type FileProblem =
  /** A folder, FIFO, socket or device (`kind` from {@link fileKind}), refused before it was opened. */
  | { problem: "not-a-file"; kind: string }
  /** Over `maxBytes` (`bytes`: the size, or what was read when the size said less). */
  | { problem: "too-large"; bytes: number; maxBytes: number }
  /** An fs error: missing, no permission… (`detail`: its message; `code`: ENOENT…). */
  | { problem: "unreadable"; detail: string; code?: string };

/** Options of {@link readRegularFile}. */
export interface ReadRegularFileOptions {
  /** Largest file read, in bytes. Default: no limit (a regular file's size). */
  maxBytes?: number;
}

/** Bytes read at a time by {@link readRegularFile}. */
const READ_CHUNK = 64 * 1024;

/** The fs error of `op` as `fail`'s "unreadable" problem. */
function io<T>(op: () => T, fail: (problem: FileProblem) => Error): T {
  try {
    return op();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail({ problem: "unreadable", detail: (err as Error).message, ...(code ? { code } : {}) });
  }
}

/** `fail`'s "not-a-file" problem when `stat` is not a regular file. */
function refuseNonRegular(stat: FileKindStat, fail: (problem: FileProblem) => Error): void {
  const kind = fileKind(stat);
  if (kind !== undefined) throw fail({ problem: "not-a-file", kind });
}

/**
 * A regular file opened for reading, and its `fstat`; the caller closes `fd`.
 * A folder, FIFO, socket or device is refused by `stat` before the open, and
 * again on the open file; these and an fs error are `fail(problem)`, thrown
 * (nothing left open).
 */
export function openRegularFile(file: string, fail: (problem: FileProblem) => Error): { fd: number; stat: Stats } {
  refuseNonRegular(io(() => fs.statSync(file), fail), fail);
  // Non-blocking, should the path become a FIFO between the stat and the open; the fstat below then refuses it.
  const fd = io(() => fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)), fail);
  try {
    const stat = io(() => fs.fstatSync(fd), fail);
    refuseNonRegular(stat, fail);
    return { fd, stat };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * The bytes of a regular file. A folder, FIFO, socket or device, a file that
 * cannot be opened or read, or one over `maxBytes` (checked before the read,
 * and again while reading: a /proc file says size 0) is `fail(problem)`, thrown.
 */
export function readRegularFile(file: string, options: ReadRegularFileOptions, fail: (problem: FileProblem) => Error): Buffer {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const { fd, stat } = openRegularFile(file, fail);
  try {
    if (stat.size > maxBytes) throw fail({ problem: "too-large", bytes: stat.size, maxBytes });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const n = io(() => fs.readSync(fd, chunk, 0, READ_CHUNK, null), fail);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw fail({ problem: "too-large", bytes: total, maxBytes });
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Where a symbolic link points (as written, made absolute), or undefined when `file` is not a link. */
export function linkTarget(file: string): string | undefined {
  try {
    return path.resolve(path.dirname(file), fs.readlinkSync(file));
  } catch {
    return undefined;
  }
}

/** The first `bytes` bytes of a file from byte `at` (fewer when it is shorter): for sniffing a format, a header, a magic number. */
export function headBytes(file: string, bytes: number, at = 0): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, at));
  } finally {
    fs.closeSync(fd);
  }
}
