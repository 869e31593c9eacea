/**
 * Keyboard and screen-reader access to the canvas views (process tree, entity
 * graph), whose boxes and nodes are pixels, not elements: the canvas's box
 * takes focus and the arrow keys, and a status line off screen says what the
 * selection is now. Every string reaches the DOM as textContent or an attribute.
 */
import type cytoscape from "cytoscape";
import type { ViewContext } from "./runtime";

/** Keys a surface hands to its view (anything else, and any key with Ctrl, Alt or Meta, stays the page's: Tab, shortcuts). */
const SURFACE_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "Enter", " ", "Escape", "+", "=", "-", "0"]);

/** What one zoom key multiplies the zoom by (a wheel notch's worth). */
const ZOOM_STEP = 1.25;

/** The graph views' zoom keys, as said after their other keys in the surface's name. */
export const ZOOM_KEYS_HINT = "plus and minus zoom in and out, 0 fits the whole graph";

/**
 * The zoom keys of a graph surface (Cytoscape's zoom was wheel and pinch only): `+` (or `=`, the same key
 * unshifted) zooms in and `-` out about the view's centre, within the graph's zoom limits; `0` calls `fit`.
 * True when `key` was one of them.
 */
export function graphZoomKey(cy: cytoscape.Core, key: string, fit: () => void): boolean {
  if (key === "0") {
    fit();
    return true;
  }
  const factor = key === "+" || key === "=" ? ZOOM_STEP : key === "-" ? 1 / ZOOM_STEP : 0;
  if (!factor) return false;
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  return true;
}

/**
 * Makes `box` a focusable surface named `label`: in the Tab order with a
 * focus ring (the view's CSS: `[tabindex]:focus-visible`), and a screen
 * reader passes it the keys (role "application"). `onKey` returns true for a
 * key it used (the page then does not scroll on it).
 */
export function keyboardSurface(box: HTMLElement, label: string, onKey: (key: string) => boolean): void {
  box.tabIndex = 0;
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", label);
  box.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || !SURFACE_KEYS.has(event.key)) return;
    if (onKey(event.key)) event.preventDefault();
  });
}

/**
 * A polite live region kept off screen (the details panel shows the same to
 * sighted users): what a screen reader says after a key. Each call replaces
 * the text.
 */
export function liveStatus(view: ViewContext, parent: HTMLElement): (text: string) => void {
  const status = view.el("div", "hl-sr-status");
  status.setAttribute("role", "status");
  // Off screen, not hidden: display:none or visibility:hidden would silence it.
  Object.assign(status.style, { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clipPath: "inset(50%)", whiteSpace: "nowrap" });
  parent.appendChild(status);
  return (text) => {
    status.textContent = text;
  };
}

/** The view's one-line summary: the alt text of its static image (`"Process tree: 18 of 18 processes"`), or "". */
export function viewSummary(view: ViewContext): string {
  return view.fallback?.querySelector("img.hl-view-img")?.getAttribute("alt") ?? "";
}
