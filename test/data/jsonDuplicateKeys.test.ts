/**
 * JSON records that repeat a key in one object: polars kept the first value (`{"CommandLine":"benign",
 * "CommandLine":"evil"}` read as benign), where JSON.parse, Python's json (pandas, MSTICPy) and most SIEMs keep
 * the last. The readers now read the last, with a warning naming the file, the keys and how many records.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/index";
import { findDuplicateKeys, lastKeyWins, repeatedKeys } from "../../src/data/jsonDuplicateKeys";
import { tempDir } from "../helpers/tmp";
import { assertLinear } from "../helpers/linearTime";

function read(name: string, text: string | Buffer): { df: pl.DataFrame; warnings: string[]; file: string } {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  const warnings: string[] = [];
  return { df: readDataFile(file, { warn: (m) => warnings.push(m) }), warnings, file };
}

const benign = '{"CommandLine":"benign","Host":"h1","CommandLine":"evil"}';
const normal = (k: number) => JSON.stringify({ CommandLine: `cmd${k}`, Host: "h2" });

describe("JSON records that repeat a key", () => {
  it("read the last value, as JSON.parse does, with a warning naming the file, the key and the count", () => {
    for (const name of ["events.ndjson", "events.json"]) {
      const { df, warnings, file } = read(name, [benign, normal(1), benign].join("\n") + "\n");
      assert.deepEqual(df.getColumn("CommandLine").toArray(), ["evil", "cmd1", "evil"], name);
      assert.deepEqual(df.getColumn("Host").toArray(), ["h1", "h2", "h1"]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.ok(warnings[0].startsWith(`${file}: 2 record(s) repeat a key in one object (CommandLine): the last value of each is read`), warnings[0]);
    }
  });

  it("in a later line than schema inference's first, in the first line, and in a JSON array", () => {
    const later = read("later.ndjson", [normal(1), normal(2), benign].join("\n"));
    assert.deepEqual(later.df.getColumn("CommandLine").toArray(), ["cmd1", "cmd2", "evil"]);
    const first = read("first.ndjson", [benign, normal(1)].join("\n"));
    assert.deepEqual(first.df.getColumn("CommandLine").toArray(), ["evil", "cmd1"]);
    // A key only the repeat's second value has a type for (a number then a string): the string's column.
    const typed = read("typed.ndjson", '{"Port":80,"Port":"eighty"}\n{"Port":"443"}\n');
    assert.deepEqual(typed.df.getColumn("Port").toArray(), ["eighty", "443"]);
    const array = read("array.json", `[\n  ${benign},\n  ${normal(3)}\n]`);
    assert.deepEqual(array.df.getColumn("CommandLine").toArray(), ["evil", "cmd3"]);
    assert.match(array.warnings.join("\n"), /array\.json: 1 record\(s\) repeat a key/);
  });

  it("inside a nested object, and spelt with escapes (Command\\u004cine is CommandLine)", () => {
    const nested = read("nested.ndjson", '{"process":{"cmd":"benign","cmd":"evil"},"parent":{"cmd":"x"}}\n{"process":{"cmd":"a"},"parent":{"cmd":"b"}}\n');
    const rows = nested.df.getColumn("process").toArray() as unknown as { cmd: string }[];
    assert.deepEqual(rows.map((r) => r.cmd), ["evil", "a"]);
    assert.match(nested.warnings[0], /1 record\(s\) repeat a key in one object \(cmd\)/);
    const escaped = read("escaped.ndjson", '{"Command\\u004cine":"benign","CommandLine":"evil"}\n');
    assert.deepEqual(escaped.df.getColumn("CommandLine").toArray(), ["evil"]);
    assert.equal(escaped.warnings.length, 1);
    // With a byte-order mark (PowerShell's UTF-8): the same.
    const bom = read("bom.ndjson", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${benign}\n${normal(4)}\n`)]));
    assert.deepEqual(bom.df.getColumn("CommandLine").toArray(), ["evil", "cmd4"]);
  });

  it("leaves records without a repeat alone: the same key in two objects, keys inside strings, no warning", () => {
    const { df, warnings } = read("fine.ndjson", '{"a":{"id":1},"b":{"id":2},"s":"{\\"s\\":1,\\"s\\":2}"}\n{"a":{"id":3},"b":{"id":4},"s":"x"}\n');
    assert.deepEqual(warnings, []);
    assert.equal(df.height, 2);
    assert.deepEqual(repeatedKeys('{"a":{"id":1},"b":[{"id":2},{"id":3}]}'), []);
    assert.deepEqual(repeatedKeys('{"a":[{"id":2,"id":3}]}'), ["id"]);
  });

  it("a record whose keys differ from a checked record's in one byte, anywhere in a key (keys are hashed four bytes at a time): its repeat is found", () => {
    // Every key length from 1 to 9 and every position of the changed byte: the first record's layout is checked
    // (no repeat), the second's differs from it in that byte alone and repeats the key.
    for (let length = 1; length <= 9; length++) {
      for (let at = 0; at < length; at++) {
        const key = "k".repeat(length);
        const other = key.slice(0, at) + "j" + key.slice(at + 1);
        const text = Buffer.from(`{"${other}":1,"${key}":2}\n{"${key}":1,"${key}":2}\n{"${key}\\u0041":1,"${key}":2}\n`);
        const found = findDuplicateKeys(text);
        assert.deepEqual(found.keys, [key], `${length} ${at}`);
        assert.equal(found.records.length, 1, `${length} ${at}`);
        assert.equal(text.toString("utf8", ...found.records[0]), `{"${key}":1,"${key}":2}`);
      }
    }
  });

  it("keeps every number's text when a record is written again (an id past 2^53, a float's digits)", () => {
    assert.equal(lastKeyWins('{"id":123456789012345678901,"id":98765432109876543210,"f":1.50}'), '{"id":98765432109876543210,"f":1.50}');
    const found = findDuplicateKeys(Buffer.from(`${normal(1)}\n${benign}\n`));
    assert.equal(found.records.length, 1);
    assert.deepEqual(found.keys, ["CommandLine"]);
  });

  it("through a LocalData query too", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "procs.ndjson"), [benign, normal(1)].join("\n"));
    const warnings: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [], readOptions: { warn: (m) => warnings.push(m) } });
    const df = await qp.execQuery("procs");
    assert.deepEqual(df.getColumn("CommandLine").toArray(), ["evil", "cmd1"]);
    assert.equal(warnings.filter((m) => /repeat a key/.test(m)).length, 1, warnings.join("\n"));
  });

  it("in one record written over several lines (a pretty-printed .json): it was read with the first value", () => {
    const pretty = JSON.stringify({ CommandLine: "benign", Host: "h1", Nested: { a: 1 } }, null, 2).replace('"Nested"', '"CommandLine": "evil",\n  "Nested"');
    for (const text of [pretty, `\uFEFF${pretty}`]) {
      const { df, warnings, file } = read("one.json", text);
      assert.deepEqual(df.getColumn("CommandLine").toArray(), ["evil"]);
      assert.deepEqual(df.getColumn("Host").toArray(), ["h1"]);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.ok(warnings[0].startsWith(`${file}: 1 record(s) repeat a key in one object (CommandLine)`), warnings[0]);
    }
    // Without a repeat: no warning, read as before.
    const plain = read("plain.json", JSON.stringify({ CommandLine: "x", Host: "h" }, null, 2));
    assert.deepEqual([plain.df.getColumn("CommandLine").toArray(), plain.warnings], [["x"], []]);
  });

  it("in a pretty-printed JSON array, a repeat in the second record too", () => {
    const text = `[\n  {\n    "CommandLine": "a",\n    "Host": "h0"\n  },\n  {\n    "CommandLine": "benign",\n    "Host": "h1",\n    "CommandLine": "evil"\n  }\n]\n`;
    const { df, warnings } = read("array.json", text);
    assert.deepEqual(df.getColumn("CommandLine").toArray(), ["a", "evil"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
  });

  it("in a JSON .log whose last line was cut (a copy of a log being written): the repeat's last value, and the cut line's warning", () => {
    for (const bom of ["", "\uFEFF"]) {
      const { df, warnings, file } = read("conn.log", `${bom}${benign}\n${normal(1)}\n{"CommandLine":"cu`);
      assert.deepEqual(df.getColumn("CommandLine").toArray(), ["evil", "cmd1"], JSON.stringify(bom));
      assert.equal(warnings.length, 2, warnings.join("\n"));
      assert.ok(warnings.some((w) => w.startsWith(`${file}: 1 record(s) repeat a key in one object (CommandLine)`)), warnings.join("\n"));
      assert.ok(warnings.some((w) => w.startsWith(`${file}: line 3, the last, is incomplete`)), warnings.join("\n"));
    }
  });

  it("screens in linear time: crafted records repeating many distinct keys, one line or pretty-printed", () => {
    const record = (size: number, sep: string) => {
      const pairs: string[] = [];
      for (let k = 0; pairs.length * 16 < size; k++) pairs.push(`"k${k}":1`, `"k${k}":2`);
      return `{${pairs.join(`,${sep}`)}}`;
    };
    assertLinear("one line", (n) => record(n, ""), (text) => findDuplicateKeys(Buffer.from(text)), { size: 256 * 1024 });
    assertLinear("pretty-printed", (n) => record(n, "\n  "), (text) => findDuplicateKeys(Buffer.from(text), 0, text.length, 0, new Set(), false), { size: 256 * 1024 });
    assertLinear("escaped quotes", (n) => `{"a":"${'\\\\\\"'.repeat(n / 4)}","a":1}`, (text) => findDuplicateKeys(Buffer.from(text)), { size: 256 * 1024 });
    // An array of records too deep, each cut: every bracket looked at once (adjacent cuts merged without a rescan).
    const deepRecord = `{"a":${"[".repeat(70)}${"]".repeat(70)}}`;
    assertLinear("array of deep records", (n) => `[{"a":1},${Array.from({ length: Math.max(1, Math.floor(n / deepRecord.length)) }, () => deepRecord).join(",")}]`, (text) => findDuplicateKeys(Buffer.from(text), 0, text.length, 1), { size: 256 * 1024 });
  });
});
