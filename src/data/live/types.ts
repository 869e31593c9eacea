/**
 * The contract between the live query provider (shared: parameters, time
 * chunking, retries, results → polars, progress, errors) and the per-service
 * drivers (MSSentinel, Kusto, Splunk, Elasticsearch). One driver per module
 * under `drivers/`; the provider never knows a service's wire format.
 */

/** Live data environments (`new QueryProvider(env, …)`), besides `"LocalData"`. */
export type LiveEnvironment = "MSSentinel" | "Kusto" | "Splunk" | "Elasticsearch";

/** The query language a driver speaks: decides how parameters become literals. */
export type QueryLanguage = "kql" | "spl" | "esdsl";

/**
 * Column types a driver reports, mapped to polars dtypes by the shared layer:
 * datetime → Datetime(ms/µs as received), long/int → Int64/Int32, real → Float64,
 * bool → Bool, string/guid → Utf8, timespan → Utf8 (as received), dynamic → Utf8 (JSON text).
 */
export type LiveColumnType = "datetime" | "long" | "int" | "real" | "bool" | "string" | "guid" | "timespan" | "dynamic";

export interface LiveColumn {
  name: string;
  type: LiveColumnType;
}

/** One result table as a driver returns it (rows in column order). */
export interface LiveTable {
  columns: LiveColumn[];
  rows: unknown[][];
  /** Server-side limits hit or partial failures: each becomes a warning naming the query. */
  warnings: string[];
  /** A partial error the service reported along with the rows that did arrive. */
  partialError?: string;
}

/** Everything a driver needs to run one already-substituted query text. */
export interface LiveRequest {
  /** The query, parameters already substituted as literals of the driver's language (for esdsl: JSON text of the request body). */
  text: string;
  /** The query's name (`Family.query`), for messages. */
  queryName: string;
  /** Time window of this chunk, when the query has one (drivers may pass it as the service's own timespan). */
  start?: Date;
  end?: Date;
  /** Aborted by Interrupt Kernel, the per-query timeout or the caller. */
  signal: AbortSignal;
}

/** A connected service. */
export interface LiveDriver {
  readonly environment: LiveEnvironment;
  readonly language: QueryLanguage;
  /** Authenticates (or checks the credentials) and keeps what later queries need. Secrets never appear in errors. */
  connect(options: Record<string, unknown>): Promise<void>;
  readonly connected: boolean;
  /** Runs one request. Throws a `QueryError` (data/messages) with a stable code on failure. */
  query(request: LiveRequest): Promise<LiveTable>;
}
