/** MSTICPy's `split_query_by`: a long time range run as consecutive chunks. */
import { QueryError, dataMessages as msg } from "../messages";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Most chunks one query is split into. */
export const MAX_CHUNKS = 1000;

/**
 * Parses a chunk length: `"1d"`, `"6h"`, `"30min"`, `"2w"`, a pandas-style
 * `"1D"`/`"1H"`/`"30T"`, or a number of days (MSTICPy's default unit). Undefined → undefined.
 */
export function parseSplitBy(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === "" || value === false) return undefined;
  if (typeof value === "number" && value > 0) return value * UNIT_MS.d;
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
  if (m) {
    const unit = m[2] === "T" ? "min" : m[2] === "M" ? "m" : m[2].toLowerCase() || "d";
    const ms = UNIT_MS[unit];
    const n = Number(m[1]);
    if (ms && n > 0) return n * ms;
  }
  throw new QueryError(msg.liveLiteral(where, "split_query_by", `"${text.slice(0, 40)}" is not a duration (e.g. "1d", "6h", "30min")`));
}

/**
 * Consecutive windows covering [start, end], each end inclusive to the
 * millisecond: templates filter with KQL's `between` or Elasticsearch's `lte`,
 * so each window but the last ends 1 ms before the next one starts (no row is
 * returned twice). A driver whose service takes an exclusive end (Splunk's
 * latest_time) sends end + 1 ms, which is the next window's start: no gap.
 * (A KQL row with sub-millisecond time in a window's last millisecond falls
 * between two windows: the templates' datetime literals have milliseconds only.)
 */
export function timeChunks(start: Date, end: Date, stepMs: number): { start: Date; end: Date }[] {
  const total = end.getTime() - start.getTime();
  if (total <= stepMs) return [{ start, end }];
  const count = Math.ceil(total / stepMs);
  const step = count > MAX_CHUNKS ? Math.ceil(total / MAX_CHUNKS) : stepMs;
  const out: { start: Date; end: Date }[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += step) out.push({ start: new Date(t), end: t + step >= end.getTime() ? end : new Date(t + step - 1) });
  return out;
}
