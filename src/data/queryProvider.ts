/**
 * QueryProvider: MSTICPy's query provider for local data. Each data family is
 * a property and each query an async method returning a polars DataFrame:
 * `await qp.WindowsSecurity.list_host_logons({ start, end })`.
 */
import pl from "nodejs-polars";
import { QueryError, dataMessages as msg } from "./messages";
import { LAB_DATA_DIR } from "../common/paths";
import { DataFileIndex, runLocalQuery, type QueryParams } from "./localData";
import { loadQueries } from "./queryStore";
import type { Displayable } from "../display/protocol";
import type { ReadOptions } from "./readers";
import type { QueryDefinition } from "./types";

export type { QueryParams } from "./localData";

/** Data environments this provider can query. */
export type DataEnvironment = "LocalData";

/** Options of `new QueryProvider("LocalData", options)`. */
export interface LocalDataOptions {
  /** Folders (searched recursively) or files holding the data. Default: the lab data bundled with huntlab. */
  dataPaths?: string[];
  /** Folders or files of query definitions (MSTICPy YAML). Default: the lab's queries bundled with huntlab. */
  queryPaths?: string[];
  /** How text data files are read (time parsing, CSV type inference). */
  readOptions?: ReadOptions;
}

/** One query, callable: `await fn(params?)`. */
export interface QueryFunction {
  (params?: QueryParams): Promise<pl.DataFrame>;
  /** The query's definition (description, parameters, data file). */
  readonly definition: QueryDefinition;
  /** Help text: description, parameters and data file. */
  help(): string;
}

/** The queries of one data family, by name. */
export type QueryFamily = { [query: string]: QueryFunction };

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
   * (`"host_logons.parquet"`), as MSTICPy's `exec_query`; a `Family.query`
   * name runs that query with `params`.
   */
  execQuery(query: string, params?: QueryParams): Promise<pl.DataFrame>;
  /**
   * Shows the interactive query browser in the notebook. Returns nothing, so
   * that tslab does not also print the browser object as the cell's value
   * (`new QueryBrowser(qp.queryDefinitions())` gives the object itself).
   */
  browseQueries(options?: BrowseQueriesOptions): Displayable;
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
export type QueryProvider = QueryProviderMethods & { [family: string]: QueryFamily };

/** The constructor: `new QueryProvider("LocalData", { dataPaths, queryPaths })`. */
export interface QueryProviderConstructor {
  new (environment: DataEnvironment, options?: LocalDataOptions): QueryProvider;
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
      throw unknown(prop as string);
    },
  });
}

export function formatQueryHelp(q: QueryDefinition): string {
  const lines = [`${q.family}.${q.name}: ${q.description}`, `  data file: ${q.query}`, "  parameters:"];
  if (!q.parameters.length) lines.push("    (none)");
  for (const p of q.parameters) {
    const dflt = p.required ? "required" : `optional, default ${JSON.stringify(p.default ?? null)}`;
    const filter = p.column ? `; filters ${p.column} (${p.match ?? "equals"})` : "";
    lines.push(`    ${p.name} (${p.type}, ${dflt}): ${p.description}${filter}`);
  }
  lines.push(`  defined in: ${q.sourceFile}`);
  return lines.join("\n");
}

class LocalDataProvider implements QueryProviderMethods {
  readonly environment: DataEnvironment = "LocalData";
  readonly all_queries: QueryFamily;
  private readonly queries: QueryDefinition[];
  private readonly index: DataFileIndex;
  private readonly readOptions: ReadOptions;
  private readonly familyNames: string[];

  constructor(environment: DataEnvironment, options: LocalDataOptions = {}) {
    if ((environment as string) !== "LocalData") {
      throw new QueryError(msg.unsupportedEnvironment(String(environment)));
    }
    const dataPaths = options.dataPaths ?? [LAB_DATA_DIR];
    const queryPaths = options.queryPaths ?? [LAB_DATA_DIR];
    this.index = new DataFileIndex(dataPaths);
    this.readOptions = options.readOptions ?? {};
    this.queries = loadQueries(queryPaths, "LocalData");
    if (!this.queries.length) {
      throw new QueryError(msg.noQueries(queryPaths));
    }
    const families = new Map<string, QueryFamily>();
    // Query names come from YAML: defined (not assigned) properties, so a query
    // called "__proto__" is an own property, never the object's prototype.
    const define = (target: QueryFamily, name: string, fn: QueryFunction): void => {
      Object.defineProperty(target, name, { value: fn, enumerable: true, configurable: true, writable: true });
    };
    const all: QueryFamily = {};
    for (const q of this.queries) {
      const fn = this.makeQueryFunction(q);
      const family = families.get(q.family) ?? {};
      define(family, q.name, fn);
      families.set(q.family, family);
      define(all, q.name, fn);
    }
    this.familyNames = [...families.keys()].sort();
    this.all_queries = this.strictFamily("all_queries", all);
    for (const [name, queries] of families) {
      if (name in this) throw new QueryError(msg.familyClash(name));
      (this as unknown as Record<string, QueryFamily>)[name] = this.strictFamily(name, queries);
    }
  }

  private strictFamily(family: string, queries: QueryFamily): QueryFamily {
    return strict(queries, (prop) => new QueryError(msg.unknownQueryInFamily(prop, family, Object.keys(queries))));
  }

  private makeQueryFunction(q: QueryDefinition): QueryFunction {
    const run = async (params?: QueryParams) => runLocalQuery(this.index, q, params, this.readOptions);
    return Object.assign(run, { definition: q, help: () => formatQueryHelp(q) }) as QueryFunction;
  }

  listQueries(): string[] {
    return this.queries.map((q) => `${q.family}.${q.name}`);
  }

  listFamilies(): string[] {
    return [...this.familyNames];
  }

  queryDefinitions(): QueryDefinition[] {
    return [...this.queries];
  }

  private find(name: string): QueryDefinition {
    const found = this.queries.find((q) => `${q.family}.${q.name}` === name) ?? (name.includes(".") ? undefined : this.queries.find((q) => q.name === name));
    if (!found) throw new QueryError(msg.unknownQuery(name, this.listQueries()));
    return found;
  }

  queryHelp(name: string): string {
    return formatQueryHelp(this.find(name));
  }

  async execQuery(query: string, params?: QueryParams): Promise<pl.DataFrame> {
    const text = query.trim();
    const named = this.queries.find((q) => `${q.family}.${q.name}` === text);
    if (named) return runLocalQuery(this.index, named, params, this.readOptions);
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
    return runLocalQuery(this.index, adHoc, undefined, this.readOptions);
  }

  browseQueries(options: BrowseQueriesOptions = {}): Displayable {
    if (!queryBrowserHook) throw new QueryError(msg.noQueryBrowser());
    return queryBrowserHook(this, options);
  }
}

function construct(environment: DataEnvironment, options?: LocalDataOptions): QueryProvider {
  const provider = new LocalDataProvider(environment, options);
  return strict(provider, (prop) => new QueryError(msg.unknownFamily(prop, provider.environment, provider.listFamilies()))) as unknown as QueryProvider;
}

/** `new QueryProvider("LocalData", { dataPaths, queryPaths })`. */
export const QueryProvider: QueryProviderConstructor = Object.assign(
  function QueryProvider(this: unknown, environment: DataEnvironment, options?: LocalDataOptions) {
    if (!new.target) throw new TypeError('QueryProvider must be called with "new"');
    return construct(environment, options);
  } as unknown as QueryProviderConstructor,
  { listDataEnvironments: (): DataEnvironment[] => ["LocalData"] },
);
