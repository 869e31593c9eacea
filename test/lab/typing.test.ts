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
import { tslabCellErrors } from "../helpers/tslabTypes";

const CELL = path.join(__dirname, "fixtures", "answerCell.ts");

test("self-check cells with answers read from the data type-check with tslab's TypeScript and options", { timeout: 240_000 }, () => {
  const diagnostics = tslabCellErrors(CELL);
  assert.deepEqual(diagnostics, []);
});
