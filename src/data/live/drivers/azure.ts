/** What the MSSentinel and Kusto drivers share: reading Azure AD settings and choosing the sign-in method. */
import { QueryError, dataMessages as msg } from "../../messages";
import { AzureTokenSource, findOnPath, type AzureAuthMethod } from "../azureAuth";
import { maskedCut } from "../http";
import type { LiveColumnType, LiveHttpResponse, LiveSettings } from "../types";

/**
 * How much longer than the time limit it asks the service for (Kusto's `servertimeout`, Log Analytics'
 * `Prefer: wait=`) huntlab waits for the answer, ms: Azure's Kusto SDKs give the client 30 s more, so that the
 * service's own answer ("Query is expired", a 504), which says what to change, comes first.
 */
export const AZURE_SERVER_TIMEOUT_MARGIN_MS = 30_000;

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

/** The notes on `Azure.auth_methods` and `DataProviders.AzureCLI` printed, by environment and text: each once per process (every connect() reads the config again). */
const notedAuthSettings = new Set<string>();

/** Warns once per process of `text` for this environment. */
function noteOnce(settings: LiveSettings, text: string): void {
  const key = `${settings.environment}: ${text}`;
  if (notedAuthSettings.has(key)) return;
  notedAuthSettings.add(key);
  settings.warn(`${settings.environment}: ${text}`);
}

/** One note that `DataProviders.AzureCLI` is not read (MSTICPy's own sign-in settings for its Azure data APIs). */
function noteUnreadAuthSettings(settings: LiveSettings): void {
  const raw = settings.rawConfig;
  if (!raw.DataProviders || typeof raw.DataProviders !== "object" || !Object.hasOwn(raw.DataProviders, "AzureCLI")) return;
  noteOnce(settings, "DataProviders.AzureCLI is not read: huntlab signs in with client credentials when ClientId and ClientSecret are set, else Azure.auth_methods (env, cli, devicecode), else the Azure CLI (az on PATH), else device code; choose one with connect({ auth_method: \"client_secret\" | \"cli\" | \"device_code\" }).");
}

/** The environment variables of MSTICPy's (azure-identity's) `env` credential: a service principal's client credentials. */
const ENV_CREDENTIAL = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"] as const;

/** A sign-in chosen from `Azure.auth_methods`. */
interface ChainChoice {
  method: AzureAuthMethod;
  /** The `env` credential's client, secret and tenant. */
  credentials?: { clientId: string; clientSecret: string; tenantId: string };
}

/**
 * The first entry of `Azure.auth_methods` (MSTICPy's chain of credential types, tried in order) that can sign in
 * here: `env` when AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET are set (client credentials),
 * `cli` when `az` is on PATH, `devicecode`. Types huntlab does not have (msi, vscode, powershell,
 * interactive…) are passed over with a note. Undefined when the setting is absent; an error naming it when
 * no entry can sign in.
 */
function chooseFromAuthMethods(settings: LiveSettings): ChainChoice | undefined {
  const azure = settings.rawConfig.Azure;
  const written = azure && typeof azure === "object" && !Array.isArray(azure) ? (azure as Record<string, unknown>).auth_methods : undefined;
  if (written === undefined || written === null) return undefined;
  const env = settings.environment;
  const entries = typeof written === "string" ? [written] : Array.isArray(written) ? written : undefined;
  if (!entries || !entries.every((e) => typeof e === "string")) throw new QueryError(msg.liveConfig(env, "Azure.auth_methods", "expected a list of credential types, e.g. [env, cli, devicecode]"));
  const known = new Set(["env", "cli", "devicecode", "device_code"]);
  const unsupported = (entries as string[]).filter((e) => !known.has(e.trim().toLowerCase()));
  if (unsupported.length) noteOnce(settings, `Azure.auth_methods: ${unsupported.join(", ")} ${unsupported.length > 1 ? "are" : "is"} not a sign-in huntlab has (it has env, cli and devicecode); passed over.`);
  const why: string[] = [];
  for (const entry of entries as string[]) {
    const name = entry.trim().toLowerCase();
    if (name === "env") {
      const values = ENV_CREDENTIAL.map((v) => text(process.env[v]));
      const [clientId, tenantId, clientSecret] = values;
      if (clientId && tenantId && clientSecret) return { method: "client_secret", credentials: { clientId, clientSecret, tenantId } };
      why.push(`env: ${ENV_CREDENTIAL.filter((_, i) => !values[i]).join(", ")} not set`);
    } else if (name === "cli") {
      if (findOnPath("az")) return { method: "cli" };
      why.push("cli: az is not on PATH");
    } else if (name === "devicecode" || name === "device_code") {
      return { method: "device_code" };
    } else why.push(`${entry}: not a sign-in huntlab has`);
  }
  throw new QueryError(msg.liveConfig(env, "Azure.auth_methods", `no credential type listed can sign in here (${why.join("; ")}); set ClientId and ClientSecret, or choose one with connect({ auth_method })`));
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
 * ClientSecret is known, else the first of `Azure.auth_methods` that can sign in (see
 * {@link chooseFromAuthMethods}), else the Azure CLI when `az` is on PATH, else device code.
 */
export function azureTokenSource(settings: LiveSettings, options: Record<string, unknown>, resource: string, tenant: string | undefined): AzureTokenSource {
  let tenantId = tenant;
  const env = settings.environment;
  let clientId = text(settings.arg("ClientId", options)) ?? text(settings.arg("client_id", options));
  let clientSecret = text(settings.arg("ClientSecret", options)) ?? text(settings.arg("client_secret", options));
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
  } else if (clientSecret && clientId) method = "client_secret";
  else {
    // MSTICPy's chain: `env` brings its own client, secret and tenant.
    const chosen = chooseFromAuthMethods(settings);
    method = chosen?.method ?? (findOnPath("az") ? "cli" : "device_code");
    if (chosen?.credentials) ({ clientId, clientSecret, tenantId } = chosen.credentials);
  }
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
