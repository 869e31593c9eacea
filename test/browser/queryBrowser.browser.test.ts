/**
 * The query browser (and a DataFrame table) in real Chromium, offline.
 *
 * Source of the outputs: the executed lab notebook (`EXECUTED_NOTEBOOK`, env
 * `HUNTLAB_EXECUTED_NOTEBOOK`) when it exists, else a notebook built here from
 * fixture queries. The XSS checks always use hostile fixtures.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Locator } from "playwright-core";
import pl from "nodejs-polars";
import { QueryBrowser, queryCallExample } from "../../src/vis";
import { dataFrameToHtml } from "../../src/display/dataframe";
import { JUPYTER_DISPLAY, type MimeBundle } from "../../src/display/protocol";
import { chromiumMissing, openOffline, PAGE_ORIGIN, type OfflinePage } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { cellsShowing, executedNotebook, EXECUTED_NOTEBOOK, notebookErrors, notebookFromBundles, notebookPage, type InsertMode, type Notebook } from "./notebookPage";
import { FIXTURE_QUERIES, matchingKeys, XSS_QUERIES } from "./fixtures/queries";
import { revealHidden } from "../../src/display/html";

/** The root element of a query browser output. */
const ROOT = ".hl-view-query-browser";


/** 5 rows × 3 columns. */
const FIXTURE_FRAME = {
  TimeGenerated: ["2024-01-01T10:00:00Z", "2024-01-01T10:05:00Z", "2024-01-01T10:07:00Z", "2024-01-01T11:00:00Z", "2024-01-01T12:30:00Z"],
  Account: ["alice", "bob", "<b>mallory</b>", "alice", "svc_backup"],
  LogonType: [2, 3, 10, 3, 5],
};

const notebook = executedNotebook();
const fromNotebook = notebook !== undefined;

async function fixtureNotebook(): Promise<{ notebook: Notebook; withTable: boolean }> {
  const browser = new QueryBrowser(FIXTURE_QUERIES);
  const cells: MimeBundle[] = [browser[JUPYTER_DISPLAY](), browser[JUPYTER_DISPLAY]()];
  cells.push({ "text/html": dataFrameToHtml(pl.DataFrame(FIXTURE_FRAME)), "text/plain": "DataFrame" });
  return { notebook: notebookFromBundles(cells), withTable: true };
}

const XSS_NOTEBOOK = notebookFromBundles([new QueryBrowser(XSS_QUERIES)[JUPYTER_DISPLAY](), new QueryBrowser(XSS_QUERIES)[JUPYTER_DISPLAY]()]);

interface StaticEntry {
  key: string;
  description: string;
  example: string;
}

/** What the static list says: the expected content of the interactive view. */
function staticEntries(root: Locator): Promise<StaticEntry[]> {
  return root.evaluate((r) =>
    Array.from(r.querySelectorAll(".hl-view-static .hl-qb-item"), (item) => ({
      key: item.querySelector(".hl-qb-key")?.textContent ?? "",
      description: item.querySelector(".hl-qb-summary-desc")?.textContent ?? "",
      example: item.querySelector(".hl-qb-example")?.textContent ?? "",
    })),
  );
}

interface LiveState {
  options: string[];
  selected: string | null;
  heading: string | null;
  key: string | null;
  parameters: string[];
  example: string | null;
  count: string | null;
}

function liveState(root: Locator): Promise<LiveState> {
  return root.evaluate((r) => {
    const list = r.querySelector<HTMLSelectElement>(".hl-qb-list");
    const panel = r.querySelector(".hl-qb-panel");
    return {
      options: Array.from(list?.options ?? [], (o) => o.textContent ?? ""),
      selected: list?.selectedOptions[0]?.textContent ?? null,
      heading: panel?.querySelector(".hl-qb-desc")?.textContent ?? null,
      key: panel?.querySelector(".hl-qb-detail-key")?.textContent ?? null,
      parameters: Array.from(panel?.querySelectorAll(".hl-qb-params tbody tr td:first-child") ?? [], (td) => td.textContent ?? ""),
      example: panel?.querySelector(".hl-qb-example")?.textContent ?? null,
      count: r.querySelector(".hl-qb-count")?.textContent ?? null,
    };
  });
}

const matching = (entries: StaticEntry[], needle: string) =>
  entries.filter((e) => `${e.key}\n${e.description}`.toLowerCase().includes(needle.toLowerCase())).map((e) => e.key);

/** No script errors, no dialogs, nothing fetched from the network. */
function assertClean(opened: OfflinePage): void {
  assert.deepEqual(opened.errors, [], "page errors");
  assert.deepEqual(opened.dialogs, [], "dialogs");
  assert.deepEqual(opened.blocked, [], "network requests");
}

describe(`query browser in Chromium (${fromNotebook ? EXECUTED_NOTEBOOK : "fixture queries"})`, { skip: chromiumMissing() }, () => {
  let browser: Browser;
  let source: { notebook: Notebook; withTable: boolean };
  let pages = 0;

  async function open(nb: Notebook, mode: InsertMode, javaScriptEnabled = true): Promise<OfflinePage> {
    const name = `queryBrowser-${++pages}-${mode}${javaScriptEnabled ? "" : "-nojs"}`;
    return openOffline(browser, notebookPage(nb, { mode }), { name, javaScriptEnabled });
  }

  /** Runs `check` on a page of its own, handed back when it ends (a live page left open slows the checks after it). */
  async function withPage(nb: Notebook, mode: InsertMode, javaScriptEnabled: boolean, check: (opened: OfflinePage) => Promise<void>): Promise<void> {
    const opened = await open(nb, mode, javaScriptEnabled);
    try {
      await check(opened);
    } finally {
      await opened.close();
    }
  }

  before(async () => {
    browser = await sharedChromium();
    source = notebook ? { notebook, withTable: true } : await fixtureNotebook();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  test("the executed notebook has no error outputs", { skip: !fromNotebook && "no executed notebook" }, () => {
    assert.deepEqual(notebookErrors(source.notebook), []);
  });

  /** The interactive view as the page first shows it: full list, first query selected, static list hidden, no error. */
  async function assertInteractive(opened: OfflinePage): Promise<void> {
    const root = opened.page.locator(ROOT).first();
    const entries = await staticEntries(root);
    if (!fromNotebook) assert.deepEqual(entries.map((e) => e.key).sort(), FIXTURE_QUERIES.map((q) => `${q.family}.${q.name}`).sort());
    assert.ok(entries.length > 0);
    assert.ok(await root.locator("input.hl-qb-filter").isVisible());
    assert.ok(await root.locator(".hl-view-static").isHidden());
    const state = await liveState(root);
    assert.deepEqual(state.options, entries.map((e) => e.key));
    assert.equal(state.selected, entries[0].key);
    assert.equal(state.key, entries[0].key);
    assert.equal(state.heading, entries[0].description);
    assert.equal(state.example, entries[0].example);
    assert.equal(state.count, `${entries.length} of ${entries.length} queries`);
    assertClean(opened);
  }

  // The notebook is a large page (every view of the lab, ~5 s of CPU to load): one page in lab insertion serves the
  // checks below. The first sees it as loaded; each later one gets it back in that state (empty filter, first query
  // selected: see labPage) and the last hands it back.
  describe("lab insertion, one page of the notebook", () => {
    let lab: OfflinePage | undefined;
    let used = false;

    /** The lab page, opened on first use; on later uses reset to the state it loads in: empty filter, first query selected. */
    async function labPage(): Promise<OfflinePage> {
      lab ??= await open(source.notebook, "lab");
      if (used) {
        const root = lab.page.locator(ROOT).first();
        await root.locator("input.hl-qb-filter").fill("");
        await root.locator("select.hl-qb-list").selectOption({ label: (await staticEntries(root))[0].key });
        await lab.page.mouse.move(0, 0);
      }
      used = true;
      return lab;
    }

    after(async () => {
      await lab?.close();
    });

    test("interactive (lab insertion): filter box, full list, first query selected", async () => {
      await assertInteractive(await labPage());
    });

    test("typing 'logon' narrows the list to exactly the matching queries", async () => {
      const { page } = await labPage();
      const root = page.locator(ROOT).first();
      const entries = await staticEntries(root);
      const filter = root.locator("input.hl-qb-filter");
      const expected = matching(entries, "logon");
      if (!fromNotebook) {
        assert.deepEqual(expected.sort(), matchingKeys(FIXTURE_QUERIES, "logon").sort());
        assert.equal(expected.length, 4); // three by name, one only by its description ("Logon")
      }
      await filter.pressSequentially("logon");
      let state = await liveState(root);
      assert.deepEqual([...state.options].sort(), [...expected].sort());
      assert.ok(state.selected !== null && expected.includes(state.selected));
      assert.equal(state.count, `${expected.length} of ${entries.length} queries`);

      await filter.fill("LOGON"); // case-insensitive
      assert.deepEqual([...(await liveState(root)).options].sort(), [...expected].sort());

      await filter.fill("no such query zzz");
      state = await liveState(root);
      assert.deepEqual(state.options, []);
      assert.equal(await root.locator(".hl-qb-nomatch").textContent(), "No queries match the filter.");

      await filter.fill("");
      assert.equal((await liveState(root)).options.length, entries.length);
    });

    test("selecting a query shows its description, parameters and call example", async () => {
      const { page } = await labPage();
      const root = page.locator(ROOT).first();
      const entries = await staticEntries(root);
      const list = root.locator("select.hl-qb-list");

      const target = entries[Math.min(3, entries.length - 1)];
      await list.selectOption({ label: target.key });
      let state = await liveState(root);
      assert.equal(state.selected, target.key);
      assert.equal(state.heading, target.description);
      assert.equal(state.example, target.example);
      assert.ok(await root.locator(".hl-qb-panel .hl-qb-desc").isVisible());

      if (!fromNotebook) {
        const logons = FIXTURE_QUERIES.find((q) => q.name === "list_host_logons")!;
        await list.selectOption({ label: "WindowsSecurity.list_host_logons" });
        state = await liveState(root);
        assert.equal(state.heading, logons.description);
        assert.deepEqual(state.parameters, ["start", "end", "host_name", "table"]);
        assert.equal(state.example, queryCallExample(logons));
        assert.equal(state.example, "await qp.WindowsSecurity.list_host_logons({ start, end, host_name, table })");
        assert.match((await root.locator(".hl-qb-panel .hl-qb-query").textContent()) ?? "", /host_logons\.pkl/);
      }

      // Keyboard: the native list moves with the arrow keys and the panel follows.
      await list.selectOption({ label: entries[0].key });
      await list.focus();
      await page.keyboard.press("ArrowDown");
      state = await liveState(root);
      assert.equal(state.selected, entries[1].key);
      assert.equal(state.heading, entries[1].description);

      // From the filter box, ArrowDown moves into the list.
      await root.locator("input.hl-qb-filter").focus();
      await page.keyboard.press("ArrowDown");
      assert.ok(await list.evaluate((el) => el === document.activeElement));
    });

    test("Copy puts the call example on the clipboard", async () => {
      const { page, context } = await labPage();
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: PAGE_ORIGIN });
      const root = page.locator(ROOT).first();
      const example = (await liveState(root)).example;
      await root.locator(".hl-qb-panel button.hl-qb-copy").click();
      await root.locator(".hl-qb-panel button.hl-qb-copy", { hasText: "Copied" }).waitFor({ timeout: 2000 });
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), example);
    });

    test("DataFrame table: header cells and 'N rows × M columns' footer", async () => {
      const { page } = await labPage();
      const tables = await page.locator(".output").evaluateAll((outputs) =>
        outputs.flatMap((output) => {
          // A DataFrame's own table, not one inside a view (a view's static part is hidden once it mounts: a cluster
          // browser's static list holds a table with such a footer, whose header cells then have no rendered text).
          const table = output.querySelector("table");
          const footer = /([\d,]+) rows? × ([\d,]+) columns?/.exec(output.textContent ?? "");
          if (!table || !footer || output.querySelector(".hl-view")) return [];
          return [
            {
              // First rendered line: the column name, not a dtype line under it.
              headers: Array.from(table.querySelectorAll<HTMLElement>("thead th"), (th) => th.innerText.split("\n")[0].trim()),
              bodyRows: table.querySelectorAll("tbody tr:not(.gap)").length,
              rows: Number(footer[1].replace(/,/g, "")),
              columns: Number(footer[2].replace(/,/g, "")),
            },
          ];
        }),
      );
      assert.ok(tables.length > 0, "no DataFrame table with a rows × columns footer");
      for (const table of tables) {
        assert.ok(table.headers.filter((h) => h !== "").length > 0);
        assert.ok(table.bodyRows > 0 && table.bodyRows <= table.rows);
      }
      if (!fromNotebook) {
        const [table] = tables;
        assert.deepEqual([table.rows, table.columns], [5, 3]);
        assert.deepEqual(table.headers.filter((h) => Object.keys(FIXTURE_FRAME).includes(h)), Object.keys(FIXTURE_FRAME));
        assert.equal(table.bodyRows, 5);
        assert.equal(await page.locator(".output b").count(), 0, "cell values are escaped");
      }
    });
  });

  test("interactive (classic insertion): filter box, full list, first query selected", async () => {
    // The query browser's cells alone: the whole notebook's page is the lab insertion's above.
    await withPage(cellsShowing(source.notebook, "hl-view-query-browser"), "classic", true, assertInteractive);
  });

  test("two browsers on one page work independently (fixture page)", async () => {
    // Always the fixture page: it holds two browsers over known queries.
    await withPage((await fixtureNotebook()).notebook, "lab", true, async ({ page }) => {
      const [first, second] = [page.locator(ROOT).nth(0), page.locator(ROOT).nth(1)];
      assert.notEqual(await first.getAttribute("id"), await second.getAttribute("id"));
      await first.locator("input.hl-qb-filter").fill("alert");
      await second.locator("select.hl-qb-list").selectOption({ label: "Network.get_host_for_ip" });
      assert.deepEqual((await liveState(first)).options, matchingKeys(FIXTURE_QUERIES, "alert").sort());
      assert.equal((await liveState(second)).options.length, FIXTURE_QUERIES.length);
      assert.equal((await liveState(second)).heading, "Gets the latest heartbeat record for an IP address");
      assert.equal((await liveState(first)).selected, "SecurityAlert.get_alert");
    });
  });

  for (const [label, mode, javaScriptEnabled] of [
    ["JavaScript disabled", "inline", false],
    ["sanitised (scripts and styles stripped)", "sanitized", true],
  ] as const) {
    test(`static fallback, ${label}: every query listed with its details`, async () => {
      await withPage(cellsShowing(source.notebook, "hl-view-query-browser"), mode, javaScriptEnabled, async (opened) => {
        const root = opened.page.locator(ROOT).first();
        assert.equal(await root.locator(".hl-qb-live").count(), 0);
        const items = root.locator(".hl-view-static .hl-qb-item");
        const entries = await staticEntries(root);
        if (!fromNotebook) assert.equal(entries.length, FIXTURE_QUERIES.length);
        for (let i = 0; i < entries.length; i++) assert.ok(await items.nth(i).locator("summary").isVisible(), entries[i].key);
        // <details> opens without any script.
        const item = items.nth(Math.min(3, entries.length - 1));
        await item.locator("summary").click();
        assert.ok(await item.locator(".hl-qb-desc").isVisible());
        assert.ok(await item.locator(".hl-qb-example").isVisible());
        if (javaScriptEnabled) assertClean(opened);
      });
    });
  }

  for (const mode of ["lab", "classic", "sanitized"] as const) {
    test(`hostile queries run nothing (${mode})`, async () => {
      await withPage(XSS_NOTEBOOK, mode, true, async (opened) => {
        const { page } = opened;
        const roots = page.locator(ROOT);
        assert.equal(await roots.count(), 2);
        // As shown: invisible characters (U+2028/9 in the payloads) revealed as \u2028.
        const expectedKeys = new QueryBrowser(XSS_QUERIES).queries.map((q) => revealHidden(`${q.family}.${q.name}`, { keepLayout: true }));
        const root = roots.first();
        // Payloads show up as text, exactly.
        assert.deepEqual((await staticEntries(root)).map((e) => e.key), expectedKeys);
        if (mode !== "sanitized") {
          assert.deepEqual((await liveState(root)).options, expectedKeys);
          for (const key of expectedKeys) {
            await root.locator("select.hl-qb-list").selectOption({ label: key });
            assert.equal((await liveState(root)).key, key);
          }
          await root.locator("input.hl-qb-filter").fill("<img src=x onerror=alert(1)>");
        } else {
          for (const summary of await root.locator("summary").all()) await summary.click();
        }
        await page.waitForTimeout(100); // let any injected handler fire
        assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
        // No images or graphics; no script but the view's own two (configuration and bundle, children of the root).
        assert.equal(await page.locator(`${ROOT} img, ${ROOT} svg, ${ROOT} * script`).count(), 0);
        assert.ok((await page.locator(`${ROOT} > script`).count()) <= 2 * (await roots.count()));
        assertClean(opened);
      });
    });
  }
});
