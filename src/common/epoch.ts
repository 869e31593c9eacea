/** Epoch times told by their size: shared by the data readers, the timeline and entities (which cannot import data/). */
export type EpochUnit = "s" | "ms" | "us" | "ns" | "filetime";
/** The smallest magnitude read as an epoch time (1e8 s is 1973): smaller values are no time in any unit. */
export const EPOCH_MIN = 1e8;

/** Windows FILETIME: 100 ns ticks since 1601-01-01 UTC; 1970-01-01 is this many ticks (exact as a double). */
export const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000;

/**
 * The FILETIME band: 1.1e17 to 1.6e17 ticks are 1949 to 2107. Read as ns since 1970 (the ns band starts at
 * 10^17) they would be June 1973 to January 1975, no time a log holds (ns epochs of logs are 1e18 and up,
 * 2001 on), and Windows' own integer times (`TimeCreated` in EventProperties, AD's `lastLogon`) were read so.
 */
const FILETIME_MIN = 1.1e17;
const FILETIME_END = 1.6e17;

/**
 * The unit of epoch times from a typical magnitude (the filters pass the
 * median of the values from 10^8 up): below 10^11 seconds, below 10^14
 * milliseconds, below 10^17 microseconds, Windows FILETIME ticks from 1.1e17
 * to 1.6e17 (1949–2107; as ns, 1973–1975), else nanoseconds. Each band holds
 * every date from 1973 to 5138 in its unit (FILETIME's, 1949–2107), so a
 * column of real times is never ambiguous. Undefined for values below 10^8
 * (before 1973 in seconds: counts, durations or relative times, not epoch times).
 */
export function epochUnit(maxAbs: number): EpochUnit | undefined {
  if (!Number.isFinite(maxAbs) || maxAbs < EPOCH_MIN) return undefined;
  if (maxAbs >= FILETIME_MIN && maxAbs < FILETIME_END) return "filetime";
  return maxAbs < 1e11 ? "s" : maxAbs < 1e14 ? "ms" : maxAbs < 1e17 ? "us" : "ns";
}

/** Epoch milliseconds of a number in `unit` (a FILETIME's ticks counted from 1970). */
export function epochMillis(value: number, unit: EpochUnit): number {
  switch (unit) {
    case "s":
      return value * 1000;
    case "ms":
      return value;
    case "us":
      return value / 1000;
    case "ns":
      return value / 1e6;
    case "filetime":
      return (value - FILETIME_UNIX_EPOCH) / 10_000;
  }
}

/**
 * True when every value is a number in text of epoch size (`"1704067200"`, `"1704067200.5"`, ms, µs or ns): a
 * time column written as epoch numbers, which the time parsers do not read (digits alone are no time there).
 */
export function looksLikeEpochText(values: readonly string[]): boolean {
  return values.length > 0 && values.every((v) => /^\s*-?\d{1,20}(?:\.\d{1,9})?\s*$/.test(v) && epochUnit(Math.abs(Number(v))) !== undefined);
}

/**
 * How to make a time column of epoch numbers times, for error messages (seconds; milliseconds without the
 * multiplication); `text`: the numbers are written as text, cast to numbers first.
 */
export function epochConversion(column: string, text = false): string {
  return `df.withColumns(pl.col(${JSON.stringify(column)})${text ? ".cast(pl.Float64)" : ""}.mul(1000).cast(pl.Datetime("ms"))) for seconds (without .mul(1000) for milliseconds)`;
}

/** The hint a time-column error adds for a column of numbers (`dtype` as polars names it: Int64, Float64…), else "". */
export function epochTypeHint(column: string, dtype: string): string {
  return /^(U?Int|Float)\d*$/.test(dtype) ? `: for epoch times convert it first, ${epochConversion(column)}` : "";
}
