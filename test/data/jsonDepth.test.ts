/**
 * JSON data nested thousands of levels deep (one hostile or broken record): polars' reader recursed per level, so a
 * line 100,000 levels deep ended the whole process with a segmentation fault (the kernel died) and one 1,000 deep
 * held it for minutes. In JSON lines such a line is left out before polars reads the file, with a warning naming the
 * file and the line (one hostile record must not cost the others); an array or single record nested so deep is
 * refused naming the file and line; files nested 64 levels read as before.
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
    // A deep line between two good ones (its closing brackets too: the screen resumes on the next line).
    "mixed.ndjson": `{"a":1}\n{"a":2,"b":{"c":${nested(500)}}}\n{"a":3}\n`,
    "repeat.ndjson": `{"c":"first"}\n{"c":${nested(200)}}\n{"c":"benign","c":"evil"}\n`,
    // 64 levels, the record included: read.
    "ok.ndjson": `{"a":1,"b":${nested(63)}}\n`,
  });

  for (const [name, line, rows] of [["deep.ndjson", 2, [1]], ["deep.jsonl", 3, [1, 2]], ["conn.log", 1, []], ["deep.ndjson.gz", 1, []], ["mixed.ndjson", 2, [1, 3]]] as const) {
    it(`${name}: line ${line} left out with a warning naming the file and line, every other record read, the process alive`, () => {
      const warnings: string[] = [];
      const df = readDataFile(path.join(dir, name), { warn: (m) => warnings.push(m) });
      assert.deepEqual(df.height ? df.getColumn(name === "conn.log" ? "ts" : "a").toArray() : [], rows);
      const deep = warnings.filter((w) => w.includes("more than 64 levels deep"));
      assert.equal(deep.length, 1, warnings.join("\n"));
      assert.ok(deep[0].includes(name) && deep[0].includes(`(the first: line ${line})`) && deep[0].includes("1 line(s)"), deep[0]);
    });
  }

  it("deep.json (an array of records): refused naming the file and line 2, the process alive", () => {
    assert.throws(
      () => readDataFile(path.join(dir, "deep.json")),
      (err: Error & { code?: string }) => err.code === "data/file-invalid" && err.message.includes("deep.json") && err.message.includes("line 2 nests arrays or objects more than 64 levels deep"),
    );
  });

  it("a repeated key beside a deep line: the deep line left out, the last value of the key wins", () => {
    const warnings: string[] = [];
    const df = readDataFile(path.join(dir, "repeat.ndjson"), { warn: (m) => warnings.push(m) });
    assert.deepEqual(df.getColumn("c").toArray(), ["first", "evil"]);
    assert.equal(warnings.filter((w) => w.includes("levels deep")).length, 1);
    assert.equal(warnings.filter((w) => w.includes("repeat a key in one object")).length, 1, warnings.join("\n"));
  });

  it("64 levels of nesting read as before", () => {
    const df = readDataFile(path.join(dir, "ok.ndjson"));
    assert.equal(df.height, 1);
    assert.deepEqual(df.columns, ["a", "b"]);
  });
});
