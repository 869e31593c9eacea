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
