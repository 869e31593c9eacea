import net from "node:net";
import ipaddr from "ipaddr.js";
// Exported signatures name the classes through a type import: a default import would
// put `import ipaddr from` into the .d.ts, an error for projects without esModuleInterop.
import type { IPv6 } from "ipaddr.js";

/** An IPv6 address's trailing dotted-quad part (the IPv4 in `::ffff:1.2.3.4`). */
const EMBEDDED_V4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/;

/**
 * An IPv6 address as RFC 4291 reads it, or undefined when it is none. Node's
 * checker decides (it refuses `::ffff:010.0.0.1` and `::ffff:0x7f.0.0.1`,
 * which ipaddr.js reads as 10.0.0.1 and 127.0.0.1), and a trailing dotted
 * quad is written as its two hex groups before ipaddr.js parses: it reads the
 * deprecated IPv4-compatible `::8.8.8.8` (`::808:808`) as the IPv4-mapped
 * `::ffff:8.8.8.8`, another address. A zone id (`%eth0`, `%eth0.1`) is
 * dropped: it names the interface, not the address (ipaddr.js refuses some that Node takes).
 */
export function parseIPv6(text: string): IPv6 | undefined {
  if (!net.isIPv6(text)) return undefined;
  const zoneAt = text.indexOf("%");
  const address = zoneAt < 0 ? text : text.slice(0, zoneAt);
  const m = EMBEDDED_V4.exec(address);
  const hex = m ? `${m[1]}${((Number(m[2]) << 8) | Number(m[3])).toString(16)}:${((Number(m[4]) << 8) | Number(m[5])).toString(16)}` : address;
  return ipaddr.IPv6.parse(hex);
}

/**
 * Whether an IPv6 address is IPv4-mapped (::ffff:0:0/96), from its groups: ipaddr.js's `isIPv4MappedAddress` matches
 * the address against every special range to name its range first (most of an IPv6 geolocation's classification).
 */
export function isIPv4Mapped(v6: IPv6): boolean {
  const p = v6.parts;
  return p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0xffff;
}
