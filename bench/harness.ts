/** A tiny benchmark harness: median of timed runs, printed as a table row. */

export interface Measurement {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Optional target, for the printed verdict. */
  targetMs?: number;
  note?: string;
}

/** Times `fn` `runs` times (after `warmup` untimed runs) and returns the median. */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  options: { runs?: number; warmup?: number; targetMs?: number; note?: string } = {},
): Promise<Measurement> {
  const runs = options.runs ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    runs,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    maxMs: times[times.length - 1],
    targetMs: options.targetMs,
    note: options.note,
  };
}

/** Prints measurements as an aligned table with a verdict against each target. */
export function report(title: string, rows: Measurement[]): void {
  console.log(`\n## ${title}`);
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${"case".padEnd(width)}  ${"median".padStart(9)}  ${"min".padStart(9)}  ${"max".padStart(9)}  runs  target`);
  for (const r of rows) {
    const verdict = r.targetMs === undefined ? "" : `${r.medianMs <= r.targetMs ? "ok" : "MISSED"} (≤ ${fmt(r.targetMs)})`;
    console.log(
      `${r.name.padEnd(width)}  ${fmt(r.medianMs).padStart(9)}  ${fmt(r.minMs).padStart(9)}  ${fmt(r.maxMs).padStart(9)}  ${String(r.runs).padStart(4)}  ${verdict}${r.note ? `  ${r.note}` : ""}`,
    );
  }
}

/** A seeded PRNG: the same generated data on every run (shared with the tests). */
export { seededRandom } from "../test/helpers/random";
