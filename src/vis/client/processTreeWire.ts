/**
 * How a process tree travels from Node to the page: its processes as columns,
 * every text once in a shared table. A 200,000-process tree was 40 MB of JSON
 * as one object per process (its keys repeated 200,000 times, image names,
 * users and colours too), 20 MB this way; inflating and parsing it is what the
 * page waits for. The children lists are rebuilt in the page. Pure (no DOM):
 * Node encodes, the page and the tests decode.
 */
import type { ProcessNode } from "./processTreeText";
import { wallTimeText } from "./timeText";

/** The text fields of a process, sent as indexes into the shared table. */
const TEXT_FIELDS = ["n", "f", "i", "c", "u", "t", "k", "g"] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** The processes as columns. */
export interface ProcessColumns extends Record<TextField, number[]> {
  /**
   * The ends (`ProcessNode.e`), only for a tree whose data records them, so other trees' payload stays as it
   * was. As numbers where Node gave their instants (`encodeProcesses`' `ends`): each end in whole milliseconds
   * after `eb`, null for none, written by the page as Node writes them (`wallTimeText`, client/timeText.ts); a 200,000-process tree's
   * 140,000 ends were ~3.8 MB of JSON as ~24-character texts, ~1.3 MB as numbers. Else (ends not times, or texts the numbers do not give back)
   * the texts themselves, "" for none.
   */
  e?: (number | null)[] | string[];
  /** The earliest end, in ms since 1970 (numeric `e` only). */
  eb?: number;
  /**
   * The zone's UTC offsets for numeric `e`, as pairs `[from, offset, from, offset, …]` in ms (`from` relative to
   * `eb`, ascending): an end takes the offset of the last pair at or before it. Absent: ends written without an
   * offset (UTC, as naive start times are). A few pairs: one per daylight-saving change within the ends.
   */
  ez?: number[];
  /**
   * Lifetime texts (`ProcessNode.d`) as indexes into `dt`, beside `e`: few distinct (`ran 2 s`, `no end seen`), so
   * a table of their own keeps each index a digit or three (into `text`, a 200,000-process tree's were six).
   */
  d?: number[];
  /** Every distinct lifetime text once (with `d`). */
  dt?: string[];
  /** Parent positions (-1 for a root). */
  p: number[];
  /** Levels. */
  l: number[];
  /** Positions of the inferred parents. */
  x: number[];
  /** Every distinct text once. */
  text: string[];
}

/** The instants of a tree's ends, to send them as numbers (see `ProcessColumns.e`). */
export interface EndInstants {
  /** Each process's end in ms since 1970, null for none (in `nodes`' order). */
  ms: readonly (number | null)[];
  /** The zone's UTC offset at an instant, in ms, when the ends are written with their offset; absent for UTC without one. */
  offsetAt?: (ms: number) => number;
}


/** The offset pairs' offset for `rel` (ms after `eb`): the last pair at or before it (a binary search). */
function offsetOf(pairs: readonly number[], rel: number): number {
  let lo = 0;
  let hi = pairs.length / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pairs[mid * 2] <= rel) lo = mid;
    else hi = mid - 1;
  }
  return pairs[lo * 2 + 1];
}

/**
 * The ends as numbers (`e`, `eb`, `ez`), or undefined when they cannot be: not whole ms, or a text the numbers
 * do not give back exactly (a zoned column in UTC, years the page writes otherwise): then they go as texts.
 */
function numericEnds(nodes: readonly ProcessNode[], ends: EndInstants): Pick<ProcessColumns, "e" | "eb" | "ez"> | undefined {
  if (ends.ms.length !== nodes.length) return undefined;
  let base = Infinity;
  for (const v of ends.ms) if (v !== null && v < base) base = v;
  if (!Number.isFinite(base)) return undefined;
  const e = ends.ms.map((v) => (v === null ? null : v - base));
  let ez: number[] | undefined;
  if (ends.offsetAt) {
    // One pair where the offset changes, walking the ends in time order (bounded: a sort of the ends).
    const sorted = e.filter((v): v is number => v !== null).sort((a, b) => a - b);
    ez = [];
    for (const rel of sorted) {
      const offset = ends.offsetAt(rel + base);
      if (ez.length === 0 || ez[ez.length - 1] !== offset) ez.push(rel, offset);
    }
  }
  for (let i = 0; i < nodes.length; i += 1) {
    const v = e[i];
    const shown = v === null ? "" : Number.isInteger(v) ? wallTimeText(v + base, ez && offsetOf(ez, v)) : undefined;
    if (shown !== nodes[i].e) return undefined;
  }
  return ez ? { e, eb: base, ez } : { e, eb: base };
}

/**
 * The columns of `nodes`. `ends`: the instants of their ends (`ProcessNode.e`), sent as numbers when they give
 * back the same texts; without it the ends go as texts.
 */
export function encodeProcesses(nodes: readonly ProcessNode[], ends?: EndInstants): ProcessColumns {
  const text: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string): number => {
    let k = index.get(s);
    if (k === undefined) {
      k = text.length;
      text.push(s);
      index.set(s, k);
    }
    return k;
  };
  const cols: ProcessColumns = { p: [], l: [], x: [], text, n: [], f: [], i: [], c: [], u: [], t: [], k: [], g: [] };
  const hasEnds = nodes.some((node) => node.e !== undefined);
  const d: number[] = [];
  const dt: string[] = [];
  const dIndex = new Map<string, number>();
  const lifetimeRef = (s: string): number => {
    let k = dIndex.get(s);
    if (k === undefined) {
      k = dt.length;
      dt.push(s);
      dIndex.set(s, k);
    }
    return k;
  };
  nodes.forEach((node, i) => {
    cols.p.push(node.p);
    cols.l.push(node.l);
    if (node.x) cols.x.push(i);
    for (const field of TEXT_FIELDS) cols[field].push(ref(node[field]));
    if (hasEnds) d.push(lifetimeRef(node.d ?? ""));
  });
  if (!hasEnds) return cols;
  const numeric = ends && numericEnds(nodes, ends);
  return numeric ? { ...cols, ...numeric, d, dt } : { ...cols, e: nodes.map((node) => node.e ?? ""), d, dt };
}

/** The processes back from their columns. */
export function decodeProcesses(cols: ProcessColumns): ProcessNode[] {
  const { text } = cols;
  const nodes: ProcessNode[] = new Array(cols.p.length);
  for (let i = 0; i < nodes.length; i += 1) {
    nodes[i] = {
      p: cols.p[i],
      n: text[cols.n[i]],
      f: text[cols.f[i]],
      i: text[cols.i[i]],
      c: text[cols.c[i]],
      u: text[cols.u[i]],
      t: text[cols.t[i]],
      l: cols.l[i],
      k: text[cols.k[i]],
      g: text[cols.g[i]],
      x: 0,
    };
  }
  for (const i of cols.x) nodes[i].x = 1;
  const { e, d, dt, eb, ez } = cols;
  if (e && d && dt) {
    for (let i = 0; i < nodes.length; i += 1) {
      const v = e[i];
      nodes[i].e = typeof v === "string" ? v : v === null ? "" : wallTimeText(v + (eb ?? 0), ez && offsetOf(ez, v));
      nodes[i].d = dt[d[i]];
    }
  }
  return nodes;
}

/** Each process's children in position (time) order. */
export function childrenOf(nodes: readonly { p: number }[]): number[][] {
  const children: number[][] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i += 1) children[i] = [];
  for (let i = 0; i < nodes.length; i += 1) if (nodes[i].p >= 0) children[nodes[i].p].push(i);
  return children;
}
