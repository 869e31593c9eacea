// npm test runs this file in a process of its own: it emits SIGINT on the process and counts its listeners.
/**
 * Interrupting long TI lookups: an AbortSignal or the kernel's SIGINT stops a
 * batch against a slow loopback service within a second — queued requests never
 * start, requests in flight are cancelled, backoffs end — and the next lookup works.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import vm from "node:vm";
import { KernelInterrupt, operationSignal, type OperationSignal } from "../../src/context/interrupt";
import { Limiter, sleep } from "../../src/context/limiter";
import type { HttpTIProvider } from "../../src/context/tiHttp";
import { TIProgress } from "../../src/context/tiProgress";
import { harness, rowsOf } from "./tiHelpers";
import * as svc from "./tiServices";
import type { Handler } from "./tiTwins";
import { settledWithin } from "../helpers/race";

/** 200 public addresses: more than the concurrency limit lets through at once. */
const IPS = Array.from({ length: 200 }, (_, i) => `45.83.${Math.floor(i / 250)}.${(i % 250) + 1}`);

/** Every answer takes 5 s: a slow provider. */
const slow: Handler = () => ({ delayMs: 5_000, status: 404, json: { message: "not observed" } });

function providerOf(h: Awaited<ReturnType<typeof harness>>): HttpTIProvider {
  return Object.values(h.ti.loadedProviders)[0] as HttpTIProvider;
}

/**
 * Waits until `ready()` holds (polling), at most 20 s: a fixed wait of a few hundred ms was too short when the
 * machine is loaded, and the interrupt then came before the state the test interrupts.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/**
 * The lookup's error once it acts on an interrupt made just before: within a reference timer of 1 s started now,
 * a race (settledWithin), not wall time, which a loaded machine stretched past 1 s (1.9 s seen, 4 busy loops).
 * A lookup that waits for its requests (the twin answers in 5 s), its backoff or download does not settle first.
 */
async function rejectionNow(promise: Promise<unknown>, after: string): Promise<unknown> {
  const outcome = await settledWithin(
    promise.then(
      () => assert.fail("expected the lookup to reject"),
      (error: unknown) => ({ error }),
    ),
    1000,
  );
  assert.ok(outcome !== "late", `not rejected within 1 s of ${after} (a timer started with it ran first)`);
  return outcome.error;
}

async function rejection(promise: Promise<unknown>): Promise<{ error: unknown }> {
  try {
    await promise;
  } catch (error) {
    return { error };
  }
  assert.fail("expected the lookup to reject");
}

test("an aborted signal stops a long batch within a second; queued requests never start", async () => {
  const h = await harness("GreyNoise", slow, { Concurrency: 4, TimeoutSeconds: 30 });
  try {
    const controller = new AbortController();
    const lookup = h.ti.lookupIocs(IPS, { signal: controller.signal, progress: false });
    await until(() => providerOf(h).inFlight === 4 && h.twin.requests.length === 4, "four requests are in flight");
    assert.equal(providerOf(h).inFlight, 4, "four requests in flight");
    controller.abort();
    const error = await rejectionNow(lookup, "the abort");
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
    assert.match(String((error as Error).message), /^TI lookup interrupted \(signal aborted\) after 0 of 200 lookups;/);
    await sleep(100);
    assert.equal(providerOf(h).inFlight, 0, "no request left in flight");
    const seen = h.twin.requests.length;
    assert.equal(seen, 4, "only the first four requests were sent");
    await sleep(400);
    assert.equal(h.twin.requests.length, seen, "nothing is sent after the abort");
  } finally {
    await h.close();
  }
});

test("an abort during a Retry-After backoff ends at once", async () => {
  const h = await harness("GreyNoise", () => ({ status: 503, headers: { "Retry-After": "20" }, json: { message: "busy" } }), { MaxRetryAfterSeconds: 30 });
  try {
    const controller = new AbortController();
    const lookup = h.ti.lookupIoc("45.83.66.10", { signal: controller.signal, progress: false });
    await until(() => h.twin.requests.length === 1, "the first attempt reached the service");
    await sleep(300); // its 503 arrives: the retry waits 20 s
    assert.equal(h.twin.requests.length, 1, "the first attempt was answered 503; the retry waits 20 s");
    controller.abort();
    const error = await rejectionNow(lookup, "the abort");
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
  } finally {
    await h.close();
  }
});

test("a caller sharing another call's request still gets an answer when that call is aborted", async () => {
  const h = await harness("VirusTotal", (req) => ({ ...(svc.virusTotal(req) as object), delayMs: 400 }));
  try {
    const controller = new AbortController();
    const first = h.ti.lookupIoc("45.83.66.10", { signal: controller.signal, progress: false });
    const second = h.ti.lookupIoc("45.83.66.10", { progress: false });
    await until(() => h.twin.requests.length >= 1, "the first request reached the service");
    await sleep(100);
    assert.equal(h.twin.requests.length, 1, "the second call waits for the first one's request");
    controller.abort();
    const { error } = await rejection(first);
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
    const [row] = rowsOf(await second);
    assert.deepEqual([row.Status, row.Severity], [0, "high"]);
    assert.equal(h.twin.requests.length, 2, "the second call asked for itself once the first stopped");
  } finally {
    await h.close();
  }
});

test("a signal aborted before the call sends nothing", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity);
  try {
    const { error } = await rejection(h.ti.lookupIocs(["45.83.66.10"], { signal: AbortSignal.abort(), progress: false }));
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
    assert.equal(h.twin.requests.length, 0);
  } finally {
    await h.close();
  }
});

test("answers received before the interrupt are cached: the next run does not ask again", async () => {
  // The first address answers at once, the others hang.
  const h = await harness("GreyNoise", (req) => (req.path.endsWith("/45.83.66.10") ? svc.greyNoiseCommunity(req) : { delayMs: 5_000, status: 404, json: {} }), {
    Concurrency: 2,
    TimeoutSeconds: 30,
  });
  try {
    const controller = new AbortController();
    const lookup = h.ti.lookupIocs(["45.83.66.10", "45.83.0.1", "45.83.0.2"], { signal: controller.signal, progress: false });
    // The first answer freed a slot for the third address (Concurrency 2).
    await until(() => h.twin.requests.length === 3, "the third request is sent");
    await sleep(100);
    controller.abort();
    const { error } = await rejection(lookup);
    assert.match(String((error as Error).message), /after 1 of 3 lookups/);
    const before = h.twin.requests.length;
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10", { progress: false }));
    assert.equal(row.Result, true);
    assert.equal(h.twin.requests.length, before, "answered from the cache");
  } finally {
    await h.close();
  }
});

test("the kernel's SIGINT stops a lookup under tslab, and the kernel goes on", async () => {
  // tslab's kernel as huntlab sees it: its jupyter.js among the loaded modules with the
  // per-cell output writer set, and its own SIGINT handler (tslab's main.js installs one).
  const fakeTslab = path.join(path.sep, "opt", "tslab", "dist", "jupyter.js");
  require.cache[fakeTslab] = { exports: { lastWriteDisplayData: () => undefined } } as unknown as NodeJS.Module;
  const tslabHandler = () => undefined;
  process.on("SIGINT", tslabHandler);
  const h = await harness("GreyNoise", slow, { Concurrency: 4, TimeoutSeconds: 30 });
  try {
    const lookup = h.ti.lookupIocs(IPS, { progress: false });
    await until(() => h.twin.requests.length === 4, "four requests are in flight");
    assert.equal(process.listenerCount("SIGINT"), 2, "huntlab listens while the lookup runs");
    process.kill(process.pid, "SIGINT");
    const error = await rejectionNow(lookup, "SIGINT");
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
    assert.ok((error as Error).cause instanceof KernelInterrupt);
    assert.match(String((error as Error).message), /\(Interrupt Kernel\)/);
    assert.equal(process.listenerCount("SIGINT"), 1, "only tslab's handler is left");
    assert.equal(h.twin.requests.length, 4);
    // The next cell: a lookup works.
    h.twin.requests.length = 0;
    const quick = await harness("GreyNoise", svc.greyNoiseCommunity);
    try {
      const [row] = rowsOf(await quick.ti.lookupIoc("45.83.66.10", { progress: false }));
      assert.equal(row.Result, true);
    } finally {
      await quick.close();
    }
  } finally {
    process.off("SIGINT", tslabHandler);
    delete require.cache[fakeTslab];
    await h.close();
  }
});

test("outside a kernel no SIGINT listener is added (Ctrl-C still ends a script)", () => {
  const before = process.listenerCount("SIGINT");
  const op = operationSignal();
  assert.equal(process.listenerCount("SIGINT"), before);
  op.release();
  const never = operationSignal({ interrupt: "never" });
  assert.equal(process.listenerCount("SIGINT"), before);
  never.release();
});

test("Limiter: a waiting task whose signal aborts leaves the queue and never runs", async () => {
  const limiter = new Limiter(1);
  let release!: () => void;
  const first = limiter.run(() => new Promise<void>((r) => (release = r)));
  const controller = new AbortController();
  let ran = false;
  const second = limiter.run(async () => {
    ran = true;
  }, controller.signal);
  const third = limiter.run(async () => "third");
  assert.equal(limiter.waiting, 2);
  controller.abort(new Error("stop"));
  await assert.rejects(second, /stop/);
  assert.equal(limiter.waiting, 1);
  release();
  await first;
  assert.equal(await third, "third", "the slot passed over the aborted waiter");
  assert.equal(ran, false);
  assert.equal(limiter.active, 0);
});

test("sleep ends with the signal's reason as soon as it aborts", async (t) => {
  // The clock mocked (setImmediate is not): "as soon as" is the turn of the abort, whatever the machine's load.
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const controller = new AbortController();
  const nap = sleep(10_000, controller.signal);
  const state = (): Promise<unknown> => Promise.race([nap.then(() => "woke on its own", (error: unknown) => error), new Promise((resolve) => setImmediate(() => resolve("asleep")))]);
  setTimeout(() => controller.abort(new Error("wake")), 50);
  t.mock.timers.tick(49);
  assert.equal(await state(), "asleep");
  t.mock.timers.tick(1);
  assert.match(String(await state()), /wake/, "ended in the turn of the abort, 9.95 s before its time");
});

test("the progress display of an interrupted batch says so and stops counting", async () => {
  const progress = new TIProgress([{ name: "GreyNoise", total: 3 }], 3, false);
  progress.record(0, { status: 0, result: true, severity: "high" }, false);
  await progress.finish("Interrupt Kernel");
  progress.record(0, { status: 0, result: true, severity: "high" }, false);
  assert.equal(progress.tallies[0].done, 1, "a late answer is not counted");
  assert.match(progress.summary(), /^TI lookup interrupted \(Interrupt Kernel\) after [\d.]+ s: 3 observables × 1 provider \(GreyNoise\) → 1 found \(high 1\)/);
});

test("an operation started in a cell's synchronous part (vm breakOnSigint, as tslab runs cells) still catches SIGINT", async () => {
  const fakeTslab = path.join(path.sep, "opt", "tslab", "dist", "jupyter.js");
  require.cache[fakeTslab] = { exports: { lastWriteDisplayData: () => undefined } } as unknown as NodeJS.Module;
  let tslabSaw = 0;
  const tslabHandler = () => void (tslabSaw += 1);
  process.on("SIGINT", tslabHandler);
  const hook = globalThis as { __huntlabStartOperation?: () => OperationSignal };
  hook.__huntlabStartOperation = () => operationSignal();
  try {
    // A listener added while the watchdog owns SIGINT would not be re-armed: the signal would kill this process.
    const op = vm.runInThisContext("globalThis.__huntlabStartOperation()", { breakOnSigint: true }) as OperationSignal;
    await sleep(20);
    process.kill(process.pid, "SIGINT");
    await sleep(100);
    assert.equal(tslabSaw, 1, "tslab's own handler ran");
    assert.ok(op.signal.aborted, "the operation was aborted");
    assert.ok(op.signal.reason instanceof KernelInterrupt);
    op.release();
    assert.equal(process.listenerCount("SIGINT"), 1);
  } finally {
    delete hook.__huntlabStartOperation;
    process.off("SIGINT", tslabHandler);
    delete require.cache[fakeTslab];
  }
});

test("an abort stops the Tor exit list's download too (the batch waited for the whole fetch)", async () => {
  const h = await harness("Tor", () => ({ delayMs: 5_000, text: "ExitAddress 45.83.66.10 2026-12-01 10:00:00\n" }), { TimeoutSeconds: 30 });
  try {
    const controller = new AbortController();
    const lookup = h.ti.lookupIocs(["45.83.66.10", "45.83.66.11"], { signal: controller.signal, progress: false });
    await until(() => providerOf(h).inFlight === 1, "the list's download is in flight");
    controller.abort();
    const error = await rejectionNow(lookup, "the abort");
    assert.equal((error as { code?: string }).code, "context/lookup-interrupted");
    await sleep(100);
    assert.equal(providerOf(h).inFlight, 0, "the download was cancelled");
  } finally {
    await h.close();
  }
});

test("interrupting one batch leaves the Tor list's download to the other batches waiting for it (they got AbortError rows)", async () => {
  const h = await harness("Tor", () => ({ delayMs: 1_500, text: "ExitAddress 45.83.66.10 2026-12-01 10:00:00\n" }), { TimeoutSeconds: 30 });
  try {
    const controller = new AbortController();
    const interrupted = h.ti.lookupIocs(["45.83.66.12"], { signal: controller.signal, progress: false });
    const other = h.ti.lookupIocs(["45.83.66.10", "45.83.66.11"], { progress: false });
    await until(() => providerOf(h).inFlight === 1 && h.twin.requests.length === 1, "the list's download is in flight");
    controller.abort();
    assert.equal(((await rejection(interrupted)).error as { code?: string }).code, "context/lookup-interrupted");
    const rows = rowsOf(await other);
    assert.deepEqual(rows.map((r) => [r.Ioc, r.Status, r.Result]), [["45.83.66.10", 0, true], ["45.83.66.11", 0, false]]);
    assert.equal(h.twin.requests.length, 1, "one download for both batches");
    // A batch interrupted alone still cancels the download; the next lookup right after fetches it again.
    const h2 = await harness("Tor", () => ({ delayMs: 1_500, text: "ExitAddress 45.83.66.10 2026-12-01 10:00:00\n" }), { TimeoutSeconds: 30 });
    try {
      const alone = new AbortController();
      const first = h2.ti.lookupIocs(["45.83.66.10"], { signal: alone.signal, progress: false });
      await until(() => providerOf(h2).inFlight === 1 && h2.twin.requests.length === 1, "the list's download is in flight");
      alone.abort();
      await rejection(first);
      const next = rowsOf(await h2.ti.lookupIocs(["45.83.66.10"], { progress: false }));
      assert.deepEqual(next.map((r) => [r.Status, r.Result]), [[0, true]]);
      assert.equal(h2.twin.requests.length, 2);
    } finally {
      await h2.close();
    }
  } finally {
    await h.close();
  }
});
