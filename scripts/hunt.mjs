/**
 * `npm run hunt`: re-run a notebook on new data, headless, as papermill does
 * for Python notebooks, and write the executed notebook and an HTML report.
 *
 *   npm run hunt -- --data DIR [--queries DIR] [--notebook notebooks/HuntingLab.ipynb]
 *                   [--out DIR] [--kernel tslab|deno] [--param name=value ...] [--allow-errors]
 *
 * 1. The notebook's first code cell tagged `parameters` declares the parameters;
 *    a cell tagged `injected-parameters` is added after it with the values given
 *    (`--data` sets dataPaths, `--queries` queryPaths, `--param` any other).
 *    Without --queries, a --data folder that holds no query files (YAML) is read
 *    with the lab's queries (data/queries): the lab's file names, any format.
 * 2. scripts/execute_notebook.py runs it with nbclient (progress per cell on
 *    stderr), stopping at the first failed cell unless --allow-errors.
 * 3. <out>/<notebook>.ipynb (executed) and <out>/<notebook>.html (the report,
 *    src/lab/huntReport.ts) are written, also when a cell failed.
 * Exit: 0 when every cell ran (or --allow-errors), 1 when a cell failed or the
 * kernel could not run it, 2 for bad arguments.
 *
 * Called by scripts/run.mjs (which prepares Node, dist/ and the kernels) as
 * `hunt(ctx)`; relative paths are taken from where npm was started (INIT_CWD).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { tsImport } from "tsx/esm/api";
import { distCurrent } from "./distCurrent.mjs";
import { findPython } from "./python.mjs";
import { newResultsFolder } from "./resultsFolder.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * One of huntlab's src/lab modules (huntParams, huntReport): compiled from dist/ when dist/ is current
 * (scripts/distCurrent.mjs, the build's own rule), else from src/ through tsx, so a hunt never runs a stale
 * build. tsx costs ~2 CPU-s a hunt for these two and the src/ modules they import; dist/ ~0.4.
 */
async function labModule(name) {
  if (distCurrent(ROOT)) return createRequire(import.meta.url)(path.join(ROOT, "dist", "lab", `${name}.js`));
  return tsImport(pathToFileURL(path.join(ROOT, "src", "lab", `${name}.ts`)).href, import.meta.url);
}
const LAB_QUERIES = path.join(ROOT, "data", "queries");
const log = (msg) => console.error(`[hunt] ${msg}`);

const USAGE = `usage: npm run hunt -- --data DIR [--queries DIR] [--notebook notebooks/HuntingLab.ipynb]
                      [--out DIR] [--kernel tslab|deno] [--param name=value ...] [--allow-errors]`;

class UsageError extends Error {}

/** Command-line options, validated. */
export function parseHuntArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        // Given twice, parseArgs would keep the last silently: collected, then refused.
        data: { type: "string", multiple: true, default: [] },
        queries: { type: "string", multiple: true, default: [] },
        notebook: { type: "string", default: "notebooks/HuntingLab.ipynb" },
        out: { type: "string" },
        kernel: { type: "string" },
        param: { type: "string", multiple: true, default: [] },
        "allow-errors": { type: "boolean", default: false },
        timeout: { type: "string", default: "600" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${err.message}\n${USAGE}`);
  }
  const v = parsed.values;
  for (const name of ["data", "queries"]) {
    if (v[name].length > 1) throw new UsageError(`--${name} given ${v[name].length} times (${v[name].join(", ")}): give one folder`);
    v[name] = v[name][0];
  }
  // `--data "$DIR"` with DIR unset: "" would be the current folder, or for --data and --queries no option at all (the lab's own data).
  for (const name of ["data", "queries", "notebook", "out"]) {
    if (v[name] === "") throw new UsageError(`--${name} "": an empty path (an unset variable?); give a ${name === "notebook" ? "notebook file" : "folder"}`);
  }
  if (v.kernel && !["tslab", "deno"].includes(v.kernel)) throw new UsageError(`--kernel ${v.kernel}: expected tslab or deno`);
  if (!/^\d+$/.test(v.timeout)) throw new UsageError(`--timeout ${v.timeout}: expected seconds per cell`);
  return { ...v, allowErrors: v["allow-errors"], timeout: Number(v.timeout) };
}

/**
 * True when `file` reads as a query file: YAML with a top-level `sources:` map,
 * as MSTICPy's query files have. Any other YAML that exports sit beside (a Sigma
 * rule, a docker-compose.yml, settings) must not take the lab's queries away.
 */
function isQueryFile(file) {
  let head = "";
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buf = Buffer.alloc(64 * 1024);
      head = buf.toString("utf8", 0, fs.readSync(fd, buf, 0, buf.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
  return /^["']?sources["']?\s*:/m.test(head);
}

/** True when `dir` holds a query file (*.yaml / *.yml with `sources:`), looking a few levels down. */
function hasQueryFiles(dir, depth = 4) {
  if (depth < 0) return false;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) => (e.isFile() && /\.ya?ml$/i.test(e.name) && isQueryFile(path.join(dir, e.name))) || (e.isDirectory() && !e.name.startsWith(".") && hasQueryFiles(path.join(dir, e.name), depth - 1)));
}

/**
 * Makes `dir` and its missing parents one level at a time. Not mkdirSync's `recursive`: where the file system
 * refuses a new folder with ENOENT although its parent exists (procfs: `/proc/x`), Node retries it forever.
 */
function makeFolder(dir) {
  const missing = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if (err?.code !== "EEXIST") throw err;
    }
  }
  if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`not a folder: ${dir}`), { code: "ENOTDIR" });
}

function timestamp(date) {
  return date.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}

/** Runs execute_notebook.py; its stderr (progress) goes to ours, its stdout is the JSON report. */
function execute(python, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(ROOT, "scripts", "execute_notebook.py"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      const s = d.toString();
      stderr += s;
      // Progress lines are ours; the rest (kernel and nbclient logs) only when something breaks.
      for (const line of s.split("\n")) if (line.startsWith("[hunt] ")) process.stderr.write(line + "\n");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function indent(text, prefix = "    ") {
  return text.split("\n").map((l) => prefix + l).join("\n");
}

/**
 * The hunt. `ctx.env` is the environment prepared by run.mjs (project Node on
 * PATH, JUPYTER_PATH with the project's kernels). Returns the exit code.
 */
export async function runHunt(argv, ctx = {}) {
  const env = ctx.env ?? process.env;
  const base = process.env.INIT_CWD ?? process.cwd();
  const opts = parseHuntArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const params = await labModule("huntParams");
  const notebookPath = path.resolve(base, opts.notebook);
  if (!fs.existsSync(notebookPath)) throw new UsageError(`--notebook ${opts.notebook}: no such file (${notebookPath})`);
  const notebookName = path.relative(base, notebookPath) || notebookPath;
  let notebook;
  try {
    notebook = JSON.parse(fs.readFileSync(notebookPath, "utf8"));
  } catch (err) {
    const why = err?.code === "EISDIR" ? "a folder, not a notebook file" : err instanceof SyntaxError ? `not a notebook (no JSON: ${err.message})` : (err?.message ?? String(err));
    throw new UsageError(`--notebook ${opts.notebook}: ${why} (${notebookPath})`);
  }
  if (!Array.isArray(notebook?.cells)) throw new UsageError(`--notebook ${opts.notebook}: not a Jupyter notebook (no list of cells) (${notebookPath})`);
  // The folders go to the notebook's dataPaths/queryPaths: a notebook without them must say so, not refuse a name the user never typed.
  const at = params.findParametersCell(notebook);
  const declared = new Set(at < 0 ? [] : params.parseParameters(params.cellText(notebook.cells[at].source)).map((d) => d.name));
  for (const [option, param] of [["data", "dataPaths"], ["queries", "queryPaths"]]) {
    if (opts[option] && at >= 0 && !declared.has(param)) {
      throw new UsageError(`--${option} sets the parameter ${param}, which ${notebookName} does not declare (its parameters cell declares: ${[...declared].join(", ") || "nothing"})`);
    }
  }
  // No prototype: `--param __proto__=x` is an unknown name, not a lost one.
  const values = Object.create(null);
  for (const arg of opts.param) {
    const [name, raw] = params.splitAssignment(arg);
    if (name in values) throw new UsageError(`--param ${name} given twice (${JSON.stringify(values[name])} and ${JSON.stringify(raw)}): give it once`);
    values[name] = raw;
  }
  const dataPaths = [];
  const queryPaths = [];
  if (opts.data) {
    const dir = path.resolve(base, opts.data);
    if (!fs.existsSync(dir)) throw new UsageError(`--data ${opts.data}: no such folder (${dir})`);
    dataPaths.push(dir);
    if ("dataPaths" in values) throw new UsageError(`--data and --param dataPaths both set the data folders: give one of them`);
    values.dataPaths = dataPaths;
  }
  if (opts.queries) {
    const dir = path.resolve(base, opts.queries);
    if (!fs.existsSync(dir)) throw new UsageError(`--queries ${opts.queries}: no such folder (${dir})`);
    if ("queryPaths" in values) throw new UsageError(`--queries and --param queryPaths both set the query folders: give one of them`);
    queryPaths.push(dir);
  } else if (opts.data && !("queryPaths" in values) && declared.has("queryPaths")) {
    // A folder of exports with no query files: the lab's queries read its files by their names.
    queryPaths.push(hasQueryFiles(dataPaths[0]) ? dataPaths[0] : LAB_QUERIES);
  }
  if (queryPaths.length) values.queryPaths = queryPaths;

  const name = path.basename(notebookPath).replace(/\.ipynb$/i, "");
  const p = params.parameterize(notebook, values, notebookName);

  const started = new Date();
  const results = path.join(ROOT, "hunt-results");
  let outDir = opts.out === undefined ? results : path.resolve(base, opts.out);
  const outOption = opts.out === undefined ? "the results folder" : `--out ${opts.out}`;
  try {
    makeFolder(outDir);
    // A folder of this run's own: runs started in the same second wrote over each other's notebook and report.
    if (opts.out === undefined) outDir = newResultsFolder(results, timestamp(started));
  } catch (err) {
    const why = err?.code === "EEXIST" || err?.code === "ENOTDIR" ? "a file is in the way" : err?.code === "ENOENT" ? "the file system there takes no new folders" : (err?.message ?? String(err));
    // The default folder is in the checkout, which may be a shared read-only copy.
    throw new UsageError(`${outOption}: cannot make the folder ${outDir} (${why})${opts.out === undefined ? "; give --out DIR, a folder you can write in" : ""}`);
  }
  const executed = path.join(outDir, `${name}.ipynb`);
  const reportFile = path.join(outDir, `${name}.html`);
  // The executed copy would replace the notebook itself (`--out .` beside it).
  if (path.join(fs.realpathSync(outDir), path.basename(executed)) === fs.realpathSync(notebookPath)) throw new UsageError(`--out ${opts.out}: the executed notebook would overwrite ${path.relative(base, notebookPath) || notebookPath}; choose another folder`);
  // Written before the kernel starts: a folder that takes no files (read-only, `/proc`) is refused here.
  try {
    fs.writeFileSync(executed, JSON.stringify(p.notebook, null, 1) + "\n");
  } catch (err) {
    throw new UsageError(`${outOption}: cannot write in the folder ${outDir} (${err?.code === "ENOENT" ? "the file system there takes no new files" : (err?.message ?? String(err))})`);
  }

  const python = findPython(["nbclient", "nbformat"]);
  if (!python) {
    log("no Python with nbclient found: apt-get install python3-nbclient (or pip install nbclient), or set HUNTLAB_PYTHON");
    return 1;
  }
  const kernel = opts.kernel ?? notebook.metadata?.kernelspec?.name ?? "tslab";
  for (const [k, v] of Object.entries(p.injected)) log(`${k} = ${params.literal(v)}`);
  log(`running ${path.relative(base, notebookPath) || notebookPath} in ${kernel} (${p.notebook.cells.filter((c) => c.cell_type === "code").length} code cells)…`);
  const args = [executed, executed, "--kernel", kernel, "--cwd", path.dirname(notebookPath), "--timeout", String(opts.timeout), "--progress", "--mark-cells"];
  if (!opts.allowErrors) args.push("--stop-on-error");
  const run = await execute(python, args, env);
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    log(`the notebook runner failed (exit ${run.code}):\n${run.stderr.trim()}`);
    return 1;
  }

  const reportModule = await labModule("huntReport");
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const executedNb = JSON.parse(fs.readFileSync(executed, "utf8"));
  const page = reportModule.buildHuntReport(executedNb, {
    notebook: path.relative(base, notebookPath) || notebookPath,
    dataPaths,
    queryPaths,
    parameters: params.effectiveParameters(p),
    kernel,
    started: started.toISOString(),
    seconds: report.seconds,
    huntlabVersion: pkg.version,
    failures: report.failures,
    stopped: report.stopped,
    problem: report.problems.filter((x) => x.kind === "execution").map((x) => x.text).join("\n") || undefined,
  });
  fs.writeFileSync(reportFile, page);

  const broken = report.problems.filter((x) => x.kind === "execution");
  for (const b of broken) log(`the kernel could not run the notebook: ${b.text}`);
  if (broken.length) {
    // The kernel's own words (its log lines on the runner's stderr) say why.
    const kernelLog = run.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("[hunt] ")).slice(-15);
    if (kernelLog.length) log(`the kernel's last log lines:\n${indent(kernelLog.join("\n"))}`);
  }
  for (const f of report.failures) {
    const cell = executedNb.cells[f.cell];
    log(
      `cell ${f.cell + 1}${cell?.execution_count ? ` (In [${cell.execution_count}])` : ""} failed:\n` +
        indent(f.source) +
        "\n  error:\n" +
        indent(reportModule.errorSummary(f.error)),
    );
  }
  log(`executed notebook: ${executed}`);
  log(`report: ${reportFile}`);
  if (broken.length) return 1;
  if (report.failures.length) {
    if (opts.allowErrors) {
      log(`${report.failures.length} cell(s) failed (--allow-errors: marked in the report)`);
      return 0;
    }
    log(`stopped at the failed cell (--allow-errors runs the rest and marks failed cells in the report)`);
    return 1;
  }
  log(`all ${report.cells} code cells ran in ${report.seconds}s`);
  return 0;
}

/** Entry point for scripts/run.mjs: `hunt: (ctx) => …hunt(ctx)`. Exits the process. */
export async function hunt(ctx = {}, argv = process.argv.slice(3)) {
  let code;
  try {
    code = await runHunt(argv, ctx);
  } catch (err) {
    const known = err instanceof UsageError || err?.name === "HuntParameterError";
    log(known ? err.message : err?.stack ?? String(err));
    code = known ? 2 : 1;
  }
  process.exit(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await hunt({}, process.argv.slice(2));
}
