/**
 * A loopback twin of the Azure Data Explorer (Kusto) REST API v2:
 * `POST /v2/rest/query` with a bearer token (audience = the cluster URL) and
 * `{db, csl, properties}`; answers the v2 frame list: DataSetHeader,
 * DataTable @ExtendedProperties (QueryProperties), DataTable PrimaryResult,
 * DataTable QueryCompletionInformation, DataSetCompletion (HasErrors,
 * Cancelled, OneApiErrors). A failure after the rows began is written as an
 * error object in place of a row and in OneApiErrors; request failures are
 * OneApiErrors objects with 400/401/404; 429 with Retry-After when told to
 * throttle. Same lab tables and KQL subset as the Log Analytics twin.
 */
import http from "node:http";
import { LoopbackTwin } from "./loopback";
import { KqlSyntaxError } from "./kqlEngine";
import { wireValue } from "./labTables";
import { readBody, runLabQuery, sendJson, type RecordedQuery, type ServiceFaults } from "./logAnalytics";
import type { AzureAdTwin } from "./azureAd";

function kustoType(type: string): string {
  return type === "dynamic" ? "dynamic" : type;
}

/** Kusto's faults: the shared ones, and a batch answer. */
export interface KustoFaults extends ServiceFaults {
  /** Answer this many more PrimaryResult tables after the first (the query's own again), as a batch `a; b` or `fork` does. */
  extraPrimaryResults?: number;
  /**
   * The cluster's own query time limit, scaled: the request's `servertimeout` (4 min without one), times `msPerSecond` ms;
   * a query whose delayMs runs past it ends then with Kusto's "Query is expired" (0x80DA0006), in the answer
   * (`status` 200: no PrimaryResult, the error in the completion frame) or as the HTTP status given.
   */
  serverTimeout?: { msPerSecond: number; status?: number };
}

/** Seconds of a Kusto timespan (`hh:mm:ss`, `d.hh:mm:ss`); 240 (Kusto's 4 min) without one. */
function serverTimeoutSeconds(properties: unknown): number {
  const value = (properties as { Options?: { servertimeout?: unknown } } | undefined)?.Options?.servertimeout;
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)$/.exec(String(value ?? ""));
  return m ? Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : 240;
}

export class KustoTwin extends LoopbackTwin {
  readonly queries: (RecordedQuery & { db: string; properties?: unknown })[] = [];
  faults: KustoFaults = {};

  constructor(readonly ad: AzureAdTwin, readonly database: string) {
    super();
  }

  protected onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    void this.handle(req, res);
  }

  private oneApi(code: string, type: string, message: string): unknown {
    return { error: { code, message: "Request is invalid and cannot be executed.", "@type": type, "@message": message, "@context": { timestamp: new Date().toISOString(), serviceAlias: "TWIN" }, "@permanent": true } };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    const headers = { "x-ms-client-request-id": String(req.headers["x-ms-client-request-id"] ?? "twin"), "x-ms-activity-id": "00000000-0000-0000-0000-000000000001" };
    if (url.pathname !== "/v2/rest/query" || req.method !== "POST") return sendJson(res, 404, this.oneApi("NotFound", "Kusto.Common.Svc.Exceptions.EntityNotFoundException", `path ${url.pathname}`), headers);
    const auth = this.ad.check(req.headers.authorization, this.url);
    if (auth !== "ok") return sendJson(res, 401, this.oneApi("Unauthorized", "Kusto.DataNode.Exceptions.UnauthorizedDatabaseAccessException", `Principal is not authorized (token ${auth})`), headers);
    const throttle = this.faults.throttle;
    if (throttle && throttle.count > 0) {
      throttle.count -= 1;
      return sendJson(res, throttle.status, this.oneApi("TooManyRequests", "Kusto.DataNode.Exceptions.ControlCommandThrottledException", "The request was denied due to throttling."), { ...headers, ...(throttle.retryAfter !== undefined ? { "Retry-After": throttle.retryAfter } : {}) });
    }
    let request: { db?: unknown; csl?: unknown; properties?: unknown };
    try {
      request = JSON.parse(body);
    } catch {
      return sendJson(res, 400, this.oneApi("BadRequest_InvalidJson", "Kusto.Common.Svc.Exceptions.BadRequestException", "body is not JSON"), headers);
    }
    if (request.db !== this.database) return sendJson(res, 400, this.oneApi("BadRequest_EntityNotFound", "Kusto.Data.Exceptions.EntityNotFoundException", `Database '${String(request.db)}' was not found.`), headers);
    if (typeof request.csl !== "string") return sendJson(res, 400, this.oneApi("BadRequest_MissingCsl", "Kusto.Common.Svc.Exceptions.BadRequestException", "csl is required"), headers);
    const delay = this.faults.delayMs;
    if (delay) {
      const expiry = this.faults.serverTimeout;
      const limit = expiry ? serverTimeoutSeconds(request.properties) * expiry.msPerSecond : Infinity;
      await new Promise((r) => setTimeout(r, Math.min(delay, limit)));
      if (res.destroyed) return;
      if (expiry && delay > limit) {
        this.queries.push({ text: request.csl, literals: [], headers: req.headers, db: request.db, properties: request.properties });
        const expired = { error: { code: "LimitsExceeded", message: "Request is invalid and cannot be executed.", "@type": "Kusto.Data.Exceptions.KustoDataStreamException", "@message": "Query execution has resulted in error (0x80DA0006): Query is expired.", "@permanent": false } };
        if (expiry.status && expiry.status !== 200) return sendJson(res, expiry.status, expired, headers);
        return sendJson(res, 200, [
          { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0", IsFragmented: false, ErrorReportingPlacement: "InData" },
          { FrameType: "DataSetCompletion", HasErrors: true, Cancelled: false, OneApiErrors: [expired] },
        ], headers);
      }
    }
    let result: ReturnType<typeof runLabQuery>;
    try {
      result = runLabQuery(request.csl);
    } catch (err) {
      if (!(err instanceof KqlSyntaxError)) throw err;
      this.queries.push({ text: request.csl, literals: [], headers: req.headers, db: request.db });
      return sendJson(res, 400, this.oneApi("General_BadRequest", "Kusto.Data.Exceptions.SyntaxException", `Syntax error: SYN0002: ${err.message}`), headers);
    }
    this.queries.push({ text: request.csl, literals: result.literals, headers: req.headers, db: request.db, properties: request.properties });
    const columns = result.table.columns;
    let rows: unknown[] = result.table.rows.map((r) => columns.map((c) => (c.type === "dynamic" ? r[c.name] : wireValue(r[c.name] ?? null, c.type))));
    const errors: unknown[] = [];
    const limit = this.faults.rowLimit;
    if (limit !== undefined && rows.length > limit) {
      rows = rows.slice(0, limit);
      errors.push({ error: { code: "LimitsExceeded", message: "Request is invalid and cannot be executed.", "@type": "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException", "@message": "Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of 500000 records (E_QUERY_RESULT_SET_TOO_LARGE)." } });
    } else if (this.faults.partialError) {
      rows = rows.slice(0, Math.ceil(rows.length / 2));
      errors.push({ error: { code: "LimitsExceeded", message: "Request is invalid and cannot be executed.", "@type": "Kusto.Data.Exceptions.KustoServicePartialQueryFailureException", "@message": this.faults.partialError } });
    }
    if (errors.length) rows.push({ OneApiErrors: errors });
    const primary = (id: number) => ({ FrameType: "DataTable", TableId: id, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: columns.map((c) => ({ ColumnName: c.name, ColumnType: kustoType(c.type) })), Rows: rows });
    const extra = Array.from({ length: this.faults.extraPrimaryResults ?? 0 }, (_, i) => primary(i + 2));
    sendJson(
      res,
      200,
      [
        { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0", IsFragmented: false, ErrorReportingPlacement: "InData" },
        { FrameType: "DataTable", TableId: 0, TableKind: "QueryProperties", TableName: "@ExtendedProperties", Columns: [{ ColumnName: "TableId", ColumnType: "int" }, { ColumnName: "Key", ColumnType: "string" }, { ColumnName: "Value", ColumnType: "dynamic" }], Rows: [[1, "Visualization", { Visualization: null }]] },
        primary(1),
        ...extra,
        { FrameType: "DataTable", TableId: 2 + extra.length, TableKind: "QueryCompletionInformation", TableName: "QueryCompletionInformation", Columns: [{ ColumnName: "Timestamp", ColumnType: "datetime" }, { ColumnName: "Level", ColumnType: "int" }], Rows: [[new Date().toISOString(), errors.length ? 2 : 4]] },
        { FrameType: "DataSetCompletion", HasErrors: errors.length > 0, Cancelled: false, ...(errors.length ? { OneApiErrors: errors } : {}) },
      ],
      headers,
    );
  }
}
