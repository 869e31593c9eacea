/**
 * What plain JavaScript cells (Deno's kernel, Node) hand buildProcessTree: a
 * query not awaited, a lazy frame, rows. Each is refused by name, with the way
 * to fix it, instead of a TypeError inside the build.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, processTreeSchema } from "../../src/transform/processTree";

const procs = pl.readParquet(join(__dirname, "../../data/process_tree.parquet"));

/** Calls `fn` as untyped JavaScript would. */
const untyped = (fn: unknown) => fn as (...args: unknown[]) => unknown;

describe("buildProcessTree refuses what is not a DataFrame, saying how to make one", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["a query not awaited", () => Promise.resolve(procs), /got a Promise: .*put `await` before it/],
    ["a LazyDataFrame", () => procs.lazy(), /got a LazyDataFrame: collect it first \(`await lf\.collect\(\)`\)/],
    ["an array of rows", () => procs.head(3).toRecords(), /got an array of 3 row objects: make a DataFrame of them first \(`pl\.DataFrame\(rows\)`\)/],
    ["a Series", () => procs.getColumn("NewProcessName"), /got a Series \(one column\): pass the whole DataFrame/],
    ["JSON text", () => JSON.stringify(procs.head(2).toRecords()), /got text holding JSON: read it into a DataFrame first \(`pl\.readJSON\(text\)`\)/],
    ["undefined", () => undefined, /got undefined/],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => {
      const value = input();
      for (const fn of [buildProcessTree, processTreeSchema]) {
        assert.throws(() => untyped(fn)(value), { name: "ProcessTreeError", code: "transform/process-tree-input", message });
      }
    });
  }
});
