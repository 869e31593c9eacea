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

/**
 * Children shown at a time under an open process, by default: one parent may
 * have tens of thousands (opening a 40,000-child svchost froze the tab in the
 * layout); the rest wait behind a "+N more" box that shows the next page.
 */
export const CHILD_PAGE = 300;

const NONE: readonly number[] = [];

/** The open/closed state of every process of one view. */
export class Folding {
  private readonly open: Uint8Array;
  /** Children shown under an open process, where more than a page were asked for. */
  private readonly limits = new Map<number, number>();
  /**
   * Children shown beyond their parent's pages because they were selected
   * (positions in its child list): the 39,000th child of a 40,000-child
   * parent shows next to the first page, not with the 38,999 before it.
   */
  private readonly pinned = new Map<number, number[]>();

  /** @param childPage children shown at a time under an open process. */
  constructor(
    private readonly tree: FoldingTree,
    private readonly initiallyOpen: readonly number[],
    private readonly childPage = CHILD_PAGE,
  ) {
    this.open = new Uint8Array(tree.nodes.length);
    this.reset();
  }

  /** Back to the processes open at first. */
  reset(): void {
    this.open.fill(0);
    this.limits.clear();
    this.pinned.clear();
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

  /** Opens everything, every child shown ("Expand all" is offered for small trees only). */
  openAll(): void {
    this.open.fill(1);
    for (let i = 0; i < this.open.length; i++) if (this.tree.children[i].length > this.childPage) this.limits.set(i, Infinity);
  }

  /** Children shown under process i when it is open. */
  shownChildren(i: number): number {
    return Math.min(this.tree.children[i].length, this.limits.get(i) ?? this.childPage);
  }

  /** Selected children of process i shown after its pages (positions in its child list, ascending). */
  private pinnedBeyond(i: number): readonly number[] {
    // visible() asks for every open process: no array made where nothing is pinned (nearly all).
    const pins = this.pinned.get(i);
    if (!pins) return NONE;
    const shown = this.shownChildren(i);
    return pins.filter((k) => k >= shown);
  }

  /** Children of an open process waiting behind its "+N more" box (0 when closed or all shown). */
  moreChildren(i: number): number {
    return this.open[i] ? this.tree.children[i].length - this.shownChildren(i) - this.pinnedBeyond(i).length : 0;
  }

  /** Shows the next page of an open process's children; false when all are shown. */
  showMore(i: number): boolean {
    if (!this.moreChildren(i)) return false;
    this.limits.set(i, this.shownChildren(i) + this.childPage);
    return true;
  }

  /** Children hidden under a closed process (0 when open). */
  hiddenChildren(i: number): number {
    return this.open[i] ? 0 : this.tree.children[i].length;
  }

  /** Opens every ancestor of `i`, and shows it (beyond its parent's pages if need be), so it shows; true when anything changed. */
  openAncestors(i: number): boolean {
    let changed = false;
    for (let c = i, p = this.tree.nodes[i].p; p >= 0; c = p, p = this.tree.nodes[p].p) {
      if (!this.open[p]) {
        this.open[p] = 1;
        changed = true;
      }
      const at = this.tree.children[p].indexOf(c);
      const pinned = this.pinned.get(p) ?? [];
      if (at >= this.shownChildren(p) && !pinned.includes(at)) {
        this.pinned.set(p, [...pinned, at].sort((a, b) => a - b));
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
      const beyond = this.pinnedBeyond(i);
      for (let k = beyond.length - 1; k >= 0; k -= 1) stack.push(kids[beyond[k]]);
      for (let k = this.shownChildren(i) - 1; k >= 0; k -= 1) stack.push(kids[k]);
    }
    return out;
  }
}
