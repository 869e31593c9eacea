/**
 * The threat-intelligence results browser, after MSTICPy's
 * `ti_browser.browse_results()` (which lives in msticpy/vis, as this does).
 *
 * One self-contained HTML output, built like the query browser:
 * - static: every indicator is a `<details>` block (its providers' severity,
 *   details, reference link and raw result) — what GitHub, nbviewer and
 *   untrusted notebooks show;
 * - interactive: where scripts run, a filter box, severity check boxes, the
 *   list of indicators (type, highest severity, providers) and a panel that
 *   shows clones of the static blocks. The script never turns data into HTML;
 *   links exist only where the server made them (http/https only,
 *   `rel="noopener noreferrer"`, new tab).
 */
import { SCRIPT_MOUNT } from "./scriptMount";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { didYouMean, HuntlabError } from "../common/errors";
import { isDataFrame } from "../display/dataframe";
import { escapeHtml, jsonForScript } from "../display/html";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";

/** Severities, lowest first. */
const SEVERITY_ORDER = ["unknown", "information", "warning", "high"] as const;
type SeverityName = (typeof SEVERITY_ORDER)[number];

/** Options of {@link browseResults}. */
export interface TIBrowserOptions {
  /**
   * Severities shown at first; the others are a click away. `"all"` shows
   * every one. Default `["warning", "high"]`, as MSTICPy.
   */
  severities?: readonly string[] | "all";
  /** Height of the indicator list in CSS pixels. Default `300`. */
  height?: number;
  /** Heading. Default `"Threat intelligence results"`. */
  title?: string;
}

const DEFAULT_SEVERITIES: readonly SeverityName[] = ["warning", "high"];
const DEFAULT_HEIGHT = 300;
const REQUIRED_COLUMNS = ["Ioc", "Provider", "Severity"];

/** One provider's answer about an indicator. */
export interface TIBrowserRow {
  provider: string;
  severity: SeverityName;
  result: boolean | null;
  status: number | null;
  details: string;
  rawResult: string;
  reference: string;
  querySubtype: string;
}

/** An indicator and every provider's answer. */
export interface TIBrowserItem {
  ioc: string;
  iocType: string;
  rows: TIBrowserRow[];
}

function rank(s: string): number {
  return SEVERITY_ORDER.indexOf(s as SeverityName);
}

/** True when some provider knew the indicator (Result true). */
function hasHit(rows: readonly TIBrowserRow[]): boolean {
  return rows.some((r) => r.result === true);
}

function maxSeverityOf(rows: readonly TIBrowserRow[]): SeverityName {
  return rows.reduce<SeverityName>((m, r) => (rank(r.severity) > rank(m) ? r.severity : m), "unknown");
}

/** A URL that may become a link: absolute http(s) only. */
export function safeHref(reference: string): string | undefined {
  const text = reference.trim();
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed JSON when `text` is a JSON object or array, else undefined. */
function jsonValue(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function pretty(text: string): string {
  const value = jsonValue(text);
  if (value !== undefined) return JSON.stringify(value, null, 2);
  const t = text.trim();
  if (t.startsWith('"')) {
    try {
      const s: unknown = JSON.parse(t);
      if (typeof s === "string") return s;
    } catch {
      // as is
    }
  }
  return text;
}

let instanceCounter = 0;

function newId(): string {
  instanceCounter += 1;
  return `hl-tib-${instanceCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function textColumn(df: pl.DataFrame, name: string): string[] {
  if (!df.columns.includes(name)) return new Array<string>(df.height).fill("");
  return (df.getColumn(name).cast(pl.Utf8).toArray() as unknown as (string | null)[]).map((v) => v ?? "");
}

/** Interactive browser over TI lookup results. */
export class TIBrowser implements Displayable {
  readonly items: readonly TIBrowserItem[];
  /** Severities selected at first. */
  readonly severities: readonly SeverityName[];
  readonly height: number;
  readonly title: string;
  /** True when nothing matched the requested severities and all are shown (MSTICPy's fallback). */
  readonly fellBack: boolean;

  constructor(results: pl.DataFrame, options: TIBrowserOptions = {}) {
    if (!isDataFrame(results)) throw new HuntlabError("browseResults: expected the DataFrame returned by TILookup.lookupIocs()");
    const df = results as pl.DataFrame;
    for (const c of REQUIRED_COLUMNS) {
      if (!df.columns.includes(c)) {
        throw new HuntlabError(`browseResults: the results have no "${c}" column — pass the DataFrame returned by lookupIocs().${didYouMean(c, df.columns)}`);
      }
    }
    this.severities = parseSeverities(options.severities);
    const height = options.height ?? DEFAULT_HEIGHT;
    this.height = Number.isFinite(height) && height > 0 ? Math.round(height) : DEFAULT_HEIGHT;
    this.title = options.title ?? "Threat intelligence results";

    const ioc = textColumn(df, "Ioc");
    const iocType = textColumn(df, "IocType");
    const provider = textColumn(df, "Provider");
    const severity = textColumn(df, "Severity");
    const details = textColumn(df, "Details");
    const raw = textColumn(df, "RawResult");
    const reference = textColumn(df, "Reference");
    const subtype = textColumn(df, "QuerySubtype");
    const result = df.columns.includes("Result") ? (df.getColumn("Result").toArray() as unknown as (boolean | null)[]) : [];
    const status = df.columns.includes("Status") ? (df.getColumn("Status").cast(pl.Float64).toArray() as unknown as (number | null)[]) : [];
    const byKey = new Map<string, TIBrowserItem>();
    for (let i = 0; i < df.height; i++) {
      const key = `${ioc[i]}\u0000${iocType[i]}`;
      let item = byKey.get(key);
      if (!item) {
        item = { ioc: ioc[i], iocType: iocType[i], rows: [] };
        byKey.set(key, item);
      }
      const sev = (SEVERITY_ORDER as readonly string[]).includes(severity[i]) ? (severity[i] as SeverityName) : "unknown";
      item.rows.push({
        provider: provider[i],
        severity: sev,
        result: result[i] ?? null,
        status: status[i] ?? null,
        details: details[i],
        rawResult: raw[i],
        reference: reference[i],
        querySubtype: subtype[i],
      });
    }
    // Highest severity first; first-seen order within a severity.
    this.items = [...byKey.values()]
      .map((item, index) => ({ item, index }))
      .sort((a, b) => rank(maxSeverityOf(b.item.rows)) - rank(maxSeverityOf(a.item.rows)) || Number(hasHit(b.item.rows)) - Number(hasHit(a.item.rows)) || a.index - b.index)
      .map((x) => x.item);
    this.fellBack = this.items.length > 0 && this.selectedItems().length === 0;
  }

  /** Indicators with at least one answer in the initial severities. */
  selectedItems(): TIBrowserItem[] {
    const set = new Set<string>(this.initialSeverities());
    return this.items.filter((item) => item.rows.some((r) => set.has(r.severity)));
  }

  private initialSeverities(): readonly SeverityName[] {
    return this.fellBack ? SEVERITY_ORDER : this.severities;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }

  /** MSTICPy's option labels: `ioc  type: t  (sev: s)  providers: [a, b]`, one per indicator shown. */
  toText(): string {
    if (this.items.length === 0) return "(no TI results)";
    const set = new Set<string>(this.initialSeverities());
    const lines = this.selectedItems().map((item) => {
      const rows = item.rows.filter((r) => set.has(r.severity));
      return `${item.ioc.padEnd(40)} type: ${item.iocType.padEnd(10)} (sev: ${maxSeverityOf(rows)})  providers: [${[...new Set(rows.map((r) => r.provider))].join(", ")}]${hasHit(rows) ? "" : "  (no hits)"}`;
    });
    return [...(this.fellBack ? [this.fallbackNotice()] : []), ...lines].join("\n");
  }

  private fallbackNotice(): string {
    return `No results with severity ${this.severities.join(" or ")}; showing all severities.`;
  }

  toHtml(): string {
    const id = newId();
    const initial = new Set<string>(this.initialSeverities());
    const shown = this.items.filter((item) => item.rows.some((r) => initial.has(r.severity)));
    const others = this.items.filter((item) => !item.rows.some((r) => initial.has(r.severity)));
    const counts = SEVERITY_ORDER.map((s) => [s, this.items.filter((i) => maxSeverityOf(i.rows) === s).length] as const)
      .filter(([, n]) => n > 0)
      .reverse()
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    const total = this.items.length;
    return [
      `<div id="${id}" class="hl-tib">`,
      `<style>${css(id, this.height)}</style>`,
      `<div class="hl-tib-title"><strong>${escapeHtml(this.title)}</strong> <span class="hl-tib-total">(${total} ${total === 1 ? "indicator" : "indicators"}${counts ? `: ${escapeHtml(counts)}` : ""})</span></div>`,
      this.fellBack ? `<p class="hl-tib-notice">${escapeHtml(this.fallbackNotice())}</p>` : "",
      `<div class="hl-tib-static">`,
      total === 0 ? `<p class="hl-tib-empty">No results.</p>` : "",
      shown.length ? `<p class="hl-tib-showing">Severity ${escapeHtml(this.initialSeverities().slice().reverse().join(", "))}: ${shown.length} of ${total}</p>` : "",
      ...shown.map((item) => this.staticItem(item)),
      others.length
        ? `<details class="hl-tib-others"><summary>${others.length} more ${others.length === 1 ? "indicator" : "indicators"} with other severities</summary>${others.map((item) => this.staticItem(item)).join("")}</details>`
        : "",
      `</div>`,
      `<script>${clientScript(id, this.clientData())}</script>`,
      `</div>`,
    ].join("\n");
  }

  private clientData(): { height: number; severities: readonly string[]; fellBack: boolean; items: { ioc: string; type: string; rows: { p: string; s: string; h: boolean }[] }[] } {
    return {
      height: this.height,
      severities: this.initialSeverities(),
      fellBack: this.fellBack,
      items: this.orderForScript().map((item) => ({ ioc: item.ioc, type: item.iocType, rows: item.rows.map((r) => ({ p: r.provider, s: r.severity, h: r.result === true })) })),
    };
  }

  /** Items in the order their static blocks appear in the document. */
  private orderForScript(): TIBrowserItem[] {
    const initial = new Set<string>(this.initialSeverities());
    const shown = this.items.filter((item) => item.rows.some((r) => initial.has(r.severity)));
    const others = this.items.filter((item) => !item.rows.some((r) => initial.has(r.severity)));
    return [...shown, ...others];
  }

  private staticItem(item: TIBrowserItem): string {
    const sev = maxSeverityOf(item.rows);
    const providers = [...new Set(item.rows.map((r) => r.provider))].join(", ");
    return [
      `<details class="hl-tib-item" data-sev="${sev}">`,
      `<summary>${badge(sev)} <code class="hl-tib-ioc">${escapeHtml(item.ioc)}</code> <span class="hl-tib-type">${escapeHtml(item.iocType)}</span> <span class="hl-tib-provs">${escapeHtml(providers)}</span>${hasHit(item.rows) ? "" : ` <span class="hl-tib-nohit">(no hits)</span>`}</summary>`,
      `<div class="hl-tib-detail">`,
      `<h3 class="hl-tib-head"><code>${escapeHtml(item.ioc)}</code></h3>`,
      ...item.rows.map((r) => providerSection(item, r)),
      `</div>`,
      `</details>`,
    ].join("");
  }

  [inspect.custom](): string {
    return `TIBrowser { indicators: ${this.items.length}, severities: [${this.initialSeverities().join(", ")}] }`;
  }
}

function parseSeverities(value: readonly string[] | "all" | undefined): readonly SeverityName[] {
  if (value === undefined) return DEFAULT_SEVERITIES;
  if (value === "all") return SEVERITY_ORDER;
  const list = Array.isArray(value) ? value : [String(value)];
  if (list.some((s) => String(s).toLowerCase() === "all")) return SEVERITY_ORDER;
  const out: SeverityName[] = [];
  for (const s of list) {
    const name = String(s).toLowerCase();
    if (!(SEVERITY_ORDER as readonly string[]).includes(name)) {
      throw new HuntlabError(`browseResults: unknown severity "${s}" (use ${SEVERITY_ORDER.join(", ")} or "all").${didYouMean(String(s), SEVERITY_ORDER)}`);
    }
    if (!out.includes(name as SeverityName)) out.push(name as SeverityName);
  }
  return out.length ? out : DEFAULT_SEVERITIES;
}

function badge(severity: string): string {
  return `<span class="hl-tib-sev hl-tib-sev-${escapeHtml(severity)}">${escapeHtml(severity)}</span>`;
}

function providerSection(item: TIBrowserItem, r: TIBrowserRow): string {
  const href = safeHref(r.reference);
  const reference = r.reference
    ? `<p class="hl-tib-ref">Reference: ${
        href
          ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(r.reference)}</a>`
          : `<span class="hl-tib-ref-text">${escapeHtml(r.reference)}</span>`
      }</p>`
    : "";
  const facts = [r.querySubtype ? `query ${r.querySubtype}` : "", r.result === null ? "" : `result ${r.result}`, r.status === null ? "" : `status ${r.status}`]
    .filter(Boolean)
    .join(" · ");
  return [
    `<section class="hl-tib-prov" data-sev="${r.severity}">`,
    `<h4>${escapeHtml(item.iocType)} · ${escapeHtml(r.provider)} · severity: ${badge(r.severity)}</h4>`,
    facts ? `<p class="hl-tib-facts">${escapeHtml(facts)}</p>` : "",
    detailsHtml(r.details),
    reference,
    `<details class="hl-tib-raw"><summary>Raw result</summary><pre>${escapeHtml(pretty(r.rawResult))}</pre></details>`,
    `</section>`,
  ].join("");
}

/** Details: an object as a two-column table (nested values as pretty JSON), anything else as text. */
function detailsHtml(details: string): string {
  const value = jsonValue(details);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const rows = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const cell = v !== null && typeof v === "object" ? `<pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>` : escapeHtml(v === null ? "" : String(v));
        return `<tr><th>${escapeHtml(k)}</th><td>${cell}</td></tr>`;
      })
      .join("");
    return `<table class="hl-tib-details"><tbody>${rows}</tbody></table>`;
  }
  if (value !== undefined) return `<pre class="hl-tib-details">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  return `<p class="hl-tib-details hl-tib-message">${escapeHtml(pretty(details))}</p>`;
}

/** CSS scoped to one output. */
function css(id: string, height: number): string {
  const r = `#${id}`;
  return `
${r}{font-size:13px;color:var(--jp-ui-font-color1,inherit)}
${r} .hl-tib-title{margin:4px 0}
${r} .hl-tib-item{margin:2px 0}
${r} .hl-tib-item>summary{cursor:pointer}
${r} .hl-tib-item>.hl-tib-detail{margin:4px 0 8px 18px}
${r} .hl-tib-item .hl-tib-head{display:none}
${r} .hl-tib-sev{display:inline-block;min-width:74px;padding:0 4px;border-radius:3px;font-size:11px;text-align:center;background:#e0e0e0;color:#333}
${r} .hl-tib-sev-high{background:#c62828;color:#fff}
${r} .hl-tib-sev-warning{background:#ef6c00;color:#fff}
${r} .hl-tib-sev-information{background:#1565c0;color:#fff}
${r} .hl-tib-type,${r} .hl-tib-provs,${r} .hl-tib-nohit{color:var(--jp-ui-font-color2,#666)}
${r} .hl-tib-live{display:flex;gap:12px;align-items:flex-start}
${r} .hl-tib-side{display:flex;flex-direction:column;gap:4px;width:440px;flex:none}
${r} .hl-tib-filter{box-sizing:border-box;width:100%;padding:3px 4px}
${r} .hl-tib-sevs label{margin-right:8px;white-space:nowrap}
${r} .hl-tib-list{box-sizing:border-box;width:100%;height:${height}px;font-family:var(--jp-code-font-family,monospace)}
${r} .hl-tib-count{color:var(--jp-ui-font-color2,#666);font-size:12px}
${r} .hl-tib-panel{flex:1;min-width:0;max-height:${height + 260}px;overflow:auto}
${r} h3.hl-tib-head{margin:2px 0 6px}
${r} .hl-tib-prov{border-top:1px solid var(--jp-border-color2,#ddd);padding:4px 0}
${r} .hl-tib-prov h4{margin:4px 0}
${r} .hl-tib-facts{margin:2px 0;color:var(--jp-ui-font-color2,#666);font-size:12px}
${r} table.hl-tib-details{border-collapse:collapse}
${r} table.hl-tib-details th,${r} table.hl-tib-details td{border:1px solid var(--jp-border-color2,#ddd);padding:2px 6px;text-align:left;vertical-align:top}
${r} pre{white-space:pre-wrap;word-break:break-word;margin:0;padding:4px 6px;background:var(--jp-layout-color2,#f5f5f5);max-height:240px;overflow:auto}
`;
}

/**
 * The inline script: plain ES2017 in a string. Data arrives only through
 * `jsonForScript` and reaches the DOM through textContent; details are clones
 * of the static blocks.
 */
function clientScript(id: string, data: unknown): string {
  return `(function () {
  "use strict";
  var ID = ${jsonForScript(id)};
  var DATA = ${jsonForScript(data)};
  var ORDER = ["unknown", "information", "warning", "high"];
  function rank(s) { return ORDER.indexOf(s); }
  function start(root) {
    if (root.getAttribute("data-hl-live")) return;
    var staticList = root.querySelector(".hl-tib-static");
    var blocks = staticList ? staticList.querySelectorAll(".hl-tib-item > .hl-tib-detail") : [];
    if (blocks.length !== DATA.items.length) return;
    root.setAttribute("data-hl-live", "1");
    var checked = {};
    DATA.severities.forEach(function (s) { checked[s] = true; });
    var live = el("div", "hl-tib-live");
    var side = el("div", "hl-tib-side");
    var filter = el("input", "hl-tib-filter");
    filter.type = "search";
    filter.placeholder = "Filter indicators";
    filter.setAttribute("aria-label", "Filter indicators by value, type or provider");
    var sevs = el("div", "hl-tib-sevs");
    var boxes = {};
    ORDER.slice().reverse().forEach(function (s) {
      var label = el("label", "hl-tib-sevlabel");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = s;
      box.checked = !!checked[s];
      box.className = "hl-tib-sevbox";
      box.addEventListener("change", function () { checked[s] = box.checked; refresh(); });
      boxes[s] = box;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + s));
      sevs.appendChild(label);
    });
    var list = el("select", "hl-tib-list");
    list.size = 10;
    list.setAttribute("aria-label", "Indicators");
    var count = el("div", "hl-tib-count");
    var panel = el("div", "hl-tib-panel");
    panel.setAttribute("aria-live", "polite");
    side.appendChild(filter);
    side.appendChild(sevs);
    side.appendChild(list);
    side.appendChild(count);
    live.appendChild(side);
    live.appendChild(panel);
    staticList.style.display = "none";
    staticList.parentNode.insertBefore(live, staticList);
    function visibleRows(item) { return item.rows.filter(function (r) { return checked[r.s]; }); }
    function label(item, rows) {
      var top = rows.reduce(function (m, r) { return rank(r.s) > rank(m) ? r.s : m; }, "unknown");
      var provs = [];
      rows.forEach(function (r) { if (provs.indexOf(r.p) < 0) provs.push(r.p); });
      var hit = rows.some(function (r) { return r.h; });
      return { text: item.ioc + "  [" + item.type + "]  " + top + "  " + provs.join(", ") + (hit ? "" : "  (no hits)"), top: top };
    }
    function selected() {
      return list.selectedIndex < 0 ? -1 : Number(list.options[list.selectedIndex].value);
    }
    function show(index) {
      panel.textContent = "";
      if (index < 0) {
        var none = el("p", "hl-tib-nomatch");
        none.textContent = "No indicators match the filter.";
        panel.appendChild(none);
        return;
      }
      var detail = blocks[index].cloneNode(true);
      Array.prototype.forEach.call(detail.querySelectorAll(".hl-tib-prov"), function (section) {
        if (!checked[section.getAttribute("data-sev")]) section.parentNode.removeChild(section);
      });
      panel.appendChild(detail);
    }
    function refresh() {
      var needle = filter.value.trim().toLowerCase();
      var keep = selected();
      list.textContent = "";
      var shown = 0;
      var keptShown = false;
      DATA.items.forEach(function (item, i) {
        var rows = visibleRows(item);
        if (!rows.length) return;
        var l = label(item, rows);
        if (needle && l.text.toLowerCase().indexOf(needle) === -1) return;
        var option = document.createElement("option");
        option.value = String(i);
        option.textContent = l.text;
        option.setAttribute("data-sev", l.top);
        list.appendChild(option);
        if (i === keep) keptShown = true;
        shown += 1;
      });
      if (shown === 0) list.selectedIndex = -1;
      else if (keptShown) list.value = String(keep);
      else list.selectedIndex = 0;
      count.textContent = shown + " of " + DATA.items.length + " indicators";
      show(selected());
    }
    filter.addEventListener("input", refresh);
    filter.addEventListener("keydown", function (event) {
      if ((event.key === "ArrowDown" || event.key === "Enter") && list.options.length > 0) {
        event.preventDefault();
        list.focus();
      }
    });
    list.addEventListener("change", function () { show(selected()); });
    refresh();
  }
  ${SCRIPT_MOUNT}
})();`;
}

/**
 * Interactive browser of TI results: filter box, severity filter, the list of
 * indicators and, per provider, its details, reference link and raw result.
 * Show it with `display(browseResults(results))`.
 */
export function browseResults(results: pl.DataFrame, options: TIBrowserOptions = {}): TIBrowser {
  return new TIBrowser(results, options);
}
