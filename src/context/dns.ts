/**
 * DNS look-ups on Node's own resolver (c-ares, `dns.promises.Resolver`), with
 * the fields MSTICPy's `dns_resolve` returns. Every query has a hard deadline:
 * with no network, or a name server that never answers, the result is a
 * structured failure (`status`, `error`) within `timeoutMs`, never a hung cell
 * and never a thrown network error.
 */
import { promises as dnsPromises } from "node:dns";
import net from "node:net";
import { domainToASCII } from "node:url";
import { findUnknownOption } from "../common/errors";
import { parseIPv6 } from "./ipType";
import { DnsError, MAX_DNS_TRIES, MAX_TIMER_MS, contextMessages as msg } from "./messages";

/** Record types `dnsResolve` asks for (those Node's resolver returns parsed). */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA", "NAPTR"] as const;

/** One of {@link DNS_RECORD_TYPES}. */
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/**
 * How a look-up ended: `NOERROR` (answered), `NXDOMAIN` (no such name — Node
 * reports refused look-ups of unknown names the same way), `NODATA` (the name
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
  /** When the answer expires (now + lowest TTL; A and AAAA only — Node gives no TTL for other types). */
  expiration: Date | null;
  /** The answer as zone-file-like text (Node does not expose the raw message). */
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

/** A misspelt option (`rdType: "MX"`) was ignored: an A query. */
function checkDnsOptions(fn: string, options: object, known: readonly string[]): void {
  const unknown = findUnknownOption(options, known);
  if (unknown) throw new DnsError(msg.dnsOptionUnknown(fn, unknown, known));
}

function makeResolver(options: DnsOptions): { resolver: dnsPromises.Resolver; nameserver: string; port: number; timeoutMs: number } {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) throw new DnsError(msg.dnsTimeout(timeoutMs));
  const tries = options.tries ?? 1;
  if (!Number.isInteger(tries) || tries < 1 || tries > MAX_DNS_TRIES) throw new DnsError(msg.dnsTries(tries));
  // c-ares' own per-try timeout; the overall deadline below bounds retries and several servers.
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / tries)), tries });
  if (options.nameserver) {
    const [host, port] = splitServer(options.nameserver, options.port === undefined ? 53 : checkPort("port", options.port));
    if (!net.isIP(host)) throw new DnsError(msg.dnsNameserver(options.nameserver));
    checkPort(`the nameserver's port ("${options.nameserver}")`, port);
    resolver.setServers([serverText(host, port)]);
  }
  const first = resolver.getServers()[0] ?? "";
  const [nameserver, port] = first ? splitServer(first, 53) : ["", 53];
  return { resolver, nameserver, port, timeoutMs };
}

/** Runs `query` with a deadline; on expiry the resolver's queries are cancelled. */
async function withDeadline<T>(resolver: dnsPromises.Resolver, timeoutMs: number, query: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEOUT" }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([query(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function normalizeType(rdtype: string | undefined): DnsRecordType {
  const t = (rdtype ?? "A").toUpperCase();
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(t)) {
    throw new DnsError(msg.dnsRecordType(String(rdtype), DNS_RECORD_TYPES));
  }
  return t as DnsRecordType;
}

interface Answer {
  rrset: string[];
  ttl: number | null;
}

/** Characters of a TXT string written as `\DDD` byte escapes: controls (NUL…) and line separators. */
const TXT_ESCAPED = /[\p{Cc}\p{Zl}\p{Zp}]/gu;

/** `\DDD` for each byte of `bytes` (dnspython's escape). */
const byteEscapes = (bytes: Uint8Array) => Array.from(bytes, (b) => `\\${String(b).padStart(3, "0")}`).join("");

/**
 * One TXT character-string as text. Node hands its bytes over one character
 * per byte (Latin-1), so UTF-8 came out as mojibake and a NUL passed through:
 * valid UTF-8 is decoded, other strings keep printable ASCII only, as
 * dnspython writes them; the rest, and any backslash, is escaped so that an
 * escape cannot be forged.
 */
function txtText(chunk: string): string {
  const bytes = Buffer.from(chunk, "latin1");
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.replace(/\\/g, "\\\\").replace(TXT_ESCAPED, (c) => byteEscapes(Buffer.from(c, "utf8")));
  } catch {
    return chunk.replace(/\\/g, "\\\\").replace(/[^\x20-\x7e]/g, (c) => byteEscapes(Buffer.from(c, "latin1")));
  }
}

/** Asks for one record type; records rendered as text. */
async function query(resolver: dnsPromises.Resolver, name: string, rdtype: DnsRecordType): Promise<Answer> {
  switch (rdtype) {
    case "A":
    case "AAAA": {
      const records = rdtype === "A" ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
      return { rrset: records.map((r) => r.address), ttl: records.length ? Math.min(...records.map((r) => r.ttl)) : null };
    }
    case "CNAME":
      return { rrset: (await resolver.resolveCname(name)).map(fqdn), ttl: null };
    case "MX":
      return { rrset: (await resolver.resolveMx(name)).map((r) => `${r.priority} ${fqdn(r.exchange)}`), ttl: null };
    case "TXT":
      return { rrset: (await resolver.resolveTxt(name)).map((chunks) => chunks.map(txtText).join("")), ttl: null };
    case "NS":
      return { rrset: (await resolver.resolveNs(name)).map(fqdn), ttl: null };
    case "PTR":
      return { rrset: (await resolver.resolvePtr(name)).map(fqdn), ttl: null };
    case "SOA": {
      const s = await resolver.resolveSoa(name);
      return { rrset: [`${fqdn(s.nsname)} ${fqdn(s.hostmaster)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minttl}`], ttl: s.minttl };
    }
    case "SRV":
      return { rrset: (await resolver.resolveSrv(name)).map((r) => `${r.priority} ${r.weight} ${r.port} ${fqdn(r.name)}`), ttl: null };
    case "CAA":
      return {
        rrset: (await resolver.resolveCaa(name)).map((r) => {
          const [tag, value] = Object.entries(r).find(([k]) => k !== "critical") ?? ["", ""];
          return `${r.critical} ${tag} "${String(value)}"`;
        }),
        ttl: null,
      };
    case "NAPTR":
      return {
        rrset: (await resolver.resolveNaptr(name)).map((r) => `${r.order} ${r.preference} "${r.flags}" "${r.service}" "${r.regexp}" ${fqdn(r.replacement || ".")}`),
        ttl: null,
      };
  }
}

/** CNAMEs followed before giving up (dnspython's MAX_CHAIN). */
const MAX_CNAMES = 16;

/**
 * The canonical name of `name` (the end of its CNAME chain), or `name` itself.
 * A chain that loops or runs past {@link MAX_CNAMES} is an error, as in
 * dnspython ("The CNAME chain is too long"): its records cannot be found.
 */
async function canonicalName(resolver: dnsPromises.Resolver, name: string): Promise<string> {
  const chain = [fqdn(name)];
  for (;;) {
    let target: string | undefined;
    try {
      [target] = await resolver.resolveCname(chain[chain.length - 1]);
    } catch {
      // No CNAME (or no answer): the chain ends here.
    }
    if (!target) return chain[chain.length - 1];
    const next = fqdn(target);
    const loops = chain.some((n) => n.toLowerCase() === next.toLowerCase());
    chain.push(next);
    if (loops || chain.length > MAX_CNAMES + 1) {
      const what = loops ? "the CNAME chain loops" : `the CNAME chain is too long (more than ${MAX_CNAMES} CNAMEs)`;
      // Caught by dnsResolve and returned as a result with status ERROR (never thrown to the caller).
      throw Object.assign(new Error(`${what}: ${chain.slice(0, 4).join(" → ")}${chain.length > 4 ? " → …" : ""}`), { code: "ECNAMECHAIN" });
    }
  }
}

/**
 * Characters that never reach the server as written: C0/C1 controls (a NUL
 * ends Node's C string), lone surrogates, line and paragraph separators, and
 * the backslash (c-ares reads zone-file escapes such as `a\.b` and `\065`).
 */
const UNSENDABLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\\]/u;

/** The name Node sends for `name`: IDNA's ASCII form (`ü.example` → `xn--tda.example`); ASCII names as typed. */
const askedName = (name: string) => (/[^\x00-\x7f]/.test(name) ? domainToASCII(name) : name);

/** Longest name (in octets, without the root's dot) and label a DNS message carries (RFC 1035 §2.3.4). */
const MAX_NAME_OCTETS = 253;
const MAX_LABEL_OCTETS = 63;

/** `name` with its invisible characters written as `\u{…}`, so that a message shows them. */
function visibleName(name: string): string {
  return name.replace(/[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16).toUpperCase()}}`);
}

/**
 * Why c-ares would ask for another name than `name`, or undefined. A NUL cuts
 * it (`evil.com\0.good.com` asks for `evil.com`), escapes rewrite it, and a
 * name IDNA cannot encode is sent as the root: the result would name one
 * domain and describe another. c-ares itself refuses spaces, `@`, `;`…
 * (EBADNAME); these get the same answer.
 */
function unsendableReason(name: string): string | undefined {
  const bad = UNSENDABLE.exec(name);
  if (bad) {
    const what = bad[0] === "\\" ? "a backslash (c-ares would read it as an escape)" : `character U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `${what} at position ${bad.index}`;
  }
  // Node converts names with IDNA and sends the empty name (the root) when that fails: non-ASCII
  // names, and ASCII ones with a punycode label that does not decode (`xn--zz.com`).
  if ((/[^\x00-\x7f]/.test(name) || /(?:^|\.)xn--/i.test(name)) && !domainToASCII(name)) return "IDNA cannot encode it";
  // Node sent these and the server's silence came back as a TIMEOUT after the whole deadline (dnspython: NameTooLong, LabelTooLong).
  const asked = askedName(name);
  if (asked.length > MAX_NAME_OCTETS) return `the name is ${asked.length} octets long, more than ${MAX_NAME_OCTETS}`;
  const label = asked.split(".").find((l) => l.length > MAX_LABEL_OCTETS);
  if (label) return `label "${label.slice(0, 16)}…" is ${label.length} octets long, more than ${MAX_LABEL_OCTETS}`;
  // One trailing dot is dropped before this: another one (`example.com..`, `..`) is an empty label.
  if (name.endsWith(".")) return "an empty label (a second trailing dot)";
  return undefined;
}

function failure(base: Omit<DnsResult, "canonical_name" | "rrset" | "expiration" | "response" | "status" | "error">, err: unknown): DnsResult {
  const code = (err as { code?: string }).code ?? "";
  const status = STATUS_BY_CODE[code] ?? "ERROR";
  const message = err instanceof Error ? err.message : String(err);
  const where = base.nameserver ? ` (name server ${serverText(base.nameserver, base.port)})` : "";
  return {
    ...base,
    canonical_name: null,
    rrset: [],
    expiration: null,
    response: `;QUESTION\n${base.qname} IN ${base.rdtype}\n;STATUS\n${status}${code ? ` ${code}` : ""}`,
    status,
    error: `${status}: ${message}${where}`,
  };
}

/**
 * Resolves `domain` (default record type A) on Node's resolver, within
 * `timeoutMs`. Never throws on network trouble: a failed look-up has
 * `status` ≠ `NOERROR`, an `error` message and an empty `rrset`. A name
 * c-ares would cut or rewrite (a control character such as NUL, a backslash,
 * a name IDNA cannot encode), or that DNS cannot carry (over 253 octets, a
 * label over 63), is not sent: like a name c-ares refuses
 * (`"evil .com"`), it gets status `ERROR` and an `EBADNAME` error. Throws
 * {@link DnsError} only for bad arguments.
 *
 * ```ts
 * const info = await dnsResolve("microsoft.com");
 * info.rrset;   // ["20.70.246.20", …] — or [] with info.status "TIMEOUT" when offline
 * ```
 */
export async function dnsResolve(domain: string, options: DnsOptions = {}): Promise<DnsResult> {
  checkDnsOptions("dnsResolve", options, DNS_OPTION_NAMES);
  const rdtype = normalizeType(options.rdtype);
  const name = String(domain ?? "").trim().replace(/\.$/, "");
  if (!name) throw new DnsError(msg.dnsEmptyDomain());
  const { resolver, nameserver, port, timeoutMs } = makeResolver(options);
  const unsendable = unsendableReason(name);
  // The name asked (dnspython shows `xn--tda.example.` for `ü.example`); a refused name as given.
  const asked = unsendable ? name : askedName(name);
  const base = { qname: `${asked}.`, rdtype, rdclass: "IN" as const, nameserver, port };
  if (unsendable) {
    // Node's own wording for a name c-ares refuses (`queryA EBADNAME evil .com`), with the reason.
    const syscall = `query${rdtype[0]}${rdtype.slice(1).toLowerCase()}`;
    return failure(base, Object.assign(new Error(`${syscall} EBADNAME ${visibleName(name)}: ${unsendable}`), { code: "EBADNAME" }));
  }
  try {
    const started = Date.now();
    // The chain is followed for every type (an MX asked of an alias is the MX of its target), except CNAME itself.
    const [answer, canonical] = await withDeadline(resolver, timeoutMs, () =>
      Promise.all([
        query(resolver, name, rdtype).catch((err: unknown) => ({ err })),
        rdtype === "CNAME" ? fqdn(asked) : canonicalName(resolver, asked),
      ]),
    );
    // A chain that loops is reported as such, not as the NODATA its empty answer would say.
    if ("err" in answer) throw answer.err;
    if (!answer.rrset.length) {
      // An empty answer (dnspython: NoAnswer), e.g. an alias without records of this type.
      throw Object.assign(new Error(`no ${rdtype} records for ${name}`), { code: "ENODATA" });
    }
    const expiration = answer.ttl === null ? null : new Date(started + answer.ttl * 1000);
    const ttl = answer.ttl === null ? "" : `${answer.ttl} `;
    const lines = answer.rrset.map((r) => `${canonical} ${ttl}IN ${rdtype} ${r}`);
    return {
      ...base,
      canonical_name: canonical,
      rrset: answer.rrset,
      expiration,
      response: `;QUESTION\n${base.qname} IN ${rdtype}\n;ANSWER\n${lines.join("\n")}`,
      status: "NOERROR",
      error: null,
    };
  } catch (err) {
    return failure(base, err);
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
  checkDnsOptions("dnsReverse", options, DNS_OPTION_NAMES.filter((o) => o !== "rdtype"));
  return dnsResolve(reverseName(ip), { ...options, rdtype: "PTR" });
}
