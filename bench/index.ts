/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command
 * line: `npm run bench -- bigdata`) and prints the figures. Generated inputs
 * are cached under bench/out/ (the 10M-event `bigdata` set takes minutes to
 * write the first time).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => !only.length || only.some((o) => f.includes(o)))
    .sort();
  console.log(`# huntlab benchmarks — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  for (const f of files) {
    const mod = (await import(path.join(__dirname, f))) as { run: () => Promise<void> };
    await mod.run();
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
