/**
 * What the `npm run hunt` tests share (test/notebooks/hunt.test.ts, huntMore.test.ts):
 * the project's folders, the runner, and small notebooks written for a test.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { NotebookJson } from "../../src/lab/huntParams";
import { findPython, hasModules } from "../../scripts/python.mjs";

export const ROOT = path.resolve(__dirname, "..", "..");
export const LAB = path.join(ROOT, "notebooks", "HuntingLab.ipynb");
export const OUT = path.join(ROOT, "test-results", "hunt");
export const HUNT_REPORT_DIR = path.join(OUT, "report");

export function readLab(): NotebookJson {
  return JSON.parse(fs.readFileSync(LAB, "utf8")) as NotebookJson;
}

let foundPython: { py: string | undefined } | undefined;

/** Whether `py` has nbclient and nbformat installed (looked up, not imported: scripts/python.mjs). */
export function hasNbclient(py: string): boolean {
  return hasModules(py, ["nbclient", "nbformat"]);
}

/** A Python with nbclient (the one `npm run hunt` would use), or undefined; found once per test file. */
export function nbclientPython(): string | undefined {
  foundPython ??= { py: findPython(["nbclient", "nbformat"]) };
  return foundPython.py;
}

/** The Python with nbclient ({@link nbclientPython}), or an error saying how to get one. */
export function requireNbclientPython(): string {
  const py = nbclientPython();
  if (!py) throw new Error("no Python with nbclient: apt-get install python3-nbclient (or pip install nbclient)");
  return py;
}

/** The environment for a hunt started here: HUNTLAB_PYTHON, the Python found here (the hunt tries it first), so the hunt does not probe the candidates again. */
export function huntEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const py = nbclientPython();
  return { ...env, ...(py ? { HUNTLAB_PYTHON: py } : {}) };
}

/** Why the kernel runs cannot happen here, or undefined; under CI a missing piece is an error. */
export function missing(): string | undefined {
  const why = !nbclientPython()
    ? "no Python with nbclient"
    : !fs.existsSync(path.join(ROOT, "node_modules", "huntlab"))
      ? "node_modules/huntlab is missing (npm test links it)"
      : undefined;
  if (why && process.env.CI) throw new Error(why);
  return why;
}

/**
 * `node scripts/run.mjs hunt ARGS` (what `npm run hunt -- ARGS` runs), told the Python found
 * here (HUNTLAB_PYTHON, which the hunt tries first) so it does not probe the candidates again.
 */
export function hunt(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run.mjs"), "hunt", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: huntEnv({ ...process.env, INIT_CWD: ROOT }),
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

export interface ExecutedCell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; huntlab?: { status?: string } };
  outputs?: unknown[];
}

/** A code cell not yet run. */
export function codeCell(source: string, tags: string[] = []): NotebookJson["cells"][number] {
  return { cell_type: "code", source, metadata: tags.length ? { tags } : {}, outputs: [], execution_count: null };
}

/** A notebook for the tslab kernel with these cells, written to `file`. */
export function tslabNotebook(file: string, cells: NotebookJson["cells"]): string {
  const nb: NotebookJson = { nbformat: 4, nbformat_minor: 4, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (huntlab)", language: "typescript" } }, cells };
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

/** An empty folder `name` under test-results/hunt. */
export function freshDir(name: string): string {
  const dir = path.join(OUT, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function readExecuted(dir: string): { cells: ExecutedCell[] } {
  return JSON.parse(fs.readFileSync(path.join(dir, "HuntingLab.ipynb"), "utf8")) as { cells: ExecutedCell[] };
}
