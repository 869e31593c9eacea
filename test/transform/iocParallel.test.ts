/**
 * IoCExtract.extract on worker threads: the same output as in one thread
 * (random and crafted inputs, several columns, nulls, NULs inside cells,
 * defanged forms, every type), rows in order, failed chunks named by their
 * rows, small inputs and user types kept in-thread, and the compiled worker
 * (dist/) loadable. The split is made deterministic with `poolTestHooks`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import pl from "nodejs-polars";
import { BUILTIN_IOC_TYPES, IoCExtract } from "../../src/transform/iocExtract";
import { ChunkError, chunkRanges, poolTestHooks, runChunked, stopWorkers, warmUpWorkers, workerStats } from "../../src/transform/workers/pool";
import { iocChunkInput } from "../../src/transform/workers/tasks";
import { seededRandom } from "../helpers/random";
import { childLibrary } from "../helpers/child";

const ROOT = path.join(__dirname, "..", "..");
const iocs = new IoCExtract();
const inThread = { workers: 0 };
/** Every chunk but the first goes to the worker; tiny chunks so that there are many. */
const split = { workers: 1, minRows: 0, chunkRows: 7 };

/** Random command-line-like text: words, indicators (some defanged), unicode, separators, empty cells. */
function randomLines(n: number, seed: number): (string | null)[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const parts = [
    "cmd.exe /c",
    "powershell -enc",
    "C:\\Windows\\System32\\svchost.exe",
    "/usr/bin/curl",
    "http://evil.example.com/a/b.ps1?x=1",
    "hxxps://bad[.]example[.]org/drop",
    "10.0.0.1",
    "192.168.1.254:8080",
    "fe80::1ff:fe23:4567:890a",
    "user@mail.example.net",
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "münchen.example.de",
    "x.y",
    "evil[.]com",
    "a\u0000b.example.com",
    "ftp://files.corp/x",
    "\\\\server\\share\\file.txt",
    "—",
  ];
  return Array.from({ length: n }, () => {
    const x = r();
    if (x < 0.05) return null;
    if (x < 0.1) return "";
    const words: string[] = [];
    const k = 1 + Math.floor(r() * 6);
    for (let i = 0; i < k; i++) words.push(pick(parts));
    return words.join(pick([" ", " ", ";", "\t", "|"]));
  });
}

function frame(n: number, seed: number): pl.DataFrame {
  return pl.DataFrame({ A: randomLines(n, seed), B: randomLines(n, seed + 1), Id: Array.from({ length: n }, (_, i) => `id-${i}`) });
}

before(async () => {
  assert.equal(await warmUpWorkers(1), true, "a worker thread starts under tsx");
  poolTestHooks.callerClaims = false;
});

after(async () => {
  poolTestHooks.callerClaims = true;
  await stopWorkers();
});

test("parallel: random inputs, two columns, default types: the in-thread output, row for row", () => {
  for (const seed of [1, 2, 3]) {
    const df = frame(500, seed);
    const jobs = workerStats.workerChunks;
    const a = iocs.extract(df, { columns: ["A", "B"], parallel: inThread });
    const b = iocs.extract(df, { columns: ["A", "B"], parallel: split });
    assert.ok(a.height > 100, `seed ${seed}: the data holds indicators (${a.height})`);
    assert.ok(workerStats.workerChunks - jobs >= 70, "the worker scanned the chunks after the first");
    assert.deepEqual(b.toRecords(), a.toRecords(), `seed ${seed}`);
  }
});

test("parallel: every type, indexColumn, defanged off and ignoreTlds: the in-thread output", () => {
  const df = frame(400, 9);
  for (const opts of [
    { iocTypes: BUILTIN_IOC_TYPES },
    { includePaths: true, indexColumn: "Id" },
    { defanged: false, ignoreTlds: true, urlHostAsDns: false },
  ]) {
    const a = iocs.extract(df, { columns: ["B", "A"], ...opts, parallel: inThread });
    const b = iocs.extract(df, { columns: ["B", "A"], ...opts, parallel: split });
    assert.deepEqual(b.toRecords(), a.toRecords(), JSON.stringify(opts));
    assert.deepEqual(b.dtypes.map(String), a.dtypes.map(String));
  }
});

test("parallel: rows come grouped by source row, in input order, across chunk borders", () => {
  const df = frame(300, 4);
  const out = iocs.extract(df, { columns: ["A"], parallel: split });
  const idx = out.getColumn("SourceIndex").toArray() as unknown as number[];
  assert.ok(idx.length > 50);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i - 1] <= idx[i], `row ${idx[i - 1]} before ${idx[i]}`);
  // Crafted: an observable in the last row of a chunk and in the first of the next.
  const crafted = pl.DataFrame({ T: Array.from({ length: 21 }, (_, i) => (i % 7 === 6 || i % 7 === 0 ? `ping 10.0.0.${i}` : "nothing here")) });
  const got = iocs.extract(crafted, { columns: ["T"], parallel: split });
  assert.deepEqual(got.getColumn("SourceIndex").toArray(), [0, 6, 7, 13, 14, 20]);
  assert.deepEqual(got.getColumn("Observable").toArray(), ["10.0.0.0", "10.0.0.6", "10.0.0.7", "10.0.0.13", "10.0.0.14", "10.0.0.20"]);
});

test("parallel: small inputs and types added with addIocType stay in this thread", () => {
  const before = workerStats.jobs;
  const small = frame(50, 5);
  iocs.extract(small, { columns: ["A"] }); // default minRows
  const custom = new IoCExtract();
  custom.addIocType("ticket", /TCK-\d{4}/, 0);
  const df = pl.DataFrame({ T: Array.from({ length: 60 }, (_, i) => (i % 3 ? `see TCK-${1000 + i} at 10.1.1.${i}` : "")) });
  const out = custom.extract(df, { columns: ["T"], iocTypes: ["ticket", "ipv4"], parallel: split });
  assert.equal(workerStats.jobs, before, "no job went to a worker");
  assert.equal(out.filter(pl.col("IoCType").eq(pl.lit("ticket"))).height, 40);
});

test("parallel: a chunk that fails in the worker is reported with its rows", () => {
  const ranges = chunkRanges(30, 10);
  const args = { types: ["ipv4"], settings: { ignoreTlds: false, urlHostAsDns: true, defanged: true } };
  const good = (i: number) => iocChunkInput([pl.Series("c0", Array.from({ length: 10 }, (_, k) => `1.2.3.${i * 10 + k}`))], i * 10);
  // Chunk 2's input is malformed (not Arrow IPC): the worker's read throws.
  const prepare = (i: number) => (i === 2 ? { ipc: new Uint8Array([1, 2, 3]), offset: 20 } : good(i));
  const compute = () => 0;
  assert.throws(
    () => runChunked<unknown, unknown>({ task: "ioc", args, ranges, prepare, compute }, { workers: 1, minRows: 0, chunkRows: 10 }),
    (err: unknown) => err instanceof ChunkError && err.code === "transform/chunk-failed" && err.firstRow === 20 && err.lastRow === 29 && /^rows 20–29: /.test(err.message),
  );
  // In this thread too.
  const boom = (_input: unknown, i: number) => {
    if (i === 0) throw new Error("boom");
    return 0;
  };
  assert.throws(
    () => runChunked<unknown, unknown>({ task: "ioc", args, ranges, prepare: good, compute: boom }, { workers: 1, minRows: 0, chunkRows: 10 }),
    (err: unknown) => err instanceof ChunkError && err.message === "rows 0–9: boom",
  );
  // The pool still works after a failed job.
  const df = frame(100, 6);
  assert.deepEqual(iocs.extract(df, { columns: ["A"], parallel: split }).toRecords(), iocs.extract(df, { columns: ["A"], parallel: inThread }).toRecords());
});

test("parallel: the compiled package (dist/) loads its worker and gives the in-thread output", { skip: !fs.existsSync(path.join(ROOT, "dist", "transform", "workers", "worker.js")) && "dist/ not built" }, () => {
  const script = `
    const { IoCExtract } = require(${JSON.stringify(path.join(ROOT, "dist", "transform", "iocExtract.js"))});
    const pool = require(${JSON.stringify(path.join(ROOT, "dist", "transform", "workers", "pool.js"))});
    const pl = require("nodejs-polars");
    (async () => {
      const ok = await pool.warmUpWorkers(1);
      pool.poolTestHooks.callerClaims = false;
      const df = pl.DataFrame({ T: Array.from({ length: 200 }, (_, i) => i % 2 ? "curl http://a" + i + ".example.com/x from 10.0.0." + (i % 250) : "") });
      const x = new IoCExtract();
      const a = x.extract(df, { columns: ["T"], parallel: { workers: 0 } });
      const b = x.extract(df, { columns: ["T"], parallel: { workers: 1, minRows: 0, chunkRows: 16 } });
      console.log(JSON.stringify({ ok, same: JSON.stringify(a.toRecords()) === JSON.stringify(b.toRecords()), rows: a.height, workerChunks: pool.workerStats.workerChunks }));
    })();`;
  // Plain node, no TypeScript loader: what tslab and a user's script run.
  const res = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", execArgv: [] } as never);
  assert.equal(res.status, 0, res.stderr);
  const got = JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}");
  assert.deepEqual(got, { ok: true, same: true, rows: 300, workerChunks: 12 });
});

test("parallel: where worker threads are not Node's (Deno), extraction runs in-thread", () => {
  // huntlab from a current dist/ with plain Node, else src/ through tsx.
  const lib = childLibrary();
  const script = `
    globalThis.Deno = {};
    const { IoCExtract } = require(${JSON.stringify(lib.module("transform/iocExtract"))});
    const pool = require(${JSON.stringify(lib.module("transform/workers/pool"))});
    const pl = require("nodejs-polars");
    (async () => {
      const ok = await pool.warmUpWorkers(1);
      const df = pl.DataFrame({ T: Array.from({ length: 100 }, (_, i) => "ping 10.0.0." + i) });
      const out = new IoCExtract().extract(df, { columns: ["T"], parallel: { workers: 1, minRows: 0, chunkRows: 10 } });
      console.log(JSON.stringify({ ok, rows: out.height, jobs: pool.workerStats.jobs }));
    })();`;
  const res = spawnSync(process.execPath, [...lib.args, "-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}"), { ok: false, rows: 100, jobs: 0 });
});
