/**
 * A notebook saved with live views and reopened untrusted (JupyterLab runs no
 * output script then: another server, a colleague's copy, a notebook whose
 * signature is not in this machine's database) showed each view's static image
 * alone, with nothing saying it is interactive nor how to get it. Its static
 * part now starts with a line saying so (trust the notebook, or re-run the cell);
 * checked in a real JupyterLab: the line shows untrusted, and "Trust Notebook"
 * then mounts the live view (JupyterLab renders the outputs again, trusted),
 * which hides the line with the rest of the static part.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing } from "../browser/chromium";
import { sharedChromium } from "../browser/sharedChromium";
import { toMimeBundle } from "../../src/display/display";
import { NO_SCRIPT_NOTE } from "../../src/display/htmlView";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { buildProcessTree } from "../../src/transform/processTree";
import { plotProcessTree } from "../../src/vis/processTree";
import { sharedLab, type LabServer } from "./labServer";
import { openNotebook, paletteCommand, waitCellsAttached } from "./labPage";

const NOTEBOOK = "untrusted-views.ipynb";
const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

const skip = chromiumMissing();

describe("a notebook of live views reopened untrusted in JupyterLab", { skip, timeout: 300_000 }, () => {
  let server: LabServer;
  let browser: Browser;

  before(async () => {
    let dir: string;
    ({ server, dir } = await sharedLab());
    browser = await sharedChromium();
    const procs = await readDataFile(`${LAB_DATA_DIR}/process_tree.parquet`);
    const output = { output_type: "display_data", data: toMimeBundle(plotProcessTree(buildProcessTree(procs))), metadata: {} };
    // As the kernel saved it, never signed by this server: untrusted.
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (huntlab)", language: "typescript" } },
      cells: [{ id: "tree", cell_type: "code", metadata: {}, execution_count: 1, source: "plotProcessTree(tree)", outputs: [output] }],
    };
    fs.writeFileSync(path.join(dir, NOTEBOOK), JSON.stringify(notebook));
  });

  after(async () => {
    await server?.endSessions?.();
  });

  test("each view says it is static and how to get the live one; Trust Notebook mounts it", async () => {
    const lab = await openNotebook(browser, server, NOTEBOOK, { workspace: "untrusted-views", kernel: false });
    try {
      const { page } = lab;
      await waitCellsAttached(page, 1);
      const view = page.locator(`${PANEL} .hl-view-process-tree`);
      await view.locator(".hl-view-static img").waitFor({ timeout: 60_000 });
      // Untrusted: no script ran (else this proves nothing).
      assert.equal(await view.getAttribute("data-hl-live"), null, "the view's script ran: the notebook was trusted");
      assert.equal(await view.getAttribute("data-hl-waiting"), null, "the view's script ran (it waits to come near the viewport): the notebook was trusted");
      const note = view.locator(".hl-view-noscript");
      assert.equal(await note.count(), 1, "no line says the view is static and how to get the live one");
      assert.ok(await note.isVisible(), "the line is not visible");
      assert.equal((await note.textContent())?.trim(), NO_SCRIPT_NOTE);

      await paletteCommand(page, "Trust Notebook");
      await page.locator(".jp-Dialog .jp-mod-accept").click();
      // A view mounts once near the viewport: the reader looks at it.
      await view.scrollIntoViewIfNeeded();
      await page.locator(`${PANEL} .hl-view-process-tree[data-hl-live="1"]`).waitFor({ timeout: 60_000 });
      assert.equal(await page.locator(`${PANEL} .hl-view-process-tree .hl-view-noscript`).isVisible(), false, "the line still shows over the live view");
      assert.deepEqual(lab.pageErrors, []);
    } finally {
      await lab.close();
    }
  });
});
