/**
 * A view exported to Markdown as nbconvert writes it (`--to markdown`: each
 * HTML output between blank lines) and rendered by a CommonMark renderer
 * (marked), as a docs site shows it with scripts on: the view goes live, and
 * its data's Markdown stays text (nothing fetched). Before, the bundle's last
 * line break left a blank line in the output, which ended the HTML block: the
 * rest of the script became a paragraph, a syntax error, and the view stayed
 * static; a blank line in the data let an image URL in it be fetched.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { marked } from "marked";
import type { Browser } from "playwright-core";
import { toMimeBundle } from "../../src/display/display";
import { browseResults } from "../../src/vis/tiBrowser";
import { chromiumMissing, openOffline } from "./chromium";
import { FIXTURE_ROWS, tiFrame } from "./fixtures/tiResults";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();

describe("a view in a Markdown export, rendered with scripts", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => {
    await releaseChromium(browser);
  });

  it("goes live, and the data's blank lines and Markdown stay inside it as text", async () => {
    const note = "see below\n\n![pixel](https://tracker.example/p.png)\n\nend";
    const rows = FIXTURE_ROWS.map((r, i) => (i === 1 ? { ...r, Details: note } : r));
    const out = String(toMimeBundle(browseResults(tiFrame(rows), { severities: "all" }))["text/html"]);
    const md = `# Hunt\n\n\`\`\`typescript\ndisplay(browseResults(ti));\n\`\`\`\n\n${out}\n\nThe end.\n`;
    const page = await openOffline(browser, `<!DOCTYPE html><meta charset="utf-8"><body>${marked.parse(md, { async: false }) as string}</body>`, { name: "markdown-export" });
    try {
      await page.page.waitForFunction(() => document.querySelector(".hl-view-ti-browser")?.getAttribute("data-hl-live") === "1", null, { timeout: 20_000 });
      assert.equal(await page.page.locator(".hl-tib-live select option").count(), 5, "the live list of indicators");
      assert.deepEqual(page.blocked, [], "the data's image was fetched");
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.dialogs, []);
      assert.equal(await page.page.locator("body > p", { hasText: "pixel" }).count(), 0, "the data's text left the view");
    } finally {
      await page.close();
    }
  });
});
