/**
 * Driving JupyterLab 4's own UI in Chromium (playwright-core), offline: every
 * request that is not to the loopback JupyterLab server fails and is
 * recorded. Actions go through the UI a person uses — the menu bar, the
 * command palette, the toolbar's kernel switcher, the kernel dialog.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page, Request } from "playwright-core";
import { RESULTS, freePort, type LabServer } from "./labServer";

export interface LabPage {
  page: Page;
  context: BrowserContext;
  /** Requests that were not to the loopback server (failed: see {@link openNotebook}). */
  blocked: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Opens `notebookPath` (relative to the server's root) in JupyterLab —
 * alone in a fresh workspace when `workspace` is given — and resolves when the
 * notebook panel shows. As another page of `context` (an open LabPage's) or
 * of the browser's JupyterLab context ({@link labContext}): JupyterLab's
 * scripts then come from the context's HTTP cache, with V8's compiled code,
 * instead of being fetched and compiled again (megabytes of them). With a
 * `viewport`, in a context of its own.
 *
 * Offline without request interception (which turns Chromium's HTTP cache off
 * and sends every request through this process): the context's proxy is a
 * closed loopback port, so a request for another host fails without leaving the
 * machine (the server, 127.0.0.1, is the proxy's one exception), and is recorded.
 */
export async function openNotebook(browser: Browser, server: LabServer, notebookPath: string, options: { viewport?: { width: number; height: number }; workspace?: string; context?: BrowserContext; kernel?: false } = {}): Promise<LabPage> {
  const own = !options.context && !!options.viewport;
  const context = options.context ?? (options.viewport ? await offlineContext(browser, options.viewport) : await labContext(browser));
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  // Every request of the context while this page is open (another page's too: stricter, never looser).
  const record = (request: Request) => {
    const requested = request.url();
    let url: URL | undefined;
    try {
      url = new URL(requested);
    } catch {
      url = undefined;
    }
    if (url && (/^(data|blob|about):$/.test(url.protocol) || url.hostname === "127.0.0.1")) return;
    blocked.push(requested);
  };
  context.on("request", record);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("dialog", (dialog) => void dialog.dismiss().catch(() => undefined));
  if (options.kernel === false) {
    // What File Browser ▸ Open With ▸ Notebook (no kernel) runs: the notebook's kernel is not started. A tslab
    // kernel costs ~3.5 s of CPU to start (it readies its TypeScript converter), for a notebook whose saved outputs
    // are all a test looks at, or whose kernel the test picks in the toolbar (selectKernel starts one anyway).
    await page.goto(server.url("", options.workspace), { waitUntil: "domcontentloaded" });
    await openWithoutKernel(page, notebookPath);
  } else {
    await page.goto(server.url(notebookPath, options.workspace), { waitUntil: "domcontentloaded" });
  }
  await page.locator(".jp-NotebookPanel").first().waitFor({ timeout: 120_000 });
  const close = async () => {
    context.off("request", record);
    await (own ? context.close() : page.close());
  };
  return { page, context, blocked, pageErrors, close };
}

/** A browser context whose requests to any host but 127.0.0.1 fail: its proxy is a closed loopback port ({@link openNotebook}). */
async function offlineContext(browser: Browser, viewport: { width: number; height: number }): Promise<BrowserContext> {
  return browser.newContext({ viewport, serviceWorkers: "block", proxy: { server: `http://127.0.0.1:${await freePort()}`, bypass: "127.0.0.1" } });
}

const labContexts = new WeakMap<Browser, Promise<BrowserContext>>();

/**
 * The browser's one context for JupyterLab pages (1400 × 1000), made on first
 * use: a page opened in it gets JupyterLab's scripts (megabytes) from its HTTP
 * cache, with V8's compiled code, where a context of its own fetched and
 * compiled them again, for each test file. Pages close with their test; each
 * opens in a workspace of its own, so none sees another's notebooks. The
 * context closes with the browser.
 */
function labContext(browser: Browser): Promise<BrowserContext> {
  let context = labContexts.get(browser);
  if (!context) {
    context = offlineContext(browser, { width: 1400, height: 1000 });
    labContexts.set(browser, context);
    context.catch(() => labContexts.delete(browser));
  }
  return context;
}

/**
 * Opens a notebook in a JupyterLab page without starting its kernel, as File
 * Browser ▸ Open With ▸ Notebook (no kernel) does, through the app's command
 * (the server exposes the app: `--LabApp.expose_app_in_browser`, startLab).
 * A test then picks the kernel in the toolbar ({@link selectKernel}), which
 * starts the one kernel: JupyterLab's Select Kernel starts a new kernel even
 * when the one picked is the one running, so a notebook opened with its kernel
 * and then picked started two (a tslab kernel costs ~3.5 s of CPU to start).
 */
async function openWithoutKernel(page: Page, notebookPath: string): Promise<void> {
  await page.waitForFunction(() => "jupyterapp" in window, null, { timeout: 120_000 });
  await page.evaluate(async (file) => {
    const app = (window as unknown as { jupyterapp: { restored: Promise<void>; commands: { execute(id: string, args: object): Promise<unknown> } } }).jupyterapp;
    await app.restored;
    await app.commands.execute("docmanager:open", { path: file, factory: "Notebook", kernelPreference: { shouldStart: false, shouldReuse: false } });
  }, notebookPath);
}

/**
 * Opens another notebook in an open JupyterLab page, without its kernel
 * ({@link openWithoutKernel}), and resolves when its panel is the one shown:
 * no second JupyterLab page (its start costs seconds of CPU). The other
 * notebooks stay open in hidden tabs, which the helpers here skip
 * (`:not(.lm-mod-hidden)`).
 */
export async function openInPage(page: Page, notebookPath: string): Promise<void> {
  await openWithoutKernel(page, notebookPath);
  await page.waitForFunction(
    (name) => {
      const tab = document.querySelector<HTMLElement>("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current");
      const panel = tab?.dataset.id ? document.getElementById(tab.dataset.id) : null;
      return tab?.querySelector(".lm-TabBar-tabLabel")?.textContent === name && !!panel?.matches(".jp-NotebookPanel:not(.lm-mod-hidden)");
    },
    path.basename(notebookPath),
    { timeout: 60_000, polling: 250 },
  );
}

/**
 * Waits until the notebook panel shows `cells` cells: JupyterLab attaches a
 * long notebook's cells in batches after opening it.
 */
export async function waitCellsAttached(page: Page, cells: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").length >= n, cells, { timeout, polling: 500 });
}

/** The open notebook's kernel status indicator (`idle`, `busy`, `connecting`, …). */
export function kernelStatus(page: Page): Promise<string | null> {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator").first().getAttribute("data-status");
}

export async function waitKernelIdle(page: Page, timeout = 120_000): Promise<void> {
  try {
    await page.waitForFunction(
      () => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle",
      null,
      { timeout, polling: 250 },
    );
  } catch (e) {
    // A rare timeout here left nothing to go on: say what the page showed instead (status, an open dialog) and keep a screenshot.
    const status = await kernelStatus(page).catch(() => null);
    const dialog = await page.locator(".jp-Dialog").first().textContent({ timeout: 1000 }).catch(() => null);
    const shot = path.join(RESULTS, `kernel-not-idle-${Date.now()}.png`);
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`the kernel was not idle within ${timeout} ms: its status ${status ?? "(no indicator)"}${dialog ? `; a dialog open: ${dialog.slice(0, 300)}` : ""}; screenshot ${shot}`, { cause: e });
  }
}

/** The kernel name shown in the notebook toolbar. */
export async function kernelName(page: Page): Promise<string> {
  return ((await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName").first().textContent()) ?? "").trim();
}

/** Picks a kernel by its display name through the toolbar's kernel switcher and JupyterLab's "Select Kernel" dialog. */
export async function selectKernel(page: Page, displayName: string): Promise<void> {
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName").first().click();
  const dialog = page.locator(".jp-Dialog");
  await dialog.waitFor();
  const select = dialog.locator("select");
  if (await select.count()) {
    const value = await select.locator("option", { hasText: displayName }).first().getAttribute("value");
    if (value === null) throw new Error(`no kernel "${displayName}" in the dialog`);
    await select.selectOption(value);
  } else {
    await dialog.getByText(displayName, { exact: true }).first().click();
  }
  await dialog.locator(".jp-Dialog-button.jp-mod-accept").click();
  await dialog.waitFor({ state: "detached" });
  await page.waitForFunction(
    (name) => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName")?.textContent?.trim() === name,
    displayName,
    { timeout: 30_000, polling: 100 },
  );
}

/** Clicks a menu of the menu bar, then one of its items by its label ("Run", "Run All Cells"). */
export async function menuCommand(page: Page, menu: string, label: string): Promise<void> {
  await page.locator(".lm-MenuBar-item", { has: page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${escapeRegExp(menu)}$`) }) }).click();
  const item = page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-disabled)", { has: page.locator(".lm-Menu-itemLabel", { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  await item.waitFor();
  await item.click();
}

/** Runs a command through the command palette (Ctrl+Shift+C), by the label the palette shows. */
export async function paletteCommand(page: Page, label: string): Promise<void> {
  // The visible input only: a palette that did not open leaves a hidden one (seen in the jupyterlab stage's shared
  // server, one file after others). A shortcut that was not taken is pressed again, after Escape, up to three times.
  const input = page.locator(".jp-ModalCommandPalette input:visible, .lm-CommandPalette input:visible").first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+Shift+C");
    try {
      await input.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press("Escape");
    }
  }
  await input.fill(label);
  const item = page.locator(".lm-CommandPalette-item", { has: page.locator(".lm-CommandPalette-itemLabel", { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  await item.waitFor();
  await item.click();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface RunSummary {
  codeCells: number;
  /** Code cells with an execution count. */
  executed: number;
  seconds: number;
}

/**
 * Runs every cell through Run ▸ Run All Cells and waits until the last code
 * cell has run (its prompt holds a number) and the kernel is idle. Cells are
 * counted, not pinned: the notebook changes.
 */
export async function runAllAndWait(page: Page, timeout = 600_000): Promise<RunSummary> {
  const started = Date.now();
  await menuCommand(page, "Run", "Run All Cells");
  const prompts = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt";
  // Started: some prompt is queued or running.
  await page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).some((p) => /\[[*\d]/.test(p.textContent ?? "")), prompts, { timeout: 60_000, polling: 250 });
  // Finished: nothing queued or running, the kernel idle (twice in a row: between two cells it may flicker).
  await page.waitForFunction(
    (sel) => {
      const w = window as unknown as { __hlIdle?: number };
      const texts = Array.from(document.querySelectorAll(sel), (p) => p.textContent ?? "");
      const idle = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle";
      const done = idle && !texts.some((t) => t.includes("*"));
      w.__hlIdle = done ? (w.__hlIdle ?? 0) + 1 : 0;
      return w.__hlIdle >= 3;
    },
    prompts,
    { timeout, polling: 500 },
  );
  const texts = await page.locator(prompts).allTextContents();
  return { codeCells: texts.length, executed: texts.filter((t) => /\[\d+\]/.test(t)).length, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** Text of every error output and stderr stream in the open notebook, with the cell's first source line. */
export function errorOutputs(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")).flatMap((cell) => {
      const source = (cell.querySelector(".cm-content")?.textContent ?? "").slice(0, 80);
      return Array.from(cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'), (o) => `${source} → ${(o.textContent ?? "").slice(0, 500)}`);
    }),
  );
}

/** The output area holding `selector` (the n-th such output). */
export function outputWith(page: Page, selector: string, n = 0): Locator {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output", { has: page.locator(selector) }).nth(n);
}

/** Saves through File ▸ Save Notebook and waits until the tab is no longer marked dirty. */
export async function saveNotebook(page: Page): Promise<void> {
  await menuCommand(page, "File", "Save Notebook");
  await page.waitForFunction(() => !document.querySelector(".jp-mod-current.jp-mod-dirty, .lm-TabBar-tab.lm-mod-current.jp-mod-dirty"), null, { timeout: 60_000, polling: 100 });
}

/**
 * Scrolls `target` into view and waits until it stops moving: cells that come
 * into view get laid out (content-visibility) and push their neighbours.
 * Still means the same box in every frame for 450 ms (or `timeout` passed). The
 * frames are watched in the page: polled from here (a scroll and a box per 150 ms,
 * until three polls agreed) it took ~0.6 s and eight round trips at least, for
 * each of the ~35 pictures and clicks of the JupyterLab stage.
 */
export async function settle(target: Locator, timeout = 10_000): Promise<void> {
  await target.scrollIntoViewIfNeeded({ timeout });
  // (No function declared inside the page function: tsx's helper for their names is not in the page.)
  await target.evaluate(
    async (el, { timeout, still }) => {
      const deadline = performance.now() + timeout;
      let last = "";
      let since = performance.now();
      while (performance.now() < deadline) {
        // Chromium's own, centred if needed as Playwright's scroll (CDP DOM.scrollIntoViewIfNeeded): back into view if its neighbours pushed it out.
        (el as Element & { scrollIntoViewIfNeeded?(center?: boolean): void }).scrollIntoViewIfNeeded?.(true);
        const r = el.getBoundingClientRect();
        const box = `${r.x} ${r.y} ${r.width} ${r.height}`;
        if (box !== last) {
          last = box;
          since = performance.now();
        } else if (performance.now() - since >= still) return;
        await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      }
    },
    { timeout, still: 450 },
  );
}

/** Saves a PNG of `target` (scrolled into view) under `dir`. */
export async function screenshot(target: Locator, dir: string, name: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await settle(target);
  // caret "initial": Playwright's default hides the text caret with a style rule for every element, and
  // restyling JupyterLab's whole page twice per picture cost ~0.2 s of CPU each (~30 pictures a run).
  await target.screenshot({ path: file, animations: "disabled", caret: "initial" });
  return file;
}
