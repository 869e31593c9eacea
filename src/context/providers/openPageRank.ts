/**
 * Open PageRank (https://www.domcop.com/openpagerank/documentation), header
 * `API-OPR: <AuthKey>`: `GET /api/v1.0/getPageRank?domains[]={domain}`.
 * Body: `{ status_code: 200, response: [{ status_code, error, page_rank_integer,
 * page_rank_decimal, rank, domain }], last_updated }`; a domain it does not
 * know has `status_code: 404` and `error: "Domain not found"` inside a 200.
 *
 * Severity, as MSTICPy: an unranked (unknown) domain is `warning` — little-used
 * domains are worth a look — a ranked one `information`.
 */
import { HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import type { LookupRequest, ProviderInfo } from "../tiProvider";
import { objectsOf } from "../tiJson";

const INFO: ProviderInfo = {
  className: "OPR",
  description: "Open PageRank: how well-known a domain is (unranked domains are flagged)",
  supportedTypes: types("dns"),
  requiredArgs: ["AuthKey"],
  knownArgs: ["AuthKey"],
  defaultBaseUrl: "https://openpagerank.com",
  online: true,
};

interface OprBody {
  status_code?: number;
  response?: { status_code?: number; error?: string; page_rank_integer?: number; page_rank_decimal?: number | string; rank?: string | null; domain?: string }[];
}

export class OpenPageRankProvider extends HttpTIProvider {
  static readonly info = INFO;
  get info(): ProviderInfo {
    return INFO;
  }

  protected override authHeaders(): Record<string, string> {
    return { "API-OPR": this.arg("AuthKey") };
  }

  protected buildRequest(request: LookupRequest): HttpRequestSpec {
    return { path: "/api/v1.0/getPageRank", params: { "domains[]": request.safeIoc }, querySubtype: "getPageRank" };
  }

  protected mapResponse(body: unknown, request: LookupRequest): MappedResponse {
    const list = (body as OprBody | null)?.response;
    if (!Array.isArray(list)) throw new Error("no `response` list");
    // A null entry is no entry (it read as "TypeError: Cannot read properties of null").
    const entries = objectsOf<NonNullable<OprBody["response"]>[number]>(list);
    const entry = entries.find((e) => (e.domain ?? "").toLowerCase() === request.safeIoc) ?? entries[0];
    if (!entry) throw new Error("empty `response` list");
    // As MSTICPy: an entry without a status is not found; one with another status than 200 or 404 failed (it
    // read as a domain ranked 0).
    const status = typeof entry.status_code === "number" ? entry.status_code : 404;
    if (status === 404 || (status === 200 && entry.error)) {
      return { result: false, severity: "warning", details: { "Page Rank": null, Rank: null, Error: entry.error || "Domain not found" } };
    }
    if (status !== 200) return { result: false, severity: "information", details: { "Page Rank": null, Rank: null, Error: entry.error || `status ${status}` } };
    return {
      result: true,
      severity: "information",
      details: { "Page Rank": Number(entry.page_rank_decimal ?? entry.page_rank_integer ?? 0), Rank: entry.rank ?? null, Domain: entry.domain ?? request.safeIoc },
    };
  }
}
