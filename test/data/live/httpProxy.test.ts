/** The live HTTP client and the proxy environment variables: through a real little proxy on 127.0.0.1. */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createLiveHttp } from "../../../src/data/live/http";
import { startProxy, startTlsServer } from "../../twins/proxy";
import { withProxyEnv as withEnv } from "../../helpers/proxyEnv";

const SECRET = "sk-live-proxy-0123456789";
const mask = (t: string) => t.replaceAll(SECRET, "****");

test("an https request goes through HTTPS_PROXY as a CONNECT tunnel (credentials on the CONNECT only, nothing in clear)", async () => {
  const proxy = await startProxy();
  const target = await startTlsServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}'));
  try {
    await withEnv({ HTTPS_PROXY: `http://alice:pr%40xy-pw@127.0.0.1:${proxy.port}` }, async () => {
      const client = createLiveHttp({ mask, retries: 0, verifyTls: false });
      const res = await client.request({ method: "GET", url: `https://live.example.test:${target.port}/search?q=1`, headers: { Authorization: `Bearer ${SECRET}` }, signal: AbortSignal.timeout(20_000) });
      assert.deepEqual(res.data, { ok: true });
    });
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT live.example.test:${target.port}`]);
    assert.equal(proxy.seen[0].headers["proxy-authorization"], `Basic ${Buffer.from("alice:pr@xy-pw").toString("base64")}`);
    assert.deepEqual(target.requests, ["GET /search?q=1"]);
    const clear = Buffer.concat(proxy.tunnelled).toString("latin1");
    assert.ok(clear.length > 0 && !clear.includes(SECRET) && !clear.includes("/search"), "the tunnel carries TLS, not the request in clear");
  } finally {
    await target.close();
    await proxy.close();
  }
});

test("TLS verification of the target still holds through the tunnel", async () => {
  const proxy = await startProxy();
  const target = await startTlsServer((_req, res) => res.writeHead(200).end("{}"));
  try {
    await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
      const client = createLiveHttp({ mask, retries: 0 });
      await assert.rejects(client.request({ method: "GET", url: `https://live.example.test:${target.port}/`, signal: AbortSignal.timeout(20_000) }), /self[- ]signed|certificate/i);
    });
    assert.equal(proxy.seen.length, 1);
    assert.deepEqual(target.requests, []);
  } finally {
    await target.close();
    await proxy.close();
  }
});

test("loopback targets and NO_PROXY hosts are reached directly", async () => {
  const proxy = await startProxy();
  const server = http.createServer((_req, res) => res.writeHead(200).end("{}"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await withEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, async () => {
      const client = createLiveHttp({ mask, retries: 0 });
      const res = await client.request({ method: "GET", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, signal: AbortSignal.timeout(20_000) });
      assert.equal(res.status, 200);
    });
    assert.equal(proxy.seen.length, 0);
  } finally {
    server.close();
    await proxy.close();
  }
});

test("an unreachable proxy is named (without its password) in the error, with the target", async () => {
  const proxy = await startProxy();
  const port = proxy.port;
  await proxy.close();
  await withEnv({ https_proxy: `http://alice:pr0xy-Pa55@127.0.0.1:${port}` }, async () => {
    const client = createLiveHttp({ mask, retries: 0 });
    await assert.rejects(
      client.request({ method: "GET", url: "https://live.example.test/x", signal: AbortSignal.timeout(20_000) }),
      (err: Error) => {
        assert.match(err.message, new RegExp(`proxy http://127\\.0\\.0\\.1:${port} \\(https_proxy\\)`), err.message);
        assert.match(err.message, /live\.example\.test/);
        assert.doesNotMatch(err.message, /pr0xy-Pa55|alice/);
        return true;
      },
    );
  });
});

test("a proxy refusing the tunnel is named: 407 asks for the proxy's credentials, a 403 says it may be the proxy's own answer", async () => {
  for (const [status, expected] of [
    [407, /the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) asks for credentials \(HTTP 407/],
    [403, /HTTP 403: .*sent through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/],
  ] as const) {
    const proxy = await startProxy({ refuseConnect: status });
    try {
      await withEnv({ HTTPS_PROXY: proxy.url }, async () => {
        const client = createLiveHttp({ mask, retries: 0 });
        await assert.rejects(client.request({ method: "GET", url: "https://live.example.test/x", signal: AbortSignal.timeout(20_000) }), (err: Error) => expected.test(err.message) || assert.fail(err.message));
      });
    } finally {
      await proxy.close();
    }
  }
});

test("ALL_PROXY carries a request when HTTPS_PROXY is unset; a socks5 ALL_PROXY is refused, naming it (no credentials)", async () => {
  const proxy = await startProxy();
  const port = proxy.port;
  await proxy.close();
  const client = createLiveHttp({ mask, retries: 0 });
  const send = () => client.request({ method: "GET", url: "https://live.example.test/x", signal: AbortSignal.timeout(20_000) });
  await withEnv({ ALL_PROXY: `http://127.0.0.1:${port}` }, async () => {
    await assert.rejects(send(), new RegExp(`proxy http://127\\.0\\.0\\.1:${port} \\(ALL_PROXY\\)`));
  });
  await withEnv({ all_proxy: "socks5://carol:s0cks-Pa55@10.9.8.7:1080" }, async () => {
    await assert.rejects(send(), (err: Error) => (/all_proxy names a socks5 proxy \(socks5:\/\/10\.9\.8\.7:1080\)/.test(err.message) && !/carol|s0cks-Pa55/.test(err.message)) || assert.fail(err.message));
  });
});
