/** The Kusto provider end to end against the Azure AD and ADX (REST v2) twins. */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, beforeEach, describe, it } from "node:test";
import { QueryProvider } from "../../../src/data/queryProvider";
import { QueryError } from "../../../src/data/messages";
import { AnyOf } from "../../../src/data/live/alternatives";
import { ECHOED, echoing, maskingSettings } from "../../helpers/liveTables";
import { createKustoDriver } from "../../../src/data/live/drivers/kusto";
import { liveFrame } from "../../../src/data/live/results";
import type { LiveTable } from "../../../src/data/live/types";
import { startAzureTwins, TWIN_DATABASE, type AzureTwins } from "../../twins/azureTwins";

let twins: AzureTwins;
const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const, retryBackoffMs: 1 };

before(async () => {
  twins = await startAzureTwins();
});
after(async () => {
  await twins.stop();
});
beforeEach(() => {
  twins.kusto.faults = {};
  twins.kusto.queries.length = 0;
});

async function connected(options: Record<string, unknown> = {}, connect: Record<string, unknown> = {}) {
  const qp = new QueryProvider("Kusto", { configPath: twins.configPath, ...quiet, ...options });
  await qp.connect(connect);
  return qp;
}

const isCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof QueryError && e.code === code && (!re || re.test(e.message));

describe("Kusto provider against the Azure Data Explorer twin", () => {
  it("signs in for the cluster, posts {db, csl} to /v2/rest/query and reads the PrimaryResult frame", async () => {
    const qp = await connected();
    const df = await qp.WindowsSecurity.list_host_logon_failures();
    assert.equal(df.height, 4);
    assert.equal(String(df.dtypes[df.columns.indexOf("TimeGenerated")]), "DataType(Datetime(ms,))");
    const q = twins.kusto.queries.at(-1);
    assert.equal(q?.db, TWIN_DATABASE);
    assert.match(String(q?.headers["x-ms-client-request-id"]), /^huntlab;/);
    assert.ok(twins.ad.requests.some((r) => r.form.scope === `${twins.kusto.url}/.default`));
  });

  it("sends hostile values as single literals", async () => {
    const qp = await connected();
    for (const value of ['x" or 1==1 //', "x' | delete", "a\\\"b\n| take 1"]) {
      const df = await qp.Azure.list_all_signins_geo({ account_name: value });
      assert.equal(df.height, 0);
      assert.equal(twins.kusto.queries.at(-1)?.literals.filter((l) => l === value).length, 2);
      // Several forms (a Host pivot's names) for a `contains`: an or group, each form its own literal.
      const other = `${value}@contoso.com`;
      assert.equal((await qp.Azure.list_all_signins_geo({ account_name: AnyOf.of([value, other]) as unknown as string })).height, 0);
      const sent = twins.kusto.queries.at(-1);
      assert.deepEqual([sent?.literals.filter((l) => l === value).length, sent?.literals.filter((l) => l === other).length], [2, 1], JSON.stringify(value));
      assert.match(sent?.text ?? "", /\(UserPrincipalName contains ".*" or UserPrincipalName contains ".*"\)\n/s);
    }
  });

  it("a list parameter from a column with nulls: the nulls are no values (not the text \"null\"); an object is an error naming the parameter", async () => {
    const qp = await connected();
    await qp.SecurityAlert.list_alerts({ severity: ["High", null, undefined, "Low"] as unknown as string[] });
    const sent = twins.kusto.queries.at(-1);
    assert.match(String(sent?.text), /dynamic\(\["High", "Low"\]\)/);
    assert.ok(!/"null"|"undefined"/.test(String(sent?.text)), String(sent?.text));
    await assert.rejects(() => qp.SecurityAlert.list_alerts({ severity: ["High", { a: 1 }] as unknown as string[] }), isCode("data/live-literal", /"severity": an object/));
  });

  it("maps v2 errors: a 400 OneApiError, an unknown database", async () => {
    const qp = await connected();
    await assert.rejects(qp.execQuery("SecurityAlert | bogus"), isCode("data/live-query-failed", /General_BadRequest.*SYN0002/));
    const other = await connected({}, { Database: "Nope" });
    await assert.rejects(other.SecurityAlert.list_alerts(), isCode("data/live-query-failed", /Database 'Nope' was not found/));
  });

  it("reads the limit error of DataSetCompletion/OneApiErrors as a warning with the rows that arrived", async () => {
    const warnings: string[] = [];
    const qp = await connected({ warn: (m: string) => warnings.push(m) });
    twins.kusto.faults = { rowLimit: 7 };
    const df = await qp.WindowsSecurity.list_host_processes({ host_name: "MSTICAlertsWin1" });
    assert.equal(df.height, 7);
    assert.match(warnings.join("\n"), /WindowsSecurity\.list_host_processes.*Kusto limit.*E_QUERY_RESULT_SET_TOO_LARGE.*split_query_by/);
  });

  it("a partial failure keeps the rows and warns", async () => {
    const warnings: string[] = [];
    const qp = await connected({ warn: (m: string) => warnings.push(m) });
    twins.kusto.faults = { partialError: "Shard 3 failed" };
    const df = await qp.SecurityAlert.list_alerts();
    assert.ok(df.height > 0 && df.height < 41);
    assert.match(warnings.join("\n"), /partial result: .*Shard 3 failed/);
  });

  it("masks a secret in a service message before cutting it to 1000 characters (one straddling the cut shows no part)", async () => {
    const warnings: string[] = [];
    const qp = await connected({ warn: (m: string) => warnings.push(m) });
    // The secret echoed by the service from character 995 on: the old cut at 1000 left its first 5 characters,
    // which the masker no longer recognised as the secret.
    twins.kusto.faults = { partialError: `${"a".repeat(995)}${twins.secret} (echoed parameter)` };
    await qp.SecurityAlert.list_alerts();
    const text = warnings.join("\n");
    assert.match(text, /partial result: /);
    assert.ok(!text.includes(twins.secret.slice(0, 5)), text.slice(-200));
  });

  it("retries throttling (429 Retry-After) and refreshes the token after a 401", async () => {
    const qp = await connected();
    twins.kusto.faults = { throttle: { count: 1, status: 429, retryAfter: "0" } };
    assert.equal((await qp.SecurityAlert.list_alerts({ severity: ["High"] })).height > 0, true);
    twins.ad.expireAll();
    assert.ok((await qp.SecurityAlert.list_alerts()).height > 0);
  });

  it("a token refetched after a 401 is timed apart from the query, as a sign-in (the query's timer paused meanwhile)", async () => {
    const qp = await connected({ timeoutMs: 2000 });
    await qp.SecurityAlert.list_alerts();
    try {
      // A 401, a 1.2 s renewal, the query again 3.2 s: each within its bound (2 s; 2 s and the margin, 4 s), 4.4 s
      // together. Before, the renewal ran on the query's timer: data/live-timeout.
      twins.ad.expireAll();
      twins.ad.tokenDelayMs = 1200;
      twins.kusto.faults = { delayMs: 3200 };
      assert.ok((await qp.SecurityAlert.list_alerts()).height > 0);
    } finally {
      twins.ad.tokenDelayMs = 0;
    }
  });

  it("needs Cluster and Database, https unless loopback, and masks secrets", async () => {
    const qp = new QueryProvider("Kusto", { configPath: twins.configPath, ...quiet });
    await assert.rejects(qp.connect({ Cluster: "http://mycluster.kusto.windows.net" }), isCode("data/live-url", /Cluster/));
    const wrong = "Not-the-s3cret-1234";
    const err = await qp.connect({ ClientSecret: wrong }).then(() => undefined, (e: unknown) => e);
    assert.ok(isCode("data/live-auth", /invalid_client/)(err), String(err));
    assert.ok(![String(err), JSON.stringify(err), inspect(err)].join().includes(wrong));
  });
});

describe("Kusto: the server timeout and batches", () => {
  it("sends huntlab's timeout as the servertimeout request property (at most Kusto's 1 hour)", async () => {
    await (await connected()).execQuery("SecurityAlert | take 1");
    await (await connected({ timeoutMs: 20_500 })).execQuery("SecurityAlert | take 1");
    await (await connected({ timeoutMs: 7_200_000 })).execQuery("SecurityAlert | take 1");
    const sent = twins.kusto.queries.map((q) => (q.properties as { Options?: Record<string, unknown> } | undefined)?.Options?.servertimeout);
    assert.deepEqual(sent, ["00:05:00", "00:00:21", "01:00:00"]);
  });

  it("a query the cluster stops at its servertimeout (\"Query is expired\", 0x80DA0006) is data/live-timeout naming the limit, not a failed query, and is not sent again", async () => {
    // Scaled: the cluster's 20 s are 20 ms here; the query takes 400 ms.
    for (const status of [200, 504]) {
      twins.kusto.queries.length = 0;
      const qp = await connected({ timeoutMs: 20_000 });
      twins.kusto.faults = { delayMs: 400, serverTimeout: { msPerSecond: 1, status } };
      const err = await qp.SecurityAlert.list_alerts().then(() => undefined, (e: unknown) => e);
      assert.ok(isCode("data/live-timeout", /^SecurityAlert\.list_alerts: Kusto stopped the query at its own time limit of 20 s \(servertimeout 00:00:20; .*Query is expired.*\); narrow the time range .*split_query_by.*raise the timeout up to the service's 3600 s/)(err), `${status}: ${String(err)}`);
      assert.equal(twins.kusto.queries.length, 1, `${status}: the heavy query ran once`);
    }
    // Asked for 2 h, the cluster stops at its longest, 1 h: nothing to raise.
    const patient = await connected({ timeoutMs: 7_200_000 });
    twins.kusto.faults = { delayMs: 400, serverTimeout: { msPerSecond: 0.01 } };
    const err = await patient.execQuery("SecurityAlert | take 1").then(() => undefined, (e: unknown) => e);
    assert.ok(isCode("data/live-timeout", /time limit of 3600 s \(servertimeout 01:00:00;.*3600 s is the longest the service waits/)(err), String(err));
    assert.doesNotMatch(String(err), /raise/);
  });

  it("huntlab waits 30 s past the servertimeout it sends (as Azure's SDKs), so the cluster's \"Query is expired\" is what the user reads", async () => {
    // Unscaled: a 1 s timeout sends servertimeout 00:00:01; the cluster answers a little after it (1.15 s), as a
    // server does. Waiting exactly 1 s, huntlab gave up first: "no answer within 1 s", the service's reason lost.
    const qp = await connected({ timeoutMs: 1_000 });
    twins.kusto.faults = { delayMs: 5_000, serverTimeout: { msPerSecond: 1_150 } };
    const err = await qp.execQuery("SecurityAlert | take 1").then(() => undefined, (e: unknown) => e);
    assert.ok(isCode("data/live-timeout", /^execQuery: Kusto stopped the query at its own time limit of 1 s \(servertimeout 00:00:01; .*Query is expired/)(err), String(err));
  });

  it("an answer with more than one PrimaryResult table (a batch, fork) returns the first, as MSTICPy does, and warns how many were dropped", async () => {
    const warnings: string[] = [];
    const qp = await connected({ warn: (m: string) => warnings.push(m) });
    twins.kusto.faults = { extraPrimaryResults: 2 };
    const df = await qp.execQuery("SecurityAlert | take 3");
    assert.equal(df.height, 3);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^execQuery: .*3 result tables.*2 .*dropped/);
    assert.deepEqual(qp.lastWarnings, warnings);
  });
});

describe("Kusto driver: dynamic columns", () => {
  it("keeps a dynamic string that looks like JSON apart from the array (every dynamic value JSON text)", () => {
    const driver = createKustoDriver({ mask: (t: string) => t } as never) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    // v2 frames: a dynamic value is the JSON value itself, `dynamic("[1,2]")` a JSON string, `dynamic([1,2])` an array.
    const table = driver.tableOf({ queryName: "Q" }, 200, [
      { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
      {
        FrameType: "DataTable",
        TableKind: "PrimaryResult",
        TableName: "PrimaryResult",
        Columns: [{ ColumnName: "Id", ColumnType: "long" }, { ColumnName: "Payload", ColumnType: "dynamic" }],
        Rows: [[1, "[1,2]"], [2, [1, 2]], [3, "alice"], [4, { user: "alice", ids: [9007199254740993n] }], [5, null], [6, 7]],
      },
      { FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false },
    ]);
    const payload = liveFrame(table).getColumn("Payload").toArray();
    assert.deepEqual(payload, ['"[1,2]"', "[1,2]", '"alice"', '{"user":"alice","ids":[9007199254740993]}', null, "7"]);
    assert.notEqual(payload[0], payload[1]);
    assert.deepEqual(JSON.parse(payload[0] as string), "[1,2]");
  });
});

describe("Kusto driver: service errors that echo a secret", () => {
  it("an OAuth-style error body (error a string, error_description beside it) shows both, masked", () => {
    const driver = createKustoDriver(maskingSettings) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    assert.throws(() => driver.tableOf({ queryName: "Q" }, 403, { error: "invalid_grant", error_description: `AADSTS70002: Error validating credentials (${ECHOED})` }), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/live-query-failed");
      assert.match(err.message, /HTTP 403 invalid_grant\): AADSTS70002: Error validating credentials/);
      assert.ok(!err.message.includes(ECHOED), err.message);
      return true;
    });
  });

  it("masks the code and message in the error and in the partial error (oneApiMessage masks; the driver adds nothing unmasked)", () => {
    const driver = createKustoDriver(maskingSettings) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    const columns = [{ ColumnName: "Id", ColumnType: "long" }];
    const answers: [number, unknown][] = [
      [400, { error: echoing }],
      [200, [{ FrameType: "DataSetCompletion", HasErrors: true, OneApiErrors: [{ error: echoing }] }]],
    ];
    for (const [status, data] of answers) {
      assert.throws(() => driver.tableOf({ queryName: "Q" }, status, data), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/live-query-failed");
        assert.match(err.message, /BadArgumentError_\*+\/SYN0002_\*+.*could not be parsed/);
        assert.ok(!err.message.includes(ECHOED) && !inspect(err).includes(ECHOED) && !JSON.stringify(err).includes(ECHOED), err.message);
        return true;
      });
    }
    const partial = driver.tableOf({ queryName: "Q" }, 200, [
      { FrameType: "DataTable", TableKind: "PrimaryResult", Columns: columns, Rows: [[1], { OneApiErrors: [{ error: echoing }] }] },
      { FrameType: "DataSetCompletion", HasErrors: true, OneApiErrors: [{ error: echoing }] },
    ]);
    assert.match(partial.partialError ?? "", /SYN0002_\*+: Query could not be parsed/);
    assert.ok(!JSON.stringify(partial).includes(ECHOED), partial.partialError);
  });
});
