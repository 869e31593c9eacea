/** IoC type detection for TI lookups (values as a whole, not text extraction). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyIoc, detectIocType, nonGlobalIpReason, normalizeIocType, refang } from "../../src/context/iocType";
import { IoCExtract } from "../../src/transform/iocExtract";

test("detects each type", () => {
  const cases: [string, string][] = [
    ["131.107.147.209", "ipv4"],
    ["::1", "ipv6"],
    ["2001:4860:4860::8888", "ipv6"],
    ["[2001:db8::1]", "ipv6"],
    ["wh401k.org", "dns"],
    ["ftp.wh401k.org.", "dns"],
    ["http://wh401k.org/getps", "url"],
    ["https://example.com:8443/a?b=c#d", "url"],
    ["ftp://files.example.com/x", "url"],
    ["user@example.com", "email"],
    ["44d88612fea8a8f36de82e1278abb02f", "md5_hash"],
    ["3395856ce81f2b7382dee72602f798b642f14140", "sha1_hash"],
    ["275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", "sha256_hash"],
  ];
  for (const [value, type] of cases) assert.equal(detectIocType(value), type, value);
});

test("an internationalised name in any script is a dns observable given whole, in IDNA's ASCII form", () => {
  // Han, kana, Hangul and Thai names said "not an indicator type" (text scanning leaves those scripts out: there they
  // glue to the words around), while Greek, Arabic or Latin with accents were names.
  const cases: [string, string][] = [
    ["例え.jp", "xn--r8jz45g.jp"],
    ["中国.cn", "xn--fiqs8s.cn"],
    ["한국.kr", "xn--3e0b707e.kr"],
    ["ไทย.com", "xn--o3cw4h.com"],
    ["MAIL.例え.JP.", "mail.xn--r8jz45g.jp"],
    ["例え[.]jp", "xn--r8jz45g.jp"],
    ["ελληνικά.gr", "xn--hxargifdar.gr"],
    // IDNA's other dots part labels of a value given whole, also next to non-ASCII letters (only ASCII ones before).
    ["例え。jp", "xn--r8jz45g.jp"],
    ["пример。рф", "xn--e1afmkfd.xn--p1ai"],
    ["ｂüｃｈｅｒ．ｄｅ", "xn--bcher-kva.de"],
  ];
  for (const [value, safe] of cases) assert.deepEqual(classifyIoc(value), { ioc: value, type: "dns", safeIoc: safe }, value);
  assert.deepEqual(classifyIoc("http://пример。рф/x"), { ioc: "http://пример。рф/x", type: "url", safeIoc: "http://xn--e1afmkfd.xn--p1ai/x" });
  assert.deepEqual(classifyIoc("user@пример。рф", "email"), { ioc: "user@пример。рф", type: "email", safeIoc: "user@xn--e1afmkfd.xn--p1ai" });
  assert.equal(detectIocType("evil.com。"), "unknown", "a sentence's full stop after a name is no dot of it");
  // Only the host's wide dots are dots: a path keeps them (another URL than the one seen).
  for (const type of [undefined, "url"] as const) {
    assert.equal(classifyIoc("http://пример。рф/日本。テスト", type).safeIoc, "http://xn--e1afmkfd.xn--p1ai/%E6%97%A5%E6%9C%AC%E3%80%82%E3%83%86%E3%82%B9%E3%83%88", String(type));
  }
  // Still no name: spaces, punctuation, a made-up top-level domain.
  for (const value of ["例え .jp", "例え、.jp", "例え.jpx"]) assert.equal(detectIocType(value), "unknown", value);
});

test("rejects what is not an observable", () => {
  for (const value of ["-", "", "   ", "MSTICAlertsWin1", "1.2.3", "256.1.1.1", "01.2.3.4", "not a domain.com", "host.invalidtld", "12345", "g".repeat(32), "x@y", "http://", "C:\\Windows\\cmd.exe"]) {
    assert.equal(detectIocType(value), "unknown", JSON.stringify(value));
  }
});

test("safe forms: canonical IPs, lower-case hosts and hashes, refanged values", () => {
  assert.deepEqual(classifyIoc(" 2001:DB8:0:0::1 "), { ioc: " 2001:DB8:0:0::1 ", type: "ipv6", safeIoc: "2001:db8::1" });
  assert.equal(classifyIoc("WH401K.ORG.").safeIoc, "wh401k.org");
  assert.equal(classifyIoc("44D88612FEA8A8F36DE82E1278ABB02F").safeIoc, "44d88612fea8a8f36de82e1278abb02f");
  assert.deepEqual(classifyIoc("hxxp://wh401k[.]org/getps"), { ioc: "hxxp://wh401k[.]org/getps", type: "url", safeIoc: "http://wh401k.org/getps" });
  assert.equal(classifyIoc("113.116.23[.]69").safeIoc, "113.116.23.69");
  assert.equal(refang("hxxps://a(.)b[.]c"), "https://a.b.c");
});

test("an explicit type is checked rather than detected", () => {
  assert.deepEqual(classifyIoc("wh401k.org", "dns"), { ioc: "wh401k.org", type: "dns", safeIoc: "wh401k.org" });
  assert.deepEqual(classifyIoc("wh401k.org", "ipv4"), { ioc: "wh401k.org", type: "ipv4", safeIoc: "" });
  assert.equal(classifyIoc("44d88612fea8a8f36de82e1278abb02f", "sha256_hash").safeIoc, "");
  assert.equal(normalizeIocType("Domain"), "dns");
  assert.equal(normalizeIocType("sha256"), "sha256_hash");
  assert.equal(normalizeIocType("hash"), "file_hash"); // MSTICPy's file_hash, md5/sha1/sha256 by length
  assert.equal(normalizeIocType("hashes"), undefined);
});

test("internal addresses are named; global ones pass", () => {
  assert.equal(nonGlobalIpReason("10.0.3.4"), "a private address");
  assert.equal(nonGlobalIpReason("::1"), "a loopback address");
  assert.equal(nonGlobalIpReason("127.0.0.1"), "a loopback address");
  assert.equal(nonGlobalIpReason("169.254.1.1"), "a link-local address");
  assert.equal(nonGlobalIpReason("fd00::1"), "a unique-local (private) address");
  assert.equal(nonGlobalIpReason("::ffff:10.1.1.1"), "a private address");
  assert.equal(nonGlobalIpReason("131.107.147.209"), undefined);
  assert.equal(nonGlobalIpReason("2001:4860:4860::8888"), undefined);
});

test("classification is linear on long hostile input", () => {
  const long = "a.".repeat(50_000) + "!";
  const t0 = process.cpuUsage();
  for (const v of [long, "a".repeat(100_000), "1.".repeat(50_000), `http://${"a".repeat(100_000)}`, `${"a".repeat(60)}@`.repeat(2_000), `http://${"ｕ@".repeat(50_000)}例え.jp/`, `http://${"ｕ".repeat(100_000)}`]) classifyIoc(v);
  // A hang guard against a super-linear (backtracking) blow-up, not a speed check: ~10 ms of CPU here, quadratic
  // work on 100,000 characters takes many seconds. CPU time, so a loaded machine does not stretch it.
  const { user, system } = process.cpuUsage(t0);
  assert.ok((user + system) / 1000 < 3_000, `took ${((user + system) / 1000).toFixed(0)} ms of CPU`);
});

test("a URL or e-mail address on a Han, kana, Hangul or Thai host, given whole, is a url or email in IDNA's ASCII form, as a dns name is", () => {
  // They were "unknown" (the URL and e-mail scans end a host at those scripts), while `例え.jp` alone was dns.
  const cases = [
    ["http://例え.jp/x", "url", "http://xn--r8jz45g.jp/x"],
    ["https://例え.jp:8443/a?b=1#c", "url", "https://xn--r8jz45g.jp:8443/a?b=1#c"],
    ["http://ไทย.com", "url", "http://xn--o3cw4h.com/"],
    ["user@例え.jp", "email", "user@xn--r8jz45g.jp"],
    // With user info (it was "unknown": the host was looked for from the scheme on, and the user name was no host).
    ["http://user@例え.jp/", "url", "http://xn--r8jz45g.jp/"],
    ["https://user:pw@例え.jp:8443/x", "url", "https://xn--r8jz45g.jp:8443/x"],
    ["http://\uff55\uff53\uff45\uff52@例え.jp/x", "url", "http://xn--r8jz45g.jp/x"],
    ["http://a@b.com@한국.kr/", "url", "http://xn--3e0b707e.kr/"],
    ["hxxp://user@例え[.]jp/x", "url", "http://xn--r8jz45g.jp/x"],
    ["http://user@例え。jp/x", "url", "http://xn--r8jz45g.jp/x"],
    ["admin@한국.kr", "email", "admin@xn--3e0b707e.kr"],
  ] as const;
  for (const [value, type, safe] of cases) {
    assert.equal(detectIocType(value), type, value);
    assert.deepEqual(classifyIoc(value, type), { ioc: value, type, safeIoc: safe }, value);
    // Its A-label form is the same indicator.
    assert.equal(classifyIoc(safe, type).safeIoc, safe, safe);
  }
  // Still none: a made-up TLD, a space in the host, a single label.
  for (const value of ["user@例え.zzzz", "http://例 え.jp/x", "user@例え", "http://例え.zzzz/x", "http://us er@例え.jp/x", "http://user@例え.zzzz/x"]) assert.equal(detectIocType(value), "unknown", value);
  // IoCExtract's whole-value type agrees.
  assert.equal(new IoCExtract().getIocType("http://user@例え.jp/"), "url");
});
