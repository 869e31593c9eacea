/**
 * Parquet datasets whose parts differ: polars takes the schema from the first part, so a later part's extra column
 * failed the query, a first part's column missing from a later one too, and (when a part had a column nested too
 * deep) every later part's extra columns were dropped without a word. Every part's footer is screened: the scan
 * gets the union of the columns; parts that disagree on a type, empty files and files that are not Parquet are
 * warned about naming the part, and a query that cannot read one fails rather than losing its rows.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { scanDataset } from "../../src/data/scan";
import type { DatasetSource } from "../../src/data/dataSources";
import { MAX_PARQUET_DEPTH } from "../../src/data/parquetDepth";
import { nestedLists } from "../helpers/nested";
import { tempDir } from "../helpers/tmp";

/** A dataset folder `name` under a new data path, one part per entry (a frame, or raw bytes). */
function dataset(name: string, parts: Record<string, pl.DataFrame | string>): string {
  const root = tempDir();
  for (const [rel, content] of Object.entries(parts)) {
    const file = path.join(root, name, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === "string") fs.writeFileSync(file, content);
    else content.writeParquet(file);
  }
  return root;
}

/** The query of dataset `name` under `root`, and the warnings given. */
function provider(root: string) {
  const warnings: string[] = [];
  return { qp: new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [], warn: (m: string) => warnings.push(m) }), warnings };
}

const frame = (columns: Record<string, [unknown[], DataType]>) => pl.DataFrame(Object.entries(columns).map(([name, [values, type]]) => pl.Series(name, values, type)));

describe("Parquet dataset parts with different columns", () => {
  it("a later part's extra column and a first part's column missing later are kept: nulls where a part lacks it, no warning", async () => {
    const root = dataset("events", {
      "day=1/part-0.parquet": frame({ a: [[1, 2], pl.Int64], gone: [["g1", "g2"], pl.String] }),
      "day=2/part-0.parquet": frame({ a: [[3], pl.Int64], extra: [[true], pl.Bool] }),
    });
    const { qp, warnings } = provider(root);
    const df = await qp.LocalData.events();
    assert.deepEqual(df.columns, ["a", "gone", "extra", "day"]);
    assert.deepEqual(df.sort("a").toRecords(), [
      { a: 1, gone: "g1", extra: null, day: 1 },
      { a: 2, gone: "g2", extra: null, day: 1 },
      { a: 3, gone: null, extra: true, day: 2 },
    ]);
    assert.deepEqual(warnings, []);
  });

  it("a column too deep in the first part: left out with a warning; a later part's extra column is kept, not dropped", async () => {
    const root = dataset("events", {
      "day=1/part-0.parquet": pl.DataFrame([pl.Series("a", [1], pl.Int64), nestedLists("deep", 70, 1)]),
      "day=2/part-0.parquet": frame({ a: [[2], pl.Int64], extra: [["x"], pl.String] }),
    });
    const { qp, warnings } = provider(root);
    const df = await qp.LocalData.events();
    assert.deepEqual(df.columns, ["a", "extra", "day"]);
    assert.deepEqual(df.sort("a").toRecords(), [
      { a: 1, extra: null, day: 1 },
      { a: 2, extra: "x", day: 2 },
    ]);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].startsWith(`${path.join(root, "events", "day=1", "part-0.parquet")}: column(s) deep nest more than ${MAX_PARQUET_DEPTH} levels deep`), warnings[0]);
  });

  it("parts past the bound are not screened, and a warning says so; a later part's extra column then fails the query naming it", () => {
    const root = dataset("events.parquet", {
      "part-0.parquet": frame({ a: [[1], pl.Int64] }),
      "part-1.parquet": frame({ a: [[2], pl.Int64] }),
      "part-2.parquet": frame({ a: [[3], pl.Int64], extra: [["x"], pl.String] }),
    });
    const folder = path.join(root, "events.parquet");
    const files = ["part-0.parquet", "part-1.parquet", "part-2.parquet"];
    const source: DatasetSource = { kind: "dataset", format: "parquet", partitionKeys: [], files, path: folder, name: "events.parquet", stem: "events", root, rootIndex: 0, folders: [] };
    const warnings: string[] = [];
    const screened = scanDataset(source, folder, (m) => warnings.push(m));
    assert.deepEqual(screened.collectSync().sort("a").getColumn("extra").toArray() as unknown[], [null, null, "x"]);
    assert.deepEqual(warnings, []);
    const past: string[] = [];
    const bounded = scanDataset(source, folder, (m) => past.push(m), 2);
    assert.deepEqual(past, [`${folder}: 3 Parquet parts, the first 2 (in name order) screened for columns nested too deep and columns the others lack; a later part's column outside theirs fails a query reading it (or, when a column too deep was found, is ignored)`]);
    assert.throws(() => bounded.collectSync(), /extra column in file outside of expected schema: extra.*part-2\.parquet/);
  });
});

describe("Parquet dataset parts that cannot be read with the others", () => {
  it("parts that disagree on a column's type (Int64, String): a warning names the column, both parts and types; a query reading both fails, one of the first part's day runs", async () => {
    const root = dataset("events", {
      "date=2026-11-01/part-0.parquet": frame({ a: [[1], pl.Int64], s: [["x"], pl.String] }),
      "date=2026-11-02/part-0.parquet": frame({ a: [["two"], pl.String], s: [["y"], pl.String] }),
    });
    const { qp, warnings } = provider(root);
    await assert.rejects(() => qp.LocalData.events(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/file-invalid");
      assert.match(err.message, /data type mismatch for column a/);
      return true;
    });
    const events = path.join(root, "events");
    const [first, second] = ["2026-11-01", "2026-11-02"].map((day) => path.join(events, `date=${day}`, "part-0.parquet"));
    assert.equal(warnings[0], `${events}: column "a" is Int64 in ${first} but String in ${second}: polars cannot read both into one column, so a query that reads ${second} (or a later part of its type) fails; rewrite it with the other parts' types, or move it out of the folder`);
    const day = await qp.LocalData.events({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T23:59:59Z" });
    assert.deepEqual(day.toRecords(), [{ a: 1, s: "x", date: new Date("2026-11-01T00:00:00Z") }]);
  });

  it("parts of one column in integers of one signedness, or floats, of different widths (Int32/Int64, UInt8/UInt32, Float32/Float64): read with the wider type, no value lost, no warning", async () => {
    const big = 2 ** 40 + 1;
    const root = dataset("events", {
      "day=1/part-0.parquet": frame({ i: [[1, -2], pl.Int32], u: [[7, 255], pl.UInt8], f: [[1.5, -0.25], pl.Float32], s: [["a", "b"], pl.String] }),
      "day=2/part-0.parquet": frame({ i: [[big], pl.Int64], u: [[70_000], pl.UInt32], f: [[0.1], pl.Float64], s: [["c"], pl.String] }),
      "day=3/part-0.parquet": frame({ i: [[-3], pl.Int16], u: [[9], pl.UInt16], f: [[2.5], pl.Float32], s: [["d"], pl.String] }),
    });
    const { qp, warnings } = provider(root);
    const df = await qp.LocalData.events();
    assert.deepEqual(warnings, []);
    assert.deepEqual(df.dtypes.map(String), [pl.Int64, pl.UInt32, pl.Float64, pl.String, pl.Int64].map(String));
    assert.deepEqual(df.sort("s").toRecords(), [
      { i: 1, u: 7, f: 1.5, s: "a", day: 1 },
      { i: -2, u: 255, f: -0.25, s: "b", day: 1 },
      { i: big, u: 70_000, f: 0.1, s: "c", day: 2 },
      { i: -3, u: 9, f: 2.5, s: "d", day: 3 },
    ]);
  });

  it("parts whose integer types differ in signedness, or integer and float (UInt32/Int32, Int64/Float64): still a warning, and a query reading both fails", async () => {
    const root = dataset("events", {
      "day=1/part-0.parquet": frame({ a: [[1], pl.UInt32], b: [[1], pl.Int64] }),
      "day=2/part-0.parquet": frame({ a: [[-1], pl.Int32], b: [[0.5], pl.Float64] }),
    });
    const { qp, warnings } = provider(root);
    await assert.rejects(() => qp.LocalData.events(), { code: "data/file-invalid" });
    const events = path.join(root, "events");
    const [first, second] = ["1", "2"].map((day) => path.join(events, `day=${day}`, "part-0.parquet"));
    assert.deepEqual(warnings.slice(0, 2).map((m) => m.slice(0, m.indexOf(": polars"))), [
      `${events}: column "a" is UInt32 in ${first} but Int32 in ${second}`,
      `${events}: column "b" is Int64 in ${first} but Float64 in ${second}`,
    ]);
  });

  it("an empty (0-byte) part: a warning names it, every row of the others is read; a part that is not Parquet: a warning names it, a query reading it fails", async () => {
    const rows = frame({ a: [[1, 2], pl.Int64] });
    const root = dataset("events", { "day=1/part-0.parquet": rows, "day=1/part-1.parquet": "", "day=2/part-0.parquet": rows, "day=3/part-0.parquet": "PK\u0003\u0004 a zip, not parquet" });
    const { qp, warnings } = provider(root);
    await assert.rejects(() => qp.LocalData.events(), { code: "data/file-invalid" });
    const events = path.join(root, "events");
    assert.deepEqual(warnings.slice(0, 2), [
      `${events}: 1 empty file(s) (0 bytes) in the Parquet dataset (${path.join("day=1", "part-1.parquet")}): they hold no rows and were skipped (a write cut short?)`,
      `${events}: 1 file(s) in the Parquet dataset are not Parquet (no "PAR1" trailer: ${path.join("day=3", "part-0.parquet")}): a query that reads one fails (one whose filters skip its folder runs); move them out of the folder, or start their names with "_" to hide them`,
    ]);
    fs.renameSync(path.join(events, "day=3", "part-0.parquet"), path.join(events, "day=3", "_part-0.parquet"));
    const df = await provider(root).qp.LocalData.events();
    assert.equal(df.height, 4);
  });
});
