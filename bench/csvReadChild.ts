/**
 * One CSV read in a fresh process (`node --import tsx bench/csvReadChild.ts
 * <file> [read|floor]`), for the `loading` bench: the read's wall and CPU time
 * (all threads), its minor page faults (pages touched for the first time) and
 * the process's peak RSS, as one JSON line. A fresh process is what a
 * kernel's first read of a big file costs, and it lets the bench run the read
 * under other process-wide settings (environment variables read at start,
 * such as glibc's malloc tunables).
 *
 * `read` (default) is `readDataFile`: types inferred, times parsed. `floor`
 * is the least polars can do for that file: one scan with every column's
 * type given (taken from the first 10,000 rows before the clock starts,
 * polars already loaded), nothing parsed, nothing checked. No reader of this
 * file with these types can be faster in this process than the floor.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { readDataFile } from "../src/data/readers";

/** Peak RSS in MB (VmHWM: this process image only). */
function peakRssMb(): number {
  const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** The floor's read: the file's types given up front, plain names, no time parsing. */
function floorRead(file: string): () => pl.DataFrame {
  const head = fs.readFileSync(file).subarray(0, 8 << 20);
  const lines = head.toString("utf8").split("\n").slice(0, 10_001).join("\n");
  const sample = pl.readCSV(lines, { inferSchemaLength: 10_000 });
  const schema: Record<string, DataType> = {};
  sample.getColumns().forEach((s, i) => (schema[`c${i}`] = s.dtype));
  return () => pl.scanCSV(file, { schema, hasHeader: true, inferSchemaLength: 0, truncateRaggedLines: true, glob: false, cache: false }).collectSync();
}

const [file, mode = "read"] = process.argv.slice(2);
const read = mode === "floor" ? floorRead(file) : () => readDataFile(file);
const faults0 = process.resourceUsage().minorPageFault;
const c0 = process.cpuUsage();
const t0 = performance.now();
const df = read();
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
const minorFaults = process.resourceUsage().minorPageFault - faults0;
process.stdout.write(`${JSON.stringify({ rows: df.height, ms, cpuMs: (c.user + c.system) / 1000, userMs: c.user / 1000, sysMs: c.system / 1000, minorFaults, peakRssMb: peakRssMb() })}\n`);
