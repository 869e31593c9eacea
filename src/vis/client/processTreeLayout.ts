/**
 * Positions of the process tree's boxes: a tidy top-down tree (d3-hierarchy's
 * linear-time Reingold–Tilford layout), one row per level, siblings left to
 * right in the order given, each parent centred over its children. Processes
 * form a forest, so a tree layout fits them exactly; dagre's general layered
 * layout took 1.3–2.1 s to lay out 1,300–1,900 open processes, and ran again
 * on every selection that opens a folded ancestor.
 */
import { hierarchy, tree, type HierarchyPointNode } from "d3-hierarchy";

/** One box: its parent (an index into the same list, or -1 for a root) and its width in pixels. */
export interface LayoutBox {
  parent: number;
  width: number;
}

/** Options of {@link tidyTreePositions}. */
export interface TidyTreeOptions {
  /** Height of every box, in pixels. */
  boxHeight: number;
  /** Gap between neighbouring boxes with the same parent, in pixels (twice this between other neighbours). */
  boxGap: number;
  /** Gap between one level's boxes and the next's, in pixels. */
  levelGap: number;
}

interface Item {
  index: number;
  width: number;
  children: Item[];
}

/**
 * Centre x and y of each box, in `boxes`' order. Children keep the order in
 * which they appear in `boxes`; roots are laid out side by side in that order
 * too. A box whose parent comes after it, or is itself, is taken as a root.
 */
export function tidyTreePositions(boxes: readonly LayoutBox[], options: TidyTreeOptions): { x: Float64Array; y: Float64Array } {
  const items: Item[] = boxes.map((b, index) => ({ index, width: b.width, children: [] }));
  // A virtual root above the real roots: the forest becomes one tree (it is dropped below).
  const top: Item = { index: -1, width: 0, children: [] };
  boxes.forEach((b, i) => (b.parent >= 0 && b.parent < i ? items[b.parent].children : top.children).push(items[i]));
  const { boxHeight, boxGap, levelGap } = options;
  const layout = tree<Item>()
    .nodeSize([1, boxHeight + levelGap])
    .separation((a, b) => (a.data.width + b.data.width) / 2 + (a.parent === b.parent ? boxGap : 2 * boxGap));
  const root = layout(hierarchy(top, (d) => d.children));
  const x = new Float64Array(boxes.length);
  const y = new Float64Array(boxes.length);
  root.each((node: HierarchyPointNode<Item>) => {
    if (node.data.index < 0) return;
    x[node.data.index] = node.x;
    y[node.data.index] = node.y - (boxHeight + levelGap);
  });
  return { x, y };
}
