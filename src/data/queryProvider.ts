/**
 * QueryProvider: MSTICPy's query provider, for local data and live SIEMs
 * (MSSentinel, Kusto, Splunk, Elasticsearch; see live/liveProvider.ts). Each
 * data family is a property and each query an async method returning a polars
 * DataFrame: `await qp.WindowsSecurity.list_host_logons({ start, end })`.
 */
import { notAFrameText } from "../common/notAFrame";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { QueryDefinitionError, QueryError, dataMessages as msg } from "./messages";
import type { HuntlabConfig } from "../config/config";
import { LAB_DATA_DIR } from "../common/paths";
import { anyOfQuery, DataFileIndex, runLocalLazy, runLocalQueryAsync, timeRole, type QueryParams, type QueryRunOptions } from "./localData";
import { KernelInterrupt, operationSignal, type InterruptOptions } from "../common/interrupt";
import { fileQueries } from "./fileQueries";
import { environmentNames, namesEnvironment } from "./environmentNames";
import { loadProviderQueries } from "./queryStore";
import type { Displayable } from "../display/protocol";
// Query results render as huntlab's table when a cell ends with them in tslab
// (and so do the frames derived from them: head, filter, select, join…).
import { withRichLastValue as rich } from "../display/lastValue";
import { dataFormat, foreignFormat, type ReadOptions } from "./readers";
import type { QueryDefinition } from "./types";
import { copyRange, formatLiveHelp, LIVE_ENVIRONMENTS, LiveDataProvider, timeRangeDates, type LiveProviderOptions, type TimeRange } from "./live/liveProvider";
import type { LiveEnvironment } from "./live/types";
import { revealLines } from "../common/hiddenChars";
import { compareText } from "../common/textOrder";
import { liveProviderOptions, localDataOptions, runOptions } from "./providerOptions";

export type { QueryParams, QueryRunOptions } from "./localData";
export type { LiveProviderOptions, TimeRange, LiveProgress } from "./live/liveProvider";

/** Data environments this provider can query. */
export type DataEnvironment = "LocalData" | LiveEnvironment;

/** Options of `new QueryProvider("LocalData", options)`. */
export interface LocalDataOptions {
  /**
   * Folders (searched recursively) or files holding the data: CSV/TSV,
   * NDJSON, JSON, Parquet, Arrow IPC, and folders of Parquet files read as one
   * dataset (hive-partitioned `date=…/part-0.parquet`). Default: the lab data
   * bundled with huntlab. One path may be given as text: `"exports"` is `["exports"]`.
   */
  dataPaths?: string | readonly string[];
  /**
   * Make every data file (and Parquet dataset folder) that no query file reads
   * a query: named after its stem, in a family named after its folder
   * (`LocalData` at the top). Default: true, except when the data paths are
   * the bundled lab data folder (whose files the lab's queries read).
   */
  fileQueries?: boolean;
  /**
   * Folders or files of query definitions (MSTICPy YAML). Default: the lab's
   * queries bundled with huntlab. The config's `QueryDefinitions.Custom`
   * folders are read too, as MSTICPy does: after the bundled queries, before
   * these (a later file's query replaces an earlier one of the same name).
   * One path may be given as text.
   */
  queryPaths?: string | readonly string[];
  /** msticpyconfig.yaml to read `QueryDefinitions.Custom` from. Default: as `loadConfig` finds it. */
  configPath?: string;
  /** A loaded config (instead of configPath). */
  config?: HuntlabConfig;
  /** Told of each YAML file in the query paths skipped as not a query file (empty, a list…) or a broken symbolic link, of each entry of the data paths skipped (a broken link, an unreadable folder, a FIFO), and of a data file's part a read skips (a Zeek JSON log's cut last line). Default: printed as `Warning: …`. */
  warn?: (message: string) => void;
  /** How text data files are read (time parsing, CSV type inference). */
  readOptions?: ReadOptions;
  /** Default time window for queries called without start/end (ends as datetime parameters take them: `{ start: "-7d" }`). Default: none (absent start/end = all the data). */
  timeRange?: TimeRange;
  /**
   * Interrupt Kernel stops a running query (`"kernel"`, the default, inside a
   * tslab or Deno kernel), or `"never"`. An interrupted query rejects at once
   * with `data/query-interrupted`; a file read under way finishes in the
   * background and its rows are dropped.
   */
  interrupt?: InterruptOptions["interrupt"];
  /** Aborting it stops the running query (and makes every later one fail at once). Default: none. */
  signal?: AbortSignal;
}

/** One query, callable: `await fn(params?, options?)`. */
export interface QueryFunction {
  (params?: QueryParams, options?: QueryRunOptions): Promise<pl.DataFrame>;
  /** The query's definition (description, parameters, data file). */
  readonly definition: QueryDefinition;
  /**
   * The query as a polars LazyDataFrame, nothing read yet: filters and the
   * column selection are pushed down when it is collected, for aggregations
   * over big Parquet datasets. Not mapped by `metadata.schema`.
   */
  lazy(params?: QueryParams, options?: QueryRunOptions): pl.LazyDataFrame;
  /** Help text: description, parameters and data file. */
  help(): string;
}

/**
 * The queries of one data family, by name. A dotted family's parts are
 * nested as in MSTICPy (`qp.Azure.Sentinel.query` for `Azure.Sentinel`), so a
 * member may also hold further families: typed as both, for notebook cells.
 */
// An interface, not a type alias: TypeScript's incremental check lost the alias's recursion after an edit elsewhere
// (qp.Azure.Sentinel typed as a bare QueryFunction until its build info was deleted).
export interface QueryFamily {
  [query: string]: QueryFunction & QueryFamily;
}

/** What a provider offers besides its families. */
export interface QueryProviderMethods {
  /** The data environment, e.g. `LocalData`. */
  readonly environment: DataEnvironment;
  /** Every query under `all_queries`, by name (as in MSTICPy). */
  readonly all_queries: QueryFamily;
  /** Sorted `Family.query` names. */
  listQueries(): string[];
  /** The data families, sorted. */
  listFamilies(): string[];
  /** The definitions of every query, sorted by `Family.query`. */
  queryDefinitions(): QueryDefinition[];
  /** Help text of one query (`"WindowsSecurity.list_host_logons"`). */
  queryHelp(name: string): string;
  /**
   * Runs a query given as text. For LocalData that is a data file name
   * (`"host_logons.parquet"`), as MSTICPy's `exec_query`; for a live provider,
   * a query in the service's language; a `Family.query` name runs that query with `params`.
   */
  execQuery(query: string, params?: QueryParams, options?: QueryRunOptions): Promise<pl.DataFrame>;
  /**
   * For pivots (LocalData only): runs the `Family.query` named once for all
   * `values` of its `equals` column parameter `parameter` (one read, an `in`
   * filter); the rows of every value's own query, in the file's order.
   * Undefined when that parameter is no such filter.
   * @internal
   */
  execQueryAnyOf?(query: string, params: QueryParams, parameter: string, values: readonly string[]): Promise<pl.DataFrame | undefined>;
  /**
   * Shows the interactive query browser in the notebook. Returns nothing, so
   * that tslab does not also print the browser object as the cell's value
   * (`new QueryBrowser(qp.queryDefinitions())` gives the object itself).
   */
  browseQueries(options?: BrowseQueriesOptions): Displayable;
}

/** Connection and default time window: LocalData and live providers. */
export interface QueryProviderConnection {
  /**
   * Connects a live provider (signs in, checks the settings; options override
   * msticpyconfig.yaml, e.g. `{ workspace: "Default" }`). LocalData: nothing to do.
   */
  connect(options?: Record<string, unknown>): Promise<void>;
  /** True when queries can run (LocalData: always; live: after connect()). */
  readonly connected: boolean;
  /** The default time window of queries called without start/end (MSTICPy's query_time). */
  readonly timeRange: { start?: Date; end?: Date };
  /** Sets the default time window (a Date, time text or relative time per end, resolved now: `{ start: "-1d@d" }`); `{}` clears it. */
  setTimeRange(range: TimeRange): void;
  /** Warnings of the last live query (server limits, partial results); LocalData: none. */
  readonly lastWarnings: string[];
}

/** Options of `qp.browseQueries()` (the vis layer's `QueryBrowserOptions`). */
export interface BrowseQueriesOptions {
  /** Variable name of the query provider in call examples. Default `"qp"`. */
  providerVariable?: string;
  /** Heading shown above the browser. Default `"Queries"`. */
  title?: string;
  /** Height of the query list in CSS pixels. Default `300`. */
  height?: number;
}

/**
 * Shows the query browser of a provider. The browser is an HTML view of the
 * vis layer, which data/ does not depend on: the package entry registers it.
 */
export type QueryBrowserHook = (provider: QueryProviderMethods, options: BrowseQueriesOptions) => Displayable;

let queryBrowserHook: QueryBrowserHook | undefined;

/** Installs what `qp.browseQueries()` shows (called once by the package entry, src/index.ts). */
export function registerQueryBrowser(hook: QueryBrowserHook): void {
  queryBrowserHook = hook;
}

/** A query provider: its methods plus one property per data family. */
export type QueryProvider = QueryProviderMethods & QueryProviderConnection & { [family: string]: QueryFamily };

/** The constructor: `new QueryProvider("LocalData", { dataPaths, queryPaths })`. */
export interface QueryProviderConstructor {
  new (environment: "LocalData", options?: LocalDataOptions): QueryProvider;
  new (environment: LiveEnvironment, options?: LiveProviderOptions): QueryProvider;
  // A name held in a `string` variable (a notebook's parameters cell): checked when the provider is made.
  new (environment: DataEnvironment | (string & {}), options?: LocalDataOptions & LiveProviderOptions): QueryProvider;
  /** The data environments huntlab supports. */
  listDataEnvironments(): DataEnvironment[];
}

/** Property names JavaScript machinery probes; never reported as unknown families or queries. */
const PROBED = new Set(["then", "catch", "finally", "toJSON", "constructor", "prototype", "asymmetricMatch", "nodeType", "$$typeof", "inspect", "length", "name", "call", "apply", "bind", "toString", "valueOf", "__esModule"]);

function isProbe(prop: string | symbol): boolean {
  return typeof prop === "symbol" || PROBED.has(prop) || prop.startsWith("_") || prop.startsWith("@@");
}

/** Wraps an object so that reading a property it lacks throws a helpful error instead of returning undefined. */
function strict<T extends object>(target: T, unknown: (prop: string) => Error): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop in obj || isProbe(prop)) return Reflect.get(obj, prop, receiver);
      // Query and family names from file names are in NFC: a name typed in NFD (pasted from macOS) finds them too.
      const nfc = typeof prop === "string" ? prop.normalize("NFC") : prop;
      if (nfc !== prop && nfc in obj) return Reflect.get(obj, nfc, receiver);
      throw unknown(prop as string);
    },
  });
}

/** A query's help text, as `qp.Family.query.help()` and `qp.queryHelp(name)` give it: description, data file, schema, parameters (type, default, the column each filters) and the file it is defined in. */
export function formatQueryHelp(q: QueryDefinition): string {
  const lines = [`${q.family}.${q.name}: ${q.description}`, `  data file: ${q.query}`];
  if (q.schema) lines.push(`  schema: ${q.schema}`);
  lines.push("  parameters:");
  if (!q.parameters.length) lines.push("    (none)");
  for (const p of q.parameters) {
    const absent = p.default === undefined || p.default === null;
    const dflt = timeRole(p) && absent ? "optional, absent: all time" : p.required ? "required" : `optional, default ${JSON.stringify(p.default ?? null)}`;
    const filter = p.column ? `; filters ${p.column} (${p.match ?? "equals"})` : "";
    lines.push(`    ${p.name} (${p.type}, ${dflt}): ${p.description}${filter}`);
  }
  lines.push(`  defined in: ${q.sourceFile}`);
  // Query files come from elsewhere too: control and bidi characters as escapes, as the query browser shows them.
  return revealLines(lines.join("\n"));
}

/** True when `p` is the bundled lab data folder (its answers and TI feed are not queries). */
function isLabData(p: string): boolean {
  try {
    return fs.realpathSync(p) === fs.realpathSync(LAB_DATA_DIR);
  } catch {
    return false;
  }
}

/** The provider's own fields: a family of that name would hide them. */
const PROVIDER_FIELDS = ["environment", "all_queries", "queries", "index", "readOptions", "familyNames", "range", "live", "connected", "timeRange", "lastWarnings", "interruptOptions", "runQuery"];

/**
 * Sets one strict family object per data family on `provider` and returns the
 * sorted family names and `all_queries`. Query names come from YAML: defined
 * (not assigned) properties, so a query called "__proto__" is an own property,
 * never the object's prototype.
 */
function attachFamilies(provider: object, queries: readonly QueryDefinition[], makeFunction: (q: QueryDefinition) => QueryFunction): { familyNames: string[]; all: QueryFamily } {
  const define = (target: QueryFamily, name: string, fn: QueryFunction): void => {
    Object.defineProperty(target, name, { value: fn, enumerable: true, configurable: true, writable: true });
  };
  const strictFamily = (family: string, members: QueryFamily) => strict(members, (prop) => new QueryError(msg.unknownQueryInFamily(prop, family, Object.keys(members))));
  const families = new Map<string, QueryFamily>();
  const all: QueryFamily = {};
  for (const q of queries) {
    // A callable `then` makes the family (and all_queries) a thenable: `await qp.Fam` would call it and never settle.
    if (q.name === "then") throw new QueryDefinitionError(msg.thenName(q.sourceFile, `query "then" of data family ${q.family}`));
    // A dotted family's parts are properties too (`then.X` would make the provider a thenable).
    if (q.family.split(".").includes("then")) throw new QueryDefinitionError(msg.thenName(q.sourceFile, `data family "${q.family}"`));
    const fn = makeFunction(q);
    const family = families.get(q.family) ?? {};
    define(family, q.name, fn);
    families.set(q.family, family);
    define(all, q.name, fn);
  }
  const clashes = (name: string) => name in provider || PROVIDER_FIELDS.includes(name);
  for (const [name, members] of families) {
    if (clashes(name)) throw new QueryError(msg.familyClash(name));
    (provider as Record<string, QueryFamily>)[name] = strictFamily(name, members);
  }
  nestDottedFamilies(provider as Record<string, QueryFamily>, families, strictFamily, clashes);
  return { familyNames: [...families.keys()].sort(), all: strictFamily("all_queries", all) };
}

/**
 * MSTICPy nests a dotted data family (`data_families: [Azure.Sentinel]`) as
 * `qp.Azure.Sentinel.query` (its provider's `_add_query_functions`): each
 * part is a property of the one before, the family of that name when there
 * is one (its queries beside the nested parts), else a container of the
 * parts. The dotted name stays a family of its own (`qp["Azure.Sentinel"]`).
 * Names with an empty part (`A..B`) are only reached whole.
 */
function nestDottedFamilies(provider: Record<string, QueryFamily>, families: ReadonlyMap<string, QueryFamily>, wrap: (name: string, members: QueryFamily) => QueryFamily, clashes: (name: string) => boolean): void {
  /** The members of each path (`Azure`, `Azure.Sentinel`), and what is seen from outside: the wrapped members. */
  const nodes = new Map<string, { members: QueryFamily; wrapped: QueryFamily }>();
  for (const [name, members] of families) nodes.set(name, { members, wrapped: provider[name] });
  const node = (path: string) => {
    let found = nodes.get(path);
    if (!found) {
      const members: QueryFamily = {};
      found = { members, wrapped: wrap(path, members) };
      nodes.set(path, found);
    }
    return found;
  };
  for (const name of [...families.keys()].sort()) {
    const parts = name.split(".");
    if (parts.length < 2 || parts.includes("")) continue;
    if (!families.has(parts[0])) {
      const top = node(parts[0]);
      if (provider[parts[0]] !== top.wrapped) {
        if (clashes(parts[0])) throw new QueryError(msg.familyClash(parts[0]));
        provider[parts[0]] = top.wrapped;
      }
    }
    for (let k = 1; k < parts.length; k++) {
      const parentPath = parts.slice(0, k).join(".");
      const parent = node(parentPath).members;
      const child = node(parts.slice(0, k + 1).join("."));
      const existing: unknown = Object.hasOwn(parent, parts[k]) ? parent[parts[k]] : undefined;
      if (existing === child.wrapped) continue;
      if (existing !== undefined) throw new QueryError(msg.familyQueryClash(name, parentPath, parts[k]));
      Object.defineProperty(parent, parts[k], { value: child.wrapped, enumerable: true, configurable: true, writable: true });
    }
  }
}


/** `params` with the provider's default start/end added where the query has time parameters and the caller gave none. */
function withTimeRange(q: QueryDefinition, params: QueryParams | undefined, range: { start?: Date; end?: Date }): QueryParams | undefined {
  if (range.start === undefined && range.end === undefined) return params;
  const out: QueryParams = { ...(params ?? {}) };
  for (const p of q.parameters) {
    const role = timeRole(p);
    if (!role || range[role] === undefined) continue;
    if ([p.name, ...p.aliases].some((n) => out[n] !== undefined)) continue;
    out[p.name] = range[role];
  }
  return out;
}

class LocalDataProvider implements QueryProviderMethods, QueryProviderConnection {
  readonly environment: DataEnvironment = "LocalData";
  private range: { start?: Date; end?: Date } = {};
  readonly all_queries: QueryFamily;
  private readonly queries: QueryDefinition[];
  private readonly index: DataFileIndex;
  private readonly readOptions: ReadOptions;
  private readonly familyNames: string[];
  private readonly interruptOptions: InterruptOptions;

  constructor(environment: DataEnvironment, given?: LocalDataOptions) {
    if ((environment as string) !== "LocalData") {
      throw new QueryError(msg.unsupportedEnvironment(String(environment), ["LocalData", ...LIVE_ENVIRONMENTS]));
    }
    // Checked first: a misspelt dataPaths read the bundled lab data instead, silently. The paths come back as copies.
    const options = localDataOptions('QueryProvider("LocalData")', given);
    this.range = timeRangeDates(options.timeRange, "timeRange");
    const dataPaths = options.dataPaths ?? [LAB_DATA_DIR];
    this.index = new DataFileIndex(dataPaths, { warn: options.warn });
    // Reads warn where the provider does (a Zeek JSON log's cut last line), unless readOptions says otherwise.
    this.readOptions = { warn: options.warn, ...options.readOptions };
    this.interruptOptions = { interrupt: options.interrupt ?? "kernel", ...(options.signal ? { signal: options.signal } : {}) };
    const { paths: queryPaths, queries: defined } = loadProviderQueries("LocalData", LAB_DATA_DIR, options);
    const discover = options.fileQueries ?? !dataPaths.every(isLabData);
    // A folder named like a provider member (`index`, `queries`, `execQuery`…) gets a family `<name>_files`.
    const reserved = (family: string) => family in this || PROVIDER_FIELDS.includes(family);
    // Asked for explicitly, every file is listed, answer files included.
    const fromFiles = discover ? fileQueries(this.index, defined, reserved, options.fileQueries === undefined) : [];
    this.queries = [...defined, ...fromFiles].sort((a, b) => compareText(`${a.family}.${a.name}`, `${b.family}.${b.name}`));
    if (!this.queries.length) {
      throw new QueryError(msg.noQueries("LocalData", environmentNames("LocalData"), queryPaths));
    }
    const { familyNames, all } = attachFamilies(this, this.queries, (q) => this.makeQueryFunction(q));
    this.familyNames = familyNames;
    this.all_queries = all;
  }

  private makeQueryFunction(q: QueryDefinition): QueryFunction {
    const run = (params?: QueryParams, options?: QueryRunOptions) => this.runQuery(q, withTimeRange(q, params, this.range), options);
    const lazy = (params?: QueryParams, options?: QueryRunOptions) => runLocalLazy(this.index, q, withTimeRange(q, params, this.range), this.readOptions, runOptions(`${q.family}.${q.name}.lazy`, options));
    return Object.assign(run, { definition: q, help: () => formatQueryHelp(q), lazy }) as QueryFunction;
  }

  /**
   * Runs a query off the JavaScript thread (polars' asynchronous collects),
   * under Interrupt Kernel and the provider's signal: an interrupt rejects at
   * once, and the query's later steps never run (no output after the cell).
   */
  private async runQuery(q: QueryDefinition, params: QueryParams | undefined, options: QueryRunOptions | undefined): Promise<pl.DataFrame> {
    const run = runOptions(q.family === "execQuery" ? `execQuery(${JSON.stringify(q.name)})` : `${q.family}.${q.name}`, options);
    const op = operationSignal(this.interruptOptions);
    try {
      return rich(await runLocalQueryAsync(this.index, q, params, this.readOptions, run, op.signal));
    } catch (err) {
      if (!op.signal.aborted) throw err;
      const reason: unknown = op.signal.reason;
      const why = reason instanceof KernelInterrupt ? "Interrupt Kernel" : reason instanceof Error && reason.message ? reason.message : "signal aborted";
      throw new QueryError(msg.queryInterrupted(`query ${q.family}.${q.name}`, why), { cause: reason });
    } finally {
      op.release();
    }
  }

  /** LocalData needs no connection (MSTICPy's LocalData connect() does nothing either). */
  async connect(): Promise<void> {}

  get connected(): boolean {
    return true;
  }

  get timeRange(): { start?: Date; end?: Date } {
    return copyRange(this.range);
  }

  get lastWarnings(): string[] {
    return [];
  }

  // One line, as the live providers print: the default inspect dumped every query function and the file index (10 kB).
  [inspect.custom](): string {
    return this.toString();
  }

  toJSON(): { environment: string; queries: number; dataPaths: number } {
    return { environment: this.environment, queries: this.queries.length, dataPaths: this.index.dataPaths.length };
  }

  toString(): string {
    const paths = this.index.dataPaths.length;
    return `QueryProvider(${this.environment}, ${this.queries.length} queries, ${paths} data path${paths === 1 ? "" : "s"})`;
  }

  setTimeRange(range: TimeRange): void {
    this.range = timeRangeDates(range, "setTimeRange");
  }

  listQueries(): string[] {
    return this.queries.map((q) => `${q.family}.${q.name}`);
  }

  listFamilies(): string[] {
    return [...this.familyNames];
  }

  /** Copies: changing one (a parameter's column, say) must not change what the provider's queries do. */
  queryDefinitions(): QueryDefinition[] {
    return this.queries.map((q) => structuredClone(q));
  }

  private find(name: string): QueryDefinition {
    const found = this.queries.find((q) => `${q.family}.${q.name}` === name) ?? (name.includes(".") ? undefined : this.queries.find((q) => q.name === name));
    if (!found) throw new QueryError(msg.unknownQuery(name, this.listQueries()));
    return found;
  }

  queryHelp(name: string): string {
    return formatQueryHelp(this.find(name));
  }

  async execQuery(query: string, params?: QueryParams, options?: QueryRunOptions): Promise<pl.DataFrame> {
    if (typeof query !== "string") throw new QueryError(msg.execQueryText(notAFrameText(query)));
    const text = query.trim();
    const named = this.queries.find((q) => `${q.family}.${q.name}` === text) ?? this.queries.find((q) => `${q.family}.${q.name}` === text.normalize("NFC"));
    if (named) return this.runQuery(named, withTimeRange(named, params, this.range), options);
    // `Family.query` misspelt, not a file: named as an unknown query with close names (it was "data file not found").
    if (this.isMisspeltQuery(text)) throw new QueryError(msg.unknownQuery(text, this.listQueries()));
    if (params && Object.keys(params).length) {
      throw new QueryError(msg.parametersOnFile(text));
    }
    const adHoc: QueryDefinition = {
      family: "execQuery",
      name: text,
      description: "ad-hoc query",
      query: text,
      parameters: [],
      metadata: {},
      sourceFile: "(execQuery)",
    };
    return this.runQuery(adHoc, undefined, options);
  }

  /**
   * `Family.query` (`Azure.Sentinel.query` for a dotted family) whose first part begins a family there is, naming no
   * query of it and no data file (`notes.txt` is a file name). A dotted family's query misspelt (`Azure.Sentinel.signin`)
   * was looked for as a data file ("data file not found").
   */
  private isMisspeltQuery(text: string): boolean {
    if (!/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(text) || dataFormat(text) || foreignFormat(text)) return false;
    const first = text.slice(0, text.indexOf(".")).toLowerCase();
    return this.queries.some((q) => q.family.split(".")[0].toLowerCase() === first) && !this.isDataFileName(text);
  }

  /** Whether `name` finds a data file (an ambiguous one does: its read names the ambiguity). */
  private isDataFileName(name: string): boolean {
    try {
      return this.index.find(name, `execQuery("${name}")`) !== undefined;
    } catch {
      return true;
    }
  }

  async execQueryAnyOf(query: string, params: QueryParams, parameter: string, values: readonly string[]): Promise<pl.DataFrame | undefined> {
    const any = anyOfQuery(this.find(query), parameter, values);
    if (!any) return undefined;
    return this.runQuery(any.query, withTimeRange(any.query, { ...params, [parameter]: any.values }, this.range), undefined);
  }

  browseQueries(options: BrowseQueriesOptions = {}): Displayable {
    if (!queryBrowserHook) throw new QueryError(msg.noQueryBrowser());
    return queryBrowserHook(this, options);
  }
}

/** Families and methods of a live provider; the shared live layer does the work. */
class LiveProvider implements QueryProviderMethods, QueryProviderConnection {
  readonly all_queries: QueryFamily;
  private readonly live: LiveDataProvider;
  private readonly familyNames: string[];

  constructor(environment: LiveEnvironment, options?: LiveProviderOptions) {
    this.live = new LiveDataProvider(environment, liveProviderOptions(`QueryProvider("${environment}")`, options));
    const { familyNames, all } = attachFamilies(this, this.live.definitions, (q) => this.makeQueryFunction(q));
    this.familyNames = familyNames;
    this.all_queries = all;
  }

  get environment(): DataEnvironment {
    return this.live.environment;
  }

  get connected(): boolean {
    return this.live.connected;
  }

  get timeRange(): { start?: Date; end?: Date } {
    return this.live.timeRange;
  }

  /** Warnings of the last query (server limits, partial errors). */
  get lastWarnings(): string[] {
    return [...this.live.lastWarnings];
  }

  setTimeRange(range: TimeRange): void {
    this.live.setTimeRange(range);
  }

  connect(options: Record<string, unknown> = {}): Promise<void> {
    return this.live.connect(options);
  }

  private makeQueryFunction(q: QueryDefinition): QueryFunction {
    const run = async (params?: QueryParams, options?: QueryRunOptions) => rich(await this.live.run(q, params, runOptions(`${q.family}.${q.name}`, options)));
    const lazy = (): pl.LazyDataFrame => {
      throw new QueryError(msg.liveConfig(this.live.environment, `${q.family}.${q.name}.lazy()`, "not available for live providers; await the query and call .lazy() on its frame"));
    };
    return Object.assign(run, { definition: q, help: () => formatLiveHelp(q, this.live.environment), lazy }) as QueryFunction;
  }

  listQueries(): string[] {
    return this.live.definitions.map((q) => `${q.family}.${q.name}`);
  }

  listFamilies(): string[] {
    return [...this.familyNames];
  }

  queryDefinitions(): QueryDefinition[] {
    return this.live.definitions.map((q) => structuredClone(q));
  }

  private find(name: string): QueryDefinition {
    const defs = this.live.definitions;
    const found = defs.find((q) => `${q.family}.${q.name}` === name) ?? (name.includes(".") ? undefined : defs.find((q) => q.name === name));
    if (!found) throw new QueryError(msg.unknownQuery(name, this.listQueries()));
    return found;
  }

  queryHelp(name: string): string {
    return formatLiveHelp(this.find(name), this.live.environment);
  }

  /**
   * A `Family.query` name runs that query with `params`; a bare dotted name that is no query (`Azure.signin`) is a
   * `data/unknown-query` error with the close names; any other text runs as a query of the service's language, unchanged.
   */
  async execQuery(query: string, params?: QueryParams, options?: QueryRunOptions): Promise<pl.DataFrame> {
    if (typeof query !== "string") throw new QueryError(msg.execQueryText(notAFrameText(query)));
    const text = query.trim();
    const named = this.live.definitions.find((q) => `${q.family}.${q.name}` === text);
    if (named) return rich(await this.live.run(named, params, runOptions(text, options)));
    // `Family.query` misspelt: a bare dotted name is no query text of any service (KQL and Elasticsearch reject it,
    // SPL would search for the word), so the service's syntax error (or a search with no rows) is replaced by the
    // close names, as LocalData gives. A search for such a word is still `search Azure.signins`.
    if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(text)) throw new QueryError(msg.unknownQuery(text, this.listQueries()));
    if (params && Object.keys(params).length) throw new QueryError(msg.parametersOnFile(text.slice(0, 80)));
    return rich(await this.live.runText(text, runOptions("execQuery", options)));
  }

  browseQueries(options: BrowseQueriesOptions = {}): Displayable {
    if (!queryBrowserHook) throw new QueryError(msg.noQueryBrowser());
    return queryBrowserHook(this, options);
  }

  [inspect.custom](): string {
    return String(this.live);
  }

  toJSON(): unknown {
    return this.live.toJSON();
  }

  toString(): string {
    return String(this.live);
  }
}

/**
 * The provider an environment name means, in any case, MSTICPy's other names too (`AzureSentinel`,
 * `LogAnalytics` → MSSentinel; `AzureDataExplorer` → Kusto); the name itself when none.
 */
function providerName(environment: string): string {
  return ["LocalData", ...LIVE_ENVIRONMENTS].find((e) => namesEnvironment(e, String(environment))) ?? environment;
}

function construct(named: DataEnvironment, options?: LocalDataOptions & LiveProviderOptions): QueryProvider {
  // `new QueryProvider({ dataPaths })` (the options first) said 'data environment "[object Object]"'.
  if (typeof named !== "string") throw new QueryError(msg.environmentNotText(notAFrameText(named)));
  const environment = providerName(named) as DataEnvironment;
  if ((LIVE_ENVIRONMENTS as string[]).includes(environment)) {
    const live = new LiveProvider(environment as LiveEnvironment, options);
    return strict(live, (prop) => new QueryError(msg.unknownFamily(prop, live.environment, live.listFamilies()))) as unknown as QueryProvider;
  }
  const provider = new LocalDataProvider(environment, options);
  return strict(provider, (prop) => new QueryError(msg.unknownFamily(prop, provider.environment, provider.listFamilies()))) as unknown as QueryProvider;
}

/** Called with each QueryProvider made (set by src/pivot, so a cell re-run on another folder re-points the pivots). */
let createdHook: ((provider: QueryProvider) => void) | undefined;

/** Installs what hears of each new QueryProvider (src/pivot's Pivot; data/ does not depend on pivot/). */
export function onQueryProviderCreated(hook: (provider: QueryProvider) => void): void {
  createdHook = hook;
}

/** `new QueryProvider("LocalData", { dataPaths, queryPaths })`. */
export const QueryProvider: QueryProviderConstructor = Object.assign(
  function QueryProvider(this: unknown, environment: DataEnvironment, options?: LocalDataOptions & LiveProviderOptions) {
    if (!new.target) throw new TypeError('QueryProvider must be called with "new"');
    const provider = construct(environment, options);
    createdHook?.(provider);
    return provider;
  } as unknown as QueryProviderConstructor,
  { listDataEnvironments: (): DataEnvironment[] => ["LocalData", ...LIVE_ENVIRONMENTS] },
);
