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
  const text = String(value).trim();
  let chunk: number | undefined;
  if (typeof value === "number" && value > 0) chunk = value * UNIT_MS.d;
  else {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
    const unit = m ? (m[2] === "T" ? "min" : m[2] === "M" ? "m" : m[2].toLowerCase() || "d") : "";
    if (m && UNIT_MS[unit] && Number(m[1]) > 0) chunk = Number(m[1]) * UNIT_MS[unit];
  }
  if (chunk === undefined) throw new QueryError(msg.liveLiteral(where, "split_query_by", `"${text.slice(0, 40)}" is not a duration (e.g. "1d", "6h", "30min")`));
  // Each chunk ends 1 ms before the next starts: a chunk under a second (0.0005s) ended before it began.
  if (chunk < MIN_CHUNK_MS) throw new QueryError(msg.liveLiteral(where, "split_query_by", `"${text.slice(0, 40)}" is shorter than one second, the shortest chunk`));
  return chunk;
}

/** The shortest chunk, ms. */
const MIN_CHUNK_MS = 1000;

/**
 * The end of a chunk that is followed by another: the last millisecond before
 * the next chunk's start (`getTime()` is next start − 1 ms). Services with
 * millisecond times bound a window with it as is (Elasticsearch `lte` on a
 * `date` field; Splunk's exclusive latest_time gets end + 1 ms = next start).
 * A literal that can say more writes the last instant before the next start
 * instead: KQL `datetime(…59.9999999Z)` (100 ns ticks, KQL's precision), so a
 * row at `…59.9995` is in this chunk and not in a gap between two.
 */
export class ChunkEnd extends Date {}

/**
 * Why a time cannot be a query language's literal, or undefined: KQL, SPL and
 * Elasticsearch write years 1–9999 (ISO 8601's four digits), and JavaScript's
 * `+275760-09-13` is no literal of theirs.
 */
export function timeLiteralProblem(value: Date): string | undefined {
  const year = value.getUTCFullYear();
  if (Number.isNaN(year)) return "an invalid Date";
  return year < 1 || year > 9999 ? `${year} is outside the years 1 to 9999 a query's time literal holds` : undefined;
}

/**
 * ISO 8601 text of a time, UTC; a ChunkEnd written to the last instant a literal with
 * `fractionDigits` (7: KQL's 100 ns ticks, 9: Elasticsearch date_nanos) can name before the next chunk.
 */
export function isoTime(value: Date, fractionDigits: 3 | 7 | 9 = 3): string {
  const iso = value.toISOString();
  return value instanceof ChunkEnd && fractionDigits > 3 ? iso.replace(/Z$/, `${"9".repeat(fractionDigits - 3)}Z`) : iso;
}

/**
 * Consecutive windows covering [start, end], each end inclusive: templates
 * filter with KQL's `between` or Elasticsearch's `lte`, so each window but the
 * last ends with a ChunkEnd just before the next one starts (no row is returned
 * twice, none falls between two). A driver whose service takes an exclusive end
 * (Splunk's latest_time) sends end + 1 ms, which is the next window's start: no gap.
 */
export function timeChunks(start: Date, end: Date, stepMs: number): { start: Date; end: Date }[] {
  const total = end.getTime() - start.getTime();
  if (total <= stepMs) return [{ start, end }];
  const count = Math.ceil(total / stepMs);
  const step = count > MAX_CHUNKS ? Math.ceil(total / MAX_CHUNKS) : stepMs;
  const out: { start: Date; end: Date }[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += step) out.push({ start: new Date(t), end: t + step >= end.getTime() ? end : new ChunkEnd(t + step - 1) });
  return out;
}
