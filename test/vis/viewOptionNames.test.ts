/**
 * Option names a view does not know (`timeline(df, { groupby: "Host" })`) are
 * the view's own error, with the nearest known name and the known names, in
 * display's wording (were ignored silently: the user got a default view).
 * And every documented option
 * of every view factory is still accepted: the full options objects below are
 * typed `Required<…Options>`, so an option added to a type is missing here
 * until the test lists it (the source tables are checked the same way, with
 * `satisfies OptionTypesOf<…Options>`).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import * as vis from "../../src/vis/index";
import { nearestOption } from "../../src/common/errors";
import { checkOptionTypes } from "../../src/vis/options";
import { browseQueries } from "../../src/vis/queryBrowser";
import { browseResults, type TIBrowserOptions } from "../../src/vis/tiBrowser";
import type { EntityGraphOptions, NoteOptions } from "../../src/vis/entityGraph";
import { Ip } from "../../src/entities/types";
import { dbclusterEvents } from "../../src/analysis/eventCluster";

const df = pl.DataFrame({ TimeGenerated: [new Date("2024-06-01T10:00:00Z"), new Date("2024-06-01T10:20:00Z")], v: [1, 2], Msg: ["a", "b"] });
const fakeClusters = { members: () => df, clustered: df } as unknown as Parameters<typeof vis.clusterBrowser>[0];
/** Misspelt options are not in the options types: the calls pass them untyped, as a JavaScript, Deno or YAML caller would. */
const typo = (o: Record<string, unknown>): never => o as never;
const tiResults = pl.DataFrame({ Ioc: ["a.example.com"], Provider: ["Mine"], Severity: ["high"] });

/** [view named in the message, call with a misspelt option, error class, code, the misspelt name, the suggestion]. */
const MISSPELT: [string, () => unknown, new (...args: never[]) => Error, string, string, string][] = [
  ["timeline", () => vis.timeline(df, typo({ groupby: "Msg" })), vis.TimelineError, "vis/timeline-option", "groupby", "groupBy"],
  ["timeline", () => vis.displayTimeline(df, typo({ over_view: false })), vis.TimelineError, "vis/timeline-option", "over_view", "overview"],
  ["timelineValues", () => vis.timelineValues(df, typo({ y: "v", Kind: "bar" })), vis.TimelineError, "vis/timeline-option", "Kind", "kind"],
  ["plotProcessTree", () => vis.plotProcessTree(df, typo({ legend_col: "Msg" })), vis.ProcessTreePlotError, "vis/tree-plot-option", "legend_col", "legendCol"],
  ["clusterBrowser", () => vis.browseClusters(fakeClusters, typo({ labelColumn: ["Msg"] })), vis.ClusterBrowserError, "vis/cluster-option", "labelColumn", "labelColumns"],
  ["displayTimeseriesAnomalies", () => vis.timeseriesAnomaliesChart(df, typo({ y: "v", anomalyColumn: "a" })), vis.ChartDataError, "vis/chart-option", "anomalyColumn", "anomaliesColumn"],
  ["vegaLiteChart", () => vis.vegaLiteChart({} as vis.VegaLiteSpec, typo({ png_scale: 2 })), vis.VegaLiteSpecError, "vis/vega-option", "png_scale", "pngScale"],
  ["drawAlertEntityGraph", () => vis.drawAlertEntityGraph(new vis.AlertGraph(), typo({ node_size: 30 })), vis.GraphError, "vis/graph-option", "node_size", "nodeSize"],
  ["drawAlertEntityGraph", () => new vis.EntityGraph().plot(typo({ fontsize: 12 })), vis.GraphError, "vis/graph-option", "fontsize", "fontSize"],
  ["EntityGraph", () => new vis.EntityGraph(undefined, typo({ mergealerts: true })), vis.GraphError, "vis/graph-option", "mergealerts", "mergeAlerts"],
  ["addRelatedAlerts", () => vis.addRelatedAlerts([], new vis.AlertGraph(), typo({ include_unrelated: true })), vis.GraphError, "vis/graph-option", "include_unrelated", "includeUnrelated"],
  ["EntityGraph.addNote", () => new vis.EntityGraph().addNote("n", typo({ attached_to: "x" })), vis.GraphError, "vis/graph-option", "attached_to", "attachedTo"],
  ["GeoMap", () => new vis.GeoMap(typo({ zoom_start: 3 })), vis.GeoMapError, "vis/map-option", "zoom_start", "zoomStart"],
  ["GeoMap.addIpCluster", () => new vis.GeoMap().addIpCluster([], typo({ colour: "red" })), vis.GeoMapError, "vis/map-option", "colour", "color"],
  ["GeoMap.addIps", () => new vis.GeoMap().addIps([], typo({ popup_columns: ["Note"] })), vis.GeoMapError, "vis/map-option", "popup_columns", "popupColumns"],
  ["GeoMap.addGeoLocations", () => new vis.GeoMap().addGeoLocations([], typo({ Layer: "x" })), vis.GeoMapError, "vis/map-option", "Layer", "layer"],
  ["GeoMap.addHeatmap", () => new vis.GeoMap().addHeatmap([], typo({ cell_degrees: 2 })), vis.GeoMapError, "vis/map-option", "cell_degrees", "cellDegrees"],
  ["QueryBrowser", () => new vis.QueryBrowser([], typo({ provider_variable: "q" })), vis.BrowserOptionError, "vis/browser-option", "provider_variable", "providerVariable"],
  ["QueryBrowser", () => browseQueries({ queryDefinitions: () => [] }, typo({ hieght: 200 })), vis.BrowserOptionError, "vis/browser-option", "hieght", "height"],
  ["PivotBrowser", () => new vis.PivotBrowser([], typo({ titel: "x" })), vis.BrowserOptionError, "vis/browser-option", "titel", "title"],
  ["browseResults", () => browseResults(tiResults, typo({ severity: ["high"] })), vis.TIBrowserError, "vis/ti-option", "severity", "severities"],
];

async function rejection(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (err) {
    return err as Error;
  }
  assert.fail("no error");
}

describe("view options of unknown names", () => {
  for (const [view, call, cls, code, name, suggestion] of MISSPELT) {
    it(`${view}: ${name} → ${suggestion}`, async () => {
      const err = await rejection(call);
      assert.ok(err instanceof cls, `${err.name}: ${err.message}`);
      assert.equal((err as Error & { code: string }).code, code);
      assert.ok(err.message.startsWith(`${view}: unknown option ${name} (did you mean ${suggestion}?); its options are `), err.message);
    });
  }

  it("list the known names, after the nearest one when one is close (display's wording)", async () => {
    const near = await rejection(() => new vis.GeoMap().addGeoLocations([], typo({ Layer: "x" })));
    assert.equal(near.message, "GeoMap.addGeoLocations: unknown option Layer (did you mean layer?); its options are color, layer.");
    const err = await rejection(() => new vis.GeoMap().addGeoLocations([], typo({ popupColumns: ["Note"] })));
    assert.equal(err.message, "GeoMap.addGeoLocations: unknown option popupColumns; its options are color, layer.");
    const long = await rejection(() => vis.timeline(df, typo({ zzzzzzzzzzzzzzzz: 1 })));
    assert.match(long.message, /^timeline: unknown option zzzzzzzzzzzzzzzz; its options are timeColumn, sourceColumns, groupBy, .*, overview\.$/);
  });

  it("cut the list of known names", () => {
    const types = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`option${i}`, "number" as const]));
    assert.throws(
      () => checkOptionTypes({ zzzzzzzzzzzz: 1 }, types, { view: "v", code: "vis/chart-option", error: (m) => new vis.ChartDataError(m) }),
      (err: Error) => err.message.endsWith("option18, option19 and 10 more.") && !err.message.includes("option20"),
    );
  });

  it("show a hostile or huge name cut and quoted", async () => {
    const name = `<img src=x onerror=alert(1)>${"x".repeat(100_000)}`;
    const err = await rejection(() => vis.timeline(df, typo({ [name]: 1 })));
    assert.ok(err instanceof vis.TimelineError);
    assert.ok(err.message.length < 400, err.message.slice(0, 500));
    assert.ok(err.message.startsWith('timeline: unknown option "<img src=x onerror=alert(1)>xxx'), err.message);
  });

  it("match case and _/- first, then the nearest name, else none", () => {
    const known = ["legendCol", "showTable", "title", "height"];
    assert.equal(nearestOption("LEGEND-COL", known), "legendCol");
    assert.equal(nearestOption("titel", known), "title");
    assert.equal(nearestOption("colour_scheme_of_the_tree", known), undefined);
  });

  it("ignore names whose value is undefined and inherited names; reject own names like toString", async () => {
    await vis.timeline(df, typo({ groupby: undefined }));
    await vis.timeline(df, Object.create({ groupby: "Msg" }) as vis.TimelineOptions);
    const err = await rejection(() => vis.timeline(df, typo({ toString: "x" })));
    assert.ok(err instanceof vis.TimelineError && err.message.includes("unknown option toString"), err.message);
  });
});

// Every option of each factory, with a value it accepts.
const COMMON: Required<vis.TimelineCommonOptions> = {
  timeColumn: "TimeGenerated",
  sourceColumns: ["Msg"],
  groupBy: "Msg",
  title: "t",
  height: 200,
  width: 300,
  color: "red",
  refEvent: { time: new Date("2024-06-01T10:10:00Z"), label: "alert" },
  canvasThreshold: 10,
  maxTooltipLength: 50,
  pngScale: 1,
  maxLanes: 5,
  maxEvents: 100,
  timeZone: "Europe/Berlin",
};
const TIMELINE: Required<vis.TimelineOptions> = { ...COMMON, overview: false };
const VALUES: Required<vis.TimelineValuesOptions> = { ...COMMON, y: "v", kind: ["line", "point"] };
const processes = pl.DataFrame({ When: df.getColumn("TimeGenerated"), Image: ["C:\\a.exe", "C:\\b.exe"], Pid: ["0x1", "0x2"], ParentPid: ["0x0", "0x1"], Msg: ["a", "b"] });
const TREE: Required<vis.ProcessTreePlotOptions> = {
  legendCol: "Msg",
  showTable: true,
  title: "t",
  height: 300,
  width: 500,
  schema: { processName: "Image", processId: "Pid", parentId: "ParentPid", timeStamp: "When", pathSeparator: "\\" },
  expandDepth: 2,
  maxInitialNodes: 10,
  maxCmdLength: 100,
  timeZone: "Europe/Berlin",
};
const CLUSTERS: Required<vis.ClusterBrowserOptions> = { labelColumns: ["Msg"], label: () => "x", columns: ["Msg"], unit: "logons", title: "t", maxRows: 10, maxClusters: 10 };
const ANOMALIES: Required<vis.TimeseriesAnomaliesChartOptions> = { y: "v", timeColumn: "TimeGenerated", anomaliesColumn: "v", baselineColumn: null, scoreColumn: "v", title: "t", width: 300, height: 200, maxPoints: 100, warn: () => undefined, timeZone: "America/New_York" };
const VEGA: Required<vis.VegaLiteChartOptions> = { renderer: "svg", pngScale: 1, text: "t", noPng: true };
const GRAPH: Required<vis.EntityGraphPlotOptions> = { width: 400, height: 300, title: "t", nodeSize: 20, fontSize: 9, timeline: false, layout: "browser", maxStaticLabels: 10, labels: 3, mergeAlerts: true, timeZone: "Asia/Kolkata" };
const ENTITY_GRAPH: Required<EntityGraphOptions> = { mergeAlerts: true };
const RELATED: Required<vis.RelatedAlertsOptions> = { includeUnrelated: true, linkTypes: ["host", "ip"] };
const NOTE: Required<NoteOptions> = { description: "d", attachedTo: ["n0"] };
const MAP: Required<vis.GeoMapOptions> = { zoomStart: 3, height: 300, width: "100%", location: [1, 2], tiles: { url: "https://tile.example.test/{z}/{x}/{y}.png" }, title: "t", basemap: false };
const MARKERS: Required<vis.GeoMarkerOptions> = { color: "red", layer: "l", popupColumns: [], geolocate: false, geoLookup: {} };
const LOCATIONS: Required<vis.GeoLocationOptions> = { color: "red", layer: "l" };
const HEAT: Required<vis.GeoHeatmapOptions> = { layer: "l", color: "red", cellDegrees: 2 };
const QUERIES: Required<vis.QueryBrowserOptions> = { providerVariable: "q", title: "t", height: 200 };
const PIVOTS: Required<vis.PivotBrowserOptions> = { title: "t", height: 200 };
const TI: Required<TIBrowserOptions> = { severities: ["warning"], height: 200, title: "t", maxItems: 10, maxRawChars: 100 };

/** [what, call with every option]. */
const EVERY_OPTION: [string, () => unknown][] = [
  ["timeline", () => vis.timeline(df, TIMELINE)],
  ["timelineValues", () => vis.timelineValues(df, VALUES)],
  ["plotProcessTree", () => vis.plotProcessTree(processes, TREE)],
  ["clusterBrowser", () => vis.clusterBrowser(dbclusterEvents(df, { clusterColumns: ["v"], timeColumn: "TimeGenerated" }), CLUSTERS)],
  ["timeseriesAnomaliesChart", () => vis.timeseriesAnomaliesChart(df, ANOMALIES)],
  ["vegaLiteChart", () => vis.vegaLiteChart({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "point", data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } } as unknown as vis.VegaLiteSpec, VEGA)],
  ["drawAlertEntityGraph", () => vis.drawAlertEntityGraph(new vis.AlertGraph(), GRAPH)],
  ["EntityGraph", () => new vis.EntityGraph(undefined, ENTITY_GRAPH).plot(GRAPH)],
  ["addRelatedAlerts", () => vis.addRelatedAlerts([], new vis.AlertGraph(), RELATED)],
  ["EntityGraph.addNote", () => new vis.EntityGraph().addNote("n0").addNote("n1", NOTE).addNote("n2", { attachedTo: "n0" })],
  ["GeoMap", () => new vis.GeoMap(MAP).addIpCluster([new Ip({ Address: "10.0.0.1" })], MARKERS).addIps([], MARKERS).addGeoLocations([], LOCATIONS).addHeatmap([], HEAT)],
  ["QueryBrowser", () => [new vis.QueryBrowser([], QUERIES), browseQueries({ queryDefinitions: () => [] }, QUERIES)]],
  ["PivotBrowser", () => new vis.PivotBrowser([], PIVOTS)],
  ["browseResults", () => [browseResults(tiResults, TI), browseResults(tiResults, { ...TI, severities: "all" })]],
];

describe("every documented option of every view", () => {
  for (const [what, call] of EVERY_OPTION) {
    it(`is accepted by ${what}`, async () => {
      await call();
    });
  }
});

describe("option values of the wrong type", () => {
  it("addRelatedAlerts and EntityGraph.addNote name the option and what it takes", () => {
    assert.throws(() => vis.addRelatedAlerts([], new vis.AlertGraph(), typo({ linkTypes: "host" })), { code: "vis/graph-option", message: /addRelatedAlerts.*linkTypes.*a list of text/ });
    assert.throws(() => new vis.EntityGraph().addNote("n", typo({ attachedTo: 5 })), { code: "vis/graph-option", message: /EntityGraph\.addNote.*attachedTo.*text or a list of text/ });
    assert.throws(() => new vis.EntityGraph().addNote("n", typo({ description: ["d"] })), { code: "vis/graph-option", message: /description.*text/ });
  });
});
