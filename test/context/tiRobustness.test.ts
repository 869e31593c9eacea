/**
 * Real-world conditions against loopback twins: retries with backoff and
 * Retry-After, timeouts, invalid bodies, refused and dropped connections,
 * auth failures, the concurrency limit (measured at the server), duplicate
 * observables, and the memory and disk caches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import pl from "nodejs-polars";
import { TILookup } from "../../src/context/tiLookup";
import { parseRetryAfter } from "../../src/context/tiHttp";
import { isSkipped } from "../../src/context/tiProvider";
import { TIProgress } from "../../src/context/tiProgress";
import { browseResults } from "../../src/vis/tiBrowser";
import { harness, rowsOf, byIoc } from "./tiHelpers";
import * as svc from "./tiServices";
import { closedPort, FAKE_KEY, startTwin, tempDir, writeConfig, type Handler } from "./tiTwins";
import { settledWithin } from "../helpers/race";

const ROOT = path.resolve(__dirname, "..", "..");
const ips = (n: number, base = 20) => Array.from({ length: n }, (_, i) => `${base}.${Math.floor(i / 250) + 1}.${(i % 250) + 1}.9`);

test("parseRetryAfter: delta seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("2"), 2000);
  assert.equal(parseRetryAfter("0.5"), 500);
  const now = Date.parse("2024-05-01T10:00:00Z");
  assert.equal(parseRetryAfter("Wed, 01 May 2024 10:00:03 GMT", now), 3000);
  assert.equal(parseRetryAfter("Wed, 01 May 2024 09:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon"), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test("429 with Retry-After: waits as told, then succeeds", async () => {
  let calls = 0;
  const handler: Handler = (req) => {
    calls += 1;
    if (calls === 1) return { status: 429, headers: { "Retry-After": "0.4" }, json: { message: "slow down" } };
    return svc.greyNoiseCommunity(req);
  };
  const h = await harness("GreyNoise", handler, { Retries: 2, RetryBackoffSeconds: 5 });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
    assert.deepEqual([row.Status, row.Severity], [0, "high"]);
    assert.equal(h.twin.requests.length, 2);
    const gap = h.twin.requests[1].at - h.twin.requests[0].at;
    assert.ok(gap >= 380 && gap < 2000, `retry after ${gap} ms: Retry-After (0.4 s) wins over the 5 s backoff`);
  } finally {
    await h.close();
  }
});

test("429 every time: gives up after the configured retries with a readable row", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Retries: 1 });
  try {
    const t0 = Date.now();
    const [row] = rowsOf(await h.ti.lookupIoc("5.5.5.29"));
    assert.equal(h.twin.requests.length, 2);
    assert.ok(Date.now() - t0 >= 950, "honoured Retry-After: 1");
    assert.deepEqual([row.Status, row.Result, row.Severity], [429, false, "unknown"]);
    assert.equal(row.Details, 'Rate limited (HTTP 429) after 1 retry. The answer said: "Too many requests"');
    assert.equal(JSON.parse(row.RawResult).status, 429);
  } finally {
    await h.close();
  }
});

/**
 * "No waiting" against a reference timer of half MaxRetryAfterSeconds started before the lookup: a client that
 * waits (Retry-After, or MaxRetryAfterSeconds at most) starts a timer due later, so it loses however loaded the
 * machine (half: a timer due in the reference's turn could still settle in its grace turn); one that does not wait
 * has half a minute for one request to the twin (a wall-clock limit of 1 s failed on a loaded machine).
 */
const MAX_RETRY_AFTER_S = 60;
const NO_WAIT_MS = MAX_RETRY_AFTER_S * 500;

test("Retry-After beyond MaxRetryAfterSeconds: no waiting, and the rest of the batch is skipped", async () => {
  const handler: Handler = () => ({ status: 429, headers: { "Retry-After": "3600" }, json: {} });
  const h = await harness("GreyNoise", handler, { Concurrency: 1, MaxRetryAfterSeconds: MAX_RETRY_AFTER_S });
  try {
    const looked = await settledWithin(h.ti.lookupIocs(["8.8.8.8", "9.9.9.9", "1.1.1.1"]), NO_WAIT_MS);
    assert.ok(looked !== "late", "waited");
    const rows = rowsOf(looked);
    assert.equal(h.twin.requests.length, 1);
    assert.match(rows[0].Details, /asks to wait 3600 s \(Retry-After\), longer than MaxRetryAfterSeconds \(60 s\)/);
    // Not asked: Status queryFailed (3), not the 429 only the first lookup received.
    assert.ok(rows.slice(1).every((r) => r.Status === 3 && r.Severity === "unknown" && r.Details === `Skipped, not looked up: GreyNoise is switched off for the rest of this batch: ${rows[0].Details}`), rows[1].Details);
  } finally {
    await h.close();
  }
});

test("a 5xx whose Retry-After exceeds MaxRetryAfterSeconds says why it was not retried (it gave only the status)", async () => {
  const handler: Handler = () => ({ status: 503, headers: { "Retry-After": "3600" }, json: {} });
  const h = await harness("GreyNoise", handler, { Concurrency: 1, MaxRetryAfterSeconds: MAX_RETRY_AFTER_S });
  try {
    const looked = await settledWithin(h.ti.lookupIoc("8.8.8.8"), NO_WAIT_MS);
    assert.ok(looked !== "late", "waited");
    const [row] = rowsOf(looked);
    assert.equal(h.twin.requests.length, 1);
    assert.equal(row.Status, 503);
    assert.match(row.Details, /^HTTP 503 Service Unavailable: \{\}; the service asks to wait 3600 s \(Retry-After\), longer than MaxRetryAfterSeconds \(60 s\)$/);
  } finally {
    await h.close();
  }
});

test("500: retried with exponential backoff, then a row with the status and body", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Retries: 2, RetryBackoffSeconds: 0.1 });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("5.5.5.50"));
    assert.equal(h.twin.requests.length, 3);
    const [a, b, c] = h.twin.requests.map((r) => r.at);
    assert.ok(b - a >= 95, `first backoff ${b - a} ms`);
    assert.ok(c - b >= 195, `second backoff ${c - b} ms (doubled)`);
    assert.equal(row.Status, 500);
    assert.equal(row.Details, "HTTP 500 Internal Server Error after 2 retries: internal error");
  } finally {
    await h.close();
  }
});

test("a response slower than the timeout becomes a timeout row, on time", async () => {
  // On time: before a reference timer of 1.5 s started when the request reaches the twin (it answers after 2 s); the
  // client's 0.3 s deadline started before the request left, so a loaded machine cannot make it lose.
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const handler: Handler = (req) => {
    arrived();
    return svc.greyNoiseCommunity(req);
  };
  const h = await harness("GreyNoise", handler, { TimeoutSeconds: 0.3 });
  try {
    const t0 = Date.now();
    const looked = await settledWithin(h.ti.lookupIoc("5.5.5.99"), 1500, reached);
    const took = Date.now() - t0;
    assert.ok(looked !== "late", `not a timeout row 1.5 s after the request reached the twin (${took} ms)`);
    assert.ok(took >= 280, `took ${took} ms`);
    const [row] = rowsOf(looked);
    assert.deepEqual([row.Status, row.Result, row.Severity], [3, false, "unknown"]);
    assert.equal(row.Details, `Timed out after 300 ms waiting for 127.0.0.1:${h.twin.port}.`);
  } finally {
    await h.close();
  }
});

test("invalid JSON in a 200 is a failure row, not an exception", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity);
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("5.5.5.77"));
    assert.equal(row.Status, 3);
    assert.equal(row.Details, "GreyNoise returned a response that is not valid JSON: {not json");
    assert.equal(row.RawResult, "{not json");
  } finally {
    await h.close();
  }
});

test("a JSON body of the wrong shape is a failure row naming the provider", async () => {
  const h = await harness("VirusTotal", () => ({ json: { unexpected: true } }));
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("8.8.8.8"));
    assert.equal(row.Status, 3);
    assert.equal(row.Details, "VirusTotal returned an unexpected response: no `data` object");
  } finally {
    await h.close();
  }
});

test("connection refused: rows say so; after 3 in a row the rest of the batch is skipped", async () => {
  const dir = tempDir();
  const url = await closedPort();
  const configPath = writeConfig(dir, { GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: url, Concurrency: 1, Retries: 0 } });
  const ti = new TILookup({ configPath });
  const rows = rowsOf(await ti.lookupIocs(ips(6)));
  const host = new URL(url).host;
  assert.deepEqual(rows.slice(0, 3).map((r) => r.Details), new Array(3).fill(`Connection refused by ${host}.`));
  assert.ok(rows.slice(3).every((r) => r.Details === `Skipped, not looked up: GreyNoise is switched off for the rest of this batch: 3 lookups in a row failed (last: Connection refused by ${host}.)`));
  assert.ok(rows.every((r) => r.Status === 3 && r.Severity === "unknown" && r.Result === false));
});

test("a dropped connection is retried, then reported", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Retries: 1 });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("5.5.5.88"));
    assert.equal(h.twin.requests.length, 2);
    assert.equal(row.Status, 3);
    assert.match(row.Details, /reset|hang up/i);
  } finally {
    await h.close();
  }
});

test("redirects are not followed: the key headers never reach another address", async () => {
  const elsewhere = await startTwin(() => ({ json: { ip: "x", classification: "malicious" } }));
  const h = await harness("GreyNoise", () => ({ status: 302, headers: { Location: `${elsewhere.url}/collect` }, text: "" }));
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
    assert.equal(elsewhere.requests.length, 0);
    assert.equal(row.Status, 302);
    assert.equal(row.Details, `HTTP 302 redirect to ${elsewhere.url}/collect not followed (keys are never sent to another address); check GreyNoise's BaseUrl.`);
  } finally {
    await h.close();
    await elsewhere.close();
  }
});

test("401: one request, the rest of the batch is skipped with the same reason", async () => {
  const h = await harness("VirusTotal", svc.virusTotal, { Args: { AuthKey: "wrong-key-123" }, Concurrency: 1 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(["8.8.8.8", "9.9.9.9", "1.1.1.1", "wh401k.org"]));
    assert.equal(h.twin.requests.length, 1);
    assert.equal(rows[0].Status, 401);
    assert.equal(rows[0].Details, "Authorization failed (HTTP 401). Check VirusTotal's AuthKey in msticpyconfig.yaml.");
    // Worded, graded and coded as every skipped row (it was "Skipped: " and the first row's 401).
    assert.ok(rows.slice(1).every((r) => r.Status === 3 && r.Severity === "unknown" && r.Result === false && r.Details === `Skipped, not looked up: VirusTotal is switched off for the rest of this batch: ${rows[0].Details}`));
    assert.match(rows[0].RawResult, /WrongCredentialsError/);
  } finally {
    await h.close();
  }
});

test("a provider switched off by the circuit breaker: the TI browser's list, text and panels say not looked up (it was \"(no hits)\", as a clean answer), and the progress counts them so", async () => {
  const h = await harness("VirusTotal", svc.virusTotal, { Args: { AuthKey: "wrong-key-123" }, Concurrency: 1 });
  try {
    const df = await h.ti.lookupIocs(["8.8.8.8", "9.9.9.9", "1.1.1.1"]);
    const rows = rowsOf(df);
    assert.ok(rows.slice(1).every((r) => isSkipped({ details: r.Details })));
    // Every lookup failed or skipped: not looked up, in the text form, the static list and the live list's data.
    const view = browseResults(df, { severities: "all" });
    const text = view.toText().split("\n");
    for (const ip of ["8.8.8.8", "9.9.9.9", "1.1.1.1"]) {
      const line = text.find((l) => l.startsWith(ip)) ?? "";
      assert.match(line, /providers: \[VirusTotal\]  \(not looked up\)$/, line);
    }
    // The static blocks (the client bundle's own text aside).
    const html = view.toHtml().replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
    assert.equal((html.match(/<span class="hl-tib-nohit">\(not looked up\)<\/span>/g) ?? []).length, 3);
    assert.ok(!html.includes("(no hits)"));
    assert.equal((html.match(/<p class="hl-tib-facts">not looked up (· query [^<·]+ )?· result false · status (401|3)<\/p>/g) ?? []).length, 3);
    // Beside a provider that answered (a clean GreyNoise row): no hits from it, and which provider was not asked.
    const clean = df.slice(1, 1).withColumns(
      pl.lit("GreyNoise").alias("Provider"),
      pl.lit(0).cast(df.getColumn("Status").dtype).alias("Status"),
      pl.lit("information").alias("Severity"),
      pl.lit("Not found.").alias("Details"),
    );
    const mixed = browseResults(pl.concat([df, clean], { how: "vertical" }), { severities: "all" }).toText();
    assert.match(mixed, /^9\.9\.9\.9 .*providers: \[VirusTotal, GreyNoise\]  \(no hits; not looked up: VirusTotal\)$/m);
    // The progress: not looked up, not failed (the lookup that got the 401 failed).
    const progress = new TIProgress([{ name: "VirusTotal", total: 3 }], 3, false);
    rows.forEach((r) => progress.record(0, { status: r.Status, result: r.Result, severity: r.Severity as "unknown", details: r.Details }, false));
    assert.deepEqual([progress.tallies[0].failed, progress.tallies[0].skipped], [1, 2]);
  } finally {
    await h.close();
  }
});

test("403 and 404 are rows with MSTICPy's wording", async () => {
  const h = await harness("OTX", svc.otx, { Args: { AuthKey: "not-the-key" } });
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("8.8.8.8"));
    assert.equal(row.Status, 403);
    assert.match(row.Details, /^Request forbidden \(HTTP 403\)/);
  } finally {
    await h.close();
  }
  const g = await harness("GreyNoise", svc.greyNoiseCommunity);
  try {
    const [row] = rowsOf(await g.ti.lookupIoc("5.5.5.44"));
    assert.deepEqual([row.Status, row.Details, row.Severity], [404, "Not found.", "information"]);
  } finally {
    await g.close();
  }
});

test("a 403's Details quote the service's own message: cut to 200 characters, control characters removed, the key masked", async () => {
  // Services echo the key they refused; a body is attacker-controlled text (terminal escapes, bidi marks).
  const said = `Daily quota exceeded for key ${FAKE_KEY}\u001b[31m\u0007 \u202eupgrade at https://example.com/plans ${"x".repeat(400)}`;
  const forms: [string, Handler][] = [
    ["{message}", () => ({ status: 403, json: { message: said } })],
    ["{error: {message}}", () => ({ status: 403, json: { error: { code: "Forbidden", message: said } } })],
    // The key JSON-escaped (\u0068 is "h"): the masker reads the body's text, the quote its parsed message.
    ["escaped key", () => ({ status: 403, headers: { "Content-Type": "application/json" }, text: JSON.stringify({ detail: said }).replace(FAKE_KEY, `\\u0068${FAKE_KEY.slice(1)}`) })],
  ];
  for (const [form, handler] of forms) {
    const h = await harness("GreyNoise", handler);
    try {
      const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
      assert.equal(row.Status, 403, form);
      const quoted = /^Request forbidden \(HTTP 403\)\. .* The answer said: "(.*)"$/.exec(row.Details)?.[1];
      assert.ok(quoted, `${form}: ${row.Details}`);
      assert.match(quoted, /^Daily quota exceeded for key \S+ \[31m upgrade at https:\/\/example\.com\/plans x+…$/, form);
      assert.ok(quoted.length <= 201, `${form}: ${quoted.length} characters`);
      assert.ok(!row.Details.includes(FAKE_KEY) && !row.Details.includes(FAKE_KEY.slice(1)), `${form}: the key is masked`);
      assert.doesNotMatch(row.Details, /[\u0000-\u001f\u007f-\u009f\u202e]/, form);
    } finally {
      await h.close();
    }
  }
});

test("the concurrency limit holds at the server", async () => {
  for (const limit of [1, 3, 8]) {
    // Answers held until `limit` requests are in (or all 30, or 10 s passed): on a loaded machine the client sent
    // the next request after the 30 ms answers went out and the peak stayed under the limit.
    const held: (() => void)[] = [];
    let twin: { requests: unknown[] } | undefined;
    const answer = (req: Parameters<Handler>[0]) => ({ ...svc.greyNoiseCommunity(req), delayMs: 30 }) as Awaited<ReturnType<Handler>>;
    const handler: Handler = (req) =>
      new Promise((resolve) => {
        const fallback = setTimeout(() => resolve(answer(req)), 10_000);
        held.push(() => (clearTimeout(fallback), resolve(answer(req))));
        if (held.length >= limit || twin?.requests.length === 30) for (const release of held.splice(0)) release();
      });
    const h = await harness("GreyNoise", handler, { Concurrency: limit });
    twin = h.twin;
    try {
      const rows = rowsOf(await h.ti.lookupIocs(ips(30)));
      assert.equal(rows.length, 30);
      assert.equal(h.twin.requests.length, 30);
      assert.equal(h.twin.maxInFlight, limit, `limit ${limit}: peak ${h.twin.maxInFlight} in flight`);
    } finally {
      await h.close();
    }
  }
});

test("duplicate observables are looked up once; one row per distinct value", async () => {
  const h = await harness("GreyNoise", (req) => ({ ...(svc.greyNoiseCommunity(req) as object), delayMs: 20 }));
  try {
    const df = pl.DataFrame({ IpAddress: ["45.83.66.10", "8.8.8.8", "45.83.66.10", null, "", "8.8.8.8", "45.83.66.10"] });
    const rows = rowsOf(await h.ti.lookupIocs(df, { obsCol: "IpAddress" }));
    assert.deepEqual(rows.map((r) => r.Ioc), ["45.83.66.10", "8.8.8.8"]);
    assert.equal(h.twin.requests.length, 2);
    // Values that normalise alike share a request but keep their own rows (one row for all three lost the
    // exact values: a join of the results back onto the data on Ioc dropped their rows).
    const more = rowsOf(await h.ti.lookupIocs(["9.9.9.9", " 9.9.9.9", "9.9.9.9 "]));
    assert.deepEqual(more.map((r) => r.Ioc), ["9.9.9.9", " 9.9.9.9", "9.9.9.9 "]);
    assert.deepEqual(new Set(more.map((r) => r.SafeIoc)), new Set(["9.9.9.9"]));
    assert.equal(h.twin.requests.length, 3);
  } finally {
    await h.close();
  }
});

test("concurrent lookups of one observable on one TILookup share one request and one cache entry", async () => {
  const cacheDir = tempDir();
  const h = await harness("VirusTotal", (req) => ({ ...(svc.virusTotal(req) as object), delayMs: 100 }), { Cache: { Path: cacheDir } });
  try {
    // A cell re-run while the first run still waits: each call sent its own request (VirusTotal's free key: 4 a minute).
    const [a, b] = await Promise.all([h.ti.lookupIoc("45.83.66.10"), h.ti.lookupIoc("45.83.66.10")]);
    assert.equal(h.twin.requests.length, 1);
    assert.deepEqual(rowsOf(b), rowsOf(a));
    assert.equal(rowsOf(a)[0].Severity, "high");
    // Spellings the cache key normalises alike, in two calls and within one.
    const [c, d] = await Promise.all([h.ti.lookupIocs(["WH401K.org"]), h.ti.lookupIocs(["wh401k.org", "Wh401k.ORG"])]);
    assert.equal(h.twin.requests.length, 2);
    assert.deepEqual(rowsOf(c).map((r) => [r.Ioc, r.SafeIoc, r.Severity]), [["WH401K.org", "wh401k.org", "warning"]]);
    assert.deepEqual(rowsOf(d).map((r) => [r.Ioc, r.Severity]), [["wh401k.org", "warning"], ["Wh401k.ORG", "warning"]]);
    // As sequential calls: the next one is answered from the cache, with the same rows.
    assert.deepEqual(rowsOf(await h.ti.lookupIoc("45.83.66.10")), rowsOf(a));
    assert.equal(h.twin.requests.length, 2);
    const [file] = fs.readdirSync(cacheDir);
    const keys = fs.readFileSync(path.join(cacheDir, file), "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { k: string }).k);
    assert.deepEqual(keys, ["ipv4|45.83.66.10", "dns|wh401k.org"], "one cache line per key");
  } finally {
    await h.close();
  }
});

test("concurrent lookups answered 429 share the answer, which is not cached", async () => {
  const h = await harness("VirusTotal", (req) => ({ ...(svc.virusTotal(req) as object), ...(req.path.endsWith("/5.5.5.29") ? { status: 429, json: { error: { code: "QuotaExceededError" } } } : {}), delayMs: 100 }), {
    Retries: 0,
  });
  try {
    const [a, b] = await Promise.all([h.ti.lookupIoc("5.5.5.29"), h.ti.lookupIoc("5.5.5.29")]);
    assert.equal(h.twin.requests.length, 1);
    assert.deepEqual(rowsOf(b), rowsOf(a));
    assert.deepEqual([rowsOf(a)[0].Status, rowsOf(a)[0].Details], [429, 'Rate limited (HTTP 429). The answer said: "QuotaExceededError"']);
    await h.ti.lookupIoc("5.5.5.29");
    assert.equal(h.twin.requests.length, 2, "a throttled answer is asked again");
  } finally {
    await h.close();
  }
});

test("memory cache: a second run sends nothing; failures are not cached", async () => {
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Retries: 0 });
  try {
    const first = rowsOf(await h.ti.lookupIocs(["45.83.66.10", "9.9.9.9", "5.5.5.50"]));
    assert.equal(h.twin.requests.length, 3);
    const second = rowsOf(await h.ti.lookupIocs(["45.83.66.10", "9.9.9.9", "5.5.5.50"]));
    assert.deepEqual(second, first);
    assert.equal(h.twin.requests.length, 4, "only the 500 is asked again");
    assert.equal(h.twin.requests[3].path, "/v3/community/5.5.5.50");
  } finally {
    await h.close();
  }
});

test("disk cache: a new TILookup (a new kernel) reads answers from disk until the TTL ends", async (t) => {
  // The clock moves only when told: on a loaded machine 0.6 s of wall time could pass before the new TILookup reads.
  t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const cacheDir = tempDir();
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Cache: { Path: cacheDir, TtlSeconds: 0.6 } });
  try {
    const first = rowsOf(await h.ti.lookupIocs(["45.83.66.10", "9.9.9.9"]));
    assert.equal(h.twin.requests.length, 2);
    const files = fs.readdirSync(cacheDir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^GreyNoise-[0-9a-f]{16}\.ndjson$/);
    const fresh = new TILookup({ configPath: h.configPath });
    assert.deepEqual(rowsOf(await fresh.lookupIocs(["45.83.66.10", "9.9.9.9"])), first);
    assert.equal(h.twin.requests.length, 2, "answered from disk");
    t.mock.timers.tick(700);
    const later = new TILookup({ configPath: h.configPath });
    await later.lookupIocs(["45.83.66.10"]);
    assert.equal(h.twin.requests.length, 3, "expired entries are looked up again");
  } finally {
    await h.close();
  }
});

test("TILookup's cacheDir option puts every provider's cache there; a corrupt cache line is skipped", async () => {
  const cacheDir = tempDir();
  const h = await harness("GreyNoise", svc.greyNoiseCommunity);
  try {
    const ti = new TILookup({ configPath: h.configPath, cacheDir });
    await ti.lookupIocs(["45.83.66.10"]);
    const [file] = fs.readdirSync(cacheDir);
    fs.appendFileSync(`${cacheDir}/${file}`, "{torn line\n");
    const again = new TILookup({ configPath: h.configPath, cacheDir });
    const [row] = rowsOf(await again.lookupIoc("45.83.66.10"));
    assert.equal(row.Severity, "high");
    assert.equal(h.twin.requests.length, 1);
  } finally {
    await h.close();
  }
});

test("an answer nested thousands of levels deep is a failure row; the batch and the disk cache go on", async () => {
  // ~9 KB of `[[[…]]]`: writing it to the cache overflowed the stack and the whole batch was lost.
  const deep = "[".repeat(4500) + "]".repeat(4500);
  const handler: Handler = (req) => (req.path.includes("6.6.6.6") ? { text: `{"data":{"attributes":{"last_analysis_stats":{"malicious":5},"tags":${deep}}}}` } : svc.virusTotal(req));
  const h = await harness("VirusTotal", handler, { Cache: { Path: tempDir() } });
  try {
    const r = byIoc(rowsOf(await h.ti.lookupIocs(["6.6.6.6", "45.83.66.10"])));
    assert.equal(r["6.6.6.6"].Status, 3);
    assert.equal(r["6.6.6.6"].Details, "VirusTotal returned JSON nested more than 64 levels deep: not read");
    assert.equal(r["45.83.66.10"].Severity, "high");
  } finally {
    await h.close();
  }
});

test("a cache line of another shape (a number or null reference) is skipped: later lookups still work", async () => {
  const cacheDir = tempDir();
  const h = await harness("VirusTotal", svc.virusTotal, { Cache: { Path: cacheDir } });
  try {
    await h.ti.lookupIocs(["8.8.8.8"]);
    const [file] = fs.readdirSync(cacheDir);
    const e = Date.now() + 3_600_000;
    const foreign = (reference: unknown) => JSON.stringify({ k: "ipv4|45.83.66.10", e, v: { result: true, severity: "high", status: 0, details: "x", rawResult: "", reference } });
    fs.appendFileSync(path.join(cacheDir, file), `${foreign(123)}\n${foreign(null)}\n${JSON.stringify({ k: "ipv4|45.83.66.10", e, v: { result: true, severity: "high", status: 0, rawResult: "" } })}\n`);
    const again = new TILookup({ configPath: h.configPath });
    const r = byIoc(rowsOf(await again.lookupIocs(["45.83.66.10", "8.8.8.8"])));
    assert.equal(r["45.83.66.10"].Status, 0);
    assert.match(String(r["45.83.66.10"].Details), /Malicious/, "looked up again, not the foreign line's x");
    for (const p of Object.values(again.loadedProviders)) p.close();
  } finally {
    await h.close();
  }
});

test("disk cache: a shorter TtlSeconds expires entries written under a longer one", async () => {
  const cacheDir = tempDir();
  const h = await harness("GreyNoise", svc.greyNoiseCommunity, { Cache: { Path: cacheDir, TtlSeconds: 86400 } });
  try {
    await h.ti.lookupIocs(["45.83.66.10"]);
    assert.equal(h.twin.requests.length, 1);
    fs.writeFileSync(h.configPath, fs.readFileSync(h.configPath, "utf8").replace(/TtlSeconds: 86400/, "TtlSeconds: 0.3"));
    await new Promise((r) => setTimeout(r, 500));
    const later = new TILookup({ configPath: h.configPath });
    await later.lookupIocs(["45.83.66.10"]);
    assert.equal(h.twin.requests.length, 2, "the day-long answer was served under a TTL of 0.3 s");
    for (const p of Object.values(later.loadedProviders)) p.close();
  } finally {
    await h.close();
  }
});

test("several providers in one batch: rows grouped by observable, providers in order", async () => {
  const gn = await harness("GreyNoise", svc.greyNoiseCommunity);
  const vt = await harness("VirusTotal", svc.virusTotal);
  try {
    const dir = tempDir();
    const configPath = writeConfig(dir, {
      GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: gn.twin.url },
      VirusTotal: { Provider: "VirusTotal", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: vt.twin.url },
    });
    const ti = new TILookup({ configPath });
    const rows = rowsOf(await ti.lookupIocs(["45.83.66.10", "wh401k.org"]));
    assert.deepEqual(rows.map((r) => `${r.Ioc}/${r.Provider}/${r.Status}`), ["45.83.66.10/GreyNoise/0", "45.83.66.10/VirusTotal/0", "wh401k.org/GreyNoise/1", "wh401k.org/VirusTotal/0"]);
    const only = byIoc(rowsOf(await ti.lookupIocs(["45.83.66.10"], { providers: ["VirusTotal"] })));
    assert.equal(only["45.83.66.10"].Provider, "VirusTotal");
  } finally {
    await gn.close();
    await vt.close();
  }
});

test("a 404 whose body is not JSON (a proxy page, a wrong BaseUrl) is a failure row, not a cached 'Not found'", async () => {
  const h = await harness("VirusTotal", (req) =>
    req.path.includes("aaaaaaaa")
      ? { status: 404, text: "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>", headers: { "content-type": "text/html" } }
      : req.path.includes("bbbbbbbb")
        ? { status: 404, text: '{"error": {"code": "NotFou' }
        : { status: 404, json: { error: { code: "NotFoundError", message: "not found" } } },
  );
  try {
    const values = ["a".repeat(32), "b".repeat(32), "c".repeat(32)];
    const rows = byIoc(rowsOf(await h.ti.lookupIocs(values)));
    for (const v of values.slice(0, 2)) {
      assert.equal(rows[v].Status, 3, v);
      assert.equal(rows[v].Severity, "unknown");
      assert.match(rows[v].Details, /^VirusTotal answered HTTP 404 with a body that is not JSON/);
    }
    assert.deepEqual([rows["c".repeat(32)].Status, rows["c".repeat(32)].Details], [404, "Not found."], "the service's own 404 is still a not-found row");
    await h.ti.lookupIocs(values);
    assert.equal(h.twin.requests.length, 5, "only the service's not-found answer is cached");
  } finally {
    await h.close();
  }
});

test("disk cache: GreyNoise community and enterprise answers never stand in for each other", async () => {
  const twin = await startTwin((req) => {
    const ip = req.path.split("/").pop();
    if (req.path.startsWith("/v3/community/")) return { json: { ip, noise: true, riot: false, classification: "benign", name: "Shodan", message: "Success" } };
    return { json: { ip, internet_scanner_intelligence: { found: true, classification: "malicious", tags: [] }, business_service_intelligence: { found: false } } };
  });
  try {
    const dir = tempDir();
    const Cache = { Path: `${dir}/cache` };
    const configPath = writeConfig(dir, {
      Community: { Provider: "GreyNoise", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, Cache },
      Enterprise: { Provider: "GreyNoise", Edition: "enterprise", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, Cache },
    });
    const [community] = rowsOf(await new TILookup({ configPath }).lookupIocs(["45.83.66.10"], { providers: ["Community"] }));
    assert.equal(community.Severity, "information");
    // A new kernel (or the same config after `Edition: enterprise` is set) asks the enterprise API.
    const ti = new TILookup({ configPath });
    const [enterprise] = rowsOf(await ti.lookupIocs(["45.83.66.10"], { providers: ["Enterprise"] }));
    assert.deepEqual([enterprise.Severity, enterprise.QuerySubtype], ["high", "enterprise"]);
    assert.deepEqual(twin.requests.map((r) => r.path), ["/v3/community/45.83.66.10", "/v3/ip/45.83.66.10"]);
    for (const p of Object.values(ti.loadedProviders)) p.close();
  } finally {
    await twin.close();
  }
});

test("VirusTotal: a last_analysis_date no date can hold leaves the date out, not the verdict", async () => {
  const h = await harness("VirusTotal", () => ({ json: { data: { id: "x", type: "file", attributes: { last_analysis_stats: { malicious: 5 }, last_analysis_date: 1e20 } } } }));
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("c".repeat(32)));
    assert.deepEqual([row.Status, row.Severity], [0, "high"]);
    assert.equal(JSON.parse(row.Details)["Last Analysis"], undefined);
  } finally {
    await h.close();
  }
});

test("cache namespaces: AbuseIPDB answers over another MaxAgeInDays window are kept apart", () => {
  const dir = tempDir();
  const base = { Provider: "AbuseIPDB", BaseUrl: "https://abuse.example.com" };
  const configPath = writeConfig(dir, {
    Default: { ...base, Args: { AuthKey: FAKE_KEY } },
    Ninety: { ...base, Args: { AuthKey: FAKE_KEY, MaxAgeInDays: 90 } },
    Year: { ...base, Args: { AuthKey: FAKE_KEY, MaxAgeInDays: 365 } },
  });
  const p = new TILookup({ configPath }).loadedProviders;
  assert.equal(p.Default.cacheNamespace, p.Ninety.cacheNamespace);
  assert.notEqual(p.Year.cacheNamespace, p.Default.cacheNamespace);
  for (const x of Object.values(p)) x.close();
});

test("429 after every retry, 3 lookups in a row: the rest of the batch is skipped, not asked", async () => {
  // VirusTotal's public key: 4 lookups a minute, then 429 QuotaExceededError without Retry-After.
  const handler: Handler = () => ({ status: 429, json: { error: { code: "QuotaExceededError", message: "Quota exceeded" } } });
  const h = await harness("VirusTotal", handler, { Concurrency: 1, Retries: 1 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(ips(10)));
    assert.equal(h.twin.requests.length, 6, "3 lookups × 2 attempts");
    assert.ok(rows.slice(0, 3).every((r) => r.Status === 429 && r.Details === 'Rate limited (HTTP 429) after 1 retry. The answer said: "Quota exceeded"'));
    assert.ok(rows.slice(3).every((r) => r.Status === 3 && r.Details.startsWith("Skipped, not looked up: VirusTotal is switched off for the rest of this batch: 3 lookups in a row were rate limited")));
  } finally {
    await h.close();
  }
});

test("a daily cap's 429 (GreyNoise, AbuseIPDB): the row and the batch's skip quote the service's reason, masked", async () => {
  // Only RawResult said it was a daily cap; the skip advised lowering Concurrency, which does not help.
  const caps: [string, Handler, string][] = [
    [
      "GreyNoise",
      () => ({ status: 429, json: { plan: "unauthenticated", "rate-limit": "100-lookups/day", message: `You have hit your daily rate limit of 100 requests per day (key ${FAKE_KEY}).` } }),
      `You have hit your daily rate limit of 100 requests per day (key ****).`,
    ],
    [
      "AbuseIPDB",
      () => ({ status: 429, headers: { "Retry-After": "3600" }, json: { errors: [{ detail: "Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.", status: 429 }] } }),
      "Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.",
    ],
  ];
  for (const [provider, handler, said] of caps) {
    const h = await harness(provider, handler, { Concurrency: 1, Retries: 1, MaxRetryAfterSeconds: MAX_RETRY_AFTER_S });
    try {
      const rows = rowsOf(await h.ti.lookupIocs(ips(5)));
      // GreyNoise's cap has no Retry-After: 3 lookups in a row; AbuseIPDB's Retry-After is past MaxRetryAfterSeconds: the first.
      const limited = provider === "GreyNoise" ? 3 : 1;
      for (const r of rows.slice(0, limited)) assert.ok(r.Status === 429 && r.Details.startsWith("Rate limited (HTTP 429)") && r.Details.endsWith(` The answer said: "${said}"`), `${provider}: ${r.Details}`);
      assert.ok(rows.slice(limited).every((r) => r.Status === 3 && r.Details.startsWith(`Skipped, not looked up: ${provider} is switched off`) && r.Details.includes(said)), `${provider}: ${rows.at(-1)!.Details}`);
      assert.ok(!JSON.stringify(rows.map((r) => r.Details)).includes(FAKE_KEY));
    } finally {
      await h.close();
    }
  }
});

test("a service down midway (5xx after every retry, 3 lookups in a row): the rest of the batch is skipped, the answers before kept", async () => {
  // A gateway's 503 once the service falls over: every later lookup waited out its retries (1 s, 2 s) and failed in
  // turn, some three hours for 15,000 indicators at the default Concurrency.
  let calls = 0;
  const handler: Handler = (req) => (++calls <= 2 ? svc.virusTotal(req) : { status: 503, text: "<html><body>503 Service Temporarily Unavailable</body></html>" });
  const h = await harness("VirusTotal", handler, { Concurrency: 1, Retries: 1 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(["45.83.66.10", "8.8.8.8", ...ips(10)]));
    assert.equal(h.twin.requests.length, 2 + 3 * 2, "2 answers, then 3 lookups × 2 attempts");
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.Status, r.Result]), [[0, true], [0, true]]);
    assert.ok(rows.slice(2, 5).every((r) => r.Status === 503 && r.Details.startsWith("HTTP 503 Service Unavailable after 1 retry: <html>")), rows[2].Details);
    const skipped = rows.slice(5);
    assert.equal(skipped.length, 7);
    for (const r of skipped) {
      assert.equal(r.Status, 3);
      assert.match(r.Details, /^Skipped, not looked up: VirusTotal is switched off for the rest of this batch: 3 lookups in a row failed with a server error \(last: HTTP 503 Service Unavailable after 1 retry: .*\) Try later\.$/);
    }
  } finally {
    await h.close();
  }
});

test("5xx between answers (one indicator the service chokes on) is only that row: the rest of the batch is still asked", async () => {
  const handler: Handler = (req) => (req.path.endsWith(".9") && Number(req.path.split(".")[2]) % 2 === 1 ? { status: 500, text: "internal error" } : svc.virusTotal(req));
  const h = await harness("VirusTotal", handler, { Concurrency: 1, Retries: 0 });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(ips(12)));
    assert.equal(h.twin.requests.length, 12);
    assert.deepEqual(rows.map((r) => r.Status), Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 500 : 404)));
    assert.ok(!rows.some((r) => r.Details.startsWith("Skipped")));
  } finally {
    await h.close();
  }
});

test("a 5xx whose Retry-After exceeds MaxRetryAfterSeconds (maintenance) skips the rest of the batch at once", async () => {
  const handler: Handler = () => ({ status: 503, headers: { "Retry-After": "3600" }, json: { error: { code: "TransientError", message: "down for maintenance" } } });
  const h = await harness("VirusTotal", handler, { Concurrency: 1, MaxRetryAfterSeconds: MAX_RETRY_AFTER_S });
  try {
    const rows = rowsOf(await h.ti.lookupIocs(ips(5)));
    assert.equal(h.twin.requests.length, 1);
    assert.equal(rows[0].Status, 503);
    assert.ok(rows.slice(1).every((r) => r.Status === 3 && r.Details === `Skipped, not looked up: VirusTotal is switched off for the rest of this batch: ${rows[0].Details}`), rows[1].Details);
  } finally {
    await h.close();
  }
});

test("TimeoutSeconds is the service's time: loading the HTTP library on the first request does not count", () => {
  // A fresh process, whose first request loads axios; the load is made to take 5 s (longer than the 4 s
  // timeout; it took over 1 s on the shared test machine), sleeping without CPU. The loopback twin answers
  // at once: the row is its answer, not a timeout (it was one while the timer started before the load).
  const code = `
    const Module = require("node:module");
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (request === "axios") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
      return load.call(this, request, ...rest);
    };
    const { harness, rowsOf } = require("./test/context/tiHelpers.ts");
    const svc = require("./test/context/tiServices.ts");
    (async () => {
      const h = await harness("GreyNoise", svc.greyNoiseCommunity, { TimeoutSeconds: 4, Retries: 0 });
      const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
      await h.close();
      console.log(JSON.stringify({ status: row.Status, severity: row.Severity, details: row.Details }));
    })();
  `;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: ROOT, encoding: "utf8" });
  const row = JSON.parse(out.trim().split("\n").pop() ?? "null") as { status: number; severity: string; details: string };
  assert.deepEqual([row.status, row.severity], [0, "high"], row.details);
  assert.equal(JSON.parse(row.details).Classification, "malicious");
});

// A 200 whose JSON object holds none of the service's documented fields (`{}` from an API gateway or a proxy, a
// wrong BaseUrl's health answer) says nothing about the indicator. GreyNoise made it a clean "done" row (Status 0:
// not noise, not RIOT), OTX Result true with 0 pulses, X-Force Result true with no score; cached for 24 h too.
test("a 200 JSON object without any of the service's documented fields is an unexpected response, per row, not cached", async () => {
  const documented: [string, string, string[], Record<string, unknown>][] = [
    ["GreyNoise", "45.83.66.10", ["noise", "riot", "classification"], {}],
    ["GreyNoise", "45.83.66.10", ["internet_scanner_intelligence", "business_service_intelligence"], { Edition: "enterprise" }],
    ["OTX", "45.83.66.10", ["pulse_info", "indicator"], {}],
    ["XForce", "45.83.66.10", ["ip", "score", "cats", "history"], { Args: { ApiID: "id-0123456789", AuthKey: FAKE_KEY } }],
    ["XForce", "wh401k.org", ["result"], { Args: { ApiID: "id-0123456789", AuthKey: FAKE_KEY } }],
    ["XForce", "44d88612fea8a8f36de82e1278abb02f", ["malware"], { Args: { ApiID: "id-0123456789", AuthKey: FAKE_KEY } }],
  ];
  for (const [provider, ioc, fields, settings] of documented) {
    for (const body of [{}, { status: "ok" }, { message: "Welcome to the API gateway" }]) {
      const h = await harness(provider, () => ({ json: body }), settings);
      try {
        const what = `${provider} ${ioc} ${JSON.stringify(body)}`;
        const [row] = rowsOf(await h.ti.lookupIoc(ioc));
        assert.deepEqual([row.Status, row.Result, row.Severity], [3, false, "unknown"], what);
        assert.equal(row.Details, `${provider} returned an unexpected response: none of its fields ${fields.map((f) => `\`${f}\``).join(", ")}`, what);
        assert.equal(row.RawResult, JSON.stringify(body), what);
        await h.ti.lookupIoc(ioc);
        assert.equal(h.twin.requests.length, 2, `${what}: not cached, asked again`);
      } finally {
        await h.close();
      }
    }
  }
  // The documented answers with only their identifying field still read (an IP GreyNoise has never seen as noise).
  const h = await harness("GreyNoise", () => ({ json: { ip: "45.83.66.10", noise: false, riot: false } }));
  try {
    const [row] = rowsOf(await h.ti.lookupIoc("45.83.66.10"));
    assert.deepEqual([row.Status, row.Result, row.Severity], [0, false, "information"]);
  } finally {
    await h.close();
  }
});
