/**
 * Interrupting long operations (TI lookups, live and LocalData queries) from the notebook.
 *
 * What "Interrupt Kernel" does, measured with jupyter_client on this machine:
 * - **tslab** (interrupt_mode "signal"): SIGINT reaches the Node process; tslab's
 *   own handler (`main.js`: `process.on("SIGINT", () => executor.interrupt())`)
 *   rejects the cell's await at once with "Interrupted asynchronously" and the
 *   kernel takes the next cell — but the cell's promise keeps running, so an
 *   unaware lookup would go on sending requests and writing into later cells.
 * - **Deno 2.9** (`deno jupyter`, interrupt_mode "signal", no interrupt_request
 *   support): SIGINT kills the kernel process unless a SIGINT listener is
 *   registered; with one, the listener runs and the kernel stays up.
 *
 * So, only inside a kernel (a plain script's Ctrl-C is left alone), an interrupt
 * aborts the running operations' AbortSignals; every wait of an operation
 * honours its signal.
 * - tslab: one SIGINT listener while any operation runs, aborting them all; it
 *   goes when the last one ends (tslab keeps its own handler).
 * - Deno: one listener, registered once when huntlab is loaded inside
 *   `deno jupyter` and kept for the kernel's life, so Interrupt Kernel never
 *   kills the kernel, whatever the cell is doing; it aborts the huntlab
 *   operations running then, if any. Deno cannot stop the cell's own code (a
 *   plain `await` or loop goes on to its end); {@link interruptible} makes any
 *   awaited work stop.
 *
 * Neither kernel stops synchronous work: a JavaScript loop holds the thread, and
 * the listener runs once it ends. (tslab's `breakOnSigint` does stop the
 * synchronous part of a cell that has no top-level `await`, huntlab calls included.)
 * So long native work must leave the thread free to be interruptible: LocalData
 * queries collect with polars' asynchronous `collect()` (data/collect.ts).
 */
import { addAbortListener } from "node:events";
import { denoJupyter as denoKernel, inTslabKernel } from "./kernel";

/**
 * Calls `listener` once when `signal` aborts; returns the function that stops
 * listening. (node:events' helper: also in Deno, and no DOM-style listener code in Node modules.)
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  const handle = addAbortListener(signal, listener);
  return () => handle[Symbol.dispose]();
}

/** Where the interrupt comes from. */
export interface InterruptOptions {
  /** Aborts the operation when it aborts. Default: none. */
  signal?: AbortSignal;
  /**
   * Also abort on the kernel's interrupt (SIGINT) while the operation runs: `"kernel"`
   * (default) listens only inside a tslab or Deno kernel, `"never"` does not listen.
   */
  interrupt?: "kernel" | "never";
}

/** The signal an operation runs under, and how to release it. */
export interface OperationSignal {
  readonly signal: AbortSignal;
  /** Removes the SIGINT listener and the link to the caller's signal. Call once the operation ends. */
  release(): void;
}

/** The reason of an abort caused by the kernel's interrupt. */
export class KernelInterrupt extends Error {
  override name = "KernelInterrupt";
  constructor() {
    super("Interrupted (Interrupt Kernel / SIGINT).");
  }
}

interface DenoSignals {
  addSignalListener(signal: "SIGINT", handler: () => void): void;
  removeSignalListener(signal: "SIGINT", handler: () => void): void;
}

function denoSignals(): DenoSignals | undefined {
  const deno = (globalThis as { Deno?: Partial<DenoSignals> }).Deno;
  return typeof deno?.addSignalListener === "function" && typeof deno.removeSignalListener === "function" ? (deno as DenoSignals) : undefined;
}

/** State shared by every copy of huntlab loaded in one Deno kernel (dist/ and a source checkout, say). */
interface DenoInterruptState {
  /** The running operations' abort callbacks. */
  readonly active: Set<() => void>;
  /** The SIGINT listener, registered once. */
  readonly listener: () => void;
}

const DENO_STATE = Symbol.for("huntlab.denoInterrupt");

/**
 * Inside `deno jupyter`, registers huntlab's one SIGINT listener (once per
 * kernel, shared by every copy of huntlab) and returns the set of running
 * operations it aborts; elsewhere returns undefined and registers nothing.
 * Called when this module loads, so loading huntlab is enough to keep the
 * Deno kernel alive through Interrupt Kernel.
 */
export function denoInterruptHandler(): Set<() => void> | undefined {
  const deno = denoSignals();
  if (!deno || !denoKernel()) return undefined;
  const holder = globalThis as { [DENO_STATE]?: DenoInterruptState };
  let state = holder[DENO_STATE];
  if (!state) {
    const active = new Set<() => void>();
    // A copy, so an operation that ends while others are aborted cannot upset the loop.
    const listener = () => {
      for (const abort of [...active]) abort();
    };
    state = { active, listener };
    holder[DENO_STATE] = state;
    deno.addSignalListener("SIGINT", listener);
  }
  return state.active;
}

/** Subscribes `onInterrupt` to the kernel's SIGINT; returns the unsubscribe, or undefined when not in a kernel. */
function listenForKernelInterrupt(onInterrupt: () => void): (() => void) | undefined {
  if (denoSignals()) {
    const active = denoInterruptHandler();
    if (!active) return undefined;
    active.add(onInterrupt);
    return () => active.delete(onInterrupt);
  }
  // Node: only inside tslab's kernel, which handles SIGINT itself, so a plain script's
  // Ctrl-C still ends it. (Not "is there a SIGINT listener already": while a cell's
  // synchronous part runs, vm's breakOnSigint takes every SIGINT listener off.)
  if (!inTslabKernel()) return undefined;
  TSLAB.active.add(onInterrupt);
  armTslabListener();
  return () => {
    TSLAB.active.delete(onInterrupt);
    if (TSLAB.active.size) return;
    if (TSLAB.state === "on") process.off("SIGINT", TSLAB.listener);
    TSLAB.state = "off";
  };
}

/**
 * tslab: the running operations' abort callbacks and one SIGINT listener while
 * any runs (one per operation would pass Node's 10-listener warning with many
 * lookups at once). The listener goes when the last operation ends, so a
 * plain Ctrl-C outside operations is tslab's own again.
 */
const TSLAB = {
  active: new Set<() => void>(),
  state: "off" as "off" | "pending" | "on",
  listener: () => {
    // A copy, so an operation that ends while others are aborted cannot upset the loop.
    for (const abort of [...TSLAB.active]) abort();
  },
};

function armTslabListener(): void {
  if (TSLAB.state !== "off") return;
  // Not now but in a microtask: this may run inside a cell's synchronous part, where
  // vm's breakOnSigint watchdog owns SIGINT; a listener added there is never re-armed
  // when the watchdog hands SIGINT back, and the next interrupt kills the kernel
  // (measured). The microtask runs once the cell's synchronous part has returned.
  TSLAB.state = "pending";
  queueMicrotask(() => {
    if (TSLAB.state !== "pending") return;
    if (!TSLAB.active.size) {
      TSLAB.state = "off";
      return;
    }
    TSLAB.state = "on";
    process.on("SIGINT", TSLAB.listener);
  });
}

/**
 * A signal for one operation: aborted by `options.signal` or (by default, in a
 * kernel) by Interrupt Kernel. Always `release()` it when the operation ends.
 */
export function operationSignal(options: InterruptOptions = {}): OperationSignal {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  const outer = options.signal;
  if (outer) {
    if (outer.aborted) controller.abort(outer.reason);
    else {
      cleanups.push(onAbort(outer, () => controller.abort(outer.reason)));
    }
  }
  if ((options.interrupt ?? "kernel") === "kernel" && !controller.signal.aborted) {
    const stop = listenForKernelInterrupt(() => controller.abort(new KernelInterrupt()));
    if (stop) cleanups.push(stop);
  }
  return {
    signal: controller.signal,
    release() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}

/** A promise that rejects with the signal's reason once it aborts (never settles otherwise). Handled, so never "unhandled". */
export function whenAborted(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else onAbort(signal, () => reject(signal.reason));
  });
  aborted.catch(() => undefined);
  return aborted;
}

/**
 * Runs `work` as an interruptible operation: Interrupt Kernel (tslab or Deno)
 * or `options.signal` rejects the returned promise at once with the abort's
 * reason ({@link KernelInterrupt} for the kernel's), and aborts the signal
 * given to `work`, so that its fetches and timers can stop too. Outside a
 * kernel only `options.signal` interrupts it.
 *
 * ```ts
 * const body = await interruptible((signal) => fetch(url, { signal }).then((r) => r.text()));
 * ```
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T> | T, options: InterruptOptions = {}): Promise<T> {
  const op = operationSignal(options);
  try {
    return await Promise.race([Promise.resolve().then(() => work(op.signal)), whenAborted(op.signal)]);
  } finally {
    op.release();
  }
}

// Loading huntlab inside `deno jupyter` keeps the kernel alive through Interrupt Kernel.
denoInterruptHandler();
