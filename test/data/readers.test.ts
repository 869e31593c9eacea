import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { DataFileError } from "../../src/data/messages";
import { readDataFile } from "../../src/data/readers";
import { tempDir, tempTree } from "../helpers/tmp";

const CSV = `TimeGenerated,Account,EventID,TimeCreatedUtc
2/13/19 9:31 AM,"CONTOSO\\alice",4688,19:04.4
2/12/19 10:11 PM,"CONTOSO\\bob, jr",4624,11:00.6
`;

test("CSV: types inferred, messy time column parsed, Excel-mangled one kept as text", () => {
  const dir = tempTree({ "e.csv": CSV });
  const df = readDataFile(path.join(dir, "e.csv"));
  assert.deepEqual(df.columns, ["TimeGenerated", "Account", "EventID", "TimeCreatedUtc"]);
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal((df.getColumn("TimeGenerated").toArray()[1] as unknown as Date).toISOString(), "2019-02-12T22:11:00.000Z");
  assert.deepEqual(df.getColumn("TimeCreatedUtc").toArray(), ["19:04.4", "11:00.6"]);
  assert.deepEqual(df.getColumn("Account").toArray(), ["CONTOSO\\alice", "CONTOSO\\bob, jr"]);
  assert.equal(df.getColumn("EventID").dtype.variant, "Int64");
});

test("NDJSON, JSON array, Parquet and Arrow IPC round-trip the same frame", () => {
  const dir = tempDir();
  const df = pl.DataFrame({ Account: ["a", "b", null], Count: [1, 2, 3] });
  fs.writeFileSync(path.join(dir, "x.ndjson"), '{"Account":"a","Count":1}\n{"Account":"b","Count":2}\n{"Account":null,"Count":3}\n');
  fs.writeFileSync(path.join(dir, "x.json"), '[{"Account":"a","Count":1},{"Account":"b","Count":2},{"Account":null,"Count":3}]');
  df.writeParquet(path.join(dir, "x.parquet"));
  df.writeIPC(path.join(dir, "x.arrow"));
  for (const f of ["x.ndjson", "x.json", "x.parquet", "x.arrow"]) {
    const got = readDataFile(path.join(dir, f));
    assert.deepEqual(got.getColumn("Account").toArray(), ["a", "b", null], f);
    assert.deepEqual(got.getColumn("Count").toArray().map(Number), [1, 2, 3], f);
  }
});

test("corrupt and unsupported files raise errors naming the file and the format", () => {
  const dir = tempTree({ "bad.parquet": "this is not parquet", "bad.ndjson": '{"a": 1}\n{"a": \n', "x.pkl": "pickle" });
  assert.throws(() => readDataFile(path.join(dir, "bad.parquet")), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/file-invalid");
    assert.ok(err.message.startsWith(path.join(dir, "bad.parquet") + ": "), err.message);
    assert.match(err.message, /PARQUET/);
    return true;
  });
  assert.throws(() => readDataFile(path.join(dir, "bad.ndjson")), { code: "data/file-invalid", message: /bad\.ndjson: .*NDJSON/ });
  assert.throws(() => readDataFile(path.join(dir, "x.pkl")), { code: "data/unsupported-format", message: /x\.pkl: .*"\.pkl"/ });
  assert.throws(() => readDataFile(path.join(dir, "missing.csv")), { code: "data/file-missing", message: /missing\.csv: / });
});

test("the lab's Parquet files keep the manifest's types", () => {
  const logons = readDataFile(path.join(__dirname, "..", "..", "data", "host_logons.parquet"));
  assert.equal(logons.height, 164);
  assert.equal(logons.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal(logons.getColumn("LogonType").dtype.variant, "Int64");
  const procs = readDataFile(path.join(__dirname, "..", "..", "data", "processes_on_host.parquet"));
  assert.equal(procs.height, 22979);
  // Text in the original pickle stays text, as MSTICPy returns it.
  assert.ok(["String", "Utf8"].includes(procs.getColumn("TimeGenerated").dtype.variant));
  const exch = readDataFile(path.join(__dirname, "..", "..", "data", "exchange_admin.parquet"));
  assert.equal(exch.getColumn("cmds").dtype.variant, "List");
  assert.equal(exch.getColumn("duration").dtype.variant, "Duration");
});
