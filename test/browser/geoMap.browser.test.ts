/**
 * GeoMap in real Chromium with the network blocked: markers and clusters over
 * the offline basemap, popups, hostile popup data, the static fallback with
 * scripts off, and the maps of the executed lab notebook.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { readDataFile } from "../../src/data/readers";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { GeoLocation, Ip, ipsFromDataFrame } from "../../src/entities";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { GeoMap } from "../../src/vis/geoMap";
import { chromiumMissing, launchChromium, openOffline } from "./chromium";
import { executedNotebook, notebookFromBundles, notebookPage } from "./notebookPage";

const skip = chromiumMissing();

function page(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`;
}

/** Waits until the view is live (or failed) and returns its state. */
async function liveState(p: Page, selector = ".hl-view-geo-map"): Promise<string | null> {
  await p.waitForFunction((sel) => {
    const r = document.querySelector(sel);
    const s = r?.getAttribute("data-hl-live");
    return s === "1" || s === "failed";
  }, selector, { timeout: 20000 });
  return p.locator(selector).first().getAttribute("data-hl-live");
}

/** Total points shown: cluster counts plus single markers in view. */
function shownPoints(p: Page): Promise<{ clusters: number; inClusters: number; singles: number; countries: number }> {
  return p.evaluate(() => {
    const clusters = Array.from(document.querySelectorAll(".marker-cluster"));
    return {
      clusters: clusters.length,
      inClusters: clusters.reduce((s, c) => s + Number(c.textContent ?? "0"), 0),
      singles: document.querySelectorAll(".leaflet-marker-pane .hl-geo-pin").length,
      countries: document.querySelectorAll(".leaflet-overlay-pane path").length,
    };
  });
}

function far(): Ip[] {
  const mk = (address: string, lat: number, lon: number, extra: Record<string, unknown> = {}) => {
    const ip = new Ip({ Address: address, Location: new GeoLocation({ Latitude: lat, Longitude: lon, City: "Somewhere", CountryCode: "ZZ" }) });
    Object.assign(ip.AdditionalData, extra);
    return ip;
  };
  return [
    mk("198.51.100.7", -33.87, 151.21, { User: "alice" }),
    mk("192.0.2.44", 50.48, 12.37, { User: "bob" }),
    mk("203.0.113.9", 37.42, -122.08, { User: "carol" }),
  ];
}

describe("GeoMap in Chromium (offline)", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it("shows the lab's 86 sign-ins as clusters over the offline country outlines, fetching nothing", async () => {
    const df = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);
    const map = new GeoMap({ zoomStart: 2 }).addIpCluster(ipsFromDataFrame(df), { color: "blue" }).centerMap();
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-lab" });
    try {
      assert.equal(await liveState(o.page), "1", (await o.page.locator(".hl-view-message").allTextContents()).join(" "));
      const root = o.page.locator(".hl-view-geo-map .hl-view-live");
      assert.equal(await root.getAttribute("data-marker-count"), "86");
      const shown = await shownPoints(o.page);
      assert.equal(shown.inClusters + shown.singles, 86, JSON.stringify(shown));
      assert.ok(shown.clusters >= 2, `clusters: ${JSON.stringify(shown)}`);
      assert.ok(shown.countries >= 170, `country outlines drawn: ${shown.countries}`);
      assert.equal(await o.page.locator(".hl-view-static").isVisible(), false);
      assert.deepEqual(o.blocked, []);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });

  it("opens a popup with the address, location and columns on click", async () => {
    const map = new GeoMap({ zoomStart: 1, location: [10, 0] }).addIpCluster(far(), { color: "red" });
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-popup" });
    try {
      assert.equal(await liveState(o.page), "1");
      assert.equal((await shownPoints(o.page)).singles, 3);
      const users: Record<string, string> = { "198.51.100.7": "alice", "192.0.2.44": "bob", "203.0.113.9": "carol" };
      const seen: string[] = [];
      for (const pin of await o.page.locator(".leaflet-marker-pane .hl-geo-pin").all()) {
        await pin.click();
        const popup = o.page.locator(".leaflet-popup-content").last();
        await popup.waitFor({ timeout: 5000 });
        const text = (await popup.textContent()) ?? "";
        const address = /^Address([\d.]+)CountryCode/.exec(text)?.[1] ?? "";
        assert.ok(address in users, text);
        assert.match(text, /CitySomewhere/);
        assert.ok(text.endsWith(`User${users[address]}`), text);
        seen.push(address);
        await o.page.keyboard.press("Escape");
      }
      assert.deepEqual(seen.sort(), Object.keys(users).sort());
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });

  it("runs nothing from hostile popup columns, tooltips or layer names", async () => {
    const payload = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>`;
    const ips = far();
    ips[0].Address = `1.2.3.4${payload}`;
    ips[0].AdditionalData.User = payload;
    ips[0].Location!.City = payload;
    const shifted = far();
    shifted.forEach((ip) => (ip.Location!.Latitude! -= 20));
    const map = new GeoMap({ title: payload, zoomStart: 1, location: [0, 0] }).addIps(ips, { color: "red", layer: payload }).addIpCluster(shifted, { layer: "second" });
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-xss" });
    try {
      assert.equal(await liveState(o.page), "1");
      // Every tooltip and popup built, not only those under the mouse.
      await o.page.evaluate(() => {
        const live = document.querySelector(".hl-view-geo-map .hl-view-live") as unknown as { huntlabLayers: { eachLayer(f: (l: { openTooltip?: () => void; getPopup?: () => unknown }) => void): void }[] };
        for (const g of live.huntlabLayers) g.eachLayer((l) => l.openTooltip?.());
      });
      const tips = await o.page.locator(".leaflet-tooltip").allTextContents();
      assert.ok(tips.some((t) => t.includes("<script>")), `tooltips show the payload as text: ${JSON.stringify(tips)}`);
      await o.page.locator(".leaflet-marker-pane .hl-geo-pin.hl-geo-c0").first().click({ force: true });
      await o.page.locator(".leaflet-popup-content").last().waitFor({ timeout: 5000 });
      await o.page.locator(".leaflet-control-layers").hover();
      assert.ok((await o.page.locator(".leaflet-control-layers-overlays").textContent())?.includes("<img src=x"), "layer name shown as text");
      await o.page.waitForTimeout(200);
      const pwned = await o.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
      assert.equal(pwned, undefined);
      assert.deepEqual(o.dialogs, []);
      assert.equal(await o.page.locator("img[src=x]").count(), 0);
      assert.ok((await o.page.locator(".leaflet-popup-content").last().textContent())?.includes("onerror"), "payload shown as text");
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });

  it("reveals bidi and invisible characters in tooltips, popups and layer names", async () => {
    const ips = far();
    ips[0].AdditionalData.User = "invoice\u202Egpj.exe";
    ips[0].Location!.City = "Some\u200Bwhere";
    const shifted = far();
    shifted.forEach((ip) => (ip.Location!.Latitude! -= 20));
    const map = new GeoMap({ zoomStart: 1, location: [10, 0] }).addIps(ips, { layer: "pins\u2066" }).addIpCluster(shifted, { layer: "second" });
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-reveal" });
    try {
      assert.equal(await liveState(o.page), "1");
      await o.page.evaluate(() => {
        const live = document.querySelector(".hl-view-geo-map .hl-view-live") as unknown as { huntlabLayers: { eachLayer(f: (l: { openTooltip?: () => void }) => void): void }[] };
        live.huntlabLayers[0].eachLayer((l) => l.openTooltip?.());
      });
      const tips = (await o.page.locator(".leaflet-tooltip").allTextContents()).join("|");
      assert.ok(tips.includes("User: invoice\\u202egpj.exe") && tips.includes("Some\\u200bwhere"), tips);
      const popups: string[] = [];
      for (const pin of await o.page.locator(".leaflet-marker-pane .hl-geo-pin.hl-geo-c0").all()) {
        await pin.click({ force: true });
        popups.push((await o.page.locator(".leaflet-popup-content").last().textContent()) ?? "");
      }
      assert.ok(popups.some((t) => t.endsWith("Userinvoice\\u202egpj.exe") && t.includes("CitySome\\u200bwhere")), popups.join("|"));
      await o.page.locator(".leaflet-control-layers").hover();
      assert.ok((await o.page.locator(".leaflet-control-layers-overlays").textContent())?.includes("pins\\u2066"));
      const shown = await o.page.evaluate(() => document.body.innerText);
      assert.ok(!/[\u200b\u202e\u2066]/.test(shown), "no raw hidden character on the page");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });

  it("shows the static world map and location table when scripts are off", async () => {
    const df = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);
    const map = new GeoMap().addIpCluster(ipsFromDataFrame(df)).centerMap();
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-static", javaScriptEnabled: false });
    try {
      const img = o.page.locator(".hl-view-static img");
      assert.ok(await img.isVisible());
      assert.ok((await img.evaluate((i: HTMLImageElement) => i.naturalWidth)) >= 800);
      assert.match((await o.page.locator(".hl-geo-static-list summary").textContent()) ?? "", /86 points/);
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });

  it("asks for tiles only when a tile layer is configured", async () => {
    const map = new GeoMap({ tiles: "https://tile.example.test/{z}/{x}/{y}.png" }).addIpCluster(far());
    const o = await openOffline(browser, page(map.toView().toHtml()), { name: "geomap-tiles" });
    try {
      assert.equal(await liveState(o.page), "1");
      await o.page.waitForTimeout(300);
      assert.ok(o.blocked.some((u) => u.startsWith("https://tile.example.test/")), `tile requests: ${o.blocked.join(", ")}`);
      assert.ok(o.blocked.every((u) => u.startsWith("https://tile.example.test/")));
    } finally {
      await o.close();
    }
  });

  it("works in every notebook insertion mode", async () => {
    const map = new GeoMap().addIpCluster(far());
    for (const mode of ["lab", "classic", "inline"] as const) {
      const o = await openOffline(browser, notebookPage(notebookFromBundles([map[JUPYTER_DISPLAY]()]), { mode }), { name: `geomap-${mode}` });
      try {
        assert.equal(await liveState(o.page), "1", mode);
        assert.equal(await o.page.locator(".hl-view-geo-map .hl-view-live").getAttribute("data-marker-count"), "3", mode);
      } finally {
        await o.close();
      }
    }
  });

  const nb = executedNotebook();
  const hasSection = nb?.cells.some((c) => c.metadata?.huntlab_section === "vis-maps-graphs") ?? false;
  it("the executed notebook's sign-in map goes live with 86 markers", { skip: hasSection ? false : "no executed notebook with the vis-maps-graphs section" }, async () => {
    const o = await openOffline(browser, notebookPage(nb!, { mode: "lab" }), { name: "geomap-notebook" });
    try {
      const maps = o.page.locator(".hl-view-geo-map");
      assert.ok((await maps.count()) >= 2, "the notebook shows at least two maps");
      await o.page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view-geo-map")).every((r) => r.getAttribute("data-hl-live") === "1"), null, { timeout: 30000 });
      assert.equal(await maps.first().locator(".hl-view-live").getAttribute("data-marker-count"), "86");
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });
});
