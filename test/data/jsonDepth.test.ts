/**
 * JSON data nested thousands of levels deep (one hostile or broken record): polars' reader recursed per level, so a
 * line 100,000 levels deep ended the whole process with a segmentation fault (the kernel died) and one 1,000 deep
 * held it for minutes. Such a file is refused before polars reads it, naming the file and the line; files nested
 * 64 levels read as before.
 */
import assert from "node:assert/strict";
import path from "node:path";
import zlib from "node:zlib";
import { describe, it } from "node:test";
import { readDataFile } from "../../src/data/readers";
import { tempTree } from "../helpers/tmp";

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const DEEP = 100_000;

describe("JSON data nested too deeply", () => {
  const dir = tempTree({
    "deep.ndjson": `{"a":1,"b":[]}\n{"a":2,"b":${nested(DEEP)}}\n`,
    "deep.json": `[{"a":1,"b":[]},\n{"a":2,"b":${nested(DEEP)}}]`,
    "deep.jsonl": `{"a":1}\n{"a":2}\n{"a":3,"b":{"c":${nested(1000)}}}\n`,
    "conn.log": `{"ts":1,"b":${nested(DEEP)}}\n`,
    "deep.ndjson.gz": zlib.gzipSync(`{"a":1,"b":${nested(DEEP)}}\n`),
    // 64 levels, the record included: read.
    "ok.ndjson": `{"a":1,"b":${nested(63)}}\n`,
  });

  for (const [name, line] of [["deep.ndjson", 2], ["deep.json", 2], ["deep.jsonl", 3], ["conn.log", 1], ["deep.ndjson.gz", 1]] as const) {
    it(`${name}: refused naming the file and line ${line}, the process alive`, () => {
      assert.throws(
        () => readDataFile(path.join(dir, name)),
        (err: Error & { code?: string }) =>
          err.code === "data/file-invalid" && err.message.includes(name) && err.message.includes(`line ${line} nests arrays or objects more than 64 levels deep`),
      );
    });
  }

  it("64 levels of nesting read as before", () => {
    const df = readDataFile(path.join(dir, "ok.ndjson"));
    assert.equal(df.height, 1);
    assert.deepEqual(df.columns, ["a", "b"]);
  });
});
