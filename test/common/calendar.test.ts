/** realDateTime: the day-of-month, leap-year and time-of-day checks the time parsers and entities share. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { realDateTime } from "../../src/common/calendar";

describe("realDateTime", () => {
  it("knows month lengths, Gregorian leap years and 00:00:00–23:59:59", () => {
    assert.equal(realDateTime(2024, 2, 29), true);
    assert.equal(realDateTime(2000, 2, 29), true);
    assert.equal(realDateTime(1900, 2, 29), false);
    assert.equal(realDateTime(2023, 2, 29), false);
    assert.equal(realDateTime(2024, 4, 31), false);
    assert.equal(realDateTime(2024, 13, 1), false);
    assert.equal(realDateTime(2024, 1, 0), false);
    assert.equal(realDateTime(2024, 1, 1, 23, 59, 59), true);
    assert.equal(realDateTime(2024, 1, 1, 24, 0, 0), false);
    assert.equal(realDateTime(2016, 12, 31, 23, 59, 60), false);
  });
});
