/**
 * Host pivots on live providers: a Host's names (as given, short, FQDN) go to one query, whose text compares the host
 * with each of them (src/data/live/alternatives.ts, esdsl.ts expandAnyOf), against the Log Analytics, Kusto, Splunk
 * and Elasticsearch twins: the text each twin receives, the rows found when the stored name is the other form, the
 * warning where a template cannot take several forms, and hostile names kept as literals.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { createElasticsearchDriver } from "../../src/data/live/drivers/elasticsearch";
import { registerLiveDriver } from "../../src/data/live/drivers/index";
import { Pivot } from "../../src/pivot/pivot";
import { Host } from "../../src/entities/types";
import type { PivotFunction } from "../../src/pivot/types";
import { startAzureTwins, type AzureTwins } from "../twins/azureTwins";
import { startSplunkTwin, type SplunkTwin } from "../twins/splunk";
import { startElasticTwin, type ElasticTwin, type TwinIndex } from "../twins/elasticsearch";
import { tempDir } from "../helpers/tmp";

registerLiveDriver("Elasticsearch", createElasticsearchDriver);

const quiet = { onProgress: () => undefined, interrupt: "never" as const };
/** The lab's SecurityEvent Computer is the short name. */
const LAB_HOST = "MSTICAlertsWin1";
const LAB_FQDN = "MSTICAlertsWin1.contoso.com";

/** Hostile names: quotes, backslashes, pipes, line breaks and query operators in each part. */
const HOSTILE = ['x" or 1==1 //', "x' | delete", "back\\slash\\", "two\nlines | delete", '\\"; SecurityEvent', 'a") OR (b="c'];

function fn(pivot: Pivot, namespace: string, family: string, query: string): PivotFunction {
  return (pivot.namespace("Host", namespace) as unknown as Record<string, Record<string, PivotFunction>>)[family][query];
}

function column(df: pl.DataFrame, name: string): unknown[] {
  return df.getColumn(name).toArray() as unknown[];
}

/** A query file of one source for `environment`, in a fresh folder. */
function queryFile(environment: string, queries: Record<string, string>, parameters: string[] = []): string {
  const dir = tempDir();
  const file = path.join(dir, "hosts.yaml");
  const sources = Object.entries(queries).map(([name, query]) =>
    [`  ${name}:`, `    description: ${name}`, "    args:", "      query: |-", ...query.split("\n").map((l) => `        ${l}`), "    parameters:", "      host_name: {description: Host, type: str, default: null}", ...parameters.map((p) => `      ${p}`)].join("\n"),
  );
  fs.writeFileSync(file, ["metadata:", "  version: 1", "  description: host forms", `  data_environments: [${environment}]`, "  data_families: [Hosts]", "sources:", ...sources, ""].join("\n"));
  return file;
}

describe("live Host pivots: every name of the host in one query", () => {
  let twins: AzureTwins;
  const warnings: string[] = [];
  let sentinel: QueryProvider;
  let kusto: QueryProvider;
  let pivot: Pivot;

  before(async () => {
    twins = await startAzureTwins();
    const custom = queryFile("MSSentinel", {
      by_call: "SecurityEvent\n| where EventID == 4624\n| where Computer =~ tostring({host_name})",
      by_has: "SecurityEvent\n| where EventID == 4624\n| where isnotempty({host_name}) and Computer has {host_name}",
      by_quoted: 'SecurityEvent\n| where EventID == 4624\n| where Computer == "{host_name}"',
      // MSTICPy's Sentinel files: the operator is a parameter too.
      by_op: 'SecurityEvent\n| where EventID == 4624\n| where Computer {host_op} "{host_name}"',
    }, ["host_op: {description: Operator, type: str, default: has}"]);
    sentinel = new QueryProvider("MSSentinel", { configPath: twins.configPath, ...quiet, warn: (m) => warnings.push(m) });
    await sentinel.connect();
    const custom2 = new QueryProvider("MSSentinel", { configPath: twins.configPath, ...quiet, queryPaths: [custom], warn: (m) => warnings.push(m) });
    await custom2.connect();
    kusto = new QueryProvider("Kusto", { configPath: twins.configPath, ...quiet, warn: (m) => warnings.push(m) });
    await kusto.connect();
    pivot = new Pivot({ providers: [sentinel] });
    pivot.addProvider(kusto, { name: "KustoLab" });
    pivot.addProvider(custom2, { name: "Custom" });
  });
  after(async () => {
    await twins.stop();
  });
  beforeEach(() => {
    warnings.length = 0;
    twins.logAnalytics.queries.length = 0;
    twins.kusto.queries.length = 0;
  });

  it("Log Analytics: an FQDN host finds the rows stored under its short name, one query of `in~` over both names", async () => {
    const direct = await sentinel.WindowsSecurity.list_host_logons({ host_name: LAB_HOST });
    assert.ok(direct.height > 0);
    twins.logAnalytics.queries.length = 0;
    const rows = await fn(pivot, "MSSentinel", "WindowsSecurity", "list_host_logons")(new Host(LAB_FQDN));
    assert.equal(rows.height, direct.height, "every row of the short name (0 before: the FQDN alone was sent)");
    assert.deepEqual([...new Set(column(rows, "HostName"))], [LAB_FQDN], "rows are named by the host as given");
    assert.equal(twins.logAnalytics.queries.length, 1, "one query for the host");
    const text = twins.logAnalytics.queries[0].text;
    assert.match(text, /isempty\("MSTICAlertsWin1\.contoso\.com"\) or Computer in~ \("MSTICAlertsWin1\.contoso\.com", "MSTICAlertsWin1"\)/);
    // The parts Sentinel gives an alert's host: the short name first, then HostName.DnsDomain.
    twins.logAnalytics.queries.length = 0;
    const parts = await fn(pivot, "MSSentinel", "WindowsSecurity", "list_host_logons")(new Host({ HostName: LAB_HOST, DnsDomain: "contoso.com" }));
    assert.equal(parts.height, direct.height);
    assert.match(twins.logAnalytics.queries[0].text, /Computer in~ \("MSTICAlertsWin1", "MSTICAlertsWin1\.contoso\.com"\)/);
    assert.deepEqual(warnings, []);
  });

  it("Kusto: the same, and text or another host finds nothing", async () => {
    const fnK = fn(pivot, "KustoLab", "WindowsSecurity", "list_host_logons");
    const direct = await kusto.WindowsSecurity.list_host_logons({ host_name: LAB_HOST });
    assert.ok(direct.height > 0);
    twins.kusto.queries.length = 0;
    const rows = await fnK(new Host(LAB_FQDN.toUpperCase()));
    assert.equal(rows.height, direct.height);
    assert.match(twins.kusto.queries[0].text, /Computer in~ \("MSTICALERTSWIN1\.CONTOSO\.COM", "MSTICALERTSWIN1"\)/);
    // Text is the value as written; an address or another host of the domain is one name.
    assert.equal((await fnK(LAB_FQDN)).height, 0);
    assert.equal((await fnK(new Host({ HostName: "WS03", DnsDomain: "contoso.com" }))).height, 0);
    assert.equal((await fnK(new Host("10.0.0.1"))).height, 0);
    assert.match(twins.kusto.queries.at(-1)?.text ?? "", /Computer =~ "10\.0\.0\.1"/);
  });

  it("has (a text operator) becomes an or group, a quoted placeholder a list of quoted forms; each row once", async () => {
    const hasFn = fn(pivot, "Custom", "Hosts", "by_has");
    const rows = await hasFn(new Host({ HostName: LAB_HOST, DnsDomain: "contoso.com" }));
    const direct = await fn(pivot, "Custom", "Hosts", "by_quoted")(LAB_HOST);
    assert.ok(direct.height > 0);
    assert.equal(rows.height, direct.height, "each row once, not once per name");
    assert.match(twins.logAnalytics.queries.at(-2)?.text ?? "", /isnotempty\("MSTICAlertsWin1"\) and \(Computer has "MSTICAlertsWin1" or Computer has "MSTICAlertsWin1\.contoso\.com"\)/);
    const quoted = await fn(pivot, "Custom", "Hosts", "by_quoted")(new Host(LAB_FQDN));
    assert.equal(quoted.height, direct.height);
    assert.match(twins.logAnalytics.queries.at(-1)?.text ?? "", /Computer in \("MSTICAlertsWin1\.contoso\.com", "MSTICAlertsWin1"\)/);
    assert.deepEqual(warnings, []);
  });

  it("MSTICPy's `Computer {host_op} \"{host_name}\"`: the operator parameter's has, or a caller's contains, compared with each name", async () => {
    const byOp = fn(pivot, "Custom", "Hosts", "by_op");
    const direct = await fn(pivot, "Custom", "Hosts", "by_quoted")(LAB_HOST);
    const rows = await byOp(new Host(LAB_FQDN));
    assert.equal(rows.height, direct.height);
    assert.match(twins.logAnalytics.queries.at(-1)?.text ?? "", /\(Computer has "MSTICAlertsWin1\.contoso\.com" or Computer has "MSTICAlertsWin1"\)$/);
    assert.equal((await byOp(new Host(LAB_FQDN), { host_op: "contains" })).height, direct.height);
    assert.match(twins.logAnalytics.queries.at(-1)?.text ?? "", /\(Computer contains "MSTICAlertsWin1\.contoso\.com" or Computer contains "MSTICAlertsWin1"\)$/);
    assert.deepEqual(warnings, []);
    // A caller's operator that is no name is refused as for one name: the renderer's rule for fragments holds.
    await assert.rejects(byOp(new Host(LAB_FQDN), { host_op: "=~" }), { code: "data/live-literal" });
  });

  it("a template that cannot take several names gets the name as given, with one warning naming the query and parameter", async () => {
    const call = fn(pivot, "Custom", "Hosts", "by_call");
    for (let i = 0; i < 2; i++) assert.equal((await call(new Host(LAB_FQDN))).height, 0);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^Hosts\.by_call: parameter "host_name" was given 2 forms .*"MSTICAlertsWin1\.contoso\.com", "MSTICAlertsWin1".*inside a call of tostring\(\).*only the first was sent/);
    assert.match(twins.logAnalytics.queries.at(-1)?.text ?? "", /Computer =~ tostring\("MSTICAlertsWin1\.contoso\.com"\)$/);
  });

  it("hostile names stay one escaped literal in every form (Log Analytics and Kusto)", async () => {
    for (const name of HOSTILE) {
      const host = new Host({ HostName: name.replace(/\./g, "_"), DnsDomain: `${name}.example` });
      const forms = [host.HostName as string, `${host.HostName}.${name}.example`];
      for (const [ns, queries] of [["MSSentinel", twins.logAnalytics.queries], ["KustoLab", twins.kusto.queries]] as const) {
        const rows = await fn(pivot, ns, "WindowsSecurity", "list_host_logons")(host);
        assert.equal(rows.height, 0, JSON.stringify(name));
        const literals = queries.at(-1)?.literals ?? [];
        for (const form of forms) assert.ok(literals.includes(form), `${ns}: ${JSON.stringify(form)} arrived as itself`);
      }
    }
  });
});

describe("live Host pivots on Splunk and Elasticsearch", () => {
  let splunk: SplunkTwin;
  let elastic: ElasticTwin;
  let pivot: Pivot;
  const warnings: string[] = [];
  /** Logons whose Computer is the FQDN (a universal forwarder's host), and one of another host. */
  const logons = [
    { _time: "2019-02-12T10:00:00Z", Computer: "ws01.contoso.com", Account: "alice", TargetUserName: "alice", LogonType: "3", EventID: "4624" },
    { _time: "2019-02-12T11:00:00Z", Computer: "WS01.contoso.com", Account: "bob", TargetUserName: "bob", LogonType: "3", EventID: "4624" },
    { _time: "2019-02-12T12:00:00Z", Computer: "ws02.contoso.com", Account: "carol", TargetUserName: "carol", LogonType: "3", EventID: "4624" },
  ];

  before(async () => {
    splunk = await startSplunkTwin({ token: "t0ken-for-hosts", data: { host_logons: logons } });
    const docs = logons.map(({ _time, ...l }) => ({ "@timestamp": _time, ...l, data_stream: { type: "logs", dataset: "huntlab.host_logons", namespace: "default" } }));
    const index: TwinIndex = { name: "logs-huntlab.host_logons-default", types: { "@timestamp": "date", Computer: "keyword", Account: "keyword", TargetUserName: "keyword", LogonType: "keyword", EventID: "keyword", "data_stream.type": "constant_keyword", "data_stream.dataset": "constant_keyword", "data_stream.namespace": "constant_keyword" }, docs };
    elastic = await startElasticTwin({ apiKey: "ZTJlOmtleQ==", indices: [index] });
    const dir = tempDir();
    const configPath = path.join(dir, "msticpyconfig.yaml");
    fs.writeFileSync(configPath, ["DataProviders:", "  Splunk:", "    Args:", "      host: 127.0.0.1", `      port: ${splunk.port}`, "      scheme: http", "      bearer_token: t0ken-for-hosts", "  Elasticsearch:", "    Args:", `      Url: ${elastic.url}`, "      ApiKey: ZTJlOmtleQ==", '      Index: "logs-*"', ""].join("\n"));
    const splunkSearch = queryFile("Splunk", { by_search: "search index=lab sourcetype=host_logons Computer={host_name}", by_like: "search index=lab sourcetype=host_logons\n| where like(Computer, {host_name})" });
    const esTerm = queryFile("Elasticsearch", { by_term: '{{"query": {{"bool": {{"filter": [{{"term": {{"Computer": {host_name}}}}}]}}}}}}', by_string: '{{"query": {{"wildcard": {{"Computer": "{host_name}.*"}}}}}}' });
    const spl = new QueryProvider("Splunk", { configPath, ...quiet, warn: (m) => warnings.push(m) });
    const splCustom = new QueryProvider("Splunk", { configPath, ...quiet, queryPaths: [splunkSearch], warn: (m) => warnings.push(m) });
    const es = new QueryProvider("Elasticsearch", { configPath, ...quiet, warn: (m) => warnings.push(m) });
    const esCustom = new QueryProvider("Elasticsearch", { configPath, ...quiet, queryPaths: [esTerm], warn: (m) => warnings.push(m) });
    for (const qp of [spl, splCustom, es, esCustom]) await qp.connect();
    pivot = new Pivot({ providers: [spl] });
    pivot.addProvider(splCustom, { name: "SplCustom" });
    pivot.addProvider(es, { name: "Es" });
    pivot.addProvider(esCustom, { name: "EsCustom" });
  });
  after(async () => {
    await splunk.close();
    await elastic.close();
  });
  beforeEach(() => {
    warnings.length = 0;
  });

  const ws01 = () => new Host({ HostName: "WS01", DnsDomain: "contoso.com" });

  it("Splunk where: lower(Computer)=lower({host_name}) becomes an OR group of the names; the FQDN rows are found", async () => {
    const rows = await fn(pivot, "Splunk", "WindowsSecurity", "list_host_logons")(ws01());
    assert.deepEqual(column(rows, "Account"), ["alice", "bob"], "0 rows before: the short name alone");
    const search = splunk.searches.at(-1)?.search ?? "";
    assert.match(search, /len\("WS01"\)=0 OR \(lower\(Computer\)=lower\("WS01"\) OR lower\(Computer\)=lower\("WS01\.contoso\.com"\)\)/);
    assert.deepEqual(warnings, []);
  });

  it("Splunk search: field={host_name} becomes field IN (…); a like() gets one name and a warning", async () => {
    const rows = await fn(pivot, "SplCustom", "Hosts", "by_search")(ws01());
    assert.deepEqual(column(rows, "Account"), ["alice", "bob"]);
    assert.match(splunk.searches.at(-1)?.search ?? "", /sourcetype=host_logons Computer IN \("WS01", "WS01\.contoso\.com"\)$/);
    await fn(pivot, "SplCustom", "Hosts", "by_like")(ws01());
    assert.match(splunk.searches.at(-1)?.search ?? "", /like\(Computer, "WS01"\)$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Hosts\.by_like: parameter "host_name" .*call or a list/);
  });

  it("Splunk: hostile names are one literal each, in where and in search", async () => {
    for (const name of HOSTILE) {
      const host = new Host({ HostName: name.replace(/\./g, "_"), DnsDomain: "contoso.com" });
      const forms = [host.HostName as string, `${host.HostName}.contoso.com`];
      for (const call of [fn(pivot, "Splunk", "WindowsSecurity", "list_host_logons"), fn(pivot, "SplCustom", "Hosts", "by_search")]) {
        const rows = await call(host);
        assert.equal(rows.height, 0, JSON.stringify(name));
        const literals = splunk.searches.at(-1)?.literals ?? [];
        for (const form of forms) assert.ok(literals.includes(form), `${JSON.stringify(form)} arrived as itself: ${JSON.stringify(literals)}`);
      }
    }
  });

  it("Elasticsearch: a case-insensitive term becomes a bool.should of terms, a bare term a terms query", async () => {
    const rows = await fn(pivot, "Es", "WindowsSecurity", "list_host_logons")(ws01());
    assert.deepEqual(column(rows, "Account"), ["alice", "bob"]);
    const body = JSON.stringify(elastic.searches.at(-1));
    assert.ok(body.includes('{"bool":{"should":[{"term":{"Computer":{"value":"WS01","case_insensitive":true}}},{"term":{"Computer":{"value":"WS01.contoso.com","case_insensitive":true}}}],"minimum_should_match":1}}'), body);
    const exact = await fn(pivot, "EsCustom", "Hosts", "by_term")(new Host({ HostName: "ws01", DnsDomain: "contoso.com" }));
    assert.deepEqual(column(exact, "Account"), ["alice"]);
    assert.ok(JSON.stringify(elastic.searches.at(-1)).includes('{"terms":{"Computer":["ws01","ws01.contoso.com"]}}'));
    assert.deepEqual(warnings, []);
    // Inside a wildcard's pattern: the one name, and a warning.
    await fn(pivot, "EsCustom", "Hosts", "by_string")(ws01());
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Hosts\.by_string: parameter "host_name" .*inside a string/);
    assert.ok(JSON.stringify(elastic.searches.at(-1)).includes('{"wildcard":{"Computer":"WS01.*"}}'), JSON.stringify(elastic.searches.at(-1)));
  });

  it("Elasticsearch: hostile names are exact terms in every form", async () => {
    for (const name of [...HOSTILE, "\uE002anyOf"]) {
      const host = new Host({ HostName: name.replace(/\./g, "_"), DnsDomain: "contoso.com" });
      const forms = [host.HostName as string, `${host.HostName}.contoso.com`];
      const rows = await fn(pivot, "EsCustom", "Hosts", "by_term")(host);
      assert.equal(rows.height, 0);
      assert.deepEqual((elastic.searches.at(-1) as { query: unknown }).query, { bool: { filter: [{ terms: { Computer: forms } }] } }, JSON.stringify(name));
    }
  });
});
