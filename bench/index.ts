/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command
 * line: `npm run bench -- bigdata`) and prints the figures. Generated inputs
 * are cached under bench/out/ (the 10M-event `bigdata` set takes minutes to
 * write the first time).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** `index.ts --one NAME.bench.ts [names…]`: the child that runs one benchmark. */
const ONE = "--one";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === ONE) {
    // The benchmark sees the names the user gave, as in one process (scaling and elasticMemory run only when named).
    process.argv.splice(2, 2);
    const mod = (await import(path.join(__dirname, args[1]))) as { run: () => Promise<void> };
    await mod.run();
    return;
  }
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => !args.length || args.some((o) => f.includes(o)))
    .sort();
  console.log(`# huntlab benchmarks — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  // Each benchmark in a process of its own, as a kernel runs one task at a time: in one process, what the earlier
  // ones left (frames whose native memory waits on finalizers, idle worker threads, a grown heap) made later figures
  // depend on the order (the 1M-row CSV read back to back: 1.60 s after the others, 0.67 s alone). A benchmark that
  // throws no longer loses the others' figures either.
  const failed: string[] = [];
  for (const f of files) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, ONE, f, ...args], { stdio: "inherit", env: process.env });
    if (child.status !== 0) failed.push(`${f} (${child.signal ?? `exit ${child.status}`})`);
  }
  if (failed.length) {
    console.error(`benchmarks that failed: ${failed.join(", ")}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// On request only: `scaling.bench.ts` (100k / 1M / 10M rows, ~15–30 min) runs when named
// (`npm run bench -- scaling`); without that argument its run() prints one "skipped" line.
// So does `elasticMemory.bench.ts` (`node --import tsx bench/index.ts elasticMemory`, BENCH_ELASTIC_HITS, default 1M):
// an Elasticsearch answer's peak RSS, every hit kept to the end against each page read into rows, ~4 runs of minutes.
// `processTree.bench.ts` (discovered like the others): buildProcessTree on 200,000 generated 4688 events from
// text columns (as read from CSV) and from typed ones, target ≤ 0.45 s; its CSV input is cached in bench/out/processTree/.
// `coldStart.bench.ts`: the completed lab notebook headless in tslab (nbclient, as `npm test` runs it), three runs,
// the time per phase (kernel start, tslab's type check per cell, running the cells, require("huntlab")), target ≤ 10 s.
