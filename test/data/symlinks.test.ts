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
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { makeFifo } from "../helpers/fifo";
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
});

test("a broken link is skipped with a warning naming it and its target; one broken after indexing is refused when read", async () => {
  const { data, outside, queries } = layout();
  const warnings: string[] = [];
  const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries], warn: (m) => warnings.push(m) });
  assert.deepEqual(warnings.filter((w) => w.includes("gone.csv")), [`${path.join(data, "gone.csv")}: skipped, a broken symbolic link (its target ${path.join(outside, "missing.csv")} cannot be read)`]);
  // Named as the link it is, with its target (as readDataFile says it), not "not found".
  await assert.rejects(qp.execQuery("gone.csv"), { code: "data/file-unreadable", message: /gone\.csv is a symbolic link to .*missing\.csv, which does not exist/ });
  assert.deepEqual((await qp.execQuery("real.csv")).getColumn("Name").toArray(), ["alpha"]);
  fs.unlinkSync(path.join(data, "real.csv"));
  await assert.rejects(qp.execQuery("inside.csv"), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/file-unreadable");
    assert.ok(err.message.includes(path.join(data, "sub", "inside.csv")) && err.message.includes(path.join(data, "real.csv")), err.message);
    return true;
  });
});

/** Names of the sources the index finds, relative to `data`, and the warnings it gave. */
function indexed(data: string): { names: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const index = new DataFileIndex([data], { warn: (m) => warnings.push(m) });
  return { names: index.sources().map((s) => path.relative(data, s.path)), warnings };
}

test("links to folders are followed once: a loop back up ends, a folder is found at its own path, a folder outside is skipped", () => {
  const data = tempTree({ "top.csv": "A\n1\n", "sub/deep.csv": "A\n2\n", "sub/inner/x.json": "[]" });
  const outside = tempTree({ "secret.csv": "A\n3\n" });
  fs.symlinkSync("..", path.join(data, "sub", "up"));
  fs.symlinkSync("..", path.join(data, "sub", "up.parquet"));
  fs.symlinkSync("sub", path.join(data, "alias"));
  fs.symlinkSync(outside, path.join(data, "elsewhere"));
  fs.symlinkSync("missing-folder", path.join(data, "gone"));
  const { names, warnings } = indexed(data);
  assert.deepEqual(names, ["sub/deep.csv", "sub/inner/x.json", "top.csv"]);
  assert.deepEqual(warnings, [
    `${path.join(data, "gone")}: skipped, a broken symbolic link (its target ${path.join(data, "missing-folder")} cannot be read)`,
    `${path.join(data, "elsewhere")}: skipped, a symbolic link to ${fs.realpathSync(outside)}, a folder outside the data path ${data}`,
  ]);
});

test("a link to a folder inside the data path is followed", () => {
  // `.store` is hidden: its files are found only through the link.
  const data = tempTree({ ".store/2026/a.csv": "A\n1\n" });
  fs.symlinkSync(path.join(".store", "2026"), path.join(data, "current"));
  fs.mkdirSync(path.join(data, "zz"));
  fs.symlinkSync(path.join("..", "current"), path.join(data, "zz", "again"));
  assert.deepEqual(indexed(data), { names: ["current/a.csv"], warnings: [] });
});

test("a FIFO in a data folder is skipped with a warning, not read (a .log would wait for a writer forever)", { skip: process.platform === "win32" }, (t) => {
  const data = tempTree({ "ok.csv": "A\n1\n" });
  if (!makeFifo(t, path.join(data, "pipe.log"), path.join(data, "pipe.csv"))) return;
  const { names, warnings } = indexed(data);
  assert.deepEqual(names, ["ok.csv"]);
  assert.deepEqual(warnings, [`${path.join(data, "pipe.csv")}: skipped, it is a named pipe (FIFO), not a regular file or folder`, `${path.join(data, "pipe.log")}: skipped, it is a named pipe (FIFO), not a regular file or folder`]);
});

test("a data path or a query folder entry that is a FIFO is skipped with a warning, not read (a data path naming a FIFO hung the kernel)", { skip: process.platform === "win32" }, (t) => {
  const dir = tempTree({ "q/q.yaml": "metadata: {data_environments: [LocalData], data_families: [A]}\nsources:\n  a: {description: a, args: {query: ok.csv}}\n", "data/ok.csv": "A\n1\n" });
  const fifo = path.join(dir, "conn.log");
  const queryFifo = path.join(dir, "q", "pipe.yaml");
  if (!makeFifo(t, fifo, queryFifo)) return;
  // In a child with a timeout: sniffing the FIFO `.log` given as a data path blocked in open(2), which would hang the test run.
  const got = outcomesInChild(`import { QueryProvider } from ${JSON.stringify(`${SRC_DIR}/data/queryProvider`)};`, {
    qp: `(async () => {
      const warnings: string[] = [];
      const qp = new QueryProvider("LocalData", { dataPaths: [${JSON.stringify(fifo)}, ${JSON.stringify(path.join(dir, "data"))}], queryPaths: [${JSON.stringify(path.join(dir, "q"))}], fileQueries: false, warn: (m: string) => warnings.push(m) });
      return { queries: qp.listQueries(), rows: (await qp.A.a()).height, warnings };
    })()`,
  });
  assert.deepEqual(got.qp, {
    ok: true,
    value: {
      queries: ["A.a"],
      rows: 1,
      warnings: [`${queryFifo}: skipped, it is a named pipe (FIFO), not a regular file or folder`, `${fifo}: skipped, it is a named pipe (FIFO), not a regular file or folder`],
    },
  });
});

test("a folder that cannot be listed is skipped with a warning; the other files load", (t) => {
  const data = tempTree({ "ok.csv": "A\n1\n", "locked/hidden.csv": "A\n2\n", "events/part-0.parquet": "" });
  const locked = path.join(data, "locked");
  fs.chmodSync(locked, 0o000);
  t.after(() => fs.chmodSync(locked, 0o755));
  let listable = true;
  try {
    fs.readdirSync(locked);
  } catch {
    listable = false;
  }
  if (listable) {
    // root (uid 0, CAP_DAC_OVERRIDE) lists a mode-000 folder anyway: the
    // listing of that one folder fails as it does for other users (restored after the test).
    const readdirSync = fs.readdirSync;
    t.mock.method(fs, "readdirSync", ((dir: fs.PathLike, options?: unknown) => {
      if (path.resolve(String(dir)) === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: "EACCES" });
      return (readdirSync as (dir: fs.PathLike, options?: unknown) => unknown)(dir, options);
    }) as typeof fs.readdirSync);
  }
  const { names, warnings } = indexed(data);
  assert.deepEqual(names, ["events", "ok.csv"]);
  assert.deepEqual(warnings, [`${locked}: skipped, the folder cannot be read (EACCES)`]);
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
