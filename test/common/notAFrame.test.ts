/**
 * One description of "not a DataFrame" (src/common/notAFrame.ts) for every
 * function that takes a frame: a Deno or plain JavaScript cell that forgot
 * `await`, kept a LazyDataFrame or took one column is told that, and how to
 * make a DataFrame of it, not "got Object" or a TypeError inside polars.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it, test } from "node:test";
import pl from "nodejs-polars";
import { notAFrameText } from "../../src/common/notAFrame";
import { shortValue } from "../../src/common/options";
import { dbclusterEvents, timeseriesAnomaliesStl } from "../../src/analysis";
import { toMimeBundle } from "../../src/display/display";
import { timeline, timelineValues } from "../../src/vis/timeline";
import { EntityGraph } from "../../src/vis/entityGraph";
import { plotProcessTree } from "../../src/vis/processTree";
import { browseResults } from "../../src/vis/tiBrowser";
import { displayTimeseriesAnomalies } from "../../src/vis/timeseriesAnomalies";

const logons = pl.readParquet(join(__dirname, "../../data/host_logons.parquet"));
const untyped = (fn: unknown) => fn as (...args: unknown[]) => unknown;

describe("notAFrameText", () => {
  it("names what was passed and the step that makes a DataFrame of it", () => {
    const cases: [unknown, RegExp][] = [
      [Promise.resolve(logons), /^a Promise: a query \(or another async call\) not awaited; put `await` before it$/],
      [{ then: () => undefined }, /^a Promise/],
      [logons.lazy(), /^a LazyDataFrame: collect it first \(`await lf\.collect\(\)`\)$/],
      [logons.getColumn("Account"), /^a Series \(one column\): pass the whole DataFrame$/],
      [logons.head(2).toRecords(), /^an array of 2 row objects: make a DataFrame of them first \(`pl\.DataFrame\(rows\)`\)$/],
      [["a", "b", "c"], /^an array of 3 values$/],
      [[], /^an empty array$/],
      [' [{"a": 1}]', /^text holding JSON: read it into a DataFrame first \(`pl\.readJSON\(text\)`\)$/],
      ["host_logons", /^text \(11 characters\)$/],
      [{ Account: "x" }, /^a plain object \(one row\? make a DataFrame of it: `pl\.DataFrame\(\[row\]\)`\)$/],
      [new Map(), /^an object of class Map$/],
      [undefined, /^undefined \(a variable never set/],
      [null, /^null$/],
      [5, /^a number \(5\)$/],
      [() => logons, /^a function \(call it\?\)$/],
    ];
    for (const [value, text] of cases) assert.match(notAFrameText(value), text);
  });

  it("never writes the value's contents (data text, secrets, megabytes)", () => {
    const secret = `{"password": "hunter2", "pad": "${"x".repeat(100_000)}"}`;
    const text = notAFrameText(secret);
    assert.ok(!text.includes("hunter2") && text.length < 100, text);
    assert.ok(!notAFrameText([{ password: "hunter2" }]).includes("hunter2"));
  });
});

describe("every entry point taking a frame words it so", () => {
  const promise = Promise.resolve(logons);
  const lazy = logons.lazy();
  const awaitIt = /got a Promise: .*put `await` before it/;
  const collectIt = /got a LazyDataFrame: collect it first/;

  it("the analysis functions (they said 'got Object' for a LazyDataFrame or Series)", () => {
    assert.throws(() => untyped(timeseriesAnomaliesStl)(lazy), { code: "analysis/not-a-dataframe", message: collectIt });
    assert.throws(() => untyped(timeseriesAnomaliesStl)(promise), { code: "analysis/not-a-dataframe", message: awaitIt });
    assert.throws(() => untyped(dbclusterEvents)(logons.getColumn("Account")), { code: "analysis/not-a-dataframe", message: /got a Series \(one column\)/ });
    assert.throws(() => untyped(dbclusterEvents)(logons.toRecords()), { code: "analysis/not-a-dataframe", message: /pl\.DataFrame\(rows\)/ });
  });

  it("the views", async () => {
    await assert.rejects(async () => untyped(timeline)(promise), { code: "vis/timeline-not-a-dataframe", message: /^timeline\(\) expects a polars DataFrame, got a Promise: .*await/ });
    await assert.rejects(async () => untyped(timelineValues)(lazy, { y: "LogonType" }), { code: "vis/timeline-not-a-dataframe", message: collectIt });
    assert.throws(() => new (EntityGraph as unknown as new (x: unknown) => unknown)(promise), { code: "vis/graph-input", message: awaitIt });
    assert.throws(() => untyped(plotProcessTree)(lazy), { code: "vis/tree-plot-input", message: collectIt });
    assert.throws(() => untyped(browseResults)(promise), { code: "vis/ti-results-invalid", message: awaitIt });
    await assert.rejects(async () => untyped(displayTimeseriesAnomalies)(lazy, { y: "x" }), { code: "vis/chart-not-a-dataframe", message: collectIt });
  });

  it("display of a query not awaited says to await the query, not only the async views", () => {
    assert.throws(() => toMimeBundle(promise), { code: "display/promise", message: /a query or an async view .* not awaited; put `await` before it: display\(await qp\./ });
  });
});

test("shortValue, the option messages' word for a value, names polars' objects and Promises as notAFrameText does (a DataFrame was serialised to JSON and cut: 60 characters of its bytes)", () => {
  const df = pl.DataFrame({ a: [1, 2] });
  assert.equal(shortValue(df), "a DataFrame");
  assert.equal(shortValue(df.lazy()), notAFrameText(df.lazy()));
  assert.equal(shortValue(df.getColumn("a")), "a Series (one column): pass the whole DataFrame");
  assert.match(shortValue(Promise.resolve(1)), /^a Promise: .*put `await` before it$/);
  // Everything else as before: JSON, cut.
  assert.equal(shortValue({ group: 1 }), '{"group":1}');
  assert.equal(shortValue(["a"]), '["a"]');
});
