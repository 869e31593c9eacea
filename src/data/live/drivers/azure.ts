/** What the MSSentinel and Kusto drivers share: reading Azure AD settings and choosing the sign-in method. */
import { QueryError, dataMessages as msg } from "../../messages";
import { AzureTokenSource, findOnPath, type AzureAuthMethod } from "../azureAuth";
import { maskedCut } from "../http";
import type { LiveColumnType, LiveHttpResponse, LiveSettings } from "../types";

/** The Entra ID authority and the Log Analytics endpoint of an Azure cloud. */
export interface AzureCloud {
  authority: string;
  logAnalytics: string;
}

/** The clouds of MSTICPy's cloud_mappings by `Azure.cloud` name (its offline table, auth/cloud_mappings_offline.py): `loginEndpoint` and `logAnalyticsResourceId`. */
const AZURE_CLOUDS: Readonly<Record<string, AzureCloud>> = {
  global: { authority: "https://login.microsoftonline.com", logAnalytics: "https://api.loganalytics.io" },
  usgov: { authority: "https://login.microsoftonline.us", logAnalytics: "https://api.loganalytics.us" },
  cn: { authority: "https://login.chinacloudapi.cn", logAnalytics: "https://api.loganalytics.azure.cn" },
};

/** MSTICPy's other names of the clouds (CLOUD_ALIASES). */
const CLOUD_ALIASES: Readonly<Record<string, string>> = { public: "global", gov: "usgov", china: "cn" };

/**
 * The cloud of `Azure.cloud` in msticpyconfig.yaml (or the `cloud` connect() option), in any case; unset is
 * `global`. A name MSTICPy does not map is an error naming the setting (MSTICPy falls back to the public
 * cloud: a client secret sent to the wrong cloud's authority).
 */
export function azureCloud(settings: LiveSettings, options: Record<string, unknown>): AzureCloud {
  const azure = settings.rawConfig.Azure;
  const fromConfig = azure && typeof azure === "object" && !Array.isArray(azure) ? (azure as Record<string, unknown>).cloud : undefined;
  const [setting, written] = options.cloud !== undefined ? ["connect({ cloud })", options.cloud] : ["Azure.cloud", fromConfig];
  if (written === undefined || written === null) return AZURE_CLOUDS.global;
  const name = typeof written === "string" ? written.trim().toLowerCase() : "";
  const key = Object.hasOwn(CLOUD_ALIASES, name) ? CLOUD_ALIASES[name] : name;
  if (Object.hasOwn(AZURE_CLOUDS, key)) return AZURE_CLOUDS[key];
  const shown = typeof written === "string" ? `"${written}"` : Array.isArray(written) ? "a list" : typeof written;
  const names = `${Object.keys(AZURE_CLOUDS).join(", ")} (or ${Object.keys(CLOUD_ALIASES).join(", ")})`;
  throw new QueryError(msg.liveConfig(settings.environment, setting, `${shown} is not an Azure cloud huntlab knows: ${names}${name === "de" ? "; Azure Germany (de) is closed" : ""}`));
}

/** The `Azure.auth_methods` / `DataProviders.AzureCLI` notes printed, by environment and settings named: each once per process (every connect() reads the config again). */
const notedAuthSettings = new Set<string>();

/**
 * One note that `Azure.auth_methods` and `DataProviders.AzureCLI` are not read: MSTICPy chains the listed
 * credential types (env, msi, vscode… which huntlab does not have); huntlab picks one method itself.
 */
function noteUnreadAuthSettings(settings: LiveSettings): void {
  const raw = settings.rawConfig;
  const azure = raw.Azure as Record<string, unknown> | null | undefined;
  const unread = [
    ...(azure && typeof azure === "object" && azure.auth_methods !== undefined ? ["Azure.auth_methods"] : []),
    ...(raw.DataProviders && typeof raw.DataProviders === "object" && Object.hasOwn(raw.DataProviders, "AzureCLI") ? ["DataProviders.AzureCLI"] : []),
  ];
  const key = `${settings.environment}: ${unread.join(", ")}`;
  if (!unread.length || notedAuthSettings.has(key)) return;
  notedAuthSettings.add(key);
  settings.warn(
    `${settings.environment}: ${unread.join(" and ")} ${unread.length > 1 ? "are" : "is"} not read: huntlab signs in with client credentials when ClientId and ClientSecret are set, else the Azure CLI (az on PATH), else device code; choose one with connect({ auth_method: "client_secret" | "cli" | "device_code" }).`,
  );
}

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
 * The token source for `resource`, signing in at `AuthorityUrl` (option or Args), else the authority of the
 * config's Azure cloud (`Azure.cloud`): method from option `auth_method`
 * (client_secret | cli | device_code), else client credentials when a
 * ClientSecret is known, else the Azure CLI when `az` is on PATH, else device code.
 */
export function azureTokenSource(settings: LiveSettings, options: Record<string, unknown>, resource: string, tenantId: string | undefined): AzureTokenSource {
  const env = settings.environment;
  const clientId = text(settings.arg("ClientId", options)) ?? text(settings.arg("client_id", options));
  const clientSecret = text(settings.arg("ClientSecret", options)) ?? text(settings.arg("client_secret", options));
  noteUnreadAuthSettings(settings);
  // Read even when AuthorityUrl is set: a misspelt cloud is an error, whatever else is configured.
  const cloud = azureCloud(settings, options);
  const authorityUrl = text(settings.arg("AuthorityUrl", options)) ?? cloud.authority;
  settings.checkUrl(authorityUrl, settings.argFrom("AuthorityUrl", options) ?? `DataProviders.${env}.Args.AuthorityUrl`);
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
