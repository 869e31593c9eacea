import { test } from "node:test";
import assert from "node:assert/strict";
import { axiosProxy, proxyFailureText, proxyFor } from "../../src/common/proxy";

test("proxyFor reads HTTPS_PROXY/HTTP_PROXY (either case, lower case first) and NO_PROXY; loopback is always direct", () => {
  const env = { HTTPS_PROXY: "http://u:p%40ss@proxy.corp:3128", HTTP_PROXY: "proxy.corp:8080" };
  assert.equal(proxyFor("https://api.greynoise.io/v3", env)?.url.host, "proxy.corp:3128");
  assert.equal(proxyFor("https://api.greynoise.io/v3", env)?.variable, "HTTPS_PROXY");
  assert.equal(proxyFor("https://api.greynoise.io/v3", env)?.shown, "http://proxy.corp:3128");
  assert.equal(proxyFor("http://feeds.example.com/x", env)?.url.href, "http://proxy.corp:8080/");
  assert.equal(proxyFor("https://x.example", { ...env, https_proxy: "http://lower:1" })?.variable, "https_proxy");
  assert.equal(proxyFor("https://x.example", { HTTP_PROXY: "http://p:1" }), undefined, "https targets use HTTPS_PROXY only");
  for (const host of ["127.0.0.1", "127.8.9.1", "localhost", "a.localhost", "[::1]", "[::ffff:127.0.0.1]"]) assert.equal(proxyFor(`https://${host}:9200/`, env), undefined, host);
  const no = (list: string, url: string) => proxyFor(url, { ...env, no_proxy: list }) === undefined;
  assert.ok(no("*", "https://api.greynoise.io/"));
  assert.ok(no("greynoise.io", "https://api.greynoise.io/"));
  assert.ok(no(".greynoise.io", "https://api.greynoise.io/"));
  assert.ok(no("*.greynoise.io", "https://api.greynoise.io/"));
  assert.ok(no("other.org, API.GreyNoise.io", "https://api.greynoise.io/"));
  assert.ok(!no("noise.io", "https://api.greynoise.io/"), "a suffix matches at a dot only");
  assert.ok(no("10.1.2.3", "https://10.1.2.3/"));
  assert.ok(no("es.corp:9200", "https://es.corp:9200/"));
  assert.ok(!no("es.corp:9201", "https://es.corp:9200/"));
  assert.ok(no("[2001:db8::1]", "https://[2001:db8::1]/"));
  assert.ok(no("2001:db8::1", "https://[2001:db8::1]/"));
  assert.throws(() => proxyFor("https://x.example", { HTTPS_PROXY: "socks5://p:1080" }), /HTTPS_PROXY names a socks5 proxy/);
});

test("proxyFor falls back to ALL_PROXY (either case, lower case first) when the scheme's own variable is unset; a socks5 one is refused", () => {
  assert.equal(proxyFor("https://x.example/", { ALL_PROXY: "http://all.corp:3128" })?.variable, "ALL_PROXY");
  assert.equal(proxyFor("http://x.example/", { ALL_PROXY: "http://all.corp:3128" })?.url.host, "all.corp:3128");
  assert.equal(proxyFor("https://x.example/", { ALL_PROXY: "http://A:1", all_proxy: "http://a:1" })?.variable, "all_proxy");
  assert.equal(proxyFor("https://x.example/", { ALL_PROXY: "http://all:1", HTTPS_PROXY: "http://own:1" })?.variable, "HTTPS_PROXY");
  assert.equal(proxyFor("http://x.example/", { all_proxy: "http://all:1", HTTPS_PROXY: "http://own:1" })?.variable, "all_proxy", "HTTPS_PROXY is not http's own");
  assert.equal(proxyFor("https://x.example/", { ALL_PROXY: "http://all:1", NO_PROXY: "x.example" }), undefined);
  assert.equal(proxyFor("https://127.0.0.1/", { ALL_PROXY: "http://all:1" }), undefined);
  assert.throws(
    () => proxyFor("https://x.example/", { all_proxy: "socks5://bob:s3cret@10.0.0.1:1080" }),
    (err: Error) => /all_proxy names a socks5 proxy \(socks5:\/\/10\.0\.0\.1:1080\)/.test(err.message) && !/bob|s3cret/.test(err.message),
  );
});

test("NO_PROXY matches Unicode and punycode names alike, and IP addresses in any written form or CIDR range", () => {
  const env = { HTTPS_PROXY: "http://proxy.corp:3128" };
  const no = (list: string, url: string) => proxyFor(url, { ...env, NO_PROXY: list }) === undefined;
  assert.ok(no("bücher.example", "https://xn--bcher-kva.example/"));
  assert.ok(no("bücher.example", "https://bücher.example/"));
  assert.ok(no(".BÜCHER.example", "https://shop.xn--bcher-kva.example/"));
  assert.ok(no("*.bücher.example:443", "https://a.bücher.example/"));
  assert.ok(no("xn--bcher-kva.example", "https://bücher.example/"));
  assert.ok(!no("bücher.example", "https://bucher.example/"));
  assert.ok(no("[2001:db8::1]:443", "https://[2001:db8::1]/"));
  assert.ok(no("2001:0db8:0:0:0:0:0:1", "https://[2001:db8::1]/"));
  assert.ok(no("2001:db8::1", "https://[2001:0DB8:0000::0001]/"));
  assert.ok(no("::ffff:10.0.0.1", "https://[::ffff:a00:1]/"));
  assert.ok(no("::ffff:a00:1", "https://[::ffff:10.0.0.1]/"));
  assert.ok(no("::ffff:10.0.0.1", "https://10.0.0.1/"), "an IPv4-mapped entry is its IPv4 address");
  assert.ok(no("10.0.0.1", "https://[::ffff:10.0.0.1]/"));
  assert.ok(no("fd00::/8", "https://[fd12:3456::1]/"));
  assert.ok(!no("fd00::/8", "https://[fe80::1]/"));
  assert.ok(no("[fd00::]/8", "https://[fdff::1]/"));
  assert.ok(no("10.0.0.0/8", "https://10.20.30.40/"));
  assert.ok(!no("10.0.0.0/8", "https://11.0.0.1/"));
  assert.ok(no("10.0.0.0/8", "https://[::ffff:10.1.2.3]/"));
  assert.ok(!no("2001:db8::2", "https://[2001:db8::1]/"));
  assert.ok(!no("0.1", "https://10.0.0.1/"), "an address is no domain suffix");
});

test("axiosProxy decodes the proxy credentials; proxyFailureText names the proxy without them", () => {
  const route = proxyFor("https://api.example.com/", { HTTPS_PROXY: "http://u%20x:p%40ss@proxy.corp:3128" })!;
  assert.deepEqual(axiosProxy(route), { protocol: "http", host: "proxy.corp", port: 3128, auth: { username: "u x", password: "p@ss" } });
  assert.equal(axiosProxy(undefined), false);
  const text = proxyFailureText(route, "api.example.com", "ECONNREFUSED", "connect ECONNREFUSED");
  assert.equal(text, "Connection refused by the proxy http://proxy.corp:3128 (HTTPS_PROXY), on the way to api.example.com.");
});
