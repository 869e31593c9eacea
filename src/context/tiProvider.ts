/**
 * What every threat-intelligence provider shares: the result of one lookup, the
 * severity scale, status codes, and the provider base class.
 */
import { inspect } from "node:util";
import type { ProviderSettings } from "../config/config";
import { NO_SECRETS, type SecretMasker } from "../config/secrets";
import type { IocType } from "./iocType";

/** Severity of a result, lowest first (MSTICPy's scale: unknown −1 < information < warning < high). */
export const SEVERITIES = ["unknown", "information", "warning", "high"] as const;
/** One of `SEVERITIES`: a result's `Severity` column. */
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity for comparisons (`unknown` −1 … `high` 2). */
export function severityRank(severity: string): number {
  return SEVERITIES.indexOf(severity as Severity) - 1;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * `Status` values that are not HTTP codes (MSTICPy's TILookupStatus). A failed
 * HTTP request keeps its HTTP status (401, 404, 429, 500…); success is 0.
 */
export const TI_STATUS = {
  /** Looked up; `Result` says whether the provider knew the observable. */
  ok: 0,
  /** The provider does not handle this IoC type (or this kind of address). */
  notSupported: 1,
  /** The value is not a valid observable of its type. */
  badFormat: 2,
  /**
   * No usable answer: timeout, connection refused, unparsable body…; or not asked, the provider switched off for the
   * rest of a batch by its circuit breaker (Details begin {@link SKIPPED_PREFIX}).
   */
  queryFailed: 3,
} as const;

/** What a provider says about one observable. */
export interface ProviderResult {
  /** True when the provider returned usable information on the observable. */
  result: boolean;
  severity: Severity;
  /** Provider-specific summary (an object), or a message. */
  details: Record<string, unknown> | string;
  /** The response body (parsed JSON where it was JSON), or a description of the failure. */
  rawResult: unknown;
  /** The request URL, or the feed entry's reference. */
  reference: string;
  /** {@link TI_STATUS}, or the HTTP status of a failed request. */
  status: number;
  /** A sub-query name, when the provider has several (e.g. GreyNoise `community`). */
  querySubtype?: string;
}

/** The observable a provider is asked about. */
export interface LookupRequest {
  /** The value as given. */
  ioc: string;
  type: IocType;
  /** The normalised value to send (see `classifyIoc`). */
  safeIoc: string;
}

/** Per-batch state shared by the lookups of one `lookupIocs` call (circuit breaking). */
export interface LookupContext {
  /** When set, remaining lookups of this provider are skipped with this result. */
  abandoned?: ProviderResult;
  /** Consecutive connection-level failures so far. */
  consecutiveFailures: number;
}

/** A new, empty batch context. */
export function newLookupContext(): LookupContext {
  return { consecutiveFailures: 0 };
}

/** A result row for a failure or a refusal, with a readable message as Details. */
export function failure(status: number, message: string, extra: Partial<ProviderResult> = {}): ProviderResult {
  return { result: false, severity: "unknown", details: message, rawResult: message, reference: "", status, ...extra };
}

/** How the Details of a row the batch's circuit breaker made without asking begin. */
export const SKIPPED_PREFIX = "Skipped, not looked up:";

/**
 * The row of each lookup left in a batch after `provider` was switched off (a 401, a spent quota, failures in a row):
 * not asked, so worded, graded and coded alike whatever the cause — Severity unknown, Status queryFailed (it was the
 * HTTP status of the lookup that tripped the breaker, which this one never received), Details naming the provider and why.
 */
export function skippedResult(provider: string, why: string, reference = ""): ProviderResult {
  return failure(TI_STATUS.queryFailed, `${SKIPPED_PREFIX} ${provider} is switched off for the rest of this batch: ${why}`, { reference });
}

/** A row {@link skippedResult} made. */
export function isSkipped(r: { details?: unknown }): boolean {
  return typeof r.details === "string" && r.details.startsWith(SKIPPED_PREFIX);
}

/** Static facts about a provider class. */
export interface ProviderInfo {
  /** Class name used in config (`Provider:`), e.g. `GreyNoise`. */
  className: string;
  description: string;
  /** IoC types the service answers for. */
  supportedTypes: readonly IocType[];
  /** Args keys that must be set for the provider to load. */
  requiredArgs: readonly string[];
  /** Args keys it reads (others are reported as ignored). */
  knownArgs: readonly string[];
  /** Provider-specific keys beside Args (e.g. GreyNoise's `Edition`). */
  settingKeys?: readonly string[];
  /** The service's documented endpoint; `BaseUrl` in config replaces it. Empty for offline providers. */
  defaultBaseUrl: string;
  /** True for providers that call a network service. */
  online: boolean;
}

/** Provider settings after defaults: what the lookup machinery uses. */
export interface EffectiveSettings {
  timeoutMs: number;
  concurrency: number;
  retries: number;
  retryBackoffMs: number;
  maxRetryAfterMs: number;
  cacheEnabled: boolean;
  cacheTtlMs: number;
  /** Most results the in-memory cache keeps (a kernel open all day looks up ever new indicators). */
  cacheMaxEntries: number;
  cachePath?: string;
}

/** Defaults for online providers; each provider may override some. */
export const HTTP_DEFAULTS: EffectiveSettings = {
  timeoutMs: 10_000,
  concurrency: 4,
  retries: 2,
  retryBackoffMs: 1_000,
  maxRetryAfterMs: 30_000,
  cacheEnabled: true,
  cacheTtlMs: 24 * 3600_000,
  cacheMaxEntries: 50_000,
};

/** Applies config over defaults. */
export function effectiveSettings(settings: ProviderSettings | undefined, defaults: EffectiveSettings = HTTP_DEFAULTS): EffectiveSettings {
  const http = settings?.http ?? {};
  const cache = settings?.cache ?? {};
  return {
    timeoutMs: http.timeoutMs ?? defaults.timeoutMs,
    concurrency: http.concurrency ?? defaults.concurrency,
    retries: http.retries ?? defaults.retries,
    retryBackoffMs: http.retryBackoffMs ?? defaults.retryBackoffMs,
    maxRetryAfterMs: http.maxRetryAfterMs ?? defaults.maxRetryAfterMs,
    cacheEnabled: cache.enabled ?? defaults.cacheEnabled,
    cacheTtlMs: cache.ttlMs ?? defaults.cacheTtlMs,
    cacheMaxEntries: cache.maxEntries ?? defaults.cacheMaxEntries,
    ...(cache.path ? { cachePath: cache.path } : defaults.cachePath ? { cachePath: defaults.cachePath } : {}),
  };
}

/** Construction arguments every provider receives. */
export interface ProviderInit {
  /** Instance name (the config key), e.g. `GreyNoise`. */
  name: string;
  settings: ProviderSettings;
  /** Hides this provider's secrets (and every other configured secret) in anything it reports. */
  masker: SecretMasker;
  /** Folder of the config file: relative paths in Args start there. */
  configDir?: string;
  /** The config file, for errors naming one of its settings (default: `msticpyconfig.yaml` in configDir). */
  configFile?: string;
}

/**
 * A threat-intelligence provider. Subclasses answer {@link lookup} for one
 * observable; caching, deduplication, concurrency and progress are TILookup's.
 */
export abstract class TIProvider {
  /** Instance name (config key). */
  readonly name: string;
  readonly primary: boolean;
  // Private fields: settings hold the plain keys, so no dump, spread copy or
  // serialisation of a provider may reach them.
  readonly #settings: ProviderSettings;
  readonly #masker: SecretMasker;

  constructor(init: ProviderInit) {
    this.name = init.name;
    this.primary = init.settings.primary;
    this.#settings = init.settings;
    this.#masker = init.masker ?? NO_SECRETS;
  }

  /** The provider's settings, secrets resolved: never print or return them. */
  protected get settings(): ProviderSettings {
    return this.#settings;
  }

  /** Hides every configured secret. */
  protected get masker(): SecretMasker {
    return this.#masker;
  }

  /** Static facts about the provider class. */
  abstract get info(): ProviderInfo;

  /** The endpoint in use (config `BaseUrl` or the documented one), masked. Empty for offline providers. */
  get baseUrl(): string {
    return this.masker.mask(this.settings.baseUrl ?? this.info.defaultBaseUrl);
  }

  /** Timeouts, concurrency, retries and cache after defaults. */
  abstract get effective(): EffectiveSettings;

  /** True when the provider handles `type` at all. */
  supports(type: IocType): boolean {
    return this.info.supportedTypes.includes(type);
  }

  /**
   * A reason not to look `request` up although its type is supported (e.g. a
   * private IP for an internet service), or undefined.
   */
  refuse(request: LookupRequest): string | undefined {
    void request;
    return undefined;
  }

  /** Looks one observable up. Never throws: failures are results with a status. */
  abstract lookup(request: LookupRequest, context: LookupContext): Promise<ProviderResult>;

  /** A key identifying this provider's answers in caches (class, endpoint). */
  get cacheNamespace(): string {
    return `${this.info.className}|${this.settings.baseUrl ?? this.info.defaultBaseUrl}`;
  }

  /** Releases sockets and timers. */
  close(): void {}

  /** What JSON shows of a provider: name, class, primary, endpoint (masked). */
  toJSON(): { name: string; provider: string; primary: boolean; baseUrl: string } {
    return { name: this.name, provider: this.info.className, primary: this.primary, baseUrl: this.baseUrl };
  }

  [inspect.custom](): string {
    return `${this.info.className} provider "${this.name}"${this.primary ? " (primary)" : ""}${this.baseUrl ? ` → ${this.baseUrl}` : ""}`;
  }
}
