/**
 * Text time columns read after the readers by the analysis functions and the anomaly chart follow the readers'
 * rule for slash dates (src/data/timeParsing.ts `parseReadTimes`): day first where a day past the 12th proves it,
 * month first with a warning naming the function and column where they read either way. They read them month
 * first without a word, and refused day-first dates past the 12th as "not times".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { extractAnomalyPeriods, timeseriesAnomaliesStl } from "../../src/analysis/timeseries";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { timeseriesAnomaliesChart } from "../../src/vis/timeseriesAnomalies";

const pad = (n: number) => String(n).padStart(2, "0");
/** Hourly slash-date text over `days` days from `day`/`month`/2026, day first (`13/06/2026 05:00:00`) or month first. */
function hourly(day: number, month: number, days: number, dayFirst: boolean): string[] {
  const out: string[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const date = dayFirst ? `${pad(day + d)}/${pad(month)}/2026` : `${pad(month)}/${pad(day + d)}/2026`;
      out.push(`${date} ${pad(h)}:00:00`);
    }
  }
  return out;
}
const values = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 7) % 13) + (i === 30 ? 500 : 0));
const isoOf = (s: pl.Series) => (s.cast(pl.Datetime("ms")).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);

describe("timeseriesAnomaliesStl and extractAnomalyPeriods on slash-date text", () => {
  it("reads day-first dates a day past the 12th proves day first (they were refused), without a warning", () => {
    const times = hourly(13, 6, 3, true);
    const warnings: string[] = [];
    const out = timeseriesAnomaliesStl(pl.DataFrame({ TimeGenerated: times, v: values(times.length) }), { warn: (m) => warnings.push(m) });
    const iso = isoOf(out.getColumn("TimeGenerated"));
    assert.equal(iso[0], "2026-06-13T00:00:00.000Z");
    assert.equal(iso[iso.length - 1], "2026-06-15T23:00:00.000Z");
    assert.deepEqual(warnings, []);
  });

  it("reads dates that read either way month first, with a warning naming the function and column", () => {
    const times = hourly(1, 5, 3, false); // 05/01/2026 … 05/03/2026: either way
    const warnings: string[] = [];
    const out = timeseriesAnomaliesStl(pl.DataFrame({ When: times, v: values(times.length) }), { timeColumn: "When", warn: (m) => warnings.push(m) });
    assert.equal(isoOf(out.getColumn("When"))[0], "2026-05-01T00:00:00.000Z");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^timeseriesAnomaliesStl: column "When" holds slash dates whose day and month are all 12 or less.*read month first/);
    const periods: string[] = [];
    const anomalies = pl.DataFrame({ TimeGenerated: ["05/06/2026 10:00:00", "05/06/2026 11:00:00"], anomalies: [1, 0] });
    const found = extractAnomalyPeriods(anomalies, { warn: (m) => periods.push(m) });
    assert.equal(found[0].start.toISOString(), "2026-05-06T09:00:00.000Z");
    assert.match(periods[0] ?? "", /^extractAnomalyPeriods: column "TimeGenerated" .*read month first/);
    const proven = extractAnomalyPeriods(pl.DataFrame({ TimeGenerated: ["13/06/2026 10:00:00", "14/06/2026 11:00:00"], anomalies: [1, 1] }), { warn: () => assert.fail("no warning") });
    assert.equal(proven[0].start.toISOString(), "2026-06-13T09:00:00.000Z");
  });

  it("refuses an unknown option still (warn is known)", () => {
    assert.throws(() => timeseriesAnomaliesStl(pl.DataFrame({ TimeGenerated: hourly(1, 1, 3, false), v: values(72) }), { warnings: () => undefined } as never), { code: "analysis/invalid-option", message: /did you mean warn\?/ });
  });
});

describe("dbclusterEvents on slash-date text", () => {
  const frame = (times: string[]) => pl.DataFrame({ TimeGenerated: times, f: [1, 1, 1, 5] });
  it("reads day-first dates day first where proven, and warns of dates read month first", () => {
    const proven = dbclusterEvents(frame(["13/06/2026 10:00:00", "14/06/2026 10:00:00", "15/06/2026 10:00:00", "16/06/2026 10:00:00"]), {
      clusterColumns: ["f"], timeColumn: "TimeGenerated", normalize: false, maxClusterDistance: 0.5, warn: () => assert.fail("no warning"),
    });
    const cluster = proven.clustered.filter(pl.col("ClusterId").eq(0));
    assert.equal(isoOf(cluster.getColumn("FirstEventTime"))[0], "2026-06-13T10:00:00.000Z");
    assert.equal(isoOf(cluster.getColumn("LastEventTime"))[0], "2026-06-15T10:00:00.000Z");
    const warnings: string[] = [];
    dbclusterEvents(frame(["05/06/2026 10:00:00", "06/06/2026 10:00:00", "07/06/2026 10:00:00", "08/06/2026 10:00:00"]), {
      clusterColumns: ["f"], timeColumn: "TimeGenerated", normalize: false, maxClusterDistance: 0.5, warn: (m) => warnings.push(m),
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^dbclusterEvents: column "TimeGenerated" .*read month first/);
  });
});

describe("the anomaly chart on slash-date text", () => {
  const frame = (times: string[]) => pl.DataFrame({ TimeGenerated: times, v: [1, 2, 3], anomalies: [0, 1, 0], baseline: [1, 1, 1], score: [0, 4, 0] });
  it("draws day-first dates a day past the 12th proves (they were refused) and warns of dates read month first", async () => {
    const proven = await timeseriesAnomaliesChart(frame(["13/06/2026 10:00:00", "13/06/2026 11:00:00", "13/06/2026 12:00:00"]), { y: "v", warn: () => assert.fail("no warning") });
    assert.match(proven.text, /2026-06-13 11:00 \(spike\)/);
    const warnings: string[] = [];
    const either = await timeseriesAnomaliesChart(frame(["05/06/2026 10:00:00", "05/06/2026 11:00:00", "05/06/2026 12:00:00"]), { y: "v", warn: (m) => warnings.push(m) });
    assert.match(either.text, /2026-05-06 11:00 \(spike\)/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^displayTimeseriesAnomalies: column "TimeGenerated" .*read month first/);
  });
});
