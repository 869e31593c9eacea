/**
 * Drawing alert–entity graphs: a Cytoscape view (inlined, offline) with a
 * legend, node details on selection, zoom/pan and a timeline strip of the
 * alerts, over a static PNG of the same layout made in Node.
 *
 * The layout is computed once in Node (`graphLayout.ts`) and used by both the
 * static image and the live view, so they show the same picture; the live view
 * can also lay the graph out in the browser (`layout: "browser"`).
 */
import { inspect } from "node:util";
import type { DataFrame } from "nodejs-polars";
import { escapeHtml } from "../display/html";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { Entity } from "../entities/entity";
import type { SecurityAlert } from "../entities/securityAlert";
import { addAlertWithEntities, AlertGraph, entityNode, GraphError, toAlerts, type GraphNode } from "./alertGraph";
import { FORCE_LAYOUT_SOURCE, forceLayout } from "./graphLayout";
import { HtmlView } from "./htmlView";
import { svgToPng } from "./png";

/** Node shapes shared by the static image and Cytoscape. */
export type NodeShape = "ellipse" | "diamond" | "round-rectangle" | "rectangle" | "triangle" | "hexagon" | "octagon" | "star" | "tag";

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

function styleOf(type: string): { color: string; shape: NodeShape } {
  return NODE_STYLES[type] ?? NODE_STYLES.other;
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
  /** Node labels in the static image: shown up to this many nodes. Default 150. */
  maxStaticLabels?: number;
}

interface PlacedGraph {
  graph: AlertGraph;
  nodes: GraphNode[];
  x: number[];
  y: number[];
  /** Layout bounds (layout units). */
  width: number;
  height: number;
}

/** Lays a graph out (deterministic). */
function place(graph: AlertGraph): PlacedGraph {
  const nodes = graph.nodes;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edges = graph.edges.map((e) => [index.get(e.source)!, index.get(e.target)!] as [number, number]);
  const pos = forceLayout(nodes.length, edges, { edgeLength: 60, seed: 7 });
  const x = pos.map((p) => p.x);
  const y = pos.map((p) => p.y);
  return { graph, nodes, x, y, width: nodes.length ? Math.max(...x) : 0, height: nodes.length ? Math.max(...y) : 0 };
}

function resolveWidth(width: number | undefined): number {
  if (width === undefined) return 900;
  if (!Number.isFinite(width) || width <= 0) throw new GraphError(`width must be a positive number, not ${String(width)}`);
  return Math.round(width <= 40 ? width * 60 : width);
}

/** SVG path/shape markup of a node shape centred at (cx, cy), radius r. */
function shapeSvg(shape: NodeShape, cx: number, cy: number, r: number, fill: string, stroke: string): string {
  const poly = (points: [number, number][]): string =>
    `<polygon points="${points.map(([px, py]) => `${(cx + px * r).toFixed(1)},${(cy + py * r).toFixed(1)}`).join(" ")}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
  const regular = (n: number, rot: number): [number, number][] => Array.from({ length: n }, (_, i) => [Math.cos(rot + (2 * Math.PI * i) / n), Math.sin(rot + (2 * Math.PI * i) / n)]);
  switch (shape) {
    case "ellipse":
      return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
    case "rectangle":
    case "round-rectangle":
    case "tag":
      return `<rect x="${(cx - r).toFixed(1)}" y="${(cy - r * 0.75).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(1.5 * r).toFixed(1)}" rx="${shape === "rectangle" ? 0 : (r / 3).toFixed(1)}" fill="${fill}" stroke="${stroke}" stroke-width="1"/>`;
    case "diamond":
      return poly(regular(4, 0));
    case "triangle":
      return poly(regular(3, -Math.PI / 2));
    case "hexagon":
      return poly(regular(6, 0));
    case "octagon":
      return poly(regular(8, Math.PI / 8));
    case "star":
      return poly(Array.from({ length: 10 }, (_, i) => {
        const a = -Math.PI / 2 + (Math.PI * i) / 5;
        const rr = i % 2 ? 0.45 : 1;
        return [Math.cos(a) * rr, Math.sin(a) * rr] as [number, number];
      }));
  }
}

/** Label without the `Alert: ` prefix: the shape and colour already say it is an alert. */
function shortLabel(node: GraphNode): string {
  return (node.kind === "alert" || node.kind === "incident") && node.label.startsWith("Alert: ") ? node.label.slice(7) : node.label;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The static SVG of a placed graph: edges, nodes by type, labels, legend. */
function graphSvg(placed: PlacedGraph, options: { width: number; title: string; nodeSize: number; fontSize: number; maxLabels: number }): { svg: string; height: number } {
  const { width, title, nodeSize, fontSize, maxLabels } = options;
  const { nodes, graph } = placed;
  const legendTypes = graph.typeCounts();
  const legendH = 18 + Math.ceil(legendTypes.length / 4) * 16;
  // Room for half a label (~80 px) at the sides, a node and its label below.
  const padX = nodeSize / 2 + 80;
  const padY = nodeSize + 2 * fontSize;
  const top = 26 + legendH;
  const scale = Math.min(2, placed.width > 0 ? (width - 2 * padX) / placed.width : 1, placed.height > 0 ? 1400 / placed.height : 2);
  const height = Math.round(Math.max(220, top + placed.height * scale + 2 * padY));
  const px = (i: number): number => padX + placed.x[i] * scale + (placed.width > 0 ? 0 : (width - 2 * padX) / 2);
  const py = (i: number): number => top + padY + placed.y[i] * scale;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escapeHtml(title)}</text>`,
    `<text x="${width - 8}" y="18" font-size="11" text-anchor="end" fill="#555">${nodes.length} nodes, ${graph.edgeCount} edges</text>`,
  ];
  legendTypes.forEach(([type, count], i) => {
    const lx = 14 + (i % 4) * Math.floor((width - 20) / 4);
    const ly = 34 + Math.floor(i / 4) * 16;
    const s = styleOf(type);
    parts.push(shapeSvg(s.shape, lx, ly, 5.5, s.color, "#333"), `<text x="${lx + 10}" y="${ly + 4}" font-size="11">${escapeHtml(`${type} (${count})`)}</text>`);
  });
  parts.push(`<g stroke="#999" stroke-width="1" stroke-opacity="0.7">`);
  for (const e of graph.edges) {
    const a = index.get(e.source)!;
    const b = index.get(e.target)!;
    const dash = e.relation === "related alert" ? ` stroke-dasharray="4 3"` : "";
    parts.push(`<line x1="${px(a).toFixed(1)}" y1="${py(a).toFixed(1)}" x2="${px(b).toFixed(1)}" y2="${py(b).toFixed(1)}"${dash}/>`);
  }
  parts.push(`</g>`);
  const r = nodeSize / 2;
  nodes.forEach((n, i) => {
    const s = styleOf(n.type);
    parts.push(shapeSvg(s.shape, px(i), py(i), r, s.color, n.related ? "#666" : "#333"));
  });
  if (nodes.length <= maxLabels) {
    nodes.forEach((n, i) => {
      parts.push(
        `<text x="${px(i).toFixed(1)}" y="${(py(i) + r + fontSize + 1).toFixed(1)}" font-size="${fontSize}" text-anchor="middle" fill="#222" stroke="white" stroke-width="2.5" paint-order="stroke">${escapeHtml(truncate(shortLabel(n), 32))}</text>`,
      );
    });
  }
  parts.push(`</svg>`);
  return { svg: parts.join(""), height };
}

/** A drawn alert–entity graph: displays itself (Cytoscape + static PNG). */
export class EntityGraphView implements Displayable {
  readonly graph: AlertGraph;
  readonly options: Readonly<EntityGraphPlotOptions>;
  private placed?: PlacedGraph;
  private view?: HtmlView;

  constructor(graph: AlertGraph, options: EntityGraphPlotOptions = {}) {
    this.graph = graph;
    this.options = { ...options };
    resolveWidth(options.width);
  }

  /** Node and edge counts. */
  get nodeCount(): number {
    return this.graph.nodeCount;
  }

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
    });
    return { svg, height, width };
  }

  /** The static image as PNG bytes. */
  toPng(): Buffer {
    return svgToPng(this.toSvg());
  }

  /** The HTML view (built once). */
  toView(): HtmlView {
    if (this.view) return this.view;
    const placed = this.layout();
    const { svg, height: staticHeight, width } = this.staticSvg();
    const elements = this.graph.toCytoscape();
    const index = new Map(placed.nodes.map((n, i) => [n.id, i]));
    const nodes = elements.nodes.map((n) => {
      const i = index.get(String(n.data.id))!;
      const s = styleOf(String(n.data.type));
      return { data: { ...n.data, color: s.color, shape: s.shape, short: truncate(shortLabel(placed.nodes[i]), 40) }, position: { x: Math.round(placed.x[i] * 10) / 10, y: Math.round(placed.y[i] * 10) / 10 } };
    });
    const timed = placed.nodes.filter((n) => n.time && (n.kind === "alert" || n.kind === "incident"));
    const timeline = this.options.timeline ?? timed.length >= 2;
    const legend = this.graph.typeCounts().map(([type, count]) => ({ type, count, ...styleOf(type) }));
    const height = this.options.height ?? Math.min(800, Math.max(400, Math.round(staticHeight * 0.8)));
    const alt = `Alert entity graph: ${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges (${legend.map((l) => `${l.count} ${l.type}`).join(", ")})`;
    this.view = new HtmlView({
      kind: "entity-graph",
      title: this.options.title ?? "Alert entity graph",
      libraries: ["cytoscape"],
      data: {
        nodes,
        edges: elements.edges,
        legend,
        nodeSize: this.options.nodeSize ?? 22,
        fontSize: this.options.fontSize ?? 10,
        layout: this.options.layout ?? "precomputed",
        timeline: timeline ? timed.map((n) => ({ id: n.id, t: n.time!.getTime(), label: n.label })) : [],
      },
      script: graphScript(),
      css: graphCss,
      height,
      width,
      fallback: { png: svgToPng(svg), alt, width, html: staticDetails(this.graph) },
      text: this.toText(),
    });
    return this.view;
  }

  toText(): string {
    return `Alert entity graph: ${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges (${this.graph
      .typeCounts()
      .map(([t, c]) => `${c} ${t}`)
      .join(", ")})`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toView()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](): string {
    return `EntityGraphView(${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges)`;
  }
}

/** Under the static image: the alerts and entities as a collapsible list (escaped), for pages without scripts. */
function staticDetails(graph: AlertGraph): string {
  const nodes = graph.nodes;
  const shown = nodes.slice(0, 300);
  const items = shown
    .map((n) => `<li><b>${escapeHtml(n.type)}</b>: ${escapeHtml(n.label)}${n.time ? ` <span style="color:#666">${escapeHtml(n.time.toISOString())}</span>` : ""}</li>`)
    .join("");
  const more = nodes.length > shown.length ? `<li>… and ${nodes.length - shown.length} more</li>` : "";
  return `<details class="hl-eg-static-list"><summary>Nodes (${nodes.length})</summary><ul style="margin:2px 0;font-size:12px">${items}${more}</ul></details>`;
}

function graphCss(r: string): string {
  return (
    `${r} .hl-eg-graph{position:absolute;left:0;top:0;bottom:0;right:280px}` +
    `${r} .hl-eg-graph.hl-eg-with-tl{bottom:44px}` +
    `${r} .hl-eg-side{position:absolute;right:0;top:0;bottom:0;width:280px;overflow:auto;border-left:1px solid var(--jp-border-color2,#ddd);padding:6px;box-sizing:border-box;font-size:12px;background:var(--jp-layout-color1,#fff)}` +
    `${r} .hl-eg-legend{display:flex;flex-wrap:wrap;gap:2px 10px;margin-bottom:6px}` +
    `${r} .hl-eg-legend span{white-space:nowrap}` +
    `${r} .hl-eg-swatch{display:inline-block;width:10px;height:10px;margin-right:3px;border:1px solid #333;vertical-align:middle}` +
    `${r} .hl-eg-details h4{margin:4px 0;font-size:13px;word-break:break-all}` +
    `${r} .hl-eg-details table{border-collapse:collapse;width:100%}` +
    `${r} .hl-eg-details th{text-align:left;vertical-align:top;padding:1px 6px 1px 0;white-space:nowrap}` +
    `${r} .hl-eg-details td{text-align:left;word-break:break-all;padding:1px 0}` +
    `${r} .hl-eg-tl{position:absolute;left:0;right:280px;bottom:0;height:44px;border-top:1px solid var(--jp-border-color2,#ddd)}` +
    `${r} .hl-eg-tl-dot{position:absolute;top:10px;width:8px;height:8px;margin-left:-4px;border-radius:50%;background:#F28E2B;cursor:pointer;border:1px solid #333}` +
    `${r} .hl-eg-tl-dot.hl-sel{background:#E15759;transform:scale(1.5)}` +
    `${r} .hl-eg-tl-axis{position:absolute;bottom:2px;font-size:10px;color:#666}`
  );
}

/** The view script (body of `function (container, data, libs, view)`). */
function graphScript(): string {
  return `
var cytoscape = libs.cytoscape;
var side = view.el("div", "hl-eg-side");
var legend = view.el("div", "hl-eg-legend");
data.legend.forEach(function (l) {
  var item = view.el("span", "hl-eg-legend-item");
  var sw = view.el("span", "hl-eg-swatch");
  sw.style.background = l.color;
  item.appendChild(sw);
  item.appendChild(document.createTextNode(l.type + " (" + l.count + ")"));
  legend.appendChild(item);
});
side.appendChild(legend);
var details = view.el("div", "hl-eg-details");
details.appendChild(view.el("p", "hl-eg-hint", "Select a node to see its details."));
side.appendChild(details);
var graphDiv = view.el("div", "hl-eg-graph" + (data.timeline.length ? " hl-eg-with-tl" : ""));
container.appendChild(graphDiv);
container.appendChild(side);
var elements = { nodes: data.nodes, edges: data.edges };
if (data.layout === "browser") {
  var layoutFn = (${FORCE_LAYOUT_SOURCE});
  var idx = {};
  data.nodes.forEach(function (n, i) { idx[n.data.id] = i; });
  var pos = layoutFn(data.nodes.length, data.edges.map(function (e) { return [idx[e.data.source], idx[e.data.target]]; }), { edgeLength: 60, seed: 7 });
  data.nodes.forEach(function (n, i) { n.position = { x: pos[2 * i], y: pos[2 * i + 1] }; });
}
// Big graphs: no labels until a node is selected (measuring thousands of labels dominates the first draw).
var big = data.nodes.length > 400;
var cy = cytoscape({
  container: graphDiv,
  elements: elements,
  layout: { name: "preset", fit: true, padding: 20 },
  minZoom: 0.05,
  maxZoom: 6,
  textureOnViewport: big,
  hideEdgesOnViewport: big,
  style: [
    { selector: "node", style: { "background-color": "data(color)", "shape": "data(shape)", "width": data.nodeSize, "height": data.nodeSize,
      "label": big ? "" : "data(short)", "font-size": data.fontSize, "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "ellipsis", "text-max-width": 160,
      "border-width": 1, "border-color": "#333", "min-zoomed-font-size": 7, "text-outline-color": "#fff", "text-outline-width": 1 } },
    { selector: "node[?related]", style: { "border-style": "dashed", "border-width": 2 } },
    { selector: "edge", style: { "width": 1, "line-color": "#999", "curve-style": "haystack", "opacity": 0.8 } },
    { selector: "edge[relation = 'related alert']", style: { "line-style": "dashed", "curve-style": "straight" } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#E15759", "label": "data(short)", "z-index": 10 } },
    { selector: "edge:selected", style: { "line-color": "#E15759", "width": 2 } }
  ]
});
container.huntlabCy = cy;
container.setAttribute("data-node-count", String(cy.nodes().length));
container.setAttribute("data-edge-count", String(cy.edges().length));
var SKIP = { id: 1, color: 1, shape: 1, label: 1, short: 1, kind: 1, related: 1, description: 1 };
var dots = {};
function showDetails(node) {
  while (details.firstChild) details.removeChild(details.firstChild);
  var d = node.data();
  details.appendChild(view.el("h4", "hl-eg-title", d.label));
  details.appendChild(view.el("div", "hl-eg-desc", d.description));
  var table = view.el("table");
  var body = view.el("tbody");
  Object.keys(d).forEach(function (k) {
    if (SKIP[k]) return;
    var tr = view.el("tr");
    tr.appendChild(view.el("th", null, k));
    tr.appendChild(view.el("td", null, d[k]));
    body.appendChild(tr);
  });
  table.appendChild(body);
  details.appendChild(table);
  var n = node.connectedEdges().length;
  details.appendChild(view.el("div", "hl-eg-links", n + (n === 1 ? " link" : " links")));
  Object.keys(dots).forEach(function (k) { dots[k].classList.toggle("hl-sel", k === d.id); });
  container.setAttribute("data-selected", d.id);
}
cy.on("tap", "node", function (evt) { cy.elements().unselect(); evt.target.select(); showDetails(evt.target); });
if (data.timeline.length) {
  var tl = view.el("div", "hl-eg-tl");
  var dotsFragment = document.createDocumentFragment();
  var t0 = Infinity, t1 = -Infinity;
  data.timeline.forEach(function (p) { if (p.t < t0) t0 = p.t; if (p.t > t1) t1 = p.t; });
  var span = Math.max(t1 - t0, 1);
  data.timeline.forEach(function (p) {
    var dot = view.el("div", "hl-eg-tl-dot");
    dot.style.left = (2 + 96 * (p.t - t0) / span) + "%";
    dot.title = p.label + " " + new Date(p.t).toISOString();
    dot.addEventListener("click", function () {
      var node = cy.getElementById(p.id);
      if (!node.length) return;
      cy.elements().unselect(); node.select(); showDetails(node);
      cy.animate({ center: { eles: node } }, { duration: 200 });
    });
    dots[p.id] = dot;
    dotsFragment.appendChild(dot);
  });
  tl.appendChild(dotsFragment);
  var a0 = view.el("span", "hl-eg-tl-axis", new Date(t0).toISOString().slice(0, 16).replace("T", " "));
  a0.style.left = "4px";
  var a1 = view.el("span", "hl-eg-tl-axis", new Date(t1).toISOString().slice(0, 16).replace("T", " "));
  a1.style.right = "4px";
  tl.appendChild(a0);
  tl.appendChild(a1);
  container.appendChild(tl);
}
`;
}

/**
 * Draws an alert graph (MSTICPy's `draw_alert_entity_graph`); returns a view
 * that displays itself: `display(drawAlertEntityGraph(graph))`.
 */
export function drawAlertEntityGraph(graph: AlertGraph, options: EntityGraphPlotOptions = {}): EntityGraphView {
  if (!(graph instanceof AlertGraph)) throw new GraphError("drawAlertEntityGraph: expected an AlertGraph (from createAlertGraph / addRelatedAlerts)");
  return new EntityGraphView(graph, options);
}

/** Options of {@link EntityGraph.addNote}. */
export interface NoteOptions {
  /** Text of the note. */
  description?: string;
  /** Node(s) the note is about (ids or labels). */
  attachedTo?: string | string[];
}

/**
 * All alerts (and incidents) with their entities in one graph, after MSTICPy's
 * newer `EntityGraph(alert_df)`. Alerts that share entities are linked through
 * them. `plot()` returns a view that displays itself.
 */
export class EntityGraph implements Displayable {
  /** The graph model. */
  readonly graph: AlertGraph;

  /** @param source an alerts DataFrame, a `SecurityAlert`, a list of them, or an entity. */
  constructor(source?: DataFrame | SecurityAlert | SecurityAlert[] | Entity) {
    this.graph = new AlertGraph();
    if (source instanceof Entity) this.addEntity(source);
    else if (source !== undefined) this.addIncident(source);
  }

  get nodeCount(): number {
    return this.graph.nodeCount;
  }

  get edgeCount(): number {
    return this.graph.edgeCount;
  }

  /** Adds alerts (rows of a DataFrame, or SecurityAlerts) with their entities. */
  addIncident(source: DataFrame | SecurityAlert | SecurityAlert[]): this {
    for (const alert of toAlerts(source)) addAlertWithEntities(this.graph, alert);
    return this;
  }

  /** Adds an entity (and the entities it refers to), optionally linked to a node (id or label). */
  addEntity(entity: Entity, attachedTo?: string): this {
    const node = this.graph.addNode(entityNode(entity));
    for (const { property, entity: child } of entity.relations()) {
      this.graph.addNode(entityNode(child));
      this.graph.addEdge(node.id, child.key, property);
    }
    if (attachedTo) this.graph.addEdge(this.graph.resolve(attachedTo), node.id, "link");
    return this;
  }

  /** Adds an analyst's note, optionally linked to nodes (ids or labels). */
  addNote(name: string, options: NoteOptions = {}): this {
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
    if (!this.graph.removeEdge(a, b)) throw new GraphError(`No link between "${source}" and "${target}"`);
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
    return new EntityGraphView(this.graph, { title: "Entity graph", ...options });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.plot()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](): string {
    return `EntityGraph(${this.graph.nodeCount} nodes, ${this.graph.edgeCount} edges)`;
  }
}
