/**
 * `jupyter nbconvert --to script` writes a notebook's code cells one after another into one `.ts` file (its
 * script template: each code cell's source, nothing else). The lab's sections each imported their names
 * again (`import pl from "nodejs-polars"` five times, `checkResult` and `checkAnswers` in every self-check)
 * and declared `hostLogons` twice: a kernel takes that cell by cell, but as one file it was 16 duplicate
 * identifiers and a redeclared `const` (18 errors under tsc, and Node refuses duplicate imports too). Each name
 * is now imported once, where the lab first uses it, so the exported file of either notebook type-checks as
 * one module (and runs: `node --import tsx` on it renamed `.mts`).
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { findPython } from "../../scripts/python.mjs";
import { tempDir } from "../helpers/tmp";
import { cachingCompilerHost } from "./tsSourceCache";

const ROOT = path.join(__dirname, "..", "..");
const NOTEBOOKS = ["HuntingLab.ipynb", "HuntingLab-Completed.ipynb"];

interface Notebook {
  cells: { cell_type: string; source: string | string[] }[];
}

/** What nbconvert's script template writes: each code cell's source and a blank line (markdown and raw cells: nothing). */
function scriptOf(file: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", file), "utf8")) as Notebook;
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => `${Array.isArray(c.source) ? c.source.join("") : c.source}\n\n`)
    .join("");
}

/** A folder whose `node_modules` is the repository's, so "huntlab" and "nodejs-polars" resolve as in the notebooks' folder. */
function scriptFolder(): string {
  const dir = tempDir("huntlab-script-");
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

const TYPE_CHECK: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  esModuleInterop: true,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
};
/** One host for this file's programs: the second one takes lib.dom's and Node's parsed typings from the first. */
const host = cachingCompilerHost(ts, TYPE_CHECK);

/** Each error of the files as one program, strict, each file an ES module (top-level await, as in the kernels). */
function typeErrors(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], TYPE_CHECK, host);
  for (const f of files) assert.ok(ts.isExternalModule(program.getSourceFile(f)!), `${f} is a module`);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file ? path.basename(d.file.fileName) : ""}${where ? `:${where.line + 1}:${where.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}

const nbconvertPython = findPython(["nbconvert"]);

test("each notebook's code, as nbconvert --to script writes it, type-checks as one TypeScript module", { timeout: 240_000 }, () => {
  const dir = scriptFolder();
  const files = NOTEBOOKS.map((nb) => {
    const file = path.join(dir, nb.replace(/\.ipynb$/, ".ts"));
    fs.writeFileSync(file, scriptOf(nb));
    return file;
  });
  // nbconvert's own export, where it is installed: the same text (its template adds nothing else here). One nbconvert
  // converts both notebooks (each is then <name>.ts in the output folder): its start is most of a conversion's ~1.3 s of CPU.
  const nbconvert = (outDir: string, extra: string[] = []) => {
    const run: SpawnSyncReturns<string> = spawnSync(nbconvertPython as string, ["-m", "nbconvert", "--to", "script", ...extra, "--output-dir", outDir, ...NOTEBOOKS.map((nb) => path.join(ROOT, "notebooks", nb))], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    return NOTEBOOKS.map((nb) => path.join(outDir, nb.replace(/\.ipynb$/, ".ts")));
  };
  if (nbconvertPython) {
    for (const [i, file] of nbconvert(path.join(dir, "nbconvert")).entries()) {
      assert.equal(fs.readFileSync(file, "utf8").trim(), scriptOf(NOTEBOOKS[i]).trim(), `${NOTEBOOKS[i]}: nbconvert's script differs from its code cells`);
    }
  }
  // huntlab's template keeps the Markdown cells as // comments: still one valid module, the explanations kept.
  if (nbconvertPython) {
    const template = path.join(ROOT, "nbconvert-templates", "script-notes.j2");
    for (const [i, file] of nbconvert(path.join(dir, "notes"), ["--template-file", template]).entries()) {
      assert.match(fs.readFileSync(file, "utf8"), /^\/\/ # Threat hunting with huntlab$/m, `${NOTEBOOKS[i]}: the first heading is not kept as a comment`);
      files.push(file);
    }
  }
  const code = fs.readFileSync(files[1], "utf8");
  assert.match(code, /from "huntlab"/, "the completed notebook's code imports huntlab");
  assert.deepEqual(typeErrors(files), []);
});

test("the script-notes template keeps every line of a Markdown cell inside a comment, whatever ends it", { skip: !nbconvertPython && !process.env.CI && "no Python with nbconvert", timeout: 120_000 }, () => {
  const dir = tempDir("huntlab-script-notes-");
  // CR, CRLF, U+2028 and U+2029 end a line in JavaScript: each would have ended a // comment and let the rest run as code.
  const markdown = "one\rthrow 1;\u2028throw 2;\u2029throw 3;\r\nthrow 4;\nthrow 5;";
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: "typescript", file_extension: ".ts" } }, cells: [{ id: "m", cell_type: "markdown", metadata: {}, source: markdown }, { id: "c", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: "const x = 1;" }] };
  fs.writeFileSync(path.join(dir, "notes.ipynb"), JSON.stringify(nb));
  const run = spawnSync(nbconvertPython as string, ["-m", "nbconvert", "--to", "script", "--template-file", path.join(ROOT, "nbconvert-templates", "script-notes.j2"), "--output-dir", dir, path.join(dir, "notes.ipynb")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const lines = fs.readFileSync(path.join(dir, "notes.ts"), "utf8").split(/\r\n|[\r\n\u2028\u2029]/).filter((l) => l.trim() !== "");
  assert.deepEqual(lines, ["// one", "// throw 1;", "// throw 2;", "// throw 3;", "// throw 4;", "// throw 5;", "const x = 1;"]);
});

test("a name imported twice in one file is an error to this check (the lab's cells did so before)", { timeout: 240_000 }, () => {
  const dir = scriptFolder();
  const file = path.join(dir, "twice.ts");
  fs.writeFileSync(file, 'import pl from "nodejs-polars";\nconst a = pl.Series([1]);\nimport pl from "nodejs-polars";\nconsole.log(a.len());\n');
  assert.ok(typeErrors([file]).some((e) => /Duplicate identifier 'pl'/.test(e)));
});
