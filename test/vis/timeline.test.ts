import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import { TimelineError, timeline, timelineValues } from "../../src/vis/timeline";
import { VEGA_LITE_MIME } from "../../src/vis/vegaLite";

const ROOT = join(__dirname, "../..");
const qp = new QueryProvider("LocalData", { dataPaths: [join(ROOT, "data")], queryPaths: [join(ROOT, "data")] });

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("timeline", () => {
  let alerts: pl.DataFrame;
  before(async () => {
    alerts = await qp.SecurityAlert.list_alerts();
  });

  it("puts one lane per groupBy value with the right events, a legend, and tooltips", async () => {
    const chart = await timeline(alerts, { sourceColumns: ["AlertName"], groupBy: "Severity" });
    const counts = Object.fromEntries(alerts.groupBy("Severity").len().rows() as [string, number][]);
    assert.deepEqual(Object.fromEntries(chart.lanes.map((l) => [l.name, l.count])), counts);
    assert.equal(chart.events, 41);
    const spec = chart.spec as Spec;
    assert.equal(spec.data.values.length, 41);
    // Alerts span four days: main chart + overview strip with a brush driving the main x domain.
    const [main, strip] = spec.vconcat;
    const points = main.layer[0];
    assert.equal(points.mark.type, "point");
    assert.deepEqual(points.encoding.x.scale, { type: "utc", domain: { param: "brush" } });
    assert.equal(points.encoding.y.field, "g");
    assert.deepEqual(points.encoding.y.sort, ["High", "Informational", "Low", "Medium"]);
    assert.deepEqual(points.encoding.color.scale.domain, ["High", "Informational", "Low", "Medium"]);
    assert.deepEqual(points.encoding.tooltip.map((t: Spec) => t.title), ["TimeGenerated (UTC)", "Severity", "AlertName"]);
    assert.equal(strip.params[0].name, "brush");
    // Each row carries its time, lane and tooltip text.
    const first = alerts.sort("TimeGenerated").row(0);
    const row = spec.data.values.find((r: Spec) => r.t === (first[alerts.columns.indexOf("TimeGenerated")] as Date).getTime());
    assert.equal(row.s0, first[alerts.columns.indexOf("AlertName")]);
    // Bundle: Vega-Lite + PNG + text; small charts use SVG.
    const bundle = toMimeBundle(chart);
    assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
    assert.equal(spec.usermeta.embedOptions.renderer, "svg");
    assert.ok(chart.png.length > 5000);
    assert.match(chart.text, /41 event\(s\) in 4 lane\(s\) by Severity: High \(3\), Informational \(1\), Low \(35\), Medium \(2\)/);
  });

  it("zooms and pans on the chart itself for short ranges, with a reference line", async () => {
    const df = pl.DataFrame({ TimeGenerated: [new Date("2024-01-01T10:00:00Z"), new Date("2024-01-01T10:20:00Z")], Msg: ["a", "b"] });
    const chart = await timeline(df, { sourceColumns: ["Msg"], refEvent: { time: "2024-01-01 10:10:00", label: "alert" }, color: "red" });
    const spec = chart.spec as Spec;
    assert.equal(spec.vconcat, undefined);
    assert.deepEqual(spec.layer[0].params[0].bind, "scales");
    assert.deepEqual(spec.layer[0].encoding.color, { value: "red" });
    assert.equal(spec.layer[1].mark.type, "rule");
    assert.equal(spec.layer[1].data.values[0].t, Date.parse("2024-01-01T10:10:00Z"));
    assert.deepEqual(chart.lanes, [{ name: "", count: 2 }]);
  });

  it("parses text time columns and uses MSTICPy's default tooltip columns", async () => {
    const procs = (await qp.execQuery("processes_on_host.parquet")).head(500);
    assert.equal(procs.getColumn("TimeGenerated").dtype.variant, "String");
    const chart = await timeline(procs, { canvasThreshold: 100 });
    const spec = chart.spec as Spec;
    const tips = spec.vconcat[0].layer[0].encoding.tooltip.map((t: Spec) => t.title);
    assert.deepEqual(tips, ["TimeGenerated (UTC)", "NewProcessName", "EventID", "CommandLine"]);
    // "2/10/19 3:21 PM" → 2019-02-10 15:21 UTC
    assert.ok(spec.data.values.some((r: Spec) => r.ts === "2019-02-10 15:21:00.000"));
    assert.equal(spec.usermeta.embedOptions.renderer, "canvas");
  });

  it("counts rows without a time instead of dropping them silently", async () => {
    const df = pl.DataFrame({ TimeGenerated: [new Date("2024-01-01T10:00:00Z"), null], X: ["a", "b"] });
    const chart = await timeline(df, { sourceColumns: ["X"] });
    assert.equal(chart.missingTimes, 1);
    assert.match(chart.text, /1 row\(s\) without a time not shown/);
  });

  it("names a missing column and suggests one", async () => {
    await assert.rejects(
      timeline(alerts, { groupBy: "Severty" }),
      (e: Error) => e instanceof TimelineError && e.code === "vis/timeline-column-missing" && /"Severty"/.test(e.message) && /Severity/.test(e.message),
    );
    await assert.rejects(timeline(alerts, { timeColumn: "AlertName" }), { code: "vis/timeline-time-not-time", message: /"AlertName"/ });
  });

  it("refuses a width or height that is not 1 to 10,000 pixels, naming the option (height 1e6 took 35 s and a 35 MB PNG)", async () => {
    for (const [option, value] of [["height", 1e6], ["width", -5], ["height", 0], ["width", Number.NaN]] as const) {
      await assert.rejects(timeline(alerts, { [option]: value }), (e: Error) => e instanceof TimelineError && e.code === "vis/timeline-option" && e.message.includes(`timeline: ${option} must be a number of pixels`));
    }
    await assert.rejects(timelineValues(alerts, { y: "Severity", height: 20_000 }), { code: "vis/timeline-option", message: /timelineValues: height/ });
  });

  it("keeps hostile text as data (escaped by the renderers) and still renders the PNG", async () => {
    const evil = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    const df = pl.DataFrame({ TimeGenerated: [new Date("2024-01-01T10:00:00Z")], AlertName: [evil], Severity: [evil] });
    const chart = await timeline(df, { sourceColumns: ["AlertName"], groupBy: "Severity", title: evil });
    assert.equal((chart.spec as Spec).data.values[0].s0, evil);
    assert.ok(chart.png.length > 1000);
    assert.equal("text/html" in toMimeBundle(chart), false);
  });
});

describe("timelineValues", () => {
  it("plots a numeric column over time as lines and bars", async () => {
    const df = pl.DataFrame({
      TimeGenerated: [0, 1, 2, 3].map((h) => new Date(Date.UTC(2024, 0, 1, h))),
      TotalBytesSent: [10, 30, 20, 50],
      Host: ["a", "a", "b", "b"],
    });
    const chart = await timelineValues(df, { y: "TotalBytesSent", kind: ["line", "bar"], groupBy: "Host" });
    const spec = chart.spec as Spec;
    assert.deepEqual(spec.layer.map((l: Spec) => l.mark.type), ["line", "bar"]);
    assert.deepEqual(spec.data.values.map((r: Spec) => r.v), [10, 30, 20, 50]);
    assert.equal(spec.layer[0].encoding.y.title, "TotalBytesSent");
    assert.ok(chart.png.length > 1000);
    await assert.rejects(timelineValues(df, { y: "Host" }), { name: "TimelineError", code: "vis/timeline-y-not-numeric", message: /"Host"/ });
  });
});
