/**
 * Edge cases of timeseriesAnomaliesStl, its helpers and dbclusterEvents: flat
 * series (NaN scores), rounding-noise residuals, columns named like DataFrame
 * members or like output columns, bad time cells, and what errors name.
 * Every fixture is built here from fixed UTC times.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { columnNames, columnOf } from "../../src/common/frames";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { addProcessFeatures, crc32Hash, withCrc32Hash, withStringScore } from "../../src/analysis/features";
import { ANOMALY_COLUMNS, extractAnomalyPeriods, setNewAnomalyThreshold, timeseriesAnomaliesStl } from "../../src/analysis/timeseries";

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const hours = (n: number) => Array.from({ length: n }, (_, i) => new Date(T0 + i * HOUR));
const times = (name: string, n = 72) => pl.Series(name, hours(n), pl.Datetime("ms"));
const values = (df: pl.DataFrame, name: string) => columnOf(df, name).toArray() as unknown[];
/** A daily pattern with noise and one spike at hour 50 (the spike is what every run must flag). */
const spiky = (n = 72) => Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * (i % 24)) / 24) + ((i * 7919) % 13) + (i === 50 ? 400 : 0));

/** Names a column may carry that nodejs-polars' DataFrame proxy would answer with that column. */
const MEMBER_NAMES = ["height", "columns", "select", "filter", "getColumn", "lazy", "withColumns", "join", "sort", "rename", "cast", "slice", "dtype", "toRecords", "^a.*$"];

test("a flat series: NaN scores are never anomalies (relabelling, periods, first labelling)", () => {
  for (const level of [5, 0, -3.5, 1234567]) {
    const df = pl.DataFrame([times("TimeGenerated"), pl.Series("v", hours(72).map(() => level), pl.Float64)]);
    for (const mode of ["msticpy", "clean"] as const) {
      const out = timeseriesAnomaliesStl(df, { mode });
      assert.ok((values(out, "score") as number[]).every(Number.isNaN), `${level} ${mode}: the std is 0, the scores NaN`);
      assert.deepEqual([...new Set(values(out, "anomalies"))], [0], `${level} ${mode}: first labelling`);
      // The smallest threshold there is (0 and below are refused: they flag every point).
      for (const threshold of [3, Number.MIN_VALUE]) {
        const relabelled = setNewAnomalyThreshold(out, threshold);
        assert.deepEqual([...new Set(values(relabelled, "anomalies"))], [0], `${level} ${mode}: threshold ${threshold}`);
        assert.deepEqual(extractAnomalyPeriods(relabelled, { posOnly: false }), []);
      }
    }
  }
  // Null and NaN scores among numbers: 0, the numbers labelled as MSTICPy does (≥ t → 1, ≤ −low → −1).
  const scored = pl.DataFrame([times("TimeGenerated", 6), pl.Series("score", [null, 4, Number.NaN, -4, 1, 3], pl.Float64)]);
  assert.deepEqual(values(setNewAnomalyThreshold(scored, 3), "anomalies"), [0, 1, 0, -1, 0, 1]);
  assert.deepEqual(values(setNewAnomalyThreshold(scored, 3, 5), "anomalies"), [0, 1, 0, 0, 0, 1]);
  // A threshold of 0 or below labelled every number an anomaly (as timeseriesAnomaliesStl's scoreThreshold is, refused).
  for (const [t, low] of [[0, undefined], [-1, undefined], [3, 0], [3, -2]] as const) {
    assert.throws(() => setNewAnomalyThreshold(scored, t, low), { name: "AnalysisError", message: /thresholds must be above 0 .* flags every point/ }, `${t} ${low}`);
  }
});

test("residuals that are rounding noise score as a flat series; real spikes still count", () => {
  const periodic = (i: number) => [3, 9, 4, 12, 7, 1, 8, 2][i % 8] * 1000 + 0.25;
  const linear = (i: number) => 1e6 + 17 * i;
  const series: [string, (i: number) => number][] = [
    ["5", () => 5],
    ["1234567", () => 1234567],
    ["0.1", () => 0.1],
    ["-7.3e-6", () => -7.3e-6],
    ["1.7e12", () => 1.7e12],
    ["1e17", () => 1e17],
    ["periodic", periodic],
    ["linear", linear],
  ];
  for (const [what, f] of series) {
    const df = pl.DataFrame([times("TimeGenerated", 96), pl.Series("v", hours(96).map((_, i) => f(i)), pl.Float64)]);
    for (const mode of ["clean", "msticpy"] as const) {
      for (const robust of [false, true]) {
        if (mode === "msticpy" && what === "-7.3e-6") continue;
        const out = timeseriesAnomaliesStl(df, { mode, robust, period: 8 });
        assert.deepEqual([...new Set(values(out, "anomalies"))], [0], `${what} ${mode} robust=${robust}: no anomaly in rounding noise`);
        assert.ok((values(out, "score") as number[]).every(Number.isNaN), `${what} ${mode} robust=${robust}: scores as for std 0`);
      }
    }
  }
  // The same shapes with a spike: flagged in both modes.
  for (const f of [() => 1234567, periodic]) {
    const v = hours(96).map((_, i) => f(i) + (i === 60 ? 5000 : 0));
    const df = pl.DataFrame([times("TimeGenerated", 96), pl.Series("v", v, pl.Float64)]);
    for (const mode of ["clean", "msticpy"] as const) {
      const out = timeseriesAnomaliesStl(df, { mode, period: 8 });
      assert.equal((values(out, "anomalies") as number[])[60] !== 0, true, `${mode}: the spike`);
      assert.ok((values(out, "score") as number[])[60] > 3);
    }
  }
});

test("timeseriesAnomaliesStl: value, time and passenger columns named like frame members", () => {
  const v = spiky();
  const reference = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series("v", v), pl.Series("p", v.map((_, i) => `p${i}`))]));
  const want = (name: string) => values(reference, name);
  for (const name of MEMBER_NAMES) {
    const asValue = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series(name, v)]));
    assert.deepEqual(columnNames(asValue), ["TimeGenerated", name, ...ANOMALY_COLUMNS], `value ${name}`);
    assert.deepEqual(values(asValue, name), want("v"));
    assert.deepEqual(values(asValue, "anomalies"), want("anomalies"));

    const asTime = timeseriesAnomaliesStl(pl.DataFrame([pl.Series("v", v), times(name)]), { timeColumn: name });
    assert.deepEqual(columnNames(asTime), [name, "v", ...ANOMALY_COLUMNS], `time ${name}`);
    assert.deepEqual(values(asTime, name), values(reference, "TimeGenerated"));
    assert.deepEqual(values(asTime, "residual"), want("residual"));

    // Reversed, so the passenger has to follow its time; filled, so it is null on the filled row.
    const back = [...v.keys()].reverse();
    const passengers = pl.DataFrame([pl.Series("TimeGenerated", back.map((i) => hours(72)[i]), pl.Datetime("ms")), pl.Series("v", back.map((i) => v[i])), pl.Series(name, back.map((i) => `p${i}`))]);
    const asPassenger = timeseriesAnomaliesStl(passengers, { dataColumn: "v" });
    assert.deepEqual(columnNames(asPassenger), ["TimeGenerated", "v", name, ...ANOMALY_COLUMNS], `passenger ${name}`);
    assert.deepEqual(values(asPassenger, name), want("p"));
    assert.deepEqual(values(asPassenger, "score"), want("score"));
    const gappy = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series("v", v.map((x, i) => (i === 7 ? null : x))), pl.Series(name, v.map((_, i) => `p${i}`))]), { fill: "previous" });
    assert.equal(values(gappy, name)[7], "p7");
    assert.equal(values(gappy, "filled")[7], true);

    // The helpers on frames carrying such a column.
    const relabelled = setNewAnomalyThreshold(asPassenger, 2);
    assert.deepEqual(columnNames(relabelled), columnNames(asPassenger));
    assert.deepEqual(values(relabelled, name), want("p"));
    assert.deepEqual(values(relabelled, "anomalies"), (want("score") as number[]).map((s) => (s >= 2 ? 1 : s <= -2 ? -1 : 0)));
    assert.deepEqual(extractAnomalyPeriods(asPassenger), extractAnomalyPeriods(reference));
    assert.deepEqual(extractAnomalyPeriods(asTime, { timeColumn: name }), extractAnomalyPeriods(reference));
    assert.equal(extractAnomalyPeriods(reference).length, 1);
  }
});

test("timeseriesAnomaliesStl: an input column named like an output column is kept as <name>_source", () => {
  const v = spiky();
  const reference = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series("v", v)]), { fill: "zero" });
  for (const name of [...ANOMALY_COLUMNS, "filled"]) {
    const asValue = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series(name, v)]), { fill: "zero" });
    assert.deepEqual(columnNames(asValue), ["TimeGenerated", `${name}_source`, ...ANOMALY_COLUMNS, "filled"], `value ${name}`);
    assert.deepEqual(values(asValue, `${name}_source`), values(reference, "v"), `${name}: the observed values are kept`);
    for (const out of [...ANOMALY_COLUMNS, "filled"]) assert.deepEqual(values(asValue, out), values(reference, out), `${name}: ${out}`);

    const asPassenger = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series("v", v), pl.Series(name, v.map((_, i) => `p${i}`))]), { fill: "zero" });
    assert.deepEqual(columnNames(asPassenger), ["TimeGenerated", "v", `${name}_source`, ...ANOMALY_COLUMNS, "filled"], `passenger ${name}`);
    assert.equal(values(asPassenger, `${name}_source`)[9], "p9");
    assert.deepEqual(values(asPassenger, name), values(reference, name));
  }
  // A `_source` name already taken gets underscores until it is free.
  const taken = timeseriesAnomaliesStl(pl.DataFrame([times("TimeGenerated"), pl.Series("score", v), pl.Series("score_source", v.map(() => "x"))]));
  assert.deepEqual(columnNames(taken), ["TimeGenerated", "score_source_", "score_source", ...ANOMALY_COLUMNS]);
  assert.deepEqual(values(taken, "score_source_"), values(reference, "v").map((x) => Math.trunc(x as number)));
});

/** Events in three tight groups of the feature, one far-off event, times 10 minutes apart. */
function events(feature: string, time: string, passenger: string): pl.DataFrame {
  const f = [1, 1, 1, 5, 5, 5, 5, 9, 9, 9, 40];
  return pl.DataFrame([
    pl.Series(passenger, f.map((_, i) => `e${i}`)),
    pl.Series(time, f.map((_, i) => new Date(T0 + (10 - i) * 600_000)), pl.Datetime("ms")),
    pl.Series(feature, f, pl.Float64),
  ]);
}

test("dbclusterEvents: feature, time and passenger columns named like frame members", () => {
  const options = { normalize: false, maxClusterDistance: 0.5 } as const;
  const reference = dbclusterEvents(events("f", "t", "p"), { ...options, clusterColumns: ["f"], timeColumn: "t" });
  assert.deepEqual(reference.labels, [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, -1]);
  const all = (df: pl.DataFrame) => columnNames(df).map((c) => values(df, c));
  for (const name of MEMBER_NAMES) {
    for (const [f, t, p] of [[name, "t", "p"], ["f", name, "p"], ["f", "t", name]]) {
      for (const mode of ["clean", "msticpy"] as const) {
        const input = events(f, t, p);
        const got = dbclusterEvents(input, { ...options, clusterColumns: [f], timeColumn: t, mode });
        const ref = mode === "clean" ? reference : dbclusterEvents(events("f", "t", "p"), { ...options, clusterColumns: ["f"], timeColumn: "t", mode });
        assert.deepEqual(got.labels, reference.labels, `${name} as ${f === name ? "feature" : t === name ? "time" : "passenger"}`);
        const names = columnNames(got.clustered);
        assert.deepEqual(names, columnNames(ref.clustered).map((c) => (c === "f" ? f : c === "t" ? t : c === "p" ? p : c)));
        assert.deepEqual(all(got.clustered), all(ref.clustered));
        assert.deepEqual(columnNames(got.members(1)), [p, t, f]);
        assert.deepEqual(values(got.members(1), p), ["e3", "e4", "e5", "e6"]);
      }
    }
  }
});

test("dbclusterEvents: an unparseable time cell is a missing time; a column of no times is still refused", () => {
  const text = (i: number) => new Date(T0 + (10 - i) * 600_000).toISOString();
  const base = events("f", "t", "p");
  for (const bad of ["not a time", "N/A", "2024-13-45T99:00:00Z"]) {
    // Row 5 (cluster 1) and row 10 (noise) are damaged.
    const cells = base.height;
    const stamps = Array.from({ length: cells }, (_, i) => (i === 5 || i === 10 ? bad : text(i)));
    const df = pl.DataFrame([columnOf(base, "p"), pl.Series("t", stamps), columnOf(base, "f")]);
    const result = dbclusterEvents(df, { clusterColumns: ["f"], timeColumn: "t", normalize: false, maxClusterDistance: 0.5 });
    assert.deepEqual(result.labels, [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, -1]);
    assert.deepEqual(values(result.clustered, "ClusterId"), [-1, 0, 1, 2]);
    const first = (values(result.clustered, "FirstEventTime") as (Date | null)[]).map((d) => d?.toISOString() ?? null);
    const last = (values(result.clustered, "LastEventTime") as (Date | null)[]).map((d) => d?.toISOString() ?? null);
    // Cluster 1 is rows 3–6 without row 5: first is row 6's time, last row 3's.
    assert.deepEqual(first, [null, text(2), text(6), text(9)], bad);
    assert.deepEqual(last, [null, text(0), text(3), text(7)], bad);
    assert.equal(values(result.clustered, "t")[0], bad, "the input cell itself is kept");
  }
  const notTimes = pl.DataFrame([columnOf(base, "p"), pl.Series("t", base.getColumn("f").toArray().map((_, i) => `word${i}`)), columnOf(base, "f")]);
  assert.throws(() => dbclusterEvents(notTimes, { clusterColumns: ["f"], timeColumn: "t" }), { code: "analysis/time-column-not-time", message: /"t" .*"word0"/ });
  // Mostly words, a few times: still not a time column.
  const mostlyWords = pl.DataFrame([columnOf(base, "p"), pl.Series("t", Array.from({ length: base.height }, (_, i) => (i < 4 ? text(i) : `word${i}`))), columnOf(base, "f")]);
  assert.throws(() => dbclusterEvents(mostlyWords, { clusterColumns: ["f"], timeColumn: "t" }), { code: "analysis/time-column-not-time", message: /"t" .*"word4"/ });
  // Many distinct bad cells among times: each is a missing time.
  const many = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `junk${i}` : text(i)));
  const manyDf = pl.DataFrame([pl.Series("t", many), pl.Series("f", many.map((_, i) => (i < 150 ? 1 : 9)), pl.Float64)]);
  const manyResult = dbclusterEvents(manyDf, { clusterColumns: ["f"], timeColumn: "t", normalize: false, maxClusterDistance: 0.5 });
  assert.deepEqual((values(manyResult.clustered, "FirstEventTime") as Date[]).map((d) => d.toISOString()), [text(149), text(299)]);
  assert.deepEqual((values(manyResult.clustered, "LastEventTime") as Date[]).map((d) => d.toISOString()), [text(1), text(151)]);
});

test("a text time column with no time at all (every cell null or blank): STL says so; dbclusterEvents reads missing times, as from a null Datetime column", () => {
  for (const cell of [null, "", "  "]) {
    const empty = pl.Series("TimeGenerated", Array.from({ length: 72 }, () => cell), pl.Utf8);
    assert.throws(() => timeseriesAnomaliesStl(pl.DataFrame([empty, pl.Series("Bytes", spiky())])), {
      code: "analysis/time-column-not-time",
      message: 'timeseriesAnomaliesStl: time column "TimeGenerated" holds no times at all (every value is empty or null); pass the timeColumn that has them.',
    });
    const base = events("f", "t", "p");
    const blank = pl.DataFrame([columnOf(base, "p"), pl.Series("t", Array.from({ length: base.height }, () => cell), pl.Utf8), columnOf(base, "f")]);
    const nullTimes = base.withColumns(pl.Series("t", Array.from({ length: base.height }, () => null), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms")));
    const options = { clusterColumns: ["f"], timeColumn: "t", normalize: false, maxClusterDistance: 0.5 };
    const got = dbclusterEvents(blank, options);
    const reference = dbclusterEvents(nullTimes, options);
    assert.deepEqual(got.labels, reference.labels, JSON.stringify(cell));
    assert.deepEqual(values(got.clustered, "FirstEventTime"), values(reference.clustered, "FirstEventTime"));
    assert.ok(values(got.clustered, "FirstEventTime").every((t) => t === null));
  }
});

test("errors name the value's column and time, and the off-grid point itself", () => {
  const text = spiky().map(String);
  text[3] = "1e400";
  const df = pl.DataFrame([times("TimeGenerated"), pl.Series("Bytes", text)]);
  assert.throws(() => timeseriesAnomaliesStl(df), { code: "analysis/not-finite", message: /"Bytes" .*Infinity .*2024-01-01T03:00:00Z/ });
  const floats = pl.DataFrame([times("TimeGenerated"), pl.Series("Bytes", spiky().map((x, i) => (i === 4 ? Number.NEGATIVE_INFINITY : x)))]);
  assert.throws(() => timeseriesAnomaliesStl(floats), { code: "analysis/not-finite", message: /"Bytes" .*-Infinity .*2024-01-01T04:00:00Z/ });

  for (const [row, offset, when] of [[7, 60_000, "2024-01-01T07:01:00Z"], [0, 60_000, "2024-01-01T00:01:00Z"], [71, -120_000, "2024-01-03T22:58:00Z"]] as const) {
    const shifted = hours(72).map((d, i) => new Date(d.getTime() + (i === row ? offset : 0)));
    const irregular = pl.DataFrame([pl.Series("TimeGenerated", shifted, pl.Datetime("ms")), pl.Series("v", spiky())]);
    assert.throws(
      () => timeseriesAnomaliesStl(irregular),
      (e: unknown) => {
        const message = (e as Error).message;
        assert.equal((e as { code?: string }).code, "analysis/irregular-series");
        assert.match(message, new RegExp(`${when} is not on the 1h grid`), message);
        return true;
      },
    );
  }
});

test("the grid is the most common spacing: one stray point among hourly ones is named, not made a minute grid that fill pads 60 to 1; gaps in an hourly series are still hours", () => {
  // 96 hourly points and one at 00:01: the smallest spacing (1 min) made a 5,701-point grid, 5,604 of them filled.
  const stray = [...hours(96), new Date(hours(1)[0].getTime() + 60_000)];
  const df = pl.DataFrame([pl.Series("TimeGenerated", stray, pl.Datetime("ms")), pl.Series("v", [...spiky(), ...spiky()].slice(0, 96).concat([5]))]);
  for (const fill of ["zero", "interpolate", "previous"] as const) {
    assert.throws(() => timeseriesAnomaliesStl(df, { fill }), { code: "analysis/irregular-series", message: /2024-01-01T00:01:00Z is not on the 1h grid/ }, fill);
  }
  // Hourly with gaps (every 5th hour missing): an hourly grid, the gaps filled.
  const kept = hours(96).filter((_, i) => i % 5 !== 3);
  const gappy = pl.DataFrame([pl.Series("TimeGenerated", kept, pl.Datetime("ms")), pl.Series("v", kept.map((_, i) => 10 + (i % 24)))]);
  const out = timeseriesAnomaliesStl(gappy, { fill: "zero" });
  assert.equal(out.height, 96);
  assert.equal((out.getColumn("filled").toArray() as boolean[]).filter(Boolean).length, 96 - kept.length);
});

test("feature helpers: columns named like frame members come back unchanged, features computed", () => {
  const paths = ["C:\\Windows\\System32\\cmd.exe", "C:\\Tools\\x.exe", "C:\\Windows\\notepad.exe"];
  const lines = ["cmd /c dir", "x.exe -a", "notepad"];
  for (const name of MEMBER_NAMES) {
    const df = pl.DataFrame([pl.Series(name, ["a", "b", "c"]), pl.Series("NewProcessName", paths), pl.Series("CommandLine", lines), pl.Series("SubjectLogonId", ["0x3e7", "0x1", "-1"])]);
    const out = addProcessFeatures(df);
    const names = columnNames(out);
    assert.deepEqual(names.slice(0, 4), [name, "NewProcessName", "CommandLine", "SubjectLogonId"], name);
    assert.deepEqual(values(out, name), ["a", "b", "c"]);
    assert.deepEqual(values(out, "processName"), ["cmd.exe", "x.exe", "notepad.exe"]);
    assert.deepEqual(values(out, "isSystemSession"), [true, false, true]);
    // The text column itself, and the feature written under such a name.
    const scored = withCrc32Hash(withStringScore(df, name), name, "lazy");
    assert.deepEqual(values(scored, `${name}Score`), [97, 98, 99]);
    assert.deepEqual(values(scored, "lazy"), ["a", "b", "c"].map((c) => crc32Hash(c)));
    assert.deepEqual(columnNames(scored).slice(0, 4), [name, "NewProcessName", "CommandLine", "SubjectLogonId"]);
  }
});

test("timeseriesAnomaliesStl keeps the time column's type (µs UTC as polars reads CSV, or Date), so the result joins back onto the input", () => {
  const v = spiky();
  const us = pl.DataFrame([times("TimeGenerated").cast(pl.Datetime("us")), pl.Series("Total", v)]).withColumns(pl.col("TimeGenerated").dt.replaceTimeZone("UTC"));
  const out = timeseriesAnomaliesStl(us);
  assert.equal(String(columnOf(out, "TimeGenerated").dtype), String(columnOf(us, "TimeGenerated").dtype));
  assert.equal(out.join(us.select("TimeGenerated").withColumns(pl.lit(1).alias("seen")), { on: "TimeGenerated" }).height, 72);
  const days = Array.from({ length: 35 }, (_, i) => new Date(T0 + i * 24 * HOUR));
  const daily = pl.DataFrame([pl.Series("day", days, pl.Datetime("ms")).cast(pl.Date), pl.Series("n", days.map((_, i) => 10 + (i % 7) + (i === 20 ? 50 : 0)))]);
  const dout = timeseriesAnomaliesStl(daily, { period: 7 });
  assert.equal(columnOf(dout, "day").dtype.variant, "Date");
  assert.equal(dout.join(daily, { on: "day" }).height, 35);
});

test("timeseriesAnomaliesStl keeps a µs or ns time column's digits below the ms (times rebuilt from ms joined back onto nothing), filled rows' times made in the column's unit", () => {
  const v = spiky();
  // Hourly times 7 µs and 123456789 ns past the hour (as MDE and Sysmon write 100 ns): not whole milliseconds.
  const past = (unit: "us" | "ns", by: number) => pl.col("TimeGenerated").cast(pl.Datetime(unit)).cast(pl.Int64).add(by).cast(pl.Datetime(unit));
  const us = pl.DataFrame([times("TimeGenerated"), pl.Series("Total", v)]).withColumns(past("us", 7));
  const ns = pl.DataFrame([times("TimeGenerated"), pl.Series("Total", v)]).withColumns(past("ns", 123_456_789).dt.replaceTimeZone("UTC").dt.convertTimeZone("Asia/Kolkata"));
  for (const df of [us, ns]) {
    const out = timeseriesAnomaliesStl(df);
    assert.equal(String(columnOf(out, "TimeGenerated").dtype), String(columnOf(df, "TimeGenerated").dtype));
    assert.ok(columnOf(out, "TimeGenerated").equals(columnOf(df, "TimeGenerated")), "the input's own times, to the last digit");
    assert.equal(out.join(df.select("TimeGenerated").withColumns(pl.lit(1).alias("seen")), { on: "TimeGenerated" }).height, 72);
  }
  // A gap filled: its row's time is made (on the grid, in the column's unit); the others are the input's.
  const gappy = us.filter(pl.col("Total").isNotNull()).slice(0, 40).vstack(us.slice(41, 31));
  const filled = timeseriesAnomaliesStl(gappy, { fill: "zero" });
  assert.equal(filled.height, 72);
  const texts = filled.select(pl.col("TimeGenerated").cast(pl.Utf8)).getColumn("TimeGenerated").toArray() as string[];
  assert.ok(texts[40].endsWith(":00:00.000000"), `made on the grid: ${texts[40]}`);
  assert.ok(texts[39].endsWith(":00:00.000007") && texts[41].endsWith(":00:00.000007"), `${texts[39]} ${texts[41]}`);
});

test("timeseriesAnomaliesStl: spikes beyond 1e154 are scored (their squares overflowed: every score 0), and values past Int64 stay numbers in msticpy mode", () => {
  for (const spike of [1e300, 1e20]) {
    const v = spiky().map((x, i) => (i === 50 ? spike : x));
    const out = timeseriesAnomaliesStl(pl.DataFrame([times("t"), pl.Series("v", v)]));
    const flagged = values(out, "anomalies").flatMap((a, i) => (a === 1 ? [i] : []));
    assert.deepEqual(flagged, [50], `spike ${spike}`);
    assert.equal(values(out, "v")[50], spike, "not null");
    assert.equal(columnOf(out, "v").dtype.variant, "Float64");
  }
  // Ordinary values keep MSTICPy's whole numbers.
  assert.equal(columnOf(timeseriesAnomaliesStl(pl.DataFrame([times("t"), pl.Series("v", spiky())])), "v").dtype.variant, "Int64");
});

test("addProcessFeatures: a command-line column null in every row (polars' Null type) is empty text", () => {
  const df = pl.readRecords([
    { NewProcessName: "C:\\Windows\\System32\\cmd.exe", CommandLine: null },
    { NewProcessName: "C:\\Windows\\explorer.exe", CommandLine: null },
  ]);
  assert.equal(columnOf(df, "CommandLine").dtype.variant, "Null");
  const out = addProcessFeatures(df, { processColumn: "NewProcessName", commandLineColumn: "CommandLine" });
  assert.deepEqual(values(out, "commandlineLen"), [0, 0]);
  assert.deepEqual(values(out, "processName"), ["cmd.exe", "explorer.exe"]);
});

test("an epoch-number time column (a SIEM's _time in seconds or ms) is refused saying how to make it times, and the conversion it gives works", () => {
  const seconds = pl.Series("_time", hours(72).map((d) => d.getTime() / 1000), pl.Int64);
  const df = pl.DataFrame([seconds, pl.Series("n", spiky())]);
  const hint = /time column "_time" must hold times \(Datetime, Date or time text\); it is Int64: for epoch times convert it first, from their size \(about 1\.\d\de\+9\) seconds since 1970; their median read so is \d{4}-\d\d-\d\dT[\d:]{8}Z: df\.withColumns\(pl\.col\("_time"\)\.mul\(1000\)\.cast\(pl\.Datetime\("ms"\)\)\)\.$/;
  assert.throws(() => timeseriesAnomaliesStl(df, { timeColumn: "_time" }), { code: "analysis/time-column-not-time", message: hint });
  assert.throws(() => dbclusterEvents(df, { clusterColumns: "n", timeColumn: "_time" }), { code: "analysis/time-column-not-time", message: /it is Int64: for epoch times convert it first/ });
  assert.throws(() => extractAnomalyPeriods(df.withColumns(pl.lit(1).alias("anomalies")), { timeColumn: "_time" }), { code: "analysis/time-column-not-time", message: /it is Int64: for epoch times/ });
  // The advice, followed, gives the series' hours.
  const converted = df.withColumns(pl.col("_time").mul(1000).cast(pl.Datetime("ms")));
  const out = timeseriesAnomaliesStl(converted, { timeColumn: "_time" });
  assert.deepEqual(values(out, "_time").slice(0, 2), hours(2));
  // A Boolean or text-free column gets no epoch advice.
  assert.throws(() => timeseriesAnomaliesStl(df.withColumns(pl.lit(true).alias("_time")), { timeColumn: "_time" }), { code: "analysis/time-column-not-time", message: /it is Bool\.$/ });
});

test("a default value column that is not numeric (KQL's summarize count() by bin(TimeGenerated, 1h), Computer puts Computer first) says it was the default and names the numeric columns", () => {
  const df = pl.DataFrame([times("TimeGenerated"), pl.Series("Computer", new Array(72).fill("host1")), pl.Series("count_", spiky()), pl.Series("bytes", spiky())]);
  assert.throws(() => timeseriesAnomaliesStl(df), {
    code: "analysis/column-not-numeric",
    message: /^timeseriesAnomaliesStl: column "Computer" must be numeric, but row 0 holds "host1", which is not a number\. It is the value column by default \(the first column besides the time column, MSTICPy's rule\): pass dataColumn, e\.g\. dataColumn: "count_" \(numeric columns: count_, bytes\)\.$/,
  });
  // Named, it is the caller's choice: no default to explain.
  assert.throws(() => timeseriesAnomaliesStl(df, { dataColumn: "Computer" }), { message: /which is not a number\.$/ });
  assert.equal(columnOf(timeseriesAnomaliesStl(df, { dataColumn: "count_" }), "anomalies").len(), 72);
  // No numeric column at all: the hint says to make one.
  assert.throws(() => timeseriesAnomaliesStl(df.select("TimeGenerated", "Computer")), { message: /It is the value column by default .*: pass dataColumn \(no column is numeric\)\.$/ });
});

test("Int64 values past 2^53 (byte counters) come back exact in the value column; filled points as filled", () => {
  // Odd values past 2^53 have no double: read as numbers they came back one off (9007199254741193 → …192).
  const text = spiky().map((v, i) => String(2n ** 53n + 2n * BigInt(Math.round(v)) + 1n + (i === 10 ? 1n : 0n)));
  const counts = pl.DataFrame({ c: text }).select(pl.col("c").cast(pl.Int64)).getColumn("c");
  const df = pl.DataFrame([times("TimeGenerated"), counts.rename("bytes")]);
  const out = timeseriesAnomaliesStl(df);
  assert.equal(String(columnOf(out, "bytes").dtype), "DataType(Int64)");
  assert.deepEqual(columnOf(out, "bytes").cast(pl.Utf8).toArray(), text);
  // Unsorted input, a gap filled: each row keeps its own value, the filled one is the fill.
  const gapped = pl.DataFrame([times("TimeGenerated"), counts.rename("bytes")]).slice(0, 72).filter(pl.col("TimeGenerated").neq(pl.lit(hours(72)[5]))).reverse();
  const filled = timeseriesAnomaliesStl(gapped, { fill: "zero" });
  assert.deepEqual(columnOf(filled, "bytes").cast(pl.Utf8).toArray(), text.map((t, i) => (i === 5 ? "0" : t)));
  assert.equal(columnOf(filled, "filled").toArray().indexOf(true), 5);
});

test("a text time column of epoch numbers (a CSV's _time, \"1704067200\" or \"1704067200.5\") is refused saying how to make it times; the advice works", () => {
  const text = hours(72).map((d) => String(d.getTime() / 1000));
  const df = pl.DataFrame([pl.Series("_time", text), pl.Series("n", spiky())]);
  const hint = /Values that are not times: "1704067200", .*\. They look like epoch times: convert them first, from their size \(about 1\.\d\de\+9\) seconds since 1970; their median read so is \d{4}-\d\d-\d\dT[\d:]{8}Z: df\.withColumns\(pl\.col\("_time"\)\.cast\(pl\.Float64\)\.mul\(1000\)\.cast\(pl\.Datetime\("ms"\)\)\)\.$/;
  assert.throws(() => timeseriesAnomaliesStl(df, { timeColumn: "_time" }), { code: "analysis/time-column-not-time", message: hint });
  const out = timeseriesAnomaliesStl(df.withColumns(pl.col("_time").cast(pl.Float64).mul(1000).cast(pl.Datetime("ms"))), { timeColumn: "_time" });
  assert.deepEqual(values(out, "_time").slice(0, 2), hours(2));
  // Words are no epoch times: no such advice.
  assert.throws(() => timeseriesAnomaliesStl(df.withColumns(pl.lit("soon").alias("_time")), { timeColumn: "_time" }), { message: /"soon"\.$/ });
  // Nor small numbers (counts, ids: no time in any unit).
  assert.throws(() => timeseriesAnomaliesStl(df.withColumns(pl.lit("42").alias("_time")), { timeColumn: "_time" }), { message: /"42"\.$/ });
});

test("Categorical text columns (a Parquet or Arrow file from pandas' category dtype, read as polars reads it) are text to the analysis functions", () => {
  const cat = (s: pl.Series) => s.cast(pl.Categorical);
  const text = pl.DataFrame([pl.Series("TimeGenerated", hours(72).map((d) => d.toISOString())), pl.Series("n", spiky().map((v) => String(Math.round(v))))]);
  const categorical = pl.DataFrame([cat(columnOf(text, "TimeGenerated")), cat(columnOf(text, "n"))]);
  assert.equal(String(columnOf(categorical, "n").dtype), "DataType(Categorical)");
  const want = timeseriesAnomaliesStl(text);
  const got = timeseriesAnomaliesStl(categorical);
  assert.deepEqual(values(got, "TimeGenerated"), values(want, "TimeGenerated"));
  assert.deepEqual(values(got, "score"), values(want, "score"));
  assert.deepEqual(values(got, "anomalies"), values(want, "anomalies"));
  assert.equal(values(got, "anomalies")[50], 1, "the spike");
  assert.deepEqual(extractAnomalyPeriods(got), extractAnomalyPeriods(want));
  // Features read Categorical paths and command lines; a cluster's times a Categorical time column.
  const procs = pl.DataFrame([
    cat(pl.Series("NewProcessName", ["C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\cmd.exe", "/usr/bin/curl"])),
    cat(pl.Series("CommandLine", ["cmd /c whoami", "cmd /c whoami", "curl -s http://x"])),
    cat(pl.Series("SubjectLogonId", ["0x3e7", "0x3e7", "-1"])),
    cat(pl.Series("TimeCreatedUtc", ["2024-01-01T00:00:00Z", "2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z"])),
  ]);
  const features = addProcessFeatures(procs);
  assert.deepEqual(values(features, "processName"), ["cmd.exe", "cmd.exe", "curl"]);
  assert.deepEqual(values(features, "commandlineLen"), [13, 13, 16]);
  assert.deepEqual(values(features, "isSystemSession"), [true, true, true]);
  const clusters = dbclusterEvents(features, { clusterColumns: ["commandlineLen", "pathScore"], normalize: false });
  assert.deepEqual(clusters.labels, [0, 0, -1]);
  assert.deepEqual(values(clusters.clustered, "LastEventTime").map(String), [new Date(Date.UTC(2024, 0, 1, 0, 10)), new Date(Date.UTC(2024, 0, 1, 0, 5))].map(String));
});

test("Infinity, -Infinity and NaN in the value column: ±Infinity refused naming the column and time; NaN is an empty value (refused by default, filled when asked, never NaN out)", () => {
  for (const [bad, shown] of [[Number.POSITIVE_INFINITY, "Infinity"], [Number.NEGATIVE_INFINITY, "-Infinity"]] as const) {
    const df = pl.DataFrame([times("TimeGenerated"), pl.Series("Ratio", spiky().map((x, i) => (i === 30 ? bad : x)))]);
    for (const fill of ["error", "zero", "interpolate"] as const) {
      assert.throws(() => timeseriesAnomaliesStl(df, { fill }), { code: "analysis/not-finite", message: new RegExp(`"Ratio" .*${shown} .*2024-01-02T06:00:00Z`) }, `${shown} ${fill}`);
    }
  }
  const nan = pl.DataFrame([times("TimeGenerated"), pl.Series("Ratio", spiky().map((x, i) => (i === 10 || i === 11 ? Number.NaN : x)))]);
  assert.throws(() => timeseriesAnomaliesStl(nan), { message: /2 empty values in "Ratio".*2024-01-01T10:00:00Z/ });
  const filled = timeseriesAnomaliesStl(nan, { fill: "interpolate" });
  for (const column of ["Ratio", "residual", "trend", "seasonal", "baseline", "score"]) {
    assert.ok((values(filled, column) as number[]).every(Number.isFinite), `${column}: finite everywhere`);
  }
  assert.deepEqual(values(filled, "filled").slice(9, 13), [false, true, true, false]);
  assert.equal((values(filled, "anomalies") as number[])[50], 1, "the spike is still found");
});
