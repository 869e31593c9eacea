/**
 * Reads query definitions in MSTICPy's YAML format (metadata / defaults /
 * sources / args.query / parameters) and turns them into `QueryDefinition`s.
 * Invalid files are errors that name the file (and line, for YAML syntax).
 */
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { QueryDefinitionError } from "../common/errors";
import type { QueryDefinition, QueryParameter, QueryParameterType } from "./types";

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

function isMap(value: unknown): value is YamlMap {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep merge of plain objects; `over` wins. */
function mergeMaps(base: YamlMap, over: YamlMap): YamlMap {
  const out: YamlMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isMap(value) && isMap(out[key]) ? mergeMaps(out[key] as YamlMap, value) : value;
  }
  return out;
}

function asStringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Finds the query files (`*.yaml`, `*.yml`) under each path, recursively, in a stable order. */
export function findQueryFiles(queryPaths: string[]): string[] {
  const missing = queryPaths.filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new QueryDefinitionError(
      `query path${missing.length > 1 ? "s" : ""} not found: ${missing.map((p) => path.resolve(p)).join(", ")}`,
    );
  }
  const files: string[] = [];
  const walk = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isFile()) {
      if (/\.ya?ml$/i.test(p)) files.push(p);
      return;
    }
    for (const entry of fs.readdirSync(p).sort()) {
      if (entry.startsWith(".") || entry === "node_modules") continue;
      walk(path.join(p, entry));
    }
  };
  for (const p of queryPaths) walk(p);
  return files;
}

/** Parses one query file. Throws `QueryDefinitionError` naming the file, query or parameter at fault. */
export function parseQueryFile(file: string, text = fs.readFileSync(file, "utf8")): QueryDefinition[] {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0];
    const where = line ? `${file}:${line.line}:${line.col}` : file;
    throw new QueryDefinitionError(`${where}: YAML syntax error: ${err.message.split("\n")[0]}`);
  }
  const root = doc.toJS() as unknown;
  if (!isMap(root)) throw new QueryDefinitionError(`${file}: not a query file (expected a map with metadata and sources)`);
  const metadata = root.metadata;
  if (!isMap(metadata)) throw new QueryDefinitionError(`${file}: missing "metadata" section`);
  const environments = asStringList(metadata.data_environments);
  if (!environments.length) throw new QueryDefinitionError(`${file}: metadata.data_environments is missing or empty`);
  const fileFamilies = asStringList(metadata.data_families);
  if (!fileFamilies.length) throw new QueryDefinitionError(`${file}: metadata.data_families is missing or empty`);
  const sources = root.sources;
  if (!isMap(sources) || !Object.keys(sources).length) throw new QueryDefinitionError(`${file}: "sources" is missing or empty`);

  const defaults = isMap(root.defaults) ? root.defaults : {};
  const defaultMeta = isMap(defaults.metadata) ? defaults.metadata : {};
  const defaultParams = isMap(defaults.parameters) ? defaults.parameters : {};
  const fileMeta: YamlMap = { ...metadata };

  const queries: QueryDefinition[] = [];
  for (const [name, rawSource] of Object.entries(sources)) {
    const where = `${file}: query "${name}"`;
    if (!isMap(rawSource)) throw new QueryDefinitionError(`${where}: expected a map with description, args and parameters`);
    const args = rawSource.args;
    if (!isMap(args) || args.query === undefined || args.query === null || String(args.query).trim() === "") {
      throw new QueryDefinitionError(`${where}: has no args.query (for LocalData, the data file to read)`);
    }
    const meta = mergeMaps(mergeMaps(fileMeta, defaultMeta), isMap(rawSource.metadata) ? rawSource.metadata : {});
    const families = asStringList(meta.data_families);
    const params = { ...defaultParams, ...(isMap(rawSource.parameters) ? rawSource.parameters : {}) };
    const parameters = Object.entries(params).map(([pname, spec]) => parseParameter(where, pname, spec));
    for (const family of families) {
      queries.push({
        family,
        name,
        description: String(rawSource.description ?? ""),
        query: String(args.query).trim(),
        parameters,
        metadata: meta,
        sourceFile: file,
      });
    }
  }
  return queries;
}

function parseParameter(where: string, name: string, spec: unknown): QueryParameter {
  if (!isMap(spec)) throw new QueryDefinitionError(`${where}: parameter "${name}" must be a map (description, type, default)`);
  const rawType = String(spec.type ?? "str");
  const type = PARAMETER_TYPES[rawType.toLowerCase()];
  if (!type) {
    throw new QueryDefinitionError(
      `${where}: parameter "${name}" has unknown type "${rawType}" (known: ${Object.keys(PARAMETER_TYPES).join(", ")})`,
    );
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
      throw new QueryDefinitionError(`${where}: parameter "${name}" has unknown match "${match}" (known: equals, contains, in)`);
    }
    param.match = match;
  }
  return param;
}

/**
 * Loads every query file under `queryPaths`, for one data environment. A later
 * file's query replaces an earlier one with the same family and name, as in MSTICPy.
 */
export function loadQueries(queryPaths: string[], environment: string): QueryDefinition[] {
  const byKey = new Map<string, QueryDefinition>();
  for (const file of findQueryFiles(queryPaths)) {
    const text = fs.readFileSync(file, "utf8");
    const envs = peekEnvironments(text);
    // Skip files for other environments cheaply; a file we cannot peek is parsed (and its error reported).
    if (envs && !envs.some((e) => e === environment || e.split(".").pop() === environment)) continue;
    for (const q of parseQueryFile(file, text)) byKey.set(`${q.family}.${q.name}`, q);
  }
  return [...byKey.values()].sort((a, b) => `${a.family}.${a.name}`.localeCompare(`${b.family}.${b.name}`));
}

function peekEnvironments(text: string): string[] | undefined {
  try {
    const root = YAML.parse(text) as unknown;
    if (isMap(root) && isMap(root.metadata)) return asStringList(root.metadata.data_environments);
  } catch {
    return undefined;
  }
  return undefined;
}
