/**
 * Search APIs' JSON responses saved as they came (`curl … > out.json`): one object wrapping the records in a list
 * beside paging data. Read as one row, a list column of structs, no cell of the lab reads them; here the records
 * become the frame's rows, and a response that holds fewer records than the search matched is said (the other
 * pages were not fetched, or the API capped the search), since the data then lacks events without a sign.
 *
 * The wrappers are each vendor's documented shape, recognised by the list's key and a key only that API writes
 * beside it (a one-record event file with a `results` or `data` list is no response):
 * - Carbon Black Cloud searches: `{"results": [...], "num_found": N, ...}`.
 * - SentinelOne management API: `{"data": [...], "pagination": {"nextCursor": ..., "totalItems": N}}`.
 * - OData (Microsoft Graph, Defender for Endpoint API): `{"@odata.context": ..., "value": [...], "@odata.nextLink": ...}`.
 * - Microsoft Graph `runHuntingQuery` / Defender advanced hunting API: `{"schema"|"Schema": [...], "results"|"Results": [...]}`.
 * - Elasticsearch / OpenSearch `_search`: `{"hits": {"total": {"value": N, "relation": "eq"|"gte"}, "hits": [{"_source": {...}}]}}`.
 * - CrowdStrike Falcon API: `{"meta": {"pagination": {"total": N}}, "resources": [...]}`.
 * - Splunk search results (`output_mode=json`): `{"preview": false, "results": [...], ...}`.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight } from "../common/frames";

/** A response's records as rows, and what its paging says was left out. */
export interface UnwrappedResponse {
  /** The records, one row each (their own columns). */
  df: pl.DataFrame;
  /** The API's name, for messages (`Carbon Black Cloud search`). */
  api: string;
  /** Where the records were (`results`, `hits.hits[]._source`). */
  records: string;
  /** Why the response holds only part of the search's records (`num_found` 1200), when it says so. */
  partial?: string;
}

/** One API's wrapper. */
interface ApiWrapper {
  api: string;
  /** The top-level key of the records' list (a struct's path for Elasticsearch). */
  list: readonly string[];
  /**
   * Top-level keys the API writes beside the list, each with the kind of value it writes there: without one of
   * them, the object is no such response (an event with a `data` list and a `pagination` text keeps its columns).
   */
  marks: Readonly<Record<string, MarkKind>>;
  /** The field of each listed element holding the record (Elasticsearch's `_source`); its siblings kept where named. */
  inner?: { field: string; keep: readonly string[] };
  /** Why the response is partial, from its one row of metadata; undefined when it says nothing. */
  partial?: (meta: (path: string) => unknown, rows: number) => string | undefined;
}

/** What a mark's value is: a number, an object, a list, a boolean, or any value (the `@odata.` keys name themselves). */
type MarkKind = "number" | "object" | "list" | "boolean" | "any";

/** Whether the frame's top-level column `name` is present and holds a `kind` value. */
function isMark(df: pl.DataFrame, names: readonly string[], name: string, kind: MarkKind): boolean {
  if (!names.includes(name)) return false;
  const series = columnOf(df, name);
  const variant = series.dtype.variant;
  switch (kind) {
    case "number":
      return series.isNumeric();
    case "object":
      return variant === "Struct";
    case "list":
      return variant === "List";
    case "boolean":
      return variant === "Bool";
    default:
      return true;
  }
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
const set = (v: unknown): boolean => v !== null && v !== undefined && v !== "";
const more = (what: string, total: number | undefined, rows: number): string | undefined => (total !== undefined && total > rows ? `${what} ${total}` : undefined);

/** The keys of an Elasticsearch hit kept beside its `_source` record. */
const HIT_KEEP: readonly string[] = ["_index", "_id"];

const WRAPPERS: readonly ApiWrapper[] = [
  { api: "Carbon Black Cloud search", list: ["results"], marks: { num_found: "number" }, partial: (m, rows) => more("num_found", num(m("num_found")), rows) },
  {
    api: "SentinelOne API",
    list: ["data"],
    marks: { pagination: "object" },
    partial: (m, rows) => more("pagination.totalItems", num(m("pagination.totalItems")), rows) ?? (set(m("pagination.nextCursor")) ? "a pagination.nextCursor (more pages)" : undefined),
  },
  {
    api: "OData (Microsoft Graph, Defender API)",
    list: ["value"],
    marks: { "@odata.context": "any", "@odata.nextLink": "any", "@odata.count": "any" },
    partial: (m, rows) => more("@odata.count", num(m("@odata.count")), rows) ?? (set(m("@odata.nextLink")) ? "an @odata.nextLink (more pages)" : undefined),
  },
  { api: "Microsoft Graph hunting query", list: ["results"], marks: { schema: "list" } },
  { api: "Defender advanced hunting API", list: ["Results"], marks: { Schema: "list", Stats: "object" } },
  {
    api: "Elasticsearch search",
    list: ["hits", "hits"],
    marks: { hits: "object" },
    inner: { field: "_source", keep: HIT_KEEP },
    partial: (m, rows) => {
      const total = num(m("hits.total.value")) ?? num(m("hits.total"));
      return total !== undefined && total > rows ? `hits.total ${m("hits.total.relation") === "gte" ? "at least " : ""}${total}` : undefined;
    },
  },
  { api: "CrowdStrike Falcon API", list: ["resources"], marks: { meta: "object" }, partial: (m, rows) => more("meta.pagination.total", num(m("meta.pagination.total")), rows) },
  { api: "Splunk search results", list: ["results"], marks: { preview: "boolean", init_offset: "number" }, partial: (m) => (m("preview") === true ? "preview: true (the search had not finished)" : undefined) },
];

/** The struct field (or top-level column) at a dotted path of a one-row frame's first row; undefined when absent. */
function metaValue(df: pl.DataFrame, path: string): unknown {
  // `@odata.nextLink` is one key: a top-level name is tried whole first.
  const names = columnNames(df);
  if (names.includes(path)) return first(columnOf(df, path));
  const s = seriesAt(df, path.split("."));
  return s && first(s);
}

/** The column at `path[0]` and the struct fields below it along the rest of `path`; undefined when absent. */
function seriesAt(df: pl.DataFrame, path: readonly string[]): pl.Series | undefined {
  if (!columnNames(df).includes(path[0])) return undefined;
  let s = columnOf(df, path[0]);
  for (const part of path.slice(1)) {
    if (s.dtype.variant !== "Struct") return undefined;
    const fields = (s.dtype as unknown as { inner?: { name: string }[] }).inner ?? [];
    if (!fields.some((f) => f.name === part)) return undefined;
    s = s.struct.field(part);
  }
  return s;
}

/** A series' first value when it is plain (a number, text, boolean, null); undefined for objects. */
function first(s: pl.Series): unknown {
  // (Series.get fails on polars' Null type: a key whose value is null, as a last page's nextCursor.)
  if (s.dtype.variant === "Null") return null;
  const v = s.head(1).toArray()[0];
  return v === null || typeof v !== "object" ? v : undefined;
}

/** The list's series (a list of structs) at `path`, or undefined. */
function listAt(df: pl.DataFrame, path: readonly string[]): pl.Series | undefined {
  const s = seriesAt(df, path);
  if (s?.dtype.variant !== "List") return undefined;
  const inner = (s.dtype as unknown as { inner?: { variant?: string }[] }).inner?.[0];
  // An empty list is read as a list of nulls: a response with no records.
  return inner?.variant === "Struct" || inner?.variant === "Null" ? s : undefined;
}

/**
 * The records of a saved API response (a frame of one row, as a JSON object file reads), or undefined when the
 * frame is no response this module knows. Each record is a row; nested objects stay struct columns, as a JSON
 * array of the same records reads.
 */
export function unwrapApiResponse(df: pl.DataFrame): UnwrappedResponse | undefined {
  if (frameHeight(df) !== 1) return undefined;
  const names = columnNames(df);
  for (const w of WRAPPERS) {
    if (!Object.entries(w.marks).some(([m, kind]) => isMark(df, names, m, kind))) continue;
    const list = listAt(df, w.list);
    if (!list) continue;
    const elements = list.explode();
    const records = w.list.join(".") + (w.inner ? `[]._source` : "");
    const rows = recordRows(elements, w.inner);
    if (!rows) continue;
    const partial = w.partial?.((p) => metaValue(df, p), frameHeight(rows));
    return { df: rows, api: w.api, records, ...(partial ? { partial } : {}) };
  }
  return undefined;
}

/** The elements (structs, nulls for an empty list) as a frame of their fields; undefined when they are no records. */
function recordRows(elements: pl.Series, inner: ApiWrapper["inner"]): pl.DataFrame | undefined {
  if (elements.dtype.variant === "Null") return pl.DataFrame();
  if (elements.dtype.variant !== "Struct") return undefined;
  const kept = elements.filter(elements.isNotNull());
  if (!inner) return kept.len() ? unnest(kept) : pl.DataFrame();
  const fields = ((kept.dtype as unknown as { inner?: { name: string }[] }).inner ?? []).map((f) => f.name);
  if (!fields.includes(inner.field)) return undefined;
  const source = kept.struct.field(inner.field);
  if (source.dtype.variant !== "Struct") return kept.len() && source.dtype.variant !== "Null" ? undefined : pl.DataFrame();
  return withHitKeys(unnest(source), inner.keep.filter((k) => fields.includes(k)).map((k) => kept.struct.field(k).rename(k)));
}

/** A hit's index and id (`keys`), after the record's fields, where the record has no field of that name. */
function withHitKeys(body: pl.DataFrame, keys: pl.Series[]): pl.DataFrame {
  const own = new Set(columnNames(body));
  const extra = keys.filter((k) => !own.has(k.name));
  return extra.length ? pl.DataFrame([...columnNames(body).map((n) => columnOf(body, n)), ...extra]) : body;
}

/** A struct series' fields as the columns of a frame. */
function unnest(s: pl.Series): pl.DataFrame {
  return pl.DataFrame([s.rename("__hl_record")]).unnest("__hl_record");
}

/** The keys Elasticsearch and OpenSearch write in a search hit (`hits.hits[]`): a record holding only these is a hit. */
const HIT_KEYS: ReadonlySet<string> = new Set([
  "_index", "_id", "_score", "_source", "_type", "_routing", "_version", "_seq_no", "_primary_term", "_ignored",
  "_shard", "_node", "_explanation", "_nested", "sort", "fields", "highlight", "matched_queries", "inner_hits",
]);

/**
 * Search hits saved one per record, outside their response: elasticdump's NDJSON, `jq -c '.hits.hits[]'`, or the
 * `hits.hits` array alone. Each row is then a hit (`_index`, `_id`, a `_source` struct), which no cell reads: the
 * hits' `_source` fields become the columns, each hit's `_index` and `_id` after them (where `_source` has no field
 * of that name), as a saved `_search` response reads. Undefined for a frame whose columns are not all a hit's keys.
 */
export function unwrapSearchHits(df: pl.DataFrame): pl.DataFrame | undefined {
  const names = columnNames(df);
  if (!names.includes("_source") || !(names.includes("_id") || names.includes("_index")) || !names.every((n) => HIT_KEYS.has(n))) return undefined;
  const source = columnOf(df, "_source");
  if (source.dtype.variant !== "Struct") return undefined;
  return withHitKeys(unnest(source), HIT_KEEP.filter((k) => names.includes(k)).map((k) => columnOf(df, k)));
}
