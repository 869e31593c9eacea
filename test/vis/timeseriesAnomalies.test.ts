/** The anomaly chart: a valid Vega-Lite 5 spec of the lab output, its PNG and text, and input errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { timeseriesAnomaliesStl } from "../../src/analysis/timeseries";
import { numericValues } from "../../src/analysis/columns";
import { compileVegaLite, VEGA_LITE_MIME } from "../../src/vis/vegaLite";
import { ChartDataError, timeseriesAnomaliesChart, timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { columnOf } from "../../src/common/frames";

const qp = new QueryProvider("LocalData");
const labOutput = async () => timeseriesAnomaliesStl(await qp.Network.get_network_summary());

interface Row {
  t: string;
  when: string;
  y: number;
  baseline: number;
  score: number;
  anomaly: number;
  kind: string;
}
interface Layer {
  mark: { type: string };
  transform?: { filter: string }[];
  params?: unknown[];
  encoding: Record<string, unknown>;
}

test("the spec: observed line, dashed baseline, anomaly markers, hover tooltips; compiles with vega-lite 5", async () => {
  const out = await labOutput();
  const spec = timeseriesAnomaliesSpec(out, { y: "TotalBytesSent" }) as unknown as { data: { values: Row[] }; layer: Layer[]; width: number };
  const { warnings } = compileVegaLite(spec as never);
  assert.deepEqual(warnings, []);
  assert.equal(spec.width, 900);
  assert.equal(spec.data.values.length, 168);
  const hits = spec.data.values.filter((r) => r.anomaly !== 0);
  assert.deepEqual(hits.map((r) => [r.when, r.y, r.kind]), [
    ["2020-07-10 18:00:00 UTC", 48616, "spike"],
    ["2020-07-10 19:00:00 UTC", 45856, "spike"],
  ]);
  const at19 = spec.data.values.find((r) => r.when === "2020-07-06 19:00:00 UTC");
  assert.equal(at19?.y, 29670);
  assert.deepEqual(spec.layer.map((l) => l.mark.type), ["line", "line", "point", "rule"]);
  assert.equal(spec.layer[2].transform?.[0].filter, "datum.anomaly != 0");
  assert.ok(spec.layer[3].params, "hover selection");
  const tooltip = spec.layer[3].encoding.tooltip as { title: string }[];
  assert.deepEqual(tooltip.map((t) => t.title), ["TimeGenerated", "TotalBytesSent", "baseline", "score", "anomaly"]);
});

test("the chart object: Vega-Lite + PNG + text, no HTML", async () => {
  const chart = await timeseriesAnomaliesChart(await labOutput(), { y: "TotalBytesSent" });
  const bundle = chart[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
  const png = Buffer.from(bundle["image/png"] as string, "base64");
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.ok(png.readUInt32BE(16) >= 900, "PNG at least the plot width");
  assert.equal(
    bundle["text/plain"],
    "Time Series Anomalies: TotalBytesSent, 168 points, 2 anomalies: 2020-07-10 18:00 (spike), 2020-07-10 19:00 (spike)",
  );
});

test("options and errors", async () => {
  const out = await labOutput();
  const noBaseline = timeseriesAnomaliesSpec(out, { y: "TotalBytesSent", baselineColumn: null, title: "Bytes", width: 500 }) as unknown as { layer: Layer[]; width: number; title: { text: string } };
  assert.equal(noBaseline.layer.length, 3);
  assert.equal(noBaseline.width, 500);
  assert.equal(noBaseline.title.text, "Bytes");
  assert.throws(
    () => timeseriesAnomaliesSpec(out, { y: "TotalBytes" }),
    (e: unknown) => e instanceof ChartDataError && e.code === "vis/chart-column-missing" && /y "TotalBytes" .*Did you mean TotalBytesSent\?/.test(e.message),
  );
  assert.throws(() => timeseriesAnomaliesSpec(out.drop("anomalies"), { y: "TotalBytesSent" }), { code: "vis/chart-column-missing", message: /anomaliesColumn "anomalies"/ });
  assert.throws(() => timeseriesAnomaliesSpec(out, { y: "TotalBytesSent", width: -1 }), { code: "vis/chart-option", message: /width .*-1/ });
  assert.throws(() => timeseriesAnomaliesSpec(out, { y: "TotalBytesSent", height: 30_000 }), { code: "vis/chart-option", message: /height must be a positive number of pixels up to 10,000; got 30000/ });
  // Column names with dots or markup stay labels; the data uses fixed field names.
  const odd = out.rename({ TotalBytesSent: "bytes.sent <b>" });
  const spec = timeseriesAnomaliesSpec(odd, { y: "bytes.sent <b>" });
  assert.deepEqual(compileVegaLite(spec).warnings, []);
  assert.match(JSON.stringify(spec), /"title":"bytes.sent <b>"/);
  const text = pl.DataFrame({ TimeGenerated: ["2024-01-01T00:00:00Z"], v: ["x"], anomalies: [0], baseline: [1] });
  assert.throws(() => timeseriesAnomaliesSpec(text, { y: "v" }), { code: "vis/chart-column-not-numeric", message: /column "v" .*"x"/ });
});

test("rows without a time are counted in the subtitle and the text, not dropped silently (anomalies among them)", async () => {
  // A user's own frame (say from a CSV with empty time cells): two of its anomalies have no time.
  const df = pl.DataFrame({
    TimeGenerated: ["2024-01-01T00:00:00Z", null, "2024-01-01T02:00:00Z", "", "2024-01-01T03:00:00Z"],
    v: [1, 2, 3, 4, 5],
    anomalies: [0, 1, 0, -1, 1],
    baseline: [1, 1, 1, 1, 1],
  });
  const spec = timeseriesAnomaliesSpec(df, { y: "v" }) as unknown as { title: { subtitle: string }; data: { values: Row[] } };
  assert.equal(spec.data.values.length, 3);
  assert.equal(spec.title.subtitle, "3 points, 1 anomaly; 2 row(s) without a time not shown");
  const chart = await timeseriesAnomaliesChart(df, { y: "v" });
  assert.equal(chart[JUPYTER_DISPLAY]()["text/plain"], "Time Series Anomalies: v, 3 points, 1 anomaly: 2024-01-01 03:00 (spike); 2 row(s) without a time not shown");
});

test("a value or time column named with a backslash and a quote (`Bytes\\\"`) is drawn: its name is text in Vega's expressions (the chart was rejected)", async () => {
  const t0 = Date.UTC(2024, 0, 1);
  const times = [new Date(t0), new Date(t0 + 3_600_000), new Date(t0 + 7_200_000)];
  for (const [timeName, yName] of [["TimeGenerated", 'Bytes\\"'], ['T\\"ime', "Bytes"], ["T\\", "B\\'"]]) {
    const df = pl.DataFrame({ [timeName]: times, [yName]: [1, 9, 2], anomalies: [0, 1, 0], baseline: [1, 1, 1], score: [0, 4, 0] });
    const chart = await timeseriesAnomaliesChart(df, { y: yName, timeColumn: timeName });
    assert.ok(chart[JUPYTER_DISPLAY]()[VEGA_LITE_MIME], `${timeName} / ${yName}`);
  }
});

/** `n` hourly points of a daily wave, a spike every 997th point (its score 10), as timeseriesAnomaliesStl writes them. */
function hourly(n: number): pl.DataFrame {
  const t0 = Date.UTC(2024, 0, 1);
  const wave = (i: number) => 1000 + 100 * Math.sin((i / 24) * 2 * Math.PI);
  return pl.DataFrame({
    TimeGenerated: Array.from({ length: n }, (_, i) => new Date(t0 + i * 3_600_000)),
    TotalBytesSent: Array.from({ length: n }, (_, i) => wave(i) + (i % 997 === 0 ? 5000 : 0)),
    baseline: Array.from({ length: n }, (_, i) => wave(i)),
    score: Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 10 : 0.1)),
    anomalies: Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 1 : 0)),
  });
}

test("the PNG is drawn without the hover layer (an invisible rule per point made the image's cost: 20,000 points took 3.8 s and an 8.7 MB SVG)", () => {
  const df = hourly(50);
  const png = timeseriesAnomaliesSpec(df, { y: "TotalBytesSent" }, true) as unknown as { data: { values: Row[] }; layer: Layer[] };
  assert.deepEqual(png.layer.map((l) => l.mark.type), ["line", "line", "point"]);
  assert.ok(png.layer.every((l) => !l.params), "no selection in the static image");
  assert.equal(png.data.values.length, 50, "every point drawn below the limit");
  assert.deepEqual(compileVegaLite(png as never).warnings, []);
  // The interactive spec keeps its hover rule.
  const live = timeseriesAnomaliesSpec(df, { y: "TotalBytesSent" }) as unknown as { layer: Layer[] };
  assert.deepEqual(live.layer.map((l) => l.mark.type), ["line", "line", "point", "rule"]);
});

test("above 20,000 points the PNG draws the min–max band and mean per pixel column, every anomaly kept, and says so", () => {
  const n = 30_000;
  const spec = timeseriesAnomaliesSpec(hourly(n), { y: "TotalBytesSent", width: 600, maxPoints: Infinity }, true) as unknown as {
    title: { subtitle: string };
    data: { values: { y: number; lo: number; hi: number }[] };
    layer: (Layer & { data?: { values: Row[] } })[];
  };
  assert.ok(spec.data.values.length <= 600, `${spec.data.values.length} columns drawn`);
  assert.deepEqual(spec.layer.map((l) => l.mark.type), ["area", "line", "line", "point"]);
  const spikes = spec.layer[3].data?.values ?? [];
  assert.equal(spikes.length, Math.ceil(n / 997), "every anomaly");
  assert.ok(spikes.every((r) => r.kind === "spike" && r.y > 5000));
  // The band covers the spikes (a mean alone would hide them) and the wave's dips.
  assert.ok(Math.max(...spec.data.values.map((r) => r.hi)) > 5000);
  assert.ok(Math.min(...spec.data.values.map((r) => r.lo)) < 901);
  assert.equal(spec.title.subtitle, "30000 points, 31 anomalies (image: min–max band and mean of each pixel column)");
  assert.deepEqual(compileVegaLite(spec as never).warnings, []);
});

test(`refuses more points than maxPoints (default 25,000) with a clear error, as the timeline refuses events; draws them when asked`, async () => {
  await assert.rejects(timeseriesAnomaliesChart(hourly(25_001), { y: "TotalBytesSent" }), (e: Error) => {
    assert.ok(e instanceof ChartDataError);
    assert.equal(e.code, "vis/chart-too-many-points");
    assert.match(e.message, /^displayTimeseriesAnomalies: 25,001 points \(2024-01-01 00:00:00 → 2026-11-07 16:00:00 UTC\) are more than maxPoints \(25,000\)/);
    assert.match(e.message, /\{ maxPoints: 25001 \}/);
    return true;
  });
  assert.throws(() => timeseriesAnomaliesSpec(hourly(30), { y: "TotalBytesSent", maxPoints: 10 }), { code: "vis/chart-too-many-points", message: /^displayTimeseriesAnomalies: 30 points .* maxPoints \(10\)/ });
  // Rows without a time are not points: 10 timed rows fit maxPoints 10.
  const withNulls = pl.DataFrame({ TimeGenerated: [...Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2024, 0, 1, i))), null], v: Array.from({ length: 11 }, (_, i) => i), anomalies: Array(11).fill(0), baseline: Array(11).fill(1) });
  assert.match((await timeseriesAnomaliesChart(withNulls, { y: "v", maxPoints: 10 })).text, /10 points/);
  for (const bad of [0, -1, 2.5, Number.NaN]) {
    assert.throws(() => timeseriesAnomaliesSpec(withNulls, { y: "v", maxPoints: bad }), { code: "vis/chart-option", message: `displayTimeseriesAnomalies: option maxPoints must be a whole number of at least 1 (Infinity: no limit), not ${bad}.` });
  }
});

test("a 100,000-point chart (maxPoints: Infinity) costs about what a 20,000-point one does, not the 39 s its hover rules took in the PNG", async () => {
  const cpuMs = async (df: pl.DataFrame) => {
    const t0 = process.cpuUsage();
    const chart = await timeseriesAnomaliesChart(df, { y: "TotalBytesSent", maxPoints: Infinity });
    const { user, system } = process.cpuUsage(t0);
    assert.ok(chart.png.length > 0);
    return (user + system) / 1000;
  };
  await cpuMs(hourly(100)); // warm-up (vega loads)
  const [big, base] = [await cpuMs(hourly(100_000)), await cpuMs(hourly(20_000))];
  // Drawing the 100,000 points one by one (even without the hover rules) would cost about five times the 20,000.
  assert.ok(big < 2 * base + 500, `100,000 points: ${big.toFixed(0)} ms of CPU, 20,000 points: ${base.toFixed(0)} ms`);
});

test("a width under one pixel on a series drawn as pixel columns is one pixel (0.4 rounded to 0 and threw a TypeError)", async () => {
  const n = 21_000;
  const df = pl.DataFrame({
    TimeGenerated: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000)),
    v: Array.from({ length: n }, (_, i) => Math.sin(i / 50) * 10 + (i === 777 ? 100 : 0)),
    baseline: Array.from({ length: n }, (_, i) => Math.sin(i / 50) * 10),
    anomalies: Array.from({ length: n }, (_, i) => (i === 777 ? 1 : 0)),
  });
  const chart = await timeseriesAnomaliesChart(df, { y: "v", maxPoints: 30_000, width: 0.4 });
  assert.ok(chart.png.length > 0);
});

test("a value column named with hidden characters: the text, the title and the legend show them as escapes (U+2028 and U+202E were raw)", async () => {
  const name = "Счётчик\u2028管理\u202e\"x";
  const out = (await labOutput()).rename({ TotalBytesSent: name });
  const chart = await timeseriesAnomaliesChart(out, { y: name });
  assert.match(chart.text, /^Time Series Anomalies: Счётчик\\u2028管理\\u202e"x, 168 points, 2 anomalies/);
  assert.equal(chart.text.split("\n").length, 1);
  const spec = chart.spec as unknown as { title: { text: string }; layer: { encoding: { color?: { datum?: string; scale?: { domain: string[] } } } }[] };
  assert.equal(spec.title.text, 'Time Series Anomalies: Счётчик\\u2028管理\\u202e"x');
  const color = spec.layer[0].encoding.color;
  assert.equal(color?.datum, 'Счётчик\\u2028管理\\u202e"x');
  assert.equal(color?.scale?.domain[0], color?.datum);
  assert.ok(!/[\u2028\u202e]/.test(JSON.stringify(chart.spec)));
});

test("an epoch-number time column is refused saying how to make it times", () => {
  const df = pl.DataFrame([pl.Series("TimeGenerated", [1704067200000, 1704070800000], pl.Int64), pl.Series("y", [1, 2]), pl.Series("anomalies", [0, 1]), pl.Series("baseline", [1, 1])]);
  assert.throws(() => timeseriesAnomaliesSpec(df, { y: "y" }), {
    code: "vis/chart-time-not-time",
    message: /time column "TimeGenerated" must hold times; it is Int64: for epoch times convert it first, from their size \(about 1\.70e\+12\) milliseconds since 1970; their median read so is 2024-01-01T00:30:00Z: df\.withColumns\(pl\.col\("TimeGenerated"\)\.cast\(pl\.Datetime\("ms"\)\)\)\.$/,
  });
});

test("a text time column of epoch numbers is refused saying how to make it times", () => {
  const df = pl.DataFrame([pl.Series("TimeGenerated", ["1704067200000", "1704070800000"]), pl.Series("y", [1, 2]), pl.Series("anomalies", [0, 1]), pl.Series("baseline", [1, 1])]);
  assert.throws(() => timeseriesAnomaliesSpec(df, { y: "y" }), {
    code: "vis/chart-time-not-time",
    message: /\(e\.g\. "1704067200000"\)\. They look like epoch times: convert them first, from their size \(about 1\.70e\+12\) milliseconds since 1970; their median read so is 2024-01-01T00:00:00Z: df\.withColumns\(pl\.col\("TimeGenerated"\)\.cast\(pl\.Float64\)\.cast\(pl\.Datetime\("ms"\)\)\)\.$/,
  });
});

test("Categorical time and value text (a Parquet or Arrow file's dictionary strings) are charted as text is", () => {
  const text = pl.DataFrame([pl.Series("TimeGenerated", ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"]), pl.Series("y", ["5", "7"]), pl.Series("anomalies", [0, 1]), pl.Series("baseline", [5, 5])]);
  const categorical = text.withColumns(pl.col("TimeGenerated").cast(pl.Categorical), pl.col("y").cast(pl.Categorical));
  const rows = (spec: unknown) => (spec as { data: { values: unknown[] } }).data.values;
  assert.deepEqual(rows(timeseriesAnomaliesSpec(categorical, { y: "y" })), rows(timeseriesAnomaliesSpec(text, { y: "y" })));
  assert.equal((rows(timeseriesAnomaliesSpec(categorical, { y: "y" }))[1] as { y: number }).y, 7);
});

test("text numbers are read as the analysis reads them: hex, binary, octal and Infinity are refused naming the column, decimal text plotted as its number", () => {
  // The analysis functions' reading (numericValues) is the reference: the chart plotted "0x10" as 16, which they refuse.
  const texts = ["0x10", "0b1", "0o7", "Infinity", "-Infinity", "1e400", "1_000", "12abc", "NaN", " 12 ", "1e3", "-4.5", ".5", "+3", "7."];
  for (const text of texts) {
    const frame = pl.DataFrame({ TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"], v: [text, ""], anomalies: [0, 0], baseline: [1, 1] });
    let analysis: (number | null)[] | undefined;
    try {
      analysis = numericValues(frame, "v", "timeseriesAnomaliesStl");
    } catch {
      analysis = undefined;
    }
    if (analysis === undefined) {
      assert.throws(() => timeseriesAnomaliesSpec(frame, { y: "v" }), { code: "vis/chart-column-not-numeric", message: /column "v" / }, text);
    } else {
      const spec = timeseriesAnomaliesSpec(frame, { y: "v" }) as unknown as { data: { values: Row[] } };
      assert.deepEqual(spec.data.values.map((r) => r.y), analysis, text);
    }
  }
  // An empty cell is no value in both (a gap, not 0).
  const gap = timeseriesAnomaliesSpec(pl.DataFrame({ TimeGenerated: ["2024-01-01T00:00:00Z"], v: [" "], anomalies: [0], baseline: [1] }), { y: "v" }) as unknown as { data: { values: Row[] } };
  assert.deepEqual(gap.data.values.map((r) => r.y), [null]);
});

test("Infinity, -Infinity and NaN in float value columns: gaps (as empty cells), said once per column with their count and first time; the chart and PNG are drawn", async () => {
  const base = hourly(48);
  const y = (columnOf(base, "TotalBytesSent").toArray() as number[]).map((v, i) => (i === 9 ? Number.NaN : i === 5 ? Number.POSITIVE_INFINITY : i === 7 ? Number.NEGATIVE_INFINITY : v));
  const baseline = (columnOf(base, "baseline").toArray() as number[]).map((v, i) => (i === 20 ? Number.NaN : v));
  const df = base.withColumns(pl.Series("TotalBytesSent", y), pl.Series("baseline", baseline));
  const warnings: string[] = [];
  const spec = timeseriesAnomaliesSpec(df, { y: "TotalBytesSent", warn: (m) => warnings.push(m) }) as unknown as { data: { values: Row[] } };
  const rows = spec.data.values;
  assert.equal(rows.length, 48, "every timed row is a point");
  assert.deepEqual([5, 7, 9].map((i) => rows[i].y), [null, null, null]);
  assert.equal(rows[20].baseline, null);
  assert.ok(rows.every((r) => r.y === null || Number.isFinite(r.y)), "no non-finite number reaches the spec");
  assert.deepEqual(warnings, [
    'displayTimeseriesAnomalies: column "TotalBytesSent" holds 3 value(s) that are no finite number (Infinity, -Infinity, NaN; the first at 2024-01-01 05:00:00 UTC); they are not drawn (a gap in the line, no marker), the other points are',
    'displayTimeseriesAnomalies: column "baseline" holds 1 value(s) that are no finite number (NaN; the first at 2024-01-01 20:00:00 UTC); they are not drawn (a gap in the line, no marker), the other points are',
  ]);
  const chart = await timeseriesAnomaliesChart(df, { y: "TotalBytesSent", warn: () => {} });
  const bundle = chart[JUPYTER_DISPLAY]();
  assert.equal(Buffer.from(bundle["image/png"] as string, "base64").subarray(1, 4).toString(), "PNG");
  assert.match(bundle["text/plain"] as string, /TotalBytesSent, 48 points, 1 anomaly/);
  // A column of finite numbers and nulls (empty cells) is drawn without a word, as before.
  const quiet: string[] = [];
  timeseriesAnomaliesSpec(base.withColumns(pl.Series("baseline", baseline.map((v) => (Number.isNaN(v) ? null : v)))), { y: "TotalBytesSent", warn: (m) => quiet.push(m) });
  assert.deepEqual(quiet, []);
});
