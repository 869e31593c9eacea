/**
 * The result cache of one provider: in memory, plus an optional folder on disk
 * so that re-running a notebook (or a new kernel) does not query the service
 * again. Entries expire after a TTL. Only definitive answers are stored
 * (found / not found), never failures; stored values are already masked.
 *
 * Disk format: one NDJSON file per provider class and endpoint,
 * `<Class>-<hash of endpoint>.ndjson`, each line `{"k": key, "e": expiry ms, "v": result}`.
 * New entries are appended; the file is rewritten when stale lines dominate.
 *
 * Memory holds at most `maxEntries` results, the least recently used dropped
 * first: a kernel open all day that looks up ever new indicators kept every
 * answer (found or not) until the TILookup was made again. The disk file keeps
 * every live entry; a dropped one is read from it again in a new kernel.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../common/atomicFile";
import { fileProblemText } from "../common/messages";
import { readRegularFile } from "../common/regularFile";
import { contextNotes } from "./messages";
import type { ProviderResult } from "./tiProvider";

export interface ResultCacheOptions {
  /** How long an entry stays valid, ms. */
  ttlMs: number;
  /** Folder of the on-disk cache; memory only when unset. */
  dir?: string;
  /** Identifies the provider and endpoint: the file name derives from it. */
  namespace: string;
  /** A readable prefix for the file name (the provider class). */
  label?: string;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Called when a compaction has read the file and is about to rewrite it, for tests of other processes' appends. Default none. */
  beforeCompact?: () => void;
  /** Most entries kept in memory; the least recently used are dropped first. Default {@link MEMORY_ENTRIES}. */
  maxEntries?: number;
}

/** Default bound of a provider's in-memory cache (an entry is ~0.3 KB for "not found", its raw answer more for a hit). */
export const MEMORY_ENTRIES = 50_000;

interface Entry {
  expires: number;
  value: ProviderResult;
}

/** Pending disk lines are written once this many have accumulated (and at {@link ResultCache.flush}). */
const FLUSH_EVERY = 200;

export class ResultCache {
  private readonly memory = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** The cache file, when on disk. */
  readonly file?: string;
  private loaded = false;
  private pending: string[] = [];
  /** The file as {@link load} read it (its inode, the length of its whole lines): a compaction keeps what others appended since. */
  private readAs?: { ino: number; bytes: number };
  private readonly beforeCompact?: () => void;
  /** Why the disk cache stopped working (an unreadable file, an unwritable folder…), if it did: the cache is then memory-only. */
  diskError?: string;
  /** Lookups answered from this cache since it was made. */
  hits = 0;

  constructor(options: ResultCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.beforeCompact = options.beforeCompact;
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? MEMORY_ENTRIES));
    if (options.dir) {
      const digest = createHash("sha256").update(options.namespace).digest("hex").slice(0, 16);
      const label = (options.label ?? "provider").replace(/[^\w.-]/g, "_");
      this.file = path.join(options.dir, `${label}-${digest}.ndjson`);
    }
  }

  /** Entries in memory (valid or not yet purged). */
  get size(): number {
    this.load();
    return this.memory.size;
  }

  get(key: string): ProviderResult | undefined {
    this.load();
    const entry = this.memory.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.memory.delete(key);
      return undefined;
    }
    this.hits += 1;
    // Most recently used last: a Map iterates in insertion order, so the first key is the one to drop.
    this.memory.delete(key);
    this.memory.set(key, entry);
    return entry.value;
  }

  set(key: string, value: ProviderResult): void {
    if (this.ttlMs <= 0) return;
    this.load();
    const expires = this.now() + this.ttlMs;
    this.remember(key, { expires, value });
    if (this.file && !this.diskError) {
      let line: string;
      try {
        line = JSON.stringify({ k: key, w: this.now(), e: expires, v: value });
      } catch {
        // A value JSON cannot write (nested past the stack): kept in memory only.
        return;
      }
      this.pending.push(line);
      if (this.pending.length >= FLUSH_EVERY) this.flush();
    }
  }

  /** Writes pending entries to disk. */
  flush(): void {
    if (!this.file || this.pending.length === 0 || this.diskError) return;
    const lines = this.pending.join("\n") + "\n";
    this.pending = [];
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // After a torn last line (a crash mid-write), start on a line of our own: the first entry was joined onto it and lost.
      fs.appendFileSync(this.file, (endsInsideLine(this.file) ? "\n" : "") + lines, { mode: 0o600 });
    } catch (err) {
      this.diskError = contextNotes.cacheFileUnwritable(this.file, (err as Error).message);
    }
  }

  /** Sets `key` as the most recently used entry, dropping the least recently used past {@link maxEntries}. */
  private remember(key: string, entry: Entry): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    for (const oldest of this.memory.keys()) {
      if (this.memory.size <= this.maxEntries) break;
      this.memory.delete(oldest);
    }
  }

  /** Empties memory and deletes the file. */
  clear(): void {
    this.memory.clear();
    this.pending = [];
    this.loaded = true;
    if (this.file) fs.rmSync(this.file, { force: true });
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file || !fs.existsSync(this.file)) return;
    const file = this.file;
    let text: string;
    try {
      const ino = fs.statSync(file).ino;
      // A FIFO, socket, device or folder of that name is refused before it is opened (a FIFO's open waited for a
      // writer forever); the cache then stays in memory, and nothing is appended to it (the append would block too).
      const bytes = readRegularFile(file, {}, (p) => new Error(contextNotes.cacheFileUnreadable(file, fileProblemText(p))));
      // Up to its last whole line: a line another kernel was still writing is carried over by a compaction once
      // finished (counted as read, its end alone was carried, a fragment, and the entry was lost).
      this.readAs = { ino, bytes: bytes.lastIndexOf(0x0a) + 1 };
      text = bytes.toString("utf8");
    } catch (err) {
      this.diskError = (err as Error).message;
      return;
    }
    const now = this.now();
    // Every live entry of the file (a compaction must keep the ones memory has no room for), in the file's order.
    const live = new Map<string, Entry>();
    let lines = 0;
    for (const line of text.split("\n")) {
      if (!line) continue;
      lines += 1;
      try {
        const entry = JSON.parse(line) as { k?: unknown; w?: unknown; e?: unknown; v?: unknown };
        // A torn or foreign line is skipped, not fatal: the cache is only a cache.
        if (typeof entry.k === "string" && typeof entry.e === "number" && entry.e > now && isResult(entry.v)) {
          // Written under a longer TTL than today's: it expires by today's (the time written, `w`, since this format).
          const expires = typeof entry.w === "number" ? Math.min(entry.e, entry.w + this.ttlMs) : entry.e;
          if (expires > now) {
            live.delete(entry.k);
            live.set(entry.k, { expires, value: entry.v });
          }
        }
      } catch {
        // skip
      }
    }
    // The newest (last written) fill memory.
    let skip = live.size - this.maxEntries;
    for (const [k, entry] of live) if (skip-- <= 0) this.memory.set(k, entry);
    if (lines > 1000 && lines > 2 * live.size) this.compact(live);
  }

  /**
   * Rewrites the file with the live entries only, and the whole lines other kernels appended since {@link load} read
   * it (a class sharing one cache folder: 6 kernels starting at once on a file due for compaction kept 3,800 to
   * 5,000 of their 6,000 new entries). A file replaced meanwhile (another kernel compacted it) is left as it is.
   */
  private compact(live: Map<string, Entry>): void {
    if (!this.file || !this.readAs) return;
    const body = [...live].map(([k, { expires, value }]) => JSON.stringify({ k, w: expires - this.ttlMs, e: expires, v: value })).join("\n");
    try {
      this.beforeCompact?.();
      const since = appendedSince(this.file, this.readAs);
      if (since === undefined) return;
      writeFileAtomic(this.file, (body ? body + "\n" : "") + since, { mode: 0o600 });
    } catch (err) {
      this.diskError = contextNotes.cacheFileUnwritable(this.file, (err as Error).message);
    }
  }
}

function isResult(value: unknown): value is ProviderResult {
  const v = value as Partial<ProviderResult> | null;
  // Every field the lookup reads as text must be text: a foreign line's number or null reference failed every later lookup.
  return (
    !!v &&
    typeof v === "object" &&
    typeof v.result === "boolean" &&
    typeof v.severity === "string" &&
    typeof v.status === "number" &&
    typeof v.reference === "string" &&
    (typeof v.details === "string" || (typeof v.details === "object" && v.details !== null)) &&
    (v.querySubtype === undefined || typeof v.querySubtype === "string")
  );
}

/**
 * The whole lines appended to `file` after its first `read.bytes` bytes, or undefined when it is no longer the file
 * read (another inode: compacted by another kernel) or is shorter. A line still being written is left out.
 */
function appendedSince(file: string, read: { ino: number; bytes: number }): string | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const stat = fs.fstatSync(fd);
    if (stat.ino !== read.ino || stat.size < read.bytes) return undefined;
    const tail = Buffer.alloc(stat.size - read.bytes);
    let got = 0;
    while (got < tail.length) {
      const n = fs.readSync(fd, tail, got, tail.length - got, read.bytes + got);
      if (n === 0) break;
      got += n;
    }
    const end = tail.subarray(0, got).lastIndexOf(0x0a);
    return end < 0 ? "" : tail.subarray(0, end + 1).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether `file` exists and its last byte is not a line break. */
function endsInsideLine(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
