/**
 * Paging with ties: many hits share a sort value across page boundaries, on
 * several shards. `search_after` resumes strictly after the last hit's sort
 * values, so without a key unique per document the hits tying with it are
 * skipped. The driver pages every flavour without skipping or repeating a hit:
 * Elasticsearch and OpenSearch ≥ 3.3 with `_shard_doc`, older OpenSearch with
 * the configured `Tiebreaker` field or from/size inside the PIT (at most 10,000 hits).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { loadConfig } from "../../../src/config/config";
import { createElasticsearchDriver, ELASTIC_RESULT_WINDOW, pagingPlan } from "../../../src/data/live/drivers/elasticsearch";
import { createLiveSettings } from "../../../src/data/live/settings";
import type { LiveHttpResponse, LiveTable } from "../../../src/data/live/types";
import { tempDir } from "../../helpers/tmp";
import { startElasticTwin, type ElasticTwin, type ElasticTwinOptions, type TwinIndex } from "../../twins/elasticsearch";

/** `count` events at only three distinct times, `seq` unique. */
function tiedIndex(count: number): TwinIndex {
  const times = ["2026-11-01T10:00:00.000Z", "2026-11-01T10:00:01.000Z", "2026-11-01T10:00:02.000Z"];
  const docs = Array.from({ length: count }, (_, i) => ({ "@timestamp": times[(i * 7) % 3], seq: i, host: { name: `h${i % 5}` } }));
  return { name: "logs-ties-default", types: { "@timestamp": "date", seq: "long", "host.name": "keyword" }, docs };
}

async function twinWith(options: ElasticTwinOptions, count: number): Promise<ElasticTwin> {
  return startElasticTwin({ ...options, indices: [tiedIndex(count)], shards: 3 });
}

async function run(twin: ElasticTwin, args: Record<string, unknown>): Promise<LiveTable> {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  const lines = ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, ...Object.entries(args).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`)];
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  const driver = createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} }));
  await driver.connect({});
  return driver.query({ text: JSON.stringify({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] }), queryName: "Test.ties", signal: AbortSignal.timeout(60_000) });
}

function seqs(table: LiveTable): number[] {
  const i = table.columns.findIndex((c) => c.name === "seq");
  return table.rows.map((r) => Number(r[i]));
}

function assertEachOnce(table: LiveTable, count: number): void {
  const got = seqs(table);
  assert.equal(new Set(got).size, got.length, "no hit twice");
  assert.equal(got.length, count, "no hit missing");
  const ti = table.columns.findIndex((c) => c.name === "@timestamp");
  const times = table.rows.map((r) => String(r[ti]));
  assert.deepEqual([...times].sort(), times, "in the template's order");
}

describe("Elasticsearch/OpenSearch paging when sort values tie across pages", () => {
  it("the twin models the hazard: search_after on a tying sort alone skips hits (what the driver must avoid)", async () => {
    const twin = await twinWith({ flavor: "opensearch" }, 57);
    try {
      const post = async (p: string, body?: unknown) => (await fetch(`${twin.url}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
      let pit = String((await post("/logs-*/_search/point_in_time?keep_alive=1m")).pit_id);
      const seen: number[] = [];
      let after: unknown;
      for (;;) {
        const page = await post("/_search", { size: 7, sort: [{ "@timestamp": "asc" }], pit: { id: pit, keep_alive: "1m" }, ...(after ? { search_after: after } : {}) });
        pit = String(page.pit_id);
        const hits = (page.hits as { hits: { _source: { seq: number }; sort: unknown[] }[] }).hits;
        seen.push(...hits.map((h) => h._source.seq));
        if (hits.length < 7) break;
        after = hits.at(-1)?.sort;
      }
      assert.ok(seen.length < 57, `only ${seen.length} of 57 hits: the ties at each page's end were skipped`);
    } finally {
      await twin.close();
    }
  });

  it("Elasticsearch: the sort ends with an explicit _shard_doc; every hit once", async () => {
    const twin = await twinWith({}, 57);
    try {
      assertEachOnce(await run(twin, { PageSize: 7 }), 57);
      assert.ok(twin.searches.every((b) => JSON.stringify(b.sort) === JSON.stringify([{ "@timestamp": "asc" }, { _shard_doc: "asc" }]) && b.from === undefined));
      assert.ok(twin.searches.length >= 9, "pages of 7");
    } finally {
      await twin.close();
    }
  });

  it("OpenSearch 3.3: _shard_doc too; every hit once", async () => {
    const twin = await twinWith({ flavor: "opensearch", version: "3.3.0" }, 57);
    try {
      assertEachOnce(await run(twin, { PageSize: 7 }), 57);
      assert.ok(twin.searches.every((b) => JSON.stringify(b.sort) === JSON.stringify([{ "@timestamp": "asc" }, { _shard_doc: "asc" }])));
    } finally {
      await twin.close();
    }
  });

  it("OpenSearch 2.x refuses _shard_doc; with Tiebreaker the sort ends with that field; every hit once", async () => {
    const twin = await twinWith({ flavor: "opensearch", version: "2.19.1" }, 57);
    try {
      assertEachOnce(await run(twin, { PageSize: 7, Tiebreaker: "seq" }), 57);
      assert.ok(twin.searches.every((b) => JSON.stringify(b.sort) === JSON.stringify([{ "@timestamp": "asc" }, { seq: "asc" }]) && Array.isArray(b.search_after) === (b !== twin.searches[0])));
      // The twin does refuse _shard_doc on 2.x, as OpenSearch does: a driver that sent it would fail.
      await assert.rejects(run(twin, { PageSize: 7, Tiebreaker: "_shard_doc" }), /No mapping found for \[_shard_doc\]/);
    } finally {
      await twin.close();
    }
  });

  it("OpenSearch 2.x without a tiebreaker: from/size inside the PIT, every hit once", async () => {
    const twin = await twinWith({ flavor: "opensearch" }, 57);
    try {
      const table = await run(twin, { PageSize: 7 });
      assertEachOnce(table, 57);
      assert.deepEqual(twin.searches.map((b) => b.from), [0, 7, 14, 21, 28, 35, 42, 49, 56]);
      assert.ok(twin.searches.every((b) => b.search_after === undefined));
      assert.deepEqual(table.warnings, []);
    } finally {
      await twin.close();
    }
  });

  it(`OpenSearch 2.x without a tiebreaker stops at ${ELASTIC_RESULT_WINDOW} hits and says so`, async () => {
    const twin = await twinWith({ flavor: "opensearch" }, ELASTIC_RESULT_WINDOW + 50);
    try {
      const table = await run(twin, { PageSize: 1000 });
      const got = seqs(table);
      assert.equal(got.length, ELASTIC_RESULT_WINDOW);
      assert.equal(new Set(got).size, got.length);
      assert.match(table.warnings?.join("\n") ?? "", /stopped after 10000 rows.*Tiebreaker/);
    } finally {
      await twin.close();
    }
  });

  it("pagingPlan: keeps a tiebreaker the template already has, adds _doc order when there is no sort", () => {
    assert.deepEqual(pagingPlan([{ a: "asc" }, { _shard_doc: "desc" }], "Elasticsearch", "8.15.0"), { sort: [{ a: "asc" }, { _shard_doc: "desc" }], mode: "search_after" });
    assert.deepEqual(pagingPlan(undefined, "Elasticsearch", "7.17.0"), { sort: [{ _shard_doc: "asc" }], mode: "search_after" });
    assert.deepEqual(pagingPlan(["a"], "OpenSearch", "3.4.1"), { sort: [{ a: "asc" }, { _shard_doc: "asc" }], mode: "search_after" });
    assert.deepEqual(pagingPlan([{ a: "asc" }, { id: "asc" }], "OpenSearch", "2.11.0", "id"), { sort: [{ a: "asc" }, { id: "asc" }], mode: "search_after" });
    assert.deepEqual(pagingPlan(undefined, "OpenSearch", "2.11.0"), { sort: [{ _doc: "asc" }], mode: "from" });
  });
});

describe("Elasticsearch search_after paging: a 429 or 401 on a page", () => {
  const docs = Array.from({ length: 25 }, (_, i) => ({ "@timestamp": new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(), seq: i }));

  async function pagedRun(fault: NonNullable<ElasticTwinOptions["pageFault"]>): Promise<{ twin: ElasticTwin; result: Promise<LiveTable> }> {
    const twin = await startElasticTwin({ indices: [{ name: "logs-app-default", types: { "@timestamp": "date", seq: "long" }, docs }], pageFault: fault });
    const file = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(file, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, "      PageSize: 10", ""].join("\n"));
    const settings = createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {}, http: { retryBackoffMs: 1 } });
    const driver = createElasticsearchDriver(settings);
    await driver.connect({});
    const result = driver.query({ text: JSON.stringify({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] }), queryName: "Test.paging", signal: AbortSignal.timeout(60_000) });
    result.catch(() => undefined);
    return { twin, result };
  }

  it("a 429 on page 2 retries that same page (same pit id and search_after), honouring Retry-After: every row once", async () => {
    const { twin, result } = await pagedRun({ after: 1, status: 429, times: 2, retryAfter: "0.5" });
    const started = Date.now();
    try {
      const table = await result;
      assert.ok(Date.now() - started >= 900, "waited Retry-After (0.5 s) twice");
      assertEachOnce(table, 25);
      // Page 1, then page 2 sent three times (two 429s), then page 3.
      assert.equal(twin.searches.length, 5);
      assert.deepEqual(twin.searches[1], twin.searches[3]);
      assert.deepEqual(twin.searches[2], twin.searches[3]);
      assert.equal(twin.openPits(), 0);
    } finally {
      await twin.close();
    }
  });

  it("a 429 whose Retry-After is beyond the client's bound fails at once, naming the query, the page and the rows fetched", async () => {
    const { twin, result } = await pagedRun({ after: 1, status: 429, times: 1, retryAfter: "3600" });
    const started = Date.now();
    try {
      await assert.rejects(result, (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /^Test\.paging: Elasticsearch refused page 2 of the results \(HTTP 429\): es_rejected_execution_exception/);
        assert.match(err.message, /10 row\(s\) had arrived on the 1 page\(s\) before and are not returned/);
        assert.match(err.message, /Retry-After: 3600/);
        return true;
      });
      assert.ok(Date.now() - started < 10_000, "did not wait an hour");
      assert.equal(twin.openPits(), 0);
    } finally {
      await twin.close();
    }
  });

  it("a 401 on the first page is an auth error naming the query, as on a later page (not a bare sign-in failure)", async () => {
    const { twin, result } = await pagedRun({ after: 0, status: 401, times: 1 });
    try {
      await assert.rejects(result, (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-auth");
        assert.match(err.message, /^Test\.paging: Elasticsearch refused the credentials while searching \(HTTP 401\): security_exception: unable to authenticate/);
        assert.match(err.message, /Connect again and rerun the query$/);
        return true;
      });
      assert.equal(twin.searches.length, 1, "the 401 is not retried");
      assert.equal(twin.openPits(), 0);
    } finally {
      await twin.close();
    }
  });

  it("a 401 on page 3 (key revoked mid-query) is an auth error naming the query and the 20 rows dropped", async () => {
    const { twin, result } = await pagedRun({ after: 2, status: 401, times: 1 });
    try {
      await assert.rejects(result, (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-auth");
        assert.match(err.message, /^Test\.paging: Elasticsearch refused page 3 of the results \(HTTP 401\): security_exception/);
        assert.match(err.message, /20 row\(s\) had arrived on the 2 page\(s\) before and are not returned.*connect again/);
        return true;
      });
      assert.equal(twin.searches.length, 3, "the 401 is not retried");
    } finally {
      await twin.close();
    }
  });

  it("pages that timed out are one warning (it was one per page), and hits of an unexpected shape are left out with a warning (a null hit was a TypeError of the whole query)", async () => {
    const twin = await twinWith({ flavor: "opensearch", timedOut: true, oddHits: [null, "text", 7, ["a"], { _id: "odd-source", _index: "logs-ties-default", _source: "not an object" }] }, 57);
    try {
      const table = await run(twin, { PageSize: 10, Tiebreaker: "seq" });
      // Every document once; the hit with a text _source kept by its _id.
      assert.equal(table.rows.length, 58);
      const seq = table.columns.findIndex((c) => c.name === "seq");
      assert.deepEqual(table.rows.map((r) => r[seq]).filter((v) => v !== null).map(Number).sort((x, y) => x - y), Array.from({ length: 57 }, (_, i) => i));
      const timedOut = table.warnings.filter((w) => /timed out/.test(w));
      assert.equal(timedOut.length, 1, table.warnings.join("\n"));
      assert.match(timedOut[0], /^OpenSearch: 6 search pages timed out on some shards; .*split_query_by/);
      assert.ok(table.warnings.some((w) => w === "OpenSearch: 4 hit(s) of the answer are not objects (no _source, no _id) and are left out"), table.warnings.join("\n"));
      assert.ok(table.warnings.some((w) => w === "OpenSearch: 1 hit(s) have a _source that is not an object (odd-source); it is not read, only their _id and fields are kept"), table.warnings.join("\n"));
    } finally {
      await twin.close();
    }
  });
});

describe("Elasticsearch paging: memory", () => {
  it("a page's hits are not kept once read (only their rows): earlier pages' hit objects can be collected while later ones come", async () => {
    // gc exposed at run time, as test/helpers/linearTime.ts does.
    v8.setFlagsFromString("--expose-gc");
    const collect = vm.runInNewContext("gc") as () => void;
    const twin = await twinWith({ flavor: "elasticsearch" }, 57);
    try {
      const file = path.join(tempDir(), "msticpyconfig.yaml");
      fs.writeFileSync(file, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, "      PageSize: 10", ""].join("\n"));
      const settings = createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} });
      // The first hit of each page answered, held weakly; at each page asked for, whether those of two pages back live on.
      const firstHits: WeakRef<object>[] = [];
      const alive: number[] = [];
      const request = settings.http.request.bind(settings.http);
      settings.http = {
        ...settings.http,
        request: async (req) => {
          const searching = req.method === "POST" && req.url.endsWith("/_search");
          if (searching && firstHits.length >= 2) {
            collect();
            alive.push(firstHits.slice(0, -1).filter((w) => w.deref() !== undefined).length);
          }
          const res: LiveHttpResponse = await request(req);
          const hit = searching ? (res.data as { hits?: { hits?: object[] } } | null)?.hits?.hits?.[0] : undefined;
          if (hit) firstHits.push(new WeakRef(hit));
          return res;
        },
      };
      const driver = createElasticsearchDriver(settings);
      await driver.connect({});
      const table = await driver.query({ text: JSON.stringify({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] }), queryName: "Test.memory", signal: AbortSignal.timeout(60_000) });
      assertEachOnce(table, 57);
      assert.equal(firstHits.length, 6, "six pages of 10");
      // Asked for pages 3 to 6: the hits of the pages before the last one answered are garbage (they were all kept).
      assert.deepEqual(alive, [0, 0, 0, 0]);
    } finally {
      await twin.close();
    }
  });
});
