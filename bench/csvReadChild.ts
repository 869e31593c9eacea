/**
 * One CSV read in a fresh process (`node --import tsx bench/csvReadChild.ts
 * <file>`), for the `loading` bench: the read's wall and CPU time (all
 * threads) and the process's peak RSS, as one JSON line. A fresh process is
 * what a kernel's first read of a big file costs, and it lets the bench run
 * the read under other process-wide settings (environment variables read at
 * start, such as glibc's malloc tunables).
 */
import fs from "node:fs";
import { readDataFile } from "../src/data/readers";

/** Peak RSS in MB (VmHWM: this process image only). */
function peakRssMb(): number {
  const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const file = process.argv[2];
const c0 = process.cpuUsage();
const t0 = performance.now();
const df = readDataFile(file);
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({ rows: df.height, ms, cpuMs: (c.user + c.system) / 1000, userMs: c.user / 1000, sysMs: c.system / 1000, peakRssMb: peakRssMb() })}\n`);
