/** The Elasticsearch driver against a hostile server: a page of very many hits, a `_source` or mapping nested very deep. */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../../src/config/config";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { liveDriverFactory, registerLiveDriver } from "../../../src/data/live/drivers/index";
import { createSplunkDriver } from "../../../src/data/live/drivers/splunk";
import { createLiveSettings } from "../../../src/data/live/settings";
import { QueryError } from "../../../src/data/messages";
import { QueryProvider } from "../../../src/data/queryProvider";
import type { LiveDriver } from "../../../src/data/live/types";
import { tempDir } from "../../helpers/tmp";

/** What `/_search`'s first page answers, and the mapping's `properties`. */
let firstPage = "";
let searches = 0;
let properties = "{}";

let server: http.Server;
let url = "";
before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const send = (text: string) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text);
      };
      if (req.url === "/") return send(JSON.stringify({ version: { number: "8.15.0" } }));
      if (req.url?.includes("_mapping")) return send(`{"logs-x":{"mappings":{"properties":${properties}}}}`);
      if (req.url?.includes("_pit") && req.method === "POST") return send('{"id":"pit1"}');
      if (req.method === "DELETE") return send('{"succeeded":true}');
      // A hostile server sends more than PageSize hits on the first page, then none.
      searches += 1;
      return send(searches === 1 ? firstPage : '{"hits":{"hits":[]}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
}));

function driver(pageSize: number): LiveDriver {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  fs.writeFileSync(file, `DataProviders:\n  Elasticsearch:\n    Args:\n      Url: "${url}"\n      ApiKey: "k"\n      Index: "logs-x"\n      PageSize: ${pageSize}\n    Retries: 0\n`);
  return createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} }));
}

const query = { text: JSON.stringify({ query: { match_all: {} }, sort: [{ x: "asc" }] }), queryName: "Hunt.deep", signal: AbortSignal.timeout(60_000) };

describe("Elasticsearch driver: hostile answers", () => {
  it("a page of 200,000 hits is read (hits.push(...page) overflowed the stack)", async () => {
    const n = 200_000;
    const hits = Array.from({ length: n }, (_, i) => `{"_id":"${i}","_source":{"x":${i}},"sort":[${i}]}`);
    firstPage = `{"hits":{"hits":[${hits.join(",")}]}}`;
    properties = '{"x":{"type":"long"}}';
    searches = 0;
    const d = driver(10_000);
    await d.connect({});
    const table = await d.query({ ...query, signal: AbortSignal.timeout(60_000) });
    assert.equal(table.rows.length, n);
    assert.deepEqual(table.rows.at(-1), [n - 1]);
  });
});

describe("Elasticsearch driver: nesting", () => {
  it("a hit nesting _source 6,000 levels deep, and a mapping as deep, keep their rows: the deeper values are null, with a warning (the stack overflowed: the query failed)", async () => {
    const d = 6000;
    const deep = `${'{"a":'.repeat(d)}1${"}".repeat(d)}`;
    const deepList = `${"[".repeat(d)}1${"]".repeat(d)}`;
    firstPage = `{"hits":{"hits":[{"_id":"h1","_source":{"x":1,"deep":${deep}},"sort":[1]},{"_id":"h2","_source":{"x":2,"list":${deepList}},"fields":{"f":[${deep}]},"sort":[2]},{"_id":"h3","_source":{"x":3},"sort":[3]}]}}`;
    properties = `{"x":{"type":"long"},"m":${'{"properties":{"a":'.repeat(d)}{"type":"long"}${"}}".repeat(d)}}`;
    searches = 0;
    const dr = driver(100);
    await dr.connect({});
    const table = await dr.query({ ...query, signal: AbortSignal.timeout(60_000) });
    assert.equal(table.rows.length, 3);
    const x = table.columns.findIndex((c) => c.name === "x");
    assert.deepEqual(table.rows.map((r) => r[x]), [1, 2, 3]);
    const deepColumn = table.columns.find((c) => c.name.startsWith("deep."));
    assert.ok(deepColumn && deepColumn.name.split(".").length === 64, deepColumn?.name.slice(0, 80));
    assert.ok(table.warnings.some((w) => /^Elasticsearch: 2 hit\(s\) \(_id h1, h2\) nest _source or fields more than 64 levels deep .*null/.test(w)), table.warnings.join("\n"));
  });
});

describe("live provider: a driver's unexpected error", () => {
  for (const [kind, make] of [
    ["RangeError", (secret: string) => new RangeError(`Maximum call stack size exceeded near ${secret}`)],
    // A DOMException's message is a getter: masking it in place threw a bare TypeError instead.
    ["DOMException", (secret: string) => new DOMException(`Maximum call stack size exceeded near ${secret}`, "DataCloneError")],
  ] as const) {
    it(`is rewrapped as data/live-http naming the query, masked, with a masked copy as its cause (a ${kind})`, async (t) => {
      const SECRET = "hl-splunk-token-0123456789";
      // The registry is shared by every test file of one process (a unit group): the real driver back after this test.
      const real = liveDriverFactory("Splunk");
      t.after(() => registerLiveDriver("Splunk", real ?? createSplunkDriver));
      registerLiveDriver("Splunk", () => ({
        environment: "Splunk",
        language: "spl",
        connected: true,
        connect: async () => {},
        query: async () => {
          throw make(SECRET);
        },
      }) as unknown as LiveDriver);
      const dir = tempDir();
      const cfg = path.join(dir, "msticpyconfig.yaml");
      fs.writeFileSync(cfg, `DataProviders:\n  Splunk:\n    Args:\n      host: "127.0.0.1"\n      bearer_token: "${SECRET}"\n`);
      const qp = new QueryProvider("Splunk", { configPath: cfg });
      await qp.connect();
      const err = await qp.execQuery("search index=x").then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof QueryError && err.code === "data/live-http", String(err));
      assert.match(err.message, /Maximum call stack size exceeded near \*\*\*\*/);
      assert.ok(err.cause instanceof Error && err.cause.name === make("").name, String(err.cause));
      assert.ok(!String((err.cause as Error).message).includes(SECRET) && !String((err.cause as Error).stack).includes(SECRET), "the cause is masked too");
    });
  }
});
