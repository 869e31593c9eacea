/**
 * DNS look-ups with the fields MSTICPy's `dns_resolve` returns. The queries are
 * sent here (dns-packet encodes and decodes them) rather than by Node's c-ares
 * resolver, which hands over records without their owner names: an answer
 * holding another name's records (`www.bank.lab A 6.6.6.6` for `poison.lab A?`)
 * was believed. Only the asked name's CNAME chain and its end's records are
 * taken, as dnspython does. Every query has a hard deadline:
 * with no network, or a name server that never answers, the result is a
 * structured failure (`status`, `error`) within `timeoutMs`, never a hung cell
 * and never a thrown network error.
 */
import { randomInt } from "node:crypto";
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import packet from "dns-packet";
import { domainToASCII } from "node:url";
import { findUnknownOption } from "../common/errors";
import { notAFrameText } from "../common/notAFrame";
import { parseIPv6 } from "./ipType";
import { DnsError, MAX_DNS_TRIES, MAX_TIMER_MS, contextMessages as msg } from "./messages";

/** Record types `dnsResolve` asks for. */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA", "NAPTR"] as const;

/** One of {@link DNS_RECORD_TYPES}. */
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/**
 * How a look-up ended: `NOERROR` (answered), `NXDOMAIN` (no such name), `NODATA` (the name
 * exists, no record of this type), `TIMEOUT` (no answer in time), `REFUSED`,
 * `SERVFAIL`, `NETWORK` (no route or connection to the name server) or `ERROR`.
 */
export type DnsStatus = "NOERROR" | "NXDOMAIN" | "NODATA" | "TIMEOUT" | "REFUSED" | "SERVFAIL" | "NETWORK" | "ERROR";

/** The result of {@link dnsResolve}, after MSTICPy's (dnspython) fields. */
export interface DnsResult {
  /** The name asked for, fully qualified (`microsoft.com.`), internationalised names in IDNA's ASCII form as sent (`xn--tda.example.`). */
  qname: string;
  rdtype: DnsRecordType;
  rdclass: "IN";
  /** The name server asked (the first configured one when several are). */
  nameserver: string;
  port: number;
  /** The name the answer is for after following CNAMEs (`qname` when there are none); null on failure. */
  canonical_name: string | null;
  /** The answer's records as text (`104.215.148.63`, `10 mail.example.com.`, TXT strings). */
  rrset: string[];
  /**
   * When the answer expires: query time + the lowest TTL of the records and their CNAME chain, for every record type
   * (RFC 1035, as dnspython's `Answer.expiration`). A negative answer (NXDOMAIN, NODATA) expires by the SOA its server
   * sent with it, the lower of that record's TTL and its minimum field (RFC 2308 §5); null when there is none and on other failures.
   */
  expiration: Date | null;
  /** The answer as zone-file-like text (not the raw message). */
  response: string;
  status: DnsStatus;
  /** What went wrong, in words; null on success. */
  error: string | null;
}

/** Options of {@link dnsResolve} and {@link dnsReverse}. */
export interface DnsOptions {
  /** Record type. @defaultValue "A" */
  rdtype?: DnsRecordType | Lowercase<DnsRecordType>;
  /** Name server IP (optionally `ip:port` or `[v6]:port`). Default: the system's servers. */
  nameserver?: string;
  /** Name server port when `nameserver` has none. @defaultValue 53 */
  port?: number;
  /** Deadline for the whole look-up, in milliseconds (at most 2^31 - 1, Node's longest timer). @defaultValue 2000 */
  timeoutMs?: number;
  /** Tries per name server before giving up (within the deadline), 1 to 100. @defaultValue 1 */
  tries?: number;
}

export { DnsError } from "./messages";

const STATUS_BY_CODE: Record<string, DnsStatus> = {
  ENOTFOUND: "NXDOMAIN",
  ENODATA: "NODATA",
  ETIMEOUT: "TIMEOUT",
  ECANCELLED: "TIMEOUT",
  EREFUSED: "REFUSED",
  ESERVFAIL: "SERVFAIL",
  ECONNREFUSED: "NETWORK",
  ENETUNREACH: "NETWORK",
  EHOSTUNREACH: "NETWORK",
  ECONNRESET: "NETWORK",
  EFORMERR: "ERROR",
  EBADRESP: "ERROR",
  EBADNAME: "ERROR",
};

const fqdn = (name: string) => (name.endsWith(".") ? name : `${name}.`);

/** `ip`, `ip:port`, `[v6]:port` → [host, port]. */
function splitServer(server: string, defaultPort: number): [string, number] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracketed) return [bracketed[1], bracketed[2] ? Number(bracketed[2]) : defaultPort];
  if (net.isIPv6(server)) return [server, defaultPort];
  const withPort = /^([^:]+):(\d+)$/.exec(server);
  if (withPort) return [withPort[1], Number(withPort[2])];
  return [server, defaultPort];
}

/** `host:port`, the IPv6 host bracketed (`[::1]:53`), as Node and messages write a server. */
function serverText(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A port number, or a DnsError naming `option` (Node reads 99999 as 34463, and -1 as a bad IP address). */
function checkPort(option: string, port: unknown): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) throw new DnsError(msg.dnsPort(option, port));
  return port;
}

/** Every option name of {@link DnsOptions} (the `satisfies` keeps the list complete). */
const DNS_OPTION_NAMES: readonly string[] = Object.keys({ rdtype: true, nameserver: true, port: true, timeoutMs: true, tries: true } satisfies Record<keyof DnsOptions, true>);

/**
 * A misspelt option (`rdType: "MX"`) was ignored: an A query. From untyped cells, the kinds too: `timeoutMs: "300"`
 * was taken, a nameserver list was written into the result, null options were a TypeError.
 */
function checkDnsOptions(fn: string, options: unknown, known: readonly string[]): asserts options is DnsOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new DnsError(msg.dnsOptionsNotObject(fn, notAFrameText(options)));
  const unknown = findUnknownOption(options, known);
  if (unknown) throw new DnsError(msg.dnsOptionUnknown(fn, unknown, known));
  const { rdtype, nameserver, timeoutMs } = options as Record<string, unknown>;
  if (rdtype !== undefined && typeof rdtype !== "string") throw new DnsError(msg.dnsOptionType(fn, "rdtype", `a record type (${DNS_RECORD_TYPES.join(", ")})`, rdtype));
  if (nameserver !== undefined && typeof nameserver !== "string") throw new DnsError(msg.dnsOptionType(fn, "nameserver", 'one name server\'s IP address as text ("8.8.8.8", "10.0.0.1:5353")', nameserver));
  if (timeoutMs !== undefined && typeof timeoutMs !== "number") throw new DnsError(msg.dnsOptionType(fn, "timeoutMs", `a number of milliseconds up to ${MAX_TIMER_MS}`, timeoutMs));
}

/** Throws unless `value` is one name or address as text: a DataFrame was sent as its printed table, a list as its joined text. */
function checkOneName(fn: string, what: string, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== "string") throw new DnsError(msg.dnsInput(fn, what, notAFrameText(value)));
}

interface Servers {
  /** The name servers asked, in order: [host, port]. */
  servers: [string, number][];
  timeoutMs: number;
  tries: number;
}

function makeServers(options: DnsOptions): Servers {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) throw new DnsError(msg.dnsTimeout(timeoutMs));
  const tries = options.tries ?? 1;
  if (!Number.isInteger(tries) || tries < 1 || tries > MAX_DNS_TRIES) throw new DnsError(msg.dnsTries(tries));
  if (options.nameserver) {
    const [host, port] = splitServer(options.nameserver, options.port === undefined ? 53 : checkPort("port", options.port));
    if (!net.isIP(host)) throw new DnsError(msg.dnsNameserver(options.nameserver));
    checkPort(`the nameserver's port ("${options.nameserver}")`, port);
    return { servers: [[host, port]], timeoutMs, tries };
  }
  // The system's servers; with none, c-ares' default (127.0.0.1), as before.
  const system = dns.getServers().map((server) => splitServer(server, 53));
  return { servers: system.length ? system : [["127.0.0.1", 53]], timeoutMs, tries };
}

function normalizeType(rdtype: string | undefined): DnsRecordType {
  const t = (rdtype ?? "A").toUpperCase();
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(t)) {
    throw new DnsError(msg.dnsRecordType(String(rdtype), DNS_RECORD_TYPES));
  }
  return t as DnsRecordType;
}

/** Characters of a TXT string written as `\DDD` byte escapes: controls (NUL…) and line separators. */
const TXT_ESCAPED = /[\p{Cc}\p{Zl}\p{Zp}]/gu;

/** `\DDD` for each byte of `bytes` (dnspython's escape). */
const byteEscapes = (bytes: Uint8Array) => Array.from(bytes, (b) => `\\${String(b).padStart(3, "0")}`).join("");

/**
 * One TXT character-string as text: valid UTF-8 is decoded, other strings
 * keep printable ASCII only, as dnspython writes them; the rest, and any
 * backslash, is escaped so that an escape cannot be forged.
 */
function txtText(bytes: Buffer): string {
  const chunk = bytes.toString("latin1");
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.replace(/\\/g, "\\\\").replace(TXT_ESCAPED, (c) => byteEscapes(Buffer.from(c, "utf8")));
  } catch {
    return chunk.replace(/\\/g, "\\\\").replace(/[^\x20-\x7e]/g, (c) => byteEscapes(Buffer.from(c, "latin1")));
  }
}

/** A record's data as text, in the forms Node's resolver gave them (names fully qualified). */
function recordText(rdtype: DnsRecordType, data: unknown): string {
  const d = data as Record<string, unknown>;
  switch (rdtype) {
    case "A":
    case "AAAA":
      return String(data);
    case "CNAME":
    case "NS":
    case "PTR":
      return nameText(String(data));
    case "MX":
      return `${d.preference} ${nameText(String(d.exchange))}`;
    case "TXT":
      return (data as Buffer[]).map(txtText).join("");
    case "SOA":
      return `${nameText(String(d.mname))} ${nameText(String(d.rname))} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case "SRV":
      return `${d.priority} ${d.weight} ${d.port} ${nameText(String(d.target))}`;
    case "CAA":
      return `${d.flags} ${d.tag} "${d.value}"`;
    case "NAPTR":
      return `${d.order} ${d.preference} "${d.flags}" "${d.services}" "${d.regexp}" ${nameText(String(d.replacement || "."))}`;
  }
}

/** Largest response read: a UDP datagram (no EDNS is sent, so servers keep to 512; some send more: read whole, as dnspython does), a TCP message. */
const MAX_UDP_RESPONSE = 65535;
const MAX_TCP_RESPONSE = 65535;

/** DNS compares names ignoring ASCII case only; a trailing dot is the root's. */
const nameKey = (name: string) => name.replace(/\.$/, "").replace(/[A-Z]/g, (c) => c.toLowerCase());

/** A coded error. */
const dnsFailure = (message: string, code: string) => Object.assign(new Error(message), { code });

/** An error worded as Node's resolver threw them (`queryA ENOTFOUND example.com`), with why. */
type Fail = (code: string, why?: string) => Error;

/**
 * A name from a record as text: controls, spaces, non-ASCII (as the bytes of
 * its UTF-8) written `\DDD` and `"();@$` backslash-escaped, as dnspython
 * writes them, so that a hostile name (`<img src=x onerror=…>`) shows as data.
 */
const nameText = (name: string) =>
  fqdn(name.replace(/[^\x21-\x7e]/gu, (c) => byteEscapes(Buffer.from(c, "utf8"))).replace(/["();@$]/g, (c) => `\\${c}`));

/**
 * `wire` decoded if it is the response to `query` (same id, the same single
 * question), else undefined: a datagram from anyone who guessed the port, or
 * a stale answer to an earlier try, is not believed (RFC 5452 §9.1: ignored,
 * the wait goes on). A message with the query's id that does not decode is
 * an error: the server's answer is broken, and waiting would only end at the
 * deadline. dns-packet follows only pointers to earlier bytes, so a looping
 * pointer is a decode error.
 */
function matchingResponse(wire: Buffer, query: packet.Packet, fail: Fail): packet.DecodedPacket | Error | undefined {
  if (wire.length < 2 || wire.readUInt16BE(0) !== query.id) return undefined;
  if (wire.length < 12) return fail("EBADRESP", `an answer with the query's id of ${wire.length} bytes, shorter than a DNS header (12)`);
  let response: packet.DecodedPacket;
  try {
    response = packet.decode(wire);
  } catch (err) {
    return fail("EBADRESP", `an answer with the query's id that does not decode (${err instanceof Error ? err.message : String(err)})`);
  }
  const [asked] = query.questions ?? [];
  const [q, ...more] = response.questions ?? [];
  if (response.type !== "response" || !q || more.length || nameKey(q.name) !== nameKey(asked.name) || q.type !== asked.type || q.class !== "IN") return undefined;
  return response;
}

/**
 * What one exchange with a server ended with: a response, or an error to remember while others are tried
 * (`broken`: the server answered with a message that does not decode; it is not asked again).
 */
type Exchange = { response: packet.DecodedPacket } | { err: Error; broken?: boolean };

/** What each exchange needs: the server, the query (and its bytes), the time it has, the error wording. */
interface Ask {
  host: string;
  port: number;
  query: packet.Packet;
  wire: Buffer;
  ms: number;
  fail: Fail;
}

/**
 * Runs `timedOut` after the sockets' next read. Node runs due timers before it reads sockets: when the event
 * loop was held up (a cell's synchronous work, a starved process on a loaded machine) the deadline's timer ran
 * first, and an answer already waiting on the socket was dropped as a TIMEOUT.
 */
function lastLook(timedOut: () => void): void {
  setImmediate(timedOut);
}

/**
 * One UDP exchange with `host:port` within `ms`: datagrams that are not the
 * response (another id, another question) are ignored and the wait goes on,
 * never past `ms`; one with the query's id that does not decode ends it.
 */
function askUdp({ host, port, query, wire, ms, fail }: Ask): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
    let finished = false;
    const done = (result: Exchange) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => lastLook(() => done({ err: fail("ETIMEOUT") })), ms);
    // Connected: only the server's datagrams arrive, and a closed port's ICMP error comes back as ECONNREFUSED.
    socket.on("error", (err: NodeJS.ErrnoException) => done({ err: fail(err.code ?? "ERROR") }));
    socket.on("message", (data) => {
      const response = data.length <= MAX_UDP_RESPONSE ? matchingResponse(data, query, fail) : undefined;
      if (response instanceof Error) done({ err: response, broken: true });
      else if (response) done({ response });
    });
    socket.connect(port, host, () => socket.send(wire));
  });
}

/** The same question over TCP (a truncated UDP answer), within `ms`; a wrong answer on the connection is an error. */
function askTcp({ host, port, query, wire, ms, fail }: Ask): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (result: Exchange) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => lastLook(() => done({ err: fail("ETIMEOUT") })), ms);
    socket.on("error", (err: NodeJS.ErrnoException) => done({ err: fail(err.code ?? "ERROR", "over TCP") }));
    socket.on("end", () => done({ err: fail("ECONNRESET", "the TCP connection closed before the answer") }));
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0); // at most MAX_TCP_RESPONSE: two bytes
      if (received.length > length + 2 || length > MAX_TCP_RESPONSE) return done({ err: fail("EBADRESP", "more bytes than the TCP answer's length") });
      if (received.length < length + 2) return;
      const response = matchingResponse(received.subarray(2), query, fail);
      done(response instanceof Error ? { err: response, broken: true } : response ? { response } : { err: fail("EBADRESP", "the TCP answer is not for the question asked") });
    });
    socket.on("connect", () => socket.write(Buffer.concat([Buffer.from([wire.length >> 8, wire.length & 0xff]), wire])));
  });
}

/**
 * Sends the question `name` `rdtype` IN (random id, recursion desired) to each
 * server in turn, `tries` rounds, a try lasting `timeoutMs / tries`, all
 * within `timeoutMs`; a truncated answer is asked again over TCP. A server
 * whose answer does not decode is not asked again (dnspython drops it too).
 * Returns the first response; throws the last error (timeout, network, a
 * broken answer) when none came.
 */
async function exchange(target: Servers, name: string, rdtype: DnsRecordType, fail: Fail): Promise<packet.DecodedPacket> {
  const query: packet.Packet = { type: "query", id: randomInt(0x10000), flags: packet.RECURSION_DESIRED, questions: [{ type: rdtype, class: "IN", name }] };
  const wire = packet.encode(query);
  const deadline = Date.now() + target.timeoutMs;
  const perTry = Math.max(1, Math.floor(target.timeoutMs / target.tries));
  let last: Error | undefined;
  const broken = new Set<string>();
  for (let round = 0; round < target.tries; round++) {
    for (const [host, port] of target.servers) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (broken.has(serverText(host, port))) continue;
      const udp = await askUdp({ host, port, query, wire, ms: Math.min(perTry, left), fail });
      // Truncated: the whole answer over TCP, within what is left of the deadline.
      const result = "response" in udp && udp.response.flag_tc ? await askTcp({ host, port, query, wire, ms: Math.max(1, deadline - Date.now()), fail }) : udp;
      if ("response" in result) return result.response;
      last = result.err;
      if (result.broken) broken.add(serverText(host, port));
    }
  }
  throw last && (last as { code?: string }).code !== "ETIMEOUT" ? last : dnsFailure(`no answer within ${target.timeoutMs} ms`, "ETIMEOUT");
}

/** Response codes as Node's resolver reported them (c-ares' codes; NXDOMAIN is ENOTFOUND). */
const CODE_BY_RCODE: Record<string, string> = { NXDOMAIN: "ENOTFOUND", SERVFAIL: "ESERVFAIL", REFUSED: "EREFUSED", FORMERR: "EFORMERR", NOTIMP: "ENOTIMP" };

/** A chain of this many CNAMEs is too long (dnspython's MAX_CHAIN: 15 are followed, 16 are an error). */
const MAX_CNAMES = 16;

/** A TTL as RFC 2181 §8 reads it: a value with the top bit set is 0, as dnspython takes it (a server's 2^32−1 is no 136-year cache). */
const ttlOf = (record: { ttl?: number }): number => {
  const ttl = record.ttl ?? 0;
  return ttl > 0x7fffffff ? 0 : ttl;
};

/**
 * `err` (NXDOMAIN, NODATA) with how long the negative answer may be kept: the
 * lower of the TTL and the minimum field of the SOA in the authority section
 * (RFC 2308 §5), when the server sent one.
 */
function withNegativeTtl(err: Error, response: packet.DecodedPacket): Error {
  const soa = (response.authorities ?? []).find((r): r is packet.StringAnswer => r.type === "SOA");
  if (!soa) return err;
  const minimum = Number((soa.data as unknown as packet.SoaData).minimum);
  const negativeTtl = Math.min(ttlOf(soa), Number.isInteger(minimum) && minimum >= 0 && minimum <= 0x7fffffff ? minimum : 0);
  return Object.assign(err, { negativeTtl });
}

interface Answer {
  /** The end of the CNAME chain from the name asked (that name itself without CNAMEs). */
  canonical: string;
  rrset: string[];
  /** Seconds the answer may be kept. */
  ttl: number;
}

/**
 * The records of `response` that answer `asked`: its CNAME chain (each CNAME
 * owned by the name it comes from) and the records of type `rdtype` owned by
 * the chain's end. Records of other owners are ignored, as dnspython ignores
 * them. A chain that loops or runs past {@link MAX_CNAMES} is an error, as in
 * dnspython ("The CNAME chain is too long").
 */
function readAnswer(response: packet.DecodedPacket, asked: string, rdtype: DnsRecordType, fail: Fail): Answer {
  const { rcode } = response as { rcode?: string }; // decoded, missing from @types/dns-packet
  if (rcode !== "NOERROR") {
    const code = CODE_BY_RCODE[rcode ?? ""] ?? "EBADRESP";
    const err = fail(code, code === "EBADRESP" ? `response code ${rcode}` : undefined);
    throw code === "ENOTFOUND" ? withNegativeTtl(err, response) : err;
  }
  const records = (response.answers ?? []).filter((r): r is packet.StringAnswer => r.type !== "OPT" && (r as { class?: string }).class === "IN");
  const chain = [fqdn(asked)];
  const ttls: number[] = [];
  for (;;) {
    const owner = nameKey(chain[chain.length - 1]);
    const owned = records.filter((r) => nameKey(r.name) === owner);
    const hits = owned.filter((r) => r.type === rdtype);
    const cname = rdtype === "CNAME" ? undefined : owned.find((r) => r.type === "CNAME");
    if (hits.length || !cname) {
      if (!hits.length) throw withNegativeTtl(fail("ENODATA", `no ${rdtype} records for ${nameText(chain[chain.length - 1])}`), response);
      const rrset = hits.map((r) => recordText(rdtype, r.data));
      ttls.push(...hits.map(ttlOf));
      // Every type expires by its records' own TTL and their chain's, the lowest of them (an SOA's minimum field is for negative answers).
      return { canonical: chain.length > 1 ? nameText(chain[chain.length - 1]) : chain[0], rrset, ttl: Math.min(...ttls) };
    }
    const next = fqdn(String(cname.data));
    const loops = chain.some((n) => nameKey(n) === nameKey(next));
    chain.push(next);
    ttls.push(ttlOf(cname));
    if (loops || chain.length > MAX_CNAMES) {
      const what = loops ? "the CNAME chain loops" : `the CNAME chain is too long (${MAX_CNAMES} CNAMEs or more)`;
      // Caught by dnsResolve and returned as a result with status ERROR (never thrown to the caller).
      throw dnsFailure(`${what}: ${chain.slice(0, 4).map(nameText).join(" → ")}${chain.length > 4 ? " → …" : ""}`, "ECNAMECHAIN");
    }
  }
}

/**
 * Characters refused in a name: C0/C1 controls (a NUL cut the name Node's
 * c-ares sent), lone surrogates, line and paragraph separators, and the
 * backslash (zone-file escapes such as `a\.b` and `\065` rewrote it).
 */
const UNSENDABLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\\]/u;

/** Characters of a host name as sent (after IDNA): c-ares refused the others (spaces, `@`, `;`…), and so do we. */
const HOST_CHARS = /[^A-Za-z0-9._*\/-]/;

/** The name sent for `name`: IDNA's ASCII form (`ü.example` → `xn--tda.example`); ASCII names as typed. */
const askedName = (name: string) => (/[^\x00-\x7f]/.test(name) ? domainToASCII(name) : name);

/** Longest name (in octets, without the root's dot) and label a DNS message carries (RFC 1035 §2.3.4). */
const MAX_NAME_OCTETS = 253;
const MAX_LABEL_OCTETS = 63;

/** `name` with its invisible characters written as `\u{…}`, so that a message shows them. */
function visibleName(name: string): string {
  return name.replace(/[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16).toUpperCase()}}`);
}

/**
 * Why `name` is not sent, or undefined: a character that would cut or
 * rewrite it (`evil.com\0.good.com`), a name IDNA cannot encode, one DNS
 * cannot carry, or one that is no host name (`evil .com`, `a..b`), as
 * c-ares refused them (EBADNAME). The result would otherwise name one domain
 * and describe another, or wait for a server that ignores the question.
 */
function unsendableReason(name: string): string | undefined {
  const bad = UNSENDABLE.exec(name);
  if (bad) {
    const what = bad[0] === "\\" ? "a backslash (it would be read as an escape)" : `character U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `${what} at position ${bad.index}`;
  }
  // Non-ASCII names, and ASCII ones with a punycode label that does not decode (`xn--zz.com`): Node's resolver sent the root.
  if ((/[^\x00-\x7f]/.test(name) || /(?:^|\.)xn--/i.test(name)) && !domainToASCII(name)) return "IDNA cannot encode it";
  // Servers ignore these: a TIMEOUT after the whole deadline (dnspython: NameTooLong, LabelTooLong).
  const asked = askedName(name);
  if (asked.length > MAX_NAME_OCTETS) return `the name is ${asked.length} octets long, more than ${MAX_NAME_OCTETS}`;
  const label = asked.split(".").find((l) => l.length > MAX_LABEL_OCTETS);
  if (label) return `label "${label.slice(0, 16)}…" is ${label.length} octets long, more than ${MAX_LABEL_OCTETS}`;
  const odd = HOST_CHARS.exec(asked);
  if (odd) return `character "${odd[0]}" at position ${odd.index} (a host name holds letters, digits, "-", "_", "*" and "/")`;
  // One trailing dot is dropped before this: another one (`example.com..`, `..`) is an empty label.
  if (name.endsWith(".")) return "an empty label (a second trailing dot)";
  if (asked.split(".").includes("")) return "an empty label";
  return undefined;
}

function failure(base: Omit<DnsResult, "canonical_name" | "rrset" | "expiration" | "response" | "status" | "error">, err: unknown, started = Date.now()): DnsResult {
  const code = (err as { code?: string }).code ?? "";
  const { negativeTtl } = err as { negativeTtl?: number };
  const status = STATUS_BY_CODE[code] ?? "ERROR";
  const message = err instanceof Error ? err.message : String(err);
  const where = base.nameserver ? ` (name server ${serverText(base.nameserver, base.port)})` : "";
  return {
    ...base,
    canonical_name: null,
    rrset: [],
    expiration: negativeTtl === undefined ? null : new Date(started + negativeTtl * 1000),
    response: `;QUESTION\n${base.qname} IN ${base.rdtype}\n;STATUS\n${status}${code ? ` ${code}` : ""}`,
    status,
    error: `${status}: ${message}${where}`,
  };
}

/**
 * Resolves `domain` (default record type A) within `timeoutMs`, believing
 * only records owned by the name asked or its CNAME chain. Never throws on
 * network trouble: a failed look-up has `status` ≠ `NOERROR`, an `error`
 * message and an empty `rrset`. A name with a control character such as NUL,
 * a backslash, a name IDNA cannot encode, one DNS cannot carry (over 253
 * octets, a label over 63) or no host name (`"evil .com"`) is not sent: it
 * gets status `ERROR` and an `EBADNAME` error. Throws {@link DnsError} only
 * for bad arguments.
 *
 * ```ts
 * const info = await dnsResolve("microsoft.com");
 * info.rrset;   // ["20.70.246.20", …] — or [] with info.status "TIMEOUT" when offline
 * ```
 */
export async function dnsResolve(domain: string, options: DnsOptions = {}): Promise<DnsResult> {
  checkOneName("dnsResolve", "domain", domain);
  checkDnsOptions("dnsResolve", options, DNS_OPTION_NAMES);
  const rdtype = normalizeType(options.rdtype);
  const name = String(domain ?? "").trim().replace(/\.$/, "");
  if (!name) throw new DnsError(msg.dnsEmptyDomain());
  const target = makeServers(options);
  const [[nameserver, port]] = target.servers;
  const unsendable = unsendableReason(name);
  // The name asked (dnspython shows `xn--tda.example.` for `ü.example`); a refused name as given.
  const asked = unsendable ? name : askedName(name);
  const base = { qname: `${asked}.`, rdtype, rdclass: "IN" as const, nameserver, port };
  // Node's resolver's wording (`queryA EBADNAME evil .com`), kept for the messages.
  const syscall = `query${rdtype[0]}${rdtype.slice(1).toLowerCase()}`;
  if (unsendable) {
    return failure(base, Object.assign(new Error(`${syscall} EBADNAME ${visibleName(name)}: ${unsendable}`), { code: "EBADNAME" }));
  }
  const started = Date.now();
  try {
    const fail: Fail = (code, why) => dnsFailure(`${syscall} ${code} ${asked}${why ? `: ${why}` : ""}`, code);
    // The chain is followed for every type (an MX asked of an alias is the MX of its target), except CNAME itself.
    const answer = readAnswer(await exchange(target, asked, rdtype, fail), asked, rdtype, fail);
    const expiration = new Date(started + answer.ttl * 1000);
    const lines = answer.rrset.map((r) => `${answer.canonical} ${answer.ttl} IN ${rdtype} ${r}`);
    return {
      ...base,
      canonical_name: answer.canonical,
      rrset: answer.rrset,
      expiration,
      response: `;QUESTION\n${base.qname} IN ${rdtype}\n;ANSWER\n${lines.join("\n")}`,
      status: "NOERROR",
      error: null,
    };
  } catch (err) {
    return failure(base, err, started);
  }
}

/** The reverse-lookup name of an IP: `4.3.2.1.in-addr.arpa` or the nibble form under `ip6.arpa`. */
export function reverseName(ip: string): string {
  const value = String(ip ?? "").trim();
  if (net.isIPv4(value)) return `${value.split(".").reverse().join(".")}.in-addr.arpa`;
  const v6 = parseIPv6(value);
  // An IPv4-mapped address (`::ffff:45.83.66.10`, as Windows logs clients) is the IPv4 host's name, as dnspython writes it.
  if (v6?.isIPv4MappedAddress()) return reverseName(v6.toIPv4Address().toString());
  if (v6) {
    const parts = v6.parts; // 8 groups, `::` and embedded IPv4 expanded
    const nibbles = parts.map((g) => g.toString(16).padStart(4, "0")).join("");
    return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
  }
  throw new DnsError(msg.dnsNotAnIp(ip));
}

/**
 * Reverse look-up (PTR) of an IPv4 or IPv6 address (MSTICPy's
 * `ip_rev_resolve`). Same result shape and failure rules as {@link dnsResolve};
 * `rrset` holds the host names.
 */
export async function dnsReverse(ip: string, options: Omit<DnsOptions, "rdtype"> = {}): Promise<DnsResult> {
  checkOneName("dnsReverse", "IP address", ip);
  checkDnsOptions("dnsReverse", options, DNS_OPTION_NAMES.filter((o) => o !== "rdtype"));
  return dnsResolve(reverseName(ip), { ...options, rdtype: "PTR" });
}
