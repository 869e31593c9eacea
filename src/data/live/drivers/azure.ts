/** What the MSSentinel and Kusto drivers share: reading Azure AD settings and choosing the sign-in method. */
import { QueryError, dataMessages as msg } from "../../messages";
import { AzureTokenChain, AzureTokenSource, findOnPath, type AzureAuthMethod, type AzureTokens } from "../azureAuth";
import { maskedCut } from "../http";
import type { LiveColumnType, LiveHttpResponse, LiveRequest, LiveSettings } from "../types";

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

/** The `env` credential's settings: `DataProviders.AzureCLI.Args`' name of each, and the environment variable read without it. */
const ENV_CREDENTIAL = [
  ["clientId", "AZURE_CLIENT_ID"],
  ["tenantId", "AZURE_TENANT_ID"],
  ["clientSecret", "AZURE_CLIENT_SECRET"],
] as const;

/** The value of `name` in `args`, in any case. */
function argOf(args: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  if (!args) return undefined;
  const key = Object.keys(args).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : args[key];
}

/**
 * The `env` credential (client credentials), as MSTICPy's az_connect gives it: `DataProviders.AzureCLI.Args`'
 * `clientId`, `tenantId` and `clientSecret` (MSTICPy's settings for its Azure sign-in), each else AZURE_CLIENT_ID,
 * AZURE_TENANT_ID, AZURE_CLIENT_SECRET. MSTICPy writes the AzureCLI values into those variables, for the whole
 * process, and empties a variable whose setting is absent; huntlab reads them without changing the environment,
 * and a setting left out leaves its variable in use. Or why it cannot sign in.
 */
function envCredential(settings: LiveSettings): { credentials: { clientId: string; tenantId: string; clientSecret: string } } | { missing: string } {
  const raw = settings.rawConfig.DataProviders;
  const hasCli = !!raw && typeof raw === "object" && Object.keys(raw).includes("AzureCLI");
  // Its secrets are masked from here on, and an unset EnvironmentVar in it is said, naming the setting.
  const cli = hasCli ? settings.entryArgs?.("DataProviders", "AzureCLI") : undefined;
  const values = ENV_CREDENTIAL.map(([arg, variable]) => text(argOf(cli, arg)) ?? text(process.env[variable]));
  const [clientId, tenantId, clientSecret] = values;
  if (clientId && tenantId && clientSecret) return { credentials: { clientId, tenantId, clientSecret } };
  const unset = ENV_CREDENTIAL.filter((_, i) => !values[i]).map(([arg, variable]) => (hasCli ? `${variable} (or DataProviders.AzureCLI.Args.${arg})` : variable));
  return { missing: `${unset.join(", ")} not set` };
}

/** A note on the `DataProviders.AzureCLI` settings huntlab does not read: MSTICPy reads only the env credential's there. */
function noteUnreadAzureCli(settings: LiveSettings): void {
  const raw = settings.rawConfig.DataProviders;
  const entry = raw && typeof raw === "object" ? argOf(raw as Record<string, unknown>, "AzureCLI") : undefined;
  const args = entry && typeof entry === "object" ? argOf(entry as Record<string, unknown>, "Args") : undefined;
  if (!args || typeof args !== "object") return;
  const read = new Set<string>(ENV_CREDENTIAL.map(([arg]) => arg.toLowerCase()));
  const unread = Object.keys(args).filter((k) => !read.has(k.toLowerCase()));
  if (unread.length) noteOnce(settings, `DataProviders.AzureCLI.Args: ${unread.join(", ")} not read (nor by MSTICPy, which reads clientId, tenantId and clientSecret there, for the env sign-in); the sign-ins tried are Azure.auth_methods'.`);
}

/** MSTICPy's default `Azure.auth_methods`, of the sign-ins huntlab has (MSTICPy's also lists msi and interactive). */
const DEFAULT_AUTH_METHODS = ["env", "cli", "devicecode"] as const;

/** A sign-in of the chain. */
interface ChainLink {
  /** As `Azure.auth_methods` writes it. */
  name: string;
  method: AzureAuthMethod;
  /** The `env` credential's client, secret and tenant. */
  credentials?: { clientId: string; clientSecret: string; tenantId: string };
}

/**
 * The sign-ins of `Azure.auth_methods` (MSTICPy's chain of credential types, tried in order; its default
 * {@link DEFAULT_AUTH_METHODS} when unset) that can try here — `env` when its client, tenant and secret are
 * known ({@link envCredential}), `cli` when `az` is on PATH, `devicecode` when a tenant is known — and why each
 * other cannot. Types huntlab does not have (msi, vscode, powershell, interactive…) are passed over with a note.
 */
function authChain(settings: LiveSettings, tenantId: string | undefined): { links: ChainLink[]; unavailable: string[]; written: boolean } {
  const azure = settings.rawConfig.Azure;
  const written = azure && typeof azure === "object" && !Array.isArray(azure) ? (azure as Record<string, unknown>).auth_methods : undefined;
  const env = settings.environment;
  const fromConfig = written !== undefined && written !== null;
  const entries = !fromConfig ? [...DEFAULT_AUTH_METHODS] : typeof written === "string" ? [written] : Array.isArray(written) ? written : undefined;
  if (!entries || !entries.every((e) => typeof e === "string")) throw new QueryError(msg.liveConfig(env, "Azure.auth_methods", "expected a list of credential types, e.g. [env, cli, devicecode]"));
  const known = new Set(["env", "cli", "devicecode", "device_code"]);
  const unsupported = (entries as string[]).filter((e) => !known.has(e.trim().toLowerCase()));
  if (unsupported.length) noteOnce(settings, `Azure.auth_methods: ${unsupported.join(", ")} ${unsupported.length > 1 ? "are" : "is"} not a sign-in huntlab has (it has env, cli and devicecode); passed over.`);
  const links: ChainLink[] = [];
  const unavailable: string[] = [];
  for (const entry of entries as string[]) {
    const name = entry.trim().toLowerCase();
    if (name === "env") {
      const found = envCredential(settings);
      if ("credentials" in found) links.push({ name: entry, method: "client_secret", credentials: found.credentials });
      else unavailable.push(`env: ${found.missing}`);
    } else if (name === "cli") {
      if (findOnPath("az")) links.push({ name: entry, method: "cli" });
      else unavailable.push("cli: az is not on PATH");
    } else if (name === "devicecode" || name === "device_code") {
      if (tenantId) links.push({ name: entry, method: "device_code" });
      else unavailable.push(`${entry}: ${NO_TENANT}`);
    } else unavailable.push(`${entry}: not a sign-in huntlab has`);
  }
  return { links, unavailable, written: fromConfig };
}

/** Where a tenant ID is read, for the error that there is none. */
const NO_TENANT = "no tenant ID (AzureSentinel.Workspaces.<name>.TenantId, DataProviders.<env>.Args.TenantId, or connect({ tenant_id }))";

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
 * The tokens for `resource`, signing in at `AuthorityUrl` (option or Args), else the authority of the
 * config's Azure cloud (`Azure.cloud`): by the method of option `auth_method` (client_secret | cli |
 * device_code), else client credentials when a ClientId and ClientSecret are known, else the chain of
 * `Azure.auth_methods` (see {@link authChain}; MSTICPy's default, env, cli, devicecode, when unset), each
 * sign-in tried until one gives a token ({@link AzureTokenChain}).
 */
export function azureTokenSource(settings: LiveSettings, options: Record<string, unknown>, resource: string, tenant: string | undefined): AzureTokens {
  const env = settings.environment;
  const clientId = text(settings.arg("ClientId", options)) ?? text(settings.arg("client_id", options));
  const clientSecret = text(settings.arg("ClientSecret", options)) ?? text(settings.arg("client_secret", options));
  noteUnreadAzureCli(settings);
  // Read even when AuthorityUrl is set: a misspelt cloud is an error, whatever else is configured.
  const cloud = azureCloud(settings, options);
  const authorityUrl = text(settings.arg("AuthorityUrl", options)) ?? cloud.authority;
  settings.checkUrl(authorityUrl, settings.argFrom("AuthorityUrl", options) ?? `DataProviders.${env}.Args.AuthorityUrl`);
  const deviceTimeout = Number(options.device_code_timeout_ms ?? options.deviceCodeTimeoutMs);
  const source = (method: AzureAuthMethod, id: string | undefined, secret: string | undefined, tenantId: string | undefined) =>
    new AzureTokenSource(
      {
        environment: env,
        authorityUrl,
        tenantId: tenantId ?? "organizations",
        ...(id ? { clientId: id } : {}),
        ...(secret ? { clientSecret: secret } : {}),
        resource,
        method,
        ...(Number.isFinite(deviceTimeout) ? { deviceCodeTimeoutMs: deviceTimeout } : {}),
        print: (t) => console.log(t),
      },
      settings,
    );
  const requested = text(options.auth_method ?? options.authMethod);
  let method: AzureAuthMethod | undefined;
  if (requested) {
    method = METHODS[requested.toLowerCase()];
    if (!method) throw new QueryError(msg.liveConfig(env, "auth_method", `"${requested}" is not a sign-in method (client_secret, cli, device_code)`));
  } else if (clientSecret && clientId) method = "client_secret";
  if (method) {
    if (method !== "cli" && !tenant) throw new QueryError(msg.liveConfig(env, "TenantId", NO_TENANT));
    if (method === "client_secret" && (!clientId || !clientSecret)) {
      throw new QueryError(msg.liveConfig(env, clientId ? "ClientSecret" : "ClientId", "client credentials need ClientId and ClientSecret (set the secret's EnvironmentVar, or pass it to connect())"));
    }
    return source(method, clientId, clientSecret, tenant);
  }
  const chain = authChain(settings, tenant);
  if (!chain.links.length) {
    // Unset, the default chain lacks only a tenant for its device code (no env credential, no az).
    if (!chain.written) throw new QueryError(msg.liveConfig(env, "TenantId", NO_TENANT));
    throw new QueryError(msg.liveConfig(env, "Azure.auth_methods", `no credential type listed can sign in here (${chain.unavailable.join("; ")}); set ClientId and ClientSecret, or choose one with connect({ auth_method })`));
  }
  const links = chain.links.map((l) => ({ name: l.name, source: l.credentials ? source(l.method, l.credentials.clientId, l.credentials.clientSecret, l.credentials.tenantId) : source(l.method, clientId, undefined, tenant) }));
  // One sign-in that can try: its own errors, as when it is chosen by name.
  if (links.length === 1) return links[0].source;
  return new AzureTokenChain(env, links, chain.unavailable, settings);
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

/** How many detail paths {@link oneApiMessages} reads: a service's answer, not to be walked without end. */
const MAX_ERROR_PATHS = 32;

/**
 * Every detail of a OneAPI error, one `{code, message}` per path to a last `innererror`/detail (each entry of every
 * `details` list, not only the first), built and masked as {@link oneApiMessage} builds its one: a PartialError whose
 * row-limit detail is not the first of its `details` was read as its first detail only.
 */
export function oneApiMessages(error: unknown, mask: (text: string) => string): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  const walk = (node: Record<string, unknown>, code: string, message: string, depth: number): void => {
    if (out.length >= MAX_ERROR_PATHS) return;
    const children = node.innererror !== undefined && node.innererror !== null ? [node.innererror] : Array.isArray(node.details) ? node.details : [];
    const objects = children.filter((c): c is Record<string, unknown> => c !== null && typeof c === "object");
    if (!objects.length || depth >= 8) {
      out.push({ code: mask(code), message: maskedCut(message, 1000, mask) });
      return;
    }
    for (const child of objects) walk(child, child.code ? `${code}/${String(child.code)}` : code, child.message ? String(child.message) : message, depth + 1);
  };
  const e = (error ?? {}) as Record<string, unknown>;
  walk(e, String(e.code ?? "Error"), String(e["@message"] ?? e.message ?? ""), 0);
  return out;
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
 * expired or revoked token (401) is renewed once, off the query's timer when
 * the request says how (`renewCredentials`). Log Analytics and Kusto
 * share this exchange and differ only in URL, headers and answer framing.
 */
export async function postWithAzureToken(
  settings: LiveSettings,
  tokens: AzureTokens,
  request: { url: string; body: unknown; signal: AbortSignal; headers?: Record<string, string>; noRetryStatus?: readonly number[]; renewCredentials?: LiveRequest["renewCredentials"] },
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
    // The new token is fetched off the query's clock (LiveRequest.renewCredentials): a slow token endpoint ate the
    // query's time. The loop's getToken then finds it cached.
    if (request.renewCredentials) await request.renewCredentials((signal) => tokens.getToken(signal));
  }
}
