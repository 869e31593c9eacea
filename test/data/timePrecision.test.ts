/**
 * Times keep the precision the file has (MDE and Sysmon write 100 ns), and
 * start/end filter exactly on any time unit and time zone. Time-range
 * parameters declared without a default (MSTICPy's layout) are optional.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFile } from "../../src/data/readers";
import { parseTimeSeries } from "../../src/data/timeParsing";
import { tempDir, tempTree } from "../helpers/tmp";

/** A Datetime column as ISO text with 9 fraction digits (exact: epoch ns do not fit a JS number). */
const nanos = (s: pl.Series) => pl.DataFrame([s.rename("t")]).select(pl.col("t").dt.strftime("%Y-%m-%dT%H:%M:%S%.9f")).getColumn("t").toArray();
const unitOf = (s: pl.Series) => String((s.dtype as unknown as { inner: unknown[] }).inner[0]);

test("text times keep their fraction digits: ms, µs or ns as the text has", () => {
  const ns = parseTimeSeries(pl.Series("Timestamp", ["2026-11-01T10:00:00.1234567Z", "2026-11-01 10:00:00.0000001", "5/4/2021, 7:48:01.990 AM"]));
  assert.equal(ns.parsed, true);
  assert.equal(unitOf(ns.series), "ns");
  assert.deepEqual(nanos(ns.series), ["2026-11-01T10:00:00.123456700", "2026-11-01T10:00:00.000000100", "2021-05-04T07:48:01.990000000"]);
  const us = parseTimeSeries(pl.Series("t", ["2026-11-01T10:00:00.123456Z"]));
  assert.equal(unitOf(us.series), "us");
  assert.equal(unitOf(parseTimeSeries(pl.Series("t", ["2026-11-01T10:00:00.123Z"])).series), "ms");
  // A UTC offset is converted to UTC.
  assert.deepEqual(nanos(parseTimeSeries(pl.Series("t", ["2026-11-01T12:00:00.5+02:00"])).series), ["2026-11-01T10:00:00.500000000"]);
});

test("CSV and NDJSON exports with 100 ns times are read at ns; Parquet keeps its unit", () => {
  const dir = tempTree({
    "mde.csv": "Timestamp,DeviceName\n2026-11-01T10:00:00.1234567Z,ws-01\n2026-11-01T10:00:00.1234568Z,ws-01\n",
    "sysmon.ndjson": '{"UtcTime":"2026-11-01 10:00:00.9999999","Image":"a.exe"}\n',
  });
  const csv = readDataFile(path.join(dir, "mde.csv"));
  assert.deepEqual(nanos(csv.getColumn("Timestamp")), ["2026-11-01T10:00:00.123456700", "2026-11-01T10:00:00.123456800"]);
  assert.deepEqual(nanos(readDataFile(path.join(dir, "sysmon.ndjson")).getColumn("UtcTime")), ["2026-11-01T10:00:00.999999900"]);
  csv.writeParquet(path.join(dir, "mde.parquet"));
  const back = readDataFile(path.join(dir, "mde.parquet")).getColumn("Timestamp");
  assert.equal(unitOf(back), "ns");
  assert.deepEqual(nanos(back), ["2026-11-01T10:00:00.123456700", "2026-11-01T10:00:00.123456800"]);
});

/** One event per unit × zone, at 10:00:00.0000001 UTC and 12:00 UTC, written as Parquet. */
function zonedFiles(dir: string): string[] {
  const text = pl.Series("t", ["2026-11-01T10:00:00.0000001", "2026-11-01T12:00:00.0000000"]);
  const base = parseTimeSeries(text).series; // ns, naive UTC
  const files: string[] = [];
  for (const unit of ["ms", "us", "ns"] as const) {
    for (const zone of [undefined, "UTC", "Europe/Paris", "America/New_York"]) {
      const name = `ev_${unit}_${(zone ?? "naive").replace("/", "_")}.parquet`;
      const df = pl.DataFrame([base.rename("TimeGenerated"), pl.Series("Id", [1, 2])]).select(
        (zone ? pl.col("TimeGenerated").cast(pl.Datetime(unit)).dt.replaceTimeZone("UTC").dt.convertTimeZone(zone) : pl.col("TimeGenerated").cast(pl.Datetime(unit))).alias("TimeGenerated"),
        pl.col("Id"),
      );
      df.writeParquet(path.join(dir, name));
      files.push(name);
    }
  }
  return files;
}

test("start/end filter on Parquet times of any unit and time zone, as UTC instants", async () => {
  const dir = tempDir();
  const files = zonedFiles(dir);
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  for (const file of files) {
    const q = qp.LocalData[file.replace(".parquet", "")];
    const ids = async (params: Record<string, unknown>) => (await q(params)).getColumn("Id").toArray().map(Number);
    assert.deepEqual(await ids({ start: "2026-11-01T11:00:00Z" }), [2], file);
    assert.deepEqual(await ids({ end: "2026-11-01T11:00:00Z" }), [1], file);
    // 13:00 in Paris is 12:00 UTC.
    assert.deepEqual(await ids({ start: "2026-11-01T13:00:00+01:00" }), [2], file);
    assert.deepEqual(await ids({ start: "2026-11-01T10:00:00Z", end: "2026-11-01T12:00:00Z" }), [1, 2], file);
    // Only ns holds 100 ns: there the event is after 10:00:00.000 exactly; ms and µs files hold 10:00:00.000.
    const atTen = await ids({ start: new Date("2026-11-01T10:00:00.000Z"), end: new Date("2026-11-01T10:00:00.000Z") });
    assert.deepEqual(atTen, file.includes("_ns_") ? [] : [1], file);
  }
  // The unit and zone are those of the file.
  const paris = await qp.LocalData.ev_ns_Europe_Paris();
  assert.deepEqual((paris.getColumn("TimeGenerated").dtype as unknown as { inner: unknown[] }).inner, ["ns", "Europe/Paris"]);
});

test("a MSTICPy query file with start/end declared without a default runs without them: absent is all time", async () => {
  const dir = tempTree({
    "q/msticpy.yaml": `metadata:
  version: 1
  description: as MSTICPy writes them
  data_environments: [LocalData]
  data_families: [WindowsSecurity]
defaults:
  parameters:
    start: {description: Query start time, type: datetime}
    end: {description: Query end time, type: datetime}
sources:
  list_processes:
    description: processes
    args: {query: win_proc_test.csv}
    parameters:
      host: {description: host, type: str, column: Computer}
  aliased:
    description: MSTICPy's aliases
    args: {query: win_proc_test.csv}
    parameters:
      from_time: {description: from, type: datetime, aliases: [start_time]}
`,
    "d/win_proc_test.csv": "TimeGenerated,Computer\n2019-01-15 05:15:15.677,MSTICAlertsWin1\n2019-01-16 05:15:15.677,MSTICAlertsWin1\n",
  });
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] });
  // Not a time parameter: still required.
  await assert.rejects(() => qp.WindowsSecurity.list_processes(), { code: "data/missing-parameter", message: /"host"/ });
  assert.equal((await qp.WindowsSecurity.list_processes({ host: "msticalertswin1" })).height, 2);
  assert.equal((await qp.WindowsSecurity.list_processes({ host: "msticalertswin1", start: "2019-01-16" })).height, 1);
  assert.equal((await qp.WindowsSecurity.aliased()).height, 2);
  assert.equal((await qp.WindowsSecurity.aliased({ start_time: "2019-01-16" })).height, 1);
  assert.match(qp.WindowsSecurity.list_processes.help(), /start \(datetime, optional, absent: all time\): Query start time/);
  fs.rmSync(dir, { recursive: true });
});
