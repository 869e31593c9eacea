/**
 * The lab on an analyst's laptop: the same results whatever the machine's time zone and language. Each check
 * is computed here and in children run under other zones and locales (`TZ=Pacific/Chatham`, +13:45 with
 * daylight saving, with `LANG=sv_SE.UTF-8`; `TZ=America/New_York` with `LANG=de_DE.UTF-8`), and must come out
 * the same: text order (timeline lanes, did-you-mean names), zone-less times read from a CSV across
 * daylight-saving changes, relative query times, STL anomaly periods, the static charts' axis and tooltip
 * texts drawn by Vega in Node (UTC, and Europe/Berlin through the `timeZone` option), and a Date named in an option error. Node takes its default locale from LANG/LC_ALL at start-up, whatever locales
 * the system has installed, so the children really are Swedish and German.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { closestNames } from "../../src/common/errors";
import { columnOf } from "../../src/common/frames";
import { shortValue } from "../../src/common/options";
import { compareText } from "../../src/common/textOrder";
import { extractAnomalyPeriods, timeseriesAnomaliesStl } from "../../src/analysis/timeseries";
import { readDataFile } from "../../src/data/readers";
import { datetimeValue, timeOffsetDate } from "../../src/data/timeParsing";
import { timeline } from "../../src/vis/timeline";
import { timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { renderVegaLiteSvg, type VegaLiteSpec } from "../../src/vis/vegaLite";

const NAMES = ["Zoe", "Åsa", "admin", "Bob", "wanda", "Émile", "ångström"];
/** English order: under sv_SE `localeCompare` put Å after Z, under et_EE `wanda` after `Zoe`. */
const NAMES_ORDERED = ["admin", "ångström", "Åsa", "Bob", "Émile", "wanda", "Zoe"];

/** Zone-less times at daylight-saving changes: New York's gap (03-10 02:30), Berlin's gap and overlap, Chatham's overlap. */
const CSV_TIMES = ["2024-03-10 02:30:00", "2024-03-31 02:30:00", "2024-10-27 02:30:00", "2024-04-07 02:45:00"];

/** The texts Vega drew into an SVG (axis labels, titles), in order. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Hourly counts over Berlin's and New York's spring changes (naive UTC times), one spike. */
function hourlySeries(): pl.DataFrame {
  const start = Date.UTC(2024, 2, 28);
  const times = Array.from({ length: 24 * 8 }, (_, i) => new Date(start + i * 3_600_000));
  const counts = times.map((t, i) => 100 + 20 * Math.sin((2 * Math.PI * t.getUTCHours()) / 24) + (i === 80 ? 400 : (i * 7) % 5));
  return pl.DataFrame({ TimeGenerated: times, TotalBytesSent: counts });
}

interface Fingerprint {
  zone: string;
  locale: string;
  order: string[];
  closest: string[];
  lanes: string[];
  csvTimes: (string | null)[];
  offsets: string[];
  periods: string[];
  timelineTexts: string[];
  anomalyTexts: string[];
  tooltipTimes: string[];
  dateInMessage: string;
  /** The timeline's SVG texts and the anomaly chart's tooltip times with `timeZone: "Europe/Berlin"` (not the machine's zone). */
  zonedTimelineTexts: string[];
  zonedTooltipTimes: string[];
}

async function fingerprint(): Promise<Fingerprint> {
  const { timeZone, locale } = new Intl.DateTimeFormat().resolvedOptions();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hl-zone-"));
  let csvTimes: (string | null)[];
  try {
    const file = path.join(dir, "events.csv");
    fs.writeFileSync(file, `TimeGenerated,Account\n${CSV_TIMES.map((t, i) => `${t},${NAMES[i]}`).join("\n")}\n`);
    const df = readDataFile(file);
    csvTimes = (columnOf(df, "TimeGenerated").toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const now = new Date("2024-03-11T03:00:00Z");
  const offsets = [timeOffsetDate("-3d@d", now), timeOffsetDate("-1mon@d", now), timeOffsetDate("now@h", now), datetimeValue("2024-03-10 02:30", "start")].map((d) => d?.toISOString() ?? "none");

  const events = pl.DataFrame({
    TimeGenerated: NAMES.map((_, i) => new Date(Date.UTC(2024, 2, 30, 22 + i, 15))),
    Account: NAMES,
  });
  const chart = await timeline(events, { groupBy: "Account", title: "Logons" });

  const series = hourlySeries();
  const stl = timeseriesAnomaliesStl(series, { dataColumn: "TotalBytesSent", period: 24, scoreThreshold: 3 });
  const periods = extractAnomalyPeriods(stl, { period: "1d" }).map((p) => `${p.start.toISOString()}/${p.end.toISOString()}`);
  const anomalySpec = timeseriesAnomaliesSpec(stl, { y: "TotalBytesSent" });
  const tooltipTimes = ((anomalySpec as { data?: { values?: { when: string }[] } }).data?.values ?? []).slice(70, 76).map((r) => r.when);
  const zonedChart = await timeline(events, { groupBy: "Account", title: "Logons", timeZone: "Europe/Berlin" });
  const zonedAnomalies = timeseriesAnomaliesSpec(stl, { y: "TotalBytesSent", timeZone: "Europe/Berlin" });
  const zonedTooltipTimes = ((zonedAnomalies as { data?: { values?: { when: string }[] } }).data?.values ?? []).slice(70, 76).map((r) => r.when);
  return {
    zone: timeZone,
    locale,
    order: [...NAMES].sort(compareText),
    closest: closestNames("xb", ["zb", "äb", "ab"]),
    lanes: chart.lanes.map((l) => l.name),
    csvTimes,
    offsets,
    periods,
    timelineTexts: svgTexts(await renderVegaLiteSvg(chart.spec as VegaLiteSpec)),
    anomalyTexts: svgTexts(await renderVegaLiteSvg(anomalySpec)),
    tooltipTimes,
    dateInMessage: shortValue(new Date(Date.UTC(2024, 2, 31, 1, 30))),
    zonedTimelineTexts: svgTexts(await renderVegaLiteSvg(zonedChart.spec as VegaLiteSpec)),
    zonedTooltipTimes,
  };
}

if (process.env.HUNTLAB_ZONE_CHILD) {
  // The child: print what it computed, for the parent to compare.
  void fingerprint().then((f) => console.log(JSON.stringify(f)));
} else {
  const inChild = (env: Record<string, string>): Fingerprint => {
    const child = spawnSync(process.execPath, ["--import", "tsx", __filename], {
      env: { ...process.env, ...env, HUNTLAB_ZONE_CHILD: "1", NODE_TEST_CONTEXT: "" },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "") as Fingerprint;
  };

  describe("the same results in every time zone and locale", () => {
    let here: Fingerprint;
    it("here: English text order, zone-less times as UTC, UTC relative times", async () => {
      here = await fingerprint();
      assert.deepEqual(here.order, NAMES_ORDERED);
      assert.deepEqual(here.lanes, NAMES_ORDERED);
      // Two names one edit away: the tie is broken in English order.
      assert.deepEqual(here.closest, ["ab", "äb", "zb"]);
      assert.deepEqual(here.csvTimes, CSV_TIMES.map((t) => `${t.replace(" ", "T")}.000Z`));
      assert.deepEqual(here.offsets, ["2024-03-08T00:00:00.000Z", "2024-02-11T00:00:00.000Z", "2024-03-11T04:00:00.000Z", "2024-03-10T02:30:00.000Z"]);
      assert.ok(here.periods.length > 0, "the spike gave no anomaly period");
      for (const p of here.periods) assert.match(p, /T00:00:00\.000Z\/.*T00:00:00\.000Z$/, "a period of a day from UTC midnight");
      assert.ok(here.timelineTexts.includes("2024-03-31 00:00") && here.anomalyTexts.includes("2024-03-31 00:00"), here.timelineTexts.join(" | "));
      // An option given a Date names it in UTC (it was the machine's local time and zone name).
      assert.equal(here.dateInMessage, "a Date (2024-03-31T01:30:00.000Z)");
      assert.ok(here.tooltipTimes.includes("2024-03-31 00:00:00 UTC"), here.tooltipTimes.join(" | "));
      // timeZone: Berlin's wall clock across its spring change, whatever the machine's zone.
      assert.ok(here.zonedTimelineTexts.includes("Time in Europe/Berlin"), here.zonedTimelineTexts.join(" | "));
      assert.deepEqual(here.zonedTooltipTimes, ["2024-03-30 23:00:00 +01:00", "2024-03-31 00:00:00 +01:00", "2024-03-31 01:00:00 +01:00", "2024-03-31 03:00:00 +02:00", "2024-03-31 04:00:00 +02:00", "2024-03-31 05:00:00 +02:00"]);
    });

    for (const env of [
      { TZ: "Pacific/Chatham", LANG: "sv_SE.UTF-8", LC_ALL: "sv_SE.UTF-8", zone: "Pacific/Chatham", locale: "sv-SE" },
      { TZ: "America/New_York", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8", zone: "America/New_York", locale: "de-DE" },
    ]) {
      it(`under TZ=${env.TZ} LANG=${env.LANG}: the same as here`, () => {
        const { zone, locale, ...given } = env;
        const there = inChild(given);
        assert.equal(there.zone, zone, "the child did not run in that zone");
        assert.equal(there.locale, locale, "the child did not run in that locale");
        const { zone: _z, locale: _l, ...same } = there;
        const { zone: _hz, locale: _hl, ...expected } = here;
        assert.deepEqual(same, expected);
      });
    }
  });
}
