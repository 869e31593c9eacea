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
import { AnyOf } from "../../../src/data/live/alternatives";
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
    it(`passes ${JSON.stringify(hostile)} in several forms (a Host pivot's names) as one JSON value each, in a bool.should`, async () => {
      const forms = [hostile, `${hostile}.contoso.com`];
      const live = await qp.WindowsSecurity.list_host_logons({ host_name: AnyOf.of(forms) as unknown as string });
      assert.equal(live.height, 0);
      const filters = (twin.searches.at(-1) as { query: { bool: { filter: unknown[] } } }).query.bool.filter;
      assert.equal(filters.length, 3, "dataset, range, host (the empty account dropped)");
      assert.deepEqual(filters[2], { bool: { should: forms.map((value) => ({ term: { Computer: { value, case_insensitive: true } } })), minimum_should_match: 1 } });
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

describe("QueryProvider(\"Elasticsearch\"): malformed values kept by the index, and which warnings say to split the query", () => {
  // As a logs-* data stream with ignore_malformed stores them: `_source` keeps what was sent.
  const docs = [
    { "@timestamp": "2026-11-01T10:00:00.000Z", seen: "2026-11-01T09:59:58.120Z", port: 443 },
    { "@timestamp": "2026-11-01T10:00:01.000Z", seen: "last tuesday", port: "N/A" },
    { "@timestamp": "2026-11-01T10:00:02.000Z", seen: "1793527200000", port: 80 },
    { "@timestamp": "2026-11-01T10:00:03.000Z", seen: "2026-13-45T99:00:00Z", port: 22 },
  ];
  let twin: ElasticTwin;
  let qp: QueryProvider;
  const warnings: string[] = [];
  const body = JSON.stringify({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] });

  before(async () => {
    // No `format` in the mapping: ES's default strict_date_optional_time||epoch_millis.
    twin = await startElasticTwin({ indices: [{ name: "logs-app-default", types: { "@timestamp": "date", seen: "date", port: "long" }, docs }] });
    const configPath = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(configPath, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: ${twin.url}`, ""].join("\n"));
    qp = new QueryProvider("Elasticsearch", { configPath, warn: (m) => warnings.push(m) });
    await qp.connect();
  });
  after(() => twin.close());

  it("a date column (default mapping format) with unreadable text is text with a warning, every value kept (no silent null)", async () => {
    warnings.length = 0;
    const df = await qp.execQuery(body);
    assert.ok(df.getColumn("seen").dtype.equals(pl.String), String(df.getColumn("seen").dtype));
    assert.deepEqual(df.getColumn("seen").toArray(), ["2026-11-01T09:59:58.120Z", "last tuesday", "1793527200000", "2026-13-45T99:00:00Z"]);
    assert.equal(String(df.getColumn("@timestamp").dtype), String(pl.Datetime("ms")));
    const seen = warnings.filter((w) => /"seen"/.test(w));
    assert.equal(seen.length, 1, warnings.join("\n"));
    assert.match(seen[0], /2 value\(s\) of column "seen" \(mapped as date\) are not dates.*"last tuesday".*the column is text, every value kept/);
  });

  it("says to split the query for a search that timed out, not for a mapping mismatch", async () => {
    warnings.length = 0;
    twin.options.timedOut = true;
    try {
      await qp.execQuery(body);
    } finally {
      delete twin.options.timedOut;
    }
    const timedOut = warnings.filter((w) => /timed out/.test(w));
    const mismatch = warnings.filter((w) => /malformed value/.test(w));
    assert.equal(timedOut.length, 1, warnings.join("\n"));
    assert.equal(mismatch.length, 2, warnings.join("\n"));
    assert.match(timedOut[0], /split_query_by/);
    for (const w of mismatch) assert.doesNotMatch(w, /split_query_by|shorter time ranges/);
  });
});

describe("QueryProvider(\"Elasticsearch\"): a warning quoting data that holds a secret", () => {
  it("is masked in qp.lastWarnings as in the printed warning (the list kept it in clear)", async () => {
    const password = "S3cret-Passw0rd-for-lastWarnings";
    // An audit log captured in the index: a long field kept malformed, holding the password.
    const docs = [
      { "@timestamp": "2026-11-01T10:00:00.000Z", port: 443 },
      { "@timestamp": "2026-11-01T10:00:01.000Z", port: `login elastic:${password}` },
    ];
    const twin = await startElasticTwin({ username: "elastic", password, indices: [{ name: "logs-app-default", types: { "@timestamp": "date", port: "long" }, docs }] });
    try {
      const configPath = path.join(tempDir(), "msticpyconfig.yaml");
      fs.writeFileSync(configPath, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: ${twin.url}`, "      username: elastic", `      password: ${password}`, ""].join("\n"));
      const printed: string[] = [];
      const qp = new QueryProvider("Elasticsearch", { configPath, warn: (m) => printed.push(m) });
      await qp.connect();
      await qp.execQuery(JSON.stringify({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] }));
      assert.equal(qp.lastWarnings.length, 1, qp.lastWarnings.join("\n"));
      assert.match(qp.lastWarnings[0], /"port"/);
      assert.doesNotMatch(qp.lastWarnings[0], /S3cret/);
      assert.deepEqual(qp.lastWarnings, printed);
    } finally {
      await twin.close();
    }
  });
});
