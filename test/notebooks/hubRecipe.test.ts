/**
 * docs/teaching.md's JupyterHub recipe: a copy of the lab notebook in a user's
 * home, the project's node_modules linked there. tslab type-checks every cell
 * with declarations (a cell's names carry to the next), so a DataFrame typed
 * from huntlab must be nameable from the home: without the first cell's
 * nodejs-polars import TypeScript named it through `huntlab/node_modules`
 * (TS2742) and the first query cell failed. Checked with the TypeScript that
 * tslab runs, on the notebook's own first code cell.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp";

const ROOT = path.resolve(__dirname, "../..");

test("the lab's first cell in a user's home with node_modules linked: a query's DataFrame type can be named (TS2742)", () => {
  // tslab's own TypeScript when it has one, else the project's.
  const tsPath = [path.join(ROOT, "node_modules/tslab/node_modules/typescript"), path.join(ROOT, "node_modules/typescript")].find((p) => fs.existsSync(p))!;
  const ts = require(tsPath) as typeof import("typescript");
  const notebook = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks/HuntingLab.ipynb"), "utf8")) as { cells: { cell_type: string; source: string[] | string }[] };
  const first = notebook.cells.find((c) => c.cell_type === "code" && /from "huntlab"/.test([c.source].flat().join("")))!;
  const home = tempDir("huntlab-home-");
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(home, "node_modules"));
  fs.mkdirSync(path.join(home, "notebooks"));
  const cell = path.join(home, "notebooks", "cell.ts");
  const check = (source: string) => {
    fs.writeFileSync(cell, source);
    const program = ts.createProgram([cell], { declaration: true, emitDeclarationOnly: true, noEmit: false, outDir: path.join(home, "out"), module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, moduleResolution: ts.ModuleResolutionKind.NodeJs, skipLibCheck: true, types: ["node"], esModuleInterop: true });
    return program.getDeclarationDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  };
  const query = 'const qp = new QueryProvider("LocalData");\nexport const events = qp.execQuery("WindowsSecurity.list_host_events");\n';
  assert.deepEqual(check(`${[first.source].flat().join("")}\n${query}`), []);
  // The control: huntlab alone fails so (the recipe needs the first cell as it is).
  assert.match(check(`import { QueryProvider } from "huntlab";\n${query}`).join("\n"), /cannot be named without a reference to 'huntlab\/node_modules\/nodejs-polars'/);
});
