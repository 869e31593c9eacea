/**
 * Turns an executed notebook (nbformat 4) into one HTML page, showing outputs
 * the way Jupyter front ends do, so real-browser tests can check them.
 *
 * Modes (how `text/html` outputs get into the page):
 * - `lab`: `innerHTML`, then each `<script>` re-created in place so it runs
 *   (JupyterLab, VS Code; `document.currentScript` is the script in the output).
 * - `classic`: `innerHTML`, then each script's text run from a temporary script
 *   in `<head>` (classic Notebook via jQuery; `currentScript` is not in the output).
 * - `inline`: outputs written into the page source; scripts run while the page
 *   parses. Use this with `javaScriptEnabled: false` to see the no-script view.
 * - `sanitized`: scripts, `<style>`, embedded content, `on*` attributes and
 *   `javascript:` URLs removed before insertion, roughly what JupyterLab does to
 *   untrusted outputs (and harsher on `<style>`, like GitHub).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { escapeHtml, jsonForScript } from "../../src/display/html";
import type { MimeBundle } from "../../src/display/protocol";

type MultilineString = string | string[];

export interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  name?: string;
  text?: MultilineString;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: string;
  source: MultilineString;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export type InsertMode = "lab" | "classic" | "inline" | "sanitized";

export interface NotebookPageOptions {
  /** Default `"lab"`. */
  mode?: InsertMode;
  title?: string;
}

export function readNotebook(path: string): Notebook {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  if (!Array.isArray(notebook.cells)) throw new Error(`${path} is not a notebook (no cells array)`);
  return notebook;
}

/** A notebook with one code cell per entry, each showing the given display bundle(s). */
export function notebookFromBundles(cells: (MimeBundle | MimeBundle[])[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((entry, i) => ({
      cell_type: "code",
      source: `// output ${i}`,
      execution_count: i + 1,
      metadata: {},
      outputs: (Array.isArray(entry) ? entry : [entry]).map((data) => ({ output_type: "display_data", data, metadata: {} })),
    })),
  };
}

/** `[cell index, "ename: evalue"]` for every error output, to fail a test on a broken run. */
export function notebookErrors(notebook: Notebook): [number, string][] {
  const errors: [number, string][] = [];
  notebook.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "error") errors.push([i, `${output.ename ?? "Error"}: ${output.evalue ?? ""}`]);
    }
  });
  return errors;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** HTML for one output, choosing the richest MIME type like Jupyter does. */
function renderOutput(output: NotebookOutput): { mime: string; html: string } {
  switch (output.output_type) {
    case "stream":
      return { mime: `stream/${output.name ?? "stdout"}`, html: `<pre class="stream ${escapeHtml(output.name ?? "stdout")}">${escapeHtml(text(output.text).replace(ANSI, ""))}</pre>` };
    case "error": {
      const trace = (output.traceback ?? [`${output.ename}: ${output.evalue}`]).join("\n").replace(ANSI, "");
      return { mime: "error", html: `<pre class="error">${escapeHtml(trace)}</pre>` };
    }
    case "display_data":
    case "execute_result": {
      const data = output.data ?? {};
      if ("text/html" in data) return { mime: "text/html", html: text(data["text/html"]) };
      if ("image/svg+xml" in data) return { mime: "image/svg+xml", html: text(data["image/svg+xml"]) };
      for (const mime of ["image/png", "image/jpeg"]) {
        if (mime in data) return { mime, html: `<img alt="" src="data:${mime};base64,${escapeHtml(text(data[mime]).replace(/\s/g, ""))}">` };
      }
      if ("text/plain" in data) return { mime: "text/plain", html: `<pre>${escapeHtml(text(data["text/plain"]))}</pre>` };
      return { mime: Object.keys(data)[0] ?? "none", html: "" };
    }
    default:
      return { mime: output.output_type, html: "" };
  }
}

/** Runs in the page: puts each output into its (empty) container. */
const LOADER = `(function (mode, outputs) {
  function sanitize(host) {
    host.querySelectorAll("script,style,iframe,object,embed,link,meta,base,frame,frameset").forEach(function (n) { n.remove(); });
    host.querySelectorAll("*").forEach(function (n) {
      Array.prototype.slice.call(n.attributes).forEach(function (a) {
        var name = a.name.toLowerCase();
        var url = /^(href|src|action|formaction|xlink:href)$/.test(name) && /^\\s*javascript:/i.test(a.value);
        if (name.indexOf("on") === 0 || url) n.removeAttribute(a.name);
      });
    });
  }
  outputs.forEach(function (html, i) {
    var host = document.querySelector('.output[data-index="' + i + '"]');
    if (mode === "sanitized") {
      var template = document.createElement("template");
      template.innerHTML = html;
      sanitize(template.content);
      host.appendChild(template.content);
      return;
    }
    host.innerHTML = html;
    host.querySelectorAll("script").forEach(function (old) {
      var script = document.createElement("script");
      if (mode === "lab") {
        Array.prototype.slice.call(old.attributes).forEach(function (a) { script.setAttribute(a.name, a.value); });
        script.textContent = old.textContent;
        old.replaceWith(script);
      } else {
        // jQuery evaluates only JavaScript types (not application/json data elements).
        if (!/^$|^module$|\\/(?:java|ecma)script/i.test(old.type)) return;
        script.textContent = old.textContent;
        document.head.appendChild(script).remove();
      }
    });
  });
})`;

/** A standalone HTML page showing the notebook's code cells and their outputs. */
export function notebookPage(notebook: Notebook, options: NotebookPageOptions = {}): string {
  const mode = options.mode ?? "lab";
  const deferred: string[] = [];
  const cells: string[] = [];
  notebook.cells.forEach((cell, n) => {
    if (cell.cell_type !== "code") return;
    const outputs = (cell.outputs ?? []).map((output, k) => {
      const { mime, html } = renderOutput(output);
      const index = deferred.length;
      if (mode !== "inline") deferred.push(html);
      const attrs = `class="output" data-cell="${n}" data-output="${k}" data-mime="${escapeHtml(mime)}"` + (mode === "inline" ? "" : ` data-index="${index}"`);
      return `<div ${attrs}>${mode === "inline" ? html : ""}</div>`;
    });
    cells.push(
      `<div class="cell" data-cell="${n}" data-execution-count="${cell.execution_count ?? ""}">` +
        `<pre class="input">${escapeHtml(text(cell.source))}</pre>\n${outputs.join("\n")}</div>`,
    );
  });
  const loader = mode === "inline" ? "" : `<script>${LOADER}(${jsonForScript(mode)}, ${jsonForScript(deferred)});</script>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(options.title ?? "notebook")}</title>
<style>
body{font-family:sans-serif;margin:16px}
.cell{border-top:1px solid #ddd;padding:6px 0}
pre.input{color:#555;background:#f7f7f7;margin:0 0 4px;padding:4px}
pre.error{color:#a00}
</style></head>
<body>
${cells.join("\n")}
${loader}
</body></html>`;
}

/**
 * The code cells of `notebook` whose outputs show one of the view kinds `kinds` (a view's root class, as
 * "hl-view-geo-map"), in their order, for a check of those views: a page of the whole executed lab (~2.9 MB,
 * ~28 views going live) cost ~1.8 s of CPU here, a page of one kind's cells 0.2–1.0 s. The views side by side
 * on one page are checked where the whole notebook is loaded: the query browser's checks, the completed
 * notebook's pages (completedNotebook.browser.test.ts) and JupyterLab's Run All (test/jupyterlab/).
 */
export function cellsShowing(notebook: Notebook, ...kinds: string[]): Notebook {
  return { ...notebook, cells: notebook.cells.filter((c) => c.cell_type === "code" && kinds.some((k) => JSON.stringify(c.outputs ?? []).includes(k))) };
}

/**
 * The executed lab notebook the browser tests check. The notebook runner writes
 * it here; `HUNTLAB_EXECUTED_NOTEBOOK` points elsewhere.
 */
export const EXECUTED_NOTEBOOK = process.env.HUNTLAB_EXECUTED_NOTEBOOK ?? resolve(__dirname, "../../test-results/notebooks/HuntingLab-Completed.ipynb");

/**
 * The executed notebook, or `undefined` while there is none at the default
 * path. A path set explicitly through the env var must exist.
 */
export function executedNotebook(): Notebook | undefined {
  if (!existsSync(EXECUTED_NOTEBOOK)) {
    if (process.env.HUNTLAB_EXECUTED_NOTEBOOK) throw new Error(`HUNTLAB_EXECUTED_NOTEBOOK=${EXECUTED_NOTEBOOK} does not exist`);
    return undefined;
  }
  return readNotebook(EXECUTED_NOTEBOOK);
}

/**
 * Whether the executed notebook's outputs must be there: when the notebook was
 * given (HUNTLAB_EXECUTED_NOTEBOOK, as `npm test` sets it) or under CI. Only a run
 * by hand without a notebook skips a section's checks or builds its own outputs.
 */
export const NOTEBOOK_REQUIRED = Boolean(process.env.HUNTLAB_EXECUTED_NOTEBOOK || process.env.CI);

/** Throws, saying what was expected, when the notebook's outputs are required (NOTEBOOK_REQUIRED) and `found` is false. */
export function requireSection(notebook: Notebook | undefined, found: boolean, expected: string): void {
  if (found || !NOTEBOOK_REQUIRED) return;
  const where = notebook ? EXECUTED_NOTEBOOK : `no executed notebook at ${EXECUTED_NOTEBOOK}`;
  throw new Error(`${where}: expected ${expected} (${process.env.HUNTLAB_EXECUTED_NOTEBOOK ? "HUNTLAB_EXECUTED_NOTEBOOK" : "CI"} is set, so the notebook's outputs are checked)`);
}

/** The `skip` of a check of the executed notebook's section: false when the section is there or required (the check then calls requireSection), else why. */
export function sectionSkip(found: boolean, expected: string): string | false {
  return found || NOTEBOOK_REQUIRED ? false : `no executed notebook with ${expected}`;
}
