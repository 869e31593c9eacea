/**
 * A query browser for notebooks, after MSTICPy's `browse_queries()`.
 *
 * Neither tslab nor Deno's kernel has widget comms, so the browser is one
 * self-contained HTML output (an `HtmlView`). It works twice over:
 * - static: every query is a `<details>` block (description, parameters,
 *   query text, call example). This is what GitHub, nbviewer and untrusted
 *   notebooks show, since they drop scripts.
 * - live (`client/views/queryBrowser.ts`): a filter box, a `<select>` list and
 *   a detail panel showing clones of the static blocks, so the details are
 *   rendered and escaped once, here, and the browser never turns data into HTML.
 *
 * `qp.browseQueries()` shows it: data/ cannot import vis/, so the package
 * entry registers {@link browseQueries} with the query provider.
 */
import type { BrowseQueriesOptions, QueryProviderMethods } from "../data/queryProvider";
import type { QueryDefinition, QueryParameter } from "../data/types";
import { html, type SafeHtml } from "../display/html";
import { THEME } from "../display/theme";
import type { QueryBrowserData } from "./client/views/queryBrowser";
import { HtmlView, type HtmlViewSpec } from "../display/htmlView";
import { listBrowserCss, listHeight, listLine } from "./listBrowserStyle";
import { BrowserOptionError } from "./messages";
import { checkOptionTypes, type OptionTypesOf } from "./options";

/** Options of `new QueryBrowser(queries, options)` and `qp.browseQueries(options)`. */
export type QueryBrowserOptions = BrowseQueriesOptions;

const DEFAULT_PROVIDER_VARIABLE = "qp";
const DEFAULT_TITLE = "Queries";
const DEFAULT_HEIGHT = 300;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `obj.key`, or `obj["key"]` when the key is not an identifier. */
function member(object: string, key: string): string {
  return IDENTIFIER.test(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}

/**
 * The call example for a query: `await qp.Family.query({ a, b })`, naming every
 * declared parameter, or `()` when there are none.
 */
export function queryCallExample(query: QueryDefinition, providerVariable = DEFAULT_PROVIDER_VARIABLE): string {
  const target = member(member(providerVariable, query.family), query.name);
  if (query.parameters.length === 0) return `await ${target}()`;
  const args = query.parameters.map((p) => (IDENTIFIER.test(p.name) ? p.name : `${JSON.stringify(p.name)}: undefined`));
  return `await ${target}({ ${args.join(", ")} })`;
}

/** Parameter default as shown to the user; `""` when there is none. */
function formatDefault(parameter: QueryParameter): string {
  const value = parameter.default;
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const keyOf = (q: QueryDefinition): string => `${q.family}.${q.name}`;

/** The browser's settings, options resolved. */
interface QueryBrowserSettings {
  queries: readonly QueryDefinition[];
  providerVariable: string;
  title: string;
  height: number;
}

function settingsOf(queries: QueryDefinition[], options: QueryBrowserOptions): QueryBrowserSettings {
  checkOptionTypes(
    options,
    { providerVariable: "string", title: "string", height: "number" } satisfies OptionTypesOf<QueryBrowserOptions>,
    { view: "QueryBrowser", code: "vis/browser-option", error: (m) => new BrowserOptionError(m) },
  );
  return {
    // Sorted like MSTICPy's list: by family, then query name.
    queries: [...queries].sort((a, b) => compareText(a.family, b.family) || compareText(a.name, b.name)),
    providerVariable: options.providerVariable ?? DEFAULT_PROVIDER_VARIABLE,
    title: options.title ?? DEFAULT_TITLE,
    height: listHeight(options.height, DEFAULT_HEIGHT),
  };
}

function parametersTable(q: QueryDefinition): SafeHtml {
  if (q.parameters.length === 0) return html`<p class="hl-qb-noparams">No parameters.</p>`;
  const rows = q.parameters.map(
    (p) =>
      html`<tr><td><code>${p.name}</code></td><td>${p.type}</td><td>${p.required ? "yes" : "no (optional)"}</td><td><code>${formatDefault(p)}</code></td><td>${p.description}</td><td>${p.aliases.join(", ")}</td></tr>`,
  );
  return html`<table class="hl-qb-params"><thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th><th>Aliases</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function detailBody(q: QueryDefinition, providerVariable: string): SafeHtml {
  return html`<div class="hl-qb-detail"><div class="hl-qb-detail-key"><code>${keyOf(q)}</code></div><h4 class="hl-qb-desc">${q.description}</h4><h5>Parameters</h5>${parametersTable(q)}<h5>Query</h5><pre class="hl-qb-query">${q.query}</pre><h5>Example</h5><pre class="hl-qb-example"><code>${queryCallExample(q, providerVariable)}</code></pre></div>`;
}

/** The static list: one `<details>` block per query. */
function staticList(s: QueryBrowserSettings): SafeHtml {
  if (s.queries.length === 0) return html`<p class="hl-qb-empty">No queries.</p>`;
  return html`${s.queries.map(
    (q) =>
      html`<details class="hl-qb-item"><summary><code class="hl-qb-key">${keyOf(q)}</code> — <span class="hl-qb-summary-desc">${q.description}</span></summary>${detailBody(q, s.providerVariable)}</details>\n`,
  )}`;
}

/** One line per query: `Family.query — description`. */
function textOf(s: QueryBrowserSettings): string {
  if (s.queries.length === 0) return "(no queries)";
  return s.queries.map((q) => listLine(keyOf(q), q.description)).join("\n");
}

function specOf(s: QueryBrowserSettings): HtmlViewSpec {
  const count = s.queries.length;
  // The list and filter work on keys and descriptions; the details come from the static blocks.
  const data: QueryBrowserData = { queries: s.queries.map((q) => ({ key: keyOf(q), description: q.description })) };
  return {
    kind: "query-browser",
    title: html`<strong>${s.title}</strong> <span class="hl-qb-total">(${count} ${count === 1 ? "query" : "queries"})</span>`,
    client: "queryBrowser",
    data,
    css: (r) =>
      listBrowserCss(r, "hl-qb", { listHeight: s.height, sideWidth: 380, panelExtra: 200 }) +
      `${r} .hl-qb-item>.hl-qb-detail{margin:4px 0 8px 18px}` +
      `${r} .hl-qb-item .hl-qb-detail-key{display:none}` +
      `${r} .hl-qb-panel .hl-qb-detail-key{font-weight:bold}` +
      `${r} h4.hl-qb-desc{margin:4px 0 8px}` +
      `${r} h5{margin:10px 0 4px}` +
      `${r} table.hl-qb-params{border-collapse:collapse}` +
      `${r} table.hl-qb-params th,${r} table.hl-qb-params td{border:1px solid ${THEME.borderSoft};padding:2px 6px;text-align:left;vertical-align:top}` +
      `${r} .hl-qb-copy{margin-top:4px}`,
    height: "auto",
    fallback: { html: staticList(s), alt: s.title },
    text: textOf(s),
  };
}

/** Searchable browser over a list of query definitions: an HTML view that displays itself. */
export class QueryBrowser extends HtmlView {
  readonly queries: readonly QueryDefinition[];
  readonly providerVariable: string;
  readonly title: string;
  readonly height: number;

  constructor(queries: QueryDefinition[], options: QueryBrowserOptions = {}) {
    const settings = settingsOf(queries, options);
    super(specOf(settings));
    this.queries = settings.queries;
    this.providerVariable = settings.providerVariable;
    this.title = settings.title;
    this.height = settings.height;
  }
}

/**
 * The browser of a provider's queries; what `qp.browseQueries()` returns.
 * Like every `browseX`, it returns a displayable: `display(qp.browseQueries())`
 * (Deno also renders it as a cell's last value).
 */
export function browseQueries(provider: Pick<QueryProviderMethods, "queryDefinitions">, options: QueryBrowserOptions = {}): QueryBrowser {
  return new QueryBrowser(provider.queryDefinitions(), { providerVariable: DEFAULT_PROVIDER_VARIABLE, ...options });
}
