import assert from "node:assert/strict";
import { test } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";
import { IPV4_EMBEDDING_RANGES, IPV4_RANGES, IPV6_GLOBAL_EXCEPTIONS, IPV6_RANGES, ipType, type IpType } from "../../src/context/ipType";
import { nonGlobalIpReason } from "../../src/context/iocType";

test("the pinned classification table: one address per range, both families", () => {
  const cases: Array<[string, IpType]> = [
    // IPv4
    ["0.0.0.0", "Unspecified"],
    ["0.1.2.3", "Reserved"],
    ["10.0.3.5", "Private"],
    ["100.64.0.1", "Private"],
    ["127.0.0.1", "Loopback"],
    ["127.255.255.254", "Loopback"],
    ["169.254.10.1", "Link Local"],
    ["172.16.0.1", "Private"],
    ["172.31.255.255", "Private"],
    ["172.32.0.1", "Public"],
    ["192.0.0.8", "Reserved"],
    // IANA: globally reachable inside 192.0.0.0/24 (PCP and TURN anycast); Python's is_global too.
    ["192.0.0.9", "Public"],
    ["192.0.0.10", "Public"],
    ["192.0.0.11", "Reserved"],
    ["::ffff:192.0.0.9", "Public"],
    ["192.0.2.1", "Reserved"],
    ["192.88.99.1", "Reserved"],
    ["192.168.1.1", "Private"],
    ["198.18.0.1", "Reserved"],
    ["198.51.100.7", "Reserved"],
    ["203.0.113.9", "Reserved"],
    ["224.0.0.251", "Multicast"],
    ["239.255.255.250", "Multicast"],
    ["240.0.0.1", "Reserved"],
    ["255.255.255.255", "Reserved"],
    ["8.8.8.8", "Public"],
    ["131.107.147.209", "Public"],
    // IPv6
    ["::", "Unspecified"],
    ["::1", "Loopback"],
    ["::ffff:10.0.0.1", "Private"],
    ["::ffff:8.8.8.8", "Public"],
    ["64:ff9b:1::1", "Private"],
    ["100::1", "Reserved"],
    ["2001:db8::1", "Reserved"],
    ["2001:0::1", "Reserved"],
    ["2606:4700:4700::1111", "Public"],
    ["2a00:1450:4009:80b::200e", "Public"],
    ["fd12:3456:789a::1", "Private"],
    ["fe80::1", "Link Local"],
    ["fe80::1%eth0", "Link Local"],
    ["fec0::1", "Reserved"],
    ["ff02::1", "Multicast"],
    ["4000::1", "Reserved"],
    ["3fff::1", "Reserved"],
    ["3fff:fff:ffff::1", "Reserved"],
    ["3fff:1000::1", "Public"],
  ];
  for (const [ip, expected] of cases) assert.equal(ipType(ip), expected, ip);
  assert.equal(IPV4_RANGES.length, 17);
  assert.equal(IPV6_RANGES.length, 11);
  assert.equal(IPV4_EMBEDDING_RANGES.length, 3);
});

// IANA's IPv6 special-purpose registry marks some prefixes inside 2001::/23 globally reachable (anycast services,
// AMT, AS112, ORCHIDv2, DRIP): Public, as Python ≥ 3.12.4 has them; the rest of 2001::/23 stays Reserved.
test("the globally reachable prefixes inside 2001::/23 are Public, the rest of it Reserved", () => {
  const cases: [string, IpType][] = [
    ["2001:1::1", "Public"],
    ["2001:1::2", "Public"],
    ["2001:1::3", "Public"],
    ["2001:1::4", "Reserved"],
    ["2001:2::1", "Reserved"],
    ["2001:3::1", "Public"],
    ["2001:3:ffff::1", "Public"],
    ["2001:4:112::1", "Public"],
    ["2001:4:113::1", "Reserved"],
    ["2001:10::1", "Reserved"],
    ["2001:20::1", "Public"],
    ["2001:2f:ffff::1", "Public"],
    ["2001:30::1", "Public"],
    ["2001:40::1", "Reserved"],
    ["2001:1ff::1", "Reserved"],
    ["2001:200::1", "Public"],
  ];
  for (const [ip, expected] of cases) assert.equal(ipType(ip), expected, ip);
  assert.equal(IPV6_GLOBAL_EXCEPTIONS.length, 7);
  assert.equal(nonGlobalIpReason("2001:4:112::1"), undefined, "a Public address has nothing to explain");
});

// Where IANA's registries and MSTICPy (Python 3.11 `ipaddress`) part, per prefix (see the comments of IPV6_RANGES
// and IPV4_EMBEDDING_RANGES): 64:ff9b::/96 is globally reachable for IANA and global for Python, so Public with a
// Public IPv4 (it was Reserved here, outside 2000::/3); 3fff::/20 is documentation (RFC 9637), not globally
// reachable for IANA but global for Python 3.11: Reserved, as 2001:db8::/32.
test("NAT64 64:ff9b::/96 with a public IPv4 is Public (IANA, MSTICPy); 3fff::/20 documentation is Reserved (IANA; MSTICPy: Public)", () => {
  assert.equal(ipType("64:ff9b::45.83.66.10"), "Public");
  assert.equal(ipType("64:ff9b::2d53:420a"), "Public");
  assert.equal(ipType("64:ff9b::8.8.8.8"), "Public");
  assert.equal(nonGlobalIpReason("64:ff9b::8.8.8.8"), undefined);
  // Outside the /96 (64:ff9b::/32 beyond it and 64:ff9b:1::/48 local use) nothing changes.
  assert.equal(ipType("64:ff9b:0:0:1::808:808"), "Reserved");
  assert.equal(ipType("64:ff9b:1::808:808"), "Private");
  assert.equal(ipType("3fff::"), "Reserved");
  assert.equal(nonGlobalIpReason("3fff:abc::1"), "a reserved address");
});

test("6to4, Teredo and NAT64 addresses carrying a non-public IPv4 are that IPv4's side: private ones Private, others Reserved", () => {
  const cases: Array<[string, IpType, string | undefined]> = [
    // 6to4 2002:AABB:CCDD::/48 = A.B.C.D
    ["2002:c0a8:0101::1", "Private", "a 6to4 address of 192.168.1.1 (a private address)"],
    ["2002:c0a8:101:5::1", "Private", "a 6to4 address of 192.168.1.1 (a private address)"],
    ["2002:0a00:0001::1", "Private", "a 6to4 address of 10.0.0.1 (a private address)"],
    ["2002:ac10:0001::", "Private", "a 6to4 address of 172.16.0.1 (a private address)"],
    ["2002:6440:0001::1", "Private", "a 6to4 address of 100.64.0.1 (a carrier-grade NAT address)"],
    ["2002:7f00:0001::1", "Reserved", "a 6to4 address of 127.0.0.1 (a loopback address)"],
    ["2002:a9fe:0101::1", "Reserved", "a 6to4 address of 169.254.1.1 (a link-local address)"],
    ["2002:c000:0201::1", "Reserved", "a 6to4 address of 192.0.2.1 (a reserved address)"],
    ["2002::1", "Reserved", "a 6to4 address of 0.0.0.0 (the unspecified address)"],
    ["2002:2d53:420a::1", "Public", undefined],
    ["2002:0808:0808::", "Public", undefined],
    // Teredo 2001:0:SERVER:FLAGS:PORT:~CLIENT (the client's IPv4 inverted)
    ["2001:0:4136:e378:8000:63bf:3f57:fefe", "Private", "a Teredo address of 192.168.1.1 (a private address)"],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "Private", "a Teredo address of 10.0.0.1 (a private address)"],
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Reserved", "a Teredo address of 127.0.0.1 (a loopback address)"],
    // With a public client, Teredo stays inside 2001::/23: Reserved, as before.
    ["2001:0:4136:e378:8000:63bf:d2ac:bdf5", "Reserved", "a reserved address"],
    // NAT64 well-known prefix: the last 32 bits.
    ["64:ff9b::192.168.1.1", "Private", "a NAT64 address of 192.168.1.1 (a private address)"],
    ["64:ff9b::c0a8:101", "Private", "a NAT64 address of 192.168.1.1 (a private address)"],
    ["64:ff9b::10.1.2.3", "Private", "a NAT64 address of 10.1.2.3 (a private address)"],
    ["64:ff9b::127.0.0.1", "Reserved", "a NAT64 address of 127.0.0.1 (a loopback address)"],
    ["64:ff9b::224.0.0.1", "Reserved", "a NAT64 address of 224.0.0.1 (a multicast address)"],
  ];
  for (const [ip, type, reason] of cases) {
    assert.equal(ipType(ip), type, ip);
    assert.equal(nonGlobalIpReason(ip), reason, ip);
  }
  // A zone id or upper case changes nothing; an IPv4-mapped address stays its IPv4.
  assert.equal(ipType("2002:C0A8:0101::1%eth0"), "Private");
  assert.equal(ipType("::ffff:192.168.1.1"), "Private");
});

test("invalid input is an explicit 'Invalid', never an exception", () => {
  for (const bad of ["-", "", "   ", "not an ip", "256.1.1.1", "1.2.3", "010.1.1.1", "1.2.3.4.5", "::g", "1::2::3", null, undefined]) {
    assert.equal(ipType(bad), "Invalid", String(bad));
  }
  assert.equal(ipType(" 10.0.0.1 "), "Private", "surrounding spaces are trimmed");
});

test("IPv6 with a dotted quad: IPv4-compatible is not IPv4-mapped; octal or hex octets are no address", () => {
  // ::a.b.c.d is ::xxxx:yyyy (RFC 4291 2.5.5.1, deprecated), unlisted outside 2000::/3: Reserved, not the IPv4's kind.
  assert.equal(ipType("::127.0.0.1"), "Reserved");
  assert.equal(ipType("::10.0.0.1"), "Reserved");
  assert.equal(ipType("::8.8.8.8"), "Reserved");
  assert.equal(ipType("::7f00:1"), "Reserved", "the same address in hex");
  assert.equal(ipType("::ffff:127.0.0.1"), "Loopback", "IPv4-mapped takes the IPv4's kind");
  assert.equal(ipType("0:0:0:0:0:ffff:10.0.0.1"), "Private");
  assert.equal(ipType("::ffff:8.8.8.8%eth0"), "Public", "a zone id is allowed");
  assert.equal(ipType("fe80::1%eth0.1"), "Link Local", "any zone id Node takes (ipaddr.js refuses this one)");
  assert.equal(ipType("::0.0.0.1"), "Loopback", "::0.0.0.1 is ::1");
  // As for plain IPv4 (010.1.1.1 is Invalid): Python's ipaddress and Node refuse these.
  for (const bad of ["::ffff:010.0.0.1", "::ffff:0x7f.0.0.1", "::ffff:1.2.3", "::ffff:256.0.0.1"]) assert.equal(ipType(bad), "Invalid", bad);
});

test("lab data: VM addresses Private, public logon source Public, ::1 Loopback, '-' Invalid (MSTICPy: Unspecified)", async () => {
  const qp = new QueryProvider("LocalData");
  const logons = await qp.WindowsSecurity.list_host_logons();
  const kinds = new Map<string, IpType>();
  for (const ip of logons.getColumn("IpAddress").toArray() as unknown as string[]) kinds.set(ip, ipType(ip));
  assert.equal(kinds.get("131.107.147.209"), "Public");
  assert.equal(kinds.get("::1"), "Loopback");
  assert.equal(kinds.get("-"), "Invalid");
  const net = await qp.Network.list_azure_network_flows_by_ip();
  const vm = new Set((net.getColumn("VMIPAddress").toArray() as unknown as (string | null)[]).filter((ip): ip is string => ip !== null));
  assert.ok(vm.size > 0);
  for (const ip of vm) assert.equal(ipType(ip), "Private", ip);
  // PublicIPs holds Python-list text ("['13.65.107.32', '40.124.45.19']"): every address in it is Public.
  const publicIps = (net.getColumn("PublicIPs").toArray() as unknown as (string | null)[]).flatMap((s) => (s ?? "").match(/[0-9.]+(?=')/g) ?? []);
  assert.ok(publicIps.length > 10);
  for (const ip of publicIps) assert.equal(ipType(ip), "Public", ip);
});

test("TI's internal-address rule reads the same table: it refuses exactly the non-Public addresses", () => {
  const cases: Array<[string, string | undefined]> = [
    ["10.1.2.3", "a private address"],
    ["172.16.5.4", "a private address"],
    ["192.168.0.1", "a private address"],
    ["127.0.0.1", "a loopback address"],
    ["::1", "a loopback address"],
    ["169.254.1.1", "a link-local address"],
    ["fe80::1", "a link-local address"],
    ["100.64.0.1", "a carrier-grade NAT address"],
    ["100.127.255.254", "a carrier-grade NAT address"],
    ["224.0.0.1", "a multicast address"],
    ["ff02::1", "a multicast address"],
    ["240.0.0.1", "a reserved address"],
    ["255.255.255.255", "the broadcast address"],
    ["198.18.0.1", "a reserved address"],
    ["198.19.255.255", "a reserved address"],
    ["192.0.2.1", "a reserved address"],
    ["198.51.100.1", "a reserved address"],
    ["203.0.113.1", "a reserved address"],
    ["2001:db8::1", "a reserved address"],
    ["fc00::1", "a unique-local (private) address"],
    ["fd12:3456:789a::1", "a unique-local (private) address"],
    ["::ffff:10.0.0.1", "a private address"],
    ["::ffff:8.8.8.8", undefined],
    ["0.0.0.0", "the unspecified address"],
    ["::", "the unspecified address"],
    ["8.8.8.8", undefined],
    ["131.107.147.209", undefined],
    ["2606:4700:4700::1111", undefined],
    ["not an ip", "not a valid IP address"],
  ];
  for (const [ip, reason] of cases) {
    assert.equal(nonGlobalIpReason(ip), reason, ip);
    assert.equal(nonGlobalIpReason(ip) === undefined, ipType(ip) === "Public", ip);
  }
  // Every listed range is refused, from its first address on.
  for (const [cidr] of [...IPV4_RANGES, ...IPV6_RANGES]) {
    const first = cidr.split("/")[0];
    assert.notEqual(ipType(first), "Public", cidr);
    assert.ok(nonGlobalIpReason(first), cidr);
  }
});
