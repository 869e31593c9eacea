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

/** What a fresh Node process (or a worker thread of one) sees while filling 64 MiB of 64 KiB buffers. */
interface Fill {
  /** Pages touched for the first time (minor faults). */
  faults: number;
  /** KiB of mappings glibc marked for huge pages (MADV_HUGEPAGE: `hg` in smaps' VmFlags). */
  advised: number;
  /** KiB of those the kernel backs with huge pages (AnonHugePages). */
  huge: number;
  /** Where the heap ended before the fill (the last `[heap]` mapping in /proc/self/maps: flags can split it). */
  heapEnd: number;
  /** KiB free above it then: room for brk to grow the heap. */
  room: number;
  /** The mapping right above the heap then. */
  above: string;
}
/** Room the fill needs above the heap (64 MiB, and malloc's padding). */
const FILL_ROOM_KIB = 66 * 1024;
/** The kernel's huge page size (what glibc's hugetlb=1 marks in units of). */
const HUGE_PAGE = (() => {
  try {
    return Number(fs.readFileSync("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "utf8")) || 2 ** 21;
  } catch {
    return 2 ** 21;
  }
})();
function fill(env: NodeJS.ProcessEnv, inWorker: boolean): Fill {
  const body = [
    // Read before the fill (in a worker: after its own isolate reserved its code range too).
    "const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').trim().split('\\n'); const h = maps.findLastIndex((l) => l.endsWith('[heap]'));",
    "const range = (l) => (l ?? '').split(' ')[0].split('-').map((x) => parseInt(x, 16));",
    "const heapEnd = h < 0 ? 0 : range(maps[h])[1]; const room = h < 0 ? 0 : maps[h + 1] ? (range(maps[h + 1])[0] - heapEnd) / 1024 : Number.MAX_SAFE_INTEGER; const above = (maps[h + 1] ?? '').slice(0, 60).trim();",
    "const f0 = process.resourceUsage().minorPageFault; const keep = []; for (let i = 0; i < 1024; i++) keep.push(Buffer.alloc(65536, 1));",
    "const faults = process.resourceUsage().minorPageFault - f0; let advised = 0, huge = 0, size = 0, anon = 0;",
    "for (const line of require('node:fs').readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {",
    "  let m; if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) { size = 0; anon = 0; }",
    "  else if ((m = /^Size:\\s+(\\d+) kB/.exec(line))) size = Number(m[1]);",
    "  else if ((m = /^AnonHugePages:\\s+(\\d+) kB/.exec(line))) anon = Number(m[1]);",
    "  else if (line.startsWith('VmFlags:') && / hg( |$)/.test(line)) { advised += size; huge += anon; } }",
    "console.log(JSON.stringify({ faults, advised, huge, heapEnd, room, above }));",
  ].join("\n");
  const code = inWorker ? `new (require("node:worker_threads").Worker)(${JSON.stringify(body)}, { eval: true })` : body;
  return JSON.parse(execFileSync(process.execPath, ["-e", code], { env, encoding: "utf8" })) as Fill;
}

/**
 * {@link fill} in a process where glibc can grow the heap in huge pages. V8 reserves each isolate's code range
 * (512 MiB) in the first free space after the (non-PIE) node binary, which is right above the heap when the
 * heap's end is 256 KiB-aligned: a main thread's in about 1 process of 64–100, a worker's in about half (6 of 12
 * here: with the setting a grown heap ends on a 2 MiB boundary). brk then fails and glibc grows its main arena
 * with mmap in pieces reaching from the stuck heap end to a huge-page boundary, marked only when 2 MiB or more
 * (scripts/malloc.mjs): all of them when that end is huge-page-aligned, hardly any of the fill's otherwise.
 * Where the heap goes is drawn anew in each process (ASLR), so in that last case the fill is reported and
 * measured again in a fresh process.
 */
function fillWithRoom(env: NodeJS.ProcessEnv, inWorker: boolean, t: { diagnostic(message: string): void }, attempts = 3): Fill {
  for (let i = 1; ; i++) {
    const result = fill(env, inWorker);
    if (result.room >= FILL_ROOM_KIB || result.heapEnd % HUGE_PAGE === 0) return result;
    const end = `0x${result.heapEnd.toString(16)}`;
    const why = `${inWorker ? "worker" : "main thread"}: only ${result.room} KiB free above the heap, which ends at ${end} (${result.above} starts there), so malloc grew it with mmap in pieces under ${HUGE_PAGE / 1024} KiB (${result.advised} KiB marked)`;
    if (i === attempts) assert.fail(`${why}, in ${attempts} processes in a row`);
    t.diagnostic(`${why}; measuring again in a new process`);
  }
}

const choice = mallocChoice(machineFacts());
/** What this machine would get if asked. */
const ifAsked = mallocChoice({ ...machineFacts(), env: asked });

// Two parts: glibc must mark the heap it grows for huge pages (ours, always checked, in a process where it can
// grow it in huge pages: fillWithRoom); the kernel then backs what it can — with memory too fragmented it falls back to 4 KiB pages (seen once in a CI run),
// and where it gave huge pages, the faults must drop by the pages they replaced.
test("where it applies, it works: glibc marks the heap for huge pages, and the 64 MiB the kernel backs with 2 MiB pages fault in those, not 4 KiB pages (the main thread and a worker thread)", { skip: ifAsked.env.GLIBC_TUNABLES ? false : ifAsked.reason }, (t) => {
  const plain = { ...process.env };
  delete plain.GLIBC_TUNABLES;
  for (const inWorker of [false, true]) {
    const where = inWorker ? "worker" : "main thread";
    const before = fill(plain, inWorker);
    const after = fillWithRoom({ ...plain, ...ifAsked.env }, inWorker, t);
    assert.ok(before.faults > 12_000, `default malloc: ${before.faults} pages`);
    assert.equal(before.advised, 0, `${where}: default malloc marked ${before.advised} KiB for huge pages`);
    assert.ok(after.advised >= 65_536, `${where}: with the setting glibc marked only ${after.advised} KiB for huge pages`);
    if (after.huge === 0) {
      t.diagnostic(`${where}: the kernel backed none of the ${after.advised} KiB marked with huge pages (memory too fragmented now); ${after.faults} pages with the setting, ${before.faults} without`);
      continue;
    }
    // Each 2 MiB huge page replaces 512 faults of 4 KiB; allow a tenth of slack for the rest of the process.
    const replaced = after.huge / 4;
    assert.ok(before.faults - after.faults > replaced * 0.9 - before.faults / 10, `${where}: ${after.faults} pages with the setting (${after.huge} KiB in huge pages), ${before.faults} without`);
  }
});

test("the kernel specs npm test wrote carry the choice (a Jupyter started by hand gets it too)", { skip: process.env.HUNTLAB_TEST_PREPARED ? false : "kernel specs are written by npm test" }, () => {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", ".jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { env: Record<string, string> };
  assert.equal(spec.env.GLIBC_TUNABLES, choice.env.GLIBC_TUNABLES);
  if (choice.env.GLIBC_TUNABLES) assert.equal(process.env.GLIBC_TUNABLES, choice.env.GLIBC_TUNABLES, "npm test's own processes");
});
