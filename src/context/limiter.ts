import { onAbort } from "../common/interrupt";

export { onAbort };

/**
 * What a batch's lookups share to be cancellable: the signal travels on the
 * lookup context (`LookupContext & Interruptible`) to the HTTP layer.
 */
export interface Interruptible {
  /** Aborts the batch: queued requests never start, requests in flight and backoffs stop. */
  signal?: AbortSignal;
}

/** A concurrency limit: at most `limit` tasks run at once, the rest wait in order. */
export class Limiter {
  private running = 0;
  // Waiters that abort are only marked (O(1)) and skipped when their turn comes.
  private readonly queue: Waiter[] = [];
  private head = 0;
  private cancelled = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`internal error: concurrency limit must be a positive integer, got ${limit}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.queue.length - this.head - this.cancelled;
  }

  /**
   * Runs `task` when a slot is free; the slot is released however the task ends.
   * With `signal`, a task still waiting when it aborts leaves the queue and the
   * call rejects with the signal's reason (the task never starts); a running
   * task is the task's own business (pass it the signal).
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.running >= this.limit) await this.waitForSlot(signal);
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.nextWaiter();
      // Hand the slot straight to the next waiter: `running` stays the same.
      if (next) next.take();
      else this.running -= 1;
    }
  }

  private nextWaiter(): Waiter | undefined {
    while (this.head < this.queue.length) {
      const waiter = this.queue[this.head++];
      if (!waiter.cancelled) {
        this.compact();
        return waiter;
      }
      this.cancelled -= 1;
    }
    this.compact();
    return undefined;
  }

  /** Drops the consumed front of the queue now and then (amortised O(1)). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let stop = (): void => undefined;
      const waiter: Waiter = {
        cancelled: false,
        take: () => {
          stop();
          resolve();
        },
      };
      this.queue.push(waiter);
      if (signal) {
        stop = onAbort(signal, () => {
          waiter.cancelled = true;
          this.cancelled += 1;
          reject(signal.reason);
        });
      }
    });
  }
}

interface Waiter {
  cancelled: boolean;
  take(): void;
}

/** Resolves after `ms` milliseconds; with `signal`, rejects with its reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let stop = (): void => undefined;
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, Math.max(0, ms));
    if (signal) {
      stop = onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }
  });
}
