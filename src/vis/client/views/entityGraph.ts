/**
 * Live part of the alert–entity graph (../../entityGraph.ts): Cytoscape with
 * a legend, node details on selection and a timeline strip of the alerts.
 * Every piece of data reaches the page through textContent and attributes.
 *
 * Labels: only those of the selected and hovered nodes and of the
 * best-linked nodes in view (a budget that grows as you zoom in), at a
 * constant size on screen, and never two whose boxes intersect
 * (`LabelLayer`; the static image follows the same rule).
 */
import type cytoscape from "cytoscape";
import { followContainerMoves } from "../graphPosition";
import { forceLayoutFlat } from "../forceLayout";
import {
  chooseLabels,
  coverableLabels,
  edgeIndexPairs,
  ENTITY_GRAPH_LAYOUT,
  graphElements,
  LABEL_PLACES,
  labelBox,
  labelBudget,
  labelPriority,
  MIN_LABEL_PX,
  type GraphViewEdge,
  type GraphViewNode,
  type LabelBox,
  type LabelObstacle,
  type LabelPlace,
  type NodeShape,
} from "../graphElements";
import { defineView, type ViewContext } from "../runtime";
import { graphZoomKey, keyboardSurface, liveStatus, viewSummary, ZOOM_KEYS_HINT } from "../keyboard";
import { paintTheme, type PaintTheme } from "../theme";
import { shownValue } from "../text";

/** A legend entry: a node type, its count and look. */
export interface EntityGraphLegendEntry {
  type: string;
  count: number;
  color: string;
  shape: NodeShape;
}

/** An alert on the timeline strip. */
export interface EntityGraphTimelinePoint {
  id: string;
  /** Epoch milliseconds. */
  t: number;
  label: string;
  /** Outside UTC, its wall-clock time in the graph's zone with the offset (`2026-03-29 03:30:00.000 +02:00`). */
  when?: string;
}

/** What `EntityGraphView` sends. */
export interface EntityGraphData {
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
  legend: EntityGraphLegendEntry[];
  nodeSize: number;
  fontSize: number;
  /** Labels drawn at fit zoom besides the selected and hovered nodes' (more as the view zooms in). */
  labels: number;
  /** `"precomputed"`: positions from Node; `"browser"`: lay out again here. */
  layout: "precomputed" | "browser";
  /** Empty when there is no timeline strip. */
  timeline: EntityGraphTimelinePoint[];
  /** The zone the strip's times are in, when not UTC (each point then carries `when`). */
  timeZone?: string;
}

interface Libs {
  cytoscape: typeof cytoscape;
}

/** The live container, with the Cytoscape instance exposed for tests and debugging. */
type GraphContainer = HTMLElement & { huntlabCy?: cytoscape.Core };

// Big graphs: textures while panning, and elements added in slices with the page answering in between.
const BIG_GRAPH = 400;
/** Elements per step of a slice; a slice takes steps until SLICE_MS have passed (a fixed 2,000 took 0.3-2.4 s a slice at load 10). */
const STEP = 250;
const SLICE_MS = 50;
/** The label font, named so that our measurements match Cytoscape's. */
const LABEL_FONT = "Helvetica, Arial, sans-serif";
const LABEL_CLASS = "hl-label";
const LABEL_MARGIN_PX = 2;
const LABEL_OUTLINE_PX = 1.5;
/** Nodes drawn at least this wide (CSS pixels) keep labels off their bodies; smaller ones are dots under the text. */
const OBSTACLE_PX = 8;

/** Cytoscape's alignment and margin direction of a label at each place. */
const PLACE_STYLE: Readonly<Record<LabelPlace, { valign: string; halign: string; mx: number; my: number }>> = {
  bottom: { valign: "bottom", halign: "center", mx: 0, my: 1 },
  top: { valign: "top", halign: "center", mx: 0, my: -1 },
  right: { valign: "center", halign: "right", mx: 1, my: 0 },
  left: { valign: "center", halign: "left", mx: -1, my: 0 },
};

function legendPanel(data: EntityGraphData, view: ViewContext): HTMLElement {
  const legend = view.el("div", "hl-eg-legend");
  for (const l of data.legend) {
    const item = view.el("span", "hl-eg-legend-item");
    const swatch = view.el("span", "hl-eg-swatch");
    swatch.style.background = l.color;
    item.append(swatch, document.createTextNode(`${l.type} (${l.count})`));
    legend.appendChild(item);
  }
  return legend;
}

/** Label size on screen, in CSS pixels. */
function labelPx(data: EntityGraphData): number {
  return Math.max(data.fontSize, MIN_LABEL_PX);
}

/** Label ink and halo, node outlines and edges from the page's theme (a canvas cannot take CSS variables). */
function graphStyle(data: EntityGraphData, theme: PaintTheme): cytoscape.StylesheetJson {
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(color)",
        shape: "data(shape)" as cytoscape.Css.NodeShape,
        width: data.nodeSize,
        height: data.nodeSize,
        // No label unless the label layer picks the node (class hl-label).
        label: "",
        "font-family": LABEL_FONT,
        "font-size": labelPx(data),
        "text-valign": "bottom",
        "text-margin-y": LABEL_MARGIN_PX,
        "text-wrap": "none",
        "border-width": 1,
        "border-color": theme.dark ? theme.border : "#333",
        // Between a zoom and the label layer's next frame, labels shrink with the view: hide them once unreadable.
        "min-zoomed-font-size": MIN_LABEL_PX,
        color: theme.text,
        "text-outline-color": theme.background,
        "text-outline-width": LABEL_OUTLINE_PX,
      },
    },
    { selector: `node.${LABEL_CLASS}`, style: { label: "data(short)" } },
    { selector: "node[?related]", style: { "border-style": "dashed", "border-width": 2 } },
    { selector: "edge", style: { width: 1, "line-color": theme.muted, "curve-style": "haystack", opacity: 0.8 } },
    { selector: "edge[relation = 'related alert']", style: { "line-style": "dashed", "curve-style": "straight" } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#E15759", "z-index": 10 } },
    { selector: "edge:selected", style: { "line-color": "#E15759", width: 2 } },
  ];
}

/** Lets the page handle input and paint before the next slice of work. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Calls `work(from, to)` over [0, n) in steps of STEP, the page answering after each SLICE_MS of them: slices as long on a busy machine as on a quiet one. */
async function inSlices(n: number, work: (from: number, to: number) => void): Promise<void> {
  for (let i = 0; i < n; ) {
    const until = performance.now() + SLICE_MS;
    do {
      work(i, Math.min(n, i + STEP));
      i += STEP;
    } while (i < n && performance.now() < until);
    await nextTask();
  }
}

/** Cytoscape's canvas renderer, as far as this uses it (not in its typings; each part may be missing in another version). */
interface CanvasRenderer {
  data?: { lyrTxrCache?: { firstGet?: boolean } };
  flushRenderedStyleQueue?: () => void;
}

function renderer(core: cytoscape.Core): CanvasRenderer | undefined {
  return (core as unknown as { renderer?: () => CanvasRenderer | undefined }).renderer?.();
}

/**
 * The renderer's layered texture cache draws every element into its layers
 * in the first frame that uses it (`firstGet`), and in every later one queues
 * them and fills the layers a little each frame. For a big graph that first
 * frame was the page's longest task (10,481 nodes, 18,960 edges: 4 s of
 * rendering at load 10); queued from the start, frames draw the elements
 * directly (1.4-2 s) until the layers are filled. A Cytoscape without this
 * cache (another renderer) is left alone.
 */
function drawLazily(core: cytoscape.Core): void {
  const cache = renderer(core)?.data?.lyrTxrCache;
  if (cache && cache.firstGet === true) cache.firstGet = false;
}

/**
 * The Cytoscape instance. A big graph is built headless, its elements added
 * in slices with the page answering between them (one synchronous add of
 * 30,000 elements froze the tab for 9 s), and drawn once, when mounted.
 */
async function createGraph(cy: typeof cytoscape, graphDiv: HTMLElement, data: EntityGraphData): Promise<cytoscape.Core> {
  const theme = paintTheme(graphDiv);
  const positions = data.layout === "browser" ? forceLayoutFlat(data.nodes.length, edgeIndexPairs(data.nodes, data.edges), ENTITY_GRAPH_LAYOUT) : undefined;
  const elements = graphElements(data.nodes, data.edges, positions);
  const big = data.nodes.length > BIG_GRAPH;
  const options: cytoscape.CytoscapeOptions = { minZoom: 0.02, maxZoom: 6, textureOnViewport: big, hideEdgesOnViewport: big };
  if (!big) {
    return cy({ ...options, container: graphDiv, elements: elements as cytoscape.ElementsDefinition, layout: { name: "preset", fit: true, padding: 20 }, style: graphStyle(data, theme) });
  }
  // No `style` option: mount() would apply it to every element again; the stylesheet is set before the elements instead.
  const core = cy({ ...options, headless: true, styleEnabled: true });
  core.style(graphStyle(data, theme));
  await inSlices(elements.nodes.length, (from, to) => {
    // Styles are applied lazily; a node's applied later, with its edges there, dirties every edge of it (0.8 s for 10,000 nodes).
    core.add(elements.nodes.slice(from, to)).forEach((n) => void (n as unknown as { pstyle(name: string): unknown }).pstyle("shape"));
  });
  await inSlices(elements.edges.length, (from, to) => void core.add(elements.edges.slice(from, to)));
  performance.mark("hl-eg:added");
  core.mount(graphDiv);
  drawLazily(core);
  // The renderer's first pass over every element (styles on screen, label
  // sizes, edge end points) is what a fit or the first frame costs: done in
  // slices, the bounding boxes are cached for both. Cytoscape draws nothing
  // while batching, so no frame does it all at once in between.
  core.startBatch();
  const eles = core.elements();
  await inSlices(eles.length, (from, to) => void eles.slice(from, to).boundingBox());
  core.endBatch();
  // The renderer's own pass over every element ended by the batch (rendered styles, texture keys; 0.6-1.1 s at
  // load 10) is due before the first frame: done now, a task of its own, not one with the first frame's drawing.
  renderer(core)?.flushRenderedStyleQueue?.();
  await nextTask();
  performance.mark("hl-eg:mounted");
  core.fit(undefined, 20);
  return core;
}

/**
 * Which node labels are drawn (see the module comment). Runs once per frame
 * after a zoom, pan, drag, hover or selection; labels keep one size on screen
 * (font, margin and outline are set per labelled node from the zoom), so
 * zooming in makes room for more of them.
 */
class LabelLayer {
  /** Node indices, best label first. */
  private readonly order: Int32Array;
  private readonly nodes: cytoscape.NodeSingular[];
  private readonly index = new Map<string, number>();
  private readonly widths: Float64Array;
  private readonly charWidths = new Map<string, number>();
  private readonly measure: CanvasRenderingContext2D | null;
  private readonly fitZoom: number;
  private shown: number[] = [];
  private selected = -1;
  private hovered = -1;
  private frame = 0;

  constructor(
    private readonly cy: cytoscape.Core,
    private readonly data: EntityGraphData,
    private readonly container: HTMLElement,
  ) {
    this.order = labelPriority(data.nodes, data.edges);
    this.nodes = data.nodes.map((n, i) => {
      this.index.set(n.id, i);
      return cy.getElementById(n.id) as cytoscape.NodeSingular;
    });
    this.widths = new Float64Array(data.nodes.length).fill(-1);
    this.measure = document.createElement("canvas").getContext("2d");
    if (this.measure) this.measure.font = `normal normal ${labelPx(data)}px ${LABEL_FONT}`;
    this.fitZoom = cy.zoom();
    container.setAttribute("data-fit-zoom", String(this.fitZoom));
    const later = (): void => this.schedule();
    cy.on("viewport resize", later);
    cy.on("position", "node", later);
    cy.on("mouseover", "node", (e) => this.hover(this.index.get((e.target as cytoscape.NodeSingular).id()) ?? -1));
    cy.on("mouseout", "node", () => this.hover(-1));
    cy.on("unselect", "node", () => {
      if (cy.$("node:selected").empty()) this.select(-1);
    });
  }

  select(i: number): void {
    this.selected = i;
    this.schedule();
  }

  private hover(i: number): void {
    this.hovered = i;
    this.schedule();
  }

  /** One update on the next frame, however many events come before it. */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // The output may have left the page since (its graph destroyed: a batch on it throws).
      if (!this.cy.destroyed()) this.update();
    });
  }

  /**
   * Width of a node's label on screen: the sum of its characters' widths,
   * each measured once (measuring 10,000 whole labels took 0.75 s), plus a
   * pixel for kerning and rounding.
   */
  private width(i: number): number {
    if (this.widths[i] < 0) {
      let w = 1;
      for (const ch of this.data.nodes[i].short) {
        let cw = this.charWidths.get(ch);
        if (cw === undefined) {
          cw = this.measure ? this.measure.measureText(ch).width : labelPx(this.data) * 0.7;
          this.charWidths.set(ch, cw);
        }
        w += cw;
      }
      this.widths[i] = w;
    }
    return this.widths[i];
  }

  /** Node i's screen position, or null when it is out of view. */
  private at(i: number, zoom: number, pan: cytoscape.Position, w: number, h: number): { x: number; y: number } | null {
    const p = this.nodes[i].position();
    const x = p.x * zoom + pan.x;
    const y = p.y * zoom + pan.y;
    return x < 0 || y < 0 || x > w || y > h ? null : { x, y };
  }

  /**
   * The screen boxes of node i's label at each place (null when the node is
   * out of view), as Cytoscape bounds labels, a little larger: the text width
   * rounded up in model units, the outline and a 2-unit margin of error.
   */
  private boxes(i: number, zoom: number, pan: cytoscape.Position, w: number, h: number): LabelBox[] | null {
    const at = this.at(i, zoom, pan, w, h);
    if (!at) return null;
    const pad = LABEL_OUTLINE_PX + 2 * zoom + 1;
    const width = this.width(i) + zoom;
    const r = (this.data.nodeSize / 2) * zoom;
    return LABEL_PLACES.map((place) => labelBox(place, at.x, at.y, r, width, labelPx(this.data), LABEL_MARGIN_PX, pad));
  }

  /** Bodies of the nodes in view, when drawn big enough to hide text under a label. */
  private obstacles(zoom: number, pan: cytoscape.Position, w: number, h: number): LabelObstacle[] {
    const r = (this.data.nodeSize / 2) * zoom + 1;
    if (2 * r < OBSTACLE_PX) return [];
    const out: LabelObstacle[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const at = this.at(i, zoom, pan, w, h);
      if (at) out.push({ node: i, box: { x1: at.x - r, x2: at.x + r, y1: at.y - r, y2: at.y + r } });
    }
    return out;
  }

  /** Picks the labels for the current view and applies them. */
  update(): void {
    const cy = this.cy;
    const zoom = cy.zoom();
    const pan = cy.pan();
    const w = cy.width();
    const h = cy.height();
    const forced = [this.selected, this.hovered].filter((i) => i >= 0);
    const budget = labelBudget(zoom / this.fitZoom, this.data.labels);
    const room = { obstacles: this.obstacles(zoom, pan, w, h), bounds: { x1: 0, y1: 0, x2: w, y2: h }, mayCover: coverableLabels(this.data.labels) };
    const next = chooseLabels(this.order, forced, budget, (i) => this.boxes(i, zoom, pan, w, h), room);
    const keep = new Set(next.map((l) => l.node));
    const px = labelPx(this.data);
    cy.batch(() => {
      for (const i of this.shown) if (!keep.has(i)) this.nodes[i].removeClass(LABEL_CLASS).removeStyle("z-index");
      for (const { node, place } of next) {
        const p = PLACE_STYLE[place];
        this.nodes[node].addClass(LABEL_CLASS).style({
          "font-size": px / zoom,
          "text-valign": p.valign,
          "text-halign": p.halign,
          "text-margin-x": (p.mx * LABEL_MARGIN_PX) / zoom,
          "text-margin-y": (p.my * LABEL_MARGIN_PX) / zoom,
          "text-outline-width": LABEL_OUTLINE_PX / zoom,
          // Above the nodes a label may cover.
          "z-index": 20,
        });
      }
    });
    this.shown = [...keep];
    this.container.setAttribute("data-labels", String(next.length));
    this.container.setAttribute("data-label-zoom", String(zoom));
  }
}

/** Fills the details panel with a node's heading, description and properties. */
function detailsRenderer(details: HTMLElement, nodes: ReadonlyMap<string, GraphViewNode>, view: ViewContext): (node: cytoscape.NodeSingular) => void {
  return (node) => {
    const d = nodes.get(node.id());
    if (!d) return;
    details.textContent = "";
    const body = view.el("tbody");
    for (const [name, text] of d.details) {
      const tr = view.el("tr");
      tr.append(view.el("th", undefined, name), view.el("td", undefined, text));
      body.appendChild(tr);
    }
    const table = view.el("table");
    table.appendChild(body);
    const links = node.connectedEdges().length;
    details.append(view.el("h4", "hl-eg-title", d.label), view.el("div", "hl-eg-desc", d.description), table, view.el("div", "hl-eg-links", `${links} ${links === 1 ? "link" : "links"}`));
  };
}

/** The graph's name for screen readers, after the view's summary. */
const KEYS_HINT = "Up and Down arrows move through the nodes in list order, Left and Right through the nodes linked to the last one reached with Up or Down (or clicked), Escape clears the selection";

/** The user asked for less motion: moves jump instead of gliding. */
function reducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * Keyboard walk of the graph (see KEYS_HINT): `select` shows a node; the
 * returned handler takes a key and says true when it used it.
 */
function graphKeys(cy: cytoscape.Core, data: EntityGraphData, select: (node: cytoscape.NodeSingular, note: string) => void, clear: () => void): (key: string) => boolean {
  let anchor = -1;
  let hop = -1;
  const nodeAt = (k: number): cytoscape.NodeSingular => cy.getElementById(data.nodes[k].id) as cytoscape.NodeSingular;
  // A node clicked is where the keys go on from.
  const place = new Map<string, number>();
  data.nodes.forEach((node, k) => place.set(node.id, k));
  cy.on("tap", "node", (e) => {
    anchor = place.get((e.target as cytoscape.NodeSingular).id()) ?? anchor;
    hop = -1;
  });
  const neighbours = (): cytoscape.NodeSingular[] => (anchor < 0 ? [] : nodeAt(anchor).neighborhood("node").toArray() as cytoscape.NodeSingular[]);
  return (key) => {
    const n = data.nodes.length;
    if (!n) return false;
    if (key === "Escape") {
      anchor = hop = -1;
      clear();
      return true;
    }
    let to = -1;
    if (key === "ArrowDown") to = anchor < 0 ? 0 : Math.min(n - 1, anchor + 1);
    else if (key === "ArrowUp") to = anchor < 0 ? 0 : Math.max(0, anchor - 1);
    else if (key === "Home") to = 0;
    else if (key === "End") to = n - 1;
    else if (key === "ArrowRight" || key === "ArrowLeft") {
      const near = neighbours();
      if (anchor < 0) to = 0;
      else if (!near.length) return true;
      else {
        if (key === "ArrowRight") hop = (hop + 1) % near.length;
        else hop = hop < 0 ? near.length - 1 : (hop + near.length - 1) % near.length;
        select(near[hop], `linked to ${data.nodes[anchor].label} (${hop + 1} of ${near.length})`);
        return true;
      }
    } else return false;
    anchor = to;
    hop = -1;
    select(nodeAt(to), `node ${to + 1} of ${n}`);
    return true;
  };
}

function utcMinute(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace("T", " ");
}

/** A strip end's text: the minute, in UTC, or in the graph's zone named after it (`2026-03-29 03:30 Europe/Berlin`). */
function stripEnd(p: EntityGraphTimelinePoint, zone: string | undefined): string {
  return zone && p.when ? `${p.when.slice(0, 16)} ${zone}` : utcMinute(p.t);
}

/** The strip's name for screen readers. */
const STRIP_HINT = "Alerts over time: Left and Right arrows move between the alerts in time order, Home and End to the first and last, Enter selects the alert's node";

/**
 * The strip of alerts along time; a dot selects and centres its node. The dots are buttons named by their
 * alert and time, one in the Tab order (the last one reached): Left/Right move along them in time order,
 * Enter or Space selects. The dot under the mouse or focus shows its alert and time in a tip (a `title`
 * showed on hover only). Returns the dots by node id.
 */
function timelineStrip(data: EntityGraphData, view: ViewContext, select: (id: string) => void): { strip: HTMLElement; dots: Map<string, HTMLElement> } {
  const strip = view.el("div", "hl-eg-tl");
  strip.setAttribute("role", "toolbar");
  strip.setAttribute("aria-label", STRIP_HINT);
  const tip = view.el("div", "hl-eg-tl-tip");
  tip.setAttribute("aria-hidden", "true");
  const dots = new Map<string, HTMLElement>();
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const p of data.timeline) {
    if (p.t < t0) t0 = p.t;
    if (p.t > t1) t1 = p.t;
  }
  const span = Math.max(t1 - t0, 1);
  // Time order for the keys (the payload's order is the alerts').
  const order = data.timeline.map((p, k) => ({ p, k })).sort((a, b) => a.p.t - b.p.t || a.k - b.k).map(({ p }) => p);
  const buttons: HTMLButtonElement[] = [];
  const showTip = (dot: HTMLElement, text: string): void => {
    tip.textContent = text;
    tip.style.display = "block";
    // Centred on the dot but kept inside the strip: centred with a CSS shift, the first and last alerts' tips ran off
    // the strip's ends, their start cut off at the left (and past the view, under the side panel, at the right).
    const half = tip.offsetWidth / 2;
    const at = dot.offsetLeft + dot.offsetWidth / 2;
    tip.style.left = `${Math.max(0, Math.min(at - half, strip.clientWidth - tip.offsetWidth))}px`;
  };
  const hideTip = (): void => {
    tip.style.display = "none";
  };
  const fragment = document.createDocumentFragment();
  order.forEach((p, k) => {
    const dot = view.el("button", "hl-eg-tl-dot");
    dot.type = "button";
    dot.tabIndex = k === 0 ? 0 : -1;
    dot.style.left = `${2 + (96 * (p.t - t0)) / span}%`;
    // The label isolated: a Hebrew alert name took the time after it into its run, the date shown before the name.
    const text = `${shownValue(p.label)} ${p.when ?? new Date(p.t).toISOString()}`;
    dot.setAttribute("aria-label", text);
    dot.addEventListener("click", () => select(p.id));
    dot.addEventListener("mouseenter", () => showTip(dot, text));
    dot.addEventListener("focus", () => showTip(dot, text));
    dot.addEventListener("mouseleave", hideTip);
    dot.addEventListener("blur", hideTip);
    dot.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const to = e.key === "ArrowRight" ? k + 1 : e.key === "ArrowLeft" ? k - 1 : e.key === "Home" ? 0 : e.key === "End" ? order.length - 1 : -1;
      if (to < 0 || to >= order.length) return;
      e.preventDefault();
      dot.tabIndex = -1;
      buttons[to].tabIndex = 0;
      buttons[to].focus();
    });
    buttons.push(dot);
    dots.set(p.id, dot);
    fragment.appendChild(dot);
  });
  const start = view.el("span", "hl-eg-tl-axis", stripEnd(order[0], data.timeZone));
  start.style.left = "4px";
  const end = view.el("span", "hl-eg-tl-axis", stripEnd(order[order.length - 1], data.timeZone));
  end.style.right = "4px";
  strip.append(fragment, start, end, tip);
  return { strip, dots };
}

export const boot = defineView<EntityGraphData, Libs>(async (container: GraphContainer, data, libs, view) => {
  performance.mark("hl-eg:mount");
  const side = view.el("div", "hl-eg-side");
  const details = view.el("div", "hl-eg-details");
  details.appendChild(view.el("p", "hl-eg-hint", "Select a node to see its details."));
  side.append(legendPanel(data, view), details);
  const graphDiv = view.el("div", `hl-eg-graph${data.timeline.length ? " hl-eg-with-tl" : ""}`);
  container.append(graphDiv, side);

  const cy = await createGraph(libs.cytoscape, graphDiv, data);
  view.onUnmount(() => cy.destroy());
  performance.mark("hl-eg:cy");
  followContainerMoves(cy, graphDiv);
  container.huntlabCy = cy;
  container.setAttribute("data-node-count", String(cy.nodes().length));
  container.setAttribute("data-edge-count", String(cy.edges().length));

  const byId = new Map<string, GraphViewNode>();
  for (const n of data.nodes) byId.set(n.id, n);
  const fillDetails = detailsRenderer(details, byId, view);
  const labels = new LabelLayer(cy, data, container);
  labels.update();
  performance.mark("hl-eg:labels");
  let dots = new Map<string, HTMLElement>();
  const nodeIndex = new Map<string, number>();
  data.nodes.forEach((n, i) => nodeIndex.set(n.id, i));
  const say = liveStatus(view, container);
  const showDetails = (node: cytoscape.NodeSingular): void => {
    cy.elements().unselect();
    node.select();
    labels.select(nodeIndex.get(node.id()) ?? -1);
    fillDetails(node);
    for (const [id, dot] of dots) dot.classList.toggle("hl-sel", id === node.id());
    container.setAttribute("data-selected", node.id());
  };
  cy.on("tap", "node", (evt) => showDetails(evt.target as cytoscape.NodeSingular));
  const onKey = graphKeys(
    cy,
    data,
    (node, note) => {
      showDetails(node);
      const b = node.renderedBoundingBox({});
      if (b.x1 < 0 || b.y1 < 0 || b.x2 > cy.width() || b.y2 > cy.height()) cy.center(node);
      const d = byId.get(node.id());
      const links = node.connectedEdges().length;
      say(`${d?.label ?? node.id()}, ${d?.description ?? ""}, ${links} ${links === 1 ? "link" : "links"}; ${note}`);
    },
    () => {
      cy.elements().unselect();
      say("No node selected");
    },
  );
  // The nodes and edges without their labels: labels keep one size on screen, so a fit that took them in
  // came out smaller the further out the view was zoomed (1.5 after a fit at 1.5, 1.2 after one at 1.0).
  const fit = (): void => {
    const bb = cy.elements().boundingBox({ includeLabels: false, includeOverlays: false });
    const w = cy.width();
    const h = cy.height();
    if (!(bb.w > 0 || bb.h > 0)) return;
    const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min((w - 40) / Math.max(bb.w, 1), (h - 40) / Math.max(bb.h, 1))));
    cy.viewport({ zoom, pan: { x: (w - zoom * (bb.x1 + bb.x2)) / 2, y: (h - zoom * (bb.y1 + bb.y2)) / 2 } });
  };
  keyboardSurface(graphDiv, `${viewSummary(view) || "Entity graph"}: ${KEYS_HINT}, ${ZOOM_KEYS_HINT}`, (key) => graphZoomKey(cy, key, fit) || onKey(key));

  if (data.timeline.length) {
    const timeline = timelineStrip(data, view, (id) => {
      const node = cy.getElementById(id);
      if (!node.length || !node.isNode()) return;
      showDetails(node);
      cy.animate({ center: { eles: node } }, { duration: reducedMotion() ? 0 : 200 });
    });
    dots = timeline.dots;
    container.appendChild(timeline.strip);
  }
});
