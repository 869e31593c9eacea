/**
 * Cytoscape elements of the entity graph, shared by the browser view and the
 * Node-side tests. Pure code (no DOM).
 *
 * Only the fields listed here go into Cytoscape element data. Cytoscape gives
 * meaning to some data keys (`parent` nests a node in another, `source` and
 * `target` wire edges, `id` names elements), so an entity property that
 * happened to be called `parent` must never become a data key: entity
 * properties travel separately, as the `details` rows of a node.
 */
import type { ForceLayoutOptions } from "./forceLayout";

/** Node shapes shared by the static image and Cytoscape. */
export type NodeShape = "ellipse" | "diamond" | "round-rectangle" | "rectangle" | "triangle" | "hexagon" | "octagon" | "star" | "tag";

/** The layout of entity graphs, in Node (static image, precomputed positions) and in the browser (`layout: "browser"`). */
export const ENTITY_GRAPH_LAYOUT: Readonly<ForceLayoutOptions> = { edgeLength: 60, seed: 7 };

/** A node as the entity graph view receives it: texts revealed and cut (`shownValue` in ../entityGraph.ts), a long id cut. */
export interface GraphViewNode {
  id: string;
  /** Label of the details heading (cut at 1,000 characters). */
  label: string;
  /** Label drawn next to the node (shortened). */
  short: string;
  type: string;
  color: string;
  shape: NodeShape;
  /** An alert added by `addRelatedAlerts` (dashed border). */
  related: boolean;
  description: string;
  /** Position from the Node-side layout. */
  x: number;
  y: number;
  /** Rows of the details table: name, text. */
  details: [string, string][];
}

/** An edge as the entity graph view receives it. */
export interface GraphViewEdge {
  id: string;
  source: string;
  target: string;
  relation: string;
}

/** Data of a Cytoscape node: the whitelist (nothing else from the data reaches Cytoscape). */
export type GraphNodeElementData = Pick<GraphViewNode, "id" | "label" | "short" | "type" | "color" | "shape" | "related">;

/** Data of a Cytoscape edge: the whitelist. */
export interface GraphEdgeElementData {
  id: string;
  source: string;
  target: string;
  relation: string;
}

/** Cytoscape's elements JSON for the entity graph. */
export interface GraphElements {
  nodes: { group: "nodes"; data: GraphNodeElementData; position: { x: number; y: number } }[];
  edges: { group: "edges"; data: GraphEdgeElementData }[];
}

/** The Cytoscape elements of a graph: whitelisted data only, positions from `positions` (flat `[x0, y0, …]`) or the nodes. */
export function graphElements(nodes: readonly GraphViewNode[], edges: readonly GraphViewEdge[], positions?: ArrayLike<number>): GraphElements {
  const outNodes: GraphElements["nodes"] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    outNodes[i] = {
      group: "nodes",
      data: { id: n.id, label: n.label, short: n.short, type: n.type, color: n.color, shape: n.shape, related: n.related },
      position: positions ? { x: positions[2 * i], y: positions[2 * i + 1] } : { x: n.x, y: n.y },
    };
  }
  const outEdges: GraphElements["edges"] = new Array(edges.length);
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    outEdges[i] = { group: "edges", data: { id: e.id, source: e.source, target: e.target, relation: e.relation } };
  }
  return { nodes: outNodes, edges: outEdges };
}

/** Edges as node index pairs, for the layout. */
export function edgeIndexPairs(nodes: readonly GraphViewNode[], edges: readonly GraphViewEdge[]): [number, number][] {
  const index = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) index.set(nodes[i].id, i);
  const pairs: [number, number][] = new Array(edges.length);
  for (let i = 0; i < edges.length; i++) pairs[i] = [index.get(edges[i].source)!, index.get(edges[i].target)!];
  return pairs;
}

// ---------------------------------------------------------------------------
// Which node labels to draw. A graph of more than a handful of nodes is
// unreadable when every label is drawn (the lab's 38-node graph is a pile of
// overlapping "SSH Anomalous Login ML"): both the live view and the static
// image draw the labels of the selected and hovered nodes and of the
// best-connected ones, a budget that grows as the view zooms in, and never two
// labels whose boxes intersect.

/** Labels drawn at fit zoom, besides the selected and hovered nodes. */
export const LABEL_BUDGET = 10;

/** From this many times the fit zoom on, every label that has room is drawn. */
export const ALL_LABELS_ZOOM = 3;

/** On-screen label size of the live view, in CSS pixels (Cytoscape's `min-zoomed-font-size` hides smaller ones). */
export const MIN_LABEL_PX = 8;

/** A label's box in one coordinate space (pixels of the image or of the screen). */
export interface LabelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Where a label sits next to its node, in the order they are tried. */
export const LABEL_PLACES = ["bottom", "right", "top", "left"] as const;
export type LabelPlace = (typeof LABEL_PLACES)[number];

/** A label to draw: the node and where its text goes. */
export interface PlacedLabel {
  node: number;
  place: LabelPlace;
}

/** Something a label must not cover: a node's body (never its own label's node). */
export interface LabelObstacle {
  node: number;
  box: LabelBox;
}

/**
 * The box of a `width` × `height` text placed at `place` around a node
 * centred at (x, y) with radius `r`, `gap` between the node and the text,
 * grown by `pad` on every side.
 */
export function labelBox(place: LabelPlace, x: number, y: number, r: number, width: number, height: number, gap: number, pad: number): LabelBox {
  switch (place) {
    case "bottom":
      return { x1: x - width / 2 - pad, x2: x + width / 2 + pad, y1: y + r + gap - pad, y2: y + r + gap + height + pad };
    case "top":
      return { x1: x - width / 2 - pad, x2: x + width / 2 + pad, y1: y - r - gap - height - pad, y2: y - r - gap + pad };
    case "right":
      return { x1: x + r + gap - pad, x2: x + r + gap + width + pad, y1: y - height / 2 - pad, y2: y + height / 2 + pad };
    case "left":
      return { x1: x - r - gap - width - pad, x2: x - r - gap + pad, y1: y - height / 2 - pad, y2: y + height / 2 + pad };
  }
}

/**
 * Node indices in label priority order: every distinct text once before any
 * repeat of it (thirty "SSH Anomalous Login ML" alerts add nothing after the
 * first), then degree (links), then input order.
 */
export function labelPriority(nodes: readonly Pick<GraphViewNode, "id" | "short">[], edges: readonly Pick<GraphViewEdge, "source" | "target">[]): Int32Array {
  const n = nodes.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(nodes[i].id, i);
  const degree = new Int32Array(n);
  for (const e of edges) {
    const a = index.get(e.source);
    const b = index.get(e.target);
    if (a !== undefined) degree[a]++;
    if (b !== undefined && b !== a) degree[b]++;
  }
  const byDegree = Array.from({ length: n }, (_, i) => i).sort((a, b) => degree[b] - degree[a] || a - b);
  const copy = new Int32Array(n);
  const seen = new Map<string, number>();
  for (const i of byDegree) {
    const k = seen.get(nodes[i].short) ?? 0;
    copy[i] = k;
    seen.set(nodes[i].short, k + 1);
  }
  const repeat = (i: number): number => (copy[i] > 0 ? 1 : 0);
  return Int32Array.from(byDegree.sort((a, b) => repeat(a) - repeat(b) || degree[b] - degree[a] || a - b));
}

/** How many labels (besides selected and hovered) at `zoomRatio` times the fit zoom: grows with the area zoomed into. */
export function labelBudget(zoomRatio: number, base = LABEL_BUDGET): number {
  if (!(zoomRatio < ALL_LABELS_ZOOM)) return Infinity;
  return Math.max(base, Math.round(base * zoomRatio * zoomRatio));
}

function intersects(a: LabelBox, b: LabelBox): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/** Boxes in a uniform grid, so each check looks at a few neighbours only; each box belongs to a node. */
class BoxGrid {
  private readonly cells = new Map<string, { box: LabelBox; owner: number }[]>();
  constructor(private readonly cell: number) {}

  private keys(b: LabelBox): string[] {
    const out: string[] = [];
    for (let gx = Math.floor(b.x1 / this.cell); gx <= Math.floor(b.x2 / this.cell); gx++) {
      for (let gy = Math.floor(b.y1 / this.cell); gy <= Math.floor(b.y2 / this.cell); gy++) out.push(`${gx},${gy}`);
    }
    return out;
  }

  /** Whether `b` intersects a box not owned by `except`. */
  hits(b: LabelBox, except = -1): boolean {
    for (const k of this.keys(b)) for (const o of this.cells.get(k) ?? []) if (o.owner !== except && intersects(b, o.box)) return true;
    return false;
  }

  add(box: LabelBox, owner: number): void {
    const entry = { box, owner };
    for (const k of this.keys(box)) {
      const list = this.cells.get(k);
      if (list) list.push(entry);
      else this.cells.set(k, [entry]);
    }
  }
}

/** What a label must keep clear of, besides other labels. */
export interface LabelRoom {
  /** Node bodies: labels go around them where they can. */
  obstacles?: readonly LabelObstacle[];
  /** Labels lie inside this box (the image, the view). */
  bounds?: LabelBox;
  /**
   * This many labels (after the forced ones; the best-linked) may cover node
   * bodies when no place is clear of them; the rest need a clear place.
   * Default 0.
   */
  mayCover?: number;
}

/** How many of the `labels` best-linked nodes may have their label over other nodes when nothing else is free (hubs sit in crowds). */
export function coverableLabels(labels: number): number {
  return Math.ceil(labels / 2);
}

function inside(b: LabelBox, bounds: LabelBox | undefined): boolean {
  return !bounds || (b.x1 >= bounds.x1 && b.y1 >= bounds.y1 && b.x2 <= bounds.x2 && b.y2 <= bounds.y2);
}

/**
 * The labels to draw: every `forced` one (selected, then hovered: at the
 * first place clear of other labels, else below), then nodes in `order` while
 * fewer than `budget` are taken, each at the first of its places
 * (`boxesOf(i)`, in {@link LABEL_PLACES} order; `null` when the node is out of
 * view) whose box lies in the bounds and intersects no label taken and no
 * node body but its own (the first `room.mayCover` may cover bodies when
 * nothing else is left). Two labels never intersect, forced ones aside.
 * Forced labels come first in the result.
 */
export function chooseLabels(
  order: ArrayLike<number>,
  forced: readonly number[],
  budget: number,
  boxesOf: (i: number) => readonly LabelBox[] | null,
  room: LabelRoom = {},
): PlacedLabel[] {
  const labels = new BoxGrid(96);
  const bodies = new BoxGrid(96);
  for (const o of room.obstacles ?? []) bodies.add(o.box, o.node);
  const chosen: PlacedLabel[] = [];
  const taken = new Set<number>();
  for (const i of forced) {
    if (taken.has(i)) continue;
    taken.add(i);
    const boxes = boxesOf(i);
    if (!boxes) {
      chosen.push({ node: i, place: LABEL_PLACES[0] });
      continue;
    }
    const at = Math.max(0, boxes.findIndex((b) => !labels.hits(b)));
    labels.add(boxes[at], i);
    chosen.push({ node: i, place: LABEL_PLACES[at] });
  }
  const mayCover = room.mayCover ?? 0;
  let count = 0;
  for (let k = 0; k < order.length && count < budget; k++) {
    const i = order[k];
    if (taken.has(i)) continue;
    const boxes = boxesOf(i);
    if (!boxes) continue;
    const open = (b: LabelBox): boolean => inside(b, room.bounds) && !labels.hits(b);
    let at = boxes.findIndex((b) => open(b) && !bodies.hits(b, i));
    if (at < 0 && count < mayCover) at = boxes.findIndex(open);
    if (at < 0) continue;
    labels.add(boxes[at], i);
    taken.add(i);
    chosen.push({ node: i, place: LABEL_PLACES[at] });
    count++;
  }
  return chosen;
}

/** A character a fallback font draws an em wide: Hangul, CJK, kana, full-width forms, emoji. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

/**
 * Width of a text in DejaVu Sans (the static image's font) at `fontSize`,
 * slightly over: per-character classes, as Node has no font metrics.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    // East Asian wide characters and emoji take a whole em in the fallback fonts (0.8 was under: labels overran).
    if (WIDE.test(ch)) em += 1.0;
    else if (/[iljtfI.,:;!|'()[\] ]/.test(ch)) em += 0.36;
    else if (/[mwMW@%]/.test(ch)) em += 1.0;
    else if (/[A-Z]/.test(ch)) em += 0.77;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else if (/[a-z]/.test(ch)) em += 0.62;
    else em += 0.8;
  }
  return em * fontSize;
}
