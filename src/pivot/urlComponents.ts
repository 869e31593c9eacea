/**
 * A URL split into its parts as written, for urlParts. WHATWG `new URL`
 * normalises (resolves `%2e%2e`, drops `:80`, rewrites `0x7f.0.0.1`), which
 * hides the evidence; this reads RFC 3986's grammar (appendix B, then
 * userinfo@host:port) as MSTICPy's urllib3-based `url_components` does,
 * without its normalising. Only indexOf scans: linear on any value.
 */
import { parse as parseDomain } from "tldts";

export interface UrlComponents {
  Scheme: string | null;
  /** The user-info before the last `@` of the authority (`user:pw@lure.com` in `https://user:pw@lure.com@evil.com/`). */
  Auth: string | null;
  Host: string | null;
  /** The port's number without leading zeros (`:0080` → "80"), as MSTICPy. */
  Port: string | null;
  Path: string | null;
  Query: string | null;
  Fragment: string | null;
  RegisteredDomain: string | null;
  /** Empty for a URL; `not a URL: <why>` (and null parts) otherwise. */
  UrlNote: string;
}

/** Subdomain, registered domain and public suffix of a name, as written (tldts lowercases; Unicode stays Unicode, punycode stays punycode). */
export function domainSplit(name: string): { subdomain: string | null; domain: string | null; suffix: string | null; isIcann: boolean; isIp: boolean } {
  // A certificate's wildcard label (`*.example.com`) is no valid host name for tldts: split the rest.
  const wildcard = /^\*\./.test(name) ? "*" : "";
  const p = parseDomain((wildcard ? name.slice(2) : name).replace(/\.$/, ""), { allowPrivateDomains: false });
  const subdomain = wildcard && p.domain ? [wildcard, p.subdomain].filter(Boolean).join(".") : p.subdomain || null;
  return { subdomain, domain: p.domain || null, suffix: p.publicSuffix || null, isIcann: p.isIcann === true, isIp: p.isIp === true };
}

// urllib3's test for a scheme; a value without one (`evil.com:443`, `www.evil.com/x`) is read as `//value`.
const SCHEME = /^[A-Za-z][A-Za-z0-9+-]*:/;
// `localhost:8080/api` looks like a scheme but is a host and port (urllib3 reads scheme "localhost").
const HOST_PORT = /^[A-Za-z][A-Za-z0-9+-]*:\d{1,5}(?:[/?#\\]|$)/;
const MAX_PORT = 65535;

function notUrl(why: string): UrlComponents {
  return { Scheme: null, Auth: null, Host: null, Port: null, Path: null, Query: null, Fragment: null, RegisteredDomain: null, UrlNote: `not a URL: ${why}` };
}

/** The parts of one value, as written. */
export function urlComponents(value: string): UrlComponents {
  if (value.trim() === "") return notUrl("empty");
  if (/[\s\x00-\x1f\x7f]/.test(value)) return notUrl("white space inside");
  const schemeMatch = HOST_PORT.test(value) ? null : SCHEME.exec(value);
  const scheme = schemeMatch ? schemeMatch[0].slice(0, -1) : null;
  let rest = scheme !== null ? value.slice(scheme.length + 1) : value.startsWith("/") ? value : "//" + value;
  const hash = rest.indexOf("#");
  const fragment = hash < 0 ? null : rest.slice(hash + 1);
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf("?");
  const query = question < 0 ? null : rest.slice(question + 1);
  if (question >= 0) rest = rest.slice(0, question);
  let authority: string | null = null;
  if (rest.startsWith("//")) {
    // The authority ends at the path; a backslash ends it too (browsers and urllib3 read `\` as `/` there).
    let end = rest.length;
    for (const c of ["/", "\\"]) {
      const i = rest.indexOf(c, 2);
      if (i >= 0 && i < end) end = i;
    }
    authority = rest.slice(2, end);
    rest = rest.slice(end);
  }
  let auth: string | null = null;
  let host: string | null = null;
  let port: string | null = null;
  if (authority !== null) {
    const at = authority.lastIndexOf("@");
    auth = at > 0 ? authority.slice(0, at) : null;
    const hostPort = authority.slice(at + 1);
    let portText = "";
    if (hostPort.startsWith("[")) {
      const close = hostPort.indexOf("]");
      if (close < 0) return notUrl("no ] after the IPv6 address");
      host = hostPort.slice(0, close + 1);
      const after = hostPort.slice(close + 1);
      if (after !== "" && !after.startsWith(":")) return notUrl("text after the IPv6 address");
      portText = after.slice(1);
    } else {
      const colon = hostPort.indexOf(":");
      host = colon < 0 ? hostPort : hostPort.slice(0, colon);
      portText = colon < 0 ? "" : hostPort.slice(colon + 1);
    }
    if (!/^\d*$/.test(portText)) return notUrl(host.includes(":") || portText.includes(":") ? "an IPv6 host needs [ ]" : "the port is not a number");
    if (portText !== "") {
      const digits = portText.replace(/^0+(?=\d)/, "");
      if (digits.length > 5 || Number(digits) > MAX_PORT) return notUrl(`port above ${MAX_PORT}`);
      port = digits;
    }
    host ||= null;
  }
  if (scheme === null && host === null) return notUrl("no scheme and no host");
  return {
    Scheme: scheme,
    Auth: auth,
    Host: host,
    Port: port,
    Path: rest || null,
    Query: query,
    Fragment: fragment,
    RegisteredDomain: host === null ? null : domainSplit(host).domain,
    UrlNote: "",
  };
}
