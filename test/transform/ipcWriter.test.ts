/**
 * The Arrow IPC stream writer (src/transform/workers/ipcWriter.ts) against
 * polars' own reader: text (nulls at every bit of the validity bytes, empty
 * strings, multi-byte UTF-8, repeated values), bytes lists (empty ones too),
 * UInt32 up to 2^32 − 1, several batches in one stream, empty batches, a
 * builder reused after a bigger batch, and random values (fast-check).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import pl from "nodejs-polars";
import { BatchBuilder, ByteSink, END_OF_STREAM, schemaMessage, type IpcField } from "../../src/transform/workers/ipcWriter";
import { runs } from "../properties/settings";

const FIELDS: IpcField[] = [
  { name: "t", kind: "text" },
  { name: "b", kind: "bytes" },
  { name: "u", kind: "uint32" },
  { name: "t2", kind: "text" },
];

const DTYPES = ["DataType(String)", "DataType(List(DataType(UInt8)))", "DataType(UInt32)", "DataType(String)"];

interface Row {
  t: string | null;
  b: number[];
  u: number;
  t2: string | null;
}

/** The rows as one stream of batches (one batch per list), read by polars. */
function roundTrip(batches: Row[][], builder = new BatchBuilder(FIELDS), sink = new ByteSink(16)): pl.DataFrame {
  sink.pos = 0;
  sink.append(schemaMessage(FIELDS));
  for (const rows of batches) {
    builder.reset();
    for (const r of rows) {
      builder.text(0, r.t);
      builder.bytes(1, Uint8Array.from(r.b));
      builder.uint32(2, r.u);
      builder.text(3, r.t2);
      builder.endRow();
    }
    builder.finish(sink);
  }
  sink.append(END_OF_STREAM);
  const df = pl.readIPCStream(sink.bytes.subarray(0, sink.pos));
  // polars copies what it reads: the sink can be reused at once.
  sink.bytes.fill(0);
  return df;
}

function rowsOf(df: pl.DataFrame): Row[] {
  return df.toRecords().map((r) => ({ t: r.t as string | null, b: Array.from(r.b as unknown as ArrayLike<number>), u: r.u as number, t2: r.t2 as string | null }));
}

test("ipcWriter: polars reads text, bytes and UInt32 columns with their types, nulls and values", () => {
  const rows: Row[] = Array.from({ length: 19 }, (_, i) => ({
    t: i % 3 === 1 ? null : ["", "a", "héllo wörld ✓ 😀", "same", "x".repeat(200)][i % 5],
    b: Array.from({ length: i % 4 }, (_, k) => (i * 31 + k * 7) & 255),
    u: i === 18 ? 2 ** 32 - 1 : i * 1000,
    t2: i % 8 === 7 ? null : i < 10 ? "repeated cell text" : `row ${i}`,
  }));
  const df = roundTrip([rows]);
  assert.deepEqual(df.dtypes.map(String), DTYPES);
  assert.deepEqual(rowsOf(df), rows);
  assert.equal(df.getColumn("t").nullCount(), rows.filter((r) => r.t === null).length);
});

test("ipcWriter: several batches (some empty) in one stream, in order; an empty stream keeps the schema", () => {
  const a: Row[] = [{ t: "a", b: [1], u: 1, t2: null }];
  const b: Row[] = [
    { t: null, b: [], u: 2, t2: "b" },
    { t: "c", b: [255, 0], u: 3, t2: "b" },
  ];
  assert.deepEqual(rowsOf(roundTrip([a, [], b, a])), [...a, ...b, ...a]);
  const empty = roundTrip([]);
  assert.equal(empty.height, 0);
  assert.deepEqual(empty.dtypes.map(String), DTYPES);
  assert.equal(roundTrip([[]]).height, 0);
});

test("ipcWriter: a column's first null late in a batch (validity written from there) keeps every row before and after it", () => {
  // The validity bits start at the first null: on a byte boundary, inside a byte, at row 0, never.
  for (const first of [0, 5, 8, 13, 64, -1]) {
    const rows: Row[] = Array.from({ length: 80 }, (_, i) => ({ t: i === first || (first >= 0 && i > first && i % 7 === 0) ? null : `v${i}`, b: [], u: i, t2: i < 70 ? "ascii" : "ünï" }));
    const df = roundTrip([rows]);
    assert.deepEqual(rowsOf(df), rows, `first null at ${first}`);
    assert.equal(df.getColumn("t").nullCount(), rows.filter((r) => r.t === null).length);
  }
});

test("ipcWriter: a builder and a sink reused after a bigger batch hold nothing of it", () => {
  const builder = new BatchBuilder(FIELDS);
  const sink = new ByteSink(16);
  const big: Row[] = Array.from({ length: 40 }, (_, i) => ({ t: `big ${i}`, b: [i], u: i, t2: "all set" }));
  roundTrip([big], builder, sink);
  const small: Row[] = Array.from({ length: 9 }, (_, i) => ({ t: null, b: [], u: i, t2: i % 2 ? null : "z" }));
  assert.deepEqual(rowsOf(roundTrip([small], builder, sink)), small);
});

test("ipcWriter: random rows and batches read back unchanged (fast-check)", () => {
  const row = fc.record({
    t: fc.option(fc.string({ unit: "binary", maxLength: 40 }), { nil: null }),
    b: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }),
    u: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    t2: fc.option(fc.constantFrom("", "same", "ü"), { nil: null }),
  });
  const builder = new BatchBuilder(FIELDS);
  const sink = new ByteSink(16);
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 30 }), { maxLength: 4 }), (batches) => {
      // Lone surrogates cannot be UTF-8: the writer encodes them as U+FFFD, as Buffer does.
      const expected = batches.flat().map((r) => ({ ...r, t: r.t === null ? null : Buffer.from(r.t).toString() }));
      assert.deepEqual(rowsOf(roundTrip(batches, builder, sink)), expected);
    }),
    runs(60),
  );
});
