/**
 * Machine learning: STL decomposition and DBSCAN clustering.
 * - STL on 100,000 points (period 24, statsmodels' defaults): the raw
 *   decomposition, and `timeseriesAnomaliesStl` end to end on a DataFrame.
 *   Target ≤ 1 s. Robust STL (16 × 2 inner loops) is printed for information.
 *   Peak memory of each, in a fresh process (bench/stlMemoryChild.ts): RSS
 *   above the process's before the call, for the first call (V8 still
 *   compiling) and a second one, as a multiple of the input's size.
 * - DBSCAN on 50,000 rows × 3 features: 20 Gaussian blobs (σ 2 in a 100³ box)
 *   plus 10% uniform noise, eps 1, min_samples 10 (a few hundred neighbours
 *   per core point in the blobs); the raw k-d tree DBSCAN, and
 *   `dbclusterEvents` end to end (normalised rows, eps 0.01, the summary
 *   frame). Target ≤ 5 s.
 * Inputs are seeded: the same numbers every run.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import pl from "nodejs-polars";
import { stl } from "../src/analysis/stl";
import { timeseriesAnomaliesStl } from "../src/analysis/timeseries";
import { dbscan } from "../src/analysis/dbscan";
import { dbclusterEvents } from "../src/analysis/eventCluster";
import { browseClusters } from "../src/vis/clusterBrowser";
import { measure, report, seededRandom } from "./harness";
import { stlSeries } from "./stlMemoryChild";

const STL_POINTS = 100_000;
const DBSCAN_ROWS = 50_000;
/** Many small clusters of wide events: 20,000 rows × 33 columns in 1,000 clusters (what a cluster browser asks for). */
const WIDE_ROWS = 20_000;
const WIDE_CLUSTERS = 1_000;

function blobs(n: number): Float64Array {
  const random = seededRandom(7);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: 20 }, () => [random() * 100, random() * 100, random() * 100]);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const noise = i % 10 === 0;
    const c = centres[i % 20];
    for (let d = 0; d < 3; d++) data[i * 3 + d] = noise ? random() * 100 : c[d] + 2 * gauss();
  }
  return data;
}

export async function run(): Promise<void> {
  const y = stlSeries(STL_POINTS);
  const start = Date.UTC(2020, 0, 1);
  const frame = pl.DataFrame([
    pl.Series("TimeGenerated", Array.from({ length: STL_POINTS }, (_, i) => start + i * 3_600_000), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    pl.Series("TotalBytesSent", Array.from(y), pl.Float64),
  ]);
  const points = blobs(DBSCAN_ROWS);
  const events = pl.DataFrame([
    pl.Series("TimeGenerated", Array.from({ length: DBSCAN_ROWS }, (_, i) => start + i * 1000), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms")),
    ...[0, 1, 2].map((d) => pl.Series(`f${d}`, Array.from({ length: DBSCAN_ROWS }, (_, i) => points[i * 3 + d]), pl.Float64)),
  ]);

  let clusters = 0;
  const rows = [
    await measure(`STL, ${STL_POINTS.toLocaleString("en")} points, period 24`, () => stl(y, { period: 24 }), { targetMs: 1000 }),
    await measure(`timeseriesAnomaliesStl, ${STL_POINTS.toLocaleString("en")}-row DataFrame`, () => timeseriesAnomaliesStl(frame), { targetMs: 1000 }),
    await measure(`STL robust (15 outer iterations), ${STL_POINTS.toLocaleString("en")} points`, () => stl(y, { period: 24, robust: true }), { runs: 3, note: "no target" }),
    await measure(
      `DBSCAN, ${DBSCAN_ROWS.toLocaleString("en")} × 3, eps 1, min_samples 10`,
      () => {
        clusters = dbscan({ data: points, rows: DBSCAN_ROWS, dims: 3 }, { eps: 1, minSamples: 10 }).clusterCount;
      },
      { targetMs: 5000 },
    ),
    await measure(
      `dbclusterEvents, ${DBSCAN_ROWS.toLocaleString("en")} rows × 3 features (normalised, eps 0.01)`,
      () => dbclusterEvents(events, { clusterColumns: ["f0", "f1", "f2"], timeColumn: "TimeGenerated", minClusterSamples: 10 }),
      { targetMs: 5000 },
    ),
  ];
  rows[3].note = `${clusters} clusters`;
  const wide = pl.DataFrame([
    pl.Series("TimeGenerated", Array.from({ length: WIDE_ROWS }, (_, i) => start + i * 1000), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms")),
    pl.Series("f", Array.from({ length: WIDE_ROWS }, (_, i) => (i % WIDE_CLUSTERS) * 10), pl.Float64),
    ...Array.from({ length: 31 }, (_, c) => pl.Series(`c${c}`, Array.from({ length: WIDE_ROWS }, (_, i) => `v${c}-${i}`))),
  ]);
  const wideClusters = dbclusterEvents(wide, { clusterColumns: ["f"], timeColumn: "TimeGenerated", maxClusterDistance: 0.5, normalize: false });
  rows.push(
    await measure(
      `members() of every cluster: ${WIDE_CLUSTERS.toLocaleString("en")} clusters of ${WIDE_ROWS.toLocaleString("en")} rows × 33 columns`,
      () => {
        for (let id = 0; id < wideClusters.clusterCount; id++) wideClusters.members(id);
      },
      { runs: 3, note: "was 31–35 s (a gather of every column per call)" },
    ),
    await measure(`browseClusters of those ${WIDE_CLUSTERS.toLocaleString("en")} clusters (3 columns shown)`, () => browseClusters(wideClusters, { columns: ["TimeGenerated", "c0", "c1"] }), {
      runs: 3,
      note: "was 42–48 s",
    }),
  );
  report("ml: STL and DBSCAN", rows);
  stlMemory();
}

/** Peak RSS of STL runs in fresh processes (bench/stlMemoryChild.ts), big arrays always mapped apart so a freed one is returned, not reused unseen. */
function stlMemory(): void {
  console.log("\nSTL peak memory above the process's RSS before the call (fresh process each):");
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: "131072" };
  for (const mode of ["stl", "robust", "anomalies"]) {
    for (const heat of ["cold", "warm"]) {
      const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "stlMemoryChild.ts"), mode, String(STL_POINTS), heat], { env, encoding: "utf8" });
      const r = JSON.parse(out.trim().split("\n").pop() as string) as { peakAboveMb: number; ratio: number; inputMb: number };
      console.log(`  ${mode.padEnd(9)} ${heat.padEnd(4)} ${r.peakAboveMb.toFixed(1).padStart(6)} MB (${r.ratio.toFixed(1)}× the input's ${r.inputMb.toFixed(2)} MB)`);
    }
  }
}

if (require.main === module) void run();
