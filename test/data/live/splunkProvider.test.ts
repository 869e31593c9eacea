/**
 * End to end: `new QueryProvider("Splunk")` with the bundled query files
 * (data/queries/splunk) → connect → `qp.<Family>.<query>(params)` against the
 * Splunk twin serving the lab's data, compared with LocalData on the same files.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { QueryProvider } from "../../../src/data/queryProvider";
import { AnyOf } from "../../../src/data/live/alternatives";
import { tempDir } from "../../helpers/tmp";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const ROOT = path.join(__dirname, "..", "..", "..");
const TOKEN = "e2e-splunk-token-abcdef012345";

/** Lab columns whose live dtype differs from LocalData's, and why (README "Live data"). */
export const SPLUNK_KNOWN_DTYPE_GAPS: Record<string, string> = {
  // Splunk keeps no types: a text column whose every value is a whole number reads as long.
  "Network.get_network_summary TotalBytesSent": "text of digits → Int64",
  "WindowsSecurity.list_host_events Level": "text of digits → Int64",
  // Datetime with a zone, Duration, List: Splunk has text and lists of text.
  "Network.get_network_summary TimeGenerated": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity begin": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity end": "Datetime(ms, UTC) → Datetime(ms)",
  "Azure.OfficeActivity duration": "Duration → Int64",
  "Azure.OfficeActivity cmds": "List(Utf8) → JSON text",
};

function dtypes(df: pl.DataFrame): Map<string, string> {
  return new Map(df.columns.map((c, i) => [c, String(df.dtypes[i])]));
}

describe("QueryProvider(\"Splunk\") end to end", () => {
  let twin: SplunkTwin;
  let qp: QueryProvider;
  let local: QueryProvider;
  const warnings: string[] = [];

  before(async () => {
    twin = await startSplunkTwin({ token: TOKEN });
    const dir = tempDir();
    const configPath = path.join(dir, "msticpyconfig.yaml");
    fs.writeFileSync(configPath, ["DataProviders:", "  Splunk:", "    Args:", "      host: 127.0.0.1", `      port: ${twin.port}`, "      scheme: http", "      bearer_token: {EnvironmentVar: HUNTLAB_TEST_SPLUNK_TOKEN}", ""].join("\n"));
    process.env.HUNTLAB_TEST_SPLUNK_TOKEN = TOKEN;
    qp = new QueryProvider("Splunk", { configPath, warn: (m) => warnings.push(m) });
    local = new QueryProvider("LocalData", { dataPaths: [path.join(ROOT, "data")], queryPaths: [path.join(ROOT, "data", "queries", "lab_queries.yaml")] });
  });
  after(() => twin.close());

  it("refuses queries before connect, then connects with the token from the environment", async () => {
    await assert.rejects(qp.SecurityAlert.list_alerts(), { code: "data/live-not-connected" });
    await qp.connect();
    assert.equal(qp.connected, true);
    for (const shown of [inspect(qp), JSON.stringify(qp), String(qp)]) assert.ok(!shown.includes(TOKEN), "the secret never shows");
  });

  it("has the lab's families and queries", () => {
    assert.deepEqual(qp.listQueries().sort(), local.listQueries().sort());
  });

  it("runs every lab query: same rows as LocalData, same dtypes for the lab columns", async () => {
    const gaps: string[] = [];
    for (const name of local.listQueries()) {
      const [family, query] = name.split(".");
      const live = await (qp as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>)[family][query]();
      const ref = await (local as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>)[family][query]();
      assert.equal(live.height, ref.height, `${name}: rows`);
      const liveTypes = dtypes(live);
      for (const [column, type] of dtypes(ref)) {
        const got = liveTypes.get(column);
        // A column with no value in any event is not in Splunk's results at all.
        if (got === undefined) {
          assert.equal(ref.getColumn(column).nullCount(), ref.height, `${name}: ${column} missing but has values`);
          continue;
        }
        if (got !== type) gaps.push(`${name} ${column}`);
      }
    }
    assert.deepEqual(gaps.sort(), Object.keys(SPLUNK_KNOWN_DTYPE_GAPS).sort());
  });

  it("filters with the lab's parameters as LocalData does", async () => {
    const params = { host_name: "MSTICAlertsWin1", account_name: "adm" };
    const live = await qp.WindowsSecurity.list_host_logons(params);
    const ref = await local.WindowsSecurity.list_host_logons(params);
    assert.ok(ref.height > 0);
    assert.equal(live.height, ref.height);
    const sev = await qp.SecurityAlert.list_alerts({ severity: ["High"] });
    const sevRef = await local.SecurityAlert.list_alerts({ severity: ["High"] });
    assert.equal(sev.height, sevRef.height);
    const events = await qp.WindowsSecurity.list_host_events({ event_id: 4624 });
    assert.equal(events.height, (await local.WindowsSecurity.list_host_events({ event_id: 4624 })).height);
  });

  it("sends the time range as earliest/latest and gets the same rows as LocalData", async () => {
    const range = { start: "2019-02-12T00:00:00Z", end: "2019-02-14T00:00:00Z" };
    const live = await qp.WindowsSecurity.list_host_logons(range);
    const seen = twin.searches.at(-1);
    assert.equal(seen?.earliest, String(Date.parse(range.start) / 1000));
    assert.equal(seen?.latest, String((Date.parse(range.end) + 1) / 1000), "latest_time is exclusive: end + 1 ms");
    assert.equal(live.height, (await local.WindowsSecurity.list_host_logons(range)).height);
  });

  for (const hostile of ['x" OR 1=1 | delete', "x' | delete", 'a\\" | delete\nindex=main', '*" | eval x="1']) {
    it(`passes ${JSON.stringify(hostile)} as one literal: no rows, no extra command`, async () => {
      const live = await qp.WindowsSecurity.list_host_logons({ host_name: hostile, account_name: hostile });
      assert.equal(live.height, 0);
      const seen = twin.searches.at(-1);
      assert.deepEqual(seen?.commands, ["search", "where", "where", "where", "fields"]);
      assert.equal(seen?.literals.filter((l) => l === hostile).length, 4, "each placeholder is one literal holding the whole value");
    });
    it(`passes ${JSON.stringify(hostile)} in several forms (a Host pivot's names) as one literal each, in an OR group`, async () => {
      const fqdn = `${hostile}.contoso.com`;
      const live = await qp.WindowsSecurity.list_host_logons({ host_name: AnyOf.of([hostile, fqdn]) as unknown as string });
      assert.equal(live.height, 0);
      const seen = twin.searches.at(-1);
      assert.deepEqual(seen?.commands, ["search", "where", "where", "where", "fields"]);
      assert.deepEqual([seen?.literals.filter((l) => l === hostile).length, seen?.literals.filter((l) => l === fqdn).length], [2, 1], "len guard and the group's first, the group's second");
      assert.match(seen?.search ?? "", /OR \(lower\(Computer\)=lower\(".*"\) OR lower\(Computer\)=lower\(".*"\)\)\n/s);
    });
  }

  it("an empty result with asked columns is an empty frame of those columns (was an error: Splunk sends no schema)", async () => {
    const df = await qp.WindowsSecurity.list_host_logons({ host_name: "no-such-host" }, { columns: ["Account", "Computer"] });
    assert.equal(df.height, 0);
    assert.deepEqual(df.columns, ["Account", "Computer"]);
    const some = await qp.WindowsSecurity.list_host_logons({ host_name: "MSTICAlertsWin1" }, { columns: ["Account", "Computer"] });
    assert.deepEqual(some.columns, ["Account", "Computer"]);
    assert.ok(some.height > 0);
    await assert.rejects(qp.WindowsSecurity.list_host_logons({ host_name: "MSTICAlertsWin1" }, { columns: ["NoSuchColumn"] }), { code: "data/select-column-missing" });
  });

  it("runs SPL as written with execQuery", async () => {
    const df = await qp.execQuery("search index=lab sourcetype=alerts | where Severity=\"High\" | head 3");
    assert.equal(df.height, 3);
    assert.deepEqual([...new Set(df.getColumn("Severity").toArray())], ["High"]);
  });

  it("splits a long range into chunks (split_query_by)", async () => {
    const before = twin.searches.length;
    const df = await qp.WindowsSecurity.list_host_logons({ start: "2019-02-10T00:00:00Z", end: "2019-02-16T00:00:00Z", split_query_by: "2d" } as never);
    assert.equal(twin.searches.length - before, 3);
    assert.equal(df.height, (await local.WindowsSecurity.list_host_logons({ start: "2019-02-10T00:00:00Z", end: "2019-02-16T00:00:00Z" })).height);
  });

  it("execQuery's warnings are its own: lastWarnings starts empty for each query (they stayed from an earlier one)", async () => {
    twin.options.warn = "something odd.";
    try {
      await qp.execQuery("search index=lab sourcetype=alerts | head 1");
      assert.equal(qp.lastWarnings.length, 1);
    } finally {
      delete twin.options.warn;
    }
    await qp.execQuery("search index=lab sourcetype=alerts | head 1");
    assert.deepEqual(qp.lastWarnings, []);
  });

  it("two queries at once keep their own warnings: lastWarnings is the list of the one that ended last (one query's warning went into the other's)", async () => {
    twin.options.resultCap = 3;
    twin.options.slow = { contains: "head 1", ms: 300 };
    try {
      // The capped query warns and ends first; the slow one warns of nothing and ends last.
      const [capped, quiet] = await Promise.all([qp.execQuery("search index=lab sourcetype=alerts"), qp.execQuery("search index=lab sourcetype=alerts | head 1")]);
      assert.equal(capped.height, 3);
      assert.equal(quiet.height, 1);
      assert.deepEqual(qp.lastWarnings, []);
    } finally {
      delete twin.options.resultCap;
      delete twin.options.slow;
    }
  });

  it("reports a result cap as a warning naming the query", async () => {
    twin.options.resultCap = 5;
    warnings.length = 0;
    try {
      const df = await qp.WindowsSecurity.list_host_processes();
      assert.equal(df.height, 5);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /WindowsSecurity\.list_host_processes.*maximum number of results \(5\).*split_query_by/);
    } finally {
      delete twin.options.resultCap;
    }
  });
});
