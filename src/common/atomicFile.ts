/**
 * Writing a file that other processes read, or write too, at the same moment: a classroom's kernels sharing one
 * TI cache folder (the Tor exit list, a compacted result cache). The text is written whole under a name of this
 * write's own, then renamed over the file: a reader opens the old file or the new one, never half of one, and two
 * writers leave one writer's whole text. The name was `<file>.<pid>.tmp`, and process ids repeat across
 * containers (each learner's JupyterHub container starts its kernel at the same pid): two kernels wrote into one
 * temporary file, and a list cut short could be renamed into place.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Permission bits of a new file (before the umask). Default 0o666, as `fs.writeFileSync`. */
  mode?: number;
}

/** A name beside `file` that no other writer uses: the process id, and 48 random bits for other pid namespaces. */
export function asideName(file: string): string {
  return `${file}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Writes `data` to `file` whole or not at all (see the module's comment). Throws what the write or the rename
 * throws (EACCES, ENOSPC…), leaving no temporary file behind.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const aside = asideName(file);
  try {
    // `wx`: should the name exist after all, fail rather than write into another writer's file.
    fs.writeFileSync(aside, data, { mode: options.mode ?? 0o666, flag: "wx" });
    fs.renameSync(aside, file);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}
