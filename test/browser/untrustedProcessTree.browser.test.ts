/**
 * The process tree's static table as a notebook reopened untrusted shows it:
 * JupyterLab strips the view's `<style>` (and its scripts) and right-aligns
 * every table cell (`.jp-RenderedHTMLCommon td { text-align: right }`). The
 * names were then flush right, their indentation (no-break spaces) lost on the
 * left, and the table no longer showed the tree's shape.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { buildProcessTree } from "../../src/transform/processTree";
import { plotProcessTree } from "../../src/vis/processTree";
import { chromiumMissing, openOffline } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();
const LAB_TREE = path.resolve(__dirname, "..", "..", "data", "process_tree.parquet");

/** What JupyterLab's sanitizer leaves of an untrusted output: no `<style>`, no `<script>`. */
function sanitized(markup: string): string {
  return markup.replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, "").replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
}

describe("the process tree's static table in an untrusted notebook", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("keeps the tree's shape under JupyterLab's right-aligned table style", async () => {
    const view = plotProcessTree(buildProcessTree(pl.readParquet(LAB_TREE)), { showTable: true });
    const body = sanitized(view.toHtml());
    const page = await openOffline(browser, `<!DOCTYPE html><meta charset="utf-8"><style>td,th{text-align:right;padding:.5em}</style><body style="width:1200px">${body}</body>`, { javaScriptEnabled: false, name: "untrusted-process-tree" });
    try {
      // Level, and where the process name's first character is drawn (its indentation included).
      const rows = await page.page.$$eval("table.hl-pt-static-table tbody tr", (trs) =>
        trs.map((tr) => {
          const cell = tr.children[1] as HTMLElement;
          const text = cell.firstChild as Text;
          const first = text.data.search(/[^\s\u00a0]/);
          const range = document.createRange();
          range.setStart(text, first);
          range.setEnd(text, first + 1);
          return { level: Number(tr.children[0].textContent), left: Math.round(range.getBoundingClientRect().left - cell.getBoundingClientRect().left) };
        }),
      );
      const byLevel = new Map<number, Set<number>>();
      for (const r of rows) byLevel.set(r.level, (byLevel.get(r.level) ?? new Set()).add(r.left));
      assert.ok(rows.length >= 10 && byLevel.size >= 3, `${rows.length} rows, levels ${[...byLevel.keys()].join(", ")}`);
      for (const [level, lefts] of byLevel) assert.equal(lefts.size, 1, `the level-${level} names start at ${[...lefts].join(", ")} px: not one column`);
      const starts = [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([, lefts]) => [...lefts][0]);
      for (let i = 1; i < starts.length; i += 1) assert.ok(starts[i] > starts[i - 1], `a deeper level is not indented further: ${starts.join(", ")}`);
    } finally {
      await page.close();
    }
  });
});
