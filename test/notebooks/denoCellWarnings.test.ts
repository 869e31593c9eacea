// npm test runs this file in the views lane: no browser check reads its outputs, and it is a Deno kernel run like notebooksDeno.test.ts.
/**
 * A file's warnings under the cell that read it, in Deno's kernel as in tslab
 * (src/data/dataSources.ts, warnOncePerFile): the queries of one cell say a
 * warning once, and a cell run again (whose new output replaces the one that
 * held it) or another cell reading the file says it again. Deno's kernel tells
 * JavaScript nothing when a cell starts; huntlab counts the cells that ended
 * (src/common/kernel.ts, cellRun), so before, Deno said a file's warnings once
 * per QueryProvider and a re-run cell showed none. Run in the real kernel
 * through scripts/execute_notebook.py, as a notebook would be.
 *
 * Needs what `npm test` sets up: dist/ (or `HUNTLAB_MODULE`), Deno's kernel in
 * .jupyter/, Python with nbclient.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { PACKAGE_ROOT } from "../../src/common/paths";
import { tempDir } from "../helpers/tmp";
import { nbclientPython } from "./huntHelpers";
import { code, denoMissing, JUPYTER_PATH, MODULE } from "./denoKernel";


type Output = { output_type: string; text?: string | string[] };

test("Deno's kernel: a file's warning is said under each cell that reads the file, once per cell, and again when the cell runs again", { skip: denoMissing(), timeout: 300_000 }, () => {
  const dir = tempDir("huntlab-denowarn-");
  const data = path.join(dir, "d");
  fs.mkdirSync(data);
  // Slash dates that read either way: the CSV reader warns that it reads them month first (a file warning).
  fs.writeFileSync(path.join(data, "slash.csv"), "TimeGenerated,Computer\n05/06/2026 10:00:00,WKS-1\n07/06/2026 11:00:00,WKS-2\n");
  const j = JSON.stringify;
  const query = 'console.log("rows " + (await qp.LocalData.slash()).height);';
  const cells = [
    code(`import { QueryProvider } from ${MODULE};`),
    code(`const qp = new QueryProvider("LocalData", { dataPaths: [${j(data)}], queryPaths: [${j(data)}] });`),
    code(query),
    // The same cell run again (nbclient sends another execute request, as Run does).
    code(query),
    // Two queries of the file in one cell: one warning.
    code(`${query}\n${query}`),
    code('console.log("no query here");'),
    code(query),
  ];
  const input = path.join(dir, "warn.ipynb");
  const output = path.join(dir, "warn.out.ipynb");
  const lab = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", "HuntingLab.ipynb"), "utf8")) as { metadata: unknown };
  fs.writeFileSync(input, j({ nbformat: 4, nbformat_minor: 5, metadata: lab.metadata, cells }));
  const r = spawnSync(nbclientPython() as string, [path.join(PACKAGE_ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "deno", "--cwd", path.join(PACKAGE_ROOT, "notebooks")], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH },
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { problems: unknown[] };
  assert.deepEqual(report.problems, []);
  const nb = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { outputs: Output[] }[] };
  const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
  const said = nb.cells.map((c) => c.outputs.filter((o) => o.output_type === "stream").map(text).join(""));
  const warnings = said.map((s) => s.match(/^Warning: .*slash\.csv: column "TimeGenerated" holds slash dates .*read month first/gm)?.length ?? 0);
  const rows = said.map((s) => s.match(/^rows 2$/gm)?.length ?? 0);
  assert.deepEqual(rows, [0, 0, 1, 1, 2, 0, 1], `each query read the file:\n${said.join("\n----\n")}`);
  assert.deepEqual(warnings, [0, 0, 1, 1, 1, 0, 1], `the warning under each cell that read the file, once:\n${said.join("\n----\n")}`);
});
