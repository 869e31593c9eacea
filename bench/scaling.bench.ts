/**
 * Scaling (issue 17): 100k, 1M and 10M process events through load (Parquet
 * and CSV via readDataFile), IoCExtract (default types), base64.unpackDf and
 * buildProcessTree (in tree order, and with `order: "input"`); time and peak RSS per size, each case in its own process
 * (bench/scalingChild.ts), and the exponent k of the fitted power law
 * time ∝ rows^k. Targets: k ≤ 1.1 for each task, peak RSS ≤ 6 GB at 10M.
 *
 * On request only: `npm run bench -- scaling` (the 10M files take minutes to
 * write and a full run ~15–30 min on the 2-core machine). The data is
 * generated once and cached in bench/out/scaling/ (git-ignored): 200k
 * Windows 4688 events (4 hosts, PID reuse; test/helpers/processEvents.ts)
 * with command lines from the indicators bench (3% indicators, 0.5% base64),
 * repeated on new host names up to each size, so every size holds valid
 * trees. `BENCH_SCALING_SIZES=100000,1000000` picks sizes;
 * `BENCH_SCALING_TASKS=ioc,base64` picks tasks.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { generate4688 } from "../test/helpers/processEvents";
import { generate as generateCommandLines } from "./indicators.bench";

const OUT = path.join(__dirname, "out", "scaling");
const SIZES = (process.env.BENCH_SCALING_SIZES ?? "100000,1000000,10000000").split(",").map(Number);
const TASKS = (process.env.BENCH_SCALING_TASKS ?? "load-parquet,load-csv,ioc,base64,ptree,ptree-input").split(",");
const BASE_ROWS = 200_000;
const TARGET_K = 1.1;
const TARGET_RSS_MB = 6 * 1024;
/** A child that runs longer than this is stopped and reported as such. */
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_SCALING_TIMEOUT_MS ?? 20 * 60_000);

/** The 200k-event base: generated once. */
function base(): pl.DataFrame {
  const file = path.join(OUT, "base.parquet");
  if (fs.existsSync(file)) return pl.readParquet(file);
  const { df } = generate4688(BASE_ROWS, { seed: 17, hosts: 4, pidPool: 4096 });
  const lines = generateCommandLines(BASE_ROWS).getColumn("CommandLine");
  const out = df.withColumn(lines.rename("CommandLine"));
  fs.mkdirSync(OUT, { recursive: true });
  out.writeParquet(file);
  return out;
}

/** `rows` events: the base repeated on new host names (copy k: host names suffixed -k), cut to size. */
function ensureSize(rows: number): string {
  const dir = path.join(OUT, `rows-${rows}`);
  if (fs.existsSync(path.join(dir, "complete"))) return dir;
  const t0 = performance.now();
  const b = base();
  const copies = Math.ceil(rows / b.height);
  const parts: pl.DataFrame[] = [];
  for (let k = 0; k < copies; k++) {
    parts.push(k === 0 ? b : b.withColumn(pl.col("Computer").add(pl.lit(`-${k}`)).alias("Computer")));
  }
  const df = (parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" })).head(rows);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  df.writeParquet(path.join(dir, "procs.parquet"));
  df.writeCSV(path.join(dir, "procs.csv"));
  fs.writeFileSync(path.join(dir, "complete"), "");
  console.log(`generated ${rows.toLocaleString("en")} rows (Parquet ${mb(path.join(dir, "procs.parquet"))}, CSV ${mb(path.join(dir, "procs.csv"))}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

function mb(file: string): string {
  return `${(fs.statSync(file).size / 1e6).toFixed(0)} MB`;
}

interface Result {
  ms: number;
  /** Worker-thread start-up before the timed run (IoC, base64). */
  warmMs?: number;
  peakRssMb: number;
  out: number;
  error?: string;
}

function child(task: string, dir: string): Result {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "scalingChild.ts"), task, dir], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    timeout: CHILD_TIMEOUT_MS,
  });
  if (r.status !== 0) {
    const err = (r.stderr ?? "").split("\n").find((l) => /Error|error:/.test(l)) ?? (r.stderr ?? "").trim().split("\n").pop();
    const why = r.signal ? `stopped after ${CHILD_TIMEOUT_MS / 60_000} min (${r.signal})` : `exit ${r.status}: ${err?.trim().slice(0, 160)}`;
    return { ms: NaN, peakRssMb: NaN, out: 0, error: why };
  }
  const line = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Result;
  return line;
}

/** Least-squares slope of log(time) on log(rows): the k of time ∝ rows^k. */
export function powerLawExponent(points: readonly { rows: number; ms: number }[]): number {
  const xs = points.map((p) => Math.log(p.rows));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export async function run(): Promise<void> {
  // Only when named: `npm run bench -- scaling` (the default run stays short).
  if (!process.argv.slice(2).some((a) => "scaling.bench.ts".includes(a))) {
    console.log("\n## Scaling: skipped (run `npm run bench -- scaling`)");
    return;
  }
  const dirs = SIZES.map((n) => ensureSize(n));
  const results = new Map<string, Result[]>();
  for (const task of TASKS) {
    const perSize: Result[] = [];
    for (let i = 0; i < SIZES.length; i++) {
      const r = child(task, dirs[i]);
      perSize.push(r);
      const warm = r.warmMs ? ` (worker start-up before it: ${fmtMs(r.warmMs)})` : "";
      console.error(`  ${task} ${SIZES[i].toLocaleString("en")}: ${fmtMs(r.ms)}, peak RSS ${Number.isFinite(r.peakRssMb) ? r.peakRssMb.toFixed(0) : "—"} MB${warm}${r.error ? ` (${r.error})` : ""}`);
    }
    results.set(task, perSize);
  }
  console.log(`\n## Scaling: ${SIZES.map((n) => n.toLocaleString("en")).join(" / ")} rows (each case its own process; time, peak RSS)`);
  const head = ["task", ...SIZES.map((n) => `${n.toLocaleString("en")} rows`), "k", "target"];
  const lines: string[][] = [];
  for (const [task, perSize] of results) {
    const ok = perSize.map((r, i) => ({ rows: SIZES[i], ms: r.ms })).filter((p) => Number.isFinite(p.ms) && p.ms > 0);
    const k = ok.length >= 2 ? powerLawExponent(ok) : NaN;
    const biggest = perSize[perSize.length - 1];
    const rssOk = SIZES[SIZES.length - 1] < 10_000_000 || (Number.isFinite(biggest.peakRssMb) && biggest.peakRssMb <= TARGET_RSS_MB);
    const kOk = Number.isFinite(k) && k <= TARGET_K && ok.length === SIZES.length;
    const partial = SIZES[SIZES.length - 1] < 10_000_000 ? "; partial: 10M not run" : "";
    const verdict = `${kOk && rssOk ? "ok" : "MISSED"} (k ≤ ${TARGET_K}, peak RSS ≤ 6 GB at 10M${partial})`;
    lines.push([
      task,
      ...perSize.map((r) => (r.error ? `failed: ${r.error}` : `${fmtMs(r.ms)}, ${r.peakRssMb.toFixed(0)} MB`)),
      Number.isFinite(k) ? k.toFixed(2) : "—",
      verdict,
    ]);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const row = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  console.log(row(head));
  for (const l of lines) console.log(row(l));
}
