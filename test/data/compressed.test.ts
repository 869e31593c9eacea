/**
 * Compressed data files (src/data/compressed.ts): `.gz` and `.zst` after any
 * data extension, and gzip under a plain name, read as the uncompressed file
 * (the inner extension decides the format), through readDataFile and LocalData
 * queries; a gzip bomb stops at the cap, a truncated file is an error naming
 * it, an interrupt stops the decompression, and the temporary copy is removed
 * every time. Fixtures are compressed here from test/fixtures/schemas.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { test } from "node:test";
import zlib from "node:zlib";
import pl from "nodejs-polars";
import { runAsync } from "../../src/data/collect";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFile, readDataFileSteps } from "../../src/data/readers";
import { columnNames } from "../../src/common/frames";
import { TEST_DIR } from "../helpers/child";
import { tempDir } from "../helpers/tmp";

const FIXTURES = path.join(TEST_DIR, "fixtures", "schemas");

/** Lab-like samples of each reader: CSV, NDJSON, a JSON array, Zeek ASCII and JSON logs, a VPC flow log. */
const SAMPLES = ["process/mde.csv", "logon/ecs_azure_signins.ndjson", "suricata/eve.json", "network/zeek_conn.log", "vpc/vpc_flow.log"];

const zstd = (b: Buffer): Buffer => (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(b);

/** The two frames hold the same columns, types and values (nulls equal). */
function assertSameFrame(actual: pl.DataFrame, expected: pl.DataFrame, what: string): void {
  assert.deepEqual(columnNames(actual), columnNames(expected), `${what}: columns`);
  assert.deepEqual(actual.dtypes.map(String), expected.dtypes.map(String), `${what}: types`);
  assert.equal(actual.height, expected.height, `${what}: rows`);
  assert.ok(actual.frameEqual(expected, true), `${what}: the same values`);
}

/** Runs `body` with os.tmpdir() a fresh folder, and returns what is left in it after. */
async function inOwnTmp(body: () => Promise<void> | void): Promise<string[]> {
  const tmp = tempDir();
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  return fs.readdirSync(tmp);
}

/** How many processes have `file` on their command line (the decompressing child), by Linux's /proc; 0 without it. */
function decompressing(file: string): number {
  if (!fs.existsSync("/proc/self/cmdline")) return 0;
  let n = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(file)) n += 1;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** A gzip bomb: `gib` GiB of zeros, compressed by streaming (about 1 MB a GiB on disk). */
async function writeBomb(file: string, gib: number): Promise<void> {
  const chunk = Buffer.alloc(1 << 20);
  let left = gib * 1024;
  const zeros = new Readable({
    read() {
      this.push(left-- > 0 ? chunk : null);
    },
  });
  await pipeline(zeros, zlib.createGzip({ level: 1 }), fs.createWriteStream(file));
}

test("readDataFile reads .gz and .zst copies of CSV, NDJSON, JSON, Zeek and VPC samples as the uncompressed files", async () => {
  const dir = tempDir();
  const left = await inOwnTmp(() => {
    for (const sample of SAMPLES) {
      const plain = path.join(FIXTURES, sample);
      const expected = readDataFile(plain);
      assert.ok(expected.height > 0, sample);
      const bytes = fs.readFileSync(plain);
      const gz = path.join(dir, `${path.basename(sample)}.gz`);
      const zst = path.join(dir, `${path.basename(sample)}.zst`);
      fs.writeFileSync(gz, zlib.gzipSync(bytes));
      fs.writeFileSync(zst, zstd(bytes));
      assertSameFrame(readDataFile(gz), expected, `${sample}.gz`);
      assertSameFrame(readDataFile(zst), expected, `${sample}.zst`);
    }
  });
  assert.deepEqual(left, [], "every temporary copy is removed");
});

test("gzip under a plain name (S3's Content-Encoding: gzip) is found by its first bytes 1f 8b", () => {
  const dir = tempDir();
  const plain = path.join(FIXTURES, "process/mde.csv");
  const file = path.join(dir, "mde.csv");
  fs.writeFileSync(file, zlib.gzipSync(fs.readFileSync(plain)));
  assertSameFrame(readDataFile(file), readDataFile(plain), "gzip named .csv");
});

test("LocalData queries read compressed files end to end, asynchronously, by name and by stem, as the plain files", async () => {
  const plainDir = tempDir();
  const gzDir = tempDir();
  const files: Record<string, string> = { "conn.log": "network/zeek_conn.log", "host_logons.csv": "logon/securityevent_logons.csv", "az_net_comms.log": "vpc/vpc_flow.log", "flows.ndjson": "network/ecs_network_flows.ndjson" };
  for (const [name, sample] of Object.entries(files)) {
    const bytes = fs.readFileSync(path.join(FIXTURES, sample));
    fs.writeFileSync(path.join(plainDir, name), bytes);
    fs.writeFileSync(path.join(gzDir, `${name}.gz`), zlib.gzipSync(bytes));
  }
  const warnings: string[] = [];
  const plain = new QueryProvider("LocalData", { dataPaths: [plainDir], queryPaths: [plainDir], warn: (m: string) => warnings.push(m) });
  const gz = new QueryProvider("LocalData", { dataPaths: [gzDir], queryPaths: [gzDir], warn: (m: string) => warnings.push(m) });
  for (const name of Object.keys(files)) {
    const expected = await plain.execQuery(name);
    assertSameFrame(await gz.execQuery(name), expected, `${name}, named without .gz`);
    assertSameFrame(await gz.execQuery(`${name}.gz`), expected, `${name}.gz`);
  }
  // MSTICPy's lab queries name `az_net_comms.csv` (or .parquet): the VPC flow log found by its stem.
  assertSameFrame(await gz.execQuery("az_net_comms.csv"), await plain.execQuery("az_net_comms.log"), "az_net_comms by stem");
  // The same warnings (slash dates of host_logons), naming the .gz, never the temporary copy.
  const gzWarnings = warnings.filter((w) => w.startsWith(gzDir));
  assert.ok(gzWarnings.length > 0 && gzWarnings.every((w) => w.startsWith(path.join(gzDir, "host_logons.csv.gz: "))), warnings.join("\n"));
  assert.ok(warnings.every((w) => w.startsWith(plainDir) || w.startsWith(gzDir)), warnings.join("\n"));
});

test("x.csv beside x.csv.gz: the uncompressed file is read, with a warning naming both", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "x.csv"), "a,b\n1,plain\n");
  fs.writeFileSync(path.join(dir, "x.csv.gz"), zlib.gzipSync("a,b\n2,compressed\n"));
  const warnings: string[] = [];
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir], warn: (m: string) => warnings.push(m) });
  for (const name of ["x.csv", "x", "x.tsv"]) {
    const df = await qp.execQuery(name);
    assert.deepEqual(df.getColumn("b").toArray(), ["plain"], name);
  }
  assert.equal(warnings.filter((w) => w.includes("x.csv.gz")).length, 1, warnings.join("\n"));
  assert.match(warnings.find((w) => w.includes("x.csv.gz")) ?? "", /x\.csv is read; x\.csv\.gz beside it is not/);
  // Named with .gz, the compressed one is read.
  assert.deepEqual((await qp.execQuery("x.csv.gz")).getColumn("b").toArray(), ["compressed"]);
});

test("a truncated or corrupt .gz is an error naming the file; nothing of it is read and no copy is left", async () => {
  const dir = tempDir();
  const bytes = zlib.gzipSync(fs.readFileSync(path.join(FIXTURES, "network/zeek_conn.log")));
  const cut = path.join(dir, "conn.log.gz");
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const corrupt = path.join(dir, "flows.csv.gz");
  fs.writeFileSync(corrupt, Buffer.concat([bytes.subarray(0, 20), Buffer.alloc(200, 0x55)]));
  const left = await inOwnTmp(() => {
    for (const file of [cut, corrupt]) {
      assert.throws(
        () => readDataFile(file),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "data/compressed-invalid");
          assert.ok(err.message.startsWith(`${file}: cannot decompress as gzip: `), err.message);
          assert.match(err.message, /truncated or corrupt, nothing of it was read/);
          return true;
        },
      );
    }
  });
  assert.deepEqual(left, []);
});

test("a gzip bomb (1 GiB of zeros, ~1 MB on disk) stops at the cap with an error naming the file and the cap", async () => {
  const dir = tempDir();
  const bomb = path.join(dir, "bomb.csv.gz");
  await writeBomb(bomb, 1);
  assert.ok(fs.statSync(bomb).size < 8 << 20, `the bomb is small on disk: ${fs.statSync(bomb).size}`);
  const rss = process.memoryUsage().rss;
  const left = await inOwnTmp(async () => {
    const expectCap = (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/decompressed-too-large");
      assert.ok(err.message.includes(`${bomb}: decompresses to more than 4194304 bytes, the cap (ReadOptions.maxDecompressedBytes)`), err.message);
      return true;
    };
    assert.throws(() => readDataFile(bomb, { maxDecompressedBytes: 4 << 20 }), expectCap);
    await assert.rejects(runAsync(readDataFileSteps(bomb, { maxDecompressedBytes: 4 << 20 })), expectCap);
    const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir], readOptions: { maxDecompressedBytes: 4 << 20 } });
    await assert.rejects(qp.execQuery("bomb.csv"), expectCap);
  });
  assert.deepEqual(left, [], "the capped copy is removed");
  // The decompression runs in a child process: this one never holds the data.
  assert.ok(process.memoryUsage().rss - rss < 64 << 20, `memory grew by ${(process.memoryUsage().rss - rss) >> 20} MiB`);
});

test("an interrupt stops the decompression: the read rejects with the reason and the copy is removed", async () => {
  const dir = tempDir();
  const bomb = path.join(dir, "big.ndjson.gz");
  await writeBomb(bomb, 4);
  const left = await inOwnTmp(async () => {
    const controller = new AbortController();
    const reason = new Error("Interrupt Kernel");
    const running = runAsync(readDataFileSteps(bomb), controller.signal);
    // Once the child has started writing the copy.
    const tmp = process.env.TMPDIR as string;
    const started = () => fs.readdirSync(tmp).some((d) => fs.readdirSync(path.join(tmp, d)).some((f) => fs.statSync(path.join(tmp, d, f)).size > 0));
    while (!started()) await new Promise((resolve) => setTimeout(resolve, 5));
    const proc = fs.existsSync("/proc/self/cmdline");
    if (proc) assert.equal(decompressing(bomb), 1, "the decompression runs in a child process");
    controller.abort(reason);
    await assert.rejects(running, (err) => err === reason);
    // The child is killed, not left decompressing 4 GiB into a removed file.
    for (let i = 0; i < 500 && decompressing(bomb) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(decompressing(bomb), 0, "the decompression stopped");
  });
  assert.deepEqual(left, [], "the copy is removed on the interrupt");
});

test("a compressed file's temporary copy is named nowhere: errors and warnings name the .gz", () => {
  const dir = tempDir();
  const file = path.join(dir, "broken.ndjson.gz");
  fs.writeFileSync(file, zlib.gzipSync('{"a": 1}\n{"a": 2\n'));
  assert.throws(
    () => readDataFile(file),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/file-invalid");
      assert.ok(err.message.startsWith(`${file}: cannot read as NDJSON: line 2`), err.message);
      assert.ok(!err.message.includes(os.tmpdir()) || dir.startsWith(os.tmpdir()), err.message);
      return true;
    },
  );
});

test("gzip members one after another (cat a.gz b.gz) are read whole", () => {
  const dir = tempDir();
  const file = path.join(dir, "two.csv.gz");
  fs.writeFileSync(file, Buffer.concat([zlib.gzipSync("a,b\n1,x\n"), zlib.gzipSync("2,y\n")]));
  assert.deepEqual(readDataFile(file).getColumn("b").toArray(), ["x", "y"]);
});

test("zstd: every frame is read (node:zlib's stream stops after the first), and a truncated .zst is an error (the stream ends quietly on it)", () => {
  const dir = tempDir();
  const bytes = zstd(fs.readFileSync(path.join(FIXTURES, "network/zeek_conn.log")));
  const multi = path.join(dir, "two.log.zst");
  // Two frames (as `cat a.zst b.zst` writes): whole, read as the concatenated text.
  fs.writeFileSync(multi, Buffer.concat([zstd(Buffer.from("a,b\n1,x\n")), zstd(Buffer.from("2,y\n"))]));
  fs.renameSync(multi, path.join(dir, "two.csv.zst"));
  assert.deepEqual(readDataFile(path.join(dir, "two.csv.zst")).getColumn("b").toArray(), ["x", "y"]);
  for (const cutAt of [bytes.length - 1, Math.floor(bytes.length / 2), 6]) {
    const file = path.join(dir, `conn-${cutAt}.log.zst`);
    fs.writeFileSync(file, bytes.subarray(0, cutAt));
    assert.throws(() => readDataFile(file), (err: Error & { code?: string }) => err.code === "data/compressed-invalid" && err.message.startsWith(`${file}: cannot decompress as zstd: `), String(cutAt));
  }
});
