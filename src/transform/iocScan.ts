/**
 * The engine behind `IoCExtract`: scanning one string, or a whole text column.
 *
 * A column is scanned in three steps:
 * 1. polars screens it: one vectorised `str.contains` per type prefilter (and
 *    one for defanged forms) gives each row a bit mask of the types it may hold;
 * 2. each flagged cell is scanned for the types its mask names, row by row
 *    and column by column, through one reused sink: hits arrive in output
 *    order (row, column, type, discovery), in typed arrays, with no sort and
 *    no per-hit objects. (Joining rows into one text per type, as before,
 *    cost more in the join and in mapping offsets back to rows than it saved
 *    in calls.) Defanged rows are refanged and scanned for every type;
 * 3. the hits of each cell are de-duplicated with MSTICPy's priority rule and
 *    grouped by type (a cell with one hit, the common case, is copied as is).
 *
 * Steps 2 and 3 are plain JavaScript over strings and typed arrays
 * (`scanScreened`), so that row chunks can run in worker threads (iocExtract.ts).
 */
import pl from "nodejs-polars";
import type { Series } from "nodejs-polars";
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

/**
 * Collects the hits of many cells, scanned one at a time: the cell being
 * scanned gives each hit its row and column; types are numbered in order of
 * first hit. Hits are four ints each (row, column, type, priority) in one
 * growable Int32Array, plus the values: no per-hit objects.
 */
class CellCollector implements ScanSink {
  text = "";
  private row = 0;
  private col = 0;
  private spans: UrlSpan[] | undefined;
  /** Hit i is ints[4i..4i+3]: row, column, type id, priority. */
  ints = new Int32Array(4096);
  readonly values: string[] = [];
  readonly typeNames: string[] = [];
  private readonly typeIds = new Map<string, number>();
  private lastType = "";
  private lastId = -1;
  constructor(
    readonly ignoreTlds: boolean,
    readonly urlHostAsDns: boolean,
  ) {}
  /** Starts on one cell's text (`row`, `col`: where its hits go). */
  begin(text: string, row: number, col: number): this {
    this.text = text;
    this.row = row;
    this.col = col;
    this.spans = undefined;
    return this;
  }
  add(type: string, value: string, priority: number): void {
    let id = this.lastId;
    if (type !== this.lastType) {
      // Scanners report a few constant names: remember the last one, then look up.
      const known = this.typeIds.get(type);
      if (known === undefined) this.typeIds.set(type, (id = this.typeNames.push(type) - 1));
      else id = known;
      this.lastType = type;
      this.lastId = id;
    }
    const k = this.values.length;
    let ints = this.ints;
    if (4 * k + 4 > ints.length) {
      ints = new Int32Array(ints.length * 2);
      ints.set(this.ints);
      this.ints = ints;
    }
    ints[4 * k] = this.row;
    ints[4 * k + 1] = this.col;
    ints[4 * k + 2] = id;
    ints[4 * k + 3] = priority;
    this.values.push(value);
  }
  urls(): readonly UrlSpan[] {
    this.spans ??= findUrls(this.text);
    return this.spans;
  }
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
 * Scans one cell of column `col`, row `row` (its screen mask `mask`, or every
 * type refanged when `fanged`): hits go to `sink` in type order, then order of discovery.
 */
function scanCell(sink: CellCollector, cell: string, mask: number, fanged: boolean, defs: readonly IocTypeDefinition[], row: number, col: number): void {
  if (fanged) {
    // Rows that may hold defanged forms: refanged, every type (rare).
    sink.begin(refang(cell), row, col);
    for (const def of defs) def.scan(sink);
    return;
  }
  sink.begin(cell, row, col);
  for (let t = 0; t < defs.length; t++) if (mask & (1 << t)) defs[t].scan(sink);
}

/**
 * Receives a column scan's output rows, one per (source row, column, type,
 * observable), in output order: written straight into the result's buffers
 * (workers/tasks.ts), with no per-hit objects or arrays in between.
 */
export type HitWriter = (row: number, col: number, type: string, value: string) => void;

/**
 * Scans `columns` (text Series, nulls empty) of a frame with `height` rows.
 * Results are grouped by source row, then column (in the order given), then
 * type (in order of first discovery); each observable once per row and column,
 * under its highest-priority type.
 */
export function scanColumns(columns: Series[], height: number, defs: readonly IocTypeDefinition[], settings: ScanSettings, out: HitWriter): void {
  scanScreened(
    columns.map((text) => ({ cells: textValues(text), screen: screenColumn(text, defs, settings.defanged) })),
    height,
    defs,
    settings,
    out,
  );
}

/** One column of a chunk: its cells as strings and its screen. */
export interface ScreenedColumn {
  cells: string[];
  screen: Screen;
}

/** {@link scanColumns} after the screen: JavaScript only (a worker thread's part). */
export function scanScreened(columns: readonly ScreenedColumn[], height: number, defs: readonly IocTypeDefinition[], settings: ScanSettings, out: HitWriter): void {
  const sink = new CellCollector(settings.ignoreTlds, settings.urlHostAsDns);
  // Row by row, column by column: hits arrive grouped by (row, column), in output order.
  if (columns.length === 1) {
    const { cells, screen } = columns[0];
    const { masks, defanged } = screen;
    for (let r = 0; r < height; r++) {
      const m = masks[r];
      const fanged = defanged[r] === 1;
      if ((m || fanged) && cells[r]) {
        scanCell(sink, cells[r], m, fanged, defs, r, 0);
        dedupe(sink, out);
      }
    }
  } else {
    for (let r = 0; r < height; r++) {
      for (let ci = 0; ci < columns.length; ci++) {
        const { cells, screen } = columns[ci];
        const m = screen.masks[r];
        const fanged = screen.defanged[r] === 1;
        if ((m || fanged) && cells[r]) {
          scanCell(sink, cells[r], m, fanged, defs, r, ci);
          dedupe(sink, out);
        }
      }
    }
  }
}

/** Most hits of one cell de-duplicated by pairwise comparison (more: a Map). */
const SMALL_GROUP = 16;

/** {@link dedupe}'s working memory, reused: a small group's distinct values (the hit that first found each, its current type and priority); a big group's. */
const groupScratch = {
  firstHit: new Int32Array(SMALL_GROUP),
  entryType: new Int32Array(SMALL_GROUP),
  entryPriority: new Int32Array(SMALL_GROUP),
  found: new Map<string, { type: number; priority: number }>(),
  typeOrder: [] as number[],
};

/**
 * The hits collected so far (one cell's, as scanScreened calls it) with each (row, column)'s duplicates resolved
 * (MSTICPy's priority rule) and its observables grouped by type, to `out`; then forgets them. Cell by cell, so the
 * observables die young: kept for a whole chunk, they survived scavenges, which copied them.
 */
function dedupe(sink: CellCollector, out: HitWriter): void {
  const ints = sink.ints;
  const values = sink.values;
  const typeNames = sink.typeNames;
  const n = values.length;
  const { firstHit, entryType, entryPriority, found, typeOrder } = groupScratch;
  for (let k0 = 0; k0 < n; ) {
    // One group: the hits of one (row, column).
    const row = ints[4 * k0];
    const col = ints[4 * k0 + 1];
    let k1 = k0 + 1;
    while (k1 < n && ints[4 * k1] === row && ints[4 * k1 + 1] === col) k1++;
    if (k1 - k0 === 1) {
      out(row, col, typeNames[ints[4 * k0 + 2]], values[k0]);
    } else if (k1 - k0 <= SMALL_GROUP) {
      // Each value once, at its first hit, under its lowest priority number (first found wins a tie).
      let entries = 0;
      for (let i = k0; i < k1; i++) {
        let e = 0;
        while (e < entries && values[firstHit[e]] !== values[i]) e++;
        const priority = ints[4 * i + 3];
        if (e === entries) {
          firstHit[e] = i;
          entryType[e] = ints[4 * i + 2];
          entryPriority[e] = priority;
          entries++;
        } else if (priority < entryPriority[e]) {
          entryType[e] = ints[4 * i + 2];
          entryPriority[e] = priority;
        }
      }
      // Types in order of their first entry; within a type, entries in order.
      for (let e = 0; e < entries; e++) {
        const type = entryType[e];
        let seen = false;
        for (let f = 0; f < e && !seen; f++) seen = entryType[f] === type;
        if (seen) continue;
        for (let f = e; f < entries; f++) if (entryType[f] === type) out(row, col, typeNames[type], values[firstHit[f]]);
      }
    } else {
      found.clear(); // (a call that threw may have left entries)
      for (let i = k0; i < k1; i++) {
        const priority = ints[4 * i + 3];
        const prior = found.get(values[i]);
        if (prior && prior.priority <= priority) continue; // first found wins a tie
        found.set(values[i], { type: ints[4 * i + 2], priority }); // an update keeps the first-found position
      }
      typeOrder.length = 0;
      for (const hit of found.values()) if (!typeOrder.includes(hit.type)) typeOrder.push(hit.type);
      for (const type of typeOrder) for (const [value, hit] of found) if (hit.type === type) out(row, col, typeNames[type], value);
      found.clear();
    }
    k0 = k1;
  }
  values.length = 0;
}
