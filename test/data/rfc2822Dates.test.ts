/** RFC 2822 / RFC 1123 dates (HTTP `Date`, e-mail headers, web and proxy exports) in columns, files and parameters. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { datetimeValue, parseTimeSeries, toDate } from "../../src/data/timeParsing";
import { tempDir } from "../helpers/tmp";

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

/** Forms as servers and mailers write them, and the instant each names. */
const FORMS: [string, string][] = [
  ["Mon, 01 Jan 2024 00:00:00 GMT", "2024-01-01T00:00:00.000Z"],
  ["Mon, 01 Jan 2024 08:15:00 +0100", "2024-01-01T07:15:00.000Z"],
  ["01 Jan 2024 00:00:00 -0500", "2024-01-01T05:00:00.000Z"],
  ["Thu, 29 Feb 2024 23:59:59 GMT", "2024-02-29T23:59:59.000Z"],
  ["Mon, 7 Dec 2026 13:05:09 +0000", "2026-12-07T13:05:09.000Z"],
  ["7 Dec 2026 13:05:09 +05:30", "2026-12-07T07:35:09.000Z"],
  ["Mon, 07 Dec 2026 10:00:00 UTC", "2026-12-07T10:00:00.000Z"],
  ["Mon, 07 Dec 2026 10:00:00", "2026-12-07T10:00:00.000Z"],
];

test("RFC 2822 / RFC 1123 dates are times in a column and for toDate, offsets converted to UTC", () => {
  for (const [text, want] of FORMS) {
    assert.equal(toDate(text).toISOString(), want, text);
    assert.equal(datetimeValue(text, "start").toISOString(), want, text);
  }
  const r = parseTimeSeries(pl.Series("Date", [...FORMS.map(([t]) => t), null, ""]));
  assert.equal(r.parsed, true, JSON.stringify(r.examples));
  assert.deepEqual(r.series.toArray().map(iso), [...FORMS.map(([, w]) => w), null, null]);
});

test("an RFC 2822 date whose day name is not that date's is no time: the column stays text and names it", () => {
  // 1 January 2024 was a Monday.
  assert.throws(() => toDate("Tue, 01 Jan 2024 00:00:00 GMT", "start"), /start/);
  const r = parseTimeSeries(pl.Series("Date", ["Mon, 01 Jan 2024 00:00:00 GMT", "Tue, 01 Jan 2024 00:00:00 GMT"]));
  assert.equal(r.parsed, false);
  assert.deepEqual(r.examples, ["Tue, 01 Jan 2024 00:00:00 GMT"]);
  // No such day, no such second, a zone abbreviation of several zones (IST): no time either, no roll-over.
  for (const bad of ["Fri, 30 Feb 2024 00:00:00 GMT", "Mon, 01 Jan 2024 00:00:60 GMT", "Mon, 01 Jan 2024 00:00:00 IST"]) {
    assert.throws(() => toDate(bad), /not a time/, bad);
  }
  // An abbreviation of one zone is its offset, as after any other time (README, "Zone abbreviations").
  assert.equal(toDate("Mon, 01 Jan 2024 00:00:00 PST").toISOString(), "2024-01-01T08:00:00.000Z");
});

test("CSV and JSON time columns of RFC 1123 dates are read as times", () => {
  const dir = tempDir();
  const rows = [
    ["Mon, 01 Jan 2024 00:00:00 GMT", "a"],
    ["Mon, 01 Jan 2024 08:15:00 +0100", "b"],
    ["01 Jan 2024 00:00:00 -0500", "c"],
  ];
  fs.writeFileSync(path.join(dir, "web.csv"), "Date,Host\n" + rows.map(([d, h]) => `"${d}",${h}`).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "web.json"), JSON.stringify(rows.map(([d, h]) => ({ TimeGenerated: d, Host: h }))));
  fs.writeFileSync(path.join(dir, "web.ndjson"), rows.map(([d, h]) => JSON.stringify({ TimeGenerated: d, Host: h })).join("\n") + "\n");
  const want = ["2024-01-01T00:00:00.000Z", "2024-01-01T07:15:00.000Z", "2024-01-01T05:00:00.000Z"];
  const csv = readDataFile(path.join(dir, "web.csv"));
  assert.equal(csv.getColumn("Date").dtype.variant, "Datetime");
  assert.deepEqual(csv.getColumn("Date").toArray().map(iso), want);
  for (const f of ["web.json", "web.ndjson"]) {
    const df = readDataFile(path.join(dir, f));
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime", f);
    assert.deepEqual(df.getColumn("TimeGenerated").toArray().map(iso), want, f);
  }
});
