// huntlab: API stable
/**
 * Every HTML output of huntlab (browsers, maps, graphs, process trees, entity
 * cards) is an `HtmlView`: one id scheme, one runtime, one fallback rule.
 *
 * Layout of an output:
 * ```html
 * <div id="hl-KIND-…" class="hl-view hl-view-KIND tex2jax_ignore mathjax_ignore">
 *   <style>…scoped to #hl-KIND-…</style>
 *   <div class="hl-view-title">…</div>                   (optional)
 *   <div class="hl-view-static"><img src="data:…">…</div>  (the fallback)
 *   <script type="application/json" class="hl-view-config">…</script>
 *   <script>…bundle of src/vis/client/views/NAME.ts…; __hl.boot(id)</script>
 * </div>
 * ```
 * - No scripts (GitHub, nbviewer, an untrusted notebook — JupyterLab removes
 *   scripts and inline `<svg>` there but keeps `data:` images): the static part
 *   is all there is, and it is complete on its own.
 * - Scripts: the client runtime (`client/runtime.ts`) loads the inline
 *   libraries, hides the static part and mounts the view; on any failure the
 *   static part comes back with the reason.
 * - A view without `client` is static HTML (entity cards): no script at all.
 *
 * Data reaches the page only as escaped markup (the `html` template) or as
 * JSON in the config element; the bundle is fixed code built from TypeScript.
 */
import { inspect, type InspectOptions } from "node:util";
import { gzipSync } from "node:zlib";
import { HtmlViewError, displayMessages as msg } from "./messages";
import { html, jsonScript, NO_TEX_CLASSES, styleElement, trustedHtml, type SafeHtml } from "./html";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "./protocol";
import type { ClientLibrary, ViewConfig } from "./viewConfig";
import { clientBundle, checkInlineScript, type ClientCode } from "./clientBundles";
import { libraryPayloads, type JsLibraryName } from "./jsLibraries";
import { inspectLastValue } from "./lastValue";
import { THEME, themeCss } from "./theme";
import { revealLines } from "../common/hiddenChars";

/** The static rendering shown where scripts do not run. */
export interface HtmlViewFallback {
  /** PNG of the view rendered in Node (e.g. `svgToPng`). Omit when `html` says everything. */
  png?: Buffer;
  /** Alt text of the image. */
  alt: string;
  /** CSS width of the image in pixels. Default: the PNG's own width, capped by the output. */
  width?: number;
  /** Static markup under the image (a table, a list), built with the `html` template. */
  html?: SafeHtml;
}

/** What a view is made of. */
export interface HtmlViewSpec {
  /** Short kind, used in ids, class names and the text summary: `"process-tree"`. Lower-case letters, digits and dashes. */
  kind: string;
  /** Heading above the view: text, or a fragment from the `html` template. Default none. */
  title?: string | SafeHtml;
  /**
   * The browser code: the name of a bundle `src/vis/client/views/NAME.ts`, or
   * code built by the caller (tests). Default none: a static view.
   */
  client?: string | ClientCode;
  /** Browser libraries the client needs; they arrive as properties of `libs` (`cytoscape`, `L`, …). Default none. */
  libraries?: JsLibraryName[];
  /** Data for the client, as JSON; payloads over `compressDataAbove` bytes travel gzip-compressed. Default `null`. */
  data?: unknown;
  /** Scoped CSS: called with the output's root selector (`#hl-…`). Default none. */
  css?: (scope: string) => string;
  /** Height of the live container in CSS pixels, or `"auto"` to follow the content. Default 400. */
  height?: number | "auto";
  /** Width of the live container: pixels, or `"100%"`. Default `"100%"`. */
  width?: number | "100%";
  /** The static rendering. */
  fallback: HtmlViewFallback;
  /** The `text/plain` form (what plain Node prints). */
  text: string;
  /** Compress the data payload when its JSON is longer than this (bytes). Default 32 KiB. */
  compressDataAbove?: number;
}

/** Bytes of one rendering by part: what makes an output big. */
export interface HtmlViewSizes {
  total: number;
  /** The inline libraries (gzip + base64). */
  libraries: number;
  /** The data payload (JSON, or gzip + base64). */
  data: number;
  /** The view's own bundle. */
  script: number;
  /** The static fallback (image and markup). */
  static: number;
}

/** What a view's `mount` receives as `view` (the browser-side helpers). */
export type { ViewContext as HtmlViewRuntime } from "./viewConfig";

export { HtmlViewError } from "./messages";

const KIND = /^[a-z][a-z0-9-]{0,40}$/;
const DEFAULT_HEIGHT = 400;
const DEFAULT_COMPRESS_ABOVE = 32 * 1024;

let counter = 0;
/** A fresh element id per rendering: notebooks mix outputs of many sessions. The one id scheme of all outputs. */
export function newViewId(kind: string): string {
  counter += 1;
  return `hl-${kind}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function cssSize(value: number | "100%" | "auto" | undefined, fallback: number | "100%"): string {
  const v = value ?? fallback;
  if (v === "100%" || v === "auto") return v;
  if (!Number.isFinite(v) || v <= 0) throw new HtmlViewError(msg.viewSize(v));
  return `${Math.round(v)}px`;
}

/** A PNG as a `data:` URI, for `<img>` fallbacks inside HTML outputs (sanitisers keep those). */
export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString("base64")}`;
}

/** PNG width from its IHDR header (bytes 16-19), or undefined for a non-PNG. */
function pngWidth(png: Buffer): number | undefined {
  return png.length > 24 && png.readUInt32BE(12) === 0x49484452 ? png.readUInt32BE(16) : undefined;
}

interface Rendering {
  html: string;
  sizes: HtmlViewSizes;
}

/** An HTML view that displays itself (see the module comment). */
export class HtmlView implements Displayable {
  readonly spec: Readonly<HtmlViewSpec>;

  constructor(spec: HtmlViewSpec) {
    if (!KIND.test(spec.kind)) throw new HtmlViewError(msg.viewKind(spec.kind));
    if (!spec.fallback || (!spec.fallback.png && !spec.fallback.html)) {
      throw new HtmlViewError(msg.viewFallbackMissing(spec.kind));
    }
    if (spec.client !== undefined && typeof spec.client !== "string") checkInlineScript(spec.client);
    cssSize(spec.height, DEFAULT_HEIGHT);
    cssSize(spec.width, "100%");
    this.spec = spec;
    // Rich as tslab's last value (lastValue.ts). An own, non-enumerable property, so that
    // subclasses overriding `[inspect.custom]` for their text stay rich: theirs gives the text.
    Object.defineProperty(this, inspect.custom, {
      value: (depth: number, options: InspectOptions) =>
        inspectLastValue(this, depth, options, () => (Object.getPrototypeOf(this) as { [inspect.custom](): string })[inspect.custom].call(this)),
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
  }

  /** The text of `util.inspect` (and of tslab's last value outside a notebook). */
  [inspect.custom](): string {
    const first = this.toText().split("\n", 1)[0];
    return `HtmlView(${this.spec.kind}) ${first}`;
  }

  /** The `text/plain` form; data in it (process names, indicators) shows its control and bidi characters as escapes. */
  toText(): string {
    return revealLines(this.spec.text);
  }

  /** The static part alone (what a page without scripts shows). */
  staticHtml(): SafeHtml {
    return this.staticPart(false);
  }

  /** The static part, led for a live view by {@link NO_SCRIPT_NOTE}. */
  private staticPart(noScriptNote: boolean): SafeHtml {
    const note = noScriptNote ? html`<p class="hl-view-noscript" style="font-size:12px;font-style:italic;margin:2px 0 4px">${NO_SCRIPT_NOTE}</p>` : "";
    const { png, alt, width, html: extra } = this.spec.fallback;
    const w = width ?? (png ? pngWidth(png) : undefined);
    const img = png
      ? html`<img class="hl-view-img" alt="${alt}" src="${trustedHtml(pngDataUri(png))}"${w ? html` width="${Math.round(w)}"` : ""} style="max-width:100%;height:auto">`
      : "";
    return html`<div class="hl-view-static">${note}${img}${extra}</div>`;
  }

  /** The whole output; every call uses a new element id. */
  toHtml(): string {
    return this.render().html;
  }

  /** Bytes of a rendering by part. */
  sizes(): HtmlViewSizes {
    return this.render().sizes;
  }

  private render(): Rendering {
    const { kind, title } = this.spec;
    const id = newViewId(kind);
    const scope = `#${id}`;
    const css = styleElement(baseCss(scope) + (this.spec.css ? this.spec.css(scope) : ""));
    const staticPart = this.staticPart(this.spec.client !== undefined);
    const client = this.spec.client === undefined ? undefined : typeof this.spec.client === "string" ? clientBundle(this.spec.client) : this.spec.client;
    let config: SafeHtml | string = "";
    let script: SafeHtml | string = "";
    let libraryBytes = 0;
    let dataBytes = 0;
    if (client) {
      const { config: value, libraryBytes: lb, dataBytes: db } = this.clientConfig(id);
      libraryBytes = lb;
      dataBytes = db;
      config = jsonScript(value, "hl-view-config");
      // The bundle is fixed code (checked free of "</script"); the id is ours.
      script = trustedHtml(`<script>(function(){${client.code}\n;__hl.boot(${JSON.stringify(id)});})();</script>`);
    }
    const out = html`<div id="${id}" class="hl-view hl-view-${kind}${this.spec.height === "auto" ? " hl-view-auto" : ""} ${NO_TEX_CLASSES}">${css}${title ? html`<div class="hl-view-title">${title}</div>` : ""}${staticPart}${config}${script}</div>`;
    const scriptBytes = client ? Buffer.byteLength(client.code) : 0;
    return {
      html: out.value,
      sizes: {
        total: Buffer.byteLength(out.value),
        libraries: libraryBytes,
        data: dataBytes,
        script: scriptBytes,
        static: Buffer.byteLength(staticPart.value),
      },
    };
  }

  private clientConfig(id: string): { config: ViewConfig; libraryBytes: number; dataBytes: number } {
    const libs: ClientLibrary[] = libraryPayloads(this.spec.libraries ?? []).map((l) => ({
      name: l.name,
      key: l.key,
      exportAs: l.exportAs,
      deps: l.deps,
      globals: l.globals,
      js: l.js,
      css: l.css,
    }));
    const dataJson = JSON.stringify(this.spec.data ?? null) ?? "null";
    const limit = this.spec.compressDataAbove ?? DEFAULT_COMPRESS_ABOVE;
    const data: ViewConfig["data"] =
      Buffer.byteLength(dataJson) > limit
        ? { gz: gzipSync(Buffer.from(dataJson, "utf8"), { level: 6 }).toString("base64") }
        : { json: this.spec.data ?? null };
    return {
      config: {
        id,
        kind: this.spec.kind,
        width: cssSize(this.spec.width, "100%"),
        height: cssSize(this.spec.height, DEFAULT_HEIGHT),
        libs,
        data,
      },
      libraryBytes: libs.reduce((n, l) => n + l.js.length + l.css.length, 0),
      dataBytes: "gz" in data ? data.gz.length : Buffer.byteLength(dataJson),
    };
  }
}

/** An HTML view; see {@link HtmlViewSpec}. */
export function htmlView(spec: HtmlViewSpec): HtmlView {
  return new HtmlView(spec);
}

/**
 * The line a live view's static part starts with. A notebook reopened untrusted (JupyterLab runs no output script
 * then), GitHub and nbviewer showed the static image alone, with nothing saying the view is interactive nor how to
 * get it. Inline style only: JupyterLab's sanitizer drops an untrusted output's `<style>`. Hidden with the rest of
 * the static part once the view mounts; removed if the view fails (its reason is said instead).
 */
export const NO_SCRIPT_NOTE =
  "Static view: this output's script has not run (an untrusted notebook, or a page without scripts such as GitHub). For the interactive view, trust the notebook in JupyterLab (Command Palette: Trust Notebook) or re-run the cell.";


function baseCss(r: string): string {
  return (
    `${r}{font-size:13px;color:${THEME.text};max-width:100%}` +
    `${r} .hl-view-title{font-weight:bold;margin:4px 0}` +
    // A fixed width (an entity graph's 900 px) never runs past the output: zoomed to 200% the page scrolled sideways.
    `${r} .hl-view-live{position:relative;box-sizing:border-box;max-width:100%;border:1px solid ${THEME.borderSoft}}` +
    `${r}.hl-view-auto .hl-view-live{border:0}` +
    `${r} .hl-view-message{color:${THEME.muted};font-size:12px;margin:2px 0}` +
    // Data shown in an inline element of its own (a list's key, a legend's value, a node's type) is isolated from
    // the words around it: a Hebrew or Arabic value carried the neutral and numeric text after it (a count, a time)
    // into its own right-to-left run, so the time showed before the name. (Text that shares one text node with
    // ours, as in tooltips, is isolated by the views' scripts: client/text.ts shownValue.)
    `${r} :is(span,code,b,a,label,abbr,bdi){unicode-bidi:isolate}` +
    themeCss(r)
  );
}
