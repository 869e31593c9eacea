/**
 * A minimal Arrow IPC *stream* writer for the few column kinds the base64
 * result frame needs: text (LargeUtf8), UInt32 and bytes (LargeList<UInt8>).
 *
 * Why not polars: a frame built in JavaScript costs one crossing per string
 * and ~1 ms per Series object, and `writeIPC` copies the frame once more; a
 * worker writing the IPC bytes itself skips all three, and the caller reads
 * every chunk's batch with one `pl.readIPCStream`. Tested against polars'
 * reader (test/transform/ipcWriter.test.ts). Why not apache-arrow (21.2,
 * measured 2026-12-03): its builders cost 48 ms of CPU per 5,000 decoded rows
 * with their bytes, and loading it 135–240 ms in each worker, against a
 * budget of 286 ms for a whole 1M-row call.
 *
 * Format (https://arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc):
 * each message is `0xFFFFFFFF`, the metadata length, a FlatBuffers `Message`
 * padded to 8 bytes, then the body (buffers, each 8-aligned). The FlatBuffers
 * here are written front to back: vtable, table, then the objects it points to
 * (offsets only point forward), always with every field present, so a record
 * batch's metadata has the same size whatever its values.
 */

/** The column kinds this writer knows. */
export type IpcKind = "text" | "uint32" | "bytes";

/** A column's name and kind: what the schema message says. */
export interface IpcField {
  name: string;
  kind: IpcKind;
}

// ---- FlatBuffers, front to back ----

type Scalar = { t: "u8" | "i16" | "i32" | "i64"; v: number };
type FbNode = FbTable | FbString | FbTables | FbStructs;
interface FbTable {
  k: "table";
  /** Fields by slot; undefined: absent. */
  f: (Scalar | FbNode | undefined)[];
}
interface FbString {
  k: "string";
  v: string;
}
interface FbTables {
  k: "tables";
  v: FbTable[];
}
/** A vector of structs of 8-byte-aligned i64 fields (FieldNode, Buffer). */
interface FbStructs {
  k: "structs";
  /** Each struct's i64 fields. */
  v: number[][];
}

const SIZE = { u8: 1, i16: 2, i32: 4, i64: 8 } as const;

const table = (...f: (Scalar | FbNode | undefined)[]): FbTable => ({ k: "table", f });
const u8 = (v: number): Scalar => ({ t: "u8", v });
const i16 = (v: number): Scalar => ({ t: "i16", v });
const i32 = (v: number): Scalar => ({ t: "i32", v });
const i64 = (v: number): Scalar => ({ t: "i64", v });

class FbWriter {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  align(n: number, extra = 0): void {
    const pad = (n - ((this.pos + extra) % n)) % n;
    this.ensure(pad);
    this.pos += pad; // the buffer is zero-filled
  }

  private scalar(s: Scalar, at: number): void {
    const v = this.view;
    if (s.t === "u8") v.setUint8(at, s.v);
    else if (s.t === "i16") v.setInt16(at, s.v, true);
    else if (s.t === "i32") v.setInt32(at, s.v, true);
    else setI64(v, at, s.v);
  }

  /** Writes `node` here (aligned) and returns its position. */
  write(node: FbNode): number {
    if (node.k === "string") {
      const b = Buffer.from(node.v, "utf8");
      this.align(4);
      const at = this.pos;
      this.ensure(4 + b.length + 1);
      this.view.setUint32(at, b.length, true);
      this.bytes.set(b, at + 4);
      this.pos += 4 + b.length + 1; // NUL-terminated
      return at;
    }
    if (node.k === "structs") {
      this.align(8, 4); // the elements, after the 4-byte length, are 8-aligned
      const at = this.pos;
      const width = node.v[0]?.length ?? 0;
      this.ensure(4 + node.v.length * width * 8);
      this.view.setUint32(at, node.v.length, true);
      let p = at + 4;
      for (const s of node.v) for (const x of s) (setI64(this.view, p, x), (p += 8));
      this.pos = p;
      return at;
    }
    if (node.k === "tables") {
      this.align(4);
      const at = this.pos;
      this.ensure(4 + 4 * node.v.length);
      this.view.setUint32(at, node.v.length, true);
      this.pos += 4 + 4 * node.v.length;
      node.v.forEach((t, j) => this.patch(at + 4 + 4 * j, this.write(t)));
      return at;
    }
    // A table: vtable, then the table (soffset to the vtable, inline fields), then its children.
    const slots = node.f;
    const layout: { slot: number; at: number; size: number }[] = [];
    let inline = 4;
    // Inline fields by size, largest first, so that each is aligned within the 8-aligned table.
    const order = slots.map((_, s) => s).filter((s) => slots[s] !== undefined);
    const sizeOf = (s: number) => {
      const x = slots[s] as Scalar | FbNode;
      return "t" in x ? SIZE[x.t] : 4;
    };
    order.sort((a, b) => sizeOf(b) - sizeOf(a) || a - b);
    // Table start is 8-aligned; after the 4-byte soffset, pad to 8 when there are 8-byte fields.
    if (order.some((s) => sizeOf(s) === 8)) inline = 8;
    for (const s of order) {
      const size = sizeOf(s);
      inline = Math.ceil(inline / size) * size;
      layout.push({ slot: s, at: inline, size });
      inline += size;
    }
    const vtableSize = 4 + 2 * slots.length;
    this.align(2);
    // Place the vtable so that the table after it starts 8-aligned.
    const pad = (8 - ((this.pos + vtableSize) % 8)) % 8;
    this.ensure(pad + vtableSize);
    this.pos += pad;
    const vt = this.pos;
    this.view.setUint16(vt, vtableSize, true);
    this.view.setUint16(vt + 2, inline, true);
    for (const l of layout) this.view.setUint16(vt + 4 + 2 * l.slot, l.at, true);
    this.pos += vtableSize;
    const at = this.pos;
    this.ensure(inline);
    this.view.setInt32(at, at - vt, true);
    this.pos += inline;
    for (const l of layout) {
      const x = slots[l.slot] as Scalar | FbNode;
      if ("t" in x) this.scalar(x, at + l.at);
    }
    for (const l of layout) {
      const x = slots[l.slot] as Scalar | FbNode;
      if (!("t" in x)) this.patch(at + l.at, this.write(x));
    }
    return at;
  }

  /** Points the offset field at `field` to `target` (always forward). */
  patch(field: number, target: number): void {
    this.view.setUint32(field, target - field, true);
  }

  /** The buffer for a root table: its 4-byte root offset, then the table. */
  static root(node: FbTable): Uint8Array {
    const w = new FbWriter();
    w.pos = 4;
    w.patch(0, w.write(node));
    return w.bytes.subarray(0, w.pos);
  }
}

function setI64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 0x1_0000_0000, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}

// ---- Arrow schema and messages ----

/** Arrow's MetadataVersion.V5, and the MessageHeader and Type union tags used here. */
const V5 = 4;
const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;
const TYPE_INT = 2;
const TYPE_LARGE_UTF8 = 20;
const TYPE_LARGE_LIST = 21;

/** Field: name, nullable, type_type, type, dictionary, children. */
function field(name: string, typeTag: number, type: FbTable, children: FbTable[] = []): FbTable {
  return table({ k: "string", v: name }, u8(1), u8(typeTag), type, undefined, { k: "tables", v: children });
}

/** Int: bitWidth, is_signed. */
const intType = (bits: number, signed: boolean) => table(i32(bits), u8(signed ? 1 : 0));

function fieldOf(f: IpcField): FbTable {
  if (f.kind === "text") return field(f.name, TYPE_LARGE_UTF8, table());
  if (f.kind === "uint32") return field(f.name, TYPE_INT, intType(32, false));
  return field(f.name, TYPE_LARGE_LIST, table(), [field("item", TYPE_INT, intType(8, false))]);
}

/** Message: version, header_type, header, bodyLength. */
function message(headerType: number, header: FbTable, bodyLength: number): Uint8Array {
  return FbWriter.root(table(i16(V5), u8(headerType), header, i64(bodyLength)));
}

/** A message's prefix: continuation marker and metadata length (metadata padded so the body is 8-aligned). */
function framed(meta: Uint8Array): { prefix: Uint8Array; metaLength: number } {
  const metaLength = Math.ceil((8 + meta.length) / 8) * 8 - 8;
  const prefix = new Uint8Array(8 + metaLength);
  const v = new DataView(prefix.buffer);
  v.setInt32(0, -1, true);
  v.setInt32(4, metaLength, true);
  prefix.set(meta, 8);
  return { prefix, metaLength };
}

/** The schema message of a stream with these columns. */
export function schemaMessage(fields: readonly IpcField[]): Uint8Array {
  // Schema: endianness (Little), fields.
  return framed(message(HEADER_SCHEMA, table(i16(0), { k: "tables", v: fields.map(fieldOf) }), 0)).prefix;
}

/** The end-of-stream marker. */
export const END_OF_STREAM: Uint8Array = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** Field nodes and buffers per column kind (children included). */
const NODES: Record<IpcKind, number> = { text: 1, uint32: 1, bytes: 2 };
const BUFFERS: Record<IpcKind, number> = { text: 3, uint32: 2, bytes: 4 };

/** RecordBatch: length, nodes, buffers (compression and variadic counts absent). */
function recordBatchMeta(length: number, nodes: number[][], buffers: number[][], bodyLength: number): Uint8Array {
  return message(HEADER_RECORD_BATCH, table(i64(length), { k: "structs", v: nodes }, { k: "structs", v: buffers }), bodyLength);
}

/** A growable byte sink, reused across calls (touching fresh pages is what costs on big outputs). */
export class ByteSink {
  bytes: Buffer;
  view: DataView;
  pos = 0;

  constructor(initial = 1 << 16, private readonly shared = false) {
    this.bytes = this.alloc(initial);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  private alloc(n: number): Buffer {
    return this.shared ? Buffer.from(new SharedArrayBuffer(n)) : Buffer.allocUnsafeSlow(n);
  }

  /** Room for `n` more bytes (views of the sink taken before are no longer valid after a growth). */
  ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const next = this.alloc(Math.max(this.bytes.length * 2, this.pos + n));
    this.bytes.copy(next, 0, 0, this.pos);
    this.release();
    this.bytes = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /**
   * Frees the memory now rather than at the next garbage collection (a big
   * sink would otherwise linger: on archive bombs, tens of MB): detaches it
   * (`ArrayBuffer.prototype.transfer`, where there is one). The sink is empty
   * and unusable afterwards.
   */
  release(): void {
    const buffer = this.bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    if (!this.shared && typeof buffer.transfer === "function") buffer.transfer(0);
  }

  zeros(n: number): void {
    this.ensure(n);
    this.bytes.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  pad8(): void {
    this.zeros((8 - (this.pos % 8)) % 8);
  }

  append(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
}

/** Longest text written by {@link writeShort}'s loop: below it, a call into Buffer's native writer costs more than the copy. */
const SHORT_TEXT = 64;

/** Writes `value` as UTF-8 at `at` (room checked by the caller); returns the bytes written. ASCII byte by byte, anything else by Buffer. */
function writeShort(bytes: Buffer, at: number, value: string): number {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return bytes.write(value, at, "utf8");
    bytes[at + i] = c;
  }
  return n;
}

/** Sets `validity` to rows [0, row) valid and room for row `row`'s bit (clear). */
function validUpTo(validity: ByteSink, row: number): void {
  const full = row >> 3;
  validity.pos = 0;
  validity.ensure(full + 1);
  validity.bytes.fill(0xff, 0, full);
  validity.bytes[full] = (1 << (row & 7)) - 1;
  validity.pos = full + 1;
}

/** One column being built row by row: its buffers, in the order the batch lists them. */
interface ColumnState {
  kind: IpcKind;
  /** text: validity bits, written from the first null on; bytes and uint32: unused. */
  validity: ByteSink;
  /** text and bytes: i64 end offsets (the leading 0 is written by {@link BatchBuilder.finish}); uint32: the values. */
  offsets: ByteSink;
  /** text and bytes: the data. */
  data: ByteSink;
  nulls: number;
}

/**
 * Builds one record batch row by row: each value goes straight into its
 * column's buffers, so the JavaScript objects a row came from die young (the
 * garbage collector copies what survives, and a batch of thousands of rows
 * kept alive as objects cost more to collect than to write). The buffers are
 * kept and reused from batch to batch.
 */
export class BatchBuilder {
  readonly fields: readonly IpcField[];
  private readonly columns: ColumnState[];
  /** Rows finished so far. */
  rows = 0;

  constructor(fields: readonly IpcField[]) {
    this.fields = fields;
    this.columns = fields.map((f) => ({ kind: f.kind, validity: new ByteSink(256), offsets: new ByteSink(1024), data: new ByteSink(f.kind === "uint32" ? 16 : 4096), nulls: 0 }));
  }

  /** Starts a new batch (the buffers are kept). */
  reset(): void {
    this.rows = 0;
    for (const c of this.columns) {
      c.validity.pos = c.offsets.pos = c.data.pos = 0;
      c.nulls = 0;
    }
  }

  /** Sets column `i` of the current row to text (null: a null). */
  text(i: number, value: string | null): void {
    const c = this.columns[i];
    const row = this.rows;
    // Validity bits only from a column's first null (the rows before it valid): a column without nulls needs none.
    if (c.nulls) {
      if ((row & 7) === 0) c.validity.zeros(1);
      if (value !== null) c.validity.bytes[row >> 3] |= 1 << (row & 7);
    } else if (value === null) validUpTo(c.validity, row);
    const data = c.data;
    if (value !== null) {
      // Room for the worst case (3 bytes a UTF-16 unit), counted exactly for long values so a huge one does not reserve 3×.
      data.ensure(value.length > 4096 ? Buffer.byteLength(value, "utf8") : 3 * value.length);
      data.pos += value.length <= SHORT_TEXT ? writeShort(data.bytes, data.pos, value) : data.bytes.write(value, data.pos, "utf8");
    } else c.nulls++;
    c.offsets.ensure(8);
    setI64(c.offsets.view, c.offsets.pos, data.pos);
    c.offsets.pos += 8;
  }

  /** Sets column `i` of the current row to bytes. */
  bytes(i: number, value: Uint8Array): void {
    const c = this.columns[i];
    c.data.append(value);
    c.offsets.ensure(8);
    setI64(c.offsets.view, c.offsets.pos, c.data.pos);
    c.offsets.pos += 8;
  }

  /** Sets column `i` of the current row to an unsigned 32-bit integer. */
  uint32(i: number, value: number): void {
    const c = this.columns[i];
    c.data.ensure(4);
    c.data.view.setUint32(c.data.pos, value, true);
    c.data.pos += 4;
  }

  /** Ends the current row (every column must have been set once). */
  endRow(): void {
    this.rows++;
  }

  /** Appends the batch as one record batch message to `sink`; returns its byte range there. */
  finish(sink: ByteSink): { start: number; end: number } {
    const length = this.rows;
    const nodeCount = this.columns.reduce((s, c) => s + NODES[c.kind], 0);
    const bufferCount = this.columns.reduce((s, c) => s + BUFFERS[c.kind], 0);
    // The metadata's size does not depend on the values: reserve it, write the body, then the metadata.
    const zeros = (n: number) => Array.from({ length: n }, () => [0, 0]);
    const metaSize = framed(recordBatchMeta(length, zeros(nodeCount), zeros(bufferCount), 0)).prefix.length;
    sink.pad8();
    // One growth of the sink to the batch's size (not doublings with copies of a big batch).
    sink.ensure(this.byteLength());
    const start = sink.pos;
    sink.zeros(metaSize);
    const body = sink.pos;
    const nodes: number[][] = [];
    const buffers: number[][] = [];
    const put = (bytes: Uint8Array | undefined, from = 0, to = bytes?.length ?? 0) => {
      const at = sink.pos;
      if (bytes && to > from) sink.append(bytes.subarray(from, to));
      buffers.push([at - body, sink.pos - at]);
      sink.pad8();
    };
    const offsetsBuffer = (c: ColumnState) => {
      const at = sink.pos;
      sink.zeros(8); // the leading 0
      sink.append(c.offsets.bytes.subarray(0, c.offsets.pos));
      buffers.push([at - body, sink.pos - at]);
      sink.pad8();
    };
    for (const c of this.columns) {
      if (c.kind === "uint32") {
        nodes.push([length, 0]);
        put(undefined);
        put(c.data.bytes, 0, c.data.pos);
      } else if (c.kind === "bytes") {
        nodes.push([length, 0], [c.data.pos, 0]);
        put(undefined);
        offsetsBuffer(c);
        put(undefined); // the child's validity
        put(c.data.bytes, 0, c.data.pos);
      } else {
        nodes.push([length, c.nulls]);
        if (c.nulls) put(c.validity.bytes, 0, Math.ceil(length / 8));
        else put(undefined);
        offsetsBuffer(c);
        put(c.data.bytes, 0, c.data.pos);
      }
    }
    sink.pad8();
    const meta = framed(recordBatchMeta(length, nodes, buffers, sink.pos - body)).prefix;
    if (meta.length !== metaSize) throw new Error("internal error: record batch metadata changed size");
    sink.bytes.set(meta, start);
    return { start, end: sink.pos };
  }

  /** The size of the record batch message {@link finish} writes. */
  byteLength(): number {
    const pad = (n: number) => Math.ceil(n / 8) * 8;
    let total = framed(recordBatchMeta(0, this.columns.flatMap((c) => (c.kind === "bytes" ? [[0, 0], [0, 0]] : [[0, 0]])), this.columns.flatMap((c) => Array.from({ length: BUFFERS[c.kind] }, () => [0, 0])), 0)).prefix.length;
    for (const c of this.columns) {
      total += pad(c.data.pos) + (c.kind === "uint32" ? 0 : pad(8 + c.offsets.pos)) + (c.kind === "text" && c.nulls ? pad(Math.ceil(this.rows / 8)) : 0);
    }
    return total;
  }

  /** Frees the buffers now (the builder is unusable afterwards). */
  release(): void {
    for (const c of this.columns) for (const sink of [c.validity, c.offsets, c.data]) sink.release();
  }

  /** Bytes held by the buffers (to let a builder go after a huge batch). */
  get capacity(): number {
    return this.columns.reduce((s, c) => s + c.validity.bytes.length + c.offsets.bytes.length + c.data.bytes.length, 0);
  }
}
