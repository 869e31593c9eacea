/**
 * A loopback twin of Elasticsearch (or, with `flavor: "opensearch"`, OpenSearch)
 * speaking its REST wire format: `GET /` (version, `distribution: "opensearch"`),
 * `GET /{index}/_mapping`, point in time (`POST /{index}/_pit?keep_alive=` →
 * `{id}` / OpenSearch `POST /{index}/_search/point_in_time?keep_alive=` →
 * `{pit_id}`), `POST /_search` with `pit`, `sort`, `search_after`, `size`
 * (hits with `_index`, `_id`, `_source`, `sort` values; a new `pit_id` in
 * every answer, older ids refused), `DELETE /_pit` / `DELETE /_search/point_in_time`;
 * sorting as documented per flavour: `search_after` resumes strictly after the
 * given values (ties with them are skipped), `_doc` is a per-shard doc id,
 * `_shard_doc` (shard ordinal × 2^32 + doc id) is added to every Elasticsearch
 * PIT search that lacks it and refused by OpenSearch before 3.3, which adds no
 * tiebreaker; `from` + `size` within index.max_result_window;
 * API key (`Authorization: ApiKey …`) or basic auth; errors as
 * `{error: {root_cause, type, reason}, status}`; 429 with Retry-After when told to throttle, or a 429/401 after
 * some pages (`pageFault`); `timed_out: true` when told (`timedOut`); 403 `security_exception` on `GET /`
 * or `_mapping` for credentials lacking `monitor` or `view_index_metadata` (`lacking`).
 *
 * It serves the lab's data (data/*.parquet) as data streams
 * `logs-huntlab.<table>-default` (`data_stream.*` and `@timestamp` added, as
 * Elastic's ingest does), with mappings from the frames' types, and evaluates the
 * query DSL the lab's queries use: bool (must/filter/should/must_not), term, terms,
 * range, wildcard, prefix, match, exists, match_all. Any other clause (such as
 * huntlab's `contains` shorthand, which the driver must have rewritten) is a
 * `parsing_exception`, as on the real service. Every search body is recorded.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pl from "nodejs-polars";
import { LAB_SOURCETYPES, labTimeColumn, labTimeMs } from "./splunk";

const DATA = path.join(__dirname, "..", "..", "data");

type Doc = Record<string, unknown>;

/** One index: mapping properties (flat dotted names → ES type) and documents. */
export interface TwinIndex {
  name: string;
  types: Record<string, string>;
  /** Mapping `format` of date fields (e.g. `epoch_second`), by field. */
  formats?: Record<string, string>;
  docs: Doc[];
}

export interface ElasticTwinOptions {
  flavor?: "elasticsearch" | "opensearch";
  /** Accepted API key (the encoded form sent after `ApiKey `). */
  apiKey?: string;
  username?: string;
  password?: string;
  /** Indices to serve; default: the lab's tables. */
  indices?: TwinIndex[];
  /** The next N `_search` requests answer 429 (Retry-After: 0). */
  throttle?: number;
  /**
   * Mid-paging faults: after `after` answered `_search` pages, the next `times` (default 1) `_search` requests
   * answer `status` — 429 (throttled, with `retryAfter` seconds, default "0") or 401 (the API key revoked or
   * expired) — and later ones are answered again (for 401 too, when `times` is finite).
   */
  pageFault?: { after: number; status: 401 | 429; times?: number; retryAfter?: string };
  /** Answer every search page with `timed_out: true` (some shards ran out of time; the page may lack hits). */
  timedOut?: boolean;
  /** Put before the first `_search` page's hits, as they are: hits of an unexpected shape (null, text, a `_source` that is text). */
  oddHits?: unknown[];
  /** Report this shard failure with every search page. */
  shardFailure?: string;
  /**
   * A cross-cluster search's remote cluster that did not answer, with `skip_unavailable: true`: every search page
   * carries `_clusters` (total 2, skipped 1) and, unless `legacy` (Elasticsearch before 8.10: counts only), its
   * `details` entry with status `skipped` and this failure reason.
   */
  skippedCluster?: { alias: string; reason: string; legacy?: boolean };
  /** `version.number` in GET / (default 8.15.0; OpenSearch 2.15.0). OpenSearch sorts on `_shard_doc` from 3.3.0. */
  version?: string;
  /** Shards per index (default 1): documents are dealt round-robin; `_doc` is the per-shard doc id. */
  shards?: number;
  /** index.max_result_window (default 10000): from + size beyond it is refused. */
  maxResultWindow?: number;
  /**
   * Privileges the (valid) credentials lack, as a least-privilege key with index `read` only: without `monitor`,
   * `GET /` (cluster:monitor/main) answers 403; without `view_index_metadata`, `GET /{index}/_mapping`
   * (indices:admin/mappings/get) does. PIT and `_search` need only `read`.
   */
  lacking?: ("monitor" | "view_index_metadata")[];
}

export interface ElasticTwin {
  url: string;
  port: number;
  options: ElasticTwinOptions;
  /** Every `_search` body received. */
  searches: Record<string, unknown>[];
  /** PITs opened and closed. */
  pitsOpened: number;
  pitsClosed: number;
  /** PIT ids still open. */
  openPits(): number;
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// The lab's data, as Elastic's ingest would index it.

function esType(dtype: string): string {
  if (dtype.includes("Datetime") || dtype.includes("Date")) return "date";
  if (dtype.includes("Int")) return "long";
  if (dtype.includes("Float")) return "double";
  if (dtype.includes("Bool")) return "boolean";
  if (dtype.includes("Duration")) return "long";
  return "keyword";
}

const labCache = new Map<string, TwinIndex>();

/** A lab file as the data stream `logs-huntlab.<dataset>-default`. */
export function labIndex(dataset: string, file: string): TwinIndex {
  const hit = labCache.get(dataset);
  if (hit) return hit;
  const df = pl.readParquet(path.join(DATA, file));
  const types: Record<string, string> = { "@timestamp": "date", "data_stream.type": "constant_keyword", "data_stream.dataset": "constant_keyword", "data_stream.namespace": "constant_keyword" };
  df.columns.forEach((c, i) => (types[c] = esType(String(df.dtypes[i]))));
  const timeColumn = labTimeColumn(file);
  const columns = df.columns.map((c) => ({ name: c, values: df.getColumn(c).toArray() as unknown[] }));
  const times = columns.find((c) => c.name === timeColumn)?.values;
  const docs: Doc[] = [];
  for (let i = 0; i < df.height; i += 1) {
    const doc: Doc = {};
    for (const { name, values } of columns) {
      const v = values[i];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
      doc[name] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v;
    }
    doc["@timestamp"] = new Date(labTimeMs(times?.[i]) ?? 0).toISOString();
    doc.data_stream = { type: "logs", dataset: `huntlab.${dataset}`, namespace: "default" };
    docs.push(doc);
  }
  const index = { name: `logs-huntlab.${dataset}-default`, types, docs };
  labCache.set(dataset, index);
  return index;
}

/** The lab's indices; each one's documents are read on first use. */
function labIndices(): TwinIndex[] {
  return Object.entries(LAB_SOURCETYPES).map(([ds, file]) => ({
    name: `logs-huntlab.${ds}-default`,
    get types() {
      return labIndex(ds, file).types;
    },
    get docs() {
      return labIndex(ds, file).docs;
    },
  }));
}

// ---------------------------------------------------------------------------
// Query DSL evaluation.

class DslError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function fieldValue(doc: Doc, index: string, field: string): unknown {
  if (field === "_index") return index;
  if (Object.hasOwn(doc, field)) return doc[field];
  let cur: unknown = doc;
  for (const part of field.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
}

function values(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function comparable(v: unknown, type: string | undefined): number | bigint | string | boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (type === "date") {
    const ms = typeof v === "number" ? v : Date.parse(String(v));
    return Number.isNaN(ms) ? undefined : ms;
  }
  // long/unsigned_long: exact 64-bit values (BigInt beyond 2^53), as ES sorts and echoes them.
  if ((type === "long" || type === "unsigned_long") && (typeof v === "bigint" || /^-?\d{16,}$/.test(String(v)))) return BigInt(v as bigint | string);
  if (type === "long" || type === "double" || type === "integer") return Number(v);
  if (type === "boolean") return v === true || v === "true";
  return String(v);
}

/** Compiled wildcard patterns: a query's pattern is tested on every document (and every `_source` key), compiled once. */
const wildcardCache = new Map<string, RegExp>();

/** A wildcard pattern (`*`, `?`, `\` escapes) as a RegExp (no `g` flag: `test` keeps no state, so one object serves every call). */
function wildcardRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  const hit = wildcardCache.get(key);
  if (hit) return hit;
  const re = compileWildcard(pattern, caseInsensitive);
  if (wildcardCache.size > 1000) wildcardCache.clear();
  wildcardCache.set(key, re);
  return re;
}

function compileWildcard(pattern: string, caseInsensitive: boolean): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) out += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, caseInsensitive ? "is" : "s");
}

function single(clause: Record<string, unknown>, kind: string): [string, unknown] {
  const entries = Object.entries(clause);
  if (entries.length !== 1) throw new DslError("parsing_exception", `[${kind}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join("] and [")}]`);
  return entries[0];
}

function matches(query: unknown, doc: Doc, index: TwinIndex): boolean {
  if (typeof query !== "object" || query === null || Array.isArray(query)) throw new DslError("parsing_exception", "query malformed, must start with start_object");
  const entries = Object.entries(query as Record<string, unknown>);
  if (entries.length !== 1) throw new DslError("parsing_exception", "[_na] query malformed, no start_object after query name");
  const [kind, body] = entries[0];
  const spec = body as Record<string, unknown>;
  switch (kind) {
    case "match_all":
      return true;
    case "match_none":
      return false;
    case "bool": {
      const list = (k: string) => values(spec[k]);
      const must = [...list("must"), ...list("filter")].every((q) => matches(q, doc, index));
      const mustNot = list("must_not").some((q) => matches(q, doc, index));
      const should = list("should");
      const minShould = typeof spec.minimum_should_match === "number" ? spec.minimum_should_match : list("must").length + list("filter").length ? 0 : should.length ? 1 : 0;
      const shouldCount = should.filter((q) => matches(q, doc, index)).length;
      return must && !mustNot && shouldCount >= minShould;
    }
    case "term":
    case "match":
    case "prefix":
    case "wildcard": {
      const [field, raw] = single(spec, kind);
      const obj = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
      const target = obj ? (kind === "match" ? obj.query : obj.value) : raw;
      if (target === undefined || target === null || typeof target === "object") throw new DslError("parsing_exception", `[${kind}] query on [${field}] needs a value`);
      const ci = obj?.case_insensitive === true || kind === "match";
      const type = index.types[field];
      return values(fieldValue(doc, index.name, field)).some((v) => {
        if (kind === "wildcard") return wildcardRegex(String(target), ci).test(String(v));
        if (kind === "prefix") return ci ? String(v).toLowerCase().startsWith(String(target).toLowerCase()) : String(v).startsWith(String(target));
        const a = comparable(v, type);
        const b = comparable(target, type);
        return ci && typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;
      });
    }
    case "terms": {
      const [field, list] = single(Object.fromEntries(Object.entries(spec).filter(([k]) => k !== "boost")), kind);
      if (!Array.isArray(list)) throw new DslError("parsing_exception", `[terms] query does not support [${field}]`);
      const type = index.types[field];
      const wanted = list.map((x) => comparable(x, type));
      return values(fieldValue(doc, index.name, field)).some((v) => wanted.includes(comparable(v, type)));
    }
    case "range": {
      const [field, bounds] = single(spec, kind);
      const b = bounds as Record<string, unknown>;
      const type = index.types[field] ?? "keyword";
      return values(fieldValue(doc, index.name, field)).some((v) => {
        const x = comparable(v, type);
        if (x === undefined) return false;
        const cmp = (k: string, ok: (a: number | bigint | string | boolean, c: number | bigint | string | boolean) => boolean) => b[k] === undefined || b[k] === null || ok(x, comparable(b[k], type) as number | bigint | string);
        return cmp("gte", (a, c) => a >= c) && cmp("gt", (a, c) => a > c) && cmp("lte", (a, c) => a <= c) && cmp("lt", (a, c) => a < c);
      });
    }
    case "exists":
      return values(fieldValue(doc, index.name, String(spec.field))).length > 0;
    default:
      throw new DslError("parsing_exception", `unknown query [${kind}]`);
  }
}

type SortKey = { field: string; desc: boolean };

function sortKeys(sort: unknown): SortKey[] {
  return values(sort).map((s) => {
    if (typeof s === "string") return { field: s, desc: false };
    const [field, how] = Object.entries(s as Record<string, unknown>)[0];
    const order = typeof how === "string" ? how : String((how as { order?: unknown }).order ?? "asc");
    return { field, desc: order === "desc" };
  });
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // missing last
  if (b === null || b === undefined) return -1;
  return (a as number | bigint | string) < (b as number | bigint | string) ? -1 : 1;
}

function excludeSource(doc: Doc, excludes: string[]): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) {
    if (excludes.some((p) => wildcardRegex(p, false).test(k) || (p.endsWith(".*") && p.slice(0, -2) === k))) continue;
    out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The server.

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function errorBody(status: number, type: string, reason: string): string {
  return JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });
}

/** Starts the twin on 127.0.0.1 (random port). */
export async function startElasticTwin(options: ElasticTwinOptions = {}): Promise<ElasticTwin> {
  const os = options.flavor === "opensearch";
  const version = options.version ?? (os ? "2.15.0" : "8.15.0");
  const [major, minor] = version.split(".").map((p) => Number.parseInt(p, 10) || 0);
  const shardDocKnown = !os || major > 3 || (major === 3 && minor >= 3);
  const shardCount = Math.max(1, options.shards ?? 1);
  const window = options.maxResultWindow ?? 10_000;
  const indices = options.indices ?? labIndices();
  // PIT id → { indices, generation }; only the newest id of a PIT is accepted.
  const pits = new Map<string, { targets: TwinIndex[]; pit: number }>();
  let pitCounter = 0;
  type Hit = { index: TwinIndex; doc: Doc; ordinal: number; sort: unknown[]; shardDoc: number };
  const results = new Map<string, Hit[]>();
  let idCounter = 0;
  /** `_search` pages answered with hits (for `pageFault`). */
  let answeredPages = 0;
  const twin: ElasticTwin = {
    url: "",
    port: 0,
    options,
    searches: [],
    pitsOpened: 0,
    pitsClosed: 0,
    openPits: () => new Set([...pits.values()].map((p) => p.pit)).size,
    requests: [],
    close: async () => {},
  };
  const resolveIndices = (expr: string): TwinIndex[] => {
    const patterns = decodeURIComponent(expr).split(",");
    return indices.filter((i) => patterns.some((p) => wildcardRegex(p, false).test(i.name)));
  };
  const authorized = (header: string | undefined): boolean => {
    if (!options.apiKey && !options.username) return true;
    if (options.apiKey && header === `ApiKey ${options.apiKey}`) return true;
    if (options.username && header === `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`) return true;
    return false;
  };
  const newPitId = (pit: number) => Buffer.from(`pit:${pit}:${(idCounter += 1)}:${Math.random().toString(36).slice(2)}`).toString("base64");

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = req.headers.authorization;
    twin.requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: auth });
    const text = await readBody(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      // 64-bit integers (BigInt) as their exact digits, as ES writes them.
      const raw = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;
      res.end(typeof body === "string" ? body : JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? raw(v.toString()) : v)));
    };
    const fail = (status: number, type: string, reason: string, headers: Record<string, string> = {}) => send(status, errorBody(status, type, reason), headers);
    if (!authorized(auth)) {
      return fail(401, "security_exception", "unable to authenticate with provided credentials and anonymous access is not allowed for this request", { "WWW-Authenticate": 'ApiKey, Basic realm="security" charset="UTF-8"' });
    }
    // A missing privilege is a 403 security_exception (the credentials are valid), worded as each service does.
    const denied = (action: string, granted: string) =>
      fail(403, "security_exception", os ? `no permissions for [${action}] and User [name=hunter, backend_roles=[], requestedTenant=null]` : `action [${action}] is unauthorized for API key id [k1] of user [hunter], this action is granted by the ${granted}`);
    const lacking = options.lacking ?? [];
    let body: Record<string, unknown> = {};
    if (text.trim()) {
      try {
        // Integers beyond 2^53 read exactly (BigInt), so search_after values are compared as sent.
        body = JSON.parse(text, ((_k: string, v: unknown, c?: { source?: string }) => (typeof v === "number" && !Number.isSafeInteger(v) && c?.source && /^-?\d+$/.test(c.source) ? BigInt(c.source) : v)) as (k: string, v: unknown) => unknown) as Record<string, unknown>;
      } catch {
        return fail(400, "x_content_parse_exception", "Failed to parse request body");
      }
    }
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    try {
      if (method === "GET" && parts.length === 0) {
        if (lacking.includes("monitor")) return denied("cluster:monitor/main", "cluster privileges [monitor,manage,all]");
        return send(200, {
          name: "twin",
          cluster_name: "huntlab-twin",
          version: os ? { distribution: "opensearch", number: version } : { number: version, build_flavor: "default" },
          tagline: os ? "The OpenSearch Project: https://opensearch.org/" : "You Know, for Search",
        });
      }
      if (method === "GET" && parts.length === 2 && parts[1] === "_mapping") {
        if (lacking.includes("view_index_metadata")) return denied("indices:admin/mappings/get", "index privileges [view_index_metadata,manage,all]");
        const found = resolveIndices(parts[0]);
        if (!found.length) return fail(404, "index_not_found_exception", `no such index [${decodeURIComponent(parts[0])}]`);
        const out: Record<string, unknown> = {};
        for (const index of found) {
          const properties: Record<string, unknown> = {};
          for (const [field, type] of Object.entries(index.types)) {
            const segs = field.split(".");
            let cur = properties;
            for (const seg of segs.slice(0, -1)) cur = ((cur[seg] ??= { properties: {} }) as { properties: Record<string, unknown> }).properties;
            const format = index.formats?.[field];
            cur[segs[segs.length - 1]] = format ? { type, format } : { type };
          }
          out[index.name] = { mappings: { properties } };
        }
        return send(200, out);
      }
      const openEs = !os && method === "POST" && parts.length === 2 && parts[1] === "_pit";
      const openOs = os && method === "POST" && parts.length === 3 && parts[1] === "_search" && parts[2] === "point_in_time";
      if (openEs || openOs) {
        if (!url.searchParams.get("keep_alive")) return fail(400, "action_request_validation_exception", "Validation Failed: 1: [keep_alive] is not specified;");
        const found = resolveIndices(parts[0]);
        if (!found.length) return fail(404, "index_not_found_exception", `no such index [${decodeURIComponent(parts[0])}]`);
        pitCounter += 1;
        twin.pitsOpened += 1;
        const id = newPitId(pitCounter);
        pits.set(id, { targets: found, pit: pitCounter });
        return send(200, os ? { pit_id: id, _shards: { total: found.length, successful: found.length, skipped: 0, failed: 0 }, creation_time: Date.now() } : { id, _shards: { total: found.length, successful: found.length, skipped: 0, failed: 0 } });
      }
      const closeEs = !os && method === "DELETE" && parts.length === 1 && parts[0] === "_pit";
      const closeOs = os && method === "DELETE" && parts.length === 2 && parts[0] === "_search" && parts[1] === "point_in_time";
      if (closeEs || closeOs) {
        const ids = closeOs ? values(body.pit_id).map(String) : [String(body.id ?? "")];
        let freed = 0;
        for (const id of ids) {
          const entry = pits.get(id);
          if (!entry) continue;
          for (const [k, v] of [...pits]) if (v.pit === entry.pit) pits.delete(k);
          freed += 1;
          twin.pitsClosed += 1;
        }
        if (!freed) return fail(404, "search_context_missing_exception", "No search context found for id");
        return send(200, closeOs ? { pits: ids.map((pit_id) => ({ successful: true, pit_id })) } : { succeeded: true, num_freed: freed });
      }
      if (method === "POST" && parts.at(-1) === "_search") {
        twin.searches.push(body);
        if (options.throttle && options.throttle > 0) {
          options.throttle -= 1;
          return fail(429, "es_rejected_execution_exception", "rejected execution of coordinating operation", { "Retry-After": "0" });
        }
        const fault = options.pageFault;
        if (fault && answeredPages >= fault.after && (fault.times ?? 1) > 0) {
          fault.times = (fault.times ?? 1) - 1;
          if (fault.status === 429) return fail(429, "es_rejected_execution_exception", "rejected execution of coordinating operation [search]", { "Retry-After": fault.retryAfter ?? "0" });
          return fail(401, "security_exception", "unable to authenticate with provided credentials and anonymous access is not allowed for this request", { "WWW-Authenticate": 'ApiKey realm="security"' });
        }
        const pit = body.pit as { id?: unknown; keep_alive?: unknown } | undefined;
        if (!pit) return fail(400, "action_request_validation_exception", "Validation Failed: 1: the twin only serves point-in-time searches;");
        if (parts.length > 1) return fail(400, "action_request_validation_exception", "Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;");
        const entry = pits.get(String(pit.id ?? ""));
        if (!entry) return fail(404, "search_phase_execution_exception", "No search context found for id [pit]; the point in time expired or an older pit_id was used");
        for (const key of Object.keys(body)) {
          if (!["query", "sort", "size", "from", "search_after", "pit", "track_total_hits", "_source", "fields"].includes(key)) return fail(400, "parsing_exception", `Unknown key for a START_OBJECT in [${key}].`);
        }
        const size = typeof body.size === "number" ? body.size : 10;
        const from = typeof body.from === "number" ? body.from : 0;
        if (from + size > window) return fail(400, "illegal_argument_exception", `Result window is too large, from + size must be less than or equal to: [${window}] but was [${from + size}].`);
        if (from > 0 && body.search_after !== undefined) return fail(400, "action_request_validation_exception", "Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;");
        const keys = sortKeys(body.sort);
        if (!shardDocKnown && keys.some((k) => k.field === "_shard_doc")) {
          return send(400, { error: { root_cause: [{ type: "query_shard_exception", reason: "No mapping found for [_shard_doc] in order to sort on" }], type: "search_phase_execution_exception", reason: "all shards failed", phase: "query" }, status: 400 });
        }
        // Elasticsearch adds the _shard_doc tiebreaker to every PIT search; OpenSearch adds none.
        if (!os && !keys.some((k) => k.field === "_shard_doc")) keys.push({ field: "_shard_doc", desc: false });
        const cmp = (a: unknown[], b: unknown[]) => {
          for (let i = 0; i < keys.length; i += 1) {
            const c = compareValues(a[i], b[i]);
            if (c) return keys[i].desc ? -c : c;
          }
          return 0;
        };
        // The PIT's data never changes: match and sort once per (PIT, query, sort), page from that.
        const cacheKey = `${entry.pit}\u0000${JSON.stringify(body.query ?? null)}\u0000${JSON.stringify(keys)}`;
        let all = results.get(cacheKey);
        if (!all) {
          const found: Hit[] = (all = []);
          let ordinal = 0;
          entry.targets.forEach((index, position) => {
            const docs = index.docs;
            const types = index.types;
            docs.forEach((doc, i) => {
              ordinal += 1;
              if (body.query !== undefined && !matches(body.query, doc, { name: index.name, types, docs })) return;
              // Documents dealt round-robin to the index's shards; a doc id counts within its shard.
              const docId = Math.floor(i / shardCount);
              const shardDoc = (position * shardCount + (i % shardCount)) * 2 ** 32 + docId;
              const sort = keys.map((k) => (k.field === "_shard_doc" ? shardDoc : k.field === "_doc" ? docId : comparable(fieldValue(doc, index.name, k.field), types[k.field]) ?? null));
              found.push({ index, doc, ordinal, sort, shardDoc });
            });
          });
          // Ties in the sort keep the coordinating node's shard order.
          all.sort((a, b) => cmp(a.sort, b.sort) || a.shardDoc - b.shardDoc);
          results.clear();
          results.set(cacheKey, all);
        }
        const after = body.search_after;
        if (after !== undefined && (!Array.isArray(after) || after.length !== keys.length)) {
          return fail(400, "illegal_argument_exception", `search_after has ${Array.isArray(after) ? after.length : 0} value(s) but sort has ${keys.length}.`);
        }
        // search_after resumes strictly after the values: hits equal to them are not returned again (nor at all).
        const start = Array.isArray(after) ? all.findIndex((h) => cmp(h.sort, after) > 0) : from;
        const page = start < 0 ? [] : all.slice(start, start + size);
        const excludes = values((body._source as { excludes?: unknown } | undefined)?.excludes).map(String);
        // `fields`: mapped fields matching the patterns, each as a list of values (as ES answers); `_source: false` drops _source.
        const fieldPatterns = values(body.fields).map((f) => wildcardRegex(String(typeof f === "object" && f !== null ? (f as { field?: unknown }).field : f), false));
        const hitFields = (doc: Doc, index: TwinIndex): Doc | undefined => {
          if (!fieldPatterns.length) return undefined;
          const out: Doc = {};
          for (const name of Object.keys(index.types)) {
            const v = fieldPatterns.some((r) => r.test(name)) ? fieldValue(doc, index.name, name) : undefined;
            if (v !== undefined && v !== null) out[name] = values(v);
          }
          return out;
        };
        const withSource = body._source !== false;
        // Every answer carries a new id; the old one stops working (the driver must always use the newest).
        for (const [k, v] of [...pits]) if (v.pit === entry.pit) pits.delete(k);
        const nextId = newPitId(entry.pit);
        pits.set(nextId, entry);
        answeredPages += 1;
        const shards = { total: entry.targets.length, successful: entry.targets.length, skipped: 0, failed: 0 } as Record<string, unknown>;
        if (options.shardFailure) Object.assign(shards, { successful: entry.targets.length - 1, failed: 1, failures: [{ shard: 0, index: entry.targets[0]?.name, reason: { type: "node_disconnected_exception", reason: options.shardFailure } }] });
        return send(200, {
          pit_id: nextId,
          took: 1,
          timed_out: options.timedOut === true,
          _shards: shards,
          ...(options.skippedCluster ? { _clusters: clustersOf(options.skippedCluster, entry.targets.map((t) => t.name).join(",")) } : {}),
          hits: {
            max_score: null,
            hits: [
              ...(answeredPages === 1 ? (options.oddHits ?? []) : []),
              ...page.map((h) => {
                const fields = hitFields(h.doc, h.index);
                return { _index: h.index.name, _id: `doc-${h.ordinal}`, _score: null, ...(withSource ? { _source: excludeSource(h.doc, excludes) } : {}), ...(fields ? { fields } : {}), sort: h.sort };
              }),
            ],
          },
        });
      }
      return fail(400, "illegal_argument_exception", `no handler found for uri [${url.pathname}] and method [${method}]`);
    } catch (err) {
      if (err instanceof DslError) return fail(400, err.type, err.message);
      return fail(500, "exception", String(err));
    }
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  twin.port = (server.address() as AddressInfo).port;
  twin.url = `http://127.0.0.1:${twin.port}`;
  twin.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return twin;
}

/** The `_clusters` block of a cross-cluster search whose remote `skipped.alias` was skipped (ES 8.10+ adds the counts by status and `details`). */
function clustersOf(skipped: { alias: string; reason: string; legacy?: boolean }, indices: string): Record<string, unknown> {
  if (skipped.legacy) return { total: 2, successful: 1, skipped: 1 };
  return {
    total: 2,
    successful: 1,
    skipped: 1,
    running: 0,
    partial: 0,
    failed: 0,
    details: {
      "(local)": { status: "successful", indices, took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } },
      [skipped.alias]: { status: "skipped", indices, timed_out: false, failures: [{ shard: -1, index: null, reason: { type: "connect_transport_exception", reason: skipped.reason } }] },
    },
  };
}
