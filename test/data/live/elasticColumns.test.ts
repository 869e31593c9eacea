/**
 * Elasticsearch hits → columns against the loopback twin: a dotted `_source` key and a nested one naming the
 * same field, and date fields whose mapping `format` is a custom pattern (or epoch_millis first).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { columnOf } from "../../../src/common/frames";
import { jodaToStrftime } from "../../../src/data/live/elasticColumns";
import { liveFrame } from "../../../src/data/live/results";
import type { LiveTable } from "../../../src/data/live/types";
import { elasticTwinSuite, tableColumn as column } from "../../helpers/liveTables";
import type { TwinIndex } from "../../twins/elasticsearch";

/** Docs hold dates as ES's `fields` answers them: in the mapping's first format. */
const INDEX: TwinIndex = {
  name: "logs-columns-default",
  types: { n: "long", "host.name": "keyword", slashed: "date", daily: "date", european: "date", millis: "date", plain: "date", nanos: "date_nanos" },
  formats: { slashed: "yyyy/MM/dd HH:mm:ss", daily: "dd-MM-yyyy", european: "dd/MM/yyyy HH:mm", millis: "strict_date_optional_time||epoch_millis" },
  docs: [
    { n: 1, "host.name": "a", host: { name: "b" }, slashed: "2019/02/10 10:00:00", daily: "10-02-2019", european: "03/02/2019 10:30", millis: "1549792800000", plain: "1549792800000", nanos: "1549792800000" },
    { n: 2, host: { name: "c" }, slashed: "2019/02/11 23:59:59", daily: "31-12-2019", european: "13/02/2019 00:00", millis: "2019-02-10T10:00:00.000Z", plain: "2019-02-10T10:00:00Z", nanos: "2019-02-10T10:00:00.123456789Z" },
    { n: 3, "host.name": ["d", "e"], host: { name: "f" }, slashed: "not a date", daily: "31-02-2019", european: "12/02/2019 07:05", plain: 1549792800000, nanos: 1549792800000 },
  ],
};

const isoOf = (table: LiveTable, name: string) => (columnOf(liveFrame(table), name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);

describe("Elasticsearch columns: dotted keys, custom date formats", () => {
  const run = elasticTwinSuite(INDEX, "Test.columns");

  it("keeps both values of a dotted and a nested _source key naming one field, as ES's multi-valued field", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ n: "asc" }] });
    assert.equal(t.columns.filter((c) => c.name === "host.name").length, 1);
    assert.equal(t.columns.find((c) => c.name === "host.name")?.type, "dynamic");
    // Every value of a dynamic column is JSON: the single value too (was a bare c beside the lists).
    assert.deepEqual(column(t, "host.name"), ['["a","b"]', '"c"', '["d","e","f"]']);
    assert.deepEqual(column(t, "host.name").map((v) => JSON.parse(v as string)), [["a", "b"], "c", ["d", "e", "f"]]);
  });

  it("reads dates in the mapping's custom pattern as UTC, day-first where the pattern says so", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ n: "asc" }], _source: false, fields: ["n", "slashed", "daily", "european", "millis"] });
    assert.deepEqual(isoOf(t, "slashed"), ["2019-02-10T10:00:00.000Z", "2019-02-11T23:59:59.000Z", null]);
    assert.deepEqual(isoOf(t, "daily"), ["2019-02-10T00:00:00.000Z", "2019-12-31T00:00:00.000Z", null]);
    assert.deepEqual(isoOf(t, "european"), ["2019-02-03T10:30:00.000Z", "2019-02-13T00:00:00.000Z", "2019-02-12T07:05:00.000Z"]);
    // epoch_millis answers digit text, the ISO text of the first format is read as well.
    assert.deepEqual(isoOf(t, "millis"), ["2019-02-10T10:00:00.000Z", "2019-02-10T10:00:00.000Z", null]);
  });

  it("reads digit text in a date field without a format as epoch ms, as ES's default format does (was null)", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ n: "asc" }] });
    assert.deepEqual(isoOf(t, "plain"), ["2019-02-10T10:00:00.000Z", "2019-02-10T10:00:00.000Z", "2019-02-10T10:00:00.000Z"]);
    assert.deepEqual(isoOf(t, "nanos"), ["2019-02-10T10:00:00.000Z", "2019-02-10T10:00:00.123Z", "2019-02-10T10:00:00.000Z"]);
    assert.deepEqual(t.warnings.filter((w) => /plain|nanos/.test(w)), []);
  });

  it("makes an unreadable date null with one warning naming the column and the format", async () => {
    const t = await run({ query: { match_all: {} }, sort: [{ n: "asc" }], _source: false, fields: ["slashed", "daily"] });
    const mine = t.warnings.filter((w) => /date column/.test(w));
    assert.equal(mine.length, 2, mine.join("\n"));
    assert.match(mine[0], /"slashed".*"yyyy\/MM\/dd HH:mm:ss"/);
    assert.match(mine[1], /1 value.*"daily".*"dd-MM-yyyy"/);
  });

  it("maps the common Joda patterns to the time parser's formats, and no others", () => {
    assert.equal(jodaToStrftime("yyyy/MM/dd HH:mm:ss"), "%Y/%m/%d %H:%M:%S");
    assert.equal(jodaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"), "%Y-%m-%dT%H:%M:%S%.fZ");
    // log4j's comma before the milliseconds: fixed-width digits (the pattern was dropped and every value null).
    assert.equal(jodaToStrftime("yyyy-MM-dd HH:mm:ss,SSS"), "%Y-%m-%d %H:%M:%S,%3f");
    assert.equal(jodaToStrftime("HH:mm:ss,SSSSSS"), "%H:%M:%S,%6f");
    assert.equal(jodaToStrftime("dd/MMM/yyyy:HH:mm:ss Z"), "%d/%b/%Y:%H:%M:%S %#z");
    assert.equal(jodaToStrftime("strict_date_optional_time"), undefined);
    assert.equal(jodaToStrftime("yyyy-ww"), undefined, "week-of-year is not mapped");
  });
});
