/**
 * The Elasticsearch/OpenSearch driver with least-privilege credentials (index `read` only, as a SOC gives an analyst):
 * `GET /` needs the cluster privilege `monitor`, `GET /{index}/_mapping` needs `view_index_metadata`; a point in
 * time and `_search` need only `read`. Such a key is valid: its 403s are no failed sign-in.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../../src/config/config";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { createLiveSettings } from "../../../src/data/live/settings";
import type { LiveDriver, LiveRequest } from "../../../src/data/live/types";
import { tempDir } from "../../helpers/tmp";
import { startElasticTwin, type ElasticTwin } from "../../twins/elasticsearch";

const API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

function driverFor(twin: ElasticTwin, args: Record<string, unknown>, warnings: string[]): LiveDriver {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  const yaml = ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, ...Object.entries(args).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`), "    Retries: 0"];
  fs.writeFileSync(file, `${yaml.join("\n")}\n`);
  const config = loadConfig(file, { missingEnvironment: "skip" });
  return createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config, warn: (m) => warnings.push(m) }));
}

function request(body: unknown): LiveRequest {
  return { text: JSON.stringify(body), queryName: "WindowsSecurity.list_host_logons", signal: AbortSignal.timeout(20_000) };
}

const bodyFor = (name: string) => ({ query: { bool: { filter: [{ term: { "data_stream.dataset": `huntlab.${name}` } }] } }, sort: [{ "@timestamp": "asc" }], _source: { excludes: ["data_stream.*"] } });
const typesOf = (table: { columns: { name: string; type: string }[] }) => Object.fromEntries(table.columns.map((c) => [c.name, c.type]));

describe("Elasticsearch driver: an API key with index read only", () => {
  let twin: ElasticTwin;
  before(async () => {
    twin = await startElasticTwin({ apiKey: API_KEY, lacking: ["monitor", "view_index_metadata"] });
  });
  after(() => twin.close());

  it("connects although GET / is refused (403, no monitor), warning once that the version is unknown", async () => {
    const warnings: string[] = [];
    const driver = driverFor(twin, { ApiKey: API_KEY }, warnings);
    await driver.connect({});
    assert.equal(driver.connected, true);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^Elasticsearch: .*HTTP 403.*\bmonitor\b/);
    await driver.query(request(bodyFor("failed_logons")));
    await driver.query(request(bodyFor("failed_logons")));
    assert.equal(warnings.length, 1, "said once, at connect");
  });

  it("runs a query although the mapping is refused (403, no view_index_metadata): types from the values, one warning", async () => {
    const driver = driverFor(twin, { ApiKey: API_KEY }, []);
    await driver.connect({});
    const before = twin.requests.length;
    const table = await driver.query(request(bodyFor("host_logons")));
    assert.equal(table.rows.length, 164);
    const types = typesOf(table);
    assert.equal(types.EventID, "long");
    assert.equal(types["@timestamp"], "string", "no mapping: a date is the text _source holds");
    assert.equal(table.warnings.length, 1, table.warnings.join("\n"));
    assert.match(table.warnings[0], /^Elasticsearch: .*mapping of logs-\*.*HTTP 403.*view_index_metadata/);
    const seen = twin.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(seen.slice(0, 2), ["GET /logs-*/_mapping", "POST /logs-*/_pit"], "Elasticsearch's point in time, tried first");
    assert.equal(twin.openPits(), 0);
  });

  it("a wrong key is still a failed sign-in (401)", async () => {
    const driver = driverFor(twin, { ApiKey: "d3Jvbmcta2V5LWlkOndyb25nLWtleS1zZWNyZXQ=" }, []);
    await assert.rejects(driver.connect({}), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-auth");
      assert.match(err.message, /sign-in by API key failed: HTTP 401/);
      return true;
    });
    assert.equal(driver.connected, false);
  });
});

describe("Elasticsearch driver: a mapping refused, the version read", () => {
  let twin: ElasticTwin;
  before(async () => {
    twin = await startElasticTwin({ apiKey: API_KEY, lacking: ["view_index_metadata"] });
  });
  after(() => twin.close());

  it("warns about the mapping only, and still fails a query on a missing index", async () => {
    const warnings: string[] = [];
    const driver = driverFor(twin, { ApiKey: API_KEY }, warnings);
    await driver.connect({});
    assert.deepEqual(warnings, []);
    const table = await driver.query(request(bodyFor("failed_logons")));
    assert.equal(table.rows.length, 4);
    assert.deepEqual(table.warnings.map((w) => /view_index_metadata/.test(w)), [true]);
    const other = driverFor(twin, { ApiKey: API_KEY, Index: "nosuch-*" }, []);
    await other.connect({});
    await assert.rejects(other.query(request(bodyFor("alerts"))), /no such index \[nosuch-\*\]/);
  });
});

describe("OpenSearch: a user without cluster:monitor/main", () => {
  let twin: ElasticTwin;
  before(async () => {
    twin = await startElasticTwin({ flavor: "opensearch", username: "hunter", password: "Hunter-Pass-123", lacking: ["monitor", "view_index_metadata"] });
  });
  after(() => twin.close());

  it("is told apart at the first point in time (Elasticsearch's path unknown there), then uses OpenSearch's", async () => {
    const warnings: string[] = [];
    const driver = driverFor(twin, { username: "hunter", password: "Hunter-Pass-123", PageSize: 100 }, warnings);
    await driver.connect({});
    assert.equal(warnings.length, 1);
    const first = await driver.query(request(bodyFor("host_logons")));
    assert.equal(first.rows.length, 164);
    assert.match(first.warnings.join("\n"), /^OpenSearch: .*view_index_metadata/);
    const before = twin.requests.length;
    const second = await driver.query(request(bodyFor("failed_logons")));
    assert.equal(second.rows.length, 4);
    const seen = twin.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.ok(seen.includes("POST /logs-*/_search/point_in_time"));
    assert.ok(!seen.includes("POST /logs-*/_pit"), "the distribution is remembered");
    assert.equal(twin.openPits(), 0);
  });
});
