/**
 * Elasticsearch/OpenSearch hits → a typed table. Each hit's `_source` is
 * flattened to dotted column names (`{"host": {"name": "x"}}` → `host.name`),
 * and its `fields` (asked for with `"fields": [...]`, often with `"_source": false`)
 * are added: a one-value list becomes the value, longer lists stay lists. A field
 * in both keeps the `_source` value (the document as stored; `fields` holds the
 * mapped/formatted form). Every hit is a row, even one with neither;
 * column types come from the index mapping (`GET /{index}/_mapping`) of the
 * index each hit came from, else from the JSON values:
 *
 * | mapping type | column type |
 * | --- | --- |
 * | date, date_nanos | datetime (ISO text; numbers per the mapping's `format`: epoch_second → seconds, else ms) |
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

/** Field path → milliseconds per epoch unit, per index, for date fields whose numbers are not epoch ms. */
export type IndexEpochScales = Map<string, Map<string, number>>;

/**
 * The epoch unit of each date field whose mapping `format` reads numbers as
 * seconds: ES tries a `||` list in order, so the first epoch entry decides
 * (`strict_date_optional_time||epoch_second` → seconds). Fields without one are
 * epoch ms (the default format is `strict_date_optional_time||epoch_millis`).
 */
export function elasticEpochScales(mappingAnswer: unknown): IndexEpochScales {
  const out: IndexEpochScales = new Map();
  if (typeof mappingAnswer !== "object" || mappingAnswer === null) return out;
  const walk = (properties: unknown, prefix: string, scales: Map<string, number>): void => {
    if (typeof properties !== "object" || properties === null) return;
    for (const [name, spec] of Object.entries(properties as Record<string, unknown>)) {
      if (typeof spec !== "object" || spec === null) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      const s = spec as { type?: unknown; properties?: unknown; format?: unknown };
      if (s.properties !== undefined && (s.type === undefined || s.type === "object")) walk(s.properties, path, scales);
      else if ((s.type === "date" || s.type === "date_nanos") && typeof s.format === "string") {
        const epoch = s.format.split("||").map((f) => f.trim()).find((f) => f === "epoch_second" || f === "epoch_millis");
        if (epoch === "epoch_second") scales.set(path, 1000);
      }
    }
  };
  for (const [index, entry] of Object.entries(mappingAnswer as Record<string, unknown>)) {
    const scales = new Map<string, number>();
    walk((entry as { mappings?: { properties?: unknown } } | null)?.mappings?.properties, "", scales);
    if (scales.size) out.set(index, scales);
  }
  return out;
}

/** An epoch value of a date field in ms; digit text of 5+ characters is a number too (a 4-digit year stays text). */
function epochMs(value: unknown, scale: number): unknown {
  if (typeof value === "number") return value * scale;
  if (typeof value === "string" && /^-?\d{5,}(?:\.\d+)?$/.test(value.trim())) return Number(value) * scale;
  return value;
}

/** A `fields` entry (always a list in ES): one value → the value, none → null, more stay a list. */
function fieldValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.length === 0 ? null : value.length === 1 ? value[0] : value;
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
  _id?: unknown;
  _source?: unknown;
  /** `fields` answer: dotted field name → list of values. */
  fields?: unknown;
}

/** A hit's `_source` flattened plus its `fields` (the `_source` value wins), epoch dates in ms. */
function hitRecord(hit: ElasticHit, fieldTypes: IndexFieldTypes, epochScales: IndexEpochScales | undefined): Record<string, unknown> {
  const record = flattenSource(hit._source ?? {}, fieldTypes.get(hit._index ?? ""));
  if (typeof hit.fields === "object" && hit.fields !== null && !Array.isArray(hit.fields)) {
    for (const [name, value] of Object.entries(hit.fields as Record<string, unknown>)) if (!Object.hasOwn(record, name)) record[name] = fieldValue(value);
  }
  const scales = epochScales?.get(hit._index ?? "");
  if (scales) for (const [name, scale] of scales) if (Object.hasOwn(record, name)) record[name] = epochMs(record[name], scale);
  return record;
}

/**
 * Hits as typed columns and rows; columns in first-seen order. One row per hit:
 * when no hit has any field (`_source: false` without `fields`), the table is
 * the hits' `_id`s, so the row count stays right.
 */
export function elasticTable(hits: readonly ElasticHit[], fieldTypes: IndexFieldTypes, epochScales?: IndexEpochScales): { columns: LiveColumn[]; rows: unknown[][] } {
  const flat = hits.map((h) => hitRecord(h, fieldTypes, epochScales));
  if (hits.length && flat.every((r) => Object.keys(r).length === 0)) {
    return { columns: [{ name: "_id", type: "string" }], rows: hits.map((h) => [h._id === undefined || h._id === null ? null : String(h._id)]) };
  }
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
