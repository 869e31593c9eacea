import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { fixedWidthFormat, formatHits, likelyFormats, parseTimeColumns, parseTimeSeries, strptimeExpr, TIME_FORMATS, toDate } from "../../src/data/timeParsing";
import { seededRandom } from "../helpers/random";

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

test("Kibana's Discover CSV times (MMM D, YYYY @ HH:mm:ss.SSS) parse; a day that does not exist does not", () => {
  const r = parseTimeSeries(pl.Series("@timestamp", ["Jan 2, 2024 @ 03:04:05.678", "Dec 12, 2023 @ 23:59:59.000", null, "Feb 29, 2024 @ 00:00:00.001", "Mar 1, 2024 @ 10:00:00"]));
  assert.equal(r.parsed, true);
  assert.deepEqual(r.series.toArray().map(iso), ["2024-01-02T03:04:05.678Z", "2023-12-12T23:59:59.000Z", null, "2024-02-29T00:00:00.001Z", "2024-03-01T10:00:00.000Z"]);
  assert.equal(parseTimeSeries(pl.Series("t", ["Feb 30, 2024 @ 00:00:00.000", "Jan 2, 2024 @ 03:04:05.678"])).parsed, false);
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
    format.replace(/%(#?z|\.f|[369]f|[YmdHMSyIpab])/g, (_, spec: string) => {
      const h12 = d.getUTCHours() % 12 || 12;
      const parts: Record<string, string> = {
        Y: String(d.getUTCFullYear()), y: pad(d.getUTCFullYear() % 100), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()),
        H: pad(d.getUTCHours()), M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()), I: pad(h12),
        p: d.getUTCHours() < 12 ? "AM" : "PM", ".f": `.${pad(d.getUTCMilliseconds(), 3)}`, "#z": "+02:00", z: "+0200",
        b: d.toLocaleString("en-US", { month: "short", timeZone: "UTC" }),
        a: d.toLocaleString("en-US", { weekday: "short", timeZone: "UTC" }),
        // Fixed widths (after a comma): the ms, then zeros.
        "3f": pad(d.getUTCMilliseconds(), 3), "6f": `${pad(d.getUTCMilliseconds(), 3)}000`, "9f": `${pad(d.getUTCMilliseconds(), 3)}000000`,
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

test("UTC written as a word is read as UTC (or its offset); any other text beside a time keeps the column text, with examples", () => {
  const iso = (values: string[]) => {
    const result = parseTimeSeries(pl.Series("t", values));
    assert.ok(result.parsed, `${JSON.stringify(values)} should parse: ${JSON.stringify(result.examples)}`);
    return (result.series.toArray() as unknown as Date[]).map((d) => d.toISOString());
  };
  assert.deepEqual(iso(["2024-01-01 10:00:00 UTC", "2024-01-01 10:00:01 utc", "2024-01-01 10:00:02 GMT", "2024-01-01 10:00:03 (UTC)", "2024-01-01T10:00:04+00:00 UTC"]), [
    "2024-01-01T10:00:00.000Z",
    "2024-01-01T10:00:01.000Z",
    "2024-01-01T10:00:02.000Z",
    "2024-01-01T10:00:03.000Z",
    "2024-01-01T10:00:04.000Z",
  ]);
  // A word before an offset: the offset counts.
  assert.deepEqual(iso(["2024-01-01 10:00:00 GMT+01:00", "2024-01-01 10:00:00 UTC-0530"]), ["2024-01-01T09:00:00.000Z", "2024-01-01T15:30:00.000Z"]);
  assert.deepEqual(iso(["1/2/2024 10:00:00 AM UTC"]), ["2024-01-02T10:00:00.000Z"]);
  // A zone abbreviation of the table is its offset: 10:00 PST is 18:00 UTC (by its first characters it was read as 10:00 UTC, wrongly).
  assert.deepEqual(iso(["2024-01-01 10:00:00 PST", "2024-01-01 11:00:00 PST"]), ["2024-01-01T18:00:00.000Z", "2024-01-01T19:00:00.000Z"]);
  // Read by their first characters these were times, wrongly: IST names three offsets, and the rest of a line is data.
  for (const values of [
    ["2024-01-01 10:00:00 IST", "2024-01-01 11:00:00 IST"],
    ["2024-01-01 10:00:00;h1;10", "2024-01-01 10:00:01;h2;20"],
    ["2024-01-01T10:00:00.123Z extra"],
    ["at 2024-01-01 10:00:00"],
    ["Tue Jan 02 2024 10:00:00 GMT+0100 (CET)"],
  ]) {
    const result = parseTimeSeries(pl.Series("t", values));
    assert.equal(result.parsed, false, `${JSON.stringify(values)} must stay text`);
    assert.equal(result.failures, values.length);
    assert.deepEqual(result.series.toArray(), values, "the column is returned as written");
    assert.deepEqual(result.examples, values.slice(0, 5));
  }
});

test("fixedWidthFormat: the fixed-width form of the values' fraction, and wherever it reads a value the general format reads the same instant", () => {
  const general = "%Y-%m-%d %H:%M:%S%.f";
  assert.equal(fixedWidthFormat(general, ["2019-02-09 16:05:06.049", "2019-02-09 16:05:07.1", "2019-02-09 16:05:08.500"]), "%Y-%m-%d %H:%M:%S.%3f");
  assert.equal(fixedWidthFormat(general, ["2019-02-09 16:05:06"]), "%Y-%m-%d %H:%M:%S");
  assert.equal(fixedWidthFormat("%Y-%m-%dT%H:%M:%S%.fZ", ["2019-02-09T16:05:06.123456Z"]), "%Y-%m-%dT%H:%M:%S.%6fZ");
  // 7 digits (MDE, Sysmon), formats with directives only chrono reads, formats without a fraction: none.
  assert.equal(fixedWidthFormat("%Y-%m-%dT%H:%M:%S%.fZ", ["2019-02-09T16:05:06.1234567Z"]), undefined);
  assert.equal(fixedWidthFormat("%m/%d/%Y %I:%M:%S%.f %p", ["2/9/2019 4:05:06.049 PM"]), undefined);
  assert.equal(fixedWidthFormat("%Y-%m-%dT%H:%M:%S%.f%#z", ["2019-02-09T16:05:06.049+02:00"]), undefined);
  assert.equal(fixedWidthFormat("%Y-%m-%d %H:%M:%S", ["2019-02-09 16:05:06"]), undefined);
  // The CSV reader parses a column with the fixed-width form and keeps its times when it misses nothing: they must be the
  // general format's. Values around the fixed shape (a character changed, dropped or added; signs, spaces, other digits,
  // out-of-range fields, years outside the ns range), in polars' fast parser and in its chrono fallback.
  const random = seededRandom(17);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const two = (n: number) => String(n).padStart(2, "0");
  const chars = ["0", "1", "5", "9", " ", "+", "-", ".", ",", ":", "T", "Z", "x", "\u0663", "\uff10", "\t", "/", "6"];
  for (const format of ["%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%d %H:%M:%S%.f", "%m/%d/%Y %H:%M:%S%.f"]) {
    for (const digits of [0, 3, 6, 9]) {
      const values = Array.from({ length: 3_000 }, () => {
        const fraction = Array.from({ length: pick([digits, digits, digits, 0, 1, 2, 4, 7, 10]) }, () => String(Math.floor(random() * 10))).join("");
        const text = format
          .replace("%Y", String(pick([2019, 1970, 1, 1600, 2300, 9999])).padStart(4, "0"))
          .replace("%m", two(Math.floor(random() * 14)))
          .replace("%d", two(Math.floor(random() * 33)))
          .replace("%H", two(Math.floor(random() * 26)))
          .replace("%M", two(Math.floor(random() * 61)))
          .replace("%S", two(Math.floor(random() * 62)))
          .replace("%.f", fraction ? `.${fraction}` : "");
        const at = Math.floor(random() * (text.length + 1));
        return pick([text, text, text.slice(0, at) + pick(chars) + text.slice(at + 1), text.slice(0, at) + text.slice(at + 1), text.slice(0, at) + pick(chars) + text.slice(at), `${pick(["+", "-", " "])}${text}`]);
      });
      const fixed = fixedWidthFormat(format, [format.replace("%.f", digits ? `.${"1".repeat(digits)}` : "").replace(/%[YmdHMS]/g, "00")]);
      assert.ok(fixed, `${format}, ${digits} digits`);
      for (const unit of ["ms", "ns"] as const) {
        const out: pl.DataFrame = pl.DataFrame([pl.Series("raw", values)]).select(
          pl.col("raw"),
          strptimeExpr(pl.col("raw"), format, unit, true).cast(pl.Int64).alias("general"),
          strptimeExpr(pl.col("raw"), fixed, unit, true).cast(pl.Int64).alias("fixed"),
        );
        const read: pl.DataFrame = out.filter(pl.col("fixed").isNotNull());
        assert.ok(read.height > 100, `${fixed}: reads ${read.height} of the values`);
        const differ: pl.DataFrame = read.filter(pl.col("general").isNull().or(pl.col("general").neq(pl.col("fixed"))));
        assert.equal(differ.height, 0, `${fixed} (${unit}) reads differently from ${format}: ${JSON.stringify(differ.head(3).toRecords())}`);
      }
    }
  }
});

test("parseTimeSeries parses a column named like a frame member (lazy, select, columns) and keeps its name", () => {
  for (const name of ["lazy", "select", "columns", "getColumn"]) {
    const r = parseTimeSeries(pl.Series(name, ["2024-01-02 10:00:00", "2024-01-02 10:00:33.250", "not a time", null]));
    assert.equal(r.parsed, false, name);
    assert.deepEqual(r.examples, ["not a time"], name);
    const ok = parseTimeSeries(pl.Series(name, ["2024-01-02 10:00:00", "2024-01-02 10:00:33.250"]));
    assert.equal(ok.parsed, true, name);
    assert.equal(ok.series.name, name);
    assert.equal((ok.series.toArray()[1] as unknown as Date).toISOString(), "2024-01-02T10:00:33.250Z", name);
  }
});

/** Every way toDate's fast ISO path and the formats write one date-time: zones (none, Z, offsets), seconds, fractions, `T` or space. */
function isoForms(date: string, hour: string, minute: string): string[] {
  const out: string[] = [];
  for (const sep of ["T", " "]) {
    for (const time of [`${hour}:${minute}`, `${hour}:${minute}:00`, `${hour}:${minute}:00.250`]) {
      for (const zone of ["", "Z", "+02:00", "-05:30", "+0200", "+00:00"]) out.push(`${date}${sep}${time}${zone}`);
    }
  }
  return out;
}

test("toDate rejects dates and times that do not exist in every form, offsets included: no roll-over into the next day or month", () => {
  const impossible = [
    ...["2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-06-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32"].flatMap((d) => isoForms(d, "10", "00")),
    ...isoForms("2024-01-01", "24", "00"),
    ...isoForms("2024-01-01", "25", "00"),
    ...isoForms("2024-01-01", "10", "60"),
    ...["2023-02-29", "2024-02-30", "2024-13-01"],
  ];
  for (const text of impossible) {
    assert.throws(() => toDate(text, "start"), { code: "data/not-a-time", message: new RegExp(`^start: "${text.replace(/[.+]/g, "\\$&")}"`) }, text);
  }
});

test("toDate keeps real leap days and every offset form, converted to UTC", () => {
  const expected: Record<string, string> = { "": "10:00:00", Z: "10:00:00", "+02:00": "08:00:00", "-05:30": "15:30:00", "+0200": "08:00:00", "+00:00": "10:00:00" };
  for (const date of ["2024-02-29", "2000-02-29", "2023-02-28", "2024-12-31"]) {
    for (const text of isoForms(date, "10", "00")) {
      const zone = /(Z|[+-]\d\d:?\d\d)$/.exec(text)?.[1] ?? "";
      const frac = text.includes(".250") ? ".250" : ".000";
      assert.equal(toDate(text).toISOString(), `${date}T${expected[zone]}${frac}Z`, text);
    }
  }
  // An offset that crosses midnight lands on the neighbouring day, as it should.
  assert.equal(toDate("2024-02-29T23:30+02:00").toISOString(), "2024-02-29T21:30:00.000Z");
  assert.equal(toDate("2024-02-29T23:30-02:00").toISOString(), "2024-03-01T01:30:00.000Z");
  assert.equal(toDate("2024-03-01T00:30+02:00").toISOString(), "2024-02-29T22:30:00.000Z");
  assert.equal(toDate("2024-02-29").toISOString(), "2024-02-29T00:00:00.000Z");
});

test("parseTimeSeries leaves a column with an impossible offset-form date unparsed and counts it, in ms, µs and ns columns", () => {
  for (const fraction of ["", ".123", ".123456", ".1234567"]) {
    const good = Array.from({ length: 300 }, (_, k) => `2024-02-${String(1 + (k % 29)).padStart(2, "0")}T10:00:00${fraction}+02:00`);
    const bad = [`2024-02-30T10:00:00${fraction}+02:00`, `2023-02-29 10:00:00${fraction}-0500`, `2024-01-01T24:00:00${fraction}+01:00`];
    const r = parseTimeSeries(pl.Series("t", [...good, ...bad]));
    assert.equal(r.parsed, false, fraction);
    assert.equal(r.failures, 3, fraction);
    assert.deepEqual(r.examples, bad, fraction);
    const ok = parseTimeSeries(pl.Series("t", good));
    assert.equal(ok.parsed, true, fraction);
    assert.equal((ok.series.toArray()[28] as unknown as Date).toISOString(), `2024-02-29T08:00:00.${(fraction.slice(1) + "000").slice(0, 3)}Z`, fraction);
  }
});

test("a leap second (second 60) is no time, as in pandas and Python's datetime: toDate rejects it in every form, with no roll-over into the next minute", () => {
  const forms = [
    ...isoForms("2024-06-30", "23", "59").filter((t) => t.includes(":59:00")).map((t) => t.replace(":59:00", ":59:60")),
    "2024-06-30T10:00:60",
    "2024-06-30T23:59:60.999999999Z",
    "06/30/2024 10:00:60",
    "06/30/2024 10:00:60.500",
    "6/30/24 11:59:60 PM",
    "06/30/2024, 11:59:60.990 PM",
  ];
  assert.ok(forms.length > 20 && forms.every((t) => t.includes(":60")));
  for (const text of forms) {
    assert.throws(() => toDate(text, "start"), { code: "data/not-a-time", message: new RegExp(`^start: "${text.replace(/[.+]/g, "\\$&")}"`) }, text);
  }
  // Second 59, and 60 elsewhere (a year, a fraction), are real times.
  assert.equal(toDate("2024-06-30T23:59:59Z").toISOString(), "2024-06-30T23:59:59.000Z");
  assert.equal(toDate("2060-06-30 10:00:59.600").toISOString(), "2060-06-30T10:00:59.600Z");
  assert.equal(toDate("06/30/2060 10:00:06 PM").toISOString(), "2060-06-30T22:00:06.000Z");
});

test("parseTimeSeries counts a leap second as an unreadable value (its cell null in the partial column), in ms, µs and ns columns and every polars format", () => {
  for (const fraction of ["", ".123", ".123456", ".1234567"]) {
    const good = Array.from({ length: 300 }, (_, k) => `2024-06-30T10:${String(k % 60).padStart(2, "0")}:${String((k * 7) % 60).padStart(2, "0")}${fraction}Z`);
    const bad = [`2024-06-30T23:59:60${fraction}Z`, `2024-06-30 10:00:60${fraction}`, `2024-06-30T23:59:60${fraction}+02:00`];
    const r = parseTimeSeries(pl.Series("t", [...good, ...bad]));
    assert.equal(r.parsed, false, fraction);
    assert.equal(r.failures, 3, fraction);
    assert.deepEqual(r.examples, bad, fraction);
    const partial = r.partial?.toArray() ?? [];
    assert.deepEqual(partial.slice(300), [null, null, null], fraction);
    assert.equal(partial.filter((v) => v !== null).length, 300, fraction);
  }
  // Every format with seconds, straight through strptimeExpr (the CSV reader's and the process tree's path).
  for (const format of TIME_FORMATS.filter((f) => f.includes("%S"))) {
    const df = pl.DataFrame({ raw: ["2024-06-30T23:59:60Z", "06/30/2024 10:00:60", "6/30/24 11:59:60 PM", "06/30/2024, 11:59:60 PM", "2024-06-30 23:59:60+0200"] });
    const got = df.select(strptimeExpr(pl.col("raw"), format, "us", true).alias("t")).getColumn("t");
    assert.equal(got.nullCount(), 5, format);
  }
});

test("a time text with 7 to 9 fraction digits is cut to its millisecond in any form, as ISO text is (it rounded into the next year)", () => {
  for (const text of ["12/31/2019 23:59:59.9999999", "2019-12-31 23:59:59.9999999 UTC", "2019-12-31T23:59:59.9999999+00", "2019-12-31T23:59:59.9999999Z"]) {
    assert.equal(toDate(text, "t").toISOString(), "2019-12-31T23:59:59.999Z", text);
  }
});

test("ISO 8601 with minutes and no seconds is a time in a column too, as toDate reads it", () => {
  const r = parseTimeSeries(pl.Series("t", ["2019-02-10T16:00Z", "2019-02-10T16:30+01:00", "2019-02-10T17:00"]));
  assert.ok(r.parsed);
  assert.deepEqual((r.series.toArray() as unknown as Date[]).map((d) => d.toISOString()), ["2019-02-10T16:00:00.000Z", "2019-02-10T15:30:00.000Z", "2019-02-10T17:00:00.000Z"]);
  assert.equal(toDate("2019-02-10T16:00Z", "t").toISOString(), "2019-02-10T16:00:00.000Z");
});

test("a time column reads what a time parameter reads, to the same instant, and refuses what it refuses (Python logging's comma, an offset without seconds)", () => {
  const texts = [
    "2026-01-02 10:30:00,500", // Python logging's asctime, log4j's ISO8601
    "2026-01-02T10:30:00,123456",
    "2026-01-02 10:30:00,123456789",
    "2026-01-02T10:30:00,500+05:30",
    "2026-01-02 10:30:00,500Z",
    "2026-01-02 03:04+05:30",
    "2026-01-02 03:04Z",
    "2026-01-02T03:04-08:00",
    "2026-01-02 10:30:00.5",
    "2026-01-02",
    // Refused by both: a comma fraction of another width (chrono's %f would read ,5 as 5 ns), lower-case t and z.
    "2026-01-02 10:30:00,5",
    "2026-01-02t03:04:05z",
  ];
  for (const text of texts) {
    let param: string | undefined;
    try {
      param = toDate(text).toISOString();
    } catch {
      param = undefined;
    }
    const column = parseTimeSeries(pl.Series("t", [text, text], pl.Utf8));
    const read = column.parsed ? (column.series.cast(pl.Datetime("ms")).toArray() as unknown as Date[])[0].toISOString() : undefined;
    assert.equal(read, param, text);
  }
  assert.equal(toDate("2026-01-02 10:30:00,500").toISOString(), "2026-01-02T10:30:00.500Z");
  // A CSV column of them is a time column (it was text: a window failed with data/time-column-not-time).
  const column = parseTimeSeries(pl.Series("t", ["2026-01-02 10:00:00,123", "2026-01-02 11:00:00,456"], pl.Utf8));
  assert.ok(column.parsed);
  assert.deepEqual((column.series.toArray() as unknown as Date[]).map((d) => d.toISOString()), ["2026-01-02T10:00:00.123Z", "2026-01-02T11:00:00.456Z"]);
  const us = parseTimeSeries(pl.Series("t", ["2026-01-02 10:00:00,123456"], pl.Utf8));
  assert.equal(String(us.series.dtype), String(pl.Datetime("us")), "its unit from its digits");
});

test("dotted dates are read day first, in a column and by toDate (German, Russian, Polish… Excel's CSV)", () => {
  const s = pl.Series("TimeGenerated", ["07.12.2026 08:15", "7.12.2026 09:05", "13.01.2026 23:59", null]);
  const r = parseTimeSeries(s);
  assert.equal(r.parsed, true, JSON.stringify(r.examples));
  assert.deepEqual(r.series.toArray().map(iso), ["2026-12-07T08:15:00.000Z", "2026-12-07T09:05:00.000Z", "2026-01-13T23:59:00.000Z", null]);
  const secs = parseTimeSeries(pl.Series("TimeCreated", ["07.12.2026 08:15:03", "08.12.2026 10:00:00.125"]));
  assert.deepEqual(secs.series.toArray().map(iso), ["2026-12-07T08:15:03.000Z", "2026-12-08T10:00:00.125Z"]);
  assert.deepEqual(parseTimeSeries(pl.Series("Date", ["07.12.2026", "31.12.2026"])).series.toArray().map(iso), ["2026-12-07T00:00:00.000Z", "2026-12-31T00:00:00.000Z"]);
  assert.equal(toDate("07.12.2026 08:15").toISOString(), "2026-12-07T08:15:00.000Z");
  // No such day: not a time (no roll-over into March).
  assert.throws(() => toDate("31.02.2026"), /not a time/);
});
