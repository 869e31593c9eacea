/**
 * Interrupting long operations (TI lookups) from the notebook.
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
 * So an operation listens for SIGINT while it runs, only inside a kernel (a plain
 * script's Ctrl-C is left alone), and aborts its own AbortSignal; every wait of
 * the operation honours that signal. The listener goes when the operation ends.
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

/** Subscribes `onInterrupt` to the kernel's SIGINT; returns the unsubscribe, or undefined when not in a kernel. */
function listenForKernelInterrupt(onInterrupt: () => void): (() => void) | undefined {
  const deno = denoSignals();
  if (deno) {
    if (!denoKernel()) return undefined;
    // Deno's kernel dies on SIGINT without a listener: ours keeps it alive and stops the operation.
    deno.addSignalListener("SIGINT", onInterrupt);
    return () => deno.removeSignalListener("SIGINT", onInterrupt);
  }
  // Node: only inside tslab's kernel, which handles SIGINT itself, so a plain script's
  // Ctrl-C still ends it. (Not "is there a SIGINT listener already": while a cell's
  // synchronous part runs, vm's breakOnSigint takes every SIGINT listener off.)
  if (!inTslabKernel()) return undefined;
  // Not now but in a microtask: this may run inside a cell's synchronous part, where
  // vm's breakOnSigint watchdog owns SIGINT; a listener added there is never re-armed
  // when the watchdog hands SIGINT back, and the next interrupt kills the kernel
  // (measured). The microtask runs once the cell's synchronous part has returned.
  let state: "pending" | "on" | "off" = "pending";
  queueMicrotask(() => {
    if (state !== "pending") return;
    state = "on";
    process.on("SIGINT", onInterrupt);
  });
  return () => {
    if (state === "on") process.off("SIGINT", onInterrupt);
    state = "off";
  };
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
