/**
 * The configuration an HTML view carries to the browser (the one
 * `<script type="application/json" class="hl-view-config">` of an output):
 * written by `HtmlView` in Node, read by the client runtime (src/vis/client/runtime.ts).
 */

/** A library as it travels in the configuration (gzip + base64). */
export interface ClientLibrary {
  /** npm name: `cytoscape`, `leaflet.markercluster`. */
  name: string;
  /** `name@version`: the page-level registry key. */
  key: string;
  /** Property of `libs` the view receives. */
  exportAs: string;
  /** Keys of the libraries evaluated first. */
  deps: string[];
  /** Free variable → key of the library whose exports it gets. */
  globals: Record<string, string>;
  js: string;
  css: string;
}

/** The whole configuration of one output. */
export interface ViewConfig {
  id: string;
  kind: string;
  /** CSS sizes of the live container; `"auto"` leaves the height to the content. */
  width: string;
  height: string;
  libs: ClientLibrary[];
  data: { json: unknown } | { gz: string };
}

/** Helpers a view receives. */
export interface ViewContext {
  id: string;
  root: HTMLElement;
  /** The static fallback (hidden while the live view runs). */
  fallback: HTMLElement | null;
  /** A new element; `text` goes in as textContent, never as markup. */
  el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: unknown): HTMLElementTagNameMap[K];
  /** A status line under the view. */
  message(text: unknown): void;
  /**
   * Runs `fn` when the output leaves the page (cleared, the cell re-run, the notebook closed): a view frees there
   * what its libraries hold on the page (Cytoscape's and Leaflet's window listeners, observers).
   */
  onUnmount(fn: () => void): void;
}

/** A view: builds the live part inside `container`. Throwing (or rejecting) brings the fallback back. */
export type MountView<D, L = Record<string, any>> = (container: HTMLElement, data: D, libs: L, view: ViewContext) => void | Promise<void>;
