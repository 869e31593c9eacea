/**
 * The time-series anomaly chart (MSTICPy's `display_timeseries_anomalies`):
 * the observed series as a line, the STL baseline (seasonal + trend) as a
 * dashed line, anomalies as red markers (spikes ▲, dips ▼), and a hover rule
 * whose tooltip lists every value at that time. A Vega-Lite 5 chart with a
 * PNG fallback (see vegaLite.ts), drawn from a static variant of the spec: no
 * hover layer, and above {@link PNG_POINT_LIMIT} points the min–max band and
 * mean of each pixel column, with every anomaly.
 */
import pl from "nodejs-polars";
import { ChartDataError, visMessages as msg, visWarnings } from "./messages";
import { MAX_VIEW_PIXELS, checkOptionTypes, type OptionTypesOf } from "./options";
import { isTemporalType, isTextType, plainText } from "../common/dtypes";
import { DECIMAL_TEXT } from "../common/decimal";
import { columnNames, columnOf, frameHeight, hasColumn, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { display } from "../display/display";
import { parseReadTimes } from "../data/timeParsing";
import { printWarning } from "../common/messages";
import { revealHidden } from "../common/hiddenChars";
import { shownText } from "../common/shownText";
import { VegaLiteChart, vegaExprText, vegaLiteChart, vegaLiteralText, type VegaLiteSpec } from "./vegaLite";
import { numericMagnitude } from "../common/epoch";
import { chartZone, offsetText, type ChartZone } from "./timeZone";

/** Options of the anomaly chart. */
export interface TimeseriesAnomaliesChartOptions {
  /** The observed value column, e.g. `"TotalBytesSent"`. Required. */
  y: string;
  /** Time column. Default `"TimeGenerated"`. */
  timeColumn?: string;
  /** Anomaly label column (1 spike, −1 dip, 0 normal). Default `"anomalies"`. */
  anomaliesColumn?: string;
  /** Baseline column; set `null` to draw none. Default `"baseline"`. */
  baselineColumn?: string | null;
  /** Score column shown in tooltips (skipped when absent). Default `"score"`. */
  scoreColumn?: string;
  /** Chart title. Default `"Time Series Anomalies: <y>"`. */
  title?: string;
  /** Plot width in pixels. Default 900 (MSTICPy's). */
  width?: number;
  /** Plot height in pixels. Default 300. */
  height?: number;
  /**
   * Most points drawn (rows with a time). With more, no chart is made: the
   * call throws a `ChartDataError` (`vis/chart-too-many-points`) that gives
   * the count and the ways to narrow it, as the timeline's `maxEvents` does: a
   * series cut short would look like the activity stopped, and every point
   * goes inline into the notebook (about 150 bytes each; an output of tens of
   * MB freezes JupyterLab). Default 25,000 (the timeline's; about 3.8 MB).
   * A whole number of at least 1; `Infinity` draws every point.
   */
  maxPoints?: number;
  /**
   * Where warnings go: a text time column in slash dates that read either way (`05/06/2026`), read month first as
   * the readers read them (dates a day past the 12th proves day first are read day first); NaN or ±Infinity in a
   * value column (not drawn: gaps, as empty cells are), with their count. Default: printed.
   */
  warn?: (message: string) => void;
  /**
   * The time zone the axis, tooltips, text form and static image show times in: `"UTC"` or an IANA zone name
   * (`"Europe/Berlin"`), named in the time axis' title, each tooltip time with its UTC offset. Points are drawn
   * at their wall-clock times there, joined in time order: across the hour a daylight-saving change repeats,
   * the line runs back an hour; the hour it skips holds no point. An unknown name is a `vis/chart-option` error.
   * Default `"UTC"`.
   */
  timeZone?: string;
}

export { ChartDataError } from "./messages";

const FN = "displayTimeseriesAnomalies";
const COLOURS = { observed: "#1f77b4", baseline: "#ff7f0e", anomaly: "#d62728" };
/** See {@link TimeseriesAnomaliesChartOptions.maxPoints}. */
export const DEFAULT_MAX_POINTS = 25_000;
/**
 * Above this many points the PNG draws each pixel column's min–max band and mean (and every anomaly):
 * the same picture at a bounded cost (the timeline's limit; 20,000 points drawn as they are take 0.6 s).
 */
const PNG_POINT_LIMIT = 20_000;

/** One chart row, with fixed field names (column names may hold dots or brackets, which Vega-Lite reads as paths). */
interface ChartRow {
  t: string;
  when: string;
  y: number | null;
  baseline?: number | null;
  score?: number | null;
  anomaly: number;
  kind: string;
}

// Columns are read through common/frames: a column may be called `height`, `columns`, `getColumn`…,
// which polars' frame proxy would answer instead of its own member.
function requireColumn(df: pl.DataFrame, name: string, option: string): void {
  if (!hasColumn(df, name)) {
    throw new ChartDataError(msg.chartColumnMissing(FN, option, name, columnNames(df)));
  }
}

function numbers(df: pl.DataFrame, name: string): (number | null)[] {
  const column = plainText(columnOf(df, name));
  if (isTextType(column.dtype)) {
    return (column.toArray() as unknown as (string | null)[]).map((v) => {
      if (v === null || v.trim() === "") return null;
      // Decimal text only, as the analysis functions read it (analysis/columns.ts): Number() also reads "0x10" as 16.
      const n = DECIMAL_TEXT.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw new ChartDataError(msg.chartValueNotNumeric(FN, name, v));
      return n;
    });
  }
  if (!/^(U?Int(8|16|32|64)|Float(32|64)|Decimal)$/.test(column.dtype.variant)) {
    throw new ChartDataError(msg.chartColumnNotNumeric(FN, name, String(column.dtype)));
  }
  return column.cast(pl.Float64).toArray() as unknown as (number | null)[];
}

/**
 * `values` with NaN and ±Infinity (a float column's: a ratio over 0, a failed division upstream) as null, drawn as
 * gaps as empty cells are; said once per column (`warn`), with their count and the time of the first. Vega-Lite
 * drew none of them either, silently: the analysis refuses ±Infinity and reads NaN as an empty value.
 */
function finiteOnly(values: (number | null)[], column: string, t: readonly (number | null)[], warn: (message: string) => void): (number | null)[] {
  let count = 0;
  let first = -1;
  const kinds = new Set<string>();
  const out = values.map((v, i) => {
    if (v === null || Number.isFinite(v)) return v;
    const ms = t[i];
    // Rows without a time are not drawn anyway (counted apart).
    if (ms !== null) {
      count += 1;
      kinds.add(String(v));
      if (first < 0 || ms < (t[first] as number)) first = i;
    }
    return null;
  });
  if (count) {
    warn(visWarnings.chartValuesNotFinite(FN, column, count, ["Infinity", "-Infinity", "NaN"].filter((k) => kinds.has(k)), whenText(t[first] as number)));
  }
  return out;
}

function times(df: pl.DataFrame, name: string, warn: (message: string) => void): (number | null)[] {
  let column = plainText(columnOf(df, name));
  if (isTextType(column.dtype)) {
    const parsed = parseReadTimes(column, FN, warn);
    if (!parsed.parsed) throw new ChartDataError(msg.chartTimeUnparsed(FN, name, parsed.examples[0] ?? ""));
    column = parsed.series;
  } else if (!isTemporalType(column.dtype)) {
    throw new ChartDataError(msg.chartTimeType(FN, name, column.dtype.variant, numericMagnitude(column)));
  }
  return column.cast(pl.Datetime("ms")).cast(pl.Float64).toArray() as unknown as (number | null)[];
}

/** "2020-07-06 19:00:00" (UTC): tooltips show the same text in every browser time zone. */
function whenText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

interface Prepared {
  rows: ChartRow[];
  missing: number;
  /** The zone the times are shown in (rows' `t` is the wall-clock time there, read as UTC). */
  zone: ChartZone;
}

/** A point's tooltip time: `2020-07-06 19:00:00 UTC`, or its wall-clock time and offset in `zone` (`… 21:00:00 +02:00`). */
function zonedWhen(ms: number, zone: ChartZone): string {
  if (zone.utc) return whenText(ms);
  const offset = zone.offsetAt(ms);
  return `${new Date(ms + offset).toISOString().slice(0, 19).replace("T", " ")} ${offsetText(offset)}`;
}

/** The chart rows, sorted by time; rows without a time are left out and counted (`missing`), as the timeline does. */
function chartRows(df: pl.DataFrame, options: TimeseriesAnomaliesChartOptions): Prepared {
  const timeColumn = options.timeColumn ?? "TimeGenerated";
  const anomaliesColumn = options.anomaliesColumn ?? "anomalies";
  const baselineColumn = options.baselineColumn === undefined ? "baseline" : options.baselineColumn;
  const scoreColumn = options.scoreColumn ?? "score";
  const zone = chartZone(options.timeZone, { view: FN, code: "vis/chart-option", error: (m) => new ChartDataError(m) });
  requireColumn(df, options.y, "y");
  requireColumn(df, timeColumn, "timeColumn");
  requireColumn(df, anomaliesColumn, "anomaliesColumn");
  if (baselineColumn !== null) requireColumn(df, baselineColumn, "baselineColumn");
  const warn = options.warn ?? printWarning;
  const t = times(df, timeColumn, warn);
  checkPointCount(t, options.maxPoints ?? DEFAULT_MAX_POINTS);
  const read = (name: string) => finiteOnly(numbers(df, name), name, t, warn);
  const y = read(options.y);
  const anomalies = read(anomaliesColumn);
  const baseline = baselineColumn === null ? undefined : read(baselineColumn);
  const score = hasColumn(df, scoreColumn) ? read(scoreColumn) : undefined;
  const rows: [ms: number, row: ChartRow][] = [];
  const height = frameHeight(df);
  let missing = 0;
  for (let i = 0; i < height; i++) {
    const ms = t[i];
    if (ms === null) {
      missing += 1;
      continue;
    }
    const a = Math.sign(anomalies[i] ?? 0);
    // Outside UTC, drawn at the wall-clock time in the zone (on the chart's UTC scale).
    const row: ChartRow = { t: new Date(zone.utc ? ms : ms + zone.offsetAt(ms)).toISOString(), when: zonedWhen(ms, zone), y: y[i], anomaly: a, kind: a > 0 ? "spike" : a < 0 ? "dip" : "" };
    if (baseline) row.baseline = baseline[i];
    if (score) row.score = score[i] === null ? null : Math.round((score[i] as number) * 1000) / 1000;
    rows.push([ms, row]);
  }
  // In time order (by instant: in a zone's repeated hour, wall-clock order is not time order).
  return { rows: rows.sort((a, b) => a[0] - b[0]).map(([, row]) => row), missing, zone };
}

/** Refuses more timed rows than `max`, before any row is built (the refusal costs only the time parse). */
function checkPointCount(t: readonly (number | null)[], max: number): void {
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const ms of t) {
    if (ms === null) continue;
    count += 1;
    if (ms < lo) lo = ms;
    if (ms > hi) hi = ms;
  }
  if (count > max) throw new ChartDataError(msg.chartTooManyPoints(FN, count, max, whenText(lo).slice(0, 19), whenText(hi).slice(0, 19)));
}

/** Says how many rows could not be placed (no time), or "". */
function missingNote(missing: number): string {
  return missing ? `; ${missing} row(s) without a time not shown` : "";
}

function checkInput(df: pl.DataFrame, options: TimeseriesAnomaliesChartOptions): void {
  if (!isDataFrame(df)) throw new ChartDataError(msg.chartNotADataFrame(FN, notAFrameText(df)));
  if (!options || typeof options.y !== "string") throw new ChartDataError(msg.chartNeedsY(FN));
  checkOptionTypes(
    options,
    {
      y: "column",
      timeColumn: "column",
      anomaliesColumn: "column",
      baselineColumn: ["column", "null"],
      scoreColumn: "column",
      title: "string",
      width: "number",
      height: "number",
      maxPoints: "count",
      warn: "function",
      timeZone: "string",
    } satisfies OptionTypesOf<TimeseriesAnomaliesChartOptions>,
    { view: FN, code: "vis/chart-option", error: (m) => new ChartDataError(m) },
  );
}

/**
 * The Vega-Lite 5 spec of the anomaly chart (data inline). Times are plotted
 * and labelled in UTC. `forPng`: the variant the PNG is drawn from (no hover
 * layer; above 20,000 points each pixel column's min–max band and mean, with
 * every anomaly).
 */
export function timeseriesAnomaliesSpec(df: pl.DataFrame, options: TimeseriesAnomaliesChartOptions, forPng = false): VegaLiteSpec {
  checkInput(df, options);
  return anomaliesSpec(chartRows(df, options), options, forPng);
}

function anomaliesSpec({ rows, missing, zone }: Prepared, options: TimeseriesAnomaliesChartOptions, forPng: boolean): VegaLiteSpec {
  const yName = options.y;
  // The zone named with the time column (axis and tooltip), unless UTC (as ever: the tooltip's times say UTC).
  const timeName = `${options.timeColumn ?? "TimeGenerated"}${zone.utc ? "" : ` (${zone.name})`}`;
  const hasBaseline = options.baselineColumn !== null;
  const hasScore = rows.some((r) => r.score !== undefined);
  const width = positive(options.width ?? 900, "width");
  const height = positive(options.height ?? 300, "height");
  const x = { field: "t", type: "temporal", title: vegaExprText(timeName), scale: { type: "utc" }, axis: { format: "%Y-%m-%d %H:%M", labelAngle: -30 } } as const;
  // The value series' legend entry: the column's name, unless it is one of the other entries' (a column `anomaly`).
  // Revealed as titles are (vegaLite.ts): the legend drew a column name's U+202E raw.
  const series = vegaLiteralText(revealHidden(yName === "baseline" || yName === "anomaly" ? `${yName} (value)` : yName));
  const seriesDomain = hasBaseline ? [series, "baseline", "anomaly"] : [series, "anomaly"];
  const seriesRange = hasBaseline ? [COLOURS.observed, COLOURS.baseline, COLOURS.anomaly] : [COLOURS.observed, COLOURS.anomaly];
  const color = { scale: { domain: seriesDomain, range: seriesRange }, legend: { title: null, orient: "top" } };
  const tooltip = [
    { field: "when", type: "nominal", title: vegaExprText(timeName) },
    { field: "y", type: "quantitative", title: vegaExprText(yName), format: ",.0f" },
    ...(hasBaseline ? [{ field: "baseline", type: "quantitative", title: "baseline", format: ",.0f" }] : []),
    ...(hasScore ? [{ field: "score", type: "quantitative", title: "score", format: ".2f" }] : []),
    { field: "kind", type: "nominal", title: "anomaly" },
  ];
  const anomalyCount = rows.filter((r) => r.anomaly !== 0).length;
  const subtitle = `${rows.length} points, ${anomalyCount} ${anomalyCount === 1 ? "anomaly" : "anomalies"}${missingNote(missing)}`;
  const head = { title: { text: options.title ?? `Time Series Anomalies: ${yName}`, subtitle }, width, height };
  const config = { axis: { labelFontSize: 11, titleFontSize: 12 }, view: { stroke: null } };
  if (forPng && rows.length > PNG_POINT_LIMIT) {
    const columns = pixelColumns(rows, width);
    const markers = {
      data: { values: rows.filter((r) => r.anomaly !== 0) },
      mark: { type: "point", filled: true, size: 110, opacity: 0.9 },
      encoding: {
        x,
        y: { field: "y", type: "quantitative" },
        color: { ...color, datum: "anomaly" },
        shape: { field: "kind", type: "nominal", scale: { domain: ["spike", "dip"], range: ["triangle-up", "triangle-down"] }, legend: null },
      },
    };
    return {
      ...head,
      title: { ...head.title, subtitle: `${subtitle} (image: min–max band and mean of each pixel column)` },
      data: { values: columns },
      layer: [
        { mark: { type: "area", opacity: 0.3 }, encoding: { x, y: { field: "lo", type: "quantitative", title: vegaExprText(yName) }, y2: { field: "hi" }, color: { ...color, datum: series } } },
        { mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y: { field: "y", type: "quantitative" }, color: { ...color, datum: series } } },
        ...(hasBaseline ? [{ mark: { type: "line", strokeDash: [6, 3], strokeWidth: 1.5 }, encoding: { x, y: { field: "baseline", type: "quantitative" }, color: { ...color, datum: "baseline" } } }] : []),
        markers,
      ],
      // The legend's swatches solid, as in the chart drawn point by point (not the band's opacity).
      config: { ...config, legend: { symbolOpacity: 1 } },
    } as unknown as VegaLiteSpec;
  }
  const layers: unknown[] = [
    {
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: { x, y: { field: "y", type: "quantitative", title: vegaExprText(yName) }, color: { ...color, datum: series } },
    },
  ];
  if (hasBaseline) {
    layers.push({
      mark: { type: "line", strokeDash: [6, 3], strokeWidth: 1.5 },
      encoding: { x, y: { field: "baseline", type: "quantitative" }, color: { ...color, datum: "baseline" } },
    });
  }
  layers.push({
    transform: [{ filter: "datum.anomaly != 0" }],
      mark: { type: "point", filled: true, size: 110, opacity: 0.9 },
      encoding: {
        x,
        y: { field: "y", type: "quantitative" },
        color: { ...color, datum: "anomaly" },
        shape: { field: "kind", type: "nominal", scale: { domain: ["spike", "dip"], range: ["triangle-up", "triangle-down"] }, legend: null },
        tooltip,
      },
  });
  // An invisible rule per time; the nearest one to the pointer shows and carries the tooltip. Not in the
  // static image, which has no pointer: its SVG drew every rule (20,000 points: 3.8 s of the PNG's 4.4 s).
  if (!forPng) {
    layers.push({
      params: [{ name: "hover", select: { type: "point", fields: ["t"], nearest: true, on: "mouseover", clear: "mouseout" } }],
      mark: { type: "rule", color: "#888" },
      encoding: { x, opacity: { condition: { param: "hover", empty: false, value: 0.5 }, value: 0 }, tooltip },
    });
  }
  return { ...head, data: { values: rows }, layer: layers, config } as unknown as VegaLiteSpec;
}

/** One pixel column of a large series: the mean value at its middle time, the band of its least and greatest. */
interface ColumnRow {
  t: string;
  y: number;
  lo: number;
  hi: number;
  baseline?: number;
}

/**
 * The time-sorted rows as `width` equal time columns: each column's mean, min and max value and mean
 * baseline (nulls left out; a column without a value is not drawn, as a null point is not).
 */
function pixelColumns(rows: readonly ChartRow[], width: number): ColumnRow[] {
  const first = Date.parse(rows[0].t);
  const span = Date.parse(rows[rows.length - 1].t) - first || 1;
  const sums = Array.from({ length: width }, () => ({ n: 0, sum: 0, lo: Infinity, hi: -Infinity, bn: 0, bsum: 0 }));
  for (const row of rows) {
    const c = sums[Math.min(width - 1, Math.floor(((Date.parse(row.t) - first) / span) * width))];
    if (row.y !== null) {
      c.n += 1;
      c.sum += row.y;
      if (row.y < c.lo) c.lo = row.y;
      if (row.y > c.hi) c.hi = row.y;
    }
    if (row.baseline !== undefined && row.baseline !== null) {
      c.bn += 1;
      c.bsum += row.baseline;
    }
  }
  const out: ColumnRow[] = [];
  sums.forEach((c, k) => {
    if (c.n === 0) return;
    const column: ColumnRow = { t: new Date(first + ((k + 0.5) * span) / width).toISOString(), y: c.sum / c.n, lo: c.lo, hi: c.hi };
    if (c.bn) column.baseline = c.bsum / c.bn;
    out.push(column);
  });
  return out;
}

function positive(value: number, name: string): number {
  if (!(value > 0 && value <= MAX_VIEW_PIXELS)) throw new ChartDataError(msg.chartPixels(FN, name, value, MAX_VIEW_PIXELS));
  // At least one pixel: a width of 0.4 rounded to 0 left the PNG's pixel columns empty.
  return Math.max(1, Math.round(value));
}

/** Longest column name in the text form (column names are data). */
const MAX_NAME_SHOWN = 200;

/** The text/plain form: what was plotted and where the anomalies are. */
function summary({ rows, missing, zone }: Prepared, options: TimeseriesAnomaliesChartOptions): string {
  const hits = rows.filter((r) => r.anomaly !== 0);
  // To the minute, with the offset outside UTC (`2026-10-25 02:30 +01:00`: the repeated hour's second 02:30).
  const list = hits.slice(0, 10).map((r) => `${r.when.slice(0, 16)}${zone.utc ? "" : r.when.slice(19)} (${r.kind})`);
  const more = hits.length > 10 ? `, … ${hits.length - 10} more` : "";
  // The column name is data: revealed (it kept U+2028 and U+202E raw) and cut.
  return `Time Series Anomalies: ${shownText(options.y, MAX_NAME_SHOWN)}, ${rows.length} points, ${hits.length} ${hits.length === 1 ? "anomaly" : "anomalies"}${hits.length ? `: ${list.join(", ")}${more}` : ""}${missingNote(missing)}${zone.utc ? "" : `; times in ${zone.name}`}`;
}

/**
 * The anomaly chart as an object that displays itself (Vega-Lite 5 spec +
 * PNG + text). Async: the PNG is rendered in Node.
 */
export async function timeseriesAnomaliesChart(df: pl.DataFrame, options: TimeseriesAnomaliesChartOptions): Promise<VegaLiteChart> {
  checkInput(df, options);
  const prep = chartRows(df, options);
  const chart = await vegaLiteChart(anomaliesSpec(prep, options, false), { noPng: true, text: summary(prep, options) });
  const { png } = await vegaLiteChart(anomaliesSpec(prep, options, true));
  return new VegaLiteChart(chart.spec, png, chart.text, chart.warnings);
}

/**
 * Shows the anomaly chart of a `timeseriesAnomaliesStl` output, e.g.
 * `await displayTimeseriesAnomalies(output, { y: "TotalBytesSent" })`.
 */
export async function displayTimeseriesAnomalies(df: pl.DataFrame, options: TimeseriesAnomaliesChartOptions): Promise<void> {
  display(await timeseriesAnomaliesChart(df, options));
}
