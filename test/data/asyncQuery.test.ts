/**
 * LocalData queries run off the JavaScript thread (polars' asynchronous
 * collects, src/data/collect.ts) and stop on an abort: the promise rejects
 * while polars is still reading, no later step of the read runs, and the
 * abandoned read ends in the background. The synchronous and asynchronous
 * runs of one read give the same frame. (Interrupt Kernel itself, in real
 * kernels: test/notebooks/queryInterrupt.test.ts.)
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { abandonedCollects, runAsync, runSync, type ReadSteps } from "../../src/data/collect";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFileSteps } from "../../src/data/readers";
import { tempDir } from "../helpers/tmp";

/** Events with text times (ms and µs), numbers, text with commas and quotes, and nulls. */
function writeEvents(dir: string, rows: number): void {
  const lines = ["TimeGenerated,Computer,EventID,CommandLine,StartTime"];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2026, 10, 1) + i * 61_001).toISOString().replace("T", " ").replace("Z", "");
    const start = i % 7 === 0 ? "" : new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString().replace("Z", `${String(i % 1000).padStart(3, "0")}Z`);
    lines.push(`${t},WKS-${i % 4},${4688 + (i % 2)},"cmd.exe /c ""echo ${i}"", done",${start}`);
  }
  fs.writeFileSync(path.join(dir, "events.csv"), lines.join("\n") + "\n");
  const df = pl.readCSV(path.join(dir, "events.csv"));
  df.writeParquet(path.join(dir, "typed.parquet"));
  df.writeJSON(path.join(dir, "lines.ndjson"), { format: "lines" });
}

/** Steps that note which of them ran: the second collect's step must not run after an abort. */
function* noted(lf: pl.LazyDataFrame, ran: string[]): ReadSteps<number> {
  ran.push("first");
  const df = yield lf;
  ran.push("after first collect");
  const again = yield df.lazy().select(pl.len().alias("n"));
  ran.push("after second collect");
  return Number(again.getColumn("n").toArray()[0]);
}

/** A lazy frame that takes polars a while: a cross join aggregated. */
const slow = () =>
  pl
    .DataFrame({ a: Array.from({ length: 3_000 }, (_, i) => i) })
    .lazy()
    .join(pl.DataFrame({ b: Array.from({ length: 3_000 }, (_, i) => i) }).lazy(), { how: "cross" })
    .select(pl.col("a").mul(pl.col("b")).sum().alias("s"));

test("runSync and runAsync give the same frames for CSV (times parsed), NDJSON and Parquet", async () => {
  const dir = tempDir();
  writeEvents(dir, 12_000);
  for (const file of ["events.csv", "lines.ndjson", "typed.parquet"]) {
    const sync = runSync(readDataFileSteps(path.join(dir, file)));
    const async = await runAsync(readDataFileSteps(path.join(dir, file)));
    assert.equal(async.height, 12_000, file);
    assert.deepEqual(async.dtypes.map(String), sync.dtypes.map(String), file);
    assert.ok(async.frameEqual(sync, true), `${file}: the same values`);
  }
  const csv = runSync(readDataFileSteps(path.join(dir, "events.csv")));
  assert.deepEqual(csv.dtypes.map(String), ["Datetime(ms)", "String", "Int64", "String", "Datetime(us)"].map((t) => `DataType(${t.replace("(ms)", "(ms,)").replace("(us)", "(us,)")})`));
});

test("an abort rejects at once with its reason while polars still collects; no later step runs; the read ends in the background", async () => {
  const ran: string[] = [];
  const controller = new AbortController();
  const running = runAsync(noted(slow(), ran), controller.signal);
  const reason = new Error("stop now");
  controller.abort(reason);
  await assert.rejects(running, (err) => err === reason);
  // Rejected before the native collect came back (it completes only on a later turn of the event loop).
  assert.ok(abandonedCollects() >= 1, "the abandoned collect is still counted as running");
  assert.deepEqual(ran, ["first"]);
  while (abandonedCollects() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(ran, ["first"], "nothing ran after the abandoned collect ended");
  // The same steps, not aborted, run to their end.
  const done: string[] = [];
  assert.equal(await runAsync(noted(slow(), done), new AbortController().signal), 1);
  assert.deepEqual(done, ["first", "after first collect", "after second collect"]);
});

test("an already aborted signal runs no step at all", async () => {
  const ran: string[] = [];
  await assert.rejects(runAsync(noted(slow(), ran), AbortSignal.abort(new Error("early"))), /early/);
  assert.deepEqual(ran, []);
});

test("a collect error reaches the read's own try/catch, synchronously and asynchronously", async () => {
  function* guarded(): ReadSteps<string> {
    try {
      yield pl.DataFrame({ a: [1] }).lazy().select(pl.col("missing"));
      return "no error";
    } catch (err) {
      return `caught: ${String(err instanceof Error ? err.message : err).split("\n")[0]}`;
    }
  }
  assert.match(runSync(guarded()), /^caught: .*missing/);
  assert.match(await runAsync(guarded()), /^caught: .*missing/);
});

test("QueryProvider: the provider's signal stops a running query with data/query-interrupted; another provider queries right after", async () => {
  const dir = tempDir();
  writeEvents(dir, 30_000);
  const controller = new AbortController();
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir], signal: controller.signal, interrupt: "never" });
  const running = qp.LocalData.events({ start: "2026-11-02" });
  controller.abort();
  await assert.rejects(running, (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/query-interrupted");
    assert.match(err.message, /^query LocalData\.events: interrupted \(.*\); no table is returned/);
    return true;
  });
  // Later queries of the aborted provider fail at once, as its signal stays aborted.
  await assert.rejects(qp.LocalData.events(), { code: "data/query-interrupted" });
  const other = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] });
  const events = await other.LocalData.events({ start: "2026-11-02" });
  assert.ok(events.height > 0 && events.height < 30_000, `filtered rows: ${events.height}`);
  assert.equal(events.getColumn("TimeGenerated").dtype.variant, "Datetime");
  const all = await other.execQuery("typed.parquet");
  assert.equal(all.height, 30_000);
});
