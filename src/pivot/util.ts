/**
 * The `util` namespace: built-in pivots by entity type, over huntlab's own
 * offline functions (ipType, geoLookup, dnsResolve, IoCExtract, tldts).
 */
import pl from "nodejs-polars";
import { dnsResolve } from "../context/dns";
import { DBIP_SOURCE, GEO_COLUMNS, geoLookupRecords, type GeoLookupOptions } from "../context/geoip";
import { ipType } from "../context/ipType";
import { IoCExtract } from "../transform/iocExtract";
import type { PivotEntityName } from "./attach";
import { mapLimited } from "./input";
import { makePivotFunction, type PivotImpl } from "./pivotFunction";
import type { PivotFunction, PivotFunctionInfo, PivotParameterInfo } from "./types";
import { domainSplit, urlComponents } from "./urlComponents";

/** Options of the util namespace (from `new Pivot({ geo })`). */
export interface UtilOptions {
  /** How `geoLoc` and `whois` open the GeoIP databases (see `geoLookup`). Default: `geoLookup`'s defaults. */
  geo?: GeoLookupOptions;
}

/** Every row's input is its value: one row per value. */
function perValue(values: string[], columns: pl.Series[]): { frame: pl.DataFrame; inputs: string[] } {
  return { frame: pl.DataFrame(columns), inputs: values };
}

/** `Note` written by `whois` when the database has no ASN data for a public address. */
export const NO_ASN_NOTE =
  "no ASN data: the shipped DB-IP City Lite database has none; put GeoLite2-ASN.mmdb beside a configured GeoLite2 city database (OtherProviders.GeoIPLite in msticpyconfig.yaml) for offline owners";

const ipTypeImpl: PivotImpl = async (values) => perValue(values, [pl.Series("IpType", values.map((v) => ipType(v)), pl.Utf8)]);

function geoImpl(options: UtilOptions): PivotImpl {
  return async (values) => {
    const records = geoLookupRecords(values, options.geo);
    const columns = GEO_COLUMNS.map((c) => pl.Series(c, records.map((r) => r[c] as unknown), c === "Latitude" || c === "Longitude" ? pl.Float64 : c === "Asn" ? pl.Int64 : pl.Utf8));
    return perValue(values, columns);
  };
}

function whoisImpl(options: UtilOptions): PivotImpl {
  return async (values) => {
    const records = geoLookupRecords(values, options.geo);
    const note = records.map((r) => {
      if (r.IpType !== "Public") return r.GeoNote || `${r.IpType.toLowerCase()} address: no public owner`;
      if (r.Asn !== null || r.AsnOrg !== null) return "";
      return r.GeoSource === DBIP_SOURCE || r.GeoSource === null ? NO_ASN_NOTE : `no ASN data for this address in ${r.GeoSource}`;
    });
    return perValue(values, [
      pl.Series("Asn", records.map((r) => r.Asn), pl.Int64),
      pl.Series("AsnOrg", records.map((r) => r.AsnOrg), pl.Utf8),
      pl.Series("CountryCode", records.map((r) => r.CountryCode), pl.Utf8),
      pl.Series("WhoisSource", records.map((r) => r.GeoSource), pl.Utf8),
      pl.Series("WhoisNote", note, pl.Utf8),
    ]);
  };
}

const dnsImpl: PivotImpl = async (values, context) => {
  const timeoutMs = typeof context.params.timeoutMs === "number" ? context.params.timeoutMs : undefined;
  const rdtype = typeof context.params.rdtype === "string" ? (context.params.rdtype as "A") : undefined;
  const results = await mapLimited(values, context.concurrency, (v) => dnsResolve(v, { timeoutMs, rdtype }), (done) => context.progress(done, values.length));
  return perValue(values, [
    pl.Series("qname", results.map((r) => r.qname), pl.Utf8),
    pl.Series("rdtype", results.map((r) => r.rdtype), pl.Utf8),
    pl.Series("status", results.map((r) => r.status), pl.Utf8),
    pl.Series("canonical_name", results.map((r) => r.canonical_name), pl.Utf8),
    pl.Series("rrset", results.map((r) => r.rrset.join(", ")), pl.Utf8),
    pl.Series("error", results.map((r) => r.error), pl.Utf8),
  ]);
};

const domainPartsImpl: PivotImpl = async (values) => {
  const parts = values.map(domainSplit);
  return perValue(values, [
    pl.Series("Subdomain", parts.map((p) => p.subdomain), pl.Utf8),
    pl.Series("RegisteredDomain", parts.map((p) => p.domain), pl.Utf8),
    pl.Series("Suffix", parts.map((p) => p.suffix), pl.Utf8),
    pl.Series("IsIcann", parts.map((p) => p.isIcann), pl.Bool),
    pl.Series("IsIp", parts.map((p) => p.isIp), pl.Bool),
  ]);
};

const URL_PART_COLUMNS = ["Scheme", "Auth", "Host", "Port", "Path", "Query", "Fragment", "RegisteredDomain", "UrlNote"] as const;

/** The parts of a URL as written; nulls and a note when it is not one. */
const urlPartsImpl: PivotImpl = async (values) => {
  const parts = values.map(urlComponents);
  return perValue(values, URL_PART_COLUMNS.map((c) => pl.Series(c, parts.map((p) => p[c]), pl.Utf8)));
};

/** IoCExtract over the values: one row per indicator found (values with none give no row). */
function iocImpl(defaultTypes?: string[]): PivotImpl {
  return async (values, context) => {
    const iocTypes = Array.isArray(context.params.iocTypes) ? (context.params.iocTypes as string[]) : defaultTypes;
    const found = new IoCExtract().extract(pl.DataFrame({ Input: values }), { columns: ["Input"], ...(iocTypes ? { iocTypes } : {}) });
    const rows = found.getColumn("SourceIndex").toArray() as unknown as number[];
    return { frame: found.select("IoCType", "Observable"), inputs: rows.map((i) => values[Number(i)]) };
  };
}

const HASH_TYPES: Readonly<Record<number, string>> = { 32: "md5", 40: "sha1", 64: "sha256" };

const fileHashTypeImpl: PivotImpl = async (values) =>
  perValue(values, [pl.Series("HashType", values.map((v) => (/^[0-9a-f]+$/i.test(v) ? (HASH_TYPES[v.length] ?? null) : null)), pl.Utf8)]);

/** `DOMAIN\user`, `user@suffix` or a bare name, split. */
export function accountParts(value: string): { Domain: string | null; UserName: string; UpnSuffix: string | null; Format: string } {
  const slash = value.indexOf("\\");
  if (slash > 0) return { Domain: value.slice(0, slash), UserName: value.slice(slash + 1), UpnSuffix: null, Format: "down-level" };
  const at = value.lastIndexOf("@");
  if (at > 0 && at < value.length - 1) return { Domain: null, UserName: value.slice(0, at), UpnSuffix: value.slice(at + 1), Format: "upn" };
  return { Domain: null, UserName: value, UpnSuffix: null, Format: "name" };
}

const accountPartsImpl: PivotImpl = async (values) => {
  const parts = values.map(accountParts);
  return perValue(values, [
    pl.Series("Domain", parts.map((p) => p.Domain), pl.Utf8),
    pl.Series("UserName", parts.map((p) => p.UserName), pl.Utf8),
    pl.Series("UpnSuffix", parts.map((p) => p.UpnSuffix), pl.Utf8),
    pl.Series("Format", parts.map((p) => p.Format), pl.Utf8),
  ]);
};

interface UtilSpec {
  entity: PivotEntityName;
  name: string;
  description: string;
  inputAttribute: string;
  /** Default name of the input column. Default: the attribute. */
  inputColumn?: string;
  outputColumns: string[];
  source: string;
  batching: string;
  parameters?: PivotParameterInfo[];
  impl: PivotImpl;
}

/** The entity attribute whose value each entity's pivots take, and the default input column name. */
export const ENTITY_VALUE_ATTRIBUTE: Readonly<Record<PivotEntityName, string>> = {
  Ip: "Address",
  Host: "HostName",
  Account: "Name",
  Process: "CommandLine",
  File: "FileHash",
  Url: "Url",
  Dns: "DomainName",
};

function specs(options: UtilOptions): UtilSpec[] {
  const dnsParams: PivotParameterInfo[] = [
    { name: "rdtype", type: "str", description: "record type (A, AAAA, MX, TXT…); default A", required: false },
    { name: "timeoutMs", type: "int", description: "deadline per look-up in ms; default 2000", required: false },
  ];
  const iocParams: PivotParameterInfo[] = [{ name: "iocTypes", type: "list", description: "indicator types to find; default all but paths", required: false }];
  return [
    { entity: "Ip", name: "ipType", description: "IANA address type: Public, Private, Loopback, Link Local, Multicast, Reserved…", inputAttribute: "Address", outputColumns: ["IpType"], source: "ipType", batching: "batch", impl: ipTypeImpl },
    { entity: "Ip", name: "geoLoc", description: "Offline geolocation (DB-IP Lite, or GeoLite2 when configured)", inputAttribute: "Address", outputColumns: [...GEO_COLUMNS], source: "geoLookup", batching: "batch", impl: geoImpl(options) },
    {
      entity: "Ip",
      name: "whois",
      description: "Offline owner (ASN and organisation) from the configured GeoIP ASN data; WhoisNote says when there is none",
      inputAttribute: "Address",
      outputColumns: ["Asn", "AsnOrg", "CountryCode", "WhoisSource", "WhoisNote"],
      source: "geoLookup (ASN)",
      batching: "batch",
      impl: whoisImpl(options),
    },
    { entity: "Dns", name: "dnsResolve", description: "Resolve the name (offline: a status such as NXDOMAIN or TIMEOUT, never an exception)", inputAttribute: "DomainName", outputColumns: ["qname", "rdtype", "status", "canonical_name", "rrset", "error"], source: "dnsResolve", batching: "per value", parameters: dnsParams, impl: dnsImpl },
    { entity: "Dns", name: "domainParts", description: "Subdomain, registered domain and public suffix (public suffix list)", inputAttribute: "DomainName", outputColumns: ["Subdomain", "RegisteredDomain", "Suffix", "IsIcann", "IsIp"], source: "tldts", batching: "batch", impl: domainPartsImpl },
    { entity: "Host", name: "dnsResolve", description: "Resolve the host name", inputAttribute: "HostName", outputColumns: ["qname", "rdtype", "status", "canonical_name", "rrset", "error"], source: "dnsResolve", batching: "per value", parameters: dnsParams, impl: dnsImpl },
    { entity: "Url", name: "urlParts", description: "Scheme, user-info, host, port, path, query, fragment (as written) and registered domain", inputAttribute: "Url", outputColumns: [...URL_PART_COLUMNS], source: "built in (RFC 3986)", batching: "batch", impl: urlPartsImpl },
    { entity: "Url", name: "extractIocs", description: "Indicators inside the URL (its host, IPs, hashes…)", inputAttribute: "Url", outputColumns: ["IoCType", "Observable"], source: "IoCExtract", batching: "batch", parameters: iocParams, impl: iocImpl() },
    { entity: "File", name: "fileHashType", description: "Hash algorithm by length: md5, sha1 or sha256 (null when not a hash)", inputAttribute: "FileHash", outputColumns: ["HashType"], source: "built in", batching: "batch", impl: fileHashTypeImpl },
    { entity: "Process", name: "commandLineIocs", description: "Indicators in the command line", inputAttribute: "CommandLine", outputColumns: ["IoCType", "Observable"], source: "IoCExtract", batching: "batch", parameters: iocParams, impl: iocImpl() },
    { entity: "Account", name: "accountParts", description: "Domain, user name and UPN suffix of DOMAIN\\user or user@domain", inputAttribute: "qualifiedName", inputColumn: "Name", outputColumns: ["Domain", "UserName", "UpnSuffix", "Format"], source: "built in", batching: "batch", impl: accountPartsImpl },
  ];
}

/** The util functions, by entity then name. */
export function utilFunctions(options: UtilOptions = {}): Map<PivotEntityName, Record<string, PivotFunction>> {
  const out = new Map<PivotEntityName, Record<string, PivotFunction>>();
  for (const s of specs(options)) {
    const info: PivotFunctionInfo = {
      entity: s.entity,
      namespace: "util",
      family: "",
      name: s.name,
      description: s.description,
      inputAttribute: s.inputAttribute,
      inputColumn: s.inputColumn ?? s.inputAttribute,
      parameters: s.parameters ?? [],
      outputColumns: s.outputColumns,
      source: s.source,
      batching: s.batching,
    };
    const fns = out.get(s.entity) ?? {};
    fns[s.name] = makePivotFunction(info, s.impl);
    out.set(s.entity, fns);
  }
  return out;
}
