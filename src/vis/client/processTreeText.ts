/**
 * The words a live process tree shows for a process: box label, tooltip,
 * details and table cells. Every data value is revealed (`revealHidden`), so a
 * bidi override in a command line shows as `\u202e` instead of reordering it.
 * Pure (no DOM): Node tests call these directly.
 */
import { revealHidden } from "./text";

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
}

/** Box label: image name, PID and the count of folded children. */
export function nodeLabel(node: ProcessNode, hiddenChildren: number): string {
  return `${revealHidden(node.n)}\n${revealHidden(node.i)}${hiddenChildren ? `  +${hiddenChildren}` : ""}`;
}

/** Hover text: name, PID, command line, user, time. */
export function tooltipText(node: ProcessNode): string {
  let text = `${node.n}  [${node.i}]`;
  if (node.c) text += `\n${node.c}`;
  if (node.u) text += `\nUser: ${node.u}`;
  if (node.t) text += `\nTime: ${node.t}`;
  return revealHidden(text);
}

/** The details panel: (heading, value) pairs, empty values left out. */
export function detailFields(node: ProcessNode, legendTitle: string): [string, string][] {
  const fields: [string, string][] = [
    ["Process", node.f || node.n],
    ["PID", node.i],
    ["Command line", node.c],
    ["User", node.u],
    ["Time", node.t],
    [legendTitle, node.g],
    ["Level", String(node.l)],
  ];
  if (node.x) fields.push(["Note", "Inferred parent: not in the data"]);
  return fields.filter(([, value]) => value !== "").map(([heading, value]) => [revealHidden(heading), revealHidden(value)]);
}

/** A row of the linked table, in the order of `tableColumns`; the process name is indented by level. */
export function tableCells(node: ProcessNode, withLegend: boolean): string[] {
  const name = `${"\u00a0\u00a0".repeat(Math.max(0, node.l - 1))}${node.n}${node.x ? " (inferred)" : ""}`;
  const cells = [String(node.l), name, node.i, node.c, ...(withLegend ? [node.g] : []), node.u, node.t];
  return cells.map(revealHidden);
}
