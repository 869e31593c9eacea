/**
 * Peak memory of one STL run in a fresh process (`node --import tsx
 * bench/stlMemoryChild.ts <stl|anomalies|robust> [points] [cold|warm]`), for the `ml`
 * bench: the input is built (the `ml` bench's seeded hourly series, as a
 * Float64Array for `stl` and as a two-column frame for
 * `timeseriesAnomaliesStl`), memory is collected, and the run's peak RSS
 * above that (VmHWM − VmRSS before) is printed as one JSON line with the
 * input's size. A fresh process, so no earlier run's heap or peak counts.
 * `cold` (default): the first full-size run, as a kernel's first call (V8
 * still compiling: unoptimised double arithmetic leaves garbage the young
 * generation grows for); `warm`: a full-size run first, then the measured one.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import { stl } from "../src/analysis/stl";
import { timeseriesAnomaliesStl } from "../src/analysis/timeseries";
import { collectGarbage, seededRandom } from "./harness";

function status(field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s*(\\d+)\\s*kB`).exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** The `ml` bench's series: a daily cycle, a slow rise, noise and rare spikes. */
export function stlSeries(n: number): Float64Array {
  const random = seededRandom(24);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 10_000 + 4_000 * Math.sin((2 * Math.PI * i) / 24) + 0.02 * i + 500 * (random() - 0.5) + (random() < 0.001 ? 20_000 : 0);
  return y;
}

if (require.main === module) {
  const [mode = "stl", pointsArg = "100000", heat = "cold"] = process.argv.slice(2);
  const n = Number(pointsArg);
  const y = stlSeries(n);
  const start = Date.UTC(2020, 0, 1);
  const frame =
    mode === "anomalies"
      ? pl.DataFrame([
          pl.Series("TimeGenerated", Array.from({ length: n }, (_, i) => start + i * 3_600_000), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
          pl.Series("TotalBytesSent", y, pl.Float64),
        ])
      : undefined;
  // Warm the code paths on a small input first (compiled code and polars' pools are no part of the run's memory).
  const run = (values: Float64Array, df: pl.DataFrame | undefined): number =>
    mode === "stl" ? stl(values, { period: 24 }).trend.length : mode === "robust" ? stl(values, { period: 24, robust: true }).trend.length : timeseriesAnomaliesStl(df!).height;
  if (heat === "warm") run(y, frame);
  else run(stlSeries(480), frame?.head(480));
  collectGarbage();
  collectGarbage();
  const base = status("VmRSS");
  // The peak so far is the warm-up's and the input's: the run's own peak is measured above the current RSS, so reset it.
  fs.writeFileSync("/proc/self/clear_refs", "5");
  const rows = run(y, frame);
  const peak = status("VmHWM") - base;
  const inputBytes = mode === "anomalies" ? n * 16 : n * 8;
  process.stdout.write(`${JSON.stringify({ mode, heat, points: n, rows, inputMb: inputBytes / 2 ** 20, peakAboveMb: peak / 2 ** 20, ratio: peak / inputBytes })}\n`);
}
