/**
 * The looked-up form of observables written in the shapes logs record them:
 * IPv4-mapped IPv6 (Windows 4624/4625), IPv6 zone ids, mixed-case e-mail
 * addresses, URL hosts with a root dot, MSTICPy's `file_hash` type. Each is
 * checked on classifyIoc, on LocalTI (exact and CIDR matching) and on what an
 * online provider's twin receives; the Ioc column keeps the value as given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import pl from "nodejs-polars";
import path from "node:path";
import { classifyIoc, detectIocType, internalUrlReason, normalizeIocType, parseIpRange } from "../../src/context/iocType";
import { readFeed } from "../../src/context/providers/localTI";
import { TILookup } from "../../src/context/tiLookup";
import { IoCExtract } from "../../src/transform/iocExtract";
import { unregisterIocType } from "../../src/transform/iocPatterns";
import { byIoc, details, harness, rowsOf } from "./tiHelpers";
import * as svc from "./tiServices";
import { tempDir, writeConfig } from "./tiTwins";

const MD5 = "44d88612fea8a8f36de82e1278abb02f";
const SHA1 = "3395856ce81f2b7382dee72602f798b642f14140";
const SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

function feedCsv(feedText: string): string {
  const feed = path.join(tempDir("huntlab-feed-"), "feed.csv");
  fs.writeFileSync(feed, feedText);
  return feed;
}

function localTI(feedText: string): TILookup {
  const feed = feedCsv(feedText);
  return new TILookup({ configPath: writeConfig(tempDir(), { LocalTI: { Provider: "LocalTI", Primary: true, Args: { Path: feed } } }) });
}

test("IPv4-mapped IPv6 addresses are looked up as their IPv4 address, in every notation", () => {
  for (const value of ["::ffff:45.83.66.10", "::FFFF:45.83.66.10", "::ffff:2d53:420a", "0:0:0:0:0:ffff:45.83.66.10", "0000:0000:0000:0000:0000:FFFF:2D53:420A", "[::ffff:45.83.66.10]", " ::ffff:45.83.66.10 "]) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "ipv4", safeIoc: "45.83.66.10" }, value);
    assert.equal(detectIocType(value), "ipv4", value);
    // An explicit type of either family names the same indicator.
    assert.deepEqual(classifyIoc(value, "ipv4"), { ioc: value, type: "ipv4", safeIoc: "45.83.66.10" }, value);
    assert.deepEqual(classifyIoc(value, "ipv6"), { ioc: value, type: "ipv4", safeIoc: "45.83.66.10" }, value);
  }
  // Only IPv4-mapped: IPv4-compatible (::a.b.c.d, deprecated), IPv4-translated and NAT64 forms stay IPv6, in their own canonical form.
  assert.deepEqual(classifyIoc("::45.83.66.10"), { ioc: "::45.83.66.10", type: "ipv6", safeIoc: "::2d53:420a" });
  assert.equal(classifyIoc("::45.83.66.10", "ipv4").safeIoc, "");
  assert.deepEqual(classifyIoc("::ffff:0:45.83.66.10"), { ioc: "::ffff:0:45.83.66.10", type: "ipv6", safeIoc: "::ffff:0:2d53:420a" });
  assert.deepEqual(classifyIoc("64:ff9b::45.83.66.10"), { ioc: "64:ff9b::45.83.66.10", type: "ipv6", safeIoc: "64:ff9b::2d53:420a" });
  assert.deepEqual(classifyIoc("::ffff"), { ioc: "::ffff", type: "ipv6", safeIoc: "::ffff" });
});

test("IPv6 zone ids are not part of the looked-up address", () => {
  for (const [value, safe] of [
    ["2001:4860:4860::8888%eth0", "2001:4860:4860::8888"],
    ["2001:4860:4860:0:0:0:0:8888%12", "2001:4860:4860::8888"],
    ["[2001:db8::1%25en0]", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::ffff:45.83.66.10%eth0", "45.83.66.10"],
  ]) {
    const c = classifyIoc(value);
    assert.equal(c.safeIoc, safe, value);
    assert.equal(c.ioc, value);
    assert.ok(!c.safeIoc.includes("%"), value);
  }
  assert.equal(classifyIoc("2001:4860:4860::8888%eth0", "ipv6").safeIoc, "2001:4860:4860::8888");
});

test("e-mail addresses are looked up lower-cased whole, local part included", () => {
  for (const value of ["USER@Example.com", "User@EXAMPLE.COM", "user@example.com", " uSeR@eXaMpLe.CoM "]) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "email", safeIoc: "user@example.com" }, value);
    assert.equal(classifyIoc(value, "email").safeIoc, "user@example.com", value);
  }
  assert.equal(classifyIoc("First.Last+Tag@Mail.Example.org").safeIoc, "first.last+tag@mail.example.org");
});

// An address typed with an IME in full-width mode (ｕｓｅｒ．ｎａｍｅ@example.com): its domain was already looked up as
// example.com (IDNA maps full-width forms), its local part was kept full-width, and with a full-width dot or plus it
// was no e-mail at all ("bad format" typed, "not an indicator type" detected). The local part is now NFKC, as the host.
test("a full-width local part is looked up in NFKC, as a full-width domain is in IDNA's ASCII form", () => {
  const cases: [string, string][] = [
    ["\uff55\uff53\uff45\uff52@example.com", "user@example.com"],
    ["\uff35\uff33\uff25\uff32@EXAMPLE.com", "user@example.com"],
    ["\uff55\uff53\uff45\uff52\uff0e\uff4e\uff41\uff4d\uff45@example.com", "user.name@example.com"],
    ["\uff46\uff49\uff52\uff53\uff54\uff0b\uff54\uff41\uff47@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "first+tag@example.com"],
    ["\uff11\uff12\uff13_x@example.com", "123_x@example.com"],
  ];
  for (const [value, safe] of cases) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "email", safeIoc: safe }, value);
    assert.equal(classifyIoc(value, "email").safeIoc, safe, value);
  }
  // Letters of other scripts are themselves (NFKC leaves them); what NFKC would make no local part stays none.
  assert.equal(classifyIoc("\u0438\u0432\u0430\u043d@example.com").safeIoc, "\u0438\u0432\u0430\u043d@example.com");
  for (const value of ["\uff0e\uff55\uff53\uff45\uff52@example.com", "\uff55\uff53\uff45\uff52\uff0e@example.com", "a\uff20b@example.com", "a\uff02b@example.com"]) {
    assert.equal(detectIocType(value), "unknown", value);
    assert.equal(classifyIoc(value, "email").safeIoc, "", value);
  }
});

// `user＠example.com` (a full-width at sign) was "not an indicator type" detected and "bad format" typed: NFKC reads the
// at sign as `@`, as it reads a full-width local part, so it is looked up as user@example.com. A mathematical letter
// (𝐚𝐝𝐦𝐢𝐧, U+1D400 block) makes no address, as it makes no host: none, not folded.
test("a full-width at sign is looked up as @; an address with mathematical letters is none", () => {
  const cases: [string, string][] = [
    ["user\uff20example.com", "user@example.com"],
    ["User\uff20Example.COM", "user@example.com"],
    ["\uff55\uff53\uff45\uff52\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "user@example.com"],
    ["user\uff20\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "user@xn--e1afmkfd.xn--p1ai"],
  ];
  for (const [value, safe] of cases) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "email", safeIoc: safe }, value);
    assert.equal(classifyIoc(value, "email").safeIoc, safe, value);
  }
  for (const value of ["\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}@example.com", "x\u{1d41a}@example.com", "http://user\uff20example.com/"]) {
    assert.notEqual(detectIocType(value), "email", value);
    assert.equal(classifyIoc(value, "email").safeIoc, "", value);
  }
});

test("LocalTI: an address listed in ASCII matches its full-width spelling", async () => {
  const ti = localTI("observable,type,severity,description\nuser.name@example.com,,high,phisher\n");
  const value = "\uff55\uff53\uff45\uff52\uff0e\uff4e\uff41\uff4d\uff45@example.com";
  const [row] = rowsOf(await ti.lookupIocs([value]));
  assert.deepEqual([row.Ioc, row.IocType, row.SafeIoc, row.Severity, row.Result], [value, "email", "user.name@example.com", "high", true]);
});

test("a URL host's root dot is dropped, as for domains", () => {
  const cases: [string, string][] = [
    ["https://wh401k.org./getps", "https://wh401k.org/getps"],
    ["HTTPS://WH401K.ORG./getps", "https://wh401k.org/getps"],
    ["http://wh401k.org.:8080/a?b=c#d", "http://wh401k.org:8080/a?b=c#d"],
    ["hxxp://wh401k[.]org[.]/getps", "http://wh401k.org/getps"],
    ["ftp://files.example.com./x", "ftp://files.example.com/x"],
    ["http://[2001:db8::1]:8080/a", "http://[2001:db8::1]:8080/a"],
    ["http://192.0.2.1./a", "http://192.0.2.1/a"],
    ["https://wh401k.org/a./b", "https://wh401k.org/a./b"],
  ];
  for (const [value, safe] of cases) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "url", safeIoc: safe }, value);
  }
});

test("a URL's user name and password are never part of what is looked up (nor cached): the resource is the rest", () => {
  const cases: [string, string][] = [
    ["http://admin:Passw0rd!@evil.example.com/x", "http://evil.example.com/x"],
    ["ftp://anonymous@files.example.com:21/pub", "ftp://files.example.com/pub"],
    ["hxxps://u:p@wh401k[.]org/getps", "https://wh401k.org/getps"],
    ["http://user:pass@[::ffff:1.2.3.4]/x", "http://1.2.3.4/x"],
  ];
  for (const [value, safe] of cases) assert.deepEqual(classifyIoc(value), { ioc: value, type: "url", safeIoc: safe }, value);
});

test("file_hash and hash (MSTICPy's names) take md5, sha1 or sha256 by length", () => {
  for (const name of ["file_hash", "hash", "File_Hash", " HASH "]) assert.equal(normalizeIocType(name), "file_hash", name);
  for (const [value, type, safe] of [
    [MD5.toUpperCase(), "md5_hash", MD5],
    [SHA1, "sha1_hash", SHA1],
    [` ${SHA256} `, "sha256_hash", SHA256],
  ]) {
    assert.deepEqual(classifyIoc(value, "file_hash"), { ioc: value, type, safeIoc: safe }, value);
  }
  // Not a hash of a known length: "unknown", as MSTICPy's file_hash_type says; not hex: a "not valid" row.
  assert.deepEqual(classifyIoc("abc123", "file_hash"), { ioc: "abc123", type: "unknown", safeIoc: "" });
  assert.deepEqual(classifyIoc("g".repeat(32), "file_hash"), { ioc: "g".repeat(32), type: "md5_hash", safeIoc: "" });
  assert.deepEqual(classifyIoc("wh401k.org", "file_hash"), { ioc: "wh401k.org", type: "unknown", safeIoc: "" });
});

test("LocalTI: mapped addresses hit IPv4 entries and ranges; e-mail matches ignore case; file_hash looks up", async () => {
  const ti = localTI(
    [
      "observable,type,severity,description",
      "45.83.66.10,ipv4,high,scanner",
      "198.51.7.0/24,,warning,bad range",
      "Phish.Sender@Evil-Example.com,,high,phisher",
      `${MD5},md5,high,eicar`,
      `${SHA256.toUpperCase()},sha256,warning,sample`,
      "https://wh401k.org/getps,,high,payload",
      "2001:4860:4860::8888,,information,dns server",
    ].join("\n") + "\n",
  );
  const values = ["::ffff:45.83.66.10", "::ffff:c633:0705", "PHISH.SENDER@evil-example.COM", "phish.sender@evil-example.com", "https://wh401k.org./getps", "2001:4860:4860::8888%eth0"];
  const r = byIoc(rowsOf(await ti.lookupIocs(values)));
  assert.deepEqual(Object.keys(r).sort(), [...values].sort(), "the Ioc column keeps the values as given");
  assert.deepEqual([r["::ffff:45.83.66.10"].IocType, r["::ffff:45.83.66.10"].SafeIoc, r["::ffff:45.83.66.10"].Severity, r["::ffff:45.83.66.10"].Result], ["ipv4", "45.83.66.10", "high", true]);
  assert.deepEqual([r["::ffff:c633:0705"].SafeIoc, r["::ffff:c633:0705"].Severity], ["198.51.7.5", "warning"]);
  assert.equal((details(r["::ffff:c633:0705"]) as Record<string, unknown>).Match, "198.51.7.5 (in 198.51.7.0/24)");
  for (const v of ["PHISH.SENDER@evil-example.COM", "phish.sender@evil-example.com"]) {
    assert.deepEqual([r[v].SafeIoc, r[v].Severity, r[v].Result], ["phish.sender@evil-example.com", "high", true], v);
  }
  assert.deepEqual([r["https://wh401k.org./getps"].SafeIoc, r["https://wh401k.org./getps"].Severity], ["https://wh401k.org/getps", "high"]);
  assert.deepEqual([r["2001:4860:4860::8888%eth0"].SafeIoc, r["2001:4860:4860::8888%eth0"].Severity], ["2001:4860:4860::8888", "information"]);
  // An explicit type: "ipv4" accepts the mapped form; file_hash picks the hash type by length.
  const typed = rowsOf(await ti.lookupIoc("::ffff:45.83.66.10", { iocType: "ipv4" }))[0];
  assert.deepEqual([typed.Ioc, typed.IocType, typed.SafeIoc, typed.Severity, typed.Status], ["::ffff:45.83.66.10", "ipv4", "45.83.66.10", "high", 0]);
  const hashes = byIoc(rowsOf(await ti.lookupIocs([MD5.toUpperCase(), SHA256, "abc123"], { iocType: "file_hash" })));
  assert.deepEqual([hashes[MD5.toUpperCase()].IocType, hashes[MD5.toUpperCase()].Severity], ["md5_hash", "high"]);
  assert.deepEqual([hashes[SHA256].IocType, hashes[SHA256].Severity], ["sha256_hash", "warning"]);
  assert.equal(hashes.abc123.Status, 2);
  assert.doesNotMatch(hashes.abc123.Details, /Unknown IoC type/);
  const hashRow = rowsOf(await ti.lookupIoc(SHA1, { iocType: "hash" }))[0];
  assert.deepEqual([hashRow.IocType, hashRow.Result, hashRow.Status], ["sha1_hash", false, 0]);
});

test("online providers get the unwrapped IPv4, no zone id, one URL id for a host with a root dot", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const values = ["::ffff:45.83.66.10", "2001:4860:4860::8888%eth0", "http://wh401k.org./getps", "http://wh401k.org/getps"];
    const r = byIoc(rowsOf(await h.ti.lookupIocs(values)));
    const paths = h.twin.requests.map((q) => q.url.pathname);
    assert.ok(paths.includes("/api/v3/ip_addresses/45.83.66.10"), paths.join(" "));
    assert.ok(!paths.some((p) => /ffff|eth0|%25/i.test(p)), paths.join(" "));
    assert.deepEqual([r["::ffff:45.83.66.10"].Severity, r["::ffff:45.83.66.10"].Result], ["high", true]);
    assert.ok(r["::ffff:45.83.66.10"].Reference.endsWith("/ip_addresses/45.83.66.10"));
    assert.equal(r["2001:4860:4860::8888%eth0"].SafeIoc, "2001:4860:4860::8888");
    assert.ok(!r["2001:4860:4860::8888%eth0"].Reference.includes("eth0"));
    // Both spellings of the URL are one indicator: one request, the same answer.
    assert.equal(paths.filter((p) => p.startsWith("/api/v3/urls/")).length, 1);
    assert.deepEqual([r["http://wh401k.org./getps"].Severity, r["http://wh401k.org./getps"].SafeIoc], [r["http://wh401k.org/getps"].Severity, "http://wh401k.org/getps"]);
    assert.equal(r["http://wh401k.org./getps"].Severity, "high");
    const hash = rowsOf(await h.ti.lookupIoc(MD5, { iocType: "file_hash" }))[0];
    assert.deepEqual([hash.IocType, hash.QuerySubtype, hash.Severity], ["md5_hash", "files", "high"]);
  } finally {
    await h.close();
  }
});

// A feed row typed `file_hash`, or an IPv4-mapped address typed `ipv6`, is filed under the type a lookup resolves
// (localTI.ts entryType): filed under the row's own type, it was never matched.
test("LocalTI: feed rows typed file_hash, or ipv6 for a mapped address, match", async () => {
  const ti = localTI(`observable,type,severity\n${MD5},file_hash,high\n::ffff:45.83.66.10,ipv6,high\n`);
  const r = byIoc(rowsOf(await ti.lookupIocs([MD5, "45.83.66.10"])));
  assert.deepEqual([r[MD5].Severity, r["45.83.66.10"].Severity], ["high", "high"]);
});

test("a URL whose host is an IPv4-mapped IPv6 literal is the URL of its IPv4 host", () => {
  const cases: [string, string][] = [
    ["http://[::ffff:1.2.3.4]/x", "http://1.2.3.4/x"],
    ["http://[::ffff:102:304]:8080/", "http://1.2.3.4:8080/"],
    ["HTTP://[0:0:0:0:0:FFFF:0102:0304]/a?b#c", "http://1.2.3.4/a?b#c"],
    ["hxxps://[::ffff:1.2.3.4]/x", "https://1.2.3.4/x"],
    // Other IPv6 literals stay IPv6: IPv4-compatible, NAT64.
    ["http://[::1.2.3.4]/x", "http://[::102:304]/x"],
    ["http://[64:ff9b::1.2.3.4]/x", "http://[64:ff9b::102:304]/x"],
  ];
  for (const [value, safe] of cases) assert.deepEqual(classifyIoc(value), { ioc: value, type: "url", safeIoc: safe }, value);
  assert.equal(classifyIoc("http://[::ffff:1.2.3.4]/x", "url").safeIoc, "http://1.2.3.4/x");
  // Judged as the IPv4 host, before and after normalising.
  assert.equal(internalUrlReason(classifyIoc("http://[::ffff:10.1.2.3]/x").safeIoc), "its host is a private address");
  assert.equal(internalUrlReason(classifyIoc("http://[::ffff:8.8.8.8]/x").safeIoc), undefined);
});

test("parseIpRange: an IPv4-mapped range of prefix 96 or more is the IPv4 range (prefix - 96)", () => {
  const shown = (text: string) => {
    const r = parseIpRange(text);
    return r && `${r[0].kind()} ${r[0].toString()}/${r[1]}`;
  };
  assert.equal(shown("::ffff:10.1.0.0/112"), "ipv4 10.1.0.0/16");
  assert.equal(shown("::ffff:0a01:0000/112"), "ipv4 10.1.0.0/16");
  assert.equal(shown("0:0:0:0:0:FFFF:10.1.0.0/120"), "ipv4 10.1.0.0/24");
  assert.equal(shown("::ffff:0:0/96"), "ipv4 0.0.0.0/0");
  assert.equal(shown("::ffff:1.2.3.4/128"), "ipv4 1.2.3.4/32");
  // Under /96 it reaches past the mapped block: IPv6, as written (LocalTI refuses it).
  assert.equal(shown("::ffff:10.1.0.0/16"), "ipv6 ::ffff:a01:0/16");
  // IPv4-compatible is not mapped (ipaddr.js alone reads ::a.b.c.d as ::ffff:a.b.c.d).
  assert.equal(shown("::10.1.0.0/112"), "ipv6 ::a01:0/112");
  assert.equal(shown("10.1.0.0/16"), "ipv4 10.1.0.0/16");
  assert.equal(shown("2001:db8::/32"), "ipv6 2001:db8::/32");
  assert.equal(shown("10.1.0.0"), undefined);
  assert.equal(shown("10.1.0.0/33"), undefined);
});

test("LocalTI: IPv4-mapped CIDR rows match the IPv4 addresses inside them, in either notation", async () => {
  const ti = localTI(
    [
      "observable,type,severity,description",
      "::ffff:10.1.0.0/112,,high,mapped range",
      "::ffff:0a02:0000/112,ipv6,warning,hex mapped range",
      "::ffff:10.3.0.0/120,ipv4,information,mapped /24",
      "10.9.0.0/16,,high,plain range",
      "::10.4.0.0/112,,warning,IPv4-compatible range",
      "::/64,,information,IPv6 range holding the mapped block",
    ].join("\n") + "\n",
  );
  const values = ["10.1.2.3", "::ffff:10.1.2.3", "::ffff:a02:5", "10.3.0.7", "10.3.1.7", "::ffff:10.9.8.7", "10.4.1.1", "::10.4.1.1", "10.5.0.1"];
  const r = byIoc(rowsOf(await ti.lookupIocs(values)));
  const got = (v: string) => [r[v].IocType, r[v].SafeIoc, r[v].Result, r[v].Severity];
  assert.deepEqual(got("10.1.2.3"), ["ipv4", "10.1.2.3", true, "high"]);
  assert.deepEqual(got("::ffff:10.1.2.3"), ["ipv4", "10.1.2.3", true, "high"]);
  assert.equal((details(r["::ffff:10.1.2.3"]) as Record<string, unknown>).Match, "10.1.2.3 (in ::ffff:10.1.0.0/112)");
  assert.deepEqual(got("::ffff:a02:5"), ["ipv4", "10.2.0.5", true, "warning"]);
  assert.deepEqual(got("10.3.0.7"), ["ipv4", "10.3.0.7", true, "information"]);
  assert.deepEqual(got("10.3.1.7").slice(2), [false, "information"]);
  // A plain IPv4 range matches a mapped lookup address.
  assert.deepEqual(got("::ffff:10.9.8.7"), ["ipv4", "10.9.8.7", true, "high"]);
  // ::10.4.0.0/112 is IPv4-compatible, IPv6: its IPv6 addresses match, the IPv4 address does not.
  assert.deepEqual(got("::10.4.1.1"), ["ipv6", "::a04:101", true, "warning"]);
  assert.equal(r["10.4.1.1"].Result, false);
  // ::/64 holds ::ffff:0:0/96, but a row written in IPv6 is an IPv6 range: IPv4 lookups are not inside it.
  assert.equal(r["10.5.0.1"].Result, false);
});

test("LocalTI: an IPv4-mapped CIDR row with a prefix under /96 is refused with its line", () => {
  for (const row of ["::ffff:10.1.0.0/16", "::ffff:0a01:0/95", "::ffff:10.1.0.0/16,ipv4", "::ffff:10.1.0.0/16,ipv6"]) {
    const [observable, type = ""] = row.split(",");
    const feed = feedCsv(`observable,type,severity\n1.2.3.4,,high\n${observable},${type},high\n`);
    assert.throws(() => readFeed(feed), { name: "FeedError", code: "context/feed-observable-invalid", message: new RegExp(`feed\\.csv:3: "${observable.replace(/\./g, "\\.")}" is an IPv4-mapped range with a prefix under /96`) }, row);
  }
  // Given the wrong family, a mapped range is still a bad row; ipv6 is accepted for a mapped one, as for an address.
  assert.throws(() => readFeed(feedCsv("observable,type,severity\n10.1.0.0/16,ipv6,high\n")), { code: "context/feed-observable-invalid" });
  assert.equal(readFeed(feedCsv("observable,type,severity\n::ffff:10.1.0.0/112,ipv6,high\n"))[0].type, "ipv4");
});

test("LocalTI and online providers: a URL on an IPv4-mapped literal is the URL on the IPv4 host", async () => {
  const ti = localTI("observable,severity\nhttp://45.83.66.10/x,high\n");
  const r = byIoc(rowsOf(await ti.lookupIocs(["http://[::ffff:45.83.66.10]/x", "http://[::ffff:2d53:420a]/x"])));
  for (const v of ["http://[::ffff:45.83.66.10]/x", "http://[::ffff:2d53:420a]/x"]) assert.deepEqual([r[v].SafeIoc, r[v].Result, r[v].Severity], ["http://45.83.66.10/x", true, "high"], v);
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    await h.ti.lookupIocs(["http://[::ffff:45.83.66.10]/x", "http://45.83.66.10/x", "http://[::ffff:2d53:420a]/x"]);
    const ids = h.twin.requests.map((q) => q.url.pathname).filter((p) => p.startsWith("/api/v3/urls/"));
    // One indicator: one request (one cache key), VirusTotal's id of the IPv4 URL.
    assert.deepEqual(ids.map((p) => Buffer.from(p.slice("/api/v3/urls/".length), "base64url").toString()), ["http://45.83.66.10/x"]);
  } finally {
    await h.close();
  }
});

// Firewall and proxy logs, netstat output and ThreatFox's `ip:port` indicators write an address with its port. The
// port is not part of what a provider knows about the address: the address is looked up (it was "not an indicator
// type huntlab recognises", never looked up). Names with a port (`evil.com:8080`) stay unknown: a URL says more.
test("an IP address with a port is looked up as the address (IPv6 bracketed, as URLs write it)", async () => {
  for (const [value, type, safe] of [
    ["45.83.66.10:443", "ipv4", "45.83.66.10"],
    [" 45.83.66.10:8080 ", "ipv4", "45.83.66.10"],
    ["45.83.66.10:0", "ipv4", "45.83.66.10"],
    ["[2001:4860:4860::8888]:53", "ipv6", "2001:4860:4860::8888"],
    ["[2001:4860:4860::8888%eth0]:53", "ipv6", "2001:4860:4860::8888"],
    ["[::ffff:45.83.66.10]:443", "ipv4", "45.83.66.10"],
    ["[::1]:443", "ipv6", "::1"],
  ]) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type, safeIoc: safe }, value);
    assert.equal(detectIocType(value), type, value);
    assert.deepEqual(classifyIoc(value, type), { ioc: value, type, safeIoc: safe }, `${value} as ${type}`);
  }
  // Not an address with a port: a port past 65535, a non-address, an unbracketed IPv6 (its last group is no port).
  for (const value of ["45.83.66.10:65536", "45.83.66.10:", "45.83.66.10:44a", "999.83.66.10:443", "[45.83.66.10]:443", "evil.com:8080", "2001:db8::1:443x"]) {
    assert.equal(classifyIoc(value).safeIoc === "" || classifyIoc(value).type !== "ipv4", true, value);
    assert.notEqual(classifyIoc(value).safeIoc, "45.83.66.10", value);
  }
  assert.deepEqual(classifyIoc("2001:db8::1:443"), { ioc: "2001:db8::1:443", type: "ipv6", safeIoc: "2001:db8::1:443" });

  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const r = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10:443", "45.83.66.10:80", "45.83.66.10", "[::1]:443"])));
    assert.deepEqual(
      h.twin.requests.map((q) => q.url.pathname),
      ["/api/v3/ip_addresses/45.83.66.10"],
      "one request for the address, whatever its port; the loopback is not sent",
    );
    for (const v of ["45.83.66.10:443", "45.83.66.10:80"]) assert.deepEqual([r[v].IocType, r[v].SafeIoc, r[v].Status, r[v].Severity], ["ipv4", "45.83.66.10", 0, "high"], v);
    assert.deepEqual([r["[::1]:443"].IocType, r["[::1]:443"].Status], ["ipv6", 1]);
    assert.match(r["[::1]:443"].Details, /loopback/);
  } finally {
    await h.close();
  }
  // LocalTI feeds list C2 addresses as ip:port too (ThreatFox, Feodo Tracker): the row is the address.
  const ti = localTI("observable,severity\n45.83.66.10:8443,high\n");
  const l = byIoc(rowsOf(await ti.lookupIocs(["45.83.66.10", "45.83.66.10:443"])));
  for (const v of ["45.83.66.10", "45.83.66.10:443"]) assert.deepEqual([l[v].Result, l[v].Severity], [true, "high"], v);
});

test("a custom type that matches ip:port keeps the value whole (the port is dropped only from what is no type)", () => {
  const iocs = new IoCExtract();
  iocs.addIocType("ip_port", String.raw`\b(?:\d{1,3}\.){3}\d{1,3}:\d{1,5}\b`, 5);
  try {
    assert.deepEqual(classifyIoc("45.83.66.10:443"), { ioc: "45.83.66.10:443", type: "ip_port", safeIoc: "45.83.66.10:443" });
    assert.equal(detectIocType("45.83.66.10:443"), "ip_port");
    // Named as an address, it is the address.
    assert.equal(classifyIoc("45.83.66.10:443", "ipv4").safeIoc, "45.83.66.10");
  } finally {
    unregisterIocType("ip_port");
  }
  assert.equal(detectIocType("45.83.66.10:443"), "ipv4");
});

// Flow stores and SQL exports (MySQL's INET_ATON, nfdump, some SIEM tables) keep IPv4 addresses as 32-bit integers,
// and pandas hands an integer column with nulls over as floats. Such a column was "134744072" (or "134744072.0"):
// "not an indicator type", never looked up. A number (a cell of a numeric column, or a number in a list) is an IPv4
// address when it is whole and from 0 to 2^32 - 1; text of digits stays as written (a PID, an event id).
test("IPv4 addresses stored as integers (numeric columns, numbers in a list) are looked up as the address", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    // 45.83.66.10 is 760431114; 8.8.8.8 is 134744072.
    for (const series of [
      pl.Series("SrcIp", [760431114, null, 134744072, 760431114], pl.Int64),
      pl.Series("SrcIp", [760431114, null, 134744072, 760431114], pl.UInt32),
      pl.Series("SrcIp", [760431114.0, null, 134744072.0, 760431114.0], pl.Float64),
    ]) {
      const what = String(series.dtype);
      const before = h.twin.requests.length;
      const rows = rowsOf(await h.ti.lookupIocs(pl.DataFrame([series]), { obsCol: "SrcIp" }));
      assert.deepEqual(
        rows.map((r) => [r.Ioc, r.IocType, r.SafeIoc]),
        [["760431114", "ipv4", "45.83.66.10"], ["134744072", "ipv4", "8.8.8.8"]],
        what,
      );
      assert.deepEqual([rows[0].Severity, rows[0].Status], ["high", 0], what);
      if (before === 0) assert.deepEqual(h.twin.requests.map((q) => q.url.pathname).sort(), ["/api/v3/ip_addresses/45.83.66.10", "/api/v3/ip_addresses/8.8.8.8"]);
    }
    const listed = byIoc(rowsOf(await h.ti.lookupIocs([760431114, 4294967296, 1.5, -1, "134744072"] as unknown as string[])));
    assert.deepEqual([listed["760431114"].SafeIoc, listed["760431114"].Severity], ["45.83.66.10", "high"]);
    for (const v of ["4294967296", "1.5", "-1"]) {
      assert.equal(listed[v].Status, 2, v);
      assert.equal(listed[v].Details, `${v} is a number, and not an IPv4 address written as one (a whole number from 0 to 4294967295).`, v);
    }
    // Digits as text are not read as an address.
    assert.deepEqual([listed["134744072"].IocType, listed["134744072"].Status], ["unknown", 2]);
  } finally {
    await h.close();
  }
});

// Logs write an internationalised name in Unicode (`bücher.de`), feeds and DNS in its ASCII form (`xn--bcher-kva.de`):
// one domain. Looked up as written, the two were two indicators: a LocalTI feed listing one form missed the other,
// and an online provider was asked twice (URL hosts were already in ASCII form, by the WHATWG parser).
test("an internationalised domain is looked up in its ASCII (punycode) form, whichever form it is written in", async () => {
  for (const value of ["bücher.de", "BÜCHER.DE", "xn--bcher-kva.de", "XN--BCHER-KVA.DE", "bücher.de.", "ｂücher.de", "bücher[.]de"]) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type: "dns", safeIoc: "xn--bcher-kva.de" }, value);
  }
  assert.equal(classifyIoc("иван@почта.рф").safeIoc, "иван@xn--80a1acny.xn--p1ai", "an e-mail's domain, its local part as written (lower-cased)");
  assert.equal(classifyIoc("Evil.COM").safeIoc, "evil.com");
  // A look-alike stays its own name: a Cyrillic а is not a Latin a.
  assert.notEqual(classifyIoc("аpple.com").safeIoc, "apple.com");
  assert.equal(classifyIoc("аpple.com").safeIoc, "xn--pple-43d.com");

  const ti = localTI("observable,severity\nxn--bcher-kva.de,high\nmünchen.example.com,warning\nuser@xn--mnchen-3ya.de,high\n");
  const r = byIoc(rowsOf(await ti.lookupIocs(["bücher.de", "xn--mnchen-3ya.example.com", "München.example.com", "User@München.de"])));
  assert.deepEqual([r["bücher.de"].Result, r["bücher.de"].Severity], [true, "high"]);
  assert.deepEqual([r["xn--mnchen-3ya.example.com"].Result, r["München.example.com"].Result], [true, true]);
  assert.deepEqual([r["User@München.de"].Result, r["User@München.de"].SafeIoc], [true, "user@xn--mnchen-3ya.de"]);

  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    await h.ti.lookupIocs(["bücher.de", "xn--bcher-kva.de", "BÜCHER.de"]);
    assert.deepEqual(h.twin.requests.map((q) => q.url.pathname), ["/api/v3/domains/xn--bcher-kva.de"], "one request, in ASCII");
  } finally {
    await h.close();
  }
});

// certutil -hashfile on Windows 7 / Server 2008 R2 writes a hash as bytes with spaces (`d4 1d 8c d9 …`), certificate
// tools as bytes with colons (`D4:1D:8C:…`), reports in 8-digit groups. The hash was "not an indicator type".
test("a hash written in groups (spaces or colons between equal groups) is looked up as the hash", async () => {
  const groups = (hex: string, size: number, sep: string) => hex.match(new RegExp(`.{${size}}`, "g"))!.join(sep);
  for (const [hex, type] of [[MD5, "md5_hash"], [SHA1, "sha1_hash"], [SHA256, "sha256_hash"]] as const) {
    for (const value of [groups(hex, 2, " "), groups(hex.toUpperCase(), 2, ":"), groups(hex, 8, " "), ` ${groups(hex, 2, " ").toUpperCase()} `]) {
      assert.deepEqual(classifyIoc(value), { ioc: value, type, safeIoc: hex }, value);
      assert.equal(detectIocType(value), type, value);
      assert.deepEqual(classifyIoc(value, "file_hash"), { ioc: value, type, safeIoc: hex }, `${value} as file_hash`);
      assert.deepEqual(classifyIoc(value, type), { ioc: value, type, safeIoc: hex }, `${value} as ${type}`);
    }
  }
  // Not a grouped hash: uneven groups, mixed separators, two spaces, a wrong length, a non-hex digit; an IPv6 address stays one.
  for (const value of [`${MD5.slice(0, 3)} ${MD5.slice(3)}`, groups(MD5, 2, " ").replace(" ", ":"), groups(MD5, 2, "  "), groups(MD5.slice(0, 30), 2, " "), groups(`${MD5.slice(0, 31)}g`, 2, " ")]) {
    assert.equal(classifyIoc(value).type, "unknown", value);
  }
  assert.equal(classifyIoc(groups(MD5, 4, ":")).type, "ipv6");

  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const [row] = rowsOf(await h.ti.lookupIocs([groups(MD5.toUpperCase(), 2, " ")]));
    assert.deepEqual([row.IocType, row.SafeIoc, row.Severity], ["md5_hash", MD5, "high"]);
    assert.deepEqual(h.twin.requests.map((q) => q.url.pathname), [`/api/v3/files/${MD5}`]);
  } finally {
    await h.close();
  }
});

// Firewall rules, block lists and NSG exports write one address as a host prefix (`8.8.8.8/32`, `2001:db8::1/128`):
// it names exactly that address. It was "an IP range (CIDR)", never looked up.
test("a single-host prefix (/32, /128) is looked up as its address; a wider prefix stays a range", async () => {
  for (const [value, type, safe] of [
    ["45.83.66.10/32", "ipv4", "45.83.66.10"],
    [" 45.83.66.10/32 ", "ipv4", "45.83.66.10"],
    ["45[.]83[.]66[.]10/32", "ipv4", "45.83.66.10"],
    ["2001:4860:4860::8888/128", "ipv6", "2001:4860:4860::8888"],
    ["2001:4860:4860:0:0:0:0:8888/128", "ipv6", "2001:4860:4860::8888"],
    ["::ffff:45.83.66.10/128", "ipv4", "45.83.66.10"],
  ]) {
    assert.deepEqual(classifyIoc(value), { ioc: value, type, safeIoc: safe }, value);
    assert.equal(detectIocType(value), type, value);
    assert.deepEqual(classifyIoc(value, type), { ioc: value, type, safeIoc: safe }, `${value} as ${type}`);
  }
  // Not one address: another prefix, a /32 on IPv6 (a network), a /128 on IPv4, a name, a prefix with a port.
  for (const value of ["45.83.66.10/31", "45.83.66.10/032", "2001:db8::1/32", "45.83.66.10/128", "evil.com/32", "45.83.66.10:443/32"]) {
    assert.equal(classifyIoc(value).type, "unknown", value);
  }
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const r = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.10/32", "45.83.66.10"])));
    assert.deepEqual(h.twin.requests.map((q) => q.url.pathname), ["/api/v3/ip_addresses/45.83.66.10"], "one request for the address");
    assert.deepEqual([r["45.83.66.10/32"].IocType, r["45.83.66.10/32"].SafeIoc, r["45.83.66.10/32"].Status], ["ipv4", "45.83.66.10", 0]);
  } finally {
    await h.close();
  }
});

// A CIDR range in an indicator column (a firewall rule, a feed's block list) is no single indicator: no provider
// looks a range up. The row said only "not an indicator type huntlab recognises"; it says what the value is.
test("an IP range (CIDR) is not looked up, and its row says it is a range", async () => {
  const h = await harness("VirusTotal", svc.virusTotal);
  try {
    const r = byIoc(rowsOf(await h.ti.lookupIocs(["45.83.66.0/24", "2001:db8::/32", "::ffff:10.1.0.0/112", "45.83.66.0/33"])));
    assert.equal(h.twin.requests.length, 0);
    for (const v of ["45.83.66.0/24", "2001:db8::/32", "::ffff:10.1.0.0/112"]) {
      assert.deepEqual([r[v].IocType, r[v].Status], ["unknown", 2], v);
      assert.equal(r[v].Details, `"${v}" is an IP range (CIDR): providers look up single addresses (a LocalTI feed's ranges match the addresses looked up).`, v);
    }
    assert.match(r["45.83.66.0/33"].Details, /is not an indicator type huntlab recognises/);
  } finally {
    await h.close();
  }
});
