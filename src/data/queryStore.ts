/**
 * Reads query definitions in MSTICPy's YAML format (metadata / defaults /
 * sources / args.query / parameters) and turns them into `QueryDefinition`s.
 * Invalid files are errors that name the file (and line, for YAML syntax).
 */
import fs from "node:fs";
import path from "node:path";
import { setOwnProperty } from "../common/json";
import { printWarning } from "../common/messages";
import { fileKind } from "../common/regularFile";
import { checkSection, loadConfig, type HuntlabConfig } from "../config/config";
import { readPathSetting } from "../config/pathSetting";
import type { YamlProblem } from "../config/messages";
import { closestNames } from "../common/errors";
import { isKnownEnvironment, KNOWN_ENVIRONMENTS, namesEnvironment } from "./environmentNames";
import { QueryDefinitionError, dataMessages as msg } from "./messages";
import { fixMsticpyQuery } from "./msticpyFixes";
import { parseYamlText, readYamlText, type YamlLimits } from "../config/yamlFile";
import { EVENT_KINDS, type QueryDefinition, type QueryParameter, type QueryParameterType } from "./types";
import type { EventKind } from "./schemas/index";
import { compareText } from "../common/textOrder";

/** Parameter types accepted in query files, with MSTICPy's aliases. */
const PARAMETER_TYPES: Record<string, QueryParameterType> = {
  str: "str",
  string: "str",
  datetime: "datetime",
  list: "list",
  int: "int",
  float: "float",
  bool: "bool",
};

type YamlMap = Record<string, unknown>;

/** Largest query file read (MSTICPy's biggest are a few hundred KB). */
export const MAX_QUERY_FILE_BYTES = 4 * 1024 * 1024;
/** Most keys in one query file (about a thousand queries with their parameters). */
export const MAX_QUERY_FILE_KEYS = 20_000;
/** Deepest nesting in a query file (real ones go five levels deep). */
export const MAX_QUERY_FILE_DEPTH = 64;

const QUERY_FILE_LIMITS: YamlLimits = { maxBytes: MAX_QUERY_FILE_BYTES, maxKeys: MAX_QUERY_FILE_KEYS, maxDepth: MAX_QUERY_FILE_DEPTH, what: "query files" };

/** Errors of query files that repeat a key (see {@link loadQueries}). */
const duplicateKeyErrors = new WeakSet<Error>();

const queryFileError = (problem: YamlProblem) => {
  const err = new QueryDefinitionError(msg.queryYaml(problem));
  if (problem.duplicateKey) duplicateKeyErrors.add(err);
  return err;
};

function isMap(value: unknown): value is YamlMap {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep merge of plain objects; `over` wins. */
function mergeMaps(base: YamlMap, over: YamlMap): YamlMap {
  const out: YamlMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwnProperty(out, key, isMap(value) && isMap(current) ? mergeMaps(current, value) : value);
  }
  return out;
}

function asStringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/**
 * Finds the query files (`*.yaml`, `*.yml`) under each path, recursively, in a
 * stable order. A symbolic link inside them whose target is missing (or a loop
 * of links) is skipped with a warning naming it: one stale link must not stop
 * the other queries.
 */
export function findQueryFiles(queryPaths: string[], options: LoadQueriesOptions = {}): string[] {
  const warn = options.warn ?? printWarning;
  const missing = queryPaths.filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new QueryDefinitionError(msg.queryPathsMissing(missing.map((p) => path.resolve(p)), missing.some((p) => !path.isAbsolute(p)) ? process.cwd() : undefined));
  }
  const files: string[] = [];
  // Real paths of the folders walked: a link back up (`q/up -> ..`) is walked once, not until ELOOP.
  const visited = new Set<string>();
  const walk = (p: string) => {
    const stat = statOrBrokenLink(p);
    if (!stat) {
      warn(`${p}: skipped, a broken symbolic link (its target ${fs.readlinkSync(p)} cannot be read)`);
      return;
    }
    if (stat.isFile()) {
      if (/\.ya?ml$/i.test(p)) files.push(p);
      return;
    }
    if (!stat.isDirectory()) {
      // A FIFO, socket or device was listed as a folder (a bare ENOTDIR); the same words as in the data folders (dataSources' entryKind).
      warn(`${p}: skipped, it is ${fileKind(stat)}, not a regular file or folder`);
      return;
    }
    const real = fs.realpathSync(p);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of fs.readdirSync(p).sort()) {
      if (entry.startsWith(".") || entry === "node_modules") continue;
      walk(path.join(p, entry));
    }
  };
  for (const p of queryPaths) walk(p);
  return files;
}

/** `fs.statSync(p)`, or undefined when `p` is a symbolic link whose target is missing or a loop of links. */
function statOrBrokenLink(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === "ENOENT" || code === "ELOOP") && fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) return undefined;
    throw err;
  }
}

/**
 * Reads and parses one query file, once, within {@link MAX_QUERY_FILE_BYTES},
 * {@link MAX_QUERY_FILE_KEYS} and {@link MAX_QUERY_FILE_DEPTH}. Syntax errors
 * and duplicate keys name the file, line and column.
 */
function readQueryYaml(file: string, text?: string): unknown {
  const source = text ?? readYamlText(file, QUERY_FILE_LIMITS, queryFileError);
  return parseYamlText(file, source, QUERY_FILE_LIMITS, queryFileError);
}

/** Parses one query file. Throws `QueryDefinitionError` naming the file, query or parameter at fault. */
export function parseQueryFile(file: string, text?: string): QueryDefinition[] {
  return queriesOf(file, readQueryYaml(file, text));
}

/** The queries of a parsed query file. */
function queriesOf(file: string, root: unknown): QueryDefinition[] {
  if (!isMap(root)) throw new QueryDefinitionError(msg.notAQueryFile(file));
  const metadata = root.metadata;
  if (!isMap(metadata)) throw new QueryDefinitionError(msg.queryFileSection(file, 'missing "metadata" section'));
  const environments = asStringList(metadata.data_environments);
  if (!environments.length) throw new QueryDefinitionError(msg.queryFileSection(file, "metadata.data_environments is missing or empty"));
  const fileFamilies = asStringList(metadata.data_families);
  if (!fileFamilies.length) throw new QueryDefinitionError(msg.queryFileSection(file, "metadata.data_families is missing or empty"));
  const sources = root.sources;
  if (!isMap(sources) || !Object.keys(sources).length) throw new QueryDefinitionError(msg.queryFileSection(file, '"sources" is missing or empty'));

  const defaults = isMap(root.defaults) ? root.defaults : {};
  const defaultMeta = isMap(defaults.metadata) ? defaults.metadata : {};
  const defaultParams = isMap(defaults.parameters) ? defaults.parameters : {};
  const fileMeta: YamlMap = { ...metadata };

  const queries: QueryDefinition[] = [];
  for (const [name, rawSource] of Object.entries(sources)) {
    const where = `${file}: query "${name}"`;
    if (!isMap(rawSource)) throw new QueryDefinitionError(msg.queryNotAMap(where));
    const args = rawSource.args;
    if (!isMap(args) || args.query === undefined || args.query === null || String(args.query).trim() === "") {
      throw new QueryDefinitionError(msg.queryWithoutArgs(where));
    }
    const meta = mergeMaps(mergeMaps(fileMeta, defaultMeta), isMap(rawSource.metadata) ? rawSource.metadata : {});
    const families = asStringList(meta.data_families);
    // Merged per parameter, as MSTICPy's collapse_dicts: a source giving a default parameter's description only keeps its type and default.
    const params = mergeMaps(defaultParams, isMap(rawSource.parameters) ? rawSource.parameters : {});
    const parameters = Object.entries(params).map(([pname, spec]) => parseParameter(where, pname, spec));
    const schema = schemaOf(where, meta.schema);
    for (const family of families) {
      const query: QueryDefinition = {
        family,
        name,
        description: String(rawSource.description ?? ""),
        query: fixMsticpyQuery(name, replaceQueryMacros(String(args.query), rawSource.query_macros).trim()),
        parameters,
        metadata: meta,
        sourceFile: file,
      };
      if (schema) query.schema = schema;
      queries.push(query);
    }
  }
  return queries;
}

/**
 * The query with its `$<name>$` macros replaced by the source's
 * `query_macros.<name>.value` ("" when undefined), then blank lines removed
 * when it names any, as MSTICPy's `_replace_query_macros` (which reads the
 * source's macros only, not `defaults.query_macros`). Done at load time: the
 * values come from the query file, and may hold `{param}` placeholders, which
 * are then rendered as the query's own.
 */
function replaceQueryMacros(query: string, macros: unknown): string {
  if (!query.includes("$<")) return query;
  const values = isMap(macros) ? macros : {};
  // One pass (one split/join per occurrence was quadratic: 20,000 macros took 35 s); names are bounded, so a
  // crafted run of `$<` without `>` stays linear.
  const out = query.replace(/\$<([^<>$\n]{1,256})>\$/g, (_whole, key: string) => {
    const spec = Object.hasOwn(values, key) ? values[key] : undefined;
    return isMap(spec) && spec.value !== undefined && spec.value !== null ? String(spec.value) : "";
  });
  return out.replace(/\n{2,}/g, "\n");
}

/** `metadata.schema` checked against the event kinds (undefined when absent). */
function schemaOf(where: string, value: unknown): EventKind | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const kind = EVENT_KINDS.find((k) => k === value);
  if (!kind) throw new QueryDefinitionError(msg.unknownSchema(where, String(value), EVENT_KINDS));
  return kind;
}

function parseParameter(where: string, name: string, spec: unknown): QueryParameter {
  if (!isMap(spec)) throw new QueryDefinitionError(msg.parameterNotAMap(where, name));
  const rawType = String(spec.type ?? "str");
  const type = PARAMETER_TYPES[rawType.toLowerCase()];
  if (!type) {
    throw new QueryDefinitionError(msg.parameterUnknownType(where, name, rawType, Object.keys(PARAMETER_TYPES)));
  }
  const hasDefault = Object.prototype.hasOwnProperty.call(spec, "default");
  const param: QueryParameter = {
    name,
    type,
    description: String(spec.description ?? ""),
    required: !hasDefault,
    aliases: asStringList(spec.aliases),
  };
  if (hasDefault) param.default = spec.default;
  if (spec.column !== undefined) param.column = String(spec.column);
  if (spec.match !== undefined) {
    const match = String(spec.match);
    if (match !== "equals" && match !== "contains" && match !== "in") {
      throw new QueryDefinitionError(msg.parameterUnknownMatch(where, name, match));
    }
    param.match = match;
  }
  return param;
}

/** Options of {@link loadQueries}. */
export interface LoadQueriesOptions {
  /** Told of each YAML file skipped as not a query file (empty, a list, a scalar) each broken symbolic link, each file refused for a repeated key (its line and key named; the other files load), and each `data_environments` name no environment has. Default: printed with `console.log` as `Warning: …`. */
  warn?: (message: string) => void;
}

/** What a parsed YAML document is, for the skip warning. */
function describeYaml(root: unknown): string {
  if (root === null || root === undefined) return "empty";
  if (Array.isArray(root)) return "a list";
  return `a ${typeof root}`;
}

/** The warning for `data_environments` entries no environment has, each with its close names. */
function unknownEnvironmentWarning(file: string, unknown: readonly string[], others: boolean): string {
  const named = unknown.map((e) => {
    const close = closestNames(e, KNOWN_ENVIRONMENTS, 2);
    return `${JSON.stringify(e.slice(0, 60))}${close.length ? ` (did you mean ${close.join(" or ")}?)` : ""}`;
  });
  const what = unknown.length > 1 ? `names no data environment: ${named.join(", ")}` : `names no data environment: ${named[0]}`;
  const then = others ? "its queries are loaded only for the other environments it names" : "its queries are not loaded";
  return `${file}: metadata.data_environments ${what}; ${then}. Known environments: ${KNOWN_ENVIRONMENTS.join(", ")}`;
}

/**
 * Loads every query file under `queryPaths`, for one data environment. A later
 * file's query replaces an earlier one with the same family and name, as in MSTICPy.
 */
export function loadQueries(queryPaths: string[], environment: string, options: LoadQueriesOptions = {}): QueryDefinition[] {
  const warn = options.warn ?? printWarning;
  const byKey = new Map<string, QueryDefinition>();
  for (const file of findQueryFiles(queryPaths, { warn })) {
    // Parsed once; YAML errors and files over the limits are reported whatever their environment.
    let root: unknown;
    try {
      root = readQueryYaml(file);
    } catch (err) {
      // A repeated key is YAML that PyYAML reads (the last value wins: MSTICPy loads the file): that file is refused,
      // naming line and key, rather than guessed at, and the provider's other files load. Other YAML errors stop it.
      if (!(err instanceof Error && duplicateKeyErrors.has(err))) throw err;
      warn(`${err.message}; its queries are not loaded (remove or rename the repeated key)`);
      continue;
    }
    // Empty, comment-only, a list or a scalar: not a query file, and one such file must not stop the others (MSTICPy skips them too).
    if (!isMap(root)) {
      warn(`${file}: skipped, not a query file (${describeYaml(root)}; a query file is a map with metadata and sources)`);
      continue;
    }
    // A YAML file with neither metadata nor sources is not a query file (pivot mappings, settings…): skipped.
    if (!Object.hasOwn(root, "metadata") && !Object.hasOwn(root, "sources")) continue;
    const envs = isMap(root.metadata) ? asStringList(root.metadata.data_environments) : undefined;
    // No environment: no provider takes the file. Said once, as MSTICPy prints it (it was skipped without a word).
    if (envs && !envs.length) {
      warn(`${file}: skipped, metadata.data_environments is missing or empty (the providers its queries are for, e.g. [${environment}])`);
      continue;
    }
    // A file may name the environment as MSTICPy does (LogAnalytics for MSSentinel); a dotted one
    // (`DataEnvironment.LogAnalytics`) by its second part, as MSTICPy's `env_value.split(".")[1]` (it took the last).
    const names = envs?.map((e) => (e.includes(".") ? e.split(".")[1] : e));
    // A misspelt environment (`Sentinal`) left the file's queries out without a word; the file is still loaded for the names it gets right.
    const unknown = names?.filter((e) => !isKnownEnvironment(e)) ?? [];
    if (unknown.length) warn(unknownEnvironmentWarning(file, unknown, (names ?? []).length > unknown.length));
    // Files for other environments are skipped without checking their queries.
    if (names && !names.some((e) => namesEnvironment(environment, e))) continue;
    for (const q of queriesOf(file, root)) byKey.set(`${q.family}.${q.name}`, q);
  }
  return [...byKey.values()].sort((a, b) => compareText(`${a.family}.${a.name}`, `${b.family}.${b.name}`));
}

/**
 * The config's `QueryDefinitions.Custom` folders, absolute. As MSTICPy's
 * `_resolve_path`: `~` is the home folder and relative paths are read from the
 * current folder (not the config's). A missing one is an error naming the
 * setting (MSTICPy only prints a warning and goes on without those queries).
 */
function customQueryPaths(config: HuntlabConfig): string[] {
  // `QueryDefinitions: [~/queries]` (read leniently, so that TI and the settings of data providers still load): said here.
  checkSection(config, "QueryDefinitions");
  // `$HOME/queries` is refused (a config/invalid-setting error), not reported as a folder named `$HOME` not found.
  const resolved = config.customQueryPaths.map((p) => path.resolve(readPathSetting(config.path, "QueryDefinitions.Custom", p)));
  const missing = resolved.filter((p) => !fs.existsSync(p));
  if (missing.length) throw new QueryDefinitionError(msg.customQueryPathsMissing(config.path, missing));
  return resolved;
}

/** Where a provider's query files come from (LocalData's and the live providers' options). */
export interface ProviderQueryOptions {
  /** Folders or files of query definitions, read last; given, they replace the bundled ones. */
  queryPaths?: readonly string[];
  /** msticpyconfig.yaml to read `QueryDefinitions.Custom` from. Default: as `loadConfig` finds it. */
  configPath?: string;
  /** A loaded config (instead of configPath). */
  config?: HuntlabConfig;
  /** Told of skipped files and of a config found on its own that does not load. */
  warn?: (message: string) => void;
}

/**
 * The config whose `QueryDefinitions.Custom` is read: `config`, else
 * `configPath`'s (an error if it does not load), else the one `loadConfig`
 * finds — which, when it does not load (a TI setting mistyped), is a warning:
 * the other queries do not depend on it (a live provider's connect() reports
 * it again if it needs it).
 */
function configForQueries(options: ProviderQueryOptions, warn: (message: string) => void): HuntlabConfig | undefined {
  if (options.config) return options.config;
  if (options.configPath !== undefined) return loadConfig(options.configPath, { missingEnvironment: "skip" });
  try {
    const config = loadConfig(undefined, { missingEnvironment: "skip" });
    // A QueryDefinitions of another shape is that config's not loading, for the queries: said the same way.
    checkSection(config, "QueryDefinitions");
    return config;
  } catch (err) {
    warn(`QueryDefinitions.Custom not read: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/**
 * A provider's queries for `environment`, in MSTICPy's order: the bundled
 * folder `bundled`, then the config's `QueryDefinitions.Custom`, then
 * `queryPaths` (which replace `bundled` when given; a later file's query wins).
 * Returns the paths read too, for the "no queries" error.
 */
export function loadProviderQueries(environment: string, bundled: string, options: ProviderQueryOptions): { paths: string[]; queries: QueryDefinition[] } {
  const warn = options.warn ?? printWarning;
  const config = configForQueries(options, warn);
  const custom = config ? customQueryPaths(config) : [];
  const paths = options.queryPaths ? [...custom, ...options.queryPaths] : [bundled, ...custom];
  return { paths, queries: loadQueries(paths, environment, { warn }) };
}
