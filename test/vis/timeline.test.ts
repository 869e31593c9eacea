import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import { DEFAULT_MAX_EVENTS, TimelineError, timeline, timelineValues } from "../../src/vis/timeline";
import { VEGA_LITE_MIME, type VegaLiteSpec } from "../../src/vis/vegaLite";
import { decodedRows, specDictionaries, drawnData } from "../helpers/vegaRows";

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
    // The brush's range, else the keyboard's sliders' (top-level params bound to range inputs).
    assert.equal(points.encoding.x.scale.type, "utc");
    assert.match(points.encoding.x.scale.domainRaw.expr, /^isArray\(brush\.t\) \? brush\.t : \[[\d.]+ \+ [\d.]+ \* min\(shownFrom, shownTo - 1\) \/ 100, /);
    assert.deepEqual(spec.params.map((p: Spec) => [p.name, p.bind.input]), [["shownFrom", "range"], ["shownTo", "range"]]);
    assert.equal(points.encoding.y.field, "g");
    assert.deepEqual(points.encoding.y.scale.domain, ["High", "Informational", "Low", "Medium"]);
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
    // The keyboard's zoom and pan: the overview's two sliders; the mouse's zoom (wheel, drag) wins while it holds a range.
    assert.deepEqual(spec.params.map((p: Spec) => [p.name, p.bind.input]), [["shownFrom", "range"], ["shownTo", "range"]]);
    assert.match(spec.layer[0].encoding.x.scale.domainRaw.expr, /^isArray\(zoom\.t\) \? zoom\.t : \[[\d.]+ \+ [\d.]+ \* min\(shownFrom, shownTo - 1\) \/ 100, /);
    assert.deepEqual(spec.layer[0].encoding.color, { value: "red" });
    assert.equal(spec.layer[1].mark.type, "rule");
    assert.equal(spec.layer[1].data.values[0].t, Date.parse("2024-01-01T10:10:00Z"));
    assert.deepEqual(chart.lanes, [{ name: "", count: 2 }]);
    // A reference time is read as the time column's text is: the lab's US form and Kibana's too, not only ISO.
    const us = pl.DataFrame({ TimeGenerated: ["2/10/19 3:21 PM", "2/10/19 5:21 PM"] });
    for (const [ref, iso] of [["2/10/19 4:00 PM", "2019-02-10T16:00:00.000Z"], ["Feb 10, 2019 @ 16:00:00.000", "2019-02-10T16:00:00.000Z"], ["2019-02-10T16:00:00+01:00", "2019-02-10T15:00:00.000Z"], ["2019-02-10 16:00:00.123", "2019-02-10T16:00:00.123Z"]]) {
      const ruled = (await timeline(us, { refEvent: ref })).spec as Spec;
      assert.equal(new Date((ruled.layer ?? ruled.vconcat[0].layer)[1].data.values[0].t).toISOString(), iso, ref);
    }
    await assert.rejects(timeline(us, { refEvent: "not a time" }), { name: "TimelineError", code: "vis/timeline-ref-time" });
  });

  it("refuses a refEvent text naming no real date or time, as a time column leaves it unparsed (Date.parse rolled it to the next month)", async () => {
    const df = pl.DataFrame({ TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T05:00:00Z")] });
    for (const ref of ["2024-02-30T00:00:00Z", "2023-02-29 10:00:00", "2024-04-31", "2024-02-29T24:00:00Z", "2016-12-31T23:59:60Z", "2/30/2024 10:00 AM"]) {
      await assert.rejects(timeline(df, { refEvent: ref }), { name: "TimelineError", code: "vis/timeline-ref-time" }, ref);
      await assert.rejects(timeline(df, { refEvent: { time: ref, label: "x" } }), { name: "TimelineError", code: "vis/timeline-ref-time" }, ref);
    }
    const ruled = (await timeline(df, { refEvent: "2024-02-29 10:00:00" })).spec as Spec;
    assert.equal(new Date((ruled.layer ?? ruled.vconcat[0].layer)[1].data.values[0].t).toISOString(), "2024-02-29T10:00:00.000Z");
  });

  it("parses text time columns and uses MSTICPy's default tooltip columns", async () => {
    const procs = (await qp.execQuery("processes_on_host.parquet")).head(500);
    assert.equal(procs.getColumn("TimeGenerated").dtype.variant, "String");
    const chart = await timeline(procs, { canvasThreshold: 100 });
    const spec = chart.spec as Spec;
    const tips = spec.vconcat[0].layer[0].encoding.tooltip.map((t: Spec) => t.title);
    assert.deepEqual(tips, ["TimeGenerated (UTC)", "NewProcessName", "EventID", "CommandLine"]);
    // "2/10/19 3:21 PM" → 2019-02-10 15:21 UTC, the tooltip's text derived in Vega from t (not carried per event).
    assert.ok(spec.data.values.every((r: Spec) => !("ts" in r)));
    const drawn = await drawnData(spec as VegaLiteSpec);
    assert.equal(drawn.length, 500);
    assert.ok(drawn.some((r) => r.ts === "2019-02-10 15:21:00.000"));
    assert.ok(drawn.every((r) => r.ts === new Date(r.t).toISOString().replace("T", " ").replace("Z", "")));
    assert.equal(spec.usermeta.embedOptions.renderer, "canvas");
  });

  it("puts only what the chart shows in its data, each time once (bytes per event)", async () => {
    const t0 = Date.UTC(2024, 5, 1);
    const n = 200;
    const df = pl.DataFrame({
      TimeGenerated: Array.from({ length: n }, (_, i) => new Date(t0 + i * 60_000)),
      Computer: Array.from({ length: n }, (_, i) => `WKS-${i % 4}`),
      EventID: Array.from({ length: n }, () => 4688),
      Unused: Array.from({ length: n }, () => "x".repeat(500)),
    });
    const spec = (await timeline(df, { groupBy: "Computer", sourceColumns: ["EventID"] })).spec as Spec;
    assert.deepEqual(Object.keys(spec.data.values[0]), ["t", "g", "s0"]);
    // {"t":1717200000000,"g":"WKS-0","s0":"4688"}, + a comma: 44 bytes (75 with the time text per event).
    assert.ok(JSON.stringify(spec.data.values).length / n <= 45);
    const drawn = await drawnData(spec as VegaLiteSpec);
    assert.equal(drawn.find((r) => r.t === t0)?.ts, "2024-06-01 00:00:00.000");
  });

  it("a zoned time column shown beside the events (source column, lane) keeps its zone and offset, not UTC unlabelled", async () => {
    const zoned = pl.Series("Local", [1710054000000n, 1710064800000n]).cast(pl.Datetime("ms")).dt.replaceTimeZone("UTC").dt.convertTimeZone("America/New_York");
    const df = pl.DataFrame([pl.Series("TimeGenerated", [new Date(Date.UTC(2024, 2, 10, 7)), new Date(Date.UTC(2024, 2, 10, 10))]), zoned]);
    const spec = (await timeline(df, { sourceColumns: ["Local"] })).spec as Spec;
    const json = JSON.stringify(spec);
    assert.match(JSON.stringify(spec), /2024-03-10 03:00:00\.000-04:00/);
    assert.match(JSON.stringify(spec), /2024-03-10 06:00:00\.000-04:00/);
    assert.doesNotMatch(JSON.stringify(spec), /2024-03-10 07:00:00\.000"/);
  });

  it("carries repeated texts (lanes, event ids) once, as codes into dictionaries that Vega looks up", async () => {
    const t0 = Date.UTC(2024, 5, 1);
    const n = 2000;
    const df = pl.DataFrame({
      TimeGenerated: Array.from({ length: n }, (_, i) => new Date(t0 + i * 60_000)),
      Computer: Array.from({ length: n }, (_, i) => `WKS-${i % 4}`),
      EventID: Array.from({ length: n }, (_, i) => (i % 2 ? 4688 : 4624)),
    });
    const spec = (await timeline(df, { groupBy: "Computer", sourceColumns: ["EventID"] })).spec as Spec;
    assert.deepEqual(Object.keys(spec.data.values[0]), ["t", "k0", "k1"]);
    // {"t":1717200000000,"k0":0,"k1":0}, + a comma: 34 bytes (44 with the texts inline).
    assert.ok(JSON.stringify(spec.data.values).length / n <= 35);
    assert.deepEqual(specDictionaries(spec).map((d) => [d.field, d.values]), [["g", ["WKS-0", "WKS-1", "WKS-2", "WKS-3"]], ["s0", ["4624", "4688"]]]);
    // What Vega draws has the texts back: lanes, tooltips.
    // (Legend entries are symbols too: the points are the symbols with a time.)
    const drawn = (await drawnData(spec as VegaLiteSpec)).filter((r) => typeof r.t === "number");
    const first = drawn.find((r) => r.t === t0 + 60_000);
    assert.deepEqual([first?.ts, first?.g, first?.s0], ["2024-06-01 00:01:00.000", "WKS-1", "4688"]);
    assert.equal(drawn.length, n);
    assert.deepEqual(drawn.map((r) => `${r.t} ${r.g} ${r.s0}`).sort(), decodedRows<{ t: number; g: string; s0: string }>(spec).map((r) => `${r.t} ${r.g} ${r.s0}`).sort());
    // timelineValues codes its lanes too: the points are drawn in their series by name.
    const values = (await timelineValues(df.withColumns(pl.lit(1).alias("Bytes")), { y: "Bytes", groupBy: "Computer", kind: "point" })).spec as Spec;
    assert.deepEqual(specDictionaries(values).map((d) => d.field), ["g"]);
    const points = (await drawnData(values as VegaLiteSpec)).filter((r) => typeof r.t === "number");
    assert.equal(points.length, n);
    assert.deepEqual([...new Set(points.map((r) => r.g))].sort(), ["WKS-0", "WKS-1", "WKS-2", "WKS-3"]);
  });

  it("keeps unique texts inline and small charts as written (a dictionary only where it saves)", async () => {
    const t0 = Date.UTC(2024, 5, 1);
    const n = 2000;
    const df = pl.DataFrame({
      TimeGenerated: Array.from({ length: n }, (_, i) => new Date(t0 + i * 60_000)),
      Computer: Array.from({ length: n }, (_, i) => `WKS-${i % 3}`),
      CommandLine: Array.from({ length: n }, (_, i) => `cmd.exe /c task-${i} --unique`),
    });
    const spec = (await timeline(df, { groupBy: "Computer", sourceColumns: ["CommandLine"] })).spec as Spec;
    assert.deepEqual(specDictionaries(spec).map((d) => d.field), ["g"], "lanes coded, unique command lines inline");
    assert.equal(spec.data.values[5].s0, "cmd.exe /c task-5 --unique");
    const small = (await timeline(df.head(8), { groupBy: "Computer", sourceColumns: ["CommandLine"] })).spec as Spec;
    assert.equal(small.transform, undefined);
    assert.equal(small.data.values[0].g, "WKS-0");
  });

  it(`refuses more events than maxEvents (default ${DEFAULT_MAX_EVENTS.toLocaleString("en")}) with a clear error, and draws them when asked`, async () => {
    const t0 = Date.UTC(2024, 5, 1);
    const big = (n: number) => pl.DataFrame({ TimeGenerated: Array.from({ length: n }, (_, i) => new Date(t0 + i * 1000)), Computer: Array.from({ length: n }, (_, i) => `h${i % 3}`) });
    const over = big(DEFAULT_MAX_EVENTS + 1);
    await assert.rejects(timeline(over, { groupBy: "Computer" }), (e: Error) => {
      assert.ok(e instanceof TimelineError);
      assert.equal(e.code, "vis/timeline-too-many-events");
      assert.match(e.message, /^timeline: 25,001 events \(2024-06-01 00:00:00\.000 → 2024-06-01 06:56:40\.000 UTC\) are more than maxEvents \(25,000\)/);
      assert.match(e.message, /timelineValues/);
      assert.match(e.message, /\{ maxEvents: 25001 \}/);
      return true;
    });
    await assert.rejects(timelineValues(big(30).withColumns(pl.lit(1).alias("N")), { y: "N", maxEvents: 10 }), { code: "vis/timeline-too-many-events", message: /^timelineValues: 30 events .* maxEvents \(10\)/ });
    // Rows without a time are not events: 10 timed rows fit maxEvents 10.
    const withNulls = pl.DataFrame({ TimeGenerated: [...Array.from({ length: 10 }, (_, i) => new Date(t0 + i)), null, null] });
    assert.equal((await timeline(withNulls, { maxEvents: 10, sourceColumns: [] })).events, 10);
    const all = await timeline(big(40), { maxEvents: Infinity, sourceColumns: [] });
    assert.equal(all.events, 40);
    // The caps are whole numbers of at least 1 (maxLanes 0 was 1 lane, NaN the default; maxTooltipLength 0 cut nothing).
    for (const option of ["maxEvents", "maxLanes", "maxTooltipLength"] as const) {
      for (const bad of [0, -1, 2.5, Number.NaN]) {
        const message = `timeline: option ${option} must be a whole number of at least 1 (Infinity: no limit), not ${bad}.`;
        await assert.rejects(timeline(big(3), { [option]: bad }), { name: "TimelineError", code: "vis/timeline-option", message });
      }
    }
  });

  it("counts rows without a time instead of dropping them silently", async () => {
    const df = pl.DataFrame({ TimeGenerated: [new Date("2024-01-01T10:00:00Z"), null], X: ["a", "b"] });
    const chart = await timeline(df, { sourceColumns: ["X"] });
    assert.equal(chart.missingTimes, 1);
    assert.match(chart.text, /1 row\(s\) without a time not shown/);
  });

  it("counts every row as without a time when a text time column holds no time at all (null or blank everywhere)", async () => {
    for (const cell of [null, "", " "]) {
      const df = pl.DataFrame({ TimeGenerated: pl.Series("TimeGenerated", [cell, cell, cell], pl.Utf8), X: ["a", "b", "c"] });
      const chart = await timeline(df, { sourceColumns: ["X"] });
      assert.equal(chart.missingTimes, 3, JSON.stringify(cell));
      assert.equal(chart.events, 0);
      assert.match(chart.text, /3 row\(s\) without a time not shown/);
    }
  });

  it("names a missing column and suggests one", async () => {
    await assert.rejects(
      timeline(alerts, { groupBy: "Severty" }),
      (e: Error) => e instanceof TimelineError && e.code === "vis/timeline-column-missing" && /"Severty"/.test(e.message) && /Severity/.test(e.message),
    );
    await assert.rejects(timeline(alerts, { timeColumn: "AlertName" }), { code: "vis/timeline-time-not-time", message: /"AlertName"/ });
  });

  it("without TimeGenerated (an MDE, Splunk or Elastic export), the missing-column error names the frame's time columns to pass", async () => {
    const mde = pl.DataFrame({ Timestamp: [new Date("2026-12-07T08:15:03Z")], DeviceName: ["ws-7"], Seen: [new Date("2026-12-07T08:00:00Z")] });
    await assert.rejects(timeline(mde), (e: Error) => {
      assert.equal((e as TimelineError).code, "vis/timeline-column-missing");
      assert.match(e.message, /Its time columns: Timestamp, Seen: pass \{ timeColumn: "Timestamp" \}\. Columns: Timestamp, DeviceName, Seen\.$/);
      return true;
    });
    // No time-typed column: nothing to name.
    await assert.rejects(timeline(pl.DataFrame({ _time: ["x"] })), (e: Error) => !/Its time column/.test(e.message));
    // A groupBy column missing names no time column.
    await assert.rejects(timeline(mde, { timeColumn: "Timestamp", groupBy: "Host" }), (e: Error) => !/Its time column/.test(e.message));
  });

  it("a time column that holds no times: says what is wrong with it, and \"pass timeColumn\" only when it was not passed; an epoch column gets its conversion", async () => {
    const epochs = pl.DataFrame({ ts: [1767225600, 1767229200], TimeGenerated: [1767225600, 1767229200] }).select(pl.all().cast(pl.Int64));
    const given = (e: Error & { code?: string }) =>
      e.code === "vis/timeline-time-not-time" && !/pass timeColumn/.test(e.message) && /"ts" must hold times, not Int64: for epoch times convert it first, .*pl\.col\("ts"\)\.mul\(1000\)\.cast\(pl\.Datetime\("ms"\)\)/.test(e.message);
    await assert.rejects(timeline(epochs, { timeColumn: "ts" }), given);
    await assert.rejects(timeline(epochs), (e: Error & { code?: string }) => e.code === "vis/timeline-time-not-time" && /"TimeGenerated" must hold times, not Int64.*; pass timeColumn to use another column\.$/.test(e.message));
    const text = pl.DataFrame({ when: ["soon", "later"] });
    await assert.rejects(timeline(text, { timeColumn: "when" }), (e: Error) => /"when" holds text that is not a time .*"soon"/.test(e.message) && !/pass timeColumn/.test(e.message));
  });

  it("a missing column's message stays short: names cut, hidden characters as escapes, at most 30 columns listed (8 kB before)", async () => {
    const columns = ["x".repeat(5000), "a\u202eb", ...Array.from({ length: 40 }, (_, i) => `C${i}`)];
    const df = pl.DataFrame(Object.fromEntries([["TimeGenerated", [new Date("2024-01-01T10:00:00Z")]], ...columns.map((c) => [c, ["v"]])]));
    await assert.rejects(timeline(df, { groupBy: "g".repeat(3000) + "\u2028" }), (e: Error) => {
      assert.equal((e as TimelineError).code, "vis/timeline-column-missing");
      assert.ok(e.message.length < 1500, `${e.message.length} characters`);
      assert.ok(!/[\u2028\u202e]/.test(e.message), e.message.slice(0, 300));
      assert.match(e.message, /^The groupBy column "g+…" is not in the data\./);
      assert.match(e.message, /Columns: TimeGenerated, "x+…", "a\\u202eb", C0, .* and 13 more\.$/);
      return true;
    });
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
    assert.equal(decodedRows<{ s0: string }>(chart.spec)[0].s0, evil);
    assert.ok(chart.png.length > 1000);
    assert.equal("text/html" in toMimeBundle(chart), false);
  });
});

describe("timeline hidden characters (file-name spoofing in tooltips, title and text)", () => {
  /** Bidi overrides and isolates, zero-width and line characters, ESC: what must not reach a chart raw. */
  const RAW = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\u001b\n]/;
  const n = 30;
  const df = pl.DataFrame({
    TimeGenerated: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1, 10, i))),
    Account: Array.from({ length: n }, (_, i) => (i < 20 ? "alice" : i < 28 ? "bob" : `x${i}\u202egpj.exe`)),
    Bytes: Array.from({ length: n }, (_, i) => i * 10),
    CommandLine: Array.from({ length: n }, (_, i) => `run\u202e${i}txt.exe\u2028\u001b[2J`),
  });
  const title = "Hunt \u202egpj.exe\nfake line";
  /** Every string in a spec, keys too. */
  const texts = (value: unknown): string[] =>
    typeof value === "string" ? [value] : value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => [k, ...texts(v)]) : [];

  it("tooltips, the other lane's values, the reference label and the title show them as escapes; lanes as before", async () => {
    const ref = { time: new Date(Date.UTC(2024, 0, 1, 10, 5)), label: "ref \u202eexe.txt" };
    const charts = [
      await timeline(df, { groupBy: "Account", maxLanes: 2, sourceColumns: ["CommandLine"], refEvent: ref, title }),
      await timelineValues(df, { y: "Bytes", groupBy: "Account", maxLanes: 2, sourceColumns: ["CommandLine"], refEvent: ref, title }),
    ];
    for (const chart of charts) {
      const spec = JSON.stringify(chart.spec);
      assert.deepEqual(texts(chart.spec).filter((t) => RAW.test(t)), []);
      const rows = decodedRows<{ s0: string; gv?: string }>(chart.spec);
      assert.equal(rows[0].s0, "run\\u202e0txt.exe\\u2028\\u001b[2J");
      assert.equal(rows[29].gv, "x29\\u202egpj.exe");
      assert.match(spec, /"label":"ref \\\\u202eexe\.txt"/);
      assert.match(spec, /"text":"Hunt \\\\u202egpj\.exe\\\\nfake line"/);
      // The text form: one line, the title revealed.
      assert.equal(chart.text.split("\n").length, 1);
      assert.ok(!RAW.test(chart.text), chart.text);
      assert.match(chart.text, /^Timeline( values)?: Hunt \\u202egpj\.exe\\nfake line — 30 event/);
    }
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
    // Zoom and pan by keyboard as a short timeline: the sliders drive the x domain while the mouse's zoom holds none.
    assert.deepEqual(spec.params.map((p: Spec) => p.bind.name), ["Shown from (% of the time range, when not zoomed with the mouse) ", "Shown to (% of the time range, when not zoomed with the mouse) "]);
    const pad = 3 * 3_600_000 * 0.02;
    assert.equal(spec.layer[0].encoding.x.scale.domainRaw.expr, `isArray(zoom.t) ? zoom.t : [${Date.UTC(2024, 0, 1) - pad} + ${3 * 3_600_000 + 2 * pad} * min(shownFrom, shownTo - 1) / 100, ${Date.UTC(2024, 0, 1) - pad} + ${3 * 3_600_000 + 2 * pad} * max(shownTo, shownFrom + 1) / 100]`);
    assert.ok(chart.png.length > 1000);
    await assert.rejects(timelineValues(df, { y: "Host" }), { name: "TimelineError", code: "vis/timeline-y-not-numeric", message: /"Host"/ });
  });
});

describe("timeline with nested columns (a list of structs holding a struct: toArray failed)", () => {
  it("shows a nested source column's values as JSON in the tooltip, fields named __proto__ too", async () => {
    const ndjson = [
      '{"TimeGenerated":"2024-01-01T10:00:00Z","policies":[{"id":"1","detail":{"k":{"z":1}}}],"o":{"__proto__":"p","k":1}}',
      '{"TimeGenerated":"2024-01-01T10:05:00Z","policies":[],"o":null}',
    ].join("\n");
    const df = pl.readJSON(Buffer.from(ndjson), { format: "lines" }).withColumns(pl.col("TimeGenerated").str.strptime(pl.Datetime("ms"), "%Y-%m-%dT%H:%M:%SZ"));
    const chart = await timeline(df, { sourceColumns: ["policies", "o"] });
    const rows = decodedRows<{ s0: string; s1: string }>(chart.spec);
    assert.ok(rows.some((r) => r.s0 === '[{"id":"1","detail":{"k":{"z":1}}}]'), JSON.stringify(rows));
    assert.ok(rows.some((r) => r.s1 === '{"__proto__":"p","k":1}'), JSON.stringify(rows));
  });
});

describe("timelineValues: values that cannot be drawn", () => {
  it("counts null, NaN and infinite values as not drawn, and says so (NaN vanished from the chart uncounted)", async () => {
    const t = Array.from({ length: 5 }, (_, i) => new Date(Date.UTC(2024, 0, 1, i)));
    const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series("bytes", [1, NaN, Infinity, null, 5], pl.Float64)]);
    const chart = await timelineValues(df, { y: "bytes" });
    assert.equal(chart.missingValues, 3);
    assert.match(chart.text, /3 row\(s\) whose bytes is null, NaN or infinite not drawn/);
    const v = decodedRows<{ v: number | null }>(chart.spec).map((r) => r.v);
    assert.deepEqual(v, [1, null, null, null, 5]);
  });
});

describe("timeline tooltips of durations", () => {
  it("show a duration source column as the table writes it (its raw count, 1500, before)", async () => {
    const t = [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 2))];
    const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series("elapsed", [1500, 90061001]).cast(pl.Duration("ms"))]);
    const chart = await timeline(df, { sourceColumns: ["elapsed"] });
    assert.deepEqual(decodedRows<{ s0: string }>(chart.spec).map((r) => r.s0), ["00:00:01.500", "1d 01:01:01.001"]);
  });
});

describe("timeline lanes and tooltips of dates", () => {
  it("show a Date column as a date (2024-01-01), not a midnight time", async () => {
    const t = [new Date(Date.UTC(2024, 0, 1, 5)), new Date(Date.UTC(2024, 0, 2, 6))];
    const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series("Day", t).cast(pl.Date)]);
    const chart = await timeline(df, { groupBy: "Day", sourceColumns: ["Day"] });
    assert.deepEqual(chart.lanes.map((l) => l.name), ["2024-01-01", "2024-01-02"]);
    assert.deepEqual(decodedRows<{ s0: string }>(chart.spec).map((r) => r.s0), ["2024-01-01", "2024-01-02"]);
  });
});

describe("timeline lanes of durations", () => {
  it("name a duration lane as the table writes it (its raw count before), in the order of the values", async () => {
    const t = [0, 1, 2].map((h) => new Date(Date.UTC(2024, 0, 1, h)));
    const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series("Took", [86_400_000, 82_800_000, 1500]).cast(pl.Duration("ms"))]);
    const chart = await timeline(df, { groupBy: "Took" });
    assert.deepEqual(chart.lanes.map((l) => l.name), ["00:00:01.500", "23:00:00.000", "1d 00:00:00.000"]);
  });
});

describe("timeline of text slash dates", () => {
  it("says slash dates that read either way were read month first, and reads day-first-only dates day first", async () => {
    const either = await timeline(pl.DataFrame({ TimeGenerated: ["05/06/2026 15:00:00", "06/06/2026 09:30:00"], Host: ["a", "b"] }));
    assert.match(either.text, /TimeGenerated holds slash dates that read either way .*read month first, 05\/06\/2026 as 6 May/);
    assert.match(either.text, /2026-05-06 15:00:00.000 → /);
    // A day past the 12th proves day first: 13 June, not refused as no time (it was: month 13).
    const gb = await timeline(pl.DataFrame({ TimeGenerated: ["05/06/2026 15:00:00", "13/06/2026 09:30:00"], Host: ["a", "b"] }));
    assert.match(gb.text, /2 event\(s\)/);
    assert.match(gb.text, /2026-06-05 15:00:00.000 → 2026-06-13 09:30:00.000 UTC/);
    assert.doesNotMatch(gb.text, /read either way/);
    const iso = await timeline(pl.DataFrame({ TimeGenerated: ["2026-06-05 15:00:00"], Host: ["a"] }));
    assert.doesNotMatch(iso.text, /slash dates/);
  });
});

describe("timeline: epoch numbers as text", () => {
  it("a text time column of epoch numbers (a CSV's _time) is refused saying how to make it times", async () => {
    const df = pl.DataFrame({ _time: ["1704067200", "1704070800", "1704074400.250"], Host: ["a", "b", "c"] });
    await assert.rejects(timeline(df, { timeColumn: "_time" }), (e: Error & { code?: string }) =>
      e.code === "vis/timeline-time-not-time" && /They look like epoch times: convert them first, from their size \(about 1\.70e\+9\) seconds since 1970; their median read so is 2024-01-01T01:00:00Z: df\.withColumns\(pl\.col\("_time"\)\.cast\(pl\.Float64\)\.mul\(1000\)\.cast\(pl\.Datetime\("ms"\)\)\)\.$/.test(e.message),
    );
    await assert.rejects(timeline(pl.DataFrame({ TimeGenerated: ["soon", "later"] })), (e: Error) => !/epoch/.test(e.message));
  });
});

describe("timeline: Categorical text", () => {
  it("a Categorical time column and groupBy (a Parquet or Arrow file's dictionary strings) draw as their text does (lanes of digits in text order, as for text)", async () => {
    const text = pl.DataFrame({ TimeGenerated: ["2024-01-01T02:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"], Host: ["10", "9", "100"] });
    const categorical = text.withColumns(pl.col("TimeGenerated").cast(pl.Categorical), pl.col("Host").cast(pl.Categorical));
    const want = await timeline(text, { groupBy: "Host" });
    const got = await timeline(categorical, { groupBy: "Host" });
    assert.equal(got.text, want.text);
    assert.deepEqual(got.lanes, want.lanes);
  });
});
