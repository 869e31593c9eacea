// npm test runs this file in the views lane: its kernels and the twin run there even out the lanes (the JupyterLab lane was the longest).
/**
 * The lab's "Switching to a live workspace" section, run in tslab against the
 * Log Analytics twin (test/twins/serve.ts): the twin's URL reaches the section
 * through the notebook's `liveEndpoint` parameter, as `npm run hunt --param`
 * would pass it. Only the cells the section needs run (the import, the
 * parameters, the data-acquisition cell that makes `qp` and `timeRange`, and
 * the section), taken from the completed notebook so that its text is what is
 * tested; with `liveEndpoint` empty the section must skip cleanly.
 *
 * Both cases run in one kernel (a tslab start and the import/`qp` cells cost
 * ~5 s of CPU): first the section with `liveEndpoint` empty, right after the
 * `qp` cell as before, then `liveEndpoint` set to the twin and the section run
 * again (the `qp` cell does not read `liveEndpoint`). The skipped section only
 * prints and leaves `qpLive` undefined, so the live run starts from the state
 * a kernel of its own would have.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { requireNbclientPython } from "./huntHelpers";

const ROOT = path.resolve(__dirname, "..", "..");
const COMPLETED = path.join(ROOT, "notebooks", "HuntingLab-Completed.ipynb");
const SECTION = "live-workspace";

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; huntlab_section?: string; [k: string]: unknown };
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
  execution_count?: number | null;
}

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** Marks the cells of each case, so that each test reads its own outputs. */
const PART = "huntlab_test_part";

/**
 * The section's notebook: import, parameters, an override cell (`liveEndpoint` empty), the `qp` cell,
 * the section; then an override cell with `endpoint` and the section again.
 */
function sectionNotebook(endpoint: string): object {
  const nb = JSON.parse(fs.readFileSync(COMPLETED, "utf8")) as { cells: Cell[]; metadata: unknown; nbformat: number; nbformat_minor: number };
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const importCell = code[0];
  const params = code.find((c) => (c.metadata.tags ?? []).includes("parameters"));
  const qpCell = code.find((c) => /new QueryProvider\("LocalData"/.test(text(c.source)) && /timeRange/.test(text(c.source)));
  const section = nb.cells.filter((c) => c.metadata.huntlab_section === SECTION);
  assert.ok(importCell && params && qpCell, "the import, parameters and query-provider cells are in the notebook");
  assert.ok(section.length >= 3, `the ${SECTION} section has its cells (${section.length})`);
  const override = (value: string): Cell => ({ cell_type: "code", source: `liveEndpoint = ${JSON.stringify(value)};`, metadata: {}, outputs: [], execution_count: null });
  const clean = (c: Cell): Cell => ({ ...c, outputs: c.cell_type === "code" ? [] : undefined, execution_count: c.cell_type === "code" ? null : undefined });
  const part = (name: string) => (c: Cell): Cell => ({ ...c, metadata: { ...c.metadata, [PART]: name } });
  return {
    ...nb,
    cells: [importCell, params, override(""), qpCell, ...section.map(part("skipped")), override(endpoint), ...section.map(part("live"))].map(clean),
  };
}

/** The problems of the run, and each case's section outputs. */
function run(endpoint: string): { problems: unknown[]; out: { skipped: string; live: string } } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-live-"));
  const input = path.join(dir, "HuntingLab-live.ipynb");
  fs.writeFileSync(input, JSON.stringify(sectionNotebook(endpoint)));
  const outDir = path.join(ROOT, "test-results", "notebooks");
  fs.mkdirSync(outDir, { recursive: true });
  const output = path.join(outDir, "HuntingLab-live.ipynb");
  const r = spawnSync(requireNbclientPython(), [path.join(ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "tslab", "--cwd", path.join(ROOT, "notebooks")], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { problems: unknown[] };
  const executed = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: Cell[] };
  const outputs = (name: string) =>
    executed.cells
      .filter((c) => c.metadata.huntlab_section === SECTION && c.metadata[PART] === name)
      .flatMap((c) => c.outputs ?? [])
      .map((o) => text(o.text) + text(o.data?.["text/plain"] as string | string[] | undefined))
      .join("\n");
  return { problems: report.problems, out: { skipped: outputs("skipped"), live: outputs("live") } };
}

let shared: ReturnType<typeof run> | undefined;
/** The one run both tests read (the first test to ask starts it). */
const sharedRun = () => (shared ??= run(logAnalytics));

let twins: ChildProcessWithoutNullStreams | undefined;
let logAnalytics = "";

before(async () => {
  twins = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test", "twins", "serve.ts")], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  twins.stderr.on("data", (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = "";
    twins!.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    twins!.on("exit", (code) => reject(new Error(`test/twins/serve.ts exited (${code}): ${stderr}`)));
  });
  logAnalytics = (JSON.parse(line) as { logAnalytics: string }).logAnalytics;
  assert.match(logAnalytics, /^http:\/\/127\.0\.0\.1:\d+$/);
});

after(() => {
  twins?.stdin.end();
  twins?.kill("SIGTERM");
});

test("the live section runs the lab's queries on the Log Analytics twin through the liveEndpoint parameter", { timeout: 600_000 }, () => {
  const { problems, out: { live: out } } = sharedRun();
  assert.deepEqual(problems, []);
  assert.match(out, /enter the code \w+/, "the device-code sign-in prints its code");
  assert.match(out, /connected: true, 17 queries, the same names as LocalData's: true/);
  const logons = /(\d+) logons of ian on MSTICAlertsWin1 from the workspace, (\d+) from the local files/.exec(out);
  assert.ok(logons, out);
  assert.equal(logons[1], logons[2], "the workspace and the files give the same logons");
  assert.ok(Number(logons[1]) > 0);
  assert.equal((out.match(/chunk \d+\/5/g) ?? []).length, 5, "five daily chunks");
  assert.match(out, /41 alerts; warnings: none/);
});

test("with liveEndpoint empty the live section says so and skips", { timeout: 600_000 }, () => {
  const { problems, out: { skipped: out } } = sharedRun();
  assert.deepEqual(problems, []);
  assert.match(out, /liveEndpoint is empty/);
  assert.doesNotMatch(out, /connected:/);
});
