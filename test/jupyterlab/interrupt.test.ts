/**
 * Kernel ▸ Interrupt Kernel in JupyterLab stops a long-running cell within a
 * second and leaves the kernel usable, in each huntlab kernel. The long cell
 * awaits a timer of a minute, as a slow lookup or query awaits its I/O.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { chromiumMissing, launchChromium } from "../browser/chromium";
import { kernelRegistered, provisionLab, startLab, workFolder, type LabServer } from "./labServer";
import { kernelStatus, menuCommand, openNotebook, selectKernel, waitKernelIdle } from "./labPage";

/** A notebook: a cell that defines a value, one that waits a minute, one that prints the value (so a restarted kernel shows). */
function interruptNotebook(kernel: { name: string; display: string }): string {
  const code = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel.name, display_name: kernel.display, language: "typescript" } },
    cells: [code("const kept = 6 * 7;"), code("await new Promise((resolve) => setTimeout(resolve, 60_000));\n\"slept\""), code("console.log(`still here: ${kept}`);")],
  });
}

const KERNELS = [
  { name: "tslab", display: "TypeScript (huntlab)" },
  // Deno 2's kernel exits on Jupyter's interrupt signal (Jupyter restarts it, empty), and with
  // `interrupt_mode: "message"` it ignores the interrupt request: a known gap, kept visible as a todo.
  { name: "deno", display: "Deno (huntlab)", todo: "Deno's Jupyter kernel exits on SIGINT and ignores interrupt_request" },
];

describe("Interrupt Kernel in JupyterLab", { skip: chromiumMissing(), timeout: 600_000 }, () => {
  let work: ReturnType<typeof workFolder>;
  let server: LabServer;
  let browser: Browser;

  before(async () => {
    const { jupyter } = provisionLab();
    work = workFolder();
    for (const k of KERNELS) fs.writeFileSync(path.join(work.dir, `interrupt-${k.name}.ipynb`), interruptNotebook(k));
    server = await startLab({ jupyter, rootDir: work.dir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    work?.remove();
  });

  for (const kernel of KERNELS) {
    test(`${kernel.display}: a cell awaiting a minute stops within a second, and the next cell runs`, { skip: !kernelRegistered(kernel.name) && `no ${kernel.name} kernel registered`, todo: kernel.todo, timeout: 300_000 }, async () => {
      const lab = await openNotebook(browser, server, `interrupt-${kernel.name}.ipynb`);
      try {
        const { page } = lab;
        await waitKernelIdle(page);
        await selectKernel(page, kernel.display);
        await waitKernelIdle(page);
        const prompts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt");
        const runCell = async (n: number) => {
          await prompts.nth(n).click();
          await menuCommand(page, "Run", "Run Selected Cell and Do not Advance");
        };
        await runCell(0);
        await page.waitForFunction(() => /\[\d+\]/.test(document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt")?.textContent ?? ""), null, { timeout: 60_000 });
        await waitKernelIdle(page, 30_000);
        // The long cell, alone.
        await runCell(1);
        // The long cell's prompt text, as a page expression.
        const long = `(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt")[1]?.textContent ?? "")`;
        await page.waitForFunction(`${long}.includes("*")`, null, { timeout: 30_000 });
        await page.waitForFunction(() => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "busy", null, { timeout: 30_000 });
        await page.waitForTimeout(1500);
        assert.equal(await kernelStatus(page), "busy", "the long cell is running");

        await menuCommand(page, "Kernel", "Interrupt Kernel");
        const clicked = Date.now();
        await page.waitForFunction(`!${long}.includes("*")`, null, { timeout: 30_000, polling: 50 });
        const stoppedMs = Date.now() - clicked;
        console.log(`${kernel.display}: the cell stopped ${stoppedMs} ms after Interrupt Kernel`);
        const firstOutput = (await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(1).locator(".jp-OutputArea").textContent()) ?? "";
        assert.doesNotMatch(firstOutput, /slept/, "the cell ran to its end");
        assert.ok(stoppedMs < 1000, `the cell stopped ${stoppedMs} ms after the interrupt`);

        // The kernel stays usable: the same kernel (no restart) runs the next cell.
        await waitKernelIdle(page, 30_000);
        await runCell(2);
        await page.waitForFunction(() => /\[\d+\]/.test(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt")[2]?.textContent ?? ""), null, { timeout: 60_000 });
        const third = (await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(2).locator(".jp-OutputArea").textContent()) ?? "";
        assert.match(third, /still here: 42/, "the kernel lost its state (restarted?) or did not run the cell");
      } finally {
        await lab.close();
      }
    });
  }
});
