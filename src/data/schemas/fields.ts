/**
 * Fields of an event frame by dotted name, whatever the export did with the
 * nesting: a flat column named `source.ip` (Kibana CSV, Zeek's `id.orig_h`), a
 * struct column `source` with a field `ip` (nested NDJSON), or a JSON text
 * column `LocationDetails` holding `{"geoCoordinates": {"latitude": …}}`
 * (Sentinel exports).
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isCategoricalText, isTextType, plainText, textExpr } from "../../common/dtypes";
import { columnNames, columnOf, columnTypes } from "../../common/frames";
import { looksLikeTrinoRow, parseTrinoText, type Json } from "./trinoText";

/** How deep struct columns are listed: ECS nests three or four levels. */
const MAX_DEPTH = 6;

/** A JSON path segment we write into `jsonPathMatch` ourselves: plain names only, so the path cannot be bent. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_@-]+$/;

/** The fields of a frame: its columns and, for struct columns, their nested fields as dotted names. */
export function fieldNames(df: pl.DataFrame): string[] {
  const out: string[] = [];
  // The types in one call: columnOf lists every column each time, so a 3,000-column export took ~2 s here.
  const types = columnTypes(df);
  columnNames(df).forEach((name, i) => {
    out.push(name);
    if (types[i].variant === "Struct") listStructFields(types[i], name, 1, out);
  });
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
  // Trino text is read once per column into values and each path picked out of them in JS: going through
  // JSON text had polars parse the whole column's JSON again for every field (~40 µs a row).
  if (sample.some(looksLikeTrinoRow)) return cachedPathText(text.name, cachedTrinoValues(text), path);
  try {
    return text.str.jsonPathMatch(`$.${path.join(".")}`);
  } catch {
    // One malformed value must not kill the frame: polars may refuse the whole column; fall back per value.
    return pathText(text.name, (text.toArray() as (string | null)[]).map(parseJson), path);
  }
}

/** The Trino columns read by the running {@link withFieldCache} call (see cachedTrinoValues). */
let trinoCache: Map<string, readonly unknown[]> | undefined;

/**
 * Runs `fn` with each Trino text column read once: `normalizeEvents` reads a dozen fields of the same
 * struct column (`src_endpoint.ip`, `.port`, `.instance_uid`…), each of which would read the whole
 * column again. The cache lives for the call only.
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

function cachedTrinoValues(text: pl.Series): readonly unknown[] {
  if (!trinoCache) return trinoValues(text);
  // Within one call a column name holds one set of values per frame height (rows are only ever dropped,
  // and the frames of one height are the same rows); its first and last values guard that.
  const n = text.len();
  const key = JSON.stringify([text.name, n, text.nullCount(), n ? text.get(0) : null, n ? text.get(n - 1) : null]);
  let values = trinoCache.get(key);
  if (!values) {
    values = trinoValues(text);
    trinoCache.set(key, values);
  }
  return values;
}

/** Each Trino text as its value (undefined where it does not parse); rows of the same text share one value. */
function trinoValues(text: pl.Series): unknown[] {
  const seen = new Map<string, Json | undefined>();
  const values = text.toArray() as unknown[];
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const key = String(v);
    let parsed = seen.get(key);
    if (parsed === undefined && !seen.has(key)) {
      parsed = parseTrinoText(key);
      seen.set(key, parsed);
    }
    values[i] = parsed;
  }
  return values;
}

function parseJson(v: string | null): unknown {
  if (v === null) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** Paths already picked out of a cached Trino column (the flow mapping asks for some twice). */
const pathCache = new WeakMap<readonly unknown[], Map<string, pl.Series>>();

function cachedPathText(name: string, values: readonly unknown[], path: readonly string[]): pl.Series {
  let byPath = pathCache.get(values);
  if (!byPath) pathCache.set(values, (byPath = new Map()));
  const key = path.join(".");
  let series = byPath.get(key);
  if (!series) byPath.set(key, (series = pathText(name, values, path)));
  return series;
}

/** The member at `path` of each value as `jsonPathMatch` gives it: text, objects and arrays as JSON text, null where absent. */
function pathText(name: string, values: readonly unknown[], path: readonly string[]): pl.Series {
  const out = new Array<string | null>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    let node = values[i];
    for (let j = 0; j < path.length && node !== undefined; j += 1) {
      node = node !== null && typeof node === "object" && Object.prototype.hasOwnProperty.call(node, path[j]) ? (node as Record<string, unknown>)[path[j]] : undefined;
    }
    out[i] = node === null || node === undefined ? null : typeof node === "object" ? JSON.stringify(node) : String(node);
  }
  return pl.Series(name, out, pl.Utf8);
}

/**
 * Image columns that count as absent when no row holds a value in them (null or empty text): ECS's
 * `process.executable`, as a Kibana Discover CSV writes a column that was chosen but is empty. The process layouts
 * pass theirs (every built-in layout's image column: an OCSF `process.file.path`, an osquery `path`, a Sysmon
 * `Image` or a Splunk CSV's field that was not extracted): a layout reading the images there would be chosen over
 * one whose columns hold them (another layout's, or the file names of a `… (file names)` layout), and build a tree
 * without images.
 */
const ABSENT_WHEN_EMPTY = ["process.executable"];

/** `names` (a frame's fields) without those of `candidates` that hold no value in `events`: what layouts are inferred from. */
export function fieldsWithValues(events: pl.DataFrame, names: readonly string[], candidates: readonly string[] = ABSENT_WHEN_EMPTY): string[] {
  const empty = emptyFields(events, names, candidates);
  return empty.length ? names.filter((n) => !empty.includes(n)) : [...names];
}

/** The fields of `candidates` among `names` that hold no value (null, empty or blank text) in any row of `events`. */
export function emptyFields(events: pl.DataFrame, names: readonly string[], candidates: readonly string[]): string[] {
  return [...new Set(candidates)].filter((f) => names.includes(f) && !hasValue(fieldSeries(events, f)));
}

function hasValue(series: pl.Series | undefined): boolean {
  if (!series || series.len() === 0) return true; // no rows: nothing says the field is empty
  if (series.nullCount() === series.len()) return false;
  // Categorical text (a Parquet or Arrow file's dictionary strings) is text: blank is blank there too.
  if (!isTextType(series.dtype) && !isCategoricalText(series.dtype)) return true;
  // The first rows settle it for a filled column without reading all of a big frame.
  const head = series.len() > 1000 ? series.head(1000) : undefined;
  if (head && hasValue(head)) return true;
  // A character that is not white space (as str.strip's): no stripped copy of every string (an empty 5M-row column:
  // ~1 s of CPU stripped, ~0.07 s searched; a tree build asks twice).
  const filled = pl.DataFrame([plainText(series).rename("v")]).select(pl.col("v").str.contains("\\S").any().alias("n"));
  return filled.getColumn("n").toArray()[0] === true;
}

/**
 * The frame's column `name`, or the struct column's field a dotted name names (`process.command_line` of nested
 * ECS JSON, as the schemas read it); undefined for neither (JSON text is not looked into).
 */
export function columnOrField(data: pl.DataFrame, name: string): pl.Series | undefined {
  const names = columnNames(data);
  if (names.includes(name)) return columnOf(data, name);
  const root = name.split(".")[0];
  if (!name.includes(".") || !names.includes(root) || columnOf(data, root).dtype.variant !== "Struct") return undefined;
  return fieldSeries(data, name)?.rename(name);
}
