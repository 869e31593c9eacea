/**
 * Keys stay out of every object a session can print or serialise (TILookup,
 * providers, spread copies, the masker itself, cache files, errors), and out
 * of every output when a service echoes them back escaped or encoded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { TILookup } from "../../src/context/tiLookup";
import { toMimeBundle } from "../../src/display/display";
import { browseResults } from "../../src/vis/tiBrowser";
import { rowsOf } from "./tiHelpers";
import { startTwin, tempDir, writeConfig, type Handler } from "./tiTwins";

/** A key that is also a valid SHA-256: looking it up must not store it in the cache file either. */
const HEX_KEY = "3f9a1c0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0aa11";

/** The forms of `key` that give it away. */
function forms(key: string): string[] {
  const b64 = Buffer.from(key).toString("base64").replace(/=+$/, "");
  return [key, encodeURIComponent(key), b64, b64.replace(/\+/g, "-").replace(/\//g, "_")];
}

function assertHidden(what: string, text: string, key: string): void {
  for (const form of forms(key)) {
    const at = text.indexOf(form);
    assert.ok(at < 0, `${what} holds the key (${form}): …${text.slice(Math.max(0, at - 80), at + form.length + 40)}…`);
  }
}

/**
 * Every string reachable through enumerable properties (own keys, for-in,
 * Map and Set entries, array items), keys included: what a generic dumper or
 * a deep copy would see.
 */
function reachableStrings(root: unknown, limit = 200_000): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length && seen.size < limit) {
    const value = stack.pop();
    if (typeof value === "string") {
      out.push(value);
      continue;
    }
    if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) for (const [k, v] of value) stack.push(k, v);
    if (value instanceof Set) for (const v of value) stack.push(v);
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      out.push(key);
      stack.push(obj[key]);
    }
    for (const key in obj) {
      out.push(key);
      stack.push(obj[key]);
    }
  }
  return out;
}

/** Answers every request found (GreyNoise and OTX shapes, the Tor list), echoing the key it was sent. */
const echoKey: Handler = (req) => {
  // The Tor list, echoing the path it was fetched from (the key sits in that BaseUrl).
  if (req.path.endsWith("/torbulkexitlist")) return { text: `45.83.66.10\n# fetched from ${req.path}\n` };
  const key = String(req.headers.key ?? req.headers["x-otx-api-key"] ?? "");
  const value = req.path.split("/").filter(Boolean).at(req.path.startsWith("/v3/") ? -1 : -2) ?? "";
  return { json: { ip: value, noise: true, riot: false, classification: "malicious", message: `key ${key}`, pulse_info: { count: 1, pulses: [{ name: `seen with ${key}` }] } } };
};

test("no enumerable, printable or serialisable path of a TILookup, its providers or copies holds a key", async () => {
  const twin = await startTwin(echoKey);
  const cacheDir = tempDir();
  process.env.HL_SECRETS_TEST_KEY = HEX_KEY;
  try {
    const configPath = writeConfig(tempDir(), {
      GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: { EnvironmentVar: "HL_SECRETS_TEST_KEY" } }, BaseUrl: twin.url, Retries: 0, Cache: { Path: cacheDir } },
      OTX: { Provider: "OTX", Args: { AuthKey: { EnvironmentVar: "HL_SECRETS_TEST_KEY" } }, BaseUrl: twin.url, Retries: 0, Cache: { Path: cacheDir } },
      // A proxy with the key in its path: the provider keeps the list URL and writes the list to disk.
      Tor: { Provider: "Tor", BaseUrl: `${twin.url}/proxy/${HEX_KEY}`, Retries: 0, Cache: { Path: cacheDir } },
    });
    const ti = new TILookup({ configPath });
    // The key itself as an observable (a valid SHA-256): its cache entry must not hold it.
    await ti.lookupIocs(["45.83.66.10", "8.8.8.8", HEX_KEY], { provScope: "all" });
    assert.ok(twin.requests.some((r) => r.headers.key === HEX_KEY), "the service got the key");
    assert.ok(twin.requests.some((r) => r.path.includes(HEX_KEY)), "the key was looked up as a hash");

    const providers = Object.values(ti.loadedProviders);
    assert.equal(providers.length, 3);
    assert.ok(twin.requests.some((r) => r.path.includes(`/proxy/${HEX_KEY}/torbulkexitlist`)), "the Tor list was fetched through the keyed proxy");
    const texts: [string, string][] = [
      ["JSON.stringify(ti)", JSON.stringify(ti)],
      ["JSON.stringify(loadedProviders)", JSON.stringify(ti.loadedProviders)],
      ["JSON.stringify({...ti})", JSON.stringify({ ...ti })],
      ["inspect(ti)", inspect(ti, { depth: Infinity, showHidden: true })],
      ["inspect({...ti})", inspect({ ...ti }, { depth: Infinity, showHidden: true })],
      ["inspect(loadedProviders)", inspect(ti.loadedProviders, { depth: Infinity, showHidden: true })],
      ["reachable(ti)", reachableStrings(ti).join("\n")],
      ["reachable({...ti})", reachableStrings({ ...ti }).join("\n")],
    ];
    for (const p of providers) {
      const copy = { ...p };
      texts.push([`JSON.stringify(${p.name})`, JSON.stringify(p)]);
      texts.push([`JSON.stringify({...${p.name}})`, JSON.stringify(copy)]);
      texts.push([`inspect(${p.name})`, inspect(p, { depth: Infinity, showHidden: true })]);
      texts.push([`inspect({...${p.name}})`, inspect(copy, { depth: Infinity, showHidden: true })]);
      texts.push([`reachable(${p.name})`, reachableStrings(p).join("\n")]);
      texts.push([`reachable({...${p.name}})`, reachableStrings(copy).join("\n")]);
      texts.push([`entries({...${p.name}})`, Object.entries(copy).map(([k, v]) => `${k}=${String(v)}`).join("\n")]);
      // structuredClone copies own enumerable data: it must either refuse or hold no key.
      let cloned = "";
      try {
        cloned = reachableStrings(structuredClone(copy)).join("\n");
      } catch (err) {
        assert.equal((err as Error).name, "DataCloneError");
      }
      texts.push([`structuredClone({...${p.name}})`, cloned]);
    }
    for (const name of fs.readdirSync(cacheDir)) texts.push([`cache file ${name}`, fs.readFileSync(path.join(cacheDir, name), "utf8")]);
    assert.ok(fs.readdirSync(cacheDir).length > 0, "the disk cache was written");
    for (const call of [() => ti.lookupIoc("1.2.3.4", { providers: [HEX_KEY] }), () => ti.lookupIoc("1.2.3.4", { providers: ["OTX", `x${HEX_KEY}`] })]) {
      await call().then(
        () => assert.fail("expected an error"),
        (err: Error) => texts.push(["error", `${err.message}\n${err.stack ?? ""}\n${inspect(err, { showHidden: true, depth: Infinity })}`]),
      );
    }
    for (const [what, text] of texts) assertHidden(what, text, HEX_KEY);
    // What they do print instead.
    assert.match(JSON.stringify(ti), /GreyNoise/);
    assert.match(JSON.stringify(providers[0]), /GreyNoise/);
    for (const p of providers) p.close();
  } finally {
    delete process.env.HL_SECRETS_TEST_KEY;
    await twin.close();
  }
});

/** A key with the characters JSON and URLs escape. */
const KEY = "sk/AbC+def=ghi123XYZ";
const B64 = Buffer.from(KEY).toString("base64").replace(/=+$/, "");
const B64URL = B64.replace(/\+/g, "-").replace(/\//g, "_");

/** Echoes the key escaped or encoded, by looked-up address. */
const escapedEcho: Handler = (req) => {
  const ip = req.path.split("/").pop() ?? "";
  switch (ip) {
    case "5.5.5.50":
      return { status: 500, text: `{"msg":"bad key sk\\/AbC+def=ghi123XYZ"}` };
    case "5.5.5.51":
      return { status: 500, text: `{"msg":"bad key \\u0073k\\u002FAbC\\u002bdef\\u003Dghi123XYZ"}` };
    case "5.5.5.77":
      return { status: 200, text: `not json: key=sk%2fAbC%2bdef%3dghi123XYZ` };
    case "5.5.5.30":
      return { status: 302, headers: { Location: `https://elsewhere.example/cb?key=sk%2fAbC%2bdef%3dghi123XYZ&b=${B64URL}` }, text: "" };
    case "5.5.5.64":
      return { status: 500, text: `{"basic":"${B64.replace(/\//g, "\\/")}","url":"${B64URL}"}` };
    default:
      return { status: 200, json: { ip, noise: true, riot: false, classification: "benign", message: `ok ${KEY}` } };
  }
};

test("keys a service echoes JSON-escaped, \\u-escaped, %-encoded (any case) or in base64/base64url are masked everywhere", async () => {
  const twin = await startTwin(escapedEcho);
  try {
    const configPath = writeConfig(tempDir(), {
      GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: KEY }, BaseUrl: twin.url, Retries: 0, TimeoutSeconds: 30 },
    });
    const ti = new TILookup({ configPath });
    const values = ["5.5.5.50", "5.5.5.51", "5.5.5.77", "5.5.5.30", "5.5.5.64", "45.83.66.10"];
    const results = await ti.lookupIocs(values);
    const rows = rowsOf(results);
    assert.equal(rows.length, values.length);
    const outputs: [string, string][] = [
      ["rows", JSON.stringify(rows)],
      ["table", String(toMimeBundle(results)["text/html"])],
      ["browser", JSON.stringify(toMimeBundle(browseResults(results, { severities: "all" })))],
    ];
    for (const [what, text] of outputs) {
      // "ghi123XYZ" is the tail every non-base64 form keeps in clear.
      assert.ok(!text.includes("ghi123XYZ"), `${what} shows the key: …${text.slice(Math.max(0, text.indexOf("ghi123XYZ") - 80), text.indexOf("ghi123XYZ") + 20)}…`);
      for (const form of [B64, B64URL, B64.replace(/\//g, "\\/")]) assert.ok(!text.includes(form), `${what} shows the key in base64: ${form}`);
    }
    const byIp = Object.fromEntries(rows.map((r) => [r.Ioc, r]));
    assert.match(byIp["5.5.5.50"].Details, /HTTP 500.*bad key \*\*\*\*/);
    assert.match(byIp["5.5.5.51"].Details, /HTTP 500.*bad key \*\*\*\*/);
    assert.match(byIp["5.5.5.77"].Details, /not valid JSON: not json: key=\*\*\*\*/);
    assert.match(byIp["5.5.5.30"].Details, /redirect to https:\/\/elsewhere\.example\/cb\?key=\*\*\*\*&b=\*\*\*\*/);
    for (const p of Object.values(ti.loadedProviders)) p.close();
  } finally {
    await twin.close();
  }
});
