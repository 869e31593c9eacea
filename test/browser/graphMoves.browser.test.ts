/**
 * Two entity graphs in one notebook, and the output above the second cleared
 * (or re-rendered at another height): the second graph moves up on the page
 * with no scroll or resize. A click on one of its nodes must still select that
 * node — Cytoscape kept the old position and every click landed beside it —
 * and the first graph's selection must not change the other's.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { EntityGraph } from "../../src/vis/entityGraph";
import { chromiumMissing, openOffline, mountViews } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();
const HOST = "host:msticalertswin1";

/** Each graph's selected node, in page order. */
const selected = (p: Page) => p.evaluate(() => Array.from(document.querySelectorAll(".hl-view-entity-graph .hl-view-live")).map((c) => c.getAttribute("data-selected")));

/** A real mouse click where graph `index` draws node `id` now. */
async function clickNode(p: Page, index: number, id: string): Promise<void> {
  const point = await p.evaluate(
    ([i, nodeId]) => {
      const c = document.querySelectorAll(".hl-view-entity-graph .hl-view-live")[i] as unknown as { huntlabCy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } }; container(): HTMLElement } };
      const pos = c.huntlabCy.getElementById(nodeId).renderedPosition();
      const box = c.huntlabCy.container().getBoundingClientRect();
      return { x: box.left + pos.x, y: box.top + pos.y };
    },
    [index, id] as const,
  );
  await p.mouse.click(point.x, point.y);
}

describe("entity graphs after the page moves them", { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("an output above cleared: a click still selects the node under the mouse, in that graph only", async () => {
    const alerts = await readDataFile(path.join(LAB_DATA_DIR, "alerts_list.parquet"));
    const outputs = [0, 1, 2].map((i) => `<div id="out${i}" style="margin-bottom:40px">${new EntityGraph(alerts).plot().toView().toHtml()}</div>`).join("");
    const o = await openOffline(browser, `<!doctype html><html><head><meta charset="utf-8"></head><body>${outputs}</body></html>`, { name: "graph-moves", viewport: { width: 1300, height: 2400 } });
    try {
      await mountViews(o.page);
      await o.page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view-entity-graph")).every((r) => r.getAttribute("data-hl-live") === "1"), null, { timeout: 60_000 });
      await clickNode(o.page, 1, HOST);
      await o.page.waitForFunction(() => document.querySelectorAll(".hl-view-entity-graph .hl-view-live")[1]?.getAttribute("data-selected") !== null);
      assert.deepEqual(await selected(o.page), [null, HOST, null], "one graph's click selects in that graph only");
      // Clear the first output: the others move up, with no scroll or resize.
      await o.page.evaluate(() => document.getElementById("out0")?.remove());
      await clickNode(o.page, 1, HOST);
      await o.page.waitForFunction(() => document.querySelectorAll(".hl-view-entity-graph .hl-view-live")[1]?.getAttribute("data-selected") !== null, null, { timeout: 5_000 }).catch(() => undefined);
      assert.deepEqual(await selected(o.page), [HOST, HOST], "the click after the move missed its node");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });
});
