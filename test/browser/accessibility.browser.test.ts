/**
 * Keyboard and screen-reader access to the live views, in Chromium (WCAG 2.1 AA):
 * the canvas views (process tree, entity graph) and the map are reached with
 * Tab, named, show a focus ring, and are walked with the arrow keys, each move
 * said by a status line; the process tree's linked table is walked by rows;
 * the graph's and the map's data stay on the page as text beside the live view;
 * every control of the live outputs has an accessible name (Playwright's ARIA
 * snapshot); with `prefers-reduced-motion` the map does not animate; zoomed to
 * 200% the live views fit the window.
 * Contrast of texts: darkTheme.browser.test.ts; of process box labels: here (canvas) and test/vis/processTreeContrast.test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser, Page } from "playwright-core";
import { TIProgress } from "../../src/context/tiProgress";
import { toMimeBundle } from "../../src/display/display";
import { GeoLocation, Ip, SecurityAlert } from "../../src/entities";
import { QueryProvider } from "../../src/index";
import { buildProcessTree } from "../../src/transform/processTree";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { contrastRatio } from "../../src/vis/client/processTreeText";
import { drawAlertEntityGraph } from "../../src/vis/entityGraph";
import { GeoMap } from "../../src/vis/geoMap";
import { plotProcessTree } from "../../src/vis/processTree";
import { timeline } from "../../src/vis/timeline";
import { chromiumMissing, mountViews, openOffline, type OfflinePage } from "./chromium";
import { KEEP_NAMES } from "./contrast";
import { PLAIN_LIGHT, themedPage } from "./fixtures/jupyterlabThemes";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { vegaPage, waitReady } from "./vegaPage";

const skip = chromiumMissing();
const DATA = join(__dirname, "../../data");
const VIEWS = ["process-tree", "entity-graph", "geo-map", "query-browser", "ti-progress"] as const;
/** Of VIEWS, those with a live part (the others are static HTML). */
const LIVE_VIEWS = 4;
const scope = (name: (typeof VIEWS)[number]): string => `.output[data-output="${VIEWS.indexOf(name)}"]`;

/** The views, from the lab's data (as the notebook makes them). */
async function viewHtmls(): Promise<string[]> {
  const qp = new QueryProvider("LocalData", { dataPaths: [DATA], queryPaths: [DATA] });
  const procs = await qp.WindowsSecurity.get_process_tree();
  const alerts = await qp.SecurityAlert.list_alerts();
  const places: [string, string, number, number][] = [
    ["131.107.147.209", "Redmond", 47.68, -122.12],
    ["131.107.160.1", "Redmond", 47.68, -122.12],
    ["23.97.60.214", "Amsterdam", 52.37, 4.89],
    ["40.76.4.15", "Boydton", 36.67, -78.39],
  ];
  const ips = places.map(([Address, City, Latitude, Longitude]) => new Ip({ Address, Location: new GeoLocation({ City, Latitude, Longitude }) }));
  const views: unknown[] = [
    plotProcessTree(buildProcessTree(procs), { legendCol: "SubjectUserName", showTable: true }),
    drawAlertEntityGraph(addRelatedAlerts(alerts, createAlertGraph(new SecurityAlert(alerts, 0))), { width: 15 }),
    new GeoMap({ title: "Sign-ins" }).addIpCluster(ips).centerMap(),
    (qp as unknown as { browseQueries(): unknown }).browseQueries(),
  ];
  const progress = new TIProgress([{ name: "LocalTI", total: 3 }, { name: "GreyNoise", total: 3 }], 3, false);
  progress.record(0, { status: 0, result: true, severity: "high" }, false);
  return [...views, progress].map((v) => String(toMimeBundle(v)["text/html"]));
}

/** The focused element: its classes, role, name and outline. */
async function focused(page: Page): Promise<{ cls: string; role: string; label: string; outline: string; width: number }> {
  await page.evaluate(KEEP_NAMES);
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return { cls: String(el.className), role: el.getAttribute("role") ?? "", label: el.getAttribute("aria-label") ?? "", outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
}

/** A live output's attribute (`data-selected`, `data-visible-nodes`). */
function liveAttr(page: Page, where: string, name: string): Promise<string | null> {
  return page.locator(`${where} .hl-view-live`).getAttribute(name);
}

/** The text the view's status line (the screen reader's) holds now. */
function status(page: Page, where: string): Promise<string> {
  return page.locator(`${where} [role=status]`).innerText();
}

describe("keyboard and screen-reader access to the live views", { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let o: OfflinePage;
  before(async () => {
    browser = await sharedChromium();
    o = await openOffline(browser, themedPage(PLAIN_LIGHT, await viewHtmls()), { name: "a11y", viewport: { width: 1200, height: 900 } });
    await mountViews(o.page);
    await o.page.waitForFunction((n) => document.querySelectorAll('[data-hl-live="1"]').length === n, LIVE_VIEWS, { timeout: 60_000 });
  });
  after(async () => {
    await o?.close();
    await releaseChromium(browser);
  });

  it("process tree: Tab reaches the tree (named, with a focus ring); the arrow keys walk it, Enter folds, a status line says each process", async () => {
    const { page } = o;
    const where = scope("process-tree");
    await page.locator(`${where} .hl-pt-btn`).last().focus();
    await page.keyboard.press("Tab");
    const f = await focused(page);
    assert.match(f.cls, /hl-pt-cy/, "Tab after the toolbar reaches the tree");
    assert.equal(f.role, "application");
    assert.match(f.label, /^Process tree: \d+ of \d+ processes: arrow keys/);
    assert.ok(f.outline !== "none" && f.width >= 2, `focus ring: ${f.outline} ${f.width}px`);
    await page.evaluate(KEEP_NAMES);
    const nodes = await page.evaluate(
      (where) => (document.querySelector(where + " .hl-view") as unknown as { huntlabProcessTree: { nodes: { p: number; n: string; i: string }[] } }).huntlabProcessTree.nodes.map((n) => ({ p: n.p, n: n.n, i: n.i })),
      where,
    );
    const visible = Number(await liveAttr(page, where, "data-visible-nodes"));
    assert.equal(visible, nodes.length, "the lab's tree opens whole");
    const root = nodes.findIndex((n) => n.p < 0);
    const firstChild = nodes.findIndex((n) => n.p === root);
    await page.keyboard.press("ArrowDown");
    assert.equal(await liveAttr(page, where, "data-selected"), String(root), "the first key selects the first process");
    assert.match(await status(page, where), new RegExp(`^${nodes[root].n.replace(/[.\\$]/g, "\\$&")}, PID ${nodes[root].i}, level 1.*open`));
    await page.keyboard.press("ArrowDown");
    assert.equal(await liveAttr(page, where, "data-selected"), String(firstChild), "Down: the next in tree order, the first child");
    const hasKids = nodes.some((n) => n.p === firstChild);
    assert.ok(hasKids, "the lab's tree: the first child has children");
    await page.keyboard.press("ArrowLeft");
    assert.ok(Number(await liveAttr(page, where, "data-visible-nodes")) < visible, "Left on an open process closes it");
    assert.match(await status(page, where), /closed$/);
    await page.keyboard.press("ArrowRight");
    assert.equal(Number(await liveAttr(page, where, "data-visible-nodes")), visible, "Right on a closed process opens it");
    assert.match(await status(page, where), /open$/);
    await page.keyboard.press("End");
    const last = Number(await liveAttr(page, where, "data-selected"));
    assert.ok(last !== root && !nodes.some((n) => n.p === last), "End: the last visible process, a leaf");
    await page.keyboard.press("ArrowLeft");
    assert.equal(await liveAttr(page, where, "data-selected"), String(nodes[last].p), "Left on a leaf: its parent");
    await page.keyboard.press("Home");
    assert.equal(await liveAttr(page, where, "data-selected"), String(root), "Home: the first process");
    await page.keyboard.press("Enter");
    assert.ok(Number(await liveAttr(page, where, "data-visible-nodes")) < visible, "Enter closes the subtree");
    await page.keyboard.press(" ");
    assert.equal(Number(await liveAttr(page, where, "data-visible-nodes")), visible, "Space opens it again");
    await page.keyboard.press("ArrowRight");
    assert.equal(await liveAttr(page, where, "data-selected"), String(firstChild), "Right on an open process: its first child");
    assert.match(f.cls, /hl-pt-cy/);
    assert.match((await focused(page)).cls, /hl-pt-cy/, "the tree keeps the focus");
  });

  it("process tree: the selected box differs from a folded one by more than colour", async () => {
    const { page } = o;
    await page.evaluate(KEEP_NAMES);
    const looks = await page.evaluate((where) => {
      type El = { style(k: string): string; unselect(): void };
      const api = (document.querySelector(where + " .hl-view") as unknown as {
        huntlabProcessTree: { cy: { getElementById(id: string): El; elements(): { unselect(): void } }; nodes: { p: number; x: number }[]; select(i: number): void; setExpanded(i: number, open: boolean): void };
      }).huntlabProcessTree;
      // A process of the data (an inferred parent is drawn dashed) with children: selected, then folded.
      const i = api.nodes.findIndex((n, k) => !n.x && api.nodes.some((c) => c.p === k));
      const look = (): string => `${api.cy.getElementById(String(i)).style("border-style")} ${api.cy.getElementById(String(i)).style("border-width")}`;
      api.select(i);
      const selected = look();
      api.cy.elements().unselect();
      api.setExpanded(i, false);
      const folded = look();
      api.setExpanded(i, true);
      return { i, selected, folded };
    }, scope("process-tree"));
    assert.ok(looks.i >= 0, "a process with children");
    assert.notEqual(looks.selected.split(" ")[0], looks.folded.split(" ")[0], `outline style: ${JSON.stringify(looks)}`);
  });

  it("process tree: the linked table's rows are reached with Tab and walked with Up and Down", async () => {
    const { page } = o;
    const where = scope("process-tree");
    const row = page.locator(`${where} .hl-pt-table tbody tr[tabindex="0"]`);
    assert.equal(await row.count(), 1, "one row in the Tab order");
    await row.focus();
    const from = Number(await row.getAttribute("data-node"));
    await page.keyboard.press("ArrowDown");
    const to = Number(await page.evaluate(() => document.activeElement?.getAttribute("data-node")));
    assert.equal(to, from + 1, "Down moves the focus to the next row");
    assert.equal(await liveAttr(page, where, "data-selected"), String(to), "and selects its process");
    assert.equal(await page.locator(`${where} .hl-pt-table tbody tr[aria-selected="true"]`).getAttribute("data-node"), String(to));
    await page.keyboard.press("ArrowUp");
    assert.equal(await liveAttr(page, where, "data-selected"), String(from));
  });

  it("process tree: every box label reads on its box in the live view (4.5:1)", async () => {
    const { page } = o;
    await page.evaluate(KEEP_NAMES);
    const pairs = await page.evaluate((where) => {
      const cy = (document.querySelector(where + " .hl-view") as unknown as { huntlabProcessTree: { cy: { nodes(): { map<T>(f: (n: { data(k: string): string }) => T): T[] } } } }).huntlabProcessTree.cy;
      return cy.nodes().map((n) => [n.data("k"), n.data("ink")] as [string, string]);
    }, scope("process-tree"));
    assert.ok(pairs.length > 10);
    const hex = (c: string): string => (c.length === 4 ? `#${[...c.slice(1)].map((d) => d + d).join("")}` : c);
    const low = pairs.filter(([k, ink]) => contrastRatio(hex(k), hex(ink)) < 4.5);
    assert.deepEqual(low, []);
  });

  it("entity graph: a named keyboard surface; Up/Down walk the nodes, Left/Right the linked ones, Escape clears; its nodes stay listed as text", async () => {
    const { page } = o;
    const where = scope("entity-graph");
    const graph = page.getByRole("application", { name: /^Alert entity graph: \d+ nodes, \d+ edges .*arrow/ });
    assert.equal(await graph.count(), 1);
    await graph.focus();
    const f = await focused(page);
    assert.ok(f.outline !== "none" && f.width >= 2, `focus ring: ${f.outline} ${f.width}px`);
    await page.keyboard.press("ArrowDown");
    const first = await liveAttr(page, where, "data-selected");
    assert.ok(first, "the first key selects a node");
    assert.match(await status(page, where), /; node 1 of \d+$/);
    assert.match(await page.locator(`${where} .hl-eg-details h4`).innerText(), /\S/, "the details panel shows it");
    await page.keyboard.press("ArrowRight");
    const linked = await liveAttr(page, where, "data-selected");
    assert.notEqual(linked, first);
    assert.match(await status(page, where), /; linked to .* \(1 of \d+\)$/);
    await page.evaluate(KEEP_NAMES);
    const adjacent = await page.evaluate(
      ([where, a, b]) => (document.querySelector(where + " .hl-view-live") as unknown as { huntlabCy: { getElementById(id: string): { neighborhood(s: string): { some(f: (n: { id(): string }) => boolean): boolean } } } }).huntlabCy.getElementById(a!).neighborhood("node").some((n) => n.id() === b),
      [where, first, linked] as const,
    );
    assert.ok(adjacent, "Right goes to a node linked to the first");
    await page.keyboard.press("ArrowDown");
    assert.match(await status(page, where), /; node 2 of \d+$/, "Down goes on from the last node reached with Down");
    await page.keyboard.press("Escape");
    assert.match(await status(page, where), /No node selected/);
    // A node clicked is where the keys go on from: Right goes to a node linked to it.
    await page.locator(where).scrollIntoViewIfNeeded();
    await page.evaluate(KEEP_NAMES);
    const clicked = await page.evaluate((where) => {
      type Node = { id(): string; degree(loops: boolean): number; renderedPosition(): { x: number; y: number } };
      const cy = (document.querySelector(where + " .hl-view-live") as unknown as { huntlabCy: { nodes(): { max(f: (n: Node) => number): { ele: Node } }; container(): HTMLElement } }).huntlabCy;
      // The best-linked node (a hub, drawn on top of nothing else).
      const node = cy.nodes().max((n) => n.degree(false)).ele;
      const box = cy.container().getBoundingClientRect();
      const at = node.renderedPosition();
      return { id: node.id(), x: box.left + at.x, y: box.top + at.y };
    }, where);
    await page.mouse.click(clicked.x, clicked.y);
    assert.equal(await liveAttr(page, where, "data-selected"), clicked.id, "the click selected the node");
    await graph.focus();
    await page.keyboard.press("ArrowRight");
    assert.match(await status(page, where), /; linked to .* \(1 of \d+\)$/);
    const next = await liveAttr(page, where, "data-selected");
    const linkedToClicked = await page.evaluate(
      ([where, a, b]) => (document.querySelector(where + " .hl-view-live") as unknown as { huntlabCy: { getElementById(id: string): { neighborhood(s: string): { some(f: (n: { id(): string }) => boolean): boolean } } } }).huntlabCy.getElementById(a!).neighborhood("node").some((n) => n.id() === b),
      [where, clicked.id, next] as const,
    );
    assert.ok(linkedToClicked, "Right after a click: a node linked to the clicked one");
    // The node list beside the live graph (the static one is hidden with the image).
    const text = page.locator(`${where} .hl-view > .hl-view-textalt`);
    assert.equal(await text.count(), 1);
    assert.ok(await text.isVisible());
    assert.match(await text.locator("summary").innerText(), /^Nodes \(\d+\)$/);
  });

  it("graphs zoom by keyboard: + and - about the centre, 0 fits (entity graph and process tree); the keys are in their names", async () => {
    const { page } = o;
    for (const [name, where, api] of [
      ["entity graph", scope("entity-graph"), "huntlabCy"],
      ["process tree", scope("process-tree"), "huntlabProcessTree"],
    ] as const) {
      const surface = page.locator(where).getByRole("application", { name: /plus and minus zoom in and out, 0 fits the whole graph$/ });
      assert.equal(await surface.count(), 1, `${name}: named with its zoom keys`);
      await surface.focus();
      await page.evaluate(KEEP_NAMES);
      const zoom = (): Promise<number> =>
        page.evaluate(
          ([where, api]) => {
            const holder = api === "huntlabCy" ? document.querySelector(where + " .hl-view-live") : document.querySelector(where + " .hl-view");
            const value = (holder as unknown as Record<string, { zoom(): number; cy?: { zoom(): number } }>)[api];
            return (value.cy ?? value).zoom();
          },
          [where, api] as const,
        );
      await page.keyboard.press("0");
      const fit = await zoom();
      await page.keyboard.press("+");
      const zoomedIn = await zoom();
      assert.ok(Math.abs(zoomedIn / fit - 1.25) < 0.01, `${name}: + zooms in by a step (${fit} → ${zoomedIn})`);
      await page.keyboard.press("-");
      await page.keyboard.press("-");
      assert.ok((await zoom()) < fit, `${name}: - zooms out`);
      await page.keyboard.press("0");
      // A fit takes in the labels drawn, which change with the zoom: about the same zoom, not the same to the bit.
      const refit = await zoom();
      assert.ok(Math.abs(refit / fit - 1) < 0.1, `${name}: 0 fits again (${fit} → ${refit})`);
    }
  });

  it("entity graph: the timeline strip's dots are buttons named by alert and time; the arrows walk them, focus shows the tip, Enter selects", async () => {
    const { page } = o;
    const where = scope("entity-graph");
    const strip = page.locator(where).getByRole("toolbar", { name: /^Alerts over time: Left and Right arrows/ });
    assert.equal(await strip.count(), 1);
    const dots = strip.getByRole("button");
    const n = await dots.count();
    assert.ok(n >= 2, `dots: ${n}`);
    assert.equal(await strip.locator('button[tabindex="0"]').count(), 1, "one dot in the Tab order");
    // Tab from the graph's last control reaches the strip (the graph, then its side panel, then the strip).
    const first = strip.locator('button[tabindex="0"]');
    await first.focus();
    const f = await focused(page);
    assert.ok(f.outline !== "none" && f.width >= 2, `focus ring: ${f.outline} ${f.width}px`);
    const name0 = f.label;
    assert.match(name0, /\S \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "named by the alert and its time");
    const tip = strip.locator(".hl-eg-tl-tip");
    assert.ok(await tip.isVisible(), "the focused dot shows its tip");
    assert.equal(await tip.innerText(), name0);
    await page.keyboard.press("ArrowRight");
    const f1 = await focused(page);
    assert.match(f1.cls, /hl-eg-tl-dot/);
    assert.notEqual(f1.label, name0, "Right moves to the next alert in time");
    assert.equal(await tip.innerText(), f1.label);
    const times = await dots.evaluateAll((els) => els.map((el) => Date.parse((el.getAttribute("aria-label") ?? "").split(" ").pop() ?? "")));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "the dots are in time order");
    await page.keyboard.press("Enter");
    const selected = await liveAttr(page, where, "data-selected");
    assert.ok(selected, "Enter selects the alert's node");
    assert.match(await strip.locator("button.hl-sel").getAttribute("aria-label") ?? "", new RegExp(f1.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await page.keyboard.press("End");
    assert.equal((await focused(page)).label, await dots.last().getAttribute("aria-label"));
    await page.keyboard.press("Home");
    assert.equal((await focused(page)).label, name0);
    await page.keyboard.press("Tab");
    assert.equal(await tip.isVisible(), false, "the tip goes with the focus");
  });

  it("process tree: the process the keys reach shows the hover tip too", async () => {
    const { page } = o;
    const where = scope("process-tree");
    await page.locator(`${where} .hl-pt-cy`).focus();
    await page.keyboard.press("Home");
    const tip = page.locator(`${where} .hl-pt-tip`);
    assert.ok(await tip.isVisible(), "the tip shows for the selected process");
    const selected = Number(await liveAttr(page, where, "data-selected"));
    await page.evaluate(KEEP_NAMES);
    const name = await page.evaluate(([where, i]) => (document.querySelector(where + " .hl-view") as unknown as { huntlabProcessTree: { nodes: { n: string }[] } }).huntlabProcessTree.nodes[i].n, [where, selected] as const);
    assert.ok((await tip.innerText()).includes(name), `tip names ${name}`);
    await page.keyboard.press("Tab");
    assert.equal(await tip.isVisible(), false, "hidden when the tree loses the focus");
  });

  it("process tree without its table: the processes stay under the live tree as a text table", async () => {
    const qp = new QueryProvider("LocalData", { dataPaths: [DATA], queryPaths: [DATA] });
    const view = plotProcessTree(buildProcessTree(await qp.WindowsSecurity.get_process_tree()));
    const page = await openOffline(browser, themedPage(PLAIN_LIGHT, [String(toMimeBundle(view)["text/html"])]), { name: "a11y-tree-text" });
    try {
      await page.page.waitForFunction(() => document.querySelector('[data-hl-live="1"]') !== null, undefined, { timeout: 60_000 });
      const text = page.page.locator(".hl-view > .hl-view-textalt");
      assert.equal(await text.count(), 1);
      assert.ok(await text.isVisible());
      assert.equal(await text.locator("summary").innerText(), "Processes (18)");
      await text.locator("summary").click();
      const table = text.getByRole("table");
      assert.equal(await table.locator("tbody tr").count(), 18);
      assert.deepEqual(await table.locator("th").allInnerTexts(), ["Level", "Process", "PID", "Command line", "User", "Time"]);
      assert.match(await table.locator("tbody tr").nth(1).innerText(), /cmd\.exe/);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("geo map: the map is a named keyboard surface, cluster bubbles say what they count, the places stay listed as text", async () => {
    const { page } = o;
    const where = scope("geo-map");
    const map = page.locator(where).getByRole("application", { name: /^World map: .*arrow keys pan/ });
    assert.equal(await map.count(), 1);
    const bubbles = page.locator(where).getByRole("button", { name: /^\d+ points$/ });
    assert.ok((await bubbles.count()) >= 1, "cluster bubbles named '<n> points'");
    const text = page.locator(`${where} .hl-view > .hl-view-textalt`);
    assert.ok(await text.isVisible());
    assert.match(await text.locator("summary").innerText(), /^Locations \(4 points\)$/);
    assert.equal(await text.locator("tbody tr").count(), 3, "three places");
  });

  it("every control of the live outputs has an accessible name, and everything in the Tab order is a control", async () => {
    await o.page.evaluate(KEEP_NAMES);
    // A focusable element that is not a native control (or a table row, named by its cells) needs a role and a name (Leaflet's map container had neither).
    const bare = await o.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>(".output [tabindex]"))
        .filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY|TR)$/.test(el.tagName))
        .filter((el) => !el.getAttribute("role") || !(el.getAttribute("aria-label") || el.textContent?.trim()))
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(" ").join(".")}`),
    );
    assert.deepEqual(bare, []);
    for (const name of VIEWS) {
      const snapshot = await o.page.locator(scope(name)).ariaSnapshot();
      const unnamed = snapshot.split("\n").filter((l) => /^\s*- (button|checkbox|searchbox|textbox|listbox|combobox|application|link|slider|tree|grid|progressbar)( \[[^\]]*\])*:?$/.test(l));
      assert.deepEqual(unnamed, [], `${name}:\n${snapshot.slice(0, 2000)}`);
    }
  });

  it("a timeline is named by its text form (Vega's aria-label from the spec's description)", async () => {
    const qp = new QueryProvider("LocalData", { dataPaths: [DATA], queryPaths: [DATA] });
    const chart = await timeline(await qp.SecurityAlert.list_alerts(), { sourceColumns: ["AlertName"], groupBy: "Severity", title: "Alerts" });
    const page = await openOffline(browser, vegaPage([chart.spec]), { name: "a11y-timeline" });
    try {
      await waitReady(page.page);
      const chartEl = page.page.locator("#chart0");
      assert.equal(await chartEl.getAttribute("role"), "graphics-document");
      assert.match((await chartEl.getAttribute("aria-label")) ?? "", /^Timeline: Alerts — \d+ event\(s\) in \d+ lane\(s\) by Severity: /);
    } finally {
      await page.close();
    }
  });

  it("a timeline's range is set by keyboard too: two named sliders under it set the range shown while nothing is brushed; a brush wins", async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const hours = 50;
    const df = pl.DataFrame({ TimeGenerated: Array.from({ length: hours }, (_, i) => new Date(t0 + i * 3_600_000)), Host: Array.from({ length: hours }, (_, i) => `host${i % 3}`) });
    const chart = await timeline(df, { groupBy: "Host", title: "Logons" });
    const page = await openOffline(browser, vegaPage([chart.spec]), { name: "a11y-timeline-range" });
    try {
      await waitReady(page.page);
      const data = (hours - 1) * 3_600_000;
      // The whole range has 2% of room on either side.
      const lo = t0 - 0.02 * data;
      const span = 1.04 * data;
      const shown = (): Promise<number[]> => page.page.evaluate(() => (window as unknown as { views: { scale(n: string): { domain(): Date[] } }[] }).views[0].scale("concat_0_x").domain().map(Number));
      assert.deepEqual(await shown(), [lo, lo + span], "the whole range at first");
      const from = page.page.getByRole("slider", { name: /^Shown from \(% of the time range/ });
      const to = page.page.getByRole("slider", { name: /^Shown to \(% of the time range/ });
      assert.equal(await from.count(), 1);
      assert.equal(await to.count(), 1);
      await from.focus();
      for (let k = 0; k < 10; k += 1) await page.page.keyboard.press("ArrowRight");
      await to.focus();
      for (let k = 0; k < 40; k += 1) await page.page.keyboard.press("ArrowLeft");
      await page.page.waitForFunction(`window.views[0].scale("concat_0_x").domain()[1] < ${lo + span}`);
      assert.deepEqual(await shown(), [lo + span * 0.1, lo + span * 0.6], "Right on 'from' 10 times, Left on 'to' 40 times: 10% to 60%");
      // The sliders cross: the range stays at least 1% wide, never reversed.
      await page.page.keyboard.press("Home");
      await page.page.waitForFunction(`window.views[0].scale("concat_0_x").domain()[1] < ${lo + span * 0.6}`);
      const [a, b] = await shown();
      assert.ok(b > a, `a range, not reversed: ${a} ${b}`);
      // A brush on the strip (the mouse's way) wins over the sliders.
      // The strip: the second view of the concatenation, where Vega drew it.
      const box = (await page.page.locator("#chart0 .marks").first().boundingBox())!;
      await page.page.evaluate(KEEP_NAMES);
      const strip = await page.page.evaluate(() => {
        type Item = { name?: string; bounds?: { x1: number; y1: number; x2: number; y2: number }; x?: number; y?: number; items?: Item[]; mark?: { name?: string } };
        const view = (window as unknown as { views: { scenegraph(): { root: Item }; origin(): [number, number] }[] }).views[0];
        const found: Item[] = [];
        const walk = (n: Item): void => {
          if (n.mark?.name === "concat_1_group" || n.name === "concat_1_group") found.push(n);
          for (const c of n.items ?? []) walk(c);
        };
        walk(view.scenegraph().root);
        const g = found.find((n) => n.x !== undefined) ?? found[0];
        const [ox, oy] = view.origin();
        return { x: ox + (g.x ?? 0), y: oy + (g.y ?? 0) };
      });
      await page.page.mouse.move(box.x + strip.x + 100, box.y + strip.y + 20);
      await page.page.mouse.down();
      await page.page.mouse.move(box.x + strip.x + 300, box.y + strip.y + 20, { steps: 5 });
      await page.page.mouse.up();
      const brushed = await shown();
      assert.ok(brushed[0] !== a || brushed[1] !== b, `the brush set the range: ${brushed.join(" ")}`);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("a short timeline (no overview strip) zooms and pans by keyboard: the same two sliders; a mouse zoom wins until a double-click", async () => {
    const t0 = Date.UTC(2024, 0, 1, 10);
    const minutes = 21;
    const df = pl.DataFrame({ TimeGenerated: Array.from({ length: minutes }, (_, i) => new Date(t0 + i * 60_000)), Msg: Array.from({ length: minutes }, (_, i) => `m${i}`) });
    const chart = await timeline(df, { sourceColumns: ["Msg"], title: "Short" });
    assert.equal((chart.spec as { vconcat?: unknown }).vconcat, undefined, "a short timeline has no overview strip");
    const page = await openOffline(browser, vegaPage([chart.spec]), { name: "a11y-timeline-short" });
    try {
      await waitReady(page.page);
      const data = (minutes - 1) * 60_000;
      const lo = t0 - 0.02 * data;
      const span = 1.04 * data;
      const shown = (): Promise<number[]> => page.page.evaluate(() => (window as unknown as { views: { scale(n: string): { domain(): Date[] } }[] }).views[0].scale("x").domain().map(Number));
      assert.deepEqual(await shown(), [lo, lo + span], "the whole range (2% of room either side) at first");
      const from = page.page.getByRole("slider", { name: /^Shown from \(% of the time range, when not zoomed with the mouse/ });
      const to = page.page.getByRole("slider", { name: /^Shown to \(% of the time range, when not zoomed with the mouse/ });
      await from.focus();
      for (let k = 0; k < 20; k += 1) await page.page.keyboard.press("ArrowRight");
      await to.focus();
      for (let k = 0; k < 30; k += 1) await page.page.keyboard.press("ArrowLeft");
      await page.page.waitForFunction(`window.views[0].scale("x").domain()[1] < ${lo + span * 0.75}`);
      assert.deepEqual(await shown(), [lo + span * 0.2, lo + span * 0.7], "zoomed in: 20% to 70%");
      // Pan: both ends move the same way, the width kept.
      for (let k = 0; k < 10; k += 1) await page.page.keyboard.press("ArrowRight");
      await from.focus();
      for (let k = 0; k < 10; k += 1) await page.page.keyboard.press("ArrowRight");
      await page.page.waitForFunction(`window.views[0].scale("x").domain()[0] > ${lo + span * 0.25}`);
      assert.deepEqual(await shown(), [lo + span * 0.3, lo + span * 0.8], "panned right by 10%");
      // The wheel over the chart (the mouse's zoom) zooms from the range shown and wins over the sliders.
      const box = (await page.page.locator("#chart0 .marks").first().boundingBox())!;
      await page.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.page.mouse.wheel(0, -300);
      await page.page.waitForFunction(`window.views[0].scale("x").domain()[1] - window.views[0].scale("x").domain()[0] < ${span * 0.49}`);
      const wheeled = await shown();
      assert.ok(wheeled[0] >= lo + span * 0.3 - 1 && wheeled[1] <= lo + span * 0.8 + 1, `zoomed in from the sliders' range: ${wheeled.join(" ")}`);
      await to.focus();
      await page.page.keyboard.press("ArrowLeft");
      assert.deepEqual(await shown(), wheeled, "the mouse's zoom holds while it is set");
      // A double-click clears the mouse's zoom: the sliders' range (now 30% to 79%) shows again.
      await page.page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
      await page.page.waitForFunction(`window.views[0].scale("x").domain()[0] < ${wheeled[0] - 1}`);
      assert.deepEqual(await shown(), [lo + span * 0.3, lo + span * 0.79]);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("zoomed to 200% (a 640 px window), every live view fits the output: nothing scrolls the page sideways", async () => {
    const { page } = o;
    const size = page.viewportSize();
    await page.setViewportSize({ width: 640, height: 900 });
    try {
      await page.evaluate(KEEP_NAMES);
      const over = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>(".output .hl-view-live"))
          .filter((live) => live.getBoundingClientRect().right > live.closest(".output")!.getBoundingClientRect().right + 1)
          .map((live) => `${live.closest(".hl-view")!.className}: ${Math.round(live.getBoundingClientRect().width)} px`),
      );
      assert.deepEqual(over, [], "the entity graph's 900 px ran past a 616 px output");
      // What runs past the window where no ancestor scrolls or clips it (a wide table in a scrolling panel is fine).
      // Cytoscape sizes its canvases on the window's resize event (debounced): polled until then, 5 s at most.
      const pastWindow = (): string[] =>
        Array.from(document.querySelectorAll<HTMLElement>(".output *"))
          .filter((el) => {
            if (el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
            for (let n = el.parentElement; n && !n.classList.contains("output"); n = n.parentElement) if (getComputedStyle(n).overflowX !== "visible") return false;
            return true;
          })
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} (in ${el.parentElement?.className}) in ${el.closest(".hl-view")?.className ?? "?"}`);
      await page.waitForFunction(`(${pastWindow.toString()})().length === 0`, undefined, { timeout: 5000 }).catch(() => undefined);
      const past = await page.evaluate(pastWindow);
      assert.deepEqual(past, []);
    } finally {
      if (size) await page.setViewportSize(size);
    }
  });

  it("with prefers-reduced-motion, the map zooms and clusters without animation", async () => {
    const { page } = o;
    await page.emulateMedia({ reducedMotion: "reduce" });
    try {
      await page.reload({ waitUntil: "load" });
      await mountViews(page);
      await page.waitForFunction((n) => document.querySelectorAll('[data-hl-live="1"]').length === n, LIVE_VIEWS, { timeout: 60_000 });
      await page.evaluate(KEEP_NAMES);
      const options = await page.evaluate((where) => {
        const map = (document.querySelector(where + " .hl-view-live") as unknown as { huntlabMap: { options: Record<string, unknown> } }).huntlabMap;
        return { zoom: map.options.zoomAnimation, fade: map.options.fadeAnimation };
      }, scope("geo-map"));
      assert.deepEqual(options, { zoom: false, fade: false });
    } finally {
      await page.emulateMedia({ reducedMotion: null });
    }
  });
});
