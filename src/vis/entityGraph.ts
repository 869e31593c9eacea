/**
 * Drawing alert–entity graphs: a Cytoscape view (inlined, offline) with a
 * legend, node details on selection, zoom/pan and a timeline strip of the
 * alerts, over a static PNG of the same layout made in Node.
 *
 * The layout (`client/forceLayout.ts`) is computed once in Node and used by
 * both the static image and the live view, so they show the same picture; the
 * live view (`client/views/entityGraph.ts`) can also lay the graph out in the
 * browser with the same code (`layout: "browser"`).
 */
import { hideUrlUserInfo } from "../common/urlUserInfo";
import { inspect, type InspectOptions } from "node:util";
import type { DataFrame } from "nodejs-polars";
import { html, isolatedText, type SafeHtml } from "../display/html";
import { THEME } from "../display/theme";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { revealLines } from "../common/hiddenChars";
import { shownText } from "../common/shownText";
import { Entity, MAX_CARD_KEY, MAX_CARD_VALUE } from "../entities/entity";
import type { SecurityAlert } from "../entities/securityAlert";
import { addAlertWithEntities, AlertGraph, entityNode, GraphError, mergeAlertsByType, toAlerts, type GraphNode } from "./alertGraph";
import { visMessages as msg } from "./messages";
import { MAX_VIEW_PIXELS, checkOptionTypes, type OptionTypesOf } from "./options";
import { UTC_ZONE, chartZone, zonedText, type ChartZone } from "./timeZone";
import {
  chooseLabels,
  coverableLabels,
  ENTITY_GRAPH_LAYOUT,
  estimateTextWidth,
  LABEL_BUDGET,
  LABEL_PLACES,
  labelBox,
  labelBudget,
  labelPriority,
  type GraphViewNode,
  type LabelObstacle,
  type LabelPlace,
  type NodeShape,
  type PlacedLabel,
} from "./client/graphElements";
import type { EntityGraphData, EntityGraphLegendEntry } from "./client/views/entityGraph";
import { forceLayoutFlat } from "./graphLayout";
import { htmlView, type HtmlView, type HtmlViewSizes } from "../display/htmlView";
import { svgToPng } from "./png";
import { cutText } from "../common/cutText";

export type { NodeShape } from "./client/graphElements";

/** Colour and shape of each node type (unknown types get the last entry). */
export const NODE_STYLES: Readonly<Record<string, { color: string; shape: NodeShape }>> = {
  incident: { color: "#E15759", shape: "star" },
  alert: { color: "#F28E2B", shape: "diamond" },
  host: { color: "#4E79A7", shape: "round-rectangle" },
  account: { color: "#59A14F", shape: "ellipse" },
  ip: { color: "#76B7B2", shape: "hexagon" },
  process: { color: "#EDC948", shape: "triangle" },
  file: { color: "#B07AA1", shape: "rectangle" },
  "host-logon-session": { color: "#9C755F", shape: "ellipse" },
  url: { color: "#FF9DA7", shape: "octagon" },
  dns: { color: "#86BCB6", shape: "octagon" },
  malware: { color: "#222222", shape: "octagon" },
  analystnote: { color: "#1F77B4", shape: "tag" },
  other: { color: "#A0A0A0", shape: "ellipse" },
};

/**
 * Alert data as the view shows it, cut as the entity cards cut it (values at
 * 1,000 characters, names and types at 200): an alert with a 1 MB host name
 * made a 4 MB notebook output. Hidden characters are revealed first, as the
 * `html` template does for the static image (the live view puts these texts
 * into the page and canvas as they come). Only the view is cut: the graph and
 * its exports (toCytoscape, toGraphML, toDataFrame, toJSON) are data and keep
 * every value whole.
 */
function shownValue(text: string): string {
  return shownText(text, MAX_CARD_VALUE, { keepLayout: true });
}

/** A property name or node type as the view shows it (see {@link shownValue}). */
function shownName(text: string): string {
  return shownText(text, MAX_CARD_KEY, { keepLayout: true });
}

function styleOf(type: string): { color: string; shape: NodeShape } {
  return Object.prototype.hasOwnProperty.call(NODE_STYLES, type) ? NODE_STYLES[type] : NODE_STYLES.other;
}

/** Options of {@link drawAlertEntityGraph} and {@link EntityGraph.plot}. */
export interface EntityGraphPlotOptions {
  /**
   * Width in pixels of the static image and the live view. Values up to 40 are
   * read as MSTICPy's figure inches (60 px each: the lab's `width=15` gives 900 px).
   * Default 900.
   */
  width?: number;
  /** Height of the live view in pixels. Default: from the layout's aspect, 400–800. */
  height?: number;
  /** Heading. Default "Alert entity graph". */
  title?: string;
  /** Node size in pixels. Default 22. */
  nodeSize?: number;
  /** Label font size in pixels. Default 10. */
  fontSize?: number;
  /** Show a strip of the alerts along time under the graph. Default true when two or more nodes have times. */
  timeline?: boolean;
  /** `"precomputed"` (default): the Node layout, same as the image. `"browser"`: lay out again in the browser. */
  layout?: "precomputed" | "browser";
  /** Node labels in the static image: shown up to this many nodes (a whole number ≥ 0 or Infinity; 0: never). Default 150. */
  maxStaticLabels?: number;
  /**
   * Labels drawn at fit zoom (image and live view): those of the best-linked
   * nodes, up to this many, never two overlapping; the live view draws more
   * as you zoom in, and the selected and hovered nodes' too. Default 10.
   */
  labels?: number;
  /**
   * One node per alert type (MSTICPy's merge of same-type alerts, keyed on
   * `AlertType`), its label ending with the count, edges merged. Default false.
   */
  mergeAlerts?: boolean;
  /**
   * The time zone of the times shown (the timeline strip's tips and ends, node details, the static list):
   * `"UTC"` or an IANA zone name (`"Europe/Berlin"`); outside UTC each time is the zone's wall clock with its
   * UTC offset (`2026-03-29 03:30:00.000 +02:00`) and the strip's ends name the zone. The strip places the
   * alerts by their instants either way. An unknown name is a `vis/graph-option` error. Default `"UTC"`.
   */
  timeZone?: string;
}

const PLOT_TYPES = {
  width: "number",
  height: "number",
  title: "string",
  nodeSize: "number",
  fontSize: "number",
  timeline: "boolean",
  layout: { oneOf: ["precomputed", "browser"] },
  maxStaticLabels: "whole",
  labels: "number",
  mergeAlerts: "boolean",
  timeZone: "string",
} as const satisfies OptionTypesOf<EntityGraphPlotOptions>;

interface PlacedGraph {
  graph: AlertGraph;
  nodes: GraphNode[];
  x: Float64Array;
  y: Float64Array;
  /** Layout bounds (layout units). */
  width: number;
  height: number;
}

/** Lays a graph out (deterministic). */
function place(graph: AlertGraph): PlacedGraph {
  const nodes = graph.nodes;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edges = graph.edges.map((e) => [index.get(e.source)!, index.get(e.target)!] as [number, number]);
  const flat = forceLayoutFlat(nodes.length, edges, ENTITY_GRAPH_LAYOUT);
  const x = new Float64Array(nodes.length);
  const y = new Float64Array(nodes.length);
  // Loops, not Math.max(...x): spreading a data-sized array overflows the stack.
  let width = 0;
  let height = 0;
  for (let i = 0; i < nodes.length; i++) {
    x[i] = flat[2 * i];
    y[i] = flat[2 * i + 1];
    if (i === 0 || x[i] > width) width = x[i];
    if (i === 0 || y[i] > height) height = y[i];
  }
  return { graph, nodes, x, y, width, height };
}

function labelCount(options: Readonly<EntityGraphPlotOptions>): number {
  const labels = options.labels ?? LABEL_BUDGET;
  if (!(labels >= 0)) throw new GraphError(msg.graphLabels(options.labels));
  return Math.floor(labels);
}

function resolveWidth(width: number | undefined): number {
  if (width === undefined) return 900;
  const pixels = width <= 40 ? width * 60 : width;
  if (!(width > 0 && pixels <= MAX_VIEW_PIXELS)) throw new GraphError(msg.graphWidth(width, MAX_VIEW_PIXELS));
  return Math.round(pixels);
}

/** SVG markup of a node shape centred at (cx, cy), radius r. */
function shapeSvg(shape: NodeShape, cx: number, cy: number, r: number, fill: string, stroke: string): SafeHtml {
  const poly = (points: [number, number][]): SafeHtml =>
    html`<polygon points="${points.map(([px, py]) => `${(cx + px * r).toFixed(1)},${(cy + py * r).toFixed(1)}`).join(" ")}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
  const regular = (n: number, rot: number): [number, number][] => Array.from({ length: n }, (_, i) => [Math.cos(rot + (2 * Math.PI * i) / n), Math.sin(rot + (2 * Math.PI * i) / n)]);
  switch (shape) {
    case "ellipse":
      return html`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
    case "rectangle":
    case "round-rectangle":
    case "tag":
      return html`<rect x="${(cx - r).toFixed(1)}" y="${(cy - r * 0.75).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(1.5 * r).toFixed(1)}" rx="${shape === "rectangle" ? 0 : (r / 3).toFixed(1)}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
    case "diamond":
      return poly(regular(4, 0));
    case "triangle":
      return poly(regular(3, -Math.PI / 2));
    case "hexagon":
      return poly(regular(6, 0));
    case "octagon":
      return poly(regular(8, Math.PI / 8));
    case "star":
      return poly(
        Array.from({ length: 10 }, (_, i) => {
          const a = -Math.PI / 2 + (Math.PI * i) / 5;
          const rr = i % 2 ? 0.45 : 1;
          return [Math.cos(a) * rr, Math.sin(a) * rr] as [number, number];
        }),
      );
  }
}


/**
 * Label drawn next to a node, at most `max` characters: without the `Alert: `
 * prefix (the shape and colour already say it is an alert); a merged alert
 * node keeps its count when the name is cut.
 */
function shortLabel(node: GraphNode, max: number): string {
  const bare = (node.kind === "alert" || node.kind === "incident") && node.label.startsWith("Alert: ") ? node.label.slice(7) : node.label;
  const suffix = node.count ? ` (${node.count})` : "";
  if (!suffix || !bare.endsWith(suffix)) return cutText(bare, max);
  return `${cutText(bare.slice(0, -suffix.length), max - suffix.length)}${suffix}`;
}

interface SvgOptions {
  width: number;
  title: string;
  nodeSize: number;
  fontSize: number;
  maxLabels: number;
  /** Labels at fit zoom (the budget). */
  labels: number;
}

/** Where a placed graph goes in the image: pixel position of node i, and the image height. */
interface Frame {
  px(i: number): number;
  py(i: number): number;
  /** Top of the drawing area (under the title and legend). */
  top: number;
  height: number;
}

function frameOf(placed: PlacedGraph, options: SvgOptions, legendH: number): Frame {
  const { width, nodeSize, fontSize } = options;
  // Room for half a label (~80 px) at the sides, a node and its label below.
  const padX = nodeSize / 2 + 80;
  const padY = nodeSize + 2 * fontSize;
  const top = 26 + legendH;
  const scale = Math.min(2, placed.width > 0 ? (width - 2 * padX) / placed.width : 1, placed.height > 0 ? 1400 / placed.height : 2);
  return {
    px: (i) => padX + placed.x[i] * scale + (placed.width > 0 ? 0 : (width - 2 * padX) / 2),
    py: (i) => top + padY + placed.y[i] * scale,
    top,
    height: Math.round(Math.max(220, top + placed.height * scale + 2 * padY)),
  };
}

function legendSvg(types: [string, number][], width: number): SafeHtml[] {
  return types.map(([type, count], i) => {
    const lx = 14 + (i % 4) * Math.floor((width - 20) / 4);
    const ly = 34 + Math.floor(i / 4) * 16;
    const s = styleOf(type);
    return html`${shapeSvg(s.shape, lx, ly, 5.5, s.color, "#333")}<text x="${lx + 10}" y="${ly + 4}" font-size="11">${shownName(type)} (${count})</text>`;
  });
}

/** The edges as two paths (solid, and dashed for related alerts): one element each, not one per edge (19,000 lines took resvg seconds). */
function edgesSvg(placed: PlacedGraph, frame: Frame): SafeHtml {
  const index = new Map(placed.nodes.map((n, i) => [n.id, i]));
  const solid: string[] = [];
  const dashed: string[] = [];
  for (const e of placed.graph.edges) {
    const a = index.get(e.source)!;
    const b = index.get(e.target)!;
    (e.relation === "related alert" ? dashed : solid).push(`M${frame.px(a).toFixed(1)} ${frame.py(a).toFixed(1)}L${frame.px(b).toFixed(1)} ${frame.py(b).toFixed(1)}`);
  }
  const path = (d: string[], dash: string): SafeHtml => (d.length ? html`<path fill="none" d="${d.join("")}"${dash ? html` stroke-dasharray="${dash}"` : ""}/>` : html``);
  return html`<g stroke="#999" stroke-width="1" stroke-opacity="0.7">${path(solid, "")}${path(dashed, "4 3")}</g>`;
}

/**
 * The labels of the static image, by the live view's rule at fit zoom: the
 * best-linked nodes up to the budget, each below, right of, above or left of
 * its node, never over another label or node (text widths estimated for
 * DejaVu Sans).
 */
function staticLabels(placed: PlacedGraph, frame: Frame, texts: readonly string[], options: SvgOptions): PlacedLabel[] {
  if (placed.nodes.length > options.maxLabels) return [];
  const r = options.nodeSize / 2;
  const order = labelPriority(
    placed.nodes.map((n, i) => ({ id: n.id, short: texts[i] })),
    placed.graph.edges,
  );
  const height = options.fontSize * 1.2;
  const boxesOf = (i: number) => LABEL_PLACES.map((place) => labelBox(place, frame.px(i), frame.py(i), r, estimateTextWidth(texts[i], options.fontSize), height, 2, 1.5));
  const obstacles: LabelObstacle[] = placed.nodes.map((_, i) => ({ node: i, box: { x1: frame.px(i) - r, x2: frame.px(i) + r, y1: frame.py(i) - r, y2: frame.py(i) + r } }));
  const bounds = { x1: 0, y1: frame.top, x2: options.width, y2: frame.height };
  return chooseLabels(order, [], labelBudget(1, options.labels), boxesOf, { obstacles, bounds, mayCover: coverableLabels(options.labels) });
}

/** SVG text attributes of a label at `place` around a node at (x, y): anchor, x and baseline y. */
function labelAnchor(place: LabelPlace, x: number, y: number, r: number, fontSize: number): { anchor: string; x: number; y: number } {
  switch (place) {
    case "bottom":
      return { anchor: "middle", x, y: y + r + 2 + fontSize * 0.95 };
    case "top":
      return { anchor: "middle", x, y: y - r - 2 - fontSize * 0.25 };
    case "right":
      return { anchor: "start", x: x + r + 2, y: y + fontSize * 0.35 };
    case "left":
      return { anchor: "end", x: x - r - 2, y: y + fontSize * 0.35 };
  }
}

function nodesSvg(placed: PlacedGraph, frame: Frame, options: SvgOptions): SafeHtml {
  const r = options.nodeSize / 2;
  const shapes = placed.nodes.map((n, i) => {
    const s = styleOf(n.type);
    return shapeSvg(s.shape, frame.px(i), frame.py(i), r, s.color, n.related ? "#666" : "#333");
  });
  const texts = placed.nodes.map((n) => shortLabel(n, 32));
  const labels = staticLabels(placed, frame, texts, options).map(({ node: i, place }) => {
    const at = labelAnchor(place, frame.px(i), frame.py(i), r, options.fontSize);
    return html`<text x="${at.x.toFixed(1)}" y="${at.y.toFixed(1)}" font-size="${options.fontSize}" text-anchor="${at.anchor}" fill="#222" stroke="white" stroke-width="2.5" paint-order="stroke">${texts[i]}</text>`;
  });
  return html`${shapes}${labels}`;
}

/** The static SVG of a placed graph: edges, nodes by type, labels, legend. */
function graphSvg(placed: PlacedGraph, options: SvgOptions): { svg: string; height: number } {
  const { width, title } = options;
  const legendTypes = placed.graph.typeCounts();
  const legendH = 18 + Math.ceil(legendTypes.length / 4) * 16;
  const frame = frameOf(placed, options, legendH);
  const height = frame.height;
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif"><rect width="100%" height="100%" fill="white"/><text x="8" y="18" font-size="14" font-weight="bold">${title}</text><text x="${width - 8}" y="18" font-size="11" text-anchor="end" fill="#555">${placed.nodes.length} nodes, ${placed.graph.edgeCount} edges${unreadableNote(placed.graph)}</text>${legendSvg(legendTypes, width)}${edgesSvg(placed, frame)}${nodesSvg(placed, frame, options)}</svg>`;
  return { svg: svg.value, height };
}

// Fields of a node shown elsewhere (heading, description, shape) or internal.
const NOT_IN_DETAILS = new Set(["id", "label", "kind", "related", "description"]);

/**
 * Rows of a node's details table: its type, times and severity, then its
 * properties (a property named like one of those fields is left out, as the
 * field says it already).
 */
function nodeDetails(n: GraphNode, zone: ChartZone): [string, string][] {
  const fields: [string, string | undefined][] = [
    ["type", n.type],
    ["time", n.time && timeText(n.time, zone)],
    ["endTime", n.endTime && timeText(n.endTime, zone)],
    ["severity", n.severity || undefined],
  ];
  const taken = new Set(NOT_IN_DETAILS);
  const rows: [string, string][] = [];
  for (const [k, v] of fields) {
    if (v === undefined) continue;
    rows.push([k, v]);
    taken.add(k);
  }
  for (const [k, v] of Object.entries(n.properties)) if (!taken.has(k)) rows.push([k, v]);
  return rows.map(([k, v]) => [shownName(k), shownValue(v)]);
}

/** A node's time as shown: ISO 8601 UTC (as ever), or outside UTC the zone's wall clock with the offset and the zone. */
function timeText(time: Date, zone: ChartZone): string {
  return zone.utc ? time.toISOString() : `${zonedText(time.getTime(), zone)} (${zone.name})`;
}

/**
 * Node ids in the view: one longer than {@link MAX_CARD_KEY} (an entity keyed
 * by its 1 MB host name, sent again in each of its edges) cut, with `#` and
 * the node's index to keep it unique; one holding a URL's user info too, hidden. The page shows no id.
 */
function viewIds(nodes: readonly GraphNode[]): Map<string, string> {
  const taken = new Set(nodes.map((n) => n.id));
  const ids = new Map<string, string>();
  nodes.forEach((n, i) => {
    let id = n.id;
    // An Url's key holds its user info (a captured password): hidden as everywhere else, `#` and the index keep it unique.
    const hidden = hideUrlUserInfo(id);
    if (id.length > MAX_CARD_KEY || hidden !== id) {
      id = `${cutText(hidden, MAX_CARD_KEY)}#${i}`;
      while (taken.has(id)) id += "#";
      taken.add(id);
    }
    ids.set(n.id, id);
  });
  return ids;
}

/** The live view's payload: every text cut ({@link shownValue}), the ids too ({@link viewIds}). */
function viewData(placed: PlacedGraph, options: Readonly<EntityGraphPlotOptions>, legend: EntityGraphLegendEntry[], zone: ChartZone = UTC_ZONE): EntityGraphData {
  const ids = viewIds(placed.nodes);
  const nodes: GraphViewNode[] = placed.nodes.map((n, i) => ({
    id: ids.get(n.id)!,
    label: shownValue(n.label),
    short: shownValue(shortLabel(n, 40)),
    type: shownName(n.type),
    ...styleOf(n.type),
    related: n.related === true,
    description: shownValue(n.description),
    x: Math.round(placed.x[i] * 10) / 10,
    y: Math.round(placed.y[i] * 10) / 10,
    details: nodeDetails(n, zone),
  }));
  const timed = placed.nodes.filter((n) => n.time && (n.kind === "alert" || n.kind === "incident"));
  const timeline = options.timeline ?? timed.length >= 2;
  return {
    nodes,
    edges: placed.graph.edges.map((e) => {
      const source = ids.get(e.source)!;
      const target = ids.get(e.target)!;
      const id = source === e.source && target === e.target ? e.id : `${source}|${target}`;
      return { id, source, target, relation: shownName(e.relation) };
    }),
    legend,
    nodeSize: options.nodeSize ?? 22,
    fontSize: options.fontSize ?? 10,
    labels: labelCount(options),
    layout: options.layout ?? "precomputed",
    // Outside UTC, each alert's wall-clock time in the zone, and the zone's name for the strip's ends (UTC: the browser writes them).
    timeline: timeline ? timed.map((n) => ({ id: ids.get(n.id)!, t: n.time!.getTime(), label: shownValue(n.label), ...(zone.utc ? {} : { when: zonedText(n.time!.getTime(), zone) }) })) : [],
    ...(zone.utc ? {} : { timeZone: zone.name }),
  };
}

/** A drawn alert–entity graph: displays itself (Cytoscape + static PNG). */
export class EntityGraphView implements Displayable {
  readonly graph: AlertGraph;
  readonly options: Readonly<EntityGraphPlotOptions>;
  private placed?: PlacedGraph;
  private view?: HtmlView;
  /** The zone of the times shown ({@link EntityGraphPlotOptions.timeZone}). */
  private readonly zone: ChartZone;

  /** @param graph drawn as is, or with one node per alert type when `options.mergeAlerts` is set. */
  constructor(graph: AlertGraph, options: EntityGraphPlotOptions = {}) {
    checkOptionTypes(options, PLOT_TYPES, { view: "drawAlertEntityGraph", code: "vis/graph-option", error: (m) => new GraphError(m) });
    this.graph = options.mergeAlerts ? mergeAlertsByType(graph) : graph;
    this.options = { ...options };
    this.zone = chartZone(options.timeZone, { view: "drawAlertEntityGraph", code: "vis/graph-option", error: (m) => new GraphError(m) });
    resolveWidth(options.width);
    for (const option of ["height", "nodeSize", "fontSize"] as const) {
      const value = options[option];
      if (value !== undefined && !(value > 0 && value <= MAX_VIEW_PIXELS)) throw new GraphError(msg.graphPixels(option, value, MAX_VIEW_PIXELS));
    }
    labelCount(options);
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.graph.nodeCount;
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.graph.edgeCount;
  }

  private layout(): PlacedGraph {
    this.placed ??= place(this.graph);
    return this.placed;
  }

  /** The static image as SVG. */
  toSvg(): string {
    return this.staticSvg().svg;
  }

  private staticSvg(): { svg: string; height: number; width: number } {
    const width = resolveWidth(this.options.width);
    const { svg, height } = graphSvg(this.layout(), {
      width,
      title: this.options.title ?? "Alert entity graph",
      nodeSize: this.options.nodeSize ?? 22,
      fontSize: this.options.fontSize ?? 10,
      maxLabels: this.options.maxStaticLabels ?? 150,
      labels: labelCount(this.options),
    });
    return { svg, height, width };
  }

  /** The static image as PNG bytes. */
  toPng(): Buffer {
    return svgToPng(this.toSvg());
  }

  /** Bytes of the output by part, as every `HtmlView` reports them. */
  sizes(): HtmlViewSizes {
    return this.toView().sizes();
  }

  /** The HTML view (built once). */
  toView(): HtmlView {
    if (this.view) return this.view;
    const { svg, height: staticHeight, width } = this.staticSvg();
    const legend = this.graph.typeCounts().map(([type, count]) => ({ type: shownName(type), count, ...styleOf(type) }));
    const title = this.options.title ?? "Alert entity graph";
    this.view = htmlView({
      kind: "entity-graph",
      title,
      client: "entityGraph",
      libraries: ["cytoscape"],
      data: viewData(this.layout(), this.options, legend, this.zone),
      css: graphCss,
      height: this.options.height ?? Math.min(800, Math.max(400, Math.round(staticHeight * 0.8))),
      width,
      fallback: {
        png: svgToPng(svg),
        alt: `Alert entity graph: ${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges (${typeList(this.graph)})${unreadableNote(this.graph)}`,
        width,
        html: staticDetails(this.graph, this.zone),
      },
      text: this.toText(),
    });
    return this.view;
  }

  /** One line of text: node and edge counts and the node types (what a plain-text output shows). */
  toText(): string {
    // The types and the unreadable alert's JSON are data: their control and bidi characters show as escapes.
    return revealLines(`Alert entity graph: ${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges (${typeList(this.graph)})${unreadableNote(this.graph)}`);
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toView()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `EntityGraphView(${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges)`);
  }
}

/** `3 alert, 2 host`: the node types with their counts, each type cut (shown in the text form and the image's alt text). */
function typeList(graph: AlertGraph): string {
  return graph
    .typeCounts()
    .map(([t, c]) => `${c} ${cutText(t, MAX_CARD_KEY)}`)
    .join(", ");
}

/** `; N alerts whose JSON could not be read: <first>` when there are any: they are drawn without (some of) their entities. */
function unreadableNote(graph: AlertGraph): string {
  const bad = graph.unreadableAlerts;
  if (!bad.length) return "";
  const first = bad[0].properties.ParseErrors ?? "";
  // Cut between characters: a slice could end in half an emoji.
  return `; ${bad.length} alert${bad.length === 1 ? "" : "s"} whose JSON could not be read (${cutText(first, 120)})`;
}

/** Under the static image: the alerts and entities as a collapsible list, for pages without scripts (texts cut as in the live view). */
function staticDetails(graph: AlertGraph, zone: ChartZone): SafeHtml {
  const nodes = graph.nodes;
  const shown = nodes.slice(0, 300);
  const items = shown.map(
    // A right-to-left label in a <bdi>: the time after it stays after it, with or without the view's style sheet.
    (n) => html`<li><b>${shownName(n.type)}</b>: ${isolatedText(shownValue(n.label))}${n.time ? html` <span class="hl-eg-time">${timeText(n.time, zone)}</span>` : ""}</li>`,
  );
  const more = nodes.length > shown.length ? html`<li>… and ${nodes.length - shown.length} more</li>` : "";
  return html`<details class="hl-eg-static-list hl-view-textalt"><summary>Nodes (${nodes.length})</summary><ul style="margin:2px 0;font-size:12px">${items}${more}</ul></details>`;
}

function graphCss(r: string): string {
  return (
    `${r} .hl-eg-graph{position:absolute;left:0;top:0;bottom:0;right:280px}` +
    `${r} .hl-eg-graph.hl-eg-with-tl{bottom:44px}` +
    `${r} .hl-eg-side{position:absolute;right:0;top:0;bottom:0;width:280px;overflow:auto;border-left:1px solid ${THEME.borderSoft};padding:6px;box-sizing:border-box;font-size:12px;background:${THEME.panel};color:${THEME.panelText}}` +
    `${r} .hl-eg-legend{display:flex;flex-wrap:wrap;gap:2px 10px;margin-bottom:6px}` +
    `${r} .hl-eg-legend span{white-space:nowrap}` +
    `${r} .hl-eg-swatch{display:inline-block;width:10px;height:10px;margin-right:3px;border:1px solid ${THEME.border};vertical-align:middle}` +
    `${r} .hl-eg-details h4{margin:4px 0;font-size:13px;word-break:break-all}` +
    `${r} .hl-eg-details table{border-collapse:collapse;width:100%}` +
    `${r} .hl-eg-details th{text-align:left;vertical-align:top;padding:1px 6px 1px 0;white-space:nowrap}` +
    `${r} .hl-eg-details td{text-align:left;word-break:break-all;padding:1px 0}` +
    `${r} .hl-eg-tl{position:absolute;left:0;right:280px;bottom:0;height:44px;border-top:1px solid ${THEME.borderSoft}}` +
    `${r} .hl-eg-tl-dot{position:absolute;top:10px;width:8px;height:8px;margin-left:-4px;padding:0;border-radius:50%;background:#F28E2B;cursor:pointer;border:1px solid ${THEME.border}}` +
    `${r} .hl-eg-tl .hl-eg-tl-dot:focus-visible{outline:2px solid ${THEME.accent};outline-offset:2px}` +
    `${r} .hl-eg-tl-tip{position:absolute;bottom:44px;z-index:10;pointer-events:none;max-width:min(320px,100%);box-sizing:border-box;background:rgba(30,30,30,.92);color:#fff;padding:2px 6px;border-radius:3px;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;display:none}` +
    `${r} .hl-eg-tl-dot.hl-sel{background:#E15759;transform:scale(1.5)}` +
    `${r} .hl-eg-tl-axis{position:absolute;bottom:2px;font-size:10px;color:${THEME.muted}}` +
    `${r} .hl-eg-time,${r} .hl-eg-hint{color:${THEME.muted}}`
  );
}

/**
 * Draws an alert graph (MSTICPy's `draw_alert_entity_graph`); returns a view
 * that displays itself: `display(drawAlertEntityGraph(graph))`.
 */
export function drawAlertEntityGraph(graph: AlertGraph, options: EntityGraphPlotOptions = {}): EntityGraphView {
  if (!(graph instanceof AlertGraph)) throw new GraphError(msg.graphNotAnAlertGraph());
  return new EntityGraphView(graph, options);
}

/** Options of {@link EntityGraph.addNote}. */
export interface NoteOptions {
  /** Text of the note. */
  description?: string;
  /** Node(s) the note is about (ids or labels). */
  attachedTo?: string | string[];
}

/** Options of {@link EntityGraph}. */
export interface EntityGraphOptions {
  /** `plot()` draws one node per alert type (see {@link EntityGraphPlotOptions.mergeAlerts}). Default false. */
  mergeAlerts?: boolean;
}

/**
 * All alerts (and incidents) with their entities in one graph, after MSTICPy's
 * newer `EntityGraph(alert_df)`. Alerts that share entities are linked through
 * them. `plot()` returns a view that displays itself.
 */
export class EntityGraph implements Displayable {
  /** The graph model (every alert its own node; `plot({ mergeAlerts: true })` merges them in the drawing). */
  readonly graph: AlertGraph;
  readonly options: Readonly<EntityGraphOptions>;

  /**
   * @param source an alerts DataFrame, a `SecurityAlert`, a list of them, or an entity.
   * @param options `{ mergeAlerts: true }`: plots show one node per alert type.
   */
  constructor(source?: DataFrame | SecurityAlert | SecurityAlert[] | Entity, options: EntityGraphOptions = {}) {
    checkOptionTypes(options, { mergeAlerts: "boolean" } satisfies OptionTypesOf<EntityGraphOptions>, { view: "EntityGraph", code: "vis/graph-option", error: (m) => new GraphError(m) });
    this.options = { ...options };
    this.graph = new AlertGraph();
    if (source instanceof Entity) this.addEntity(source);
    else if (source !== undefined) this.addAlerts(source, "new EntityGraph");
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.graph.nodeCount;
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.graph.edgeCount;
  }

  /** Adds alerts (rows of a DataFrame, or SecurityAlerts) with their entities. */
  addIncident(source: DataFrame | SecurityAlert | SecurityAlert[]): this {
    return this.addAlerts(source, "EntityGraph.addIncident");
  }

  /** `addIncident`, its errors naming `fn`. */
  private addAlerts(source: DataFrame | SecurityAlert | SecurityAlert[], fn: string): this {
    for (const alert of toAlerts(source, fn)) addAlertWithEntities(this.graph, alert);
    this.graph.joinAccounts();
    return this;
  }

  /**
   * Adds an entity and the entities it refers to, and theirs in turn (a File's `CreatingProcess`, that process's
   * `ImageFile`, `Account` and `Host`), each linked to what refers to it by the property's name; optionally linked to
   * a node (id or label).
   */
  addEntity(entity: Entity, attachedTo?: string): this {
    const node = this.graph.addNode(entityNode(entity));
    // Each entity visited once: references may form cycles (a process its own parent), and a stack, not recursion,
    // walks a chain of any length (a process's ancestors).
    const seen = new Set<Entity>([entity]);
    const stack: Entity[] = [entity];
    while (stack.length) {
      const from = stack.pop()!;
      for (const { property, entity: child } of from.relations()) {
        this.graph.addNode(entityNode(child));
        this.graph.addEdge(from.key, child.key, property);
        if (!seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    if (attachedTo) this.graph.addEdge(this.graph.resolve(attachedTo), node.id, "link");
    this.graph.joinAccounts();
    return this;
  }

  /** Adds an analyst's note, optionally linked to nodes (ids or labels). */
  addNote(name: string, options: NoteOptions = {}): this {
    checkOptionTypes(options, { description: "string", attachedTo: ["string", "strings"] } satisfies OptionTypesOf<NoteOptions>, { view: "EntityGraph.addNote", code: "vis/graph-option", error: (m) => new GraphError(m) });
    const id = `note:${name}`;
    this.graph.addNode({
      id,
      kind: "note",
      type: "analystnote",
      label: name,
      description: options.description ?? name,
      time: new Date(),
      properties: options.description ? { Description: options.description } : {},
    });
    const targets = options.attachedTo === undefined ? [] : Array.isArray(options.attachedTo) ? options.attachedTo : [options.attachedTo];
    for (const t of targets) this.graph.addEdge(id, this.graph.resolve(t), "note");
    return this;
  }

  /** Links two nodes (ids or labels); a `GraphError` names a missing one. */
  addLink(source: string, target: string): this {
    this.graph.addEdge(this.graph.resolve(source), this.graph.resolve(target), "link");
    return this;
  }

  /** Removes the link between two nodes; a `GraphError` when there is none. */
  removeLink(source: string, target: string): this {
    const a = this.graph.resolve(source);
    const b = this.graph.resolve(target);
    if (!this.graph.removeEdge(a, b)) throw new GraphError(msg.graphNoLink(source, target));
    return this;
  }

  /** Removes a node (id or label) and its links. */
  removeNode(name: string): this {
    this.graph.removeNode(this.graph.resolve(name));
    return this;
  }

  /** One row per node (MSTICPy's `to_df`). */
  toDf(): DataFrame {
    return this.graph.toDataFrame();
  }

  /** The drawing: a view that displays itself (`display(eg.plot())`). */
  plot(options: EntityGraphPlotOptions = {}): EntityGraphView {
    return new EntityGraphView(this.graph, { title: "Entity graph", mergeAlerts: this.options.mergeAlerts, ...options });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.plot()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `EntityGraph(${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges)`);
  }
}
