/**
 * The process-creation layouts hunters export, one sample file each
 * (test/fixtures/schemas/process/, written by
 * scripts/make-process-schema-fixtures.ts): the schema is inferred from the
 * columns, the tree has the expected roots and chains (PID reuse included),
 * plotProcessTree renders it and addProcessFeatures reads the layout's
 * columns. Plus schema inference itself and its error when nothing fits.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { addProcessFeatures, normalizeEvents } from "../../src";
import { readDataFile } from "../../src/data/readers";
import { buildProcessTree, processTreeSchema } from "../../src/transform/processTree";
import {
  ECS_PROCESS_SCHEMA,
  LX_EVENT_SCHEMA,
  MDE_EVENT_SCHEMA,
  OCSF_PROCESS_SCHEMA,
  SYSMON_PROCESS_CREATE_SCHEMA,
  WIN_EVENT_SCHEMA,
  WIN_WINDOWSEVENT_SCHEMA,
  inferProcSchema,
  inferSchema,
  labColumnsOf,
  type ProcSchema,
} from "../../src/transform/processTreeSchema";
import { getSummaryInfo, ptree } from "../../src/transform/processTreeUtils";
import { plotProcessTree } from "../../src/vis/processTree";
import { generateMde } from "../helpers/processEvents";

const DIR = join(__dirname, "..", "fixtures", "schemas", "process");

function col<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as unknown as T[];
}

/** The file names (after the last / or \) from the root down to each process, as "a > b > c". */
function chains(tree: pl.DataFrame, schema: ProcSchema): string[] {
  const keys = col<string>(tree, "proc_key");
  const parents = col<string | null>(tree, "parent_key");
  const names = col<string | null>(tree, schema.processName).map((n) => String(n ?? "?").split(/[\\/]/).pop() as string);
  const parentOf = new Map(keys.map((k, i) => [k, parents[i]]));
  const nameOf = new Map(keys.map((k, i) => [k, names[i]]));
  return keys.map((k) => {
    const chain: string[] = [];
    for (let at: string | null | undefined = k, guard = 0; at && guard < 100; at = parentOf.get(at), guard += 1) chain.unshift(nameOf.get(at) as string);
    return chain.join(" > ");
  });
}

interface Case {
  file: string;
  schema: ProcSchema;
  events: number;
  roots: string[];
  /** Chains (from the root) that must be in the tree. */
  chains: string[];
  /** A process (its command line starts with this) and the command line its parent must have: the PID-reuse check. */
  reuse: [string, string];
}

const WIN_CHAIN = "OUTLOOK.EXE > WINWORD.EXE > cmd.exe > powershell.exe > rundll32.exe > cmd.exe > schtasks.exe";
const WIN_REUSE: [string, string] = ["ipconfig", '"C:\\Windows\\System32\\cmd.exe" '];
const LX_CHAIN = "sshd > sshd > sshd > bash > dash > kdevtmpfsi";

const CASES: Case[] = [
  {
    file: "win4688-securityevent.csv",
    schema: WIN_EVENT_SCHEMA,
    events: 23,
    // No grandparent columns: the parents before the export are inferred, one level up.
    roots: ["explorer.exe", "services.exe", "svchost.exe", "svchost.exe"],
    chains: [`explorer.exe > ${WIN_CHAIN}`, "svchost.exe > sc.exe > conhost.exe", "services.exe > msiexec.exe"],
    reuse: WIN_REUSE,
  },
  {
    file: "win4688-windowsevent.ndjson",
    schema: WIN_WINDOWSEVENT_SCHEMA,
    events: 23,
    roots: ["explorer.exe", "services.exe", "svchost.exe", "svchost.exe"],
    chains: [`explorer.exe > ${WIN_CHAIN}`, "svchost.exe > WmiPrvSE.exe"],
    reuse: WIN_REUSE,
  },
  {
    file: "sysmon1.csv",
    schema: SYSMON_PROCESS_CREATE_SCHEMA,
    events: 23,
    roots: ["explorer.exe", "services.exe", "svchost.exe", "svchost.exe"],
    chains: [`explorer.exe > ${WIN_CHAIN}`, "explorer.exe > cmd.exe > PING.EXE"],
    reuse: WIN_REUSE,
  },
  {
    file: "mde.csv",
    schema: MDE_EVENT_SCHEMA,
    events: 23,
    // Grandparents link the service processes up to wininit.
    roots: ["explorer.exe", "wininit.exe"],
    chains: [`explorer.exe > ${WIN_CHAIN}`, "wininit.exe > services.exe > svchost.exe > sc.exe > conhost.exe", "wininit.exe > services.exe > msiexec.exe"],
    reuse: WIN_REUSE,
  },
  {
    file: "ocsf.ndjson",
    schema: OCSF_PROCESS_SCHEMA,
    events: 23,
    roots: ["explorer.exe", "wininit.exe"],
    chains: [`explorer.exe > ${WIN_CHAIN}`, "wininit.exe > services.exe > svchost.exe > sc.exe > conhost.exe"],
    reuse: WIN_REUSE,
  },
  {
    file: "auditd.csv",
    schema: LX_EVENT_SCHEMA,
    events: 19,
    // auditd names no parent image: the inferred parents are "unknown".
    roots: ["unknown", "unknown"],
    chains: ["unknown > sshd > sshd > bash > dash > kdevtmpfsi", "unknown > dash > run-parts > logrotate"],
    reuse: ["systemctl", "sudo systemctl status nginx"],
  },
  {
    file: "ecs.ndjson",
    schema: ECS_PROCESS_SCHEMA,
    events: 19,
    roots: ["cron", "sshd"],
    chains: [LX_CHAIN, "cron > dash > run-parts > logrotate", "sshd > sshd > sshd > bash > sudo > systemctl > less"],
    reuse: ["mkdir", "sh /tmp/.x.sh"],
  },
];

describe("process layouts: one sample export each", () => {
  for (const c of CASES) {
    it(`${c.file}: ${c.schema.name}, its roots and chains, plot and features`, () => {
      const df = readDataFile(join(DIR, c.file));
      assert.equal(inferProcSchema(df), c.schema);
      const tree = buildProcessTree(df);
      const real = tree.filter(pl.col("IsInferred").not());
      assert.equal(real.height, c.events);
      const roots = ptree.getRoots(tree);
      assert.deepEqual(col<string>(roots, c.schema.processName).map((n) => n.split(/[\\/]/).pop()).sort(), c.roots);
      const all = chains(tree, c.schema);
      for (const chain of c.chains) assert.ok(all.includes(chain), `${chain} not in\n${all.join("\n")}`);
      // PID reuse: the process links to the later holder of its parent's id.
      const cmd = c.schema.cmdLine as string;
      const child = tree.filter(pl.col(cmd).str.contains(`^${c.reuse[0]}`));
      assert.equal(child.height, 1);
      const parent = tree.filter(pl.col("proc_key").eq(pl.lit(child.getColumn("parent_key").get(0) as string)));
      assert.equal(parent.getColumn(cmd).get(0), c.reuse[1]);

      const plot = plotProcessTree(tree, { legendCol: c.schema.userName });
      assert.equal(plot.processes, tree.height);
      const page = plot.toHtml();
      assert.ok(page.includes(c.file.startsWith("auditd") || c.file.startsWith("ecs") ? "kdevtmpfsi" : "schtasks.exe"));

      const features = addProcessFeatures(df);
      assert.ok(["processName", "pathScore", "commandlineLen", "commandlineTokensHash"].every((f) => features.columns.includes(f)), c.file);
      const names = col<string>(features, "processName");
      assert.ok(names.includes(c.file.startsWith("auditd") || c.file.startsWith("ecs") ? "kdevtmpfsi" : "schtasks.exe"), names.join(","));
      assert.equal(col<number>(features, "commandlineLen").filter((n) => n > 0).length, df.height - col<string | null>(df, cmd).filter((v) => !v).length);
    });
  }

  it("an optional time column with no value at all (OCSF's parent created_time, read from NDJSON as type Null) is as absent (the build was refused)", () => {
    const t0 = Date.UTC(2024, 0, 1, 10);
    const row = (dt: number, path: string, pid: number, ppath: string, ppid: number, uid: string, puid: string) => ({
      class_uid: 1007, activity_id: 1, time: t0 + dt, "device.hostname": "h1", "process.file.path": path, "process.pid": pid, "process.uid": uid,
      "process.cmd_line": `${path} /c`, "process.created_time": t0 + dt, "process.parent_process.file.path": ppath, "process.parent_process.pid": ppid,
      "process.parent_process.uid": puid, "process.parent_process.created_time": null, "actor.user.name": "u",
    });
    const dir = fs.mkdtempSync(join(os.tmpdir(), "huntlab-ocsf-"));
    const file = join(dir, "ocsf.ndjson");
    const rows = [row(0, "C:\\Windows\\services.exe", 10, "C:\\Windows\\wininit.exe", 5, "U1", "U0"), row(1000, "C:\\Windows\\svchost.exe", 20, "C:\\Windows\\services.exe", 10, "U2", "U1")];
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    try {
      const df = readDataFile(file);
      assert.equal(df.getColumn("process.parent_process.created_time").dtype.variant, "Null");
      const tree = buildProcessTree(df);
      assert.deepEqual(col<number>(tree, "Level"), [1, 2, 3]);
      assert.deepEqual(col<boolean>(tree, "IsInferred"), [true, false, false]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("marks SYSTEM sessions in numeric (MDE) and hex (4688, Sysmon) logon ids", () => {
    const mde = addProcessFeatures(readDataFile(join(DIR, "mde.csv")));
    const sc = mde.filter(pl.col("FileName").eq(pl.lit("sc.exe")));
    assert.deepEqual(col(sc, "isSystemSession"), [true]);
    assert.equal(col(sc, "processName")[0], "sc.exe");
    const sysmon = addProcessFeatures(readDataFile(join(DIR, "sysmon1.csv")).filter(pl.col("EventID").eq(1)));
    assert.deepEqual(col(sysmon.filter(pl.col("Image").str.contains("msiexec", true)), "isSystemSession"), [true]);
  });
});

describe("process schema inference", () => {
  it("tells SecurityEvent from WindowsEvent by the table's own columns", () => {
    const base = ["TimeGenerated", "Computer", "EventID", "NewProcessName", "NewProcessId", "ProcessId", "ParentProcessName", "CommandLine", "SubjectLogonId"];
    assert.equal(inferSchema(base), WIN_EVENT_SCHEMA);
    assert.equal(inferSchema([...base, "Activity", "EventSourceName"]), WIN_EVENT_SCHEMA);
    assert.equal(inferSchema([...base, "Channel", "Provider", "EventOriginId"]), WIN_WINDOWSEVENT_SCHEMA);
  });

  it("keeps a frame's own richer layout when lab-named copies of its columns are added", () => {
    const { df } = generateMde(20, { seed: 2 });
    // What a mapping layer adds: lab names beside the originals (ids included, worst case).
    const aliased = df.withColumns(
      pl.col("Timestamp").alias("TimeGenerated"),
      pl.col("FolderPath").alias("NewProcessName"),
      pl.col("ProcessId").alias("NewProcessId"),
      pl.col("InitiatingProcessFolderPath").alias("ParentProcessName"),
      pl.col("ProcessCommandLine").alias("CommandLine"),
      pl.col("AccountName").alias("SubjectUserName"),
      pl.col("InitiatingProcessLogonId").alias("SubjectLogonId"),
      pl.col("LogonId").alias("TargetLogonId"),
      pl.col("DeviceName").alias("Computer"),
      pl.lit(4688).alias("EventID"),
    );
    assert.equal(inferProcSchema(aliased), MDE_EVENT_SCHEMA);
    const trimmed = aliased.select("Timestamp", "DeviceName", "FileName", "ProcessId", "InitiatingProcessId", "TimeGenerated", "NewProcessName", "NewProcessId", "ParentProcessName", "CommandLine", "SubjectUserName", "SubjectLogonId", "Computer", "EventID");
    assert.equal(inferProcSchema(trimmed), MDE_EVENT_SCHEMA);
    assert.deepEqual(
      buildProcessTree(aliased).select("proc_key", "parent_key").toRecords(),
      buildProcessTree(df).select("proc_key", "parent_key").toRecords(),
    );
  });

  it("maps a layout's columns onto the lab's 4688 names", () => {
    assert.deepEqual(labColumnsOf(MDE_EVENT_SCHEMA), {
      TimeGenerated: "Timestamp",
      NewProcessName: "FileName",
      NewProcessId: "ProcessId",
      ProcessId: "InitiatingProcessId",
      ParentProcessName: "InitiatingProcessFileName",
      CommandLine: "ProcessCommandLine",
      SubjectUserName: "AccountName",
      SubjectUserSid: "AccountSid",
      SubjectLogonId: "InitiatingProcessLogonId",
      TargetLogonId: "LogonId",
      Computer: "DeviceName",
    });
    assert.equal(labColumnsOf(ECS_PROCESS_SCHEMA).NewProcessId, "process.pid");
  });

  it("names the closest layout's missing columns and the frame's close names when nothing fits", () => {
    const df = pl.DataFrame({ "@timestamp": ["2026-11-03T22:41:02Z"], "process.pid": [1], "process.ppid": [0], "process.exe": ["/bin/sh"], "process.command_line": ["sh"], "host.name": ["h"] });
    assert.throws(
      () => buildProcessTree(df),
      (e: Error & { code?: string }) =>
        e.code === "transform/process-schema-unknown" &&
        e.message.includes("Closest layout: Elastic ECS process") &&
        /"process\.executable" \(close: [^)]*"process\.exe"/.test(e.message) &&
        /"process\.parent\.pid" \(close: [^)]*"process\.ppid"/.test(e.message),
    );
  });

  it("ECS events without process.executable (a Kibana Discover CSV of process.name, pids, command line) build with the file names; the path wins where it is there", () => {
    // Kibana's Discover CSV: quoted dotted headers, its default date format, a column choice without process.executable.
    const header = '"@timestamp","host.name","event.category","event.type","process.name","process.pid","process.parent.name","process.parent.pid","process.command_line","user.name"';
    const lines = [
      '"Dec 7, 2026 @ 08:15:03.123","wks-1","process","start","explorer.exe",400,"userinit.exe",380,"C:\\Windows\\Explorer.EXE","alice"',
      '"Dec 7, 2026 @ 08:16:00.000","wks-1","process","start","cmd.exe",512,"explorer.exe",400,"cmd.exe /c whoami","alice"',
      '"Dec 7, 2026 @ 08:16:01.500","wks-1","process","start","whoami.exe",600,"cmd.exe",512,"whoami","alice"',
      // The same pid on another host is another process.
      '"Dec 7, 2026 @ 08:17:00.000","srv-2","process","start","sh",512,"sshd",90,"sh -c id","root"',
      '"Dec 7, 2026 @ 08:17:00.100","srv-2","network","start","sh",512,"sshd",90,"sh -c id","root"',
    ];
    const dir = fs.mkdtempSync(join(os.tmpdir(), "huntlab-discover-"));
    const file = join(dir, "discover.csv");
    fs.writeFileSync(file, [header, ...lines].join("\n") + "\n");
    try {
      const df = readDataFile(file);
      assert.equal(inferProcSchema(df)?.name, "Elastic ECS process (file names)");
      const tree = buildProcessTree(df);
      const byName = new Map(tree.select("process.name", "Level", "IsInferred", "host.name").toRecords().map((r) => [`${r["host.name"]}/${r["process.name"]}`, r]));
      assert.equal(tree.filter(pl.col("IsInferred").not()).height, 4, "the network event is left out");
      assert.equal(byName.get("wks-1/explorer.exe")?.Level, 2);
      assert.equal(byName.get("wks-1/cmd.exe")?.Level, 3);
      assert.equal(byName.get("wks-1/whoami.exe")?.Level, 4);
      assert.equal(byName.get("srv-2/sh")?.Level, 2);
      // The rebuilt parents are named by process.parent.name.
      assert.deepEqual(col<string>(tree.filter(pl.col("IsInferred")), "process.name").sort(), ["sshd", "userinit.exe"]);
      // The schema layer reads the same layout: the lab's image is the file name.
      assert.deepEqual(col<string>(normalizeEvents(df, "process"), "NewProcessName"), ["explorer.exe", "cmd.exe", "whoami.exe", "sh"]);
      // With process.executable, the full layout reads the paths.
      const withPath = df.withColumns(pl.lit("C:\\Windows\\System32\\x.exe").alias("process.executable"));
      assert.equal(inferProcSchema(withPath)?.name, "Elastic ECS process");
      assert.equal(inferSchema(withPath.columns)?.processName, "process.executable");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ECS events whose process.executable column is there but holds no value (a Discover column chosen, empty) build with the file names, as without it", () => {
    const header = '"@timestamp","host.name","process.executable","process.pid","process.parent.pid","process.name","process.parent.name","process.command_line"';
    const lines = [
      '"Dec 7, 2026 @ 08:15:03.123","h1",,200,100,"cmd.exe","explorer.exe","cmd /c x"',
      '"Dec 7, 2026 @ 08:15:04.123","h1",,300,200,"whoami.exe","cmd.exe","whoami"',
      '"Dec 7, 2026 @ 08:15:05.123","h2",,300,90,"sh","sshd","sh -c id"',
    ];
    const dir = fs.mkdtempSync(join(os.tmpdir(), "huntlab-discover-"));
    const file = join(dir, "discover_emptyexe.csv");
    fs.writeFileSync(file, [header, ...lines].join("\n") + "\n");
    try {
      const read = readDataFile(file);
      // Read as nulls, or as empty text (a frame built in a notebook): both are no value.
      const empty = read.withColumns(pl.lit("").alias("process.executable"));
      for (const df of [read, empty]) {
        assert.equal(inferProcSchema(df)?.name, "Elastic ECS process (file names)");
        assert.equal(processTreeSchema(df).name, "Elastic ECS process (file names)");
        const tree = buildProcessTree(df);
        const real = tree.filter(pl.col("IsInferred").not());
        assert.deepEqual(col<string>(real, "process.name"), ["cmd.exe", "whoami.exe", "sh"]);
        assert.ok(col<string>(tree, "proc_key").every((k) => !k.startsWith("|")), "every key names its image");
        assert.equal(real.filter(pl.col("process.name").eq(pl.lit("whoami.exe"))).getColumn("Level").get(0), 3);
        assert.deepEqual(col<string>(normalizeEvents(df, "process"), "NewProcessName"), ["cmd.exe", "whoami.exe", "sh"]);
      }
      // One value is enough for the full layout.
      const one = read.withColumns(pl.when(pl.col("process.pid").eq(200)).then(pl.lit("C:\\x\\cmd.exe")).otherwise(pl.lit(null)).alias("process.executable"));
      assert.equal(inferProcSchema(one)?.name, "Elastic ECS process");
      // A schema the caller wrote is read as written.
      assert.equal(processTreeSchema(read, ECS_PROCESS_SCHEMA).processName, "process.executable");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a column the caller wrote into a schema must be in the events: a misspelt hostName matched parents across hosts", () => {
    // Two hosts, each with its own process 100 spawning 200: per host, 200's parent is its own host's 100.
    const df = pl.DataFrame({
      Computer: ["a", "b", "a", "b"],
      NewProcessName: ["p.exe", "p.exe", "c.exe", "c.exe"],
      NewProcessId: ["0x100", "0x100", "0x200", "0x200"],
      ProcessId: ["0x4", "0x4", "0x100", "0x100"],
      TimeGenerated: ["2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"],
    });
    const own = { processName: "NewProcessName", processId: "NewProcessId", parentId: "ProcessId", timeStamp: "TimeGenerated" };
    assert.throws(
      () => buildProcessTree(df, { schema: { ...own, hostName: "Comptuer" } }),
      (e: Error & { code?: string }) => e.code === "transform/process-column-missing" && /"Comptuer" \(hostName; did you mean "Computer"\?\)/.test(e.message) && /across hosts/.test(e.message),
    );
    // Spread from a built-in and changed: the changed field is the caller's.
    assert.throws(() => buildProcessTree(df, { schema: { ...WIN_EVENT_SCHEMA, hostName: "Host" } }), { code: "transform/process-column-missing" });
    // The fields a built-in gives skip the columns a frame lacks, passed whole or spread (this frame has no CommandLine, SubjectLogonId…).
    const whole = buildProcessTree(df, { schema: WIN_EVENT_SCHEMA });
    const spread = buildProcessTree(df, { schema: { ...WIN_EVENT_SCHEMA } });
    const rightHost = buildProcessTree(df, { schema: { ...own, hostName: "Computer" } });
    // Spread and renamed: the built-in's fields still skip the columns this frame lacks (it was refused, naming them).
    const renamed = buildProcessTree(df, { schema: { ...WIN_EVENT_SCHEMA, name: "my 4688", hostName: "Computer" } });
    // A misspelt field name, or a column named by a number, was skipped: parents matched across hosts.
    assert.throws(() => buildProcessTree(df, { schema: { ...WIN_EVENT_SCHEMA, hostname: "Computer" } as never }), (e: Error) => /schema\.hostname must be a field of a process schema \(did you mean hostName\?\)/.test(e.message));
    assert.throws(() => buildProcessTree(df, { schema: { ...own, hostName: 5 } as never }), /schema\.hostName must be a column name \(got 5\)/);
    // processTreeSchema says what buildProcessTree would do: the same refusal.
    assert.throws(() => processTreeSchema(df, { ...own, hostName: "Comptuer" }), { code: "transform/process-column-missing" });
    for (const tree of [whole, spread, rightHost, renamed]) {
      const children = tree.filter(pl.col("NewProcessName").eq(pl.lit("c.exe")));
      assert.deepEqual(children.getColumn("parent_key").toArray().map((k) => String(k).split("|")[0]), ["p.exe", "p.exe"]);
      // Each child's parent is on its own host: two distinct parent keys.
      assert.equal(new Set(children.getColumn("parent_key").toArray()).size, 2);
    }
  });
});

describe("process trees from NDJSON mixing dotted and nested events", () => {
  it("every event is read, whichever way it is written (the nested ones were dropped without a word)", () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), "huntlab-ptree-mixed-"));
    const file = join(dir, "mixed.ndjson");
    const nested = (pid: number, ppid: number, exe: string, pexe: string, t: string) =>
      JSON.stringify({ "@timestamp": t, event: { type: ["start"], category: ["process"] }, host: { name: "h1" }, process: { executable: exe, pid, parent: { pid: ppid, executable: pexe } } });
    fs.writeFileSync(
      file,
      [
        nested(100, 1, "/usr/bin/bash", "/sbin/init", "2024-03-01T10:00:00Z"),
        nested(200, 100, "/usr/bin/curl", "/usr/bin/bash", "2024-03-01T10:00:01Z"),
        JSON.stringify({ "@timestamp": "2024-03-01T10:00:02Z", "event.type": "start", "event.category": "process", "host.name": "h1", "process.executable": "/usr/bin/id", "process.pid": 300, "process.parent.pid": 200, "process.parent.executable": "/usr/bin/curl" }),
      ].join("\n") + "\n",
    );
    const tree = buildProcessTree(readDataFile(file));
    const real = tree.filter(pl.col("IsInferred").not());
    assert.deepEqual((real.getColumn("process.pid").toArray() as unknown[]).map(Number).sort(), [100, 200, 300]);
    // id's parent is the real curl, not an inferred one.
    assert.equal(tree.filter(pl.col("IsInferred")).height, 1, "only init is inferred");
  });
});

describe("MSTICPy's MDE internal schema given by the caller", () => {
  // Two children of PID 504 on one host, their parents (not in the data) two processes: svchost started at 00:00,
  // then the PID reused by other.exe at 00:00:15; each parent's own parent is in the child's grandparent columns.
  const events = pl.DataFrame({
    ComputerDnsName: ["h1", "h1"],
    CreatedProcessName: ["a.exe", "b.exe"],
    CreatedProcessId: [100, 101],
    CreatedProcessCreationTime: ["2026-01-01T00:00:10Z", "2026-01-01T00:00:20Z"],
    CreatedProcessCommandLine: ["a", "b"],
    CreatedProcessAccountName: ["u", "u"],
    CreatedProcessAccountSid: ["S-1", "S-1"],
    CreatedProcessParentId: [504, 504],
    CreatedProcessParentName: ["svchost.exe", "other.exe"],
    InitiatingProcessId: [504, 504],
    InitiatingProcessName: ["svchost.exe", "other.exe"],
    InitiatingProcessCreationTime: ["2026-01-01T00:00:00Z", "2026-01-01T00:00:15Z"],
    InitiatingProcessParentProcessId: [600, 700],
    InitiatingProcessParentProcessName: ["services.exe", "explorer.exe"],
    InitiatingProcessParentCreationTime: ["2025-12-31T23:00:00Z", "2025-12-31T23:30:00Z"],
    InitiatingProcessLogonId: [999, 999],
    LogonId: [999, 999],
    MachineId: ["m", "m"],
  });
  // test_build_mde_win_tree_dict_schema's dict (MDE_INT_EVENT_SCH, parent_id CreatedProcessParentId), in huntlab's names.
  const msticpy = {
    timeStamp: "CreatedProcessCreationTime",
    processName: "CreatedProcessName",
    processId: "CreatedProcessId",
    parentName: "ParentProcessName",
    parentId: "CreatedProcessParentId",
    logonId: "InitiatingProcessLogonId",
    targetLogonId: "LogonId",
    cmdLine: "CreatedProcessCommandLine",
    userName: "CreatedProcessAccountName",
    pathSeparator: "\\",
    userId: "CreatedProcessAccountSid",
    hostName: "ComputerDnsName",
  };

  it("builds the MDE way, as MSTICPy does for a schema equal to its MDE_INT_EVENT_SCH (it built a generic Windows tree: one parent for both children)", () => {
    const inferred = buildProcessTree(events);
    assert.equal(processTreeSchema(events).name, "MDE internal");
    for (const schema of [msticpy, { ...msticpy, eventIdColumn: "MachineId", eventIdIdentifier: "m" }]) {
      const tree = buildProcessTree(events, { schema });
      assert.equal(processTreeSchema(events, schema).name, "MDE internal");
      // Two rebuilt parents, each under its rebuilt grandparent: 6 processes, 2 roots, 3 levels.
      assert.deepEqual(getSummaryInfo(tree), getSummaryInfo(inferred));
      assert.deepEqual({ n: tree.height, roots: ptree.getRoots(tree).height, depth: Math.max(...col<number>(tree, "Level")) }, { n: 6, roots: 2, depth: 3 });
      assert.deepEqual(col<string>(tree, "proc_key").sort(), col<string>(inferred, "proc_key").sort());
    }
    // Any field changed: the caller's own schema, built generically (MSTICPy's equality too).
    assert.equal(processTreeSchema(events, { ...msticpy, hostName: "MachineId" }).name, "custom");
  });
});

describe("a schema in MSTICPy's own key names", () => {
  const df = pl.DataFrame({
    Computer: ["a", "b", "a", "b"],
    NewProcessName: ["p.exe", "p.exe", "c.exe", "c.exe"],
    NewProcessId: ["0x100", "0x100", "0x200", "0x200"],
    ProcessId: ["0x4", "0x4", "0x100", "0x100"],
    CommandLine: ["p", "p", "c", "c"],
    TimeGenerated: ["2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"],
  });
  it("reads MSTICPy's dict keys (process_name, host_name_column…; None as not given), as MSTICPy users write them (they were refused with a hint)", () => {
    // test_build_win_tree_dict_schema_no_logon_id's dict, reduced to this frame's columns.
    const snake = { time_stamp: "TimeGenerated", process_name: "NewProcessName", process_id: "NewProcessId", parent_id: "ProcessId", cmd_line: "CommandLine", path_separator: "\\", logon_id: null, host_name_column: "Computer" };
    const camel = { timeStamp: "TimeGenerated", processName: "NewProcessName", processId: "NewProcessId", parentId: "ProcessId", cmdLine: "CommandLine", pathSeparator: "\\", hostName: "Computer" };
    const tree = buildProcessTree(df, { schema: snake as never });
    assert.deepEqual(col<string>(tree, "proc_key"), col<string>(buildProcessTree(df, { schema: camel }), "proc_key"));
    // The host is read: each child's parent is on its own host.
    assert.equal(new Set(col<string>(tree.filter(pl.col("NewProcessName").eq(pl.lit("c.exe"))), "parent_key")).size, 2);
    assert.equal(processTreeSchema(df, snake as never).hostName, "Computer");
    // Both spellings of one field: an error naming both.
    assert.throws(() => buildProcessTree(df, { schema: { ...camel, host_name_column: "Computer" } as never }), /schema\.host_name_column .*hostName/);
  });
});
