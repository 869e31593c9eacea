/**
 * Event timelines as Vega-Lite 5 charts, after MSTICPy's `display_timeline` and
 * `display_timeline_values` (Bokeh there).
 *
 * - `timeline(df, options)`: a point (diamond) per event, one lane per
 *   `groupBy` value with a colour legend, tooltips with the time and the
 *   `sourceColumns`. Long ranges get an overview strip below: brushing it
 *   zooms the main chart, dragging the brush pans and the wheel over it resizes
 *   it; two sliders under it (keyboard: arrows) set the range shown while
 *   nothing is brushed. Short ranges zoom (wheel) and pan (drag) on the chart itself, and
 *   the same two sliders zoom and pan them by keyboard (as they do `timelineValues`).
 * - `timelineValues(df, { y, … })`: a numeric column over time as lines, bars
 *   and/or points, optionally one series per `groupBy` value.
 * - `displayTimeline` / `displayTimelineValues` show the chart at once.
 *
 * Data reaches the spec under neutral field names (`t`, `g`, `s0`…): column
 * names may hold dots or brackets, which Vega-Lite would read as nested
 * fields. Text time columns (the lab's process and syslog exports) are parsed
 * with the data layer's time parsing. Events without a time cannot be placed;
 * they are counted in the chart's text form, never dropped silently.
 */
import pl from "nodejs-polars";
import { isCategoricalText, isTemporalType, isTextType, jsDtype, msTimeTexts, plainText } from "../common/dtypes";
import { TimelineError, visMessages as msg } from "./messages";
import { parseReadTimes, parseTimeText } from "../data/timeParsing";
import { columnNames, columnOf, exactValues, frameOf, hasColumn, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { display, flushDisplays } from "../display/display";
import { isolateRtl, revealHidden } from "../common/hiddenChars";
import { VegaLiteChart, vegaExprText, vegaLiteChart, type VegaLiteSpec } from "./vegaLite";
import { MAX_VIEW_PIXELS, checkOptionTypes, type OptionTypes, type OptionTypesOf } from "./options";
import { epochMillis as epochValueMillis, epochUnit, numericMagnitude } from "../common/epoch";
import { quotedText, shownText } from "../common/shownText";
import { cellTexts } from "../display/dataframe";
import { wideIntsAsText } from "../common/wideInts";
import { compareText } from "../common/textOrder";
import { UTC_ZONE, chartZone, offsetText, zonedText, type ChartZone } from "./timeZone";

/** A reference mark on the time axis. */
export type RefEvent = Date | string | number | { time: Date | string | number; label?: string };

/** Options shared by {@link timeline} and {@link timelineValues}. */
export interface TimelineCommonOptions {
  /** Time column. Default `"TimeGenerated"`. Text columns are parsed. */
  timeColumn?: string;
  /**
   * Columns shown in the tooltip, after the time. Default: `NewProcessName,
   * EventID, CommandLine` when the data has all three (MSTICPy's default),
   * otherwise none.
   */
  sourceColumns?: string[];
  /** One lane (or series) per value of this column, with a colour legend. Default: none. */
  groupBy?: string;
  /** Chart title. Default `"Timeline"` (`"Timeline values"` for values). */
  title?: string;
  /** Plot height in pixels. Default: 40 px per lane drawn, at least 150 (values: 300). */
  height?: number;
  /** Plot width in pixels. Default 900. */
  width?: number;
  /** Mark colour when there is no `groupBy`. Default `"navy"`. */
  color?: string;
  /**
   * A reference time drawn as a labelled vertical rule (e.g. the alert time). Default: none.
   * A number is an epoch time whose unit goes by its size, as for numeric time columns of
   * local data: below 10^11 seconds, below 10^14 milliseconds, then µs, ns.
   */
  refEvent?: RefEvent;
  /** Draw with the canvas renderer above this many rows (SVG below: crisp, inspectable). Default 5,000. */
  canvasThreshold?: number;
  /** Cut tooltip text longer than this (characters, at least 1; `Infinity`: never). Default 300. */
  maxTooltipLength?: number;
  /** PNG scale factor (2 for high-DPI). Default 1. */
  pngScale?: number;
  /**
   * Most `groupBy` lanes (or series) drawn: the values with the most events,
   * the rest drawn together in one "other (k values)" lane, which the caption
   * and `lanes` report. A whole number of at least 1; default 20 (the process
   * tree's legend cap). `Infinity` draws every value.
   */
  maxLanes?: number;
  /**
   * Most events drawn. With more, no chart is made: the call throws a
   * `TimelineError` (`vis/timeline-too-many-events`) that gives the count and
   * the ways to narrow it. A timeline that silently lost events, or only
   * said so in a caption, would mislead (a time-ordered chart cut short looks
   * like the activity stopped); every event's time and tooltip goes inline into
   * the notebook (about 120–350 bytes each), and an output of tens of MB
   * freezes JupyterLab. Default 25,000 (measured: first render about 1.6 s in
   * Chromium with vega 5, 4.7 MB; 100,000 events took 6.3 s and 18.6 MB).
   * A whole number of at least 1; `Infinity` draws every event.
   */
  maxEvents?: number;
  /**
   * The time zone the axis, tooltips, text form and static image show times in: `"UTC"` or an IANA zone name
   * (`"Europe/Berlin"`, `"America/New_York"`), named on the chart (the time axis' title, the tooltip's time
   * title) with each tooltip time's UTC offset. Each event is drawn at its wall-clock time there: in the hour
   * a daylight-saving change repeats, two events an hour apart are drawn at one place (their tooltips' offsets
   * tell them apart), and the hour it skips holds no event. The events keep their instants (refEvent, the data).
   * An unknown name is a `vis/timeline-option` error. Default `"UTC"`.
   */
  timeZone?: string;
}

/** Options of {@link timeline}. */
export interface TimelineOptions extends TimelineCommonOptions {
  /**
   * Overview strip with a brush to zoom the main chart. Default `"auto"`: shown
   * when the events span more than an hour.
   */
  overview?: boolean | "auto";
}

/** Options of {@link timelineValues}. */
export interface TimelineValuesOptions extends TimelineCommonOptions {
  /** Numeric column to plot. Required. */
  y: string;
  /** Mark kind(s): `"line"`, `"bar"`, `"point"`. Default `"line"`. */
  kind?: TimelineValueKind | TimelineValueKind[];
}

/** A mark of `timelineValues`: a line, bars or points. */
export type TimelineValueKind = "line" | "bar" | "point";

export { TimelineError } from "./messages";

/** A lane of a timeline: one `groupBy` value, or the values beyond `maxLanes` together. */
export interface TimelineLane {
  /** The label drawn: the value revealed and cut, `(empty)` for "", `(null)` for null, made unique with ` [2]`… */
  name: string;
  /** Events in the lane. */
  count: number;
  /** The exact value as text (null for null); absent on the "other" lane and without groupBy. */
  value?: string | null;
  /** On the "other" lane only: how many values it holds. */
  others?: number;
}

/** A timeline chart: the Vega-Lite chart plus what it shows, per lane. */
export class TimelineChart extends VegaLiteChart {
  /** Lanes (groupBy values) in display order, with their event counts; one lane `""` without groupBy. */
  readonly lanes: readonly TimelineLane[];
  /** Events plotted. */
  readonly events: number;
  /** Rows left out because their time is empty. */
  readonly missingTimes: number;
  /** timelineValues: events not drawn because their value is null, NaN or infinite (0 for a timeline). */
  readonly missingValues: number;

  constructor(base: VegaLiteChart, lanes: TimelineLane[], events: number, missingTimes: number, missingValues = 0) {
    super(base.spec, base.png, base.text, base.warnings);
    this.lanes = lanes;
    this.events = events;
    this.missingTimes = missingTimes;
    this.missingValues = missingValues;
  }
}

const DEFAULT_WIDTH = 900;
const DEFAULT_CANVAS_THRESHOLD = 5000;
const DEFAULT_TOOLTIP = 300;
const DEFAULT_MAX_LANES = 20;
/** See {@link TimelineCommonOptions.maxEvents}: the default, from the Chromium first-render measurement there. */
export const DEFAULT_MAX_EVENTS = 25_000;
/** Lane labels are cut to this many characters (lanes are keyed on the whole value). */
const LANE_LABEL_LENGTH = 200;
const HOUR = 3_600_000;
/** Above this many events the PNG shows event density (bins) instead of every point: same picture, bounded cost. */
const PNG_POINT_LIMIT = 20_000;
const PALETTE = "tableau10";

// Columns are read through common/frames: a column may be called `columns`, `height`, `getColumn`…,
// which polars' frame proxy would answer instead of its own member.
/** The options of timeline() and timelineValues() (ranges and columns are checked where they are used). */
const COMMON_TYPES = {
  timeColumn: "column",
  sourceColumns: "columns",
  groupBy: "column",
  title: "string",
  height: "number",
  width: "number",
  color: "string",
  refEvent: ["date", "string", "number", "object"],
  canvasThreshold: "number",
  maxTooltipLength: "count",
  pngScale: "number",
  maxLanes: "count",
  maxEvents: "count",
  timeZone: "string",
} as const satisfies OptionTypesOf<TimelineCommonOptions>;
const TIMELINE_TYPES = { ...COMMON_TYPES, overview: ["boolean", { oneOf: ["auto"] }] } as const satisfies OptionTypesOf<TimelineOptions>;
// kind is checked by timelineValuesSpec (timelineKind names the kinds).
const VALUES_TYPES = { ...COMMON_TYPES, y: "column", kind: "any" } as const satisfies OptionTypesOf<TimelineValuesOptions>;

/** Most pixels a timeline's width or height may have ({@link MAX_VIEW_PIXELS}): `height: 1e6` took 35 s and made a 35 MB PNG. */
export const MAX_TIMELINE_PIXELS = MAX_VIEW_PIXELS;

function checkTypes(fn: string, options: unknown, types: OptionTypes): void {
  checkOptionTypes(options, types, { view: fn, code: "vis/timeline-option", error: (m) => new TimelineError(m) });
  for (const option of ["width", "height"] as const) {
    const value = (options as Partial<Record<typeof option, number>> | undefined)?.[option];
    if (value !== undefined && !(value >= 1 && value <= MAX_TIMELINE_PIXELS)) throw new TimelineError(msg.timelinePixels(fn, option, value, MAX_TIMELINE_PIXELS));
  }
}

function checkColumn(df: pl.DataFrame, name: string, what: string): void {
  if (hasColumn(df, name)) return;
  // The default time column missing: the frame's own time columns are what to pass (`Timestamp`, `_time`, `@timestamp`).
  const names = columnNames(df);
  const times = what === "time" ? names.filter((n) => isTemporalType(columnOf(df, n).dtype)) : [];
  throw new TimelineError(msg.timelineColumnMissing(what, name, names, times));
}

/** Epoch milliseconds of the time column (null for empty cells). */
/**
 * A time column as epoch ms, and the text cells that are no time (count and examples). Such cells are rows
 * without a time, as long as most cells are times (`(not logged)` among 300 times); a column of mostly
 * non-times is refused: it is not the time column.
 */
function epochMillis(df: pl.DataFrame, column: string, given: boolean): { ms: (number | null)[]; unparsed: number; examples: string[]; monthFirst?: boolean } {
  // Categorical text (a Parquet or Arrow file's dictionary strings) is read as its text.
  let series = plainText(columnOf(df, column));
  let unparsed = 0;
  let examples: string[] = [];
  let monthFirst = false;
  if (isTextType(series.dtype)) {
    // Slash dates by the readers' rule: those that read either way month first, said in the text form (they were
    // read so without a word); those that only read day first (a day past the 12th), day first.
    const parsed = parseReadTimes(series, "timeline", () => (monthFirst = true));
    // No value at all (every cell null or blank): rows without a time, counted as missing like a null Datetime column's.
    if (!parsed.parsed && parsed.failures === 0) return { ms: new Array<null>(series.len()).fill(null), unparsed: 0, examples: [] };
    if (!parsed.parsed) {
      const read = parsed.partial ? parsed.partial.len() - parsed.partial.nullCount() : 0;
      if (!parsed.partial || parsed.failures > read) throw new TimelineError(msg.timelineTimeUnparsed(column, parsed.failures, parsed.examples, given));
      series = parsed.partial;
      unparsed = parsed.failures;
      examples = parsed.examples;
    } else series = parsed.series;
  } else if (!isTemporalType(series.dtype)) {
    throw new TimelineError(msg.timelineTimeType(column, series.dtype.variant, given, numericMagnitude(series)));
  }
  const ms = pl.DataFrame([series.rename("t")]).select(pl.col("t").cast(pl.Datetime("ms")).cast(pl.Int64).cast(pl.Float64)).getColumn("t");
  return { ms: ms.toArray() as unknown as (number | null)[], unparsed, examples, ...(monthFirst ? { monthFirst } : {}) };
}

/** A column as exact text, null for null (64-bit integers as polars writes them, not rounded to doubles). */
function exactStrings(df: pl.DataFrame, column: string): (string | null)[] {
  const series = columnOf(df, column);
  // A date as the table writes it (`2024-01-01`), not as a midnight time.
  if (series.dtype.variant === "Date") return cellTexts(series);
  if (isTemporalType(series.dtype)) {
    return msTimeTexts(series);
  }
  return exactValues(series).map((v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return v;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (typeof v === "object") return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
    return String(v);
  });
}

/** `df` with column `name` cast to Float64 when its type is one nodejs-polars cannot describe (Int128); else `df`. */
function int128AsFloat(df: pl.DataFrame, name: string): pl.DataFrame {
  const series = columnOf(df, name);
  if (jsDtype(series) !== undefined) return df;
  return frameOf(columnNames(df).map((n) => (n === name ? series.cast(pl.Float64).rename(name) : columnOf(df, n))));
}

/**
 * A column as display strings ("" for null): hidden characters revealed (the tooltip showed a command line's
 * RLO raw: `run\u202e0txt.exe` read as `runexe.txt0`), then cut to `max` characters.
 */
function displayStrings(df: pl.DataFrame, column: string, max: number): string[] {
  // A duration as the table writes it (`00:00:01.500`), not its raw count (1500, a number of no unit).
  const series = columnOf(df, column);
  const texts = series.dtype.variant === "Duration" ? cellTexts(series) : exactStrings(df, column);
  return texts.map((s) => shownText(s ?? "", max));
}

/** Lane order: numbers by value (integers exactly), text and null by label. */
function laneOrder(numeric: boolean): (a: { value?: string | null; name: string }, b: { value?: string | null; name: string }) => number {
  const integer = /^-?\d+$/;
  return (a, b) => {
    const x = a.value ?? null;
    const y = b.value ?? null;
    if (x === null || y === null) return compareText(a.name, b.name) || (x === y ? 0 : x === null ? -1 : 1);
    if (numeric && integer.test(x) && integer.test(y)) {
      const d = BigInt(x) - BigInt(y);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    if (numeric && Number.isFinite(Number(x)) && Number.isFinite(Number(y)) && Number(x) !== Number(y)) return Number(x) - Number(y);
    return compareText(a.name, b.name) || (x < y ? -1 : x > y ? 1 : 0);
  };
}

/** The label of a lane value: revealed (labels reach Vega expressions, the lane domain) and cut. */
function laneLabel(value: string | null): string {
  if (value === null) return "(null)";
  if (value === "") return "(empty)";
  return shownText(value, LANE_LABEL_LENGTH);
}


/**
 * The lanes of the `groupBy` values: keyed on the exact value (two values
 * that differ only past the label cut, or null, "" and the text "(empty)",
 * stay apart); the `cap` values with most events get a lane each, the rest
 * one "other (k values)" lane, last. Labels are unique (a clash gets ` [2]`…).
 */
function groupLanes(
  keys: readonly (string | null)[],
  rowsOf: readonly number[],
  numeric: boolean,
  cap: number,
  labels?: ReadonlyMap<string | null, string>,
): { lanes: TimelineLane[]; laneOf: Map<string | null, TimelineLane> } {
  const counts = new Map<string | null, number>();
  for (const i of rowsOf) counts.set(keys[i], (counts.get(keys[i]) ?? 0) + 1);
  const order = laneOrder(numeric);
  // Lanes sort by their value; `labels` names them (a duration by its text, ordered by its count).
  const all: TimelineLane[] = [...counts].map(([value, count]) => ({ name: laneLabel(labels?.get(value) ?? value), count, value }));
  all.sort(order);
  let shown = all;
  let other: TimelineLane | undefined;
  if (all.length > cap) {
    const rank = new Map(all.map((lane, k) => [lane, k]));
    const top = new Set([...all].sort((a, b) => b.count - a.count || (rank.get(a) as number) - (rank.get(b) as number)).slice(0, cap));
    shown = all.filter((lane) => top.has(lane));
    const rest = all.filter((lane) => !top.has(lane));
    other = { name: `other (${rest.length} values)`, count: rest.reduce((sum, lane) => sum + lane.count, 0), others: rest.length };
  }
  const lanes = other ? [...shown, other] : shown;
  const used = new Set<string>();
  for (const lane of lanes) {
    let name = lane.name;
    for (let k = 2; used.has(name); k += 1) name = `${lane.name} [${k}]`;
    lane.name = name;
    used.add(name);
  }
  const laneOf = new Map<string | null, TimelineLane>();
  for (const lane of all) laneOf.set(lane.value ?? null, shown.includes(lane) ? lane : (other as TimelineLane));
  return { lanes, laneOf };
}

function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/**
 * Epoch milliseconds of a number, its unit by magnitude with the data layer's
 * rule (epochUnit: below 10^11 seconds, below 10^14 ms…), so 1717236000 is
 * June 2024, not January 1970. NaN below 10^8, which is no epoch time in any unit.
 */
function epochNumberMillis(value: number): number {
  const unit = epochUnit(Math.abs(value));
  return unit ? epochValueMillis(value, unit) : NaN;
}

function refTime(ref: RefEvent): { time: number; label: string } {
  const raw = typeof ref === "object" && !(ref instanceof Date) ? ref.time : ref;
  const label = typeof ref === "object" && !(ref instanceof Date) ? (ref.label ?? "Ref time") : "Ref time";
  if (typeof raw !== "number" && typeof raw !== "string" && !(raw instanceof Date)) throw new TimelineError(msg.timelineRefTime(raw));
  const time = raw instanceof Date ? raw.getTime() : typeof raw === "number" ? epochNumberMillis(raw) : textMillis(raw);
  if (!Number.isFinite(time)) throw new TimelineError(msg.timelineRefTime(raw));
  return { time, label };
}

/**
 * A reference time written as text, read as a time column's text is (`2/10/19 4:00 PM`, Kibana's form…; naive means UTC),
 * else NaN: no Date.parse fallback, which rolls 2024-02-30 over to March 1 where a column leaves the text unparsed.
 */
function textMillis(text: string): number {
  return parseTimeText(text)?.getTime() ?? NaN;
}

interface Prepared {
  rows: Record<string, unknown>[];
  /** Text fields of {@link rows} carried as codes. */
  dictionaries: TextDictionary[];
  lanes: TimelineLane[];
  /** Values drawn in the "other" lane (0: every value has its lane). */
  otherValues?: number;
  sourceTitles: string[];
  missingTimes: number;
  /** Of {@link missingTimes}, text cells that are no time, with up to three examples. */
  unparsedTimes?: number;
  unparsedExamples?: string[];
  /** Placed rows whose extra value (timelineValues' y) is null, NaN or infinite: in the data, not drawn. */
  missingValues: number;
  /** The time column, when its slash dates read either way and were read month first (`05/06/2026` as 6 May). */
  monthFirst?: string;
  /** First and last instants (epoch ms). */
  min: number;
  max: number;
  /** The zone the chart shows; rows' `t` is the wall-clock time there read as UTC (the instant itself in UTC). Default UTC. */
  zone?: ChartZone;
  /** Least and greatest drawn `t` (in a zone with a repeated hour, not always those of {@link min} and {@link max}). Default min, max. */
  drawMin?: number;
  drawMax?: number;
  /** Outside UTC, the offset every drawn time shares (`+02:00`); undefined when they differ (rows carry their own as `o`). */
  tipOffset?: string;
}

/**
 * Rows for the spec: t (ms), g (lane), gv (group value, when lanes are capped), s0… (tooltip texts), plus extra
 * numeric fields. Only what the chart draws or its tooltip shows: the inline data is most of an output's bytes.
 * The tooltip's UTC time text is derived in the browser ({@link TS_FIELD}), not carried per event (31 bytes each).
 */
function prepare(fn: string, df: pl.DataFrame, options: TimelineCommonOptions, extra: Record<string, string> = {}): Prepared {
  if (!isDataFrame(df)) throw new TimelineError(msg.timelineNotADataFrame(fn, notAFrameText(df)));
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  df = wideIntsAsText(df);
  const zone = chartZone(options.timeZone, { view: fn, code: "vis/timeline-option", error: (m) => new TimelineError(m) });
  const timeColumn = options.timeColumn ?? "TimeGenerated";
  checkColumn(df, timeColumn, "time");
  const defaults = ["NewProcessName", "EventID", "CommandLine"];
  const sourceColumns = options.sourceColumns ?? (defaults.every((c) => hasColumn(df, c)) ? defaults : []);
  sourceColumns.forEach((c) => checkColumn(df, c, "source"));
  if (options.groupBy) checkColumn(df, options.groupBy, "groupBy");
  const max = options.maxTooltipLength ?? DEFAULT_TOOLTIP;
  const { ms: times, unparsed, examples: unparsedExamples, monthFirst } = epochMillis(df, timeColumn, options.timeColumn !== undefined);
  const placed: number[] = [];
  let missing = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < times.length; i += 1) {
    const t = times[i];
    if (t === null || !Number.isFinite(t)) {
      missing += 1;
      continue;
    }
    if (t < lo) lo = t;
    if (t > hi) hi = t;
    placed.push(i);
  }
  // Before any row is built: the refusal costs only the time parse.
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (placed.length > maxEvents) throw new TimelineError(msg.timelineTooManyEvents(fn, placed.length, maxEvents, isoUtc(lo), isoUtc(hi)));
  const sources = sourceColumns.map((c) => displayStrings(df, c, max));
  const keys = options.groupBy ? exactStrings(df, options.groupBy) : undefined;
  const extras = Object.entries(extra).map(([field, col]) => [field, columnOf(df, col).cast(pl.Float64).toArray() as unknown as (number | null)[]] as const);
  let lanes: TimelineLane[] = [{ name: "", count: placed.length }];
  let laneOf: Map<string | null, TimelineLane> | undefined;
  let labels: Map<string | null, string> | undefined;
  if (keys && options.groupBy) {
    const series = columnOf(df, options.groupBy);
    const numeric = !isTextType(series.dtype) && !isCategoricalText(series.dtype);
    // A duration's lanes read as the table writes it (`00:00:01.500`), in the order of their values.
    if (series.dtype.variant === "Duration") {
      const texts = cellTexts(series);
      labels = new Map(keys.map((k, i) => [k, texts[i] ?? "(null)"]));
    }
    ({ lanes, laneOf } = groupLanes(keys, placed, numeric, options.maxLanes ?? DEFAULT_MAX_LANES, labels));
  }
  const otherValues = lanes.reduce((n, lane) => n + (lane.others ?? 0), 0);
  // Each text field's value per drawn row, then carried inline or as codes into its dictionary.
  const texts: [field: string, values: string[]][] = [];
  const lanesOf = laneOf;
  if (keys && lanesOf) {
    texts.push(["g", placed.map((i) => (lanesOf.get(keys[i]) as TimelineLane).name)]);
    // The "other" lane's points still say their own value.
    if (otherValues) texts.push(["gv", placed.map((i) => (keys[i] === null ? "(null)" : shownText(labels?.get(keys[i]) ?? (keys[i] as string), max)))]);
  }
  sources.forEach((values, k) => texts.push([`s${k}`, placed.map((i) => values[i])]));
  // Outside UTC, `t` is each event's wall-clock time in the zone (read as UTC by the chart's UTC scale).
  const offsets = zone.utc ? undefined : placed.map((i) => zone.offsetAt(times[i] as number));
  const distinctOffsets = new Set(offsets);
  if (offsets && distinctOffsets.size > 1) texts.push(["o", offsets.map(offsetText)]);
  const dictionaries: TextDictionary[] = [];
  const fields = texts.map(([field, values], k): [string, readonly unknown[]] => {
    const coded = dictionaryCodes(values, field, `k${k}`);
    if (!coded) return [field, values];
    dictionaries.push(coded.dictionary);
    return [coded.dictionary.code, coded.codes];
  });
  let missingValues = 0;
  const rows = placed.map((i, r) => {
    const row: Record<string, unknown> = { t: (times[i] as number) + (offsets ? (offsets[r] as number) : 0) };
    for (const [field, values] of fields) row[field] = values[r];
    for (const [field, values] of extras) {
      // NaN and infinities became null in the spec's JSON and the point vanished uncounted: null, and counted.
      const v = values[i];
      if (v === null || !Number.isFinite(v)) missingValues += 1;
      row[field] = v !== null && Number.isFinite(v) ? v : null;
    }
    return row;
  });
  let drawMin = lo;
  let drawMax = hi;
  if (offsets) {
    drawMin = Infinity;
    drawMax = -Infinity;
    for (const row of rows) {
      const t = row.t as number;
      if (t < drawMin) drawMin = t;
      if (t > drawMax) drawMax = t;
    }
  }
  // One offset over the whole range (no daylight-saving change in it): written once, in the tooltip's expression.
  const tipOffset = offsets && distinctOffsets.size <= 1 ? offsetText(offsets[0] ?? 0) : undefined;
  return {
    rows, dictionaries, lanes, otherValues, sourceTitles: sourceColumns, missingTimes: missing, unparsedTimes: unparsed, unparsedExamples, missingValues, min: lo, max: hi,
    zone, drawMin, drawMax, ...(tipOffset !== undefined ? { tipOffset } : {}),
    ...(monthFirst ? { monthFirst: timeColumn } : {}),
  };
}

/** A text field of the rows carried as codes (`code`) into its distinct values, restored in the browser by a lookup. */
interface TextDictionary {
  field: string;
  code: string;
  values: string[];
}

/**
 * `values` (a text field's, per row) as codes into their distinct values
 * when that makes the inline data smaller (lane names, images, event ids
 * repeat: each text is then written once); undefined for texts mostly
 * unique (command lines). JSON lengths are estimated from the texts' lengths.
 */
function dictionaryCodes(values: readonly string[], field: string, code: string): { codes: number[]; dictionary: TextDictionary } | undefined {
  const index = new Map<string, number>();
  const codes = new Array<number>(values.length);
  let inline = 0;
  let coded = 0;
  values.forEach((text, r) => {
    inline += text.length + field.length + 6;
    let k = index.get(text);
    if (k === undefined) {
      k = index.size;
      index.set(text, k);
      coded += text.length + field.length + code.length + 14;
    }
    coded += code.length + 4 + String(k).length;
    codes[r] = k;
  });
  // Worth a lookup only for a clear saving (small charts keep their data readable in the spec).
  if (coded > inline * 0.8 || inline - coded < 2048) return undefined;
  return { codes, dictionary: { field, code, values: [...index.keys()] } };
}

/** The lookups that restore dictionary-encoded texts, for the top of a spec (every layer and view reads them). */
function dictionaryLookups(prep: Prepared): Record<string, unknown>[] {
  return prep.dictionaries.map(({ field, code, values }) => ({
    lookup: code,
    from: { data: { values: values.map((text, k) => ({ [code]: k, [field]: text })) }, key: code, fields: [field] },
  }));
}

/**
 * The tooltip's time text (`2024-06-01 10:00:00.000`, UTC), computed by Vega from `t` in the layers that show
 * tooltips, so that the inline data carries each time once.
 */
const TS_FIELD = { calculate: "utcFormat(datum.t, '%Y-%m-%d %H:%M:%S.%L')", as: "ts" } as const;

/**
 * {@link TS_FIELD} in the chart's zone: `t` is then the wall-clock time, and the offset follows it (`+02:00`),
 * the rows' own (`o`) when the range holds a daylight-saving change, where one wall-clock time can name two instants.
 */
function tsField(prep: Prepared): { calculate: string; as: string } {
  if (zoneOf(prep).utc) return TS_FIELD;
  return { calculate: `${TS_FIELD.calculate} + ' ' + ${prep.tipOffset === undefined ? "datum.o" : `'${prep.tipOffset}'`}`, as: "ts" };
}

/** The zone a chart is drawn in. */
function zoneOf(prep: Prepared): ChartZone {
  return prep.zone ?? UTC_ZONE;
}

/** The time axis' title: none in UTC (as ever), else the zone, so that a screenshot says which clock it shows. */
function zoneAxisTitle(prep: Prepared): string | null {
  return zoneOf(prep).utc ? null : vegaExprText(`Time in ${zoneOf(prep).name}`);
}

function tooltip(options: TimelineCommonOptions, prep: Prepared, extra: { field: string; title: string }[] = []): Record<string, unknown>[] {
  return [
    { field: "ts", type: "nominal", title: vegaExprText(`${options.timeColumn ?? "TimeGenerated"} (${zoneOf(prep).name})`) },
    ...(options.groupBy ? [{ field: prep.otherValues ? "gv" : "g", type: "nominal", title: vegaExprText(options.groupBy) }] : []),
    ...extra.map((e) => ({ field: e.field, type: "quantitative", title: vegaExprText(e.title) })),
    ...prep.sourceTitles.map((title, k) => ({ field: `s${k}`, type: "nominal", title: vegaExprText(title) })),
  ];
}

function colorEncoding(options: TimelineCommonOptions, prep: Prepared): Record<string, unknown> {
  return options.groupBy
    ? { field: "g", type: "nominal", title: vegaExprText(options.groupBy), scale: { scheme: PALETTE, domain: prep.lanes.map((l) => l.name) }, legend: { orient: "right" } }
    : { value: options.color ?? "navy" };
}

function refLayers(options: TimelineCommonOptions, prep: Prepared, xScale: Record<string, unknown>): Record<string, unknown>[] {
  if (options.refEvent === undefined) return [];
  const { time: instant, label: given } = refTime(options.refEvent);
  // Drawn at its wall-clock time in the chart's zone, as the events are.
  const time = instant + zoneOf(prep).offsetAt(instant);
  // Drawn as a text mark: revealed and cut as a lane label is (the label may quote an alert's data).
  const label = shownText(given, LANE_LABEL_LENGTH);
  return [
    {
      data: { values: [{ t: time, label }] },
      mark: { type: "rule", color: "#d62728", strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: { field: "t", type: "temporal", scale: xScale } },
    },
    {
      data: { values: [{ t: time, label }] },
      mark: { type: "text", color: "#d62728", align: "left", dx: 4, baseline: "top", y: 2 },
      encoding: { x: { field: "t", type: "temporal", scale: xScale }, text: { field: "label" } },
    },
  ];
}

/**
 * The text form. Titles, column names and example values are revealed here, each on its own (the chart's
 * text is not revealed whole: it keeps the right-to-left isolates around lane names); the title kept a raw
 * U+202E, and a line break in it began a line of its own.
 */
function summary(kind: string, title: string, prep: Prepared, options: TimelineCommonOptions & { y?: string }): string {
  const range = !prep.rows.length ? "" : zoneOf(prep).utc ? `, ${isoUtc(prep.min)} → ${isoUtc(prep.max)} UTC` : `, ${zonedText(prep.min, zoneOf(prep))} → ${zonedText(prep.max, zoneOf(prep))} (${zoneOf(prep).name})`;
  const name = (column: string) => shownText(column, LANE_LABEL_LENGTH);
  const lanes = options.groupBy ? ` in ${prep.lanes.length} lane(s) by ${name(options.groupBy)}: ${prep.lanes.map((l) => `${isolateRtl(l.name)} (${l.count})`).join(", ")}${capNote(prep) ? ` (${capNote(prep)})` : ""}` : "";
  const unreadable = prep.unparsedTimes ? ` (${prep.unparsedTimes} of them text that is no time, e.g. ${(prep.unparsedExamples ?? []).slice(0, 3).map((e) => isolateRtl(quotedText(e, LANE_LABEL_LENGTH))).join(", ")})` : "";
  const missing = prep.missingTimes ? `; ${prep.missingTimes} row(s) without a time not shown${unreadable}` : "";
  const noValue = prep.missingValues ? `; ${prep.missingValues} row(s) whose ${options.y === undefined ? "value" : name(options.y)} is null, NaN or infinite not drawn` : "";
  const monthFirst = prep.monthFirst ? `; ${name(prep.monthFirst)} holds slash dates that read either way (day and month all 12 or less): read month first, 05/06/2026 as 6 May (read the file with { dayFirst: true } if they are day first)` : "";
  return `${title === kind ? kind : `${kind}: ${revealHidden(title)}`} — ${prep.rows.length} event(s)${lanes}${range}${missing}${noValue}${monthFirst}`;
}

/** Says that lanes were capped: the values with most events drawn, the rest in one lane. */
function capNote(prep: Prepared): string {
  if (!prep.otherValues) return "";
  const drawn = prep.lanes.length - 1;
  return `${drawn} of ${drawn + prep.otherValues} values with the most events drawn, ${prep.otherValues} more in "other"`;
}

/** The chart title, with the lane cap as its subtitle when lanes were capped. */
function chartTitle(title: string, prep: Prepared): string | { text: string; subtitle: string } {
  return prep.otherValues ? { text: title, subtitle: capNote(prep) } : title;
}

function renderer(rows: number, options: TimelineCommonOptions): "canvas" | "svg" {
  return rows > (options.canvasThreshold ?? DEFAULT_CANVAS_THRESHOLD) ? "canvas" : "svg";
}

/** The Vega-Lite spec of an event timeline from prepared lanes (exported for tests; a chart's own spec is `(await timeline(df)).spec`). */
export function timelineSpec(prep: Prepared, options: TimelineOptions, forPng = false): VegaLiteSpec {
  const width = options.width ?? DEFAULT_WIDTH;
  const laneCount = prep.lanes.length;
  // 40 px a lane, within the pixels a view may have (thousands of lanes made a 64,000 px image).
  const height = options.height ?? Math.min(MAX_VIEW_PIXELS, Math.max(150, 40 * laneCount));
  const title = options.title ?? "Timeline";
  const span = prep.rows.length ? prep.max - prep.min : 0;
  // The static image has no brush to drive: no strip there.
  const overview = !forPng && (options.overview === true || ((options.overview ?? "auto") === "auto" && span > HOUR));
  // Lane order as the scale's domain, not a sort list: Vega-Lite compiles a sort list into one nested
  // expression per lane, which Vega's parser recursed through until the stack ran out (~1,600 lanes).
  // Axis and legend titles are pasted into Vega's ARIA description expressions too: a line break in a column name ended it.
  const y = options.groupBy ? { field: "g", type: "nominal", title: vegaExprText(options.groupBy), scale: { domain: prep.lanes.map((l) => l.name) } } : undefined;
  const color = colorEncoding(options, prep);
  const dense = forPng && prep.rows.length > PNG_POINT_LIMIT;
  // The brush (and a short timeline's wheel zoom and drag) is Vega's, mouse only; two sliders (keyboard: arrows,
  // Home/End) set the range shown while nothing is brushed (or zoomed with the mouse).
  const keys = forPng || !prep.rows.length ? undefined : keyboardRange(prep.drawMin ?? prep.min, (prep.drawMax ?? prep.max) - (prep.drawMin ?? prep.min), overview ? "brush" : "zoom");
  const detailScale: Record<string, unknown> = keys ? { type: "utc", domainRaw: keys.domainRaw } : { type: "utc" };
  const points: Record<string, unknown> = dense
    ? {
        // Static image of a very large timeline: event density per pixel column.
        mark: { type: "rect", opacity: 0.8 },
        encoding: {
          x: { field: "t", type: "temporal", bin: { maxbins: Math.min(600, width) }, scale: { type: "utc" }, title: zoneAxisTitle(prep) },
          ...(y ? { y: { ...y } } : {}),
          color,
          opacity: { aggregate: "count", type: "quantitative", legend: null, scale: { range: [0.35, 1] } },
        },
      }
    : {
        mark: { type: "point", shape: "diamond", filled: true, size: 70, opacity: 0.6 },
        transform: [tsField(prep)],
        ...(overview || forPng ? {} : { params: [{ name: "zoom", select: { type: "interval", encodings: ["x"] }, bind: "scales" }] }),
        encoding: {
          x: { field: "t", type: "temporal", scale: detailScale, title: zoneAxisTitle(prep), axis: { format: "%Y-%m-%d %H:%M", labelOverlap: true } },
          ...(y ? { y } : {}),
          color,
          tooltip: tooltip(options, prep),
        },
      };
  const detail: Record<string, unknown> = { width, height, layer: [points, ...refLayers(options, prep, detailScale)] };
  const lookups = dictionaryLookups(prep);
  const base = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", title: chartTitle(title, prep), data: { values: prep.rows }, ...(lookups.length ? { transform: lookups } : {}), config: { view: { stroke: "#ddd" } } };
  if (!overview) return { ...base, ...(keys ? { params: keys.params } : {}), ...detail } as unknown as VegaLiteSpec;
  const strip = {
    width,
    height: 40,
    params: [{ name: "brush", select: { type: "interval", encodings: ["x"] } }],
    mark: { type: "tick", thickness: 1, opacity: 0.7 },
    encoding: {
      x: { field: "t", type: "temporal", scale: { type: "utc" }, title: "Drag to select a time range; drag the selection to pan, scroll over it to resize", axis: { format: "%Y-%m-%d", labelOverlap: true } },
      ...(y ? { y: { ...y, axis: null } } : {}),
      color,
    },
  };
  return { ...base, ...(keys ? { params: keys.params } : {}), vconcat: [detail, strip], spacing: 8 } as unknown as VegaLiteSpec;
}

/**
 * The keyboard's way to zoom and pan a timeline: two range inputs under the chart (Vega's bindings, named by their
 * labels), the start and end of the range shown, in percent of the whole time range. The mouse's selection wins while
 * it holds a range: the overview strip's brush (a click on the strip clears it), or a chart's own wheel zoom and drag
 * (`zoom`, bound to the scales: a double-click clears it); the sliders' range then shows again. The mouse zooms from
 * the range the sliders show.
 */
function keyboardRangeParams(selection: "brush" | "zoom"): Record<string, unknown>[] {
  const when = selection === "brush" ? "when nothing is brushed" : "when not zoomed with the mouse";
  return [
    { name: "shownFrom", value: 0, bind: { input: "range", min: 0, max: 99, step: 1, name: `Shown from (% of the time range, ${when}) ` } },
    { name: "shownTo", value: 100, bind: { input: "range", min: 1, max: 100, step: 1, name: `Shown to (% of the time range, ${when}) ` } },
  ];
}

/** Room on either side of the whole range, as a share of it: the first and last events are not drawn on the plot's edges. */
const RANGE_PAD = 0.02;
/** The room on either side when every event has the same time (a share of nothing is nothing): a minute. */
const POINT_PAD = 60_000;

/**
 * The sliders' params and the x domain they drive: the mouse selection's range (`brush.t`, `zoom.t`), else the
 * sliders' (at least 1% wide) of the padded range.
 */
function keyboardRange(min: number, span: number, selection: "brush" | "zoom"): { params: Record<string, unknown>[]; domainRaw: { expr: string } } {
  const pad = span > 0 ? span * RANGE_PAD : POINT_PAD;
  const at = (percent: string): string => `${min - pad} + ${span + 2 * pad} * ${percent} / 100`;
  const expr = `isArray(${selection}.t) ? ${selection}.t : [${at("min(shownFrom, shownTo - 1)")}, ${at("max(shownTo, shownFrom + 1)")}]`;
  return { params: keyboardRangeParams(selection), domainRaw: { expr } };
}

/**
 * An event timeline chart (Vega-Lite + PNG + text); display it with
 * `display(chart)`. See {@link TimelineOptions}.
 */
export async function timeline(df: pl.DataFrame, options: TimelineOptions = {}): Promise<TimelineChart> {
  if (!isDataFrame(df)) throw new TimelineError(msg.timelineNotADataFrame("timeline", notAFrameText(df)));
  checkTypes("timeline", options, TIMELINE_TYPES);
  const prep = prepare("timeline", df, options);
  const title = options.title ?? "Timeline";
  const spec = timelineSpec(prep, options);
  const chart = await vegaLiteChart(spec, { renderer: renderer(prep.rows.length, options), noPng: true, text: summary("Timeline", title, prep, options) });
  const png = await staticPng(timelineSpec(prep, options, true), options.pngScale);
  return new TimelineChart(new VegaLiteChart(chart.spec, png, chart.text, chart.warnings), prep.lanes, prep.rows.length, prep.missingTimes);
}

async function staticPng(spec: VegaLiteSpec, scale = 1): Promise<Buffer> {
  return (await vegaLiteChart(spec, { pngScale: scale })).png;
}

/** Shows an event timeline at once (see {@link timeline}). */
export async function displayTimeline(df: pl.DataFrame, options: TimelineOptions = {}): Promise<void> {
  display(await timeline(df, options));
  // Deno publishes outputs asynchronously: let this one leave before the cell ends.
  await flushDisplays();
}

/** The Vega-Lite spec of a values timeline. */
export function timelineValuesSpec(prep: Prepared, options: TimelineValuesOptions): VegaLiteSpec {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? 300;
  const kinds = Array.isArray(options.kind) ? options.kind : [options.kind ?? "line"];
  if (kinds.length === 0 || kinds.some((k) => !["line", "bar", "point"].includes(k))) throw new TimelineError(msg.timelineKind(options.kind));
  const color = colorEncoding(options, prep);
  // Zoom and pan by keyboard too: the sliders under the chart (see keyboardRange); the wheel and drag win while they hold a range.
  const keys = prep.rows.length ? keyboardRange(prep.drawMin ?? prep.min, (prep.drawMax ?? prep.max) - (prep.drawMin ?? prep.min), "zoom") : undefined;
  const x = { field: "t", type: "temporal", scale: keys ? { type: "utc", domainRaw: keys.domainRaw } : { type: "utc" }, title: zoneAxisTitle(prep), axis: { format: "%Y-%m-%d %H:%M", labelOverlap: true } };
  const y = { field: "v", type: "quantitative", title: vegaExprText(options.y) };
  const tips = tooltip(options, prep, [{ field: "v", title: options.y }]);
  // One line per group value: the "other" lane's values each draw their own line (one line through them all zigzagged between hosts).
  const layers = kinds.map((kind, k) => ({
    mark: kind === "line" ? { type: "line", strokeWidth: 1.5, point: false } : kind === "bar" ? { type: "bar", width: { band: 0.9 }, opacity: 0.7 } : { type: "point", filled: true, size: 40 },
    transform: [tsField(prep)],
    ...(k === 0 ? { params: [{ name: "zoom", select: { type: "interval", encodings: ["x"] }, bind: "scales" }] } : {}),
    encoding: { x, y, color, ...(options.groupBy && kind === "line" ? { detail: { field: prep.otherValues ? "gv" : "g" } } : {}), tooltip: tips },
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: chartTitle(options.title ?? "Timeline values", prep),
    width,
    height,
    ...(keys ? { params: keys.params } : {}),
    data: { values: prep.rows },
    ...(prep.dictionaries.length ? { transform: dictionaryLookups(prep) } : {}),
    layer: [...layers, ...refLayers(options, prep, { type: "utc" })],
  } as unknown as VegaLiteSpec;
}

/** A numeric column over time (lines, bars or points); see {@link TimelineValuesOptions}. */
export async function timelineValues(df: pl.DataFrame, options: TimelineValuesOptions): Promise<TimelineChart> {
  if (!isDataFrame(df)) throw new TimelineError(msg.timelineNotADataFrame("timelineValues", notAFrameText(df)));
  if (!options || !options.y) throw new TimelineError(msg.timelineValuesNeedY());
  checkTypes("timelineValues", options, VALUES_TYPES);
  checkColumn(df, options.y, "y");
  // A y of 128-bit integers (ids past 2^64 from pl.readJSON; nodejs-polars cannot describe the type) is drawn as floats.
  df = int128AsFloat(df, options.y);
  df = wideIntsAsText(df);
  const dtype = columnOf(df, options.y).dtype.variant;
  if (!/^(U?Int|Float|Decimal)/.test(dtype)) throw new TimelineError(msg.timelineYNotNumeric(options.y, dtype));
  const prep = prepare("timelineValues", df, options, { v: options.y });
  const spec = timelineValuesSpec(prep, options);
  const chart = await vegaLiteChart(spec, { renderer: renderer(prep.rows.length, options), pngScale: options.pngScale, text: summary("Timeline values", options.title ?? "Timeline values", prep, options) });
  return new TimelineChart(chart, prep.lanes, prep.rows.length, prep.missingTimes, prep.missingValues);
}

/** Shows a values timeline at once (see {@link timelineValues}). */
export async function displayTimelineValues(df: pl.DataFrame, options: TimelineValuesOptions): Promise<void> {
  display(await timelineValues(df, options));
  await flushDisplays();
}
