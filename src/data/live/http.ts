/**
 * The shared HTTP client of the live drivers (axios): per-request deadline via
 * the caller's AbortSignal, retries of 429/5xx and reset connections honouring
 * `Retry-After`, TLS verification (on by default), the loopback-only-http rule,
 * and every error text masked.
 */
import https from "node:https";
import type { AxiosInstance, AxiosResponse, AxiosStatic } from "axios";
import { parseJsonExact, stringifyExact } from "../../common/json";
import { parseRetryAfter } from "../../common/retryAfter";
import { onAbort } from "../../common/interrupt";
import { axiosProxy, proxyAuthText, proxyFailureText, proxyFor, viaProxyNote, type ProxyRoute } from "../../common/proxy";
import { QueryError, dataMessages as msg } from "../messages";
import { checkLiveUrl } from "./urls";
import { withoutUserInfo } from "../../config/config";
import type { LiveHttp, LiveHttpRequest, LiveHttpResponse } from "./types";

/** Retry behaviour of {@link createLiveHttp}. */
export interface LiveHttpOptions {
  /** Retries after a 429, a 5xx or a reset connection. Default 3. */
  retries?: number;
  /** First backoff, ms, doubled each retry, when the server sends no Retry-After. Default 1000. */
  retryBackoffMs?: number;
  /** Longest Retry-After honoured, ms; a longer one ends the retries. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Verify TLS certificates. Default true. */
  verifyTls?: boolean;
  /** Masks secrets in every error text. */
  mask: (text: string) => string;
  /** Largest response body accepted, bytes. Default 256 MiB (Log Analytics answers up to 64 MB of JSON). */
  maxBodyBytes?: number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_ERRORS = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED_TRANSIENT", "ETIMEDOUT"]);
/** Not followed (`maxRedirects: 0`): the credentials would go with them to another address. */
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Characters of a body read for an excerpt: far beyond any message, room for the longest token (an Azure AD JWT is ~2 kB). */
const EXCERPT_HEAD = 1_000_000;

/**
 * The first `max` characters of a service's text (ending in `…` when cut), secrets masked before the cut: a
 * secret cut in two is no longer recognised, and its first part would be shown.
 */
export function maskedCut(text: string, max: number, mask: ((text: string) => string) | undefined): string {
  const head = text.length > EXCERPT_HEAD ? text.slice(0, EXCERPT_HEAD) : text;
  const shown = mask ? mask(head) : head;
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/**
 * The first `max` characters of a body, whitespace runs as one space, for messages; with `mask`, masked before
 * the runs are joined (a passphrase with two spaces no longer matched itself) and before the cut ({@link maskedCut}).
 */
export function excerpt(value: unknown, max = 300, mask?: (text: string) => string): string {
  const text = (typeof value === "string" ? value : stringifyExact(value) ?? "").slice(0, EXCERPT_HEAD);
  return maskedCut((mask ? mask(text) : text).replace(/\s+/g, " ").trim(), max, undefined);
}

function lowerHeaders(headers: AxiosResponse["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  return out;
}

/** The request as messages show it: method and URL without query string or user info. */
function describe(request: LiveHttpRequest): string {
  try {
    const u = new URL(request.url);
    return `${request.method} ${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return request.method;
  }
}

/*
 * axios loads on the first request, not at `require("huntlab")` (about a tenth
 * of a second, and most notebooks never connect). Its CommonJS build exports
 * the instance itself.
 */
let axiosModule: AxiosStatic | undefined;
function loadAxios(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (axiosModule ??= require("axios") as AxiosStatic);
}

/** Creates the shared client of one provider. */
export function createLiveHttp(options: LiveHttpOptions): LiveHttp {
  const retries = options.retries ?? 3;
  const backoff = options.retryBackoffMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const verify = options.verifyTls ?? true;
  const mask = options.mask;
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const agent = new https.Agent({ rejectUnauthorized: verify, keepAlive: true });
  // Made on the first request: axios loads then, not at `require("huntlab")`.
  let client: AxiosInstance | undefined;
  const http = (): AxiosInstance => (client ??= loadAxios().create({
    httpsAgent: agent,
    // Never axios' own reading of the proxy variables: each request passes the route of common/proxy.ts.
    proxy: false,
    maxRedirects: 0,
    maxContentLength: maxBody,
    // Statuses are judged below, not by axios.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  }));

  return {
    async request(request: LiveHttpRequest): Promise<LiveHttpResponse> {
      checkLiveUrl(request.url, describe(request), mask);
      const what = mask(describe(request));
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      let data: unknown = request.body;
      if (request.body instanceof URLSearchParams) {
        headers["Content-Type"] ??= "application/x-www-form-urlencoded";
        data = request.body.toString();
      } else if (request.body !== undefined && typeof request.body !== "string") {
        headers["Content-Type"] ??= "application/json";
        // Exact digits: ES search_after echoes 64-bit sort values.
        data = stringifyExact(request.body);
      }
      for (let attempt = 0; ; attempt += 1) {
        let response: AxiosResponse;
        let route: ProxyRoute | undefined;
        try {
          // HTTPS_PROXY/HTTP_PROXY and NO_PROXY, as MSTICPy's httpx honours them; https goes through a CONNECT tunnel.
          route = proxyFor(request.url);
          response = await http().request({
            proxy: axiosProxy(route),
            method: request.method,
            url: request.url,
            headers,
            data,
            signal: request.signal,
            responseType: "text",
            // Parse JSON ourselves: a bad body becomes a clear error, not axios' silent string.
            transformResponse: [(body: unknown) => body],
          });
        } catch (err) {
          if (request.signal.aborted) throw request.signal.reason;
          const code = (err as { code?: string }).code ?? "";
          // A kept-alive connection the server (or a proxy) closed as idle just as the request went out on it, no answer
          // begun: sent again at once on a new connection, whatever `retries` says (Node's documented remedy, on
          // `request.reusedSocket`). A busy kernel widens the window: its event loop, blocked seconds in a cell, reads
          // the close only after writing the next request. Bounded: each such retry takes a stale connection out of
          // the pool, and a fresh connection's reset is not retried here.
          if ((code === "ECONNRESET" || code === "EPIPE") && (err as { request?: { reusedSocket?: boolean } }).request?.reusedSocket === true) {
            attempt -= 1;
            continue;
          }
          // A connection reset after the status line (mid-body) is axios' ERR_BAD_RESPONSE "stream has been aborted":
          // as transient as a reset before it, and every query request is safe to send again.
          const midBody = code === "ERR_BAD_RESPONSE" && err instanceof Error && err.message === "stream has been aborted";
          if ((RETRY_ERRORS.has(code) || midBody) && attempt < retries) {
            await sleep(backoff * 2 ** attempt, request.signal);
            continue;
          }
          const reason = err instanceof Error ? err.message : String(err);
          // axios' own words ("maxContentLength size of 268435456 exceeded") said neither the limit's unit nor what to do.
          if (code === "ERR_BAD_RESPONSE" && /^maxContentLength size of \d+ exceeded$/.test(reason)) throw new QueryError(msg.liveAnswerTooLarge(what, maxBody));
          // Through a proxy, a connection error is the proxy's: the message names it, not the service.
          if (route) throw new QueryError(msg.liveHttp(what, mask(proxyFailureText(route, new URL(request.url).host, code, reason))));
          throw new QueryError(msg.liveHttp(what, mask(`${code ? `${code}: ` : ""}${reason}`)));
        }
        const status = response.status;
        const headersOut = lowerHeaders(response.headers);
        const text = typeof response.data === "string" ? response.data : String(response.data ?? "");
        const retryable = RETRY_STATUS.has(status) && !request.noRetryStatus?.includes(status);
        const after = retryable ? parseRetryAfter(headersOut["retry-after"]) : undefined;
        if (retryable && attempt < retries && (after === undefined || after <= maxRetryAfter)) {
          await sleep(after ?? backoff * 2 ** attempt, request.signal);
          continue;
        }
        // Only a proxy answers 407: the one refusing the tunnel, not the service refusing the credentials.
        if (route && status === 407) {
          throw new QueryError(msg.liveHttp(what, proxyAuthText(route)));
        }
        const accepted = (status >= 200 && status < 300) || (request.acceptStatus ?? []).includes(status);
        if (!accepted) {
          if (REDIRECT_STATUS.has(status)) throw new QueryError(msg.liveRedirect(what, status, mask(withoutUserInfo(headersOut.location ?? ""))));
          const retried = attempt ? ` after ${attempt} retr${attempt === 1 ? "y" : "ies"}` : "";
          const via = route ? viaProxyNote(route) : "";
          // The service's own wait (a throttled 429, a 503 in maintenance): said, with huntlab's bound when it was past it.
          const wait = !after
            ? ""
            : after > maxRetryAfter
              ? `; the service asked to wait ${Math.ceil(after / 1000)} s (Retry-After), longer than the ${Math.round(maxRetryAfter / 1000)} s huntlab waits (MaxRetryAfterSeconds): rerun the query after that wait`
              : `; the service asks to wait ${Math.ceil(after / 1000)} s (Retry-After) before another try`;
          throw new QueryError(msg.liveHttp(what, mask(`HTTP ${status}${retried}: ${excerpt(text, 300, mask)}${wait}${via}`)));
        }
        let body: unknown = text;
        if ((request.responseType ?? "json") === "json" && text.trim() !== "") {
          try {
            body = parseJsonExact(text);
          } catch (err) {
            // The exact-integer reader recurses per level: a hostile answer thousands of levels deep is JSON all the same.
            const problem = err instanceof RangeError ? "the answer nests arrays or objects too deeply to read" : "the answer is not JSON";
            throw new QueryError(msg.liveHttp(what, mask(`HTTP ${status}: ${problem}: ${excerpt(text, 120, mask)}`)));
          }
        }
        return { status, headers: headersOut, data: body };
      }
    },
  };
}
