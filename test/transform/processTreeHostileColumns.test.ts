/**
 * Process trees from frames whose column names shadow members of polars'
 * frame proxy (`height`, `filter`, `columns`…) or are huntlab's internal
 * names, and from schemas whose columns are named like output columns
 * (osquery's `path`): the same tree as without them, every column kept.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight } from "../../src/common/frames";
import { buildProcessTree } from "../../src/transform/processTree";
import { assembleTree, matchParents, processEvents, processKeys, processNodes, treeLayout } from "../../src/transform/processTreeSteps";
import { ptree } from "../../src/transform/processTreeUtils";
import { generate4688 } from "../helpers/processEvents";

const HOSTILE = ["height", "filter", "columns", "dtypes", "select", "getColumn", "lazy", "toString", "__hl_row", "__hl_candidate", "width", "shape"];

/** The tree's structure, column by column (the columns the tree adds). */
function structure(tree: pl.DataFrame): Record<string, unknown[]> {
  return Object.fromEntries(["proc_key", "parent_key", "path", "source_index", "Level", "NodeRole", "IsInferred"].map((c) => [c, columnOf(tree, c).toArray()]));
}

test("columns named like frame members or internal names: the same tree as without them, their values kept row by row", () => {
  const { df } = generate4688(3000, { seed: 5, hosts: 3, pidPool: 2048 });
  // The first event exported twice: the duplicate check (which filters rows) runs and drops the copy.
  const plain = buildProcessTree(pl.concat([df, df.head(1)]));
  // Each hostile column holds the row's own number, so each output row can be checked against its event.
  const withHostile = pl.concat([df, pl.DataFrame(HOSTILE.map((name) => pl.Series(name, Array.from({ length: df.height }, (_, i) => `r${i}`))))], { how: "horizontal" });
  const tree = buildProcessTree(pl.concat([withHostile, withHostile.head(1)]));
  assert.deepEqual(structure(tree), structure(plain));
  assert.deepEqual(columnNames(tree), [...columnNames(plain).slice(0, df.width), ...HOSTILE, ...columnNames(plain).slice(df.width)]);
  const source = columnOf(tree, "source_index").toArray().map(Number);
  const inferred = columnOf(tree, "IsInferred").toArray();
  for (const name of HOSTILE) {
    const values = columnOf(tree, name).toArray();
    values.forEach((v, k) => assert.equal(v, inferred[k] ? null : `r${source[k]}`, `${name} at row ${k}`));
  }
  // The ptree helpers on such a tree agree with those on the plain one.
  const rootKeys = (t: pl.DataFrame) => columnOf(ptree.getRoots(t), "proc_key").toArray();
  assert.deepEqual(rootKeys(tree), rootKeys(plain));
  assert.deepEqual(ptree.getSummaryInfo(tree), ptree.getSummaryInfo(plain));
  assert.equal(ptree.getTreeDepth(tree), ptree.getTreeDepth(plain));
  const someRoot = String(rootKeys(plain).find((k, i) => columnOf(ptree.getRoots(plain), "IsLeaf").toArray()[i] === false));
  for (const f of [ptree.getChildren, ptree.getDescendents] as const) {
    assert.deepEqual(columnOf(f(tree, someRoot), "proc_key").toArray(), columnOf(f(plain, someRoot), "proc_key").toArray());
  }
  const leaf = String(columnOf(plain, "proc_key").toArray()[columnOf(plain, "IsLeaf").toArray().lastIndexOf(true)]);
  assert.deepEqual(columnOf(ptree.getAncestors(tree, leaf), "proc_key").toArray(), columnOf(ptree.getAncestors(plain, leaf), "proc_key").toArray());
  assert.equal(frameHeight(ptree.getProcess(tree, leaf)), 1);
  assert.equal(ptree.treeToText(tree, { maxLines: 50 }), ptree.treeToText(plain, { maxLines: 50 }));
});

test("a schema column named like an output column (osquery's path) builds, and keeps its values as path_source", () => {
  const events = pl.DataFrame({
    path: ["/sbin/init", "/usr/bin/bash", "/usr/bin/curl"],
    pid: [1, 50, 51],
    parent: [0, 1, 50],
    time: ["2026-11-01T10:00:00Z", "2026-11-01T10:00:01Z", "2026-11-01T10:00:02Z"],
  });
  const tree = buildProcessTree(events, { schema: { processName: "path", processId: "pid", parentId: "parent", timeStamp: "time", pathSeparator: "/" } });
  assert.ok(columnNames(tree).includes("path_source"));
  const byImage = new Map((columnOf(tree, "path_source").toArray() as (string | null)[]).map((image, k) => [image, k]));
  const levels = columnOf(tree, "Level").toArray().map(Number);
  // init's parent (pid 0) is not in the data: an inferred root above it.
  assert.deepEqual(["/sbin/init", "/usr/bin/bash", "/usr/bin/curl"].map((image) => levels[byImage.get(image) as number]), [2, 3, 4]);
  const paths = columnOf(tree, "path").toArray() as string[];
  assert.ok(paths[byImage.get("/usr/bin/curl") as number].startsWith(paths[byImage.get("/usr/bin/bash") as number] + "/"));
});

test("a chain of processes too deep for every path builds whole: paths down to the level the limit allows, none below, with a warning (it was an error: no tree at all)", () => {
  // Each process starts the next (a program that forks its successor and exits, again and again): paths hold every
  // ancestor, n²/2 segments (100,000 deep: 33 GB of path text; the build's limit is 2 GiB, here 3,003,000 bytes: the
  // paths of levels 1 to 1,000, 6 bytes a segment).
  const n = 3000;
  const hex = (i: number) => `0x${(i + 16).toString(16)}`;
  const start = Date.UTC(2026, 10, 1);
  const chain = pl.DataFrame({
    EventID: Array.from({ length: n }, () => 4688),
    Computer: Array.from({ length: n }, () => "host"),
    TimeGenerated: pl.Series("TimeGenerated", Array.from({ length: n }, (_, i) => new Date(start + i)), pl.Datetime("ms")),
    NewProcessName: Array.from({ length: n }, () => "C:\\Windows\\System32\\cmd.exe"),
    NewProcessId: Array.from({ length: n }, (_, i) => hex(i + 1)),
    ProcessId: Array.from({ length: n }, (_, i) => hex(i)),
    ParentProcessName: Array.from({ length: n }, () => "C:\\Windows\\System32\\cmd.exe"),
    SubjectUserName: Array.from({ length: n }, () => "u"),
    SubjectLogonId: Array.from({ length: n }, () => "0x3e7"),
    CommandLine: Array.from({ length: n }, () => "cmd"),
  });
  for (const order of ["tree", "input"] as const) {
    const steps = () => {
      const events = processEvents(chain);
      const keys = processKeys(events);
      const nodes = processNodes(events, keys, matchParents(keys));
      return { events, nodes, layout: treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width) };
    };
    const full = steps();
    const whole = assembleTree(full.events, full.nodes, full.layout, order);
    const part = steps();
    const warnings: string[] = [];
    const cut = assembleTree(part.events, part.nodes, part.layout, order, { maxPathBytes: 3_003_000, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings.length, 1);
    assert.match(warnings[0], /^buildProcessTree: the tree is 3001 levels deep, and its paths would take 26 MiB of text .* the 2001 processes below level 1000 have no path \(null\)/);
    const levels = columnOf(cut, "Level").toArray() as number[];
    const paths = columnOf(cut, "path").toArray() as (string | null)[];
    const wholePaths = columnOf(whole, "path").toArray() as string[];
    assert.deepEqual(paths.map((p, k) => (levels[k] <= 1000 ? p === wholePaths[k] : p === null)), paths.map(() => true), order);
    // Every other column is the whole tree's.
    for (const name of columnNames(whole).filter((c) => c !== "path")) assert.deepEqual(columnOf(cut, name).toArray(), columnOf(whole, name).toArray(), `${order}: ${name}`);
  }
  // The build itself, whole (under its limit), every level in place; the queries read links.
  const tree = buildProcessTree(chain);
  assert.equal(ptree.getTreeDepth(tree), 3001);
});
