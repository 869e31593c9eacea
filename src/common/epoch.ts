/** Epoch times told by their size: shared by the data readers, the timeline and entities (which cannot import data/). */
import pl from "nodejs-polars";

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

/** polars' number types, as their variant names: Int64, UInt32, Float64… */
const NUMBER_TYPE = /^(U?Int|Float)\d*$/;

/** What each unit is called in messages. */
const UNIT_NAMES: Record<EpochUnit, string> = { s: "seconds", ms: "milliseconds", us: "microseconds (µs)", ns: "nanoseconds", filetime: "Windows FILETIME ticks (100 ns)" };

/** The polars expression, as text, that makes epoch numbers in `unit` times, exactly (µs, ns and FILETIME ticks as integers, the literals cast to Int64: as doubles, ns are off by up to ~0.2 µs). */
function epochExpr(column: string, unit: EpochUnit, text: boolean): string {
  const col = `pl.col(${JSON.stringify(column)})`;
  switch (unit) {
    case "s":
      return `${col}${text ? ".cast(pl.Float64)" : ""}.mul(1000).cast(pl.Datetime("ms"))`;
    case "ms":
      return `${col}${text ? ".cast(pl.Float64)" : ""}.cast(pl.Datetime("ms"))`;
    case "us":
    case "ns":
      return `${col}${text ? ".cast(pl.Int64)" : ""}.cast(pl.Datetime("${unit}"))`;
    case "filetime":
      return `${col}.cast(pl.Int64).sub(pl.lit(${FILETIME_UNIX_EPOCH}).cast(pl.Int64)).mul(pl.lit(100).cast(pl.Int64)).cast(pl.Datetime("ns"))`;
  }
}

/**
 * What an epoch column's unit is told from, as expressions (a scan collects
 * them in one pass): `max`, its largest magnitude, and `median`, the median
 * of its magnitudes from 10^8 up.
 */
export function epochStatExprs(column: pl.Expr): pl.Expr[] {
  const abs = column.cast(pl.Float64).abs();
  return [abs.max().alias("max"), abs.filter(abs.gtEq(pl.lit(EPOCH_MIN))).median().alias("median")];
}

/** The unit ({@link epochUnit} of the median, else of the largest) and the largest magnitude (NaN: no value) from {@link epochStatExprs}' frame. */
export function epochUnitOfStats(stats: pl.DataFrame): { unit: EpochUnit | undefined; max: number; magnitude: number } {
  const max = Number(stats.getColumn("max").get(0) ?? NaN);
  const median = Number(stats.getColumn("median").get(0) ?? NaN);
  const magnitude = Number.isNaN(median) ? max : median;
  return { unit: epochUnit(magnitude), max, magnitude };
}

/**
 * The magnitude a column's epoch unit is told from ({@link epochUnitOfStats}: the median of its magnitudes from 10^8
 * up, else the largest), for messages; a text column's values (examples that did not parse) as numbers where they are
 * one. Undefined when no value is a number.
 */
export function epochMagnitude(values: pl.Series | readonly string[]): number | undefined {
  const series = Array.isArray(values) ? pl.Series("v", (values as readonly string[]).map((v) => (/^\s*-?\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : null)), pl.Float64) : (values as pl.Series);
  const { magnitude } = epochUnitOfStats(pl.DataFrame([series.rename("v")]).select(...epochStatExprs(pl.col("v"))));
  return Number.isNaN(magnitude) ? undefined : magnitude;
}

/** {@link epochMagnitude} of a column of numbers (Int*, UInt*, Float*), else undefined: the unit a time-column error names. */
export function numericMagnitude(series: pl.Series): number | undefined {
  return NUMBER_TYPE.test(series.dtype.variant) ? epochMagnitude(series) : undefined;
}

/**
 * How to make a time column of epoch numbers times, for error messages; `text`: the numbers are written as text, cast to
 * numbers first. With `magnitude` (a typical value, {@link epochMagnitude}) the unit it looks like, the time that value
 * is in it and the one conversion for it; without, seconds' conversion (and milliseconds' without the multiplication).
 */
export function epochConversion(column: string, text = false, magnitude?: number): string {
  const unit = magnitude === undefined ? undefined : epochUnit(magnitude);
  if (!unit) return `df.withColumns(${epochExpr(column, "s", text)}) for seconds (without .mul(1000) for milliseconds)`;
  const when = new Date(epochMillis(magnitude as number, unit));
  const at = Number.isNaN(when.getTime()) ? "" : `; their median read so is ${when.toISOString().slice(0, 19)}Z`;
  return `from their size (about ${(magnitude as number).toExponential(2)}) ${UNIT_NAMES[unit]} since ${unit === "filetime" ? "1601" : "1970"}${at}: df.withColumns(${epochExpr(column, unit, text)})`;
}

/**
 * The hint a time-column error adds for a column of numbers (`dtype` as polars names it: Int64, Float64…), else "";
 * `magnitude` as {@link epochConversion}'s: a column whose values are too small for epoch times gets no hint.
 */
export function epochTypeHint(column: string, dtype: string, magnitude?: number): string {
  if (!NUMBER_TYPE.test(dtype)) return "";
  if (magnitude !== undefined && !epochUnit(magnitude)) return "";
  return `: for epoch times convert it first, ${epochConversion(column, false, magnitude)}`;
}
