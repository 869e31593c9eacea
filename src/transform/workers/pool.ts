/**
 * Row chunks of one synchronous call spread over worker threads.
 *
 * `IoCExtract.extract` and `base64.unpackDf` are synchronous, so the pool is
 * too: the calling thread posts chunks to the workers (IoC: a chunk's columns
 * as Arrow IPC bytes, which the worker screens and scans in its own polars;
 * base64: the screened cells, which the worker decodes and writes as one Arrow
 * IPC record batch into shared memory, no polars involved), a couple ahead per worker, works through
 * chunks itself, and then blocks (`Atomics.wait`) until
 * the chunks the workers took are back (`receiveMessageOnPort`). Chunks are
 * claimed from a shared counter, so a slow or still-starting worker never
 * holds the call up: whatever it has not claimed, the caller does. Results
 * come back per chunk and are merged in chunk order: the output is the same
 * as a single-threaded run.
 *
 * Workers start lazily (the first big call starts them and runs in-thread),
 * are unref'd (they never keep the process alive) and load the compiled
 * worker (dist/) or, under tsx, the TypeScript source. Where worker threads
 * are missing (Deno, browsers) or fail to start, everything runs in-thread.
 */
import os from "node:os";
import path from "node:path";
import * as nodeThreads from "node:worker_threads";
import type { MessagePort, Worker } from "node:worker_threads";
import { ChunkError } from "../messages";

/** How a call spreads its rows over threads. */
export interface ParallelOptions {
  /**
   * Worker threads to use next to the calling thread; 0 keeps the work in-thread.
   * @defaultValue available cores − 1 (at most 7)
   */
  workers?: number;
  /**
   * Inputs with fewer rows stay in-thread (moving text to a worker costs more
   * than it saves: at 100k command lines one thread was ~35% faster).
   * @defaultValue 250000
   */
  minRows?: number;
  /**
   * Rows per chunk (each chunk has a fixed cost: its transfer and polars calls;
   * 100k was fastest for 1M command lines, 25k ~30% slower).
   * @defaultValue 100000
   */
  chunkRows?: number;
}

/** The defaults of {@link ParallelOptions}. */
export const PARALLEL_DEFAULTS: Readonly<Required<ParallelOptions>> = Object.freeze({
  workers: Math.min(7, Math.max(0, (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length) - 1)),
  minRows: 250_000,
  chunkRows: 100_000,
});

/** The tasks a worker knows (workers/worker.ts). */
export type TaskName = "ioc" | "base64";

/** What the caller posts: one chunk of a job (chunk 0 is the caller's own and never posted). */
export interface ChunkMessage {
  type: "chunk";
  job: number;
  task: TaskName;
  args: unknown;
  chunk: number;
  input: unknown;
  /** Per chunk, 0 while unclaimed (claimed with compareExchange); after the chunks, the count of results posted. */
  claims: Int32Array;
}

/** What a worker posts back per chunk. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "result"; job: number; chunk: number; result: unknown }
  | { type: "error"; job: number; chunk: number; message: string; name: string };

export { ChunkError };

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  ready: boolean;
  dead: boolean;
}

type WorkerThreads = typeof import("node:worker_threads");

let threads: WorkerThreads | null | undefined;
const pool: PoolWorker[] = [];
let jobs = 0;

/** Counters, for tests and benchmarks: jobs posted to workers, chunks done by workers and by callers. */
export const workerStats = { jobs: 0, workerChunks: 0, callerChunks: 0 };

/**
 * Test hook: with `callerClaims` false the calling thread does only chunk 0
 * and leaves every other chunk to the workers (a deterministic split).
 */
export const poolTestHooks = { callerClaims: true };

let failedStarts = 0;
const MAX_FAILED_STARTS = 2;

/**
 * A job whose workers post nothing for this long, or for STALL_FACTOR times the longest chunk this thread
 * computed, has lost a worker (one that died mid-chunk cannot say so while this thread blocks): this thread
 * computes what is left. A slow worker's late result is the same and is ignored.
 */
const STALL_MS = 5_000;
const STALL_FACTOR = 4;

/** node:worker_threads, or null where it is missing or not the real thing (Deno runs everything in-thread). */
function workerThreads(): WorkerThreads | null {
  if (threads !== undefined) return threads;
  threads = null;
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) return threads;
  const wt = nodeThreads;
  if (typeof wt.receiveMessageOnPort === "function" && typeof wt.Worker === "function" && typeof SharedArrayBuffer === "function") threads = wt;
  return threads;
}

/**
 * How to start the worker: the compiled worker.js next to this file, or (this
 * file is TypeScript, so a TypeScript loader is running) worker.ts under tsx.
 */
function workerSource(): { source: string; eval: boolean } | null {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `worker${ext}`);
  if (ext === ".js") return { source: file, eval: false };
  // The worker inherits the caller's --import tsx; otherwise register tsx's CommonJS hook first.
  if (process.execArgv.some((a) => a.includes("tsx"))) return { source: file, eval: false };
  try {
    const api = require.resolve("tsx/cjs/api");
    return { source: `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(file)});`, eval: true };
  } catch {
    return null;
  }
}

/** Starts workers up to `count` (once); they report ready when their modules are loaded. */
function ensureWorkers(count: number): void {
  const wt = workerThreads();
  if (!wt) return;
  const live = pool.filter((w) => !w.dead);
  // Workers that die before they are ready (a broken install) are not started again and again.
  if (live.length >= count || failedStarts >= MAX_FAILED_STARTS) return;
  const src = workerSource();
  if (!src) {
    threads = null;
    return;
  }
  for (let i = live.length; i < count; i++) {
    try {
      const { port1, port2 } = new wt.MessageChannel();
      // A larger young generation: the scanners allocate many short strings, and fewer scavenges cost less CPU.
      const worker = new wt.Worker(src.source, { eval: src.eval, workerData: { port: port2 }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const entry: PoolWorker = { worker, port: port1, ready: false, dead: false };
      const died = () => {
        if (!entry.ready && !entry.dead) failedStarts++;
        entry.dead = true;
      };
      worker.on("error", died);
      worker.on("exit", died);
      worker.unref();
      port1.unref();
      pool.push(entry);
    } catch {
      threads = null;
      return;
    }
  }
}

/** The workers that have loaded their modules (drains their "ready" messages without blocking). */
function readyWorkers(): PoolWorker[] {
  const wt = workerThreads();
  if (!wt) return [];
  for (const w of pool) {
    if (w.ready || w.dead) continue;
    for (let m = wt.receiveMessageOnPort(w.port); m; m = wt.receiveMessageOnPort(w.port)) {
      if ((m.message as WorkerMessage).type === "ready") w.ready = true;
    }
  }
  return pool.filter((w) => w.ready && !w.dead);
}

/**
 * Starts the workers and resolves when at least one is ready (false when
 * workers are unavailable here). Calls made before then simply run in-thread;
 * tests and benchmarks await this for a deterministic split.
 */
export async function warmUpWorkers(count = PARALLEL_DEFAULTS.workers, timeoutMs = 60_000): Promise<boolean> {
  if (count <= 0) return false;
  ensureWorkers(count);
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (readyWorkers().length >= Math.min(count, pool.filter((w) => !w.dead).length) && readyWorkers().length > 0) return true;
    if (!workerThreads() || !pool.some((w) => !w.dead)) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return readyWorkers().length > 0;
}

/** Stops every worker (they are unref'd, so this is only needed to free their memory early). */
export async function stopWorkers(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((w) => w.worker.terminate()));
}

/** The row ranges of `height` rows in chunks of `chunkRows`. */
export function chunkRanges(height: number, chunkRows: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let offset = 0; offset < height; offset += chunkRows) out.push({ offset, length: Math.min(chunkRows, height - offset) });
  return out;
}

/**
 * One chunked job. `prepare(i)` makes chunk i's input in this thread (e.g. its
 * polars screen); `compute(input, i)` turns it into the chunk's result — here,
 * or in a worker through `runTask(task, args, input)` (workers/tasks.ts),
 * which must compute the same.
 */
export interface ChunkedJob<P, R> {
  task: TaskName;
  args: unknown;
  ranges: readonly { offset: number; length: number }[];
  prepare: (chunk: number) => P;
  compute: (input: P, chunk: number) => R;
  /**
   * Computes chunk i in this thread straight from the caller's own data, when
   * that is cheaper than `compute(prepare(i), i)` (e.g. when `prepare` serialises
   * the chunk for a worker). Default: `compute(prepare(i), i)`.
   */
  local?: (chunk: number) => R;
}

/** Claim states of a chunk in the job's shared array. */
const FREE = 0;
const TAKEN = 1;

/** Chunks kept queued per worker (enough to cover one chunk of this thread's own work). */
const AHEAD = 2;

/** Young-generation size of a worker (V8 default: 16–32 MB, depending on the heap). */
const YOUNG_GENERATION_MB = 96;

/**
 * Runs `job` over its chunks and returns the results in chunk order. With
 * ready workers: a few chunks from the front are prepared and posted to each
 * worker (so the workers start at once), this thread computes chunk 0, then
 * chunks from the last backwards, topping up the workers' queues from the
 * front between its chunks; then it claims what is posted but not started,
 * and waits for the workers' chunks.
 * A failed chunk throws a {@link ChunkError} naming its rows.
 */
export function runChunked<P, R>(job: ChunkedJob<P, R>, options: Required<ParallelOptions>): R[] {
  const n = job.ranges.length;
  const results = new Array<R>(n);
  const done = new Uint8Array(n);
  const inputs = new Array<P | undefined>(n);
  let longestLocal = 0;
  const runLocal = (i: number) => {
    const started = Date.now();
    try {
      results[i] = job.local ? job.local(i) : job.compute(inputs[i] ?? job.prepare(i), i);
    } catch (err) {
      const { offset, length } = job.ranges[i];
      throw ChunkError.of(offset, offset + length - 1, (err as Error).message ?? String(err), { cause: err });
    }
    inputs[i] = undefined;
    done[i] = 1;
    longestLocal = Math.max(longestLocal, Date.now() - started);
  };
  let workers: PoolWorker[] = [];
  if (options.workers > 0 && n > 1) {
    ensureWorkers(options.workers);
    workers = readyWorkers().slice(0, options.workers);
  }
  if (!workers.length) {
    for (let i = 0; i < n; i++) runLocal(i);
    return results;
  }
  const wt = workerThreads() as WorkerThreads;
  // claims[i]: chunk i's state; claims[n]: results posted by the workers (what this thread waits on).
  const claims = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
  claims[0] = TAKEN;
  const id = ++jobs;
  workerStats.jobs++;
  let failure: ChunkError | undefined;
  const take = (m: WorkerMessage) => {
    // A chunk this thread took over from a lost worker may still come back: the first result stands.
    if (m.type === "ready" || m.job !== id || done[m.chunk]) return;
    workerStats.workerChunks++;
    if (m.type === "result") results[m.chunk] = m.result as R;
    else {
      const { offset, length } = job.ranges[m.chunk];
      failure ??= ChunkError.of(offset, offset + length - 1, m.message);
    }
    inputs[m.chunk] = undefined;
    done[m.chunk] = 1;
  };
  const drain = () => {
    for (const w of workers) for (let m = wt.receiveMessageOnPort(w.port); m; m = wt.receiveMessageOnPort(w.port)) take(m.message as WorkerMessage);
  };
  // Which worker each posted chunk went to (-1: not posted).
  const owner = new Int16Array(n).fill(-1);
  let next = 1; // the next chunk to post (chunks are posted from the front)
  const post = (i: number, w: number) => {
    const input = job.prepare(i);
    if (!job.local) inputs[i] = input;
    const message: ChunkMessage = { type: "chunk", job: id, task: job.task, args: job.args, chunk: i, input, claims };
    owner[i] = w;
    workers[w].port.postMessage(message);
  };
  const outstanding = (w: number) => {
    let count = 0;
    for (let i = 1; i < next; i++) if (owner[i] === w && !done[i]) count++;
    return count;
  };
  // Keeps AHEAD chunks queued per worker, up to chunk `limit`: chunks are
  // prepared (serialised) only when a worker will soon want them, so this
  // thread does not prepare the chunks it ends up computing itself.
  const topUp = (limit: number) => {
    drain();
    for (let w = 0; w < workers.length; w++) {
      for (let queued = outstanding(w); queued < AHEAD && next <= limit; queued++) post(next++, w);
    }
  };
  try {
    if (!poolTestHooks.callerClaims) {
      for (; next < n; next++) post(next, (next - 1) % workers.length);
      runLocal(0);
      workerStats.callerChunks++;
    } else {
      topUp(n - 1);
      runLocal(0);
      workerStats.callerChunks++;
      // This thread takes unposted chunks from the back; the workers' queues are topped up between them.
      let last = n - 1;
      for (;;) {
        topUp(last);
        if (last < next) break;
        Atomics.store(claims, last, TAKEN);
        runLocal(last--);
        workerStats.callerChunks++;
      }
      // Posted chunks no worker has claimed yet: from the back.
      for (let i = next - 1; i > 0; i--) {
        if (Atomics.compareExchange(claims, i, FREE, TAKEN) !== FREE) continue;
        runLocal(i);
        workerStats.callerChunks++;
      }
    }
  } catch (err) {
    // Let the workers skip what is left; their results for this job are ignored.
    for (let i = 0; i < n; i++) Atomics.store(claims, i, TAKEN);
    throw err;
  }
  // Wait for the chunks the workers claimed. (A worker's exit event cannot
  // arrive while this thread blocks: workers silent for the stall limit are
  // taken as lost and their outstanding chunks are done here.)
  const stallMs = Math.max(STALL_MS, STALL_FACTOR * longestLocal);
  let lastPosted = Atomics.load(claims, n);
  let lastProgress = Date.now();
  for (;;) {
    drain();
    if (done.every((d) => d === 1)) break;
    const posted = Atomics.load(claims, n);
    if (posted !== lastPosted) {
      lastPosted = posted;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > stallMs) {
      // Taken here; a worker still on one of them finds it taken, or its late result is dropped.
      for (let i = 0; i < n; i++) if (!done[i]) (Atomics.store(claims, i, TAKEN), runLocal(i));
      break;
    }
    Atomics.wait(claims, n, posted, 200);
  }
  if (failure) throw failure;
  return results;
}
