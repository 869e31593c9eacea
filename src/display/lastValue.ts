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
 * object's own, and DataFrames get it per instance ({@link withRichLastValue}),
 * passed on to the frames derived from them.
 *
 * Why not every DataFrame: polars builds each frame as a proxy over an object
 * literal whose `[util.inspect.custom]` returns the native frame's `toString()`;
 * the only shared place to change is the native class, i.e. polars globally.
 * Frames polars makes itself (`pl.DataFrame`, `pl.readCSV`) keep polars' text,
 * which is already an aligned table with its `shape:` line.
 *
 * The one visible trace: `console.log` still ends the empty text with a newline,
 * so the cell shows an empty stdout line after the rich output.
 */
import { isLazyFrame } from "../common/notAFrame";
import { inspect, types, type InspectOptions } from "node:util";
import type { DataFrame } from "nodejs-polars";
import { isDataFrame } from "../common/frames";
import { display, inTslabKernel } from "./display";
import { dataFrameBundle, dataFrameToText } from "./dataframe";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable } from "./protocol";

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

/** polars' lazy frames and group-bys: their results are frames derived from a rich frame. */
function isFrameSource(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.isFrozen(value)) return false;
  if (isLazyFrame(value)) return true;
  // GroupBy, LazyGroupBy, RollingGroupBy, DynamicGroupBy: plain objects with `agg`.
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { agg?: unknown }).agg === "function";
}

/** What a method of a rich frame (or of its lazy frames and group-bys) returned, made rich in turn. */
function carry(value: unknown): unknown {
  if (isDataFrame(value)) return withRichLastValue(value);
  if (isFrameSource(value)) return carrier(value, {});
  if (types.isPromise(value)) return value.then(carry);
  return value;
}

/** Marks proxies made here, so a frame is wrapped once. */
const CARRIERS = new WeakSet<object>();

/**
 * `inner` seen through a proxy whose methods pass the frames they return
 * (directly, through a lazy frame or group-by, or as a promise) through
 * {@link carry}. Per object, no global change.
 *
 * The proxy's target is `hooks`, not `inner`: util.inspect looks through a proxy
 * to its target (one level) for `[util.inspect.custom]`, and polars' frames are
 * proxies themselves, whose traps fail on the keys util.inspect reads. So the
 * inspect hook lives on the target, and every other key goes to `inner`.
 */
function carrier<T extends object>(inner: T, hooks: Record<symbol, unknown>): T {
  hooks[inspect.custom] ??= (_depth: number, options: InspectOptions, insp: typeof inspect) => insp(inner, options);
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const own = (prop: PropertyKey) => typeof prop === "symbol" && Object.prototype.hasOwnProperty.call(hooks, prop);
  const proxy = new Proxy(hooks, {
    get(_target, prop) {
      if (own(prop)) return hooks[prop as symbol];
      const value: unknown = Reflect.get(inner, prop, inner);
      if (typeof value !== "function" || typeof prop === "symbol" || prop === "constructor") return value;
      let method = wrapped.get(prop) as ((...args: unknown[]) => unknown) & { original?: unknown } | undefined;
      if (method?.original !== value) {
        const original = value as (...args: unknown[]) => unknown;
        method = Object.assign(
          function (this: unknown, ...args: unknown[]) {
            return carry(Reflect.apply(original, this === proxy ? inner : this, args));
          },
          { original },
        );
        wrapped.set(prop, method);
      }
      return method;
    },
    set: (_target, prop, value) => Reflect.set(inner, prop, value, inner),
    has: (_target, prop) => own(prop) || Reflect.has(inner, prop),
    deleteProperty: (_target, prop) => Reflect.deleteProperty(inner, prop),
    ownKeys: () => Reflect.ownKeys(inner),
    getOwnPropertyDescriptor: (_target, prop) => Reflect.getOwnPropertyDescriptor(inner, prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(inner),
  }) as unknown as T;
  CARRIERS.add(proxy);
  return proxy;
}

/**
 * A DataFrame that renders as huntlab's table when it is a notebook's last
 * value — rich under tslab (see the module comment), huntlab's table as Deno's
 * `Jupyter.display` — and whose `util.inspect` text is huntlab's aligned table
 * with the `N rows × M columns` line. Frames derived from it through its own
 * methods (`head`, `filter`, `select`, `sort`, `join`, `groupBy(...).agg(...)`,
 * `lazy()…collect()`, …) are rich too.
 *
 * Nothing global changes, and `df` itself is left as it is: the frame returned
 * is a proxy that reads and writes through to `df`, with the two hooks as its
 * own and its methods passing their frame results through this function. Use
 * the returned frame. Frames made by polars itself (`pl.DataFrame(...)`,
 * `pl.readCSV(...)`, `pl.concat(...)`) print polars' text.
 */
export function withRichLastValue<T extends DataFrame>(df: T): T {
  if (CARRIERS.has(df)) return df;
  const displayable: Displayable = { [JUPYTER_DISPLAY]: () => wellFormedBundle(dataFrameBundle(df)) };
  return carrier(df, {
    [JUPYTER_DISPLAY]: displayable[JUPYTER_DISPLAY],
    [inspect.custom]: (depth: number, options: InspectOptions) => inspectLastValue(displayable, depth, options, () => dataFrameToText(df)),
  });
}
