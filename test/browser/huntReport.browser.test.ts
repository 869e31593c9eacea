/**
 * The `npm run hunt` report in Chromium, offline: with scripts on, every
 * huntlab view goes live (Leaflet maps, Cytoscape graphs and trees, browsers)
 * and every Vega-Lite chart is drawn by vega-embed; with scripts off, the
 * static fallbacks show (view images, chart PNGs). Nothing is fetched.
 *
 * The report is the one test/notebooks/hunt.test.ts wrote from its run on new
 * data (test-results/hunt/report/); without it (the browser tests alone), one
 * is built here from the executed lab notebook the notebook tests leave.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { buildHuntReport } from "../../src/lab/huntReport";
import type { NotebookJson } from "../../src/lab/huntParams";
import { NEW_HOST } from "../fixtures/hunt/makeData";
import { chromiumMissing, mountViews, openOffline, type OfflinePage } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { EXECUTED_NOTEBOOK } from "./notebookPage";

const ROOT = path.resolve(__dirname, "..", "..");
const HUNT_REPORT = path.join(ROOT, "test-results", "hunt", "report", "HuntingLab.html");

/** The report to check and whether it comes from the hunt on new data. */
function loadReport(): { html: string; fromHunt: boolean } | undefined {
  if (fs.existsSync(HUNT_REPORT)) return { html: fs.readFileSync(HUNT_REPORT, "utf8"), fromHunt: true };
  if (!fs.existsSync(EXECUTED_NOTEBOOK)) return undefined;
  const nb = JSON.parse(fs.readFileSync(EXECUTED_NOTEBOOK, "utf8")) as NotebookJson;
  const html = buildHuntReport(nb, {
    notebook: "notebooks/HuntingLab.ipynb",
    dataPaths: [],
    queryPaths: [],
    parameters: [],
    kernel: "tslab",
    started: new Date().toISOString(),
    seconds: 0,
    huntlabVersion: "test",
    failures: [],
    stopped: false,
  });
  return { html, fromHunt: false };
}

function why(): string | undefined {
  const noChromium = chromiumMissing();
  if (noChromium) return noChromium;
  if (fs.existsSync(HUNT_REPORT) || fs.existsSync(EXECUTED_NOTEBOOK)) return undefined;
  const reason = "no hunt report and no executed notebook (run test/notebooks/hunt.test.ts first)";
  if (process.env.CI) throw new Error(reason);
  return reason;
}

const skip = why();

describe("the hunt report in Chromium (offline)", { skip }, () => {
  let browser: Browser;
  let report: { html: string; fromHunt: boolean };

  before(async () => {
    report = loadReport()!;
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  async function open(javaScriptEnabled: boolean): Promise<OfflinePage> {
    return openOffline(browser, report.html, { name: `hunt-report-${javaScriptEnabled ? "js" : "nojs"}`, javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  }

  it("scripts on: every view goes live, maps and charts render, nothing fails or is fetched", { timeout: 180_000 }, async () => {
    const o = await open(true);
    try {
      // Interactive views carry a bundle (a script without a type); static ones (status tables, cards) do not.
      const interactive = await o.page.evaluate(() => Array.from(document.querySelectorAll(".hl-view")).filter((v) => v.querySelector("script:not([type])")).length);
      assert.ok(interactive >= 8, `only ${interactive} interactive huntlab views in the report`);
      await mountViews(o.page, 120_000);
      await o.page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll(".hl-view"))
            .filter((v) => v.querySelector("script:not([type])"))
            .every((v) => ["1", "failed"].includes(v.getAttribute("data-hl-live") ?? "")),
        undefined,
        { timeout: 120_000 },
      );
      const failed = await o.page.locator('.hl-view[data-hl-live="failed"]').evaluateAll((els) => els.map((e) => e.id));
      assert.deepEqual(failed, [], "views that did not go live");
      // Leaflet maps: tiles-free vector basemap and markers drawn.
      assert.ok((await o.page.locator(".leaflet-container").count()) >= 2, "no live Leaflet map");
      assert.ok((await o.page.locator(".leaflet-overlay-pane path").count()) > 50, "the maps' country outlines are not drawn");
      assert.ok((await o.page.locator(".marker-cluster, .leaflet-marker-pane .hl-geo-pin").count()) > 0, "no markers on the maps");
      // vega-embed charts: each Vega-Lite output live, its PNG hidden.
      const charts = o.page.locator(".hunt-vega");
      const n = await charts.count();
      assert.ok(n >= 3, `${n} Vega-Lite charts`);
      await o.page.waitForFunction((count) => document.querySelectorAll('.hunt-vega[data-live="true"]').length === count || document.querySelector(".hunt-vega-error"), n, { timeout: 60_000 });
      assert.equal(await o.page.locator(".hunt-vega-error").count(), 0, (await o.page.locator(".hunt-vega-error").allTextContents()).join("\n"));
      assert.equal(await o.page.locator('.hunt-vega[data-live="true"]').count(), n);
      assert.ok((await o.page.locator(".hunt-vega .vega-embed svg, .hunt-vega .vega-embed canvas").count()) >= n, "vega-embed drew no chart");
      assert.equal(await o.page.locator(".hunt-vega img.hunt-fallback").first().isVisible(), false, "the PNG stays under the live chart");
      assert.ok(await o.page.locator('.hl-view[data-hl-live="1"] > .hl-view-static').first().isHidden(), "a live view still shows its static part");
      assert.deepEqual(o.errors, [], "page errors");
      assert.deepEqual(o.blocked, [], "the report fetched something");
      assert.deepEqual(o.dialogs, []);
    } finally {
      await o.close();
    }
  });

  it("scripts off: the fallbacks show (view images, chart PNGs), markdown and tables are there", { timeout: 60_000 }, async () => {
    const o = await open(false);
    try {
      const fallbacks = o.page.locator(".hunt-vega img.hunt-fallback");
      assert.ok((await fallbacks.count()) >= 3);
      for (const img of await fallbacks.all()) {
        assert.ok(await img.isVisible(), "a chart's PNG is hidden");
        assert.ok((await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)) > 100, "a chart's PNG did not decode");
      }
      const statics = o.page.locator(".hl-view-static");
      assert.ok((await statics.count()) >= 8);
      assert.ok(await statics.first().isVisible());
      const viewImages = o.page.locator(".hl-view-static img");
      assert.ok((await viewImages.count()) >= 3, "maps and graphs have no static image");
      for (const img of (await viewImages.all()).slice(0, 6)) assert.ok((await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)) > 100);
      assert.equal(await o.page.locator(".leaflet-container").count(), 0);
      assert.ok((await o.page.locator(".hunt-markdown h1").count()) >= 1, "markdown not rendered");
      assert.ok((await o.page.locator(".hunt-outputs table").count()) >= 5, "tables missing");
      assert.deepEqual(o.blocked, [], "the report fetched something");
    } finally {
      await o.close();
    }
  });

  it("the outputs show the new data and none of the lab's host", { skip: !fs.existsSync(HUNT_REPORT) && "no hunt report (the lab notebook's report was checked instead)" }, async () => {
    const o = await open(false);
    try {
      const outputs = (await o.page.locator(".hunt-outputs").allTextContents()).join("\n");
      assert.ok(outputs.includes(NEW_HOST), "the new host is not in the outputs");
      const old = /msticalertswin1/i.exec(outputs);
      assert.equal(old, null, `the lab's host shows in an output: …${old ? outputs.slice(Math.max(0, old.index - 150), old.index + 100) : ""}…`);
      const header = (await o.page.locator(".hunt-header").textContent()) ?? "";
      assert.match(header, /set by the hunt/);
      assert.match(header, /all \d+ code cells ran/);
    } finally {
      await o.close();
    }
  });
});

/** A 2×1 PNG: the static image a chart output carries beside its spec. */
const PNG_2X1 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAADklEQVR4nGP4z8DwH4QBEfcD/ePF9e8AAAAASUVORK5CYII=";
const MIME = "application/vnd.vegalite.v5+json";
/** Markup an embedding error may echo back (from the spec): it must stay text. */
const HOSTILE = `<img src=x onerror="window.__pwned=1">`;

/** A notebook with one drawable chart and one vega rejects (a data format named with markup, echoed in the error). */
function chartsNotebook(): NotebookJson {
  const output = (spec: object) => ({ output_type: "display_data", metadata: {}, data: { [MIME]: spec, "image/png": PNG_2X1, "text/plain": "chart" } });
  const values = [{ k: "a", n: 3 }, { k: "b", n: 5 }];
  const good = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", data: { values }, mark: "bar", encoding: { x: { field: "k", type: "nominal" }, y: { field: "n", type: "quantitative" } }, usermeta: { embedOptions: { renderer: "svg" } } };
  const bad = { ...good, data: { values: "k,n\na,3", format: { type: HOSTILE } }, usermeta: undefined };
  return {
    cells: [
      { cell_type: "code", source: "good", metadata: {}, outputs: [output(good)], execution_count: 1 },
      { cell_type: "code", source: "bad", metadata: {}, outputs: [output(bad)], execution_count: 2 },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

describe("the hunt report's page script in Chromium (offline)", { skip: chromiumMissing() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("draws a good chart over its PNG and, for a spec vega-lite rejects, keeps the PNG and shows the reason as text", { timeout: 60_000 }, async () => {
    const page = buildHuntReport(chartsNotebook(), {
      notebook: "charts.ipynb",
      dataPaths: [],
      queryPaths: [],
      parameters: [],
      kernel: "tslab",
      started: "2026-01-01T00:00:00Z",
      seconds: 0,
      huntlabVersion: "test",
      failures: [],
      stopped: false,
    });
    const o = await openOffline(browser, page, { name: "hunt-report-charts", javaScriptEnabled: true, viewport: { width: 1000, height: 800 } });
    try {
      const [good, bad] = await o.page.locator(".hunt-vega").all();
      await o.page.waitForFunction(() => document.querySelector('.hunt-vega[data-live="true"]') && document.querySelector(".hunt-vega-error"), undefined, { timeout: 30_000 });
      // The good chart: drawn with the renderer its usermeta asks for, PNG hidden.
      assert.equal(await good.getAttribute("data-live"), "true");
      assert.equal(await good.locator(".hunt-vega-live svg").count(), 1, "usermeta.embedOptions.renderer svg not used");
      assert.equal(await good.locator("img.hunt-fallback").isVisible(), false);
      assert.equal(await good.locator(".hunt-vega-error").count(), 0);
      // The bad one: no live part, PNG still shown, reason as text.
      assert.equal(await bad.getAttribute("data-live"), null);
      assert.equal(await bad.locator(".hunt-vega-live").count(), 0, "the failed chart's target stays");
      assert.ok(await bad.locator("img.hunt-fallback").isVisible(), "the PNG is hidden after a failure");
      assert.equal(await bad.locator("img.hunt-fallback").evaluate((e) => (e as HTMLImageElement).naturalWidth), 2);
      const note = bad.locator(".hunt-vega-error");
      const reason = (await note.textContent()) ?? "";
      assert.match(reason, /^Interactive chart unavailable \(.+\); showing the static image\.$/s);
      assert.ok(reason.includes(HOSTILE), `the reason does not name the rejected format: ${reason}`);
      assert.equal(await note.locator("*").count(), 0, "the reason was parsed as HTML");
      assert.equal(await o.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(o.dialogs, []);
      assert.deepEqual(o.blocked, [], "the report fetched something");
    } finally {
      await o.close();
    }
  });
});
