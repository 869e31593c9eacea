/**
 * Times as the views write them, shared by Node (src/vis/timeZone.ts, the process tree's columns) and the page
 * (the process tree's ends, written from numbers): one writer, so a text made on either side is the same. No
 * imports: browser code bundles it.
 */

/** `+02:00`, `-04:00`, `+05:30` for an offset in milliseconds. */
export function offsetText(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `${offset < 0 ? "-" : "+"}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * `2026-11-02 14:00:05.200`: the wall clock of instant `ms` (ms since 1970) in UTC, or, given the zone's offset
 * at it, in that zone with the offset after it (`2026-03-29 03:30:00.000+02:00`). Years past 9999 are longer
 * (`+010000-…`), as toISOString writes them.
 */
export function wallTimeText(ms: number, offset?: number): string {
  const wall = new Date(ms + (offset ?? 0)).toISOString().replace("T", " ").replace("Z", "");
  return offset === undefined ? wall : `${wall}${offsetText(offset)}`;
}
