/**
 * The charts in a browser set to another zone and language (Chromium's `timezoneId: "Pacific/Chatham"`,
 * +13:45 with daylight saving, and `locale: "sv-SE"`): vega 5 and vega-lite 5 as Jupyter's renderer runs
 * them draw the same axis labels and titles as the static image drawn in Node (UTC), and the timeline's
 * tooltip times are UTC. A spec plotting local time (a scale without `type: "utc"`, a `timeFormat`) would
 * label the hours 13:45 later here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { jsonForScript } from "../../src/display/html";
import { timeseriesAnomaliesStl } from "../../src/analysis/timeseries";
import { timeline } from "../../src/vis/timeline";
import { timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { renderVegaLiteSvg, type VegaLiteSpec } from "../../src/vis/vegaLite";
import { chromiumMissing } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { script } from "./vegaPage";

const skip = chromiumMissing();

/** The texts Vega drew into an SVG (axis labels, titles, legends), in order. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Events at quarter past each hour around Europe's spring change (UTC), in three lanes. */
function events(): pl.DataFrame {
  const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2024, 2, 30, 20 + i, 15)));
  return pl.DataFrame({ TimeGenerated: times, Account: times.map((_, i) => ["Zoe", "Åsa", "admin"][i % 3]) });
}

/** Hourly values over four days across the change, one spike. */
function series(): pl.DataFrame {
  const start = Date.UTC(2024, 2, 29);
  const times = Array.from({ length: 24 * 4 }, (_, i) => new Date(start + i * 3_600_000));
  return pl.DataFrame({ TimeGenerated: times, TotalBytesSent: times.map((t, i) => 100 + 20 * Math.sin((2 * Math.PI * t.getUTCHours()) / 24) + (i === 50 ? 400 : (i * 7) % 5)) });
}

/** A page drawing each spec with vega's SVG renderer; `window.svgs` its SVG text, `window.tips` each timeline point's `t` and tooltip time. */
function page(specs: VegaLiteSpec[]): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script>${script("vega/build/vega.min.js")}</script>
<script>${script("vega-lite/build/vega-lite.min.js")}</script></head>
<body><script>
var specs = ${jsonForScript(specs)};
window.tips = [];
function walk(node) {
  if (node.datum && typeof node.datum.ts === "string") window.tips.push([node.datum.t, node.datum.ts]);
  (node.items || []).forEach(walk);
}
Promise.all(specs.map(function (spec) {
  var el = document.createElement("div"); document.body.appendChild(el);
  var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "svg", container: el });
  return view.runAsync().then(function () { walk(view.scenegraph().root); return view.toSVG(); });
})).then(function (svgs) { window.svgs = svgs; window.zone = Intl.DateTimeFormat().resolvedOptions().timeZone; window.lang = navigator.language; }, function (e) { window.failed = String(e && e.stack || e); });
</script></body></html>`;
}

describe("charts in a browser in another zone and language", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("labels the timeline and the anomaly chart in UTC under Pacific/Chatham, sv-SE, as the static image does", async () => {
    const chart = await timeline(events(), { groupBy: "Account", title: "Logons" });
    const anomalies = timeseriesAnomaliesSpec(timeseriesAnomaliesStl(series(), { dataColumn: "TotalBytesSent" }), { y: "TotalBytesSent" });
    const specs = [chart.spec as VegaLiteSpec, anomalies];
    const expected = await Promise.all(specs.map(async (s) => svgTexts(await renderVegaLiteSvg(s))));
    assert.ok(expected[0].includes("2024-03-31 00:00") && expected[1].includes("2024-03-31 00:00"), "the static images are labelled in UTC");

    const context = await browser.newContext({ timezoneId: "Pacific/Chatham", locale: "sv-SE", javaScriptEnabled: true, serviceWorkers: "block" });
    try {
      // Nothing is fetched: the page carries vega itself.
      await context.route("**/*", (route) => route.abort());
      const tab = await context.newPage();
      await tab.setContent(page(specs));
      await tab.waitForFunction(() => (window as unknown as { svgs?: string[] }).svgs || (window as unknown as { failed?: string }).failed, undefined, { timeout: 60_000 });
      const got = await tab.evaluate(() => {
        const w = window as unknown as { svgs?: string[]; failed?: string; zone: string; lang: string; tips: [number, string][] };
        return { svgs: w.svgs, failed: w.failed, zone: w.zone, lang: w.lang, tips: w.tips };
      });
      assert.equal(got.failed, undefined);
      assert.equal(got.zone, "Pacific/Chatham", "the page did not run in Chatham's zone");
      assert.equal(got.lang, "sv-SE");
      assert.deepEqual((got.svgs ?? []).map(svgTexts), expected);
      assert.ok(got.tips.length >= 12, `tooltip times of the points: ${got.tips.length}`);
      for (const [t, ts] of got.tips) assert.equal(ts, new Date(t).toISOString().replace("T", " ").replace("Z", ""));
    } finally {
      await context.close();
    }
  });
});
