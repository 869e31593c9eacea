/**
 * Elasticsearch/OpenSearch hits → a typed table. Each hit's `_source` is
 * flattened to dotted column names (`{"host": {"name": "x"}}` → `host.name`);
 * column types come from the index mapping (`GET /{index}/_mapping`) of the
 * index each hit came from, else from the JSON values:
 *
 * | mapping type | column type |
 * | --- | --- |
 * | date, date_nanos | datetime (values as received: ISO text or epoch ms) |
 * | long, unsigned_long | long |
 * | integer, short, byte | int |
 * | double, float, half_float, scaled_float | real |
 * | boolean | bool |
 * | keyword, constant_keyword, wildcard, text, match_only_text, ip, version | string |
 * | anything else (geo_point, flattened…), and any field holding a list | dynamic (JSON text) |
 *
 * A field typed differently in two of the hits' indices becomes a string column.
 */
import type { LiveColumn, LiveColumnType } from "./types";

const MAPPING_TYPES: Record<string, LiveColumnType> = {
  date: "datetime",
  date_nanos: "datetime",
  long: "long",
  unsigned_long: "long",
  integer: "int",
  short: "int",
  byte: "int",
  double: "real",
  float: "real",
  half_float: "real",
  scaled_float: "real",
  boolean: "bool",
  keyword: "string",
  constant_keyword: "string",
  wildcard: "string",
  text: "string",
  match_only_text: "string",
  ip: "string",
  version: "string",
};

/** Field path → column type, per index. */
export type IndexFieldTypes = Map<string, Map<string, LiveColumnType>>;

/** Field types of a `GET /{index}/_mapping` answer (`{index: {mappings: {properties}}}`), by index. */
export function elasticFieldTypes(mappingAnswer: unknown): IndexFieldTypes {
  const out: IndexFieldTypes = new Map();
  if (typeof mappingAnswer !== "object" || mappingAnswer === null) return out;
  for (const [index, entry] of Object.entries(mappingAnswer as Record<string, unknown>)) {
    const fields = new Map<string, LiveColumnType>();
    const properties = (entry as { mappings?: { properties?: unknown } } | null)?.mappings?.properties;
    walkProperties(properties, "", fields);
    out.set(index, fields);
  }
  return out;
}

function walkProperties(properties: unknown, prefix: string, fields: Map<string, LiveColumnType>): void {
  if (typeof properties !== "object" || properties === null) return;
  for (const [name, spec] of Object.entries(properties as Record<string, unknown>)) {
    if (typeof spec !== "object" || spec === null) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const s = spec as { type?: unknown; properties?: unknown };
    if (s.properties !== undefined && (s.type === undefined || s.type === "object" || s.type === "nested")) {
      if (s.type === "nested") fields.set(path, "dynamic");
      else walkProperties(s.properties, path, fields);
      continue;
    }
    if (typeof s.type === "string") fields.set(path, MAPPING_TYPES[s.type] ?? "dynamic");
  }
}

/** `_source` flattened to dotted names; lists and fields mapped as whole objects (nested, flattened…) kept as values. */
export function flattenSource(source: unknown, types?: ReadonlyMap<string, LiveColumnType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !(prefix && types?.get(prefix) === "dynamic")) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 && prefix) out[prefix] = null;
      for (const [k, v] of entries) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    if (prefix) out[prefix] = value;
  };
  walk(source, "");
  return out;
}

function inferred(value: unknown): LiveColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) || typeof value === "object") return "dynamic";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "long" : "real";
  return "string";
}

function convert(value: unknown, type: LiveColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (type === "dynamic") return typeof value === "string" ? value : JSON.stringify(value);
  if (Array.isArray(value) || (typeof value === "object" && !(value instanceof Date))) return JSON.stringify(value);
  if (type === "string") return String(value);
  return value;
}

/** A hit as the driver keeps it. */
export interface ElasticHit {
  _index?: string;
  _source?: unknown;
}

/** Hits as typed columns and rows; columns in first-seen order. */
export function elasticTable(hits: readonly ElasticHit[], fieldTypes: IndexFieldTypes): { columns: LiveColumn[]; rows: unknown[][] } {
  const flat = hits.map((h) => flattenSource(h._source ?? {}, fieldTypes.get(h._index ?? "")));
  const types = new Map<string, Set<LiveColumnType>>();
  flat.forEach((record, i) => {
    const mapping = fieldTypes.get(hits[i]._index ?? "");
    for (const [name, value] of Object.entries(record)) {
      let set = types.get(name);
      if (!set) types.set(name, (set = new Set()));
      if (Array.isArray(value)) set.add("dynamic");
      const t = mapping?.get(name) ?? inferred(value);
      if (t) set.add(t);
    }
  });
  const columns: LiveColumn[] = [...types].map(([name, set]) => {
    if (set.has("dynamic")) return { name, type: "dynamic" };
    if (set.size === 0) return { name, type: "string" };
    if (set.size === 1) return { name, type: [...set][0] };
    if ([...set].every((t) => t === "long" || t === "int")) return { name, type: "long" };
    if ([...set].every((t) => t === "long" || t === "int" || t === "real")) return { name, type: "real" };
    return { name, type: "string" };
  });
  const rows = flat.map((record) => columns.map((c) => convert(Object.hasOwn(record, c.name) ? record[c.name] : null, c.type)));
  return { columns, rows };
}
