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
 * The number of the tslab cell execution running now (tslab passes each execute request its own display writer,
 * `lastWriteDisplayData`), or undefined outside tslab (Deno's kernel tells no cell apart; a script has none).
 */
export function cellRun(): number | undefined {
  const writer = (tslabKernelModule() as { lastWriteDisplayData?: object } | undefined)?.lastWriteDisplayData;
  if (!writer) return undefined;
  let run = cellRuns.get(writer);
  if (run === undefined) cellRuns.set(writer, (run = ++cellRunCount));
  return run;
}
