/**
 * Live part of the process tree (../../processTree.ts): Cytoscape with dagre's
 * top-down layout, folding subtrees, hover text, a details panel and the
 * optional linked table. Data text reaches the DOM as textContent, revealed
 * (`revealHidden`) so bidi overrides cannot disguise a command line.
 */
import type cytoscape from "cytoscape";
import { defineView, type ViewContext } from "../runtime";
import { Folding } from "../processTreeFolding";
import { detailFields, nodeLabel, tableCells, tooltipText, type ProcessNode } from "../processTreeText";
import { revealHidden } from "../text";

export type { ProcessNode };

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
}

/** What `plotProcessTree` sends. */
export interface ProcessTreeData {
  nodes: ProcessNode[];
  /** Child positions of each process, in data (time) order. */
  children: number[][];
  legend: LegendEntry[];
  legendTitle: string;
  /** The `legendCol` option: the table gets its column. */
  legendCol: string | null;
  /** Processes open at first. */
  expanded: number[];
  showTable: boolean;
  tableColumns: string[];
  /** Above this many processes "Expand all" is disabled. */
  maxExpandAll: number;
}

interface Libs {
  cytoscape: typeof cytoscape;
}

/** Reached as `root.huntlabProcessTree` (browser tests drive the view through it). */
export interface ProcessTreeApi {
  cy: cytoscape.Core;
  select(i: number, fromTable?: boolean): void;
  setExpanded(i: number, open: boolean): void;
  nodes: ProcessNode[];
}

/** The elements of the view. */
interface Parts {
  wrap: HTMLDivElement;
  bar: HTMLDivElement;
  box: HTMLDivElement;
  side: HTMLDivElement;
  tip: HTMLDivElement;
  details: HTMLDivElement;
  count: HTMLSpanElement;
}

const DETAILS_HINT = "Click a process for its details; double-click to open or close its subtree.";

function skeleton(container: HTMLElement, view: ViewContext): Parts {
  const parts: Parts = {
    wrap: view.el("div", "hl-pt-wrap"),
    bar: view.el("div", "hl-pt-bar"),
    box: view.el("div", "hl-pt-cy"),
    side: view.el("div", "hl-pt-side"),
    tip: view.el("div", "hl-pt-tip"),
    details: view.el("div", "hl-pt-details", DETAILS_HINT),
    count: view.el("span", "hl-pt-count"),
  };
  const main = view.el("div", "hl-pt-main");
  main.append(parts.box, parts.side);
  parts.box.appendChild(parts.tip);
  parts.wrap.append(parts.bar, main);
  container.appendChild(parts.wrap);
  return parts;
}

function legendPanel(data: ProcessTreeData, view: ViewContext): HTMLElement {
  const panel = view.el("div", "hl-pt-legend");
  panel.appendChild(view.el("b", undefined, revealHidden(data.legendTitle)));
  for (const entry of data.legend) {
    const row = view.el("div", "hl-pt-legend-row");
    const swatch = view.el("span", "hl-pt-swatch");
    swatch.style.background = entry.color;
    row.append(swatch, view.el("span", undefined, revealHidden(entry.label)));
    panel.appendChild(row);
  }
  return panel;
}

const GRAPH_STYLE: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: "label",
      height: 30,
      padding: "6px",
      "background-color": "data(k)",
      "border-width": 1,
      "border-color": "#333",
      label: "data(label)",
      "text-wrap": "wrap",
      "text-valign": "center",
      "text-halign": "center",
      "font-size": 10,
      color: "data(ink)",
    },
  },
  { selector: "node[x = 1]", style: { "border-style": "dashed" } },
  { selector: "node.collapsed", style: { "border-width": 3 } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#d62728", "overlay-opacity": 0 } },
  { selector: "edge", style: { width: 1, "line-color": "#999", "target-arrow-shape": "triangle", "target-arrow-color": "#999", "curve-style": "bezier", "arrow-scale": 0.7 } },
] as cytoscape.StylesheetJson;

/** Text colour that reads on a box colour (the static image uses the same rule). */
function ink(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lum = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  return lum > 0.6 ? "#111" : "#fff";
}

/** dagre's options (the cytoscape types know only the built-in layouts). */
function dagreLayout(fit: boolean): cytoscape.LayoutOptions {
  const options = { name: "dagre", rankDir: "TB", nodeSep: 12, rankSep: 40, animate: false, fit };
  return options as unknown as cytoscape.LayoutOptions;
}

/** The graph, folding state, selection and table of one output. */
class LiveTree {
  readonly folding: Folding;
  private readonly nodes: ProcessNode[];
  /** Processes in the graph now (1). */
  private readonly shown: Uint8Array;
  private rows: HTMLTableRowElement[] | null = null;
  private selectedRow: HTMLTableRowElement | null = null;

  constructor(
    private readonly data: ProcessTreeData,
    private readonly view: ViewContext,
    private readonly container: HTMLElement,
    private readonly parts: Parts,
    readonly cy: cytoscape.Core,
  ) {
    this.nodes = data.nodes;
    this.folding = new Folding(data, data.expanded);
    this.shown = new Uint8Array(data.nodes.length);
  }

  /** Brings the graph to the visible set; centres on `focus`, or fits the whole tree. */
  render(focus?: number): void {
    const want = this.folding.visible();
    const keep = new Uint8Array(this.nodes.length);
    for (const i of want) keep[i] = 1;
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        const i = Number(n.id());
        if (!keep[i]) {
          n.remove();
          this.shown[i] = 0;
        }
      });
      this.cy.add(this.additions(want, keep));
      for (const i of want) {
        const el = this.cy.getElementById(String(i));
        el.data("label", nodeLabel(this.nodes[i], this.folding.hiddenChildren(i)));
        if (this.folding.hiddenChildren(i)) el.addClass("collapsed");
        else el.removeClass("collapsed");
      }
    });
    this.cy.layout(dagreLayout(focus === undefined)).run();
    if (focus !== undefined) this.cy.center(this.cy.getElementById(String(focus)));
    this.parts.count.textContent = `${want.length} of ${this.nodes.length} processes shown`;
    this.container.setAttribute("data-visible-nodes", String(want.length));
  }

  /** New nodes and edges for the visible set. */
  private additions(want: number[], keep: Uint8Array): cytoscape.ElementDefinition[] {
    const add: cytoscape.ElementDefinition[] = [];
    for (const i of want) {
      if (this.shown[i]) continue;
      this.shown[i] = 1;
      const n = this.nodes[i];
      add.push({ group: "nodes", data: { id: String(i), label: nodeLabel(n, this.folding.hiddenChildren(i)), k: n.k, ink: ink(n.k), x: n.x } });
    }
    // Edges last-first: dagre then lays siblings out left to right in time order.
    for (let w = want.length - 1; w >= 0; w -= 1) {
      const i = want[w];
      const p = this.nodes[i].p;
      if (p >= 0 && keep[p] && this.cy.getElementById(`e${i}`).empty()) add.push({ group: "edges", data: { id: `e${i}`, source: String(p), target: String(i) } });
    }
    return add;
  }

  setExpanded(i: number, open: boolean): void {
    if (!this.folding.set(i, open)) return;
    this.render(i);
    this.showDetails(i);
  }

  select(i: number, fromTable = false): void {
    if (this.folding.openAncestors(i)) this.render(i);
    this.cy.$(":selected").unselect();
    this.cy.getElementById(String(i)).select();
    this.showDetails(i);
    this.container.setAttribute("data-selected", String(i));
    if (this.rows) this.highlightRow(this.rows[i], !fromTable);
  }

  private highlightRow(row: HTMLTableRowElement, scroll: boolean): void {
    if (this.selectedRow) {
      this.selectedRow.classList.remove("hl-pt-selected");
      this.selectedRow.removeAttribute("aria-selected");
    }
    this.selectedRow = row;
    row.classList.add("hl-pt-selected");
    row.setAttribute("aria-selected", "true");
    if (scroll && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
  }

  showDetails(i: number): void {
    const { details } = this.parts;
    const view = this.view;
    details.textContent = "";
    for (const [heading, value] of detailFields(this.nodes[i], this.data.legendTitle)) {
      details.append(view.el("b", undefined, heading), view.el("span", undefined, value));
    }
    const kids = this.data.children[i].length;
    if (!kids) return;
    const open = this.folding.isOpen(i);
    const toggle = view.el("button", "hl-pt-toggle", open ? "Collapse subtree" : `Expand (${kids} children)`);
    toggle.type = "button";
    toggle.addEventListener("click", () => this.setExpanded(i, !this.folding.isOpen(i)));
    details.append(view.el("div"), toggle);
  }

  showTip(i: number, at: cytoscape.Position): void {
    const { tip, box } = this.parts;
    tip.textContent = tooltipText(this.nodes[i]);
    tip.style.left = `${Math.min(at.x + 12, box.clientWidth - 200)}px`;
    tip.style.top = `${at.y + 18}px`;
    tip.style.display = "block";
  }

  /** The linked table: one row per process; clicking a row selects the process. */
  linkedTable(): HTMLElement {
    const view = this.view;
    const table = view.el("table", "hl-pt-table");
    const head = view.el("tr");
    for (const c of this.data.tableColumns) head.appendChild(view.el("th", undefined, revealHidden(c)));
    table.appendChild(view.el("thead")).appendChild(head);
    const body = view.el("tbody");
    const withLegend = this.data.legendCol !== null;
    this.rows = this.nodes.map((n, i) => {
      const tr = view.el("tr");
      tr.setAttribute("data-node", String(i));
      for (const c of tableCells(n, withLegend)) tr.appendChild(view.el("td", undefined, c));
      tr.addEventListener("click", () => this.select(i, true));
      body.appendChild(tr);
      return tr;
    });
    table.appendChild(body);
    const wrap = view.el("div", "hl-pt-table-wrap");
    wrap.appendChild(table);
    return wrap;
  }

  api(): ProcessTreeApi {
    return { cy: this.cy, select: (i, fromTable) => this.select(i, fromTable), setExpanded: (i, open) => this.setExpanded(i, open), nodes: this.nodes };
  }
}

function wireGraphEvents(tree: LiveTree, tip: HTMLElement): void {
  const { cy } = tree;
  cy.on("tap", "node", (e) => tree.select(Number(e.target.id())));
  cy.on("dbltap", "node", (e) => {
    const i = Number(e.target.id());
    tree.setExpanded(i, !tree.folding.isOpen(i));
  });
  cy.on("mouseover", "node", (e) => tree.showTip(Number(e.target.id()), e.target.renderedPosition()));
  cy.on("mouseout", "node", () => {
    tip.style.display = "none";
  });
}

function toolbar(tree: LiveTree, data: ProcessTreeData, parts: Parts, view: ViewContext): void {
  const button = (text: string, title: string, onClick: () => void): HTMLButtonElement => {
    const b = view.el("button", "hl-pt-btn", text);
    b.type = "button";
    b.title = title;
    b.addEventListener("click", onClick);
    parts.bar.appendChild(b);
    return b;
  };
  button("Fit", "Fit the tree in the view", () => tree.cy.fit(undefined, 20));
  button("Reset", "Back to the initial view", () => {
    tree.folding.reset();
    tree.render();
  });
  const all = button("Expand all", "Open every subtree", () => {
    tree.folding.openAll();
    tree.render();
  });
  if (data.nodes.length > data.maxExpandAll) {
    all.disabled = true;
    all.title = `Too many processes to show at once (${data.nodes.length}); open subtrees one by one`;
  }
  parts.bar.appendChild(parts.count);
}

export const boot = defineView<ProcessTreeData, Libs>((container, data, libs, view) => {
  const parts = skeleton(container, view);
  parts.side.append(legendPanel(data, view), parts.details);
  const cy = libs.cytoscape({ container: parts.box, elements: [], minZoom: 0.05, maxZoom: 3, wheelSensitivity: 0.3, style: GRAPH_STYLE });
  const tree = new LiveTree(data, view, container, parts, cy);
  wireGraphEvents(tree, parts.tip);
  toolbar(tree, data, parts, view);
  if (data.showTable) parts.wrap.appendChild(tree.linkedTable());
  tree.render();
  (view.root as HTMLElement & { huntlabProcessTree?: ProcessTreeApi }).huntlabProcessTree = tree.api();
});
