/**
 * LocalTI: the bundled feed against the lab's own data, feed formats and
 * matching rules, and feeds that are wrong.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { QueryProvider } from "../../src/data/queryProvider";
import { LAB_DATA_DIR, PACKAGE_ROOT } from "../../src/common/paths";
import { TILookup } from "../../src/context/tiLookup";
import { parseCsv, readFeed } from "../../src/context/providers/localTI";
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { makeFifo } from "../helpers/fifo";
import { byIoc, details, rowsOf } from "./tiHelpers";
import { tempDir, writeConfig } from "./tiTwins";

const BUNDLED = path.join(PACKAGE_ROOT, "msticpyconfig.yaml");

function localConfig(feed: string, extra: Record<string, unknown> = {}): string {
  return writeConfig(tempDir(), { LocalTI: { Provider: "LocalTI", Primary: true, Args: { Path: feed }, ...extra } });
}

function feedFile(name: string, text: string): string {
  const file = path.join(tempDir("huntlab-feed-"), name);
  fs.writeFileSync(file, text);
  return file;
}

test("the bundled config loads LocalTI offline with the lab feed; online providers wait for keys", () => {
  const ti = new TILookup({ configPath: BUNDLED });
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
  const status = Object.fromEntries(ti.providerStatus.map((s) => [s.name, s]));
  assert.equal(status.LocalTI.loaded, true);
  assert.match(status.LocalTI.detail, /^Loaded \(primary\): offline; 12 indicators\.$/);
  assert.equal(status.GreyNoise.loaded, false);
  assert.match(status.GreyNoise.detail, /environment variable GREYNOISE_AUTH is not set/);
  assert.match(status.Tor.detail, /^Disabled \(Enabled: false\)/);
  assert.deepEqual(TILookup.listAvailableProviders(), ["AbuseIPDB", "GreyNoise", "LocalTI", "OPR", "OTX", "Tor", "VirusTotal", "XForce"]);
});

test("lab data: list_host_logons IpAddress — one row per distinct value, the logon source is a high hit", async () => {
  const qp = new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [LAB_DATA_DIR] });
  const logons = await qp.WindowsSecurity.list_host_logons();
  const distinct = new Set(logons.getColumn("IpAddress").toArray() as unknown as string[]);
  const ti = new TILookup({ configPath: BUNDLED });
  const rows = rowsOf(await ti.lookupIocs(logons, { obsCol: "IpAddress" }));
  assert.equal(rows.length, distinct.size);
  const r = byIoc(rows);
  assert.deepEqual(Object.keys(r).sort(), [...distinct].sort());
  assert.deepEqual([r["131.107.147.209"].Result, r["131.107.147.209"].Severity, r["131.107.147.209"].Status], [true, "high", 0]);
  assert.match(String((details(r["131.107.147.209"]) as Record<string, unknown>).Description), /NTLM network logons/);
  assert.deepEqual([r["10.0.3.4"].Result, r["10.0.3.4"].Details], [false, "Not found in the local feed."]);
  assert.deepEqual([r["::1"].IocType, r["::1"].Result], ["ipv6", false]);
  assert.deepEqual([r["-"].IocType, r["-"].Status], ["unknown", 2]);
});

test("lab data: Azure list_all_signins_geo IPAddress — the exercise's hits", async () => {
  const qp = new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [LAB_DATA_DIR] });
  const signins = await qp.Azure.list_all_signins_geo();
  const ti = new TILookup({ configPath: BUNDLED });
  const rows = rowsOf(await ti.lookupIocs(signins, { obsCol: "IPAddress" }));
  assert.equal(rows.length, 7);
  const hits = Object.fromEntries(rows.filter((r) => r.Result).map((r) => [r.Ioc, r.Severity]));
  assert.deepEqual(hits, { "148.251.12.164": "high", "136.55.145.135": "warning", "109.88.218.99": "information" });
});

test("lab indicators from other sections: domain, subdomain, URL (also defanged), syslog IP", async () => {
  const ti = new TILookup({ configPath: BUNDLED });
  const r = byIoc(rowsOf(await ti.lookupIocs(["wh401k.org", "ftp.wh401k.org", "http://wh401k.org/getps", "hxxp://wh401k[.]org/getps", "113.116.23.69", "example.com"])));
  assert.equal(r["wh401k.org"].Severity, "high");
  assert.equal((details(r["ftp.wh401k.org"]) as Record<string, unknown>).Match, "ftp.wh401k.org (subdomain of wh401k.org)");
  assert.equal(r["http://wh401k.org/getps"].IocType, "url");
  assert.equal(r["hxxp://wh401k[.]org/getps"].Severity, "high");
  assert.equal(r["113.116.23.69"].Severity, "high");
  assert.equal(r["example.com"].Result, false);
});

test("CSV quoting, CIDR ranges, several entries (highest severity wins), extra columns", async () => {
  const feed = feedFile(
    "feed.csv",
    [
      "observable,type,severity,description,source,first_seen,last_seen,reference,campaign",
      '203.0.113.0/24,,medium,"Range, with comma",S1,,,,',
      '203.0.113.7,ipv4,critical,"Says ""high""\nover two lines",S2,2024-01-01,2024-02-01,https://example.com/r,Op X',
      "Evil.Example.COM,domain,low,a domain,S3,,,,",
    ].join("\r\n") + "\r\n",
  );
  const ti = new TILookup({ configPath: localConfig(feed) });
  const r = byIoc(rowsOf(await ti.lookupIocs(["203.0.113.7", "203.0.113.200", "203.0.114.1", "a.evil.example.com", "EVIL.example.com"])));
  const seven = r["203.0.113.7"];
  assert.equal(seven.Severity, "high");
  const d = details(seven) as Record<string, unknown>;
  assert.equal(d.Description, 'Says "high"\nover two lines');
  assert.equal(d.campaign, "Op X");
  assert.deepEqual(d["Other Entries"], [{ Observable: "203.0.113.0/24", Severity: "warning", Description: "Range, with comma", Source: "S1" }]);
  assert.equal(seven.Reference, "https://example.com/r");
  assert.equal(JSON.parse(seven.RawResult)[0].origin, "feed.csv:3");
  assert.equal(r["203.0.113.200"].Severity, "warning");
  assert.equal((details(r["203.0.113.200"]) as Record<string, unknown>).Match, "203.0.113.200 (in 203.0.113.0/24)");
  assert.equal(r["203.0.114.1"].Result, false);
  assert.equal(r["a.evil.example.com"].Severity, "information");
  assert.equal(r["EVIL.example.com"].Result, true);
});

test("CIDR ranges of every length and kind match as before, nested ranges in the same order, and a big range feed is indexed (each range was tested for every address)", async () => {
  const lines = ["observable,severity,description", "0.0.0.0/0,low,everything", "10.1.2.3/8,medium,written with host bits", "10.1.2.0/24,high,inner", "10.1.2.3/32,high,one address", "2001:db8::/32,high,doc v6", "::ffff:192.0.2.0/120,high,mapped range"];
  for (let i = 0; i < 20_000; i++) lines.push(`172.${16 + (i >> 12)}.${(i >> 4) & 255}.${(i & 15) * 16}/28,low,r${i}`);
  const ti = new TILookup({ configPath: localConfig(feedFile("ranges.csv", lines.join("\n") + "\n")) });
  const r = byIoc(rowsOf(await ti.lookupIocs(["10.1.2.3", "10.9.9.9", "2001:db8::1", "2001:db9::1", "192.0.2.77", "172.16.0.17", "8.8.8.8"])));
  const matches = (ioc: string) => [details(r[ioc]) as Record<string, unknown>].flatMap((d) => [d.Match, ...((d["Other Entries"] as { Observable: string }[] | undefined) ?? []).map((e) => e.Observable)]);
  assert.equal(r["10.1.2.3"].Severity, "high");
  assert.deepEqual(matches("10.1.2.3").slice(1), ["10.1.2.3/32", "10.1.2.3/8", "0.0.0.0/0"], "the other entries by severity, then feed order (as before the index)");
  assert.deepEqual(matches("10.9.9.9"), ["10.9.9.9 (in 10.1.2.3/8)", "0.0.0.0/0"]);
  assert.equal(r["2001:db8::1"].Severity, "high");
  assert.equal(r["2001:db9::1"].Result, false, "an IPv6 address is in no IPv4 range, 0.0.0.0/0 included");
  assert.equal(r["192.0.2.77"].Severity, "high", "a mapped IPv6 range is its IPv4 range");
  assert.deepEqual(matches("172.16.0.17"), ["172.16.0.17 (in 0.0.0.0/0)", "172.16.0.16/28"], "equal severities: the feed's order");
  assert.deepEqual(matches("8.8.8.8"), ["8.8.8.8 (in 0.0.0.0/0)"]);
});

test("JSON and NDJSON feeds; a folder reads every feed file", async () => {
  const dir = tempDir("huntlab-feeds-");
  fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify([{ Observable: "198.18.0.1", Severity: "high", Description: "json" }]));
  fs.writeFileSync(path.join(dir, "b.ndjson"), '{"observable":"e5f1b1c2d3e4f5a6b7c8d9e0f1a2b3c4","severity":"warning"}\n\n{"observable":"mail@bad.example.com","severity":"information"}\n');
  fs.writeFileSync(path.join(dir, "notes.txt"), "ignored");
  assert.equal(readFeed(dir).length, 3);
  const ti = new TILookup({ configPath: localConfig(dir) });
  const r = byIoc(rowsOf(await ti.lookupIocs(["198.18.0.1", "E5F1B1C2D3E4F5A6B7C8D9E0F1A2B3C4", "mail@bad.example.com"])));
  assert.deepEqual(Object.values(r).map((x) => x.Severity), ["high", "warning", "information"]);
  assert.equal(r["mail@bad.example.com"].IocType, "email");
});

test("JSON and NDJSON feeds with a byte-order mark load; nested values and a __proto__ column are kept in Details", async () => {
  const dir = tempDir("huntlab-feeds-");
  // Windows PowerShell 5's Set-Content -Encoding UTF8 writes a BOM; JSON.parse refused it ("not valid JSON").
  fs.writeFileSync(path.join(dir, "a.json"), "\uFEFF" + JSON.stringify([{ observable: "198.18.0.1", severity: "high", tags: ["a", "b"], meta: { k: 1 } }]));
  fs.writeFileSync(path.join(dir, "b.ndjson"), '\uFEFF{"observable":"198.18.0.2","severity":"warning"}\n');
  fs.writeFileSync(path.join(dir, "c.csv"), "observable,severity,__proto__\n198.18.0.3,high,kept\n");
  assert.equal(readFeed(dir).length, 3);
  const ti = new TILookup({ configPath: localConfig(dir) });
  const r = byIoc(rowsOf(await ti.lookupIocs(["198.18.0.1", "198.18.0.2", "198.18.0.3"])));
  assert.deepEqual(Object.values(r).map((x) => x.Severity), ["high", "warning", "high"]);
  const first = details(r["198.18.0.1"]) as Record<string, unknown>;
  assert.equal(first.tags, '["a","b"]', "a list keeps its items");
  assert.equal(first.meta, '{"k":1}', "an object keeps its content, not [object Object]");
  assert.ok(Object.hasOwn(details(r["198.18.0.3"]) as object, "__proto__"), "a __proto__ column is kept as a column");
});

test("a bad feed is not loaded; the status names the file and line", () => {
  const cases: [string, string, RegExp, string][] = [
    ["bad-sev.csv", "observable,severity\n1.2.3.4,hihg\n", /bad-sev\.csv:2: severity "hihg" is not one of information, warning, high/, "context/feed-severity"],
    ["no-obs.csv", "value,severity\n1.2.3.4,high\n", /no-obs\.csv:2: no observable \(the feed needs an `observable` column\)/, "context/feed-no-observable"],
    ["bad-type.csv", "observable,type,severity\nwh401k.org,ipv4,high\n", /bad-type\.csv:2: "wh401k\.org" is not a recognised ipv4/, "context/feed-observable-invalid"],
    ["unknown.csv", "observable,severity\nMSTICAlertsWin1,high\n", /unknown\.csv:2: "MSTICAlertsWin1" is not a recognised indicator/, "context/feed-observable-invalid"],
    ["bad.json", "{", /bad\.json: not valid JSON/, "context/feed-syntax"],
    // A value 100,000 levels deep: JSON.parse read it, writing it as text overflowed the stack ("Not loaded: Maximum call stack size exceeded").
    ["deep.json", `[{"observable":"1.2.3.4","severity":"high","details":${"[".repeat(100_000)}${"]".repeat(100_000)}}]`, /deep\.json: a value nests arrays or objects more than 64 levels deep/, "context/feed-syntax"],
    ["deep.ndjson", `{"observable":"1.2.3.4","severity":"high"}\n{"observable":"1.2.3.5","severity":"high","details":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}\n`, /deep\.ndjson:2: a value nests arrays or objects more than 64 levels deep/, "context/feed-syntax"],
    // A feed's values are data: hidden characters as escapes, a long one cut (they were quoted as they were).
    ["hidden.json", JSON.stringify([{ observable: "evil\u202egpj.exe\u2028" + "x".repeat(1000), severity: "high" }]), /hidden\.json item 1: "evil\\u202egpj\.exe\\u2028x{100,199}…" is not a recognised indicator$/, "context/feed-observable-invalid"],
    ["hidden-sev.csv", "observable,severity\n1.2.3.4,hi\u202egh\n", /hidden-sev\.csv:2: severity "hi\\u202egh" is not one of/, "context/feed-severity"],
    // A JSON array's records are named by their place in it (JSON.parse gives no lines): it was "item-json.json:2", line 2 being the first record's.
    ["item-json.json", JSON.stringify([{ observable: "1.2.3.4", severity: "high" }, { observable: "not an ioc", severity: "high" }], null, 2), /item-json\.json item 2: "not an ioc" is not a recognised indicator/, "context/feed-observable-invalid"],
    ["quote.csv", 'observable,severity\n"1.2.3.4,high\n', /quote\.csv:2: unterminated quoted field starting on line 2/, "context/feed-syntax"],
    // Two columns of one name: the last one won silently (here a blank Severity replaced "high").
    ["twice.csv", "Observable,Severity,Description, severity\n1.2.3.4,high,seen,\n", /twice\.csv:1: the header names column "severity" twice/, "context/feed-syntax"],
  ];
  for (const [name, text, message, code] of cases) {
    const file = feedFile(name, text);
    const ti = new TILookup({ configPath: localConfig(file) });
    const [status] = ti.providerStatus;
    assert.equal(status.loaded, false, name);
    assert.match(status.detail, message, name);
    assert.throws(() => readFeed(file), { name: "FeedError", code, message }, name);
  }
  const missing = new TILookup({ configPath: localConfig("/no/such/feed.csv") });
  assert.match(missing.providerStatus[0].detail, /feed not found: \/no\/such\/feed\.csv/);
});

test("a feed file that is a named pipe is not opened; the status names the setting and the file (the open waited for a writer forever)", { skip: process.platform === "win32" }, (t) => {
  const single = tempDir("huntlab-feeds-");
  const inFolder = tempDir("huntlab-feeds-");
  fs.writeFileSync(path.join(inFolder, "a.csv"), "observable,severity\n198.18.0.1,high\n");
  if (!makeFifo(t, path.join(single, "pipe.csv"), path.join(inFolder, "b.csv"))) return;
  const configs = { single: localConfig(path.join(single, "pipe.csv")), inFolder: localConfig(inFolder) };
  // In a child with a timeout: the old read blocked in open(2), which would hang the test run.
  const got = outcomesInChild(
    `import { TILookup } from ${JSON.stringify(`${SRC_DIR}/context/tiLookup`)};\nimport { readFeed } from ${JSON.stringify(`${SRC_DIR}/context/providers/localTI`)};`,
    {
      single: `new TILookup({ configPath: ${JSON.stringify(configs.single)} }).providerStatus[0]`,
      inFolder: `new TILookup({ configPath: ${JSON.stringify(configs.inFolder)} }).providerStatus[0]`,
      readFeed: `readFeed(${JSON.stringify(inFolder)})`,
    },
  );
  const reason = "it is a named pipe (FIFO), not a regular file";
  for (const [name, file] of [["single", path.join(single, "pipe.csv")], ["inFolder", path.join(inFolder, "b.csv")]]) {
    const outcome = got[name];
    assert.ok(outcome.ok, name);
    const status = outcome.value as { loaded: boolean; detail: string };
    assert.equal(status.loaded, false, name);
    assert.equal(status.detail, `Not loaded: FeedError: TIProviders.LocalTI.Args.Path: cannot read the feed file ${file}: ${reason}`, name);
  }
  assert.deepEqual(got.readFeed, { ok: false, name: "FeedError", code: "context/feed-unreadable", message: `cannot read the feed file ${path.join(inFolder, "b.csv")}: ${reason}` });
});

test("a folder named like a feed file inside the feed folder is an error naming it, not a bare EISDIR", () => {
  const dir = tempDir("huntlab-feeds-");
  fs.writeFileSync(path.join(dir, "a.csv"), "observable,severity\n198.18.0.1,high\n");
  fs.mkdirSync(path.join(dir, "old.csv"));
  assert.throws(() => readFeed(dir, "TIProviders.LocalTI.Args.Path"), {
    name: "FeedError",
    code: "context/feed-unreadable",
    message: `TIProviders.LocalTI.Args.Path: cannot read the feed file ${path.join(dir, "old.csv")}: it is a folder, not a file`,
  });
});

test("parseCsv: quotes, escaped quotes, CRLF, blank lines, BOM", () => {
  assert.deepEqual(
    parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n1,\n').map((r) => r.fields),
    [["a", "b"], ["x, y", 'say "hi"'], ["1", ""]],
  );
});

test("a feed listing a name in Han, kana or Hangul loads, and matches the name in either form", async () => {
  // One such row ("例え.jp" is not a recognised dns) kept the whole feed from loading.
  const feed = feedFile("cjk.csv", "observable,type,severity,description\n45.83.66.10,ipv4,high,scanner\n例え.jp,dns,high,phishing\n한국.kr,,warning,look-alike\n");
  const ti = new TILookup({ configPath: localConfig(feed) });
  assert.match(ti.providerStatus[0].detail, /^Loaded \(primary\): offline; 3 indicators\.$/);
  const rows = byIoc(rowsOf(await ti.lookupIocs(["例え.jp", "XN--R8JZ45G.JP", "한국.kr", "45.83.66.10"])));
  assert.deepEqual(
    Object.values(rows).map((r) => [r.Ioc, r.IocType, r.SafeIoc, r.Result, r.Severity]),
    [
      ["例え.jp", "dns", "xn--r8jz45g.jp", true, "high"],
      ["XN--R8JZ45G.JP", "dns", "xn--r8jz45g.jp", true, "high"],
      ["한국.kr", "dns", "xn--3e0b707e.kr", true, "warning"],
      ["45.83.66.10", "ipv4", "45.83.66.10", true, "high"],
    ],
  );
});
