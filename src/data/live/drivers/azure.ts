/** What the MSSentinel and Kusto drivers share: reading Azure AD settings and choosing the sign-in method. */
import { QueryError, dataMessages as msg } from "../../messages";
import { AzureTokenSource, findOnPath, type AzureAuthMethod } from "../azureAuth";
import { maskedCut } from "../http";
import type { LiveColumnType, LiveHttpResponse, LiveSettings } from "../types";

/** The public Azure AD authority. */
export const DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

const METHODS: Record<string, AzureAuthMethod> = {
  client_secret: "client_secret",
  clientsecret: "client_secret",
  client_credentials: "client_secret",
  secret: "client_secret",
  cli: "cli",
  azure_cli: "cli",
  device_code: "device_code",
  devicecode: "device_code",
  device: "device_code",
};

/** A string option/arg, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : typeof value === "number" ? String(value) : undefined;
}

/**
 * The token source for `resource`: method from option `auth_method`
 * (client_secret | cli | device_code), else client credentials when a
 * ClientSecret is known, else the Azure CLI when `az` is on PATH, else device code.
 */
export function azureTokenSource(settings: LiveSettings, options: Record<string, unknown>, resource: string, tenantId: string | undefined): AzureTokenSource {
  const env = settings.environment;
  const clientId = text(settings.arg("ClientId", options)) ?? text(settings.arg("client_id", options));
  const clientSecret = text(settings.arg("ClientSecret", options)) ?? text(settings.arg("client_secret", options));
  const authorityUrl = text(settings.arg("AuthorityUrl", options)) ?? DEFAULT_AUTHORITY;
  settings.checkUrl(authorityUrl, `DataProviders.${env}.Args.AuthorityUrl`);
  const requested = text(options.auth_method ?? options.authMethod);
  let method: AzureAuthMethod;
  if (requested) {
    const found = METHODS[requested.toLowerCase()];
    if (!found) throw new QueryError(msg.liveConfig(env, "auth_method", `"${requested}" is not a sign-in method (client_secret, cli, device_code)`));
    method = found;
  } else method = clientSecret && clientId ? "client_secret" : findOnPath("az") ? "cli" : "device_code";
  if (method !== "cli" && !tenantId) throw new QueryError(msg.liveConfig(env, "TenantId", "no tenant ID (AzureSentinel.Workspaces.<name>.TenantId, DataProviders.<env>.Args.TenantId, or connect({ tenant_id }))"));
  if (method === "client_secret" && (!clientId || !clientSecret)) {
    throw new QueryError(msg.liveConfig(env, clientId ? "ClientSecret" : "ClientId", "client credentials need ClientId and ClientSecret (set the secret's EnvironmentVar, or pass it to connect())"));
  }
  const deviceTimeout = Number(options.device_code_timeout_ms ?? options.deviceCodeTimeoutMs);
  return new AzureTokenSource(
    {
      environment: env,
      authorityUrl,
      tenantId: tenantId ?? "organizations",
      ...(clientId ? { clientId } : {}),
      ...(clientSecret ? { clientSecret } : {}),
      resource,
      method,
      ...(Number.isFinite(deviceTimeout) ? { deviceCodeTimeoutMs: deviceTimeout } : {}),
      print: (t) => console.log(t),
    },
    settings,
  );
}

/** Log Analytics / Kusto column type names → the contract's types (decimal → real; unknown → string). */
export function azureColumnType(type: unknown): LiveColumnType {
  switch (String(type).toLowerCase()) {
    case "datetime":
    case "date":
      return "datetime";
    case "long":
    case "int64":
      return "long";
    case "int":
    case "int32":
      return "int";
    case "real":
    case "double":
    case "decimal":
      return "real";
    case "bool":
    case "boolean":
      return "bool";
    case "guid":
    case "uniqueid":
      return "guid";
    case "timespan":
    case "time":
      return "timespan";
    case "dynamic":
    case "object":
      return "dynamic";
    default:
      return "string";
  }
}

/**
 * The deepest message of a OneAPI error (`error.innererror…` / `details`), for messages: masked with `mask`,
 * then cut to 1000 characters (masked first: a secret straddling the cut would not be recognised, its first part shown).
 */
export function oneApiMessage(error: unknown, mask: (text: string) => string): { code: string; message: string } {
  const e = (error ?? {}) as Record<string, unknown>;
  let code = String(e.code ?? "Error");
  let message = String(e["@message"] ?? e.message ?? "");
  let inner = (e.innererror ?? (Array.isArray(e.details) ? e.details[0] : undefined)) as Record<string, unknown> | undefined;
  for (let depth = 0; inner && typeof inner === "object" && depth < 8; depth += 1) {
    if (inner.code) code = `${code}/${String(inner.code)}`;
    if (inner.message) message = String(inner.message);
    inner = (inner.innererror ?? (Array.isArray(inner.details) ? inner.details[0] : undefined)) as Record<string, unknown> | undefined;
  }
  return { code: mask(code), message: maskedCut(message, 1000, mask) };
}

/**
 * The error of an answer for {@link oneApiMessage}: OneAPI's `error: {code, message…}`, or an OAuth-style string
 * `error` with its `error_description` beside it (Log Analytics' 403 for a refused or expired grant).
 */
export function answerError(answer: unknown): unknown {
  const a = (answer ?? {}) as { error?: unknown; error_description?: unknown };
  return typeof a.error === "string" ? { code: a.error, message: a.error_description ?? "" } : a.error;
}

/**
 * True when a service message says the result was cut at the 500,000-row / 64 MB
 * truncation limit (E_QUERY_RESULT_SET_TOO_LARGE, 80DA0003: "Query result set has
 * exceeded the internal record count / data size limit"). Other limits share the
 * wording "exceeded the allowed limits" — memory (E_LOW_MEMORY_CONDITION), run
 * time or CPU (E_RUNAWAY_QUERY, 80DA0001) — and stop the query before all rows
 * are read: those are failures, not a truncation, so they do not match.
 */
export function isResultLimit(text: string): boolean {
  if (/80DA0001|E_RUNAWAY_QUERY|E_LOW_MEMORY_CONDITION/i.test(text)) return false;
  return /E_QUERY_RESULT_SET_TOO_LARGE|80DA0003|result set has exceeded the internal (?:record count|data size) limit/i.test(text);
}

/** Statuses whose body carries the service's OneApi error: returned to the driver, not thrown. */
const AZURE_ERROR_STATUSES: readonly number[] = [400, 401, 403, 404, 409, 413];

/**
 * POSTs `body` to an Azure query API with a bearer token from `tokens`; an
 * expired or revoked token (401) is renewed once. Log Analytics and Kusto
 * share this exchange and differ only in URL, headers and answer framing.
 */
export async function postWithAzureToken(
  settings: LiveSettings,
  tokens: AzureTokenSource,
  request: { url: string; body: unknown; signal: AbortSignal; headers?: Record<string, string>; noRetryStatus?: readonly number[] },
): Promise<LiveHttpResponse> {
  for (let attempt = 0; ; attempt += 1) {
    const token = await tokens.getToken(request.signal);
    const res = await settings.http.request({
      method: "POST",
      url: request.url,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...request.headers },
      body: request.body,
      signal: request.signal,
      acceptStatus: [...AZURE_ERROR_STATUSES, ...(request.noRetryStatus ?? [])],
      ...(request.noRetryStatus ? { noRetryStatus: request.noRetryStatus } : {}),
    });
    if (res.status !== 401 || attempt > 0) return res;
    tokens.invalidate();
  }
}
