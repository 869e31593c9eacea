/**
 * A data source as a polars LazyDataFrame: Parquet and Arrow IPC files and
 * Parquet datasets are scanned lazily (polars pushes filters and column
 * selections down to the reader, and skips partitions and row groups whose
 * statistics rule them out); text formats are read whole (their time columns
 * need parsing) and wrapped. Every collect is a read step (collect.ts), so a
 * query runs synchronously or asynchronously (interruptible) alike — but the
 * schema probe of a Parquet/Arrow source, which is synchronous: a time zone
 * polars cannot hold panics there, and a panic in an asynchronous collect
 * aborts the process (offsetZones.ts).
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { columnNames, renameAll } from "../common/frames";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";
import type { DataSource, DatasetSource } from "./dataSources";
import type { ReadSteps } from "./collect";
import { allTooDeep, errorLine, readDataFileSteps, readHead, type ReadOptions } from "./readers";
import { probeTypedSchema } from "./offsetZones";
import { compressionOf } from "./compressed";
import { MAX_PARQUET_DEPTH, deepColumns, parquetColumnDepths, parquetPartShape, type ParquetPartShape } from "./parquetDepth";
import { MAX_IPC_DEPTH, ipcColumnDepths } from "./ipcDepth";
import { printWarning } from "../common/messages";

/** A scanned source: the lazy frame and its columns' types. */
export interface ScannedSource {
  /**
   * The lazy frame, its columns renamed `col_0`, `col_1`… in order: column
   * names come from the data, and polars reads `col(name)` as a pattern when a
   * name looks like `^…$` or `*`, and answers a DataFrame's method names with
   * columns (see common/frames.ts).
   */
  lf: pl.LazyDataFrame;
  /** Original column name → type, in the frame's order. */
  schema: Map<string, DataType>;
  /** Hive partition keys (datasets only). */
  partitionKeys: string[];
  /** The file or folder, for messages. */
  file: string;
  format: string;
  /** Slash dates in a text time column are day first (`ReadOptions.dayFirst`), for a start/end window on them. */
  dayFirst?: boolean;
  /**
   * Times without a year (syslog's `Dec  7 08:15:00`) in a text time column, for a start/end window on them: the
   * newest's year (`ReadOptions.year`), else when the file was last written, and where the warning saying so goes.
   */
  years?: { year?: number; writtenBy?: Date; warn?: (message: string) => void };
  /** True when the file was read whole (text formats, and a typed file with a zone polars cannot hold): nothing is pushed down into its reading. */
  whole: boolean;
}

/** The name of column `index` in a scanned frame. */
export const plainName = (index: number): string => `col_${index}`;

/** The lazy frame of a source at `real` (its checked real path), as read steps (collect.ts). */
export function* scanSource(source: DataSource, real: string, options: ReadOptions = {}): ReadSteps<ScannedSource> {
  const format = source.kind === "foreign" ? "unknown" : source.format;
  // The file's date is read once, here: the reader, a window on text times and the schema mapping (localData) all take
  // this one (read again, a file written to between the reads could have its times given two different years).
  if (options.writtenBy === undefined && options.year === undefined) options = { ...options, writtenBy: modifiedAt(source.path) };
  try {
    let lf: pl.LazyDataFrame | undefined;
    // A compressed file is decompressed and read whole (readers.ts).
    if (compressionOf(source.name)) lf = undefined;
    else if (source.kind === "dataset") {
      // Hive keys become columns; `date=2026-11-01` is typed Date, so a day filter prunes whole folders.
      lf = scanDataset(source, real, options.warn ?? printWarning);
    } else if (format === "parquet" && !nestsTooDeep(format, real)) {
      lf = pl.scanParquet(real);
    } else if (format === "ipc" && readHead(real, 6) === "ARROW1" && !nestsTooDeep(format, real)) {
      lf = pl.scanIPC(real);
    }
    if (lf) {
      // The schema (a Parquet footer read, no rows), synchronously: a corrupt file fails here, naming itself, and
      // a time zone polars cannot hold (+05:30) is found here, where its failure is an error, not an abort.
      // Not asynchronous: polars' zone check is switched off through a process-wide environment variable, which an
      // asynchronous probe would hold while other reads run (measured: 0.6 ms for a 360 MB file's 26 KB footer; README).
      const probe = probeTypedSchema(lf, real, source.kind === "dataset" ? "parquet dataset" : format, options.warn ?? printWarning);
      if (probe.whole) return wholeSource(probe.whole, source, format, options);
      const empty = probe.empty;
      const names = columnNames(empty);
      const mapping: Record<string, string> = {};
      // Defined, not assigned: a column may be called `__proto__`.
      names.forEach((n, i) => Object.defineProperty(mapping, n, { value: plainName(i), enumerable: true }));
      return scanned(lf.rename(mapping), renameAll(empty, names.map((_, i) => plainName(i))), names, source, format, false, options);
    }
    return wholeSource(yield* readDataFileSteps(real, options), source, format, options);
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(msg.fileInvalid(source.path, source.kind === "dataset" ? "parquet dataset" : format, errorLine(err)));
  }
}

/**
 * Whether a Parquet or Arrow file has a column nested past the depth limit (or an Arrow schema of shared fields): such
 * a file is read by readDataFile, which leaves those columns out with a warning or refuses the file, not scanned (the
 * scan resolves the whole schema: 14 s for an Arrow struct 300 levels deep, a crashed process at 100,000).
 */
function nestsTooDeep(format: "parquet" | "ipc", real: string): boolean {
  if (format === "parquet") {
    const depths = parquetColumnDepths(real);
    return !!depths && deepColumns(depths).deep.length > 0;
  }
  const depths = ipcColumnDepths(real);
  return !!depths && (!!depths.shared || deepColumns(depths, MAX_IPC_DEPTH).deep.length > 0);
}

/**
 * Parts of a dataset whose footers are screened, at every scan (each a small read and decode, ~60 µs of CPU: 10,000
 * parts of one row group took 0.55–0.65 s of CPU, measured three times on a loaded shared machine, where polars' own
 * collect of them took 2.1–2.7 s; a query whose filters skip most parts pays it all the same). Past this many, later
 * parts are not screened and a warning says so: their columns outside the screened parts' schema fail a query
 * reading them naming the part (polars' "extra column" error), or, when a screened part had a column nested too deep
 * (left out, see scanDataset), are ignored; a column too deep there holds the query as it did before screening.
 */
export const MAX_SCREENED_PARTS = 20_000;

/**
 * A Parquet dataset's lazy scan, every part's footer screened first (up to `maxParts`, default MAX_SCREENED_PARTS). polars takes the
 * schema from the first part in sorted order: a later part's extra column failed the query ("extra column in file
 * outside of expected schema"), a column of the first part missing from a later one too, and resolving a column
 * nested hundreds of levels deep holds the query for seconds (0.75 s at 300 struct levels, the cube of the depth).
 * When all parts share one schema and none nests too deep, polars scans the folder as before. Otherwise the scan
 * gets the union of the parts' columns as its schema (each column's type from the first part holding it, a part
 * lacking a column read as nulls there), the columns too deep left out with a warning naming them and the first part
 * holding them (a dataset of nothing else is refused naming it). Parts that disagree on a column's type, empty
 * files and files that are not Parquet are warned about naming the part: polars skips an empty part, and fails a
 * query that reads one of the others (a query whose filters skip it still runs). A part whose footer cannot be
 * decoded here is left to polars, as before.
 */
export function scanDataset(source: DatasetSource, real: string, warn: (message: string) => void, maxParts = MAX_SCREENED_PARTS): pl.LazyDataFrame {
  const options = { hivePartitioning: source.partitionKeys.length > 0, tryParseHiveDates: true, hiddenFilePrefix: [".", "_"] };
  // polars lists a folder's files in sorted order; its first file gives the schema.
  const parts = [...source.files].sort();
  const shown = (part: string) => path.join(source.path, part);
  if (parts.length > maxParts) warn(dataWarnings.datasetPartsUnscreened(source.path, parts.length, maxParts));
  const deep = new Set<string>();
  let firstDeep: string | undefined;
  // The first part of each distinct schema, in sorted order, and its columns.
  const schemas = new Map<string, { part: string; names: string[] }>();
  const empty: string[] = [];
  const notParquet: string[] = [];
  for (const part of parts.slice(0, maxParts)) {
    const shape = partShape(path.join(real, part));
    if (shape?.kind === "empty") empty.push(part);
    if (shape?.kind === "not parquet") notParquet.push(part);
    if (shape?.kind !== "parquet") continue;
    const found = deepColumns(shape.depths).deep;
    for (const name of found) deep.add(name);
    if (found.length) firstDeep ??= part;
    if (!schemas.has(shape.signature)) schemas.set(shape.signature, { part, names: shape.depths.names });
  }
  if (empty.length) warn(dataWarnings.datasetPartsEmpty(source.path, empty));
  if (notParquet.length) warn(dataWarnings.datasetPartsNotParquet(source.path, notParquet));
  if (schemas.size <= 1 && firstDeep === undefined) return pl.scanParquet(real, options);
  // The union of the columns, in the order they first appear, typed as polars reads them from the first part holding
  // them (read with no rows, the deep columns never read, as readDataFile reads a single file).
  const types = new Map<string, { type: DataType; part: string }>();
  for (const { part, names } of schemas.values()) {
    const kept = names.filter((name) => !deep.has(name));
    if (!kept.length) continue;
    let dtypes: DataType[];
    try {
      dtypes = pl.readParquet(path.join(real, part), { columns: kept, nRows: 0 }).dtypes;
    } catch (err) {
      // A type polars cannot hold here (a time zone `+05:30`: offsetZones.ts reads such a file whole): without deep
      // columns, the folder is left to polars' own scan and its schema probe, as before the screen.
      if (firstDeep === undefined) return pl.scanParquet(real, options);
      throw err;
    }
    kept.forEach((name, k) => {
      const known = types.get(name);
      if (!known) types.set(name, { type: dtypes[k], part });
      if (!known || known.type.equals(dtypes[k])) return;
      const wider = widerType(known.type, dtypes[k]);
      // The part named in a later type warning is the one holding the type kept.
      if (wider) types.set(name, wider === known.type ? known : { type: wider, part });
      else warn(dataWarnings.datasetTypesDiffer(source.path, name, shown(known.part), typeText(known.type), shown(part), typeText(dtypes[k])));
    });
  }
  if (!types.size) throw new DataFileError(msg.fileInvalid(shown(firstDeep ?? parts[0]), "parquet dataset", allTooDeep([...deep])));
  if (firstDeep !== undefined) warn(dataWarnings.parquetColumnsTooDeep(shown(firstDeep), [...deep], MAX_PARQUET_DEPTH));
  const schema: Record<string, DataType> = {};
  // Defined, not assigned: a column may be called `__proto__`.
  for (const [name, { type }] of types) Object.defineProperty(schema, name, { value: type, enumerable: true });
  // Columns too deep are ignored in the parts holding them; any other column outside the schema (in a part past
  // MAX_SCREENED_PARTS) fails the query naming its part, unless deep columns made every extra column ignored.
  // Parts of one column in integers of one signedness, or in floats, of different widths (pandas' Int32 part
  // beside an Int64 one) are read with the wider type: polars casts each part up to the schema's type, losslessly.
  const castOptions = { integerCast: "upcast", floatCast: "upcast" } as const;
  return pl.scanParquet(real, { ...options, schema, missingColumns: "insert", extraColumns: deep.size ? "ignore" : "raise", castOptions });
}

/** Integer widths by type, signed and unsigned apart, and float widths: the types a part can be upcast between. */
const WIDTHS: Record<string, { family: "int" | "uint" | "float"; bits: number }> = {
  Int8: { family: "int", bits: 8 }, Int16: { family: "int", bits: 16 }, Int32: { family: "int", bits: 32 }, Int64: { family: "int", bits: 64 },
  UInt8: { family: "uint", bits: 8 }, UInt16: { family: "uint", bits: 16 }, UInt32: { family: "uint", bits: 32 }, UInt64: { family: "uint", bits: 64 },
  Float32: { family: "float", bits: 32 }, Float64: { family: "float", bits: 64 },
};

/**
 * The wider of two types when every value of the other fits it (integers of one signedness, or floats: Int32 and
 * Int64 give Int64, Float32 and Float64 Float64), else undefined (Int64 and String, UInt32 and Int32, Int64 and
 * Float64: a part of such a type still fails a query reading it, with a warning).
 */
function widerType(a: DataType, b: DataType): DataType | undefined {
  const [wa, wb] = [WIDTHS[a.variant], WIDTHS[b.variant]];
  if (!wa || !wb || wa.family !== wb.family) return undefined;
  return wa.bits >= wb.bits ? a : b;
}

/** A type as polars writes it, without its `DataType(…)` wrappers: `List(Int64)`, `Datetime(us,UTC)`. */
export function typeText(type: DataType): string {
  const text = String(type);
  let out = "";
  // Whether each open parenthesis belongs to a `DataType(` wrapper (its closing one dropped too); one pass.
  const wrappers: boolean[] = [];
  for (let k = 0; k < text.length; k++) {
    if (text.startsWith("DataType(", k)) {
      wrappers.push(true);
      k += "DataType(".length - 1;
    } else if (text[k] === "(") {
      wrappers.push(false);
      out += "(";
    } else if (text[k] === ")") {
      if (!wrappers.pop()) out += ")";
    } else out += text[k];
  }
  return out;
}

/** A part's shape; a part that cannot be opened is left to polars (a query whose filters skip it never reads it). */
function partShape(file: string): ParquetPartShape {
  try {
    return parquetPartShape(file);
  } catch {
    return undefined;
  }
}

/** A source read whole (text formats), renamed to plain names in one call (renameAll goes past the column proxy). */
function wholeSource(eager: pl.DataFrame, source: DataSource, format: string, options: ReadOptions): ScannedSource {
  const names = columnNames(eager);
  const plain = renameAll(eager, names.map((_, i) => plainName(i)));
  return scanned(plain.lazy(), plain, names, source, format, true, options);
}

/** A scan's record: the types are read from `plain` (the frame with plain names, in the order of `names`). */
function scanned(lf: pl.LazyDataFrame, plain: pl.DataFrame, names: string[], source: DataSource, format: string, whole: boolean, options: ReadOptions): ScannedSource {
  return { lf, schema: schemaOf(plain, names), partitionKeys: source.kind === "dataset" ? source.partitionKeys : [], file: source.path, format, whole, dayFirst: options.dayFirst === true, years: { year: options.year, writtenBy: options.writtenBy, warn: options.warn } };
}

/** When `file` was last written (a folder's: a dataset's), or undefined when it cannot be read: the year rule then goes by now. */
function modifiedAt(file: string): Date | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.mtime;
  } catch {
    return undefined;
  }
}

/** Original column name → type, read from `plain` (the frame with plain names, in the order of `names`). */
function schemaOf(plain: pl.DataFrame, names: readonly string[]): Map<string, DataType> {
  // One call for every type: reading them column by column makes a Series wrapper per column.
  const dtypes = plain.dtypes;
  return new Map(names.map((name, i) => [name, dtypes[i]] as [string, DataType]));
}

/** A source read whole, passed through `map` (a frame of the original column names to another) before any filter. */
export function* mapWholeSource(scan: ScannedSource, map: (df: pl.DataFrame) => pl.DataFrame): ReadSteps<ScannedSource> {
  const df = map(renameAll(yield* collectScan(scan, scan.lf), [...scan.schema.keys()]));
  const names = columnNames(df);
  const plain = renameAll(df, names.map((_, i) => plainName(i)));
  return { ...scan, lf: plain.lazy(), schema: schemaOf(plain, names) };
}

/** Collects a lazy frame of `scan` (a read step); read errors name the file. */
export function* collectScan(scan: ScannedSource, lf: pl.LazyDataFrame): ReadSteps<pl.DataFrame> {
  try {
    return yield lf;
  } catch (err) {
    throw new DataFileError(msg.fileInvalid(scan.file, scan.format, errorLine(err)));
  }
}
