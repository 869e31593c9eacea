/**
 * Parsing of the time formats real log exports use. Parsing is vectorised
 * (polars' strptime per candidate format, coalesced), never row-by-row JS.
 */
import pl from "nodejs-polars";
import { isTextType } from "../common/dtypes";
import { epochStatExprs, epochUnitOfStats, type EpochUnit } from "../common/epoch";
import { realDateTime } from "../common/calendar";
import { slashOrder, slashOrderSettled, type SlashOrder } from "../common/slashDates";

export { slashOrderSettled } from "../common/slashDates";

export { EPOCH_MIN, epochUnit, type EpochUnit } from "../common/epoch";
import { columnNames, columnOf, replaceColumns } from "../common/frames";
import { DataColumnError, QueryError, dataMessages as msg, dataWarnings } from "./messages";

/**
 * Formats tried in order. ISO first; then the US-locale forms that Excel and the
 * Sentinel portal write (`2/10/19 3:21 PM`, `5/4/2021, 7:48:01.990 AM`).
 */
export const TIME_FORMATS: readonly string[] = [
  "%Y-%m-%dT%H:%M:%S%.fZ",
  // UTC offsets (`+02:00`, `+0000`): converted to UTC.
  "%Y-%m-%dT%H:%M:%S%.f%#z",
  "%Y-%m-%d %H:%M:%S%.f%#z",
  "%Y-%m-%dT%H:%M:%SZ",
  "%Y-%m-%dT%H:%M:%S%.f",
  "%Y-%m-%dT%H:%M:%S",
  // ISO 8601 without seconds (`2019-02-10T16:00Z`), which toDate reads too.
  "%Y-%m-%dT%H:%MZ",
  "%Y-%m-%dT%H:%M%#z",
  "%Y-%m-%d %H:%M%#z",
  "%Y-%m-%dT%H:%M",
  "%Y-%m-%d %H:%M:%S%.f",
  "%Y-%m-%d %H:%M:%S",
  "%Y-%m-%d %H:%M",
  // A comma before the fraction (Python logging's and log4j's `2026-01-02 10:30:00,500`, ISO 8601's other decimal
  // sign), which toDate reads too: chrono's `%.f` reads a dot only and `%f` reads digits as nanoseconds, so each
  // common width (ms, µs, ns) is a format, with and without a zone.
  ...["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"].flatMap((t) => [3, 6, 9].flatMap((d) => [`${t},%${d}f`, `${t},%${d}f%#z`])),
  // Two-digit years first: a %y format cannot match a four-digit year, but %Y would read "19" as year 19.
  "%m/%d/%y %I:%M:%S %p",
  "%m/%d/%y %I:%M %p",
  "%m/%d/%y %H:%M",
  "%m/%d/%Y, %I:%M:%S%.f %p",
  "%m/%d/%Y, %I:%M:%S %p",
  "%m/%d/%Y %I:%M:%S%.f %p",
  "%m/%d/%Y %I:%M:%S %p",
  "%m/%d/%Y %I:%M %p",
  // With a UTC offset (`06/28/2024 10:00:00 +02:00`, spaced or not): converted to UTC, as the ISO forms are.
  "%m/%d/%Y %H:%M:%S%.f%#z",
  "%m/%d/%Y %H:%M%#z",
  "%m/%d/%Y %H:%M:%S%.f",
  "%m/%d/%Y %H:%M:%S",
  "%m/%d/%Y %H:%M",
  // Dotted dates are day first wherever they are written (de-DE, ru-RU, pl-PL, fi-FI…: Excel's "CSV" there writes
  // `07.12.2026 08:15`, without seconds; .NET's and PowerShell's `G` format with them): no month-first form to guess.
  "%d.%m.%Y %H:%M:%S%.f",
  "%d.%m.%Y %H:%M:%S",
  "%d.%m.%Y %H:%M",
  // Kibana's Discover CSV (its default dateFormat `MMM D, YYYY @ HH:mm:ss.SSS`).
  "%b %d, %Y @ %H:%M:%S%.f",
  "%b %d, %Y @ %H:%M:%S",
  // RFC 2822 / RFC 1123 (HTTP `Date`, e-mail headers, web and proxy exports: `Mon, 01 Jan 2024 08:15:00 +0100`), the
  // day name optional. chrono checks a day name against the date: a wrong one (`Tue, 01 Jan 2024`) reads as no time.
  // Without a zone (UTC written as a word is taken off first, as for the other forms): UTC, as elsewhere.
  ...["%a, %d %b %Y %H:%M:%S", "%d %b %Y %H:%M:%S"].flatMap((t) => [`${t} GMT`, `${t} %#z`, t]),
];

/** Formats for a date alone, tried after the date-time formats. */
const DATE_FORMATS: readonly string[] = ["%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%d.%m.%Y"];

/** A polars time unit. */
export type TimeUnit = "ms" | "us" | "ns";

/** The outcome of parsing a text column as times. */
export interface TimeParseResult {
  /**
   * The parsed column when every value parsed (Datetime, UTC-naive, in the
   * precision the text has: ms for up to 3 fraction digits, µs up to 6, ns
   * beyond, as MDE and Sysmon write 100 ns, unless a year is outside ns's
   * range, 1677–2262: then µs, the digits beyond cut); otherwise the original column.
   */
  series: pl.Series;
  /** True when the column was converted. */
  parsed: boolean;
  /** How many non-empty values did not parse. */
  failures: number;
  /** Up to five values that did not parse, for error messages. */
  examples: string[];
  /**
   * When some values did not parse: those that did, null elsewhere (for
   * times that only label rows). Undefined when no sampled value is a time.
   */
  partial?: pl.Series;
  /**
   * Set when the column was parsed from slash dates that read either way (no day or month above 12:
   * `05/06/2026`), month first or, with `dayFirst`, day first: a guess the caller tells of.
   */
  ambiguousSlashDates?: SlashDates;
  /**
   * Set when the column mixes times with a zone or offset and times without one (those were read as UTC): only
   * possible when more than one format read it (a format either requires the offset or reads none).
   */
  mixedZones?: { zoned: number; naive: number };
  /**
   * Set when the column's times end in zone abbreviations {@link ZONE_OFFSETS} does not read (`IST`, `BST`, `CST`:
   * several zones each; or one not in the table): the column stays text. Each abbreviation, once.
   */
  unreadZones?: string[];
  /** Set when the column's times had no year (`Dec  7 08:15:00`): the years given them, for the callers' warning. */
  yearsAssumed?: YearsAssumed;
}

/** The years given to times written without one ({@link TimeParseResult.yearsAssumed}). */
export interface YearsAssumed {
  /** The oldest and newest year given. */
  first: number;
  last: number;
  /** The newest time as written (`Jan  2 10:00:00`). */
  newest: string;
  /** Where the newest time's year came from: the `year` option, or the latest that keeps it by `writtenBy`. */
  from: { year: number } | { writtenBy: Date };
}

const ALL_FORMATS: readonly string[] = [...TIME_FORMATS, ...DATE_FORMATS];
/** {@link ALL_FORMATS} with slash dates day first (`05/06/2026` is 5 June: en-GB, fr-FR, es-ES…), for `dayFirst`. */
const DAY_FIRST_FORMATS: readonly string[] = ALL_FORMATS.map((f) => f.replace("%m/%d/", "%d/%m/"));

/** Options of the column parsers ({@link parseTimeSeries}, {@link parseTimeColumns}, {@link sampleFormats}). */
export interface TimeParseOptions {
  /**
   * Read slash dates day first (`05/06/2026 15:00:00` is 5 June), as the day-first cultures' exports write them.
   * Default false: month first, as en-US writes them (`5/6/2026 3:00:00 PM` is May 6).
   */
  dayFirst?: boolean;
  /**
   * The year of the newest time among times written without one (BSD syslog's `Dec  7 08:15:00`, RFC 3164, as
   * /var/log/auth.log and syslog CSV exports write them); the older ones take a year less at each turn of the year
   * (a December line before a January one). Default: the year that puts the newest at or before {@link writtenBy}.
   */
  year?: number;
  /**
   * When the times were written by at the latest (a file's modification time; default now): without `year`, the
   * newest year-less time takes the latest year that puts it no later than a day after this.
   */
  writtenBy?: Date;
}

const formatsFor = (options: TimeParseOptions): readonly string[] => (options.dayFirst ? DAY_FIRST_FORMATS : ALL_FORMATS);

/** A slash date at the start of a value: its first and second fields (`05/06/2026 …`). */
const SLASH_DATE = "^(\\d{1,2})/(\\d{1,2})/\\d";

/** Rows {@link slashDates} looks at first, to turn down a column that is not all slash dates cheaply. */
const SLASH_HEAD_ROWS = 1000;

/** What the slash dates of a text column say of their order ({@link slashDates}). */
export interface SlashDates {
  /** No value has a first or second field above 12: `05/06/2026` reads as 6 May or 5 June alike. */
  ambiguous: boolean;
  /** Every value has AM/PM, as en-US writes its times (`5/6/2026 3:00:00 PM`). */
  twelveHour: boolean;
  /** The order {@link slashOrder} gives them without `dayFirst` (undefined: neither reads them). */
  order?: SlashOrder;
}

/**
 * Whether a text column's dates are slash dates that read either way (month/day or day/month), or
 * undefined when not every present value starts with a slash date (`05/06/2026`, `5/6/26`).
 */
export function slashDates(text: pl.Series): SlashDates | undefined {
  const v = pl.col("v").str.strip();
  const present = v.isNotNull().and(v.neq(pl.lit("")));
  // Every present value must be a slash date: a first value that is not settles it without a pass over the rest
  // (a text time column of 1M rows, such as `mm:ss.f` durations, took ~300 ms of regex passes for nothing).
  if (text.len() > SLASH_HEAD_ROWS) {
    const head = pl
      .DataFrame([text.slice(0, SLASH_HEAD_ROWS).rename("v")])
      .select(present.sum().alias("present"), v.str.contains(SLASH_DATE).and(present).sum().alias("slash"))
      .toRecords()[0] as Record<string, number | null>;
    if (Number(head.present ?? 0) > 0 && Number(head.slash) !== Number(head.present)) return undefined;
  }
  const field = (k: number) => v.str.extract(SLASH_DATE, k).cast(pl.Int32);
  const stats = pl
    .DataFrame([text.rename("v")])
    .select(
      present.sum().alias("present"),
      v.str.contains(SLASH_DATE).and(present).sum().alias("slash"),
      field(1).max().alias("first"),
      field(2).max().alias("second"),
      v.str.contains("(?i)\\d\\s*[ap]\\.?m\\.?$").and(present).sum().alias("ampm"),
    )
    .toRecords()[0] as Record<string, number | null>;
  const present_ = Number(stats.present ?? 0);
  if (present_ === 0 || Number(stats.slash) !== present_) return undefined;
  const order = slashOrder(Number(stats.first ?? 0), Number(stats.second ?? 0));
  return { ambiguous: order?.ambiguous ?? false, twelveHour: Number(stats.ampm) === present_, ...(order ? { order } : {}) };
}

type NativeExpr = { strToDatetime?: (...args: unknown[]) => unknown };

let wrapNative: ((raw: unknown) => pl.Expr) | null | undefined;

/** nodejs-polars' wrapper of a native expression, or null when this release does not have it where 0.26 does. */
function nativeExprWrapper(): ((raw: unknown) => pl.Expr) | null {
  if (wrapNative === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, loaded only if present
      const mod = require("nodejs-polars/bin/lazy/expr") as { _Expr?: (raw: unknown) => pl.Expr };
      wrapNative = typeof mod._Expr === "function" ? mod._Expr : null;
    } catch {
      wrapNative = null;
    }
  }
  return wrapNative;
}

/**
 * `expr.str.strptime` in the time unit asked for, UTC-naive. nodejs-polars'
 * public `strptime` accepts no unit (it infers µs), so the native binding's
 * `strToDatetime` is called with one; if a later release drops it, the public
 * method (µs) is used. A value with a UTC offset is converted to UTC.
 * `exact` (default false): the whole value must match, not a prefix — with a
 * prefix match `%Y-%m-%d` reads "2026-11-02 10:00" as midnight.
 */
export function strptimeExpr(expr: pl.Expr, format: string, unit: TimeUnit, exact = false): pl.Expr {
  const native = (expr as unknown as { _expr?: NativeExpr })._expr;
  const wrap = nativeExprWrapper();
  const parsed =
    wrap && typeof native?.strToDatetime === "function"
      ? wrap(native.strToDatetime(format, unit, undefined, false, exact, false, undefined))
      : expr.str.strptime(pl.Datetime("ms"), format);
  // Casting drops the UTC zone of offset formats and sets the unit.
  const out = parsed.cast(pl.Datetime(unit));
  // chrono reads second 60 (a leap second) and polars rolls it over to the next minute; pandas and Python's datetime
  // reject it, as they reject 2024-02-30: not a time. Every format's seconds follow `%M:`.
  // (`then` keeps the parsed expression's name; a null text is null either way.)
  return format.includes("%S") ? pl.when(expr.str.contains(LEAP_SECOND).not()).then(out).otherwise(pl.lit(null)) : out;
}

/** Second 60 in a format's `%M:%S`: `:60` not followed by a digit (minute 60 and offset minute 60 are no times either). */
const LEAP_SECOND = ":60(?:[^0-9]|$)";

/** Directives polars' fast parser reads (fixed width, digits only); chrono reads the others, 4–5× slower. */
const FAST_DIRECTIVES = /^(?:[^%]|%[YydmHMS])*$/;

/** A time's fraction digits in text (`:SS.fff`). */
const FRACTION = /:\d\d[.,](\d+)/;

/**
 * The fixed-width form of a format with `%.f` (chrono's any-length fraction,
 * which polars' fast parser cannot read) for the fraction most of `values`
 * have: none, or `.` and exactly 3, 6 or 9 digits. It reads a subset of what
 * `format` reads, to the same instant (the fast parser takes only digits in
 * place, and falls back to chrono with the fixed-width form), 4–5× faster.
 * Undefined when the format has no `%.f` or directives only chrono reads
 * (`%p`, `%z`), or the values' fraction has another length.
 */
export function fixedWidthFormat(format: string, values: readonly string[]): string | undefined {
  const at = format.indexOf("%.f");
  if (at < 0 || !FAST_DIRECTIVES.test(format.slice(0, at) + format.slice(at + 3))) return undefined;
  const counts = new Map<number, number>();
  for (const v of values) {
    const digits = FRACTION.exec(v)?.[1].length ?? 0;
    counts.set(digits, (counts.get(digits) ?? 0) + 1);
  }
  const [digits] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0];
  if (![0, 3, 6, 9].includes(digits)) return undefined;
  return format.slice(0, at) + (digits ? `.%${digits}f` : "") + format.slice(at + 3);
}

/** Seconds followed by 4 or more fraction digits (`:SS.ffff…`): finer than ms. */
const FINER_THAN_MS = ":\\d\\d[.,]\\d{4}";
/** Seconds followed by 7 or more fraction digits: finer than µs. */
const FINER_THAN_US = ":\\d\\d[.,]\\d{7}";

/**
 * {@link textTimeUnit} as two aggregate expressions over a text column, for a
 * select that checks several columns at once: whether any value has more
 * than 3 (`finerThanMs`) and more than 6 (`finerThanUs`) fraction digits.
 */
export function fractionDigitExprs(text: pl.Expr): { finerThanMs: pl.Expr; finerThanUs: pl.Expr } {
  return { finerThanMs: text.str.contains(FINER_THAN_MS).any(), finerThanUs: text.str.contains(FINER_THAN_US).any() };
}

/**
 * The fraction digits `format` reads: 0 (no fraction directive), 3, 6 or 9
 * (fixed width: `.%3f`, `%.6f`…), or undefined for chrono's any-length `%.f`
 * and `%f`. A fixed width settles a parsed column's unit without a look at its values.
 */
export function fractionWidth(format: string): 0 | 3 | 6 | 9 | undefined {
  const fixed = /%\.?(\d*)f/.exec(format);
  if (!fixed) return 0;
  const digits = Number(fixed[1]);
  return digits === 3 || digits === 6 || digits === 9 ? digits : undefined;
}

/**
 * A value whose year is surely inside ns's range (1677–2262): 1680–2259,
 * where every format of {@link ALL_FORMATS} reads the year: at the start
 * (`2024-…`), or after the month and day (`5/4/2021`; two digits, `2/10/19`, are
 * 1969–2068). Anchored, so a pass costs little; a value it does not match may
 * still be in range, and only costs a check.
 */
const YEAR_IN_NS_RANGE = "^(?:(?:1(?:6[89]|[7-9]\\d)\\d|2[01]\\d\\d|22[0-5]\\d)-|\\d{1,2}/\\d{1,2}/(?:\\d\\d|1(?:6[89]|[7-9]\\d)\\d|2[01]\\d\\d|22[0-5]\\d)(?:\\D|$))";

/**
 * Per value of a text column (trimmed, as parsed): true where its year may be
 * outside ns's range, so that a parse in ns may have wrapped (see {@link nsWrapped}).
 */
export function yearMayLeaveNsRange(text: pl.Expr): pl.Expr {
  return text.str.contains(YEAR_IN_NS_RANGE).not();
}

/**
 * Whether some times parsed in ns (`ns`) wrapped: their year is outside ns's
 * range (1677–2262: .NET's `0001-01-01` and `9999-12-31` sentinels), and
 * polars' ns parse overflows to another time instead of failing. `us` is the
 * same text parsed in µs (±290,000 years, never wraps): a wrapped value is
 * centuries away from it, an exact one at most a µs (compared in µs: in ns,
 * the µs side would wrap too; casts may round toward zero, the parse floors).
 */
export function nsWrapped(ns: pl.Series, us: pl.Series): boolean {
  const both = pl.DataFrame([ns.cast(pl.Datetime("us")).cast(pl.Int64).rename("n"), us.cast(pl.Datetime("us")).cast(pl.Int64).rename("u")]);
  const off = both.select(pl.col("n").sub(pl.col("u")).abs().gt(pl.lit(1)).any().alias("w"));
  return off.getColumn("w").toArray()[0] === true;
}

/** The unit of {@link fractionDigitExprs}' answers. */
export function unitOfFractionDigits(finerThanMs: boolean, finerThanUs: boolean): TimeUnit {
  if (!finerThanMs) return "ms";
  return finerThanUs ? "ns" : "us";
}

/** The unit that keeps the fraction digits a column's text has (none or 1–3: ms, 4–6: µs, 7–9: ns). */
export function textTimeUnit(text: pl.Series): TimeUnit {
  const raw = pl.DataFrame([text.rename("raw")]);
  const { finerThanMs, finerThanUs } = fractionDigitExprs(pl.col("raw"));
  const any = (check: pl.Expr) => raw.select(check.alias("a")).getColumn("a").toArray()[0] === true;
  // The common ms case costs one scan.
  if (!any(finerThanMs)) return "ms";
  return unitOfFractionDigits(true, any(finerThanUs));
}

/**
 * How many present values (not null, not empty) of `text` did not parse into
 * `parsed` (the same rows). Null and empty text parse to null, so the null
 * counts (kept by polars, no pass over the rows) settle the usual case; the
 * text is scanned for empty values only when they differ.
 */
export function unparsedCount(text: pl.Series, parsed: pl.Series): number {
  const extraNulls = parsed.nullCount() - text.nullCount();
  if (extraNulls === 0) return 0;
  // A fixed name inside: the column's own name may be one of the frame's members.
  const empty = pl.DataFrame([text.rename("raw")]).select(pl.col("raw").eq(pl.lit("")).sum().alias("n")).getColumn("n").toArray()[0];
  return extraNulls - Number(empty ?? 0);
}

/**
 * `parsed` (`text` parsed in `unit`), unless it is in ns and a year outside
 * ns's range made the parse wrap: then `text` parsed again by `inUs`, in µs
 * (its digits below the µs cut: no polars unit holds both). One anchored
 * regex pass over `text` decides whether that second parse is needed.
 */
export function withoutNsWrap(text: pl.Series, parsed: pl.Series, unit: TimeUnit, inUs: () => pl.Series): pl.Series {
  if (unit !== "ns") return parsed;
  const check = yearMayLeaveNsRange(pl.col("raw")).and(pl.col("raw").neq(pl.lit(""))).any();
  if (pl.DataFrame([text.rename("raw")]).select(check.alias("w")).getColumn("w").toArray()[0] !== true) return parsed;
  const us = inUs();
  return nsWrapped(parsed, us) ? us : parsed;
}

/**
 * Parses with each of `formats` (whole values only) and keeps, per row, the
 * first that matched. `utcWords`: a UTC designator written as a word (` UTC`,
 * ` GMT`, `(UTC)`, `GMT+01:00`) is read as UTC or as the offset it carries.
 * Nothing else beside a time is dropped: polars' prefix match also took
 * `10:00 PST` as 10:00 UTC, and a whole `;`-separated line by its first field.
 */
function coalesceFormats(text: pl.Series, formats: readonly string[], unit: TimeUnit, utcWords = false): pl.Series {
  const raw = utcWords ? withoutUtcWords(pl.col("raw")) : pl.col("raw");
  const first = formats.map((fmt) => strptimeExpr(raw, fmt, unit, true)).reduce((acc, next) => acc.fillNull(next));
  // Fixed names inside: the column's own name may be one of the frame's members.
  return pl.DataFrame([text.rename("raw")]).select(first.alias("parsed")).getColumn("parsed").rename(text.name);
}

/**
 * `text` with a trailing UTC designator word removed (` UTC`, ` GMT`, ` Z`,
 * `(UTC)`), or, before an offset, the word alone (`GMT+01:00` → `+01:00`).
 * Both patterns are anchored and linear (Rust's regex engine).
 */
function withoutUtcWords(text: pl.Expr): pl.Expr {
  return text.str.replace("(?i)\\s*(?:UTC|GMT)\\s*([+-]\\d{2}:?\\d{2})$", "$1").str.replace("(?i)\\s+(?:UTC|GMT|Z)$|\\s*\\((?:UTC|GMT)\\)$", "");
}

/**
 * The formats worth trying on a column: those that parse at least one of a
 * sample of its distinct values. A column is usually in one or two formats, so
 * this saves running every format over millions of rows.
 */
export function likelyFormats(text: pl.Series, sampleSize = 256): string[] {
  return sampleFormats(text, sampleSize).formats;
}

/** {@link likelyFormats}, and the sampled distinct values they were tried on. */
export function sampleFormats(text: pl.Series, sampleSize = 256, options: TimeParseOptions = {}): { formats: string[]; values: string[] } {
  // Distinct values of an evenly spaced subset: cheap on millions of rows.
  const pool = text.len() > 20_000 ? text.gatherEvery(Math.ceil(text.len() / 20_000)) : text;
  const distinct = pool.dropNulls().unique();
  // Evenly spaced distinct values: deterministic, and spread over the column.
  const sample = distinct.len() > sampleSize ? distinct.gatherEvery(Math.ceil(distinct.len() / sampleSize)) : distinct;
  // Each strptime costs polars milliseconds, whatever the values: the formats no sampled value can match are dropped first.
  const values = (sample.toArray() as unknown[]).filter((v): v is string => typeof v === "string");
  const candidates = formatsFor(options).filter((f) => values.some((v) => mayMatch(v, f)));
  if (!candidates.length) return { formats: [], values };
  const hits = formatHits(sample, candidates, "ms");
  return { formats: candidates.filter((_, k) => hits[k] > 0), values };
}

/** Per format: the literal characters a match must contain (lowercase, no whitespace), and whether it needs AM/PM. */
const FORMAT_NEEDS = new Map<string, { literals: string[]; ampm: boolean }>();

/**
 * False when `value` cannot match `format`: it lacks one of the format's
 * literal characters (`T`, `Z`, `-`, `/`, `:`, `,`; whitespace aside, which
 * chrono may skip), or AM/PM for `%p`. Compared ignoring case: a necessary
 * condition only, so no format that polars would match is dropped.
 */
function mayMatch(value: string, format: string): boolean {
  let needs = FORMAT_NEEDS.get(format);
  if (!needs) {
    const literals = [...new Set(format.replace(/%[#.]?\d?[a-zA-Z]/g, "").replace(/\s/g, "").toLowerCase())];
    needs = { literals, ampm: format.includes("%p") };
    FORMAT_NEEDS.set(format, needs);
  }
  const lower = value.toLowerCase();
  if (needs.ampm && !/[ap]\.?m/.test(lower)) return false;
  return needs.literals.every((c) => lower.includes(c));
}

/**
 * How many values of `sample` each of `formats` parses, in one polars call
 * (each call costs far more than a few thousand values), in `formats` order.
 */
export function formatHits(sample: pl.Series, formats: readonly string[], unit: TimeUnit): number[] {
  if (!formats.length) return [];
  const counts = pl.DataFrame([sample.rename("raw")]).select(...formats.map((fmt, k) => strptimeExpr(pl.col("raw"), fmt, unit).isNotNull().sum().alias(`f${k}`)));
  return formats.map((_, k) => Number(counts.getColumn(`f${k}`).get(0) ?? 0));
}

/**
 * Zone abbreviations read as their UTC offset, as Java's `Date.toString()`, `date(1)` and log4j/syslog layouts write
 * them (`2026-12-07 08:15:00 CET`, `Mon Dec 07 08:15:00 PST 2026`): those with one meaning in the tz database's
 * use. `CDT` is US Central daylight time (Cuba's, an hour off, is rare in exports).
 */
export const ZONE_OFFSETS: Readonly<Record<string, string>> = {
  UTC: "+00:00", GMT: "+00:00", UT: "+00:00", Z: "+00:00",
  WET: "+00:00", WEST: "+01:00", CET: "+01:00", CEST: "+02:00", MET: "+01:00", MEST: "+02:00", EET: "+02:00", EEST: "+03:00", MSK: "+03:00",
  EST: "-05:00", EDT: "-04:00", CDT: "-05:00", MST: "-07:00", MDT: "-06:00", PST: "-08:00", PDT: "-07:00", AKST: "-09:00", AKDT: "-08:00", HST: "-10:00",
  JST: "+09:00", KST: "+09:00", HKT: "+08:00", AWST: "+08:00", ACST: "+09:30", ACDT: "+10:30", AEST: "+10:00", AEDT: "+11:00", NZST: "+12:00", NZDT: "+13:00",
};

/** Abbreviations that stand for several zones: a column of them stays text, with a warning giving the meanings. */
export const AMBIGUOUS_ZONES: Readonly<Record<string, string>> = {
  IST: "India +05:30, Ireland +01:00, Israel +02:00",
  BST: "British summer time +01:00, Bangladesh +06:00",
  CST: "US Central -06:00, China +08:00, Cuba -05:00",
  AST: "Atlantic -04:00, Arabia +03:00",
  ADT: "Atlantic -03:00, Arabia daylight +04:00",
  SST: "Samoa -11:00, Singapore +08:00",
  ECT: "Ecuador -05:00, Central European (Java) +01:00",
};

/** The {@link dataMessages} warning for a column left text by `unreadZones` ({@link TimeParseResult}): each abbreviation with what it may mean. */
export function unreadZonesWarning(file: string, column: string, zones: readonly string[]): string {
  // The replacement shown is for the first abbreviation, with the first offset it may stand for (runnable as written).
  const example = { zone: zones[0] ?? "", offset: /[+-]\d{2}:\d{2}/.exec(AMBIGUOUS_ZONES[zones[0]] ?? "")?.[0] ?? "+HH:MM" };
  return dataWarnings.unreadZones(file, column, zones.map((z) => `${z} (${AMBIGUOUS_ZONES[z] ?? "not in huntlab's table"})`), example);
}

/** Words after a time that are no zone: AM/PM (a 12-hour clock). */
const NOT_ZONES = new Set(["AM", "PM"]);

/** A time of day followed by a zone abbreviation (`… 08:15:00 CET`, `…08:15:00.5 (PST)`): the time part and the word. Linear (Rust regex). */
// The time may carry its offset before the word: RFC 2822 e-mail dates write `-0500 (EST)`, some logs `+01:00 CET`.
const TRAILING_ZONE = "^(.*\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:\\s*(?:[+-]\\d{2}:?\\d{2}|Z))?)\\s*\\(?([A-Z]{2,5})\\)?$";
/** A time text ending in a UTC offset or `Z`. */
const HAS_OFFSET = "(?:[+-]\\d{2}:?\\d{2}|Z)$";
/** `date(1)` and Java's `Date.toString()`: `Mon Dec 07 08:15:00 PST 2026` (`Dec  7` padded by date(1)). */
const WORD_DATE_ZONE = "^[A-Za-z]{3},?\\s+([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?)\\s+([A-Z]{2,5})\\s+(\\d{4})$";
/** The same tests in JavaScript, on a value's last 40 characters (bounded work whatever the value's length). */
const TRAILING_ZONE_JS = /\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:[+-]\d{2}:?\d{2}|Z))?\s*\(?([A-Z]{2,5})\)?$/;
const WORD_DATE_ZONE_JS = /^[A-Za-z]{3},?\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\s+([A-Z]{2,5})\s+\d{4}$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The zone abbreviation a time text ends in (or `date(1)`'s holds), or undefined. */
export function zoneWordOf(value: string): string | undefined {
  const word = value.length <= 40 ? WORD_DATE_ZONE_JS.exec(value)?.[1] : undefined;
  const zone = word ?? TRAILING_ZONE_JS.exec(value.slice(-40))?.[1];
  return zone && !NOT_ZONES.has(zone) ? zone : undefined;
}

/**
 * `text` (trimmed) with each zone abbreviation replaced by its offset from {@link ZONE_OFFSETS} (`2026-12-07
 * 08:15:00 CET` → `2026-12-07 08:15:00+01:00`; `Mon Dec 07 08:15:00 PST 2026` → `2026-12-07 08:15:00-08:00`), when
 * some of `sample` (the column's sampled values) end in one; undefined otherwise. `unread`: the column's
 * abbreviations the table does not read (ambiguous, or unknown), which leave it text.
 */
function withZoneOffsets(text: pl.Series, sample: readonly string[]): { text: pl.Series; unread: string[] } | undefined {
  if (!sample.some((v) => zoneWordOf(v) !== undefined)) return undefined;
  const v = pl.col("v");
  const zones = Object.keys(ZONE_OFFSETS);
  const offsetOf = (zone: pl.Expr) => zone.replaceStrict(zones, zones.map((z) => ZONE_OFFSETS[z]), pl.lit(null), pl.Utf8);
  const word = {
    month: v.str.extract(WORD_DATE_ZONE, 1).replaceStrict(MONTHS, MONTHS.map((_, i) => String(i + 1).padStart(2, "0")), pl.lit(null), pl.Utf8),
    day: v.str.extract(WORD_DATE_ZONE, 2).str.zFill(2),
    time: v.str.extract(WORD_DATE_ZONE, 3),
    zone: v.str.extract(WORD_DATE_ZONE, 4),
    year: v.str.extract(WORD_DATE_ZONE, 5),
  };
  const trailingZone = v.str.extract(TRAILING_ZONE, 2);
  const trailingBody = v.str.extract(TRAILING_ZONE, 1);
  const writtenOffset = trailingBody.str.extract("([+-]\\d{2}:?\\d{2})$", 1).str.replace(":", "");
  const frame = pl.DataFrame([text.rename("v")]).select(
    pl
      .when(word.zone.isNotNull().and(offsetOf(word.zone).isNotNull()))
      .then(pl.concatString([word.year, pl.lit("-"), word.month, pl.lit("-"), word.day, pl.lit(" "), word.time, offsetOf(word.zone)], ""))
      // A time that has its offset already (`…+00:00 UTC`, `-0500 (EST)`): the word dropped when it is UTC or names that
      // offset, else kept (no time: the two disagree).
      .when(trailingZone.isNotNull().and(offsetOf(trailingZone).isNotNull()).and(trailingBody.str.contains(HAS_OFFSET)))
      .then(pl.when(offsetOf(trailingZone).eq(pl.lit("+00:00")).or(writtenOffset.eq(offsetOf(trailingZone).str.replace(":", "")))).then(trailingBody).otherwise(v))
      .when(trailingZone.isNotNull().and(offsetOf(trailingZone).isNotNull()))
      .then(pl.concatString([trailingBody, offsetOf(trailingZone)], ""))
      .otherwise(v)
      .alias("t"),
    pl.when(word.zone.isNotNull()).then(word.zone).otherwise(trailingZone).alias("z"),
  );
  const found = (columnOf(frame, "z").unique().dropNulls().toArray() as string[]).filter((z) => !NOT_ZONES.has(z));
  return { text: columnOf(frame, "t").rename(text.name), unread: found.filter((z) => !(z in ZONE_OFFSETS)).sort() };
}

/**
 * BSD syslog's time (RFC 3164): `Dec  7 08:15:00`, the day space-padded, a fraction optional (rsyslog's
 * `Dec 7 08:15:00.250`): month, day and time, no year. Anchored, linear (Rust regex).
 */
const YEARLESS_TIME = "^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\\d{1,2}) +(\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?)$";
const YEARLESS_TIME_JS = new RegExp(YEARLESS_TIME);

/** True when `value` (trimmed) is a time without a year, as BSD syslog writes it (`Dec  7 08:15:00`). */
export function isYearlessTime(value: string): boolean {
  return value.length <= 40 && YEARLESS_TIME_JS.test(value);
}

/** A day: the slack of `writtenBy` (syslog writes local time; a file's modification time is an instant). */
const DAY_MS = 86_400_000;

/**
 * `text` (trimmed) with each year-less time given a year (`Dec  7 08:15:00` → `2026-12-07 08:15:00`), when some of
 * `sample` (the column's sampled values) are such; undefined otherwise. Rows are in time order, either way (a
 * log oldest first, an export newest first): a step back of more than six months from one row's month to the next
 * (December → January) is a turn of the year forward, a step on of more than six months one backward. The newest
 * time's year is `options.year`, else the latest that puts it no later than a day after `options.writtenBy` (now).
 */
function withYears(text: pl.Series, sample: readonly string[], options: TimeParseOptions): { text: pl.Series; years: YearsAssumed } | undefined {
  if (!sample.some(isYearlessTime)) return undefined;
  const v = pl.col("v");
  const month = v.str.extract(YEARLESS_TIME, 1).replaceStrict(MONTHS, MONTHS.map((_, i) => String(i + 1)), pl.lit(null), pl.Utf8).cast(pl.Int32);
  const parts = pl.DataFrame([text.rename("v")]).select(v, month.alias("m"), v.str.extract(YEARLESS_TIME, 2).cast(pl.Int32).alias("d"), v.str.extract(YEARLESS_TIME, 3).alias("t"));
  const m = pl.col("m");
  const step = m.sub(m.forwardFill().shift(1));
  // Turns of the year counted from the first row (0): +1 at Dec → Jan, −1 at Jan → Dec (an export newest first).
  const turns = pl.when(step.lt(pl.lit(-6))).then(pl.lit(1)).when(step.gt(pl.lit(6))).then(pl.lit(-1)).otherwise(pl.lit(0)).cumSum().alias("k");
  const keyed = parts.withColumns(turns).withColumns(pl.col("k").mul(pl.lit(10_000_000_000)).add(m.mul(pl.lit(100_000_000))).add(pl.col("d").mul(pl.lit(1_000_000))).add(pl.col("t").str.slice(0, 8).str.replaceAll(":", "").cast(pl.Int64)).alias("key"));
  const newestRow = Number(keyed.select(pl.col("key").argMax().alias("i")).getColumn("i").get(0));
  const newest = keyed.row(newestRow) as unknown as [string, number, number, string, number];
  const [written, newestMonth, newestDay, newestTime, newestTurns] = [newest[0], newest[1], newest[2], newest[3], newest[4]];
  let year = options.year;
  if (year === undefined) {
    const by = options.writtenBy ?? new Date();
    const [h, mi, sec] = newestTime.slice(0, 8).split(":").map(Number);
    // From the year after writtenBy's: within the day's slack a January line can be next year's (a log east of UTC
    // written at 23:30 UTC on 31 December says `Jan  1 00:30:00`).
    year = by.getUTCFullYear() + 1;
    while (Date.UTC(year, newestMonth - 1, newestDay, h, mi, sec) > by.getTime() + DAY_MS) year -= 1;
  }
  // Each row's year: the newest's, less the turns between them.
  const rowYear = pl.col("k").add(pl.lit(year - newestTurns)).cast(pl.Int32);
  const pad = (e: pl.Expr) => e.cast(pl.Utf8).str.zFill(2);
  const out = keyed.select(
    pl.when(m.isNotNull()).then(pl.concatString([rowYear.cast(pl.Utf8), pl.lit("-"), pad(m), pl.lit("-"), pad(pl.col("d")), pl.lit(" "), pl.col("t")], "")).otherwise(v).alias("v"),
    pl.when(m.isNotNull()).then(rowYear).otherwise(pl.lit(null)).min().alias("first"),
  );
  const first = Number(out.getColumn("first").get(0));
  return { text: out.getColumn("v").rename(text.name), years: { first, last: year, newest: written, from: options.year === undefined ? { writtenBy: options.writtenBy ?? new Date() } : { year } } };
}

/**
 * Parses a text column as times. The column is converted only if every
 * non-empty value parses; otherwise it is returned unchanged, with the count
 * and examples of the values that did not parse (nothing is silently dropped).
 * Empty strings count as missing values.
 */
export function parseTimeSeries(column: pl.Series, options: TimeParseOptions = {}): TimeParseResult {
  return parseTimes(column, options, true, true);
}

/**
 * {@link parseTimeSeries}; `zoneWords`: read zone abbreviations (false for the text they were read out of, whose
 * unread ones stay); `yearless`: give year-less times a year (false for the text they were given one in).
 */
function parseTimes(column: pl.Series, options: TimeParseOptions, zoneWords: boolean, yearless: boolean): TimeParseResult {
  if (column.dtype.variant === "Datetime") {
    return { series: column, parsed: true, failures: 0, examples: [] };
  }
  if (!isTextType(column.dtype)) {
    return { series: column, parsed: false, failures: column.len() - column.nullCount(), examples: [] };
  }
  // Under a plain name: nodejs-polars runs Series methods through a one-column frame, whose members (`lazy`, `select`…) a column name would shadow.
  const trimmed = column.rename("v").str.strip();
  // Values to parse: not null and not empty. A parsed value is non-null only for those.
  const empty = Number(pl.DataFrame([trimmed.rename("raw")]).select(pl.col("raw").eq(pl.lit("")).sum().alias("n")).getColumn("n").get(0) ?? 0);
  const present = trimmed.len() - trimmed.nullCount() - empty;
  const failures = (parsed: pl.Series) => present - (parsed.len() - parsed.nullCount());
  const { formats, values } = sampleFormats(trimmed, 256, options);
  // Times ending in a zone abbreviation (`… CET`, `date`'s `Mon Dec 07 08:15:00 PST 2026`): read with its offset,
  // the whole column or none (an abbreviation of several zones, `IST`, leaves it text, said by the callers).
  // The values that did not parse as written (not as rewritten with their offsets or years), for messages.
  const asWritten = (read: TimeParseResult, extra: Partial<TimeParseResult>): TimeParseResult => {
    const raw = pl.col("raw");
    const bad = pl
      .DataFrame([trimmed.rename("raw"), (read.partial ?? pl.Series("p", new Array<null>(trimmed.len()).fill(null), pl.Datetime("ms"))).rename("p")])
      .filter(raw.isNotNull().and(raw.neq(pl.lit(""))).and(pl.col("p").isNull()));
    return { ...read, series: column, examples: (bad.getColumn("raw").head(5).toArray() as unknown[]).map(String), partial: read.partial?.rename(column.name), ...extra };
  };
  // Times without a year (syslog's `Dec  7 08:15:00`): given one by the rule of withYears, said by the callers.
  const dated = yearless ? withYears(trimmed, values, options) : undefined;
  if (dated) {
    const read = parseTimes(dated.text, options, zoneWords, false);
    if (read.parsed) return { ...read, series: read.series.rename(column.name), yearsAssumed: dated.years };
    // No partial times: those would carry years no caller was told of (as before, when no such value was read).
    return { ...asWritten(read, {}), partial: undefined };
  }
  const zoned = zoneWords ? withZoneOffsets(trimmed, values) : undefined;
  if (zoned) {
    const read = parseTimes(zoned.text, options, false, false);
    const unread = zoned.unread.length ? { unreadZones: zoned.unread } : {};
    if (read.parsed) return { ...read, series: read.series.rename(column.name), ...unread };
    return asWritten(read, unread);
  }
  // Usually one format fits the whole column: a single pass.
  if (!formats.length) {
    // Not one sampled value is a time: this is not a time column.
    const examples = trimmed.dropNulls().head(50).toArray().map(String).filter((v) => v !== "").slice(0, 5);
    return { series: column, parsed: false, failures: present, examples };
  }
  const fixed = fixedWidthFormat(formats[0], values);
  // One format read every value: no column of it mixes zoned and zone-less times (checked only otherwise).
  let oneFormat = true;
  const parseIn = (unit: TimeUnit): pl.Series => {
    // Whole values first: a format that reads only a prefix would drop the seconds or
    // the UTC offset of a value the sample did not show ("10:00:33" under `%H:%M`).
    // Its fixed-width form first (4–5× faster): when that reads every value, so does the format, to the same times.
    let out = coalesceFormats(trimmed, fixed ? [fixed] : formats.slice(0, 1), unit);
    if (fixed && failures(out) > 0) out = coalesceFormats(trimmed, formats.slice(0, 1), unit);
    if (failures(out) > 0 && formats.length > 1) {
      oneFormat = false;
      out = coalesceFormats(trimmed, formats, unit);
    }
    if (failures(out) > 0) {
      oneFormat = false;
      // Rare formats the sample missed, and UTC written as a word (" UTC"): every format before giving up, on the
      // values still unread only (all 24 formats over a million rows for one bad value took seconds).
      const pending = pl
        .DataFrame([trimmed.rename("raw"), out.rename("parsed")])
        .withRowIndex("row")
        .filter(pl.col("parsed").isNull().and(pl.col("raw").isNotNull()).and(pl.col("raw").neq(pl.lit(""))));
      const again = coalesceFormats(pending.getColumn("raw"), formatsFor(options), unit, true);
      if (again.len() - again.nullCount() > 0) {
        const physical = pl.DataFrame([out.rename("t")]).select(pl.col("t").toPhysical()).getColumn("t");
        physical.scatter(pending.getColumn("row"), pl.DataFrame([again.rename("t")]).select(pl.col("t").toPhysical()).getColumn("t"));
        out = pl.DataFrame([physical]).select(pl.col("t").cast(pl.Datetime(unit))).getColumn("t").rename(out.name);
      }
    }
    return out;
  };
  const unit = textTimeUnit(trimmed);
  const parsed = withoutNsWrap(trimmed, parseIn(unit), unit, () => parseIn("us"));
  const failed = failures(parsed);
  if (failed > 0) {
    const bad = pl
      .DataFrame([trimmed.rename("raw"), parsed.rename("parsed")])
      .filter(pl.col("raw").isNotNull().and(pl.col("raw").neq(pl.lit(""))).and(pl.col("parsed").isNull()));
    return {
      series: column,
      parsed: false,
      failures: failed,
      examples: (bad.getColumn("raw").head(5).toArray() as string[]).map(String),
      partial: parsed.rename(column.name),
    };
  }
  // Slash dates read either way are told (month first unless dayFirst): the caller warns, or keeps the text.
  const slash = formats.some((f) => f.includes("/")) && !slashOrderSettled(values) ? slashDates(trimmed) : undefined;
  const mixed = oneFormat ? undefined : mixedZones(trimmed);
  return { series: parsed.rename(column.name), parsed: true, failures: 0, examples: [], ...(slash?.ambiguous ? { ambiguousSlashDates: slash } : {}), ...(mixed ? { mixedZones: mixed } : {}) };
}

/** Column names that look like times: `TimeGenerated`, `EventTime [UTC]`, `CreatedDateTime`, `StartTimeUtc`, `begin`… */
/** A time of day followed by a zone: `Z`, `UTC`/`GMT`, or an offset (`+05:30`, `-0400`, `+02`). */
const ZONED_TIME = "(?i):\\d{2}(?:[.,]\\d+)?\\s*(?:z|utc|gmt|[+-]\\d{2}(?::?\\d{2})?)$";

/**
 * How many present values of a text time column carry a zone or offset and how many do not, when both occur
 * (`2026-12-01T10:00:00+05:30` beside `2026-12-01T10:00:00`); undefined otherwise. A parsed column holds
 * instants: a value without an offset was taken as UTC, which its writer may not have meant.
 */
export function mixedZones(text: pl.Series): { zoned: number; naive: number } | undefined {
  const v = pl.col("v").str.strip();
  const present = v.isNotNull().and(v.neq(pl.lit("")));
  const stats = pl
    .DataFrame([text.rename("v")])
    .select(present.sum().alias("present"), v.str.contains(ZONED_TIME).and(present).sum().alias("zoned"))
    .toRecords()[0] as Record<string, number | null>;
  const zoned = Number(stats.zoned ?? 0);
  const naive = Number(stats.present ?? 0) - zoned;
  return zoned > 0 && naive > 0 ? { zoned, naive } : undefined;
}

/**
 * A text time column read after the readers (a process tree, a timeline, a chart), by the readers' rule for
 * slash dates, never a silent other reading: dates that read either way (`05/06/2026`) are read month first with
 * the readers' warning (naming `source` and the column), unless `dayFirst`; dates that do not read month first
 * but all read day first (a day past the 12th somewhere: `13/06/2026`) are read day first, as their values prove.
 */
export function parseReadTimes(column: pl.Series, source: string, warn: (message: string) => void, options: TimeParseOptions = {}): TimeParseResult {
  const read = parseTimeSeries(column, options);
  if (read.parsed) {
    if (read.ambiguousSlashDates && !options.dayFirst) warn(dataWarnings.slashDatesMonthFirst(source, column.name));
    if (read.yearsAssumed) warn(dataWarnings.yearsAssumed(source, column.name, read.yearsAssumed));
    return read;
  }
  if (options.dayFirst) return read;
  return provenDayFirst(column) ?? read;
}

/**
 * A text column of slash dates that do not read month first but all read day first (a day past the 12th somewhere:
 * `13/06/2026 15:00:00`), read day first, as its values prove; undefined otherwise (no slash dates, dates that read
 * either way, or values that are no time). The one rule of the readers and of every later reading of text times.
 */
export function provenDayFirst(column: pl.Series): TimeParseResult | undefined {
  if (!isTextType(column.dtype)) return undefined;
  const slash = slashDates(column);
  if (!slash?.order?.dayFirst) return undefined;
  const dayFirst = parseTimeSeries(column, { dayFirst: true });
  return dayFirst.parsed ? dayFirst : undefined;
}

export function looksLikeTimeColumn(name: string): boolean {
  return /time|date|timestamp/i.test(name) || /^(begin|end|start|stop)$/i.test(name);
}

/** What `parseTimeColumns` did to each candidate column. */
export interface TimeColumnReport {
  column: string;
  parsed: boolean;
  failures: number;
  examples: string[];
  /** Parsed from slash dates that read either way (see {@link TimeParseResult.ambiguousSlashDates}). */
  ambiguousSlashDates?: boolean;
  /** Zoned and zone-less times in one column (see {@link TimeParseResult.mixedZones}). */
  mixedZones?: { zoned: number; naive: number };
  /** Zone abbreviations that left the column text (see {@link TimeParseResult.unreadZones}). */
  unreadZones?: string[];
  /** The years given to times written without one (see {@link TimeParseResult.yearsAssumed}). */
  yearsAssumed?: YearsAssumed;
}

/**
 * Converts the text time columns of a frame (by default those whose name looks
 * like a time) to Datetime where every value parses; other columns stay text.
 */
export function parseTimeColumns(
  df: pl.DataFrame,
  options: { columns?: string[] } & TimeParseOptions = {},
): { frame: pl.DataFrame; report: TimeColumnReport[] } {
  // Column names come from the data: read them past polars' column proxy (see frames.ts).
  const all = columnNames(df);
  const names = options.columns ?? all.filter(looksLikeTimeColumn);
  const report: TimeColumnReport[] = [];
  const parsed = new Map<string, pl.Series>();
  for (const name of names) {
    if (!all.includes(name)) throw new DataColumnError(msg.columnMissing("parseTimeColumns", name, all));
    const col = columnOf(df, name);
    if (!isTextType(col.dtype)) continue;
    const result = parseTimeSeries(col, options);
    report.push({ column: name, parsed: result.parsed, failures: result.failures, examples: result.examples, ...(result.ambiguousSlashDates ? { ambiguousSlashDates: true } : {}), ...(result.mixedZones ? { mixedZones: result.mixedZones } : {}), ...(result.unreadZones ? { unreadZones: result.unreadZones } : {}), ...(result.parsed && result.yearsAssumed ? { yearsAssumed: result.yearsAssumed } : {}) });
    if (result.parsed) parsed.set(name, result.series);
  }
  return { frame: replaceColumns(df, parsed), report };
}

/** ISO 8601 dates and times, with an optional zone: what parameters are usually given as. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9})|,(\d{3}|\d{6}|\d{9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 text as a Date, without polars (a parameter is parsed on every
 * query call); times without a zone are UTC, as the formats above read them.
 * Null when the text is ISO but names no real date or time (2024-02-30, 24:00,
 * second 60); undefined when it is not ISO or else not read here.
 */
function isoDate(text: string): Date | null | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  // A comma fraction of 3, 6 or 9 digits only, as the column formats read it (a dot: any length).
  const [, y, mo, d, h = "00", mi = "00", s = "00", dot, comma, zone = "Z"] = m;
  const frac = dot ?? comma ?? "";
  // Date() rolls 2026-02-30 and 24:00 over (with an offset, past any check of the UTC day): the fields are checked
  // first, and what does not exist is no time (null), as the full parser finds (second 60 too: see strptimeExpr).
  if (!realDateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s))) return null;
  const ms = (frac + "000").slice(0, 3);
  const offset = zone === "Z" ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Converts one time value (a Date, epoch milliseconds, or text in any of the
 * supported formats) to a Date. Throws, naming the value, if it is not a time.
 */
export function toDate(value: Date | string | number, what = "time"): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new QueryError(msg.invalidDate(what));
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new QueryError(msg.notATime(what, value));
    return new Date(value);
  }
  const parsed = parseTimeText(value);
  if (!parsed) throw new QueryError(isYearlessTime(value.trim()) ? msg.timeWithoutYear(what, value) : msg.notATimeText(what, value));
  return parsed;
}

/** One text value read as a time column's text is (ISO 8601 at once, else the column parser; naive means UTC), or undefined. */
export function parseTimeText(text: string): Date | undefined {
  const iso = isoDate(text.trim());
  if (iso) return iso;
  // ISO text naming no real date or time is none in any format either: each format that reads this shape checks the
  // same fields (second 60 too: see strptimeExpr). Asking polars (every format) cost 5-25 ms of CPU a value.
  if (iso === null) return undefined;
  const result = parseTimeSeries(pl.Series("t", [text], pl.Utf8));
  // A year-less time is given one only in a column, with a warning naming it; one value has no file to say it of.
  if (!result.parsed || result.yearsAssumed) return undefined;
  return msDates(result.series)[0] ?? undefined;
}

/**
 * A Datetime series as JS Dates, cut to whole milliseconds as the ISO path
 * cuts them: an ns series read as Dates directly rounds (…59.9999999 became
 * the next year); polars' cast to ms cuts in integers (epoch ns do not fit a
 * double exactly).
 */
export function msDates(series: pl.Series): (Date | null)[] {
  const zone = (series.dtype as unknown as { inner?: [string | undefined, string | null | undefined] }).inner?.[1];
  return series.cast(pl.Datetime("ms", zone ?? undefined)).toArray() as unknown as (Date | null)[];
}

/** Units of MSTICPy's time offsets (`-7d`, `+3h`) and roundings (`@d`). */
type OffsetUnit = "y" | "mon" | "w" | "d" | "h" | "m" | "s";

const UNIT_MS: Partial<Record<OffsetUnit, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/** `date` plus `months` calendar months, the day clamped to the month's last (Mar 31 − 1 month = Feb 28/29), as dateutil's relativedelta. */
function addMonths(date: Date, months: number): Date {
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const out = new Date(date.getTime());
  out.setUTCFullYear(year, month, Math.min(date.getUTCDate(), last));
  return out;
}

function addOffset(date: Date, value: number, unit: OffsetUnit): Date {
  if (unit === "y") return addMonths(date, value * 12);
  if (unit === "mon") return addMonths(date, value);
  return new Date(date.getTime() + value * (UNIT_MS[unit] as number));
}

/** `date` cut down to the start of its UTC year, month, day, hour, minute or second. */
function truncate(date: Date, unit: Exclude<OffsetUnit, "w">): Date {
  const parts = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  const keep = { y: 1, mon: 2, d: 3, h: 4, m: 5, s: 6 }[unit];
  const [y, mo, d, h, mi, s] = parts.map((p, i) => (i < keep ? p : i === 2 ? 1 : 0));
  const out = new Date(0);
  out.setUTCFullYear(y, mo, d);
  out.setUTCHours(h, mi, s, 0);
  return out;
}

const OFFSET = /^(?:(now)|([+-]?)\s*(\d+)\s*(mon|[ywdhms])?)\s*(?:@\s*(mon|[ydhms]))?$/i;

/**
 * MSTICPy's relative times (`QuerySource._convert_datetime`), in UTC: a number
 * is that many days from `now` (`-2`, `0.5`); text is `now` or an offset
 * `[+-]N[unit]`, unit `y`, `mon`, `w`, `d` (the default), `h`, `m` or `s`
 * (any case: `-7d`, `-3h`, `+1w`, `-2`), optionally rounded with `@unit`
 * (`y`, `mon`, `d`, `h`, `m`, `s`): down to the start of that unit when the
 * text starts with `-`, else up to the start of the next one (`-3d@d` is
 * midnight three days ago, `now@d` the coming midnight). Years and months are
 * calendar steps, the day clamped to the month's end. Undefined for anything
 * else (dates are `toDate`'s business).
 */
export function timeOffsetDate(value: string | number, now: Date = new Date()): Date | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    const out = new Date(now.getTime() + value * 86_400_000);
    return Number.isNaN(out.getTime()) ? undefined : out;
  }
  const text = value.trim();
  const m = OFFSET.exec(text);
  if (!m) return undefined;
  const [, isNow, sign, digits, unit, rounding] = m;
  let date = isNow ? new Date(now.getTime()) : addOffset(now, Number(`${sign}${digits}`), (unit?.toLowerCase() ?? "d") as OffsetUnit);
  if (rounding) {
    const roundUnit = rounding.toLowerCase() as Exclude<OffsetUnit, "w">;
    date = truncate(date, roundUnit);
    // MSTICPy rounds up (a whole unit on) unless the offset is negative.
    if (!text.startsWith("-")) date = addOffset(date, 1, roundUnit);
  }
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A datetime value as MSTICPy reads a query parameter's (`QuerySource._convert_datetime`):
 * a number or integer text is that many days from now (`default: -2`), a time
 * text is that time, else an offset from now (`-7d`, `-3h@h`, `now`). The one
 * rule for datetime parameters and the providers' `timeRange`; an unreadable
 * value is an error naming `what`.
 */
export function datetimeValue(value: Date | string | number, what: string): Date {
  if (value instanceof Date) return toDate(value, what);
  if (typeof value === "number" || /^\s*[+-]?\d+\s*$/.test(value)) {
    const days = timeOffsetDate(value);
    // Finite but past any Date (epoch milliseconds or seconds, read as days): said so, with how to pass an epoch time.
    if (!days) throw new QueryError(typeof value === "number" && !Number.isFinite(value) ? msg.notATime(what, value) : msg.dayOffsetOutOfRange(what, value, undefined));
    // `start=20261201` (a date without dashes) is 20 million days from now: MSTICPy overflows there; silently no rows here.
    const year = days.getUTCFullYear();
    if (year < 1 || year > 9999) throw new QueryError(msg.dayOffsetOutOfRange(what, value, year));
    return days;
  }
  try {
    return toDate(value, what);
  } catch (err) {
    const offset = timeOffsetDate(value);
    if (offset) return offset;
    throw err;
  }
}

/**
 * The unit of a numeric column of epoch times ({@link epochUnit}) from the
 * median of its values from 10^8 up, not the largest: one sentinel (.NET's
 * 9999-12-31 as 253402300799 s) would move the whole column to a finer unit.
 */
export function epochUnitOfSeries(series: pl.Series): EpochUnit | undefined {
  return epochUnitOfStats(pl.DataFrame([series.rename("v")]).select(...epochStatExprs(pl.col("v")))).unit;
}

// epochStatExprs and epochUnitOfStats live in common/epoch.ts (the timeline's and the analyses' messages tell units by them too).
export { epochStatExprs, epochUnitOfStats } from "../common/epoch";
