/**
 * The lab notebook in JupyterLab 4, driven through JupyterLab's own UI in
 * Chromium with the network blocked except for the loopback server:
 * pick the "TypeScript (huntlab)" kernel, Run ▸ Run All Cells, wait for the
 * last cell, then check that JupyterLab renders every rich output and that each
 * interactive view answers the mouse and keyboard. Then: screenshots in
 * "JupyterLab Dark"; the saved notebook reopened as an untrusted copy (static
 * fallbacks, no script); and the Run All again with the Deno kernel.
 *
 * After tslab's Run All the notebook is saved and its outputs get the checks of
 * the headless run (test/notebooks/notebookRuns.ts: no error output or stderr,
 * the self-checks "not answered yet"): npm test runs this notebook headless in
 * tslab only where this file does not run (checkedInJupyterLab).
 *
 * Works on a copy of notebooks/HuntingLab.ipynb in a throw-away folder inside
 * the project (so the notebook's `../data` and `huntlab` resolve as they do
 * for notebooks/). Screenshots: test-results/jupyterlab/.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing } from "../browser/chromium";
import { measureContrast } from "../browser/contrast";
import { sharedChromium } from "../browser/sharedChromium";
import { copyNotebook, kernelRegistered, RESULTS, sharedLab, type LabServer } from "./labServer";
import { errorOutputs, kernelName, openNotebook, outputWith, paletteCommand, runAllAndWait, saveNotebook, screenshot, selectKernel, waitCellsAttached, waitKernelIdle, type LabPage } from "./labPage";
import { assertChecks, JUPYTERLAB_NOTEBOOK, savedProblems } from "../notebooks/notebookRuns";
import { tables, useClusterBrowser, useEntityGraph, useMap, useProcessTree, useQueryBrowser, useTiBrowser, vegaCharts, vegaTooltip, viewStates, VIEW, waitViewsSettled } from "./labViews";

const NOTEBOOK = JUPYTERLAB_NOTEBOOK;
const UNTRUSTED = "HuntingLab.untrusted-copy.ipynb";
/** JupyterLab's own console noise with kernels that have no debugger (tslab, Deno). */
const LAB_NOISE = /No active debugger session/;
/** Every live view kind the lab shows; each must go live in JupyterLab. */
const LIVE_KINDS = ["query-browser", "ti-browser", "geo-map", "entity-graph", "process-tree", "cluster-browser"];

const skip = chromiumMissing() ?? (!kernelRegistered("tslab") && "no tslab kernel spec in .jupyter/ (run `node scripts/run.mjs setup`)");

function pageErrors(lab: LabPage): string[] {
  return lab.pageErrors.filter((e) => !LAB_NOISE.test(e));
}

/** Cells in the notebook file (JupyterLab attaches them in batches). */
function cellCount(file: string): number {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: unknown[] }).cells.length;
}

describe("the lab notebook in JupyterLab 4, through its UI", { skip, timeout: 1_800_000 }, () => {
  /** The shared server's folder (labServer.ts, sharedLab). */
  let dir: string;
  let server: LabServer;
  let browser: Browser;
  let lab: LabPage;
  let ran = false;
  /** Line boxes of the address in the map popup opened by the map test. */
  let addressLines = 0;

  before(async () => {
    ({ server, dir } = await sharedLab());
    copyNotebook(NOTEBOOK, dir);
    browser = await sharedChromium();
    fs.rmSync(RESULTS, { recursive: true, force: true });
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    // The server and Chromium serve the next test file; this file's kernels end here.
    await lab?.close().catch(() => undefined);
    await server?.endSessions().catch(() => undefined);
  });

  test('TypeScript (huntlab): Run All Cells from the Run menu runs every cell without an error output', { timeout: 900_000 }, async () => {
    // A workspace of its own: the server's default one would show the other test files' notebooks. Opened without
    // its kernel, which is picked in the toolbar: picking starts a kernel even when it is the one running (two tslab
    // starts, ~3.5 s of CPU each, when the notebook was opened with its kernel).
    lab = await openNotebook(browser, server, NOTEBOOK, { workspace: "hunting-lab", kernel: false });
    const { page } = lab;
    await selectKernel(page, "TypeScript (huntlab)");
    await waitKernelIdle(page);
    assert.equal(await kernelName(page), "TypeScript (huntlab)");
    await waitCellsAttached(page, cellCount(path.join(dir, NOTEBOOK)));
    const run = await runAllAndWait(page);
    console.log(`tslab: ${run.executed} of ${run.codeCells} code cells in ${run.seconds} s through JupyterLab`);
    assert.ok(run.codeCells > 0);
    assert.deepEqual(await errorOutputs(page), []);
    assert.equal(run.executed, run.codeCells, "every code cell ran, the last one included");
    ran = true;
    // The saved outputs get the headless run's checks (npm test runs this notebook headless in tslab only without this file).
    await saveNotebook(page);
    const saved = path.join(dir, NOTEBOOK);
    assert.deepEqual(savedProblems(saved), [], "error outputs or stderr in the saved notebook");
    assertChecks(NOTEBOOK, saved);
  });

  test("every live view goes live in JupyterLab, with tables and Vega-Lite charts drawn by JupyterLab's renderer", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const { page } = lab;
    await waitViewsSettled(page);
    const states = await viewStates(page);
    for (const kind of LIVE_KINDS) {
      const views = states.filter((s) => s.kind === kind);
      assert.ok(views.length > 0, `no ${kind} output`);
      assert.deepEqual(views.map((v) => v.live), views.map(() => "1"), `${kind} did not go live`);
    }
    const frames = await tables(page);
    assert.ok(frames.count >= 5, `DataFrame tables: ${frames.count}`);
    assert.ok(frames.shapes.every((s) => /^\d+ rows? × \d+ columns?$/.test(s)), frames.shapes.join(", "));
    assert.ok(frames.firstHeader.length > 2, frames.firstHeader.join(", "));
    const charts = await vegaCharts(page);
    assert.ok(charts.outputs >= 3, `Vega-Lite outputs: ${charts.outputs}`);
    assert.equal(charts.drawn, charts.outputs, "every Vega-Lite output drawn by vega-embed");
    for (let i = 0; i < charts.outputs; i++) {
      const tip = await vegaTooltip(page, i);
      assert.match(tip, /Time/i, `chart ${i}: no tooltip on hover`);
      await screenshot(page.locator(".jp-OutputArea-output.jp-RenderedVegaLite").nth(i), RESULTS, `tslab-chart-${i}`);
    }
    await screenshot(outputWith(page, ".huntlab-df"), RESULTS, "tslab-table");
    assert.deepEqual(pageErrors(lab), []);
    assert.deepEqual(lab.blocked, [], "requests that left the machine");
  });

  test("query browser: typing in the filter narrows the list; selecting a query shows its details", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useQueryBrowser(lab.page, "logon");
    assert.ok(r.before.options.length > r.filtered.options.length, `filter did not narrow: ${r.filtered.count}`);
    assert.ok(r.filtered.options.length > 1);
    assert.match(r.filtered.count ?? "", new RegExp(`^${r.filtered.options.length} of ${r.before.options.length} queries$`));
    assert.notEqual(r.picked, r.filtered.detail, "pick a query other than the one already shown");
    assert.equal(r.selected.detail, r.picked);
    await screenshot(outputWith(lab.page, VIEW.queryBrowser), RESULTS, "tslab-query-browser");
  });

  test("TI browser: picking an indicator shows it; a severity check box removes its indicators", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useTiBrowser(lab.page, "information");
    assert.ok(r.before.options.length > 1, r.before.options.join(" | "));
    assert.equal(r.selected.heading, r.picked.split("  ")[0]);
    assert.ok(r.before.checked.includes("information") && !r.toggled.checked.includes("information"));
    assert.ok(r.toggled.options.length < r.before.options.length, `${r.before.count} → ${r.toggled.count}`);
    assert.ok(r.toggled.options.every((o) => !/\binformation\b/.test(o)));
    await screenshot(outputWith(lab.page, VIEW.tiBrowser), RESULTS, "tslab-ti-browser");
  });

  test("map: clicking a cluster opens it up; clicking a point opens its popup", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useMap(lab.page);
    assert.ok(r.clusters > 0, "no marker clusters");
    assert.notEqual(r.reaction, "none", "the cluster neither zoomed in nor spread its points");
    assert.match(r.popup, /^Address\s*\S+/);
    addressLines = r.addressLines;
    await screenshot(outputWith(lab.page, VIEW.geoMap), RESULTS, "tslab-map");
  });

  // JupyterLab's table styles (.jp-RenderedHTMLCommon) used to squeeze the value column to a character per line.
  test("map popups lay their values out readably in JupyterLab", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    assert.ok(addressLines > 0, "no popup measured");
    assert.equal(addressLines, 1, `the address in the popup takes ${addressLines} lines`);
  });

  test("process tree: double-click folds and unfolds a subtree; click shows a process's details", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useProcessTree(lab.page);
    assert.ok(r.visible > 1);
    assert.ok(r.folded < r.visible, `double-click did not fold: ${r.visible} → ${r.folded}`);
    assert.equal(r.unfolded, r.visible, "double-click again did not unfold");
    assert.match(r.details, /Process/);
    assert.equal(r.selectedRow, 1, "the process's table row is highlighted");
    await screenshot(outputWith(lab.page, VIEW.processTree), RESULTS, "tslab-process-tree");
  });

  test("entity graph: tapping a node selects it and shows its details", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useEntityGraph(lab.page);
    assert.ok(r.nodes > 1);
    assert.equal(r.selected, r.tapped);
    assert.ok(r.heading.length > 0, "no details heading");
    await screenshot(outputWith(lab.page, VIEW.entityGraph), RESULTS, "tslab-entity-graph");
  });

  test("cluster browser: picking a session shows its events", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const r = await useClusterBrowser(lab.page);
    assert.ok(r.options > 1);
    assert.ok(r.before > 0 && r.after > 0, `rows: ${r.before} → ${r.after}`);
    assert.ok(r.label.length > 0);
    await screenshot(outputWith(lab.page, VIEW.clusterBrowser), RESULTS, "tslab-cluster-browser");
    assert.deepEqual(pageErrors(lab), []);
    assert.deepEqual(lab.blocked, []);
  });

  test('"JupyterLab Dark" (chosen in the command palette): every view sits on a dark ground; a screenshot of each', async (t) => {
    if (!ran) return t.skip("the Run All failed");
    const { page } = lab;
    await paletteCommand(page, "Use Theme: JupyterLab Dark");
    await page.waitForFunction(() => document.body.getAttribute("data-jp-theme-name") === "JupyterLab Dark", null, { timeout: 30_000, polling: 100 });
    await page.waitForTimeout(500);
    const shots: [string, string][] = [
      ["query-browser", VIEW.queryBrowser],
      ["ti-browser", VIEW.tiBrowser],
      ["map", VIEW.geoMap],
      ["entity-graph", VIEW.entityGraph],
      ["process-tree", VIEW.processTree],
      ["cluster-browser", VIEW.clusterBrowser],
      ["table", ".huntlab-df"],
    ];
    // The theme reached each view: what is behind it (its background over its ancestors') is dark. JupyterLab
    // Dark's grounds are ~0.01-0.02 in relative luminance, Light's ~0.85-1; a view painting its own light ground fails.
    const light: string[] = [];
    for (const [name, selector] of shots) {
      await screenshot(outputWith(page, selector), RESULTS, `dark-${name}`);
      const { ground } = await measureContrast(page, `.jp-NotebookPanel:not(.lm-mod-hidden) ${selector}`, { texts: false });
      if (!(ground < 0.2)) light.push(`${name}: ${ground.toFixed(3)}`);
    }
    assert.deepEqual(light, [], "views whose ground is not dark (relative luminance, bound 0.2)");
    const charts = (await vegaCharts(page)).outputs;
    for (let i = 0; i < charts; i++) await screenshot(page.locator(".jp-OutputArea-output.jp-RenderedVegaLite").nth(i), RESULTS, `dark-chart-${i}`);
    await paletteCommand(page, "Use Theme: JupyterLab Light");
    await page.waitForFunction(() => document.body.getAttribute("data-jp-theme-name") === "JupyterLab Light", null, { timeout: 30_000, polling: 100 });
  });

  test("saved, then reopened as an untrusted copy: the static fallbacks show and no script runs", async (t) => {
    if (!ran) return t.skip("the Run All failed");
    // Where this test's time goes (it is one of the stage's longest), printed at the end.
    const laps: string[] = [];
    let lapStart = Date.now();
    const lap = (what: string) => {
      laps.push(`${what} ${((Date.now() - lapStart) / 1000).toFixed(1)} s`);
      lapStart = Date.now();
    };
    await saveNotebook(lab.page);
    lap("saved");
    // A copy with outputs whose contents differ from what the server signed: untrusted.
    const saved = JSON.parse(fs.readFileSync(path.join(dir, NOTEBOOK), "utf8")) as { metadata: Record<string, unknown>; cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
    assert.ok(saved.cells.some((c) => (c.outputs ?? []).length > 0), "the saved notebook has no outputs");
    saved.metadata.huntlab_test = "untrusted copy";
    // Only the cells whose outputs have scripts to withhold or a chart, and of those only the first
    // with each view kind (and the first chart): every kind is among them, and JupyterLab opens,
    // sanitizes (untrusted HTML) and lays out the copy in a fraction of the whole notebook's time.
    // A second map or graph is the same code on other data, at ~350 kB of HTML each.
    const seen = new Set<string>();
    const firstOfAKind = (c: (typeof saved.cells)[number]) => {
      const kinds = (c.outputs ?? []).flatMap((o) => [
        ...Array.from(String(([] as unknown[]).concat(o.data?.["text/html"] ?? "").join("")).matchAll(/class="hl-view hl-view-([a-z]+(?:-[a-z]+)*)/g), (m) => m[1]),
        ...("application/vnd.vegalite.v5+json" in (o.data ?? {}) ? ["vega-lite"] : []),
      ]);
      const fresh = kinds.some((k) => !seen.has(k));
      for (const k of kinds) seen.add(k);
      return fresh;
    };
    saved.cells = saved.cells.filter(firstOfAKind);
    fs.writeFileSync(path.join(dir, UNTRUSTED), JSON.stringify(saved));
    // A workspace of its own: the default one would reopen the trusted notebook beside it. A page of
    // its own (no huntlab runtime loaded before) in the same browser context: JupyterLab's scripts come cached.
    // Without a kernel (Open With ▸ Notebook (no kernel)): its saved outputs are what is checked, and a tslab
    // kernel's start (~3.5 s of CPU) would run beside the rendering until the file's end.
    const copy = await openNotebook(browser, server, UNTRUSTED, { workspace: "untrusted", context: lab.context, kernel: false });
    try {
      const { page } = copy;
      lap("opened");
      await waitCellsAttached(page, saved.cells.length);
      lap("cells attached");
      await page.waitForFunction((n) => document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view").length >= n, LIVE_KINDS.length, { timeout: 60_000, polling: 250 });
      await page.waitForTimeout(2000);
      lap("views shown");
      const states = await viewStates(page);
      for (const kind of LIVE_KINDS) assert.ok(states.some((s) => s.kind === kind), `no ${kind} output in the untrusted copy`);
      assert.deepEqual(states.filter((s) => s.live !== null), [], "a view's script ran in an untrusted notebook");
      assert.equal(await page.locator(".jp-NotebookPanel").count(), 1, "only the untrusted copy is open");
      const ran = await page.evaluate(() => "__huntlab_js_v1" in window);
      assert.equal(ran, false, "huntlab's runtime was loaded in an untrusted notebook");
      for (const kind of LIVE_KINDS) {
        const output = outputWith(page, `.hl-view-${kind}`);
        const fallback = output.locator(".hl-view-static").first();
        // The screenshot scrolls the output into view and waits until it stops moving.
        await screenshot(output, RESULTS, `untrusted-${kind}`);
        assert.ok(await fallback.isVisible(), `${kind}: static fallback hidden`);
        assert.ok(((await fallback.textContent()) ?? "").trim().length > 0 || (await fallback.locator("img").count()) > 0, `${kind}: empty fallback`);
      }
      lap("fallbacks checked");
      const charts = await page.evaluate(() => ({
        vega: document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedVegaLite .vega-embed").length,
        images: document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img").length,
      }));
      console.log(`untrusted copy: ${charts.vega} Vega-Lite charts drawn, ${charts.images} images`);
      // JupyterLab counts a Vega-Lite spec as data, not script: it draws it in untrusted notebooks too.
      assert.ok(charts.vega > 0, "JupyterLab no longer draws Vega-Lite in untrusted notebooks: the README's front-end table needs updating");
      assert.deepEqual(pageErrors(copy), []);
      assert.deepEqual(copy.blocked, []);
    } finally {
      await copy.close();
      lap("closed");
      console.log(`untrusted copy: ${laps.join(", ")}`);
    }
  });

  test("Deno (huntlab): Run All Cells runs every cell without an error output, and the views go live", { timeout: 900_000, skip: !kernelRegistered("deno") && "no Deno kernel registered" }, async (t) => {
    if (!lab) return t.skip("JupyterLab did not open the notebook");
    const { page } = lab;
    await selectKernel(page, "Deno (huntlab)");
    await waitKernelIdle(page);
    const run = await runAllAndWait(page);
    console.log(`Deno: ${run.executed} of ${run.codeCells} code cells in ${run.seconds} s through JupyterLab`);
    assert.deepEqual(await errorOutputs(page), []);
    assert.equal(run.executed, run.codeCells);
    await waitViewsSettled(page);
    const states = await viewStates(page);
    for (const kind of LIVE_KINDS) {
      const views = states.filter((s) => s.kind === kind);
      assert.ok(views.length > 0 && views.every((v) => v.live === "1"), `${kind}: ${JSON.stringify(views)}`);
    }
    const charts = await vegaCharts(page);
    assert.ok(charts.outputs >= 3 && charts.drawn === charts.outputs, JSON.stringify(charts));
    assert.match(await vegaTooltip(page, 0), /Time/i);
    for (const [name, selector] of [["map", VIEW.geoMap], ["process-tree", VIEW.processTree], ["query-browser", VIEW.queryBrowser]] as const) {
      await screenshot(outputWith(page, selector), RESULTS, `deno-${name}`);
    }
    assert.deepEqual(pageErrors(lab), []);
    assert.deepEqual(lab.blocked, []);
  });
});
