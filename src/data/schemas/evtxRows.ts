/**
 * Where EVTX records go as they are read: {@link EvtxRows} writes each straight into column buffers (codes into each
 * column's distinct texts, numbers in typed arrays), so a batch of records holds no JS object per record, and makes
 * them a frame in record-id order; {@link RecordList} keeps them as {@link EvtxRecord} objects (evtxRecords).
 * Records come as recordOf made them (from an element tree) or as a row plan and its values (evtxPlan.ts): both
 * give the same row.
 */
import pl from "nodejs-polars";
import { codedSeries } from "../../common/codedText";
import { frameOf } from "../../common/frames";
import type { EvtxRecord } from "./evtx";
import { FileTime, fileTimeMicros, type PlanValue } from "./evtxBinXml";
import { COLUMN_INDEX, COLUMNS, planSystem, recipeText, type RowPlan } from "./evtxPlan";
import { withFieldColumns } from "./winEvent";

/** Records as they are read: made by recordOf, or by a plan from their values. */
export interface RowSink {
  add(record: EvtxRecord): void;
  planned(recordId: number, plan: RowPlan, values: readonly PlanValue[]): void;
  /** Records held. */
  readonly size: number;
}

/** `2016-07-08T18:12:51.6816406Z` → microseconds since 1970 (null when it is no such time). */
export function micros(text: string | undefined): number | null {
  const m = text === undefined ? null : /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : ms * 1000 + Math.floor(Number((m[7] ?? "0").padEnd(6, "0").slice(0, 6)));
}

/** Get-WinEvent's integer columns: up to 15 digits (exact as a JS number), else null. */
const integer = (v: string | undefined) => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null);

/** Records kept as objects (plans' rows made into records): {@link EvtxRecord}. */
export class RecordList implements RowSink {
  readonly records: EvtxRecord[] = [];
  private readonly scratch: (string | FileTime | undefined)[] = new Array(COLUMNS.length);

  get size(): number {
    return this.records.length;
  }

  add(record: EvtxRecord): void {
    this.records.push(record);
  }

  planned(recordId: number, plan: RowPlan, values: readonly PlanValue[]): void {
    planSystem(plan, values, this.scratch);
    const system = new Map<string, string>();
    this.scratch.forEach((v, i) => v !== undefined && system.set(COLUMNS[i][0], String(v)));
    const fields = new Map<string, string | null>();
    for (const { name, recipe } of plan.fields) {
      const text = recipeText(recipe, values);
      fields.set(name, text === "" ? null : text);
    }
    this.records.push({ recordId, system, fields });
  }
}

/** A text column growing row by row: codes into its distinct values (0: null). */
class Codes {
  codes: Uint32Array;
  private readonly code = new Map<string, number>();
  readonly distinct: (string | null)[] = [null];

  constructor(rows: number) {
    this.codes = new Uint32Array(Math.max(64, rows));
  }

  set(row: number, value: string): void {
    let code = this.code.get(value);
    if (code === undefined) {
      code = this.distinct.push(value) - 1;
      this.code.set(value, code);
    }
    if (row >= this.codes.length) {
      const grown = new Uint32Array(Math.max(row + 1, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[row] = code;
  }

  /** The column in `order` (rows by their place in the file). */
  series(name: string, order: Uint32Array): pl.Series {
    const out = new Uint32Array(order.length);
    const { codes } = this;
    for (let i = 0; i < order.length; i++) {
      const row = order[i];
      if (row < codes.length) out[i] = codes[row];
    }
    return codedSeries(name, this.distinct, out);
  }
}

/** Numbers growing row by row, NaN for null. */
class Numbers {
  values = new Float64Array(64);

  set(row: number, value: number | null): void {
    if (row >= this.values.length) {
      const grown = new Float64Array(Math.max(row + 1, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[row] = value ?? NaN;
  }

  /** The values in `order`, null for NaN (as polars' Int64 constructor takes them). */
  inOrder(order: Uint32Array): (number | null)[] {
    return Array.from(order, (row) => (Number.isNaN(this.values[row]) ? null : this.values[row]));
  }
}

/**
 * Records written into columns as they are read (no object per record), made a frame in record-id order by
 * {@link frame}: Get-WinEvent's columns ({@link COLUMNS}), then the event fields in the order first met in that order.
 */
export class EvtxRows implements RowSink {
  /** Records' header ids, in the file's order. */
  private ids = new Float64Array(1024);
  /** Each record's field names (an index into {@link shapes}): the fields' column order is the first records'. */
  private shapeOf = new Uint32Array(1024);
  private readonly shapes: (readonly string[])[] = [];
  private readonly shapeIndex = new Map<string, number>();
  private readonly planShape = new Map<RowPlan, number>();
  private readonly system = COLUMNS.map(([, kind]) => (kind === "text" ? new Codes(0) : new Numbers()));
  private readonly fields = new Map<string, Codes>();
  private readonly scratch: (string | FileTime | undefined)[] = new Array(COLUMNS.length);
  private rows = 0;
  private lastShape = -1;

  get size(): number {
    return this.rows;
  }

  /** `recordId`: the record's place in the frame's order (default its own). */
  add(record: EvtxRecord, recordId = record.recordId): void {
    const row = this.next(recordId);
    for (let i = 0; i < COLUMNS.length; i++) this.setSystem(i, row, record.system.get(COLUMNS[i][0]));
    this.shapeOf[row] = this.recordShape(record.fields);
    record.fields.forEach((value, name) => value !== null && this.field(name, row).set(row, value));
  }

  /** The shape of a record's fields: the last record's when they are its names (events come in runs of one kind), else looked up. */
  private recordShape(fields: ReadonlyMap<string, unknown>): number {
    const last = this.shapes[this.lastShape];
    if (last && last.length === fields.size) {
      let same = true;
      let i = 0;
      for (const name of fields.keys()) {
        if (name !== last[i++]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastShape;
    }
    const names = [...fields.keys()];
    return (this.lastShape = this.shape(names.join("\u0000"), names));
  }

  planned(recordId: number, plan: RowPlan, values: readonly PlanValue[]): void {
    const row = this.next(recordId);
    planSystem(plan, values, this.scratch);
    for (let i = 0; i < COLUMNS.length; i++) this.setSystem(i, row, this.scratch[i]);
    let shape = this.planShape.get(plan);
    if (shape === undefined) this.planShape.set(plan, (shape = this.shape(plan.shape, plan.fields.map((f) => f.name))));
    this.shapeOf[row] = shape;
    for (const { name, recipe } of plan.fields) {
      const text = recipeText(recipe, values);
      if (text !== "") this.field(name, row).set(row, text);
    }
  }

  private next(recordId: number): number {
    const row = this.rows++;
    if (row >= this.ids.length) {
      const ids = new Float64Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const shapes = new Uint32Array(this.ids.length);
      shapes.set(this.shapeOf);
      this.shapeOf = shapes;
    }
    this.ids[row] = recordId;
    return row;
  }

  private setSystem(i: number, row: number, value: string | FileTime | undefined): void {
    const kind = COLUMNS[i][1];
    const column = this.system[i];
    if (kind === "time" && value instanceof FileTime) (column as Numbers).set(row, fileTimeMicros(value.ticks));
    else if (kind === "text") {
      if (value !== undefined) (column as Codes).set(row, String(value));
    } else (column as Numbers).set(row, kind === "time" ? micros(value?.toString()) : integer(value?.toString()));
  }

  private shape(key: string, names: readonly string[]): number {
    let shape = this.shapeIndex.get(key);
    if (shape === undefined) {
      shape = this.shapes.push(names) - 1;
      this.shapeIndex.set(key, shape);
    }
    return shape;
  }

  private field(name: string, rows: number): Codes {
    let column = this.fields.get(name);
    if (!column) this.fields.set(name, (column = new Codes(rows + 1)));
    return column;
  }

  /** The rows in record-id order (ties in the file's), and their ids in that order. */
  frame(): { df: pl.DataFrame; ids: Float64Array } {
    const n = this.rows;
    const ids = this.ids.subarray(0, n);
    // Sorted as the records were (a stable sort by header id): the same order.
    const order = Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => ids[a] - ids[b]));
    const base = COLUMNS.map(([name, kind], i) => {
      const column = this.system[i];
      if (kind === "text") return (column as Codes).series(name, order);
      const series = pl.Series(name, (column as Numbers).inOrder(order), pl.Int64);
      return kind === "time" ? series.cast(pl.Datetime("us")) : series;
    });
    const names = new Set<string>();
    const met = new Uint8Array(this.shapes.length);
    for (let i = 0; i < n; i++) {
      const shape = this.shapeOf[order[i]];
      if (!met[shape]) {
        met[shape] = 1;
        for (const name of this.shapes[shape]) names.add(name);
      }
    }
    const columns = [...names].map((name): [string, { series(name: string): pl.Series }] => {
      const codes = this.fields.get(name);
      return [name, { series: (column) => (codes ? codes.series(column, order) : codedSeries(column, [null], new Uint32Array(n))) }];
    });
    const df = withFieldColumns(frameOf(base), columns, base[COLUMN_INDEX.get("TimeCreated")!]);
    return { df, ids: Float64Array.from(order, (row) => ids[row]) };
  }
}
