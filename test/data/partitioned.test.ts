/**
 * A folder of Parquet files, hive-partitioned by day, is one query scanned
 * lazily: start/end, partition and column filters are pushed down, so
 * partitions outside the range are never opened.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { seededRandom } from "../helpers/random";
import { tempDir } from "../helpers/tmp";

const DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"];
const HOSTS = ["ws-01", "ws-02", "srv-db"];

/** 3 days × 200 process events, written as `root/procs/date=DAY/part-0.parquet` (µs times, UTC zone). */
function dataset(root: string, folder = "procs"): pl.DataFrame {
  const random = seededRandom(7);
  const frames: pl.DataFrame[] = [];
  for (const day of DAYS) {
    const t0 = Date.parse(`${day}T00:00:00Z`);
    const n = 200;
    const times = Array.from({ length: n }, () => new Date(t0 + Math.floor(random() * 86_400_000)));
    const df = pl.DataFrame([
      pl.Series("TimeGenerated", times).cast(pl.Datetime("us")).dt.replaceTimeZone("UTC"),
      pl.Series("Computer", times.map(() => HOSTS[Math.floor(random() * HOSTS.length)])),
      pl.Series("NewProcessName", times.map((_, i) => (i % 3 ? "C:\\Windows\\System32\\cmd.exe" : "C:\\Windows\\System32\\svchost.exe"))),
      pl.Series("CommandLine", times.map((_, i) => `cmd /c echo ${i}`)),
    ]);
    const dir = path.join(root, folder, `date=${day}`);
    fs.mkdirSync(dir, { recursive: true });
    df.writeParquet(path.join(dir, "part-0.parquet"));
    frames.push(df);
  }
  return pl.concat(frames);
}

const QUERIES = `metadata: {version: 1, description: big, data_environments: [LocalData], data_families: [Edr]}
sources:
  host_processes:
    description: processes of one host
    args: {query: procs}
    parameters:
      start: {type: datetime}
      end: {type: datetime}
      host_name: {type: str, default: null, column: Computer}
`;

test("a hive-partitioned folder is one query named after the folder", async () => {
  const root = tempDir();
  const all = dataset(root);
  fs.writeFileSync(path.join(root, "other.csv"), "TimeGenerated,X\n2026-11-01 00:00:00,1\n");
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [] });
  assert.deepEqual(qp.listQueries(), ["LocalData.other", "LocalData.procs"]);
  const procs = await qp.LocalData.procs();
  assert.equal(procs.height, all.height);
  // The partition key is a column, typed as a date.
  assert.equal(procs.getColumn("date").dtype.variant, "Date");
  assert.match(qp.LocalData.procs.help(), /Parquet dataset procs\/ \(3 files, partitioned by date\)/);
  // The data path may be the dataset folder itself.
  const direct = new QueryProvider("LocalData", { dataPaths: [path.join(root, "procs")], queryPaths: [] });
  assert.deepEqual(direct.listQueries(), ["LocalData.procs"]);
});

test("start/end and column filters give the rows an eager filter gives", async () => {
  const root = tempDir();
  const all = dataset(root);
  const queries = path.join(tempDir(), "q.yaml");
  fs.writeFileSync(queries, QUERIES);
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [queries] });
  // The folder read by Edr.host_processes is not listed again.
  assert.deepEqual(qp.listQueries(), ["Edr.host_processes"]);
  const start = new Date("2026-11-02T06:00:00Z");
  const end = new Date("2026-11-02T18:00:00Z");
  const got = await qp.Edr.host_processes({ host_name: "WS-02", start, end });
  const times = all.getColumn("TimeGenerated").cast(pl.Datetime("ms")).toArray() as unknown as Date[];
  const hosts = all.getColumn("Computer").toArray() as string[];
  const expected = times.filter((t, i) => hosts[i] === "ws-02" && t >= start && t <= end).length;
  assert.ok(expected > 10);
  assert.equal(got.height, expected);
  assert.deepEqual([...new Set(got.getColumn("Computer").toArray())], ["ws-02"]);
});

test("partitions outside start/end are never read: a corrupt one does not stop a query of another day", async () => {
  const root = tempDir();
  dataset(root);
  fs.writeFileSync(path.join(root, "procs", "date=2026-11-03", "part-0.parquet"), "not parquet at all");
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [] });
  const day = await qp.LocalData.procs({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T23:59:59Z" });
  assert.equal(day.height, 200);
  await assert.rejects(() => qp.LocalData.procs(), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/file-invalid");
    assert.ok(err.message.includes(path.join(root, "procs")), err.message);
    return true;
  });
});

test("a text partition key filtered by a parameter (ignoring case): other folders are never read", async () => {
  const root = tempDir();
  for (const [host, n] of [["WS-01", 3], ["srv db", 2]] as const) {
    const dir = path.join(root, "flows", `host=${encodeURIComponent(host)}`);
    fs.mkdirSync(dir, { recursive: true });
    pl.DataFrame({ TimeGenerated: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 10, 1, i))), Bytes: Array.from({ length: n }, (_, i) => i) }).writeParquet(path.join(dir, "part-0.parquet"));
  }
  fs.mkdirSync(path.join(root, "flows", "host=broken"));
  fs.writeFileSync(path.join(root, "flows", "host=broken", "part-0.parquet"), "not parquet");
  const queries = path.join(tempDir(), "q.yaml");
  fs.writeFileSync(queries, `metadata: {version: 1, description: f, data_environments: [LocalData], data_families: [Net]}
sources:
  flows:
    description: flows of a host
    args: {query: flows}
    parameters:
      host_name: {type: str, default: null, column: host}
      hosts: {type: list, default: null, column: host, match: in}
`);
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [queries] });
  assert.equal((await qp.Net.flows({ host_name: "ws-01" })).height, 3);
  assert.equal((await qp.Net.flows({ host_name: "SRV DB" })).height, 2);
  assert.equal((await qp.Net.flows({ hosts: ["ws-01", "srv db"] })).height, 5);
  assert.equal((await qp.Net.flows({ host_name: "nowhere" })).height, 0);
  await assert.rejects(() => qp.Net.flows(), { code: "data/file-invalid" });
});

test("only the columns asked for are returned (and read)", async () => {
  const root = tempDir();
  dataset(root);
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [] });
  const df = await qp.LocalData.procs({ start: "2026-11-02" }, { columns: ["Computer", "CommandLine"] });
  assert.deepEqual(df.columns, ["Computer", "CommandLine"]);
  assert.equal(df.height, 400);
  await assert.rejects(() => qp.LocalData.procs({}, { columns: ["Computr"] }), { code: "data/select-column-missing", message: /"Computr".*Did you mean Computer/ });
});

test("query.lazy(): the same filters as a LazyDataFrame, for aggregations that never load the rows", async () => {
  const root = tempDir();
  const all = dataset(root);
  fs.writeFileSync(path.join(root, "procs", "date=2026-11-03", "part-0.parquet"), "not parquet at all");
  fs.writeFileSync(path.join(root, "odd.csv"), 'lazy,^x$,TimeGenerated\n1,a,2/13/19 9:31 AM\n2,b,2/14/19 9:31 AM\n');
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [] });
  const perHost = qp.LocalData.procs
    .lazy({ start: "2026-11-01", end: "2026-11-02T23:59:59Z" }, { columns: ["Computer"] })
    .groupBy("Computer")
    .agg(pl.len().alias("n"))
    .sort("Computer")
    .collectSync();
  const hosts = (all.getColumn("Computer").toArray() as string[]).slice(0, 400);
  assert.deepEqual(perHost.getColumn("Computer").toArray(), [...new Set(hosts)].sort());
  assert.deepEqual(perHost.getColumn("n").toArray().map(Number), [...new Set(hosts)].sort().map((h) => hosts.filter((x) => x === h).length));
  // Odd column names come back as they are; a text time column is filtered too.
  const odd = qp.LocalData.odd.lazy({ start: "2019-02-14" }).collectSync();
  assert.deepEqual(odd.columns, ["lazy", "^x$", "TimeGenerated"]);
  assert.deepEqual(odd.getColumn("^x$").toArray(), ["b"]);
});

test("Spark's events.parquet/ folders and datasets in subfolders are one query each", async () => {
  const root = tempDir();
  dataset(root, path.join("edr", "procs"));
  const spark = path.join(root, "events.parquet");
  fs.mkdirSync(spark);
  for (const i of [0, 1]) pl.DataFrame({ TimeGenerated: [new Date(Date.UTC(2026, 10, 1 + i))], Id: [i] }).writeParquet(path.join(spark, `part-0000${i}.parquet`));
  fs.writeFileSync(path.join(spark, "_SUCCESS"), "");
  const qp = new QueryProvider("LocalData", { dataPaths: [root], queryPaths: [] });
  assert.deepEqual(qp.listQueries(), ["edr.procs", "LocalData.events"]);
  assert.equal((await qp.LocalData.events()).height, 2);
  assert.equal((await qp.LocalData.events({ start: "2026-11-02" })).height, 1);
  assert.equal((await qp.edr.procs({ start: "2026-11-03" })).height, 200);
});
