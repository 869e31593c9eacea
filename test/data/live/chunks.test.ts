import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_CHUNKS, parseSplitBy, timeChunks } from "../../../src/data/live/chunks";
import { QueryError } from "../../../src/data/messages";

const H = 3_600_000;
const D = 24 * H;

describe("split_query_by", () => {
  it("parses MSTICPy's durations", () => {
    assert.equal(parseSplitBy("1d", "q"), D);
    assert.equal(parseSplitBy("6h", "q"), 6 * H);
    assert.equal(parseSplitBy("1H", "q"), H);
    assert.equal(parseSplitBy("30min", "q"), 30 * 60_000);
    assert.equal(parseSplitBy("30T", "q"), 30 * 60_000);
    assert.equal(parseSplitBy("2", "q"), 2 * D);
    assert.equal(parseSplitBy(0.5, "q"), D / 2);
    assert.equal(parseSplitBy(undefined, "q"), undefined);
    assert.throws(() => parseSplitBy("soon", "Fam.q"), (e: unknown) => e instanceof QueryError && e.code === "data/live-literal" && e.message.includes("Fam.q"));
    assert.throws(() => parseSplitBy("0d", "q"), QueryError);
    // Each chunk ends 1 ms before the next starts: under a second, a chunk ended before it began.
    assert.throws(() => parseSplitBy("0.0005s", "Fam.q"), (e: unknown) => e instanceof QueryError && /shorter than one second/.test((e as Error).message) && (e as Error).message.includes("Fam.q"));
    assert.throws(() => parseSplitBy(1e-9, "q"), /shorter than one second/);
    assert.equal(parseSplitBy("1s", "q"), 1000);
  });

  it("covers the range with consecutive, non-overlapping windows", () => {
    const start = new Date("2019-02-10T00:00:00Z");
    const end = new Date("2019-02-13T12:00:00Z");
    const chunks = timeChunks(start, end, D);
    assert.equal(chunks.length, 4);
    assert.deepEqual(chunks[0].start, start);
    assert.deepEqual(chunks.at(-1)?.end, end);
    for (let i = 1; i < chunks.length; i += 1) assert.equal(chunks[i].start.getTime(), chunks[i - 1].end.getTime() + 1, "each window starts 1 ms after the previous ends");
    assert.equal(chunks[3].end.getTime() - chunks[3].start.getTime(), 12 * H);
  });

  it("a range shorter than a chunk is one window; too many chunks are widened to the cap", () => {
    const start = new Date(0);
    assert.equal(timeChunks(start, new Date(H), D).length, 1);
    const many = timeChunks(start, new Date(5000 * D), D);
    assert.ok(many.length <= MAX_CHUNKS);
    assert.deepEqual(many.at(-1)?.end, new Date(5000 * D));
  });
});
