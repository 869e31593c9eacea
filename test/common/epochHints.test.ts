/**
 * A time column of epoch numbers (a SIEM's `_time`, Zeek's `ts`, an export's FILETIMEs) is refused by the timeline,
 * the charts and the analyses' time reading, with how to convert it. The message names the unit the values' size says
 * (s, ms, µs, ns since 1970, or FILETIME ticks since 1601) and the one conversion for it; before, it gave seconds'
 * conversion and "without .mul(1000) for milliseconds" whatever the values were (µs and ns read as seconds gave years
 * past 50,000). Each conversion given is run here on the column and must give the times written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { epochMagnitude } from "../../src/common/epoch";
import { timeValues } from "../../src/analysis/columns";
import { timeline } from "../../src/vis/timeline";

const WHEN = ["2024-01-01T00:00:00.123Z", "2024-01-01T00:00:01.456Z", "2031-07-09T12:34:56.789Z"];
/** The column in each unit, as the text polars casts from (ns and FILETIME ticks exceed a double's integers). */
const UNITS: { unit: RegExp; digits: string[] }[] = [
  { unit: /from their size \(about 1\.\d\de\+9\) seconds since 1970/, digits: WHEN.map((w) => String(Date.parse(w) / 1000)) },
  { unit: /from their size \(about 1\.\d\de\+12\) milliseconds since 1970/, digits: WHEN.map((w) => String(Date.parse(w))) },
  { unit: /from their size \(about 1\.\d\de\+15\) microseconds \(µs\) since 1970/, digits: WHEN.map((w) => `${Date.parse(w)}000`) },
  { unit: /from their size \(about 1\.\d\de\+18\) nanoseconds since 1970/, digits: WHEN.map((w) => `${Date.parse(w)}000000`) },
  { unit: /from their size \(about 1\.\d\de\+17\) Windows FILETIME ticks \(100 ns\) since 1601/, digits: WHEN.map((w) => String(BigInt(Date.parse(w)) * 10_000n + 116_444_736_000_000_000n)) },
];

/** The `df.withColumns(…)` a message gives, run on `df` (the message's code is the user's next line). */
function runConversion(message: string, df: pl.DataFrame): string[] {
  const code = /df\.withColumns\((pl\.col\(.*?\))\)(?: for|\.?$)/.exec(message)?.[1];
  assert.ok(code, message);
  const converted = new Function("pl", "df", `return df.withColumns(${code});`)(pl, df) as pl.DataFrame;
  return (converted.getColumn("When").cast(pl.Datetime("ms")).toArray() as unknown as Date[]).map((d) => d.toISOString());
}

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail("not refused");
};

test("a numeric time column: the message names the unit by the values' size, and its conversion gives the times", async () => {
  for (const { unit, digits } of UNITS) {
    // Seconds and ms as Int64 / Float64, µs, ns and FILETIMEs as Int64 (cast from text: exact).
    const df = pl.DataFrame([pl.Series("When", digits).cast(digits[0].includes(".") ? pl.Float64 : pl.Int64)]);
    const message = refusal(() => timeValues(df, "When", "fn"));
    assert.match(message, unit);
    assert.match(message, /their median read so is 20(24|31)-/);
    assert.deepEqual(runConversion(message, df), WHEN, message);
    const chart = await timeline(df.withColumns(pl.lit("x").alias("Host")), { timeColumn: "When" }).then(
      () => assert.fail("timeline drew epoch numbers"),
      (err: Error) => err.message,
    );
    assert.match(chart, unit);
    assert.deepEqual(runConversion(chart, df), WHEN, chart);
  }
});

test("epoch numbers written as text: the same unit and a conversion that casts them first", () => {
  for (const { unit, digits } of UNITS) {
    const df = pl.DataFrame({ When: digits });
    const message = refusal(() => timeValues(df, "When", "fn"));
    assert.match(message, /They look like epoch times: convert them first, /);
    assert.match(message, unit);
    assert.deepEqual(runConversion(message, df), WHEN, message);
  }
});

test("the unit is the median's: one far-future sentinel does not make seconds look like ms; numbers too small for any epoch get no epoch hint", () => {
  assert.ok((epochMagnitude(pl.Series("v", [1704067200, 1704067201, 1704067202, 253402300799])) as number) < 1e11);
  const sentinel = pl.DataFrame({ When: [1704067200, 1704067201, 1704067202, 253402300799] });
  assert.match(refusal(() => timeValues(sentinel, "When", "fn")), /seconds since 1970/);
  const ids = pl.DataFrame({ When: [4624, 4625, 4688] });
  const message = refusal(() => timeValues(ids, "When", "fn"));
  assert.match(message, /must hold times .*it is (Int64|Float64)\.$/);
  assert.doesNotMatch(message, /epoch/);
});
