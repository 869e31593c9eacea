/**
 * Column names come from data files. nodejs-polars answers any property of a
 * DataFrame named like a column with that column, so a header such as
 * `columns`, `filter` or `getColumn` must not break reading, time parsing,
 * parameter filters, JSON columns or the entity helpers.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { parseJsonColumn } from "../../src/data/json";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFile } from "../../src/data/readers";
import { parseTimeColumns } from "../../src/data/timeParsing";
import { ipsFromDataFrame, SecurityAlert } from "../../src/entities";
import { tempTree } from "../helpers/tmp";

/** Names of DataFrame members and of Object.prototype members, as headers. */
const HOSTILE = ["columns", "height", "width", "shape", "filter", "select", "toString", "constructor", "__proto__", "getColumn", "withColumn", "lazy", "drop", "toRecords", "rename", "slice", "0"];
const HEADER = ["columns", "TimeGenerated", ...HOSTILE.slice(1)];

/** Column names of a frame, read past the column proxy (its ownKeys are the column names). */
function namesOf(df: pl.DataFrame): string[] {
  return Reflect.ownKeys(df).filter((k): k is string => typeof k === "string");
}

/** One column, read past the column proxy. */
function columnOf(df: pl.DataFrame, name: string): unknown[] {
  return (Reflect.getOwnPropertyDescriptor(df, name)?.value as pl.Series).toArray() as unknown[];
}

const CSV = [
  HEADER.join(","),
  HEADER.map((h, i) => (h === "TimeGenerated" ? "2024-05-01T10:00:00Z" : h === "filter" ? "alpha" : String(i))).join(","),
  HEADER.map((h, i) => (h === "TimeGenerated" ? "2024-05-03T10:00:00Z" : h === "filter" ? "beta" : String(i + 100))).join(","),
].join("\n");

const QUERIES = `metadata:
  version: 1
  description: hostile columns
  data_environments: [LocalData]
  data_families: [Hostile]
sources:
  by_filter:
    description: rows by the "filter" column
    args:
      query: hostile.csv
    parameters:
      start: { description: start, type: datetime, default: null }
      end: { description: end, type: datetime, default: null }
      value: { description: filter value, type: str, default: null, column: filter }
`;

test("CSV headers named like DataFrame or Object members: read whole, time column parsed", () => {
  const dir = tempTree({ "hostile.csv": CSV });
  const df = readDataFile(path.join(dir, "hostile.csv"));
  assert.deepEqual(namesOf(df), HEADER);
  const times = columnOf(df, "TimeGenerated") as Date[];
  assert.ok(times[0] instanceof Date, "TimeGenerated parsed");
  assert.equal(times[1].toISOString(), "2024-05-03T10:00:00.000Z");
  assert.deepEqual(columnOf(df, "filter"), ["alpha", "beta"]);
  assert.deepEqual(columnOf(df, "__proto__").map(Number), [HEADER.indexOf("__proto__"), HEADER.indexOf("__proto__") + 100]);
});

test("NDJSON keys named like DataFrame members, and parseTimeColumns on such a frame", () => {
  const line = (t: string) => JSON.stringify(Object.fromEntries(HEADER.map((h) => [h, h === "TimeGenerated" ? t : h])));
  const dir = tempTree({ "hostile.ndjson": `${line("2024-05-01 10:00:00")}\n${line("2024-05-02 10:00:00")}\n` });
  const df = readDataFile(path.join(dir, "hostile.ndjson"));
  assert.deepEqual([...namesOf(df)].sort(), [...HEADER].sort());
  assert.ok(columnOf(df, "TimeGenerated")[0] instanceof Date);
  const raw = readDataFile(path.join(dir, "hostile.ndjson"), { parseTimes: false });
  const { frame, report } = parseTimeColumns(raw);
  assert.deepEqual(report.map((r) => [r.column, r.parsed]), [["TimeGenerated", true]]);
  assert.ok(columnOf(frame, "TimeGenerated")[0] instanceof Date);
  assert.throws(() => parseTimeColumns(raw, { columns: ["nope"] }), { code: "data/column-missing", message: /"nope"/ });
});

test("queries over such a file: execQuery, start/end and a column filter on a column named filter", async () => {
  const dir = tempTree({ "data/hostile.csv": CSV, "queries/hostile.yaml": QUERIES });
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "data")], queryPaths: [path.join(dir, "queries")] });
  const whole = await qp.execQuery("hostile.csv");
  assert.deepEqual(namesOf(whole), HEADER);
  const byValue = await qp.Hostile.by_filter({ value: "BETA" });
  assert.deepEqual(columnOf(byValue, "filter"), ["beta"]);
  assert.deepEqual(namesOf(byValue), HEADER);
  const byTime = await qp.Hostile.by_filter({ start: "2024-05-02T00:00:00Z" });
  assert.deepEqual(columnOf(byTime, "filter"), ["beta"]);
  const both = await qp.Hostile.by_filter({ start: "2024-04-01", end: "2024-05-02", value: "alpha" });
  assert.deepEqual(columnOf(both, "filter"), ["alpha"]);
});

test("parseJsonColumn and the entity helpers read such frames", () => {
  const df = pl.DataFrame([
    pl.Series("columns", ['{"a":1}', null]),
    pl.Series("getColumn", ["x", "y"]),
    pl.Series("IPAddress", ["1.2.3.4", "5.6.7.8"]),
    pl.Series("select", ["s1", "s2"]),
    pl.Series("height", [1, 2]),
    pl.Series("Entities", ['[{"Type":"ip","Address":"1.2.3.4"}]', "[]"]),
    pl.Series("SystemAlertId", ["a1", "a2"]),
    pl.Series("toRecords", ["r", "r"]),
    pl.Series("slice", ["s", "s"]),
  ]);
  assert.deepEqual(parseJsonColumn(df, "columns"), [{ a: 1 }, null]);
  // The data package's code, as parseTimeColumns gives it (it was common/column-missing).
  assert.throws(() => parseJsonColumn(df, "nope"), { code: "data/column-missing", message: /parseJsonColumn: .*"nope"/ });
  const ips = ipsFromDataFrame(df, { additionalColumns: ["select"] });
  assert.deepEqual(ips.map((ip) => [ip.Address, ip.AdditionalData.select]), [["1.2.3.4", "s1"], ["5.6.7.8", "s2"]]);
  const alerts = SecurityAlert.fromDataFrame(df);
  assert.deepEqual(alerts.map((a) => [a.SystemAlertId, a.entities.length]), [["a1", 1], ["a2", 0]]);
  assert.equal(new SecurityAlert(df, 1).SystemAlertId, "a2");
  // A struct column named __proto__ stays a column: no row's prototype changes.
  const withProto = pl.DataFrame([pl.Series("SystemAlertId", ["p1"]), pl.Series("__proto__", [{ polluted: true }])]);
  const [alert] = SecurityAlert.fromDataFrame(withProto);
  assert.equal(Object.getPrototypeOf(alert.row), Object.prototype);
  assert.deepEqual({ ...(alert.row.__proto__ as object) }, { polluted: true });
  assert.equal((alert.row as Record<string, unknown>).polluted, undefined);
});

test("every frame access in src/data and src/entities goes past the column proxy", () => {
  // Property reads of frame members by name are what the column proxy breaks.
  const banned = /\b(df|frame|source)\.(columns|height|width|shape|filter|select|getColumn|withColumn|drop|toRecords|slice|lazy|rename)\b/;
  for (const dir of ["src/data", "src/entities"]) {
    // Subfolders (src/data/schemas) are checked too.
    for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!file.endsWith(".ts")) continue;
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      text.split("\n").forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/**")) return;
        assert.ok(!banned.test(code), `${dir}/${file}:${i + 1}: ${code}`);
      });
    }
  }
});
