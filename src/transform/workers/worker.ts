/**
 * The worker thread behind workers/pool.ts: loads the scanners, says it is
 * ready, then for each posted chunk that it can claim (the job's shared claim
 * array: the caller or another worker may have it already) posts the chunk's
 * result (or its error) back — the caller merges by chunk number.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import { runTask } from "./tasks";
import type { ChunkMessage, WorkerMessage } from "./pool";

const port = (workerData as { port: MessagePort }).port;

/** The job of the last chunk taken, and how many chunks of it this worker has taken (a task's scratch slot). */
let job = -1;
let slot = 0;

port.on("message", (m: ChunkMessage) => {
  if (m.type !== "chunk" || Atomics.compareExchange(m.claims, m.chunk, 0, 1) !== 0) return;
  slot = m.job === job ? slot + 1 : 0;
  job = m.job;
  let reply: WorkerMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const out = runTask(m.task, m.args, m.input, slot);
    reply = { type: "result", job: m.job, chunk: m.chunk, result: out.result };
    transfer = out.transfer;
  } catch (err) {
    const e = err as Error;
    reply = { type: "error", job: m.job, chunk: m.chunk, message: e?.message ?? String(err), name: e?.name ?? "Error" };
  }
  port.postMessage(reply, transfer);
  const posted = m.claims.length - 1;
  Atomics.add(m.claims, posted, 1);
  Atomics.notify(m.claims, posted);
});

port.postMessage({ type: "ready" } satisfies WorkerMessage);
