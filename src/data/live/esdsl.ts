/**
 * Elasticsearch/OpenSearch query DSL from a query template and parameters.
 *
 * A template (`args.query` of a query file) is the JSON body of a `_search`
 * request in which each `{param}` placeholder stands as a whole JSON value and
 * literal braces are doubled, Python str.format's rule that MSTICPy's query
 * files follow (`{{"term": {{"Computer": {host_name}}}}}`). The provider writes each value with
 * {@link esJsonLiteral} — JSON text, so a value can only ever be one JSON value
 * (a hostile `x", "must_not": [` stays one string) — and the driver then parses
 * the text and builds the body object with {@link buildEsSearchBody}:
 *
 * - clauses whose value is empty (`null`, `""`, `[]`) are dropped, so a
 *   parameter left at its empty default filters nothing (MSTICPy's queries use
 *   such defaults; ES would otherwise look for the empty string);
 * - `{"contains": {"Field": value}}` (huntlab's shorthand, not an ES query)
 *   becomes a case-insensitive `wildcard` query `*value*`, with `*`, `?` and `\`
 *   of the value escaped so they match themselves;
 * - top-level `size` is the most rows to return (the driver pages with its own
 *   page size); `pit`, `search_after` and `from` are the driver's and are refused.
 */
import { isoTime } from "./chunks";
import { jsonErrorText, numberJson, parseJsonExact, stringifyExact, setOwnProperty } from "../../common/json";
import type { LiteralValue } from "./types";

/** The template or a value is not usable; the caller wraps the text in its own error. */
export class EsDslError extends Error {
  override name = "EsDslError";
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** One value as JSON text: strings escaped by JSON.stringify, Dates as ISO 8601 strings, lists as arrays. */
export function esJsonLiteral(value: LiteralValue): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => {
      if (Array.isArray(v)) throw new EsDslError("nested lists are not supported");
      return scalarJson(v);
    }).join(",")}]`;
  }
  return scalarJson(value);
}

function scalarJson(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new EsDslError("invalid Date");
    // A chunk's end (1 ms before the next chunk) to the last nanosecond: `lte` on a date_nanos field then leaves
    // no gap before the next chunk; a millisecond `date` field reads it truncated, as …59.999.
    return JSON.stringify(isoTime(value, 9));
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new EsDslError(`${value} is not a finite number`);
    return numberJson(value);
  }
  // The marker characters as JSON escapes: only the renderer's marks stand raw in the text (see buildEsSearchBody).
  if (typeof value === "string") return JSON.stringify(value).replace(/[\uE000-\uE002]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (typeof value === "boolean") return String(value);
  throw new EsDslError(`unsupported value type ${value === null ? "null" : typeof value}`);
}

/**
 * Around a parameter's value written inside a JSON string with other text
 * (`"Computer:{host} AND EventID:4624"`): the template renderer marks it, and
 * {@link buildEsSearchBody} escapes it for the syntax of the string it is in
 * (JSON escaping alone left `x OR Computer:*` live Lucene syntax). Private-use
 * characters: a value holding one is refused by the renderer inside a string,
 * and written as JSON escapes (`\ue000`) as a whole value, which is kept exactly.
 */
export const ES_VALUE_OPEN = "\uE000";
export const ES_VALUE_CLOSE = "\uE001";
const MARKED = /\uE000([^\uE000\uE001]*)\uE001/g;
/** A JSON escape of a marker character; an escaped backslash is matched too, so that `\\ue000` (text) is left alone. */
const ESCAPED_MARKER = /\\\\|\\u[eE]00[01]/g;

/** Query-string syntax (Lucene's reserved characters and white space) escaped: the value is one literal term. */
function escapeQueryString(text: string): string {
  // Lucene cannot escape < and >: its parser reads them as a range whatever precedes them.
  if (/[<>]/.test(text)) throw new EsDslError(`a parameter value inside a query_string holds < or >, which Lucene cannot escape: ${JSON.stringify(text.slice(0, 60))}; use a term or match query for it`);
  return text.replace(/[+\-=&|!(){}[\]^"~*?:\\/\s]/g, (c) => `\\${c}`);
}

/** Lucene regular-expression syntax escaped (its optional operators too). */
function escapeRegexp(text: string): string {
  return text.replace(/[.?+*|{}[\]()"\\#@&<>~^$]/g, (c) => `\\${c}`);
}

/** Which syntax a string is in, by the query clause and key it stands under. */
type StringSyntax = "query_string" | "wildcard" | "regexp" | "script" | undefined;

/** Keys whose strings are scripts (Painless, mustache…): `script`, a runtime field, a script sort or aggregation. */
const SCRIPT_KEYS = new Set(["script", "script_score", "script_fields", "runtime_mappings", "_script", "scripted_metric", "bucket_script", "bucket_selector", "init_script", "map_script", "combine_script", "reduce_script"]);

/** Query clauses whose keys are field names (a field may be called `script`). */
const FIELD_CLAUSES = new Set(["term", "terms", "match", "match_phrase", "match_phrase_prefix", "match_bool_prefix", "prefix", "wildcard", "regexp", "fuzzy", "range", "intervals", "span_term", "exists", "terms_set", "contains", "sort"]);

/**
 * `value` with its marked parameter values escaped for the syntax of the strings they are in, and unmarked.
 * `marks` is the same body parsed with the characters written as JSON escapes (a whole value's) replaced: its
 * strings hold a marker character only where the renderer marked a value.
 */
function unmarkValues(value: Json, marks: Json, syntax: StringSyntax, key: string | undefined, inQuery = false): Json {
  if (typeof value === "string") {
    if (typeof marks !== "string" || !marks.includes(ES_VALUE_OPEN)) return value;
    // No escape makes a value one literal of a script's code: it goes in the script's params.
    if (syntax === "script") {
      throw new EsDslError(`a parameter value inside a script's text ("${key}") cannot be written safely: pass it in the script's "params" as a whole value and read it there (params.<name>)`);
    }
    const escape = syntax === "query_string" && key === "query" ? escapeQueryString : syntax === "wildcard" && key !== "rewrite" ? escapeWildcard : syntax === "regexp" && key !== "flags" && key !== "rewrite" ? escapeRegexp : (t: string) => t;
    // The marks' places in `marks`, the characters from `value` (one character for one: the same length).
    let out = "";
    let last = 0;
    for (const m of marks.matchAll(MARKED)) {
      out += value.slice(last, m.index) + escape(value.slice(m.index + 1, m.index + m[0].length - 1));
      last = m.index + m[0].length;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) return value.map((v, i) => unmarkValues(v, Array.isArray(marks) ? marks[i] : null, syntax, key, inQuery));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  const markValues = isObject(marks) ? Object.values(marks) : [];
  for (const [i, [k, v]] of Object.entries(value).entries()) {
    // A clause's name sets the syntax of the strings under it (`{"wildcard": {"host": "{h}-*"}}`).
    // A script's params are values, not code; a field named `script` under a query's field clause
    // (`{"query": {"wildcard": {"script": …}}}`) is a field. Aggregations (`terms`, `range`) take real scripts.
    const scriptKey = SCRIPT_KEYS.has(k) && syntax === undefined && !(inQuery && FIELD_CLAUSES.has(key ?? ""));
    const inner: StringSyntax =
      k === "query_string" || k === "simple_query_string" ? "query_string" : k === "wildcard" || k === "regexp" ? k : scriptKey ? "script" : syntax === "script" && k === "params" ? undefined : syntax;
    setOwnProperty(out, k, unmarkValues(v, markValues[i] ?? null, inner, k, inQuery || k === "query" || k === "post_filter"));
  }
  return out;
}

/**
 * The key of the object a value of several forms is written as (`{"\uE002anyOf": ["WS01", "ws01.contoso.com"]}`):
 * no parameter value is written as an object, and a template holding the key is refused (esAnyOfProblem).
 */
export const ES_ANY_OF = "\uE002anyOf";

/** Leaf queries a value of several forms can stand in: `term` becomes `terms`, the others a `bool.should` of one per form. */
const ANY_OF_QUERIES = new Set(["term", "match", "match_phrase", "prefix", "contains"]);

/** The forms of an {@link ES_ANY_OF} object, if `value` is one. */
function anyOfForms(value: Json | undefined): Json[] | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === ES_ANY_OF && Array.isArray(value[ES_ANY_OF]) ? (value[ES_ANY_OF] as Json[]) : undefined;
}

/**
 * `value` with each leaf query whose value is an {@link ES_ANY_OF} object matching any of its forms: a bare `term`
 * becomes `terms`; a `term` with options (`case_insensitive`, which `terms` lacks), `match`, `match_phrase`, `prefix`
 * and huntlab's `contains` a `bool` whose `should` holds the query once per form. The object anywhere else is `problems`.
 */
function expandAnyOf(value: Json, problems: string[]): Json {
  if (Array.isArray(value)) return value.map((v) => expandAnyOf(v, problems));
  if (!isObject(value)) return value;
  if (anyOfForms(value)) {
    problems.push("it stands where the query takes no list of terms (only a term, match, match_phrase, prefix or contains query's value takes several)");
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && ANY_OF_QUERIES.has(keys[0]) && isObject(value[keys[0]])) {
    const kind = keys[0];
    const inner = value[kind] as JsonObject;
    const fields = Object.keys(inner);
    const spec = fields.length === 1 ? inner[fields[0]] : undefined;
    const valueKey = isObject(spec) && !anyOfForms(spec) ? (kind === "match" || kind === "match_phrase" ? "query" : "value") : undefined;
    const forms = anyOfForms(valueKey && isObject(spec) ? spec[valueKey] : spec);
    if (forms) {
      const field = fields[0];
      if (kind === "term" && !valueKey) return { terms: { [field]: forms } };
      const one = (form: Json): Json => ({ [kind]: { [field]: valueKey && isObject(spec) ? { ...spec, [valueKey]: form } : form } });
      return { bool: { should: forms.map(one), minimum_should_match: 1 } };
    }
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) setOwnProperty(out, k, expandAnyOf(v, problems));
  return out;
}

/** Why substituted template text cannot take a value of several forms where it stands; undefined when it can. */
export function esAnyOfProblem(text: string): string | undefined {
  if ((text.match(/\uE002/g) ?? []).length !== (text.split(JSON.stringify(ES_ANY_OF)).length - 1)) return "the query's text holds the private-use character U+E002 that marks such values";
  let parsed: Json;
  try {
    parsed = parseJsonExact(text) as Json;
  } catch {
    return "the query is not JSON";
  }
  const problems: string[] = [];
  expandAnyOf(parsed, problems);
  return problems[0] ?? (text.includes(ES_ANY_OF) ? undefined : "the query compares it nowhere");
}

/** What {@link buildEsSearchBody} returns. */
export interface EsSearchPlan {
  /** The body without paging keys: `query`, `sort`, `_source`, `fields`… as the template has them (clauses pruned). */
  body: JsonObject;
  /** The template's `size`: the most rows wanted (undefined: all). */
  limit?: number;
}

/** Keys of a `_search` body the driver sets itself. */
const DRIVER_KEYS = ["pit", "search_after", "from"];

/** Longest template text parsed, characters: query bodies are small; this bounds a runaway value. */
export const MAX_ES_TEMPLATE_CHARS = 1_000_000;

/** Parses substituted template text into a search plan (see the module comment). */
export function buildEsSearchBody(text: string): EsSearchPlan {
  if (text.length > MAX_ES_TEMPLATE_CHARS) throw new EsDslError(`the query body is over ${MAX_ES_TEMPLATE_CHARS} characters`);
  let parsed: unknown;
  try {
    // Exact: a long literal beyond 2^53 in the template stays a BigInt (sent back as its digits).
    parsed = parseJsonExact(text);
  } catch (err) {
    throw new EsDslError(`the query is not JSON (${jsonErrorText(err)}); placeholders must stand as whole JSON values and literal braces be doubled, e.g. {{"term": {{"Computer": {host_name}}}}}`);
  }
  if (!isObject(parsed)) throw new EsDslError("the query must be a JSON object (a _search request body)");
  // Marked values (a placeholder inside a string) are escaped for their string's syntax; most bodies have none. A whole
  // value's marker characters are JSON escapes (esJsonLiteral), parsed the same: a second parse without them tells them apart.
  const marks = text.includes(ES_VALUE_OPEN) ? JSON.parse(text.replace(ESCAPED_MARKER, (e) => (e === "\\\\" ? e : "\\u0000"))) : undefined;
  let body: JsonObject = { ...(marks !== undefined ? (unmarkValues(parsed, marks, undefined, undefined) as JsonObject) : parsed) };
  // A value of several forms (a Host pivot's names): each leaf query it stands in matches any of them.
  if (text.includes(ES_ANY_OF)) {
    const problems: string[] = [];
    body = expandAnyOf(body, problems) as JsonObject;
    if (problems.length) throw new EsDslError(`a value of several forms: ${problems[0]}`);
  }
  for (const key of DRIVER_KEYS) {
    if (key in body) throw new EsDslError(`"${key}" is set by the driver (point-in-time paging); remove it from the query`);
  }
  let limit: number | undefined;
  if ("size" in body) {
    const size = body.size;
    delete body.size;
    if (size !== null) {
      if (typeof size !== "number" || !Number.isInteger(size) || size < 0) throw new EsDslError(`"size" must be a whole number ≥ 0, got ${stringifyExact(size)}`);
      limit = size;
    }
  }
  if (body.query !== undefined) {
    const query = pruneQuery(body.query);
    body.query = query ?? { match_all: {} };
  }
  return { body, limit };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmpty(value: Json | undefined): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/** `*`, `?` and `\` escaped for a wildcard pattern. */
export function escapeWildcard(text: string): string {
  return text.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** Leaf queries whose field value is a scalar or `{value|query: …}`. */
const VALUE_QUERIES = new Set(["term", "match", "match_phrase", "prefix", "wildcard", "contains"]);
/** Compound queries whose clauses are prunable. */
const BOOL_CLAUSES = ["must", "filter", "should", "must_not"];

/** The query with empty-valued clauses removed; undefined when nothing is left. */
function pruneQuery(query: Json): Json | undefined {
  if (!isObject(query)) throw new EsDslError(`a query clause must be an object, got ${stringifyExact(query)}`);
  const keys = Object.keys(query);
  if (keys.length !== 1) return query; // not a single-clause query object: left as written
  const kind = keys[0];
  const inner = query[kind];
  if (kind === "bool" && isObject(inner)) {
    const out: JsonObject = { ...inner };
    for (const clause of BOOL_CLAUSES) {
      const c = inner[clause];
      if (c === undefined) continue;
      const list = (Array.isArray(c) ? c : [c]).map(pruneQuery).filter((q): q is Json => q !== undefined);
      if (list.length) out[clause] = list;
      else delete out[clause];
    }
    return BOOL_CLAUSES.some((c) => c in out) ? { bool: out } : undefined;
  }
  if (!isObject(inner)) return query;
  const fields = Object.keys(inner);
  if (fields.length !== 1) return query;
  const field = fields[0];
  const spec = inner[field];
  if (VALUE_QUERIES.has(kind)) {
    const valueKey = isObject(spec) ? (kind === "match" || kind === "match_phrase" ? "query" : "value") : undefined;
    const value = valueKey && isObject(spec) ? spec[valueKey] : spec;
    if (isEmpty(value)) return undefined;
    if (kind !== "contains") return query;
    if (typeof value !== "string" && typeof value !== "number") throw new EsDslError(`"contains" on "${field}" needs a text value, got ${stringifyExact(value)}`);
    const extra = isObject(spec) ? Object.fromEntries(Object.entries(spec).filter(([k]) => k !== "value")) : {};
    return { wildcard: { [field]: { case_insensitive: true, ...extra, value: `*${escapeWildcard(String(value))}*` } } };
  }
  if (kind === "terms") {
    if (isEmpty(spec)) return undefined;
    if (!Array.isArray(spec)) return query;
    const values = spec.filter((v) => !isEmpty(v));
    return values.length ? { terms: { ...inner, [field]: values } } : undefined;
  }
  if (kind === "range" && isObject(spec)) {
    const bounds = Object.fromEntries(Object.entries(spec).filter(([, v]) => !isEmpty(v)));
    const hasBound = ["gt", "gte", "lt", "lte"].some((b) => b in bounds);
    return hasBound ? { range: { [field]: bounds } } : undefined;
  }
  return query;
}
