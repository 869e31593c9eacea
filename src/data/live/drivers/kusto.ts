/**
 * Kusto driver: Azure Data Explorer REST API v2 (`POST {Cluster}/v2/rest/query`,
 * body `{db, csl, properties}`; the answer is a JSON array of frames:
 * DataSetHeader, DataTable (TableKind PrimaryResult…), DataSetCompletion with
 * HasErrors/OneApiErrors). A failure after the 200 status line shows as an
 * error row inside the table or as OneApiErrors in the completion frame.
 * The cluster, as in MSTICPy: see kustoClusters.ts.
 */
import { randomUUID } from "node:crypto";
import { QueryError, SPLIT_ADVICE, dataMessages as msg } from "../../messages";
import { joinUrl } from "../urls";
import { chooseKustoCluster } from "../kustoClusters";
import { AZURE_SERVER_TIMEOUT_MARGIN_MS, answerError, azureColumnType, azureTokenSource, isResultLimit, oneApiMessage, oneApiMessages, postWithAzureToken, text } from "./azure";
import type { AzureTokens } from "../azureAuth";
import { stringifyExact } from "../../../common/json";
import type { LiveColumn, LiveDriver, LiveRequest, LiveSettings, LiveTable } from "../types";

/** Kusto's longest server timeout, s (the `servertimeout` client request property, a timespan; at most 1 hour). */
export const KUSTO_MAX_SERVER_TIMEOUT_S = 3600;

/** Kusto's query time limit without `servertimeout`, s (4 min). */
export const KUSTO_DEFAULT_SERVER_TIMEOUT_S = 240;

/** Kusto's error when a query runs past its `servertimeout`: "Query execution has resulted in error (0x80DA0006): Query is expired." */
const QUERY_EXPIRED = /0x80DA0006|\bQuery is expired\b/i;

/** Kusto's default result limits (truncationmaxrecords / truncationmaxsize). */
export const KUSTO_LIMITS = { rows: 500_000, bytes: 64 * 1024 * 1024 } as const;

interface Frame {
  FrameType?: string;
  TableKind?: string;
  TableName?: string;
  Columns?: { ColumnName: string; ColumnType?: string; DataType?: string }[];
  Rows?: unknown[];
  HasErrors?: boolean;
  Cancelled?: boolean;
  OneApiErrors?: { error?: unknown }[];
}

class KustoDriver implements LiveDriver {
  readonly environment = "Kusto" as const;
  readonly language = "kql" as const;
  /** The cluster's "Query is expired" (at `servertimeout`) arrives before huntlab's own timeout. */
  readonly serverTimeoutMarginMs = AZURE_SERVER_TIMEOUT_MARGIN_MS;
  private cluster = "";
  private database = "";
  private tokens: AzureTokens | undefined;

  constructor(private readonly settings: LiveSettings) {}

  get connected(): boolean {
    return this.tokens !== undefined;
  }

  toJSON(): string {
    return `Kusto driver (${this.connected ? `database ${this.database}` : "not connected"})`;
  }

  async connect(options: Record<string, unknown>): Promise<void> {
    const env = this.environment;
    const { url: cluster, settings, urlFrom, argsFrom } = chooseKustoCluster(this.settings, options);
    // MSTICPy's cluster entries name it Database or DefaultDatabase.
    const database = text(settings.arg("Database", options)) ?? text(settings.arg("DefaultDatabase", options));
    if (!cluster) throw new QueryError(msg.liveConfig(env, urlFrom, "no cluster URL (e.g. https://mycluster.westeurope.kusto.windows.net)"));
    if (!database) throw new QueryError(msg.liveConfig(env, `${argsFrom}.Database`, "no database name; or pass connect({ database })"));
    settings.checkUrl(cluster, urlFrom);
    // The option before any setting (a config's TenantId hid connect({ tenant_id })).
    const tenantId = text(options.tenant_id) ?? text(settings.arg("TenantId", options));
    const tokens = azureTokenSource(settings, options, cluster, tenantId);
    await tokens.getToken((options.signal as AbortSignal | undefined) ?? new AbortController().signal);
    this.cluster = cluster;
    this.database = database;
    this.tokens = tokens;
  }

  /** A token for the next query, renewed if near its expiry: under its own timeout, not the query's (LiveDriver.signIn). */
  async signIn(signal: AbortSignal): Promise<void> {
    await this.tokens?.getToken(signal);
  }

  async query(request: LiveRequest): Promise<LiveTable> {
    const tokens = this.tokens;
    if (!tokens) throw new QueryError(msg.liveNotConnected(this.environment, request.queryName));
    const options: Record<string, unknown> = { results_progressive_enabled: false };
    // The cluster stops a query at 4 min unless told otherwise (up to 1 h): as long as huntlab waits, as MSTICPy does.
    const seconds = request.timeoutMs ? Math.min(KUSTO_MAX_SERVER_TIMEOUT_S, Math.ceil(request.timeoutMs / 1000)) : KUSTO_DEFAULT_SERVER_TIMEOUT_S;
    if (request.timeoutMs) options.servertimeout = timespan(seconds);
    const body = { db: this.database, csl: request.text, properties: { Options: options } };
    const res = await postWithAzureToken(this.settings, tokens, {
      url: joinUrl(this.cluster, "/v2/rest/query"),
      headers: { "x-ms-client-request-id": `huntlab;${randomUUID()}`, "x-ms-app": "huntlab" },
      body,
      signal: request.signal,
      ...(request.renewCredentials ? { renewCredentials: request.renewCredentials } : {}),
      // A 504 is a time limit: sent again, the heavy query would run again and time out again.
      noRetryStatus: [504],
    });
    return this.tableOf(request, res.status, res.data, seconds);
  }

  private tableOf(request: LiveRequest, status: number, data: unknown, serverTimeoutS = KUSTO_DEFAULT_SERVER_TIMEOUT_S): LiveTable {
    // oneApiMessage masks what it gives (the service echoes queries and names): the texts below are masked already.
    const mask = this.settings.mask;
    const fail = (code: string, message: string) =>
      // The cluster's own time limit (servertimeout) is a timeout, said as Log Analytics' 504 is, not a failed query.
      QUERY_EXPIRED.test(`${code} ${message}`)
        ? new QueryError(msg.liveServerTimeout(request.queryName, this.environment, serverTimeoutS, KUSTO_MAX_SERVER_TIMEOUT_S, `servertimeout ${timespan(serverTimeoutS)}; ${code}: ${message}`))
        : new QueryError(msg.liveQueryFailed(request.queryName, this.environment, code, message));
    if (status >= 300 || !Array.isArray(data)) {
      const { code, message } = oneApiMessage(answerError(data), mask);
      throw fail(status >= 300 ? `HTTP ${status} ${code}` : code, message || "the answer is not a v2 frame list");
    }
    const frames = data as Frame[];
    const primaries = frames.filter((f) => f.FrameType === "DataTable" && f.TableKind === "PrimaryResult");
    const primary = primaries[0];
    const completion = frames.find((f) => f.FrameType === "DataSetCompletion");
    // Every detail of each error: a truncation need not be the first of its `details`.
    const errors = (completion?.OneApiErrors ?? []).flatMap((e) => oneApiMessages(e.error, mask));
    if (!primary || !Array.isArray(primary.Columns)) {
      if (errors.length) throw fail(errors[0].code, errors[0].message);
      throw fail("NoPrimaryResult", "the answer has no PrimaryResult table");
    }
    const rows: unknown[][] = [];
    const inline: string[] = [];
    for (const row of primary.Rows ?? []) {
      if (Array.isArray(row)) rows.push(row);
      // A failure after the rows began: an object with OneApiErrors in place of a row.
      else if (row && typeof row === "object") for (const e of ((row as Frame).OneApiErrors ?? [])) for (const m of oneApiMessages(e.error, mask)) inline.push(`${m.code}: ${m.message}`);
    }
    const columns = primary.Columns.map((c) => ({ name: String(c.ColumnName), type: azureColumnType(c.ColumnType ?? c.DataType) }));
    const table: LiveTable = { columns, rows: dynamicAsJson(columns, rows), warnings: [] };
    // A batch (`a; b`) or fork answers a table per part: the first is returned, as MSTICPy does; the rest are said.
    if (primaries.length > 1) table.warnings.push(`the answer holds ${primaries.length} result tables (a batch \`a; b\` or fork); only the first is returned, the other ${primaries.length - 1} dropped: run each part as a query of its own`);
    const problems = [...new Set([...inline, ...errors.map((e) => `${e.code}: ${e.message}`)])];
    const limits = problems.filter(isResultLimit);
    const others = problems.filter((p) => !isResultLimit(p));
    // One warning: the same truncation arrives inline (in place of a row) and again in the completion frame.
    for (const l of limits.slice(0, 1)) table.warnings.push(`the result was cut at the Kusto limit (${KUSTO_LIMITS.rows.toLocaleString("en-US")} rows / 64 MB): ${l} — ${SPLIT_ADVICE}`);
    if (others.length || (completion?.HasErrors && !limits.length)) table.partialError = others.join("; ") || "the service reported errors (HasErrors) without details";
    if (completion?.Cancelled) table.partialError = [table.partialError, "the query was cancelled by the service"].filter(Boolean).join("; ");
    // Every v2 answer ends with DataSetCompletion, which carries the errors after the rows: without it, neither
    // the end of the rows nor the absence of such errors is known (a gateway's answer cut at a frame boundary).
    if (!completion) table.partialError = [table.partialError, "the answer ends without its DataSetCompletion frame (the last of every v2 answer, which reports errors after the rows): it may be cut short"].filter(Boolean).join("; ");
    return table;
  }
}

/** Seconds as a Kusto timespan literal, `hh:mm:ss`. */
function timespan(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/**
 * Dynamic cells as JSON text. v2 frames carry a dynamic value as the JSON value itself: a string held in a
 * dynamic (`dynamic("[1,2]")`, `bag.key` of a string) arrives as a JSON string, an array as an array. Kept
 * as is, both would become the text `[1,2]`; as JSON text they stay apart (`"[1,2]"` vs `[1,2]`), as Log
 * Analytics writes them (its v1 answer holds dynamic values as JSON text already) and as the ES and Splunk
 * drivers do: a string is quoted (`"abc"`), parseJsonColumn gives back the value.
 */
function dynamicAsJson(columns: readonly LiveColumn[], rows: unknown[][]): unknown[][] {
  const dynamic = columns.flatMap((c, i) => (c.type === "dynamic" ? [i] : []));
  if (!dynamic.length) return rows;
  return rows.map((row) => {
    const out = row.slice();
    for (const i of dynamic) if (out[i] !== null && out[i] !== undefined) out[i] = stringifyExact(out[i]);
    return out;
  });
}

/** The Kusto (Azure Data Explorer) driver. */
export function createKustoDriver(settings: LiveSettings): LiveDriver {
  return new KustoDriver(settings);
}
