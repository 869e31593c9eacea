/**
 * A notebook cell's type errors as tslab reports them: its TypeScript (5.0,
 * `@tslab/typescript-for-tslab`) with the compiler options its converter
 * sets (node_modules/tslab/dist/converter.js: not strict, Node's types).
 * tslab skips a cell with a type error, so a cell a learner is told to write
 * must come out of this empty.
 */
import assert from "node:assert/strict";
import type * as TS from "typescript";

/** The `line:column message` of each syntactic and semantic error in `cell` (a .ts file). */
export function tslabCellErrors(cell: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("@tslab/typescript-for-tslab") as typeof TS;
  assert.match(ts.version, /^5\.0\./);
  const program = ts.createProgram([cell], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const file = program.getSourceFile(cell);
  assert.ok(file, "the cell file is in the program");
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const where = d.start !== undefined ? d.file?.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `${where.line + 1}:${where.character + 1} ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
