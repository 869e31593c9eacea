/**
 * A query browser for notebooks, after MSTICPy's `browse_queries()`.
 *
 * Neither tslab nor Deno's kernel has widget comms, so the browser is one
 * self-contained HTML output. It works twice over:
 * - static: every query is a `<details>` block (description, parameters,
 *   query text, call example). This is what GitHub, nbviewer and untrusted
 *   notebooks show, since they drop scripts.
 * - interactive: where scripts run, the inline script hides the static list
 *   and builds a filter box, a `<select>` list and a detail panel. The panel
 *   shows clones of the static detail blocks, so the details are rendered and
 *   escaped once, here, and the script never turns data into HTML.
 */
import { SCRIPT_MOUNT } from "./scriptMount";
import type { QueryDefinition, QueryParameter } from "../data/types";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { escapeHtml, jsonForScript } from "../display/html";

export interface QueryBrowserOptions {
  /** Variable name of the query provider in call examples. Default `"qp"`. */
  providerVariable?: string;
  /** Heading shown above the browser. Default `"Queries"`. */
  title?: string;
  /** Height of the query list in CSS pixels. Default `300`. */
  height?: number;
}

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

let instanceCounter = 0;

/** A fresh element id per rendering: a notebook may hold several browsers, even from different sessions. */
function newId(): string {
  instanceCounter += 1;
  return `hl-qb-${instanceCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Searchable browser over a list of query definitions. */
export class QueryBrowser implements Displayable {
  readonly queries: readonly QueryDefinition[];
  readonly providerVariable: string;
  readonly title: string;
  readonly height: number;

  constructor(queries: QueryDefinition[], options: QueryBrowserOptions = {}) {
    // Sorted like MSTICPy's list: by family, then query name.
    this.queries = [...queries].sort((a, b) => compareText(a.family, b.family) || compareText(a.name, b.name));
    this.providerVariable = options.providerVariable ?? DEFAULT_PROVIDER_VARIABLE;
    this.title = options.title ?? DEFAULT_TITLE;
    const height = options.height ?? DEFAULT_HEIGHT;
    // The height ends up in CSS: only accept a plain positive number.
    this.height = Number.isFinite(height) && height > 0 ? Math.round(height) : DEFAULT_HEIGHT;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }

  /** One line per query: `Family.query — description`. */
  toText(): string {
    if (this.queries.length === 0) return "(no queries)";
    return this.queries.map((q) => `${q.family}.${q.name} — ${q.description}`).join("\n");
  }

  /** The HTML output; every call uses a new element id. */
  toHtml(): string {
    const id = newId();
    const count = this.queries.length;
    const items = this.queries.map((q) => this.staticItem(q)).join("\n");
    return [
      `<div id="${id}" class="hl-qb">`,
      `<style>${css(id, this.height)}</style>`,
      `<div class="hl-qb-title"><strong>${escapeHtml(this.title)}</strong> <span class="hl-qb-total">(${count} ${count === 1 ? "query" : "queries"})</span></div>`,
      `<div class="hl-qb-static">`,
      count === 0 ? `<p class="hl-qb-empty">No queries.</p>` : items,
      `</div>`,
      `<script>${clientScript(id, this.clientData())}</script>`,
      `</div>`,
    ].join("\n");
  }

  /** What the script needs to build the list and filter it; details come from the static blocks. */
  private clientData(): { height: number; queries: { key: string; description: string; example: string }[] } {
    return {
      height: this.height,
      queries: this.queries.map((q) => ({
        key: `${q.family}.${q.name}`,
        description: q.description,
        example: queryCallExample(q, this.providerVariable),
      })),
    };
  }

  private staticItem(q: QueryDefinition): string {
    return [
      `<details class="hl-qb-item">`,
      `<summary><code class="hl-qb-key">${escapeHtml(`${q.family}.${q.name}`)}</code> — <span class="hl-qb-summary-desc">${escapeHtml(q.description)}</span></summary>`,
      this.detailBody(q),
      `</details>`,
    ].join("");
  }

  private detailBody(q: QueryDefinition): string {
    const parameters =
      q.parameters.length === 0
        ? `<p class="hl-qb-noparams">No parameters.</p>`
        : `<table class="hl-qb-params"><thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th><th>Aliases</th></tr></thead><tbody>` +
          q.parameters
            .map(
              (p) =>
                `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.type)}</td>` +
                `<td>${p.required ? "yes" : "no (optional)"}</td><td><code>${escapeHtml(formatDefault(p))}</code></td>` +
                `<td>${escapeHtml(p.description)}</td><td>${escapeHtml(p.aliases.join(", "))}</td></tr>`,
            )
            .join("") +
          `</tbody></table>`;
    return [
      `<div class="hl-qb-detail">`,
      `<div class="hl-qb-detail-key"><code>${escapeHtml(`${q.family}.${q.name}`)}</code></div>`,
      `<h4 class="hl-qb-desc">${escapeHtml(q.description)}</h4>`,
      `<h5>Parameters</h5>`,
      parameters,
      `<h5>Query</h5>`,
      `<pre class="hl-qb-query">${escapeHtml(q.query)}</pre>`,
      `<h5>Example</h5>`,
      `<pre class="hl-qb-example"><code>${escapeHtml(queryCallExample(q, this.providerVariable))}</code></pre>`,
      `</div>`,
    ].join("");
  }
}

function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** CSS scoped to one output; JupyterLab theme variables with plain fallbacks. */
function css(id: string, height: number): string {
  const r = `#${id}`;
  return `
${r}{font-size:13px;color:var(--jp-ui-font-color1,inherit)}
${r} .hl-qb-title{margin:4px 0}
${r} .hl-qb-item{margin:2px 0}
${r} .hl-qb-item>summary{cursor:pointer}
${r} .hl-qb-item>.hl-qb-detail{margin:4px 0 8px 18px}
${r} .hl-qb-item .hl-qb-detail-key{display:none}
${r} .hl-qb-live{display:flex;gap:12px;align-items:flex-start}
${r} .hl-qb-side{display:flex;flex-direction:column;gap:4px;width:380px;flex:none}
${r} .hl-qb-filter{box-sizing:border-box;width:100%;padding:3px 4px}
${r} .hl-qb-list{box-sizing:border-box;width:100%;height:${height}px;font-family:var(--jp-code-font-family,monospace)}
${r} .hl-qb-count{color:var(--jp-ui-font-color2,#666);font-size:12px}
${r} .hl-qb-panel{flex:1;min-width:0;max-height:${height + 200}px;overflow:auto}
${r} .hl-qb-panel .hl-qb-detail-key{font-weight:bold}
${r} h4.hl-qb-desc{margin:4px 0 8px}
${r} h5{margin:10px 0 4px}
${r} table.hl-qb-params{border-collapse:collapse}
${r} table.hl-qb-params th,${r} table.hl-qb-params td{border:1px solid var(--jp-border-color2,#ddd);padding:2px 6px;text-align:left;vertical-align:top}
${r} pre{white-space:pre-wrap;word-break:break-word;margin:0;padding:4px 6px;background:var(--jp-layout-color2,#f5f5f5);max-height:240px;overflow:auto}
${r} .hl-qb-copy{margin-top:4px}
`;
}

/**
 * The inline script. Plain ES2017 in a string (not a stringified TS function:
 * transpilers may inject helpers that do not exist in the page). Data arrives
 * only through `jsonForScript`, and all data goes into the DOM via textContent.
 */
function clientScript(id: string, data: unknown): string {
  return `(function () {
  "use strict";
  var ID = ${jsonForScript(id)};
  var DATA = ${jsonForScript(data)};
  function start(root) {
    if (root.getAttribute("data-hl-live")) return;
    var staticList = root.querySelector(".hl-qb-static");
    var details = staticList ? staticList.querySelectorAll(".hl-qb-item > .hl-qb-detail") : [];
    if (details.length !== DATA.queries.length) return;
    root.setAttribute("data-hl-live", "1");
    var items = DATA.queries.map(function (q, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = q.key;
      option.title = q.description;
      return { option: option, text: (q.key + "\\n" + q.description).toLowerCase() };
    });
    var live = el("div", "hl-qb-live");
    var side = el("div", "hl-qb-side");
    var filter = el("input", "hl-qb-filter");
    filter.type = "search";
    filter.placeholder = "Filter queries";
    filter.setAttribute("aria-label", "Filter queries by family, name or description");
    var list = el("select", "hl-qb-list");
    list.size = 10;
    list.setAttribute("aria-label", "Queries");
    var count = el("div", "hl-qb-count");
    var panel = el("div", "hl-qb-panel");
    panel.setAttribute("aria-live", "polite");
    side.appendChild(filter);
    side.appendChild(list);
    side.appendChild(count);
    live.appendChild(side);
    live.appendChild(panel);
    staticList.style.display = "none";
    staticList.parentNode.insertBefore(live, staticList);

    function show(index) {
      panel.textContent = "";
      if (index < 0) {
        var none = el("p", "hl-qb-nomatch");
        none.textContent = "No queries match the filter.";
        panel.appendChild(none);
        return;
      }
      var detail = details[index].cloneNode(true);
      var example = detail.querySelector(".hl-qb-example");
      if (example) example.parentNode.insertBefore(copyButton(DATA.queries[index].example), example.nextSibling);
      panel.appendChild(detail);
    }
    function selected() {
      return list.selectedIndex < 0 ? -1 : Number(list.options[list.selectedIndex].value);
    }
    function applyFilter() {
      var needle = filter.value.trim().toLowerCase();
      var keep = selected();
      var visible = items.filter(function (it) { return it.text.indexOf(needle) !== -1; });
      list.textContent = "";
      visible.forEach(function (it) { list.appendChild(it.option); });
      // Keep the current query while it still matches, else the first match.
      var kept = visible.some(function (it) { return it.option.value === String(keep); });
      list.selectedIndex = visible.length === 0 ? -1 : kept ? Array.prototype.indexOf.call(list.options, items[keep].option) : 0;
      count.textContent = visible.length + " of " + items.length + " queries";
      show(selected());
    }
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if ((event.key === "ArrowDown" || event.key === "Enter") && list.options.length > 0) {
        event.preventDefault();
        list.focus();
      }
    });
    list.addEventListener("change", function () { show(selected()); });
    applyFilter();
  }
  function copyButton(text) {
    var button = el("button", "hl-qb-copy");
    button.type = "button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var done = function (ok) {
        button.textContent = ok ? "Copied" : "Copy failed";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
      } else {
        done(fallbackCopy(text));
      }
    });
    return button;
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  ${SCRIPT_MOUNT}
})();`;
}
