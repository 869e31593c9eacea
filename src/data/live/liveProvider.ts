/**
 * The live query provider (MSSentinel, Kusto, Splunk, Elasticsearch): the
 * shared part of every driver. Loads the environment's query files, fills the
 * templates with escaped literals, runs long ranges as chunks
 * (`split_query_by`), applies the per-query timeout and Interrupt Kernel,
 * turns the driver's tables into polars frames, and reports server limits and
 * partial errors as warnings naming the query.
 */
import { queryParams, type Listed } from "../providerOptions";
import path from "node:path";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../common/paths";
import { printWarning } from "../../common/messages";
import { operationSignal, KernelInterrupt, type InterruptOptions } from "../../common/interrupt";
import { QueryError, dataMessages as msg, dataWarnings } from "../messages";
import { cutDeeperThan } from "../../common/json";
import { resolveParameters, timeRole, type QueryParams, type QueryRunOptions } from "../localData";
import { environmentNames } from "../environmentNames";
import { loadProviderQueries } from "../queryStore";
import { datetimeValue } from "../timeParsing";
import { normalizeEvents } from "../schemas/index";
import { columnNames, columnOf, frameHeight, frameOf } from "../../common/frames";
import { parseSplitBy, timeChunks, timeLiteralProblem } from "./chunks";
import { liveDriverFactory, liveEnvironments } from "./drivers/index";
import { AnyOfInString, renderTemplate, type TemplateValue } from "./render";
import { AnyOf, rewriteForAlternatives } from "./alternatives";
import { esAnyOfProblem } from "./esdsl";
import { stackChunks, liveFrame } from "./results";
import { createLiveSettings } from "./settings";
import type { HuntlabConfig } from "../../config/config";
import type { QueryDefinition, QueryParameter } from "../types";
import type { LiteralType, LiteralValue, LiveDriver, LiveEnvironment, LiveSettings, LiveTable } from "./types";

/** Folder of each environment's bundled query files, under data/queries/. */
export const LIVE_QUERY_FOLDERS: Record<LiveEnvironment, string> = {
  MSSentinel: "sentinel",
  Kusto: "kusto",
  Splunk: "splunk",
  Elasticsearch: "elasticsearch",
};

/** The live environments. */
export const LIVE_ENVIRONMENTS = Object.keys(LIVE_QUERY_FOLDERS) as LiveEnvironment[];

/**
 * A time window; either end may be absent (open). Each end is read as a
 * datetime query parameter is: a Date, a time text (`"2019-02-12"`), or one of
 * MSTICPy's relative times, resolved when the range is set: a number or integer
 * text is days from now (`-7`, not epoch ms), `"-7d"`, `"-3h"`, `"-1mon"`,
 * `"now"`, `"-1d@d"` (rounded to the day).
 */
export interface TimeRange {
  start?: Date | string | number;
  end?: Date | string | number;
}

/** Progress of a chunked query. */
export interface LiveProgress {
  query: string;
  chunk: number;
  chunks: number;
  start: Date;
  end: Date;
  rows: number;
}

/** Options of `new QueryProvider(<live environment>, options)`. */
export interface LiveProviderOptions {
  /**
   * Folders or files of query definitions. Default: the bundled
   * data/queries/<sentinel|kusto|splunk|elasticsearch>. The config's
   * `QueryDefinitions.Custom` folders are read too, as LocalData does: after
   * the bundled queries, before these (a later file's query replaces an earlier one).
   * One path may be given as text.
   */
  queryPaths?: string | readonly string[];
  /** msticpyconfig.yaml to read `QueryDefinitions.Custom` from (at construction) and the settings from (at connect()). Default: as loadConfig finds it. */
  configPath?: string;
  /** A loaded config (instead of configPath). */
  config?: HuntlabConfig;
  /** Default time window for queries called without start/end (MSTICPy's query_time). Default: none (all time). */
  timeRange?: TimeRange;
  /** Per-request timeout, ms: each query (and chunk), and apart from it the sign-in of connect() or a token renewed before a query or after a 401 mid-query (the query's timer paused meanwhile). Default: the config's TimeoutSeconds, else 300 000 (5 min). */
  timeoutMs?: number;
  /** Retries of 429/5xx answers (Retry-After honoured). Default: the config's Retries, else 3. */
  retries?: number;
  /** First backoff without Retry-After, ms. Default 1000. */
  retryBackoffMs?: number;
  /** Longest Retry-After honoured, ms. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Progress of chunked queries. Default: one line per chunk on stdout. */
  onProgress?: (progress: LiveProgress) => void;
  /** Warnings (limits, partial errors, TLS off, skipped query files). Default: a "Warning:" line on stdout. */
  warn?: (message: string) => void;
  /** Interrupt Kernel cancels the running request (default "kernel"), or "never". */
  interrupt?: InterruptOptions["interrupt"];
  /** Aborting it cancels the running request (and every later one). Default: none. */
  signal?: AbortSignal;
}

/** What the live provider keeps out of sight (no inspect/JSON/spread can reach the settings, whose Args hold secrets). */
interface Hidden {
  settings?: LiveSettings & { timeoutMs?: number };
  driver?: LiveDriver;
  /** The latest connect() call (its token): only it installs its driver. */
  connecting?: object;
}
const HIDDEN = new WeakMap<object, Hidden>();

/** A time window with Dates of its own (Dates are mutable: a window handed out must not be the provider's). */
export function copyRange(range: { start?: Date; end?: Date }): { start?: Date; end?: Date } {
  const out: { start?: Date; end?: Date } = {};
  if (range.start) out.start = new Date(range.start.getTime());
  if (range.end) out.end = new Date(range.end.getTime());
  return out;
}

/** Default per-request timeout, ms. */
export const DEFAULT_LIVE_TIMEOUT_MS = 300_000;

/** Nesting kept in a SIEM answer's values; deeper arrays and objects are null (Elasticsearch's hits: MAX_ELASTIC_DEPTH). */
const MAX_LIVE_DEPTH = 64;

/**
 * The start/end of a range as Dates (undefined when open), read as datetime
 * parameters are (`datetimeValue`): relative times resolve now, when the range is set.
 */
export function timeRangeDates(range: TimeRange | undefined, what: string): { start?: Date; end?: Date } {
  const out: { start?: Date; end?: Date } = {};
  // Copies: the caller's Date changed later must not move the window (nor the window's, handed out, the provider's).
  if (range?.start !== undefined && range.start !== null && range.start !== "") out.start = new Date(datetimeValue(range.start, `${what}: start`).getTime());
  if (range?.end !== undefined && range.end !== null && range.end !== "") out.end = new Date(datetimeValue(range.end, `${what}: end`).getTime());
  return out;
}

/** Help text of a live query: description, parameters and the template. */
export function formatLiveHelp(q: QueryDefinition, environment: string): string {
  const lines = [`${q.family}.${q.name}: ${q.description}`, `  ${environment} query: ${q.query.split("\n").map((l) => l.trim()).join(" ").slice(0, 400)}`, "  parameters:"];
  if (!q.parameters.length) lines.push("    (none)");
  for (const p of q.parameters) {
    const absent = p.default === undefined || p.default === null;
    const dflt = timeRole(p) && absent ? "optional, absent: the provider's time range" : p.required ? "required" : `optional, default ${JSON.stringify(p.default ?? null)}`;
    lines.push(`    ${p.name} (${p.type}, ${dflt}): ${p.description}`);
  }
  lines.push(`  defined in: ${q.sourceFile}`);
  return lines.join("\n");
}

/** One value as the literal writers take it. */
function literalValue(value: unknown, where: string, name: string): LiteralValue | null {
  if (value === null || value === undefined) return null;
  // A list from a column (`df.getColumn(c).toArray()`) holds nulls: they are no values to match, not the text "null".
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => scalarValue(v, where, name));
  return scalarValue(value, where, name);
}

/** One value as a literal's input: an object (which would be written "[object Object]") is an error naming the parameter. */
function scalarValue(v: unknown, where: string, name: string): string | number | boolean | Date {
  if (v instanceof Date) {
    const problem = timeLiteralProblem(v);
    if (problem) throw new QueryError(msg.liveLiteral(where, name, problem));
    return v;
  }
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  // polars gives 64-bit integers as bigint: exact as a number up to 2^53, refused beyond (rounding would match other rows).
  if (typeof v === "bigint" && Number.isSafeInteger(Number(v))) return Number(v);
  if (typeof v === "bigint") throw new QueryError(msg.liveLiteral(where, name, `${v} is beyond the integers a query literal holds exactly (±2^53)`));
  throw new QueryError(msg.liveLiteral(where, name, `${Array.isArray(v) ? "a nested list" : typeof v === "object" ? "an object" : `a ${typeof v}`} is not a value a query can take`));
}

/** The live provider (wrapped by queryProvider.ts into the strict proxy with one property per family). */
export class LiveDataProvider {
  readonly environment: LiveEnvironment;
  /** Warnings of the last query (limits, partial errors). */
  lastWarnings: string[] = [];
  /** Query and parameter pairs whose several forms were sent as one (warned once). */
  private readonly alternativesWarned = new Set<string>();
  private range: { start?: Date; end?: Date };
  private readonly options: Listed<LiveProviderOptions, "queryPaths">;
  readonly definitions: QueryDefinition[];

  /** `options` as `liveProviderOptions` checked them (the query paths a list). */
  constructor(environment: LiveEnvironment, options: Listed<LiveProviderOptions, "queryPaths"> = {}) {
    if (!liveDriverFactory(environment)) throw new QueryError(msg.liveNoDriver(environment, liveEnvironments()));
    this.environment = environment;
    this.options = options;
    this.range = timeRangeDates(options.timeRange, `${environment} timeRange`);
    const { paths, queries } = loadProviderQueries(environment, path.join(LAB_DATA_DIR, "queries", LIVE_QUERY_FOLDERS[environment]), options);
    this.definitions = queries;
    if (!this.definitions.length) throw new QueryError(msg.noQueries(environment, environmentNames(environment), paths));
    HIDDEN.set(this, {});
  }

  /** True once connect() has succeeded. */
  get connected(): boolean {
    return HIDDEN.get(this)?.driver?.connected ?? false;
  }

  /** The default time window (MSTICPy's query_time). */
  get timeRange(): { start?: Date; end?: Date } {
    return copyRange(this.range);
  }

  /** Sets the default time window for queries called without start/end; `{}` clears it. */
  setTimeRange(range: TimeRange): void {
    this.range = timeRangeDates(range, `${this.environment} setTimeRange`);
  }

  /**
   * Signs in and checks the settings: config `DataProviders.<env>` (and for
   * MSSentinel `AzureSentinel.Workspaces.<workspace>`) with the options
   * overriding them, e.g. `{ workspace: "Default" }`, `{ auth_method: "device_code" }`.
   */
  async connect(options: Record<string, unknown> = {}): Promise<void> {
    const hidden = HIDDEN.get(this) as Hidden;
    // The last connect() called decides (a cell re-run with another workspace while the first sign-in still waits):
    // an earlier one ending later neither installs its connection nor drops the newer one.
    const attempt = {};
    hidden.connecting = attempt;
    try {
      await this.signIn(hidden, attempt, options);
    } catch (err) {
      // A re-connect that failed leaves no connection: queries would otherwise go on, unnoticed, to the old
      // workspace (cluster, host) while the user means the one just asked for.
      if (hidden.connecting === attempt) {
        delete hidden.driver;
        delete hidden.settings;
      }
      throw err;
    }
  }

  /** connect()'s work: reads the settings, signs in, and installs the driver unless a later connect() was called since. */
  private async signIn(hidden: Hidden, attempt: object, options: Record<string, unknown>): Promise<void> {
    const settings = createLiveSettings({
      environment: this.environment,
      ...(this.options.config ? { config: this.options.config } : {}),
      ...(this.options.configPath ? { configPath: this.options.configPath } : {}),
      options,
      ...(this.options.warn ? { warn: this.options.warn } : {}),
      http: {
        ...(this.options.retries !== undefined ? { retries: this.options.retries } : {}),
        ...(this.options.retryBackoffMs !== undefined ? { retryBackoffMs: this.options.retryBackoffMs } : {}),
        ...(this.options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: this.options.maxRetryAfterMs } : {}),
      },
    });
    const driver = (liveDriverFactory(this.environment) as (s: LiveSettings) => LiveDriver)(settings);
    const op = operationSignal({ interrupt: this.options.interrupt ?? "kernel", ...(this.options.signal ? { signal: this.options.signal } : {}) });
    // Sign-in is bounded like a query: a server that accepts the connection and never answers must not hang connect().
    const timeoutMs = this.options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const where = `${this.environment} connect`;
    try {
      await driver.connect({ ...options, signal: AbortSignal.any([op.signal, timeout]) });
    } catch (err) {
      if (op.signal.aborted) throw new QueryError(msg.liveCancelled(where, reasonOf(op.signal.reason)));
      if (timeout.aborted) throw new QueryError(msg.liveTimeout(where, timeoutMs));
      throw err;
    } finally {
      op.release();
    }
    if (hidden.connecting !== attempt) return;
    hidden.settings = settings;
    hidden.driver = driver;
  }

  /** Told to the user and kept in `into`, the running query's own list (published as lastWarnings when it ends: two queries at once each keep theirs). */
  private warn(message: string, into: string[]): void {
    // Masked once, for both: a warning may quote data that holds a secret (an indexed audit log, say).
    const hidden = HIDDEN.get(this);
    const masked = hidden?.settings ? hidden.settings.mask(message) : message;
    into.push(masked);
    (this.options.warn ?? printWarning)(masked);
  }

  /** Runs a query definition with the caller's parameters. */
  async run(q: QueryDefinition, params: QueryParams = {}, options: QueryRunOptions = {}): Promise<pl.DataFrame> {
    const where = `${q.family}.${q.name}`;
    // Before the connection: parameters that could never be read say so first.
    const checked = queryParams(where, params);
    const hidden = HIDDEN.get(this) as Hidden;
    const driver = hidden.driver;
    const settings = hidden.settings;
    if (!driver || !settings || !driver.connected) throw new QueryError(msg.liveNotConnected(this.environment, where));
    const { split_query_by: splitRaw, ...rest } = checked as QueryParams & { split_query_by?: unknown };
    // Several forms of one text (a Host pivot's names): resolved as the first, compared as each where the template allows.
    const forms = new Map<string, readonly string[]>();
    for (const [key, value] of Object.entries(rest)) {
      if (!(value instanceof AnyOf)) continue;
      forms.set(key, value.values);
      rest[key] = value.values[0];
    }
    const splitMs = parseSplitBy(splitRaw ?? q.metadata.split_query_by, where);
    // The parameters the caller gave: their text may not be a query fragment (render.ts).
    const given = new Set<QueryParameter>();
    const resolved = resolveParameters(q, rest, given, { textLists: true });
    let startParam: QueryParameter | undefined;
    let endParam: QueryParameter | undefined;
    for (const p of q.parameters) {
      const role = timeRole(p);
      if (role === "start") startParam ??= p;
      if (role === "end") endParam ??= p;
    }
    const timeOf = (p: QueryParameter | undefined) => (p ? (resolved.get(p) as Date | null | undefined) ?? undefined : undefined);
    let start = timeOf(startParam) ?? this.range.start;
    let end = timeOf(endParam) ?? this.range.end;
    const bounded = start !== undefined && end !== undefined;
    // One given end is still a window for the service (Splunk filters only by earliest/latest_time).
    const windowed = start !== undefined || end !== undefined;
    // Open ends: from the epoch, up to now (templates always get a datetime).
    start ??= new Date(0);
    end ??= new Date();
    if (start.getTime() > end.getTime()) throw new QueryError(msg.timeRangeReversed(where, start, end));
    const values = new Map<string, TemplateValue>();
    for (const p of q.parameters) {
      const entry: TemplateValue = { value: literalValue(resolved.get(p), where, p.name), type: p.type as LiteralType, origin: given.has(p) ? "caller" : "file", ...(p.default !== null && p.default !== undefined ? { fileDefault: String(p.default) } : {}) };
      values.set(p.name, entry);
      for (const a of p.aliases) values.set(a, entry);
    }
    const windows = splitMs && bounded ? timeChunks(start, end, splitMs) : [{ start, end }];
    const warnings: string[] = [];
    const template = this.withAlternatives(q, forms, values, driver, warnings);
    if (splitMs && !bounded) this.warn(`${where}: split_query_by needs both start and end (or a provider time range); the query ran as one request.`, warnings);
    const frames: pl.DataFrame[] = [];
    try {
      for (const [i, w] of windows.entries()) {
        if (startParam) values.set(startParam.name, { value: w.start, type: "datetime" });
        if (endParam) values.set(endParam.name, { value: w.end, type: "datetime" });
        const text = renderTemplate(template, values, driver.language, where, driver.formatLiteral?.bind(driver));
        const table = await this.request(driver, settings, where, text, windowed ? w : undefined, warnings);
        const frame = liveFrame(table);
        frames.push(frame);
        if (windows.length > 1) {
          const progress: LiveProgress = { query: where, chunk: i + 1, chunks: windows.length, start: w.start, end: w.end, rows: frameHeight(frame) };
          (this.options.onProgress ?? ((p: LiveProgress) => console.log(`${this.environment} ${p.query}: chunk ${p.chunk}/${p.chunks} (${p.start.toISOString()} – ${p.end.toISOString()}): ${p.rows} rows`)))(progress);
        }
      }
    } finally {
      this.lastWarnings = warnings;
    }
    const retyped: string[] = [];
    let df = stackChunks(frames, retyped);
    if (retyped.length) {
      const kind = (c: string) => columnOf(df, c).dtype.variant;
      const list = retyped.map((c) => `${c} (${kind(c) === "Float64" ? "reals" : kind(c).startsWith("Int") ? "integers" : "text"})`).join(", ");
      this.warn(`${where}: split_query_by windows typed ${retyped.length > 1 ? "these columns" : "this column"} differently, so each window's values were made one type: ${list}.`, warnings);
    }
    if (q.schema && frameHeight(df) > 0) df = normalizeEvents(df, q.schema, { source: `${where} (${this.environment})` });
    const columns = options.columns ?? (Array.isArray(q.metadata.columns) ? (q.metadata.columns as string[]) : undefined);
    if (columns?.length) df = selectColumns(df, columns, where);
    return df;
  }

  /**
   * The query's template with each parameter given several forms ({@link AnyOf}) compared against every one of them
   * (alternatives.ts; Elasticsearch: the value marked for the driver, esdsl.ts), the forms added to `values` as
   * placeholders of their own. Where the template cannot take them, the first form alone is sent and a warning
   * (once per query and parameter) says so.
   */
  private withAlternatives(q: QueryDefinition, forms: ReadonlyMap<string, readonly string[]>, values: Map<string, TemplateValue>, driver: LiveDriver, warnings: string[]): string {
    let template = q.query;
    const language = driver.language;
    const where = `${q.family}.${q.name}`;
    for (const p of q.parameters) {
      const given = [p.name, ...p.aliases].map((n) => forms.get(n)).find((f) => f !== undefined);
      if (!given) continue;
      let problem: string | undefined = p.type === "str" ? undefined : `it is a ${p.type} parameter`;
      if (!problem && language === "esdsl") {
        const trial = new Map(values);
        for (const n of [p.name, ...p.aliases]) trial.set(n, { value: given[0], type: "str", anyOf: given });
        try {
          problem = esAnyOfProblem(renderTemplate(template, trial, language, where, driver.formatLiteral?.bind(driver)));
        } catch (err) {
          if (!(err instanceof AnyOfInString)) throw err;
          problem = "it stands inside a string with other text";
        }
        if (!problem) for (const n of [p.name, ...p.aliases]) values.set(n, trial.get(n) as TemplateValue);
      } else if (!problem) {
        let rewritten = template;
        for (const n of [p.name, ...p.aliases]) {
          const names = given.map((_, i) => uniqueName(`huntlab_${p.name}_${i}`, values));
          const result = rewriteForAlternatives(rewritten, language, n, given.length, (i) => names[i], (op) => operatorText(values.get(op)));
          if ("problem" in result) {
            problem = result.problem;
            break;
          }
          rewritten = result.template;
          names.forEach((name, i) => values.set(name, { value: given[i], type: "str" }));
        }
        if (!problem) template = rewritten;
      }
      const key = `${where}\u0000${p.name}`;
      if (problem && !this.alternativesWarned.has(key)) {
        this.alternativesWarned.add(key);
        this.warn(dataWarnings.liveOneForm(where, p.name, given, problem), warnings);
      }
    }
    return template;
  }

  /** Runs a query text as written (no parameters), as MSTICPy's exec_query. */
  async runText(text: string, options: QueryRunOptions = {}): Promise<pl.DataFrame> {
    const hidden = HIDDEN.get(this) as Hidden;
    const where = "execQuery";
    const warnings: string[] = [];
    if (!hidden.driver || !hidden.settings || !hidden.driver.connected) throw new QueryError(msg.liveNotConnected(this.environment, where));
    let table: LiveTable;
    try {
      table = await this.request(hidden.driver, hidden.settings, where, text, undefined, warnings);
    } finally {
      this.lastWarnings = warnings;
    }
    const df = liveFrame(table);
    return options.columns?.length ? selectColumns(df, options.columns, where) : df;
  }

  /** One request under the timeout and Interrupt Kernel; limit warnings and partial errors reported. */
  private async request(driver: LiveDriver, settings: LiveSettings & { timeoutMs?: number }, where: string, text: string, window: { start: Date; end: Date } | undefined, warnings: string[]): Promise<LiveTable> {
    const timeoutMs = this.options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS;
    const op = operationSignal({ interrupt: this.options.interrupt ?? "kernel", ...(this.options.signal ? { signal: this.options.signal } : {}) });
    // A token renewed (an hour after connect, or after a 401) under its own timeout, as connect's sign-in: a slow token
    // endpoint ate the query's time, and a query given its timeoutMs timed out having had less.
    if (driver.signIn) {
      const signInTimeout = AbortSignal.timeout(timeoutMs);
      try {
        await driver.signIn(AbortSignal.any([op.signal, signInTimeout]));
      } catch (err) {
        op.release();
        if (op.signal.aborted) throw new QueryError(msg.liveCancelled(where, reasonOf(op.signal.reason)));
        if (signInTimeout.aborted) throw new QueryError(msg.liveTimeout(`${where} (sign-in)`, timeoutMs));
        throw err;
      }
    }
    // The service is asked to stop at timeoutMs: its answer gets the driver's margin to arrive before huntlab's own
    // timeout; at most the timeout again, so that a short one (asked for a quick answer) stays short.
    const timer = pausableTimeout(timeoutMs + Math.min(driver.serverTimeoutMarginMs ?? 0, timeoutMs));
    const timeout = timer.signal;
    const signal = AbortSignal.any([op.signal, timeout]);
    // A sign-in the query needs part-way (a token refetched after a 401) is timed as the sign-in above, the query's
    // timer paused meanwhile: it counted against the query, which then timed out having had less.
    const renewCredentials = async <T>(renew: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      timer.pause();
      const signInTimeout = AbortSignal.timeout(timeoutMs);
      try {
        return await renew(AbortSignal.any([op.signal, signInTimeout]));
      } catch (err) {
        if (!op.signal.aborted && signInTimeout.aborted) throw new QueryError(msg.liveTimeout(`${where} (sign-in)`, timeoutMs));
        throw err;
      } finally {
        timer.resume();
      }
    };
    let table: LiveTable;
    try {
      table = await driver.query({ text, queryName: where, signal, timeoutMs, renewCredentials, ...(window ? { start: window.start, end: window.end } : {}) });
    } catch (err) {
      if (op.signal.aborted) throw new QueryError(msg.liveCancelled(where, reasonOf(op.signal.reason)));
      if (timeout.aborted) throw new QueryError(msg.liveTimeout(where, timeoutMs));
      if (err instanceof Error && !(err instanceof QueryError)) {
        // A masked copy is the cause (its stack says where it broke; inspect shows causes). Not the error itself:
        // a DOMException's message is a getter, and assigning it threw a bare TypeError.
        const cause = new Error(settings.mask(err.message));
        cause.name = err.name;
        cause.stack = err.stack === undefined ? undefined : settings.mask(err.stack);
        throw new QueryError(msg.liveHttp(where, cause.message), { cause });
      }
      const span = window ? ` (${window.start.toISOString()} – ${window.end.toISOString()})` : "";
      // The HTTP client names the request (method and URL), not the query: a 429/5xx after the retries, a reset
      // connection, a body that is not JSON. Say which query (and chunk) it was.
      if (err instanceof QueryError && err.code === "data/live-http" && !err.message.startsWith(`${where}:`)) {
        throw new QueryError(msg.liveHttp(`${where}${span}`, err.message), { cause: err });
      }
      // A sign-in refused mid-query (an Azure token renewed after a 401, with a secret revoked since connect) names
      // the environment and the method only: say which query it stopped.
      if (err instanceof QueryError && err.code === "data/live-auth" && !err.message.startsWith(`${where}:`)) {
        throw new QueryError(msg.liveAuthInQuery(`${where}${span}`, err.message), { cause: err });
      }
      throw err;
    } finally {
      timer.clear();
      op.release();
    }
    const span = window ? ` (${window.start.toISOString()} – ${window.end.toISOString()})` : "";
    // JSON.parse reads any depth; turning a dynamic cell thousands of levels deep into a column overflowed the stack
    // (a bare RangeError for the whole query). As Elasticsearch hits are: deeper values null, with a warning.
    const deep = table.rows.flatMap((row, i) => (Array.isArray(row) && row.filter((cell) => typeof cell === "object" && cutDeeperThan(cell, MAX_LIVE_DEPTH)).length ? [i + 1] : []));
    if (deep.length) table.warnings.push(dataWarnings.liveTooDeep(deep.length, deep, MAX_LIVE_DEPTH));
    // Shown as the driver wrote them: the drivers add the split_query_by advice (messages.ts SPLIT_ADVICE) to the
    // warnings where shorter time ranges help (a result cut at a limit, a timeout), and only to those.
    for (const w of table.warnings) this.warn(`${where}${span}: ${w}.`, warnings);
    if (table.partialError) this.warn(`${where}${span}: partial result: ${table.partialError}; the ${table.rows.length} rows that arrived are returned.`, warnings);
    return table;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  toJSON(): { environment: string; connected: boolean; queries: number } {
    return { environment: this.environment, connected: this.connected, queries: this.definitions.length };
  }

  toString(): string {
    return `QueryProvider(${this.environment}, ${this.connected ? "connected" : "not connected"}, ${this.definitions.length} queries)`;
  }
}

/**
 * A parameter's value as the operator text it puts in the query (MSTICPy's `{host_op}`, `default: has`): the file's
 * own value, or a caller's that is a name (`has`, `contains`), as the renderer writes such fragments.
 */
function operatorText(entry: TemplateValue | undefined): string | undefined {
  if (!entry || entry.type !== "str" || typeof entry.value !== "string" || !entry.origin) return undefined;
  return entry.origin === "file" || entry.value === entry.fileDefault || /^[A-Za-z_]\w*$/.test(entry.value) ? entry.value : undefined;
}

/** `base`, or `base_2`, `base_3`…: a placeholder name no parameter of the query has. */
function uniqueName(base: string, values: ReadonlyMap<string, unknown>): string {
  let name = base;
  for (let n = 2; values.has(name); n++) name = `${base}_${n}`;
  return name;
}

/** The asked columns of a frame, in that order; a missing one is an error naming the query. */
function selectColumns(df: pl.DataFrame, columns: readonly string[], where: string): pl.DataFrame {
  const have = columnNames(df);
  // No rows and no columns: Splunk and Elasticsearch send no schema with an empty result. The asked columns, empty
  // (text: no value tells their type), rather than an error for a query that merely found nothing.
  if (have.length === 0 && frameHeight(df) === 0) return frameOf(columns.map((c) => pl.Series(c, [], pl.Utf8)));
  const missing = columns.filter((c) => !have.includes(c));
  if (missing.length) throw new QueryError(msg.selectColumnMissing(where, "the live result", missing, have));
  return frameOf(columns.map((c) => columnOf(df, c)));
}

/**
 * An AbortSignal that aborts (TimeoutError, as AbortSignal.timeout) after `ms` of running time: pause() stops the
 * clock, resume() runs it again for what was left. Unref'd, as AbortSignal.timeout's timer is.
 */
function pausableTimeout(ms: number): { signal: AbortSignal; pause(): void; resume(): void; clear(): void } {
  const controller = new AbortController();
  let left = ms;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  // Nested pauses (two renewals at once) resume on the last; once cleared, nothing runs it again.
  let paused = 0;
  let cleared = false;
  const run = () => {
    startedAt = performance.now();
    timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), left);
    timer.unref();
  };
  run();
  return {
    signal: controller.signal,
    pause() {
      paused += 1;
      if (paused > 1 || timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      left = Math.max(0, left - (performance.now() - startedAt));
    },
    resume() {
      paused = Math.max(0, paused - 1);
      if (paused === 0 && timer === undefined && !cleared && !controller.signal.aborted) run();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      cleared = true;
    },
  };
}

function reasonOf(reason: unknown): string {
  if (reason instanceof KernelInterrupt) return "Interrupt Kernel";
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? "aborted" : String(reason);
}
