/**
 * One measurement of the scaling bench, in its own process so that its peak
 * RSS is its own: `node --import tsx bench/scalingChild.ts <task> <dir>`.
 * Tasks: load-parquet, load-csv (readDataFile: types and times parsed),
 * ioc (IoCExtract.extract, default types, every row), base64
 * (base64.unpackDf, every row), ptree (buildProcessTree as is), ptree-input
 * (the same with `order: "input"`: no sort into tree order). The input is
 * read from the Parquet file first (not timed, except for the loads), and
 * each computation is warmed by one untimed call on the first 20k rows.
 * Prints one JSON line: ms, rows, output rows, peakRssMb.
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { readDataFile } from "../src/data/readers";
import { base64 } from "../src/transform/base64Unpack";
import { IoCExtract } from "../src/transform/iocExtract";
import { buildProcessTree } from "../src/transform/processTree";
import { warmUpWorkers } from "../src/transform/workers/pool";

/** Peak RSS in MB: VmHWM (this process image only; getrusage's maxRSS keeps the parent's peak across exec). */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** One untimed call on this many rows first (JIT, regex and TLD caches warm): the fit is of steady-state cost. */
const WARM_ROWS = 20_000;

/** Rows per IoCExtract call: what a user does with big data (bounds the JavaScript strings alive at once). */
const IOC_BATCH = 1_000_000;

async function main(): Promise<void> {
  const [task, dir] = process.argv.slice(2);
  const parquet = path.join(dir, "procs.parquet");
  let ms = 0;
  let rows = 0;
  let out = 0;
  let warmMs = 0;
  const warm = async () => {
    // Worker threads are started before the timed run (a once-per-process cost, as module loading), and reported.
    const t0 = performance.now();
    await warmUpWorkers();
    warmMs = performance.now() - t0;
  };
  const timed = <T>(f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    ms += performance.now() - t0;
    return r;
  };
  if (task === "load-parquet" || task === "load-csv") {
    const df = timed(() => readDataFile(path.join(dir, task === "load-csv" ? "procs.csv" : "procs.parquet")));
    rows = df.height;
    out = df.width;
  } else if (task === "ioc") {
    const df = pl.readParquet(parquet, { columns: ["CommandLine"] });
    rows = df.height;
    await warm();
    const x = new IoCExtract();
    x.extract(df.head(WARM_ROWS), { columns: ["CommandLine"] }); // JIT and caches warm, untimed
    for (let off = 0; off < rows; off += IOC_BATCH) out += timed(() => x.extract(df.slice(off, IOC_BATCH), { columns: ["CommandLine"] }).height);
  } else if (task === "base64") {
    const df = pl.readParquet(parquet, { columns: ["CommandLine"] });
    rows = df.height;
    await warm();
    base64.unpackDf(df.head(WARM_ROWS), { column: "CommandLine" });
    out = timed(() => base64.unpackDf(df, { column: "CommandLine" }).height);
  } else if (task === "ptree" || task === "ptree-input") {
    const df = pl.readParquet(parquet);
    rows = df.height;
    const order = task === "ptree" ? "tree" : "input";
    buildProcessTree(df.head(WARM_ROWS), { order });
    out = timed(() => buildProcessTree(df, { order }).height);
  } else {
    throw new Error(`unknown task ${task}`);
  }
  process.stdout.write(`${JSON.stringify({ task, rows, out, ms, warmMs, peakRssMb: peakRssMb() })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
