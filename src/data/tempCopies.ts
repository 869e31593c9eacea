/**
 * The private temporary copies the readers write: a compressed file's
 * decompressed copy, a CSV rewritten as polars can read it (stray quotes
 * quoted, a header widened or renamed), a JSON-lines file without its cut
 * last line. Each goes in a new folder (mode 0700) inside `folder`
 * (ReadOptions.tempFolder, default os.tmpdir()); a folder that is full or
 * cannot be written is a `data/temp-space` error naming the file, the folder
 * and how to choose another, never a bare ENOSPC.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataFileError, dataMessages as msg } from "./messages";

/** What a copy is, for its error: `its ${kind} copy`. */
export type CopyKind = "decompressed" | "rewritten" | "shortened";

/** Error codes of a full disk: no space, or the user's quota. */
const FULL = new Set(["ENOSPC", "EDQUOT"]);

/** The folder of temporary copies: `folder` (ReadOptions.tempFolder), else the system's (os.tmpdir(), set by TMPDIR). */
export function copyFolder(folder?: string): string {
  return folder ?? os.tmpdir();
}

/** A new private folder in `folder` for a copy of `file`, named `prefix…`; a full or unwritable folder is `data/temp-space`. */
export function makeCopyFolder(file: string, folder: string, prefix: string, kind: CopyKind): string {
  try {
    return fs.mkdtempSync(path.join(folder, prefix));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataFileError(msg.tempSpace(file, folder, FULL.has(e.code ?? "") ? { written: 0, detail: e.message } : { unusable: e.message }, kind));
  }
}

/** `err`, thrown while a copy of `file` was written in `folder`: a full disk as `data/temp-space` (the caller removes the copy), anything else as it is. */
export function copyWriteError(err: unknown, file: string, folder: string, written: number, kind: CopyKind): unknown {
  const e = err as NodeJS.ErrnoException;
  return FULL.has(e?.code ?? "") ? new DataFileError(msg.tempSpace(file, folder, { written, detail: e.message }, kind)) : err;
}

/**
 * Writes `length` bytes of `buffer` from `offset` to `fd`, all of them: fs.writeSync may write fewer on a disk that
 * fills (its count was ignored: a CSV's rewritten copy was cut at the disk's end without an error, and polars read
 * the cut copy), and the write after a short one fails with ENOSPC, which the caller reports.
 */
export function writeAll(fd: number, buffer: Uint8Array, offset = 0, length = buffer.length - offset): void {
  for (let done = 0; done < length; ) {
    const n = fs.writeSync(fd, buffer, offset + done, length - done);
    // A write of nothing that is no error: say so rather than loop.
    if (n <= 0) throw Object.assign(new Error("ENOSPC: the write wrote nothing"), { code: "ENOSPC" });
    done += n;
  }
}
