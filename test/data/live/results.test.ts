/** Driver tables → polars: one dtype per contract type, nulls kept, the lab's dtypes. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { stackChunks, liveFrame } from "../../../src/data/live/results";

describe("live results → polars", () => {
  const table = {
    columns: [
      { name: "TimeGenerated", type: "datetime" as const },
      { name: "EventID", type: "long" as const },
      { name: "Level", type: "int" as const },
      { name: "Score", type: "real" as const },
      { name: "IsIncident", type: "bool" as const },
      { name: "Computer", type: "string" as const },
      { name: "TenantId", type: "guid" as const },
      { name: "Duration", type: "timespan" as const },
      { name: "Entities", type: "dynamic" as const },
    ],
    rows: [
      ["2019-02-14T04:23:55.4Z", 4624, 4, 0.5, true, "host1", "52b1ab41-869e-4138-9e40-2a4457f09bf0", "00:01:02", '[{"a":1}]'],
      [null, "4625", "2", "NaN", "false", null, null, null, { b: [1, 2] }],
      [1550118235400, null, null, null, null, "h\"2", "x", "1.00:00:00", null],
    ],
    warnings: [],
  };

  it("maps each contract type to its dtype", () => {
    const df = liveFrame(table);
    assert.deepEqual(df.dtypes.map(String), [pl.Datetime("ms"), pl.Int64, pl.Int32, pl.Float64, pl.Bool, pl.String, pl.String, pl.String, pl.String].map(String));
  });

  it("converts values: ISO or epoch times, numeric text, NaN, dynamic as JSON text, nulls", () => {
    const df = liveFrame(table);
    const rec = df.toRecords();
    assert.equal((rec[0].TimeGenerated as unknown as Date).toISOString(), "2019-02-14T04:23:55.400Z");
    assert.equal(rec[1].TimeGenerated, null);
    assert.equal((rec[2].TimeGenerated as unknown as Date).toISOString(), "2019-02-14T04:23:55.400Z");
    assert.deepEqual(rec.map((r) => r.EventID), [4624, 4625, null]);
    assert.deepEqual(rec.map((r) => r.Level), [4, 2, null]);
    assert.ok(Number.isNaN(rec[1].Score as number));
    assert.deepEqual(rec.map((r) => r.IsIncident), [true, false, null]);
    assert.deepEqual(rec.map((r) => r.Entities), ['[{"a":1}]', '{"b":[1,2]}', null]);
    assert.equal(rec[2].Computer, 'h"2');
  });

  it("an empty table keeps its columns and dtypes", () => {
    const df = liveFrame({ columns: table.columns, rows: [] });
    assert.equal(df.height, 0);
    assert.equal(df.width, 9);
    assert.equal(String(df.dtypes[0]), String(pl.Datetime("ms")));
  });

  it("a column with only nulls keeps its name, place and dtype", () => {
    const df = liveFrame({ columns: [{ name: "a", type: "long" }, { name: "t", type: "datetime" }, { name: "s", type: "string" }, { name: "u", type: "datetime" }], rows: [[1, null, null, null], [2, null, "x", null]] });
    assert.deepEqual(df.columns, ["a", "t", "s", "u"]);
    assert.deepEqual(df.dtypes.map(String), [pl.Int64, pl.Datetime("ms"), pl.String, pl.Datetime("ms")].map(String));
    assert.deepEqual(df.getColumn("u").toArray(), [null, null]);
    assert.deepEqual(df.getColumn("s").toArray(), [null, "x"]);
  });

  it("renames duplicate columns and stacks chunks with different columns", () => {
    const a = liveFrame({ columns: [{ name: "x", type: "long" }, { name: "x", type: "string" }], rows: [[1, "a"]] });
    assert.deepEqual(a.columns, ["x", "x1"]);
    const b = liveFrame({ columns: [{ name: "x", type: "long" }], rows: [[2]] });
    const both = stackChunks([a, b]);
    assert.equal(both.height, 2);
    assert.deepEqual(both.getColumn("x1").toArray(), ["a", null]);
  });

  it("stacks chunks whose drivers typed a column differently into their common type, naming it (polars failed after every window was fetched)", () => {
    const chunk = (columns: { name: string; type: "long" | "real" | "string" | "datetime" | "bool" }[], rows: unknown[][]) => liveFrame({ columns, rows });
    const retyped: string[] = [];
    const both = stackChunks(
      [
        chunk([{ name: "bytes", type: "long" }, { name: "id", type: "long" }, { name: "t", type: "datetime" }, { name: "ok", type: "bool" }, { name: "same", type: "long" }], [[1500, 7, "2024-01-01T00:00:00Z", true, 1]]),
        chunk([{ name: "bytes", type: "real" }, { name: "id", type: "string" }, { name: "t", type: "string" }, { name: "ok", type: "long" }, { name: "same", type: "long" }], [[1500.5, "0x3e7", "N/A", 1, 2]]),
      ],
      retyped,
    );
    assert.deepEqual(retyped, ["bytes", "id", "t", "ok"]);
    assert.equal(String(both.getColumn("bytes").dtype), String(pl.Float64));
    assert.deepEqual(both.getColumn("bytes").toArray(), [1500, 1500.5]);
    assert.deepEqual(both.getColumn("id").toArray(), ["7", "0x3e7"]);
    assert.deepEqual(both.getColumn("t").toArray(), ["2024-01-01T00:00:00.000Z", "N/A"]);
    assert.deepEqual(both.getColumn("ok").toArray(), ["true", "1"]);
    assert.equal(String(both.getColumn("same").dtype), String(pl.Int64));
  });

  it("a window with no value in a column has no say in its type (Splunk types an always-empty field as text); narrower numbers widen", () => {
    const long = (v: unknown) => liveFrame({ columns: [{ name: "bytes", type: "long" }, { name: "dtypes", type: "long" }], rows: [[v, v]] });
    const empty = liveFrame({ columns: [{ name: "bytes", type: "string" }, { name: "dtypes", type: "string" }], rows: [[null, null]] });
    const retyped: string[] = [];
    const both = stackChunks([long(100), empty, long(200)], retyped);
    assert.deepEqual(retyped, []);
    assert.equal(String(both.getColumn("bytes").dtype), String(pl.Int64));
    assert.deepEqual(both.getColumn("bytes").toArray(), [100, null, 200]);
    // A column named like a frame member (`dtypes`) is read past the column proxy.
    assert.deepEqual(both.getColumn("dtypes").toArray(), [100, null, 200]);
    const narrow = long(5).withColumns(pl.col("bytes").cast(pl.Int16), pl.col("dtypes").cast(pl.Float32));
    const widened = stackChunks([narrow, long(7)]);
    assert.deepEqual(["bytes", "dtypes"].map((c) => String(widened.getColumn(c).dtype)), [pl.Int64, pl.Float64].map(String));
    assert.deepEqual(widened.getColumn("bytes").toArray(), [5, 7]);
  });

  it("integers a Float64 would round stay exact: as text beside reals, Int64 beside a UInt64 that fits it, text beside one that does not", () => {
    const big = 2n ** 60n;
    const long = (v: unknown) => liveFrame({ columns: [{ name: "n", type: "long" }], rows: [[v]] });
    const real = liveFrame({ columns: [{ name: "n", type: "real" }], rows: [[0.5]] });
    assert.deepEqual(stackChunks([long(big), real]).getColumn("n").toArray(), [big.toString(), "0.5"]);
    const unsignedSmall = long(5).withColumns(pl.col("n").cast(pl.UInt64));
    const fits = stackChunks([long(-1), unsignedSmall]);
    assert.equal(String(fits.getColumn("n").dtype), String(pl.Int64));
    assert.deepEqual(fits.getColumn("n").toArray().map(Number), [-1, 5]);
    const huge = long(2n ** 64n - 1n);
    assert.equal(String(huge.getColumn("n").dtype), String(pl.UInt64));
    assert.deepEqual(stackChunks([long(-1), huge]).getColumn("n").toArray(), ["-1", (2n ** 64n - 1n).toString()]);
  });
});
