import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { isWholeDecimal, textExpr } from "../../src/common/dtypes";

const asText = (s: pl.Series): unknown[] => pl.DataFrame([s]).select(textExpr(pl.col(s.name), s.dtype).alias("t")).getColumn("t").toArray() as unknown as unknown[];

test("textExpr: text as is, numbers as polars writes them, lists as their elements joined by spaces", () => {
  assert.deepEqual(asText(pl.Series("s", ["a", null, "B c"])), ["a", null, "B c"]);
  assert.deepEqual(asText(pl.Series("n", [4688, null], pl.Int64)), ["4688", null]);
  assert.deepEqual(asText(pl.Series("f", [1.5, 2], pl.Float64)), ["1.5", "2.0"]);
  assert.deepEqual(asText(pl.Series("l", [["x y", "Z"], null, [], ["q"]])), ["x y Z", null, "", "q"]);
  assert.deepEqual(asText(pl.Series("ln", [[1, 2], [3]], pl.List(pl.Int64))), ["1 2", "3"]);
  const nested = pl.Series("nl", [[["n1", "n2"], ["n3"]], null], pl.List(pl.List(pl.Utf8)));
  assert.deepEqual(asText(nested), ["n1 n2 n3", null], "nested lists flatten");
  // A null element is left out (polars' join made the whole cell null: IoCExtract and base64 saw no text).
  assert.deepEqual(asText(pl.Series("ln", [["curl", null, "http://evil.com/x"], [null]], pl.List(pl.Utf8))), ["curl http://evil.com/x", ""]);
  assert.deepEqual(asText(pl.Series("nn", [[["a", null], null, ["b"]]], pl.List(pl.List(pl.Utf8)))), ["a b"]);
  const struct = pl.readJSON(Buffer.from('{"s":{"u":1,"v":"w"}}\n{"s":null}\n'), { format: "lines" }).getColumn("s");
  assert.deepEqual(asText(struct), ['{1,"w"}', null], "a struct as polars writes it");
});

test("isWholeDecimal: a Decimal of scale 0 only (Spark's 128-bit ids), not one with a fraction nor an integer type", () => {
  const s = pl.DataFrame({ a: ["1"] }).select(pl.col("a").cast(pl.Decimal(38, 0)).alias("d0"), pl.col("a").cast(pl.Decimal(38, 2)).alias("d2"), pl.col("a").cast(pl.Decimal(10, 0)).alias("d10"), pl.col("a").cast(pl.Int64).alias("i"));
  assert.deepEqual(["d0", "d2", "d10", "i"].map((c) => isWholeDecimal(s.getColumn(c).dtype)), [true, false, true, false]);
});
