// npm test runs this file in the views lane: its kernel runs there even out the lanes (the other notebook tests run after JupyterLab's).
/**
 * `npm run hunt` beyond the lab's own data: the command lines it refuses (and
 * a Sigma rule among the exports), a data folder in other schemas
 * (Sysmon, nested ECS, Zeek), broken data folders that must stop the hunt with
 * the cell and the file named, --allow-errors, a cell that never finishes, and
 * kernels that die before the first cell. The parameters, the report and the
 * full run the browser checks read: hunt.test.ts.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { LAB_IP, NEW_ACCOUNT, NEW_HOST, NEW_IP } from "../fixtures/hunt/makeData";
import { FOREIGN_LAYOUT, makeForeignHuntData } from "../fixtures/hunt/makeForeignData";
import { cellText, type NotebookJson } from "../../src/lab/huntParams";
import { OUT, ROOT, codeCell, freshDir, hunt, huntEnv, missing, nbclientPython, readExecuted, tslabNotebook, type ExecutedCell } from "./huntHelpers";

/**
 * Command lines the hunt refuses, run one after the other in ONE Node process: each is
 * scripts/hunt.mjs's own entry point, `hunt(ctx, argv)`, with process.exit caught (its
 * code is the status) and stderr kept. A process per command line cost ~0.5 s of CPU
 * each (Node, src/lab/huntParams); the first test still runs a refusal as a process of its own.
 */
function refusals(runs: string[][]): { status: number | null; stderr: string }[] {
  const script = `
    const { hunt } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "scripts", "hunt.mjs")).href)});
    const EXIT = Symbol("exit");
    const results = [];
    const write = process.stderr.write;
    const exit = process.exit;
    for (const argv of JSON.parse(process.env.HUNTLAB_TEST_RUNS)) {
      let stderr = "";
      let status = null;
      process.stderr.write = (chunk) => ((stderr += chunk), true);
      process.exit = (code) => {
        status = code ?? 0;
        throw EXIT;
      };
      try {
        await hunt({}, argv);
      } catch (err) {
        if (err !== EXIT) stderr += String(err?.stack ?? err);
      } finally {
        process.stderr.write = write;
        process.exit = exit;
      }
      results.push({ status, stderr });
    }
    process.stdout.write(JSON.stringify(results));
  `;
  // A time limit: a refusal that hangs (mkdir in /proc did) fails the test instead of holding the run.
  const r = spawnSync(process.execPath, ["--input-type=module", "--eval", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, INIT_CWD: ROOT, HUNTLAB_TEST_RUNS: JSON.stringify(runs) } });
  assert.equal(r.status, 0, `the refusals' process failed${r.error ? ` (${r.error.message})` : ""}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as { status: number | null; stderr: string }[];
}

// The command lines the hunt refuses (in one process, see refusalsOf), and a query folder it must not take (a kernel is never started).
describe("npm run hunt's command line", () => {
  type Refusal = { status: number | null; stderr: string };
  const data = path.join(ROOT, "data");
  const procfs = fs.existsSync("/proc/self");

  /** The command lines the tests below refuse, by test, with the files they name written. */
  function commandLines(): Record<"missing" | "twice" | "empty" | "proc", string[][]> {
    fs.mkdirSync(OUT, { recursive: true });
    // A notebook without dataPaths: the option is named, not a parameter the user never typed.
    const own = path.join(OUT, "refused-no-datapaths.ipynb");
    fs.writeFileSync(own, JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: "code", source: 'let hostName = "h";', metadata: { tags: ["parameters"] }, outputs: [], execution_count: null }] }));
    fs.writeFileSync(path.join(OUT, "refused-not-json.ipynb"), "{ not json");
    fs.writeFileSync(path.join(OUT, "refused-no-cells.ipynb"), "[]");
    fs.writeFileSync(path.join(OUT, "refused-a-file"), "x");
    // `--param hostname=x` (an unknown name) with the empty ones: were "" taken as the lab's data or this folder, the hunt stops there, not running.
    const unknown = ["--param", "hostname=x"];
    return {
      missing: [["--data", path.join(OUT, "no-such-folder")]],
      // (--out first: a later one in args wins.)
      twice: [
        ["--data", data, "--param", "hostName=WKS-1", "--param", "hostName=WKS-2"],
        ["--data", data, "--data", path.join(data, "ti")],
        ["--data", data, "--param", 'dataPaths=["/elsewhere"]'],
        ["--data", data, "--out", path.join(ROOT, "notebooks")],
        ["--notebook", own, "--data", data],
        ["--data", data, "--param", "__proto__=x"],
      ].map((args) => ["--out", path.join(OUT, "refused"), ...args]),
      empty: [
        ["--data", "", ...unknown],
        ["--data=", ...unknown],
        ["--data", data, "--queries", "", ...unknown],
        ["--out", "", ...unknown],
        ["--notebook", "", ...unknown],
        ["--notebook", OUT],
        ["--notebook", path.join(OUT, "refused-not-json.ipynb")],
        ["--notebook", path.join(OUT, "refused-no-cells.ipynb")],
        ["--data", data, "--out", path.join(OUT, "refused-a-file")],
      ],
      // No unknown parameter here: the folder is what stops the hunt, before a kernel starts.
      proc: procfs
        ? [
            ["--data", data, "--out", "/proc/huntlab-x"],
            ["--data", data, "--out", "/proc/huntlab-x/y/z"],
            ["--data", data, "--out", "/proc"],
          ]
        : [],
    };
  }

  let refused: Record<string, Refusal[]> | undefined;
  /**
   * What the hunt said to a test's command lines. Every test's lines run in ONE process (see refusals), on first
   * use: a process for each test's cost ~1 s of CPU (Node, src/lab/huntParams).
   */
  function refusalsOf(group: keyof ReturnType<typeof commandLines>): Refusal[] {
    if (!refused) {
      const lines = commandLines();
      const groups = Object.keys(lines) as (keyof typeof lines)[];
      const all = refusals(groups.flatMap((g) => lines[g]));
      refused = {};
      let k = 0;
      for (const g of groups) {
        refused[g] = all.slice(k, k + lines[g].length);
        k += lines[g].length;
      }
    }
    return refused[group];
  }

  test("the command line refuses an unknown parameter before starting a kernel (exit 2, suggestion)", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "hunt.mjs"), "--data", path.join(ROOT, "data"), "--param", "hostname=x", "--out", path.join(OUT, "refused")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown parameter "hostname" \(did you mean "hostName"\?\)/);
    const [bad] = refusalsOf("missing");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--data .*no-such-folder: no such folder/);
  });

  test("a parameter or folder given twice, or --out onto the notebook itself, is refused (exit 2)", () => {
    const [twice, folders, both, lab, undeclared, proto] = refusalsOf("twice");
    assert.equal(twice.status, 2, twice.stderr);
    assert.match(twice.stderr, /--param hostName given twice \("WKS-1" and "WKS-2"\)/);
    assert.equal(folders.status, 2, folders.stderr);
    assert.match(folders.stderr, /--data given 2 times/);
    assert.equal(both.status, 2, both.stderr);
    assert.match(both.stderr, /--data and --param dataPaths both set the data folders/);
    assert.equal(lab.status, 2, lab.stderr);
    assert.match(lab.stderr, /the executed notebook would overwrite notebooks\/HuntingLab\.ipynb/);
    assert.equal(undeclared.status, 2, undeclared.stderr);
    assert.match(undeclared.stderr, /--data sets the parameter dataPaths, which .*refused-no-datapaths\.ipynb does not declare \(its parameters cell declares: hostName\)/);
    assert.equal(proto.status, 2, proto.stderr);
    assert.match(proto.stderr, /unknown parameter "__proto__"/);
  });

  test("an empty path (an unset variable), a notebook that is a folder or no notebook, or --out onto a file is refused naming the option and path (exit 2)", () => {
    const [data1, data2, queries, out, notebook, folder, noJson, noCells, outFile] = refusalsOf("empty");
    for (const [r, option] of [[data1, "data"], [data2, "data"], [queries, "queries"], [out, "out"], [notebook, "notebook"]] as const) {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^\\[hunt\\] --${option} "": an empty path`), r.stderr);
    }
    for (const [r, why] of [[folder, /a folder, not a notebook file/], [noJson, /not a notebook \(no JSON: /], [noCells, /not a Jupyter notebook \(no list of cells\)/]] as const) {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^\[hunt\] --notebook .+?: /, r.stderr);
      assert.match(r.stderr, why);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack");
    }
    assert.equal(outFile.status, 2, outFile.stderr);
    assert.match(outFile.stderr, /^\[hunt\] --out .+refused-a-file: cannot make the folder .+refused-a-file \(a file is in the way\)/);
    assert.doesNotMatch(outFile.stderr, /\n\s+at /, "no stack");
  });

  test("--out where the file system takes no new folders or files (/proc) is refused naming the option and path (exit 2), not a hang", { skip: !procfs && "no procfs" }, () => {
    const [newFolder, nested, noFiles] = refusalsOf("proc");
    for (const [r, dir] of [[newFolder, "/proc/huntlab-x"], [nested, "/proc/huntlab-x"]] as const) {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^\\[hunt\\] --out ${dir}\\S*: cannot make the folder ${dir}\\S* \\(the file system there takes no new folders\\)`), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack");
    }
    assert.equal(noFiles.status, 2, noFiles.stderr);
    assert.match(noFiles.stderr, /^\[hunt\] --out \/proc: cannot write in the folder \/proc \(the file system there takes no new files\)/, noFiles.stderr);
    assert.doesNotMatch(noFiles.stderr, /\n\s+at /, "no stack");
  });

  test("a YAML file that is no query file (a Sigma rule) beside the exports keeps the lab's queries", () => {
    const dir = path.join(OUT, "sigma");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "exports", "rules"), { recursive: true });
    fs.writeFileSync(path.join(dir, "exports", "rules", "susp_logon.yml"), "title: Suspicious logon\nlogsource:\n  product: windows\ndetection:\n  selection:\n    EventID: 4624\n  condition: selection\n");
    // A kernel that does not exist: the hunt writes the parameterised notebook, then fails at once.
    const nb: NotebookJson = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: "huntlab-test-no-such-kernel", display_name: "none", language: "typescript" } },
      cells: [{ cell_type: "code", source: 'let dataPaths: string[] = ["../data"];\nlet queryPaths: string[] = ["../data"];', metadata: { tags: ["parameters"] }, outputs: [], execution_count: null }],
    };
    fs.writeFileSync(path.join(dir, "Small.ipynb"), JSON.stringify(nb));
    // HUNTLAB_PYTHON: the Python found once here, so the hunt does not probe the candidates again.
    const env = huntEnv();
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "hunt.mjs"), "--notebook", path.join(dir, "Small.ipynb"), "--data", path.join(dir, "exports"), "--out", path.join(dir, "out")], { cwd: ROOT, encoding: "utf8", env });
    const injected = cellText((JSON.parse(fs.readFileSync(path.join(dir, "out", "Small.ipynb"), "utf8")) as NotebookJson).cells[1].source);
    assert.ok(injected.includes(`queryPaths = ${JSON.stringify([path.join(ROOT, "data", "queries")])};`), `${injected}\n${r.stderr}`);
  });
});

describe("npm run hunt on a data folder in other schemas (Sysmon 1 processes, nested ECS logons, Zeek conn.log flows)", { skip: missing() }, () => {
  test("every cell runs through the lab's queries' schema mapping; the outputs show the foreign files' values", { timeout: 600_000 }, () => {
    const data = path.join(OUT, "foreign-data");
    const out = path.join(OUT, "foreign-report");
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
    const files = makeForeignHuntData(data);
    for (const f of Object.values(FOREIGN_LAYOUT)) assert.ok(files.includes(path.join(data, f.file)), f.file);
    const r = hunt(["--data", data, "--out", out, "--param", `hostName=${NEW_HOST}`, "--param", `accountName=${NEW_ACCOUNT}`, "--param", `ipAddress=${NEW_IP}`]);
    assert.equal(r.status, 0, `hunt failed:\n${r.stderr.slice(-6000)}`);
    const code = readExecuted(out).cells.filter((c) => c.cell_type === "code");
    assert.deepEqual(code.filter((c) => c.metadata.huntlab?.status !== "ok").map((c) => cellText(c.source).slice(0, 60)), [], "cells not ok");
    const outputs = JSON.stringify(code.map((c) => c.outputs ?? []));
    for (const value of [NEW_HOST, NEW_ACCOUNT, NEW_IP, "2021-11-"]) assert.ok(outputs.includes(value), `outputs lack the new data's ${value}`);
    // Sysmon's own columns reach the process tables: the events were read from the Sysmon CSV.
    for (const sysmon of ["ProcessGuid", "ParentImage", "UtcTime"]) assert.ok(outputs.includes(sysmon), `outputs lack Sysmon's ${sysmon}`);
    for (const old of [/msticalertswin1/i, new RegExp(LAB_IP.replace(/\./g, "\\.")), /seccxp\.ninja/i, /2019-02-1\d/]) assert.doesNotMatch(outputs, old);
    // The flows, from the Zeek log: its remote addresses are located (the country cells ran on them).
    const flowCells = code.filter((c) => /^\s*(const|let)\s+\w+\s*=\s*await qp\.Network\.list_azure_network_flows_by_host/m.test(cellText(c.source)));
    assert.ok(flowCells.length > 0, "no cell reads the flows");
    assert.ok(flowCells.some((c) => JSON.stringify(c.outputs).includes("103.199.252.204")), "the flows cells show no address of the Zeek log");
    // The logons, from the nested ECS file: the host/account query finds the new host's DOMAIN\user.
    const logonCell = code.find((c) => cellText(c.source).includes("host_name: hostName"));
    assert.ok(logonCell && JSON.stringify(logonCell.outputs).includes(`${NEW_HOST}\\\\${NEW_ACCOUNT}`), "the host/account query found nothing");
  });
});

/** `node scripts/run.mjs hunt ARGS` without waiting: the broken-folder runs go side by side. */
function huntAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run.mjs"), "hunt", ...args], { cwd: ROOT, env: huntEnv({ ...process.env, INIT_CWD: ROOT }), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

interface BrokenRun {
  status: number | null;
  stderr: string;
  /** Index of the cell marked failed in the executed notebook, and its source. */
  failedCell: number;
  failedSource: string;
  html: string;
}

describe("npm run hunt on a broken data folder", { skip: missing() }, () => {
  /** A folder whose all_events file (read by the lab's first query) is broken. */
  const cases: Record<string, (dir: string) => void> = {
    missing: () => undefined,
    corrupt: (dir) => fs.writeFileSync(path.join(dir, "all_events.parquet"), Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 7)])),
    pickle: (dir) => fs.writeFileSync(path.join(dir, "all_events.pkl"), Buffer.from([0x80, 0x04, 0x95, 0x00])),
  };
  const runs = new Map<string, Promise<BrokenRun>>();

  before(() => {
    for (const [name, write] of Object.entries(cases)) {
      const dir = path.join(OUT, "broken", name);
      const out = path.join(OUT, "broken", `${name}-out`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(ROOT, "data", "alerts_list.parquet"), path.join(dir, "alerts_list.parquet"));
      write(dir);
      runs.set(
        name,
        huntAsync(["--data", dir, "--out", out]).then((r) => {
          const executed = readExecuted(out);
          const failed = executed.cells.findIndex((c) => c.metadata.huntlab?.status === "failed");
          const html = fs.readFileSync(path.join(out, "HuntingLab.html"), "utf8");
          return { ...r, failedCell: failed, failedSource: failed >= 0 ? cellText(executed.cells[failed].source) : "", html };
        }),
      );
    }
    // Keep an early failure from surfacing as an unhandled rejection before its test awaits it.
    for (const p of runs.values()) p.catch(() => undefined);
  });

  async function assertNamed(name: string, file: RegExp): Promise<void> {
    const r = await runs.get(name)!;
    // When it goes wrong, say how: the cell that failed and the hunt's own lines (kernel log included).
    const said = r.stderr.split("\n").filter((l) => l.trim() && !/^\[hunt\] cell \d+\/\d+ .* ok /.test(l)).slice(-10);
    const why = `exit ${r.status}, failed cell ${r.failedCell + 1}: ${r.failedSource.split("\n")[0] || "(none)"}\n${said.join("\n")}`;
    assert.notEqual(r.status, 0, `the hunt must fail; ${why}`);
    assert.match(r.failedSource, /list_host_events/, `the first query reading all_events fails; ${why}`);
    const line = new RegExp(`\\[hunt\\] cell ${r.failedCell + 1} \\(In \\[\\d+\\]\\) failed:\\n {4}const events = await qp\\.WindowsSecurity\\.list_host_events\\(timeRange\\);`);
    assert.match(r.stderr, line, `stderr names the cell and shows its first lines:\n${r.stderr.slice(-3000)}`);
    const error = r.stderr.slice(r.stderr.indexOf("failed:"));
    assert.match(error, file, "the error names the file");
    assert.doesNotMatch(error, /^\s+at /m, "no stack frames in the message");
    const progressed = [...r.stderr.matchAll(/^\[hunt\] cell (\d+)\/\d+ /gm)].map((m) => Number(m[1]));
    assert.equal(Math.max(...progressed), r.failedCell + 1, "the hunt stopped at the failed cell");
    // The report is written all the same: the failed cell marked, the rest not run.
    assert.match(r.html, new RegExp(`data-cell="${r.failedCell + 1}" data-status="failed"`));
    assert.match(r.html, /data-status="not-run"/);
  }

  test("a missing file", { timeout: 400_000 }, () => assertNamed("missing", /all_events\.parquet" not found/));
  test("a corrupt Parquet file", { timeout: 400_000 }, () => assertNamed("corrupt", /all_events\.parquet/));
  test("a pickle", { timeout: 400_000 }, () => assertNamed("pickle", /all_events\.pkl/));
});

describe("npm run hunt --allow-errors on another notebook", { skip: missing() }, () => {
  test("the failed cell is marked, the cells after it run, the exit code is 0", { timeout: 300_000 }, () => {
    const dir = freshDir("allow-errors");
    const notebook = tslabNotebook(path.join(dir, "Small.ipynb"), [
      { cell_type: "markdown", source: "# A small hunt", metadata: {} },
      codeCell("let hostName: string = \"old-host\";\nlet limit: number = 1;", ["parameters"]),
      codeCell("console.log(`host ${hostName}, limit ${limit + 1}`);"),
      codeCell("throw new Error(`no data for ${hostName}`);"),
      codeCell("console.log(\"after the failure\");"),
    ]);
    const out = path.join(dir, "out");
    const r = hunt(["--notebook", notebook, "--out", out, "--param", "hostName=new-host", "--param", "limit=41", "--allow-errors"]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /1 cell\(s\) failed \(--allow-errors/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "Small.ipynb"), "utf8")) as { cells: ExecutedCell[] };
    const statuses = executed.cells.filter((c) => c.cell_type === "code").map((c) => c.metadata.huntlab?.status);
    assert.deepEqual(statuses, ["ok", "ok", "ok", "failed", "ok"], "parameters, injected, print, throw, print");
    const outputs = JSON.stringify(executed.cells.map((c) => c.outputs ?? []));
    assert.ok(outputs.includes("host new-host, limit 42"), "the injected values are typed (41 is a number)");
    assert.ok(outputs.includes("after the failure"), "the cell after the failed one ran (tslab aborts requests right after an error)");
    assert.doesNotMatch(JSON.stringify(executed.cells[2].outputs), /41/, "the injected cell shows nothing");
    const html = fs.readFileSync(path.join(out, "Small.html"), "utf8");
    assert.match(html, /data-status="failed"[\s\S]*Cell \d+ failed: <pre>[^<]*no data for new-host/);
    assert.match(html, /1 of 5 code cells failed/);
    assert.doesNotMatch(html, /data-status="not-run"/);
  });
});

describe("npm run hunt with a cell that never finishes", { skip: missing() }, () => {
  test("the cell is marked failed with the timeout, the cells after it not run; the report says so", { timeout: 300_000 }, () => {
    const dir = freshDir("cell-timeout");
    const notebook = tslabNotebook(path.join(dir, "Hang.ipynb"), [
      { cell_type: "markdown", source: "# A hunt that hangs", metadata: {} },
      codeCell('let hostName: string = "old-host";', ["parameters"]),
      codeCell("console.log(`host ${hostName}`);"),
      codeCell("await new Promise(() => undefined);"),
      codeCell('console.log("after the hang");'),
    ]);
    const out = path.join(dir, "out");
    // scripts/hunt.mjs itself, with the project's kernels first as run.mjs puts them.
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "hunt.mjs"), "--notebook", notebook, "--out", out, "--timeout", "5", "--allow-errors"], {
      cwd: ROOT,
      encoding: "utf8",
      env: huntEnv({ ...process.env, INIT_CWD: ROOT, JUPYTER_PATH: [path.join(ROOT, ".jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) }),
    });
    assert.equal(r.status, 1, r.stderr.slice(-3000));
    const executed = JSON.parse(fs.readFileSync(path.join(out, "Hang.ipynb"), "utf8")) as { cells: ExecutedCell[] };
    const statuses = executed.cells.filter((c) => c.cell_type === "code").map((c) => c.metadata.huntlab?.status);
    assert.deepEqual(statuses, ["ok", "ok", "ok", "failed", "not-run"], "parameters, injected, print, hang, print");
    assert.match(r.stderr, /\[hunt\] cell 5 failed:\n {4}await new Promise[\s\S]*timed out/);
    const html = fs.readFileSync(path.join(out, "Hang.html"), "utf8");
    assert.match(html, /1 of 5 code cells failed, 1 not run/);
    assert.match(html, /data-cell="5" data-status="failed"[\s\S]*Cell 5 failed: <pre>[^<]*timed out/);
  });
});

describe("a kernel that dies before the first cell", { skip: missing() }, () => {
  /** Kernel specs in a folder put before the project's: a "tslab" that dies at its first start (or at every start), then runs the real one. */
  function flakyKernels(dir: string, failures: "once" | "always"): string {
    const real = JSON.parse(fs.readFileSync(path.join(ROOT, ".jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[]; env?: Record<string, string> };
    const marker = path.join(dir, "started-once");
    const script = path.join(dir, "flaky.sh");
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const realArgv = real.argv.map((a) => (a === "{connection_file}" ? '"$1"' : quote(a))).join(" ");
    fs.writeFileSync(
      script,
      failures === "once"
        ? `if [ ! -e ${quote(marker)} ]; then : > ${quote(marker)}; echo "flaky kernel: address already in use" >&2; exit 3; fi\nexec ${realArgv}\n`
        : `echo "flaky kernel: address already in use" >&2; exit 3\n`,
    );
    const kernels = path.join(dir, "jupyter", "kernels", "tslab");
    fs.mkdirSync(kernels, { recursive: true });
    fs.writeFileSync(path.join(kernels, "kernel.json"), JSON.stringify({ ...real, argv: ["sh", script, "{connection_file}"] }));
    return path.join(dir, "jupyter");
  }

  function smallNotebook(dir: string): string {
    return tslabNotebook(path.join(dir, "Small.ipynb"), [codeCell('let hostName: string = "old-host";', ["parameters"]), codeCell('console.log("the cell ran");')]);
  }

  /** The runner itself (run.mjs puts the project's kernels first on JUPYTER_PATH, so the hunt cannot be pointed at these). */
  function runNotebook(dir: string, jupyterPath: string): { status: number | null; stderr: string; report: { problems: { kind: string; text: string }[] }; outputs: string } {
    const input = smallNotebook(dir);
    const output = path.join(dir, "out.ipynb");
    const r = spawnSync(nbclientPython()!, [path.join(ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "tslab", "--progress"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: jupyterPath },
    });
    const outputs = fs.existsSync(output) ? JSON.stringify((JSON.parse(fs.readFileSync(output, "utf8")) as { cells: ExecutedCell[] }).cells[1].outputs) : "";
    return { status: r.status, stderr: r.stderr, report: JSON.parse(r.stdout || "{}"), outputs };
  }

  test("gets one more start, says so, and the notebook runs", { timeout: 120_000 }, () => {
    const dir = freshDir("flaky-once");
    const r = runNotebook(dir, flakyKernels(dir, "once"));
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /\[hunt\] the tslab kernel did not start \(RuntimeError: Kernel died[^)]*\); starting a new one/);
    assert.deepEqual(r.report.problems, [], "the second start ran the cell: nothing to report");
    assert.match(r.outputs, /the cell ran/);
  });

  test("a kernel that never starts: the runner gives up after two starts and reports it", { timeout: 120_000 }, () => {
    const dir = freshDir("flaky-always");
    const r = runNotebook(dir, flakyKernels(dir, "always"));
    assert.equal(r.status, 0, "the runner reports; the hunt decides");
    assert.equal(r.stderr.match(/flaky kernel: address already in use/g)?.length, 2, "two starts");
    assert.deepEqual(r.report.problems.map((p) => p.kind), ["execution"]);
    assert.match(r.report.problems[0].text, /Kernel died before replying to kernel_info/);
    assert.doesNotMatch(r.stderr, /Traceback|AssertionError/, "no exit-hook noise from nbclient");
  });

  test("the hunt on a kernel that never starts fails and shows the kernel's last log lines", { timeout: 120_000 }, () => {
    const dir = freshDir("flaky-hunt");
    const jupyterPath = flakyKernels(dir, "always");
    // scripts/hunt.mjs on its own takes the environment as it is (run.mjs would put the project's kernels first).
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "hunt.mjs"), "--notebook", smallNotebook(dir), "--out", path.join(dir, "out")], {
      cwd: ROOT,
      encoding: "utf8",
      env: huntEnv({ ...process.env, INIT_CWD: ROOT, JUPYTER_PATH: jupyterPath }),
    });
    assert.equal(r.status, 1, r.stderr.slice(-3000));
    assert.match(r.stderr, /\[hunt\] the kernel could not run the notebook: RuntimeError: Kernel died before replying to kernel_info/);
    assert.match(r.stderr, /\[hunt\] the kernel's last log lines:\n(?: {4}.*\n)*? {4}flaky kernel: address already in use/);
  });
});
