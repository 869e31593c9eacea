/**
 * Snapshots of every Vega-Lite spec the library builds (timeline, its static-image
 * variant, timeline values, the time-series anomaly chart, vegaLiteChart's
 * normalisation), from small fixed frames, as 2-space-indented JSON in
 * test/vis/snapshots/. Where the library makes a chart object, the spec is the one
 * sent to the front end (`chart.spec`); otherwise the exported builder's output
 * (`timelineSpec`, `timeseriesAnomaliesSpec`). Nothing is left out: the PNG is not
 * part of the spec, and every field was checked to be the same from run to run. Accept an intended change with
 * `UPDATE_SNAPSHOTS=1 npm test` (see test/README.md).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import { timeline, timelineSpec, timelineValues, type TimelineOptions } from "../../src/vis/timeline";
import { timeseriesAnomaliesChart, timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { VEGA_LITE_SCHEMA, vegaLiteChart, type VegaLiteSpec } from "../../src/vis/vegaLite";
import { assertSnapshot, snapshotFile } from "../helpers/snapshot";
import { specDictionaries } from "../helpers/vegaRows";

const utc = (iso: string) => new Date(iso);

/** The spec as stored: pretty JSON, keys in the order the library wrote them, final newline. */
const json = (spec: unknown): string => JSON.stringify(spec, null, 2) + "\n";

/** Builds the spec twice (both must agree: no run-dependent fields), then compares it with the golden file. */
async function snapshotSpec(name: string, build: () => Promise<unknown>): Promise<void> {
  const first = json(await build());
  assert.equal(json(await build()), first, "building the spec twice gives the same JSON");
  assertSnapshot(first, snapshotFile(__dirname, `${name}.json`));
}

// --- fixed frames -------------------------------------------------------------------

/** Four events within 20 minutes (no overview strip), one without a time, hostile text in a tooltip column. */
function shortEvents(): pl.DataFrame {
  return pl.DataFrame({
    TimeGenerated: pl.Series(
      "TimeGenerated",
      [utc("2024-01-01T10:00:00Z"), utc("2024-01-01T10:05:30.250Z"), null, utc("2024-01-01T10:20:00Z")],
      pl.Datetime("ms"),
    ),
    Host: ["web-01", "web-02", "web-01", "db-01"],
    Msg: ["login", "<script>alert(1)</script>", "no time", "logout"],
  });
}

/** Six alerts over two days in three severities (overview strip with a brush). */
function alerts(): pl.DataFrame {
  return pl.DataFrame({
    TimeGenerated: pl.Series(
      "TimeGenerated",
      [
        utc("2024-03-01T08:00:00Z"),
        utc("2024-03-01T09:15:00Z"),
        utc("2024-03-01T17:45:00Z"),
        utc("2024-03-02T02:30:00Z"),
        utc("2024-03-02T11:00:00Z"),
        utc("2024-03-02T23:59:59Z"),
      ],
      pl.Datetime("ms"),
    ),
    Severity: ["High", "Low", "Medium", "Low", null, "High"],
    AlertName: ["Suspicious PowerShell", "Port scan", "Brute force", "Port scan", "Unknown", "Credential dump"],
  });
}

/** Hourly byte counts of two hosts, as text times (parsed by the chart). */
function hourlyBytes(): pl.DataFrame {
  const hours = ["2024-05-01 00:00:00", "2024-05-01 01:00:00", "2024-05-01 02:00:00", "2024-05-01 03:00:00"];
  return pl.DataFrame({
    TimeGenerated: [...hours, ...hours],
    Computer: ["a", "a", "a", "a", "b", "b", "b", "b"],
    Bytes: pl.Series("Bytes", [100, 250, 175, 90, 40, 45, 500, 60], pl.Int64),
  });
}

/** An output of timeseriesAnomaliesStl, reduced to eight hours: one spike, one dip. */
function anomalies(): pl.DataFrame {
  return pl.DataFrame({
    TimeGenerated: pl.Series("TimeGenerated", Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2020, 6, 6, 19 + i))), pl.Datetime("ms")),
    TotalBytesSent: pl.Series("TotalBytesSent", [29670, 30120, 29875, 48616, 30010, 12000, 29950, 30200], pl.Int64),
    baseline: [29700.5, 29950.25, 30010, 30050.75, 30020, 29990.5, 29980, 30100.125],
    score: [-0.0214, 0.1234, -0.0987, 4.56789, -0.01, -3.98765, -0.03, 0.07],
    anomalies: pl.Series("anomalies", [0, 0, 0, 1, 0, -1, 0, 0], pl.Int32),
  });
}

// --- the specs -----------------------------------------------------------------------

describe("Vega-Lite spec snapshots", () => {
  test("timeline: short range, zoom on the chart, reference line, fixed colour", () =>
    snapshotSpec("timeline-short", async () => {
      const chart = await timeline(shortEvents(), {
        sourceColumns: ["Host", "Msg"],
        refEvent: { time: "2024-01-01 10:10:00", label: "alert" },
        color: "red",
        title: "Logons",
      });
      assert.equal(chart.missingTimes, 1);
      return chart.spec;
    }));

  const groupedOptions: TimelineOptions = { groupBy: "Severity", sourceColumns: ["AlertName"], refEvent: utc("2024-03-01T12:00:00Z") };

  test("timeline: lanes by groupBy, overview strip with a brush", () =>
    snapshotSpec("timeline-grouped-overview", async () => (await timeline(alerts(), groupedOptions)).spec));

  test("timeline: the static-image variant (no strip, no params)", () =>
    snapshotSpec("timeline-grouped-static", async () => {
      // timelineSpec(…, forPng = true) is what the PNG is drawn from; its input is
      // rebuilt from the interactive chart (same rows, lanes and tooltip columns).
      const chart = await timeline(alerts(), groupedOptions);
      const rows = (chart.spec as unknown as { data: { values: { t: number }[] } }).data.values;
      const prep: Parameters<typeof timelineSpec>[0] = {
        rows,
        dictionaries: specDictionaries(chart.spec),
        lanes: [...chart.lanes],
        sourceTitles: groupedOptions.sourceColumns ?? [],
        missingTimes: chart.missingTimes,
        missingValues: 0,
        min: Math.min(...rows.map((r) => r.t)),
        max: Math.max(...rows.map((r) => r.t)),
      };
      return timelineSpec(prep, groupedOptions, true);
    }));

  test("timelineValues: one line (default kind), text time column", () =>
    snapshotSpec("timeline-values-line", async () => (await timelineValues(hourlyBytes().filter(pl.col("Computer").eq(pl.lit("a"))), { y: "Bytes" })).spec));

  test("timelineValues: bars, points and lines per groupBy value, reference line, sizes", () =>
    snapshotSpec("timeline-values-grouped", async () =>
      (
        await timelineValues(hourlyBytes(), {
          y: "Bytes",
          groupBy: "Computer",
          kind: ["bar", "point", "line"],
          sourceColumns: ["Computer"],
          refEvent: { time: "2024-05-01T02:00:00Z", label: "exfil?" },
          title: "Bytes by host",
          width: 600,
          height: 200,
        })
      ).spec,
    ));

  test("time-series anomalies: observed, baseline, spike and dip markers, hover rule", () =>
    snapshotSpec("timeseries-anomalies", async () => {
      const df = anomalies();
      const chart = await timeseriesAnomaliesChart(df, { y: "TotalBytesSent" });
      // The chart sends the builder's spec with the v5 $schema and its text form as the description (the
      // chart's accessible name) added, nothing else. (Compared as JSON: rendering the PNG makes vega tag
      // the data rows with symbol keys, which JSON omits.)
      assert.equal(json(chart.spec), json({ ...timeseriesAnomaliesSpec(df, { y: "TotalBytesSent" }), $schema: VEGA_LITE_SCHEMA, description: chart.text }));
      return chart.spec;
    }));

  test("time-series anomalies: no baseline, no score column, custom title and size", () =>
    snapshotSpec("timeseries-anomalies-no-baseline", async () =>
      timeseriesAnomaliesSpec(anomalies().drop("baseline", "score"), { y: "TotalBytesSent", baselineColumn: null, title: "Bytes out", width: 400.4, height: 150 }),
    ));

  test("timeline: in Europe/Berlin across the autumn change (wall-clock times, offsets in the rows, zone on the axis)", () =>
    snapshotSpec("timeline-zoned-berlin", async () => {
      const times = [0.5, 1.5, 2.5].map((h) => new Date(Date.UTC(2026, 9, 25) + h * 3_600_000));
      const df = pl.DataFrame({ TimeGenerated: pl.Series("TimeGenerated", times, pl.Datetime("ms")), Host: ["a", "b", "c"] });
      return (await timeline(df, { sourceColumns: ["Host"], timeZone: "Europe/Berlin", refEvent: utc("2026-10-25T01:00:00Z") })).spec;
    }));

  test("time-series anomalies: in America/New_York (wall-clock times, zone in the axis title)", () =>
    snapshotSpec("timeseries-anomalies-zoned", async () => timeseriesAnomaliesSpec(anomalies(), { y: "TotalBytesSent", timeZone: "America/New_York" })));

  test("vegaLiteChart: a user spec gets the v5 $schema and the renderer in usermeta", () =>
    snapshotSpec("vega-lite-chart-normalised", async () => {
      const spec = {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: "t <b>",
        usermeta: { owner: "hunt", embedOptions: { actions: false } },
        data: { values: [{ a: 1, b: 2 }, { a: 2, b: 5 }] },
        mark: "point",
        encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
      } as unknown as VegaLiteSpec;
      return (await vegaLiteChart(spec, { renderer: "canvas", noPng: true })).spec;
    }));
});
