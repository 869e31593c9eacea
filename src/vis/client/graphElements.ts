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

/** A node as the entity graph view receives it. */
export interface GraphViewNode {
  id: string;
  /** Full label (details heading). */
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
