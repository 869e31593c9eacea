// npm test runs this file in the views lane: no browser check reads its outputs, and it is a Deno kernel run like notebooksDeno.test.ts.
/**
 * A chart left as a cell's last value in Deno's kernel keeps its image's alt. Deno 2.9 sends a last value's
 * bundle as an `execute_result` with `metadata: {}`, so the `{ "image/png": { alt } }` that `display(chart)`
 * sends was missing, and nbconvert's HTML and Markdown (with huntlab's templates) and the hunt report had no
 * alt for such a chart. huntlab's hook on Deno's `broadcastResult` (src/common/kernel.ts) sends the chart's
 * result itself, with its metadata, as the one output: one `execute_result` (an earlier attempt sent a
 * `display_data` and left Deno's empty result under it, an empty Out prompt). Other last values stay Deno's.
 * Run in the real kernel through scripts/execute_notebook.py.
 *
 * Needs what `npm test` sets up: dist/ (or `HUNTLAB_MODULE`), Deno's kernel in .jupyter/, Python with nbclient.
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
  execution_count?: number;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

const SPEC = '{ title: "Logons of <b>WKS</b>", data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] }, mark: "bar", encoding: { x: { field: "a", type: "ordinal" }, y: { field: "b", type: "quantitative" } } }';
const ALT = "Vega-Lite chart: Logons of <b>WKS</b> (2 rows)";

test("Deno's kernel: a chart as a cell's last value is one execute_result carrying its image's alt; other last values are Deno's", { skip: denoMissing(), timeout: 300_000 }, () => {
  const dir = tempDir("huntlab-denoalt-");
  const cells = [
    code(`import { vegaLiteChart, display } from ${MODULE};`),
    code(`const chart = await vegaLiteChart(${SPEC});\nchart`),
    code("display(chart);"),
    code("1 + 1"),
    code("chart"),
  ];
  const input = path.join(dir, "alt.ipynb");
  const output = path.join(dir, "alt.out.ipynb");
  const lab = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", "HuntingLab.ipynb"), "utf8")) as { metadata: unknown };
  fs.writeFileSync(input, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: lab.metadata, cells }));
  const r = spawnSync(nbclientPython() as string, [path.join(PACKAGE_ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "deno", "--cwd", path.join(PACKAGE_ROOT, "notebooks")], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH },
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  assert.deepEqual((JSON.parse(r.stdout) as { problems: unknown[] }).problems, []);
  const nb = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { execution_count: number | null; outputs: Output[] }[] };
  const outputs = nb.cells.map((c) => c.outputs);
  const shapes = outputs.map((os) => os.map((o) => `${o.output_type}:${Object.keys(o.data ?? {}).sort().join(",")}`));
  const chartKeys = "application/vnd.vegalite.v5+json,image/png,text/plain";
  assert.deepEqual(shapes, [[], [`execute_result:${chartKeys}`], [`display_data:${chartKeys}`], ["execute_result:text/plain"], [`execute_result:${chartKeys}`]], JSON.stringify(shapes));
  for (const i of [1, 2, 4]) assert.deepEqual(outputs[i][0].metadata, { "image/png": { alt: ALT } }, `cell ${i}: ${JSON.stringify(outputs[i][0].metadata)}`);
  // The chart's result is the cell's own: its execution count, as Deno's would be.
  for (const i of [1, 4]) assert.equal(outputs[i][0].execution_count, nb.cells[i].execution_count);
  assert.deepEqual(outputs[3][0].metadata, {});
});
