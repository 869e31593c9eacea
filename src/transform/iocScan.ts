/**
 * The engine behind `IoCExtract`: scanning one string, or a whole text column.
 *
 * A column is scanned in three steps:
 * 1. polars screens it: one vectorised `str.contains` per type prefilter (and
 *    one for defanged forms) gives each row a bit mask of the types it may hold;
 * 2. for each type, the rows flagged for it are joined by NUL characters into
 *    one string and the type's scanner runs over that string once — no
 *    per-row calls, and scanners never match across a NUL; a hit's offset
 *    tells its row. Defanged rows, and user-added types, are scanned row by row;
 * 3. the hits are grouped by row (a stable counting sort), de-duplicated per
 *    row with MSTICPy's priority rule and grouped by type.
 *
 * Steps 2 and 3 are plain JavaScript over strings and typed arrays
 * (`scanScreened`), so that row chunks can run in worker threads (iocExtract.ts).
 */
import pl from "nodejs-polars";
import type { Series } from "nodejs-polars";
import { DEFANG_PREFILTER, refang } from "./defang";
import { findUrls, type IocTypeDefinition, type ScanSink, type UrlSpan } from "./iocPatterns";
import { IocExtractError, transformMessages as msg } from "./messages";

/** The group key of "every flagged row" (prefilter groups are ≥ 0, types without one < 0). */
const ALL_FLAGGED = Number.MIN_SAFE_INTEGER;

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
export interface Hits {
  row: number[];
  col: number[];
  type: string[];
  value: string[];
  priority: number[];
}

/**
 * Collects hits from scanners run over a NUL-joined text of many rows (or over
 * one row's text): each hit's offset is mapped to its row. Row starts come
 * from the cells' lengths, so a NUL inside a cell cannot shift them (and
 * scanners never match across a NUL either way).
 */
class Collector implements ScanSink {
  text = "";
  private starts: Int32Array = new Int32Array(0); // offset of each joined row's first character
  private rows: ArrayLike<number> = []; // the source row of each joined row
  private col = 0;
  private spans: UrlSpan[] | undefined;
  constructor(
    readonly hits: Hits,
    readonly ignoreTlds: boolean,
    readonly urlHostAsDns: boolean,
  ) {}
  /** Scans a {@link Joined} text. */
  beginJoined(j: Joined, col: number): this {
    return this.begin(j.text, j.rows, j.starts, col);
  }
  /** Scans one cell's text (`row`: its position). */
  beginCell(text: string, row: number, col: number): this {
    return this.begin(text, [row], new Int32Array(1), col);
  }
  private begin(text: string, rows: ArrayLike<number>, starts: Int32Array, col: number): this {
    this.text = text;
    this.rows = rows;
    this.starts = starts;
    this.col = col;
    this.spans = undefined;
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

/** Rows of a chunk joined by NULs, with where each starts. */
interface Joined {
  text: string;
  rows: ArrayLike<number>;
  starts: Int32Array;
}

/** `cells[rows[…]]` joined by NULs; row starts from the cells' lengths (a NUL inside a cell cannot shift them). */
function joinRows(cells: readonly string[], rows: ArrayLike<number>): Joined {
  const starts = new Int32Array(rows.length);
  const parts = new Array<string>(rows.length);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const cell = cells[rows[i]];
    starts[i] = at;
    parts[i] = cell;
    at += cell.length + 1;
  }
  return { text: parts.join("\0"), rows, starts };
}

/** The screen of a column: per row, a bit mask of the types to scan (bit t = defs[t]), and which rows may be defanged. */
export interface Screen {
  masks: Int32Array;
  defanged: Uint8Array;
}

/** For each type, the index of its distinct prefilter (-1: none, scan every row); the prefilters. */
function prefilterIndex(defs: readonly IocTypeDefinition[]): { filterOf: number[]; patterns: string[] } {
  const patterns: string[] = [];
  const filterOf = defs.map((def) => {
    if (def.prefilter === undefined) return -1;
    let i = patterns.indexOf(def.prefilter);
    if (i < 0) i = patterns.push(def.prefilter) - 1;
    return i;
  });
  return { filterOf, patterns };
}

/**
 * Screens a text column (nulls empty) in polars: one vectorised `str.contains`
 * per distinct prefilter (the three hash types share one), combined into a
 * bit mask per row. Series-level calls: about twice as fast here as the same
 * expressions in one `select`.
 */
export function screenColumn(text: Series, defs: readonly IocTypeDefinition[], defanged: boolean): Screen {
  // One bit per type in a 32-bit mask.
  if (defs.length > MAX_TYPES_PER_SCAN) throw new IocExtractError(msg.tooManyIocTypes(defs.map((d) => d.name), MAX_TYPES_PER_SCAN));
  const { filterOf, patterns } = prefilterIndex(defs);
  const n = text.length;
  const hitsOf = patterns.map((p) => text.str.contains(p).cast(pl.UInt8).toTypedArray() as Uint8Array);
  const masks = new Int32Array(n);
  let always = 0;
  defs.forEach((_def, t) => {
    const f = filterOf[t];
    if (f < 0) {
      always |= 1 << t;
      return;
    }
    const bit = 1 << t;
    const h = hitsOf[f];
    for (let r = 0; r < n; r++) if (h[r]) masks[r] |= bit;
  });
  if (always) for (let r = 0; r < n; r++) masks[r] |= always;
  return {
    masks,
    defanged: defanged ? (text.str.contains(DEFANG_PREFILTER).cast(pl.UInt8).toTypedArray() as Uint8Array) : new Uint8Array(n),
  };
}

/**
 * A text column's values as JavaScript strings (nulls as ""): `toArray` is
 * the fastest transfer in this nodejs-polars (faster than joining in polars
 * and splitting in JavaScript).
 */
export function textValues(series: Series): string[] {
  const values = series.toArray() as unknown as (string | null)[];
  if (series.nullCount() > 0) for (let i = 0; i < values.length; i++) values[i] ??= "";
  return values as string[];
}

/**
 * Runs the scanners over screened cells — JavaScript only, so that it can run
 * in a worker thread — appending hits for column number `col` (rows are
 * positions in `cells`).
 */
export function scanCells(cells: readonly string[], screen: Screen, defs: readonly IocTypeDefinition[], settings: ScanSettings, col: number, hits: Hits): void {
  const { masks, defanged } = screen;
  const { filterOf } = prefilterIndex(defs);
  const collector = new Collector(hits, settings.ignoreTlds, settings.urlHostAsDns);
  // Row lists, one pass over the masks: per prefilter group (the rows its types are scanned in) and per type without one.
  const keyOf = defs.map((_d, t) => (filterOf[t] >= 0 ? filterOf[t] : -1 - t));
  const bitsOf = new Map<number, number>();
  keyOf.forEach((key, t) => bitsOf.set(key, (bitsOf.get(key) ?? 0) | (1 << t)));
  const keys = [...bitsOf.keys()];
  const bits = keys.map((k) => bitsOf.get(k) ?? 0);
  const lists = keys.map(() => [] as number[]);
  const flagged: number[] = []; // rows with any type to scan (and not defanged)
  const fanged: number[] = [];
  for (let r = 0; r < masks.length; r++) {
    const m = masks[r];
    if (defanged[r]) {
      if (cells[r]) fanged.push(r);
      continue;
    }
    if (!m) continue;
    flagged.push(r);
    for (let g = 0; g < keys.length; g++) if (m & bits[g]) lists[g].push(r);
  }
  const joined = new Map<number, Joined>(); // group key → its rows' text (ALL_FLAGGED: every flagged row)
  const join = (key: number, rows: number[]) => {
    let j = joined.get(key);
    if (!j) joined.set(key, (j = joinRows(cells, rows)));
    return j;
  };
  for (let t = 0; t < defs.length; t++) {
    const def = defs[t];
    const g = keys.indexOf(keyOf[t]);
    const rows = lists[g];
    if (!rows.length) continue;
    if (def.bulk && filterOf[t] >= 0) {
      // A type flagged in most rows scans the text of all flagged rows (one string
      // shared by dns and paths); its prefilter is a superset of its matches, so the
      // extra rows yield nothing.
      if (rows.length > 0.5 * flagged.length) def.scan(collector.beginJoined(join(ALL_FLAGGED, flagged), col));
      else def.scan(collector.beginJoined(join(keys[g], rows), col));
    } else {
      for (const r of rows) if (cells[r]) def.scan(collector.beginCell(cells[r], r, col));
    }
  }
  // Rows that may hold defanged forms: refanged, every type, one by one (rare).
  for (const r of fanged) {
    const text = refang(cells[r]);
    for (const def of defs) def.scan(collector.beginCell(text, r, col));
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
  return scanScreened(
    columns.map((text) => ({ cells: textValues(text), screen: screenColumn(text, defs, settings.defanged) })),
    height,
    defs,
    settings,
  );
}

/** One column of a chunk: its cells as strings and its screen. */
export interface ScreenedColumn {
  cells: string[];
  screen: Screen;
}

/** {@link scanColumns} after the screen: JavaScript only (a worker thread's part). */
export function scanScreened(columns: readonly ScreenedColumn[], height: number, defs: readonly IocTypeDefinition[], settings: ScanSettings): ScanResult {
  const hits: Hits = { row: [], col: [], type: [], value: [], priority: [] };
  columns.forEach((c, ci) => scanCells(c.cells, c.screen, defs, settings, ci, hits));
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
