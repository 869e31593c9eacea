/**
 * Running the notebooks of notebooks/ headless (scripts/execute_notebook.py
 * through nbclient) and what every run must show: no error output, nothing on
 * stderr (tslab prints a cell's type errors there and skips the cell), and the
 * lab's self-checks (cells tagged `check`) saying "not answered yet" in the
 * exercise notebook, HuntingLab.ipynb, and that every answer is right in the
 * completed one, HuntingLab-Completed.ipynb (built from notebooks/source/).
 * The executed copies land in test-results/notebooks/.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CHROMIUM_PATH } from "../browser/chromium";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { requireNbclientPython } from "./huntHelpers";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-results", "notebooks");

export interface Report {
  kernel: string;
  cells: number;
  problems: { cell: number; kind: string; text: string }[];
  seconds: number;
  /** Outputs Deno's kernel published after reporting their cell idle (collected by the runner's --settle-ms). */
  late_outputs: { cell: number; type: string }[];
}

export function execute(name: string, kernel: string): { report: Report; output: string } {
  fs.mkdirSync(OUT, { recursive: true });
  const output = path.join(OUT, kernel === "tslab" ? name : name.replace(/\.ipynb$/, `.${kernel}.ipynb`));
  const r = spawnSync(requireNbclientPython(), [path.join(ROOT, "scripts", "execute_notebook.py"), path.join(ROOT, "notebooks", name), output, "--kernel", kernel, "--cwd", path.join(ROOT, "notebooks")], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as Report, output };
}

export function assertClean(name: string, report: Report): void {
  const problems = report.problems.map((p) => `cell ${p.cell} (${p.kind}): ${p.text}`).join("\n");
  assert.equal(report.problems.length, 0, `${name} (${report.kernel}) had problems:\n${problems}`);
  assert.ok(report.cells > 0);
}

type ExecutedCell = { cell_type: string; metadata?: { tags?: string[] }; outputs?: { output_type: string; data?: Record<string, unknown>; text?: unknown }[] };

/** The text/plain of every output of the cells tagged `check`, one entry per cell. */
function checkOutputs(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: ExecutedCell[] };
  const plain = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
  return nb.cells
    .filter((c) => c.cell_type === "code" && (c.metadata?.tags ?? []).includes("check"))
    .map((c) => (c.outputs ?? []).map((o) => plain(o.data?.["text/plain"] ?? o.text)).join("\n"));
}

/** The verdicts of the lab's self-checks: all "not answered yet" in the exercise notebook, all right in the completed one. */
export function assertChecks(name: string, output: string): void {
  const checks = checkOutputs(output);
  if (name === "HuntingLab.ipynb") {
    assert.ok(checks.length >= 7, `${name}: ${checks.length} self-check cells`);
    for (const [i, text] of checks.entries()) {
      assert.match(text, /not answered yet/i, `self-check ${i + 1} of ${name}:\n${text}`);
      assert.doesNotMatch(text, /^[✓✗]/m, `self-check ${i + 1} of ${name} judged an empty exercise:\n${text}`);
    }
  } else if (name === "HuntingLab-Completed.ipynb") {
    assert.ok(checks.length >= 7, `${name}: ${checks.length} self-check cells`);
    for (const [i, text] of checks.entries()) {
      assert.match(text, /^✓/m, `self-check ${i + 1} of ${name}:\n${text}`);
      assert.doesNotMatch(text, /^[✗…]/m, `self-check ${i + 1} of ${name} is not all right:\n${text}`);
    }
  }
}

/**
 * What a run of `file` shows that {@link assertClean} refuses, read from the saved notebook (as scripts/execute_notebook.py
 * reports them): error outputs and stderr streams, with the cell index. For a notebook run elsewhere and saved
 * (JupyterLab's Run All, test/jupyterlab/huntingLab.test.ts).
 */
export function savedProblems(file: string): Report["problems"] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: ExecutedCell[] };
  const plain = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
  return nb.cells.flatMap((c, cell) =>
    (c.outputs ?? []).flatMap((o) => {
      const out = o as { output_type: string; name?: string; ename?: string; evalue?: string; text?: unknown };
      if (out.output_type === "error") return [{ cell, kind: "error", text: `${out.ename}: ${out.evalue}` }];
      if (out.output_type === "stream" && out.name === "stderr") return [{ cell, kind: "stderr", text: plain(out.text).slice(0, 2000) }];
      return [];
    }),
  );
}

/** The notebook npm test's JupyterLab stage runs with Run All in tslab (test/jupyterlab/huntingLab.test.ts). */
export const JUPYTERLAB_NOTEBOOK = "HuntingLab.ipynb";

/**
 * Whether npm test's JupyterLab stage runs `name` in tslab on the lab's data and checks its saved outputs as the
 * headless run here does ({@link savedProblems}, {@link assertChecks}): test/jupyterlab/huntingLab.test.ts. Then a
 * headless tslab run of it here would execute the same cells on the same data a second time (~12 s of CPU), so it
 * is left to that stage. scripts/run.mjs sets HUNTLAB_TEST_JUPYTERLAB to the project's folder when JupyterLab is
 * provisioned for the run; Chromium must be there too (or the JupyterLab file skips), and the tslab kernel
 * registered for it. A file run by hand runs everything. (Deno's headless run stays: its kernel may publish a
 * cell's last output after the cell's idle status, which JupyterLab does not wait for and the runner does.)
 */
export function checkedInJupyterLab(name: string): boolean {
  return (
    name === JUPYTERLAB_NOTEBOOK &&
    process.env.HUNTLAB_TEST_JUPYTERLAB !== undefined &&
    path.resolve(process.env.HUNTLAB_TEST_JUPYTERLAB) === ROOT &&
    fs.existsSync(CHROMIUM_PATH) &&
    kernelSpecRegistered("tslab", path.join(ROOT, ".jupyter"))
  );
}

/** The notebooks in notebooks/, by name. */
export const NOTEBOOKS = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
