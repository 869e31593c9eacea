/** The shared live HTTP client: masking of echoed secrets, JSON errors, network errors, URL rule, TLS default. */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createLiveHttp } from "../../../src/data/live/http";
import { isLoopbackHost } from "../../../src/data/live/urls";
import { SecretMasker } from "../../../src/config/secrets";
import { QueryError } from "../../../src/data/messages";

const SECRET = "sk-live-0123456789abcdef";
const SPACED = "correct  horse\tbattery staple";
let server: http.Server;
let base = "";
let hits = 0;

before(async () => {
  server = http.createServer((req, res) => {
    hits += 1;
    if (req.url === "/echo") {
      // A badly behaved service that echoes the credentials it got.
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end(`bad request for key ${SECRET} (auth: ${req.headers.authorization})`);
    } else if (req.url === "/echo-long") {
      // The secret straddles the 300 characters a message shows.
      res.writeHead(401, { "Content-Type": "text/plain" });
      res.end(`${"x".repeat(280)} token=${SECRET}`);
    } else if (req.url === "/echo-spaced") {
      // A passphrase with a run of spaces and a tab, echoed (the excerpt joins whitespace runs).
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`upstream failed for credentials ${SPACED} on /login`);
    } else if (req.url === "/reset-mid-body") {
      // Every other request: the connection is reset after half the body.
      res.writeHead(200, { "Content-Type": "application/json" });
      if (hits % 2) {
        res.write('{"tables": [');
        setTimeout(() => res.socket?.destroy(), 10);
      } else res.end('{"tables": []}');
    } else if (req.url === "/redirect") {
      res.writeHead(302, { Location: `http://user:${SECRET}@127.0.0.2:9/sso?x=1` });
      res.end();
    } else if (req.url === "/deep") {
      // JSON, with a 64-bit integer (read exactly, through a reviver that recurses per level) and 100k levels.
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(`{"id":1152921504606846977,"v":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    } else if (req.url === "/big") {
      // A Splunk export streamed in lines, 2 MiB in all, no Content-Length (as splunkd streams it).
      res.writeHead(200, { "Content-Type": "application/json" });
      const line = `${JSON.stringify({ preview: false, offset: 0, result: { a: "x".repeat(1000) } })}\n`;
      for (let i = 0; i < 2048; i += 1) res.write(line);
      res.end();
    } else if (req.url === "/throttle-long" || req.url === "/throttle-date") {
      // Log Analytics' throttling: 429 with the wait in seconds, or as an HTTP date (5 min away).
      const wait = req.url === "/throttle-long" ? "300" : new Date(Date.now() + 300_000).toUTCString();
      res.writeHead(429, { "Content-Type": "application/json", "Retry-After": wait });
      res.end(JSON.stringify({ error: { code: "ThrottledError", message: "Your request was throttled" } }));
    } else if (req.url === "/notjson") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("<html>proxy error</html>");
    } else if (req.url === "/date-retry") {
      res.writeHead(hits % 2 ? 503 : 200, { "Retry-After": new Date(Date.now() - 1000).toUTCString() });
      res.end("{}");
    } else {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ok: true, method: req.method }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const masker = new SecretMasker([SECRET, SPACED]);
const client = createLiveHttp({ mask: (t) => masker.mask(t), retries: 2, retryBackoffMs: 1 });
const signal = () => new AbortController().signal;

describe("live HTTP client", () => {
  it("a redirect names its Location (without user info) and says it is not followed (was a bare `HTTP 302: `)", async () => {
    const before = hits;
    const err = await client.request({ method: "GET", url: `${base}/redirect`, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http");
    assert.equal(hits - before, 1, "not retried, not followed");
    assert.equal(err.message, `GET ${base}/redirect: HTTP 302 redirect to http://127.0.0.2:9/sso?x=1 not followed (huntlab never sends credentials to another address); check the provider's URL setting (Url, Endpoint, Cluster, host…)`);
    assert.ok(!err.message.includes(SECRET) && !err.message.includes("user:"));
  });

  it("masks a secret echoed by the service (plain and base64 in a Basic header)", async () => {
    const basic = `Basic ${Buffer.from(`user:${SECRET}`).toString("base64")}`;
    const err = await client.request({ method: "POST", url: `${base}/echo`, headers: { Authorization: basic }, body: { key: SECRET }, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http");
    assert.match(err.message, /HTTP 400/);
    assert.ok(!err.message.includes(SECRET));
    assert.ok(!err.message.includes(Buffer.from(`user:${SECRET}`).toString("base64")));
    assert.match(err.message, /\*\*\*\*/);
  });

  it("masks a secret that the message's excerpt cuts in two (its first part was shown)", async () => {
    const err = await client.request({ method: "GET", url: `${base}/echo-long`, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http");
    assert.ok(!err.message.includes(SECRET.slice(0, 10)), err.message);
    assert.match(err.message, /token=\*\*\*\*/);
  });

  it("masks a secret holding whitespace runs, which the excerpt joins into one space (it showed whole)", async () => {
    const err = await client.request({ method: "GET", url: `${base}/echo-spaced`, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http");
    assert.ok(!/horse|battery/.test(err.message), err.message);
    assert.match(err.message, /credentials \*\*\*\* on/);
    assert.equal(masker.mask("x correct horse battery staple y"), "x **** y", "the joined form is masked wherever it shows");
  });

  it("retries a connection reset in the middle of the body, as one before the status line", async () => {
    hits = 0;
    const res = await client.request({ method: "POST", url: `${base}/reset-mid-body`, body: { q: 1 }, signal: signal() });
    assert.deepEqual(res.data, { tables: [] });
    assert.equal(hits, 2);
    const once = createLiveHttp({ mask: (t) => t, retries: 0 });
    hits = 0;
    await assert.rejects(once.request({ method: "POST", url: `${base}/reset-mid-body`, signal: signal() }), /stream has been aborted/);
  });

  it("a kept-alive connection closed by the server as the next request goes out on it is asked again on a new one, even with Retries 0 (the query failed with ECONNRESET)", async () => {
    // The keep-alive race's outcome without its timing: the server closes an idle connection (its keepAliveTimeout,
    // a proxy's idle limit) while a busy client, its event loop blocked in a cell, is writing the next request on it.
    for (const close of ["hang up", "reset"] as const) {
      let asked = 0;
      const requestsOn = new WeakMap<object, number>();
      const racy = http.createServer((req, res) => {
        asked += 1;
        const n = (requestsOn.get(req.socket) ?? 0) + 1;
        requestsOn.set(req.socket, n);
        if (n > 1) return close === "reset" ? req.socket.resetAndDestroy() : req.socket.destroy();
        res.end(JSON.stringify({ n: asked }));
      });
      await new Promise<void>((r) => racy.listen(0, "127.0.0.1", r));
      try {
        const url = `http://127.0.0.1:${(racy.address() as AddressInfo).port}/q`;
        const once = createLiveHttp({ mask: (t) => t, retries: 0 });
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push((await once.request({ method: "POST", url, body: { i }, signal: signal() })).data);
        // The 2nd and 3rd requests each went out on the kept-alive connection first (closed), then on a new one.
        assert.deepEqual(answers, [{ n: 1 }, { n: 3 }, { n: 5 }], close);
        // A new connection's reset is still an error when retries are 0: only a reused connection's is sent again.
        const fresh = http.createServer((req) => req.socket.resetAndDestroy());
        await new Promise<void>((r) => fresh.listen(0, "127.0.0.1", r));
        try {
          await assert.rejects(once.request({ method: "GET", url: `http://127.0.0.1:${(fresh.address() as AddressInfo).port}/`, signal: signal() }), /ECONNRESET/);
        } finally {
          await new Promise((r) => fresh.close(r));
        }
      } finally {
        racy.closeAllConnections();
        await new Promise((r) => racy.close(r));
      }
    }
  });

  it("an answer past the body limit says the limit, that nothing was returned, and how to split (was axios' `maxContentLength size of 1048576 exceeded`)", async () => {
    const client = createLiveHttp({ mask: (t) => t, maxBodyBytes: 1024 * 1024, retryBackoffMs: 1 });
    const before = hits;
    await assert.rejects(client.request({ method: "POST", url: `${base}/big`, body: "search=x", signal: AbortSignal.timeout(20_000), responseType: "text" }), (err: QueryError) => {
      assert.equal(err.code, "data/live-http");
      assert.match(err.message, /POST http:\/\/127\.0\.0\.1:\d+\/big: the answer is larger than 1 MiB, the most huntlab reads in one answer \(nothing was returned\).*split_query_by/);
      assert.doesNotMatch(err.message, /maxContentLength/);
      return true;
    });
    // Not retried: the same answer would be as large again.
    assert.equal(hits - before, 1);
  });

  it("a 429 whose Retry-After is past the bound says the wait asked for and the bound (it said only `HTTP 429: …`)", async () => {
    const client = createLiveHttp({ mask: (t) => t, retryBackoffMs: 1 });
    for (const path of ["/throttle-long", "/throttle-date"]) {
      const before = hits;
      await assert.rejects(client.request({ method: "POST", url: `${base}${path}`, body: {}, signal: AbortSignal.timeout(20_000) }), (err: QueryError) => {
        assert.equal(err.code, "data/live-http");
        assert.match(err.message, /HTTP 429: .*ThrottledError.*the service asked to wait (?:29\d|300) s \(Retry-After\), longer than the 60 s huntlab waits \(MaxRetryAfterSeconds\): rerun the query after that wait/);
        return true;
      });
      // Not waited for, not retried: five minutes is past what a query waits.
      assert.equal(hits - before, 1, path);
    }
  });

  it("an answer that is not JSON is a clear error; JSON is parsed", async () => {
    await assert.rejects(client.request({ method: "GET", url: `${base}/notjson`, signal: signal() }), /not JSON/);
    const ok = await client.request({ method: "POST", url: `${base}/ok`, body: { a: 1 }, signal: signal() });
    assert.deepEqual(ok.data, { ok: true, method: "POST" });
  });

  it("an answer nested 100,000 levels deep with a 64-bit integer is said to be too deep, not \"not JSON\"", async () => {
    const err = await client.request({ method: "GET", url: `${base}/deep`, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http", String(err));
    assert.match(err.message, /HTTP 200: the answer nests arrays or objects too deeply to read: /);
  });

  it("honours a Retry-After HTTP date", async () => {
    hits = 0;
    const res = await client.request({ method: "GET", url: `${base}/date-retry`, signal: signal() });
    assert.equal(res.status, 200);
    assert.equal(hits, 2);
  });

  it("a refused connection is a data/live-http error naming the request without its query string", async () => {
    const err = await client.request({ method: "GET", url: `http://127.0.0.1:1/x?key=${SECRET}`, signal: signal() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-http");
    assert.match(err.message, /GET http:\/\/127\.0\.0\.1:1\/x/);
    assert.ok(!err.message.includes(SECRET));
  });

  it("plain http only to loopback hosts", async () => {
    await assert.rejects(client.request({ method: "GET", url: "http://example.com/x", signal: signal() }), (e: unknown) => e instanceof QueryError && e.code === "data/live-url");
    for (const h of ["127.0.0.1", "127.8.9.1", "localhost", "[::1]", "api.localhost"]) assert.ok(isLoopbackHost(h), h);
    for (const h of ["10.0.0.1", "localhost.example.com", "128.0.0.1", "::2", "example.com"]) assert.ok(!isLoopbackHost(h), h);
  });
});
