#!/usr/bin/env node
/**
 * The one entry point behind `npm run lab|test|bench|build|typecheck`.
 *
 * It runs on any Node ≥ 18 and prepares the project first:
 *  1. a Node.js ≥ 22 (nodejs-polars' native binary needs it): the running Node if
 *     new enough, else a project-local Node 22 fetched from the npm registry into .runtime/;
 *  2. the npm dependencies, installed with that Node (so polars' binary is installed),
 *     and patches/ applied to them by patch-package (npm's postinstall; see patches/README.md);
 *  3. `node_modules/huntlab` → this folder, so notebooks `import … from "huntlab"` (a node_modules shared with
 *     another checkout cannot hold this checkout's link: `lab` says so, scripts/packageLink.mjs);
 *  4. the compiled library in dist/ (rebuilt when src/ changed);
 *  5. Jupyter kernel specs (tslab, and Deno when present) in a project-local Jupyter
 *     data folder, .jupyter/ — the user's own kernels are left alone;
 *  6. for `lab` and `test`: JupyterLab 4 — one already installed, or the project's
 *     .venv, pip-installed there when missing (scripts/lab.mjs).
 * Then it runs the task with that Node first on PATH.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildClient } from "./build-client.mjs";
import { distCurrent } from "./distCurrent.mjs";
import { installTree, makeStaging, writeFileAtomic } from "./distInstall.mjs";
import { findClassicNotebook, findJupyterLab, manualInstallHint, provisionVenvLab, runJupyterServer, sshTunnelHint } from "./lab.mjs";
import { machineFacts, mallocChoice } from "./malloc.mjs";
import { kernelHomes, kernelNodeFlags, runtimeDirEnv, writeKernelSpecs } from "./kernels.mjs";
import { nativeTsc } from "./nativeTsc.mjs";
import { findPython } from "./python.mjs";
import { tempDirEnv } from "./tempdir.mjs";
import { ensurePackageLink, sharedNodeModulesText } from "./packageLink.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIME = path.join(ROOT, ".runtime");
const JUPYTER_DIR = path.join(ROOT, ".jupyter");
const MIN_NODE = 22;
const log = (msg) => console.error(`[huntlab] ${msg}`);

/**
 * Run by npm while it packs or publishes (the prepack script), stdout is npm's own: `npm pack --json` writes its
 * JSON there, and the build's output (an `npm install`, tsc) was mixed into it (`npm pack --json | jq` failed).
 * Then everything this script and its commands print goes to stderr.
 */
const STDOUT_IS_NPMS = ["prepack", "prepare", "postpack", "prepublishOnly", "prepublish"].includes(process.env.npm_lifecycle_event ?? "");
if (STDOUT_IS_NPMS) process.stdout.write = process.stderr.write.bind(process.stderr);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: STDOUT_IS_NPMS ? ["inherit", 2, "inherit"] : "inherit", cwd: ROOT, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(cmd, args, options = {}) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    log(`failed (exit ${status}): ${cmd} ${args.join(" ")}`);
    process.exit(status);
  }
}

function major(version) {
  return Number(String(version).replace(/^v/, "").split(".")[0]);
}

/** A Node ≥ 22: this one, or a project-local one from the npm registry. */
function ensureNode() {
  if (major(process.versions.node) >= MIN_NODE) return process.execPath;
  const local = path.join(RUNTIME, "node22", "node_modules", "node", "bin", "node");
  if (fs.existsSync(local)) return local;
  log(`Node ${process.versions.node} is too old for nodejs-polars (needs ≥ ${MIN_NODE}); installing a project-local Node ${MIN_NODE} into .runtime/ from the npm registry…`);
  fs.mkdirSync(path.join(RUNTIME, "node22"), { recursive: true });
  mustRun(npmCommand(), ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", path.join(RUNTIME, "node22"), `node@${MIN_NODE}`]);
  if (!fs.existsSync(local)) {
    log(`the node@${MIN_NODE} package did not provide ${local}`);
    process.exit(1);
  }
  return local;
}

function npmCommand() {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

/** glibc malloc settings for every process this starts, kernels included (scripts/malloc.mjs). */
const MALLOC = mallocChoice(machineFacts());

/** Environment with the chosen Node first on PATH and the project's Jupyter folder on JUPYTER_PATH. */
function taskEnv(nodeBin) {
  const bin = path.dirname(nodeBin);
  const jupyterPath = [path.join(JUPYTER_DIR), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return {
    ...process.env,
    PATH: [bin, path.join(ROOT, "node_modules", ".bin"), process.env.PATH].join(path.delimiter),
    JUPYTER_PATH: jupyterPath,
    HUNTLAB_NODE: nodeBin,
    ...MALLOC.env,
  };
}

function newerThan(file, others) {
  if (!fs.existsSync(file)) return false;
  const t = fs.statSync(file).mtimeMs;
  return others.every((o) => !fs.existsSync(o) || fs.statSync(o).mtimeMs <= t);
}

/** Set by ensureDependencies when node_modules is another checkout's (see scripts/packageLink.mjs). */
let sharedNodeModules;

/** npm dependencies, installed by the Node ≥ 22 so optional native binaries are not skipped. */
function ensureDependencies(nodeBin, env) {
  const stamp = path.join(ROOT, "node_modules", ".huntlab-installed");
  const polarsLoads = () =>
    spawnSync(nodeBin, ["-e", "require('nodejs-polars')"], { cwd: ROOT, env, stdio: "ignore" }).status === 0;
  // A changed patch reinstalls too: patch-package applies patches/ on npm's postinstall.
  const inputs = [path.join(ROOT, "package.json"), path.join(ROOT, "package-lock.json"), ...listFiles(path.join(ROOT, "patches"), (f) => f.endsWith(".patch"))];
  const fresh = newerThan(stamp, inputs);
  // Under `npm test` (a hunt a test starts), the test task's own start checked that polars loads: a Node
  // process more (~0.25 CPU-s) for every hunt would check it again. An install since is still seen (the stamp).
  if (!fresh || (!preparedForTest() && !polarsLoads())) {
    log(`installing npm dependencies with Node ${spawnSync(nodeBin, ["--version"], { encoding: "utf8" }).stdout.trim()}…`);
    // `npm install`, not `npm ci`: npm leaves other platforms' optional native packages
    // (nodejs-polars-darwin-arm64…) out of the lock file, and `npm ci` then refuses it.
    mustRun(npmCommand(), ["install", "--no-audit", "--no-fund"], { env });
    if (!polarsLoads()) {
      log("nodejs-polars still does not load after installing; see the output above.");
      process.exit(1);
    }
    fs.writeFileSync(stamp, new Date().toISOString());
  }
  // Notebooks import the library by its package name; a node_modules shared with another checkout is told of by `lab`.
  sharedNodeModules = ensurePackageLink(ROOT).shared;
}

function listFiles(dir, filter) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, filter));
    else if (filter(full)) out.push(full);
  }
  return out.sort();
}

/** dist/ from src/, rebuilt when any source is newer than the last build. */
function ensureBuild(nodeBin, env, force = false) {
  const stamp = path.join(ROOT, "dist", ".built");
  // Under `npm test`, dist/ was brought up to date once at the start: the `npm run hunt|lab`
  // the tests start must not rebuild it (a src/ edit meanwhile) while another lane's kernels import it.
  if (!force && preparedForTest() && fs.existsSync(stamp)) return;
  if (!force && distCurrent(ROOT)) return;
  log("compiling src/ → dist/…");
  // No wipe of dist/, and no output written in it in place: a notebook kernel may be importing it while this runs
  // (another learner's, on a shared checkout). tsc and esbuild write into a staging folder; each file is then
  // renamed over its old self (scripts/distInstall.mjs).
  const dist = path.join(ROOT, "dist");
  let staging;
  try {
    staging = makeStaging(dist);
  } catch (err) {
    // A shared checkout this user may not write in, its dist/ older than src/ (updated, not rebuilt).
    log(`cannot compile src/ → dist/: ${ROOT} cannot be written in (${err.code ?? err.message}); its owner should run \`node scripts/run.mjs build\` there`);
    process.exit(1);
  }
  // Not process.exit() inside the try: it skips `finally`, and the staging folder would stay behind.
  let failed;
  try {
    // TypeScript 7 (5.8 s of CPU here, 5.9 took 21–25 s): the same .js, the same .d.ts but for the order of
    // some unions' members, source maps that differ only on `exports.x = x;` lines. Without its binary
    // (an optional dependency per platform), 5.9: the lab still builds where TypeScript 7 has none.
    const native = nativeTsc(ROOT);
    if ("error" in native) log(`${native.error}; compiling with TypeScript 5.9 instead`);
    const tsc = "tsc" in native ? [native.tsc, "--singleThreaded"] : [path.join(ROOT, "node_modules", "typescript", "bin", "tsc")];
    const status = run(nodeBin, [...tsc, "-p", "tsconfig.json", "--outDir", staging], { env });
    if (status !== 0) failed = { status, why: `failed (exit ${status}): tsc -p tsconfig.json` };
    else {
      try {
        // esbuild is loaded by this (possibly older) Node; it only runs its own binary.
        buildClient(ROOT, log, path.join(staging, "client"));
      } catch (err) {
        failed = { status: 1, why: `bundling the browser code failed: ${err.message}` };
      }
    }
    // The entry point last: a fresh import then finds the modules it requires replaced already.
    if (!failed) installTree(staging, dist, { last: ["index.js"] });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  if (failed) {
    log(failed.why);
    process.exit(failed.status);
  }
  pruneStaleOutput();
  writeFileAtomic(stamp, new Date().toISOString());
}

/**
 * Removes what tsc wrote for sources that are gone (a moved or deleted src/x.ts leaves its
 * dist/x.js, .d.ts and .js.map behind, and `npm pack` shipped them). Files are removed one by
 * one, never dist/ as a whole (see ensureBuild); dist/client/ holds esbuild's bundles, not tsc's output.
 */
function pruneStaleOutput() {
  const dist = path.join(ROOT, "dist");
  const emitted = /(\.d\.ts|\.js\.map|\.js)$/;
  for (const file of listFiles(dist, (f) => emitted.test(f) && !f.startsWith(path.join(dist, "client") + path.sep))) {
    const stem = path.relative(dist, file).replace(emitted, "");
    if (!fs.existsSync(path.join(ROOT, "src", `${stem}.ts`))) fs.rmSync(file, { force: true });
  }
}

/**
 * Kernel specs pointing at this project's Node and tslab (and Deno, if installed): in .jupyter/kernels, or where
 * scripts/kernels.mjs finds room when this user cannot write there. The folder goes first on the task's
 * JUPYTER_PATH, with JUPYTER_RUNTIME_DIR when the home cannot take Jupyter's runtime files; returns the folder.
 */
function ensureKernels(ctx) {
  const deno = denoBinary();
  // V8 flags that cut a kernel's CPU (scripts/kernels.mjs), when this Node takes them.
  const v8Flags = nodeV8Flags(ctx.nodeBin);
  const specsFor = (dir) => ({
    tslab: {
      argv: [ctx.nodeBin, ...v8Flags, path.join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript (huntlab)",
      language: "typescript",
      env: {
        NODE_PATH: path.join(ROOT, "node_modules"),
        // Node ≥ 22.1 keeps V8's compiled code of tslab's TypeScript, huntlab and its
        // dependencies here, so a new kernel skips compiling them (older Nodes ignore it, and so does Node when it cannot write there).
        NODE_COMPILE_CACHE: path.join(dir, "compile-cache"),
        // Also for a Jupyter started by hand (scripts/malloc.mjs).
        ...MALLOC.env,
      },
    },
    ...(deno && {
      deno: {
        argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno (huntlab)",
        language: "typescript",
        env: { ...MALLOC.env },
      },
    }),
  });
  let written;
  try {
    written = writeKernelSpecs({ dirs: kernelHomes(ROOT), specsFor });
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
  if (written.dir !== JUPYTER_DIR) {
    log(`the project's .jupyter/ cannot take the kernel specs (${written.passed[0]?.why}); they are in ${written.dir}`);
  }
  // Jupyter takes a kernel name from the first folder on JUPYTER_PATH that has it.
  ctx.env.JUPYTER_PATH = [written.dir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  try {
    const runtime = runtimeDirEnv({ env: ctx.env });
    Object.assign(ctx.env, runtime.env);
    if (runtime.why) log(`Jupyter's runtime folder cannot be written (${runtime.why}); using ${runtime.env.JUPYTER_RUNTIME_DIR} (set JUPYTER_RUNTIME_DIR to choose another)`);
  } catch (err) {
    log(`no folder for Jupyter's runtime files (${err.message}): set JUPYTER_RUNTIME_DIR to a folder you can write in`);
    process.exit(1);
  }
  return written.dir;
}

/** Whether this runs under `npm test`, which has built dist/ and written the kernel specs (see taskTest). */
function preparedForTest() {
  return process.env.HUNTLAB_TEST_PREPARED === ROOT;
}

/**
 * The kernel specs, unless `npm test` wrote them already: rewriting a kernel.json
 * while another lane's kernel is being started from it could let that start read a
 * half-written file.
 */
function ensureKernelsOnce(ctx) {
  if (preparedForTest() && fs.existsSync(path.join(JUPYTER_DIR, "kernels", "tslab", "kernel.json"))) return JUPYTER_DIR;
  return ensureKernels(ctx);
}

function denoBinary() {
  const candidates = [
    path.join(ROOT, "node_modules", "@deno", "linux-x64", "deno"),
    path.join(ROOT, "node_modules", "deno", "deno"),
  ];
  for (const c of listFiles(path.join(ROOT, "node_modules", "@deno"), (f) => /[\\/]deno(\.exe)?$/.test(f))) candidates.push(c);
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

function prepare() {
  // First: this process's own tsx (the hunt) and temporary folders read TMPDIR too.
  const temp = tempDirEnv();
  Object.assign(process.env, temp.env);
  if (temp.none) log(`no temporary folder can be written in (${temp.why}; nor /tmp, /var/tmp): set TMPDIR to a folder you can write in`);
  else if (temp.why) log(`the temporary folder cannot be written in (${temp.why}); using ${temp.env.TMPDIR}`);
  const nodeBin = ensureNode();
  const env = taskEnv(nodeBin);
  ensureDependencies(nodeBin, env);
  return { nodeBin, env };
}

/** On Debian/Ubuntu as root, with someone at the terminal: offer to install python3-venv, so pip can provide JupyterLab. */
function offerAptVenv() {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!isRoot || !hasApt || !process.stdin.isTTY || process.env.CI) return false;
  process.stderr.write("Install python3-venv now with apt-get, so JupyterLab can be installed into .venv? [y/N] ");
  const buf = Buffer.alloc(16);
  let answer = "";
  try {
    answer = buf.subarray(0, fs.readSync(0, buf, 0, 16, null)).toString().trim().toLowerCase();
  } catch {
    return false;
  }
  if (answer !== "y" && answer !== "yes") return false;
  mustRun("apt-get", ["update"]);
  mustRun("apt-get", ["install", "-y", "python3-venv", "python3-pip"]);
  return true;
}

/**
 * JupyterLab 4 to serve the lab: one already installed (`$JUPYTER`, the active venv,
 * the project's .venv, PATH), else .venv provisioned with pip (unless `--no-install`);
 * classic Notebook only when Python/pip cannot provide JupyterLab.
 */
function chooseJupyter(env, install) {
  const found = findJupyterLab({ root: ROOT, env, log });
  // Which one, by its path: a JupyterLab on PATH or in an environment may not be the one the user expects.
  if (found) return { jupyter: found.jupyter, app: "lab", label: `JupyterLab ${found.version} (from ${found.source}: ${found.jupyter})` };
  let provisioned = provisionVenvLab({ root: ROOT, env, log, install });
  if ("error" in provisioned && install && /python3-venv/.test(provisioned.error) && offerAptVenv()) {
    provisioned = provisionVenvLab({ root: ROOT, env, log, install });
  }
  if (!("error" in provisioned)) return { jupyter: provisioned.jupyter, app: "lab", label: `JupyterLab ${provisioned.version} (from the project's .venv: ${provisioned.jupyter})` };
  log(`JupyterLab 4 is not available: ${provisioned.error}`);
  const classic = findClassicNotebook(env);
  if (classic) {
    if (classic.lost) log(`falling back to classic Jupyter Notebook ${classic.version}. What is lost: ${classic.lost}`);
    return { jupyter: classic.jupyter, app: "notebook", label: `classic Jupyter Notebook ${classic.version} (${classic.jupyter})` };
  }
  console.error(`No Jupyter to run the lab. Install JupyterLab 4 into the project (needs Python ≥ 3.9 with venv):
    ${manualInstallHint(ROOT)}
  (Debian/Ubuntu: apt-get install python3-venv first), then run \`npm run lab\` again.`);
  process.exit(1);
}

async function taskLab({ nodeBin, env }) {
  ensureBuild(nodeBin, env);
  const kernelDir = ensureKernelsOnce({ nodeBin, env });
  // `--no-install` is ours; everything else goes to Jupyter (`npm run lab -- --no-browser --port 8899`).
  const given = process.argv.slice(3);
  const install = !given.includes("--no-install") && !process.env.HUNTLAB_NO_INSTALL;
  const args = given.filter((a, i) => a !== "--no-install" && !(a === "--" && i === 0));
  const chosen = chooseJupyter(env, install);
  if (sharedNodeModules) log(sharedNodeModulesText(ROOT, sharedNodeModules));
  const notebookDir = path.join(ROOT, "notebooks");
  // Jupyter refuses to run as root unless told to (containers, CI machines).
  const rootFlag = typeof process.getuid === "function" && process.getuid() === 0 && !args.includes("--allow-root") ? ["--allow-root"] : [];
  const kernels = fs.readdirSync(path.join(kernelDir, "kernels")).map((k) => JSON.parse(fs.readFileSync(path.join(kernelDir, "kernels", k, "kernel.json"), "utf8")).display_name);
  const where = kernelDir === JUPYTER_DIR ? ".jupyter/" : kernelDir;
  log(`starting ${chosen.label} on notebooks/ with the kernels ${kernels.join(", ")} (registered in ${where}, your own Jupyter set-up untouched)…`);
  const status = await runJupyterServer({
    jupyter: chosen.jupyter,
    app: chosen.app,
    args: [`--notebook-dir=${notebookDir}`, ...rootFlag, ...args],
    env,
    cwd: ROOT,
    log,
    announce: (url) => {
      log(`${chosen.label} is running; Ctrl-C stops it and its kernels.`);
      const tunnel = sshTunnelHint(url);
      if (tunnel) log(tunnel);
      console.error(`\n    ${url}\n`);
    },
  });
  process.exit(status);
}

/** Counts of one `node --test` run, read from its TAP file. */
function tapCounts(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const num = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, "m")) ?? [])[1] ?? 0);
  return { pass: num("pass"), fail: num("fail") + num("cancelled"), skipped: num("skipped") };
}

/**
 * Runs a command without blocking this process, so stages can overlap. With `logFile`
 * its output goes there and is printed here in one block when it ends (stages running
 * side by side keep their logs readable); without, it goes to this terminal as it comes.
 */
function runAsync(cmd, args, { env, logFile } = {}) {
  return new Promise((resolve) => {
    const out = logFile ? fs.openSync(logFile, "w") : "inherit";
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", out, out] });
    let ended = false;
    const done = (status) => {
      if (ended) return;
      ended = true;
      if (logFile) {
        fs.closeSync(out);
        process.stdout.write(fs.readFileSync(logFile, "utf8"));
      }
      resolve(status);
    };
    child.on("error", (err) => {
      log(`could not start ${cmd}: ${err.message}`);
      done(1);
    });
    child.on("exit", (code) => done(code ?? 1));
  });
}

/** Wall seconds of each stage, by name, for the closing `stages:` line of `npm test` (CI's time budget). */
const stageTimes = new Map();

/**
 * The kernel's V8 flags (scripts/kernels.mjs) that this Node takes, asked of it once per run: the kernel specs and
 * the test stages' Node processes both start with them. For the test processes, the kernel's reason holds too — a test
 * process runs thousands of functions a few thousand times each, and TurboFan compiling them after 3,000 calls
 * costs more than it saves before the process ends. The transform tests (28 files in one process, as a unit group
 * runs) took 44.5/45.1/44.4/49.6/55.3 CPU-s (user + system) with the flag against 62.0/44.7/50.7/59.6/56.1 without,
 * five pairs alternating (2026-12-08, shared 2-core VM, load 4–14): −12% in all, less in four pairs of five.
 * None when this Node refuses them.
 */
let v8FlagsTaken;
function nodeV8Flags(nodeBin) {
  v8FlagsTaken ??= kernelNodeFlags(nodeBin);
  return v8FlagsTaken;
}

/**
 * One `node --test` stage: spec output (to the terminal, or with `quiet` to
 * test-results/NAME.log, printed when the stage ends) and a TAP file, test-results/NAME.tap.
 */
async function nodeTests(nodeBin, env, name, files, { extra = [], quiet = false } = {}) {
  if (!files.length) return { pass: 0, fail: 0, skipped: 0 };
  const results = path.join(ROOT, "test-results");
  fs.mkdirSync(results, { recursive: true });
  const tap = path.join(results, `${name}.tap`);
  fs.rmSync(tap, { force: true });
  const logFile = quiet ? path.join(results, `${name}.log`) : undefined;
  log(`${name} tests (${files.length} files)…${logFile ? ` (output in ${path.relative(ROOT, logFile)}, printed when the stage ends)` : ""}`);
  const t0 = Date.now();
  const status = await runAsync(
    nodeBin,
    [
      ...nodeV8Flags(nodeBin),
      "--import", "tsx", "--test", ...extra,
      "--test-reporter=spec", "--test-reporter-destination=stdout",
      "--test-reporter=tap", `--test-reporter-destination=${tap}`,
      ...files.map((f) => path.relative(ROOT, f)),
    ],
    { env, logFile },
  );
  const counts = tapCounts(tap);
  // A runner that died without a TAP summary (killed, out of memory) is a failure, not 0 tests.
  if (status !== 0 && counts.fail === 0) counts.fail = 1;
  const seconds = Math.round((Date.now() - t0) / 1000);
  stageTimes.set(name, seconds);
  log(`${name}: ${counts.pass} passed, ${counts.fail} failed in ${seconds} s`);
  return counts;
}

/**
 * Each failed test of a stage's TAP file with the first lines of its error, so that
 * the end of `npm test`'s output (all a CI log may keep) says why, not only which.
 */
function tapFailures(file, maxLines = 12) {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
  const failures = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    // A todo or skipped test's "not ok" is not a failure (TAP directives).
    if (!m || /#\s*(TODO|SKIP)\b/i.test(m[2])) continue;
    const indent = m[1];
    const detail = [];
    let inError = false;
    for (let j = i + 1; j < lines.length && lines[j] !== `${indent}  ...`; j++) {
      const line = lines[j].slice(indent.length + 2);
      if (/^error: /.test(line)) {
        inError = true;
        const inline = line.slice("error: ".length).replace(/^[|>]-?$/, "");
        if (inline) detail.push(inline);
      } else if (inError && /^\s/.test(line)) detail.push(line.trim());
      else inError = false;
    }
    // A parent whose only error is its subtests failing adds nothing.
    if (detail.some((l) => /subtests? failed/.test(l))) continue;
    failures.push({ name: m[2], detail: detail.filter(Boolean).slice(0, maxLines) });
  }
  return failures;
}

/** The first lines of a test file that needs a process of its own (process-wide state: signals, globals). */
const OWN_PROCESS = /^\/\/ npm test runs this file in a process of its own/m;
/** The first lines of a notebook test whose outputs (executed notebooks, the hunt report) the browser checks read. */
const FEEDS_BROWSER = /^\/\/ npm test runs the browser checks after this file/m;
/** The first lines of a notebook test that runs in the views lane (after the views), not in JupyterLab's: lanes even out. */
const VIEWS_LANE = /^\/\/ npm test runs this file in the views lane/m;
/** Whether a test file's first lines carry `marker` (OWN_PROCESS, FEEDS_BROWSER, VIEWS_LANE). */
const marked = (file, marker) => marker.test(fs.readFileSync(file, "utf8").slice(0, 2000));

/** Node's flag for running test files in the runner's own process (renamed in Node 23.6), or undefined before Node 22.8. */
function isolationFlag(nodeBin) {
  const help = spawnSync(nodeBin, ["--help"], { encoding: "utf8" }).stdout ?? "";
  if (/--test-isolation=/.test(help)) return "--test-isolation=none";
  if (/--experimental-test-isolation=/.test(help)) return "--experimental-test-isolation=none";
  return undefined;
}

/**
 * The unit stage. Starting a test file's process (tsx, polars' 120 MB binary,
 * huntlab's modules) costs ~1.5 s of CPU, over 40% of the stage's CPU when each
 * of ~140 files has its own. So the files run in a few shared processes, two at
 * a time (the machine's two cores), taken from a queue so a slow group does not
 * hold a core idle; files marked {@link OWN_PROCESS} keep a process each, queued
 * last one by one. Each run writes test-results/unit-N.tap and unit-N.log.
 */
async function unitTests(nodeBin, env, files) {
  const t0 = Date.now();
  const flag = isolationFlag(nodeBin);
  const alone = files.filter((f) => !flag || marked(f, OWN_PROCESS));
  const shared = files.filter((f) => !alone.includes(f));
  // Round robin over the sorted files spreads each folder's slow suites over the groups.
  const groups = Array.from({ length: Math.min(6, shared.length) }, (_, g) => shared.filter((_, i) => i % 6 === g));
  // The files of their own come last, each a run of its own (a few seconds each): taken from the queue by
  // whichever lane is free, they fill the end, where one run of them all in a row kept one lane busy ~10 s
  // after the other had finished.
  const own = flag ? alone.map((f) => ({ files: [f], extra: ["--test-concurrency=1"] })) : [{ files: alone, extra: ["--test-concurrency=2"] }];
  const runs = [...groups.map((g) => ({ files: g, extra: [flag] })), ...own].filter((r) => r.files.length);
  const totals = { pass: 0, fail: 0, skipped: 0 };
  let next = 0;
  const lane = async () => {
    while (next < runs.length) {
      const k = next++;
      const c = await nodeTests(nodeBin, env, `unit-${k + 1}`, runs[k].files, { extra: runs[k].extra, quiet: true });
      totals.pass += c.pass;
      totals.fail += c.fail;
      totals.skipped += c.skipped;
    }
  };
  log(`unit tests: ${files.length} files in ${runs.length} groups, two at a time (${alone.length} in processes of their own)…`);
  await Promise.all([lane(), lane()]);
  const seconds = Math.round((Date.now() - t0) / 1000);
  stageTimes.set("unit", seconds);
  log(`unit: ${totals.pass} passed, ${totals.fail} failed in ${seconds} s`);
  return totals;
}

/**
 * A browser stage (browser, views, jupyterlab): its files in one shared process, like the unit
 * stage's groups, so they share one Node (tsx, huntlab's modules) and one Chromium
 * with its warm pages (test/browser/sharedChromium.ts): each file's own process
 * and Chromium cost ~3-5 s of CPU. The notebook stages run so too: a notebook test file's own
 * process (tsx, polars, the modules it imports) cost ~1.3 s of CPU, 15 files ~20 s, ~6 s shared;
 * their kernels are processes of their own either way. Files marked {@link OWN_PROCESS} run after it,
 * one at a time, each in a process of its own (test-results/NAME-own.tap).
 * `serial` (HUNTLAB_TEST_SERIAL) keeps one process per file.
 */
async function browserStage(nodeBin, env, name, files, { quiet, serial }) {
  const flag = isolationFlag(nodeBin);
  if (!flag || serial) return nodeTests(nodeBin, env, name, files, { extra: ["--test-concurrency=1"], quiet });
  const t0 = Date.now();
  const alone = files.filter((f) => marked(f, OWN_PROCESS));
  const totals = await nodeTests(nodeBin, env, name, files.filter((f) => !alone.includes(f)), { extra: [flag], quiet });
  if (alone.length) {
    const own = await nodeTests(nodeBin, env, `${name}-own`, alone, { extra: ["--test-concurrency=1"], quiet });
    totals.pass += own.pass;
    totals.fail += own.fail;
    totals.skipped += own.skipped;
    stageTimes.set(name, Math.round((Date.now() - t0) / 1000));
  }
  return totals;
}

/**
 * The strict type check of src, test, bench and scripts (no output), by TypeScript 7's native compiler
 * (devDependency `typescript-native`, an alias of typescript@7: 10 s of CPU on a fresh clone where 5.9 took
 * 40–70 s). Incremental: tsc keeps what it found per file in node_modules/.cache and checks again only the
 * files that changed and those that depend on them, and reports every file's errors each time (2.8 s of CPU
 * when nothing changed). `--singleThreaded`: beside the other lanes its parallel checkers cost more CPU
 * (12–13 s against 10.3–10.5 s here) and finished later, not sooner.
 */
const TYPECHECK_ARGS = ["-p", "tsconfig.test.json", "--incremental", "--singleThreaded", "--tsBuildInfoFile", path.join(ROOT, "node_modules", ".cache", "huntlab", "tsconfig.test.ts7.tsbuildinfo")];

/**
 * JupyterLab 4 in .venv ({@link provisionVenvLab}), in a process of its own that runs beside the
 * build and the unit stage: on a fresh clone pip mostly waits on the package index (~40 s here,
 * ~14 s of CPU). No unit test reads .venv. pip's output is kept, and its end shown when it fails.
 *
 * @returns {Promise<{ jupyter: string, version: string, installed: boolean } | { error: string }>}
 */
function provisionLabBeside(nodeBin, env) {
  const lab = JSON.stringify(pathToFileURL(path.join(ROOT, "scripts", "lab.mjs")).href);
  const script = `import { provisionVenvLab } from ${lab};
const r = provisionVenvLab({ root: ${JSON.stringify(ROOT)}, quiet: true, log: (m) => console.error("[huntlab] " + m) });
process.stdout.write(JSON.stringify(r));`;
  return new Promise((resolve) => {
    const child = spawn(nodeBin, ["--input-type=module", "--eval", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", (err) => resolve({ error: `${nodeBin}: ${err.message}` }));
    child.on("close", (status) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        resolve({ error: `the process that provisions JupyterLab ended (exit ${status}) without a result` });
      }
    });
  });
}

/**
 * `npm test`: the type check and four stages of `node --test`. The unit tests are
 * CPU-bound and some carry sanity time limits, so they run first with the machine to
 * themselves, in shared processes two at a time ({@link unitTests}; files are
 * independent: free ports, own temp folders, own environment variable names).
 * The rest is mostly waiting (kernels starting, Chromium rendering, JupyterLab running
 * cells), so then three lanes run side by side:
 *   notebooks (those whose outputs the browser checks read) → browser (those checks);
 *   jupyterlab (one server on a free port and one Chromium for its files, a copy of the notebook) → notebooks-2
 *   (the other notebook tests: interrupts, the live section, exercise checks…);
 *   the type check → views (the other browser checks) → notebooks-3 (notebook tests marked VIEWS_LANE).
 * Each stage keeps its TAP file and its output block; `HUNTLAB_TEST_SERIAL=1` runs
 * everything one after the other with live output, one test file at a time, each in its own process.
 */
async function taskTest(ctx) {
  const { nodeBin } = ctx;
  const serial = Boolean(process.env.HUNTLAB_TEST_SERIAL);
  const t0 = Date.now();
  // First: the folder of the kernel specs goes on the JUPYTER_PATH every stage gets.
  ensureKernels(ctx);
  const env = { ...ctx.env, HUNTLAB_TEST_PREPARED: ROOT };
  const labProvision = provisionLabBeside(nodeBin, env);
  ensureBuild(nodeBin, ctx.env);
  log(`malloc: ${MALLOC.reason}`);
  const isTest = (f) => /\.test\.ts$/.test(f);
  const all = listFiles(path.join(ROOT, "test"), isTest);
  const inDir = (d) => (f) => f.startsWith(path.join(ROOT, "test", d) + path.sep);
  const unit = all.filter((f) => !inDir("notebooks")(f) && !inDir("browser")(f) && !inDir("jupyterlab")(f));
  const totals = { pass: 0, fail: 0, skipped: 0 };
  const add = (c) => {
    totals.pass += c.pass;
    totals.fail += c.fail;
    totals.skipped += c.skipped;
  };
  // JupyterLab 4 in .venv (pip-installed there when missing): ready before the lanes, which start servers and read .venv.
  let labReady = false;
  const labProvisioned = async () => {
    const lab = await labProvision;
    labReady = !("error" in lab);
    if (!labReady) {
      log(`JupyterLab 4 could not be provisioned in .venv: ${lab.error}`);
      add({ pass: 0, fail: 1, skipped: 0 });
    }
  };
  const quiet = !serial;
  let typecheckOk = true;
  let typecheckMissing;
  const typecheck = async () => {
    const native = nativeTsc(ROOT);
    const logFile = quiet ? path.join(ROOT, "test-results", "typecheck.log") : undefined;
    fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
    log(`type check (TypeScript 7 tsc --noEmit, strict)…${logFile ? " (output printed when it ends)" : ""}`);
    const started = Date.now();
    if ("error" in native) {
      typecheckMissing = native.error;
      log(`type check: ${native.error}`);
      if (logFile) fs.writeFileSync(logFile, `${native.error}\n`);
    }
    const ok = "tsc" in native && (await runAsync(nodeBin, [native.tsc, ...TYPECHECK_ARGS], { env, logFile })) === 0;
    stageTimes.set("typecheck", Math.round((Date.now() - started) / 1000));
    log(`type check: ${ok ? "clean" : "FAILED"}`);
    typecheckOk = ok;
    add({ pass: ok ? 1 : 0, fail: ok ? 0 : 1, skipped: 0 });
  };
  // The notebooks run one at a time (each starts a kernel). The browser checks that read their executed outputs
  // (the executed notebook, the hunt report: a file that names EXECUTED_NOTEBOOK or executedNotebook) run after
  // them, and must read the notebook just executed, not fall back to fixtures; the other browser checks run beside them.
  const browserEnv = { ...env, HUNTLAB_EXECUTED_NOTEBOOK: path.join(ROOT, "test-results", "notebooks", "HuntingLab-Completed.ipynb") };
  const browserFiles = all.filter(inDir("browser"));
  const readsNotebooks = browserFiles.filter((f) => /\b(EXECUTED_NOTEBOOK|executedNotebook)\b/.test(fs.readFileSync(f, "utf8")));
  // The notebook tests whose outputs those read run first (marked FEEDS_BROWSER); the others (interrupts, the live
  // section, exercise checks…) later in another lane, so the browser checks of the outputs start sooner.
  const notebookFiles = all.filter(inDir("notebooks"));
  const feeds = notebookFiles.filter((f) => marked(f, FEEDS_BROWSER));
  // With JupyterLab ready, its stage runs the exercise notebook in tslab (Run All) and checks the saved outputs as the
  // headless run does, so notebooks.test.ts leaves that run to it (test/notebooks/notebookRuns.ts, checkedInJupyterLab).
  const notebookEnv = () => (labReady ? { ...env, HUNTLAB_TEST_JUPYTERLAB: ROOT } : env);
  const notebookLane = async () => {
    add(await browserStage(nodeBin, notebookEnv(), "notebooks", feeds, { quiet, serial }));
    add(await browserStage(nodeBin, browserEnv, "browser", readsNotebooks, { quiet, serial }));
  };
  // The other notebook tests after the views (marked VIEWS_LANE: the hunt's other runs) or after JupyterLab's: the
  // three lanes then take about as long (measured: the notebooks lane alone ran on for ~110 s).
  const later = notebookFiles.filter((f) => !feeds.includes(f));
  const viewsLane = async () => {
    add(await browserStage(nodeBin, env, "views", browserFiles.filter((f) => !readsNotebooks.includes(f)), { quiet, serial }));
    add(await browserStage(nodeBin, env, "notebooks-3", later.filter((f) => marked(f, VIEWS_LANE)), { quiet, serial }));
  };
  // The lab notebook driven through JupyterLab's own UI in Chromium.
  const labLane = async () => {
    // One process, as the browser stages: its files share one JupyterLab server and one Chromium (test/jupyterlab/labServer.ts, sharedLab).
    if (labReady) add(await browserStage(nodeBin, env, "jupyterlab", all.filter(inDir("jupyterlab")), { quiet, serial }));
    add(await browserStage(nodeBin, env, "notebooks-2", later.filter((f) => !marked(f, VIEWS_LANE)), { quiet, serial }));
  };
  // The unit stage's TAP files of an earlier run (one file, or one per group), and the browser stages' of files
  // in their own processes, would be read for failures.
  fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, "test-results"))) if (/^(unit(-\d+)?|[a-z]+(-\d+)?-own)\.(tap|log)$/.test(f)) fs.rmSync(path.join(ROOT, "test-results", f));
  if (serial) {
    await labProvisioned();
    await typecheck();
    add(await nodeTests(nodeBin, env, "unit", unit));
    await notebookLane();
    await viewsLane();
    await labLane();
  } else {
    add(await unitTests(nodeBin, env, unit));
    await labProvisioned();
    await Promise.all([notebookLane(), labLane(), typecheck().then(viewsLane)]);
  }
  const order = ["typecheck", "unit", "notebooks", "browser", "views", "notebooks-3", "jupyterlab", "notebooks-2"];
  const times = order.filter((s) => stageTimes.has(s)).map((s) => `${s} ${stageTimes.get(s)} s`);
  log(`stages: ${times.join(", ")}; all ${Math.round((Date.now() - t0) / 1000)} s${serial ? " (one after the other)" : " (unit, then side by side: notebooks → browser | jupyterlab → notebooks-2 | type check → views → notebooks-3)"}`);
  const unitStages = fs.readdirSync(path.join(ROOT, "test-results")).filter((f) => /^unit(-\d+)?\.tap$/.test(f)).map((f) => f.slice(0, -4)).sort();
  for (const stage of [...unitStages, ...["notebooks", "browser", "views", "notebooks-3", "jupyterlab", "notebooks-2"].flatMap((s) => [s, `${s}-own`])]) {
    for (const f of tapFailures(path.join(ROOT, "test-results", `${stage}.tap`))) {
      console.log(`[huntlab] FAILED (${stage}): ${f.name}`);
      for (const line of f.detail) console.log(`    ${line}`);
    }
  }
  if (!typecheckOk) {
    const typeErrors = quiet ? fs.readFileSync(path.join(ROOT, "test-results", "typecheck.log"), "utf8").split("\n").filter((l) => /error TS\d+/.test(l)) : [];
    console.log(`[huntlab] FAILED (typecheck): tsc -p tsconfig.test.json${typeErrors.length ? ` (${typeErrors.length} errors)` : ""}`);
    for (const line of typeErrors.slice(0, 12)) console.log(`    ${line}`);
    if (typecheckMissing) console.log(`    ${typecheckMissing}`);
  }
  console.log(`huntlab: ${totals.pass} passed, ${totals.fail} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ""));
  process.exit(totals.fail ? 1 : 0);
}

const tasks = {
  setup: (ctx) => {
    ensureBuild(ctx.nodeBin, ctx.env);
    ensureKernelsOnce(ctx);
  },
  build: (ctx) => ensureBuild(ctx.nodeBin, ctx.env, true),
  typecheck: (ctx) => {
    const native = nativeTsc(ROOT);
    if ("error" in native) {
      log(native.error);
      process.exit(1);
    }
    process.exit(run(ctx.nodeBin, [native.tsc, ...TYPECHECK_ARGS], { env: ctx.env }));
  },
  lab: taskLab,
  test: taskTest,
  bench: (ctx) => {
    ensureBuild(ctx.nodeBin, ctx.env);
    log(`malloc: ${MALLOC.reason}`);
    process.exit(run(ctx.nodeBin, ["--import", "tsx", path.join(ROOT, "bench", "index.ts"), ...process.argv.slice(3)], { env: ctx.env }));
  },
  "convert-data": (ctx) =>
    process.exit(run(ctx.nodeBin, ["--import", "tsx", path.join(ROOT, "scripts", "convert-lab-data.ts"), ...process.argv.slice(3)], { env: ctx.env })),
  hunt: (ctx) => (tasks.setup(ctx), import("./hunt.mjs").then((m) => m.hunt(ctx))),
  python: () => {
    const py = findPython(["nbclient", "nbformat"]);
    if (py) console.log(py);
    process.exit(py ? 0 : 1);
  },
};

const name = process.argv[2];
if (!name || !(name in tasks)) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(tasks).join("|")}>`);
  process.exit(2);
}
tasks[name](prepare());
