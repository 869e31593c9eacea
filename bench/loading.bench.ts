/**
 * Loading through the query provider: 1M process-creation rows shaped like the
 * lab's processes_on_host (values drawn, seeded, from the real rows), written as
 * CSV, NDJSON and Parquet, read by `qp.Bench.<query>()`; and rendering
 * `display(df.head())` to its MIME bundle.
 * Targets (2-core machine): Parquet ≤ 1 s, CSV ≤ 1.2 s (issue #17: types and
 * times parsed, one pass). The machine is shared, so the CSV read is also
 * timed alone (`readDataFile`) with its CPU time (all threads): wall time
 * under load says little, CPU time says what the work costs. It is also
 * timed in fresh processes (a kernel's first read), alternately with glibc's
 * default malloc and with {@link THP_TUNABLES}: most of the CPU time of
 * polars' CSV read on this (virtual) machine is spent on 4 KB pages (faults
 * and TLB misses), which transparent huge pages cut; the tunables are read
 * at process start only, so the kernel's environment sets them (the kernel
 * specs and `npm run …` do when asked: HUNTLAB_MALLOC=hugepages). Next
 * to it, the floor: polars' scan alone with the types given, nothing parsed.
 *
 * Why the three CSV figures differ: they are one read into memory in three
 * states. A read's cost is mostly the pages its ~600 MB result touches for
 * the first time. The query runs (async, awaited) give V8 turns in which it
 * collects the earlier runs' frames, so glibc hands their freed memory to the
 * next read (warm); `readDataFile` runs back to back synchronously, so the
 * earlier frames are still alive (their native memory is freed by finalizers
 * that run in a later event-loop turn) and every run touches new pages, as a
 * fresh process does. A kernel's first read of a file is the fresh case.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { QueryProvider } from "../src/data/queryProvider";
import { abandonedCollects } from "../src/data/collect";
import { fileDuplicateKeys } from "../src/data/jsonDuplicateKeys";
import { readDataFile } from "../src/data/readers";
import { toMimeBundle } from "../src/display/display";
import { measure, report, seededRandom, type Measurement } from "./harness";
// glibc's huge-page tunables, which HUNTLAB_MALLOC=hugepages gives the lab's kernels (scripts/malloc.mjs).
import { THP_TUNABLES } from "../scripts/malloc.mjs";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const OUT = path.join(__dirname, "out", "loading");

function generate(rows: number): pl.DataFrame {
  const source = readDataFile(path.join(__dirname, "..", "data", "processes_on_host.parquet"));
  const random = seededRandom(42);
  const n = source.height;
  // Row indices drawn from the real data, per column independently: realistic values and cardinalities.
  const pick = () => {
    const idx = new Array<number>(rows);
    for (let i = 0; i < rows; i++) idx[i] = Math.floor(random() * n);
    return idx;
  };
  const columns = source.columns.map((name) => source.getColumn(name).gather(pick()).rename(name));
  // Real times with seconds (the lab's text times are minute-resolution): ISO text, as exports write it.
  const start = Date.UTC(2019, 1, 9);
  const times = new Array<string>(rows);
  for (let i = 0; i < rows; i++) times[i] = new Date(start + Math.floor(random() * 7 * 86_400_000)).toISOString().replace("T", " ").replace("Z", "");
  const df = pl.DataFrame(columns).withColumn(pl.Series("TimeGenerated", times));
  return df;
}


/** What one fresh-process read reports (bench/csvReadChild.ts). */
interface ChildRead {
  ms: number;
  cpuMs: number;
  minorFaults: number;
  peakRssMb: number;
}

/** One read of `file` in a fresh process (bench/csvReadChild.ts): `read` is `readDataFile`, `floor` polars' scan alone with the types given. */
function childRead(file: string, mode: "read" | "floor", tunables: string | undefined): ChildRead {
  const env = { ...process.env };
  if (tunables) env.GLIBC_TUNABLES = tunables;
  else delete env.GLIBC_TUNABLES;
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "csvReadChild.ts"), file, mode], { env, encoding: "utf8" });
  const result = JSON.parse(out.trim().split("\n").pop() as string) as ChildRead & { rows: number };
  if (result.rows !== ROWS) throw new Error(`expected ${ROWS} rows, got ${result.rows}`);
  return result;
}

/**
 * The CSV read in fresh processes — `readDataFile` and, for the floor, polars'
 * scan alone with the types given (no parsing) — each with the default malloc
 * and with huge pages, all four in turn: median wall time, CPU time, pages
 * touched for the first time (minor faults, ≈ 14 µs each on the development
 * VM) and peak RSS of `runs` each.
 */
export function freshProcessReads(file: string, runs = 3): Measurement[] {
  const cases = [
    { name: `readDataFile ${ROWS} rows, csv, fresh process, default malloc`, mode: "read", tunables: undefined },
    { name: `  same, GLIBC_TUNABLES=${THP_TUNABLES} (HUNTLAB_MALLOC=hugepages: scripts/malloc.mjs)`, mode: "read", tunables: THP_TUNABLES },
    { name: "  floor: polars' scan alone, types given, no parsing, fresh process", mode: "floor", tunables: undefined },
    { name: "  floor with the same GLIBC_TUNABLES", mode: "floor", tunables: THP_TUNABLES },
  ] as const;
  const results: ChildRead[][] = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, k) => results[k].push(childRead(file, c.mode, c.tunables)));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return cases.map((c, k): Measurement => {
    const rs = results[k];
    const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
    const note = `CPU ${(median(rs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s median (all threads), ${(median(rs.map((r) => r.minorFaults)) / 1000).toFixed(0)}k pages first touched, peak RSS ${median(rs.map((r) => r.peakRssMb)).toFixed(0)} MB`;
    // The floors are polars' own scan, for comparison: huntlab's target is on its reads, not on polars'.
    return { name: c.name, runs: rs.length, medianMs: median(ms), minMs: ms[0], maxMs: ms[ms.length - 1], targetMs: c.mode === "read" ? 1200 : undefined, note };
  });
}

function queryFile(): string {
  const sources = ["csv", "ndjson", "parquet"]
    .map((ext) => `  proc_${ext}:\n    description: ${ROWS} process events (${ext})\n    args: {query: procs.${ext}}\n`)
    .join("");
  return `metadata: {version: 1, description: bench, data_environments: [LocalData], data_families: [Bench]}\nsources:\n${sources}`;
}

/**
 * What an interrupted CSV query costs (issue #13): the query is aborted
 * `abortAfterMs` in (as Interrupt Kernel does: 0.4 of the fastest whole query
 * just measured, at most 500 ms, so the abort lands inside the read on a quick
 * machine too — at a fixed 500 ms a whole query ended before it on a machine
 * that read the file in 0.45 s); timed are the rejection, a query of a
 * small file right after (it shares polars' threads with the abandoned read),
 * and when the abandoned read ends in the background, with the CPU time of
 * the whole (all threads).
 */
async function interruptCost(abortAfterMs: number): Promise<Measurement[]> {
  const small = path.join(OUT, "small");
  fs.mkdirSync(small, { recursive: true });
  fs.writeFileSync(path.join(small, "few.csv"), "TimeGenerated,Computer\n2019-02-09 16:05:06,A\n2019-02-10 16:05:06,B\n");
  const few = new QueryProvider("LocalData", { dataPaths: [small], queryPaths: [small] });
  await few.LocalData.few();
  const reject: number[] = [];
  const second: number[] = [];
  const background: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const controller = new AbortController();
    const qp = new QueryProvider("LocalData", { dataPaths: [OUT], queryPaths: [OUT], signal: controller.signal });
    const c0 = process.cpuUsage();
    const running = qp.Bench.proc_csv();
    running.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, abortAfterMs));
    const aborted = performance.now();
    controller.abort();
    await running.then(
      () => {
        throw new Error("the query ended before the abort: use more rows");
      },
      (err: { code?: string }) => {
        if (err.code !== "data/query-interrupted") throw err;
      },
    );
    reject.push(performance.now() - aborted);
    const t1 = performance.now();
    await few.LocalData.few();
    second.push(performance.now() - t1);
    while (abandonedCollects() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    background.push(performance.now() - aborted);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const row = (name: string, times: number[], note?: string) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { name, runs: sorted.length, medianMs: sorted[1], minMs: sorted[0], maxMs: sorted[sorted.length - 1], note };
  };
  const sortedCpu = [...cpu].sort((a, b) => a - b);
  return [
    row(`csv query aborted at ${(abortAfterMs / 1000).toFixed(2)} s: rejected after`, reject),
    row("  a 2-row query right after the abort", second),
    row("  the abandoned read ends after the abort", background, `CPU of query + background ${(sortedCpu[1] / 1000).toFixed(2)} s median`),
  ];
}

/**
 * CSV files a tool or a hand broke: 300k rows × 40 integer columns, each
 * broken by one text value after the sample (a read per broken column cost
 * 8.2 s here, where three reads now do), and the 1M-row file with one stray
 * quote (`x"y`), on which polars fails the whole file: the reader quotes such
 * values in a copy and reads that.
 */
export async function damagedCsv(procsCsv: string): Promise<Measurement[]> {
  const broken = path.join(OUT, "broken-40.csv");
  const stray = path.join(OUT, "stray-quote.csv");
  if (!fs.existsSync(broken)) {
    const rows = 300_000;
    const lines = [["TimeGenerated", ...Array.from({ length: 40 }, (_, j) => `c${j}`)].join(",")];
    for (let r = 0; r < rows; r += 1) lines.push([`2026-11-01T10:00:${String(r % 60).padStart(2, "0")}Z`, ...Array.from({ length: 40 }, (_, j) => (r === rows - 1 - j * 100 ? "n/a" : String(r + j)))].join(","));
    fs.writeFileSync(broken, lines.join("\n") + "\n");
  }
  if (!fs.existsSync(stray)) {
    const text = fs.readFileSync(procsCsv);
    // One stray quote in the Computer value of a row halfway through.
    const at = text.indexOf(",MSTICAlertsWin1,", text.length >> 1);
    fs.writeFileSync(stray, Buffer.concat([text.subarray(0, at + 6), Buffer.from('"'), text.subarray(at + 6)]));
  }
  return [
    await measure("readDataFile 300k rows, 40 columns broken after the sample", () => readDataFile(broken), { runs: 3, release: true }),
    await measure(`readDataFile ${ROWS} rows, csv with one stray quote`, () => readDataFile(stray), { runs: 3, release: true }),
  ];
}

export async function run(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const marker = path.join(OUT, `rows-${ROWS}`);
  if (!fs.existsSync(marker)) {
    const t0 = performance.now();
    const df = generate(ROWS);
    df.writeParquet(path.join(OUT, "procs.parquet"));
    df.writeCSV(path.join(OUT, "procs.csv"));
    df.writeJSON(path.join(OUT, "procs.ndjson"), { format: "lines" });
    fs.writeFileSync(path.join(OUT, "bench.yaml"), queryFile());
    fs.writeFileSync(marker, "");
    console.log(`generated ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const sizes = ["csv", "ndjson", "parquet"].map((ext) => `${ext} ${(fs.statSync(path.join(OUT, `procs.${ext}`)).size / 1e6).toFixed(0)} MB`).join(", ");
  console.log(`files: ${sizes}`);
  const qp = new QueryProvider("LocalData", { dataPaths: [OUT], queryPaths: [OUT] });
  const rows = [];
  let last: pl.DataFrame | undefined;
  for (const [ext, target] of [["parquet", 1000], ["csv", 1200], ["ndjson", undefined]] as const) {
    rows.push(
      await measure(`load ${ROWS} rows, ${ext}`, async () => {
        last = await qp.Bench[`proc_${ext}`]();
        if (last.height !== ROWS) throw new Error(`expected ${ROWS} rows, got ${last.height}`);
      }, { runs: 5, targetMs: target }),
    );
  }
  // The screen for JSON records that repeat a key (jsonDuplicateKeys.ts), which every JSON-lines read pays: alone.
  rows.push(await measure(`repeated-key screen of the ${ROWS}-row ndjson`, () => fileDuplicateKeys(path.join(OUT, "procs.ndjson")), { runs: 3 }));
  // The CSV read alone, with its CPU time: median of 3.
  const cpu: number[] = [];
  rows.push(
    await measure(`readDataFile ${ROWS} rows, csv (types, times)`, () => {
      const c0 = process.cpuUsage();
      const df = readDataFile(path.join(OUT, "procs.csv"));
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      if (df.height !== ROWS) throw new Error(`expected ${ROWS} rows, got ${df.height}`);
    }, { runs: 3, targetMs: 1200 }),
  );
  // The first run is measure()'s warm-up.
  const timed = cpu.slice(1).sort((a, b) => a - b);
  rows[rows.length - 1].note = `CPU ${(timed[Math.floor(timed.length / 2)] / 1000).toFixed(2)} s median (all threads)`;
  if (process.platform === "linux") rows.push(...freshProcessReads(path.join(OUT, "procs.csv")));
  rows.push(...(await damagedCsv(path.join(OUT, "procs.csv"))));
  const csvLoad = rows.find((r) => r.name === `load ${ROWS} rows, csv`);
  rows.push(...(await interruptCost(Math.min(500, Math.max(20, Math.round(0.4 * (csvLoad?.minMs ?? 1250)))))));
  const df = last as pl.DataFrame;
  rows.push(await measure("display(df.head()) bundle", () => toMimeBundle(df.head()), { runs: 20, warmup: 3 }));
  rows.push(await measure(`display(df) bundle, ${ROWS} rows`, () => toMimeBundle(df), { runs: 20, warmup: 3 }));
  report(`Loading through QueryProvider (${ROWS.toLocaleString("en")} rows × ${df.width} columns)`, rows);
}
