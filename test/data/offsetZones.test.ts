/**
 * Parquet and Arrow files whose time columns carry a fixed offset that is not a whole hour (`+05:30`, as pandas
 * and pyarrow write times parsed from such text): polars cannot hold that zone, and its asynchronous collect
 * panicked on it, aborting the process (the kernel died). Such columns are now read as UTC (the same instants),
 * with a warning; in a list or struct the file is refused with a coded error. The fixtures are written by
 * test/fixtures/offsetZones/make.mjs (apache-arrow, parquet-wasm). The queries run in a child process, so that
 * an abort fails the test instead of ending the run.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { outcomesInChild, SRC_DIR, TEST_DIR } from "../helpers/child";
import { readDataFile } from "../../src/data/readers";
import { tempDir } from "../helpers/tmp";

const FIXTURES = path.join(TEST_DIR, "fixtures", "offsetZones");
const HOURS = ["2026-01-02 10:00:00.000", "2026-01-02 11:00:00.000", "2026-01-02 12:00:00.000", "2026-01-02 13:00:00.000"];

/** A data folder holding only `files` of the fixtures. */
function dataFolder(...files: string[]): string {
  const dir = tempDir();
  for (const f of files) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

test("LocalData queries (asynchronous) of Parquet and Arrow files in +05:30, -05:30 and +05:45 keep the process alive and the instants", () => {
  const dir = dataFolder("plus0530.parquet", "minus0530.arrow", "plus0545.stream.arrow");
  const query = (name: string, window: string) =>
    `(async () => { const warnings: string[] = []; const qp: any = new QueryProvider("LocalData", { dataPaths: [${JSON.stringify(dir)}], queryPaths: [], warn: (m: string) => warnings.push(m) });
      const df = await qp.LocalData[${JSON.stringify(name)}](${window}); return { ids: df.getColumn("id").toArray(), dtype: String(df.getColumn("TimeGenerated").dtype), warnings }; })()`;
  const outcomes = outcomesInChild(`import { QueryProvider } from ${JSON.stringify(path.join(SRC_DIR, "data", "queryProvider.ts"))};`, {
    parquet: query("plus0530", `{ start: "2026-01-02T10:30:00Z" }`),
    arrowFile: query("minus0530", `{ start: "2026-01-02T10:30:00Z", end: "2026-01-02T12:30:00Z" }`),
    arrowStream: query("plus0545.stream", `{ end: "2026-01-02T11:00:00Z" }`),
    whole: query("plus0530", ""),
  });
  const value = (name: string) => {
    const o = outcomes[name];
    assert.ok(o.ok, `${name}: ${o.ok ? "" : o.message}`);
    return o.value as { ids: number[]; dtype: string; warnings: string[] };
  };
  assert.deepEqual(value("parquet").ids, [2, 3, 4]);
  assert.deepEqual(value("arrowFile").ids, [2, 3]);
  assert.deepEqual(value("arrowStream").ids, [1, 2]);
  assert.deepEqual(value("whole").ids, [1, 2, 3, 4]);
  for (const name of ["parquet", "arrowFile", "arrowStream"]) {
    assert.match(value(name).dtype, /Datetime\(ms,\s*UTC\)/, name);
    assert.equal(value(name).warnings.length, 1, name);
  }
  assert.match(value("parquet").warnings[0], /plus0530\.parquet: column "TimeGenerated" is written in the zone "\+05:30".*read as UTC, the same instants/);
  assert.match(value("arrowFile").warnings[0], /"-05:30"/);
  assert.match(value("arrowStream").warnings[0], /"\+05:45"/);
});

test("readDataFile reads such files as UTC instants (polars' own read failed), and refuses the zone inside a struct, naming file, column and zone", () => {
  for (const [file, zone] of [
    ["plus0530.parquet", "+05:30"],
    ["minus0530.arrow", "-05:30"],
    ["plus0545.stream.arrow", "+05:45"],
  ]) {
    const warnings: string[] = [];
    const df = readDataFile(path.join(FIXTURES, file), { warn: (m) => warnings.push(m) });
    const texts = df.select(pl.col("TimeGenerated").dt.strftime("%Y-%m-%d %H:%M:%S%.3f %Z")).getColumn("TimeGenerated").toArray();
    assert.deepEqual(texts, HOURS.map((h) => `${h} UTC`), file);
    assert.equal(warnings.length, 1, file);
    assert.ok(warnings[0].includes(`"${zone}"`), warnings[0]);
  }
  assert.throws(
    () => readDataFile(path.join(FIXTURES, "nested0530.parquet")),
    (err: Error & { code?: string }) => err.code === "data/time-zone-unsupported" && /nested0530\.parquet.*column "event".*"\+05:30".*UTC/.test(err.message),
  );
});

test("zones polars holds are read as before, without a warning", () => {
  const dir = tempDir();
  const file = path.join(dir, "berlin.parquet");
  pl.DataFrame({ id: [1], t: [new Date(Date.UTC(2026, 0, 2, 10))] })
    .withColumns(pl.col("t").cast(pl.Datetime("ms")).dt.replaceTimeZone("UTC").dt.convertTimeZone("Europe/Berlin"))
    .writeParquet(file);
  const warnings: string[] = [];
  const df = readDataFile(file, { warn: (m) => warnings.push(m) });
  assert.equal(String(df.getColumn("t").dtype), String(pl.Datetime("ms", "Europe/Berlin")));
  assert.deepEqual(warnings, []);
});
