/**
 * Why offset columns stay zone-less Datetime (UTC instants) rather than `Datetime(unit, "UTC")`: in nodejs-polars
 * 0.26 a UTC column cannot be compared with a time literal as notebooks write it (`pl.lit(new Date(…))` is
 * zone-less), joined on or stacked with a zone-less time column (the lab's data, every file without offsets), so
 * a reader giving offset columns the UTC zone would break those cells. A tripwire: when a polars release accepts
 * these, this fails, and the readers (README, "Times keep the file's precision") can give the zone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";

test("nodejs-polars refuses a UTC time column beside zone-less times: comparison with a Date literal, join, concat", () => {
  const naive = pl.DataFrame({ t: [new Date("2026-01-01T08:00:00Z"), new Date("2026-01-01T12:00:00Z")], v: [1, 2] }).withColumns(pl.col("t").cast(pl.Datetime("ms")));
  const utc = naive.withColumns(pl.col("t").cast(pl.Datetime("ms", "UTC")));
  assert.throws(() => utc.filter(pl.col("t").gt(pl.lit(new Date("2026-01-01T09:00:00Z")))), /could not evaluate '>' comparison/);
  assert.throws(() => utc.join(naive, { on: "t" }), /join keys don't match|datatypes/);
  assert.throws(() => pl.concat([utc, naive]));
  // The zone-less column the readers make does all three.
  assert.equal(naive.filter(pl.col("t").gt(pl.lit(new Date("2026-01-01T09:00:00Z")))).height, 1);
  assert.equal(naive.join(naive, { on: "t" }).height, 2);
  assert.equal(pl.concat([naive, naive]).height, 4);
});
