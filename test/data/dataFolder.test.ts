/**
 * Any folder of files is a data source: each data file a query named after its
 * stem, in a family named after its folder; query files add descriptions,
 * parameters and time columns; the lab's queries find their files in any format.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import "../../src/index"; // registers the query browser
import { tempDir, tempTree } from "../helpers/tmp";

const LAB_DATA = path.join(__dirname, "..", "..", "data");

const MDE = `Timestamp,DeviceName,FileName,ProcessCommandLine
2026-11-01T10:00:00.1234567Z,ws-01,cmd.exe,cmd /c whoami
2026-11-02T11:00:00.7654321Z,ws-02,powershell.exe,powershell -enc SQBFAFgA
`;

function folder(): string {
  return tempTree({
    "signins.ndjson": '{"TimeGenerated":"2026-11-01T08:00:00Z","UserPrincipalName":"ana@fabrikam.example"}\n',
    "mde/DeviceProcessEvents.csv": MDE,
    "zeek/conn.json": '[{"ts":"2026-11-01T09:00:00Z","id.orig_h":"10.1.2.3"}]',
    "my-file.csv": "TimeGenerated,Value\n2026-11-01 00:00:00,1\n",
    "notes.txt": "not data",
  });
}

test("a folder without query files: every data file is a query, named after its stem, in its folder's family", async () => {
  const dir = folder();
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  assert.deepEqual(qp.listQueries(), ["LocalData.my-file", "LocalData.signins", "mde.DeviceProcessEvents", "zeek.conn"]);
  assert.deepEqual(qp.listFamilies(), ["LocalData", "mde", "zeek"]);
  const procs = await qp.mde.DeviceProcessEvents();
  assert.equal(procs.height, 2);
  assert.deepEqual(procs.getColumn("DeviceName").toArray(), ["ws-01", "ws-02"]);
  // A name that is not an identifier works with brackets; the time range is optional and found without a query file (Timestamp).
  assert.equal((await qp.LocalData["my-file"]()).height, 1);
  const later = await qp.mde.DeviceProcessEvents({ start: "2026-11-02" });
  assert.deepEqual(later.getColumn("DeviceName").toArray(), ["ws-02"]);
  assert.match(qp.mde.DeviceProcessEvents.help(), /start \(datetime, optional, absent: all time\)/);
  assert.equal(qp.all_queries.conn.definition.family, "zeek");
  // The bundled lab data lists only the lab's queries (not its answers or TI feed), also when named explicitly.
  assert.equal(new QueryProvider("LocalData").listQueries().length, 17);
  assert.equal(new QueryProvider("LocalData", { dataPaths: [LAB_DATA] }).listQueries().length, 17);
  const all = new QueryProvider("LocalData", { dataPaths: [LAB_DATA], fileQueries: true }).listQueries();
  assert.ok(all.includes("LocalData.answers") && all.includes("ti.lab_indicators"), all.join());
  // A copy of the lab's data/ for a class (the JupyterHub recipe): its files are queries, the answer files are not.
  const copy = tempDir();
  fs.cpSync(LAB_DATA, copy, { recursive: true });
  const copied = new QueryProvider("LocalData", { dataPaths: [copy] }).listQueries();
  assert.ok(copied.includes("ti.lab_indicators") && copied.includes("WindowsSecurity.list_host_logons"), copied.join());
  assert.deepEqual(copied.filter((q) => /answers/i.test(q)), []);
  assert.ok(new QueryProvider("LocalData", { dataPaths: [copy], fileQueries: true }).listQueries().includes("LocalData.answers_pivots"));
});

test("file and folder names in either Unicode form (NFD from macOS and zips, NFC as typed) find one another", async () => {
  const nfd = (t: string) => t.normalize("NFD");
  const dir = tempTree({ [`${nfd("Übersicht")}/${nfd("Änderungen")}.csv`]: "a\n1\n2\n", [`${nfd("Prüfung")}.csv`]: "b\n3\n" });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>> & QueryProvider;
  assert.deepEqual(qp.listQueries(), ["LocalData.Prüfung", "Übersicht.Änderungen"].map((q) => q.normalize("NFC")));
  for (const [family, query] of [["Übersicht", "Änderungen"], [nfd("Übersicht"), nfd("Änderungen")]]) assert.equal((await qp[family][query]()).height, 2, family);
  for (const name of ["Prüfung.csv", nfd("Prüfung.csv"), "LocalData.Prüfung", nfd("LocalData.Prüfung")]) assert.equal((await qp.execQuery(name)).height, 1, name);
});

test("folders named like provider members or Object members still give their queries", async () => {
  const dir = tempTree({ "index/a.csv": "X\n1\n", "queries/b.csv": "X\n2\n", "__proto__/c.csv": "X\n3\n", "constructor.csv": "X\n4\n" });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  assert.deepEqual(qp.listQueries(), ["__proto___files.c", "index_files.a", "LocalData.constructor", "queries_files.b"]);
  assert.deepEqual((await qp.index_files.a()).getColumn("X").toArray(), [1]);
  assert.deepEqual((await qp.LocalData.constructor()).getColumn("X").toArray(), [4]);
  assert.equal(Object.getPrototypeOf(qp.LocalData), Object.prototype);
});

test("query files add descriptions and parameters to the files they read; both show in listQueries and browseQueries", async () => {
  const dir = folder();
  const queries = tempTree({
    "mine.yaml": `metadata: {version: 1, description: mine, data_environments: [LocalData], data_families: [Endpoint]}
sources:
  processes:
    description: MDE process creations
    metadata: {time_column: Timestamp}
    args: {query: DeviceProcessEvents.csv}
    parameters:
      start: {type: datetime}
      end: {type: datetime}
      host_name: {type: str, default: null, column: DeviceName}
`,
  });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [queries] });
  // The file read by Endpoint.processes is not listed a second time.
  assert.deepEqual(qp.listQueries(), ["Endpoint.processes", "LocalData.my-file", "LocalData.signins", "zeek.conn"]);
  assert.deepEqual((await qp.Endpoint.processes({ host_name: "WS-02" })).getColumn("FileName").toArray(), ["powershell.exe"]);
  const html = String(toMimeBundle(qp.browseQueries())["text/html"]);
  for (const name of ["processes", "MDE process creations", "my-file", "signins", "conn"]) assert.ok(html.includes(name), name);
});

test("the lab's queries read files with the lab's names in any supported format", async () => {
  const dir = tempTree({});
  // The lab's host_logons as CSV, and its alerts as NDJSON, under other folders.
  const logons = pl.readParquet(path.join(LAB_DATA, "host_logons.parquet"));
  fs.mkdirSync(path.join(dir, "windows"));
  logons.writeCSV(path.join(dir, "windows", "host_logons.csv"));
  pl.readParquet(path.join(LAB_DATA, "alerts_list.parquet")).head(5).writeJSON(path.join(dir, "alerts_list.ndjson"), { format: "lines" });
  // The process tree as a partitioned Parquet folder.
  const tree = pl.readParquet(path.join(LAB_DATA, "process_tree.parquet"));
  fs.mkdirSync(path.join(dir, "process_tree", "host=MSTICAlertsWin1"), { recursive: true });
  tree.writeParquet(path.join(dir, "process_tree", "host=MSTICAlertsWin1", "part-0.parquet"));
  const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
  const got = await qp.WindowsSecurity.list_host_logons({ start: "2019-02-14" });
  const expected = await new QueryProvider("LocalData").WindowsSecurity.list_host_logons({ start: "2019-02-14" });
  assert.equal(got.height, expected.height);
  assert.ok(got.height > 0);
  assert.equal((await qp.SecurityAlert.list_alerts()).height, 5);
  assert.equal((await qp.WindowsSecurity.get_process_tree()).height, tree.height);
  // Files the lab's queries read are not listed again; the lab's queries are all there.
  assert.ok(!qp.listQueries().some((q) => q.startsWith("windows.") || q === "LocalData.alerts_list"), qp.listQueries().join());
  assert.ok(qp.listQueries().includes("WindowsSecurity.list_host_logons"));
});

test("one stem in two formats is ambiguous: the error names both files and what to do", async () => {
  const dir = tempTree({ "host_logons.csv": "TimeGenerated,Account\n2019-02-14 00:00:00,a\n", "host_logons.ndjson": '{"TimeGenerated":"2019-02-14T00:00:00Z","Account":"a"}\n' });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
  await assert.rejects(() => qp.WindowsSecurity.list_host_logons(), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/file-ambiguous");
    assert.match(err.message, /list_host_logons: data file "host_logons\.parquet" matches 2 files in .*: host_logons\.csv, host_logons\.ndjson/);
    return true;
  });
  // A file query of that stem reports the same ambiguity; execQuery with the full name picks the file.
  const own = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  assert.deepEqual(own.listQueries(), ["LocalData.host_logons"]);
  await assert.rejects(() => own.LocalData.host_logons(), { code: "data/file-ambiguous" });
  assert.equal((await own.execQuery("host_logons.ndjson")).height, 1);
});
