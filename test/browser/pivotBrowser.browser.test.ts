/**
 * `pivot.browse()` in real Chromium, offline: the filter narrows the list,
 * selecting a function shows its details and a copy-ready call, and without
 * scripts (or sanitised) every function is listed statically. Hostile entries
 * run nothing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Locator } from "playwright-core";
import { QueryProvider } from "../../src/data/queryProvider";
import { TILookup } from "../../src/context/tiLookup";
import { Pivot } from "../../src/pivot";
import { PivotBrowser, pivotCallExample, pivotKey, type PivotBrowserEntry } from "../../src/vis/pivotBrowser";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { revealHidden } from "../../src/display/html";
import { chromiumMissing, openOffline, PAGE_ORIGIN, type OfflinePage } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { notebookFromBundles, notebookPage, type InsertMode, type Notebook } from "./notebookPage";

const ROOT = ".hl-view-pivot-browser";

const XSS = "<img src=x onerror=\"window.__xss=1\">";
const HOSTILE: PivotBrowserEntry[] = [
  {
    entity: "Ip",
    namespace: "LocalData",
    family: `Fam${XSS}`,
    name: `q</script><script>window.__xss=2</script>\u2028`,
    description: `desc ${XSS}`,
    inputAttribute: "Address",
    inputColumn: `col${XSS}`,
    parameters: [{ name: `p${XSS}`, type: "str", description: XSS, required: false }],
    outputColumns: [XSS],
    source: XSS,
    batching: "per value",
  },
  { entity: "Host", namespace: "util", family: "", name: "dnsResolve", description: "Resolve", inputAttribute: "HostName", inputColumn: "HostName", parameters: [], outputColumns: ["status"], source: "dnsResolve", batching: "per value" },
];

interface LiveState {
  options: string[];
  selected: string | null;
  key: string | null;
  heading: string | null;
  example: string | null;
  count: string | null;
}

function liveState(root: Locator): Promise<LiveState> {
  return root.evaluate((r) => {
    const list = r.querySelector<HTMLSelectElement>(".hl-pb-list");
    const panel = r.querySelector(".hl-pb-panel");
    return {
      options: Array.from(list?.options ?? [], (o) => o.textContent ?? ""),
      selected: list?.selectedOptions[0]?.textContent ?? null,
      key: panel?.querySelector(".hl-pb-detail-key")?.textContent ?? null,
      heading: panel?.querySelector(".hl-pb-desc")?.textContent ?? null,
      example: panel?.querySelector(".hl-pb-example")?.textContent ?? null,
      count: r.querySelector(".hl-pb-count")?.textContent ?? null,
    };
  });
}

function assertClean(opened: OfflinePage): void {
  assert.deepEqual(opened.errors, [], "page errors");
  assert.deepEqual(opened.dialogs, [], "dialogs");
  assert.deepEqual(opened.blocked, [], "network requests");
}

describe("pivot browser in Chromium", { skip: chromiumMissing() }, () => {
  let browser: Browser;
  let view: PivotBrowser;
  let notebook: Notebook;
  const opened: OfflinePage[] = [];

  async function open(nb: Notebook, mode: InsertMode, javaScriptEnabled = true): Promise<OfflinePage> {
    const page = await openOffline(browser, notebookPage(nb, { mode }), { name: `pivotBrowser-${opened.length + 1}-${mode}${javaScriptEnabled ? "" : "-nojs"}`, javaScriptEnabled });
    opened.push(page);
    return page;
  }

  before(async () => {
    const pivot = new Pivot({ providers: [new QueryProvider("LocalData"), new TILookup({ providers: ["LocalTI"] })] });
    view = pivot.browse();
    notebook = notebookFromBundles([view[JUPYTER_DISPLAY]()]);
    browser = await sharedChromium();
  });
  after(async () => {
    await Promise.all(opened.map((p) => p.close()));
    await releaseChromium(browser);
  });

  test("lists every function, first one selected", async () => {
    const page = await open(notebook, "lab");
    const root = page.page.locator(ROOT).first();
    const keys = view.entries.map(pivotKey);
    assert.ok(keys.includes("Ip.util.ipType") && keys.includes("Host.LocalData.WindowsSecurity.list_host_logons") && keys.includes("Ip.ti.lookupIp_LocalTI"));
    assert.ok(await root.locator(".hl-view-static").isHidden());
    const state = await liveState(root);
    assert.deepEqual(state.options, keys);
    assert.equal(state.selected, keys[0]);
    assert.equal(state.key, keys[0]);
    assert.equal(state.count, `${keys.length} of ${keys.length} functions`);
    assertClean(page);
  });

  test("the filter narrows the list (case-insensitive, description too)", async () => {
    const page = await open(notebook, "classic");
    const root = page.page.locator(ROOT).first();
    const filter = root.locator("input.hl-pb-filter");
    await filter.pressSequentially("logon");
    const expected = view.entries.filter((e) => `${pivotKey(e)}\n${e.description}`.toLowerCase().includes("logon")).map(pivotKey);
    let state = await liveState(root);
    assert.deepEqual(state.options, expected);
    assert.ok(expected.length >= 3);
    assert.equal(state.count, `${expected.length} of ${view.entries.length} functions`);
    await filter.fill("GEOLOC");
    assert.deepEqual((await liveState(root)).options, ["Ip.util.geoLoc"]);
    await filter.fill("zzz nothing");
    state = await liveState(root);
    assert.deepEqual(state.options, []);
    assert.equal(await root.locator(".hl-pb-nomatch").textContent(), "No pivot functions match the filter.");
    assertClean(page);
  });

  test("selecting shows the details and Copy gives the call", async () => {
    const page = await open(notebook, "lab");
    await page.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: PAGE_ORIGIN });
    const root = page.page.locator(ROOT).first();
    await root.locator("select.hl-pb-list").selectOption({ label: "Host.LocalData.WindowsSecurity.list_host_logons" });
    const state = await liveState(root);
    const entry = view.entries.find((e) => pivotKey(e) === "Host.LocalData.WindowsSecurity.list_host_logons")!;
    assert.equal(state.heading, entry.description);
    assert.equal(state.example, pivotCallExample(entry));
    assert.match(state.example ?? "", /^await entities\.Host\.LocalData\.WindowsSecurity\.list_host_logons\("WKS-0042"\);/);
    const params = await root.locator(".hl-pb-panel .hl-pb-params tbody tr td:first-child").allTextContents();
    assert.deepEqual(params, ["start", "end", "account_name", "ip_address"]);
    await root.locator(".hl-pb-panel button.hl-pb-copy").click();
    await root.locator(".hl-pb-panel button.hl-pb-copy", { hasText: "Copied" }).waitFor({ timeout: 2000 });
    assert.equal(await page.page.evaluate(() => navigator.clipboard.readText()), state.example);
    assertClean(page);
  });

  for (const [label, mode, js] of [
    ["JavaScript disabled", "inline", false],
    ["sanitised", "sanitized", true],
  ] as const) {
    test(`static fallback (${label}): every function listed, details open without script`, async () => {
      const page = await open(notebook, mode, js);
      const root = page.page.locator(ROOT).first();
      assert.equal(await root.locator(".hl-pb-live").count(), 0);
      const keys = await root.locator(".hl-view-static .hl-pb-item .hl-pb-key").allTextContents();
      assert.deepEqual(keys, view.entries.map(pivotKey));
      const item = root.locator(".hl-view-static .hl-pb-item").nth(1);
      await item.locator("summary").click();
      assert.ok(await item.locator(".hl-pb-example").isVisible());
      if (js) assertClean(page);
    });
  }

  for (const mode of ["lab", "sanitized"] as const) {
    test(`hostile entries run nothing (${mode})`, async () => {
      const hostile = new PivotBrowser(HOSTILE);
      const page = await open(notebookFromBundles([hostile[JUPYTER_DISPLAY]()]), mode);
      const root = page.page.locator(ROOT).first();
      const expected = HOSTILE.map((e) => revealHidden(pivotKey(e), { keepLayout: true }));
      assert.deepEqual(await root.locator(".hl-view-static .hl-pb-key").allTextContents(), expected);
      if (mode === "lab") {
        assert.deepEqual((await liveState(root)).options, expected);
        await root.locator("select.hl-pb-list").selectOption({ index: 0 });
        assert.equal((await liveState(root)).key, expected[0]);
      } else {
        for (const summary of await root.locator("summary").all()) await summary.click();
      }
      await page.page.waitForTimeout(100);
      assert.equal(await page.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
      assert.equal(await page.page.locator(`${ROOT} img, ${ROOT} * script`).count(), 0);
      assertClean(page);
    });
  }
});
