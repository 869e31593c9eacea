/**
 * split_query_by windows whose answers type a column differently (Splunk infers each window's types from its
 * values): the windows' frames are stacked in their common type, with a warning naming the columns. They
 * failed with polars' "failed to vstack column" after every window had been fetched, and the rows were lost.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const DAY = 86_400_000;
const T0 = Date.parse("2024-01-01T00:00:00Z");
const N = 60;

describe("split_query_by windows typed differently", () => {
  let twin: SplunkTwin;
  let qp: QueryProvider;
  const warnings: string[] = [];

  before(async () => {
    // Ten events a day for six days: `bytes` whole numbers for three days, then decimals; one hex `id` on day five.
    const rows = Array.from({ length: N }, (_, i) => ({
      id: i === 45 ? "0x3e7" : String(i),
      _time: new Date(T0 + Math.floor(i / 10) * DAY + (i % 10) * 60_000).toISOString(),
      bytes: i < 30 ? String(i * 100) : `${i * 100}.5`,
      sourcetype: "flows",
      index: "lab",
    }));
    twin = await startSplunkTwin({ data: { flows: rows } });
    const dir = tempDir();
    const queries = path.join(dir, "splunk.yaml");
    fs.writeFileSync(queries, ["metadata:", "  version: 1", "  description: flows", "  data_environments: [Splunk]", "  data_families: [Net]", "sources:", "  flows:", "    description: all flows", "    args:", "      query: search index=lab sourcetype=flows", "    parameters:", "      start: {description: start, type: datetime}", "      end: {description: end, type: datetime}", ""].join("\n"));
    const configPath = path.join(dir, "msticpyconfig.yaml");
    fs.writeFileSync(configPath, "DataProviders: {}\n");
    qp = new QueryProvider("Splunk", { configPath, queryPaths: [queries], warn: (m) => warnings.push(m), onProgress: () => {} });
    await qp.connect({ host: "127.0.0.1", port: twin.port, scheme: "http", bearer_token: "any-token" });
  });
  after(() => twin.close());

  it("stack in the common type: every row kept, whole numbers and decimals as reals, a hex id among digits as text", async () => {
    const df = await (qp as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>).Net.flows({ start: new Date(T0).toISOString(), end: new Date(T0 + 6 * DAY).toISOString(), split_query_by: "1d" });
    assert.equal(twin.searches.length, 6);
    assert.equal(df.height, N);
    assert.equal(String(df.getColumn("bytes").dtype), String(pl.Float64));
    const bytes = df.getColumn("bytes").toArray() as number[];
    assert.deepEqual([...bytes].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => (i < 30 ? i * 100 : i * 100 + 0.5)));
    assert.equal(String(df.getColumn("id").dtype), String(pl.String));
    assert.deepEqual((df.getColumn("id").toArray() as string[]).sort(), Array.from({ length: N }, (_, i) => (i === 45 ? "0x3e7" : String(i))).sort());
    const said = warnings.find((w) => /split_query_by windows typed/.test(w));
    assert.ok(said && /bytes \(reals\)/.test(said) && /id \(text\)/.test(said), `warnings: ${warnings.join(" | ")}`);
    assert.deepEqual(qp.lastWarnings.filter((w) => /split_query_by windows typed/.test(w)).length, 1);
  });
});
