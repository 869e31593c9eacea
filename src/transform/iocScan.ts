/**
 * The engine behind `IoCExtract`: scanning one string, or a whole text column.
 *
 * A column is scanned in three steps:
 * 1. polars screens it: one vectorised `str.contains` per type prefilter (and
 *    one for defanged forms) gives each row a bit mask of the types it may hold;
 * 2. for each type, the rows flagged for it are joined by NUL characters into
 *    one string (in polars) and the type's scanner runs over that string once —
 *    no per-row strings or calls, and scanners never match across a NUL; a hit's
 *    offset tells its row. Defanged rows, and user-added types, are scanned row
 *    by row;
 * 3. the hits are grouped by row (a stable counting sort), de-duplicated per
 *    row with MSTICPy's priority rule and grouped by type.
 */
import pl from "nodejs-polars";
import type { DataFrame, Series } from "nodejs-polars";
import { DEFANG_PREFILTER, refang } from "./defang";
import { findUrls, type IocTypeDefinition, type ScanSink, type UrlSpan } from "./iocPatterns";
import { IocExtractError, transformMessages as msg } from "./messages";

/** Most types one scan handles: the row masks have one bit per type. */
const MAX_TYPES_PER_SCAN = 30;

/** Settings every scanner sees. */
export interface ScanSettings {
  ignoreTlds: boolean;
  urlHostAsDns: boolean;
  /** Refang defanged forms before scanning (false: scan the text as written). */
  defanged: boolean;
}

/** Observables of one string: value → its type and priority, in order of discovery. */
export type Found = Map<string, { type: string; priority: number }>;

/** Records the observables of one string (MSTICPy's rule: one type per string, the lowest priority number). */
class RowSink implements ScanSink {
  readonly found: Found = new Map();
  private spans: UrlSpan[] | undefined;
  constructor(
    readonly text: string,
    readonly ignoreTlds: boolean,
    readonly urlHostAsDns: boolean,
  ) {}
  add(type: string, value: string, priority: number): void {
    const prior = this.found.get(value);
    if (prior && prior.priority <= priority) return; // first found wins a tie
    this.found.set(value, { type, priority }); // an update keeps the first-found position
  }
  urls(): readonly UrlSpan[] {
    this.spans ??= findUrls(this.text);
    return this.spans;
  }
}

/** Scans one string (refanged first, unless `settings.defanged` is false) for the types `defs`. */
export function scanText(text: string, defs: readonly IocTypeDefinition[], settings: ScanSettings): Found {
  if (!text) return new Map();
  const sink = new RowSink(settings.defanged ? refang(text) : text, settings.ignoreTlds, settings.urlHostAsDns);
  for (const def of defs) def.scan(sink);
  return sink.found;
}

/** Hits of a column scan, in parallel arrays. */
interface Hits {
  row: number[];
  col: number[];
  type: string[];
  value: string[];
  priority: number[];
}

/**
 * Collects hits from scanners run over a NUL-joined text of many rows (or over
 * one row's text): each hit's offset is mapped to its row.
 */
class Collector implements ScanSink {
  text = "";
  private starts: number[] = []; // offset of each joined row's first character
  private rows: number[] = []; // the source row of each joined row
  private col = 0;
  private spans: UrlSpan[] | undefined;
  constructor(
    readonly hits: Hits,
    readonly ignoreTlds: boolean,
    readonly urlHostAsDns: boolean,
  ) {}
  /** Scans `text`, which holds the source rows `rows` joined by NULs. */
  begin(text: string, rows: number[], col: number): this {
    this.text = text;
    this.rows = rows;
    this.col = col;
    this.spans = undefined;
    const starts = new Array<number>(rows.length);
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      starts[i] = at;
      const nul = text.indexOf("\0", at);
      at = nul < 0 ? text.length : nul + 1;
    }
    this.starts = starts;
    return this;
  }
  add(type: string, value: string, priority: number, at: number): void {
    // Binary search: the last row starting at or before `at`.
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    const h = this.hits;
    h.row.push(this.rows[lo]);
    h.col.push(this.col);
    h.type.push(type);
    h.value.push(value);
    h.priority.push(priority);
  }
  urls(): readonly UrlSpan[] {
    this.spans ??= findUrls(this.text);
    return this.spans;
  }
}

/** The screen of a column: per row, a bit mask of the types to scan (bit t = defs[t]), and which rows may be defanged. */
interface Screen {
  masks: Int32Array;
  defanged: Uint8Array;
  /** For each type, the index of its prefilter column in `frame` (-1: no prefilter, scan every row). */
  filterOf: number[];
  /** Columns: `t` (the text), `d` (may be defanged), `m0…` (prefilter hits), `mask`. */
  frame: DataFrame;
}

function screen(text: Series, defs: readonly IocTypeDefinition[], defanged: boolean): Screen {
  // One bit per type in a 32-bit mask.
  if (defs.length > MAX_TYPES_PER_SCAN) throw new IocExtractError(msg.tooManyIocTypes(defs.map((d) => d.name), MAX_TYPES_PER_SCAN));
  const patterns: string[] = [];
  const filterOf = defs.map((def) => {
    if (def.prefilter === undefined) return -1;
    let i = patterns.indexOf(def.prefilter);
    if (i < 0) i = patterns.push(def.prefilter) - 1;
    return i;
  });
  const col = pl.col("t");
  // One column per distinct prefilter (the three hash types share one), evaluated in parallel.
  const frame = pl
    .DataFrame([text.rename("t")])
    .select(col, (defanged ? col.str.contains(DEFANG_PREFILTER) : pl.lit(false)).alias("d"), ...patterns.map((p, i) => col.str.contains(p).alias(`m${i}`)));
  let mask = pl.lit(0);
  defs.forEach((_def, t) => {
    const bit = pl.lit(1 << t);
    mask = mask.add(filterOf[t] < 0 ? bit : pl.when(pl.col(`m${filterOf[t]}`)).then(bit).otherwise(pl.lit(0)));
  });
  const withMask = frame.withColumn(mask.cast(pl.Int32).alias("mask"));
  return {
    masks: withMask.getColumn("mask").toTypedArray() as Int32Array,
    defanged: withMask.getColumn("d").cast(pl.UInt8).toTypedArray() as Uint8Array,
    filterOf,
    frame: withMask,
  };
}

/**
 * A text column's values as JavaScript strings. Joining them in polars and
 * splitting once in JavaScript is about twice as fast as `toArray()` for large
 * columns; a column that holds the separator falls back to `toArray()`.
 */
export function textValues(series: Series): string[] {
  if (series.length < 1000) return series.toArray() as unknown as string[];
  if (series.str.contains("\0", true).any()) return series.toArray() as unknown as string[];
  return (series.str.concat("\0").get(0) as string).split("\0");
}

/** The values of `frame.t` at `rows`, as strings. */
function cellsAt(frame: DataFrame, rows: number[]): string[] {
  return textValues(frame.getColumn("t").gather(rows));
}

/**
 * Scans text column `text` (nulls already empty) for `defs`, appending hits for
 * column number `col` to `hits`.
 */
function scanColumn(text: Series, defs: readonly IocTypeDefinition[], settings: ScanSettings, col: number, hits: Hits): void {
  const { masks, defanged, filterOf, frame } = screen(text, defs, settings.defanged);
  const collector = new Collector(hits, settings.ignoreTlds, settings.urlHostAsDns);
  // Joining rows with NULs needs a column without NULs.
  const canJoin = !text.str.contains("\0", true).any();
  // Row lists, one pass over the masks: per prefilter group (the rows its types are scanned in) and per type without one.
  const groups = new Map<number, number[]>(); // prefilter index → non-defanged rows it flags (-1 - t for type t without prefilter)
  const keyOf = defs.map((_d, t) => (filterOf[t] >= 0 ? filterOf[t] : -1 - t));
  const bitsOf = new Map<number, number>();
  keyOf.forEach((key, t) => {
    bitsOf.set(key, (bitsOf.get(key) ?? 0) | (1 << t));
    if (!groups.has(key)) groups.set(key, []);
  });
  const keys = [...bitsOf.keys()];
  const bits = keys.map((k) => bitsOf.get(k) ?? 0);
  const lists = keys.map((k) => groups.get(k) ?? []);
  const flagged: number[] = []; // rows with any type to scan (and not defanged)
  for (let r = 0; r < masks.length; r++) {
    const m = masks[r];
    if (!m || defanged[r]) continue;
    flagged.push(r);
    for (let g = 0; g < keys.length; g++) if (m & bits[g]) lists[g].push(r);
  }
  const joined = new Map<number, string>(); // prefilter index → its rows joined by NULs (-1: all flagged rows)
  const join = (f: number, filter: pl.Expr): string => {
    let text = joined.get(f);
    if (text === undefined) joined.set(f, (text = frame.filter(filter).getColumn("t").str.concat("\0").get(0) as string));
    return text;
  };
  for (let t = 0; t < defs.length; t++) {
    const def = defs[t];
    const rows = groups.get(keyOf[t]) ?? [];
    if (!rows.length) continue;
    const f = filterOf[t];
    if (canJoin && def.bulk && f >= 0) {
      // A type flagged in most rows scans the text of all flagged rows (one transfer
      // shared by dns and paths); its prefilter is a superset of its matches, so the
      // extra rows yield nothing.
      if (rows.length > 0.5 * flagged.length) def.scan(collector.begin(join(-1, pl.col("mask").gt(0).and(pl.col("d").not())), flagged, col));
      else def.scan(collector.begin(join(f, pl.col(`m${f}`).and(pl.col("d").not())), rows, col));
    } else {
      const cells = cellsAt(frame, rows);
      for (let k = 0; k < rows.length; k++) {
        if (cells[k]) def.scan(collector.begin(cells[k], [rows[k]], col));
      }
    }
  }
  // Rows that may hold defanged forms: refanged, every type, one by one (rare).
  const fanged: number[] = [];
  for (let r = 0; r < defanged.length; r++) if (defanged[r]) fanged.push(r);
  if (fanged.length) {
    const cells = cellsAt(frame, fanged);
    for (let k = 0; k < fanged.length; k++) {
      const text = refang(cells[k]);
      for (const def of defs) def.scan(collector.begin(text, [fanged[k]], col));
    }
  }
}

/** Output rows of a column scan: one per (source row, column, type, observable). */
export interface ScanResult {
  rows: number[];
  cols: number[];
  /** Index into `typeNames` (a code per row: cheaper to hand to polars than a string). */
  typeIds: number[];
  typeNames: string[];
  values: string[];
}

/**
 * Scans `columns` (text Series, nulls empty) of a frame with `height` rows.
 * Results are grouped by source row, then column (in the order given), then
 * type (in order of first discovery); each observable once per row and column,
 * under its highest-priority type.
 */
export function scanColumns(columns: Series[], height: number, defs: readonly IocTypeDefinition[], settings: ScanSettings): ScanResult {
  const hits: Hits = { row: [], col: [], type: [], value: [], priority: [] };
  columns.forEach((text, ci) => scanColumn(text, defs, settings, ci, hits));
  // Stable counting sort by row: within a row, hits keep column, scanner and discovery order.
  const n = hits.row.length;
  const first = new Int32Array(height + 1);
  for (let i = 0; i < n; i++) first[hits.row[i] + 1]++;
  for (let r = 0; r < height; r++) first[r + 1] += first[r];
  const order = new Int32Array(n);
  const next = first.slice(0, height);
  for (let i = 0; i < n; i++) order[next[hits.row[i]]++] = i;

  const out: ScanResult = { rows: [], cols: [], typeIds: [], typeNames: [], values: [] };
  const typeId = new Map<string, number>();
  const emit = (row: number, col: number, type: string, value: string) => {
    let id = typeId.get(type);
    if (id === undefined) typeId.set(type, (id = out.typeNames.push(type) - 1));
    out.rows.push(row);
    out.cols.push(col);
    out.typeIds.push(id);
    out.values.push(value);
  };
  const found: Found = new Map();
  const typeOrder: string[] = [];
  for (let k0 = 0; k0 < n; ) {
    // One group: the hits of one (row, column).
    const row = hits.row[order[k0]];
    const col = hits.col[order[k0]];
    let k1 = k0 + 1;
    while (k1 < n && hits.row[order[k1]] === row && hits.col[order[k1]] === col) k1++;
    if (k1 - k0 === 1) {
      const i = order[k0];
      emit(row, col, hits.type[i], hits.value[i]);
    } else {
      for (let k = k0; k < k1; k++) {
        const i = order[k];
        const prior = found.get(hits.value[i]);
        if (prior && prior.priority <= hits.priority[i]) continue;
        found.set(hits.value[i], { type: hits.type[i], priority: hits.priority[i] });
      }
      typeOrder.length = 0;
      for (const hit of found.values()) if (!typeOrder.includes(hit.type)) typeOrder.push(hit.type);
      for (const type of typeOrder) for (const [value, hit] of found) if (hit.type === type) emit(row, col, type, value);
      found.clear();
    }
    k0 = k1;
  }
  return out;
}
