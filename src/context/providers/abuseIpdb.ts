/**
 * AbuseIPDB API v2 (https://docs.abuseipdb.com/#check-endpoint), headers
 * `Key: <AuthKey>` and `Accept: application/json`:
 * `GET /api/v2/check?ipAddress={ip}&maxAgeInDays=90`. Body: `{ data: {
 * ipAddress, isPublic, ipVersion, isWhitelisted, abuseConfidenceScore (0–100),
 * countryCode, usageType, isp, domain, hostnames, isTor, totalReports,
 * numDistinctUsers, lastReportedAt } }`. Errors: `{ errors: [{ detail, status }] }`
 * (401 bad key, 422 bad parameter, 429 with `Retry-After` over the daily limit).
 *
 * Severity (huntlab's rule): confidence ≥ 75 `high`, ≥ 25 `warning`, else
 * `information`. Result: true when the IP has reports.
 */
import { HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo } from "../tiProvider";

const INFO: ProviderInfo = {
  className: "AbuseIPDB",
  description: "AbuseIPDB: community abuse reports and a confidence score for IP addresses",
  supportedTypes: types("ipv4", "ipv6"),
  requiredArgs: ["AuthKey"],
  knownArgs: ["AuthKey", "MaxAgeInDays"],
  defaultBaseUrl: "https://api.abuseipdb.com",
  online: true,
};

interface AbuseBody {
  data?: {
    ipAddress?: string;
    abuseConfidenceScore?: number;
    isWhitelisted?: boolean | null;
    countryCode?: string | null;
    usageType?: string | null;
    isp?: string | null;
    domain?: string | null;
    isTor?: boolean;
    totalReports?: number;
    numDistinctUsers?: number;
    lastReportedAt?: string | null;
  };
}

export class AbuseIpdbProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  protected override authHeaders(): Record<string, string> {
    return { Key: this.arg("AuthKey"), Accept: "application/json" };
  }

  /** Reports counted over MaxAgeInDays (default 90). */
  private get maxAgeInDays(): number {
    const maxAge = Number(this.arg("MaxAgeInDays") || 90);
    return Number.isFinite(maxAge) ? maxAge : 90;
  }

  /** Answers over another MaxAgeInDays window are other answers: they do not share cache entries (90 keeps the old namespace). */
  override get cacheNamespace(): string {
    return this.maxAgeInDays === 90 ? super.cacheNamespace : `${super.cacheNamespace}|maxAgeInDays=${this.maxAgeInDays}`;
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    return { path: "/api/v2/check", params: { ipAddress: request.safeIoc, maxAgeInDays: this.maxAgeInDays }, querySubtype: "check" };
  }

  protected mapResponse(body: unknown): MappedResponse {
    const d = (body as AbuseBody | null)?.data;
    if (!d || typeof d !== "object") throw new Error("no `data` object");
    const score = d.abuseConfidenceScore ?? 0;
    return {
      result: (d.totalReports ?? 0) > 0,
      severity: score >= 75 ? "high" : score >= 25 ? "warning" : "information",
      details: {
        "Abuse Confidence": score,
        "Total Reports": d.totalReports ?? 0,
        "Distinct Reporters": d.numDistinctUsers ?? 0,
        "Last Reported": d.lastReportedAt ?? "",
        Country: d.countryCode ?? "",
        ISP: d.isp ?? "",
        "Usage Type": d.usageType ?? "",
        Domain: d.domain ?? "",
        Whitelisted: d.isWhitelisted ?? false,
        Tor: d.isTor ?? false,
      },
    };
  }
}
