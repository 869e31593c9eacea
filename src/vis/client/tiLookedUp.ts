/**
 * Whether a TI row is an answer, and the words a TI browser's list puts after an indicator without hits:
 * shared by the static forms (../tiBrowser.ts: HTML and text) and the live list (views/tiBrowser.ts), which
 * must say the same. A row whose lookup failed or was skipped (a provider switched off by a batch's circuit
 * breaker, a type it does not handle) has Result false like a clean answer: "(no hits)" read as clean.
 */

/** Status of an answer: looked up (0, `TI_STATUS.ok`) or "not found" (404, the service's own answer). */
const ANSWER_STATUSES: readonly number[] = [0, 404];

/** True unless the row's Status says the provider gave no answer (a row without a Status is taken as one). */
export function isAnswer(status: number | null | undefined): boolean {
  return status === null || status === undefined || ANSWER_STATUSES.includes(status);
}

/**
 * What follows an indicator in a list: "" with a hit, else `(no hits)` when every provider answered,
 * `(not looked up)` when none did, `(no hits; not looked up: A, B)` between.
 */
export function noHitNote(rows: readonly { provider: string; hit: boolean; answered: boolean }[]): string {
  if (rows.some((r) => r.hit)) return "";
  const unanswered = [...new Set(rows.filter((r) => !r.answered).map((r) => r.provider))];
  if (!unanswered.length) return "(no hits)";
  if (rows.every((r) => !r.answered)) return "(not looked up)";
  return `(no hits; not looked up: ${unanswered.join(", ")})`;
}
