/**
 * Long list parameters: a pivot or a hunter passes a whole column as one list
 * (1,600 user names, 1,600 times). LocalData `match: contains` with a list, a
 * list of times on a time column, and a pipeline `filter` step `op: in`, each
 * over 100,000 rows. Each list item is one condition; joined as a left-nested
 * `or` chain polars planned them in time quadratic in the list (9 s for 1,600
 * contains items on 100 rows); as a balanced tree (`anyOf`) they stay linear.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pl from "nodejs-polars";
import { QueryProvider } from "../src/data/queryProvider";
import { runPipeline } from "../src/pivot/pipeline";
import { measure, report } from "./harness";

const ROWS = 100_000;
const ITEMS = 1_600;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-params-bench-"));
  const t0 = Date.UTC(2024, 0, 1);
  const df = pl.DataFrame({
    Account: Array.from({ length: ROWS }, (_, i) => `CORP\\user${i % 5000}x`),
    TimeGenerated: Array.from({ length: ROWS }, (_, i) => new Date(t0 + (i % 5000) * 60_000)),
  });
  df.writeParquet(path.join(dir, "ev.parquet"));
  fs.mkdirSync(path.join(dir, "q"));
  fs.writeFileSync(
    path.join(dir, "q", "q.yaml"),
    [
      "metadata: { data_environments: [LocalData], data_families: [Bench] }",
      "sources:",
      "  events:",
      "    description: events",
      "    args: { query: ev.parquet }",
      "    parameters:",
      "      accounts: { description: accounts, type: list, default: null, column: Account, match: contains }",
      "      times: { description: times, type: list, default: null, column: TimeGenerated, match: in }",
      "",
    ].join("\n"),
  );
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>;
  const names = Array.from({ length: ITEMS }, (_, i) => `user${i}x`);
  const times = Array.from({ length: ITEMS }, (_, i) => new Date(t0 + i * 60_000));
  const yaml = `pipelines:\n  p:\n    steps:\n      - {step_type: filter, params: {column: Account, op: in, value: ${JSON.stringify(names.map((n) => `CORP\\${n}`))}}}\n`;
  let rows = [0, 0, 0];
  try {
    const contains = await measure(`LocalData contains, ${ITEMS} items × ${ROWS / 1000}k rows`, async () => {
      rows[0] = (await qp.Bench.events({ accounts: names })).height;
    }, { runs: 3, targetMs: 2000 });
    const timeList = await measure(`LocalData list of ${ITEMS} times × ${ROWS / 1000}k rows`, async () => {
      rows[1] = (await qp.Bench.events({ times })).height;
    }, { runs: 3, targetMs: 2000 });
    const pipeline = await measure(`pipeline filter op: in, ${ITEMS} values × ${ROWS / 1000}k rows`, async () => {
      rows[2] = (await runPipeline(df, yaml)).height;
    }, { runs: 3, targetMs: 2000 });
    report("Long list parameters", [contains, timeList, pipeline]);
    console.log(`(rows kept: ${rows.join(", ")})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
