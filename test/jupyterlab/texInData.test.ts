/**
 * Log data with dollar signs in a notebook's outputs, in a real JupyterLab: its MathJax typesets `$…$` in HTML
 * outputs, trusted or not, so a command line `powershell -c "$a=1; $b=2"` showed as math without its `$`s, and
 * `$\phantom{payload}$` or `$\color{white}{…}$` in a field hid that text from the hunter. huntlab's HTML outputs
 * (DataFrame tables, every HtmlView) carry MathJax's ignore classes on their root (`mathjax_ignore` for
 * JupyterLab's MathJax 3, `tex2jax_ignore` for the MathJax 2 of nbconvert's HTML and classic Notebook): the text
 * shows as written. A plain HTML output beside them is typeset, so the check proves MathJax ran.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { chromiumMissing } from "../browser/chromium";
import { sharedChromium } from "../browser/sharedChromium";
import { toMimeBundle } from "../../src/display/display";
import { html } from "../../src/display/html";
import { htmlView } from "../../src/display/htmlView";
import { sharedLab, type LabServer } from "./labServer";
import { openNotebook, waitCellsAttached } from "./labPage";

const NOTEBOOK = "tex-in-data.ipynb";

const skip = chromiumMissing();

/** What attackers and PowerShell write: math for MathJax, text for the hunter. */
const VALUES = ['powershell -c "$a=1; $b=2"', "run.exe $\\phantom{--payload}$ ok", "x $\\color{white}{hidden}$ y"];

function notebook(): object {
  const output = (data: unknown) => ({ output_type: "display_data", data, metadata: {} });
  const view = htmlView({ kind: "demo", fallback: { alt: "command lines", html: html`<ul>${VALUES.map((v) => html`<li>${v}</li>`)}</ul>` }, text: VALUES.join("\n") });
  const cells = [
    output(toMimeBundle(pl.DataFrame({ CommandLine: VALUES }))),
    output(toMimeBundle(view)),
    // Not huntlab's: typeset (else MathJax did not run, and the assertions above prove nothing).
    output({ "text/html": "<p class=\"control\">before $\\phantom{control}$ after</p>", "text/plain": "control" }),
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (huntlab)", language: "typescript" } },
    cells: cells.map((o, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, execution_count: i + 1, source: "x", outputs: [o] })),
  };
}

describe("dollar signs in data stay text in JupyterLab (no MathJax in huntlab's outputs)", { skip, timeout: 300_000 }, () => {
  let server: LabServer;
  let dir: string;
  let browser: Browser;

  before(async () => {
    ({ server, dir } = await sharedLab());
    browser = await sharedChromium();
    fs.writeFileSync(path.join(dir, NOTEBOOK), JSON.stringify(notebook()));
  });

  after(async () => {
    await server?.endSessions?.();
  });

  test("a table's cells and a view's text show their $…$ as written; a plain HTML output beside them is typeset", async () => {
    const lab = await openNotebook(browser, server, NOTEBOOK, { workspace: "tex-in-data", kernel: false });
    try {
      const { page } = lab;
      await waitCellsAttached(page, 3);
      const panel = ".jp-NotebookPanel:not(.lm-mod-hidden)";
      // MathJax loads on first use: wait for the control's typesetting.
      await page.locator(`${panel} .control mjx-container`).first().waitFor({ timeout: 60_000 });
      // (No function declared inside the page functions: tsx's helper for their names is not in the page.)
      const shown = {
        cells: await page.$$eval(`${panel} .huntlab-df tbody td`, (els) => els.map((e) => e.textContent ?? "")),
        items: await page.$$eval(`${panel} .hl-view-demo li`, (els) => els.map((e) => e.textContent ?? "")),
        math: await page.locator(`${panel} .huntlab-df mjx-container, ${panel} .hl-view mjx-container`).count(),
      };
      assert.deepEqual(shown.cells, VALUES);
      assert.deepEqual(shown.items, VALUES);
      assert.equal(shown.math, 0);
      assert.deepEqual(lab.pageErrors, []);
    } finally {
      await lab.close();
    }
  });
});
