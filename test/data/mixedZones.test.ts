/**
 * A time column mixing values with a UTC offset (`2026-12-01T10:00:00+05:30`) and without one
 * (`2026-12-01T10:00:00`): the latter were taken as UTC without a word. The CSV and JSON readers now warn,
 * naming the file, the column and both counts (the values are still read: offsets as instants, the rest as UTC).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { mixedZones } from "../../src/data/timeParsing";
import { tempDir } from "../helpers/tmp";

function read(name: string, text: string): { df: pl.DataFrame; warnings: string[]; file: string } {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  const warnings: string[] = [];
  return { df: readDataFile(file, { warn: (m) => warnings.push(m) }), warnings, file };
}

const iso = (df: pl.DataFrame) => (df.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.toISOString());

describe("times with and without an offset in one column", () => {
  it("CSV: read as before, with a warning naming the file, the column and the counts", () => {
    const { df, warnings, file } = read("mixed.csv", "id,TimeGenerated\n1,2026-12-01T10:00:00+05:30\n2,2026-12-01T10:00:00\n3,2026-12-01T11:00:00+05:30\n");
    assert.deepEqual(iso(df), ["2026-12-01T04:30:00.000Z", "2026-12-01T10:00:00.000Z", "2026-12-01T05:30:00.000Z"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].startsWith(`${file}: column "TimeGenerated" mixes times with a UTC offset or zone (2 value(s)) and times without one (1 value(s)): those without are read as UTC`), warnings[0]);
  });

  it("JSON lines and arrays too; Z counts as a zone", () => {
    const lines = read("mixed.ndjson", '{"TimeGenerated":"2026-12-01T10:00:00Z"}\n{"TimeGenerated":"2026-12-01T10:00:00"}\n{"TimeGenerated":"2026-12-01 10:00:00"}\n');
    assert.equal(lines.warnings.length, 1, lines.warnings.join("\n"));
    assert.match(lines.warnings[0], /mixed\.ndjson: column "TimeGenerated" mixes .*\(1 value\(s\)\) and times without one \(2 value\(s\)\)/);
    const array = read("mixed.json", '[{"TimeGenerated":"2026-12-01T10:00:00-04:00"},{"TimeGenerated":"2026-12-01T10:00:00"}]');
    assert.equal(array.warnings.length, 1, array.warnings.join("\n"));
  });

  it("says nothing when every value has an offset, or none has, or the column is dates alone", () => {
    assert.deepEqual(read("all.csv", "TimeGenerated\n2026-12-01T10:00:00+05:30\n2026-12-01T10:00:00-0400\n").warnings, []);
    assert.deepEqual(read("none.csv", "TimeGenerated\n2026-12-01T10:00:00\n2026-12-01 10:00\n").warnings, []);
    // A date's "-01" is no offset.
    assert.equal(mixedZones(pl.Series("v", ["2026-12-01", "2026-12-02", ""])), undefined);
    assert.deepEqual(mixedZones(pl.Series("v", ["2026-12-01 10:00:00 UTC", "2026-12-02 10:00:00.5+02", "2026-12-02 10:00:00", null])), { zoned: 2, naive: 1 });
  });
});
