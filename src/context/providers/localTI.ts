/**
 * LocalTI: an offline indicator feed read from files — the lab's default
 * provider, and a way to use an organisation's own watch lists.
 *
 * Feed files (`Args.Path`: a file or a folder of them; default the bundled
 * `data/ti`): CSV with a header row, a JSON array of objects, or NDJSON.
 * Columns (see data/ti/README.md):
 *   observable (required) — an IP, CIDR range, domain, URL, e-mail or hash
 *   type        — ipv4, ipv6, dns, url, email, md5_hash, sha1_hash, sha256_hash, or a custom
 *                 type added with `IoCExtract.addIocType` before the feed is read (then
 *                 LocalTI supports that type); detected when empty
 *   severity    — information | warning | high (also info/low, medium, critical)
 *   description, source, first_seen, last_seen, reference — free text
 * Other columns are kept and shown in Details.
 *
 * Matching: IPs in canonical form, and inside listed CIDR ranges (an
 * IPv4-mapped range such as `::ffff:10.1.0.0/112` is the IPv4 range
 * 10.1.0.0/16, as `::ffff:10.1.2.3` is looked up as 10.1.2.3); domains
 * case-insensitively, and hosts under a listed domain; URLs after
 * normalisation; hashes case-insensitively. Severity is the highest matching
 * entry's. A bad feed stops the provider from loading with the file and line
 * at fault — it is never half-read.
 */
import fs from "node:fs";
import path from "node:path";
import ipaddr from "ipaddr.js";
import { FeedError, contextMessages as msg, feedPlace, type FeedPlace } from "../messages";
import { jsonDeeperThan, jsonErrorText, setOwnProperty } from "../../common/json";
import { MAX_TI_JSON_DEPTH } from "../tiJson";
import { fileProblemText } from "../../common/messages";
import { LAB_DATA_DIR } from "../../common/paths";
import { readPathSetting } from "../../config/pathSetting";
import { readRegularFile } from "../../common/regularFile";
import { classifyIoc, normalizeIocType, parseIpRange, type IocType } from "../iocType";
import { types } from "../tiHttp";
import {
  effectiveSettings,
  maxSeverity,
  severityRank,
  TI_STATUS,
  TIProvider,
  type EffectiveSettings,
  type LookupRequest,
  type ProviderInfo,
  type ProviderInit,
  type ProviderResult,
  type Severity,
} from "../tiProvider";

/** The bundled lab feed folder. */
export const DEFAULT_FEED_PATH = path.join(LAB_DATA_DIR, "ti");

const INFO: ProviderInfo = {
  className: "LocalTI",
  description: "Local indicator feed (CSV/JSON/NDJSON files): offline lookups against your own lists",
  supportedTypes: types("ipv4", "ipv6", "dns", "url", "email", "md5_hash", "sha1_hash", "sha256_hash"),
  requiredArgs: [],
  knownArgs: ["Path"],
  defaultBaseUrl: "",
  online: false,
};

const FEED_EXTENSIONS = new Set([".csv", ".json", ".ndjson", ".jsonl"]);

export { FeedError } from "../messages";

/** One indicator of the feed. */
export interface FeedEntry {
  observable: string;
  type: IocType;
  severity: Severity;
  description: string;
  source: string;
  firstSeen: string;
  lastSeen: string;
  reference: string;
  /** Other columns, as written. */
  extra: Record<string, string>;
  /** `file:line` it came from. */
  origin: string;
}

const SEVERITY_ALIASES: Record<string, Severity> = {
  information: "information",
  informational: "information",
  info: "information",
  low: "information",
  warning: "warning",
  medium: "warning",
  high: "high",
  critical: "high",
  unknown: "unknown",
};

const KNOWN_COLUMNS = new Set(["observable", "type", "severity", "description", "source", "first_seen", "last_seen", "reference"]);

/**
 * Parses CSV (RFC 4180: quoted fields with `""` escapes and line breaks) into
 * rows of fields, each with the line it starts on. `file` names the text in errors.
 */
export function parseCsv(text: string, file?: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === "")) rows.push({ fields, line: rowLine });
    fields = [];
    field = "";
  };
  while (i < body.length) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n") line += 1;
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new FeedError(msg.feedUnterminatedQuote(file, rowLine));
  if (field !== "" || fields.length > 0) endRow();
  return rows;
}

function recordsOf(file: string, text: string): { record: Record<string, unknown>; line: FeedPlace }[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") {
    const rows = parseCsv(text, file);
    if (rows.length === 0) return [];
    const header = rows[0].fields.map((h) => h.trim().toLowerCase());
    const seen = new Set<string>();
    for (const h of header) {
      if (h !== "" && seen.has(h)) throw new FeedError(msg.feedDuplicateColumn(file, rows[0].line, h));
      seen.add(h);
    }
    return rows.slice(1).map(({ fields, line }) => {
      if (fields.length > header.length) throw new FeedError(msg.feedRowWidth(file, line, fields.length, header.length));
      return { record: Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""])), line };
    });
  }
  if (ext === ".json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new FeedError(msg.feedJsonInvalid(file, jsonErrorText(err)));
    }
    // An array of records is one level deeper than a JSON-lines record.
    if (jsonDeeperThan(text, MAX_TI_JSON_DEPTH + 1)) throw new FeedError(msg.feedTooDeep(file, MAX_TI_JSON_DEPTH));
    if (!Array.isArray(parsed)) throw new FeedError(msg.feedNotAnArray(file));
    return parsed.map((record, i) => {
      const place = `item ${i + 1}` as const;
      if (!record || typeof record !== "object" || Array.isArray(record)) throw new FeedError(msg.feedNotAnObject(feedPlace(file, place)));
      return { record: lowerKeys(record as Record<string, unknown>), line: place };
    });
  }
  const out: { record: Record<string, unknown>; line: FeedPlace }[] = [];
  text.split("\n").forEach((l, i) => {
    if (!l.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(l);
    } catch (err) {
      throw new FeedError(msg.feedJsonInvalid(`${file}:${i + 1}`, jsonErrorText(err)));
    }
    // As deep as a TI answer may be (a shared feed is attacker-influenced): writing a deeper value as text overflowed the
    // stack, and the provider was "Not loaded: Maximum call stack size exceeded".
    if (jsonDeeperThan(l, MAX_TI_JSON_DEPTH)) throw new FeedError(msg.feedTooDeep(`${file}:${i + 1}`, MAX_TI_JSON_DEPTH));
    if (!record || typeof record !== "object" || Array.isArray(record)) throw new FeedError(msg.feedNotAnObject(`${file}:${i + 1}`));
    out.push({ record: lowerKeys(record as Record<string, unknown>), line: i + 1 });
  });
  return out;
}

function lowerKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  // A JSON feed's list or object keeps its content ({"k":1}, not "[object Object]").
  return (typeof value === "object" ? JSON.stringify(value) : String(value)).trim();
}

/**
 * Reads and validates feed files (a file, or every feed file in a folder).
 * `setting` (`TIProviders.LocalTI.Args.Path`) is named in the error when a
 * feed file is a folder, a FIFO, a socket or a device: refused before it is
 * opened (a FIFO's open waited for a writer forever, and `/dev/zero` read
 * until Node aborted).
 */
export function readFeed(feedPath: string, setting?: string): FeedEntry[] {
  if (!fs.existsSync(feedPath)) throw new FeedError(msg.feedMissing(feedPath));
  const files = fs.statSync(feedPath).isDirectory()
    ? fs
        .readdirSync(feedPath)
        .filter((f) => FEED_EXTENSIONS.has(path.extname(f).toLowerCase()))
        .sort()
        .map((f) => path.join(feedPath, f))
    : [feedPath];
  if (files.length === 0) throw new FeedError(msg.feedEmpty(feedPath));
  const entries: FeedEntry[] = [];
  for (const file of files) {
    if (!FEED_EXTENSIONS.has(path.extname(file).toLowerCase())) throw new FeedError(msg.feedFormat(file));
    const shown = path.basename(file);
    // A byte-order mark (Windows PowerShell 5 writes one) is no part of the text: JSON.parse refuses it.
    const body = readRegularFile(file, {}, (p) => new FeedError(msg.feedUnreadable(file, fileProblemText(p), setting))).toString("utf8").replace(/^\uFEFF/, "");
    for (const { record, line } of recordsOf(file, body)) {
      const where = feedPlace(shown, line);
      const observable = text(record.observable);
      if (!observable) throw new FeedError(msg.feedNoObservable(file, line, "observable" in record));
      const severityText = text(record.severity).toLowerCase();
      const severity = SEVERITY_ALIASES[severityText];
      if (!severity) throw new FeedError(msg.feedSeverity(file, line, text(record.severity)));
      const typeText = text(record.type);
      const given = typeText ? normalizeIocType(typeText) : undefined;
      if (typeText && !given) throw new FeedError(msg.feedTypeUnknown(file, line, typeText));
      const range = parseIpRange(observable);
      // `::ffff:10.1.0.0/16` is ::/16 (loopback, IPv4-compatible and every IPv4 address among others), not
      // 10.1.0.0/16: most likely an IPv4 prefix after a mapped address. Read either way it would match addresses
      // the row does not mean, so it is refused like any bad row. (`::/80` written as IPv6 stays an IPv6 range.)
      if (range?.[0].kind() === "ipv6" && (range[0] as ipaddr.IPv6).isIPv4MappedAddress()) throw new FeedError(msg.feedMappedRangeTooWide(file, line, observable));
      const type = entryType(observable, range, given);
      if (type === "unknown") throw new FeedError(msg.feedObservableInvalid(file, line, observable, given ?? "indicator"));
      const extra: Record<string, string> = {};
      // Own properties, so a column named __proto__ is kept as one, not set as the object's prototype.
      for (const [k, v] of Object.entries(record)) if (!KNOWN_COLUMNS.has(k) && text(v)) setOwnProperty(extra, k, text(v));
      entries.push({
        observable,
        type,
        severity,
        description: text(record.description),
        source: text(record.source),
        firstSeen: text(record.first_seen),
        lastSeen: text(record.last_seen),
        reference: text(record.reference),
        extra,
        origin: where,
      });
    }
  }
  return entries;
}

/**
 * The type of a feed observable; CIDR ranges (`range`, from {@link parseIpRange}) count as their address family,
 * an IPv4-mapped one as ipv4 whether given as `ipv4` or `ipv6` (as for a single mapped address).
 */
function entryType(observable: string, range: ReturnType<typeof parseIpRange>, given: IocType | undefined): IocType {
  if (range) {
    const family = range[0].kind();
    const mapped = family === "ipv4" && observable.includes(":");
    return given === undefined || given === family || (mapped && given === "ipv6") ? family : "unknown";
  }
  const c = classifyIoc(observable, given);
  // Filed under the type a lookup works out (a `file_hash` row is md5/sha1/sha256; `ipv6` for ::ffff:a.b.c.d is ipv4), or it would never match.
  if (given !== undefined) return c.safeIoc ? c.type : "unknown";
  return c.type;
}

interface Match {
  entry: FeedEntry;
  how: string;
}

/** Lookup structures over the feed. */
/** The network of `addr` at `bits` prefix bits, as a key: the address's bytes with the host bits cleared. */
function networkKey(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return `${addr.kind()}/${bits}/${bytes.join(".")}`;
}

class FeedIndex {
  private readonly exact = new Map<string, FeedEntry[]>();
  /**
   * Ranges by network (`networkKey`), and the prefix lengths listed per address kind: an address is looked up
   * once per prefix length (at most 33 or 129 lookups), not tested against every range of the feed (100k
   * ranges × 5,000 addresses took 9.5 s).
   */
  private readonly ranges = new Map<string, { entry: FeedEntry; order: number }[]>();
  private readonly prefixes = { ipv4: new Set<number>(), ipv6: new Set<number>() };
  readonly size: number;

  constructor(entries: FeedEntry[]) {
    this.size = entries.length;
    entries.forEach((entry, order) => {
      const range = entry.type === "ipv4" || entry.type === "ipv6" ? parseIpRange(entry.observable) : undefined;
      if (range) {
        const key = networkKey(range[0], range[1]);
        const list = this.ranges.get(key) ?? [];
        list.push({ entry, order });
        this.ranges.set(key, list);
        this.prefixes[range[0].kind()].add(range[1]);
        return;
      }
      const key = `${entry.type}|${classifyIoc(entry.observable, entry.type).safeIoc}`;
      const list = this.exact.get(key) ?? [];
      list.push(entry);
      this.exact.set(key, list);
    });
  }

  find(request: LookupRequest): Match[] {
    const found: Match[] = (this.exact.get(`${request.type}|${request.safeIoc}`) ?? []).map((entry) => ({ entry, how: "exact" }));
    if (request.type === "ipv4" || request.type === "ipv6") {
      const addr = ipaddr.parse(request.safeIoc);
      const inRanges: { entry: FeedEntry; order: number }[] = [];
      // A loop, not push(...): a feed may list a data-sized number of entries for one network.
      for (const bits of this.prefixes[addr.kind()]) for (const range of this.ranges.get(networkKey(addr, bits)) ?? []) inRanges.push(range);
      // In the feed's order, as every range was tested before.
      inRanges.sort((a, b) => a.order - b.order);
      for (const { entry } of inRanges) found.push({ entry, how: `in ${entry.observable}` });
    } else if (request.type === "dns") {
      // A host under a listed domain: ftp.evil.example matches evil.example.
      const labels = request.safeIoc.split(".");
      for (let i = 1; i < labels.length - 1; i++) {
        const parent = labels.slice(i).join(".");
        for (const entry of this.exact.get(`dns|${parent}`) ?? []) found.push({ entry, how: `subdomain of ${parent}` });
      }
    }
    return found;
  }
}

export class LocalTIProvider extends TIProvider {
  static readonly info = INFO;
  /** The feed file or folder in use. */
  readonly feedPath: string;
  private readonly index: FeedIndex;
  private readonly eff: EffectiveSettings;
  private readonly feedInfo: ProviderInfo;

  /** Reads the feed: throws a FeedError (file and line) when it is invalid. */
  constructor(init: ProviderInit) {
    super(init);
    const setting = `TIProviders.${init.name}.Args.Path`;
    const configFile = init.configFile ?? path.join(init.configDir ?? ".", "msticpyconfig.yaml");
    this.feedPath = resolveFeedPath(readPathSetting(configFile, setting, String(init.settings.args.Path ?? "")), init.configDir);
    const entries = readFeed(this.feedPath, setting);
    this.index = new FeedIndex(entries);
    // The custom types its feed lists are supported too.
    this.feedInfo = { ...INFO, supportedTypes: types(...new Set([...INFO.supportedTypes, ...entries.map((e) => e.type)])) };
    // Answers come from memory: no result cache, no limit worth having.
    this.eff = effectiveSettings(init.settings, { timeoutMs: 0, concurrency: 1, retries: 0, retryBackoffMs: 0, maxRetryAfterMs: 0, cacheEnabled: false, cacheTtlMs: 0, cacheMaxEntries: 0 });
  }

  get info(): ProviderInfo {
    return this.feedInfo;
  }

  get effective(): EffectiveSettings {
    return this.eff;
  }

  /** Indicators in the feed. */
  get size(): number {
    return this.index.size;
  }

  override get baseUrl(): string {
    return "";
  }

  override get cacheNamespace(): string {
    return `LocalTI|${this.feedPath}`;
  }

  async lookup(request: LookupRequest): Promise<ProviderResult> {
    const matches = this.index.find(request);
    if (matches.length === 0) {
      return { result: false, severity: "information", details: "Not found in the local feed.", rawResult: null, reference: "", status: TI_STATUS.ok, querySubtype: "feed" };
    }
    matches.sort((a, b) => severityRank(b.entry.severity) - severityRank(a.entry.severity));
    const top = matches[0].entry;
    const severity = matches.reduce<Severity>((s, m) => maxSeverity(s, m.entry.severity), "unknown");
    const details: Record<string, unknown> = {
      Description: top.description,
      Source: top.source,
      "First Seen": top.firstSeen,
      "Last Seen": top.lastSeen,
      Match: matches[0].how === "exact" ? top.observable : `${request.safeIoc} (${matches[0].how})`,
      ...top.extra,
    };
    if (matches.length > 1) {
      details["Other Entries"] = matches.slice(1).map((m) => ({ Observable: m.entry.observable, Severity: m.entry.severity, Description: m.entry.description, Source: m.entry.source }));
    }
    return {
      result: true,
      severity,
      details,
      rawResult: matches.map((m) => ({
        observable: m.entry.observable,
        type: m.entry.type,
        severity: m.entry.severity,
        description: m.entry.description,
        source: m.entry.source,
        first_seen: m.entry.firstSeen,
        last_seen: m.entry.lastSeen,
        reference: m.entry.reference,
        ...m.entry.extra,
        match: m.how,
        origin: m.entry.origin,
      })),
      reference: top.reference,
      status: TI_STATUS.ok,
      querySubtype: "feed",
    };
  }
}

/** `Path` (`~` expanded) relative to the config file's folder, else to the package; default the bundled feed. */
function resolveFeedPath(value: string, configDir: string | undefined): string {
  if (!value) return DEFAULT_FEED_PATH;
  if (path.isAbsolute(value)) return value;
  const candidates = [configDir ? path.resolve(configDir, value) : undefined, path.resolve(LAB_DATA_DIR, "..", value)].filter((c): c is string => !!c);
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}
