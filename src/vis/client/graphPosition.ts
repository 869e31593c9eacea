/**
 * Cytoscape keeps where its container sits on the page and maps every pointer
 * event with it; it drops that only on a window scroll or resize. In a
 * notebook an output above a graph is cleared, or re-rendered at another
 * height, and the graph moves without either: each click then landed beside
 * its node (nothing selected, or a neighbour), each hover showed the wrong tip.
 * So the kept position is dropped when the pointer enters the graph, and before
 * each press and each move in it (capture: ahead of Cytoscape's own handlers):
 * a notebook scrolls in an element, not the window (JupyterLab's panel, the
 * classic Notebook's #site), so a click that scrolled a table row into view
 * moved the graph under a pointer already inside it, and the next hover found
 * no node. Dropping it costs one getBoundingClientRect on Cytoscape's next event.
 */
import type cytoscape from "cytoscape";

/** Cytoscape's renderer, as far as this uses it (not in its typings). */
interface Renderer {
  invalidateContainerClientCoordsCache?: () => void;
}

/** Keeps `cy`'s idea of where `container` is right when the page moves it. */
export function followContainerMoves(cy: cytoscape.Core, container: HTMLElement): void {
  const renderer = (cy as unknown as { renderer?: () => Renderer }).renderer?.();
  // resize() also drops it (public API), but redraws: the cheap call when this Cytoscape has it.
  const forget = typeof renderer?.invalidateContainerClientCoordsCache === "function" ? () => renderer.invalidateContainerClientCoordsCache?.() : () => cy.resize();
  container.addEventListener("pointerenter", forget);
  container.addEventListener("pointerdown", forget, true);
  container.addEventListener("pointermove", forget, true);
}
