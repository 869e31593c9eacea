/**
 * `plotProcessTree(tree, options)`: an interactive process tree, after
 * MSTICPy's `plot_process_tree` (Bokeh there).
 *
 * - Cytoscape with dagre's top-down layered layout: one box per process with
 *   its short image name and PID, coloured by `legendCol` (categories with a
 *   legend; numbers on a colour ramp) or, by default, by level.
 * - Hover shows the command line; selecting a process (click) shows its
 *   details and highlights its row in the optional linked table (and clicking
 *   a table row selects the process). Double-click, or the Expand/Collapse
 *   button, opens or closes a subtree; collapsed processes show "+N".
 * - Large trees open folded: processes are opened breadth first while at
 *   most `maxInitialNodes` are visible, so 10,000 processes stay usable.
 * - Static fallback (GitHub, nbviewer, untrusted notebooks): a PNG of the
 *   same initially visible tree drawn in Node, plus the table as HTML when
 *   `showTable` is set.
 *
 * Every value from the data reaches the page as JSON (`jsonForScript`) and the
 * DOM through `textContent`; the static table is escaped with `escapeHtml`.
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { HuntlabError, didYouMean } from "../common/errors";
import { isDataFrame } from "../display/dataframe";
import { escapeHtml } from "../display/html";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { buildProcessTree } from "../transform/processTree";
import { inferSchema, type ProcSchema } from "../transform/processTreeSchema";
import { HtmlView } from "./htmlView";
import { svgToPng } from "./png";

/** Options of {@link plotProcessTree}. */
export interface ProcessTreePlotOptions {
  /** Colour processes by this column, with a legend. Default: by level. */
  legendCol?: string;
  /** Add a table of the processes, linked to the tree. Default false. */
  showTable?: boolean;
  /** Heading. Default `"Process tree"`. */
  title?: string;
  /** Height of the tree view in pixels. Default: 90 px per open level plus 60, between 250 and 600. */
  height?: number;
  /** Width of the static image in pixels. Default 900. */
  width?: number;
  /** Column mapping, when the tree's columns are not a known layout. Default: inferred. */
  schema?: Partial<ProcSchema>;
  /** Open the tree to this many levels. Default: open processes breadth first while at most `maxInitialNodes` are visible. */
  expandDepth?: number;
  /** Visible processes aimed at when opening a large tree. Default 300. */
  maxInitialNodes?: number;
  /** Cut command lines to this many characters (hover, details, table). Default 1,000. */
  maxCmdLength?: number;
}

/** Bad plot input. */
export class ProcessTreePlotError extends HuntlabError {
  override name = "ProcessTreePlotError";
}

const TREE_COLUMNS = ["proc_key", "parent_key", "IsRoot", "IsLeaf", "IsBranch", "path", "Level"];
const CATEGORY_COLORS = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F77B4", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#AEC7E8"];
/** Viridis at 9 stops, for levels and numeric legend columns. */
const VIRIDIS = ["#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962", "#ADDC30", "#FDE725"];
const OTHER_COLOR = "#A0A0A0";
const MAX_CATEGORIES = CATEGORY_COLORS.length;

function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  return VIRIDIS[Math.round(x)];
}

/** Text colour that reads on a background. */
function inkFor(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lum = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  return lum > 0.6 ? "#111111" : "#FFFFFF";
}

function strings(df: pl.DataFrame, column: string | undefined, max = 1000): string[] {
  if (!column || !df.columns.includes(column)) return new Array<string>(df.height).fill("");
  const s = df.getColumn(column);
  const values = (isTemporalType(s.dtype)
    ? pl.DataFrame([s.rename("v")]).select(pl.col("v").cast(pl.Datetime("ms")).dt.strftime("%Y-%m-%d %H:%M:%S%.3f")).getColumn("v").toArray()
    : s.toArray()) as unknown as unknown[];
  return values.map((v) => {
    const text = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  });
}

interface TreeNode {
  /** parent position (-1 root) */
  p: number;
  /** short image name */
  n: string;
  /** full image path */
  f: string;
  /** PID text */
  i: string;
  /** command line */
  c: string;
  /** user */
  u: string;
  /** time text */
  t: string;
  /** level */
  l: number;
  /** colour */
  k: string;
  /** legend value */
  g: string;
  /** inferred parent (1) */
  x: number;
}

interface PlotModel {
  nodes: TreeNode[];
  children: number[][];
  legend: { label: string; color: string }[];
  legendTitle: string;
  numericLegend?: { min: number; max: number };
  /** Processes open at first (1) */
  expanded: Uint8Array;
  /** Processes visible at first (1) */
  isVisible: Uint8Array;
  maxLevel: number;
  tableColumns: string[];
  /** Levels open at first (for the default height). */
  visibleLevels: number;
}

function prepareModel(input: pl.DataFrame, options: ProcessTreePlotOptions): PlotModel {
  if (!isDataFrame(input)) throw new ProcessTreePlotError("plotProcessTree expects a polars DataFrame (events or a built tree).");
  const tree = TREE_COLUMNS.every((c) => input.columns.includes(c)) ? input : buildProcessTree(input, { schema: options.schema });
  const schema: Partial<ProcSchema> = { ...(inferSchema(tree.columns) ?? {}), ...(options.schema ?? {}) };
  if (options.legendCol && !tree.columns.includes(options.legendCol)) {
    throw new ProcessTreePlotError(`legendCol "${options.legendCol}" is not a column of the tree.${didYouMean(options.legendCol, tree.columns)}`);
  }
  const maxCmd = options.maxCmdLength ?? 1000;
  const keys = tree.getColumn("proc_key").toArray() as unknown as string[];
  const parents = tree.getColumn("parent_key").toArray() as unknown as (string | null)[];
  const levelsRaw = tree.getColumn("Level").toArray() as unknown as number[];
  const position = new Map<string, number>();
  keys.forEach((k, i) => {
    if (!position.has(k)) position.set(k, i);
  });
  const full = strings(tree, schema.processName, 400);
  const sep = schema.pathSeparator ?? "\\";
  const short = full.map((f) => {
    const cut = Math.max(f.lastIndexOf(sep), f.lastIndexOf("/"), f.lastIndexOf("\\"));
    return cut >= 0 ? f.slice(cut + 1) : f;
  });
  const pids = strings(tree, schema.processId, 40);
  const cmds = strings(tree, schema.cmdLine, maxCmd);
  const users = strings(tree, schema.userName, 200);
  const times = strings(tree, schema.timeStamp, 40);
  const inferred = tree.columns.includes("IsInferred") ? (tree.getColumn("IsInferred").toArray() as unknown as boolean[]) : new Array<boolean>(tree.height).fill(false);
  const parentPos = parents.map((p) => (p === null || p === undefined ? -1 : (position.get(p) ?? -1)));
  // Levels from the links within this frame: a subtree (ptree.getDescendents of
  // a branch) starts at level 1. A parent cycle (possible with coarse times) is
  // cut where it closes, so every process is drawn.
  void levelsRaw;
  const levels = new Array<number>(parentPos.length).fill(0);
  for (let i = 0; i < parentPos.length; i += 1) {
    while (!levels[i]) {
      const chain: number[] = [];
      const onChain = new Set<number>();
      let at = i;
      while (at >= 0 && !levels[at] && !onChain.has(at)) {
        onChain.add(at);
        chain.push(at);
        at = parentPos[at];
      }
      if (at >= 0 && onChain.has(at)) {
        parentPos[at] = -1; // a cycle: cut it here and walk again
        continue;
      }
      let level = at >= 0 ? levels[at] : 0;
      for (let k = chain.length - 1; k >= 0; k -= 1) {
        level = parentPos[chain[k]] < 0 ? 1 : level + 1;
        levels[chain[k]] = level;
      }
    }
  }

  // Colours.
  let colors: string[];
  let legendValues: string[];
  let legend: { label: string; color: string }[] = [];
  let legendTitle = "Level";
  let numericLegend: { min: number; max: number } | undefined;
  const maxLevel = levels.reduce((m, l) => (l > m ? l : m), 1);
  if (options.legendCol) {
    legendTitle = options.legendCol;
    const series = tree.getColumn(options.legendCol);
    const numeric = !isTextType(series.dtype) && !isTemporalType(series.dtype) && /^(U?Int|Float)/.test(series.dtype.variant);
    legendValues = strings(tree, options.legendCol, 120);
    if (numeric) {
      const values = series.cast(pl.Float64).toArray() as unknown as (number | null)[];
      const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
      const min = finite.length ? Math.min(...finite) : 0;
      const max = finite.length ? Math.max(...finite) : 1;
      numericLegend = { min, max };
      colors = values.map((v) => (v === null || !Number.isFinite(v) ? OTHER_COLOR : ramp(max > min ? (v - min) / (max - min) : 0.5)));
      legend = VIRIDIS.map((c, k) => ({ label: k === 0 ? String(min) : k === VIRIDIS.length - 1 ? String(max) : "", color: c }));
    } else {
      const counts = new Map<string, number>();
      legendValues.forEach((v, i) => {
        if (!inferred[i]) counts.set(v, (counts.get(v) ?? 0) + 1);
      });
      const ordered = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b));
      const top = ordered.slice(0, MAX_CATEGORIES);
      const colorOf = new Map(top.map((v, k) => [v, CATEGORY_COLORS[k]]));
      colors = legendValues.map((v, i) => (inferred[i] ? "#FFFFFF" : (colorOf.get(v) ?? OTHER_COLOR)));
      legend = top.map((v) => ({ label: v === "" ? "(empty)" : v, color: colorOf.get(v) as string }));
      if (ordered.length > top.length) legend.push({ label: `other (${ordered.length - top.length} values)`, color: OTHER_COLOR });
    }
  } else {
    legendValues = levels.map(String);
    colors = levels.map((l) => ramp(maxLevel > 1 ? (l - 1) / (maxLevel - 1) : 0));
    legend = [...new Set(levels)].sort((a, b) => a - b).slice(0, 12).map((l) => ({ label: `Level ${l}`, color: ramp(maxLevel > 1 ? (l - 1) / (maxLevel - 1) : 0) }));
  }
  if (inferred.some(Boolean)) legend.push({ label: "inferred parent", color: "#FFFFFF" });

  const nodes: TreeNode[] = keys.map((_, i) => ({
    p: parentPos[i],
    n: short[i] || "(unknown)",
    f: full[i],
    i: pids[i],
    c: cmds[i],
    u: users[i],
    t: times[i],
    l: levels[i],
    k: colors[i],
    g: legendValues[i],
    x: inferred[i] ? 1 : 0,
  }));
  const children: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    if (node.p >= 0) children[node.p].push(i);
  });

  // What is open at first: everything for small trees; otherwise processes are
  // opened breadth first while the visible count stays within maxInitialNodes
  // (or, with expandDepth, every level above it).
  const maxInitial = options.maxInitialNodes ?? 300;
  if (options.expandDepth !== undefined && !(options.expandDepth >= 1)) throw new ProcessTreePlotError(`expandDepth must be 1 or more, not ${options.expandDepth}.`);
  const expanded = new Uint8Array(nodes.length);
  if (options.expandDepth !== undefined) {
    nodes.forEach((node, i) => (expanded[i] = node.l < (options.expandDepth as number) ? 1 : 0));
  } else if (nodes.length <= maxInitial) {
    expanded.fill(1);
  } else {
    const queue = nodes.map((n, i) => (n.p < 0 ? i : -1)).filter((i) => i >= 0);
    let visible = queue.length;
    for (let q = 0; q < queue.length; q += 1) {
      const i = queue[q];
      const kids = children[i];
      if (!kids.length || visible + kids.length > maxInitial) continue;
      expanded[i] = 1;
      visible += kids.length;
      queue.push(...kids);
    }
  }
  const isVisible = new Uint8Array(nodes.length);
  const stack = nodes.map((n, i) => (n.p < 0 ? i : -1)).filter((i) => i >= 0);
  let openLevels = 1;
  while (stack.length) {
    const i = stack.pop() as number;
    isVisible[i] = 1;
    if (nodes[i].l > openLevels) openLevels = nodes[i].l;
    if (expanded[i]) stack.push(...children[i]);
  }
  const tableColumns = ["Level", "Process", "PID", "Command line", ...(options.legendCol ? [options.legendCol] : []), "User", "Time"];
  return { nodes, children, legend, legendTitle, numericLegend, expanded, isVisible, maxLevel, tableColumns, visibleLevels: openLevels };
}

// ---------------------------------------------------------------------------
// Static image: one row per process, indented by level (MSTICPy's layout),
// for the initially visible processes; boxes carry name and PID, the command
// line follows on the row.

const ROW_H = 26;
const INDENT = 28;
const BOX_W = 150;
const MAX_STATIC_ROWS = 200;

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

function cut(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function staticSvg(model: PlotModel, title: string, width: number): { svg: string; shown: number } {
  const { nodes, children } = model;
  const visible = (i: number): boolean => model.isVisible[i] === 1;
  // Rows in tree order (the input order is depth first already; rebuild it from links to be safe).
  const order: number[] = [];
  const stack: number[] = [];
  for (let i = nodes.length - 1; i >= 0; i -= 1) if (nodes[i].p < 0) stack.push(i);
  while (stack.length && order.length < MAX_STATIC_ROWS) {
    const i = stack.pop() as number;
    order.push(i);
    const kids = children[i].filter(visible);
    for (let k = kids.length - 1; k >= 0; k -= 1) stack.push(kids[k]);
  }
  const rowOf = new Map(order.map((i, r) => [i, r]));
  const top = 36;
  const legendW = 220;
  const treeW = width - legendW;
  const footer = order.length < nodes.length ? 22 : 6;
  const height = Math.max(top + order.length * ROW_H + footer, top + 20 * (model.legend.length + 2));
  const x = (i: number): number => 8 + (nodes[i].l - 1) * INDENT;
  const y = (i: number): number => top + (rowOf.get(i) as number) * ROW_H;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="22" font-size="15" font-weight="bold">${xmlEscape(cut(title, 80))}</text>`,
  ];
  // Elbow connectors from each parent's box down to its children.
  for (const i of order) {
    const p = nodes[i].p;
    if (p < 0 || !rowOf.has(p)) continue;
    const px = x(p) + 10;
    parts.push(`<path d="M${px} ${y(p) + ROW_H - 4} V${y(i) + ROW_H / 2 - 2} H${x(i)}" fill="none" stroke="#999" stroke-width="1"/>`);
  }
  for (const i of order) {
    const node = nodes[i];
    const hidden = children[i].filter((k) => !visible(k)).length;
    const dash = node.x ? ` stroke-dasharray="4 3"` : "";
    const ink = inkFor(node.k);
    const label = `${cut(node.n, 18)}  ${cut(node.i, 10)}${hidden ? `  +${hidden}` : ""}`;
    parts.push(`<rect x="${x(i)}" y="${y(i)}" width="${BOX_W}" height="${ROW_H - 5}" rx="4" fill="${node.k}" stroke="#333" stroke-width="1"${dash}/>`);
    parts.push(`<text x="${x(i) + 6}" y="${y(i) + 15}" fill="${ink}">${xmlEscape(label)}</text>`);
    const room = Math.floor((treeW - x(i) - BOX_W - 16) / 6.2);
    if (node.c && room > 8) parts.push(`<text x="${x(i) + BOX_W + 8}" y="${y(i) + 15}" fill="#333" font-size="10">${xmlEscape(cut(node.c.replace(/\s+/g, " "), room))}</text>`);
  }
  const lx = treeW + 10;
  parts.push(`<text x="${lx}" y="${top + 4}" font-weight="bold">${xmlEscape(cut(model.legendTitle, 28))}</text>`);
  model.legend.forEach((entry, k) => {
    const ly = top + 14 + k * 20;
    parts.push(`<rect x="${lx}" y="${ly}" width="14" height="14" fill="${entry.color}" stroke="#333"/>`);
    parts.push(`<text x="${lx + 20}" y="${ly + 11}">${xmlEscape(cut(entry.label, 28))}</text>`);
  });
  if (order.length < nodes.length) {
    parts.push(`<text x="8" y="${height - 6}" fill="#555">${order.length} of ${nodes.length} processes shown (${order.length >= MAX_STATIC_ROWS ? `first ${MAX_STATIC_ROWS} rows of the open tree` : "others folded"})</text>`);
  }
  parts.push(`</svg>`);
  return { svg: parts.join(""), shown: order.length };
}

const MAX_STATIC_TABLE_ROWS = 500;

function staticTable(model: PlotModel): string {
  const rows = model.nodes.slice(0, MAX_STATIC_TABLE_ROWS).map((n) => {
    const cells = [String(n.l), `${"\u00a0\u00a0".repeat(Math.max(0, n.l - 1))}${n.n}${n.x ? " (inferred)" : ""}`, n.i, n.c, ...(model.tableColumns.length > 7 ? [n.g] : []), n.u, n.t];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  });
  const more = model.nodes.length > MAX_STATIC_TABLE_ROWS ? `<p>${model.nodes.length - MAX_STATIC_TABLE_ROWS} more processes not listed.</p>` : "";
  return (
    `<table class="hl-pt-static-table"><thead><tr>${model.tableColumns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>${more}`
  );
}

// ---------------------------------------------------------------------------
// The live view.

function css(r: string, height: number): string {
  return `
${r} .hl-pt-wrap{display:flex;flex-direction:column;gap:6px}
${r} .hl-pt-bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;font-size:12px}
${r} .hl-pt-bar button{font-size:12px}
${r} .hl-pt-main{display:flex;gap:8px;align-items:stretch}
${r} .hl-pt-cy{flex:1;min-width:0;height:${height}px;position:relative;border:1px solid var(--jp-border-color2,#ddd);background:var(--jp-layout-color0,#fff)}
${r} .hl-pt-side{width:230px;flex:none;display:flex;flex-direction:column;gap:8px;max-height:${height}px;overflow:auto}
${r} .hl-pt-legend-row{display:flex;gap:6px;align-items:center;font-size:12px}
${r} .hl-pt-swatch{width:12px;height:12px;border:1px solid #333;flex:none}
${r} .hl-pt-details{font-size:12px;white-space:pre-wrap;word-break:break-word}
${r} .hl-pt-details b{display:block;margin-top:4px}
${r} .hl-pt-tip{position:absolute;z-index:10;pointer-events:none;max-width:480px;background:rgba(30,30,30,.92);color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;white-space:pre-wrap;word-break:break-word;display:none}
${r} .hl-pt-table-wrap{max-height:320px;overflow:auto;border:1px solid var(--jp-border-color2,#ddd)}
${r} table.hl-pt-table,${r} table.hl-pt-static-table{border-collapse:collapse;font-size:12px;width:100%}
${r} table.hl-pt-table th,${r} table.hl-pt-table td,${r} table.hl-pt-static-table th,${r} table.hl-pt-static-table td{border-bottom:1px solid var(--jp-border-color2,#eee);padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;word-break:break-word}
${r} table.hl-pt-table th{position:sticky;top:0;background:var(--jp-layout-color2,#f3f3f3)}
${r} table.hl-pt-table tr{cursor:pointer}
${r} table.hl-pt-table tr.hl-pt-selected td{background:#ffe9a8;color:#000}
`;
}

/** Client script body (runs as `function (container, data, libs, view)`). */
const SCRIPT = String.raw`
var nodes = data.nodes, kids = data.children;
var wrap = view.el("div", "hl-pt-wrap");
var bar = view.el("div", "hl-pt-bar");
var main = view.el("div", "hl-pt-main");
var box = view.el("div", "hl-pt-cy");
var side = view.el("div", "hl-pt-side");
var tip = view.el("div", "hl-pt-tip");
var details = view.el("div", "hl-pt-details", "Click a process for its details; double-click to open or close its subtree.");
var count = view.el("span", "hl-pt-count");
function button(text, title, fn) { var b = view.el("button", "hl-pt-btn", text); b.type = "button"; b.title = title; b.addEventListener("click", fn); bar.appendChild(b); return b; }
container.style.height = "auto";
container.style.border = "none";
container.appendChild(wrap);
wrap.appendChild(bar);
wrap.appendChild(main);
main.appendChild(box);
main.appendChild(side);
box.appendChild(tip);
var legendBox = view.el("div", "hl-pt-legend");
legendBox.appendChild(view.el("b", null, data.legendTitle));
data.legend.forEach(function (e) {
  var row = view.el("div", "hl-pt-legend-row");
  var sw = view.el("span", "hl-pt-swatch");
  sw.style.background = e.color;
  row.appendChild(sw);
  row.appendChild(view.el("span", null, e.label));
  legendBox.appendChild(row);
});
side.appendChild(legendBox);
side.appendChild(details);

// Visible set: a node is shown when every ancestor is expanded.
var expanded = new Uint8Array(nodes.length);
function initial() { expanded.fill(0); data.expanded.forEach(function (i) { expanded[i] = 1; }); }
initial();
var cy = libs.cytoscape({
  container: box,
  elements: [],
  minZoom: 0.05, maxZoom: 3, wheelSensitivity: 0.3,
  style: [
    { selector: "node", style: { shape: "round-rectangle", width: "label", height: 30, "padding": "6px", "background-color": "data(k)", "border-width": 1, "border-color": "#333",
      label: "data(label)", "text-wrap": "wrap", "text-valign": "center", "text-halign": "center", "font-size": 10, color: "data(ink)" } },
    { selector: "node[x = 1]", style: { "border-style": "dashed" } },
    { selector: "node.collapsed", style: { "border-width": 3 } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#d62728", "overlay-opacity": 0 } },
    { selector: "edge", style: { width: 1, "line-color": "#999", "target-arrow-shape": "triangle", "target-arrow-color": "#999", "curve-style": "bezier", "arrow-scale": 0.7 } }
  ]
});
function ink(hex) { var n = parseInt(hex.slice(1), 16); var lum = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255; return lum > 0.6 ? "#111" : "#fff"; }
function hiddenKids(i) { return expanded[i] ? 0 : kids[i].length; }
function label(i) { var n = nodes[i]; var h = hiddenKids(i); return n.n + "\n" + n.i + (h ? "  +" + h : ""); }
function visibleSet() {
  var out = [];
  var stack = [];
  for (var i = nodes.length - 1; i >= 0; i--) if (nodes[i].p < 0) stack.push(i);
  while (stack.length) {
    var i2 = stack.pop();
    out.push(i2);
    if (expanded[i2]) for (var k = kids[i2].length - 1; k >= 0; k--) stack.push(kids[i2][k]);
  }
  return out;
}
var shown = new Uint8Array(nodes.length);
function render(focus) {
  var want = visibleSet();
  var keep = new Uint8Array(nodes.length);
  want.forEach(function (i) { keep[i] = 1; });
  cy.batch(function () {
    cy.nodes().forEach(function (n) { if (!keep[+n.id()]) { n.remove(); shown[+n.id()] = 0; } });
    var add = [];
    want.forEach(function (i) {
      if (shown[i]) return;
      shown[i] = 1;
      var n = nodes[i];
      add.push({ group: "nodes", data: { id: String(i), label: label(i), k: n.k, ink: ink(n.k), x: n.x } });
    });
    // Edges last-first: dagre then lays siblings out left to right in time order.
    for (var w = want.length - 1; w >= 0; w--) {
      var i3 = want[w], p = nodes[i3].p;
      if (p >= 0 && keep[p] && cy.getElementById("e" + i3).empty()) add.push({ group: "edges", data: { id: "e" + i3, source: String(p), target: String(i3) } });
    }
    cy.add(add);
    want.forEach(function (i) {
      var el = cy.getElementById(String(i));
      el.data("label", label(i));
      if (hiddenKids(i)) el.addClass("collapsed"); else el.removeClass("collapsed");
    });
  });
  cy.layout({ name: "dagre", rankDir: "TB", nodeSep: 12, rankSep: 40, animate: false, fit: !focus }).run();
  if (focus) cy.center(cy.getElementById(String(focus)));
  count.textContent = want.length + " of " + nodes.length + " processes shown";
  container.setAttribute("data-visible-nodes", String(want.length));
}
function setExpanded(i, open) {
  if (!kids[i].length) return;
  expanded[i] = open ? 1 : 0;
  render(i);
  showDetails(i);
}
function expandTo(i) {
  var p = nodes[i].p, changed = false;
  while (p >= 0) { if (!expanded[p]) { expanded[p] = 1; changed = true; } p = nodes[p].p; }
  if (changed) render(i);
}
var toggle = null;
function showDetails(i) {
  var n = nodes[i];
  details.textContent = "";
  var fields = [["Process", n.f || n.n], ["PID", n.i], ["Command line", n.c], ["User", n.u], ["Time", n.t], [data.legendTitle, n.g], ["Level", String(n.l)]];
  if (n.x) fields.push(["Note", "Inferred parent: not in the data"]);
  fields.forEach(function (f) { if (f[1] === "") return; details.appendChild(view.el("b", null, f[0])); details.appendChild(view.el("span", null, f[1])); });
  if (kids[i].length) {
    toggle = view.el("button", "hl-pt-toggle", expanded[i] ? "Collapse subtree" : "Expand (" + kids[i].length + " children)");
    toggle.type = "button";
    toggle.addEventListener("click", function () { setExpanded(i, !expanded[i]); });
    details.appendChild(view.el("div"));
    details.appendChild(toggle);
  }
}
var rows = null, selectedRow = null;
function select(i, fromTable) {
  expandTo(i);
  cy.$(":selected").unselect();
  var el = cy.getElementById(String(i));
  el.select();
  showDetails(i);
  container.setAttribute("data-selected", String(i));
  if (rows) {
    if (selectedRow) { selectedRow.classList.remove("hl-pt-selected"); selectedRow.removeAttribute("aria-selected"); }
    selectedRow = rows[i];
    selectedRow.classList.add("hl-pt-selected");
    selectedRow.setAttribute("aria-selected", "true");
    if (!fromTable && selectedRow.scrollIntoView) selectedRow.scrollIntoView({ block: "nearest" });
  }
}
cy.on("tap", "node", function (e) { select(+e.target.id(), false); });
cy.on("dbltap", "node", function (e) { var i = +e.target.id(); setExpanded(i, !expanded[i]); });
cy.on("mouseover", "node", function (e) {
  var n = nodes[+e.target.id()];
  tip.textContent = n.n + "  [" + n.i + "]" + (n.c ? "\n" + n.c : "") + (n.u ? "\nUser: " + n.u : "") + (n.t ? "\nTime: " + n.t : "");
  var p = e.target.renderedPosition();
  tip.style.left = Math.min(p.x + 12, box.clientWidth - 200) + "px";
  tip.style.top = (p.y + 18) + "px";
  tip.style.display = "block";
});
cy.on("mouseout", "node", function () { tip.style.display = "none"; });
button("Fit", "Fit the tree in the view", function () { cy.fit(undefined, 20); });
button("Reset", "Back to the initial view", function () { initial(); render(); });
var all = button("Expand all", "Open every subtree", function () { expanded.fill(1); render(); });
if (nodes.length > data.maxExpandAll) { all.disabled = true; all.title = "Too many processes to show at once (" + nodes.length + "); open subtrees one by one"; }
bar.appendChild(count);

if (data.showTable) {
  var tw = view.el("div", "hl-pt-table-wrap");
  var table = view.el("table", "hl-pt-table");
  var head = view.el("tr");
  data.tableColumns.forEach(function (c) { head.appendChild(view.el("th", null, c)); });
  var thead = view.el("thead"); thead.appendChild(head); table.appendChild(thead);
  var tbody = view.el("tbody");
  rows = nodes.map(function (n, i) {
    var tr = view.el("tr");
    tr.setAttribute("data-node", String(i));
    var cells = [String(n.l), "\u00a0\u00a0".repeat(Math.max(0, n.l - 1)) + n.n + (n.x ? " (inferred)" : ""), n.i, n.c];
    if (data.legendCol) cells.push(n.g);
    cells.push(n.u, n.t);
    cells.forEach(function (c) { tr.appendChild(view.el("td", null, c)); });
    tr.addEventListener("click", function () { select(i, true); });
    tbody.appendChild(tr);
    return tr;
  });
  table.appendChild(tbody);
  tw.appendChild(table);
  wrap.appendChild(tw);
}
render();
view.root.huntlabProcessTree = { cy: cy, select: select, setExpanded: setExpanded, nodes: nodes };
`;

/** A process-tree plot that displays itself (Cytoscape + static PNG + text). */
export class ProcessTreePlot implements Displayable {
  readonly processes: number;
  readonly title: string;
  private readonly view: HtmlView;
  private readonly summary: string;

  constructor(view: HtmlView, processes: number, title: string, summary: string) {
    this.view = view;
    this.processes = processes;
    this.title = title;
    this.summary = summary;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.view[JUPYTER_DISPLAY]();
  }

  [inspect.custom](): string {
    return this.summary;
  }

  /** The HTML output (a new element id each call). */
  toHtml(): string {
    return this.view.toHtml();
  }

  toString(): string {
    return this.view.toText();
  }
}

/**
 * An interactive process tree (see the module comment). `tree` is a built
 * tree (`buildProcessTree`) or raw process events, which are built first.
 */
export function plotProcessTree(tree: pl.DataFrame, options: ProcessTreePlotOptions = {}): ProcessTreePlot {
  const model = prepareModel(tree, options);
  const title = options.title ?? "Process tree";
  const height = options.height ?? Math.min(600, Math.max(250, model.visibleLevels * 90 + 60));
  if (!(height >= 150)) throw new ProcessTreePlotError(`height must be at least 150 pixels, not ${options.height}.`);
  const width = options.width ?? 900;
  if (!(width >= 400)) throw new ProcessTreePlotError(`width must be at least 400 pixels, not ${options.width}.`);
  const { svg, shown } = staticSvg(model, title, Math.round(width));
  const png = svgToPng(svg);
  const roots = model.nodes.filter((n) => n.p < 0).length;
  const summary = `Process tree: ${model.nodes.length} processes, ${roots} root(s), depth ${model.maxLevel}${options.legendCol ? `, coloured by ${options.legendCol}` : ""}`;
  const text = [summary, ...model.nodes.slice(0, 40).map((n) => `${"  ".repeat(n.l - 1)}${n.n} [${n.i}]${n.x ? " (inferred)" : ""}`), ...(model.nodes.length > 40 ? [`… ${model.nodes.length - 40} more`] : [])].join("\n");
  const view = new HtmlView({
    kind: "process-tree",
    title,
    libraries: ["cytoscape-dagre"],
    data: {
      nodes: model.nodes,
      children: model.children,
      legend: model.legend,
      legendTitle: model.legendTitle,
      legendCol: options.legendCol ?? null,
      expanded: Array.from(model.expanded.keys()).filter((i) => model.expanded[i] === 1),
      showTable: !!options.showTable,
      tableColumns: model.tableColumns,
      maxExpandAll: 3000,
    },
    script: SCRIPT,
    css: (scope) => css(scope, height),
    height,
    fallback: {
      png,
      alt: `${title}: ${shown} of ${model.nodes.length} processes`,
      width: Math.round(width),
      html: options.showTable ? staticTable(model) : undefined,
    },
    text,
  });
  return new ProcessTreePlot(view, model.nodes.length, title, summary);
}
