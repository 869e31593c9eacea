/**
 * What plain JavaScript cells (Deno's kernel, Node) hand buildProcessTree and
 * the ptree queries: a query not awaited, a lazy frame, rows, misspelt or
 * mistyped options, a frame of several processes. Each is refused by name,
 * with the way to fix it, instead of a TypeError inside the build or a result
 * computed with the option ignored.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, processTreeSchema } from "../../src/transform/processTree";
import { ptree } from "../../src/transform/processTreeUtils";

const procs = pl.readParquet(join(__dirname, "../../data/process_tree.parquet"));
const tree = buildProcessTree(procs);
const root = String(ptree.getRoots(tree).getColumn("proc_key").get(0));
// The lab's tree: a root, its one child cmd.exe, and cmd.exe's 16 children.
const cmds = tree.filter(pl.col("NewProcessName").str.contains("cmd.exe"));

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

describe("ptree options are checked by name and type", () => {
  it("maxDepth and MSTICPy's max_levels point at maxLevels instead of returning every descendant", () => {
    assert.throws(() => untyped(ptree.getDescendents)(tree, root, { maxDepth: 1 }), {
      name: "ProcessTreeQueryError",
      code: "transform/tree-query-option",
      message: /^ptree\.getDescendents: unknown option maxDepth \(did you mean maxLevels\?\); its options are includeSource, maxLevels\./,
    });
    assert.throws(() => untyped(ptree.getDescendents)(tree, root, { max_levels: 1 }), { code: "transform/tree-query-option", message: /max_levels \(did you mean maxLevels\?\)/ });
    assert.throws(() => untyped(ptree.getChildren)(tree, root, { includesource: true }), { code: "transform/tree-query-option", message: /includesource \(did you mean includeSource\?\)/ });
    assert.throws(() => untyped(ptree.treeToText)(tree, { maxlines: 3 }), { code: "transform/tree-query-option", message: /maxlines \(did you mean maxLines\?\)/ });
  });

  it("values of the wrong type, and options that are no object, are refused", () => {
    const bad: [string, unknown[], RegExp][] = [
      ["getDescendents", [tree, root, { maxLevels: "1" }], /option maxLevels must be a whole number of at least 0 \(Infinity: no limit\) or -1, not "1"/],
      ["getDescendents", [tree, root, { maxLevels: -2 }], /option maxLevels must be .*, not -2/],
      ["getDescendents", [tree, root, { maxLevels: 1.5 }], /not 1\.5/],
      ["getChildren", [tree, root, { includeSource: "yes" }], /option includeSource must be true or false, not "yes"/],
      ["getAncestors", [tree, root, false], /^ptree\.getAncestors: its options must be an object such as \{ includeSource: false \}, not false\./],
      ["getSiblings", [tree, root, null], /its options must be an object .*not null/],
      ["treeToText", [tree, { maxLines: 0 }], /option maxLines must be a whole number of at least 1/],
      ["treeToText", [tree, { nameColumn: 5 }], /option nameColumn must be a column name, not 5/],
    ];
    for (const [fn, args, message] of bad) {
      assert.throws(() => untyped(ptree[fn as keyof typeof ptree])(...args), { name: "ProcessTreeQueryError", code: "transform/tree-query-option", message }, `${fn}(${String(args[args.length - 1])})`);
    }
  });

  it("the options as documented still work", () => {
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: 1 }).height, 2);
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: 0 }).height, 1);
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: -1 }).height, 18);
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: Infinity, includeSource: false }).height, 17);
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: undefined }).height, 18, "an option set to undefined is absent");
    assert.equal(ptree.treeToText(tree, { maxLines: 2 }).split("\n").length, 3);
  });
});

describe("ptree names a process by one row", () => {
  it("a DataFrame of several processes is refused, not read as its first row", () => {
    assert.equal(cmds.height, 5);
    for (const fn of [ptree.getChildren, ptree.getParent, ptree.getDescendents, ptree.getAncestors, ptree.getSiblings, ptree.getRoot, ptree.getProcess]) {
      assert.throws(() => fn(tree, cmds), { name: "ProcessTreeQueryError", code: "transform/process-ref-invalid", message: /The process DataFrame has 5 rows; a process is one row: take one \(\.head\(1\)/ }, fn.name);
    }
    assert.throws(() => ptree.getChildren(tree, cmds.head(0)), { code: "transform/process-ref-invalid", message: /has 0 rows/ });
    assert.equal(ptree.getChildren(tree, cmds.head(1)).height, 16, "one row names its process");
  });

  it("another kind of reference is named", () => {
    assert.throws(() => untyped(ptree.getChildren)(tree, 5), { code: "transform/process-ref-invalid", message: /got a number \(5\)/ });
    assert.throws(() => untyped(ptree.getChildren)(tree, cmds.head(1).lazy()), { code: "transform/process-ref-invalid", message: /got a LazyDataFrame: collect it first/ });
    assert.throws(() => untyped(ptree.getRoots)(Promise.resolve(tree)), { code: "transform/not-a-process-tree", message: /got a Promise: .*put `await` before it/ });
  });
});
