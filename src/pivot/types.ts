/**
 * The shapes of pivot functions and their namespaces. One rule for every
 * pivot: a value, an array, an entity or `(df, { column })` in; a DataFrame
 * with the input value in a named column plus the function's columns out.
 */
import type pl from "nodejs-polars";
import type { Entity } from "../entities/entity";

/** How a pivot's result is joined back onto a DataFrame input (MSTICPy's `join=`). */
export type PivotJoin = "inner" | "left" | "outer";

/** One input value. */
export type PivotValue = string | number;

/** What a pivot accepts: a value, an entity, an array of them, or a DataFrame (with `{ column }`). */
export type PivotInput = PivotValue | Entity | readonly (PivotValue | Entity | null | undefined)[] | pl.DataFrame;

/**
 * Options of a pivot call. Besides the documented ones, any other key is a
 * parameter of the function: query parameters (`start`, `end`,
 * `account_name`…) pass through to the query.
 */
export interface PivotCallOptions {
  /** DataFrame input: the column holding the values. Required for a DataFrame. */
  column?: string;
  /** DataFrame input: join the result back onto it. Default: no join (the result alone). */
  join?: PivotJoin;
  /** Name of the result column holding the input value. Default: the function's `inputColumn` (the entity attribute, e.g. `Address`). */
  inputColumn?: string;
  /** Queries and DNS look-ups run at most this many at a time. Default 4. */
  concurrency?: number;
  /** Print progress of many-value runs. Default: in a notebook, when more than 20 values run one by one. */
  progress?: boolean;
  /** Query start time (passed to queries that take it). */
  start?: Date | string | number;
  /** Query end time (passed to queries that take it). */
  end?: Date | string | number;
  /** Any other function parameter. */
  [parameter: string]: unknown;
}

/** One parameter of a pivot function, for help and the browser. */
export interface PivotParameterInfo {
  name: string;
  type: string;
  description: string;
  required: boolean;
}

/** What a pivot function is: shown by `help()`, `pivot.browse()` and `pivot.functions()`. */
export interface PivotFunctionInfo {
  /** Entity class name: `Ip`, `Host`… */
  entity: string;
  /** `util`, `ti`, or a query provider's name (`LocalData`). */
  namespace: string;
  /** Query family for query pivots (`WindowsSecurity`), else "". */
  family: string;
  /** Function name: `ipType`, `lookupIp_LocalTI`, `list_host_logons`. */
  name: string;
  description: string;
  /** The entity attribute an entity input gives (`Address`). */
  inputAttribute: string;
  /** Default name of the result column holding the input value. */
  inputColumn: string;
  /** The function's own parameters (besides the input). */
  parameters: PivotParameterInfo[];
  /** The columns the function adds (for queries: "the query's columns"). */
  outputColumns: string[];
  /** Where the function comes from: `ipType`, `TILookup (LocalTI)`, `LocalData query Network.list_…`. */
  source: string;
  /** How many values run: "batch" (one call for all), "one query (in filter)", "per value". */
  batching: string;
}

/**
 * A pivot function: `await fn(input, options?)` gives a DataFrame.
 * `fn.info` describes it; `fn.help()` gives the same as text.
 */
export interface PivotFunction {
  (input: PivotInput, options?: PivotCallOptions): Promise<pl.DataFrame>;
  readonly info: PivotFunctionInfo;
  /** The call path: `entities.Ip.util.ipType`. */
  readonly path: string;
  help(): string;
}

/** A namespace of pivot functions by name (reading a name it lacks throws, naming those it has). */
export interface PivotNamespace {
  readonly [name: string]: PivotFunction;
}

/** A query provider's namespace: its families, each a namespace of queries. */
export interface PivotQueryNamespace {
  readonly [family: string]: PivotNamespace;
}

/** `entities.Ip.util`. */
export interface IpUtil extends PivotNamespace {
  readonly ipType: PivotFunction;
  readonly geoLoc: PivotFunction;
  readonly whois: PivotFunction;
}
/** `entities.Dns.util`. */
export interface DnsUtil extends PivotNamespace {
  readonly dnsResolve: PivotFunction;
  readonly domainParts: PivotFunction;
}
/** `entities.Url.util`. */
export interface UrlUtil extends PivotNamespace {
  readonly urlParts: PivotFunction;
  readonly extractIocs: PivotFunction;
}
/** `entities.File.util`. */
export interface FileUtil extends PivotNamespace {
  readonly fileHashType: PivotFunction;
}
/** `entities.Process.util`. */
export interface ProcessUtil extends PivotNamespace {
  readonly commandLineIocs: PivotFunction;
}
/** `entities.Account.util`. */
export interface AccountUtil extends PivotNamespace {
  readonly accountParts: PivotFunction;
}
/** `entities.Host.util`. */
export interface HostUtil extends PivotNamespace {
  readonly dnsResolve: PivotFunction;
}

/** `entities.Ip.ti`: `lookupIp`, plus `lookupIp_<Provider>` per loaded provider. */
export interface IpTi extends PivotNamespace {
  readonly lookupIp: PivotFunction;
}
/** `entities.Dns.ti`. */
export interface DnsTi extends PivotNamespace {
  readonly lookupDns: PivotFunction;
}
/** `entities.Url.ti`. */
export interface UrlTi extends PivotNamespace {
  readonly lookupUrl: PivotFunction;
}
/** `entities.File.ti`. */
export interface FileTi extends PivotNamespace {
  readonly lookupFileHash: PivotFunction;
}
