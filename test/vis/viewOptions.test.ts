/**
 * Options of the wrong type, every view factory of src/vis/index.ts: an error
 * of the view's class naming the view, the option and the value (was a raw
 * TypeError, or a value silently misread). Also the fixes found with them:
 * refEvent in epoch seconds, numeric-text coordinates, heat-layer point counts,
 * the bounded noise list of the cluster browser.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import * as vis from "../../src/vis/index";
import { GeoLocation, Ip } from "../../src/entities/types";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { browseResults } from "../../src/vis/tiBrowser";

const df = pl.DataFrame({ TimeGenerated: [new Date("2024-06-01T10:00:00Z"), new Date("2024-06-01T10:20:00Z")], v: [1, 2], Msg: ["a", "b"] });
const fakeClusters = { members: () => df, clustered: df } as unknown as Parameters<typeof vis.clusterBrowser>[0];

/** [view named in the message, call with a wrong-typed option, error class, option name, value text]. */
const CASES: [string, () => unknown, new (...args: never[]) => Error, string, string][] = [
  ["timeline", () => vis.timeline(df, { groupBy: 5 as unknown as string }), vis.TimelineError, "groupBy", "5"],
  ["timeline", () => vis.displayTimeline(df, { overview: "yes" as unknown as boolean }), vis.TimelineError, "overview", '"yes"'],
  ["timelineValues", () => vis.timelineValues(df, { y: "v", sourceColumns: "Msg" as unknown as string[] }), vis.TimelineError, "sourceColumns", '"Msg"'],
  ["plotProcessTree", () => vis.plotProcessTree(df, { legendCol: 5 as unknown as string }), vis.ProcessTreePlotError, "legendCol", "5"],
  ["clusterBrowser", () => vis.clusterBrowser(fakeClusters, { maxRows: "10" as unknown as number }), vis.ClusterBrowserError, "maxRows", '"10"'],
  ["clusterBrowser", () => vis.browseClusters(fakeClusters, { label: "x" as unknown as () => string }), vis.ClusterBrowserError, "label", '"x"'],
  ["displayTimeseriesAnomalies", () => vis.timeseriesAnomaliesChart(df, { y: "v", width: "wide" as unknown as number }), vis.ChartDataError, "width", '"wide"'],
  ["vegaLiteChart", () => vis.vegaLiteChart({} as vis.VegaLiteSpec, { renderer: "webgl" as "svg" }), vis.VegaLiteSpecError, "renderer", '"webgl"'],
  ["drawAlertEntityGraph", () => vis.drawAlertEntityGraph(new vis.AlertGraph(), { timeline: 1 as unknown as boolean }), vis.GraphError, "timeline", "1"],
  ["EntityGraph", () => new vis.EntityGraph(undefined, { mergeAlerts: "yes" as unknown as boolean }), vis.GraphError, "mergeAlerts", '"yes"'],
  ["GeoMap", () => new vis.GeoMap({ height: "500" as unknown as number }), vis.GeoMapError, "height", '"500"'],
  ["GeoMap.addIpCluster", () => new vis.GeoMap().addIpCluster([], { color: 5 as unknown as string }), vis.GeoMapError, "color", "5"],
  ["GeoMap.addIps", () => new vis.GeoMap().addIps([], { popupColumns: "Note" as unknown as string[] }), vis.GeoMapError, "popupColumns", '"Note"'],
  ["GeoMap.addGeoLocations", () => new vis.GeoMap().addGeoLocations([], { layer: ["a"] as unknown as string }), vis.GeoMapError, "layer", '["a"]'],
  ["GeoMap.addHeatmap", () => new vis.GeoMap().addHeatmap([], { color: 5 as unknown as string }), vis.GeoMapError, "color", "5"],
  ["QueryBrowser", () => new vis.QueryBrowser([], { height: "tall" as unknown as number }), vis.BrowserOptionError, "height", '"tall"'],
  ["PivotBrowser", () => new vis.PivotBrowser([], { title: 5 as unknown as string }), vis.BrowserOptionError, "title", "5"],
  ["browseResults", () => browseResults(pl.DataFrame({ Ioc: ["a.example.com"], Provider: ["Mine"], Severity: ["high"] }), { height: "tall" as unknown as number }), vis.TIBrowserError, "height", '"tall"'],
];

describe("view options of the wrong type", () => {
  for (const [view, call, cls, option, value] of CASES) {
    it(`${call.toString().match(/vis\.(\w+)/)?.[1]} (${view}): ${option} = ${value}`, async () => {
      await assert.rejects(
        async () => call(),
        (err: Error) => {
          assert.ok(err instanceof cls, `${view}: ${err.name}: ${err.message}`);
          assert.ok(err.message.includes(view) && err.message.includes(`option ${option} `) && err.message.includes(`not ${value}`), err.message);
          return true;
        },
      );
    });
  }

  it("cut a long value in the message", () => {
    assert.throws(
      () => new vis.PivotBrowser([], { title: ["x".repeat(10_000)] as unknown as string }),
      (err: Error) => err.message.length < 200 && err.message.includes("…"),
    );
  });
});

describe("timeline refEvent numbers", () => {
  const refT = async (refEvent: number) => ((await vis.timeline(df, { refEvent })).spec as { layer: { data?: { values: { t: number }[] } }[] }).layer[1].data!.values[0].t;

  it("read by magnitude: epoch seconds (was read as ms: January 1970) and milliseconds", async () => {
    assert.equal(await refT(1717236000), Date.parse("2024-06-01T10:00:00Z"));
    assert.equal(await refT(1717236000000), Date.parse("2024-06-01T10:00:00Z"));
  });

  it("too small to be an epoch time in any unit is an error naming it", async () => {
    await assert.rejects(() => vis.timeline(df, { refEvent: 12 }), (err: Error) => err instanceof vis.TimelineError && err.message.includes("12"));
  });
});

describe("geo map", () => {
  it("reads numeric-text coordinates (CSV) and counts anything else as missing", () => {
    const at = (Latitude: unknown, Longitude: unknown) => new GeoLocation({ Latitude, Longitude } as ConstructorParameters<typeof GeoLocation>[0]);
    const locs = [at("47.6", "-122.3"), at(" 10 ", "20.5"), at("", "1"), at("47N", "1"), at("95", "1"), at("1e999", "1"), at("0x10", "1")];
    const map = new vis.GeoMap().addGeoLocations(locs);
    assert.equal(map.markerCount, 2);
    assert.equal(map.skipped, 5);
    const ip = new Ip({ Address: "8.8.8.8", Location: at("47.6", "-122.3") });
    const ips = new vis.GeoMap().addIps([ip]);
    assert.equal(ips.markerCount, 1);
    assert.equal(ip.Location!.Latitude, "47.6", "an Ip with text coordinates is not geolocated again");
  });

  it("heat layer labels count points, not cells", () => {
    const locs = Array.from({ length: 30 }, (_, i) => new GeoLocation({ Latitude: 10 + (i % 3) * 0.1, Longitude: 10 + (i % 2) * 5 }));
    const map = new vis.GeoMap().addHeatmap(locs);
    assert.deepEqual(map.layerSummary, [{ name: "Density", kind: "heat", points: 30, cells: 2 }]);
    assert.equal(map.markerCount, 30);
    assert.match(map.toText(), /Density \(heat\): 30 points in 2 cells/);
    assert.match(map.toView().toHtml(), /<summary>Locations \(30 points\)<\/summary>/);
  });
});

describe("cluster browser noise list", () => {
  it("lists at most maxRows unclustered events and says how many were left out", () => {
    // 500 scattered events (all noise) and a tight cluster of 5.
    const n = 500;
    const events = pl.DataFrame({
      TimeGenerated: Array.from({ length: n + 5 }, (_, i) => new Date(Date.UTC(2024, 0, 1, 0, i))),
      x: [...Array.from({ length: n }, (_, i) => i * 10), 1e6, 1e6, 1e6, 1e6, 1e6],
    });
    const result = dbclusterEvents(events, { clusterColumns: ["x"], maxClusterDistance: 0.5, normalize: false, timeColumn: "TimeGenerated" });
    assert.equal(result.noiseCount, n);
    const bundle = vis.clusterBrowser(result, { maxRows: 50 })[JUPYTER_DISPLAY]();
    const html = bundle["text/html"] as string;
    assert.equal((html.match(/<details class="hl-cb-item"/g) ?? []).length, 51);
    assert.ok(html.includes("450 more unclustered events not shown (maxRows 50)."));
    assert.match(bundle["text/plain"] as string, /… 450 more unclustered events not shown/);
  });
});
