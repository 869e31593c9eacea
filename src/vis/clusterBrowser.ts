/**
 * A browser of event clusters (the lab's logon sessions): a select list of the
 * clusters from `dbclusterEvents`, and under it the events of the chosen one.
 * MSTICPy builds this from an ipywidgets `Select`; neither tslab nor Deno has
 * widget comms, so it is one self-contained HTML output (an `HtmlView`):
 * - static (no scripts: GitHub, nbviewer, untrusted notebooks): every cluster
 *   as a `<details>` block holding its events table;
 * - live: a `<select>` of the clusters and a panel showing a clone of the
 *   chosen cluster's table. Tables are rendered and escaped once, here; the
 *   script only moves existing nodes and sets `textContent`.
 */
import pl from "nodejs-polars";
import { ClusterBrowserError, visMessages as msg } from "./messages";
import { checkOptionTypes, type OptionTypesOf } from "./options";
import { html, isolatedText, joinHtml, revealHidden, type SafeHtml } from "../display/html";
import { shownText } from "../common/shownText";
import { THEME } from "../display/theme";
import { cellTexts, dataFrameFragment, dataFrameStyle } from "../display/dataframe";
import type { DbclusterResult } from "../analysis/eventCluster";
import { timeOrder, timeValues } from "../analysis/columns";
import { isTemporalType } from "../common/dtypes";
import { htmlView, type HtmlView } from "../display/htmlView";
import { columnNames, columnOf, frameHeight, frameOf, frameRecords, hasColumn, withSafeNames } from "../common/frames";

/** Options of `clusterBrowser` / `browseClusters`. */
export interface ClusterBrowserOptions {
  /** Columns of the representative row that name a cluster in the list (e.g. `["TargetUserName", "LogonType"]`). Default none. */
  labelColumns?: string[];
  /** A custom label per cluster row (overrides `labelColumns`); it gets the row of `result.clustered`. */
  label?: (row: Record<string, unknown>) => string;
  /** Columns of the events table. Default: every input column. */
  columns?: string[];
  /** What the events are called in labels. Default `"events"`. */
  unit?: string;
  /** Heading. Default `"Clusters"`. */
  title?: string;
  /**
   * Rows of an events table before it is cut (first and last rows shown), and
   * unclustered (noise) events listed, each its own entry: the first this many,
   * the others counted as "N more unclustered events not shown". A whole number
   * of at least 1; default 200.
   */
  maxRows?: number;
  /**
   * Clusters listed: the first this many (in the result's order, by
   * `ClusterId`), the others counted as "N more clusters not shown
   * (maxClusters M)" in the list, the static view and the text. Every listed
   * cluster carries its events table in the output (about 2.7 kB for 4 events
   * of 11 columns, up to ~50 kB for a cut 200-row table): 5,000 clusters made
   * 13.5 MB of HTML. A whole number of at least 1; default 200. `Infinity` lists every cluster.
   */
  maxClusters?: number;
}

const DEFAULT_MAX_ROWS = 200;
/** See {@link ClusterBrowserOptions.maxClusters}. */
export const DEFAULT_MAX_CLUSTERS = 200;

const FN = "clusterBrowser";

export { ClusterBrowserError } from "./messages";

/** A cluster's first and last times as the tables write them (`2026-10-25 02:30:00+02:00`, to the column's last digit), "?" for a missing one. */
interface RangeTexts {
  first: readonly (string | null)[];
  last: readonly (string | null)[];
}

/** Longest label value (one label column's), and longest custom label, in characters. */
const MAX_LABEL_VALUE = 200;
const MAX_LABEL = 1000;

/**
 * A cluster's label: each value revealed (line breaks and tabs too) and cut before they are joined, so a value
 * `a\tb\r\nc` cannot split the text form into lines of its own and a 2,000-character value is not a line of it.
 */
function labelOf(row: Record<string, unknown>, options: ClusterBrowserOptions, labelTexts: readonly (string | null)[][], times: RangeTexts, at: number): ClusterLabel {
  if (options.label) {
    const label = shownText(String(options.label(row)), MAX_LABEL);
    return { label, names: [label] };
  }
  const unit = options.unit ?? "events";
  const values = labelTexts.map((texts) => shownText(texts[at] ?? "", MAX_LABEL_VALUE));
  const names = values.join(" · ");
  const size = Number(row.ClusterSize);
  // Not a Date's UTC text cut to the second: a zoned or µs column's times lost their offset and digits beside the tables'.
  const time = (texts: readonly (string | null)[]) => texts[at] || "?";
  const range = `${time(times.first)} → ${time(times.last)}`;
  const count = row.Clustered ? `${size} ${unit}` : `1 ${unit.replace(/s$/, "")}, unclustered`;
  return { label: revealHidden(`${names ? `${names}: ` : ""}${range} (${count})`), names: values };
}

/** A cluster's label, and the data values it starts with (joined by " · "), shown isolated beside the time range. */
interface ClusterLabel {
  label: string;
  names: string[];
}

/** The label as markup: its data values isolated where they hold right-to-left letters (isolatedText), the rest as text. */
function labelHtml({ label, names }: ClusterLabel): SafeHtml {
  const joined = names.join(" · ");
  if (!names.length || !label.startsWith(joined)) return html`${label}`;
  return html`${joinHtml(names.map(isolatedText), " · ")}${label.slice(joined.length)}`;
}

/**
 * A cluster's events in time order, missing times last: text times by the instants they name, as
 * dbclusterEvents read them (sorted as text, `1/2/2024` came before `12/31/2023`, `-08:00` before `Z`).
 */
function inTimeOrder(events: pl.DataFrame, column: string): pl.DataFrame {
  if (frameHeight(events) < 2) return events;
  let times = columnOf(events, column);
  if (!isTemporalType(times.dtype)) {
    try {
      // dbclusterEvents warned of slash dates read month first when it read this column.
      times = timeValues(events, column, FN, { lenient: true, warn: () => undefined }).series;
    } catch {
      // Not times (here mostly not): as listed.
      return events;
    }
  }
  const order = timeOrder(times);
  return withSafeNames(events, (safe) => safe.select(pl.all().gather(order)));
}

/** The cluster browser as an object that displays itself. */
export function clusterBrowser(result: DbclusterResult, options: ClusterBrowserOptions = {}): HtmlView {
  if (!result || typeof result.members !== "function" || !result.clustered) {
    throw new ClusterBrowserError(msg.clusterInput(FN));
  }
  checkOptionTypes(
    options,
    { labelColumns: "columns", label: "function", columns: "columns", unit: "string", title: "string", maxRows: "count", maxClusters: "count" } satisfies OptionTypesOf<ClusterBrowserOptions>,
    { view: FN, code: "vis/cluster-option", error: (m) => new ClusterBrowserError(m) },
  );
  // Frames are read through common/frames: event columns may be called `columns`, `select`, `height`…,
  // which polars' frame proxy would answer instead of its own member.
  const clustered = result.clustered;
  for (const c of options.labelColumns ?? []) {
    if (!hasColumn(clustered, c)) throw new ClusterBrowserError(msg.clusterLabelColumn(FN, c, columnNames(clustered)));
  }
  const sample = result.members(frameHeight(clustered) ? (columnOf(clustered, "ClusterId").get(0) as number) : -1);
  const sampleColumns = columnNames(sample);
  const columns = options.columns ?? sampleColumns;
  for (const [option, list] of [["columns", columns], ["labelColumns", options.labelColumns ?? []]] as const) {
    const twice = list.find((c, i) => list.indexOf(c) !== i);
    if (twice !== undefined) throw new ClusterBrowserError(msg.clusterColumnTwice(FN, option, twice));
  }
  for (const c of columns) {
    if (!sampleColumns.includes(c)) throw new ClusterBrowserError(msg.clusterEventColumn(FN, c, sampleColumns));
  }
  // Label values as the tables show them (times with their zone and digits, integers exactly), not a JS Date's string in the kernel's zone.
  const labelTexts = (options.labelColumns ?? []).map((c) => cellTexts(columnOf(clustered, c)).map((t) => t ?? ""));
  const timeTexts = (c: string) => (hasColumn(clustered, c) ? cellTexts(columnOf(clustered, c)) : []);
  const rangeTexts: RangeTexts = { first: timeTexts("FirstEventTime"), last: timeTexts("LastEventTime") };
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const maxClusters = options.maxClusters ?? DEFAULT_MAX_CLUSTERS;
  // Noise rows are one event each, and may be a million: list the first maxRows, count the rest.
  // Clusters each carry a table: list the first maxClusters, count the rest.
  let noiseListed = 0;
  let clustersListed = 0;
  const rows = frameRecords(clustered)
    .map((row, at) => ({ row, at }))
    .filter(({ row }) => (Number(row.ClusterId) >= 0 ? clustersListed++ < maxClusters : noiseListed++ < maxRows));
  const noiseLeftOut = noiseListed - Math.min(noiseListed, maxRows);
  const clustersLeftOut = clustersListed - Math.min(clustersListed, maxClusters);
  let noiseSeen = 0;
  const noise = result.members(-1);
  const items = rows.map(({ row, at }) => {
    const id = Number(row.ClusterId);
    const first = noiseSeen++;
    let events = id >= 0 ? result.members(id) : withSafeNames(noise, (safe) => safe.slice(first, 1));
    const timeColumn = result.timeColumn;
    if (timeColumn && hasColumn(events, timeColumn)) events = inTimeOrder(events, timeColumn);
    // The tables' stylesheet is written once, below, not once per cluster.
    return { ...labelOf(row, options, labelTexts, rangeTexts, at), table: dataFrameFragment(frameOf(columns.map((c) => columnOf(events, c))), { maxRows, minRows: Math.min(20, maxRows), maxColumns: Infinity }, { style: false }) };
  });
  const title = options.title ?? "Clusters";
  const more = [
    clustersLeftOut ? `${clustersLeftOut} more clusters not shown (maxClusters ${maxClusters})` : "",
    noiseLeftOut ? `${noiseLeftOut} more unclustered ${options.unit ?? "events"} not shown (maxRows ${maxRows})` : "",
  ]
    .filter(Boolean)
    .join("; ");
  // The tables' stylesheet last: the entries stay the list's first children (`.hl-cb-item:nth-child(k)`).
  const staticHtml = html`<div class="hl-cb-static-list">${items.map(
    (item, i) => html`<details class="hl-cb-item" data-index="${i}"><summary class="hl-cb-label">${labelHtml(item)}</summary><div class="hl-cb-body">${item.table}</div></details>`,
  )}${more ? html`<p class="hl-cb-more">${more}.</p>` : ""}${dataFrameStyle()}</div>`;
  const text = [`${shownText(title, MAX_LABEL_VALUE)}: ${items.length} (${result.clusterCount} clusters, ${result.noiseCount} unclustered)`, ...items.map((item) => `  ${item.label}`), ...(more ? [`  … ${more}`] : [])].join("\n");
  return htmlView({
    kind: "cluster-browser",
    title,
    data: { labels: items.map((i) => i.label), names: items.map((i) => i.names), title, ...(more ? { more } : {}) },
    client: "clusterBrowser",
    css: (r) =>
      `${r} .hl-cb-list{box-sizing:border-box;width:100%;max-width:900px;font-family:var(--jp-code-font-family,monospace);font-size:12px}` +
      `${r} .hl-cb-panel{margin-top:6px;max-height:460px;overflow:auto}` +
      `${r} .hl-cb-count{color:${THEME.muted};font-size:12px;margin:2px 0}` +
      `${r} .hl-cb-item>summary{cursor:pointer;font-family:var(--jp-code-font-family,monospace);font-size:12px}` +
      `${r} .hl-cb-item>.hl-cb-body{margin:4px 0 8px 18px}`,
    height: "auto",
    fallback: { html: staticHtml, alt: title },
    text,
  });
}

/** The cluster browser, like every `browseX` a displayable: `display(browseClusters(clusters, { labelColumns: ["TargetUserName", "LogonType"] }))`. */
export function browseClusters(result: DbclusterResult, options: ClusterBrowserOptions = {}): HtmlView {
  return clusterBrowser(result, options);
}
