/**
 * Process trees: `buildProcessTree` on 200,000 generated Windows 4688 events
 * (4 hosts, PID reuse; bench/processTreeGenerate.ts), target ≤ 0.45 s:
 * - from all-text columns, as read from CSV (times parsed inside);
 * - from typed columns (Datetime times), as generated.
 * Each row gives the median wall time and, in the note, the median CPU time
 * of the process (`process.cpuUsage`: polars' threads included), which a
 * loaded machine disturbs less. A last table splits the text case into the
 * steps of processTreeSteps.ts (medians, no targets).
 * `BENCH_ROWS` changes the number of events.
 */
import pl from "nodejs-polars";
import { buildProcessTree } from "../src/transform/processTree";
import { assembleTree, matchParents, processEvents, processKeys, processNodes, treeLayout } from "../src/transform/processTreeSteps";
import { report, type Measurement } from "./harness";
import { textEvents, typedEvents } from "./processTreeGenerate";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const TARGET_MS = 450;

/** Median wall and CPU time of `runs` calls (after one warm-up call). */
function timed(name: string, fn: () => unknown, options: { runs?: number; targetMs?: number; note?: string } = {}): Measurement {
  const runs = options.runs ?? 5;
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mid = Math.floor(runs / 2);
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const note = `CPU ${cpu[mid].toFixed(0)} ms${options.note ? `; ${options.note}` : ""}`;
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
  rows.push(timed(`buildProcessTree, ${ROWS.toLocaleString("en")} 4688 events, text columns (CSV)`, () => (out = buildProcessTree(text).height), { targetMs: TARGET_MS }));
  rows[rows.length - 1].note += `; ${out} rows out (incl. inferred parents)`;
  rows.push(timed(`buildProcessTree, ${ROWS.toLocaleString("en")} 4688 events, typed columns`, () => (out = buildProcessTree(typed).height), { targetMs: TARGET_MS }));
  report("Process trees (wall time; CPU time in the note)", rows);
  report("buildProcessTree from text columns, by step (wall time)", steps(text));
}
