/**
 * The pivot browser, after MSTICPy's `Pivot.browse()`: every pivot function
 * by entity and namespace, with its description, parameters, input and output
 * columns and a copy-ready call. One `HtmlView`:
 * - static: a `<details>` block per function (GitHub, nbviewer, untrusted notebooks);
 * - live (`client/views/pivotBrowser.ts`): a filter box, a list and a detail
 *   panel showing clones of the static blocks (rendered and escaped here).
 *
 * It takes plain descriptions (`PivotBrowserEntry`), so vis/ does not depend
 * on src/pivot; `pivot.browse()` builds them.
 */
import { html, type SafeHtml } from "../display/html";
import { HtmlView, type HtmlViewSpec } from "../display/htmlView";
import type { PivotBrowserData } from "./client/views/pivotBrowser";
import { listBrowserCss, listHeight, listLine } from "./listBrowserStyle";
import { BrowserOptionError } from "./messages";
import { checkOptionTypes, type OptionTypesOf } from "./options";

/** One pivot function, as the browser shows it (the fields of `PivotFunctionInfo`). */
export interface PivotBrowserEntry {
  entity: string;
  namespace: string;
  /** Query family, or "". */
  family: string;
  name: string;
  description: string;
  inputAttribute: string;
  inputColumn: string;
  parameters: { name: string; type: string; description: string; required: boolean }[];
  outputColumns: string[];
  source: string;
  batching: string;
}

/** Options of `pivot.browse(options)`. */
export interface PivotBrowserOptions {
  /** Heading. Default `"Pivot functions"`. */
  title?: string;
  /** Height of the list in CSS pixels. Default 300. */
  height?: number;
}

const DEFAULT_TITLE = "Pivot functions";
const DEFAULT_HEIGHT = 300;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Example input values by entity attribute: documentation values, never the data's (a report on other data must not show the lab's). */
const EXAMPLES: Readonly<Record<string, string>> = {
  Address: "203.0.113.7",
  HostName: "WKS-0042",
  Name: "maya",
  UPN: "user@contoso.com",
  DomainName: "example.com",
  Url: "http://example.com/getps",
  FileHash: "44d88612fea8a8f36de82e1278abb02f",
  CommandLine: "powershell -enc …",
  ProcessFilePath: "powershell.exe",
};

function member(object: string, key: string): string {
  return IDENTIFIER.test(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}

/** `Ip.util.ipType`, `Host.LocalData.WindowsSecurity.list_host_logons`. */
export function pivotKey(e: PivotBrowserEntry): string {
  return [e.entity, e.namespace, ...(e.family ? [e.family] : []), e.name].join(".");
}

/** The call: `await entities.Ip.util.ipType("203.0.113.7")`, and the DataFrame form. */
export function pivotCallExample(e: PivotBrowserEntry): string {
  let target = member(member(member("entities", e.entity), e.namespace), e.family || e.name);
  if (e.family) target = member(target, e.name);
  const value = JSON.stringify(EXAMPLES[e.inputAttribute] ?? "value");
  return `await ${target}(${value});\nawait ${target}(df, { column: ${JSON.stringify(e.inputColumn)}, join: "left" });`;
}

function parametersTable(e: PivotBrowserEntry): SafeHtml {
  if (e.parameters.length === 0) return html`<p class="hl-pb-noparams">No other parameters.</p>`;
  const rows = e.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.type}</td><td>${p.required ? "yes" : "no"}</td><td>${p.description}</td></tr>`);
  return html`<table class="hl-pb-params"><thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function detailBody(e: PivotBrowserEntry): SafeHtml {
  return html`<div class="hl-pb-detail"><div class="hl-pb-detail-key"><code>${pivotKey(e)}</code></div><h4 class="hl-pb-desc">${e.description}</h4><p class="hl-pb-io">Input: a value, an array, an <code>${e.entity}</code> entity (its <code>${e.inputAttribute}</code>) or <code>(df, { column })</code>. Result: <code class="hl-pb-inputcol">${e.inputColumn}</code> (the input value) + <span class="hl-pb-outputs">${e.outputColumns.join(", ")}</span>.</p><h5>Parameters</h5>${parametersTable(e)}<p class="hl-pb-source">Source: ${e.source}; runs ${e.batching}.</p><h5>Call</h5><pre class="hl-pb-example"><code>${pivotCallExample(e)}</code></pre></div>`;
}

function staticList(entries: readonly PivotBrowserEntry[]): SafeHtml {
  if (entries.length === 0) return html`<p class="hl-pb-empty">No pivot functions.</p>`;
  return html`${entries.map(
    (e) => html`<details class="hl-pb-item"><summary><code class="hl-pb-key">${pivotKey(e)}</code> — <span class="hl-pb-summary-desc">${e.description}</span></summary>${detailBody(e)}</details>\n`,
  )}`;
}

function specOf(entries: readonly PivotBrowserEntry[], title: string, height: number): HtmlViewSpec {
  const data: PivotBrowserData = { functions: entries.map((e) => ({ key: pivotKey(e), description: e.description })) };
  const count = entries.length;
  return {
    kind: "pivot-browser",
    title: html`<strong>${title}</strong> <span class="hl-pb-total">(${count} ${count === 1 ? "function" : "functions"})</span>`,
    client: "pivotBrowser",
    data,
    css: (r) =>
      listBrowserCss(r, "hl-pb", { listHeight: height, sideWidth: 420, panelExtra: 200 }) +
      `${r} .hl-pb-item>.hl-pb-detail{margin:4px 0 8px 18px}` +
      `${r} .hl-pb-item .hl-pb-detail-key{display:none}` +
      `${r} .hl-pb-panel .hl-pb-detail-key{font-weight:bold}` +
      `${r} h4.hl-pb-desc{margin:4px 0 8px}` +
      `${r} h5{margin:10px 0 4px}` +
      `${r} table.hl-pb-params{border-collapse:collapse}` +
      `${r} table.hl-pb-params th,${r} table.hl-pb-params td{border:1px solid var(--jp-border-color2,#ddd);padding:2px 6px;text-align:left;vertical-align:top}` +
      `${r} .hl-pb-copy{margin-top:4px}`,
    height: "auto",
    fallback: { html: staticList(entries), alt: title },
    text: entries.length ? entries.map((e) => listLine(pivotKey(e), e.description)).join("\n") : "(no pivot functions)",
  };
}

/** Searchable browser over pivot functions: an HTML view that displays itself. */
export class PivotBrowser extends HtmlView {
  readonly entries: readonly PivotBrowserEntry[];

  constructor(entries: readonly PivotBrowserEntry[], options: PivotBrowserOptions = {}) {
    checkOptionTypes(options, { title: "string", height: "number" } satisfies OptionTypesOf<PivotBrowserOptions>, { view: "PivotBrowser", code: "vis/browser-option", error: (m) => new BrowserOptionError(m) });
    const list = [...entries];
    super(specOf(list, options.title ?? DEFAULT_TITLE, listHeight(options.height, DEFAULT_HEIGHT)));
    this.entries = list;
  }
}
