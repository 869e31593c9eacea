/**
 * The HTTP side of online TI providers, on axios: per-provider concurrency
 * limit, a hard per-request deadline, retries with exponential backoff on 429,
 * 5xx and reset connections (honouring `Retry-After`), keep-alive sockets, and
 * failures turned into result rows with a readable message. Every string that
 * leaves here (Details, RawResult, Reference) is masked.
 */
import http from "node:http";
import https from "node:https";
import type { AxiosInstance, AxiosResponse, AxiosStatic } from "axios";
import { parseRetryAfter } from "../common/retryAfter";
import { axiosProxy, proxyAuthText, proxyFailureText, proxyFor, viaProxyNote, type ProxyRoute } from "../common/proxy";
import type { IocType } from "./iocType";
import { internalUrlReason, nonGlobalIpReason } from "./iocType";
import { MAX_TI_JSON_DEPTH, jsonDeeperThan } from "./tiJson";
import { Limiter, onAbort, sleep, type Interruptible } from "./limiter";
import {
  effectiveSettings,
  failure,
  HTTP_DEFAULTS,
  skippedResult,
  TI_STATUS,
  TIProvider,
  type EffectiveSettings,
  type LookupContext,
  type LookupRequest,
  type ProviderInit,
  type ProviderResult,
  type Severity,
} from "./tiProvider";

/** One request to a service. */
export interface HttpRequestSpec {
  /** Path after the base URL, already percent-encoded (use {@link encodePath}). */
  path: string;
  /** Query parameters. */
  params?: Record<string, string | number | boolean>;
  /** Extra headers (auth headers come from {@link HttpTIProvider.authHeaders}). */
  headers?: Record<string, string>;
  /** HTTP Basic credentials. */
  auth?: { username: string; password: string };
  /** `json` (default): the body must be JSON; `text`: any text. */
  expect?: "json" | "text";
  /** Recorded as the row's QuerySubtype. */
  querySubtype?: string;
}

/** What a provider makes of a successful response. */
export interface MappedResponse {
  result: boolean;
  severity: Severity;
  details: Record<string, unknown> | string;
}

/** The outcome of an HTTP exchange after retries; every string in it is masked. */
export type HttpOutcome =
  | { kind: "response"; status: number; statusText: string; headers: Record<string, string>; text: string; url: string; attempts: number; note?: string; location?: string; proxy?: Pick<ProxyRoute, "shown" | "variable"> }
  | { kind: "error"; code: string; message: string; url: string; attempts: number };

/** Responses above this size are refused (a TI answer is a few kB; the Tor list ~100 kB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** After this many connection-level failures (or 429s or 5xx after retries) in a row, the rest of a batch skips the provider. */
export const MAX_CONSECUTIVE_FAILURES = 3;

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_ERRORS = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED_BY_PEER"]);

/** Percent-encodes one path segment. */
export function encodePath(segment: string): string {
  return encodeURIComponent(segment);
}

export { parseRetryAfter };

/*
 * axios loads on the first request, not at `require("huntlab")`: it and its
 * dependencies take about a tenth of a second and most notebooks never go
 * online. Its CommonJS build exports the instance (also as `.default`).
 */
let axiosModule: AxiosStatic | undefined;
function loadAxios(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (axiosModule ??= require("axios") as AxiosStatic);
}

/** The first `max` characters of a body, for messages. */
function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Longest quote of a service's own message in a row's Details. */
const SERVICE_SAID_MAX = 200;

/** Fields services put their message in (`{"message"}`, `{"detail"}`, `{"error": "…"}`, `{"error": {"message"}}`, `{"errors": [{…}]}`), else VirusTotal's `{"error": {"code"}}`. */
const MESSAGE_KEYS = ["message", "detail", "error_description", "error", "errors", "verbose_msg", "msg", "code"] as const;

/**
 * The message a service's error body carries (or its text), masked, controls removed, cut to
 * {@link SERVICE_SAID_MAX}; undefined for a blank one. Masked before the cut: a key cut in two is no longer found.
 */
function serviceMessage(text: string, mask: (text: string) => string): string | undefined {
  let said: unknown = text;
  try {
    said = JSON.parse(text);
  } catch {
    // Not JSON: the text is the message (an HTML page, a plain line).
  }
  // Two levels down at most: {"error": {"message"}}, {"errors": [{"detail"}]}.
  for (let depth = 0; depth < 3 && typeof said === "object" && said !== null; depth++) {
    const o: unknown = Array.isArray(said) ? said[0] : said;
    if (typeof o !== "object" || o === null) break;
    const key = MESSAGE_KEYS.find((k) => (o as Record<string, unknown>)[k] !== undefined && (o as Record<string, unknown>)[k] !== null);
    said = key === undefined ? JSON.stringify(o) : (o as Record<string, unknown>)[key];
  }
  // Masked again: a key JSON-escaped in the body (`\/`, `\u…`) is written out by the parse. Then C0/C1 controls
  // (ESC sequences, BEL) and bidi/zero-width marks go, which would reorder or hide the text shown.
  const clean = mask(typeof said === "string" ? said : (JSON.stringify(said) ?? "")).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, " ");
  const quoted = excerpt(clean, SERVICE_SAID_MAX);
  return quoted === "" || quoted === "{}" || quoted === "[]" ? undefined : quoted;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** A provider that answers over HTTP. */
export abstract class HttpTIProvider extends TIProvider {
  // Private fields: sockets and requests in flight carry the key headers, so
  // no dump or spread copy of a provider may reach them.
  readonly #limiter: Limiter;
  #client: AxiosInstance | undefined;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #settingsAfterDefaults: EffectiveSettings;

  constructor(init: ProviderInit, defaults: Partial<EffectiveSettings> = {}) {
    super(init);
    this.#settingsAfterDefaults = effectiveSettings(init.settings, { ...HTTP_DEFAULTS, ...defaults });
    const eff = this.#settingsAfterDefaults;
    this.#limiter = new Limiter(eff.concurrency);
    // Keep-alive sockets, no more than the concurrency limit per host.
    this.#agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: eff.concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: eff.concurrency }),
    };
  }

  /** The axios client, made on the first request (axios loads then: see {@link loadAxios}). */
  #http(): AxiosInstance {
    return (this.#client ??= loadAxios().create({
      httpAgent: this.#agents.http,
      httpsAgent: this.#agents.https,
      maxContentLength: MAX_BODY_BYTES,
      maxBodyLength: MAX_BODY_BYTES,
      // Redirects are not followed: a redirect to another host would carry the
      // key headers (key, x-apikey…) with it. (It also skips follow-redirects' overhead.)
      maxRedirects: 0,
      // Every status is ours to interpret; bodies stay text so that invalid JSON is seen as such.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      headers: { "User-Agent": "huntlab-ti/0.1", Accept: "application/json" },
      // Never axios' own reading of the proxy variables: each request passes the route of common/proxy.ts.
      proxy: false,
    }));
  }

  get effective(): EffectiveSettings {
    return this.#settingsAfterDefaults;
  }

  /** Requests in flight now (for tests and progress). */
  get inFlight(): number {
    return this.#limiter.active;
  }

  /** The request for one observable. */
  protected abstract buildRequest(request: LookupRequest): HttpRequestSpec;

  /** Maps a 2xx body (parsed JSON, or text for `expect: "text"`). */
  protected abstract mapResponse(body: unknown, request: LookupRequest): MappedResponse;

  /** Maps a 404 (the service does not know the observable). */
  protected mapNotFound(body: unknown, request: LookupRequest): MappedResponse {
    void body;
    void request;
    return { result: false, severity: "information", details: "Not found." };
  }

  /** Whether a response means "not found" (404 unless the service says otherwise). */
  protected isNotFound(status: number, body: unknown): boolean {
    void body;
    return status === 404;
  }

  /** Headers carrying the credentials. */
  protected authHeaders(): Record<string, string> {
    return {};
  }

  /** A string Args value, or "" when unset. */
  protected arg(name: string): string {
    const value = this.settings.args[name];
    return value === null || value === undefined ? "" : String(value);
  }

  /** Internet services are not asked about internal addresses, nor about URLs on intranet hosts. */
  override refuse(request: LookupRequest): string | undefined {
    if (request.type === "url") {
      const why = internalUrlReason(request.safeIoc);
      return why ? `${request.safeIoc}: ${why}; not sent to ${this.info.className}.` : undefined;
    }
    if (request.type !== "ipv4" && request.type !== "ipv6") return undefined;
    const why = nonGlobalIpReason(request.safeIoc);
    return why ? `${request.safeIoc} is ${why}: not sent to ${this.info.className}.` : undefined;
  }

  /** The full URL of a request, masked (it becomes the row's Reference; a BaseUrl may carry a key). */
  protected urlOf(spec: HttpRequestSpec): string {
    return this.masker.mask(this.#requestUrl(spec));
  }

  /** The full URL of a request as sent: only the HTTP client sees it. */
  #requestUrl(spec: HttpRequestSpec): string {
    const base = (this.settings.baseUrl ?? this.info.defaultBaseUrl).replace(/(?<!\/)\/+$/, "");
    const query = spec.params ? new URLSearchParams(Object.entries(spec.params).map(([k, v]) => [k, String(v)])).toString() : "";
    return `${base}${spec.path}${query ? `?${query}` : ""}`;
  }

  async lookup(request: LookupRequest, context: LookupContext): Promise<ProviderResult> {
    if (context.abandoned) return { ...context.abandoned };
    let spec: HttpRequestSpec;
    try {
      spec = this.buildRequest(request);
    } catch (err) {
      return failure(TI_STATUS.badFormat, this.masker.errorText(err));
    }
    const reference = this.urlOf(spec);
    const outcome = await this.send(spec, context);
    // The batch gave up on this provider while this request waited for a slot.
    if (outcome === undefined) return { ...context.abandoned! };
    const querySubtype = spec.querySubtype ? { querySubtype: spec.querySubtype } : {};
    if (outcome.kind === "error") return failure(TI_STATUS.queryFailed, this.masker.mask(outcome.message), { reference, ...querySubtype });
    // Masked at the source (see sendOnce).
    const text = outcome.text;
    let body: unknown = text;
    const wantsJson = (spec.expect ?? "json") === "json";
    if (wantsJson && text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      // An answer nested thousands of levels deep overflowed the stack in the cache's and the table's JSON writing
      // (the whole batch lost); no service answers so: it is no valid answer.
      if (body !== undefined && jsonDeeperThan(text, MAX_TI_JSON_DEPTH)) {
        return failure(TI_STATUS.queryFailed, `${this.name} returned JSON nested more than ${MAX_TI_JSON_DEPTH} levels deep: not read`, { reference, rawResult: excerpt(text, 2000), ...querySubtype });
      }
    }
    const { status } = outcome;
    if (status >= 200 && status < 300) {
      if (wantsJson && (body === undefined || text.trim() === "")) {
        return failure(TI_STATUS.queryFailed, `${this.name} returned a response that is not valid JSON: ${excerpt(text, 120) || "(empty body)"}`, {
          reference,
          rawResult: excerpt(text, 2000),
          ...querySubtype,
        });
      }
      try {
        const mapped = this.mapResponse(body, request);
        return { ...mapped, details: this.masker.maskValue(mapped.details), rawResult: body, reference, status: TI_STATUS.ok, ...querySubtype };
      } catch (err) {
        return failure(TI_STATUS.queryFailed, `${this.name} returned an unexpected response: ${this.masker.errorText(err)}`, { reference, rawResult: body ?? text, ...querySubtype });
      }
    }
    const raw = body ?? excerpt(text, 2000);
    // A 404 page that is not JSON comes from a proxy or a wrong BaseUrl, not from the service: it says nothing
    // about the observable, so it must not become a "Not found" row (nor a cached one).
    if (wantsJson && body === undefined && text.trim() !== "" && this.isNotFound(status, body)) {
      return failure(TI_STATUS.queryFailed, `${this.name} answered HTTP ${status} with a body that is not JSON (a proxy page, or a wrong BaseUrl?): ${excerpt(text, 120)}`, {
        reference,
        rawResult: { status, statusText: outcome.statusText, body: raw },
        ...querySubtype,
      });
    }
    if (this.isNotFound(status, body)) {
      const mapped = this.mapNotFound(body, request);
      return { ...mapped, details: this.masker.maskValue(mapped.details), rawResult: raw, reference, status, ...querySubtype };
    }
    const message = this.httpFailureMessage(status, outcome.statusText, text, outcome);
    return failure(status, message, { reference, rawResult: { status, statusText: outcome.statusText, body: raw }, ...querySubtype });
  }

  /**
   * Circuit breaking, decided while the request still holds its slot (so that
   * queued requests see it): after a 401/403, a 429 or 5xx with a too-long
   * Retry-After, or {@link MAX_CONSECUTIVE_FAILURES} connection failures,
   * 429s or 5xx after retries in a row, the rest of the batch is skipped with the reason.
   */
  private noteOutcome(outcome: HttpOutcome, context: LookupContext): void {
    if (outcome.kind === "error") {
      context.consecutiveFailures += 1;
      if (context.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
        const message = this.masker.mask(outcome.message);
        context.abandoned = skippedResult(this.name, `${MAX_CONSECUTIVE_FAILURES} lookups in a row failed (last: ${message})`, this.baseUrl);
      }
      return;
    }
    const { status } = outcome;
    // A 429 or 5xx here has used every retry. Several in a row mean the quota is spent for now (VirusTotal's public
    // key: 4 a minute, no Retry-After), or the service is down (a 502/503 from its gateway): asking about the rest of
    // a long batch would only burn the quota further, or wait out retries for every indicator (a service down midway
    // through 50,000 indicators took hours to fail them one by one).
    const serverError = status >= 500 && status < 600;
    if ((status === 429 || serverError) && !outcome.note) {
      context.consecutiveFailures += 1;
      if (context.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
        const message = this.httpFailureMessage(status, outcome.statusText, this.masker.mask(outcome.text), outcome);
        context.abandoned = skippedResult(
          this.name,
          status === 429
            ? `${MAX_CONSECUTIVE_FAILURES} lookups in a row were rate limited (last: ${message}) Try later, or lower Concurrency.`
            : `${MAX_CONSECUTIVE_FAILURES} lookups in a row failed with a server error (last: ${message}) Try later.`,
          this.baseUrl,
        );
      }
      return;
    }
    context.consecutiveFailures = 0;
    // A Retry-After longer than MaxRetryAfterSeconds (a spent daily quota, maintenance) holds for the rest of the batch too.
    if (status === 401 || status === 403 || ((status === 429 || serverError) && outcome.note)) {
      const message = this.httpFailureMessage(status, outcome.statusText, this.masker.mask(outcome.text), outcome);
      context.abandoned = skippedResult(this.name, message, this.baseUrl);
    }
  }

  private httpFailureMessage(status: number, statusText: string, text: string, outcome: { attempts: number; note?: string; location?: string; proxy?: Pick<ProxyRoute, "shown" | "variable"> }): string {
    if (outcome.proxy) {
      if (status === 407) return `${upperFirst(proxyAuthText(outcome.proxy))}.`;
      return `${this.serviceFailureMessage(status, statusText, text, outcome)}${viaProxyNote(outcome.proxy)}`;
    }
    return this.serviceFailureMessage(status, statusText, text, outcome);
  }

  private serviceFailureMessage(status: number, statusText: string, text: string, outcome: { attempts: number; note?: string; location?: string }): string {
    const retried = outcome.attempts > 1 ? ` after ${outcome.attempts - 1} ${outcome.attempts === 2 ? "retry" : "retries"}` : "";
    switch (status) {
      case 401:
        return `Authorization failed (HTTP 401). Check ${this.name}'s AuthKey${this.info.requiredArgs.includes("ApiID") ? " and ApiID" : ""} in msticpyconfig.yaml.`;
      case 403: {
        // The service's own reason (quota used up, plan, endpoint) was only in RawResult. "The answer", not the
        // provider's name: through a proxy, the 403 may be the proxy's.
        const said = serviceMessage(text, (t) => this.masker.mask(t));
        return `Request forbidden (HTTP 403). The key may not have access to this endpoint, or its quota is used up.${said ? ` The answer said: "${said}"` : ""}`;
      }
      case 429: {
        // The service's reason (a daily cap: GreyNoise's 100 lookups a day, AbuseIPDB's 1,000) says whether waiting a
        // minute or lowering Concurrency helps; it was only in RawResult.
        const said = serviceMessage(text, (t) => this.masker.mask(t));
        return `Rate limited (HTTP 429)${retried}${outcome.note ? `; ${outcome.note}` : ""}.${said ? ` The answer said: "${said}"` : ""}`;
      }
      case 301:
      case 302:
      case 303:
      case 307:
      case 308: {
        const location = outcome.location ? ` to ${this.masker.mask(outcome.location)}` : "";
        return `HTTP ${status} redirect${location} not followed (keys are never sent to another address); check ${this.name}'s BaseUrl.`;
      }
      default: {
        const body = excerpt(this.masker.mask(text), 160);
        // A 5xx not retried because of a long Retry-After says so, as a 429 does.
        return `HTTP ${status}${statusText ? ` ${statusText}` : ""}${retried}${body ? `: ${body}` : ""}${outcome.note ? `; ${outcome.note}` : ""}`;
      }
    }
  }

  /**
   * Sends `spec` with the concurrency limit, the deadline and the retry policy.
   * Never throws. Undefined when `context` was abandoned before a slot came free.
   */
  protected send(spec: HttpRequestSpec): Promise<HttpOutcome>;
  protected send(spec: HttpRequestSpec, context: LookupContext): Promise<HttpOutcome | undefined>;
  protected send(spec: HttpRequestSpec, context?: LookupContext): Promise<HttpOutcome | undefined> {
    const signal = signalOf(context);
    return this.#limiter.run(async () => {
      if (context?.abandoned) return undefined;
      const outcome = await this.sendWithRetries(spec, signal);
      if (context) this.noteOutcome(outcome, context);
      return outcome;
    }, signal);
  }

  /** Rejects with the signal's reason once it aborts: waiting for a slot, a request, a backoff. */
  private async sendWithRetries(spec: HttpRequestSpec, signal: AbortSignal | undefined): Promise<HttpOutcome> {
    const eff = this.effective;
    const url = this.#requestUrl(spec);
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const outcome = await this.sendOnce(spec, url, attempt, signal);
      const retriable =
        (outcome.kind === "response" && RETRY_STATUS.has(outcome.status)) || (outcome.kind === "error" && RETRY_ERRORS.has(outcome.code));
      if (!retriable || attempt > eff.retries) return outcome;
      let delay = eff.retryBackoffMs * 2 ** (attempt - 1);
      if (outcome.kind === "response") {
        const retryAfter = parseRetryAfter(outcome.headers["retry-after"]);
        if (retryAfter !== undefined) {
          if (retryAfter > eff.maxRetryAfterMs) {
            return { ...outcome, note: `the service asks to wait ${seconds(retryAfter)} (Retry-After), longer than MaxRetryAfterSeconds (${seconds(eff.maxRetryAfterMs)})` };
          }
          delay = retryAfter;
        }
      }
      // Jitter spreads retries of concurrent requests.
      await sleep(delay * (1 + Math.random() * 0.1), signal);
    }
  }

  private async sendOnce(spec: HttpRequestSpec, url: string, attempt: number, signal: AbortSignal | undefined): Promise<HttpOutcome> {
    signal?.throwIfAborted();
    const timeoutMs = this.effective.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopListening: (() => void) | undefined;
    let route: ProxyRoute | undefined;
    try {
      // HTTPS_PROXY/HTTP_PROXY and NO_PROXY, as MSTICPy's httpx honours them (read per request: set in a notebook, they apply at once).
      route = proxyFor(url);
      // The client before the timer: the first request loads axios (synchronously, over a second on a busy
      // machine), and TimeoutSeconds is how long the service may take, not the library; with the timer started
      // first, it fired as soon as the load ended and a session's first lookup could be a timeout row.
      const client = this.#http();
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      // An interrupt cancels the request in flight (axios closes the socket).
      stopListening = signal ? onAbort(signal, () => controller.abort()) : undefined;
      const response: AxiosResponse<string> = await client.get(url, {
        headers: { ...this.authHeaders(), ...spec.headers },
        ...(spec.auth ? { auth: spec.auth } : {}),
        signal: controller.signal,
        proxy: axiosProxy(route),
      });
      // Everything that leaves here is masked: a service may echo the key back
      // (in the body, a header, a redirect), and providers keep or store what they get.
      const mask = (text: string) => this.masker.mask(text);
      const headers = new Map<string, string>();
      for (const [k, v] of Object.entries(response.headers ?? {})) if (v !== undefined && v !== null) headers.set(k.toLowerCase(), mask(String(v)));
      const text = mask(typeof response.data === "string" ? response.data : JSON.stringify(response.data ?? ""));
      const location = headers.get("location");
      return {
        kind: "response",
        status: response.status,
        statusText: mask(response.statusText ?? ""),
        headers: Object.fromEntries(headers),
        text,
        url: mask(url),
        attempts: attempt,
        ...(location ? { location } : {}),
        // A proxy that refuses the tunnel (403, 407, 502) answers in the service's place: its failures name it.
        // What messages name of the proxy, never its URL (credentials and all).
        ...(route ? { proxy: { shown: route.shown, variable: route.variable } } : {}),
      };
    } catch (err) {
      signal?.throwIfAborted();
      const host = this.masker.mask(hostOf(url));
      const via = route ? ` (through the proxy ${route.shown}, ${route.variable})` : "";
      if (timedOut) return { kind: "error", code: "ETIMEDOUT", message: this.masker.mask(`Timed out after ${seconds(timeoutMs)} waiting for ${host}${via}.`), url: this.masker.mask(url), attempts: attempt };
      const code = (err as { code?: string }).code ?? "";
      // Through a proxy, a connection error is the proxy's: the row names it, not the service.
      const message = route ? proxyFailureText(route, host, code, (err as Error).message ?? String(err)) : networkMessage(code, host, err);
      return { kind: "error", code, message: this.masker.mask(message), url: this.masker.mask(url), attempts: attempt };
    } finally {
      clearTimeout(timer);
      stopListening?.();
    }
  }

  override close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}

/** The batch's abort signal, carried on the lookup context (see `Interruptible`). */
function signalOf(context: LookupContext | undefined): AbortSignal | undefined {
  return (context as (LookupContext & Interruptible) | undefined)?.signal;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the service";
  }
}

function networkMessage(code: string, host: string, err: unknown): string {
  switch (code) {
    case "ECONNREFUSED":
      return `Connection refused by ${host}.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot resolve ${host} (offline, or a wrong BaseUrl?).`;
    case "ECONNRESET":
      return `Connection to ${host} was reset.`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} is unreachable (${code}).`;
    case "ERR_FR_MAX_BODY_LENGTH_EXCEEDED":
    case "ERR_BAD_RESPONSE":
      return `Unusable response from ${host}: ${(err as Error).message}`;
    default:
      return `Request to ${host} failed: ${(err as Error).message ?? String(err)}${code ? ` (${code})` : ""}`;
  }
}

/** Supported-type list helper for provider classes. */
export function types(...list: IocType[]): readonly IocType[] {
  return Object.freeze(list);
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
