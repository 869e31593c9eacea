/**
 * Handlers answering like each TI service's documented API (paths, auth
 * headers, response bodies), for the loopback twins. The bodies follow the
 * shapes in each provider module's header comment; values are made up.
 */
import { failureFor, FAKE_ID, FAKE_KEY, type Handler, type Reply, type SeenRequest } from "./tiTwins";

/** The observable a request is about: last path segment or a query parameter. */
function observableOf(req: SeenRequest, param?: string): string {
  if (param) return req.url.searchParams.get(param) ?? "";
  const parts = req.path.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

/** Common wrapper: auth check, then failure modes, then the service's own answer. */
function service(authorised: (req: SeenRequest) => boolean, unauthorised: Reply, observable: (req: SeenRequest) => string, answer: (value: string, req: SeenRequest) => Reply): Handler {
  return (req) => {
    if (!authorised(req)) return unauthorised;
    const value = observable(req);
    return failureFor(value) ?? answer(value, req);
  };
}

export const greyNoiseCommunity: Handler = service(
  (req) => req.headers.key === undefined || req.headers.key === FAKE_KEY,
  { status: 401, json: { message: "Authentication required" } },
  (req) => (req.path.startsWith("/v3/community/") ? observableOf(req) : ""),
  (ip) => {
    if (ip === "45.83.66.10") {
      return { json: { ip, noise: true, riot: false, classification: "malicious", name: "unknown", link: `https://viz.greynoise.io/ip/${ip}`, last_seen: "2024-05-01", message: "Success" } };
    }
    if (ip === "8.8.8.8") {
      return { json: { ip, noise: false, riot: true, classification: "benign", name: "Google Public DNS", link: `https://viz.greynoise.io/riot/${ip}`, last_seen: "2024-05-02", message: "Success" } };
    }
    return { status: 404, json: { ip, noise: false, riot: false, message: "IP not observed scanning the internet or contained in RIOT data set." } };
  },
);

export const greyNoiseEnterprise: Handler = service(
  (req) => req.headers.key === FAKE_KEY,
  { status: 401, json: { message: "Authentication required" } },
  (req) => (req.path.startsWith("/v3/ip/") ? observableOf(req) : ""),
  (ip) => {
    if (ip === "45.83.66.10") {
      return {
        json: {
          ip,
          business_service_intelligence: { found: false, category: "", name: "", trust_level: "" },
          internet_scanner_intelligence: {
            found: true,
            classification: "malicious",
            actor: "unknown",
            tags: [{ name: "SSH Bruteforcer" }, { name: "Mirai" }],
            cves: ["CVE-2021-44228"],
            first_seen: "2024-01-01",
            last_seen: "2024-05-01",
            spoofable: false,
            vpn: false,
            tor: false,
          },
        },
      };
    }
    if (ip === "8.8.8.8") {
      return {
        json: {
          ip,
          business_service_intelligence: { found: true, category: "public_dns", name: "Google Public DNS", trust_level: "1" },
          internet_scanner_intelligence: { found: false, classification: "", tags: [] },
        },
      };
    }
    // Odd but seen-in-the-wild values: nulls inside the tag and CVE lists, a nameless tag, a null business block.
    if (ip === "185.220.101.7") {
      return {
        json: {
          ip,
          business_service_intelligence: null,
          internet_scanner_intelligence: {
            found: true,
            classification: "malicious",
            actor: null,
            tags: [null, { name: "Tor Exit Node" }, { name: null, id: "x" }, "Web Crawler"],
            cves: [null, "CVE-2023-4966"],
            first_seen: "2024-02-01",
            last_seen: null,
            tor: true,
          },
        },
      };
    }
    // A null tag list and a null CVE list.
    if (ip === "23.97.60.214") {
      return { json: { ip, business_service_intelligence: { found: false }, internet_scanner_intelligence: { found: true, classification: "benign", tags: null, cves: null } } };
    }
    return { status: 404, json: { ip, message: "IP not observed" } };
  },
);

const VT_STATS = (malicious: number, suspicious = 0) => ({ harmless: 60 - malicious, malicious, suspicious, undetected: 10, timeout: 0 });

export const virusTotal: Handler = service(
  (req) => req.headers["x-apikey"] === FAKE_KEY,
  { status: 401, json: { error: { code: "WrongCredentialsError", message: "Wrong API key" } } },
  (req) => observableOf(req),
  (value, req) => {
    const kind = req.path.split("/")[3];
    const known: Record<string, { type: string; malicious: number; suspicious?: number; extra?: object }> = {
      "ip_addresses/45.83.66.10": { type: "ip_address", malicious: 7, extra: { as_owner: "Example Hosting", country: "NL" } },
      "ip_addresses/8.8.8.8": { type: "ip_address", malicious: 0, extra: { as_owner: "GOOGLE", country: "US" } },
      "domains/wh401k.org": { type: "domain", malicious: 1 },
      [`urls/${Buffer.from("http://wh401k.org/getps").toString("base64url")}`]: { type: "url", malicious: 5 },
      "files/44d88612fea8a8f36de82e1278abb02f": { type: "file", malicious: 60, extra: { meaningful_name: "eicar.com" } },
      "domains/suspicious.example.com": { type: "domain", malicious: 0, suspicious: 2 },
    };
    const hit = known[`${kind}/${value}`];
    if (!hit) return { status: 404, json: { error: { code: "NotFoundError", message: `Resource not found: ${value}` } } };
    return {
      json: {
        data: {
          id: value,
          type: hit.type,
          attributes: { last_analysis_stats: VT_STATS(hit.malicious, hit.suspicious), reputation: -hit.malicious, tags: hit.malicious ? ["malware"] : [], last_analysis_date: 1714521600, ...hit.extra },
        },
      },
    };
  },
);

export const otx: Handler = service(
  (req) => req.headers["x-otx-api-key"] === FAKE_KEY,
  { status: 403, json: { detail: "Authentication credentials were not provided." } },
  (req) => req.path.split("/")[5] ?? "",
  (value, req) => {
    const section = req.path.split("/")[4];
    const pulses = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, name: `Pulse ${i} about ${value}`, tags: ["botnet", `tag${i}`], references: [`https://example.com/report/${i}`] }));
    const counts: Record<string, number> = { "IPv4/45.83.66.10": 3, "domain/wh401k.org": 1, "hostname/ftp.wh401k.org": 1, "IPv4/8.8.8.8": 0 };
    // A pulse list holding a null pulse, a pulse whose fields are null and null entries in tags/references.
    if (`${section}/${value}` === "IPv4/185.220.101.7") {
      const odd = [null, { id: "p1", name: null, tags: null, references: null }, { id: "p2", name: "Tor exit relays", tags: ["tor", null], references: [null, "https://example.com/tor"] }];
      return { json: { indicator: value, type: section, reputation: null, pulse_info: { count: 2, pulses: odd } } };
    }
    // A null pulse list with a count.
    if (`${section}/${value}` === "IPv4/23.97.60.214") return { json: { indicator: value, type: section, pulse_info: { count: 1, pulses: null } } };
    const n = counts[`${section}/${value}`];
    if (n === undefined) return { status: 404, json: { detail: "Not found." } };
    return { json: { indicator: value, type: section, reputation: 0, pulse_info: { count: n, pulses: pulses(n) } } };
  },
);

export const xForce: Handler = service(
  (req) => req.headers.authorization === `Basic ${Buffer.from(`${FAKE_ID}:${FAKE_KEY}`).toString("base64")}`,
  { status: 401, json: { error: "Not authorized." } },
  (req) => observableOf(req),
  (value, req) => {
    const kind = req.path.split("/")[2];
    if (kind === "ipr" && value === "45.83.66.10") {
      return { json: { ip: value, score: 8.6, cats: { "Scanning IPs": 86, Botnet: 43 }, geo: { country: "Netherlands", countrycode: "NL" }, reason: "Regional Internet Registry", reasonDescription: "One of the five RIRs announced a (new) location mapping of the IP.", tags: [] } };
    }
    if (kind === "ipr" && value === "8.8.8.8") return { json: { ip: value, score: 1, cats: {}, geo: { country: "United States" }, reason: "", reasonDescription: "" } };
    if (kind === "url" && value === "wh401k.org") return { json: { result: { url: value, cats: { "Malware": true }, score: 5 }, associated: [] } };
    if (kind === "malware" && value === "44d88612fea8a8f36de82e1278abb02f") {
      return { json: { malware: { risk: "high", family: ["EICAR"], type: "md5", created: "2012-01-01T00:00:00Z" } } };
    }
    return { status: 404, json: { error: "Not found." } };
  },
);

export const abuseIpdb: Handler = service(
  (req) => req.headers.key === FAKE_KEY,
  { status: 401, json: { errors: [{ detail: "Authentication failed. Your API key is either missing, incorrect, or revoked.", status: 401 }] } },
  (req) => observableOf(req, "ipAddress"),
  (ip, req) => {
    if (req.path !== "/api/v2/check") return { status: 404, json: { errors: [{ detail: "Not found", status: 404 }] } };
    const score = ip === "45.83.66.10" ? 100 : ip === "23.97.60.214" ? 40 : 0;
    const reports = score === 0 ? 0 : score === 100 ? 523 : 4;
    return {
      json: {
        data: {
          ipAddress: ip,
          isPublic: true,
          ipVersion: 4,
          isWhitelisted: false,
          abuseConfidenceScore: score,
          countryCode: "NL",
          usageType: "Data Center/Web Hosting/Transit",
          isp: "Example Hosting",
          domain: "example.net",
          hostnames: [],
          isTor: false,
          totalReports: reports,
          numDistinctUsers: Math.min(reports, 120),
          lastReportedAt: reports ? "2024-05-01T10:00:00+00:00" : null,
          maxAgeInDays: req.url.searchParams.get("maxAgeInDays"),
        },
      },
    };
  },
);

export const openPageRank: Handler = service(
  (req) => req.headers["api-opr"] === FAKE_KEY,
  { status: 401, json: { status_code: 401, error: "Invalid API key" } },
  (req) => observableOf(req, "domains[]"),
  (domain) => {
    const ranks: Record<string, { page_rank_decimal: number; rank: string }> = { "google.com": { page_rank_decimal: 10, rank: "1" }, "example.com": { page_rank_decimal: 5.12, rank: "1024" } };
    const r = ranks[domain];
    return {
      json: {
        status_code: 200,
        response: [
          r
            ? { status_code: 200, error: "", page_rank_integer: Math.round(r.page_rank_decimal), page_rank_decimal: r.page_rank_decimal, rank: r.rank, domain }
            : { status_code: 404, error: "Domain not found", page_rank_integer: 0, page_rank_decimal: 0, rank: null, domain },
        ],
        last_updated: "15th May 2024",
      },
    };
  },
);

/** The Tor Project's bulk list and exit-addresses formats. */
export const torProject: Handler = (req) => {
  if (req.path === "/torbulkexitlist") return { text: "185.220.101.7\n45.83.66.10\n2a0b:f4c2::7\n" };
  if (req.path === "/exit-addresses") {
    return {
      text: [
        "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E",
        "Published 2024-05-01 10:00:00",
        "LastStatus 2024-05-01 11:00:00",
        "ExitAddress 185.220.101.7 2024-05-01 11:02:03",
        "ExitNode 0111BA9B604669E636FFD5B503F382A4B7AD6E80",
        "Published 2024-05-01 09:00:00",
        "LastStatus 2024-05-01 10:00:00",
        "ExitAddress 45.83.66.10 2024-05-01 10:05:00",
      ].join("\n"),
    };
  }
  return { status: 404, text: "not found" };
};
