/**
 * A timeline with `timeZone: "Europe/Berlin"` in Chromium set to another zone (Asia/Tokyo): vega 5 and
 * vega-lite 5, as Jupyter's renderer runs them, label the axis with Berlin's wall-clock hours and the zone
 * (the same texts as the static image drawn in Node), and the tooltip shows each event's Berlin time with its
 * offset, across the spring change (2026-03-29: 02:00 CET → 03:00 CEST). An entity graph with
 * `timeZone: "Asia/Kolkata"`: its timeline strip's ends and tips in Kolkata's time, the zone named.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { jsonForScript } from "../../src/display/html";
import { timeline } from "../../src/vis/timeline";
import { renderVegaLiteSvg, type VegaLiteSpec } from "../../src/vis/vegaLite";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { SecurityAlert } from "../../src/entities";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph } from "../../src/vis/entityGraph";
import type { EntityGraphData } from "../../src/vis/client/views/entityGraph";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { script } from "./vegaPage";

const skip = chromiumMissing();

/** The texts Vega drew into an SVG (axis labels, titles), in order. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Events every 20 minutes from 00:10 to 01:50 UTC on 2026-03-29: Berlin 01:10 +01:00 … 03:50 +02:00. */
function events(): pl.DataFrame {
  const times = Array.from({ length: 6 }, (_, i) => new Date(Date.UTC(2026, 2, 29, 0, 10 + 20 * i)));
  return pl.DataFrame({ TimeGenerated: pl.Series("TimeGenerated", times, pl.Datetime("ms")), Host: times.map((_, i) => `host-${i}`) });
}

/** A page drawing the spec with vega's SVG renderer: `window.svg` its SVG text, `window.tooltips` the tooltips shown. */
function page(spec: VegaLiteSpec): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script>${script("vega/build/vega.min.js")}</script>
<script>${script("vega-lite/build/vega-lite.min.js")}</script></head>
<body><div id="chart"></div><script>
window.tooltips = [];
var view = new vega.View(vega.parse(vegaLite.compile(${jsonForScript(spec)}).spec), { renderer: "svg", container: "#chart", hover: true });
view.tooltip(function (handler, event, item, value) { if (value) window.tooltips.push(value); });
view.runAsync().then(function () { return view.toSVG(); }).then(function (svg) { window.svg = svg; window.zone = Intl.DateTimeFormat().resolvedOptions().timeZone; }, function (e) { window.failed = String(e && e.stack || e); });
</script></body></html>`;
}

describe("a zoned timeline in Chromium", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("labels the axis in Berlin's wall clock and shows Berlin times with offsets in the tooltip, under Asia/Tokyo", async () => {
    const chart = await timeline(events(), { sourceColumns: ["Host"], timeZone: "Europe/Berlin", overview: false });
    const expected = svgTexts(await renderVegaLiteSvg(chart.spec));
    assert.ok(expected.includes("Time in Europe/Berlin"), expected.join(" | "));
    const context = await browser.newContext({ timezoneId: "Asia/Tokyo", locale: "en-US", javaScriptEnabled: true, serviceWorkers: "block" });
    try {
      // Nothing is fetched: the page carries vega itself.
      await context.route("**/*", (route) => route.abort());
      const tab = await context.newPage();
      await tab.setContent(page(chart.spec));
      await tab.waitForFunction(() => (window as unknown as { svg?: string }).svg || (window as unknown as { failed?: string }).failed, undefined, { timeout: 60_000 });
      const got = await tab.evaluate(() => {
        const w = window as unknown as { svg?: string; failed?: string; zone: string };
        return { svg: w.svg, failed: w.failed, zone: w.zone };
      });
      assert.equal(got.failed, undefined);
      assert.equal(got.zone, "Asia/Tokyo", "the page did not run in Tokyo's zone");
      const texts = svgTexts(got.svg ?? "");
      assert.deepEqual(texts, expected, "the browser draws the static image's labels");
      assert.ok(texts.includes("Time in Europe/Berlin"));
      const hours = texts.filter((t) => /^2026-03-29 \d\d:\d\d$/.test(t)).map((t) => t.slice(11));
      // Berlin's 01:00–04:00 (UTC's would be 00:00–02:00, Tokyo's 09:00–11:00); no event falls in the skipped 02:00–03:00.
      assert.ok(hours.length >= 2 && hours.every((h) => h >= "01:00" && h <= "04:00") && hours.some((h) => h >= "03:00"), hours.join(" "));
      // Hover the last event: 01:50 UTC is 03:50 CEST.
      const points = await tab.$$("#chart .mark-symbol.role-mark path");
      assert.equal(points.length, 6);
      const tips = new Set<string>();
      for (const p of [points[0], points[5]]) {
        const before = await tab.evaluate(() => (window as unknown as { tooltips: unknown[] }).tooltips.length);
        await p.hover({ force: true });
        await tab.waitForFunction((n) => (window as unknown as { tooltips: unknown[] }).tooltips.length > n, before, { timeout: 5000 });
        const tip = await tab.evaluate(() => (window as unknown as { tooltips: Record<string, unknown>[] }).tooltips.at(-1) ?? {});
        tips.add(`${String(tip["TimeGenerated (Europe/Berlin)"])} ${String(tip.Host)}`);
      }
      assert.deepEqual([...tips].sort(), ["2026-03-29 01:10:00.000 +01:00 host-0", "2026-03-29 03:50:00.000 +02:00 host-5"]);
    } finally {
      await context.close();
    }
  });

  it("writes the entity graph's timeline strip in the zone: its ends name it, a dot's tip has the offset", async () => {
    const alerts = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
    const view = drawAlertEntityGraph(addRelatedAlerts(alerts, createAlertGraph(new SecurityAlert(alerts, 0))), { timeZone: "Asia/Kolkata" });
    const data = view.toView().spec.data as EntityGraphData;
    const inKolkata = (t: number) => new Date(t + 5.5 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    const times = data.timeline.map((p) => p.t).sort((a, b) => a - b);
    const o = await openOffline(browser, `<!doctype html><html><head><meta charset="utf-8"></head><body>${view.toView().toHtml()}</body></html>`, { name: "entitygraph-zoned" });
    try {
      await o.page.waitForFunction(() => document.querySelector(".hl-view-entity-graph")?.getAttribute("data-hl-live") === "1", null, { timeout: 30_000 });
      const ends = await o.page.locator(".hl-eg-tl-axis").allTextContents();
      assert.deepEqual(ends, [`${inKolkata(times[0])} Asia/Kolkata`, `${inKolkata(times[times.length - 1])} Asia/Kolkata`]);
      const first = o.page.locator(".hl-eg-tl-dot").first();
      await first.focus();
      const tip = await o.page.locator(".hl-eg-tl-tip").textContent();
      assert.match(tip ?? "", new RegExp(`${inKolkata(times[0])}:\\d\\d\\.\\d{3} \\+05:30$`));
      assert.equal(await first.getAttribute("aria-label"), tip);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });
});
