/**
 * The part of d3-hierarchy's API the process tree's layout uses
 * (processTreeLayout.ts). Declared here, not taken from @types/d3-hierarchy:
 * tslab type-checks every notebook cell against every package in
 * node_modules/@types (README, "Notebook type check").
 */
declare module "d3-hierarchy" {
  export interface HierarchyNode<Datum> {
    data: Datum;
    depth: number;
    parent: this | null;
    children?: this[];
    /** Calls `callback` for each node, breadth first. */
    each(callback: (node: this) => void): this;
  }

  export interface HierarchyPointNode<Datum> extends HierarchyNode<Datum> {
    x: number;
    y: number;
  }

  export interface TreeLayout<Datum> {
    (root: HierarchyNode<Datum>): HierarchyPointNode<Datum>;
    /** A fixed size per node: `[dx, dy]`, the unit of `separation` and the distance between levels. */
    nodeSize(size: [number, number]): this;
    separation(separation: (a: HierarchyPointNode<Datum>, b: HierarchyPointNode<Datum>) => number): this;
  }

  export function hierarchy<Datum>(data: Datum, children?: (d: Datum) => Iterable<Datum> | null | undefined): HierarchyNode<Datum>;
  export function tree<Datum>(): TreeLayout<Datum>;
}
