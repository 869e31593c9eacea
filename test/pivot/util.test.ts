/**
 * The util pivots that split values: urlParts keeps a URL's parts as written
 * (the evidence, as MSTICPy's url_components), domainParts splits names the
 * way urlParts splits hosts.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { Pivot } from "../../src/pivot";
import { urlComponents } from "../../src/pivot/urlComponents";

const URL_COLUMNS = ["Scheme", "Auth", "Host", "Port", "Path", "Query", "Fragment", "RegisteredDomain", "UrlNote"];
const records = (df: pl.DataFrame, columns: string[]): Record<string, unknown>[] =>
  df.toRecords().map((r) => Object.fromEntries(columns.map((c) => [c, (r as Record<string, unknown>)[c]])));
const urlParts = async (values: string[]) => records(await entities.Url.util.urlParts(values), URL_COLUMNS);
const parts = (Scheme: string | null, Auth: string | null, Host: string | null, Port: string | null, Path: string | null, Query: string | null, Fragment: string | null, RegisteredDomain: string | null) =>
  ({ Scheme, Auth, Host, Port, Path, Query, Fragment, RegisteredDomain, UrlNote: "" });

before(() => {
  new Pivot({ providers: [] });
});

describe("urlParts", () => {
  it("reads host, port and path of scheme-less values (proxy CONNECT logs, bare hosts)", async () => {
    assert.deepEqual(await urlParts(["evil.com:443", "localhost:8080/api", "www.evil.com/login.php", "evil.com", "//example.com/path"]), [
      parts(null, null, "evil.com", "443", null, null, null, "evil.com"),
      parts(null, null, "localhost", "8080", "/api", null, null, null),
      parts(null, null, "www.evil.com", null, "/login.php", null, null, "evil.com"),
      parts(null, null, "evil.com", null, null, null, null, "evil.com"),
      parts(null, null, "example.com", null, "/path", null, null, "example.com"),
    ]);
  });

  it("has the user-info as written in Auth (the lure before the last @)", async () => {
    assert.deepEqual(await urlParts(["https://user:pw@www.paypal.com@evil.com/x", "http://user:p%40ss@evil.com/", "http://@host.com/"]), [
      parts("https", "user:pw@www.paypal.com", "evil.com", null, "/x", null, null, "evil.com"),
      parts("http", "user:p%40ss", "evil.com", null, "/", null, null, "evil.com"),
      parts("http", null, "host.com", null, "/", null, null, "host.com"),
    ]);
  });

  it("keeps paths and hosts as written, and default ports (as MSTICPy: the number, without leading zeros)", async () => {
    assert.deepEqual(await urlParts(["http://example.com/%2e%2e/%2e%2e/etc/passwd", "http://example.com:80/", "https://example.com:443/", "http://EXAMPLE.com:0080/", "http://0x7f.0.0.1/", "http://2130706433/"]), [
      parts("http", null, "example.com", null, "/%2e%2e/%2e%2e/etc/passwd", null, null, "example.com"),
      parts("http", null, "example.com", "80", "/", null, null, "example.com"),
      parts("https", null, "example.com", "443", "/", null, null, "example.com"),
      parts("http", null, "EXAMPLE.com", "80", "/", null, null, "example.com"),
      parts("http", null, "0x7f.0.0.1", null, "/", null, null, null),
      parts("http", null, "2130706433", null, "/", null, null, null),
    ]);
    assert.deepEqual(await urlParts(["http://[2001:db8::1]:8080/index.html?a=1#x", "https://evil.com\\path\\x", "http://example.com/?", "mailto:user@example.com", "file:///etc/passwd"]), [
      parts("http", null, "[2001:db8::1]", "8080", "/index.html", "a=1", "x", null),
      parts("https", null, "evil.com", null, "\\path\\x", null, null, "evil.com"),
      parts("http", null, "example.com", null, "/", "", null, "example.com"),
      parts("mailto", null, null, null, "user@example.com", null, null, null),
      parts("file", null, null, null, "/etc/passwd", null, null, null),
    ]);
  });

  it("says why a value is not a URL, with null parts", async () => {
    const notes = (await urlParts(["http://example.com\t/x", "http://example.com:99999/", "http://evil.com:abc/", "http://[::1/", "::", "/just/a/path"])).map((r) => r.UrlNote);
    for (const n of notes) assert.match(String(n), /^not a URL: /);
    assert.deepEqual(notes.slice(0, 2), ["not a URL: white space inside", "not a URL: port above 65535"]);
    assert.equal(urlComponents(" ").UrlNote, "not a URL: empty", "the pivot drops empty values; the parser still says why");
    const row = (await urlParts(["http://example.com:99999/"]))[0];
    assert.deepEqual(URL_COLUMNS.slice(0, -1).map((c) => row[c]), [null, null, null, null, null, null, null, null]);
  });

  it("splits 1 MB values in linear time", async () => {
    for (const v of ["a".repeat(1_000_000), "a:".repeat(500_000), "http://" + "@".repeat(1_000_000), "//" + "[".repeat(1_000_000), "http://h:" + "9".repeat(1_000_000), "http://h/" + "%2e".repeat(300_000)]) {
      const t0 = process.cpuUsage();
      await urlParts([v]);
      // A hang guard against a super-linear blow-up, not a speed check: ~100 ms of CPU per value here, quadratic
      // work on 1 MB takes minutes. CPU time, so a loaded machine does not stretch it.
      const { user, system } = process.cpuUsage(t0);
      assert.ok((user + system) / 1000 < 5_000, `${v.slice(0, 12)}… took ${((user + system) / 1000).toFixed(0)} ms of CPU`);
    }
  });
});

describe("domainParts", () => {
  const domainParts = async (values: string[]) => records(await entities.Dns.util.domainParts(values), ["Subdomain", "RegisteredDomain", "Suffix"]);

  it("splits certificate wildcards (*.example.com)", async () => {
    assert.deepEqual(await domainParts(["*.example.com", "*.www.example.co.uk"]), [
      { Subdomain: "*", RegisteredDomain: "example.com", Suffix: "com" },
      { Subdomain: "*.www", RegisteredDomain: "example.co.uk", Suffix: "co.uk" },
    ]);
  });

  it("has null, not an empty string, for a missing suffix", async () => {
    assert.deepEqual(await domainParts([".."]), [{ Subdomain: null, RegisteredDomain: null, Suffix: null }]);
  });

  it("gives the RegisteredDomain urlParts gives for the same host, as written (Unicode stays Unicode)", async () => {
    const hosts = ["bücher.de", "www.Bücher.de", "xn--bcher-kva.de", "аpple.com", "example.com."];
    const fromUrls = (await urlParts(hosts.map((h) => `https://${h}/x`))).map((r) => r.RegisteredDomain);
    const fromNames = (await domainParts(hosts)).map((r) => r.RegisteredDomain);
    assert.deepEqual(fromUrls, ["bücher.de", "bücher.de", "xn--bcher-kva.de", "аpple.com", "example.com"]);
    assert.deepEqual(fromNames, fromUrls);
  });
});
