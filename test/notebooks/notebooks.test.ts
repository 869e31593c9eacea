// npm test runs the browser checks after this file: they read the notebooks it executes.
/**
 * Every notebook in notebooks/ runs headless in the tslab kernel without an
 * error output or stderr, its self-checks as expected (notebookRuns.ts). The
 * executed copies in test-results/notebooks/ are what the browser checks read.
 * The same runs in Deno's kernel: notebooksDeno.test.ts. Under npm test with
 * JupyterLab, the exercise notebook (which no browser check reads) runs once in
 * tslab, in JupyterLab's Run All, whose saved outputs get the same checks
 * (checkedInJupyterLab, test/jupyterlab/huntingLab.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { NOTEBOOKS, assertChecks, assertClean, checkedInJupyterLab, execute } from "./notebookRuns";

test("there are notebooks to run", () => {
  assert.ok(NOTEBOOKS.includes("HuntingLab.ipynb"), "notebooks/HuntingLab.ipynb is missing");
});

for (const name of NOTEBOOKS.filter((n) => !checkedInJupyterLab(n))) {
  test(`notebook ${name} runs clean in tslab`, { timeout: 900_000 }, () => {
    const { report, output } = execute(name, "tslab");
    assertClean(name, report);
    assertChecks(name, output);
    console.log(`${name}: ${report.cells} code cells in ${report.seconds}s (tslab)`);
  });
}
