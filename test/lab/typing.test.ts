/**
 * The lab's self-check cells type-check in tslab with answers read from the data
 * (a Series, `toArray()[0]`, `get(0)`, a Set, a one-column DataFrame): tslab
 * type-checks each cell before it runs and skips a cell that fails, so the
 * documented Series answer never reached checkAnswers. Checked with tslab's
 * TypeScript (5.0) and the options tslab compiles cells with (not strict).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import type * as TS from "typescript";

const CELL = path.join(__dirname, "fixtures", "answerCell.ts");

test("self-check cells with answers read from the data type-check with tslab's TypeScript and options", { timeout: 240_000 }, () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("@tslab/typescript-for-tslab") as typeof TS;
  assert.match(ts.version, /^5\.0\./);
  // As tslab's converter sets them (node_modules/tslab/dist/converter.js), with Node's types.
  const program = ts.createProgram([CELL], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const file = program.getSourceFile(CELL);
  assert.ok(file, "the cell file is in the program");
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const where = d.start !== undefined ? d.file?.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `${where.line + 1}:${where.character + 1} ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  assert.deepEqual(diagnostics, []);
});
