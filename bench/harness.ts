/** A tiny benchmark harness: median of timed runs, printed as a table row; in-page timings of HTML outputs in Chromium. */
import v8 from "node:v8";
import vm from "node:vm";
import type { Browser } from "playwright-core";
import { PAGE_ORIGIN } from "../test/browser/chromium";

export interface Measurement {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Optional target, for the printed verdict. */
  targetMs?: number;
  note?: string;
}

/** A full garbage collection (the flag set at run time: no `--expose-gc` needed). */
export function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/**
 * Frees what earlier runs left: a full collection, then a turn of the event
 * loop, where Node-API finalizers run and polars frees the buffers of the
 * frames collected. Without it, back-to-back runs in a loop never get memory
 * back (V8 does not see polars' native memory, and the finalizers wait for
 * the loop), so every run faults in fresh pages — on this project's VMs
 * ~15 µs a 4 KiB page ({@link freshPageMicros}), which can outweigh the work.
 */
export async function releaseMemory(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Minor page faults of this process so far (each a fresh page mapped in). */
export function pageFaults(): number {
  return process.resourceUsage().minorPageFault;
}

/** What this machine charges to fault in a fresh 4 KiB page, in µs (median of 3 touches of 64 MiB). */
export function freshPageMicros(): number {
  const costs: number[] = [];
  for (let r = 0; r < 3; r += 1) {
    const f0 = pageFaults();
    const t0 = performance.now();
    const bytes = new Uint8Array(64 << 20);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    const ms = performance.now() - t0;
    costs.push((ms * 1000) / Math.max(1, pageFaults() - f0));
  }
  return costs.sort((a, b) => a - b)[1];
}

/**
 * Times `fn` `runs` times (after `warmup` untimed runs) and returns the median.
 * `release`: {@link releaseMemory} before each run (untimed).
 */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  options: { runs?: number; warmup?: number; targetMs?: number; note?: string; release?: boolean } = {},
): Promise<Measurement> {
  const runs = options.runs ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (options.release) await releaseMemory();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    runs,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    maxMs: times[times.length - 1],
    targetMs: options.targetMs,
    note: options.note,
  };
}

/** Prints measurements as an aligned table with a verdict against each target. */
export function report(title: string, rows: Measurement[]): void {
  console.log(`\n## ${title}`);
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${"case".padEnd(width)}  ${"median".padStart(9)}  ${"min".padStart(9)}  ${"max".padStart(9)}  runs  target`);
  for (const r of rows) {
    const verdict = r.targetMs === undefined ? "" : `${r.medianMs <= r.targetMs ? "ok" : "MISSED"} (≤ ${fmt(r.targetMs)})`;
    console.log(
      `${r.name.padEnd(width)}  ${fmt(r.medianMs).padStart(9)}  ${fmt(r.minMs).padStart(9)}  ${fmt(r.maxMs).padStart(9)}  ${String(r.runs).padStart(4)}  ${verdict}${r.note ? `  ${r.note}` : ""}`,
    );
  }
}

/** A seeded PRNG: the same generated data on every run (shared with the tests). */
export { seededRandom } from "../test/helpers/random";

/** A moment of a page load: when `selector` gets `attribute="1"` (e.g. `data-hl-live`: the view is live). */
export interface PageMark {
  selector: string;
  attribute: string;
}

/** In-page times of one page load, in ms since navigation start. */
export interface PageTimes {
  /** Per mark, when it was reached. */
  marks: number[];
  /** DOMContentLoaded: the page (and the output's HTML) parsed. */
  parsedMs: number;
}

/**
 * Opens `html` offline in a fresh context and returns when (ms since
 * navigation start) each mark was reached, recorded by a MutationObserver
 * installed before any page script runs: the time the reader waits, without
 * the polling of the test driver.
 */
export async function pageTime(browser: Browser, html: string, marks: readonly PageMark[], timeoutMs = 180_000): Promise<PageTimes> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  try {
    await context.route("**/*", (route) => (route.request().url() === `${PAGE_ORIGIN}/bench.html` ? route.fulfill({ status: 200, contentType: "text/html", body: html }) : route.abort()));
    await context.addInitScript((wanted: PageMark[]) => {
      const w = window as unknown as { __hlMarks: (number | undefined)[] };
      w.__hlMarks = wanted.map(() => undefined);
      new MutationObserver(() => {
        wanted.forEach((m, i) => {
          if (w.__hlMarks[i] === undefined && document.querySelector(`${m.selector}[${m.attribute}="1"]`)) w.__hlMarks[i] = performance.now();
        });
      }).observe(document, { subtree: true, attributes: true, attributeFilter: [...new Set(wanted.map((m) => m.attribute))] });
    }, [...marks]);
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/bench.html`, { timeout: timeoutMs });
    await page.waitForFunction(() => (window as unknown as { __hlMarks: (number | undefined)[] }).__hlMarks.every((t) => t !== undefined), null, { timeout: timeoutMs, polling: 250 });
    return await page.evaluate(() => ({
      marks: (window as unknown as { __hlMarks: number[] }).__hlMarks,
      parsedMs: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
    }));
  } finally {
    await context.close();
  }
}

/** A table row per mark, from the same `runs` page loads (after `warmup`); the note gives the median parse time. */
export async function browserMeasureMarks(
  browser: Browser,
  html: string,
  rows: readonly (PageMark & { name: string; targetMs?: number; note?: string })[],
  options: { runs?: number; warmup?: number } = {},
): Promise<Measurement[]> {
  const runs = options.runs ?? 3;
  for (let i = 0; i < (options.warmup ?? 1); i++) await pageTime(browser, html, rows);
  const loads: PageTimes[] = [];
  for (let i = 0; i < runs; i++) loads.push(await pageTime(browser, html, rows));
  const mid = Math.floor(runs / 2);
  const parsed = loads.map((t) => t.parsedMs).sort((a, b) => a - b)[mid];
  return rows.map((row, r) => {
    const times = loads.map((t) => t.marks[r]).sort((a, b) => a - b);
    const note = `in-page from navigation start; page parsed at ${(parsed / 1000).toFixed(2)} s${row.note ? `; ${row.note}` : ""}`;
    return { name: row.name, runs, medianMs: times[mid], minMs: times[0], maxMs: times[runs - 1], targetMs: row.targetMs, note };
  });
}

/** {@link browserMeasureMarks} for one mark. */
export async function browserMeasure(
  browser: Browser,
  name: string,
  html: string,
  selector: string,
  attribute: string,
  options: { targetMs?: number; runs?: number; warmup?: number; note?: string } = {},
): Promise<Measurement> {
  const [row] = await browserMeasureMarks(browser, html, [{ name, selector, attribute, targetMs: options.targetMs, note: options.note }], options);
  return row;
}

/** Megabytes, for notes. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
