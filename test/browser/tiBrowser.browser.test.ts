/**
 * The TI results browser in real Chromium, offline: filter box, severity
 * check boxes, selection, safe links, hostile data, static fallback; and the
 * browsers of the executed lab notebook when it exists.
 */
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Locator } from "playwright-core";
import { browseResults } from "../../src/vis/tiBrowser";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { chromiumMissing, openOffline, type OfflinePage } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { cellsShowing, executedNotebook, notebookFromBundles, notebookPage, type InsertMode, type Notebook } from "./notebookPage";
import { BIDI_ROWS, FIXTURE_ROWS, HOSTILE_REFERENCES, tiFrame, XSS_ROWS } from "./fixtures/tiResults";

/** The root element of a TI results browser output. */
const ROOT = ".hl-view-ti-browser";

const FIXTURE_NOTEBOOK = notebookFromBundles([
  browseResults(tiFrame(FIXTURE_ROWS))[JUPYTER_DISPLAY](),
  browseResults(tiFrame(FIXTURE_ROWS), { severities: "all" })[JUPYTER_DISPLAY](),
]);
const XSS_NOTEBOOK = notebookFromBundles([browseResults(tiFrame(XSS_ROWS), { severities: "all" })[JUPYTER_DISPLAY]()]);
const BIDI_NOTEBOOK = notebookFromBundles([browseResults(tiFrame(BIDI_ROWS), { severities: "all" })[JUPYTER_DISPLAY]()]);
/** Bidi overrides and isolates, zero-width characters, ESC: what must never reach the page as is. */
const HIDDEN = /[\u001b\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

interface LiveState {
  options: string[];
  selected: string | null;
  heading: string | null;
  sections: string[];
  count: string | null;
  checked: string[];
}

function liveState(root: Locator): Promise<LiveState> {
  return root.evaluate((r) => {
    const list = r.querySelector<HTMLSelectElement>(".hl-tib-list");
    const panel = r.querySelector(".hl-tib-panel");
    return {
      options: Array.from(list?.options ?? [], (o) => o.textContent ?? ""),
      selected: list?.selectedOptions[0]?.textContent ?? null,
      heading: panel?.querySelector(".hl-tib-head")?.textContent ?? null,
      sections: Array.from(panel?.querySelectorAll(".hl-tib-prov h4") ?? [], (h) => h.textContent ?? ""),
      count: r.querySelector(".hl-tib-count")?.textContent ?? null,
      checked: Array.from(r.querySelectorAll<HTMLInputElement>(".hl-tib-sevbox"), (b) => (b.checked ? b.value : "")).filter(Boolean),
    };
  });
}

function assertClean(opened: OfflinePage): void {
  assert.deepEqual(opened.errors, [], "page errors");
  assert.deepEqual(opened.dialogs, [], "dialogs");
  assert.deepEqual(opened.blocked, [], "network requests");
}

const iocOf = (label: string) => label.split("  ")[0];

describe("TI results browser in Chromium", { skip: chromiumMissing() }, () => {
  let browser: Browser;
  /** The pages of the running test, handed back when it ends. */
  const opened: OfflinePage[] = [];
  let count = 0;

  async function open(nb: Notebook, mode: InsertMode, javaScriptEnabled = true): Promise<OfflinePage> {
    const name = `tiBrowser-${++count}-${mode}${javaScriptEnabled ? "" : "-nojs"}`;
    const page = await openOffline(browser, notebookPage(nb, { mode }), { name, javaScriptEnabled });
    opened.push(page);
    return page;
  }

  before(async () => {
    browser = await sharedChromium();
  });
  // Each test's page goes back for reuse when the test ends: kept open to the end of the file, every test
  // made a new page (~0.7 s of CPU each, chromium.ts) where a warm idle one could have served.
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await releaseChromium(browser);
  });

  for (const mode of ["lab", "classic"] as const) {
    test(`interactive (${mode}): warning and high by default, highest first, first selected`, async () => {
      const page = await open(FIXTURE_NOTEBOOK, mode);
      const root = page.page.locator(ROOT).first();
      assert.ok(await root.locator(".hl-view-static").isHidden());
      const state = await liveState(root);
      assert.deepEqual(state.options.map(iocOf), ["131.107.147.209", "wh401k.org", "45.83.66.10"]);
      assert.equal(state.options[1], "wh401k.org  [dns]  high  LocalTI, VirusTotal");
      assert.deepEqual(state.checked, ["high", "warning"]);
      assert.equal(state.count, "3 of 5 indicators");
      assert.equal(iocOf(state.selected ?? ""), "131.107.147.209");
      assert.equal(state.heading, "131.107.147.209");
      // Only the sections at the selected severities: LocalTI's high, not GreyNoise's information.
      assert.deepEqual(state.sections, ["ipv4 · LocalTI · severity: high"]);
      assertClean(page);
    });
  }

  test("the filter box narrows the list, case-insensitively, by value, type or provider", async () => {
    const { page } = await open(FIXTURE_NOTEBOOK, "lab");
    const root = page.locator(ROOT).first();
    const filter = root.locator("input.hl-tib-filter");
    await filter.pressSequentially("WH401");
    assert.deepEqual((await liveState(root)).options.map(iocOf), ["wh401k.org"]);
    await filter.fill("abuseipdb");
    assert.deepEqual((await liveState(root)).options.map(iocOf), ["45.83.66.10"]);
    await filter.fill("[dns]");
    assert.deepEqual((await liveState(root)).options.map(iocOf), ["wh401k.org"]);
    await filter.fill("nothing like this");
    const none = await liveState(root);
    assert.deepEqual(none.options, []);
    assert.equal(none.count, "0 of 5 indicators");
    assert.equal(await root.locator(".hl-tib-nomatch").textContent(), "No indicators match the filter.");
    await filter.fill("");
    assert.equal((await liveState(root)).options.length, 3);
  });

  test("severity check boxes add and remove indicators and provider sections", async () => {
    const { page } = await open(FIXTURE_NOTEBOOK, "lab");
    const root = page.locator(ROOT).first();
    await root.locator('.hl-tib-sevbox[value="information"]').check();
    let state = await liveState(root);
    assert.deepEqual(state.options.map(iocOf), ["131.107.147.209", "wh401k.org", "45.83.66.10", "10.0.3.4"]);
    assert.equal(state.options[3], "10.0.3.4  [ipv4]  information  LocalTI  (no hits)");
    assert.deepEqual(state.sections, ["ipv4 · LocalTI · severity: high", "ipv4 · GreyNoise · severity: information"]);
    await root.locator('.hl-tib-sevbox[value="unknown"]').check();
    assert.equal((await liveState(root)).options.length, 5);
    await root.locator('.hl-tib-sevbox[value="high"]').uncheck();
    await root.locator('.hl-tib-sevbox[value="warning"]').uncheck();
    state = await liveState(root);
    assert.deepEqual(state.options.map(iocOf), ["131.107.147.209", "10.0.3.4", "5.5.5.50"]);
    // Its one lookup failed (HTTP 500): not looked up, not "(no hits)" as a clean answer.
    assert.equal(state.options[2], "5.5.5.50  [ipv4]  unknown  GreyNoise  (not looked up)");
    // The label shows the highest severity among the ticked ones.
    assert.equal(state.options[0], "131.107.147.209  [ipv4]  information  GreyNoise");
    assert.deepEqual(state.sections, ["ipv4 · GreyNoise · severity: information"]);
  });

  test("selecting an indicator shows each provider's details, a safe link and the raw result", async () => {
    const { page, context } = await open(FIXTURE_NOTEBOOK, "lab");
    const root = page.locator(ROOT).nth(1); // severities: "all"
    const list = root.locator("select.hl-tib-list");
    await list.selectOption({ index: 0 });
    let state = await liveState(root);
    assert.deepEqual(state.sections, ["ipv4 · LocalTI · severity: high", "ipv4 · GreyNoise · severity: information"]);
    const panel = root.locator(".hl-tib-panel");
    assert.equal(await panel.locator("table.hl-tib-details th").first().textContent(), "Description");
    const link = panel.locator("a");
    assert.equal(await link.count(), 1);
    assert.equal(await link.getAttribute("href"), "https://api.greynoise.io/v3/community/131.107.147.209");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(await link.getAttribute("target"), "_blank");
    // Clicking opens a new tab (blocked offline), never navigates the notebook.
    const popup = context.waitForEvent("page", { timeout: 3000 }).catch(() => undefined);
    await link.click();
    const opened = await popup;
    assert.ok(page.url().startsWith("https://huntlab.test/"));
    if (opened) {
      assert.equal(await opened.evaluate(() => window.opener), null, "noopener");
      await opened.close();
    }
    const raw = panel.locator(".hl-tib-raw").last();
    await raw.locator("summary").click();
    assert.match((await raw.locator("pre").textContent()) ?? "", /"classification": "benign"/);

    await list.selectOption({ label: "wh401k.org  [dns]  high  LocalTI, VirusTotal" });
    state = await liveState(root);
    assert.equal(state.heading, "wh401k.org");
    assert.equal(await panel.locator("a").count(), 0, "a javascript: reference is never a link");
    assert.equal(await panel.locator(".hl-tib-ref-text").textContent(), "javascript:alert(document.domain)");

    // Keyboard: arrow keys move the selection and the panel follows.
    await list.focus();
    await page.keyboard.press("ArrowDown");
    assert.equal((await liveState(root)).heading, "45.83.66.10");
  });

  for (const mode of ["lab", "classic", "sanitized"] as const) {
    test(`hostile indicators, details and references run nothing (${mode})`, async () => {
      const opened = await open(XSS_NOTEBOOK, mode);
      const { page } = opened;
      const root = page.locator(ROOT).first();
      if (mode === "sanitized") {
        for (const summary of await root.locator("summary").all()) await summary.click();
      } else {
        const options = (await liveState(root)).options;
        assert.equal(options.length, XSS_ROWS.length);
        // Invisible characters in the data (U+2028/9) are shown as \u2028 in the list, never as they act.
        assert.ok(options.every((o) => !/[\u2028\u2029]/.test(o)), "raw line separators in the list");
        assert.ok(options.some((o) => o.includes("\\u2028\\u2029")), "revealed line separators in the list");
        for (let i = 0; i < options.length; i++) {
          await root.locator("select.hl-tib-list").selectOption({ index: i });
          for (const summary of await root.locator(".hl-tib-panel summary").all()) await summary.click();
        }
        await root.locator("input.hl-tib-filter").fill("<img src=x onerror=alert(1)>");
      }
      await page.waitForTimeout(100);
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
      assert.equal(await page.locator(`${ROOT} img, ${ROOT} svg, ${ROOT} iframe`).count(), 0);
      const hrefs = await page.locator(`${ROOT} a`).evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      assert.ok(hrefs.every((h) => h.startsWith("https://ok.example/")), `links: ${hrefs.join(" | ")}`);
      // The hostile references are shown as text.
      const text = (await root.textContent()) ?? "";
      for (const ref of HOSTILE_REFERENCES) assert.ok(text.includes(ref.trim()), ref);
      // Clicking every link and reference text navigates nowhere.
      for (const ref of await page.locator(`${ROOT} .hl-tib-ref-text`).all()) if (await ref.isVisible()) await ref.click();
      assert.ok(page.url().startsWith("https://huntlab.test/"));
      assertClean(opened);
    });
  }

  test("invisible characters in indicators and details are shown as \\uXXXX: list, panel and static list", async () => {
    const opened = await open(BIDI_NOTEBOOK, "lab");
    const root = opened.page.locator(ROOT).first();
    const state = await liveState(root);
    assert.deepEqual(state.options, ["invoice\\u202egpj.exe  [file\\u200bname]  high  Local\\u2066TI", "10.0.0.\\u202e1  [ipv4]  warning  GreyNoise"]);
    assert.equal(state.heading, "invoice\\u202egpj.exe");
    assert.deepEqual(state.sections, ["file\\u200bname · Local\\u2066TI · severity: high"]);
    const live = (await root.locator(".hl-view-live").textContent()) ?? "";
    assert.doesNotMatch(live, HIDDEN);
    assert.ok(live.includes("Na\\u202eme") && live.includes("evil\\u202etxt.exe") && live.includes("ref\\u202etext"));
    assert.doesNotMatch((await root.locator(".hl-view-static").textContent()) ?? "", HIDDEN);
    // The filter box searches the text as shown.
    await root.locator("input.hl-tib-filter").fill("gpj");
    assert.deepEqual((await liveState(root)).options.map(iocOf), ["invoice\\u202egpj.exe"]);
    assertClean(opened);
  });

  for (const [label, mode, javaScriptEnabled] of [
    ["JavaScript disabled", "inline", false],
    ["sanitised", "sanitized", true],
  ] as const) {
    test(`static fallback (${label}): selected indicators listed, the rest collapsed, details open without script`, async () => {
      const opened = await open(FIXTURE_NOTEBOOK, mode, javaScriptEnabled);
      const root = opened.page.locator(ROOT).first();
      assert.equal(await root.locator(".hl-tib-live").count(), 0);
      const top = root.locator(".hl-view-static > .hl-tib-item");
      assert.equal(await top.count(), 3);
      const item = top.nth(0);
      await item.locator("> summary").click();
      assert.ok(await item.locator(".hl-tib-prov").first().isVisible());
      assert.equal(await item.locator("a").getAttribute("href"), "https://api.greynoise.io/v3/community/131.107.147.209");
      const others = root.locator(".hl-tib-others");
      assert.ok(!(await others.locator(".hl-tib-item").first().isVisible()));
      await others.locator("> summary").click();
      assert.ok(await others.locator(".hl-tib-item").first().isVisible());
      if (javaScriptEnabled) assertClean(opened);
    });
  }

  const executed = executedNotebook();
  test("the lab notebook's browsers: the logon source and the Azure exercise's hits", { skip: !executed && "no executed notebook" }, async () => {
    const opened = await open(cellsShowing(executed!, "hl-view-ti-browser"), "lab");
    const roots = opened.page.locator(ROOT);
    assert.ok((await roots.count()) >= 2, "two results browsers in the enrich section");
    const logons = await liveState(roots.nth(0));
    assert.equal(logons.options[0], "131.107.147.209  [ipv4]  high  LocalTI");
    assert.equal(logons.heading, "131.107.147.209");
    const signins = await liveState(roots.nth(1));
    assert.deepEqual(signins.options.slice(0, 3).map(iocOf), ["148.251.12.164", "136.55.145.135", "109.88.218.99"]);
    assert.deepEqual(signins.checked, ["high", "warning", "information", "unknown"]);
    assertClean(opened);
  });
});
