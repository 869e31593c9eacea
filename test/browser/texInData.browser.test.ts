/**
 * nbconvert's HTML (lab and classic templates) loads MathJax 2, which typesets `$…$` over the whole page, outputs
 * included: a table cell `powershell -c "$a=1; $b=2"` read `a=1;a=1;a=1; b=2` and `$\phantom{--payload}$` hid its
 * text. huntlab's outputs carry MathJax 2's ignore class, `tex2jax_ignore` (test/jupyterlab/texInData.test.ts
 * checks JupyterLab's MathJax 3 and `mathjax_ignore`). The export is made by nbconvert, its MathJax pointed at
 * Debian's copy (libjs-mathjax 2.7, the version nbconvert's templates load from a CDN) so the page runs offline;
 * a plain HTML output beside the table is typeset, so the check proves MathJax ran. Skipped without nbconvert
 * or that MathJax.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { chromiumMissing } from "./chromium";
import { releaseChromium, sharedChromium } from "./sharedChromium";
import { toMimeBundle } from "../../src/display/display";
import { findPython } from "../../scripts/python.mjs";
import { tempDir } from "../helpers/tmp";

const MATHJAX = "/usr/share/javascript/mathjax/MathJax.js";
const nbconvertPython = findPython(["nbconvert"]);
const skip = chromiumMissing() ?? (!nbconvertPython ? "no Python with nbconvert" : !fs.existsSync(MATHJAX) ? `no MathJax 2 at ${MATHJAX} (apt-get install libjs-mathjax)` : undefined);

const VALUES = ['powershell -c "$a=1; $b=2"', "run.exe $\\phantom{--payload}$ ok"];
const TEMPLATES = ["lab", "classic"];

/**
 * `python -c EXPORT NOTEBOOK MATHJAX_URL TEMPLATE…`: what `jupyter nbconvert --to html --template TEMPLATE
 * --HTMLExporter.mathjax_url=MATHJAX_URL` writes (the exporter and its options; the page named after the
 * notebook), as TEMPLATE.html beside the notebook, for each template.
 */
const EXPORT = `
import os, sys
import nbformat
from nbconvert import HTMLExporter
notebook, mathjax = sys.argv[1], sys.argv[2]
nb = nbformat.read(notebook, as_version=4)
name = os.path.splitext(os.path.basename(notebook))[0]
for template in sys.argv[3:]:
    body, _ = HTMLExporter(template_name=template, mathjax_url=mathjax).from_notebook_node(nb, resources={"metadata": {"name": name}})
    with open(os.path.join(os.path.dirname(notebook), template + ".html"), "w", encoding="utf-8") as f:
        f.write(body)
`;

describe("dollar signs in data stay text in nbconvert's HTML (MathJax 2)", { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let dir: string;
  let exported: SpawnSyncReturns<string> | undefined;
  before(async () => {
    browser = await sharedChromium();
    dir = tempDir("huntlab-tex-");
    const output = (data: unknown) => ({ output_type: "display_data", data, metadata: {} });
    const outputs = [output(toMimeBundle(pl.DataFrame({ CommandLine: VALUES }))), output({ "text/html": '<p class="control">before $\\phantom{control}$ after</p>', "text/plain": "control" })];
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: outputs.map((o, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, execution_count: i + 1, source: "x", outputs: [o] })) };
    fs.writeFileSync(path.join(dir, "tex.ipynb"), JSON.stringify(nb));
    // Both templates' exports from one Python: a process per export (`python -m nbconvert --to html --template T`,
    // which runs the same HTMLExporter) cost ~2 s of CPU each, nearly all of it Python and nbconvert starting.
    exported = spawnSync(nbconvertPython!, ["-c", EXPORT, path.join(dir, "tex.ipynb"), `file://${MATHJAX}?config=TeX-AMS_CHTML-full`, ...TEMPLATES], { encoding: "utf8", timeout: 120_000 });
  });
  after(async () => {
    await releaseChromium(browser);
  });

  for (const template of TEMPLATES) {
    it(`${template} template: the table's cells as written, the plain output typeset`, async () => {
      assert.equal(exported?.status, 0, exported?.stderr ?? exported?.error?.message);
      assert.ok(fs.existsSync(path.join(dir, `${template}.html`)), `nbconvert wrote ${template}.html`);
      const page = await browser.newPage();
      try {
        await page.goto(`file://${path.join(dir, `${template}.html`)}`);
        await page.locator(".control .MathJax_CHTML").first().waitFor({ timeout: 60_000 });
        assert.deepEqual(await page.$$eval(".huntlab-df tbody td", (els) => els.map((e) => e.textContent)), VALUES);
        assert.equal(await page.locator(".huntlab-df .MathJax_CHTML").count(), 0);
      } finally {
        await page.close();
      }
    });
  }
});
