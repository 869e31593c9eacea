/**
 * Compressed data files (`conn.log.gz`, `host_logons.csv.gz`, `flows.ndjson.zst`):
 * decompressed, streaming, into a temporary file that the plain readers read
 * (so CSV inference, Zeek, VPC flow logs, JSON and Get-WinEvent mapping are the
 * same as for the uncompressed file); the inner extension decides the format.
 *
 * The decompression runs in a child process (the same runtime, node:zlib
 * streams): the synchronous `readDataFile` waits for it without holding the
 * data in this process, and a LocalData query's interrupt kills it. Log data
 * is attacker-controlled: the decompressed size is capped (a gzip bomb stops
 * at the cap), and a truncated or corrupt file is an error, nothing of it read.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import { headBytes } from "../common/regularFile";
import path from "node:path";
import zlib from "node:zlib";
import { OutsideStep } from "./collect";
import { DataFileError, dataMessages as msg } from "./messages";

/** A compression huntlab reads. */
export type Compression = "gzip" | "zstd";

const COMPRESSED: Record<string, Compression> = { ".gz": "gzip", ".zst": "zstd" };

/** Default cap of a compressed file's decompressed size (ReadOptions.maxDecompressedBytes): 8 GiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 8 * 1024 ** 3;

/** The compression of a file by its extension (`.gz`, `.zst`), or undefined. */
export function compressionOf(file: string): Compression | undefined {
  const ext = path.extname(file).toLowerCase();
  return Object.hasOwn(COMPRESSED, ext) ? COMPRESSED[ext] : undefined;
}

/** The name without its compression extension (`conn.log` of `conn.log.gz`); the name itself when not compressed. */
export function innerName(file: string): string {
  const name = path.basename(file);
  return compressionOf(name) ? name.slice(0, -path.extname(name).length) : name;
}

/** Whether the bytes start with gzip's magic (1f 8b): S3 objects stored with Content-Encoding gzip keep their plain name. */
export function isGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Whether this runtime's node:zlib decompresses zstd (Node ≥ 22.15). */
const hasZstd = (): boolean => typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === "function";

/** The error for a compression this runtime cannot decompress, or undefined. */
export function unsupportedCompression(file: string, compression: Compression): DataFileError | undefined {
  if (compression !== "zstd" || hasZstd()) return undefined;
  const name = path.basename(file);
  return new DataFileError(msg.compressionUnsupported(file, "zstd", `zstd -d ${name} (writes ${innerName(name)})`));
}

/**
 * Refuses early a copy that cannot fit: `folder` has less free space than the
 * compressed file's size (its decompressed copy is larger still). Where the
 * runtime has no statfs (Deno), nothing is checked: a full disk is then the
 * child's ENOSPC, the same error.
 */
export function checkTempSpace(file: string, folder: string): void {
  const statfs = (fs as { statfsSync?: typeof fs.statfsSync }).statfsSync;
  if (typeof statfs !== "function") return;
  let free: number;
  try {
    const s = statfs(folder);
    free = s.bavail * s.bsize;
  } catch {
    return; // An unreadable folder fails at mkdtemp with its own fs error.
  }
  const size = fs.statSync(file).size;
  if (free < size) throw new DataFileError(msg.tempSpace(file, folder, { free, size }));
}

/** Whether a zstd frame's magic number is a skippable frame's (0x184D2A50–0x184D2A5F, RFC 8878 §3.1.2). */
const isSkippable = (magic: number): boolean => magic >>> 4 === 0x184d2a5;

/**
 * Where a zstd file's first data frame starts, past skippable frames (pzstd
 * writes one before each frame): node's one-shot decompression returns
 * nothing for a file that starts with one. At most 64 are skipped.
 */
function firstZstdDataFrame(file: string): number {
  let at = 0;
  for (let i = 0; i < 64; i++) {
    const head = headBytes(file, 8, at);
    if (head.length < 8 || !isSkippable(head.readUInt32LE(0))) break;
    at += 8 + head.readUInt32LE(4);
  }
  return at;
}

/**
 * The first decompressed bytes of a compressed file (at most `bytes`), for
 * sniffing a `.log`'s form; empty when its start is not valid. Reads a small
 * block only: zstd's ratio reaches ~32,000:1, so 1 KiB decompresses to at most ~32 MiB.
 */
export function decompressedHead(file: string, compression: Compression, bytes: number): Buffer {
  const input = headBytes(file, compression === "zstd" ? 1024 : 16 * 1024, compression === "zstd" ? firstZstdDataFrame(file) : 0);
  try {
    // A block cut anywhere: flush what it holds instead of failing on the missing end.
    const out =
      compression === "zstd"
        ? (zlib as unknown as { zstdDecompressSync(b: Buffer, o: object): Buffer }).zstdDecompressSync(input, {})
        : zlib.gunzipSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return out.subarray(0, bytes);
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * The child's program (ES module, node:zlib streams): decompresses argv's file
 * into the temporary file, counting bytes; past the cap, or on a decompression
 * error, it writes a JSON line to stderr and exits 3. Bounded memory: the
 * streams hold one chunk (16 KiB) at a time.
 */
const CHILD = `
import fs from "node:fs"; import zlib from "node:zlib"; import process from "node:process"; import { pipeline } from "node:stream/promises";
const [file, tmp, capText, kind, framesText] = process.argv.slice(-5);
const cap = Number(capText); let n = 0;
const fail = (code, message) => { process.stderr.write(JSON.stringify({ code, message, bytes: n }) + "\\n"); process.exit(3); };
async function* count(source) { for await (const chunk of source) { n += chunk.length; if (n > cap) fail("cap", ""); yield chunk; } }
try {
  const out = fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 });
  if (kind === "gzip") await pipeline(fs.createReadStream(file), zlib.createGunzip(), count, out);
  else {
    const frames = JSON.parse(framesText);
    for (const [i, [start, end]] of frames.entries()) {
      await pipeline(fs.createReadStream(file, { start, end: end - 1 }), zlib.createZstdDecompress(), count, out, { end: i === frames.length - 1 });
    }
    if (!frames.length) out.end();
  }
} catch (e) { fail(e && (e.code === "ENOSPC" || e.code === "EDQUOT") ? "nospace" : "invalid", String(e && e.message || e)); }
`;

/** The child's command line: Node runs the program as an ES module; Deno (its kernel) with `deno eval`. */
function childArgs(file: string, tmp: string, cap: number, compression: Compression, frames: [number, number][]): string[] {
  const args = [file, tmp, String(cap), compression, JSON.stringify(frames)];
  return "deno" in process.versions ? ["eval", CHILD, ...args] : ["--input-type=module", "-e", CHILD, ...args];
}

/** The error of a child that failed: the cap, a full disk, a corrupt file, or the child's own failure. */
function childError(file: string, compression: Compression, cap: number, folder: string, stderr: string, status: string): DataFileError {
  let report: { code?: string; message?: string; bytes?: number } | undefined;
  try {
    report = JSON.parse(stderr.trim().split("\n").pop() ?? "") as typeof report;
  } catch {
    report = undefined;
  }
  if (report?.code === "cap") return new DataFileError(msg.decompressedTooLarge(file, cap));
  if (report?.code === "nospace") return new DataFileError(msg.tempSpace(file, folder, { written: report.bytes ?? 0, detail: report.message ?? "ENOSPC" }));
  const detail = report?.message ?? (stderr.trim().split("\n")[0] || `the decompressor ended (${status})`);
  return new DataFileError(msg.compressedInvalid(file, compression, detail, report?.bytes ?? 0));
}

/**
 * A zstd file's frames, as byte ranges [start, end), or what is wrong with
 * them. node:zlib's zstd stream stops after the first frame (a file of two,
 * as `cat a.zst b.zst` or pzstd writes, lost the second without a word) and
 * ends quietly on a file cut inside a frame (its start was read as the whole
 * file): so the frames are walked by their headers first (a few bytes a
 * 128 KiB block, no decompression), and each is decompressed on its own.
 * Skippable frames are skipped.
 */
export function zstdFrames(file: string): { frames: [number, number][] } | { problem: string } {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(8);
    const read = (at: number, n: number): Buffer => buf.subarray(0, fs.readSync(fd, buf, 0, n, at));
    const cut = (at: number) => ({ problem: `the file ends inside a frame (byte ${at} of ${size})` });
    const frames: [number, number][] = [];
    let at = 0;
    while (at < size) {
      const head = read(at, 4);
      if (head.length < 4) return cut(at);
      const magic = head.readUInt32LE(0);
      if (isSkippable(magic)) {
        // A skippable frame: its length follows the magic.
        const len = read(at + 4, 4);
        if (len.length < 4) return cut(at);
        at += 8 + len.readUInt32LE(0);
        continue;
      }
      if (magic !== 0xfd2fb528) return { problem: `no zstd frame at byte ${at}` };
      const start = at;
      const descriptor = read(at + 4, 1)[0];
      if (descriptor === undefined) return cut(at);
      const single = (descriptor >> 5) & 1;
      const checksum = (descriptor >> 2) & 1;
      at += 5 + (single ? 0 : 1) + [0, 1, 2, 4][descriptor & 3] + [single, 2, 4, 8][descriptor >> 6];
      for (let last = 0; !last; ) {
        const block = read(at, 3);
        if (block.length < 3) return cut(at);
        const header = block[0] | (block[1] << 8) | (block[2] << 16);
        last = header & 1;
        const type = (header >> 1) & 3;
        if (type === 3) return { problem: `a reserved block type at byte ${at}` };
        // An RLE block holds one byte, repeated Block_Size times.
        at += 3 + (type === 1 ? 1 : header >>> 3);
      }
      at += checksum ? 4 : 0;
      if (at > size) return cut(size);
      frames.push([start, at]);
    }
    return at > size ? cut(size) : { frames };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The read step that decompresses `file` into `tmp` (which must not exist),
 * at most `cap` bytes: synchronous for `runSync`, a killable child for
 * `runAsync` (its signal kills the child). Errors name `file`, never `tmp`;
 * a full disk names `folder`, the one the user chose (tmp's private folder is inside it).
 */
export function decompressStep(file: string, tmp: string, compression: Compression, cap: number, folder: string): OutsideStep {
  const args = (): string[] => {
    const walked = compression === "zstd" ? zstdFrames(file) : { frames: [] };
    if ("problem" in walked) throw new DataFileError(msg.compressedInvalid(file, compression, walked.problem, 0));
    return childArgs(file, tmp, cap, compression, walked.frames);
  };
  return new OutsideStep(
    () => {
      const r = spawnSync(process.execPath, args(), { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 20, encoding: "utf8" });
      if (r.error) throw new DataFileError(msg.compressedInvalid(file, compression, `the decompressor could not run (${r.error.message})`, 0));
      if (r.status !== 0) throw childError(file, compression, cap, folder, r.stderr, r.signal ?? `exit ${r.status}`);
    },
    async (signal) => {
      const child = spawn(process.execPath, args(), { stdio: ["ignore", "ignore", "pipe"], ...(signal ? { signal } : {}) });
      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (d: string) => {
        if (stderr.length < 1 << 16) stderr += d;
      });
      // An abort kills the child (spawn's signal) and rejects here with an AbortError; runAsync throws the signal's reason.
      child.on("error", () => undefined);
      const [code, killed] = (await once(child, "close")) as [number | null, string | null];
      if (signal?.aborted) throw signal.reason;
      if (code !== 0) throw childError(file, compression, cap, folder, stderr, killed ?? `exit ${code}`);
    },
  );
}
