/**
 * Outputs that come and go as a notebook is used: a cell re-run replaces its
 * output, Clear Outputs empties it, a cell moved is taken out and put back, a
 * windowed notebook ("full" windowing) detaches cells scrolled out of view, and
 * the sidebar collapsed widens every output without a window resize.
 *
 * Cytoscape and Leaflet keep window listeners that hold their graph or map for as
 * long as the page lives: before src/vis/client/runtime.ts freed views whose output
 * left the page, each re-run of a graph, tree or map cell kept the old one (8 re-runs
 * of the lab's map: 8 maps, +22 MB of heap; of the entity graph: 58 canvases). What
 * is kept is counted after a forced garbage collection (Chromium's
 * `Runtime.queryObjects`), not timed. The map followed only window resizes: widened
 * from 500 to 1300 px it drew in its first 500 px and left the rest blank.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, CDPSession, Page } from "playwright-core";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { Ip, ipsFromDataFrame, GeoLocation } from "../../src/entities";
import { buildProcessTree } from "../../src/transform/processTree";
import { EntityGraph } from "../../src/vis/entityGraph";
import { GeoMap } from "../../src/vis/geoMap";
import { plotProcessTree } from "../../src/vis/processTree";
import { chromiumMissing, openOffline } from "./chromium";
import { KEEP_NAMES } from "./contrast";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();
const RUNS = 3;

/** A page with one output area, `#out`, as a notebook cell has. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="out" style="width:500px"></div><div id="elsewhere"></div></body></html>`;

/** Replaces the output area's content with `html`, its scripts run (as a front end renders an output), and waits for the view to mount. */
async function render(p: Page, html: string): Promise<void> {
  await p.evaluate((h) => {
    const out = document.getElementById("out")!;
    out.replaceChildren();
    const area = document.createElement("div");
    area.className = "output-area";
    area.appendChild(document.createRange().createContextualFragment(h));
    out.appendChild(area);
  }, html);
  await liveIn(p, "#out");
}

/** Waits until the view under `scope` is mounted. */
function liveIn(p: Page, scope: string): Promise<unknown> {
  return p.waitForFunction((s) => document.querySelector(`${s} [data-hl-live]`)?.getAttribute("data-hl-live") === "1", scope, { timeout: 60_000 });
}

/** Objects of a prototype (`HTMLCanvasElement.prototype`) the page still holds after a garbage collection, counted by `filter` (a function's source). */
async function heldObjects(cdp: CDPSession, [prototype, filter]: readonly [string, string]): Promise<number> {
  // One object group, released after: the handles it hands out would keep what they hold alive for the next count.
  const objectGroup = "hl-held";
  await cdp.send("HeapProfiler.collectGarbage");
  try {
    const { result } = await cdp.send("Runtime.evaluate", { expression: prototype, objectGroup });
    const { objects } = await cdp.send("Runtime.queryObjects", { prototypeObjectId: result.objectId!, objectGroup });
    const { result: n } = await cdp.send("Runtime.callFunctionOn", { objectId: objects.objectId!, functionDeclaration: `function(){return this.filter(${filter}).length}`, returnByValue: true, objectGroup });
    return n.value as number;
  } finally {
    await cdp.send("Runtime.releaseObjectGroup", { objectGroup });
  }
}

const CANVASES = ["HTMLCanvasElement.prototype", "(c) => !c.isConnected"] as const;
const MAPS = ["HTMLDivElement.prototype", "(d) => !d.isConnected && d.classList.contains('leaflet-container')"] as const;

describe("Outputs re-run, cleared, moved and resized (Chromium, offline)", { skip }, () => {
  let browser: Browser;
  const views: Record<string, string> = {};
  before(async () => {
    browser = await sharedChromium();
    const alerts = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
    views.graph = new EntityGraph(alerts).plot().toView().toHtml();
    const procs = await readDataFile(`${LAB_DATA_DIR}/process_tree.parquet`);
    views.tree = plotProcessTree(buildProcessTree(procs)).toHtml();
    const signins = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);
    const ips = ipsFromDataFrame(signins);
    views.map = new GeoMap({ title: "sign-ins" })
      .addIpCluster(ips)
      .addIps([new Ip({ Address: "131.107.147.209", Location: new GeoLocation({ City: "Redmond", CountryName: "United States", Latitude: 47.68, Longitude: -122.12 }) })], { layer: "one" })
      .centerMap()
      .toView()
      .toHtml();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  for (const [name, counted] of [
    ["graph", CANVASES],
    ["tree", CANVASES],
    ["map", MAPS],
  ] as const) {
    it(`a ${name} cell re-run ${RUNS} times and then cleared keeps no old ${name} alive`, async () => {
      const o = await openOffline(browser, PAGE, { name: `lifecycle-${name}`, viewport: { width: 1400, height: 900 } });
      const p = o.page;
      const cdp = await p.context().newCDPSession(p);
      try {
        await render(p, views[name]!);
        const one = await heldObjects(cdp, name === "map" ? ["HTMLDivElement.prototype", "(d) => d.classList.contains('leaflet-container')"] : ["HTMLCanvasElement.prototype", "() => true"]);
        assert.ok(one > 0, `one ${name} shows ${one} of the objects counted`);
        for (let i = 1; i < RUNS; i++) await render(p, views[name]!);
        await p.evaluate(() => document.getElementById("out")!.replaceChildren());
        // The observer runs after the removal; a round trip to the page lets it.
        await p.evaluate(() => new Promise((r) => setTimeout(r, 0)));
        // Cytoscape keeps its last instance's canvases (on-page and off-screen) in a module cache, whatever the runs: one view's worth at most.
        const allowed = name === "map" ? 0 : one;
        // A destroyed graph's last timers and frames may still hold it for a moment (seen: two views' worth, now and
        // then, under load): counted again after each collection until it is down or 15 s have passed. A view that
        // is never freed stays held however long this waits.
        let held = await heldObjects(cdp, counted);
        for (const until = Date.now() + 15_000; held > allowed && Date.now() < until; held = await heldObjects(cdp, counted)) {
          await p.evaluate(() => new Promise((r) => setTimeout(r, 250)));
        }
        assert.ok(held <= allowed, `${held} objects of old ${name}s held after ${RUNS} runs and a clear (one ${name} has ${one}; at most ${allowed})`);
        assert.deepEqual(o.errors, []);
      } finally {
        await cdp.detach();
        await o.close();
      }
    });
  }

  it("an output moved (taken out and put back at once) stays as it is; one detached and put back later mounts again", async () => {
    const o = await openOffline(browser, PAGE, { name: "lifecycle-move", viewport: { width: 1400, height: 900 } });
    const p = o.page;
    try {
      await render(p, views.graph!);
      await p.evaluate(KEEP_NAMES);
      // A cell moved: its output leaves and comes back within one task; the same graph stays, with its state.
      const same = await p.evaluate(async () => {
        const live = () => document.querySelector("#out .hl-view-live") as unknown as { huntlabCy: { destroyed(): boolean } };
        const before = live().huntlabCy;
        const area = document.querySelector("#out .output-area")!;
        document.getElementById("elsewhere")!.appendChild(area);
        document.getElementById("out")!.appendChild(area);
        await new Promise((r) => setTimeout(r, 0));
        return live().huntlabCy === before && !before.destroyed();
      });
      assert.equal(same, true, "a moved output kept its graph");
      // Detached ("full" windowing, a cell scrolled away): the graph is freed and its static form is back…
      const away = await p.evaluate(async () => {
        const area = document.querySelector("#out .output-area")!;
        const cy = (document.querySelector("#out .hl-view-live") as unknown as { huntlabCy: { destroyed(): boolean } }).huntlabCy;
        area.remove();
        await new Promise((r) => setTimeout(r, 0));
        (window as unknown as { __area: Element }).__area = area;
        const root = area.querySelector("[data-hl-live], .hl-view-entity-graph")!;
        return { destroyed: cy.destroyed(), state: root.getAttribute("data-hl-live"), live: area.querySelectorAll(".hl-view-live").length };
      });
      assert.deepEqual(away, { destroyed: true, state: null, live: 0 });
      // …and put back, it mounts again.
      await p.evaluate(() => document.getElementById("out")!.appendChild((window as unknown as { __area: Element }).__area));
      await liveIn(p, "#out");
      assert.equal(await p.locator("#out .hl-view-live").count(), 1);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });

  it("a map whose output widens without a window resize (the sidebar collapsed) fills its new width", async () => {
    const o = await openOffline(browser, PAGE, { name: "lifecycle-resize", viewport: { width: 1400, height: 900 } });
    const p = o.page;
    try {
      await render(p, views.map!);
      const size = () =>
        p.evaluate(() => {
          const live = document.querySelector("#out .hl-view-live") as unknown as HTMLElement & { huntlabMap: { getSize(): { x: number; y: number } } };
          return { map: live.huntlabMap.getSize().x, box: live.clientWidth };
        });
      const narrow = await size();
      assert.equal(narrow.map, narrow.box);
      await p.evaluate(() => (document.getElementById("out")!.style.width = "1300px"));
      await p.waitForFunction(
        () => {
          const live = document.querySelector("#out .hl-view-live") as unknown as HTMLElement & { huntlabMap: { getSize(): { x: number } } };
          return live.clientWidth > 1000 && live.huntlabMap.getSize().x === live.clientWidth;
        },
        null,
        { timeout: 10_000 },
      ).catch(() => undefined);
      const wide = await size();
      assert.ok(wide.box > 1000, `the output is ${wide.box} px wide`);
      assert.equal(wide.map, wide.box, `the map believes it is ${wide.map} px wide in a ${wide.box} px output`);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });
});
