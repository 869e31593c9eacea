/**
 * Notebook cells as learners write them type-check in tslab, with tslab's TypeScript (5.0) and the options
 * tslab compiles cells with (not strict): tslab type-checks each cell before it runs and skips a cell that fails.
 * Both cells are checked in one program (~6 s of CPU each alone, ~6.5 s together: huntlab's sources and the
 * typings are shared); each cell is a module, so neither sees the other's names. The project's own TypeScript
 * checks the same cells strictly in `npm test`'s type check (tsconfig.test.json includes test/, fixtures too).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it, test } from "node:test";
import { tslabCellErrors } from "../helpers/tslabTypes";

const ANSWER_CELL = path.join(__dirname, "fixtures", "answerCell.ts");
const PIVOT_CELL = path.join(__dirname, "..", "pivot", "fixtures", "notebookCell.ts");
const CELLS = [ANSWER_CELL, PIVOT_CELL];

/**
 * The lab's self-check cells with answers read from the data (a Series, `toArray()[0]`, `get(0)`, a Set, a
 * one-column DataFrame): the documented Series answer never reached checkAnswers, its cell skipped.
 */
test("self-check cells with answers read from the data type-check with tslab's TypeScript and options", { timeout: 240_000 }, () => {
  const diagnostics = tslabCellErrors(ANSWER_CELL, CELLS);
  assert.deepEqual(diagnostics, []);
});

/**
 * Pivot cells without casts: `entities.Ip.util.ipType(...)`, `entities.Host.LocalData.WindowsSecurity.list_host_logons(...)`…
 * after `new Pivot(...)` (was test/pivot/typing.test.ts).
 */
describe("pivot typing in notebook cells", () => {
  it("type-checks with tslab's TypeScript 5.0 and its options (no casts)", { timeout: 240_000 }, () => {
    const diagnostics = tslabCellErrors(PIVOT_CELL, CELLS);
    assert.deepEqual(diagnostics, []);
  });
});
