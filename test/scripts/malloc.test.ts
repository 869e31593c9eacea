/**
 * scripts/malloc.mjs: the opt-in glibc malloc setting (HUNTLAB_MALLOC=hugepages)
 * for the lab's kernels, `npm test` and `npm run bench`, and that it does what
 * it is chosen for.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { machineFacts, mallocChoice, MAX_CPUS, THP_TUNABLES, type MallocFacts } from "../../scripts/malloc.mjs";

const asked = { HUNTLAB_MALLOC: "hugepages" };
const small: MallocFacts = { platform: "linux", glibc: "2.36", thp: "madvise", cpus: 2, env: asked };

test("only when asked (HUNTLAB_MALLOC=hugepages): on Linux with glibc ≥ 2.35, huge pages in madvise mode and few CPUs; not otherwise, and never over the user's own setting", () => {
  assert.deepEqual(mallocChoice({ ...small, env: {} }).env, {});
  assert.match(mallocChoice({ ...small, env: {} }).reason, /^default malloc \(HUNTLAB_MALLOC=hugepages asks/);
  assert.deepEqual(mallocChoice(small).env, { GLIBC_TUNABLES: THP_TUNABLES });
  assert.deepEqual(mallocChoice({ ...small, glibc: "2.41", cpus: MAX_CPUS }).env, { GLIBC_TUNABLES: THP_TUNABLES });
  const off: [Partial<MallocFacts>, RegExp][] = [
    [{ platform: "darwin", glibc: undefined }, /not Linux with glibc/],
    [{ glibc: undefined }, /not Linux with glibc/],
    [{ glibc: "2.31" }, /glibc 2\.31 has no hugetlb/],
    [{ thp: "always" }, /"always", not "madvise"/],
    [{ thp: "never" }, /"never"/],
    [{ thp: undefined }, /"unknown"/],
    [{ cpus: MAX_CPUS + 1 }, /CPUs: one malloc arena/],
    [{ env: { ...asked, GLIBC_TUNABLES: "glibc.malloc.tcache_count=0" } }, /set already: glibc\.malloc\.tcache_count=0/],
    [{ env: { HUNTLAB_MALLOC: "default" } }, /HUNTLAB_MALLOC=hugepages asks/],
  ];
  for (const [change, why] of off) {
    const choice = mallocChoice({ ...small, ...change });
    assert.deepEqual(choice.env, {}, JSON.stringify(change));
    assert.match(choice.reason, why);
  }
  // Inherited from an outer run (npm test starting npm run hunt): chosen again, so the kernel spec keeps it.
  assert.deepEqual(mallocChoice({ ...small, env: { ...asked, GLIBC_TUNABLES: THP_TUNABLES } }).env, { GLIBC_TUNABLES: THP_TUNABLES });
});

/** Pages a fresh Node process (or a worker thread of one) touches for the first time while filling 64 MiB of 64 KiB buffers. */
function pagesTouched(env: NodeJS.ProcessEnv, inWorker: boolean): number {
  const fill = "const f0 = process.resourceUsage().minorPageFault; const keep = []; for (let i = 0; i < 1024; i++) keep.push(Buffer.alloc(65536, 1)); console.log(process.resourceUsage().minorPageFault - f0);";
  const code = inWorker ? `new (require("node:worker_threads").Worker)(${JSON.stringify(fill)}, { eval: true })` : fill;
  return Number(execFileSync(process.execPath, ["-e", code], { env, encoding: "utf8" }).trim());
}

const choice = mallocChoice(machineFacts());
/** What this machine would get if asked. */
const ifAsked = mallocChoice({ ...machineFacts(), env: asked });

test("where it applies, it works: 64 MiB of buffers fault in 2 MiB pages, not 16,384 pages of 4 KiB (the main thread and a worker thread)", { skip: ifAsked.env.GLIBC_TUNABLES ? false : ifAsked.reason }, () => {
  const plain = { ...process.env };
  delete plain.GLIBC_TUNABLES;
  for (const inWorker of [false, true]) {
    const before = pagesTouched(plain, inWorker);
    const after = pagesTouched({ ...plain, ...ifAsked.env }, inWorker);
    assert.ok(before > 12_000, `default malloc: ${before} pages`);
    assert.ok(after < before / 8, `${inWorker ? "worker" : "main thread"}: ${after} pages with the setting, ${before} without`);
  }
});

test("the kernel specs npm test wrote carry the choice (a Jupyter started by hand gets it too)", { skip: process.env.HUNTLAB_TEST_PREPARED ? false : "kernel specs are written by npm test" }, () => {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", ".jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { env: Record<string, string> };
  assert.equal(spec.env.GLIBC_TUNABLES, choice.env.GLIBC_TUNABLES);
  if (choice.env.GLIBC_TUNABLES) assert.equal(process.env.GLIBC_TUNABLES, choice.env.GLIBC_TUNABLES, "npm test's own processes");
});
