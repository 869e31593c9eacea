/**
 * Parent cycles: events whose links make processes each other's ancestors (equal or coarse times under PID
 * matching; parent GUIDs, which win over times; forged events). Before, such processes and everything they
 * started had no root: IsRoot false for all, Level 1, a path of their own, and `ptree.getRoots` left them out.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { cutParentCycles } from "../../src/transform/processTreeSteps";
import { ptree } from "../../src/transform/processTreeUtils";

function col<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as unknown as T[];
}

/** Sysmon 1 events: image, pid, GUID, parent pid, parent image, parent GUID, time. */
function sysmon(rows: [string, number, string, number, string, string, string][]): pl.DataFrame {
  return pl.DataFrame({
    EventID: rows.map(() => 1),
    Computer: rows.map(() => "ws1"),
    UtcTime: rows.map((r) => `2024-01-01 ${r[6]}`),
    Image: rows.map((r) => r[0]),
    ProcessId: rows.map((r) => r[1]),
    ProcessGuid: rows.map((r) => r[2]),
    ParentProcessId: rows.map((r) => r[3]),
    ParentImage: rows.map((r) => r[4]),
    ParentProcessGuid: rows.map((r) => r[5]),
    CommandLine: rows.map((r) => r[0]),
    User: rows.map(() => "CORP\\dana"),
  });
}

function built(events: pl.DataFrame): { tree: pl.DataFrame; warnings: string[] } {
  const warnings: string[] = [];
  return { tree: buildProcessTree(events, { warn: (m) => warnings.push(m) }), warnings };
}

describe("parent cycles", () => {
  it("Sysmon GUIDs naming each other as parent: the earlier process is the root, the later and its child under it, with a warning", () => {
    const { tree, warnings } = built(
      sysmon([
        ["C:\\w\\b.exe", 20, "{B}", 10, "C:\\w\\a.exe", "{A}", "10:00:01.000"],
        ["C:\\w\\a.exe", 10, "{A}", 20, "C:\\w\\b.exe", "{B}", "10:00:00.000"],
        ["C:\\w\\c.exe", 30, "{C}", 20, "C:\\w\\b.exe", "{B}", "10:00:02.000"],
      ]),
    );
    assert.deepEqual(col(tree, "Image"), ["C:\\w\\a.exe", "C:\\w\\b.exe", "C:\\w\\c.exe"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3]);
    assert.deepEqual(col(tree, "IsRoot"), [true, false, false]);
    assert.deepEqual(col(tree, "NodeRole"), ["root", "branch", "leaf"]);
    assert.deepEqual(col(tree, "parent_key"), [null, "c:\\w\\a.exe|10|2024-01-01 10:00:00.000000", "c:\\w\\b.exe|20|2024-01-01 10:00:01.000000"]);
    assert.deepEqual(col(tree, "path"), ["00001", "00001/00000", "00001/00000/00002"]);
    assert.deepEqual(col(tree, "ParentProcessGuid"), ["{B}", "{A}", "{B}"], "the cut process keeps the parent its event names");
    assert.equal(ptree.getRoots(tree).height, 1);
    assert.equal(ptree.getDescendents(tree, col<string>(tree, "proc_key")[0]).height, 3);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^buildProcessTree: 1 parent cycle in the events .*"C:\\\\w\\\\a\.exe" \[10\] \(input row 1\) → "C:\\\\w\\\\b\.exe" \[20\] \(input row 0\) → the first again/);
  });

  it("auditd events of the same second whose pid and ppid name each other (PID reuse): one root, not none", () => {
    const { tree, warnings } = built(
      pl.DataFrame({
        TimeGenerated: ["2024-01-01 10:00:00", "2024-01-01 10:00:00", "2024-01-01 10:00:00"],
        Computer: ["l", "l", "l"],
        EventType: ["SYSCALL_EXECVE", "SYSCALL_EXECVE", "SYSCALL_EXECVE"],
        exe: ["/usr/bin/sh", "/usr/bin/sh", "/usr/bin/id"],
        pid: [4100, 4200, 4300],
        ppid: [4200, 4100, 4200],
        cmdline: ["sh -c a", "sh -c b", "id"],
      }),
    );
    assert.deepEqual(col(tree, "cmdline"), ["sh -c a", "sh -c b", "id"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3]);
    assert.deepEqual(col(tree, "NodeRole"), ["root", "branch", "leaf"]);
    assert.equal(ptree.getRoots(tree).height, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /"\/usr\/bin\/sh" \[4100\] \(input row 0\) → "\/usr\/bin\/sh" \[4200\] \(input row 1\)/);
  });

  it("a cycle of three under a process that starts earlier than all of them: cut above the cycle's earliest member, the tail stays under it", () => {
    // d (09:59, the earliest) names c as parent; b's parent is a, a's c, c's b: a cycle whose earliest member is b.
    const { tree, warnings } = built(
      sysmon([
        ["C:\\w\\a.exe", 1, "{A}", 3, "C:\\w\\c.exe", "{C}", "10:00:03.000"],
        ["C:\\w\\b.exe", 2, "{B}", 1, "C:\\w\\a.exe", "{A}", "10:00:01.000"],
        ["C:\\w\\c.exe", 3, "{C}", 2, "C:\\w\\b.exe", "{B}", "10:00:02.000"],
        ["C:\\w\\d.exe", 4, "{D}", 3, "C:\\w\\c.exe", "{C}", "09:59:00.000"],
      ]),
    );
    assert.deepEqual(col(tree, "Image"), ["C:\\w\\b.exe", "C:\\w\\c.exe", "C:\\w\\d.exe", "C:\\w\\a.exe"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3, 3]);
    assert.equal(ptree.getRoots(tree).height, 1);
    assert.match(warnings[0], /each followed by its parent: "C:\\\\w\\\\b\.exe" \[2\] \(input row 1\) → "C:\\\\w\\\\a\.exe" \[1\] \(input row 0\) → "C:\\\\w\\\\c\.exe" \[3\] \(input row 2\) → the first again/);
  });

  it("a tree without cycles is built as before, without a warning", () => {
    const { tree, warnings } = built(
      sysmon([
        ["C:\\w\\a.exe", 10, "{A}", 4, "C:\\w\\p.exe", "{P}", "10:00:00.000"],
        ["C:\\w\\b.exe", 20, "{B}", 10, "C:\\w\\a.exe", "{A}", "10:00:01.000"],
      ]),
    );
    assert.deepEqual(col(tree, "Level"), [1, 2, 3]);
    assert.deepEqual(col(tree, "IsInferred"), [true, false, false]);
    assert.deepEqual(warnings, []);
  });
});

describe("cutParentCycles (step)", () => {
  it("cuts each cycle once, above its earliest node in order; every walk up then ends at a root", () => {
    // 0 → 1 → 2 → 0 (a cycle), 3 under 2, 4 its own parent, 5 → 6 → 5 with 6 first in order; 7 a plain root.
    const parent = Int32Array.from([1, 2, 0, 2, 4, 6, 5, -1]);
    const order = [7, 3, 6, 2, 0, 1, 5, 4];
    const cuts = cutParentCycles(parent, order);
    assert.deepEqual(cuts, [
      { node: 2, cycle: [2, 0, 1] },
      { node: 6, cycle: [6, 5] },
      { node: 4, cycle: [4] },
    ]);
    assert.deepEqual([...parent], [1, 2, -1, 2, -1, 6, -1, -1]);
  });

  it("a cycle through 300,000 nodes with a long tail: one cut, and no walk up loops", () => {
    const n = 300_000;
    // Nodes 0..n-1 each name the next as parent, the last names node 0; nodes n..2n-1 hang below as a chain into node 5.
    const parent = new Int32Array(2 * n);
    for (let i = 0; i < n; i += 1) parent[i] = (i + 1) % n;
    for (let i = n; i < 2 * n; i += 1) parent[i] = i === n ? 5 : i - 1;
    const order = Array.from({ length: 2 * n }, (_, k) => 2 * n - 1 - k); // the tail first, node 0 last
    const cuts = cutParentCycles(parent, order);
    assert.equal(cuts.length, 1);
    assert.equal(cuts[0].node, n - 1, "the cycle's earliest node in order");
    assert.equal(cuts[0].cycle.length, n);
    assert.equal(parent[n - 1], -1);
    let roots = 0;
    for (let i = 0; i < 2 * n; i += 1) if (parent[i] < 0) roots += 1;
    assert.equal(roots, 1);
    // Depth of the deepest node: the whole cycle then the tail, each link once.
    let depth = 0;
    for (let at = 2 * n - 1; at >= 0; at = parent[at]) depth += 1;
    assert.equal(depth, n + (n - 5));
  });
});
