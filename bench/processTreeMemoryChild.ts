/**
 * Where a process tree's memory goes, step by step (issue 17: peak RSS ≤ 6 GB
 * at 10M events), in a fresh process: `node --import tsx
 * bench/processTreeMemoryChild.ts <scaling dir> [sync|turn]`, the directory one
 * of the `scaling` bench's (`bench/out/scaling/rows-10000000`, written by
 * `npm run bench -- scaling`). The steps of processTreeSteps.ts run as
 * `buildProcessTree` runs them (the keys step's object is dropped once the
 * nodes are made) after the scaling child's warm-up call on 20k rows; after
 * each step one line gives VmRSS, VmHWM (the peak so far), and V8's
 * `arrayBuffers` and `external` (typed arrays, those nodejs-polars hands out
 * included). `turn`: a full collection and a turn of the event loop before
 * the assembly step, which a synchronous build cannot make: what Node-API
 * finalizers would free there (frames, Series and typed arrays nodejs-polars
 * returned, freed only after the loop turns). Prints one JSON line last.
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { buildProcessTree } from "../src/transform/processTree";
import { assembleTree, matchParents, processEvents, processKeys, processNodes, treeLayout } from "../src/transform/processTreeSteps";
import { releaseMemory } from "./harness";

const MB = 1024 * 1024;

function status(): { rss: number; hwm: number } {
  const text = fs.readFileSync("/proc/self/status", "utf8");
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s*(\\d+)\\s*kB`).exec(text)?.[1] ?? NaN) / 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

function line(label: string): void {
  const { rss, hwm } = status();
  const { arrayBuffers, external } = process.memoryUsage();
  console.log(`${label.padEnd(28)} RSS ${rss.toFixed(0).padStart(5)} MB, peak ${hwm.toFixed(0).padStart(5)} MB; arrayBuffers ${(arrayBuffers / MB).toFixed(0)} MB, external ${(external / MB).toFixed(0)} MB`);
}

async function main(): Promise<void> {
  const [dir, mode = "sync"] = process.argv.slice(2);
  if (!dir || !["sync", "turn"].includes(mode)) throw new Error("usage: processTreeMemoryChild.ts <scaling dir> [sync|turn]");
  const df = pl.readParquet(path.join(dir, "procs.parquet"));
  buildProcessTree(df.head(20_000));
  await releaseMemory();
  line(`input ${df.height.toLocaleString("en")} rows`);
  const t0 = performance.now();
  const events = processEvents(df);
  line("processEvents");
  // As buildProcessTree's linkedNodes: the keys are dropped once the nodes are made.
  const nodes = (() => {
    const keys = processKeys(events);
    line("processKeys");
    const matched = matchParents(keys);
    line("matchParents");
    const made = processNodes(events, keys, matched);
    keys.release?.();
    return made;
  })();
  line("processNodes");
  const layout = treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width);
  line("treeLayout");
  if (mode === "turn") {
    await releaseMemory();
    line("after a turn of the loop");
  }
  const tree = assembleTree(events, nodes, layout, "tree", { release: true }); // as buildProcessTree calls it
  const ms = performance.now() - t0;
  line("assembleTree");
  const { hwm } = status();
  console.log(JSON.stringify({ mode, rows: df.height, out: tree.height, ms, peakRssMb: hwm }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
