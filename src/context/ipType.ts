/**
 * The kind of an IP address (MSTICPy's `get_ip_type`): Private, Public,
 * Loopback, Multicast, Link Local, Reserved or Unspecified. The ranges are a
 * table pinned here (IANA special-purpose registries), not a library's or a
 * Python version's notion of "private", so results do not drift; ipaddr.js
 * parses and matches. TI lookups refuse to send non-Public addresses online
 * by the same table ({@link nonGlobalIpReason}).
 *
 * IPv6 addresses that carry an IPv4 address (IPv4-mapped, NAT64, 6to4,
 * Teredo) are judged by that IPv4 address too: `2002:c0a8:101::1` is
 * 192.168.1.1 behind a 6to4 prefix, a private host, and must stay offline as
 * 192.168.1.1 does.
 */
import ipaddr from "ipaddr.js";
import type { IPv6 } from "ipaddr.js"; // for exported signatures (see common/ipv6.ts)
import { isIPv4Mapped, parseIPv6 } from "../common/ipv6";

export { parseIPv6 };

/** The kinds {@link ipType} returns; `Invalid` when the input is not an IP address. */
export type IpType = "Private" | "Public" | "Loopback" | "Multicast" | "Link Local" | "Reserved" | "Unspecified" | "Invalid";

/** A special-purpose range: CIDR, the kind of its addresses, and where it is defined. */
export type IpRange = readonly [cidr: string, type: Exclude<IpType, "Invalid" | "Public">, why: string];

/**
 * IPv4 special ranges, most specific first. Where Python 3.11 (MSTICPy's
 * reference) differs: documentation and benchmarking nets and 240/4 are
 * Reserved here (Python: Private), 100.64/10 is Private (Python: neither).
 */
export const IPV4_RANGES: readonly IpRange[] = [
  ["0.0.0.0/32", "Unspecified", "RFC 1122 unspecified"],
  ["0.0.0.0/8", "Reserved", "RFC 791 this network"],
  ["10.0.0.0/8", "Private", "RFC 1918"],
  ["100.64.0.0/10", "Private", "RFC 6598 shared address space (carrier-grade NAT)"],
  ["127.0.0.0/8", "Loopback", "RFC 1122 loopback"],
  ["169.254.0.0/16", "Link Local", "RFC 3927 link local"],
  ["172.16.0.0/12", "Private", "RFC 1918"],
  ["192.0.0.0/24", "Reserved", "RFC 6890 IETF protocol assignments"],
  ["192.0.2.0/24", "Reserved", "RFC 5737 documentation (TEST-NET-1)"],
  ["192.88.99.0/24", "Reserved", "RFC 7526 deprecated 6to4 relay anycast"],
  ["192.168.0.0/16", "Private", "RFC 1918"],
  ["198.18.0.0/15", "Reserved", "RFC 2544 benchmarking"],
  ["198.51.100.0/24", "Reserved", "RFC 5737 documentation (TEST-NET-2)"],
  ["203.0.113.0/24", "Reserved", "RFC 5737 documentation (TEST-NET-3)"],
  ["224.0.0.0/4", "Multicast", "RFC 5771 multicast"],
  ["255.255.255.255/32", "Reserved", "RFC 919 limited broadcast"],
  ["240.0.0.0/4", "Reserved", "RFC 1112 reserved for future use"],
];

/**
 * IPv6 special ranges, most specific first. IPv4-mapped addresses
 * (`::ffff:a.b.c.d`) take their IPv4 address's kind; the ranges of
 * {@link IPV4_EMBEDDING_RANGES} are decided with the IPv4 address they carry.
 * Global unicast (2000::/3) outside these is Public; every other unlisted
 * range is Reserved; {@link IPV6_GLOBAL_EXCEPTIONS} are Public inside 2001::/23. 3fff::/20 (RFC 9637, 2024) is Reserved as IANA registers
 * it (not globally reachable), like 2001:db8::/32; Python 3.11's `ipaddress`,
 * and so MSTICPy, calls it global (Public).
 */
export const IPV6_RANGES: readonly IpRange[] = [
  ["::/128", "Unspecified", "RFC 4291 unspecified"],
  ["::1/128", "Loopback", "RFC 4291 loopback"],
  ["64:ff9b:1::/48", "Private", "RFC 8215 local-use IPv4/IPv6 translation"],
  ["100::/64", "Reserved", "RFC 6666 discard-only"],
  ["2001:db8::/32", "Reserved", "RFC 3849 documentation"],
  ["2001::/23", "Reserved", "RFC 2928 IETF protocol assignments"],
  ["3fff::/20", "Reserved", "RFC 9637 documentation"],
  ["fc00::/7", "Private", "RFC 4193 unique local"],
  ["fe80::/10", "Link Local", "RFC 4291 link local"],
  ["fec0::/10", "Reserved", "RFC 3879 deprecated site local"],
  ["ff00::/8", "Multicast", "RFC 4291 multicast"],
];

/**
 * Prefixes inside a listed range that IANA's IPv6 special-purpose registry marks
 * globally reachable: Public, although 2001::/23 around them is Reserved (as in
 * Python ≥ 3.12.4's `ipaddress`, after CVE-2024-4032; Python 3.11, and so
 * MSTICPy, calls all of 2001::/23 private).
 */
export const IPV6_GLOBAL_EXCEPTIONS: readonly (readonly [cidr: string, why: string])[] = [
  ["2001:1::1/128", "RFC 7723 Port Control Protocol anycast"],
  ["2001:1::2/128", "RFC 8155 TURN anycast"],
  ["2001:1::3/128", "RFC 9665 DNS-SD service registration anycast"],
  ["2001:3::/32", "RFC 7450 AMT"],
  ["2001:4:112::/48", "RFC 7535 AS112-v6"],
  ["2001:20::/28", "RFC 7343 ORCHIDv2"],
  ["2001:30::/28", "RFC 9374 DRIP entity tags"],
];

/** An IPv6 range whose addresses carry an IPv4 address: CIDR, mechanism, the kind of an address carrying a Public IPv4, where it is defined. */
export type Ipv4EmbeddingRange = readonly [cidr: string, via: "NAT64" | "6to4" | "Teredo", publicType: "Public" | "Reserved", why: string];

/**
 * IPv6 ranges that carry an IPv4 address, whose kind decides: an address
 * carrying a Private IPv4 is Private, one carrying another non-Public IPv4
 * (loopback, documentation…: invalid in these forms) is Reserved, one carrying
 * a Public IPv4 is `publicType`.
 *
 * - NAT64 well-known prefix 64:ff9b::/96: the last 32 bits. IANA lists the
 *   prefix as globally reachable, so with a Public IPv4 it is Public (as in
 *   MSTICPy, which calls the whole prefix Public); RFC 6052 §3.1 forbids it
 *   for non-global IPv4s, so those take the IPv4's side (MSTICPy: Public).
 * - 6to4 2002::/16: bits 16–47. Public with a Public IPv4 (MSTICPy too).
 * - Teredo 2001::/32: the client, the last 32 bits inverted. Inside 2001::/23,
 *   so Reserved with a Public IPv4 (MSTICPy: Private).
 */
export const IPV4_EMBEDDING_RANGES: readonly Ipv4EmbeddingRange[] = [
  ["64:ff9b::/96", "NAT64", "Public", "RFC 6052 well-known NAT64 prefix"],
  ["2002::/16", "6to4", "Public", "RFC 3056 6to4"],
  ["2001::/32", "Teredo", "Reserved", "RFC 4380 Teredo"],
];

/** IPv4 addresses IANA marks globally reachable inside a listed range (192.0.0.0/24): Public, as Python's `is_global` says. */
export const IPV4_GLOBAL_EXCEPTIONS: readonly (readonly [cidr: string, why: string])[] = [
  ["192.0.0.9/32", "RFC 7723 Port Control Protocol anycast"],
  ["192.0.0.10/32", "RFC 8155 TURN anycast"],
];

const parsedV4 = IPV4_RANGES.map((range) => [ipaddr.IPv4.parseCIDR(range[0]), range] as const);
const parsedGlobalV4 = IPV4_GLOBAL_EXCEPTIONS.map(([cidr]) => ipaddr.IPv4.parseCIDR(cidr));
const parsedV6 = IPV6_RANGES.map((range) => [ipaddr.IPv6.parseCIDR(range[0]), range] as const);
const parsedGlobal = IPV6_GLOBAL_EXCEPTIONS.map(([cidr]) => ipaddr.IPv6.parseCIDR(cidr));
const parsedEmbedding = IPV4_EMBEDDING_RANGES.map((range) => [ipaddr.IPv6.parseCIDR(range[0]), range] as const);
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

/** The IPv4 address an IPv6 address carries, and how. */
export interface EmbeddedIpv4 {
  via: Ipv4EmbeddingRange[1];
  ipv4: string;
  /** The IPv4 address's own classification. */
  inner: IpClassification;
}

/** An address's kind, and the listed range that decided it (none for Public, Invalid and unlisted IPv6). */
export interface IpClassification {
  type: IpType;
  range?: IpRange;
  /** For NAT64, 6to4 and Teredo addresses: the IPv4 address carried. */
  embedded?: EmbeddedIpv4;
}

/** The IPv4 address at byte `at` of an IPv6 address, bits inverted with `invert` (Teredo). */
function ipv4At(v6: ipaddr.IPv6, at: number, invert = false): ipaddr.IPv4 {
  const bytes = v6.toByteArray().slice(at, at + 4);
  return new ipaddr.IPv4(invert ? bytes.map((b) => ~b & 0xff) : bytes);
}

/** The IPv4 address a NAT64, 6to4 or Teredo address carries, with the range's kind for a Public one. */
function embeddedIpv4(v6: ipaddr.IPv6): [EmbeddedIpv4, Ipv4EmbeddingRange] | undefined {
  for (const [net, range] of parsedEmbedding) {
    if (!v6.match(net)) continue;
    const v4 = range[1] === "6to4" ? ipv4At(v6, 2) : ipv4At(v6, 12, range[1] === "Teredo");
    return [{ via: range[1], ipv4: v4.toString(), inner: classify(v4) }, range];
  }
  return undefined;
}

/** The kind of a parsed address. */
function classify(addr: ipaddr.IPv4 | ipaddr.IPv6): IpClassification {
  if (addr.kind() === "ipv4") {
    const v4 = addr as ipaddr.IPv4;
    if (parsedGlobalV4.some((net) => v4.match(net))) return { type: "Public" };
    for (const [net, range] of parsedV4) if (v4.match(net)) return { type: range[1], range };
    return { type: "Public" };
  }
  const v6 = addr as ipaddr.IPv6;
  if (isIPv4Mapped(v6)) return classify(v6.toIPv4Address());
  if (parsedGlobal.some((net) => v6.match(net))) return { type: "Public" };
  const listed = parsedV6.find(([net]) => v6.match(net))?.[1];
  const found = embeddedIpv4(v6);
  if (found) {
    // Where the packets go is the IPv4 host: a private one stays private behind any prefix.
    const [embedded, range] = found;
    const inner = embedded.inner.type;
    const type = inner === "Public" ? range[2] : inner === "Private" ? "Private" : "Reserved";
    return listed ? { type, range: listed, embedded } : { type, embedded };
  }
  if (listed) return { type: listed[1], range: listed };
  return { type: v6.match(GLOBAL_UNICAST) ? "Public" : "Reserved" };
}

/** {@link classifyIp} of an IPv6 address already parsed (by {@link parseIPv6}: geoLookup parses it once). */
export function classifyIPv6(v6: IPv6): IpClassification {
  return classify(v6);
}

/** {@link ipType} with the range that decided it. */
export function classifyIp(ip: string | null | undefined): IpClassification {
  const value = String(ip ?? "").trim();
  // ipaddr.js tests IPv4 by parsing, and throws (a stack trace captured) for every IPv6 address: a third of an IPv6
  // geolocation's time. No IPv4 address has a colon.
  if (!value.includes(":") && ipaddr.IPv4.isValidFourPartDecimal(value)) return classify(ipaddr.IPv4.parse(value));
  const v6 = value.includes(":") ? parseIPv6(value) : undefined;
  return v6 ? classify(v6) : { type: "Invalid" };
}

/**
 * The kind of an IP address: `"Private"`, `"Public"`, `"Loopback"`,
 * `"Multicast"`, `"Link Local"`, `"Reserved"` or `"Unspecified"`; `"Invalid"`
 * for anything that is not an IPv4 (dotted decimal) or IPv6 address — such as
 * the `-` in the lab's logon data, which MSTICPy calls "Unspecified".
 *
 * ```ts
 * ipType("10.0.3.5");        // "Private"
 * ipType("131.107.147.209"); // "Public"
 * ipType("::1");             // "Loopback"
 * ```
 */
export function ipType(ip: string | null | undefined): IpType {
  return classifyIp(ip).type;
}

/** How a refusal names an address of each non-public kind. */
const KIND_REASONS: Readonly<Record<Exclude<IpType, "Public">, string>> = {
  Private: "a private address",
  Loopback: "a loopback address",
  "Link Local": "a link-local address",
  Multicast: "a multicast address",
  Reserved: "a reserved address",
  Unspecified: "the unspecified address",
  Invalid: "not a valid IP address",
};

/** Ranges with a more telling name than their kind. */
const RANGE_REASONS: Readonly<Record<string, string>> = {
  "100.64.0.0/10": "a carrier-grade NAT address",
  "255.255.255.255/32": "the broadcast address",
  "fc00::/7": "a unique-local (private) address",
};

/**
 * Why an IP address should not be sent to an internet service (private,
 * loopback, link-local…), or undefined for a Public one: the same table as
 * {@link ipType}, so the two never disagree. Internal addresses are not looked
 * up online: providers know nothing about them and the lookup would leak the
 * network's layout.
 */
export function nonGlobalIpReason(ip: string): string | undefined {
  const { type, range, embedded } = classifyIp(ip);
  if (type === "Public") return undefined;
  if (embedded && embedded.inner.type !== "Public") {
    // "a 6to4 address of 192.168.1.1 (a private address)": the IPv4 host is what is kept inside.
    const inner = (embedded.inner.range && RANGE_REASONS[embedded.inner.range[0]]) || KIND_REASONS[embedded.inner.type];
    return `a ${embedded.via} address of ${embedded.ipv4} (${inner})`;
  }
  return (range && RANGE_REASONS[range[0]]) || KIND_REASONS[type];
}

/**
 * The IPv4 address a number stands for (`134744072` is `8.8.8.8`), as flow
 * stores and SQL exports (MySQL's `INET_ATON`) keep addresses, or undefined
 * when it is no whole number from 0 to 2^32 - 1. Only numbers: digits written
 * as text stay text (a process id, an event id).
 */
export function ipv4OfInteger(value: unknown): string | undefined {
  const n = typeof value === "bigint" ? (value >= 0n && value <= 0xffffffffn ? Number(value) : Number.NaN) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) return undefined;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
