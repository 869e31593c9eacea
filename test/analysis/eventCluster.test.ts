/**
 * DBSCAN and dbclusterEvents against scikit-learn. Reference values:
 * test/analysis/fixtures/dbscan.json, written by scripts/make-stl-fixtures.py
 * (scikit-learn's Normalizer + DBSCAN on the lab's host_logons and on seeded
 * blobs, and MSTICPy's cluster summary re-done on those labels).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { AnalysisError } from "../../src/analysis/errors";
import { dbscan, featureMatrix, normalizeRows } from "../../src/analysis/dbscan";
import { dbclusterEvents, type DbclusterOptions } from "../../src/analysis/eventCluster";
import { withStringScore } from "../../src/analysis/features";
import { columnNames, columnOf } from "../../src/common/frames";

interface Reference {
  host_logons: {
    columns: string[];
    eps: number;
    minSamples: number;
    labels: number[];
    core: number[];
    clusters: { row: number; ClusterId: number; Clustered: boolean; ClusterSize: number; FirstEventTime: string; LastEventTime: string }[];
  };
  blobs: { points: number[][]; runs: Record<string, { eps: number; minSamples: number; normalize?: boolean; labels: number[]; core: number[]; normalized?: number[][] }> };
}

const REF = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "dbscan.json"), "utf8")) as Reference;
const qp = new QueryProvider("LocalData");

async function labLogons(): Promise<pl.DataFrame> {
  const logons = await qp.WindowsSecurity.list_host_logons();
  return withStringScore(withStringScore(logons, "Account", "AccountNum"), "TargetUserName", "TargetUserNum");
}

const iso = (v: unknown) => (v as Date).toISOString();

test("DBSCAN labels and core points equal scikit-learn's on seeded blobs (raw and normalised)", () => {
  const m = featureMatrix(REF.blobs.points);
  for (const [name, run] of Object.entries(REF.blobs.runs)) {
    const input = run.normalize ? normalizeRows(m) : m;
    const result = dbscan(input, { eps: run.eps, minSamples: run.minSamples });
    assert.deepEqual(Array.from(result.labels), run.labels, `${name}: labels`);
    assert.deepEqual(result.coreSampleIndices, run.core, `${name}: core points`);
    assert.equal(result.clusterCount, Math.max(...run.labels) + 1);
    if (run.normalized) {
      run.normalized.forEach((row, i) => row.forEach((v, d) => assert.ok(Math.abs(input.data[i * 3 + d] - v) < 1e-15)));
    }
  }
});

test("DBSCAN edge cases: duplicates, all noise, one cluster, distance exactly eps, bad options", () => {
  const same = featureMatrix(Array.from({ length: 100 }, () => [1, 2, 3]));
  assert.deepEqual(Array.from(new Set(dbscan(same, { eps: 0.1, minSamples: 100 }).labels)), [0]);
  assert.deepEqual(Array.from(new Set(dbscan(same, { eps: 0.1, minSamples: 101 }).labels)), [-1]);
  // Points on a line 1 apart: eps = 1 links them (≤ eps), just below does not.
  const line = featureMatrix(Array.from({ length: 5 }, (_, i) => [i, 0]));
  assert.deepEqual(Array.from(dbscan(line, { eps: 1, minSamples: 2 }).labels), [0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(dbscan(line, { eps: 0.999, minSamples: 2 }).labels), [-1, -1, -1, -1, -1]);
  // A border point reachable from two clusters joins the first discovered (row order), as scikit-learn.
  // 10 is within eps of 5 (core of A) and of 15 (core of B) but is not core itself.
  const a = [0, 1, 2, 5];
  const b = [15, 17, 18, 19];
  const bFirst = featureMatrix([...b, ...a, 10].map((v) => [v]));
  assert.deepEqual(Array.from(dbscan(bFirst, { eps: 5, minSamples: 4 }).labels), [0, 0, 0, 0, 1, 1, 1, 1, 0]);
  const aFirst = featureMatrix([10, ...a, ...b].map((v) => [v]));
  const r = dbscan(aFirst, { eps: 5, minSamples: 4 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(r.coreSampleIndices, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => dbscan(line, { eps: 0 }), { name: "AnalysisError", code: "analysis/invalid-option", message: /eps .*got 0/ });
  assert.throws(() => dbscan(line, { eps: 1, minSamples: 0 }), { code: "analysis/invalid-option", message: /minSamples .*got 0/ });
  assert.throws(() => dbscan(featureMatrix([[1], [Number.NaN]]), { eps: 1 }), { code: "analysis/not-finite", message: /row 1 holds NaN/ });
  assert.deepEqual(Array.from(normalizeRows(featureMatrix([[0, 0], [3, 4]])).data), [0, 0, 0.6, 0.8]);
});

test("host_logons (AccountNum, TargetUserNum, LogonType; eps 0.0001): labels and clusters match MSTICPy + scikit-learn", async () => {
  const logons = await labLogons();
  const lab = REF.host_logons;
  const result = dbclusterEvents(logons, { clusterColumns: lab.columns, maxClusterDistance: lab.eps, timeColumn: "TimeGenerated", mode: "msticpy" });
  assert.deepEqual(result.labels, lab.labels);
  assert.deepEqual(result.coreSampleIndices, lab.core);
  assert.equal(result.clusterCount, 12);
  assert.equal(result.noiseCount, 1);
  const out = result.clustered.toRecords() as Record<string, unknown>[];
  assert.equal(out.length, 13);
  const inputRows = logons.toRecords() as Record<string, unknown>[];
  out.forEach((row, i) => {
    const want = lab.clusters[i];
    assert.equal(row.ClusterId, want.ClusterId);
    assert.equal(row.Clustered, want.Clustered);
    assert.equal(row.ClusterSize, want.ClusterSize);
    assert.equal(iso(row.FirstEventTime), want.FirstEventTime);
    assert.equal(iso(row.LastEventTime), want.LastEventTime);
    // MSTICPy's exemplar: the first member in input order, TimeGenerated overwritten by the first time.
    assert.equal(row.TargetLogonId, inputRows[want.row].TargetLogonId);
    assert.equal(row.Account, inputRows[want.row].Account);
    assert.equal(iso(row.TimeGenerated), want.FirstEventTime);
  });
  // The notes' summary: the first cluster is SYSTEM logon type 5, 120 events.
  assert.deepEqual([out[1].TargetUserName, out[1].LogonType, out[1].ClusterSize], ["SYSTEM", 5, 120]);
  assert.equal(result.members(0).height, 120);
  assert.equal(result.members(-1).height, 1);
  assert.equal(result.features.length, 164);
  assert.ok(Math.abs(Math.hypot(...result.features[0]) - 1) < 1e-12, "rows normalised");
});

test("members(): each cluster's input rows in input order, for clusters interleaved in the input; an unknown id is an empty frame with every column", () => {
  // Labels interleave (0, 1, 2, 0, 1, 2, …) with noise between; a column named like a frame member rides along.
  const n = 60;
  const f = Array.from({ length: n }, (_, i) => (i % 7 === 6 ? 1000 + i * 100 : (i % 3) * 10));
  const df = pl.DataFrame([
    pl.Series("TimeGenerated", Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1, 0, i)))),
    pl.Series("f", f, pl.Float64),
    pl.Series("select", Array.from({ length: n }, (_, i) => `row${i}`)),
  ]);
  const result = dbclusterEvents(df, { clusterColumns: ["f"], timeColumn: "TimeGenerated", maxClusterDistance: 0.5, normalize: false, minClusterSamples: 2 });
  assert.equal(result.clusterCount, 3);
  for (const id of [-1, 0, 1, 2]) {
    const want = result.labels.flatMap((l, i) => (l === id ? [`row${i}`] : []));
    const got = result.members(id);
    assert.deepEqual(columnNames(got), ["TimeGenerated", "f", "select"]);
    assert.deepEqual(columnOf(got, "select").toArray(), want, `cluster ${id}`);
  }
  assert.ok(result.members(-1).height > 0, "some noise");
  const none = result.members(99);
  assert.deepEqual([columnNames(none), none.height], [["TimeGenerated", "f", "select"], 0]);
});

test("clean mode (default): same clusters and time ranges; earliest member represents; noise keeps its own times", async () => {
  const logons = await labLogons();
  const lab = REF.host_logons;
  const msticpy = dbclusterEvents(logons, { clusterColumns: lab.columns, maxClusterDistance: lab.eps, timeColumn: "TimeGenerated", mode: "msticpy" });
  const clean = dbclusterEvents(logons, { clusterColumns: lab.columns, maxClusterDistance: lab.eps, timeColumn: "TimeGenerated" });
  const pick = (df: pl.DataFrame) =>
    (df.select("ClusterId", "ClusterSize", "FirstEventTime", "LastEventTime").toRecords() as Record<string, unknown>[]).map((r) => JSON.stringify(r));
  assert.deepEqual(pick(clean.clustered), pick(msticpy.clustered));
  for (const row of clean.clustered.toRecords() as Record<string, unknown>[]) {
    assert.equal(iso(row.TimeGenerated), iso(row.FirstEventTime), "the representative is the earliest event");
  }
  // Noise: with two noise rows, MSTICPy gives both the noise-wide range; clean keeps each row's own time.
  const twoNoise = logons.select(pl.all().gather([0, 1, 10, 12, 124]));
  const m = dbclusterEvents(twoNoise, { clusterColumns: lab.columns, maxClusterDistance: lab.eps, timeColumn: "TimeGenerated", mode: "msticpy" });
  const c = dbclusterEvents(twoNoise, { clusterColumns: lab.columns, maxClusterDistance: lab.eps, timeColumn: "TimeGenerated" });
  const noiseM = (m.clustered.filter(pl.col("ClusterId").eq(-1)).toRecords() as Record<string, unknown>[]);
  const noiseC = (c.clustered.filter(pl.col("ClusterId").eq(-1)).toRecords() as Record<string, unknown>[]);
  assert.ok(noiseM.length >= 2);
  assert.equal(new Set(noiseM.map((r) => iso(r.FirstEventTime))).size, 1);
  assert.ok(noiseM.some((r) => iso(r.FirstEventTime) !== iso(r.TimeCreatedUtc)), "MSTICPy overwrites noise times");
  for (const r of noiseC) assert.equal(iso(r.FirstEventTime), iso(r.TimeGenerated));
});

test("dbclusterEvents: defaults, MSTICPy's column names, errors name the column", async () => {
  const logons = await labLogons();
  const result = dbclusterEvents(logons, { clusterColumns: ["AccountNum", "TargetUserNum", "LogonType"] });
  assert.deepEqual(result.clustered.columns.slice(-5), ["Clustered", "ClusterId", "ClusterSize", "FirstEventTime", "LastEventTime"]);
  assert.equal(result.clustered.getColumn("FirstEventTime").dtype.variant, "Datetime");
  const sizes = (result.clustered.getColumn("ClusterSize").toArray() as unknown as number[]).reduce((a, b) => a + b, 0);
  assert.equal(sizes, 164, "every event is counted once");
  assert.throws(
    () => dbclusterEvents(logons, { clusterColumns: ["Account"] }),
    (e: unknown) => e instanceof AnalysisError && e.code === "analysis/column-not-numeric" && /"Account" .*withStringScore\(df, "Account"\)/s.test(e.message),
  );
  assert.throws(() => dbclusterEvents(logons, { clusterColumns: ["LogonTyp"] }), { code: "analysis/column-missing", message: /cluster column "LogonTyp" .*Did you mean LogonType/ });
  assert.throws(() => dbclusterEvents(logons, { clusterColumns: [] }), { code: "analysis/invalid-option", message: /clusterColumns/ });
  // MSTICPy's keyword names were ignored silently (the default distance used): named, with the option meant.
  assert.throws(() => dbclusterEvents(logons, { clusterColumns: ["LogonType"], max_cluster_distance: 0.0001 } as DbclusterOptions), {
    name: "AnalysisError",
    code: "analysis/invalid-option",
    message: /^dbclusterEvents: unknown option max_cluster_distance \(did you mean maxClusterDistance\?\); its options are clusterColumns, timeColumn, maxClusterDistance, minClusterSamples, normalize, mode, warn\.$/,
  });
  assert.throws(() => dbclusterEvents(logons.drop("TimeCreatedUtc"), { clusterColumns: ["LogonType"] }), { code: "analysis/column-missing", message: /timeColumn "TimeCreatedUtc"/ });
  const withNull = logons.withColumns(pl.Series("LogonType", (logons.getColumn("LogonType").toArray() as unknown as number[]).map((v, i) => (i === 3 ? null : v)), pl.Float64));
  assert.throws(() => dbclusterEvents(withNull, { clusterColumns: ["LogonType"] }), { code: "analysis/empty-value", message: /"LogonType" .*row 3/ });
  // Without normalisation LogonType alone splits by type.
  const byType = dbclusterEvents(logons, { clusterColumns: ["LogonType"], normalize: false, maxClusterDistance: 0.5 });
  const types = new Set(logons.getColumn("LogonType").toArray() as unknown as number[]);
  assert.equal(byType.clusterCount + byType.noiseCount, types.size);
});

test("clusterColumns: one column given as text is that column (a numeric one was \"must name at least one numeric column\"); anything else not a list is named", async () => {
  const logons = await labLogons();
  const one = dbclusterEvents(logons, { clusterColumns: "LogonType", normalize: false, maxClusterDistance: 0.5 });
  const list = dbclusterEvents(logons, { clusterColumns: ["LogonType"], normalize: false, maxClusterDistance: 0.5 });
  assert.deepEqual(one.labels, list.labels);
  assert.ok(one.clusterCount > 0);
  assert.throws(() => dbclusterEvents(logons, { clusterColumns: 5 } as never), {
    code: "analysis/invalid-option",
    message: /^dbclusterEvents: clusterColumns must be a column name or a list of them \(e\.g\. \["DestPort", "AllowedOutFlows"\]\); got 5\.$/,
  });
});

test("µs and ns times are compared and shown in their own unit: the earliest event represents its cluster and LastEventTime is the last one's time (both were cut to the ms)", () => {
  for (const unit of ["us", "ns"] as const) {
    const base = 1_700_000_000_000_000n;
    const times = pl.Series("T", unit === "us" ? [base + 900n, base + 100n, base + 500n] : [(base + 900n) * 1000n, (base + 100n) * 1000n, (base + 500n) * 1000n]).cast(pl.Datetime(unit, "UTC"));
    const df = pl.DataFrame([pl.Series("id", ["later", "earlier", "middle"]), pl.Series("x", [1, 1, 1], pl.Float64), times]);
    const r = dbclusterEvents(df, { clusterColumns: ["x"], timeColumn: "T", minClusterSamples: 2, normalize: false });
    const rows = r.clustered.toRecords() as Record<string, unknown>[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, "earlier", unit);
    assert.equal(String(r.clustered.getColumn("LastEventTime").dtype), `DataType(Datetime(${unit},UTC))`, unit);
    const fine = r.clustered.select(pl.col("FirstEventTime").cast(pl.Int64), pl.col("LastEventTime").cast(pl.Int64)).row(0).map(String);
    const scale = unit === "us" ? 1n : 1000n;
    assert.deepEqual(fine, [String((base + 100n) * scale), String((base + 900n) * scale)], unit);
  }
  // ns within one µs: compared to the last digit too.
  // (From text: a BigInt array is read through doubles.)
  const inOneUs = pl.Series("T", ["1700000000000000900", "1700000000000000100"]).cast(pl.Int64).cast(pl.Datetime("ns"));
  const r = dbclusterEvents(pl.DataFrame([pl.Series("id", ["later", "earlier"]), pl.Series("x", [1, 1], pl.Float64), inOneUs]), { clusterColumns: ["x"], timeColumn: "T", minClusterSamples: 2, normalize: false });
  assert.deepEqual(r.clustered.select(pl.col("id"), pl.col("FirstEventTime").cast(pl.Int64).cast(pl.Utf8), pl.col("LastEventTime").cast(pl.Int64).cast(pl.Utf8)).row(0), ["earlier", "1700000000000000100", "1700000000000000900"]);
});

test("normalize is true or false (\"false\" normalised)", () => {
  const df = pl.DataFrame({ x: [1, 2, 3], TimeGenerated: [new Date(0), new Date(1), new Date(2)] });
  assert.throws(() => dbclusterEvents(df, { clusterColumns: ["x"], timeColumn: "TimeGenerated", normalize: "false" as unknown as boolean }), { code: "analysis/invalid-option", message: /normalize must be true or false/ });
});

test("one cluster column: not normalised by default (a row of one number scaled to unit length is its sign: every positive value was one cluster); normalize: true with one column is refused", () => {
  // Command-line lengths of a hunter's process events: a few short commands repeated, and one 1 MB line.
  const lengths = [17, 17, 17, 28, 28, 31, 31, 31, 1_000_000, 0, 0];
  const df = pl.DataFrame({ TimeCreatedUtc: lengths.map((_, i) => new Date(Date.UTC(2024, 0, 1, 0, i))), commandlineLen: lengths });
  const result = dbclusterEvents(df, { clusterColumns: "commandlineLen" });
  // Equal lengths cluster (eps 0.01 on the values themselves); the 1 MB line is noise.
  assert.deepEqual(result.labels, [0, 0, 0, 1, 1, 2, 2, 2, -1, 3, 3]);
  assert.deepEqual([result.clusterCount, result.noiseCount], [4, 1]);
  assert.deepEqual(result.features[8], [1_000_000]);
  // Two columns are normalised by default, as MSTICPy.
  const two = dbclusterEvents(df.withColumns(pl.col("commandlineLen").mul(2).alias("double")), { clusterColumns: ["commandlineLen", "double"] });
  assert.ok(Math.abs(Math.hypot(...two.features[0]) - 1) < 1e-12, "rows normalised");
  assert.throws(() => dbclusterEvents(df, { clusterColumns: ["commandlineLen"], normalize: true }), {
    code: "analysis/invalid-option",
    message: /normalize: true with one cluster column \("commandlineLen"\).*pass normalize: false/,
  });
  assert.deepEqual(dbclusterEvents(df, { clusterColumns: ["commandlineLen"], normalize: false }).labels, result.labels);
});
