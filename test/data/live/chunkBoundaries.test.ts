/**
 * split_query_by at chunk boundaries: every event in [start, end] is returned
 * exactly once, whichever way the service bounds a window (Splunk's exclusive
 * latest_time, Elasticsearch's `lte`, KQL's inclusive `between`).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type pl from "nodejs-polars";
import { timeChunks } from "../../../src/data/live/chunks";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { registerLiveDriver } from "../../../src/data/live/drivers/index";
import { esJsonLiteral } from "../../../src/data/live/esdsl";
import { kqlLiteral } from "../../../src/data/live/kql";
import { renderTemplate, type TemplateValue } from "../../../src/data/live/render";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";
import { startElasticTwin, type ElasticTwin } from "../../twins/elasticsearch";
import type { TwinTable } from "../../twins/labTables";
import { runLabQuery } from "../../twins/logAnalytics";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

registerLiveDriver("Elasticsearch", createElasticsearchDriver);

const START = "2019-02-10T00:00:00.000Z";
const END = "2019-02-12T00:00:00.000Z";
/** Events at the range's ends and on both sides of the 1-day chunk boundary. */
const TIMES = [START, "2019-02-10T12:00:00.000Z", "2019-02-10T23:59:59.999Z", "2019-02-11T00:00:00.000Z", "2019-02-11T23:59:59.999Z", END];
/** Just outside the range: never returned. */
const OUTSIDE = ["2019-02-09T23:59:59.999Z", "2019-02-12T00:00:00.001Z"];

type Run = (params: Record<string, unknown>) => Promise<pl.DataFrame>;

/** The `n` values of a result, sorted. */
function ids(df: pl.DataFrame): number[] {
  return (df.getColumn("n").toArray() as unknown[]).map(Number).sort((a, b) => a - b);
}

/** The `n` of each event in TIMES. */
const INSIDE = TIMES.map((_, i) => i);

function queryFile(dir: string, environment: string, query: string): string {
  const file = path.join(dir, `${environment}.yaml`);
  const lines = [
    "metadata:",
    "  version: 1",
    "  description: chunk boundaries",
    `  data_environments: [${environment}]`,
    "  data_families: [Bounds]",
    "sources:",
    "  events:",
    "    description: every event in the window",
    "    args:",
    "      query: |-",
    `        ${query}`,
    "    parameters:",
    "      start: {description: start, type: datetime}",
    "      end: {description: end, type: datetime}",
  ];
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** A config file with no settings: the connect() options give them all. */
function emptyConfig(dir: string): string {
  const file = path.join(dir, "msticpyconfig.yaml");
  fs.writeFileSync(file, "DataProviders: {}\n");
  return file;
}

/** The checks every driver must pass: split and unsplit, each event in [start, end] exactly once. */
function boundaryChecks(run: () => Run) {
  it("a split query returns each event once, including those in a chunk's last millisecond and at the end", async () => {
    assert.deepEqual(ids(await run()({ start: START, end: END, split_query_by: "1d" })), INSIDE);
  });
  it("an unsplit query keeps the events at start and at end", async () => {
    assert.deepEqual(ids(await run()({ start: START, end: END })), INSIDE);
  });
  it("chunks of 7 hours (boundaries not on a day) lose and repeat nothing", async () => {
    assert.deepEqual(ids(await run()({ start: START, end: END, split_query_by: "7h" })), INSIDE);
  });
}

const ALL = [...TIMES, ...OUTSIDE];

describe("split_query_by boundaries: Splunk (latest_time is exclusive)", () => {
  let twin: SplunkTwin;
  let qp: QueryProvider;
  before(async () => {
    twin = await startSplunkTwin({ token: "boundary-token-0123456789", data: { ev: ALL.map((t, i) => ({ _time: t, n: String(i) })) } });
    const dir = tempDir();
    qp = new QueryProvider("Splunk", { queryPaths: [queryFile(dir, "Splunk", "search index=lab sourcetype=ev")], onProgress: () => {}, warn: () => {}, configPath: emptyConfig(dir) });
    await qp.connect({ host: "127.0.0.1", port: twin.port, scheme: "http", bearer_token: "boundary-token-0123456789" });
  });
  after(() => twin.close());
  boundaryChecks(() => (qp as unknown as { Bounds: { events: Run } }).Bounds.events);

  it("an end alone still bounds the search (latest_time sent, later events left out)", async () => {
    const df = await (qp as unknown as { Bounds: { events: Run } }).Bounds.events({ end: END });
    assert.equal(twin.searches.at(-1)?.latest, String((Date.parse(END) + 1) / 1000));
    assert.deepEqual(ids(df), [...INSIDE, TIMES.length]);
  });

  it("sends each chunk's latest_time as the next chunk's earliest_time", async () => {
    const before = twin.searches.length;
    await (qp as unknown as { Bounds: { events: Run } }).Bounds.events({ start: START, end: END, split_query_by: "1d" });
    const seen = twin.searches.slice(before);
    assert.equal(seen.length, 2);
    assert.equal(seen[0].latest, seen[1].earliest);
    assert.equal(seen[1].latest, String((Date.parse(END) + 1) / 1000));
  });
});

describe("split_query_by boundaries: Elasticsearch (gte/lte)", () => {
  let twin: ElasticTwin;
  let qp: QueryProvider;
  before(async () => {
    const docs = ALL.map((t, i) => ({ "@timestamp": t, n: i }));
    twin = await startElasticTwin({ apiKey: "Ym91bmRhcnk6a2V5", indices: [{ name: "logs-bounds", types: { "@timestamp": "date", n: "long" }, docs }] });
    const dir = tempDir();
    const body = '{{"query": {{"bool": {{"filter": [{{"range": {{"@timestamp": {{"gte": {start}, "lte": {end}}}}}}}]}}}}, "sort": [{{"@timestamp": "asc"}}]}}';
    qp = new QueryProvider("Elasticsearch", { queryPaths: [queryFile(dir, "Elasticsearch", body)], onProgress: () => {}, warn: () => {}, configPath: emptyConfig(dir) });
    await qp.connect({ Url: twin.url, ApiKey: "Ym91bmRhcnk6a2V5", Index: "logs-*" });
  });
  after(() => twin.close());
  boundaryChecks(() => (qp as unknown as { Bounds: { events: Run } }).Bounds.events);
});

describe("split_query_by boundaries: KQL (between is inclusive)", () => {
  const table: TwinTable = {
    columns: [
      { name: "TimeGenerated", type: "datetime" },
      { name: "n", type: "long" },
    ],
    rows: ALL.map((t, i) => ({ TimeGenerated: new Date(t), n: i })),
  };
  const template = "Events | where TimeGenerated between ({start} .. {end})";
  /** The rows of each chunk's query, as the service would run them. */
  const rowsOf = (stepMs: number) =>
    timeChunks(new Date(START), new Date(END), stepMs)
      .flatMap((w) => {
        const values = new Map<string, TemplateValue>([
          ["start", { value: w.start, type: "datetime" }],
          ["end", { value: w.end, type: "datetime" }],
        ]);
        return runLabQuery(renderTemplate(template, values, "kql", "Bounds.events", kqlLiteral), new Map([["Events", table]])).table.rows;
      })
      .map((r) => Number(r.n))
      .sort((a, b) => a - b);

  it("day and 7-hour chunks return each event once", () => {
    assert.deepEqual(rowsOf(86_400_000), INSIDE);
    assert.deepEqual(rowsOf(7 * 3_600_000), INSIDE);
  });
});

describe("split_query_by boundaries: sub-millisecond times (KQL 100 ns ticks, ES date_nanos)", () => {
  /** A KQL/ISO time as 100 ns ticks since the epoch (the twins' Dates hold only ms, so the check is on the literals). */
  const ticks = (iso: string): bigint => {
    const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(iso);
    assert.ok(m, iso);
    return BigInt(Date.parse(`${m[1]}Z`)) * 10_000n + BigInt(((m[2] ?? "") + "0000000").slice(0, 7));
  };
  /** Each chunk's `between` bounds, as the KQL service reads the rendered query. */
  const windows = (stepMs: number) =>
    timeChunks(new Date(START), new Date(END), stepMs).map((w) => {
      const values = new Map<string, TemplateValue>([
        ["start", { value: w.start, type: "datetime" }],
        ["end", { value: w.end, type: "datetime" }],
      ]);
      const text = renderTemplate("Events | where TimeGenerated between (datetime({start}) .. datetime({end}))", values, "kql", "Bounds.events", kqlLiteral);
      const m = /between \(datetime\((.*?)\) \.\. datetime\((.*?)\)\)/.exec(text);
      assert.ok(m, text);
      return [ticks(m[1]), ticks(m[2])] as const;
    });
  const SUB_MS = ["2019-02-10T23:59:59.9995Z", "2019-02-10T23:59:59.9999999Z", "2019-02-11T06:59:59.9990001Z", "2019-02-11T00:00:00Z"];

  it("a KQL row in a chunk's last millisecond, below the millisecond, is in exactly one chunk", () => {
    for (const step of [86_400_000, 7 * 3_600_000]) {
      const ws = windows(step);
      for (const t of SUB_MS.map(ticks)) assert.equal(ws.filter(([a, b]) => a <= t && t <= b).length, 1, `${t} in step ${step}`);
      // Consecutive chunks tile the range: each ends one tick before the next starts.
      for (let i = 1; i < ws.length; i += 1) assert.equal(ws[i - 1][1] + 1n, ws[i][0]);
    }
  });

  it("an Elasticsearch chunk end is the last nanosecond before the next chunk (date_nanos `lte`), the range end as given", () => {
    const [first, last] = timeChunks(new Date(START), new Date(END), 86_400_000);
    assert.equal(esJsonLiteral(first.end), '"2019-02-10T23:59:59.999999999Z"');
    assert.equal(esJsonLiteral(last.end), `"${END}"`);
    assert.equal(kqlLiteral(last.end, "datetime"), `datetime(${END})`);
  });
});
