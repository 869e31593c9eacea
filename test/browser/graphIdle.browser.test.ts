/**
 * Idle graphs cost nothing: Cytoscape's render loop asked for an animation
 * frame in every frame for as long as a graph existed (~57 callbacks a second
 * per graph here; a page of 6 entity graphs kept 0.10 of a core busy), so
 * src/vis/client/renderLoop.ts lets it sleep while nothing changes. Counts
 * animation-frame callbacks of an idle page (work, not time), then checks that
 * a sleeping graph still draws a viewport change, answers a real click and runs
 * an animation to its end, and sleeps again afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { EntityGraph } from "../../src/vis/entityGraph";
import { chromiumMissing, openOffline, mountViews } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();
const GRAPHS = 3;

type Cy = {
  zoom(z?: number): number;
  on(events: string, fn: () => void): void;
  getElementById(id: string): { renderedPosition(): { x: number; y: number } };
  container(): HTMLElement;
  delay(ms: number): void;
  animate(options: object): void;
};
type Win = Window & { __frames: number; __renders: number[] };

/** Counts every animation-frame callback the page runs from now on, and each graph's `render` events. */
async function countFrames(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as Win;
    w.__frames = 0;
    const real = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (fn) =>
      real((t) => {
        w.__frames++;
        fn(t);
      });
    const graphs = Array.from(document.querySelectorAll(".hl-view-entity-graph .hl-view-live")) as unknown as { huntlabCy: Cy }[];
    w.__renders = graphs.map(() => 0);
    graphs.forEach((g, i) => g.huntlabCy.on("render", () => w.__renders[i]++));
  });
}

/** Animation-frame callbacks run over `ms` of an untouched page. */
async function framesOver(p: Page, ms: number): Promise<number> {
  const start = await p.evaluate(() => (window as unknown as Win).__frames);
  await p.waitForTimeout(ms);
  return (await p.evaluate(() => (window as unknown as Win).__frames)) - start;
}

describe("Idle Cytoscape graphs in Chromium (offline)", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it(`a page of ${GRAPHS} entity graphs runs no animation frames while idle, and wakes for zoom, click and animation`, async () => {
    const alerts = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
    const html = Array.from({ length: GRAPHS }, () => new EntityGraph(alerts).plot().toView().toHtml()).join("\n");
    const o = await openOffline(browser, `<!doctype html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`, {
      name: "graph-idle",
      viewport: { width: 1200, height: 900 },
    });
    const p = o.page;
    try {
      await mountViews(p);
      await p.waitForFunction((n) => document.querySelectorAll('.hl-view-entity-graph[data-hl-live="1"]').length === n, GRAPHS, { timeout: 30000 });
      await countFrames(p);
      // Let layout, label and texture-cache work finish; the old loop ran ~57 callbacks a second per graph from here on.
      await p.waitForTimeout(1500);
      const idle = await framesOver(p, 3000);
      assert.ok(idle <= 10, `${idle} animation-frame callbacks in 3 s of an idle page of ${GRAPHS} graphs`);

      // A viewport change on a sleeping graph is drawn.
      const renders = await p.evaluate(() => (window as unknown as Win).__renders[0]);
      await p.evaluate(() => {
        const cy = (document.querySelector(".hl-view-entity-graph .hl-view-live") as unknown as { huntlabCy: Cy }).huntlabCy;
        cy.zoom(cy.zoom() * 1.2);
      });
      await p.waitForFunction((n) => (window as unknown as Win).__renders[0] > n, renders, { timeout: 10000 });

      // A real click on a node of a sleeping graph selects it.
      await p.waitForTimeout(1500);
      const point = await p.evaluate(() => {
        const cy = (document.querySelector(".hl-view-entity-graph .hl-view-live") as unknown as { huntlabCy: Cy }).huntlabCy;
        const pos = cy.getElementById("host:msticalertswin1").renderedPosition();
        const box = cy.container().getBoundingClientRect();
        return { x: box.left + pos.x, y: box.top + pos.y };
      });
      await p.mouse.click(point.x, point.y);
      await p.waitForFunction(() => document.querySelector(".hl-view-entity-graph .hl-view-live")?.getAttribute("data-selected") === "host:msticalertswin1", null, { timeout: 10000 });

      // An animation started on a sleeping graph (after a delay that draws nothing) runs to its end.
      await p.waitForTimeout(1500);
      const target = await p.evaluate(() => {
        const cy = (document.querySelectorAll(".hl-view-entity-graph .hl-view-live")[1] as unknown as { huntlabCy: Cy }).huntlabCy;
        const z = cy.zoom() * 0.8;
        cy.delay(300);
        cy.animate({ zoom: z, duration: 200 });
        return z;
      });
      await p.waitForFunction((z) => {
        const cy = (document.querySelectorAll(".hl-view-entity-graph .hl-view-live")[1] as unknown as { huntlabCy: Cy }).huntlabCy;
        return Math.abs(cy.zoom() - z) < 1e-9;
      }, target, { timeout: 10000 });

      // And then it sleeps again.
      await p.waitForTimeout(1500);
      const after = await framesOver(p, 3000);
      assert.ok(after <= 10, `${after} animation-frame callbacks in 3 s after the interactions`);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });
});
