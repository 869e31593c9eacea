import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { readDataFile } from "../../src/data/readers";
import { scanJsonArray } from "../../src/data/jsonArrayScan";
import { assertLinear } from "../helpers/linearTime";
import { tempTree } from "../helpers/tmp";

const scan = (text: string, recordsOnly = false) => scanJsonArray(Buffer.from(text), 0, { recordsOnly });

test("scanJsonArray: an array cut anywhere is not closed, with the records complete before the cut", () => {
  const whole = '[\n {"a": 1, "s": "x,]}\\"{"},\n {"a": 2},\n 3\n]';
  assert.equal(scan(whole).closed, true);
  // Every cut of the whole text but the whole text: in a record, a string, a number, after a comma, after a record.
  for (let end = 1; end < whole.length; end++) {
    const shape = scan(whole.slice(0, end));
    assert.equal(shape.closed, false, JSON.stringify(whole.slice(0, end)));
    assert.equal(shape.records, end > whole.indexOf("},\n {") ? (end > whole.indexOf('2}') + 1 ? 2 : 1) : 0, JSON.stringify(whole.slice(0, end)));
  }
  // Text after a closed array is no cut.
  assert.equal(scan('[{"a": 1}] trailing').closed, true);
});

test("scanJsonArray: the elements that are no record, the first named, and the records written again alone", () => {
  const text = '[{"a": "[1, 2]"}, 3, "x", null, true, -1.5e3, [{"b": 1}], {"a": "\\\\"} , false]';
  const shape = scan(text, true);
  assert.equal(shape.records, 2);
  assert.equal(shape.nonRecords, 7);
  assert.deepEqual(shape.firstNonRecord, { index: 1, offset: text.indexOf("3"), first: "3" });
  assert.deepEqual(JSON.parse(String(shape.recordsOnly)), [{ a: "[1, 2]" }, { a: "\\" }]);
  assert.equal(scan('[{"a": 1}, {"a": 2}]', true).recordsOnly, undefined);
});

test("scanJsonArray is linear in the text (brackets, strings of backslashes and quotes, plain values)", () => {
  assertLinear("nested brackets", (n) => "[" + "[".repeat(n), (s) => void scan(s));
  assertLinear("backslashes and quotes", (n) => '[{"a": "' + '\\\\\\"'.repeat(n / 4) + '"}]', (s) => void scan(s, true));
  assertLinear("plain values", (n) => "[" + "1,".repeat(n / 2) + '{"a":1}]', (s) => void scan(s, true));
});

test("a .json or .log array cut inside a record, a string or a number says it was cut and how many records are complete", () => {
  const dir = tempTree({
    "record.log": '[\n {"a": 1},\n {"a": 2\n',
    "record.json": '[\n {"a": 1},\n {"a": 2\n',
    "string.json": '\uFEFF[{"a": 1}, {"a": 2}, {"a": "x',
    "number.log": '[{"a": 1}, {"a": 12',
  });
  const complete: Record<string, number> = { "record.log": 1, "record.json": 1, "string.json": 2, "number.log": 1 };
  for (const [f, n] of Object.entries(complete)) {
    assert.throws(
      () => readDataFile(path.join(dir, f)),
      { code: "data/file-invalid", message: new RegExp(`${f.replace(".", "\\.")}: .*the JSON array is not closed.*cut while written or copied.*${n} record\\(s\\) before the cut are complete`) },
      f,
    );
  }
});

test("a .json or .log array mixing records and plain values: the plain values left out with a warning naming the first; no record at all: an error", () => {
  const dir = tempTree({
    "mixed.json": '[{"a": 1},\n 3,\n {"a": 2},\n "x"]',
    "mixed.log": '[{"a": 1}, 3]',
    "none.json": "[\n 1,\n 2]",
  });
  const warnings: string[] = [];
  const df = readDataFile(path.join(dir, "mixed.json"), { warn: (m) => warnings.push(m) });
  assert.deepEqual(df.toRecords(), [{ a: 1 }, { a: 2 }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /mixed\.json: 2 element\(s\) of the array are no record \(the first: element 1 \(counted from 0\) on line 2, a JSON number\): left out; every record was read/);
  warnings.length = 0;
  assert.deepEqual(readDataFile(path.join(dir, "mixed.log"), { warn: (m) => warnings.push(m) }).toRecords(), [{ a: 1 }]);
  assert.match(warnings.join("\n"), /mixed\.log: 1 element\(s\) .*element 1 .* on line 1, a JSON number/);
  assert.throws(() => readDataFile(path.join(dir, "none.json")), { code: "data/file-invalid", message: /none\.json: .*the array holds no records \(objects\): its element 0 \(counted from 0\) on line 2 is a JSON number/ });
  // Nothing else changed on the way: the file as written.
  assert.equal(fs.readFileSync(path.join(dir, "mixed.log"), "utf8"), '[{"a": 1}, 3]');
});

test("an array mixing plain values and integers wider than 128 bits (in records or as plain values): the plain values left out, the wide integers text, every digit kept, with both warnings", () => {
  const huge = "1234567890123456789012345678901234567890";
  const dir = tempTree({ "mixed.json": `[{"id": 1, "n": 2},\n 3,\n {"id": -${huge}, "n": 4},\n ${huge},\n {"id": ${huge}5}]`, "mixed.log": `[{"id": ${huge}}, "x"]` });
  const warnings: string[] = [];
  const df = readDataFile(path.join(dir, "mixed.json"), { warn: (m) => warnings.push(m) });
  assert.deepEqual(df.toRecords(), [
    { id: "1", n: 2 },
    { id: `-${huge}`, n: 4 },
    { id: `${huge}5`, n: null },
  ]);
  assert.deepEqual(warnings, [
    `${path.join(dir, "mixed.json")}: 2 integer(s) wider than 128 bits (the first on line 3) read as text, every digit kept; their columns are text`,
    `${path.join(dir, "mixed.json")}: 2 element(s) of the array are no record (the first: element 1 (counted from 0) on line 2, a JSON number): left out; every record was read`,
  ]);
  warnings.length = 0;
  assert.deepEqual(readDataFile(path.join(dir, "mixed.log"), { warn: (m) => warnings.push(m) }).toRecords(), [{ id: huge }]);
  assert.equal(warnings.length, 2);
});
