/**
 * Readers for local data files, chosen by extension, all on polars' own
 * readers. Text formats (CSV, NDJSON/JSON) get their time columns parsed; typed
 * formats (Parquet, Arrow IPC) keep the types they were written with.
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, hasColumn, replaceColumns } from "../common/frames";
import { isTextType } from "../common/dtypes";
import { printWarning } from "../common/messages";
import { fileKind, headBytes, linkTarget } from "../common/regularFile";
import { OutsideStep, runSync, type ReadSteps } from "./collect";
import { checkTempSpace, compressionOf, decompressedHead, decompressStep, DEFAULT_MAX_DECOMPRESSED_BYTES, innerName, isGzipMagic, unsupportedCompression, type Compression } from "./compressed";
import { isSyslogText, readSyslogFile } from "./syslog";
import { readCsvSteps } from "./csv";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";
import { readZeekTsvFileSteps, isZeekTsv } from "./schemas/zeek";
import { isHeaderlessVpcFlowLog, isVpcFlowLog, readVpcFlowLogFileSteps } from "./schemas/vpcFlow";
import { parseTimeColumns, provenDayFirst, slashDates, unreadZonesWarning } from "./timeParsing";
import { scanJsonArray } from "./jsonArrayScan";
import { fileDuplicateKeys, findDuplicateKeys, MAX_JSON_DEPTH, withLastKeysWinning } from "./jsonDuplicateKeys";
import { MAX_PARQUET_DEPTH, deepColumns, parquetColumnDepths } from "./parquetDepth";
import { MAX_IPC_DEPTH, ipcColumnDepths } from "./ipcDepth";
import { nameList } from "../common/shownText";
import { readTypedFrame } from "./offsetZones";
import { copyOfStart, truncatedLastLine } from "./truncatedLine";
import { copyFolder, makeCopyFolder } from "./tempCopies";
import { quoteWideIntegers, wideIntsAsText } from "./wideInts";
import { plainMixedJson } from "./mixedJson";
import { unwrapApiResponse, unwrapSearchHits } from "./apiResponses";
import { isSplunkExportFile, readSplunkExport } from "./splunkExport";
import { EVTX_DOCS, isWinEventExport, markTimeCreatedWarned } from "./schemas/winEvent";
import { EvtxFileReader, isEvtx } from "./schemas/evtx";
import { isEventXml } from "./schemas/eventXml";
import { EventXmlFileReader } from "./schemas/eventXmlFile";
import { isJournalEventJson, isSyslogEventXml, SyslogEventXmlFileReader } from "./schemas/syslogEventXml";
import { fileLines, isWevtutilText, MAX_DESCRIPTION_CHARS, readWevtutilText } from "./schemas/wevtutilText";
import { eventViewerFrame, isEventViewerExport } from "./schemas/eventViewer";
import { transcodeUtf16, type Utf16Encoding } from "./utf16";

/**
 * Data file kinds the LocalData driver reads. `log` is a Zeek log: its ASCII
 * form (`#separator`, `#fields`, `#types` headers) or its JSON form (one
 * object per line, or one array of objects), told apart by the file's first bytes.
 */
export type DataFormat = "csv" | "ndjson" | "json" | "parquet" | "ipc" | "log" | "txt" | "evtx" | "xml";

const EXTENSIONS: Record<string, DataFormat> = {
  ".csv": "csv",
  ".tsv": "csv",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
  ".json": "json",
  ".parquet": "parquet",
  ".pq": "parquet",
  ".arrow": "ipc",
  ".ipc": "ipc",
  ".feather": "ipc",
  // The Arrow IPC stream's registered name (application/vnd.apache.arrow.stream), as pyarrow and DuckDB write it.
  ".arrows": "ipc",
  ".log": "log",
  // Only wevtutil's text output (`wevtutil qe <log> /f:text`), by its first lines: other text files are no data source.
  ".txt": "txt",
  // Windows event logs, read directly (schemas/evtx.ts); also found by their first bytes under any name.
  ".evtx": "evtx",
  // Only wevtutil's XML output (`wevtutil qe <log> /f:xml`: <Event> elements), by its first bytes: other XML is no data source.
  ".xml": "xml",
};

/** The file extensions the reader knows, e.g. `.csv`. */
export const DATA_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

/** A file format huntlab recognises but cannot read, and how to convert it. */
export interface ForeignFormat {
  /** What the format is, e.g. "a pandas pickle". */
  what: string;
  /** How to convert `file` to a format huntlab reads (one line, names the file). */
  convert: (file: string) => string;
}

const withExtension = (file: string, ext: string) => path.basename(file, path.extname(file)) + ext;

const PICKLE: ForeignFormat = {
  what: "a Python pickle (pandas), a Python-only format that cannot be read outside Python",
  convert: (f) => `convert it once in Python: import pandas as pd; pd.read_pickle("${path.basename(f)}").to_parquet("${withExtension(f, ".parquet")}")`,
};
const EXCEL: ForeignFormat = {
  what: "an Excel workbook",
  convert: (f) => `export the sheet as CSV (Excel: Save As > CSV UTF-8) to ${withExtension(f, ".csv")}, or in Python: pd.read_excel("${path.basename(f)}").to_parquet("${withExtension(f, ".parquet")}")`,
};
const FOREIGN: Record<string, ForeignFormat> = {
  ".pkl": PICKLE,
  ".pickle": PICKLE,
  ".xlsx": EXCEL,
  ".xlsm": EXCEL,
  ".xls": EXCEL,
};

/** Extensions of formats huntlab recognises but cannot read (pickle, Excel): such files get a conversion hint, never "not found". */
export const FOREIGN_EXTENSIONS: readonly string[] = Object.keys(FOREIGN);

/** The foreign (known, unreadable) format of a file by its extension, or undefined. */
export function foreignFormat(file: string): ForeignFormat | undefined {
  return Object.hasOwn(FOREIGN, path.extname(file).toLowerCase()) ? FOREIGN[path.extname(file).toLowerCase()] : undefined;
}

/** The error for a file in a foreign format: what it is and how to convert it, naming the file. */
export function foreignFormatError(file: string, format: ForeignFormat): DataFileError {
  return new DataFileError(msg.foreignFormat(file, path.extname(file), format.what, format.convert(file), DATA_EXTENSIONS));
}

/**
 * The error for a file in a foreign format, plain (`x.xlsx`) or compressed
 * (`x.xlsx.gz`: decompress it first, then convert), or undefined.
 */
export function foreignFileError(file: string): DataFileError | undefined {
  const format = foreignFormat(file);
  if (format) return foreignFormatError(file, format);
  const compression = compressionOf(file);
  const inner = innerName(file);
  const innerFormat = compression ? foreignFormat(inner) : undefined;
  if (!innerFormat) return undefined;
  const unpack = `${compression === "zstd" ? "zstd" : "gzip"} -dk ${path.basename(file)}`;
  return new DataFileError(msg.foreignFormat(file, path.extname(inner), innerFormat.what, `decompress it first (${unpack}), then ${innerFormat.convert(inner)}`, DATA_EXTENSIONS));
}

/** The format of a data file by its extension, or undefined; a compressed file's (`conn.log.gz`) by the extension inside. */
export function dataFormat(file: string): DataFormat | undefined {
  const ext = path.extname(innerName(file)).toLowerCase();
  return Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

/**
 * The form of a `.log` file by its first bytes: Zeek's ASCII log, an AWS VPC
 * flow log (its header line of field names, or records without it, which its
 * reader refuses saying so), JSON lines, one JSON array of
 * objects, or neither (an application's text log). An array needs `[{` or
 * `[]`: a text log's lines often start `[2026-11-01 …]`.
 */
export function logFormat(file: string): LogForm | undefined {
  try {
    const compression = compressionOf(file);
    if (compression) return logFormatOfHead(decompressedHead(file, compression, 1 << 16));
    const head = readHead(file, 4096);
    if (isZeekTsv(head)) return "zeek";
    // Records without their header line too: listed, so that reading them says what is missing (not "file not found").
    if (isVpcFlowLog(head) || isHeaderlessVpcFlowLog(head)) return "vpcflow";
    // Past any white space (and a byte-order mark): JSON after 256 blank bytes was taken for a text log.
    const start = firstNonSpace(file, 2);
    if (start.startsWith("{")) return "ndjson";
    if (start === "[{" || start === "[]") return "json";
    // Sysmon for Linux's syslog lines (`… sysmon: <Event><System>…`), after other programs' lines too: before plain syslog, which they also are.
    if (isSyslogEventXml(readHead(file, SYSLOG_HEAD_BYTES))) return "eventxml";
    return isSyslogText(head) ? "syslog" : undefined;
  } catch {
    return undefined;
  }
}

/** The forms of a `.log` file huntlab reads ({@link logFormat}); `syslog`: syslog lines (auth.log); `eventxml`: syslog lines of `<Event>` XML (Sysmon for Linux). */
export type LogForm = "zeek" | "vpcflow" | "ndjson" | "json" | "syslog" | "eventxml";
/** The first bytes of a `.log` looked through for a syslog line of `<Event>` XML (other programs' lines may come first). */
const SYSLOG_HEAD_BYTES = 1 << 16;

/** {@link logFormat} of a file's first bytes (a compressed file's, decompressed): JSON after more blank bytes than these is not found. */
function logFormatOfHead(bytes: Buffer): LogForm | undefined {
  const head = bytes.subarray(0, 4096).toString("utf8");
  if (isZeekTsv(head)) return "zeek";
  if (isVpcFlowLog(head) || isHeaderlessVpcFlowLog(head)) return "vpcflow";
  const start = bytes.toString("latin1").replace(/^\xEF\xBB\xBF/, "").replace(/[ \t\r\n]+/g, "").slice(0, 2);
  if (start.startsWith("{")) return "ndjson";
  if (start === "[{" || start === "[]") return "json";
  if (isSyslogEventXml(bytes.toString("utf8"))) return "eventxml";
  return isSyslogText(head) ? "syslog" : undefined;
}

/**
 * True when a `.txt` file is `wevtutil qe <log> /f:text` output ({@link isWevtutilText}), or with `tabDelimited` also
 * tab-delimited text ({@link isTabDelimitedHeader}: Event Viewer's, Excel's Text and Unicode Text): its first bytes as
 * UTF-8, or UTF-16 after its byte-order mark (PowerShell 5.1's `>`, Excel's Unicode Text), a compressed file's decompressed.
 */
export function isWevtutilTextFile(file: string, tabDelimited = false): boolean {
  try {
    const compression = compressionOf(file) ?? (isGzipMagic(headBytes(file, 2)) ? "gzip" : undefined);
    const bytes = compression ? decompressedHead(file, compression, 4096) : headBytes(file, 4096);
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined;
    const text = utf16 ? new TextDecoder(utf16).decode(bytes) : bytes.toString("utf8");
    return isWevtutilText(text) || (tabDelimited && isTabDelimitedHeader(text));
  } catch {
    return false;
  }
}

/** True when a file starts as an EVTX file (`ElfFile\0`); false when it cannot be read. */
export function isEvtxFile(file: string): boolean {
  try {
    return isEvtx(headBytes(file, 8));
  } catch {
    return false;
  }
}

/** A regular file (not a FIFO, whose open would wait for a writer), without throwing. */
function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The form of an `.xml` file huntlab reads, by its first bytes as UTF-8, or UTF-16 after its byte-order mark, a
 * compressed file's decompressed: `wevtutil qe <log> /f:xml` output ({@link isEventXml}), or syslog lines carrying
 * Sysmon's `<Event>` XML (an exported syslog saved as `.xml`: {@link isSyslogEventXml}, its first 64 KiB); else undefined.
 */
export function xmlForm(file: string): XmlForm | undefined {
  try {
    const compression = compressionOf(file) ?? (isGzipMagic(headBytes(file, 2)) ? "gzip" : undefined);
    const bytes = compression ? decompressedHead(file, compression, SYSLOG_HEAD_BYTES) : headBytes(file, SYSLOG_HEAD_BYTES);
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined;
    const text = utf16 ? new TextDecoder(utf16).decode(bytes) : bytes.toString("utf8");
    if (isEventXml(text.slice(0, 4096))) return "events";
    return isSyslogEventXml(text) ? "syslog" : undefined;
  } catch {
    return undefined;
  }
}

/** The forms of an `.xml` file huntlab reads ({@link xmlForm}). */
export type XmlForm = "events" | "syslog";

/** Options of `readDataFile`. */
export interface ReadOptions {
  /** Parse time-like text columns of CSV/JSON files (default true). */
  parseTimes?: boolean;
  /** Rows of a CSV file used to infer column types (default 10,000). */
  inferSchemaLength?: number;
  /**
   * Read slash dates day first (`05/06/2026 15:00:00` is 5 June), as day-first cultures (en-GB, fr-FR…) export
   * them. Default false: month first, as en-US writes them; a column whose days and months are all 12 or less
   * is then read month first with a warning (a plain Get-WinEvent export's 24-hour `TimeCreated` is kept as text).
   */
  dayFirst?: boolean;
  /**
   * Largest decompressed size of a compressed file (`.gz`, `.zst`, or gzip by its first bytes), in bytes
   * (default 8 GiB): past it the read stops with a `data/decompressed-too-large` error (a gzip bomb). The
   * decompressed file is written to the system's temporary folder (os.tmpdir()) while it is read, so it
   * needs that much free disk, and is removed after (also on an error or an interrupt).
   */
  maxDecompressedBytes?: number;
  /**
   * Folder of the private temporary copies a read may write (default: the system's temporary folder, os.tmpdir(),
   * which the TMPDIR environment variable sets): a compressed file's decompressed copy, a CSV rewritten as polars can
   * read it (stray quotes, repeated or extra header names), a JSON-lines file without its cut last line. A folder with
   * less free space than a compressed file, or one that fills during a copy, is a `data/temp-space` error naming it
   * (the partial copy removed).
   */
  tempFolder?: string;
  /**
   * The year of the newest time in a column of times written without one (BSD syslog's `Dec  7 08:15:00`, as
   * /var/log/auth.log and syslog CSV exports write them); older rows take a year less at each turn of the year
   * (December before January). Default: the latest year that puts the newest time no later than the file's
   * modification time (a day's slack), said in a warning naming the column and the years.
   */
  year?: number;
  /** When the file was written by, for `year`'s default. Default: its modification time. */
  writtenBy?: Date;
  /** Told when a read skips or guesses something (a Zeek JSON log's cut last line, slash dates read month first). Default: printed as `Warning: …`. */
  warn?: (message: string) => void;
}

/** Reads a whole data file into a DataFrame. Errors name the file and what failed. */
export function readDataFile(file: string, options: ReadOptions = {}): pl.DataFrame {
  return runSync(readDataFileSteps(file, options));
}

/**
 * The read of a whole data file, as steps that `runSync` or `runAsync`
 * (collect.ts) collects. CSV and NDJSON (and Zeek JSON) files are read by
 * polars scans, collected asynchronously by `runAsync`; JSON arrays, Zeek
 * ASCII logs, Arrow IPC streams and the time parsing of JSON formats are
 * eager polars calls (synchronous in either case).
 */
export function* readDataFileSteps(file: string, options: ReadOptions = {}): ReadSteps<pl.DataFrame> {
  // The year of year-less times goes by when the file was last written (a compressed file's: not its copy's).
  if (options.writtenBy === undefined && options.year === undefined) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file, { throwIfNoEntry: false });
    } catch {
      // A link loop, no permission: checkDataFile below says so, naming the file.
    }
    if (stat) options = { ...options, writtenBy: stat.mtime };
  }
  const compression = compressionOf(file);
  if (compression) {
    checkDataFile(file);
    // What the inner extension is decides before anything is decompressed (an Excel workbook of 1 GiB, gzipped, was written out whole to be refused).
    const inner = innerName(file);
    const foreignError = foreignFileError(file);
    if (foreignError) throw foreignError;
    if (!dataFormat(file)) throw new DataFileError(msg.unsupportedFormat(file, `${path.extname(inner)}${path.extname(file)}`, DATA_EXTENSIONS));
    return yield* readCompressedSteps(file, compression, inner, options);
  }
  // An EVTX file by its first bytes, whatever its name (a triage tool's `Security`, a `.log`); else by its extension.
  const format = isRegularFile(file) && isEvtxFile(file) ? "evtx" : dataFormat(file);
  const foreign = format === "evtx" ? undefined : foreignFormat(file);
  if (foreign) {
    checkDataFile(file);
    throw foreignFormatError(file, foreign);
  }
  if (!format) {
    throw new DataFileError(msg.unsupportedFormat(file, path.extname(file), DATA_EXTENSIONS));
  }
  checkDataFile(file);
  // Gzip under a plain name (an S3 object stored with Content-Encoding: gzip, a `.log` rotated in place).
  // Not in a file decompressed here: a gzip quine (one decompressing to itself) would be read forever.
  if (!decompressed.has(file) && isGzipMagic(headBytes(file, 2))) return yield* readCompressedSteps(file, "gzip", path.basename(file), options);
  const encoding = TEXT_FORMATS.has(format) ? utf16Encoding(file) : undefined;
  // PowerShell 5's `>` and Out-File write UTF-16, which polars would read as UTF-8 (every other byte a NUL): read as a UTF-8 copy.
  if (encoding) return yield* readUtf16Steps(file, format, encoding, options);
  let df: pl.DataFrame;
  // Tab-delimited text (Event Viewer's "Text (Tab delimited)", Excel's "Text" and "Unicode Text") is read as a .tsv.
  const read = format === "txt" && isTabDelimitedHeader(readHead(file, 4096)) ? "csv" : format;
  try {
    df = yield* readByFormat(file, read, options);
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    // JSON lines only: a JSON array spans lines, and a Zeek ASCII log is no JSON at all.
    const logForm = format === "log" ? logFormat(file) : undefined;
    const jsonArray = (format === "json" && firstNonSpace(file) === "[") || logForm === "json";
    const jsonLines = format === "ndjson" || (format === "json" && !jsonArray) || logForm === "ndjson";
    // An integer wider than Int128 fails polars' whole read: read again with such numbers as text.
    // (A `.json` record written over several lines is read whole, as its first read did.)
    const wide =
      (jsonLines || jsonArray) && /InvalidNumber/.test(errorLine(err))
        ? (wideIntegersAsText(file, jsonLines, options) ?? (format === "json" && jsonLines ? wideIntegersAsText(file, false, options) : undefined))
        : undefined;
    // Objects where other records have plain values (`ConvertTo-Json -Depth 3`'s SIDs in Properties): polars refused the whole file.
    const mixed = !wide && (jsonLines || jsonArray) ? mixedAsPlain(file, jsonLines, options) : undefined;
    if (wide) df = wide;
    else if (mixed) df = mixed;
    else {
      // Not UTF-8 (a Windows code page's `é`): polars names no line (or "line 0"); the first such byte is found.
      const nonUtf8 = TEXT_FORMATS.has(format) && /utf-?8/i.test(errorLine(err)) ? firstNonUtf8(file) : undefined;
      if (nonUtf8) throw new DataFileError(msg.fileInvalid(file, format, nonUtf8Detail(nonUtf8, file, format)));
      const bad = jsonLines ? firstBadJsonLine(file) : undefined;
      // One JSON document written over several lines (a pretty-printed record or array) in a JSON-lines file
      // (`.ndjson`, `.jsonl`, a `.log`): read as a `.json` file holding it is (its first line is no JSON).
      const multiline = bad !== undefined && opensMultilineJson(file);
      const document = multiline && format !== "json" ? jsonDocument(file, format, options) : undefined;
      if (document) df = document;
      else {
        // (An array cut while written or copied, wherever it is cut, was said by readJsonArray.)
        const pretty = multiline ? PRETTY_JSON_HINT : "";
        const detail = bad ? `line ${bad.line} is not JSON (${bad.error})${pretty}: ${errorLine(err)}` : errorLine(err);
        throw new DataFileError(msg.fileInvalid(file, format, detail));
      }
    }
  }
  // Integers beyond Int64 (read as Int128 from CSV and JSON) as text: JavaScript cannot read that type.
  df = wideIntsAsText(df);
  // A search API's saved response (Carbon Black's `{"results": [...], "num_found": …}`): its records as the rows, a partial one said.
  if (read === "json") {
    const response = unwrapApiResponse(df);
    if (response) {
      df = wideIntsAsText(response.df);
      if (response.partial) (options.warn ?? printWarning)(dataWarnings.apiResponsePartial(file, response.api, frameHeight(df), response.records, response.partial));
    }
  }
  // Elasticsearch hits saved one per record (elasticdump, `jq '.hits.hits[]'`): their `_source` fields as the columns.
  if (read === "json" || read === "ndjson") {
    const hits = unwrapSearchHits(df);
    if (hits) df = wideIntsAsText(hits);
  }
  if ((read === "ndjson" || read === "json" || read === "log" || read === "txt") && options.parseTimes !== false) {
    const text = df;
    const parsed = parseTimeColumns(df, { dayFirst: options.dayFirst, year: options.year, writtenBy: options.writtenBy });
    df = parsed.frame;
    if (!options.dayFirst) {
      // Slash dates that only read day first (`13/06/2026`): day first, as the values prove (they stayed text).
      const proven = new Map<string, pl.Series>();
      for (const r of parsed.report) {
        const read = r.parsed ? undefined : provenDayFirst(columnOf(df, r.column));
        if (read) proven.set(r.column, read.series);
      }
      if (proven.size) df = replaceColumns(df, proven);
    }
    const warn = options.warn ?? printWarning;
    for (const r of parsed.report) {
      // Times with and without an offset in one column: those without were taken as UTC, said.
      if (r.mixedZones) warn(dataWarnings.mixedTimeZones(file, r.column, r.mixedZones.zoned, r.mixedZones.naive));
      if (r.unreadZones) warn(unreadZonesWarning(file, r.column, r.unreadZones));
      if (r.yearsAssumed) warn(dataWarnings.yearsAssumed(file, r.column, r.yearsAssumed));
    }
    for (const r of options.dayFirst ? [] : parsed.report) {
      if (!r.ambiguousSlashDates) continue;
      if (r.column === "TimeCreated" && isWinEventExport(columnNames(text))) {
        // A plain Get-WinEvent export's TimeCreated, as the CSV reader reads it: AM/PM is en-US, month first without a
        // word; a 24-hour clock's culture is unknown, so the text is kept (it was read month first: en-GB's 5 June as 6 May).
        if (slashDates(columnOf(text, r.column))?.twelveHour) continue;
        df = replaceColumns(df, new Map([[r.column, columnOf(text, r.column)]]));
        warn(dataWarnings.winEventSlashDates(file, r.column));
      } else warn(dataWarnings.slashDatesMonthFirst(file, r.column));
    }
  }
  // A Get-WinEvent export's TimeCreated still text after the time parsing: its slash dates were warned about (if it
  // holds any), and winEventFields (buildProcessTree) does not warn again on this frame.
  const parsedTimes = options.parseTimes !== false && !options.dayFirst && TEXT_FORMATS.has(read);
  if (parsedTimes && hasColumn(df, "TimeCreated") && isTextType(columnOf(df, "TimeCreated").dtype) && isWinEventExport(columnNames(df))) markTimeCreatedWarned(df);
  return df;
}

/**
 * A compressed file, decompressed (streaming, capped: compressed.ts) into a
 * private temporary folder as `inner` (its name without `.gz`, whose extension
 * decides the format), read there by the plain readers, and removed after,
 * also on an error or an interrupt. Errors and warnings name `file`, not the copy.
 */
function* readCompressedSteps(file: string, compression: Compression, inner: string, options: ReadOptions): ReadSteps<pl.DataFrame> {
  const unsupported = unsupportedCompression(file, compression);
  if (unsupported) throw unsupported;
  const cap = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const folder = copyFolder(options.tempFolder);
  checkTempSpace(file, folder);
  const dir = makeCopyFolder(file, folder, "huntlab-", "decompressed");
  const copy = path.join(dir, inner);
  decompressed.set(copy, { file, compression });
  try {
    yield decompressStep(file, copy, compression, cap, folder);
    return yield* readCopySteps(copy, file, options);
  } finally {
    decompressed.delete(copy);
    removeCopy(dir);
  }
}

/** A UTF-16 text file (by its byte-order mark), read as its UTF-8 copy in a temporary folder; messages name the file. */
function* readUtf16Steps(file: string, format: DataFormat, encoding: Utf16Encoding, options: ReadOptions): ReadSteps<pl.DataFrame> {
  const dir = makeCopyFolder(file, copyFolder(options.tempFolder), "huntlab-", "rewritten");
  const copy = path.join(dir, path.basename(file));
  try {
    const problem = transcodeUtf16(file, copy, encoding);
    if (problem) throw new DataFileError(msg.fileInvalid(file, format, `${problem}: save it as UTF-8 (PowerShell: Export-Csv or Out-File with -Encoding utf8)`));
    return yield* readCopySteps(copy, file, options);
  } finally {
    removeCopy(dir);
  }
}

/** Reads `copy`, a temporary copy of `file`, with every warning and error naming `file` (the user's), not the copy. */
function* readCopySteps(copy: string, file: string, options: ReadOptions): ReadSteps<pl.DataFrame> {
  const named = (text: string) => text.split(copy).join(file);
  const warn = options.warn ?? printWarning;
  try {
    return yield* readDataFileSteps(copy, { ...options, warn: (m) => warn(named(m)) });
  } catch (err) {
    if (err instanceof Error) err.message = named(err.message);
    throw err;
  }
}

/** Temporary copies' folders that could not be removed when read, removed when the process exits (one listener for all). */
const leftCopies = new Set<string>();
let removingLeftCopies = false;

/** Removes the folders of `leftCopies`; the process's "exit" listener, registered with the first such folder. */
function removeLeftCopies(): void {
  for (const dir of leftCopies) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left to the system's cleaning of its temporary folder.
    }
  }
  leftCopies.clear();
}

/**
 * Removes a temporary copy's folder. A copy still open elsewhere (polars' read
 * abandoned on an interrupt, on Windows) cannot be removed now: it is removed
 * when the process exits, and its failure never replaces the read's own error.
 * One "exit" listener serves every such folder: a listener each reached Node's
 * MaxListenersExceededWarning after ten failures in a long session.
 */
function removeCopy(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    leftCopies.add(dir);
    if (!removingLeftCopies) process.on("exit", removeLeftCopies);
    removingLeftCopies = true;
  }
}

/** The temporary copies of compressed files being read, with their compressed file and its compression (a copy's own gzip bytes are not decompressed again). */
const decompressed = new Map<string, { file: string; compression: Compression }>();

/**
 * The file is there and is a regular file: a folder was a bare EISDIR, and a
 * named pipe (FIFO) blocked the kernel in open(2) until a writer came; a
 * broken symbolic link names its target.
 */
export function checkDataFile(file: string, where = "readDataFile"): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const link = fs.lstatSync(file, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) throw new DataFileError(msg.fileUnreadable(where, file, linkTarget(file), code));
    if (!link) throw new DataFileError(msg.fileMissing(file));
    throw new DataFileError(msg.fileUnreadable(where, file, undefined, code));
  }
  const kind = fileKind(stat);
  if (kind) throw new DataFileError(msg.fileUnreadable(where, file, undefined, kind));
}

/** Largest JSON file read again in memory (integers wider than Int128, objects among plain values); larger ones keep polars' error. */
const MAX_JSON_REREAD = 512 * 1024 * 1024;

/**
 * A JSON or JSON-lines file polars refused for an integer wider than Int128,
 * read again with such integers as text (their columns then text, every digit
 * kept, as for integers beyond Int64), with a warning naming the file and the
 * first line. Undefined when that is not the cause or the file is too large.
 */
function wideIntegersAsText(file: string, lines: boolean, options: ReadOptions): pl.DataFrame | undefined {
  return rereadJson(file, lines, quoteWideIntegers, (quoted) => (options.warn ?? printWarning)(dataWarnings.wideIntegers(file, quoted.count, quoted.firstLine)));
}

/**
 * The JSON file read again with its objects that stand among plain values made plain ({@link plainMixedJson}),
 * with a warning naming the file; undefined when that is not what failed (or the file is past the re-read cap).
 */
function mixedAsPlain(file: string, lines: boolean, options: ReadOptions): pl.DataFrame | undefined {
  const plainText = (text: string) => {
    try {
      return plainMixedJson(text, lines);
    } catch (err) {
      // Nesting deeper than the stack (a hostile file): polars' own error for the file.
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  };
  return rereadJson(file, lines, plainText, (plain) => (options.warn ?? printWarning)(dataWarnings.mixedJsonObjects(file, plain.count, plain.firstPath)));
}

/**
 * A JSON file polars refused, read again as `rewrite` writes its text (undefined: not what failed), with `said`
 * told what was rewritten; undefined when the file is past the re-read cap or polars refuses the new text too.
 */
function rereadJson<T extends { text: string }>(file: string, lines: boolean, rewrite: (text: string) => T | undefined, said: (found: T) => void): pl.DataFrame | undefined {
  if (fs.statSync(file).size > MAX_JSON_REREAD) return undefined;
  const found = rewrite(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  if (!found) return undefined;
  let df: pl.DataFrame;
  try {
    df = pl.readJSON(Buffer.from(found.text), { format: lines ? "lines" : "json", inferSchemaLength: null });
  } catch {
    // Something else is wrong too: polars' own error for the file.
    return undefined;
  }
  said(found);
  return df;
}

/** Formats read as text, which a UTF-16 byte-order mark makes UTF-16 (read through a UTF-8 copy). */
const TEXT_FORMATS: ReadonlySet<DataFormat> = new Set(["csv", "ndjson", "json", "log", "txt", "xml"]);

/** `UTF-16LE`/`UTF-16BE` when the file starts with that byte-order mark. */
function utf16Encoding(file: string): Utf16Encoding | undefined {
  const bom = headBytes(file, 2);
  if (bom.length < 2) return undefined;
  return bom[0] === 0xff && bom[1] === 0xfe ? "UTF-16LE" : bom[0] === 0xfe && bom[1] === 0xff ? "UTF-16BE" : undefined;
}

/** Whether the file starts with a UTF-8 byte-order mark (which polars' JSON readers reject). */
function hasUtf8Bom(file: string): boolean {
  const head = headBytes(file, 3);
  return head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** Where a file stops being UTF-8: the 1-based line and the first byte of the first sequence that is not UTF-8. */
export interface NonUtf8 {
  line: number;
  byte: number;
}

/**
 * The error detail for a file that is not UTF-8: where, and how to convert it.
 * The advice fits the format: a CSV is most often Excel's, a JSON or Zeek log
 * comes from a tool or script (Zeek itself writes such bytes as `\xNN`).
 */
const nonUtf8Detail = ({ line, byte }: NonUtf8, file: string, format: DataFormat): string =>
  `not UTF-8 text: line ${line} has the byte 0x${byte.toString(16).toUpperCase().padStart(2, "0")} ` +
  (format === "csv"
    ? `(text in a Windows code page, as Excel's "CSV (Comma delimited)" writes é, ü, ß…): save the file as UTF-8 (Excel: "CSV UTF-8"; PowerShell: -Encoding utf8)`
    : `(text in another encoding, such as a Windows code page, or raw bytes${format === "log" ? " a tool wrote where Zeek writes \\xNN" : ""}): save the file as UTF-8, e.g. ${iconvCommand(file)}`);

/** The command that converts `file` from Windows-1252 to UTF-8; for a decompressed copy, from its compressed file. */
function iconvCommand(file: string): string {
  const name = path.basename(file);
  const source = decompressed.get(file);
  if (!source) return `iconv -f windows-1252 -t utf-8 ${name} > utf8-${name}`;
  const unpack = source.compression === "zstd" ? "zstd -dc" : "gzip -dc";
  return `${unpack} ${path.basename(source.file)} | iconv -f windows-1252 -t utf-8 > utf8-${name}`;
}

/**
 * The first sequence of a file that is not UTF-8, read in 1 MiB blocks (a
 * lead byte without its continuation bytes, or a stray continuation byte);
 * for the error of a file polars rejected as not UTF-8. Undefined when none
 * is found (overlong forms, surrogates: polars' message is kept then).
 */
export function firstNonUtf8(file: string): NonUtf8 | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const block = Buffer.alloc(1 << 20);
    let line = 1;
    // Continuation bytes the current sequence still needs, its lead byte and the lead's line.
    let need = 0;
    let lead = 0;
    let leadLine = 1;
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, block, 0, block.length, pos);
      if (n === 0) return need > 0 ? { line: leadLine, byte: lead } : undefined;
      pos += n;
      for (let i = 0; i < n; i += 1) {
        const b = block[i];
        if (need > 0) {
          if ((b & 0xc0) === 0x80) {
            need -= 1;
            continue;
          }
          return { line: leadLine, byte: lead };
        }
        if (b === 0x0a) line += 1;
        if (b < 0x80) continue;
        need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
        if (need < 0) return { line, byte: b };
        lead = b;
        leadLine = line;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The first line of a JSON-lines file that is not JSON (1-based), read in
 * 1 MiB blocks: for the error of a file polars could not read, whose own
 * message gives a position inside a line. Undefined when every line parses.
 */
export function firstBadJsonLine(file: string): { line: number; error: string } | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const block = Buffer.alloc(1 << 20);
    const decoder = new TextDecoder("utf-8");
    // The line being read, in pieces: joined once its end is read. (The text so far was joined and split again at
    // each block: a 32 MB line took 4.6 s of CPU, 16 MB 1.3 s.)
    let pending: string[] = [];
    let line = 0;
    const check = (text: string): { line: number; error: string } | undefined => {
      line += 1;
      const trimmed = line === 1 ? text.replace(/^\uFEFF/, "").trim() : text.trim();
      if (!trimmed) return undefined;
      try {
        JSON.parse(trimmed);
        return undefined;
      } catch (err) {
        return { line, error: (err as Error).message.split("\n")[0] };
      }
    };
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, block, 0, block.length, pos);
      pos += n;
      const lines = decoder.decode(block.subarray(0, n), { stream: n > 0 }).split("\n");
      if (n > 0 && lines.length === 1) {
        pending.push(lines[0]);
        continue;
      }
      lines[0] = pending.join("") + lines[0];
      pending = n > 0 ? [lines.pop() ?? ""] : [];
      for (const l of lines) {
        const bad = check(l);
        if (bad) return bad;
      }
      if (n === 0) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Whether a JSON, NDJSON or CSV file holds nothing but white space (an export of a
 * search with no hits): no rows, as `[]` reads; polars fails it ("cannot
 * infer NDJSON types on empty reader", "no data: empty CSV").
 */
function blankText(file: string): boolean {
  return fs.statSync(file).size <= 1 << 16 && fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "").trim() === "";
}

/**
 * True when a `.txt` file's first line is a tab-delimited header and its second line (if any) holds a tab too:
 * Event Viewer's "Text (Tab delimited)" (`Level\tDate and Time\tSource\tEvent ID…`), Excel's "Text (Tab delimited)"
 * and "Unicode Text" (UTF-16, transcoded before this). wevtutil's text output has no tab on its first line.
 */
function isTabDelimitedHeader(head: string): boolean {
  const [first, second] = head.replace(/^\uFEFF/, "").split(/\r?\n/, 2);
  return first.includes("\t") && (second === undefined || second === "" || second.includes("\t"));
}

/** An Event Viewer export ({@link isEventViewerExport}) in a Get-WinEvent export's columns, said when it names no host; other frames unchanged. */
function fromEventViewer(file: string, df: pl.DataFrame, options: ReadOptions): pl.DataFrame {
  if (!isEventViewerExport(columnNames(df))) return df;
  const read = eventViewerFrame(df);
  if (read.noComputer && frameHeight(read.df)) (options.warn ?? printWarning)(dataWarnings.eventViewerNoComputer(file, EVTX_DOCS));
  return read.df;
}

function* readByFormat(file: string, format: DataFormat, options: ReadOptions): ReadSteps<pl.DataFrame> {
  switch (format) {
    case "csv":
      // An empty export (`@() | Export-Csv` writes nothing; a search with no hits): no rows, as an empty JSON file.
      if (blankText(file)) return pl.DataFrame();
      // Times are parsed in the same read (csv.ts).
      return fromEventViewer(
        file,
        yield* readCsvSteps(file, {
          inferSchemaLength: options.inferSchemaLength ?? 10_000,
          // `.csv`: the separator is sniffed from the header (`;` exports are common); `.txt` is tab-delimited text.
          sep: [".tsv", ".txt"].includes(path.extname(file).toLowerCase()) ? "\t" : undefined,
          parseTimes: options.parseTimes,
          dayFirst: options.dayFirst,
          year: options.year,
          writtenBy: options.writtenBy,
          warn: options.warn,
          tempFolder: options.tempFolder,
        }),
        options,
      );
    case "ndjson":
      if (blankText(file)) return pl.DataFrame();
      // Splunk's JSON export (`{"preview":false,"result":{…}}` lines): the results as rows, typed as a live answer.
      if (isSplunkExportFile(file)) return readSplunkExport(file, options.warn);
      // `journalctl -t sysmon -o json`: Sysmon for Linux's events in the entries' MESSAGE.
      if (isJournalEventJsonFile(file)) return yield* readSysmonLines(file, options, true);
      // As a JSON-lines log: an export cut while it was downloaded or copied loses its cut last line only, said.
      return yield* readJsonLog(file, options, format);
    case "json": {
      if (blankText(file)) return pl.DataFrame();
      // A `.json` file may hold an array of records or (as many exports do) one record per line.
      // Types from every record, as for NDJSON: exports add fields and change types after the first records.
      const bom = hasUtf8Bom(file);
      const bytes = (): Buffer => (bom ? fs.readFileSync(file).subarray(3) : fs.readFileSync(file));
      const first = firstNonSpace(file);
      if (first === "[") return readJsonArray(file, options, format);
      if (first === "{" && isSplunkExportFile(file)) return readSplunkExport(file, options.warn);
      if (first === "{" && isJournalEventJsonFile(file)) return yield* readSysmonLines(file, options, true);
      // polars' own message for `42` spoke of NDJSON lines and an `i64`.
      if (first !== "{") throw new DataFileError(msg.fileInvalid(file, format, `the file holds ${jsonValueKind(first)}, not records: JSON data is an array of objects or one object per line`));
      // The lines' warnings held until they read: a record written over several lines is no lines with some cut.
      const held: string[] = [];
      try {
        const winning = lastKeysWinning(file, format, { ...options, warn: (m) => held.push(m) });
        for (const m of held) (options.warn ?? printWarning)(m);
        if (winning) return winning;
        if (bom) return pl.readJSON(bytes(), { format: "lines", inferSchemaLength: null });
        return yield pl.scanJson(file, { inferSchemaLength: null });
      } catch (err) {
        // Refused before polars read it (nested too deeply): not handed to polars' reader again.
        if (err instanceof DataFileError) throw err;
        // One record written over several lines (pretty-printed): one row. Else the lines' error.
        try {
          return readJsonRecord(file, bytes(), options);
        } catch (whole) {
          // An integer wider than Int128 in that one record: its error, on which the caller reads it again with such
          // numbers as text. One nested too deep: its refusal (the lines' error came from its lines cut).
          throw whole instanceof DataFileError || /InvalidNumber/.test(errorLine(whole)) ? whole : err;
        }
      }
    }
    case "log": {
      const form = logFormat(file);
      if (form === "zeek") return yield* readZeekTsvFileSteps(file);
      if (form === "vpcflow") return yield* readVpcFlowLogFileSteps(file);
      // `journalctl -o json` of Sysmon for Linux: its entries' events, not JSON lines of journal fields.
      if (form === "ndjson" && isJournalEventJsonFile(file)) return yield* readSysmonLines(file, options, true);
      if (form === "ndjson") return zeekJsonTimes(yield* readJsonLog(file, options));
      if (form === "json") return zeekJsonTimes(readJsonArray(file, options, format));
      if (form === "eventxml") return yield* readSysmonLines(file, options, false);
      // A raw syslog file (auth.log): one row per line, its time parsed below as the readers parse times.
      if (form === "syslog") return readSyslogFile(file, options.warn);
      throw new DataFileError(msg.fileInvalid(file, "log", "neither a Zeek ASCII log (no #separator header), an AWS VPC flow log (no header line of field names), JSON lines (or an array of objects), syslog lines (RFC 3164 `Dec  7 08:15:00 host sshd[42]: …`, RFC 3339 or RFC 5424) nor syslog lines of <Event> XML (Sysmon for Linux)"));
    }
    case "evtx": {
      const reader = new EvtxFileReader(file, (detail) => new DataFileError(msg.fileInvalid(file, format, detail)));
      let read: ReturnType<EvtxFileReader["result"]>;
      let df: pl.DataFrame;
      try {
        yield readInTurns(reader, 64);
        read = reader.result();
        df = reader.frame();
      } finally {
        reader.close();
      }
      const warn = options.warn ?? printWarning;
      const { records, chunks, bytes, first } = read.lost;
      if (records || chunks || bytes) warn(dataWarnings.evtxLost(file, records, chunks, bytes, first ?? ""));
      if (read.badChecksums.chunks) warn(dataWarnings.evtxChecksums(file, read.badChecksums.chunks, read.badChecksums.first ?? 0));
      return df;
    }
    case "xml": {
      const form = xmlForm(file);
      if (!form) throw new DataFileError(msg.fileInvalid(file, format, "not wevtutil's XML output (it does not start with <Event) nor syslog lines of <Event> XML (Sysmon for Linux): an .xml is read only as `wevtutil qe <log> /f:xml` writes it, or as syslog lines each carrying an <Event> with its <System>"));
      // An exported syslog of Sysmon for Linux saved as .xml: its lines, as a .log's (the content decides, not the extension).
      if (form === "syslog") return yield* readSysmonLines(file, options, false);
      // The same record → row path as an .evtx file's (evtx.ts), from the XML's elements, read in blocks: any size.
      const reader = new EventXmlFileReader(file);
      const df = yield* framesInTurns(reader, 4);
      if (reader.malformed) (options.warn ?? printWarning)(dataWarnings.eventXmlMalformed(file, reader.malformed));
      return df;
    }
    case "txt": {
      if (!isWevtutilTextFile(file)) throw new DataFileError(msg.fileInvalid(file, format, "not wevtutil's text output (its first lines are not Event[0]: and   Log Name: …) nor tab-delimited text (its first line has no tab): a .txt is read only as `wevtutil qe <log> /f:text` writes it, or as tab-delimited text (Event Viewer's \"Save All Events As… Text (Tab delimited)\", Excel's \"Text (Tab delimited)\" or \"Unicode Text\")"));
      // One pass over the lines (wevtutilText.ts), into a Get-WinEvent export's columns: winEventFields reads it next.
      const read = readWevtutilText(fileLines(file));
      const warn = options.warn ?? printWarning;
      const { count, firstEvent, firstLine } = read.malformed;
      if (count) warn(dataWarnings.wevtutilMalformed(file, count, firstEvent ?? 0, firstLine ?? 0));
      if (read.cut) warn(dataWarnings.wevtutilDescriptionCut(file, read.cut, MAX_DESCRIPTION_CHARS));
      return read.df;
    }
    // Typed formats synchronously, a time zone polars cannot hold (+05:30) made UTC (offsetZones.ts).
    case "parquet": {
      // Columns nested deeper than MAX_PARQUET_DEPTH are left out before polars reads the file (its reader's time
      // grows with the cube of the depth), with a warning naming them; every column so deep: refused.
      const depths = parquetColumnDepths(file);
      const { deep, kept } = depths ? deepColumns(depths) : { deep: [], kept: [] };
      if (!depths || !deep.length) return readTypedFrame(() => pl.readParquet(file), file, format, options.warn ?? printWarning);
      if (!kept.length) throw new DataFileError(msg.fileInvalid(file, format, allTooDeep(deep)));
      (options.warn ?? printWarning)(dataWarnings.parquetColumnsTooDeep(file, deep, MAX_PARQUET_DEPTH));
      return readTypedFrame(() => pl.readParquet(file, { columns: kept.map((k) => depths.names[k]) }), file, format, options.warn ?? printWarning);
    }
    case "ipc": {
      // Arrow IPC files start with the "ARROW1" magic; anything else is read as an IPC stream.
      // (readIPC on a path is broken in nodejs-polars 0.26; the lazy scan is not.)
      // As for Parquet, columns nested deeper than MAX_IPC_DEPTH are left out first (ipcDepth.ts reads the schema).
      const depths = ipcColumnDepths(file);
      if (depths?.shared) throw new DataFileError(msg.fileInvalid(file, format, "its schema lists more fields than its bytes can hold (fields shared by several parents, which no Arrow writer makes: a broken or hostile file); nothing was read"));
      const { deep, kept } = depths ? deepColumns(depths, MAX_IPC_DEPTH) : { deep: [], kept: [] };
      if (deep.length && !kept.length) throw new DataFileError(msg.fileInvalid(file, format, allTooDeep(deep, MAX_IPC_DEPTH)));
      if (deep.length) (options.warn ?? printWarning)(dataWarnings.parquetColumnsTooDeep(file, deep, MAX_IPC_DEPTH));
      // The file form's columns by position (pl.col would read a name such as `^a.*$` as a pattern); the stream's by name, as written.
      const read =
        readHead(file, 6) === "ARROW1"
          ? () => (deep.length ? pl.scanIPC(file).select(...kept.map((k) => pl.nth(k))) : pl.scanIPC(file)).collectSync()
          : () => pl.readIPCStream(fs.readFileSync(file), deep.length ? { columns: kept.map((k) => depths!.names[k]) } : {});
      return readTypedFrame(read, file, format, options.warn ?? printWarning);
    }
  }
}

/**
 * A file holding one JSON array of records, by polars' JSON reader (no
 * JavaScript per record), types from every record as for JSON lines. A
 * byte-order mark stops polars at the first byte: the text after it is read.
 */
function readJsonArray(file: string, options: ReadOptions, format: DataFormat): pl.DataFrame {
  const original = fs.readFileSync(file);
  let bytes: Buffer = original;
  const from = hasUtf8Bom(file) ? 3 : 0;
  // Records repeating a key: the last of each wins, as JSON.parse and Python's json read them (polars kept the first).
  // Records nested too deep are cut (polars' reader would crash or hang on them), the others read; all of them: refused.
  const found = findDuplicateKeys(bytes, from, bytes.length, 1);
  // Errors name the format the file was read as (a `.log` holding an array is a LOG, not "JSON").
  if (found.tooDeep !== undefined) throw tooDeepError(file, format, found.tooDeep);
  const cuts = found.deepRecords ?? [];
  if (found.records.length || cuts.length) bytes = withLastKeysWinning(bytes, found.records, cuts);
  const warn = options.warn ?? printWarning;
  if (cuts.length) warn(dataWarnings.jsonRecordsTooDeep(file, found.deepCount ?? cuts.length, lineAt(file, original.indexOf(0x7b, cuts[0][0])), MAX_JSON_DEPTH));
  if (found.records.length) warn(dataWarnings.jsonRepeatedKeys(file, found.records.length, found.keys));
  try {
    return pl.readJSON(bytes.subarray(from), { format: "json", inferSchemaLength: null });
  } catch (err) {
    return refusedJsonArray(file, format, original, bytes.subarray(from), from, err, warn);
  }
}

/**
 * An array of records polars refused (`text`: as it was handed to polars; `original`: the file's bytes, BOM at
 * `from`). Cut while written or copied (it ends inside the array, wherever): an error saying so, with the records
 * complete before the cut. Plain values among the records (`[{"a": 1}, 3]`): left out with a warning naming the first
 * (its index and line), the records read, as one bad line of JSON lines is; none of them a record: an error. Else
 * (or when polars refuses the records too) polars' own error, for the caller's other re-reads.
 */
function refusedJsonArray(file: string, format: DataFormat, original: Buffer, text: Buffer, from: number, err: unknown, warn: (message: string) => void): pl.DataFrame {
  const shape = scanJsonArray(original, from);
  if (!shape.closed) {
    throw new DataFileError(
      msg.fileInvalid(file, format, `the JSON array is not closed, the file ends inside it (cut while written or copied?); ${shape.records} record(s) before the cut are complete: copy the file again once it is written whole (${errorLine(err)})`),
    );
  }
  const first = shape.firstNonRecord;
  if (!first) throw err;
  const where = `element ${first.index} (counted from 0) on line ${lineAt(file, first.offset)}`;
  if (!shape.records) throw new DataFileError(msg.fileInvalid(file, format, `the array holds no records (objects): its ${where} is ${jsonValueKind(first.first)}: JSON data is an array of objects or one object per line`));
  const kept = scanJsonArray(text, 0, { recordsOnly: true }).recordsOnly;
  if (!kept) throw err;
  let df: pl.DataFrame;
  try {
    df = pl.readJSON(kept, { format: "json", inferSchemaLength: null });
  } catch (records) {
    // Integers wider than Int128 in the records: read as text, as in an array of records only (quoteWideIntegers).
    const wide = /InvalidNumber/.test(errorLine(records)) ? quoteWideIntegers(kept.toString("utf8")) : undefined;
    let read: pl.DataFrame | undefined;
    try {
      read = wide && wideIntsAsText(pl.readJSON(Buffer.from(wide.text), { format: "json", inferSchemaLength: null }));
    } catch {
      read = undefined;
    }
    // Something else is wrong too: polars' error for the file as it is.
    if (!wide || !read) throw err;
    // The line of the first in the file: the records' copy lost the text between them.
    warn(dataWarnings.wideIntegers(file, wide.count, quoteWideIntegers(text.toString("utf8"))?.firstLine ?? 1));
    df = read;
  }
  warn(dataWarnings.jsonArrayNonRecords(file, shape.nonRecords, where, jsonValueKind(first.first)));
  return df;
}

/** Said when a JSON-lines file's first line opens a record or array it does not close and the file is no one JSON document. */
const PRETTY_JSON_HINT =
  "; JSON written over several lines (pretty-printed) is read as one document only (one record, or one array of records); several documents one after another need one record per line (`jq -c .` writes them so)";

/**
 * Whether the file's first line that is not blank opens a record or array it does not close (`{`, `[{`, `{"a": 1,`):
 * JSON written over several lines (pretty-printed), not a broken JSON line. Read from the first 64 KiB.
 */
function opensMultilineJson(file: string): boolean {
  const line = readHead(file, 1 << 16).replace(/^\uFEFF/, "").trimStart().split("\n", 1)[0].trim();
  return /^[[{]/.test(line) && /[[{,:]$/.test(line);
}

/**
 * A JSON-lines file (`format`: ndjson, or a `.log` of JSON) that holds one JSON document written over several lines,
 * read as a `.json` file holding it is: an array of records as its rows, a record as one row (a `.log`'s Zeek times
 * read). Undefined when the file is not one such document (the caller's error stands); a document nested too deeply
 * is refused as in a `.json` file.
 */
function jsonDocument(file: string, format: DataFormat, options: ReadOptions): pl.DataFrame | undefined {
  const first = firstNonSpace(file);
  try {
    const df = first === "[" ? readJsonArray(file, options, format) : readJsonRecord(file, hasUtf8Bom(file) ? fs.readFileSync(file).subarray(3) : fs.readFileSync(file), options, format);
    return format === "log" ? zeekJsonTimes(df) : df;
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    return undefined;
  }
}

/**
 * One JSON record written over several lines (`bytes`, after any byte-order mark), as one row: a key it repeats
 * is read with the last value winning, with the warning (the per-line screen took its lines for broken records).
 */
function readJsonRecord(file: string, bytes: Buffer, options: ReadOptions, format: DataFormat = "json"): pl.DataFrame {
  const found = findDuplicateKeys(bytes, 0, bytes.length, 0, new Set(), false);
  if (found.tooDeep !== undefined) throw tooDeepError(file, format, found.tooDeep);
  const df = pl.readJSON(found.records.length ? withLastKeysWinning(bytes, found.records) : bytes, { format: "json", inferSchemaLength: null });
  if (found.records.length) (options.warn ?? printWarning)(dataWarnings.jsonRepeatedKeys(file, found.records.length, found.keys));
  return df;
}

/**
 * A JSON-lines file some of whose records repeat a key in one object, read with the last of each winning (as
 * JSON.parse, Python's json and most SIEMs read them; polars keeps the first), with a warning naming the file
 * (`shownAs`: the file a temporary copy was made of), the keys and how many records; undefined when no record
 * repeats a key (the usual read follows).
 */
function lastKeysWinning(file: string, format: DataFormat, options: ReadOptions, shownAs = file): pl.DataFrame | undefined {
  const from = hasUtf8Bom(file) ? 3 : 0;
  const found = fileDuplicateKeys(file, from);
  if (found.deepLines) return withoutDeepLines(file, format, from, found.deepLines, options, shownAs);
  if (!found.records.length) return undefined;
  const text = withLastKeysWinning(fs.readFileSync(file), found.records).subarray(from);
  const df = pl.readJSON(text, { format: "lines", inferSchemaLength: null });
  (options.warn ?? printWarning)(dataWarnings.jsonRepeatedKeys(shownAs, found.records.length, found.keys));
  return df;
}

/**
 * A JSON-lines file read without its lines nested deeper than MAX_JSON_DEPTH (`deepLines`, byte ranges from
 * {@link fileDuplicateKeys}): polars' reader would crash or hang on them, and one hostile record must not cost the
 * file's others. A warning names the file, how many lines and the first; repeated keys in the rest are read as
 * JSON.parse reads them, as ever. Read in memory, as a file with repeated keys is. A file whose every line is too
 * deep is refused, as one record too deep is (an empty frame would hide that nothing was read).
 */
function withoutDeepLines(file: string, format: DataFormat, from: number, deepLines: readonly [number, number][], options: ReadOptions, shownAs: string): pl.DataFrame {
  const bytes = fs.readFileSync(file);
  const parts: Buffer[] = [];
  let at = from;
  for (const [start, end] of deepLines) {
    parts.push(bytes.subarray(at, start));
    at = end;
  }
  parts.push(bytes.subarray(at));
  let kept: Buffer = Buffer.concat(parts);
  if (!kept.some((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09)) throw tooDeepError(file, format, deepLines[0][0], shownAs);
  const warn = options.warn ?? printWarning;
  warn(dataWarnings.jsonLinesTooDeep(shownAs, deepLines.length, lineAt(file, deepLines[0][0]), MAX_JSON_DEPTH));
  const found = findDuplicateKeys(kept, 0, kept.length, 0);
  if (found.records.length) {
    kept = withLastKeysWinning(kept, found.records);
    warn(dataWarnings.jsonRepeatedKeys(shownAs, found.records.length, found.keys));
  }
  return pl.readJSON(kept, { format: "lines", inferSchemaLength: null });
}

/** The error for JSON nested deeper than MAX_JSON_DEPTH at byte `offset` of `file` (one record, or an array of them), naming its line (refused before polars reads it). */
function tooDeepError(file: string, format: DataFormat, offset: number, shownAs = file): DataFileError {
  return new DataFileError(msg.fileInvalid(shownAs, format, `line ${lineAt(file, offset)} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep, which no log needs (a broken or hostile record); nothing was read`));
}

/** The line (from 1) of byte `offset` of `file`, read 1 MiB at a time. */
function lineAt(file: string, offset: number): number {
  let line = 1;
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let at = 0; at < offset; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, offset - at), at);
      if (n <= 0) break;
      for (let k = buf.indexOf(0x0a); k >= 0 && k < n; k = buf.indexOf(0x0a, k + 1)) line += 1;
      at += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return line;
}

/** What a top-level JSON value starting with `first` is, for the error of a file holding no records. */
function jsonValueKind(first: string): string {
  if (first === '"') return "a JSON string";
  if (/[-0-9]/.test(first)) return "a JSON number";
  if (first === "t" || first === "f") return "a JSON boolean";
  if (first === "n") return "a JSON null";
  if (first === "[") return "a JSON array";
  return `no JSON (it starts with ${JSON.stringify(first)})`;
}

/**
 * A JSON-lines file (`.ndjson`, `.jsonl`, Zeek's JSON `.log`). One copied while it was being written
 * (or a download cut short) ends in part of a line: when polars fails the file, and only then, its cut
 * last line is looked for (truncatedLine.ts); the complete lines are read from
 * a copy without it, and the cut line is skipped with a warning naming the
 * file and line. A whole file costs no more than polars' own read. A bad line
 * elsewhere fails the read, naming it (the caller finds it on polars' error).
 */
function* readJsonLog(file: string, options: ReadOptions, format: DataFormat = "log"): ReadSteps<pl.DataFrame> {
  // A byte-order mark stops polars' reader at the first byte: the text after it is read, as for `.ndjson`.
  const bom = hasUtf8Bom(file);
  const afterBom = (end?: number) => {
    // The complete lines, with the last of a repeated key winning as in a whole file.
    const text = fs.readFileSync(file).subarray(3, end);
    const found = end === undefined ? undefined : findDuplicateKeys(text);
    if (!found?.records.length) return pl.readJSON(text, { format: "lines", inferSchemaLength: null });
    const df = pl.readJSON(withLastKeysWinning(text, found.records), { format: "lines", inferSchemaLength: null });
    (options.warn ?? printWarning)(dataWarnings.jsonRepeatedKeys(file, found.records.length, found.keys));
    return df;
  };
  try {
    const winning = lastKeysWinning(file, format, options);
    if (winning) return winning;
    return bom ? afterBom() : yield pl.scanJson(file, { inferSchemaLength: null });
  } catch (err) {
    const cut = truncatedLastLine(file);
    if (!cut) throw err;
    let df: pl.DataFrame;
    const copy = bom ? undefined : copyOfStart(file, cut.offset, options.tempFolder);
    try {
      // The complete lines' records that repeat a key: the last wins, as in a whole file (the copy's read kept the first).
      df = copy ? (lastKeysWinning(copy.file, format, options, file) ?? (yield pl.scanJson(copy.file, { inferSchemaLength: null }))) : afterBom(cut.offset);
    } catch {
      // Another bad line too: the file's own error (which names no temporary copy).
      throw err;
    } finally {
      copy?.remove();
    }
    (options.warn ?? printWarning)(dataWarnings.truncatedLastLine(file, cut.line));
    return df;
  }
}

/**
 * Zeek's JSON logs write `ts` as epoch seconds (a number with six fraction
 * digits): made a Datetime in µs, as the ASCII form's `time` is. Other numeric
 * epoch columns are left as numbers (start/end still filter on them).
 */
function zeekJsonTimes(df: pl.DataFrame): pl.DataFrame {
  const ts = hasColumn(df, "ts") ? columnOf(df, "ts") : undefined;
  if (!ts || !["Float64", "Float32", "Int64", "Int32", "UInt64"].includes(ts.dtype.variant)) return df;
  const micros = pl.DataFrame([ts.rename("v")]).select(pl.col("v").cast(pl.Float64).mul(1_000_000).round(0).cast(pl.Int64).cast(pl.Datetime("us")).alias("v"));
  return replaceColumns(df, new Map([["ts", columnOf(micros, "v").rename("ts")]]));
}

/** The first `bytes` bytes of a file, as UTF-8. */
export function readHead(file: string, bytes: number): string {
  return headBytes(file, bytes).toString("utf8");
}

/**
 * The file's first `count` characters that are not JSON white space (a UTF-8
 * byte-order mark skipped, white space between them too; `[{` of `[\n  {`),
 * fewer when the file has fewer.
 */
function firstNonSpace(file: string, count = 1): string {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    let found = "";
    for (let at = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, at);
      if (n === 0) return found;
      const text = buf.subarray(0, n).toString("latin1").replace(at === 0 ? /^\xEF\xBB\xBF/ : /^$/, "");
      found += text.replace(/[ \t\r\n]+/g, "").slice(0, count - found.length);
      if (found.length === count) return found;
      at += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The first non-empty line of an error's message (polars errors run to many lines). */
export function errorLine(err: unknown): string {
  // nodejs-polars sometimes throws errors with an empty message and only a `code`.
  const code = (err as { code?: unknown } | null)?.code;
  const text = (err instanceof Error ? err.message : String(err)) || (code ? `error code ${String(code)}` : "unknown error");
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;
}

/**
 * A reader's whole read as a step: synchronously at once; asynchronously (a query) `perTurn` units (4 MiB: 64
 * EVTX chunks, 4 XML blocks) at a time, a turn of the event loop between them, so that Interrupt Kernel stops a
 * large log's read. `read(n)` reads n more units and says whether the file is read to its end.
 */
function readInTurns(reader: { read(units: number): boolean }, perTurn: number): OutsideStep {
  return new OutsideStep(
    () => void reader.read(Infinity),
    async (signal) => {
      while (!signal?.aborted && !reader.read(perTurn)) await new Promise((resolve) => setImmediate(resolve));
    },
  );
}

/**
 * Sysmon for Linux's lines: syslog lines of `<Event>` XML, or with `journal` `journalctl -o json` entries holding it in
 * MESSAGE; one event per line, through the same record → row path as an .evtx file's, the lines left out said.
 */
function* readSysmonLines(file: string, options: ReadOptions, journal: boolean): ReadSteps<pl.DataFrame> {
  const reader = new SyslogEventXmlFileReader(file, { journal });
  const df = yield* framesInTurns(reader, 4);
  const warn = options.warn ?? printWarning;
  const { count, firstLine } = reader.malformed;
  if (count) warn(dataWarnings.syslogEventXmlMalformed(file, count, firstLine ?? 0, journal));
  const nulls = reader.nullMessages;
  if (nulls.count) warn(dataWarnings.journalMessagesNull(file, nulls.count, nulls.firstLine ?? 0));
  const other = reader.otherLines;
  if (other.count) warn(dataWarnings.syslogEventXmlOtherLines(file, other.count, other.firstLine ?? 0, journal));
  return df;
}

/** True when a JSON-lines file is `journalctl -o json` output carrying Sysmon for Linux's events ({@link isJournalEventJson}). */
function isJournalEventJsonFile(file: string): boolean {
  try {
    return isJournalEventJson(readHead(file, SYSLOG_HEAD_BYTES));
  } catch {
    return false;
  }
}

/** A block reader's frame, read a few blocks per turn of the event loop ({@link readInTurns}); the reader closed either way. */
function* framesInTurns(reader: { read(units: number): boolean; frame(): pl.DataFrame; close(): void }, perTurn: number): ReadSteps<pl.DataFrame> {
  try {
    yield readInTurns(reader, perTurn);
    return reader.frame();
  } finally {
    reader.close();
  }
}

/** Why a file (or a dataset's first part) whose every column nests too deep is refused: `data/file-invalid`'s detail. */
export function allTooDeep(columns: readonly string[], max = MAX_PARQUET_DEPTH): string {
  return `its column(s) ${nameList(columns)} nest more than ${max} levels deep, which no log needs (a broken or hostile file); nothing was read`;
}
