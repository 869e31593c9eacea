/**
 * Event Viewer's "Save All Events As… → CSV (Comma delimited)" and "Text (Tab delimited)": read into a Get-WinEvent
 * export's columns, so that the Message path gives the same events as a plain Get-WinEvent | Export-Csv.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { QueryProvider } from "../../../src/data/queryProvider";
import { normalizeEvents } from "../../../src/data/schemas/index";
import { isEventViewerExport } from "../../../src/data/schemas/eventViewer";
import { tempTree } from "../../helpers/tmp";
import { chain, eventViewerExport, HOST, plainExportCsv, type Event } from "./winEventExports";

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const read = (name: string, text: string | Buffer, warn?: (m: string) => void) => readDataFile(path.join(tempTree({ [name]: text }), name), warn ? { warn } : {});

describe("Event Viewer's Save All Events As… (CSV, tab-delimited text)", () => {
  const procs = chain(4);
  const logons = [{ user: "bob", type: 3, ip: "203.0.113.45" }, { user: "carol", type: 10, ip: "198.51.100.7" }];
  const events: Event[] = [...procs.map((proc) => ({ id: 4688 as const, proc })), ...logons.map((logon) => ({ id: 4624 as const, logon })), { id: 1, proc: procs[0] }];
  const PROCESS = ["NewProcessName", "ParentProcessName", "CommandLine", "Account", "NewProcessId", "ProcessId", "TimeGenerated", "EventID"];

  for (const [name, sep] of [["security.csv", ","], ["security.txt", "\t"]] as const) {
    it(`${name}: the process and logon queries give the plain Get-WinEvent export's rows (Source's display names as providers)`, () => {
      const warnings: string[] = [];
      const df = read(name, eventViewerExport(events.slice(0, 6), { sep, first: "Keywords", computer: true }), (m) => warnings.push(m));
      assert.deepEqual(df.columns, ["Message", "KeywordsDisplayNames", "TimeCreated", "ProviderName", "Id", "TaskDisplayName", "MachineName"]);
      const plain = read("plain.csv", plainExportCsv(events.slice(0, 6)));
      const n = normalizeEvents(df, "process", { warn: (m) => warnings.push(m) });
      const expected = normalizeEvents(plain, "process");
      for (const c of [...PROCESS, "Computer"]) assert.deepEqual(col(n, c), col(expected, c), c);
      assert.deepEqual(col(n, "NewProcessName"), procs.map((p) => p.image));
      const l = normalizeEvents(df, "logon", { warn: (m) => warnings.push(m) });
      assert.deepEqual([col(l, "TargetUserName"), col(l, "LogonType"), col(l, "IpAddress")], [["bob", "carol"], [3, 10], ["203.0.113.45", "198.51.100.7"]]);
      assert.deepEqual(warnings, []);
      assert.equal(buildProcessTree(df, { warn: () => {} }).filter(pl.col("IsInferred").not()).height, procs.length);
    });
  }

  it("the default view (no Computer column): read, Computer null, one warning naming the file and how to add the column", () => {
    const warnings: string[] = [];
    const df = read("sysmon.csv", eventViewerExport(events), (m) => warnings.push(m));
    assert.deepEqual([...new Set(col(df, "MachineName"))], [null]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /sysmon\.csv: an Event Viewer export without a Computer column: .*View → Add\/Remove Columns → Computer/);
    // Sysmon's Source (`Sysmon`) is its provider: the process query keeps the Sysmon row of the host-less file.
    const n = normalizeEvents(df, "process", { warn: () => {} });
    assert.deepEqual(col(n, "EventID"), [1], "one host (unknown): Sysmon's row, 4688's left out");
  });

  it("a UTF-16 .txt (as Windows tools write text) reads the same", () => {
    const text = eventViewerExport(events.slice(0, 2), { sep: "\t", computer: true });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const a = read("a.txt", utf16, () => {});
    assert.deepEqual(col(a, "Id"), [4688, 4688]);
    assert.deepEqual(col(normalizeEvents(a, "process"), "NewProcessName"), procs.slice(0, 2).map((p) => p.image));
  });

  it("en-GB's 24-hour slash dates: kept as text with one warning naming the file and column when they read either way, read with { dayFirst: true }", () => {
    const gb = (day: number) => (d: Date) => `${String(day).padStart(2, "0")}/06/2026 15:00:${String(d.getUTCSeconds()).padStart(2, "0")}`;
    const text = eventViewerExport(events.slice(0, 2), { computer: true, time: gb(5) });
    const warnings: string[] = [];
    const df = read("gb.csv", text, (m) => warnings.push(m));
    assert.deepEqual(col(df, "TimeCreated"), ["05/06/2026 15:00:00", "05/06/2026 15:00:37"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /gb\.csv: column "Date and Time" holds slash dates .* kept as text/);
    const dayFirst = readDataFile(path.join(tempTree({ "gb.csv": text }), "gb.csv"), { dayFirst: true });
    assert.equal((col(dayFirst, "TimeCreated")[0] as Date).toISOString(), "2026-06-05T15:00:00.000Z", "5 June, local time as written");
  });

  it("a LocalData query (metadata.schema: process) on an Event Viewer .txt in the data folder: the file is a source, its processes mapped", async () => {
    const queries = `metadata: {version: 1, description: ev, data_environments: [LocalData], data_families: [Evtx]}
sources:
  processes:
    description: processes
    metadata: {schema: process}
    args: {query: security.txt}
`;
    const dir = tempTree({ "q/ev.yaml": queries, "d/security.txt": eventViewerExport(events.slice(0, 4), { sep: "\t", computer: true }), "d/notes.txt": "just notes\n" });
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], readOptions: { warn: () => {} } }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>;
    const n = await qp.Evtx.processes();
    assert.deepEqual(col(n, "NewProcessName"), procs.map((p) => p.image));
    assert.deepEqual([...new Set(col(n, "Computer"))], [HOST]);
  });

  // German Windows' header (seen in a public export: `Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie`), its times day first with dots.
  for (const [name, sep] of [["de.csv", ","], ["de.txt", "\t"]] as const) {
    it(`a German export (${name}): recognised, its columns a Get-WinEvent export's, its dotted times read day first`, () => {
      const text = eventViewerExport(events.slice(0, 2), { sep, time: (d) => `27.10.2021 12:28:${String(d.getUTCSeconds()).padStart(2, "0")}` })
        .replace(["Level", "Date and Time", "Source", "Event ID", "Task Category"].join(sep), ["Ebene", "Datum und Uhrzeit", "Quelle", "Ereignis-ID", "Aufgabenkategorie"].join(sep))
        .replaceAll(`Information${sep}`, `Informationen${sep}`);
      const warnings: string[] = [];
      const df = read(name, text, (m) => warnings.push(m));
      assert.deepEqual(df.columns, ["Message", "LevelDisplayName", "TimeCreated", "ProviderName", "Id", "TaskDisplayName", "MachineName"]);
      assert.deepEqual((col(df, "TimeCreated") as Date[]).map((d) => d.toISOString()), ["2021-10-27T12:28:00.000Z", "2021-10-27T12:28:37.000Z"]);
      assert.deepEqual(col(df, "Id"), [4688, 4688]);
      assert.deepEqual(col(df, "ProviderName"), ["Microsoft-Windows-Security-Auditing", "Microsoft-Windows-Security-Auditing"]);
      assert.deepEqual(col(df, "LevelDisplayName"), ["Informationen", "Informationen"]);
      assert.match(String(col(df, "Message")[0]), /^A new process has been created\./);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /an Event Viewer export without a Computer column/);
    });
  }

  it("a German export whose times are not all dotted times keeps them as text, every value", () => {
    const text = "Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie\r\nInformationen,27.10.2021 12:28:26,P,1,T,m\r\nInformationen,31.02.2021 12:28:26,P,2,T,m\r\n";
    const df = read("bad.csv", text, () => {});
    assert.deepEqual(col(df, "TimeCreated"), ["27.10.2021 12:28:26", "31.02.2021 12:28:26"]);
  });

  it("only Event Viewer's header: a CSV of other columns with an unnamed last one is not taken for one", () => {
    assert.equal(isEventViewerExport(["Ebene", "Datum und Uhrzeit", "Quelle", "Ereignis-ID", "Aufgabenkategorie", "column_5"]), true);
    assert.equal(isEventViewerExport(["Ebene", "Date and Time", "Quelle", "Event ID", "column_4"]), false, "languages mixed");
    assert.equal(isEventViewerExport(["Level", "Date and Time", "Source", "Event ID", "Task Category", "column_5"]), true);
    assert.equal(isEventViewerExport(["Keywords", "Date and Time", "Source", "Event ID", "Task Category", "Computer", "column_6"]), true);
    assert.equal(isEventViewerExport(["Level", "Date and Time", "Source", "Event ID", "Task Category"]), false, "no Message field");
    assert.equal(isEventViewerExport(["Level", "When", "Source", "Event ID", "column_4"]), false);
    assert.equal(isEventViewerExport(["Date and Time", "Source", "Event ID", "Host", "column_4"]), false);
  });
});
