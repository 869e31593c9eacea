/** The Splunk driver against the loopback twin of Splunk's REST API (test/twins/splunk.ts). */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { loadConfig } from "../../../src/config/config";
import { createSplunkDriver, parseSplunkExport, splunkSearchText } from "../../../src/data/live/drivers/splunk";
import { createLiveSettings } from "../../../src/data/live/settings";
import { splunkTable, splunkTimeMs } from "../../../src/data/live/splunkColumns";
import type { LiveDriver, LiveRequest } from "../../../src/data/live/types";
import { tempDir } from "../../helpers/tmp";
import { tableColumn as column } from "../../helpers/liveTables";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const TOKEN = "splunk-bearer-token-0123456789";
const PASSWORD = "correct horse battery staple";

/** A config file with a Splunk section pointing at the twin. */
function configFor(twin: SplunkTwin, args: Record<string, unknown>) {
  const dir = tempDir();
  const file = path.join(dir, "msticpyconfig.yaml");
  const yaml = [
    "DataProviders:",
    "  Splunk:",
    "    Args:",
    `      host: "127.0.0.1"`,
    `      port: ${twin.port}`,
    "      scheme: http",
    ...Object.entries(args).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
    "    Retries: 2",
    "    RetryBackoffSeconds: 0",
  ].join("\n");
  fs.writeFileSync(file, `${yaml}\n`);
  return loadConfig(file, { missingEnvironment: "skip" });
}

function driverFor(twin: SplunkTwin, args: Record<string, unknown>, warnings: string[] = []): LiveDriver {
  return createSplunkDriver(createLiveSettings({ environment: "Splunk", config: configFor(twin, args), warn: (m) => warnings.push(m) }));
}

function request(text: string, extra: Partial<LiveRequest> = {}): LiveRequest {
  return { text, queryName: "WindowsSecurity.list_host_logons", signal: AbortSignal.timeout(20_000), ...extra };
}

describe("Splunk driver: authentication", () => {
  let twin: SplunkTwin;
  before(async () => {
    twin = await startSplunkTwin({ token: TOKEN, username: "hunter", password: PASSWORD });
  });
  after(() => twin.close());

  it("sends a bearer token and checks it at connect", async () => {
    const driver = driverFor(twin, { bearer_token: TOKEN });
    assert.equal(driver.connected, false);
    await driver.connect({});
    assert.equal(driver.connected, true);
    const seen = twin.requests.at(-1);
    assert.equal(seen?.path, "/services/authentication/current-context");
    assert.equal(seen?.authorization, `Bearer ${TOKEN}`);
  });

  it("refuses a wrong token at connect, without showing it", async () => {
    const wrong = "wrong-token-abcdefghijkl";
    const driver = driverFor(twin, { bearer_token: wrong });
    await assert.rejects(driver.connect({}), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-auth");
      assert.match(err.message, /bearer token.*401.*not properly authenticated/);
      assert.ok(!err.message.includes(wrong) && !inspect(err).includes(wrong));
      return true;
    });
    assert.equal(driver.connected, false);
  });

  it("a token revoked after connect: the search's 401 is an auth error naming the query", async () => {
    const driver = driverFor(twin, { bearer_token: TOKEN });
    await driver.connect({});
    twin.options.token = "a-new-token-after-rotation";
    try {
      await assert.rejects(driver.query(request("search index=lab sourcetype=failed_logons")), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-auth");
        assert.match(err.message, /^WindowsSecurity\.list_host_logons: Splunk refused the credentials while running the search \(bearer token\) \(HTTP 401\): .*not properly authenticated/);
        assert.ok(!err.message.includes(TOKEN));
        return true;
      });
    } finally {
      twin.options.token = TOKEN;
    }
  });

  it("exchanges username/password for a session key (Authorization: Splunk <key>)", async () => {
    const driver = driverFor(twin, { username: "hunter", password: PASSWORD });
    const before = twin.logins;
    await driver.connect({});
    assert.equal(twin.logins, before + 1);
    await driver.query(request("search index=lab sourcetype=failed_logons"));
    const search = twin.searches.at(-1);
    assert.match(search?.authorization ?? "", /^Splunk twin-session-/);
  });

  it("signs in again once when the session key expired", async () => {
    const driver = driverFor(twin, { username: "hunter", password: PASSWORD });
    await driver.connect({});
    const logins = twin.logins;
    twin.expireSessions();
    const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
    assert.equal(table.rows.length, 4);
    assert.equal(twin.logins, logins + 1);
  });

  it("reports a failed login with Splunk's message, password masked", async () => {
    const driver = driverFor(twin, { username: "hunter", password: "not-the-password" });
    await assert.rejects(driver.connect({}), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-auth");
      assert.match(err.message, /Login failed/);
      assert.ok(!err.message.includes("not-the-password"));
      return true;
    });
  });

  it("connect() options override the config", async () => {
    const driver = driverFor(twin, { bearer_token: "stale-token-from-config" });
    await driver.connect({ bearer_token: TOKEN });
    assert.equal(twin.requests.at(-1)?.authorization, `Bearer ${TOKEN}`);
  });

  it("needs credentials and a host", async () => {
    await assert.rejects(driverFor(twin, {}).connect({}), { code: "data/live-config" });
    const noHost = createSplunkDriver(createLiveSettings({ environment: "Splunk", config: configFor(twin, {}), warn: () => {} }));
    await assert.rejects(noHost.connect({ host: "" , bearer_token: TOKEN }), { code: "data/live-config" });
  });

  it("wants a host name, not a URL, in host", async () => {
    await assert.rejects(driverFor(twin, { bearer_token: TOKEN }).connect({ host: "https://splunk.example.com" }), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-config");
      assert.match(err.message, /host.*not a host name/);
      return true;
    });
    await assert.rejects(driverFor(twin, { bearer_token: TOKEN }).connect({ host: "splunk.example.com:8089" }), /give the port in DataProviders\.Splunk\.Args\.port/);
  });

  it("refuses plain http to a host that is not loopback", async () => {
    const driver = driverFor(twin, { bearer_token: TOKEN });
    await assert.rejects(driver.connect({ host: "splunk.example.com" }), { code: "data/live-url" });
  });

  it("refuses a query before connect", async () => {
    await assert.rejects(driverFor(twin, { bearer_token: TOKEN }).query(request("search index=lab")), { code: "data/live-not-connected" });
  });
});

describe("Splunk driver: searches", () => {
  let twin: SplunkTwin;
  let driver: LiveDriver;
  before(async () => {
    twin = await startSplunkTwin({ token: TOKEN });
    driver = driverFor(twin, { bearer_token: TOKEN });
    await driver.connect({});
  });
  after(() => twin.close());

  it("posts the search to /services/search/jobs/export with the time window as epoch seconds", async () => {
    const start = new Date("2019-02-14T00:00:00Z");
    const end = new Date("2019-02-15T00:00:00Z");
    const table = await driver.query(request("index=lab sourcetype=host_logons", { start, end }));
    const seen = twin.searches.at(-1);
    assert.equal(seen?.search, "search index=lab sourcetype=host_logons");
    assert.equal(seen?.earliest, "1550102400");
    // latest_time is exclusive: end + 1 ms keeps the events at `end` (the window is inclusive to the millisecond).
    assert.equal(seen?.latest, "1550188800.001");
    const times = column(table, "_time") as number[];
    assert.ok(times.length > 0);
    for (const t of times) assert.ok(t >= start.getTime() && t <= end.getTime());
  });

  it("types Splunk's text fields: _time and ISO texts → datetime, whole numbers → long, decimals → real, true/false → bool", async () => {
    const table = await driver.query(request("search index=lab sourcetype=alerts | fields - _bkt _cd _indextime _raw _serial _si _sourcetype host index linecount source sourcetype splunk_server"));
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    assert.equal(types._time, "datetime");
    assert.equal(types.TimeGenerated, "datetime");
    assert.equal(types.StartTimeUtc, "datetime");
    assert.equal(types.ConfidenceScore, undefined, "a field with no value in any event is not in Splunk's results");
    assert.equal(types.IsIncident, "bool");
    assert.equal(types.AlertName, "string");
    assert.equal(types._si, undefined, "fields - removed Splunk's own fields");
    assert.equal(table.rows.length, 41);
  });

  it("types a float column's values as real", async () => {
    const table = await driver.query(request("search index=lab sourcetype=syslog | head 50"));
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    assert.equal(types.ProcessID, "real");
    assert.equal(table.rows.length, 50);
  });

  it("keeps ids that look numeric but are not numbers as text", async () => {
    const table = await driver.query(request("search index=lab sourcetype=host_logons"));
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    assert.equal(types.EventID, "long");
    assert.equal(types.LogonType, "long");
    assert.equal(types.TargetLogonId, "string"); // 0x… ids
    assert.equal(types.TargetUserSid, "string");
    assert.equal(types._si, "dynamic", "a multivalue field is JSON text");
    assert.equal(column(table, "_si")[0], '["twin","lab"]');
  });

  it("returns Splunk's WARN messages as warnings, result caps with how to split", async () => {
    twin.options.resultCap = 10;
    twin.options.warn = "Field 'x' does not exist in the data.";
    try {
      const table = await driver.query(request("search index=lab sourcetype=processes"));
      assert.equal(table.rows.length, 10);
      assert.equal(table.warnings.length, 2);
      assert.match(table.warnings[0], /Field 'x' does not exist/);
      assert.match(table.warnings[1], /maximum number of results \(10\).*split_query_by/);
    } finally {
      delete twin.options.resultCap;
      delete twin.options.warn;
    }
  });

  it("a result cut at a maxout limit, said in an INFO message, is a limit warning with how to split", async () => {
    twin.options.maxout = 2;
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.equal(table.rows.length, 2);
      assert.equal(table.warnings.length, 1, inspect(table.warnings));
      assert.match(table.warnings[0], /^Splunk: Search produced 4 results, truncating to maxout 2\. — the results may be cut short.*split_query_by/);
      // Other wordings of a result limit in an INFO message count too; plain INFO chatter does not.
      twin.options.infoText = "[subsearch]: Subsearch produced 4 results, truncating to maxout 2.";
      assert.match((await driver.query(request("search index=lab sourcetype=failed_logons"))).warnings.join("\n"), /Subsearch produced 4 results.*cut short/);
      twin.options.infoText = "The search result count (4) exceeds maximum (2), using max. To override it, set max_count.";
      assert.match((await driver.query(request("search index=lab sourcetype=failed_logons"))).warnings.join("\n"), /exceeds maximum \(2\).*cut short/);
      twin.options.infoText = "Your timerange was substituted based on your search string";
      assert.deepEqual((await driver.query(request("search index=lab sourcetype=failed_logons"))).warnings, []);
    } finally {
      delete twin.options.maxout;
      delete twin.options.infoText;
    }
  });

  it("fails with Splunk's message on a bad search", async () => {
    await assert.rejects(driver.query(request("search index=lab | nosuchcommand x")), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-query-failed");
      assert.match(err.message, /WindowsSecurity\.list_host_logons.*Splunk.*HTTP 400.*Unknown search command 'nosuchcommand'/);
      return true;
    });
  });

  it("a 200 answer that is no JSON lines (a single sign-on page) is an error naming the query, not an empty result", async () => {
    twin.options.htmlPage = "<html><body>Please sign in</body></html>";
    try {
      await assert.rejects(driver.query(request("search index=lab sourcetype=host_logons")), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /WindowsSecurity\.list_host_logons.*Splunk.*HTTP 200.*not Splunk's JSON lines: <html><body>Please sign in/);
        return true;
      });
    } finally {
      delete twin.options.htmlPage;
    }
  });

  it("returns the rows that arrived with a partial error", async () => {
    twin.options.partialError = "Search peer idx-02 is down.";
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.equal(table.rows.length, 4);
      assert.equal(table.partialError, "Search peer idx-02 is down.");
    } finally {
      delete twin.options.partialError;
    }
  });

  it("a reporting search whose final table is empty returns no rows, not the preview tables streamed before it", async () => {
    twin.options.previews = [[{ user: "alice", count: "2" }], [{ user: "alice", count: "2" }, { user: "bob", count: "3" }]];
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons | where EventID = 0"));
      assert.deepEqual(table.rows, []);
      assert.deepEqual(table.columns, []);
    } finally {
      delete twin.options.previews;
    }
  });

  it("a search cut short before its final table returns the latest preview table", async () => {
    twin.options.previews = [[{ user: "alice", count: "2" }], [{ user: "alice", count: "2" }, { user: "bob", count: "3" }]];
    twin.options.cutShort = true;
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.deepEqual(column(table, "user"), ["alice", "bob"]);
      assert.deepEqual(column(table, "count"), [2, 3]);
      // Not returned as if complete: the preview is said to be one.
      assert.match(table.partialError ?? "", /final results never came.*latest preview's 2 row\(s\) are returned/);
    } finally {
      delete twin.options.previews;
      delete twin.options.cutShort;
    }
  });

  it("a search cut short after only empty preview tables is a partial result, not an empty whole one", async () => {
    twin.options.previews = [[], []];
    twin.options.cutShort = true;
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.deepEqual(table.rows, []);
      assert.match(table.partialError ?? "", /final results never came.*latest preview table was empty: no rows are returned/);
    } finally {
      delete twin.options.previews;
      delete twin.options.cutShort;
    }
    // With its final (empty) table the same previews are a whole answer.
    twin.options.previews = [[], []];
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons | where EventID = 0"));
      assert.deepEqual(table.rows, []);
      assert.equal(table.partialError, undefined);
    } finally {
      delete twin.options.previews;
    }
  });

  it("a stream cut between two rows (no \"lastrow\":true) is a partial result naming the rows that came", async () => {
    const full = await driver.query(request("search index=lab sourcetype=failed_logons"));
    assert.equal(full.partialError, undefined);
    twin.options.streamCut = { afterRows: 2 };
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.equal(table.rows.length, 2);
      assert.match(table.partialError ?? "", /ended without Splunk's last-row marker \("lastrow":true\) after 2 row\(s\).*missing/);
    } finally {
      delete twin.options.streamCut;
    }
  });

  it("a stream cut mid-line is a partial result naming the cut line, with the rows before it", async () => {
    twin.options.streamCut = { afterRows: 3, midLine: true };
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.equal(table.rows.length, 3);
      assert.match(table.partialError ?? "", /after 3 row\(s\).*1 line\(s\) of the answer are no JSON object \(the first is line 4/);
    } finally {
      delete twin.options.streamCut;
    }
  });

  it("retries a throttled search (429, Retry-After)", async () => {
    twin.options.throttle = 2;
    const before = twin.requests.length;
    const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
    assert.equal(table.rows.length, 4);
    assert.equal(twin.requests.length - before, 3);
  });

  it("a 503 whose Retry-After is past the client's wait says the wait Splunk asked for (it said only the status)", async () => {
    twin.options.throttle = 1;
    twin.options.throttleStatus = 503;
    twin.options.throttleRetryAfter = "600";
    const before = twin.requests.length;
    try {
      await assert.rejects(driver.query(request("search index=lab sourcetype=failed_logons")), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /HTTP 503.*splunkd is restarting; Splunk asked to wait 600 s \(Retry-After\): rerun the query after that wait/);
        return true;
      });
      // Ten minutes is past what the client waits: not retried.
      assert.equal(twin.requests.length - before, 1);
    } finally {
      delete twin.options.throttleStatus;
      delete twin.options.throttleRetryAfter;
      twin.options.throttle = 0;
    }
  });

  it("retries a 503 (splunkd busy)", async () => {
    twin.options.throttle = 1;
    twin.options.throttleStatus = 503;
    try {
      const table = await driver.query(request("search index=lab sourcetype=failed_logons"));
      assert.equal(table.rows.length, 4);
      assert.equal(twin.options.throttle, 0);
    } finally {
      delete twin.options.throttleStatus;
    }
  });

  it("gives up when throttling lasts, naming the status", async () => {
    twin.options.throttle = 10;
    try {
      await assert.rejects(driver.query(request("search index=lab sourcetype=failed_logons")), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /HTTP 429.*Too many requests/);
        return true;
      });
    } finally {
      twin.options.throttle = 0;
    }
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted by test"));
    await assert.rejects(driver.query(request("search index=lab sourcetype=processes", { signal: controller.signal })), /interrupted by test/);
  });
});

describe("Splunk export and column parsing", () => {
  it("reads JSON lines: final results, previews dropped, messages sorted", () => {
    const body = [
      '{"preview":true,"offset":0,"result":{"a":"1"}}',
      "",
      '{"preview":false,"offset":0,"result":{"a":"1","b":"x"}}',
      '{"preview":false,"offset":1,"lastrow":true,"result":{"a":"2"}}',
      '{"messages":[{"type":"INFO","text":"info"},{"type":"WARN","text":"w"},{"type":"ERROR","text":"e"}]}',
      "not json",
    ].join("\n");
    const out = parseSplunkExport(body);
    assert.deepEqual(out.results, [{ a: "1", b: "x" }, { a: "2" }]);
    assert.deepEqual(out.warnings, ["w"]);
    assert.deepEqual(out.errors, ["e"]);
  });

  it("keeps the latest preview table when no final rows came", () => {
    const body = ['{"preview":true,"offset":0,"result":{"n":"1"}}', '{"preview":true,"offset":0,"result":{"n":"2"}}', '{"preview":true,"offset":1,"result":{"n":"3"}}'].join("\n");
    assert.deepEqual(parseSplunkExport(body).results, [{ n: "2" }, { n: "3" }]);
  });

  it("open: a final row line without \"lastrow\":true last is a cut stream; a lastrow line or a results list is not", () => {
    assert.equal(parseSplunkExport('{"preview":false,"offset":0,"result":{"a":"1"}}\n{"preview":false,"offset":1,"result":{"a":"2"}}\n').open, true);
    assert.equal(parseSplunkExport('{"preview":false,"offset":0,"result":{"a":"1"}}\n{"preview":false,"offset":1,"lastrow":true,"result":{"a":"2"}}\n').open, false);
    assert.equal(parseSplunkExport('{"preview":false,"offset":0,"result":{"a":"1"}}\n{"preview":false,"offset":1,"lastrow":true}\n').open, false);
    // Two tables (offsets from 0 again), each ended: whole; the second cut: open.
    const one = ['{"preview":false,"offset":0,"lastrow":true,"result":{"a":"1"}}', '{"preview":false,"offset":0,"result":{"a":"2"}}'];
    assert.equal(parseSplunkExport([...one.slice(0, 1), one[0]].join("\n")).open, false);
    assert.equal(parseSplunkExport(one.join("\n")).open, true);
    assert.equal(parseSplunkExport('{"preview":false,"init_offset":0,"messages":[],"results":[{"a":"1"},{"a":"2"}]}').open, false);
    assert.equal(parseSplunkExport("").open, false);
  });

  it("drops the previews once a final line arrived, even when the final table is empty", () => {
    const previews = ['{"preview":true,"offset":0,"result":{"user":"alice","count":"2"}}', '{"preview":true,"offset":1,"lastrow":true,"result":{"user":"bob","count":"3"}}'];
    assert.deepEqual(parseSplunkExport([...previews, '{"preview":false,"offset":0,"lastrow":true}'].join("\n")).results, []);
    const withMessage = parseSplunkExport([previews[0], '{"preview":false,"messages":[{"type":"WARN","text":"Your timerange was substituted"}]}'].join("\n"));
    assert.deepEqual(withMessage.results, []);
    assert.deepEqual(withMessage.warnings, ["Your timerange was substituted"]);
  });

  it("prefixes `search` unless the text starts with a command", () => {
    assert.equal(splunkSearchText("index=x"), "search index=x");
    assert.equal(splunkSearchText("  search index=x"), "search index=x");
    assert.equal(splunkSearchText("| makeresults"), "| makeresults");
  });

  it("infers types only when every value agrees", () => {
    const t = splunkTable([
      { n: "1", d: "1.5", mixed: "1", id: "007", b: "True", t: "2019-02-14 10:00:00", z: "2019-02-14T10:00:00.123456+02:00" },
      { n: "-2", d: "2", mixed: "x", id: "12", b: "false", t: "", z: "2019-02-14T10:00:00Z" },
    ]);
    const types = Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(types, { n: "long", d: "real", mixed: "string", id: "string", b: "bool", t: "datetime", z: "datetime" });
    assert.deepEqual(t.rows[0], [1, 1.5, "1", "007", true, Date.UTC(2019, 1, 14, 10), Date.UTC(2019, 1, 14, 8, 0, 0, 123)]);
    assert.deepEqual(t.rows[1], [-2, 2, "x", "12", false, null, Date.UTC(2019, 1, 14, 10)]);
  });

  it("reads ISO times with or without zone as UTC", () => {
    assert.equal(splunkTimeMs("2019-02-14T10:00:00.000+00:00"), Date.UTC(2019, 1, 14, 10));
    assert.equal(splunkTimeMs("2019-02-14T10:00:00-0130"), Date.UTC(2019, 1, 14, 11, 30));
    assert.equal(splunkTimeMs("2019-02-14"), undefined);
    assert.equal(splunkTimeMs("14/02/2019 10:00"), undefined);
  });

  it("reads a time that does not exist (Feb 30, Apr 31, 24:00) as text, not as the next month or day", () => {
    for (const t of ["2024-02-30T10:00:00Z", "2023-02-29 10:00:00", "2024-04-31T00:00", "2024-02-29T24:00:00Z", "2024-01-01T10:60:00Z"]) assert.equal(splunkTimeMs(t), undefined, t);
    assert.equal(splunkTimeMs("2024-02-29T23:59:59Z"), Date.UTC(2024, 1, 29, 23, 59, 59));
    const t = splunkTable([{ when: "2024-02-29T10:00:00Z" }, { when: "2024-02-30T10:00:00Z" }]);
    assert.equal(t.columns[0].type, "string");
    assert.deepEqual(t.rows, [["2024-02-29T10:00:00Z"], ["2024-02-30T10:00:00Z"]]);
  });
});
