/**
 * Which notebook kernel runs this code: tslab (found among the loaded modules,
 * since the kernel may run from another tslab copy than ours) or Deno's.
 */

const TSLAB_DIST = /[\\/]tslab[\\/]dist[\\/]/;

/** The loaded modules of tslab's `dist/` folder: `[file, exports]`. */
export function loadedTslabModules(): [string, unknown][] {
  const cache = typeof require === "function" ? require.cache : undefined;
  if (!cache) return [];
  const out: [string, unknown][] = [];
  for (const [file, mod] of Object.entries(cache)) if (TSLAB_DIST.test(file)) out.push([file, mod?.exports]);
  return out;
}

/** Deno's `Deno.jupyter` API inside `deno jupyter`, else undefined. */
export interface DenoJupyter {
  display(obj: unknown, options: { raw: boolean; update?: boolean; display_id?: string }): Promise<void> | void;
  /** Sends one iopub message (Deno 2.x: at once, synchronously; `display` first awaits a formatting step). */
  broadcast?(msgType: string, content: Record<string, unknown>): Promise<void> | void;
}

export function denoJupyter(): DenoJupyter | undefined {
  try {
    // Outside `deno jupyter`, reading `Deno.jupyter` throws.
    const jupyter = (globalThis as { Deno?: { jupyter?: Partial<DenoJupyter> } }).Deno?.jupyter;
    return typeof jupyter?.display === "function" ? (jupyter as DenoJupyter) : undefined;
  } catch {
    return undefined;
  }
}

/** True inside a tslab or Deno notebook kernel, where rich and updating displays make sense. */
export function inNotebook(): boolean {
  return loadedTslabModules().length > 0 || denoJupyter() !== undefined;
}

const TSLAB_KERNEL = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** The kernel module as last found: finding it is a pass over require.cache (hundreds of modules in a kernel). */
let tslabKernel: { file: string; exports: unknown } | undefined;

const hasWriter = (exports: unknown): boolean => typeof (exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData === "function";

/**
 * The exports of tslab's kernel module once it has run a cell (its per-cell
 * writer `lastWriteDisplayData` is set), else undefined. Remembered while the
 * same module stays loaded. (Only looks at loaded modules: never loads tslab.)
 */
export function tslabKernelModule(): unknown {
  const cache = typeof require === "function" ? require.cache : undefined;
  if (tslabKernel && cache?.[tslabKernel.file]?.exports === tslabKernel.exports && hasWriter(tslabKernel.exports)) return tslabKernel.exports;
  const found = loadedTslabModules().find(([file, exports]) => TSLAB_KERNEL.test(file) && hasWriter(exports));
  tslabKernel = found && { file: found[0], exports: found[1] };
  return tslabKernel?.exports;
}

/** True inside tslab's kernel once it has run a cell: its kernel module is loaded and holds the per-cell writer. */
export function inTslabKernel(): boolean {
  return tslabKernelModule() !== undefined;
}

/** Each tslab cell execution's writer → its number ({@link cellRun}). */
const cellRuns = new WeakMap<object, number>();
let cellRunCount = 0;

/**
 * Deno's kernel hook that publishes a cell's last value: `deno jupyter` (2.x) calls
 * `Deno[Deno.internal].jupyter.broadcastResult(executionCount, value)` once the cell's code (and its top-level
 * awaits) has run without an error, before it answers the execute request; it looks the function up at each call.
 */
interface DenoKernelHooks {
  broadcastResult(executionCount: unknown, value: unknown): unknown;
}

/** What every copy of huntlab in one Deno kernel shares: the execution count of the last cell that ended without an error. */
interface DenoCellState {
  completed: number;
}

const DENO_CELLS = Symbol.for("huntlab.denoCells");

function denoKernelHooks(): DenoKernelHooks | undefined {
  try {
    const deno = (globalThis as { Deno?: { internal?: symbol } & Record<symbol, unknown> }).Deno;
    const internal = deno?.internal;
    const hooks = typeof internal === "symbol" ? (deno?.[internal] as { jupyter?: Partial<DenoKernelHooks> } | undefined)?.jupyter : undefined;
    return typeof hooks?.broadcastResult === "function" ? (hooks as DenoKernelHooks) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a huntlab object gives Deno's kernel as a cell's last value, when its output needs metadata: the bundle and
 * the output's metadata (a chart's image alt, `{ "image/png": { alt } }`). Deno 2.9's own `broadcastResult`
 * sends a last value's bundle with `metadata: {}`, so a chart left as a cell's last value lost its alt in the
 * notebook (nbconvert's HTML and Markdown, the hunt report). A `Symbol.for` key: any copy of huntlab in the
 * kernel may have installed the hook ({@link installDenoResultHook}).
 */
export const DENO_RESULT = Symbol.for("huntlab.denoResult");

/** The content {@link DENO_RESULT} returns. */
export interface DenoResult {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** `value`'s own execute_result content when it has metadata to carry, else undefined (Deno's result is sent). */
function ownDenoResult(value: unknown): DenoResult | undefined {
  try {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
    const make = (value as { [DENO_RESULT]?: unknown })[DENO_RESULT];
    if (typeof make !== "function") return undefined;
    const result = (make as () => unknown).call(value) as Partial<DenoResult> | undefined;
    if (!result || typeof result.data !== "object" || !result.data || typeof result.metadata !== "object" || !result.metadata) return undefined;
    return Object.keys(result.metadata).length > 0 ? (result as DenoResult) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps Deno's `broadcastResult` once per kernel (every copy of huntlab shares it): it records the execution count
 * of each cell that ends well ({@link denoCellRun}), and sends a huntlab object's last value with its metadata
 * ({@link DENO_RESULT}) as the one `execute_result`, in place of Deno's (other values: Deno's own). undefined
 * outside `deno jupyter`, or in a Deno whose kernel has no such hook or a frozen one.
 */
function denoResultHook(): DenoCellState | undefined {
  const holder = globalThis as { [DENO_CELLS]?: DenoCellState };
  const existing = holder[DENO_CELLS];
  if (existing) return existing;
  const jupyter = denoJupyter();
  const hooks = jupyter && denoKernelHooks();
  if (!jupyter || !hooks) return undefined;
  const shared: DenoCellState = { completed: 0 };
  const publish = hooks.broadcastResult;
  try {
    hooks.broadcastResult = function (this: unknown, executionCount: unknown, value: unknown) {
      if (typeof executionCount === "number" && Number.isSafeInteger(executionCount)) shared.completed = executionCount;
      const own = typeof jupyter.broadcast === "function" ? ownDenoResult(value) : undefined;
      if (own) {
        try {
          return Promise.resolve(jupyter.broadcast!("execute_result", { execution_count: executionCount, data: own.data, metadata: own.metadata })).catch(() => publish.call(this, executionCount, value));
        } catch {
          // Deno's own result, without the metadata, rather than none.
        }
      }
      return publish.call(this, executionCount, value);
    };
  } catch {
    // A Deno whose hooks object is frozen: nothing tells cells apart there (once per QueryProvider), no warning lost.
    return undefined;
  }
  holder[DENO_CELLS] = shared;
  return shared;
}

/** Installs the hook of {@link denoResultHook} (in `deno jupyter`; elsewhere nothing). */
export function installDenoResultHook(): void {
  denoResultHook();
}

/**
 * Deno's cell execution running now: one more than the execution count of the last cell that ended (Deno's kernel
 * tells JavaScript nothing when a cell starts, only, through {@link DenoKernelHooks}, when one ends well). Starts
 * listening at its first call (or a chart's: {@link installDenoResultHook}), whose cell is then run 1 (a lower
 * number than any execution count that follows). undefined outside `deno jupyter`, or in a Deno whose kernel has
 * no such hook (then nothing tells cells apart).
 */
function denoCellRun(): number | undefined {
  const state = denoResultHook();
  return state === undefined ? undefined : state.completed + 1;
}

/**
 * The number of the notebook cell execution running now, or undefined in a script. tslab passes each execute request
 * its own display writer, `lastWriteDisplayData`, so each tslab run is told apart. Deno's kernel only says when a cell
 * ended without an error ({@link denoCellRun}): a cell that fails and the cell run after it count as one run. Deno
 * (2.9) tells the notebook's code nothing of a failed cell: its kernel's own thread formats the error, calling
 * nothing else there (the REPL's `_error` stays unset, `globalThis.closed` is not read), and an AsyncLocalStorage
 * store entered in a cell leaks into the next one after a cell that awaited, so it cannot mark cells either.
 */
export function cellRun(): number | undefined {
  const writer = (tslabKernelModule() as { lastWriteDisplayData?: object } | undefined)?.lastWriteDisplayData;
  if (!writer) return denoCellRun();
  let run = cellRuns.get(writer);
  if (run === undefined) cellRuns.set(writer, (run = ++cellRunCount));
  return run;
}
