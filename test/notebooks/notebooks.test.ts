// npm test runs the browser checks after this file: they read the notebooks it executes.
/**
 * Every notebook in notebooks/ runs headless in the tslab kernel (through
 * nbclient) without an error output and without anything on stderr (tslab
 * prints a cell's type errors there and skips the cell). The executed copies
 * land in test-results/notebooks/ for the browser checks.
 *
 * The lab's self-checks (cells tagged `check`) say "not answered yet" in the
 * exercise notebook, HuntingLab.ipynb, and that every answer is right in the
 * completed one, HuntingLab-Completed.ipynb (built from notebooks/source/).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { nbclientPython } from "./huntHelpers";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-results", "notebooks");

/** The Python with nbclient (found once, by huntHelpers), or an error saying how to get one. */
function python(): string {
  const py = nbclientPython();
  if (!py) throw new Error("no Python with nbclient: apt-get install python3-nbclient (or pip install nbclient)");
  return py;
}

interface Report {
  kernel: string;
  cells: number;
  problems: { cell: number; kind: string; text: string }[];
  seconds: number;
  /** Outputs Deno's kernel published after reporting their cell idle (collected by the runner's --settle-ms). */
  late_outputs: { cell: number; type: string }[];
}

/** Deno's binary from the `deno` devDependency, if installed. */
function denoKernelRegistered(): boolean {
  const jupyterPath = (process.env.JUPYTER_PATH ?? "").split(path.delimiter).filter(Boolean);
  return jupyterPath.some((dir) => fs.existsSync(path.join(dir, "kernels", "deno", "kernel.json")));
}

function execute(name: string, kernel: string): { report: Report; output: string } {
  fs.mkdirSync(OUT, { recursive: true });
  const output = path.join(OUT, kernel === "tslab" ? name : name.replace(/\.ipynb$/, `.${kernel}.ipynb`));
  const r = spawnSync(python(), [path.join(ROOT, "scripts", "execute_notebook.py"), path.join(ROOT, "notebooks", name), output, "--kernel", kernel, "--cwd", path.join(ROOT, "notebooks")], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as Report, output };
}

function assertClean(name: string, report: Report): void {
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
function assertChecks(name: string, output: string): void {
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

const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

test("there are notebooks to run", () => {
  assert.ok(notebooks.includes("HuntingLab.ipynb"), "notebooks/HuntingLab.ipynb is missing");
});

for (const name of notebooks) {
  test(`notebook ${name} runs clean in tslab`, { timeout: 900_000 }, () => {
    const { report, output } = execute(name, "tslab");
    assertClean(name, report);
    assertChecks(name, output);
    console.log(`${name}: ${report.cells} code cells in ${report.seconds}s (tslab)`);
  });

  test(`notebook ${name} runs clean in Deno's kernel`, { timeout: 900_000, skip: !denoKernelRegistered() && !process.env.CI && "no Deno kernel registered" }, () => {
    const { report, output } = execute(name, "deno");
    assertClean(name, report);
    assertChecks(name, output);
    const nb = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] };
    const rich = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "display_data" && o.data?.["text/html"] && o.data["text/plain"]);
    assert.ok(rich.length > 0, "Deno produced no text/html + text/plain display_data");
    const late = report.late_outputs.length ? `; ${report.late_outputs.length} output(s) arrived after their cell's idle status and were kept` : "";
    console.log(`${name}: ${report.cells} code cells in ${report.seconds}s (Deno${late})`);
  });
}
