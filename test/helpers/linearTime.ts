/**
 * Linear-time checks for crafted input: the CPU time of a call on an input of
 * twice the size must stay under 3× (quadratic work gives 4×, catastrophic
 * backtracking far more). CPU time, best of several runs, and up to three
 * rounds, so a busy machine (other processes waiting for the cores) does not
 * fail it, where a wall-clock limit would; super-linear work fails every round.
 */
import assert from "node:assert/strict";

const KB = 1024;

/** The least CPU time (ms) of `runs` calls. */
function bestOf(runs: number, f: () => void): number {
  let best = Infinity;
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
