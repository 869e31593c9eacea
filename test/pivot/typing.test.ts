/**
 * Notebook cells type-check without casts: `entities.Ip.util.ipType(...)`,
 * `entities.Host.LocalData.WindowsSecurity.list_host_logons(...)`… after
 * `new Pivot(...)`, with tslab's TypeScript (5.0, its compiler options). The
 * project's own TypeScript checks the same cell strictly in `npm test`'s type
 * check (tsconfig.test.json includes test/, fixtures too).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";

const CELL = path.join(__dirname, "fixtures", "notebookCell.ts");

type Ts = typeof import("typescript");

function cellDiagnostics(ts: Ts, options: import("typescript").CompilerOptions): string[] {
  const program = ts.createProgram([CELL], options);
  const file = program.getSourceFile(CELL);
  assert.ok(file, "the cell file is in the program");
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const where = d.start !== undefined ? d.file?.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `${where.line + 1}:${where.character + 1} ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("pivot typing in notebook cells", () => {
  it("type-checks with tslab's TypeScript 5.0 and its options (no casts)", { timeout: 240_000 }, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("@tslab/typescript-for-tslab") as Ts;
    assert.match(ts.version, /^5\.0\./);
    const diagnostics = cellDiagnostics(ts, {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      resolveJsonModule: true,
      skipLibCheck: true,
      types: ["node"],
    });
    assert.deepEqual(diagnostics, []);
  });
});
