// huntlab: API stable
/**
 * HTML + JavaScript views (Cytoscape graphs, Leaflet maps): one self-contained
 * `text/html` output per view.
 *
 * Layout of an output:
 * ```html
 * <div id="hl-…" class="hl-view hl-view-KIND">
 *   <style>…scoped…</style>
 *   <div class="hl-view-title">…</div>            (optional)
 *   <div class="hl-view-static"><img src="data:image/png;base64,…"> …</div>
 *   <script>…runtime…</script>
 * </div>
 * ```
 * - No scripts (GitHub, nbviewer, an untrusted notebook — JupyterLab removes
 *   scripts and inline `<svg>` there but keeps `data:` images): the static part
 *   is all there is, and it is complete on its own.
 * - Scripts: the runtime decompresses the libraries the view needs (gzip +
 *   base64 inline, see `jsLibraries.ts`), evaluates each once per page, adds a
 *   live container, hides the static part and runs the view's script. If
 *   anything fails the live part is removed and the static part comes back,
 *   with the reason as text.
 *
 * Everything from data is escaped: titles and fallback text through
 * `escapeHtml`, the payload through `jsonForScript`; view scripts must put data
 * into the DOM with `textContent` (the `view.el` helper does).
 */
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { HuntlabError } from "../common/errors";
import { escapeHtml, jsonForScript } from "../display/html";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { libraryPayloads, type JsLibraryName, type LibraryPayload } from "./jsLibraries";
import { pngDataUri } from "./png";

/** The static rendering shown where scripts do not run. */
export interface HtmlViewFallback {
  /** PNG of the view rendered in Node (e.g. `svgToPng`). Omit only when `html` says everything. */
  png?: Buffer;
  /** Alt text of the image (escaped here). */
  alt: string;
  /** CSS width of the image in pixels. Default: the PNG's own width, capped by the output. */
  width?: number;
  /**
   * Extra static markup shown under the image (e.g. a table). It is inserted as
   * is: build it with `escapeHtml` for every data value.
   */
  html?: string;
}

/** What a view is made of. */
export interface HtmlViewSpec {
  /** Short kind, used in class names and the text summary: `"process-tree"`, `"geo-map"`. Letters, digits and dashes. */
  kind: string;
  /** Heading above the view (escaped). Default: none. */
  title?: string;
  /** Browser libraries the script needs; they arrive as properties of `libs` (`cytoscape`, `L`, …). Default none. */
  libraries?: JsLibraryName[];
  /**
   * Data for the script, serialised with `jsonForScript`. Payloads over
   * `compressDataAbove` bytes travel gzip-compressed. Default `null`.
   */
  data?: unknown;
  /**
   * Body of `function (container, data, libs, view) { … }` (plain ES2017, no
   * imports). `container` is the live element (sized per `width`/`height`),
   * `data` the parsed payload, `libs` the loaded libraries by `exportAs`
   * (`cytoscape`, `cytoscapeDagre`, `L`, `markercluster`), and `view` the helpers
   * described by {@link HtmlViewRuntime}. It may return a Promise. Throwing (or
   * rejecting) brings the static fallback back.
   */
  script: string;
  /** Scoped CSS: called with the output's root selector (`#hl-…`). Default none. */
  css?: (scope: string) => string;
  /** Height of the live container in CSS pixels. Default 400. */
  height?: number;
  /** Width of the live container: pixels, or `"100%"`. Default `"100%"`. */
  width?: number | "100%";
  /** The static rendering. */
  fallback: HtmlViewFallback;
  /** The `text/plain` form (what plain Node prints). */
  text: string;
  /** Compress the data payload when its JSON is longer than this (bytes). Default 32 KiB. */
  compressDataAbove?: number;
}

/**
 * What a view script gets as `view` (documentation of the client contract; the
 * object lives in the browser).
 */
export interface HtmlViewRuntime {
  /** Element id of the output root. */
  id: string;
  /** The output root element. */
  root: unknown;
  /** The static fallback element (hidden while the live view runs). */
  fallback: unknown;
  /** `el(tag, className?, text?)`: a new element; `text` goes in via textContent. */
  el: unknown;
  /** `message(text)`: a status line under the view (textContent). */
  message: unknown;
}

/** Raised for an invalid view spec. */
export class HtmlViewError extends HuntlabError {
  override name = "HtmlViewError";
}

const KIND = /^[a-z][a-z0-9-]{0,40}$/;
const DEFAULT_HEIGHT = 400;
const DEFAULT_COMPRESS_ABOVE = 32 * 1024;

let counter = 0;
/** A fresh element id per rendering: notebooks mix outputs of many sessions. */
function newId(kind: string): string {
  counter += 1;
  return `hl-${kind}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function cssSize(value: number | "100%" | undefined, fallback: number | "100%"): string {
  const v = value ?? fallback;
  if (v === "100%") return "100%";
  if (!Number.isFinite(v) || v <= 0) throw new HtmlViewError(`An HTML view size must be a positive number of pixels or "100%", not ${String(v)}.`);
  return `${Math.round(v)}px`;
}

/** PNG width from its IHDR header (bytes 16-19), or undefined for a non-PNG. */
function pngWidth(png: Buffer): number | undefined {
  return png.length > 24 && png.readUInt32BE(12) === 0x49484452 ? png.readUInt32BE(16) : undefined;
}

/** An HTML+JS view that displays itself (see the module comment). */
export class HtmlView implements Displayable {
  readonly spec: Readonly<HtmlViewSpec>;

  constructor(spec: HtmlViewSpec) {
    if (!KIND.test(spec.kind)) throw new HtmlViewError(`HTML view kind "${spec.kind}" must be lower-case letters, digits and dashes.`);
    if (typeof spec.script !== "string" || spec.script.trim() === "") throw new HtmlViewError(`HTML view "${spec.kind}" has no script.`);
    if (!spec.fallback || (!spec.fallback.png && !spec.fallback.html)) {
      throw new HtmlViewError(`HTML view "${spec.kind}" needs a static fallback (fallback.png or fallback.html).`);
    }
    cssSize(spec.height, DEFAULT_HEIGHT);
    cssSize(spec.width, "100%");
    this.spec = spec;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }

  [inspect.custom](): string {
    const first = this.spec.text.split("\n", 1)[0];
    return `HtmlView(${this.spec.kind}) ${first}`;
  }

  toText(): string {
    return this.spec.text;
  }

  /** The static part alone (what a page without scripts shows). */
  staticHtml(): string {
    const { png, alt, width, html } = this.spec.fallback;
    const w = width ?? (png ? pngWidth(png) : undefined);
    const img = png
      ? `<img class="hl-view-img" alt="${escapeHtml(alt)}" src="${pngDataUri(png)}"${w ? ` width="${Math.round(w)}"` : ""} style="max-width:100%;height:auto">`
      : "";
    return `<div class="hl-view-static">${img}${html ?? ""}</div>`;
  }

  /** The whole output; every call uses a new element id. */
  toHtml(): string {
    const { kind, title } = this.spec;
    const id = newId(kind);
    const scope = `#${id}`;
    const css = baseCss(scope) + (this.spec.css ? this.spec.css(scope) : "");
    return [
      `<div id="${id}" class="hl-view hl-view-${kind}">`,
      `<style>${css.replace(/<\//g, "<\\/")}</style>`,
      title ? `<div class="hl-view-title">${escapeHtml(title)}</div>` : "",
      this.staticHtml(),
      `<script>${this.clientScript(id)}</script>`,
      `</div>`,
    ].join("");
  }

  private clientScript(id: string): string {
    const libs = libraryPayloads(this.spec.libraries ?? []);
    const dataJson = JSON.stringify(this.spec.data ?? null) ?? "null";
    const limit = this.spec.compressDataAbove ?? DEFAULT_COMPRESS_ABOVE;
    const data =
      Buffer.byteLength(dataJson) > limit
        ? { gz: gzipSync(Buffer.from(dataJson, "utf8"), { level: 6 }).toString("base64") }
        : { json: this.spec.data ?? null };
    const config = {
      id,
      kind: this.spec.kind,
      width: cssSize(this.spec.width, "100%"),
      height: cssSize(this.spec.height, DEFAULT_HEIGHT),
      libs: libs.map(clientLibrary),
      data,
    };
    return `(function () {\n"use strict";\nvar CONFIG = ${jsonForScript(config)};\nvar INITS = {${libs
      .filter((l) => l.init)
      .map((l) => `${jsonForScript(l.key)}: ${l.init}`)
      .join(", ")}};\nvar BODY = function (container, data, libs, view) {\n${this.spec.script}\n};\n${RUNTIME}\n})();`;
  }
}

/** An HTML+JS view; see {@link HtmlViewSpec}. */
export function htmlView(spec: HtmlViewSpec): HtmlView {
  return new HtmlView(spec);
}

function clientLibrary(lib: LibraryPayload): Omit<LibraryPayload, "name" | "rawBytes" | "inlineBytes" | "init" | "version"> {
  return { key: lib.key, exportAs: lib.exportAs, deps: lib.deps, globals: lib.globals, js: lib.js, css: lib.css };
}

function baseCss(r: string): string {
  return (
    `${r}{font-size:13px;color:var(--jp-ui-font-color1,inherit);max-width:100%}` +
    `${r} .hl-view-title{font-weight:bold;margin:4px 0}` +
    `${r} .hl-view-live{position:relative;box-sizing:border-box;border:1px solid var(--jp-border-color2,#ddd)}` +
    `${r} .hl-view-message{color:var(--jp-ui-font-color2,#666);font-size:12px;margin:2px 0}`
  );
}

/**
 * The client runtime (plain ES2017 in a string: no transpiler helpers in the
 * page). Runs with CONFIG, INITS and BODY in scope.
 */
const RUNTIME = String.raw`
var REG_NAME = "__huntlab_js_v1";
var reg = window[REG_NAME] || (window[REG_NAME] = { mods: {}, loading: {}, css: {}, slots: {} });
var script = document.currentScript;
function findRoot() {
  var r = document.getElementById(CONFIG.id);
  if (!r && script && script.parentNode && script.parentNode.id === CONFIG.id) r = script.parentNode;
  return r;
}
function inflate(b64) {
  if (typeof DecompressionStream !== "function") return Promise.reject(new Error("this browser has no DecompressionStream"));
  var bin = atob(b64);
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}
function evaluate(lib, code) {
  var slot = "s" + Math.random().toString(36).slice(2);
  var names = Object.keys(lib.globals);
  var holder = { module: { exports: {} }, ran: false, error: null, args: names.map(function (n) { return reg.mods[lib.globals[n]]; }),
    require: function (n) { var k = Object.keys(reg.mods).filter(function (key) { return key.split("@")[0] === n; })[0]; if (!k) throw new Error("huntlab: " + n + " not loaded"); return reg.mods[k]; } };
  reg.slots[slot] = holder;
  var params = ["module", "exports", "define", "require"].concat(names).join(",");
  var el = document.createElement("script");
  // Bound as parameters: "define" is undefined so UMD builds take the CommonJS
  // branch even where RequireJS is loaded (classic Notebook), and no globals leak.
  el.textContent = "(function(h){h.ran=true;try{(function(" + params + "){" + code + "\n}).apply(window,[h.module,h.module.exports,undefined,h.require].concat(h.args));}catch(e){h.error=e;}})(window." + REG_NAME + ".slots." + slot + ");";
  (document.head || document.documentElement).appendChild(el);
  el.remove();
  delete reg.slots[slot];
  if (!holder.ran) throw new Error("the page blocked the library script (" + lib.key + ")");
  if (holder.error) throw holder.error;
  return holder.module.exports;
}
function addCss(lib) {
  if (!lib.css || reg.css[lib.key]) return Promise.resolve();
  return inflate(lib.css).then(function (text) {
    if (reg.css[lib.key]) return;
    var style = document.createElement("style");
    style.setAttribute("data-huntlab-css", lib.key);
    style.textContent = text;
    (document.head || document.documentElement).appendChild(style);
    reg.css[lib.key] = true;
  });
}
function load(lib, byKey) {
  if (reg.mods[lib.key]) return addCss(lib);
  if (!reg.loading[lib.key]) {
    reg.loading[lib.key] = Promise.all(lib.deps.map(function (k) { return load(byKey[k], byKey); }))
      .then(function () { return inflate(lib.js); })
      .then(function (code) {
        if (reg.mods[lib.key]) return;
        var exp = evaluate(lib, code);
        var libsByName = {};
        CONFIG.libs.forEach(function (l) { if (reg.mods[l.key]) libsByName[l.exportAs] = reg.mods[l.key]; });
        if (INITS[lib.key]) INITS[lib.key](exp, libsByName);
        reg.mods[lib.key] = exp;
      })
      .catch(function (err) { delete reg.loading[lib.key]; throw err; });
  }
  return reg.loading[lib.key].then(function () { return addCss(lib); });
}
function start(root) {
  if (root.getAttribute("data-hl-live")) return;
  root.setAttribute("data-hl-live", "loading");
  var fallback = root.querySelector(".hl-view-static");
  var status = document.createElement("div");
  status.className = "hl-view-message";
  function message(text) { status.textContent = text == null ? "" : String(text); if (!status.parentNode) root.appendChild(status); }
  var byKey = {};
  CONFIG.libs.forEach(function (l) { byKey[l.key] = l; });
  var live = null;
  Promise.all(CONFIG.libs.map(function (l) { return load(l, byKey); }))
    .then(function () { return CONFIG.data.gz ? inflate(CONFIG.data.gz).then(JSON.parse) : CONFIG.data.json; })
    .then(function (data) {
      var libs = {};
      CONFIG.libs.forEach(function (l) { libs[l.exportAs] = reg.mods[l.key]; });
      live = document.createElement("div");
      live.className = "hl-view-live";
      live.style.width = CONFIG.width;
      live.style.height = CONFIG.height;
      if (fallback) fallback.style.display = "none";
      root.insertBefore(live, fallback || script || null);
      var view = {
        id: CONFIG.id, root: root, fallback: fallback, message: message,
        el: function (tag, className, text) {
          var n = document.createElement(tag);
          if (className) n.className = className;
          if (text != null) n.textContent = String(text);
          return n;
        }
      };
      return BODY(live, data, libs, view);
    })
    .then(function () { root.setAttribute("data-hl-live", "1"); })
    .catch(function (err) {
      if (live && live.parentNode) live.parentNode.removeChild(live);
      if (fallback) fallback.style.display = "";
      root.setAttribute("data-hl-live", "failed");
      message("Interactive view unavailable (" + (err && err.message ? err.message : String(err)) + "); showing the static image.");
    });
}
var root = findRoot();
if (root) { start(root); return; }
var tries = 0;
var timer = setInterval(function () {
  var found = findRoot();
  if (found) start(found);
  if (found || ++tries >= 50) clearInterval(timer);
}, 100);
`;
