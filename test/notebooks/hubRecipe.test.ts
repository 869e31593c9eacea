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
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp";
import { cachingCompilerHost } from "./tsSourceCache";

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
  const options: import("typescript").CompilerOptions = { declaration: true, emitDeclarationOnly: true, noEmit: false, outDir: path.join(home, "out"), module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, moduleResolution: ts.ModuleResolutionKind.NodeJs, skipLibCheck: true, types: ["node"], esModuleInterop: true };
  // The second check's program takes Node's, huntlab's and polars' parsed typings from the first (the cell's text differs).
  const host = cachingCompilerHost(ts, options);
  const check = (source: string) => {
    fs.writeFileSync(cell, source);
    const program = ts.createProgram([cell], options, host);
    return program.getDeclarationDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  };
  const query = 'const qp = new QueryProvider("LocalData");\nexport const events = qp.execQuery("WindowsSecurity.list_host_events");\n';
  assert.deepEqual(check(`${[first.source].flat().join("")}\n${query}`), []);
  // huntlab alone too: it re-exports the polars types its API returns (it failed so, TS2742).
  assert.deepEqual(check(`import { QueryProvider } from "huntlab";\n${query}`), []);
});

test("tslab's own converter, cells importing only huntlab, node_modules linked from elsewhere: every derived value can be named (TS2742)", () => {
  const home = tempDir("huntlab-home-");
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(home, "node_modules"));
  fs.mkdirSync(path.join(home, "notebooks"));
  const cells = [
    'import { QueryProvider } from "huntlab";\nconst qp = new QueryProvider("LocalData");',
    'const d = await qp.execQuery("host_logons");',
    'const s = d.getColumn("Account"); const lazy = d.lazy(); const groups = d.groupBy("Account"); const dtype = s.dtype; const head = d.head(5); const same = s.eq("x");',
  ];
  // tslab names a cell's variables in declarations for the next cell, from the notebook's folder (its cwd).
  const script = `const { createConverter } = require(${JSON.stringify(require.resolve("tslab/dist/converter.js", { paths: [ROOT] }))});
const conv = createConverter(); let decl = ""; const out = [];
for (const src of ${JSON.stringify(cells)}) { const r = conv.convert(decl, src); out.push(...r.diagnostics.map((d) => d.code + " " + d.messageText)); decl = r.declOutput ?? decl; }
conv.close(); console.log(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ["-e", script], { cwd: path.join(home, "notebooks"), encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim().split("\n").pop()!), []);
});
