import net from "node:net";

/**
 * The address of a single-host prefix (`8.8.8.8/32`, `2001:db8::1/128`), else the text. Firewall rules, block lists,
 * NSG flow logs and SIEM exports write one address so: a /32 (IPv4) or /128 (IPv6) names exactly that address, so it
 * is looked up, located and keyed as the address. A wider prefix (`10.0.0.0/8`) is a network and stays as written.
 */
export function withoutHostPrefix(text: string): string {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return text;
  const bits = text.slice(slash + 1);
  const address = text.slice(0, slash);
  if (bits === "32") return net.isIPv4(address) ? address : text;
  if (bits === "128") return net.isIPv6(address) ? address : text;
  return text;
}

/**
 * Whether `text` is an IP network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`): an address (node:net's test),
 * a slash and a prefix length in range, written without leading zeros.
 */
export function isIpNetwork(text: string): boolean {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return false;
  const bits = text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(bits)) return false;
  const family = net.isIP(text.slice(0, slash));
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}
