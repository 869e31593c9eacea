/**
 * Real-browser test helper: Debian's Chromium through playwright-core, offline.
 *
 * Pages are served from a fake https origin by request interception (a secure
 * context, so APIs like the clipboard exist) and every other http(s) request is
 * aborted and recorded: a test can assert that an output fetched nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

/**
 * Debian's Chromium headless shell when it is installed (`chromium-headless-shell`), else
 * Debian's Chromium. The shell is built from the same Chromium source (the same Blink and V8)
 * without the desktop browser's shell around them; it is what Playwright, and so JupyterLab's
 * own UI tests (Galata), run for headless Chromium. Measured here (cgcpu, quiet): the views stage
 * 68.2 → 51.7 CPU-s, the notebook browser stage 138.5 → 121.5 CPU-s (133.5 → 91.1 s); the
 * JupyterLab stage, whose CPU is mostly its server and kernels, 113.6 and 120.0 CPU-s (no change).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium");

export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Playwright's viewport when a context is made without one. */
const DEFAULT_VIEWPORT = { width: 1280, height: 720 };

/** Origin of the pages we serve; never resolved, requests are fulfilled in-process. */
export const PAGE_ORIGIN = "https://huntlab.test";

/**
 * Idle pages kept per shared context for reuse; more are closed. A file that
 * keeps many pages open (one per test) handed them all back at its end, and
 * the next file's clicks then took 7-16 times as long with them open.
 */
const MAX_IDLE_PAGES = 2;

/** The empty page an idle page shows (see `close()` in {@link openOffline}). */
const IDLE_URL = `${PAGE_ORIGIN}/idle.html`;

/** Set to a directory to keep a copy of every page opened (for debugging failures). */
const ARTIFACT_DIR = process.env.HUNTLAB_BROWSER_ARTIFACTS;

/**
 * A picture of the page for debugging, into {@link ARTIFACT_DIR} (beside the
 * pages' HTML) when HUNTLAB_BROWSER_ARTIFACTS is set, else nothing: no check
 * reads it, and each cost a raster of the window (~0.2-0.4 s of CPU on the big
 * trees and graphs).
 */
export async function debugScreenshot(page: Page, name: string): Promise<void> {
  if (!ARTIFACT_DIR) return;
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACT_DIR, name) });
}

/** Reason to skip browser tests, or `undefined` when Chromium is there. */
/**
 * Why the browser checks cannot run, or undefined when they can. Under CI a
 * missing Chromium is an error, never a silent skip.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const why = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium-headless-shell or chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(why);
  return why;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export interface OfflinePage {
  page: Page;
  /** Shared with the other pages opened with the same options (clipboard grants, popups). */
  context: BrowserContext;
  /** Uncaught page errors (`pageerror`) and `console.error` messages. */
  errors: string[];
  /** Messages of dialogs (alert/confirm/prompt) the page opened; all are dismissed. */
  dialogs: string[];
  /** http(s) URLs the page tried to fetch and that were aborted. */
  blocked: string[];
  close(): Promise<void>;
}

export interface OpenOptions extends Pick<BrowserContextOptions, "javaScriptEnabled" | "viewport"> {
  /** File name of the page under {@link PAGE_ORIGIN}; also the artifact name. */
  name?: string;
}

/** An open page's own URL, its HTML, and the requests blocked on its behalf. */
interface Served {
  url: string;
  html: string;
  blocked: string[];
}

/** A context shared by the pages opened with the same context options, the pages it serves, and closed pages kept for reuse. */
interface SharedContext {
  context: BrowserContext;
  pages: Map<Page, Served>;
  idle: Page[];
}

/**
 * Per browser, one offline context per JavaScript setting, whose closed pages
 * are reused; a page gets the viewport it is asked for (a new page and a reused
 * one alike). Measured here: a new context costs ~2 s of CPU, a new page in an
 * open one ~0.7 s, and a page of the entity graph 2.5 s as a new page but 1.1 s
 * when an old one navigates to it (the same renderer process, its compiled
 * scripts cached); the browser checks open hundreds of pages, at a dozen
 * viewports (a context per viewport: 12 entity graph pages at 6 viewports took
 * 39 s of CPU, in one context 22 s).
 * What a page could carry over is cleared or unused: the views keep no
 * storage or cookies, a new document has its own globals, and a reused page
 * gets its viewport back and loses the listeners added to it. Under `npm test`
 * the browser, and so its contexts and pages, serve every file of a stage
 * (sharedChromium.ts); {@link resetOfflineContexts} undoes what a file leaves.
 */
const sharedContexts = new WeakMap<Browser, Map<string, Promise<SharedContext>>>();

function offlineContext(browser: Browser, options: Pick<BrowserContextOptions, "javaScriptEnabled" | "viewport">): Promise<SharedContext> {
  // The viewport is the page's (openOffline sets it), but none at all (null: the window's size) is a context's.
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  const viewport = options.viewport === null ? null : DEFAULT_VIEWPORT;
  const key = JSON.stringify([javaScriptEnabled, viewport]);
  let byOptions = sharedContexts.get(browser);
  if (!byOptions) sharedContexts.set(browser, (byOptions = new Map()));
  let shared = byOptions.get(key);
  if (!shared) {
    shared = (async () => {
      const context = await browser.newContext({ javaScriptEnabled, viewport, serviceWorkers: "block" });
      const pages = new Map<Page, Served>();
      await context.route("**/*", async (route) => {
        const request = route.request();
        const requested = request.url();
        let owner: Served | undefined;
        try {
          // A popup's requests are its opener's.
          const page = request.frame().page();
          owner = pages.get(page) ?? pages.get((await page.opener()) as Page);
        } catch {
          // A worker's request has no frame.
        }
        if (owner && requested === owner.url) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: owner.html });
        if (requested === IDLE_URL) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>idle</title>" });
        if (/^(file|data|about|blob):/i.test(requested)) return route.continue();
        // A request no open page owns (a worker's) counts against every open page: none goes unseen.
        for (const served of owner ? [owner] : pages.values()) served.blocked.push(requested);
        return route.abort("blockedbyclient");
      });
      return { context, pages, idle: [] };
    })();
    byOptions.set(key, shared);
  }
  return shared;
}

/**
 * Opens `html` as a page of an offline context (shared with the browser's other
 * pages of the same options; see {@link offlineContext}); the page is loaded
 * when this resolves. `close()` hands the page back for reuse.
 */
export async function openOffline(browser: Browser, html: string, options: OpenOptions = {}): Promise<OfflinePage> {
  const { name = "page", ...contextOptions } = options;
  const url = `${PAGE_ORIGIN}/${encodeURIComponent(name)}.html`;
  const { context, pages, idle } = await offlineContext(browser, contextOptions);
  const errors: string[] = [];
  const dialogs: string[] = [];
  const blocked: string[] = [];
  let page = idle.pop();
  while (page?.isClosed()) page = idle.pop();
  page ??= await context.newPage();
  // Before the document loads: it is laid out at its own viewport from the start, as in a context of that viewport.
  const viewport = contextOptions.viewport === undefined ? DEFAULT_VIEWPORT : contextOptions.viewport;
  const now = page.viewportSize();
  if (viewport && (now?.width !== viewport.width || now?.height !== viewport.height)) await page.setViewportSize(viewport);
  const opened = page;
  opened.on("close", () => pages.delete(opened));
  pages.set(page, { url, html, blocked });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().includes("ERR_BLOCKED_BY_CLIENT")) errors.push(message.text());
  });
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  if (ARTIFACT_DIR) {
    mkdirSync(ARTIFACT_DIR, { recursive: true });
    writeFileSync(join(ARTIFACT_DIR, `${name}.html`), html);
  }
  await page.goto(url, { waitUntil: "load" });
  const close = async (): Promise<void> => {
    if (opened.isClosed() || pages.get(opened)?.blocked !== blocked) return;
    pages.delete(opened);
    // Every listener goes (the next use adds its own); the pointer off the page, so the next document starts unhovered.
    await opened.removeAllListeners();
    await opened.mouse.move(0, 0);
    // The view's document goes: its timers and animation loops (Cytoscape's, Leaflet's, Vega's) would run on while
    // the page waits, through the checks after it (under npm test, other files' too). Same origin: the warm renderer stays.
    await opened.goto(IDLE_URL, { waitUntil: "load" }).catch(() => undefined);
    // Beyond the kept ones a page closes, after the empty document: closed with a live view showing, it slowed the
    // next file's pages as much as keeping it open did (the TI browser file 11 → 66 s).
    if (idle.length < MAX_IDLE_PAGES) idle.push(opened);
    else await opened.close().catch(() => undefined);
  };
  return { page, context, errors, dialogs, blocked, close };
}

/**
 * Undoes what a test file may have left in `browser`'s contexts for the next
 * file sharing it (sharedChromium.ts): permissions granted (the clipboard),
 * pages not handed back, contexts of its own left open. The idle pages stay:
 * reusing them is the point.
 */
export async function resetOfflineContexts(browser: Browser): Promise<void> {
  const byOptions = sharedContexts.get(browser);
  const offline = byOptions ? await Promise.all([...byOptions.values()].map((c) => c.catch(() => undefined))) : [];
  const kept = new Set(offline.map((c) => c?.context));
  await Promise.all(browser.contexts().filter((c) => !kept.has(c)).map((c) => c.close().catch(() => undefined)));
  for (const shared of offline) {
    if (!shared) continue;
    await shared.context.clearPermissions();
    // Pages a test did not close, and popups the pages opened.
    await Promise.all(shared.context.pages().filter((p) => !shared.idle.includes(p)).map((p) => p.close().catch(() => undefined)));
  }
}

/**
 * Mounts every huntlab view on the page: a view mounts only once it comes near the viewport (runtime.ts whenNear),
 * so a page of many views is scrolled to each waiting one in turn, as a reader would, then back to the top. Tests
 * that look at all of a page's views call this first.
 */
export async function mountViews(page: Page, timeout = 60_000): Promise<void> {
  // Every scripted view's script has run: it is mounting, mounted, failed or waiting.
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll(".hl-view")).every((r) => !r.querySelector(":scope > script:not([type])") || r.hasAttribute("data-hl-live") || r.hasAttribute("data-hl-waiting")),
    undefined,
    { timeout },
  );
  // Looked up without waiting: the scroll to one view can bring the next ones near too, so a view counted as
  // waiting may have mounted before a locator reached it (a locator would then wait out its timeout).
  for (let root = await page.$(".hl-view[data-hl-waiting]"); root; root = await page.$(".hl-view[data-hl-waiting]")) {
    // Scrolled to again on each poll: the views mounting above it (a live view is seldom its static image's height) move it.
    await page.waitForFunction(
      (e) => {
        if (!e?.hasAttribute("data-hl-waiting")) return true;
        e.scrollIntoView({ block: "center" });
        return false;
      },
      root,
      { timeout, polling: 200 },
    );
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}
