/**
 * Numeric features from text, for clustering (after MSTICPy's eventcluster
 * helpers): character-code scores, CRC32 hashes, delimiter and token counts,
 * and `addProcessFeatures` for process-creation events.
 */
import pl from "nodejs-polars";
import { isTextType, plainText } from "../common/dtypes";
import { AnalysisError } from "./errors";
import { analysisMessages as msg } from "./messages";
import { boolOption, requireColumn, requireFrame, requireOptions } from "./columns";
import { columnNames, columnOf, frameOf } from "../common/frames";

/**
 * Sum of the Unicode code points of `text` (MSTICPy's `_string_score`): similar
 * strings get similar scores, so it turns names into a clusterable number.
 * null/undefined count as "".
 */
export function stringScore(text: string | null | undefined): number {
  if (!text) return 0;
  let sum = 0;
  for (const ch of text) sum += ch.codePointAt(0) as number;
  return sum;
}

/** `floor(stringScore(text) / scale)` (MSTICPy's `char_ord_score`): a larger scale weakens the feature. */
export function charOrdScore(text: string | null | undefined, scale = 1): number {
  if (!(scale > 0)) throw new AnalysisError(msg.invalidNumber("charOrdScore", "scale", "positive", scale));
  return Math.floor(stringScore(text) / scale);
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 (IEEE 802.3, zlib's and Python's `binascii.crc32`) lookup table. */
function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 of bytes, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  const t = table();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const utf8 = new TextEncoder();

/** CRC-32 of the UTF-8 bytes of `text` (MSTICPy's `crc32_hash`): equal strings, equal numbers. null → CRC of "". */
export function crc32Hash(text: string | null | undefined): number {
  return crc32(utf8.encode(text ?? ""));
}

/**
 * The delimiters MSTICPy counts in command lines: whitespace and - \ / . , " ' | & : ; % $ ( ). Whitespace as
 * Python's `\s` has it (its counts are MSTICPy's): JavaScript's `\s` left out U+001C–U+001F and NEL (U+0085) and took a BOM (U+FEFF).
 */
export const DEFAULT_DELIMITERS = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\-\\/.,"'|&:;%$()]/g;

/** The global copy of each delimiter regex, made once: building it per command line was 2 RegExps a row. */
const GLOBAL_COPIES = new WeakMap<RegExp, RegExp>();

function delimiterMatches(text: string, delimiters: RegExp): string[] {
  // A global copy, so callers may pass any character-class regex and keep their own lastIndex. A regex's source
  // and flags cannot change, so the copy stays right; match() with /g starts from 0 whatever its lastIndex.
  let re = GLOBAL_COPIES.get(delimiters);
  if (!re) {
    re = new RegExp(delimiters.source, delimiters.global ? delimiters.flags : `${delimiters.flags}g`);
    GLOBAL_COPIES.set(delimiters, re);
  }
  return text.match(re) ?? [];
}

/** How many delimiter characters `text` holds (MSTICPy's `delim_count`). */
export function delimCount(text: string | null | undefined, delimiters: RegExp = DEFAULT_DELIMITERS): number {
  return text ? delimiterMatches(text, delimiters).length : 0;
}

/** CRC-32 of the delimiters of `text` in order (MSTICPy's `delim_hash`): the "shape" of a command line. */
export function delimHash(text: string | null | undefined, delimiters: RegExp = DEFAULT_DELIMITERS): number {
  return crc32Hash(text ? delimiterMatches(text, delimiters).join("") : "");
}

/** Number of parts after splitting on `delimiter` (MSTICPy's `token_count`; "" has one token). */
export function tokenCount(text: string | null | undefined, delimiter = " "): number {
  return (text ?? "").split(delimiter).length;
}

/** Options of `addProcessFeatures`. */
export interface ProcessFeatureOptions {
  /** Path separator of `NewProcessName`. Default: each path's own (POSIX `/` when it starts with `/`, else Windows `\` and `/` when it holds a `\`, else `/`). */
  pathSeparator?: string;
  /** Recompute feature columns that already exist. Default false (existing columns are kept). */
  force?: boolean;
  /** Column of the process path. Default `"NewProcessName"`, else the process column of the frame's layout (MDE `FolderPath`, Sysmon `Image`, ECS `process.executable`, …). */
  processColumn?: string;
  /** Column of the command line. Default `"CommandLine"`, else the layout's. */
  commandLineColumn?: string;
  /** Column of the logon session id. Default `"SubjectLogonId"`, else the layout's. */
  logonIdColumn?: string;
}

/** Where a process-event layout keeps the columns the features read. */
export interface ProcessFeatureColumns {
  /** Full image path (or the image name when that is all there is). */
  processColumn: string;
  commandLineColumn?: string;
  logonIdColumn?: string;
}

/**
 * Finds the feature columns of a frame from its column names. src/index.ts
 * registers one reading the process schemas of src/transform (analysis does
 * not import transform); without one only the lab's 4688 names are known.
 */
export type ProcessFeatureColumnResolver = (columns: readonly string[]) => ProcessFeatureColumns | undefined;
let resolveColumns: ProcessFeatureColumnResolver | undefined;

/** Registers how `addProcessFeatures` finds the columns of other layouts (see {@link ProcessFeatureColumnResolver}). */
export function registerProcessFeatureColumns(resolver: ProcessFeatureColumnResolver | undefined): void {
  resolveColumns = resolver;
}

/** The columns to read: the options', else the lab's 4688 names where present, else the frame's layout's. */
function featureColumns(df: pl.DataFrame, options: ProcessFeatureOptions): Required<Pick<ProcessFeatureOptions, "processColumn" | "commandLineColumn" | "logonIdColumn">> {
  const lab = { processColumn: "NewProcessName", commandLineColumn: "CommandLine", logonIdColumn: "SubjectLogonId" };
  const names = columnNames(df);
  const layout = names.includes(lab.processColumn) ? undefined : resolveColumns?.(names);
  return {
    processColumn: options.processColumn ?? layout?.processColumn ?? lab.processColumn,
    commandLineColumn: options.commandLineColumn ?? layout?.commandLineColumn ?? lab.commandLineColumn,
    logonIdColumn: options.logonIdColumn ?? layout?.logonIdColumn ?? lab.logonIdColumn,
  };
}

/**
 * How a process path is split into its elements: on `separator` when given, else on each path's own
 * platform's: a path starting with `/` is POSIX (a `\` in it is part of a file name), another holding
 * a `\` is Windows (split on `\` and `/`, which Windows also takes), else `/`. MSTICPy chose one
 * separator for the whole frame from its first 10 paths, so one Linux path among them made a Windows
 * row's process name its whole path (MDE's `FolderPath` mixes Windows, Linux and macOS devices).
 */
function pathSplitter(separator: string | undefined): (path: string) => string[] {
  if (separator !== undefined) return (path) => path.split(separator);
  return (path) => (!path.startsWith("/") && path.includes("\\") ? path.split(/[\\/]/) : path.split("/"));
}

/** Caches a string → value feature per call: command lines repeat a lot. */
function memo<T extends number | string>(fn: (s: string) => T): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      cache.set(s, v);
    }
    return v;
  };
}

function texts(df: pl.DataFrame, name: string): string[] {
  const column = plainText(columnOf(df, name));
  // A column null in every row (polars' Null type, from JSON or records) is text with no value: "" throughout.
  if (column.dtype.variant === "Null") return new Array<string>(column.len()).fill("");
  if (!isTextType(column.dtype)) throw new AnalysisError(msg.columnNotText("addProcessFeatures", name, String(column.dtype)));
  // Null → "" (MSTICPy fills NaN with "" first).
  return (column.toArray() as unknown as (string | null)[]).map((v) => v ?? "");
}

/**
 * Adds MSTICPy's numeric process features (`add_process_features`):
 * - from the process path: `processName` (file name), `pathScore` (sum of code
 *   points), `pathLogScore` (log10 of it, 0 for ""), `pathHash` (CRC-32), and
 *   `processNameLen`, `processNameTokens` (path elements) — these two are in
 *   MSTICPy's documentation, not its code;
 * - from the command line: `commandlineLen` (characters), `commandlineLogLen`,
 *   `commandlineTokensFull` (delimiter count), `commandlineScore`,
 *   `commandlineTokensHash` (CRC-32 of the delimiters), and
 *   `commandlineTokens` (space-separated tokens; documented, not coded, in MSTICPy);
 * - `isSystemSession`: the logon id is 0x3e7 (Windows SYSTEM; 999 in a numeric
 *   column) or -1 (Linux).
 * The columns are the lab's 4688 names, or those of the frame's own layout
 * (MDE, Sysmon, auditd, ECS, OCSF…: the process schemas of `buildProcessTree`).
 * Features whose source column is absent are skipped; existing feature columns
 * are kept unless `force`.
 */
export function addProcessFeatures(df: pl.DataFrame, options: ProcessFeatureOptions = {}): pl.DataFrame {
  requireFrame(df, "addProcessFeatures");
  requireOptions(options, { pathSeparator: true, force: true, processColumn: true, commandLineColumn: true, logonIdColumn: true }, "addProcessFeatures");
  const { processColumn, commandLineColumn, logonIdColumn } = featureColumns(df, options);
  for (const [name, given] of [
    [processColumn, options.processColumn],
    [commandLineColumn, options.commandLineColumn],
    [logonIdColumn, options.logonIdColumn],
  ] as const) {
    if (given !== undefined) requireColumn(df, name, "addProcessFeatures", "column");
  }
  const force = boolOption(options.force, "force", "addProcessFeatures", false);
  const names = columnNames(df);
  const wanted = (name: string) => force || !names.includes(name);
  const added: pl.Series[] = [];
  const score = memo(stringScore);
  const hash = memo(crc32Hash);

  if (names.includes(processColumn)) {
    const paths = texts(df, processColumn);
    const split = pathSplitter(options.pathSeparator);
    if (wanted("processName")) added.push(pl.Series("processName", paths.map((p) => split(p).pop() ?? ""), pl.Utf8));
    const scores = paths.map(score);
    if (wanted("processNameLen")) added.push(pl.Series("processNameLen", paths.map((p) => [...p].length), pl.Int64));
    if (wanted("processNameTokens")) added.push(pl.Series("processNameTokens", paths.map((p) => split(p).length), pl.Int64));
    if (wanted("pathScore")) added.push(pl.Series("pathScore", scores, pl.Int64));
    if (wanted("pathLogScore")) added.push(pl.Series("pathLogScore", scores.map((s) => (s ? Math.log10(s) : 0)), pl.Float64));
    if (wanted("pathHash")) added.push(pl.Series("pathHash", paths.map(hash), pl.Int64));
  }
  if (names.includes(commandLineColumn)) {
    const lines = texts(df, commandLineColumn);
    const lengths = lines.map((l) => [...l].length);
    if (wanted("commandlineLen")) added.push(pl.Series("commandlineLen", lengths, pl.Int64));
    if (wanted("commandlineLogLen")) added.push(pl.Series("commandlineLogLen", lengths.map((n) => (n ? Math.log10(n) : 0)), pl.Float64));
    if (wanted("commandlineTokens")) added.push(pl.Series("commandlineTokens", lines.map((l) => tokenCount(l)), pl.Int64));
    // One pass of the delimiter regex per line for both features (a delimiter is one UTF-16 unit: count = length);
    // command lines' delimiter strings repeat, so their hashes are memoised too.
    const delims = wanted("commandlineTokensFull") || wanted("commandlineTokensHash") ? lines.map(memo((l) => delimiterMatches(l, DEFAULT_DELIMITERS).join(""))) : [];
    if (wanted("commandlineTokensFull")) added.push(pl.Series("commandlineTokensFull", delims.map((d) => d.length), pl.Int64));
    if (wanted("commandlineScore")) added.push(pl.Series("commandlineScore", lines.map(score), pl.Int64));
    if (wanted("commandlineTokensHash")) added.push(pl.Series("commandlineTokensHash", delims.map(hash), pl.Int64));
  }
  if (names.includes(logonIdColumn) && wanted("isSystemSession")) {
    const column = columnOf(df, logonIdColumn);
    // Numeric ids (MDE's LogonId) hold 0x3e7 as 999, compared as numbers: a Float64 column (numbers
    // made in JS, a column with gaps) casts to "999.0" as text.
    const numeric = /^(U?Int(8|16|32|64)|Float(32|64))$/.test(column.dtype.variant);
    const system = numeric ? (id: string | number | null) => id === 999 || id === -1 : (id: string | number | null) => id === "0x3e7" || id === "-1";
    const ids = column.cast(numeric ? pl.Float64 : pl.Utf8).toArray() as unknown as (string | number | null)[];
    added.push(pl.Series("isSystemSession", ids.map(system), pl.Bool));
  }
  return added.length ? withSeries(df, added) : df;
}

/**
 * `df` with these series: a same-named column is replaced where it is, the
 * others appended. Through the frames.ts helpers, so a column may be called
 * `withColumns` or `height`.
 */
function withSeries(df: pl.DataFrame, added: readonly pl.Series[]): pl.DataFrame {
  const names = columnNames(df);
  const byName = new Map(added.map((s) => [s.name, s]));
  return frameOf([...names.map((name) => byName.get(name) ?? columnOf(df, name)), ...added.filter((s) => !names.includes(s.name))]);
}

/**
 * Adds a column of `stringScore`s of a text column: the lab's `AccountNum` is
 * `withStringScore(logons, "Account", "AccountNum")`. Default name: `<column>Score`.
 */
export function withStringScore(df: pl.DataFrame, column: string, as: string = `${column}Score`): pl.DataFrame {
  return withTextFeature(df, column, as, stringScore, "withStringScore");
}

/** Adds a column of `crc32Hash`es of a text column. Default name: `<column>Hash`. */
export function withCrc32Hash(df: pl.DataFrame, column: string, as: string = `${column}Hash`): pl.DataFrame {
  return withTextFeature(df, column, as, crc32Hash, "withCrc32Hash");
}

const NESTED_VARIANTS: ReadonlySet<string> = new Set(["List", "FixedSizeList", "Array", "Struct", "Object"]);

function withTextFeature(df: pl.DataFrame, column: string, as: string, feature: (s: string) => number, fn: string): pl.DataFrame {
  requireFrame(df, fn);
  requireColumn(df, column, fn, "column");
  if (typeof as !== "string" || as === "") throw new AnalysisError(msg.invalidChoice(fn, "as", "a column name", as));
  const series = columnOf(df, column);
  // Text, and what polars writes as text (numbers, categories); a list or struct has no one text to score.
  if (NESTED_VARIANTS.has(series.dtype.variant)) throw new AnalysisError(msg.columnNotText(fn, column, String(series.dtype)));
  const values = series.cast(pl.Utf8).toArray() as unknown as (string | null)[];
  const f = memo(feature);
  return withSeries(df, [pl.Series(as, values.map((v) => f(v ?? "")), pl.Int64)]);
}
