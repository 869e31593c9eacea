/**
 * A search API's response saved as it came (`curl … > out.json`) was read as one row, its records a list column
 * that no cell reads (Carbon Black Cloud's `{"results": [...], "num_found": …}`, SentinelOne's `data`, OData's
 * `value`, Elasticsearch's `hits.hits[]._source`…). Now the records are the rows, and a response holding fewer
 * records than the search matched is said, naming the file and the API's own count.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../src/data/schemas/index";
import { buildProcessTree, ptree } from "../../src/index";
import { tempDir } from "../helpers/tmp";

/** Two Carbon Black Cloud process records: cmd.exe and its child whoami.exe (list values, as the API writes them). */
const CB_RECORDS = [
  { device_name: "ws-7", process_name: "c:\\windows\\system32\\cmd.exe", process_pid: [4100], parent_pid: 812, parent_name: "c:\\windows\\explorer.exe", process_guid: "7DESJ9GN-0042-4100-0-1d9", parent_guid: "7DESJ9GN-0042-812-0-1d8", process_start_time: "2026-03-01T10:00:00.000Z", device_timestamp: "2026-03-01T10:00:00.100Z", process_cmdline: ["cmd.exe /c whoami"], process_username: ["CORP\\dana"], org_id: "7DESJ9GN" },
  { device_name: "ws-7", process_name: "c:\\windows\\system32\\whoami.exe", process_pid: [4120], parent_pid: 4100, parent_name: "c:\\windows\\system32\\cmd.exe", process_guid: "7DESJ9GN-0042-4120-0-1da", parent_guid: "7DESJ9GN-0042-4100-0-1d9", process_start_time: "2026-03-01T10:00:01.000Z", device_timestamp: "2026-03-01T10:00:01.100Z", process_cmdline: ["whoami /all"], process_username: ["CORP\\dana"], org_id: "7DESJ9GN" },
];

function read(name: string, value: unknown, pretty = false) {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, JSON.stringify(value, null, pretty ? 2 : undefined));
  const warnings: string[] = [];
  return { df: readDataFile(file, { warn: (m) => warnings.push(m) }), warnings, file };
}

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];

describe("readDataFile: a search API's saved response", () => {
  it("Carbon Black Cloud's {results, num_found}: the records are the rows, a process tree builds; num_found past them is said", () => {
    for (const pretty of [false, true]) {
      const { df, warnings, file } = read(`cb${pretty ? "_pretty" : ""}.json`, { results: CB_RECORDS, num_found: 5, num_available: 5, approximate_unaggregated: 5, num_aggregated: 5, contacted: 2, completed: 2 }, pretty);
      assert.equal(df.height, 2);
      assert.ok(!df.columns.includes("results") && !df.columns.includes("num_found"), "the wrapper's keys are no columns");
      assert.deepEqual(col(df, "parent_pid"), [812, 4100]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      for (const part of [file, "Carbon Black Cloud", "2 record(s)", "num_found 5"]) assert.ok(warnings[0].includes(part), `${part}: ${warnings[0]}`);
      assert.equal(detectEventSchema(df, "process").name, "Carbon Black Cloud");
      const tree = buildProcessTree(normalizeEvents(df, "process"));
      const cmd = tree.filter(pl.col("process_guid").eq(pl.lit("7DESJ9GN-0042-4100-0-1d9")));
      assert.deepEqual(col(ptree.getChildren(tree, cmd), "process_name"), ["c:\\windows\\system32\\whoami.exe"]);
    }
    // Every record in the response: nothing to say.
    assert.deepEqual(read("cb_all.json", { results: CB_RECORDS, num_found: 2, num_available: 2 }).warnings, []);
  });

  it("SentinelOne's {data, pagination}, OData's {value, @odata.nextLink}, Graph hunting's {schema, results}, CrowdStrike's {meta, resources}, Splunk's {preview, results}", () => {
    const rows = [
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ];
    const cases: [string, unknown, string | undefined][] = [
      ["s1.json", { data: rows, pagination: { nextCursor: "YWdlbnRfaWQ6", totalItems: 9 } }, "pagination.totalItems 9"],
      ["s1_last.json", { data: rows, pagination: { nextCursor: null, totalItems: 2 } }, undefined],
      ["s1_cursor.json", { data: rows, pagination: { nextCursor: "YWdlbnRfaWQ6" } }, "nextCursor"],
      ["mde.json", { "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Machines", value: rows, "@odata.nextLink": "https://api.securitycenter.microsoft.com/api/machines?$skip=2" }, "@odata.nextLink"],
      ["graph_last.json", { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", value: rows }, undefined],
      ["hunting.json", { schema: [{ name: "a", type: "Int64" }], results: rows }, undefined],
      ["ah.json", { Stats: { ExecutionTime: 0.1 }, Schema: [{ Name: "a", Type: "Int64" }], Results: rows }, undefined],
      ["falcon.json", { meta: { query_time: 0.01, pagination: { offset: 0, limit: 2, total: 40 } }, resources: rows, errors: [] }, "meta.pagination.total 40"],
      ["splunk.json", { preview: true, init_offset: 0, messages: [], fields: [{ name: "a" }], results: rows }, "preview"],
    ];
    for (const [name, value, partial] of cases) {
      const { df, warnings } = read(name, value);
      assert.deepEqual(df.columns, ["a", "b"], name);
      assert.deepEqual(col(df, "b"), ["x", "y"], name);
      if (partial) assert.ok(warnings.length === 1 && warnings[0].includes(partial), `${name}: ${warnings.join("\n")}`);
      else assert.deepEqual(warnings, [], name);
    }
  });

  it("Elasticsearch's hits.hits[]._source: the documents' fields (nested ones as structs), their _index and _id; hits.total past them is said", () => {
    const hits = [
      { _index: "logs-1", _id: "a1", _score: 1, _source: { "@timestamp": "2026-03-01T10:00:00Z", host: { name: "ws-7" }, event: { code: "4624" } } },
      { _index: "logs-1", _id: "a2", _score: 1, _source: { "@timestamp": "2026-03-01T10:00:05Z", host: { name: "ws-8" }, event: { code: "4625" } } },
    ];
    const { df, warnings } = read("es.json", { took: 3, timed_out: false, _shards: { total: 1 }, hits: { total: { value: 10000, relation: "gte" }, max_score: 1, hits } }, true);
    assert.deepEqual(df.columns, ["@timestamp", "host", "event", "_index", "_id"]);
    assert.equal(df.getColumn("@timestamp").dtype.variant, "Datetime", "times parsed as in any JSON file");
    assert.equal(df.getColumn("host").dtype.variant, "Struct");
    assert.deepEqual(col(df, "_id"), ["a1", "a2"]);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes("hits.total at least 10000"), warnings[0]);
    // OpenSearch 1.x / Elasticsearch 6: hits.total a number.
    assert.ok(read("es6.json", { hits: { total: 3, hits } }).warnings[0].includes("hits.total 3"));
  });

  it("Elasticsearch hits saved one per record (elasticdump's NDJSON, jq '.hits.hits[]', the hits array alone): the same columns, a process tree builds", () => {
    const hits = [
      { _index: "logs-endpoint", _id: "p1", _score: null, sort: [1], _source: { "@timestamp": "2026-03-01T10:00:00Z", host: { name: "ws-7" }, event: { category: ["process"], type: ["start"] }, process: { pid: 4100, executable: "C:\\Windows\\System32\\cmd.exe", command_line: "cmd.exe /c whoami", parent: { pid: 812, executable: "C:\\Windows\\explorer.exe" } } } },
      { _index: "logs-endpoint", _id: "p2", _score: null, sort: [2], _source: { "@timestamp": "2026-03-01T10:00:01Z", host: { name: "ws-7" }, event: { category: ["process"], type: ["start"] }, process: { pid: 4120, executable: "C:\\Windows\\System32\\whoami.exe", command_line: "whoami /all", parent: { pid: 4100, executable: "C:\\Windows\\System32\\cmd.exe" } } } },
    ];
    const dir = tempDir();
    const files: [string, string][] = [
      ["elasticdump.ndjson", hits.map((h) => JSON.stringify(h)).join("\n") + "\n"],
      ["hits_lines.json", hits.map((h) => JSON.stringify(h)).join("\n")],
      ["hits_array.json", JSON.stringify(hits, null, 2)],
    ];
    for (const [name, text] of files) {
      fs.writeFileSync(path.join(dir, name), text);
      const df = readDataFile(path.join(dir, name));
      assert.deepEqual(df.columns, ["@timestamp", "host", "event", "process", "_index", "_id"], name);
      assert.equal(df.getColumn("@timestamp").dtype.variant, "Datetime", name);
      assert.deepEqual(col(df, "_id"), ["p1", "p2"], name);
      const tree = buildProcessTree(df);
      const summary = ptree.getSummaryInfo(tree);
      assert.deepEqual([summary.Processes, summary.LargestTreeDepth], [3, 3], name);
    }
    // One hit alone (a one-line file) too.
    fs.writeFileSync(path.join(dir, "one.ndjson"), JSON.stringify(hits[0]) + "\n");
    assert.deepEqual(readDataFile(path.join(dir, "one.ndjson")).columns, ["@timestamp", "host", "event", "process", "_index", "_id"]);
    // A record with keys no hit has (an event that happens to carry _id and _source) is read as it is.
    fs.writeFileSync(path.join(dir, "event.ndjson"), JSON.stringify({ _id: "e1", _source: { a: 1 }, message: "m" }) + "\n");
    assert.deepEqual(readDataFile(path.join(dir, "event.ndjson")).columns, ["_id", "_source", "message"]);
  });

  it("an empty response is an empty frame; a one-record event with a list of objects, or a list without the API's own key beside it, is read as it was", () => {
    assert.equal(read("cb_none.json", { results: [], num_found: 0 }).df.height, 0);
    const event = { "@timestamp": "2026-03-01T10:00:00Z", results: [{ a: 1 }], user: "x" };
    const one = read("event.json", event);
    assert.equal(one.df.height, 1);
    assert.ok(one.df.columns.includes("results") && one.df.columns.includes("user"));
    // The API's key beside the list, but not what the API writes there: an event, its other columns kept.
    const lookalikes: [string, unknown][] = [
      ["s1_like.json", { EventID: 4688, data: [{ k: 1 }], pagination: "n/a" }],
      ["cb_like.json", { EventID: 1, results: [{ k: 1 }], num_found: "many" }],
      ["falcon_like.json", { EventID: 1, resources: [{ k: 1 }], meta: "x" }],
      ["splunk_like.json", { EventID: 1, results: [{ k: 1 }], preview: "thumbnail.png" }],
      ["hunting_like.json", { EventID: 1, results: [{ k: 1 }], schema: "v2" }],
    ];
    for (const [name, value] of lookalikes) {
      const like = read(name, value);
      assert.equal(like.df.height, 1, name);
      assert.ok(like.df.columns.includes("EventID"), `${name}: ${like.df.columns.join(", ")}`);
      assert.deepEqual(like.warnings, [], name);
    }
    // A list of plain values is no list of records.
    const values = read("values.json", { results: [1, 2], num_found: 2 });
    assert.equal(values.df.height, 1);
    assert.deepEqual(values.warnings, []);
  });
});
