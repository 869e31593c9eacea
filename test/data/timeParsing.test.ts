import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { formatHits, likelyFormats, parseTimeColumns, parseTimeSeries, TIME_FORMATS, toDate } from "../../src/data/timeParsing";

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

test("parses the messy formats of real exports", () => {
  const s = pl.Series("TimeGenerated", [
    "2019-02-12 04:56:34.307",
    "2/10/19 3:21 PM",
    "5/4/2021, 7:48:01.990 AM",
    "2019-02-14T11:51:38.507Z",
    "2020-07-06T00:00:00Z",
    "12/31/2020 23:59:59",
    null,
  ]);
  const r = parseTimeSeries(s);
  assert.equal(r.parsed, true);
  assert.equal(r.series.dtype.variant, "Datetime");
  assert.deepEqual(r.series.toArray().map(iso), [
    "2019-02-12T04:56:34.307Z",
    "2019-02-10T15:21:00.000Z",
    "2021-05-04T07:48:01.990Z",
    "2019-02-14T11:51:38.507Z",
    "2020-07-06T00:00:00.000Z",
    "2020-12-31T23:59:59.000Z",
    null,
  ]);
});

test("two-digit years are not read as year 19", () => {
  const r = parseTimeSeries(pl.Series("t", ["2/13/19 9:31 AM", "2/12/19 10:11 PM"]));
  assert.deepEqual(r.series.toArray().map(iso), ["2019-02-13T09:31:00.000Z", "2019-02-12T22:11:00.000Z"]);
});

test("a column with values that are not times stays text, and says which", () => {
  const s = pl.Series("TimeCreatedUtc", ["19:04.4", "2/13/19 9:31 AM", "11:00.6"]);
  const r = parseTimeSeries(s);
  assert.equal(r.parsed, false);
  assert.equal(r.failures, 2);
  assert.deepEqual(r.examples, ["19:04.4", "11:00.6"]);
  assert.deepEqual(r.series.toArray(), ["19:04.4", "2/13/19 9:31 AM", "11:00.6"]);
});

test("parseTimeColumns converts only time-like columns that fully parse", () => {
  const df = pl.DataFrame({
    TimeGenerated: ["2/13/19 9:31 AM", "2/12/19 10:11 PM"],
    TimeCreatedUtc: ["19:04.4", "11:00.6"],
    Account: ["a", "b"],
  });
  const { frame, report } = parseTimeColumns(df);
  assert.equal(frame.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.ok(["String", "Utf8"].includes(frame.getColumn("TimeCreatedUtc").dtype.variant));
  assert.deepEqual(report.map((r) => [r.column, r.parsed]), [["TimeGenerated", true], ["TimeCreatedUtc", false]]);
});

test("toDate accepts Dates, epoch ms and text, and names bad input", () => {
  assert.equal(toDate("2019-02-12").toISOString(), "2019-02-12T00:00:00.000Z");
  assert.equal(toDate(0).toISOString(), "1970-01-01T00:00:00.000Z");
  assert.throws(() => toDate("yesterday", "start"), { code: "data/not-a-time", message: /^start: "yesterday"/ });
});

test("likelyFormats keeps every format that polars matches: its literal-character prefilter drops none", () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  /** A format's text for a date (the specifiers TIME_FORMATS use). */
  const render = (format: string, d: Date) =>
    format.replace(/%(#?z|\.f|[YmdHMSyIp])/g, (_, spec: string) => {
      const h12 = d.getUTCHours() % 12 || 12;
      const parts: Record<string, string> = {
        Y: String(d.getUTCFullYear()), y: pad(d.getUTCFullYear() % 100), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()),
        H: pad(d.getUTCHours()), M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()), I: pad(h12),
        p: d.getUTCHours() < 12 ? "AM" : "PM", ".f": `.${pad(d.getUTCMilliseconds(), 3)}`, "#z": "+02:00", z: "+0200",
      };
      return parts[spec];
    });
  const dates = [new Date(Date.UTC(2019, 1, 10, 15, 21, 7, 123)), new Date(Date.UTC(2026, 10, 1, 0, 0, 0, 0))];
  for (const format of TIME_FORMATS) {
    const text = dates.map((d) => render(format, d));
    // Forms exports vary in: lowercase t/z/am, text around the time, no space before AM/PM, no leading zeros.
    assert.equal(formatHits(pl.Series("v", text), [format], "ms")[0], 2, `${format}: polars parses its own form (${JSON.stringify(text)})`);
    const variants = [text, text.map((v) => v.toLowerCase()), text.map((v) => `at ${v} (UTC)`), text.map((v) => v.replace(" PM", "PM").replace(" AM", "AM")), text.map((v) => v.replace(/\b0(\d)/g, "$1"))];
    for (const values of variants) {
      // Each form alone: wherever polars matches it, likelyFormats must keep the format.
      const series = pl.Series("v", values);
      const hits = formatHits(series, [format], "ms")[0];
      if (hits > 0) assert.ok(likelyFormats(series).includes(format), `${format}: polars parses ${hits} of ${JSON.stringify(values)} but likelyFormats dropped it`);
    }
  }
  // Values with none of a format's literals are not tried: a column of clock times has no likely format.
  assert.deepEqual(likelyFormats(pl.Series("v", ["14:09.0", "15:10.2"])), []);
});

test("a value the sample's format reads only in part keeps its seconds and offset; trailing text still parses", () => {
  // 30,000 minute-precision values: the sample (evenly spaced distinct values) misses the two odd ones.
  const values = Array.from({ length: 30_000 }, (_, i) => `2024-01-${String(1 + (i % 28)).padStart(2, "0")} ${String(Math.floor(i / 60) % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`);
  values[20_001] = "2024-01-02 10:00:33";
  values[20_003] = "2024-01-02 10:00:00+02:00";
  const result = parseTimeSeries(pl.Series("t", values));
  assert.ok(result.parsed);
  const times = result.series.toArray() as unknown as Date[];
  assert.equal(times[20_001].toISOString(), "2024-01-02T10:00:33.000Z", "seconds kept");
  assert.equal(times[20_003].toISOString(), "2024-01-02T08:00:00.000Z", "offset applied");
  assert.equal(times[0].toISOString(), "2024-01-01T00:00:00.000Z");
  // No format reads these whole: the most detailed one that reads their start does, as before.
  const trailing = parseTimeSeries(pl.Series("t", ["2024-01-01 10:00:00 UTC", "2024-01-01 10:00:05 UTC"]));
  assert.ok(trailing.parsed);
  assert.equal((trailing.series.toArray()[1] as unknown as Date).toISOString(), "2024-01-01T10:00:05.000Z");
});
