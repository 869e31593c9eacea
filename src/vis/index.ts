export { QueryBrowser, queryCallExample, type QueryBrowserOptions } from "./queryBrowser";
export { PivotBrowser, pivotCallExample, pivotKey, type PivotBrowserEntry, type PivotBrowserOptions } from "./pivotBrowser";
export {
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  VegaLiteChart,
  VegaLiteSpecError,
  compileVegaLite,
  renderVegaLiteSvg,
  vegaLiteChart,
  type VegaLiteChartOptions,
  type VegaLiteSpec,
} from "./vegaLite";
export { svgToPng, type PngOptions } from "./png";
export {
  ChartDataError,
  displayTimeseriesAnomalies,
  timeseriesAnomaliesChart,
  timeseriesAnomaliesSpec,
  type TimeseriesAnomaliesChartOptions,
} from "./timeseriesAnomalies";
export { ClusterBrowserError, browseClusters, clusterBrowser, type ClusterBrowserOptions } from "./clusterBrowser";
export { AlertGraph, GraphError, addRelatedAlerts, alertNode, createAlertGraph, entityNode, type CytoscapeElements, type CytoscapeNodeData, type GraphEdge, type GraphNode, type GraphNodeKind, type RelatedAlertsOptions } from "./alertGraph";
export { EntityGraph, EntityGraphView, NODE_STYLES, drawAlertEntityGraph, type EntityGraphPlotOptions, type NodeShape, type NoteOptions } from "./entityGraph";
export { forceLayout, type ForceLayoutOptions, type LayoutPoint } from "./graphLayout";
export { GeoMap, GeoMapError, worldCountries, type GeoHeatmapOptions, type GeoLocationOptions, type GeoMapOptions, type GeoMarkerOptions, type TileLayerOptions } from "./geoMap";
export {
  TimelineChart,
  TimelineError,
  displayTimeline,
  displayTimelineValues,
  timeline,
  timelineValues,
  type RefEvent,
  type TimelineCommonOptions,
  type TimelineLane,
  type TimelineOptions,
  type TimelineValueKind,
  type TimelineValuesOptions,
} from "./timeline";
export { ProcessTreePlot, ProcessTreePlotError, plotProcessTree, type ProcessTreePlotOptions } from "./processTree";
export { BrowserOptionError, TIBrowserError, VIS_ERRORS, visMessages, type VisErrorCode } from "./messages";
