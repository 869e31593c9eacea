// npm test runs this file in the views lane: no browser check reads its outputs, and the lanes even out (the notebooks lane was the longest).
/**
 * Every notebook in notebooks/ runs headless in Deno's kernel as in tslab
 * (notebooks.test.ts): no error output or stderr, the self-checks as expected,
 * and huntlab's views published as text/html + text/plain display data.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { NOTEBOOKS, assertChecks, assertClean, execute } from "./notebookRuns";

for (const name of NOTEBOOKS) {
  test(`notebook ${name} runs clean in Deno's kernel`, { timeout: 900_000, skip: !kernelSpecRegistered("deno") && !process.env.CI && "no Deno kernel registered" }, () => {
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
