/**
 * Live part of the alert–entity graph (../../entityGraph.ts): Cytoscape with
 * a legend, node details on selection and a timeline strip of the alerts.
 * Every piece of data reaches the page through textContent and attributes.
 */
import type cytoscape from "cytoscape";
import { forceLayoutFlat } from "../forceLayout";
import { edgeIndexPairs, ENTITY_GRAPH_LAYOUT, graphElements, type GraphViewEdge, type GraphViewNode, type NodeShape } from "../graphElements";
import { defineView, type ViewContext } from "../runtime";

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
}

/** What `EntityGraphView` sends. */
export interface EntityGraphData {
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
  legend: EntityGraphLegendEntry[];
  nodeSize: number;
  fontSize: number;
  /** `"precomputed"`: positions from Node; `"browser"`: lay out again here. */
  layout: "precomputed" | "browser";
  /** Empty when there is no timeline strip. */
  timeline: EntityGraphTimelinePoint[];
}

interface Libs {
  cytoscape: typeof cytoscape;
}

/** The live container, with the Cytoscape instance exposed for tests and debugging. */
type GraphContainer = HTMLElement & { huntlabCy?: cytoscape.Core };

// Big graphs: no labels until a node is selected (measuring thousands of labels dominates the first draw).
const BIG_GRAPH = 400;

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

function graphStyle(data: EntityGraphData, big: boolean): cytoscape.StylesheetJson {
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(color)",
        shape: "data(shape)" as cytoscape.Css.NodeShape,
        width: data.nodeSize,
        height: data.nodeSize,
        label: big ? "" : "data(short)",
        "font-size": data.fontSize,
        "text-valign": "bottom",
        "text-margin-y": 2,
        "text-wrap": "ellipsis",
        "text-max-width": "160",
        "border-width": 1,
        "border-color": "#333",
        "min-zoomed-font-size": 7,
        "text-outline-color": "#fff",
        "text-outline-width": 1,
      },
    },
    { selector: "node[?related]", style: { "border-style": "dashed", "border-width": 2 } },
    { selector: "edge", style: { width: 1, "line-color": "#999", "curve-style": "haystack", opacity: 0.8 } },
    { selector: "edge[relation = 'related alert']", style: { "line-style": "dashed", "curve-style": "straight" } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#E15759", label: "data(short)", "z-index": 10 } },
    { selector: "edge:selected", style: { "line-color": "#E15759", width: 2 } },
  ];
}

function createGraph(cy: typeof cytoscape, graphDiv: HTMLElement, data: EntityGraphData): cytoscape.Core {
  const positions = data.layout === "browser" ? forceLayoutFlat(data.nodes.length, edgeIndexPairs(data.nodes, data.edges), ENTITY_GRAPH_LAYOUT) : undefined;
  const elements = graphElements(data.nodes, data.edges, positions);
  const big = data.nodes.length > BIG_GRAPH;
  return cy({
    container: graphDiv,
    elements: elements as cytoscape.ElementsDefinition,
    layout: { name: "preset", fit: true, padding: 20 },
    minZoom: 0.05,
    maxZoom: 6,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    style: graphStyle(data, big),
  });
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

function utcMinute(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace("T", " ");
}

/** The strip of alerts along time; a dot selects and centres its node. Returns the dots by node id. */
function timelineStrip(data: EntityGraphData, view: ViewContext, select: (id: string) => void): { strip: HTMLElement; dots: Map<string, HTMLElement> } {
  const strip = view.el("div", "hl-eg-tl");
  const dots = new Map<string, HTMLElement>();
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const p of data.timeline) {
    if (p.t < t0) t0 = p.t;
    if (p.t > t1) t1 = p.t;
  }
  const span = Math.max(t1 - t0, 1);
  const fragment = document.createDocumentFragment();
  for (const p of data.timeline) {
    const dot = view.el("div", "hl-eg-tl-dot");
    dot.style.left = `${2 + (96 * (p.t - t0)) / span}%`;
    dot.title = `${p.label} ${new Date(p.t).toISOString()}`;
    dot.addEventListener("click", () => select(p.id));
    dots.set(p.id, dot);
    fragment.appendChild(dot);
  }
  const start = view.el("span", "hl-eg-tl-axis", utcMinute(t0));
  start.style.left = "4px";
  const end = view.el("span", "hl-eg-tl-axis", utcMinute(t1));
  end.style.right = "4px";
  strip.append(fragment, start, end);
  return { strip, dots };
}

export const boot = defineView<EntityGraphData, Libs>((container: GraphContainer, data, libs, view) => {
  const side = view.el("div", "hl-eg-side");
  const details = view.el("div", "hl-eg-details");
  details.appendChild(view.el("p", "hl-eg-hint", "Select a node to see its details."));
  side.append(legendPanel(data, view), details);
  const graphDiv = view.el("div", `hl-eg-graph${data.timeline.length ? " hl-eg-with-tl" : ""}`);
  container.append(graphDiv, side);

  const cy = createGraph(libs.cytoscape, graphDiv, data);
  container.huntlabCy = cy;
  container.setAttribute("data-node-count", String(cy.nodes().length));
  container.setAttribute("data-edge-count", String(cy.edges().length));

  const byId = new Map<string, GraphViewNode>();
  for (const n of data.nodes) byId.set(n.id, n);
  const fillDetails = detailsRenderer(details, byId, view);
  let dots = new Map<string, HTMLElement>();
  const showDetails = (node: cytoscape.NodeSingular): void => {
    cy.elements().unselect();
    node.select();
    fillDetails(node);
    for (const [id, dot] of dots) dot.classList.toggle("hl-sel", id === node.id());
    container.setAttribute("data-selected", node.id());
  };
  cy.on("tap", "node", (evt) => showDetails(evt.target as cytoscape.NodeSingular));

  if (data.timeline.length) {
    const timeline = timelineStrip(data, view, (id) => {
      const node = cy.getElementById(id);
      if (!node.length || !node.isNode()) return;
      showDetails(node);
      cy.animate({ center: { eles: node } }, { duration: 200 });
    });
    dots = timeline.dots;
    container.appendChild(timeline.strip);
  }
});
