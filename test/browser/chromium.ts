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

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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

/** Origin of the pages we serve; never resolved, requests are fulfilled in-process. */
export const PAGE_ORIGIN = "https://huntlab.test";

/** Set to a directory to keep a copy of every page opened (for debugging failures). */
const ARTIFACT_DIR = process.env.HUNTLAB_BROWSER_ARTIFACTS;

/** Reason to skip browser tests, or `undefined` when Chromium is there. */
/**
 * Why the browser checks cannot run, or undefined when they can. Under CI a
 * missing Chromium is an error, never a silent skip.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const why = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(why);
  return why;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export interface OfflinePage {
  page: Page;
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

/** Opens `html` as a page in a fresh offline context; the page is loaded when this resolves. */
export async function openOffline(browser: Browser, html: string, options: OpenOptions = {}): Promise<OfflinePage> {
  const { name = "page", ...contextOptions } = options;
  const url = `${PAGE_ORIGIN}/${encodeURIComponent(name)}.html`;
  const context = await browser.newContext({ ...contextOptions, serviceWorkers: "block" });
  const errors: string[] = [];
  const dialogs: string[] = [];
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested === url) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
    if (/^(file|data|about|blob):/i.test(requested)) return route.continue();
    blocked.push(requested);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
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
  return { page, context, errors, dialogs, blocked, close: () => context.close() };
}
