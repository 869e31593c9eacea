/**
 * `.evtx` files read directly (src/data/schemas/evtx.ts, evtxBinXml.ts): the samples of omerbenamram/evtx
 * (test/fixtures/evtx, MIT: NOTICE) give its published record counts and values, the frame of a Get-WinEvent export
 * with EventData columns (so normalizeEvents, process trees and logons read it), and dirty, cut, random or cyclic
 * bytes give warnings, never a crash or a hang.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, it, mock } from "node:test";
import fc from "fast-check";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../../src/index";
import { QueryProvider } from "../../../src/data/queryProvider";
import { readDataFile, readDataFileSteps } from "../../../src/data/readers";
import { runAsync } from "../../../src/data/collect";
import { normalizeEvents } from "../../../src/data/schemas/index";
import { EvtxFileReader, evtxRecords } from "../../../src/data/schemas/evtx";
import { EventXmlReader, readEventXml } from "../../../src/data/schemas/eventXml";
import { EventXmlFileReader } from "../../../src/data/schemas/eventXmlFile";
import { fileTime, fileTimeMicros, textOf } from "../../../src/data/schemas/evtxBinXml";
import { EvtxPlanner } from "../../../src/data/schemas/evtxPlan";
import { micros } from "../../../src/data/schemas/evtxRows";
import { assertLinear } from "../../helpers/linearTime";
import { tempTree } from "../../helpers/tmp";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "evtx");
const fixture = (name: string) => path.join(FIXTURES, name);
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const row = (df: pl.DataFrame, recordId: number) => df.filter(pl.col("RecordId").eq(pl.lit(recordId))).toRecords()[0] as Record<string, unknown>;
const countOf = (df: pl.DataFrame, id: number) => df.filter(pl.col("Id").eq(pl.lit(id))).height;
const read = (file: string) => {
  const warnings: string[] = [];
  const df = readDataFile(file, { warn: (m) => warnings.push(m) });
  return { df, warnings };
};
const notEvtx = (detail: string) => new Error(detail);
/** The one chunk of Security_short_selected.evtx (7 records), uncompressed. */
const SHORT = fs.readFileSync(fixture("Security_short_selected.evtx"));

describe("EVTX samples (omerbenamram/evtx's published counts and records)", () => {
  it("security.evtx.gz (compressed): 2261 records in record-id order, record 1 and 2260 as published", () => {
    const { df, warnings } = read(fixture("security.evtx.gz"));
    assert.deepEqual(warnings, []);
    assert.equal(df.height, 2261);
    const ids = col(df, "RecordId") as number[];
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(countOf(df, 4624), 583);
    const first = row(df, 1);
    assert.equal(first.Id, 4608);
    assert.equal(first.ProviderName, "Microsoft-Windows-Security-Auditing");
    assert.equal(first.ProviderId, "{54849625-5478-4994-A5BA-3E3B0328C30D}");
    assert.equal(first.LogName, "Security");
    assert.equal(first.MachineName, "37L4247F27-25");
    assert.equal(first.Task, 12288);
    assert.equal(first.Keywords, "0x8020000000000000");
    assert.equal(first.ThreadId, 460);
    // The time as UTC, to the microsecond (2016-07-08T18:12:51.681640Z).
    assert.equal(df.getColumn("TimeCreated").dtype.variant, "Datetime");
    assert.equal(df.select(pl.col("TimeCreated").cast(pl.Utf8)).getColumn("TimeCreated").get(0), "2016-07-08 18:12:51.681640");
    const logon = row(df, 2260);
    assert.equal(logon.EventID, 4624);
    assert.equal(logon.Computer, "WIN-03DLIIOFRRA");
    assert.equal(logon.SubjectUserName, "WIN-03DLIIOFRRA$");
    assert.equal(logon.TargetLogonId, "0x3e7");
    assert.equal(logon.LogonType, "5");
    assert.equal(logon.LogonProcessName, "Advapi  ", "trailing spaces kept");
    assert.equal(logon.WorkstationName, null, "an empty Data is null, as an exported CSV's empty field");
    // The event's ProcessId (EventData's hex) replaces the log writer's (Execution ProcessID 536), as in a Get-WinEvent export.
    assert.equal(logon.ProcessId, "0x204");
    assert.equal(logon.ProcessName, "C:\\Windows\\System32\\services.exe");
    assert.equal((logon.TimeGenerated as Date).toISOString(), "2017-04-14T01:21:10.906Z");
  });

  it("logons: normalizeEvents maps 4624 (security.evtx) and 4625 (Security_short_selected.evtx) as from an EventData export", () => {
    const logons = normalizeEvents(read(fixture("security.evtx.gz")).df, "logon", { warn: () => undefined });
    assert.equal(logons.height, 583);
    assert.ok((col(logons, "Account") as string[]).includes("NT AUTHORITY\\SYSTEM"));
    const failed = normalizeEvents(read(fixture("Security_short_selected.evtx")).df, "logon", { warn: () => undefined });
    assert.equal(failed.height, 1);
    const f = failed.toRecords()[0] as Record<string, unknown>;
    assert.equal(f.EventID, 4625);
    assert.equal(f.TargetUserName, "Administrator");
    assert.equal(f.IpAddress, "23.94.153.202");
    assert.equal(f.LogonType, 10);
    assert.equal(f.SubStatus, "0xc000006a");
    assert.equal(f.FailureReason, "Unknown user name or bad password.", "%%2313 written as words, as for an EventData export");
  });

  it("Sysmon (compressed, %4 in the name): 358 records, 227 Sysmon 1 with their own fields; the process tree links by them", () => {
    const { df, warnings } = read(fixture("Microsoft-Windows-Sysmon%4Operational.evtx.gz"));
    assert.deepEqual(warnings, []);
    assert.equal(df.height, 358);
    assert.equal(countOf(df, 1), 227);
    assert.equal(countOf(df, 3), 2);
    const ping = row(df, 1742);
    assert.equal(ping.LogName, "Microsoft-Windows-Sysmon/Operational");
    assert.equal(ping.UserId, "S-1-5-18");
    assert.equal(ping.ProcessGuid, "{94F748D5-4A45-5A42-0000-0010D265F20F}");
    assert.equal(ping.ProcessId, "9112");
    assert.equal(ping.Image, "C:\\Windows\\SysWOW64\\PING.EXE");
    assert.equal(ping.CommandLine, "ping  -n 6 127.0.0.1 ");
    assert.equal(ping.ParentProcessId, "8392");
    assert.equal(ping.ParentImage, "C:\\Windows\\SysWOW64\\cmd.exe");
    assert.equal(ping.LogonId, "0x3e7");
    assert.equal(ping.UtcTime, "2017-12-26 13:10:29.134");
    const procs = normalizeEvents(df, "process", { warn: () => undefined });
    assert.equal(procs.height, 227);
    const tree = buildProcessTree(df, { warn: () => undefined });
    const real = tree.filter(pl.col("IsInferred").not());
    assert.equal(real.height, 227);
    const byKey = new Map((col(tree, "proc_key") as string[]).map((k, i) => [k, i]));
    const i = (col(real, "ProcessId") as string[]).indexOf("9112");
    const parent = byKey.get(col(real, "parent_key")[i] as string)!;
    assert.equal(col(tree, "Image")[parent], "C:\\Windows\\SysWOW64\\cmd.exe");
  });

  it("System.evtx.gz: 1881 records; classic events' unnamed Data one per array item (Data1…), Qualifiers apart from Id", () => {
    const { df } = read(fixture("System.evtx.gz"));
    assert.equal(df.height, 1881);
    const first = row(df, 1);
    assert.equal(first.Id, 6009);
    assert.equal(first.Qualifiers, 32768);
    assert.equal(first.ProviderName, "EventLog");
    assert.equal(first.Level, 4);
    assert.deepEqual([first.Data1, first.Data2, first.Data3, first.Data4, first.Data5], ["10.00.", "15063", null, "Multiprocessor Free", "0"]);
    // A field named like an EventLogRecord property (Version) is EventData<Name>, the record's Version kept.
    assert.ok(df.columns.includes("EventDataVersion"));
    assert.ok(df.columns.includes("Version"));
  });

  it("a dirty file (chunks with a bad magic and broken records): the 270 records evtx-rs reads and 31 after broken ones, one warning counting what was lost", () => {
    const { df, warnings } = read(fixture("bad-chunk-magic.evtx.gz"));
    // evtx-rs stops a chunk at its first broken record (270); the records after one, whose headers hold, are read on.
    assert.equal(df.height, 301);
    const ids = col(df, "RecordId") as number[];
    assert.equal(new Set(ids).size, 301);
    const lost = warnings.filter((w) => /could not be read/.test(w));
    assert.equal(lost.length, 1, warnings.join("\n"));
    assert.match(lost[0], /bad-chunk-magic\.evtx\.gz: 1 event record\(s\) and 1 whole 64 KiB chunk\(s\) of this EVTX file could not be read \(the first: chunk 6, .*\(16752 byte\(s\) of them where records' headers are broken/);
    assert.ok(warnings.some((w) => /bad-chunk-magic\.evtx\.gz: 3 chunk\(s\) .* fail their checksum/.test(w)), warnings.join("\n"));
  });
});

describe("EVTX files by their bytes", () => {
  it("found by their magic under any name; a .evtx that is none is an error naming it", () => {
    const dir = tempTree({});
    fs.copyFileSync(fixture("Security_short_selected.evtx"), path.join(dir, "Security"));
    fs.copyFileSync(fixture("Security_short_selected.evtx"), path.join(dir, "security.log"));
    assert.equal(readDataFile(path.join(dir, "Security")).height, 7);
    assert.equal(readDataFile(path.join(dir, "security.log")).height, 7);
    fs.writeFileSync(path.join(dir, "x.evtx"), "TimeGenerated,Id\n");
    assert.throws(() => readDataFile(path.join(dir, "x.evtx")), { code: "data/file-invalid", message: /x\.evtx.*not a Windows event log \(EVTX\)/ });
  });

  it("Interrupt Kernel stops a large log's read between chunks: the read rejects with the reason, the file is closed", async () => {
    const dir = tempTree({});
    const file = path.join(dir, "big.evtx");
    fs.writeFileSync(file, evtxFile(...Array.from({ length: 512 }, () => SHORT.subarray(4096, 4096 + 65536))));
    // Descriptors of this process open on the file (Linux; elsewhere 0, and the check of "reading" is skipped).
    const target = (fd: string) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return undefined; // closed since it was listed
      }
    };
    const proc = fs.existsSync("/proc/self/fd");
    const open = () => (proc ? fs.readdirSync("/proc/self/fd").filter((fd) => target(fd) === file).length : 0);
    const controller = new AbortController();
    const reason = new Error("Interrupt Kernel");
    const running = runAsync(readDataFileSteps(file), controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    if (proc) assert.equal(open(), 1, "reading");
    controller.abort(reason);
    await assert.rejects(running, (err) => err === reason);
    assert.equal(open(), 0, "closed");
    // Not interrupted, the same steps read it whole.
    assert.equal((await runAsync(readDataFileSteps(file))).height, 512 * 7);
  });

  it("a folder in dataPaths: the lab's queries read processes_on_host.evtx (Sysmon) and host_logons.evtx (Security)", async () => {
    const dir = tempTree({});
    fs.writeFileSync(path.join(dir, "processes_on_host.evtx"), zlib.gunzipSync(fs.readFileSync(fixture("Microsoft-Windows-Sysmon%4Operational.evtx.gz"))));
    fs.copyFileSync(fixture("Security_short_selected.evtx"), path.join(dir, "host_logons.evtx"));
    const warnings: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [dir], readOptions: { warn: (m) => warnings.push(m) } }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
    const procs = await qp.WindowsSecurity.list_host_processes({ start: new Date("2017-12-26T00:00:00Z"), end: new Date("2018-03-07T00:00:00Z") });
    assert.equal(procs.height, 227);
    // The window applies to the events' times (UTC): the year 2017's only.
    assert.equal((await qp.WindowsSecurity.list_host_processes({ start: new Date("2017-01-01T00:00:00Z"), end: new Date("2018-01-01T00:00:00Z") })).height, 140);
    assert.ok((col(procs, "NewProcessName") as string[]).includes("C:\\Windows\\SysWOW64\\PING.EXE"));
    const logons = await qp.WindowsSecurity.list_host_logons({ start: new Date("2016-01-01T00:00:00Z"), end: new Date("2017-01-01T00:00:00Z") });
    assert.equal(logons.height, 1);
    assert.equal(col(logons, "TargetUserName")[0], "Administrator");
  });
});

/** Security_short_selected.evtx's 4625 (record 319457832) as `wevtutil qe Security /f:xml` writes it. */
const XML_4625 =
  "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>" +
  "<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8010000000000000</Keywords>" +
  "<TimeCreated SystemTime='2016-06-29T15:24:36.6860000Z'/><EventRecordID>319457832</EventRecordID><Correlation/><Execution ProcessID='644' ThreadID='2764'/>" +
  "<Channel>Security</Channel><Computer>temporal</Computer><Security/></System><EventData>" +
  [
    ["SubjectUserSid", "S-1-5-18"], ["SubjectUserName", "TEMPORAL$"], ["SubjectDomainName", "WORKGROUP"], ["SubjectLogonId", "0x3e7"], ["TargetUserSid", "S-1-0-0"],
    ["TargetUserName", "Administrator"], ["TargetDomainName", "TEMPORAL"], ["Status", "0xc000006d"], ["FailureReason", "%%2313"], ["SubStatus", "0xc000006a"],
    ["LogonType", "10"], ["LogonProcessName", "User32 "], ["AuthenticationPackageName", "Negotiate"], ["WorkstationName", "TEMPORAL"], ["TransmittedServices", "-"],
    ["LmPackageName", "-"], ["KeyLength", "0"], ["ProcessId", "0xc38"], ["ProcessName", "C:\\Windows\\System32\\winlogon.exe"], ["IpAddress", "23.94.153.202"], ["IpPort", "60167"],
  ]
    .map(([k, v]) => `<Data Name='${k}'>${v}</Data>`)
    .join("") +
  "</EventData></Event>";

describe("wevtutil qe <log> /f:xml output (the stretch of the EVTX reader: the same record model)", () => {
  const evtx = readDataFile(fixture("Security_short_selected.evtx"));

  it("an event gives the row its .evtx record gives (same columns and values)", () => {
    const file = path.join(tempTree({ "security.xml": XML_4625 + "\r\n" }), "security.xml");
    const { df, warnings } = read(file);
    assert.deepEqual(warnings, []);
    assert.equal(df.height, 1);
    const fromXml = df.toRecords()[0] as Record<string, unknown>;
    const fromEvtx = row(evtx, 319457832);
    for (const [name, value] of Object.entries(fromXml)) assert.deepEqual(value, fromEvtx[name], name);
    assert.equal(normalizeEvents(df, "logon", { warn: () => undefined }).height, 1);
  });

  it("events under a root (/e:Events), entities, UserData; a cut last event is one warning; other .xml files are no data source", () => {
    const sysmon =
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID>" +
      "<TimeCreated SystemTime='2026-05-31T19:00:00.1234567Z'/><EventRecordID>7</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01</Computer></System>" +
      "<EventData><Data Name='CommandLine'>cmd.exe /c &quot;a &amp; b&quot; &gt; &#x41;</Data><Data Name='Image'><![CDATA[C:\\x<y>.exe]]></Data></EventData></Event>";
    const cleared =
      "<Event><System><Provider Name='Microsoft-Windows-Eventlog'/><EventID>1102</EventID><EventRecordID>3</EventRecordID></System>" +
      "<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'><SubjectUserName>alice</SubjectUserName></LogFileCleared></UserData></Event>";
    const dir = tempTree({ "x/events.xml": `<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n${sysmon}\n${cleared}\n</Events>\n${XML_4625.slice(0, 300)}`, "x/config.xml": "<configuration/>" });
    const { df, warnings } = read(path.join(dir, "x", "events.xml"));
    assert.deepEqual(col(df, "RecordId"), [3, 7], "record-id order");
    assert.deepEqual(col(df, "CommandLine"), [null, 'cmd.exe /c "a & b" > A']);
    assert.deepEqual(col(df, "Image"), [null, "C:\\x<y>.exe"]);
    assert.deepEqual(col(df, "SubjectUserName"), ["alice", null]);
    assert.equal(df.select(pl.col("TimeCreated").cast(pl.Utf8)).getColumn("TimeCreated").get(1), "2026-05-31 19:00:00.123456");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /events\.xml: 1 <Event> element\(s\) of this XML could not be read/);
    assert.throws(() => readDataFile(path.join(dir, "x", "config.xml")), { code: "data/file-invalid", message: /config\.xml.*not wevtutil's XML output/ });
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "x")], queryPaths: [] });
    assert.deepEqual(qp.listQueries(), ["LocalData.events"]);
  });

  it("random cuts and bytes give events or a count of malformed ones, in linear time (bare &, unclosed tags, deep nesting)", () => {
    const two = XML_4625 + "\n" + XML_4625.replace("319457832", "319457833");
    fc.assert(
      fc.property(fc.nat(two.length), fc.array(fc.tuple(fc.nat(two.length - 1), fc.constantFrom("<", ">", "/", "'", '"', "&", "=", " ")), { maxLength: 8 }), (cut, edits) => {
        const chars = [...two.slice(0, cut)];
        for (const [at, c] of edits) if (at < chars.length) chars[at] = c;
        const read = readEventXml(chars.join(""));
        assert.ok(read.events.length + read.malformed <= 2 + edits.length * 2);
      }),
      { numRuns: 300, seed: 31 },
    );
    const data = (inner: string) => `<Event><System><EventID>1</EventID></System><EventData><Data Name='x'>${inner}</Data></EventData></Event>`;
    assertLinear("readEventXml, bare &", (n) => data("&a".repeat(n / 2)), (t) => void readEventXml(t));
    assertLinear("readEventXml, unclosed tags", (n) => "<Event>" + "<a ".repeat(n / 3), (t) => void readEventXml(t));
    assertLinear("readEventXml, deep nesting", (n) => "<Event>" + "<a>".repeat(n / 3), (t) => void readEventXml(t));
  });
});

describe("wevtutil XML read in blocks (a file of any size: only the event being read is held)", () => {
  const sysmon = (id: number, extra = "") =>
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID>` +
    `<EventRecordID>${id}</EventRecordID><Computer>WS0${id % 3}</Computer></System><EventData><Data Name='CommandLine'>a &amp; b &#x41; ${id}${extra}</Data>` +
    `<!-- c --><Data Name='Image'><![CDATA[C:\\x<y>.exe]]></Data>${id % 2 ? `<Data Name='Odd${id}'>x</Data>` : ""}</EventData></Event>`;
  const readPieces = (text: string, cuts: number[], options = {}) => {
    const reader = new EventXmlReader(options);
    const events = [];
    let from = 0;
    for (const at of [...cuts].sort((a, b) => a - b)) {
      events.push(...reader.push(text.slice(from, Math.max(from, at))));
      from = Math.max(from, at);
    }
    events.push(...reader.push(text.slice(from)), ...reader.end());
    return { events, malformed: reader.malformed };
  };

  it("pieces cut anywhere (inside names, entities, comments, CDATA, attributes) give the events and count of the whole text", () => {
    const text = `\uFEFF<?xml version="1.0"?>\n<Events>${sysmon(5)}\r\n${XML_4625}<!-- between -->${sysmon(4)}</Events>\n`;
    fc.assert(
      fc.property(
        fc.array(fc.nat(text.length), { maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(text.length - 1), fc.constantFrom("<", ">", "/", "'", '"', "&", "=", " ", "!", "-")), { maxLength: 4 }),
        fc.nat(text.length),
        (cuts, edits, end) => {
          const chars = [...text.slice(0, end)];
          for (const [at, c] of edits) if (at < chars.length) chars[at] = c;
          const edited = chars.join("");
          assert.deepEqual(readPieces(edited, cuts), readEventXml(edited));
        },
      ),
      { numRuns: 400, seed: 32 },
    );
    // One character at a time: the three events.
    assert.equal(readPieces(text, Array.from({ length: text.length }, (_, i) => i)).events.length, 3);
  });

  it("a file read in tiny blocks and batches: the frame of one read, in record-id order; a UTF-8 character cut by a block", () => {
    const ids = [9, 3, 7, 1, 8, 2, 6, 4, 5, 10, 12, 11];
    const text = `<Events>${ids.map((id) => sysmon(id, " é€😀")).join("\n")}</Events>`;
    const file = path.join(tempTree({ "sysmon.xml": text }), "sysmon.xml");
    const whole = read(file).df;
    assert.deepEqual(col(whole, "RecordId"), [...ids].sort((a, b) => a - b));
    for (const [blockBytes, batchRecords] of [[7, 2], [1, 5], [100, 1]]) {
      const reader = new EventXmlFileReader(file, { blockBytes, batchRecords });
      try {
        assert.equal(reader.read(Infinity), true);
        const df = reader.frame();
        assert.equal(reader.malformed, 0);
        assert.deepEqual([...df.columns].sort(), [...whole.columns].sort());
        for (const name of whole.columns) assert.deepEqual(col(df, name), col(whole, name), name);
        assert.equal(col(df, "CommandLine")[0], "a & b A 1 é€😀");
      } finally {
        reader.close();
      }
    }
  });

  it("an event longer than the limit is dropped and counted, the events after it read; hostile text stays linear and bounded", () => {
    const big = sysmon(2, "x".repeat(5000));
    const text = `<Events>${sysmon(1)}${big}${sysmon(3)}<!-- ${"y".repeat(5000)} -->${sysmon(4)}</Events>`;
    for (const cuts of [[], [600, 1200, 3000, 9000], Array.from({ length: 200 }, (_, i) => i * 64)]) {
      const read = readPieces(text, cuts, { maxEventChars: 2000 });
      assert.deepEqual(read.events.map((e) => textOf(e).match(/a & b A (\d)/)?.[1]), ["1", "3", "4"], String(cuts.length));
      assert.equal(read.malformed, 1);
    }
    // The whole text (no limit hit): four events.
    assert.equal(readEventXml(text).events.length, 4);
    const pieces = (t: string) => Array.from({ length: Math.ceil(t.length / 4096) }, (_, i) => i * 4096);
    assertLinear("EventXmlReader, a tag never closed, in pieces", (n) => "<Event>" + "<a ".repeat(n / 3), (t) => void readPieces(t, pieces(t), { maxEventChars: 65536 }));
    assertLinear("EventXmlReader, text never ended, in pieces", (n) => "<Event><Data>" + "a".repeat(n), (t) => void readPieces(t, pieces(t), { maxEventChars: 65536 }));
  });
});

/** A chunk holding `records` (their BinXml), its header's numbers and checksums written as Windows writes them. */
function chunk(records: Buffer[], firstId = 1): Buffer {
  const buf = Buffer.alloc(65536);
  buf.write("ElfChnk\0", 0, "latin1");
  let pos = 512;
  records.forEach((binxml, i) => {
    const size = 24 + binxml.length + 4;
    buf.writeUInt32LE(0x2a2a, pos);
    buf.writeUInt32LE(size, pos + 4);
    buf.writeBigUInt64LE(BigInt(firstId + i), pos + 8);
    binxml.copy(buf, pos + 24);
    buf.writeUInt32LE(size, pos + size - 4);
    pos += size;
  });
  for (const at of [8, 24]) buf.writeBigUInt64LE(BigInt(firstId), at);
  for (const at of [16, 32]) buf.writeBigUInt64LE(BigInt(firstId + records.length - 1), at);
  buf.writeUInt32LE(128, 40);
  buf.writeUInt32LE(pos, 48);
  buf.writeUInt32LE(zlib.crc32(buf.subarray(512, pos)), 52);
  buf.writeUInt32LE(zlib.crc32(buf.subarray(128, 512), zlib.crc32(buf.subarray(0, 120))), 124);
  return buf;
}

/** An EVTX file of these chunks (the file header of the sample). */
const evtxFile = (...chunks: Buffer[]) => Buffer.concat([SHORT.subarray(0, 4096), ...chunks]);

/**
 * A record's BinXml at chunk offset 536 (the first record's): a template instance whose definition, written in the record,
 * holds an instance of itself, then no values.
 */
function cyclicRecord(): Buffer {
  const b = Buffer.alloc(64);
  let p = 0;
  const at = (n: number) => 536 + n;
  b.set([0x0f, 1, 1, 0, 0x0c, 1], p);
  p += 6;
  b.writeUInt32LE(7, p); // template id
  const def = at(p + 8);
  b.writeUInt32LE(def, p + 4);
  p += 8;
  // The definition: next, GUID, size, then its tokens: an instance of itself, no values, end.
  b.writeUInt32LE(0, p);
  p += 20;
  const sizeAt = p;
  p += 4;
  const start = p;
  b.set([0x0f, 1, 1, 0, 0x0c, 1], p);
  p += 6;
  b.writeUInt32LE(7, p);
  b.writeUInt32LE(def, p + 4);
  p += 8;
  b.writeUInt32LE(0, p);
  p += 4;
  b[p++] = 0x00;
  b.writeUInt32LE(p - start, sizeAt);
  b.writeUInt32LE(0, p); // the outer instance's values: none
  p += 4;
  b[p++] = 0x00;
  return b.subarray(0, p);
}

/**
 * A chunk whose first record defines (and uses) a template of `elements` empty elements under `<Event>`, and whose
 * other records (as many as fit) each instantiate it again by its offset: few bytes, much work per record.
 */
function amplifyingChunk(elements: number): Buffer[] {
  const first = Buffer.alloc(24 + 16 + elements * 12 + 64);
  let p = 0;
  const at = () => 536 + p; // chunk offset of the next byte (the first record's BinXml starts at 536)
  first.set([0x0f, 1, 1, 0, 0x0c, 1], p);
  p += 6;
  first.writeUInt32LE(1, p);
  const def = at() + 8;
  first.writeUInt32LE(def, p + 4);
  p += 8 + 20; // to the definition's size
  const sizeAt = p;
  p += 4;
  const start = p;
  const element = (name: string, empty: boolean) => {
    first[p] = 0x01;
    p += 7; // token, dependency id, data size
    const offset = names.get(name) ?? at() + 4;
    first.writeUInt32LE(offset, p);
    p += 4;
    if (!names.has(name)) {
      names.set(name, offset);
      first.writeUInt16LE(name.length, p + 6);
      first.write(name, p + 8, "utf16le");
      p += 10 + name.length * 2;
    }
    first[p++] = empty ? 0x03 : 0x02;
  };
  const names = new Map<string, number>();
  first.set([0x0f, 1, 1, 0], p);
  p += 4;
  element("Event", false);
  for (let i = 0; i < elements; i++) element("x", true);
  first[p++] = 0x04;
  first[p++] = 0x00;
  first.writeUInt32LE(p - start, sizeAt);
  p += 4; // no values
  first[p++] = 0x00;
  const again = Buffer.alloc(19);
  again.set([0x0f, 1, 1, 0, 0x0c, 1], 0);
  again.writeUInt32LE(1, 6);
  again.writeUInt32LE(def, 10);
  const room = 65536 - 512 - (p + 28);
  return [first.subarray(0, p), ...Array.from({ length: Math.floor(room / (19 + 28)) }, () => again)];
}

describe("EVTX losses counted as met, not as a dirty chunk header says", () => {
  /** The sample's one chunk (7 records, record ids 319457832…), edited, as a file; its read. */
  const dirty = (edit: (chunk: Buffer, starts: number[]) => void) => {
    const bytes = Buffer.from(SHORT.subarray(4096, 4096 + 65536));
    const starts: number[] = [];
    for (let pos = 512; bytes.readUInt32LE(pos) === 0x2a2a; pos += bytes.readUInt32LE(pos + 4)) starts.push(pos);
    assert.equal(starts.length, 7);
    edit(bytes, starts);
    const file = path.join(tempTree({}), "dirty.evtx");
    fs.writeFileSync(file, evtxFile(bytes));
    return { ...read(file), read: evtxRecords(file, notEvtx) };
  };
  const lostWarnings = (warnings: string[]) => warnings.filter((w) => /could not be read/.test(w));

  it("a header claiming more records than the chunk holds, or fewer (its free space short): nothing lost, every record read", () => {
    for (const edit of [
      (b: Buffer) => b.writeBigUInt64LE(b.readBigUInt64LE(8) + 500n, 16),
      (b: Buffer, starts: number[]) => b.writeUInt32LE(starts[4], 48),
    ]) {
      const { df, warnings, read } = dirty(edit);
      assert.equal(df.height, 7);
      assert.deepEqual(read.lost, { records: 0, chunks: 0, bytes: 0, first: undefined });
      assert.deepEqual(lostWarnings(warnings), []);
    }
  });

  it("a record's size made larger (hiding the records after it) or its magic wiped: the others read, the wiped one counted", () => {
    const larger = dirty((b, starts) => b.writeUInt32LE(b.readUInt32LE(starts[2] + 4) + (starts[5] - starts[3]), starts[2] + 4));
    assert.equal(larger.df.height, 7);
    assert.equal(larger.read.lost.records, 0);
    const wiped = dirty((b, starts) => b.fill(0, starts[3], starts[3] + 8));
    const all = col(readDataFile(fixture("Security_short_selected.evtx")), "RecordId");
    assert.deepEqual(col(wiped.df, "RecordId"), [...all.slice(0, 3), ...all.slice(4)]);
    assert.equal(wiped.read.lost.records, 1);
    assert.match(lostWarnings(wiped.warnings)[0], /dirty\.evtx: 1 event record\(s\) of this EVTX file could not be read \(the first: chunk 0 at offset \d+, where a record's size or magic is broken\) and are left out \(\d+ byte\(s\) of them/);
    // Two records' sizes broken in a row: both counted by their magic.
    const two = dirty((b, starts) => {
      b.writeUInt32LE(3, starts[1] + 4);
      b.writeUInt32LE(0xffff, starts[2] + 4);
    });
    assert.equal(two.df.height, 5);
    assert.equal(two.read.lost.records, 2);
  });

  it("records whose size copies all disagree (each searched past for a hidden record): linear in the chunk", () => {
    const dir = tempTree({});
    let n = 0;
    assertLinear(
      "readChunk, size copies wrong",
      (size) => {
        // Records of a fragment header and its end only (no Event: each lost), their size copies off by 8.
        const records = Array.from({ length: Math.floor(size / 40) }, () => Buffer.from([0x0f, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        const bytes = chunk(records);
        for (let pos = 512; bytes.readUInt32LE(pos) === 0x2a2a; pos += bytes.readUInt32LE(pos + 4)) bytes.writeUInt32LE(48, pos + bytes.readUInt32LE(pos + 4) - 4);
        const file = path.join(dir, `copies-${n++}.evtx`);
        fs.writeFileSync(file, evtxFile(bytes));
        return file;
      },
      (file) => void evtxRecords(file, notEvtx),
      { size: 24 << 10 },
    );
    // Each record met once, lost once.
    assert.equal(evtxRecords(path.join(dir, "copies-0.evtx"), notEvtx).lost.records, Math.floor((24 << 10) / 40));
  });

  it("a record whose BinXml does not parse: that one record counted, named", () => {
    const { df, warnings, read } = dirty((b, starts) => (b[starts[5] + 24] = 0x7f));
    assert.equal(df.height, 6);
    assert.equal(read.lost.records, 1);
    assert.match(lostWarnings(warnings)[0], /1 event record\(s\) .*\(the first: record 6 in chunk 0: unknown BinXml token 0x7f/);
  });
});

describe("EVTX unused space: zeros are no loss, a byte set in them is", () => {
  const zeros = Buffer.alloc(65536);
  const one = (at: number) => Buffer.from(zeros).fill(1, at, at + 1);
  const readOf = (...chunks: Buffer[]) => {
    const file = path.join(tempTree({}), "space.evtx");
    fs.writeFileSync(file, evtxFile(...chunks));
    return evtxRecords(file, notEvtx);
  };
  const sample = SHORT.subarray(4096, 4096 + 65536);

  it("whole zero chunks (preallocated) before and after a chunk: its 7 records, nothing lost; a byte set in one before it: that chunk lost", () => {
    const clean = readOf(zeros, sample, zeros);
    assert.equal(clean.records.length, 7);
    assert.deepEqual(clean.lost, { records: 0, chunks: 0, bytes: 0, first: undefined });
    for (const at of [0, 30000, 65535]) {
      const dirty = readOf(one(at), sample, zeros);
      assert.equal(dirty.records.length, 7);
      assert.deepEqual(dirty.lost, { records: 0, chunks: 1, bytes: 0, first: 'chunk 0, which does not start with "ElfChnk"' });
    }
  });

  it("zeros between the last record and the header's end of the records are no record; a byte set there is one lost, its bytes counted", () => {
    const end = sample.readUInt32LE(48);
    const longer = (edit?: (chunk: Buffer) => void) => {
      const chunk = Buffer.from(sample);
      chunk.writeUInt32LE(end + 1000, 48);
      chunk.fill(0, end, end + 1000); // the sample has stale bytes further on
      edit?.(chunk);
      return readOf(chunk);
    };
    const clean = longer();
    assert.equal(clean.records.length, 7);
    assert.deepEqual(clean.lost, { records: 0, chunks: 0, bytes: 0, first: undefined });
    for (const at of [end, end + 500, end + 999]) {
      const dirty = longer((chunk) => (chunk[at] = 7));
      assert.equal(dirty.records.length, 7);
      assert.deepEqual(dirty.lost, { records: 1, chunks: 0, bytes: 1000, first: `chunk 0 at offset ${end}, where a record's size or magic is broken` });
    }
  });
});

describe("EVTX bounds: hostile or damaged bytes give warnings, never a crash or a hang", () => {
  it("records multiplying a large template's work: the chunk's budget stops it, the rest counted as lost", () => {
    const dir = tempTree({});
    const file = path.join(dir, "amplify.evtx");
    const records = amplifyingChunk(2600);
    fs.writeFileSync(file, evtxFile(chunk(records), SHORT.subarray(4096, 4096 + 65536)));
    const { df, warnings } = read(file);
    const amplified = df.height - 7;
    assert.ok(amplified > 100 && amplified < records.length, `${amplified} of ${records.length} records read`);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], new RegExp(`amplify\\.evtx: ${records.length - amplified} event record\\(s\\) .*the first: chunk 0 after ${amplified} record\\(s\\): the chunk's records cost more than 1000000 tokens`));
  });

  it("a template naming itself is one lost record, the file's other chunks read", () => {
    const dir = tempTree({});
    const file = path.join(dir, "cyclic.evtx");
    fs.writeFileSync(file, evtxFile(chunk([cyclicRecord()]), SHORT.subarray(4096, 4096 + 65536)));
    const { df, warnings } = read(file);
    assert.equal(df.height, 7);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /cyclic\.evtx: 1 event record\(s\) of this EVTX file could not be read \(the first: record 1 in chunk 0: no Event element\)/);
  });

  it("random bytes anywhere in a chunk, or a file cut anywhere: records or warnings, no exception", () => {
    const body = SHORT.subarray(4096, 4096 + 65536);
    const dir = tempTree({});
    const file = path.join(dir, "fuzz.evtx");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(65535), fc.nat(255)), { minLength: 1, maxLength: 64 }), fc.option(fc.integer({ min: 4096, max: SHORT.length }), { nil: undefined }), (edits, cut) => {
        const bytes = Buffer.from(body);
        for (const [at, v] of edits) bytes[at] = v;
        const whole = evtxFile(bytes);
        fs.writeFileSync(file, cut === undefined ? whole : whole.subarray(0, cut));
        const read = evtxRecords(file, notEvtx);
        assert.ok(read.records.length <= 7);
        assert.ok(read.records.length + read.lost.records <= 7 + 65536 / 28);
      }),
      { numRuns: 200, seed: 31 },
    );
  });

  it("random chunk headers and record sizes (offsets past the chunk, sizes below a record's): no exception", () => {
    const dir = tempTree({});
    const file = path.join(dir, "fuzz.evtx");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(8, 16, 44, 48, 516, 520, 536, 540, 546), fc.nat(0xffffffff)), { minLength: 1, maxLength: 6 }), (edits) => {
        const bytes = Buffer.from(SHORT.subarray(4096, 4096 + 65536));
        for (const [at, v] of edits) bytes.writeUInt32LE(v, at);
        fs.writeFileSync(file, evtxFile(bytes));
        evtxRecords(file, notEvtx);
      }),
      { numRuns: 200, seed: 31 },
    );
  });

  it("reads in time linear in the file's size (chunks after chunks)", () => {
    const dir = tempTree({});
    const body = SHORT.subarray(4096, 4096 + 65536);
    let n = 0;
    assertLinear(
      "evtxRecords",
      (size) => {
        const file = path.join(dir, `linear-${n++}.evtx`);
        fs.writeFileSync(file, evtxFile(...Array.from({ length: Math.max(1, Math.round(size / 65536)) }, () => body)));
        return file;
      },
      (file) => void evtxRecords(file, notEvtx),
      { size: 4 << 20 },
    );
  });
});

describe("EVTX rows made frames a batch at a time (a 1 GB log's records would overflow V8's heap as JS objects)", () => {
  /** The frame of EVTX `file` read `batch` records at a time. */
  const frameOf = (file: string, batch: number) => {
    const reader = new EvtxFileReader(file, notEvtx, batch);
    try {
      while (!reader.read(64));
      return reader.frame();
    } finally {
      reader.close();
    }
  };

  it("security.evtx in batches of 100 records: the same frame as in one batch, in record-id order", () => {
    const file = path.join(tempTree({ "security.evtx": zlib.gunzipSync(fs.readFileSync(fixture("security.evtx.gz"))) }), "security.evtx");
    const whole = frameOf(file, Infinity);
    const batched = frameOf(file, 100);
    assert.equal(batched.height, 2261);
    // Event fields first met in a later batch come after, as diagonal concatenation orders them: same set, same values.
    assert.deepEqual([...batched.columns].sort(), [...whole.columns].sort());
    for (const name of whole.columns) assert.deepEqual(col(batched, name), col(whole, name), name);
    assert.deepEqual(col(batched, "RecordId"), [...(col(whole, "RecordId") as number[])].sort((a, b) => a - b));
  });

  it("a damaged copy whose record headers repeat ids (zeroed, or not the event's EventRecordID): the same rows in the same order whatever the batch", () => {
    const bytes = zlib.gunzipSync(fs.readFileSync(fixture("security.evtx.gz")));
    // Every 40th record's header id set to 1: ties with record 1, and a header id no longer its EventRecordID.
    let changed = 0;
    for (let chunk = 4096; chunk + 65536 <= bytes.length; chunk += 65536) {
      for (let at = chunk + 512, k = 0; at + 24 <= chunk + 65536 && bytes.readUInt32LE(at) === 0x00002a2a; at += bytes.readUInt32LE(at + 4), k++) {
        if (k % 40 === 39) {
          bytes.writeBigUInt64LE(1n, at + 8);
          changed++;
        }
      }
    }
    assert.ok(changed > 40, `${changed} headers changed`);
    const file = path.join(tempTree({ "damaged.evtx": bytes }), "damaged.evtx");
    const whole = frameOf(file, Infinity);
    assert.equal(whole.height, 2261);
    for (const batch of [100, 777]) {
      const batched = frameOf(file, batch);
      assert.deepEqual([...batched.columns].sort(), [...whole.columns].sort());
      for (const name of whole.columns) assert.deepEqual(col(batched, name), col(whole, name), `${name}, batches of ${batch}`);
    }
  });
});

describe("EVTX rows by template plans (no element tree per record): the rows of the element trees", () => {
  const decompressed = (name: string) => {
    const bytes = fs.readFileSync(fixture(name));
    return name.endsWith(".gz") ? zlib.gunzipSync(bytes) : bytes;
  };
  /** Every fixture, and copies with seeded random bytes in their chunks' first 3 KB (templates, names, first records) and anywhere. */
  const files = () => {
    const dir = tempTree({});
    const out: string[] = [];
    let seed = 33;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (const name of fs.readdirSync(FIXTURES).filter((n) => /\.evtx(\.gz)?$/.test(n))) {
      const bytes = decompressed(name);
      const file = path.join(dir, name.replace(/\.gz$/, ""));
      fs.writeFileSync(file, bytes);
      out.push(file);
      for (let k = 0; k < 1; k++) {
        const copy = Buffer.from(bytes);
        for (let at = 4096; at + 65536 <= copy.length; at += 65536) for (let i = 0; i < 4; i++) copy[at + 512 + next(3000)] ^= 1 + next(255);
        for (let i = 0; i < 20; i++) copy[4096 + next(copy.length - 4096)] ^= 1 + next(255);
        const damaged = file.replace(/\.evtx$/, `.damaged${k}.evtx`);
        fs.writeFileSync(damaged, copy);
        out.push(damaged);
      }
    }
    return out;
  };
  const frameOf = (file: string, batch: number, plans: boolean) => {
    const reader = new EvtxFileReader(file, notEvtx, batch, { plans });
    try {
      while (!reader.read(64));
      return { df: reader.frame(), ...reader.result() };
    } finally {
      reader.close();
    }
  };

  it("every fixture and a damaged copy: the same records, losses and frame (batches of 500 joined) with plans as without", () => {
    const plan = mock.method(EvtxPlanner.prototype, "plan");
    try {
      for (const file of files()) {
        const name = path.basename(file);
        const planned = evtxRecords(file, notEvtx);
        const trees = evtxRecords(file, notEvtx, { plans: false });
        assert.deepEqual(planned, trees, name);
        for (const batch of [500]) {
          const a = frameOf(file, batch, true);
          const b = frameOf(file, batch, false);
          assert.deepEqual(a.lost, b.lost, name);
          assert.deepEqual(a.badChecksums, b.badChecksums, name);
          assert.deepEqual(a.df.columns, b.df.columns, name);
          assert.deepEqual(a.df.dtypes.map(String), b.df.dtypes.map(String), name);
          for (const column of a.df.columns) assert.deepEqual(col(a.df, column), col(b.df, column), `${name}: ${column}, batches of ${batch}`);
        }
      }
      // The plans were used: the samples' records are nearly all one template instance each.
      const made = plan.mock.calls.filter((c) => c.result !== null).length;
      assert.ok(made > 5_000, `${made} records by plans`);
    } finally {
      plan.mock.restore();
    }
  });

  it("TimeCreated from a FILETIME's ticks: the microseconds its text reads to, any u64 (a year past 9999: null)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 116444736000000000n - 10n ** 12n, max: 2650467744000000000n + 10n ** 9n })), (ticks) => {
        assert.equal(fileTimeMicros(ticks), micros(fileTime(ticks)));
      }),
      { numRuns: 20_000, seed: 33 },
    );
    assert.equal(fileTimeMicros(2n ** 64n - 1n), null);
    assert.equal(fileTimeMicros(116444736000000000n), 0);
  });
});
