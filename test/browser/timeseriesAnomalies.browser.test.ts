/**
 * The anomaly chart's spec in Chromium, with the vega and vega-lite 5 builds
 * from node_modules (what Jupyter's Vega-Lite 5 renderer runs): it renders,
 * draws two anomaly markers, and hovering shows the hover rule with a tooltip
 * carrying that hour's values.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { jsonForScript } from "../../src/display/html";
import { QueryProvider } from "../../src/data/queryProvider";
import { timeseriesAnomaliesStl } from "../../src/analysis/timeseries";
import { timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();

function script(name: string): string {
  return fs.readFileSync(require.resolve(name), "utf8").replace(/<\/script/gi, "<\\/script");
}

describe("anomaly chart in Chromium (vega 5 + vega-lite 5)", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("renders, marks the anomalies and shows a tooltip on hover", async () => {
    const qp = new QueryProvider("LocalData");
    const spec = timeseriesAnomaliesSpec(timeseriesAnomaliesStl(await qp.Network.get_network_summary()), { y: "TotalBytesSent" });
    const html = `<!doctype html><html><head><meta charset="utf-8">
<script>${script("vega/build/vega.min.js")}</script>
<script>${script("vega-lite/build/vega-lite.min.js")}</script></head>
<body><div id="chart"></div><script>
window.tooltips = [];
var compiled = vegaLite.compile(${jsonForScript(spec)}).spec;
var view = new vega.View(vega.parse(compiled), { renderer: "svg", container: "#chart", hover: true });
view.tooltip(function (handler, event, item, value) { if (value) window.tooltips.push(value); });
view.runAsync().then(function () { window.ready = true; }, function (e) { window.failed = String(e); });
</script></body></html>`;
    const page = await openOffline(browser, html, { name: "timeseries-anomalies-chart", viewport: { width: 1100, height: 500 } });
    try {
      await page.page.waitForFunction(() => (window as unknown as { ready?: boolean; failed?: string }).ready || (window as unknown as { failed?: string }).failed, undefined, { timeout: 15000 });
      assert.equal(await page.page.evaluate(() => (window as unknown as { failed?: string }).failed), undefined);
      const markers = await page.page.$$eval("#chart svg .mark-symbol.role-mark path", (ps) => ps.length);
      assert.equal(markers, 2, "two anomaly markers");
      const lines = await page.page.$$eval("#chart svg .mark-line.role-mark path", (ps) => ps.length);
      assert.equal(lines, 2, "observed and baseline lines");
      // Hover over the middle of the plot: a rule shows and the tooltip lists the hour's values.
      const box = await page.page.$eval("#chart svg", (svg) => {
        const r = svg.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      });
      await page.page.mouse.move(box.x + box.w * 0.45, box.y + box.h * 0.5);
      await page.page.mouse.move(box.x + box.w * 0.46, box.y + box.h * 0.5);
      await page.page.waitForFunction(() => (window as unknown as { tooltips: unknown[] }).tooltips.length > 0, undefined, { timeout: 5000 });
      const tip = await page.page.evaluate(() => (window as unknown as { tooltips: Record<string, unknown>[] }).tooltips.at(-1));
      assert.deepEqual(Object.keys(tip ?? {}), ["TimeGenerated", "TotalBytesSent", "baseline", "score", "anomaly"]);
      assert.match(String(tip?.TimeGenerated), /^2020-07-\d\d \d\d:00:00 UTC$/);
      const shown = await page.page.$$eval("#chart svg .mark-rule.role-mark line", (ls) => ls.filter((l) => Number(l.getAttribute("stroke-opacity") ?? l.getAttribute("opacity") ?? 0) > 0).length);
      assert.equal(shown, 1, "one hover rule visible");
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.blocked, []);
    } finally {
      await page.close();
    }
  });
});
