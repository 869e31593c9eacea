/**
 * Every notebook in notebooks/ runs headless in the tslab kernel (through
 * nbclient) without an error output and without anything on stderr (tslab
 * prints a cell's type errors there and skips the cell). The executed copies
 * land in test-results/notebooks/ for the browser checks.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-results", "notebooks");

function python(): string {
  const candidates = [process.env.HUNTLAB_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  for (const py of candidates) {
    if (spawnSync(py, ["-c", "import nbclient, nbformat"], { stdio: "ignore" }).status === 0) return py;
  }
  throw new Error("no Python with nbclient: apt-get install python3-nbclient (or pip install nbclient)");
}

interface Report {
  kernel: string;
  cells: number;
  problems: { cell: number; kind: string; text: string }[];
  seconds: number;
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

const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

test("there are notebooks to run", () => {
  assert.ok(notebooks.includes("HuntingLab.ipynb"), "notebooks/HuntingLab.ipynb is missing");
});

for (const name of notebooks) {
  test(`notebook ${name} runs clean in tslab`, { timeout: 900_000 }, () => {
    const { report } = execute(name, "tslab");
    assertClean(name, report);
    console.log(`${name}: ${report.cells} code cells in ${report.seconds}s (tslab)`);
  });

  test(`notebook ${name} runs clean in Deno's kernel`, { timeout: 900_000, skip: !denoKernelRegistered() && !process.env.CI && "no Deno kernel registered" }, () => {
    const { report, output } = execute(name, "deno");
    assertClean(name, report);
    const nb = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] };
    const rich = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "display_data" && o.data?.["text/html"] && o.data["text/plain"]);
    assert.ok(rich.length > 0, "Deno produced no text/html + text/plain display_data");
    console.log(`${name}: ${report.cells} code cells in ${report.seconds}s (Deno)`);
  });
}
