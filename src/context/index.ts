/** Enrichment: threat intelligence (TILookup and its providers), IP and DNS context. */
export {
  TILookup,
  TI_RESULT_COLUMNS,
  type LookupIocOptions,
  type LookupIocsOptions,
  type ProviderStatus,
  type TILookupOptions,
} from "./tiLookup";
export { SEVERITIES, TI_STATUS, type Severity } from "./tiProvider";
export { readFeed, FeedError, type FeedEntry } from "./providers/localTI";
export { TILookupError, CONTEXT_ERRORS, contextMessages, type ContextErrorCode } from "./messages";
export { dnsResolve, dnsReverse, reverseName, DnsError, DNS_RECORD_TYPES, type DnsOptions, type DnsRecordType, type DnsResult, type DnsStatus } from "./dns";
export { ipType, IPV4_EMBEDDING_RANGES, IPV4_GLOBAL_EXCEPTIONS, IPV4_RANGES, IPV6_GLOBAL_EXCEPTIONS, IPV6_RANGES, type Ipv4EmbeddingRange, type IpRange, type IpType } from "./ipType";
export { cityFields, geoLookup, geoLookupRecords, geolocateIps, recordToGeoLocation, GeoIpDatabase, GeoIpError, DBIP_ATTRIBUTION, DBIP_SOURCE, DBIP_URL, GEOLITE_SOURCE, GEO_COLUMNS, type CityFields, type GeoDatabaseChoice, type GeoIpType, type GeoLookupOptions, type GeoLookupRecord } from "./geoip";
