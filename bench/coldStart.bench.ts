/**
 * Cold start (issue 17): the completed lab notebook run headless in tslab, as
 * `npm test` and `build-notebooks --execute` do (scripts/execute_notebook.py,
 * nbclient), and where its time goes. Target: the whole run ≤ 10 s.
 *
 * Phases, medians of HUNTLAB_COLDSTART_RUNS runs (default 3):
 * - run: execute_notebook.py's own figure (kernel start to kernel shutdown),
 *   and the kernel process's CPU time (user + system, from /usr/bin/time around
 *   the kernel when it is there): on a shared machine, compare this;
 * - kernel start + shutdown: run − the sum of the cells' times (nbclient's
 *   cell start → reply);
 * - cells: the sum of the cells' times, split into
 *   - tslab's type check and emit of each cell (bench/coldStartChild.ts
 *     `typecheck`, the same converter calls in a fresh process): the first cell
 *     (`import … from "huntlab"`: dist/*.d.ts and what they pull in), the others;
 *   - the rest: running the cells (module loading, data, rendering; `require("huntlab")`
 *     alone is measured in a fresh process too).
 * tslab loads its TypeScript and creates its converter (lib.es2022 and every
 * @types package parsed) when the kernel starts, before it answers: both are
 * part of "kernel start", shown apart as measured in the child.
 * Then the declaration files a cell's `import … from "huntlab"` reads, by package.
 * The kernel needs JUPYTER_PATH with .jupyter (set here when absent) and a
 * Python with nbclient (HUNTLAB_PYTHON, python3, /usr/bin/python3).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DeclFiles, TypecheckTimes } from "./coldStartChild";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOK = path.join(ROOT, "notebooks", "HuntingLab-Completed.ipynb");
const TARGET_MS = 10_000;

interface RunTimes {
  runMs: number;
  /** CPU of the kernel process (undefined without /usr/bin/time). */
  kernelCpuMs?: number;
  cellsMs: number;
  firstCellMs: number;
  cells: number;
}

function findPython(): string | undefined {
  const candidates = [process.env.HUNTLAB_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  return candidates.find((py) => spawnSync(py, ["-c", "import nbclient, nbformat"], { stdio: "ignore" }).status === 0);
}

function env(first?: string): NodeJS.ProcessEnv {
  const jupyter = path.join(ROOT, ".jupyter");
  const current = (process.env.JUPYTER_PATH ?? "").split(path.delimiter).filter(Boolean);
  const dirs = current.includes(jupyter) ? current : [jupyter, ...current];
  return { ...process.env, JUPYTER_PATH: (first ? [first, ...dirs] : dirs).join(path.delimiter) };
}

/** A Jupyter folder whose tslab kernel is the project's, run under /usr/bin/time (its CPU to `cpuFile`); undefined without either. */
function timedKernel(): { dir: string; cpuFile: string } | undefined {
  const spec = path.join(ROOT, ".jupyter", "kernels", "tslab", "kernel.json");
  if (!fs.existsSync("/usr/bin/time") || !fs.existsSync(spec)) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-coldstart-kernel-"));
  const cpuFile = path.join(dir, "cpu.txt");
  const kernel = JSON.parse(fs.readFileSync(spec, "utf8")) as { argv: string[] };
  kernel.argv = ["/usr/bin/time", "-f", "%U %S", "-o", cpuFile, ...kernel.argv];
  fs.mkdirSync(path.join(dir, "kernels", "tslab"), { recursive: true });
  fs.writeFileSync(path.join(dir, "kernels", "tslab", "kernel.json"), JSON.stringify(kernel));
  return { dir, cpuFile };
}

/** One headless run; per-cell seconds from `--progress` lines ("… ok 0.8s  first line"). */
function headlessRun(python: string, out: string, timed: { dir: string; cpuFile: string } | undefined): RunTimes {
  if (timed) fs.rmSync(timed.cpuFile, { force: true });
  const r = spawnSync(python, [path.join(ROOT, "scripts", "execute_notebook.py"), NOTEBOOK, out, "--kernel", "tslab", "--cwd", path.join(ROOT, "notebooks"), "--progress"], {
    encoding: "utf8",
    env: env(timed?.dir),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`execute_notebook.py failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { seconds: number; problems: unknown[]; cells: number };
  if (report.problems.length) throw new Error(`the notebook had problems: ${JSON.stringify(report.problems).slice(0, 2000)}`);
  const seconds = [...r.stderr.matchAll(/^\[hunt\] cell \d+\/\d+ \(code \d+\/\d+\) \S+ ([\d.]+)s/gm)].map((m) => Number(m[1]) * 1000);
  const cpu = timed && fs.existsSync(timed.cpuFile) ? fs.readFileSync(timed.cpuFile, "utf8").trim().split(/\s+/).slice(-2).map(Number) : [];
  const kernelCpuMs = cpu.length === 2 && cpu.every(Number.isFinite) ? (cpu[0] + cpu[1]) * 1000 : undefined;
  return { runMs: report.seconds * 1000, kernelCpuMs, cellsMs: seconds.reduce((a, b) => a + b, 0), firstCellMs: seconds[0] ?? 0, cells: report.cells };
}

/** The environment the tslab kernel spec sets (scripts/run.mjs: NODE_PATH, NODE_COMPILE_CACHE), for the children to load modules as the kernel does. */
function kernelEnv(): Record<string, string> {
  const spec = path.join(ROOT, ".jupyter", "kernels", "tslab", "kernel.json");
  if (!fs.existsSync(spec)) return {};
  return (JSON.parse(fs.readFileSync(spec, "utf8")) as { env?: Record<string, string> }).env ?? {};
}

function child<T>(mode: string): T {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "coldStartChild.ts"), mode, NOTEBOOK], { encoding: "utf8", env: { ...env(), ...kernelEnv() } });
  if (r.status !== 0) throw new Error(`coldStartChild ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as T;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  console.log("\n## cold start: the completed lab notebook, headless in tslab");
  const python = findPython();
  if (!python) {
    console.log("skipped: no Python with nbclient (apt-get install python3-nbclient, or set HUNTLAB_PYTHON)");
    return;
  }
  if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) throw new Error("dist/ is not built: npm run build");
  const runs = Number(process.env.HUNTLAB_COLDSTART_RUNS ?? 3);
  const out = path.join(os.tmpdir(), `huntlab-coldstart-${process.pid}.ipynb`);
  const headless: RunTimes[] = [];
  const checks: TypecheckTimes[] = [];
  const requires: { requireMs: number }[] = [];
  const timed = timedKernel();
  const loadBefore = os.loadavg()[0];
  // Interleaved, so that a burst of load on the shared machine hits every phase alike.
  for (let i = 0; i < runs; i++) {
    headless.push(headlessRun(python, out, timed));
    checks.push(child<TypecheckTimes>("typecheck"));
    requires.push(child<{ requireMs: number }>("require"));
  }
  fs.rmSync(out, { force: true });
  if (timed) fs.rmSync(timed.dir, { recursive: true, force: true });
  const rejected = checks.flatMap((c) => c.rejected);
  if (rejected.length) throw new Error(`tslab rejects cells (type errors):\n${rejected.join("\n")}`);

  const runMs = median(headless.map((h) => h.runMs));
  const cellsMs = median(headless.map((h) => h.cellsMs));
  const checkTotal = median(checks.map((c) => c.firstCellMs + c.otherCellsMs));
  const rows: [string, number, string?][] = [
    ["run (execute_notebook.py: kernel start → shutdown)", runMs, `${TARGET_MS / 1000} s target: ${runMs <= TARGET_MS ? "ok" : "MISSED"}`],
    ...(headless.every((h) => h.kernelCpuMs !== undefined) ? [["  kernel process CPU (user + system)", median(headless.map((h) => h.kernelCpuMs ?? 0)), "compare this on a shared machine"] as [string, number, string]] : []),
    ["  kernel start + shutdown (run − cells)", median(headless.map((h) => h.runMs - h.cellsMs))],
    ["    tslab's TypeScript loaded (fresh process)", median(checks.map((c) => c.loadTypescriptMs))],
    ["    tslab's converter created (lib, @types; fresh process)", median(checks.map((c) => c.createConverterMs))],
    [`  cells (${headless[0].cells} code cells, nbclient's times)`, cellsMs],
    ["    first cell (import … from \"huntlab\")", median(headless.map((h) => h.firstCellMs))],
    ["    tslab type check + emit, all cells (fresh process)", checkTotal],
    ["      first cell's check (dist/*.d.ts and their imports)", median(checks.map((c) => c.firstCellMs))],
    ["      the other cells' checks", median(checks.map((c) => c.otherCellsMs)), `${(median(checks.map((c) => c.otherCellsMs)) / Math.max(1, headless[0].cells - 1)).toFixed(0)} ms a cell`],
    ["    running the cells (cells − type check)", cellsMs - checkTotal],
    ["      require(\"huntlab\") (fresh process)", median(requires.map((r) => r.requireMs))],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${"phase".padEnd(width)}  ${"median".padStart(8)}  (${runs} runs, wall unless said, load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; CPU of tslab's load, converter and checks in the child ${sec(median(checks.map((c) => c.cpuMs)))})`);
  for (const [name, ms, note] of rows) console.log(`${name.padEnd(width)}  ${sec(ms).padStart(8)}${note ? `  ${note}` : ""}`);
  const decl = child<DeclFiles>("declfiles");
  const packages = Object.entries(decl.byPackage).map(([name, n]) => `${name} ${n}`).join(", ");
  console.log(`declaration files an \`import … from "huntlab"\` reads: ${decl.files} (${(decl.bytes / 1e6).toFixed(2)} MB; ${packages})`);
}
