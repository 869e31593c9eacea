import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { dataFormat, DATA_EXTENSIONS, readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempDir } from "../helpers/tmp";

test("an Arrow IPC stream named .arrows (application/vnd.apache.arrow.stream) is read, by name and found by stem", async () => {
  const dir = tempDir();
  const df = pl.DataFrame({ Account: ["a", "b", null], Count: [1, 2, 3] });
  df.writeIPCStream(path.join(dir, "flows.arrows"));
  // The file form under that name too: told apart by its first bytes, as for .arrow.
  df.writeIPC(path.join(dir, "file.arrows"));
  assert.equal(dataFormat("x.ARROWS"), "ipc");
  assert.ok(DATA_EXTENSIONS.includes(".arrows"));
  for (const f of ["flows.arrows", "file.arrows"]) {
    const got = readDataFile(path.join(dir, f));
    assert.deepEqual(got.getColumn("Account").toArray(), ["a", "b", null], f);
    assert.deepEqual(got.getColumn("Count").toArray().map(Number), [1, 2, 3], f);
  }
  // A LocalData query naming another format of the stem (the lab's `x.parquet`) finds the stream.
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] });
  const found = await qp.execQuery("flows.parquet");
  assert.deepEqual(found.getColumn("Account").toArray(), ["a", "b", null]);
});
