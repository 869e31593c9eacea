/**
 * The lab's rich outputs as JupyterLab renders them, exercised with the mouse
 * and keyboard: each function works one view the way a person would and
 * returns what it saw, for the tests to assert on. Selectors and view APIs are
 * the ones test/browser/*.browser.test.ts use outside JupyterLab.
 */
import type { Locator, Page } from "playwright-core";
import { outputWith, settle } from "./labPage";

/** Views' roots (HtmlView kinds) in the lab notebook. */
export const VIEW = {
  queryBrowser: ".hl-view-query-browser",
  tiBrowser: ".hl-view-ti-browser",
  geoMap: ".hl-view-geo-map",
  entityGraph: ".hl-view-entity-graph",
  processTree: ".hl-view-process-tree",
  clusterBrowser: ".hl-view-cluster-browser",
} as const;

/** Live state of every huntlab view in the open notebook (`data-hl-live`: "1" live, "failed"; "waiting" when its script ran and it waits to come near the viewport; null when no script ran). */
export function viewStates(page: Page): Promise<{ kind: string; live: string | null }[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view")).flatMap((el) => {
      const kind = /\bhl-view-([a-z]+(?:-[a-z]+)*)\b/.exec(Array.from(el.classList).filter((c) => !["hl-view-auto", "hl-view-static", "hl-view-live"].includes(c)).join(" "))?.[1];
      return kind ? [{ kind, live: el.getAttribute("data-hl-live") ?? (el.hasAttribute("data-hl-waiting") ? "waiting" : null) }] : [];
    }),
  );
}

/**
 * Waits until every huntlab view with a live part has gone live (or failed). A view mounts only once it comes near
 * the viewport (src/vis/client/runtime.ts whenNear): each one waiting is scrolled to in turn, as a reader would.
 */
export async function waitViewsSettled(page: Page, timeout = 60_000): Promise<void> {
  // Looked up without waiting: scrolling to one view can bring the next ones near too, so a view counted as waiting
  // may have mounted before a locator reached it (a locator would then wait out its timeout).
  const waiting = ".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view[data-hl-waiting]";
  for (let root = await page.$(waiting); root; root = await page.$(waiting)) {
    // Scrolled to on each poll: cells laid out as they come into view, and views mounting, move it.
    await page.waitForFunction(
      (e) => {
        if (!e?.isConnected || !e.hasAttribute("data-hl-waiting")) return true;
        e.scrollIntoView({ block: "center" });
        return false;
      },
      root,
      { timeout, polling: 200 },
    );
  }
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view[data-hl-live]")).every((el) => ["1", "failed"].includes(el.getAttribute("data-hl-live") ?? "")),
    null,
    { timeout, polling: 500 },
  );
}

// ---------------------------------------------------------------- tables

export interface TableFacts {
  count: number;
  /** "N rows × M columns" lines under the tables. */
  shapes: string[];
  firstHeader: string[];
}

/** DataFrame tables (`.huntlab-df`) as JupyterLab shows them. */
export function tables(page: Page): Promise<TableFacts> {
  return page.evaluate(() => {
    const frames = Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .huntlab-df"));
    const first = frames[0];
    return {
      count: frames.length,
      shapes: frames.map((f) => f.querySelector("p.shape")?.textContent ?? ""),
      firstHeader: Array.from(first?.querySelectorAll("thead tr:first-child th") ?? [], (th) => th.textContent ?? "").filter(Boolean),
    };
  });
}

// ---------------------------------------------------------------- Vega-Lite

export interface VegaFacts {
  /** Outputs JupyterLab renders with its Vega-Lite 5 renderer. */
  outputs: number;
  /** Of those, drawn by vega-embed into a canvas or SVG with marks. */
  drawn: number;
}

export function vegaCharts(page: Page): Promise<VegaFacts> {
  return page.evaluate(() => {
    const outputs = Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output.jp-RenderedVegaLite"));
    const drawn = outputs.filter((o) => {
      const embed = o.querySelector(".vega-embed");
      const canvas = embed?.querySelector("canvas");
      return !!embed && ((canvas && canvas.width > 0) || embed.querySelectorAll("svg.marks .mark-symbol path, svg.marks .mark-line path, svg.marks .mark-rect path, svg.marks .mark-area path").length > 0);
    });
    return { outputs: outputs.length, drawn: drawn.length };
  });
}

/**
 * Hovers over the n-th chart's marks until vega's tooltip shows, and returns
 * its text. Points are found in the SVG's symbol marks, or, for a canvas, as
 * saturated pixels (data colours; axes and grid are grey).
 */
export async function vegaTooltip(page: Page, n = 0): Promise<string> {
  const output = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output.jp-RenderedVegaLite").nth(n);
  await settle(output);
  const points = await output.evaluate((o) => {
    const found: { x: number; y: number }[] = [];
    for (const path of Array.from(o.querySelectorAll("svg.marks .mark-symbol path, svg.marks .mark-rect path"))) {
      const r = path.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) found.push({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
      if (found.length >= 30) break;
    }
    const canvas = o.querySelector(".vega-embed canvas") as HTMLCanvasElement | null;
    if (!found.length && canvas) {
      const ctx = canvas.getContext("2d");
      const box = canvas.getBoundingClientRect();
      if (ctx && canvas.width > 0) {
        const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const coloured: { x: number; y: number }[] = [];
        for (let y = 0; y < height; y += 3) {
          for (let x = 0; x < width; x += 3) {
            const i = (y * width + x) * 4;
            const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
            if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured.push({ x: box.x + (x * box.width) / width, y: box.y + (y * box.height) / height });
          }
        }
        // Spread over the whole chart: the legend's swatches come first in reading order.
        const step = Math.max(1, Math.ceil(coloured.length / 30));
        for (let i = Math.floor(step / 2); i < coloured.length; i += step) found.push(coloured[i]);
      }
    }
    return found;
  });
  for (const p of points) {
    await page.mouse.move(p.x, p.y, { steps: 2 });
    const tip = page.locator("#vg-tooltip-element.visible, .vg-tooltip.visible").first();
    try {
      await tip.waitFor({ state: "visible", timeout: 1000 });
      return (await tip.textContent()) ?? "";
    } catch {
      /* try the next point */
    }
  }
  return "";
}

// ---------------------------------------------------------------- query browser

export interface ListFacts {
  options: string[];
  count: string | null;
  /** The details panel's key/heading after the action. */
  detail: string | null;
}

/** Types `needle` into the query browser's filter, then selects the last remaining query. */
export async function useQueryBrowser(page: Page, needle: string): Promise<{ before: ListFacts; filtered: ListFacts; selected: ListFacts; picked: string }> {
  const output = outputWith(page, VIEW.queryBrowser);
  await settle(output);
  const root = output.locator(VIEW.queryBrowser);
  const facts = (): Promise<ListFacts> =>
    root.evaluate((r) => ({
      options: Array.from(r.querySelector<HTMLSelectElement>(".hl-qb-list")?.options ?? [], (o) => o.textContent ?? ""),
      count: r.querySelector(".hl-qb-count")?.textContent ?? null,
      detail: r.querySelector(".hl-qb-panel .hl-qb-detail-key")?.textContent ?? null,
    }));
  const before = await facts();
  const filter = root.locator("input.hl-qb-filter");
  await filter.click();
  await filter.pressSequentially(needle, { delay: 20 });
  const filtered = await facts();
  const picked = filtered.options[filtered.options.length - 1] ?? "";
  await root.locator("select.hl-qb-list").selectOption({ label: picked });
  await root.locator(".hl-qb-panel .hl-qb-detail-key", { hasText: picked }).waitFor({ timeout: 5000 }).catch(() => undefined);
  return { before, filtered, selected: await facts(), picked };
}

// ---------------------------------------------------------------- TI browser

export interface TiFacts {
  options: string[];
  checked: string[];
  count: string | null;
  heading: string | null;
}

function tiFacts(root: Locator): Promise<TiFacts> {
  return root.evaluate((r) => ({
    options: Array.from(r.querySelector<HTMLSelectElement>(".hl-tib-list")?.options ?? [], (o) => o.textContent ?? ""),
    checked: Array.from(r.querySelectorAll<HTMLInputElement>(".hl-tib-sevbox"), (b) => (b.checked ? b.value : "")).filter(Boolean),
    count: r.querySelector(".hl-tib-count")?.textContent ?? null,
    heading: r.querySelector(".hl-tib-panel .hl-tib-head")?.textContent ?? null,
  }));
}

/** Picks the last indicator of the first TI browser, then clicks its severity check box `severity`. */
export async function useTiBrowser(page: Page, severity: string): Promise<{ before: TiFacts; picked: string; selected: TiFacts; toggled: TiFacts }> {
  const output = outputWith(page, VIEW.tiBrowser);
  await settle(output);
  const root = output.locator(VIEW.tiBrowser);
  const before = await tiFacts(root);
  const picked = before.options[before.options.length - 1] ?? "";
  await root.locator("select.hl-tib-list").selectOption({ label: picked });
  const selected = await tiFacts(root);
  await root.locator(`.hl-tib-sevbox[value="${severity}"]`).click();
  return { before, picked, selected, toggled: await tiFacts(root) };
}

// ---------------------------------------------------------------- map

/**
 * Clicks the first marker cluster of the first map — markercluster zooms in,
 * or fans the points out when they share a place — then a pin, and returns
 * the popup's text.
 */
export async function useMap(page: Page): Promise<{ clusters: number; reaction: "zoomed" | "spiderfied" | "none"; popup: string; addressLines: number }> {
  const output = outputWith(page, VIEW.geoMap);
  await settle(output);
  const live = output.locator(`${VIEW.geoMap} .hl-view-live`);
  const zoom = () => live.evaluate((el) => (el as unknown as { huntlabMap: { getZoom(): number } }).huntlabMap.getZoom());
  const clusters = await output.locator(".marker-cluster").count();
  let reaction: "zoomed" | "spiderfied" | "none" = "none";
  if (clusters) {
    const zoomBefore = await zoom();
    // Points inside a cluster are not in the marker pane; spread out, they are.
    const pinsBefore = await output.locator(".leaflet-marker-pane .hl-geo-pin").count();
    await output.locator(".marker-cluster").first().click();
    const deadline = Date.now() + 10_000;
    while (reaction === "none" && Date.now() < deadline) {
      if ((await zoom()) > zoomBefore) reaction = "zoomed";
      else if ((await output.locator(".leaflet-marker-pane .hl-geo-pin").count()) > pinsBefore) reaction = "spiderfied";
      else await page.waitForTimeout(200);
    }
    // Let the animation end before clicking a pin.
    await page.waitForTimeout(800);
  }
  const pins = output.locator(".leaflet-marker-pane .hl-geo-pin");
  let popup = "";
  let addressLines = 0;
  const total = await pins.count();
  for (let i = 0; i < total && !popup; i++) {
    const pin = pins.nth(i);
    if (!(await pin.isVisible())) continue;
    await pin.click({ force: true });
    const content = output.locator(".leaflet-popup-content").last();
    try {
      await content.waitFor({ state: "visible", timeout: 3000 });
      popup = (await content.textContent()) ?? "";
      // Line boxes of the address's value: a short address should take one.
      addressLines = await content.evaluate((c) => {
        const cell = c.querySelector("tr td, tr > :nth-child(2)");
        if (!cell) return 0;
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
      });
    } catch {
      /* a pin under another; try the next */
    }
  }
  return { clusters, reaction, popup, addressLines };
}

// ---------------------------------------------------------------- process tree

/** Double-clicks the first process with children (folds its subtree), then again (unfolds); clicks a process for its details. */
export async function useProcessTree(page: Page): Promise<{ visible: number; folded: number; unfolded: number; details: string; selectedRow: number }> {
  const output = outputWith(page, VIEW.processTree);
  await settle(output);
  const live = output.locator(`${VIEW.processTree} .hl-view-live`);
  const visible = async () => Number(await live.getAttribute("data-visible-nodes"));
  /** Screen point of the first node with children (or of node `id`). */
  const point = (id?: string) =>
    output.locator(VIEW.processTree).evaluate((root, wanted) => {
      const api = (root as unknown as { huntlabProcessTree: { cy: { nodes(): { filter(f: (x: { id(): string; outgoers(s: string): { length: number } }) => boolean): { first(): { id(): string; renderedPosition(): { x: number; y: number } } } } } } }).huntlabProcessTree;
      const node = api.cy.nodes().filter((x) => (wanted ? x.id() === wanted : x.outgoers("node").length > 0)).first();
      const box = (root.querySelector(".hl-pt-cy") as HTMLElement).getBoundingClientRect();
      const p = node.renderedPosition();
      return { x: box.x + p.x, y: box.y + p.y, id: node.id() };
    }, id);
  const before = await visible();
  let p = await point();
  await page.mouse.dblclick(p.x, p.y);
  await page.waitForFunction((n) => Number(document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view-process-tree .hl-view-live")?.getAttribute("data-visible-nodes")) < n, before, { timeout: 10_000, polling: 50 }).catch(() => undefined);
  const folded = await visible();
  p = await point(p.id);
  await page.mouse.dblclick(p.x, p.y);
  await page.waitForFunction((n) => Number(document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view-process-tree .hl-view-live")?.getAttribute("data-visible-nodes")) === n, before, { timeout: 10_000, polling: 50 }).catch(() => undefined);
  const unfolded = await visible();
  p = await point(p.id);
  await page.mouse.click(p.x, p.y);
  await output.locator(".hl-pt-table tr.hl-pt-selected").first().waitFor({ timeout: 5000 }).catch(() => undefined);
  const details = (await output.locator(".hl-pt-details").textContent()) ?? "";
  const selectedRow = await output.locator(".hl-pt-table tr.hl-pt-selected").count();
  return { visible: before, folded, unfolded, details, selectedRow };
}

// ---------------------------------------------------------------- entity graph

/** Taps (clicks) the first node of the first entity graph where Cytoscape drew it; returns the details panel's heading. */
export async function useEntityGraph(page: Page): Promise<{ nodes: number; tapped: string; selected: string | null; heading: string }> {
  const output = outputWith(page, VIEW.entityGraph);
  await settle(output);
  const live = output.locator(`${VIEW.entityGraph} .hl-view-live`);
  const target = await live.evaluate((el) => {
    const cy = (el as unknown as { huntlabCy: { nodes(): { length: number; filter(f: (n: { visible(): boolean }) => boolean): { first(): { id(): string; renderedPosition(): { x: number; y: number } } } }; container(): HTMLElement } }).huntlabCy;
    const node = cy.nodes().filter((n) => n.visible()).first();
    const box = cy.container().getBoundingClientRect();
    const pos = node.renderedPosition();
    return { id: node.id(), x: box.left + pos.x, y: box.top + pos.y, nodes: cy.nodes().length };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((id) => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view-entity-graph .hl-view-live")?.getAttribute("data-selected") === id, target.id, { timeout: 5000, polling: 50 }).catch(() => undefined);
  return {
    nodes: target.nodes,
    tapped: target.id,
    selected: await live.getAttribute("data-selected"),
    heading: (await output.locator(".hl-eg-details h4").first().textContent().catch(() => null)) ?? "",
  };
}

// ---------------------------------------------------------------- cluster browser

/** Picks the second session in the cluster browser; returns the rows of the panel's table before and after. */
export async function useClusterBrowser(page: Page): Promise<{ options: number; before: number; after: number; label: string }> {
  const output = outputWith(page, VIEW.clusterBrowser);
  await settle(output);
  const list = output.locator("select.hl-cb-list");
  const options = await list.locator("option").allTextContents();
  const rows = () => output.locator(".hl-cb-panel table tbody tr").count();
  const before = await rows();
  const index = options.length > 1 ? 1 : 0;
  await list.selectOption(String(index));
  return { options: options.length, before, after: await rows(), label: options[index] ?? "" };
}
