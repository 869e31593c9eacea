/**
 * Wazuh alerts (`alerts.json`, one alert per line, the Windows event under `data.win`: `system.*` and `eventdata.*`
 * with each name's first letter lower-cased) of Sysmon 1, Security 4688 and 4624/4625: detected, mapped onto the
 * lab's names, and built into a process tree. Synthetic alerts in the shape Wazuh's Windows EventChannel decoder writes.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, inferProcessSchema, processTreeSchema, ptree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { tempDir } from "../../helpers/tmp";
import { processRows, treeFrame } from "../../../src/vis/processTree";

const SYSMON = "Microsoft-Windows-Sysmon/Operational";
let record = 1000;

/** One Wazuh alert of a Windows event: `eventdata` as Wazuh writes it (camelCase names, every value text). */
function alert(host: string, channel: string, eventID: number, systemTime: string, eventdata: Record<string, string>, rule = "61603") {
  record += 1;
  return {
    timestamp: systemTime.replace(/\.(\d{3})\d*Z$/, ".$1+0000"),
    rule: { level: 3, description: `Windows event ${eventID}`, id: rule, firedtimes: 1, mail: false, groups: ["windows"] },
    agent: { id: "003", name: host.split(".")[0].toUpperCase(), ip: "10.0.0.5" },
    manager: { name: "wazuh-manager" },
    id: `1772359200.${record}`,
    decoder: { name: "windows_eventchannel" },
    data: {
      win: {
        system: {
          providerName: channel === SYSMON ? "Microsoft-Windows-Sysmon" : "Microsoft-Windows-Security-Auditing",
          eventID: String(eventID),
          level: "4",
          systemTime,
          eventRecordID: String(record),
          channel,
          computer: host,
          severityValue: "INFORMATION",
          message: `"event ${eventID}"`,
        },
        eventdata,
      },
    },
    location: "EventChannel",
  };
}

const guid = (n: number) => `{6f1c2d3e-${String(n).padStart(4, "0")}-65e1-0000-0010a1b2c3d4}`;

/** Sysmon 1: explorer (not in the data) → cmd → whoami and powershell; PID 4100 reused on another host; a Sysmon 3 and a System-channel event 1. */
function sysmonAlerts() {
  const create = (host: string, t: string, g: number, pid: number, image: string, cmd: string, pg: number, ppid: number, parentImage: string) =>
    alert(host, SYSMON, 1, `2026-03-01T10:${t}.1234567Z`, {
      ruleName: "-",
      utcTime: `2026-03-01 10:${t}.123`,
      processGuid: guid(g),
      processId: String(pid),
      image,
      commandLine: cmd,
      currentDirectory: "C:\\Users\\dana\\",
      user: "CORP\\dana",
      logonId: "0x3e7a1",
      integrityLevel: "Medium",
      hashes: "SHA256=00",
      parentProcessGuid: guid(pg),
      parentProcessId: String(ppid),
      parentImage,
      parentCommandLine: "parent",
      parentUser: "CORP\\dana",
    });
  return [
    create("ws1.corp.local", "00:00", 2, 4100, "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c whoami", 1, 812, "C:\\Windows\\explorer.exe"),
    create("ws1.corp.local", "00:01", 3, 4120, "C:\\Windows\\System32\\whoami.exe", "whoami /all", 2, 4100, "C:\\Windows\\System32\\cmd.exe"),
    create("ws1.corp.local", "00:02", 4, 4130, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell -enc SQBFAFgA", 2, 4100, "C:\\Windows\\System32\\cmd.exe"),
    // Another host's PID 4100: another process.
    create("srv2.corp.local", "00:03", 5, 4100, "C:\\Windows\\System32\\svchost.exe", "svchost.exe -k netsvcs", 6, 700, "C:\\Windows\\System32\\services.exe"),
    alert("ws1.corp.local", SYSMON, 3, "2026-03-01T10:00:04.0000000Z", { utcTime: "2026-03-01 10:00:04.000", processGuid: guid(4), processId: "4130", image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", destinationIp: "203.0.113.9" }, "61605"),
    // Event 1 of another channel (Kernel-General's time change) is no process creation.
    alert("ws1.corp.local", "System", 1, "2026-03-01T10:00:05.0000000Z", { newTime: "2026-03-01T10:00:05Z", processId: "4" }, "60000"),
  ];
}

function write(name: string, alerts: unknown[]): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, alerts.map((a) => JSON.stringify(a)).join("\n") + "\n");
  return file;
}

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];

describe("Wazuh alerts", () => {
  it("Sysmon 1 (alerts.json): detected, the lab's names added, other events left out; the tree links by processGuid per computer", () => {
    const raw = readDataFile(write("alerts.json", sysmonAlerts()));
    assert.equal(raw.getColumn("data").dtype.variant, "Struct");
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh Sysmon 1");
    const df = normalizeEvents(raw, "process");
    assert.equal(df.height, 4, "the Sysmon 3 and the System channel's event 1 are no process creations");
    const cmd = df.filter(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))));
    assert.deepEqual(col(cmd, "NewProcessName"), ["C:\\Windows\\System32\\cmd.exe"]);
    assert.deepEqual(col(cmd, "ParentProcessName"), ["C:\\Windows\\explorer.exe"]);
    assert.deepEqual(col(cmd, "CommandLine"), ["cmd.exe /c whoami"]);
    assert.deepEqual(col(cmd, "Account"), ["CORP\\dana"]);
    assert.deepEqual(col(cmd, "SubjectUserName"), ["dana"]);
    assert.deepEqual(col(cmd, "Computer"), ["ws1.corp.local"]);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.equal((col(cmd, "TimeGenerated")[0] as Date).toISOString(), "2026-03-01T10:00:00.123Z");
    assert.equal(inferProcessSchema(df.columns)?.name, "Wazuh Sysmon 1");

    const tree = buildProcessTree(df);
    const cmdRow = tree.filter(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))));
    assert.deepEqual(col(ptree.getChildren(tree, cmdRow), "data.win.eventdata.image").sort(), ["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Windows\\System32\\whoami.exe"]);
    // explorer.exe is rebuilt once (its GUID), above cmd.exe; srv2's PID 4100 is not cmd.exe.
    const rebuilt = tree.filter(pl.col("IsInferred"));
    assert.deepEqual(col(rebuilt, "data.win.eventdata.image").sort(), ["C:\\Windows\\System32\\services.exe", "C:\\Windows\\explorer.exe"]);
    assert.deepEqual(col(ptree.getParent(tree, cmdRow), "data.win.eventdata.image"), ["C:\\Windows\\explorer.exe"]);
    const svchost = tree.filter(pl.col("data.win.eventdata.image").str.contains("svchost"));
    assert.deepEqual(col(ptree.getParent(tree, svchost), "data.win.eventdata.image"), ["C:\\Windows\\System32\\services.exe"]);
  });

  it("4688 (alerts.json): hexadecimal ids as Windows writes them; newProcessId ← processId links the tree", () => {
    const create = (t: string, pid: string, image: string, cmd: string, ppid: string, parent: string) =>
      alert("ws1.corp.local", "Security", 4688, `2026-03-01T11:${t}.0000000Z`, {
        subjectUserSid: "S-1-5-21-1-2-3-1104",
        subjectUserName: "dana",
        subjectDomainName: "CORP",
        subjectLogonId: "0x3e7a1",
        newProcessId: pid,
        newProcessName: image,
        tokenElevationType: "%%1938",
        processId: ppid,
        commandLine: cmd,
        targetLogonId: "0x0",
        parentProcessName: parent,
        mandatoryLabel: "S-1-16-8192",
      }, "60103");
    const alerts = [
      create("00:00", "0x1004", "C:\\Windows\\System32\\cmd.exe", "cmd.exe", "0x32c", "C:\\Windows\\explorer.exe"),
      create("00:01", "0x1018", "C:\\Windows\\System32\\net.exe", "net user /domain", "0x1004", "C:\\Windows\\System32\\cmd.exe"),
      alert("ws1.corp.local", "Security", 4689, "2026-03-01T11:00:02.0000000Z", { processId: "0x1018", processName: "C:\\Windows\\System32\\net.exe", subjectUserName: "dana" }, "60104"),
      // Event 1 of the System channel (Kernel-General's time change): no Sysmon alert, so none is said to be left out.
      alert("ws1.corp.local", "System", 1, "2026-03-01T11:00:03.0000000Z", { newTime: "2026-03-01T11:00:03Z", processId: "4" }, "60000"),
    ];
    const raw = readDataFile(write("alerts_4688.json", alerts));
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh 4688");
    const warnings: string[] = [];
    const df = normalizeEvents(raw, "process", { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.equal(df.height, 2, "4689 (process exit) is no creation");
    assert.deepEqual(col(df, "Account"), ["CORP\\dana", "CORP\\dana"]);
    assert.deepEqual(col(df, "ParentProcessName"), ["C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\cmd.exe"]);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    const tree = buildProcessTree(df);
    const net = tree.filter(pl.col("NewProcessName").str.contains("net.exe"));
    assert.deepEqual(col(ptree.getParent(tree, net), "NewProcessName"), ["C:\\Windows\\System32\\cmd.exe"]);
    assert.match(String(col(net, "proc_key")[0]), /\|0x1018\|2026-03-01 11:00:01/, "the event's systemTime keys it");
    assert.equal(ptree.getSummaryInfo(tree).InferredProcesses, 1, "explorer.exe, once");
  });

  it("Sysmon 1 and 4688 alerts selected apart: each read in its own layout (the struct keeps the other's fields, null), the tree too", () => {
    const a4688 = alert("ws2.corp.local", "Security", 4688, "2026-03-01T11:00:00.0000000Z", { newProcessId: "0x1004", newProcessName: "C:\\Windows\\System32\\cmd.exe", processId: "0x32c", commandLine: "cmd.exe", subjectUserName: "eve", parentProcessName: "C:\\Windows\\explorer.exe" }, "60103");
    const raw = readDataFile(write("alerts_mixed.json", [...sysmonAlerts(), a4688, a4688]));
    const eventId = pl.col("data").struct.field("win").struct.field("system").struct.field("eventID");
    const only4688 = raw.filter(eventId.eq(pl.lit("4688")));
    assert.equal(detectEventSchema(only4688, "process").name, "Wazuh 4688");
    const apart: string[] = [];
    const df4688 = normalizeEvents(only4688, "process", { warn: (m) => apart.push(m) });
    assert.deepEqual(col(df4688, "NewProcessName"), ["C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\cmd.exe"]);
    assert.deepEqual(apart, []);
    assert.equal(inferProcessSchema(df4688.columns)?.name, "Wazuh 4688");
    // The tree of the raw alerts selected apart (it saw Sysmon's null fields and found no process creation).
    assert.equal(processTreeSchema(only4688).name, "Wazuh 4688");
    const treeWarnings: string[] = [];
    const tree = buildProcessTree(only4688, { warn: (m) => treeWarnings.push(m) });
    assert.deepEqual(col(tree.filter(pl.col("IsInferred").not()), "data.win.eventdata.newProcessId"), ["0x1004"], "the same event twice is one process");
    assert.deepEqual(treeWarnings, []);
    // The Sysmon alerts selected apart: Sysmon 1, as before.
    assert.equal(normalizeEvents(raw.filter(eventId.eq(pl.lit("4688")).not()), "process").height, 4);
  });

  it("alerts saved from the Wazuh indexer's search API (hits.hits[]._source): the same layout and tree", () => {
    const hits = sysmonAlerts().map((a, i) => ({ _index: "wazuh-alerts-4.x-2026.03.01", _id: `id${i}`, _score: 1, _source: a }));
    const file = path.join(tempDir(), "wazuh_search.json");
    fs.writeFileSync(file, JSON.stringify({ took: 5, timed_out: false, hits: { total: { value: hits.length, relation: "eq" }, max_score: 1, hits } }));
    const warnings: string[] = [];
    const raw = readDataFile(file, { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh Sysmon 1");
    const tree = buildProcessTree(normalizeEvents(raw, "process"));
    const cmdRow = tree.filter(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))));
    assert.equal(ptree.getChildren(tree, cmdRow).height, 2);
  });

  it("4624/4625 (alerts.json): detected as Wazuh logons, the lab's logon columns; 4634 logoffs left out", () => {
    const logon = (id: number, t: string, user: string, type: string, ip: string) =>
      alert("dc1.corp.local", "Security", id, `2026-03-01T12:${t}.5000000Z`, {
        subjectUserSid: "S-1-5-18",
        subjectUserName: "DC1$",
        subjectDomainName: "CORP",
        targetUserName: user,
        targetDomainName: "CORP",
        targetLogonId: "0x5a1b2",
        logonType: type,
        logonProcessName: "NtLmSsp ",
        authenticationPackageName: "NTLM",
        workstationName: "WS9",
        ipAddress: ip,
        ipPort: "50432",
        ...(id === 4625 ? { status: "0xc000006d", subStatus: "0xc000006a", failureReason: "%%2313" } : {}),
      }, id === 4624 ? "60106" : "60122");
    const alerts = [logon(4624, "00:00", "dana", "3", "10.0.0.9"), logon(4625, "00:01", "admin", "3", "203.0.113.50"), logon(4625, "00:02", "admin", "10", "203.0.113.50"), logon(4634, "00:03", "dana", "3", "-")];
    const raw = readDataFile(write("alerts_logons.json", alerts));
    assert.equal(detectEventSchema(raw, "logon").name, "Wazuh alerts, Windows 4624/4625");
    const df = normalizeEvents(raw, "logon");
    assert.equal(df.height, 3, "the 4634 logoff is no logon");
    assert.deepEqual(col(df, "EventID"), [4624, 4625, 4625]);
    assert.deepEqual(col(df, "Account"), ["CORP\\dana", "CORP\\admin", "CORP\\admin"]);
    assert.deepEqual(col(df, "LogonType"), [3, 3, 10]);
    assert.deepEqual(col(df, "IpAddress"), ["10.0.0.9", "203.0.113.50", "203.0.113.50"]);
    assert.deepEqual(col(df, "Computer"), ["dc1.corp.local", "dc1.corp.local", "dc1.corp.local"]);
    assert.deepEqual(col(df, "TargetUserName"), ["dana", "admin", "admin"]);
    assert.equal((col(df, "TimeGenerated")[0] as Date).toISOString(), "2026-03-01T12:00:00.500Z");
  });
});

describe("Wazuh alerts of Sysmon 1 and 4688 in one file (a manager's alerts.json): each alert read in its own layout, per computer", () => {
  const CMD = "C:\\Windows\\System32\\cmd.exe";
  const NET = "C:\\Windows\\System32\\net.exe";
  const WHOAMI = "C:\\Windows\\System32\\whoami.exe";
  /** A 4688 alert: `pid` ← `ppid` in hexadecimal, as Windows writes them. */
  const a4688 = (host: string, t: string, pid: number, image: string, ppid: number, parent: string, user = "eve") =>
    alert(host, "Security", 4688, `2026-03-01T11:${t}.1234567Z`, {
      subjectUserSid: "S-1-5-21-1-2-3-1105", subjectUserName: user, subjectDomainName: "CORP", subjectLogonId: "0x3e7b2",
      newProcessId: `0x${pid.toString(16)}`, newProcessName: image, tokenElevationType: "%%1936", processId: `0x${ppid.toString(16)}`,
      commandLine: image, targetLogonId: "0x0", parentProcessName: parent, mandatoryLabel: "S-1-16-8192",
    }, "60103");
  /** ws2 and ws3 audit 4688 only: explorer (not in the data) → cmd → net, whoami; ws3 reuses ws2's ids. */
  const securityHosts = () => [
    a4688("ws2.corp.local", "00:00", 0x1004, CMD, 0x32c, "C:\\Windows\\explorer.exe"),
    a4688("ws2.corp.local", "00:01", 0x1018, NET, 0x1004, CMD),
    a4688("ws3.corp.local", "00:02", 0x1004, CMD, 0x32c, "C:\\Windows\\explorer.exe", "frank"),
    a4688("ws2.corp.local", "00:03", 0x1020, WHOAMI, 0x1004, CMD),
    a4688("ws3.corp.local", "00:04", 0x1018, WHOAMI, 0x1004, CMD, "frank"),
  ];
  /** Alerts of other rule groups: a process exit, a logon and a failed one, a file-integrity alert without `data.win`. */
  const others = () => [
    { timestamp: "2026-03-01T11:00:04.000+0000", rule: { level: 7, description: "Integrity checksum changed.", id: "550", groups: ["ossec", "syscheck"] }, agent: { id: "004", name: "WS2" }, manager: { name: "wazuh-manager" }, id: "1772359200.1", decoder: { name: "syscheck_integrity_changed" }, syscheck: { path: "c:\\windows\\system32\\drivers\\etc\\hosts", event: "modified" }, location: "syscheck" },
    alert("ws2.corp.local", "Security", 4689, "2026-03-01T11:00:05.0000000Z", { processId: "0x1018", processName: NET, subjectUserName: "eve" }, "60104"),
    alert("dc1.corp.local", "Security", 4624, "2026-03-01T11:00:06.5000000Z", { targetUserName: "eve", targetDomainName: "CORP", targetLogonId: "0x5a1b2", logonType: "3", ipAddress: "10.0.0.9", ipPort: "50432", subjectUserSid: "S-1-5-18", subjectUserName: "DC1$", subjectDomainName: "CORP" }, "60106"),
    alert("dc1.corp.local", "Security", 4625, "2026-03-01T11:00:07.5000000Z", { targetUserName: "admin", targetDomainName: "CORP", logonType: "10", ipAddress: "203.0.113.50", ipPort: "50433", status: "0xc000006d", subStatus: "0xc000006a", failureReason: "%%2313", subjectUserSid: "S-1-5-18", subjectUserName: "DC1$", subjectDomainName: "CORP" }, "60122"),
  ];
  /** ws1 runs Sysmon and audits 4688 too: its 4688 alerts record the Sysmon alerts' processes again (ids in hexadecimal). */
  const sysmonHost4688 = () => [a4688("ws1.corp.local", "00:00", 4100, CMD, 812, "C:\\Windows\\explorer.exe", "dana"), a4688("ws1.corp.local", "00:01", 4120, WHOAMI, 4100, CMD, "dana")];
  const interleave = <T,>(a: T[], b: T[]): T[] => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]]).flat().filter((x): x is T => x !== undefined);
  const orders: [string, () => unknown[]][] = [
    ["Sysmon alerts first", () => [...sysmonAlerts(), ...others(), ...securityHosts(), ...sysmonHost4688()]],
    ["4688 alerts first, interleaved", () => [...interleave(securityHosts(), others()), ...sysmonHost4688(), ...sysmonAlerts()]],
  ];
  const image = (df: pl.DataFrame) => col(df, "NewProcessName");
  const real = (tree: pl.DataFrame) => tree.filter(pl.col("IsInferred").not());

  for (const [label, alerts] of orders) {
    it(`normalizeEvents (${label}): the Sysmon computers' Sysmon 1 rows and the other computers' 4688 rows, in the file's order; one warning names ws1's 4688 alerts left out`, () => {
      const file = write("alerts.json", alerts());
      const raw = readDataFile(file);
      const warnings: string[] = [];
      const df = normalizeEvents(raw, "process", { source: "alerts.json", warn: (m) => warnings.push(m) });
      // The file's process creations, in its order: Sysmon 1 everywhere, 4688 of ws2 and ws3 only.
      const expected = raw
        .select(pl.col("data").struct.field("win").struct.field("system").alias("s"))
        .select(pl.col("s").struct.field("eventID").alias("e"), pl.col("s").struct.field("channel").alias("c"), pl.col("s").struct.field("computer").alias("h"))
        .filter(pl.col("e").eq(pl.lit("1")).and(pl.col("c").eq(pl.lit(SYSMON))).or(pl.col("e").eq(pl.lit("4688")).and(pl.col("h").neq(pl.lit("ws1.corp.local")))));
      assert.equal(df.height, 9);
      assert.deepEqual(col(df, "Computer"), col(expected, "h"));
      assert.deepEqual(col(df, "data.win.system.eventID"), col(expected, "e"));
      const ws2 = df.filter(pl.col("Computer").eq(pl.lit("ws2.corp.local")));
      assert.deepEqual(image(ws2), [CMD, NET, WHOAMI]);
      assert.deepEqual(col(ws2, "ParentProcessName"), ["C:\\Windows\\explorer.exe", CMD, CMD]);
      assert.deepEqual(col(ws2, "Account"), ["CORP\\eve", "CORP\\eve", "CORP\\eve"]);
      assert.deepEqual(col(ws2, "SubjectUserName"), ["eve", "eve", "eve"]);
      const cmd1 = df.filter(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))));
      assert.deepEqual([image(cmd1), col(cmd1, "Account"), col(cmd1, "Computer")], [[CMD], ["CORP\\dana"], ["ws1.corp.local"]]);
      // Each layout's own time: Sysmon's utcTime (ms), 4688's systemTime (100 ns), in one time column.
      assert.equal(df.getColumn("TimeGenerated").nullCount(), 0);
      assert.equal((col(cmd1, "TimeGenerated")[0] as Date).toISOString(), "2026-03-01T10:00:00.123Z");
      assert.deepEqual(col(ws2, "TimeGenerated").map((t) => (t as Date).toISOString()), ["2026-03-01T11:00:00.123Z", "2026-03-01T11:00:01.123Z", "2026-03-01T11:00:03.123Z"]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /^alerts\.json: the alerts hold both Security 4688 \(2 alert\(s\)\) and Sysmon 1 \(3 alert\(s\)\) process creations of the same computer\(s\)/);
      assert.match(warnings[0], /4688 alerts left out: "ws1\.corp\.local" \(2\)\. The 4688 alerts of the computers without Sysmon are read in the 4688 layout: "ws2\.corp\.local" \(3\), "ws3\.corp\.local" \(2\)\./);
      // Named for both layouts it is read in (was "Wazuh Sysmon 1", though ws2's and ws3's rows are 4688's).
      assert.deepEqual(detectEventSchema(raw, "process"), { id: "Wazuh Sysmon 1 + Wazuh 4688", name: "Wazuh Sysmon 1 + Wazuh 4688" });
      // The logon alerts among them: a logon query gets them, as from a file of logons only.
      const logons = normalizeEvents(raw, "logon", { warn: (m) => warnings.push(m) });
      assert.deepEqual([col(logons, "EventID"), col(logons, "Account"), col(logons, "Computer")], [[4624, 4625], ["CORP\\eve", "CORP\\admin"], ["dc1.corp.local", "dc1.corp.local"]]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
    });

    it(`buildProcessTree (${label}): ws1's and srv2's trees by GUID, ws2's and ws3's by hexadecimal id, each per computer; one tree's numbering`, () => {
      const raw = readDataFile(write("alerts.json", alerts()));
      // Normalized first, ws1's 4688 alerts are already left out (said then): no warning.
      for (const [input, said] of [[raw, 1], [normalizeEvents(raw, "process", { warn: () => {} }), 0]] as const) {
        const warnings: string[] = [];
        const tree = buildProcessTree(input, { warn: (m) => warnings.push(m) });
        assert.equal(warnings.length, said, warnings.join("\n"));
        assert.equal(real(tree).height, 9, "4 Sysmon 1 and 5 4688 processes");
        const parentOf = (filter: pl.Expr, column: string) => col(ptree.getParent(tree, tree.filter(filter)), column);
        // Sysmon: cmd.exe's children by GUID; explorer.exe rebuilt once above it.
        const cmd1 = tree.filter(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))));
        assert.deepEqual(col(ptree.getChildren(tree, cmd1), "data.win.eventdata.image").sort(), ["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", WHOAMI]);
        assert.deepEqual(parentOf(pl.col("data.win.eventdata.processGuid").eq(pl.lit(guid(2))), "data.win.eventdata.image"), ["C:\\Windows\\explorer.exe"]);
        // 4688: each computer's net.exe / whoami.exe under its own cmd.exe (ws3 reuses ws2's ids).
        const on = (host: string, pid: string) => pl.col("data.win.system.computer").eq(pl.lit(host)).and(pl.col("data.win.eventdata.newProcessId").eq(pl.lit(pid)));
        for (const [host, pid] of [["ws2.corp.local", "0x1018"], ["ws2.corp.local", "0x1020"], ["ws3.corp.local", "0x1018"]]) {
          assert.deepEqual(parentOf(on(host, pid), "data.win.eventdata.newProcessId"), ["0x1004"], `${host} ${pid}`);
          assert.deepEqual(parentOf(on(host, pid), "data.win.system.computer"), [host], `${host} ${pid}`);
        }
        // Rebuilt parents: Sysmon's explorer and services (by GUID), and each 4688 computer's explorer (0x32c).
        assert.deepEqual(col(tree.filter(pl.col("IsInferred")), "data.win.system.computer").map(String).sort(), ["srv2.corp.local", "ws1.corp.local", "ws2.corp.local", "ws3.corp.local"]);
        assert.equal(tree.filter(pl.col("data.win.system.computer").eq(pl.lit("ws1.corp.local")).and(pl.col("data.win.eventdata.newProcessId").isNotNull())).height, 0, "ws1's 4688 alerts are left out");
        // One tree's numbering: each real row's source_index is its row in the input, inferred ones after; keys and indices unique.
        const index = col(tree, "source_index").map(Number);
        assert.equal(new Set(index).size, tree.height);
        assert.equal(new Set(col(tree, "proc_key")).size, tree.height);
        const inputRows = col(real(tree), "source_index").map(Number);
        assert.ok(inputRows.every((i) => i < input.height) && col(tree.filter(pl.col("IsInferred")), "source_index").every((i) => Number(i) >= input.height));
        // Each alert's own id (`id`, unique per alert) at its source_index in the input.
        for (const [k, i] of inputRows.entries()) assert.equal(col(input, "id")[i], col(real(tree), "id")[k], `row ${i}`);
        const byIndex = new Map(col(tree, "source_index").map((s, i) => [s, i]));
        col(tree, "path").forEach((p, i) => {
          const segments = String(p).split("/");
          assert.equal(segments.at(-1), col(tree, "source_index")[i]);
          assert.equal(segments.length, col(tree, "Level")[i]);
          const parent = col(tree, "parent_index")[i];
          assert.equal(parent ?? null, segments.length > 1 ? segments.at(-2) : null);
          if (parent !== null) assert.equal(col(tree, "proc_key")[byIndex.get(parent)!], col(tree, "parent_key")[i]);
        });
        // Labels in each row's own layout (4688's id is newProcessId; its processId column is the creator's).
        const text = ptree.treeToText(tree);
        assert.equal(text.match(/^ {4}\+-- C:\\Windows\\System32\\cmd\.exe \[0x1004\]  C:/gm)?.length, 2, text);
        assert.match(text, /^ {8}\+-- C:\\Windows\\System32\\net\.exe \[0x1018\]/m);
        assert.doesNotMatch(text, /^\?|\[0x32c\] +C:\\Windows\\System32/m, text);
        const plotted = processRows(tree, treeFrame(tree, {}).schema);
        const net = col(tree, "data.win.eventdata.newProcessName").indexOf(NET);
        assert.deepEqual([plotted.full[net], plotted.pids[net], plotted.users[net]], [NET, "0x1018", "eve"]);
        const whoami1 = col(tree, "data.win.eventdata.processGuid").indexOf(guid(3));
        assert.deepEqual([plotted.full[whoami1], plotted.pids[whoami1]], [WHOAMI, "4120"]);
        // `order: "input"`: the same rows, by source_index.
        const inInput = buildProcessTree(input, { order: "input", warn: () => {} });
        assert.deepEqual(col(inInput, "source_index"), [...col(tree, "source_index")].sort());
        assert.deepEqual(new Set(col(inInput, "proc_key")), new Set(col(tree, "proc_key")));
      }
    });
  }

  it("a file whose Sysmon computers also send 4688, and no other: the Sysmon tree, the 4688 alerts counted in the warning (the 4688 layout has no rows)", () => {
    const raw = readDataFile(write("alerts.json", [...sysmonHost4688(), ...sysmonAlerts(), ...others()]));
    for (const run of [(w: string[]) => normalizeEvents(raw, "process", { warn: (m) => w.push(m) }), (w: string[]) => real(buildProcessTree(raw, { warn: (m) => w.push(m) }))]) {
      const warnings: string[] = [];
      const out = run(warnings);
      assert.deepEqual(col(out, "data.win.system.eventID"), ["1", "1", "1", "1"]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /4688 alerts left out: "ws1\.corp\.local" \(2\)\. To use the left-out 4688 alerts/);
    }
    // Read in Sysmon's layout only: named so.
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh Sysmon 1");
  });

  it("4688 alerts and other rule groups, no Sysmon: the 4688 layout, no warning; a PID repeated on two computers is two processes", () => {
    const raw = readDataFile(write("alerts.json", [...others(), ...securityHosts()]));
    const warnings: string[] = [];
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh 4688");
    assert.deepEqual(image(normalizeEvents(raw, "process", { warn: (m) => warnings.push(m) })), [CMD, NET, CMD, WHOAMI, WHOAMI]);
    const tree = buildProcessTree(raw, { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.equal(ptree.getSummaryInfo(tree).InferredProcesses, 2, "explorer.exe on ws2 and on ws3");
  });
});
