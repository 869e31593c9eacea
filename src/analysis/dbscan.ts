/**
 * DBSCAN (Ester, Kriegel, Sander & Xu, 1996) over a k-d tree, labelling as
 * scikit-learn's `DBSCAN` does (which MSTICPy calls):
 * - a point is *core* when at least `minSamples` points (itself included) lie
 *   within distance `eps` (Euclidean, `≤ eps`);
 * - clusters are grown from core points taken in row order and numbered from 0
 *   in that order; a border point (not core, within eps of a core point) joins
 *   the first cluster that reaches it; everything else is noise (−1).
 *
 * The tree keeps, per node, a bounding box (whole boxes inside the eps ball
 * are counted without visiting their points) and the number of points not yet
 * labelled (labelled subtrees are skipped while clusters grow), so dense data
 * and exact duplicates stay cheap.
 */
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";

/** Rows × dims numbers, row-major. */
export interface FeatureMatrix {
  data: Float64Array;
  rows: number;
  dims: number;
}

/** Options of `dbscan`. */
export interface DbscanOptions {
  /** Neighbourhood radius (Euclidean). Required, > 0. */
  eps: number;
  /** Points (the point itself included) a neighbourhood needs to make a core point. Default 5 (scikit-learn's). */
  minSamples?: number;
}

/** Labels and core points. */
export interface DbscanResult {
  /** Cluster per row, numbered from 0 in order of discovery; −1 for noise. */
  labels: Int32Array;
  /** Row numbers of the core points, ascending (scikit-learn's `core_sample_indices_`). */
  coreSampleIndices: number[];
  /** Number of clusters (noise excluded). */
  clusterCount: number;
}

/** Builds a matrix from rows of equal length. */
export function featureMatrix(rows: readonly (readonly number[])[]): FeatureMatrix {
  const dims = rows.length ? rows[0].length : 0;
  const data = new Float64Array(rows.length * dims);
  rows.forEach((row, i) => {
    if (row.length !== dims) throw new AnalysisError(msg.matrixRowLength(i, row.length, dims));
    for (let d = 0; d < dims; d++) data[i * dims + d] = row[d];
  });
  return { data, rows: rows.length, dims };
}

/**
 * Scales each row to unit Euclidean length (scikit-learn's `Normalizer`, the
 * default "l2"): only the proportions within a row remain. All-zero rows stay zero.
 */
export function normalizeRows(m: FeatureMatrix): FeatureMatrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.dims;
    let ss = 0;
    for (let d = 0; d < m.dims; d++) ss += m.data[base + d] * m.data[base + d];
    const norm = ss === 0 ? 1 : Math.sqrt(ss);
    for (let d = 0; d < m.dims; d++) out[base + d] = m.data[base + d] / norm;
  }
  return { data: out, rows: m.rows, dims: m.dims };
}

/** Points per leaf: small enough to prune well, big enough to keep the tree shallow. */
const LEAF_SIZE = 16;

/** A static k-d tree over the rows of a matrix. */
class KdTree {
  /** Row numbers, permuted so every node covers a contiguous range. */
  readonly index: Int32Array;
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly parent: number[] = [];
  /** Per node: min then max of each dimension. */
  lo: Float64Array;
  hi: Float64Array;
  /** Per row: its leaf. */
  readonly leafOf: Int32Array;
  /** Per node: rows not yet labelled. */
  unlabelled: Int32Array = new Int32Array(0);

  constructor(private readonly m: FeatureMatrix) {
    this.index = new Int32Array(m.rows);
    for (let i = 0; i < m.rows; i++) this.index[i] = i;
    this.leafOf = new Int32Array(m.rows);
    const capacity = Math.max(1, Math.ceil((2 * m.rows) / LEAF_SIZE) * 2 + 1);
    this.lo = new Float64Array(capacity * m.dims);
    this.hi = new Float64Array(capacity * m.dims);
    if (m.rows > 0) this.build(0, m.rows, -1);
    this.unlabelled = new Int32Array(this.start.length);
    for (let node = 0; node < this.start.length; node++) this.unlabelled[node] = this.end[node] - this.start[node];
  }

  private grow(node: number): void {
    const needed = (node + 1) * this.m.dims;
    if (needed <= this.lo.length) return;
    const lo = new Float64Array(needed * 2);
    const hi = new Float64Array(needed * 2);
    lo.set(this.lo);
    hi.set(this.hi);
    this.lo = lo;
    this.hi = hi;
  }

  /** Builds the node over index[from, to) iteratively (no recursion limit on skewed data). */
  private build(from: number, to: number, parentNode: number): void {
    const stack: [number, number, number, boolean][] = [[from, to, parentNode, false]];
    const { data, dims } = this.m;
    while (stack.length) {
      const [s, e, parent, isRight] = stack.pop() as [number, number, number, boolean];
      const node = this.start.length;
      this.start.push(s);
      this.end.push(e);
      this.left.push(-1);
      this.right.push(-1);
      this.parent.push(parent);
      if (parent >= 0) {
        if (isRight) this.right[parent] = node;
        else this.left[parent] = node;
      }
      this.grow(node);
      // Bounding box.
      let widest = 0;
      let widestExtent = -1;
      for (let d = 0; d < dims; d++) {
        let min = Infinity;
        let max = -Infinity;
        for (let k = s; k < e; k++) {
          const v = data[this.index[k] * dims + d];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        this.lo[node * dims + d] = min;
        this.hi[node * dims + d] = max;
        if (max - min > widestExtent) {
          widestExtent = max - min;
          widest = d;
        }
      }
      // A leaf when small, or when every point is the same (duplicates need no split).
      if (e - s <= LEAF_SIZE || widestExtent <= 0) {
        for (let k = s; k < e; k++) this.leafOf[this.index[k]] = node;
        continue;
      }
      const mid = (s + e) >> 1;
      this.select(s, e - 1, mid, widest);
      stack.push([mid, e, node, true], [s, mid, node, false]);
    }
  }

  /** Quickselect: puts the k-th smallest (by dimension d) of index[lo..hi] at k. */
  private select(lo: number, hi: number, k: number, d: number): void {
    const { data, dims } = this.m;
    const idx = this.index;
    const key = (i: number) => data[idx[i] * dims + d];
    while (hi > lo) {
      // Median of three as pivot: robust to sorted input.
      const m = (lo + hi) >> 1;
      const a = key(lo);
      const b = key(m);
      const c = key(hi);
      const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (key(i) < pivot) i++;
        while (key(j) > pivot) j--;
        if (i <= j) {
          const t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /** Squared distances from row q to the nearest and farthest points of node's box. */
  private boxDistances(node: number, q: number): [number, number] {
    const { data, dims } = this.m;
    let near = 0;
    let far = 0;
    for (let d = 0; d < dims; d++) {
      const v = data[q * dims + d];
      const lo = this.lo[node * dims + d];
      const hi = this.hi[node * dims + d];
      const below = lo - v;
      const above = v - hi;
      const gap = below > 0 ? below : above > 0 ? above : 0;
      near += gap * gap;
      const span = Math.max(Math.abs(v - lo), Math.abs(hi - v));
      far += span * span;
    }
    return [near, far];
  }

  private dist2(a: number, b: number): number {
    const { data, dims } = this.m;
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const diff = data[a * dims + d] - data[b * dims + d];
      s += diff * diff;
    }
    return s;
  }

  /** Points within eps of row q (itself included), counting no further than `limit`. */
  countWithin(q: number, eps2: number, limit: number): number {
    let count = 0;
    const stack = [0];
    while (stack.length) {
      const node = stack.pop() as number;
      const [near, far] = this.boxDistances(node, q);
      if (near > eps2) continue;
      if (far <= eps2) {
        count += this.end[node] - this.start[node];
      } else if (this.left[node] < 0) {
        for (let k = this.start[node]; k < this.end[node]; k++) if (this.dist2(q, this.index[k]) <= eps2) count++;
      } else {
        stack.push(this.right[node], this.left[node]);
      }
      if (count >= limit) return count;
    }
    return count;
  }

  /** Calls `visit` for every not-yet-labelled row within eps of row q. */
  forUnlabelledWithin(q: number, eps2: number, labels: Int32Array, visit: (row: number) => void): void {
    const stack = [0];
    while (stack.length) {
      const node = stack.pop() as number;
      if (this.unlabelled[node] === 0) continue;
      const [near, far] = this.boxDistances(node, q);
      if (near > eps2) continue;
      if (this.left[node] < 0) {
        for (let k = this.start[node]; k < this.end[node]; k++) {
          const row = this.index[k];
          if (labels[row] === -1 && (far <= eps2 || this.dist2(q, row) <= eps2)) visit(row);
        }
      } else {
        stack.push(this.right[node], this.left[node]);
      }
    }
  }

  /** Records that a row got a label. */
  markLabelled(row: number): void {
    for (let node = this.leafOf[row]; node >= 0; node = this.parent[node]) this.unlabelled[node]--;
  }
}

/** Clusters the rows of `m` with DBSCAN. */
export function dbscan(m: FeatureMatrix, options: DbscanOptions): DbscanResult {
  const eps = options.eps;
  const minSamples = options.minSamples ?? 5;
  if (typeof eps !== "number" || !(eps > 0) || !Number.isFinite(eps)) throw new AnalysisError(msg.invalidNumber("dbscan", "eps", "a positive number", eps));
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new AnalysisError(msg.invalidNumber("dbscan", "minSamples", "a positive integer", minSamples));
  if (m.data.length !== m.rows * m.dims) throw new AnalysisError(msg.matrixSize(m.data.length, m.rows, m.dims));
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw new AnalysisError(msg.matrixNotFinite(Math.floor(i / m.dims), m.data[i]));
  }
  const n = m.rows;
  const labels = new Int32Array(n).fill(-1);
  if (n === 0) return { labels, coreSampleIndices: [], clusterCount: 0 };
  const eps2 = eps * eps;
  const tree = new KdTree(m);
  const core = new Uint8Array(n);
  const coreSampleIndices: number[] = [];
  for (let i = 0; i < n; i++) {
    if (tree.countWithin(i, eps2, minSamples) >= minSamples) {
      core[i] = 1;
      coreSampleIndices.push(i);
    }
  }
  let cluster = 0;
  const stack: number[] = [];
  const label = (row: number) => {
    labels[row] = cluster;
    tree.markLabelled(row);
    if (core[row]) stack.push(row);
  };
  for (const seed of coreSampleIndices) {
    if (labels[seed] !== -1) continue;
    label(seed);
    while (stack.length) tree.forUnlabelledWithin(stack.pop() as number, eps2, labels, label);
    cluster++;
  }
  return { labels, coreSampleIndices, clusterCount: cluster };
}
