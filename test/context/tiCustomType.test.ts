/**
 * One indicator model: TILookup detects types with IoCExtract's table, and a
 * custom type added with `addIocType` reaches the TI providers that declare it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { TILookup } from "../../src/context/tiLookup";
import { classifyIoc, detectIocType, normalizeIocType, refang as tiRefang } from "../../src/context/iocType";
import { refang } from "../../src/transform/defang";
import { IoCExtract } from "../../src/transform/iocExtract";
import { classifyObservable, customIocTypes, unregisterIocType } from "../../src/transform/iocPatterns";
import { byIoc, rowsOf } from "./tiHelpers";
import { tempDir, writeConfig } from "./tiTwins";

function feedFile(name: string, text: string): string {
  const file = path.join(tempDir("huntlab-feed-"), name);
  fs.writeFileSync(file, text);
  return file;
}

test("TI detection is the extractor's whole-value classification", () => {
  assert.equal(tiRefang, refang, "one refang");
  const iocs = new IoCExtract();
  const values = [
    "131.107.147.209", "::1", "2001:4860:4860::8888", "wh401k.org", "EVIL.example.COM", "http://wh401k.org/getps",
    "hxxp://wh401k[.]org/getps", "user@example.com", "44d88612fea8a8f36de82e1278abb02f",
    "3395856ce81f2b7382dee72602f798b642f14140", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
    "cmd.exe", "host.local", "not a domain.com", "_dmarc.example.com", "01.2.3.4", "x@y", "-",
  ];
  for (const value of values) {
    const type = detectIocType(value);
    assert.equal(type, iocs.getIocType(value), value);
    assert.equal(type, classifyObservable(value) ?? "unknown", value);
    // What TI calls type T, extraction reports as T.
    if (type !== "unknown") assert.ok(iocs.extractText(value)[type]?.includes(refang(value.trim())), value);
  }
});

test("a custom type added with addIocType is detected, and looked up by the providers that declare it", async (t) => {
  const cveFeed = feedFile(
    "cves.csv",
    ["observable,type,severity,description", "CVE-2021-44228,cve,high,Log4Shell", "CVE-2014-0160,,warning,Heartbleed (type detected)", "wh401k.org,dns,high,payload host"].join("\n") + "\n",
  );
  const plainFeed = feedFile("plain.csv", "observable,severity\nwh401k.org,information\n");
  const configPath = writeConfig(tempDir(), {
    CveFeed: { Provider: "LocalTI", Args: { Path: cveFeed } },
    Plain: { Provider: "LocalTI", Args: { Path: plainFeed } },
  });

  // Not registered yet: the feed's `cve` type is unknown, and so are the values.
  const before = new TILookup({ configPath });
  assert.match(before.providerStatus.find((s) => s.name === "CveFeed")?.detail ?? "", /unknown type "cve"/);
  assert.equal(detectIocType("CVE-2021-44228"), "unknown");

  const iocs = new IoCExtract();
  iocs.addIocType("cve", String.raw`CVE-\d{4}-\d{4,}`, 0);
  t.after(() => unregisterIocType("cve"));
  assert.deepEqual(customIocTypes().map((d) => d.name), ["cve"]);
  assert.deepEqual(iocs.extractText("patch CVE-2021-44228 on wh401k.org").cve, ["CVE-2021-44228"]);
  assert.equal(detectIocType(" CVE-2021-44228 "), "cve");
  assert.equal(normalizeIocType("CVE"), "cve");
  assert.deepEqual(classifyIoc("CVE-2014-0160"), { ioc: "CVE-2014-0160", type: "cve", safeIoc: "CVE-2014-0160" });
  assert.equal(classifyIoc("wh401k.org", "cve").safeIoc, "");

  const ti = new TILookup({ configPath });
  assert.ok(ti.loadedProviders.CveFeed.supports("cve"), "the feed that lists cve declares it");
  assert.ok(!ti.loadedProviders.Plain.supports("cve"));
  const rows = rowsOf(await ti.lookupIocs(["CVE-2021-44228", "CVE-2014-0160", "CVE-1999-0001", "wh401k.org"], { provScope: "all" }));
  const cve = byIoc(rows.filter((r) => r.Provider === "CveFeed"));
  const plain = byIoc(rows.filter((r) => r.Provider === "Plain"));
  assert.deepEqual(
    ["CVE-2021-44228", "CVE-2014-0160", "CVE-1999-0001", "wh401k.org"].map((v) => [v, cve[v].IocType, cve[v].SafeIoc, cve[v].Result, cve[v].Severity, cve[v].Status]),
    [
      ["CVE-2021-44228", "cve", "CVE-2021-44228", true, "high", 0],
      ["CVE-2014-0160", "cve", "CVE-2014-0160", true, "warning", 0],
      ["CVE-1999-0001", "cve", "CVE-1999-0001", false, "information", 0],
      ["wh401k.org", "dns", "wh401k.org", true, "high", 0],
    ],
  );
  assert.deepEqual([plain["CVE-2021-44228"].IocType, plain["CVE-2021-44228"].Status], ["cve", 1]);
  assert.match(plain["CVE-2021-44228"].Details, /Plain does not look up cve/);
  assert.equal(plain["wh401k.org"].Result, true);
});

test("custom types rank by priority against the built-ins, as in extraction", (t) => {
  const low = new IoCExtract();
  low.addIocType("corp_host", /[a-z]+\.com/, 5);
  t.after(() => unregisterIocType("corp_host"));
  assert.equal(detectIocType("example.com"), "dns", "dns (2) outranks priority 5");
  assert.equal(low.getIocType("example.com"), "dns");
  const high = new IoCExtract();
  high.addIocType("corp_host", /[a-z]+\.com/, 0); // the latest definition of a name wins
  assert.equal(detectIocType("example.com"), "corp_host");
  assert.equal(high.getIocType("example.com"), "corp_host");
  // Built-in names are never replaced for detection: a redefinition is the instance's own.
  const odd = new IoCExtract();
  odd.addIocType("dns", /zzz/, 0);
  assert.equal(odd.getIocType("zzz"), "dns");
  unregisterIocType("corp_host");
  assert.equal(detectIocType("example.com"), "dns");
  assert.equal(detectIocType("zzz"), "unknown");
});
