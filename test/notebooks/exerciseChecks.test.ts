/**
 * The lab's self-check cells, as the learner runs them, with wrong answers:
 * a notebook made of the lab's own first cells and self-check cells (from
 * notebooks/source/), with wrong exercise cells and wrong values written into
 * the `checkAnswers` calls, runs in the tslab kernel; each check shows its
 * helpful message. (The messages of every exercise are checked one by one in
 * test/lab/labExercises.test.ts; this is the same in a real kernel.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { buildNotebook, readSource, serialise, type SourceCell } from "../../scripts/build-notebooks";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { tempDir } from "../helpers/tmp";
import { nbclientPython } from "./huntHelpers";

const ROOT = path.resolve(__dirname, "..", "..");

const python = nbclientPython;

const source = readSource();
const code = (text: string): SourceCell => ({ cellType: "code", source: text, tags: [], section: "test", origin: "test" });

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

test("wrong answers in the lab's self-check cells get their helpful messages, in tslab", { timeout: 600_000, skip: (!python() || !kernelSpecRegistered("tslab")) && !process.env.CI && "no nbclient or no tslab kernel (JUPYTER_PATH)" }, () => {
  const firstCode = source.filter((c) => c.cellType === "code");
  const cells: SourceCell[] = [
    ...firstCode.slice(0, 3), // the import, the parameters, the query provider
    code('import { checkResult, checkAnswers } from "huntlab";'),
    code("// exercise 1, mistake: all the alerts\nconst alerts = await qp.SecurityAlert.list_alerts(timeRange);"),
    checkCell(/checkResult\("exercise1"/),
    code("// exercise 1, mistake: no await\nconst alerts = qp.SecurityAlert.list_alerts(timeRange);"),
    checkCell(/checkResult\("exercise1"/),
    code("// exercise 5, mistake: a head()\nconst tlDf = (await qp.WindowsSecurity.list_host_logons(timeRange)).head(10);"),
    checkCell(/checkResult\("exercise5"/, { logonType: "3" }),
    checkCell(/exercise: "pivots"/, { country: '"Ireland"' }),
    checkCell(/checkAnswers\(\{\s*question1/, { question1: '"2020-07-06"', question2: "29670" }),
    // Answers read from the data, as teaching.md says a learner may give them: a Series, toArray()[0].
    // tslab type-checks a cell first and skips it on an error (`Type 'Series<any, string>' is not assignable to type 'Answer'`).
    code('import { TILookup } from "huntlab";\nconst signinResults = await new TILookup().lookupIocs(await qp.Azure.list_all_signins_geo(timeRange), { obsCol: "IPAddress", providers: ["LocalTI"] });'),
    checkCell(/checkResult\("exercise2"/, { flaggedIp: 'signinResults.filter(pl.col("Severity").eq(pl.lit("high"))).getColumn("Ioc")' }),
    code("const tlDf = await qp.WindowsSecurity.list_host_logons(timeRange);"),
    checkCell(/checkResult\("exercise5"/, { logonType: 'tlDf.groupBy("LogonType").len().sort("len", true).getColumn("LogonType").toArray()[0]' }),
  ];
  assert.equal(firstCode[1].tags[0], "parameters");
  const nb = buildNotebook(cells, "exercises");
  const dir = tempDir("huntlab-checks-");
  const input = path.join(dir, "checks.ipynb");
  const output = path.join(dir, "checks.out.ipynb");
  fs.writeFileSync(input, serialise(nb));
  const r = spawnSync(python() as string, [path.join(ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "tslab", "--cwd", path.join(ROOT, "notebooks")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { problems: { cell: number; text: string }[] };
  assert.deepEqual(report.problems, []);
  const executed = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { metadata: { tags?: string[] }; outputs?: { data?: Record<string, unknown> }[] }[] };
  const verdicts = executed.cells
    .filter((c) => (c.metadata.tags ?? []).includes("check"))
    .map((c) => (c.outputs ?? []).map((o) => [o.data?.["text/plain"] ?? ""].flat().join("")).join("\n"));
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
