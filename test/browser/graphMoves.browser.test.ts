/**
 * Two entity graphs in one notebook, and the output above the second cleared
 * (or re-rendered at another height): the second graph moves up on the page
 * with no scroll or resize. A click on one of its nodes must still select that
 * node — Cytoscape kept the old position and every click landed beside it —
 * and the first graph's selection must not change the other's. And a graph in
 * a notebook that scrolls in an element (JupyterLab, the classic Notebook) moved
 * under a pointer already inside it: the next hover must find its node.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { LAB_DATA_DIR } from "../../src/common/paths";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { EntityGraph } from "../../src/vis/entityGraph";
import { plotProcessTree } from "../../src/vis/processTree";
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

  it("a process tree scrolled in its notebook's element under the pointer: the next hover shows that node's tip", async () => {
    // The classic Notebook and JupyterLab scroll in an element, which Cytoscape does not watch: a table row scrolled
    // into view moved the tree under a pointer already inside it, and the next hover (no pointerenter, no press) was
    // mapped with the old position: no node, no tip (timelineProcessTree's fold test failed so now and then).
    const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);
    const names = ["cmd.exe", "whoami.exe", "net.exe", "ipconfig.exe", "hostname.exe"];
    const events = pl.DataFrame({
      EventID: names.map(() => 4688),
      TimeGenerated: names.map((_, i) => t(`10:00:0${i}`)),
      Computer: names.map(() => "h"),
      NewProcessId: names.map((_, i) => `0x${(i + 1) * 16}`),
      NewProcessName: names.map((n) => `C:\\Windows\\System32\\${n}`),
      ProcessId: names.map((_, i) => (i === 0 ? "0x1" : "0x10")),
      ParentProcessName: names.map((_, i) => (i === 0 ? "C:\\Windows\\explorer.exe" : "C:\\Windows\\System32\\cmd.exe")),
      CommandLine: names.map((n) => `${n} /all`),
      SubjectUserName: names.map(() => "alice"),
      SubjectLogonId: names.map(() => "0x1"),
    });
    const view = plotProcessTree(events, { showTable: true }).toHtml();
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"><div id="site" style="height:900px;overflow:auto"><div style="height:150px"></div>${view}<div style="height:3000px"></div></div></body></html>`;
    const o = await openOffline(browser, html, { name: "tree-scrolls-in-element", viewport: { width: 1300, height: 900 } });
    const point = (name: string) =>
      o.page.evaluate((n) => {
        const root = document.querySelector(".hl-view-process-tree") as unknown as { huntlabProcessTree: { cy: { nodes(): { filter(f: (x: { id(): string }) => boolean): { first(): { renderedPosition(): { x: number; y: number } } } } }; nodes: { n: string }[] } };
        const api = root.huntlabProcessTree;
        const p = api.cy.nodes().filter((x) => api.nodes[+x.id()]?.n === n).first().renderedPosition();
        const box = (document.querySelector(".hl-pt-cy") as HTMLElement).getBoundingClientRect();
        return { x: box.x + p.x, y: box.y + p.y };
      }, name);
    const tip = () => o.page.$eval(".hl-pt-tip", (e) => ((e as HTMLElement).style.display === "block" ? (e.textContent ?? "") : ""));
    try {
      await mountViews(o.page);
      await o.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 30_000 });
      const first = await point("whoami.exe");
      await o.page.mouse.move(first.x, first.y);
      await o.page.waitForFunction(() => (document.querySelector(".hl-pt-tip") as HTMLElement).style.display === "block");
      assert.match(await tip(), /whoami\.exe/);
      // The notebook's element scrolls by 120 px (not the window): the tree moves under the pointer, which stays inside it.
      await o.page.evaluate(() => {
        (document.getElementById("site") as HTMLElement).scrollTop = 120;
      });
      const next = await point("ipconfig.exe");
      await o.page.mouse.move(next.x, next.y);
      await o.page.waitForFunction(() => /ipconfig\.exe/.test(document.querySelector(".hl-pt-tip")?.textContent ?? ""), null, { timeout: 5_000 }).catch(() => undefined);
      assert.match(await tip(), /ipconfig\.exe/, "the hover after the scroll found no node (or another)");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });
});
