/**
 * No configured key ever shows: services that echo the key back (in bodies,
 * errors, redirects), a BaseUrl carrying it, every output the lab shows
 * (result frame, status, browser, progress, inspect, errors, cache files).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { TILookup } from "../../src/context/tiLookup";
import { TIProgress } from "../../src/context/tiProgress";
import { loadConfig } from "../../src/config/config";
import { browseResults } from "../../src/vis/tiBrowser";
import { toMimeBundle } from "../../src/display/display";
import { details, harness, rowsOf } from "./tiHelpers";
import { FAKE_ID, FAKE_KEY, startTwin, tempDir, writeConfig, type Handler } from "./tiTwins";
import { virusTotal } from "./tiServices";
import { HIDDEN_USER_INFO as HIDDEN, hideUrlUserInfo } from "../../src/common/urlUserInfo";

/** Every form of the secrets that must not appear. */
const FORBIDDEN = [
  FAKE_KEY,
  FAKE_ID,
  encodeURIComponent(FAKE_KEY),
  Buffer.from(FAKE_KEY).toString("base64").replace(/=+$/, ""),
  Buffer.from(`${FAKE_ID}:${FAKE_KEY}`).toString("base64").replace(/=+$/, ""),
];

function assertNoSecret(what: string, text: string): void {
  for (const secret of FORBIDDEN) assert.ok(!text.includes(secret), `${what} contains a secret form: …${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret) + 60)}…`);
}

/** Echoes everything it received, key included, with a status chosen by the IP. */
const echo: Handler = (req) => {
  const seen = { path: req.path, query: req.url.search, headers: req.headers, note: `your key is ${String(req.headers.key ?? req.headers["x-apikey"] ?? "")}` };
  if (req.path.includes("5.5.5.50")) return { status: 500, text: `failure for key=${JSON.stringify(req.headers)}` };
  if (req.path.includes("5.5.5.1")) return { status: 401, json: { error: `bad key ${JSON.stringify(req.headers)}` } };
  if (req.path.includes("5.5.5.77")) return { status: 200, text: `not json ${JSON.stringify(req.headers)}` };
  if (req.path.endsWith("torbulkexitlist")) return { text: `45.83.66.10\n# ${JSON.stringify(req.headers)}\n` };
  return { status: 200, json: { data: { id: "x", type: "ip_address", attributes: { tags: [JSON.stringify(seen)] } }, classification: "malicious", message: JSON.stringify(seen), pulse_info: { count: 2, pulses: [{ name: JSON.stringify(seen) }] }, score: 9, ...seen } };
};

test("nothing shown by a lookup session contains a configured key", async () => {
  const twin = await startTwin(echo);
  const cacheDir = tempDir();
  process.env.HL_MASK_TEST_KEY = FAKE_KEY;
  try {
    // The key also sits in a BaseUrl path (a proxy with the key in its URL).
    const base = `${twin.url}/proxy/${FAKE_KEY}`;
    // A generous timeout: a timeout row instead of the echoed answer would hide what is tested (masking).
    const common = { Primary: true, Retries: 0, TimeoutSeconds: 30, Cache: { Path: cacheDir } };
    const configPath = writeConfig(tempDir(), {
      GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: { EnvironmentVar: "HL_MASK_TEST_KEY" } }, BaseUrl: base, ...common },
      VirusTotal: { Provider: "VirusTotal", Args: { AuthKey: FAKE_KEY }, BaseUrl: base, ...common },
      OTX: { Provider: "OTX", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, ...common },
      XForce: { Provider: "XForce", Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY }, BaseUrl: twin.url, ...common },
      AbuseIPDB: { Provider: "AbuseIPDB", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, ...common },
      OPR: { Provider: "OPR", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, ...common },
      Tor: { Provider: "Tor", BaseUrl: base, ...common },
      LocalTI: { Provider: "LocalTI", Primary: true },
      Broken: { Provider: "GreyNoize", Args: { AuthKey: FAKE_KEY } },
    });
    const ti = new TILookup({ configPath });
    const outputs: [string, string][] = [];
    const values = ["45.83.66.10", "5.5.5.50", "5.5.5.1", "5.5.5.77", "wh401k.org", "http://wh401k.org/getps", "44d88612fea8a8f36de82e1278abb02f", FAKE_KEY];
    const results = await ti.lookupIocs(values, { provScope: "all" });
    const rows = rowsOf(results);
    assert.ok(rows.length >= values.length * 7);
    // The services did get the key (so the masking is what hides it).
    assert.ok(twin.requests.some((r) => r.headers.key === FAKE_KEY));
    outputs.push(["results", JSON.stringify(rows)]);
    outputs.push(["results table", String(toMimeBundle(results)["text/html"])]);
    outputs.push(["status", JSON.stringify(ti.providerStatus)]);
    outputs.push(["status text", ti.statusText()]);
    outputs.push(["display(ti)", JSON.stringify(toMimeBundle(ti))]);
    outputs.push(["inspect(ti)", inspect(ti, { depth: 5 })]);
    outputs.push(["inspect(loadedProviders)", inspect(ti.loadedProviders, { depth: 5 })]);
    const browser = browseResults(results, { severities: "all" });
    outputs.push(["browser", JSON.stringify(toMimeBundle(browser))]);
    const progress = new TIProgress([{ name: "GreyNoise", total: 1 }], 1, false);
    outputs.push(["progress", JSON.stringify(toMimeBundle(progress))]);
    outputs.push(["config", inspect(loadConfig(configPath), { depth: 10 }) + JSON.stringify(loadConfig(configPath))]);
    for (const name of fs.readdirSync(cacheDir)) outputs.push([`cache ${name}`, fs.readFileSync(path.join(cacheDir, name), "utf8")]);
    for (const call of [() => ti.lookupIoc("1.2.3.4", { providers: ["Broken"] }), () => ti.lookupIoc("1.2.3.4", { providers: [FAKE_KEY] })]) {
      await call().then(
        () => assert.fail("expected an error"),
        (err: Error) => outputs.push(["error", `${err.message}\n${err.stack ?? ""}`]),
      );
    }
    for (const [what, text] of outputs) assertNoSecret(what, text);
    // The masks are visible where the key would have been.
    assert.ok(rows.some((r) => r.Reference.includes("/proxy/****/")));
    assert.ok(rows.some((r) => r.Details.includes("****") || r.RawResult.includes("****")));
  } finally {
    delete process.env.HL_MASK_TEST_KEY;
    await twin.close();
  }
});

test("a key echoed HTML-escaped or in another letter case never shows", async () => {
  const key = `hl-Html"Key<7f3c>&'9a2e`;
  const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  const forms = [html(key), html(key).toUpperCase(), key.toUpperCase(), key.toLowerCase(), html(key.toLowerCase()).replace(/&#39;/g, "&#x27;")];
  const echoes: Handler = (req) => {
    const sent = String(req.headers.key ?? "");
    if (req.path.endsWith("/5.5.5.50")) return { status: 500, text: `<html><body><p>Invalid key ${html(sent)}</p><p>KEY: ${html(sent).toUpperCase()}</p></body></html>` };
    if (req.path.endsWith("/5.5.5.1")) return { status: 401, json: { error: `unknown key ${sent.toUpperCase()} (${sent.toLowerCase()})` } };
    return { status: 200, json: { ip: req.path.split("/").pop(), classification: "malicious", noise: true, riot: false, name: html(sent), message: `${html(key.toLowerCase()).replace(/&#39;/g, "&#x27;")} ok`, last_seen: "2024-05-01" } };
  };
  const h = await harness("GreyNoise", echoes, { Args: { AuthKey: key }, Retries: 0 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(["5.5.5.50", "5.5.5.1", "45.83.66.10"]));
    assert.equal(h.twin.requests[0].headers.key, key, "the service got the key");
    // Every string of the rows, JSON cells decoded (the key's `"` would be `\"` in JSON text).
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === "string") {
        strings.push(v);
        if (/^[[{]/.test(v)) {
          try {
            collect(JSON.parse(v));
          } catch {
            // not JSON: kept as text
          }
        }
      } else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          collect(k);
          collect(x);
        }
      }
    };
    collect(rows);
    const text = strings.join("\n");
    assert.ok(text.includes("Invalid key"), "the echoes reached the rows");
    for (const form of forms) assert.ok(!text.includes(form), `a form of the key shows: ${form}`);
    assert.ok(!text.toLowerCase().includes(key.toLowerCase()));
    for (const row of rows) assert.ok(row.Details.includes("****") || row.RawResult.includes("****"), row.Ioc);
  } finally {
    await h.close();
  }
});

test("a __proto__ key in a TI answer stays an own data key of RawResult, masked, and pollutes nothing", async () => {
  // As text: a `__proto__` in an object literal would set the prototype instead of writing the key.
  const answer = `{"ip":"45.83.66.10","classification":"malicious","noise":true,"__proto__":{"classification":"benign","polluted":"yes","note":"key ${FAKE_KEY}"},"constructor":{"prototype":{"polluted":"yes"}}}`;
  const h = await harness("GreyNoise", () => ({ status: 200, text: answer, headers: { "content-type": "application/json" } }), { Retries: 0 });
  try {
    const [row] = rowsOf(await h.ti.lookupIocs(["45.83.66.10"]));
    assert.equal(row.Status, 0, row.Details);
    assert.equal((details(row) as Record<string, unknown>).Classification, "malicious", "the answer's own classification, not the __proto__ one");
    const raw = JSON.parse(row.RawResult) as Record<string, unknown>;
    assert.ok(Object.hasOwn(raw, "__proto__"), `__proto__ kept as data: ${row.RawResult}`);
    assert.deepEqual(raw["__proto__"], { classification: "benign", polluted: "yes", note: "key ****" });
    assert.ok(!row.RawResult.includes(FAKE_KEY));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
  } finally {
    await h.close();
  }
});

// A URL captured with its user info (`http://admin:pw@host/x`, a token as user name) carries a victim's secret.
// It was never sent nor cached (the looked-up form drops it), but the results echoed it: the Ioc column, the
// "not a valid url" and "not an indicator type" Details, and so the browser and the printed frame.
test("a URL's user name and password never show in the results, the browser or the cache", async () => {
  const cacheDir = tempDir();
  const h = await harness("VirusTotal", virusTotal, { Cache: { Path: cacheDir } });
  try {
    const values = [
      "https://admin:S3cretPW@wh401k.org/getps",
      "http://ghp_T0kenAsUserName@wh401k.org/getps",
      "http://admin:S3cretPW@evil .com/x",
      "hxxp://admin:S3cretPW@wh401k[.]org/getps",
      "http://admin:S3cretPW@intranet/x",
      "http://admin:p@S3cretPW@wh401k.org/x",
      // Defanged separators (refanged before the lookup, so the URL had its user info all the same).
      "hxxp[:]//admin:S3cretPW@wh401k[.]org/a",
      "hxxps:[//]admin:S3cretPW@wh401k[.]org/b",
      "http://admin:S3cretPW[at]wh401k[.]org/c",
      "hxxp[://]admin:S3cretPW(@)wh401k[.]org/d",
    ];
    const results = await h.ti.lookupIocs(values);
    const typed = await h.ti.lookupIocs(["http://admin:S3cretPW@evil .com/x"], { iocType: "url" });
    const rows = [...rowsOf(results), ...rowsOf(typed)];
    const shown: [string, string][] = [
      ["results", JSON.stringify(rows)],
      ["results table", String(toMimeBundle(results)["text/html"])],
      ["browser", JSON.stringify(toMimeBundle(browseResults(results, { severities: "all" })))],
      ["requests", JSON.stringify(h.twin.requests.map((r) => r.url.href))],
    ];
    for (const name of fs.readdirSync(cacheDir)) shown.push([`cache ${name}`, fs.readFileSync(path.join(cacheDir, name), "utf8")]);
    for (const [what, text] of shown) {
      for (const secret of ["S3cretPW", "ghp_T0kenAsUserName", "admin:"]) assert.ok(!text.includes(secret), `${what} shows ${secret}`);
    }
    // Each row says where the user info was, and what was looked up.
    const ioc = rows.map((r) => r.Ioc);
    assert.ok(ioc.includes("https://***@wh401k.org/getps"), ioc.join(" "));
    assert.ok(ioc.includes("http://***@evil .com/x"), ioc.join(" "));
    assert.ok(rows.some((r) => r.Details === '"http://***@evil .com/x" is not a valid url.'), rows.map((r) => r.Details).join("\n"));
    const url = rows.find((r) => r.Ioc === "https://***@wh401k.org/getps");
    assert.deepEqual([url?.SafeIoc, url?.Status], ["https://wh401k.org/getps", 404]);
  } finally {
    await h.close();
  }
});

test("hideUrlUserInfo: every URL's user info in a text, to the last @ of the authority; other text as written; linear", () => {
  assert.equal(hideUrlUserInfo("see http://a:b@h.example/x and ftp://u@10.0.0.5:21/y"), "see http://***@h.example/x and ftp://***@10.0.0.5:21/y");
  assert.equal(hideUrlUserInfo("http://a:p@ss@h.example/x?q=a@b#c@d"), "http://***@h.example/x?q=a@b#c@d");
  assert.equal(hideUrlUserInfo("http://h.example/path@x user@example.com"), "http://h.example/path@x user@example.com");
  assert.equal(hideUrlUserInfo("http://a:b@h.example\\x"), "http://***@h.example\\x");
  assert.equal(hideUrlUserInfo("http://@h.example/"), "http://***@h.example/");
  assert.equal(hideUrlUserInfo("no url @ all :// here"), "no url @ all :// here");
  // Defanged separators and @ (refang reads each as a URL with its user info), written as they were around the mark.
  assert.equal(hideUrlUserInfo("hxxp[:]//a:b@h[.]example/x hxxps:[//]a:b(at)h/ sfxp[://]a:b{ @ }h"), "hxxp[:]//***@h[.]example/x hxxps:[//]***(at)h/ sfxp[://]***{ @ }h");
  assert.equal(hideUrlUserInfo("http://cat.example/at@x hxxp[:]//h.example"), "http://cat.example/at@x hxxp[:]//h.example");
  // Many `://` after one `@`: one pass (a search back to the `@` from each made this quadratic).
  const hostile = `@${"://x".repeat(200_000)}`;
  const defanged = `[at]${"[:]//x".repeat(100_000)}${"x[at]".repeat(100_000)}`;
  const before = process.cpuUsage();
  assert.equal(hideUrlUserInfo(hostile), hostile);
  assert.ok(hideUrlUserInfo(defanged).endsWith(`[:]//x[:]//${HIDDEN}[at]`));
  const used = process.cpuUsage(before);
  assert.ok((used.user + used.system) / 1000 < 2000, `${(used.user + used.system) / 1000} ms of CPU`);
});
