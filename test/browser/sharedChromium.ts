/**
 * One Chromium for all the browser checks of a process. `npm test` runs the
 * browser test files in one process (scripts/run.mjs, `--test-isolation=none`):
 * a file of one page costs ~4.5 s of CPU in a process and Chromium of its own
 * (measured), and the shared contexts of openOffline (chromium.ts) carry
 * their warm pages over from file to file.
 * A file running alone (`node --test file`) gets the same, for itself.
 *
 * What a file could leave behind for the next is undone by {@link releaseChromium}
 * (its `after` hook); the browser itself closes when the process's last test
 * has run (a hook of the root test: once per process, after every file).
 */
import { after } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, resetOfflineContexts } from "./chromium";

let shared: Promise<Browser> | undefined;

/** The process's Chromium, launched on first use (and again if it went away: crashed, or closed by a test). */
export function sharedChromium(): Promise<Browser> {
  if (!shared) {
    const launching = launchChromium();
    shared = launching;
    launching.then(
      (browser) => browser.on("disconnected", () => shared === launching && (shared = undefined)),
      () => shared === launching && (shared = undefined),
    );
  }
  return shared;
}

/**
 * A test file's (or suite's) `after`: the browser stays open for the next file,
 * without the state one file may give its pages' contexts (permissions granted,
 * pages left open). Does nothing for a browser that is not the shared one.
 */
export async function releaseChromium(browser: Browser | undefined): Promise<void> {
  if (!browser || !shared || (await shared.catch(() => undefined)) !== browser) return;
  await resetOfflineContexts(browser);
}

after(async () => {
  const closing = shared;
  shared = undefined;
  await (await closing?.catch(() => undefined))?.close();
});
