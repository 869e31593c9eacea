/**
 * The LOESS smoothers STL is built from (Cleveland et al. 1990, section 3 and
 * the appendix): a tricube-weighted local fit of degree 0 or 1 at one point,
 * and a smoother that evaluates it along a series, optionally every `jump`
 * points with linear interpolation in between.
 *
 * Positions follow the paper's (and the reference code's) 1-based numbering:
 * point `i` of a series is `y[i - 1]`, and a fit may be asked for at position
 * 0 or n + 1 (STL's seasonal smoother extrapolates one cycle either side).
 * Keeping that numbering keeps the arithmetic in the same order as
 * statsmodels', so results agree to rounding.
 */

/** Arrays the smoothers read; typed arrays and their `subarray` views are the usual arguments. */
export type NumericArray = Float64Array;

/**
 * The local fit at position `xs` (1-based, may be outside 1..n) from the
 * points `nleft..nright` (1-based, inclusive).
 *
 * @param y the series.
 * @param n number of points of `y` in use (the fit's range is n - 1).
 * @param len the smoother's span q: the bandwidth grows by (len - n) / 2 when q exceeds n.
 * @param degree 0 (local constant) or 1 (local line).
 * @param weights workspace of at least `nright` entries; on return it holds the fit's weights.
 * @param robustWeights per-point robustness weights, used when `useRobustWeights`.
 * @returns the fitted value, or NaN when every weight is zero (the caller substitutes a value).
 */
export function loessEstimate(
  y: NumericArray,
  n: number,
  len: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  weights: NumericArray,
  useRobustWeights: boolean,
  robustWeights: NumericArray,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let total = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    let w = 0;
    if (r <= h9) {
      if (r <= h1) {
        w = 1;
      } else {
        const q = r / h;
        const t = 1 - q * q * q;
        w = t * t * t;
      }
      if (useRobustWeights) w *= robustWeights[j - 1];
      total += w;
    }
    weights[j - 1] = w;
  }
  if (total <= 0) return Number.NaN;
  for (let j = nleft; j <= nright; j++) weights[j - 1] /= total;
  if (h > 0 && degree > 0) {
    // Local line: re-weight by (1 + b (j - mean)), b the slope factor of a weighted least-squares fit.
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += weights[j - 1] * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) {
      const d = j - mean;
      c += weights[j - 1] * d * d;
    }
    // A degenerate spread (all weight on one point) keeps the local constant.
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) weights[j - 1] *= b * (j - mean) + 1;
    }
  }
  let fitted = 0;
  for (let j = nleft; j <= nright; j++) fitted += weights[j - 1] * y[j - 1];
  return fitted;
}

/**
 * LOESS-smooths `y[0..n-1]` into `out[0..n-1]` with span `len` (odd), fitting
 * every `jump` points and interpolating linearly in between. Where a fit has no
 * weight (all robustness weights zero), the point's own value is kept.
 *
 * @param workspace at least n entries, overwritten.
 */
export function loessSmooth(
  y: NumericArray,
  n: number,
  len: number,
  degree: number,
  jump: number,
  useRobustWeights: boolean,
  robustWeights: NumericArray,
  out: NumericArray,
  workspace: NumericArray,
): void {
  if (n < 2) {
    out[0] = y[0];
    return;
  }
  const step = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  // Without robustness weights a fit's weights depend only on where the point
  // sits in its window, so they are computed once per window shape and reused
  // (a sliding window has one shape away from the ends): ~5x fewer operations.
  const cache = useRobustWeights ? undefined : new Map<number, Float64Array | null>();
  const fitAt = (i: number): void => {
    let v: number;
    if (cache) {
      const key = (i + 1 - nleft) * (n + 1) + (nright - nleft);
      const weights = cache.get(key);
      if (weights === undefined) {
        v = loessEstimate(y, n, len, degree, i + 1, nleft, nright, workspace, false, robustWeights);
        cache.set(key, Number.isNaN(v) ? null : workspace.slice(nleft - 1, nright));
      } else if (weights === null) {
        v = Number.NaN;
      } else {
        v = 0;
        for (let j = 0, base = nleft - 1; j < weights.length; j++) v += weights[j] * y[base + j];
      }
    } else {
      v = loessEstimate(y, n, len, degree, i + 1, nleft, nright, workspace, true, robustWeights);
    }
    out[i] = Number.isNaN(v) ? y[i] : v;
  };
  if (len >= n) {
    // The window is the whole series.
    nleft = 1;
    nright = n;
    for (let i = 0; i < n; i += step) fitAt(i);
  } else if (step === 1) {
    // Slide a window of `len` points, centred where it can be.
    const half = (len + 1) >> 1;
    nleft = 1;
    nright = len;
    for (let i = 0; i < n; i++) {
      if (i + 1 > half && nright !== n) {
        nleft += 1;
        nright += 1;
      }
      fitAt(i);
    }
  } else {
    const half = (len + 1) >> 1;
    for (let i = 0; i < n; i += step) {
      if (i + 1 < half) {
        nleft = 1;
        nright = len;
      } else if (i + 1 >= n - half + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i + 1 - half + 1;
        nright = len + i + 1 - half;
      }
      fitAt(i);
    }
  }
  if (step === 1) return;
  for (let i = 0; i < n - step; i += step) {
    const delta = (out[i + step] - out[i]) / step;
    for (let j = i + 1; j < i + step; j++) out[j] = out[i] + delta * (j - i);
  }
  // The last point is fitted too when the jumps do not land on it (with the last window used).
  const k = Math.floor((n - 1) / step) * step + 1;
  if (k !== n) {
    fitAt(n - 1);
    if (k !== n - 1) {
      const delta = (out[n - 1] - out[k - 1]) / (n - k);
      for (let j = k; j < n; j++) out[j] = out[k - 1] + delta * (j + 1 - k);
    }
  }
}

/** Moving average of span `len` over `x[0..n-1]`: n - len + 1 values into `out` (a running sum, as the reference code). */
export function movingAverage(x: NumericArray, n: number, len: number, out: NumericArray): void {
  const count = n - len + 1;
  let sum = 0;
  for (let i = 0; i < len; i++) sum += x[i];
  out[0] = sum / len;
  for (let j = 1, k = len, m = 0; j < count; j++, k++, m++) {
    sum += x[k] - x[m];
    out[j] = sum / len;
  }
}
