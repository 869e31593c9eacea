/**
 * VirusTotal API v3 (https://docs.virustotal.com/reference/overview), header
 * `x-apikey: <AuthKey>`:
 * - `GET /api/v3/ip_addresses/{ip}`, `/api/v3/domains/{domain}`,
 *   `/api/v3/files/{md5|sha1|sha256}`, `/api/v3/urls/{id}` where the URL id is
 *   the URL in unpadded base64url.
 * - Body: `{ data: { id, type, attributes: { last_analysis_stats: { harmless,
 *   malicious, suspicious, undetected, timeout }, reputation, tags,
 *   last_analysis_date, … } } }`; an unknown object is a 404 with
 *   `{ error: { code: "NotFoundError", message } }`; a bad key a 401
 *   (`WrongCredentialsError`); quota a 429 (`QuotaExceededError`).
 *
 * Severity (huntlab's rule, from the engines' verdicts): `high` when 3 or more
 * engines say malicious, `warning` for 1–2 malicious or any suspicious,
 * else `information`. Result: true for any analysis object.
 */
import { encodePath, HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo } from "../tiProvider";

const INFO: ProviderInfo = {
  className: "VirusTotal",
  description: "VirusTotal v3: antivirus and URL-scanner verdicts for IPs, domains, URLs and file hashes",
  supportedTypes: types("ipv4", "ipv6", "dns", "url", "md5_hash", "sha1_hash", "sha256_hash"),
  requiredArgs: ["AuthKey"],
  knownArgs: ["AuthKey"],
  defaultBaseUrl: "https://www.virustotal.com",
  online: true,
};

/** VirusTotal's URL identifier: unpadded base64url of the URL. */
export function virusTotalUrlId(url: string): string {
  return Buffer.from(url, "utf8").toString("base64url");
}

interface VtBody {
  data?: {
    id?: string;
    type?: string;
    attributes?: {
      last_analysis_stats?: Partial<Record<"harmless" | "malicious" | "suspicious" | "undetected" | "timeout", number>>;
      reputation?: number;
      tags?: string[];
      last_analysis_date?: number;
      meaningful_name?: string;
      as_owner?: string;
      country?: string;
      categories?: Record<string, string>;
    };
  };
}

export class VirusTotalProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  protected override authHeaders(): Record<string, string> {
    return { "x-apikey": this.arg("AuthKey") };
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    const v = request.safeIoc;
    switch (request.type) {
      case "ipv4":
      case "ipv6":
        return { path: `/api/v3/ip_addresses/${encodePath(v)}`, querySubtype: "ip_addresses" };
      case "dns":
        return { path: `/api/v3/domains/${encodePath(v)}`, querySubtype: "domains" };
      case "url":
        return { path: `/api/v3/urls/${virusTotalUrlId(v)}`, querySubtype: "urls" };
      default:
        return { path: `/api/v3/files/${encodePath(v)}`, querySubtype: "files" };
    }
  }

  protected mapResponse(body: unknown): MappedResponse {
    const data = (body as VtBody | null)?.data;
    if (!data || typeof data !== "object") throw new Error("no `data` object");
    const attrs = data.attributes ?? {};
    const stats = attrs.last_analysis_stats ?? {};
    const malicious = stats.malicious ?? 0;
    const suspicious = stats.suspicious ?? 0;
    const severity = malicious >= 3 ? "high" : malicious > 0 || suspicious > 0 ? "warning" : "information";
    return {
      result: true,
      severity,
      details: {
        Malicious: malicious,
        Suspicious: suspicious,
        Harmless: stats.harmless ?? 0,
        Undetected: stats.undetected ?? 0,
        Reputation: attrs.reputation ?? 0,
        Tags: attrs.tags ?? [],
        ...lastAnalysis(attrs.last_analysis_date),
        ...(attrs.meaningful_name ? { Name: attrs.meaningful_name } : {}),
        ...(attrs.as_owner ? { "AS Owner": attrs.as_owner } : {}),
        ...(attrs.country ? { Country: attrs.country } : {}),
        Permalink: permalink(data.type, data.id),
      },
    };
  }
}

/** `Last Analysis` from epoch seconds; a value no date can hold (not a number, out of range) is left out rather than failing the verdict. */
function lastAnalysis(seconds: unknown): { "Last Analysis"?: string } {
  const n = Number(seconds);
  if (!n) return {};
  const date = new Date(n * 1000);
  return Number.isNaN(date.getTime()) ? {} : { "Last Analysis": date.toISOString() };
}

/** The VirusTotal GUI page of an object. */
function permalink(type: string | undefined, id: string | undefined): string {
  if (!id) return "";
  const kind: Record<string, string> = { ip_address: "ip-address", domain: "domain", url: "url", file: "file" };
  return `https://www.virustotal.com/gui/${kind[type ?? ""] ?? "search"}/${encodeURIComponent(id)}`;
}
