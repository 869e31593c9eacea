/**
 * Notebook rendering of nodejs-polars DataFrames, modelled on pandas' HTML repr:
 * a bounded table (head and tail rows, first and last columns), dtype-aware cell
 * formatting, and a `N rows × M columns` footer.
 *
 * Only the rows and columns that are shown are read out of polars (head/tail
 * slices of the shown columns), so the cost does not depend on the frame's height.
 *
 * Cell texts, column names and titles are attacker-controlled log data: every one
 * goes through the escaping `html` template, and control / invisible characters (newlines, tabs,
 * ANSI escapes, bidi overrides, zero-width spaces) are shown as visible escapes
 * such as `\n` or `\u202e`, in both the HTML and the text rendition, so they can
 * neither break the layout nor hide in plain sight. (A literal backslash sequence
 * in the data looks the same as an escaped character.)
 */
import pl from "nodejs-polars";
import type { DataFrame, DataType, Series } from "nodejs-polars";
import { columnNames, columnOf, frameOf, nestedValues } from "../common/frames";
import { findUnknownOption } from "../common/errors";
import { parseJsonExact } from "../common/json";
import { html, NO_TEX_CLASSES, revealHidden, trustedHtml, type SafeHtml } from "./html";
import { DisplayError, displayMessages as msg } from "./messages";
import { cutText } from "../common/cutText";
import { isolateRtl } from "../common/hiddenChars";
import { textWidth } from "./textWidth";

/** How a DataFrame is cut down for display. Every option is optional. */
export interface DataFrameDisplayOptions {
  /**
   * Frames with more rows than this are cut to `minRows` rows: the first and the
   * last half, with a `…` row between (pandas `display.max_rows`).
   * `Infinity` shows every row (beware: every row is then read and rendered).
   * @defaultValue 60
   */
  maxRows?: number;
  /**
   * Rows shown when a frame is cut (pandas `display.min_rows`), never more than
   * `maxRows`; with an odd count the head gets the extra row.
   * @defaultValue 10
   */
  minRows?: number;
  /**
   * Frames with more columns show the first and the last half of this many, with
   * a `…` column between (pandas `display.max_columns`). `Infinity` shows all.
   * @defaultValue 20
   */
  maxColumns?: number;
  /**
   * Cell texts and column names longer than this are cut to this many characters,
   * the last being `…`; the full text goes in the cell's `title` attribute, shown
   * on hover (pandas `display.max_colwidth`). At least 1.
   * @defaultValue 50
   */
  maxCellChars?: number;
  /**
   * Upper bound on a `title` attribute, so one multi-megabyte cell (a base64 blob
   * in a command line, say) cannot bloat the notebook. Longer titles are cut with `…`.
   * @defaultValue 10000
   */
  maxTitleChars?: number;
}

/** The defaults of {@link DataFrameDisplayOptions}. */
export const DATAFRAME_DISPLAY_DEFAULTS: Readonly<Required<DataFrameDisplayOptions>> = Object.freeze({
  maxRows: 60,
  minRows: 10,
  maxColumns: 20,
  maxCellChars: 50,
  maxTitleChars: 10_000,
});

/** The MIME bundle of a DataFrame: an HTML table and its plain-text twin. */
export interface DataFrameBundle {
  "text/html": string;
  "text/plain": string;
  [mimeType: string]: unknown;
}

// Kept here too: they were public from display/ first.
export { isDataFrame, isSeries } from "../common/frames";

/** Renders `df` as a pandas-like HTML table (wrapper div, scoped style, no script) with a shape footer. */
export function dataFrameToHtml(df: DataFrame, options?: DataFrameDisplayOptions): string {
  return renderHtml(buildView(df, resolveOptions(options)));
}

/** How {@link dataFrameFragment} writes the table. */
export interface DataFrameFragmentOptions {
  /**
   * Include the tables' stylesheet (640 bytes). Default true. An output with
   * many tables (one per cluster) writes {@link dataFrameStyle} once and its
   * tables without it: 5,000 copies were 3.2 MB of a 13.5 MB cluster browser.
   */
  style?: boolean;
}

/** The HTML table as a fragment for the `html` template (its cells are escaped by the renderer). */
export function dataFrameFragment(df: DataFrame, options?: DataFrameDisplayOptions, fragment: DataFrameFragmentOptions = {}): SafeHtml {
  return trustedHtml(renderHtml(buildView(df, resolveOptions(options)), fragment.style ?? true));
}

/** The stylesheet of the tables (`.huntlab-df`, not scoped: the same for every table), for outputs that write it once. */
export function dataFrameStyle(): SafeHtml {
  return STYLE;
}

/** Renders `df` as an aligned plain-text table with the same cuts and cell texts as the HTML. */
export function dataFrameToText(df: DataFrame, options?: DataFrameDisplayOptions): string {
  return renderText(buildView(df, resolveOptions(options)));
}

/** Both renditions of `df`, reading the frame once. */
export function dataFrameBundle(df: DataFrame, options?: DataFrameDisplayOptions): DataFrameBundle {
  const view = buildView(df, resolveOptions(options));
  return { "text/html": renderHtml(view), "text/plain": renderText(view) };
}

// ---------------------------------------------------------------------------
// Options

/** The option names of {@link DataFrameDisplayOptions} (the defaults name every one). */
export const DATAFRAME_DISPLAY_OPTION_NAMES: readonly string[] = Object.keys(DATAFRAME_DISPLAY_DEFAULTS);

/**
 * Throws a `DisplayError` naming the first option of `options` that is not in
 * `known` (`maxrows`, `max_rows`), with the nearest known name and all of them:
 * an unknown name would otherwise be ignored and the default used, silently.
 * The lookup and the wording are the views' too (src/common/errors.ts).
 */
export function checkOptionNames(fn: string, options: object | undefined, known: readonly string[]): void {
  // Untyped callers (a Deno cell is not type-checked): `display(df, 5)` read `in` of a number, a bare TypeError.
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) throw new DisplayError(msg.optionsNotObject(fn, options));
  const unknown = options ? findUnknownOption(options, known) : undefined;
  if (unknown) throw new DisplayError(msg.optionUnknown(fn, unknown, known));
}

function resolveOptions(options: DataFrameDisplayOptions = {}): Required<DataFrameDisplayOptions> {
  checkOptionNames("DataFrame display", options, DATAFRAME_DISPLAY_OPTION_NAMES);
  const pick = (key: keyof DataFrameDisplayOptions, min: number): number => {
    const value = options[key] ?? DATAFRAME_DISPLAY_DEFAULTS[key];
    if (typeof value !== "number" || Number.isNaN(value) || value < min) {
      throw new DisplayError(msg.optionRange(key, min, value));
    }
    return Math.floor(value);
  };
  return {
    maxRows: pick("maxRows", 0),
    minRows: pick("minRows", 0),
    maxColumns: pick("maxColumns", 0),
    maxCellChars: pick("maxCellChars", 1),
    maxTitleChars: pick("maxTitleChars", 1),
  };
}

// ---------------------------------------------------------------------------
// The view: what is shown, already formatted, shared by both renditions.

interface Cell {
  /** Display text, revealed and cut to `maxCellChars`. */
  text: string;
  /** The full revealed text when `text` was cut. */
  title?: string;
  isNull?: boolean;
}

interface ColumnView {
  name: Cell;
  /** Short polars dtype name, e.g. `i64`, `datetime[ms, UTC]`. */
  dtype: string;
  /** Numbers (and durations) are right-aligned. */
  numeric: boolean;
  cells: Cell[];
}

/** Marks the `…` column that stands for the columns left out. */
const GAP = null;

interface FrameView {
  height: number;
  width: number;
  /** Row numbers (the index column) of the shown rows. */
  rowLabels: number[];
  /** Position in `rowLabels` before which the `…` row goes, or -1 when no row was left out. */
  gapAt: number;
  columns: (ColumnView | typeof GAP)[];
}

function buildView(df: DataFrame, o: Required<DataFrameDisplayOptions>): FrameView {
  const names = columnNames(df);
  const width = names.length;

  // Columns: all, or the first and last halves around a gap.
  let shownColumns: (number | typeof GAP)[];
  if (width > o.maxColumns) {
    const left = Math.ceil(o.maxColumns / 2);
    const right = o.maxColumns - left;
    shownColumns = [...range(0, left), GAP, ...range(width - right, width)];
  } else {
    shownColumns = range(0, width);
  }

  const series = new Map<number, Series>();
  // Through common/frames: a column may be called `toSeries`, `getColumn`, `height`… (the proxy answers those).
  const seriesOf = (i: number): Series => {
    let s = series.get(i);
    if (!s) series.set(i, (s = columnOf(df, names[i])));
    return s;
  };
  // A frame without columns has no rows.
  const height = width > 0 ? seriesOf(0).length : 0;

  // Rows: all, or the head and tail around a gap (pandas' max_rows / min_rows).
  const cut = height > o.maxRows;
  const shown = cut ? Math.min(o.minRows, o.maxRows) : height;
  const headCount = Math.ceil(shown / 2);
  const tailCount = cut ? shown - headCount : 0;
  const rowLabels = cut
    ? [...range(0, headCount), ...range(height - tailCount, height)]
    : range(0, height);

  const columns = shownColumns.map((i) => {
    if (i === GAP) return GAP;
    const full = seriesOf(i);
    // head/tail are zero-copy slices: only the shown rows are ever converted.
    const s = !cut ? full : tailCount > 0 ? full.head(headCount).concat(full.tail(tailCount)) : full.head(headCount);
    const { texts, numeric, dtype } = columnTexts(s);
    return {
      name: toCell(names[i], o),
      dtype: dtype ?? seriesDtypeLabel(s),
      numeric,
      cells: texts.map((t) => (t === null ? { text: "null", isNull: true } : toCell(t, o))),
    };
  });

  return { height, width, rowLabels, gapAt: cut ? headCount : -1, columns };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------
// Cell formatting

const INTEGER_TYPES = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Int128", "UInt128"]);
const STRING_TYPES = new Set(["String", "Utf8", "Categorical", "Enum"]);
const NESTED_TYPES = new Set(["List", "FixedSizeList", "Array", "Struct"]);

/** The texts of a column's cells (`null` for nulls), and a dtype label when the JS dtype's would be wrong. */
interface ColumnTexts {
  texts: (string | null)[];
  numeric: boolean;
  dtype?: string;
}

/** The cells of a column as the table display writes them (`null` for nulls): for labels beside a table. */
export function cellTexts(s: Series): (string | null)[] {
  return columnTexts(s).texts;
}

/** The cells of one (already sliced) column as text. */
function columnTexts(s: Series): ColumnTexts {
  try {
    return textsByDtype(s);
  } catch {
    // An exotic dtype polars cannot hand to JS: polars' own string cast still shows something.
    try {
      return { texts: castStrings(s), numeric: false };
    } catch (err) {
      const message = `<unrenderable: ${err instanceof Error ? err.message : String(err)}>`;
      return { texts: new Array<string>(s.length).fill(message), numeric: false };
    }
  }
}

function textsByDtype(s: Series): ColumnTexts {
  const variant = dtypeVariant(s);
  if (INTEGER_TYPES.has(variant) || variant === "Decimal") {
    // polars' string cast is exact; toArray() turns i64 into lossy JS numbers.
    return { texts: castStrings(s), numeric: true };
  }
  switch (variant) {
    case "Float32":
    case "Float64":
      return { texts: (s.toArray() as (number | null)[]).map((v) => (v === null ? null : formatFloat(v))), numeric: true };
    case "Bool":
      return { texts: (s.toArray() as (boolean | null)[]).map((v) => (v === null ? null : v ? "true" : "false")), numeric: false };
    case "Datetime":
      return { texts: formatDatetimes(castStrings(s)), numeric: false };
    case "Duration": {
      const unit = durationUnit(s);
      return { texts: formatDurations(castStrings(s.cast(pl.Int64)), unit), numeric: true, dtype: `duration[${unit}]` };
    }
    case "Date":
      return { texts: castStrings(s), numeric: false };
    case "Time":
      // polars' text of a Time drops its fraction (`12:34:56` for 12:34:56.789): written from the nanoseconds.
      return { texts: formatTimes(s.cast(pl.Int64).toArray() as unknown as (number | bigint | null)[]), numeric: false };
    case "Null":
      return { texts: new Array<null>(s.length).fill(null), numeric: false };
  }
  if (STRING_TYPES.has(variant)) {
    return { texts: (s.toArray() as unknown[]).map((v) => (v === null || v === undefined ? null : String(v))), numeric: false };
  }
  if (variant === "List") return { texts: listTexts(s), numeric: false };
  // A struct holding a time (its text kept) or a list (cut as a list column is): written field by field.
  if (variant === "Struct" && (holdsTemporal(s) || holdsList(s)) && !tooDeep(s)) return { texts: structTexts(s), numeric: false };
  if (NESTED_TYPES.has(variant)) return { texts: nestedTexts(s), numeric: false };
  return { texts: (s.toArray() as unknown[]).map(anyToText), numeric: false };
}

/**
 * Most elements written of one list cell: a cell's title holds 10,000 characters by default (maxTitleChars), and
 * an element takes two at least. A longer list is cut here, before its values leave polars (a 2,000,000-element
 * cell took 7 s to show, 23 s as times), and ends with a note of how many more it holds.
 */
export const MAX_LIST_ITEMS = 5_000;

/**
 * A list column's cells as JSON-like text, each cut to {@link MAX_LIST_ITEMS} elements (`…, "… 1995000 more"]`):
 * lists of times, and lists of structs or lists holding one, with each element written as its column writes it
 * (a List<Struct<Datetime>> went through JSON: UTC text cut to the ms); other lists as compact JSON.
 */
function listTexts(s: Series): (string | null)[] {
  return nestedLevel(s, () => cutListTexts(s));
}

/**
 * Levels of lists and structs written field by field inside one cell ({@link listTexts}, {@link structTexts});
 * a deeper value is a note. Each level costs polars calls on a type whose text grows with the nesting: a list of
 * structs 200 levels deep took minutes to show.
 */
export const MAX_NESTING = 10;
let nesting = 0;

/**
 * Whether a list or struct type nests more than {@link MAX_NESTING} levels: written as compact JSON in one polars
 * call instead of level by level (each of polars' calls on such a type is slow: ~0.3 s at 100 levels). Told by the
 * depth of parentheses in the type's text (each level opens two or three), field names' quoted text left out.
 */
function tooDeep(s: Series): boolean {
  let text: string;
  try {
    text = String(s.dtype);
  } catch {
    return true;
  }
  let depth = 0;
  let most = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i += 1;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "(") most = Math.max(most, ++depth);
    else if (c === ")") depth -= 1;
  }
  return most > 3 * MAX_NESTING;
}

/** `write()`'s texts one nesting level down; past {@link MAX_NESTING} levels a note for each value that is not null. */
function nestedLevel(s: Series, write: () => (string | null)[]): (string | null)[] {
  if (nesting >= MAX_NESTING) return (s.isNull().toArray() as boolean[]).map((isNull) => (isNull ? null : `"… nested deeper than ${MAX_NESTING} levels"`));
  nesting += 1;
  try {
    return write();
  } finally {
    nesting -= 1;
  }
}

function cutListTexts(s: Series): (string | null)[] {
  const frame = pl.DataFrame([s.rename("v")]);
  const lengths = frame.select(pl.col("v").lst.lengths().alias("n")).getColumn("n").toArray() as (number | null)[];
  const long = lengths.some((n) => n !== null && n > MAX_LIST_ITEMS);
  const shown = long ? frame.select(pl.col("v").lst.head(MAX_LIST_ITEMS)).getColumn("v").rename(s.name) : s;
  const texts = (TEMPORAL_TYPES.has(listInnerVariant(s)) || holdsTemporal(s)) && !tooDeep(s) ? elementListTexts(shown, lengths.map((n) => (n === null ? null : Math.min(n, MAX_LIST_ITEMS)))) : nestedTexts(shown);
  if (!long) return texts;
  return texts.map((t, i) => {
    const more = (lengths[i] ?? 0) - MAX_LIST_ITEMS;
    return t === null || more <= 0 ? t : `${t.slice(0, -1)},"… ${more} more"]`;
  });
}

/** Whether a series' type holds a list (a struct's list field, at any depth). */
function holdsList(s: Series): boolean {
  try {
    return /\bList\(/.test(String(s.dtype));
  } catch {
    return false;
  }
}

/** Whether a series' type holds a time, date, duration or time of day (a struct's field, at any depth). */
function holdsTemporal(s: Series): boolean {
  try {
    return /\b(?:Datetime|Date|Duration|Time)\(/.test(String(s.dtype)) || /DataType\((?:Date|Time)\)/.test(String(s.dtype));
  } catch {
    return false;
  }
}

/**
 * A struct column with each time, date, duration or time-of-day field (in nested structs and lists, lists of
 * structs too) written as a column of its type is (zone, unit and last digit kept): through JSON a Datetime field
 * was a JS Date's UTC text cut to the ms (`2026-10-25T00:30:00.123Z` for `…00.123456789`, Berlin's offset gone)
 * and a duration a bare number, beside exact top-level and list columns. Each field is written as its own column
 * would be (JSON text), and a row's object from them.
 */
function structTexts(s: Series): (string | null)[] {
  return nestedLevel(s, () => structFieldTexts(s));
}

function structFieldTexts(s: Series): (string | null)[] {
  const nulls = s.isNull().toArray() as boolean[];
  const fields = s.struct.toFrame();
  // Past the column proxy: a field may be called `select` or look like a pattern (common/frames).
  const names = columnNames(fields);
  const texts = names.map((name) => fieldJsonTexts(columnOf(fields, name)));
  const keys = names.map((name) => JSON.stringify(name));
  return nulls.map((isNull, i) => (isNull ? null : `{${keys.map((key, k) => `${key}:${texts[k][i] ?? "null"}`).join(",")}}`));
}

/** A struct field's values as JSON texts: a time quoted as its column writes it, a list or struct as its column's (JSON) text, others as {@link nestedTexts} writes them. */
function fieldJsonTexts(field: Series): (string | null)[] {
  const variant = dtypeVariant(field);
  if (TEMPORAL_TYPES.has(variant)) return columnTexts(field).texts.map((t) => (t === null ? null : JSON.stringify(t)));
  if (variant === "List" || (variant === "Struct" && (holdsTemporal(field) || holdsList(field)))) return columnTexts(field).texts;
  return nestedTexts(field);
}

const TEMPORAL_TYPES = new Set(["Datetime", "Date", "Duration", "Time"]);

/** The variant of a List series' elements ("" when JS cannot name it). */
function listInnerVariant(s: Series): string {
  try {
    return ((dtypeInner(s.dtype)[0] as DataType | undefined)?.variant as string | undefined) ?? "";
  } catch {
    return "";
  }
}

/**
 * Lists whose elements are times or durations, or structs or lists (holding times or lists), with each element
 * written as a column of its type is (zone and fraction kept, durations in their unit, inner lists cut): through
 * JSON, durations were raw integers and zoned times UTC text. A struct's or list's element text is JSON already; a time's is quoted.
 */
function elementListTexts(s: Series, lengths: readonly (number | null)[]): (string | null)[] {
  // One explode: an empty or null list is one null row in it, skipped below.
  const flat = pl.DataFrame([s.rename("v")]).select(pl.col("v").explode()).getColumn("v");
  const elements = flat.length ? columnTexts(flat).texts : [];
  const json = NESTED_TYPES.has(listInnerVariant(s));
  let k = 0;
  return lengths.map((n) => {
    if (n === null || n === 0) {
      k += 1;
      return n === null ? null : "[]";
    }
    const items = elements.slice(k, k + n).map((t) => (t === null ? "null" : json ? t : JSON.stringify(t)));
    k += n;
    return `[${items.join(",")}]`;
  });
}

/**
 * polars' header of a series, `Series: 'name' [i128]`, gives its dtype as polars
 * prints it; the only name there is for a dtype nodejs-polars cannot hand to JS
 * (Int128, from JSON integers beyond Int64, or a struct or list holding one).
 */
function headerDtype(s: Series): string {
  const header = String(s.head(0)).split("\n")[1] ?? "";
  return /\[(.*)\]$/.exec(header)?.[1] ?? "?";
}

/** The dtype's variant; for a dtype JS cannot name, read from polars' header (`Int128`, `Struct`, `List`…). */
function dtypeVariant(s: Series): string {
  try {
    return s.dtype.variant as string;
  } catch {
    const printed = headerDtype(s);
    const wide = /^([iu])128$/.exec(printed);
    if (wide) return wide[1] === "u" ? "UInt128" : "Int128";
    return printed.startsWith("struct") ? "Struct" : printed.startsWith("list") ? "List" : printed.startsWith("array") ? "Array" : printed;
  }
}

function seriesDtypeLabel(s: Series): string {
  try {
    return dtypeLabel(s.dtype);
  } catch {
    return headerDtype(s);
  }
}

/** Lists and structs as compact JSON, from their exact JS values (see nestedValues); floats as their column writes them. */
function nestedTexts(s: Series): (string | null)[] {
  const dtype = floatHoldingDtype(s);
  return nestedValues(s, "bigint").map((v) => (v === null ? null : compactJson(dtype ? markFloats(v, dtype) : v)));
}

/** A float inside a list or struct, written as a float column's cell is (see {@link markFloats}). */
class FloatText {
  constructor(readonly text: string) {}
}

/** The dtype of a list or struct series that holds floats (at any depth); undefined for others or one JS cannot name. */
function floatHoldingDtype(s: Series): DataType | undefined {
  try {
    return /\bFloat(?:32|64)\b/.test(String(s.dtype)) ? s.dtype : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `value` with each number that its dtype says is a float as a {@link FloatText} of {@link formatFloat}: JSON wrote a
 * Float64 field of 1.0 as `1`, beside a Float64 column's `1.0`, and every digit of 0.123456789 beside `0.123457`
 * (polars writes floats alike at any depth).
 */
function markFloats(value: unknown, dtype: DataType | undefined): unknown {
  if (value === null || value === undefined || dtype === undefined) return value;
  const variant = dtype.variant as string;
  const inner = dtypeInner(dtype);
  if (variant === "Float64" || variant === "Float32") return typeof value === "number" || typeof value === "bigint" ? new FloatText(formatFloat(Number(value))) : value;
  if ((variant === "List" || variant === "FixedSizeList" || variant === "Array") && Array.isArray(value)) return value.map((v) => markFloats(v, inner[0] as DataType | undefined));
  if (variant === "Struct" && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const fields = new Map((inner as { name: string; dtype: DataType }[]).map((f) => [f.name, f.dtype]));
    const out: Record<string, unknown> = {};
    // defineProperty: a field named `__proto__` stays a field.
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: markFloats(v, fields.get(k)), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function castStrings(s: Series): (string | null)[] {
  return s.cast(pl.String).toArray() as (string | null)[];
}

/**
 * Up to 6 significant digits (`%.6g`, as pandas shows floats), trailing zeros
 * dropped, exponents with two digits (`1.23457e+06`); integral values below 1e15
 * in full with `.0` (`1234567.0`: counts that became floats stay readable);
 * `NaN`, `inf`, `-inf` as pandas writes them.
 */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.0`;
  const trim = (digits: string) => (digits.includes(".") ? digits.replace(/0+$/, "").replace(/\.$/, "") : digits);
  // %g: scientific when the exponent (after rounding to 6 digits) is < -4 or >= 6.
  const [mantissa, exp] = value.toExponential(5).split("e");
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) {
    return `${trim(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trim(value.toFixed(5 - exponent));
}

// polars casts datetimes to `YYYY-MM-DD HH:MM:SS.fffffffff[+HH:MM]`, with as many
// fraction digits as the time unit has and the offset when the dtype has a zone.
const DATETIME_TEXT = /^([+-]?\d+-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/;

/**
 * `YYYY-MM-DD HH:MM:SS`, plus a fraction when some shown value of the column has
 * one: `.fff`, or `.ffffff` / `.fffffffff` when micro/nanoseconds are non-zero
 * (per column, as pandas does, so the column stays aligned); zone offset kept.
 */
function formatDatetimes(values: (string | null)[]): (string | null)[] {
  const parts = values.map((v) => (v === null ? null : DATETIME_TEXT.exec(v)));
  const digits = Math.max(0, ...parts.map((m) => fractionDigits(m?.[2] ?? "")));
  return values.map((v, i) => {
    const m = parts[i];
    if (v === null || !m) return v;
    return m[1] + fraction(m[2] ?? "", digits) + m[3];
  });
}

/** Times of day from nanoseconds since midnight: `HH:MM:SS`, plus the fraction digits the column needs (as datetimes). */
function formatTimes(nanos: readonly (number | bigint | null)[]): (string | null)[] {
  const parts = nanos.map((v) => {
    if (v === null) return null;
    const ns = Number(v);
    const seconds = Math.floor(ns / 1e9);
    const two = (n: number) => String(n).padStart(2, "0");
    return { hms: `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`, frac: String(ns - seconds * 1e9).padStart(9, "0") };
  });
  const digits = Math.max(0, ...parts.map((p) => (p ? fractionDigits(p.frac) : 0)));
  return parts.map((p) => (p ? p.hms + fraction(p.frac, digits) : null));
}

/** 0, 3, 6 or 9: the digits needed to show a fraction without losing non-zero digits. */
function fractionDigits(frac: string): number {
  return Math.ceil(frac.replace(/0+$/, "").length / 3) * 3;
}

function fraction(frac: string, digits: number): string {
  return digits === 0 ? "" : "." + frac.padEnd(digits, "0").slice(0, digits);
}

const UNITS_PER_SECOND: Record<string, bigint> = { ns: 1_000_000_000n, us: 1_000_000n, ms: 1_000n };

/**
 * nodejs-polars' JS dtype drops a Duration's time unit (it always reads `ms`), so
 * take it from polars' own header, `Series: 'name' [duration[μs]]` (≈1 ms a call).
 */
function durationUnit(s: Series): string {
  const header = String(s.head(0)).split("\n")[1] ?? "";
  const unit = /\[duration\[(ns|μs|us|ms)\]\]$/.exec(header)?.[1];
  return unit === "μs" ? "us" : unit ?? "ms";
}

/**
 * Durations as `[-][Nd ]HH:MM:SS[.fff]` (like pandas' `1 days 01:02:03`, shorter),
 * with a per-column fraction as for datetimes. Exact: computed on BigInt.
 */
function formatDurations(values: (string | null)[], unit: string): (string | null)[] {
  const perSecond = UNITS_PER_SECOND[unit];
  const unitDigits = perSecond.toString().length - 1;
  const parts = values.map((v) => {
    if (v === null) return null;
    let n = BigInt(v);
    const negative = n < 0n;
    if (negative) n = -n;
    const frac = (n % perSecond).toString().padStart(unitDigits, "0");
    let seconds = n / perSecond;
    const days = seconds / 86_400n;
    seconds %= 86_400n;
    const hms = [seconds / 3600n, (seconds % 3600n) / 60n, seconds % 60n].map((x) => x.toString().padStart(2, "0")).join(":");
    return { head: `${negative ? "-" : ""}${days > 0n ? `${days}d ` : ""}${hms}`, frac };
  });
  const digits = Math.max(0, ...parts.map((p) => (p ? fractionDigits(p.frac) : 0)));
  return parts.map((p) => (p ? p.head + fraction(p.frac, digits) : null));
}

/**
 * Lists and structs as compact JSON; big integers that a JS number cannot hold exactly become strings;
 * NaN, ±inf and -0.0 as pandas and polars write them (JSON.stringify made them null and 0).
 */
function compactJson(value: unknown): string {
  try {
    return nestedJson(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** JSON.stringify's text, but for the numbers JSON has no token for (see {@link compactJson}); undefined where JSON drops a value. */
function nestedJson(value: unknown): string | undefined {
  if (value instanceof FloatText) return value.text;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return Object.is(value, -0) ? "-0.0" : JSON.stringify(value);
  }
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? String(Number(value)) : JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map((v) => nestedJson(v) ?? "null").join(",")}]`;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const parts = Object.entries(value).flatMap(([k, v]) => {
      const text = nestedJson(v);
      return text === undefined ? [] : [`${JSON.stringify(k)}:${text}`];
    });
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value);
}

function anyToText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return formatFloat(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return "0x" + Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
  if (typeof value === "object") return compactJson(value);
  return String(value);
}

/** Cuts to `max` characters ending in `…`, never splitting a surrogate pair. */
function toCell(raw: string, o: Required<DataFrameDisplayOptions>): Cell {
  // Cut before revealing: a 100 MB cell is not scanned whole. Revealing only
  // lengthens text, so the revealed prefix decides both cuts exactly as the whole would.
  const keep = Math.max(o.maxCellChars, o.maxTitleChars) + 1;
  const full = revealHidden(raw.length > keep ? raw.slice(0, keep) : raw);
  const text = cutText(full, o.maxCellChars);
  return text === full ? { text } : { text, title: cutText(full, o.maxTitleChars) };
}

// ---------------------------------------------------------------------------
// Dtype names, as polars prints them (`i64`, `str`, `datetime[ms, UTC]`, …)

const SHORT_DTYPES: Record<string, string> = {
  Int8: "i8", Int16: "i16", Int32: "i32", Int64: "i64",
  UInt8: "u8", UInt16: "u16", UInt32: "u32", UInt64: "u64",
  Float32: "f32", Float64: "f64", Bool: "bool", String: "str", Utf8: "str",
  Date: "date", Time: "time", Null: "null", Categorical: "cat", Enum: "enum",
  Object: "object", Binary: "binary",
};

function dtypeInner(dtype: DataType): unknown[] {
  // `inner` holds a parametrised dtype's parameters; it is protected in the typings only.
  const inner: unknown = (dtype as unknown as { inner?: unknown }).inner;
  return Array.isArray(inner) ? inner : [];
}

function dtypeLabel(dtype: DataType): string {
  const variant = dtype.variant as string;
  if (variant in SHORT_DTYPES) return SHORT_DTYPES[variant];
  const inner = dtypeInner(dtype);
  switch (variant) {
    case "Datetime":
      return `datetime[${inner[0] ?? "?"}${inner[1] ? `, ${inner[1]}` : ""}]`;
    case "Duration":
      return "duration"; // the unit is unreliable in the JS dtype (see durationUnit)
    case "Decimal":
      return `decimal[${inner.map((x) => x ?? "*").join(",")}]`;
    case "List":
      return `list[${inner[0] ? dtypeLabel(inner[0] as DataType) : "?"}]`;
    case "FixedSizeList":
    case "Array":
      return `array[${inner[0] ? dtypeLabel(inner[0] as DataType) : "?"}, ${inner[1] ?? "?"}]`;
    case "Struct":
      return `struct[${inner.length}]`;
  }
  return String(dtype).replace(/^DataType\((.*)\)$/, "$1").toLowerCase();
}

// ---------------------------------------------------------------------------
// Renditions

// No colours of its own: text inherits the front end's (any theme); secondary parts are toned down
// with opacity, never below .7, which keeps them at 4.5:1 on JupyterLab Light and Dark.
const STYLE = trustedHtml(
  "<style>" +
    ".huntlab-df table{border-collapse:collapse;font-size:12px}" +
    ".huntlab-df th,.huntlab-df td{padding:2px 8px;text-align:left;vertical-align:top;white-space:nowrap}" +
    ".huntlab-df thead tr.dtypes th{border-bottom:1px solid rgba(127,127,127,.5)}" +
    ".huntlab-df tbody tr:nth-child(odd){background:rgba(127,127,127,.07)}" +
    ".huntlab-df .num{text-align:right;font-variant-numeric:tabular-nums}" +
    ".huntlab-df .idx{opacity:.7;font-weight:normal}" +
    ".huntlab-df .null{opacity:.7;font-style:italic}" +
    ".huntlab-df th.dtype{font-weight:normal;font-size:.85em;opacity:.7;padding-top:0}" +
    ".huntlab-df .gap{text-align:center}" +
    ".huntlab-df .shape{margin:4px 0;font-size:12px;opacity:.7}" +
    "</style>",
);

function shapeText(view: FrameView): string {
  return `${view.height} rows × ${view.width} columns`;
}

/** ` class="…"` and ` title="…"` when there are any. */
function attrs(classes: string[], title?: string): SafeHtml {
  return html`${classes.length ? html` class="${classes.join(" ")}"` : ""}${title === undefined ? "" : html` title="${title}"`}`;
}

const GAP_CELL = html`<td class="gap">…</td>`;

function renderHtml(view: FrameView, style = true): string {
  // Header: names, then dtypes in a second, smaller row (as polars prints them).
  const names = view.columns.map((col) => (col === GAP ? html`<th class="gap">…</th>` : html`<th${attrs(col.numeric ? ["num"] : [], col.name.title)}>${col.name.text}</th>`));
  const dtypes = view.columns.map((col) => (col === GAP ? html`<th class="dtype gap"></th>` : html`<th${attrs(col.numeric ? ["dtype", "num"] : ["dtype"])}>${col.dtype}</th>`));
  const gapRow = html`<tr class="gap"><th class="idx gap">…</th>${view.columns.map(() => GAP_CELL)}</tr>`;
  const rows: SafeHtml[] = [];
  view.rowLabels.forEach((label, r) => {
    if (r === view.gapAt) rows.push(gapRow);
    const cells = view.columns.map((col) => {
      if (col === GAP) return GAP_CELL;
      const cell = col.cells[r];
      return html`<td${attrs([...(col.numeric ? ["num"] : []), ...(cell.isNull ? ["null"] : [])], cell.title)}>${cell.text}</td>`;
    });
    rows.push(html`<tr><th class="idx">${label}</th>${cells}</tr>`);
  });
  if (view.gapAt === view.rowLabels.length) rows.push(gapRow); // every shown row is in the head
  return html`<div class="huntlab-df ${NO_TEX_CLASSES}">${style ? STYLE : ""}<table><thead><tr><th class="idx"></th>${names}</tr><tr class="dtypes"><th class="idx"></th>${dtypes}</tr></thead><tbody>${rows}</tbody></table><p class="shape">${shapeText(view)}</p></div>`.value;
}

function renderText(view: FrameView): string {
  // Each column as its lines (name, dtype, rows), then padded to a common width.
  const gapLabel = "…";
  const rowLines = (cells: string[]): string[] => {
    const lines = [...cells];
    if (view.gapAt >= 0) lines.splice(view.gapAt, 0, gapLabel);
    return lines;
  };
  const blocks: { lines: string[]; right: boolean }[] = [
    { lines: ["", "", ...rowLines(view.rowLabels.map(String))], right: false },
    ...view.columns.map((col) =>
      col === GAP
        ? { lines: [gapLabel, "", ...rowLines(view.rowLabels.map(() => gapLabel))], right: false }
        : { lines: [col.name.text, col.dtype, ...rowLines(col.cells.map((c) => c.text))], right: col.numeric },
    ),
  ];
  const widths = blocks.map((b) => Math.max(...b.lines.map(textWidth)));
  const lineCount = blocks[0].lines.length;
  const lines: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    const line = blocks
      .map((b, c) => {
        const pad = " ".repeat(widths[c] - textWidth(b.lines[i]));
        return b.right ? pad + isolateRtl(b.lines[i]) : isolateRtl(b.lines[i]) + pad;
      })
      .join("  ");
    lines.push(line.trimEnd());
  }
  lines.push("", shapeText(view));
  return lines.join("\n");
}
