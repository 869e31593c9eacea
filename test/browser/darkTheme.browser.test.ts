/**
 * Outputs stay readable under JupyterLab Dark (and Light, and front ends
 * without JupyterLab's variables): every view, built from the lab's data, is
 * hosted in a page that defines the theme's variables; after mounting it (and
 * opening what a user opens: a query, an indicator, a cluster, a process, a
 * node, a map popup and tooltip), every visible text of the output must reach
 * a WCAG contrast of 4.5:1 against what is behind it, computed from
 * getComputedStyle (colours, translucent backgrounds and opacity composited).
 * Canvas-drawn labels (Cytoscape) are checked from the graph's own style, and
 * the process tree's selected row on its own. Under JupyterLab's themes the
 * output is hosted with JupyterLab's rendered-HTML rules (zebra table rows…).
 * One page per theme hosts every view, each in an output of its own (as a
 * notebook shows them): 4 pages, not 48, each view's checks scoped to its output.
 * Screenshots of the dark outputs go to test-results/dark-theme/.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { chromiumMissing, mountViews, openOffline, type OfflinePage } from "./chromium";
import { describeLow, KEEP_NAMES, measureContrast, MIN_CONTRAST } from "./contrast";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { JUPYTERLAB_DARK, JUPYTERLAB_LIGHT, PLAIN_DARK, PLAIN_LIGHT, themedPage, type PageTheme } from "./fixtures/jupyterlabThemes";
import { jupyterlabOutputPage } from "./fixtures/jupyterlabRendermime";
import { THEME_VIEW_NAMES as VIEW_NAMES, themeViews, type ThemeView } from "./fixtures/themeViews";

/**
 * Where the views' screenshots under JupyterLab Dark go, for a person to look at: HUNTLAB_BROWSER_ARTIFACTS/dark-theme
 * when that is set (as chromium.ts's debugScreenshot), else none are taken: no check reads them, and the twelve cost
 * ~2 s of CPU a run (each a raster of the output and a PNG).
 */
const SHOTS = process.env.HUNTLAB_BROWSER_ARTIFACTS ? resolve(process.env.HUNTLAB_BROWSER_ARTIFACTS, "dark-theme") : undefined;

/** The selector of output `k` of a theme page (see `outputDivs`). */
const outputOf = (k: number): string => `.output[data-output="${k}"]`;

/** What a user opens in each view (in the output `scope`) before looking at it. */
async function interact(o: OfflinePage, view: ThemeView, scope: string): Promise<void> {
  const p = o.page;
  const output: Locator = p.locator(scope);
  const pickFirst = async (list: string) => {
    await p.evaluate((sel) => {
      const s = document.querySelector<HTMLSelectElement>(sel)!;
      s.selectedIndex = 0;
      s.dispatchEvent(new Event("change", { bubbles: true }));
      s.focus();
    }, `${scope} ${list}`);
  };
  switch (view.name) {
    case "query-browser":
      return pickFirst(".hl-qb-list");
    case "ti-browser":
      return pickFirst(".hl-tib-list");
    case "cluster-browser":
      return pickFirst(".hl-cb-list");
    case "process-tree":
      await output.locator(".hl-pt-table tbody tr").first().click();
      return;
    case "entity-graph": {
      // The page holds other outputs: the output to the top of the window first (where a page of its own shows it), so
      // the node is under the mouse, and a frame for the graph to hear of the scroll (it caches where its canvas is).
      await p.evaluate(
        (scope) =>
          new Promise((resolve) => {
            document.querySelector(scope)!.scrollIntoView({ block: "start" });
            requestAnimationFrame(() => requestAnimationFrame(resolve));
          }),
        scope,
      );
      const point = await p.evaluate((scope) => {
        const c = document.querySelector(`${scope} .hl-view-entity-graph .hl-view-live`) as unknown as {
          huntlabCy: { nodes(): { first(): { renderedPosition(): { x: number; y: number } } }; container(): HTMLElement };
        };
        const pos = c.huntlabCy.nodes().first().renderedPosition();
        const box = c.huntlabCy.container().getBoundingClientRect();
        return { x: box.left + pos.x, y: box.top + pos.y };
      }, scope);
      await p.mouse.click(point.x, point.y);
      await p.waitForFunction((scope) => !!document.querySelector(`${scope} .hl-view-entity-graph .hl-view-live`)?.getAttribute("data-selected"), scope);
      return;
    }
    case "geo-map": {
      await p.waitForFunction((scope) => document.querySelector(`${scope} .hl-view-geo-map .hl-view-live`)?.getAttribute("data-markers-ready") === "1", scope, { timeout: 60_000 });
      // Pins overlap at world zoom: open a popup and a tooltip through Leaflet, as a click and a hover would.
      await p.evaluate(KEEP_NAMES);
      await p.evaluate((scope) => {
        type Pin = { hlSpot: number; openPopup(): void; openTooltip(): void };
        const map = (document.querySelector(`${scope} .hl-view-geo-map .hl-view-live`) as unknown as { huntlabMap: { eachLayer(f: (l: unknown) => void): void } }).huntlabMap;
        const pins: Pin[] = [];
        map.eachLayer((l) => {
          if (typeof l === "object" && l !== null && "hlSpot" in l) pins.push(l as Pin);
        });
        pins[0].openPopup();
        pins[pins.length - 1].openTooltip();
      }, scope);
      await output.locator(".leaflet-popup-content").first().waitFor({ timeout: 5000 });
      await output.locator(".leaflet-tooltip").first().waitFor({ timeout: 5000 });
      return;
    }
  }
}

/** The process tree's selected table row (in the output `scope`): its cells' colours, contrast, and another row's ground for comparison. */
async function selectedRowLook(page: Page, scope: string): Promise<{ color: string; background: string; otherBackground: string; ratio: number } | undefined> {
  await page.evaluate(KEEP_NAMES);
  return page.evaluate((scope) => {
    const cell = document.querySelector(`${scope} .hl-pt-table tr.hl-pt-selected td`);
    const other = document.querySelector(`${scope} .hl-pt-table tbody tr:not(.hl-pt-selected) td`);
    if (!cell || !other) return undefined;
    const probe = document.createElement("canvas").getContext("2d")!;
    const rgb = (v: string): number[] => {
      probe.fillStyle = v;
      const h = String(probe.fillStyle);
      return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    };
    const lum = (c: number[]) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    // The first opaque ground up from an element (the row's, its table's, the page's).
    const ground = (el: Element): string => {
      for (let n: Element | null = el; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") return bg;
      }
      return "rgb(255, 255, 255)";
    };
    const color = getComputedStyle(cell).color;
    const background = ground(cell);
    const [a, b] = [lum(rgb(color)), lum(rgb(background))];
    return { color, background, otherBackground: ground(other), ratio: Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100 };
  }, scope);
}

/** A focused element's ring: its outline colour, what it is drawn on, and their contrast (or why there is none to measure). */
interface FocusRing {
  /** The element was reached before: the Tab order went round. */
  again: boolean;
  what: string;
  outline: string;
  ground: string;
  ratio: number;
}

/**
 * The focus ring of the page's focused element: an outline drawn inside the element (a negative offset) is on the
 * element's own ground, else on its parent's; a ground is the first opaque background up the ancestors.
 */
async function focusRing(page: Page): Promise<FocusRing | undefined> {
  // The page's document was given KEEP_NAMES before the Tab loop: once, not once per key (a round trip each).
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || !el.closest(".output")) return undefined;
    const probe = document.createElement("canvas").getContext("2d")!;
    const rgb = (v: string): number[] => {
      probe.fillStyle = "#000";
      probe.fillStyle = v;
      const h = String(probe.fillStyle);
      if (h.startsWith("#")) return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      return (h.match(/[\d.]+/g) ?? ["0", "0", "0"]).slice(0, 3).map(Number);
    };
    const lum = (c: number[]) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    const ground = (from: Element | null): string => {
      for (let n: Element | null = from; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") return bg;
      }
      return "rgb(255, 255, 255)";
    };
    const again = el.hasAttribute("data-ring-seen");
    el.setAttribute("data-ring-seen", "");
    const style = getComputedStyle(el);
    const what = `${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").slice(0, 40)}"`;
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) === 0) return { again, what, outline: "none", ground: "", ratio: 0 };
    const on = ground(parseFloat(style.outlineOffset) < 0 ? el : el.parentElement);
    const [a, b] = [lum(rgb(style.outlineColor)), lum(rgb(on))];
    return { again, what, outline: style.outlineColor, ground: on, ratio: Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100 };
  });
}

/** Contrast of canvas-drawn labels and lines against the graph's ground (the graph of the output `scope`). */
async function graphPaint(o: OfflinePage, scope: string): Promise<{ label: number; edge: number } | undefined> {
  await o.page.evaluate(KEEP_NAMES);
  return o.page.evaluate((scope) => {
    const c = document.querySelector(`${scope} .hl-view-live`) as unknown as { huntlabCy?: { nodes(): { first(): { style(k: string): string } }; edges(): { first(): { style(k: string): string } } } } | null;
    const cy = c?.huntlabCy;
    if (!cy) return undefined;
    const probe = document.createElement("canvas").getContext("2d")!;
    const rgb = (v: string): number[] => {
      probe.fillStyle = v;
      const h = String(probe.fillStyle);
      return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    };
    const lum = (c: number[]) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    const ratio = (x: number[], y: number[]) => (Math.max(lum(x), lum(y)) + 0.05) / (Math.min(lum(x), lum(y)) + 0.05);
    // The ground behind the canvas: the first opaque background up from the graph's container.
    let ground = [255, 255, 255];
    for (let n: Element | null = document.querySelector(`${scope} .hl-view-live canvas`); n; n = n.parentElement) {
      const bg = getComputedStyle(n).backgroundColor;
      if (bg && bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") {
        ground = rgb(bg);
        break;
      }
    }
    const node = cy.nodes().first();
    return { label: ratio(rgb(node.style("color")), ground), edge: ratio(rgb(cy.edges().first().style("line-color")), ground) };
  }, scope);
}

/**
 * Known low-contrast texts, reported as TODO (with the reason) until fixed, so a
 * regression anywhere else still fails. None at present.
 */
const KNOWN: Record<string, { themes: PageTheme[]; why: string }> = {};

const missing = chromiumMissing();

describe("views under JupyterLab Dark, JupyterLab Light and plain pages", { skip: missing, timeout: 900_000 }, () => {
  let browser: Browser;
  let views: ThemeView[] = [];
  const built = (async () => {
    if (missing) return;
    browser = await sharedChromium();
    views = await themeViews();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  })();

  /**
   * The page of a theme: every view, one output each, opened by the theme's first
   * test and closed when the next theme's opens. (A page per view: 48 page loads and
   * teardowns, about 40% of the file's CPU.) Each view's state is its own: the other
   * outputs' clicks change only their outputs, and each test starts unhovered.
   */
  let themePage: { theme: PageTheme; opened: Promise<OfflinePage> } | undefined;
  function pageOf(theme: PageTheme): Promise<OfflinePage> {
    if (themePage?.theme === theme) return themePage.opened;
    const previous = themePage?.opened;
    // Under JupyterLab's themes, hosted as JupyterLab hosts outputs: its rendered-HTML table rules (zebra rows…) apply too.
    const jupyterlab = theme === JUPYTERLAB_DARK || theme === JUPYTERLAB_LIGHT;
    const htmls = views.map((v) => String(v.bundle["text/html"]));
    const opened = (async () => {
      await (await previous?.catch(() => undefined))?.close();
      const o = await openOffline(browser, jupyterlab ? jupyterlabOutputPage(htmls, theme) : themedPage(theme, htmls), { name: theme.name, viewport: { width: 1200, height: 900 } });
      await mountViews(o.page);
      return o;
    })();
    themePage = { theme, opened };
    return opened;
  }

  before(() => built);

  after(async () => {
    await (await themePage?.opened.catch(() => undefined))?.close();
    await releaseChromium(browser);
  });

  for (const theme of [JUPYTERLAB_DARK, JUPYTERLAB_LIGHT, PLAIN_LIGHT, PLAIN_DARK] satisfies PageTheme[]) {
    it(`${theme.name}: every focus ring in the views' Tab order reaches 3:1 on its ground`, async () => {
      const o = await pageOf(theme);
      const { page } = o;
      await page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view[data-hl-live]")).every((v) => ["1", "failed"].includes(v.getAttribute("data-hl-live") ?? "")), undefined, { timeout: 60_000 });
      await page.mouse.move(0, 0);
      // From the top of the page, by keyboard (rings are :focus-visible): every control of every view in turn.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.locator("body").focus();
      await page.evaluate(KEEP_NAMES);
      const rings: FocusRing[] = [];
      for (let k = 0; k < 150; k += 1) {
        await page.keyboard.press("Tab");
        const ring = await focusRing(page);
        if (!ring) continue;
        if (ring.again) break;
        rings.push(ring);
      }
      await page.evaluate(() => document.querySelectorAll("[data-ring-seen]").forEach((el) => el.removeAttribute("data-ring-seen")));
      assert.ok(rings.length >= 10, `controls reached: ${rings.length}`);
      const low = rings.filter((r) => r.ratio < 3).map((r) => `${r.what}: ${r.outline} on ${r.ground} ${r.ratio}:1`);
      assert.deepEqual(low, []);
    });
    for (const name of VIEW_NAMES) {
      const known = KNOWN[name]?.themes.includes(theme) ? KNOWN[name].why : undefined;
      it(`${theme.name}: ${name} text reaches ${MIN_CONTRAST}:1`, { todo: known }, async () => {
        const k = views.findIndex((v) => v.name === name);
        const view = views[k];
        assert.ok(view, `view ${name} built`);
        const jupyterlab = theme === JUPYTERLAB_DARK || theme === JUPYTERLAB_LIGHT;
        const o = await pageOf(theme);
        const scope = outputOf(k);
        // Unhovered, as a fresh page: the mouse off every output (an earlier view's clicks left it over the page).
        await o.page.mouse.move(0, 0);
        if (view.live) {
          await o.page.waitForFunction((scope) => ["1", "failed"].includes(document.querySelector(`${scope} .hl-view`)?.getAttribute("data-hl-live") ?? ""), scope, { timeout: 60_000 });
          assert.equal(await o.page.evaluate((scope) => document.querySelector(`${scope} .hl-view`)?.getAttribute("data-hl-live"), scope), "1", `${view.name} mounted`);
          await interact(o, view, scope);
        }
        await o.page.waitForTimeout(150);
        // Colours are read with opacity composited: a popup still fading in (Leaflet's 200 ms transition) reads as
        // faint text. Wait for the page's CSS transitions and finite animations to end (a warm, shared renderer
        // got here within the fade).
        await o.page.evaluate(`Promise.all(document.getAnimations().filter(function (a) { return a.effect && a.effect.getComputedTiming().endTime !== Infinity; }).map(function (a) { return a.finished.catch(function () {}); }))`);
        if (SHOTS && theme === JUPYTERLAB_DARK) await o.page.locator(scope).screenshot({ path: join(SHOTS, `${view.name}.png`) });
        const report = await measureContrast(o.page, scope);
        assert.ok(report.checked > 0, "no text checked");
        const problems = report.low.length ? [describeLow(report)] : [];
        const paint = await graphPaint(o, scope);
        if (paint && paint.label < MIN_CONTRAST) problems.push(`canvas labels ${paint.label.toFixed(2)}:1 on the graph's ground`);
        if (paint && paint.edge < 3) problems.push(`edges ${paint.edge.toFixed(2)}:1 on the graph's ground (3:1 for lines)`);
        if (view.name === "geo-map" && theme === JUPYTERLAB_DARK) {
          const sea = await o.page.evaluate((scope) => getComputedStyle(document.querySelector(`${scope} .leaflet-container`)!).backgroundColor, scope);
          assert.equal(sea, "rgb(17, 17, 17)", "the dark map's sea is the theme's ground");
        }
        if (view.name === "process-tree") {
          const row = await selectedRowLook(o.page, scope);
          assert.ok(row, "the clicked process's row is selected");
          if (row.ratio < MIN_CONTRAST) problems.push(`the selected row: ${row.ratio}:1 (${row.color} on ${row.background})`);
          assert.notEqual(row.background, row.otherBackground, "the selected row stands out from the others");
          if (jupyterlab) assert.equal(row.background, theme === JUPYTERLAB_DARK ? "rgb(25, 118, 210)" : "rgb(13, 71, 161)", "the selection is the theme's brand colour");
        }
        assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
        // The page's errors and requests, every view's: none may have any.
        assert.deepEqual(o.errors, [], "page errors");
        assert.deepEqual(o.blocked, [], "requests");
      });
    }
  }
});
