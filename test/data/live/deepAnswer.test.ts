/**
 * A SIEM answer whose dynamic cell nests 100,000 levels deep (a hostile log record: JSON.parse reads it) failed the
 * whole query with a bare RangeError (Maximum call stack size exceeded) when the cell was written as a column. Now
 * the values deeper than 64 levels are null, every row is kept, and one warning names the rows.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { liveDriverFactory, registerLiveDriver, type LiveDriverFactory } from "../../../src/data/live/drivers/index";
import { createSplunkDriver } from "../../../src/data/live/drivers/splunk";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";

const DEPTH = 100_000;

describe("a SIEM answer nested too deeply", () => {
  let saved: LiveDriverFactory | undefined;
  let configPath: string;
  before(() => {
    configPath = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(configPath, "DataProviders: {}\n");
    saved = liveDriverFactory("Splunk");
    registerLiveDriver("Splunk", () => ({
      environment: "Splunk",
      language: "spl",
      connected: true,
      async connect() {},
      async query() {
        // Parsed as the drivers parse an answer: JSON.parse reads any depth.
        const deep: unknown = JSON.parse(`{"a":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)},"b":"kept"}`);
        const rows: unknown[][] = [
          ["host1", { ok: [1, 2] }, null],
          ["host2", deep, JSON.parse("[".repeat(DEPTH) + "]".repeat(DEPTH))],
        ];
        return { columns: [{ name: "Computer", type: "string" }, { name: "Props", type: "dynamic" }, { name: "More", type: "dynamic" }], rows, warnings: [] };
      },
    }));
  });
  after(() => registerLiveDriver("Splunk", saved ?? createSplunkDriver));

  it("keeps every row and value above 64 levels, with one warning naming the row", async () => {
    const warnings: string[] = [];
    const qp = new QueryProvider("Splunk", { configPath, warn: (m: string) => warnings.push(m) });
    await qp.connect();
    const df = await qp.execQuery("search index=main");
    assert.deepEqual(df.getColumn("Computer").toArray(), ["host1", "host2"]);
    const props = df.getColumn("Props").toArray() as string[];
    assert.equal(props[0], '{"ok":[1,2]}');
    const kept = JSON.parse(props[1]) as { a: unknown; b: string };
    assert.equal(kept.b, "kept");
    let depth = 0;
    for (let v: unknown = kept.a; Array.isArray(v); v = v[0]) depth += 1;
    assert.ok(depth > 50 && depth < 64, `kept ${depth} levels`);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^execQuery: 1 row\(s\) of the answer \(row 2\) hold a value nested more than 64 levels deep .*the rest of each row read\.$/);
  });
});
