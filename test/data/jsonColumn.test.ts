/**
 * parseJsonColumn on a cell nested thousands of levels deep (a hostile alert or event cell): beside an integer past
 * 2^53 the exact-integer reader (a recursive walk) overflowed the stack, and the column failed with
 * `not JSON (Maximum call stack size exceeded)`. Such a cell is null with a warning naming the column, the rows and
 * the limit; every other row is read, 64-bit integers exact.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { parseJsonColumn } from "../../src/data/json";

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("parseJsonColumn and cells nested too deep", () => {
  for (const levels of [100, 5_000, 100_000]) {
    it(`a cell ${levels} levels deep beside a 64-bit integer: null with a warning, the other rows read`, () => {
      const df = pl.DataFrame({ j: ['{"LogonId":9007199254740993}', `{"id":9007199254740993,"a":${nested(levels)}}`, null, `{"b":${nested(levels)}}`, '{"x":[[1]]}'] });
      const warnings: string[] = [];
      const values = parseJsonColumn(df, "j", { warn: (m) => warnings.push(m) });
      assert.deepEqual(values, [{ LogonId: "9007199254740993" }, null, null, null, { x: [[1]] }]);
      assert.deepEqual(warnings, [
        'parseJsonColumn: column "j": 2 value(s) (row 1, 3) nest arrays or objects more than 64 levels deep, which no log needs (a broken or hostile record): null; every other row was read',
      ]);
    });
  }

  it("64 levels read as before, without a warning", () => {
    const warnings: string[] = [];
    const values = parseJsonColumn(pl.DataFrame({ j: [`{"id":9007199254740993,"a":${nested(63)}}`] }), "j", { warn: (m) => warnings.push(m) });
    assert.equal((values[0] as { id: string }).id, "9007199254740993");
    assert.deepEqual(warnings, []);
  });

  it("text that is not JSON still fails naming the column and row", () => {
    assert.throws(() => parseJsonColumn(pl.DataFrame({ j: ['{"a":1}', "{oops"] }), "j"), { code: "data/json-invalid", message: /column "j", row 1: not JSON/ });
  });
});
