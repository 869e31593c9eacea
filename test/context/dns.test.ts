/**
 * dnsResolve and dnsReverse against a DNS server of our own on 127.0.0.1
 * (dns2, with a TCP twin for truncated answers): no internet needed.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { after, before, test } from "node:test";
import dns2 from "dns2";
import packet from "dns-packet";
import pl from "nodejs-polars";
import { dnsResolve, dnsReverse, DnsError, reverseName } from "../../src/context/dns";
import { settledWithin } from "../helpers/race";

const { Packet } = dns2;

type Record_ = Record<string, unknown> & { type: number; ttl?: number };
const ZONE: Record<string, Record_[]> = {
  "example.test": [
    { type: Packet.TYPE.A, address: "192.0.2.10", ttl: 300 },
    { type: Packet.TYPE.A, address: "192.0.2.11", ttl: 120 },
    { type: Packet.TYPE.AAAA, address: "2001:db8::10", ttl: 300 },
    { type: Packet.TYPE.MX, exchange: "mail.example.test", priority: 10, ttl: 300 },
    { type: Packet.TYPE.TXT, data: "v=spf1 -all", ttl: 300 },
  ],
  "www.example.test": [{ type: Packet.TYPE.CNAME, domain: "example.test", ttl: 300 }],
  "10.2.0.192.in-addr.arpa": [{ type: Packet.TYPE.PTR, domain: "host10.example.test", ttl: 300 }],
  // Aliases of names with other record types than A.
  "mxalias.example.test": [{ type: Packet.TYPE.CNAME, domain: "mxhost.example.test", ttl: 60 }],
  "mxhost.example.test": [
    { type: Packet.TYPE.MX, exchange: "mail.example.test", priority: 10, ttl: 300 },
    { type: Packet.TYPE.TXT, data: "mx host", ttl: 300 },
  ],
  // TXT strings as bytes: UTF-8 (one record of two strings), invalid UTF-8 with a NUL, a control, a backslash.
  "bytes.example.test": [
    { type: Packet.TYPE.TXT, data: [Buffer.from("über "), Buffer.from("café")], ttl: 300 },
    { type: Packet.TYPE.TXT, data: [Buffer.from([0xff, 0x00, 0x78])], ttl: 300 },
    { type: Packet.TYPE.TXT, data: [Buffer.from("a\u0007b\u0085c\\d")], ttl: 300 },
  ],
  "xn--tda.example.test": [{ type: Packet.TYPE.A, address: "192.0.2.9", ttl: 300 }],
  "loop1.example.test": [{ type: Packet.TYPE.CNAME, domain: "loop2.example.test", ttl: 300 }],
  "loop2.example.test": [{ type: Packet.TYPE.CNAME, domain: "loop1.example.test", ttl: 300 }],
  // c0 → c1 → … → c17 → example.test: 18 CNAMEs, more than dnspython follows (15).
  ...Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`c${i}.example.test`, [{ type: Packet.TYPE.CNAME, domain: i < 17 ? `c${i + 1}.example.test` : "example.test", ttl: 300 }]])),
};

/** A records of another owner (www.bank.test) in the answer to `type`. */
const injected = (type: number) => ({
  name: "www.bank.test",
  type,
  class: Packet.CLASS.IN,
  ttl: 300,
  ...(type === Packet.TYPE.MX ? { exchange: "evil.test", priority: 10 } : type === Packet.TYPE.TXT ? { data: "injected" } : { address: "6.6.6.6" }),
});

let server: ReturnType<typeof dns2.createServer>;
let tcpServer: ReturnType<typeof dns2.createTCPServer>; // same port as the UDP server, for truncated answers
let looping: dgram.Socket; // answers with a name whose compression pointer points at itself
let loopingPort = 0;
let port = 0;
let silent: dgram.Socket; // binds a port and never answers
let silentPort = 0;
const closedPort = 9; // "discard": nothing listens there on a test machine
let queries = 0;

before(async () => {
  const handle = (request: InstanceType<typeof Packet>, send: (response: InstanceType<typeof Packet>) => void, tcp: boolean) => {
      queries++;
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const name = q.name.toLowerCase();
      // Another owner's records, alone or beside the asked name's own.
      if (name === "poison.example.test" || name === "poisonmix.example.test") {
        if (name === "poisonmix.example.test") response.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 300, address: "192.0.2.20" } as never);
        response.answers.push(injected(q.type) as never);
        send(response);
        return;
      }
      // First a response with another id (a spoofed or stale one), then the response.
      if (name === "wrongid.example.test") {
        const spoofed = Packet.createResponseFromRequest(request);
        spoofed.header.id = (request.header.id + 1) & 0xffff;
        spoofed.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 300, address: "6.6.6.6" } as never);
        send(spoofed);
        response.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 300, address: "192.0.2.50" } as never);
        send(response);
        return;
      }
      // Truncated over UDP; the answer over TCP.
      if (name === "tc.example.test") {
        if (tcp) response.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 300, address: "192.0.2.77" } as never);
        else response.header.tc = 1;
        send(response);
        return;
      }
      const records = ZONE[name];
      if (!records) {
        response.header.rcode = Packet.RCODE.NXDOMAIN;
        send(response);
        return;
      }
      // Follow aliases inside the zone, as a recursive server would (once round a loop).
      const seen = new Set<string>();
      for (let owner = q.name, here = records; here && !seen.has(owner.toLowerCase()); here = ZONE[owner.toLowerCase()]) {
        seen.add(owner.toLowerCase());
        const cname = here.find((r) => r.type === Packet.TYPE.CNAME);
        if (!cname || q.type === Packet.TYPE.CNAME) {
          for (const r of here.filter((r) => r.type === q.type)) response.answers.push({ name: owner, class: Packet.CLASS.IN, ...r } as never);
          break;
        }
        response.answers.push({ name: owner, class: Packet.CLASS.IN, ...cname } as never);
        owner = String(cname.domain);
      }
      send(response);
  };
  server = dns2.createServer({ udp: true, handle: (request, send) => handle(request, send, false) });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  port = addresses.udp?.port ?? 0;
  tcpServer = dns2.createTCPServer((request, send) => handle(request, send, true));
  await new Promise<void>((resolve) => tcpServer.listen(port, "127.0.0.1", resolve));
  looping = dgram.createSocket("udp4");
  looping.on("message", (query, from) => {
    // The query's header and question, then one A record whose owner name is a pointer to itself.
    const question = query.subarray(12);
    const header = Buffer.from([query[0], query[1], 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]);
    const self = 12 + question.length;
    const record = Buffer.from([0xc0 | (self >> 8), self & 0xff, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1]);
    looping.send(Buffer.concat([header, question, record]), from.port, from.address);
  });
  await new Promise<void>((resolve) => looping.bind(0, "127.0.0.1", resolve));
  loopingPort = looping.address().port;
  silent = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
  silentPort = silent.address().port;
});

after(async () => {
  await server.close();
  await new Promise((resolve) => tcpServer.close(resolve));
  looping.close();
  silent.close();
});

/**
 * The deadline of a question our own servers answer: long, so that a loaded machine (the servers share the test's
 * event loop) is not a TIMEOUT; only a question that gets no answer waits for it.
 */
const ANSWERED_MS = 60_000;
const at = () => ({ nameserver: "127.0.0.1", port, timeoutMs: ANSWERED_MS });

test("A records: MSTICPy's fields, the TTL as expiration, canonical name", async () => {
  const t0 = Date.now();
  const r = await dnsResolve("example.test", at());
  assert.equal(r.status, "NOERROR");
  assert.equal(r.error, null);
  assert.equal(r.qname, "example.test.");
  assert.equal(r.rdtype, "A");
  assert.equal(r.rdclass, "IN");
  assert.equal(r.nameserver, "127.0.0.1");
  assert.equal(r.port, port);
  assert.equal(r.canonical_name, "example.test.");
  assert.deepEqual([...r.rrset].sort(), ["192.0.2.10", "192.0.2.11"]);
  // expiration = query time + the lowest TTL (120 s)
  assert.ok(r.expiration instanceof Date);
  const ttl = (r.expiration.getTime() - t0) / 1000;
  assert.ok(ttl > 115 && ttl <= 121, `ttl ${ttl}`);
  assert.match(r.response, /;ANSWER\nexample\.test\. 120 IN A 192\.0\.2\.1[01]/);
});

test("AAAA, MX, TXT, CNAME (and an alias resolved to its canonical name)", async () => {
  assert.deepEqual((await dnsResolve("example.test", { ...at(), rdtype: "AAAA" })).rrset, ["2001:db8::10"]);
  assert.deepEqual((await dnsResolve("example.test", { ...at(), rdtype: "MX" })).rrset, ["10 mail.example.test."]);
  assert.deepEqual((await dnsResolve("example.test", { ...at(), rdtype: "txt" })).rrset, ["v=spf1 -all"]);
  assert.deepEqual((await dnsResolve("www.example.test", { ...at(), rdtype: "CNAME" })).rrset, ["example.test."]);
  const alias = await dnsResolve("www.example.test.", at());
  assert.equal(alias.qname, "www.example.test.");
  assert.equal(alias.canonical_name, "example.test.");
  assert.deepEqual([...alias.rrset].sort(), ["192.0.2.10", "192.0.2.11"]);
});

test("NXDOMAIN and NODATA are structured results, not exceptions", async () => {
  const nx = await dnsResolve("nothere.example.test", at());
  assert.equal(nx.status, "NXDOMAIN");
  assert.deepEqual(nx.rrset, []);
  assert.equal(nx.canonical_name, null);
  assert.equal(nx.expiration, null);
  assert.match(String(nx.error), /^NXDOMAIN: .*nothere\.example\.test.*\(name server 127\.0\.0\.1:\d+\)$/);
  const nodata = await dnsResolve("example.test", { ...at(), rdtype: "NS" });
  assert.equal(nodata.status, "NODATA");
  assert.deepEqual(nodata.rrset, []);
  assert.match(String(nodata.error), /^NODATA: /);
});

test("a name server that never answers: TIMEOUT within the deadline", async () => {
  const r = await settledWithin(dnsResolve("example.test", { nameserver: "127.0.0.1", port: silentPort, timeoutMs: 400 }), 1200);
  assert.ok(r !== "late", "not settled within three times the deadline");
  assert.equal(r.status, "TIMEOUT");
  assert.deepEqual(r.rrset, []);
  assert.match(String(r.error), /^TIMEOUT: /);
});

test("a port with no server: a quick structured failure", async () => {
  const r = await settledWithin(dnsResolve("example.test", { nameserver: "127.0.0.1", port: closedPort, timeoutMs: 1000 }), 2500);
  assert.ok(r !== "late", "not settled within 2.5 times the deadline");
  assert.ok(["NETWORK", "TIMEOUT", "REFUSED"].includes(r.status), r.status);
  assert.deepEqual(r.rrset, []);
});

test("reverse look-up of IPv4 and IPv6 addresses", async () => {
  assert.equal(reverseName("192.0.2.10"), "10.2.0.192.in-addr.arpa");
  assert.equal(reverseName("2001:db8::1"), "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  // Python's ipaddress.ip_address(…).reverse_pointer: IPv4-compatible ::8.8.8.8 is ::808:808, not ::ffff:808:808.
  assert.equal(reverseName("::8.8.8.8"), "8.0.8.0.8.0.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
  // An IPv4-mapped address is the IPv4 host's name, as dnspython's reversename.from_address (MSTICPy's ip_rev_resolve) writes it.
  assert.equal(reverseName("::ffff:8.8.8.8"), "8.8.8.8.in-addr.arpa");
  assert.equal(reverseName("::FFFF:2d53:420a"), "10.66.83.45.in-addr.arpa");
  // A null cell from a column is a DnsError, not a TypeError.
  assert.throws(() => reverseName(null as unknown as string), { code: "context/dns-not-an-ip" });
  assert.throws(() => reverseName("::ffff:010.0.0.1"), { code: "context/dns-not-an-ip" });
  const r = await dnsReverse("192.0.2.10", at());
  assert.equal(r.status, "NOERROR");
  assert.equal(r.rdtype, "PTR");
  assert.equal(r.qname, "10.2.0.192.in-addr.arpa.");
  assert.deepEqual(r.rrset, ["host10.example.test."]);
  const none = await dnsReverse("2001:db8::1", at());
  assert.equal(none.status, "NXDOMAIN");
  assert.throws(() => reverseName("not-an-ip"), (err: Error) => err instanceof DnsError && err.code === "context/dns-not-an-ip" && err.message.includes('"not-an-ip"'));
});

test("names c-ares would cut or rewrite (NUL, controls, escapes, un-encodable) are EBADNAME results, never sent", async () => {
  const spaced = await dnsResolve("evil .com", at());
  assert.equal(spaced.status, "ERROR");
  assert.match(String(spaced.error), /^ERROR: queryA EBADNAME /);
  const cases: [string, RegExp][] = [
    ["evil.com.\u0000.good.com", /U\+0000/],
    ["a\u0000b.com", /U\+0000/],
    ["example.test\u0000", /U\+0000/],
    ["\u0000example.test", /U\+0000/],
    ["a\u0001b.example.test", /U\+0001/],
    ["a\u007fb.example.test", /U\+007F/],
    ["a\u0085b.example.test", /U\+0085/],
    ["a\u2028b.example.test", /U\+2028/],
    ["a\ud800b.example.test", /U\+D800/],
    ["example\\.test", /backslash/],
    ["\\101xample.test", /backslash/],
    ["a\u3000b.example.test", /IDNA/],
    // ASCII, but a punycode label that does not decode: Node sent the root and reported its answer.
    ["xn--zz.example.test", /IDNA/],
    ["XN--.example.test", /IDNA/],
  ];
  for (const [name, why] of cases) {
    const before = queries;
    for (const rdtype of ["A", "MX"] as const) {
      const r = await dnsResolve(name, { ...at(), rdtype });
      assert.equal(r.status, "ERROR", JSON.stringify(name));
      assert.equal(r.qname, `${name}.`, "qname is the name asked for");
      assert.deepEqual([r.rrset, r.canonical_name, r.expiration], [[], null, null]);
      assert.match(String(r.error), new RegExp(`^ERROR: query${rdtype === "A" ? "A" : "Mx"} EBADNAME `), JSON.stringify(name));
      assert.match(String(r.error), why, JSON.stringify(name));
      assert.match(String(r.error), /\(name server 127\.0\.0\.1:\d+\)$/);
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028]/.test(String(r.error)), "the message shows control characters escaped");
      assert.match(r.response, /;STATUS\nERROR EBADNAME$/);
    }
    assert.equal(queries, before, `nothing was asked for ${JSON.stringify(name)}`);
  }
  // One trailing dot is the root's; a second is an empty label (c-ares asked for example.test, and for ".." the root).
  for (const name of ["example.test..", ".."]) {
    const before = queries;
    const r = await dnsResolve(name, at());
    assert.deepEqual([r.status, r.qname, r.rrset], ["ERROR", name, []], name);
    assert.match(String(r.error), /^ERROR: queryA EBADNAME .*: an empty label/, name);
    assert.equal(queries, before, `nothing was asked for ${JSON.stringify(name)}`);
  }
  assert.equal((await dnsResolve("example.test.", at())).status, "NOERROR", "one trailing dot is fine");
  // Internationalised names IDNA encodes still resolve (asked as xn--…).
  assert.equal((await dnsResolve("bücher.example.test", at())).status, "NXDOMAIN");
});

test("bad arguments throw DnsError, naming the problem", async () => {
  await assert.rejects(dnsResolve("", at()), { name: "DnsError", code: "context/dns-empty-domain" });
  await assert.rejects(dnsResolve("example.test", { ...at(), rdtype: "AXFR" as never }), { name: "DnsError", code: "context/dns-record-type", message: /"AXFR"/ });
  await assert.rejects(dnsResolve("example.test", { nameserver: "dns.example" }), { name: "DnsError", code: "context/dns-option", message: /nameserver.*"dns\.example"/ });
  // A misspelt option was ignored: `rdType: "MX"` sent an A query.
  await assert.rejects(dnsResolve("example.test", { rdType: "MX" } as never), { name: "DnsError", code: "context/dns-option", message: /^dnsResolve: unknown option rdType \(did you mean rdtype\?\)/ });
  await assert.rejects(dnsReverse("8.8.8.8", { timeoutMS: 10 } as never), { code: "context/dns-option", message: /^dnsReverse: unknown option timeoutMS \(did you mean timeoutMs\?\); its options are nameserver, port, timeoutMs, tries\.$/ });
  await assert.rejects(dnsReverse("10.0.0"), (err: Error) => err instanceof DnsError && err.code === "context/dns-not-an-ip" && err.message.includes('"10.0.0"'));
  // Node wrapped port 99999 to 34463 (asking another port), threw a bare TypeError for -1 and a RangeError for
  // a timeout past 2^31 - 1 ms; 100,000 tries against a refusing server ran 5 s past a 500 ms deadline.
  const option = (message: RegExp) => ({ name: "DnsError", code: "context/dns-option", message });
  await assert.rejects(dnsResolve("example.test", { nameserver: "127.0.0.1:99999" }), option(/nameserver's port \("127\.0\.0\.1:99999"\).*got 99999/));
  await assert.rejects(dnsResolve("example.test", { nameserver: "127.0.0.1", port: -1 }), option(/port must be a port number from 1 to 65535 \(got -1\)/));
  await assert.rejects(dnsResolve("example.test", { nameserver: "[::1]:70000" }), option(/got 70000/));
  await assert.rejects(dnsResolve("example.test", { ...at(), timeoutMs: 2 ** 31 }), option(/timeoutMs .*got 2147483648/));
  await assert.rejects(dnsResolve("example.test", { ...at(), timeoutMs: Infinity }), option(/timeoutMs .*got Infinity/));
  await assert.rejects(dnsResolve("example.test", { nameserver: "127.0.0.1", port: closedPort, tries: 100_000, timeoutMs: 500 }), option(/tries .*got 100000/));
  assert.equal((await dnsResolve("example.test", { ...at(), tries: 3 })).status, "NOERROR");
  assert.ok(queries > 0, "the local server answered");
});

test("plain JavaScript arguments: a DataFrame (sent as its printed table), a list or a number is refused, not asked; option values of the wrong kind and null options are refused (timeoutMs: \"300\" was taken)", async () => {
  const before = queries;
  const input = (given: string, fn = "dnsResolve", what = "domain") => ({
    name: "DnsError",
    code: "context/dns-input",
    message: new RegExp(`^${fn}: looks up one ${what}, given as text, not ${given}; for several, one call each: await Promise\\.all\\(names\\.map\\(\\(name\\) => ${fn}\\(name\\)\\)\\)$`),
  });
  await assert.rejects(dnsResolve(pl.DataFrame({ d: ["example.test"] }) as never, at()), input("a DataFrame"));
  await assert.rejects(dnsResolve(["example.test"] as never, at()), input("an array of 1 value"));
  await assert.rejects(dnsResolve(5 as never, at()), input("a number \\(5\\)"));
  await assert.rejects(dnsReverse(["8.8.8.8"] as never, at()), input("an array of 1 value", "dnsReverse", "IP address"));
  assert.equal(queries, before, "nothing was sent");
  const option = (message: RegExp) => ({ name: "DnsError", code: "context/dns-option", message });
  await assert.rejects(dnsResolve("example.test", { ...at(), timeoutMs: "300" } as never), option(/^dnsResolve: timeoutMs must be a number of milliseconds up to 2147483647 \(got "300" \(text\)\)\.$/));
  await assert.rejects(dnsResolve("example.test", { nameserver: ["127.0.0.1"] } as never), option(/^dnsResolve: nameserver must be one name server's IP address as text .*\(got a list\)\.$/));
  await assert.rejects(dnsResolve("example.test", { ...at(), rdtype: 15 } as never), option(/^dnsResolve: rdtype must be a record type \(A, AAAA, /));
  await assert.rejects(dnsResolve("example.test", null as never), option(/^dnsResolve: the second argument is an options object such as \{ rdtype: "MX", timeoutMs: 2000 \}, not null\.$/));
  await assert.rejects(dnsReverse("8.8.8.8", "MX" as never), option(/^dnsReverse: the second argument is an options object .*, not text \(2 characters\)\.$/));
});

test("an alias's canonical name is its chain's end for every record type, as dnspython gives it", async () => {
  const mx = await dnsResolve("mxalias.example.test", { ...at(), rdtype: "MX" });
  assert.deepEqual([mx.status, mx.qname, mx.canonical_name, mx.rrset], ["NOERROR", "mxalias.example.test.", "mxhost.example.test.", ["10 mail.example.test."]]);
  assert.match(mx.response, /;ANSWER\nmxhost\.example\.test\. 60 IN MX 10 mail\.example\.test\.$/);
  const txt = await dnsResolve("mxalias.example.test", { ...at(), rdtype: "TXT" });
  assert.deepEqual([txt.canonical_name, txt.rrset], ["mxhost.example.test.", ["mx host"]]);
  // A CNAME question is answered for the name itself.
  assert.equal((await dnsResolve("mxalias.example.test", { ...at(), rdtype: "CNAME" })).canonical_name, "mxalias.example.test.");
});

test("TXT strings: UTF-8 decoded, other bytes and controls escaped as \\DDD (dnspython's escape), strings of a record joined", async () => {
  const r = await dnsResolve("bytes.example.test", { ...at(), rdtype: "TXT" });
  assert.equal(r.status, "NOERROR");
  // Was Latin-1: "Ã¼ber cafÃ©", "ÿ\u0000x", "a\u0007b\u0085c\\d".
  assert.deepEqual([...r.rrset].sort(), ["a\\007b\\194\\133c\\\\d", "über café", "\\255\\000x"].sort());
  assert.ok(!r.response.includes("\u0000"));
});

test("an internationalised name is shown as the name asked (IDNA's ASCII form), as dnspython shows it", async () => {
  for (const name of ["ü.example.test", "Ü.example.test."]) {
    const r = await dnsResolve(name, at());
    assert.deepEqual([r.status, r.qname, r.canonical_name, r.rrset], ["NOERROR", "xn--tda.example.test.", "xn--tda.example.test.", ["192.0.2.9"]], name);
    assert.match(r.response, /^;QUESTION\nxn--tda\.example\.test\. IN A\n/);
  }
  // U+3002 (ideographic full stop) is a dot to IDNA.
  const dotted = await dnsResolve("example\u3002test", at());
  assert.deepEqual([dotted.qname, dotted.canonical_name], ["example.test.", "example.test."]);
  // An ASCII name keeps its case (DNS ignores it; dnspython keeps it too).
  assert.equal((await dnsResolve("Example.TEST", at())).qname, "Example.TEST.");
});

test("names longer than 253 octets or with a label over 63 are refused before sending (dnspython: NameTooLong, LabelTooLong)", async () => {
  const label = (n: number, c = "b") => c.repeat(n);
  const name254 = [label(63), label(63), label(63), label(62)].join(".");
  const cases: [string, RegExp][] = [
    [name254, /the name is 254 octets long, more than 253/],
    [`${label(64)}.example.test`, /label "b{16}…" is 64 octets long, more than 63/],
    // Counted after IDNA: 60 × "ü" is a 124-octet xn-- label.
    [`${"ü".repeat(60)}.example.test`, /label "xn--tda\w+…" is 66 octets long, more than 63/],
  ];
  for (const [name, why] of cases) {
    const before = queries;
    const r = await settledWithin(dnsResolve(name, at()), ANSWERED_MS / 2);
    assert.ok(r !== "late", "no wait for a deadline");
    assert.deepEqual([r.status, r.rrset, r.canonical_name], ["ERROR", [], null], name);
    assert.match(String(r.error), /^ERROR: queryA EBADNAME /);
    assert.match(String(r.error), why);
    assert.match(r.response, /;STATUS\nERROR EBADNAME$/);
    assert.equal(queries, before, "nothing was sent");
  }
  // The limits themselves pass: 253 octets, 63-octet labels (NXDOMAIN from the server).
  const name253 = [label(63), label(63), label(63), label(61)].join(".");
  for (const name of [name253, `${label(63)}.example.test`, `${name253}.`]) assert.equal((await dnsResolve(name, at())).status, "NXDOMAIN", name);
});

test("a CNAME chain that loops or runs past 16 CNAMEs is an error saying so, not NODATA", async () => {
  for (const rdtype of ["A", "MX"] as const) {
    const loop = await dnsResolve("loop1.example.test", { ...at(), rdtype });
    assert.deepEqual([loop.status, loop.rrset, loop.canonical_name], ["ERROR", [], null]);
    assert.match(String(loop.error), /^ERROR: the CNAME chain loops: loop1\.example\.test\. → loop2\.example\.test\. → loop1\.example\.test\. \(name server 127\.0\.0\.1:\d+\)$/);
  }
  const long = await dnsResolve("c0.example.test", at());
  assert.equal(long.status, "ERROR");
  assert.match(String(long.error), /^ERROR: the CNAME chain is too long \(16 CNAMEs or more\): c0\.example\.test\. → c1\.example\.test\. → /);
  // As dnspython (MAX_CHAIN 16): 15 CNAMEs are followed (c3 → … → c17 → example.test), 16 are too long.
  const fifteen = await dnsResolve("c3.example.test", at());
  assert.deepEqual([fifteen.status, fifteen.canonical_name], ["NOERROR", "example.test."]);
  assert.equal((await dnsResolve("c2.example.test", at())).status, "ERROR");
});

test("a TTL with the top bit set is 0, as RFC 2181 and dnspython read it (2^32-1 made the answer valid for 136 years)", async () => {
  // A server of its own: dns2 writes TTLs in 31 bits. It answers every A question with the TTL its name says.
  const raw = dgram.createSocket("udp4");
  raw.on("message", (msg, rinfo) => {
    const query = packet.decode(msg);
    const [q] = query.questions ?? [];
    const ttl = q.name.startsWith("ttlhuge") ? 4294967295 : 2147483648;
    raw.send(packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED, questions: [q], answers: [{ type: "A", name: q.name, ttl, data: "192.0.2.31" }] }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => raw.bind(0, "127.0.0.1", resolve));
  try {
    for (const name of ["ttlhuge.example.test", "ttlhalf.example.test"]) {
      const t0 = Date.now();
      const r = await dnsResolve(name, { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS });
    assert.equal(r.status, "NOERROR", name);
      assert.ok(r.expiration instanceof Date && r.expiration.getTime() - t0 < 60_000, `${name}: ${r.expiration?.toISOString()}`);
      assert.match(r.response, / 0 IN A /);
    }
  } finally {
    raw.close();
  }
});

test("an answer that came in before the deadline while the kernel was busy is taken, not a TIMEOUT (a loaded machine: the deadline's timer ran before the answer was read)", async () => {
  // A server of its own that answers at once, then keeps the event loop busy past the deadline, as a cell's
  // synchronous work or a starved process does: when the loop turns, the answer waits on the socket and the
  // deadline has passed. Node runs due timers before it reads sockets.
  const deadline = 200;
  const raw = dgram.createSocket("udp4");
  raw.on("message", (msg, rinfo) => {
    const query = packet.decode(msg);
    const [q] = query.questions ?? [];
    raw.send(packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED, questions: [q], answers: [{ type: "A", name: q.name, ttl: 300, data: "192.0.2.41" }] }), rinfo.port, rinfo.address);
    // After the send (made on the next tick), before the loop turns again.
    setImmediate(() => {
      const until = performance.now() + 3 * deadline;
      while (performance.now() < until);
    });
  });
  await new Promise<void>((resolve) => raw.bind(0, "127.0.0.1", resolve));
  try {
    const r = await dnsResolve("busy.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: deadline });
    assert.equal(r.status, "NOERROR", String(r.error));
    assert.deepEqual(r.rrset, ["192.0.2.41"]);
  } finally {
    raw.close();
  }
});

test("a UDP answer over 4096 bytes is read whole (it was dropped and reported as a TIMEOUT after the deadline)", async () => {
  // One datagram of 30 TXT records of 200 characters (~6.5 KB), no truncation bit: dns2 would truncate it.
  const raw = dgram.createSocket("udp4");
  raw.on("message", (msg, rinfo) => {
    const query = packet.decode(msg);
    const [q] = query.questions ?? [];
    const answers = Array.from({ length: 30 }, (_, i) => ({ type: "TXT" as const, name: q.name, ttl: 300, data: `${String(i).padStart(2, "0")}${"x".repeat(198)}` }));
    const wire = packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED, questions: [q], answers });
    assert.ok(wire.length > 4096);
    raw.send(wire, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => raw.bind(0, "127.0.0.1", resolve));
  try {
    const r = await dnsResolve("bigtxt.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS, rdtype: "TXT" });
    assert.equal(r.status, "NOERROR", String(r.error));
    assert.equal(r.rrset.length, 30);
  } finally {
    raw.close();
  }
});

test("an IPv6 name server is written [::1]:port in messages", async () => {
  const silent6 = dgram.createSocket("udp6");
  await new Promise<void>((resolve) => silent6.bind(0, "::1", resolve));
  try {
    const r = await dnsResolve("example.test", { nameserver: "::1", port: silent6.address().port, timeoutMs: 300 });
    assert.deepEqual([r.status, r.nameserver, r.port], ["TIMEOUT", "::1", silent6.address().port]);
    assert.match(String(r.error), /\(name server \[::1\]:\d+\)$/);
  } finally {
    silent6.close();
  }
});

test("records owned by another name than the one asked (A, MX, TXT) are not believed: NODATA, as dnspython's NoAnswer", async () => {
  for (const rdtype of ["A", "MX", "TXT"] as const) {
    const r = await dnsResolve("poison.example.test", { ...at(), rdtype });
    assert.deepEqual([r.status, r.rrset, r.canonical_name], ["NODATA", [], null], rdtype);
    assert.match(String(r.error), /^NODATA: .*no \w+ records for poison\.example\.test\./, rdtype);
  }
  // Beside the asked name's own records, the other owner's are dropped.
  const mixed = await dnsResolve("poisonmix.example.test", at());
  assert.deepEqual([mixed.status, mixed.rrset, mixed.canonical_name], ["NOERROR", ["192.0.2.20"], "poisonmix.example.test."]);
  assert.ok(!mixed.response.includes("6.6.6.6"));
});

test("a response with another id is ignored; the response with the query's id is taken", async () => {
  const r = await dnsResolve("wrongid.example.test", { ...at(), timeoutMs: ANSWERED_MS });
  assert.deepEqual([r.status, r.rrset], ["NOERROR", ["192.0.2.50"]]);
});

test("a truncated UDP answer is asked again over TCP", async () => {
  const r = await dnsResolve("tc.example.test", { ...at(), timeoutMs: ANSWERED_MS });
  assert.deepEqual([r.status, r.rrset, r.canonical_name], ["NOERROR", ["192.0.2.77"], "tc.example.test."]);
});

test("a compression pointer that loops is a bad response (ERROR EBADRESP) within the deadline, not a hang", async () => {
  const r = await settledWithin(dnsResolve("example.test", { nameserver: "127.0.0.1", port: loopingPort, timeoutMs: ANSWERED_MS }), ANSWERED_MS / 2);
  assert.ok(r !== "late", "waited for the deadline");
  assert.deepEqual([r.status, r.rrset], ["ERROR", []]);
  assert.match(String(r.error), /^ERROR: queryA EBADRESP example\.test: an answer with the query's id that does not decode \(Cannot decode name \(bad pointer\)\)/);
});

/** A server on 127.0.0.1 answering each query with what `answer` sends (datagrams as given); closed by the caller. */
async function rawServer(answer: (query: packet.DecodedPacket, wire: Buffer, send: (data: Buffer) => void) => void): Promise<dgram.Socket> {
  const raw = dgram.createSocket("udp4");
  raw.on("message", (wire, rinfo) => answer(packet.decode(wire), wire, (data) => raw.send(data, rinfo.port, rinfo.address)));
  await new Promise<void>((resolve) => raw.bind(0, "127.0.0.1", resolve));
  return raw;
}

test("every record type expires by its own TTL and its CNAME chain's (only A, AAAA and SOA's minimum field had one; CNAME, MX, TXT, PTR… none)", async () => {
  const soa = { mname: "ns.example.test", rname: "admin.example.test", serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 30 };
  const records: Record<string, { data: unknown; ttl: number }> = {
    CNAME: { data: "target.example.test", ttl: 700 },
    MX: { data: { preference: 10, exchange: "mail.example.test" }, ttl: 800 },
    TXT: { data: "v=spf1 -all", ttl: 900 },
    NS: { data: "ns.example.test", ttl: 1000 },
    PTR: { data: "host.example.test", ttl: 1100 },
    SRV: { data: { priority: 1, weight: 2, port: 443, target: "svc.example.test" }, ttl: 1200 },
    SOA: { data: soa, ttl: 1300 },
  };
  const raw = await rawServer((query, _wire, send) => {
    const [q] = query.questions ?? [];
    // "alias.": a CNAME of TTL 60 in front of the record.
    const chain = q.name.startsWith("alias.") && q.type !== "CNAME" ? [{ type: "CNAME" as const, name: q.name, ttl: 60, data: "end.example.test" }] : [];
    const owner = chain.length ? "end.example.test" : q.name;
    const { data, ttl } = records[q.type];
    send(packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED, questions: [q], answers: [...chain, { type: q.type, name: owner, ttl, data } as packet.Answer] }));
  });
  try {
    for (const [rdtype, { ttl }] of Object.entries(records)) {
      const t0 = Date.now();
      const r = await dnsResolve("direct.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS, rdtype: rdtype as "MX" });
      assert.equal(r.status, "NOERROR", `${rdtype}: ${r.error}`);
      assert.ok(r.expiration instanceof Date, rdtype);
      const seconds = (r.expiration.getTime() - t0) / 1000;
      assert.ok(seconds > ttl - 5 && seconds <= ttl + 1, `${rdtype}: ${seconds} s, the record's TTL is ${ttl}`);
      assert.match(r.response, new RegExp(` ${ttl} IN ${rdtype} `), rdtype);
      if (rdtype === "CNAME") continue;
      const aliased = await dnsResolve("alias.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS, rdtype: rdtype as "MX" });
      const viaChain = ((aliased.expiration?.getTime() ?? Infinity) - t0) / 1000;
      assert.ok(viaChain > 55 && viaChain <= 61, `${rdtype} behind a CNAME of TTL 60: ${viaChain} s`);
    }
  } finally {
    raw.close();
  }
});

test("a negative answer (NXDOMAIN, NODATA) expires by its SOA, the lower of its TTL and minimum field (RFC 2308); none without an SOA", async () => {
  const raw = await rawServer((query, _wire, send) => {
    const [q] = query.questions ?? [];
    const minimum = q.name.startsWith("lowttl.") ? 900 : 45;
    const authorities = q.name.startsWith("nosoa.")
      ? []
      : [{ type: "SOA" as const, name: "example.test", ttl: q.name.startsWith("lowttl.") ? 20 : 3600, data: { mname: "ns.example.test", rname: "admin.example.test", serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum } }];
    const nxdomain = q.name.includes("nx");
    send(packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED | (nxdomain ? 3 : 0), questions: [q], answers: [], authorities }));
  });
  const ask = (name: string) => dnsResolve(name, { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS });
  try {
    for (const [name, status, ttl] of [
      ["nx.example.test", "NXDOMAIN", 45],
      ["nodata.example.test", "NODATA", 45],
      ["lowttl.nx.example.test", "NXDOMAIN", 20],
      ["lowttl.nodata.example.test", "NODATA", 20],
    ] as const) {
      const t0 = Date.now();
      const r = await ask(name);
      assert.equal(r.status, status, `${name}: ${r.error}`);
      assert.ok(r.expiration instanceof Date, name);
      const seconds = (r.expiration.getTime() - t0) / 1000;
      assert.ok(seconds > ttl - 5 && seconds <= ttl + 1, `${name}: ${seconds} s, want ${ttl}`);
    }
    const bare = await ask("nosoa.nx.example.test");
    assert.deepEqual([bare.status, bare.expiration], ["NXDOMAIN", null]);
  } finally {
    raw.close();
  }
});

test("datagrams with other ids or that are garbage are ignored without extending the deadline; the right id's answer after them is taken", async () => {
  const raw: dgram.Socket = await rawServer((query, _wire, send) => {
    const [q] = query.questions ?? [];
    const other = ((query.id ?? 0) + 1) & 0xffff;
    const spoofed = packet.encode({ type: "response", id: other, flags: packet.RECURSION_DESIRED, questions: [q], answers: [{ type: "A", name: q.name, ttl: 300, data: "6.6.6.6" }] });
    send(Buffer.from([0xde])); // garbage, too short to carry an id
    send(Buffer.concat([Buffer.from([other >> 8, other & 0xff]), Buffer.alloc(30, 0xff)])); // garbage with another id
    if (q.name.startsWith("flood.")) {
      // Another id every 20 ms, for ever: the deadline still ends the wait.
      const flood = setInterval(() => send(spoofed), 20);
      raw.once("close", () => clearInterval(flood));
      return;
    }
    send(spoofed);
    send(packet.encode({ type: "response", id: query.id, flags: packet.RECURSION_DESIRED, questions: [q], answers: [{ type: "A", name: q.name, ttl: 300, data: "192.0.2.60" }] }));
  });
  try {
    const ok = await dnsResolve("ok.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS });
    assert.deepEqual([ok.status, ok.rrset], ["NOERROR", ["192.0.2.60"]], String(ok.error));
    const flooded = await settledWithin(dnsResolve("flood.example.test", { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: 300 }), 1500);
    assert.ok(flooded !== "late", "the flood extended the deadline");
    assert.equal(flooded.status, "TIMEOUT", String(flooded.error));
  } finally {
    raw.close();
  }
});

test("an answer with the query's id that does not decode fails at once with ERROR EBADRESP (it waited for the whole deadline), and the server is not asked again", async () => {
  let asked = 0;
  const raw = await rawServer((query, _wire, send) => {
    asked++;
    const id = Buffer.alloc(2);
    id.writeUInt16BE(query.id ?? 0);
    // "short.": 6 bytes, less than a header; else a header claiming one answer and no more bytes.
    send(query.questions?.[0].name.startsWith("short.") ? Buffer.concat([id, Buffer.from([0x84, 0, 0, 1])]) : Buffer.concat([id, Buffer.from([0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0])]));
  });
  try {
    for (const [name, why] of [
      ["broken.example.test", /an answer with the query's id that does not decode/],
      ["short.example.test", /an answer with the query's id of 6 bytes, shorter than a DNS header/],
    ] as const) {
      asked = 0;
      // A try lasts 20 s of the 60 s deadline: the broken answer must end it long before.
      const r = await settledWithin(dnsResolve(name, { nameserver: "127.0.0.1", port: raw.address().port, timeoutMs: ANSWERED_MS, tries: 3 }), ANSWERED_MS / 6);
      assert.ok(r !== "late", `${name}: waited for the try's deadline`);
      assert.deepEqual([r.status, r.rrset, r.expiration], ["ERROR", [], null], name);
      assert.match(String(r.error), new RegExp(`^ERROR: queryA EBADRESP ${name.replace(/\./g, "\\.")}: ${why.source}`));
      assert.equal(asked, 1, `${name}: asked ${asked} times`);
    }
  } finally {
    raw.close();
  }
});
