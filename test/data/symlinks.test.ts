/**
 * Data files are served only from inside the data paths: a symbolic link in a
 * data folder that points elsewhere is refused with an error naming the link
 * and its target; a link that stays inside works.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DataFileError } from "../../src/data/messages";
import { DataFileIndex } from "../../src/data/localData";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempDir, tempTree } from "../helpers/tmp";

const QUERIES = `metadata:
  version: 1
  description: links
  data_environments: [LocalData]
  data_families: [Links]
sources:
  leak:
    description: reads a link that leaves the data folder
    args:
      query: leak.csv
`;

/** A data folder with a real file, links inside it, links out of it, and a dangling link. */
function layout(): { data: string; outside: string; queries: string } {
  const outside = tempTree({ "secret.csv": "Secret,Value\nroot,42\n" });
  const root = tempTree({ "data/real.csv": "Name,Value\nalpha,1\n", "data/sub/deep.csv": "Name,Value\nbeta,2\n", "queries/links.yaml": QUERIES });
  const data = path.join(root, "data");
  fs.symlinkSync(path.join(outside, "secret.csv"), path.join(data, "leak.csv"));
  fs.symlinkSync("../real.csv", path.join(data, "sub", "inside.csv"));
  fs.symlinkSync(path.join(data, "sub", "deep.csv"), path.join(data, "absolute.csv"));
  fs.symlinkSync(path.join(outside, "missing.csv"), path.join(data, "gone.csv"));
  if (fs.existsSync("/etc/passwd")) fs.symlinkSync("/etc/passwd", path.join(data, "passwd.csv"));
  return { data, outside, queries: path.join(root, "queries") };
}

test("a link out of the data paths is refused, naming the link and its target", async () => {
  const { data, outside, queries } = layout();
  const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries] });
  const refused = (link: string, target: string) => (err: Error) => {
    assert.ok(err instanceof DataFileError, `${err.name}: ${err.message}`);
    assert.equal(err.code, "data/link-outside");
    assert.ok(err.message.includes(path.join(data, link)), err.message);
    assert.ok(err.message.includes(target), err.message);
    return true;
  };
  await assert.rejects(qp.execQuery("leak.csv"), refused("leak.csv", fs.realpathSync(path.join(outside, "secret.csv"))));
  await assert.rejects(qp.Links.leak(), refused("leak.csv", fs.realpathSync(path.join(outside, "secret.csv"))));
  if (fs.existsSync(path.join(data, "passwd.csv"))) await assert.rejects(qp.execQuery("passwd.csv"), refused("passwd.csv", fs.realpathSync("/etc/passwd")));
  await assert.rejects(qp.execQuery("gone.csv"), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/file-unreadable");
    assert.ok(err.message.includes(path.join(data, "gone.csv")) && err.message.includes(path.join(outside, "missing.csv")), err.message);
    return true;
  });
});

test("links that stay inside the data paths work, also through a linked data path", async () => {
  const { data, queries } = layout();
  const linkedRoot = path.join(tempDir(), "data-link");
  fs.symlinkSync(data, linkedRoot);
  for (const dataPath of [data, linkedRoot]) {
    const qp = new QueryProvider("LocalData", { dataPaths: [dataPath], queryPaths: [queries] });
    assert.deepEqual((await qp.execQuery("inside.csv")).getColumn("Name").toArray(), ["alpha"]);
    assert.deepEqual((await qp.execQuery("absolute.csv")).getColumn("Name").toArray(), ["beta"]);
    assert.deepEqual((await qp.execQuery("real.csv")).getColumn("Name").toArray(), ["alpha"]);
  }
});

test("the check is made when a file is read: a link repointed after indexing is refused", () => {
  const { data, outside } = layout();
  const index = new DataFileIndex([data]);
  const link = path.join(data, "sub", "inside.csv");
  assert.equal(fs.realpathSync(index.resolve("inside.csv", "test")), fs.realpathSync(path.join(data, "real.csv")));
  fs.unlinkSync(link);
  fs.symlinkSync(path.join(outside, "secret.csv"), link);
  assert.throws(() => index.resolve("inside.csv", "test"), { code: "data/link-outside", message: /inside\.csv.*secret\.csv/ });
});

test("a data path that is itself a link to a file elsewhere is allowed (it was named explicitly)", async () => {
  const { outside, queries } = layout();
  const link = path.join(tempDir(), "explicit.csv");
  fs.symlinkSync(path.join(outside, "secret.csv"), link);
  const qp = new QueryProvider("LocalData", { dataPaths: [link], queryPaths: [queries] });
  assert.deepEqual((await qp.execQuery("explicit.csv")).getColumn("Secret").toArray(), ["root"]);
});
