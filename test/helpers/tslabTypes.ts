/**
 * A notebook cell's type errors as tslab reports them: its TypeScript (5.0,
 * `@tslab/typescript-for-tslab`) with the compiler options its converter
 * sets (node_modules/tslab/dist/converter.js: not strict, Node's types).
 * tslab skips a cell with a type error, so a cell a learner is told to write
 * must come out of this empty.
 */
import assert from "node:assert/strict";
import type * as TS from "typescript";

/** Programs by their root cells: each costs ~6 s of CPU (huntlab's sources, polars' and Node's typings), most of it shared by any two cells. */
const programs = new Map<string, TS.Program>();

/**
 * The `line:column message` of each syntactic and semantic error in `cell` (a .ts file). `roots`: the cells of one
 * program, which `cell` must be among; callers checking several cells pass them all, so that they share one program.
 * Each cell is a module (it imports), so its diagnostics do not depend on the other roots.
 */
export function tslabCellErrors(cell: string, roots: readonly string[] = [cell]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("@tslab/typescript-for-tslab") as typeof TS;
  assert.match(ts.version, /^5\.0\./);
  assert.ok(roots.includes(cell), `${cell} is one of the program's cells`);
  const key = roots.join("\0");
  const program =
    programs.get(key) ??
    ts.createProgram([...roots], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      resolveJsonModule: true,
      skipLibCheck: true,
      types: ["node"],
    });
  programs.set(key, program);
  const file = program.getSourceFile(cell);
  assert.ok(file, "the cell file is in the program");
  assert.ok(ts.isExternalModule(file), `${cell} is a module (a script's declarations would reach the other cells)`);
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const where = d.start !== undefined ? d.file?.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `${where.line + 1}:${where.character + 1} ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
