/**
 * Views look the same inside JupyterLab, whose rendered-HTML rules
 * (`.jp-RenderedHTMLCommon table/td/th/tr`: fixed layout, right-aligned cells,
 * padding, `white-space: normal`, zebra rows) reach every table an output
 * draws: the map's popup is measured in a page with those rules and in one
 * without, and must come out the same — as wide, left-aligned, unpadded, no
 * zebra rows.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { GeoLocation, Ip } from "../../src/entities";
import { GeoMap } from "../../src/vis/geoMap";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { jupyterlabOutputPage, plainOutputPage } from "./fixtures/jupyterlabRendermime";

const skip = chromiumMissing();

/** One address with long popup values (a user principal name, a command line). */
function mapHtml(): string {
  const ip = new Ip({ Address: "198.51.100.7", Location: new GeoLocation({ Latitude: 48.85, Longitude: 2.35, City: "Paris", CountryCode: "FR" }) });
  Object.assign(ip.AdditionalData, {
    UserPrincipalName: "maya.lindqvist-okonkwo@contoso.example.com",
    CommandLine: "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Users\\maya\\AppData\\Local\\Temp\\update.ps1",
  });
  return new GeoMap({ zoomStart: 2, location: [40, 0] }).addIpCluster([ip], { color: "red" }).toView().toHtml();
}

interface PopupLook {
  width: number;
  height: number;
  cells: { tag: string; align: string; padding: string; whiteSpace: string; width: number }[];
  rowBackgrounds: string[];
  tableLayout: string;
  tableMargin: string;
}

async function openPopup(p: Page): Promise<PopupLook> {
  await p.waitForFunction(() => document.querySelector(".hl-view-geo-map")?.getAttribute("data-hl-live") === "1", null, { timeout: 20_000 });
  await p.locator(".leaflet-marker-pane .hl-geo-pin").first().click();
  const popup = p.locator(".leaflet-popup-content").last();
  await popup.waitFor({ timeout: 5000 });
  // Away from the popup, so no row is hovered.
  await p.mouse.move(1, 1);
  return popup.evaluate((el) => {
    const table = el.querySelector("table.hl-geo-popup")!;
    const cs = getComputedStyle(table);
    return {
      width: el.getBoundingClientRect().width,
      height: el.getBoundingClientRect().height,
      cells: Array.from(table.querySelectorAll("th,td")).map((c) => {
        const s = getComputedStyle(c);
        return { tag: c.tagName, align: s.textAlign, padding: s.padding, whiteSpace: s.whiteSpace, width: Math.round(c.getBoundingClientRect().width) };
      }),
      rowBackgrounds: Array.from(table.querySelectorAll("tr")).map((r) => getComputedStyle(r).backgroundColor),
      tableLayout: cs.tableLayout,
      tableMargin: cs.margin,
    };
  });
}

describe("views under JupyterLab's rendered-HTML CSS", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("the map's popup is as wide and looks as it does without JupyterLab's table rules", async () => {
    const html = mapHtml();
    const plain = await openOffline(browser, plainOutputPage(html), { name: "geomap-popup-plain", viewport: { width: 1000, height: 700 } });
    const lab = await openOffline(browser, jupyterlabOutputPage(html), { name: "geomap-popup-jupyterlab", viewport: { width: 1000, height: 700 } });
    try {
      const own = await openPopup(plain.page);
      const inLab = await openPopup(lab.page);
      assert.ok(own.width >= 250, `the popup's own width: ${own.width}px`);
      assert.ok(Math.abs(inLab.width - own.width) <= 2, `popup width in JupyterLab ${inLab.width}px, on its own ${own.width}px`);
      assert.ok(Math.abs(inLab.height - own.height) <= 2, `popup height in JupyterLab ${inLab.height}px, on its own ${own.height}px`);
      assert.deepEqual(inLab.cells, own.cells, "cells: alignment, padding, wrapping and widths");
      assert.ok(inLab.cells.every((c) => c.align === "left" || c.align === "start"), JSON.stringify(inLab.cells));
      assert.deepEqual(inLab.rowBackgrounds, own.rowBackgrounds, "no zebra rows");
      assert.equal(inLab.tableLayout, "auto");
      assert.deepEqual([lab.errors, plain.errors, lab.blocked], [[], [], []]);
    } finally {
      await plain.close();
      await lab.close();
    }
  });
});
