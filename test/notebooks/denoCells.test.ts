// npm test runs this file in the views lane: no browser check reads its outputs, and it is a Deno kernel run like notebooksDeno.test.ts.
/**
 * Two behaviours of huntlab in Deno's kernel, run in ONE kernel through scripts/execute_notebook.py, as a
 * notebook would be (a Deno start, huntlab's import and the runner cost ~3 s of CPU and ~8 s of a loaded
 * lane's wall; they ran in a kernel each before). Each part's cells are marked (metadata `huntlab_test_part`)
 * and each test reads its own; the warnings cells run first, as they did alone, and the chart cells read no file.
 *
 * A file's warnings under the cell that read it, in Deno's kernel as in tslab
 * (src/data/dataSources.ts, warnOncePerFile): the queries of one cell say a
 * warning once, and a cell run again (whose new output replaces the one that
 * held it) or another cell reading the file says it again. Deno's kernel tells
 * JavaScript nothing when a cell starts; huntlab counts the cells that ended
 * (src/common/kernel.ts, cellRun), so before, Deno said a file's warnings once
 * per QueryProvider and a re-run cell showed none.
 *
 * A chart left as a cell's last value in Deno's kernel keeps its image's alt. Deno 2.9 sends a last value's
 * bundle as an `execute_result` with `metadata: {}`, so the `{ "image/png": { alt } }` that `display(chart)`
 * sends was missing, and nbconvert's HTML and Markdown (with huntlab's templates) and the hunt report had no
 * alt for such a chart. huntlab's hook on Deno's `broadcastResult` (src/common/kernel.ts) sends the chart's
 * result itself, with its metadata, as the one output: one `execute_result` (an earlier attempt sent a
 * `display_data` and left Deno's empty result under it, an empty Out prompt). Other last values stay Deno's.
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

interface Output {
  output_type: string;
  text?: string | string[];
  execution_count?: number;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
interface Cell {
  execution_count: number | null;
  metadata: Record<string, unknown>;
  outputs: Output[];
}

/** Marks each part's cells, so that each test reads its own. */
const PART = "huntlab_test_part";
const part = (name: string, cells: ReturnType<typeof code>[]) => cells.map((c) => ({ ...c, metadata: { [PART]: name } }));

const SPEC = '{ title: "Logons of <b>WKS</b>", data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] }, mark: "bar", encoding: { x: { field: "a", type: "ordinal" }, y: { field: "b", type: "quantitative" } } }';
const ALT = "Vega-Lite chart: Logons of <b>WKS</b> (2 rows)";

/** Both parts' cells in one Deno kernel; the executed cells of each part. */
function run(): { warnings: Cell[]; chart: Cell[] } {
  const dir = tempDir("huntlab-denocells-");
  const data = path.join(dir, "d");
  fs.mkdirSync(data);
  // Slash dates that read either way: the CSV reader warns that it reads them month first (a file warning).
  fs.writeFileSync(path.join(data, "slash.csv"), "TimeGenerated,Computer\n05/06/2026 10:00:00,WKS-1\n07/06/2026 11:00:00,WKS-2\n");
  const j = JSON.stringify;
  const query = 'console.log("rows " + (await qp.LocalData.slash()).height);';
  const cells = [
    ...part("warnings", [
      code(`import { QueryProvider } from ${MODULE};`),
      code(`const qp = new QueryProvider("LocalData", { dataPaths: [${j(data)}], queryPaths: [${j(data)}] });`),
      code(query),
      // The same cell run again (nbclient sends another execute request, as Run does).
      code(query),
      // Two queries of the file in one cell: one warning.
      code(`${query}\n${query}`),
      code('console.log("no query here");'),
      code(query),
    ]),
    ...part("chart", [
      code(`import { vegaLiteChart, display } from ${MODULE};`),
      code(`const chart = await vegaLiteChart(${SPEC});\nchart`),
      code("display(chart);"),
      code("1 + 1"),
      code("chart"),
    ]),
  ];
  const input = path.join(dir, "cells.ipynb");
  const output = path.join(dir, "cells.out.ipynb");
  const lab = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", "HuntingLab.ipynb"), "utf8")) as { metadata: unknown };
  fs.writeFileSync(input, j({ nbformat: 4, nbformat_minor: 5, metadata: lab.metadata, cells }));
  const r = spawnSync(nbclientPython() as string, [path.join(PACKAGE_ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "deno", "--cwd", path.join(PACKAGE_ROOT, "notebooks")], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH },
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { problems: unknown[] };
  assert.deepEqual(report.problems, []);
  const nb = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: Cell[] };
  const of = (name: string) => nb.cells.filter((c) => c.metadata[PART] === name);
  return { warnings: of("warnings"), chart: of("chart") };
}

let shared: ReturnType<typeof run> | undefined;
/** The one run the tests read (the first test to ask starts it). */
const sharedRun = () => (shared ??= run());

test("Deno's kernel: a file's warning is said under each cell that reads the file, once per cell, and again when the cell runs again", { skip: denoMissing(), timeout: 300_000 }, () => {
  const cells = sharedRun().warnings;
  assert.equal(cells.length, 7, "the warnings part's cells");
  const text = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
  const said = cells.map((c) => c.outputs.filter((o) => o.output_type === "stream").map(text).join(""));
  const warnings = said.map((s) => s.match(/^Warning: .*slash\.csv: column "TimeGenerated" holds slash dates .*read month first/gm)?.length ?? 0);
  const rows = said.map((s) => s.match(/^rows 2$/gm)?.length ?? 0);
  assert.deepEqual(rows, [0, 0, 1, 1, 2, 0, 1], `each query read the file:\n${said.join("\n----\n")}`);
  assert.deepEqual(warnings, [0, 0, 1, 1, 1, 0, 1], `the warning under each cell that read the file, once:\n${said.join("\n----\n")}`);
});

test("Deno's kernel: a chart as a cell's last value is one execute_result carrying its image's alt; other last values are Deno's", { skip: denoMissing(), timeout: 300_000 }, () => {
  const cells = sharedRun().chart;
  assert.equal(cells.length, 5, "the chart part's cells");
  const outputs = cells.map((c) => c.outputs);
  const shapes = outputs.map((os) => os.map((o) => `${o.output_type}:${Object.keys(o.data ?? {}).sort().join(",")}`));
  const chartKeys = "application/vnd.vegalite.v5+json,image/png,text/plain";
  assert.deepEqual(shapes, [[], [`execute_result:${chartKeys}`], [`display_data:${chartKeys}`], ["execute_result:text/plain"], [`execute_result:${chartKeys}`]], JSON.stringify(shapes));
  for (const i of [1, 2, 4]) assert.deepEqual(outputs[i][0].metadata, { "image/png": { alt: ALT } }, `cell ${i}: ${JSON.stringify(outputs[i][0].metadata)}`);
  // The chart's result is the cell's own: its execution count, as Deno's would be.
  for (const i of [1, 4]) assert.equal(outputs[i][0].execution_count, cells[i].execution_count);
  assert.deepEqual(outputs[3][0].metadata, {});
});
