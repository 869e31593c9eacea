/**
 * AlienVault OTX (https://otx.alienvault.com/api), header
 * `X-OTX-API-KEY: <AuthKey>`:
 * `GET /api/v1/indicators/{IPv4|IPv6|domain|hostname|url|file}/{value}/general`.
 * Body: `{ indicator, type, pulse_info: { count, pulses: [{ id, name, tags,
 * references, … }] }, reputation, … }`. An unknown URL is still a 200 with
 * `pulse_info.count: 0`.
 *
 * Severity, as MSTICPy: no pulses `information`, one pulse `warning`, more `high`.
 * Result: true for any answer.
 */
import { encodePath, HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo } from "../tiProvider";
import { canonicalDomain } from "../iocType";
import { objectsOf, textOf, textsOf } from "../tiJson";
import { documentedObject } from "./documented";
import { parse as parseDomain } from "tldts";

const INFO: ProviderInfo = {
  className: "OTX",
  description: "AlienVault OTX: community threat pulses for IPs, domains, hostnames, URLs and file hashes",
  supportedTypes: types("ipv4", "ipv6", "dns", "url", "md5_hash", "sha1_hash", "sha256_hash"),
  requiredArgs: ["AuthKey"],
  knownArgs: ["AuthKey"],
  defaultBaseUrl: "https://otx.alienvault.com",
  online: true,
};

/** The documented shape; any field may be null or missing, and a pulse list may hold nulls (read with tiJson). */
interface OtxBody {
  indicator?: string | null;
  pulse_info?: { count?: number | null; pulses?: unknown } | null;
  reputation?: number | null;
}

interface OtxPulse {
  name?: unknown;
  tags?: unknown;
  references?: unknown;
}

export class OtxProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  protected override authHeaders(): Record<string, string> {
    return { "X-OTX-API-KEY": this.arg("AuthKey") };
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    const section = otxSection(request);
    return { path: `/api/v1/indicators/${section}/${encodePath(request.safeIoc)}/general`, querySubtype: section };
  }

  protected mapResponse(body: unknown): MappedResponse {
    const b = documentedObject(body, ["pulse_info", "indicator"]) as OtxBody;
    // A null pulse, or a pulse with null fields or null entries, is skipped: the other pulses still count.
    const pulses = objectsOf<OtxPulse>(b.pulse_info?.pulses);
    // OTX's own count (it may list fewer pulses than it counts), never below the pulses listed: a row whose
    // Names list pulses is not "information" for a count of 0.
    const count = Math.max(typeof b.pulse_info?.count === "number" ? b.pulse_info.count : 0, pulses.length);
    return {
      result: true,
      severity: count === 0 ? "information" : count === 1 ? "warning" : "high",
      details: {
        "Pulse Count": count,
        Names: pulses.map((p) => textOf(p.name) ?? "").filter(Boolean).slice(0, 20),
        Tags: [...new Set(pulses.flatMap((p) => textsOf(p.tags)))].slice(0, 50),
        References: [...new Set(pulses.flatMap((p) => textsOf(p.references)))].slice(0, 20),
      },
    };
  }
}

/** OTX's indicator section: a bare registrable domain is `domain`, a host under it `hostname`. */
function otxSection(request: LookupRequest): string {
  switch (request.type) {
    case "ipv4":
      return "IPv4";
    case "ipv6":
      return "IPv6";
    case "url":
      return "url";
    case "dns": {
      const host = canonicalDomain(request.safeIoc) ?? request.safeIoc;
      return parseDomain(host).domain === host ? "domain" : "hostname";
    }
    default:
      return "file";
  }
}
