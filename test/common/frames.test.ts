/** frames.ts: renaming every column at once, also on frames whose names the column proxy would misread. */
import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import pl from "nodejs-polars";
import { anyOf, columnNames, columnOf, exactValues, frameRecords, lazyFrame, renameAll } from "../../src/common/frames";

const values = (df: pl.DataFrame, name: string) => [...columnOf(df, name)];

test("renameAll renames in order, all at once (names may swap), keeping values and types", () => {
  const df = pl.DataFrame([pl.Series("a", [1, 2]), pl.Series("b", ["x", null]), pl.Series("col_0", [true, false])]);
  const out = renameAll(df, ["col_0", "a", "b"]);
  assert.deepEqual(columnNames(out), ["col_0", "a", "b"]);
  assert.deepEqual(values(out, "col_0"), [1, 2]);
  assert.deepEqual(values(out, "a"), ["x", null]);
  assert.deepEqual(values(out, "b"), [true, false]);
  assert.deepEqual(out.dtypes.map(String), df.dtypes.map(String));
  assert.deepEqual(columnNames(df), ["a", "b", "col_0"], "the input is unchanged");
});

test("renameAll on hostile names: to and from member names, __proto__, and a column named lazy", () => {
  const hostile = ["lazy", "__proto__", "rename", "columns", "0"];
  const df = pl.DataFrame(hostile.map((name, i) => pl.Series(`c${i}`, [i, i + 1])));
  const named = renameAll(df, hostile);
  assert.deepEqual(columnNames(named), hostile);
  const back = renameAll(named, hostile.map((_, i) => `c${i}`));
  assert.deepEqual(columnNames(back), ["c0", "c1", "c2", "c3", "c4"]);
  assert.deepEqual(values(back, "c1"), [1, 2]);
  // Without `lazy`, the one-call path takes these names too.
  const noLazy = renameAll(pl.DataFrame([pl.Series("x", [1]), pl.Series("y", [2])]), ["__proto__", "rename"]);
  assert.deepEqual(columnNames(noLazy), ["__proto__", "rename"]);
  assert.deepEqual(values(noLazy, "__proto__"), [1]);
  assert.throws(() => renameAll(df, ["only-one"]), { code: "common/internal-error" });
});

test("renameAll of a frame without columns or rows", () => {
  assert.deepEqual(columnNames(renameAll(pl.DataFrame([]), [])), []);
  const empty = renameAll(pl.DataFrame([pl.Series("a", [], pl.Utf8)]), ["b"]);
  assert.deepEqual(columnNames(empty), ["b"]);
  assert.equal(String(columnOf(empty, "b").dtype), "DataType(String)");
});

test("lazyFrame: filter, select and drop over the frame's own names, columns called filter, select, drop, lazy or __proto__ included", () => {
  const df = pl.DataFrame([pl.Series("filter", [1, 2, 3]), pl.Series("select", ["a", "b", "c"]), pl.Series("drop", [true, false, true]), pl.Series("lazy", [3, 2, 1]), pl.Series("__proto__", ["p", "q", "r"])]);
  const kept = lazyFrame(df).filter(pl.col("filter").gt(1).and(pl.col("drop"))).collectSync();
  assert.deepEqual(columnNames(kept), ["filter", "select", "drop", "lazy", "__proto__"]);
  assert.deepEqual(columnOf(kept, "select").toArray(), ["c"]);
  assert.deepEqual(columnNames(lazyFrame(df).select("lazy", "__proto__").collectSync()), ["lazy", "__proto__"]);
  assert.deepEqual(columnNames(lazyFrame(df).drop(["drop", "filter"]).collectSync()), ["select", "lazy", "__proto__"]);
  const plain = pl.DataFrame({ a: [1, 2] });
  assert.deepEqual(columnOf(lazyFrame(plain).filter(pl.col("a").eq(2)).collectSync(), "a").toArray(), [2]);
});

test("frameRecords: 64-bit integers past 2^53 are their exact text, the column's other values numbers (UInt64 ones too, not bigints); a row window reads the same", () => {
  // From text, as a reader parses them (JS numbers could not carry these values in).
  const df = pl.DataFrame([
    pl.Series("AlertId", ["1", "9007199254740993", null, "-9223372036854775808"]).cast(pl.Int64),
    pl.Series("u", ["18446744073709551615", "7", "0", "1"]).cast(pl.UInt64),
    pl.Series("small", ["1", "2", "3", "4"]).cast(pl.Int64),
    pl.Series("name", ["a", "b", "c", "d"]),
  ]);
  const rows = frameRecords(df);
  assert.deepEqual(rows.map((r) => r.AlertId), [1, "9007199254740993", null, "-9223372036854775808"]);
  assert.deepEqual(rows.map((r) => r.u), ["18446744073709551615", 7, 0, 1]);
  assert.deepEqual(rows.map((r) => r.small), [1, 2, 3, 4]);
  assert.deepEqual(frameRecords(df, { offset: 1, length: 1, columns: ["AlertId", "name"] }), [{ AlertId: "9007199254740993", name: "b" }]);
});

test("anyOf: true where any condition is, false for none; joined as a balanced tree (a left-nested chain planned in quadratic time)", () => {
  const df = pl.DataFrame({ n: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  const conds = [1, 4, 7, 8, 12].map((v) => pl.col("n").eq(pl.lit(v)));
  assert.deepEqual(df.filter(anyOf(conds)).getColumn("n").toArray(), [1, 4, 7, 8]);
  assert.equal(df.filter(anyOf([])).height, 0);
  assert.deepEqual(df.filter(anyOf(conds.slice(0, 1))).getColumn("n").toArray(), [1]);
  // Depth: 1,024 conditions nest 10 deep, not 1,023.
  const depth = (text: string) => {
    let d = 0;
    let max = 0;
    for (const ch of text) {
      if (ch === "[") max = Math.max(max, ++d);
      else if (ch === "]") d--;
    }
    return max;
  };
  const printed = String(anyOf(Array.from({ length: 1024 }, (_, i) => pl.col("n").eq(pl.lit(i)))));
  assert.ok(depth(printed) <= 12, `nesting ${depth(printed)}: ${printed.slice(0, 80)}`);
});

describe("nested columns (structs in structs, lists of them: ECS, Entra sign-ins, Sentinel)", () => {
  const ndjson = [
    '{"process": {"pid": 100, "parent": {"pid": 1, "name": "explorer.exe"}}, "policies": [{"id": "1", "detail": {"k": {"z": 9007199254740993}}}], "o": {"__proto__": "p", "constructor": "c", "k": 1}}',
    '{"process": {"pid": 101, "parent": null}, "policies": [], "o": null}',
    '{"process": null, "policies": null, "o": {"__proto__": null, "constructor": "d", "k": 2}}',
  ].join("\n");
  const df = pl.readJSON(Buffer.from(ndjson), { format: "lines" });

  it("frameRecords reads them (toArray failed: StructOwned is not supported), sliced too, with exact long integers and every field", () => {
    const rows = frameRecords(df);
    assert.deepEqual(JSON.parse(JSON.stringify(rows[0].process)), { pid: 100, parent: { pid: 1, name: "explorer.exe" } });
    assert.deepEqual(JSON.parse(JSON.stringify(rows[0].policies)), [{ id: "1", detail: { k: { z: "9007199254740993" } } }]);
    assert.deepEqual(JSON.stringify(rows[0].o), '{"__proto__":"p","constructor":"c","k":1}');
    assert.equal(rows[2].process, null);
    assert.deepEqual(rows[1].policies, []);
    const sliced = frameRecords(df, { offset: 1, length: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(sliced[0].process)), { pid: 101, parent: null });
    assert.equal(({} as Record<string, unknown>).k, undefined, "no prototype changed");
  });

  it("a duration or decimal inside keeps the type toArray gives (a number), beside an exact long integer", () => {
    const d = pl
      .DataFrame({ d: [1000], k: ["9007199254740993"] })
      .withColumns(pl.col("d").cast(pl.Duration("ms")), pl.col("k").cast(pl.Int64))
      .select(pl.struct([pl.col("d"), pl.col("k")]).alias("s"));
    const [value] = frameRecords(d).map((r) => r.s as Record<string, unknown>);
    assert.equal(value.d, 1000);
    assert.equal(value.k, "9007199254740993");
  });

  it("exactValues reads them as frameRecords does", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(exactValues(columnOf(df, "policies")))), [[{ id: "1", detail: { k: { z: "9007199254740993" } } }], [], null]);
    assert.equal(JSON.stringify(exactValues(columnOf(df, "o"))[0]), '{"__proto__":"p","constructor":"c","k":1}');
  });
});

describe("integers beyond Int64 (polars' Int128, from JSON ids past 2^64)", () => {
  it("frameRecords gives small ones as numbers and the others as exact text, never a BigInt (which JSON.stringify refuses)", () => {
    const df = pl.readJSON(Buffer.from('{"c": 18446744073709551615}\n{"c": 5}\n{"c": null}\n'), { format: "lines" });
    const values = frameRecords(df).map((r) => r.c);
    assert.deepEqual(values, ["18446744073709551615", 5, null]);
    assert.equal(JSON.stringify(values), '["18446744073709551615",5,null]');
  });
});
