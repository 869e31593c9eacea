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
import { buildProcessTree, inferProcessSchema, ptree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { tempDir } from "../../helpers/tmp";

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

  it("Sysmon 1 and 4688 alerts in one file: read in the Sysmon layout, the 4688 alerts' count said (not left out silently)", () => {
    const a4688 = alert("ws2.corp.local", "Security", 4688, "2026-03-01T11:00:00.0000000Z", { newProcessId: "0x1004", newProcessName: "C:\\Windows\\System32\\cmd.exe", processId: "0x32c", commandLine: "cmd.exe", subjectUserName: "eve", parentProcessName: "C:\\Windows\\explorer.exe" }, "60103");
    const raw = readDataFile(write("alerts_mixed.json", [...sysmonAlerts(), a4688, a4688]));
    assert.equal(detectEventSchema(raw, "process").name, "Wazuh Sysmon 1");
    const warnings: string[] = [];
    const df = normalizeEvents(raw, "process", { source: "alerts_mixed.json", warn: (m) => warnings.push(m) });
    assert.equal(df.height, 4);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    for (const part of ["alerts_mixed.json", "2 Wazuh 4688 alert(s)", "Wazuh Sysmon 1", "data.win.system.eventID"]) assert.ok(warnings[0].includes(part), `${part}: ${warnings[0]}`);
    // As the warning advises: the 4688 alerts selected apart (their struct still has Sysmon's fields, null) are read
    // in the 4688 layout; they were detected as Sysmon 1 and every one left out.
    const eventId = pl.col("data").struct.field("win").struct.field("system").struct.field("eventID");
    const only4688 = raw.filter(eventId.eq(pl.lit("4688")));
    assert.equal(detectEventSchema(only4688, "process").name, "Wazuh 4688");
    const apart: string[] = [];
    const df4688 = normalizeEvents(only4688, "process", { warn: (m) => apart.push(m) });
    assert.deepEqual(col(df4688, "NewProcessName"), ["C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\cmd.exe"]);
    assert.deepEqual(apart, []);
    assert.equal(inferProcessSchema(df4688.columns)?.name, "Wazuh 4688");
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
