/**
 * The logon-session browser in Chromium: pick a session in the select list and
 * see its logons; hostile data stays text; without scripts the static list of
 * sessions (each with its logons) shows.
 *
 * Source: the executed lab notebook when it exists (its session browser), and
 * always a browser built here from the lab data with a hostile account name.
 * The executed notebook's ML section is also checked for the exercise's
 * verdict and the anomaly chart.
 */
import assert from "node:assert/strict";
import { after, before, describe, it, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { withStringScore } from "../../src/analysis/features";
import { clusterBrowser } from "../../src/vis/clusterBrowser";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { cellsShowing, executedNotebook, notebookFromBundles, notebookPage, requireSection, sectionSkip, type Notebook } from "./notebookPage";

const skip = chromiumMissing();
// Under 50 characters: table cells cut longer text (the full text goes in the title).
const HOSTILE = `<svg onload=alert(1)><script>alert(2)</script>`;

async function fixtureNotebook(): Promise<Notebook> {
  const qp = new QueryProvider("LocalData");
  const logons = await qp.WindowsSecurity.list_host_logons();
  const names = (logons.getColumn("TargetUserName").toArray() as unknown as string[]).map((n) => (n === "ian" ? HOSTILE : n));
  const hostile = withStringScore(withStringScore(logons.withColumns(pl.Series("TargetUserName", names)), "Account", "AccountNum"), "TargetUserName", "TargetUserNum");
  const result = dbclusterEvents(hostile, { clusterColumns: ["AccountNum", "TargetUserNum", "LogonType"], maxClusterDistance: 0.0001, timeColumn: "TimeGenerated" });
  const view = clusterBrowser(result, { labelColumns: ["TargetUserName", "LogonType"], columns: ["TimeGenerated", "Account", "TargetUserName", "LogonType"], unit: "logons" });
  return notebookFromBundles([{ "text/html": view.toHtml(), "text/plain": view.toText() }]);
}

/** Rows of the table in the live panel: [TargetUserName, LogonType] per row. */
function panelRows(page: Page, root: string): Promise<string[][]> {
  return page.$eval(root, (r) => {
    const table = r.querySelector(".hl-cb-panel table");
    if (!table) return [];
    const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent?.trim() ?? "");
    const user = heads.indexOf("TargetUserName");
    const type = heads.indexOf("LogonType");
    return Array.from(table.querySelectorAll("tbody tr"), (tr) => {
      const cells = Array.from(tr.querySelectorAll("th,td"), (c) => c.textContent?.trim() ?? "");
      return [cells[user], cells[type]];
    });
  });
}

describe("logon-session browser in Chromium", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("picking a session shows that session's logons (fixture with hostile names)", async () => {
    const page = await openOffline(browser, notebookPage(await fixtureNotebook(), { mode: "lab" }), { name: "cluster-browser" });
    try {
      const root = ".hl-view-cluster-browser";
      await page.page.waitForSelector(`${root}[data-hl-live="1"]`, { timeout: 15000 });
      const options = await page.page.$$eval(`${root} select.hl-cb-list option`, (os) => os.map((o) => o.textContent ?? ""));
      assert.equal(options.length, 13);
      assert.ok(options[0].startsWith(`${HOSTILE} · 4:`), "hostile name shown as text");
      assert.equal(await page.page.$eval(`${root} .hl-view-static`, (e) => (e as HTMLElement).style.display), "none");
      // First entry is selected on load.
      assert.deepEqual(await panelRows(page.page, root), [[HOSTILE, "4"]]);
      const admin = options.findIndex((o) => o.startsWith("MSTICAdmin · 3:"));
      await page.page.selectOption(`${root} select.hl-cb-list`, String(admin));
      const rows = await panelRows(page.page, root);
      assert.equal(rows.length, 8);
      assert.ok(rows.every(([user, type]) => user === "MSTICAdmin" && type === "3"));
      const system = options.findIndex((o) => o.startsWith("SYSTEM · 5:"));
      await page.page.selectOption(`${root} select.hl-cb-list`, String(system));
      assert.match(await page.page.$eval(`${root} .hl-cb-panel`, (p) => p.textContent ?? ""), /120 rows × 4 columns/);
      assert.equal(await page.page.$$eval("svg[onload]", (els) => els.length), 0);
      assert.deepEqual(page.dialogs, []);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.blocked, []);
    } finally {
      await page.close();
    }
  });

  it("without scripts: a static list of every session with its logons", async () => {
    for (const [mode, js] of [["inline", false], ["sanitized", true]] as const) {
      const page = await openOffline(browser, notebookPage(await fixtureNotebook(), { mode }), { javaScriptEnabled: js, name: `cluster-browser-static-${mode}` });
      try {
        const items = await page.page.$$eval(".hl-cb-item summary", (s) => s.map((x) => x.textContent ?? ""));
        assert.equal(items.length, 13);
        await page.page.click(".hl-cb-item:nth-child(3) summary");
        assert.match(await page.page.$eval(".hl-cb-item:nth-child(3)", (d) => d.textContent ?? ""), /8 rows × 4 columns/);
        assert.deepEqual(page.dialogs, []);
      } finally {
        await page.close();
      }
    }
  });

  const notebook = executedNotebook();
  const hasBrowser = notebook?.cells.some((c) => JSON.stringify(c.outputs ?? []).includes("hl-view-cluster-browser")) ?? false;
  const browserOutput = "the session browser output (hl-view-cluster-browser)";
  it("the executed lab notebook: its session browser works", { skip: sectionSkip(hasBrowser, browserOutput) }, async () => {
    requireSection(notebook, hasBrowser, browserOutput);
    const page = await openOffline(browser, notebookPage(cellsShowing(notebook as Notebook, "hl-view-cluster-browser"), { mode: "lab" }), { name: "cluster-browser-notebook" });
    try {
      const root = ".hl-view-cluster-browser";
      await page.page.waitForSelector(`${root}[data-hl-live="1"]`, { timeout: 20000 });
      const options = await page.page.$$eval(`${root} select.hl-cb-list option`, (os) => os.map((o) => o.textContent ?? ""));
      assert.equal(options.length, 13);
      const admin = options.findIndex((o) => o.startsWith("MSTICAdmin · 3:"));
      assert.ok(admin >= 0, options.join("\n"));
      await page.page.selectOption(`${root} select.hl-cb-list`, String(admin));
      const rows = await panelRows(page.page, root);
      assert.equal(rows.length, 8);
      assert.ok(rows.every(([user, type]) => user === "MSTICAdmin" && type === "3"));
      assert.deepEqual(page.dialogs, []);
    } finally {
      await page.close();
    }
  });
});

const executed = executedNotebook();
const mlCells = (executed?.cells ?? []).filter((c) => (c as { metadata?: { huntlab_section?: string } }).metadata?.huntlab_section === "ml");
const mlSection = 'the ML section (cells with huntlab_section "ml")';
test("the executed lab notebook's ML section: the anomaly chart and the exercise's answers", { skip: sectionSkip(mlCells.length > 0, mlSection) }, () => {
  requireSection(executed, mlCells.length > 0, mlSection);
  const outputs = mlCells.flatMap((c) => c.outputs ?? []);
  const data = outputs.map((o) => (o as { data?: Record<string, unknown> }).data ?? {});
  const chart = data.find((d) => d["application/vnd.vegalite.v5+json"]);
  assert.ok(chart, "a Vega-Lite chart");
  assert.ok(chart["image/png"], "with its PNG");
  assert.match(String(chart["text/plain"]), /2 anomalies: 2020-07-10 18:00 \(spike\), 2020-07-10 19:00 \(spike\)/);
  const verdict = data.map((d) => [d["text/plain"]].flat().join("")).find((t) => t.includes("question1"));
  assert.equal(verdict, "✓ question1: 2020-07-10 is right.\n✓ question2: 29670 is right.\nBoth answers are right, well done!");
});
