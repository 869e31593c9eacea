/**
 * A read written once, run synchronously or asynchronously.
 *
 * A read is a generator of {@link ReadSteps}: it yields each polars
 * LazyDataFrame to collect and receives the collected DataFrame (a collect
 * error is thrown back in at the `yield`, so a read's own try/catch sees it).
 * {@link runSync} collects with `collectSync` (the synchronous API:
 * `readDataFile`, `qp.X.y.lazy()`); {@link runAsync} with polars' `collect()`,
 * which runs on libuv's thread pool and leaves the JavaScript thread free, so
 * that an abort (Interrupt Kernel) rejects at once. The abandoned native work
 * cannot be cancelled: it finishes in the background, its result is dropped,
 * and the read's later steps never run.
 */
import pl from "nodejs-polars";
import { whenAborted } from "../common/interrupt";

/**
 * A step of a read done outside polars (decompressing a file, compressed.ts):
 * `sync` for {@link runSync}, `run` for {@link runAsync}, which must stop its
 * work when the signal aborts. The read receives an empty frame for it.
 */
export class OutsideStep {
  constructor(
    readonly sync: () => void,
    readonly run: (signal?: AbortSignal) => Promise<void>,
  ) {}
}

/** A read: yields lazy frames to collect (and outside steps to run), returns its result. */
export type ReadSteps<T> = Generator<pl.LazyDataFrame | OutsideStep, T, pl.DataFrame>;

/** Runs `steps`, collecting every lazy frame synchronously. */
export function runSync<T>(steps: ReadSteps<T>): T {
  let next = steps.next();
  while (!next.done) {
    let df: pl.DataFrame;
    try {
      const step = next.value;
      if (step instanceof OutsideStep) {
        step.sync();
        df = pl.DataFrame();
      } else df = step.collectSync();
    } catch (err) {
      next = steps.throw(err);
      continue;
    }
    next = steps.next(df);
  }
  return next.value;
}

/** Native collects (and outside steps, until their child process is gone) abandoned on an abort and still running (for measurements and tests). */
let abandoned = 0;

/** How many abandoned polars collects are still running in the background. */
export function abandonedCollects(): number {
  return abandoned;
}

/**
 * Runs `steps`, collecting every lazy frame with polars' asynchronous
 * `collect()`. When `signal` aborts, rejects at once with its reason: the
 * collect under way is left to finish in the background (its result and
 * errors dropped) and no later step of the read runs.
 */
export async function runAsync<T>(steps: ReadSteps<T>, signal?: AbortSignal): Promise<T> {
  const aborted = signal ? whenAborted(signal) : undefined;
  const stop = (): never => {
    // Runs the read's finally blocks, not its later steps.
    steps.return(undefined as T);
    throw signal?.reason;
  };
  if (signal?.aborted) stop();
  let next = steps.next();
  while (!next.done) {
    if (signal?.aborted) stop();
    const step = next.value;
    const collecting = step instanceof OutsideStep ? step.run(signal).then(() => pl.DataFrame()) : step.collect();
    let df: pl.DataFrame;
    try {
      df = await (aborted ? Promise.race([collecting, aborted]) : collecting);
    } catch (err) {
      if (signal?.aborted) {
        abandoned += 1;
        const done = () => {
          abandoned -= 1;
        };
        collecting.then(done, done);
        stop();
      }
      next = steps.throw(err);
      continue;
    }
    if (signal?.aborted) stop();
    next = steps.next(df);
  }
  return next.value;
}
