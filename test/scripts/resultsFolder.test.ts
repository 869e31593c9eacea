/**
 * scripts/resultsFolder.mjs: `npm run hunt`'s default folder was named by the second the run started, so runs
 * started in one second (a loop over data folders with `&`, two users of one checkout) wrote their notebooks and
 * reports over each other's. Real processes, all asking at once for the same name, must each get a folder of their own.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { newResultsFolder } from "../../scripts/resultsFolder.mjs";

const MODULE = pathToFileURL(path.resolve(__dirname, "..", "..", "scripts", "resultsFolder.mjs")).href;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-results-folder-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs `count` processes that each wait for GO to exist, then ask for a folder named `stamp` in `parent`. */
async function askAtOnce(parent: string, stamp: string, count: number): Promise<string[]> {
  const go = path.join(parent, "..", `go-${stamp}`);
  const child = `import fs from "node:fs"; import { newResultsFolder } from ${JSON.stringify(MODULE)};
const [parent, stamp, go] = process.argv.slice(1);
process.stdout.write("ready\\n");
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(go)) Atomics.wait(pause, 0, 0, 1);
process.stdout.write(newResultsFolder(parent, stamp) + "\\n");`;
  const runs = Array.from({ length: count }, () => {
    const p = spawn(process.execPath, ["--input-type=module", "--eval", child, parent, stamp, go], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => (ready = resolve));
    p.stdout.on("data", (d) => {
      out += d;
      if (out.startsWith("ready\n")) ready();
    });
    p.stderr.on("data", (d) => (err += d));
    const done = new Promise<string>((resolve, reject) => p.on("close", (code) => (ready(), code === 0 ? resolve(out.slice("ready\n".length).trim()) : reject(new Error(`exit ${code}: ${err}`)))));
    return { started, done };
  });
  // Every process is spinning on GO before it appears: they all ask in the same moment.
  await Promise.all(runs.map((r) => r.started));
  fs.writeFileSync(go, "");
  return Promise.all(runs.map((r) => r.done));
}

test("six runs asking at once for hunt-results/<same second> each get a folder of their own", async () => {
  const parent = path.join(scratch, "hunt-results");
  fs.mkdirSync(parent);
  const stamp = "2026-12-07T05-40-00Z";
  const got = await askAtOnce(parent, stamp, 6);
  assert.equal(new Set(got).size, 6, `two runs got one folder: ${got.join(", ")}`);
  const names = got.map((d) => path.basename(d)).sort();
  assert.deepEqual(names, [stamp, ...[2, 3, 4, 5, 6].map((k) => `${stamp}-${k}`)].sort());
  for (const d of got) assert.equal(path.dirname(d), parent);
  assert.deepEqual(fs.readdirSync(parent).sort(), names);
});

test("a name taken by a file or an older run is passed over; a parent that cannot be written in is mkdir's error", { skip: process.platform === "win32" ? "POSIX" : false }, () => {
  const parent = path.join(scratch, "taken");
  fs.mkdirSync(parent);
  fs.writeFileSync(path.join(parent, "T"), "");
  fs.mkdirSync(path.join(parent, "T-2"));
  fs.writeFileSync(path.join(parent, "T-2", "HuntingLab.ipynb"), "an older run's");
  assert.equal(newResultsFolder(parent, "T"), path.join(parent, "T-3"));
  assert.equal(fs.readFileSync(path.join(parent, "T-2", "HuntingLab.ipynb"), "utf8"), "an older run's");
  assert.throws(() => newResultsFolder(path.join(scratch, "missing"), "T"), { code: "ENOENT" });
});
