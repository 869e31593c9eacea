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

/** A column of a driver's result table: its name and `LiveColumnType`. */
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
  /** The per-query timeout, ms: drivers ask the service for as long (Log Analytics `Prefer: wait=`, Kusto `servertimeout`), whose own defaults are shorter. */
  timeoutMs?: number;
  /**
   * Runs a sign-in the query needs part-way (an Azure token refetched after the service answered 401) off the query's
   * clock, as LiveDriver.signIn is: the query's timer is paused meanwhile and `renew` gets a signal of its own
   * (`timeoutMs`, and Interrupt Kernel); a renewal past that is data/live-timeout naming '<query> (sign-in)'. Absent
   * (a driver called directly): the drivers renew on `signal`.
   */
  renewCredentials?: <T>(renew: (signal: AbortSignal) => Promise<T>) => Promise<T>;
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
  /**
   * Optional: makes sure the credentials a query sends are at hand (an Azure token renewed near its expiry), before
   * the query's timer starts: `timeoutMs` bounds the sign-in and the query each, as connect() is bounded (MSTICPy's
   * `timeout` is the query's server timeout; sign-in is the credential's business). Absent: nothing to renew.
   */
  signIn?(signal: AbortSignal): Promise<void>;
  /**
   * Optional: how much longer than the request's `timeoutMs` huntlab waits, ms, when the driver asks the service to
   * stop at `timeoutMs` itself (Kusto's `servertimeout`, Log Analytics' `Prefer: wait=`): the service's own, clearer
   * answer ("Query is expired", a 504) arrives before huntlab gives up. At most `timeoutMs` again. Absent: 0.
   */
  readonly serverTimeoutMarginMs?: number;
  /**
   * Optional: how a parameter value becomes text inside the query template at
   * `{name}` (SPL: quoted+escaped literal; esdsl: a JSON value). Absent: the
   * shared KQL literal writer is used. `value` is already converted to its
   * declared type (Date for datetime, array for list, number, boolean, string).
   */
  formatLiteral?(value: LiteralValue, type: LiteralType): string;
}

/** A parameter value after conversion to its declared type. */
export type LiteralValue = string | number | boolean | Date | readonly (string | number | boolean | Date)[];

/** Declared parameter types (MSTICPy's query YAML). */
export type LiteralType = "str" | "datetime" | "list" | "int" | "float" | "bool";

/** One HTTP exchange a driver asks the shared client for. */
export interface LiveHttpRequest {
  method: "GET" | "POST" | "DELETE";
  /** Absolute URL; checked by the client (https, or http on a loopback host only). */
  url: string;
  headers?: Record<string, string>;
  /** JSON-serialisable value (sent as application/json), a string, or URLSearchParams (form-encoded). */
  body?: unknown;
  /** `"json"` (default: parsed), `"text"` (raw text, e.g. Splunk's JSON lines). */
  responseType?: "json" | "text";
  /** The request's signal (pass `LiveRequest.signal`; connect() passes its own). */
  signal: AbortSignal;
  /**
   * Statuses returned to the driver instead of thrown (e.g. 400 carrying the
   * service's error payload). 2xx are always returned; 429 and 5xx are retried
   * first (Retry-After honoured) and returned here only when listed and the retries are spent.
   */
  acceptStatus?: readonly number[];
  /** Statuses not retried (returned when in acceptStatus): Log Analytics' 504 is its own query timeout, and a retry would run the heavy query again. */
  noRetryStatus?: readonly number[];
}

/** What the shared client returns. Header names are lower case. */
export interface LiveHttpResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

/**
 * The shared HTTP client (axios underneath): timeouts, retries of 429/5xx with
 * Retry-After, TLS verification setting, the loopback-only-http rule, cancel
 * through the signal, and secrets masked in every error it throws.
 * Throws `QueryError` (`data/live-http`…) for network errors and unaccepted statuses.
 */
export interface LiveHttp {
  request(request: LiveHttpRequest): Promise<LiveHttpResponse>;
}

/** What a driver factory receives: `createXDriver(settings: LiveSettings): LiveDriver`. */
export interface LiveSettings {
  environment: LiveEnvironment;
  /**
   * `DataProviders.<Environment>.Args` from msticpyconfig.yaml with secrets
   * resolved (EnvironmentVar). connect() options are passed separately to
   * `driver.connect(options)`; use {@link LiveSettings.arg} to read "option, else config".
   */
  args: Readonly<Record<string, string | number | boolean | null>>;
  /** The value of `name` from connect() options if given there, else from Args (case-insensitive key match), else undefined. */
  arg(name: string, options: Record<string, unknown>): string | number | boolean | undefined;
  /**
   * Where {@link LiveSettings.arg} found `name`, for messages: `connect({ Endpoint })` or
   * `DataProviders.MSSentinel.Args.Endpoint` (keys as written); undefined when it did not.
   */
  argFrom(name: string, options: Record<string, unknown>): string | undefined;
  /** The whole config document (e.g. `AzureSentinel.Workspaces`), as parsed. */
  rawConfig: Readonly<Record<string, unknown>>;
  /**
   * The Args of another entry of the config, `<section>.<name>` (MSTICPy's `KustoClusters.<name>`), secrets
   * resolved and masked from then on, an unset EnvironmentVar warned of and left out; undefined when there is
   * no such entry. (Absent from settings made without a config.)
   */
  entryArgs?(section: string, name: string): LiveSettings["args"] | undefined;
  /** Shared HTTP client (already configured with timeout/retries/TLS of this provider). */
  http: LiveHttp;
  /**
   * Registers secrets learnt at connect time (tokens, session keys, passwords
   * given as options) so every later error/warning masks them. Config secrets are registered already.
   */
  addSecrets(...secrets: (string | undefined | null)[]): void;
  /** Masks every registered secret in a text: use on any text that goes into an error or warning. */
  mask(text: string): string;
  /** Prints a warning for the user (e.g. TLS verification off). */
  warn(message: string): void;
  /** TLS certificate verification (`verify` / option `verify`; default true). The shared client applies it; drivers only read it. */
  readonly verifyTls: boolean;
  /** Throws unless `url` is https, or http on a loopback host (127.0.0.0/8, ::1, localhost). Returns the parsed URL. `what` names the setting. */
  checkUrl(url: string, what: string): URL;
}
