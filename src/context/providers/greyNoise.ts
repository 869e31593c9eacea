/**
 * GreyNoise (https://docs.greynoise.io): internet scanners and common business
 * services. IPv4 only.
 *
 * - Community API, `GET /v3/community/{ip}`, header `key: <AuthKey>` (the key
 *   is optional: without one the service applies a lower rate limit). Documented
 *   body: `{ ip, noise, riot, classification: "benign"|"malicious"|"unknown",
 *   name, link, last_seen, message }`; an IP it has not seen is a 404 with
 *   `{ ip, noise: false, riot: false, message: "IP not observed scanning the
 *   internet or contained in RIOT data set." }`.
 * - Enterprise IP lookup (`Edition: enterprise` beside Args), `GET /v3/ip/{ip}`,
 *   same header. Body: `{ ip, business_service_intelligence: { found, name,
 *   category, trust_level, … }, internet_scanner_intelligence: { found,
 *   classification, actor, tags: [{ name, … }], cves, first_seen, last_seen,
 *   spoofable, vpn, tor, metadata: { … } } }`.
 *
 * Severity, as MSTICPy: `high` when classified malicious, else `information`.
 * Result: true when GreyNoise knows the IP (noise or RIOT / found).
 */
import { encodePath, HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo } from "../tiProvider";
import { textsOf } from "../tiJson";
import { documentedObject } from "./documented";

type Edition = "community" | "enterprise";

const INFO: ProviderInfo = {
  className: "GreyNoise",
  description: "GreyNoise: is this IP an internet scanner or a known business service? (community v3 or enterprise IP lookup)",
  supportedTypes: types("ipv4"),
  requiredArgs: [],
  knownArgs: ["AuthKey"],
  settingKeys: ["Edition"],
  defaultBaseUrl: "https://api.greynoise.io",
  online: true,
};

interface CommunityBody {
  ip?: string;
  noise?: boolean;
  riot?: boolean;
  classification?: string;
  name?: string;
  link?: string;
  last_seen?: string;
  message?: string;
}

/** The documented shape; any field may be null, and the lists may hold nulls (read with tiJson). */
interface EnterpriseBody {
  ip?: string;
  business_service_intelligence?: { found?: boolean; name?: string; category?: string; trust_level?: string | number } | null;
  internet_scanner_intelligence?: {
    found?: boolean;
    classification?: string;
    actor?: string;
    tags?: unknown;
    cves?: unknown;
    first_seen?: string;
    last_seen?: string;
    spoofable?: boolean;
    vpn?: boolean;
    tor?: boolean;
  };
}

export class GreyNoiseProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  /** `community` (default) or `enterprise`, from `Edition:` beside Args. */
  get edition(): Edition {
    return String(this.settings.extra.Edition ?? "community").toLowerCase() === "enterprise" ? "enterprise" : "community";
  }

  /**
   * The two editions answer one IP in different shapes and verdicts: their cached answers must not mix when both
   * share an endpoint and a cache folder, or after `Edition` changes (community keeps its old namespace).
   */
  override get cacheNamespace(): string {
    return this.edition === "enterprise" ? `${super.cacheNamespace}|enterprise` : super.cacheNamespace;
  }

  protected override authHeaders(): Record<string, string> {
    const key = this.arg("AuthKey");
    return key ? { key } : {};
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    return this.edition === "enterprise"
      ? { path: `/v3/ip/${encodePath(request.safeIoc)}`, querySubtype: "enterprise" }
      : { path: `/v3/community/${encodePath(request.safeIoc)}`, querySubtype: "community" };
  }

  protected mapResponse(body: unknown): MappedResponse {
    if (this.edition === "enterprise") return mapEnterprise(documentedObject(body, ["internet_scanner_intelligence", "business_service_intelligence"]) as EnterpriseBody);
    const b = documentedObject(body, ["noise", "riot", "classification"]) as CommunityBody;
    return {
      result: !!(b.noise || b.riot || b.classification),
      severity: b.classification === "malicious" ? "high" : "information",
      details: {
        Classification: b.classification ?? "",
        Name: b.name ?? "",
        "Last Seen": b.last_seen ?? "",
        Message: b.message ?? "",
        Noise: b.noise ?? false,
        RIOT: b.riot ?? false,
        Link: b.link ?? "",
      },
    };
  }

  protected override mapNotFound(body: unknown): MappedResponse {
    const message = body && typeof body === "object" && typeof (body as CommunityBody).message === "string" ? (body as CommunityBody).message! : "Not found.";
    return { result: false, severity: "information", details: message };
  }
}

function mapEnterprise(b: EnterpriseBody): MappedResponse {
  const scanner = b.internet_scanner_intelligence ?? {};
  const business = b.business_service_intelligence ?? {};
  // A tag is `{ name }` (documented) or a bare name; null tags, a null list or nameless tags are skipped, not fatal.
  const tags = Array.isArray(scanner.tags) ? textsOf(scanner.tags.map((t: unknown) => (t && typeof t === "object" ? (t as { name?: unknown }).name : t))) : [];
  return {
    result: !!(scanner.found || business.found),
    severity: scanner.classification === "malicious" ? "high" : "information",
    details: {
      Classification: scanner.classification ?? "",
      Actor: scanner.actor ?? "",
      Tags: tags,
      CVEs: textsOf(scanner.cves),
      "First Seen": scanner.first_seen ?? "",
      "Last Seen": scanner.last_seen ?? "",
      Noise: !!scanner.found,
      RIOT: !!business.found,
      "Business Service": business.name ?? "",
      "Trust Level": business.trust_level ?? "",
      Spoofable: scanner.spoofable ?? false,
      VPN: scanner.vpn ?? false,
      Tor: scanner.tor ?? false,
    },
  };
}
