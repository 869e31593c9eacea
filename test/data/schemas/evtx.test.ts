/**
 * Windows event logs (EVTX) exported to CSV: docs/schemas.md's command (the
 * EventData fields as columns) gives files that normalise and build the right
 * process tree; a plain Get-WinEvent | Export-Csv (fields only in Message) is
 * read from its English Message text, or, in another language, explained.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, dbclusterEvents, withStringScore } from "../../../src/index";
import { QueryProvider } from "../../../src/data/queryProvider";
import { foreignFormat } from "../../../src/data/readers";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { EVTX_DOCS } from "../../../src/data/schemas/winEvent";
import { tempTree } from "../../helpers/tmp";
import { chain, eventDataCsv, HOST, msg4688De, plainExportCsv, type Conn, type Event } from "./winEventExports";

const DOC = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "schemas.md"), "utf8");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const read = (name: string, text: string) => readDataFile(path.join(tempTree({ [name]: text }), name));

/** Parent's image (`imageColumn`) of each process of the tree, by its own id, over real (not inferred) rows. */
function parentImages(tree: pl.DataFrame, idColumn: string, imageColumn: string): Map<string, string> {
  const byKey = new Map((col(tree, "proc_key") as string[]).map((k, i) => [k, i]));
  const out = new Map<string, string>();
  (col(tree, "parent_key") as (string | null)[]).forEach((pk, i) => {
    if (pk !== null && !col(tree, "IsInferred")[i]) out.set(String(col(tree, idColumn)[i]), String(col(tree, imageColumn)[byKey.get(pk)!]));
  });
  return out;
}

describe("EVTX exported with docs/schemas.md's command", () => {
  const procs = chain(6);

  it("the advice of plain exports names the docs section, which exists (.evtx files themselves are read now)", () => {
    const heading = /section "([^"]+)"/.exec(EVTX_DOCS)?.[1];
    assert.equal(heading, "From EVTX (Windows event logs)");
    assert.ok(DOC.includes(`\n## ${heading}\n`), "docs/schemas.md has the heading");
    assert.match(EVTX_DOCS, /docs\/schemas\.md/);
    assert.equal(foreignFormat("Security.evtx"), undefined);
  });

  it("4688: fits Windows 4688, true process ids and the parent chain", () => {
    const df = read("processes_on_host.csv", eventDataCsv(procs.map((proc) => ({ id: 4688, proc }))));
    assert.equal(detectEventSchema(df, "process").name, "Windows 4688");
    const n = normalizeEvents(df, "process");
    assert.equal(n.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.equal((col(n, "TimeGenerated")[0] as Date).toISOString(), "2026-05-31T19:00:00.000Z");
    assert.deepEqual([...new Set(col(n, "Computer"))], [HOST]);
    assert.deepEqual(col(n, "Account")[0], "CONTOSO\\alice");
    const tree = buildProcessTree(n);
    assert.deepEqual(new Set(col(tree.filter(pl.col("IsInferred").not()), "NewProcessId")), new Set(procs.map((p) => "0x" + p.pid.toString(16))));
    const parents = parentImages(tree, "NewProcessId", "NewProcessName");
    for (const p of procs) assert.equal(parents.get("0x" + p.pid.toString(16)), p.pimage, `parent of ${p.pid.toString(16)}`);
    assert.equal(Math.max(...(col(tree, "Level") as number[])), procs.length + 1, "one chain: explorer (inferred) → 6 levels");
  });

  it("Sysmon 1: fits Sysmon 1, its own ProcessId / ParentProcessId", () => {
    const df = read("processes_on_host.csv", eventDataCsv(procs.map((proc) => ({ id: 1, proc }))));
    assert.equal(detectEventSchema(df, "process").name, "Sysmon 1");
    const n = normalizeEvents(df, "process");
    assert.deepEqual(col(n, "NewProcessName"), procs.map((p) => p.image));
    const tree = buildProcessTree(n);
    const parents = parentImages(tree, "ProcessId", "Image");
    for (const p of procs) assert.equal(parents.get(String(p.pid)), p.pimage, `parent of ${p.pid}`);
  });

  it("4624: fits Windows SecurityEvent 4624/4625 with the logon's own fields", () => {
    const logons = [{ user: "bob", type: 3, ip: "203.0.113.45" }, { user: "alice", type: 10, ip: "198.51.100.7" }];
    const df = read("host_logons.csv", eventDataCsv(logons.map((logon) => ({ id: 4624, logon }))));
    assert.equal(detectEventSchema(df, "logon").id, "securityevent");
    const n = normalizeEvents(df, "logon");
    assert.deepEqual(col(n, "TargetUserName"), ["bob", "alice"]);
    assert.deepEqual(col(n, "LogonType"), [3, 10]);
    assert.deepEqual(col(n, "IpAddress"), ["203.0.113.45", "198.51.100.7"]);
    assert.deepEqual(col(n, "Account"), ["CONTOSO\\bob", "CONTOSO\\alice"]);
    assert.equal((col(n, "TimeGenerated")[1] as Date).toISOString(), "2026-05-31T19:00:37.000Z");
  });
});

describe("a plain Get-WinEvent | Export-Csv", () => {
  const procs = chain(6);
  const events = [...procs.map((proc) => ({ id: 4688 as const, proc })), { id: 4624 as const, logon: { user: "bob", type: 3, ip: "203.0.113.45" } }];
  const plain = () => read("security.csv", plainExportCsv(events));
  const german = () => read("security.csv", plainExportCsv(events, (e) => (e.id === 4688 ? msg4688De(e.proc) : "Ein Konto wurde erfolgreich angemeldet.")));
  /** Each real process's id → its parent's id and its level. */
  const shape = (tree: pl.DataFrame, idColumn: string) => {
    const ids = new Map((col(tree, "proc_key") as string[]).map((k, i) => [k, String(col(tree, idColumn)[i])]));
    const levels = col(tree, "Level");
    return new Map((col(tree, "parent_key") as (string | null)[]).map((pk, i) => [String(col(tree, idColumn)[i]), [pk && ids.get(pk), levels[i], col(tree, "IsInferred")[i]]]));
  };

  it("4688: buildProcessTree reads the Message: the tree of the docs command's export (true ids, parent chain)", () => {
    const warnings: string[] = [];
    const tree = buildProcessTree(plain(), { warn: (m) => warnings.push(m) });
    const docs = buildProcessTree(read("processes_on_host.csv", eventDataCsv(procs.map((proc) => ({ id: 4688, proc })))));
    assert.deepEqual(shape(tree, "NewProcessId"), shape(docs, "NewProcessId"));
    assert.equal(tree.filter(pl.col("IsInferred").not()).height, procs.length, "the 4624 row is not a process");
    assert.deepEqual(warnings, []);
  });

  it("Sysmon 1: the tree of the docs command's export", () => {
    const sysmon = procs.map((proc) => ({ id: 1 as const, proc }));
    const tree = buildProcessTree(read("processes_on_host.csv", plainExportCsv(sysmon)));
    assert.deepEqual(shape(tree, "ProcessId"), shape(buildProcessTree(read("processes_on_host.csv", eventDataCsv(sysmon))), "ProcessId"));
  });

  it("normalizeEvents reads the Message: 4688 as Windows 4688, 4624 as the logon schema", () => {
    const n = normalizeEvents(plain(), "process");
    assert.deepEqual(col(n.filter(pl.col("EventID").eq(4688)), "NewProcessName"), procs.map((p) => p.image));
    assert.equal(detectEventSchema(plain(), "process").name, "Windows 4688");
    const logons = normalizeEvents(plain(), "logon").filter(pl.col("EventID").eq(4624));
    assert.deepEqual(col(logons, "TargetUserName"), ["bob"]);
    assert.deepEqual(col(logons, "LogonType"), [3]);
    assert.deepEqual(col(logons, "IpAddress"), ["203.0.113.45"]);
  });

  const saysWhatItIs = (code: string) => (err: unknown) => {
    const e = err as { code: string; message: string };
    assert.equal(e.code, code);
    assert.match(e.message, /Get-WinEvent \| Export-Csv export/);
    assert.match(e.message, /only in the Message text/);
    assert.match(e.message, /docs\/schemas\.md, section "From EVTX \(Windows event logs\)"/);
    assert.doesNotMatch(e.message, /close: "ProcessId"|\(close: "Id"\)/, "no hint towards the log writer's ProcessId");
    return true;
  };
  const notEnglish = (warnings: string[], source: string) => {
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].startsWith(`${source}, column Message: `), warnings[0]);
    assert.match(warnings[0], /column Message: 7 Security 4688\/4624\/4625 message\(s\) are not in English .*; only Windows' English Message labels are read/);
    assert.match(warnings[0], /Export the EventData fields as columns instead, which works in any language/);
  };

  it("German Messages: one warning, then normalizeEvents says it is a Get-WinEvent export, for process and logon", () => {
    const warnings: string[] = [];
    assert.throws(() => normalizeEvents(german(), "process", { source: "WindowsSecurity.list_host_processes (security.csv)", warn: (m) => warnings.push(m) }), saysWhatItIs("data/event-schema-unknown"));
    notEnglish(warnings, "WindowsSecurity.list_host_processes (security.csv)");
    assert.throws(() => normalizeEvents(german(), "logon", { warn: () => {} }), saysWhatItIs("data/event-schema-unknown"));
  });

  it("German Messages: one warning, then buildProcessTree says it is a Get-WinEvent export", () => {
    const warnings: string[] = [];
    assert.throws(() => buildProcessTree(german(), { warn: (m) => warnings.push(m) }), saysWhatItIs("transform/process-schema-unknown"));
    notEnglish(warnings, "buildProcessTree");
  });
});

describe("a plain Get-WinEvent | Export-Csv: failed logons (4625)", () => {
  // A password spray from one address, then the one password that worked; the Security log holds process creations too.
  const spray = ["bob", "carol", "dave", "erin"].map((user) => ({ id: 4625 as const, logon: { user, type: 3, ip: "203.0.113.45" } }));
  const events: Event[] = [{ id: 4688, proc: chain(1)[0] }, ...spray, { id: 4624, logon: { user: "frank", type: 3, ip: "203.0.113.45" } }];
  const plain = () => read("security.csv", plainExportCsv(events));

  it("the logon kind keeps the 4625 rows beside the 4624 one, each with the lab's columns", () => {
    const n = normalizeEvents(plain(), "logon");
    assert.deepEqual(col(n, "EventID"), [4625, 4625, 4625, 4625, 4624]);
    assert.deepEqual(col(n, "TargetUserName"), ["bob", "carol", "dave", "erin", "frank"]);
    assert.deepEqual(col(n, "Account"), ["CONTOSO\\bob", "CONTOSO\\carol", "CONTOSO\\dave", "CONTOSO\\erin", "CONTOSO\\frank"]);
    assert.deepEqual([...new Set(col(n, "LogonType"))], [3]);
    assert.deepEqual([...new Set(col(n, "IpAddress"))], ["203.0.113.45"]);
    assert.deepEqual([...new Set(col(n, "WorkstationName"))], ["ATTACKER-PC"]);
    assert.deepEqual(col(n.filter(pl.col("EventID").eq(4625)), "SubStatus"), ["0xc000006a", "0xc000006a", "0xc000006a", "0xc000006a"]);
    // The spray as a hunter counts it: failures by source address.
    const bySource = n.filter(pl.col("EventID").eq(4625)).groupBy("IpAddress").agg(pl.col("TargetUserName").nUnique().alias("users"));
    assert.deepEqual(bySource.toRecords(), [{ IpAddress: "203.0.113.45", users: 4 }]);
  });

  it("the same rows as the docs command's 4625 export", () => {
    const docs = normalizeEvents(read("failed_logons.csv", eventDataCsv(spray)), "logon");
    const fromPlain = normalizeEvents(plain(), "logon").filter(pl.col("EventID").eq(4625));
    for (const c of ["Account", "TargetUserName", "SubjectUserName", "LogonType", "LogonProcessName", "IpAddress", "WorkstationName", "Computer", "EventID", "Status", "SubStatus"]) {
      assert.deepEqual(col(fromPlain, c), col(docs, c), c);
    }
  });

  it("FailureReason: the EventData's %%2313 and the Message's words give one column (the words); unknown codes stay as written", () => {
    const docs = normalizeEvents(read("failed_logons.csv", eventDataCsv(spray)), "logon");
    const fromPlain = normalizeEvents(plain(), "logon").filter(pl.col("EventID").eq(4625));
    assert.deepEqual(col(docs, "FailureReason"), Array(4).fill("Unknown user name or bad password."));
    assert.deepEqual(col(fromPlain, "FailureReason"), col(docs, "FailureReason"));
    const codes = ["%%2307", " %%2310 ", "%%2399", "Account locked out.", null, ""];
    const sentinel = pl.DataFrame({ EventID: codes.map(() => 4625), TargetUserName: codes.map(() => "bob"), LogonType: codes.map(() => 3), FailureReason: codes });
    assert.deepEqual(col(normalizeEvents(sentinel, "logon"), "FailureReason"), ["Account locked out.", "Account currently disabled.", "%%2399", "Account locked out.", null, ""]);
  });

  it("ImpersonationLevel, TokenElevationType, ElevatedToken…: EventData's %%1833/%%1938/%%1842 and the Message's words give one column; unknown codes as written", () => {
    const logon = { user: "frank", type: 3, ip: "203.0.113.45" };
    const docs = normalizeEvents(read("host_logons.csv", eventDataCsv([{ id: 4624, logon }])), "logon");
    const fromPlain = normalizeEvents(plain(), "logon").filter(pl.col("EventID").eq(4624));
    assert.deepEqual(col(docs, "ImpersonationLevel"), ["Impersonation"], "as the Message renders %%1833");
    assert.deepEqual(col(fromPlain, "ImpersonationLevel"), col(docs, "ImpersonationLevel"));
    const procs = chain(2);
    const docsProcs = normalizeEvents(read("processes_on_host.csv", eventDataCsv(procs.map((proc) => ({ id: 4688, proc })))), "process");
    const plainProcs = normalizeEvents(read("security.csv", plainExportCsv(procs.map((proc) => ({ id: 4688, proc })))), "process");
    assert.deepEqual(col(docsProcs, "TokenElevationType"), Array(2).fill("TokenElevationTypeLimited (3)"), "as the Message renders %%1938");
    assert.deepEqual(col(plainProcs, "TokenElevationType"), col(docsProcs, "TokenElevationType"));
    const sentinel = pl.DataFrame({
      EventID: [4624, 4624, 4624], TargetUserName: ["a", "b", "c"], LogonType: [3, 3, 3],
      ImpersonationLevel: ["%%1840", "%%1832", "%%1899"], ElevatedToken: ["%%1842", "%%1843", "Yes"], VirtualAccount: ["%%1843", null, "%%1842 "], RestrictedAdminMode: ["-", "%%1843", "%%2313x"],
    });
    const n = normalizeEvents(sentinel, "logon");
    assert.deepEqual(col(n, "ImpersonationLevel"), ["Delegation", "Identification", "%%1899"]);
    assert.deepEqual(col(n, "ElevatedToken"), ["Yes", "No", "Yes"]);
    assert.deepEqual(col(n, "VirtualAccount"), ["No", null, "Yes"]);
    assert.deepEqual(col(n, "RestrictedAdminMode"), ["-", "No", "%%2313x"]);
  });

  it("MandatoryLabel: EventData's integrity SID and the Message's name give one column (the name, as the Message renders it); unknown SIDs as written", () => {
    const procs = chain(2);
    const docs = normalizeEvents(read("processes_on_host.csv", eventDataCsv(procs.map((proc) => ({ id: 4688, proc })))), "process");
    const plainProcs = normalizeEvents(read("security.csv", plainExportCsv(procs.map((proc) => ({ id: 4688, proc })))), "process");
    assert.deepEqual(col(docs, "MandatoryLabel"), Array(2).fill("Mandatory Label\\Medium Mandatory Level"), "as the Message renders S-1-16-8192");
    assert.deepEqual(col(plainProcs, "MandatoryLabel"), col(docs, "MandatoryLabel"));
    const sids = ["S-1-16-12288", "S-1-16-16384", "S-1-16-4096", "S-1-16-99999", "S-1-5-18", null];
    const sentinel = pl.DataFrame({
      TimeGenerated: sids.map((_, i) => new Date(Date.UTC(2026, 4, 31, 19, i))), Computer: sids.map(() => HOST), EventID: sids.map(() => 4688),
      NewProcessId: sids.map((_, i) => `0x${(0x100 + i).toString(16)}`), ProcessId: sids.map(() => "0x4"), NewProcessName: sids.map(() => "C:\\x.exe"),
      SubjectUserName: sids.map(() => "alice"), SubjectDomainName: sids.map(() => "CONTOSO"), MandatoryLabel: sids,
    });
    assert.deepEqual(col(normalizeEvents(sentinel, "process"), "MandatoryLabel"), [
      "Mandatory Label\\High Mandatory Level", "Mandatory Label\\System Mandatory Level", "Mandatory Label\\Low Mandatory Level", "S-1-16-99999", "S-1-5-18", null,
    ]);
  });

  it("buildProcessTree alone (no normalizeEvents): TokenElevationType and MandatoryLabel as words, as the Message export's tree; the lab's layout keeps its codes", () => {
    const procs = chain(3);
    const events = procs.map((proc) => ({ id: 4688 as const, proc }));
    const fromDocs = buildProcessTree(read("processes_on_host.csv", eventDataCsv(events)), { warn: () => {} }).filter(pl.col("IsInferred").not());
    const fromPlain = buildProcessTree(read("security.csv", plainExportCsv(events)), { warn: () => {} }).filter(pl.col("IsInferred").not());
    assert.deepEqual(col(fromDocs, "TokenElevationType"), Array(3).fill("TokenElevationTypeLimited (3)"), "not %%1938");
    assert.deepEqual(col(fromDocs, "MandatoryLabel"), Array(3).fill("Mandatory Label\\Medium Mandatory Level"), "not S-1-16-8192");
    for (const c of ["TokenElevationType", "MandatoryLabel"]) assert.deepEqual(col(fromPlain, c), col(fromDocs, c), c);
    // The lab's own layout (Account, typed TimeGenerated…), as its processes are: %%1936 as MSTICPy's notebook shows it.
    const lab = normalizeEvents(read("processes_on_host.csv", eventDataCsv(events)), "process")
      .withColumns(pl.lit("%%1936").alias("TokenElevationType"), pl.lit("S-1-16-12288").alias("MandatoryLabel"));
    const labTree = buildProcessTree(lab, { warn: () => {} }).filter(pl.col("IsInferred").not());
    assert.deepEqual([...new Set(col(labTree, "TokenElevationType"))], ["%%1936"]);
    assert.deepEqual([...new Set(col(labTree, "MandatoryLabel"))], ["S-1-16-12288"]);
  });

  it("Sentinel's WindowsEvent: FailureReason and ImpersonationLevel inside EventData (struct or JSON text) become columns, as words", () => {
    const data = [
      { TargetUserName: "bob", TargetDomainName: "CONTOSO", LogonType: "3", IpAddress: "203.0.113.45", FailureReason: "%%2313", Status: "0xc000006d" },
      { TargetUserName: "frank", TargetDomainName: "CONTOSO", LogonType: "3", IpAddress: "203.0.113.45", ImpersonationLevel: "%%1833", ElevatedToken: "%%1842" },
    ];
    const rows = (eventData: (d: (typeof data)[number]) => unknown) =>
      data.map((d, i) => ({ TimeGenerated: new Date(Date.UTC(2026, 4, 31, 19, i)), Computer: HOST, EventID: i ? 4624 : 4625, EventData: eventData(d) }));
    const nested = read("windowsevent.ndjson", rows((d) => d).map((r) => JSON.stringify(r)).join("\n") + "\n");
    const text = pl.readRecords(rows((d) => JSON.stringify(d)));
    for (const raw of [nested, text]) {
      assert.equal(detectEventSchema(raw, "logon").id, "windowsevent");
      const n = normalizeEvents(raw, "logon");
      assert.deepEqual(col(n, "FailureReason"), ["Unknown user name or bad password.", null]);
      assert.deepEqual(col(n, "ImpersonationLevel"), [null, "Impersonation"]);
      assert.deepEqual(col(n, "ElevatedToken"), [null, "Yes"]);
      assert.ok(n.columns.includes("EventData"), "the original column kept");
    }
  });

  it("a file of failures only, as the lab's failed_logons: the logon schema, not a schema error", () => {
    assert.equal(detectEventSchema(read("failed_logons.csv", plainExportCsv(spray)), "logon").id, "securityevent");
    assert.equal(normalizeEvents(read("failed_logons.csv", plainExportCsv(spray)), "logon").height, 4);
  });
});

describe("a plain Get-WinEvent | Export-Csv of the Sysmon log: network connections (Sysmon 3)", () => {
  const ps = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
  const conns: Conn[] = [
    // Out to a public address (the C2), in from one (RDP), inside (SMB, DNS).
    { pid: 4242, image: ps, initiated: true, protocol: "tcp", src: "10.20.4.17", sport: 50110, dst: "198.51.100.23", dport: 443, dportName: "https" },
    { pid: 1100, image: "C:\\Windows\\System32\\svchost.exe", initiated: false, protocol: "tcp", src: "45.137.22.48", sport: 61000, dst: "10.20.4.17", dport: 3389, dportName: "ms-wbt-server" },
    { pid: 4, image: "System", initiated: true, protocol: "tcp", src: "10.20.4.17", sport: 50111, dst: "10.20.4.5", dport: 445, dportName: "microsoft-ds" },
    { pid: 2020, image: "C:\\Windows\\System32\\svchost.exe", initiated: true, protocol: "udp", src: "10.20.4.17", sport: 50112, dst: "10.20.0.2", dport: 53, dportName: "domain" },
    // A host with a public address accepting a connection from another: only Initiated tells which end it is.
    { pid: 1100, image: "C:\\Windows\\System32\\svchost.exe", initiated: false, protocol: "tcp", src: "45.137.22.48", sport: 61001, dst: "52.168.10.20", dport: 3389, dportName: "ms-wbt-server" },
  ];
  const network: Event[] = conns.map((conn) => ({ id: 3, conn }));
  const sysmonLog = () => read("sysmon.csv", plainExportCsv([{ id: 1, proc: chain(1)[0] }, ...network, { id: 1, proc: chain(2)[1] }]));

  it("networkFlow: the Sysmon 3 rows as the lab's flows, the local end by Initiated", () => {
    const n = normalizeEvents(sysmonLog(), "networkFlow");
    assert.equal(detectEventSchema(sysmonLog(), "networkFlow").id, "sysmon-network");
    assert.deepEqual(col(n, "EventID"), [3, 3, 3, 3, 3], "the process creations are no flows");
    assert.deepEqual(col(n, "FlowDirection"), ["O", "I", "O", "O", "I"]);
    assert.deepEqual(col(n, "VMIPAddress"), ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "52.168.10.20"]);
    assert.deepEqual(col(n, "AllExtIPs"), ["198.51.100.23", "45.137.22.48", null, null, "45.137.22.48"]);
    assert.deepEqual(col(n, "FlowType"), ["ExternalPublic", "ExternalPublic", "IntraVNet", "IntraVNet", "ExternalPublic"]);
    assert.deepEqual(col(n, "DestPort"), [443, 3389, 445, 53, 3389]);
    assert.deepEqual(col(n, "L4Protocol"), ["T", "T", "T", "U", "T"]);
    assert.deepEqual(col(n, "L7Protocol"), ["https", "ms-wbt-server", "microsoft-ds", "domain", "ms-wbt-server"]);
    assert.deepEqual([...new Set(col(n, "VMName"))], [HOST]);
    assert.deepEqual(col(n, "Image")[0], ps, "the process behind the flow stays");
    assert.equal(n.getColumn("FlowStartTime").dtype.variant, "Datetime");
    assert.deepEqual(col(n, "FlowStartTime"), col(n, "TimeGenerated"), "one instant");
    // Sysmon's UtcTime, as its process creations' and ends' times: not the export's local TimeGenerated (UTC-4 here).
    const utc = (col(n, "UtcTime") as string[]).map((t) => new Date(`${t.replace(" ", "T")}Z`).toISOString());
    assert.deepEqual((col(n, "TimeGenerated") as Date[]).map((d) => d.toISOString()), utc);
  });

  it("the docs command's Sysmon 3 export gives the same flows", () => {
    const docs = normalizeEvents(read("az_net_comms.csv", eventDataCsv(network)), "networkFlow");
    const fromPlain = normalizeEvents(sysmonLog(), "networkFlow");
    for (const c of ["VMIPAddress", "SrcIP", "DestIP", "AllExtIPs", "FlowDirection", "FlowType", "DestPort", "L4Protocol", "L7Protocol", "VMName", "AllowedOutFlows", "AllowedInFlows"]) {
      assert.deepEqual(col(fromPlain, c), col(docs, c), c);
    }
  });

  it("the process kind still gets only the Sysmon 1 rows; a log without connections gives no flows, not a schema error", () => {
    const tree = buildProcessTree(sysmonLog());
    assert.equal(tree.filter(pl.col("IsInferred").not()).height, 2);
    const noConnections = normalizeEvents(read("sysmon.csv", plainExportCsv([{ id: 1, proc: chain(1)[0] }])), "networkFlow");
    assert.equal(noConnections.height, 0);
    assert.ok(noConnections.columns.includes("VMIPAddress"), noConnections.columns.join(","));
  });
});

describe("a plain export of both logs (Get-WinEvent -LogName Security,Microsoft-Windows-Sysmon/Operational)", () => {
  const procs = chain(3);
  const conn: Conn = { pid: 4242, image: "C:\\x.exe", initiated: true, protocol: "tcp", src: "10.20.4.17", sport: 50110, dst: "198.51.100.23", dport: 443, dportName: "https" };
  const events: Event[] = [
    ...procs.map((proc) => ({ id: 4688 as const, proc })),
    ...procs.map((proc) => ({ id: 1 as const, proc })),
    { id: 4624, logon: { user: "frank", type: 3, ip: "203.0.113.45" } },
    { id: 4625, logon: { user: "bob", type: 3, ip: "203.0.113.45" } },
    { id: 3, conn },
    // Read back as two logoffs (4634), events huntlab does not map, and a Sysmon process termination (5), read along with the processes (their end times).
    { id: 4624, logon: { user: "frank", type: 3, ip: "203.0.113.45" } },
    { id: 4624, logon: { user: "frank", type: 3, ip: "203.0.113.45" } },
    { id: 3, conn },
  ];
  const both = () =>
    read("both.csv", plainExportCsv(events)).withColumns(
      pl.when(pl.col("RecordId").eq(90011)).then(pl.lit(5)).when(pl.col("RecordId").gt(90008)).then(pl.lit(4634)).otherwise(pl.col("Id")).alias("Id"),
    );

  it("process: the Sysmon 1 rows with the lab's columns (one layout: 4688's rows left out with a warning), not 4688's layout with null names", () => {
    const warnings: string[] = [];
    const n = normalizeEvents(both(), "process", { source: "both.csv", warn: (m) => warnings.push(m) });
    assert.deepEqual(col(n, "EventID"), [1, 1, 1]);
    assert.deepEqual(col(n, "NewProcessName"), procs.map((p) => p.image));
    assert.deepEqual(col(n, "ParentProcessName"), procs.map((p) => p.pimage));
    assert.deepEqual(col(n, "ParentProcessId"), procs.map((p) => String(p.ppid)));
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0], /^both\.csv: the export holds both Security 4688 \(3 row\(s\)\) and Sysmon 1 \(3 row\(s\)\) process creations/);
    assert.match(warnings[1], /^both\.csv: 2 row\(s\) of events no lab query maps are left out of every query of it: Security 4634 \(2\)\./);
  });

  it("logon and networkFlow get their own rows from the same file", () => {
    const logons = normalizeEvents(both(), "logon", { warn: () => {} });
    assert.deepEqual([col(logons, "EventID"), col(logons, "Account")], [[4624, 4625], ["CONTOSO\\frank", "CONTOSO\\bob"]]);
    const flows = normalizeEvents(both(), "networkFlow", { warn: () => {} });
    assert.deepEqual([col(flows, "EventID"), col(flows, "DestIP")], [[3], ["198.51.100.23"]]);
  });

  it("buildProcessTree: the Sysmon 1 tree (its parent chain), and it says the 4688 rows were left out", () => {
    const warnings: string[] = [];
    const tree = buildProcessTree(both(), { warn: (m) => warnings.push(m) });
    const real = tree.filter(pl.col("IsInferred").not());
    assert.deepEqual(col(real, "ProcessId").map(String), procs.map((p) => String(p.pid)));
    assert.equal(real.filter(pl.col("parent_key").isNull()).height, 0, "each has its parent");
    assert.ok(warnings.some((w) => /^buildProcessTree: the export holds both Security 4688 \(3 row\(s\)\) and Sysmon 1/.test(w)), warnings.join("\n"));
  });
});

describe("a multi-host export of both logs (collected centrally, WEF forwarded events): the 4688-or-Sysmon choice per host", () => {
  // WS01 runs Sysmon (its processes in 4688 and Sysmon 1), WS02 and a host without a name do not (4688 only).
  const ws01 = chain(3);
  const ws02 = chain(2).map((p) => ({ ...p, pid: p.pid + 0x100, ppid: p.ppid + 0x100 }));
  const events: Event[] = [
    ...ws01.map((proc) => ({ id: 4688 as const, proc })),
    ws02.map((proc) => ({ id: 4688 as const, proc }))[0],
    ...ws01.map((proc) => ({ id: 1 as const, proc })),
    ws02.map((proc) => ({ id: 4688 as const, proc }))[1],
    { id: 4688, proc: { ...ws02[0], pid: 0x2000 } },
  ];
  const hostOf = (i: number) => (i === 3 || i === 7 ? "WS02.contoso.local" : i === 8 ? null : HOST);
  const wef = () =>
    read("forwarded.csv", plainExportCsv(events)).withColumns(
      pl.Series("MachineName", events.map((_, i) => hostOf(i)), pl.Utf8),
    );

  it("normalizeEvents: WS01's Sysmon 1 rows and the other hosts' 4688 rows, each with the lab's columns, in the file's order; one warning names the hosts", () => {
    const warnings: string[] = [];
    const n = normalizeEvents(wef(), "process", { source: "forwarded.csv", warn: (m) => warnings.push(m) });
    assert.deepEqual(col(n, "EventID"), [4688, 1, 1, 1, 4688, 4688], "WS02's 4688 rows are not lost");
    assert.deepEqual(col(n, "Computer"), ["WS02.contoso.local", HOST, HOST, HOST, "WS02.contoso.local", null]);
    assert.deepEqual(col(n, "NewProcessName"), [ws02[0].image, ...ws01.map((p) => p.image), ws02[1].image, ws02[0].image]);
    assert.deepEqual(col(n, "ParentProcessName"), [ws02[0].pimage, ...ws01.map((p) => p.pimage), ws02[1].pimage, ws02[0].pimage]);
    assert.deepEqual(col(n, "Account"), Array(6).fill("CONTOSO\\alice"));
    // Each event's own ProcessId: 4688's is the creator's, Sysmon's the process's own (NewProcessId is 4688's only).
    assert.deepEqual(col(n, "ProcessId"), ["0x" + ws02[0].ppid.toString(16), ...ws01.map((p) => String(p.pid)), "0x" + ws02[1].ppid.toString(16), "0x" + ws02[0].ppid.toString(16)]);
    assert.deepEqual(col(n, "NewProcessId"), ["0x" + ws02[0].pid.toString(16), null, null, null, "0x" + ws02[1].pid.toString(16), "0x2000"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^forwarded\.csv: the export holds both Security 4688 \(3 row\(s\)\) and Sysmon 1 \(3 row\(s\)\) process creations of the same host\(s\)/);
    assert.match(warnings[0], /its 4688 rows left out: "WS01\.contoso\.local" \(3\)\. The 4688 rows of the hosts without Sysmon are kept .*: "WS02\.contoso\.local" \(2\), \(no host\) \(1\)\./);
    // Named for both layouts it is read in, as Wazuh alerts of both are (was "Sysmon 1", though WS02's rows are 4688's).
    assert.deepEqual(detectEventSchema(wef(), "process"), { id: "Sysmon 1 + Windows 4688", name: "Sysmon 1 + Windows 4688" });
  });

  it("buildProcessTree: WS01's tree from Sysmon, WS02's from 4688, each with its parent chain", () => {
    const warnings: string[] = [];
    const tree = buildProcessTree(wef(), { warn: (m) => warnings.push(m) });
    const real = tree.filter(pl.col("IsInferred").not());
    assert.equal(real.height, 6);
    const sysmon = real.filter(pl.col("EventID").eq(1)), security = real.filter(pl.col("EventID").eq(4688));
    assert.deepEqual(col(sysmon, "ProcessId").map(String), ws01.map((p) => String(p.pid)));
    assert.equal(sysmon.filter(pl.col("parent_key").isNull()).height, 0, "each Sysmon process has its parent");
    const ws02Tree = security.filter(pl.col("Computer").eq(pl.lit("WS02.contoso.local")));
    assert.deepEqual(col(ws02Tree, "NewProcessId"), ws02.map((p) => "0x" + p.pid.toString(16)));
    const parents = parentImages(tree, "NewProcessId", "NewProcessName");
    assert.equal(parents.get("0x" + ws02[1].pid.toString(16)), ws02[0].image, "WS02's child under its parent");
    assert.equal(new Set(col(tree, "proc_key")).size, tree.height, "no process key shared between the hosts' trees");
    // Numbered as one tree: source_index unique (each layout's tree counted from 0 before), paths in those numbers.
    assert.equal(new Set(col(tree, "source_index")).size, tree.height);
    const index = new Map(col(tree, "source_index").map((s, i) => [s, i]));
    col(tree, "path").forEach((p, i) => {
      const segments = String(p).split("/");
      assert.equal(segments.at(-1), col(tree, "source_index")[i]);
      if (segments.length > 1) assert.equal(col(tree, "proc_key")[index.get(segments.at(-2))!], col(tree, "parent_key")[i]);
    });
    assert.equal(warnings.filter((w) => /Security 4688/.test(w)).length, 1, warnings.join("\n"));
  });

  it("a German collector (every 4688 Message not read): the 4688 hosts' rows are left out with a warning, the Sysmon host's rows kept (not a schema error for all)", () => {
    // Sysmon writes English on any Windows: the other Messages as the plain export has them.
    const english = col(read("x.csv", plainExportCsv(events)), "Message") as string[];
    const df = () =>
      read("forwarded.csv", plainExportCsv(events, (e, i) => (e.id === 4688 ? msg4688De(e.proc) : english[i]))).withColumns(
        pl.Series("MachineName", events.map((_, i) => hostOf(i)), pl.Utf8),
      );
    for (const run of [(w: string[]) => normalizeEvents(df(), "process", { source: "forwarded.csv", warn: (m) => w.push(m) }), (w: string[]) => buildProcessTree(df(), { warn: (m) => w.push(m) }).filter(pl.col("IsInferred").not())]) {
      const warnings: string[] = [];
      const out = run(warnings);
      assert.deepEqual(col(out, "EventID"), [1, 1, 1]);
      assert.ok(warnings.some((w) => /the 3 Security 4688 row\(s\) \(of the hosts using that layout\) could not be mapped and are left out; .* Why: .*Get-WinEvent \| Export-Csv export/.test(w)), warnings.join("\n"));
    }
    // The part left out is not named.
    assert.equal(detectEventSchema(df(), "process").name, "Sysmon 1");
  });

  it("a file whose hosts each have one log only: no row left out, no warning", () => {
    const warnings: string[] = [];
    const oneEach = () => read("f.csv", plainExportCsv(events.slice(3))).withColumns(pl.Series("MachineName", events.slice(3).map((_, i) => (i === 0 || i === 4 || i === 5 ? "WS02" : HOST)), pl.Utf8));
    assert.equal(normalizeEvents(oneEach(), "process", { warn: (m) => warnings.push(m) }).height, 6);
    assert.deepEqual(warnings, []);
  });
});

describe("4688 of Windows Server 2012 R2 (no Creator Process Name, no Target Subject)", () => {
  const procs = chain(4);
  // The 2012 R2 template: one Subject section, no ParentProcessName, TargetUser… or MandatoryLabel.
  const message = (p: (typeof procs)[0]) =>
    [
      "A new process has been created.", "", "Subject:", "\tSecurity ID:\t\tS-1-5-21-1", "\tAccount Name:\t\talice", "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x3A4F12", "",
      "Process Information:", `\tNew Process ID:\t\t0x${p.pid.toString(16)}`, `\tNew Process Name:\t${p.image}`, "\tToken Elevation Type:\tTokenElevationTypeDefault (1)",
      `\tCreator Process ID:\t0x${p.ppid.toString(16)}`, `\tProcess Command Line:\t${p.cmd}`, "",
      "Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.",
    ].join("\r\n");
  const plain = () =>
    pl.DataFrame({
      Message: procs.map(message), Id: procs.map(() => 4688), ProviderName: procs.map(() => "Microsoft-Windows-Security-Auditing"), MachineName: procs.map(() => HOST),
      TimeCreated: procs.map((_, i) => `5/31/2026 3:00:${String(i * 5).padStart(2, "0")} PM`),
    });
  // The docs command's export of the same events: EventData has no ParentProcessName column at all.
  const eventData = () =>
    pl.DataFrame({
      TimeGenerated: procs.map((_, i) => new Date(Date.UTC(2026, 4, 31, 19, 0, i * 5))), EventID: procs.map(() => 4688), Computer: procs.map(() => HOST),
      SubjectUserSid: procs.map(() => "S-1-5-21-1"), SubjectUserName: procs.map(() => "alice"), SubjectDomainName: procs.map(() => "CONTOSO"), SubjectLogonId: procs.map(() => "0x3a4f12"),
      NewProcessId: procs.map((p) => "0x" + p.pid.toString(16)), NewProcessName: procs.map((p) => p.image), TokenElevationType: procs.map(() => "%%1936"),
      ProcessId: procs.map((p) => "0x" + p.ppid.toString(16)), CommandLine: procs.map((p) => p.cmd),
    });

  it("normalizeEvents: both exports map (the EventData one failed with polars' 'ParentProcessName not found'), ParentProcessName null, Account from Subject", () => {
    for (const df of [plain(), eventData()]) {
      const n = normalizeEvents(df, "process", { warn: () => {} });
      assert.deepEqual(col(n, "NewProcessName"), procs.map((p) => p.image));
      assert.deepEqual(col(n, "ParentProcessName"), procs.map(() => null));
      assert.deepEqual(col(n, "Account"), procs.map(() => "CONTOSO\\alice"));
      assert.deepEqual(col(n, "TokenElevationType"), procs.map(() => "TokenElevationTypeDefault (1)"));
    }
  });

  it("buildProcessTree: one chain by id and time (a null parent name no longer stands for 'unknown' and splits the tree), alone or after normalizeEvents", () => {
    for (const df of [plain(), eventData(), normalizeEvents(plain(), "process", { warn: () => {} })]) {
      const tree = buildProcessTree(df, { warn: () => {} });
      const parents = parentImages(tree, "NewProcessId", "NewProcessName");
      for (const p of procs.slice(1)) assert.equal(parents.get("0x" + p.pid.toString(16)), p.pimage, `parent of ${p.pid.toString(16)}`);
      assert.equal(Math.max(...(col(tree, "Level") as number[])), procs.length + 1, "one chain under one inferred root");
    }
  });
});

describe("buildProcessTree: one process id for most of a host's processes", () => {
  // A hunter following the close-name hints on a Get-WinEvent export: MDE's names added, the export's ProcessId (the log writer's, 4) kept.
  const mde = (pids: (i: number) => string) =>
    pl.DataFrame({
      Timestamp: chain(24).map((_, i) => new Date(Date.UTC(2026, 4, 31, 19, 0, i))),
      DeviceName: chain(24).map(() => HOST),
      FileName: chain(24).map((p) => p.image),
      ProcessId: chain(24).map((_, i) => pids(i)),
      InitiatingProcessId: chain(24).map((p) => String(p.ppid)),
    });

  it("warns that the process id column is probably not the process's own", () => {
    const warnings: string[] = [];
    const tree = buildProcessTree(mde(() => "4"), { warn: (m) => warnings.push(m) });
    assert.ok(tree.height >= 24, "the tree is still built");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /process id "4" \(column ProcessId\) is on 24 of the 24 distinct event times of host WS01\.contoso\.local: the process id column is probably not the process's own/);
  });

  it("no warning for true ids, nor for few events", () => {
    const warnings: string[] = [];
    buildProcessTree(mde((i) => String(0x1000 + 4 * i)), { warn: (m) => warnings.push(m) });
    buildProcessTree(mde(() => "4").head(19), { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
  });
});

describe("a plain Get-WinEvent | Export-Csv through a LocalData query (metadata.schema)", () => {
  const procs = chain(6);
  const logons = [{ user: "bob", type: 3, ip: "203.0.113.45" }, { user: "carol", type: 10, ip: "198.51.100.7" }];
  /** The whole Security log exported once: 6 process creations (local 3:00:00-3:03:05 PM), then 2 logons (3:03:42, 3:04:19 PM). */
  const security = plainExportCsv([...procs.map((proc) => ({ id: 4688 as const, proc })), ...logons.map((logon) => ({ id: 4624 as const, logon }))]);
  /** The same export on a German Windows: TimeCreated `31.05.2026 15:00:00` (the Messages stay English: a culture, not a UI language). */
  const german = security.replace(/"(\d+)\/(\d+)\/(\d{4}) (\d+):(\d\d):(\d\d) (AM|PM)"/g, (_, m, d, y, h, mi, se, ap) => {
    const hh = (Number(h) % 12) + (ap === "PM" ? 12 : 0);
    return `"${d.padStart(2, "0")}.${m.padStart(2, "0")}.${y} ${String(hh).padStart(2, "0")}:${mi}:${se}"`;
  });
  const source = (name: string, schema: string, file: string) => `  ${name}:
    description: ${name}
    metadata: {schema: ${schema}}
    args: {query: ${file}}
    parameters:
      start: {description: s, type: datetime, default: null}
      end: {description: e, type: datetime, default: null}
`;
  const provider = (files: Record<string, string>) => {
    const queries = `metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}
sources:
${source("logons", "logon", "security.csv")}${source("processes", "process", "security.csv")}${source("german_processes", "process", "german.csv")}${source("process_only_logons", "logon", "processes.csv")}`;
    const dir = tempTree({ "q/evtx.yaml": queries, ...Object.fromEntries(Object.entries(files).map(([n, t]) => [`d/${n}`, t])) });
    return new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
  };
  const qp = provider({ "security.csv": security, "german.csv": german, "processes.csv": plainExportCsv(procs.map((proc) => ({ id: 4688 as const, proc }))) });

  it("the mapping's warnings go to the provider's readOptions.warn, as the reader's do (they were printed whatever the option)", async () => {
    // A Messages-only export whose Messages are not English: winEventFields warns (in the reader's whole-file step, as
    // TimeCreated is text there), and the query then says what the file is.
    const foreign = security.replace(/A new process has been created\./g, "Ein neuer Prozess wurde erstellt.").replace(/"(\d+)\/(\d+)\/(\d{4}) (\d+):(\d\d):(\d\d) (AM|PM)"/g, '"$2.$1.$3 $4:$5:$6"');
    const dir = tempTree({
      "q/evtx.yaml": `metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}\nsources:\n${source("processes", "process", "foreign.csv")}`,
      "d/foreign.csv": foreign,
    });
    const warnings: string[] = [];
    const printed: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args);
    try {
      const own = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], readOptions: { warn: (m) => warnings.push(m) } }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
      await own.Evtx.processes({ start: new Date("2000-01-01T00:00:00Z") }).catch(() => undefined);
    } finally {
      console.warn = original;
    }
    assert.ok(warnings.some((w) => /^foreign\.csv, column Message: 6 Security .* not in English/.test(w)), warnings.join("\n"));
    assert.deepEqual(printed, []);
  });

  it("a warning about the file (rows no query maps) is said once for all the provider's queries of it, again when the file changes or for a new provider", async () => {
    // The Security log with one logoff (4634): the lab's logon, failure and process queries all read it.
    const withLogoff = (n: number) => {
      const text = plainExportCsv([...procs.map((proc) => ({ id: 4688 as const, proc })), ...logons.map((logon) => ({ id: 4624 as const, logon })), ...logons.map((logon) => ({ id: 4624 as const, logon }))]);
      const parts = text.split(',"4624","2",'); // the last n 4624 rows become 4634s
      return parts.map((part, i) => (i === 0 ? part : (i >= parts.length - n ? ',"4634","2",' : ',"4624","2",') + part)).join("");
    };
    const dir = tempTree({
      "q/evtx.yaml": `metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}\nsources:\n${source("logons", "logon", "security.csv")}${source("failures", "logon", "security.csv")}${source("processes", "process", "security.csv")}`,
      "d/security.csv": withLogoff(1),
    });
    const warnings: string[] = [];
    const make = () => new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], readOptions: { warn: (m) => warnings.push(m) } }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
    const unmapped = () => warnings.filter((w) => /no lab query maps/.test(w));
    const own = make();
    for (const run of [own.Evtx.logons, own.Evtx.failures, own.Evtx.processes, own.Evtx.logons]) await run();
    assert.equal(unmapped().length, 1, unmapped().join("\n"));
    assert.match(unmapped()[0], /^security\.csv: 1 row\(s\) of events no lab query maps are left out of every query of it: Security 4634 \(1\)\./);
    // The hunter exports again (two logoffs now): re-running the cell says it again, once.
    fs.writeFileSync(path.join(dir, "d", "security.csv"), withLogoff(2));
    for (const run of [own.Evtx.logons, own.Evtx.processes]) await run();
    assert.equal(unmapped().length, 2, unmapped().join("\n"));
    assert.match(unmapped()[1], /Security 4634 \(2\)/);
    // The same text again after the file was touched (another modification time): said again.
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, "d", "security.csv"), later, later);
    await own.Evtx.logons();
    assert.equal(unmapped().length, 3);
    // A new provider (the connect cell run again) says it once more.
    await make().Evtx.processes();
    assert.equal(unmapped().length, 4);
  });

  it("in tslab, a file's warning is said once per cell execution: the queries of one cell say it once, a cell run again (its output replaced) or another cell says it again", async () => {
    const text = plainExportCsv([...procs.map((proc) => ({ id: 4688 as const, proc })), ...logons.map((logon) => ({ id: 4624 as const, logon }))]).replace(',"4624","2",', ',"4634","2",');
    const dir = tempTree({
      "q/evtx.yaml": `metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}\nsources:\n${source("logons", "logon", "security.csv")}${source("processes", "process", "security.csv")}`,
      "d/security.csv": text,
      // A fake tslab kernel module: tslab gives each execute request its own display writer.
      "node_modules/tslab/dist/jupyter.js": "",
    });
    const kernelFile = path.join(dir, "node_modules", "tslab", "dist", "jupyter.js");
    const kernel = new Module(kernelFile);
    kernel.filename = kernelFile;
    kernel.loaded = true;
    const newCell = () => (kernel.exports = { lastWriteDisplayData: () => {} });
    newCell();
    require.cache[kernelFile] = kernel;
    try {
      const warnings: string[] = [];
      const p = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], readOptions: { warn: (m) => warnings.push(m) } }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>;
      const unmapped = () => warnings.filter((w) => /no lab query maps/.test(w)).length;
      // One cell: both queries of the file.
      await p.Evtx.logons();
      await p.Evtx.processes();
      assert.equal(unmapped(), 1);
      // The cell run again: its new output says it again, once.
      newCell();
      await p.Evtx.logons();
      await p.Evtx.processes();
      assert.equal(unmapped(), 2);
      // Another cell reading the file.
      newCell();
      await p.Evtx.processes();
      assert.equal(unmapped(), 3);
    } finally {
      delete require.cache[kernelFile];
    }
  });

  it("one Security log as logons and as processes: each query gets only its own events", async () => {
    const l = await qp.Evtx.logons();
    assert.deepEqual(col(l, "EventID"), [4624, 4624]);
    assert.deepEqual(col(l, "TargetUserName"), ["bob", "carol"]);
    assert.deepEqual(col(l, "LogonType"), [3, 10]);
    assert.deepEqual(col(l, "Account"), ["CONTOSO\\bob", "CONTOSO\\carol"]);
    // The lab's session clustering cell, which stopped at the 4688 rows' empty LogonType.
    const features = withStringScore(withStringScore(l, "Account", "AccountNum"), "TargetUserName", "TargetUserNum");
    const clusters = dbclusterEvents(features, { clusterColumns: ["AccountNum", "TargetUserNum", "LogonType"], timeColumn: "TimeGenerated", maxClusterDistance: 0.0001 });
    assert.equal(clusters.clusterCount + clusters.noiseCount, 2);
    const p = await qp.Evtx.processes();
    assert.deepEqual(col(p, "EventID"), procs.map(() => 4688));
    assert.deepEqual(col(p, "NewProcessName"), procs.map((x) => x.image));
  });

  it("a window with no event of the query's kind, or a file with none: no rows, not a schema error", async () => {
    // 3:00-3:02 PM local: 4688 rows only.
    const onlyProcesses = { start: "2026-05-31T15:00:00Z", end: "2026-05-31T15:02:00Z" };
    assert.equal((await qp.Evtx.processes(onlyProcesses)).height, 4);
    const l = await qp.Evtx.logons(onlyProcesses);
    assert.equal(l.height, 0);
    assert.ok(l.columns.includes("LogonType") && l.columns.includes("Account"), l.columns.join(","));
    // The next day: nothing at all.
    const nextDay = { start: "2026-06-01T00:00:00Z", end: "2026-06-01T01:00:00Z" };
    assert.equal((await qp.Evtx.logons(nextDay)).height, 0);
    const p = await qp.Evtx.processes(nextDay);
    assert.equal(p.height, 0);
    assert.ok(p.columns.includes("NewProcessName"), p.columns.join(","));
    // A 4688-only file read by a logon query.
    assert.equal((await qp.Evtx.process_only_logons()).height, 0);
    // The window still applies to the logons.
    assert.deepEqual(col(await qp.Evtx.logons({ start: "2026-05-31T15:04:00Z", end: "2026-05-31T15:05:00Z" }), "TargetUserName"), ["carol"]);
  });

  it("a window on a de-DE export (TimeCreated 31.05.2026 15:00:00) applies to its local times", async () => {
    const all = await qp.Evtx.german_processes();
    assert.equal(all.height, 6);
    assert.equal((col(all, "TimeGenerated")[0] as Date).toISOString(), "2026-05-31T15:00:00.000Z");
    const w = await qp.Evtx.german_processes({ start: "2026-05-31T15:01:00Z", end: "2026-05-31T15:02:00Z" });
    assert.deepEqual(col(w, "NewProcessName"), [procs[2].image, procs[3].image]);
  });
});
