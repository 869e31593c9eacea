/** The provider classes TILookup can load, by their `Provider:` name in msticpyconfig.yaml. */
import type { ProviderInfo, ProviderInit, TIProvider } from "../tiProvider";
import { AbuseIpdbProvider } from "./abuseIpdb";
import { GreyNoiseProvider } from "./greyNoise";
import { LocalTIProvider } from "./localTI";
import { OpenPageRankProvider } from "./openPageRank";
import { OtxProvider } from "./otx";
import { TorProvider } from "./tor";
import { VirusTotalProvider } from "./virusTotal";
import { XForceProvider } from "./xForce";

/** A provider class: constructor plus its static facts. */
export interface ProviderClass {
  new (init: ProviderInit): TIProvider;
  readonly info: ProviderInfo;
}

/** Every provider class, by class name (MSTICPy's names where MSTICPy has the provider). */
export const PROVIDER_CLASSES: Readonly<Record<string, ProviderClass>> = Object.freeze({
  AbuseIPDB: AbuseIpdbProvider,
  GreyNoise: GreyNoiseProvider,
  LocalTI: LocalTIProvider,
  OPR: OpenPageRankProvider,
  OTX: OtxProvider,
  Tor: TorProvider,
  VirusTotal: VirusTotalProvider,
  XForce: XForceProvider,
});

/** Other spellings accepted in `Provider:` (case-insensitive). */
const ALIASES: Record<string, string> = {
  alienvault: "OTX",
  alienvaultotx: "OTX",
  ibmxforce: "XForce",
  openpagerank: "OPR",
  abuseipdb: "AbuseIPDB",
  greynoise: "GreyNoise",
  virustotal: "VirusTotal",
  localti: "LocalTI",
  local: "LocalTI",
  tor: "Tor",
  otx: "OTX",
  xforce: "XForce",
  opr: "OPR",
};

/** The class for a `Provider:` name, or undefined. */
export function providerClass(name: string): ProviderClass | undefined {
  const exact = PROVIDER_CLASSES[name];
  if (exact) return exact;
  const alias = ALIASES[name.toLowerCase().replace(/[^a-z]/g, "")];
  return alias ? PROVIDER_CLASSES[alias] : undefined;
}

export { AbuseIpdbProvider, GreyNoiseProvider, LocalTIProvider, OpenPageRankProvider, OtxProvider, TorProvider, VirusTotalProvider, XForceProvider };
export { parseTorExitList } from "./tor";
export { readFeed, parseCsv, FeedError, DEFAULT_FEED_PATH, type FeedEntry } from "./localTI";
export { virusTotalUrlId } from "./virusTotal";
