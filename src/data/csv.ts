/**
 * CSV/TSV in one pass over the file: the column types and the time columns'
 * formats are inferred from the first rows, then one polars plan reads the
 * whole file with that schema fixed and parses the time columns (`strptime`
 * with the detected formats) in the same parallel pass, with the checks the
 * result needs (values the format missed, the finest unit the values use)
 * computed there too: no second pass, no per-row JavaScript.
 * A later value that breaks the sampled type makes that column text (the
 * frame survives); a time column with a value the detected format misses goes
 * through the full parser of timeParsing.ts, and stays text if that fails too.
 *
 * The read is a {@link ReadSteps} generator: `readCsvFile` collects it
 * synchronously, the query provider asynchronously (interruptible).
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf, frameHeight, frameOf } from "../common/frames";
import { runSync, type ReadSteps } from "./collect";
import { formatHits, likelyFormats, looksLikeTimeColumn, parseTimeSeries, strptimeExpr, textTimeUnit, type TimeUnit } from "./timeParsing";

/** Options of {@link readCsvFile}. */
export interface CsvReadOptions {
  /** Field separator (default `,`). */
  sep?: string;
  /** Rows read first to infer the column types and time formats (default 10,000). */
  inferSchemaLength?: number;
  /** Parse the time columns (names like `TimeGenerated`, `date`, `begin`…; default true). */
  parseTimes?: boolean;
}

/** A time column found in the sample, and the formats its sampled values are in (the first is tried on the whole column). */
interface TimePlan {
  index: number;
  formats: string[];
  /** The unit the sample's text asks for (its fraction digits). */
  sampleUnit: TimeUnit;
}

const UNIT_RANK: Record<TimeUnit, number> = { ms: 0, us: 1, ns: 2 };

/** polars' "column number N" (1-based) in a CSV parse error: the column whose sampled type a later value broke. */
const BAD_COLUMN = /at column '.*?' \(column number (\d+)\)/s;

/**
 * Names inside the plan: the file's column `i` is `c<i>`, and a time column's
 * parsed value and checks have their own names. Column names come from the
 * data, and polars reads `col(name)` as a pattern when a name looks like `^…$`.
 */
const plain = (i: number) => `c${i}`;
const parsedName = (i: number) => `t${i}`;
const failName = (i: number) => `f${i}`;
const subMsName = (i: number) => `m${i}`;
const subUsName = (i: number) => `u${i}`;

/** The scan's options: as `pl.readCSV` reads (ragged lines cut, missing fields null), and a path is never a glob pattern. */
function scanOptions(sep: string) {
  return { sep, hasHeader: true, truncateRaggedLines: true, glob: false, cache: false } as const;
}

/** The time columns parsed in ns (`t<i>`), next to their text. */
function withTimes(lf: pl.LazyDataFrame, plans: readonly TimePlan[]): pl.LazyDataFrame {
  if (!plans.length) return lf;
  // The sample's most common format first: a column is almost always in one format.
  return lf.withColumns(...plans.map((p) => strptimeExpr(pl.col(plain(p.index)), p.formats[0], "ns").alias(parsedName(p.index))));
}

/**
 * Per time column, in one select over the collected frame (polars runs the
 * expressions in parallel): how many values that are there did not parse
 * (`f<i>`), and whether any parsed time has digits below the ms (`m<i>`) or
 * the µs (`u<i>`).
 */
function timeChecks(plainDf: pl.DataFrame, plans: readonly TimePlan[]): pl.DataFrame {
  const rest = (i: number, div: number) => pl.col(parsedName(i)).cast(pl.Int64).modulo(pl.lit(div).cast(pl.Int64)).neq(0).any();
  // Plain names only (c<i>, t<i>): no data-derived name can shadow the frame's methods.
  return plainDf.select(
    ...plans.flatMap((p) => {
      const raw = pl.col(plain(p.index));
      const i = p.index;
      return [
        raw.isNotNull().and(raw.str.lengths().gt(0)).and(pl.col(parsedName(i)).isNull()).sum().alias(failName(i)),
        rest(i, 1_000_000).alias(subMsName(i)),
        rest(i, 1_000).alias(subUsName(i)),
      ];
    }),
  );
}

/** The value of a check. */
const checkOf = (checks: pl.DataFrame, name: string): unknown => columnOf(checks, name).toArray()[0];

/**
 * The frame with its original names, from a collected plan (plain names and
 * parsed times): each time column parsed in the coarsest unit that loses none of
 * its digits (never coarser than its text's fraction digits), or by the full
 * parser when the sample's format missed values; left as text if that fails.
 */
function finish(df: pl.DataFrame, names: readonly string[], plans: readonly TimePlan[]): pl.DataFrame {
  const byIndex = new Map(plans.map((p) => [p.index, p]));
  const checks = plans.length ? timeChecks(df, plans) : df;
  return frameOf(
    names.map((name, i) => {
      const original = columnOf(df, plain(i));
      const p = byIndex.get(i);
      if (!p) return original.rename(name);
      if (Number(checkOf(checks, failName(i))) > 0) {
        // A value in a format the sample did not show: the full parser tries every format.
        const full = parseTimeSeries(original);
        return (full.parsed ? full.series : original).rename(name);
      }
      const needed: TimeUnit = checkOf(checks, subUsName(i)) === true ? "ns" : checkOf(checks, subMsName(i)) === true ? "us" : "ms";
      const unit = UNIT_RANK[needed] >= UNIT_RANK[p.sampleUnit] ? needed : p.sampleUnit;
      return columnOf(df, parsedName(i)).cast(pl.Datetime(unit)).rename(name);
    }),
  );
}

/** The time columns of the sample (text columns with time-like names and values) and their formats. */
function timePlans(sample: pl.DataFrame, names: readonly string[]): TimePlan[] {
  const plans: TimePlan[] = [];
  names.forEach((name, index) => {
    if (!looksLikeTimeColumn(name)) return;
    const col = columnOf(sample, name);
    if (!isTextType(col.dtype)) return;
    const trimmed = col.str.strip();
    const likely = likelyFormats(trimmed);
    if (!likely.length) return;
    // The format that parses the most sampled values first.
    const hits = formatHits(trimmed, likely, "ns");
    const formats = likely.map((f, k) => ({ f, n: hits[k] })).sort((a, b) => b.n - a.n).map((x) => x.f);
    plans.push({ index, formats, sampleUnit: textTimeUnit(trimmed) });
  });
  return plans;
}

/**
 * Reads the file with a fixed schema (plain names) and parses its time
 * columns, in one plan; a column whose type a later value breaks is read as
 * text instead (and the plan run again).
 */
function* readWithSchema(file: string, sep: string, dtypes: DataType[], plans: readonly TimePlan[]): ReadSteps<pl.DataFrame> {
  for (let attempt = 0; attempt <= dtypes.length; attempt += 1) {
    // Positional: the schema names the columns (no inference pass), so the file's header names never reach an expression.
    const schema: Record<string, DataType> = {};
    dtypes.forEach((d, i) => (schema[plain(i)] = d));
    try {
      return yield withTimes(pl.scanCSV(file, { ...scanOptions(sep), schema, inferSchemaLength: 0 }), plans);
    } catch (err) {
      const m = BAD_COLUMN.exec(err instanceof Error ? err.message : String(err));
      const i = m ? Number(m[1]) - 1 : -1;
      if (i < 0 || i >= dtypes.length || dtypes[i] === pl.Utf8) throw err;
      dtypes[i] = pl.Utf8;
    }
  }
  throw new Error("internal error: unreachable: every retry makes one more column text");
}

/** Most bytes read for the sample: 10,000 rows of wide exports fit. */
const SAMPLE_BYTES = 8 << 20;

/**
 * The file's header and first `rows` rows (whole lines), or undefined when
 * that is the whole file. Read from the file's start only: polars' own row
 * limit (`nRows`) still goes over the whole file.
 */
function headLines(file: string, rows: number): Buffer | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = fs.readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    if (n < SAMPLE_BYTES && fs.fstatSync(fd).size === n) {
      // Whole file read: a sample only if it has more rows than the sample asks for.
      let lines = 0;
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) if (++lines > rows + 1) break;
      if (lines <= rows + 1) return undefined;
    }
    let end = -1;
    for (let count = 0; count <= rows; count += 1) {
      const next = buf.indexOf(10, end + 1);
      if (next < 0 || next >= n) break;
      end = next;
    }
    return end < 0 ? undefined : buf.subarray(0, end + 1);
  } finally {
    fs.closeSync(fd);
  }
}

/** The rows of a CSV/TSV file read: types from the first rows, then fixed; time columns parsed by polars (see the module comment). */
export function* readCsvSteps(file: string, options: CsvReadOptions = {}): ReadSteps<pl.DataFrame> {
  const sep = options.sep ?? ",";
  const sampleRows = Math.max(1, options.inferSchemaLength ?? 10_000);
  const parse = options.parseTimes !== false;
  const head = headLines(file, sampleRows);
  let sample: pl.DataFrame | undefined;
  if (head !== undefined) {
    try {
      sample = pl.readCSV(head, { sep, inferSchemaLength: sampleRows });
    } catch {
      // The cut fell inside a quoted value that spans lines: infer while reading the whole file.
    }
  }
  const names = sample ? columnNames(sample) : [];
  // A small file is its own sample (one read); repeated header names are renamed by polars and read whole too.
  if (!sample || new Set(names).size !== names.length || names.some((n) => n.includes("_duplicated_")) || frameHeight(sample) === 0) {
    const whole = yield pl.scanCSV(file, { ...scanOptions(sep), inferSchemaLength: sampleRows });
    if (!parse) return whole;
    const wholeNames = columnNames(whole);
    const plans = timePlans(whole, wholeNames);
    if (!plans.length) return whole;
    const plainDf = frameOf(wholeNames.map((n, i) => columnOf(whole, n).rename(plain(i))));
    return finish(yield withTimes(plainDf.lazy(), plans), wholeNames, plans);
  }
  const sampled = sample;
  const plans = parse ? timePlans(sampled, names) : [];
  const df = yield* readWithSchema(file, sep, names.map((n) => columnOf(sampled, n).dtype), plans);
  return finish(df, names, plans);
}

/** Reads a CSV/TSV file: types from the first rows, then fixed; time columns parsed by polars. */
export function readCsvFile(file: string, options: CsvReadOptions = {}): pl.DataFrame {
  return runSync(readCsvSteps(file, options));
}
