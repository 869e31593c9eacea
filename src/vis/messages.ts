/** The error classes, codes and message builders of src/vis (the Node side of the views). */
import { closestNames, didYouMean, errorMessage, HuntlabError, unknownOptionText, type CodesOfClass, type ErrorCatalog, type UnknownOption } from "../common/errors";
import { revealHidden } from "../common/hiddenChars";
import { closeNames, listedName, nameList, quotedName, quotedText } from "../common/shownText";
import { optionTypeText, shortValue } from "../common/options";
import { epochConversion, epochMagnitude, epochTypeHint, looksLikeEpochText } from "../common/epoch";

/** Every code of src/vis, with what docs/errors.md says of it. */
export const VIS_ERRORS = {
  "vis/timeline-not-a-dataframe": { class: "TimelineError", when: "a timeline is given something other than a polars DataFrame", names: "the function, what it was given and how to make it a DataFrame" },
  "vis/timeline-column-missing": { class: "TimelineError", when: "a column named for a timeline is not in the data", names: "the role (time, y, group…), the column, the frame's time-typed columns (when the time column is missing), the columns there are" },
  "vis/timeline-time-not-time": { class: "TimelineError", when: "the timeline's time column holds neither times nor time text, or more text that is no time than times", names: "the column, example values or its type" },
  "vis/timeline-ref-time": { class: "TimelineError", when: "a refEvent time is not a time", names: "the value" },
  "vis/timeline-option": { class: "TimelineError", when: "a timeline option is missing, unknown (misspelt) or has a value it does not accept", names: "the option, the value, or the nearest known option and the known options" },
  "vis/timeline-too-many-events": { class: "TimelineError", when: "a timeline would draw more events than its maxEvents option (default 25,000)", names: "the function, the events, their time range, maxEvents, what to do" },
  "vis/timeline-y-not-numeric": { class: "TimelineError", when: "timelineValues' y column is not numeric", names: "the column, its type" },
  "vis/graph-input": { class: "GraphError", when: "a graph function is given something other than alerts or an AlertGraph, or a list of alerts holding something else (rows of df.toRecords())", names: "the function, what it was given or the item, what it accepts" },
  "vis/graph-option": { class: "GraphError", when: "a graph option is unknown (misspelt) or has a value it does not accept", names: "the option, the value, or the nearest known option and the known options" },
  "vis/graph-node-missing": { class: "GraphError", when: "a node named by id or label is not in the graph", names: "the node, close names" },
  "vis/graph-node-ambiguous": { class: "GraphError", when: "a label names several nodes", names: "the label, their ids" },
  "vis/graph-no-link": { class: "GraphError", when: "a link to remove does not exist", names: "both nodes" },
  "vis/tree-plot-input": { class: "ProcessTreePlotError", when: "plotProcessTree is given something other than a polars DataFrame", names: "the function, what it was given and how to make it a DataFrame" },
  "vis/tree-plot-column-missing": { class: "ProcessTreePlotError", when: "legendCol is not a column of the tree", names: "the column, close names" },
  "vis/tree-plot-option": { class: "ProcessTreePlotError", when: "a process-tree plot option is unknown (misspelt), of the wrong type or out of range", names: "the option, the value, or the nearest known option and the known options" },
  "vis/cluster-input": { class: "ClusterBrowserError", when: "the cluster browser is given something other than a dbclusterEvents result", names: "the function to call first" },
  "vis/cluster-option": { class: "ClusterBrowserError", when: "a cluster browser option is unknown (misspelt), has the wrong type or is not a count (maxRows, maxClusters: a whole number of at least 1)", names: "the function, the option, the value, or the nearest known option and the known options" },
  "vis/cluster-column-missing": { class: "ClusterBrowserError", when: "a label or event column of the cluster browser is not a column", names: "the column, close names" },
  "vis/chart-not-a-dataframe": { class: "ChartDataError", when: "the anomalies chart is given something other than a polars DataFrame", names: "the function, what it was given and how to make it a DataFrame" },
  "vis/chart-option": { class: "ChartDataError", when: "an anomalies chart option is missing, unknown (misspelt) or out of range", names: "the option, the value, or the nearest known option and the known options" },
  "vis/chart-column-missing": { class: "ChartDataError", when: "a column named for the anomalies chart is not in the data", names: "the option, the column, the columns there are" },
  "vis/chart-column-not-numeric": { class: "ChartDataError", when: "a value column of the anomalies chart is not numeric", names: "the column, a value or its type" },
  "vis/chart-time-not-time": { class: "ChartDataError", when: "the anomalies chart's time column holds neither times nor time text", names: "the column, an example value or its type" },
  "vis/chart-too-many-points": { class: "ChartDataError", when: "the anomalies chart would draw more points than its maxPoints option (default 25,000)", names: "the function, the points, their time range, maxPoints, what to do" },
  "vis/vega-lite-rejected": { class: "VegaLiteSpecError", when: "vega-lite rejects a chart spec", names: "the vega-lite version, its complaint" },
  "vis/vega-rejected": { class: "VegaLiteSpecError", when: "vega rejects a compiled chart", names: "the vega version, its complaint" },
  "vis/vega-option": { class: "VegaLiteSpecError", when: "a chart rendering option is unknown (misspelt) or out of range", names: "the option, the value, or the nearest known option and the known options" },
  "vis/map-option": { class: "GeoMapError", when: "a map option is unknown (misspelt) or has a value it does not accept (zoomStart, height, tiles, cellDegrees…)", names: "the option, the value, or the nearest known option and the known options" },
  "vis/map-color": { class: "GeoMapError", when: "a map colour is neither a colour name nor #hex", names: "the colour, close names, the names" },
  "vis/map-input": { class: "GeoMapError", when: "a map layer is given something other than a list of entities.Ip or address text", names: "what it accepts" },
  "vis/map-popup-column": { class: "GeoMapError", when: "popupColumns names a field no Ip has", names: "the fields, the known fields" },
  "vis/map-outlines-missing": { class: "GeoMapError", when: "the world outlines package cannot be read", names: "the file, the command to install it" },
  "vis/browser-option": { class: "BrowserOptionError", when: "a query or pivot browser option is unknown (misspelt) or has the wrong type", names: "the browser, the option, the value, or the nearest known option and the known options" },
  "vis/ti-results-invalid": { class: "TIBrowserError", when: "browseResults is given something other than lookupIocs' results", names: "the missing column, or what it was given instead of a DataFrame" },
  "vis/ti-severity": { class: "TIBrowserError", when: "browseResults' severity filter names an unknown severity", names: "the severity, the severities" },
  "vis/ti-option": { class: "TIBrowserError", when: "a TI results browser option is unknown (misspelt), has the wrong type or is not a count (maxItems, maxRawChars: a whole number of at least 1)", names: "the option, the value, or the nearest known option and the known options" },
} as const satisfies ErrorCatalog<"vis">;

/** A code of src/vis. */
export type VisErrorCode = keyof typeof VIS_ERRORS;

type CodesOf<K extends string> = CodesOfClass<typeof VIS_ERRORS, K>;

/** Bad timeline input (a missing column, a time column that is not a time…). */
export class TimelineError extends HuntlabError<CodesOf<"TimelineError">> {
  override name = "TimelineError";
}

/** A graph operation named a node or edge that is not there (or was given bad input). */
export class GraphError extends HuntlabError<CodesOf<"GraphError">> {
  override name = "GraphError";
}

/** Bad plot input. */
export class ProcessTreePlotError extends HuntlabError<CodesOf<"ProcessTreePlotError">> {
  override name = "ProcessTreePlotError";
}

/** Bad input to the cluster browser: not a dbclusterEvents result, an unknown column. */
export class ClusterBrowserError extends HuntlabError<CodesOf<"ClusterBrowserError">> {
  override name = "ClusterBrowserError";
}

/** Bad chart input: a missing column, a non-numeric value column. */
export class ChartDataError extends HuntlabError<CodesOf<"ChartDataError">> {
  override name = "ChartDataError";
}

/** A spec that vega-lite 5 or vega 5 rejects. */
export class VegaLiteSpecError extends HuntlabError<CodesOf<"VegaLiteSpecError">> {
  override name = "VegaLiteSpecError";
}

/** Bad map options or input. */
export class GeoMapError extends HuntlabError<CodesOf<"GeoMapError">> {
  override name = "GeoMapError";
}

/** Bad input to the TI results browser. */
export class TIBrowserError extends HuntlabError<CodesOf<"TIBrowserError">> {
  override name = "TIBrowserError";
}

/** Bad options of the query and pivot browsers. */
export class BrowserOptionError extends HuntlabError<CodesOf<"BrowserOptionError">> {
  override name = "BrowserOptionError";
}

/** The codes an option of the wrong type or an unknown name is thrown with: one per error class. */
export type VisOptionCode = "vis/timeline-option" | "vis/graph-option" | "vis/tree-plot-option" | "vis/cluster-option" | "vis/chart-option" | "vis/vega-option" | "vis/map-option" | "vis/browser-option" | "vis/ti-option";

/** `expected`: "text", "a number", "true or false", "\"line\" or \"bar\""… */
function optionType<C extends VisOptionCode>(code: C, view: string, option: string, expected: string, value: unknown) {
  return errorMessage(code, optionTypeText(view, option, expected, value));
}

/** `unknown`: the option and the known name nearest it, if any is close; worded as display's (src/common/errors.ts). */
function optionUnknown<C extends VisOptionCode>(code: C, view: string, unknown: UnknownOption, known: readonly string[]) {
  return errorMessage(code, unknownOptionText(view, unknown, known));
}

/** Longest example value shown in a message. */
const MAX_NAME = 60;

/** Example values quoted (hidden characters revealed, cut), comma-separated. */
function examples(values: readonly string[]): string {
  return values.map((e) => quotedText(e, MAX_NAME)).join(", ");
}

/** Message builders of src/vis. */
export const visMessages = {
  // Options of the wrong type or an unknown name, any view (src/vis/options.ts); `view` is the function or class called.
  optionType,
  optionUnknown,
  /** A chart's `timeZone` option (src/vis/timeZone.ts) that the runtime's time zone data does not know; `view`: the function called. */
  timeZoneUnknown: <C extends VisOptionCode>(code: C, view: string, value: string) =>
    errorMessage(code, `${view}: option timeZone must be "UTC" or an IANA time zone name such as "Europe/Berlin" or "America/New_York", not ${quotedText(value, MAX_NAME)}.`),

  // Timelines (TimelineError).
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  timelineNotADataFrame: (fn: string, what: string) => errorMessage("vis/timeline-not-a-dataframe", `${fn}() expects a polars DataFrame, got ${what}.`),
  /** `role`: "time", "y", "group"… */
  /** `timeColumns`: the frame's Datetime/Date columns, named when the default time column is missing (an MDE export's `Timestamp`). */
  timelineColumnMissing: (role: string, name: string, columns: readonly string[], timeColumns: readonly string[] = []) =>
    errorMessage(
      "vis/timeline-column-missing",
      `The ${role} column ${quotedName(name)} is not in the data.${closeNames(name, columns)}` +
        (timeColumns.length ? ` Its time column${timeColumns.length > 1 ? "s" : ""}: ${nameList(timeColumns)}: pass { timeColumn: ${quotedName(timeColumns[0])} }.` : "") +
        ` Columns: ${nameList(columns)}.`,
    ),
  /** `given`: the column was the caller's timeColumn (then "pass timeColumn" is no advice). */
  timelineTimeUnparsed: (column: string, failures: number, values: readonly string[], given = false) =>
    errorMessage(
      "vis/timeline-time-not-time",
      `The time column ${quotedName(column)} holds text that is not a time (${failures} value(s), e.g. ${examples(values)})${given ? "" : "; pass timeColumn to use another column"}.` +
        (looksLikeEpochText(values) ? ` They look like epoch times: convert them first, ${epochConversion(column, true, epochMagnitude(values))}.` : ""),
    ),
  /** `magnitude`: the column's typical value (common/epoch.ts epochMagnitude), for the epoch unit it looks like. */
  timelineTimeType: (column: string, dtype: string, given = false, magnitude?: number) =>
    errorMessage(
      "vis/timeline-time-not-time",
      `The time column ${quotedName(column)} must hold times, not ${dtype}` +
        // Epoch numbers: how to make them times (seconds ×1000 → ms).
        epochTypeHint(column, dtype, magnitude) +
        `${given ? "" : "; pass timeColumn to use another column"}.`,
    ),
  timelineRefTime: (raw: unknown) => errorMessage("vis/timeline-ref-time", `refEvent time ${typeof raw === "string" ? quotedName(raw) : shortValue(raw)} is not a time.`),
  timelinePixels: (fn: string, option: string, value: unknown, max: number) =>
    errorMessage("vis/timeline-option", `${fn}: ${option} must be a number of pixels from 1 to ${max.toLocaleString("en")}; got ${String(value)}.`),
  timelineKind: (kind: unknown) =>
    errorMessage("vis/timeline-option", `kind must be "line", "bar" or "point" (or a list of them), not ${JSON.stringify(kind)}.`),
  timelineTooManyEvents: (fn: string, events: number, max: number, from: string, to: string) => {
    const n = (x: number) => x.toLocaleString("en");
    return errorMessage(
      "vis/timeline-too-many-events",
      `${fn}: ${n(events)} events (${from} → ${to} UTC) are more than maxEvents (${n(max)}); no chart is drawn rather than one missing events. ` +
        `Narrow the data first (a shorter time range, one host or account: df.filter(...)), or chart counts over time with timelineValues, ` +
        `or pass { maxEvents: ${events} } to draw them all (a notebook output of several MB, slow to render).`,
    );
  },
  timelineValuesNeedY: () => errorMessage("vis/timeline-option", 'timelineValues needs the numeric column to plot: { y: "column" }.'),
  timelineYNotNumeric: (column: string, dtype: string) => errorMessage("vis/timeline-y-not-numeric", `The y column ${quotedName(column)} must be numeric, not ${dtype}.`),

  // Graphs (GraphError).
  graphLabels: (labels: unknown) => errorMessage("vis/graph-option", `labels must be 0 or more, not ${String(labels)}`),
  graphWidth: (width: unknown, max: number) =>
    errorMessage("vis/graph-option", `width must be a positive number of pixels up to ${max.toLocaleString("en")} (40 or less: inches, as MSTICPy's), not ${String(width)}`),
  /** A pixel size of drawAlertEntityGraph (height, nodeSize, fontSize) out of its range. */
  graphPixels: (option: string, value: unknown, max: number) =>
    errorMessage("vis/graph-option", `drawAlertEntityGraph: ${option} must be a positive number of pixels up to ${max.toLocaleString("en")}, not ${String(value)}`),
  graphNotAnAlertGraph: (fn = "drawAlertEntityGraph") =>
    errorMessage("vis/graph-input", `${fn}: expected an AlertGraph (from createAlertGraph / addRelatedAlerts)`),
  /** createAlertGraph given something other than one SecurityAlert; `frame` when it was a DataFrame (of alerts). */
  graphNotOneAlert: (frame: boolean) =>
    errorMessage(
      "vis/graph-input",
      `createAlertGraph: expected one SecurityAlert${frame ? ", not a DataFrame: pick an alert, createAlertGraph(new SecurityAlert(alerts, 0)), or graph them all with new EntityGraph(alerts)" : ": new SecurityAlert(alerts, row)"}`,
    ),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  graphNotAlerts: (fn: string, given: string) => errorMessage("vis/graph-input", `${fn}: expected an alerts DataFrame, a SecurityAlert or a list of them, got ${given}.`),
  /** An item of a list of alerts that is no SecurityAlert (a row of `df.toRecords()`); `given` from notAFrameText (common/notAFrame.ts). */
  graphAlertItem: (fn: string, index: number, given: string) =>
    errorMessage(
      "vis/graph-input",
      `${fn}: item ${index} of the list is ${given}, not a SecurityAlert: pass the alerts DataFrame itself, or build each alert, rows.map((row) => new SecurityAlert(row)).`,
    ),
  graphNoLink: (source: string, target: string) => errorMessage("vis/graph-no-link", `No link between ${quotedName(source)} and ${quotedName(target)}`),
  graphEdgeNodesMissing: (missing: readonly string[]) =>
    errorMessage("vis/graph-node-missing", `addEdge: node(s) ${missing.map(quotedName).join(", ")} not in the graph`),
  /** `close`: the labels and ids nearest to the name. */
  graphNodeMissing: (nameOrId: string, close: readonly string[]) =>
    errorMessage("vis/graph-node-missing", `No node ${quotedName(nameOrId)} in the graph.${close.length ? ` Did you mean ${close.map(quotedName).join(", ")}?` : ""}`),
  graphNodeAmbiguous: (label: string, count: number, ids: readonly string[]) =>
    errorMessage("vis/graph-node-ambiguous", `${quotedName(label)} names ${count} nodes; use one of their ids: ${ids.slice(0, 5).map(listedName).join(", ")}`),

  // Process-tree plots (ProcessTreePlotError).
  treePlotInput: (what: string) => errorMessage("vis/tree-plot-input", `plotProcessTree expects a polars DataFrame (events or a built tree), got ${what}.`),
  treePlotLegendColumn: (column: string, columns: readonly string[]) =>
    errorMessage("vis/tree-plot-column-missing", `legendCol ${quotedName(column)} is not a column of the tree.${closeNames(column, columns)}`),
  /** `accepted`: "1 or more", "at least 150 pixels"… */
  treePlotOption: (option: string, accepted: string, value: unknown) =>
    errorMessage("vis/tree-plot-option", `${option} must be ${accepted}, not ${String(value)}.`),

  // The cluster browser (ClusterBrowserError); `fn` is the function called.
  clusterInput: (fn: string) => errorMessage("vis/cluster-input", `${fn}: pass the result of dbclusterEvents(...).`),
  clusterLabelColumn: (fn: string, column: string, columns: readonly string[]) =>
    errorMessage("vis/cluster-column-missing", `${fn}: label column ${quotedName(column)} is not a column.${closeNames(column, columns)}`),
  clusterEventColumn: (fn: string, column: string, columns: readonly string[]) =>
    errorMessage("vis/cluster-column-missing", `${fn}: column ${quotedName(column)} is not an event column.${closeNames(column, columns)}`),
  clusterColumnTwice: (fn: string, option: string, column: string) => errorMessage("vis/cluster-option", `${fn}: option ${option} names column ${quotedName(column)} twice.`),

  // The anomalies chart (ChartDataError); `fn` is the function called.
  chartNotADataFrame: (fn: string, what: string) => errorMessage("vis/chart-not-a-dataframe", `${fn}: expected a polars DataFrame (the output of timeseriesAnomaliesStl), got ${what}.`),
  chartNeedsY: (fn: string) => errorMessage("vis/chart-option", `${fn}: pass the value column as { y: "<column>" }.`),
  chartPixels: (fn: string, option: string, value: unknown, max: number) =>
    errorMessage("vis/chart-option", `${fn}: ${option} must be a positive number of pixels up to ${max.toLocaleString("en")}; got ${String(value)}.`),
  chartColumnMissing: (fn: string, option: string, name: string, columns: readonly string[]) =>
    errorMessage("vis/chart-column-missing", `${fn}: ${option} ${quotedName(name)} is not a column.${closeNames(name, columns)} Columns: ${nameList(columns)}.`),
  chartValueNotNumeric: (fn: string, column: string, value: string) =>
    errorMessage("vis/chart-column-not-numeric", `${fn}: column ${quotedName(column)} must be numeric; it holds ${quotedText(value, 40)}.`),
  chartColumnNotNumeric: (fn: string, column: string, dtype: string) =>
    errorMessage("vis/chart-column-not-numeric", `${fn}: column ${quotedName(column)} must be numeric; it is ${dtype}.`),
  chartTimeUnparsed: (fn: string, column: string, example: string) =>
    errorMessage(
      "vis/chart-time-not-time",
      `${fn}: time column ${quotedName(column)} does not parse as times (e.g. ${quotedText(example, MAX_NAME)}).` +
        (looksLikeEpochText([example]) ? ` They look like epoch times: convert them first, ${epochConversion(column, true, epochMagnitude([example]))}.` : ""),
    ),
  /** `magnitude`: the column's typical value (common/epoch.ts epochMagnitude), for the epoch unit it looks like. */
  chartTimeType: (fn: string, column: string, dtype: string, magnitude?: number) =>
    errorMessage(
      "vis/chart-time-not-time",
      `${fn}: time column ${quotedName(column)} must hold times; it is ${dtype}` +
        epochTypeHint(column, dtype, magnitude) +
        ".",
    ),
  chartTooManyPoints: (fn: string, points: number, max: number, from: string, to: string) => {
    const n = (x: number) => x.toLocaleString("en");
    return errorMessage(
      "vis/chart-too-many-points",
      `${fn}: ${n(points)} points (${from} → ${to} UTC) are more than maxPoints (${n(max)}); no chart is drawn rather than one missing points. ` +
        `Narrow the data first (a shorter time range: df.filter(...)), or aggregate to a coarser time step before timeseriesAnomaliesStl, ` +
        `or pass { maxPoints: ${points} } to draw them all (a notebook output of several MB, slow to render).`,
    );
  },

  // Vega-Lite charts (VegaLiteSpecError).
  /** What vega-lite's logger reported as an error. */
  vegaLiteLogged: (text: string) => errorMessage("vis/vega-lite-rejected", text),
  vegaLiteRejected: (version: string, detail: string) =>
    errorMessage("vis/vega-lite-rejected", `Vega-Lite ${version} rejected the chart spec: ${detail}`),
  vegaRejected: (version: string, detail: string) => errorMessage("vis/vega-rejected", `Vega ${version} rejected the compiled chart: ${detail}`),
  pngScale: (scale: number) => errorMessage("vis/vega-option", `pngScale must be between 0 and 8, not ${scale}.`),

  // Maps (GeoMapError).
  mapColor: (color: string, names: readonly string[]) =>
    errorMessage("vis/map-color", `color ${quotedName(color)} is not a colour name or #hex.${didYouMean(color, names)} Names: ${names.join(", ")}`),
  mapOutlinesUnreadable: (detail: string) =>
    errorMessage("vis/map-outlines-missing", `Cannot read the world outlines (world-atlas/countries-110m.json; run npm install): ${detail}`),
  mapZoom: (zoom: unknown) => errorMessage("vis/map-option", `zoomStart must be between 0 and 22, not ${String(zoom)}`),
  mapPixels: (option: "width" | "height", value: unknown, max: number) =>
    errorMessage("vis/map-option", `GeoMap: ${option} must be a positive number of pixels up to ${max.toLocaleString("en")}${option === "width" ? ' or "100%"' : ""}, not ${String(value)}.`),
  mapLocation: (location: readonly unknown[]) =>
    errorMessage("vis/map-option", `location must be [latitude, longitude], latitude between -90 and 90 and longitude between -180 and 180, not [${location.map(String).join(", ")}]`),
  mapTiles: (url: unknown) => errorMessage("vis/map-option", `tiles: "${String(url)}" is not an http(s) URL template`),
  mapCellDegrees: (cell: unknown) => errorMessage("vis/map-option", `cellDegrees must be positive, not ${String(cell)}`),
  mapNotIps: (locations = false) => errorMessage("vis/map-input", `expected a list of entities.Ip${locations ? ", entities.GeoLocation" : ""} or of IP address text (a DataFrame: ipsFromDataFrame(df))`),
  mapPopupColumns: (missing: readonly string[], known: Iterable<string>) => {
    const names = [...known];
    return errorMessage(
      "vis/map-popup-column",
      `popupColumns: ${nameList(missing)} not in any Ip's AdditionalData.${closeNames(missing[0] ?? "", names)} Known: ${nameList(names) || "(none)"}`,
    );
  },

  // The TI results browser (TIBrowserError).
  tiResultsNotAFrame: (what: string) => errorMessage("vis/ti-results-invalid", `browseResults: expected the DataFrame returned by TILookup.lookupIocs(), got ${what}`),
  tiResultsColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("vis/ti-results-invalid", `browseResults: the results have no "${column}" column — pass the DataFrame returned by lookupIocs().${closeNames(column, columns)}`),
  tiSeverity: (severity: string, severities: readonly string[]) =>
    errorMessage("vis/ti-severity", `browseResults: unknown severity ${quotedName(severity)} (use ${severities.join(", ")} or "all").${didYouMean(severity, severities)}`),
};

/** Warning texts of src/vis (no error code: the chart is drawn). */
export const visWarnings = {
  /** Values of a float column of the anomaly chart that are no finite number: not drawn (gaps), counted. */
  chartValuesNotFinite: (fn: string, column: string, count: number, kinds: readonly string[], first: string) =>
    `${fn}: column ${quotedName(column)} holds ${count} value(s) that are no finite number (${kinds.join(", ")}; the first at ${first}); they are not drawn (a gap in the line, no marker), the other points are`,
};
