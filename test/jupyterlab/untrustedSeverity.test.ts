/**
 * An executed notebook reopened untrusted in JupyterLab (a hunt's record on another
 * server): JupyterLab's sanitizer strips the views' `<style>`, so colours set by
 * class were lost — the TI browser's severity badges were plain words, the
 * self-checks' ✓/✗ uncoloured. It keeps inline properties with plain colours (hex,
 * rgb, names; not `var()` or `color-mix()`), so the badges and marks carry theirs
 * inline. Checked in Chromium against a real JupyterLab: each severity keeps its own
 * colour and its name (the cue that needs no colour), each verdict its mark and colour.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing } from "../browser/chromium";
import { sharedChromium } from "../browser/sharedChromium";
import { FIXTURE_ROWS, tiFrame } from "../browser/fixtures/tiResults";
import { toMimeBundle } from "../../src/display/display";
import { browseResults } from "../../src/vis/tiBrowser";
import { checkAnswers } from "../../src/lab/answers";
import { sharedLab, type LabServer } from "./labServer";
import { openNotebook, waitCellsAttached } from "./labPage";

const NOTEBOOK = "untrusted-severity.ipynb";

const skip = chromiumMissing();

/** A notebook of two display outputs as the kernel saved them, never signed by the server: untrusted. */
function untrustedNotebook(): object {
  const output = (value: unknown) => ({ output_type: "display_data", data: toMimeBundle(value), metadata: {} });
  const rows = [...FIXTURE_ROWS, ...FIXTURE_ROWS.slice(0, 1).map((r) => ({ ...r, Ioc: "10.9.9.9", Severity: "warning" }))];
  const answers = checkAnswers({ question1: "2020-07-06", question2: 29670 });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (huntlab)", language: "typescript" } },
    cells: [
      { id: "ti", cell_type: "code", metadata: {}, execution_count: 1, source: "display(ti.browseResults(results))", outputs: [output(browseResults(tiFrame(rows), { severities: "all" }))] },
      { id: "check", cell_type: "code", metadata: {}, execution_count: 2, source: "display(checkAnswers(...))", outputs: [output(answers)] },
    ],
  };
}

describe("an untrusted notebook in JupyterLab keeps severity and verdict colours", { skip, timeout: 300_000 }, () => {
  let server: LabServer;
  let dir: string;
  let browser: Browser;

  before(async () => {
    ({ server, dir } = await sharedLab());
    browser = await sharedChromium();
    fs.writeFileSync(path.join(dir, NOTEBOOK), JSON.stringify(untrustedNotebook()));
  });

  after(async () => {
    await server?.endSessions?.();
  });

  test("each TI severity badge keeps its colour and its name; ✓ and ✗ keep theirs", async () => {
    const lab = await openNotebook(browser, server, NOTEBOOK, { workspace: "untrusted-severity", kernel: false });
    try {
      const { page } = lab;
      await waitCellsAttached(page, 2);
      await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-view-ti-browser .hl-tib-sev").first().waitFor({ timeout: 60_000 });
      // Untrusted: the view's script did not run and its <style> is gone (else this proves nothing).
      const styles = await page.evaluate(() => document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output style").length);
      assert.equal(styles, 0, "the notebook was trusted: its <style> was kept");
      const badges = await page.$$eval(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-tib-sev", (els) =>
        els.map((e) => ({ text: (e.textContent ?? "").trim(), background: getComputedStyle(e).backgroundColor, colour: getComputedStyle(e).color, weight: getComputedStyle(e).fontWeight })),
      );
      const bySeverity = new Map(badges.map((b) => [b.text, b]));
      assert.deepEqual([...bySeverity.keys()].sort(), ["high", "information", "unknown", "warning"], JSON.stringify(badges));
      assert.equal(bySeverity.get("high")!.background, "rgb(198, 40, 40)");
      assert.equal(bySeverity.get("warning")!.background, "rgb(239, 108, 0)");
      assert.equal(bySeverity.get("information")!.background, "rgb(21, 101, 192)");
      assert.equal(bySeverity.get("unknown")!.background, "rgb(224, 224, 224)");
      for (const b of badges) assert.equal(b.colour, b.text === "unknown" ? "rgb(51, 51, 51)" : "rgb(255, 255, 255)", `${b.text}: its text colour on its ground`);
      // Beyond the word: the severities that ask for a look are bold.
      assert.equal(bySeverity.get("high")!.weight, "700");
      const marks = await page.$$eval(".jp-NotebookPanel:not(.lm-mod-hidden) .hl-answers li > span", (els) => els.map((e) => ({ mark: e.textContent, colour: getComputedStyle(e).color })));
      assert.deepEqual(
        marks.map((m) => m.mark),
        ["✗", "✓"],
      );
      assert.equal(marks[0].colour, "rgb(207, 34, 46)", "✗ is red");
      assert.equal(marks[1].colour, "rgb(26, 127, 55)", "✓ is green");
    } finally {
      await lab.close();
    }
  });
});
