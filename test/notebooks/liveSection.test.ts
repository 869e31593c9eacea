/**
 * Two parts of the lab run in one tslab kernel, each with its own checks (a tslab start and the lab's import,
 * parameters and `qp` cells, which both need, cost ~5 s of CPU; they ran in a kernel each before):
 *
 * The lab's "Switching to a live workspace" section, against the
 * Log Analytics twin (test/twins/serve.ts): the twin's URL reaches the section
 * through the notebook's `liveEndpoint` parameter, as `npm run hunt --param`
 * would pass it. Only the cells the section needs run (the import, the
 * parameters, the data-acquisition cell that makes `qp` and `timeRange`, and
 * the section), taken from the completed notebook so that its text is what is
 * tested; with `liveEndpoint` empty the section must skip cleanly. First the
 * section with `liveEndpoint` empty, right after the `qp` cell, then
 * `liveEndpoint` set to the twin and the section run again (the `qp` cell does
 * not read `liveEndpoint`). The skipped section only prints and leaves `qpLive`
 * undefined, so the live run starts from the state a kernel of its own would have.
 *
 * Then the lab's self-check cells, as the learner runs them, with wrong answers:
 * the lab's own self-check cells (from notebooks/source/, the exercise notebook's
 * version), after wrong exercise cells and with wrong values written into the
 * `checkAnswers` calls; each check shows its helpful message. (The messages of
 * every exercise are checked one by one in test/lab/labExercises.test.ts; this is
 * the same in a real kernel.) They read `qp` and `timeRange` only, which the live
 * section leaves as they were.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { buildNotebook, readSource, type SourceCell } from "../../scripts/build-notebooks";
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

const source = readSource();
const exerciseCode = (text: string): SourceCell => ({ cellType: "code", source: text, tags: [], section: "test", origin: "test" });

/** The source's self-check cell of an exercise (the exercise notebook's version), its `undefined` answers replaced. */
function checkCell(call: RegExp, answers: Record<string, string> = {}): SourceCell {
  const cell = source.find((c) => c.tags.includes("check") && !c.tags.includes("solution") && call.test(c.source));
  assert.ok(cell, `no self-check cell matching ${call}`);
  let text = cell.source;
  for (const [question, value] of Object.entries(answers)) {
    assert.match(text, new RegExp(`\\b${question}: undefined`), `${question} is not in the check cell`);
    text = text.replace(new RegExp(`\\b${question}: undefined`), `${question}: ${value}`);
  }
  return { ...cell, source: text, tags: ["check"] };
}

/** Wrong exercise cells and the lab's self-checks with wrong answers; they follow the lab's import, parameters and `qp` cells. */
function checkCells(): Cell[] {
  const firstCode = source.filter((c) => c.cellType === "code");
  // The cells before these are the notebook's import, parameters and query provider (the completed notebook's, the same text).
  assert.equal(firstCode[1].tags[0], "parameters");
  assert.match(firstCode[2].source, /new QueryProvider\("LocalData"/);
  const cells: SourceCell[] = [
    exerciseCode('import { checkResult, checkAnswers } from "huntlab";'),
    exerciseCode("// exercise 1, mistake: all the alerts\nconst alerts = await qp.SecurityAlert.list_alerts(timeRange);"),
    checkCell(/checkResult\("exercise1"/),
    exerciseCode("// exercise 1, mistake: no await\nconst alerts = qp.SecurityAlert.list_alerts(timeRange);"),
    checkCell(/checkResult\("exercise1"/),
    exerciseCode("// exercise 5, mistake: a head()\nconst tlDf = (await qp.WindowsSecurity.list_host_logons(timeRange)).head(10);"),
    checkCell(/checkResult\("exercise5"/, { logonType: "3" }),
    checkCell(/exercise: "pivots"/, { country: '"Ireland"' }),
    checkCell(/checkAnswers\(\{\s*question1/, { question1: '"2020-07-06"', question2: "29670" }),
    // Answers read from the data, as teaching.md says a learner may give them: a Series, toArray()[0].
    // tslab type-checks a cell first and skips it on an error (`Type 'Series<any, string>' is not assignable to type 'Answer'`).
    exerciseCode('import { TILookup } from "huntlab";\nconst signinResults = await new TILookup().lookupIocs(await qp.Azure.list_all_signins_geo(timeRange), { obsCol: "IPAddress", providers: ["LocalTI"] });'),
    checkCell(/checkResult\("exercise2"/, { flaggedIp: 'signinResults.filter(pl.col("Severity").eq(pl.lit("high"))).getColumn("Ioc")' }),
    exerciseCode("const tlDf = await qp.WindowsSecurity.list_host_logons(timeRange);"),
    checkCell(/checkResult\("exercise5"/, { logonType: 'tlDf.groupBy("LogonType").len().sort("len", true).getColumn("LogonType").toArray()[0]' }),
  ];
  // Ids of their own: buildNotebook's come from a cell's place in its section, which could repeat an id of the completed notebook's cells.
  return (buildNotebook(cells, "exercises").cells as unknown as Cell[]).map((c, i) => ({ ...c, id: `huntlab-test-check-${i}` }));
}

/**
 * The section's notebook: import, parameters, an override cell (`liveEndpoint` empty), the `qp` cell,
 * the section; then an override cell with `endpoint` and the section again; then the self-check cells.
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
    cells: [importCell, params, override(""), qpCell, ...section.map(part("skipped")), override(endpoint), ...section.map(part("live")), ...checkCells().map(part("checks"))].map(clean),
  };
}

/** The problems of the run, each case's section outputs, and the verdict (text/plain outputs) of each self-check cell. */
function run(endpoint: string): { problems: unknown[]; out: { skipped: string; live: string }; verdicts: string[] } {
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
  const verdicts = executed.cells
    .filter((c) => c.metadata[PART] === "checks" && (c.metadata.tags ?? []).includes("check"))
    .map((c) => (c.outputs ?? []).map((o) => [o.data?.["text/plain"] ?? ""].flat().join("")).join("\n"));
  return { problems: report.problems, out: { skipped: outputs("skipped"), live: outputs("live") }, verdicts };
}

let shared: ReturnType<typeof run> | undefined;
/** The one run the tests read (the first test to ask starts it). */
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

test("wrong answers in the lab's self-check cells get their helpful messages, in tslab", { timeout: 600_000 }, () => {
  const { problems, verdicts } = sharedRun();
  assert.deepEqual(problems, []);
  assert.equal(verdicts.length, 7);
  assert.match(verdicts[0], /✗ exercise1: you have \d+ rows \(5 expected\): did you call head\(5\)\?/);
  assert.match(verdicts[1], /✗ exercise1: `alerts` is a Promise, not a DataFrame: did you forget `await`/);
  assert.match(verdicts[2], /✗ exercise5: you have 10 rows \(164 expected\): keep every logon/);
  assert.match(verdicts[2], /✗ logonType: 3 is not quite right, try again\./);
  assert.match(verdicts[3], /✗ country: Ireland is not quite right, try again\.\n… highIp: no answer yet\.\n0 of 2 correct\./);
  assert.match(verdicts[4], /✗ question1: 2020-07-06 is not quite right, try again\.\n✓ question2: 29670 is right\.\n1 of 2 correct\./);
  // One answer: its own line, no "All correct" summary under the result's verdict.
  assert.equal(verdicts[5], "✓ exercise2: `signinResults` is right: one TI verdict per distinct sign-in address.\n✓ flaggedIp: 148.251.12.164 is right.");
  assert.equal(verdicts[6], "✓ exercise5: `tlDf` is right: every logon of the host, ready for the timeline.\n✓ logonType: 5 is right.");
});
