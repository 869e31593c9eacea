/**
 * One measurement of the big-data bench, in its own process so that its peak
 * RSS is its own: `node --import tsx bench/bigdataChild.ts <query|indicators> <root> <json args>`.
 * (`indicators <root> no-dedupe` scans every row instead of each distinct command line once.)
 * Prints one JSON line: times, row counts and `maxRssMb` (process.resourceUsage).
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { QueryProvider } from "../src/data/queryProvider";
import { IoCExtract } from "../src/transform/iocExtract";
import { base64 } from "../src/transform/base64Unpack";
import { warmUpWorkers } from "../src/transform/workers/pool";

interface QueryArgs {
  host: string;
  day: string;
  runs: number;
}

/**
 * This process's peak RSS in MB. Linux: VmHWM of /proc/self/status — the
 * memory of this process image only (getrusage's maxRSS keeps the forking
 * parent's peak across exec, so a child of a big bench process reported the
 * parent's figure).
 */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const maxRssMb = peakRssMb;

/** One host's one day through a query with host_name + start/end: the first call (provider included) and the median of warm runs. */
async function query(root: string, args: QueryArgs): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(root, "procs")], queryPaths: [path.join(root, "queries")] });
  const params = { host_name: args.host, start: `${args.day}T00:00:00Z`, end: `${args.day}T23:59:59.999Z` };
  const first = await qp.Bench.host_processes(params);
  const firstMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < args.runs; i++) {
    const t = performance.now();
    await qp.Bench.host_processes(params);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { rows: first.height, firstMs, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], maxMs: times[times.length - 1], maxRssMb: maxRssMb() };
}

/** Indicator and base64 results over `values`, each weighted by how many rows hold it. */
interface PassResult {
  iocRows: number;
  iocDistinct: number;
  decodedRows: number;
  iocMs: number;
  b64Ms: number;
  types: Map<string, number>;
}

function scanValues(extractor: IoCExtract, values: pl.DataFrame, weights: readonly number[], into: PassResult): void {
  let t = performance.now();
  const iocs = extractor.extract(values, { columns: ["CommandLine"] });
  into.iocMs += performance.now() - t;
  into.iocDistinct += iocs.height;
  const srcRows = iocs.getColumn("SourceIndex").toArray() as unknown as number[];
  const iocTypes = iocs.getColumn("IoCType").toArray() as unknown as string[];
  srcRows.forEach((r, i) => {
    into.iocRows += weights[r];
    into.types.set(iocTypes[i], (into.types.get(iocTypes[i]) ?? 0) + weights[r]);
  });
  t = performance.now();
  const decoded = base64.unpackDf(values, { column: "CommandLine" });
  into.b64Ms += performance.now() - t;
  for (const r of decoded.getColumn("src_index").toArray() as unknown as number[]) into.decodedRows += weights[r];
}

/** Rows per IoCExtract / unpackDf call: bounds the memory of one call. */
const CHUNK = 200_000;

/**
 * The whole dataset through IoCExtract and base64.unpackDf, reading only
 * CommandLine. With dedupe (default), the distinct command lines are counted
 * by one lazy polars aggregate (`query.lazy()`), scanned once (exports repeat
 * them heavily) and the results weighted back to every row; without, each day
 * (one partition) is read and every row scanned.
 */
async function indicators(root: string, dedupe: boolean): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  // Worker threads for IoCExtract / unpackDf: started here, inside the timed run.
  const workers = await warmUpWorkers();
  // No query files: the dataset folder is the query LocalData.procs.
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(root, "procs")], queryPaths: [] });
  const days = fs.readdirSync(path.join(root, "procs")).filter((d) => d.startsWith("date=")).map((d) => d.slice(5)).sort();
  const extractor = new IoCExtract();
  const pass: PassResult = { iocRows: 0, iocDistinct: 0, decodedRows: 0, iocMs: 0, b64Ms: 0, types: new Map() };
  let rows = 0;
  let scanned = 0;
  let readMs = 0;
  if (dedupe) {
    // One lazy aggregate over the whole dataset (only CommandLine read, streamed by polars): distinct lines and their counts.
    const t = performance.now();
    const counts = qp.LocalData.procs
      .lazy({}, { columns: ["CommandLine"] })
      .groupBy("CommandLine")
      .agg(pl.len().cast(pl.Int64).alias("n"))
      .collectSync({ engine: "streaming" });
    readMs += performance.now() - t;
    rows = (counts.getColumn("n").toArray() as unknown as number[]).reduce((a, b) => a + b, 0);
    for (let off = 0; off < counts.height; off += CHUNK) {
      const chunk = counts.slice(off, CHUNK);
      scanValues(extractor, chunk.select("CommandLine"), chunk.getColumn("n").toArray() as unknown as number[], pass);
      scanned += chunk.height;
    }
  } else {
    // Day by day (one partition per batch), every row scanned.
    for (const day of days) {
      const t = performance.now();
      const batch = await qp.LocalData.procs({ start: `${day}T00:00:00Z`, end: `${day}T23:59:59.999Z` }, { columns: ["CommandLine"] });
      readMs += performance.now() - t;
      rows += batch.height;
      for (let off = 0; off < batch.height; off += CHUNK) {
        const chunk = batch.slice(off, CHUNK);
        scanValues(extractor, chunk, new Array<number>(chunk.height).fill(1), pass);
        scanned += chunk.height;
      }
    }
  }
  const totalMs = performance.now() - t0;
  return {
    dedupe,
    workers,
    rows,
    distinct: scanned,
    batches: dedupe ? Math.ceil(scanned / CHUNK) : days.length,
    iocRows: pass.iocRows,
    iocDistinct: pass.iocDistinct,
    iocTypes: Object.fromEntries([...pass.types].sort()),
    decodedRows: pass.decodedRows,
    readMs,
    iocMs: pass.iocMs,
    b64Ms: pass.b64Ms,
    totalMs,
    rowsPerSecond: rows / (totalMs / 1000),
    maxRssMb: maxRssMb(),
  };
}

async function main(): Promise<void> {
  const [mode, root, json] = process.argv.slice(2);
  const result = mode === "query" ? await query(root, JSON.parse(json) as QueryArgs) : await indicators(root, json !== "no-dedupe");
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
