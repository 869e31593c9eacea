/**
 * The executed lab notebook exported with `jupyter nbconvert --to html` (lab template), opened offline: its live
 * views mount as they are scrolled to (those further down wait, with their static part, rather than all mounting
 * as the page opens: 20 long tasks, 3.5 s, before), every one goes live, nothing fails or is logged as an error,
 * and nothing is fetched but what nbconvert's template itself asks a CDN for (require.js, MathJax). One export
 * (~5 s of CPU). Skipped without a Python with nbconvert.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing, mountViews, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { EXECUTED_NOTEBOOK, executedNotebook, requireSection, sectionSkip } from "./notebookPage";
import { findPython } from "../../scripts/python.mjs";
import { tempDir } from "../helpers/tmp";

const nbconvertPython = findPython(["nbconvert"]);
const nb = executedNotebook();
const hasViews = nb?.cells.some((c) => JSON.stringify(c.outputs ?? []).includes("hl-view-config")) ?? false;
const skip = chromiumMissing() ?? (!nbconvertPython ? "no Python with nbconvert" : sectionSkip(hasViews, "live views"));

/** `python -c EXPORT NOTEBOOK OUT`: what `jupyter nbconvert --to html NOTEBOOK` writes, as OUT. */
const EXPORT = `
import sys
from nbconvert import HTMLExporter
body, _ = HTMLExporter(template_name="lab").from_filename(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(body)
`;

/** What nbconvert's lab template loads itself (huntlab's outputs use neither): from a CDN, or Debian's copies (python3-nbconvert points them at /usr/share/javascript, which a page may not load). */
const TEMPLATE_CDN = /^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/(require\.js|mathjax)\//;
const TEMPLATE_LOCAL = /^Not allowed to load local resource: file:\/\/\/usr\/share\/javascript\/(requirejs|mathjax)\//;

describe("the executed lab notebook as nbconvert's HTML, offline", { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let html = "";
  before(async () => {
    requireSection(nb, hasViews, "live views");
    const out = path.join(tempDir(), "lab.html");
    const r = spawnSync(nbconvertPython!, ["-c", EXPORT, EXECUTED_NOTEBOOK, out], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `nbconvert failed: ${r.stderr}`);
    html = fs.readFileSync(out, "utf8");
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("views mount as they are scrolled to, all go live, with no error and no request of their own", async () => {
    const o = await openOffline(browser, html, { name: "nbconvert-lab", viewport: { width: 1280, height: 900 } });
    const states = () =>
      o.page.evaluate(() =>
        Array.from(document.querySelectorAll(".hl-view"))
          .filter((r) => r.querySelector(":scope > script:not([type])"))
          .map((r) => r.getAttribute("data-hl-live") ?? (r.hasAttribute("data-hl-waiting") ? "waiting" : "none")),
      );
    try {
      await o.page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view")).every((r) => !r.querySelector(":scope > script:not([type])") || r.hasAttribute("data-hl-live") || r.hasAttribute("data-hl-waiting")), undefined, { timeout: 60_000 });
      const opened = await states();
      assert.ok(opened.length >= 6, `only ${opened.length} live views in the export`);
      // The lab's views are spread over many screens: those far down have not mounted.
      assert.ok(opened.filter((s) => s === "waiting").length >= opened.length / 2, `views mounted as the page opened: ${opened.join(" ")}`);
      await mountViews(o.page, 120_000);
      await o.page.waitForFunction(() => !document.querySelector('.hl-view[data-hl-live="loading"]'), undefined, { timeout: 60_000 });
      const messages = await o.page.locator(".hl-view-message").allTextContents();
      assert.deepEqual(await states(), opened.map(() => "1"), messages.join(" | "));
      assert.deepEqual(o.errors.filter((e) => !TEMPLATE_LOCAL.test(e)), []);
      assert.deepEqual(o.dialogs, []);
      assert.deepEqual(o.blocked.filter((u) => !TEMPLATE_CDN.test(u)), []);
    } finally {
      await o.close();
    }
  });
});
