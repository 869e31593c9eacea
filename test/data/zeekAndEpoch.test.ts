/**
 * Zeek logs as data sources (ASCII `.log` with `#fields`/`#types` headers, and
 * JSON `.log`), start/end on numeric epoch time columns (s, ms, µs, ns by
 * magnitude), and CSV reads whose later rows break the sampled types.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { mock, test } from "node:test";
import pl from "nodejs-polars";
import { epochUnit } from "../../src/data/timeParsing";
import { QueryProvider } from "../../src/data/queryProvider";
import { logFormat, readDataFile } from "../../src/data/readers";
import { MAX_CUT_LINE_BYTES, truncatedLastLine } from "../../src/data/truncatedLine";
import { tempTree } from "../helpers/tmp";

const TAB = "\t";
const row = (...v: string[]) => v.join(TAB);
const CONN = [
  "#separator \\x09",
  "#set_separator\t,",
  "#empty_field\t(empty)",
  "#unset_field\t-",
  "#path\tconn",
  row("#fields", "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration", "orig_bytes", "local_orig", "tunnel_parents"),
  row("#types", "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "bool", "set[string]"),
  row("1793529600.123456", "CAbc1", "192.168.7.20", "50112", "203.0.113.9", "443", "tcp", "ssl", "12.500001", "5120", "T", "(empty)"),
  row("1793533200.000001", "CAbc2", "192.168.7.21", "50113", "198.51.100.4", "53", "udp", "-", "-", "-", "F", "(empty)"),
  row("1793616000.999999", "CAbc3", "192.168.7.20", "50114", "203.0.113.9", "22", "tcp", "ssh", "0.25", "800", "T", "-"),
  "#close\t2026-11-02-00-00-00",
].join("\n");

const CONN_JSON = [
  '{"ts":1793529600.123456,"uid":"CJ1","id.orig_h":"10.9.0.5","id.resp_h":"203.0.113.77","id.resp_p":443,"proto":"tcp"}',
  '{"ts":1793616000.5,"uid":"CJ2","id.orig_h":"10.9.0.6","id.resp_h":"203.0.113.78","id.resp_p":80,"proto":"tcp"}',
].join("\n");

const iso = (v: unknown) => (v as Date).toISOString();

test("a Zeek ASCII .log is a data source: types from #types, µs times kept, - null, (empty) empty", async () => {
  const dir = tempTree({ "zeek/conn.log": CONN, "zeek/app.log": "2026-11-01 app started\n" });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  // An application's text log is not a data source.
  assert.deepEqual(qp.listQueries(), ["zeek.conn"]);
  const df = await qp.zeek.conn();
  assert.equal(df.height, 3);
  const ts = df.getColumn("ts");
  assert.equal(ts.dtype.variant, "Datetime");
  assert.equal((ts.dtype as unknown as { timeUnit?: string }).timeUnit, "us");
  // The sixth fraction digit survives: compare the integer µs.
  assert.deepEqual(ts.cast(pl.Int64).toArray().map(String), ["1793529600123456", "1793533200000001", "1793616000999999"]);
  assert.equal(df.getColumn("id.resp_p").dtype.variant, "Int64");
  assert.equal(df.getColumn("duration").dtype.variant, "Float64");
  assert.deepEqual(df.getColumn("duration").toArray(), [12.500001, null, 0.25]);
  assert.deepEqual(df.getColumn("service").toArray(), ["ssl", null, "ssh"]);
  assert.deepEqual(df.getColumn("orig_bytes").toArray().map((v) => (v === null ? null : Number(v))), [5120, null, 800]);
  assert.deepEqual(df.getColumn("local_orig").toArray(), [true, false, true]);
  assert.deepEqual(df.getColumn("tunnel_parents").toArray(), ["", "", null]);
  // start/end on the Zeek time column (`ts`, found by name).
  const day = await qp.zeek.conn({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T23:59:59Z" });
  assert.deepEqual(day.getColumn("uid").toArray(), ["CAbc1", "CAbc2"]);
});

test("a Zeek JSON .log: numeric epoch ts becomes a µs time; a non-Zeek .log read directly is an error naming it", () => {
  const dir = tempTree({ "conn.log": CONN_JSON, "other.log": "plain text\n" });
  const df = readDataFile(path.join(dir, "conn.log"));
  assert.equal(df.getColumn("ts").dtype.variant, "Datetime");
  assert.deepEqual(df.getColumn("ts").cast(pl.Int64).toArray().map(String), ["1793529600123456", "1793616000500000"]);
  assert.throws(() => readDataFile(path.join(dir, "other.log")), { code: "data/file-invalid", message: /other\.log: .*not JSON lines|other\.log: .*Zeek/ });
});

test("JSON after 256+ characters of white space (blank lines, spaces, a BOM then spaces) is JSON in a .log as in .json/.ndjson; a BOM before a JSON .log is read past (polars stopped at it)", async () => {
  const BOM = "\uFEFF";
  const blank = "\n".repeat(100) + " ".repeat(200) + "\n";
  const spaces = " ".repeat(300) + "\n";
  const cut = CONN_JSON.split("\n")[1].slice(0, 41);
  const dir = tempTree({
    "blank/conn.log": blank + CONN_JSON,
    "bomspaces/conn.log": BOM + spaces + CONN_JSON,
    "bom/conn.log": BOM + CONN_JSON,
    "bomcut/conn.log": `${BOM}${spaces}${CONN_JSON}\n${cut}`,
    "conn.ndjson": BOM + spaces + CONN_JSON,
    "conn.json": blank + CONN_JSON,
  });
  for (const name of ["blank", "bomspaces", "bom"]) {
    const file = path.join(dir, name, "conn.log");
    assert.equal(logFormat(file), "ndjson", name);
    const df = readDataFile(file);
    assert.deepEqual(df.getColumn("uid").toArray(), ["CJ1", "CJ2"], name);
    assert.equal(df.getColumn("ts").dtype.variant, "Datetime", name);
    // A data source too (a .log that is neither Zeek form was skipped from the data folder).
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, name)], queryPaths: [] });
    assert.equal((await qp.LocalData.conn()).height, 2, name);
  }
  const warnings: string[] = [];
  assert.deepEqual(readDataFile(path.join(dir, "bomcut", "conn.log"), { warn: (m) => warnings.push(m) }).getColumn("uid").toArray(), ["CJ1", "CJ2"]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /conn\.log: line 4, the last, is incomplete/);
  for (const name of ["conn.ndjson", "conn.json"]) assert.deepEqual(readDataFile(path.join(dir, name)).getColumn("uid").toArray(), ["CJ1", "CJ2"], name);
});

test("a Zeek JSON .log copied mid-write: the cut last line is skipped with a warning naming the file and line; a bad line elsewhere still fails", async () => {
  const lines = CONN_JSON.split("\n");
  const cut = lines[1].slice(0, 41);
  const dir = tempTree({
    "cut/conn.log": `${lines[0]}\n${lines[1]}\n${cut}`,
    "whole.log": `${lines[0]}\n${lines[1]}`,
    "middle.log": `${lines[0]}\n${cut}\n${lines[1]}\n`,
    "badlast.log": `${lines[0]}\n${lines[1]}\n${cut}\n`,
  });
  const warnings: string[] = [];
  const df = readDataFile(path.join(dir, "cut", "conn.log"), { warn: (m) => warnings.push(m) });
  assert.deepEqual(df.getColumn("uid").toArray(), ["CJ1", "CJ2"]);
  assert.equal(df.getColumn("ts").dtype.variant, "Datetime");
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].startsWith(`${path.join(dir, "cut", "conn.log")}: line 3, the last, is incomplete`), warnings[0]);
  assert.match(warnings[0], /skipped/);
  // Through a provider: its warn option.
  const told: string[] = [];
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "cut")], queryPaths: [], warn: (m) => told.push(m) });
  assert.equal((await qp.LocalData.conn()).height, 2);
  assert.equal(told.length, 1);
  assert.match(told[0], /conn\.log: line 3, the last, is incomplete/);
  // A last line without a newline that is whole JSON is read, without a warning.
  warnings.length = 0;
  assert.equal(readDataFile(path.join(dir, "whole.log"), { warn: (m) => warnings.push(m) }).height, 2);
  assert.deepEqual(warnings, []);
  // A bad line in the middle, or a bad last line that ends with a newline, is an error naming it.
  assert.throws(() => readDataFile(path.join(dir, "middle.log")), { code: "data/file-invalid", message: /middle\.log: .*line 2 is not JSON/ });
  assert.throws(() => readDataFile(path.join(dir, "badlast.log")), { code: "data/file-invalid", message: /badlast\.log: .*line 3 is not JSON/ });
});

test("a Zeek JSON .log: a cut last line is looked for only past polars' error, and one longer than the cap is the file's own error", () => {
  const lines = CONN_JSON.split("\n");
  // A last line of 17 MB without a newline: no cut line (a log line is KB), the file's error naming the line.
  const long = `{"uid":"CJ3","note":"${"A".repeat(MAX_CUT_LINE_BYTES + (1 << 20))}`;
  const dir = tempTree({ "long.log": `${lines[0]}\n${lines[1]}\n${long}`, "short.log": `${lines[0]}\n${lines[1]}\n{"uid":"CJ3","no`, "whole.log": `${CONN_JSON}\n` });
  const warnings: string[] = [];
  assert.throws(() => readDataFile(path.join(dir, "long.log"), { warn: (m) => warnings.push(m) }), { code: "data/file-invalid", message: /long\.log: .*line 3 is not JSON/ });
  assert.equal(warnings.length, 0, "not skipped as a cut line");
  assert.equal(truncatedLastLine(path.join(dir, "long.log")), undefined);
  // The cap is on the last line only: a short cut line after it is found, and a smaller cap refuses it.
  assert.deepEqual(truncatedLastLine(path.join(dir, "short.log")), { line: 3, offset: lines[0].length + lines[1].length + 2 });
  assert.equal(truncatedLastLine(path.join(dir, "short.log"), 10), undefined);
  // A whole log is polars' read alone: its tail is not looked at (truncatedLine.ts sizes the file first), nor the file copied.
  const copies = mock.method(fs, "copyFileSync");
  const sizes = mock.method(fs, "fstatSync");
  try {
    assert.equal(readDataFile(path.join(dir, "whole.log")).height, 2);
    assert.deepEqual([sizes.mock.callCount(), copies.mock.callCount()], [0, 0]);
    assert.equal(readDataFile(path.join(dir, "short.log"), { warn: (m) => warnings.push(m) }).height, 2);
    assert.equal(copies.mock.callCount(), 1, "a cut file is copied without its cut line");
  } finally {
    copies.mock.restore();
    sizes.mock.restore();
  }
  assert.match(warnings[0], /short\.log: line 3, the last, is incomplete/);
});

test("epoch units by magnitude: seconds, ms, µs, ns; small numbers are not epoch times", () => {
  assert.equal(epochUnit(1_793_529_600), "s");
  assert.equal(epochUnit(1_793_529_600_123), "ms");
  assert.equal(epochUnit(1_793_529_600_123_456), "us");
  assert.equal(epochUnit(1.7935296001234568e18), "ns");
  assert.equal(epochUnit(4688), undefined);
  assert.equal(epochUnit(Number.NaN), undefined);
});

test("start/end filter numeric epoch columns in each unit, in text and Parquet files", async () => {
  // Three events: 2026-11-01 10:00, 2026-11-02 10:00, 2026-11-03 10:00 (UTC).
  const ms = [0, 1, 2].map((d) => Date.UTC(2026, 10, 1 + d, 10));
  const ns = ms.map((t, i) => String(BigInt(t) * 1_000_000n + BigInt(i + 1)));
  const files: Record<string, string | Buffer> = {
    "secs.ndjson": ms.map((t, i) => JSON.stringify({ ts: t / 1000 + 0.25, id: i })).join("\n"),
    "millis.csv": "time,id\n" + ms.map((t, i) => `${t},${i}`).join("\n"),
    "micros.ndjson": ms.map((t, i) => JSON.stringify({ _time: t * 1000 + 7, id: i })).join("\n"),
    "nanos.csv": "time,id\n" + ns.map((t, i) => `${t},${i}`).join("\n"),
    "counts.csv": "time,id\n1,0\n2,1\n",
  };
  const dir = tempTree(files);
  // Integer µs made in polars (a JS number of µs is exact here, but BigInt series are not supported).
  pl.DataFrame([pl.Series("time", ms).cast(pl.Int64), pl.Series("id", [0, 1, 2])])
    .select(pl.col("time").mul(pl.lit(1000).cast(pl.Int64)).alias("time"), pl.col("id"))
    .writeParquet(path.join(dir, "micros_pq.parquet"));
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  const range = { start: "2026-11-02T00:00:00Z", end: "2026-11-02T23:59:59Z" };
  for (const name of ["secs", "millis", "micros", "nanos", "micros_pq"]) {
    const df = await qp.LocalData[name](range);
    assert.deepEqual(df.getColumn("id").toArray().map(Number), [1], name);
    const after = await qp.LocalData[name]({ start: "2026-11-02T00:00:00Z" });
    assert.deepEqual(after.getColumn("id").toArray().map(Number), [1, 2], `${name} (start only)`);
  }
  await assert.rejects(() => qp.LocalData.counts(range), { code: "data/time-column-not-time", message: /"time" is numeric but not epoch times/ });
});

test("CSV: a value after the sampled rows that breaks a column's type makes that column text; the frame survives", () => {
  const rows = ["TimeGenerated,Count,Host"];
  for (let i = 0; i < 120; i += 1) rows.push(`2026-11-01T10:00:${String(i % 60).padStart(2, "0")}.1234567Z,${i},h${i}`);
  rows.push("2026-11-01T11:00:00Z,n/a,late");
  const dir = tempTree({ "late.csv": rows.join("\n") + "\n" });
  const df = readDataFile(path.join(dir, "late.csv"), { inferSchemaLength: 50 });
  assert.equal(df.height, 121);
  assert.equal(df.getColumn("Count").dtype.variant, "String");
  assert.equal(df.getColumn("Count").toArray()[120], "n/a");
  const t = df.getColumn("TimeGenerated");
  assert.equal(t.dtype.variant, "Datetime");
  assert.equal((t.dtype as unknown as { timeUnit?: string }).timeUnit, "ns");
  assert.equal(iso(t.toArray()[120]), "2026-11-01T11:00:00.000Z");
});

test("CSV: several columns broken after the sample are text, each with its values as written; columns that still read keep their types and values", () => {
  const rows = ["TimeGenerated,Count,Ratio,Flag,Port,Score,Ok,Empty"];
  for (let i = 0; i < 120; i += 1) rows.push(`2026-11-01T10:00:${String(i % 60).padStart(2, "0")}Z,${i},${i / 4},${i % 2 ? "True" : "false"},${1000 + i},${-i / 8},${i % 3 ? "TRUE" : "False"},${i % 5 ? "" : i}`);
  // Three columns broken, each in a different late row; the others hold late values of their own type (and empty ones).
  rows.push("2026-11-01T11:00:00Z,n/a,1.5,true,2000,-0.5,true,");
  rows.push("2026-11-01T11:00:01Z,7,NaN-ish,false,2001,1e3,false,9");
  rows.push("2026-11-01T11:00:02Z,8,2.25,maybe,,,,");
  const dir = tempTree({ "late3.csv": rows.join("\n") + "\n" });
  const df = readDataFile(path.join(dir, "late3.csv"), { inferSchemaLength: 50 });
  assert.equal(df.height, 123);
  const types = Object.fromEntries(df.columns.map((c) => [c, df.getColumn(c).dtype.variant]));
  assert.deepEqual(types, { TimeGenerated: "Datetime", Count: "String", Ratio: "String", Flag: "String", Port: "Int64", Score: "Float64", Ok: "Bool", Empty: "Int64" });
  const tail = (c: string) => df.getColumn(c).toArray().slice(118);
  assert.deepEqual(tail("Count"), ["118", "119", "n/a", "7", "8"]);
  assert.deepEqual(tail("Ratio"), ["29.5", "29.75", "1.5", "NaN-ish", "2.25"]);
  assert.deepEqual(tail("Flag"), ["false", "True", "true", "false", "maybe"]);
  assert.deepEqual(tail("Port").map((v) => (v === null ? null : Number(v))), [1118, 1119, 2000, 2001, null]);
  assert.deepEqual(tail("Score"), [-14.75, -14.875, -0.5, 1000, null]);
  assert.deepEqual(tail("Ok"), [true, true, true, false, null]);
  assert.deepEqual(tail("Empty").map((v) => (v === null ? null : Number(v))), [null, null, null, 9, null]);
  assert.equal(df.getColumn("Ok").toArray()[0], false);
});

test("CSV: a time column whose later rows use another format is parsed by the full parser; one not all times stays text", () => {
  const rows = ["TimeGenerated,When,id"];
  for (let i = 0; i < 80; i += 1) rows.push(`2026-11-01 10:00:${String(i % 60).padStart(2, "0")},2026-11-01 09:00,${i}`);
  rows.push("11/2/2026 3:21 PM,not a time,80");
  const dir = tempTree({ "mixed.csv": rows.join("\n") + "\n" });
  const df = readDataFile(path.join(dir, "mixed.csv"), { inferSchemaLength: 20 });
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal(iso(df.getColumn("TimeGenerated").toArray()[80]), "2026-11-02T15:21:00.000Z");
  assert.equal(df.getColumn("When").dtype.variant, "String");
  assert.equal(df.getColumn("When").toArray()[80], "not a time");
});

test("an epoch column keeps its unit beside far-future sentinels; seconds with ms fractions keep a row at start; no values at all is no rows", async () => {
  const t = Date.UTC(2024, 0, 2, 10); // 2024-01-02 10:00 UTC
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");
  const dir = tempTree({
    // .NET's 9999-12-31 23:59:59 "never", in seconds and in ms, and Int64's maximum: they must not make the column ms, µs or ns.
    "sentinel_s.ndjson": lines([{ ts: t / 1000, id: 1 }, { ts: t / 1000 + 3600, id: 2 }, { ts: 253402300799, id: 3 }]),
    "sentinel_ms.ndjson": lines([{ ts: t, id: 1 }, { ts: t + 3_600_000, id: 2 }, { ts: 253402300799000, id: 3 }]),
    "sentinel_max.csv": `ts,id\n${t / 1000},1\n${t / 1000 + 3600},2\n9223372036854775807,3\n`,
    // Zeek's float seconds: 1704189600.074 × 1000 is not exactly 1704189600074, but the row at that ms is in [start, end].
    "frac.ndjson": lines([{ ts: 1704189600.074, id: 1 }, { ts: 1704189600.075, id: 2 }]),
    "header_only.csv": "TimeGenerated,x\n",
    "empty_times.csv": "TimeGenerated,x\n,a\n,b\n",
  });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  const ids = async (name: string, params: Record<string, string>) => (await qp.LocalData[name](params)).getColumn("id").toArray().map(Number);
  const window = { start: "2024-01-02T09:30:00Z", end: "2024-01-02T12:00:00Z" };
  for (const name of ["sentinel_s", "sentinel_ms", "sentinel_max"]) assert.deepEqual(await ids(name, window), [1, 2], name);
  const at = "2024-01-02T10:00:00.074Z";
  assert.deepEqual(await ids("frac", { start: at, end: at }), [1]);
  for (const name of ["header_only", "empty_times"]) {
    const df = await qp.LocalData[name](window);
    assert.equal(df.height, 0, name);
    assert.deepEqual(df.columns, ["TimeGenerated", "x"], name);
  }
});

test("a .log holding one JSON array of objects (one line, or pretty-printed after a BOM and white space) reads as the same frame as its JSON lines; a text log starting with [ stays no source", async () => {
  const records = CONN_JSON.split("\n");
  const pretty = `[\n${records.map((r) => JSON.stringify(JSON.parse(r), null, 2)).join(",\n")}\n]\n`;
  const dir = tempTree({
    "lines/conn.log": CONN_JSON,
    "array/conn.log": `[${records.join(",")}]`,
    "pretty/conn.log": `\uFEFF  \n\t${pretty}`,
    "empty/conn.log": "[ ]\n",
    "text/app.log": "[2026-11-01 10:00:00] app started\n[2026-11-01 10:00:01] ready\n",
    "text/zeek/conn.log": `[${records.join(",")}]`,
  });
  const expected = readDataFile(path.join(dir, "lines", "conn.log"));
  for (const name of ["array", "pretty"]) {
    const file = path.join(dir, name, "conn.log");
    assert.equal(logFormat(file), "json", name);
    const df = readDataFile(file);
    assert.deepEqual(df.dtypes.map(String), expected.dtypes.map(String), name);
    assert.ok(df.frameEqual(expected), name);
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, name)], queryPaths: [] });
    assert.equal((await qp.LocalData.conn()).height, 2, name);
  }
  assert.equal(readDataFile(path.join(dir, "empty", "conn.log")).height, 0);
  assert.equal(logFormat(path.join(dir, "text", "app.log")), undefined);
  assert.deepEqual(new QueryProvider("LocalData", { dataPaths: [path.join(dir, "text")], queryPaths: [] }).listQueries(), ["zeek.conn"]);
});
