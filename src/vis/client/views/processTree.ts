/**
 * Live part of the process tree (../../processTree.ts): Cytoscape with a tidy
 * top-down tree layout (../processTreeLayout.ts), folding subtrees, hover
 * text, a details panel and the optional linked table. Data text reaches the
 * DOM as textContent, revealed (`revealHidden`) so bidi overrides cannot
 * disguise a command line.
 */
import type cytoscape from "cytoscape";
import { followContainerMoves } from "../graphPosition";
import { defineView, type ViewContext } from "../runtime";
import { paintTheme, type PaintTheme } from "../theme";
import { Folding } from "../processTreeFolding";
import { childrenOf, decodeProcesses, type ProcessColumns } from "../processTreeWire";
import { detailFields, endedText, inkOn, MIN_TREE_LABEL_PX, nameCellParts, nodeLabel, tableCells, tooltipText, TREE_FONT_PX, type ProcessNode } from "../processTreeText";
import { revealHidden } from "../text";
import { tidyTreePositions, type LayoutBox, type TidyTreeOptions } from "../processTreeLayout";
import { graphZoomKey, keyboardSurface, liveStatus, viewSummary, ZOOM_KEYS_HINT } from "../keyboard";

export type { ProcessNode };

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
}

/** What the view works from: `plotProcessTree`'s {@link ProcessTreeWire}, decoded. */
export interface ProcessTreeData extends Omit<ProcessTreeWire, "processes"> {
  nodes: ProcessNode[];
  /** Child positions of each process, in data (time) order. */
  children: number[][];
}

/** What `plotProcessTree` sends. */
export interface ProcessTreeWire {
  /** The processes, as columns (see ../processTreeWire.ts). */
  processes: ProcessColumns;
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
  /** Children shown at a time under an open process (the rest behind a "+N more" box). */
  childPage: number;
}

interface Libs {
  cytoscape: typeof cytoscape;
}

/** Reached as `root.huntlabProcessTree` (browser tests drive the view through it). Not exported: its cytoscape types would reach the published declarations. */
interface ProcessTreeApi {
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
  /** Says the selected process to screen readers. */
  say: (text: string) => void;
}

/** Tables up to this many processes hold every row; bigger ones show pages of TABLE_PAGE rows. */
const TABLE_ALL = 20_000;
const TABLE_PAGE = 1_000;

/** The linked table's body and the page it shows. */
interface TablePages {
  body: HTMLTableSectionElement;
  /** Rows per page. */
  size: number;
  page: number;
  label: HTMLElement;
}

/** Class and id prefix of the "+N more" boxes (ids of processes are their positions). */
const MORE_CLASS = "hl-pt-more";
const MORE_PREFIX = "m";

const DETAILS_HINT = "Click a process for its details; double-click to open or close its subtree. Or focus the tree (Tab) and use the arrow keys; Enter opens or closes.";

/** The graph's name for screen readers, after the view's summary. */
const KEYS_HINT = "arrow keys move between processes (Up and Down in tree order, Right opens or goes to the first child, Left closes or goes to the parent), Enter or Space opens or closes a subtree";

function skeleton(container: HTMLElement, view: ViewContext): Parts {
  const parts: Parts = {
    wrap: view.el("div", "hl-pt-wrap"),
    bar: view.el("div", "hl-pt-bar"),
    box: view.el("div", "hl-pt-cy"),
    side: view.el("div", "hl-pt-side"),
    tip: view.el("div", "hl-pt-tip"),
    details: view.el("div", "hl-pt-details", DETAILS_HINT),
    count: view.el("span", "hl-pt-count"),
    say: () => undefined,
  };
  const main = view.el("div", "hl-pt-main");
  main.append(parts.box, parts.side);
  parts.say = liveStatus(view, parts.wrap);
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

/** Outlines and edges from the page's theme (a canvas cannot take CSS variables); labels sit on the boxes' own colours. */
const graphStyle = (theme: PaintTheme): cytoscape.StylesheetJson => [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: "label",
      height: BOX_HEIGHT,
      // Tight boxes and gaps: a parent's row of children fits wider at a legible zoom.
      padding: "3px",
      "background-color": "data(k)",
      "border-width": 1,
      "border-color": theme.dark ? theme.border : "#333",
      label: "data(label)",
      "text-wrap": "wrap",
      "text-valign": "center",
      "text-halign": "center",
      "font-size": TREE_FONT_PX,
      // Zoomed out, labels too small to read are not drawn (hover or select a box to read it).
      "min-zoomed-font-size": MIN_TREE_LABEL_PX,
      color: "data(ink)",
    },
  },
  { selector: "node[x = 1]", style: { "border-style": "dashed" } },
  { selector: `node.${MORE_CLASS}`, style: { "border-style": "dotted", "font-style": "italic" } },
  { selector: "node.collapsed", style: { "border-width": 3 } },
  // Selected: a double red outline, not only a red one (a folded box has a 3 px outline too, and a red box hid a red one).
  { selector: "node:selected", style: { "border-width": 5, "border-style": "double", "border-color": "#d62728", "overlay-opacity": 0 } },
  {
    selector: "edge",
    style: { width: 1, "line-color": theme.muted, "target-arrow-shape": "triangle", "target-arrow-color": theme.muted, "curve-style": "bezier", "arrow-scale": 0.7 },
  },
] as cytoscape.StylesheetJson;


/** Padding of a fit, in pixels. */
const FIT_PADDING = 10;
/** Height of a box, in pixels (its width follows its label). */
const BOX_HEIGHT = 30;

/** Layout of the boxes (pixels): height as the style's, gaps tight so a parent's row of children fits wider at a legible zoom. */
const LAYOUT: TidyTreeOptions = { boxHeight: BOX_HEIGHT, boxGap: 5, levelGap: 40 };

const FOCUS_BYPASS = ["font-size", "min-zoomed-font-size", "width", "height", "text-valign", "text-margin-y", "color", "text-background-color", "text-background-opacity", "text-background-padding", "z-index"].join(" ");

/**
 * Labels of the hovered and selected processes when the zoom hides labels:
 * drawn under the box at the smallest legible size, on a white ground; the
 * box keeps its size (its width follows its label otherwise).
 */
class FocusLabels {
  private readonly focused = new Set<string>();
  private frame = 0;

  constructor(
    private readonly cy: cytoscape.Core,
    private readonly container: HTMLElement,
  ) {
    cy.on("zoom", () => this.schedule());
  }

  /** Element ids of the focused processes. */
  ids(): string[] {
    return [...this.focused];
  }

  /** Adds or drops a process (by element id) from the focused set. */
  set(id: string, on: boolean): void {
    const node = this.cy.getElementById(id);
    if (on) this.focused.add(id);
    else {
      this.focused.delete(id);
      if (node.nonempty()) node.removeStyle(FOCUS_BYPASS);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // The output may have left the page since (its graph destroyed: a batch on it throws).
      if (!this.cy.destroyed()) this.update();
    });
  }

  /** Applies the current zoom: plain labels when they are legible, focus labels otherwise. */
  update(): void {
    const zoom = this.cy.zoom();
    const legible = zoom * TREE_FONT_PX >= MIN_TREE_LABEL_PX;
    this.container.setAttribute("data-label-px", (zoom * TREE_FONT_PX).toFixed(2));
    this.cy.batch(() => {
      for (const id of this.focused) {
        const node = this.cy.getElementById(id);
        if (node.empty()) continue;
        node.removeStyle(FOCUS_BYPASS);
        if (legible) continue;
        const px = MIN_TREE_LABEL_PX / zoom;
        node.style({
          width: node.width(),
          height: node.height(),
          "font-size": px,
          "min-zoomed-font-size": 0,
          "text-valign": "bottom",
          "text-margin-y": 3 / zoom,
          color: "#111",
          "text-background-color": "#fff",
          "text-background-opacity": 0.92,
          "text-background-padding": `${2 / zoom}px`,
          "z-index": 30,
        });
      }
    });
  }
}

/** The graph, folding state, selection and table of one output. */
class LiveTree {
  readonly folding: Folding;
  private readonly nodes: ProcessNode[];
  /** Processes in the graph now (1). */
  private readonly shown: Uint8Array;
  /** The linked table's rows on the page shown, by process. */
  private rows: Map<number, HTMLTableRowElement> | null = null;
  private selectedRow: HTMLTableRowElement | null = null;
  private selectedIndex = -1;
  private table: TablePages | null = null;
  /** The visible processes in tree order (depth first), as the keys walk them, and each one's place in it. */
  private order: number[] = [];
  private readonly place = new Map<number, number>();

  readonly focus: FocusLabels;

  constructor(
    private readonly data: ProcessTreeData,
    private readonly view: ViewContext,
    private readonly container: HTMLElement,
    private readonly parts: Parts,
    readonly cy: cytoscape.Core,
  ) {
    this.nodes = data.nodes;
    this.folding = new Folding(data, data.expanded, data.childPage);
    this.shown = new Uint8Array(data.nodes.length);
    this.focus = new FocusLabels(cy, container);
  }

  /** Brings the graph to the visible set; centres on `focus`, or fits the whole tree. */
  render(focus?: number): void {
    const want = this.folding.visible();
    this.order = want;
    this.place.clear();
    want.forEach((i, k) => this.place.set(i, k));
    const keep = new Uint8Array(this.nodes.length);
    for (const i of want) keep[i] = 1;
    this.cy.batch(() => {
      this.cy.nodes(`.${MORE_CLASS}`).remove();
      this.cy.nodes().forEach((n) => {
        const i = Number(n.id());
        if (!keep[i]) {
          n.remove();
          this.shown[i] = 0;
        }
      });
      this.cy.add([...this.moreBoxes(want), ...this.additions(want, keep)]);
      // Only boxes whose folding changed: a data or class write makes Cytoscape restyle the box.
      for (const i of want) {
        const el = this.cy.getElementById(String(i));
        const label = nodeLabel(this.nodes[i], this.folding.hiddenChildren(i));
        if (el.data("label") !== label) el.data("label", label);
        const collapsed = this.folding.hiddenChildren(i) > 0;
        if (el.hasClass("collapsed") !== collapsed) el.toggleClass("collapsed", collapsed);
      }
    });
    this.layOut(want);
    if (focus === undefined) this.cy.fit(undefined, FIT_PADDING);
    else this.cy.center(this.cy.getElementById(String(focus)));
    this.focus.update();
    this.parts.count.textContent = `${want.length} of ${this.nodes.length} processes shown`;
    this.container.setAttribute("data-visible-nodes", String(want.length));
  }

  /** Places the visible boxes as a tidy tree: the processes in `want`'s order (siblings by time), each "+N more" box after its siblings. */
  private layOut(want: number[]): void {
    const boxes: LayoutBox[] = [];
    const els: cytoscape.NodeSingular[] = [];
    const at = new Map<number, number>();
    const place = (el: cytoscape.NodeSingular, parent: number): void => {
      boxes.push({ parent, width: el.layoutDimensions({ nodeDimensionsIncludeLabels: false }).w });
      els.push(el);
    };
    for (const i of want) {
      at.set(i, boxes.length);
      const p = this.nodes[i].p;
      place(this.cy.getElementById(String(i)), p >= 0 ? (at.get(p) ?? -1) : -1);
    }
    this.cy.nodes(`.${MORE_CLASS}`).forEach((el) => place(el, at.get(Number(el.id().slice(MORE_PREFIX.length))) ?? -1));
    // Listed after every process, each "+N more" box is its parent's last child: it sits right of the shown ones.
    const { x, y } = tidyTreePositions(boxes, LAYOUT);
    this.cy.batch(() => els.forEach((el, k) => el.position({ x: x[k], y: y[k] })));
  }

  /** A "+N more" box under each open process with children beyond the shown page. */
  private moreBoxes(want: number[]): cytoscape.ElementDefinition[] {
    const add: cytoscape.ElementDefinition[] = [];
    for (const i of want) {
      const more = this.folding.moreChildren(i);
      if (!more) continue;
      add.push({ group: "nodes", classes: MORE_CLASS, data: { id: `${MORE_PREFIX}${i}`, label: `+${more} more`, k: "#f2f2f2", ink: "#111", x: 0 } });
      add.push({ group: "edges", data: { id: `e${MORE_PREFIX}${i}`, source: String(i), target: `${MORE_PREFIX}${i}` } });
    }
    return add;
  }

  /** Shows the next page of a process's children (its "+N more" box was clicked). */
  showMore(i: number): void {
    if (this.folding.showMore(i)) this.render(i);
  }

  /** New nodes and edges for the visible set. */
  private additions(want: number[], keep: Uint8Array): cytoscape.ElementDefinition[] {
    const add: cytoscape.ElementDefinition[] = [];
    for (const i of want) {
      if (this.shown[i]) continue;
      this.shown[i] = 1;
      const n = this.nodes[i];
      add.push({ group: "nodes", data: { id: String(i), label: nodeLabel(n, this.folding.hiddenChildren(i)), k: n.k, ink: inkOn(n.k), x: n.x } });
    }
    for (const i of want) {
      const p = this.nodes[i].p;
      if (p >= 0 && keep[p] && this.cy.getElementById(`e${i}`).empty()) add.push({ group: "edges", data: { id: `e${i}`, source: String(p), target: String(i) } });
    }
    return add;
  }

  setExpanded(i: number, open: boolean): void {
    if (!this.folding.set(i, open)) return;
    this.render(i);
    this.showDetails(i);
    if (i === this.selectedIndex) this.parts.say(this.spoken(i));
  }

  /**
   * A key on the focused tree (the ARIA tree pattern, over the visible
   * processes): Up/Down the previous/next in tree order, Right opens a closed
   * process or goes to its first child, Left closes an open one or goes to the
   * parent, Home/End the first/last, Enter/Space open or close. With nothing
   * selected, a key selects the first process. True when the key was used.
   */
  key(key: string): boolean {
    const order = this.order;
    const i = this.selectedIndex;
    const at = this.place.get(i);
    if (at === undefined) {
      if (!order.length || key === "Escape") return false;
      this.select(order[0], false, true);
      return true;
    }
    const kids = this.data.children[i].length;
    const open = this.folding.isOpen(i);
    let next = -1;
    switch (key) {
      case "ArrowDown":
        next = order[at + 1] ?? -1;
        break;
      case "ArrowUp":
        next = order[at - 1] ?? -1;
        break;
      case "Home":
        next = order[0];
        break;
      case "End":
        next = order[order.length - 1];
        break;
      case "ArrowRight":
        if (kids && !open) this.setExpanded(i, true);
        else if (kids && this.nodes[order[at + 1]]?.p === i) next = order[at + 1];
        break;
      case "ArrowLeft":
        if (kids && open) this.setExpanded(i, false);
        else next = this.nodes[i].p;
        break;
      case "Enter":
      case " ":
        if (kids) this.setExpanded(i, !open);
        break;
      default:
        return false;
    }
    if (next >= 0 && next !== i) this.select(next, false, true);
    return true;
  }

  /**
   * What a screen reader says for a process: name, PID, level, user, its end where the tree has ends (what the
   * keys' tip shows, which a screen reader does not read), and its children (open or closed).
   */
  private spoken(i: number): string {
    const n = this.nodes[i];
    const kids = this.data.children[i].length;
    const fold = !kids ? "no children" : `${kids} ${kids === 1 ? "child" : "children"}, ${this.folding.isOpen(i) ? "open" : "closed"}`;
    const ended = n.e === undefined ? "" : n.e ? `, ended ${endedText(n)}` : n.d ? `, ${n.d}` : "";
    return revealHidden(`${n.n}, PID ${n.i}, level ${n.l}${n.u ? `, user ${n.u}` : ""}${n.x ? ", inferred parent" : ""}${ended}, ${fold}`);
  }

  /** Pans the graph to a process that is out of view (a key moved there). */
  private reveal(i: number): void {
    const el = this.cy.getElementById(String(i));
    if (el.empty()) return;
    const b = el.renderedBoundingBox({});
    if (b.x1 < 0 || b.y1 < 0 || b.x2 > this.cy.width() || b.y2 > this.cy.height()) this.cy.center(el);
  }

  select(i: number, fromTable = false, byKey = false): void {
    if (this.folding.openAncestors(i)) this.render(i);
    else if (byKey) this.reveal(i);
    this.cy.$(":selected").forEach((n) => {
      n.unselect();
      this.focus.set(n.id(), false);
    });
    this.cy.getElementById(String(i)).select();
    this.focus.set(String(i), true);
    this.showDetails(i);
    this.container.setAttribute("data-selected", String(i));
    this.selectedIndex = i;
    this.parts.say(this.spoken(i));
    if (byKey) {
      const box = this.cy.getElementById(String(i));
      if (!box.empty()) this.showTip(i, box.renderedPosition());
    }
    if (this.table) {
      this.showPage(Math.floor(i / this.table.size));
      const row = this.rows?.get(i);
      if (row) this.highlightRow(row, !fromTable);
    }
  }

  private highlightRow(row: HTMLTableRowElement | null, scroll: boolean): void {
    if (this.selectedRow) {
      this.selectedRow.classList.remove("hl-pt-selected");
      this.selectedRow.removeAttribute("aria-selected");
      this.selectedRow.tabIndex = -1;
    }
    this.selectedRow = row;
    // One row in the Tab order: the selected one, else the page's first.
    const first = this.table?.body.rows[0];
    if (first) first.tabIndex = row ? -1 : 0;
    if (!row) return;
    row.tabIndex = 0;
    row.classList.add("hl-pt-selected");
    row.setAttribute("aria-selected", "true");
    if (scroll && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
  }

  showDetails(i: number): void {
    const { details } = this.parts;
    const view = this.view;
    // A button of the panel that had the focus (Expand, Show more) gets it back once the panel is rebuilt.
    const focused = document.activeElement instanceof HTMLButtonElement && details.contains(document.activeElement) ? document.activeElement.className : "";
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
    if (focused === toggle.className) toggle.focus();
    // The "+N more" box is pixels: its button here serves the keyboard.
    const more = this.folding.moreChildren(i);
    if (!more) return;
    const next = view.el("button", "hl-pt-more-btn", `Show more children (${more} not shown)`);
    next.type = "button";
    next.addEventListener("click", () => {
      this.showMore(i);
      this.showDetails(i);
    });
    details.append(view.el("div"), next);
    if (focused === next.className) next.focus();
  }

  showTip(i: number, at: cytoscape.Position): void {
    const { tip, box } = this.parts;
    tip.textContent = tooltipText(this.nodes[i]);
    tip.style.display = "block";
    // Inside the tree's box, measured with its text (CSS caps its size to the box's): a long name's tip at the
    // right edge ran up to 280 px past the view, and the page scrolled sideways.
    const room = { x: box.clientWidth - tip.offsetWidth, y: box.clientHeight - tip.offsetHeight };
    const below = at.y + 18;
    tip.style.left = `${Math.max(0, Math.min(at.x + 12, room.x))}px`;
    tip.style.top = `${Math.max(0, below <= room.y ? below : Math.min(room.y, at.y - tip.offsetHeight - 8))}px`;
  }

  /**
   * The linked table: one row per process; clicking a row selects the
   * process. Up to TABLE_ALL processes it holds every row; above, pages of
   * TABLE_PAGE rows (200,000 rows froze the tab for minutes), and selecting a
   * process shows its page.
   */
  linkedTable(): HTMLElement {
    const view = this.view;
    const table = view.el("table", "hl-pt-table");
    const head = view.el("tr");
    for (const c of this.data.tableColumns) head.appendChild(view.el("th", undefined, revealHidden(c)));
    table.appendChild(view.el("thead")).appendChild(head);
    const body = view.el("tbody");
    body.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest("tr");
      const i = row ? Number(row.getAttribute("data-node")) : NaN;
      if (Number.isInteger(i)) this.select(i, true);
    });
    // Keys on a focused row: Up/Down select the row above/below, Enter/Space the row itself.
    body.addEventListener("keydown", (e) => {
      const row = (e.target as HTMLElement).closest("tr");
      if (!row || e.ctrlKey || e.altKey || e.metaKey) return;
      const to = e.key === "ArrowDown" ? row.nextElementSibling : e.key === "ArrowUp" ? row.previousElementSibling : e.key === "Enter" || e.key === " " ? row : null;
      if (!to) return;
      e.preventDefault();
      const i = Number(to.getAttribute("data-node"));
      if (!Number.isInteger(i)) return;
      this.select(i, true);
      this.rows?.get(i)?.focus();
    });
    table.appendChild(body);
    const wrap = view.el("div", "hl-pt-table-wrap");
    wrap.appendChild(table);
    const n = this.nodes.length;
    const paged = n > TABLE_ALL;
    const pages = view.el("div", "hl-pt-pages");
    this.table = { body, size: paged ? TABLE_PAGE : Math.max(1, n), page: -1, label: view.el("span", "hl-pt-page-label") };
    this.rows = new Map();
    const outer = view.el("div", "hl-pt-table-box");
    if (paged) {
      const step = (text: string, delta: number): void => {
        const b = view.el("button", "hl-pt-page-btn", text);
        b.type = "button";
        b.addEventListener("click", () => this.showPage((this.table?.page ?? 0) + delta));
        pages.appendChild(b);
      };
      step("◀ Previous", -1);
      step("Next ▶", 1);
      pages.appendChild(this.table.label);
      outer.appendChild(pages);
    }
    outer.appendChild(wrap);
    this.showPage(0);
    return outer;
  }

  /** Fills the table with page k (clamped); the selected process's row is highlighted when on it. */
  private showPage(k: number): void {
    const t = this.table;
    if (!t || !this.rows) return;
    const n = this.nodes.length;
    const last = Math.max(0, Math.ceil(n / t.size) - 1);
    const page = Math.min(Math.max(0, k), last);
    if (page === t.page) return;
    t.page = page;
    const withLegend = this.data.legendCol !== null;
    const fragment = document.createDocumentFragment();
    this.rows.clear();
    for (let i = page * t.size; i < Math.min(n, (page + 1) * t.size); i += 1) {
      const tr = this.view.el("tr");
      tr.setAttribute("data-node", String(i));
      tr.tabIndex = -1;
      const cells = tableCells(this.nodes[i], withLegend).map((c) => this.view.el("td", undefined, c));
      // The process cell: its name in an element of its own (isolated by the view's CSS, see nameCellParts).
      const [indentText, name, note] = nameCellParts(this.nodes[i]);
      cells[1].textContent = indentText;
      cells[1].append(this.view.el("span", "hl-pt-name", name), note);
      tr.append(...cells);
      this.rows.set(i, tr);
      fragment.appendChild(tr);
    }
    t.body.textContent = "";
    t.body.appendChild(fragment);
    t.label.textContent = `rows ${page * t.size + 1}–${Math.min(n, (page + 1) * t.size)} of ${n}`;
    this.highlightRow(this.rows.get(this.selectedIndex) ?? null, false);
  }

  /** Keys on the graph (see {@link key}). */
  keys(): void {
    const title = viewSummary(this.view) || "Process tree";
    keyboardSurface(this.parts.box, `${title}: ${KEYS_HINT}, ${ZOOM_KEYS_HINT}`, (key) => graphZoomKey(this.cy, key, () => this.cy.fit(undefined, FIT_PADDING)) || this.key(key));
    // The hover tip shows for the process the keys reach too, while the tree has the focus.
    this.parts.box.addEventListener("blur", () => {
      this.parts.tip.style.display = "none";
    });
  }

  api(): ProcessTreeApi {
    return { cy: this.cy, select: (i, fromTable) => this.select(i, fromTable), setExpanded: (i, open) => this.setExpanded(i, open), nodes: this.nodes };
  }
}

/** The process of a graph node id; -1 for a "+N more" box. */
function processOf(id: string): number {
  return id.startsWith(MORE_PREFIX) ? -1 : Number(id);
}

function wireGraphEvents(tree: LiveTree, tip: HTMLElement, box: HTMLElement): void {
  const { cy } = tree;
  cy.on("tap", "node", (e) => {
    const id: string = e.target.id();
    if (id.startsWith(MORE_PREFIX)) tree.showMore(Number(id.slice(MORE_PREFIX.length)));
    else tree.select(processOf(id));
  });
  cy.on("dbltap", "node", (e) => {
    const i = processOf(e.target.id());
    if (i >= 0) tree.setExpanded(i, !tree.folding.isOpen(i));
  });
  cy.on("mouseover", "node", (e) => {
    const i = processOf(e.target.id());
    if (i < 0) return;
    tree.showTip(i, e.target.renderedPosition());
    tree.focus.set(e.target.id(), true);
  });
  cy.on("mouseout", "node", (e) => {
    tip.style.display = "none";
    if (!e.target.selected()) tree.focus.set(e.target.id(), false);
  });
  // Leaving the canvas over a box gives no mouseout: drop the hover label there too.
  box.addEventListener("mouseleave", () => {
    tip.style.display = "none";
    for (const id of tree.focus.ids()) if (!cy.getElementById(id).selected()) tree.focus.set(id, false);
  });
  cy.on("unselect", "node", (e) => tree.focus.set(e.target.id(), false));
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
  button("Fit", "Fit the tree in the view", () => tree.cy.fit(undefined, FIT_PADDING));
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

/** The view's data from what `plotProcessTree` sent. */
export function fromWire(wire: ProcessTreeWire): ProcessTreeData {
  const { processes, ...rest } = wire;
  const nodes = decodeProcesses(processes);
  return { ...rest, nodes, children: childrenOf(nodes) };
}

export const boot = defineView<ProcessTreeWire, Libs>((container, wire, libs, view) => {
  performance.mark("hl-pt:mount");
  const data = fromWire(wire);
  performance.mark("hl-pt:decoded");
  const parts = skeleton(container, view);
  parts.side.append(legendPanel(data, view), parts.details);
  const cy = libs.cytoscape({ container: parts.box, elements: [], minZoom: 0.05, maxZoom: 3, wheelSensitivity: 0.3, style: graphStyle(paintTheme(parts.box)) });
  view.onUnmount(() => cy.destroy());
  followContainerMoves(cy, parts.box);
  const tree = new LiveTree(data, view, container, parts, cy);
  wireGraphEvents(tree, parts.tip, parts.box);
  toolbar(tree, data, parts, view);
  tree.keys();
  if (data.showTable) parts.wrap.appendChild(tree.linkedTable());
  performance.mark("hl-pt:built");
  tree.render();
  performance.mark("hl-pt:rendered");
  (view.root as HTMLElement & { huntlabProcessTree?: ProcessTreeApi }).huntlabProcessTree = tree.api();
});
