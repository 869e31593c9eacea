/**
 * JSON data nested thousands of levels deep (one hostile or broken record): polars' reader recursed per level, so a
 * line 100,000 levels deep ended the whole process with a segmentation fault (the kernel died) and one 1,000 deep
 * held it for minutes. In JSON lines such a line is left out before polars reads the file, and in an array of records
 * such a record, with a warning naming the file and the line (one hostile record must not cost the others); a file
 * whose every record is so deep (one record, on one line or several, in any of .json/.ndjson/.jsonl/.log) is
 * refused naming the file and line, not read as an empty frame; files nested 64 levels read as before.
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

  for (const [name, line, rows] of [["deep.ndjson", 2, [1]], ["deep.jsonl", 3, [1, 2]], ["mixed.ndjson", 2, [1, 3]]] as const) {
    it(`${name}: line ${line} left out with a warning naming the file and line, every other record read, the process alive`, () => {
      const warnings: string[] = [];
      const df = readDataFile(path.join(dir, name), { warn: (m) => warnings.push(m) });
      assert.deepEqual(df.height ? df.getColumn("a").toArray() : [], rows);
      const deep = warnings.filter((w) => w.includes("more than 64 levels deep"));
      assert.equal(deep.length, 1, warnings.join("\n"));
      assert.ok(deep[0].includes(name) && deep[0].includes(`(the first: line ${line})`) && deep[0].includes("1 line(s)"), deep[0]);
    });
  }

  // Every record too deep: nothing to read, refused as one record is (an empty frame hid it), the .gz named.
  for (const [name, format] of [["conn.log", "LOG"], ["deep.ndjson.gz", "NDJSON"]] as const) {
    it(`${name} (its one line too deep): refused naming the file and line 1, the process alive`, () => {
      const warnings: string[] = [];
      assert.throws(
        () => readDataFile(path.join(dir, name), { warn: (m) => warnings.push(m) }),
        (err: Error & { code?: string }) => err.code === "data/file-invalid" && err.message.startsWith(`${path.join(dir, name)}: cannot read as ${format}: line 1 nests arrays or objects more than 64 levels deep`),
      );
      assert.deepEqual(warnings, []);
    });
  }

  it("deep.json (an array of records over two lines): the deep record left out with a warning naming line 2, the others read", () => {
    const warnings: string[] = [];
    const df = readDataFile(path.join(dir, "deep.json"), { warn: (m) => warnings.push(m) });
    assert.deepEqual(df.getColumn("a").toArray(), [1]);
    assert.deepEqual(warnings, [`${path.join(dir, "deep.json")}: 1 record(s) of the array nest arrays or objects more than 64 levels deep (the first: line 2), which no log needs (a broken or hostile record): left out; every other record was read`]);
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

describe("the same deep record in each JSON form and extension", () => {
  const deep = nested(2000);
  const forms = {
    // One line: an array whose middle, last or every record is too deep.
    middle: `[{"a":1},{"a":2,"b":${deep}},{"a":3}]`,
    last: `[{"a":1}, {"a":2,"b":${deep}} ,\n {"a":3,"b":{"c":${deep}}}]`,
    first: `[{"a":2,"b":${deep}},{"a":3}]`,
    allOfThem: `[{"a":2,"b":${deep}},{"a":3,"c":"]}","b":${deep}}]`,
    // A repeated key beside the cut: the last value wins, the cut record gone.
    repeated: `[{"a":1,"a":5},{"a":2,"b":${deep}},{"a":3}]`,
    // 64 levels, the array included: read, nothing cut.
    edge: `[{"a":1,"b":${nested(62)}},{"a":2}]`,
    one: `{"a":2,"b":${deep}}\n`,
    pretty: `{\n  "a": 2,\n  "b": ${deep}\n}\n`,
  };
  const dir = tempTree(Object.fromEntries(Object.entries(forms).flatMap(([k, text]) => ["json", "log", "ndjson"].map((ext) => [`${k}.${ext}`, text]))));
  const read = (name: string) => {
    const warnings: string[] = [];
    try {
      const df = readDataFile(path.join(dir, name), { warn: (m) => warnings.push(m) });
      return { rows: df.getColumn("a").toArray(), warnings };
    } catch (err) {
      return { error: (err as Error & { code?: string }).code, message: (err as Error).message, warnings };
    }
  };

  for (const ext of ["json", "log"]) {
    for (const [form, rows, count, line] of [["middle", [1, 3], 1, 1], ["last", [1], 2, 1], ["first", [3], 1, 1], ["repeated", [5, 3], 1, 1]] as const) {
      it(`${form}.${ext}: the deep record(s) left out, warning naming line ${line}; the rest read`, () => {
        const r = read(`${form}.${ext}`);
        assert.deepEqual(r.rows, rows, r.message);
        const deepWarnings = r.warnings.filter((w) => w.includes("levels deep"));
        assert.deepEqual(deepWarnings, [`${path.join(dir, `${form}.${ext}`)}: ${count} record(s) of the array nest arrays or objects more than 64 levels deep (the first: line ${line}), which no log needs (a broken or hostile record): left out; every other record was read`]);
      });
    }
  }

  it("edge.json: 64 levels with the array read whole, no warning", () => {
    assert.deepEqual(read("edge.json"), { rows: [1, 2], warnings: [] });
  });

  // One record, or an array all of whose records are too deep: the same refusal whatever the extension or layout,
  // naming the format the file was read as (a `.log` holding an array said JSON).
  for (const name of ["allOfThem.json", "allOfThem.log", "one.json", "one.ndjson", "one.log", "pretty.json"]) {
    it(`${name}: refused, naming the file and the deep record's line, no warning`, () => {
      const r = read(name);
      assert.equal(r.error, "data/file-invalid", JSON.stringify(r.rows));
      const line = name.startsWith("pretty") ? 3 : 1;
      assert.match(r.message!, new RegExp(`^${path.join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read as ${path.extname(name).slice(1).toUpperCase()}: line ${line} nests arrays or objects more than 64 levels deep`));
      assert.deepEqual(r.warnings, []);
    });
  }
});
