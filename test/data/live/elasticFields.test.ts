/** Elasticsearch hits read from `fields` (and `_source: false`), and epoch_second date mappings. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { columnOf, frameHeight } from "../../../src/common/frames";
import { elasticDatePatterns, elasticEpochScales, elasticFieldTypes, elasticTable } from "../../../src/data/live/elasticColumns";
import { liveFrame } from "../../../src/data/live/results";
import type { LiveTable } from "../../../src/data/live/types";
import { elasticTwinSuite, tableColumn as column } from "../../helpers/liveTables";
import type { TwinIndex } from "../../twins/elasticsearch";

const INDEX: TwinIndex = {
  name: "logs-fields-default",
  types: { "@timestamp": "date", "host.name": "keyword", tags: "keyword", seen: "date", n: "long" },
  formats: { seen: "strict_date_optional_time||epoch_second" },
  docs: [
    { "@timestamp": "2024-01-01T10:00:00.000Z", host: { name: "h1" }, tags: ["a", "b"], seen: 1704103200, n: 1 },
    { "@timestamp": "2024-01-01T11:00:00.000Z", host: { name: "h2" }, tags: ["c"], seen: "1704106800", n: 2 },
    { "@timestamp": "2024-01-01T12:00:00.000Z", n: 3 },
  ],
};

describe("Elasticsearch: hits without _source", () => {
  const run = elasticTwinSuite(INDEX, "Test.fields");

  it("reads `fields` when the query turns _source off (one value → the value, more → a list)", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }], _source: false, fields: ["host.name", "tags", "@timestamp"] });
    assert.equal(t.rows.length, 3);
    assert.deepEqual(column(t, "host.name"), ["h1", "h2", null]);
    // A list-holding field is a dynamic column whose every value is JSON (a one-value list → its JSON scalar).
    assert.deepEqual(column(t, "tags"), ['["a","b"]', '"c"', null]);
    assert.equal(t.columns.find((c) => c.name === "@timestamp")?.type, "datetime");
    const df = liveFrame(t);
    assert.equal(frameHeight(df), 3);
    assert.deepEqual((columnOf(df, "@timestamp").toArray() as unknown as Date[]).map((d) => d.toISOString()), ["2024-01-01T10:00:00.000Z", "2024-01-01T11:00:00.000Z", "2024-01-01T12:00:00.000Z"]);
  });

  it("keeps every hit as a row, and warns, when hits carry neither _source nor fields", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }], _source: false });
    assert.deepEqual(t.columns, [{ name: "_id", type: "string" }]);
    assert.equal(t.rows.length, 3);
    assert.equal(frameHeight(liveFrame(t)), 3);
    assert.match(t.warnings.join("\n"), /neither _source nor fields/);
  });

  it("reads numbers of an epoch_second date field as seconds", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] });
    const seen = columnOf(liveFrame(t), "seen").toArray() as unknown as (Date | null)[];
    assert.deepEqual(seen.map((d) => d?.toISOString() ?? null), ["2024-01-01T10:00:00.000Z", "2024-01-01T11:00:00.000Z", null]);
  });
});

describe("elasticTable: _source with fields, epoch formats", () => {
  const mapping = {
    a: { mappings: { properties: { t: { type: "date", format: "epoch_second" }, u: { type: "date", format: "epoch_millis||epoch_second" }, v: { type: "date" }, w: { type: "date", format: "yyyy||epoch_second" }, host: { properties: { name: { type: "keyword" } } } } } },
  };

  it("takes a field from _source when both have it, and fields fill in the rest", () => {
    const t = elasticTable([{ _index: "a", _source: { host: { name: "from-source" } }, fields: { "host.name": ["from-fields"], extra: ["x"] } }], elasticFieldTypes(mapping));
    assert.deepEqual(t.columns.map((c) => c.name), ["host.name", "extra"]);
    assert.deepEqual(t.rows, [["from-source", "x"]]);
  });

  it("scales epoch_second numbers to ms and leaves epoch_millis and the default alone; a 4-digit year is read by the `yyyy` before the epoch entry", () => {
    const scales = elasticEpochScales(mapping);
    // v has no format: ES's default, strict_date_optional_time||epoch_millis, reads a bare 4-digit year, else epoch ms (digit text too).
    assert.deepEqual(Object.fromEntries(scales.get("a") ?? []), { t: { scale: 1000 }, u: { scale: 1 }, v: { scale: 1, years: [4, 4] }, w: { scale: 1000 } });
    const t = elasticTable([{ _index: "a", _source: { t: 1704103200, u: 1704103200000, v: 1704103200000, w: "2024" } }], elasticFieldTypes(mapping), scales, elasticDatePatterns(mapping));
    assert.deepEqual(t.rows, [[1704103200000, 1704103200000, 1704103200000, Date.UTC(2024, 0, 1)]]);
  });

  it("9-digit epoch seconds (1973–2001) and epoch-ms text read as the format says; digit text a pattern before the epoch entry reads (`yyyyMMdd||epoch_second`) is that pattern's date, as ES tries the `||` list in order (was epoch seconds: 1970-08-20)", () => {
    const dated = {
      e: {
        mappings: {
          properties: {
            sec: { type: "date", format: "epoch_second" },
            iso: { type: "date", format: "strict_date_optional_time||epoch_second" },
            ms: { type: "date" },
            ymd: { type: "date", format: "yyyyMMdd||epoch_second" },
            basic: { type: "date", format: "basic_date||epoch_millis" },
            first: { type: "date", format: "epoch_second||yyyyMMdd" },
          },
        },
      },
    };
    const hits = [
      { _index: "e", _source: { sec: 946684800, iso: "946684800", ms: "946684800000", ymd: "20000101", basic: 20000101, first: "946684800" } },
      { _index: "e", _source: { sec: "99999999", iso: 99999999, ms: 946684800000, ymd: "946684800", basic: "946684800000", first: 946684800 } },
    ];
    const df = liveFrame(elasticTable(hits, elasticFieldTypes(dated), elasticEpochScales(dated), elasticDatePatterns(dated)));
    const iso = (name: string) => (columnOf(df, name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
    assert.deepEqual(iso("sec"), ["2000-01-01T00:00:00.000Z", "1973-03-03T09:46:39.000Z"]);
    assert.deepEqual(iso("iso"), ["2000-01-01T00:00:00.000Z", "1973-03-03T09:46:39.000Z"]);
    assert.deepEqual(iso("ms"), ["2000-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z"]);
    // The pattern first; digit text it does not read (9 digits), the epoch entry after it.
    assert.deepEqual(iso("ymd"), ["2000-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z"]);
    assert.deepEqual(iso("basic"), ["2000-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z"]);
    // The epoch entry first: digits are seconds.
    assert.deepEqual(iso("first"), ["2000-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z"]);
  });

  it("a bare 4-digit year and short, negative or fractional epochs read as the mapping's format says, in `||` order (they were text, and made the column text)", () => {
    const formats: Record<string, string | undefined> = {
      plain: undefined,
      isoSec: "strict_date_optional_time||epoch_second",
      loose: "date_optional_time",
      sec: "epoch_second",
      ms: "epoch_millis",
      msFirst: "epoch_millis||strict_date_optional_time",
      year: "yyyy",
    };
    const properties = Object.fromEntries(Object.entries(formats).map(([k, f]) => [k, f ? { type: "date", format: f } : { type: "date" }]));
    const dated = { y: { mappings: { properties } } };
    const sources = [
      { plain: "2024", isoSec: "2024", loose: "2024", sec: "86400", ms: "1000", msFirst: "2024", year: "2024" },
      // ES reads a JSON number as its text, so 1000 under the default format is the year 1000 (elastic/elasticsearch#63680).
      { plain: 1000, isoSec: "86400", loose: "2024-03-01T10:00:00Z", sec: 5, ms: 1000, msFirst: "1000", year: "1999" },
      { plain: "123", isoSec: 86400, sec: "-86400", ms: "-1000" },
      { plain: "-5000", isoSec: "-86400", sec: "1700000000.5", ms: "5" },
      { plain: "12.5", isoSec: "1700000000.5", sec: 1700000000.5, ms: "1000.5" },
      { plain: "2024-01-01T00:00:00Z", isoSec: "5", sec: "0" },
    ];
    const hits = sources.map((s) => ({ _index: "y", _source: s }));
    const t = elasticTable(hits, elasticFieldTypes(dated), elasticEpochScales(dated), elasticDatePatterns(dated));
    assert.deepEqual(t.warnings, []);
    assert.deepEqual(t.columns.filter((c) => c.type !== "datetime"), [], "every column a date column");
    const df = liveFrame(t);
    const iso = (name: string) => (columnOf(df, name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
    assert.deepEqual(iso("plain"), ["2024-01-01T00:00:00.000Z", "1000-01-01T00:00:00.000Z", "1970-01-01T00:00:00.123Z", "1969-12-31T23:59:55.000Z", "1970-01-01T00:00:00.012Z", "2024-01-01T00:00:00.000Z"]);
    assert.deepEqual(iso("isoSec"), ["2024-01-01T00:00:00.000Z", "1970-01-02T00:00:00.000Z", "1970-01-02T00:00:00.000Z", "1969-12-31T00:00:00.000Z", "2023-11-14T22:13:20.500Z", "1970-01-01T00:00:05.000Z"]);
    assert.deepEqual(iso("loose"), ["2024-01-01T00:00:00.000Z", "2024-03-01T10:00:00.000Z", null, null, null, null]);
    assert.deepEqual(iso("sec"), ["1970-01-02T00:00:00.000Z", "1970-01-01T00:00:05.000Z", "1969-12-31T00:00:00.000Z", "2023-11-14T22:13:20.500Z", "2023-11-14T22:13:20.500Z", "1970-01-01T00:00:00.000Z"]);
    assert.deepEqual(iso("ms"), ["1970-01-01T00:00:01.000Z", "1970-01-01T00:00:01.000Z", "1969-12-31T23:59:59.000Z", "1970-01-01T00:00:00.005Z", "1970-01-01T00:00:01.000Z", null]);
    // The epoch entry first: every digit run is epoch ms, 2024 too.
    assert.deepEqual(iso("msFirst"), ["1970-01-01T00:00:02.024Z", "1970-01-01T00:00:01.000Z", null, null, null, null]);
    assert.deepEqual(iso("year"), ["2024-01-01T00:00:00.000Z", "1999-01-01T00:00:00.000Z", null, null, null, null]);
  });

  it("a date column that turns text (a malformed value beside epoch seconds or custom-pattern dates) shows the values the index holds, not the ms they were read as", () => {
    const dated = { d: { mappings: { properties: { sec: { type: "date", format: "strict_date_optional_time||epoch_second" }, day: { type: "date", format: "dd-MM-yyyy||strict_date_optional_time" } } } } };
    const hits = [
      { _index: "d", _source: { sec: 1704103200, day: "01-01-2024" } },
      { _index: "d", _source: { sec: "1704103260", day: "2024-01-02T00:00:00Z" } },
      { _index: "d", _source: { sec: "not a date", day: "someday" } },
    ];
    const t = elasticTable(hits, elasticFieldTypes(dated), elasticEpochScales(dated), elasticDatePatterns(dated));
    const df = liveFrame(t);
    assert.deepEqual(columnOf(df, "sec").toArray(), ["1704103200", "1704103260", "not a date"], "seconds as sent, not 1704103200000");
    assert.deepEqual(columnOf(df, "day").toArray(), ["01-01-2024", "2024-01-02T00:00:00Z", "someday"], "the pattern's text, not its epoch ms");
    assert.equal(t.warnings.length, 2, t.warnings.join("\n"));
    // Without the malformed row both stay dates, read as before.
    const clean = liveFrame(elasticTable(hits.slice(0, 2), elasticFieldTypes(dated), elasticEpochScales(dated), elasticDatePatterns(dated)));
    assert.deepEqual(columnOf(clean, "sec").toArray().map((d) => (d as unknown as Date).toISOString()), ["2024-01-01T10:00:00.000Z", "2024-01-01T10:01:00.000Z"]);
    assert.deepEqual(columnOf(clean, "day").toArray().map((d) => (d as unknown as Date).toISOString()), ["2024-01-01T00:00:00.000Z", "2024-01-02T00:00:00.000Z"]);
  });

  it("named formats that are not ISO text as read here (basic_*, ordinal and week dates, date_hour, year) are read with their patterns; a value they do not read is null with the mapping's warning", () => {
    const named = {
      d: {
        mappings: {
          properties: {
            t: { type: "date", format: "basic_date_time_no_millis" },
            u: { type: "date", format: "strict_basic_date" },
            o: { type: "date", format: "ordinal_date" },
            f: { type: "date", format: "basic_date_time" },
            w: { type: "date", format: "strict_week_date" },
            h: { type: "date", format: "date_hour" },
          },
        },
      },
    };
    const hits = [
      { _index: "d", _source: { t: "20190210T160000Z", u: "20190210", o: "2019-041", f: "20190210T160000.250+0100", w: "2019-W06-7", h: "2019-02-10T16" } },
      { _index: "d", _source: { t: "20190210T170000+0100", u: "20190211", o: "2020-366", f: "tomorrow", w: "2020-W53-5", h: "2019-02-10T23" } },
    ];
    const t = elasticTable(hits, elasticFieldTypes(named), elasticEpochScales(named), elasticDatePatterns(named));
    const df = liveFrame(t);
    const iso = (name: string) => columnOf(df, name).toArray().map((d) => (d === null ? null : (d as unknown as Date).toISOString()));
    assert.deepEqual(iso("t"), ["2019-02-10T16:00:00.000Z", "2019-02-10T16:00:00.000Z"]);
    assert.deepEqual(iso("u"), ["2019-02-10T00:00:00.000Z", "2019-02-11T00:00:00.000Z"]);
    assert.deepEqual(iso("o"), ["2019-02-10T00:00:00.000Z", "2020-12-31T00:00:00.000Z"]);
    assert.deepEqual(iso("f"), ["2019-02-10T15:00:00.250Z", null]);
    assert.deepEqual(iso("w"), ["2019-02-10T00:00:00.000Z", "2021-01-01T00:00:00.000Z"], "ISO week dates");
    assert.deepEqual(iso("h"), ["2019-02-10T16:00:00.000Z", "2019-02-10T23:00:00.000Z"], "an hour without minutes");
    assert.equal(t.warnings.length, 1, t.warnings.join("\n"));
    assert.match(t.warnings[0], /1 value.*"f".*"basic_date_time"/);
  });

  it("keeps _source values that do not read as the mapping's number or bool type (ignore_malformed) as text, with a warning (were null)", () => {
    const typed = { b: { mappings: { properties: { port: { type: "long" }, ok: { type: "boolean" }, risk: { type: "float" }, n: { type: "long" } } } } };
    const hits = [
      { _index: "b", _source: { port: 443, ok: true, risk: 1.5, n: "12" } },
      { _index: "b", _source: { port: "N/A", ok: "yes", risk: "high", n: 7 } },
    ];
    const t = elasticTable(hits, elasticFieldTypes(typed));
    const df = liveFrame(t);
    assert.deepEqual(columnOf(df, "port").toArray(), ["443", "N/A"]);
    assert.deepEqual(columnOf(df, "ok").toArray(), ["true", "yes"]);
    assert.deepEqual(columnOf(df, "risk").toArray(), ["1.5", "high"]);
    // Digit text in a long field is a number, as ES coerces it.
    assert.deepEqual(columnOf(df, "n").toArray().map(Number), [12, 7]);
    assert.equal(String(df.dtypes[df.columns.indexOf("n")]), "DataType(Int64)");
    assert.equal(t.warnings.length, 3, t.warnings.join("\n"));
    assert.match(t.warnings[0], /1 value\(s\) of column "port" \(mapped as long\).*"N\/A"/);
  });
});
