/**
 * Views in an untrusted notebook opened in Classic Notebook 6.4 (Debian's jupyter-notebook 6.4.12): its output
 * area passes untrusted HTML through its sanitizer (JupyterLab's apputils Sanitizer over sanitize-html,
 * `static/components/sanitizer`) with CSS off. Measured here with that very file, in Chromium: it drops every
 * `<style>` element (with CSS on too) and turns every inline style into `undefined:undefined` — so neither the
 * views' inline styles nor classes styled from a `<style>` block survive there, and moving inline styles into
 * classes would buy nothing in Classic while losing the colours JupyterLab 4.6 keeps (it keeps plain inline
 * colours, drops `<style>`). What must hold is that each view's static form stays whole and readable: the
 * image with its alt, the lists and tables as text, severities and verdicts written out (not only coloured),
 * and no empty live box. Skipped where that Notebook is not installed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing, openOffline, type OfflinePage } from "./chromium";
import { KEEP_NAMES } from "./contrast";
import { themeViews, type ThemeView } from "./fixtures/themeViews";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const SANITIZER = "/usr/lib/python3/dist-packages/notebook/static/components/sanitizer/index.js";
const skip = chromiumMissing() ?? (fs.existsSync(SANITIZER) ? undefined : `no Classic Notebook sanitizer at ${SANITIZER}`);

/** What the views must still say once sanitized (text carries the meaning colour carried). */
const MUST_SAY: Record<string, RegExp> = {
  "ti-browser": /\bhigh\b/,
  "answer-check": /is right|is not quite right/,
  "process-tree": /svchost\.exe|\.exe/,
  "geo-map": /Locations \(\d+ points?\)/,
  "entity-graph": /Nodes \(\d+\)/,
};

describe("views in an untrusted Classic Notebook 6.4 (its own sanitizer, CSS off)", { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let page: OfflinePage;
  let views: ThemeView[];
  before(async () => {
    views = (await themeViews()).filter((v) => typeof v.bundle["text/html"] === "string");
    browser = await sharedChromium();
    const code = fs.readFileSync(SANITIZER, "utf8").replace(/<\/script/gi, "<\\/script");
    // The file is an AMD module (`define(() => …)`): caught here instead of by require.js.
    page = await openOffline(browser, `<!doctype html><html><head><meta charset="utf-8"><script>window.define = function (f) { window.classicSanitizer = f(); };</script><script>${code}</script></head><body></body></html>`, { name: "classic-notebook" });
    await page.page.evaluate(KEEP_NAMES);
  });
  after(async () => {
    await page?.close();
    await releaseChromium(browser);
  });

  it("strips <style> and every inline style; each view's static form stays: image with its alt, text, no empty live box", async () => {
    assert.ok(views.length >= 10, `views: ${views.map((v) => v.name).join(", ")}`);
    for (const view of views) {
      const html = String(view.bundle["text/html"]);
      const shown = await page.page.evaluate((source) => {
        const s = (window as unknown as { classicSanitizer: { defaultSanitizer: { sanitize(h: string, o: object): string } } }).classicSanitizer.defaultSanitizer;
        // As the output area calls it for untrusted HTML: security.sanitize_html(html) with allow_css false.
        const clean = s.sanitize(source, { allowedStyles: {} });
        const box = document.createElement("div");
        box.className = "output_html rendered_html";
        document.body.replaceChildren(box);
        box.innerHTML = clean;
        const visible = (el: Element): boolean => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
        const styles = Array.from(box.querySelectorAll("[style]")).map((el) => el.getAttribute("style") ?? "");
        return {
          clean,
          styleElements: box.querySelectorAll("style, script").length,
          keptStyles: styles.filter((s) => s.replace(/undefined:undefined;?/g, "").trim() !== "").length,
          text: box.innerText,
          images: Array.from(box.querySelectorAll("img")).filter(visible).map((img) => ({ alt: img.getAttribute("alt") ?? "", loaded: img.naturalWidth > 0 || img.getAttribute("src")?.startsWith("data:image/") === true })),
          liveBoxes: Array.from(box.querySelectorAll(".hl-view-live")).filter(visible).map((el) => Math.round(el.getBoundingClientRect().height)),
        };
      }, html);
      assert.equal(shown.styleElements, 0, `${view.name}: a <style> or <script> survived`);
      assert.equal(shown.keptStyles, 0, `${view.name}: an inline style survived (the finding this file records changed)`);
      assert.ok(shown.text.trim().length > 20, `${view.name}: no text left: ${shown.clean.slice(0, 300)}`);
      for (const img of shown.images) assert.ok(img.alt.trim() && img.loaded, `${view.name}: image without alt or source: ${JSON.stringify(img)}`);
      if (/class="hl-view-img"/.test(html)) assert.ok(shown.images.length >= 1, `${view.name}: its static image is gone`);
      assert.deepEqual(shown.liveBoxes, [], `${view.name}: a live box shows without its script`);
      const must = MUST_SAY[view.name];
      if (must) assert.match(shown.text, must, view.name);
    }
    assert.deepEqual(page.errors, []);
  });
});
