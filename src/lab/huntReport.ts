/**
 * The standalone HTML report of an executed notebook (`npm run hunt`): a
 * header (parameters, data folders, date, huntlab version, outcome), then each
 * cell: markdown rendered (marked) and sanitised (sanitize-html: notebook text
 * is untrusted), code folded, outputs as Jupyter would pick them.
 *
 * - huntlab's HTML views carry their own inline scripts and libraries and are
 *   inserted as they are (they are our own output, escaped by huntlab);
 * - Vega-Lite outputs become a vega-embed chart over their PNG fallback, with
 *   vega, vega-lite and vega-embed inlined once from node_modules (offline);
 * - without scripts every output still shows: static parts of the views, the
 *   charts' PNGs, tables, text.
 * Markup is written with huntlab's `html` template; only sanitised markdown,
 * the outputs' own HTML and the inlined libraries go in as trusted fragments.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { clientBundle } from "../display/clientBundles";
import { html, jsonScript, styleElement, trustedHtml, type SafeHtml } from "../display/html";
import { cellText, type NotebookCell, type NotebookJson } from "./huntParams";

/** What the header shows. */
export interface HuntReportMeta {
  /** Notebook path as the user gave it. */
  notebook: string;
  /** Data folders the hunt ran on (empty when the notebook's own were used). */
  dataPaths: string[];
  queryPaths: string[];
  /** Every declared parameter with its value as written; `injected` when the hunt set it. */
  parameters: { name: string; value: string; injected: boolean }[];
  kernel: string;
  /** ISO time the hunt started. */
  started: string;
  seconds: number;
  huntlabVersion: string;
  /** Cells that failed, by notebook index, with their error. */
  failures: { cell: number; error: string }[];
  /** True when the run stopped at the first failure (the later cells did not run). */
  stopped: boolean;
  /** Why the kernel could not run the notebook (it did not start, died, or a cell timed out), if so. */
  problem?: string;
}

/** How the report is built. */
export interface HuntReportOptions {
  /**
   * Characters of one text output (a stream, a traceback, `text/plain`) shown in
   * the report; a longer one keeps its start and end around a line saying how
   * much is left out (the executed notebook keeps it all), so one cell printing
   * a whole log cannot make the report too big to open. Default 100,000.
   */
  maxTextChars?: number;
}

/** The default of {@link HuntReportOptions.maxTextChars}. */
export const MAX_TEXT_CHARS = 100_000;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * An image output's alt text: its metadata's (`{ "image/png": { alt } }`, as huntlab's charts and IPython's
 * `Image(alt=…)` write it), else the first line of its text form, else what it is. Escaped by the template.
 */
function imageAlt(output: Output, mime: string, fallback: string): string {
  const own = (output.metadata?.[mime] as { alt?: unknown } | undefined)?.alt;
  if (typeof own === "string" && own.trim()) return own.trim().slice(0, 500);
  const plain = output.data?.["text/plain"];
  const line = (typeof plain === "string" || Array.isArray(plain) ? text(plain) : "").trim().split("\n", 1)[0];
  return line ? line.slice(0, 500) : fallback;
}

const VEGA_LITE = /^application\/vnd\.vegalite\.v\d+\+json$/;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const ROOT = path.resolve(__dirname, "..", "..");
// Resolved from the project root (a loader may decorate this module's own `require.resolve` results).
const resolveFromRoot = createRequire(path.join(ROOT, "package.json")).resolve;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

/** Markdown → HTML with only harmless markup left (no scripts, handlers, styles or remote embeds). */
export function renderMarkdown(source: string): SafeHtml {
  const raw = marked.parse(source, { async: false, gfm: true }) as string;
  const clean = sanitizeHtml(raw, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "details", "summary", "del", "input"],
    allowedAttributes: {
      a: ["href", "title"],
      img: ["src", "alt", "title", "width", "height"],
      code: ["class"],
      th: ["align"],
      td: ["align"],
      input: ["type", "checked", "disabled"],
      details: ["open"],
    },
    // Images only from data: URIs: a report opened offline fetches nothing.
    allowedSchemesByTag: { img: ["data"] },
    allowedSchemes: ["http", "https", "mailto"],
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }) },
    // Relative image paths would be fetched from wherever the report is opened: dropped.
    exclusiveFilter: (frame) => frame.tag === "img" && !/^data:image\//i.test(frame.attribs.src ?? ""),
  });
  return trustedHtml(clean);
}

/**
 * `value` cut to `max` characters: four fifths from its start, the rest from its
 * end, around a line that says how many are left out. Never splits a surrogate pair.
 */
export function capText(value: string, max: number): string {
  if (value.length <= max) return value;
  const lowSurrogate = (at: number) => value.charCodeAt(at) >= 0xdc00 && value.charCodeAt(at) <= 0xdfff;
  const whole = (at: number) => (at > 0 && lowSurrogate(at) ? at - 1 : at);
  const head = whole(Math.floor(max * 0.8));
  const tail = whole(value.length - (max - Math.floor(max * 0.8)));
  const left = tail - head;
  return `${value.slice(0, head)}\n… ${left.toLocaleString("en-US")} characters not shown here (the executed notebook has the whole output) …\n${value.slice(tail)}`;
}

/** Outputs of one cell, each as Jupyter would choose its representation. */
function renderOutput(output: Output, vegaIndex: { n: number }, maxText: number): SafeHtml {
  switch (output.output_type) {
    case "stream": {
      const kind = output.name === "stderr" ? "stderr" : "stdout";
      return html`<pre class="hunt-stream hunt-${kind}">${capText(text(output.text).replace(ANSI, ""), maxText)}</pre>`;
    }
    case "error": {
      const trace = (output.traceback?.length ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`).replace(ANSI, "");
      return html`<pre class="hunt-error">${capText(trace, maxText)}</pre>`;
    }
    case "display_data":
    case "execute_result": {
      const data = output.data ?? {};
      const vegaMime = Object.keys(data).find((m) => VEGA_LITE.test(m));
      const png = typeof data["image/png"] === "string" ? text(data["image/png"]).replace(/\s/g, "") : "";
      const pngImg = png ? html`<img class="hunt-fallback" alt="${imageAlt(output, "image/png", "chart (static image)")}" src="${trustedHtml(`data:image/png;base64,${png.replace(/[^A-Za-z0-9+/=]/g, "")}`)}">` : "";
      if (vegaMime) {
        vegaIndex.n += 1;
        return html`<div class="hunt-vega" data-mime="${vegaMime}">${pngImg}${jsonScript(data[vegaMime], "hunt-vega-spec")}</div>`;
      }
      if ("text/html" in data) return html`<div class="hunt-html">${trustedHtml(text(data["text/html"]))}</div>`;
      if (pngImg) return pngImg;
      // nbformat stores SVG (text) as a list of lines, as it does text/html.
      if (typeof data["image/svg+xml"] === "string" || Array.isArray(data["image/svg+xml"])) {
        // As an image: scripts inside an SVG never run there.
        const b64 = Buffer.from(text(data["image/svg+xml"]), "utf8").toString("base64");
        return html`<img alt="${imageAlt(output, "image/svg+xml", "image")}" src="${trustedHtml(`data:image/svg+xml;base64,${b64}`)}">`;
      }
      if (typeof data["image/jpeg"] === "string") {
        return html`<img alt="${imageAlt(output, "image/jpeg", "image")}" src="${trustedHtml(`data:image/jpeg;base64,${text(data["image/jpeg"]).replace(/[^A-Za-z0-9+/=]/g, "")}`)}">`;
      }
      if ("text/markdown" in data) return renderMarkdown(text(data["text/markdown"]));
      // Deno colours a cell's last value (`{ host: \x1b[32m"WKS-0042"\x1b[39m }`): the codes go, as for streams.
      if ("text/plain" in data) return html`<pre class="hunt-text">${capText(text(data["text/plain"]).replace(ANSI, ""), maxText)}</pre>`;
      // Outputs with no text form: shown as their source, escaped.
      if ("application/json" in data) return html`<pre class="hunt-text">${capText(JSON.stringify(data["application/json"], null, 2) ?? "", maxText)}</pre>`;
      if ("text/latex" in data) return html`<pre class="hunt-text">${capText(text(data["text/latex"]), maxText)}</pre>`;
      return html``;
    }
    default:
      return html``;
  }
}

function cellStatus(cell: NotebookCell): string {
  const hunt = cell.metadata.huntlab as { status?: string } | undefined;
  return hunt?.status ?? "ok";
}

/** First lines of an error, without stack frames. */
export function errorSummary(error: string, maxLines = 8): string {
  const all = error.replace(ANSI, "").split(/\r?\n/).filter((l) => l.trim());
  const frame = (l: string) => /^\s+at\s/.test(l);
  // Node prints an error with properties as `Error: x\n    at … {\n  code: '…'\n}`: the closing brace after the frames goes with them.
  const last = all.length - 1;
  const lines = all.filter((l, i) => !frame(l) && !(i === last && l === "}" && all.slice(0, i).some(frame)));
  return lines.slice(0, maxLines).join("\n") + (lines.length > maxLines ? "\n…" : "");
}

function renderCell(cell: NotebookCell, index: number, meta: HuntReportMeta, vegaIndex: { n: number }, maxText: number): SafeHtml {
  if (cell.cell_type === "markdown") return html`<section class="hunt-cell hunt-markdown" data-cell="${index + 1}">${renderMarkdown(cellText(cell.source))}</section>`;
  if (cell.cell_type !== "code") return html``;
  const status = cellStatus(cell);
  const tags = (Array.isArray(cell.metadata.tags) ? cell.metadata.tags : []).map(String).join(" ");
  const failure = meta.failures.find((f) => f.cell === index);
  const count = cell.execution_count ?? " ";
  const banner =
    status === "failed"
      ? html`<div class="hunt-banner hunt-banner-failed" role="alert">Cell ${index + 1} failed${failure ? html`: <pre>${errorSummary(failure.error)}</pre>` : ""}</div>`
      : status === "not-run"
        ? html`<div class="hunt-banner hunt-banner-not-run">Not run: ${meta.failures.some((f) => f.cell < index) ? "the hunt stopped at an earlier failed cell." : "the kernel could not run the notebook (see Outcome)."}</div>`
        : "";
  const outputs = (cell.outputs ?? []) as Output[];
  return html`<section class="hunt-cell hunt-code hunt-${status}" data-cell="${index + 1}" data-status="${status}" data-tags="${tags}">
<details class="hunt-source"${status === "failed" || tags.includes("parameters") ? html` open` : ""}><summary>In [${count}]${tags ? html` <span class="hunt-tags">${tags}</span>` : ""}</summary><pre>${cellText(cell.source)}</pre></details>
${banner}<div class="hunt-outputs">${outputs.map((o) => html`<div class="hunt-output">${renderOutput(o, vegaIndex, maxText)}</div>`)}</div>
</section>`;
}

function script(file: string): SafeHtml {
  // Library code inside a <script> element: only `</script` could end it early.
  return trustedHtml(`<script>${fs.readFileSync(file, "utf8").replace(/^\/\/# sourceMappingURL=.*$/gm, "").replace(/<\/script/gi, "<\\/script")}</script>`);
}

/**
 * The page script that embeds each chart: src/vis/client/views/huntReport.ts,
 * bundled by `npm run build` into dist/client/huntReport.js and read (and
 * checked safe to inline) like the views' bundles.
 */
function pageScript(): SafeHtml {
  return trustedHtml(`<script>(function(){${clientBundle("huntReport").code}\n;__hl.boot();})();</script>`);
}

/**
 * vega, vega-lite and vega-embed (their UMD builds, from node_modules), then the
 * page script that embeds each chart. vega-embed's exports map hides its build
 * folder: the UMD build sits beside its CommonJS entry.
 */
function vegaScripts(): SafeHtml {
  return html`${script(resolveFromRoot("vega/build/vega.min.js"))}${script(resolveFromRoot("vega-lite/build/vega-lite.min.js"))}${script(path.join(path.dirname(resolveFromRoot("vega-embed")), "vega-embed.min.js"))}${pageScript()}`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1f2328;line-height:1.45}
.hunt-header{border-bottom:2px solid #d0d7de;margin-bottom:16px}
.hunt-header table{border-collapse:collapse;margin:8px 0}
.hunt-header th,.hunt-header td{text-align:left;padding:2px 12px 2px 0;vertical-align:top;font-size:14px}
.hunt-header code{background:#f6f8fa;padding:1px 4px;border-radius:3px}
.hunt-set{color:#0969da;font-size:12px}
.hunt-outcome-ok{color:#1a7f37}.hunt-outcome-failed{color:#cf222e}
.hunt-cell{margin:10px 0}
.hunt-source summary{cursor:pointer;color:#57606a;font:12px monospace}
.hunt-source pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px;margin:4px 0}
.hunt-tags{background:#ddf4ff;border-radius:3px;padding:0 4px}
.hunt-output{margin:4px 0;overflow-x:auto}
.hunt-stream,.hunt-text,.hunt-error{white-space:pre-wrap;font-size:12px;margin:2px 0}
.hunt-stderr{background:#fff8c5}
.hunt-error{color:#cf222e}
.hunt-banner{padding:6px 10px;border-radius:4px;margin:4px 0;font-size:14px}
.hunt-banner pre{white-space:pre-wrap;margin:4px 0 0}
.hunt-banner-failed{background:#ffebe9;border:1px solid #cf222e;color:#82071e}
.hunt-banner-not-run{background:#f6f8fa;border:1px dashed #8c959f;color:#57606a}
.hunt-failed{border-left:4px solid #cf222e;padding-left:8px}
.hunt-problem{white-space:pre-wrap;color:#82071e;font-size:12px;margin:4px 0 0}
.hunt-vega-error{color:#cf222e;font-size:12px}
img.hunt-fallback{max-width:100%}
`;

/** The report of an executed notebook. */
export function buildHuntReport(nb: NotebookJson, meta: HuntReportMeta, options: HuntReportOptions = {}): string {
  const maxText = options.maxTextChars ?? MAX_TEXT_CHARS;
  const vegaIndex = { n: 0 };
  const cells = nb.cells.map((c, i) => renderCell(c, i, meta, vegaIndex, maxText));
  const failed = nb.cells.filter((c) => c.cell_type === "code" && cellStatus(c) === "failed").length;
  const notRun = nb.cells.filter((c) => c.cell_type === "code" && cellStatus(c) === "not-run").length;
  const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
  const title = `${path.basename(meta.notebook)} — huntlab hunt report`;
  // Cells left not run without a failed one (a kernel that never started) are no success either.
  const outcome = failed
    ? html`<span class="hunt-outcome-failed">${failed} of ${codeCells} code cells failed${notRun ? `, ${notRun} not run` : ""}</span>`
    : notRun
      ? html`<span class="hunt-outcome-failed">${notRun} of ${codeCells} code cells not run</span>`
      : html`<span class="hunt-outcome-ok">all ${codeCells} code cells ran</span>`;
  const problem = meta.problem ? html`<pre class="hunt-problem">The kernel could not run the notebook: ${errorSummary(meta.problem)}</pre>` : "";
  const folders = (paths: string[]): SafeHtml => (paths.length ? html`${paths.map((p, i) => html`${i ? html`<br>` : ""}<code>${p}</code>`)}` : html`the notebook's own`);
  const header = html`<header class="hunt-header">
<h1>${path.basename(meta.notebook)}</h1>
<table>
<tr><th>Data</th><td class="hunt-data">${folders(meta.dataPaths)}</td></tr>
<tr><th>Queries</th><td>${folders(meta.queryPaths)}</td></tr>
<tr><th>Parameters</th><td><table class="hunt-parameters">${meta.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td><code>${p.value}</code>${p.injected ? html` <span class="hunt-set">set by the hunt</span>` : ""}</td></tr>`)}</table></td></tr>
<tr><th>Run</th><td><time datetime="${meta.started}">${meta.started}</time>, ${meta.seconds.toFixed(1)} s, kernel ${meta.kernel}</td></tr>
<tr><th>Outcome</th><td class="hunt-outcome">${outcome}${problem}</td></tr>
<tr><th>huntlab</th><td class="hunt-version">${meta.huntlabVersion}</td></tr>
<tr><th>Notebook</th><td><code>${meta.notebook}</code></td></tr>
</table>
</header>`;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="huntlab ${meta.huntlabVersion} (npm run hunt)">
<title>${title}</title>
${styleElement(CSS)}
</head>
<body>
${header}
<main>
${cells}
</main>
${vegaIndex.n ? vegaScripts() : ""}
</body></html>
`;
  return page.toString();
}
