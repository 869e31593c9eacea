/**
 * Indicator-of-compromise extraction, after MSTICPy's `IoCExtract`: IP
 * addresses, domains, URLs, e-mail addresses, file paths and hashes found in
 * free text, one string or whole DataFrame columns at a time.
 *
 * Columns are screened by polars first: a vectorised regex per type marks the
 * rows that can hold an observable of that type, and only those cells reach
 * the JavaScript scanners, each for the types its row was marked for
 * (iocScan.ts). Big inputs are split into row chunks that worker threads
 * screen and scan in their own polars (workers/). The scanners are
 * linear-time on crafted input (iocPatterns.ts).
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import type { DataFrame, Series } from "nodejs-polars";
import { textSeries } from "../common/dtypes";
import { findUnknownOption } from "../common/errors";
import { findOptionProblem, type OptionTypesOf } from "../common/options";
import { columnNames, columnOf, frameHeight, isDataFrame } from "../common/frames";
import { columnOrField } from "../data/schemas/fields";
import {
  BUILTIN_DEFINITIONS,
  BUILTIN_IOC_TYPES,
  classifyObservable,
  isBuiltinIocType,
  isDefaultIocType,
  isObservableOf,
  registerIocType,
  type BuiltinIocType,
  type IocTypeDefinition,
} from "./iocPatterns";
import { scanText, type Found, type ScanSettings } from "./iocScan";
import { IocExtractError, transformMessages as msg } from "./messages";
import { notAFrameText } from "../common/notAFrame";
import { chunkRanges, PARALLEL_DEFAULTS, runChunked, type ParallelOptions } from "./workers/pool";
import { allBuiltin, iocChunk, iocChunkInput, mergeScanBatches, releaseBigSinks, type IocChunkInput, type IocTaskArgs } from "./workers/tasks";
import { ByteSink } from "./workers/ipcWriter";
import { withRichLastValue } from "../display/lastValue";
import { wideIntsAsText } from "../common/wideInts";
import { hideUrlUserInfo, USER_INFO_SCREEN } from "../common/urlUserInfo";

export { IocExtractError } from "./messages";

/** Options shared by every extraction call; the constructor sets their defaults for an instance. */
export interface IocScanOptions {
  /**
   * Types to look for (built-in names, see {@link BUILTIN_IOC_TYPES}, or names
   * added with `addIocType`); one type may be given as text, as `columns` may. Default: every type except the paths.
   */
  iocTypes?: string | readonly string[];
  /**
   * Add `windows_path` to the default types (MSTICPy's `include_paths`).
   * `linux_path` is noisy and must be asked for by name. Ignored when
   * `iocTypes` is given. The same rule holds for tables and single strings.
   * @defaultValue false
   */
  includePaths?: boolean;
  /**
   * Accept any top-level domain of 2–63 letters, not only those of the Public
   * Suffix List (ICANN section) — for internal names such as `host.corp`.
   * Applies to domains and e-mail domains. URL hosts need no real top-level
   * domain either way: `http://server/x.sct` and `http://files.corp/x` are URLs.
   * @defaultValue false
   */
  ignoreTlds?: boolean;
  /**
   * Report each URL's host name as a `dns` observable too, even when only `url`
   * is asked for — MSTICPy does this, and the lab's answer relies on it; a host
   * written as another IPv4 notation (`http://0x7f.0.0.1/`) gives the address it
   * reaches as `ipv4` (127.0.0.1). Set false to get only the types asked for.
   * @defaultValue true
   */
  urlHostAsDns?: boolean;
  /**
   * Refang defanged indicators before scanning (`hxxp://evil[.]com` is found
   * as `http://evil.com`; the forms are listed in `refang`). MSTICPy's
   * `defanged` switch: false scans the text as written, so defanged forms are
   * not indicators (`evil[.]com` yields nothing).
   * @defaultValue true
   */
  defanged?: boolean;
}

/** Options of {@link IoCExtract.extract}. */
export interface IocExtractOptions extends IocScanOptions {
  /** The text column(s) to scan, in order (non-text columns are read as text). */
  columns: string | readonly string[];
  /**
   * A column whose values become `SourceIndex` (e.g. the `SourceIndex` of a
   * frame joined from another). Default: the row's position in `data`, as
   * polars' `withRowIndex()` numbers it (UInt32), so results join back with
   * `data.withRowIndex("SourceIndex")`.
   */
  indexColumn?: string;
  /**
   * Worker threads for big inputs: rows are scanned in chunks on every core
   * and merged in row order (the result is the same as in one thread). Only
   * built-in types go to workers; a call with a type added by `addIocType`,
   * or with fewer than `minRows` rows, runs in the calling thread. Defaults:
   * {@link PARALLEL_DEFAULTS}.
   */
  parallel?: ParallelOptions;
}

/** Options of {@link IoCExtract.addIocType}. */
export interface AddIocTypeOptions {
  /** Capture group (name or number) holding the observable, one the pattern has (another is an error); default the whole match. */
  group?: string | number;
  /**
   * A regex in polars' (Rust) dialect that every text holding this type matches,
   * used to screen DataFrame columns natively. Default: no screen (every row is scanned).
   */
  prefilter?: string;
}

/** Every option name of {@link IocScanOptions} and of {@link IocExtractOptions} (the `satisfies` keeps them complete). */
const SCAN_OPTION_NAMES: readonly string[] = Object.keys({ iocTypes: true, includePaths: true, ignoreTlds: true, urlHostAsDns: true, defanged: true } satisfies Record<keyof IocScanOptions, true>);
const EXTRACT_OPTION_NAMES: readonly string[] = [...SCAN_OPTION_NAMES, ...Object.keys({ columns: true, indexColumn: true, parallel: true } satisfies Record<Exclude<keyof IocExtractOptions, keyof IocScanOptions>, true>)];

/** {@link AddIocTypeOptions}' names and kinds: `{ group: "1" }` or `{ group: 1.5 }` was taken and reported nothing. */
const ADD_TYPE_OPTION_TYPES = { group: ["index", "string"], prefilter: "string" } as const satisfies OptionTypesOf<AddIocTypeOptions>;
const ADD_TYPE_OPTION_NAMES: readonly string[] = Object.keys(ADD_TYPE_OPTION_TYPES);

/** The true/false options of {@link IocScanOptions}: `defanged: "no"` was read as true. */
const BOOLEAN_OPTIONS = ["includePaths", "ignoreTlds", "urlHostAsDns", "defanged"] as const satisfies readonly (keyof IocScanOptions)[];

/** Scan options once checked: the types as a list. */
type ScanSettingsOf = Required<Omit<IocScanOptions, "iocTypes">> & { iocTypes?: readonly string[] };

/**
 * Throws unless `options` is an options object: MSTICPy passes the columns or types positionally
 * (`extract(df, ["CommandLine"])`), which read as an option named `0`.
 */
function requireOptionsObject(options: unknown, fn: string, example: string): asserts options is object {
  if (options === null || typeof options !== "object" || Array.isArray(options) || isDataFrame(options)) {
    throw new IocExtractError(msg.iocOptionsNotObject(fn, notAFrameText(options), example));
  }
}

/**
 * Throws unless `group` is a capture group of `regex`: a group it lacks (`group: 2` of a one-group pattern, a name
 * it does not define) made every match report nothing, without a word.
 */
function checkGroup(name: string, regex: RegExp, group: string | number): void {
  // The pattern or nothing: matching "" sets every group, undefined, so the result lists them all.
  const probe = new RegExp(`(?:${regex.source})|`, regex.flags.replace(/[gy]/g, "")).exec("");
  const count = probe ? probe.length - 1 : 0;
  const names = Object.keys(probe?.groups ?? {});
  if (typeof group === "number" ? group > count : !names.includes(group)) throw new IocExtractError(msg.iocGroupMissing(name, group, count, names));
}

/** A list of names, one name given as text; undefined when `value` is neither (`columns: 5`, `[undefined]`). */
function nameList(value: unknown): readonly string[] | undefined {
  const list = typeof value === "string" ? [value] : value;
  return Array.isArray(list) && list.every((v) => typeof v === "string") ? (list as string[]) : undefined;
}

/** The scan options of `fn` checked: known names, true/false switches, `iocTypes` as a list (a copy: a later cell's change of the caller's array must not change a call's types). */
function checkScanOptions(options: IocScanOptions, fn: string, known: readonly string[]): Partial<ScanSettingsOf> {
  // A misspelt option (`ioc_types`, `includepaths`) was ignored: every type scanned, or paths left out.
  const unknown = findUnknownOption(options, known);
  if (unknown) throw new IocExtractError(msg.iocOptionUnknown(fn, unknown, known));
  for (const name of BOOLEAN_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== "boolean") throw new IocExtractError(msg.iocOptionType(fn, name, "true or false", options[name]));
  }
  const { iocTypes, ...rest } = dropUndefined(options);
  if (iocTypes === undefined) return rest;
  // One name as text was scanned letter by letter ("Unknown IoC type \"u\"").
  const types = nameList(iocTypes);
  if (!types) throw new IocExtractError(msg.iocOptionType(fn, "iocTypes", 'an IoC type name or a list of them (e.g. ["url", "ipv4"])', iocTypes));
  return { ...rest, iocTypes: [...types] };
}

/** The defaults of {@link IocScanOptions}. */
export const IOC_SCAN_DEFAULTS = Object.freeze({ includePaths: false, ignoreTlds: false, urlHostAsDns: true, defanged: true });

/** Column names of {@link IoCExtract.extract}'s result (MSTICPy's). */
export const IOC_RESULT_COLUMNS = ["IoCType", "Observable", "SourceIndex", "Input"] as const;

/**
 * Finds indicators of compromise in text. Each instance has its own set of
 * types: `addIocType` on one does not change what another extracts (custom
 * types are also registered for whole-value detection, see `addIocType`).
 *
 * ```ts
 * const iocs = new IoCExtract();
 * iocs.extractText("ping microsoft.com; curl hxxp://evil[.]com/x");
 * // { dns: ["microsoft.com", "evil.com"], url: ["http://evil.com/x"] }
 * const df = iocs.extract(procs, { columns: ["CommandLine"] });   // IoCType, Observable, SourceIndex, Input
 * ```
 */
export class IoCExtract {
  private readonly types = new Map<string, IocTypeDefinition>();
  private readonly defaults: ScanSettingsOf;

  /** `options` set this instance's defaults for every call. */
  constructor(options: IocScanOptions = {}) {
    for (const def of BUILTIN_DEFINITIONS) this.types.set(def.name, def);
    requireOptionsObject(options, "new IoCExtract", '{ includePaths: true }');
    // Its own copy of iocTypes: the caller's array changed in a later cell must not change what this instance looks for.
    this.defaults = { ...IOC_SCAN_DEFAULTS, ...checkScanOptions(options, "new IoCExtract", SCAN_OPTION_NAMES) };
    if (this.defaults.iocTypes) this.resolveTypes(this.defaults);
  }

  /** The names of every type this instance knows, in scan order. */
  get iocTypes(): string[] {
    return [...this.types.keys()];
  }

  // One line: the default inspect printed each type's patterns and scanner functions (2 kB).
  [inspect.custom](): string {
    return `IoCExtract(${this.iocTypes.join(", ")})`;
  }

  /**
   * Adds a type (or replaces one of the same name, built-ins included) found by
   * a regular expression. A string pattern is compiled case-insensitive and
   * multi-line; a RegExp is used with its own flags (plus `g`). `priority`:
   * lower wins when two types match the same string (built-ins: ipv4, ipv6, url
   * 0; email and hashes 1; dns 2; windows_path 3; linux_path 4).
   *
   * Your pattern runs as written: keep it free of nested quantifiers
   * (`(a+)+`) so crafted input cannot make it backtrack for ever.
   *
   * A type that is not built in is also registered for whole-value detection
   * (`registerIocType`): TILookup then detects it, and asks the providers that
   * list it among their supported types (LocalTI: the types its feed names).
   * Redefining a built-in name changes this instance only.
   */
  addIocType(name: string, pattern: RegExp | string, priority = 0, options: AddIocTypeOptions = {}): void {
    if (typeof name !== "string") throw new IocExtractError(msg.iocTypeNameNotText(notAFrameText(name)));
    if (!name.trim()) throw new IocExtractError(msg.iocTypeNameEmpty());
    if (typeof pattern !== "string" && !(pattern instanceof RegExp)) throw new IocExtractError(msg.iocPatternInvalid(name, `the pattern must be a RegExp or text, not ${notAFrameText(pattern)}`));
    requireOptionsObject(options, `addIocType("${name}")`, "{ group: 1 }");
    // `{ grop: 1 }` reported the whole match instead of the group.
    const problem = findOptionProblem(options, ADD_TYPE_OPTION_TYPES);
    if (problem?.problem === "unknown") throw new IocExtractError(msg.iocOptionUnknown(`addIocType("${name}")`, problem.unknown, ADD_TYPE_OPTION_NAMES));
    if (problem?.problem === "type") throw new IocExtractError(msg.iocOptionType(`addIocType("${name}")`, problem.option, problem.expected, problem.value));
    let regex: RegExp;
    try {
      regex =
        typeof pattern === "string"
          ? new RegExp(pattern, "gim")
          : new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    } catch (err) {
      throw new IocExtractError(msg.iocPatternInvalid(name, (err as Error).message));
    }
    if (regex.test("")) throw new IocExtractError(msg.iocPatternMatchesEmpty(name));
    // extract keeps priorities in an Int32Array: anything else would rank differently there than in extractText.
    if (!Number.isInteger(priority) || priority < -(2 ** 31) || priority >= 2 ** 31) throw new IocExtractError(msg.iocPriorityInvalid(name, priority));
    if (options.prefilter !== undefined) checkPrefilter(name, options.prefilter);
    const group = options.group;
    if (group !== undefined) checkGroup(name, regex, group);
    const definition: IocTypeDefinition = {
      name,
      priority,
      prefilter: options.prefilter,
      scan: (sink) => {
        regex.lastIndex = 0;
        for (let m = regex.exec(sink.text); m; m = regex.exec(sink.text)) {
          if (m[0] === "") {
            regex.lastIndex++;
            continue;
          }
          const value = group === undefined ? m[0] : typeof group === "number" ? m[group] : m.groups?.[group];
          if (value) sink.add(name, value, priority, m.index);
        }
      },
    };
    this.types.set(name, definition);
    if (!isBuiltinIocType(name)) registerIocType(definition);
  }

  /**
   * The observables in one string, by type: `{ dns: [...], url: [...] }`.
   * Types appear in the order their first observable was found; each
   * observable once, in order of discovery. Defanged forms come back refanged
   * (unless `defanged: false`).
   */
  extractText(text: string | null | undefined, options: IocScanOptions = {}): Record<string, string[]> {
    // Not text: an array's URL was missed (the URL screen looked in the array, the patterns in its joined text), other values were TypeErrors.
    const input: unknown = text;
    if (input !== null && input !== undefined && typeof input !== "string" && !(input instanceof String)) {
      throw new IocExtractError(msg.iocNotText(notAFrameText(input), Array.isArray(input) || isDataFrame(input)));
    }
    const opts = this.options(options, "extractText", SCAN_OPTION_NAMES, '{ iocTypes: ["ipv4"] }');
    const defs = this.resolveTypes(opts);
    return groupByType(scanText(input === null || input === undefined ? "" : String(input), defs, opts));
  }

  /**
   * Scans `columns` of `data` and returns one row per (source row, column, type,
   * observable): `IoCType`, `Observable`, `SourceIndex` (the source row's
   * position, or the `indexColumn` value) and `Input` (the scanned cell).
   * Rows come grouped by source row in input order. Null cells are empty text.
   */
  extract(data: DataFrame, options: IocExtractOptions): DataFrame {
    if (!isDataFrame(data)) throw new IocExtractError(msg.iocNotAFrame(notAFrameText(data)));
    // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
    data = wideIntsAsText(data);
    // No options is "no columns", as `{}` is.
    options ??= {} as IocExtractOptions;
    const opts = this.options(options, "extract", EXTRACT_OPTION_NAMES, '{ columns: ["CommandLine"] }');
    // `columns: 5` was "not iterable", `[undefined]` a TypeError inside the did-you-mean.
    const columns = options.columns === undefined || options.columns === null ? [] : nameList(options.columns);
    if (!columns) throw new IocExtractError(msg.iocOptionType("extract", "columns", 'a column name or a list of them (e.g. ["CommandLine"])', options.columns));
    if (!columns.length) throw new IocExtractError(msg.iocNoColumns());
    if (options.indexColumn !== undefined && typeof options.indexColumn !== "string") throw new IocExtractError(msg.iocOptionType("extract", "indexColumn", "one column name (text)", options.indexColumn));
    // Through the frame's own keys, not its members: a column may be named `columns`, `getColumn` or `height`.
    const names = columnNames(data);
    // A dotted name reaches into a struct column (`process.command_line` of nested ECS JSON), as the schemas read it.
    const sources = columns.map((c) => {
      const series = columnOrField(data, c);
      if (!series) throw new IocExtractError(msg.iocColumnMissing(c, names));
      return series;
    });
    if (options.indexColumn !== undefined && !names.includes(options.indexColumn)) {
      throw new IocExtractError(msg.iocIndexColumnMissing(options.indexColumn, names));
    }
    const defs = this.resolveTypes(opts);

    // One chunk each: slicing and gathering a many-chunk column (a Parquet file's row groups) costs several times more.
    // As text (a list as its elements joined by spaces), nulls as "" (MSTICPy raises on NaN cells).
    const texts = sources.map((series) => textSeries(series, "").rechunk());
    const found = scanInChunks(texts, frameHeight(data), defs, opts, { ...PARALLEL_DEFAULTS, ...dropUndefined(options.parallel ?? {}) });
    const rows = found.getColumn("row");
    const sourceIndex = options.indexColumn !== undefined ? gatherRows(columnOf(data, options.indexColumn), rows).rename("SourceIndex") : rows.rename("SourceIndex");
    // URL user info (a captured password) hidden in the observables and the cells quoted, as TI lookups hide it.
    return withRichLastValue(pl.DataFrame([found.getColumn("IoCType"), withUserInfoHidden(found.getColumn("Observable")), sourceIndex, inputUserInfoHidden(inputCells(texts, rows, found.getColumn("col")), rows, found.getColumn("col"))]));
  }

  /**
   * The type of a whole observable (`"dns"` for `evil[.]com`), or `"unknown"`.
   * Every type of this instance is tried, paths included; the highest-priority
   * type that accepts all of the (refanged) input wins (`classifyObservable`,
   * as TILookup detects).
   */
  getIocType(observable: string): string {
    return classifyObservable(observable, [...this.types.values()], this.defaults.ignoreTlds) ?? "unknown";
  }

  /** True when the whole of `value` is an observable of `iocType`. */
  validate(value: string, iocType: string, options: Pick<IocScanOptions, "ignoreTlds"> = {}): boolean {
    const def = this.types.get(iocType);
    if (!def) throw new IocExtractError(msg.unknownIocType("validate", iocType, this.iocTypes));
    return isObservableOf(value, def, options.ignoreTlds ?? this.defaults.ignoreTlds);
  }

  private options(options: IocScanOptions, fn: string, known: readonly string[], example: string): ScanSettingsOf {
    requireOptionsObject(options, fn, example);
    return { ...this.defaults, ...checkScanOptions(options, fn, known) };
  }

  private resolveTypes(options: Pick<ScanSettingsOf, "iocTypes" | "includePaths">): IocTypeDefinition[] {
    if (options.iocTypes && options.iocTypes.length) {
      const seen = new Set<string>();
      for (const t of options.iocTypes) {
        if (!this.types.has(t)) {
          throw new IocExtractError(msg.unknownIocType("", t, this.iocTypes));
        }
        seen.add(t);
      }
      return [...this.types.values()].filter((d) => seen.has(d.name));
    }
    return [...this.types.values()].filter((d) => isDefaultIocType(d.name, options.includePaths));
  }
}

/** This thread's sinks for the result batches of the chunks it scans, reused from call to call (fresh pages cost). */
const chunkSinks: ByteSink[] = [];

/**
 * The scan of `texts` (see `iocChunk`: `row`, `col`, `IoCType`, `Observable`
 * in output order), over row chunks spread on worker threads: each chunk goes
 * to a worker as Arrow IPC bytes, and the worker screens it in its own polars,
 * scans it and writes its result rows as an Arrow IPC record batch; this
 * thread does the same for the chunks it claims; polars reads the batches,
 * in row order, in one call.
 * In one piece, in this thread, when the input is small or a type is not
 * built in (workers rebuild types by name).
 */
function scanInChunks(texts: Series[], height: number, defs: IocTypeDefinition[], settings: ScanSettings, parallel: Required<ParallelOptions>): DataFrame {
  const chunkRows = Math.max(1, Math.floor(parallel.chunkRows));
  // This thread's chunks are written to sinks reused from call to call.
  let used = 0;
  const nextSink = () => {
    const sink = (chunkSinks[used++] ??= new ByteSink());
    sink.pos = 0;
    return sink;
  };
  const inThread = parallel.workers <= 0 || height < parallel.minRows || height <= chunkRows || !allBuiltin(defs);
  try {
    if (inThread) return mergeScanBatches([iocChunk(texts, 0, defs, settings, nextSink())]);
    const ranges = chunkRanges(height, chunkRows);
    const args: IocTaskArgs = {
      types: defs.map((d) => d.name),
      settings: { ignoreTlds: settings.ignoreTlds, urlHostAsDns: settings.urlHostAsDns, defanged: settings.defanged },
    };
    const slice = (i: number) => texts.map((t) => t.slice(ranges[i].offset, ranges[i].length));
    const parts = runChunked<IocChunkInput, Uint8Array>(
      {
        task: "ioc",
        args,
        ranges,
        prepare: (i) => iocChunkInput(slice(i), ranges[i].offset),
        compute: (input) => iocChunk(pl.readIPC(Buffer.from(input.ipc)).getColumns(), input.offset, defs, settings, nextSink()),
        local: (i) => iocChunk(slice(i), ranges[i].offset, defs, settings, nextSink()),
      },
      parallel,
    );
    return mergeScanBatches(parts);
  } finally {
    releaseBigSinks(chunkSinks);
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `{ type: [observables] }`, types in order of first appearance. */
function groupByType(found: Found): Record<string, string[]> {
  // Through a Map: a type may be named `__proto__` or `constructor`.
  const out = new Map<string, Set<string>>();
  for (const [found_, { type }] of found) {
    // A URL's user name and password (`https://admin:pw@host/`) are a victim's secret: shown as `***`, as TI lookups
    // show them; two URLs that differ only there are one observable (a Set: a list searched per URL was quadratic).
    const value = hideUrlUserInfo(found_);
    const set = out.get(type);
    if (set) set.add(value);
    else out.set(type, new Set([value]));
  }
  return Object.fromEntries([...out].map(([type, values]) => [type, [...values]]));
}

/**
 * A text column with each URL's user info shown as `***` ({@link hideUrlUserInfo}); the column itself when none has
 * any. polars screens it first (an `@` or a defanged one): only those cells are read into JavaScript (converting
 * every observable of a 1M-row scan cost ~20% of extract's time).
 */
function withUserInfoHidden(series: Series): Series {
  const at = series.str.contains(USER_INFO_SCREEN).argTrue();
  if (at.length === 0) return series;
  const values = gatherRows(series, at).toArray() as (string | null)[];
  let changed = false;
  const out = values.map((v) => {
    if (v === null) return v;
    const hidden = hideUrlUserInfo(v);
    if (hidden !== v) changed = true;
    return hidden;
  });
  if (!changed) return series;
  const result = series.clone();
  result.scatter(at, pl.Series(series.name, out, pl.Utf8));
  return result;
}

/**
 * The `Input` column with each URL's user info shown as `***`. A cell is repeated once per observable found in it,
 * so each distinct (row, column) cell among those polars' screen passes is read and rewritten once and put back at
 * each of its copies: reading every copy made one 210 KB cell with 8,000 URLs 3.5 GB of strings and 24 s.
 */
function inputUserInfoHidden(input: Series, rows: Series, cols: Series): Series {
  const picked = input.str.contains(USER_INFO_SCREEN).argTrue();
  if (picked.length === 0) return input;
  const r = gatherRows(rows, picked).toArray() as unknown as ArrayLike<number>;
  const c = gatherRows(cols, picked).toArray() as unknown as ArrayLike<number>;
  let width = 1;
  for (let k = 0; k < c.length; k++) if (Number(c[k]) + 1 > width) width = Number(c[k]) + 1;
  const slot = new Map<number, number>();
  const first: number[] = [];
  const at = new Uint32Array(r.length);
  for (let k = 0; k < r.length; k++) {
    const key = Number(r[k]) * width + Number(c[k]);
    let s = slot.get(key);
    if (s === undefined) {
      s = first.length;
      slot.set(key, s);
      first.push(k);
    }
    at[k] = s;
  }
  const distinct = gatherRows(gatherRows(input, picked), pl.Series("i", first, pl.UInt32));
  const hidden = withUserInfoHidden(distinct);
  if (hidden === distinct) return input;
  const result = input.clone();
  result.scatter(picked, gatherRows(hidden, pl.Series("i", Array.from(at), pl.UInt32)).rename(input.name));
  return result;
}

/** A prefilter polars can run: nodejs-polars gives nulls, not an error, for a regex its engine refuses. */
function checkPrefilter(name: string, prefilter: string): void {
  let detail = "";
  try {
    if (typeof prefilter === "string" && pl.Series("t", ["x"]).str.contains(prefilter).nullCount() === 0) return;
  } catch (err) {
    detail = (err as Error).message.split("\n")[0];
  }
  throw new IocExtractError(msg.iocPrefilterInvalid(name, String(prefilter), detail));
}


/**
 * `series[rows]`, the row numbers given as a UInt32 Series: gathered by polars
 * (`gather` with a Series literal), not through a JavaScript array of a
 * million numbers.
 */
function gatherRows(series: Series, rows: Series): Series {
  // An empty list literal explodes to one null: no rows, no gather.
  if (rows.length === 0) return series.slice(0, 0);
  return pl.DataFrame([series.rename("v")]).select(pl.col("v").gather(pl.lit(rows).explode())).getColumn("v").rename(series.name);
}

/** The scanned cells (`Input`): column `cols[i]` of source row `rows[i]`. */
function inputCells(texts: Series[], rows: Series, cols: Series): Series {
  const gathered = texts.map((t, ci) => gatherRows(t, rows).rename(`c${ci}`));
  if (texts.length === 1) return gathered[0].rename("Input");
  let pick = pl.col("c0");
  for (let ci = 1; ci < texts.length; ci++) pick = pl.when(pl.col("ci").eq(pl.lit(ci))).then(pl.col(`c${ci}`)).otherwise(pick);
  return pl
    .DataFrame([...gathered, cols.rename("ci")])
    .select(pick.alias("Input"))
    .getColumn("Input");
}

export type { BuiltinIocType };
export { BUILTIN_IOC_TYPES };
