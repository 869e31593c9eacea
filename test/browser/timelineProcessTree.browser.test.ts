/**
 * Timelines and process trees in Chromium.
 *
 * - Timelines: the lab notebook's Vega-Lite outputs (or, without an executed
 *   notebook, the same charts made here) rendered with the vega 5 and
 *   vega-lite 5 builds from node_modules, what Jupyter's Vega-Lite 5 renderer
 *   runs: marks per lane, tooltip content, and the time to first render of a
 *   100,000-event timeline.
 * - Process trees: the notebook's Cytoscape output: node count, folding and
 *   unfolding, selection highlighting the table row, hover text.
 * - Hostile values in CommandLine, AlertName, SubjectUserName run nothing.
 * - The static fallbacks show with scripts off or stripped.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser, Page } from "playwright-core";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import type { MimeBundle } from "../../src/display/protocol";
import { buildProcessTree } from "../../src/transform/processTree";
import { ptree } from "../../src/transform/processTreeUtils";
import { plotProcessTree } from "../../src/vis/processTree";
import { timeline } from "../../src/vis/timeline";
import { VEGA_LITE_MIME } from "../../src/vis/vegaLite";
import { chromiumMissing, launchChromium, openOffline } from "./chromium";
import { pointsPerLane, vegaPage, waitReady } from "./vegaPage";
import { EXECUTED_NOTEBOOK, executedNotebook, notebookFromBundles, notebookPage, type Notebook } from "./notebookPage";

const skip = chromiumMissing();
const SECTION = "vis-trees-timelines";
const EVIL_IMG = `<img src=x onerror="window.__pwned=(window.__pwned||0)+1">`;
const EVIL_SCRIPT = `<script>window.__pwned=(window.__pwned||0)+1</script>`;
const EVIL = `${EVIL_IMG}${EVIL_SCRIPT}`;

type Spec = Record<string, unknown>;

/** The section's outputs of one MIME type, from the executed notebook. */
function sectionOutputs(nb: Notebook | undefined, mime: string): MimeBundle[] {
  if (!nb) return [];
  const out: MimeBundle[] = [];
  for (const cell of nb.cells) {
    if ((cell.metadata as { huntlab_section?: string } | undefined)?.huntlab_section !== SECTION) continue;
    for (const o of cell.outputs ?? []) if (o.data && mime in o.data) out.push(o.data as MimeBundle);
  }
  return out;
}

describe("timelines in Chromium (vega 5 + vega-lite 5)", { skip }, () => {
  let browser: Browser;
  let specs: Spec[];
  let expected: Record<string, number>[];
  let sourceColumns: string[][];
  const notebook = executedNotebook();
  before(async () => {
    browser = await launchChromium();
    const fromNotebook = sectionOutputs(notebook, VEGA_LITE_MIME).map((b) => b[VEGA_LITE_MIME] as Spec);
    const qp = new QueryProvider("LocalData");
    const alerts = await qp.SecurityAlert.list_alerts();
    const logons = await qp.WindowsSecurity.list_host_logons();
    const counts = (df: pl.DataFrame, col: string): Record<string, number> => Object.fromEntries((df.groupBy(col).len().rows() as [unknown, number][]).map(([k, n]) => [String(k), n]));
    expected = [{ "": 41 }, counts(alerts, "Severity"), counts(logons, "LogonType")];
    sourceColumns = [["AlertName"], ["AlertName"], ["SubjectUserName", "IpAddress"]];
    if (fromNotebook.length === 3) {
      specs = fromNotebook;
    } else {
      // No executed notebook (or an older one): the same three charts, made here.
      specs = [
        (await timeline(alerts, { sourceColumns: ["AlertName"], title: "Alerts" })).spec as unknown as Spec,
        (await timeline(alerts, { sourceColumns: ["AlertName"], groupBy: "Severity" })).spec as unknown as Spec,
        (await timeline(logons, { sourceColumns: ["SubjectUserName", "IpAddress"], groupBy: "LogonType" })).spec as unknown as Spec,
      ];
    }
  });
  after(async () => {
    await browser?.close();
  });

  it(`draws one mark per event in each lane (${notebook ? EXECUTED_NOTEBOOK : "charts made here"})`, async () => {
    const page = await openOffline(browser, vegaPage(specs), { name: "timelines", viewport: { width: 1200, height: 1400 } });
    try {
      await waitReady(page.page);
      for (let i = 0; i < specs.length; i += 1) assert.deepEqual(await pointsPerLane(page.page, i), expected[i], `chart ${i}`);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.blocked, []);
    } finally {
      await page.close();
    }
  });

  it("shows the time and the source columns in the tooltip", async () => {
    const page = await openOffline(browser, vegaPage(specs), { name: "timeline-tooltips", viewport: { width: 1200, height: 1400 } });
    try {
      await waitReady(page.page);
      for (let i = 0; i < specs.length; i += 1) {
        const paths = await page.page.$$(`#chart${i} .mark-symbol.role-mark path`);
        assert.ok(paths.length > 0, `chart ${i} has points`);
        const before = await page.page.evaluate(() => (window as unknown as { tooltips: unknown[] }).tooltips.length);
        await paths[Math.floor(paths.length / 2)].hover({ force: true });
        await page.page.waitForFunction((n) => (window as unknown as { tooltips: unknown[] }).tooltips.length > n, before, { timeout: 5000 });
        const tip = await page.page.evaluate(() => (window as unknown as { tooltips: Record<string, unknown>[] }).tooltips.at(-1) ?? {});
        assert.match(String(tip["TimeGenerated (UTC)"]), /^2019-02-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
        for (const col of sourceColumns[i]) assert.ok(col in tip, `chart ${i} tooltip has ${col}: ${JSON.stringify(tip)}`);
      }
    } finally {
      await page.close();
    }
  });

  it("renders a 100,000-event timeline (canvas) and reports the time to first render", async () => {
    const n = 100_000;
    const start = Date.UTC(2024, 0, 1);
    const df = pl.DataFrame({
      TimeGenerated: Array.from({ length: n }, (_, i) => new Date(start + i * 9_000)),
      Computer: Array.from({ length: n }, (_, i) => `host${i % 8}`),
      EventID: Array.from({ length: n }, (_, i) => 4600 + (i % 50)),
    });
    const chart = await timeline(df, { groupBy: "Computer", sourceColumns: ["EventID"] });
    assert.equal((chart.spec as unknown as { usermeta: { embedOptions: { renderer: string } } }).usermeta.embedOptions.renderer, "canvas");
    const page = await openOffline(browser, vegaPage([chart.spec]), { name: "timeline-100k", viewport: { width: 1200, height: 800 } });
    try {
      await waitReady(page.page, 60_000);
      const ms = await page.page.evaluate(() => (window as unknown as { renderMs: number[] }).renderMs[0]);
      console.log(`# 100,000-event timeline: first render in Chromium ${ms.toFixed(0)} ms (target ≤ 3000 ms)`);
      assert.equal(await page.page.$$eval("canvas", (c) => c.length), 1);
      const counts = await pointsPerLane(page.page, 0);
      assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), n);
    } finally {
      await page.close();
    }
  });
});

describe("process tree in Chromium", { skip }, () => {
  let browser: Browser;
  let bundle: MimeBundle;
  const notebook = executedNotebook();
  before(async () => {
    browser = await launchChromium();
    const fromNotebook = sectionOutputs(notebook, "text/html").filter((b) => String(b["text/html"]).includes("hl-view-process-tree"));
    if (fromNotebook.length) bundle = fromNotebook[0];
    else {
      const qp = new QueryProvider("LocalData");
      const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
      bundle = toMimeBundle(plotProcessTree(ptree.getDescendents(tree, ptree.getRoots(tree).head(1)), { legendCol: "SubjectUserName", showTable: true }));
    }
  });
  after(async () => {
    await browser?.close();
  });

  async function open(mode: "lab" | "classic", name: string) {
    const page = await openOffline(browser, notebookPage(notebookFromBundles([bundle]), { mode }), { name, viewport: { width: 1300, height: 1400 } });
    await page.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 30_000 });
    return page;
  }

  /** Screen position of a Cytoscape node, by its image name (first match). */
  async function nodePoint(page: Page, name: string): Promise<{ x: number; y: number; id: string }> {
    return page.evaluate((n) => {
      const root = document.querySelector(".hl-view-process-tree") as unknown as { huntlabProcessTree: { cy: { nodes(): { filter(f: (x: { id(): string }) => boolean): { first(): { renderedPosition(): { x: number; y: number }; id(): string } } } }; nodes: { n: string }[] } };
      const api = root.huntlabProcessTree;
      const node = api.cy.nodes().filter((x) => api.nodes[+x.id()].n === n).first();
      const box = (document.querySelector(".hl-pt-cy") as HTMLElement).getBoundingClientRect();
      const p = node.renderedPosition();
      return { x: box.x + p.x, y: box.y + p.y, id: node.id() };
    }, name);
  }

  for (const mode of ["lab", "classic"] as const) {
    it(`shows every process, folds and unfolds a subtree, and links selection to the table (${mode})`, async () => {
      const page = await open(mode, `process-tree-${mode}`);
      const visible = async (): Promise<number> => Number(await page.page.$eval(".hl-view-process-tree .hl-view-live", (e) => e.getAttribute("data-visible-nodes")));
      try {
        assert.equal(await visible(), 18);
        assert.equal(await page.page.$$eval(".hl-pt-table tbody tr", (r) => r.length), 18);
        // Double-click cmd.exe (the branch) folds its 16 children away; again brings them back.
        let cmd = await nodePoint(page.page, "cmd.exe");
        const cmdId = await page.page.evaluate(() => {
          const api = (document.querySelector(".hl-view-process-tree") as unknown as { huntlabProcessTree: { nodes: { n: string; l: number }[] } }).huntlabProcessTree;
          return String(api.nodes.findIndex((n) => n.n === "cmd.exe" && n.l === 2));
        });
        assert.equal(cmd.id, cmdId);
        await page.page.mouse.dblclick(cmd.x, cmd.y);
        await page.page.waitForFunction(() => document.querySelector(".hl-view-process-tree .hl-view-live")?.getAttribute("data-visible-nodes") === "2");
        cmd = await nodePoint(page.page, "cmd.exe");
        await page.page.mouse.dblclick(cmd.x, cmd.y);
        await page.page.waitForFunction(() => document.querySelector(".hl-view-process-tree .hl-view-live")?.getAttribute("data-visible-nodes") === "18");
        // Clicking a process selects it and highlights its table row.
        const whoami = await nodePoint(page.page, "whoami.exe");
        await page.page.mouse.click(whoami.x, whoami.y);
        await page.page.waitForSelector(`.hl-pt-table tr.hl-pt-selected[data-node="${whoami.id}"]`);
        assert.equal(await page.page.$$eval(".hl-pt-table tr.hl-pt-selected", (r) => r.length), 1);
        assert.match(await page.page.$eval(".hl-pt-details", (d) => d.textContent ?? ""), /Command line\s*whoami/);
        // Hover shows the command line.
        const reg = await nodePoint(page.page, "regsvr32.exe");
        await page.page.mouse.move(reg.x, reg.y);
        await page.page.waitForFunction(() => (document.querySelector(".hl-pt-tip") as HTMLElement).style.display === "block");
        assert.match(await page.page.$eval(".hl-pt-tip", (t) => t.textContent ?? ""), /regsvr32\s+\/u \/s c:\\windows\\fonts\\csrss\.exe "http:\/\/www\.401k\.com/);
        // Clicking a table row selects its process.
        await page.page.click(`.hl-pt-table tr[data-node="${reg.id}"]`);
        assert.equal(await page.page.$eval(".hl-view-process-tree .hl-view-live", (e) => e.getAttribute("data-selected")), reg.id);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(page.blocked, []);
      } finally {
        await page.close();
      }
    });
  }

  it("shows bidi overrides in names and command lines revealed (label, tooltip, details, table, legend)", async () => {
    const RLO = "\u202E";
    const spoof = `invoice${RLO}gpj.exe`;
    const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);
    const events = pl.DataFrame({
      EventID: [4688, 4688],
      TimeGenerated: [t("10:00:00"), t("10:00:01")],
      Computer: ["h", "h"],
      NewProcessId: ["0x10", "0x20"],
      NewProcessName: ["C:\\a\\cmd.exe", `C:\\Users\\bob\\${spoof}`],
      ProcessId: ["0x1", "0x10"],
      ParentProcessName: ["C:\\a\\svc.exe", "C:\\a\\cmd.exe"],
      CommandLine: ["cmd.exe /c start", `"C:\\Users\\bob\\${spoof}" --quiet`],
      SubjectUserName: ["alice", `bob${RLO}`],
      SubjectLogonId: ["0x1", "0x1"],
    });
    const spoofed = toMimeBundle(plotProcessTree(events, { legendCol: "SubjectUserName", showTable: true }));
    const page = await openOffline(browser, notebookPage(notebookFromBundles([spoofed]), { mode: "lab" }), { name: "process-tree-bidi", viewport: { width: 1300, height: 1000 } });
    try {
      await page.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 30_000 });
      const node = await nodePoint(page.page, spoof);
      const revealed = "invoice\\u202egpj.exe";
      const label = await page.page.evaluate((id) => {
        const api = (document.querySelector(".hl-view-process-tree") as unknown as { huntlabProcessTree: { cy: { getElementById(i: string): { data(k: string): string } } } }).huntlabProcessTree;
        return api.cy.getElementById(id).data("label");
      }, node.id);
      assert.ok(label.startsWith(revealed), label);
      // Hover: the tooltip shows the override as \u202e.
      await page.page.mouse.move(node.x, node.y);
      await page.page.waitForFunction(() => (document.querySelector(".hl-pt-tip") as HTMLElement).style.display === "block");
      const tip = await page.page.$eval(".hl-pt-tip", (el) => el.textContent ?? "");
      assert.ok(tip.includes(`"C:\\Users\\bob\\${revealed}" --quiet`), tip);
      assert.ok(!tip.includes(RLO), "no raw override in the tooltip");
      // Select: the details panel too.
      await page.page.mouse.click(node.x, node.y);
      await page.page.waitForSelector(`.hl-pt-table tr.hl-pt-selected[data-node="${node.id}"]`);
      const details = await page.page.$eval(".hl-pt-details", (d) => d.textContent ?? "");
      assert.match(details, /Command line"C:\\Users\\bob\\invoice\\u202egpj\.exe" --quiet/);
      assert.ok(details.includes("bob\\u202e") && !details.includes(RLO), details);
      // The linked table and the legend.
      const row = await page.page.$$eval(`.hl-pt-table tr[data-node="${node.id}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));
      assert.ok(row.some((c) => c.includes(revealed)) && !row.some((c) => c.includes(RLO)), JSON.stringify(row));
      const legend = await page.page.$eval(".hl-pt-legend", (l) => l.textContent ?? "");
      assert.ok(legend.includes("bob\\u202e") && !legend.includes(RLO), legend);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("opens a large tree folded and unfolds on demand", async () => {
    const { generate4688 } = await import("../helpers/processEvents");
    const tree = buildProcessTree(generate4688(10_000, { seed: 5 }).df);
    const big = toMimeBundle(plotProcessTree(tree, { showTable: true }));
    const t0 = Date.now();
    const page = await openOffline(browser, notebookPage(notebookFromBundles([big]), { mode: "lab" }), { name: "process-tree-10k", viewport: { width: 1300, height: 1200 } });
    try {
      await page.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 60_000 });
      console.log(`# 10,000-process tree: interactive in ${Date.now() - t0} ms`);
      const shown = Number(await page.page.$eval(".hl-view-live", (e) => e.getAttribute("data-visible-nodes")));
      assert.ok(shown > 50 && shown <= 300, `visible ${shown}`);
      // Unfold a folded process through its details button.
      const target = await page.page.evaluate(() => {
        const api = (document.querySelector(".hl-view-process-tree") as unknown as { huntlabProcessTree: { cy: { nodes(): { filter(f: (x: { hasClass(c: string): boolean }) => boolean): { first(): { id(): string } } } } } }).huntlabProcessTree;
        return api.cy.nodes().filter((x) => x.hasClass("collapsed")).first().id();
      });
      await page.page.click(`.hl-pt-table tr[data-node="${target}"]`);
      await page.page.click(".hl-pt-toggle");
      await page.page.waitForFunction((n) => Number(document.querySelector(".hl-view-live")?.getAttribute("data-visible-nodes")) > n, shown);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
});

describe("hostile values run nothing", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it("in a process tree and a timeline (lab and classic insertion, hover, select)", async () => {
    const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);
    const events = pl.DataFrame({
      EventID: [4688, 4688],
      TimeGenerated: [t("10:00:00"), t("10:00:01")],
      Computer: ["h", "h"],
      NewProcessId: ["0x10", "0x20"],
      NewProcessName: ["C:\\a\\cmd.exe", `C:\\a\\${EVIL}.exe`],
      ProcessId: ["0x1", "0x10"],
      ParentProcessName: ["C:\\a\\svc.exe", "C:\\a\\cmd.exe"],
      CommandLine: [EVIL, `</script>${EVIL_SCRIPT}`],
      SubjectUserName: [EVIL, EVIL_IMG],
      SubjectLogonId: ["0x1", "0x1"],
    });
    const tree = toMimeBundle(plotProcessTree(events, { legendCol: "SubjectUserName", showTable: true, title: EVIL }));
    const alerts = pl.DataFrame({ TimeGenerated: [t("10:00:00"), t("11:00:00")], AlertName: [EVIL, EVIL_SCRIPT], Severity: [EVIL_IMG, "High"], SubjectUserName: [EVIL, EVIL] });
    const chart = await timeline(alerts, { sourceColumns: ["AlertName", "SubjectUserName"], groupBy: "Severity", title: EVIL });
    for (const mode of ["lab", "classic", "sanitized"] as const) {
      const page = await openOffline(browser, notebookPage(notebookFromBundles([tree, toMimeBundle(chart)]), { mode }), { name: `hostile-${mode}`, viewport: { width: 1300, height: 1400 } });
      try {
        if (mode !== "sanitized") {
          await page.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 30_000 });
          await page.page.click(".hl-pt-table tbody tr:nth-child(3)");
          const rows = await page.page.$$eval(".hl-pt-table tbody td", (tds) => tds.map((td) => td.textContent ?? ""));
          assert.ok(rows.some((r) => r.includes(EVIL_SCRIPT)), "hostile text shown as text");
          assert.match(await page.page.$eval(".hl-pt-details", (d) => d.textContent ?? ""), /<img src=x onerror=/);
        }
        await page.page.waitForTimeout(300);
        assert.equal(await page.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
        assert.equal(await page.page.$$eval("img[src='x']", (i) => i.length), 0);
        assert.deepEqual(page.dialogs, []);
      } finally {
        await page.close();
      }
    }
    // The timeline's spec in vega, hovered: the tooltip value is the text, nothing runs.
    const page = await openOffline(browser, vegaPage([chart.spec]), { name: "hostile-timeline" });
    try {
      await waitReady(page.page);
      const paths = await page.page.$$("#chart0 .mark-symbol.role-mark path");
      await paths[0].hover({ force: true });
      await page.page.waitForTimeout(200);
      assert.equal(await page.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(page.dialogs, []);
    } finally {
      await page.close();
    }
  });
});

describe("static fallbacks", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it("show the process tree image and table, and the timeline PNG, with scripts off or stripped", async () => {
    const qp = new QueryProvider("LocalData");
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    const bundles = [toMimeBundle(plotProcessTree(tree, { legendCol: "SubjectUserName", showTable: true })), toMimeBundle(await timeline(await qp.SecurityAlert.list_alerts(), { sourceColumns: ["AlertName"], groupBy: "Severity" }))];
    for (const [mode, js] of [["inline", false], ["sanitized", true]] as const) {
      const page = await openOffline(browser, notebookPage(notebookFromBundles(bundles), { mode }), { javaScriptEnabled: js, name: `static-${mode}`, viewport: { width: 1200, height: 1400 } });
      try {
        const imgs = await page.page.$$eval("img", (is) => is.map((i) => ({ w: (i as HTMLImageElement).naturalWidth, shown: (i as HTMLElement).offsetWidth > 0, alt: i.getAttribute("alt") })));
        assert.equal(imgs.length, 2);
        assert.ok(imgs.every((i) => i.w > 300 && i.shown), JSON.stringify(imgs));
        assert.equal(imgs[0].alt, "Process tree: 18 of 18 processes");
        assert.equal(await page.page.$$eval("table.hl-pt-static-table tbody tr", (r) => r.length), 18);
        assert.equal(await page.page.$$eval(".hl-view-live", (l) => l.length), 0);
      } finally {
        await page.close();
      }
    }
  });
});
