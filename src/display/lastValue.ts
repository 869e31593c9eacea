/**
 * Rich last values under tslab.
 *
 * tslab (1.0.22) prints a cell's last expression with `console.log`
 * (`dist/executor.js`, `execute()`: `if (converted.lastExpressionVar && …) console.log(ret)`),
 * i.e. as text through `util.inspect`, and offers no display hook for it: its
 * public `display` only sends (`dist/public.js`), and the kernel's per-cell
 * writer is the mutable export `lastWriteDisplayData` (`dist/jupyter.js`).
 *
 * What huntlab controls is the value's own `[util.inspect.custom]`, which that
 * `console.log` calls. So, when the caller is tslab's last-value print — the
 * top-level inspection (not a nested one) and `console.log` called straight from
 * tslab's `executor.js` — the hook sends the value's whole MIME bundle with
 * `display()` and returns an empty string; in every other case (an explicit
 * `console.log(x)`, a value inside an array, plain Node, Deno, a REPL) it
 * returns the text form. Neither tslab nor polars is patched: the hook is the
 * object's own, and DataFrames get it per instance ({@link withRichLastValue}).
 *
 * The one visible trace: `console.log` still ends the empty text with a newline,
 * so the cell shows an empty stdout line after the rich output.
 */
import { inspect, type InspectOptions } from "node:util";
import type { DataFrame } from "nodejs-polars";
import { display, inTslabKernel } from "./display";
import { dataFrameBundle, dataFrameToText } from "./dataframe";
import { JUPYTER_DISPLAY, type Displayable } from "./protocol";

/** tslab's executor, whose `console.log(ret)` prints a cell's last value. */
const TSLAB_EXECUTOR = /[\\/]tslab[\\/]dist[\\/]executor\.js:\d+:\d+\)?$/;
/** Frames of Node's own formatting machinery (console, util.inspect). */
const NODE_INTERNAL = /\(node:|^\s*at node:/;
/** Enough frames to reach past Node's formatting (about 8 deep) and ours. */
const STACK_FRAMES = 30;

/**
 * True when the current `util.inspect` call is tslab's kernel printing a cell's
 * last value. `depth` and `options` are the hook's own arguments: the top-level call
 * gets `depth === options.depth`; nested values get less.
 */
export function isTslabLastValuePrint(depth: number | null | undefined, options: InspectOptions | undefined): boolean {
  if (options === undefined || depth !== options.depth || !inTslabKernel()) return false;
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  try {
    Error.captureStackTrace(holder, isTslabLastValuePrint);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const frames = (holder.stack ?? "").split("\n").slice(1);
  // Skip our own frames (the hook, this module) and Node's formatting; the next caller decides.
  let sawNode = false;
  for (const frame of frames) {
    if (NODE_INTERNAL.test(frame)) {
      sawNode = true;
      continue;
    }
    if (!sawNode) continue; // the hook itself and its helpers, above util.inspect
    return TSLAB_EXECUTOR.test(frame.trim());
  }
  return false;
}

/**
 * The body of a huntlab object's `[util.inspect.custom](depth, options)`: shows
 * `value` richly when tslab prints it as a cell's last value (and returns ""),
 * else returns `text()`. A failing display falls back to the text.
 */
export function inspectLastValue(value: Displayable, depth: number | null | undefined, options: InspectOptions | undefined, text: () => string): string {
  if (isTslabLastValuePrint(depth, options)) {
    try {
      display(value);
      return "";
    } catch {
      // the text below is better than a broken cell
    }
  }
  return text();
}

/**
 * Gives one DataFrame instance huntlab's rendering as a notebook last value:
 * rich under tslab (see the module comment) and huntlab's table as Deno's
 * `Jupyter.display`; its `util.inspect` text becomes huntlab's aligned table with
 * the `N rows × M columns` line. Only this instance changes (polars stores both
 * hooks per frame); frames derived from it (`df.head()`) are plain polars again.
 * Returns `df` itself.
 */
export function withRichLastValue<T extends DataFrame>(df: T): T {
  const frame = df as unknown as Record<symbol, unknown>;
  const displayable: Displayable = { [JUPYTER_DISPLAY]: () => dataFrameBundle(df) };
  // Set through polars' Proxy: both keys are symbols, stored on the instance's own target.
  frame[JUPYTER_DISPLAY] = displayable[JUPYTER_DISPLAY];
  frame[inspect.custom] = (depth: number, options: InspectOptions) => inspectLastValue(displayable, depth, options, () => dataFrameToText(df));
  return df;
}
