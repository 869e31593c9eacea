/**
 * SPL `where Bytes>{min}` with a text parameter, end to end against the Splunk twin: Splunk's eval orders two
 * numbers as numbers and anything else as text ("two numbers or two strings"), so a quoted `"1000"` kept 999 and 20
 * (`"999" > "1000"`). huntlab writes decimal number text there as a number (src/data/live/render.ts, numberText),
 * as MSTICPy pastes it; the twin orders a quoted literal as text, as Splunk does.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type pl from "nodejs-polars";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const TOKEN = "ordering-token-0123456789";
type Run = (params?: Record<string, unknown>) => Promise<pl.DataFrame>;

describe("SPL ordering comparisons with a text parameter (Splunk twin)", () => {
  let twin: SplunkTwin;
  let queries: Record<string, Run>;
  before(async () => {
    const bytes = [999, 1000, 1001, 5000, 20];
    twin = await startSplunkTwin({ token: TOKEN, data: { flows: bytes.map((b, i) => ({ _time: `2026-11-01T10:0${i}:00Z`, Bytes: String(b) })) } });
    const dir = tempDir();
    const query = (text: string) => `    args: {query: ${JSON.stringify(text)}}\n    parameters: {min: {description: m, type: str}}\n`;
    fs.writeFileSync(
      path.join(dir, "q.yaml"),
      "metadata: {version: 1, description: d, data_environments: [Splunk], data_families: [Flows]}\nsources:\n" +
        `  above:\n    description: a\n${query("search index=lab sourcetype=flows | where Bytes>{min} | sort Bytes")}` +
        `  upto:\n    description: u\n${query("search index=lab sourcetype=flows | where Bytes<={min} | sort Bytes")}` +
        // The template's own quotes: a string, as its author wrote it, ordered as text by Splunk (and by MSTICPy's pasting).
        `  quoted:\n    description: q\n${query('search index=lab sourcetype=flows | where Bytes>"{min}" | sort Bytes')}`,
    );
    fs.writeFileSync(path.join(dir, "msticpyconfig.yaml"), "DataProviders: {}\n");
    const qp = new QueryProvider("Splunk", { queryPaths: [dir], configPath: path.join(dir, "msticpyconfig.yaml"), onProgress: () => {}, warn: () => {} });
    await qp.connect({ host: "127.0.0.1", port: twin.port, scheme: "http", bearer_token: TOKEN });
    queries = (qp as unknown as { Flows: Record<string, Run> }).Flows;
  });
  after(() => twin.close());

  const bytes = (df: pl.DataFrame) => (df.height ? (df.getColumn("Bytes").toArray() as unknown[]).map(Number).sort((a, b) => a - b) : []);

  it("a number given as text orders as a number: > 1000 is 1001 and 5000, <= 1000 is 20, 999 and 1000", async () => {
    assert.deepEqual(bytes(await queries.above({ min: "1000" })), [1001, 5000]);
    assert.match(twin.searches.at(-1)?.search ?? "", /where Bytes>1000 \|/);
    assert.deepEqual(bytes(await queries.upto({ min: "1000" })), [20, 999, 1000]);
    assert.deepEqual(bytes(await queries.above({ min: 1000 })), [1001, 5000]);
    assert.deepEqual(bytes(await queries.above({ min: "999.5" })), [1000, 1001, 5000]);
  });

  it("text that is no plain decimal number stays a quoted string, which Splunk orders as text", async () => {
    // "01000" as text: "1000", "1001", "20", "5000" and "999" all sort after it.
    assert.deepEqual(bytes(await queries.above({ min: "01000" })), [20, 999, 1000, 1001, 5000]);
    assert.match(twin.searches.at(-1)?.search ?? "", /where Bytes>"01000" \|/);
  });

  it("a placeholder the template quotes itself stays the string it wrote (Splunk orders it as text: 999 and 20 are above \"1000\")", async () => {
    assert.deepEqual(bytes(await queries.quoted({ min: "1000" })), [20, 999, 1001, 5000]);
  });
});
