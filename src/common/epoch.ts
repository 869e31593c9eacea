/** Epoch times told by their size: shared by the data readers, the timeline and entities (which cannot import data/). */
export type EpochUnit = "s" | "ms" | "us" | "ns";
/** The smallest magnitude read as an epoch time (1e8 s is 1973): smaller values are no time in any unit. */
export const EPOCH_MIN = 1e8;

/**
 * The unit of epoch times from a typical magnitude (the filters pass the
 * median of the values from 10^8 up): below 10^11 seconds, below 10^14
 * milliseconds, below 10^17 microseconds, else nanoseconds. Each band holds
 * every date from 1973 to 5138 in its unit, so a column of real times is
 * never ambiguous. Undefined for values below 10^8 (before 1973 in seconds:
 * counts, durations or relative times, not epoch times).
 */
export function epochUnit(maxAbs: number): EpochUnit | undefined {
  if (!Number.isFinite(maxAbs) || maxAbs < EPOCH_MIN) return undefined;
  return maxAbs < 1e11 ? "s" : maxAbs < 1e14 ? "ms" : maxAbs < 1e17 ? "us" : "ns";
}
