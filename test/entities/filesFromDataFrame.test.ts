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
    assert.deepEqual(file.AdditionalData, { ProcessGuid: GUID, FileCreationTime: "2025-09-28T14:00:03.250Z" });
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
