// npm test runs this file in a process of its own: it fakes globalThis.Deno and emits SIGINT on the process.
/**
 * The kernel interrupt in Deno: one SIGINT listener for the kernel's life,
 * registered when huntlab loads inside `deno jupyter`, aborting the huntlab
 * operations running then; `interruptible` runs any awaited work as one.
 * Deno is faked here (its signal API and `Deno.jupyter`); the real kernel is
 * driven through JupyterLab in test/jupyterlab/interrupt.test.ts.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { denoInterruptHandler, interruptible, KernelInterrupt, operationSignal } from "../../src/common/interrupt";

interface FakeDeno {
  listeners: (() => void)[];
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  jupyter?: { display(): void };
}

const STATE = Symbol.for("huntlab.denoInterrupt");
const holder = globalThis as { Deno?: FakeDeno; [STATE]?: unknown };

function fakeDeno(kernel: boolean): FakeDeno {
  const deno: FakeDeno = {
    listeners: [],
    addSignalListener(signal, handler) {
      assert.equal(signal, "SIGINT");
      this.listeners.push(handler);
    },
    removeSignalListener(_signal, handler) {
      this.listeners = this.listeners.filter((h) => h !== handler);
    },
  };
  if (kernel) deno.jupyter = { display: () => undefined };
  holder.Deno = deno;
  return deno;
}

const sigint = (deno: FakeDeno) => {
  for (const listener of [...deno.listeners]) listener();
};

afterEach(() => {
  delete holder.Deno;
  delete holder[STATE];
});

test("inside deno jupyter one listener is registered, once, and kept when no operation runs", () => {
  const deno = fakeDeno(true);
  const active = denoInterruptHandler();
  assert.ok(active);
  assert.equal(denoInterruptHandler(), active, "the same state for every caller (and every huntlab copy)");
  assert.equal(deno.listeners.length, 1);
  sigint(deno); // an interrupt with nothing running: nothing to abort, and the listener stays
  const op = operationSignal();
  op.release();
  assert.equal(deno.listeners.length, 1, "operations do not add or remove listeners");
});

test("Deno outside a kernel (a script): no listener, so Ctrl-C still ends it", () => {
  const deno = fakeDeno(false);
  assert.equal(denoInterruptHandler(), undefined);
  const op = operationSignal();
  assert.equal(deno.listeners.length, 0);
  op.release();
});

test("the interrupt aborts the operations running then, and only those", async () => {
  const deno = fakeDeno(true);
  denoInterruptHandler();
  const running = operationSignal();
  const done = operationSignal();
  done.release();
  sigint(deno);
  assert.ok(running.signal.aborted);
  assert.ok(running.signal.reason instanceof KernelInterrupt);
  assert.equal(done.signal.aborted, false, "a finished operation is not aborted");
  running.release();
  const next = operationSignal();
  assert.equal(next.signal.aborted, false, "a later operation starts clean");
  next.release();
});

test("interruptible: rejects at once on the interrupt and aborts the work's signal", async () => {
  const deno = fakeDeno(true);
  denoInterruptHandler();
  let workSignal: AbortSignal | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pending = interruptible((signal) => {
    workSignal = signal;
    return new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("slept"), 60_000);
    });
  });
  await new Promise((resolve) => setImmediate(resolve));
  sigint(deno);
  await assert.rejects(pending, KernelInterrupt);
  assert.ok(workSignal?.aborted);
  clearTimeout(timer);
  assert.equal(await interruptible(async () => "next"), "next", "the next operation runs");
});

test("interruptible: a caller's signal aborts it outside kernels, with the signal's reason", async () => {
  const controller = new AbortController();
  const pending = interruptible(() => new Promise<never>(() => undefined), { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
  assert.equal(await interruptible(() => 42), 42);
});

/** tslab's kernel as `inTslabKernel` sees it: its kernel module loaded, holding the per-cell writer. */
function fakeTslab(): () => void {
  const file = "/fake/node_modules/tslab/dist/jupyter.js";
  const cache = require.cache as Record<string, unknown>;
  cache[file] = { id: file, filename: file, loaded: true, exports: { lastWriteDisplayData: () => undefined } };
  return () => {
    delete cache[file];
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("in tslab: one SIGINT listener however many operations run, aborting them all; gone when the last ends", async () => {
  const unfake = fakeTslab();
  const before = process.listenerCount("SIGINT");
  try {
    const ops = Array.from({ length: 25 }, () => operationSignal());
    assert.equal(process.listenerCount("SIGINT"), before, "not inside the synchronous part (vm's breakOnSigint owns SIGINT there)");
    await tick();
    assert.equal(process.listenerCount("SIGINT"), before + 1, "one listener for 25 operations");
    const finished = ops.pop()!;
    finished.release();
    process.emit("SIGINT");
    assert.ok(ops.every((op) => op.signal.reason instanceof KernelInterrupt), "every running operation aborted");
    assert.equal(finished.signal.aborted, false, "a finished operation is not aborted");
    for (const op of ops) op.release();
    assert.equal(process.listenerCount("SIGINT"), before, "the listener goes with the last operation");
    const quick = operationSignal();
    quick.release();
    await tick();
    assert.equal(process.listenerCount("SIGINT"), before, "an operation that ends in the synchronous part adds none");
    const next = operationSignal();
    await tick();
    assert.equal(process.listenerCount("SIGINT"), before + 1, "a later operation listens again");
    assert.equal(next.signal.aborted, false);
    next.release();
    assert.equal(process.listenerCount("SIGINT"), before);
  } finally {
    unfake();
  }
});
