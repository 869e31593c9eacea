/**
 * The options of `new QueryProvider(environment, options)` and of a query's
 * run (`qp.Family.query(params, options)`), checked by name and type before
 * anything is read. From an untyped cell (Deno, JavaScript) a misspelt name
 * (`datapaths`), MSTICPy's (`data_paths`) or the paths as the second argument
 * were ignored and the bundled lab data queried: the lab's rows came back as if
 * they were the hunter's. A single path is taken as a list of one (a string
 * was read as a list of its characters), and so is a single run column.
 */
import { findOptionProblem, type OptionProblem, type OptionTypes, type OptionTypesOf } from "../common/options";
import type { ReadOptions } from "./readers";
import type { QueryParams, QueryRunOptions } from "./localData";
import { isDataFrame, isSeries } from "../common/frames";
import { isLazyFrame, isThenable, notAFrameText } from "../common/notAFrame";
import type { LiveProviderOptions } from "./live/liveProvider";
import type { LocalDataOptions } from "./queryProvider";
import { QueryError, dataMessages as msg } from "./messages";

/** Options every provider takes. */
const SHARED_TYPES = {
  queryPaths: ["path", "paths"],
  configPath: "path",
  config: "object",
  timeRange: "object",
  warn: "function",
  interrupt: { oneOf: ["kernel", "never"] },
  signal: "object",
} as const;

// dataPaths first: the names are listed in this order when one is misspelt.
const LOCAL_TYPES = { dataPaths: ["path", "paths"], ...SHARED_TYPES, fileQueries: "boolean", readOptions: "object" } as const satisfies OptionTypesOf<LocalDataOptions>;
const LIVE_TYPES = { ...SHARED_TYPES, timeoutMs: "number", retries: "whole", retryBackoffMs: "number", maxRetryAfterMs: "number", onProgress: "function" } as const satisfies OptionTypesOf<LiveProviderOptions>;
const READ_TYPES = { parseTimes: "boolean", inferSchemaLength: "number", dayFirst: "boolean", maxDecompressedBytes: "number", tempFolder: "path", year: "whole", writtenBy: "date", warn: "function" } as const satisfies OptionTypesOf<ReadOptions>;
const RUN_TYPES = { columns: ["column", "columns"] } as const satisfies OptionTypesOf<QueryRunOptions>;

/** `one` as a list of one; a list as a copy (the caller's array changed in a later cell must not change the provider). */
/** Options `T` once checked: the path options `K` (one path or a list of them) as lists. */
export type Listed<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]?: string[] };

function listOf<T>(value: T | readonly T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Throws the problem `found` as a provider option error of `provider`; `other`: the other kind's options (`"live"`, their table). */
function throwProviderProblem(provider: string, found: OptionProblem, other: [kind: string, types: OptionTypes]): never {
  if (found.problem === "not-object") throw new QueryError(msg.providerOptions(provider, found.value));
  if (found.problem === "type") throw new QueryError(msg.providerOptionType(provider, found.option, found.expected, found.value));
  const [kind, types] = other;
  throw new QueryError(msg.providerOptionUnknown(provider, found.unknown, found.known, Object.hasOwn(types, found.unknown.option) ? kind : undefined));
}

/** Live timeouts and back-offs: a number of ms, finite (`AbortSignal.timeout(Infinity)` throws), timeoutMs above 0. */
function checkMilliseconds(provider: string, options: LiveProviderOptions): void {
  for (const option of ["timeoutMs", "retryBackoffMs", "maxRetryAfterMs"] as const) {
    const value = options[option];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || (option === "timeoutMs" && value === 0)) {
      throw new QueryError(msg.providerOptionType(provider, option, option === "timeoutMs" ? "a number of ms above 0" : "a number of ms, 0 or more", value));
    }
  }
  if (options.retries === Infinity) throw new QueryError(msg.providerOptionType(provider, "retries", "a whole number of at least 0", options.retries));
}

/**
 * The options of a LocalData provider, checked (see the module comment), with
 * `dataPaths` and `queryPaths` as lists. `provider` names it in messages:
 * `QueryProvider("LocalData")`.
 */
export function localDataOptions(provider: string, options: unknown): Listed<LocalDataOptions, "dataPaths" | "queryPaths"> {
  const found = findOptionProblem(options, LOCAL_TYPES);
  if (found) throwProviderProblem(provider, found, ["live", LIVE_TYPES]);
  const given = (options ?? {}) as LocalDataOptions;
  const read = findOptionProblem(given.readOptions, READ_TYPES);
  if (read?.problem === "unknown") throwProviderProblem(`${provider} readOptions`, read, ["", {}]);
  if (read?.problem === "type") throw new QueryError(msg.providerOptionType(provider, `readOptions.${read.option}`, read.expected, read.value));
  return { ...given, dataPaths: listOf(given.dataPaths), queryPaths: listOf(given.queryPaths) };
}

/** The options of a live provider, checked as LocalData's are, with `queryPaths` as a list. */
export function liveProviderOptions(provider: string, options: unknown): Listed<LiveProviderOptions, "queryPaths"> {
  const found = findOptionProblem(options, LIVE_TYPES);
  if (found) throwProviderProblem(provider, found, ["LocalData", LOCAL_TYPES]);
  const given = (options ?? {}) as LiveProviderOptions;
  checkMilliseconds(provider, given);
  return { ...given, queryPaths: listOf(given.queryPaths) };
}

/**
 * A query's run options, checked: `{ column: [...] }` (misspelt) was ignored
 * and every column returned; `columns: "Account"` failed with a TypeError. One
 * column name is taken as a list of one. `where` names the query.
 */
export function runOptions(where: string, options: unknown): QueryRunOptions {
  const found = findOptionProblem(options, RUN_TYPES);
  if (found?.problem === "not-object") throw new QueryError(msg.runOptions(where, found.value));
  if (found?.problem === "unknown") throw new QueryError(msg.runOptionUnknown(where, found.unknown, found.known));
  if (found?.problem === "type") throw new QueryError(msg.runOptionType(where, found.option, found.expected, found.value));
  const columns = listOf((options as { columns?: string | string[] } | undefined)?.columns);
  return columns ? { columns } : {};
}

/**
 * A query's parameters as given from plain JavaScript: `null` is none; text, a list, a frame or a Promise were read
 * key by key ('unknown parameter "0"') or failed inside, so they are refused naming what was given.
 */
export function queryParams(where: string, params: unknown): QueryParams {
  if (params === null || params === undefined) return {};
  // polars' frames and series are plain objects: named first.
  const proto: unknown = typeof params === "object" ? Object.getPrototypeOf(params) : undefined;
  if ((proto !== Object.prototype && proto !== null) || isDataFrame(params) || isSeries(params) || isLazyFrame(params) || isThenable(params)) {
    throw new QueryError(msg.queryParams(where, notAFrameText(params)));
  }
  return params as QueryParams;
}
