/**
 * Which processes of a live process tree are open, and so which are shown: a
 * process is visible when it is a root or every ancestor is open. Pure (no
 * DOM), so Node tests run it as the browser does.
 */

/** The links the folding needs: each process's parent position (-1 for a root) and its children. */
export interface FoldingTree {
  nodes: readonly { p: number }[];
  children: readonly (readonly number[])[];
}

/** The open/closed state of every process of one view. */
export class Folding {
  private readonly open: Uint8Array;

  constructor(
    private readonly tree: FoldingTree,
    private readonly initiallyOpen: readonly number[],
  ) {
    this.open = new Uint8Array(tree.nodes.length);
    this.reset();
  }

  /** Back to the processes open at first. */
  reset(): void {
    this.open.fill(0);
    for (const i of this.initiallyOpen) this.open[i] = 1;
  }

  isOpen(i: number): boolean {
    return this.open[i] === 1;
  }

  /** Opens or closes a process; false when it has no children (nothing to fold). */
  set(i: number, open: boolean): boolean {
    if (!this.tree.children[i].length) return false;
    this.open[i] = open ? 1 : 0;
    return true;
  }

  openAll(): void {
    this.open.fill(1);
  }

  /** Children hidden under a closed process (0 when open). */
  hiddenChildren(i: number): number {
    return this.open[i] ? 0 : this.tree.children[i].length;
  }

  /** Opens every ancestor of `i` so it shows; true when anything changed. */
  openAncestors(i: number): boolean {
    let changed = false;
    for (let p = this.tree.nodes[i].p; p >= 0; p = this.tree.nodes[p].p) {
      if (!this.open[p]) {
        this.open[p] = 1;
        changed = true;
      }
    }
    return changed;
  }

  /** The visible processes, depth first, roots and siblings in data order. */
  visible(): number[] {
    const { nodes, children } = this.tree;
    const out: number[] = [];
    const stack: number[] = [];
    for (let i = nodes.length - 1; i >= 0; i -= 1) if (nodes[i].p < 0) stack.push(i);
    while (stack.length) {
      const i = stack.pop() as number;
      out.push(i);
      if (!this.open[i]) continue;
      const kids = children[i];
      for (let k = kids.length - 1; k >= 0; k -= 1) stack.push(kids[k]);
    }
    return out;
  }
}
