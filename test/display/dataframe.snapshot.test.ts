/**
 * Snapshots of the DataFrame table (HTML and text) for fixed frames: golden files in
 * test/display/snapshots/. A change in the rendering shows as a diff; accept an
 * intended one with `UPDATE_SNAPSHOTS=1 npm test` (see test/README.md).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import { dataFrameToHtml, dataFrameToText } from "../../src/display/dataframe";
import { assertSnapshot, snapshotFile } from "../helpers/snapshot";

const utc = (iso: string) => new Date(iso);

/** Small, every common dtype: ints, floats, hostile strings, nulls, booleans, fixed datetimes, a list. */
function mixedFrame(): pl.DataFrame {
  return pl.DataFrame({
    id: pl.Series("id", [1, 2, 3, 4], pl.Int64),
    big: pl.Series("big", ["9223372036854775807", "-5", null, "0"]).cast(pl.Int64),
    score: [0.1, Number.NaN, 1234567.891, -2.5],
    host: ["web-01", "<script>alert(1)</script>", null, `"quoted" & 'single' ${"A".repeat(60)}`],
    ok: [true, false, null, true],
    ts: pl.Series("ts", [utc("2024-01-01T10:00:00Z"), utc("2024-01-01T10:00:00.123Z"), null, utc("2024-02-29T23:59:59Z")], pl.Datetime("ms")),
    day: pl.Series("day", [utc("2024-03-04T00:00:00Z"), null, utc("1999-12-31T00:00:00Z"), utc("2024-01-01T00:00:00Z")], pl.Date),
    tags: [["a", "b"], [], null, ["<x>"]],
  }).withColumns(pl.col("ts").dt.replaceTimeZone("UTC").alias("ts_utc"));
}

/** 30 columns: more than maxColumns (20), so the middle ones are elided. */
function wideFrame(): pl.DataFrame {
  return pl.DataFrame(
    Object.fromEntries(Array.from({ length: 30 }, (_, c) => [`col_${c}`, pl.Series(`col_${c}`, [c, c * 10, c * 100], pl.Int64)])),
  );
}

/** 100 rows: more than maxRows (60), so rows 5–94 are elided. */
function longFrame(): pl.DataFrame {
  return pl.DataFrame({
    n: pl.Series("n", Array.from({ length: 100 }, (_, i) => i * 7), pl.Int32),
    when: pl.Series("when", Array.from({ length: 100 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000)), pl.Datetime("ms")),
    msg: Array.from({ length: 100 }, (_, i) => `event ${i}`),
  });
}

/** Strings hiding characters: bidi override, zero-width space, ESC, newline, tab, CR; one in a column name. */
function hiddenFrame(): pl.DataFrame {
  return pl.DataFrame({
    file: ["invoice\u202efdp.exe", "zero\u200bwidth", "\u001b[31mred\u001b[0m", "line1\nline2", "tab\there\rcr"],
    "name\u202ehidden": ["a", "b", "c", "d", "e"],
  });
}

const FRAMES: [name: string, make: () => pl.DataFrame][] = [
  ["mixed", mixedFrame],
  ["wide", wideFrame],
  ["long", longFrame],
  ["hidden", hiddenFrame],
];

describe("DataFrame rendering snapshots", () => {
  for (const [name, make] of FRAMES) {
    test(`${name}: HTML`, () => {
      const html = dataFrameToHtml(make());
      assert.equal(dataFrameToHtml(make()), html, "rendering twice gives the same HTML");
      assertSnapshot(html, snapshotFile(__dirname, `dataframe-${name}.html`));
    });
    test(`${name}: text`, () => {
      const text = dataFrameToText(make());
      assert.equal(dataFrameToText(make()), text, "rendering twice gives the same text");
      assertSnapshot(text, snapshotFile(__dirname, `dataframe-${name}.txt`));
    });
  }
});
