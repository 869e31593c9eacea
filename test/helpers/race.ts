/**
 * `promise`'s value, or `fallback()`'s once `ms` have passed. The timer is
 * cleared when the race ends: a pending one holds the test file's process
 * open for the rest of its length after the last test (60 s of idle wall
 * time for `npm run lab`'s test, 30 s for each JupyterLab server stopped).
 */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(fallback());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `promise`'s result, or "late" when a timer of `ms` ran first: a check that a client honours its deadline (or acts
 * on an interrupt) which a loaded machine cannot fail, where a wall-clock limit can. Held up past both, the loop
 * runs due timers in the order of their ends, and the client's shorter deadline, started no later, runs first (its
 * last look at a socket too: "late" waits one more turn). A client that ignores its deadline still loses.
 * The timer starts now, or once `from` resolves (the request reached the test's server, the test aborted): the
 * client's own timer, started before, is then due first however long the machine took to get there.
 */
export async function settledWithin<T>(promise: Promise<T>, ms: number, from?: Promise<unknown>): Promise<Awaited<T> | "late"> {
  const oneTurnLater = () => new Promise<"late">((resolve) => setImmediate(() => resolve("late")));
  if (!from) return await within(promise, ms, oneTurnLater);
  let timer: NodeJS.Timeout | undefined;
  let over = false;
  const late = from.then(
    () =>
      new Promise<"late">((resolve) => {
        if (!over) timer = setTimeout(() => void oneTurnLater().then(resolve), ms);
      }),
  );
  try {
    return (await Promise.race([promise, late])) as Awaited<T> | "late";
  } finally {
    over = true;
    clearTimeout(timer);
  }
}
