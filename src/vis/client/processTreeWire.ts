/**
 * How a process tree travels from Node to the page: its processes as columns,
 * every text once in a shared table. A 200,000-process tree was 40 MB of JSON
 * as one object per process (its keys repeated 200,000 times, image names,
 * users and colours too), 20 MB this way; inflating and parsing it is what the
 * page waits for. The children lists are rebuilt in the page. Pure (no DOM):
 * Node encodes, the page and the tests decode.
 */
import type { ProcessNode } from "./processTreeText";

/** The text fields of a process, sent as indexes into the shared table. */
const TEXT_FIELDS = ["n", "f", "i", "c", "u", "t", "k", "g"] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** The processes as columns. */
export interface ProcessColumns extends Record<TextField, number[]> {
  /**
   * End time texts (`ProcessNode.e`) themselves, not indexes: they are mostly distinct, so an index only added its
   * number (a 200,000-process tree: 1.1 MB gzipped for its ends, 1.9 MB with indexes). Only for a tree whose data
   * records ends, so other trees' payload stays as it was.
   */
  e?: string[];
  /** Lifetime texts (`ProcessNode.d`) as indexes into `text` (few distinct: `ran 2 s`, `no end seen`), beside `e`. */
  d?: number[];
  /** Parent positions (-1 for a root). */
  p: number[];
  /** Levels. */
  l: number[];
  /** Positions of the inferred parents. */
  x: number[];
  /** Every distinct text once. */
  text: string[];
}

/** The columns of `nodes`. */
export function encodeProcesses(nodes: readonly ProcessNode[]): ProcessColumns {
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
  const ends = nodes.some((node) => node.e !== undefined) ? { e: [] as string[], d: [] as number[] } : undefined;
  nodes.forEach((node, i) => {
    cols.p.push(node.p);
    cols.l.push(node.l);
    if (node.x) cols.x.push(i);
    for (const field of TEXT_FIELDS) cols[field].push(ref(node[field]));
    if (ends) {
      ends.e.push(node.e ?? "");
      ends.d.push(ref(node.d ?? ""));
    }
  });
  return ends ? { ...cols, ...ends } : cols;
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
  const { e, d } = cols;
  if (e && d) {
    for (let i = 0; i < nodes.length; i += 1) {
      nodes[i].e = e[i];
      nodes[i].d = text[d[i]];
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
