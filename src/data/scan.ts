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
import { MAX_PARQUET_DEPTH, deepColumns, parquetColumnDepths } from "./parquetDepth";
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
  /** True when the file was read whole (text formats, and a typed file with a zone polars cannot hold): nothing is pushed down into its reading. */
  whole: boolean;
}

/** The name of column `index` in a scanned frame. */
export const plainName = (index: number): string => `col_${index}`;

/** The lazy frame of a source at `real` (its checked real path), as read steps (collect.ts). */
export function* scanSource(source: DataSource, real: string, options: ReadOptions = {}): ReadSteps<ScannedSource> {
  const format = source.kind === "foreign" ? "unknown" : source.format;
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
 * Parts of a dataset whose footers are screened for deep columns (each a small read: 1,000 small footers took 40 ms, warm cache). Past
 * this many, a later part's deep column is not screened: the schema is the first part's, so polars refuses such a
 * column quickly ("extra column in file outside of expected schema", the query fails naming the dataset) — unless
 * a screened part had a deep column, when every extra column of every part is ignored (see scanDataset).
 */
export const MAX_SCREENED_PARTS = 1000;

/**
 * A Parquet dataset's lazy scan, its parts screened as a single Parquet file is (nestsTooDeep): polars takes the
 * schema from the first part in sorted order, and resolving a column nested hundreds of levels deep holds the
 * query for seconds (0.75 s at 300 struct levels, the cube of the depth). A column too deep in any screened part
 * is left out with a warning naming it and the first part holding it: the scan is given the first part's other
 * columns as its schema (their types read without the deep ones) and ignores columns outside it. A first part of
 * nothing else is refused naming it; a first part whose footer cannot be read is left to polars, as before.
 */
function scanDataset(source: DatasetSource, real: string, warn: (message: string) => void): pl.LazyDataFrame {
  const options = { hivePartitioning: source.partitionKeys.length > 0, tryParseHiveDates: true, hiddenFilePrefix: [".", "_"] };
  // polars lists a folder's files in sorted order; its first file gives the schema.
  const parts = [...source.files].sort();
  const deep = new Set<string>();
  let firstDeep: string | undefined;
  let first: ReturnType<typeof footerDepths>;
  for (const [k, part] of parts.slice(0, MAX_SCREENED_PARTS).entries()) {
    const depths = footerDepths(path.join(real, part));
    if (k === 0) first = depths;
    const found = depths ? deepColumns(depths).deep : [];
    for (const name of found) deep.add(name);
    if (found.length) firstDeep ??= part;
  }
  if (!first || firstDeep === undefined) return pl.scanParquet(real, options);
  const kept = first.names.filter((name) => !deep.has(name));
  if (!kept.length) throw new DataFileError(msg.fileInvalid(path.join(source.path, parts[0]), "parquet dataset", allTooDeep(first.names)));
  warn(dataWarnings.parquetColumnsTooDeep(path.join(source.path, firstDeep), [...deep], MAX_PARQUET_DEPTH));
  // The kept columns' types, the deep ones never read (as readDataFile reads a single file).
  const types = pl.readParquet(path.join(real, parts[0]), { columns: kept, nRows: 0 }).dtypes;
  const schema: Record<string, DataType> = {};
  // Defined, not assigned: a column may be called `__proto__`.
  kept.forEach((name, k) => Object.defineProperty(schema, name, { value: types[k], enumerable: true }));
  return pl.scanParquet(real, { ...options, schema, extraColumns: "ignore" });
}

/** A part's column depths; a part that cannot be opened is left to polars (a query whose filters skip it never reads it). */
function footerDepths(file: string): ReturnType<typeof parquetColumnDepths> {
  try {
    return parquetColumnDepths(file);
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
  return { lf, schema: schemaOf(plain, names), partitionKeys: source.kind === "dataset" ? source.partitionKeys : [], file: source.path, format, whole, dayFirst: options.dayFirst === true };
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
