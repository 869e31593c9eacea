/**
 * Event clustering, after MSTICPy's `dbcluster_events`: DBSCAN over chosen
 * numeric feature columns, summarised as one representative row per cluster
 * (with its size and time range) plus every unclustered ("noise") event.
 */
import pl from "nodejs-polars";
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";
import { boolOption, numericValues, timeOrder, requireColumn, requireFrame, requireOptions, timeValues } from "./columns";
import { dbscan, normalizeRows, type FeatureMatrix } from "./dbscan";
import { columnNames, columnOf, frameHeight, frameOf, withSafeNames } from "../common/frames";
import { wideIntsAsText } from "../common/wideInts";

/**
 * - `"clean"` (default): a cluster's representative is its earliest event;
 *   noise rows keep their own times; the time column is left as it is.
 * - `"msticpy"`: MSTICPy's output exactly: the representative is the
 *   cluster's first row in input order with `TimeGenerated` overwritten by the
 *   cluster's first time; every noise row gets the earliest and latest time of
 *   *all* noise rows as its `TimeGenerated`, `FirstEventTime` and
 *   `LastEventTime`; `TimeGenerated` is written whatever `timeColumn` is.
 * Cluster labels, sizes and time ranges are the same in both modes.
 */
export type ClusterMode = "clean" | "msticpy";

/** Options of `dbclusterEvents`. */
export interface DbclusterOptions {
  /** Numeric feature columns to cluster on, or one column as text (see `withStringScore`, `addProcessFeatures` to make numbers from text). */
  clusterColumns: string | string[];
  /** Time column for each cluster's time range. Default `"TimeCreatedUtc"` (MSTICPy's). */
  timeColumn?: string;
  /** DBSCAN's eps: the largest distance between neighbours (on normalised rows, if `normalize`). Default 0.01. */
  maxClusterDistance?: number;
  /** DBSCAN's min_samples: neighbours (self included) a core event needs. Default 2. */
  minClusterSamples?: number;
  /**
   * Scale each row of features to unit length first (scikit-learn's `Normalizer`), as MSTICPy does. Default true with
   * two or more `clusterColumns`, false with one: a row of one number scaled to unit length is its sign (1, 0 or −1),
   * so every positive value fell in one cluster; `true` with one column is refused.
   */
  normalize?: boolean;
  /** Representative rows and noise times: see `ClusterMode`. Default `"clean"`. */
  mode?: ClusterMode;
  /**
   * Where warnings go: text times in slash dates that read either way (`05/06/2026`), read month first as the
   * readers read them (dates a day past the 12th proves day first are read day first). Default: printed.
   */
  warn?: (message: string) => void;
}

/** The outcome of `dbclusterEvents`. */
export interface DbclusterResult {
  /**
   * Noise events first (`ClusterId` −1, `ClusterSize` 1, in input order), then
   * one row per cluster by `ClusterId`; every input column plus `Clustered`,
   * `ClusterId`, `ClusterSize`, `FirstEventTime`, `LastEventTime`.
   */
  clustered: pl.DataFrame;
  /** Cluster of each input row (−1 noise), in input order. */
  labels: number[];
  /** Input rows that are DBSCAN core points. */
  coreSampleIndices: number[];
  /** Number of clusters (noise excluded). */
  clusterCount: number;
  /** Number of noise events. */
  noiseCount: number;
  /** The feature matrix DBSCAN saw (normalised when `normalize`), one array per input row. */
  features: number[][];
  /** The time column the time ranges come from. */
  timeColumn: string;
  /** The input events of one cluster (or of the noise, −1), in input order. */
  members(clusterId: number): pl.DataFrame;
}

const FN = "dbclusterEvents";
/** The columns `dbclusterEvents` adds to its `clustered` frame, in order. */
export const CLUSTER_COLUMNS = ["Clustered", "ClusterId", "ClusterSize", "FirstEventTime", "LastEventTime"] as const;

/**
 * Clusters events with DBSCAN over `clusterColumns` and summarises each cluster.
 * Text times that do not parse are missing times (the time column only dates
 * the clusters); a time column where nothing parses is refused.
 */
export function dbclusterEvents(df: pl.DataFrame, options: DbclusterOptions): DbclusterResult {
  requireFrame(df, FN);
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  df = wideIntsAsText(df);
  requireOptions(options, { clusterColumns: true, timeColumn: true, maxClusterDistance: true, minClusterSamples: true, normalize: true, mode: true, warn: true }, FN);
  // One column as text, as `columns` of IoCExtract.extract: it was "must name at least one numeric column" of a numeric column.
  const given = options?.clusterColumns;
  const columns = typeof given === "string" ? [given] : given;
  if (columns !== undefined && !Array.isArray(columns)) throw new AnalysisError(msg.invalidNumber(FN, "clusterColumns", 'a column name or a list of them (e.g. ["DestPort", "AllowedOutFlows"])', columns));
  if (!columns || columns.length === 0) {
    throw new AnalysisError(msg.noClusterColumns(FN, columnNames(df)));
  }
  for (const c of columns) requireColumn(df, c, FN, "cluster column");
  const timeColumn = options.timeColumn ?? "TimeCreatedUtc";
  requireColumn(df, timeColumn, FN, "timeColumn");
  const mode = options.mode ?? "clean";
  if (mode !== "clean" && mode !== "msticpy") throw new AnalysisError(msg.invalidChoice(FN, "mode", '"clean" or "msticpy"', mode));
  const eps = options.maxClusterDistance ?? 0.01;
  const minSamples = options.minClusterSamples ?? 2;
  if (!(eps > 0) || !Number.isFinite(eps)) throw new AnalysisError(msg.invalidNumber(FN, "maxClusterDistance", "a positive number", eps));
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new AnalysisError(msg.invalidNumber(FN, "minClusterSamples", "a positive integer", minSamples));

  const n = frameHeight(df);
  const dims = columns.length;
  const matrix: FeatureMatrix = { data: new Float64Array(n * dims), rows: n, dims };
  columns.forEach((name, d) => {
    let values: (number | null)[];
    try {
      values = numericValues(df, name, FN, { booleans: true });
    } catch (err) {
      if (!(err instanceof AnalysisError)) throw err;
      throw new AnalysisError(msg.clusterColumnHint(err, name), { cause: err });
    }
    values.forEach((v, row) => {
      if (v === null) throw new AnalysisError(msg.emptyClusterValue(FN, name, row));
      matrix.data[row * dims + d] = v;
    });
  });
  // Rows scaled to unit length keep only the proportions between their features; a row of one feature keeps only
  // its sign, and every positive value was one cluster (MSTICPy's default does so): one column is not scaled.
  const normalize = boolOption(options.normalize, "normalize", FN, dims > 1);
  if (normalize && dims === 1) throw new AnalysisError(msg.normalizeOneColumn(FN, columns[0]));
  const input = normalize ? normalizeRows(matrix) : matrix;
  const result = dbscan(input, { eps, minSamples });
  const labels = Array.from(result.labels);
  const times = timeValues(df, timeColumn, FN, { lenient: true, warn: options.warn });
  const clustered = summarise(df, labels, result.clusterCount, times.series, mode);
  let byCluster: ReturnType<typeof clusterOrder> | undefined;
  const features: number[][] = [];
  for (let i = 0; i < n; i++) features.push(Array.from(input.data.subarray(i * dims, (i + 1) * dims)));
  return {
    clustered,
    labels,
    coreSampleIndices: result.coreSampleIndices,
    clusterCount: result.clusterCount,
    noiseCount: labels.filter((l) => l === -1).length,
    features,
    timeColumn,
    members: (clusterId: number) => {
      // The events put in cluster order once, then each cluster is a zero-copy slice: a gather per call
      // cost ≈ 3 ms whatever the cluster's size (a browser of 1,000 clusters asks 1,000 times).
      byCluster ??= clusterOrder(df, labels);
      const range = byCluster.ranges.get(clusterId) ?? { offset: 0, length: 0 };
      return withSafeNames(byCluster.events, (safe) => safe.slice(range.offset, range.length));
    },
  };
}

/** The events sorted by cluster (input order within each), and where each cluster's rows are. */
function clusterOrder(df: pl.DataFrame, labels: readonly number[]): { events: pl.DataFrame; ranges: Map<number, { offset: number; length: number }> } {
  const rowsOf = new Map<number, number[]>();
  labels.forEach((label, row) => {
    const rows = rowsOf.get(label);
    if (rows) rows.push(row);
    else rowsOf.set(label, [row]);
  });
  const order: number[] = [];
  const ranges = new Map<number, { offset: number; length: number }>();
  for (const [label, rows] of rowsOf) {
    ranges.set(label, { offset: order.length, length: rows.length });
    for (const r of rows) order.push(r);
  }
  return { events: gatherRows(df, order), ranges };
}

/** The times of `rows` (-1: null), in the column's own type. */
function timesAt(times: pl.Series, name: string, rows: readonly number[]): pl.Series {
  const frame = pl.DataFrame([pl.Series("i", rows.map((r) => Math.max(r, 0)), pl.UInt32), pl.Series("ok", rows.map((r) => r >= 0), pl.Bool)]);
  if (times.len() === 0) return pl.Series(name, [], times.dtype);
  const picked = times.gather(columnOf(frame, "i").toArray() as unknown as number[]);
  return pl.DataFrame([picked.rename("t"), columnOf(frame, "ok")]).select(pl.when(pl.col("ok")).then(pl.col("t")).otherwise(pl.lit(null).cast(times.dtype)).alias(name)).getColumn(name);
}

/** One output row: which input row, and what to write into it. */
interface SummaryRow {
  row: number;
  id: number;
  size: number;
  /** Rows holding the earliest and the latest time (-1: none has a time). */
  first: number;
  last: number;
  /** The row whose time is TimeGenerated, in msticpy mode. */
  generated: number;
}

/**
 * The clusters' rows. Times are compared to the column's last digit, by their rank in a polars sort (a µs or
 * ns column cut to ms tied events 800 µs apart, and the earliest was not the representative), and shown as
 * the column's own values: unit and zone kept.
 */
function summarise(df: pl.DataFrame, labels: number[], clusterCount: number, times: pl.Series, mode: ClusterMode): pl.DataFrame {
  const n = times.len();
  const sorted = timeOrder(times);
  const missing = times.isNull().toArray() as unknown as boolean[];
  // Each row's place in time order (ties: input order), null for a missing time.
  const rank: (number | null)[] = new Array(n);
  sorted.forEach((row, k) => (rank[row] = missing[row] ? null : k));
  const members: number[][] = Array.from({ length: clusterCount }, () => []);
  const noise: number[] = [];
  labels.forEach((l, i) => (l < 0 ? noise : members[l]).push(i));
  const range = (rows: number[]) => {
    let first = -1;
    let last = -1;
    for (const r of rows) {
      const t = rank[r];
      if (t === null) continue;
      if (first < 0 || t < (rank[first] as number)) first = r;
      if (last < 0 || t > (rank[last] as number)) last = r;
    }
    return { first, last };
  };
  const out: SummaryRow[] = [];
  const noiseRange = range(noise);
  for (const row of noise) {
    const own = rank[row] === null ? -1 : row;
    const { first, last } = mode === "msticpy" ? noiseRange : { first: own, last: own };
    out.push({ row, id: -1, size: 1, first, last, generated: first });
  }
  members.forEach((rows, id) => {
    const { first, last } = range(rows);
    // The earliest event represents the cluster (ties: input order), in clean mode.
    const row = mode === "clean" && first >= 0 ? first : rows[0];
    out.push({ row, id, size: rows.length, first, last, generated: first });
  });

  const frame = gatherRows(df, out.map((o) => o.row));
  const added = [
    pl.Series("Clustered", out.map((o) => o.id >= 0), pl.Bool),
    pl.Series("ClusterId", out.map((o) => o.id), pl.Int64),
    pl.Series("ClusterSize", out.map((o) => o.size), pl.Int64),
    timesAt(times, "FirstEventTime", out.map((o) => o.first)),
    timesAt(times, "LastEventTime", out.map((o) => o.last)),
  ];
  if (mode === "msticpy") added.unshift(timesAt(times, "TimeGenerated", out.map((o) => o.generated)));
  // Replaces same-named input columns (a re-clustered output), appends the others.
  const names = columnNames(frame);
  const byName = new Map(added.map((s) => [s.name, s]));
  return frameOf([...names.map((name) => byName.get(name) ?? columnOf(frame, name)), ...added.filter((s) => !names.includes(s.name))]);
}

/** These rows of `df`, every column, through the frames.ts helpers (a column may be called `select`). */
function gatherRows(df: pl.DataFrame, rows: number[]): pl.DataFrame {
  // One polars call: a Series wrapper per column per call (≈ 0.4 MB each to the GC) made a browser of many clusters' members GC-bound.
  return withSafeNames(df, (safe) => safe.select(pl.all().gather(rows)));
}
