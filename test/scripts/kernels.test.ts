/**
 * scripts/kernels.mjs: where `npm run lab|test|hunt` and `node scripts/run.mjs setup` write the kernel specs.
 * A checkout the user cannot write in (an instructor's shared copy) crashed `npm run lab` with EACCES on
 * .jupyter/kernels/tslab/kernel.json; two checkouts must never share a folder of specs.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { jupyterRuntimeDir, KERNEL_V8_FLAGS, kernelHomes, kernelNodeFlags, privateTempTop, runtimeDirEnv, writeKernelSpecs } from "../../scripts/kernels.mjs";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-kernels-test-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const specsFor = (dir: string) => ({ tslab: { argv: ["/n/node", "tslab", "kernel", "{connection_file}"], env: { NODE_COMPILE_CACHE: path.join(dir, "cc") } } });
const read = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "kernels", "tslab", "kernel.json"), "utf8"));

test("kernelHomes: the project's .jupyter, then XDG_DATA_HOME (or ~/.local/share), then the temporary folder; named per checkout", () => {
  const root = "/srv/a b/Jägerin's $HOME (copy)/huntlab";
  const [project, data, temp] = kernelHomes(root, { env: { HOME: "/home/u", XDG_DATA_HOME: "/x/data" }, tmpdir: "/t" });
  assert.equal(project, path.join(root, ".jupyter"));
  assert.match(data, /^\/x\/data\/huntlab\/jupyter\/huntlab-[0-9a-f]{12}$/);
  assert.equal(path.dirname(temp), path.join(privateTempTop("/t"), "jupyter"));
  assert.equal(path.basename(temp), path.basename(data));
  // HOME's data folder when XDG_DATA_HOME is unset or relative (invalid by XDG's rule).
  for (const env of [{ HOME: "/home/u" }, { HOME: "/home/u", XDG_DATA_HOME: "rel/data" }]) {
    assert.match(kernelHomes(root, { env, tmpdir: "/t" })[1], /^\/home\/u\/\.local\/share\/huntlab\/jupyter\/huntlab-/);
  }
  // No HOME (a service account, `env -i`): the temporary folder only.
  assert.deepEqual(kernelHomes(root, { env: {}, tmpdir: "/t" }), [project, temp]);
  // Two checkouts of one name (an instructor's copy and a student's) get folders of their own.
  const other = kernelHomes("/srv/b/huntlab", { env: { HOME: "/home/u" }, tmpdir: "/t" });
  assert.notEqual(other[1], kernelHomes(root, { env: { HOME: "/home/u" }, tmpdir: "/t" })[1]);
  assert.match(path.basename(other[1]), /^huntlab-[0-9a-f]{12}$/);
});

test("kernelNodeFlags: the kernel's V8 flags when its Node takes them, none when it refuses them (a kernel that never starts)", { skip: process.platform === "win32" ? "a shell script stands in for an old Node" : false }, () => {
  assert.ok(KERNEL_V8_FLAGS.length > 0);
  // The Node the tests run on (the lab's, Node 22) takes them, and they reach V8: process.execArgv has them.
  assert.deepEqual(kernelNodeFlags(process.execPath), KERNEL_V8_FLAGS);
  const argv = spawnSync(process.execPath, [...KERNEL_V8_FLAGS, "-p", "JSON.stringify(process.execArgv)"], { encoding: "utf8" });
  assert.equal(argv.status, 0, argv.stderr);
  assert.deepEqual((JSON.parse(argv.stdout) as string[]).slice(0, KERNEL_V8_FLAGS.length), KERNEL_V8_FLAGS);
  // A Node whose V8 does not know a flag ends at once ("bad option", status 9), as Node 20 does with these.
  const old = path.join(scratch, "node20");
  fs.writeFileSync(old, '#!/bin/sh\ncase "$1" in --*=*) echo "$0: bad option: $1" >&2; exit 9;; esac\nexit 0\n', { mode: 0o755 });
  assert.deepEqual(kernelNodeFlags(old), []);
  assert.deepEqual(kernelNodeFlags(old, []), []);
  assert.deepEqual(kernelNodeFlags(path.join(scratch, "no-such-node")), []);
});

test("the tslab kernel spec npm test wrote starts Node with the kernel's V8 flags", { skip: process.env.HUNTLAB_TEST_PREPARED ? false : "kernel specs are written by npm test" }, () => {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", ".jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[] };
  const tslab = spec.argv.findIndex((a) => /[\\/]tslab[\\/]bin[\\/]tslab$/.test(a));
  assert.deepEqual(spec.argv.slice(1, tslab), kernelNodeFlags(spec.argv[0]));
});

test("writeKernelSpecs: writes into the first folder; the same specs again write nothing", () => {
  const first = path.join(scratch, "w", ".jupyter");
  const r = writeKernelSpecs({ dirs: [first, path.join(scratch, "w2")], specsFor, privateTop: path.join(scratch, "p") });
  assert.deepEqual(r, { dir: first, wrote: true, passed: [] });
  assert.deepEqual(read(first), specsFor(first).tslab);
  const file = path.join(first, "kernels", "tslab", "kernel.json");
  const before = fs.statSync(file).mtimeMs;
  fs.utimesSync(file, new Date(0), new Date(0));
  assert.equal(writeKernelSpecs({ dirs: [first], specsFor }).wrote, false);
  assert.equal(fs.statSync(file).mtimeMs, 0, "an unchanged spec is not rewritten (a read-only checkout keeps its owner's)");
  assert.ok(before > 0);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["kernel.json"], "no temporary file left behind");
});

test("writeKernelSpecs: a folder that cannot take the specs is passed over, saying why; the next one holds them", () => {
  const root = path.join(scratch, "ro");
  fs.mkdirSync(root);
  // A file where .jupyter would be: the write fails as in a read-only checkout (this suite may run as root).
  fs.writeFileSync(path.join(root, ".jupyter"), "");
  const user = path.join(scratch, "user", "huntlab", "jupyter", "x");
  const r = writeKernelSpecs({ dirs: [path.join(root, ".jupyter"), user], specsFor, privateTop: path.join(scratch, "p") });
  assert.equal(r.dir, user);
  assert.equal(r.passed.length, 1);
  assert.equal(r.passed[0].dir, path.join(root, ".jupyter"));
  assert.match(r.passed[0].why, /^E[A-Z]+: /);
  assert.doesNotMatch(r.passed[0].why, /^(E[A-Z]+): \1/, "the code once");
  // The spec names its own folder's compile cache, not the project's.
  assert.equal(read(user).env.NODE_COMPILE_CACHE, path.join(user, "cc"));
});

test("writeKernelSpecs: none usable is an error naming every folder and what to set", () => {
  const blocked = path.join(scratch, "blocked");
  fs.writeFileSync(blocked, "");
  assert.throws(
    () => writeKernelSpecs({ dirs: [path.join(blocked, "a"), path.join(blocked, "b")], specsFor, privateTop: path.join(scratch, "p") }),
    (err: Error) => err.message.includes(path.join(blocked, "a")) && err.message.includes(path.join(blocked, "b")) && /XDG_DATA_HOME/.test(err.message),
  );
});

test("writeKernelSpecs: under the shared temporary folder only a private folder of this user's is used", { skip: process.platform === "win32" ? "POSIX modes" : false }, () => {
  const top = path.join(scratch, "tmp-top");
  const dir = path.join(top, "jupyter", "x");
  // Made by someone else first, open to all (as another user's could be).
  fs.mkdirSync(top, { mode: 0o777 });
  fs.chmodSync(top, 0o777);
  const r = writeKernelSpecs({ dirs: [dir, path.join(scratch, "fallback")], specsFor, privateTop: top });
  assert.equal(r.dir, path.join(scratch, "fallback"));
  assert.match(r.passed[0].why, /not a private folder/);
  // A link in its place is refused too.
  fs.rmSync(top, { recursive: true });
  fs.symlinkSync(scratch, top);
  assert.match(writeKernelSpecs({ dirs: [dir, path.join(scratch, "fallback")], specsFor, privateTop: top }).passed[0].why, /not a private folder/);
  fs.rmSync(top);
  // Made here: 0700, and used.
  assert.equal(writeKernelSpecs({ dirs: [dir], specsFor, privateTop: top }).dir, dir);
  assert.equal(fs.statSync(top).mode & 0o777, 0o700);
});

test("runtimeDirEnv: a home that cannot take Jupyter's runtime files gets a private JUPYTER_RUNTIME_DIR, saying why; a writable one or the user's own setting is kept", () => {
  const home = path.join(scratch, "home-ok");
  assert.deepEqual(runtimeDirEnv({ env: {}, home, privateTop: path.join(scratch, "rt") }), { env: {} });
  if (process.platform === "linux") assert.ok(fs.statSync(path.join(home, ".local", "share", "jupyter", "runtime")).isDirectory());
  // A home that is a file (missing or read-only homes fail the same way: Jupyter ended with a traceback).
  const fileHome = path.join(scratch, "home-file");
  fs.writeFileSync(fileHome, "");
  const r = runtimeDirEnv({ env: {}, home: fileHome, privateTop: path.join(scratch, "rt") });
  assert.equal(r.env.JUPYTER_RUNTIME_DIR, path.join(scratch, "rt", "runtime"));
  assert.ok(fs.statSync(r.env.JUPYTER_RUNTIME_DIR).isDirectory());
  assert.match(r.why ?? "", new RegExp(`^${jupyterRuntimeDir({}, fileHome).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: E[A-Z]+$`));
  assert.deepEqual(runtimeDirEnv({ env: { JUPYTER_RUNTIME_DIR: "/mine" }, home: fileHome, privateTop: path.join(scratch, "rt") }), { env: {} });
  assert.equal(jupyterRuntimeDir({ JUPYTER_DATA_DIR: "/d" }, fileHome), path.join("/d", "runtime"));
});

/** Whether PID namespaces can be made here (Linux, root or unprivileged user namespaces). */
const canUnshare = process.platform === "linux" && spawnSync("unshare", ["--pid", "--fork", "true"], { stdio: "ignore" }).status === 0;

test("writeKernelSpecs: two processes of the same pid (containers sharing a checkout's .jupyter/) writing their specs 200 times each both succeed, never through the same temporary name, and the file is one's whole spec", { skip: canUnshare ? false : "no PID namespaces here (unshare needs Linux and root or user namespaces)" }, async () => {
  const dir = path.join(scratch, "containers");
  const module = JSON.stringify(pathToFileURL(path.resolve(__dirname, "..", "..", "scripts", "kernels.mjs")).href);
  // Each writer's spec differs (a long env value), so that every call finds the other's on disk and writes.
  const program = `import { writeKernelSpecs } from ${module};
import fs from "node:fs";
import path from "node:path";
const [dir, who, go] = process.argv.slice(1);
const passed = [];
// The temporary names this writer wrote through (kernels.mjs writes with fs.writeFileSync, flag wx).
const names = [];
const write = fs.writeFileSync;
fs.writeFileSync = (file, ...rest) => {
  if (String(file).endsWith(".tmp")) names.push(path.basename(String(file)));
  return write(file, ...rest);
};
// Both start writing together: each waits for GO, which the test makes once both are running.
fs.writeFileSync(go + "." + who, "");
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(go)) Atomics.wait(pause, 0, 0, 2);
for (let i = 0; i < 200; i++) {
  const r = writeKernelSpecs({ dirs: [dir], specsFor: () => ({ tslab: { argv: ["node"], env: { WHO: who.repeat(200000) } } }), privateTop: "/nonexistent-top" });
  passed.push(...r.passed);
}
process.stdout.write(JSON.stringify({ pid: process.pid, passed, names }));`;
  const run = (who: string, go: string) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn("unshare", ["--pid", "--fork", process.execPath, "--input-type=module", "--eval", program, dir, who, go], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("close", (code) => resolve({ code, out, err }));
    });
  const go = path.join(scratch, "containers-go");
  const running = Promise.all([run("a", go), run("b", go)]);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!(fs.existsSync(`${go}.a`) && fs.existsSync(`${go}.b`))) {
    await new Promise((resolve) => setImmediate(resolve));
    Atomics.wait(pause, 0, 0, 2);
  }
  fs.writeFileSync(go, "");
  const runs = await running;
  for (const r of runs) assert.equal(r.code, 0, r.err);
  const outs = runs.map((r) => JSON.parse(r.out) as { pid: number; passed: unknown[]; names: string[] });
  assert.deepEqual(outs.map((o) => o.pid), [1, 1], "the writers did not share a pid: the case is not exercised");
  assert.deepEqual(outs.flatMap((o) => o.passed), [], "a write failed (the other writer's rename took the shared temporary file)");
  // Whether the two writes of a collision overlap in time is up to the scheduler: with the old name (kernel.json.<pid>.tmp)
  // 1000 writes each here, on a loaded 2-core machine, failed 0 times in 2 runs. That both writers never use one
  // name is checked on every write, so the old name fails at once, and so would any name made of the pid and a count.
  assert.ok(outs.every((o) => o.names.length > 0), "each writer wrote through a temporary name");
  const all = outs.flatMap((o) => o.names);
  assert.equal(new Set(all).size, all.length, "a temporary name was used twice (by both writers or by one)");
  const who = (read(dir) as { env: { WHO: string } }).env.WHO;
  assert.ok(who === "a".repeat(200000) || who === "b".repeat(200000));
  assert.deepEqual(fs.readdirSync(path.join(dir, "kernels", "tslab")), ["kernel.json"]);
});
