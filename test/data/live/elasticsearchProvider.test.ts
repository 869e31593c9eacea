/**
 * End to end: `new QueryProvider("Elasticsearch")` with the bundled query files
 * (data/queries/elasticsearch) → connect → `qp.<Family>.<query>(params)` against
 * the Elasticsearch twin (and the OpenSearch one) serving the lab's data, compared with LocalData.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { registerLiveDriver } from "../../../src/data/live/drivers/index";
import { startElasticTwin, type ElasticTwin } from "../../twins/elasticsearch";

const ROOT = path.join(__dirname, "..", "..", "..");
const API_KEY = "ZTJlLWlkOmUyZS1lbGFzdGljLWtleS0wMTIzNDU=";

// Until the registry lists it (the provider then finds it by itself).
registerLiveDriver("Elasticsearch", createElasticsearchDriver);

/** Lab columns whose live dtype differs from LocalData's, and why (README "Live data"). */
export const ELASTIC_KNOWN_DTYPE_GAPS: Record<string, string> = {
  // A date mapping carries no zone; Duration and List have no JSON form of their own.
  "Network.get_network_summary TimeGenerated": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity begin": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity end": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity duration": "Duration → Int64",
  "Azure.OfficeActivity cmds": "List(Utf8) → JSON text",
};

function dtypes(df: pl.DataFrame): Map<string, string> {
  return new Map(df.columns.map((c, i) => [c, String(df.dtypes[i])]));
}

describe("QueryProvider(\"Elasticsearch\") end to end", () => {
  let twin: ElasticTwin;
  let qp: QueryProvider;
  let local: QueryProvider;
  const warnings: string[] = [];

  before(async () => {
    twin = await startElasticTwin({ apiKey: API_KEY });
    const dir = tempDir();
    const configPath = path.join(dir, "msticpyconfig.yaml");
    fs.writeFileSync(configPath, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: ${twin.url}`, "      ApiKey: {EnvironmentVar: HUNTLAB_TEST_ELASTIC_KEY}", '      Index: "logs-*"', ""].join("\n"));
    process.env.HUNTLAB_TEST_ELASTIC_KEY = API_KEY;
    qp = new QueryProvider("Elasticsearch", { configPath, warn: (m) => warnings.push(m) });
    local = new QueryProvider("LocalData", { dataPaths: [path.join(ROOT, "data")], queryPaths: [path.join(ROOT, "data", "queries", "lab_queries.yaml")] });
  });
  after(() => twin.close());

  it("refuses queries before connect, then connects with the API key from the environment", async () => {
    await assert.rejects(qp.SecurityAlert.list_alerts(), { code: "data/live-not-connected" });
    await qp.connect();
    assert.equal(qp.connected, true);
    for (const shown of [inspect(qp), JSON.stringify(qp), String(qp)]) assert.ok(!shown.includes(API_KEY), "the secret never shows");
  });

  it("has the lab's families and queries", () => {
    assert.deepEqual(qp.listQueries().sort(), local.listQueries().sort());
  });

  it("runs every lab query: same rows as LocalData, same dtypes for the lab columns", async () => {
    const gaps: string[] = [];
    for (const name of local.listQueries()) {
      const [family, query] = name.split(".");
      const live = await (qp as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>)[family][query]();
      const ref = await (local as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>)[family][query]();
      assert.equal(live.height, ref.height, `${name}: rows`);
      const liveTypes = dtypes(live);
      for (const [column, type] of dtypes(ref)) {
        const got = liveTypes.get(column);
        // A column with no value in any document is in no _source at all.
        if (got === undefined) {
          assert.equal(ref.getColumn(column).nullCount(), ref.height, `${name}: ${column} missing but has values`);
          continue;
        }
        if (got !== type) gaps.push(`${name} ${column}`);
      }
    }
    assert.deepEqual(gaps.sort(), Object.keys(ELASTIC_KNOWN_DTYPE_GAPS).sort());
  });

  it("filters with the lab's parameters as LocalData does", async () => {
    const params = { host_name: "MSTICAlertsWin1", account_name: "adm" };
    const live = await qp.WindowsSecurity.list_host_logons(params);
    const ref = await local.WindowsSecurity.list_host_logons(params);
    assert.ok(ref.height > 0);
    assert.equal(live.height, ref.height);
    const sev = await qp.SecurityAlert.list_alerts({ severity: ["High"] });
    const sevRef = await local.SecurityAlert.list_alerts({ severity: ["High"] });
    assert.equal(sev.height, sevRef.height);
    const events = await qp.WindowsSecurity.list_host_events({ event_id: 4624 });
    assert.equal(events.height, (await local.WindowsSecurity.list_host_events({ event_id: 4624 })).height);
  });

  it("puts the time range in the range clause and gets the same rows as LocalData", async () => {
    const range = { start: "2019-02-12T00:00:00Z", end: "2019-02-14T00:00:00Z" };
    const live = await qp.WindowsSecurity.list_host_logons(range);
    const body = twin.searches.at(-1) as { query: { bool: { filter: Record<string, unknown>[] } } };
    assert.deepEqual(body.query.bool.filter[1], { range: { "@timestamp": { gte: "2019-02-12T00:00:00.000Z", lte: "2019-02-14T00:00:00.000Z" } } });
    assert.equal(live.height, (await local.WindowsSecurity.list_host_logons(range)).height);
  });

  for (const hostile of ['x", "must_not": [{"match_all": {}}], "y": "', "x' | delete", '"}}]}, "script": {"source": "1"}, "a": {"b": "', "*"]) {
    it(`passes ${JSON.stringify(hostile)} as one JSON value: no rows, no extra clause`, async () => {
      const live = await qp.WindowsSecurity.list_host_logons({ host_name: hostile, account_name: hostile });
      assert.equal(live.height, 0);
      const body = twin.searches.at(-1) as { query: { bool: { filter: Record<string, Record<string, { value: string }>>[] } } };
      const filters = body.query.bool.filter;
      assert.equal(filters.length, 4, "dataset, range, host, account");
      assert.equal(filters[2].term.Computer.value, hostile);
      assert.match(filters[3].wildcard.Account.value, /^\*.*\*$/s);
      for (const key of Object.keys(body)) assert.ok(["_source", "pit", "query", "search_after", "size", "sort", "track_total_hits"].includes(key), key);
    });
  }

  it("runs a query body as written with execQuery (plain JSON, no doubled braces)", async () => {
    const df = await qp.execQuery(JSON.stringify({ size: 3, query: { bool: { filter: [{ term: { "data_stream.dataset": "huntlab.alerts" } }, { term: { Severity: "High" } }] } } }));
    assert.equal(df.height, 3);
    assert.deepEqual([...new Set(df.getColumn("Severity").toArray())], ["High"]);
  });

  it("splits a long range into chunks (split_query_by)", async () => {
    const before = twin.searches.length;
    const df = await qp.WindowsSecurity.list_host_logons({ start: "2019-02-10T00:00:00Z", end: "2019-02-16T00:00:00Z", split_query_by: "2d" } as never);
    assert.ok(twin.searches.length - before >= 3, "one search (or more pages) per chunk");
    assert.equal(twin.pitsOpened >= 3 && twin.openPits(), 0);
    assert.equal(df.height, (await local.WindowsSecurity.list_host_logons({ start: "2019-02-10T00:00:00Z", end: "2019-02-16T00:00:00Z" })).height);
  });

  it("reports shard failures with the rows that arrived", async () => {
    twin.options.shardFailure = "node idx-3 left the cluster";
    warnings.length = 0;
    try {
      const df = await qp.WindowsSecurity.list_host_logon_failures();
      assert.equal(df.height, 4);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /WindowsSecurity\.list_host_logon_failures.*partial result.*node idx-3 left the cluster/);
    } finally {
      delete twin.options.shardFailure;
    }
  });
});
