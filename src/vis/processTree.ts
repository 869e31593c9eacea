/**
 * `plotProcessTree(tree, options)`: an interactive process tree, after
 * MSTICPy's `plot_process_tree` (Bokeh there).
 *
 * - Cytoscape with a tidy top-down tree layout: one box per process with
 *   its short image name and PID, coloured by `legendCol` (categories with a
 *   legend; numbers on a colour ramp) or, by default, by level.
 * - Hover shows the command line; selecting a process (click) shows its
 *   details and highlights its row in the optional linked table (and clicking
 *   a table row selects the process). Where the data records process ends
 *   (Sysmon 5: `ProcessEndTime`), the tip, details and tables say when each
 *   process ended and how long it ran, or that no end was seen (the static
 *   image, which shows no times, is the same). Double-click, or the
 *   Expand/Collapse button, opens or closes a subtree; collapsed processes
 *   show "+N".
 * - Large trees open folded: processes are opened breadth first while at
 *   most `maxInitialNodes` are visible, so 10,000 processes stay usable.
 * - Static fallback (GitHub, nbviewer, untrusted notebooks): a PNG of the
 *   same initially visible tree drawn in Node, plus the table as HTML when
 *   `showTable` is set; without it, the first processes as a collapsible table
 *   (`hl-view-textalt`: it stays under the live view, for screen readers).
 *
 * The live view is `client/views/processTree.ts`; data reaches it as JSON and
 * the DOM as revealed text. Static markup (table, image SVG) is built with the
 * `html` template, which escapes and reveals every value.
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { isTemporalType, isTextType, msTimeTexts } from "../common/dtypes";
import { ProcessTreePlotError, visMessages as msg } from "./messages";
import { columnNames, columnOf, exactValues, frameHeight, hasColumn, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { html, isolatedText, type SafeHtml } from "../display/html";
import { THEME } from "../display/theme";
import { revealHidden, revealLines } from "../common/hiddenChars";
import { buildProcessTree, builtSchemaOf, inHuntlabNames } from "../transform/processTree";
import { lifetimeText, NO_END_TEXT, startTimesOf, timesOf } from "../transform/processLifetime";
import { PROCESS_END_COLUMN } from "../data/schemas/processEnds";
import { inferSchema, rowSchemas, type ProcSchema } from "../transform/processTreeSchema";
import type { LegendEntry, ProcessNode, ProcessTreeWire } from "./client/views/processTree";
import { encodeProcesses, type EndInstants } from "./client/processTreeWire";
import { indent, inkOn } from "./client/processTreeText";
import { CHILD_PAGE } from "./client/processTreeFolding";
import { estimateTextWidth } from "./client/graphElements";
import { HtmlView, type HtmlViewSpec } from "../display/htmlView";
import { svgToPng } from "./png";
import { MAX_VIEW_PIXELS, checkOptionTypes, type OptionTypesOf } from "./options";
import { cutText } from "../common/cutText";
import { shownText } from "../common/shownText";
import { compareText } from "../common/textOrder";
import { UTC_ZONE, chartZone, type ChartZone } from "./timeZone";
import { wallTimeText } from "./client/timeText";

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
  /** Open the tree to this many levels (1: roots only, folded; a whole number ≥ 1 or Infinity). Default: open processes breadth first while at most `maxInitialNodes` are visible. */
  expandDepth?: number;
  /** Visible processes aimed at when opening a large tree (a whole number ≥ 1 or Infinity). Default 300. */
  maxInitialNodes?: number;
  /** Cut command lines to this many characters (hover, details, table; a whole number ≥ 1 or Infinity). Default 1,000. */
  maxCmdLength?: number;
  /**
   * The time zone of the processes' times (hover, details, table): `"UTC"` or an IANA zone name
   * (`"Europe/Berlin"`). Outside UTC a time column's times are the zone's wall clock with their UTC offset
   * (`2026-03-29 03:30:00.000+02:00`) and the table's column is `Time (Europe/Berlin)`; a time column of text
   * or dates is shown as it is. An unknown name is a `vis/tree-plot-option` error. Default `"UTC"` (times
   * as ever: naive ones as they are, zoned ones in their own zone with its offset).
   */
  timeZone?: string;
}

export { ProcessTreePlotError } from "./messages";

const TREE_COLUMNS = ["proc_key", "parent_key", "IsRoot", "IsLeaf", "IsBranch", "path", "Level"];
const CATEGORY_COLORS = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F77B4", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#AEC7E8"];
/** Viridis at 9 stops, for levels and numeric legend columns. */
const VIRIDIS = ["#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962", "#ADDC30", "#FDE725"];
const OTHER_COLOR = "#A0A0A0";
const INFERRED_COLOR = "#FFFFFF";
const MAX_CATEGORIES = CATEGORY_COLORS.length;
/** Levels with a colour of their own (and a legend entry) when colouring by level. */
const MAX_LEVEL_COLOURS = 12;
/** Above this many processes the live view disables "Expand all". */
const MAX_EXPAND_ALL = 3000;

function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  return VIRIDIS[Math.round(x)];
}


/**
 * A column as display text (times as `YYYY-MM-DD hh:mm:ss.sss`, zoned ones with their offset; outside UTC, `zone`'s
 * wall clock with the offset), cut to `max` characters; "" for a missing column.
 */
function columnText(df: pl.DataFrame, column: string | undefined, max = 1000, zone: ChartZone = UTC_ZONE): string[] {
  if (!column || !hasColumn(df, column)) return new Array<string>(frameHeight(df)).fill("");
  const s = columnOf(df, column);
  if (!zone.utc && s.dtype.variant === "Datetime") {
    const ms = pl.DataFrame([s.rename("v")]).select(pl.col("v").cast(pl.Datetime("ms")).cast(pl.Int64).cast(pl.Float64)).getColumn("v").toArray() as unknown as (number | null)[];
    // Written as a zoned column's times are (`…03:30:00.000+02:00`).
    return ms.map((v) => (v === null || !Number.isFinite(v) ? "" : wallTimeText(v, zone.offsetAt(v))));
  }
  const values = (isTemporalType(s.dtype)
    ? msTimeTexts(s)
    : exactValues(s)) as unknown as unknown[]; // exact: Falcon's process ids pass 2^53, where JS numbers round
  return values.map((v) => {
    const text = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    return cutText(text, max);
  });
}

// ---------------------------------------------------------------------------
// The view model, step by step: tree frame → rows → links and levels →
// colours → nodes → children (the edges) → folding plan → legend.
// Trees may hold 100,000+ processes (or one parent with as many children):
// no step spreads a data-sized array into a call's arguments.

/** The process columns of a tree as display text, one entry per row. */
export interface ProcessRows {
  keys: string[];
  parentKeys: (string | null)[];
  /** Full image path. */
  full: string[];
  /** Image name after the last path separator. */
  short: string[];
  pids: string[];
  cmds: string[];
  users: string[];
  times: string[];
  /** Inferred parents (in the tree, not in the data). */
  inferred: boolean[];
  /** When each process ended and how long it ran: only where the tree has a `ProcessEndTime` with any value. */
  ends?: ProcessEnds;
}

/** End times and lifetimes of a tree's processes, one entry per row. */
export interface ProcessEnds {
  /** End time texts, as the start times are written; "" where the data has no end. */
  times: string[];
  /** `ran 8 s`; `no end seen`; why there is no lifetime (an end before the start); "" when the start is unknown. */
  lifetimes: string[];
  /** The ends' instants (a time column only), for the wire to send them as numbers the page writes in the zone. */
  instants?: EndInstants;
}

/**
 * The ends of a tree's processes (Sysmon 5: `ProcessEndTime`, src/data/schemas/processEnds.ts), or undefined
 * when it has no such column or no value in it: a tree without ends is drawn as before, its payload unchanged.
 * The lifetime is read as treeToText reads it (transform/processLifetime.ts); an end before its start (clock
 * skew, forged events) is shown as it is, said to be out of order, with no lifetime.
 */
export function processEnds(tree: pl.DataFrame, schema: Partial<ProcSchema>, zone: ChartZone = UTC_ZONE): ProcessEnds | undefined {
  if (!hasColumn(tree, PROCESS_END_COLUMN)) return undefined;
  const series = columnOf(tree, PROCESS_END_COLUMN);
  if (series.nullCount() === series.len()) return undefined;
  // Written as the start times are: in the tree's zone, with its offset, outside UTC.
  const times = columnText(tree, PROCESS_END_COLUMN, 40, zone);
  if (!times.some((t) => t !== "")) return undefined;
  // A time column gives lifetimes; a text one (a frame not read by huntlab) only its texts.
  const endMs = timesOf(tree, PROCESS_END_COLUMN);
  const starts = endMs && startTimesOf(tree, schema);
  const lifetimes = times.map((t, i) => (t === "" ? NO_END_TEXT : endMs ? lifetimeText(starts?.[i] ?? null, endMs[i]) : ""));
  // Outside UTC the page writes each end with the zone's offset, as `times` has it.
  return endMs ? { times, lifetimes, instants: { ms: endMs, ...(zone.utc ? {} : { offsetAt: zone.offsetAt }) } } : { times, lifetimes };
}

/** The built tree (raw events are built first) and its column mapping; checks `legendCol`. */
export function treeFrame(input: pl.DataFrame, options: ProcessTreePlotOptions): { tree: pl.DataFrame; schema: Partial<ProcSchema> } {
  if (!isDataFrame(input)) throw new ProcessTreePlotError(msg.treePlotInput(notAFrameText(input)));
  checkOptionTypes(
    options,
    { legendCol: "column", showTable: "boolean", title: "string", height: "number", width: "number", schema: "object", expandDepth: "count", maxInitialNodes: "count", maxCmdLength: "count", timeZone: "string" } satisfies OptionTypesOf<ProcessTreePlotOptions>,
    { view: "plotProcessTree", code: "vis/tree-plot-option", error: (m) => new ProcessTreePlotError(m) },
  );
  // Columns through common/frames: a column may be called `columns`, `height`… (polars' proxy answers those).
  const built = !TREE_COLUMNS.every((c) => hasColumn(input, c));
  const tree = built ? buildProcessTree(input, { schema: options.schema }) : input;
  // The schema the tree was built with (here, or by the caller's buildProcessTree), in the tree's names: a
  // column named like an output column (osquery's `path`, the image) is read where the build kept it (`path_source`).
  const schema: Partial<ProcSchema> = { ...(inferSchema(columnNames(tree)) ?? {}), ...(builtSchemaOf(tree) ?? {}), ...(built ? {} : inHuntlabNames(options.schema ?? {})) };
  if (options.legendCol && !hasColumn(tree, options.legendCol)) {
    throw new ProcessTreePlotError(msg.treePlotLegendColumn(options.legendCol, columnNames(tree)));
  }
  return { tree, schema };
}

/** Step 1: the rows. */
export function processRows(tree: pl.DataFrame, schema: Partial<ProcSchema>, maxCmdLength = 1000, zone: ChartZone = UTC_ZONE): ProcessRows {
  // A tree of two layouts' rows (Wazuh Sysmon 1 and 4688): each row's texts from its own layout's columns.
  const perRow = rowSchemas(tree, schema);
  const byColumn = new Map<string, string[]>();
  const text = (column: string | undefined, max: number, field: "processName" | "processId" | "cmdLine" | "userName" | "timeStamp"): string[] => {
    // Only the times are shown in the chart's zone.
    const inZone = field === "timeStamp" ? zone : UTC_ZONE;
    const own = columnText(tree, column, max, inZone);
    if (!perRow) return own;
    return own.map((v, i) => {
      if (perRow[i] === schema) return v;
      const c = perRow[i][field];
      if (!c) return "";
      if (!byColumn.has(`${c}|${max}|${inZone.utc}`)) byColumn.set(`${c}|${max}|${inZone.utc}`, columnText(tree, c, max, inZone));
      return byColumn.get(`${c}|${max}|${inZone.utc}`)![i];
    });
  };
  const full = text(schema.processName, 400, "processName");
  const sep = schema.pathSeparator ?? "\\";
  const short = full.map((f) => {
    // A Unix path (the schema's separator is "/", or it starts at "/") cuts at "/" only: there a backslash is
    // part of a file name, and `/tmp/x\\sshd` must not show as "sshd". Windows paths cut at either separator.
    const unix = sep === "/" || f.startsWith("/");
    const cut = unix ? f.lastIndexOf("/") : Math.max(f.lastIndexOf(sep), f.lastIndexOf("/"), f.lastIndexOf("\\"));
    return cut >= 0 ? f.slice(cut + 1) : f;
  });
  return {
    keys: columnOf(tree, "proc_key").toArray() as unknown as string[],
    parentKeys: columnOf(tree, "parent_key").toArray() as unknown as (string | null)[],
    full,
    short,
    pids: text(schema.processId, 40, "processId"),
    cmds: text(schema.cmdLine, maxCmdLength, "cmdLine"),
    users: text(schema.userName, 200, "userName"),
    times: text(schema.timeStamp, 40, "timeStamp"),
    inferred: hasColumn(tree, "IsInferred") ? (columnOf(tree, "IsInferred").toArray() as unknown as boolean[]).map(Boolean) : new Array<boolean>(frameHeight(tree)).fill(false),
    ends: processEnds(tree, schema, zone),
  };
}

/** Step 2a: each row's parent row (-1 for a root or a parent outside this frame); the first row of a key wins. */
export function parentPositions(keys: readonly string[], parentKeys: readonly (string | null)[]): number[] {
  const position = new Map<string, number>();
  keys.forEach((k, i) => {
    if (!position.has(k)) position.set(k, i);
  });
  return parentKeys.map((p) => (p === null || p === undefined ? -1 : (position.get(p) ?? -1)));
}

/**
 * Step 2b: levels from the links within this frame, so a subtree
 * (`ptree.getDescendents` of a branch) starts at level 1. A parent cycle
 * (possible with coarse times) is cut where it closes, so every process is
 * drawn: the returned `parents` have the cut links as -1.
 */
export function treeLevels(parentPos: readonly number[]): { parents: number[]; levels: number[] } {
  const parents = parentPos.slice();
  const levels = new Array<number>(parents.length).fill(0);
  for (let i = 0; i < parents.length; i += 1) {
    while (!levels[i]) {
      const chain: number[] = [];
      const onChain = new Set<number>();
      let at = i;
      while (at >= 0 && !levels[at] && !onChain.has(at)) {
        onChain.add(at);
        chain.push(at);
        at = parents[at];
      }
      if (at >= 0 && onChain.has(at)) {
        parents[at] = -1; // a cycle: cut it here and walk again
        continue;
      }
      let level = at >= 0 ? levels[at] : 0;
      for (let k = chain.length - 1; k >= 0; k -= 1) {
        level = parents[chain[k]] < 0 ? 1 : level + 1;
        levels[chain[k]] = level;
      }
    }
  }
  return { parents, levels };
}

/** Box colours, the legend value of each process, and the legend (before the "inferred parent" entry). */
export interface Colouring {
  colors: string[];
  values: string[];
  legend: LegendEntry[];
  title: string;
  /** Range of a numeric legend column. */
  numeric?: { min: number; max: number };
}

/** Smallest and largest finite value (a loop: `Math.min(...values)` overflows the stack on large columns). */
export function numericRange(values: readonly (number | null)[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

function levelColor(level: number, maxLevel: number): string {
  return ramp(maxLevel > 1 ? (level - 1) / (maxLevel - 1) : 0);
}

function maxOf(levels: readonly number[]): number {
  let max = 1;
  for (const l of levels) if (l > max) max = l;
  return max;
}

/** Step 3 (default): colours by level, up to 12 levels in the legend. */
export function levelColouring(levels: readonly number[]): Colouring {
  // The ramp spans at most 12 levels, deeper ones share its last colour: spread over a
  // 20,000-level chain, the first hundred levels all got the ramp's first colour.
  const deepest = maxOf(levels);
  const span = Math.min(deepest, MAX_LEVEL_COLOURS);
  const distinct = [...new Set(levels)].sort((a, b) => a - b).slice(0, MAX_LEVEL_COLOURS);
  return {
    colors: levels.map((l) => levelColor(Math.min(l, span), span)),
    values: levels.map(String),
    legend: distinct.map((l) => ({ label: l === MAX_LEVEL_COLOURS && deepest > l ? `Level ${l}+` : `Level ${l}`, color: levelColor(l, span) })),
    title: "Level",
  };
}

/** Step 3 (numeric `legendCol`): a colour ramp from the smallest to the largest value. */
function numericColouring(series: pl.Series, column: string, values: string[]): Colouring {
  const numbers = series.cast(pl.Float64).toArray() as unknown as (number | null)[];
  const { min, max } = numericRange(numbers) ?? { min: 0, max: 1 };
  return {
    colors: numbers.map((v) => (v === null || !Number.isFinite(v) ? OTHER_COLOR : ramp(max > min ? (v - min) / (max - min) : 0.5))),
    values,
    legend: VIRIDIS.map((c, k) => ({ label: k === 0 ? String(min) : k === VIRIDIS.length - 1 ? String(max) : "", color: c })),
    title: column,
    numeric: { min, max },
  };
}

/** Step 3 (text `legendCol`): the most frequent values get a colour each, the rest share "other". */
function categoryColouring(column: string, values: string[], inferred: readonly boolean[]): Colouring {
  const counts = new Map<string, number>();
  values.forEach((v, i) => {
    if (!inferred[i]) counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  const ordered = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || compareText(a, b));
  const top = ordered.slice(0, MAX_CATEGORIES);
  const colorOf = new Map(top.map((v, k) => [v, CATEGORY_COLORS[k]]));
  const legend = top.map((v) => ({ label: v === "" ? "(empty)" : v, color: colorOf.get(v) as string }));
  if (ordered.length > top.length) legend.push({ label: `other (${ordered.length - top.length} values)`, color: OTHER_COLOR });
  return { colors: values.map((v, i) => (inferred[i] ? INFERRED_COLOR : (colorOf.get(v) ?? OTHER_COLOR))), values, legend, title: column };
}

/** Step 3: colours by `legendCol` (numbers on a ramp, text by category) or by level. */
export function colouring(tree: pl.DataFrame, legendCol: string | undefined, levels: readonly number[], inferred: readonly boolean[]): Colouring {
  if (!legendCol) return levelColouring(levels);
  const series = columnOf(tree, legendCol);
  const values = columnText(tree, legendCol, 120);
  const numeric = !isTextType(series.dtype) && !isTemporalType(series.dtype) && /^(U?Int|Float)/.test(series.dtype.variant);
  return numeric ? numericColouring(series, legendCol, values) : categoryColouring(legendCol, values, inferred);
}

/** Step 4: the nodes the client gets. */
export function treeNodes(rows: ProcessRows, parents: readonly number[], levels: readonly number[], colours: Colouring): ProcessNode[] {
  const { ends } = rows;
  return rows.keys.map((_, i) => {
    const node: ProcessNode = {
      p: parents[i],
      n: rows.short[i] || "(unknown)",
      f: rows.full[i],
      i: rows.pids[i],
      c: rows.cmds[i],
      u: rows.users[i],
      t: rows.times[i],
      l: levels[i],
      k: colours.colors[i],
      g: colours.values[i],
      x: rows.inferred[i] ? 1 : 0,
    };
    // Only where the tree has ends: other trees' nodes (and payload) stay as they were.
    if (ends) {
      node.e = ends.times[i];
      node.d = ends.lifetimes[i];
    }
    return node;
  });
}

/** Step 5: each process's children in row (time) order: the edges. */
export function childLists(nodes: readonly { p: number }[]): number[][] {
  const children: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    if (node.p >= 0) children[node.p].push(i);
  });
  return children;
}

function rootsOf(nodes: readonly { p: number }[]): number[] {
  const roots: number[] = [];
  nodes.forEach((n, i) => {
    if (n.p < 0) roots.push(i);
  });
  return roots;
}

/**
 * Step 6: which processes are open at first. Everything for small trees;
 * otherwise processes are opened breadth first while the visible count stays
 * within `maxInitialNodes` (or, with `expandDepth`, every level above it).
 */
export function initialFolding(nodes: readonly { p: number; l: number }[], children: readonly (readonly number[])[], options: Pick<ProcessTreePlotOptions, "expandDepth" | "maxInitialNodes">): Uint8Array {
  const { expandDepth } = options;
  const maxInitial = options.maxInitialNodes ?? 300;
  if (expandDepth !== undefined && !(expandDepth >= 1)) throw new ProcessTreePlotError(msg.treePlotOption("expandDepth", "1 or more", expandDepth));
  const expanded = new Uint8Array(nodes.length);
  if (expandDepth !== undefined) {
    nodes.forEach((node, i) => (expanded[i] = node.l < expandDepth ? 1 : 0));
    return expanded;
  }
  if (nodes.length <= maxInitial) return expanded.fill(1);
  const queue = rootsOf(nodes);
  let visible = queue.length;
  for (let q = 0; q < queue.length; q += 1) {
    const kids = children[queue[q]];
    if (!kids.length || visible + kids.length > maxInitial) continue;
    expanded[queue[q]] = 1;
    visible += kids.length;
    for (const k of kids) queue.push(k);
  }
  return expanded;
}

/** Step 6b: the processes visible at first, and the deepest open level (for the default height). */
export function initiallyVisible(nodes: readonly { p: number; l: number }[], children: readonly (readonly number[])[], expanded: Uint8Array): { isVisible: Uint8Array; openLevels: number } {
  const isVisible = new Uint8Array(nodes.length);
  const stack = rootsOf(nodes);
  let openLevels = 1;
  while (stack.length) {
    const i = stack.pop() as number;
    isVisible[i] = 1;
    if (nodes[i].l > openLevels) openLevels = nodes[i].l;
    if (expanded[i]) for (const k of children[i]) stack.push(k);
  }
  return { isVisible, openLevels };
}

/** Step 7: the legend, with an entry for inferred parents when there are any. */
export function legendEntries(colours: Colouring, inferred: readonly boolean[]): LegendEntry[] {
  return inferred.some(Boolean) ? [...colours.legend, { label: "inferred parent", color: INFERRED_COLOR }] : colours.legend;
}

/** Everything the live view and the static fallback are drawn from. */
export interface ProcessTreeModel {
  nodes: ProcessNode[];
  children: number[][];
  legend: LegendEntry[];
  legendTitle: string;
  numericLegend?: { min: number; max: number };
  /** Processes open at first (1). */
  expanded: Uint8Array;
  /** Processes visible at first (1). */
  isVisible: Uint8Array;
  maxLevel: number;
  tableColumns: string[];
  /** The table has a `legendCol` column. */
  legendInTable: boolean;
  /** The tree's data records process ends: the tables end with Ended and Lifetime, the tips say them. */
  showsEnds: boolean;
  /** The ends' instants, where they are times: the wire sends them as numbers. */
  endInstants?: EndInstants;
  /** Levels open at first (for the default height). */
  visibleLevels: number;
}

/** The view model of a tree (or of raw process events, built into a tree first). */
export function processTreeModel(input: pl.DataFrame, options: ProcessTreePlotOptions = {}): ProcessTreeModel {
  const { tree, schema } = treeFrame(input, options);
  const zone = chartZone(options.timeZone, { view: "plotProcessTree", code: "vis/tree-plot-option", error: (m) => new ProcessTreePlotError(m) });
  const rows = processRows(tree, schema, options.maxCmdLength ?? 1000, zone);
  const { parents, levels } = treeLevels(parentPositions(rows.keys, rows.parentKeys));
  const colours = colouring(tree, options.legendCol, levels, rows.inferred);
  const nodes = treeNodes(rows, parents, levels, colours);
  const children = childLists(nodes);
  const expanded = initialFolding(nodes, children, options);
  const { isVisible, openLevels } = initiallyVisible(nodes, children, expanded);
  const legendInTable = !!options.legendCol;
  return {
    nodes,
    children,
    legend: legendEntries(colours, rows.inferred),
    legendTitle: colours.title,
    numericLegend: colours.numeric,
    expanded,
    isVisible,
    maxLevel: maxOf(levels),
    tableColumns: ["Level", "Process", "PID", "Command line", ...(legendInTable ? [options.legendCol as string] : []), "User", zone.utc ? "Time" : `Time (${zone.name})`, ...(rows.ends ? [zone.utc ? "Ended" : `Ended (${zone.name})`, "Lifetime"] : [])],
    legendInTable,
    showsEnds: !!rows.ends,
    ...(rows.ends?.instants ? { endInstants: rows.ends.instants } : {}),
    visibleLevels: openLevels,
  };
}

// ---------------------------------------------------------------------------
// Static image: one row per process, indented by level (MSTICPy's layout),
// for the initially visible processes; boxes carry name and PID, the command
// line follows on the row. The SVG goes through the `html` template too: it
// escapes for XML and reveals control and bidi characters (raw control codes
// would also make the SVG invalid).

const ROW_H = 26;
const INDENT = 28;
/** A box's width, and the most it grows to for a long PID (a 20-digit Falcon id does not fit in 150 px). */
const BOX_W = 150;
const MAX_BOX_W = 320;
/** Text inset in a box, each side. */
const BOX_PAD = 6;
const MAX_STATIC_ROWS = 200;
const LEGEND_W = 220;
const TOP = 36;
/** Font sizes (px) of the image's texts. */
const FONT = 11;
const CMD_FONT = 10;
const TITLE_FONT = 15;
/** DejaVu Sans Bold against the regular face's widths (measured with resvg: up to 1.10 for `W`). */
const BOLD = 1.12;

/**
 * `text` revealed, then cut to fit `px` pixels of DejaVu Sans at `fontSize` (widths estimated a little
 * over, estimateTextWidth). Labels were cut by characters in a fixed box: `SearchProtocolHost.exe` ran
 * over the command line beside it, and on a dark box the overflow was invisible (`Пользователь-ПК.e… 0x1150`
 * read as PID `0x1`).
 */
function fitText(text: string, px: number, fontSize: number): string {
  const shown = revealHidden(text);
  if (estimateTextWidth(shown, fontSize) <= px) return shown;
  // The longest cut that fits: cutText ends between graphemes and escapes, with its "…".
  let lo = 0;
  let hi = shown.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTextWidth(cutText(shown, mid), fontSize) <= px) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? cutText(shown, lo) : "";
}

/** Space and separators, measured with the texts around them. */
function gapWidth(fontSize: number): number {
  return estimateTextWidth("  ", fontSize);
}

/** A box's label: the PID whole (and `+N` folded children), the name cut to the room left; the box's width. */
function boxLabel(name: string, pid: string, hidden: number): { text: string; width: number } {
  const tail = [fitText(pid, MAX_BOX_W - 2 * BOX_PAD - 40, FONT), hidden ? `+${hidden}` : ""].filter(Boolean).join("  ");
  const tailW = tail ? gapWidth(FONT) + estimateTextWidth(tail, FONT) : 0;
  // Room for a few letters of the name at least: the box grows for a long PID.
  const width = Math.min(MAX_BOX_W, Math.max(BOX_W, Math.ceil(2 * BOX_PAD + tailW + 40)));
  const shownName = fitText(name, width - 2 * BOX_PAD - tailW, FONT);
  return { text: tail ? `${shownName}  ${tail}` : shownName, width };
}


/** The initially visible processes in tree order, at most `MAX_STATIC_ROWS`. */
function staticRows(model: ProcessTreeModel): number[] {
  const { nodes, children } = model;
  const order: number[] = [];
  const stack: number[] = [];
  for (let i = nodes.length - 1; i >= 0; i -= 1) if (nodes[i].p < 0) stack.push(i);
  while (stack.length && order.length < MAX_STATIC_ROWS) {
    const i = stack.pop() as number;
    order.push(i);
    const kids = children[i];
    for (let k = kids.length - 1; k >= 0; k -= 1) if (model.isVisible[kids[k]]) stack.push(kids[k]);
  }
  return order;
}

function svgTree(model: ProcessTreeModel, order: number[], treeW: number): SafeHtml[] {
  const { nodes, children } = model;
  const rowOf = new Map(order.map((i, r) => [i, r]));
  const x = (i: number): number => 8 + (nodes[i].l - 1) * INDENT;
  const y = (i: number): number => TOP + (rowOf.get(i) as number) * ROW_H;
  const parts: SafeHtml[] = [];
  // Elbow connectors from each parent's box down to its children.
  for (const i of order) {
    const p = nodes[i].p;
    if (p < 0 || !rowOf.has(p)) continue;
    parts.push(html`<path d="M${x(p) + 10} ${y(p) + ROW_H - 4} V${y(i) + ROW_H / 2 - 2} H${x(i)}" fill="none" stroke="#999" stroke-width="1"/>`);
  }
  for (const i of order) {
    const node = nodes[i];
    const hidden = children[i].filter((k) => model.isVisible[k] !== 1).length;
    const label = boxLabel(node.n, node.i, hidden);
    parts.push(html`<rect x="${x(i)}" y="${y(i)}" width="${label.width}" height="${ROW_H - 5}" rx="4" fill="${node.k}" stroke="#333" stroke-width="1"${node.x ? html` stroke-dasharray="4 3"` : ""}/>`);
    parts.push(html`<text x="${x(i) + BOX_PAD}" y="${y(i) + 15}" fill="${inkOn(node.k)}">${label.text}</text>`);
    // Only real spaces, tabs and line breaks fold into one space: JS's \s also takes U+FEFF, VT and U+2028,
    // which the table shows as escapes and the image showed as spaces (`powershell\ufeff-enc` as `powershell -enc`).
    const room = treeW - x(i) - label.width - 16;
    const cmd = node.c ? fitText(node.c.replace(/[ \t\r\n]+/g, " "), room, CMD_FONT) : "";
    if (cmd && room > 40) parts.push(html`<text x="${x(i) + label.width + 8}" y="${y(i) + 15}" fill="#333" font-size="${CMD_FONT}">${cmd}</text>`);
  }
  return parts;
}

function svgLegend(model: ProcessTreeModel, lx: number): SafeHtml {
  // The entries fit between the swatch and the image's right edge (28 characters ran off it).
  const room = LEGEND_W - 10 - 20 - 6;
  return html`<text x="${lx}" y="${TOP + 4}" font-weight="bold">${fitText(model.legendTitle, LEGEND_W - 16, FONT * BOLD)}</text>${model.legend.map((entry, k) => {
    const ly = TOP + 14 + k * 20;
    return html`<rect x="${lx}" y="${ly}" width="14" height="14" fill="${entry.color}" stroke="#333"/><text x="${lx + 20}" y="${ly + 11}">${fitText(entry.label, room, FONT)}</text>`;
  })}`;
}

function staticSvg(model: ProcessTreeModel, title: string, width: number): { svg: SafeHtml; shown: number } {
  const order = staticRows(model);
  const total = model.nodes.length;
  const treeW = width - LEGEND_W;
  const footer = order.length < total ? 22 : 6;
  const height = Math.max(TOP + order.length * ROW_H + footer, TOP + 20 * (model.legend.length + 2));
  const note = order.length >= MAX_STATIC_ROWS ? `first ${MAX_STATIC_ROWS} rows of the open tree` : "others folded";
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans" font-size="${FONT}"><rect width="100%" height="100%" fill="#ffffff"/><text x="8" y="22" font-size="${TITLE_FONT}" font-weight="bold">${fitText(title, width - 16, TITLE_FONT * BOLD)}</text>${svgTree(model, order, treeW)}${svgLegend(model, treeW + 10)}${
    order.length < total ? html`<text x="8" y="${height - 6}" fill="#555">${order.length} of ${total} processes shown (${note})</text>` : ""
  }</svg>`;
  return { svg, shown: order.length };
}

// ---------------------------------------------------------------------------
// Static table (no scripts): the first processes, escaped and revealed by the template.

const MAX_STATIC_TABLE_ROWS = 500;

/** The cells of a table row; the live table has the same (client/processTreeText.ts `tableCells`). */
function staticCells(n: ProcessNode, withLegend: boolean): string[] {
  return [String(n.l), `${indent(n.l)}${n.n}${n.x ? " (inferred)" : ""}`, n.i, n.c, ...(withLegend ? [n.g] : []), n.u, n.t, ...(n.e === undefined ? [] : [n.e, n.d ?? ""])];
}

/**
 * The process and command line cells say `text-align:left` on themselves: a notebook reopened untrusted (JupyterLab
 * strips the view's `<style>` and right-aligns every table cell) showed each name flush right, its indentation
 * (no-break spaces) on the left where nothing lines up, so the tree's shape was lost. An inline style survives
 * JupyterLab's sanitizer; with the stylesheet it says what the stylesheet does.
 */
const LEFT_CELLS = new Set([1, 3]);

/** The command line's column in a row's cells. */
const COMMAND_CELL = 3;

/** The first `maxRows` processes as a table, command lines cut at `maxCommand` characters. */
function staticTable(model: ProcessTreeModel, maxRows = MAX_STATIC_TABLE_ROWS, maxCommand = Infinity): SafeHtml {
  const cell = (c: string, i: number): SafeHtml => {
    const text = i === COMMAND_CELL && c.length > maxCommand ? cutText(c, maxCommand) : c;
    return LEFT_CELLS.has(i) ? html`<td style="text-align:left">${text}</td>` : html`<td>${text}</td>`;
  };
  // The process cell: a right-to-left name in a <bdi>, so " (inferred)" stays after it (as the live table's element).
  const nameCell = (n: ProcessNode): SafeHtml => html`<td style="text-align:left">${indent(n.l)}${isolatedText(n.n)}${n.x ? " (inferred)" : ""}</td>`;
  const rows = model.nodes.slice(0, maxRows).map((n) => html`<tr>${staticCells(n, model.legendInTable).map((c, i) => (i === 1 ? nameCell(n) : cell(c, i)))}</tr>`);
  const more = model.nodes.length - maxRows;
  return html`<table class="hl-pt-static-table"><thead><tr>${model.tableColumns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${rows}</tbody></table>${more > 0 ? html`<p>${more} more processes not listed.</p>` : ""}`;
}

/** Rows and command-line length of the text form of a tree shown without its table (a screen reader's way in; the output stays small). */
const MAX_TEXT_ALT_ROWS = 300;
const TEXT_ALT_COMMAND = 200;

/**
 * Without `showTable`, the processes (level, name, PID, command line, user, time; end and lifetime where the tree
 * has ends) as a collapsible table: the live view's copy of it (class `hl-view-textalt`) stays under the tree,
 * where a screen reader can browse what the canvas shows only through the keys and the status line. The first
 * 300 processes, command lines cut at 200 characters (a 200,000-process tree's output grows by ~100 KB at most).
 */
function textAltTable(model: ProcessTreeModel): SafeHtml {
  return html`<details class="hl-pt-static-list hl-view-textalt"><summary>Processes (${model.nodes.length})</summary><div class="hl-pt-table-wrap">${staticTable(model, MAX_TEXT_ALT_ROWS, TEXT_ALT_COMMAND)}</div></details>`;
}

// ---------------------------------------------------------------------------
// The output.

/**
 * The view's style. The table's columns are Level, Process, PID, Command line, [legendCol], User, Time, and
 * where the tree has ends (`ends`) Ended and Lifetime (the same in the static and the live table): Level, PID
 * and the times never wrap, the text columns keep a minimum width, and the command line takes the rest,
 * wrapping anywhere. One row with a 1 KB `powershell -enc` line squeezed every other column of every row to
 * 1–4 characters a line (any cell could break anywhere).
 */
function css(r: string, height: number, ends = false): string {
  return `
${r} .hl-pt-wrap{display:flex;flex-direction:column;gap:6px}
${r} .hl-pt-bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;font-size:12px}
${r} .hl-pt-bar button{font-size:12px}
${r} .hl-pt-main{display:flex;gap:8px;align-items:stretch}
${r} .hl-pt-cy{flex:1;min-width:0;height:${height}px;position:relative;border:1px solid ${THEME.borderSoft};background:${THEME.ground};color:${THEME.groundText}}
${r} .hl-pt-side{width:230px;flex:none;display:flex;flex-direction:column;gap:8px;max-height:${height}px;overflow:auto}
${r} .hl-pt-legend-row{display:flex;gap:6px;align-items:center;font-size:12px}
${r} .hl-pt-swatch{width:12px;height:12px;border:1px solid ${THEME.border};flex:none}
${r} .hl-pt-details{font-size:12px;white-space:pre-wrap;word-break:break-word}
${r} .hl-pt-details b{display:block;margin-top:4px}
${r} .hl-pt-tip{position:absolute;z-index:10;pointer-events:none;max-width:min(480px,calc(100% - 12px));max-height:calc(100% - 12px);overflow:hidden;box-sizing:border-box;background:rgba(30,30,30,.92);color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;white-space:pre-wrap;word-break:break-word;display:none}
${r} .hl-pt-table-wrap{max-height:320px;overflow:auto;border:1px solid ${THEME.borderSoft}}
${r} .hl-pt-pages{display:flex;gap:6px;align-items:center;font-size:12px;margin-bottom:4px}
${r} table.hl-pt-table,${r} table.hl-pt-static-table{border-collapse:collapse;font-size:12px;width:100%}
${r} table.hl-pt-table th,${r} table.hl-pt-table td,${r} table.hl-pt-static-table th,${r} table.hl-pt-static-table td{border-bottom:1px solid ${THEME.borderSoft};padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;overflow-wrap:anywhere}
${r} table.hl-pt-table th,${r} table.hl-pt-static-table th,${r} table.hl-pt-table td:nth-child(1),${r} table.hl-pt-static-table td:nth-child(1),${r} table.hl-pt-table td:nth-child(3),${r} table.hl-pt-static-table td:nth-child(3),${r} table.hl-pt-table td:last-child,${r} table.hl-pt-static-table td:last-child{white-space:nowrap}
${r} table.hl-pt-table td:nth-child(2),${r} table.hl-pt-static-table td:nth-child(2),${r} table.hl-pt-table td:nth-child(n+5),${r} table.hl-pt-static-table td:nth-child(n+5){min-width:10em}
${r} table.hl-pt-table td:nth-child(4),${r} table.hl-pt-static-table td:nth-child(4){min-width:16em}
${r} table.hl-pt-table th{position:sticky;top:0;background:${THEME.raised};color:${THEME.raisedText}}
${r} table.hl-pt-table tr{cursor:pointer}
${r} table.hl-pt-table tr.hl-pt-selected td{background:${THEME.selected};color:${THEME.selectedText}}
${r} table.hl-pt-table tr.hl-pt-selected td *{color:inherit}
${ends ? `${r} table.hl-pt-table td:nth-last-child(-n+3),${r} table.hl-pt-static-table td:nth-last-child(-n+3){white-space:nowrap}\n` : ""}`;
}

function clientData(model: ProcessTreeModel, options: ProcessTreePlotOptions): ProcessTreeWire {
  const expanded: number[] = [];
  model.expanded.forEach((open, i) => {
    if (open) expanded.push(i);
  });
  return {
    // Columns, texts once: half the JSON the page inflates and parses (the children are rebuilt there).
    // Ends as numbers, the page writing them in the zone (`endInstants`).
    processes: encodeProcesses(model.nodes, model.endInstants),
    legend: model.legend,
    legendTitle: model.legendTitle,
    legendCol: options.legendCol ?? null,
    expanded,
    showTable: !!options.showTable,
    tableColumns: model.tableColumns,
    maxExpandAll: MAX_EXPAND_ALL,
    // At least as many as a process opened at first may show (initialFolding opens up to maxInitialNodes).
    childPage: Math.max(CHILD_PAGE, options.maxInitialNodes ?? 0),
  };
}

/** Longest process name and PID in a line of the text form. */
const TEXT_NAME = 120;
const TEXT_PID = 40;

/**
 * The text form: one line per process. Each data value is revealed (its line breaks too) and cut before the
 * lines are joined: a process named `evil\nfake.exe [0x1]\n    other.exe` printed as three tree lines, and a
 * 3,000-character name as one line of that length.
 */
function textSummary(model: ProcessTreeModel, options: ProcessTreePlotOptions): { summary: string; text: string } {
  const { nodes } = model;
  const roots = rootsOf(nodes).length;
  const summary = `Process tree: ${nodes.length} processes, ${roots} root(s), depth ${model.maxLevel}${options.legendCol ? `, coloured by ${shownText(options.legendCol, TEXT_NAME)}` : ""}`;
  const lines = nodes
    .slice(0, 40)
    .map((n) => `${"  ".repeat(n.l - 1)}${shownText(n.n, TEXT_NAME)}${n.i === null || n.i === undefined || n.i === "" ? "" : ` [${shownText(n.i, TEXT_PID)}]`}${n.x ? " (inferred)" : ""}`);
  if (nodes.length > 40) lines.push(`… ${nodes.length - 40} more`);
  return { summary, text: [summary, ...lines].join("\n") };
}

/** A process-tree plot: an `HtmlView` (Cytoscape + static PNG + text) that knows its size and title. */
export class ProcessTreePlot extends HtmlView {
  constructor(
    spec: HtmlViewSpec,
    readonly processes: number,
    readonly title: string,
    private readonly summary: string,
  ) {
    super(spec);
  }

  override [inspect.custom](): string {
    return revealLines(this.summary);
  }

  override toString(): string {
    return this.toText();
  }
}

/** The SVG the static image of `plotProcessTree(tree, options)` is drawn from. */
export function processTreeSvg(tree: pl.DataFrame, options: ProcessTreePlotOptions = {}): string {
  return staticSvg(processTreeModel(tree, options), options.title ?? "Process tree", Math.round(options.width ?? 900)).svg.value;
}

/**
 * An interactive process tree (see the module comment). `tree` is a built
 * tree (`buildProcessTree`) or raw process events, which are built first.
 */
export function plotProcessTree(tree: pl.DataFrame, options: ProcessTreePlotOptions = {}): ProcessTreePlot {
  const model = processTreeModel(tree, options);
  const title = options.title ?? "Process tree";
  const height = options.height ?? Math.min(600, Math.max(250, model.visibleLevels * 90 + 60));
  const most = MAX_VIEW_PIXELS.toLocaleString("en");
  if (!(height >= 150 && height <= MAX_VIEW_PIXELS)) throw new ProcessTreePlotError(msg.treePlotOption("height", `from 150 to ${most} pixels`, options.height));
  const width = options.width ?? 900;
  if (!(width >= 400 && width <= MAX_VIEW_PIXELS)) throw new ProcessTreePlotError(msg.treePlotOption("width", `from 400 to ${most} pixels`, options.width));
  const { svg, shown } = staticSvg(model, title, Math.round(width));
  const { summary, text } = textSummary(model, options);
  const spec: HtmlViewSpec = {
    kind: "process-tree",
    title,
    client: "processTree",
    libraries: ["cytoscape"],
    data: clientData(model, options),
    css: (scope) => css(scope, height, model.showsEnds),
    // The tree box has the height; the live container follows its content (toolbar, tree, table).
    height: "auto",
    fallback: {
      png: svgToPng(svg.value),
      alt: `${title}: ${shown} of ${model.nodes.length} processes`,
      width: Math.round(width),
      html: options.showTable ? staticTable(model) : textAltTable(model),
    },
    text,
  };
  return new ProcessTreePlot(spec, model.nodes.length, title, summary);
}
