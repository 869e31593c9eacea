/** The TI result cache's file: entries appended as NDJSON lines, read back by the next process. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { test } from "node:test";
import { MEMORY_ENTRIES, ResultCache } from "../../src/context/tiCache";
import { effectiveSettings, type ProviderResult } from "../../src/context/tiProvider";
import { tempDir } from "../helpers/tmp";
import { harness } from "./tiHelpers";
import { otx } from "./tiServices";

const result = (reference: string): ProviderResult => ({ result: true, severity: "information", details: {}, rawResult: {}, reference, status: 0 });

/** A cache folder whose file holds 3,000 expired lines: the next kernel to read the file compacts it. */
function dueForCompaction() {
  const dir = tempDir();
  const options = { ttlMs: 3_600_000, dir, namespace: "class", label: "Class" };
  const seed = new ResultCache({ ...options, now: () => Date.now() - 7_200_000 });
  for (let i = 0; i < 3000; i++) seed.set(`old-${i}`, result(`old-${i}`));
  seed.flush();
  return { dir, options, file: seed.file as string };
}

test("an entry written after a torn last line (a crash mid-write) starts a line of its own and is read back", () => {
  const dir = tempDir();
  const options = { ttlMs: 3_600_000, dir, namespace: "twin", label: "Twin" };
  const first = new ResultCache(options);
  first.set("a", result("ref-a"));
  first.flush();
  fs.appendFileSync(first.file as string, '{"k":"torn","w":1,"e":');
  const second = new ResultCache(options);
  second.set("b", result("ref-b"));
  second.flush();
  const third = new ResultCache(options);
  assert.equal(third.get("a")?.reference, "ref-a");
  assert.equal(third.get("b")?.reference, "ref-b", "the entry after the torn line was joined onto it and lost");
  assert.equal(third.get("torn"), undefined);
  assert.ok((fs.readFileSync(first.file as string, "utf8").match(/\n/g) ?? []).length >= 3);
});

test("a compaction keeps the entries another kernel appended while it ran (real processes, one cache folder)", async () => {
  const { dir, options, file } = dueForCompaction();
  const module = JSON.stringify(path.resolve(__dirname, "..", "..", "src", "context", "tiCache.ts"));
  const go = path.join(dir, "go");
  const result_ = `(r) => ({ result: true, severity: "information", details: {}, rawResult: {}, reference: r, status: 0 })`;
  // Kernel A reads the file, then stops before rewriting it until GO exists.
  const compactor = path.join(dir, "compactor.ts");
  fs.writeFileSync(compactor, `import fs from "node:fs"; import { ResultCache } from ${module};
const pause = new Int32Array(new SharedArrayBuffer(4));
const cache = new ResultCache({ ...${JSON.stringify(options)}, beforeCompact: () => { process.stdout.write("compacting\\n"); while (!fs.existsSync(${JSON.stringify(go)})) Atomics.wait(pause, 0, 0, 5); } });
cache.set("a-1", (${result_})("a-1")); cache.flush();`);
  // Kernel B appends its entries meanwhile.
  const appender = path.join(dir, "appender.ts");
  fs.writeFileSync(appender, `import { ResultCache } from ${module};
const cache = new ResultCache(${JSON.stringify(options)});
for (let i = 0; i < 300; i++) cache.set("b-" + i, (${result_})("b-" + i)); cache.flush();`);
  const env = { ...process.env, NODE_TEST_CONTEXT: "" };
  const a = spawn(process.execPath, ["--import", "tsx", compactor], { cwd: path.resolve(__dirname, "..", ".."), env, stdio: ["ignore", "pipe", "pipe"] });
  let aErr = "";
  a.stderr.on("data", (d) => (aErr += d));
  const aDone = new Promise<number | null>((resolve) => a.on("close", resolve));
  await new Promise<void>((resolve) => a.stdout.on("data", (d) => String(d).includes("compacting") && resolve()));
  const b = spawnSync(process.execPath, ["--import", "tsx", appender], { cwd: path.resolve(__dirname, "..", ".."), env, encoding: "utf8" });
  assert.equal(b.status, 0, b.stderr);
  fs.writeFileSync(go, "");
  assert.equal(await aDone, 0, aErr);
  const after = new ResultCache(options);
  const lost = Array.from({ length: 300 }, (_, i) => `b-${i}`).filter((k) => after.get(k)?.reference !== k);
  assert.deepEqual(lost.length, 0, `${lost.length} of kernel B's 300 entries were lost by kernel A's compaction (${lost.slice(0, 3).join(", ")}…)`);
  assert.equal(after.get("a-1")?.reference, "a-1");
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  assert.equal(lines.length, 301, "the file was not compacted (the expired lines are still there), or lines were doubled");
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

test("memory keeps at most maxEntries results, the least recently used dropped first; the disk file keeps them all", () => {
  const dir = tempDir();
  const options = { ttlMs: 3_600_000, dir, namespace: "twin-bound", label: "Twin", maxEntries: 100 };
  const cache = new ResultCache(options);
  for (let i = 0; i < 1000; i++) {
    cache.set(`k${i}`, result(`ref-${i}`));
    // k0 is read now and then: used recently, so it stays.
    if (i % 50 === 0) assert.equal(cache.get("k0")?.reference, "ref-0");
  }
  assert.equal(cache.size, 100);
  assert.equal(cache.get("k0")?.reference, "ref-0", "a recently used entry was dropped");
  assert.equal(cache.get("k999")?.reference, "ref-999");
  assert.equal(cache.get("k500"), undefined, "an entry past the bound stayed in memory");
  cache.flush();
  // A new cache (a new kernel) reads the newest maxEntries from the file; a compaction keeps every live line.
  const again = new ResultCache(options);
  assert.equal(again.size, 100);
  assert.equal(again.get("k999")?.reference, "ref-999");
  const big = new ResultCache({ ...options, maxEntries: 5000 });
  assert.equal(big.size, 1000, "entries past the memory bound were lost from the file");
  assert.equal(big.get("k500")?.reference, "ref-500");
});

test("the default bound holds over a day of distinct lookups; Cache.MaxEntries sets a provider's, and an answer dropped from memory is asked again", async () => {
  const cache = new ResultCache({ ttlMs: 3_600_000, namespace: "mem" });
  for (let i = 0; i < MEMORY_ENTRIES + 5000; i++) cache.set(`ip-${i}`, result(String(i)));
  assert.equal(cache.size, MEMORY_ENTRIES);
  assert.equal(effectiveSettings(undefined).cacheMaxEntries, MEMORY_ENTRIES);

  const h = await harness("OTX", otx, { Cache: { MaxEntries: 3 } });
  try {
    const ips = ["8.8.4.4", "1.0.0.1", "9.9.9.9", "64.6.64.6", "77.88.8.8"];
    const lookup = (values: string[]) => h.ti.lookupIocs(pl.DataFrame({ Ip: values }), { obsCol: "Ip", progress: false });
    await lookup(ips);
    assert.equal(h.twin.requests.length, 5);
    await lookup(ips.slice(2));
    assert.equal(h.twin.requests.length, 5, "the three newest answers are in memory");
    await lookup(ips.slice(0, 1));
    assert.equal(h.twin.requests.length, 6, "an answer past Cache.MaxEntries stayed in memory");
  } finally {
    await h.close();
  }
});

test("a compaction keeps an entry another kernel was still writing when the file was read (its line finished meanwhile)", () => {
  const { dir, options, file } = dueForCompaction();
  // Another kernel's line, half written when this one reads the file; the rest written before the rewrite.
  const now = Date.now();
  const line = JSON.stringify({ k: "mid", w: now, e: now + 3_600_000, v: result("ref-mid") }) + "\n";
  const half = Math.floor(line.length / 2);
  fs.appendFileSync(file, line.slice(0, half));
  const reader = new ResultCache({ ...options, beforeCompact: () => fs.appendFileSync(file, line.slice(half)) });
  assert.equal(reader.get("mid"), undefined, "the half line was read as an entry");
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  assert.ok(lines.length < 10, `the file was not compacted (${lines.length} lines)`);
  assert.deepEqual(lines, [line.trimEnd()], "the finished line was not carried over whole");
  assert.equal(new ResultCache(options).get("mid")?.reference, "ref-mid");
});
