/**
 * A process tree whose data records process ends (Sysmon 5: `ProcessEndTime`) in Chromium: hovering a process, or
 * reaching it with the keys, shows when it ended and how long it ran in the tip (and the status line a screen reader
 * says); a process without an end says "no end seen", and one whose end comes before its start says the order is
 * inconsistent. The linked table ends with the same Ended and Lifetime cells.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { toMimeBundle } from "../../src/display/display";
import type { MimeBundle } from "../../src/display/protocol";
import { buildProcessTree } from "../../src/transform/processTree";
import { plotProcessTree } from "../../src/vis/processTree";
import { chromiumMissing, openOffline, type OfflinePage } from "./chromium";
import { notebookFromBundles, notebookPage } from "./notebookPage";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { BERLIN_CHANGE_T0, EXPECTED_ENDS, sysmonEndEvents } from "../helpers/sysmonEnds";

const skip = chromiumMissing();

type TreeRoot = { huntlabProcessTree: { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } }; nodes: { n: string }[] } };

describe("process ends in the live process tree", { skip }, () => {
  let browser: Browser;
  let bundle: MimeBundle;
  let berlin: MimeBundle;
  before(async () => {
    browser = await sharedChromium();
    bundle = toMimeBundle(plotProcessTree(buildProcessTree(sysmonEndEvents()), { showTable: true }));
    berlin = toMimeBundle(plotProcessTree(buildProcessTree(sysmonEndEvents(BERLIN_CHANGE_T0)), { showTable: true, timeZone: "Europe/Berlin" }));
  });
  after(async () => {
    await releaseChromium(browser);
  });

  async function open(name: string, shown = bundle): Promise<OfflinePage> {
    const page = await openOffline(browser, notebookPage(notebookFromBundles([shown]), { mode: "lab" }), { name, viewport: { width: 1300, height: 1000 } });
    await page.page.waitForSelector('.hl-view-process-tree[data-hl-live="1"]', { timeout: 30_000 });
    return page;
  }

  /** A process's position in the view's data and its box's centre on the screen, by image name. */
  async function processAt(page: Page, name: string): Promise<{ index: number; x: number; y: number }> {
    return page.evaluate((n) => {
      const api = (document.querySelector(".hl-view-process-tree") as unknown as TreeRoot).huntlabProcessTree;
      const index = api.nodes.findIndex((node) => node.n === n);
      const box = (document.querySelector(".hl-pt-cy") as HTMLElement).getBoundingClientRect();
      const p = api.cy.getElementById(String(index)).renderedPosition();
      return { index, x: box.x + p.x, y: box.y + p.y };
    }, name);
  }

  const tipText = (page: Page): Promise<string> => page.$eval(".hl-pt-tip", (t) => t.textContent ?? "");
  const tipShown = (page: Page) => page.waitForFunction(() => (document.querySelector(".hl-pt-tip") as HTMLElement).style.display === "block");
  const status = (page: Page): Promise<string> => page.$eval(".hl-view-process-tree .hl-sr-status", (s) => s.textContent ?? "");
  const selected = (page: Page): Promise<string | null> => page.$eval(".hl-view-process-tree .hl-view-live", (e) => e.getAttribute("data-selected"));

  it("hovering a process that ended shows its end time and lifetime; its table row has them too", async () => {
    const page = await open("process-tree-ends-hover");
    try {
      const ps = await processAt(page.page, "powershell.exe");
      assert.ok(ps.index >= 0, "powershell.exe is in the view");
      await page.page.mouse.move(ps.x, ps.y);
      await tipShown(page.page);
      const tip = await tipText(page.page);
      assert.ok(tip.includes("Time: 2026-11-02 14:00:02.000\nEnded: 2026-11-02 14:00:05.200 (ran 3.2 s)"), tip);
      const backup = await processAt(page.page, "backup.exe");
      await page.page.mouse.move(backup.x, backup.y);
      await page.page.waitForFunction(() => (document.querySelector(".hl-pt-tip")?.textContent ?? "").includes("backup.exe"));
      assert.match(await tipText(page.page), /\nEnded: 2026-11-02 16:05:03\.000 \(ran 2 h 5 min\)$/);
      const head = await page.page.$$eval(".hl-pt-table thead th", (ths) => ths.map((th) => th.textContent ?? ""));
      assert.deepEqual(head.slice(-3), ["Time", "Ended", "Lifetime"]);
      const row = await page.page.$$eval(`.hl-pt-table tr[data-node="${ps.index}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));
      assert.deepEqual(row.slice(-2), [EXPECTED_ENDS["powershell.exe"].end, "ran 3.2 s"]);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("in Europe/Berlin the page writes the ends as the start times are, zone clock and offset; across the autumn change the lifetime is the true 3.2 s", async () => {
    const page = await open("process-tree-ends-berlin", berlin);
    try {
      const ps = await processAt(page.page, "powershell.exe");
      await page.page.mouse.move(ps.x, ps.y);
      await tipShown(page.page);
      const tip = await tipText(page.page);
      // Started in summer time, ended an hour earlier by the wall clock (the clocks went back), 3.2 s later.
      assert.ok(tip.includes("Time: 2026-10-25 02:59:58.000+02:00\nEnded: 2026-10-25 02:00:01.200+01:00 (ran 3.2 s)"), tip);
      const head = await page.page.$$eval(".hl-pt-table thead th", (ths) => ths.map((th) => th.textContent ?? ""));
      assert.deepEqual(head.slice(-3), ["Time (Europe/Berlin)", "Ended (Europe/Berlin)", "Lifetime"]);
      const row = await page.page.$$eval(`.hl-pt-table tr[data-node="${ps.index}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));
      assert.deepEqual(row.slice(-3), ["2026-10-25 02:59:58.000+02:00", "2026-10-25 02:00:01.200+01:00", "ran 3.2 s"]);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  it("the keys reach a process without an end (its tip says no end seen) and one that ended before it started (said, no negative duration)", async () => {
    const page = await open("process-tree-ends-keys");
    try {
      const cmd = await processAt(page.page, "cmd.exe");
      const whoami = await processAt(page.page, "whoami.exe");
      await page.page.focus(".hl-pt-cy");
      // The first key selects the first process (the inferred explorer.exe), the next goes down to its child cmd.exe.
      await page.page.keyboard.press("ArrowDown");
      await page.page.keyboard.press("ArrowDown");
      assert.equal(await selected(page.page), String(cmd.index));
      await tipShown(page.page);
      const tip = await tipText(page.page);
      assert.match(tip, /^cmd\.exe {2}\[4100\]/);
      assert.match(tip, /\nEnded: no end seen$/);
      assert.match(await page.page.$eval(".hl-pt-details", (d) => d.textContent ?? ""), /Endedno end seen/);
      // The status line a screen reader says (the tip is not read): the same.
      assert.equal(await status(page.page), "cmd.exe, PID 4100, level 2, user CONTOSO\\alice, no end seen, 3 children, open");
      // End: the last process in tree order, whoami.exe (started last).
      await page.page.keyboard.press("End");
      assert.equal(await selected(page.page), String(whoami.index));
      await page.page.waitForFunction(() => (document.querySelector(".hl-pt-tip")?.textContent ?? "").startsWith("whoami.exe"));
      const forged = await tipText(page.page);
      assert.match(forged, /\nEnded: 2026-11-02 14:00:19\.000 \(inconsistent order: ended before it started\)$/);
      assert.doesNotMatch(forged, /ran|-\d+ ?(ms|s)\b/);
      assert.equal(await status(page.page), "whoami.exe, PID 4400, level 3, user CONTOSO\\alice, ended 2026-11-02 14:00:19.000 (inconsistent order: ended before it started), no children");
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
});
