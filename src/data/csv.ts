/**
 * CSV/TSV in one pass over the file: the column types and the time columns'
 * formats are inferred from the first rows, then the whole file is read with
 * that schema fixed, and the time columns are parsed by polars (`strptime`
 * with the detected formats, all columns at once) rather than row by row.
 * A later value that breaks the sampled type makes that column text (the
 * frame survives); a time column with a value the detected formats miss goes
 * through the full parser of timeParsing.ts, and stays text if that fails too.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf, frameHeight, frameOf, replaceColumns } from "../common/frames";
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
  name: string;
  index: number;
  formats: string[];
  /** The unit the sample's text asks for (its fraction digits). */
  sampleUnit: TimeUnit;
}

const UNIT_RANK: Record<TimeUnit, number> = { ms: 0, us: 1, ns: 2 };

/** polars' "column number N" (1-based) in a CSV parse error: the column whose sampled type a later value broke. */
const BAD_COLUMN = /at column '.*?' \(column number (\d+)\)/s;

/** Reads a CSV file with a fixed schema; a column whose type a later value breaks is read as text instead. */
function readWithSchema(file: string, sep: string, names: readonly string[], dtypes: DataType[]): pl.DataFrame {
  for (let attempt = 0; attempt <= names.length; attempt += 1) {
    // By name, not position (an object puts integer-like keys such as "0" first): every column read as
    // text (no inference pass) and the sampled types set over it. Defined, not assigned: a column may be called `__proto__`.
    const overrides: Record<string, DataType> = {};
    names.forEach((n, i) => Object.defineProperty(overrides, n, { value: dtypes[i], enumerable: true }));
    try {
      return pl.readCSV(file, { sep, inferSchemaLength: 0, dtypes: overrides });
    } catch (err) {
      const m = BAD_COLUMN.exec(err instanceof Error ? err.message : String(err));
      const i = m ? Number(m[1]) - 1 : -1;
      if (i < 0 || i >= names.length || dtypes[i] === pl.Utf8) throw err;
      dtypes[i] = pl.Utf8;
    }
  }
  throw new Error("internal error: unreachable: every retry makes one more column text");
}

/**
 * The time columns' Datetime series, parsed with the formats found in the
 * sample (in ns, then cast to the unit the values need), or by the full parser
 * where a value does not fit them. Columns that are not all times are left out.
 */
function parseTimes(df: pl.DataFrame, plans: readonly TimePlan[]): Map<string, pl.Series> {
  const out = new Map<string, pl.Series>();
  if (!plans.length) return out;
  const raw = frameOf(plans.map((p, i) => columnOf(df, p.name).rename(`r${i}`)));
  // One select: polars parses the columns in parallel. The sample's most common format first (a column is
  // almost always in one format); a column with values in others goes through the full parser below.
  const parsedDf = raw.select(...plans.map((p, i) => strptimeExpr(pl.col(`r${i}`), p.formats[0], "ns").alias(`t${i}`)));
  // Values that are there (not null, not empty) but did not parse, from the parsed columns (not parsed again).
  const both = frameOf([...plans.map((_, i) => columnOf(raw, `r${i}`)), ...plans.map((_, i) => columnOf(parsedDf, `t${i}`))]);
  const failures = both.select(...plans.map((_, i) => pl.col(`r${i}`).isNotNull().and(pl.col(`r${i}`).str.lengths().gt(0)).and(pl.col(`t${i}`).isNull()).sum().alias(`f${i}`)));
  plans.forEach((p, i) => {
    const original = columnOf(df, p.name);
    if (Number(columnOf(failures, `f${i}`).toArray()[0]) > 0) {
      // A value in a format the sample did not show: the full parser tries every format.
      const full = parseTimeSeries(original);
      if (full.parsed) out.set(p.name, full.series.rename(p.name));
      return;
    }
    const ns = columnOf(parsedDf, `t${i}`);
    out.set(p.name, ns.cast(pl.Datetime(unitOf(ns, p.sampleUnit))).rename(p.name));
  });
  return out;
}

/** The coarsest unit that loses none of the parsed values' digits, and not coarser than the text's own fraction digits. */
function unitOf(ns: pl.Series, sampleUnit: TimeUnit): TimeUnit {
  const times = pl.DataFrame([ns.rename("t")]);
  const rest = (div: number) =>
    columnOf(times.select(pl.col("t").cast(pl.Int64).modulo(pl.lit(div).cast(pl.Int64)).neq(0).any().alias("x")), "x").toArray()[0] === true;
  const needed: TimeUnit = rest(1_000) ? "ns" : rest(1_000_000) ? "us" : "ms";
  return UNIT_RANK[needed] >= UNIT_RANK[sampleUnit] ? needed : sampleUnit;
}

/** The time columns of the sample and their formats. */
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
    plans.push({ name, index, formats, sampleUnit: textTimeUnit(trimmed) });
  });
  return plans;
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

/** Reads a CSV/TSV file: types from the first rows, then fixed; time columns parsed by polars. */
export function readCsvFile(file: string, options: CsvReadOptions = {}): pl.DataFrame {
  const sep = options.sep ?? ",";
  const sampleRows = Math.max(1, options.inferSchemaLength ?? 10_000);
  const head = headLines(file, sampleRows);
  const readWhole = () => pl.readCSV(file, { sep, inferSchemaLength: sampleRows });
  const timed = (df: pl.DataFrame) => (options.parseTimes === false ? df : replaceColumns(df, parseTimes(df, timePlans(df, columnNames(df)))));
  // A small file is its own sample: one read.
  if (head === undefined) return timed(readWhole());
  let sample: pl.DataFrame;
  try {
    sample = pl.readCSV(head, { sep, inferSchemaLength: sampleRows });
  } catch {
    // The cut fell inside a quoted value that spans lines: infer while reading the whole file.
    return timed(readWhole());
  }
  const names = columnNames(sample);
  // Repeated header names are renamed by polars and cannot key the types by name.
  if (new Set(names).size !== names.length || names.some((n) => n.includes("_duplicated_")) || frameHeight(sample) === 0) return timed(readWhole());
  const df = readWithSchema(file, sep, names, names.map((n) => columnOf(sample, n).dtype));
  if (options.parseTimes === false) return df;
  // Columns a later value made text are not time columns of the sample's kind.
  const plans = timePlans(sample, names).filter((p) => isTextType(columnOf(df, p.name).dtype));
  return replaceColumns(df, parseTimes(df, plans));
}
