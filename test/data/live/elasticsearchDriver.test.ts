/** The Elasticsearch/OpenSearch driver against the loopback twin (test/twins/elasticsearch.ts). */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { loadConfig } from "../../../src/config/config";
import { createElasticsearchDriver, elasticError, indexPath } from "../../../src/data/live/drivers/elasticsearch";
import { elasticFieldTypes, elasticTable, flattenSource, type ElasticHit } from "../../../src/data/live/elasticColumns";
import { createLiveSettings } from "../../../src/data/live/settings";
import type { LiveDriver, LiveRequest } from "../../../src/data/live/types";
import { tempDir } from "../../helpers/tmp";
import { tableColumn as column } from "../../helpers/liveTables";
import { startElasticTwin, type ElasticTwin, type TwinIndex } from "../../twins/elasticsearch";

const API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

function configFor(twin: ElasticTwin, args: Record<string, unknown>) {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  const yaml = ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, ...Object.entries(args).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`), "    Retries: 2", "    RetryBackoffSeconds: 0"];
  fs.writeFileSync(file, `${yaml.join("\n")}\n`);
  return loadConfig(file, { missingEnvironment: "skip" });
}

function driverFor(twin: ElasticTwin, args: Record<string, unknown>): LiveDriver {
  return createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: configFor(twin, args), warn: () => {} }));
}

function request(body: unknown, extra: Partial<LiveRequest> = {}): LiveRequest {
  return { text: typeof body === "string" ? body : JSON.stringify(body), queryName: "WindowsSecurity.list_host_logons", signal: AbortSignal.timeout(20_000), ...extra };
}

const dataset = (name: string) => ({ term: { "data_stream.dataset": `huntlab.${name}` } });
const bodyFor = (name: string, ...filters: unknown[]) => ({ query: { bool: { filter: [dataset(name), ...filters] } }, sort: [{ "@timestamp": "asc" }], _source: { excludes: ["data_stream.*"] } });

describe("Elasticsearch driver: authentication", () => {
  let twin: ElasticTwin;
  before(async () => {
    twin = await startElasticTwin({ apiKey: API_KEY, username: "elastic", password: "s3cret-pass" });
  });
  after(() => twin.close());

  it("sends the API key (Authorization: ApiKey …) and checks it with GET /", async () => {
    const driver = driverFor(twin, { ApiKey: API_KEY });
    await driver.connect({});
    assert.equal(driver.connected, true);
    const seen = twin.requests.at(-1);
    assert.equal(seen?.path, "/");
    assert.equal(seen?.authorization, `ApiKey ${API_KEY}`);
  });

  it("uses basic auth for username/password", async () => {
    const driver = driverFor(twin, { username: "elastic", password: "s3cret-pass" });
    await driver.connect({});
    assert.equal(twin.requests.at(-1)?.authorization, `Basic ${Buffer.from("elastic:s3cret-pass").toString("base64")}`);
  });

  it("reports the service's security_exception, key masked", async () => {
    const wrong = "d3Jvbmcta2V5LWlkOndyb25nLWtleS1zZWNyZXQ=";
    const driver = driverFor(twin, { ApiKey: wrong });
    await assert.rejects(driver.connect({}), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-auth");
      assert.match(err.message, /API key.*HTTP 401.*security_exception.*unable to authenticate/);
      assert.ok(!err.message.includes(wrong) && !inspect(err).includes(wrong) && !JSON.stringify(err).includes(wrong));
      return true;
    });
    assert.equal(driver.connected, false);
  });

  it("needs a Url, and https unless it is loopback", async () => {
    await assert.rejects(driverFor(twin, { ApiKey: API_KEY }).connect({ Url: "" }), { code: "data/live-config" });
    await assert.rejects(driverFor(twin, { ApiKey: API_KEY }).connect({ Url: "http://elastic.example.com:9200" }), { code: "data/live-url" });
  });

  it("refuses a query before connect", async () => {
    await assert.rejects(driverFor(twin, { ApiKey: API_KEY }).query(request({})), { code: "data/live-not-connected" });
  });
});

describe("Elasticsearch driver: point-in-time searches", () => {
  let twin: ElasticTwin;
  let driver: LiveDriver;
  before(async () => {
    twin = await startElasticTwin({ apiKey: API_KEY });
    driver = driverFor(twin, { ApiKey: API_KEY, PageSize: 50 });
    await driver.connect({});
  });
  after(() => twin.close());

  it("opens a PIT on the index, pages with search_after and the newest pit_id, and closes it", async () => {
    const before = twin.searches.length;
    const table = await driver.query(request(bodyFor("host_logons")));
    assert.equal(table.rows.length, 164);
    const bodies = twin.searches.slice(before);
    assert.equal(bodies.length, 4, "164 hits in pages of 50: 50, 50, 50, 14");
    assert.equal(bodies[0].search_after, undefined);
    for (const b of bodies) {
      assert.equal(b.size, 50);
      assert.deepEqual(b.sort, [{ "@timestamp": "asc" }, { _shard_doc: "asc" }], "the template's sort, then the explicit tiebreaker");
      assert.equal((b.pit as { keep_alive: string }).keep_alive, "1m");
    }
    assert.ok(Array.isArray(bodies[1].search_after));
    assert.equal(twin.openPits(), 0, "the PIT was closed");
    assert.ok(twin.requests.some((r) => r.method === "POST" && r.path === "/logs-*/_pit"));
    assert.ok(twin.requests.some((r) => r.method === "DELETE" && r.path === "/_pit"));
    // No hit twice, none missing: ids are the twin's document ordinals.
    const times = column(table, "@timestamp") as string[];
    assert.deepEqual([...times].sort(), times, "sorted by @timestamp");
  });

  it("types columns from the mapping: date → datetime, long, double → real, boolean, keyword → string", async () => {
    const table = await driver.query(request(bodyFor("alerts")));
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    assert.equal(types["@timestamp"], "datetime");
    assert.equal(types.TimeGenerated, "datetime");
    assert.equal(types.IsIncident, "bool");
    assert.equal(types.AlertName, "string");
    assert.equal(types["data_stream.dataset"], undefined, "_source excludes applied");
    const logons = await driver.query(request(bodyFor("host_logons")));
    const lt = Object.fromEntries(logons.columns.map((c) => [c.name, c.type]));
    assert.equal(lt.EventID, "long");
    assert.equal(lt.TargetLogonId, "string");
    const syslog = await driver.query(request({ ...bodyFor("syslog"), size: 20 }));
    assert.equal(Object.fromEntries(syslog.columns.map((c) => [c.name, c.type])).ProcessID, "real");
    assert.equal(syslog.rows.length, 20, "size caps the rows");
  });

  it("keeps a list field (multivalue) as JSON text", async () => {
    const table = await driver.query(request(bodyFor("office_exchange")));
    const cmds = column(table, "cmds");
    assert.equal(table.columns.find((c) => c.name === "cmds")?.type, "dynamic");
    assert.ok(typeof cmds[0] === "string" && Array.isArray(JSON.parse(cmds[0] as string)));
  });

  it("filters with term, terms, contains and range as the twin evaluates them", async () => {
    const host = await driver.query(request(bodyFor("host_logons", { term: { Computer: { value: "msticalertswin1", case_insensitive: true } } })));
    assert.ok(host.rows.length > 0);
    for (const c of column(host, "Computer")) assert.equal(String(c).toLowerCase(), "msticalertswin1");
    const contains = await driver.query(request(bodyFor("host_logons", { contains: { Account: "adm" } })));
    assert.ok(contains.rows.length > 0);
    for (const a of column(contains, "Account")) assert.match(String(a), /adm/i);
    const sev = await driver.query(request(bodyFor("alerts", { terms: { Severity: ["High"] } })));
    assert.ok(sev.rows.length > 0);
    for (const s of column(sev, "Severity")) assert.equal(s, "High");
  });

  it("a hostile value arrives as one JSON string and matches nothing", async () => {
    const hostile = 'x", "must_not": [{"match_all": {}}], "y": "';
    const before = twin.searches.length;
    const table = await driver.query(request(bodyFor("host_logons", { term: { Computer: { value: hostile, case_insensitive: true } } }, { contains: { Account: "*\\?" } })));
    assert.equal(table.rows.length, 0);
    const sent = twin.searches[before] as { query: { bool: { filter: Record<string, Record<string, { value: string }>>[] } } };
    assert.equal(sent.query.bool.filter[1].term.Computer.value, hostile);
    assert.equal(sent.query.bool.filter[2].wildcard.Account.value, "*\\*\\\\\\?*");
    assert.equal(sent.query.bool.filter.length, 3);
  });

  it("fails with the service's error type and reason", async () => {
    await assert.rejects(driver.query(request({ query: { nosuchquery: {} } })), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-query-failed");
      assert.match(err.message, /WindowsSecurity\.list_host_logons.*Elasticsearch.*HTTP 400 parsing_exception.*unknown query \[nosuchquery\]/);
      return true;
    });
    assert.equal(twin.openPits(), 0, "the PIT is closed after a failure too");
  });

  it("reports a template that is not JSON", async () => {
    await assert.rejects(driver.query(request('{"query": }')), { code: "data/live-query-failed" });
  });

  it("retries a throttled page (429, Retry-After)", async () => {
    twin.options.throttle = 1;
    const table = await driver.query(request(bodyFor("failed_logons")));
    assert.equal(table.rows.length, 4);
  });

  it("a first page throttled with a Retry-After past the client's wait says the wait asked for (it said only the status)", async () => {
    twin.options.pageFault = { after: 0, status: 429, times: 1, retryAfter: "300" };
    const before = twin.searches.length;
    try {
      await assert.rejects(driver.query(request(bodyFor("failed_logons"))), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /HTTP 429 es_rejected_execution_exception.*searching: .*Elasticsearch asked to wait 300 s \(Retry-After\): rerun the query after that wait/);
        return true;
      });
      // Five minutes is past what the client waits: not sent again.
      assert.equal(twin.searches.length - before, 1);
    } finally {
      delete twin.options.pageFault;
    }
  });

  it("returns the rows with a partial error on shard failures", async () => {
    twin.options.shardFailure = "node idx-2 left the cluster";
    try {
      const table = await driver.query(request(bodyFor("failed_logons")));
      assert.equal(table.rows.length, 4);
      assert.match(table.partialError ?? "", /node_disconnected_exception node idx-2 left the cluster/);
    } finally {
      delete twin.options.shardFailure;
    }
  });

  it("a cross-cluster search whose remote cluster was skipped is a partial result naming the cluster", async () => {
    const whole = await driver.query(request(bodyFor("failed_logons")));
    assert.equal(whole.partialError, undefined);
    for (const legacy of [false, true]) {
      twin.options.skippedCluster = { alias: "eu-west", reason: "Unable to connect to [eu-west]", legacy };
      try {
        const table = await driver.query(request(bodyFor("failed_logons")));
        assert.equal(table.rows.length, 4);
        const expected = legacy ? /clusters missing from the result.*1 of 2 cluster\(s\) skipped/ : /clusters missing from the result.*eu-west \(skipped: connect_transport_exception Unable to connect to \[eu-west\]\)/;
        assert.match(table.partialError ?? "", expected);
      } finally {
        delete twin.options.skippedCluster;
      }
    }
  });

  it("a skipped remote cluster with no hits anywhere is an empty partial result, not an error nor a whole empty one", async () => {
    twin.options.skippedCluster = { alias: "eu-west", reason: "Unable to connect to [eu-west]" };
    try {
      const table = await driver.query(request(bodyFor("no_such_dataset")));
      assert.equal(table.rows.length, 0);
      assert.match(table.partialError ?? "", /eu-west \(skipped/);
    } finally {
      delete twin.options.skippedCluster;
    }
  });

  it("names a missing index", async () => {
    const other = driverFor(twin, { ApiKey: API_KEY, Index: "nosuch-*" });
    await other.connect({});
    await assert.rejects(other.query(request(bodyFor("alerts"))), /index_not_found_exception|no such index \[nosuch-\*\]/);
  });
});

describe("OpenSearch", () => {
  let twin: ElasticTwin;
  before(async () => {
    twin = await startElasticTwin({ flavor: "opensearch", username: "admin", password: "Admin-Pass-123" });
  });
  after(() => twin.close());

  it("uses OpenSearch's PIT endpoints (/_search/point_in_time) when GET / says distribution: opensearch", async () => {
    const driver = driverFor(twin, { username: "admin", password: "Admin-Pass-123", PageSize: 100 });
    await driver.connect({});
    const table = await driver.query(request(bodyFor("host_logons")));
    assert.equal(table.rows.length, 164);
    assert.ok(twin.requests.some((r) => r.method === "POST" && r.path === "/logs-*/_search/point_in_time"));
    assert.ok(twin.requests.some((r) => r.method === "DELETE" && r.path === "/_search/point_in_time"));
    assert.equal(twin.openPits(), 0);
  });
});

describe("Elasticsearch driver: errors that echo a secret", () => {
  // A proxy or plugin in front of the service may name what it was sent (the API key) in the error's type, not only its reason.
  let server: http.Server;
  let url = "";
  let status = 400;
  before(async () => {
    server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/") return void res.end(JSON.stringify({ version: { number: "8.15.0" } }));
      res.statusCode = status;
      res.end(JSON.stringify({ error: { type: `key_${API_KEY}_exception`, reason: `refused ${API_KEY}` }, status }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const [code, given] of [["data/live-query-failed", 400], ["data/live-auth", 403]] as const) {
    it(`masks the service's error type as well as its reason (HTTP ${given})`, async () => {
      status = given;
      const driver = createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: configFor({ url } as ElasticTwin, { ApiKey: API_KEY }), warn: () => {} }));
      await driver.connect({});
      await assert.rejects(driver.query(request(bodyFor("alerts"))), (err: Error & { code?: string }) => {
        assert.equal(err.code, code);
        assert.match(err.message, /key_.*_exception/, "the type is still shown");
        assert.ok(!err.message.includes(API_KEY) && !inspect(err).includes(API_KEY) && !JSON.stringify(err).includes(API_KEY), err.message);
        return true;
      });
    });
  }
});

describe("hits → table", () => {
  const mapping = {
    a: { mappings: { properties: { host: { properties: { name: { type: "keyword" }, ip: { type: "ip" } } }, n: { type: "integer" }, t: { type: "date" }, geo: { type: "geo_point" }, x: { type: "keyword" } } } },
    b: { mappings: { properties: { x: { type: "long" }, n: { type: "long" } } } },
  };

  it("reads field types per index from a mapping answer", () => {
    const types = elasticFieldTypes(mapping);
    assert.deepEqual(Object.fromEntries(types.get("a") ?? []), { "host.name": "string", "host.ip": "string", n: "int", t: "datetime", geo: "dynamic", x: "string" });
  });

  it("flattens _source to dotted names and types conflicting fields as text", () => {
    const t = elasticTable(
      [
        { _index: "a", _source: { host: { name: "h1", ip: "10.0.0.1" }, n: 1, t: "2019-02-14T00:00:00Z", geo: { lat: 1, lon: 2 }, x: "k" } },
        { _index: "b", _source: { x: 5, n: 2, extra: [1, 2] } },
      ],
      elasticFieldTypes(mapping),
    );
    assert.deepEqual(Object.fromEntries(t.columns.map((c) => [c.name, c.type])), { "host.name": "string", "host.ip": "string", n: "long", t: "datetime", geo: "dynamic", x: "string", extra: "dynamic" });
    assert.deepEqual(t.rows[0], ["h1", "10.0.0.1", 1, "2019-02-14T00:00:00Z", '{"lat":1,"lon":2}', "k", null]);
    assert.deepEqual(t.rows[1], [null, null, 2, null, null, "5", "[1,2]"]);
    assert.deepEqual(flattenSource({ a: { b: { c: 1 } }, d: {} }), { "a.b.c": 1, d: null });
  });

  it("keeps a field named __proto__ (attacker-controlled JSON logs) as a column; it was dropped from the row", () => {
    const hits = JSON.parse('[{"_index":"a","_source":{"user":"u1","__proto__":"evil"}},{"_index":"a","_source":{"user":"u2"},"fields":{"__proto__":["f"]}}]') as ElasticHit[];
    const t = elasticTable(hits, elasticFieldTypes({}));
    assert.deepEqual(t.columns.map((c) => c.name), ["user", "__proto__"]);
    assert.deepEqual(t.rows, [["u1", "evil"], ["u2", "f"]]);
    assert.equal(Object.getPrototypeOf(flattenSource(hits[0]._source)), Object.prototype);
  });

  it("reads error payloads and encodes index expressions", () => {
    assert.deepEqual(elasticError({ error: { type: "t", reason: "r", root_cause: [{ type: "rc", reason: "why" }] }, status: 400 }), { type: "t", reason: "r (rc: why)" });
    assert.deepEqual(elasticError({ error: "plain" }), { type: "error", reason: "plain" });
    assert.equal(elasticError({ ok: true }), undefined);
    assert.equal(indexPath("logs-*, metrics-a/b"), "logs-*,metrics-a%2Fb");
  });
});
