/**
 * The entity types of Sentinel alerts (and MSTICPy's entity model) that the lab
 * meets: IP addresses with their geolocation, hosts, accounts, processes,
 * files, URLs, malware, logon sessions, DNS names, file hashes and references
 * to other alerts. Properties keep Sentinel's PascalCase names.
 */
import { hideUrlUserInfo } from "../common/urlUserInfo";
import net from "node:net";
import { parseIPv6 } from "../common/ipv6";
import { withoutHostPrefix } from "../common/hostPrefix";
import { Entity, entityProperties, firstText, formatEntityValue, type EntitySchema, type EntitySource } from "./entity";
import { foldIdentity } from "../common/caseFold";
import { toASCII } from "tr46";
import { fileOsOf, isPosixPath, splitFilePath, withoutNamespacePrefix } from "./filePath";

/**
 * An IP address in one notation (`0:0:0:0:0:0:0:1` → `::1`, `::ffff:10.0.0.1`
 * → `10.0.0.1`, hex lower-cased), or undefined when `text` is no address.
 * IPv4 only in dotted decimal (ipaddr.js would read `1234` as an address).
 */
function canonicalIp(text: string): string | undefined {
  const t = text.trim();
  // node:net's test, not ipaddr.js's isValid: that one throws (and captures a stack trace) for every name that is no
  // address — each host's key asks — and net's dotted decimal (no leading zeros, octets ≤ 255) is already canonical.
  if (net.isIPv4(t)) return t;
  // As RFC 4291 reads it: ipaddr.js alone keys the IPv4-compatible `::8.8.8.8` (`::808:808`) as 8.8.8.8.
  const v6 = parseIPv6(t);
  if (!v6) return undefined;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toString();
}

/**
 * The address of one written with a port (`203.0.113.7:50311`, `[2001:db8::1]:443`, as Office 365's ClientIP, storage
 * and proxy logs write a client) or bracketed as URLs write IPv6 (`[2001:db8::1]`), in {@link canonicalIp}'s notation;
 * undefined for anything else. An IPv6 address needs its brackets: without them the last group is no port.
 */
function addressBeforePort(text: string): string | undefined {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([^\]]{2,64})\]):(\d{1,5})$/.exec(text) ?? /^\[([^\]]{2,64})\]$/.exec(text);
  if (!m) return undefined;
  if (m.length === 2) return m[1].includes(":") ? canonicalIp(m[1]) : undefined;
  if (Number(m[3]) > 65535) return undefined;
  if (m[1] !== undefined) return canonicalIp(m[1]);
  return m[2].includes(":") ? canonicalIp(m[2]) : undefined;
}

/** The address of a single-host prefix (`8.8.8.8/32`, `2001:db8::1/128`) in {@link canonicalIp}'s notation, else undefined. */
function hostAddress(text: string): string | undefined {
  const address = withoutHostPrefix(text);
  return address === text ? undefined : canonicalIp(address);
}

/** Every machine's own loopback or unspecified address (`127.0.0.1`, `::1`, `0.0.0.0`): no address or host two alerts share. */
function isEveryMachines(canonical: string): boolean {
  // By text: the canonical forms are fixed (RFC 5952 for IPv6), and ipaddr.parse tried IPv6 first, throwing
  // (a stack trace captured) for every IPv4 address: most of an entity graph's build time.
  if (canonical.includes(":")) return canonical === "::1" || canonical === "::";
  return canonical.startsWith("127.") || canonical.startsWith("0.");
}

/** The identity part of a host's key (after `host:`), "" for a host with none. */
function hostIdentity(host: Host | undefined): string {
  const key = host?.key ?? "";
  return key.startsWith("host:") ? key.slice("host:".length) : "";
}

/**
 * UTS #46 as a resolver applies it (tr46, the WHATWG URL standard's own mapping): Node's and Deno's
 * `domainToASCII` disagreed (ẞ as "ss" or ß; Node's cut at `/`, `?`, `#`, decoded `%41`, refused a port),
 * so one notebook keyed names differently in the two kernels. No DNS-syntax checks: names come from logs.
 */
const IDNA_OPTIONS = { checkBidi: false, checkHyphens: false, checkJoiners: false, useSTD3ASCIIRules: false, transitionalProcessing: false, verifyDNSLength: false } as const;

/**
 * A DNS name as an identity: case-folded, and an internationalised name in its
 * ASCII (punycode) form, as resolvers and most logs write it, so `bücher.example`
 * and `xn--bcher-kva.example` are one name; a final dot (`evil.com.`) names the same domain.
 */
function domainIdentity(name: string): string {
  // IDNA maps case itself and keeps a final ς apart from σ (βόλος.gr and βόλοσ.gr are two domains): converted
  // first, not case-folded first (that keyed βόλος.gr as the other domain's punycode).
  // eslint-disable-next-line no-control-regex
  // Past a DNS name's 253 characters no resolver maps it: folded only (tr46 is quadratic on one long label).
  const ascii = name.length <= 253 && /[^\x00-\x7f]/.test(name) ? (toASCII(name, IDNA_OPTIONS) ?? foldIdentity(name)) : foldIdentity(name);
  return ascii.length > 1 && ascii.endsWith(".") ? ascii.slice(0, -1) : ascii;
}

/** A URL's host (and port) as an identity: the name as {@link domainIdentity} has it; an IPv6 literal lower-cased. */
function urlHostIdentity(host: string): string {
  if (host.startsWith("[")) return host.toLowerCase();
  const colon = host.lastIndexOf(":");
  return colon < 0 ? domainIdentity(host) : `${domainIdentity(host.slice(0, colon))}${host.slice(colon)}`;
}

/**
 * A Windows id (process id, logon id) as an identity: Security events write
 * them in hex (`0x1f4`, `0x3e7`), Sysmon and Defender in decimal (`500`, `999`);
 * an integer in either notation keys as its decimal value. Other text: lower case.
 */
export function windowsId(id: string): string {
  return /^(0x[0-9a-f]+|\d+)$/i.test(id) ? BigInt(id).toString() : id.toLowerCase();
}

/**
 * A file path as an identity: a POSIX path (from one `/`, no backslash: Linux, as auditd, osquery and Defender on Linux
 * write it) as written, in its NFC form, since Linux tells `/tmp/x` from `/tmp/X`; any other (a drive, a UNC share, a
 * lone name) folded as Windows compares paths, its `/` read as `\` as Windows reads them, so `C:/dir/x.exe` (PowerShell,
 * some exports) and `//server/share` are `C:\dir\x.exe` and `\\server\share`. Folding every path made two Linux files
 * one entity; a leading `//` then a name is a UNC share written with slashes, not a Linux path.
 */
function pathIdentity(path: string): string {
  // A Win32 namespace path (`\\?\C:\…`, as Sysmon writes some images) is the file its rest names.
  return isPosixPath(path) ? path.normalize("NFC") : withoutNamespacePrefix(foldIdentity(path).replaceAll("/", "\\"));
}

/** Drops keys whose value is `undefined` (constructors take partial property objects). */
type Props<T> = { [K in keyof T]?: T[K] } & { AdditionalData?: Record<string, unknown> };

/** Where an IP address is: country, region, city, coordinates and network (ASN). */
export class GeoLocation extends Entity {
  /** ISO 3166-1 alpha-2 country code. */
  declare CountryCode?: string;
  declare CountryName?: string;
  /** State, province or region. */
  declare State?: string;
  declare City?: string;
  declare Longitude?: number;
  declare Latitude?: number;
  /** Autonomous system number, where the database knows it. */
  declare Asn?: number;
  /** Name of the autonomous system's organisation. */
  declare AsnOrg?: string;
  /** Where the location came from (the data's own columns, "DB-IP Lite", "GeoLite2"…). */
  declare Source?: string;

  static override readonly schema: EntitySchema = {
    CountryCode: "string",
    CountryName: "string",
    State: "string",
    City: "string",
    Longitude: "number",
    Latitude: "number",
    Asn: "number",
    AsnOrg: "string",
    Source: "string",
  };

  constructor(properties: Props<Pick<GeoLocation, "CountryCode" | "CountryName" | "State" | "City" | "Longitude" | "Latitude" | "Asn" | "AsnOrg" | "Source">> = {}) {
    super("geolocation", properties);
  }

  get nameStr(): string {
    return [this.City, this.State, this.CountryCode ?? this.CountryName].filter(Boolean).join(", ") || this.coordinates() || "GeoLocation";
  }

  /** The place (city, state, country or coordinates); a location with none keys only itself. */
  override get key(): string {
    return firstText(this.City, this.State, this.CountryCode, this.CountryName) || this.coordinates() ? super.key : this.uniqueKey();
  }

  /** `lat, lon` with 4 decimals, or "" when either is missing. */
  coordinates(): string {
    return hasCoordinates(this) ? `${this.Latitude!.toFixed(4)}, ${this.Longitude!.toFixed(4)}` : "";
  }
}

/** True when the location has finite latitude and longitude inside the valid ranges. */
export function hasCoordinates(location: GeoLocation | undefined): boolean {
  if (!location) return false;
  const { Latitude: lat, Longitude: lon } = location;
  return typeof lat === "number" && typeof lon === "number" && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** An IP address, optionally with its location and threat intelligence. */
export class Ip extends Entity {
  declare Address?: string;
  declare Location?: GeoLocation;
  declare ThreatIntelligence?: unknown[];
  declare TimeGenerated?: Date;

  static override readonly schema: EntitySchema = {
    Address: "string",
    Location: { entity: "geolocation" },
    ThreatIntelligence: "list",
    TimeGenerated: "time",
  };

  static override readonly textProperty = "Address";

  /** `properties`, or the address as text (`new Ip("8.8.8.8")`). */
  constructor(properties: Props<Pick<Ip, "Address" | "Location" | "ThreatIntelligence" | "TimeGenerated">> | string = {}) {
    super("ip", properties);
  }

  get nameStr(): string {
    return this.Address ?? "Ip";
  }

  /**
   * The address in one notation (`::1` and `0:0:0:0:0:0:0:1` are one key), without a port (`203.0.113.7:50311` is
   * 203.0.113.7) or a single-host prefix (`203.0.113.7/32`); text that is no address, trimmed and lower-cased.
   */
  override get key(): string {
    const address = firstText(this.Address);
    if (address === undefined) return this.uniqueKey();
    const ip = canonicalIp(address) ?? addressBeforePort(address.trim()) ?? hostAddress(address.trim());
    if (ip !== undefined && isEveryMachines(ip)) return this.uniqueKey();
    return `ip:${ip ?? address.toLowerCase()}`;
  }
}

/** A computer. */
export class Host extends Entity {
  declare HostName?: string;
  declare DnsDomain?: string;
  declare NTDomain?: string;
  declare NetBiosName?: string;
  declare AzureID?: string;
  declare OMSAgentID?: string;
  declare OSFamily?: string;
  declare OSVersion?: string;
  declare IsDomainJoined?: boolean;

  static override readonly schema: EntitySchema = {
    HostName: "string",
    DnsDomain: "string",
    NTDomain: "string",
    NetBiosName: "string",
    AzureID: "string",
    OMSAgentID: "string",
    OSFamily: "string",
    OSVersion: "string",
    IsDomainJoined: "boolean",
  };

  static override readonly textProperty = "HostName";

  /** `properties`, or the host name as text (`new Host("WORKSTATION7")`). */
  constructor(properties: Props<Pick<Host, "HostName" | "DnsDomain" | "NTDomain" | "NetBiosName" | "AzureID" | "OMSAgentID" | "OSFamily" | "OSVersion" | "IsDomainJoined">> | string = {}) {
    super("host", properties);
  }

  get nameStr(): string {
    return this.HostName ?? this.NetBiosName ?? "Host";
  }

  /** `HostName.DnsDomain` when the domain is known. */
  get fqdn(): string {
    return this.DnsDomain ? `${this.nameStr}.${this.DnsDomain}` : this.nameStr;
  }

  /**
   * Host names are case-insensitive; the short name (before the first dot)
   * identifies the host. A host named by an IP address keeps the whole address
   * (in the notation of {@link Ip.key}): `10.0.0.1` and `10.2.3.4` are two hosts.
   */
  override get key(): string {
    const name = firstText(this.HostName, this.NetBiosName);
    // `localhost` (`localhost.`, `localhost6`, `ip6-localhost`, `localhost.anything`) is every machine.
    if (name === undefined || /^(ip6-)?localhost6?(\.|$)/i.test(name)) return this.uniqueKey();
    const ip = canonicalIp(name);
    if (ip !== undefined && isEveryMachines(ip)) return this.uniqueKey();
    if (ip !== undefined) return `host:${ip}`;
    // Digits and dots that are no valid address (`10.0.0.01`, `10.1`): no domain to cut either.
    if (/^[\d.]+$/.test(name)) return `host:${name}`;
    // A computer name compares as Windows compares it, case-insensitively (ΟΔΟΣ-PC is οδος-pc): folded before IDNA.
    const dns = domainIdentity(foldIdentity(name));
    return `host:${dns.split(".")[0] || dns}`;
  }
}

/** A Windows security identifier (`S-1-5-21-…`) as text. */
const SID = /^S-1-\d+(?:-\d+)+$/i;

/** A user or service account. */
export class Account extends Entity {
  declare Name?: string;
  declare NTDomain?: string;
  declare UPNSuffix?: string;
  declare Host?: Host;
  declare LogonId?: string;
  declare Sid?: string;
  declare AadTenantId?: string;
  declare AadUserId?: string;
  declare PUID?: string;
  declare IsDomainJoined?: boolean;
  declare DisplayName?: string;
  declare ObjectGuid?: string;

  static override readonly schema: EntitySchema = {
    Name: "string",
    NTDomain: "string",
    UPNSuffix: "string",
    Host: { entity: "host" },
    LogonId: "string",
    Sid: "string",
    AadTenantId: "string",
    AadUserId: "string",
    PUID: "string",
    IsDomainJoined: "boolean",
    DisplayName: "string",
    ObjectGuid: "string",
  };

  static override readonly textProperty = "Name";

  /** `properties`, or the account name as text (`new Account("bob")`). */
  constructor(
    properties:
      | Props<
          Pick<Account, "Name" | "NTDomain" | "UPNSuffix" | "Host" | "LogonId" | "Sid" | "AadTenantId" | "AadUserId" | "PUID" | "IsDomainJoined" | "DisplayName" | "ObjectGuid">
        >
      | string = {},
  ) {
    super("account", properties);
  }

  get nameStr(): string {
    return this.Name ?? this.DisplayName ?? "Unknown Account";
  }

  /** `DOMAIN\name`, `name@suffix`, or the name. */
  get qualifiedName(): string {
    if (this.NTDomain) return `${this.NTDomain}\\${this.nameStr}`;
    if (this.UPNSuffix) return `${this.nameStr}@${this.UPNSuffix}`;
    return this.nameStr;
  }

  /**
   * `account:domain\name`, lower-cased, as MSTICPy keys accounts: the local
   * Administrator of two machines is two accounts. The domain is the NT domain,
   * else the UPN suffix's first label (`bob@fabrikam.com` is `FABRIKAM\bob`).
   * Without a domain, `account:name`: the graphs join it to the one account of
   * that name with a domain (see `accountJoins` in vis/alertGraph.ts).
   * A name written whole (`bob@fabrikam.com`, `FABRIKAM\bob`, a SID) is keyed as its parts.
   * Without a name, the SID (`account:sid:s-1-5-…`), then the Entra ID object
   * id (`account:aad:…`), lower-cased: account names cannot hold `:`.
   */
  override get key(): string {
    const written = firstText(this.Name, this.DisplayName);
    let domain = firstText(this.NTDomain, firstText(this.UPNSuffix)?.split(".")[0]);
    let name = written;
    // A name written whole, as one cell holds it: `bob@fabrikam.com` (a UPN: Entra, Office 365, AccountUpn),
    // `FABRIKAM\bob` (Sysmon's User), or a SID (an account Windows could not resolve). Each keyed as its parts, where
    // no other domain is given: the whole text was a key of its own, and the same account two nodes.
    if (written !== undefined && written === firstText(this.Name)) {
      const slash = written.indexOf("\\");
      const at = written.lastIndexOf("@");
      if (slash > 0 && slash < written.length - 1) {
        const own = written.slice(0, slash);
        if (domain === undefined || foldIdentity(domain) === foldIdentity(own)) [domain, name] = [own, written.slice(slash + 1)];
      } else if (at > 0 && at < written.length - 1) {
        const own = written.slice(at + 1).split(".")[0];
        if (own !== "" && (domain === undefined || foldIdentity(domain) === foldIdentity(own))) [domain, name] = [own, written.slice(0, at)];
      } else if (domain === undefined && SID.test(written) && written.toUpperCase() !== "S-1-0-0") {
        return `account:sid:${written.toLowerCase()}`;
      }
    }
    if (name !== undefined) return `account:${domain === undefined ? "" : `${foldIdentity(domain)}\\`}${foldIdentity(name)}`;
    const sid = firstText(this.Sid);
    // S-1-0-0, the null SID ("Nobody"), is what 4624 events write beside a `-` name: no account.
    if (sid !== undefined && sid.toUpperCase() !== "S-1-0-0") return `account:sid:${sid.toLowerCase()}`;
    const aad = firstText(this.AadUserId);
    return aad !== undefined ? `account:aad:${aad.toLowerCase()}` : this.uniqueKey();
  }
}

/** A file on a host. */
export class File extends Entity {
  declare Name?: string;
  declare Directory?: string;
  declare Host?: Host;
  declare Md5?: string;
  declare Sha1?: string;
  declare Sha256?: string;
  declare Sha256Ac?: string;
  declare FileHashes?: FileHash[];
  /** The process that created the file, where the data says (a file-creation row: `filesFromDataFrame`). */
  declare CreatingProcess?: Process;
  /** When the row that named the file was logged (for a file-creation row, when the file was created). */
  declare TimeGenerated?: Date;
  /** The separator the path is written with, a backslash or `/`, as MSTICPy's File keeps it: set from the path ({@link fileOsOf}). */
  declare PathSeparator?: string;
  /** `Windows` or `Linux`, as MSTICPy's File (and a Host's `OSFamily`) writes it: set from the path ({@link fileOsOf}). */
  declare OSFamily?: string;

  static override readonly schema: EntitySchema = {
    Name: "string",
    Directory: "string",
    FullPath: "string",
    Host: { entity: "host" },
    Md5: "string",
    Sha1: "string",
    Sha256: "string",
    Sha256Ac: "string",
    FileHashes: { entities: "filehash" },
    CreatingProcess: { entity: "process" },
    TimeGenerated: "time",
    PathSeparator: "string",
    OSFamily: "string",
  };

  static override readonly textProperty = "FullPath";

  /** `properties`, or the full path as text (`new File("C:\\Windows\\cmd.exe")`). */
  constructor(
    properties: (Props<Pick<File, "Name" | "Directory" | "Host" | "Md5" | "Sha1" | "Sha256" | "Sha256Ac" | "FileHashes" | "CreatingProcess" | "TimeGenerated" | "PathSeparator" | "OSFamily">> & { FullPath?: string }) | string = {},
  ) {
    const { FullPath, ...rest } = entityProperties(File, properties) as { FullPath?: unknown };
    super("file", rest);
    // Split a given full path so Name/Directory are always there (filePath.ts: roots, UNC shares, `\\?\` paths,
    // separators at the end). A value that is no text (a number from an untyped cell) is split as its text.
    const path = typeof FullPath === "string" ? FullPath : FullPath === undefined || FullPath === null ? "" : formatEntityValue(FullPath);
    if (path) {
      const parts = splitFilePath(path);
      if (!this.Name && parts.Name !== undefined) this.Name = parts.Name;
      if (!this.Directory && parts.Directory !== undefined) this.Directory = parts.Directory;
    }
    // Given ones are kept (an alert's, a caller's); else read from the path, or from the folder when only it is given.
    const os = fileOsOf(path || (typeof this.Directory === "string" ? this.Directory : ""), this.OSFamily);
    if (os) {
      if (this.OSFamily === undefined) this.OSFamily = os.OSFamily;
      if (this.PathSeparator === undefined) this.PathSeparator = os.PathSeparator;
    }
  }

  /** `Directory\Name` (with the directory's own separator); the directory alone for a folder without a name (`C:\`, `\\srv\share`). */
  get FullPath(): string {
    if (!this.Directory) return this.Name ?? "";
    if (!this.Name) return this.Directory;
    // The folder's own separator; a folder without one (`tmp`) takes the File's, as MSTICPy joins Directory and Name.
    const sep = this.Directory.includes("/") && !this.Directory.includes("\\") ? "/" : this.Directory.includes("\\") || this.PathSeparator !== "/" ? "\\" : "/";
    return this.Directory.endsWith(sep) ? `${this.Directory}${this.Name}` : `${this.Directory}${sep}${this.Name}`;
  }

  get nameStr(): string {
    return this.Name ?? (this.FullPath || "File");
  }

  override propertyEntries(): [string, unknown][] {
    const entries = super.propertyEntries().filter(([k]) => k !== "FullPath");
    return this.Directory ? [...entries, ["FullPath", this.FullPath]] : entries;
  }

  /**
   * The full path, lower-cased with `/` read as `\` (Windows paths are case-insensitive and take either separator; a
   * POSIX path `/…` keeps its case and slashes, as Linux does); without one, the strongest hash (`file:hash:…`).
   */
  override get key(): string {
    if (firstText(this.Name, this.Directory) !== undefined) return `file:${pathIdentity(this.FullPath)}`;
    const hashes = Array.isArray(this.FileHashes) ? this.FileHashes.map((h) => (h as FileHash | undefined)?.Value) : [];
    const hash = firstText(this.Sha256, this.Sha1, this.Md5, ...hashes);
    return hash !== undefined ? `file:hash:${hash.toLowerCase()}` : this.uniqueKey();
  }
}

/** A hash of a file. */
export class FileHash extends Entity {
  declare Algorithm?: string;
  declare Value?: string;

  static override readonly schema: EntitySchema = { Algorithm: "string", Value: "string" };

  constructor(properties: Props<Pick<FileHash, "Algorithm" | "Value">> = {}) {
    super("filehash", properties);
  }

  get nameStr(): string {
    return this.Value ? `${this.Algorithm ?? "hash"}: ${this.Value}` : "FileHash";
  }

  override get key(): string {
    return firstText(this.Value) !== undefined ? super.key : this.uniqueKey();
  }
}

/** A running process. */
export class Process extends Entity {
  declare ProcessId?: string;
  declare CommandLine?: string;
  declare ElevationToken?: string;
  declare CreationTimeUtc?: Date;
  declare ImageFile?: File;
  declare Account?: Account;
  declare ParentProcess?: Process;
  declare Host?: Host;
  declare LogonSession?: HostLogonSession;

  static override readonly schema: EntitySchema = {
    ProcessId: "string",
    CommandLine: "string",
    ElevationToken: "string",
    CreationTimeUtc: "time",
    ImageFile: { entity: "file" },
    Account: { entity: "account" },
    ParentProcess: { entity: "process" },
    Host: { entity: "host" },
    LogonSession: { entity: "host-logon-session" },
  };

  constructor(
    properties: Props<Pick<Process, "ProcessId" | "CommandLine" | "ElevationToken" | "CreationTimeUtc" | "ImageFile" | "Account" | "ParentProcess" | "Host" | "LogonSession">> = {},
  ) {
    super("process", properties);
  }

  /** The image file's full path, when known. */
  get ProcessFilePath(): string | undefined {
    return this.ImageFile?.FullPath || undefined;
  }

  /** `image[pid:0x…]`, as MSTICPy names processes. */
  get nameStr(): string {
    const image = this.ImageFile?.nameStr;
    if (image) return `${image}[pid:${this.ProcessId ?? "?"}]`;
    return this.ProcessId ? `process[pid:${this.ProcessId}]` : "Process";
  }

  /**
   * Host, process id and image: the same pid on two hosts (or reused for
   * another image) is another process. Neither pid nor image: a key of its own.
   */
  override get key(): string {
    const pid = firstText(this.ProcessId) ?? "";
    const image = firstText(this.ImageFile?.FullPath) ?? "";
    const host = hostIdentity(this.Host);
    // A PID alone is no process: PID 4 is System on every Windows machine.
    if (image === "" && (pid === "" || host === "")) return this.uniqueKey();
    return `process:${host}|${windowsId(pid)}|${pathIdentity(image)}`;
  }
}

/** A logon session of an account on a host. */
export class HostLogonSession extends Entity {
  declare SessionId?: string;
  declare StartTimeUtc?: Date;
  declare EndTimeUtc?: Date;
  declare Host?: Host;
  declare Account?: Account;

  static override readonly schema: EntitySchema = {
    SessionId: "string",
    StartTimeUtc: "time",
    EndTimeUtc: "time",
    Host: { entity: "host" },
    Account: { entity: "account" },
  };

  constructor(properties: Props<Pick<HostLogonSession, "SessionId" | "StartTimeUtc" | "EndTimeUtc" | "Host" | "Account">> = {}) {
    super("host-logon-session", properties);
  }

  get nameStr(): string {
    const host = this.Host ? ` on ${this.Host.nameStr}` : "";
    return `logon session ${this.SessionId ?? "?"}${host}`;
  }

  /** Host and session id; a session without an id keys only itself. */
  override get key(): string {
    const session = firstText(this.SessionId);
    return session === undefined ? this.uniqueKey() : `host-logon-session:${hostIdentity(this.Host)}|${windowsId(session)}`;
  }
}

/** A URL. */
export class Url extends Entity {
  declare Url?: string;

  static override readonly schema: EntitySchema = { Url: "string" };

  static override readonly textProperty = "Url";

  /** `properties`, or the URL as text (`new Url("http://evil.com/x")`). */
  constructor(properties: Props<Pick<Url, "Url">> | string = {}) {
    super("url", properties);
  }

  /** The URL with its user info shown as `***` (`http://***@host/x`): a captured password shows nowhere. */
  get nameStr(): string {
    return this.Url === undefined ? "Url" : hideUrlUserInfo(String(this.Url));
  }

  /** URLs are case-sensitive past the host: kept as is (trimmed). */
  override get key(): string {
    const url = firstText(this.Url);
    // Scheme and host in lower case, as they compare (`HTTP://Evil.COM/x` is `http://evil.com/x`).
    if (url === undefined) return this.uniqueKey();
    // User info (a password is case-sensitive) and the rest as written (a graph's view hides it in node ids: viewIds).
    // The user info runs to the authority's last `@`, as IoCExtract and browsers read it (`http://u@bank.com@evil.com`).
    return `url:${url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^/?#]*)/i, (_all, scheme: string, user = "", host: string) => `${scheme.toLowerCase()}${user}${urlHostIdentity(host)}`)}`;
  }
}

/** A DNS name. */
export class Dns extends Entity {
  declare DomainName?: string;
  declare IpAddresses?: Ip[];
  declare DnsServerIp?: Ip;
  declare HostIpAddress?: Ip;

  static override readonly schema: EntitySchema = {
    DomainName: "string",
    IpAddresses: { entities: "ip" },
    DnsServerIp: { entity: "ip" },
    HostIpAddress: { entity: "ip" },
  };

  static override readonly textProperty = "DomainName";

  /** `properties`, or the domain name as text (`new Dns("evil.com")`). */
  constructor(properties: Props<Pick<Dns, "DomainName" | "IpAddresses" | "DnsServerIp" | "HostIpAddress">> | string = {}) {
    super("dns", properties);
  }

  get nameStr(): string {
    return this.DomainName ?? "Dns";
  }

  override get key(): string {
    const name = firstText(this.DomainName);
    return name === undefined ? this.uniqueKey() : `dns:${domainIdentity(name)}`;
  }
}

/** Malware found by a detection. */
export class Malware extends Entity {
  declare Name?: string;
  declare Category?: string;
  declare File?: File;
  declare Files?: File[];
  declare Processes?: Process[];

  static override readonly schema: EntitySchema = {
    Name: "string",
    Category: "string",
    File: { entity: "file" },
    Files: { entities: "file" },
    Processes: { entities: "process" },
  };

  constructor(properties: Props<Pick<Malware, "Name" | "Category" | "File" | "Files" | "Processes">> = {}) {
    super("malware", properties);
  }

  get nameStr(): string {
    return this.Name ?? "Malware";
  }

  override get key(): string {
    const name = firstText(this.Name);
    return name === undefined ? this.uniqueKey() : `malware:${foldIdentity(name)}`;
  }
}

/**
 * A reference to another alert inside an alert's entities (Sentinel's `alerts`
 * entity type: incidents list the alerts they group).
 */
export class Alert extends Entity {
  declare DisplayName?: string;
  declare AlertType?: string;
  declare Severity?: string;
  declare CompromisedEntity?: string;
  declare SystemAlertIds?: string[];
  declare ProviderName?: string;
  declare VendorName?: string;
  declare StartTimeUtc?: Date;
  declare EndTimeUtc?: Date;
  declare Count?: number;

  static override readonly schema: EntitySchema = {
    DisplayName: "string",
    AlertType: "string",
    Severity: "string",
    CompromisedEntity: "string",
    SystemAlertIds: "list",
    ProviderName: "string",
    VendorName: "string",
    StartTimeUtc: "time",
    EndTimeUtc: "time",
    Count: "number",
  };

  constructor(
    properties: Props<Pick<Alert, "DisplayName" | "AlertType" | "Severity" | "CompromisedEntity" | "SystemAlertIds" | "ProviderName" | "VendorName" | "StartTimeUtc" | "EndTimeUtc" | "Count">> & {
      Type?: string;
    } = {},
  ) {
    // `?.`: null from an untyped cell reaches the base constructor's error, not a TypeError here.
    super((properties as { Type?: string } | null)?.Type ?? "alerts", properties);
  }

  get nameStr(): string {
    return `Alert: ${this.DisplayName ?? this.AlertType ?? "?"}`;
  }

  /** The first referenced SystemAlertId (alerts are keyed by id, not by name). */
  get alertId(): string | undefined {
    const ids = this.SystemAlertIds;
    return Array.isArray(ids) && typeof ids[0] === "string" ? ids[0] : undefined;
  }

  /** The alert id; else its name (`alert:alert: <name>`); else a key of its own. */
  override get key(): string {
    // Untrimmed: the alert nodes of a graph are keyed by the id as it is.
    const id = this.alertId;
    if (id !== undefined && id.trim() !== "") return `alert:${id.toLowerCase()}`;
    return firstText(this.DisplayName, this.AlertType) !== undefined ? `alert:${foldIdentity(this.nameStr)}` : this.uniqueKey();
  }
}

const FACTORIES: Record<string, (props: EntitySource) => Entity> = {
  ip: (p) => new Ip(p),
  ipaddress: (p) => new Ip(p),
  geolocation: (p) => new GeoLocation(p),
  host: (p) => new Host(p),
  account: (p) => new Account(p),
  process: (p) => new Process(p),
  file: (p) => new File(p),
  filehash: (p) => new FileHash(p),
  "host-logon-session": (p) => new HostLogonSession(p),
  hostlogonsession: (p) => new HostLogonSession(p),
  url: (p) => new Url(p),
  dns: (p) => new Dns(p),
  malware: (p) => new Malware(p),
  alerts: (p) => new Alert({ ...p, Type: typeof p.Type === "string" ? p.Type : "alerts" }),
  alert: (p) => new Alert({ ...p, Type: typeof p.Type === "string" ? p.Type : "alert" }),
};
/**
 * Entity classes by the lower-case type names Sentinel (and MSTICPy) use.
 * A frozen object without a prototype: a type named `constructor` or
 * `__proto__` in alert data finds nothing here (see {@link entityFactory}).
 */
export const ENTITY_CLASSES: Readonly<Record<string, (props: EntitySource) => Entity>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, (props: EntitySource) => Entity>, FACTORIES),
);

/** The constructor for an entity type name (any case), or undefined for types huntlab has no class for. */
export function entityFactory(type: string): ((props: EntitySource) => Entity) | undefined {
  const key = type.toLowerCase();
  return Object.hasOwn(ENTITY_CLASSES, key) ? ENTITY_CLASSES[key] : undefined;
}

/** The schema of an entity type name (lower-cased), or undefined for unknown types. */
export function schemaOf(type: string): EntitySchema | undefined {
  switch (type.toLowerCase()) {
    case "ip":
    case "ipaddress":
      return Ip.schema;
    case "geolocation":
      return GeoLocation.schema;
    case "host":
      return Host.schema;
    case "account":
      return Account.schema;
    case "process":
      return Process.schema;
    case "file":
      return File.schema;
    case "filehash":
      return FileHash.schema;
    case "host-logon-session":
    case "hostlogonsession":
      return HostLogonSession.schema;
    case "url":
      return Url.schema;
    case "dns":
      return Dns.schema;
    case "malware":
      return Malware.schema;
    case "alerts":
    case "alert":
      return Alert.schema;
    default:
      return undefined;
  }
}
