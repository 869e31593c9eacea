/**
 * `display(value)`: turns a value into a MIME bundle and sends it to whichever
 * notebook kernel is running this code — tslab, Deno's Jupyter kernel — or, with
 * no kernel, prints its text to stdout.
 *
 * Updatable outputs: `display(value, { displayId })` then `updateDisplay(value, displayId)`,
 * or a handle from `createDisplay()`, replace an output in place (progress of long lookups).
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { denoJupyter, loadedTslabModules, tslabKernelModule } from "../common/kernel";
import { isThenable } from "../common/notAFrame";
import { isDataFrame, isSeries } from "../common/frames";
import { checkOptionNames, dataFrameBundle, DATAFRAME_DISPLAY_OPTION_NAMES, type DataFrameDisplayOptions } from "./dataframe";
import { isDisplayable, JUPYTER_DISPLAY, wellFormedBundle, type MimeBundle } from "./protocol";
import { DisplayError, displayMessages as msg } from "./messages";
import { shownText } from "../common/shownText";

/** Options of {@link display}: the DataFrame cuts plus an optional display id. */
export interface DisplayOptions extends DataFrameDisplayOptions {
  /**
   * Jupyter display id of the output. Outputs shown with an id can later be
   * replaced in place with {@link updateDisplay}. Default: none.
   */
  displayId?: string;
}

/** Every option name of {@link DisplayOptions}: the DataFrame cuts and `displayId` (the `satisfies` keeps the list complete). */
const DISPLAY_OPTION_NAMES: readonly string[] = [...DATAFRAME_DISPLAY_OPTION_NAMES, ...Object.keys({ displayId: true } satisfies Record<Exclude<keyof DisplayOptions, keyof DataFrameDisplayOptions>, true>)];

/**
 * `options` without `displayId`, after checking every name: `display(df, { maxrows: 5 })`
 * is an error naming `maxrows` (and `maxRows`), not a table cut at the default 60 rows.
 */
function frameOptions(fn: string, options: DisplayOptions | undefined): DataFrameDisplayOptions | undefined {
  checkOptionNames(fn, options, DISPLAY_OPTION_NAMES);
  if (!options || !("displayId" in options)) return options;
  const { displayId: _id, ...rest } = options;
  return rest;
}

/** An output that can be shown and then replaced in place, e.g. a progress line. */
export interface DisplayHandle {
  /** The Jupyter display id shared by every output of this handle. */
  readonly displayId: string;
  /** Shows `value` as a new output tagged with this handle's id. */
  show(value: unknown): void;
  /** Replaces every output of this handle with `value`; shows it if nothing was shown yet. */
  update(value: unknown): void;
}

/**
 * The MIME bundle of `value`, by the first formatter that applies:
 * 1. a polars DataFrame → huntlab's table (checked first: polars frames carry their own
 *    `Jupyter.display` method, which ours overrides); a polars Series → a one-column table;
 * 2. an object implementing the display protocol → its own bundle;
 * 3. a string → `text/plain` as is;
 * 4. a Promise (an async view not awaited) → a DisplayError saying to await it;
 * 5. anything else → `text/plain` from `util.inspect`.
 *
 * Lone surrogates anywhere in the bundle come out as escapes (`\ud800`): see {@link wellFormedBundle}.
 */
export function toMimeBundle(value: unknown, options?: DataFrameDisplayOptions): MimeBundle {
  // Checked whatever the value is (they apply to DataFrames only): `toMimeBundle(x, 5)` is a mistake anywhere.
  checkOptionNames("toMimeBundle", options, DATAFRAME_DISPLAY_OPTION_NAMES);
  // Every output leaves well-formed: a lone surrogate anywhere in it made the notebook unsavable.
  return wellFormedBundle(formatted(value, options));
}

function formatted(value: unknown, options: DataFrameDisplayOptions | undefined): MimeBundle {
  if (isDataFrame(value)) return dataFrameBundle(value, options);
  if (isSeries(value)) return dataFrameBundle(value.toFrame(), options);
  if (isDisplayable(value)) {
    const bundle: unknown = value[JUPYTER_DISPLAY]();
    if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle) || isThenable(bundle)) {
      throw new DisplayError(msg.notAMimeBundle());
    }
    return bundle as MimeBundle;
  }
  if (typeof value === "string") return { "text/plain": value };
  // An async view not awaited would print as "Promise { <pending> }", with nothing to say why.
  if (value instanceof Promise) throw new DisplayError(msg.promise());
  return { "text/plain": inspect(value) };
}

/**
 * Shows `value` in the notebook (tslab or Deno kernel), or prints its text when no
 * kernel is running. Returns at once; under Deno the send completes asynchronously
 * and a failure is reported on stderr.
 */
export function display(value: unknown, options: DisplayOptions = {}): void {
  send(toMimeBundle(value, frameOptions("display", options)), options.displayId, false);
}

/** Replaces, in place, the outputs shown earlier with `displayId`. Without a kernel, prints `value` again. */
export function updateDisplay(value: unknown, displayId: string, options?: DataFrameDisplayOptions): void {
  checkOptionNames("updateDisplay", options, DATAFRAME_DISPLAY_OPTION_NAMES);
  send(toMimeBundle(value, options), displayId, true);
}

/** A handle on a new updatable output (a fresh display id unless one is given). */
export function createDisplay(options: DisplayOptions = {}): DisplayHandle {
  const cuts = frameOptions("createDisplay", options);
  const displayId = options.displayId ?? randomUUID();
  let shown = false;
  return {
    displayId,
    show(value) {
      send(toMimeBundle(value, cuts), displayId, false);
      shown = true;
    },
    update(value) {
      // Frontends ignore an update for an id they have never shown.
      send(toMimeBundle(value, cuts), displayId, shown);
      shown = true;
    },
  };
}

/** Longest alt text of an image output, in characters (a timeline's summary names every lane). */
const MAX_ALT = 300;

/**
 * The output metadata of a bundle: an image (a chart's PNG) gets its alt text, the first line of the
 * bundle's `text/plain` ("Timeline: Host logons — 164 event(s) in 6 lane(s) by LogonType: …"), under
 * the key nbconvert's templates and IPython's `Image(alt=…)` use: `{ "image/png": { alt } }`. Without
 * it nbconvert's HTML gave every chart an `<img>` with no alt. Hidden characters come out as escapes;
 * HTML escaping is the template's (nbconvert's `escape_html`).
 */
export function outputMetadata(bundle: MimeBundle): Record<string, unknown> {
  const text = bundle["text/plain"];
  if (typeof text !== "string" || text.trim() === "") return {};
  const alt = shownText(text.trim().split("\n", 1)[0], MAX_ALT);
  const metadata: Record<string, unknown> = {};
  for (const mime of ["image/png", "image/jpeg"]) if (typeof bundle[mime] === "string") metadata[mime] = { alt };
  return metadata;
}

// ---------------------------------------------------------------------------
// Transports, tried in order.

function send(bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
  if (sendToTslab(bundle, displayId, update)) return;
  if (sendToDeno(bundle, displayId, update)) return;
  writeText(bundle);
}

/** The content of a Jupyter `display_data` / `update_display_data` message. */
interface DisplayDataContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type WriteDisplayData = (content: DisplayDataContent, update: boolean) => void;

interface TslabPublicDisplay {
  html(html: string): void;
  text(text: string): void;
}

const TSLAB_PUBLIC = /[\\/]tslab[\\/]dist[\\/]public\.js$/;

/**
 * tslab's public `display` sends one MIME type per output; its kernel module keeps
 * the whole-message sender in the mutable export `lastWriteDisplayData`, (re)set for
 * every cell. The kernel may run from another tslab copy than the one we would
 * resolve, so look for it among the loaded modules first.
 */
function sendToTslab(bundle: MimeBundle, displayId: string | undefined, update: boolean): boolean {
  const writer = kernelWriter(tslabKernelModule());
  if (writer) return writeDisplayData(writer, bundle, displayId, update);
  const modules = loadedTslabModules();
  const publicApi = modules.find(([file]) => TSLAB_PUBLIC.test(file))?.[1];
  // Only when tslab is running: requiring its kernel module loads TypeScript (~200 ms).
  if (modules.length === 0) return false;
  try {
    const writer = kernelWriter(require("tslab/dist/jupyter"));
    if (writer) return writeDisplayData(writer, bundle, displayId, update);
  } catch {
    // not resolvable from here
  }
  return sendToTslabPublic(publicApi, bundle);
}

export { inTslabKernel } from "../common/kernel";

function kernelWriter(exports: unknown): WriteDisplayData | undefined {
  const writer = (exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
  return typeof writer === "function" ? (writer as WriteDisplayData) : undefined;
}

function writeDisplayData(write: WriteDisplayData, bundle: MimeBundle, displayId: string | undefined, update: boolean): true {
  write({ data: bundle, metadata: outputMetadata(bundle), transient: displayId === undefined ? {} : { display_id: displayId } }, update);
  return true;
}

/** Fallback for a tslab without `lastWriteDisplayData`: one MIME type (HTML if any), no in-place update. */
function sendToTslabPublic(publicApi: unknown, bundle: MimeBundle): boolean {
  try {
    const api = (publicApi ?? require("tslab")) as { display?: Partial<TslabPublicDisplay> };
    const tslabDisplay = api.display;
    const html = bundle["text/html"];
    const text = bundle["text/plain"];
    if (typeof html === "string" && typeof tslabDisplay?.html === "function") {
      tslabDisplay.html(html);
      return true;
    }
    if (typeof text === "string" && typeof tslabDisplay?.text === "function") {
      tslabDisplay.text(text);
      return true;
    }
  } catch {
    // tslab not executing a cell ("Not ready"), or not resolvable
  }
  return false;
}

/** The latest Deno send (undefined until one is made); {@link flushDisplays} waits for it. */
let lastDenoSend: Promise<void> | undefined;

/**
 * Deno's kernel: the bundle as a `display_data` (or `update_display_data`) message.
 * Sent with `Deno.jupyter.broadcast`, which queues it at once, rather than
 * `Deno.jupyter.display`, which queues it only after a formatting step: Deno runs
 * that step after the cell's code has returned, and its kernel then often reported
 * the cell idle first, so the cell's last outputs were lost (measured: about one
 * output in a hundred on a loaded machine, enough to fail a notebook run in two).
 */
function sendToDeno(bundle: MimeBundle, displayId: string | undefined, update: boolean): boolean {
  const jupyter = denoJupyter();
  if (!jupyter) return false;
  const report = (err: unknown) => {
    console.error("huntlab display: Deno.jupyter.display failed:", err);
  };
  try {
    if (typeof jupyter.broadcast === "function") {
      const content = { data: bundle, metadata: outputMetadata(bundle), transient: displayId === undefined ? {} : { display_id: displayId } };
      lastDenoSend = Promise.resolve(jupyter.broadcast(update ? "update_display_data" : "display_data", content)).catch(report);
      return true;
    }
    const options = { raw: true, ...(update ? { update: true } : {}), ...(displayId === undefined ? {} : { display_id: displayId }) };
    // display() stays synchronous for callers; the send itself is async in Deno.
    lastDenoSend = Promise.resolve(jupyter.display(bundle, options)).catch(report);
  } catch (err) {
    report(err);
  }
  return true;
}

/**
 * Grace period for Deno's kernel, which hands outputs to a separate task that
 * publishes them: measured, a bare event-loop turn still lost the last output
 * now and then on a loaded machine.
 */
const DENO_FLUSH_MS = 50;

/**
 * Resolves once the outputs sent so far have had time to leave the kernel. Await it
 * after the last `display`/`update` of a cell under Deno: Deno (2.9) publishes
 * outputs asynchronously, so one sent at the very end of a cell can arrive after
 * the cell is reported idle, and frontends then drop it. Immediate under tslab and
 * plain Node, where sends are synchronous.
 */
export async function flushDisplays(): Promise<void> {
  if (lastDenoSend === undefined) return;
  await lastDenoSend;
  await new Promise<void>((resolve) => setTimeout(resolve, DENO_FLUSH_MS));
}

/** No kernel: the bundle's text, or a note of what it holds. */
function writeText(bundle: MimeBundle): void {
  const text = bundle["text/plain"];
  const out = typeof text === "string" ? text : `[${Object.keys(bundle).join(", ") || "empty bundle"}]`;
  process.stdout.write(out.endsWith("\n") ? out : out + "\n");
}
