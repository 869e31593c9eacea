/**
 * The browser side of every HTML view (see `../htmlView.ts`): finds the
 * output's root element, reads its configuration from the one
 * `<script type="application/json" class="hl-view-config">`, loads the inline
 * libraries once per page, hides the static fallback and mounts the view. If
 * anything fails, the live part goes and the static part comes back, with the
 * reason as text.
 *
 * Each view bundle (`views/*.ts`) is `export const boot = defineView(mount)`;
 * the output's inline script calls `boot(id)`.
 */

import type { ClientLibrary, MountView, ViewConfig, ViewContext } from "../../display/viewConfig";
import { sleepWhenIdle } from "./renderLoop";

export type { MountView, ViewContext };

interface Registry {
  mods: Record<string, unknown>;
  loading: Record<string, Promise<void> | undefined>;
  css: Record<string, boolean>;
  slots: Record<string, Slot>;
  /** The page's mounted views and those waiting to come back (see {@link watchRemovals}); shared by every bundle's copy of this runtime. */
  outputs?: Outputs;
}

/** A mounted view: `unmount` frees it once its root has left the page. */
interface LiveOutput {
  root: HTMLElement;
  /** Its root has been in the page (a front end may run an output's script before attaching it). */
  attached: boolean;
  unmount(): void;
}

interface Outputs {
  live: Set<LiveOutput>;
  /** Roots taken off the page after mounting, weakly: one put back (a windowed notebook's cell scrolled back in) mounts again. */
  away: Set<WeakRef<HTMLElement>>;
  remount: WeakMap<HTMLElement, () => void>;
}

interface Slot {
  module: { exports: unknown };
  ran: boolean;
  error: unknown;
  args: unknown[];
  require(name: string): unknown;
}

const REGISTRY = "__huntlab_js_v1";

function registry(): Registry {
  const w = window as unknown as Record<string, Registry | undefined>;
  return (w[REGISTRY] ??= { mods: {}, loading: {}, css: {}, slots: {} });
}

/** Set-up a library needs once it is evaluated (cytoscape-dagre registers itself with cytoscape; Cytoscape's render loop sleeps while idle). */
const LIBRARY_INIT: Record<string, (exports: any, libs: Record<string, any>) => void> = {
  cytoscape: (cy) => sleepWhenIdle(cy),
  "cytoscape-dagre": (ext, libs) => libs.cytoscape.use(ext),
};

function inflate(b64: string): Promise<string> {
  if (typeof DecompressionStream !== "function") return Promise.reject(new Error("this browser has no DecompressionStream"));
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

/**
 * Runs a library's UMD build in a `<script>` element with `module`, `exports`,
 * `require` and its declared globals bound as parameters: `define` is undefined
 * so UMD builds take the CommonJS branch even where RequireJS is loaded
 * (classic Notebook), and nothing leaks into the page's globals.
 */
function evaluate(lib: ClientLibrary, code: string): unknown {
  const reg = registry();
  const slotName = "s" + Math.random().toString(36).slice(2);
  const names = Object.keys(lib.globals);
  const slot: Slot = {
    module: { exports: {} },
    ran: false,
    error: null,
    args: names.map((n) => reg.mods[lib.globals[n]]),
    require(name: string) {
      const key = Object.keys(reg.mods).find((k) => k.split("@")[0] === name);
      if (!key) throw new Error(`huntlab: ${name} not loaded`);
      return reg.mods[key];
    },
  };
  reg.slots[slotName] = slot;
  const params = ["module", "exports", "define", "require", ...names].join(",");
  const el = document.createElement("script");
  el.textContent =
    `(function(h){h.ran=true;try{(function(${params}){${code}\n}).apply(window,[h.module,h.module.exports,undefined,h.require].concat(h.args));}` +
    `catch(e){h.error=e;}})(window.${REGISTRY}.slots.${slotName});`;
  (document.head || document.documentElement).appendChild(el);
  el.remove();
  delete reg.slots[slotName];
  if (!slot.ran) throw new Error(`the page blocked the library script (${lib.key})`);
  if (slot.error) throw slot.error;
  return slot.module.exports;
}

function addCss(lib: ClientLibrary): Promise<void> {
  const reg = registry();
  if (!lib.css || reg.css[lib.key]) return Promise.resolve();
  return inflate(lib.css).then((text) => {
    if (reg.css[lib.key]) return;
    const style = document.createElement("style");
    style.setAttribute("data-huntlab-css", lib.key);
    style.textContent = text;
    (document.head || document.documentElement).appendChild(style);
    reg.css[lib.key] = true;
  });
}

function load(lib: ClientLibrary, byKey: Record<string, ClientLibrary>, all: ClientLibrary[]): Promise<void> {
  const reg = registry();
  if (reg.mods[lib.key]) return addCss(lib);
  if (!reg.loading[lib.key]) {
    reg.loading[lib.key] = Promise.all(lib.deps.map((k) => load(byKey[k], byKey, all)))
      .then(() => inflate(lib.js))
      .then((code) => {
        if (reg.mods[lib.key]) return;
        const exported = evaluate(lib, code);
        const libs: Record<string, unknown> = {};
        for (const l of all) if (reg.mods[l.key]) libs[l.exportAs] = reg.mods[l.key];
        LIBRARY_INIT[lib.name]?.(exported, libs);
        reg.mods[lib.key] = exported;
      })
      .catch((err: unknown) => {
        delete reg.loading[lib.key];
        throw err;
      });
  }
  return reg.loading[lib.key]!.then(() => addCss(lib));
}

function readConfig(root: HTMLElement): ViewConfig {
  const node = Array.from(root.children).find((c) => c.tagName === "SCRIPT" && c.classList.contains("hl-view-config"));
  if (!node) throw new Error("the view's configuration is missing");
  return JSON.parse(node.textContent ?? "null") as ViewConfig;
}

/**
 * An output that leaves the page (cleared, its cell re-run, the notebook closed) must free its view: Cytoscape and
 * Leaflet keep window and ancestor listeners that hold the whole graph or map, canvases included, for as long as the
 * page lives (a map cell re-run 8 times kept 8 maps, ~2.6 MB each). One observer per page notices roots that left,
 * after the mutations settle (a cell moved up or down is taken out and put back in one go, and stays as it is).
 * A root put back later (JupyterLab's "full" windowing detaches cells scrolled out of view) mounts again.
 */
function watchRemovals(): Outputs {
  const reg = registry();
  if (reg.outputs) return reg.outputs;
  const outputs: Outputs = { live: new Set(), away: new Set(), remount: new WeakMap() };
  reg.outputs = outputs;
  new MutationObserver((records) => {
    if (!records.some((r) => r.removedNodes.length > 0 || r.addedNodes.length > 0)) return;
    for (const out of outputs.live) {
      if (out.root.isConnected) out.attached = true;
      else if (out.attached) {
        outputs.live.delete(out);
        out.unmount();
        if (typeof WeakRef === "function") outputs.away.add(new WeakRef(out.root));
      }
    }
    for (const ref of outputs.away) {
      const root = ref.deref();
      if (!root) outputs.away.delete(ref);
      else if (root.isConnected) {
        outputs.away.delete(ref);
        outputs.remount.get(root)?.();
      }
    }
  }).observe(document, { childList: true, subtree: true });
  return outputs;
}

/** Class of the fallback's text forms (lists of a graph's nodes, of a map's places) that stay beside the live view. */
const TEXT_ALTERNATIVE = "hl-view-textalt";

/**
 * Copies of the fallback's text forms under the live view: a canvas or map
 * says nothing to a screen reader, and its data as text serves keyboard users
 * and anyone who wants to read or copy it. Returns the copies.
 */
function showTextAlternatives(root: HTMLElement, fallback: HTMLElement | null): HTMLElement[] {
  if (!fallback) return [];
  return Array.from(fallback.querySelectorAll<HTMLElement>(`.${TEXT_ALTERNATIVE}`)).map((block) => {
    const copy = block.cloneNode(true) as HTMLElement;
    root.insertBefore(copy, fallback);
    return copy;
  });
}

function start<D>(root: HTMLElement, mount: MountView<D>): void {
  if (root.getAttribute("data-hl-live")) return;
  root.setAttribute("data-hl-live", "loading");
  const fallback = root.querySelector<HTMLElement>(":scope > .hl-view-static");
  const status = document.createElement("div");
  status.className = "hl-view-message";
  const message = (text: unknown): void => {
    status.textContent = text == null ? "" : String(text);
    if (!status.parentNode) root.appendChild(status);
  };
  let live: HTMLElement | null = null;
  const disposers: (() => void)[] = [];
  let copies: HTMLElement[] = [];
  const unmount = (): void => {
    for (const fn of disposers.splice(0)) {
      try {
        fn();
      } catch {
        // one view part failing to let go must not keep the others
      }
    }
    live?.remove();
    for (const c of copies) c.remove();
    status.remove();
    if (fallback) fallback.style.display = "";
    root.removeAttribute("data-hl-live");
  };
  Promise.resolve()
    .then(() => {
      const config = readConfig(root);
      const byKey: Record<string, ClientLibrary> = {};
      for (const l of config.libs) byKey[l.key] = l;
      return Promise.all(config.libs.map((l) => load(l, byKey, config.libs)))
        .then(() => ("gz" in config.data ? inflate(config.data.gz).then((t) => JSON.parse(t) as unknown) : config.data.json))
        .then((data) => {
          const reg = registry();
          const libs: Record<string, unknown> = {};
          for (const l of config.libs) libs[l.exportAs] = reg.mods[l.key];
          live = document.createElement("div");
          live.className = "hl-view-live";
          live.style.width = config.width;
          if (config.height !== "auto") live.style.height = config.height;
          if (fallback) fallback.style.display = "none";
          root.insertBefore(live, fallback);
          const view: ViewContext = {
            id: config.id,
            root,
            fallback,
            message,
            el(tag, className, text) {
              const n = document.createElement(tag);
              if (className) n.className = className;
              if (text != null) n.textContent = String(text);
              return n;
            },
            onUnmount(fn) {
              disposers.push(fn);
            },
          };
          return mount(live, data as D, libs, view);
        });
    })
    .then(() => {
      copies = showTextAlternatives(root, fallback);
      root.setAttribute("data-hl-live", "1");
      const outputs = watchRemovals();
      outputs.remount.set(root, () => start(root, mount));
      outputs.live.add({ root, attached: root.isConnected, unmount });
    })
    .catch((err: unknown) => {
      for (const fn of disposers.splice(0)) {
        try {
          fn();
        } catch {
          // the view failed already: its reason is the one to show
        }
      }
      if (live?.parentNode) live.parentNode.removeChild(live);
      if (fallback) fallback.style.display = "";
      // The static part's "script has not run" line is not so here: the reason is said instead.
      fallback?.querySelector(":scope > .hl-view-noscript")?.remove();
      root.setAttribute("data-hl-live", "failed");
      const reason = err instanceof Error ? err.message : String(err);
      message(`Interactive view unavailable (${reason}); showing the static view.`);
    });
}

/**
 * The root by id. Where the output is not in the document yet (or sits in a
 * shadow root), the calling script's parent is tried, then the id for 5 s.
 */
function whenRoot(id: string, found: (root: HTMLElement) => void): void {
  const script = document.currentScript;
  const byId = (): HTMLElement | null => document.getElementById(id);
  const root = byId() ?? (script?.parentElement?.id === id ? script.parentElement : null);
  if (root) return found(root);
  let tries = 0;
  const timer = setInterval(() => {
    const r = byId();
    if (r) found(r);
    if (r || ++tries >= 50) clearInterval(timer);
  }, 100);
}

/** Attribute a view's root carries while it waits to come near the viewport (its script has run). */
const WAITING = "data-hl-waiting";

/**
 * Calls `go` once the root comes within a viewport's height of the viewport. A page of many views (a notebook run
 * top to bottom) mounted them all at once: 24 views made 48 long tasks, the longest ~1 s, with the page frozen
 * meanwhile. A view far down now shows its static part until the analyst scrolls near it; one in a hidden tab
 * mounts when shown (and so measures its real size). Without IntersectionObserver the view mounts at once.
 */
function whenNear(root: HTMLElement, go: () => void): void {
  if (typeof IntersectionObserver !== "function" || root.getAttribute("data-hl-live")) return go();
  root.setAttribute(WAITING, "1");
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      root.removeAttribute(WAITING);
      go();
    },
    { rootMargin: "100% 0px" },
  );
  observer.observe(root);
}

/** A view bundle's export: `boot(id)` mounts the output with that element id once it comes near the viewport. */
export function defineView<D, L = Record<string, any>>(mount: MountView<D, L>): (id: string) => void {
  return (id: string) => whenRoot(id, (root) => whenNear(root, () => start(root, mount as MountView<D>)));
}
