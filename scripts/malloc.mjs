/**
 * An opt-in glibc malloc setting for the lab's kernels and the processes
 * `npm test` and `npm run bench` start: transparent huge pages for the heap
 * polars allocates in. `HUNTLAB_MALLOC=hugepages` asks for it.
 *
 * What it buys: on small virtual machines the guest kernel charges 12–18 µs
 * for each 4 KiB page a process touches for the first time, and a kernel's
 * first read of a big file touches hundreds of megabytes (a 1M-row CSV:
 * ~200,000 pages). With the kernel's transparent huge pages in `madvise` mode
 * (Debian's and Ubuntu's default) a process only gets 2 MiB pages where malloc
 * asks for them: `glibc.malloc.hugetlb=1` (glibc ≥ 2.35) makes malloc ask for
 * its main heap, and `glibc.malloc.arena_max=1` keeps every thread's
 * allocations in that heap (the other arenas are 64 MiB mappings grown 4 KiB
 * at a time, which the setting does not reach). Pages touched fall ~30×.
 *
 * What it costs, and why it is not the default: one arena means one lock for
 * polars' threads. Measured on 2 cores (bench/README.md, 2026-12-06): a
 * 200k-event process tree with memory reused — a session's steady state — took
 * 25–30% longer (text columns 322 → 404 ms), and the first read's gain varied
 * with the guest kernel's time to clear huge pages (1M-row CSV in a fresh
 * process 2.3–3.0 s → 0.9–2.2 s). Measured again 2026-12-07 (fresh processes,
 * that CSV, alternating, a loaded VM): `hugetlb=1` alone leaves the pages
 * touched as they were (~175k against ~182k: polars' threads allocate in their
 * own arenas) and `arena_max=2` with it halves them (~90k) for more CPU
 * (2.0 s against 1.55 s), so neither can be a default that does not serialise
 * threads; this setting touched 7k pages but cost 2.4 s of system time against
 * 0.5 s (3.3 s of CPU against 1.55 s): clearing huge pages is only cheap when
 * the host already backs the guest memory they come from.
 *
 * Where it falls short: in about 1 Node process of 64–100 (4 of 329 here) V8 reserves its code range right
 * above the heap (the first free space after the non-PIE node binary, taken when the heap's end is 256
 * KiB-aligned), so brk cannot grow the heap and glibc grows its main arena with mmap instead, in pieces from
 * the stuck heap end up to a 2 MiB boundary, of which it marks only those of 2 MiB and more (`madvise_thp`):
 * with the default `top_pad` (128 KiB) only the growths for big allocations, unless the heap ended on a 2 MiB
 * boundary (then all). `glibc.malloc.top_pad` ≥ 2 MiB would mark every growth but turns off glibc's dynamic
 * mmap threshold, so it is not set (not measured). test/scripts/malloc.test.ts shows the cases.
 *
 * Where it applies when asked: Linux with glibc ≥ 2.35, huge pages in
 * `madvise` mode (in `always` mode every heap has them already; in `never`
 * mode nothing can be gained), at most {@link MAX_CPUS} CPUs, and never over
 * the user's own `GLIBC_TUNABLES`.
 */
import fs from "node:fs";
import os from "node:os";

export const THP_TUNABLES = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";

/** Most CPUs the setting is applied with (see above). */
export const MAX_CPUS = 4;

/**
 * @typedef {object} MallocFacts What the decision depends on; {@link machineFacts} reads them.
 * @property {string} platform `process.platform`.
 * @property {string | undefined} glibc glibc's runtime version ("2.36"), undefined without glibc (musl, macOS, Windows).
 * @property {string | undefined} thp The selected mode in /sys/kernel/mm/transparent_hugepage/enabled ("madvise").
 * @property {number} cpus `os.availableParallelism()`.
 * @property {Record<string, string | undefined>} env The environment the processes would inherit.
 */

/**
 * @typedef {object} MallocChoice
 * @property {Record<string, string>} env Variables to add (empty when nothing applies).
 * @property {string} reason One line saying what was chosen and why, for logs and the bench's header.
 */

/** @returns {MallocFacts} */
export function machineFacts(env = process.env) {
  let thp;
  try {
    thp = /\[(\w+)\]/.exec(fs.readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1];
  } catch {
    thp = undefined;
  }
  const glibc = process.platform === "linux" ? process.report?.getReport?.().header?.glibcVersionRuntime : undefined;
  return { platform: process.platform, glibc, thp, cpus: os.availableParallelism?.() ?? os.cpus().length, env };
}

/** @param {string | undefined} version */
function atLeast235(version) {
  const m = /^(\d+)\.(\d+)/.exec(version ?? "");
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 35));
}

/**
 * The malloc setting for these facts.
 * @param {MallocFacts} facts
 * @returns {MallocChoice}
 */
export function mallocChoice(facts) {
  const none = (why) => ({ env: {}, reason: `default malloc (${why})` });
  if (facts.env.HUNTLAB_MALLOC !== "hugepages") return none("HUNTLAB_MALLOC=hugepages asks for huge pages");
  // Our own setting, inherited by a nested run (`npm test` starting `npm run hunt`), is chosen again.
  const own = facts.env.GLIBC_TUNABLES;
  if (own && own !== THP_TUNABLES) return none(`GLIBC_TUNABLES is set already: ${own}`);
  if (facts.platform !== "linux" || !facts.glibc) return none("not Linux with glibc");
  if (!atLeast235(facts.glibc)) return none(`glibc ${facts.glibc} has no hugetlb tunable (2.35+)`);
  if (facts.thp !== "madvise") return none(`transparent huge pages are "${facts.thp ?? "unknown"}", not "madvise"`);
  if (facts.cpus > MAX_CPUS) return none(`${facts.cpus} CPUs: one malloc arena would be shared by too many threads`);
  return { env: { GLIBC_TUNABLES: THP_TUNABLES }, reason: `GLIBC_TUNABLES=${THP_TUNABLES} (HUNTLAB_MALLOC=hugepages: huge pages for polars' memory)` };
}
