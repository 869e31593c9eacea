/**
 * The alert–entity graph model: a plain typed, undirected graph of alerts and
 * the entities they name, after MSTICPy's `create_alert_graph`,
 * `add_related_alerts` and `EntityGraph` (which use networkx).
 *
 * Deliberate differences from MSTICPy (its notes §12/§14):
 * - Alerts are keyed by `SystemAlertId`, not by name/type: MSTICPy merges
 *   same-named alerts into one node (the lab's 30 "SSH Anomalous Login ML"
 *   alerts become one), and `add_related_alerts` keys by `AlertType + "(R)"`.
 * - Entities are keyed by identity (`Entity.key`: host names and file paths
 *   ignore case, accounts by domain and name, processes by host + pid + image),
 *   so the same host in two alerts is one node. An account without a domain
 *   joins the one account of its name with a domain ({@link accountJoins}),
 *   decided again at each call and undone when a second domain comes.
 * - `addRelatedAlerts` links a related alert to every entity it shares with
 *   the graph; an alert that shares nothing is left out (MSTICPy links it to
 *   the first alert's host, which draws a relation that is not there).
 * - Sentinel's `alerts` entities (an incident's list of alerts) become edges
 *   to those alerts' nodes.
 */
import { inspect } from "node:util";
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import { closestNames } from "../common/errors";
import { cutText } from "../common/cutText";
import { revealHidden } from "../common/hiddenChars";
import { GraphError, visMessages as msg } from "./messages";
import { notAFrameText } from "../common/notAFrame";
import { checkOptionTypes, type OptionTypesOf } from "./options";
import { isDataFrame } from "../common/frames";
import { Entity, formatEntityValue } from "../entities/entity";
import { SecurityAlert } from "../entities/securityAlert";
import { Alert, Host } from "../entities/types";
import { compareText } from "../common/textOrder";

export { GraphError } from "./messages";

/** What a node stands for. */
export type GraphNodeKind = "alert" | "incident" | "entity" | "note";

/** A node of the graph. */
export interface GraphNode {
  /** Unique key: `alert:<SystemAlertId>`, an entity's `key`, `note:<name>`. */
  id: string;
  kind: GraphNodeKind;
  /** Entity type (`host`, `ip`…), `alert`, `incident` or `analystnote`. */
  type: string;
  /** Short label (`Alert: …`, an address, a host name). */
  label: string;
  /** One-line description. */
  description: string;
  /** Alert start time / entity time, when known. */
  time?: Date;
  endTime?: Date;
  /** Alert severity. */
  severity?: string;
  /** Details shown on selection: property → text. */
  properties: Record<string, string>;
  /** True for alerts added by `addRelatedAlerts`. */
  related?: boolean;
  /** Alerts merged into this node by {@link mergeAlertsByType} (absent for a single alert). */
  count?: number;
}

/** An undirected edge. */
export interface GraphEdge {
  /** `source|target` with the ids in sorted order. */
  id: string;
  source: string;
  target: string;
  /** Why the nodes are linked: `entity`, a property name (`ImageFile`, `Account`…), `related alert`, `incident`, `note`, `link`. */
  relation: string;
  /** Edges merged into this one by {@link mergeAlertsByType} (absent for a single edge). */
  count?: number;
}

/**
 * Data of a Cytoscape node. Only these fields: Cytoscape reads some data keys
 * (`parent` nests nodes, `source`/`target` wire edges), so entity properties
 * stay inside `properties` and can never be taken for one of them.
 */
export interface CytoscapeNodeData {
  id: string;
  label: string;
  type: string;
  kind: GraphNodeKind;
  description: string;
  /** ISO times. */
  time?: string;
  endTime?: string;
  severity?: string;
  related?: boolean;
  /** The node's details: property → text. */
  properties: Record<string, string>;
}

/** Cytoscape's elements JSON. */
export interface CytoscapeElements {
  nodes: { data: CytoscapeNodeData }[];
  edges: { data: { id: string; source: string; target: string; relation: string } }[];
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/**
 * Text and attribute values of the GraphML export. An export file, not a page:
 * values are escaped but kept exactly (no revealing of invisible characters as
 * the `html` template does), so the graph reads back as it was.
 */
function escapeXml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => XML_ESCAPES[ch]);
}

function edgeId(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Node properties of an entity: its set properties as text (entities as `type: name`). */
function entityProperties(entity: Entity): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entity.properties())) {
    if (k === "Type") continue;
    const text = v instanceof Entity ? `${v.Type}: ${v.nameStr}` : formatEntityValue(v);
    if (text !== "") out[k] = text;
  }
  return out;
}

/** The graph node of an entity. */
export function entityNode(entity: Entity): GraphNode {
  if (entity instanceof Alert) {
    return {
      id: entity.key,
      kind: "alert",
      type: "alert",
      label: entity.nameStr,
      description: `${entity.nameStr} (${entity.Severity ?? "?"})`,
      time: entity.StartTimeUtc,
      endTime: entity.EndTimeUtc,
      severity: entity.Severity,
      properties: entityProperties(entity),
    };
  }
  const time = (entity as unknown as { TimeGenerated?: unknown; CreationTimeUtc?: unknown; StartTimeUtc?: unknown });
  const t = [time.TimeGenerated, time.CreationTimeUtc, time.StartTimeUtc].find((v): v is Date => v instanceof Date);
  return {
    id: entity.key,
    kind: "entity",
    type: entity.Type.toLowerCase(),
    label: entity.nameStr,
    description: entity.description,
    time: t,
    properties: entityProperties(entity),
  };
}

/** The graph node of an alert. */
export function alertNode(alert: SecurityAlert): GraphNode {
  const isIncident = String(alert.row.IsIncident ?? "").toLowerCase() === "true";
  const properties: Record<string, string> = {};
  const add = (k: string, v: unknown): void => {
    const text = formatEntityValue(v);
    if (text !== "") properties[k] = text;
  };
  add("AlertDisplayName", alert.AlertDisplayName);
  add("Severity", alert.Severity);
  add("Description", alert.Description);
  add("StartTimeUtc", alert.StartTimeUtc);
  add("EndTimeUtc", alert.EndTimeUtc);
  add("TimeGenerated", alert.TimeGenerated);
  add("ProviderName", alert.ProviderName);
  add("AlertType", alert.AlertType);
  add("CompromisedEntity", alert.CompromisedEntity);
  add("SystemAlertId", alert.SystemAlertId);
  // Alert data is untrusted: JSON that did not parse is said on the node, not left as an alert without entities.
  if (alert.parseErrors.length) add("ParseErrors", alert.parseErrors.join("; "));
  return {
    id: `alert:${alert.id.toLowerCase()}`,
    kind: isIncident ? "incident" : "alert",
    type: isIncident ? "incident" : "alert",
    label: alert.nameStr,
    description: `${alert.nameStr} (${alert.Severity || "?"})`,
    time: alert.StartTimeUtc ?? alert.TimeGenerated,
    endTime: alert.EndTimeUtc,
    severity: alert.Severity || undefined,
    properties,
  };
}

/**
 * Account keys without a domain (`account:bob`) → the one account key of that
 * name with a domain (`account:fabrikam\bob`) among `keys`. A name with two
 * domains joins nothing: the local Administrators of two machines are no link.
 */
export function accountJoins(keys: Iterable<string>): Map<string, string> {
  const domains = new Map<string, Set<string>>();
  for (const key of keys) {
    const bare = bareAccountKey(key);
    if (bare === undefined) continue;
    if (!domains.has(bare)) domains.set(bare, new Set());
    domains.get(bare)!.add(key);
  }
  const joins = new Map<string, string>();
  for (const [bare, qualified] of domains) if (qualified.size === 1) joins.set(bare, [...qualified][0]);
  return joins;
}

/** `account:name` for an account key with a domain (`account:fabrikam\\name`), else undefined. */
function bareAccountKey(key: string): string | undefined {
  const name = /^account:[^\\:]+\\(.+)$/.exec(key)?.[1];
  return name === undefined ? undefined : `account:${name}`;
}

/**
 * Merges `node` into `existing` (the node of the same id): missing fields and
 * properties are filled in, and a full alert replaces a bare reference to it.
 */
function mergeNode(existing: GraphNode, node: GraphNode): GraphNode {
  for (const [k, v] of Object.entries(node.properties)) if (!(k in existing.properties)) existing.properties[k] = v;
  existing.time ??= node.time;
  existing.endTime ??= node.endTime;
  existing.severity ??= node.severity;
  if (node.kind === "incident") {
    existing.kind = "incident";
    existing.type = "incident";
  }
  if (existing.related && node.related === false) existing.related = false;
  return existing;
}

/**
 * A typed undirected graph of alerts, entities and notes.
 *
 * The graph keeps what was added (its "raw" nodes and edges) apart from the
 * account joins ({@link joinAccounts}): an account node without a domain that
 * is joined is hidden and its edges are read as edges of the account it
 * joined. A join is a mapping, not a rewrite, so it can be undone: the graph
 * of alerts added one call at a time is the graph of the same alerts added
 * together.
 */
export class AlertGraph {
  /** Nodes as added (merged by id), in insertion order; joined accounts included. */
  private readonly nodeMap = new Map<string, GraphNode>();
  /** Edges as added, between the ids given (a joined account's own edges included). */
  private readonly edgeMap = new Map<string, GraphEdge>();
  /** Node id → ids of its edges in {@link edgeMap}: a join or a removal touches one node's edges, not all of them. */
  private readonly adjacency = new Map<string, Set<string>>();
  /** Account keys without a domain that are joined → the account key they joined. */
  private readonly joins = new Map<string, string>();
  /** The edges seen (between ids after the joins) → how many of {@link edgeMap}'s edges stand for each. */
  private readonly joinedEdges = new Map<string, number>();
  /** Nodes of alert rows (not alerts an entity refers to), however the alerts are keyed. */
  private readonly alertRows = new Set<string>();
  /** Alerts merged into an `alerts:` node by {@link mergeAlertsByType}: in the graph without a node of their own. */
  private readonly mergedAlerts = new Set<string>();
  /**
   * The account keys with a domain in the graph by their key without one
   * (`account:bob` → `account:fabrikam\\bob`), and the account keys that may
   * join or part since the last {@link joinAccounts} (new accounts, names that
   * gained or lost a domain): a join over every key on each `addEntity` was
   * quadratic (8,000 accounts: 35 s).
   */
  private readonly accountDomains = new Map<string, Set<string>>();
  private readonly accountsToJoin = new Set<string>();

  /** Whether `id` is the node of an alert row added with its entities ({@link addAlertWithEntities}). */
  isAlertRow(id: string): boolean {
    return this.alertRows.has(id);
  }

  /** Whether the alert node `id` was merged into an `alerts:` node ({@link mergeAlertsByType}). */
  isMergedAlert(id: string): boolean {
    return this.mergedAlerts.has(id);
  }

  /** Marks the alert node `id` as merged into an `alerts:` node. */
  markMergedAlert(id: string): void {
    this.mergedAlerts.add(id);
  }

  /** Takes `from`'s alert-row and merged-alert marks (a graph derived from it). */
  keepMarks(from: AlertGraph): void {
    for (const id of from.alertRows) this.alertRows.add(id);
    for (const id of from.mergedAlerts) this.mergedAlerts.add(id);
  }

  /** Marks `id` as an alert row's node. */
  markAlertRow(id: string): void {
    this.alertRows.add(id);
  }

  /**
   * Joins each account node without a domain into the one account node of its
   * name with a domain ({@link accountJoins}): it is no node of its own, its
   * edges are that account's. Called once the alerts given together are in
   * (`createAlertGraph`, and each `EntityGraph` `addIncident` / `addEntity`
   * call). The join is decided again for every name whose accounts changed
   * since the last call: when a later call brings a second domain of a name
   * already joined, the account without a domain parts again with its own
   * edges, exactly as if the alerts had been added together; when a domain is
   * removed and one is left, it joins. `addRelatedAlerts` decides the same way
   * from the graph and its alerts. Linear in the edges of the names touched.
   */
  joinAccounts(): void {
    // Joining or parting a key with a backslash in its name changes the candidates of a shorter name: queued, this loop visits it too.
    for (const bare of this.accountsToJoin) {
      this.accountsToJoin.delete(bare);
      const target = this.joinTarget(bare);
      if (target === this.joins.get(bare)) continue;
      if (target !== undefined) {
        // A key that joins another takes no joins itself (no chains): the name it held parts and is decided again.
        const held = bareAccountKey(bare);
        if (held !== undefined && this.joins.get(held) === bare) {
          this.setJoin(held, undefined);
          this.accountsToJoin.add(held);
        }
      }
      this.setJoin(bare, target);
      const shorter = bareAccountKey(bare);
      if (shorter !== undefined) this.accountsToJoin.add(shorter);
    }
  }

  /** The account key `bare` joins now: the one key of its name with a domain that is itself no joined key, if it is a node. */
  private joinTarget(bare: string): string | undefined {
    if (!this.nodeMap.has(bare)) return undefined;
    let target: string | undefined;
    for (const key of this.accountDomains.get(bare) ?? []) {
      if (this.joins.has(key)) continue;
      if (target !== undefined) return undefined;
      target = key;
    }
    return target;
  }

  /** Joins `bare` to `target` (or parts it), moving the count of each of its edges to the edge it now stands for. */
  private setJoin(bare: string, target: string | undefined): void {
    const own = [...(this.adjacency.get(bare) ?? [])].map((id) => this.edgeMap.get(id)!);
    for (const e of own) this.countEdge(e, -1);
    if (target === undefined) this.joins.delete(bare);
    else this.joins.set(bare, target);
    for (const e of own) this.countEdge(e, 1);
  }

  /** The id a node is seen as: the account it joined, else itself. */
  private seen(id: string): string {
    return this.joins.get(id) ?? id;
  }

  /** The ids seen as `id`: itself and the account without a domain joined to it. */
  private group(id: string): string[] {
    const bare = bareAccountKey(id);
    return bare !== undefined && this.joins.get(bare) === id ? [id, bare] : [id];
  }

  /** Adds `delta` to the count of the edge `e` stands for after the joins (none when they make it a self-loop). */
  private countEdge(e: GraphEdge, delta: number): void {
    const a = this.seen(e.source);
    const b = this.seen(e.target);
    if (a === b) return;
    const id = edgeId(a, b);
    const count = (this.joinedEdges.get(id) ?? 0) + delta;
    if (count > 0) this.joinedEdges.set(id, count);
    else this.joinedEdges.delete(id);
  }

  /** Keeps {@link accountDomains} and {@link accountsToJoin} up to date when the account node `key` comes or goes. */
  private noteAccount(key: string, present: boolean): void {
    if (!key.startsWith("account:")) return;
    this.accountsToJoin.add(key);
    const bare = bareAccountKey(key);
    if (bare === undefined) return;
    this.accountsToJoin.add(bare);
    const domains = this.accountDomains.get(bare) ?? new Set();
    if (present) this.accountDomains.set(bare, domains.add(key));
    else if (domains.delete(key) && domains.size === 0) this.accountDomains.delete(bare);
  }

  /** A node as seen: with what the account joined to it fills in (a copy then). */
  private seenNode(node: GraphNode): GraphNode {
    const group = this.group(node.id);
    if (group.length === 1) return node;
    const merged = { ...node, properties: { ...node.properties } };
    mergeNode(merged, this.nodeMap.get(group[1])!);
    return merged;
  }

  /** Nodes in insertion order (an account joined to another is not one). */
  get nodes(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const n of this.nodeMap.values()) if (!this.joins.has(n.id)) out.push(this.seenNode(n));
    return out;
  }

  /** Alert nodes whose `Entities` or `ExtendedProperties` JSON did not parse (their `ParseErrors` property says why). */
  get unreadableAlerts(): GraphNode[] {
    return this.nodes.filter((n) => n.properties.ParseErrors !== undefined);
  }

  /** Edges in insertion order (an edge of a joined account as the joined account's; edges the join makes one, once). */
  get edges(): GraphEdge[] {
    const out: GraphEdge[] = [];
    const done = new Set<string>();
    for (const e of this.edgeMap.values()) {
      const source = this.seen(e.source);
      const target = this.seen(e.target);
      if (source === target) continue;
      const id = edgeId(source, target);
      if (done.has(id)) continue;
      done.add(id);
      out.push(id === e.id ? e : { ...e, id, source, target });
    }
    return out;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.nodeMap.size - this.joins.size;
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.joinedEdges.size;
  }

  /** True when the graph has a node of this id. */
  hasNode(id: string): boolean {
    return this.nodeMap.has(id) && !this.joins.has(id);
  }

  /** The node of an id, or undefined when the graph has none. */
  getNode(id: string): GraphNode | undefined {
    const node = this.nodeMap.get(id);
    return node && !this.joins.has(id) ? this.seenNode(node) : undefined;
  }

  /**
   * Adds a node; when the id is there already the two are merged: missing
   * fields and properties are filled in, and a full alert replaces a bare
   * reference to it.
   */
  addNode(node: GraphNode): GraphNode {
    const existing = this.nodeMap.get(node.id);
    if (existing) return mergeNode(existing, node);
    const copy = { ...node, properties: { ...node.properties } };
    this.nodeMap.set(node.id, copy);
    this.noteAccount(node.id, true);
    return copy;
  }

  /** Adds an undirected edge (once; self-loops are ignored). Both nodes must exist. */
  addEdge(source: string, target: string, relation = "link"): GraphEdge | undefined {
    if (!this.nodeMap.has(source) || !this.nodeMap.has(target)) {
      const missing = [source, target].filter((id) => !this.nodeMap.has(id));
      throw new GraphError(msg.graphEdgeNodesMissing(missing));
    }
    if (source === target) return undefined;
    const id = edgeId(source, target);
    const existing = this.edgeMap.get(id);
    if (existing) return existing;
    const edge = { id, source, target, relation };
    this.edgeMap.set(id, edge);
    for (const end of [source, target]) {
      const ids = this.adjacency.get(end);
      if (ids) ids.add(id);
      else this.adjacency.set(end, new Set([id]));
    }
    this.countEdge(edge, 1);
    return edge;
  }

  /** True when an edge joins the two nodes (either order). */
  hasEdge(a: string, b: string): boolean {
    return this.joinedEdges.has(edgeId(this.seen(a), this.seen(b)));
  }

  /** Removes the edge between two nodes as seen (with the edges of accounts joined to them); false when there is none. */
  removeEdge(a: string, b: string): boolean {
    const target = this.seen(b);
    let removed = false;
    for (const id of this.group(this.seen(a))) {
      for (const edgeKey of [...(this.adjacency.get(id) ?? [])]) {
        const e = this.edgeMap.get(edgeKey)!;
        if (this.seen(e.source === id ? e.target : e.source) !== target) continue;
        this.deleteEdge(e);
        removed = true;
      }
    }
    return removed;
  }

  /** Deletes one edge of {@link edgeMap}. */
  private deleteEdge(e: GraphEdge): void {
    this.edgeMap.delete(e.id);
    this.adjacency.get(e.source)?.delete(e.id);
    this.adjacency.get(e.target)?.delete(e.id);
    this.countEdge(e, -1);
  }

  /** Removes a node and its edges (a node as seen: with the account joined to it). */
  removeNode(id: string): boolean {
    if (!this.nodeMap.has(id)) return false;
    const ids = this.joins.has(id) ? [id] : this.group(id);
    for (const n of ids) for (const edgeKey of [...(this.adjacency.get(n) ?? [])]) this.deleteEdge(this.edgeMap.get(edgeKey)!);
    for (const n of ids) {
      this.joins.delete(n);
      this.nodeMap.delete(n);
      this.adjacency.delete(n);
      this.noteAccount(n, false);
    }
    return true;
  }

  /** Ids of the nodes linked to `id`. */
  neighbors(id: string): string[] {
    const self = this.seen(id);
    const out = new Set<string>();
    for (const n of this.group(self)) {
      for (const edgeKey of this.adjacency.get(n) ?? []) {
        const e = this.edgeMap.get(edgeKey)!;
        const other = this.seen(e.source === n ? e.target : e.source);
        if (other !== self) out.add(other);
      }
    }
    return [...out];
  }

  /** Node count per type, most common first. */
  typeCounts(): [string, number][] {
    const counts = new Map<string, number>();
    for (const n of this.nodeMap.values()) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  }

  /**
   * The id of a node given by id or by label (exact, then case-insensitive);
   * a `GraphError` with suggestions when there is none or the label is ambiguous.
   */
  resolve(nameOrId: string): string {
    if (this.nodeMap.has(nameOrId)) return nameOrId;
    for (const match of [(n: GraphNode) => n.label === nameOrId, (n: GraphNode) => n.label.toLowerCase() === nameOrId.toLowerCase()]) {
      const found = this.nodes.filter(match);
      if (found.length === 1) return found[0].id;
      if (found.length > 1) throw new GraphError(msg.graphNodeAmbiguous(nameOrId, found.length, found.map((n) => n.id)));
    }
    const close = closestNames(nameOrId, this.nodes.map((n) => n.label).concat(this.nodes.map((n) => n.id)));
    throw new GraphError(msg.graphNodeMissing(nameOrId, close));
  }

  /** An independent copy. */
  copy(): AlertGraph {
    const g = new AlertGraph();
    for (const n of this.nodeMap.values()) g.nodeMap.set(n.id, { ...n, properties: { ...n.properties } });
    for (const e of this.edgeMap.values()) g.edgeMap.set(e.id, { ...e });
    for (const [id, edges] of this.adjacency) g.adjacency.set(id, new Set(edges));
    for (const [bare, target] of this.joins) g.joins.set(bare, target);
    for (const [id, count] of this.joinedEdges) g.joinedEdges.set(id, count);
    for (const [bare, domains] of this.accountDomains) g.accountDomains.set(bare, new Set(domains));
    for (const key of this.accountsToJoin) g.accountsToJoin.add(key);
    g.keepMarks(this);
    return g;
  }

  // One line: the default inspect printed every node and edge (40 kB for the lab's alerts).
  [inspect.custom](): string {
    const types = this.typeCounts();
    const shown = types.slice(0, 8).map(([t, n]) => `${n} ${revealHidden(cutText(t, 40))}`);
    return `AlertGraph(${this.nodeCount} nodes, ${this.edgeCount} edges${shown.length ? `: ${shown.join(", ")}${types.length > 8 ? ", …" : ""}` : ""})`;
  }

  /** The graph as plain data: its nodes and edges (what `JSON.stringify` writes). Its Maps would be written `{}`: a full graph looked empty. */
  toJSON(): { nodes: GraphNode[]; edges: GraphEdge[] } {
    return { nodes: this.nodes, edges: this.edges };
  }

  /** Cytoscape elements JSON (`cy.add(graph.toCytoscape())`). */
  toCytoscape(): CytoscapeElements {
    return {
      nodes: this.nodes.map((n) => {
        const data: CytoscapeNodeData = { id: n.id, label: n.label, type: n.type, kind: n.kind, description: n.description, properties: { ...n.properties } };
        if (n.time) data.time = n.time.toISOString();
        if (n.endTime) data.endTime = n.endTime.toISOString();
        if (n.severity) data.severity = n.severity;
        if (n.related) data.related = true;
        return { data };
      }),
      edges: this.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, relation: e.relation } })),
    };
  }

  /** GraphML (XML) with node `label`, `type`, `kind`, `description`, `time` and edge `relation` attributes. */
  toGraphML(): string {
    const attr = escapeXml;
    const keys = [
      `<key id="label" for="node" attr.name="label" attr.type="string"/>`,
      `<key id="type" for="node" attr.name="type" attr.type="string"/>`,
      `<key id="kind" for="node" attr.name="kind" attr.type="string"/>`,
      `<key id="description" for="node" attr.name="description" attr.type="string"/>`,
      `<key id="time" for="node" attr.name="time" attr.type="string"/>`,
      `<key id="relation" for="edge" attr.name="relation" attr.type="string"/>`,
    ];
    const nodes = this.nodes.map(
      (n) =>
        `<node id="${attr(n.id)}"><data key="label">${attr(n.label)}</data><data key="type">${attr(n.type)}</data><data key="kind">${attr(n.kind)}</data>` +
        `<data key="description">${attr(n.description)}</data>${n.time ? `<data key="time">${n.time.toISOString()}</data>` : ""}</node>`,
    );
    const edges = this.edges.map((e) => `<edge source="${attr(e.source)}" target="${attr(e.target)}"><data key="relation">${attr(e.relation)}</data></edge>`);
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<graphml xmlns="http://graphml.graphdrawing.org/xmlns">`,
      ...keys,
      `<graph id="AlertGraph" edgedefault="undirected">`,
      ...nodes,
      ...edges,
      `</graph>`,
      `</graphml>`,
    ].join("\n");
  }

  /** One row per node: Name, Description, Type, TimeGenerated, StartTime, EndTime (MSTICPy's `to_df`), plus Id. */
  toDataFrame(): DataFrame {
    const nodes = this.nodes;
    return pl.DataFrame([
      pl.Series("Id", nodes.map((n) => n.id), pl.Utf8),
      pl.Series("Name", nodes.map((n) => n.label), pl.Utf8),
      pl.Series("Description", nodes.map((n) => n.description), pl.Utf8),
      pl.Series("Type", nodes.map((n) => n.type), pl.Utf8),
      pl.Series("TimeGenerated", nodes.map((n) => n.time ?? null), pl.Datetime("ms")),
      pl.Series("StartTime", nodes.map((n) => n.time ?? null), pl.Datetime("ms")),
      pl.Series("EndTime", nodes.map((n) => n.endTime ?? null), pl.Datetime("ms")),
    ]);
  }
}

/**
 * Adds an alert and its entities: one node per entity (by key), an edge from an
 * entity to each entity it refers to (a process to its image file, parent and
 * account…), except references to hosts, which would make every host a hub;
 * and an edge from the alert to each entity no other entity of the alert refers to
 * (and to one entity of each reference cycle, which has no such entity).
 * Returns the alert's node id.
 */
export function addAlertWithEntities(graph: AlertGraph, alert: SecurityAlert, related = false): string {
  const alertId = graph.addNode({ ...alertNode(alert), related }).id;
  graph.markAlertRow(alertId);
  const entities = alert.allEntities();
  const referenced = new Set<Entity>();
  const children = new Map<Entity, Entity[]>();
  for (const entity of entities) {
    const node = graph.addNode(entityNode(entity));
    const own: Entity[] = [];
    for (const { property, entity: child } of entity.relations()) {
      if (child instanceof Host) continue;
      const childNode = graph.addNode(entityNode(child));
      graph.addEdge(node.id, childNode.id, property);
      referenced.add(child);
      own.push(child);
    }
    children.set(entity, own);
  }
  // Reached from the alert: the entities no other refers to, and what they refer to, transitively.
  const walk = (from: readonly Entity[], seen: Set<Entity>): Set<Entity> => {
    const stack = [...from];
    while (stack.length) {
      const e = stack.pop()!;
      if (seen.has(e)) continue;
      seen.add(e);
      // A loop, not push(...): an entity may refer to a data-sized number of others.
      for (const child of children.get(e) ?? []) stack.push(child);
    }
    return seen;
  };
  const reached = new Set<Entity>();
  const edgeTo = (entity: Entity) => {
    graph.addEdge(alertId, entity.key, entity instanceof Alert ? "incident" : "entity");
    walk([entity], reached);
  };
  for (const entity of entities) if (!referenced.has(entity)) edgeTo(entity);
  // Entities in a reference cycle ($ref to each other, a process its own parent) have no such root: the first of
  // each cycle gets the alert's edge, or the alert looked as if it had no entities. An entity outside the cycle
  // that a member refers to (its image file) is reached from that member.
  for (const entity of entities) {
    if (!reached.has(entity) && walk(children.get(entity) ?? [], new Set()).has(entity)) edgeTo(entity);
  }
  for (const entity of entities) if (!reached.has(entity)) edgeTo(entity);
  return alertId;
}

/**
 * The graph of one alert and its entities (MSTICPy's `create_alert_graph`).
 */
export function createAlertGraph(alert: SecurityAlert): AlertGraph {
  if (!(alert instanceof SecurityAlert)) throw new GraphError(msg.graphNotOneAlert(isDataFrame(alert)));
  const graph = new AlertGraph();
  addAlertWithEntities(graph, alert);
  graph.joinAccounts();
  return graph;
}

/** Options of {@link addRelatedAlerts}. */
export interface RelatedAlertsOptions {
  /** Also add alerts that share no entity with the graph, unlinked. Default false. */
  includeUnrelated?: boolean;
  /** Entity types that link alerts. Default: every type but `host-logon-session`, `geolocation` (a city every IP of it shares) and alert references. */
  linkTypes?: string[];
}

const RELATED_TYPES = { includeUnrelated: "boolean", linkTypes: "strings" } satisfies OptionTypesOf<RelatedAlertsOptions>;

/**
 * Alerts from a DataFrame, one alert or a list (internal helper shared with `EntityGraph`); `fn` names the caller
 * in errors. Every item of a list is checked: rows of `df.toRecords()` failed deep inside (`a.allEntities is not a function`).
 */
export function toAlerts(source: DataFrame | SecurityAlert[] | SecurityAlert, fn: string): SecurityAlert[] {
  if (source instanceof SecurityAlert) return [source];
  if (isDataFrame(source)) return SecurityAlert.fromDataFrame(source);
  if (!Array.isArray(source)) throw new GraphError(msg.graphNotAlerts(fn, notAFrameText(source)));
  const bad = (source as unknown[]).findIndex((a) => !(a instanceof SecurityAlert));
  if (bad >= 0) throw new GraphError(msg.graphAlertItem(fn, bad, notAFrameText(source[bad])));
  return source;
}

/**
 * A copy of `graph` with the alerts of `alerts` that share an entity with it
 * (host, account, IP, process, file…), each linked to those shared entity nodes
 * (MSTICPy's `add_related_alerts`). Alerts already in the graph are not added again.
 */
export function addRelatedAlerts(alerts: DataFrame | SecurityAlert[], graph: AlertGraph, options: RelatedAlertsOptions = {}): AlertGraph {
  checkOptionTypes(options, RELATED_TYPES, { view: "addRelatedAlerts", code: "vis/graph-option", error: (m) => new GraphError(m) });
  if (!(graph instanceof AlertGraph)) throw new GraphError(msg.graphNotAnAlertGraph("addRelatedAlerts"));
  const out = graph.copy();
  const linkTypes = options.linkTypes?.map((t) => t.toLowerCase());
  const links = (e: Entity): boolean => {
    const t = e.Type.toLowerCase();
    if (linkTypes) return linkTypes.includes(t);
    // A city is no shared entity: Sentinel puts a location on almost every IP, so it linked unrelated alerts.
    return t !== "host-logon-session" && t !== "geolocation" && t !== "location" && !(e instanceof Alert);
  };
  const list = toAlerts(alerts, "addRelatedAlerts");
  const entities = list.map((a) => a.allEntities().filter(links));
  // An account without a domain links the one account of its name with a domain (in the graph or these alerts), either way round.
  const joins = accountJoins([...graph.nodes.map((n) => n.id), ...entities.flat().map((e) => e.key)]);
  for (const [bare, qualified] of [...joins]) joins.set(qualified, bare);
  const isEntity = (key: string | undefined): key is string => key !== undefined && graph.getNode(key)?.kind === "entity";
  for (const [i, alert] of list.entries()) {
    const id = `alert:${alert.id.toLowerCase()}`;
    const present = graph.getNode(id);
    // The graph's own alert, keyed by SystemAlertId or otherwise (Defender XDR's AlertId): its entities linked it to itself.
    if (!present?.related && graph.isAlertRow(id)) continue;
    // Merged into an `alerts:` node (a row or a related alert), it is in the graph without a node of its own.
    if (!present && graph.isMergedAlert(id)) continue;
    const shared = [...new Set(entities[i].map((e) => (isEntity(e.key) ? e.key : joins.get(e.key))))].filter(isEntity);
    if (shared.length === 0 && !present && !options.includeUnrelated) continue;
    const node = out.addNode({ ...alertNode(alert), related: true });
    for (const key of shared) out.addEdge(key, node.id, "related alert");
  }
  return out;
}


const SEVERITY_RANK: Readonly<Record<string, number>> = { informational: 1, low: 2, medium: 3, high: 4 };

function highestSeverity(nodes: readonly GraphNode[]): string | undefined {
  let best: string | undefined;
  for (const n of nodes) {
    if (n.severity && (best === undefined || (SEVERITY_RANK[n.severity.toLowerCase()] ?? 0) > (SEVERITY_RANK[best.toLowerCase()] ?? 0))) best = n.severity;
  }
  return best;
}

/** The alert type a node merges under: its `AlertType`, else its name; related alerts apart, as MSTICPy keys them `AlertType(R)`. */
function mergeKey(node: GraphNode): string {
  const type = node.properties.AlertType || node.label;
  return `${node.related ? "related:" : ""}${type.toLowerCase()}`;
}

/** The node standing for the alerts of one type (two or more). */
function mergedAlertNode(key: string, members: readonly GraphNode[]): GraphNode {
  const first = members[0];
  const name = first.label.startsWith("Alert: ") ? first.label.slice(7) : first.label;
  let time: Date | undefined;
  let endTime: Date | undefined;
  for (const m of members) {
    if (m.time && (!time || m.time < time)) time = m.time;
    const end = m.endTime ?? m.time;
    if (end && (!endTime || end > endTime)) endTime = end;
  }
  const severity = highestSeverity(members);
  const ids = members.map((m) => m.properties.SystemAlertId ?? m.id);
  const properties: Record<string, string> = { AlertDisplayName: name, Alerts: String(members.length) };
  if (first.properties.AlertType) properties.AlertType = first.properties.AlertType;
  if (first.properties.ProviderName) properties.ProviderName = first.properties.ProviderName;
  properties.SystemAlertIds = ids.length > 20 ? `${ids.slice(0, 20).join(", ")}, … (${ids.length - 20} more)` : ids.join(", ");
  return {
    id: `alerts:${key}`,
    kind: "alert",
    type: "alert",
    label: `Alert: ${name} (${members.length})`,
    description: `${members.length} alerts: ${name} (${severity ?? "?"})`,
    time,
    endTime,
    severity,
    properties,
    related: first.related,
    count: members.length,
  };
}

/**
 * A copy of `graph` with one node per alert type (MSTICPy's merge of
 * same-type alerts, keyed on `AlertType`; related alerts apart): a type with
 * two or more alerts becomes one node whose label ends with the count, and
 * their edges are merged (an edge's `count` says how many it stands for;
 * edges between alerts of one type disappear). Incidents, entities and notes
 * are kept as they are.
 */
export function mergeAlertsByType(graph: AlertGraph): AlertGraph {
  const groups = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (n.kind !== "alert") continue;
    const key = mergeKey(n);
    const list = groups.get(key);
    if (list) list.push(n);
    else groups.set(key, [n]);
  }
  const target = new Map<string, string>();
  const out = new AlertGraph();
  // The alert rows and merged alerts stay known: addRelatedAlerts must not add them again.
  out.keepMarks(graph);
  for (const n of graph.nodes) {
    const members = n.kind === "alert" ? groups.get(mergeKey(n))! : undefined;
    if (!members || members.length === 1) {
      out.addNode(n);
      target.set(n.id, n.id);
    } else {
      const merged = members[0] === n ? out.addNode(mergedAlertNode(mergeKey(n), members)) : out.getNode(`alerts:${mergeKey(n)}`)!;
      target.set(n.id, merged.id);
      out.markMergedAlert(n.id);
    }
  }
  const counts = new Map<GraphEdge, number>();
  for (const e of graph.edges) {
    const edge = out.addEdge(target.get(e.source)!, target.get(e.target)!, e.relation);
    if (edge) counts.set(edge, (counts.get(edge) ?? 0) + (e.count ?? 1));
  }
  for (const [edge, count] of counts) if (count > 1) edge.count = count;
  return out;
}
