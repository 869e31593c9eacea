/**
 * Process trees: `buildProcessTree` on 200,000 generated Windows 4688 events
 * (4 hosts, PID reuse; bench/processTreeGenerate.ts), target ≤ 0.45 s:
 * - from all-text columns, as read from CSV (times parsed inside);
 * - from typed columns (Datetime times), as generated.
 * Each input is timed twice: back to back with fresh memory (nothing freed
 * between runs, as for a first call in a fresh process), then with the
 * previous run's memory released before each run (harness `releaseMemory`),
 * as in a session whose earlier results have been collected. Each row gives
 * the median wall time and, in the note, the median CPU time of the process
 * (`process.cpuUsage`: polars' threads included), which a loaded machine
 * disturbs less, and the fresh pages a run faulted in. A last table splits
 * the text case into the steps of processTreeSteps.ts (fresh memory; medians,
 * no targets).
 * `BENCH_ROWS` changes the number of events.
 */
import pl from "nodejs-polars";
import { buildProcessTree } from "../src/transform/processTree";
import { assembleTree, matchParents, processEvents, processKeys, processNodes, treeLayout } from "../src/transform/processTreeSteps";
import { freshPageMicros, pageFaults, releaseMemory, report, type Measurement } from "./harness";
import { textEvents, typedEvents } from "./processTreeGenerate";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const TARGET_MS = 450;

/**
 * Median wall and CPU time of `runs` calls (after one warm-up call), and the
 * fresh pages each faulted in. `release`: earlier runs' memory freed before
 * each run (harness `releaseMemory`), so a run reuses pages instead of
 * faulting in new ones.
 */
async function timed(name: string, fn: () => unknown, options: { runs?: number; targetMs?: number; note?: string; release?: boolean } = {}): Promise<Measurement> {
  const runs = options.runs ?? 5;
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    if (options.release) await releaseMemory();
    const c0 = process.cpuUsage();
    const f0 = pageFaults();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    faults.push(pageFaults() - f0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mid = Math.floor(runs / 2);
  for (const list of [wall, cpu, faults]) list.sort((a, b) => a - b);
  const note = `CPU ${cpu[mid].toFixed(0)} ms; ${faults[mid]} fresh pages${options.note ? `; ${options.note}` : ""}`;
  return { name, runs, medianMs: wall[mid], minMs: wall[0], maxMs: wall[runs - 1], targetMs: options.targetMs, note };
}

/** Median wall time of each step of buildProcessTree over `runs` runs. */
function steps(df: pl.DataFrame, runs = 5): Measurement[] {
  const names = ["processEvents (schema, duplicates, times)", "processKeys", "matchParents", "processNodes (inferred parents, repeated keys)", "treeLayout", "assembleTree (keys, paths, roles, tree order)"];
  const times: number[][] = names.map(() => []);
  for (let r = 0; r < runs; r += 1) {
    let t = performance.now();
    const lap = (k: number): void => {
      const now = performance.now();
      times[k].push(now - t);
      t = now;
    };
    const events = processEvents(df);
    lap(0);
    const keys = processKeys(events);
    lap(1);
    const matched = matchParents(keys);
    lap(2);
    const nodes = processNodes(events, keys, matched);
    lap(3);
    const layout = treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width);
    lap(4);
    assembleTree(events, nodes, layout);
    lap(5);
  }
  return names.map((name, k) => {
    const sorted = times[k].sort((a, b) => a - b);
    return { name, runs, medianMs: sorted[Math.floor(runs / 2)], minMs: sorted[0], maxMs: sorted[runs - 1] };
  });
}

export async function run(): Promise<void> {
  const text = textEvents(ROWS);
  const typed = typedEvents(ROWS);
  let out = 0;
  const rows: Measurement[] = [];
  const count = ROWS.toLocaleString("en");
  const inputs = [["text columns (CSV)", text], ["typed columns", typed]] as const;
  // Each input twice. First back to back, as a first call in a fresh process meets memory: nothing is freed
  // between runs, so every page is new (the steps table below too). Then with the previous run's memory released
  // before each run, as a session meets it once earlier results are collected: pages are reused.
  for (const [kind, df] of inputs) {
    rows.push(await timed(`buildProcessTree, ${count} 4688 events, ${kind}, fresh memory`, () => (out = buildProcessTree(df).height), { targetMs: TARGET_MS }));
  }
  rows[0].note += `; ${out} rows out (incl. inferred parents)`;
  const bySteps = steps(text);
  for (const [kind, df] of inputs) {
    rows.push(await timed(`buildProcessTree, ${count} 4688 events, ${kind}, memory released between runs`, () => buildProcessTree(df), { targetMs: TARGET_MS, release: true }));
  }
  report(`Process trees (wall time; CPU time and fresh pages per run in the note; a fresh 4 KiB page costs ${freshPageMicros().toFixed(1)} µs here)`, rows);
  report("buildProcessTree from text columns, by step (wall time, fresh memory)", bySteps);
}
