/**
 * Each online provider against its loopback twin: the documented endpoint and
 * auth header, the IoC types it takes, and how its answers map to Result,
 * Severity and Details.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { TILookup } from "../../src/context/tiLookup";
import { outcomesInChild, SRC_DIR, TEST_DIR } from "../helpers/child";
import { makeFifo } from "../helpers/fifo";
import { byIoc, details, harness, rowsOf } from "./tiHelpers";
import * as svc from "./tiServices";
import { FAKE_ID, FAKE_KEY, tempDir } from "./tiTwins";

test("GreyNoise community: /v3/community/{ip}, `key` header, malicious → high, unknown IP → 404 row", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity);
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10", "8.8.8.8", "9.9.9.9", "wh401k.org", "10.0.3.4"])));
    assert.equal(h.twin.requests.length, 3, "only the three public IPv4 addresses are sent");
    for (const r of h.twin.requests) {
      assert.match(r.path, /^\/v3\/community\/[\d.]+$/);
      assert.equal(r.headers.key, FAKE_KEY);
    }
    const bad = rows["45.83.66.10"];
    assert.deepEqual([bad.Result, bad.Severity, bad.Status, bad.QuerySubtype], [true, "high", 0, "community"]);
    assert.deepEqual(details(bad), { Classification: "malicious", Name: "unknown", "Last Seen": "2024-05-01", Message: "Success", Noise: true, RIOT: false, Link: "https://viz.greynoise.io/ip/45.83.66.10" });
    assert.equal(bad.Reference, `${h.twin.url}/v3/community/45.83.66.10`);
    assert.equal(JSON.parse(bad.RawResult).classification, "malicious");
    const benign = rows["8.8.8.8"];
    assert.deepEqual([benign.Result, benign.Severity, benign.Status], [true, "information", 0]);
    assert.equal((details(benign) as Record<string, unknown>).RIOT, true);
    const unseen = rows["9.9.9.9"];
    assert.deepEqual([unseen.Result, unseen.Severity, unseen.Status], [false, "information", 404]);
    assert.match(unseen.Details, /IP not observed scanning the internet/);
    // GreyNoise takes IPv4 only; private addresses never leave the machine.
    assert.deepEqual([rows["wh401k.org"].Status, rows["wh401k.org"].Severity], [1, "unknown"]);
    assert.match(rows["wh401k.org"].Details, /does not look up dns \(it handles ipv4\)/);
    assert.equal(rows["10.0.3.4"].Status, 1);
    assert.match(rows["10.0.3.4"].Details, /10\.0\.3\.4 is a private address: not sent to GreyNoise/);
  } finally {
    await h.close();
  }
});

test("GreyNoise without a key sends no `key` header (keyless community access)", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Args: { AuthKey: "" } });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
    assert.equal(row.Severity, "high");
    assert.equal(h.twin.requests[0].headers.key, undefined);
  } finally {
    await h.close();
  }
});

test("GreyNoise enterprise: /v3/ip/{ip}, scanner and business-service intelligence", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseEnterprise, { Edition: "enterprise" });
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10", "8.8.8.8", "9.9.9.9"])));
    assert.ok(h.twin.requests.every((r) => r.path.startsWith("/v3/ip/") && r.headers.key === FAKE_KEY));
    const bad = rows["45.83.66.10"];
    assert.deepEqual([bad.Result, bad.Severity, bad.QuerySubtype], [true, "high", "enterprise"]);
    const d = details(bad) as Record<string, unknown>;
    assert.deepEqual(d.Tags, ["SSH Bruteforcer", "Mirai"]);
    assert.deepEqual(d.CVEs, ["CVE-2021-44228"]);
    const riot = details(rows["8.8.8.8"]) as Record<string, unknown>;
    assert.deepEqual([rows["8.8.8.8"].Result, rows["8.8.8.8"].Severity, riot.RIOT, riot["Business Service"]], [true, "information", true, "Google Public DNS"]);
    assert.equal(rows["9.9.9.9"].Status, 404);
  } finally {
    await h.close();
  }
});

test("URLs on intranet hosts stay inside: single-label names, private suffixes and private IPs are never sent", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const internal = ["http://badguyserver/pwnme", "http://server/file.sct", "http://fileshare.corp.local/drop.ps1", "http://10.0.0.5:8080/x", "http://[fd00::5]/y", "http://build.lan./a"];
    const rows = byIoc(rowsOf(await h.ti.lookupIocs([...internal, "http://wh401k.org/getps"])));
    const sent = h.twin.requests.map((r) => r.url.pathname);
    assert.deepEqual(sent, [`/api/v3/urls/${Buffer.from("http://wh401k.org/getps").toString("base64url")}`], "only the public URL reaches the service");
    for (const url of internal) {
      assert.equal(rows[url].Status, 1, url);
      assert.match(rows[url].Details, /not sent to VirusTotal/, url);
    }
    assert.match(rows["http://badguyserver/pwnme"].Details, /single-label \(intranet\) name/);
    assert.match(rows["http://fileshare.corp.local/drop.ps1"].Details, /no public suffix \("\.local"\)/);
    assert.match(rows["http://10.0.0.5:8080/x"].Details, /host is a private address/);
    assert.equal(rows["http://wh401k.org/getps"].Severity, "high");
  } finally {
    await h.close();
  }
});

test("6to4, Teredo and NAT64 addresses of private IPv4 hosts are never sent; those of public hosts are", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const internal = [
      "2002:c0a8:0101::1", // 6to4 of 192.168.1.1
      "2002:a00:1:5::20", // 6to4 of 10.0.0.1, a subnet behind it
      "2001:0:4136:e378:8000:63bf:3f57:fefe", // Teredo, client 192.168.1.1
      "64:ff9b::192.168.1.1", // NAT64 of 192.168.1.1
      "64:ff9b::a00:1", // NAT64 of 10.0.0.1 in hex
      "http://[2002:c0a8:101::1]/drop.ps1",
    ];
    const global = ["2002:2d53:420a::1", "64:ff9b::45.83.66.10"];
    const rows = byIoc(rowsOf(await h.ti.lookupIocs([...internal, ...global])));
    const sent = h.twin.requests.map((r) => r.path).sort();
    assert.deepEqual(sent, ["/api/v3/ip_addresses/2002:2d53:420a::1", "/api/v3/ip_addresses/64:ff9b::2d53:420a"], "only the public hosts' addresses reach the service");
    for (const ioc of internal) {
      assert.equal(rows[ioc].Status, 1, ioc);
      assert.match(rows[ioc].Details, /not sent to VirusTotal/, ioc);
    }
    assert.equal(rows["2002:c0a8:0101::1"].Details, "2002:c0a8:101::1 is a 6to4 address of 192.168.1.1 (a private address): not sent to VirusTotal.");
    assert.match(rows["2001:0:4136:e378:8000:63bf:3f57:fefe"].Details, /a Teredo address of 192\.168\.1\.1 \(a private address\)/);
    assert.match(rows["64:ff9b::a00:1"].Details, /a NAT64 address of 10\.0\.0\.1 \(a private address\)/);
    assert.match(rows["http://[2002:c0a8:101::1]/drop.ps1"].Details, /its host is a 6to4 address of 192\.168\.1\.1/);
    for (const ioc of global) assert.equal(rows[ioc].Status, 404, ioc);
  } finally {
    await h.close();
  }
});

test("VirusTotal v3: x-apikey, one endpoint per type (URL ids in base64url), engine counts → severity", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const values = ["45.83.66.10", "8.8.8.8", "wh401k.org", "http://wh401k.org/getps", "44D88612FEA8A8F36DE82E1278ABB02F", "suspicious.example.com", "unknown.example.org", "2001:4860:4860::8888"];
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(values)));
    assert.ok(h.twin.requests.every((r) => r.headers["x-apikey"] === FAKE_KEY));
    const paths = h.twin.requests.map((r) => r.url.pathname).sort();
    assert.ok(paths.includes("/api/v3/ip_addresses/45.83.66.10"));
    assert.ok(paths.includes(`/api/v3/urls/${Buffer.from("http://wh401k.org/getps").toString("base64url")}`));
    assert.ok(paths.includes("/api/v3/files/44d88612fea8a8f36de82e1278abb02f"), "hashes are sent lower-case");
    assert.ok(paths.includes("/api/v3/ip_addresses/2001%3A4860%3A4860%3A%3A8888"));
    assert.deepEqual([rows["45.83.66.10"].Severity, rows["45.83.66.10"].QuerySubtype], ["high", "ip_addresses"]);
    assert.equal((details(rows["45.83.66.10"]) as Record<string, unknown>).Malicious, 7);
    assert.equal((details(rows["45.83.66.10"]) as Record<string, unknown>).Permalink, "https://www.virustotal.com/gui/ip-address/45.83.66.10");
    assert.equal(rows["8.8.8.8"].Severity, "information");
    assert.equal(rows["wh401k.org"].Severity, "warning", "1 malicious engine → warning");
    assert.equal(rows["suspicious.example.com"].Severity, "warning", "suspicious verdicts → warning");
    assert.equal(rows["http://wh401k.org/getps"].Severity, "high");
    assert.equal(rows["44D88612FEA8A8F36DE82E1278ABB02F"].IocType, "md5_hash");
    assert.equal((details(rows["44D88612FEA8A8F36DE82E1278ABB02F"]) as Record<string, unknown>).Name, "eicar.com");
    assert.deepEqual([rows["unknown.example.org"].Result, rows["unknown.example.org"].Status, rows["unknown.example.org"].Details], [false, 404, "Not found."]);
  } finally {
    await h.close();
  }
});

test("GreyNoise enterprise: null tags, null entries in tags or CVEs, a null block are skipped; the rest of the answer is kept", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseEnterprise, { Edition: "enterprise" });
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["185.220.101.7", "23.97.60.214"])));
    const odd = rows["185.220.101.7"];
    assert.deepEqual([odd.Status, odd.Result, odd.Severity], [0, true, "high"], odd.Details);
    const d = details(odd) as Record<string, unknown>;
    assert.deepEqual(d.Tags, ["Tor Exit Node", "Web Crawler"]);
    assert.deepEqual(d.CVEs, ["CVE-2023-4966"]);
    assert.deepEqual([d.Classification, d.Actor, d["First Seen"], d.Tor, d.RIOT], ["malicious", "", "2024-02-01", true, false]);
    const none = rows["23.97.60.214"];
    assert.deepEqual([none.Status, none.Result, none.Severity], [0, true, "information"], none.Details);
    assert.deepEqual([(details(none) as Record<string, unknown>).Tags, (details(none) as Record<string, unknown>).CVEs], [[], []]);
  } finally {
    await h.close();
  }
});

test("AlienVault OTX: a null pulse, pulses with null fields or a null pulse list are skipped; the rest of the answer is kept", async () => {
  const h = await harness("OTX", svc.otx);
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["185.220.101.7", "23.97.60.214"])));
    const odd = rows["185.220.101.7"];
    assert.deepEqual([odd.Status, odd.Result, odd.Severity], [0, true, "high"], odd.Details);
    assert.deepEqual(details(odd), { "Pulse Count": 2, Names: ["Tor exit relays"], Tags: ["tor"], References: ["https://example.com/tor"] });
    const nullList = rows["23.97.60.214"];
    assert.deepEqual([nullList.Status, nullList.Severity], [0, "warning"], nullList.Details);
    assert.deepEqual(details(nullList), { "Pulse Count": 1, Names: [], Tags: [], References: [] });
  } finally {
    await h.close();
  }
});

test("AlienVault OTX: X-OTX-API-KEY, IPv4/domain/hostname sections, pulse count → severity", async () => {
  const h = await harness("OTX", svc.otx);
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10", "wh401k.org", "ftp.wh401k.org", "8.8.8.8", "nothing.example.com"])));
    assert.ok(h.twin.requests.every((r) => r.headers["x-otx-api-key"] === FAKE_KEY && r.path.endsWith("/general")));
    assert.ok(h.twin.count("/api/v1/indicators/hostname/ftp.wh401k.org/general") === 1);
    assert.ok(h.twin.count("/api/v1/indicators/domain/wh401k.org/general") === 1);
    assert.deepEqual([rows["45.83.66.10"].Severity, (details(rows["45.83.66.10"]) as Record<string, unknown>)["Pulse Count"]], ["high", 3]);
    assert.equal(rows["wh401k.org"].Severity, "warning");
    assert.equal(rows["ftp.wh401k.org"].QuerySubtype, "hostname");
    assert.deepEqual([rows["8.8.8.8"].Result, rows["8.8.8.8"].Severity], [true, "information"]);
    assert.equal(rows["nothing.example.com"].Status, 404);
  } finally {
    await h.close();
  }
});

test("IBM X-Force: Basic auth ApiID:AuthKey, ipr/url/malware, score and risk → severity", async () => {
  const h = await harness("XForce", svc.xForce, { Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY } });
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10", "8.8.8.8", "wh401k.org", "44d88612fea8a8f36de82e1278abb02f", "1.2.3.4"])));
    assert.equal(h.twin.requests[0].headers.authorization, `Basic ${Buffer.from(`${FAKE_ID}:${FAKE_KEY}`).toString("base64")}`);
    assert.deepEqual([rows["45.83.66.10"].Severity, rows["45.83.66.10"].QuerySubtype], ["high", "ipr"]);
    assert.deepEqual((details(rows["45.83.66.10"]) as Record<string, unknown>).Categories, ["Scanning IPs", "Botnet"]);
    assert.equal(rows["8.8.8.8"].Severity, "information");
    assert.deepEqual([rows["wh401k.org"].Severity, rows["wh401k.org"].QuerySubtype], ["warning", "url"]);
    assert.deepEqual([rows["44d88612fea8a8f36de82e1278abb02f"].Severity, rows["44d88612fea8a8f36de82e1278abb02f"].QuerySubtype], ["high", "malware"]);
    assert.equal(rows["1.2.3.4"].Status, 404);
  } finally {
    await h.close();
  }
});

test("odd answers: a top-level JSON array is no answer (it was cached as one), a score as text reads as its number, a null PageRank entry is skipped", async () => {
  const array = await harness("GreyNoise", () => ({ json: [1, 2, 3] }));
  try {
    const [row] = rowsOf(await array.ti.lookupIoc("45.83.66.10"));
    assert.equal(row.Status, 3);
    assert.match(String(row.Details), /unexpected response: expected a JSON object/);
  } finally {
    await array.close();
  }
  const scores: Record<string, unknown> = { "10.0.0.0": 0, "45.83.66.10": "8.5", "45.83.66.11": "abc", "45.83.66.12": null };
  const xf = await harness("XForce", (req) => ({ json: { ip: req.path.split("/").pop(), score: scores[req.path.split("/").pop() as string], cats: {} } }), { Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY } });
  try {
    const rows = byIoc(rowsOf(await xf.ti.lookupIocs(["45.83.66.10", "45.83.66.11", "45.83.66.12"])));
    assert.deepEqual(["45.83.66.10", "45.83.66.11", "45.83.66.12"].map((ip) => rows[ip].Severity), ["high", "unknown", "unknown"]);
  } finally {
    await xf.close();
  }
  const opr = await harness("OPR", () => ({ json: { status_code: 200, response: [null, { status_code: 200, domain: "wh401k.org", page_rank_decimal: 2.5, rank: "99" }] } }));
  try {
    const [row] = rowsOf(await opr.ti.lookupIoc("wh401k.org"));
    assert.equal(row.Status, 0);
    assert.equal((details(row) as Record<string, unknown>)["Page Rank"], 2.5);
  } finally {
    await opr.close();
  }
});

test("answers read as MSTICPy 3.0.2 reads them: OTX counts at least the pulses listed, X-Force categories as a list, an Open PageRank entry without a status or with a failed one", async () => {
  const otx = await harness("OTX", (req) => ({ json: req.path.includes("45.83.66.10") ? { pulse_info: { count: 0, pulses: [{ name: "A", tags: ["a"] }] } } : { pulse_info: { count: 1, pulses: [{ name: "A" }, { name: "B" }] } } }));
  try {
    const rows = byIoc(rowsOf(await otx.ti.lookupIocs(["45.83.66.10", "45.83.66.11"])));
    assert.deepEqual([rows["45.83.66.10"].Severity, rows["45.83.66.11"].Severity], ["warning", "high"]);
  } finally {
    await otx.close();
  }
  const xf = await harness("XForce", (req) => ({ json: { ip: req.path.split("/").pop(), score: 1, cats: ["one", "two"] } }), { Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY } });
  try {
    const [row] = rowsOf(await xf.ti.lookupIoc("45.83.66.10"));
    assert.deepEqual((details(row) as Record<string, unknown>).Categories, ["one", "two"]);
  } finally {
    await xf.close();
  }
  const entries: Record<string, unknown> = { "a.example.com": { domain: "a.example.com", status_code: 400, error: "" }, "b.example.com": { domain: "b.example.com" } };
  const opr = await harness("OPR", (req) => {
    const domain = String(new URL(req.url ?? "/", "http://x").searchParams.get("domains[]"));
    return { json: { status_code: 200, response: [entries[domain]] } };
  });
  try {
    const rows = byIoc(rowsOf(await opr.ti.lookupIocs(["a.example.com", "b.example.com"])));
    assert.deepEqual([rows["a.example.com"].Result, rows["a.example.com"].Severity], [false, "information"]);
    assert.equal((details(rows["a.example.com"]) as Record<string, unknown>)["Page Rank"], null, "a failed entry is no domain ranked 0");
    assert.deepEqual([rows["b.example.com"].Result, rows["b.example.com"].Severity], [false, "warning"]);
  } finally {
    await opr.close();
  }
});

test("X-Force needs both ApiID and AuthKey to load", async () => {
  const h = await harness("XForce", svc.xForce, { Args: { AuthKey: FAKE_KEY } });
  try {
    const [status] = h.ti.providerStatus;
    assert.equal(status.loaded, false);
    assert.match(status.detail, /ApiID is not set in Args/);
  } finally {
    await h.close();
  }
});

test("AbuseIPDB: Key header, /api/v2/check?ipAddress=…&maxAgeInDays, confidence → severity", async () => {
  const h = await harness("AbuseIPDB", svc.abuseIpdb, { Args: { AuthKey: FAKE_KEY, MaxAgeInDays: 30 } });
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10", "23.97.60.214", "8.8.8.8", "wh401k.org"])));
    const first = h.twin.requests[0];
    assert.equal(first.path, "/api/v2/check");
    assert.equal(first.headers.key, FAKE_KEY);
    assert.equal(first.headers.accept, "application/json");
    assert.equal(first.url.searchParams.get("maxAgeInDays"), "30");
    assert.deepEqual([rows["45.83.66.10"].Result, rows["45.83.66.10"].Severity], [true, "high"]);
    assert.equal((details(rows["45.83.66.10"]) as Record<string, unknown>)["Total Reports"], 523);
    assert.equal(rows["23.97.60.214"].Severity, "warning");
    assert.deepEqual([rows["8.8.8.8"].Result, rows["8.8.8.8"].Severity], [false, "information"], "no reports → Result false");
    assert.equal(rows["wh401k.org"].Status, 1);
    assert.equal(rows["45.83.66.10"].Reference, `${h.twin.url}/api/v2/check?ipAddress=45.83.66.10&maxAgeInDays=30`);
  } finally {
    await h.close();
  }
});

test("Open PageRank: API-OPR header, domains[] parameter, unranked domain → warning", async () => {
  const h = await harness("OPR", svc.openPageRank);
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["google.com", "wh401k.org", "8.8.8.8"])));
    assert.ok(h.twin.requests.every((r) => r.headers["api-opr"] === FAKE_KEY && r.path === "/api/v1.0/getPageRank"));
    assert.deepEqual([rows["google.com"].Result, rows["google.com"].Severity, (details(rows["google.com"]) as Record<string, unknown>)["Page Rank"]], [true, "information", 10]);
    assert.deepEqual([rows["wh401k.org"].Result, rows["wh401k.org"].Severity], [false, "warning"]);
    assert.equal(rows["8.8.8.8"].Status, 1, "OPR ranks domains only");
  } finally {
    await h.close();
  }
});

test("Tor: the bulk exit list is fetched once and answers every lookup locally", async () => {
  const h = await harness("Tor", svc.torProject, { Args: null });
  try {
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(["185.220.101.7", "45.83.66.10", "8.8.8.8", "2a0b:f4c2:0::7", "10.0.3.4"])));
    assert.equal(h.twin.requests.length, 1);
    assert.equal(h.twin.requests[0].path, "/torbulkexitlist");
    assert.deepEqual([rows["185.220.101.7"].Result, rows["185.220.101.7"].Severity, rows["185.220.101.7"].Status], [true, "warning", 0]);
    assert.deepEqual([rows["8.8.8.8"].Result, rows["8.8.8.8"].Severity, rows["8.8.8.8"].Details], [false, "information", "Not a Tor exit node."]);
    assert.equal(rows["2a0b:f4c2:0::7"].Result, true, "IPv6 compared in canonical form");
    assert.equal(rows["10.0.3.4"].Result, false);
    assert.equal(rows["185.220.101.7"].Reference, `${h.twin.url}/torbulkexitlist`);
    // A second batch uses the list in memory.
    await h.ti.lookupIocs(["1.1.1.1"]);
    assert.equal(h.twin.requests.length, 1);
  } finally {
    await h.close();
  }
});

test("Tor: the exit-addresses format gives last-seen times and fingerprints", async () => {
  const h = await harness("Tor", svc.torProject, { Args: { ListPath: "/exit-addresses" } });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
    assert.deepEqual(details(row), { "Tor exit node": true, "Last Seen": "2024-05-01 10:05:00", Fingerprint: "0111BA9B604669E636FFD5B503F382A4B7AD6E80" });
  } finally {
    await h.close();
  }
});

test("Tor: an emptied list file in the disk cache is fetched again, not read as 'no exit nodes'", async () => {
  const cacheDir = tempDir();
  const h = await harness("Tor", svc.torProject, { Args: null, Cache: { Path: cacheDir } });
  try {
    await h.ti.lookupIoc("185.220.101.7");
    const [list] = fs.readdirSync(cacheDir).filter((f) => f.endsWith(".list"));
    assert.ok(list, "the list is kept on disk");
    assert.deepEqual(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".tmp")), []);
    fs.writeFileSync(path.join(cacheDir, list), ""); // a write cut short (disk full)
    const fresh = new TILookup({ configPath: h.configPath });
    // An address not asked before: the result cache cannot answer it, the list must.
    const [row] = rowsOf(await fresh.lookupIocs(["45.83.66.10"], { providers: ["Tor"] }));
    assert.deepEqual([row.Result, row.Severity], [true, "warning"]);
    assert.equal(h.twin.requests.length, 2, "fetched again");
    for (const p of Object.values(fresh.loadedProviders)) p.close();
  } finally {
    await h.close();
  }
});

test("Tor: a list file or result cache file in the disk cache that is a named pipe is not opened; the list is fetched again", { skip: process.platform === "win32" }, (t) => {
  // The child makes the FIFOs once the cache files exist: a first one here only finds out whether mkfifo does.
  if (!makeFifo(t, path.join(tempDir(), "probe"))) return;
  // In a child with a timeout: the old reads blocked in open(2) on the FIFOs, which would hang the test run.
  const imports = [
    `import { execFileSync } from "node:child_process";`,
    `import fs from "node:fs";`,
    `import path from "node:path";`,
    `import { TILookup } from ${JSON.stringify(`${SRC_DIR}/context/tiLookup`)};`,
    `import { harness, rowsOf } from ${JSON.stringify(`${TEST_DIR}/context/tiHelpers`)};`,
    `import * as svc from ${JSON.stringify(`${TEST_DIR}/context/tiServices`)};`,
    `import { tempDir } from ${JSON.stringify(`${TEST_DIR}/context/tiTwins`)};`,
  ].join("\n");
  const scenario = `(async () => {
    const cacheDir = tempDir();
    const h = await harness("Tor", svc.torProject, { Args: null, Cache: { Path: cacheDir } });
    try {
      await h.ti.lookupIocs(["185.220.101.7"]);
      const replaced = fs.readdirSync(cacheDir).filter((f) => /\\.(list|ndjson)$/.test(f)).sort();
      for (const f of replaced) {
        fs.rmSync(path.join(cacheDir, f));
        execFileSync("mkfifo", [path.join(cacheDir, f)]);
      }
      const fresh = new TILookup({ configPath: h.configPath });
      const [row] = rowsOf(await fresh.lookupIocs(["45.83.66.10"], { providers: ["Tor"] }));
      for (const p of Object.values(fresh.loadedProviders)) p.close();
      const kinds = Object.fromEntries(replaced.map((f) => [path.extname(f), fs.statSync(path.join(cacheDir, f)).isFIFO() ? "fifo" : "file"]));
      return { kinds, row: [row.Result, row.Severity], requests: h.twin.requests.length };
    } finally {
      await h.close();
    }
  })()`;
  const { tor } = outcomesInChild(imports, { tor: scenario });
  // The list is fetched again and written over the FIFO; the result cache stays in memory (nothing appended to the FIFO).
  assert.deepEqual(tor, { ok: true, value: { kinds: { ".list": "file", ".ndjson": "fifo" }, row: [true, "warning"], requests: 2 } });
});

test("a disk cache that turns memory-only is said: one warning per provider naming the file and why, and the status shows it", async () => {
  const cacheDir = tempDir();
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Cache: { Path: cacheDir } });
  try {
    await h.ti.lookupIoc("131.107.147.209");
    const [file] = fs.readdirSync(cacheDir).filter((f) => f.endsWith(".ndjson"));
    assert.ok(file, "the answer is cached on disk");
    // The cache file is now a folder: it cannot be read.
    fs.rmSync(path.join(cacheDir, file));
    fs.mkdirSync(path.join(cacheDir, file));
    const warnings: string[] = [];
    const unreadable = new TILookup({ configPath: h.configPath, warn: (m) => warnings.push(m) });
    await unreadable.lookupIoc("131.107.147.209");
    await unreadable.lookupIoc("45.83.66.10");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.equal(warnings[0], `TI provider GreyNoise: cannot read the TI cache file ${path.join(cacheDir, file)} (in the Cache.Path folder): it is a folder, not a file; answers are cached in memory only`);
    assert.match(unreadable.statusText(), /cache \d+ s on disk\. Cannot read the TI cache file .* answers are cached in memory only\./);
    assert.match(String(unreadable.providerStatus[0].detail), /Cannot read the TI cache file/);
    for (const p of Object.values(unreadable.loadedProviders)) p.close();

    // Cache.Path under a regular file: the cache cannot be written.
    const blocker = path.join(tempDir(), "not-a-folder");
    fs.writeFileSync(blocker, "");
    const h2 = await harness("GreyNoise", svc.greyNoiseCommunity, { Cache: { Path: path.join(blocker, "cache") } });
    const unwritable: string[] = [];
    const ti = new TILookup({ configPath: h2.configPath, warn: (m) => unwritable.push(m) });
    try {
      const [row] = rowsOf(await ti.lookupIoc("131.107.147.209"));
      assert.ok([0, 404].includes(Number(row.Status)), `the lookup itself is unharmed: ${JSON.stringify(row)}`);
      assert.equal(unwritable.length, 1);
      assert.match(unwritable[0], /^TI provider GreyNoise: cannot write the TI cache file .*not-a-folder.* \(in the Cache\.Path folder\): .*; answers are cached in memory only from now on$/);
    } finally {
      for (const p of Object.values(ti.loadedProviders)) p.close();
      await h2.close();
    }
  } finally {
    await h.close();
  }
});

test("Tor: an unusable list becomes a failure row for every lookup, fetched once", async () => {
  const h = await harness("Tor", () => ({ status: 503, text: "down" }), { Args: null, Retries: 0 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(["185.220.101.7", "8.8.8.8", "1.1.1.1"]));
    assert.equal(h.twin.requests.length, 1);
    assert.deepEqual(rows.map((r) => r.Status), [503, 503, 503]);
    assert.match(rows[0].Details, /Cannot fetch the Tor exit list: HTTP 503/);
  } finally {
    await h.close();
  }
});
