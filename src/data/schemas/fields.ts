/**
 * Fields of an event frame by dotted name, whatever the export did with the
 * nesting: a flat column named `source.ip` (Kibana CSV, Zeek's `id.orig_h`), a
 * struct column `source` with a field `ip` (nested NDJSON), or a JSON text
 * column `LocationDetails` holding `{"geoCoordinates": {"latitude": …}}`
 * (Sentinel exports).
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTextType, textExpr } from "../../common/dtypes";
import { columnNames, columnOf } from "../../common/frames";
import { looksLikeTrinoRow, trinoTextToJson } from "./trinoText";

/** How deep struct columns are listed: ECS nests three or four levels. */
const MAX_DEPTH = 6;

/** A JSON path segment we write into `jsonPathMatch` ourselves: plain names only, so the path cannot be bent. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_@-]+$/;

/** The fields of a frame: its columns and, for struct columns, their nested fields as dotted names. */
export function fieldNames(df: pl.DataFrame): string[] {
  const out: string[] = [];
  for (const name of columnNames(df)) {
    out.push(name);
    const dtype = columnOf(df, name).dtype;
    if (dtype.variant === "Struct") listStructFields(dtype, name, 1, out);
  }
  return out;
}

function listStructFields(dtype: DataType, prefix: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  const fields = (dtype as unknown as { inner?: { name: string; dtype: DataType }[] }).inner ?? [];
  for (const f of fields) {
    const name = `${prefix}.${f.name}`;
    out.push(name);
    if (f.dtype.variant === "Struct") listStructFields(f.dtype, name, depth + 1, out);
  }
}

/**
 * The values of a field, or undefined when the frame does not have it. A JSON
 * text column is looked into only for the rest of the path (`jsonPathMatch`
 * returns text, or null where the value is not JSON or lacks the path).
 */
export function fieldSeries(df: pl.DataFrame, field: string): pl.Series | undefined {
  const names = columnNames(df);
  const flat = names.includes(field) ? columnOf(df, field) : undefined;
  // Log Analytics' CSV export names its time columns `TimeGenerated [UTC]`.
  if (!flat && names.includes(`${field} [UTC]`)) return columnOf(df, `${field} [UTC]`).rename(field);
  const nested = nestedField(df, names, field);
  if (!flat || !nested) return flat ?? nested;
  // NDJSON whose events write some keys dotted and some nested (`"user.name"` and `user: {name}`) has both
  // columns, each null where the other event style holds the value.
  if (flat.nullCount() === 0) return flat;
  // The nested value in the flat column's type; a list (ECS `event.type: ["start"]`) beside text is its elements' text.
  const other = isTextType(flat.dtype) ? textExpr(pl.col("b"), nested.dtype) : pl.col("b").cast(flat.dtype, false);
  try {
    return pl.DataFrame([flat.rename("a"), nested.rename("b")]).select(pl.col("a").fillNull(other).alias(field)).getColumn(field);
  } catch {
    // Types that do not convert (a list column beside a nested string): the flat column as it is.
    return flat;
  }
}

/** The field inside a struct or JSON text column whose name is a prefix of its path. */
function nestedField(df: pl.DataFrame, names: readonly string[], field: string): pl.Series | undefined {
  const parts = field.split(".");
  // Longest column prefix first: `source.geo` before `source`.
  for (let cut = parts.length - 1; cut >= 1; cut -= 1) {
    const head = parts.slice(0, cut).join(".");
    if (!names.includes(head)) continue;
    const found = descend(columnOf(df, head), parts.slice(cut));
    if (found) return found.rename(field);
  }
  return undefined;
}

/** How many rows show whether a JSON text column holds a field, for recognising a schema. */
const JSON_FIELD_SAMPLE = 1000;

/**
 * The fields of {@link fieldNames} plus those of `wanted` that sit inside a
 * JSON text column (WindowsEvent's `EventData.TargetUserName` in a Log
 * Analytics CSV): present when a value of the first rows has them.
 */
export function fieldSetWith(df: pl.DataFrame, wanted: Iterable<string>): Set<string> {
  const fields = new Set(fieldNames(df));
  const names = columnNames(df);
  const sample = df.head(JSON_FIELD_SAMPLE);
  for (const f of wanted) {
    if (fields.has(f) || !f.includes(".")) continue;
    const found = nestedField(sample, names, f);
    if (found && found.nullCount() < found.len()) fields.add(f);
  }
  return fields;
}

function descend(series: pl.Series, rest: readonly string[]): pl.Series | undefined {
  let current = series;
  for (let i = 0; i < rest.length; i += 1) {
    if (current.dtype.variant === "Struct") {
      const fields = (current.dtype as unknown as { inner?: { name: string }[] }).inner ?? [];
      if (!fields.some((f) => f.name === rest[i])) return undefined;
      current = current.struct.field(rest[i]);
      continue;
    }
    if (isTextType(current.dtype)) {
      const path = rest.slice(i);
      if (!path.every((p) => PLAIN_SEGMENT.test(p))) return undefined;
      return jsonPath(current, path);
    }
    return undefined;
  }
  return current;
}

/**
 * `$.a.b` of each JSON text value, as text; null when it is not JSON or has no such member. A column of
 * Presto/Trino row text (Athena's CSV of a Security Lake table: `{ip=10.0.0.5, port=443}`) is read as
 * the JSON it stands for (trinoText.ts).
 */
function jsonPath(text: pl.Series, path: readonly string[]): pl.Series | undefined {
  // Only text that looks like a JSON object is parsed: a column of other text is not a JSON column.
  const sample = text.dropNulls().head(20).toArray().map(String);
  if (!sample.some((v) => v.trimStart().startsWith("{"))) return undefined;
  if (sample.some(looksLikeTrinoRow)) text = cachedTrinoAsJson(text);
  try {
    return text.str.jsonPathMatch(`$.${path.join(".")}`);
  } catch {
    // One malformed value must not kill the frame: polars may refuse the whole column; fall back per value.
    return perValueJsonPath(text, path);
  }
}

/** The conversions of the running {@link withFieldCache} call, by column (see cachedTrinoAsJson). */
let trinoCache: Map<string, pl.Series> | undefined;

/**
 * Runs `fn` with each Trino text column converted to JSON once: `normalizeEvents` reads a dozen fields of
 * the same struct column (`src_endpoint.ip`, `.port`, `.instance_uid`…), each of which would convert the
 * whole column again. The cache lives for the call only.
 */
export function withFieldCache<T>(fn: () => T): T {
  const outer = trinoCache;
  trinoCache = outer ?? new Map();
  try {
    return fn();
  } finally {
    trinoCache = outer;
  }
}

function cachedTrinoAsJson(text: pl.Series): pl.Series {
  if (!trinoCache) return trinoAsJson(text);
  // Within one call a column name holds one set of values per frame height (rows are only ever dropped,
  // and the frames of one height are the same rows); its first and last values guard that.
  const n = text.len();
  const key = JSON.stringify([text.name, n, text.nullCount(), n ? text.get(0) : null, n ? text.get(n - 1) : null]);
  let json = trinoCache.get(key);
  if (!json) {
    json = trinoAsJson(text);
    trinoCache.set(key, json);
  }
  return json;
}

/** Each Trino row text as JSON text (null where it does not parse); each distinct value read once. */
function trinoAsJson(text: pl.Series): pl.Series {
  const seen = new Map<string, string | null>();
  const values = (text.toArray() as unknown[]).map((v) => {
    if (v === null || v === undefined) return null;
    const key = String(v);
    let json = seen.get(key);
    if (json === undefined && !seen.has(key)) {
      json = trinoTextToJson(key);
      seen.set(key, json);
    }
    return json ?? null;
  });
  return pl.Series(text.name, values, pl.Utf8);
}

function perValueJsonPath(text: pl.Series, path: readonly string[]): pl.Series {
  const values = (text.toArray() as (string | null)[]).map((v) => {
    if (v === null) return null;
    try {
      let node: unknown = JSON.parse(v);
      for (const p of path) {
        if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, p)) return null;
        node = (node as Record<string, unknown>)[p];
      }
      return node === null || node === undefined ? null : typeof node === "object" ? JSON.stringify(node) : String(node);
    } catch {
      return null;
    }
  });
  return pl.Series("v", values, pl.Utf8);
}
