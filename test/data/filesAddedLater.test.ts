/**
 * A QueryProvider lives across many cells while the data folder changes: an
 * export copied in after the provider was made, a file removed. A query
 * naming a file added later reads it (it was "not found in <folder>" with the
 * file there), and one whose file was removed says not found (it was the old
 * path's ENOENT).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { tempDir } from "../helpers/tmp";

test("files added to or removed from a data folder after the provider indexed it", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "first.csv"), "a,b\n1,2\n");
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(LAB_DATA_DIR, "queries")] });
  assert.equal((await qp.LocalData.first()).height, 1);
  fs.copyFileSync(path.join(LAB_DATA_DIR, "host_logons.parquet"), path.join(dir, "host_logons.parquet"));
  assert.equal((await qp.WindowsSecurity.list_host_logons()).height, 164);
  fs.rmSync(path.join(dir, "first.csv"));
  await assert.rejects(qp.LocalData.first(), (err: Error & { code?: string }) => err.code === "data/file-missing" && /data file "first\.csv" not found in/.test(err.message));
  // Back under another format's name: the same stem is found again.
  fs.writeFileSync(path.join(dir, "first.json"), '[{"a": 1, "b": 2}, {"a": 3, "b": 4}]');
  assert.equal((await qp.LocalData.first()).height, 2);
});
