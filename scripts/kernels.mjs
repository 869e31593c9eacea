/**
 * Where the lab's Jupyter files go: the kernel specs (scripts/run.mjs passes their folder to Jupyter on
 * JUPYTER_PATH), and Jupyter's runtime files when the user's home cannot take them.
 *
 * First choice: the project's `.jupyter/`. A checkout this user cannot write in (an instructor's shared copy, a
 * read-only mount, another user's checkout) keeps the specs found there when they are the ones this run would write;
 * otherwise they go to a folder of the user's own, named after the checkout's path, so two checkouts never share
 * one: `$XDG_DATA_HOME/huntlab/jupyter/<name>-<hash>` (default `~/.local/share/…`), else under the temporary folder.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "./distInstall.mjs";

/**
 * V8 flags for the tslab kernel's Node. A kernel's CPU goes mostly to tslab's TypeScript (parsing, binding and
 * checking every cell: half of a profile of the lab notebook), whose thousands of warm functions V8 compiles with
 * TurboFan after 3,000 calls by default; over a kernel's life that compiling costs more than it saves. With 10,000,
 * tslab's converter over the completed lab notebook's 57 cells (no kernel, the same output byte for byte) took
 * 6.8–8.8 s of CPU against 8.5–10.8 s, less in each of five rounds (2026-12-08, shared 2-core VM, load 18–24);
 * whole kernels over that notebook (user + system, seven pairs alternating, load 9–20, where one run varies by
 * ±15%) 102 s in all against 116 s (−12%), less in five pairs of seven.
 * Code that stays hot (reading a big .evtx, a process tree) still reaches TurboFan, later: eight reads of the
 * two .evtx samples in a fresh process took the same CPU either way (2.0–2.8 s), where --no-opt (no TurboFan at
 * all, as cheap for the converter) took 19% more.
 */
export const KERNEL_V8_FLAGS = Object.freeze(["--invocation-count-for-turbofan=10000"]);

/**
 * The {@link KERNEL_V8_FLAGS} that `nodeBin` accepts: all of them, or none when it refuses them (Node 20's V8 has no
 * such flag, and Node ends at once on a flag it does not know: a kernel that never starts).
 *
 * @param {string} nodeBin the Node the kernel spec runs
 * @param {readonly string[]} [flags]
 * @returns {string[]}
 */
export function kernelNodeFlags(nodeBin, flags = KERNEL_V8_FLAGS) {
  if (!flags.length) return [];
  const r = spawnSync(nodeBin, [...flags, "-e", ""], { stdio: "ignore", timeout: 30_000 });
  return r.status === 0 ? [...flags] : [];
}

/**
 * The folders to try, in order: the project's `.jupyter/`, the user's data folder, the temporary folder.
 *
 * @param {string} root the checkout
 * @param {{ env?: NodeJS.ProcessEnv, tmpdir?: string }} [options] `env` for HOME and XDG_DATA_HOME (default
 *   process.env); `tmpdir` the temporary folder (default os.tmpdir(), which follows TMPDIR)
 * @returns {string[]}
 */
export function kernelHomes(root, { env = process.env, tmpdir = os.tmpdir() } = {}) {
  // The path's hash tells two checkouts of one name apart; the name is for the reader of JUPYTER_PATH.
  const name = `${path.basename(root).replace(/[^\w.-]+/g, "_")}-${crypto.createHash("sha256").update(root).digest("hex").slice(0, 12)}`;
  const dirs = [path.join(root, ".jupyter")];
  // XDG's rule: a relative XDG_DATA_HOME is invalid and ignored.
  const data = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : env.HOME && path.isAbsolute(env.HOME) ? path.join(env.HOME, ".local", "share") : undefined;
  if (data) dirs.push(path.join(data, "huntlab", "jupyter", name));
  dirs.push(path.join(privateTempTop(tmpdir), "jupyter", name));
  return dirs;
}

/** This user's folder in the temporary folder `tmpdir`, which {@link writeKernelSpecs} keeps private. */
export function privateTempTop(tmpdir = os.tmpdir()) {
  return path.join(tmpdir, `huntlab-${userId()}`);
}

function userId() {
  return typeof process.getuid === "function" ? String(process.getuid()) : os.userInfo().username.replace(/[^\w.-]+/g, "_");
}

/**
 * A private folder in the shared temporary folder: made 0700, and refused when it is a link, another user's or
 * open to others (someone else could have made it first, to read or swap the specs).
 */
function ensurePrivate(top, dir) {
  if (!top || !dir.startsWith(top + path.sep)) return;
  fs.mkdirSync(top, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(top);
  const mine = typeof process.getuid !== "function" || st.uid === process.getuid();
  if (!st.isDirectory() || !mine || (st.mode & 0o077) !== 0) {
    throw Object.assign(new Error(`${top} is not a private folder of this user's (a link, another user's, or open to others)`), { code: "EPERM" });
  }
}

/**
 * Writes the kernel specs into the first folder of `dirs` that holds them already or takes them.
 * Each kernel.json is written whole under another name, then renamed: a kernel started meanwhile never reads half a file.
 *
 * @param {{ dirs: string[], specsFor: (dir: string) => Record<string, object>, privateTop?: string }} options
 *   `specsFor(dir)`: the specs by kernel name for that folder (a spec may name paths inside it); a folder under
 *   `privateTop` (default {@link privateTempTop}) is used only when `privateTop` is this user's alone
 * @returns {{ dir: string, wrote: boolean, passed: { dir: string, why: string }[] }} the folder used, whether
 *   anything was written, and the folders passed over with why
 * @throws {Error} naming every folder and why, when none can be used
 */
export function writeKernelSpecs({ dirs, specsFor, privateTop = privateTempTop() }) {
  const passed = [];
  for (const dir of dirs) {
    const files = Object.entries(specsFor(dir)).map(([name, spec]) => ({
      file: path.join(dir, "kernels", name, "kernel.json"),
      text: JSON.stringify(spec, null, 2) + "\n",
    }));
    const stale = files.filter(({ file, text }) => {
      try {
        return fs.readFileSync(file, "utf8") !== text;
      } catch {
        return true;
      }
    });
    if (!stale.length) return { dir, wrote: false, passed };
    try {
      ensurePrivate(privateTop, dir);
      for (const { file, text } of stale) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // Through a temporary name of this write's own: the process id alone is the same in every container (one
        // per learner) that shares a checkout's .jupyter/, and two `npm run lab` wrote into one file.
        writeFileAtomic(file, text);
      }
      return { dir, wrote: true, passed };
    } catch (err) {
      // Node's message starts with the code already (EACCES: permission denied, open …).
      passed.push({ dir, why: err?.message ?? String(err) });
    }
  }
  throw new Error(
    `cannot write the kernel specs in any of:\n${passed.map((p) => `  ${p.dir} (${p.why})`).join("\n")}\n` +
      "Make one writable, or set XDG_DATA_HOME (or TMPDIR) to a folder you can write in.",
  );
}

/**
 * The folder of Jupyter's runtime files (connection files, the server's info), as jupyter_core finds it:
 * `$JUPYTER_RUNTIME_DIR`, else `runtime` in Jupyter's data folder (`$JUPYTER_DATA_DIR`, else
 * `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on Windows).
 */
export function jupyterRuntimeDir(env = process.env, home = os.homedir()) {
  if (env.JUPYTER_RUNTIME_DIR) return env.JUPYTER_RUNTIME_DIR;
  const data =
    env.JUPYTER_DATA_DIR ||
    (process.platform === "darwin"
      ? path.join(home, "Library", "Jupyter")
      : process.platform === "win32"
        ? path.join(env.APPDATA || home, "jupyter")
        : path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter"));
  return path.join(data, "runtime");
}

/**
 * Environment additions so Jupyter can write its runtime files: none when {@link jupyterRuntimeDir} can be made
 * and written (or JUPYTER_RUNTIME_DIR is set: the user's choice is kept), else JUPYTER_RUNTIME_DIR in a private folder
 * under the temporary folder. A home that is read-only, missing or a file (a service account, an instructor's
 * locked-down account) made Jupyter end with a traceback before it served anything.
 *
 * @param {{ env?: NodeJS.ProcessEnv, home?: string, privateTop?: string }} [options] defaults: process.env,
 *   os.homedir(), {@link privateTempTop}
 * @returns {{ env: Record<string, string>, why?: string }} `why`: what was wrong with the usual folder
 */
export function runtimeDirEnv({ env = process.env, home = os.homedir(), privateTop = privateTempTop() } = {}) {
  if (env.JUPYTER_RUNTIME_DIR) return { env: {} };
  const usual = jupyterRuntimeDir(env, home);
  const why = unwritable(usual);
  if (!why) return { env: {} };
  const dir = path.join(privateTop, "runtime");
  ensurePrivate(privateTop, dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { env: { JUPYTER_RUNTIME_DIR: dir }, why: `${usual}: ${why}` };
}

/** Why `dir` cannot be made or written in, or undefined when it can. */
function unwritable(dir) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch (err) {
    return err?.code ?? String(err);
  }
}
