/**
 * JupyterLab for the lab: find a JupyterLab ≥ 4, or provision one in the
 * project's `.venv`, and run a Jupyter server that Ctrl-C stops cleanly,
 * kernels included.
 *
 * Used by `npm run lab` (scripts/run.mjs) and by the JupyterLab UI tests
 * (test/jupyterlab/), so both get JupyterLab the same way.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pythonCandidates } from "./python.mjs";

/** What pip installs into `.venv`. */
export const LAB_REQUIREMENT = "jupyterlab>=4,<5";

/**
 * pip's network settings. Short, because a machine whose pip has a local index
 * but no internet would otherwise wait minutes on the unreachable default index
 * for every package; on a normal connection PyPI answers well within them.
 */
export const PIP_NETWORK_ARGS = ["--timeout", "10", "--retries", "1"];

const MIN_LAB_MAJOR = 4;
/** JupyterLab 4.x supports Python 3.9 and later. */
const MIN_PYTHON = [3, 9];
const IS_WINDOWS = process.platform === "win32";

/** The project's virtual environment. */
export function venvDir(root) {
  return path.join(root, ".venv");
}

/** An executable inside a virtual environment (`bin/` or, on Windows, `Scripts/`). */
export function venvExecutable(venv, name) {
  return IS_WINDOWS ? path.join(venv, "Scripts", `${name}.exe`) : path.join(venv, "bin", name);
}

/** A command resolved on PATH, like `which`, or undefined. */
export function onPath(name, envPath = process.env.PATH ?? "") {
  const exts = IS_WINDOWS ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const full = path.join(dir, name + ext);
      try {
        if (fs.statSync(full).isFile()) return full;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

/** The leading major number of a version string ("4.6.4" → 4). */
export function majorOf(version) {
  return Number(/^\s*(\d+)/.exec(String(version ?? ""))?.[1] ?? NaN);
}

/** The version that `jupyter <app> --version` prints ("4.6.4"), or undefined when the app is not there. */
export function appVersion(jupyter, app, env = process.env) {
  const r = spawnSync(jupyter, [app, "--version"], { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"], timeout: 120_000 });
  if (r.error || r.status !== 0) return undefined;
  return /^\s*(\d+\.\d+[.\w-]*)\s*$/m.exec(r.stdout)?.[1];
}

/**
 * Where JupyterLab may already be, in the order `npm run lab` tries them: `$JUPYTER` (a `jupyter`
 * executable), the active virtual environment (`$VIRTUAL_ENV`, or an activated conda environment other than
 * `base`), the project's `.venv`, then `jupyter` on PATH. Duplicates are dropped.
 *
 * The project's `.venv` comes before PATH: it holds the JupyterLab `npm test` provisions and drives, while a
 * `jupyter` on PATH may be any other (pip's user site `~/.local/bin`, conda's `base` that its installer
 * activates in every shell) that the user never chose for the lab.
 *
 * @param {{ root: string, env?: NodeJS.ProcessEnv }} options
 * @returns {{ jupyter: string, source: string }[]}
 */
export function labCandidates({ root, env = process.env }) {
  const found = [];
  const add = (jupyter, source) => {
    if (jupyter && !found.some((c) => c.jupyter === jupyter)) found.push({ jupyter, source });
  };
  if (env.JUPYTER) add(env.JUPYTER, "$JUPYTER");
  if (env.VIRTUAL_ENV) {
    const inVenv = venvExecutable(env.VIRTUAL_ENV, "jupyter");
    if (fs.existsSync(inVenv)) add(inVenv, `the active virtual environment (${env.VIRTUAL_ENV})`);
  }
  if (env.CONDA_PREFIX && env.CONDA_DEFAULT_ENV !== "base") {
    const inConda = IS_WINDOWS ? path.join(env.CONDA_PREFIX, "Scripts", "jupyter.exe") : path.join(env.CONDA_PREFIX, "bin", "jupyter");
    if (fs.existsSync(inConda)) add(inConda, `the active conda environment (${env.CONDA_PREFIX})`);
  }
  const project = venvExecutable(venvDir(root), "jupyter");
  if (fs.existsSync(project)) add(project, "the project's .venv");
  add(onPath("jupyter", env.PATH), "PATH");
  return found;
}

/**
 * Whether a virtual environment's script (`.venv/bin/jupyter`) was made for this place. A venv is not
 * relocatable: its scripts name their Python by an absolute path, so a checkout copied or moved with its `.venv`
 * (a prepared folder copied to each machine, an instructor's copy) has scripts that run the old place's Python
 * — silently another checkout's while that one is there, and not at all once it is gone.
 *
 * @param {string} venv the virtual environment
 * @param {string} script a script in its bin folder
 * @returns {{ interpreter: string, gone: boolean } | undefined} undefined when the script is this venv's own (or not a `#!` script)
 */
export function venvScriptElsewhere(venv, script) {
  if (IS_WINDOWS) return undefined;
  let head;
  try {
    head = fs.readFileSync(script, "utf8").slice(0, 4096);
  } catch {
    return undefined;
  }
  // `#!/path/python`, or (a path with spaces, or over 127 bytes) pip's `#!/bin/sh` then `'''exec' "/path/python" "$0" "$@"`.
  const interpreter = /^'''exec' "([^"]+)" "\$0"/m.exec(head)?.[1] ?? /^#!\s*(\/\S+)/.exec(head)?.[1];
  if (!interpreter || !/^python/.test(path.basename(interpreter))) return undefined;
  const real = (p) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const home = real(path.dirname(interpreter));
  if (home === undefined) return { interpreter, gone: true };
  return home === real(path.join(venv, "bin")) ? undefined : { interpreter, gone: !fs.existsSync(interpreter) };
}

/** What to say about {@link venvScriptElsewhere}'s finding. */
function elsewhereText(venv, found) {
  const fix = `delete ${venv} and run \`npm run lab\` again to make it here (pip needs the network)`;
  return found.gone
    ? `${venv} was made in another place (it was copied or moved): its scripts name ${found.interpreter}, which is not there; ${fix}`
    : `${venv} was made in another place (it was copied or moved): its scripts run ${found.interpreter}, another copy's; ${fix}`;
}

/**
 * Why a virtual environment's Python cannot be run by this user, or undefined when it runs (or there is none).
 * A venv's `bin/python` is a link to the Python it was made from: a venv made by root from pyenv's Python under
 * `/root` (a folder others may not enter) has JupyterLab installed, but for a student running `npm run lab` its
 * Python fails with EACCES; one whose base Python was removed, with ENOENT. Either way no script in it runs.
 *
 * @param {string} venv the virtual environment
 * @returns {{ interpreter: string, code: "EACCES" | "ENOENT" } | undefined} `interpreter`: the last link that resolves toward the base Python
 */
export function venvPythonUnrunnable(venv) {
  if (IS_WINDOWS) return undefined;
  let interpreter = venvExecutable(venv, "python");
  try {
    fs.lstatSync(interpreter);
  } catch {
    return undefined;
  }
  const r = spawnSync(interpreter, ["-c", ""], { stdio: "ignore", timeout: 60_000 });
  const code = r.error?.code;
  if (code !== "EACCES" && code !== "ENOENT") return undefined;
  // The link chain as far as it can be read: the named Python is the one behind the closed folder.
  for (let i = 0; i < 40; i++) {
    try {
      interpreter = path.resolve(path.dirname(interpreter), fs.readlinkSync(interpreter));
    } catch {
      break;
    }
  }
  return { interpreter, code };
}

/** What to say about {@link venvPythonUnrunnable}'s finding. */
function unrunnableText(venv, found, installed = true) {
  const user = userName();
  const why =
    found.code === "EACCES"
      ? `cannot be run by ${user} (EACCES: permission denied): it was made by another user from a Python in a folder ${user} may not enter (pyenv's under /root)`
      : `is not there (ENOENT): the Python it was made from was removed, or is not visible here`;
  return `${venv} ${installed ? "has JupyterLab installed" : "is there"}, but its Python, ${found.interpreter}, ${why}; delete ${venv} and run \`npm run lab\` again as ${user} to make one of your own (pip needs the network)`;
}

/**
 * The first JupyterLab ≥ 4 among {@link labCandidates}, or undefined.
 * Each older JupyterLab passed over is reported through `log`.
 *
 * @param {{ root: string, env?: NodeJS.ProcessEnv, log?: (msg: string) => void }} options
 * @returns {{ jupyter: string, version: string, source: string } | undefined}
 */
export function findJupyterLab({ root, env = process.env, log = () => {} }) {
  for (const candidate of labCandidates({ root, env })) {
    if (candidate.jupyter === venvExecutable(venvDir(root), "jupyter")) {
      const elsewhere = venvScriptElsewhere(venvDir(root), candidate.jupyter);
      // One whose Python is gone is provisionVenvLab's error; one that runs is used, with a word.
      if (elsewhere?.gone) continue;
      if (elsewhere) log(elsewhereText(venvDir(root), elsewhere));
      // One that cannot run is provisionVenvLab's error too: not "not installed", nor pip into it.
      else if (venvPythonUnrunnable(venvDir(root))) continue;
    }
    const version = appVersion(candidate.jupyter, "lab", env);
    if (version && majorOf(version) >= MIN_LAB_MAJOR) return { ...candidate, version };
    if (version) log(`JupyterLab ${version} from ${candidate.source} is older than ${MIN_LAB_MAJOR}; skipping it`);
  }
  return undefined;
}

/**
 * A Python ≥ 3.9 able to create virtual environments (`venv` and `ensurepip`),
 * or why there is none.
 *
 * @returns {{ python: string } | { error: string }}
 */
export function findVenvPython(env = process.env) {
  const candidates = pythonCandidates(env);
  const check = `import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (${MIN_PYTHON.join(", ")}) else 3)`;
  let withoutVenv;
  let tooOld;
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", check], { env, stdio: "ignore", timeout: 60_000 });
    if (r.error) continue;
    if (r.status === 0) return { python };
    if (r.status === 3) tooOld ??= python;
    else withoutVenv ??= python;
  }
  if (withoutVenv) {
    return { error: `${withoutVenv} cannot create virtual environments (no venv/ensurepip module; Debian/Ubuntu: apt-get install python3-venv)` };
  }
  if (tooOld) return { error: `${tooOld} is older than Python ${MIN_PYTHON.join(".")}, which JupyterLab 4 needs` };
  return { error: "no Python 3 found (tried " + candidates.join(", ") + ")" };
}

/** The shell form of a command, for printing. */
function shellLine(cmd, args) {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/(["\\$`])/g, "\\$1")}"`)).join(" ");
}

/** The commands that provision `.venv` by hand, for messages. */
export function manualInstallHint(root) {
  const venv = path.relative(process.cwd(), venvDir(root)) || ".venv";
  return `python3 -m venv ${venv} && ${shellLine(venvExecutable(venv, "pip"), ["install", ...PIP_NETWORK_ARGS, LAB_REQUIREMENT])}`;
}

/**
 * JupyterLab ≥ 4 in the project's `.venv`: reused when there, else the venv is
 * created (`python3 -m venv .venv`) and JupyterLab pip-installed into it. Each
 * command is printed before it runs.
 *
 * @param {object} options
 * @param {string} options.root the project folder (`.venv` goes there)
 * @param {NodeJS.ProcessEnv} [options.env] environment for Python and pip; default `process.env`
 * @param {(msg: string) => void} [options.log] progress lines; default: none
 * @param {boolean} [options.install] create/fill `.venv` when JupyterLab is missing; default true
 * @param {boolean} [options.quiet] capture pip's output (shown only on failure) instead of streaming it to stderr; default false
 * @returns {{ jupyter: string, version: string, installed: boolean } | { error: string }}
 */
export function provisionVenvLab({ root, env = process.env, log = () => {}, install = true, quiet = false }) {
  const venv = venvDir(root);
  const jupyter = venvExecutable(venv, "jupyter");
  // A .venv copied from elsewhere is no place to pip-install into: its scripts would still name the old place.
  const elsewhere = fs.existsSync(jupyter) ? venvScriptElsewhere(venv, jupyter) : undefined;
  if (elsewhere?.gone) return { error: elsewhereText(venv, elsewhere) };
  const unrunnable = elsewhere ? undefined : venvPythonUnrunnable(venv);
  if (unrunnable) return { error: unrunnableText(venv, unrunnable, fs.existsSync(jupyter)) };
  const existing = fs.existsSync(jupyter) ? appVersion(jupyter, "lab", env) : undefined;
  if (existing && majorOf(existing) >= MIN_LAB_MAJOR) return { jupyter, version: existing, installed: false };
  if (!install) return { error: `JupyterLab ${MIN_LAB_MAJOR} is not installed in .venv and --no-install forbids installing it; by hand: ${manualInstallHint(root)}` };

  // The venv's own Python, unaffected by an activated environment or a user's PYTHONHOME.
  const pipEnv = { ...env, PIP_NO_INPUT: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" };
  delete pipEnv.PYTHONHOME;
  const runStep = (cmd, args) => {
    log(`running: ${shellLine(cmd, args)}`);
    const r = spawnSync(cmd, args, { env: pipEnv, cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", 2, 2] });
    if (r.error) return `${cmd}: ${r.error.message}`;
    if (r.status !== 0) {
      const tail = quiet ? `\n${`${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n")}` : "";
      return `\`${shellLine(cmd, args)}\` failed (exit ${r.status})${tail}`;
    }
    return undefined;
  };

  const venvPython = venvExecutable(venv, "python");
  if (!fs.existsSync(venvPython)) {
    const found = findVenvPython(env);
    if ("error" in found) return { error: found.error };
    log(`JupyterLab ${MIN_LAB_MAJOR} not found; creating the project's virtual environment .venv and installing JupyterLab into it (once; about 100 MB)…`);
    const failed = runStep(found.python, ["-m", "venv", venv]);
    if (failed) return { error: failed };
  } else {
    log(`installing JupyterLab ${MIN_LAB_MAJOR} into the existing .venv…`);
  }
  const failed = runStep(venvPython, ["-m", "pip", "install", ...PIP_NETWORK_ARGS, LAB_REQUIREMENT]);
  if (failed) return { error: failed };
  const version = appVersion(jupyter, "lab", env);
  if (!version || majorOf(version) < MIN_LAB_MAJOR) return { error: `pip finished, but ${jupyter} does not run JupyterLab ${MIN_LAB_MAJOR} (found: ${version ?? "none"})` };
  log(`installed JupyterLab ${version} in .venv`);
  return { jupyter, version, installed: true };
}

/**
 * Classic Jupyter Notebook on PATH, with what it cannot show, or undefined.
 *
 * @returns {{ jupyter: string, version: string, lost: string | undefined } | undefined}
 */
export function findClassicNotebook(env = process.env) {
  const jupyter = onPath("jupyter", env.PATH);
  if (!jupyter) return undefined;
  const version = appVersion(jupyter, "notebook", env);
  if (!version) return undefined;
  // Notebook 7 is built from JupyterLab and renders Vega-Lite; Notebook 6 has no renderer for it.
  const lost = majorOf(version) >= 7 ? undefined : "Vega-Lite charts (timelines, anomaly charts) show as static images: no tooltips, zoom or pan. Tables, maps, graphs, process trees and the browsers work.";
  return { jupyter, version, lost };
}

/** How long the output must pause before the URL is shown, and how long after the first URL startup output may still come. */
const QUIET_MS = 1500;
const STARTUP_MS = 20_000;

/** `http://…?token=…` in a line of Jupyter's log, preferring the loopback address. */
const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]+/g;

/**
 * The token given to Jupyter in `args` (`--IdentityProvider.token=…`, `--ServerApp.token=…`,
 * `--NotebookApp.token=…`) or `$JUPYTER_TOKEN`; Jupyter prints such a token as `...`.
 */
export function givenToken(args, env = process.env) {
  for (const arg of [...args].reverse()) {
    const m = /^--(?:IdentityProvider|ServerApp|NotebookApp)\.token=(.*)$/.exec(arg);
    if (m) return m[1];
  }
  return env.JUPYTER_TOKEN || undefined;
}

/**
 * Picks the URL to show from the URLs Jupyter printed: with a token, on
 * 127.0.0.1 if present. A token Jupyter masked (`token=...`) is filled in
 * with `token` when given.
 */
export function pickServerUrl(urls, token) {
  const parsed = urls.flatMap((u) => {
    try {
      return [{ text: u, url: new URL(u) }];
    } catch {
      return [];
    }
  });
  // The server's own address has a port; documentation links in its log do not.
  const servers = parsed.filter((p) => p.url.port || p.url.searchParams.has("token"));
  const withToken = servers.filter((p) => p.url.searchParams.has("token"));
  const pool = withToken.length ? withToken : servers;
  const host = (name) => pool.find((p) => p.url.hostname === name);
  const chosen = host("127.0.0.1") ?? host("localhost") ?? pool[0];
  if (!chosen) return undefined;
  const masked = /^(\.\.\.)?$/.test(chosen.url.searchParams.get("token") ?? "x");
  if (masked && token) chosen.url.searchParams.set("token", token);
  return masked && token ? chosen.url.href : chosen.text;
}

/**
 * For a lab started over SSH (`$SSH_CONNECTION` set: "client-ip client-port server-ip server-port"), the command
 * that makes its URL open on the user's own machine: the server listens on this machine's loopback address, which
 * the user's browser cannot reach. Undefined when not over SSH, or when the URL is not a loopback one.
 *
 * @param {string} url the URL shown ({@link pickServerUrl})
 * @param {NodeJS.ProcessEnv} [env] default process.env
 * @param {string} [user] default os.userInfo().username
 * @returns {string | undefined}
 */
export function sshTunnelHint(url, env = process.env, user = userName()) {
  const [, , serverIp, sshPort] = (env.SSH_CONNECTION ?? "").trim().split(/\s+/);
  if (!serverIp) return undefined;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) return undefined;
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  const host = serverIp.includes(":") ? `[${serverIp}]` : serverIp;
  const portFlag = sshPort && sshPort !== "22" ? ` -p ${sshPort}` : "";
  return `over SSH: on your own machine run  ssh -N -L ${port}:127.0.0.1:${port}${portFlag} ${user}@${host}  and open the URL there`;
}

function userName() {
  try {
    return os.userInfo().username;
  } catch {
    return "USER";
  }
}

/**
 * Runs `jupyter <app> …args` until it exits.
 *
 * The server gets its own process group, so a Ctrl-C in the terminal reaches
 * only this process, which stops the server with SIGTERM: Jupyter then shuts
 * its kernels down and exits (its own Ctrl-C handling would ask for a
 * confirmation first, and kernels run in sessions of their own, out of reach
 * of the terminal). SIGTERM and SIGHUP do the same; a server that is not gone
 * after `killAfterMs` is killed.
 *
 * Jupyter's output is passed through; once it has printed its URL and gone
 * quiet for a moment, `announce(url)` is called — again if more startup output
 * follows (at most 3 times) — so the URL with its token is the last line on
 * the screen.
 *
 * @param {object} options
 * @param {string} options.jupyter the `jupyter` executable
 * @param {"lab" | "notebook"} options.app
 * @param {string[]} options.args arguments after the app name
 * @param {NodeJS.ProcessEnv} options.env
 * @param {string} options.cwd
 * @param {(url: string) => void} [options.announce] called once with the server's URL
 * @param {(msg: string) => void} [options.log]
 * @param {number} [options.killAfterMs] default 30 000
 * @returns {Promise<number>} the exit status (128 + signal number when killed by a signal)
 */
export function runJupyterServer({ jupyter, app, args, env, cwd, announce = () => {}, log = () => {}, killAfterMs = 30_000 }) {
  return new Promise((resolve) => {
    const child = spawn(jupyter, [app, ...args], { env, cwd, detached: !IS_WINDOWS, stdio: ["ignore", "pipe", "pipe"] });
    const urls = [];
    let firstUrlAt;
    let quietTimer;
    let stopping = false;
    let killTimer;
    // Startup output keeps coming for a while after the URL (extensions, language servers):
    // the URL is shown once the output has been quiet for a moment, and shown again if more
    // startup output follows, so that it stays the last line.
    let printed = 0;
    let printedAtAnnounce = -1;
    let announcements = 0;
    const watch = (chunk, sink) => {
      sink.write(chunk);
      printed += chunk.length;
      if (!firstUrlAt) {
        for (const url of chunk.toString().match(URL_PATTERN) ?? []) urls.push(/token=\.\.\.$/.test(url) ? url : url.replace(/[.,;)\]]+$/, ""));
        if (!urls.length) return;
        firstUrlAt = Date.now();
      }
      if (announcements >= 3 || Date.now() - firstUrlAt > STARTUP_MS) return;
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => {
        const url = pickServerUrl(urls, givenToken(args, env));
        if (!url || stopping || printed === printedAtAnnounce) return;
        announcements++;
        printedAtAnnounce = printed;
        announce(url);
      }, QUIET_MS);
    };
    child.stdout.on("data", (c) => watch(c, process.stdout));
    child.stderr.on("data", (c) => watch(c, process.stderr));

    const stop = (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (!stopping) log(`${signal}: stopping Jupyter and its kernels…`);
      stopping = true;
      try {
        child.kill("SIGTERM");
      } catch {
        /* already gone */
      }
      killTimer ??= setTimeout(() => {
        log(`Jupyter did not stop within ${Math.round(killAfterMs / 1000)} s; killing it`);
        try {
          if (IS_WINDOWS) child.kill("SIGKILL");
          else process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, killAfterMs);
      killTimer.unref?.();
    };
    const handlers = ["SIGINT", "SIGTERM", "SIGHUP"].map((signal) => {
      const handler = () => stop(signal);
      process.on(signal, handler);
      return [signal, handler];
    });
    const finish = (status) => {
      clearTimeout(quietTimer);
      clearTimeout(killTimer);
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(status);
    };
    child.on("error", (err) => {
      log(`could not start ${jupyter}: ${err.message}`);
      finish(1);
    });
    child.on("exit", (code, signal) => {
      if (stopping) log("Jupyter stopped");
      // A stop we asked for is a clean exit.
      finish(stopping ? 0 : (code ?? 128 + (signal === "SIGKILL" ? 9 : 15)));
    });
  });
}
