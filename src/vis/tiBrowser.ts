/**
 * The threat-intelligence results browser, after MSTICPy's
 * `ti_browser.browse_results()` (MSTICPy keeps it with its visualisations, as huntlab does).
 *
 * One self-contained HTML output (an `HtmlView`), built like the query browser:
 * - static: every indicator is a `<details>` block (its providers' severity,
 *   details, reference link and raw result) — what GitHub, nbviewer and
 *   untrusted notebooks show;
 * - live (`client/views/tiBrowser.ts`): a filter box, severity check boxes,
 *   the list of indicators (type, highest severity, providers) and a panel
 *   that shows clones of the static blocks. The browser never turns data into
 *   HTML; links exist only where the server made them (http/https only,
 *   `rel="noopener noreferrer"`, new tab).
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { TIBrowserError, visMessages as msg } from "./messages";
import { checkOptionTypes, type OptionTypesOf } from "./options";
import { columnNames, columnOf, frameHeight, hasColumn, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { elementText, html, type SafeHtml } from "../display/html";
import { THEME } from "../display/theme";
import type { TIBrowserData, TISeverity } from "./client/views/tiBrowser";
import { HtmlView, type HtmlViewSpec } from "../display/htmlView";
import { listBrowserCss, listHeight } from "./listBrowserStyle";
import { cutText as cutLine } from "../common/cutText";
import { padText } from "../display/textWidth";
import { revealHidden } from "../common/hiddenChars";
import { isAnswer, noHitNote } from "./client/tiLookedUp";

/** Severities, lowest first: the client's `TI_SEVERITIES` (the type keeps both sides in step). */
const SEVERITY_ORDER = ["unknown", "information", "warning", "high"] as const satisfies readonly TISeverity[];
type SeverityName = TISeverity;

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
  /**
   * Indicators listed: the first this many in the list's order (highest
   * severity first, hits first), the others counted as "N more indicators not
   * shown (maxItems M)" under the heading and in the text. Every listed
   * indicator carries its providers' details and raw results in the output:
   * 2,000 answers made 15–37 MB of HTML. Default 100 (with the default
   * `maxRawChars`, at most about 1 MB per provider asked). A whole number of
   * at least 1; `Infinity` lists all.
   */
  maxItems?: number;
  /**
   * Characters of one raw result shown (pretty-printed JSON), the rest cut with
   * "… N more characters not shown (maxRawChars M)"; the whole text stays in
   * the results' `RawResult` column. A whole number of at least 1; default
   * 10,000 (about 250 lines). `Infinity` shows it all.
   */
  maxRawChars?: number;
}

const DEFAULT_SEVERITIES: readonly SeverityName[] = ["warning", "high"];
const DEFAULT_HEIGHT = 300;
/** See {@link TIBrowserOptions.maxItems}. */
export const DEFAULT_MAX_ITEMS = 100;
/** See {@link TIBrowserOptions.maxRawChars}. */
export const DEFAULT_MAX_RAW_CHARS = 10_000;
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

/** `(no hits)`, `(not looked up)` or `(no hits; not looked up: …)` for `rows`, "" with a hit: a failed or skipped lookup is no clean answer. */
function noHitText(rows: readonly TIBrowserRow[], shown: (provider: string) => string = (p) => p): string {
  return noHitNote(rows.map((r) => ({ provider: shown(r.provider), hit: r.result === true, answered: isAnswer(r.status) })));
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

/** Parsed JSON when `text` is a JSON object or array, else undefined; with `exact`, numbers keep their text (see {@link asWritten}). */
function jsonValue(text: string, exact = false): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return exact ? JSON.parse(t, asWritten) : JSON.parse(t);
  } catch {
    return undefined;
  }
}

// JSON.rawJSON (V8 11.4+: Node 21+, Deno), absent from the ES2022 typings.
const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;

/**
 * JSON.parse reviver for the raw result: each number is written back as the provider wrote it,
 * so ids past 2^53 are not rounded (`9007199254740993`) and `1e400` does not become `null`.
 */
/** A number kept as written by {@link asWritten}. */
const isRawJson = (value: unknown): boolean => (JSON as { isRawJSON?: (v: unknown) => boolean }).isRawJSON?.(value) === true;

function asWritten(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === "number" && rawJSON && context?.source !== undefined ? rawJSON(context.source) : value;
}

function pretty(text: string): string {
  let value: unknown;
  try {
    value = jsonValue(text, true);
    if (value !== undefined) return JSON.stringify(value, null, 2);
  } catch {
    // Nested past the stack (thousands of levels): the text as it is.
    return text;
  }
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

// Columns through common/frames: a column may be called `columns`, `height`… (polars' proxy answers those).
function textColumn(df: pl.DataFrame, name: string): string[] {
  if (!hasColumn(df, name)) return new Array<string>(frameHeight(df)).fill("");
  return (columnOf(df, name).cast(pl.Utf8).toArray() as unknown as (string | null)[]).map((v) => v ?? "");
}


function checkFrame(results: pl.DataFrame): pl.DataFrame {
  if (!isDataFrame(results)) throw new TIBrowserError(msg.tiResultsNotAFrame(notAFrameText(results)));
  const df = results as pl.DataFrame;
  for (const c of REQUIRED_COLUMNS) {
    if (!hasColumn(df, c)) {
      throw new TIBrowserError(msg.tiResultsColumnMissing(c, columnNames(df)));
    }
  }
  return df;
}

/** The answers grouped by indicator: highest severity first, hits before no-hits, first-seen order within those. */
function groupResults(df: pl.DataFrame): TIBrowserItem[] {
  const ioc = textColumn(df, "Ioc");
  const iocType = textColumn(df, "IocType");
  const provider = textColumn(df, "Provider");
  const severity = textColumn(df, "Severity");
  const details = textColumn(df, "Details");
  const raw = textColumn(df, "RawResult");
  const reference = textColumn(df, "Reference");
  const subtype = textColumn(df, "QuerySubtype");
  const result = hasColumn(df, "Result") ? (columnOf(df, "Result").toArray() as unknown as (boolean | null)[]) : [];
  const status = hasColumn(df, "Status") ? (columnOf(df, "Status").cast(pl.Float64).toArray() as unknown as (number | null)[]) : [];
  const byKey = new Map<string, TIBrowserItem>();
  const height = frameHeight(df);
  for (let i = 0; i < height; i++) {
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
  return [...byKey.values()]
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(maxSeverityOf(b.item.rows)) - rank(maxSeverityOf(a.item.rows)) || Number(hasHit(b.item.rows)) - Number(hasHit(a.item.rows)) || a.index - b.index)
    .map((x) => x.item);
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
      throw new TIBrowserError(msg.tiSeverity(String(s), SEVERITY_ORDER));
    }
    if (!out.includes(name as SeverityName)) out.push(name as SeverityName);
  }
  return out.length ? out : DEFAULT_SEVERITIES;
}

/** Everything the output is made of, options resolved. */
interface TIModel {
  items: readonly TIBrowserItem[];
  /** Severities asked for. */
  severities: readonly SeverityName[];
  /** Severities ticked at first: every one when nothing matched those asked for. */
  initial: readonly SeverityName[];
  fellBack: boolean;
  title: string;
  height: number;
  maxItems: number;
  maxRawChars: number;
}

const answersAt = (item: TIBrowserItem, set: ReadonlySet<string>): boolean => item.rows.some((r) => set.has(r.severity));

function modelOf(results: pl.DataFrame, options: TIBrowserOptions): TIModel {
  checkOptionTypes(options, { severities: "any", height: "number", title: "string", maxItems: "count", maxRawChars: "count" } satisfies OptionTypesOf<TIBrowserOptions>, {
    view: "browseResults",
    code: "vis/ti-option",
    error: (m) => new TIBrowserError(m),
  });
  const items = groupResults(checkFrame(results));
  const severities = parseSeverities(options.severities);
  const wanted = new Set<string>(severities);
  const fellBack = items.length > 0 && !items.some((item) => answersAt(item, wanted));
  return {
    items,
    severities,
    initial: fellBack ? SEVERITY_ORDER : severities,
    fellBack,
    title: options.title ?? "Threat intelligence results",
    height: listHeight(options.height, DEFAULT_HEIGHT),
    maxItems: options.maxItems ?? DEFAULT_MAX_ITEMS,
    maxRawChars: options.maxRawChars ?? DEFAULT_MAX_RAW_CHARS,
  };
}

/**
 * The indicators listed, in the order of the static blocks: those with answers at the initial severities, then
 * the others; at most `maxItems` of them (the first in that order), `leftOut` counts the rest, `matching` all
 * those at the initial severities.
 */
function partition(m: TIModel): { shown: TIBrowserItem[]; others: TIBrowserItem[]; leftOut: number; matching: number } {
  const initial = new Set<string>(m.initial);
  const matching = m.items.filter((item) => answersAt(item, initial));
  const shown = matching.slice(0, m.maxItems);
  const others = m.items.filter((item) => !answersAt(item, initial)).slice(0, m.maxItems - shown.length);
  return { shown, others, leftOut: m.items.length - shown.length - others.length, matching: matching.length };
}

/** "N more indicators not shown (maxItems M)", or "" when every indicator is listed. */
function moreNotice(m: TIModel): string {
  const { leftOut } = partition(m);
  return leftOut ? `${leftOut} more ${plural(leftOut)} not shown (maxItems ${m.maxItems})` : "";
}

const plural = (n: number): string => (n === 1 ? "indicator" : "indicators");

function fallbackNotice(m: TIModel): string {
  return `No results with severity ${m.severities.join(" or ")}; showing all severities.`;
}

/** MSTICPy's option labels: `ioc  type: t  (sev: s)  providers: [a, b]`, one per indicator shown. */
function textOf(m: TIModel): string {
  if (m.items.length === 0) return "(no TI results)";
  const set = new Set<string>(m.initial);
  const more = moreNotice(m);
  const lines = partition(m).shown.map((item) => {
    const rows = item.rows.filter((r) => set.has(r.severity));
    // A 10 kB indicator was one 20 kB line; a line break in a value began a line of its own (data could fake a row):
    // each value revealed, then cut. (No right-to-left isolates here: the view's text is revealed whole, isolates included.)
    const shown = (value: string, max: number) => cutLine(revealHidden(value), max);
    const note = noHitText(rows, (p) => shown(p, 60));
    return `${padText(shown(item.ioc, 200), 40)} type: ${padText(shown(item.iocType, 40), 10)} (sev: ${maxSeverityOf(rows)})  providers: [${[...new Set(rows.map((r) => shown(r.provider, 60)))].join(", ")}]${note ? `  ${note}` : ""}`;
  });
  // The totals close the list as the HTML heading opens it: the lines show only the selected severities.
  return [...(m.fellBack ? [fallbackNotice(m)] : []), ...lines, ...(more ? [`… ${more}`] : []), `${cutLine(revealHidden(m.title), 200)} (${totalsOf(m)})`].join("\n");
}

/** "12 indicators: high 2, warning 3, information 7" — every indicator, counted by its highest severity. */
function totalsOf(m: TIModel): string {
  const counts = [...SEVERITY_ORDER]
    .reverse()
    .map((s) => [s, m.items.filter((i) => maxSeverityOf(i.rows) === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  const total = m.items.length;
  return `${total} ${plural(total)}${counts ? `: ${counts}` : ""}`;
}

/** Heading: title, counts by highest severity, and the fallback notice. */
function titleOf(m: TIModel): SafeHtml {
  const more = moreNotice(m);
  return html`<strong>${m.title}</strong> <span class="hl-tib-total">(${totalsOf(m)})</span>${
    m.fellBack ? html`<p class="hl-tib-notice">${fallbackNotice(m)}</p>` : ""
  }${more ? html`<p class="hl-tib-more">${more}.</p>` : ""}`;
}

/**
 * A severity badge's look, inline: JupyterLab's sanitizer strips a view's `<style>` in an untrusted
 * notebook (a reopened record of a hunt) but keeps inline properties with plain colours (hex, rgb, names;
 * not `var()` or `color-mix()`), so the badges keep their colours there. The severity's name is the
 * badge's text, the cue that does not depend on colour.
 */
const BADGE_STYLE = "display:inline-block;min-width:74px;padding:0 4px;border-radius:3px;font-size:11px;text-align:center";
const BADGE_COLOURS: Record<string, string> = {
  high: "background-color:#c62828;color:#fff;font-weight:bold",
  warning: "background-color:#ef6c00;color:#fff;font-weight:bold",
  information: "background-color:#1565c0;color:#fff",
  unknown: "background-color:#e0e0e0;color:#333",
};

function badge(severity: string): SafeHtml {
  return html`<span class="hl-tib-sev hl-tib-sev-${severity}" style="${BADGE_STYLE};${BADGE_COLOURS[severity] ?? BADGE_COLOURS.unknown}">${severity}</span>`;
}

function referenceHtml(reference: string): SafeHtml | "" {
  if (!reference) return "";
  const href = safeHref(reference);
  const target = href
    ? html`<a href="${href}" target="_blank" rel="noopener noreferrer">${reference}</a>`
    : html`<span class="hl-tib-ref-text">${reference}</span>`;
  return html`<p class="hl-tib-ref">Reference: ${target}</p>`;
}

/** The raw result as shown: pretty JSON, cut to `max` characters with a notice naming the option. */
function rawText(raw: string, max: number): string {
  return cutText(pretty(raw), max, "RawResult");
}

/** `text` cut to `max` characters with a notice naming the option and the column that has it whole. */
function cutText(text: string, max: number, column: string): string {
  if (text.length <= max) return text;
  // Not inside a character written as two code units (an emoji's half showed as U+FFFD); the rest counted in characters.
  const end = max > 0 && /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  const kept = text.slice(0, end);
  let rest = 0;
  for (const _ of text.slice(end)) rest += 1;
  return `${kept}\n… ${rest.toLocaleString("en")} more characters not shown (maxRawChars ${max}; the whole text is in the ${column} column)`;
}

function providerSection(item: TIBrowserItem, r: TIBrowserRow, maxRawChars: number): SafeHtml {
  const facts = [isAnswer(r.status) ? "" : "not looked up", r.querySubtype ? `query ${cutLine(r.querySubtype, MAX_NAME_SHOWN)}` : "", r.result === null ? "" : `result ${r.result}`, r.status === null ? "" : `status ${r.status}`]
    .filter(Boolean)
    .join(" · ");
  return html`<section class="hl-tib-prov" data-sev="${r.severity}"><h4>${cutLine(item.iocType, MAX_NAME_SHOWN)} · ${cutLine(r.provider, MAX_NAME_SHOWN)} · severity: ${badge(r.severity)}</h4>${
    facts ? html`<p class="hl-tib-facts">${facts}</p>` : ""
  }${detailsHtml(r.details, maxRawChars)}${referenceHtml(r.reference)}<details class="hl-tib-raw"><summary>Raw result</summary><pre>${elementText(rawText(r.rawResult, maxRawChars))}</pre></details></section>`;
}

/**
 * Details: an object as a two-column table (nested values as pretty JSON),
 * anything else as text. Details longer than `max` characters (a provider's
 * tag list of 100k entries) are shown as the raw result is, cut with a notice.
 */
function detailsHtml(details: string, max: number): SafeHtml {
  if (details.length > max) return html`<pre class="hl-tib-details">${elementText(cutText(pretty(details), max, "Details"))}</pre>`;
  let value: unknown;
  try {
    // Numbers as written, as the raw result shows them (an id past 2^53 was rounded, 1e400 was Infinity).
    value = jsonValue(details, true);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const rows = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const cell = isRawJson(v) ? JSON.stringify(v) : v !== null && typeof v === "object" ? html`<pre>${JSON.stringify(v, null, 2)}</pre>` : v === null ? "" : String(v);
        return html`<tr><th>${k}</th><td>${cell}</td></tr>`;
      });
      return html`<table class="hl-tib-details"><tbody>${rows}</tbody></table>`;
    }
    if (value !== undefined) return html`<pre class="hl-tib-details">${JSON.stringify(value, null, 2)}</pre>`;
  } catch {
    // Nested past the stack: shown as text below.
  }
  return html`<p class="hl-tib-details hl-tib-message">${pretty(details)}</p>`;
}

/**
 * Characters of an indicator, type or provider name the views show: the indicator is log data (a 1 MB
 * "URL" was written whole twice, 2 MB of HTML, where its Details beside it were cut).
 */
const MAX_NAME_SHOWN = 1000;

function staticItem(item: TIBrowserItem, maxRawChars: number): SafeHtml {
  const sev = maxSeverityOf(item.rows);
  const providers = cutLine([...new Set(item.rows.map((r) => r.provider))].join(", "), MAX_NAME_SHOWN);
  const ioc = cutLine(item.ioc, MAX_NAME_SHOWN);
  const note = noHitText(item.rows, (p) => cutLine(p, MAX_NAME_SHOWN));
  return html`<details class="hl-tib-item" data-sev="${sev}"><summary>${badge(sev)} <code class="hl-tib-ioc">${ioc}</code> <span class="hl-tib-type">${cutLine(item.iocType, MAX_NAME_SHOWN)}</span> <span class="hl-tib-provs">${providers}</span>${
    note ? html` <span class="hl-tib-nohit">${note}</span>` : ""
  }</summary><div class="hl-tib-detail"><h3 class="hl-tib-head"><code>${ioc}</code></h3>${item.rows.map((r) => providerSection(item, r, maxRawChars))}</div></details>`;
}

/** The static list: the indicators at the initial severities, the others in a collapsed block. */
function staticList(m: TIModel): SafeHtml {
  const { shown, others, matching } = partition(m);
  const total = m.items.length;
  // Out of those at the listed severities (the others follow in their own block), and of all when that differs.
  const of = matching < total ? `${matching} (${total} in all)` : `${total}`;
  return html`${total === 0 ? html`<p class="hl-tib-empty">No results.</p>` : ""}${
    shown.length ? html`<p class="hl-tib-showing">Severity ${[...m.initial].reverse().join(", ")}: ${shown.length} of ${of}</p>` : ""
  }${shown.map((item) => staticItem(item, m.maxRawChars))}${
    others.length
      ? html`<details class="hl-tib-others"><summary>${others.length} more ${plural(others.length)} with other severities</summary>${others.map((item) => staticItem(item, m.maxRawChars))}</details>`
      : ""
  }`;
}

/** The client's data, in the order of the static blocks. */
function dataOf(m: TIModel): TIBrowserData {
  const { shown, others } = partition(m);
  return {
    severities: [...m.initial],
    items: [...shown, ...others].map((item) => ({
      ioc: cutLine(item.ioc, MAX_NAME_SHOWN),
      type: cutLine(item.iocType, MAX_NAME_SHOWN),
      rows: item.rows.map((r) => ({ p: cutLine(r.provider, MAX_NAME_SHOWN), s: r.severity, h: r.result === true, ...(isAnswer(r.status) ? {} : { n: true as const }) })),
    })),
  };
}

function css(r: string, height: number): string {
  return (
    listBrowserCss(r, "hl-tib", { listHeight: height, sideWidth: 440, panelExtra: 260 }) +
    `${r} .hl-tib-notice{margin:2px 0}` +
    `${r} .hl-tib-item>.hl-tib-detail{margin:4px 0 8px 18px}` +
    `${r} .hl-tib-item .hl-tib-head{display:none}` +
    `${r} .hl-tib-type,${r} .hl-tib-provs,${r} .hl-tib-nohit{color:${THEME.muted}}` +
    `${r} .hl-tib-sevs label{margin-right:8px;white-space:nowrap}` +
    `${r} h3.hl-tib-head{margin:2px 0 6px}` +
    `${r} .hl-tib-prov{border-top:1px solid ${THEME.borderSoft};padding:4px 0}` +
    `${r} .hl-tib-prov h4{margin:4px 0}` +
    `${r} .hl-tib-facts{margin:2px 0;color:${THEME.muted};font-size:12px}` +
    `${r} table.hl-tib-details{border-collapse:collapse}` +
    `${r} table.hl-tib-details th,${r} table.hl-tib-details td{border:1px solid ${THEME.borderSoft};padding:2px 6px;text-align:left;vertical-align:top}`
  );
}

function specOf(m: TIModel): HtmlViewSpec {
  return {
    kind: "ti-browser",
    title: titleOf(m),
    client: "tiBrowser",
    data: dataOf(m),
    css: (r) => css(r, m.height),
    height: "auto",
    fallback: { html: staticList(m), alt: m.title },
    text: textOf(m),
  };
}

/** Interactive browser over TI lookup results: an HTML view that displays itself. */
export class TIBrowser extends HtmlView {
  readonly items: readonly TIBrowserItem[];
  /** Severities asked for. */
  readonly severities: readonly SeverityName[];
  /** Height of the indicator list in CSS pixels. */
  readonly height: number;
  readonly title: string;
  /** True when nothing matched the requested severities and all are shown (MSTICPy's fallback). */
  readonly fellBack: boolean;
  private readonly initial: readonly SeverityName[];

  constructor(results: pl.DataFrame, options: TIBrowserOptions = {}) {
    const model = modelOf(results, options);
    super(specOf(model));
    this.items = model.items;
    this.severities = model.severities;
    this.height = model.height;
    this.title = model.title;
    this.fellBack = model.fellBack;
    this.initial = model.initial;
  }

  /** Indicators with at least one answer in the initial severities. */
  selectedItems(): TIBrowserItem[] {
    const set = new Set<string>(this.initial);
    return this.items.filter((item) => answersAt(item, set));
  }

  override [inspect.custom](): string {
    return `TIBrowser { indicators: ${this.items.length}, severities: [${this.initial.join(", ")}] }`;
  }
}

/**
 * Interactive browser of TI results: filter box, severity filter, the list of
 * indicators and, per provider, its details, reference link and raw result.
 * Show it with `display(browseResults(results))`.
 */
export function browseResults(results: pl.DataFrame, options: TIBrowserOptions = {}): TIBrowser {
  return new TIBrowser(results, options);
}
