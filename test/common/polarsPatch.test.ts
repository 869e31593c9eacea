import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { inspect } from "node:util";
import pl from "nodejs-polars";

/*
 * patches/nodejs-polars+0.26.1.patch (applied by patch-package on npm's postinstall) moves the
 * computed-key members of nodejs-polars' Expr and Series object literals to their ends: before
 * them, V8 defined all ~160 members one by one on every wrapper (0.5–0.8 ms per expression).
 * See patches/README.md. The speed is measured in bench/polars.bench.ts; here, that the patch is
 * in place and that the moved members behave as before.
 */

const source = (file: string) => fs.readFileSync(require.resolve(`nodejs-polars/bin/${file}`), "utf8");

/** The text of the object literal a wrapper function returns: from `start` to the literal's end. */
function literal(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  assert.ok(from >= 0, `${start} not found: nodejs-polars changed; regenerate or drop the patch (patches/README.md)`);
  return text.slice(from, text.indexOf(end, from));
}

test("the installed nodejs-polars carries the wrapper patch: computed keys last in Expr's and Series' literals", () => {
  const expr = literal(source("lazy/expr/index.js"), "const _Expr = (_expr) => {", "\n};\n");
  const exprBody = expr.slice(expr.indexOf("return {"));
  const firstComputed = exprBody.search(/^\s{8}\*?\[/m);
  const lastNamed = exprBody.lastIndexOf('notEquals: wrapExprArg("neq")');
  assert.ok(lastNamed > 0 && firstComputed > lastNamed, "Expr: a computed key precedes named members (patch not applied)");
  const series = literal(source("series/index.js"), "const series = {", "\n    };\n");
  const seriesComputed = series.search(/^\s{8}(\*|get )?\[/m);
  assert.ok(seriesComputed > series.indexOf("zipWith("), "Series: a computed key precedes named members (patch not applied)");
  assert.equal(JSON.parse(fs.readFileSync(require.resolve("nodejs-polars/package.json"), "utf8")).version, "0.26.1", "the patch is written for nodejs-polars 0.26.1");
});

test("the moved members behave as before: inspect, toStringTag, iteration, isExpr / isSeries", () => {
  const e = pl.col("a").gt(1);
  assert.ok(pl.Expr.isExpr(e));
  assert.match(inspect(e), /col\("a"\)/);
  const s = pl.Series("v", [3, 1, 2]);
  assert.ok(pl.Series.isSeries(s));
  assert.deepEqual([...s], [3, 1, 2]);
  assert.match(inspect(s), /shape: \(3,\)/);
  assert.ok(Reflect.ownKeys(e).includes(Symbol.toStringTag));
  assert.ok(Reflect.ownKeys(s).includes(Symbol.iterator));
  // Expressions built on the patched wrappers still compute.
  const df = pl.DataFrame({ a: [1, 2, 3] });
  assert.deepEqual(df.select(pl.when(e).then(pl.lit("big")).otherwise(pl.lit("small")).alias("k")).getColumn("k").toArray(), ["small", "big", "big"]);
});
