/**
 * vega and vega-lite load on the first chart, not with the module (cold start
 * of a notebook kernel): checked in a fresh process, whose module cache is clean.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { childLibrary } from "../helpers/child";

const ROOT = path.resolve(__dirname, "..", "..");
const lib = childLibrary();

/** Runs `code` in a fresh Node (huntlab from a current dist/, else src/ through tsx); returns its stdout as JSON. */
function inFreshNode(code: string): unknown {
  const out = execFileSync(process.execPath, [...lib.args, "-e", code], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() ?? "null");
}

const LOADED = `(name) => Object.keys(require.cache).some((k) => k.split(/[\\\\/]/).includes(name) && k.includes("node_modules"))`;

test("vega and vega-lite are not loaded until the first chart", () => {
  const result = inFreshNode(`
    const loaded = ${LOADED};
    const vl = require(${JSON.stringify(lib.module("vis/vegaLite"))});
    const before = { vega: loaded("vega"), vegaLite: loaded("vega-lite") };
    const { warnings } = vl.compileVegaLite({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
    vl.renderVegaLiteSvg({ data: { values: [{ a: 1 }] }, mark: "point" }).then((svg) => {
      console.log(JSON.stringify({ before, after: { vega: loaded("vega"), vegaLite: loaded("vega-lite") }, warnings, svg: svg.startsWith("<svg") }));
    });
  `);
  assert.deepEqual(result, { before: { vega: false, vegaLite: false }, after: { vega: true, vegaLite: true }, warnings: [], svg: true });
});
