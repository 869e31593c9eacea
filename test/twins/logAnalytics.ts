/**
 * A loopback twin of the Log Analytics query API v1:
 * `POST /v1/workspaces/{workspaceId}/query` with `Authorization: Bearer <token>`
 * (checked against the Azure AD twin, audience = this endpoint) and a JSON body
 * `{query, timespan?}`; answers `{tables:[{name:"PrimaryResult", columns:[{name,type}], rows}]}`.
 * Errors are OneAPI objects (`{error:{code, message, innererror:{…}}}`) with
 * 400 (syntax / semantic), 401 (token), 403, 404 (workspace); a result over
 * the row limit is cut and comes with 200 and `error: {code: "PartialError"…}`;
 * 429/503 with Retry-After when told to throttle. Queries run on the lab's data
 * through the KQL subset of kqlEngine.ts, and each is recorded with its literals.
 */
import http from "node:http";
import { LoopbackTwin } from "./loopback";
import { KqlSyntaxError, parseKql, resultTypes, runKql, type Value } from "./kqlEngine";
import { labTables, wireJson, wireValue, type TwinTable } from "./labTables";
import type { AzureAdTwin } from "./azureAd";

export interface ServiceFaults {
  /** The next N requests answer this status (429 or 5xx) with Retry-After seconds. */
  throttle?: { count: number; status: number; retryAfter?: string };
  /** Delay before answering, ms (for timeout and cancel tests). */
  delayMs?: number;
  /** Called as a delayed request starts its wait: a test's reference timer (settledWithin's `from`) starts then. */
  onDelay?: () => void;
  /** Rows returned at most; more rows → the limit's partial error. */
  rowLimit?: number;
  /** With rowLimit: a detail of the partial error before the limit's (the limit is not the first of `details`). */
  rowLimitAfter?: string;
  /** Return the rows with a non-limit partial error. */
  partialError?: string;
  /**
   * Log Analytics' own query time limit, scaled: 180 s, or the request's `Prefer: wait=<s>` (at most 600), times
   * `msPerSecond` ms; a query whose delayMs runs past it answers 504 Gateway Timeout then, as the service does.
   */
  gatewayTimeout?: { msPerSecond: number };
  /** A workspace with no data: 204 No Content, empty body. */
  noData?: boolean;
  /** An OAuth-style error body (`{error: "<code>", error_description}`, `error` a string) with this status. */
  oauthError?: { status: number; error: string; description: string };
  /**
   * The identity has no read access to the workspace: 403 with the documented OneAPI body
   * (`InsufficientAccessError`, "The provided credentials have insufficient access…"); `message` replaces that text.
   */
  noAccess?: { code?: string; message?: string };
}

/** The wait a `Prefer: wait=<s>` header asks for, capped at Log Analytics' 600 s; 180 s (3 min) without one. */
export function preferredWait(prefer: string | string[] | undefined): number {
  const m = /(?:^|[,;\s])wait=(\d+)/.exec(String(prefer ?? ""));
  return m ? Math.min(600, Number(m[1])) : 180;
}

export interface RecordedQuery {
  text: string;
  literals: Value[];
  timespan?: string;
  headers: http.IncomingHttpHeaders;
}

/** Sends JSON. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(wireJson(body));
}


/** Reads a request body (up to 8 MB). */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 8 * 1024 * 1024) req.destroy(new Error("too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Runs KQL on the lab tables; throws KqlSyntaxError. */
export function runLabQuery(text: string, tables: Map<string, TwinTable> = labTables()): { table: TwinTable; literals: Value[] } {
  const parsed = parseKql(text, (name) => tables.get(name)?.columns);
  const source = tables.get(parsed.table) as TwinTable;
  const out = runKql(parsed, source.rows, source.columns.map((c) => c.name));
  // Column types as the service reports them: tracked through project/extend/summarize.
  return { table: { columns: resultTypes(parsed, out.rows), rows: out.rows }, literals: parsed.literals };
}

/** A Log Analytics twin. */
export class LogAnalyticsTwin extends LoopbackTwin {
  readonly queries: RecordedQuery[] = [];
  faults: ServiceFaults = {};

  /** `serveTokens`: also answer the Azure AD token paths on this port, so one URL is both Endpoint and AuthorityUrl (the notebook's twin). */
  constructor(readonly ad: AzureAdTwin, readonly workspaceId: string, private readonly options: { serveTokens?: boolean } = {}) {
    super();
  }

  protected onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.options.serveTokens && /\/oauth2\/v2\.0\//.test(req.url ?? "")) return this.ad.handle(req, res);
    void this.handle(req, res);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { error: { code: "PathNotFoundError", message: `The requested path does not exist: ${url.pathname}` } });
    if (req.method !== "POST") return sendJson(res, 405, { error: { code: "MethodNotAllowed", message: "Only GET and POST are supported" } });
    const auth = this.ad.check(req.headers.authorization, this.url);
    if (auth !== "ok") {
      return sendJson(res, 401, { error: { code: "InvalidTokenError", message: "The provided authentication is not valid for this resource", innererror: { code: auth === "audience" ? "TokenWrongAudienceError" : auth === "expired" ? "ExpiredAuthenticationToken" : "InvalidAuthenticationTokenFormat", message: `token ${auth}` } } }, { "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common"' });
    }
    const noAccess = this.faults.noAccess;
    if (noAccess) {
      return sendJson(res, 403, { error: { message: noAccess.message ?? "The provided credentials have insufficient access to perform the requested operation", code: noAccess.code ?? "InsufficientAccessError", correlationId: "a1b2c3d4-0000-4000-8000-000000000403" } });
    }
    if (decodeURIComponent(m[1]) !== this.workspaceId) return sendJson(res, 404, { error: { code: "WorkspaceNotFoundError", message: `The workspace could not be found`, innererror: { code: "WorkspaceNotFound", message: `Workspace '${m[1]}' not found` } } });
    const throttle = this.faults.throttle;
    if (throttle && throttle.count > 0) {
      throttle.count -= 1;
      return sendJson(res, throttle.status, { error: { code: throttle.status === 429 ? "TooManyRequests" : "ServiceUnavailable", message: "Too many requests, retry later" } }, throttle.retryAfter !== undefined ? { "Retry-After": throttle.retryAfter } : {});
    }
    if (!/^application\/json/.test(req.headers["content-type"] ?? "")) return sendJson(res, 415, { error: { code: "UnsupportedMediaType", message: "Content-Type must be application/json" } });
    let request: { query?: unknown; timespan?: unknown };
    try {
      request = JSON.parse(body);
    } catch {
      return sendJson(res, 400, { error: { code: "BadArgumentError", message: "The request had some invalid properties", innererror: { code: "JsonParseError", message: "body is not JSON" } } });
    }
    if (typeof request.query !== "string") return sendJson(res, 400, { error: { code: "BadArgumentError", message: "The request had some invalid properties", innererror: { code: "MissingQuery", message: "query is required" } } });
    const oauth = this.faults.oauthError;
    if (oauth) return sendJson(res, oauth.status, { error: oauth.error, error_description: oauth.description, error_codes: [70002] });
    const delay = this.faults.delayMs;
    if (delay) {
      const limit = this.faults.gatewayTimeout ? preferredWait(req.headers.prefer) * this.faults.gatewayTimeout.msPerSecond : Infinity;
      this.faults.onDelay?.();
      await new Promise((r) => setTimeout(r, Math.min(delay, limit)));
      // res, not req: a request read to its end is destroyed already (autoDestroy), answered or not.
      if (res.destroyed) return;
      if (delay > limit) {
        this.queries.push({ text: request.query, literals: [], headers: req.headers });
        return sendJson(res, 504, { error: { code: "GatewayTimeout", message: "The gateway did not receive a response from 'Microsoft.OperationalInsights' within the specified time period." } });
      }
    }
    if (this.faults.noData) {
      this.queries.push({ text: request.query, literals: [], headers: req.headers });
      res.writeHead(204);
      return void res.end();
    }
    let result: ReturnType<typeof runLabQuery>;
    try {
      result = runLabQuery(request.query);
    } catch (err) {
      if (!(err instanceof KqlSyntaxError)) throw err;
      this.queries.push({ text: request.query, literals: [], headers: req.headers });
      return sendJson(res, 400, {
        error: {
          message: "The request had some invalid properties",
          code: "BadArgumentError",
          correlationId: "00000000-0000-0000-0000-000000000000",
          innererror: { code: "SyntaxError", message: "A recognition error occurred in the query.", innererror: { code: "SYN0002", message: `Query could not be parsed: ${err.message}`, pos: err.position, token: err.token } },
        },
      });
    }
    const recorded: RecordedQuery = { text: request.query, literals: result.literals, headers: req.headers };
    let rows = result.table.rows;
    if (typeof request.timespan === "string") {
      recorded.timespan = request.timespan;
      const [a, b] = request.timespan.split("/").map((s) => new Date(s));
      if (!Number.isNaN(a.getTime()) && !Number.isNaN(b.getTime())) rows = rows.filter((r) => !(r.TimeGenerated instanceof Date) || (r.TimeGenerated >= a && r.TimeGenerated <= b));
    }
    this.queries.push(recorded);
    const answer: Record<string, unknown> = {};
    if (this.faults.rowLimit !== undefined && rows.length > this.faults.rowLimit) {
      rows = rows.slice(0, this.faults.rowLimit);
      const limit = { code: "EngineError", message: "Something went wrong processing your query on the server.", innererror: { code: "-2133196797", message: "Query result set has exceeded the internal data size limit 67108864 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)", severity: 2, severityName: "Error" } };
      const before = this.faults.rowLimitAfter === undefined ? [] : [{ code: "EngineError", message: this.faults.rowLimitAfter, severity: 2, severityName: "Error" }];
      answer.error = { code: "PartialError", message: "There were some errors when processing your query.", details: [...before, limit] };
    } else if (this.faults.partialError) {
      rows = rows.slice(0, Math.ceil(rows.length / 2));
      answer.error = { code: "PartialError", message: "There were some errors when processing your query.", details: [{ code: "EngineError", message: this.faults.partialError }] };
    }
    const columns = result.table.columns;
    answer.tables = [{ name: "PrimaryResult", columns: columns.map((c) => ({ name: c.name, type: c.type })), rows: rows.map((r) => columns.map((c) => wireValue(r[c.name] ?? null, c.type))) }];
    sendJson(res, 200, answer);
  }
}
