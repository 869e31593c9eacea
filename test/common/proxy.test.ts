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

test("axiosProxy decodes the proxy credentials; proxyFailureText names the proxy without them", () => {
  const route = proxyFor("https://api.example.com/", { HTTPS_PROXY: "http://u%20x:p%40ss@proxy.corp:3128" })!;
  assert.deepEqual(axiosProxy(route), { protocol: "http", host: "proxy.corp", port: 3128, auth: { username: "u x", password: "p@ss" } });
  assert.equal(axiosProxy(undefined), false);
  const text = proxyFailureText(route, "api.example.com", "ECONNREFUSED", "connect ECONNREFUSED");
  assert.equal(text, "Connection refused by the proxy http://proxy.corp:3128 (HTTPS_PROXY), on the way to api.example.com.");
});
