/**
 * A worker thread that dies mid-chunk (out of memory, killed) cannot say so
 * while the calling thread blocks on its results: the call used to wait 120 s
 * before doing the chunk itself. Now it waits the stall limit (5 s, or 4× the
 * longest chunk it computed itself) and gives the same output as one thread.
 * The dying worker is simulated by a Worker class that claims a chunk and exits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import wt from "node:worker_threads";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";
import { stopWorkers, warmUpWorkers } from "../../src/transform/workers/pool";

test("a worker lost mid-chunk: the call finishes (in seconds, not 120 s) with the one-thread output, and the next call works", { timeout: 60_000 }, async () => {
  const Original = wt.Worker;
  let lost = 0;
  class DyingWorker extends Original {
    constructor(source: string | URL, options: wt.WorkerOptions = {}) {
      // The real worker's modules, preceded by a listener that claims the first chunk posted and exits.
      const load = options.eval ? String(source) : `require(${JSON.stringify(String(source))});`;
      const prelude = `require("node:worker_threads").workerData.port.on("message", (m) => { if (m.type === "chunk" && Atomics.compareExchange(m.claims, m.chunk, 0, 1) === 0) process.exit(7); });`;
      const tsx = options.eval || !String(source).endsWith(".ts") ? "" : `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register();`;
      super(`${tsx}${prelude}${load}`, { ...options, eval: true });
      this.on("exit", (code) => (lost += code === 7 ? 1 : 0));
    }
  }
  await stopWorkers();
  (wt as { Worker: unknown }).Worker = DyingWorker;
  const df = pl.DataFrame({ c: Array.from({ length: 60_000 }, (_, i) => `curl http://h${i % 50}.evil.com/x 10.0.${i % 250}.1`) });
  const x = new IoCExtract();
  try {
    assert.ok(await warmUpWorkers(1), "a worker started");
    const started = Date.now();
    const out = x.extract(df, { columns: "c", parallel: { workers: 1, minRows: 1000, chunkRows: 10_000 } });
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(lost, 1, "the worker died on its chunk");
    assert.ok(out.frameEqual(x.extract(df, { columns: "c", parallel: { workers: 0 } })), "the one-thread output");
    // Not a speed test: only that it did not wait for the old 120 s limit (the test's own timeout is 60 s).
    assert.ok(seconds < 50, `took ${seconds} s`);
  } finally {
    (wt as { Worker: unknown }).Worker = Original;
    await stopWorkers();
  }
});
