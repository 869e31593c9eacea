/**
 * The committed completed notebook, notebooks/HuntingLab-Completed.ipynb, read
 * the way GitHub, nbviewer or an untrusted notebook show it: its HTML outputs
 * inserted without running any of their scripts. Every huntlab view must show
 * its static fallback (a loaded image, or a list or table with text), every
 * Vega-Lite chart its PNG, and every self-check its verdict.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { notebookPage, readNotebook, type Notebook } from "./notebookPage";

const skip = chromiumMissing();
const COMPLETED = path.resolve(__dirname, "..", "..", "notebooks", "HuntingLab-Completed.ipynb");

/** The views the lab shows (class hl-view-KIND): each must be there, with its fallback. */
const EXPECTED_KINDS = ["query-browser", "ti-browser", "pivot-browser", "geo-map", "entity-graph", "process-tree", "cluster-browser", "answers"];

/** Vega-Lite charts as GitHub shows them: the chart's PNG (GitHub has no Vega renderer). */
function withPngForCharts(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) => ({
      ...cell,
      outputs: (cell.outputs ?? []).map((o) =>
        o.data && Object.keys(o.data).some((m) => m.startsWith("application/vnd.vegalite")) ? { ...o, data: Object.fromEntries(Object.entries(o.data).filter(([m]) => !m.startsWith("application/vnd.vegalite"))) } : o,
      ),
    })),
  };
}

interface ViewState {
  kind: string;
  staticShown: boolean;
  images: number;
  imagesLoaded: number;
  text: number;
  live: number;
}

describe("the completed notebook, untrusted (no script runs)", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  for (const [mode, javaScriptEnabled] of [
    ["sanitized", true],
    ["inline", false],
  ] as const) {
    it(`shows every view's static fallback (${mode === "sanitized" ? "scripts stripped, as JupyterLab does" : "JavaScript off, as GitHub and nbviewer"})`, async () => {
      const nb = withPngForCharts(readNotebook(COMPLETED));
      const page = await openOffline(browser, notebookPage(nb, { mode, title: "HuntingLab-Completed" }), { javaScriptEnabled, name: `completed-notebook-${mode}` });
      try {
        await page.page.waitForLoadState("load");
        const views = await page.page.$$eval(".hl-view", (els) =>
          els.map((el) => {
            const kind = Array.from(el.classList).find((c) => c.startsWith("hl-view-") && c !== "hl-view-static")?.slice("hl-view-".length) ?? "";
            const fallback = el.querySelector(".hl-view-static") as HTMLElement | null;
            const images = fallback ? Array.from(fallback.querySelectorAll("img")) : [];
            return {
              kind,
              staticShown: !!fallback && fallback.offsetHeight > 0 && getComputedStyle(fallback).display !== "none",
              images: images.length,
              imagesLoaded: images.filter((img) => img.complete && img.naturalWidth > 0).length,
              text: (fallback?.textContent ?? "").trim().length,
              live: el.querySelectorAll(".hl-view-live").length,
            } satisfies ViewState;
          }),
        );
        const kinds = new Set(views.map((v) => v.kind));
        for (const kind of EXPECTED_KINDS) assert.ok(kinds.has(kind), `no ${kind} view in the completed notebook (kinds: ${[...kinds].join(", ")})`);
        for (const v of views) {
          assert.ok(v.staticShown, `a ${v.kind} view hides its static fallback`);
          assert.equal(v.live, 0, `a ${v.kind} view mounted a live part without scripts`);
          assert.equal(v.imagesLoaded, v.images, `a ${v.kind} view has a broken fallback image`);
          assert.ok(v.images > 0 || v.text > 0, `the ${v.kind} view's fallback is empty`);
        }
        // Maps, graphs and trees are pictures where scripts do not run.
        for (const kind of ["geo-map", "entity-graph", "process-tree"]) assert.ok(views.some((v) => v.kind === kind && v.imagesLoaded > 0), `no ${kind} image`);
        // The timelines and the anomaly chart: their PNGs.
        const charts = await page.page.$$eval('.output[data-mime="image/png"] img', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 100).length);
        assert.ok(charts >= 4, `${charts} chart images (3 timelines and the anomaly chart expected)`);
        // Every self-check's verdict reads without scripts.
        const verdicts = await page.page.$$eval(".hl-view-answers .hl-view-static", (els) => els.map((e) => e.textContent ?? ""));
        assert.ok(verdicts.length >= 10, `${verdicts.length} self-check verdicts`);
        for (const v of verdicts) assert.match(v, /✓/);
        assert.deepEqual(page.dialogs, []);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close();
      }
    });
  }
});
