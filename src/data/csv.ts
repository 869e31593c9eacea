/**
 * CSV/TSV in one pass over the file: the column types and the time columns'
 * formats are inferred from the first rows, then one polars plan reads the
 * whole file with that schema fixed and parses the time columns (`strptime`
 * with the detected formats, in their fixed-width form when the sample allows:
 * polars' fast parser, 4–5× cheaper than chrono's) in the same parallel
 * pass; the checks the result needs (values the format missed, the finest
 * unit the values use) come from null counts and integer work on the parsed
 * times: no second pass over the text, no per-row JavaScript.
 * Where the time goes (1M rows, 380 MB): polars' read is ~70–85% of the CPU
 * time, and most of that is first touches of the ~600 MB result's pages
 * (167k minor faults, ~14 µs each on the development VM): a fresh process
 * cannot do it faster than polars' scan alone (bench/csvReadChild.ts
 * `floor`). Transparent huge pages cut the faults, but only with
 * `GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1` in the
 * kernel's environment (`hugetlb=1` alone leaves polars' threads in their own
 * arenas, without huge pages); a later read in the same process reuses freed
 * memory (bench/loading.bench.ts measures each case).
 * A later value that breaks the sampled type makes that column text (the
 * frame survives); a time column with a value the detected format misses goes
 * through the full parser of timeParsing.ts, and stays text if that fails too,
 * as does a time-named column the sample holds no value of. A column parsed
 * in ns is checked for years outside ns's range (1677–2262), which polars'
 * ns parse overflows silently; such a column is µs (see `parsedTimes`).
 *
 * Blank lines are dropped and values with stray quotes read as written by
 * passes over the raw text (csvText.ts), only when polars' result or error
 * shows a need.
 *
 * The read is a {@link ReadSteps} generator: `readCsvFile` collects it
 * synchronously, the query provider asynchronously (interruptible).
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf, frameHeight, frameOf, renameAll } from "../common/frames";
import { slashDatesProveDayFirst } from "../common/slashDates";
import { runSync, type ReadSteps } from "./collect";
import { blankLineRows, copyWithHeader, hasBareCr, quoteStrayQuotes, unclosedQuoteLine, widenedHeader } from "./csvText";
import { wideIntsAsText } from "./wideInts";
import {
  fixedWidthFormat,
  fractionDigitExprs,
  fractionWidth,
  looksLikeTimeColumn,
  nsWrapped,
  parseTimeSeries,
  provenDayFirst,
  sampleFormats,
  slashDates,
  slashOrderSettled,
  strptimeExpr,
  unitOfFractionDigits,
  unparsedCount,
  unreadZonesWarning,
  yearMayLeaveNsRange,
  zoneWordOf,
  isYearlessTime,
  type SlashDates,
  type TimeParseResult,
  type TimeUnit,
} from "./timeParsing";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";
import { printWarning } from "../common/messages";
import { isWinEventExport } from "./schemas/winEvent";
import { isEventViewerTimeColumn } from "./schemas/eventViewer";

/** Options of {@link readCsvFile}. */
export interface CsvReadOptions {
  /** Field separator (default: {@link sniffSeparator} of the header line: `,`, or `;`, tab or `|` when the header has no comma). */
  sep?: string;
  /** Rows read first to infer the column types and time formats (default 10,000). */
  inferSchemaLength?: number;
  /** Parse the time columns (names like `TimeGenerated`, `date`, `begin`…; default true). */
  parseTimes?: boolean;
  /** Read slash dates day first (`05/06/2026` is 5 June); default false, month first (timeParsing.ts `TimeParseOptions`). */
  dayFirst?: boolean;
  /** The year of year-less times (syslog's `Dec  7 08:15:00`): see ReadOptions.year in readers.ts. */
  year?: number;
  /** When the file was written by, for `year`'s default (default: now). */
  writtenBy?: Date;
  /** Told of slash dates that read either way (`05/06/2026`, read month first). Default: printed as `Warning: …`. */
  warn?: (message: string) => void;
  /** Folder of the private copies a CSV is read from when polars cannot read it as written (ReadOptions.tempFolder). Default: os.tmpdir(). */
  tempFolder?: string;
}

/** A time column found in the sample, and the format its sampled values are in (tried on the whole column). */
interface TimePlan {
  index: number;
  /** The sample's most common format. */
  format: string;
  /**
   * Its fixed-width form (timeParsing.ts `fixedWidthFormat`) when that read
   * every sampled value: the file is parsed with it, and with `format` again
   * if it misses a value.
   */
  fast?: string;
  /** The unit the sample's text asks for (its fraction digits). */
  sampleUnit: TimeUnit;
  /** The sample has a slash date with a day or month above 12: its order is settled (no check for dates that read either way). */
  slashSettled?: boolean;
}

/** polars' "column number N" (1-based) in a CSV parse error: the column whose sampled type a later value broke. */
const BAD_COLUMN = /at column '.*?' \(column number (\d+)\)/s;

/**
 * polars' error for integers beyond Int128 (40-digit IDs): its inference takes
 * any run of digits too long for Int64 as Int128, then fails the read on a
 * value Int128 cannot hold. The column's name is captured.
 */
const BEYOND_INT128 = /could not parse `[-+]?\d+` as dtype `i128` at column '(.*?)' \(column number \d+\)/s;

/**
 * Adds to `overrides` (column name → type) as text the column a read failed
 * on with integers beyond Int128, for the read to be run again: such a column
 * is text, every digit kept, as a larger file's sampled Int128 column is
 * (wideInts.ts). False when the error is another, or names a column already
 * text (at most one more read per column).
 */
function wideIntColumnAsText(err: unknown, overrides: Record<string, DataType>): boolean {
  const name = BEYOND_INT128.exec(err instanceof Error ? err.message : String(err))?.[1];
  if (name === undefined || Object.hasOwn(overrides, name)) return false;
  overrides[name] = pl.Utf8;
  return true;
}

/**
 * Names inside the plan: the file's column `i` is `c<i>`, and a time column's
 * parsed value and checks have their own names. Column names come from the
 * data, and polars reads `col(name)` as a pattern when a name looks like `^…$`.
 */
const plain = (i: number) => `c${i}`;
const parsedName = (i: number) => `t${i}`;
const subMsName = (i: number) => `m${i}`;
const subUsName = (i: number) => `u${i}`;

/**
 * The scan's options: missing fields are null; a record with more fields than
 * the header fails the scan (polars would cut it silently), and is then read
 * whole ({@link readAllFields}); a path is never a glob pattern.
 */
function scanOptions({ sep, skipRows }: CsvDialect) {
  return { sep, skipRows, hasHeader: true, truncateRaggedLines: false, glob: false, cache: false } as const;
}

/** The format the plan parses a column with. */
const planFormat = (p: TimePlan) => p.fast ?? p.format;

/** Whether the sample asks for ns: its text has digits below the µs, or the format reads 9 fraction digits. */
const sampledNs = (p: TimePlan) => p.sampleUnit === "ns" || fractionWidth(planFormat(p)) === 9;

/**
 * The unit the plan parses a column in: ms where the format reads no more
 * than 3 fraction digits, ns where the sample asks for it, µs otherwise (a
 * column whose later values need ns is parsed again). A parse in ns overflows
 * silently for years outside 1677–2262 (`9999-12-31` becomes a time in 1816):
 * {@link parsedTimes} checks for them.
 */
function planUnit(p: TimePlan): TimeUnit {
  const width = fractionWidth(planFormat(p));
  if (width === 0 || width === 3) return "ms";
  return sampledNs(p) ? "ns" : "us";
}

/** The time columns parsed (`t<i>`, in {@link planUnit}), next to their text. */
function withTimes(lf: pl.LazyDataFrame, plans: readonly TimePlan[]): pl.LazyDataFrame {
  if (!plans.length) return lf;
  // The sample's most common format first: a column is almost always in one format.
  // Exact: a value the format only prefixes (a date-time under `%Y-%m-%d`) is a miss, and its column goes to the full parser.
  return lf.withColumns(...plans.map((p) => strptimeExpr(pl.col(plain(p.index)), planFormat(p), planUnit(p), true).alias(parsedName(p.index))));
}

/**
 * The parsed time columns, each in the coarsest unit that loses none of its
 * values' digits, never coarser than its sample's text. A fixed-width format
 * settles it (none or 3 digits: ms; 6: µs). Otherwise checks over the
 * collected frame, each kind for many columns in one select (polars runs
 * them in parallel), and only those the plan's unit leaves open:
 * - parsed in µs: digits below the ms by a cast round trip (integer work),
 *   text finer than the µs by a scan; such a column is parsed again in ns;
 * - parsed in ns: years that may be outside ns's range, by an anchored scan;
 *   such a column is parsed again in µs, and kept in µs (its digits below
 *   the µs cut: no polars unit holds both) if the ns parse wrapped.
 */
function parsedTimes(plainDf: pl.DataFrame, plans: readonly TimePlan[]): Map<number, pl.Series> {
  const times = new Map<number, pl.Series>();
  const open = plans.filter((p) => {
    const width = fractionWidth(planFormat(p));
    if (width === 0 || width === 3 || width === 6) times.set(p.index, columnOf(plainDf, parsedName(p.index)));
    return !times.has(p.index);
  });
  // Plain names only (c<i>, t<i>, m<i>, u<i>, w<i>): no data-derived name can shadow the frame's methods.
  const check = (plainNamed: pl.DataFrame, exprs: pl.Expr[]) => (exprs.length ? plainNamed.select(...exprs) : plainNamed);
  const wrapName = (i: number) => `w${i}`;
  // Digits below `unit` in the parsed column `t<i>` (in `base`): the time changes when cast to it and back.
  const finer = (i: number, unit: TimeUnit, base: TimeUnit) => pl.col(parsedName(i)).cast(pl.Datetime(unit)).cast(pl.Datetime(base)).neq(pl.col(parsedName(i))).any();
  const checks = check(
    plainDf,
    open.flatMap((p) =>
      sampledNs(p)
        ? [yearMayLeaveNsRange(pl.col(plain(p.index))).and(pl.col(parsedName(p.index)).isNotNull()).any().alias(wrapName(p.index))]
        : [...(p.sampleUnit === "ms" ? [finer(p.index, "ms", "us").alias(subMsName(p.index))] : []), fractionDigitExprs(pl.col(plain(p.index))).finerThanUs.alias(subUsName(p.index))],
    ),
  );
  const again = open.filter((p) => checkOf(checks, sampledNs(p) ? wrapName(p.index) : subUsName(p.index)) === true);
  const reparsed = check(plainDf, again.map((p) => strptimeExpr(pl.col(plain(p.index)), planFormat(p), sampledNs(p) ? "us" : "ns", true).alias(parsedName(p.index))));
  const nsChecks = check(reparsed, again.filter((p) => !sampledNs(p)).map((p) => finer(p.index, "us", "ns").alias(subUsName(p.index))));
  for (const p of open) {
    const planned = columnOf(plainDf, parsedName(p.index));
    const other = again.includes(p) ? columnOf(reparsed, parsedName(p.index)) : undefined;
    if (sampledNs(p)) {
      times.set(p.index, other !== undefined && nsWrapped(planned, other) ? other : planned);
      continue;
    }
    const ns = other !== undefined && !nsWrapped(other, planned) && checkOf(nsChecks, subUsName(p.index)) === true;
    const unit: TimeUnit = ns ? "ns" : p.sampleUnit === "us" || checkOf(checks, subMsName(p.index)) === true ? "us" : "ms";
    times.set(p.index, unit === "ns" ? (other as pl.Series) : unit === "us" ? planned : planned.cast(pl.Datetime("ms")));
  }
  return times;
}

/** The value of a check. */
const checkOf = (checks: pl.DataFrame, name: string): unknown => columnOf(checks, name).toArray()[0];

/**
 * The frame with its original names, from a collected plan (plain names and
 * parsed times): each time column parsed in the coarsest unit that loses none of
 * its digits (never coarser than its text's fraction digits), or by the full
 * parser when the sample's format missed values; left as text if that fails.
 * The collected frame is changed in place (time columns replaced, parsed
 * columns dropped, names set at once): a select or a new frame of 1M-row
 * columns costs ~100 ms, these cost a few.
 */
function finish(plainDf: pl.DataFrame, names: readonly string[], sampled: readonly TimePlan[], unsampled: readonly number[], read: SlashDateRead): pl.DataFrame {
  const unparsed = (p: TimePlan) => unparsedCount(columnOf(plainDf, plain(p.index)), columnOf(plainDf, parsedName(p.index)));
  // A fixed-width format that missed values: its column is parsed again with the sample's format, as if it had not been tried.
  const missed = new Set<number>();
  const plans = sampled.map((p) => {
    let plan = p;
    let misses = unparsed(p);
    if (p.fast && misses > 0) {
      plan = { ...p, fast: undefined };
      const again = plainDf.select(strptimeExpr(pl.col(plain(p.index)), p.format, planUnit(plan), true).alias(parsedName(p.index)));
      plainDf.replaceAtIdx(columnNames(plainDf).indexOf(parsedName(p.index)), columnOf(again, parsedName(p.index)));
      misses = unparsed(plan);
    }
    // A value in a format the sample did not show sends its column to the full parser, which tries every format (the text stays if it fails).
    if (misses > 0) missed.add(p.index);
    return plan;
  });
  const times = parsedTimes(plainDf, plans.filter((p) => !missed.has(p.index)));
  const options = { dayFirst: read.dayFirst, year: read.year, writtenBy: read.writtenBy };
  const yearsWarning = (i: number, full: TimeParseResult) => {
    if (full.parsed && full.yearsAssumed) read.warn(dataWarnings.yearsAssumed(read.file, columnName(names[i], i), full.yearsAssumed));
  };
  for (const p of plans) {
    const i = p.index;
    let parsed: pl.Series;
    let slash: SlashDates | undefined;
    let mixed: { zoned: number; naive: number } | undefined;
    if (missed.has(i)) {
      const full = parseTimeSeries(columnOf(plainDf, plain(i)), options);
      if (full.unreadZones) read.warn(unreadZonesWarning(read.file, columnName(names[i], i), full.unreadZones));
      if (!full.parsed) continue;
      yearsWarning(i, full);
      parsed = full.series;
      slash = full.ambiguousSlashDates;
      mixed = full.mixedZones;
    } else {
      // One planned format read the column: zoned and zone-less times cannot both be in it.
      parsed = times.get(i) as pl.Series;
      slash = planFormat(p).includes("/") && !p.slashSettled ? slashDates(columnOf(plainDf, plain(i))) : undefined;
    }
    if (slash?.ambiguous && !keepSlashDates(names, i, slash, read)) continue;
    if (mixed) read.warn(dataWarnings.mixedTimeZones(read.file, columnName(names[i], i), mixed.zoned, mixed.naive));
    plainDf.replaceAtIdx(i, parsed.alias(plain(i)));
  }
  for (const i of unsampled) {
    // Still text unless every value after the sample is a time (and there is one).
    const full = parseTimeSeries(columnOf(plainDf, plain(i)), options);
    if (full.unreadZones) read.warn(unreadZonesWarning(read.file, columnName(names[i], i), full.unreadZones));
    if (full.ambiguousSlashDates && !keepSlashDates(names, i, full.ambiguousSlashDates, read)) continue;
    if (full.parsed && full.series.dtype.variant === "Datetime") {
      yearsWarning(i, full);
      if (full.mixedZones) read.warn(dataWarnings.mixedTimeZones(read.file, columnName(names[i], i), full.mixedZones.zoned, full.mixedZones.naive));
      plainDf.replaceAtIdx(i, full.series.alias(plain(i)));
    }
  }
  if (!read.dayFirst) {
    // Time-like columns still text whose slash dates only read day first (`13/06/2026`): day first, as the values
    // prove (the month-first formats left them as text without a word). A column the sample did not plan is among them.
    names.forEach((name, i) => {
      if (!looksLikeTimeColumn(columnName(name, i))) return;
      const proven = provenDayFirst(columnOf(plainDf, plain(i)));
      if (proven) plainDf.replaceAtIdx(i, proven.series.alias(plain(i)));
    });
  }
  const named = plans.length ? plainDf.drop(plans.map((p) => parsedName(p.index))) : plainDf;
  named.columns = names.map(columnName);
  return named;
}

/** The options inside the read: {@link CsvReadOptions} and the file asked for (a rewritten copy may be read instead). */
type CsvRowsOptions = CsvReadOptions & { source?: string };

/** How slash dates are read ({@link CsvReadOptions}), and where a guess at their order is told. */
interface SlashDateRead {
  file: string;
  dayFirst: boolean;
  /** Options for year-less times (CsvReadOptions'). */
  year?: number;
  writtenBy?: Date;
  warn: (message: string) => void;
}

/**
 * Whether column `i`, parsed from slash dates that read either way (`05/06/2026`), keeps its times (with a
 * warning: month first unless `dayFirst`); false keeps its text: a plain Get-WinEvent export's TimeCreated
 * written in a 24-hour clock, whose culture is unknown (PowerShell's en-US writes `5/6/2026 3:00:00 PM`, read
 * month first without a warning; en-GB's `05/06/2026 15:00:00` is 5 June). `dayFirst` settles both.
 */
function keepSlashDates(names: readonly string[], i: number, slash: SlashDates, read: SlashDateRead): boolean {
  if (read.dayFirst) return true;
  const name = columnName(names[i], i);
  if ((name === "TimeCreated" && isWinEventExport(names)) || isEventViewerTimeColumn(name, names.map(columnName))) {
    // PowerShell's en-US culture writes AM/PM: month first, no guess.
    if (slash.twelveHour) return true;
    read.warn(dataWarnings.winEventSlashDates(read.file, name));
    return false;
  }
  read.warn(dataWarnings.slashDatesMonthFirst(read.file, name));
  return true;
}

/** A column without a header name is `column_<i>`, as polars names it in a frame built from series (a small file's too: its name must not depend on the file's length). */
const columnName = (name: string, i: number): string => (name === "" ? `column_${i}` : name);

/** `df` with its columns that have no header name called as {@link columnName} names them. */
function withUnnamedColumns(df: pl.DataFrame): pl.DataFrame {
  const names = columnNames(df);
  return names.includes("") ? renameAll(df, names.map(columnName)) : df;
}

/**
 * The time columns of the sample (text columns with time-like names and
 * values; `plainSample` is the sample with plain names, `dtypes` its types)
 * and their formats. Every candidate is trimmed in one select, and
 * the format counts and fraction digits of all of them come from one more:
 * each polars call costs milliseconds whatever its size, more than 10,000
 * sampled values take.
 */
function timePlans(plainSample: pl.DataFrame, names: readonly string[], dtypes: readonly DataType[], dayFirst: boolean): { plans: TimePlan[]; unsampled: number[] } {
  const candidates = names.flatMap((name, index) => (looksLikeTimeColumn(name) && isTextType(dtypes[index]) ? [index] : []));
  if (!candidates.length) return { plans: [], unsampled: [] };
  const trimmed = plainSample.select(...candidates.map((i) => pl.col(plain(i)).str.strip().alias(plain(i))));
  const sampled = candidates.map((index) => {
    const column = columnOf(trimmed, plain(index));
    const found = sampleFormats(column, 256, { dayFirst });
    // Slash dates the sample proves day first (`28/06/2024`): planned with the day-first formats, which is how the
    // read ends up reading them (provenDayFirst in finish) — before, the month-first plan missed most values and the
    // full parser tried every format on the column first (~4 s of CPU for 1M rows). A miss goes that way still.
    return !dayFirst && slashDatesProveDayFirst(found.values) ? { index, ...sampleFormats(column, 256, { dayFirst: true }) } : { index, ...found };
  });
  // Nothing but empty values in the sample (an `EndTime` of sessions still open), or times with zone abbreviations
  // (`… CET`, `Mon Dec 07 08:15:00 PST 2026`, which the plan's formats do not read): the full parser reads the column after the read.
  const zoneWords = (c: { values: readonly string[] }) => c.values.some((v) => zoneWordOf(v) !== undefined);
  // Times without a year (syslog's `Dec  7 08:15:00`) too: the full parser gives them one, with a warning.
  const fullParser = (c: { values: readonly string[] }) => zoneWords(c) || c.values.some(isYearlessTime);
  const unsampled = sampled.filter((c) => c.values.every((v) => v === "") || fullParser(c)).map((c) => c.index);
  const likely = sampled.filter((c) => c.formats.length > 0 && !fullParser(c)).map((c) => ({ ...c, fast: fixedWidthFormat(c.formats[0], c.values) }));
  if (!likely.length) return { plans: [], unsampled };
  const hitName = (i: number, k: number) => `h${i}_${k}`;
  const fastName = (i: number) => `f${i}`;
  const presentName = (i: number) => `p${i}`;
  const hitsOf = (index: number, formats: readonly string[]) => formats.map((f, k) => strptimeExpr(pl.col(plain(index)), f, "ns", true).isNotNull().sum().alias(hitName(index, k)));
  // When the first format's fixed-width form reads every sampled value, so does the format, which is then the most common; else each format is counted (one format: nothing to count).
  const checks = trimmed.select(
    ...likely.flatMap(({ index, formats, fast }) => {
      const col = pl.col(plain(index));
      const digits = fractionDigitExprs(col);
      const counts = fast
        ? [col.neq(pl.lit("")).sum().alias(presentName(index)), strptimeExpr(col, fast, "ns", true).isNotNull().sum().alias(fastName(index))]
        : formats.length > 1
          ? hitsOf(index, formats)
          : [];
      return [...counts, digits.finerThanMs.alias(subMsName(index)), digits.finerThanUs.alias(subUsName(index))];
    }),
  );
  const count = (df: pl.DataFrame, name: string) => Number(checkOf(df, name) ?? 0);
  // A fixed-width form that missed sampled values is dropped, and the formats counted as without one (rare: a column in several formats or fraction lengths).
  const fastOk = new Set(likely.filter((c) => c.fast && count(checks, fastName(c.index)) === count(checks, presentName(c.index))).map((c) => c.index));
  const recount = likely.filter((c) => c.fast && !fastOk.has(c.index) && c.formats.length > 1);
  const more = recount.length ? trimmed.select(...recount.flatMap((c) => hitsOf(c.index, c.formats))) : undefined;
  const plans = likely.map(({ index, formats, fast, values }) => {
    const counted = formats.length > 1 && !fastOk.has(index) ? (fast ? more : checks) : undefined;
    // The format that parses the most sampled values first (a stable sort: ties keep TIME_FORMATS' order).
    const format = counted ? formats.map((f, k) => ({ f, n: count(counted, hitName(index, k)) })).sort((a, b) => b.n - a.n)[0].f : formats[0];
    const sampleUnit = unitOfFractionDigits(checkOf(checks, subMsName(index)) === true, checkOf(checks, subUsName(index)) === true);
    return { index, format, fast: fastOk.has(index) ? fast : undefined, sampleUnit, slashSettled: slashOrderSettled(values) };
  });
  return { plans, unsampled };
}

/** The column (0-based) whose sampled type a later value broke, from a scan's error; or -1 when the error is another. */
function brokenColumn(err: unknown, dtypes: readonly DataType[]): number {
  const m = BAD_COLUMN.exec(err instanceof Error ? err.message : String(err));
  const i = m ? Number(m[1]) - 1 : -1;
  return i >= 0 && i < dtypes.length && !isTextType(dtypes[i]) ? i : -1;
}

/**
 * A text column as `dtype`, null where a value is not one: as polars' CSV
 * reader reads it (booleans are `true`/`false` in any case; polars casts no
 * text to booleans).
 */
function castText(col: pl.Expr, dtype: DataType): pl.Expr {
  if (dtype.variant !== "Bool") return col.cast(dtype, false);
  const lower = col.str.toLowerCase();
  return pl.when(lower.eq(pl.lit("true"))).then(pl.lit(true)).when(lower.eq(pl.lit("false"))).then(pl.lit(false)).otherwise(pl.lit(null)).cast(pl.Bool);
}

/**
 * Reads the file with a fixed schema (plain names) and parses its time
 * columns, in one plan. polars stops at the first value that breaks a
 * sampled type, naming one column: that column is read as text and the plan
 * run again. When a second column breaks, every typed column is read as text
 * once and cast afterwards, each keeping its type when every value casts:
 * at most three reads whatever the number of broken columns (one read per
 * column took 15.9 s against 2.2 s for 40 broken columns in 56 MB).
 */
function* readWithSchema(file: string, dialect: CsvDialect, dtypes: DataType[], plans: readonly TimePlan[]): ReadSteps<pl.DataFrame> {
  // Positional: the schema names the columns (no inference pass), so the file's header names never reach an expression.
  const scan = (types: readonly DataType[]) => {
    const schema: Record<string, DataType> = {};
    types.forEach((d, i) => (schema[plain(i)] = d));
    return withTimes(pl.scanCSV(file, { ...scanOptions(dialect), schema, inferSchemaLength: 0 }), plans);
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      return yield scan(dtypes);
    } catch (err) {
      const i = brokenColumn(err, dtypes);
      if (i < 0) throw err;
      dtypes[i] = pl.Utf8;
    }
  }
  const typed = dtypes.flatMap((d, i) => (isTextType(d) ? [] : [i]));
  const text: pl.DataFrame = yield scan(dtypes.map(() => pl.Utf8));
  if (!typed.length) return text;
  const castName = (i: number) => `k${i}`;
  const nullsName = (i: number) => `n${i}`;
  const cast = text.select(...typed.map((i) => castText(pl.col(plain(i)), dtypes[i]).alias(castName(i))));
  const nulls = cast.select(...typed.map((i) => pl.col(castName(i)).nullCount().alias(nullsName(i))));
  const textNulls = text.select(...typed.map((i) => pl.col(plain(i)).nullCount().alias(nullsName(i))));
  for (const i of typed) {
    // A column keeps its sampled type when the cast nulls no value the text had.
    if (checkOf(nulls, nullsName(i)) === checkOf(textNulls, nullsName(i))) text.replaceAtIdx(i, columnOf(cast, castName(i)).alias(plain(i)));
  }
  return text;
}

/** Most bytes read for the sample: 10,000 rows of wide exports fit. */
const SAMPLE_BYTES = 8 << 20;

/** The first read for the sample; doubled until the rows fit (10,000 rows of ~400 bytes take 4 MB). */
const FIRST_SAMPLE_READ = 1 << 20;

/** The offset of the `count`-th newline of `buf[0, n)` (1-based), or the number of newlines there when fewer, negated minus one. */
function nthNewline(buf: Buffer, n: number, count: number): number {
  let at = -1;
  for (let seen = 0; seen < count; seen += 1) {
    const next = buf.indexOf(10, at + 1);
    if (next < 0 || next >= n) return -seen - 1;
    at = next;
  }
  return at;
}

/**
 * The file's header and first `rows` rows (whole lines), or undefined when
 * that is the whole file. Read from the file's start only, no more than the
 * rows need (polars' own row limit, `nRows`, still goes over the whole file).
 */
function headLines(file: string, rows: number): Buffer | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    // Not zero-filled: only the bytes read are looked at.
    const buf = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, size));
    let n = 0;
    for (let want = Math.min(FIRST_SAMPLE_READ, buf.length); ; want = Math.min(want * 2, buf.length)) {
      while (n < want) {
        const got = fs.readSync(fd, buf, n, want - n, n);
        if (got === 0) break;
        n += got;
      }
      // The header and `rows` rows, and one more line to know that the file goes on.
      if (nthNewline(buf, n, rows + 2) >= 0) return buf.subarray(0, nthNewline(buf, n, rows + 1) + 1);
      if (n < want || want === buf.length) break;
    }
    if (n === size) {
      // Whole file read: it is its own sample (a last line without a newline is a row too).
      return undefined;
    }
    // The cap cut the rows: as many whole lines as fit.
    const last = nthNewline(buf, n, rows + 1);
    const lines = last >= 0 ? rows + 1 : -last - 1;
    if (lines === 0) return undefined;
    return buf.subarray(0, last >= 0 ? last + 1 : nthNewline(buf, n, lines) + 1);
  } finally {
    fs.closeSync(fd);
  }
}

/** Separators other than the comma that exports use: `;` (spreadsheets where the comma is the decimal mark), tab, `|`. */
const OTHER_SEPARATORS = [";", "\t", "|"];

/**
 * The field separator of delimited text whose first line (the header) is at
 * the start of `head`: `,`, unless that line has no comma outside quotes and
 * has `;`, tab or `|` (the most frequent). Read as `,`, a `;` file would be one
 * column whose values a time parser could take by their first field.
 */
export function sniffSeparator(head: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < head.length; i += 1) {
    const c = head[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  if (counts.get(",")) return ",";
  let best = ",";
  for (const sep of OTHER_SEPARATORS) if ((counts.get(sep) ?? 0) > (counts.get(best) ?? 0)) best = sep;
  return best;
}

/** The first `bytes` bytes of a file as text (no BOM). */
function fileStart(file: string, bytes = 64 * 1024): string {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "");
  } finally {
    fs.closeSync(fd);
  }
}

/** How a file's text is laid out: its separator, and the lines before its header. */
export interface CsvDialect {
  sep: string;
  skipRows: number;
}

/**
 * The dialect of a CSV file from its first bytes. A first line that is not
 * the header is skipped: PowerShell 5's `Export-Csv` writes `#TYPE <.NET
 * type>` there (without `-NoTypeInformation`), and Excel `sep=;` (which also
 * sets the separator). Otherwise `sep` (when given) or {@link sniffSeparator}.
 */
export function csvDialect(head: string, sep?: string): CsvDialect {
  const first = /^[^\r\n]*/.exec(head)?.[0] ?? "";
  const excel = /^sep=(.)$/.exec(first);
  if (excel) return { sep: sep ?? excel[1], skipRows: 1 };
  if (first.startsWith("#TYPE ")) return { sep: sep ?? sniffSeparator(head.slice(first.length).replace(/^\r?\n|^\r/, "")), skipRows: 1 };
  return { sep: sep ?? sniffSeparator(head), skipRows: 0 };
}

/**
 * `df` without the rows of blank lines: polars reads a blank line as a row of
 * nulls, pandas (MSTICPy) skips it. In a file of one column a blank line is
 * how writers (polars among them) write a null, so it stays a row there; with
 * more columns it cannot be a row of the table. A line of empty fields
 * (`,,,`, which spreadsheets write) stays a row, as in pandas. The file is
 * looked at only when every column has a null (one column without nulls
 * rules out an all-null row), and only rows that are all null go.
 */
function withoutBlankLines(df: pl.DataFrame, file: string, dialect: CsvDialect): pl.DataFrame {
  const names = columnNames(df);
  const height = frameHeight(df);
  // A line of spaces gives its first field those spaces: the first column may hold text there, not a null.
  if (names.length < 2 || !height || names.slice(1).some((name) => columnOf(df, name).nullCount() === 0)) return df;
  // Plain names inside: a column may be called `filter`.
  const plainDf = renameAll(df, names.map((_, i) => plain(i)));
  const firstText = isTextType(columnOf(df, names[0]).dtype);
  const first = pl.col(plain(0));
  const firstEmpty = firstText ? first.isNull().or(first.str.strip().eq(pl.lit(""))) : first.isNull();
  const allNull = pl.allHorizontal([firstEmpty, ...names.slice(1).map((_, i) => pl.col(plain(i + 1)).isNull())]);
  if (checkOf(plainDf.select(allNull.sum().alias("n")), "n") === 0) return df;
  const blank = blankLineRows(file, dialect.sep, dialect.skipRows, height);
  if (!blank.length) return df;
  const isBlank = new Array<boolean>(height).fill(false);
  for (const row of blank) isBlank[row] = true;
  let kept = plainDf.withColumn(pl.Series("__blank", isBlank)).filter(pl.col("__blank").and(allNull).not()).drop("__blank");
  // The spaces made a number column text ("1", "  ", "3"): without them, it is read as numbers again.
  if (firstText && frameHeight(kept) < height) kept = kept.withColumns(numbersAgain(columnOf(kept, plain(0))));
  return renameAll(kept, names);
}

/**
 * A text column read as polars would have typed it without the spaces: Int64
 * when every value is whole digits that fit it, Float64 when every value is a
 * number and one has a point or exponent; else as it is (integers past Int64
 * stay text, as everywhere).
 */
function numbersAgain(column: pl.Series): pl.Series {
  if (column.nullCount() === column.len()) return column;
  const values = (column.toArray() as (string | null)[]).filter((v): v is string => v !== null).map((v) => v.trim());
  const whole = values.every((v) => /^[-+]?\d+$/.test(v));
  try {
    if (whole) return column.str.strip().cast(pl.Int64, true);
    if (values.some((v) => /[.eE]/.test(v))) return column.str.strip().cast(pl.Float64, true);
  } catch {
    // Not every value is one (or an integer past Int64): text, as read.
  }
  return column;
}

/**
 * A number with a decimal comma as European Excel writes one (`12,5`, `-0,25`, `1.234,5`; `1 234,5` with a space,
 * no-break or narrow no-break space between groups, as French Excel groups), or a whole number (`7`: Excel writes
 * whole values without a comma). No leading zero before other digits (`0012,5` is an id), one comma at most
 * (`1,2,3` is a version or a list), groups of three digits only, ASCII digits only (polars' regex `\d` is Unicode's).
 */
const DECIMAL_COMMA_NUMBER = /^[-+]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?: [0-9]{3})+|[1-9][0-9]{0,2}(?:\u00a0[0-9]{3})+|[1-9][0-9]{0,2}(?:\u202f[0-9]{3})+)(?:,[0-9]+)?$/.source;
/**
 * A comma value that reads as a list of two numbers or as thousands too (`80,443`, `4624,4672`, `1,234`): no sign,
 * no dot or space groups, a whole part other than 0 and three or more digits after the comma. Read as a decimal it
 * would be silently wrong (`4624,4672` as 4624.4672), so one such value keeps its column text. Excel's decimals
 * are mostly one or two digits (`12,5`, `3,75`); `0,125`, `-3,1416` and `1.234,567` are decimals whatever their length.
 */
const COMMA_AMBIGUOUS = /^[1-9][0-9]*,[0-9]{3,}$/.source;
/**
 * A comma value that reads as a list of whole numbers too and whose fraction ends in 0 (`22,80`, a port list):
 * Excel's General format drops a fraction's trailing zeros (22,8), and a fixed format (0,00) writes every value with
 * the same places (443 as 443,00). So a column holding one is decimals only when every value has a comma and the
 * same number of places; otherwise it stays text. Signs, a 0 whole part and dot or space groups are decimals anyway.
 */
const LIST_WITH_ZERO_END = /^[1-9][0-9]*,[0-9]*0$/.source;
/** Float64 holds 15 significant digits exactly, Excel keeps 15: a value with more digits stays text. */
const DECIMAL_COMMA_MAX_DIGITS = 15;

/**
 * A `;`-separated file's text columns of decimal-comma numbers (European Excel's CSV: `12,5`, `1.234,5`) as Float64
 * (and a tab-delimited file's, where no column has decimal dots):
 * only a column whose every non-empty value is such a number ({@link DECIMAL_COMMA_NUMBER}, 15 digits at most), at
 * least one with a comma, none of them a comma value that could be a list or thousands ({@link COMMA_AMBIGUOUS}).
 * Anything else stays text, as read: ids, versions, lists (`1,2,3`, `4624,4672`), `1,234`. polars' `decimalComma`
 * read option reads every column so, without these checks, and misses `1.234,5`.
 */
function withDecimalCommas(df: pl.DataFrame, dialect: CsvDialect): pl.DataFrame {
  // A tab-delimited file (Excel's "Text (Tab delimited)" and "Unicode Text" in a decimal-comma locale) too, unless
  // its numbers show decimal dots (a column polars read as floats: `12.5`): then its commas are no decimal marks.
  const tabWithCommas = dialect.sep === "\t" && !df.dtypes.some((d) => /^Float/.test(d.variant));
  if (dialect.sep !== ";" && !tabWithCommas) return df;
  const names = columnNames(df);
  let changed = false;
  const columns = names.map((name) => {
    const column = columnOf(df, name);
    if (!isTextType(column.dtype) || column.nullCount() === column.len()) return column;
    const v = pl.col("v").str.strip();
    const bad = v.neq(pl.lit("")).and(v.str.contains(DECIMAL_COMMA_NUMBER).not()).sum().alias("bad");
    // Most text columns (names, command lines) fail in their first rows: the whole column is not scanned for them.
    if (Number(checkOf(pl.DataFrame([column.head(1000).rename("v")]).select(bad), "bad")) !== 0) return column;
    const comma = v.str.contains(",");
    const checks = pl.DataFrame([column.rename("v")]).select(
      bad,
      comma.sum().alias("commas"),
      v.str.contains(COMMA_AMBIGUOUS).sum().alias("ambiguous"),
      v.str.replaceAll("[^0-9]", "").str.lengths().gt(DECIMAL_COMMA_MAX_DIGITS).sum().alias("long"),
      v.eq(pl.lit("")).sum().alias("empty"),
      v.str.contains(LIST_WITH_ZERO_END).sum().alias("zeroEnd"),
      v.str.extract(",([0-9]+)$", 1).str.lengths().min().alias("minPlaces"),
      v.str.extract(",([0-9]+)$", 1).str.lengths().max().alias("maxPlaces"),
    );
    const count = (name: string) => Number(checkOf(checks, name));
    if (count("bad") !== 0 || count("long") !== 0 || count("ambiguous") !== 0 || !(count("commas") > 0)) return column;
    const present = column.len() - column.nullCount() - count("empty");
    if (count("zeroEnd") > 0 && (count("commas") !== present || count("minPlaces") !== count("maxPlaces"))) return column;
    const numbers = pl
      .DataFrame([column.rename("v")])
      .select(v.str.replaceAll("[. \u00a0\u202f]", "").str.replace(",", ".").cast(pl.Float64, false).alias("v"))
      .getColumn("v")
      .rename(name);
    // Only empty values may become null: a value polars would not parse keeps the column text (none is known).
    if (numbers.nullCount() !== column.nullCount() + Number(checkOf(checks, "empty"))) return column;
    changed = true;
    return numbers;
  });
  return changed ? frameOf(columns) : df;
}

/** The rows of a CSV/TSV file read: types from the first rows, then fixed; time columns parsed by polars (see the module comment); blank lines skipped. */
export function* readCsvSteps(file: string, csvOptions: CsvReadOptions = {}): ReadSteps<pl.DataFrame> {
  // Warnings name this file, not a private copy read instead.
  const options: CsvRowsOptions = { ...csvOptions, source: file };
  const head = fileStart(file);
  const dialect = csvDialect(head, options.sep);
  const header = headerFields(head, dialect);
  // A repeated name beside one named as polars renames repeats (`a,a,a_duplicated_0`): polars fails the file on
  // its own renaming. Read from a private copy whose header has pandas' names instead.
  if (header && header.some((f, i) => header.findIndex((g) => g.text === f.text) !== i) && header.some((f) => /_duplicated_\d+$/.test(f.text))) {
    const names = pandasNames(header.map((f) => f.text));
    // In the copy, the names without quotes and line breaks (polars keeps a doubled quote; the words stay, for
    // the time-column rules that read names), made unique; the exact names are set after the read.
    const written = names.map((n) => n.replace(/["\r\n]/g, "_"));
    const safe = written.map((n, i) => (written.indexOf(n) === i ? n : `${n}_${i}`));
    const copy = withHeader(file, head, header, safe, dialect.sep, options.tempFolder);
    try {
      const rows = yield* readCsvRows(copy.file, dialect, undefined, options);
      return withDecimalCommas(renameAll(rows, [...names, ...columnNames(rows).slice(names.length)]), dialect);
    } finally {
      copy.remove();
    }
  }
  const rows = yield* readCsvRows(file, dialect, header, options);
  // Columns added for records longer than the header (widenedHeader) are named as they are.
  const named = header && [...header, ...columnNames(rows).slice(header.length).map((text) => ({ text, start: -1, end: -1, stray: false }))];
  return withDecimalCommas(withPandasHeaderNames(withHeaderQuotesUndoubled(rows, named), header), dialect);
}

/**
 * Repeated header names as pandas (MSTICPy) names them, `<name>.1`,
 * `<name>.2`… (past any name the header has), where polars wrote
 * `<name>_duplicated_0`; every blank name is `column_<i>`, as polars names
 * the first one and the extra fields of long records (a second blank was
 * `_duplicated_0`). Other names are left as read.
 */
function withPandasHeaderNames(df: pl.DataFrame, header: HeaderField[] | undefined): pl.DataFrame {
  if (!header) return df;
  const texts = header.map((f) => f.text);
  const blankOrRepeated = texts.some((t, i) => t === "" || texts.indexOf(t) !== i);
  const names = columnNames(df);
  if (!blankOrRepeated || names.length < texts.length) return df;
  const renamed = [...pandasNames(texts), ...names.slice(texts.length)];
  return new Set(renamed).size === renamed.length ? renameAll(df, renamed) : df;
}

/** Header names as pandas gives them: a repeat `<name>.1`, `<name>.2`… past any name the header has; a blank `column_<i>`. */
function pandasNames(texts: readonly string[]): string[] {
  const taken = new Set(texts.filter((t) => t !== ""));
  const seen = new Set<string>();
  const wanted = texts.map((t, i) => {
    if (t === "") return `column_${i}`;
    if (!seen.has(t)) {
      seen.add(t);
      return t;
    }
    let k = 1;
    while (taken.has(`${t}.${k}`)) k += 1;
    const name = `${t}.${k}`;
    taken.add(name);
    return name;
  });
  return wanted;
}

/** The rows of {@link readCsvSteps}, with the header names as polars reads them. */
function* readCsvRows(file: string, dialect: CsvDialect, header: HeaderField[] | undefined, options: CsvReadOptions): ReadSteps<pl.DataFrame> {
  // Lines ended by a bare CR (old Mac; or one line in a file of LF lines): polars reads the whole file as one header line,
  // or two records as one (the second's values in the first's last field and in extra columns); pandas reads its rows.
  // A stray quote in a header name (`a,b"c`): polars reads no row at all, silently; pandas reads the name as written.
  if (header?.some((f) => f.stray) || hasBareCr(file)) {
    const rows = yield* readRewritten(file, dialect, options);
    if (rows) return rows;
  }
  try {
    return yield* readAllFields(file, dialect, options);
  } catch (err) {
    // polars fails a whole file on one value with a stray quote (`x"y`) or text after a closing quote (`"ab"c`); pandas reads both.
    if (!MALFORMED.test(err instanceof Error ? err.message : String(err))) throw err;
    const rows = yield* readRewritten(file, dialect, options);
    if (rows) return rows;
    // The file ends inside a quoted value (cut while copied or downloaded): polars named a value, not the line.
    const line = unclosedQuoteLine(file, dialect.sep);
    if (line !== undefined) throw new DataFileError(msg.fileInvalid((options as CsvRowsOptions).source ?? file, "csv", csvUnclosedQuote(line)));
    throw err;
  }
}

/**
 * `df` with its header names read as pandas reads them: polars keeps a
 * doubled quote in a quoted header name (`"a""b"` → `a""b`;
 * pola-rs/polars#20294; also the names of the quoting copy, where `b"c` is
 * written `"b""c"`), pandas reads `a"b`. A name changes only when it is the
 * header field's text with its quotes doubled, when the header's field count
 * is the frame's and no name would repeat; a frame with no `""` in any name
 * is returned as is.
 */
function withHeaderQuotesUndoubled(df: pl.DataFrame, fields: HeaderField[] | undefined): pl.DataFrame {
  const names = columnNames(df);
  if (!names.some((n) => n.includes('""'))) return df;
  if (!fields || fields.length !== names.length) return df;
  const renamed = names.map((name, i) => (fields[i].text.replaceAll('"', '""') === name ? fields[i].text : name));
  return new Set(renamed).size === renamed.length ? renameAll(df, renamed) : df;
}

/** A field of the header record. */
interface HeaderField {
  /** The name as pandas reads it. */
  text: string;
  /** Where the field starts and ends in the file's start (`head`): the first field's start is the header record's; the last field's end is its end (before its line end). */
  start: number;
  end: number;
  /** Whether a quote stands outside quoting, or text follows a closing quote (`b"c`, `"ab"c`): polars cannot follow the file's quotes. */
  stray: boolean;
}

/** The header record's fields (RFC 4180 quoting: `""` is a quote, separators and line ends inside quotes are text), or undefined when `head` ends inside it. */
function headerFields(head: string, { sep, skipRows }: CsvDialect): HeaderField[] | undefined {
  let at = 0;
  for (let skipped = 0; skipped < skipRows; skipped += 1) {
    const end = /\r\n|\n|\r/.exec(head.slice(at));
    if (!end) return undefined;
    at += end.index + end[0].length;
  }
  const fields: HeaderField[] = [];
  for (;;) {
    let text = "";
    const start = at;
    const quoted = head[at] === '"';
    if (quoted) {
      at += 1;
      for (;;) {
        const close = head.indexOf('"', at);
        if (close < 0) return undefined;
        text += head.slice(at, close);
        at = close + 1;
        if (head[at] !== '"') break;
        text += '"';
        at += 1;
      }
    }
    // Unquoted text, or what follows a closing quote (kept, as pandas keeps it), up to the separator or line end.
    let end = at;
    while (end < head.length && head[end] !== sep && head[end] !== "\n" && head[end] !== "\r") end += 1;
    if (end === head.length && end > 0) return undefined;
    const rest = head.slice(at, end);
    text += rest;
    fields.push({ text, start, end, stray: rest.includes('"') || (quoted && rest !== "") });
    if (head[end] !== sep) return fields;
    at = end + 1;
  }
}

/** A private copy of `file` whose header record is `names` (quoted), the rest byte for byte. */
function withHeader(file: string, head: string, header: readonly HeaderField[], names: readonly string[], sep: string, folder?: string): { file: string; remove(): void } {
  const lastEnd = header[header.length - 1].end;
  const start = header[0].start;
  // (`head` is the text after a UTF-8 byte-order mark.)
  const fd = fs.openSync(file, "r");
  const first = Buffer.alloc(3);
  try {
    fs.readSync(fd, first, 0, 3, 0);
  } finally {
    fs.closeSync(fd);
  }
  const bom = first.equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
  const line = names.map((n) => `"${n.replace(/"/g, '""')}"`).join(sep);
  return copyWithHeader(file, bom + Buffer.byteLength(head.slice(0, start)), bom + Buffer.byteLength(head.slice(0, lastEnd)), line, folder);
}

/** The rows of the file's copy that polars reads as pandas reads the file ({@link quoteStrayQuotes}), or undefined when it needs none. */
function* readRewritten(file: string, dialect: CsvDialect, options: CsvReadOptions): ReadSteps<pl.DataFrame | undefined> {
  const copy = quoteStrayQuotes(file, dialect.sep, options.tempFolder);
  if (!copy) return undefined;
  try {
    return yield* readAllFields(copy.file, dialect, options);
  } finally {
    copy.remove();
  }
}

/**
 * polars' error for a record with more fields than the header (the scan does
 * not cut them: `truncateRaggedLines: false`).
 */
const RAGGED = /found more fields than defined in 'Schema'/;

/**
 * The rows, blank lines dropped, and every field of a record longer than
 * the header kept: such a file is read again from a copy whose header names
 * the extra columns (csvText.ts `widenedHeader`; pandas fails the file, polars
 * cuts the record silently).
 */
function* readAllFields(file: string, dialect: CsvDialect, options: CsvReadOptions): ReadSteps<pl.DataFrame> {
  try {
    return withoutBlankLines(yield* readRows(file, dialect, options), file, dialect);
  } catch (err) {
    if (!RAGGED.test(err instanceof Error ? err.message : String(err))) throw err;
    const copy = widenedHeader(file, dialect.sep, dialect.skipRows, options.tempFolder);
    if (!copy) throw err;
    try {
      return withoutBlankLines(yield* readRows(copy.file, dialect, options), copy.file, dialect);
    } finally {
      copy.remove();
    }
  }
}

/** What a file that ends inside a quoted value is: cut, most likely (a stray opening quote is the other cause). */
const csvUnclosedQuote = (line: number): string =>
  `the file ends inside a quoted value that starts on line ${line} (a quote opens it and none closes it): was the file cut while it was copied or downloaded? ` +
  `Export it again, or remove that line and what follows it (or close the quote) to read the lines before it`;

/**
 * polars' errors for a file whose quotes it cannot follow: "CSV malformed"
 * (a stray quote), "could not parse `"ab"c` as dtype `str`" (text after a
 * closing quote; the value polars names starts with the quote).
 */
const MALFORMED = /CSV malformed|could not parse `"/;

/** The rows as polars reads them (a blank line is a row of nulls). */
function* readRows(file: string, dialect: CsvDialect, options: CsvReadOptions): ReadSteps<pl.DataFrame> {
  const { sep, skipRows } = dialect;
  const sampleRows = Math.max(1, options.inferSchemaLength ?? 10_000);
  const parse = options.parseTimes !== false;
  const slashRead: SlashDateRead = { file: (options as CsvRowsOptions).source ?? file, dayFirst: options.dayFirst === true, year: options.year, writtenBy: options.writtenBy, warn: options.warn ?? printWarning };
  const head = headLines(file, sampleRows + skipRows);
  let sample: pl.DataFrame | undefined;
  if (head !== undefined) {
    const dtypes: Record<string, DataType> = {};
    for (;;) {
      try {
        sample = pl.readCSV(head, { sep, skipRows, inferSchemaLength: sampleRows, dtypes });
        break;
      } catch (err) {
        // Integers beyond Int128 in the sample: read again with that column as text.
        if (wideIntColumnAsText(err, dtypes)) continue;
        // The cut fell inside a quoted value that spans lines: infer while reading the whole file.
        break;
      }
    }
  }
  const names = sample ? columnNames(sample) : [];
  // A small file is its own sample (one read); repeated header names are renamed by polars and read whole too.
  if (!sample || new Set(names).size !== names.length || names.some((n) => n.includes("_duplicated_")) || frameHeight(sample) === 0) {
    // Integers beyond Int64 are read as Int128, which JavaScript cannot read: text (wideInts.ts).
    // Beyond Int128 (40-digit IDs) polars fails the read: read again with that column as text.
    const overwriteDtype: Record<string, DataType> = {};
    let read: pl.DataFrame | undefined;
    while (!read) {
      try {
        // `overwriteDtype` (by name, the other types inferred) is the binding's option, which nodejs-polars' types do not declare.
        read = yield pl.scanCSV(file, { ...scanOptions(dialect), inferSchemaLength: sampleRows, ...({ overwriteDtype } as object) });
      } catch (err) {
        if (!wideIntColumnAsText(err, overwriteDtype)) throw err;
      }
    }
    const whole = wideIntsAsText(read);
    if (!parse) return withUnnamedColumns(whole);
    const wholeNames = columnNames(whole);
    const plainDf = renameAll(whole, wholeNames.map((_, i) => plain(i)));
    // The whole file is the sample: a column it shows no time in has none.
    const { plans, unsampled } = timePlans(plainDf, wholeNames, plainDf.dtypes, slashRead.dayFirst);
    // Unsampled here: times with zone abbreviations (an empty column has none), read by the full parser.
    if (!plans.length && !unsampled.length) return withUnnamedColumns(whole);
    return finish(plans.length ? yield withTimes(plainDf.lazy(), plans) : plainDf, wholeNames, plans, unsampled, slashRead);
  }
  // Plain names (c<i>: a column may be called `dtypes`, or look like a pattern), and every type in one call: a Series wrapper per column costs ~0.5 ms.
  // A sampled Int128 column (integers beyond Int64) is read as text (wideInts.ts).
  const plainSample = wideIntsAsText(renameAll(sample, names.map((_, i) => plain(i))));
  const dtypes = plainSample.dtypes;
  const { plans, unsampled } = parse ? timePlans(plainSample, names, dtypes, slashRead.dayFirst) : { plans: [], unsampled: [] };
  const df = yield* readWithSchema(file, dialect, dtypes, plans);
  return finish(df, names, plans, unsampled, slashRead);
}

/** Reads a CSV/TSV file: types from the first rows, then fixed; time columns parsed by polars. */
export function readCsvFile(file: string, options: CsvReadOptions = {}): pl.DataFrame {
  return runSync(readCsvSteps(file, options));
}
