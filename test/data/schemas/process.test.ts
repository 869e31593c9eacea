/** Process events onto the lab's 4688 names, with the process tree's schemas (registered by the package entry). */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, inferProcessSchema, ptree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { DataColumnError } from "../../../src/data/messages";

const FOLDERS = path.join(__dirname, "..", "..", "fixtures", "schemas", "folders");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const LAB_DESCRIPTIVE = ["TimeGenerated", "Account", "Computer", "NewProcessName", "CommandLine", "SubjectUserName", "ParentProcessName"];

describe("normalizeEvents: process events", () => {
  it("leaves the lab's 4688 events unchanged", () => {
    for (const f of ["process_tree", "processes_on_host"]) {
      const df = pl.readParquet(path.join(__dirname, "..", "..", "..", "data", `${f}.parquet`));
      assert.equal(normalizeEvents(df, "process"), df, f);
    }
  });

  it("Sysmon 1 (CSV): the lab's names added, Sysmon's own ProcessId untouched", () => {
    const raw = readDataFile(path.join(FOLDERS, "sentinel-zeek-sysmon", "process_tree.csv"));
    assert.equal(detectEventSchema(raw, "process").name, "Sysmon 1");
    const df = normalizeEvents(raw, "process");
    for (const c of LAB_DESCRIPTIVE) assert.ok(df.columns.includes(c), c);
    assert.deepEqual(col(df, "ProcessId"), col(raw, "ProcessId"), "Sysmon's ProcessId is the new process: not overwritten");
    assert.ok(!df.columns.includes("NewProcessId"), "ids are read from the export's own columns");
    const ps = df.filter(pl.col("NewProcessName").str.contains("powershell"));
    assert.equal(ps.height, 1);
    assert.deepEqual(col(ps, "Account"), ["NWLOG\\m.lindqvist"]);
    assert.deepEqual(col(ps, "SubjectUserName"), ["m.lindqvist"]);
    assert.match(String(col(ps, "ParentProcessName")[0]), /WINWORD\.EXE$/);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    // The tree is still built from Sysmon's layout, not from the lab-named copies.
    assert.equal(inferProcessSchema(df.columns)?.name, "Sysmon 1");
    const tree = buildProcessTree(df);
    const word = ptree.getDescendents(tree, tree.filter(pl.col("NewProcessName").str.contains("WINWORD")));
    assert.ok(col(word, "NewProcessName").some((n) => String(n).endsWith("schtasks.exe")), "word → powershell → rundll32 → schtasks");
  });

  it("ECS process (nested NDJSON): dotted fields flattened, the lab's names added", () => {
    const raw = readDataFile(path.join(FOLDERS, "ecs", "process_tree.ndjson"));
    assert.equal(raw.getColumn("process").dtype.variant, "Struct");
    const df = normalizeEvents(raw, "process");
    for (const c of [...LAB_DESCRIPTIVE, "process.pid", "process.parent.pid", "process.executable", "@timestamp"]) assert.ok(df.columns.includes(c), c);
    assert.deepEqual([...new Set(col(df, "Computer"))], ["nwl-wks-014"]);
    assert.ok(col(df, "CommandLine").some((c) => String(c).includes("-enc SQBFAFgA")));
    assert.equal(inferProcessSchema(df.columns)?.name, "Elastic ECS process");
    const summary = ptree.getSummaryInfo(buildProcessTree(df));
    assert.equal(summary.Processes, raw.height + summary.InferredProcesses);
    assert.ok(summary.LargestTreeDepth >= 5);
  });

  it("CrowdStrike ProcessRollup2 (Event Search CSV, FDR NDJSON): the lab's names added; the tree links TargetProcessId ← ParentProcessId per sensor, whatever the times", () => {
    const PROC = path.join(__dirname, "..", "..", "fixtures", "schemas", "process");
    const raw = readDataFile(path.join(PROC, "crowdstrike_processrollup2.csv"));
    assert.equal(detectEventSchema(raw, "process").name, "CrowdStrike ProcessRollup2");
    const df = normalizeEvents(raw, "process");
    for (const c of ["TimeGenerated", "Account", "Computer", "NewProcessName", "CommandLine", "SubjectUserName"]) assert.ok(df.columns.includes(c), c);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    const tree = buildProcessTree(df);
    assert.deepEqual([...new Set(col(tree, "event_simpleName"))], ["ProcessRollup2"], "the synthetic and DNS rows are no process creations");
    assert.equal(tree.height, 6 + ptree.getSummaryInfo(tree).InferredProcesses);
    const explorer = tree.filter(pl.col("NewProcessName").str.contains("explorer.exe"));
    const below = col(ptree.getDescendents(tree, explorer), "NewProcessName").map((n) => String(n).split("\\").pop());
    // whoami's event is 50 ms before powershell's: linked by the ids all the same.
    assert.deepEqual(below, ["explorer.exe", "cmd.exe", "powershell.exe", "whoami.exe"]);
    // SRV-02's services.exe has cmd.exe's RawProcessId (5004): no link across hosts.
    const srv = tree.filter(pl.col("Computer").eq(pl.lit("SRV-02")));
    assert.deepEqual(col(ptree.getDescendents(tree, srv.filter(pl.col("NewProcessName").str.contains("services"))), "NewProcessName").map((n) => String(n).split("\\").pop()), ["services.exe", "svchost.exe"]);

    // FDR: every value text, no ComputerName: the sensor id is the host, so the same ParentProcessId on another sensor is another process.
    const fdr = readDataFile(path.join(PROC, "crowdstrike_fdr.ndjson"));
    assert.equal(detectEventSchema(fdr, "process").name, "CrowdStrike ProcessRollup2 (FDR)");
    const fdrTree = buildProcessTree(normalizeEvents(fdr, "process"));
    const fdrExplorer = fdrTree.filter(pl.col("NewProcessName").str.contains("explorer.exe"));
    assert.deepEqual(col(ptree.getDescendents(fdrTree, fdrExplorer), "CommandLine"), ["C:\\Windows\\Explorer.EXE", '"C:\\Windows\\system32\\cmd.exe" /c whoami /all'], "not SRV-02's cmd.exe, whose ParentProcessId is the same number");
  });

  it("no known schema: the closest process layout and close names", () => {
    const df = pl.DataFrame({ Image: ["C:\\x.exe"], ProcessID: [1], ParentProcessId: [2], UtcTime: ["2026-10-05 08:00:00"] });
    assert.throws(
      () => normalizeEvents(df, "process", { source: "WindowsSecurity.get_process_tree (process_tree.csv)" }),
      (err: unknown) => {
        assert.ok(err instanceof DataColumnError);
        assert.equal(err.code, "data/event-schema-unknown");
        assert.match(err.message, /process_tree\.csv/);
        assert.match(err.message, /Closest: Sysmon 1, which needs "ProcessId" \(close: "ProcessID"/);
        return true;
      },
    );
  });
});
