/**
 * The HTML-view machinery in Chromium: libraries load from the inline payload
 * in every insertion mode (JupyterLab/VS Code, classic Notebook with RequireJS,
 * inline), are evaluated once per page, and the static fallback shows when
 * scripts are off or stripped.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { resolve } from "node:path";
import { htmlView } from "../../src/display/htmlView";
import { buildTestClient } from "../helpers/clientBuild";
import { svgToPng } from "../../src/vis/png";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { notebookFromBundles, notebookPage } from "./notebookPage";

const skip = chromiumMissing();

const PNG = svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#369"/></svg>`);

const GRAPH_CLIENT = buildTestClient(resolve(__dirname, "../vis/fixtures/testGraphView.ts"));
const MAP_CLIENT = buildTestClient(resolve(__dirname, "../vis/fixtures/testMapView.ts"));
const THROW_CLIENT = buildTestClient(resolve(__dirname, "../vis/fixtures/testThrowView.ts"));

function graphView(label: string) {
  return htmlView({
    kind: "test-graph",
    title: `Graph ${label}`,
    libraries: ["cytoscape-dagre"],
    data: { nodes: [{ id: "a", label }, { id: "b", label: "<b>child</b>" }], edges: [{ source: "a", target: "b" }] },
    client: GRAPH_CLIENT,
    height: 200,
    fallback: { png: PNG, alt: `static ${label}` },
    text: `graph ${label}`,
  });
}

function leafletView() {
  return htmlView({
    kind: "test-map",
    libraries: ["leaflet.markercluster"],
    data: { points: [[51.5, -0.1], [48.9, 2.35]] },
    client: MAP_CLIENT,
    height: 200,
    fallback: { png: PNG, alt: "static map" },
    text: "map",
  });
}

const HOSTILE = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;

describe("HTML views in Chromium", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  for (const mode of ["lab", "classic", "inline"] as const) {
    it(`renders Cytoscape + dagre and Leaflet + markercluster from the inline payload (${mode})`, async () => {
      const bundles = [graphView("one"), graphView(HOSTILE), leafletView()].map((v) => ({ "text/html": v.toHtml(), "text/plain": v.toText() }));
      // classic Notebook has RequireJS on the page: UMD builds must not register with it.
      const html = notebookPage(notebookFromBundles(bundles), { mode }).replace(
        "<head>",
        mode === "classic" ? `<head><script>window.define = function () { throw new Error("AMD define called"); }; window.define.amd = {};</script>` : "<head>",
      );
      const page = await openOffline(browser, html, { name: `htmlview-${mode}` });
      try {
        await page.page.waitForFunction(() => document.querySelectorAll('.hl-view[data-hl-live="1"]').length === 3, undefined, { timeout: 15000 });
        const nodes = await page.page.$$eval(".hl-view-test-graph .hl-view-live", (els) => els.map((e) => [e.getAttribute("data-nodes"), e.getAttribute("data-y-order")]));
        assert.deepEqual(nodes, [["2", "true"], ["2", "true"]]);
        assert.equal(await page.page.$eval(".hl-view-test-map .hl-view-live", (e) => e.getAttribute("data-cluster")), "function");
        // fallback hidden, hostile label shown as text
        assert.deepEqual(await page.page.$$eval(".hl-view-static", (els) => els.map((e) => (e as HTMLElement).style.display)), ["none", "none", "none"]);
        assert.equal(await page.page.$$eval(".hl-view-live span.label", (els) => els[1].textContent), HOSTILE);
        assert.equal(await page.page.evaluate(() => Object.keys((window as unknown as { __huntlab_js_v1: { mods: object } }).__huntlab_js_v1.mods).length), 4);
        assert.deepEqual(page.dialogs, []);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(page.blocked, []);
      } finally {
        await page.close();
      }
    });
  }

  it("mounts a view only when it comes near the viewport: views far down wait, with their static part, until scrolled to", async () => {
    // Each view between tall blocks (3 viewports) so that only the first is near the viewport when the page opens.
    const views = ["one", "two", "three"].map((label) => graphView(label).toHtml());
    const spacer = `<div class="spacer" style="height:2400px"></div>`;
    const o = await openOffline(browser, `<!doctype html><html><head><meta charset="utf-8"></head><body>${views.join(spacer)}</body></html>`, {
      name: "htmlview-near",
      viewport: { width: 1000, height: 800 },
    });
    const states = () => o.page.$$eval(".hl-view", (els) => els.map((e) => `${e.getAttribute("data-hl-live")}/${e.getAttribute("data-hl-waiting")}`));
    try {
      await o.page.waitForFunction(() => document.querySelector(".hl-view")?.getAttribute("data-hl-live") === "1", undefined, { timeout: 15000 });
      // Every view's script has run (the libraries load once, for the first): the others wait, their static part shown.
      assert.deepEqual(await states(), ["1/null", "null/1", "null/1"]);
      assert.deepEqual(await o.page.$$eval(".hl-view-static", (els) => els.map((e) => (e as HTMLElement).style.display)), ["none", "", ""]);
      await o.page.locator(".hl-view").nth(2).scrollIntoViewIfNeeded();
      await o.page.waitForFunction(() => document.querySelectorAll(".hl-view")[2]?.getAttribute("data-hl-live") === "1", undefined, { timeout: 15000 });
      // Scrolled past in one jump, the middle view never came near: it still waits.
      assert.deepEqual(await states(), ["1/null", "null/1", "1/null"]);
      await o.page.locator(".hl-view").nth(1).scrollIntoViewIfNeeded();
      await o.page.waitForFunction(() => document.querySelectorAll(".hl-view")[1]?.getAttribute("data-hl-live") === "1", undefined, { timeout: 15000 });
      assert.deepEqual(await o.page.$$eval(".hl-view-live", (els) => els.map((e) => e.getAttribute("data-nodes"))), ["2", "2", "2"]);
      assert.deepEqual(o.errors, []);
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });

  it("shows the static image with JavaScript disabled and when sanitised", async () => {
    const bundles = [graphView(HOSTILE)].map((v) => ({ "text/html": v.toHtml(), "text/plain": v.toText() }));
    for (const [mode, js] of [["inline", false], ["sanitized", true]] as const) {
      const page = await openOffline(browser, notebookPage(notebookFromBundles(bundles), { mode }), { javaScriptEnabled: js, name: `htmlview-static-${mode}` });
      try {
        const img = await page.page.$eval(".hl-view-static img", (e) => ({ w: (e as HTMLImageElement).naturalWidth, visible: (e as HTMLElement).offsetWidth > 0, alt: e.getAttribute("alt") }));
        assert.equal(img.w, 120);
        assert.ok(img.visible);
        assert.equal(img.alt, `static ${HOSTILE}`);
        assert.equal(await page.page.$$eval("img[src=x]", (els) => els.length), 0);
        assert.deepEqual(page.dialogs, []);
      } finally {
        await page.close();
      }
    }
  });

  it("brings the static part back, with the reason, when the live view fails", async () => {
    const view = htmlView({ kind: "test-throw", client: THROW_CLIENT, data: { reason: "no data <b>here</b>" }, fallback: { png: PNG, alt: "static" }, text: "t" });
    const page = await openOffline(browser, notebookPage(notebookFromBundles([{ "text/html": view.toHtml(), "text/plain": "t" }]), { mode: "lab" }), { name: "htmlview-throw" });
    try {
      await page.page.waitForFunction(() => document.querySelector(".hl-view")?.getAttribute("data-hl-live") === "failed", undefined, { timeout: 10000 });
      assert.equal(await page.page.$$eval(".hl-view-live", (els) => els.length), 0);
      assert.equal(await page.page.$eval(".hl-view-static", (e) => (e as HTMLElement).style.display), "");
      assert.match(await page.page.$eval(".hl-view-message", (e) => e.textContent ?? ""), /no data <b>here<\/b>/);
      assert.equal(await page.page.$$eval("b", (els) => els.length), 0);
    } finally {
      await page.close();
    }
  });
});
