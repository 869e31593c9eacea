/**
 * The words a live process tree shows for a process: box label, tooltip,
 * details and table cells. Every data value is revealed (`revealHidden`), so a
 * bidi override in a command line shows as `\u202e` instead of reordering it.
 * Pure (no DOM): Node tests call these directly.
 */
import { revealHidden, shownLine, shownValue } from "./text";

/** One process as the Node side sends it (short keys: a tree can hold 100,000 of them). */
export interface ProcessNode {
  /** Parent position, -1 for a root. */
  p: number;
  /** Short image name. */
  n: string;
  /** Full image path. */
  f: string;
  /** PID text. */
  i: string;
  /** Command line. */
  c: string;
  /** User. */
  u: string;
  /** Time text. */
  t: string;
  /** Level, 1 for a root. */
  l: number;
  /** Box colour, `#RRGGBB`. */
  k: string;
  /** Legend value. */
  g: string;
  /** 1 when the process is an inferred parent (not in the data). */
  x: number;
  /**
   * End time text ("" for none), present on every process of a tree whose data records ends (Sysmon 5's
   * `ProcessEndTime`), absent otherwise.
   */
  e?: string;
  /** Lifetime text (`ran 8 s`, `no end seen`, or why there is none), beside `e`. */
  d?: string;
}

/** Label size of a process box, in model units (CSS pixels at zoom 1). */
export const TREE_FONT_PX = 11;

/**
 * Smallest label drawn on screen, in CSS pixels: below it (zoomed out) the
 * boxes go without text, except the hovered and selected processes'.
 */
export const MIN_TREE_LABEL_PX = 9;

/** Deepest indentation of a table row: a 20,000-level chain indented each level made one column 40,000 spaces wide. */
export const MAX_INDENT_LEVELS = 16;

/** The indentation of a process name in the tables: two spaces a level, up to MAX_INDENT_LEVELS. */
export function indent(level: number): string {
  return "\u00a0\u00a0".repeat(Math.min(MAX_INDENT_LEVELS, Math.max(0, level - 1)));
}

/** WCAG relative luminance of `#RRGGBB`. */
export function relativeLuminance(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  const lin = (v: number): number => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** WCAG contrast ratio of two `#RRGGBB` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * Label colour on a box colour: black or white, whichever contrasts more (at
 * least 4.58:1 on any colour). A perceived-brightness cut at 0.6 put white on
 * orange (#F28E2B, 2.4:1) and on mid greens and greys.
 */
export function inkOn(hex: string): string {
  return contrastRatio(hex, "#000000") >= contrastRatio(hex, "#FFFFFF") ? "#000000" : "#FFFFFF";
}

/**
 * Longest name and PID on a box, in characters (after revealing): a box is as wide as its label, and a 1,000-character
 * name made one box thousands of pixels wide, the fitted tree a row of specks. The tip and details show them whole.
 */
export const MAX_BOX_NAME = 60;
export const MAX_BOX_PID = 40;

/**
 * Box label: image name, PID and the count of folded children, two lines. Each value is one line (a line break in a
 * name shows as `\n`: it added lines past the box's fixed height) and isolated (a Hebrew PID took `+3` into its run).
 */
export function nodeLabel(node: ProcessNode, hiddenChildren: number): string {
  return `${shownLine(node.n, MAX_BOX_NAME)}\n${shownLine(node.i, MAX_BOX_PID)}${hiddenChildren ? `  +${hiddenChildren}` : ""}`;
}

/**
 * When a process ended and how long it ran, as one line's value: `2026-11-02 14:00:10.000 (ran 8 s)`, the end
 * alone when its start is unknown, `no end seen`; "" for a tree whose data records no ends.
 */
export function endedText(node: ProcessNode): string {
  if (node.e === undefined) return "";
  if (!node.e) return node.d ?? "";
  return node.d ? `${node.e} (${node.d})` : node.e;
}

/** Hover text: name, PID, command line, user, time, and the end where the tree has ends; each value isolated (an Arabic name showed its PID before it). */
export function tooltipText(node: ProcessNode): string {
  let text = `${shownValue(node.n)}  [${shownValue(node.i)}]`;
  if (node.c) text += `\n${shownValue(node.c)}`;
  if (node.u) text += `\nUser: ${shownValue(node.u)}`;
  if (node.t) text += `\nTime: ${shownValue(node.t)}`;
  const ended = endedText(node);
  if (ended) text += `\nEnded: ${shownValue(ended)}`;
  return text;
}

/** The details panel: (heading, value) pairs, empty values left out. */
export function detailFields(node: ProcessNode, legendTitle: string): [string, string][] {
  const fields: [string, string][] = [
    ["Process", node.f || node.n],
    ["PID", node.i],
    ["Command line", node.c],
    ["User", node.u],
    ["Time", node.t],
    ["Ended", endedText(node)],
    // Coloured by level, the legend value is the level: said once.
    [legendTitle, legendTitle === "Level" && node.g === String(node.l) ? "" : node.g],
    ["Level", String(node.l)],
  ];
  if (node.x) fields.push(["Note", "Inferred parent: not in the data"]);
  return fields.filter(([, value]) => value !== "").map(([heading, value]) => [revealHidden(heading), revealHidden(value)]);
}

/** A row of the linked table, in the order of `tableColumns` (Ended and Lifetime last, where the tree has ends); the process name is indented by level. */
export function tableCells(node: ProcessNode, withLegend: boolean): string[] {
  const name = nameCellParts(node).join("");
  const cells = [String(node.l), name, node.i, node.c, ...(withLegend ? [node.g] : []), node.u, node.t, ...(node.e === undefined ? [] : [node.e, node.d ?? ""])];
  return cells.map(revealHidden);
}

/**
 * The process cell of a table row in three parts, indentation, name (revealed) and " (inferred)" or "": the live
 * table puts the name in an element of its own, isolated by the view's CSS, so a Hebrew or Arabic name cannot move
 * the note beside it (an element, not isolate characters: a name copied from the table stays the name).
 */
export function nameCellParts(node: ProcessNode): [string, string, string] {
  return [indent(node.l), revealHidden(node.n), node.x ? " (inferred)" : ""];
}
