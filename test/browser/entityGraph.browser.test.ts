/**
 * Alert entity graphs in real Chromium with the network blocked: node and edge
 * counts, node details on selection, hostile alert names and entity fields,
 * the browser-side layout, the static fallback with scripts off, and the
 * graphs of the executed lab notebook.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { SecurityAlert } from "../../src/entities";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph, EntityGraph } from "../../src/vis/entityGraph";
import { chromiumMissing, launchChromium, openOffline } from "./chromium";
import { executedNotebook, notebookPage } from "./notebookPage";

const skip = chromiumMissing();

function page(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`;
}

async function live(p: Page): Promise<{ state: string | null; nodes: string | null; edges: string | null }> {
  await p.waitForFunction(() => {
    const s = document.querySelector(".hl-view-entity-graph")?.getAttribute("data-hl-live");
    return s === "1" || s === "failed";
  }, null, { timeout: 30000 });
  const root = p.locator(".hl-view-entity-graph").first();
  const container = root.locator(".hl-view-live");
  return {
    state: await root.getAttribute("data-hl-live"),
    nodes: (await container.count()) ? await container.getAttribute("data-node-count") : null,
    edges: (await container.count()) ? await container.getAttribute("data-edge-count") : null,
  };
}

/** Clicks a node where Cytoscape drew it (a real mouse click on the canvas). */
async function clickNode(p: Page, id: string): Promise<void> {
  const point = await p.evaluate((nodeId) => {
    const c = document.querySelector(".hl-view-entity-graph .hl-view-live") as unknown as {
      huntlabCy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } }; container(): HTMLElement };
    };
    const cy = c.huntlabCy;
    const pos = cy.getElementById(nodeId).renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + pos.x, y: box.top + pos.y };
  }, id);
  await p.mouse.click(point.x, point.y);
}

describe("Entity graphs in Chromium (offline)", { skip }, () => {
  let browser: Browser;
  let alerts: pl.DataFrame;
  before(async () => {
    browser = await launchChromium();
    alerts = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
  });
  after(async () => {
    await browser?.close();
  });

  it("EntityGraph of the lab's alerts: 81 nodes and 156 edges, details on selection", async () => {
    const eg = new EntityGraph(alerts);
    const o = await openOffline(browser, page(eg.plot().toView().toHtml()), { name: "entitygraph-lab" });
    try {
      const s = await live(o.page);
      assert.equal(s.state, "1", (await o.page.locator(".hl-view-message").allTextContents()).join(" "));
      assert.deepEqual([s.nodes, s.edges], ["81", "156"]);
      assert.deepEqual([s.nodes, s.edges], [String(eg.nodeCount), String(eg.edgeCount)]);
      // Legend lists every type with its count.
      const legend = await o.page.locator(".hl-eg-legend-item").allTextContents();
      assert.ok(legend.includes("alert (44)") && legend.includes("host (2)"), legend.join(", "));
      await clickNode(o.page, "host:msticalertswin1");
      await o.page.waitForFunction(() => document.querySelector(".hl-view-entity-graph .hl-view-live")?.getAttribute("data-selected") === "host:msticalertswin1");
      assert.equal((await o.page.locator(".hl-eg-details h4").textContent())?.toLowerCase(), "msticalertswin1");
      const rows = await o.page.locator(".hl-eg-details th").allTextContents();
      assert.ok(rows.includes("HostName") && rows.includes("type"), rows.join(","));
      // The timeline strip has one dot per alert with a time.
      assert.ok((await o.page.locator(".hl-eg-tl-dot").count()) >= 41);
      assert.deepEqual(o.blocked, []);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  });

  it("the seed's alert graph (first alert + related alerts): 38 nodes, 83 edges", async () => {
    const graph = addRelatedAlerts(alerts, createAlertGraph(new SecurityAlert(alerts, 0)));
    const o = await openOffline(browser, page(drawAlertEntityGraph(graph, { width: 15 }).toView().toHtml()), { name: "entitygraph-related" });
    try {
      const s = await live(o.page);
      assert.deepEqual([s.state, s.nodes, s.edges], ["1", "38", "83"]);
      await clickNode(o.page, "ip:23.97.60.214");
      await o.page.waitForFunction(() => document.querySelector(".hl-view-entity-graph .hl-view-live")?.getAttribute("data-selected") === "ip:23.97.60.214");
      assert.equal(await o.page.locator(".hl-eg-details h4").textContent(), "23.97.60.214");
    } finally {
      await o.close();
    }
  });

  it("lays the graph out in the browser on request", async () => {
    const view = new EntityGraph(alerts).plot({ layout: "browser" });
    const o = await openOffline(browser, page(view.toView().toHtml()), { name: "entitygraph-browser-layout" });
    try {
      const s = await live(o.page);
      assert.deepEqual([s.state, s.nodes, s.edges], ["1", "81", "156"]);
      const spread = await o.page.evaluate(() => {
        const c = document.querySelector(".hl-view-entity-graph .hl-view-live") as unknown as { huntlabCy: { nodes(): { boundingBox(): { w: number; h: number } } } };
        const bb = c.huntlabCy.nodes().boundingBox();
        return bb.w * bb.h;
      });
      assert.ok(spread > 10000, `nodes are spread out: ${spread}`);
    } finally {
      await o.close();
    }
  });

  it("runs nothing from hostile alert names, descriptions and entity fields", async () => {
    const payload = `<img src=x onerror="window.__pwned=1;alert(1)"></script><script>window.__pwned=2;alert(2)</script>`;
    const entities = JSON.stringify([
      { $id: "2", HostName: `host${payload}`, Type: "host" },
      { $id: "3", Name: `acct${payload}`, NTDomain: payload, Host: { $ref: "2" }, Type: "account" },
      { $id: "4", Address: `10.0.0.1${payload}`, Type: "ip" },
      { $id: "5", Weird: payload, Type: `custom${payload}` },
    ]);
    const df = pl.DataFrame({
      SystemAlertId: ["id-1", "id-2"],
      AlertDisplayName: [payload, `second ${payload}`],
      AlertName: ["a", "b"],
      Severity: ["High", payload],
      Description: [payload, payload],
      StartTimeUtc: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-02T00:00:00Z")],
      Entities: [entities, entities],
      ExtendedProperties: [JSON.stringify({ k: payload }), "{}"],
    });
    const eg = new EntityGraph(df);
    const html = page(eg.plot({ title: payload }).toView().toHtml());
    const o = await openOffline(browser, html, { name: "entitygraph-xss" });
    try {
      const s = await live(o.page);
      assert.deepEqual([s.state, s.nodes, s.edges], ["1", String(eg.nodeCount), String(eg.edgeCount)]);
      for (const node of eg.graph.nodes) {
        await clickNode(o.page, node.id);
        await o.page.waitForFunction((id) => document.querySelector(".hl-view-entity-graph .hl-view-live")?.getAttribute("data-selected") === id, node.id);
        assert.equal(await o.page.locator(".hl-eg-details h4").textContent(), node.label);
      }
      await o.page.locator(".hl-eg-tl-dot").first().click();
      assert.equal(await o.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(o.dialogs, []);
      assert.equal(await o.page.locator("img[src=x]").count(), 0);
      assert.equal(await o.page.locator(".hl-view-title").textContent(), payload);
    } finally {
      await o.close();
    }
  });

  it("shows the static image of the same graph when scripts are off", async () => {
    const view = new EntityGraph(alerts).plot();
    const o = await openOffline(browser, page(view.toView().toHtml()), { name: "entitygraph-static", javaScriptEnabled: false });
    try {
      const img = o.page.locator(".hl-view-static img");
      assert.ok(await img.isVisible());
      assert.ok((await img.evaluate((i: HTMLImageElement) => i.naturalWidth)) >= 800);
      assert.match((await img.getAttribute("alt")) ?? "", /81 nodes, 156 edges/);
      assert.match((await o.page.locator(".hl-eg-static-list summary").textContent()) ?? "", /Nodes \(81\)/);
    } finally {
      await o.close();
    }
  });

  const nb = executedNotebook();
  const hasSection = nb?.cells.some((c) => c.metadata?.huntlab_section === "vis-maps-graphs") ?? false;
  it("the executed notebook's graphs go live with the pinned counts", { skip: hasSection ? false : "no executed notebook with the vis-maps-graphs section" }, async () => {
    const o = await openOffline(browser, notebookPage(nb!, { mode: "lab" }), { name: "entitygraph-notebook" });
    try {
      await o.page.waitForFunction(() => {
        const all = Array.from(document.querySelectorAll(".hl-view-entity-graph"));
        return all.length >= 2 && all.every((r) => r.getAttribute("data-hl-live") === "1");
      }, null, { timeout: 30000 });
      const counts = await o.page.locator(".hl-view-entity-graph .hl-view-live").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-node-count")}/${e.getAttribute("data-edge-count")}`));
      assert.ok(counts.includes("38/83"), counts.join(" "));
      assert.ok(counts.includes("81/156"), counts.join(" "));
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });

  it("the executed notebook's maps and graphs show their static images where scripts are stripped", { skip: hasSection ? false : "no executed notebook with the vis-maps-graphs section" }, async () => {
    const o = await openOffline(browser, notebookPage(nb!, { mode: "sanitized" }), { name: "maps-graphs-sanitized" });
    try {
      const images = o.page.locator(".hl-view-geo-map .hl-view-static img, .hl-view-entity-graph .hl-view-static img");
      assert.ok((await images.count()) >= 5, `static images: ${await images.count()}`);
      for (const img of await images.all()) {
        assert.ok(await img.isVisible());
        assert.ok((await img.evaluate((i: HTMLImageElement) => i.naturalWidth)) > 0);
      }
      assert.deepEqual(o.blocked, []);
    } finally {
      await o.close();
    }
  });
});
