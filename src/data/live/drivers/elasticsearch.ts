/**
 * The Elasticsearch / OpenSearch driver: the REST API on port 9200.
 *
 * - Auth: an API key (`Authorization: ApiKey <key>`, the base64 `id:api_key`
 *   Elasticsearch hands out) or username/password (basic auth); checked at
 *   connect with `GET /`, whose `version.distribution` tells OpenSearch apart.
 *   Credentials with index `read` only are enough: `GET /` needs the cluster privilege
 *   `monitor` and the mapping `view_index_metadata`; without them (a 403
 *   security_exception; a 401 is a failed sign-in) the driver goes on with a warning,
 *   telling OpenSearch apart at the first point in time and typing columns from the values.
 * - A query (a `_search` body, see esdsl.ts) runs over a point in time, paged
 *   with `search_after` until a page comes back short or the template's `size` is reached:
 *   Elasticsearch `POST /{index}/_pit?keep_alive=1m` … `POST /_search` {pit, sort,
 *   search_after, size} … `DELETE /_pit`; OpenSearch `POST /{index}/_search/point_in_time`
 *   … `DELETE /_search/point_in_time`. The newest `pit_id` of each answer is used next.
 * - Ties: `search_after` skips hits whose sort values equal the last page's last
 *   hit, so the sort must end with a key unique per document (see `pagingPlan`).
 * - Types from `GET /{index}/_mapping` (elasticColumns.ts); `_source` flattened to dotted names.
 * - Errors: the service's `{error: {type, reason, root_cause}, status}`; shard
 *   failures with rows become a partial error, `timed_out` a warning.
 *
 * Settings (`DataProviders.Elasticsearch.Args`, or connect() options): Url, ApiKey,
 * username, password, Index (default `logs-*`), verify, PageSize (default 1000),
 * Tiebreaker (a field unique per document, for OpenSearch before 3.3).
 */
import { QueryError, SPLIT_ADVICE, dataMessages as msg, dataWarnings } from "../../messages";
import { excerpt } from "../http";
import { throttleNote } from "../../../common/retryAfter";
import { buildEsSearchBody, EsDslError, esJsonLiteral, type Json, type JsonObject } from "../esdsl";
import { ElasticRecords, elasticDatePatterns, elasticEpochScales, elasticFieldTypes, type ElasticHit } from "../elasticColumns";
import type { LiteralType, LiteralValue, LiveDriver, LiveHttpResponse, LiveRequest, LiveSettings, LiveTable } from "../types";

/** Index pattern searched when neither the config nor connect() names one. */
export const ELASTIC_DEFAULT_INDEX = "logs-*";
/** Hits per `_search` page. */
export const ELASTIC_DEFAULT_PAGE_SIZE = 1000;
/** How long the service keeps the point in time between two pages. */
const KEEP_ALIVE = "1m";

/** Rows OpenSearch before 3.3 can page with from/size (index.max_result_window's default). */
export const ELASTIC_RESULT_WINDOW = 10_000;

/** Statuses whose body is the service's own error payload, read rather than thrown. */
const PAYLOAD_STATUS = [400, 401, 403, 404, 405, 409, 429, 503] as const;

type Flavor = "Elasticsearch" | "OpenSearch";

/** How a query's pages follow each other. */
export interface PagingPlan {
  /** The sort sent with every page. */
  sort: JsonObject[];
  /** `search_after` on a sort that ends with a unique key, or from/size inside the PIT (bounded). */
  mode: "search_after" | "from";
}

/** `major.minor.patch` of a version string, missing parts 0. */
function versionAtLeast(version: string, want: [number, number]): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  return major > want[0] || (major === want[0] && minor >= want[1]);
}

/** The field names a sort specification orders by. */
function sortFields(sort: JsonObject[]): string[] {
  return sort.map((s) => Object.keys(s)[0] ?? "");
}

/**
 * The sort and paging of a query. `search_after` resumes strictly after the
 * last hit's sort values, so hits tying with it on a page boundary would be
 * skipped unless the sort ends with a key unique per document:
 * - Elasticsearch (7.12+) has `_shard_doc` (shard + Lucene doc id, stable within
 *   a PIT); it adds it to PIT searches itself, and huntlab writes it explicitly;
 * - OpenSearch has `_shard_doc` from 3.3.0 on (earlier versions reject it);
 * - OpenSearch before 3.3 with `Tiebreaker` set: that field, which the user
 *   vouches is unique per document, ends the sort;
 * - otherwise from/size paging inside the PIT: the PIT's view does not change
 *   and ties keep one order, so no hit is skipped or repeated, but only the first
 *   `ELASTIC_RESULT_WINDOW` hits can be read (the driver warns when it stops there).
 */
export function pagingPlan(templateSort: Json | undefined, flavor: Flavor, version: string, tiebreaker?: string): PagingPlan {
  const given = (Array.isArray(templateSort) ? templateSort : templateSort === undefined ? [] : [templateSort]).map((s) => (typeof s === "string" ? { [s]: "asc" } : (s as JsonObject)));
  const fields = sortFields(given);
  const shardDoc = flavor === "Elasticsearch" || versionAtLeast(version, [3, 3]);
  if (shardDoc) return { sort: fields.includes("_shard_doc") ? given : [...given, { _shard_doc: "asc" }], mode: "search_after" };
  if (tiebreaker) return { sort: fields.includes(tiebreaker) ? given : [...given, { [tiebreaker]: "asc" }], mode: "search_after" };
  return { sort: given.length ? given : [{ _doc: "asc" }], mode: "from" };
}

interface ErrorPayload {
  type: string;
  reason: string;
}

/** A refusal for a missing privilege (403 security_exception, from Elasticsearch and OpenSearch's security plugin): the credentials are valid. */
function lacksPrivilege(res: LiveHttpResponse): boolean {
  return res.status === 403 && elasticError(res.data)?.type === "security_exception";
}

/**
 * An answer saying the service has no such endpoint: Elasticsearch's `/{index}/_pit` on OpenSearch (400 "no handler
 * found", or 405), or OpenSearch's `/{index}/_search/point_in_time` on Elasticsearch. A missing index is not one.
 */
function noSuchEndpoint(res: LiveHttpResponse): boolean {
  return res.status === 400 || res.status === 405 || (res.status === 404 && elasticError(res.data)?.type !== "index_not_found_exception");
}

/** `{error: {type, reason, root_cause: [...]}, status}` (or OpenSearch's older `{error: "text"}`). */
export function elasticError(data: unknown): ErrorPayload | undefined {
  const error = (data as { error?: unknown } | null)?.error;
  if (typeof error === "string") return { type: "error", reason: error };
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { type?: unknown; reason?: unknown; root_cause?: unknown };
  let reason = String(e.reason ?? "");
  const root = Array.isArray(e.root_cause) ? (e.root_cause[0] as { type?: unknown; reason?: unknown } | undefined) : undefined;
  if (root?.reason && String(root.reason) !== reason) reason = reason ? `${reason} (${String(root.type ?? "")}: ${String(root.reason)})` : String(root.reason);
  return { type: String(e.type ?? "error"), reason };
}

/** An index expression in a URL path: each comma-separated part encoded, wildcards kept. */
export function indexPath(index: string): string {
  return index
    .split(",")
    .map((part) => encodeURIComponent(part.trim()).replace(/%2A/gi, "*"))
    .join(",");
}

class ElasticsearchDriver implements LiveDriver {
  readonly environment = "Elasticsearch" as const;
  readonly language = "esdsl" as const;
  readonly #settings: LiveSettings;
  #base = "";
  #headers: Record<string, string> | undefined;
  #index = ELASTIC_DEFAULT_INDEX;
  #pageSize = ELASTIC_DEFAULT_PAGE_SIZE;
  #flavor: Flavor = "Elasticsearch";
  /** False while `GET /` was refused (no monitor privilege) and no point in time has told the distribution yet. */
  #flavorKnown = true;
  #version = "";
  #tiebreaker: string | undefined;

  constructor(settings: LiveSettings) {
    this.#settings = settings;
  }

  get connected(): boolean {
    return this.#headers !== undefined;
  }

  /** The service's name in messages (Elasticsearch or OpenSearch). */
  get flavor(): Flavor {
    return this.#flavor;
  }

  formatLiteral(value: LiteralValue, _type: LiteralType): string {
    return esJsonLiteral(value);
  }

  async connect(options: Record<string, unknown>): Promise<void> {
    const s = this.#settings;
    // Where a setting's value came from (a connect() option, or the Args), for its errors.
    const setting = (name: string) => s.argFrom(name, options) ?? `DataProviders.Elasticsearch.Args.${name}`;
    const url = s.arg("Url", options);
    if (typeof url !== "string" || !url) throw new QueryError(msg.liveConfig("Elasticsearch", setting("Url"), "missing (e.g. https://elastic.example.com:9200)"));
    const parsed = s.checkUrl(url, setting("Url"));
    this.#base = `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/(?<!\/)\/+$/, "")}`;
    this.#headers = undefined;
    const index = s.arg("Index", options);
    this.#index = typeof index === "string" && index.trim() ? index.trim() : ELASTIC_DEFAULT_INDEX;
    const pageSize = Number(s.arg("PageSize", options) ?? ELASTIC_DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new QueryError(msg.liveConfig("Elasticsearch", setting("PageSize"), `"${pageSize}" must be a whole number from 1 to 10000`));
    this.#pageSize = pageSize;
    const tiebreaker = s.arg("Tiebreaker", options);
    if (tiebreaker !== undefined && tiebreaker !== null && (typeof tiebreaker !== "string" || !/^[\w@.-]+$/.test(tiebreaker))) throw new QueryError(msg.liveConfig("Elasticsearch", setting("Tiebreaker"), "must be the name of a field unique per document (e.g. event.id)"));
    this.#tiebreaker = typeof tiebreaker === "string" ? tiebreaker : undefined;

    const apiKey = s.arg("ApiKey", options);
    const username = s.arg("username", options);
    const password = s.arg("password", options);
    const headers: Record<string, string> = { Accept: "application/json" };
    let method = "no authentication";
    if (typeof apiKey === "string" && apiKey) {
      s.addSecrets(apiKey);
      headers.Authorization = `ApiKey ${apiKey}`;
      method = "API key";
    } else if (typeof username === "string" && username) {
      const pass = password === undefined ? "" : String(password);
      s.addSecrets(pass, Buffer.from(`${username}:${pass}`).toString("base64"));
      headers.Authorization = `Basic ${Buffer.from(`${username}:${pass}`).toString("base64")}`;
      method = "username/password (basic auth)";
    }
    const res = await s.http.request({ method: "GET", url: `${this.#base}/`, headers, signal: options.signal instanceof AbortSignal ? options.signal : AbortSignal.timeout(60_000), acceptStatus: PAYLOAD_STATUS });
    if (lacksPrivilege(res)) {
      // Valid credentials without the cluster privilege monitor (a key with index read only): searching needs only read.
      this.#flavor = "Elasticsearch";
      this.#flavorKnown = false;
      this.#version = "";
      this.#headers = headers;
      s.warn(dataWarnings.elasticNoMonitor(method));
      return;
    }
    if (res.status !== 200) {
      const e = elasticError(res.data);
      throw new QueryError(msg.liveAuth("Elasticsearch", method, s.mask(`HTTP ${res.status}${e ? `: ${e.type}: ${e.reason}` : ""}`)));
    }
    const version = (res.data as { version?: { distribution?: unknown; number?: unknown } } | null)?.version;
    this.#flavor = version?.distribution === "opensearch" ? "OpenSearch" : "Elasticsearch";
    this.#flavorKnown = true;
    this.#version = String(version?.number ?? "");
    this.#headers = headers;
  }

  async #call(method: "GET" | "POST" | "DELETE", path: string, body: unknown, signal: AbortSignal): Promise<LiveHttpResponse> {
    return this.#settings.http.request({ method, url: `${this.#base}${path}`, headers: this.#headers, body, signal, acceptStatus: PAYLOAD_STATUS });
  }

  /**
   * Throws the service's error for a non-2xx answer. `fetched`: the pages (and rows) of this query that arrived
   * before it; a later page that fails is an error naming how many rows were dropped (see livePageFailed).
   */
  #check(res: LiveHttpResponse, where: string, what: string, fetched?: { pages: number; rows: number }): void {
    if (res.status >= 200 && res.status < 300) return;
    const mask = this.#settings.mask;
    const e = elasticError(res.data);
    // The service's error type and reason can echo what it was sent (a query value, a header): every text shown
    // from them is masked whole, the type too.
    const type = e?.type ? mask(e.type) : "";
    const reason = e ? mask(e.reason || e.type) : excerpt(res.data, 300, mask);
    const detail = e?.type ? mask(`${e.type}: ${e.reason || e.type}`) : reason;
    if (fetched && fetched.pages > 0) {
      // A 429 reaches here after the HTTP client's retries of the same page (same pit id and search_after), or
      // when the service asked to wait longer than the client waits (Retry-After).
      const wait = res.headers["retry-after"];
      const advice =
        res.status === 401 || res.status === 403
          ? "the credentials were refused mid-query (API key expired or revoked?): connect again and rerun the query"
          : res.status === 429
            ? `the service kept throttling through the client's retries, or asked for a longer wait than the client's bound${wait ? ` (Retry-After: ${mask(wait).slice(0, 40)})` : ""}: rerun the query later, or ${SPLIT_ADVICE}`
            : "rerun the query";
      throw new QueryError(msg.livePageFailed(where, this.#flavor, res.status, fetched.pages + 1, fetched.rows, detail, advice));
    }
    // Before any row (the mapping, the point in time, the first page): the query is named as for a later page.
    if (res.status === 401 || res.status === 403) throw new QueryError(msg.liveQueryAuth(where, this.#flavor, res.status, what, detail));
    // A 429/503 comes here after the client's retries, or at once when the service asked for a longer wait than it waits.
    const wait = throttleNote(this.#flavor, res.status, res.headers["retry-after"]);
    throw new QueryError(msg.liveQueryFailed(where, this.#flavor, `HTTP ${res.status} ${type}`.trim(), `${what}: ${reason}${wait}`));
  }

  async query(request: LiveRequest): Promise<LiveTable> {
    if (!this.#headers) throw new QueryError(msg.liveNotConnected("Elasticsearch", request.queryName));
    const where = request.queryName;
    let plan;
    try {
      plan = buildEsSearchBody(request.text);
    } catch (err) {
      if (err instanceof EsDslError) throw new QueryError(msg.liveQueryFailed(where, this.#flavor, "query body", this.#settings.mask(err.message)));
      throw err;
    }
    const index = indexPath(this.#index);
    const signal = request.signal;

    const mapping = await this.#call("GET", `/${index}/_mapping`, undefined, signal);
    // Reading a mapping needs view_index_metadata, which a key with index read only lacks: the query runs without it,
    // its columns typed from the values as for fields the mapping does not have.
    const mappingRefused = lacksPrivilege(mapping);
    if (!mappingRefused) this.#check(mapping, where, `reading the mapping of ${this.#index}`);
    const mapped = mappingRefused ? undefined : mapping.data;
    const fieldTypes = elasticFieldTypes(mapped);
    const epochScales = elasticEpochScales(mapped);
    const datePatterns = elasticDatePatterns(mapped);

    const openPit = (opensearch: boolean) =>
      this.#call("POST", opensearch ? `/${index}/_search/point_in_time?keep_alive=${KEEP_ALIVE}` : `/${index}/_pit?keep_alive=${KEEP_ALIVE}`, undefined, signal);
    let os = this.#flavor === "OpenSearch";
    let opened = await openPit(os);
    if (!this.#flavorKnown && noSuchEndpoint(opened)) {
      // GET / was refused, so the distribution is unknown: Elasticsearch's PIT path is no endpoint on OpenSearch.
      // OpenSearch's answering with anything but "no such endpoint" says it is OpenSearch; else the first error stands.
      const other = await openPit(true);
      if (!noSuchEndpoint(other)) {
        opened = other;
        os = true;
        this.#flavor = "OpenSearch";
      }
    }
    this.#check(opened, where, `opening a point in time on ${this.#index}`);
    this.#flavorKnown = true;
    let pitId = String((opened.data as { id?: unknown; pit_id?: unknown } | null)?.[os ? "pit_id" : "id"] ?? "");
    if (!pitId) throw new QueryError(msg.liveQueryFailed(where, this.#flavor, "point in time", "the answer has no point-in-time id"));

    // Each page read into flat records as it comes, the hits not kept (they held ~0.9 KB each until the last page).
    const hits = new ElasticRecords(fieldTypes, epochScales, datePatterns);
    // What the table needs to know of the hits themselves: _source that is no object, and whether any had a field.
    let oddSources = 0;
    const oddIds: string[] = [];
    let bare = true;
    const warnings: string[] = mappingRefused ? [dataWarnings.elasticNoMapping(this.#flavor, this.#index)] : [];
    const shardFailures: string[] = [];
    // Remote clusters of a cross-cluster search (`remote:logs-*`) that were skipped or failed: their hits are missing.
    const clusterGaps = new Set<string>();
    // Said once after the pages (they were a warning per page): pages that timed out, hits that are no objects.
    let timedOutPages = 0;
    let notObjects = 0;
    try {
      const paging = pagingPlan(plan.body.sort, this.#flavor, this.#version, this.#tiebreaker);
      let after: Json[] | undefined;
      let pages = 0;
      for (;;) {
        let want = plan.limit === undefined ? this.#pageSize : Math.min(this.#pageSize, plan.limit - hits.length);
        if (paging.mode === "from") want = Math.min(want, ELASTIC_RESULT_WINDOW - hits.length);
        if (want <= 0) {
          if (paging.mode === "from" && hits.length >= ELASTIC_RESULT_WINDOW && (plan.limit === undefined || plan.limit > hits.length)) {
            warnings.push(`${[this.#flavor, this.#version].filter(Boolean).join(" ")}: stopped after ${ELASTIC_RESULT_WINDOW} rows, the most it pages without a tiebreaker; there may be more. Set DataProviders.Elasticsearch.Args.Tiebreaker to a field unique per document (or use OpenSearch 3.3+, which has _shard_doc), or ${SPLIT_ADVICE}`);
          }
          break;
        }
        const body: JsonObject = { ...plan.body, size: want, sort: paging.sort, track_total_hits: false, pit: { id: pitId, keep_alive: KEEP_ALIVE } };
        if (paging.mode === "from") body.from = hits.length;
        else if (after) body.search_after = after;
        const page = await this.#call("POST", "/_search", body, signal);
        this.#check(page, where, "searching", { pages, rows: hits.length });
        pages += 1;
        const data = page.data as {
          pit_id?: unknown;
          timed_out?: unknown;
          hits?: { hits?: unknown };
          _shards?: { failures?: { index?: unknown; reason?: { type?: unknown; reason?: unknown } }[] };
          _clusters?: unknown;
        };
        if (typeof data.pit_id === "string" && data.pit_id) pitId = data.pit_id;
        if (data.timed_out === true) timedOutPages += 1;
        const failures = Array.isArray(data._shards?.failures) ? data._shards.failures : [];
        for (const f of failures) shardFailures.push(`${String(f?.index ?? "?")}: ${String(f?.reason?.type ?? "")} ${String(f?.reason?.reason ?? "")}`.trim());
        for (const c of missingClusters(data._clusters)) clusterGaps.add(c);
        const pageHits: unknown[] = Array.isArray(data.hits?.hits) ? data.hits.hits : [];
        // A loop, not push(...pageHits): a page of ~125,000 hits (a server ignoring `size`) overflowed the stack.
        // A hit that is no object (null, text: a proxy's rewrite, a broken plugin) is counted and left out: it made a TypeError of the whole query.
        const objects: ElasticHit[] = [];
        for (const hit of pageHits) {
          if (hit !== null && typeof hit === "object" && !Array.isArray(hit)) objects.push(hit as ElasticHit);
          else notObjects += 1;
        }
        for (const h of objects) {
          // `_source` is the document as indexed, an object: another value (text, a list) has no fields to read.
          if (h._source !== undefined && (h._source === null || typeof h._source !== "object" || Array.isArray(h._source))) {
            oddSources += 1;
            if (oddIds.length < 3) oddIds.push(String(h._id ?? "?"));
          }
          if (bare && !(h._source === undefined && Object.keys(h.fields ?? {}).length === 0)) bare = false;
        }
        hits.add(objects);
        const last = pageHits.at(-1) as { sort?: unknown } | null | undefined;
        if (pageHits.length < want || !last || typeof last !== "object" || !Array.isArray(last.sort)) break;
        // Sort values on long fields beyond 2^53 are BigInts (http.ts), sent back as exact digits.
        after = last.sort as Json[];
      }
    } finally {
      await this.#closePit(pitId, os);
    }
    if (timedOutPages) warnings.push(`${this.#flavor}: ${timedOutPages === 1 ? "a search page" : `${timedOutPages} search pages`} timed out on some shards; the results may be incomplete — narrow the query, or ${SPLIT_ADVICE}`);
    if (notObjects) warnings.push(`${this.#flavor}: ${notObjects} hit(s) of the answer are not objects (no _source, no _id) and are left out`);
    if (oddSources) {
      const ids = oddIds.join(", ") + (oddSources > 3 ? ", …" : "");
      warnings.push(`${this.#flavor}: ${oddSources} hit(s) have a _source that is not an object (${ids}); it is not read, only their _id and fields are kept`);
    }
    const built = hits.table();
    warnings.push(...built.warnings);
    const table: LiveTable = { ...built, warnings };
    if (hits.length && bare) {
      warnings.push(`${this.#flavor}: the hits carry neither _source nor fields (the query has "_source": false); only their _id is shown — add "fields": ["*"] or the fields you need`);
    }
    if (shardFailures.length) {
      const text = this.#settings.mask([...new Set(shardFailures)].join("; "));
      if (hits.length === 0 && !clusterGaps.size) throw new QueryError(msg.liveQueryFailed(where, this.#flavor, "shard failures", text));
      table.partialError = `shard failures: ${text}`;
    }
    if (clusterGaps.size) {
      // A remote with skip_unavailable answers 200 without its hits: said, never a whole result (nor a failure: the others answered).
      const text = this.#settings.mask(`clusters missing from the result (cross-cluster search; their indices' hits are not in it): ${[...clusterGaps].join("; ")}`);
      table.partialError = [table.partialError, text].filter(Boolean).join("; ");
    }
    return table;
  }

  /** Frees the point in time; best effort (it expires on its own after keep_alive). */
  async #closePit(pitId: string, os: boolean): Promise<void> {
    try {
      const signal = AbortSignal.timeout(10_000);
      if (os) await this.#call("DELETE", "/_search/point_in_time", { pit_id: [pitId] }, signal);
      else await this.#call("DELETE", "/_pit", { id: pitId }, signal);
    } catch {
      // Ignored: the PIT times out after keep_alive anyway.
    }
  }
}

/** Statuses of `_clusters.details` whose cluster gave none or only some of its hits. */
const CLUSTER_GAP_STATUS = new Set(["skipped", "partial", "failed"]);

/**
 * The clusters a search page's `_clusters` says are missing or partial, each `alias (status: reason)`: from
 * `details` (Elasticsearch 8.10+), else the counts alone (`1 of 3 clusters skipped`, before 8.10). Bounded: at most
 * 20 clusters, reasons cut to 200 characters.
 */
export function missingClusters(clusters: unknown): string[] {
  if (clusters === null || typeof clusters !== "object" || Array.isArray(clusters)) return [];
  const c = clusters as { total?: unknown; skipped?: unknown; partial?: unknown; failed?: unknown; details?: unknown };
  const out: string[] = [];
  const details = c.details !== null && typeof c.details === "object" && !Array.isArray(c.details) ? Object.entries(c.details as Record<string, unknown>) : [];
  for (const [alias, entry] of details.slice(0, 1000)) {
    const d = (entry ?? {}) as { status?: unknown; failures?: unknown };
    const status = String(d.status ?? "").toLowerCase();
    if (!CLUSTER_GAP_STATUS.has(status)) continue;
    const first = Array.isArray(d.failures) ? (d.failures[0] as { reason?: { type?: unknown; reason?: unknown } } | undefined) : undefined;
    const reason = first?.reason ? `${String(first.reason.type ?? "")} ${String(first.reason.reason ?? "")}`.trim().slice(0, 200) : "";
    if (out.length < 20) out.push(`${alias.slice(0, 100)} (${status}${reason ? `: ${reason}` : ""})`);
  }
  if (out.length) return out;
  const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);
  const total = count(c.total);
  for (const status of ["skipped", "partial", "failed"] as const) {
    const n = count(c[status]);
    if (n) out.push(`${n}${total ? ` of ${total}` : ""} cluster(s) ${status}`);
  }
  return out;
}

/** The Elasticsearch/OpenSearch driver (registered by drivers/index.ts). */
export function createElasticsearchDriver(settings: LiveSettings): LiveDriver {
  return new ElasticsearchDriver(settings);
}
