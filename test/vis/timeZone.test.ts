/**
 * The charts' `timeZone` option: wall-clock times in an IANA zone on the axes, in the tooltips, the text
 * forms and the static images, the zone named on the chart; a series across Europe/Berlin's 2026 changes
 * (a skipped hour on 29 March, a repeated one on 25 October); UTC (the default) writes the very same spec.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { timeline, timelineValues } from "../../src/vis/timeline";
import { timeseriesAnomaliesChart, timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { chartZone, offsetText } from "../../src/vis/timeZone";
import { renderVegaLiteSvg, type VegaLiteSpec } from "../../src/vis/vegaLite";
import { TimelineError } from "../../src/vis/messages";
import { decodedRows, drawnData } from "../helpers/vegaRows";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { SecurityAlert } from "../../src/entities";
import { addRelatedAlerts, createAlertGraph, GraphError } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph } from "../../src/vis/entityGraph";
import type { EntityGraphData } from "../../src/vis/client/views/entityGraph";
import { processRows, processTreeModel } from "../../src/vis/processTree";

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HOUR = 3_600_000;

/** Events at `hours` (UTC hours after midnight, UTC) of a day. */
function events(y: number, m: number, d: number, hours: number[]): pl.DataFrame {
  const times = hours.map((h) => new Date(Date.UTC(y, m - 1, d) + h * HOUR));
  return pl.DataFrame({
    TimeGenerated: pl.Series("TimeGenerated", times, pl.Datetime("ms")),
    Host: times.map((_, i) => `host-${i}`),
    Bytes: pl.Series("Bytes", times.map((_, i) => 100 + i), pl.Int64),
  });
}

/** Berlin's spring change (2026-03-29 01:00 UTC: 02:00 CET → 03:00 CEST): 01:30 +01:00, 03:30 and 04:30 +02:00. */
const spring = () => events(2026, 3, 29, [0.5, 1.5, 2.5]);
/** Berlin's autumn change (2026-10-25 01:00 UTC: 03:00 CEST → 02:00 CET): 02:30 +02:00, 02:30 +01:00, 03:30 +01:00. */
const autumn = () => events(2026, 10, 25, [0.5, 1.5, 2.5]);


/** The texts Vega drew into an SVG (axis labels, titles), in order. */
async function svgTexts(spec: VegaLiteSpec): Promise<string[]> {
  return [...(await renderVegaLiteSvg(spec)).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

const wall = (iso: string) => Date.parse(`${iso}Z`);

describe("chartZone", () => {
  it("gives the zone's offset at each instant, and its canonical name", () => {
    const berlin = chartZone("europe/berlin", { view: "t", code: "vis/timeline-option", error: (m) => new TimelineError(m) });
    assert.equal(berlin.name, "Europe/Berlin");
    assert.equal(berlin.utc, false);
    assert.equal(berlin.offsetAt(Date.UTC(2026, 2, 29, 0, 59, 59, 999)), HOUR);
    assert.equal(berlin.offsetAt(Date.UTC(2026, 2, 29, 1)), 2 * HOUR);
    assert.equal(berlin.offsetAt(Date.UTC(2026, 9, 25, 0, 59)), 2 * HOUR);
    assert.equal(berlin.offsetAt(Date.UTC(2026, 9, 25, 1)), HOUR);
    // Local mean time (+00:53:28) before 1893: to the second.
    assert.equal(berlin.offsetAt(Date.UTC(1880, 0, 1, 12)), (53 * 60 + 28) * 1000);
    const utc = chartZone(undefined, { view: "t", code: "vis/timeline-option", error: (m) => new TimelineError(m) });
    assert.deepEqual([utc.name, utc.utc, utc.offsetAt(Date.UTC(2026, 5, 1))], ["UTC", true, 0]);
    assert.deepEqual([offsetText(2 * HOUR), offsetText(-4 * HOUR), offsetText(5.5 * HOUR), offsetText(0)], ["+02:00", "-04:00", "+05:30", "+00:00"]);
  });
});

describe("timeline in a time zone", () => {
  it("writes the same spec and text as ever by default and with timeZone UTC", async () => {
    const plain = await timeline(spring(), { sourceColumns: ["Host"], refEvent: new Date(Date.UTC(2026, 2, 29, 1)) });
    const utc = await timeline(spring(), { sourceColumns: ["Host"], refEvent: new Date(Date.UTC(2026, 2, 29, 1)), timeZone: "UTC" });
    assert.equal(JSON.stringify(utc.spec), JSON.stringify(plain.spec));
    assert.equal(utc.text, plain.text);
    assert.ok(utc.png.equals(plain.png));
  });

  it("draws Berlin's wall clock across the spring change (the skipped hour holds nothing), tips with offsets", async () => {
    const chart = await timeline(spring(), { sourceColumns: ["Host"], timeZone: "Europe/Berlin", refEvent: { time: new Date(Date.UTC(2026, 2, 29, 1, 15)), label: "alert" } });
    const spec = chart.spec as Spec;
    assert.deepEqual(decodedRows<{ t: number }>(spec).map((r) => r.t), [wall("2026-03-29T01:30"), wall("2026-03-29T03:30"), wall("2026-03-29T04:30")]);
    const drawn = await drawnData(chart.spec);
    const tips = drawn.filter((d) => typeof d.ts === "string").map((d) => d.ts as string).sort();
    assert.deepEqual(tips, ["2026-03-29 01:30:00.000 +01:00", "2026-03-29 03:30:00.000 +02:00", "2026-03-29 04:30:00.000 +02:00"]);
    const [detail] = spec.vconcat;
    const points = detail.layer[0];
    assert.equal(points.encoding.x.title, "Time in Europe/Berlin");
    assert.equal(points.encoding.tooltip[0].title, "TimeGenerated (Europe/Berlin)");
    // The reference line at its wall-clock time too (01:15 UTC is 03:15 CEST).
    const rule = detail.layer.find((l: Spec) => l.mark.type === "rule");
    assert.equal(rule.data.values[0].t, wall("2026-03-29T03:15"));
    assert.match(chart.text, /2026-03-29 01:30:00\.000 \+01:00 → 2026-03-29 04:30:00\.000 \+02:00 \(Europe\/Berlin\)/);
    // Axis labels (as the static image draws them): wall-clock hours, 03:00 and later among them.
    const texts = await svgTexts(chart.spec);
    assert.ok(texts.includes("Time in Europe/Berlin"), texts.join(" | "));
    const hours = texts.filter((t) => /^2026-03-29 \d\d:\d\d$/.test(t)).map((t) => t.slice(11));
    assert.ok(hours.length > 0 && hours.every((h) => h >= "01:00" && h <= "05:00"), hours.join(" "));
    assert.ok(hours.some((h) => h >= "03:00"), `wall-clock labels past 03:00: ${hours.join(" ")}`);
    // The PNG is drawn from the zoned spec: not UTC's.
    assert.ok(!chart.png.equals((await timeline(spring(), { sourceColumns: ["Host"], refEvent: new Date(Date.UTC(2026, 2, 29, 1, 15)) })).png));
  });

  it("draws the repeated autumn hour's two 02:30s at one place, told apart by their offsets", async () => {
    const chart = await timeline(autumn(), { sourceColumns: ["Host"], timeZone: "Europe/Berlin" });
    const rows = decodedRows<{ t: number; o: string; s0: string }>(chart.spec);
    assert.deepEqual(rows.map((r) => [r.t, r.o, r.s0]), [
      [wall("2026-10-25T02:30"), "+02:00", "host-0"],
      [wall("2026-10-25T02:30"), "+01:00", "host-1"],
      [wall("2026-10-25T03:30"), "+01:00", "host-2"],
    ]);
    const tips = (await drawnData(chart.spec)).filter((d) => typeof d.ts === "string").map((d) => `${d.ts} ${d.s0}`).sort();
    assert.deepEqual(tips, ["2026-10-25 02:30:00.000 +01:00 host-1", "2026-10-25 02:30:00.000 +02:00 host-0", "2026-10-25 03:30:00.000 +01:00 host-2"]);
    assert.match(chart.text, /2026-10-25 02:30:00\.000 \+02:00 → 2026-10-25 03:30:00\.000 \+01:00 \(Europe\/Berlin\)/);
  });

  it("writes one offset into the tooltip expression when the range holds no change (rows carry none)", async () => {
    const chart = await timeline(events(2026, 6, 1, [12, 12.25]), { timeZone: "America/New_York" });
    const rows = decodedRows<Spec>(chart.spec);
    assert.deepEqual(rows.map((r) => r.t), [wall("2026-06-01T08:00"), wall("2026-06-01T08:15")]);
    assert.ok(rows.every((r) => !("o" in r)));
    const tips = (await drawnData(chart.spec)).filter((d) => typeof d.ts === "string").map((d) => d.ts);
    assert.deepEqual(tips.sort(), ["2026-06-01 08:00:00.000 -04:00", "2026-06-01 08:15:00.000 -04:00"]);
    // The keyboard's range (sliders) spans the drawn times, not the instants.
    const expr = (chart.spec as Spec).layer[0].encoding.x.scale.domainRaw.expr as string;
    // (padded by 2% of the 15 minutes on either side)
    assert.ok(expr.startsWith(`isArray(zoom.t) ? zoom.t : [${wall("2026-06-01T08:00") - 18_000} + `), expr);
  });

  it("refuses a zone name it does not know, naming the option and the value", async () => {
    for (const [fn, call] of [
      ["timeline", () => timeline(spring(), { timeZone: "Europe/Berln" })],
      ["timelineValues", () => timelineValues(spring(), { y: "Bytes", timeZone: "Europe/Berln" })],
    ] as const) {
      await assert.rejects(call, (e: Error & { code?: string }) => {
        assert.ok(e instanceof TimelineError);
        assert.equal(e.code, "vis/timeline-option");
        assert.match(e.message, new RegExp(`^${fn}: option timeZone must be "UTC" or an IANA time zone name .*, not "Europe/Berln"\\.$`));
        return true;
      });
    }
    await assert.rejects(timeline(spring(), { timeZone: "" }), { code: "vis/timeline-option", message: /timeZone .*, not ""/ });
    await assert.rejects(timeline(spring(), { timeZone: 2 as unknown as string }), { code: "vis/timeline-option", message: /option timeZone must be text/ });
  });
});

describe("timelineValues in a time zone", () => {
  it("draws the values at Berlin's wall clock with offsets in the tips and the zone on the axis", async () => {
    const chart = await timelineValues(autumn(), { y: "Bytes", kind: "point", timeZone: "Europe/Berlin" });
    const spec = chart.spec as Spec;
    assert.equal(spec.layer[0].encoding.x.title, "Time in Europe/Berlin");
    const tips = (await drawnData(chart.spec)).filter((d) => typeof d.ts === "string").map((d) => `${d.ts} ${d.v}`).sort();
    assert.deepEqual(tips, ["2026-10-25 02:30:00.000 +01:00 101", "2026-10-25 02:30:00.000 +02:00 100", "2026-10-25 03:30:00.000 +01:00 102"]);
    const plain = await timelineValues(autumn(), { y: "Bytes", kind: "point" });
    assert.equal(JSON.stringify((await timelineValues(autumn(), { y: "Bytes", kind: "point", timeZone: "UTC" })).spec), JSON.stringify(plain.spec));
  });
});

/** An anomalies output, hourly across Berlin's autumn change (UTC 22:00 → 04:00), one spike at 01:00 UTC. */
function anomalies(): pl.DataFrame {
  const times = Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2026, 9, 24, 22 + i)));
  return pl.DataFrame({
    TimeGenerated: pl.Series("TimeGenerated", times, pl.Datetime("ms")),
    Bytes: pl.Series("Bytes", [10, 11, 12, 90, 12, 11, 10], pl.Int64),
    baseline: [10, 11, 12, 12, 12, 11, 10],
    score: [0, 0.1, 0.2, 5, 0.2, 0.1, 0],
    anomalies: pl.Series("anomalies", [0, 0, 0, 1, 0, 0, 0], pl.Int32),
  });
}

describe("anomaly chart in a time zone", () => {
  it("draws the series at Berlin's wall clock in time order, tips and text with offsets", async () => {
    const spec = timeseriesAnomaliesSpec(anomalies(), { y: "Bytes", timeZone: "Europe/Berlin" }) as Spec;
    const rows = spec.data.values as { t: string; when: string }[];
    // In time order (by instant): the repeated hour's 02:00 +01:00 after 02:00 +02:00.
    assert.deepEqual(rows.map((r) => r.when), [
      "2026-10-25 00:00:00 +02:00",
      "2026-10-25 01:00:00 +02:00",
      "2026-10-25 02:00:00 +02:00",
      "2026-10-25 02:00:00 +01:00",
      "2026-10-25 03:00:00 +01:00",
      "2026-10-25 04:00:00 +01:00",
      "2026-10-25 05:00:00 +01:00",
    ]);
    assert.equal(rows[3].t, "2026-10-25T02:00:00.000Z");
    assert.equal(spec.layer[0].encoding.x.title, "TimeGenerated (Europe/Berlin)");
    const chart = await timeseriesAnomaliesChart(anomalies(), { y: "Bytes", timeZone: "Europe/Berlin" });
    assert.match(chart.text, /1 anomaly: 2026-10-25 02:00 \+01:00 \(spike\); times in Europe\/Berlin$/);
    assert.equal(JSON.stringify(timeseriesAnomaliesSpec(anomalies(), { y: "Bytes", timeZone: "UTC" })), JSON.stringify(timeseriesAnomaliesSpec(anomalies(), { y: "Bytes" })));
    assert.throws(() => timeseriesAnomaliesSpec(anomalies(), { y: "Bytes", timeZone: "Mars/Olympus" }), {
      code: "vis/chart-option",
      message: /^displayTimeseriesAnomalies: option timeZone must be "UTC" or an IANA time zone name .*, not "Mars\/Olympus"\.$/,
    });
  });
});

describe("entity graph in a time zone", () => {
  it("writes the strip's and the details' times in the zone with offsets, the zone named; UTC as ever", async () => {
    const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
    const graph = addRelatedAlerts(df, createAlertGraph(new SecurityAlert(df, 0)));
    const payload = (options: Parameters<typeof drawAlertEntityGraph>[1]) => drawAlertEntityGraph(graph, options).toView().spec.data as EntityGraphData;
    const plain = payload({});
    assert.equal(JSON.stringify(payload({ timeZone: "UTC" })), JSON.stringify(plain));
    assert.ok(plain.timeline.length >= 2 && plain.timeline.every((p) => !("when" in p)) && !("timeZone" in plain));
    const kolkata = payload({ timeZone: "Asia/Kolkata" });
    assert.equal(kolkata.timeZone, "Asia/Kolkata");
    // India: +05:30 all year.
    const inKolkata = (t: number) => `${new Date(t + 5.5 * HOUR).toISOString().replace("T", " ").replace("Z", "")} +05:30`;
    assert.deepEqual(kolkata.timeline.map((p) => p.when), kolkata.timeline.map((p) => inKolkata(p.t)));
    assert.deepEqual(kolkata.timeline.map((p) => p.t), plain.timeline.map((p) => p.t), "the strip places the alerts by their instants");
    const alert = kolkata.nodes.find((n) => n.details.some(([k]) => k === "time"))!;
    const utcTime = plain.nodes.find((n) => n.id === alert.id)!.details.find(([k]) => k === "time")![1];
    assert.equal(alert.details.find(([k]) => k === "time")![1], `${inKolkata(Date.parse(utcTime))} (Asia/Kolkata)`);
    const html = String(drawAlertEntityGraph(graph, { timeZone: "Asia/Kolkata" })[JUPYTER_DISPLAY]()["text/html"]);
    assert.ok(html.includes(`<span class="hl-eg-time">${inKolkata(Date.parse(utcTime))} (Asia/Kolkata)</span>`), "the static list in the zone");
    assert.throws(() => drawAlertEntityGraph(graph, { timeZone: "Asia/Kolkatta" }), (e: Error & { code?: string }) => {
      assert.ok(e instanceof GraphError);
      assert.equal(e.code, "vis/graph-option");
      assert.match(e.message, /^drawAlertEntityGraph: option timeZone must be .*, not "Asia\/Kolkatta"\.$/);
      return true;
    });
  });
});

describe("process tree in a time zone", () => {
  it("shows a time column's times on the zone's wall clock with offsets (a zoned column converted too), the zone in the table's heading", () => {
    // Around New York's spring change (2024-03-10 07:00 UTC: 02:00 EST → 03:00 EDT).
    const micros = [1710053999999999n, 1710054000500000n];
    const zoned = pl.Series("T", micros).cast(pl.Datetime("us")).dt.replaceTimeZone("UTC").dt.convertTimeZone("America/New_York");
    const naive = pl.Series("N", micros).cast(pl.Datetime("us"));
    const tree = pl.DataFrame([pl.Series("proc_key", ["a", "b"]), pl.Series("parent_key", [null, "a"], pl.Utf8), zoned, naive]);
    const berlin = chartZone("Europe/Berlin", { view: "t", code: "vis/tree-plot-option", error: (m) => new Error(m.message) });
    assert.deepEqual(processRows(tree, { timeStamp: "N" }, 1000, berlin).times, ["2024-03-10 07:59:59.999+01:00", "2024-03-10 08:00:00.500+01:00"]);
    assert.deepEqual(processRows(tree, { timeStamp: "T" }, 1000, berlin).times, ["2024-03-10 07:59:59.999+01:00", "2024-03-10 08:00:00.500+01:00"]);
    const newYork = chartZone("America/New_York", { view: "t", code: "vis/tree-plot-option", error: (m) => new Error(m.message) });
    assert.deepEqual(processRows(tree, { timeStamp: "N" }, 1000, newYork).times, ["2024-03-10 01:59:59.999-05:00", "2024-03-10 03:00:00.500-04:00"]);
    // The other columns are not times: as ever.
    assert.deepEqual(processRows(tree, { timeStamp: "N", processId: "proc_key" }, 1000, berlin).pids, ["a", "b"]);
  });

  it("names the zone in the table's heading and hover text, refuses an unknown zone", async () => {
    const events = pl.DataFrame({
      proc_key: ["p1", "p2"],
      parent_key: pl.Series("parent_key", [null, "p1"], pl.Utf8),
      IsRoot: [true, false],
      IsLeaf: [false, true],
      IsBranch: [false, false],
      path: ["0", "0/1"],
      Level: [0, 1],
      TimeGenerated: pl.Series("TimeGenerated", [new Date(Date.UTC(2026, 9, 25, 0, 30)), new Date(Date.UTC(2026, 9, 25, 1, 30))], pl.Datetime("ms")),
      NewProcessName: ["C:\\a.exe", "C:\\b.exe"],
    });
    const model = processTreeModel(events, { schema: { timeStamp: "TimeGenerated", processName: "NewProcessName" }, timeZone: "Europe/Berlin" });
    assert.equal(model.tableColumns.at(-1), "Time (Europe/Berlin)");
    assert.deepEqual(model.nodes.map((n) => n.t), ["2026-10-25 02:30:00.000+02:00", "2026-10-25 02:30:00.000+01:00"]);
    assert.equal(processTreeModel(events, { schema: { timeStamp: "TimeGenerated", processName: "NewProcessName" } }).tableColumns.at(-1), "Time");
    assert.throws(() => processTreeModel(events, { timeZone: "Berlin" }), { code: "vis/tree-plot-option", message: /^plotProcessTree: option timeZone must be .*, not "Berlin"\.$/ });
  });
});
