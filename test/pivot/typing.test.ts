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
import { tslabCellErrors } from "../helpers/tslabTypes";

const CELL = path.join(__dirname, "fixtures", "notebookCell.ts");

describe("pivot typing in notebook cells", () => {
  it("type-checks with tslab's TypeScript 5.0 and its options (no casts)", { timeout: 240_000 }, () => {
    const diagnostics = tslabCellErrors(CELL);
    assert.deepEqual(diagnostics, []);
  });
});
