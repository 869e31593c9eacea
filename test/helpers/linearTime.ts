/**
 * Linear-time checks for crafted input: the CPU time of a call on an input of
 * twice the size must stay under 3× (quadratic work gives 4×, catastrophic
 * backtracking far more). CPU time, best of several runs, and up to three
 * rounds, so a busy machine (other processes waiting for the cores) does not
 * fail it, where a wall-clock limit would; super-linear work fails every round.
 */
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";

const KB = 1024;

/**
 * A full collection before each size's timed calls. In npm test's shared processes the heap holds other test files' data,
 * and a call that promotes a few MB more than its half-size twin can set off a major collection over all of it
 * (EVTX's 8 MB read: 23 ms against 7 ms for 4 MB, ×3.25, in a clean-clone CI; linear when its file runs alone):
 * collected beforehand, the calls' own allocation stays under the next major collection's limit.
 */
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

/** The least CPU time (ms) of `runs` calls. */
function bestOf(runs: number, f: () => void): number {
  let best = Infinity;
  collect(); // once: a later run's promotions may set one off, but the best of the runs is one that did not
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    f();
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1000);
  }
  return best;
}

/** Sizes compared: `size` and twice it (default 512 KB and 1 MB). */
export interface LinearOptions {
  size?: number;
}

/** Time(2 × size) / time(size) for `f` over `make(size)`, best of `runs`. */
function ratio(make: (size: number) => string, f: (s: string) => void, runs: number, size: number): { ratio: number; half: number; full: number } {
  const half = make(size);
  const full = make(2 * size);
  f(make(4 * KB)); // warm up
  const tHalf = Math.max(bestOf(runs, () => f(half)), 1); // below 1 ms the ratio is noise
  const tFull = bestOf(runs, () => f(full));
  return { ratio: tFull / tHalf, half: tHalf, full: tFull };
}

/** `f` is linear on `make`'s shape: one round of measurement in three gives a ratio under 3. */
export function assertLinear(name: string, make: (size: number) => string, f: (s: string) => void, { size = 512 * KB }: LinearOptions = {}): void {
  let r = ratio(make, f, 2, size);
  for (const runs of [5, 9]) {
    if (r.ratio < 3) break;
    r = ratio(make, f, runs, size); // measure again, more carefully
  }
  const kb = (n: number) => (n >= KB * KB ? `${n / KB / KB} MB` : `${n / KB} KB`);
  assert.ok(r.ratio < 3, `${name}: ${kb(size)} ${r.half.toFixed(1)} ms, ${kb(2 * size)} ${r.full.toFixed(1)} ms (×${r.ratio.toFixed(2)})`);
}
