/**
 * IBM X-Force Exchange (https://api.xforce.ibmcloud.com/doc/), HTTP Basic auth
 * with `ApiID:AuthKey`:
 * - `GET /api/ipr/{ip}` → `{ ip, score (1–10), cats: { category: confidence },
 *   geo: { country }, reason, reasonDescription, tags, history }`;
 * - `GET /api/url/{url or domain}` → `{ result: { url, score, cats }, associated }`;
 * - `GET /api/malware/{hash}` → `{ malware: { risk: "high"|"medium"|"low",
 *   family, type, created, origins } }`.
 * - Unknown objects are a 404 with `{ error: "Not found." }`; a bad key a 401
 *   `{ error: "Not authorized." }`.
 *
 * Severity (huntlab's rule): risk score ≥ 7 `high`, ≥ 4 `warning`, else
 * `information`; malware risk high/medium/low → high/warning/information.
 */
import { encodePath, HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo, Severity } from "../tiProvider";
import { documentedObject } from "./documented";

const INFO: ProviderInfo = {
  className: "XForce",
  description: "IBM X-Force Exchange: IP and URL reputation scores, malware by file hash",
  supportedTypes: types("ipv4", "ipv6", "dns", "url", "md5_hash", "sha1_hash", "sha256_hash"),
  requiredArgs: ["ApiID", "AuthKey"],
  knownArgs: ["ApiID", "AuthKey"],
  defaultBaseUrl: "https://api.xforce.ibmcloud.com",
  online: true,
};

interface XfIpBody {
  ip?: string;
  score?: number;
  cats?: Record<string, number>;
  geo?: { country?: string };
  reason?: string;
  reasonDescription?: string;
  tags?: unknown[];
}
interface XfUrlBody {
  result?: { url?: string; score?: number; cats?: Record<string, boolean | number> };
}
interface XfMalwareBody {
  malware?: { risk?: string; family?: string[]; type?: string; created?: string };
}

function scoreSeverity(value: unknown): Severity {
  // A score sent as text reads as its number; anything else ("abc", null) is no score.
  const score = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(score)) return "unknown";
  return score >= 7 ? "high" : score >= 4 ? "warning" : "information";
}

export class XForceProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    const auth = { username: this.arg("ApiID"), password: this.arg("AuthKey") };
    switch (request.type) {
      case "ipv4":
      case "ipv6":
        return { path: `/api/ipr/${encodePath(request.safeIoc)}`, auth, querySubtype: "ipr" };
      case "dns":
      case "url":
        return { path: `/api/url/${encodePath(request.safeIoc)}`, auth, querySubtype: "url" };
      default:
        return { path: `/api/malware/${encodePath(request.safeIoc)}`, auth, querySubtype: "malware" };
    }
  }

  protected mapResponse(body: unknown, request: LookupRequest): MappedResponse {
    if (request.type === "ipv4" || request.type === "ipv6") {
      const b = documentedObject(body, ["ip", "score", "cats", "history"]) as XfIpBody;
      return {
        result: true,
        severity: scoreSeverity(b.score),
        details: {
          Score: b.score ?? null,
          Categories: categories(b.cats),
          Country: b.geo?.country ?? "",
          Reason: b.reason ?? "",
          "Reason Description": b.reasonDescription ?? "",
        },
      };
    }
    if (request.type === "dns" || request.type === "url") {
      const r = (documentedObject(body, ["result"]) as XfUrlBody).result ?? {};
      return { result: true, severity: scoreSeverity(r.score), details: { Score: r.score ?? null, Categories: categories(r.cats), Url: r.url ?? "" } };
    }
    const m = (documentedObject(body, ["malware"]) as XfMalwareBody).malware ?? {};
    const risk = (m.risk ?? "").toLowerCase();
    const severity: Severity = risk === "high" ? "high" : risk === "medium" ? "warning" : risk === "low" ? "information" : "unknown";
    return { result: true, severity, details: { Risk: m.risk ?? "", Family: m.family ?? [], Type: m.type ?? "", Created: m.created ?? "" } };
  }
}

/** X-Force's categories: the keys of its `cats` object (`{"Spam": 43}`), or the entries of a list (MSTICPy's test answers); its positions were shown. */
function categories(cats: unknown): string[] {
  if (Array.isArray(cats)) return cats.filter((c): c is string => typeof c === "string");
  return cats !== null && typeof cats === "object" ? Object.keys(cats) : [];
}
