/**
 * The HTTP proxy of a request, from the environment as curl, Python's requests and httpx (MSTICPy's client,
 * `trust_env`) read it: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http ones, `ALL_PROXY` for either when
 * the scheme's own is unset (each in either case; the lower-case name wins when both are set), none for hosts in
 * `NO_PROXY` (host names, domain suffixes — `example.com` and `.example.com` both cover `api.example.com` —,
 * Unicode or punycode alike, IP addresses in any form and CIDR ranges, each optionally `:port`, or `*`). Loopback
 * hosts are always reached directly. Both HTTP clients (TI and live) route through {@link proxyFor}.
 */
import net from "node:net";
import { domainToASCII } from "node:url";
import ipaddr from "ipaddr.js";
import { HuntlabError } from "./errors";
import { parseIPv6 } from "./ipv6";
import { commonMessages as msg } from "./messages";

/** A proxy chosen for a request. */
export interface ProxyRoute {
  /** The proxy's URL, credentials included: only the HTTP client sees it. */
  url: URL;
  /** The environment variable it came from (`HTTPS_PROXY`, `http_proxy`…). */
  variable: string;
  /** What messages show of it: scheme, host and port, never the user info. */
  shown: string;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1" || host === "0:0:0:0:0:0:0:1" || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host);
  return false;
}

function envValue(env: NodeJS.ProcessEnv, name: string): { variable: string; value: string } | undefined {
  for (const variable of [name.toLowerCase(), name]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/** An IP address as IPv6 (IPv4 as its mapped form), so every written form of one address compares equal. */
function asIPv6(text: string): ipaddr.IPv6 | undefined {
  return net.isIPv4(text) ? ipaddr.IPv4.parse(text).toIPv4MappedAddress() : parseIPv6(text);
}

/** A `NO_PROXY` name as the URL parser writes hosts: punycode for Unicode labels (`bücher.example`). */
function asciiName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(name) ? domainToASCII(name) || name : name;
}

/** Whether `NO_PROXY` (comma or space separated) sends `host`:`port` directly. */
function bypassed(noProxy: string, host: string, port: string): boolean {
  const hostIp = asIPv6(host);
  for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw === "*") return true;
    const range = /^\[?([^\]/]+)\]?\/(\d{1,3})$/.exec(raw);
    if (range) {
      // A CIDR range (`10.0.0.0/8`, `fd00::/8`); an IPv4 one is its mapped IPv6 range.
      const base = asIPv6(range[1]);
      const bits = Number(range[2]) + (net.isIPv4(range[1]) ? 96 : 0);
      if (hostIp && base && bits <= 128 && hostIp.match(base, bits)) return true;
      continue;
    }
    let name = raw;
    let entryPort = "";
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
    if (bracketed) [, name, entryPort = ""] = bracketed;
    else if (!net.isIPv6(raw)) {
      const withPort = /^(.*):(\d+)$/.exec(raw);
      if (withPort) [, name, entryPort] = withPort;
    }
    if (entryPort && entryPort !== port) continue;
    const entryIp = asIPv6(name);
    if (hostIp || entryIp) {
      // Addresses compare as addresses: `0:0:0:0:0:0:0:1`, `::1`, `::ffff:10.0.0.1` and `::ffff:a00:1` are each one.
      if (hostIp && entryIp && hostIp.toNormalizedString() === entryIp.toNormalizedString()) return true;
      continue;
    }
    name = asciiName(name.replace(/^\*?\./, "").replace(/\.$/, ""));
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The proxy for `target` (an absolute http(s) URL), or undefined for a direct connection. Throws when the
 * variable holds no usable proxy URL (only http:// and https:// proxies are supported; no scheme means http://).
 */
export function proxyFor(target: string | URL, env: NodeJS.ProcessEnv = process.env): ProxyRoute | undefined {
  const url = typeof target === "string" ? new URL(target) : target;
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (isLoopbackHost(url.hostname)) return undefined;
  // ALL_PROXY only when the scheme's own variable is unset, as curl reads it.
  const setting = envValue(env, url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY") ?? envValue(env, "ALL_PROXY");
  if (!setting) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const noProxy = envValue(env, "NO_PROXY");
  if (noProxy && bypassed(noProxy.value, host, port)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(setting.value) ? setting.value : `http://${setting.value}`);
  } catch {
    throw new HuntlabError(msg.proxyNotUrl(setting.variable));
  }
  const shown = `${proxy.protocol}//${proxy.host}`;
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") throw new HuntlabError(msg.proxyScheme(setting.variable, proxy.protocol.slice(0, -1), shown));
  return { url: proxy, variable: setting.variable, shown };
}

/** The route as axios' `proxy` option (it tunnels https targets with CONNECT; plain http ones are forwarded). */
export function axiosProxy(route: ProxyRoute | undefined): false | { protocol: string; host: string; port: number; auth?: { username: string; password: string } } {
  if (!route) return false;
  const { url } = route;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return {
    protocol: url.protocol.slice(0, -1),
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    ...(url.username || url.password ? { auth: { username: decode(url.username), password: decode(url.password) } } : {}),
  };
}

/** Why a request through `route` to `host` failed to connect, naming the proxy (without credentials). */
export function proxyFailureText(route: ProxyRoute, host: string, code: string, detail: string): string {
  const via = `the proxy ${route.shown} (${route.variable})`;
  switch (code) {
    case "ECONNREFUSED":
      return `Connection refused by ${via}, on the way to ${host}.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot resolve ${via}, on the way to ${host}.`;
    case "ECONNRESET":
      return `Connection to ${via} was reset, on the way to ${host}.`;
    case "ETIMEDOUT":
      return `Timed out connecting to ${via}, on the way to ${host}.`;
    default:
      return `Request to ${host} through ${via} failed: ${detail}${code ? ` (${code})` : ""}`;
  }
}

/** A 407 through `route`: only a proxy answers it, asking for its own credentials, not the service's. */
export function proxyAuthText(route: Pick<ProxyRoute, "shown" | "variable">): string {
  return `the proxy ${route.shown} (${route.variable}) asks for credentials (HTTP 407 Proxy Authentication Required): give them in its URL (http://user:password@host:port)`;
}

/** Said after another failed answer through `route`: a proxy refusing the tunnel answers in the service's place. */
export function viaProxyNote(route: Pick<ProxyRoute, "shown" | "variable">): string {
  return ` (sent through the proxy ${route.shown} (${route.variable}): the answer may be the proxy's own, refusing the connection)`;
}
