/**
 * Cells run out of order, or a query not awaited: pivotChain, runPipeline and
 * ipsFromDataFrame given a Promise or undefined say what they got and what to
 * do (a Promise: `await`), not a TypeError nor "no IP column … Columns: ".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { PivotError, pivotChain, runPipeline } from "../../src/pivot";
import { EntityParseError } from "../../src/entities/entity";

const PIPELINE = "pipelines:\n  p:\n    steps:\n      - {name: f, step_type: filter, params: {column: ip, op: eq, value: 10.0.0.7}}\n";
const FRAME = pl.DataFrame({ ip: ["10.0.0.7", "10.0.0.8"] });
const pending = () => Promise.resolve(FRAME);

describe("a Promise or undefined where a DataFrame goes", () => {
  it("pivotChain and runPipeline name themselves and say to await the query", async () => {
    const frame = (fn: string) => (err: unknown) => err instanceof PivotError && err.code === "pivot/bad-input" && err.message.startsWith(`${fn}:`) && /a Promise.*put `await` before it/.test(err.message);
    assert.throws(() => pivotChain(pending() as never), frame("pivotChain"));
    await assert.rejects(runPipeline(pending() as never, PIPELINE), frame("runPipeline"));
    await assert.rejects(runPipeline(undefined as never, PIPELINE), (err: PivotError) => err.code === "pivot/bad-input" && /^runPipeline: .*got undefined \(a variable never set/.test(err.message));
  });

  it("runPipeline without its pipeline says what the second argument is", async () => {
    await assert.rejects(runPipeline(FRAME, undefined as never), (err: PivotError) => err.code === "pivot/bad-input" && /YAML text or the path of a \.yaml file, not undefined/.test(err.message));
    // And with both, it runs.
    assert.equal((await runPipeline(FRAME, PIPELINE)).height, 1);
  });

  it("ipsFromDataFrame says to await the query (it read a Promise as a frame without columns)", () => {
    assert.throws(() => entities.ipsFromDataFrame(pending() as never), (err: EntityParseError) => err.code === "entities/frame-input" && /put `await` before it/.test(err.message));
    assert.throws(() => entities.ipsFromDataFrame(undefined as never), (err: EntityParseError) => err.code === "entities/frame-input" && /got undefined/.test(err.message));
    assert.equal(entities.ipsFromDataFrame(FRAME.rename({ ip: "IPAddress" })).length, 2);
  });
});
