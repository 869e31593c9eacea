/**
 * entities.filesFromDataFrame: File entities from file-creation rows — the fileCreate layout (normalizeEvents, the
 * lab's file-creation queries) and raw Sysmon 11 exports alike (EventData columns, wevtutil XML, a plain
 * Get-WinEvent export's Messages) — with their host and creating process, into an entity graph. Rows are
 * attacker-controlled: every path form, empty and placeholder values, odd cells; one bad row never stops the rest.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { entities, EntityGraph, normalizeEvents } from "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { tempTree } from "../helpers/tmp";

const { filesFromDataFrame, File, Process, Host, Account } = entities;

const T = Date.UTC(2026, 10, 2, 14, 0, 3, 250);
const GUID = "{6d1a2f3e-5b00-6570-0002-000000000a02}";
const PS = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

/** One file-creation row in the fileCreate layout (what normalizeEvents(df, "fileCreate") gives). */
const layoutRow = (over: Record<string, unknown> = {}) => ({
  TimeGenerated: new Date(T),
  Computer: "WS01.contoso.local",
  FilePath: "C:\\Users\\Public\\p.ps1",
  FileName: "p.ps1",
  FileCreationTime: new Date(T - 400 * 86400e3),
  ProcessName: PS,
  ProcessId: "4200",
  Account: "CONTOSO\\alice",
  SubjectUserName: "alice",
  ...over,
});
const layout = (rows: Record<string, unknown>[]) => pl.readRecords(rows);

/** What a File says of itself and of its creator, for comparisons. */
function described(f: InstanceType<typeof File>) {
  const p = f.CreatingProcess;
  return {
    Directory: f.Directory,
    Name: f.Name,
    FullPath: f.FullPath,
    Host: f.Host && [f.Host.HostName, f.Host.DnsDomain],
    TimeGenerated: f.TimeGenerated?.toISOString(),
    Process: p && { ProcessId: p.ProcessId, Image: p.ImageFile?.FullPath, Account: p.Account && [p.Account.NTDomain, p.Account.Name], Host: p.Host?.HostName },
  };
}

const EXPECTED = {
  Directory: "C:\\Users\\Public",
  Name: "p.ps1",
  FullPath: "C:\\Users\\Public\\p.ps1",
  Host: ["WS01", "contoso.local"],
  TimeGenerated: new Date(T).toISOString(),
  Process: { ProcessId: "4200", Image: PS, Account: ["CONTOSO", "alice"], Host: "WS01" },
};

// Sysmon 11's EventData, then the same event as each export writes it.
const FIELDS: [string, string][] = [
  ["RuleName", "-"], ["UtcTime", "2026-11-02 14:00:03.250"], ["ProcessGuid", GUID], ["ProcessId", "4200"], ["Image", PS],
  ["TargetFilename", "C:\\Users\\Public\\p.ps1"], ["CreationUtcTime", "2025-09-28 14:00:03.250"], ["User", "CONTOSO\\alice"],
];
const PROCESS_CREATE: [string, string][] = [["RuleName", "-"], ["UtcTime", "2026-11-02 14:00:02.000"], ["ProcessGuid", GUID], ["ProcessId", "4200"], ["Image", PS], ["CommandLine", "powershell -nop"], ["User", "CONTOSO\\alice"], ["ParentProcessGuid", "{6d1a2f3e-5b00-6570-0001-000000000a01}"], ["ParentProcessId", "4100"], ["ParentImage", "C:\\Windows\\System32\\cmd.exe"]];
const eventXml = (id: number, fields: [string, string][]) =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon"/><EventID>${id}</EventID>` +
  `<TimeCreated SystemTime="2026-11-02T14:00:03.2500000Z"/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01.contoso.local</Computer></System>` +
  `<EventData>${fields.map(([k, v]) => `<Data Name="${k}">${v.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Data>`).join("")}</EventData></Event>`;
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

describe("filesFromDataFrame", () => {
  it("the fileCreate layout: a File per row with its folder, name, host, time and creating process (image, id, account, host)", () => {
    const files = filesFromDataFrame(layout([layoutRow()]));
    assert.equal(files.length, 1);
    assert.ok(files[0] instanceof File && files[0].CreatingProcess instanceof Process && files[0].Host instanceof Host && files[0].CreatingProcess.Account instanceof Account);
    assert.deepEqual(described(files[0]), EXPECTED);
    assert.equal(files[0].key, "file:c:\\users\\public\\p.ps1");
    assert.equal(files[0].CreatingProcess!.key, new Process({ ProcessId: "4200", ImageFile: new File(PS), Host: new Host("WS01") }).key, "the process of the host's Sysmon 1 row");
    assert.deepEqual(files[0].relations().map((r) => r.property), ["Host", "CreatingProcess"]);
  });

  it("raw Sysmon 11 exports read as the fileCreate queries read them: EventData columns, wevtutil XML, a plain Get-WinEvent export (its other events left out)", () => {
    const eventData = pl.readRecords([
      { TimeGenerated: "2026-11-02T14:00:02.0000000Z", EventID: 1, Computer: "WS01.contoso.local", ...Object.fromEntries(PROCESS_CREATE) },
      { TimeGenerated: "2026-11-02T14:00:03.2500000Z", EventID: 11, Computer: "WS01.contoso.local", ...Object.fromEntries(FIELDS) },
    ]);
    const xmlPath = path.join(tempTree({ "s.xml": `<Events>${eventXml(1, PROCESS_CREATE)}${eventXml(11, FIELDS)}</Events>` }), "s.xml");
    // A plain export: the fields only in the English Message, TimeCreated the exporting machine's local time (UTC-5).
    const message = (title: string, fields: [string, string][]) => [title, ...fields.map(([k, v]) => `${k}: ${v}`)].join("\r\n");
    const plain = pl.DataFrame({
      Message: [message("Process Create:", PROCESS_CREATE), message("File created:", FIELDS)],
      Id: [1, 11],
      ProviderName: ["Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon"],
      MachineName: ["WS01.contoso.local", "WS01.contoso.local"],
      TimeCreated: ["11/2/2026 9:00:02 AM", "11/2/2026 9:00:03 AM"],
      ProcessId: [2384, 2384],
    });
    // A Wazuh manager's alerts.json: the event under data.win, EventData names lower-cased first.
    const wazuh = [[1, PROCESS_CREATE], [11, FIELDS]]
      .map(([id, fields]) =>
        JSON.stringify({
          timestamp: "2026-11-02T14:00:03.250+0000", rule: { id: `6160${id}`, level: 3 }, agent: { id: "003", name: "ws01" },
          data: { win: { system: { providerName: "Microsoft-Windows-Sysmon", eventID: String(id), channel: "Microsoft-Windows-Sysmon/Operational", computer: "WS01.contoso.local" }, eventdata: Object.fromEntries((fields as [string, string][]).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v])) } },
        }),
      )
      .join("\n");
    const wazuhPath = path.join(tempTree({ "alerts.json": wazuh + "\n" }), "alerts.json");
    for (const [form, df] of [["EventData columns", eventData], ["wevtutil XML", readDataFile(xmlPath)], ["plain Get-WinEvent", plain], ["Wazuh alerts", readDataFile(wazuhPath)]] as const) {
      const files = filesFromDataFrame(df, { warn: () => undefined });
      assert.equal(files.length, 1, form);
      // Sysmon's UtcTime is the file's time in every form (a plain export's TimeCreated is local: docs/schemas.md).
      assert.deepEqual(described(files[0]), EXPECTED, form);
      assert.equal(files[0].key, filesFromDataFrame(layout([layoutRow()]))[0].key, form);
    }
    // The columns normalizeEvents keeps beside the layout's go along on request.
    const [file] = filesFromDataFrame(eventData, { additionalColumns: ["ProcessGuid", "FileCreationTime"], warn: () => undefined });
    // Action: the export's EventID (11) names the event, as it names a deletion's (the hashes tests below).
    assert.deepEqual(file.AdditionalData, { Action: "FileCreate", ProcessGuid: GUID, FileCreationTime: "2025-09-28T14:00:03.250Z" });
    assert.equal(filesFromDataFrame(normalizeEvents(eventData, "fileCreate"))[0].key, file.key);
  });

  it("every path form; an empty, null or placeholder path gives a File without one (keyed alone), the row's host and process kept", () => {
    const paths = ["/tmp/x.sh", "\\\\fs01\\share\\x.exe", "\\\\?\\C:\\Windows\\Temp\\a.dll", "C:\\Temp\\dir\\", "C:\\", "x.exe", "", "   ", "-", null, `C:\\${"d".repeat(40_000)}\\long.txt`];
    const files = filesFromDataFrame(layout(paths.map((p) => layoutRow({ FilePath: p }))));
    assert.equal(files.length, paths.length, "one File per row, in order");
    assert.deepEqual(files.slice(0, 6).map((f) => [f.Directory, f.Name]), [["/tmp", "x.sh"], ["\\\\fs01\\share", "x.exe"], ["\\\\?\\C:\\Windows\\Temp", "a.dll"], ["C:\\Temp", "dir"], ["C:\\", undefined], [undefined, "x.exe"]]);
    assert.equal(files[2].key, new File("C:\\Windows\\Temp\\A.DLL").key);
    for (const f of files.slice(6, 10)) {
      assert.deepEqual([f.Name, f.Directory, f.FullPath], [undefined, undefined, ""]);
      assert.match(f.key, /^file#\d+$/);
      assert.equal(f.CreatingProcess?.ProcessId, "4200");
      assert.equal(f.Host?.HostName, "WS01");
    }
    assert.equal(new Set(files.slice(6, 10).map((f) => f.key)).size, 4, "no two pathless files are one");
    assert.equal(files[10].Name, "long.txt");
  });

  it("odd cells never stop the frame: numbers, nulls, placeholders, addresses, lone domains, text times that are none", () => {
    const df = pl.DataFrame({
      FilePath: ["C:\\a.txt", "C:\\b.txt", "C:\\c.txt", "C:\\d.txt", "C:\\e.txt"],
      Computer: ["10.0.0.5", "-", null, "ws02.", "\u202egnp.exe"],
      ProcessName: [null, "", "-", "/usr/bin/curl", "C:\\x.exe"],
      ProcessId: [4200.0, null, Number.NaN, 7, 0x1a4],
      Account: ["\\alice", "CONTOSO\\", null, "root", "bob@contoso.com"],
      TimeGenerated: ["2026-11-02 14:00:03", "not a time", "-", null, "1762092003"],
    });
    const files = filesFromDataFrame(df);
    assert.deepEqual(files.map((f) => [f.Host?.HostName, f.Host?.DnsDomain]), [["10.0.0.5", undefined], [undefined, undefined], [undefined, undefined], ["ws02.", undefined], ["\u202egnp", "exe"]]);
    assert.deepEqual(files.map((f) => f.CreatingProcess?.ProcessId), ["4200", undefined, undefined, "7", "420"]);
    assert.deepEqual(files.map((f) => f.CreatingProcess?.ImageFile?.FullPath), [undefined, undefined, undefined, "/usr/bin/curl", "C:\\x.exe"]);
    // A name with its separator first or last is one name as written (no empty domain or user).
    assert.deepEqual(files.map((f) => f.CreatingProcess?.Account && [f.CreatingProcess.Account.NTDomain, f.CreatingProcess.Account.Name]), [[undefined, "\\alice"], undefined, undefined, [undefined, "root"], [undefined, "bob@contoso.com"]]);
    assert.deepEqual(files.map((f) => f.TimeGenerated?.toISOString()), ["2026-11-02T14:00:03.000Z", undefined, undefined, undefined, new Date(1762092003 * 1000).toISOString()]);
    // A list or struct cell where a path belongs is no path; the row still gives its File.
    const listed = filesFromDataFrame(pl.DataFrame({ FilePath: [["C:\\a"], ["C:\\b"]], Computer: ["WS01", "WS02"] }));
    assert.deepEqual(listed.map((f) => [f.FullPath, f.Host?.HostName]), [["", "WS01"], ["", "WS02"]]);
    // The card of a hostile host name shows it escaped (entity cards reveal bidi characters).
    assert.ok(!files[4].toHtml().includes("\u202e"));
  });

  it("a time column in µs or ns, or with a zone, is the instant to the ms", () => {
    const at = new Date(T);
    for (const unit of ["ms", "us", "ns"] as const) {
      const df = pl.DataFrame({ FilePath: ["C:\\a"] }).withColumns(pl.lit(at).cast(pl.Datetime(unit)).alias("TimeGenerated"));
      assert.equal(filesFromDataFrame(df)[0].TimeGenerated?.toISOString(), at.toISOString(), unit);
      const zoned = df.withColumns(pl.col("TimeGenerated").dt.replaceTimeZone("UTC").dt.convertTimeZone("Europe/Berlin"));
      assert.equal(filesFromDataFrame(zoned)[0].TimeGenerated?.toISOString(), at.toISOString(), `${unit}, Europe/Berlin`);
    }
  });

  it("options name other columns; a missing column, an unknown option, no path column, no DataFrame: errors naming them", () => {
    const raw = pl.DataFrame({ TargetFilename: ["/tmp/x"], Host: ["web01"], Image: ["/usr/bin/curl"], Pid: [77], User: ["root"], When: ["2026-11-02T14:00:03Z"], ["__proto__"]: ["p"] });
    const [f] = filesFromDataFrame(raw, { pathColumn: "TargetFilename", hostColumn: "host", processColumn: "Image", processIdColumn: "Pid", accountColumn: "User", timeColumn: "When", additionalColumns: ["__proto__"] });
    assert.deepEqual([f.FullPath, f.Host?.HostName, f.CreatingProcess?.ImageFile?.FullPath, f.CreatingProcess?.ProcessId, f.CreatingProcess?.Account?.Name, f.TimeGenerated?.toISOString()], ["/tmp/x", "web01", "/usr/bin/curl", "77", "root", "2026-11-02T14:00:03.000Z"]);
    assert.equal(Object.getOwnPropertyDescriptor(f.AdditionalData, "__proto__")?.value, "p");
    assert.equal(Object.getPrototypeOf(f.AdditionalData), Object.prototype);
    assert.throws(() => filesFromDataFrame(raw, { pathColumn: "TargetFileName2" }), { code: "entities/column-missing", message: /filesFromDataFrame: pathColumn "TargetFileName2" is not a column\..*Columns: .*TargetFilename/ });
    assert.throws(() => filesFromDataFrame(layout([layoutRow()]), { additionalColumns: ["Hashes"] }), { code: "entities/column-missing", message: /additionalColumns "Hashes"/ });
    assert.throws(() => filesFromDataFrame(raw, { path_column: "x" } as never), { code: "entities/invalid-option", message: /unknown option path_column/ });
    assert.throws(() => filesFromDataFrame(raw, { pathColumn: 3 } as never), { code: "entities/invalid-option", message: /option pathColumn must be a column name, not 3/ });
    // Neither FilePath nor a file-creation export: what reading it as one said.
    assert.throws(() => filesFromDataFrame(pl.DataFrame({ Path: ["C:\\x"] })), { code: "entities/column-missing", message: /no file path column FilePath.*pass pathColumn\..*Read as file creations.*Columns: Path/s });
    assert.throws(() => filesFromDataFrame(Promise.resolve(raw) as never), { code: "entities/frame-input", message: /not awaited/ });
  });

  it("into an entity graph: each File with its host, its creating process and the process's image, account and host", () => {
    const files = filesFromDataFrame(layout([layoutRow(), layoutRow({ FilePath: "C:\\Users\\Public\\q.ps1" })]));
    const eg = new EntityGraph();
    for (const f of files) eg.addEntity(f);
    const types = Object.fromEntries(eg.graph.typeCounts());
    assert.deepEqual(types, { file: 3, host: 1, process: 1, account: 1 }, "two files, the image; one host, process and account");
    const edge = (a: string, b: string) => eg.graph.edges.find((e) => (e.source === a && e.target === b) || (e.source === b && e.target === a))?.relation;
    const [file, proc] = [files[0].key, files[0].CreatingProcess!.key];
    assert.equal(edge(file, proc), "CreatingProcess");
    assert.equal(edge(file, "host:ws01"), "Host");
    assert.equal(edge(proc, new File(PS).key), "ImageFile");
    assert.equal(edge(proc, files[0].CreatingProcess!.Account!.key), "Account");
    assert.equal(edge(proc, "host:ws01"), "Host");
    assert.deepEqual((eg.toDf().filter(pl.col("Type").eq(pl.lit("file"))).getColumn("Name").toArray() as string[]).sort(), ["p.ps1", "powershell.exe", "q.ps1"]);
  });
});

const MD5 = "9F86D081884C7D659A2FEAA0C55AD015";
const SHA1 = "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3";
const SHA256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
const IMPHASH = "F34D5F2D4577ED6D9CEEC516C1F5A744";

/** Sysmon file events as their EventData columns (what a raw export gives), read with pathColumn TargetFilename. */
const sysmonRow = (id: number, over: Record<string, unknown> = {}) => ({
  EventID: id,
  Computer: "WS01.contoso.local",
  UtcTime: "2026-11-02T14:00:03.250Z",
  ProcessId: "4200",
  Image: PS,
  User: "CONTOSO\\alice",
  TargetFilename: "C:\\Users\\Public\\p.ps1",
  Hashes: `SHA256=${SHA256},MD5=${MD5},IMPHASH=${IMPHASH}`,
  ...over,
});
const SYSMON_OPTIONS = { pathColumn: "TargetFilename", processColumn: "Image", accountColumn: "User", timeColumn: "UtcTime" } as const;

describe("filesFromDataFrame: hashes, OS family, deleted files", () => {
  it("a Hashes column (found by itself) gives Md5, Sha1, Sha256 and FileHash entities, the import hash apart; each File its OSFamily and PathSeparator", () => {
    const files = filesFromDataFrame(
      layout([
        layoutRow({ Hashes: `SHA1=${SHA1},MD5=${MD5},SHA256=${SHA256},IMPHASH=${IMPHASH}` }),
        layoutRow({ FilePath: "/tmp/x.sh", Hashes: `SHA256=${SHA256}` }),
        layoutRow({ Hashes: null }),
      ]),
    );
    const [win, linux, none] = files;
    assert.deepEqual([win.Md5, win.Sha1, win.Sha256, win.Sha256Ac], [MD5, SHA1, SHA256, undefined]);
    assert.deepEqual(win.FileHashes!.map((h) => [h instanceof entities.FileHash, h.Algorithm, h.Value]), [[true, "SHA1", SHA1], [true, "MD5", MD5], [true, "SHA256", SHA256]]);
    assert.equal(win.AdditionalData.Imphash, IMPHASH);
    assert.deepEqual([win.OSFamily, win.PathSeparator, linux.OSFamily, linux.PathSeparator], ["Windows", "\\", "Linux", "/"]);
    assert.deepEqual([linux.Md5, linux.Sha256, linux.FileHashes?.length], [undefined, SHA256, 1]);
    assert.deepEqual([none.Md5, none.Sha256, none.FileHashes, none.AdditionalData.Imphash], [undefined, undefined, undefined, undefined]);
    // Each FileHash a node of the graph beside its File.
    const eg = new EntityGraph();
    eg.addEntity(win);
    const hashes = eg.graph.edges.filter((e) => e.relation === "FileHashes" && (e.source === win.key || e.target === win.key));
    assert.equal(hashes.length, 3);
  });

  it("malformed hash values (wrong length, not hex, junk, 100 KB) are ignored one by one and counted in one warning; every row still a File", () => {
    const warnings: string[] = [];
    const junk = [
      `SHA256=${SHA256.slice(2)},MD5=${MD5}`, // SHA256 too short: MD5 kept
      `MD5=${MD5.slice(0, 31)}G,SHA1=${SHA1}`, // MD5 not hex: SHA1 kept
      `<img src=x onerror=alert(1)>`,
      `SHA256=${"F".repeat(100 * 1024)}`,
      `SHA256=${SHA256}`,
    ];
    const files = filesFromDataFrame(layout(junk.map((Hashes, i) => layoutRow({ FilePath: `C:\\t\\${i}.exe`, Hashes }))), { warn: (m) => warnings.push(m) });
    assert.equal(files.length, 5);
    assert.deepEqual(files.map((f) => [f.Name, f.Md5, f.Sha1, f.Sha256]), [
      ["0.exe", MD5, undefined, undefined],
      ["1.exe", undefined, SHA1, undefined],
      ["2.exe", undefined, undefined, undefined],
      ["3.exe", undefined, undefined, undefined],
      ["4.exe", undefined, undefined, SHA256],
    ]);
    assert.ok(files.every((f) => f.CreatingProcess?.ProcessId === "4200" && f.Host?.HostName === "WS01"), "the rest of each row kept");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^filesFromDataFrame: 4 values in column "Hashes" ignored: .*\(rows 0, 1, 2, 3\)$/);
    assert.doesNotMatch(warnings[0], /img|FFFF/, "log data is not echoed");
    // All well-formed: no warning.
    filesFromDataFrame(layout([layoutRow({ Hashes: `MD5=${MD5}` })]), { warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
  });

  it("hashesColumn names another column (numbers and odd cells are values like any); a missing one is an error naming it", () => {
    const warnings: string[] = [];
    const df = pl.DataFrame({ FilePath: ["C:\\a.exe", "C:\\b.exe"], FileHashes: [`md5=${MD5.toLowerCase()}`, "12345"] });
    const [a, b] = filesFromDataFrame(df, { hashesColumn: "filehashes", warn: (m) => warnings.push(m) });
    assert.deepEqual([a.Md5, b.Md5], [MD5.toLowerCase(), undefined]);
    assert.equal(a.key, "file:c:\\a.exe", "a File with a path is still keyed by it");
    assert.match(warnings[0], /1 value in column "FileHashes" ignored.*\(row 1\)/);
    assert.throws(() => filesFromDataFrame(df, { hashesColumn: "Hashes" }), { code: "entities/column-missing", message: /filesFromDataFrame: hashesColumn "Hashes" is not a column/ });
    assert.throws(() => filesFromDataFrame(df, { eventIdColumn: "EventId2" }), { code: "entities/column-missing", message: /eventIdColumn "EventId2"/ });
  });

  it("Sysmon 23 and 26 (deleted files) and 15: each File marked by its Action, a deleting process kept apart from a creator, hashes read", () => {
    const rows = [
      sysmonRow(11, { Hashes: null }),
      sysmonRow(23, { TargetFilename: "C:\\Users\\Public\\dropper.exe" }),
      sysmonRow(26, { TargetFilename: "C:\\Users\\Public\\dropper.exe", Hashes: `SHA1=${SHA1}` }),
      sysmonRow(15, { TargetFilename: "C:\\Users\\Public\\p.ps1:Zone.Identifier" }),
      sysmonRow(2, { TargetFilename: "C:\\Users\\Public\\p.ps1" }),
      sysmonRow(1, { TargetFilename: "C:\\x.exe" }),
    ];
    const files = filesFromDataFrame(layout(rows), SYSMON_OPTIONS);
    assert.deepEqual(files.map((f) => f.AdditionalData.Action), ["FileCreate", "FileDelete", "FileDeleteDetected", "FileCreateStreamHash", "FileCreateTime", undefined]);
    assert.deepEqual(files.map((f) => [f.CreatingProcess !== undefined, f.AdditionalData.DeletingProcess !== undefined, f.AdditionalData.ModifyingProcess !== undefined]), [
      [true, false, false],
      [false, true, false],
      [false, true, false],
      [true, false, false],
      [false, false, true],
      [true, false, false], // an event not Sysmon's file events: as before, a creation
    ]);
    const [, deleted, detected] = files;
    assert.deepEqual([deleted.Name, deleted.Sha256, deleted.Md5, deleted.AdditionalData.Imphash, detected.Sha1], ["dropper.exe", SHA256, MD5, IMPHASH, SHA1]);
    assert.equal(deleted.TimeGenerated?.toISOString(), "2026-11-02T14:00:03.250Z");
    assert.equal((deleted.AdditionalData.DeletingProcess as InstanceType<typeof Process>).ImageFile?.FullPath, PS);
    // The deleted file and the detected deletion are one file; in the graph linked to the deleting process as such.
    assert.equal(deleted.key, detected.key);
    const eg = new EntityGraph();
    for (const f of files) eg.addEntity(f);
    const proc = (deleted.AdditionalData.DeletingProcess as InstanceType<typeof Process>).key;
    const relation = eg.graph.edges.find((e) => (e.source === deleted.key && e.target === proc) || (e.source === proc && e.target === deleted.key))?.relation;
    assert.equal(relation, "DeletingProcess");
    // EventID as text, as a CSV export gives it; and eventIdColumn naming another column.
    const text = filesFromDataFrame(pl.DataFrame({ FilePath: ["C:\\a"], Id: [" 23 "] }), { eventIdColumn: "Id" });
    assert.equal(text[0].AdditionalData.Action, "FileDelete");
    // The fileCreate layout has no EventID: no Action, as before.
    assert.equal(filesFromDataFrame(layout([layoutRow()]))[0].AdditionalData.Action, undefined);
  });
});
