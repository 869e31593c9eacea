/**
 * IoC types for threat-intelligence lookups: type names and aliases, and the
 * form of an observable sent to providers.
 *
 * Which type a value is comes from the indicator extractor's table
 * (src/transform/iocPatterns.ts, `classifyObservable`): TILookup calls a value
 * `dns` exactly when IoCExtract would report the whole of it as `dns`, and
 * custom types added with `IoCExtract.addIocType` are detected too. This
 * module only adds what TI needs on top: aliases and canonical forms.
 */
import { domainToASCII } from "node:url";
import ipaddr from "ipaddr.js";
import type { IPv4, IPv6 } from "ipaddr.js"; // for exported signatures (see common/ipv6.ts)
import { refang } from "../transform/defang";
import { withoutHostPrefix } from "../common/hostPrefix";
import { BUILTIN_IOC_TYPES, classifyObservable, customIocTypes, iocTypeDefinition, isDefaultIocType, isIpv6, isLocalChar, isObservableOf, lastAtSign, type BuiltinIocType } from "../transform/iocPatterns";

import { nonGlobalIpReason } from "./ipType";
import { isIcannTld } from "../transform/domains";

export { nonGlobalIpReason };

/**
 * Why a URL points inside a network and should not be sent to an internet
 * service, or undefined for a public host. Intranet URLs are real attack URLs
 * (`http://badguyserver/pwnme`), so extraction keeps them; but asking VirusTotal
 * about them would only leak internal names: a host that is a non-public IP,
 * a single label, or a name without an ICANN suffix (`.local`, `.corp`, `.lan`)
 * stays inside.
 */
export function internalUrlReason(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // not a URL the WHATWG parser reads: the provider decides
  }
  host = host.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (ipaddr.isValid(host)) {
    const why = nonGlobalIpReason(host);
    return why ? `its host is ${why}` : undefined;
  }
  const labels = host.split(".");
  if (labels.length < 2) return "its host is a single-label (intranet) name";
  const tld = labels[labels.length - 1];
  return isIcannTld(tld) ? undefined : `its host has no public suffix (".${tld}")`;
}
/** Re-exported: the one refang of the codebase is the extractor's. */
export { refang };

/** A built-in type TI providers understand: IoCExtract's default types (MSTICPy's names; no paths). */
export type BuiltinTiType = Exclude<BuiltinIocType, "windows_path" | "linux_path">;

/** The built-in observable types TI providers understand. */
export const IOC_TYPES: readonly BuiltinTiType[] = BUILTIN_IOC_TYPES.filter((t): t is BuiltinTiType => isDefaultIocType(t));

/**
 * An observable type: built-in, a custom type registered with
 * `IoCExtract.addIocType` (any other name), or `"unknown"` for a value that is
 * none of them.
 */
export type IocType = BuiltinTiType | "unknown" | (string & {});

/**
 * The explicit type `file_hash` (aliases `hash`), as MSTICPy names it: a hash
 * whose kind is decided by its length. `classifyIoc` turns it into
 * `md5_hash`, `sha1_hash` or `sha256_hash`, or `"unknown"` for another length.
 */
const FILE_HASH = "file_hash";

/** Hash types by hex length (MSTICPy's `file_hash_type`). */
const HASH_BY_LENGTH: Readonly<Record<number, BuiltinTiType>> = { 32: "md5_hash", 40: "sha1_hash", 64: "sha256_hash" };

/** Spellings accepted for an explicit type (`iocType`, an `iocTypeCol` value) → canonical type. */
const TYPE_ALIASES: Readonly<Record<string, IocType>> = {
  ipv4: "ipv4",
  ip: "ipv4",
  ipv6: "ipv6",
  dns: "dns",
  domain: "dns",
  hostname: "dns",
  fqdn: "dns",
  url: "url",
  uri: "url",
  email: "email",
  md5: "md5_hash",
  md5_hash: "md5_hash",
  sha1: "sha1_hash",
  sha1_hash: "sha1_hash",
  sha256: "sha256_hash",
  sha256_hash: "sha256_hash",
  // MSTICPy's IoCType.file_hash: md5, sha1 or sha256 by length (`classifyIoc` picks).
  file_hash: FILE_HASH,
  hash: FILE_HASH,
  unknown: "unknown",
};

/**
 * The canonical type for an alias (`"domain"` → `"dns"`) or a registered
 * custom type's name (any case), or undefined when it is neither.
 */
export function normalizeIocType(name: string): IocType | undefined {
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(TYPE_ALIASES, key)) return TYPE_ALIASES[key];
  return customIocTypes().find((d) => d.name.toLowerCase() === key)?.name;
}

/** A classified observable: its type and the form sent to providers. */
export interface ClassifiedIoc {
  /** The value as given. */
  ioc: string;
  type: IocType;
  /**
   * The normalised value providers are asked about: trimmed, refanged
   * (`hxxp`, `[.]`), hostnames, e-mail addresses and hashes lower-cased,
   * hostnames and e-mail domains in IDNA's ASCII form (as URL hosts), URL
   * hosts and hostnames without their root dot, IPs in canonical form without
   * an IPv6 zone id (`%eth0`) or a port (`1.2.3.4:443`, `[2001:db8::1]:443`),
   * an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as its IPv4 address, a URL without its user name and password; custom
   * types as written. Empty when the value is not
   * a usable observable of its type.
   */
  safeIoc: string;
}

/** `[2001:db8::1]` (an IPv6 literal as URLs write it) is the address. */
function unbracket(text: string): string {
  return text.startsWith("[") && text.endsWith("]") && isIpv6(text.slice(1, -1)) ? text.slice(1, -1) : text;
}

/**
 * The address of an IP address written with a port (`45.83.66.10:443`,
 * `[2001:db8::1]:443`), as firewall and proxy logs, netstat and ThreatFox's
 * `ip:port` indicators write it; else the text. The port is no part of what a
 * provider knows of the address. An IPv6 address needs its brackets: without
 * them the last group is no port. A name with a port stays as written.
 * geoLookup reads addresses so too.
 */
export function withoutPort(text: string): string {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+(?:%[^\]]*)?)\]):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) return text;
  if (m[1] !== undefined) return ipaddr.IPv4.isValidFourPartDecimal(m[1]) ? m[1] : text;
  return isIpv6(m[2]) ? m[2] : text;
}

/**
 * The text a value is classified by: trimmed, refanged, an IPv6 literal
 * unbracketed, and an IP address's port or single-host prefix (`8.8.8.8/32`,
 * `2001:db8::1/128`) dropped and a hash's groups joined when the value as written is no type (detected) or is given as an address or
 * hash type (a custom type matching `ip:port`, registered with `addIocType`,
 * keeps it).
 */
/**
 * IDNA's other dots (ideographic `。`, full-width `．`, half-width `｡`) between letters or digits of any script: in a
 * value given whole they part labels (`例え。jp`, `пример。рф`), as a browser reads them. (Refanging turns only those
 * between ASCII letters or digits; the free-text scans read the rest by domains.ts's `wideDotKind`, where a
 * `。` beside Han or kana ends a sentence.) Lookarounds of one character: linear.
 */
const WHOLE_WIDE_DOTS = /(?<=[\p{L}\p{N}\p{M}])[\u3002\uff0e\uff61](?=[\p{L}\p{N}])/gu;

/** The types whose values hold a host name (a custom type's value is kept as written, refanged). */
const NAMED_TYPES: ReadonlySet<string> = new Set(["dns", "url", "email"]);

/**
 * `text` with IDNA's other dots in its host name made dots: a URL's host (after its user info), an e-mail address's
 * domain, else the whole value. A URL's path and query and an e-mail's local part keep them: a browser maps them only
 * in the host, and `http://example.com/日本。テスト` is another URL than `…/日本.テスト`.
 */
function wideDotsInHost(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  let start = 0;
  let end = text.length;
  if (scheme) {
    start = scheme[0].length;
    const rest = text.slice(start).search(/[/?#]/);
    if (rest >= 0) end = start + rest;
    const at = text.lastIndexOf("@", end - 1);
    if (at >= start) start = at + 1;
  } else {
    const at = lastAtSign(text);
    if (at >= 0) start = at + 1;
  }
  return text.slice(0, start) + text.slice(start, end).replace(WHOLE_WIDE_DOTS, ".") + text.slice(end);
}

function observableText(value: string, type?: IocType): string {
  const refanged = refang(value.trim());
  const text = type === undefined || NAMED_TYPES.has(type) ? wideDotsInHost(refanged) : refanged;
  if (type === undefined) return unbracket(classifyObservable(unbracket(text)) !== undefined ? text : ungroupedHash(withoutPort(withoutHostPrefix(text))));
  if (type === "ipv4" || type === "ipv6") return unbracket(withoutPort(withoutHostPrefix(text)));
  return unbracket(HASH_TYPES.has(type) ? ungroupedHash(text) : text);
}

/** The hash types, MSTICPy's `file_hash` too: their values may be written in groups. */
const HASH_TYPES: ReadonlySet<string> = new Set(["md5_hash", "sha1_hash", "sha256_hash", FILE_HASH]);

/**
 * The hex digits of a hash written in equal groups with one separator, a
 * space or a colon (`d4 1d 8c …` as certutil -hashfile writes it on
 * Windows 7 and older, `D4:1D:8C:…` as certificate tools write one), when they are an
 * md5, sha1 or sha256's length; else the text.
 */
function ungroupedHash(text: string): string {
  if (text.length > 127) return text;
  const sep = /[ :]/.exec(text)?.[0];
  if (!sep) return text;
  const parts = text.split(sep);
  const size = parts[0].length;
  if (size % 2 !== 0 || parts.some((p) => p.length !== size || !/^[0-9A-Fa-f]+$/.test(p))) return text;
  const hex = parts.join("");
  return HASH_BY_LENGTH[hex.length] ? hex : text;
}

/**
 * The WHATWG form of a URL, its host without the root dot (`wh401k.org.` is
 * `wh401k.org`, as for `dns`) and an IPv4-mapped IPv6 literal as its IPv4
 * address (`http://[::ffff:1.2.3.4]/x` is `http://1.2.3.4/x`, as the address
 * alone is `ipv4`).
 */
function canonicalUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    // The parser lower-cases and IDNA-encodes the host but keeps a root dot: without this, two spellings of one
    // host get two provider ids (VirusTotal's URL id) and two cache keys. IP literals never end with a dot.
    if (url.hostname.length > 1 && url.hostname.endsWith(".")) url.hostname = url.hostname.slice(0, -1);
    // The parser writes an IPv6 host compressed, in hex and bracketed (`[::ffff:102:304]`); a mapped one is the
    // IPv4 host a feed or provider lists, and the one internalUrlReason judges.
    const v4 = url.hostname.startsWith("[") ? mappedIpv4(url.hostname.slice(1, -1)) : undefined;
    if (v4) url.hostname = v4;
    // A user name and password captured in a URL (`http://admin:pw@host/x`) are a victim's secret, not part of the
    // resource: never sent to a provider, written to a cache, nor a second cache key for one URL.
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * An IPv6 address parsed without its zone id (`%eth0`: which interface of the
 * machine that logged it, never part of the indicator, and an internal name a
 * provider must not see). ipaddr.js reads the deprecated IPv4-compatible form
 * `::a.b.c.d` as IPv4-mapped; it is parsed here as the address it writes.
 */
function parseIpv6(text: string): ipaddr.IPv6 {
  const bare = text.replace(/%.*$/s, "");
  const parsed = ipaddr.IPv6.parse(/^::(?:\d{1,3}\.){3}\d{1,3}$/.test(bare) ? `0${bare}` : bare);
  return new ipaddr.IPv6(parsed.parts);
}

/**
 * The IPv4 address of an IPv4-mapped IPv6 address (`::ffff:45.83.66.10`, any
 * notation), else undefined. Windows logon events (4624/4625) and dual-stack
 * sockets record IPv4 clients this way; feeds and providers list the IPv4
 * address, so it is what is looked up. Only the mapped range (::ffff:0:0/96):
 * IPv4-compatible, -translated and NAT64 forms are IPv6 addresses of their own.
 */
function mappedIpv4(text: string): string | undefined {
  if (!isIpv6(text)) return undefined;
  const addr = parseIpv6(text);
  return addr.isIPv4MappedAddress() ? addr.toIPv4Address().toString() : undefined;
}

/**
 * An IP range in CIDR notation (`10.1.0.0/16`, `2001:db8::/32`) parsed, else
 * undefined. An IPv4-mapped range with a prefix of 96 or more is the IPv4
 * range it maps (`::ffff:10.1.0.0/112` and `::ffff:a01:0/112` are
 * 10.1.0.0/16), as a mapped address is its IPv4 address. One with a shorter
 * prefix reaches past ::ffff:0:0/96 into other IPv6 addresses and stays IPv6
 * (the caller decides; LocalTI refuses it). `::10.1.0.0/112` is the
 * IPv4-compatible range it writes, not a mapped one.
 */
export function parseIpRange(text: string): [IPv4 | IPv6, number] | undefined {
  if (!text.includes("/") || !ipaddr.isValidCIDR(text)) return undefined;
  const [addr, prefix] = ipaddr.parseCIDR(text);
  if (addr.kind() === "ipv4") return [addr, prefix];
  const v6 = parseIpv6(text.slice(0, text.lastIndexOf("/")));
  return v6.isIPv4MappedAddress() && prefix >= 96 ? [v6.toIPv4Address(), prefix - 96] : [v6, prefix];
}

/** The form sent to providers of `text` (trimmed, refanged) as a `type`, or undefined when it is not one. */
function safeForm(text: string, type: IocType): string | undefined {
  const def = iocTypeDefinition(type);
  if (!def || !isObservableOf(text, def)) return undefined;
  switch (type) {
    case "ipv4":
      return ipaddr.parse(text).toString();
    case "ipv6":
      return parseIpv6(text).toString();
    case "dns":
      return asciiName(text.replace(/\.$/, ""));
    case "url":
      return canonicalUrl(text);
    case "email":
      // The whole address: RFC 5321 lets a local part be case-sensitive, but mail systems treat it
      // case-insensitively in practice, and feeds and logs spell one mailbox in several cases.
      return emailForm(text);
    case "md5_hash":
    case "sha1_hash":
    case "sha256_hash":
      return text.toLowerCase();
    default:
      return text;
  }
}

/**
 * A name in IDNA's ASCII form, lower-cased (`bücher.de` and `BÜCHER.DE` are
 * `xn--bcher-kva.de`; a full-width letter is its ASCII letter), as URL hosts
 * are: logs write a name in Unicode, feeds and DNS in punycode, and both are
 * one indicator. A look-alike stays itself (a Cyrillic `а` has its own
 * A-label). A name IDNA refuses is lower-cased as written.
 */
function asciiName(name: string): string {
  return domainToASCII(name) || name.toLowerCase();
}

/**
 * An e-mail address lower-cased, its local part in NFKC (full-width `ｕｓｅｒ．ｎａｍｅ` is `user.name`, as its domain
 * `ｅｘａｍｐｌｅ．ｃｏｍ` is `example.com`: the address an IME in full-width mode typed) when that is still a local
 * part, else as written, its at sign `@` (a full-width `＠` is one to NFKC: `user＠example.com` is
 * `user@example.com`), and its domain in IDNA's ASCII form (see {@link asciiName}).
 */
function emailForm(text: string): string {
  const at = lastAtSign(text);
  const local = text.slice(0, at);
  const folded = local.normalize("NFKC");
  return `${(isLocalPart(folded) ? folded : local).toLowerCase()}@${asciiName(text.slice(at + 1))}`;
}

/** Characters IoC extraction takes in a local part (and an apostrophe), no dot at either end nor two together: NFKC made no `@`, `"` or space. */
function isLocalPart(local: string): boolean {
  if (local === "" || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i);
    // A surrogate pair: a letter of a supplementary plane (extraction finds no address with a mathematical letter,
    // `𝐚𝐝𝐦𝐢𝐧@…`, so none reaches here; kept whole rather than refused should that change).
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (c !== 39 && !isLocalChar(c)) return false;
  }
  return true;
}

/** A hostname under a real top-level domain, in IDNA's ASCII form (lower-cased), without its root dot; else undefined. */
export function canonicalDomain(value: string): string | undefined {
  return safeForm(value, "dns");
}

/**
 * The type of a single observable: ipv4, ipv6, url (any host: intranet names
 * such as `http://server/file.sct` too), email, md5/sha1/sha256 hash, dns (a
 * hostname under a real top-level domain), a registered custom type, else
 * `"unknown"`.
 */
export function detectIocType(value: string): IocType {
  const text = observableText(value);
  const type = classifyObservable(text) ?? "unknown";
  return type === "ipv6" && mappedIpv4(text) ? "ipv4" : type;
}

/**
 * Type and normalised form of an observable. With `type`, the value is checked
 * against that type instead of detected: a value that is not of the given type
 * gets an empty `safeIoc` (a "bad format" row, not a lookup). An IPv4-mapped
 * IPv6 address is the `ipv4` observable it carries, detected or given as
 * `ipv4` or `ipv6`; `file_hash` becomes the hash type of the value's length.
 * `ioc` stays the value as given.
 */
export function classifyIoc(value: string, type?: IocType): ClassifiedIoc {
  const text = observableText(value, type);
  let resolved = type ?? classifyObservable(text) ?? "unknown";
  if (resolved === FILE_HASH) resolved = HASH_BY_LENGTH[text.length] ?? "unknown";
  if (resolved === "ipv4" || resolved === "ipv6") {
    const v4 = mappedIpv4(text);
    if (v4) return { ioc: value, type: "ipv4", safeIoc: v4 };
  }
  return { ioc: value, type: resolved, safeIoc: safeForm(text, resolved) ?? "" };
}
