/**
 * IoC type detection and normalisation for threat-intelligence lookups.
 *
 * One entry point, {@link detectIocType}, so that it can later delegate to the
 * indicator extractor (src/transform) without changing its callers. Only whole
 * values are classified here (a TI lookup gets one observable per value), so
 * the checks are anchored and linear-time.
 */
import ipaddr from "ipaddr.js";
import { parse as parseDomain } from "tldts";

/** The observable types TI providers understand (MSTICPy's names). */
export const IOC_TYPES = ["ipv4", "ipv6", "dns", "url", "email", "md5_hash", "sha1_hash", "sha256_hash"] as const;

/** An observable type, or `"unknown"` for a value that is none of {@link IOC_TYPES}. */
export type IocType = (typeof IOC_TYPES)[number] | "unknown";

/** Spellings accepted for an explicit type (`iocType`, an `iocTypeCol` value) → canonical type. */
const TYPE_ALIASES: Record<string, IocType> = {
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
  unknown: "unknown",
};

/** The canonical type for an alias (`"domain"` → `"dns"`), or undefined when it is not one. */
export function normalizeIocType(name: string): IocType | undefined {
  return TYPE_ALIASES[name.trim().toLowerCase()];
}

/** A classified observable: its type and the form sent to providers. */
export interface ClassifiedIoc {
  /** The value as given. */
  ioc: string;
  type: IocType;
  /**
   * The normalised value providers are asked about: trimmed, refanged
   * (`hxxp`, `[.]`), hostnames and hashes lower-cased, IPs in canonical form.
   * Empty when the value is not a usable observable of its type.
   */
  safeIoc: string;
}

const HEX = /^[0-9a-f]+$/i;
const HASH_TYPES: Record<number, IocType> = { 32: "md5_hash", 40: "sha1_hash", 64: "sha256_hash" };
const URL_SCHEME = /^(https?|ftp|sftp|ftps|telnet|ldap|file|wss?):\/\//i;
const HOST_LABELS = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const EMAIL = /^[^\s@<>()[\],;:"]{1,64}@([^\s@<>()[\],;:"]{1,253})$/;

/** Undoes the usual defanging: `hxxp://`, `[.]`, `(.)`, `[:]`. */
export function refang(value: string): string {
  return value
    .replace(/^hxxp(s?):\/\//i, "http$1://")
    .replace(/\[\.\]|\(\.\)|\{\.\}/g, ".")
    .replace(/\[:\]/g, ":");
}

function canonicalIp(value: string): { type: "ipv4" | "ipv6"; text: string } | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return { type: "ipv4", text: ipaddr.IPv4.parse(value).toString() };
  const bare = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  if (bare.includes(":") && ipaddr.IPv6.isValid(bare)) return { type: "ipv6", text: ipaddr.IPv6.parse(bare).toString() };
  return undefined;
}

/** A hostname with a known public suffix (tldts' ICANN or private section), lower-cased; else undefined. */
export function canonicalDomain(value: string): string | undefined {
  const host = value.toLowerCase().replace(/\.$/, "");
  if (!HOST_LABELS.test(host)) return undefined;
  const parsed = parseDomain(host, { allowPrivateDomains: true });
  if (parsed.isIp || !parsed.domain || !(parsed.isIcann || parsed.isPrivate)) return undefined;
  return host;
}

function canonicalUrl(value: string): string | undefined {
  if (!URL_SCHEME.test(value) || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.hostname || url.protocol === "file:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The type of a single observable: ipv4, ipv6, url, email, md5/sha1/sha256 hash,
 * dns (a hostname under a known public suffix), else `"unknown"`.
 */
export function detectIocType(value: string): IocType {
  return classifyIoc(value).type;
}

/**
 * Type and normalised form of an observable. With `type`, the value is checked
 * against that type instead of detected: a value that is not of the given type
 * gets an empty `safeIoc` (a "bad format" row, not a lookup).
 */
export function classifyIoc(value: string, type?: IocType): ClassifiedIoc {
  const ioc = value;
  const text = refang(value.trim());
  if (type !== undefined) return { ioc, type, safeIoc: normalizeAs(text, type) ?? "" };
  if (text === "") return { ioc, type: "unknown", safeIoc: "" };
  const ip = canonicalIp(text);
  if (ip) return { ioc, type: ip.type, safeIoc: ip.text };
  if (HEX.test(text) && HASH_TYPES[text.length]) return { ioc, type: HASH_TYPES[text.length], safeIoc: text.toLowerCase() };
  const url = canonicalUrl(text);
  if (url) return { ioc, type: "url", safeIoc: url };
  const email = normalizeAs(text, "email");
  if (email) return { ioc, type: "email", safeIoc: email };
  const domain = canonicalDomain(text);
  if (domain) return { ioc, type: "dns", safeIoc: domain };
  return { ioc, type: "unknown", safeIoc: "" };
}

function normalizeAs(text: string, type: IocType): string | undefined {
  switch (type) {
    case "ipv4":
    case "ipv6": {
      const ip = canonicalIp(text);
      return ip?.type === type ? ip.text : undefined;
    }
    case "dns":
      return canonicalDomain(text);
    case "url":
      return canonicalUrl(text);
    case "email": {
      const m = EMAIL.exec(text);
      const domain = m ? canonicalDomain(m[1]) : undefined;
      return m && domain ? `${text.slice(0, text.length - m[1].length)}${domain}` : undefined;
    }
    case "md5_hash":
    case "sha1_hash":
    case "sha256_hash":
      return HEX.test(text) && HASH_TYPES[text.length] === type ? text.toLowerCase() : undefined;
    case "unknown":
      return undefined;
  }
}

/** ipaddr.js ranges of globally routable addresses. */
const GLOBAL_RANGES = new Set(["unicast", "global"]);

/**
 * Why an IP address should not be sent to an internet service (private,
 * loopback, link-local…), or undefined for a global address. Internal
 * addresses are not looked up online: providers know nothing about them and
 * the lookup would leak the network's layout.
 */
export function nonGlobalIpReason(ip: string): string | undefined {
  let range: string;
  try {
    const parsed = ipaddr.parse(ip);
    const addr = parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
    range = addr.range();
  } catch {
    return "not a valid IP address";
  }
  if (GLOBAL_RANGES.has(range)) return undefined;
  const words: Record<string, string> = {
    private: "a private address",
    loopback: "a loopback address",
    linkLocal: "a link-local address",
    uniqueLocal: "a unique-local (private) address",
    multicast: "a multicast address",
    unspecified: "the unspecified address",
    carrierGradeNat: "a carrier-grade NAT address",
    broadcast: "the broadcast address",
    reserved: "a reserved address",
  };
  return words[range] ?? `not a global address (${range})`;
}
