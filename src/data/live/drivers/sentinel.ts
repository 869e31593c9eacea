/**
 * MSSentinel driver: the Log Analytics query API v1
 * (`POST {Endpoint}/v1/workspaces/{WorkspaceId}/query`, body `{query, timespan}`,
 * answer `{tables:[{name, columns:[{name,type}], rows}]}`; a non-fatal failure
 * comes as 200 with `error: {code: "PartialError", …}` beside the rows).
 * Workspaces from `AzureSentinel.Workspaces.<name>` as in MSTICPy.
 */
import { QueryError, SPLIT_ADVICE, dataMessages as msg } from "../../messages";
import { isoTime } from "../chunks";
import { joinUrl } from "../urls";
import { AZURE_SERVER_TIMEOUT_MARGIN_MS, answerError, azureCloud, azureColumnType, azureTokenSource, isResultLimit, oneApiMessage, oneApiMessages, postWithAzureToken, text } from "./azure";
import type { AzureTokens } from "../azureAuth";
import { revealHidden } from "../../../common/hiddenChars";
import type { LiveDriver, LiveRequest, LiveSettings, LiveTable } from "../types";

/** Log Analytics' query time limit, s: 180 by default, at most 600 when asked with `Prefer: wait=<s>`. */
export const LOG_ANALYTICS_WAIT = { default: 180, max: 600 } as const;

/** Log Analytics' result limits (rows, bytes). */
export const LOG_ANALYTICS_LIMITS = { rows: 500_000, bytes: 64 * 1024 * 1024 } as const;

interface Workspace {
  WorkspaceId?: unknown;
  TenantId?: unknown;
  WorkspaceName?: unknown;
}

/** `AzureSentinel.Workspaces` of the config, by key (an entry left empty is `{}`). */
function workspacesOf(raw: Readonly<Record<string, unknown>>): [string, Workspace][] {
  const sentinel = raw.AzureSentinel as Record<string, unknown> | undefined;
  const workspaces = sentinel?.Workspaces;
  if (!workspaces || typeof workspaces !== "object" || Array.isArray(workspaces)) return [];
  return Object.entries(workspaces).map(([key, ws]) => [key, ws && typeof ws === "object" ? (ws as Workspace) : {}]);
}

/**
 * The workspace to use, as MSTICPy's WorkspaceConfig picks it: `name` is an entry's key, its WorkspaceId or
 * its WorkspaceName, in any case (`connect({ workspace: "SOC-Main" })`); without one, `Default`, else the only
 * entry. Keys are tried before ids and names (MSTICPy tries the three per entry, in file order: the same
 * pick unless one entry's WorkspaceName is another's key).
 */
function selectWorkspace(raw: Readonly<Record<string, unknown>>, name: string | undefined): { key: string; ws: Workspace } | undefined {
  const entries = workspacesOf(raw);
  const pick = (found: [string, Workspace] | undefined) => (found ? { key: found[0], ws: found[1] } : undefined);
  if (name === undefined) return pick(entries.find(([key]) => key.toLowerCase() === "default") ?? (entries.length === 1 ? entries[0] : undefined));
  const same = (value: unknown) => typeof value === "string" && value.trim().toLowerCase() === name.toLowerCase();
  return pick(entries.find(([key]) => same(key)) ?? entries.find(([, ws]) => same(ws.WorkspaceId)) ?? entries.find(([, ws]) => same(ws.WorkspaceName)));
}

/** Why no workspace was picked, for the `data/live-config` error. */
function noWorkspace(raw: Readonly<Record<string, unknown>>, name: string | undefined): { setting: string; problem: string } {
  const known = workspacesOf(raw).map(([key]) => key);
  const list = known.length ? ` (workspaces: ${known.join(", ")})` : "";
  const orOptions = "or pass connect({ workspace_id, tenant_id })";
  if (name !== undefined) {
    return { setting: `AzureSentinel.Workspaces.${name}`, problem: `no workspace "${name}" in msticpyconfig.yaml, by key, WorkspaceName or WorkspaceId${list}; ${orOptions}` };
  }
  if (known.length > 1) return { setting: "AzureSentinel.Workspaces", problem: `${known.length} workspaces and none is named Default${list}: pass connect({ workspace: "${known[0]}" }), or ${orOptions.slice(3)}` };
  return { setting: "AzureSentinel.Workspaces.Default.WorkspaceId", problem: `no workspace in msticpyconfig.yaml${list}; ${orOptions}` };
}

class SentinelDriver implements LiveDriver {
  readonly environment = "MSSentinel" as const;
  readonly language = "kql" as const;
  /** Log Analytics' 504 at `Prefer: wait=` arrives before huntlab's own timeout (as Kusto's "Query is expired"). */
  readonly serverTimeoutMarginMs = AZURE_SERVER_TIMEOUT_MARGIN_MS;
  private endpoint = "";
  private workspaceId = "";
  private tokens: AzureTokens | undefined;

  constructor(private readonly settings: LiveSettings) {}

  get connected(): boolean {
    return this.tokens !== undefined;
  }

  toJSON(): string {
    return `MSSentinel driver (${this.connected ? `workspace ${this.workspaceId}` : "not connected"})`;
  }

  async connect(options: Record<string, unknown>): Promise<void> {
    const env = this.environment;
    const name = text(options.workspace);
    const selected = selectWorkspace(this.settings.rawConfig, name);
    const ws = selected?.ws;
    const workspaceId = text(options.workspace_id ?? options.WorkspaceId) ?? text(ws?.WorkspaceId);
    const tenantId = text(options.tenant_id ?? options.TenantId) ?? text(ws?.TenantId) ?? text(this.settings.arg("TenantId", options));
    if (!workspaceId) {
      if (selected) throw new QueryError(msg.liveConfig(env, `AzureSentinel.Workspaces.${selected.key}.WorkspaceId`, "not set; or pass connect({ workspace_id })"));
      const why = noWorkspace(this.settings.rawConfig, name);
      throw new QueryError(msg.liveConfig(env, why.setting, why.problem));
    }
    if (!/^[0-9a-zA-Z-]{1,64}$/.test(workspaceId)) throw new QueryError(msg.liveConfig(env, "WorkspaceId", "expected a workspace GUID"));
    const cloud = azureCloud(this.settings, options);
    const endpoint = text(this.settings.arg("Endpoint", options)) ?? cloud.logAnalytics;
    // Named where it came from: a connect({ Endpoint }) option was blamed on the config's Args.
    this.settings.checkUrl(endpoint, this.settings.argFrom("Endpoint", options) ?? `DataProviders.${env}.Args.Endpoint`);
    const tokens = azureTokenSource(this.settings, options, endpoint, tenantId);
    const signal = (options.signal as AbortSignal | undefined) ?? new AbortController().signal;
    await tokens.getToken(signal);
    this.endpoint = endpoint;
    this.workspaceId = workspaceId;
    this.tokens = tokens;
  }

  /** A token for the next query, renewed if near its expiry: under its own timeout, not the query's (LiveDriver.signIn). */
  async signIn(signal: AbortSignal): Promise<void> {
    await this.tokens?.getToken(signal);
  }

  async query(request: LiveRequest): Promise<LiveTable> {
    const tokens = this.tokens;
    if (!tokens) throw new QueryError(msg.liveNotConnected(this.environment, request.queryName));
    const url = joinUrl(this.endpoint, `/v1/workspaces/${encodeURIComponent(this.workspaceId)}/query`);
    const body: Record<string, unknown> = { query: request.text };
    // A chunk's end to the last 100 ns tick before the next chunk, as the query's own `between` literal.
    if (request.start && request.end) body.timespan = `${request.start.toISOString()}/${isoTime(request.end, 7)}`;
    // The service stops a query at 3 min unless asked to wait longer (up to 10): as long as huntlab waits.
    const wait = request.timeoutMs ? Math.min(LOG_ANALYTICS_WAIT.max, Math.ceil(request.timeoutMs / 1000)) : LOG_ANALYTICS_WAIT.default;
    const res = await postWithAzureToken(this.settings, tokens, {
      url,
      body,
      signal: request.signal,
      ...(request.renewCredentials ? { renewCredentials: request.renewCredentials } : {}),
      ...(request.timeoutMs ? { headers: { Prefer: `wait=${wait}` } } : {}),
      // A 504 is the service's own query timeout: sent again, the heavy query would run again and time out again.
      noRetryStatus: [504],
    });
    if (res.status === 504) throw new QueryError(msg.liveServerTimeout(request.queryName, this.environment, wait, LOG_ANALYTICS_WAIT.max, `Prefer: wait=${wait}; HTTP 504 Gateway Timeout`));
    return this.tableOf(request, res.status, res.data);
  }

  private tableOf(request: LiveRequest, status: number, data: unknown): LiveTable {
    const answer = (data ?? {}) as { tables?: unknown; error?: unknown };
    // oneApiMessage masks what it gives: the service echoes queries and names (a secret among them).
    const mask = this.settings.mask;
    // A workspace with no data answers 204 and no body: nothing to read, not a failure.
    if (status === 204) return { columns: [], rows: [], warnings: ["the workspace has no data (Log Analytics answered 204 No Content); the result is empty, without columns"] };
    if (status >= 300) {
      const { code, message } = oneApiMessage(answerError(answer), mask);
      // A 403 is the identity's access to the workspace (or its token), not the query: a sign-in/permission error.
      if (status === 403) throw new QueryError(msg.liveWorkspaceDenied(request.queryName, this.environment, this.workspaceId, revealHidden(code), revealHidden(message)));
      throw new QueryError(msg.liveQueryFailed(request.queryName, this.environment, `HTTP ${status} ${code}`, message));
    }
    const tables = Array.isArray(answer.tables) ? (answer.tables as { name?: string; columns?: { name: string; type: string }[]; rows?: unknown[][] }[]) : undefined;
    const primary = tables?.find((t) => t.name === "PrimaryResult") ?? tables?.[0];
    if (!primary || !Array.isArray(primary.columns) || !Array.isArray(primary.rows)) {
      if (answer.error) {
        const { code, message } = oneApiMessage(answerError(answer), mask);
        throw new QueryError(msg.liveQueryFailed(request.queryName, this.environment, code, message));
      }
      throw new QueryError(msg.liveHttp(`${request.queryName}: ${this.environment}`, "the answer has no tables"));
    }
    const table: LiveTable = {
      columns: primary.columns.map((c) => ({ name: String(c.name), type: azureColumnType(c.type) })),
      rows: primary.rows,
      warnings: [],
    };
    if (answer.error) {
      // Every detail: the row-limit one need not be the first of a PartialError's details.
      const texts = [...new Set(oneApiMessages(answer.error, mask).map(({ code, message }) => `${code}: ${message}`))];
      const limit = texts.find(isResultLimit);
      const others = texts.filter((t) => !isResultLimit(t));
      if (limit) table.warnings.push(`the result was cut at the Log Analytics limit (${LOG_ANALYTICS_LIMITS.rows.toLocaleString("en-US")} rows / 64 MB): ${limit} — ${SPLIT_ADVICE}`);
      if (others.length) table.partialError = others.join("; ");
    } else if (primary.rows.length >= LOG_ANALYTICS_LIMITS.rows) {
      table.warnings.push(`${primary.rows.length.toLocaleString("en-US")} rows: at the Log Analytics limit (${LOG_ANALYTICS_LIMITS.rows.toLocaleString("en-US")} rows / 64 MB), rows may be missing — ${SPLIT_ADVICE}`);
    }
    return table;
  }
}

/** The MSSentinel (Log Analytics) driver. */
export function createSentinelDriver(settings: LiveSettings): LiveDriver {
  return new SentinelDriver(settings);
}
