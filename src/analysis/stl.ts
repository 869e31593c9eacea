/**
 * STL: Seasonal-Trend decomposition using LOESS (R. B. Cleveland, W. S.
 * Cleveland, J. E. McRae and I. Terpenning, 1990, Journal of Official
 * Statistics 6(1), 3–73).
 *
 * The series is split into trend + seasonal + residual by alternating
 * smoothers: the inner loop smooths each cycle-subseries (all the 1 a.m.
 * values, all the 2 a.m. values, …) with LOESS, removes the low-frequency
 * leakage with a low-pass filter (three moving averages and a LOESS), then
 * smooths the deseasonalised series into the trend. The outer loop (robust
 * mode) down-weights points with large residuals by bisquare weights and runs
 * the inner loop again.
 *
 * Parameters and defaults are statsmodels' `STL` (which MSTICPy calls), so the
 * results agree with it to rounding; see test/analysis/fixtures/stl.json.
 */
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";
import { loessEstimate, loessSmooth, movingAverage } from "./loess";

/** Options of `stl`. Lengths are numbers of points; all must be odd. */
export interface StlOptions {
  /** Samples per seasonal cycle (24 for hourly data with a daily cycle). Required, ≥ 2. */
  period: number;
  /** Length of the seasonal (cycle-subseries) smoother: odd, ≥ 3. Default 7. */
  seasonal?: number;
  /** Length of the trend smoother: odd, > period. Default: the smallest odd integer ≥ 1.5 · period / (1 − 1.5 / seasonal). */
  trend?: number;
  /** Length of the low-pass filter: odd, > period. Default: the smallest odd integer > period. */
  lowPass?: number;
  /** Degree of the seasonal LOESS: 0 (constant) or 1 (line). Default 1. */
  seasonalDeg?: number;
  /** Degree of the trend LOESS. Default 1. */
  trendDeg?: number;
  /** Degree of the low-pass LOESS. Default 1. */
  lowPassDeg?: number;
  /** Fit the seasonal LOESS every `seasonalJump` points and interpolate in between. Default 1 (every point). */
  seasonalJump?: number;
  /** Jump of the trend LOESS. Default 1. */
  trendJump?: number;
  /** Jump of the low-pass LOESS. Default 1. */
  lowPassJump?: number;
  /** Robust fitting: bisquare weights from the residuals, refitted in outer iterations. Default false. */
  robust?: boolean;
  /** Passes of the inner loop. Default 2 when robust, else 5 (statsmodels' `fit()`). */
  innerIter?: number;
  /** Robustness (outer) iterations. Default 15 when robust, else 0. */
  outerIter?: number;
}

/** The settings an STL fit used, every default resolved. */
export interface StlConfig {
  period: number;
  seasonal: number;
  trend: number;
  lowPass: number;
  seasonalDeg: number;
  trendDeg: number;
  lowPassDeg: number;
  seasonalJump: number;
  trendJump: number;
  lowPassJump: number;
  robust: boolean;
  innerIter: number;
  outerIter: number;
}

/** The decomposition: `observed = trend + seasonal + residual`, point by point. */
export interface StlResult {
  observed: Float64Array;
  trend: Float64Array;
  seasonal: Float64Array;
  residual: Float64Array;
  /** Robustness weights of the last inner loop (all 1 unless robust). */
  weights: Float64Array;
  config: StlConfig;
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

function checkOdd(name: string, value: number, min: number, period: number, needAbovePeriod: boolean): number {
  if (!isPositiveInt(value) || value % 2 !== 1 || value < min || (needAbovePeriod && value <= period)) {
    const above = needAbovePeriod ? ` and greater than period (${period})` : "";
    throw new AnalysisError(msg.stlOption(name, `an odd integer ≥ ${min}${above}`, value));
  }
  return value;
}

function checkDegree(name: string, value: number): number {
  if (value !== 0 && value !== 1) throw new AnalysisError(msg.stlOption(name, "0 or 1", value));
  return value;
}

function checkPositive(name: string, value: number, allowZero = false): number {
  const ok = typeof value === "number" && Number.isInteger(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) throw new AnalysisError(msg.stlOption(name, `a ${allowZero ? "non-negative" : "positive"} integer`, value));
  return value;
}

/** Resolves STL's defaults and validates every setting (statsmodels' rules). */
export function stlConfig(options: StlOptions): StlConfig {
  const period = options.period;
  if (!isPositiveInt(period) || period < 2) {
    throw new AnalysisError(msg.stlOption("period", "an integer ≥ 2 (samples per seasonal cycle)", period));
  }
  const seasonal = checkOdd("seasonal", options.seasonal ?? 7, 3, period, false);
  let trend = options.trend;
  if (trend === undefined) {
    trend = Math.ceil((1.5 * period) / (1 - 1.5 / seasonal));
    if (trend % 2 === 0) trend += 1;
  }
  checkOdd("trend", trend, 3, period, true);
  let lowPass = options.lowPass;
  if (lowPass === undefined) {
    lowPass = period + 1;
    if (lowPass % 2 === 0) lowPass += 1;
  }
  checkOdd("lowPass", lowPass, 3, period, true);
  const robust = options.robust ?? false;
  if (typeof robust !== "boolean") throw new AnalysisError(msg.stlOption("robust", "true or false", robust));
  return {
    period,
    seasonal,
    trend,
    lowPass,
    seasonalDeg: checkDegree("seasonalDeg", options.seasonalDeg ?? 1),
    trendDeg: checkDegree("trendDeg", options.trendDeg ?? 1),
    lowPassDeg: checkDegree("lowPassDeg", options.lowPassDeg ?? 1),
    seasonalJump: checkPositive("seasonalJump", options.seasonalJump ?? 1),
    trendJump: checkPositive("trendJump", options.trendJump ?? 1),
    lowPassJump: checkPositive("lowPassJump", options.lowPassJump ?? 1),
    robust,
    innerIter: checkPositive("innerIter", options.innerIter ?? (robust ? 2 : 5)),
    outerIter: checkPositive("outerIter", options.outerIter ?? (robust ? 15 : 0), true),
  };
}

/**
 * Working arrays of one fit: three rows of n + 2·period (the reference code
 * has five; the other two held only short cycle-subseries and a LOESS
 * workspace, which now borrow the trend and seasonal arrays while those are
 * free: 1.6 MB less per 100,000 points, results identical).
 */
interface Work {
  /** y − trend, then scratch, then the low-pass result, then y − seasonal; the fit in robust mode. */
  w0: Float64Array;
  /** The cycle-subseries smooth, one cycle longer at each end; sorted residuals in robust mode. */
  w1: Float64Array;
  /** A cycle-subseries and its smooth, then the moving averages, then the trend LOESS's workspace. */
  w2: Float64Array;
}

/**
 * Decomposes `values` (finite numbers, equally spaced, at least two periods)
 * into trend, seasonal and residual.
 */
export function stl(values: ArrayLike<number>, options: StlOptions): StlResult {
  const config = stlConfig(options);
  const n = values.length;
  const np = config.period;
  if (n < 2 * np) {
    throw new AnalysisError(msg.stlTooShort(n, np));
  }
  const y = Float64Array.from(values);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new AnalysisError(msg.stlNotFinite(i, values[i]));
  }
  const trend = new Float64Array(n);
  const season = new Float64Array(n);
  const rw = new Float64Array(n).fill(1);
  const size = n + 2 * np;
  const work: Work = {
    w0: new Float64Array(size),
    w1: new Float64Array(size),
    w2: new Float64Array(size),
  };
  let useRw = false;
  // The size of the values, for the floor of the robustness weights' scale (see robustnessWeights).
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(y[i]));
  for (let k = 0; ; k++) {
    innerLoop(y, config, useRw, rw, season, trend, work);
    if (k + 1 > config.outerIter) break;
    for (let i = 0; i < n; i++) work.w0[i] = trend[i] + season[i];
    robustnessWeights(y, work.w0, rw, work.w1, scale);
    useRw = true;
  }
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = y[i] - season[i] - trend[i];
  return { observed: y, trend, seasonal: season, residual, weights: rw, config };
}

/** One run of the inner loop (`innerIter` passes): seasonal then trend smoothing. */
function innerLoop(
  y: Float64Array,
  c: StlConfig,
  useRw: boolean,
  rw: Float64Array,
  season: Float64Array,
  trend: Float64Array,
  work: Work,
): void {
  const n = y.length;
  const np = c.period;
  for (let pass = 0; pass < c.innerIter; pass++) {
    // 1. Detrend.
    for (let i = 0; i < n; i++) work.w0[i] = y[i] - trend[i];
    // 2. Cycle-subseries smoothing into w1 (n + 2·np points). The trend (read in step 1, written in step 6) and
    // the seasonal part (written in step 4) are free until then: they hold the subseries' weights and workspaces.
    cycleSubseries(work.w0, n, c, useRw, rw, work.w1, work.w2, trend, season);
    // 3. Low-pass filter of the subseries smooth: moving averages (np, np, 3), then LOESS (no robustness weights: rw is not read).
    lowPassAverages(work.w1, n, np, work.w2, work.w0);
    loessSmooth(work.w2, n, c.lowPass, c.lowPassDeg, c.lowPassJump, false, rw, work.w0, season);
    // 4. Detrend the subseries smooth: the seasonal component. 5. Deseasonalise.
    for (let i = 0; i < n; i++) {
      season[i] = work.w1[np + i] - work.w0[i];
      work.w0[i] = y[i] - season[i];
    }
    // 6. Trend smoothing.
    loessSmooth(work.w0, n, c.trend, c.trendDeg, c.trendJump, useRw, rw, trend, work.w2);
  }
}

/**
 * Smooths each cycle-subseries of `y` and extends it by one point at each end;
 * the result, in time order, fills `out[0 .. n + 2·np - 1]`. `pair` holds a
 * subseries and its smooth (2·k + 2 ≤ n + 2·np entries), `subRw` its
 * robustness weights and `scratch` the LOESS workspace (k entries each).
 */
function cycleSubseries(
  y: Float64Array,
  n: number,
  c: StlConfig,
  useRw: boolean,
  rw: Float64Array,
  out: Float64Array,
  pair: Float64Array,
  subRw: Float64Array,
  scratch: Float64Array,
): void {
  const np = c.period;
  const ns = c.seasonal;
  // The longest subseries (the first) has k0 points: its smooth starts after it.
  const k0 = Math.floor((n - 1) / np) + 1;
  const sub = pair.subarray(0, k0);
  const smooth = pair.subarray(k0, 2 * k0 + 2);
  for (let j = 0; j < np; j++) {
    const k = Math.floor((n - (j + 1)) / np) + 1;
    for (let i = 0; i < k; i++) sub[i] = y[i * np + j];
    if (useRw) for (let i = 0; i < k; i++) subRw[i] = rw[i * np + j];
    // smooth[1..k] = the subseries smooth; smooth[0] and smooth[k + 1] extrapolate a cycle either way.
    loessSmooth(sub, k, ns, c.seasonalDeg, c.seasonalJump, useRw, subRw, smooth.subarray(1), scratch);
    const before = loessEstimate(sub, k, ns, c.seasonalDeg, 0, 1, Math.min(ns, k), scratch, useRw, subRw);
    smooth[0] = Number.isNaN(before) ? smooth[1] : before;
    const after = loessEstimate(sub, k, ns, c.seasonalDeg, k + 1, Math.max(1, k - ns + 1), k, scratch, useRw, subRw);
    smooth[k + 1] = Number.isNaN(after) ? smooth[k] : after;
    for (let m = 0; m < k + 2; m++) out[m * np + j] = smooth[m];
  }
}

/** The low-pass filter's moving averages: spans np, np and 3 over n + 2·np points leave n values in `out`. */
function lowPassAverages(x: Float64Array, n: number, np: number, out: Float64Array, scratch: Float64Array): void {
  const len = n + 2 * np;
  movingAverage(x, len, np, out);
  movingAverage(out, len - np + 1, np, scratch);
  movingAverage(scratch, len - 2 * np + 2, 3, out);
}

/** The floor of the median |residual|, relative to the largest |value| (far above rounding, 1e-16, far below any real spread). */
const MEDIAN_FLOOR = 1e-9;

/**
 * Bisquare robustness weights from the residuals `y - fit`: h = 6 × median
 * |residual|; weight (1 − (r/h)²)² below h, 0 above (1 where r is tiny).
 * `scratch`: at least n entries, overwritten. `scale`: the largest |y|.
 *
 * When most points fit exactly (a constant or a clean cycle with a few spikes: counts that are mostly 0), the median
 * |residual| is 0 or rounding noise (1e-15 of the values). statsmodels then sets every weight to 1 (the spikes pull the
 * seasonal as without `robust`: a spike of 100 on a level left a residual of 0 or 68.6) or, at noise level, weighs
 * points by their rounding errors. Here a median at or below 1e-9 × `scale` gives way to the mean |residual| (above
 * 0 whenever some point does not fit): rounding-level residuals weigh 1 and the spikes 0, as R's
 * `stl(robust = TRUE)` (the original Fortran) gives the exact fits 1 and the other points 0. When the mean is at
 * rounding level too, every weight is 1. A median above the floor (every real series: the statsmodels fixtures)
 * is used as it is.
 */
function robustnessWeights(y: Float64Array, fit: Float64Array, rw: Float64Array, scratch: Float64Array, scale: number): void {
  const n = y.length;
  for (let i = 0; i < n; i++) rw[i] = Math.abs(y[i] - fit[i]);
  // Sorted in a work array: a copy per outer iteration was another n values.
  const sorted = scratch.subarray(0, n);
  sorted.set(rw);
  sorted.sort();
  const m0 = Math.floor(n / 2);
  const m1 = n - m0 - 1;
  const floor = 6 * MEDIAN_FLOOR * scale;
  let cmad = 3 * (sorted[m0] + sorted[m1]);
  if (cmad <= floor) {
    // Most points fit exactly: the mean |residual| instead, above the floor whenever some residual is not rounding.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rw[i];
    cmad = (6 * sum) / n;
  }
  // Every residual 0 or rounding (a constant, a clean cycle): no spread to weigh by.
  if (cmad <= floor) {
    rw.fill(1);
    return;
  }
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const r = rw[i];
    if (r <= c1) rw[i] = 1;
    else if (r <= c9) {
      const q = r / cmad;
      const t = 1 - q * q;
      rw[i] = t * t;
    } else rw[i] = 0;
  }
}
