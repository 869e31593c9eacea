/**
 * A JupyterLab server for the UI tests: JupyterLab 4 from the project's `.venv`
 * (provisioned by the same function `npm run lab` uses), on a free loopback
 * port with a random token, with Jupyter's config, data, runtime and
 * JupyterLab's settings in a throw-away folder, so neither the user's Jupyter
 * set-up nor an earlier run leaks in. The project's kernel specs come from
 * `.jupyter/` through JUPYTER_PATH, as `npm run lab` registers them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after } from "node:test";
import { majorOf, provisionVenvLab, venvDir, venvExecutable } from "../../scripts/lab.mjs";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { within } from "../helpers/race";

export const ROOT = path.resolve(__dirname, "..", "..");
/** Screenshots and logs of the JupyterLab tests. */
export const RESULTS = path.join(ROOT, "test-results", "jupyterlab");

/** The project's Jupyter folder with the huntlab kernel specs, first on JUPYTER_PATH. */
export function jupyterPath(env: NodeJS.ProcessEnv = process.env): string {
  const own = path.join(ROOT, ".jupyter");
  const rest = (env.JUPYTER_PATH ?? "").split(path.delimiter).filter((p) => p && path.resolve(p) !== own);
  return [own, ...rest].join(path.delimiter);
}

/** Whether the project registered a kernel spec (`tslab`, `deno`) in `.jupyter/`. */
export function kernelRegistered(name: string): boolean {
  return kernelSpecRegistered(name, path.join(ROOT, ".jupyter"));
}

/**
 * The version of JupyterLab installed in `.venv`, read from its package
 * metadata (`site-packages/jupyterlab-X.Y.Z.dist-info`), or undefined when
 * `.venv` has no `jupyter` or no JupyterLab. Asking `jupyter lab --version`
 * costs about 3 s of CPU (Python imports the whole server), in each test file.
 */
export function venvLabVersion(root = ROOT): string | undefined {
  const venv = venvDir(root);
  if (!fs.existsSync(venvExecutable(venv, "jupyter"))) return undefined;
  const lib = path.join(venv, process.platform === "win32" ? "Lib" : "lib");
  const sites = process.platform === "win32" ? [path.join(lib, "site-packages")] : (fs.existsSync(lib) ? fs.readdirSync(lib) : []).map((d) => path.join(lib, d, "site-packages"));
  for (const site of sites.filter((s) => fs.existsSync(s))) {
    for (const entry of fs.readdirSync(site)) {
      const version = /^jupyterlab-(\d+\.[^-]*)\.dist-info$/i.exec(entry)?.[1];
      if (version) return version;
    }
  }
  return undefined;
}

/**
 * JupyterLab ≥ 4 in `.venv`, installed there first when missing (pip's output
 * is shown only when it fails). Throws with the reason when it cannot be had.
 * An installed JupyterLab 4 is taken from its package metadata
 * ({@link venvLabVersion}); the server's start then shows whether it runs.
 */
export function provisionLab(): { jupyter: string; version: string; installed: boolean } {
  const installed = venvLabVersion();
  if (installed && majorOf(installed) >= 4) return { jupyter: venvExecutable(venvDir(ROOT), "jupyter"), version: installed, installed: false };
  const result = provisionVenvLab({ root: ROOT, quiet: true, log: (msg) => console.log(`[jupyterlab] ${msg}`) });
  if ("error" in result) throw new Error(`JupyterLab 4 could not be provisioned in .venv: ${result.error}`);
  return result;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Pids of live processes whose command line mentions `needle` (Linux /proc; empty elsewhere). */
export function processesMentioning(needle: string): number[] {
  if (!fs.existsSync("/proc")) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const state = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      if (state !== "Z" && cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

export interface LabServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  token: string;
  /** The folder JupyterLab serves. */
  rootDir: string;
  /** Jupyter's runtime folder: kernel connection files (and so kernel command lines) mention it. */
  runtimeDir: string;
  /** Everything the server printed so far. */
  output(): string;
  /**
   * `path` (relative to rootDir) as a JupyterLab URL, token included. With a
   * `workspace`, in that JupyterLab workspace, reset: only this document opens
   * (the default workspace reopens every document left open before).
   */
  url(path?: string, workspace?: string): string;
  /** Shuts down every session's kernel (a test file's, at its end, when the server serves the next file too). */
  endSessions(): Promise<void>;
  /** Stops the server with SIGTERM (Jupyter shuts its kernels down); kills it after 30 s. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The `jupyter` executable; default the project's `.venv`. */
  jupyter?: string;
  /** The folder to serve. */
  rootDir: string;
  /** Extra server arguments. */
  args?: string[];
}

async function waitForServer(base: string, token: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`JupyterLab did not answer on ${base} within ${timeoutMs / 1000} s:\n${output()}`);
}

/** Starts JupyterLab and waits until its REST API answers. */
export async function startLab(options: StartOptions): Promise<LabServer> {
  const jupyter = options.jupyter ?? provisionLab().jupyter;
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-jupyter-"));
  const dirs = {
    JUPYTER_CONFIG_DIR: path.join(state, "config"),
    JUPYTER_DATA_DIR: path.join(state, "data"),
    JUPYTER_RUNTIME_DIR: path.join(state, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(state, "lab-settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(state, "lab-workspaces"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  // No "get Jupyter news?" toast over the notebook.
  const notification = path.join(dirs.JUPYTERLAB_SETTINGS_DIR, "@jupyterlab", "apputils-extension");
  fs.mkdirSync(notification, { recursive: true });
  fs.writeFileSync(path.join(notification, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  // No autosave: the tests save when they mean to. An autosave racing a test's own save (or a busy disk's
  // timestamps) raised JupyterLab's "File Changed … overwrite or revert?" dialog over the notebook, and the
  // next click (the Deno kernel switch) waited behind it until it timed out.
  const docmanager = path.join(dirs.JUPYTERLAB_SETTINGS_DIR, "@jupyterlab", "docmanager-extension");
  fs.mkdirSync(docmanager, { recursive: true });
  fs.writeFileSync(path.join(docmanager, "plugin.jupyterlab-settings"), JSON.stringify({ autosave: false }));
  const env: NodeJS.ProcessEnv = { ...process.env, ...dirs, JUPYTER_PATH: jupyterPath() };
  delete env.JUPYTER_TOKEN;
  const rootFlag = typeof process.getuid === "function" && process.getuid() === 0 ? ["--allow-root"] : [];
  const child = spawn(
    jupyter,
    [
      "lab",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${options.rootDir}`,
      // Nothing from the internet: no update check, no news.
      "--LabApp.news_url=None",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      // window.jupyterapp: a test opens a notebook without its kernel through the app's command (labPage.ts, openNotebook).
      "--LabApp.expose_app_in_browser=True",
      ...rootFlag,
      ...(options.args ?? []),
    ],
    { cwd: options.rootDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const output = () => log;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killed = await within(exited.then(() => false), 30_000, () => true);
      if (killed) {
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          /* gone */
        }
        await exited;
      }
    }
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, `server-${port}.log`), log);
    fs.rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForServer(base, token, child, output, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    base,
    token,
    rootDir: options.rootDir,
    runtimeDir: dirs.JUPYTER_RUNTIME_DIR,
    output,
    url: (p = "", workspace?: string) =>
      `${base}/lab${workspace ? `/workspaces/${encodeURIComponent(workspace)}` : ""}${p ? `/tree/${p.split("/").map(encodeURIComponent).join("/")}` : ""}?${workspace ? "reset&" : ""}token=${token}`,
    endSessions: async () => {
      const headers = { Authorization: `token ${token}` };
      const sessions = (await (await fetch(`${base}/api/sessions`, { headers })).json()) as { id: string }[];
      await Promise.all(sessions.map((s) => fetch(`${base}/api/sessions/${s.id}`, { method: "DELETE", headers })));
    },
    stop,
  };
}

export interface SharedLab {
  server: LabServer;
  /** The folder it serves (a {@link workFolder}): each test file puts its notebooks there under names of its own. */
  dir: string;
}

let shared: Promise<SharedLab> | undefined;

/**
 * The process's JupyterLab server, started on first use. `npm test` runs the
 * JupyterLab test files in one process (scripts/run.mjs, `--test-isolation=none`),
 * so one server start (Python importing Jupyter's server and its extensions)
 * serves them all, as one Chromium does (test/browser/sharedChromium.ts). A file
 * opens its pages in a JupyterLab workspace of its own (the default one would
 * reopen the other files' notebooks) and ends its kernels in its `after`
 * ({@link LabServer.endSessions}). The server stops, and its folder goes, when
 * the process's last test has run (a hook of the root test).
 */
export function sharedLab(): Promise<SharedLab> {
  if (!shared) {
    shared = (async () => {
      const started = Date.now();
      const provisioned = provisionLab();
      console.log(`JupyterLab ${provisioned.version} from .venv${provisioned.installed ? `, installed in ${Math.round((Date.now() - started) / 1000)} s` : ""}`);
      const work = workFolder();
      try {
        const server = await startLab({ jupyter: provisioned.jupyter, rootDir: work.dir });
        const stop = server.stop;
        return { server: { ...server, stop: async () => (await stop(), work.remove()) }, dir: work.dir };
      } catch (err) {
        work.remove();
        throw err;
      }
    })();
  }
  return shared;
}

after(async () => {
  const closing = shared;
  shared = undefined;
  await (await closing?.catch(() => undefined))?.server.stop();
});

/**
 * A folder for a test's notebooks, directly inside the project (so a notebook's
 * `../data` is the project's data and `huntlab` resolves through its
 * node_modules), removed by `remove()`.
 */
export function workFolder(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(ROOT, ".jupyterlab-test-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a notebook of notebooks/ into `dir`, outputs and execution counts cleared. */
export function copyNotebook(name: string, dir: string, as = name): string {
  const notebook = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", name), "utf8")) as { cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const target = path.join(dir, as);
  fs.writeFileSync(target, JSON.stringify(notebook, null, 1) + "\n");
  return target;
}
