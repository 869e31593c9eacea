/**
 * The kind of an IP address (MSTICPy's `get_ip_type`): Private, Public,
 * Loopback, Multicast, Link Local, Reserved or Unspecified. The ranges are a
 * table pinned here (IANA special-purpose registries), not a library's or a
 * Python version's notion of "private", so results do not drift; ipaddr.js
 * parses and matches. TI lookups refuse to send non-Public addresses online
 * by the same table ({@link nonGlobalIpReason}).
 */
import ipaddr from "ipaddr.js";
import { parseIPv6 } from "../common/ipv6";

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
 * (`::ffff:a.b.c.d`) take their IPv4 address's kind. Global unicast
 * (2000::/3) outside these is Public; every other unlisted range is Reserved.
 */
export const IPV6_RANGES: readonly IpRange[] = [
  ["::/128", "Unspecified", "RFC 4291 unspecified"],
  ["::1/128", "Loopback", "RFC 4291 loopback"],
  ["64:ff9b:1::/48", "Private", "RFC 8215 local-use IPv4/IPv6 translation"],
  ["100::/64", "Reserved", "RFC 6666 discard-only"],
  ["2001:db8::/32", "Reserved", "RFC 3849 documentation"],
  ["2001::/23", "Reserved", "RFC 2928 IETF protocol assignments"],
  ["fc00::/7", "Private", "RFC 4193 unique local"],
  ["fe80::/10", "Link Local", "RFC 4291 link local"],
  ["fec0::/10", "Reserved", "RFC 3879 deprecated site local"],
  ["ff00::/8", "Multicast", "RFC 4291 multicast"],
];

const parsedV4 = IPV4_RANGES.map((range) => [ipaddr.IPv4.parseCIDR(range[0]), range] as const);
const parsedV6 = IPV6_RANGES.map((range) => [ipaddr.IPv6.parseCIDR(range[0]), range] as const);
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

/** An address's kind, and the listed range that decided it (none for Public, Invalid and unlisted IPv6). */
export interface IpClassification {
  type: IpType;
  range?: IpRange;
}

/** The kind of a parsed address. */
function classify(addr: ipaddr.IPv4 | ipaddr.IPv6): IpClassification {
  if (addr.kind() === "ipv4") {
    const v4 = addr as ipaddr.IPv4;
    for (const [net, range] of parsedV4) if (v4.match(net)) return { type: range[1], range };
    return { type: "Public" };
  }
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return classify(v6.toIPv4Address());
  for (const [net, range] of parsedV6) if (v6.match(net)) return { type: range[1], range };
  return { type: v6.match(GLOBAL_UNICAST) ? "Public" : "Reserved" };
}

/** {@link ipType} with the range that decided it. */
export function classifyIp(ip: string | null | undefined): IpClassification {
  const value = String(ip ?? "").trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return classify(ipaddr.IPv4.parse(value));
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
  const { type, range } = classifyIp(ip);
  if (type === "Public") return undefined;
  return (range && RANGE_REASONS[range[0]]) || KIND_REASONS[type];
}
