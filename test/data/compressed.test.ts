/**
 * Compressed data files (src/data/compressed.ts): `.gz` and `.zst` after any
 * data extension, and gzip under a plain name, read as the uncompressed file
 * (the inner extension decides the format), through readDataFile and LocalData
 * queries; a gzip bomb stops at the cap, a truncated file is an error naming
 * it, an interrupt stops the decompression, and the temporary copy is removed
 * every time. Fixtures are compressed here from test/fixtures/schemas.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import pl from "nodejs-polars";
import { runAsync } from "../../src/data/collect";
import { QueryProvider } from "../../src/data/queryProvider";
import { logFormat, readDataFile, readDataFileSteps } from "../../src/data/readers";
import { columnNames } from "../../src/common/frames";
import { childLibrary, TEST_DIR } from "../helpers/child";
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

/** One gzip member of 16 MiB of zeros (~16 KB), compressed once. */
let zerosMember: Buffer | undefined;

/**
 * `gib` GiB of zeros, gzipped: gzip members one after another (as `cat a.gz b.gz`; gunzip reads them as one
 * stream, see below), the same 16 MiB member each time. Compressing the whole 4 GiB cost ~4 s of CPU.
 */
async function writeBomb(file: string, gib: number): Promise<void> {
  zerosMember ??= zlib.gzipSync(Buffer.alloc(16 << 20), { level: 9 });
  const out = await fs.promises.open(file, "w");
  try {
    for (let i = 0; i < gib * 64; i++) await out.write(zerosMember);
  } finally {
    await out.close();
  }
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

test("zstd skippable frames (pzstd writes one before each frame) are skipped: between frames, and at the start of a .log.zst, whose form is sniffed past them", async () => {
  const dir = tempDir();
  const skippable = (magicNibble: number, body: string) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(0x184d2a50 + magicNibble, 0);
    head.writeUInt32LE(Buffer.byteLength(body), 4);
    return Buffer.concat([head, Buffer.from(body)]);
  };
  const csv = path.join(dir, "skip.csv.zst");
  fs.writeFileSync(csv, Buffer.concat([skippable(0, "meta"), zstd(Buffer.from("a,b\n1,x\n")), skippable(0xf, ""), zstd(Buffer.from("2,y\n")), skippable(3, "tail")]));
  assert.deepEqual(readDataFile(csv).getColumn("b").toArray(), ["x", "y"]);
  // pzstd's form: a 4-byte skippable frame (the next frame's size) before the data; the .log is JSON lines.
  const log = path.join(dir, "events.log.zst");
  fs.writeFileSync(log, Buffer.concat([skippable(0, "\x1d\0\0\0"), zstd(Buffer.from('{"a":1}\n{"a":2}\n'))]));
  assert.equal(logFormat(log), "ndjson", "a .log.zst starting with a skippable frame is sniffed as JSON lines (it was no data source)");
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] });
  assert.deepEqual((await qp.execQuery("events.log")).getColumn("a").toArray(), [1, 2], "a LocalData source (a .log that is not data was skipped)");
  assert.deepEqual(readDataFile(log).getColumn("a").toArray(), [1, 2]);
});

test("an Excel workbook or an unknown type, compressed, is refused before it is decompressed, saying how to decompress and convert it", async () => {
  const dir = tempDir();
  const xlsx = path.join(dir, "report.xlsx.gz");
  fs.writeFileSync(xlsx, zlib.gzipSync(Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(1 << 16)])));
  const other = path.join(dir, "notes.docx.zst");
  fs.writeFileSync(other, zstd(Buffer.from("PK\x03\x04")));
  const left = await inOwnTmp(async () => {
    assert.throws(
      () => readDataFile(xlsx),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/unsupported-format");
        assert.ok(err.message.startsWith(`${xlsx}: ".xlsx" is an Excel workbook`), err.message);
        assert.match(err.message, /decompress it first \(gzip -dk report\.xlsx\.gz\), then export the sheet as CSV .* to report\.csv/);
        return true;
      },
    );
    assert.throws(() => readDataFile(other), (err: Error & { code?: string }) => err.code === "data/unsupported-format" && err.message.includes('unsupported data file type ".docx.zst"'));
    // A LocalData query by the stem finds it and says the same.
    const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] });
    await assert.rejects(qp.execQuery("report.xlsx"), /report\.xlsx\.gz: "\.xlsx" is an Excel workbook; .*gzip -dk report\.xlsx\.gz/);
  });
  assert.deepEqual(left, []);
});

/** Whether this system lets a user namespace mount a small tmpfs (Linux `unshare -rm`), to fill a disk in a test. */
function canMountTmpfs(): boolean {
  if (process.platform !== "linux") return false;
  const mnt = tempDir();
  const r = spawnSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', mnt], { encoding: "utf8" });
  return r.status === 0;
}

test("a full temporary folder: too little free space is refused before the copy, a disk filling during a decompressed or a rewritten CSV copy is data/temp-space naming the folder and the way to choose another; no partial copy is left", (t) => {
  if (!canMountTmpfs()) return t.skip("needs Linux user namespaces to mount a small tmpfs");
  const dir = tempDir();
  const mnt = tempDir();
  // 4 MiB of CSV, ~40 KB of gzip and zstd: fits the 256 KiB folder compressed, not decompressed.
  const rows = Array.from({ length: 80_000 }, (_, i) => `${i},host-${i % 50}.contoso.com,${"x".repeat(20)}`).join("\n");
  fs.writeFileSync(path.join(dir, "big.csv.gz"), zlib.gzipSync(`n,host,pad\n${rows}\n`));
  fs.writeFileSync(path.join(dir, "big.csv.zst"), zstd(Buffer.from(`n,host,pad\n${rows}\n`)));
  // 400 KB that gzip cannot shrink: larger than the folder's free space before anything is written.
  fs.writeFileSync(path.join(dir, "random.csv.gz"), zlib.gzipSync(Buffer.from(crypto.randomBytes(300_000).toString("base64"))));
  // 1 MB of CSV with stray quotes (x"y, which polars cannot read): read from a rewritten copy, which does not fit either.
  fs.writeFileSync(path.join(dir, "stray.csv"), `n,cmd\n${Array.from({ length: 40_000 }, (_, i) => `${i},"run"${i}x`).join("\n")}\n`);
  // Plain JavaScript, so that a current dist/ runs it in plain Node (childLibrary: ~1 CPU-s less than tsx).
  const lib = childLibrary();
  const script = path.join(dir, "full.mjs");
  fs.writeFileSync(
    script,
    `import fs from "node:fs";
import { readDataFile, readDataFileSteps } from ${JSON.stringify(lib.module("data/readers"))};
import { runAsync } from ${JSON.stringify(lib.module("data/collect"))};
const [mnt, dir] = process.argv.slice(-2);
const out = {};
const outcome = (e) => ({ code: e.code, message: e.message, left: fs.readdirSync(mnt) });
(async () => {
for (const name of ["big.csv.gz", "big.csv.zst", "random.csv.gz", "stray.csv"]) {
  try { readDataFile(dir + "/" + name, { tempFolder: mnt }); out[name] = "read"; } catch (e) { out[name] = outcome(e); }
}
// The default folder, os.tmpdir(), set by TMPDIR (not for the whole child: tsx keeps its cache there).
process.env.TMPDIR = mnt;
// A short write on the full disk was taken for a whole one: the rewritten copy was cut where the disk ended, without an error.
try { const df = readDataFile(dir + "/stray.csv"); out.strayDefault = { code: "read", message: String(df.height), left: [] }; } catch (e) { out.strayDefault = outcome(e); }
try { await runAsync(readDataFileSteps(dir + "/big.csv.gz")); out.async = "read"; } catch (e) { out.async = outcome(e); }
try { readDataFile(dir + "/big.csv.gz", { tempFolder: mnt + "/missing" }); } catch (e) { out.missing = outcome(e); }
console.log("OUT " + JSON.stringify(out));
})();
`,
  );
  const r = spawnSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=256k tmpfs "$0" && exec "$@"', mnt, process.execPath, ...lib.args, script, mnt, dir], {
    encoding: "utf8",
    env: { ...process.env, NODE_TEST_CONTEXT: "" },
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("OUT "));
  assert.ok(line, r.stderr);
  const out = JSON.parse(line.slice(4)) as Record<string, { code: string; message: string; left: string[] }>;
  for (const name of ["big.csv.gz", "big.csv.zst", "async"]) {
    const file = path.join(dir, name === "async" ? "big.csv.gz" : name);
    assert.equal(out[name].code, "data/temp-space", `${name}: ${JSON.stringify(out[name])}`);
    assert.ok(out[name].message.startsWith(`${file}: ${mnt} ran out of space while its decompressed copy was written (after `), out[name].message);
    assert.match(out[name].message, /ENOSPC.*the partial copy was removed\. .*tempFolder.*TMPDIR/);
    assert.deepEqual(out[name].left, [], `${name}: the partial copy is removed`);
  }
  assert.equal(out["random.csv.gz"].code, "data/temp-space");
  assert.match(out["random.csv.gz"].message, new RegExp(`^${path.join(dir, "random.csv.gz")}: not enough free space in ${mnt} for its decompressed copy \\(\\d+ bytes free; the file is \\d+ bytes compressed`));
  assert.equal(out["stray.csv"].code, "data/temp-space", JSON.stringify(out["stray.csv"]));
  assert.ok(out["stray.csv"].message.startsWith(`${path.join(dir, "stray.csv")}: ${mnt} ran out of space while its rewritten copy was written (after `), out["stray.csv"].message);
  assert.deepEqual(out["stray.csv"].left, [], "the partial rewritten copy is removed");
  assert.equal(out.strayDefault.code, "data/temp-space", JSON.stringify(out.strayDefault));
  assert.match(out.strayDefault.message, /ran out of space while its rewritten copy was written \(after \d+ bytes: ENOSPC/);
  assert.equal(out.missing.code, "data/temp-space");
  assert.match(out.missing.message, /its decompressed copy cannot be written in .*missing \(ENOENT/);
});
