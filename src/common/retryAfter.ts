/** HTTP `Retry-After` parsing, shared by the TI providers and the live data drivers. */

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The end of a live query's error for a throttled answer (429/503) that reached the driver (the client's retries
 * spent, or a longer wait asked than it waits): the wait `service` asked for, or "" when none or another status.
 */
export function throttleNote(service: string, status: number, retryAfter: string | undefined): string {
  const after = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return after ? `; ${service} asked to wait ${Math.ceil(after / 1000)} s (Retry-After): rerun the query after that wait` : "";
}
