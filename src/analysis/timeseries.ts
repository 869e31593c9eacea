/**
 * Time-series anomalies by STL decomposition, after MSTICPy's
 * `timeseries_anomalies_stl`: decompose the series, score each residual as a
 * z-score, flag the points beyond a threshold. Plus MSTICPy's helpers: merge
 * adjacent anomalies into periods, and turn those into a KQL time filter.
 */
import pl from "nodejs-polars";
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";
import { boolOption, datetimeSeries, numericValues, quoteValue, requireColumn, requireFrame, requireOptions, timeValues } from "./columns";
import { columnNames, columnOf, frameOf } from "../common/frames";
import { isTextType } from "../common/dtypes";
import { stl, stlConfig } from "./stl";
import { withRichLastValue } from "../display/lastValue";
import { wideIntsAsText } from "../common/wideInts";

/**
 * How scores and labels are computed.
 * - `"msticpy"` (default): as MSTICPy, so its results (and the lab's answers)
 *   come out: every component, the value column and the baseline are truncated
 *   to integers before scoring; the score is the z-score of the truncated
 *   residual; a point is anomalous only when its score is **above** the
 *   threshold, and it is labelled 1 or −1 by the sign of its (integer)
 *   seasonal component. Large negative residuals are never flagged.
 * - `"clean"`: components stay floats; a point is a spike (1) when its score is
 *   above the threshold and a dip (−1) when it is below minus the threshold.
 *
 * In both modes a series whose residuals are all equal (a constant or exactly
 * periodic series) has no standard deviation: every score is NaN and no point
 * is an anomaly (as MSTICPy: NaN compares false). Residuals whose standard
 * deviation is at most 1e-9 of the largest |value| count as equal: that spread
 * is STL's floating-point rounding, not a signal (MSTICPy would flag it where
 * truncation to integers leaves some, i.e. for values beyond ~1e14).
 */
export type AnomalyMode = "msticpy" | "clean";

/**
 * What to do with missing points: null values, and times absent from the
 * regular grid (gaps).
 * - `"error"` (default): refuse, naming the first missing time.
 * - `"zero"`: 0 (a natural fill for counts: no events, no bytes).
 * - `"interpolate"`: linear between the neighbours (the nearest value at the ends).
 * - `"previous"`: the previous value (the next one at the start).
 * Filled rows are marked `filled = true` in the output.
 */
export type GapFill = "error" | "zero" | "interpolate" | "previous";

/** Options of `timeseriesAnomaliesStl`. */
export interface TimeseriesAnomaliesOptions {
  /** Time column. Default `"TimeGenerated"` when present, else the frame's only Datetime/Date column. Text times are parsed. */
  timeColumn?: string;
  /** Value column (numeric, or text holding numbers). Default: the first column that is not the time column (MSTICPy's rule). */
  dataColumn?: string;
  /** Length of STL's seasonal smoother (odd, ≥ 3). Default 7. */
  seasonal?: number;
  /** Samples per seasonal cycle. Default 24 (hourly data, daily cycle). */
  period?: number;
  /** z-score beyond which a point is an anomaly, above 0 (a negative one made every point an anomaly). Default 3. */
  scoreThreshold?: number;
  /** MSTICPy's integer scoring (default) or the cleaner float scoring; see `AnomalyMode`. */
  mode?: AnomalyMode;
  /** Robust STL (outlier-resistant weights, 15 outer iterations). Default false, as MSTICPy. */
  robust?: boolean;
  /** Missing points: refuse (default) or fill; see `GapFill`. */
  fill?: GapFill;
  /**
   * IANA time zone whose local days a daily (or weekly) series follows, for a time column without one:
   * CSV times such as `2024-03-10T00:00:00-08:00` then `2024-03-11T00:00:00-07:00` read as UTC are 23
   * or 25 hours apart across a daylight-saving change. Default: the column's own zone (none: UTC).
   */
  timeZone?: string;
  /**
   * Spacing of the series: milliseconds or a duration such as `"1h"`, `"15min"`, `"1d"`.
   * Default: the most common spacing between consecutive times (a time off
   * that grid is an error naming it; gaps are missing points, see `fill`).
   */
  interval?: number | string;
  /**
   * Where warnings go: text times in slash dates that read either way (`05/06/2026`), read month first as the
   * readers read them (dates a day past the 12th proves day first are read day first). Default: printed.
   */
  warn?: (message: string) => void;
}

/** The columns `timeseriesAnomaliesStl` adds, in order. */
export const ANOMALY_COLUMNS = ["residual", "trend", "seasonal", "weights", "baseline", "score", "anomalies"] as const;

/**
 * Residuals whose population standard deviation is at most this fraction of
 * the largest |value| are rounding noise: STL's arithmetic leaves up to ~330 ε
 * (7e-14) relative on constant and exactly periodic series (measured on
 * 168 to 20 000 points, robust or not), so 1e-9 is 10 000 times that; a real
 * deviation of a part per billion is below what counts and bytes measure.
 * The series is then flat: std 0, NaN scores, no anomalies.
 */
const FLAT_RESIDUAL_TOLERANCE = 1e-9;

const FN = "timeseriesAnomaliesStl";
const NUMERIC_VARIANT = /^(U?Int(8|16|32|64)|Float(32|64)|Decimal)$/;
/** A guard against a mistaken interval turning a few rows into a huge grid. */
const MAX_GRID_POINTS = 10_000_000;

/** Every option of {@link timeseriesAnomaliesStl} (the compiler keeps the list complete). */
const STL_ANOMALY_OPTIONS: Readonly<Record<keyof Required<TimeseriesAnomaliesOptions>, true>> = {
  timeColumn: true,
  dataColumn: true,
  seasonal: true,
  period: true,
  scoreThreshold: true,
  mode: true,
  robust: true,
  fill: true,
  timeZone: true,
  interval: true,
  warn: true,
};

/**
 * Finds anomalies in a regular time series with STL.
 *
 * Returns the input sorted by time, with the value column converted to numbers
 * and these columns added: `residual`, `trend`, `seasonal`, `weights` (STL's
 * robustness weights), `baseline` (seasonal + trend), `score` (z-score of the
 * residual, population standard deviation) and `anomalies` (1 spike, −1 dip,
 * 0 normal); with a `fill` other than `"error"`, also `filled`.
 *
 * An input column (value, time or other) named like one of these keeps its
 * values as `<name>_source` (`score_source`; `score_source_` if that is taken
 * too), as `buildProcessTree` and `unpackDf` do. Other column names come back
 * unchanged, whatever they are (`height`, `select`, `^a.*$`…).
 *
 * In the default `"msticpy"` mode the value and component columns are Int64
 * (truncated toward zero, as MSTICPy's `astype("int64")`; an integer value
 * column keeps its own values, past 2^53 too); in `"clean"` mode they are Float64.
 */
export function timeseriesAnomaliesStl(df: pl.DataFrame, options: TimeseriesAnomaliesOptions = {}): pl.DataFrame {
  requireFrame(df, FN);
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  df = wideIntsAsText(df);
  requireOptions(options, STL_ANOMALY_OPTIONS, FN);
  const mode = options.mode ?? "msticpy";
  if (mode !== "msticpy" && mode !== "clean") throw new AnalysisError(msg.invalidChoice(FN, "mode", '"msticpy" or "clean"', mode));
  const fill = options.fill ?? "error";
  if (!["error", "zero", "interpolate", "previous"].includes(fill)) {
    throw new AnalysisError(msg.invalidChoice(FN, "fill", '"error", "zero", "interpolate" or "previous"', fill));
  }
  const threshold = options.scoreThreshold ?? 3;
  // A point is an anomaly when its score is above the threshold (a dip, in "clean" mode, below minus it): at or
  // under 0 every point above the mean residual is one, and under 0 the dip band is inside the spike band.
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold <= 0) {
    throw new AnalysisError(msg.invalidNumber(FN, "scoreThreshold", "a positive number of standard deviations (a z-score, e.g. 3)", threshold));
  }
  // Validate the STL settings before touching the data.
  const config = stlConfig({ period: options.period ?? 24, seasonal: options.seasonal ?? 7, robust: options.robust ?? false });

  const names = columnNames(df);
  const timeColumn = options.timeColumn ?? defaultTimeColumn(df);
  requireColumn(df, timeColumn, FN, "timeColumn");
  const dataColumn = options.dataColumn ?? names.find((c) => c !== timeColumn);
  if (dataColumn === undefined) throw new AnalysisError(msg.noValueColumn(FN, timeColumn));
  requireColumn(df, dataColumn, FN, "dataColumn");
  if (dataColumn === timeColumn) throw new AnalysisError(msg.sameColumn(FN, timeColumn));

  const times = timeValues(df, timeColumn, FN, { warn: options.warn });
  let values: (number | null)[];
  try {
    values = numericValues(df, dataColumn, FN, { rowLabel: (row) => (times.ms[row] == null ? undefined : iso(times.ms[row] as number)) });
  } catch (err) {
    // A column chosen by MSTICPy's rule (KQL's `summarize count() by bin(TimeGenerated, 1h), Computer` puts Computer
    // first): say it was the default, and which columns hold numbers.
    if (options.dataColumn !== undefined || !(err instanceof AnalysisError) || err.code !== "analysis/column-not-numeric") throw err;
    const numeric = names.filter((c) => c !== timeColumn && NUMERIC_VARIANT.test(columnOf(df, c).dtype.variant));
    throw new AnalysisError(msg.defaultDataColumnHint(err, numeric), { cause: err });
  }
  // Days and weeks of a zoned column are regular on its wall clock, not in UTC: local midnights are 23 or
  // 25 hours apart across a daylight-saving change (pandas' daily ranges in a zone are such). So a zoned
  // series off its UTC grid is tried on its wall clock when that grid's step is whole days; hours stay in UTC.
  let keys = times.ms;
  let onWallClock = false;
  let grid: Grid;
  const zone = options.timeZone ?? (times.timeZone && times.timeZone !== "UTC" ? times.timeZone : undefined);
  if (zone !== undefined && !isTimeZone(zone)) throw new AnalysisError(msg.invalidChoice(FN, "timeZone", 'an IANA time zone such as "America/Los_Angeles"', zone));
  // Text times with their own UTC offsets (`2024-03-10T00:00:00-08:00`, then `-07:00`): the offsets are their wall clock.
  let textWall: (number | null)[] | undefined;
  try {
    grid = regularGrid(times.ms, values, timeColumn, dataColumn, fill, options.interval);
  } catch (err) {
    const irregular = err instanceof AnalysisError && err.code === "analysis/irregular-series";
    textWall = irregular && !zone ? offsetWallClock(df, timeColumn, times.ms) : undefined;
    const wall = irregular && zone ? wallClock(times.ms, zone) : textWall;
    if (!wall || !isWholeDays(wall, options.interval)) throw err;
    [keys, onWallClock] = [wall, true];
    grid = regularGrid(wall, values, timeColumn, dataColumn, fill, options.interval, (ms) => (zone ? `${iso(ms).replace(/Z$/, "")} ${zone}` : `${iso(ms).replace(/Z$/, "")} local time`));
  }
  if (grid.values.length < 2 * config.period) {
    throw new AnalysisError(msg.seriesTooShort(FN, dataColumn, grid.values.length, config.period));
  }

  const fit = stl(grid.values, config);
  const n = grid.values.length;
  const columns = scoreComponents(fit.observed, fit.residual, fit.trend, fit.seasonal, fit.weights, threshold, mode);

  // MSTICPy's whole numbers; a value past Int64 (a 1e20 spike) keeps them floats rather than becoming null.
  const int64 = (xs: Float64Array) => xs.every((x) => !Number.isFinite(x) || Math.abs(x) < 9.2e18);
  const numeric = mode === "msticpy" && [columns.value, columns.residual, columns.trend, columns.seasonal, columns.weights, columns.baseline].every(int64) ? pl.Int64 : pl.Float64;
  const outputs: string[] = [...ANOMALY_COLUMNS, ...(fill !== "error" ? ["filled"] : [])];
  const taken = [...names, ...outputs];
  const outName = (name: string): string => {
    if (!outputs.includes(name)) return name;
    const kept = unusedName(`${name}_source`, taken);
    taken.push(kept);
    return kept;
  };
  const rest = names.filter((c) => c !== timeColumn && c !== dataColumn);
  // The input's own times (a text column's as parsed) and the other columns ride along by time (null on filled
  // rows), joined under names of our own: polars' methods would meet a column called `join` or `sort`.
  const key = "t";
  const grided = frameOf([pl.Series(key, grid.times, pl.Float64).cast(pl.Int64)]);
  // Integer values come back as they were, not through doubles: past 2^53 (byte counters) an odd count came back one off.
  const exactInts = numeric === pl.Int64 && /^U?Int(8|16|32|64)$/.test(columnOf(df, dataColumn).dtype.variant);
  const exact = exactInts ? [columnOf(df, dataColumn).cast(pl.Int64).rename("value")] : [];
  const others = frameOf([times.series.rename("time"), ...rest.map((c, i) => columnOf(df, c).rename(`c${i}`)), ...exact, pl.Series(key, keys, pl.Float64).cast(pl.Int64)]);
  const joined = grided.join(others, { on: key, how: "left" }).sort(key);
  if (joined.height !== n) throw new AnalysisError(msg.rowCountChanged(FN, joined.height, n));
  // The time column keeps its type and its values (a µs or ns column to the last digit, a zone, a Date), so the
  // result joins back onto the input: the series is read in milliseconds, and times rebuilt from them lost the
  // digits below. Only filled rows' times are made, from the grid.
  const input = columnOf(joined, "time");
  const made = datetimeSeries("made", !onWallClock ? grid.times : zone ? fromWallClock(grid.times, zone) : fromOffsets(grid.times, keys, times.ms), times.timeZone);
  const outTimes = input.nullCount() === 0 ? input : frameOf([input, made.cast(input.dtype)]).select(pl.col("time").fillNull(pl.col("made")).alias("time")).getColumn("time");
  const fromFit = pl.Series("fit", columns.value, pl.Float64).cast(numeric);
  // Filled rows (null in the input's column) take the fill.
  const outValues = exactInts ? frameOf([columnOf(joined, "value"), fromFit]).select(pl.col("value").fillNull(pl.col("fit"))).getColumn("value") : fromFit;
  const series: pl.Series[] = [outTimes.rename(outName(timeColumn)), outValues.rename(outName(dataColumn))];
  rest.forEach((c, i) => series.push(columnOf(joined, `c${i}`).rename(outName(c))));
  const added: pl.Series[] = [
    pl.Series("residual", columns.residual, pl.Float64).cast(numeric),
    pl.Series("trend", columns.trend, pl.Float64).cast(numeric),
    pl.Series("seasonal", columns.seasonal, pl.Float64).cast(numeric),
    pl.Series("weights", columns.weights, pl.Float64).cast(numeric),
    pl.Series("baseline", columns.baseline, pl.Float64).cast(numeric),
    pl.Series("score", columns.score, pl.Float64),
    pl.Series("anomalies", columns.anomalies, pl.Float64).cast(pl.Int64),
  ];
  if (fill !== "error") added.push(pl.Series("filled", Array.from(grid.filled, (f) => f === 1), pl.Bool));
  return withRichLastValue(frameOf([...series, ...added]));
}

/** `name`, or `name` with underscores appended until no column is called that. */
function unusedName(name: string, taken: readonly string[]): string {
  while (taken.includes(name)) name += "_";
  return name;
}

/** `"TimeGenerated"` if present, else the only Datetime/Date column. */
function defaultTimeColumn(df: pl.DataFrame): string {
  const names = columnNames(df);
  if (names.includes("TimeGenerated")) return "TimeGenerated";
  const temporal = names.filter((c) => {
    const v = columnOf(df, c).dtype.variant;
    return v === "Datetime" || v === "Date";
  });
  if (temporal.length === 1) return temporal[0];
  throw new AnalysisError(msg.timeColumnUnknown(FN, temporal, names));
}

const DAY_MS = 86_400_000;

/** Wall-clock times in `zone` of UTC epoch milliseconds, as epoch milliseconds of that local time read as UTC. */
function wallClock(ms: (number | null)[], zone: string): (number | null)[] {
  const zoned = pl.Series("t", ms, pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms", zone));
  return zoned.dt.replaceTimeZone("UTC").cast(pl.Int64).cast(pl.Float64).toArray() as unknown as (number | null)[];
}

/**
 * UTC epoch milliseconds of wall-clock times in `zone` (the inverse of {@link wallClock}); a repeated
 * local time is its first instance, a skipped one (a change at midnight) keeps the previous point's offset.
 */
function fromWallClock(wall: Float64Array, zone: string): number[] {
  const local = pl.Series("t", Array.from(wall), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms"));
  const utc = local.dt.replaceTimeZone(zone, "earliest", "null").cast(pl.Int64).cast(pl.Float64).toArray() as unknown as (number | null)[];
  return utc.map((v, i, all) => v ?? wall[i] - (i > 0 ? wall[i - 1] - (all[i - 1] as number) : 0));
}

/** True for a time zone name the runtime knows (`Europe/Berlin`, `UTC`). */
function isTimeZone(zone: unknown): boolean {
  try {
    return typeof zone === "string" && zone !== "" && Boolean(new Intl.DateTimeFormat("en", { timeZone: zone }));
  } catch {
    return false;
  }
}

/** A UTC offset at the end of a time text (`…T00:00:00-07:00`, `… 10:00:00 +0530`); `Z` and no offset are not matched. */
const TEXT_OFFSET = /\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*([+-])(\d\d):?(\d\d)\s*$/;

/**
 * Wall-clock times of a text time column whose cells carry UTC offsets, as epoch milliseconds of the
 * local time read as UTC (`2024-03-11T00:00:00-07:00` → 2024-03-11T00:00:00Z); cells without an offset
 * are UTC. Undefined when the column is not text or no cell has an offset.
 */
function offsetWallClock(df: pl.DataFrame, column: string, ms: (number | null)[]): (number | null)[] | undefined {
  const series = columnOf(df, column);
  if (!isTextType(series.dtype)) return undefined;
  const cells = series.toArray() as unknown as (string | null)[];
  let offsets = 0;
  const wall = ms.map((t, i) => {
    const m = t === null ? null : TEXT_OFFSET.exec(cells[i] ?? "");
    if (!m) return t;
    offsets++;
    return (t as number) + (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  });
  return offsets ? wall : undefined;
}

/** UTC times of grid points on the text offsets' wall clock: each row's own instant; a filled point takes the previous point's offset. */
function fromOffsets(wall: Float64Array, keys: (number | null)[], utc: (number | null)[]): number[] {
  const instant = new Map<number, number>();
  keys.forEach((k, i) => k !== null && utc[i] !== null && instant.set(k, utc[i] as number));
  let offset = 0;
  return Array.from(wall, (w) => {
    const t = instant.get(w);
    if (t !== undefined) offset = w - t;
    return t ?? w - offset;
  });
}

/** True when the grid's step (`interval`, else the most common spacing of `t`) is a whole number of days. */
function isWholeDays(t: (number | null)[], interval: number | string | undefined): boolean {
  const sorted = t.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const step = interval === undefined ? mostCommon(sorted.slice(1).map((v, i) => v - sorted[i])) : typeof interval === "number" ? interval : parseDuration(interval, "interval");
  return step > 0 && step % DAY_MS === 0;
}

/** The series on its regular time grid. */
interface Grid {
  times: Float64Array;
  values: Float64Array;
  /** 1 where the point was filled (no time or no value in the input). */
  filled: Uint8Array;
}

/**
 * Sorts the points by time and checks they lie on a regular grid; fills
 * missing points when asked, else throws naming the first one.
 */
function regularGrid(
  timesMs: (number | null)[],
  values: (number | null)[],
  timeColumn: string,
  dataColumn: string,
  fill: GapFill,
  interval: number | string | undefined,
  show: (ms: number) => string = iso,
): Grid {
  const order = timesMs.map((_, i) => i);
  const nullTime = timesMs.findIndex((t) => t === null);
  if (nullTime >= 0) throw new AnalysisError(msg.emptyTime(FN, timeColumn, nullTime));
  const t = timesMs as number[];
  order.sort((a, b) => t[a] - t[b] || a - b);
  for (let i = 1; i < order.length; i++) {
    if (t[order[i]] === t[order[i - 1]]) {
      throw new AnalysisError(msg.duplicateTime(FN, show(t[order[i]]), timeColumn, order[i - 1], order[i]));
    }
  }
  let step: number;
  if (interval !== undefined) {
    step = typeof interval === "number" ? interval : parseDuration(interval, "interval");
    if (!(step > 0) || !Number.isInteger(step)) throw new AnalysisError(msg.invalidNumber(FN, "interval", "a positive whole number of milliseconds", interval));
  } else {
    // The most common spacing, not the smallest: one stray point (00:01 among hourly ones) would make a minute grid,
    // 60 points filled for each real one; off the common grid it is named instead.
    step = mostCommonSpacing(t, order) ?? 1;
  }
  const start = t[order[0]];
  const span = t[order[order.length - 1]] - start;
  const size = Math.floor(span / step) + 1;
  if (size > MAX_GRID_POINTS) {
    throw new AnalysisError(msg.gridTooLarge(FN, formatDuration(step), show(start), show(start + span), size));
  }
  const times = new Float64Array(size);
  // The values on the grid, NaN where there is none (the values are finite or null): a JS array of numbers and
  // nulls held each value boxed, 24 bytes a point.
  const out = new Float64Array(size).fill(Number.NaN);
  for (let i = 0; i < size; i++) times[i] = start + i * step;
  for (const row of order) {
    const offset = t[row] - start;
    if (offset % step !== 0) {
      const off = offGrid(t, order, interval === undefined ? undefined : step) ?? { row, step, start };
      throw new AnalysisError(msg.irregularSeries(FN, timeColumn, show(t[off.row]), formatDuration(off.step), show(off.start)));
    }
    out[offset / step] = values[row] ?? Number.NaN;
  }
  const filled = new Uint8Array(size);
  let missingCount = 0;
  let firstMissing = -1;
  for (let i = 0; i < size; i++) {
    if (!Number.isNaN(out[i])) continue;
    filled[i] = 1;
    if (missingCount++ === 0) firstMissing = i;
  }
  if (missingCount && fill === "error") {
    const gaps = size - order.length;
    const nulls = missingCount - gaps;
    const what = [gaps ? `${gaps} time${gaps === 1 ? "" : "s"} missing from the ${formatDuration(step)} grid` : "", nulls ? `${nulls} empty value${nulls === 1 ? "" : "s"} in "${dataColumn}"` : ""]
      .filter(Boolean)
      .join(" and ");
    throw new AnalysisError(msg.seriesGaps(FN, what, show(times[firstMissing])));
  }
  if (missingCount === size) throw new AnalysisError(msg.noValues(FN, dataColumn));
  if (missingCount) fillMissing(out, fill);
  return { times, values: out, filled };
}

/** Fills the NaN entries of `values` in place. */
function fillMissing(values: Float64Array, fill: GapFill): void {
  const n = values.length;
  if (fill === "zero") {
    for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) values[i] = 0;
    return;
  }
  const first = values.findIndex((v) => !Number.isNaN(v));
  for (let i = 0; i < first; i++) values[i] = values[first];
  let prev = first;
  for (let i = first + 1; i < n; i++) {
    if (!Number.isNaN(values[i])) {
      if (fill === "interpolate" && i - prev > 1) {
        const delta = (values[i] - values[prev]) / (i - prev);
        for (let j = prev + 1; j < i; j++) values[j] = values[prev] + delta * (j - prev);
      }
      prev = i;
    } else if (fill === "previous") {
      values[i] = values[i - 1];
    }
  }
  for (let i = prev + 1; i < n; i++) values[i] = values[prev];
}

/** The most common of `keys`; ties go to the smaller (the finer spacing, the earlier phase). */
function mostCommon(keys: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].reduce((best, [k, c]) => (c > best[1] || (c === best[1] && k < best[0]) ? [k, c] : best), [Infinity, 0])[0];
}

/** The most common spacing between consecutive times (`order`: rows by time); undefined for one time. */
function mostCommonSpacing(t: readonly number[], order: readonly number[]): number | undefined {
  return order.length < 2 ? undefined : mostCommon(order.slice(1).map((row, i) => t[row] - t[order[i]]));
}

/**
 * The point to blame when the times are not on one grid: the grid is the most
 * common spacing (the given interval if any) through the most common phase,
 * so a stray first point (23:59 before hourly ones) is named, not the first
 * regular point after it. Undefined if all fit.
 */
function offGrid(t: number[], order: number[], interval: number | undefined): { row: number; step: number; start: number } | undefined {
  const origin = t[order[0]];
  const step = interval ?? mostCommonSpacing(t, order) ?? Number.NaN;
  if (!(step > 0) || !Number.isFinite(step)) return undefined;
  const phaseOf = (row: number) => (t[row] - origin) % step;
  const phase = mostCommon(order.map(phaseOf));
  const row = order.find((r) => phaseOf(r) !== phase);
  const first = order.find((r) => phaseOf(r) === phase) as number;
  return row === undefined ? undefined : { row, step, start: t[first] };
}

/** Per-point scores and labels. */
interface Scored {
  value: Float64Array;
  residual: Float64Array;
  trend: Float64Array;
  seasonal: Float64Array;
  weights: Float64Array;
  baseline: Float64Array;
  score: Float64Array;
  anomalies: Float64Array;
}

/**
 * Scores and labels from an STL fit's arrays, which it takes over: in
 * `"msticpy"` mode they are truncated in place (copies of the six columns were
 * 4.8 MB more per 100,000 points, alive with the fit's own).
 */
function scoreComponents(
  observed: Float64Array,
  residual: Float64Array,
  trend: Float64Array,
  seasonal: Float64Array,
  weights: Float64Array,
  threshold: number,
  mode: AnomalyMode,
): Scored {
  const n = observed.length;
  const baseline = new Float64Array(n);
  for (let i = 0; i < n; i++) baseline[i] = seasonal[i] + trend[i];
  // Before truncating: the test is on the fit's own floats.
  const flat = isFlat(residual, observed);
  // MSTICPy truncates after computing the baseline on floats.
  if (mode === "msticpy") {
    for (const a of [observed, residual, trend, seasonal, weights, baseline]) {
      for (let i = 0; i < n; i++) a[i] = Number.isNaN(a[i]) ? 0 : Math.trunc(a[i]);
    }
  }
  const score = flat ? new Float64Array(n).fill(Number.NaN) : zScores(residual);
  const anomalies = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // NaN (std 0) compares false both ways: 0, as in MSTICPy.
    const s = score[i];
    if (mode === "msticpy") anomalies[i] = s > threshold ? Math.sign(seasonal[i]) : 0;
    else anomalies[i] = s > threshold ? 1 : s < -threshold ? -1 : 0;
  }
  return { value: observed, residual, trend, seasonal, weights, baseline, score, anomalies };
}

/** True when the residuals' spread is rounding noise (see {@link FLAT_RESIDUAL_TOLERANCE}). */
function isFlat(residual: Float64Array, observed: Float64Array): boolean {
  let magnitude = 0;
  for (const v of observed) magnitude = Math.max(magnitude, Math.abs(v));
  return meanStd(residual).std <= FLAT_RESIDUAL_TOLERANCE * magnitude;
}

/** Mean and population standard deviation. */
function meanStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  if (Number.isFinite(ss) || !Number.isFinite(mean)) return { mean, std: Math.sqrt(ss / n) };
  // Squares past 1e154 overflow (a spike of 1e300 scored 0 everywhere): the same sum, scaled by the largest deviation.
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(values[i] - mean));
  let scaled = 0;
  for (let i = 0; i < n; i++) scaled += ((values[i] - mean) / scale) ** 2;
  return { mean, std: scale * Math.sqrt(scaled / n) };
}

/** (x − mean) / std with the population standard deviation (scipy's `zscore`); NaN when the std is 0. */
export function zScores(values: Float64Array): Float64Array {
  const { mean, std } = meanStd(values);
  return values.map((v) => (v - mean) / std);
}

/**
 * Relabels `anomalies` with a new threshold, as MSTICPy's `set_new_anomaly_threshold`:
 * score ≥ `threshold` → 1, score ≤ −`thresholdLow` (default `threshold`) → −1, else 0.
 * A NaN or empty score (a flat series) is 0, as in pandas, where NaN compares false.
 * The `anomalies` column is replaced where it is, or appended.
 */
export function setNewAnomalyThreshold(df: pl.DataFrame, threshold: number, thresholdLow?: number): pl.DataFrame {
  const fn = "setNewAnomalyThreshold";
  requireFrame(df, fn);
  requireColumn(df, "score", fn, "score column");
  const low = thresholdLow ?? threshold;
  if (!Number.isFinite(threshold) || !Number.isFinite(low)) throw new AnalysisError(msg.invalidOptions(fn, "thresholds must be finite numbers"));
  // As timeseriesAnomaliesStl's scoreThreshold: a score at or above a threshold of 0 or less is every point.
  if (threshold <= 0 || low <= 0) throw new AnalysisError(msg.invalidOptions(fn, `thresholds must be above 0 (a point is an anomaly when its score is at or above the threshold, or at or below minus the low one: ${threshold <= 0 ? threshold : low} flags every point)`));
  // Labelled here, not by a polars expression: polars orders NaN above every number (NaN ≥ 3 is true there).
  const scores = numericValues(df, "score", fn, { infinite: true });
  const labels = pl.Series("anomalies", scores.map((s) => (s === null ? 0 : s >= threshold ? 1 : s <= -low ? -1 : 0)), pl.Int64);
  const names = columnNames(df);
  const columns = names.map((name) => (name === "anomalies" ? labels : columnOf(df, name)));
  return frameOf(names.includes("anomalies") ? columns : [...columns, labels]);
}

/** A time range holding anomalies. */
export interface AnomalyPeriod {
  start: Date;
  end: Date;
}

/** Options of `extractAnomalyPeriods`. */
export interface AnomalyPeriodOptions {
  /** Time column. Default `"TimeGenerated"`. */
  timeColumn?: string;
  /** Anomaly label column. Default `"anomalies"`. */
  anomaliesColumn?: string;
  /** Granularity: anomalies are bucketed by it and each bucket widened by it on both sides. Default `"1h"`. */
  period?: string | number;
  /** Only spikes (1); false takes dips (−1) too. Default true. */
  posOnly?: boolean;
  /**
   * Where warnings go: text times in slash dates that read either way (`05/06/2026`), read month first as the
   * readers read them (dates a day past the 12th proves day first are read day first). Default: printed.
   */
  warn?: (message: string) => void;
}

/**
 * Merges adjacent anomalies into time ranges, as MSTICPy's
 * `extract_anomaly_periods`: anomalous points are bucketed by `period`
 * (buckets aligned on midnight of the first anomaly's day, in the time
 * column's zone, UTC without one; a period of whole days is calendar days
 * in that zone, 23 or 25 hours long across a daylight-saving change, as
 * pandas resamples a zoned index); each bucket becomes (t − period,
 * t + period), and a bucket within 2 × period of the previous one extends
 * the current range.
 */
export function extractAnomalyPeriods(df: pl.DataFrame, options: AnomalyPeriodOptions = {}): AnomalyPeriod[] {
  const fn = "extractAnomalyPeriods";
  requireFrame(df, fn);
  requireOptions(options, { timeColumn: true, anomaliesColumn: true, period: true, posOnly: true, warn: true }, fn);
  const timeColumn = options.timeColumn ?? "TimeGenerated";
  const anomaliesColumn = options.anomaliesColumn ?? "anomalies";
  requireColumn(df, timeColumn, fn, "timeColumn");
  requireColumn(df, anomaliesColumn, fn, "anomaliesColumn");
  const period = typeof options.period === "number" ? options.period : parseDuration(options.period ?? "1h", "period");
  if (!(period > 0)) throw new AnalysisError(msg.invalidOptions(fn, "period must be positive"));
  const wanted = boolOption(options.posOnly, "posOnly", fn, true) ? [1] : [1, -1];
  const labels = numericValues(df, anomaliesColumn, fn);
  const { ms: times, timeZone } = timeValues(df, timeColumn, fn, { warn: options.warn });
  const hits = times.filter((t, i): t is number => t !== null && labels[i] !== null && wanted.includes(labels[i] as number)).sort((a, b) => a - b);
  if (!hits.length) return [];
  // pandas' resample starts at midnight of the first day in the column's zone: in India (+05:30) an
  // hourly point of 16:00 local is 10:30 UTC, and a UTC bucket (10:00 to 11:00) would cut its hour in half.
  const zone = timeZone && timeZone !== "UTC" ? timeZone : undefined;
  let buckets: number[];
  if (zone && period % DAY_MS === 0) {
    // Whole days are calendar days on the zone's wall clock, as pandas resamples a zoned index by `D`: a
    // fixed 24 h grid from a winter midnight put every later bucket an hour off after the change to summer time.
    const wall = wallClock(hits, zone) as number[];
    const originWall = Math.floor(wall[0] / DAY_MS) * DAY_MS;
    const walls = [...new Set(wall.map((w) => originWall + Math.floor((w - originWall) / period) * period))];
    buckets = fromWallClock(Float64Array.from(walls), zone);
  } else {
    const origin = zone
      ? fromWallClock(Float64Array.of(Math.floor((wallClock([hits[0]], zone)[0] as number) / DAY_MS) * DAY_MS), zone)[0]
      : Math.floor(hits[0] / DAY_MS) * DAY_MS;
    buckets = [...new Set(hits.map((t) => origin + Math.floor((t - origin) / period) * period))];
  }
  const periods: AnomalyPeriod[] = [];
  let last: number | undefined;
  for (const time of buckets) {
    if (last !== undefined && time - last <= 2 * period) {
      periods[periods.length - 1].end = new Date(time + period);
    } else {
      periods.push({ start: new Date(time - period), end: new Date(time + period) });
    }
    last = time;
  }
  return periods;
}

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the range of KQL's datetime. */
const KQL_MIN_MS = -62_135_596_800_000;
const KQL_END_MS = 253_402_300_800_000;

/** Options of `createTimePeriodKqlFilter`. */
export interface KqlFilterOptions {
  /** Column the filter tests. Default `"TimeGenerated"`. */
  timeColumn?: string;
}

/**
 * A KQL `where` clause selecting the periods:
 * `| where TimeGenerated between (datetime(…) .. datetime(…)) or …`.
 * Times are ISO 8601 UTC (MSTICPy writes Python's `2020-07-10 17:00:00+00:00`; KQL reads both).
 */
export function createTimePeriodKqlFilter(periods: readonly AnomalyPeriod[], options: KqlFilterOptions = {}): string {
  requireOptions(options, { timeColumn: true }, "createTimePeriodKqlFilter");
  const timeColumn: unknown = options.timeColumn ?? "TimeGenerated";
  if (typeof timeColumn !== "string" || timeColumn === "") throw new AnalysisError(msg.invalidChoice("createTimePeriodKqlFilter", "timeColumn", "a column name", timeColumn));
  const column = kqlColumn(timeColumn);
  if (!Array.isArray(periods)) throw new AnalysisError(msg.invalidOptions("createTimePeriodKqlFilter", `periods must be a list of { start, end } (extractAnomalyPeriods' result); got ${quoteValue(periods)}`));
  if (!periods.length) throw new AnalysisError(msg.noPeriods());
  const time = (p: AnomalyPeriod, end: "start" | "end", i: number): string => {
    const value: unknown = p?.[end];
    const ms = value instanceof Date ? value.getTime() : Number.NaN;
    // KQL's datetimes run from year 1 to 9999; JS would write year 10000 as `+010000-…`.
    if (!(ms >= KQL_MIN_MS && ms < KQL_END_MS)) {
      const got = value instanceof Date ? (Number.isNaN(ms) ? "an invalid Date" : iso(ms)) : quoteValue(value);
      throw new AnalysisError(msg.invalidOptions("createTimePeriodKqlFilter", `periods[${i}].${end} must be a Date from year 1 to 9999; got ${got}`));
    }
    return iso(ms);
  };
  const clauses = periods.map((p, i) => `${column} between (datetime(${time(p, "start", i)}) .. datetime(${time(p, "end", i)}))`);
  return `| where ${clauses.join(" or ")}`;
}

/**
 * A KQL column reference: bare when it is an identifier with a capital letter (KQL's keywords, which
 * would need brackets, are all lower case: `where`, `time`, `between`), else `['name']` with backslash,
 * quote and control characters escaped, so the name cannot end the literal or the line.
 */
function kqlColumn(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && /[A-Z]/.test(name)) return name;
  const escaped = name.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (ch) =>
    ch === "\\" || ch === "'" ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `['${escaped}']`;
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  t: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of a duration such as `"1h"`, `"1H"`, `"15min"`, `"30T"`, `"2d"`, `"500ms"` (pandas-style units, case-insensitive; `"M"`, pandas' month, is refused). */
export function parseDuration(text: string, what = "duration"): number {
  // Trimmed first: blanks on both sides of the pattern let a long run of spaces be split every way (quadratic).
  const match = /^(\d+(?:\.\d+)?)?\s*([A-Za-z]+)$/.exec(String(text).trim());
  // Case-insensitive but for pandas' month, `M`: read as `m` it silently meant a minute.
  if (match?.[2] === "M") throw new AnalysisError(msg.monthDuration(what, text));
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new AnalysisError(msg.notADuration(what, text));
  }
  return Math.round(Number(match[1] ?? "1") * unit);
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** ISO 8601 UTC, without milliseconds when they are zero. */
function iso(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith(".000Z") ? `${text.slice(0, -5)}Z` : text;
}
