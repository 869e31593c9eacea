/**
 * A hunter's own query file in MSTICPy's format, over a Sysmon export: its queries become pivots of the entities
 * their parameters name, under MSTICPy's parameter names (pivot_data_queries.py's PARAM_ENTITY_MAP and its aliases:
 * process_id, cmd_line, source_ip_list, url_list, domain_list, file_hash_list, logon_session_id), and an entity
 * input runs the query with its attribute.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { QueryProvider } from "../../src/data/queryProvider";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { Pivot, type PivotEntityName, type PivotFunction } from "../../src/pivot";

const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown as unknown[];

/** Sysmon events 1 (process), 3 (network) and 22 (DNS) as a Get-WinEvent/Splunk export flattens them. */
const SYSMON = [
  "EventID,Computer,ProcessId,Image,CommandLine,LogonId,DestinationIp,Url,QueryName,SHA256",
  `1,ws01.contoso.com,4412,C:\\Windows\\System32\\cmd.exe,"cmd.exe /c ""whoami /all""",0x3e7,,,,${"a".repeat(64)}`,
  `1,ws01.contoso.com,5120,C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe,powershell -enc SQBFAFgA,0x1f4a2,,,,${"b".repeat(64)}`,
  `3,ws01.contoso.com,5120,C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe,,0x1f4a2,203.0.113.7,,,`,
  `3,ws02.contoso.com,900,C:\\Program Files\\App\\app.exe,,0x3e7,198.51.100.9,http://evil.example/p.ps1,,`,
  `22,ws01.contoso.com,5120,C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe,,0x1f4a2,,,evil.example,`,
].join("\n");

/** One query per MSTICPy parameter name; each filters the column its parameter names. */
const PARAMS: [param: string, column: string, match: string, type: string][] = [
  ["process_id", "ProcessId", "equals", "str"],
  ["cmd_line", "CommandLine", "contains", "str"],
  ["source_ip_list", "DestinationIp", "in", "list"],
  ["url_list", "Url", "in", "list"],
  ["domain_list", "QueryName", "in", "list"],
  ["file_hash_list", "SHA256", "in", "list"],
  ["logon_session_id", "LogonId", "equals", "str"],
];

function queryFile(): string {
  // A query needing two values: the entity gives one, the call's options the other.
  const twoValues = `  by_host_and_pid:
    description: A process on a host
    args:
      query: sysmon.csv
    parameters:
      host_name: {description: Host the process ran on, type: str, column: Computer, match: equals}
      process_id: {description: Process id, type: str, column: ProcessId, match: equals}`;
  const sources = [twoValues, ...PARAMS.map(
    ([param, column, match, type]) => `  by_${param}:
    description: Sysmon events by ${param}
    args:
      query: sysmon.csv
    parameters:
      ${param}: {description: ${param}, type: ${type}, default: null, column: ${column}, match: ${match}}`,
  )];
  return `metadata:
  version: 1
  description: A hunter's Sysmon queries, MSTICPy's parameter names
  data_environments: [LocalData]
  data_families: [Sysmon]
sources:
${sources.join("\n")}
`;
}

describe("query pivots under MSTICPy's parameter names", () => {
  let dir: string;
  // Read in before(): npm test runs test files in one process, and another file's `new Pivot` replaces the namespaces.
  const attached = new Map<PivotEntityName, Record<string, PivotFunction>>();
  let lab: Record<string, PivotFunction> = {};
  const ENTITIES: PivotEntityName[] = ["Process", "Ip", "Url", "Dns", "File", "Account", "Host"];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-msticpy-params-"));
    fs.writeFileSync(path.join(dir, "sysmon.csv"), SYSMON + "\n");
    fs.writeFileSync(path.join(dir, "sysmon.yaml"), queryFile());
    const pivot = new Pivot({ providers: [new QueryProvider("LocalData")] });
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "sysmon.yaml")] }), { name: "Sysmon" });
    const labQueries = path.join(dir, "lab.yaml");
    fs.writeFileSync(
      labQueries,
      `metadata:\n  version: 1\n  description: lab logons\n  data_environments: [LocalData]\n  data_families: [Logons]\nsources:\n  by_host:\n    description: Logons on a host\n    args:\n      query: host_logons.parquet\n    parameters:\n      host_name: {description: Host, type: str, column: Computer, match: equals}\n`,
    );
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [labQueries] }), { name: "Lab" });
    lab = { ...pivot.namespace("Host", "Lab").Logons };
    for (const entity of ENTITIES) {
      try {
        attached.set(entity, { ...pivot.namespace(entity, "Sysmon").Sysmon });
      } catch {
        // No query of the file for this entity: no namespace.
      }
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const queries = (entity: PivotEntityName): string[] => Object.keys(attached.get(entity) ?? {}).sort();
  const ns = (entity: PivotEntityName): Record<string, PivotFunction> => attached.get(entity) ?? {};

  it("each query is attached to the entity its parameter names", () => {
    assert.deepEqual(queries("Process"), ["by_cmd_line", "by_host_and_pid", "by_process_id"]);
    assert.deepEqual(queries("Ip"), ["by_source_ip_list"]);
    assert.deepEqual(queries("Url"), ["by_url_list"]);
    assert.deepEqual(queries("Dns"), ["by_domain_list"]);
    assert.deepEqual(queries("File"), ["by_file_hash_list"]);
    assert.deepEqual(queries("Account"), ["by_logon_session_id"]);
    assert.deepEqual(queries("Host"), ["by_host_and_pid"]);
  });

  it("an entity input runs the query with its attribute", async () => {
    const ps = new entities.Process({ ProcessId: "5120", CommandLine: "whoami" });
    assert.deepEqual(col(await ns("Process").by_process_id(ps), "EventID"), [1, 3, 22]);
    assert.deepEqual(col(await ns("Process").by_cmd_line(ps), "ProcessId"), [4412]);
    assert.deepEqual(col(await ns("Ip").by_source_ip_list([new entities.Ip("203.0.113.7"), new entities.Ip("198.51.100.9")]), "Computer"), ["ws01.contoso.com", "ws02.contoso.com"]);
    assert.deepEqual(col(await ns("Url").by_url_list(new entities.Url("http://evil.example/p.ps1")), "ProcessId"), [900]);
    assert.deepEqual(col(await ns("Dns").by_domain_list(new entities.Dns("evil.example")), "EventID"), [22]);
    assert.deepEqual(col(await ns("File").by_file_hash_list(new entities.File({ Name: "cmd.exe", Sha256: "a".repeat(64) })), "ProcessId"), [4412]);
    const session = await ns("Account").by_logon_session_id(new entities.Account({ Name: "bob", LogonId: "0x1f4a2" }));
    assert.deepEqual(col(session, "EventID"), [1, 3, 22]);
    assert.deepEqual(col(session, "LogonId").slice(0, 1), ["0x1f4a2"], "the input column is the attribute's value");
  });

  it("a parameter the input cannot give is asked for by the pivot, with how to pass it; given in the options, the query runs", async () => {
    const host = new entities.Host("WS01.contoso.com");
    const fn = ns("Host").by_host_and_pid;
    await assert.rejects(
      () => fn(host),
      (e: Error & { code?: string }) =>
        e.code === "pivot/missing-parameter" &&
        e.message.includes("entities.Host.Sysmon.Sysmon.by_host_and_pid") &&
        e.message.includes('"process_id"') &&
        e.message.includes("Process id") &&
        e.message.includes("{ process_id: … }"),
    );
    // A DataFrame input (an ECS export's host.name) too.
    const df = pl.DataFrame({ "host.name": ["ws01.contoso.com"] });
    await assert.rejects(() => fn(df, { column: "host.name" }), { code: "pivot/missing-parameter" });
    assert.deepEqual(col(await fn(host, { process_id: "0x1400" }), "EventID"), [1, 3, 22]);
    assert.deepEqual(col(await ns("Process").by_host_and_pid(new entities.Process({ ProcessId: "900" }), { host_name: "WS02.contoso.com" }), "Url"), ["http://evil.example/p.ps1"]);
  });

  it("a Host entity is looked up by each name it is known by: as given, its short name and its FQDN", async () => {
    // Sentinel cuts an alert's host into HostName and DnsDomain; Sysmon's Computer (here) holds the FQDN, so the
    // short name alone found no row, without a word. Another export's column holds the short name.
    const fn = ns("Host").by_host_and_pid;
    const parts = new entities.Host({ HostName: "WS01", DnsDomain: "contoso.com" });
    const rows = await fn(parts, { process_id: "5120" });
    assert.deepEqual(col(rows, "EventID"), [1, 3, 22]);
    assert.deepEqual([...new Set(col(rows, "HostName"))], ["WS01.contoso.com"], "each row names the value that found it");
    // The other way round: an FQDN entity on a column of short names (an Elastic agent's host.name).
    const short = await lab.by_host(new entities.Host("msticalertswin1.contoso.com"));
    assert.equal(short.height, 164);
    assert.deepEqual([...new Set(col(short, "HostName"))], ["msticalertswin1"]);
    // A bare name and an address stay one value; values and columns are looked up as written.
    assert.equal((await lab.by_host(new entities.Host("10.0.0.1"))).height, 0);
    assert.equal((await lab.by_host("msticalertswin1.contoso.com")).height, 0, "text is the value as written");
    // Another host of the domain finds nothing.
    assert.equal((await fn(new entities.Host({ HostName: "WS03", DnsDomain: "contoso.com" }), { process_id: "5120" })).height, 0);
  });
});
