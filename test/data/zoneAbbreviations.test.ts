/**
 * Times written with a zone abbreviation (`2026-12-07 08:15:00 CET`, log4j's `… EST`, Java's and date(1)'s
 * `Mon Dec 07 08:15:00 PST 2026`): the abbreviations of one meaning are read as their offset, the whole column or
 * none, in CSV and JSON files, `toDate` and a query's start/end; one that names several zones (`IST`, `BST`, `CST`)
 * or none known leaves the column text, with a warning naming the file, the column and the abbreviation.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFile } from "../../src/data/readers";
import { parseTimeSeries, toDate } from "../../src/data/timeParsing";
import { tempDir } from "../helpers/tmp";

const iso = (df: pl.DataFrame, column: string) => (df.getColumn(column).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);

test("parseTimeSeries: table abbreviations are their offsets, in ISO, slash, date(1) and Java forms; fractions kept; UTC/GMT as before", () => {
  const cases: [string[], string[]][] = [
    [["2026-12-07 08:15:00 CET", "2026-06-07 08:15:00.250 CEST"], ["2026-12-07T07:15:00.000Z", "2026-06-07T06:15:00.250Z"]],
    [["2026-12-07T08:15:00 EST", "2026-07-07T08:15:00 EDT"], ["2026-12-07T13:15:00.000Z", "2026-07-07T12:15:00.000Z"]],
    [["12/07/2026 08:15:00 PST"], ["2026-12-07T16:15:00.000Z"]],
    [["Mon Dec 07 08:15:00 PST 2026", "Mon Dec  7 08:15:01 PST 2026", "Tue Jul 07 08:15:00 PDT 2026"], ["2026-12-07T16:15:00.000Z", "2026-12-07T16:15:01.000Z", "2026-07-07T15:15:00.000Z"]],
    [["Mon Dec 07 08:15:00 JST 2026", "Mon Dec 07 08:15:00 AEDT 2026", "Mon Dec 07 08:15:00 UTC 2026"], ["2026-12-06T23:15:00.000Z", "2026-12-06T21:15:00.000Z", "2026-12-07T08:15:00.000Z"]],
    [["2026-12-07 08:15:00 GMT", "2026-12-07 08:15:00 (UTC)", "2026-12-07 08:15:00 EET"], ["2026-12-07T08:15:00.000Z", "2026-12-07T08:15:00.000Z", "2026-12-07T06:15:00.000Z"]],
    // An offset and the word that names it: e-mail Date headers (RFC 2822's comment), logs writing both.
    [["Mon, 01 Jan 2024 08:15:00 -0500 (EST)", "Tue, 02 Jan 2024 08:15:00 +0100 (CET)", "2026-12-07T08:15:00+01:00 CET", "2026-07-07 08:15:00 -07:00 PDT"], ["2024-01-01T13:15:00.000Z", "2024-01-02T07:15:00.000Z", "2026-12-07T07:15:00.000Z", "2026-07-07T15:15:00.000Z"]],
  ];
  for (const [values, expected] of cases) {
    const read = parseTimeSeries(pl.Series("t", values));
    assert.ok(read.parsed, `${JSON.stringify(values)}: ${JSON.stringify(read.examples)}`);
    assert.deepEqual((read.series.toArray() as unknown as Date[]).map((d) => d.toISOString()), expected);
    assert.equal(read.series.name, "t");
  }
  assert.equal(toDate("Mon Dec 07 08:15:00 PST 2026").toISOString(), "2026-12-07T16:15:00.000Z");
  assert.equal(toDate("2026-12-07 08:15:00 CET").toISOString(), "2026-12-07T07:15:00.000Z");
  assert.equal(toDate("Mon, 01 Jan 2024 08:15:00 -0500 (EST)").toISOString(), "2024-01-01T13:15:00.000Z");
  // An offset and a word that disagree: no time, rather than one of them picked.
  assert.equal(parseTimeSeries(pl.Series("t", ["2026-12-07T08:15:00+02:00 CET"])).parsed, false);
  assert.equal(parseTimeSeries(pl.Series("t", ["Mon, 01 Jan 2024 08:15:00 -0500 (PST)"])).parsed, false);
});

test("parseTimeSeries: an ambiguous or unknown abbreviation, one bad value, or AM/PM leave the column text; no zone word in hex or other text", () => {
  for (const [values, unread] of [
    [["2026-12-07 08:15:00 IST", "2026-12-07 09:15:00 IST"], ["IST"]],
    [["2026-12-07 08:15:00 CET", "2026-12-07 09:15:00 BST"], ["BST"]],
    [["Mon Dec 07 08:15:00 CST 2026"], ["CST"]],
    [["2026-12-07 08:15:00 QQT"], ["QQT"]],
  ] as [string[], string[]][]) {
    const read = parseTimeSeries(pl.Series("t", values));
    assert.equal(read.parsed, false, JSON.stringify(values));
    assert.deepEqual(read.unreadZones, unread);
    assert.deepEqual(read.series.toArray(), values, "kept as written");
  }
  // One value that is no time: the whole column stays text (the readers' rule), no zone is blamed.
  const bad = parseTimeSeries(pl.Series("t", ["2026-12-07 08:15:00 CET", "not logged"]));
  assert.equal(bad.parsed, false);
  assert.equal(bad.unreadZones, undefined);
  for (const values of [["0x1AB", "12AB"], ["v10 ABC"]]) assert.equal(parseTimeSeries(pl.Series("t", values)).unreadZones, undefined, JSON.stringify(values));
});

test("readDataFile: a CSV's and an NDJSON's zone-abbreviation time columns are times; an IST column stays text with a warning naming the file, column and abbreviation", () => {
  const dir = tempDir();
  const csv = path.join(dir, "app.csv");
  fs.writeFileSync(csv, "TimeGenerated,EventTime,StartTime,Host\n2026-12-07 08:15:00 CET,Mon Dec 07 08:15:00 PST 2026,2026-12-07 08:15:00 IST,h1\n2026-06-07 08:15:00 CEST,Tue Jul  7 08:15:00 PDT 2026,2026-12-07 09:15:00 IST,h2\n");
  const ndjson = path.join(dir, "app.ndjson");
  fs.writeFileSync(ndjson, ['{"TimeGenerated":"2026-12-07 08:15:00 CET","EventTime":"Mon Dec 07 08:15:00 PST 2026","StartTime":"2026-12-07 08:15:00 IST"}', '{"TimeGenerated":"2026-06-07 08:15:00 CEST","EventTime":"Tue Jul  7 08:15:00 PDT 2026","StartTime":"2026-12-07 09:15:00 IST"}'].join("\n") + "\n");
  for (const file of [csv, ndjson]) {
    const warnings: string[] = [];
    const df = readDataFile(file, { warn: (m) => warnings.push(m) });
    assert.deepEqual(iso(df, "TimeGenerated"), ["2026-12-07T07:15:00.000Z", "2026-06-07T06:15:00.000Z"], file);
    assert.deepEqual(iso(df, "EventTime"), ["2026-12-07T16:15:00.000Z", "2026-07-07T15:15:00.000Z"], file);
    assert.equal(df.getColumn("StartTime").dtype.variant, "String");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].startsWith(`${file}: column "StartTime" holds times with the zone abbreviation(s) IST (India +05:30, Ireland +01:00, Israel +02:00)`), warnings[0]);
    // The replacement it suggests names the column and the abbreviation found, and does what it says.
    const fix = 'df.withColumns(pl.col("StartTime").str.replace(" IST$", "+05:30"))';
    assert.ok(warnings[0].includes(`e.g. ${fix} when IST is +05:30`), warnings[0]);
    const fixed = df.withColumns(pl.col("StartTime").str.replace(" IST$", "+05:30"));
    assert.deepEqual(parseTimeSeries(fixed.getColumn("StartTime")).series.cast(pl.Datetime("ms")).toArray().map((d) => (d as Date).toISOString()), ["2026-12-07T02:45:00.000Z", "2026-12-07T03:45:00.000Z"]);
  }
  // Another abbreviation, another column: the example is theirs (it was always IST's, with pl.col(name)).
  const bst = path.join(dir, "bst.csv");
  fs.writeFileSync(bst, "EndTime,Host\n2026-07-07 08:15:00 BST,h1\n");
  const warnings: string[] = [];
  readDataFile(bst, { warn: (m) => warnings.push(m) });
  assert.ok(warnings.length === 1 && warnings[0].includes('e.g. df.withColumns(pl.col("EndTime").str.replace(" BST$", "+01:00")) when BST is +01:00'), warnings.join("\n"));
});

test("a query's start/end on a CSV of zone-abbreviation times picks the rows by their instants", async () => {
  const dir = tempDir();
  // 08:15 CET is 07:15 UTC, 08:15 EST 13:15 UTC: a window of 07:00-08:00 UTC holds the CET row only.
  fs.writeFileSync(path.join(dir, "events.csv"), "TimeGenerated,Host\n2026-12-07 08:15:00 CET,h1\n2026-12-07 08:15:00 EST,h2\nMon Dec 07 08:15:00 PST 2026,h3\n");
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] });
  const rows = await qp.LocalData.events({ start: "2026-12-07T07:00:00Z", end: "2026-12-07T08:00:00Z" });
  assert.deepEqual(rows.getColumn("Host").toArray(), ["h1"]);
  const later = await qp.LocalData.events({ start: "2026-12-07 14:00:00 CET", end: "2026-12-07T17:00:00Z" });
  assert.deepEqual(later.getColumn("Host").toArray(), ["h2", "h3"]);
});
