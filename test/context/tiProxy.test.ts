/** TI lookups and the proxy environment variables: through a real little proxy on 127.0.0.1. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, rowsOf } from "./tiHelpers";
import { closedPort, FAKE_KEY } from "./tiTwins";
import { startProxy, startTlsServer } from "../twins/proxy";
import { withProxyEnv as withEnv } from "../helpers/proxyEnv";

const answer = () => ({ json: { ip: "45.83.66.10", classification: "malicious", noise: true } });

test("an http TI service is reached through HTTP_PROXY; loopback and NO_PROXY hosts directly", async () => {
  const proxy = await startProxy();
  const h = await harness("GreyNoise", answer, { Retries: 0 });
  try {
    await withEnv({ HTTP_PROXY: proxy.url }, async () => {
      // The harness's BaseUrl is on 127.0.0.1: always direct.
      const [direct] = rowsOf(await h.ti.lookupIocs(["45.83.66.10"]));
      assert.equal(direct.Status, 0, direct.Details);
      assert.equal(proxy.seen.length, 0, "loopback is never proxied");
    });
  } finally {
    await h.close();
  }
  const named = await harness("GreyNoise", answer, { Retries: 0 });
  const base = named.twin.url.replace("127.0.0.1", "ti.example.test");
  const { TILookup } = await import("../../src/context/tiLookup.js");
  const { writeConfig, tempDir } = await import("./tiTwins.js");
  const ti = new TILookup({ configPath: writeConfig(tempDir(), { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: base, Retries: 0, TimeoutSeconds: 30 } }) });
  try {
    await withEnv({ http_proxy: proxy.url, NO_PROXY: "localhost,.internal.example" }, async () => {
      const [row] = rowsOf(await ti.lookupIocs(["45.83.66.10"]));
      assert.equal(row.Status, 0, row.Details);
    });
    assert.deepEqual(proxy.seen.map((s) => s.method), ["GET"]);
    assert.match(proxy.seen[0].target, /^http:\/\/ti\.example\.test:\d+\/v3\/community\/45\.83\.66\.10/);
    assert.equal(named.twin.requests.length, 1);
  } finally {
    for (const p of Object.values(ti.loadedProviders)) p.close();
    await named.close();
    await proxy.close();
  }
});

test("an https TI service through HTTPS_PROXY is a CONNECT tunnel: the proxy never sees the key", async () => {
  const proxy = await startProxy();
  // A self-signed certificate: the TI client verifies TLS, so the row fails; what matters is what the proxy saw.
  const target = await startTlsServer((_req, res) => res.writeHead(200).end("{}"));
  const { TILookup } = await import("../../src/context/tiLookup.js");
  const { writeConfig, tempDir } = await import("./tiTwins.js");
  const ti = new TILookup({ configPath: writeConfig(tempDir(), { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: `https://ti.example.test:${target.port}`, Retries: 0, TimeoutSeconds: 30 } }) });
  try {
    await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
      rowsOf(await ti.lookupIocs(["45.83.66.10"]));
    });
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT ti.example.test:${target.port}`]);
    assert.ok(!Buffer.concat(proxy.tunnelled).toString("latin1").includes(FAKE_KEY));
    assert.ok(proxy.seen.every((s) => !JSON.stringify(s).includes(FAKE_KEY)));
  } finally {
    for (const p of Object.values(ti.loadedProviders)) p.close();
    await target.close();
    await proxy.close();
  }
});

test("a TI row for an unreachable proxy names the proxy (no password) and the service", async () => {
  const dead = (await closedPort()).replace("http://", "");
  const { TILookup } = await import("../../src/context/tiLookup.js");
  const { writeConfig, tempDir } = await import("./tiTwins.js");
  const ti = new TILookup({ configPath: writeConfig(tempDir(), { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: "http://ti.example.test:8080", Retries: 0, TimeoutSeconds: 30 } }) });
  try {
    await withEnv({ HTTP_PROXY: `http://bob:s3cret-Pr0xy@${dead}` }, async () => {
      const [row] = rowsOf(await ti.lookupIocs(["45.83.66.10"]));
      assert.equal(row.Status, 3);
      assert.match(row.Details, new RegExp(`proxy http://${dead.replace(/\./g, "\\.")} \\(HTTP_PROXY\\)`), row.Details);
      assert.match(row.Details, /ti\.example\.test:8080/);
      assert.doesNotMatch(row.Details, /s3cret-Pr0xy|bob/);
    });
  } finally {
    for (const p of Object.values(ti.loadedProviders)) p.close();
  }
});

test("a proxy refusing the tunnel (403, 407) is named in the row, not taken for the service refusing the key", async () => {
  for (const [status, expected] of [
    [407, /The proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) asks for credentials \(HTTP 407/],
    [403, /HTTP 403.*sent through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/],
  ] as const) {
    const proxy = await startProxy({ refuseConnect: status });
    const { TILookup } = await import("../../src/context/tiLookup.js");
    const { writeConfig, tempDir } = await import("./tiTwins.js");
    const ti = new TILookup({ configPath: writeConfig(tempDir(), { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: "https://ti.example.test", Retries: 0, TimeoutSeconds: 30 } }) });
    try {
      await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
        const [row] = rowsOf(await ti.lookupIocs(["45.83.66.10"]));
        assert.equal(row.Status, status);
        assert.match(row.Details, expected, row.Details);
      });
    } finally {
      for (const p of Object.values(ti.loadedProviders)) p.close();
      await proxy.close();
    }
  }
});

test("a TI row names a socks5 ALL_PROXY as refused (no credentials), not a silent direct lookup", async () => {
  const { TILookup } = await import("../../src/context/tiLookup.js");
  const { writeConfig, tempDir } = await import("./tiTwins.js");
  const ti = new TILookup({ configPath: writeConfig(tempDir(), { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: "http://ti.example.test:8080", Retries: 0, TimeoutSeconds: 30 } }) });
  try {
    await withEnv({ ALL_PROXY: "socks5://carol:s0cks-Pa55@10.9.8.7:1080" }, async () => {
      const [row] = rowsOf(await ti.lookupIocs(["45.83.66.10"]));
      assert.notEqual(row.Status, 0);
      assert.match(row.Details, /ALL_PROXY names a socks5 proxy \(socks5:\/\/10\.9\.8\.7:1080\)/, row.Details);
      assert.doesNotMatch(row.Details, /s0cks-Pa55|carol/);
    });
  } finally {
    for (const p of Object.values(ti.loadedProviders)) p.close();
  }
});
