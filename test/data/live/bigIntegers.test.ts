/**
 * 64-bit integers from the live SIEMs stay exact: Kusto `long` (REST v2 numbers
 * beyond 2^53, Int64's bounds), Splunk's 16–19-digit text, ES `long` values and
 * the `search_after` sort values the driver sends back, and big integers inside
 * dynamic values.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { loadConfig } from "../../../src/config/config";
import { columnOf } from "../../../src/common/frames";
import { QueryProvider } from "../../../src/data/queryProvider";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { parseJsonExact, stringifyExact } from "../../../src/common/json";
import { liveFrame } from "../../../src/data/live/results";
import { createLiveSettings } from "../../../src/data/live/settings";
import { splunkTable } from "../../../src/data/live/splunkColumns";
import { tempDir } from "../../helpers/tmp";
import { startAzureTwins, type AzureTwins } from "../../twins/azureTwins";
import { startElasticTwin } from "../../twins/elasticsearch";
import type { Row } from "../../twins/kqlEngine";
import { labTables } from "../../twins/labTables";

/** A column's values as exact digit text (polars' toArray reads Int64 through JS numbers). */
const digits = (df: pl.DataFrame, name: string) => columnOf(df, name).cast(pl.Utf8).toArray();

const BIG = [9007199254740993n, -9223372036854775808n, 9223372036854775807n];

describe("Kusto / Log Analytics long columns beyond 2^53 (against the ADX and Log Analytics twins)", () => {
  let twins: AzureTwins;
  before(async () => {
    labTables().set("BigNumbers", {
      columns: [{ name: "Id", type: "long" }, { name: "Bag", type: "dynamic" }],
      // BigInt cells: the twins write them as exact digits (the engine's Value type predates them).
      rows: BIG.map((id) => ({ Id: id, Bag: { id, n: 1 } })) as unknown as Row[],
    });
    twins = await startAzureTwins();
  });
  after(async () => {
    labTables().delete("BigNumbers");
    await twins.stop();
  });
  const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const, retryBackoffMs: 1 };

  for (const environment of ["Kusto", "MSSentinel"] as const) {
    it(`${environment}: come back exact in an Int64 column, also Int64's min and max`, async () => {
      const qp = new QueryProvider(environment, { configPath: twins.configPath, ...quiet });
      await qp.connect({});
      const df = await qp.execQuery("BigNumbers | project Id");
      assert.equal(String(columnOf(df, "Id").dtype), "DataType(Int64)");
      assert.deepEqual(digits(df, "Id"), BIG.map(String));
    });

  }

  // Kusto sends dynamic values as JSON (Log Analytics as JSON text, exact already).
  it("Kusto: a dynamic value holding a big integer keeps its exact digits", async () => {
    const qp = new QueryProvider("Kusto", { configPath: twins.configPath, ...quiet });
    await qp.connect({});
    const df = await qp.execQuery("BigNumbers | project Bag");
    assert.deepEqual(columnOf(df, "Bag").toArray(), BIG.map((id) => `{"id":${id},"n":1}`));
  });
});

describe("Splunk whole numbers of 16–19 digits", () => {
  it("fit Int64 → long, exactly; beyond Int64 → string with the exact digits", () => {
    const table = splunkTable([
      { a: "9007199254740993", b: "18446744073709551615", c: "123456789012345678901" },
      { a: "-9223372036854775808", b: "1", c: "2" },
      { a: "9223372036854775807", b: "2", c: "3" },
    ]);
    assert.deepEqual(table.columns.map((c) => c.type), ["long", "string", "string"]);
    const df = liveFrame(table);
    assert.equal(String(columnOf(df, "a").dtype), "DataType(Int64)");
    assert.deepEqual(digits(df, "a"), BIG.map(String));
    assert.deepEqual(columnOf(df, "b").toArray(), ["18446744073709551615", "1", "2"]);
    assert.deepEqual(columnOf(df, "c").toArray(), ["123456789012345678901", "2", "3"]);
  });
});

describe("Elasticsearch long / unsigned_long beyond 2^53 (against the ES twin)", () => {
  it("long values come back exact and search_after sends the exact sort value back: no hit skipped or repeated", async () => {
    const base = 2n ** 53n;
    const docs = Array.from({ length: 7 }, (_, i) => ({ seq: base + BigInt(i), name: `d${i}` }));
    const twin = await startElasticTwin({ indices: [{ name: "logs-big-default", types: { seq: "long", name: "keyword" }, docs }] });
    try {
      const file = path.join(tempDir(), "msticpyconfig.yaml");
      fs.writeFileSync(file, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, "      PageSize: 2", ""].join("\n"));
      const driver = createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} }));
      await driver.connect({});
      const table = await driver.query({ text: JSON.stringify({ query: { match_all: {} }, sort: [{ seq: "asc" }] }), queryName: "Test.big", signal: AbortSignal.timeout(30_000) });
      // The twin reads request bodies exactly: the driver sent each page's last exact sort value.
      const sent = twin.searches.map((b) => (b.search_after as unknown[] | undefined)?.[0]).filter((v) => v !== undefined);
      assert.deepEqual(sent, [base + 1n, base + 3n, base + 5n]);
      const i = table.columns.findIndex((c) => c.name === "seq");
      assert.deepEqual(table.rows.map((r) => String(r[i])), docs.map((d) => String(d.seq)));
      const df = liveFrame(table);
      assert.equal(String(columnOf(df, "seq").dtype), "DataType(Int64)");
      assert.deepEqual(digits(df, "seq"), docs.map((d) => String(d.seq)));
    } finally {
      await twin.close();
    }
  });

  it("unsigned_long: values that fit Int64 → Int64; a column with one beyond Int64 → UInt64, exact", () => {
    const fits = liveFrame({ columns: [{ name: "u", type: "long" }], rows: [[9223372036854775807n], [1]] });
    assert.equal(String(columnOf(fits, "u").dtype), "DataType(Int64)");
    const wide = liveFrame({ columns: [{ name: "u", type: "long" }], rows: [[18446744073709551615n], [1], [null]] });
    assert.equal(String(columnOf(wide, "u").dtype), "DataType(UInt64)");
    assert.deepEqual(columnOf(wide, "u").toArray(), [18446744073709551615n, 1n, null]);
    const mixed = liveFrame({ columns: [{ name: "u", type: "long" }], rows: [[18446744073709551615n], [-1]] });
    assert.deepEqual(columnOf(mixed, "u").toArray(), ["18446744073709551615", "-1"]);
  });
});

describe("parseJsonExact / stringifyExact", () => {
  it("integers beyond 2^53 become BigInts, safe numbers and decimals stay numbers; BigInts are written as digits", () => {
    const v = parseJsonExact('{"a":9007199254740993,"b":12,"c":1.5,"d":"9007199254740993","e":-9223372036854775808,"f":1e20}') as Record<string, unknown>;
    assert.deepEqual(v, { a: 9007199254740993n, b: 12, c: 1.5, d: "9007199254740993", e: -9223372036854775808n, f: 1e20 });
    assert.equal(stringifyExact({ after: [9223372036854775807n, 3] }), '{"after":[9223372036854775807,3]}');
  });
});
