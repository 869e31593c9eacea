/**
 * timeseriesAnomaliesStl on the lab's network summary. Reference values:
 * test/analysis/fixtures/stl-msticpy-lab.json (MSTICPy's post-processing re-done
 * on statsmodels' STL by scripts/make-stl-fixtures.py) and the lab's answers
 * (data/answers.json, copied from the original lab).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { AnalysisError } from "../../src/analysis/errors";
import {
  createTimePeriodKqlFilter,
  extractAnomalyPeriods,
  parseDuration,
  setNewAnomalyThreshold,
  timeseriesAnomaliesStl,
  type AnomalyPeriodOptions,
  type KqlFilterOptions,
  type TimeseriesAnomaliesOptions,
} from "../../src/analysis/timeseries";
import { checkAnswers, loadAnswers } from "../../src/lab/answers";

interface MsticpyRow {
  TimeGenerated: string;
  TotalBytesSent: number;
  residual: number;
  trend: number;
  seasonal: number;
  weights: number;
  baseline: number;
  score: number;
  anomalies: number;
}

const REFERENCE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "stl-msticpy-lab.json"), "utf8")) as { rows: MsticpyRow[] };
const ANSWERS = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "data", "answers.json"), "utf8")) as { question1: string; question2: string };

const qp = new QueryProvider("LocalData");
const series = () => qp.Network.get_network_summary();

type Row = Record<string, unknown>;
const rows = (df: pl.DataFrame) => df.toRecords() as Row[];
const iso = (v: unknown) => (v as Date).toISOString().replace(".000Z", "Z");

test("the lab series: MSTICPy's output value by value (integer casting, z-score, labels)", async () => {
  const input = await series();
  assert.equal(input.getColumn("TotalBytesSent").dtype.variant === "String" || input.getColumn("TotalBytesSent").dtype.variant === "Utf8", true, "the lab's values are text");
  const out = timeseriesAnomaliesStl(input);
  assert.deepEqual(out.columns, ["TimeGenerated", "TotalBytesSent", "residual", "trend", "seasonal", "weights", "baseline", "score", "anomalies"]);
  assert.equal(out.getColumn("residual").dtype.variant, "Int64");
  assert.equal(out.getColumn("TotalBytesSent").dtype.variant, "Int64");
  const got = rows(out);
  assert.equal(got.length, REFERENCE.rows.length);
  got.forEach((row, i) => {
    const want = REFERENCE.rows[i];
    assert.equal(iso(row.TimeGenerated), want.TimeGenerated);
    for (const k of ["TotalBytesSent", "residual", "trend", "seasonal", "weights", "baseline", "anomalies"] as const) {
      assert.equal(row[k], want[k], `${want.TimeGenerated} ${k}`);
    }
    assert.ok(Math.abs((row.score as number) - want.score) <= 1e-9 * Math.max(1, Math.abs(want.score)), `${want.TimeGenerated} score`);
  });
});

test("the lab's exercise answers come out", async () => {
  const out = timeseriesAnomaliesStl(await series());
  const anomalous = rows(out).filter((r) => r.anomalies !== 0);
  assert.deepEqual(
    anomalous.map((r) => [iso(r.TimeGenerated), r.anomalies, Number((r.score as number).toFixed(2))]),
    [
      ["2020-07-10T18:00:00Z", 1, 6.22],
      ["2020-07-10T19:00:00Z", 1, 6.06],
    ],
  );
  const dates = [...new Set(anomalous.map((r) => iso(r.TimeGenerated).slice(0, 10)))];
  assert.deepEqual(dates, [ANSWERS.question1]);
  const at19 = rows(out).find((r) => iso(r.TimeGenerated) === "2020-07-06T19:00:00Z");
  assert.equal(String(at19?.TotalBytesSent), ANSWERS.question2);
});

test("clean mode: float components, dips by negative score", async () => {
  const input = await series();
  const clean = timeseriesAnomaliesStl(input, { mode: "clean" });
  assert.equal(clean.getColumn("residual").dtype.variant, "Float64");
  const r = rows(clean);
  // Floats agree with the truncated MSTICPy numbers to within one unit.
  r.forEach((row, i) => assert.ok(Math.abs((row.trend as number) - REFERENCE.rows[i].trend) < 1));
  r.forEach((row) => assert.ok(Math.abs((row.baseline as number) - (row.trend as number) - (row.seasonal as number)) < 1e-6));
  assert.deepEqual(
    r.filter((x) => x.anomalies !== 0).map((x) => iso(x.TimeGenerated)),
    ["2020-07-10T18:00:00Z", "2020-07-10T19:00:00Z"],
  );
  // A deep dip: MSTICPy never flags it; clean mode labels it −1.
  const values = (input.getColumn("TotalBytesSent").toArray() as unknown as string[]).map(Number);
  values[100] = 0;
  const dipped = input.withColumns(pl.Series("TotalBytesSent", values, pl.Float64));
  const dipClean = rows(timeseriesAnomaliesStl(dipped, { mode: "clean" }));
  const dipMsticpy = rows(timeseriesAnomaliesStl(dipped));
  assert.equal(dipClean[100].anomalies, -1);
  assert.ok((dipClean[100].score as number) < -3);
  assert.equal(dipMsticpy[100].anomalies, 0);
});

test("input is sorted by time; other columns ride along", async () => {
  const input = (await series()).withColumns(pl.Series("Host", Array.from({ length: 168 }, (_, i) => `h${i}`)));
  const reversed = input.reverse();
  const out = timeseriesAnomaliesStl(reversed, { dataColumn: "TotalBytesSent" });
  const expected = timeseriesAnomaliesStl(input.select("TimeGenerated", "TotalBytesSent"));
  assert.deepEqual(out.getColumn("trend").toArray(), expected.getColumn("trend").toArray());
  assert.deepEqual(out.columns.slice(0, 3), ["TimeGenerated", "TotalBytesSent", "Host"]);
  assert.equal(rows(out)[5].Host, "h5");
});

test("numeric text, text times and numeric columns are accepted", async () => {
  const input = await series();
  const text = pl.DataFrame({
    when: (input.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.toISOString()),
    bytes: input.getColumn("TotalBytesSent").toArray() as unknown as string[],
  });
  const a = timeseriesAnomaliesStl(text, { timeColumn: "when" });
  const b = timeseriesAnomaliesStl(input);
  assert.deepEqual(a.getColumn("residual").toArray(), b.getColumn("residual").toArray());
  assert.equal(a.getColumn("when").dtype.variant, "Datetime");
});

test("bad input: named column, value and row; too short; gaps and empty values", async () => {
  const input = await series();
  const values = input.getColumn("TotalBytesSent").toArray() as unknown as string[];
  const bad = input.withColumns(pl.Series("TotalBytesSent", values.map((v, i) => (i === 7 ? "12,5k" : v))));
  assert.throws(
    () => timeseriesAnomaliesStl(bad),
    (e: unknown) => e instanceof AnalysisError && e.code === "analysis/column-not-numeric" && /column "TotalBytesSent" .*row 7 holds "12,5k"/.test(e.message),
  );
  assert.throws(() => timeseriesAnomaliesStl(input, { dataColumn: "TotalBytes" }), { code: "analysis/column-missing", message: /dataColumn "TotalBytes" .*Did you mean TotalBytesSent\?/ });
  assert.throws(() => timeseriesAnomaliesStl(input.head(40)), { code: "analysis/series-too-short", message: /"TotalBytesSent" has 40 points; .*period 24 .*48/ });
  assert.throws(() => timeseriesAnomaliesStl(input, { seasonal: 6 }), { code: "analysis/invalid-option", message: /seasonal .*got 6/ });
  assert.throws(() => timeseriesAnomaliesStl(input.withColumns(pl.Series("TotalBytesSent", values.map(() => true)))), {
    code: "analysis/column-not-numeric",
    message: /"TotalBytesSent"/,
  });

  // Drop two hours: a gap.
  const gappy = input.filter(pl.col("TimeGenerated").dt.hour().neq(5).or(pl.col("TimeGenerated").dt.day().neq(8)));
  assert.equal(gappy.height, 167);
  assert.throws(() => timeseriesAnomaliesStl(gappy), { code: "analysis/series-gaps", message: /1 time missing from the 1h grid, first at 2020-07-08T05:00:00Z\. Pass fill/ });
  const empty = input.withColumns(pl.Series("TotalBytesSent", values.map((v, i) => (i === 30 ? null : v)), pl.Utf8));
  assert.throws(() => timeseriesAnomaliesStl(empty), { code: "analysis/series-gaps", message: /1 empty value in "TotalBytesSent", first at 2020-07-07T06:00:00Z/ });
  const dup = pl.concat([input, input.head(1)]);
  assert.throws(() => timeseriesAnomaliesStl(dup), { code: "analysis/duplicate-time", message: /2020-07-06T00:00:00Z .*"TimeGenerated" \(rows \d+ and \d+\)/ });
  const irregular = input.withColumns(
    pl.Series("TimeGenerated", (input.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d, i) => new Date(d.getTime() + (i === 9 ? 60_000 : 0))), pl.Datetime("ms", "UTC")),
  );
  assert.throws(() => timeseriesAnomaliesStl(irregular, { interval: "1h" }), { code: "analysis/irregular-series", message: /"TimeGenerated" .*2020-07-06T09:01:00Z .*1h grid/ });

  // Filling.
  const filled = timeseriesAnomaliesStl(gappy, { fill: "interpolate" });
  assert.equal(filled.height, 168);
  const r = rows(filled);
  const i = r.findIndex((x) => iso(x.TimeGenerated) === "2020-07-08T05:00:00Z");
  assert.equal(r[i].filled, true);
  assert.equal(r[i].TotalBytesSent, Math.trunc((Number(values[i - 1]) + Number(values[i + 1])) / 2));
  assert.equal(r.filter((x) => x.filled).length, 1);
  assert.equal(rows(timeseriesAnomaliesStl(gappy, { fill: "zero" }))[i].TotalBytesSent, 0);
  assert.equal(rows(timeseriesAnomaliesStl(empty, { fill: "previous" }))[30].TotalBytesSent, Number(values[29]));
});

test("anomaly periods and the KQL filter, as MSTICPy builds them", async () => {
  const out = timeseriesAnomaliesStl(await series());
  const periods = extractAnomalyPeriods(out);
  assert.deepEqual(
    periods.map((p) => [p.start.toISOString(), p.end.toISOString()]),
    [["2020-07-10T17:00:00.000Z", "2020-07-10T20:00:00.000Z"]],
  );
  assert.equal(
    createTimePeriodKqlFilter(periods),
    "| where TimeGenerated between (datetime(2020-07-10T17:00:00Z) .. datetime(2020-07-10T20:00:00Z))",
  );
  // MSTICPy's keyword names (or a typo) were ignored and the default used, silently: dips were dropped, the threshold kept at 3.
  const named = (fn: string, option: string, meant: string) => ({ name: "AnalysisError", code: "analysis/invalid-option", message: new RegExp(`^${fn}: unknown option ${option} \\(did you mean ${meant}\\?\\); its options are `) });
  assert.throws(() => timeseriesAnomaliesStl(out, { score_threshold: 100 } as TimeseriesAnomaliesOptions), named("timeseriesAnomaliesStl", "score_threshold", "scoreThreshold"));
  assert.throws(() => extractAnomalyPeriods(out, { pos_only: false } as AnomalyPeriodOptions), named("extractAnomalyPeriods", "pos_only", "posOnly"));
  assert.throws(() => createTimePeriodKqlFilter(periods, { column: "x" } as KqlFilterOptions), { code: "analysis/invalid-option", message: /^createTimePeriodKqlFilter: unknown option column \(did you mean timeColumn\?\); its options are timeColumn\.$/ });
  assert.throws(() => extractAnomalyPeriods(out, "1h" as unknown as AnomalyPeriodOptions), { code: "analysis/invalid-option", message: /extractAnomalyPeriods: its options must be an object; got "1h"/ });
  assert.equal(extractAnomalyPeriods(out, { posOnly: undefined }).length, 1, "an option set to undefined is absent");
  // Merging: a bucket within 2 × period of the previous *anomaly* (01:00 → 03:00) extends the range; 09:30 (a dip) and 12:00 do not.
  const synthetic = pl.DataFrame({
    TimeGenerated: ["2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z", "2024-01-01T03:00:00Z", "2024-01-01T09:30:00Z", "2024-01-01T12:00:00Z"],
    anomalies: [1, 0, 1, -1, 1],
  });
  const merged = extractAnomalyPeriods(synthetic);
  assert.deepEqual(
    merged.map((p) => [p.start.toISOString().slice(11, 16), p.end.toISOString().slice(11, 16)]),
    [
      ["00:00", "04:00"],
      ["11:00", "13:00"],
    ],
  );
  const both = extractAnomalyPeriods(synthetic, { posOnly: false });
  assert.equal(both.length, 3);
  assert.equal(both[1].start.toISOString().slice(11, 16), "08:00");
  assert.equal(
    createTimePeriodKqlFilter(merged, { timeColumn: "Event Time" }),
    "| where ['Event Time'] between (datetime(2024-01-01T00:00:00Z) .. datetime(2024-01-01T04:00:00Z)) or ['Event Time'] between (datetime(2024-01-01T11:00:00Z) .. datetime(2024-01-01T13:00:00Z))",
  );
  assert.throws(() => createTimePeriodKqlFilter([]), { name: "AnalysisError", code: "analysis/no-periods" });
  assert.equal(parseDuration("15min"), 900_000);
  assert.equal(parseDuration("1H"), 3_600_000);
  assert.throws(() => parseDuration("1 fortnight"), { code: "analysis/not-a-duration", message: /"1 fortnight"/ });
  // pandas' M is a month: read case-insensitively it was a minute, silently.
  assert.throws(() => parseDuration("1M", "period"), { code: "analysis/not-a-duration", message: /period "1M": M is a month in pandas/ });
  assert.equal(parseDuration("5m"), 300_000);
  assert.throws(() => extractAnomalyPeriods(pl.DataFrame({ TimeGenerated: [new Date(0)], anomalies: [1] }), { period: "1M" }), { code: "analysis/not-a-duration" });
});

test("setNewAnomalyThreshold relabels both ways", async () => {
  const out = timeseriesAnomaliesStl(await series());
  const relabelled = setNewAnomalyThreshold(out, 2.5, 2);
  const r = rows(relabelled);
  for (const row of r) {
    const s = row.score as number;
    assert.equal(row.anomalies, s >= 2.5 ? 1 : s <= -2 ? -1 : 0);
  }
  assert.ok(r.filter((x) => x.anomalies === 1).length >= 2);
});

test("answer check against data/answers.json", () => {
  const answers = loadAnswers();
  assert.deepEqual(answers, ANSWERS);
  const right = checkAnswers({ question1: "2020-07-10", question2: 29670 });
  assert.deepEqual(right.results.map((r) => r.correct), [true, true]);
  assert.ok(right.allCorrect);
  const wrong = checkAnswers({ question1: "2020-07-06", question2: "29,670" });
  assert.deepEqual(wrong.results.map((r) => r.correct), [false, true]);
  assert.match(wrong.toText(), /question1: .*not quite/i);
  const unanswered = checkAnswers({ question1: "" });
  assert.equal(unanswered.results[0].correct, false);
  assert.equal(unanswered.results[1].answered, false);
});

test("daily points at local midnight in a zone with daylight saving are one regular series", () => {
  // Europe/Berlin: 2024-03-31 has 23 hours, so UTC sees 23 h between the midnights around it;
  // pandas' date_range("2024-02-15", periods=70, freq="D", tz="Europe/Berlin") gives these times.
  const utc = Array.from({ length: 70 }, (_, i) => Date.UTC(2024, 1, 15 + i) - (Date.UTC(2024, 1, 15 + i) >= Date.UTC(2024, 3, 1) ? 2 : 1) * 3_600_000);
  const value = (i: number) => 100 + 10 * Math.sin((2 * Math.PI * i) / 7) + (i === 50 ? 80 : 0);
  const zoned = (rows: number[]) =>
    pl.DataFrame([
      pl.Series("TimeGenerated", rows.map((i) => utc[i]), pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms", "Europe/Berlin")),
      pl.Series("Count", rows.map(value)),
      pl.Series("Host", rows.map((i) => `h${i}`)),
    ]);
  const all = Array.from({ length: 70 }, (_, i) => i);
  const out = timeseriesAnomaliesStl(zoned(all), { period: 7 });
  const naive = timeseriesAnomaliesStl(pl.DataFrame({ TimeGenerated: all.map((i) => new Date(Date.UTC(2024, 1, 15 + i))), Count: all.map(value) }), { period: 7 });
  assert.equal(String(out.getColumn("TimeGenerated").dtype), String(pl.Datetime("ms", "Europe/Berlin")));
  assert.deepEqual((out.getColumn("TimeGenerated").cast(pl.Int64).toArray() as unknown as bigint[]).map(Number), utc);
  assert.deepEqual(out.getColumn("Host").toArray(), all.map((i) => `h${i}`));
  for (const c of ["residual", "trend", "seasonal", "score", "anomalies"]) assert.deepEqual(out.getColumn(c).toArray(), naive.getColumn(c).toArray(), c);
  assert.deepEqual(timeseriesAnomaliesStl(zoned(all), { period: 7, interval: "1d" }).getColumn("score").toArray(), out.getColumn("score").toArray());
  // A missing day is a gap on the local grid, named in local time, and filled at local midnight.
  const gap = all.filter((i) => i !== 44);
  assert.throws(() => timeseriesAnomaliesStl(zoned(gap), { period: 7 }), { code: "analysis/series-gaps", message: /1 time missing from the 1d grid, first at 2024-03-30T00:00:00 Europe\/Berlin/ });
  const filled = timeseriesAnomaliesStl(zoned(gap), { period: 7, fill: "zero" }).filter(pl.col("filled"));
  assert.deepEqual((filled.getColumn("TimeGenerated").cast(pl.Int64).toArray() as unknown as bigint[]).map(Number), [utc[44]]);
});

test("an option given as text is quoted in the error, not shown as the number it spells", async () => {
  const input = await series();
  // `period: "24"` (from a form or a config file) used to read "must be an integer ≥ 2 …; got 24."
  assert.throws(() => timeseriesAnomaliesStl(input, { period: "24" as unknown as number }), { code: "analysis/invalid-option", message: /period .*; got "24" \(text\)\.$/ });
  assert.throws(() => timeseriesAnomaliesStl(input, { scoreThreshold: "3" as unknown as number }), { code: "analysis/invalid-option", message: /scoreThreshold .*; got "3" \(text\)\.$/ });
  assert.throws(() => timeseriesAnomaliesStl(input, { seasonal: 6 }), { code: "analysis/invalid-option", message: /seasonal .*; got 6\.$/ });
});

test("scoreThreshold at or below 0 is refused: a point is an anomaly when its score is above it, so -3 flagged every point", async () => {
  const input = await series();
  for (const bad of [-3, 0]) {
    assert.throws(() => timeseriesAnomaliesStl(input, { scoreThreshold: bad }), {
      code: "analysis/invalid-option",
      message: new RegExp(`^timeseriesAnomaliesStl: scoreThreshold must be a positive number of standard deviations \\(a z-score, e\\.g\\. 3\\); got ${bad}\\.$`),
    });
  }
  const flagged = (df: pl.DataFrame) => (df.getColumn("anomalies").toArray() as unknown as number[]).filter((a) => a !== 0).length;
  assert.ok(flagged(timeseriesAnomaliesStl(input, { scoreThreshold: 0.5 })) < input.height);
});

test("the KQL filter brackets keyword-like and multi-line column names and refuses times it cannot write", () => {
  const hour = [{ start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-01-01T01:00:00Z") }];
  const range = "between (datetime(2024-01-01T00:00:00Z) .. datetime(2024-01-01T01:00:00Z))";
  assert.equal(createTimePeriodKqlFilter(hour, { timeColumn: "Timestamp" }), `| where Timestamp ${range}`);
  // Bare, these read as KQL keywords: `| where where between …`, `| where time between …`.
  assert.equal(createTimePeriodKqlFilter(hour, { timeColumn: "where" }), `| where ['where'] ${range}`);
  assert.equal(createTimePeriodKqlFilter(hour, { timeColumn: "time" }), `| where ['time'] ${range}`);
  // A raw line break would end the string literal (and the query line) inside the name.
  assert.equal(createTimePeriodKqlFilter(hour, { timeColumn: "a'b\\c\nd" }), `| where ['a\\'b\\\\c\\u000ad'] ${range}`);
  assert.throws(() => createTimePeriodKqlFilter([{ start: new Date(Number.NaN), end: hour[0].end }]), {
    code: "analysis/invalid-option",
    message: /periods\[0\]\.start must be a Date from year 1 to 9999; got an invalid Date/,
  });
  assert.throws(() => createTimePeriodKqlFilter([{ start: "2024-01-01" as unknown as Date, end: hour[0].end }]), { code: "analysis/invalid-option", message: /periods\[0\]\.start .*got "2024-01-01"/ });
  assert.throws(() => createTimePeriodKqlFilter([{ start: hour[0].start, end: new Date(Date.UTC(10000, 0, 1)) }]), { code: "analysis/invalid-option", message: /periods\[0\]\.end .*got \+010000-01-01T00:00:00Z/ });
});

test("anomaly periods are bucketed from midnight in the time column's zone, as pandas' resample", () => {
  // Hourly points at whole hours of India's clock (+05:30) are at half past in UTC.
  const at = ["2024-05-06T10:30:00Z", "2024-05-06T11:30:00Z", "2024-05-06T16:30:00Z"].map((t) => Date.parse(t));
  const frame = (zone?: string) =>
    pl.DataFrame([pl.Series("TimeGenerated", at, pl.Float64).cast(pl.Int64).cast(zone ? pl.Datetime("ms", zone) : pl.Datetime("ms")), pl.Series("anomalies", [1, 1, 1])]);
  const iso = (periods: { start: Date; end: Date }[]) => periods.map((p) => [p.start.toISOString().slice(11, 16), p.end.toISOString().slice(11, 16)]);
  assert.deepEqual(iso(extractAnomalyPeriods(frame("Asia/Kolkata"))), [
    ["09:30", "12:30"],
    ["15:30", "17:30"],
  ]);
  // Without a zone (or in UTC) the buckets start at midnight UTC, as before.
  const utc = [
    ["09:00", "12:00"],
    ["15:00", "17:00"],
  ];
  assert.deepEqual(iso(extractAnomalyPeriods(frame())), utc);
  assert.deepEqual(iso(extractAnomalyPeriods(frame("UTC"))), utc);
  // Daily buckets of a Berlin column start at its midnight (22:00 UTC in summer).
  assert.deepEqual(iso(extractAnomalyPeriods(frame("Europe/Berlin"), { period: "1d" })), [["22:00", "22:00"]]);
  assert.equal(extractAnomalyPeriods(frame("Europe/Berlin"), { period: "1d" })[0].start.toISOString(), "2024-05-04T22:00:00.000Z");
});

test("anomaly periods of whole days are calendar days in the column's zone after a daylight-saving change, as pandas resamples by D", () => {
  // Berlin's midnights of 2026-03-20 (CET, 23:00 UTC) and 2026-04-10 (CEST, 22:00 UTC): a fixed 24 h grid from the
  // first put the second bucket at 23:00 UTC the day before, its anomaly an hour before the period's end.
  const at = [Date.UTC(2026, 2, 19, 23), Date.UTC(2026, 3, 9, 22), Date.UTC(2026, 3, 9, 22, 30)];
  const frame = pl.DataFrame([pl.Series("TimeGenerated", at, pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms", "Europe/Berlin")), pl.Series("anomalies", [1, 1, 1])]);
  const iso = (periods: { start: Date; end: Date }[]) => periods.map((p) => [p.start.toISOString(), p.end.toISOString()]);
  // The periods MSTICPy's extract_anomaly_periods gives for "1D" (pandas' resample bins a zoned index by calendar days).
  assert.deepEqual(iso(extractAnomalyPeriods(frame, { period: "1d" })), [
    ["2026-03-18T23:00:00.000Z", "2026-03-20T23:00:00.000Z"],
    ["2026-04-08T22:00:00.000Z", "2026-04-10T22:00:00.000Z"],
  ]);
  // Two-day buckets count calendar days from the first anomaly's midnight: 2026-04-10 local is day 21, in the bucket of 2026-04-09 (day 20).
  assert.deepEqual(iso(extractAnomalyPeriods(frame, { period: "2d" })), [
    ["2026-03-17T23:00:00.000Z", "2026-03-21T23:00:00.000Z"],
    ["2026-04-06T22:00:00.000Z", "2026-04-10T22:00:00.000Z"],
  ]);
  // Hours stay a fixed grid, as before.
  assert.deepEqual(iso(extractAnomalyPeriods(frame, { period: "1h" })).at(-1), ["2026-04-09T21:00:00.000Z", "2026-04-09T23:00:00.000Z"]);
});

test("daily text times with their own UTC offsets across a daylight-saving change are one regular series (or with timeZone once parsed)", () => {
  // Local midnights in Los Angeles, as a Splunk/Sentinel export writes them: -08:00, then -07:00 from 2024-03-10.
  const days = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2024, 1, 1 + i)));
  const dst = Date.UTC(2024, 2, 10);
  const text = days.map((d) => `${d.toISOString().slice(0, 10)}T00:00:00${d.getTime() > dst ? "-07:00" : "-08:00"}`);
  const utc = days.map((d) => d.getTime() + (d.getTime() > dst ? 7 : 8) * 3_600_000);
  const value = (i: number) => 100 + 10 * Math.sin((2 * Math.PI * i) / 7) + (i === 50 ? 80 : 0);
  const rows = days.map((_, i) => i);
  const naive = timeseriesAnomaliesStl(pl.DataFrame({ TimeGenerated: days, Count: rows.map(value) }), { period: 7 });
  const fromText = timeseriesAnomaliesStl(pl.DataFrame({ "TimeGenerated [UTC]": text, Count: rows.map(value) }), { period: 7, timeColumn: "TimeGenerated [UTC]" });
  assert.deepEqual((fromText.getColumn("TimeGenerated [UTC]").cast(pl.Int64).toArray() as unknown as bigint[]).map(Number), utc, "each point keeps its instant");
  for (const c of ["residual", "trend", "seasonal", "score", "anomalies"]) assert.deepEqual(fromText.getColumn(c).toArray(), naive.getColumn(c).toArray(), c);
  // Parsed to UTC first (a CSV reader does), the offsets are gone: the zone says which days they were.
  const parsed = pl.DataFrame([pl.Series("TimeGenerated", utc, pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms")), pl.Series("Count", rows.map(value))]);
  assert.throws(() => timeseriesAnomaliesStl(parsed, { period: 7 }), { code: "analysis/irregular-series" });
  const zoned = timeseriesAnomaliesStl(parsed, { period: 7, timeZone: "America/Los_Angeles" });
  assert.deepEqual((zoned.getColumn("TimeGenerated").cast(pl.Int64).toArray() as unknown as bigint[]).map(Number), utc);
  assert.deepEqual(zoned.getColumn("score").toArray(), naive.getColumn("score").toArray());
  assert.throws(() => timeseriesAnomaliesStl(parsed, { period: 7, timeZone: "America/Nowhere" }), { code: "analysis/invalid-option", message: /timeZone .*"America\/Nowhere"/ });
  // Hourly times with offsets are regular in UTC already; a text gap is named on the local clock.
  assert.throws(() => timeseriesAnomaliesStl(pl.DataFrame({ T: text.filter((_, i) => i !== 40), n: rows.filter((i) => i !== 40).map(value) }), { period: 7, timeColumn: "T" }), {
    code: "analysis/series-gaps",
    message: /first at 2024-03-12T00:00:00 local time/,
  });
});

test("true/false options refuse other values (\"false\" turned robust STL and positive-only periods on), and the KQL filter's arguments are checked", () => {
  const times = Array.from({ length: 96 }, (_, i) => new Date(Date.UTC(2024, 0, 1, i)));
  const df = pl.DataFrame({ TimeGenerated: times, TotalBytesSent: times.map((_, i) => 100 + (i % 24) + (i === 50 ? 500 : 0)) });
  assert.throws(() => timeseriesAnomaliesStl(df, { robust: "false" as unknown as boolean }), { code: "analysis/invalid-option", message: /robust must be true or false/ });
  const scored = timeseriesAnomaliesStl(df);
  assert.throws(() => extractAnomalyPeriods(scored, { posOnly: "false" as unknown as boolean }), { code: "analysis/invalid-option", message: /posOnly must be true or false/ });
  assert.throws(() => createTimePeriodKqlFilter(undefined as unknown as []), { code: "analysis/invalid-option", message: /periods must be a list/ });
  const periods = [{ start: times[0], end: times[1] }];
  assert.throws(() => createTimePeriodKqlFilter(periods, { timeColumn: 5 as unknown as string }), { code: "analysis/invalid-option", message: /timeColumn must be a column name/ });
});
