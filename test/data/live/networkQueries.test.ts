/**
 * The network queries on the real Sentinel tables: the flow queries read
 * Traffic Analytics' AzureNetworkAnalytics_CL (VM_s, VMIP_s, PublicIPs_s…) and
 * get_network_summary reads CommonSecurityLog, through both Azure twins
 * (Log Analytics v1 and Kusto v2), and give what LocalData gives from the lab's
 * files. Known, documented differences, each asserted rather than skipped:
 * - the lab's export kept only "mm:ss.f" of its flow times (text); the real
 *   table's `_t` columns are datetimes, so live times are Datetime (null here);
 * - Kusto has no null string: empty text is "" live, null in the lab's file;
 * - PublicIPs is a list: JSON text live, Python-list text in the lab's file;
 * - a few lab rows have an AllExtIPs that is not one of their PublicIPs (the
 *   export is not pure mv-expand output); live, those rows' PublicIPs list the
 *   address the flow expanded to;
 * - TotalBytesSent is a number (long) live, text in the lab's Parquet file.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../../src/data/queryProvider";
import { startAzureTwins, type AzureTwins } from "../../twins/azureTwins";
import { labTables } from "../../twins/labTables";

let twins: AzureTwins;
const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const, retryBackoffMs: 1 };
const TIMES = ["TimeGenerated", "FlowStartTime", "FlowEndTime", "FlowIntervalEndTime"];
const ENVIRONMENTS = ["MSSentinel", "Kusto"] as const;

before(async () => {
  twins = await startAzureTwins();
});
after(async () => {
  await twins.stop();
});

async function live(env: (typeof ENVIRONMENTS)[number]) {
  const qp = new QueryProvider(env, { configPath: twins.configPath, ...quiet });
  await qp.connect({});
  return qp;
}

type Rec = Record<string, unknown>;

/** A list column's text (JSON, or the lab's Python repr `['a', 'b']`) as an array. */
function list(v: unknown): string[] | null {
  if (v === null || v === undefined || v === "") return null;
  return JSON.parse(String(v).replace(/'/g, '"')) as string[];
}

/** A row without its time columns, "" as null, PublicIPs parsed. */
function comparable(r: Rec, withPublicIps = true): string {
  const out: Rec = {};
  for (const [k, v] of Object.entries(r)) {
    if (TIMES.includes(k)) continue;
    if (k === "PublicIPs") {
      if (withPublicIps) out[k] = list(v);
      continue;
    }
    out[k] = v === "" ? null : v;
  }
  return JSON.stringify(out);
}

function multiset(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/**
 * Lab rows of flows the export did not expand exactly: the rows that differ
 * only in AllExtIPs should hold each of the flow's PublicIPs (plus its own
 * remote end) once.
 */
function notExpanded(rows: Rec[]): Rec[] {
  const groups = new Map<string, Rec[]>();
  for (const r of rows) {
    const key = JSON.stringify(Object.entries(r).filter(([k]) => k !== "AllExtIPs"));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].flatMap((g) => {
    const own = g[0].FlowDirection === "I" ? g[0].SrcIP : g[0].DestIP;
    const expected = [...(list(g[0].PublicIPs) ?? []), ...(own ? [String(own)] : [])].sort();
    return JSON.stringify(expected) === JSON.stringify(g.map((r) => String(r.AllExtIPs)).sort()) ? [] : g;
  });
}

describe("network flow queries on AzureNetworkAnalytics_CL's real columns", () => {
  it("the twin's table has the real Traffic Analytics columns and no lab column names", () => {
    const table = labTables().get("AzureNetworkAnalytics_CL");
    assert.ok(table);
    const names = table.columns.map((c) => c.name);
    for (const real of ["FlowStartTime_t", "VM_s", "VMIP_s", "PublicIPs_s", "DestPort_d", "SubType_s", "AzureRegion_s", "Region_s"]) assert.ok(names.includes(real), real);
    for (const lab of ["VMName", "VMIPAddress", "PublicIPs", "AllExtIPs", "DestPort"]) assert.ok(!names.includes(lab), lab);
    assert.equal(table.columns.find((c) => c.name === "DestPort_d")?.type, "real");
    assert.ok(table.rows.some((r) => r.SubType_s === "Topology"), "topology records a query must filter out");
    assert.ok(table.rows.every((r) => typeof r.PublicIPs_s === "string" && /^(|\S+\|\d+(\|\d+){5}( \S+\|\d+(\|\d+){5})*)$/.test(r.PublicIPs_s)), "PublicIPs_s entries: ip|started|ended|outPkts|inPkts|outBytes|inBytes, space-separated");
  });

  for (const env of ENVIRONMENTS) {
    for (const query of ["list_azure_network_flows_by_ip", "list_azure_network_flows_by_host"] as const) {
      it(`${env}: ${query} gives LocalData's columns, dtypes and rows`, async () => {
        const qp = await live(env);
        const got = await qp.Network[query]();
        const lab = await new QueryProvider("LocalData").Network[query]();
        assert.deepEqual(got.columns, lab.columns, "same columns, same order");
        got.columns.forEach((c, i) => {
          if (TIMES.includes(c)) assert.match(String(got.dtypes[i]), /Datetime/, `${c}: a datetime in the real table`);
          else assert.equal(String(got.dtypes[i]), String(lab.dtypes[i]), c);
        });
        assert.equal(got.height, lab.height);
        const liveRows = got.toRecords() as Rec[];
        const labRows = lab.toRecords() as Rec[];
        // The lab's times are "mm:ss.f" text, which is no instant: null live.
        for (const t of TIMES) assert.ok(liveRows.every((r) => r[t] === null) && labRows.every((r) => !/^\d{4}-/.test(String(r[t]))), t);
        // Every row once, AllExtIPs included; PublicIPs compared apart.
        assert.deepEqual(multiset(liveRows.map((r) => comparable(r, false))), multiset(labRows.map((r) => comparable(r, false))));
        const odd = notExpanded(labRows);
        assert.ok(odd.length > 0 && odd.length < 10, `lab rows not from an mv-expand: ${odd.length}`);
        // With PublicIPs: what the two sides do not share comes only from those flows.
        const liveLists = multiset(liveRows.map((r) => comparable(r)));
        const labOnly: Rec[] = [];
        // Rows of well-expanded flows take their match first (odd rows may share their key).
        for (const r of [...labRows.filter((x) => !odd.includes(x)), ...odd]) {
          const k = comparable(r);
          const n = liveLists.get(k) ?? 0;
          if (n > 0) liveLists.set(k, n - 1);
          else labOnly.push(r);
        }
        assert.ok(labOnly.length > 0, "the lab's odd rows do show");
        assert.ok(labOnly.every((r) => odd.includes(r)), "PublicIPs equal on every row of a flow the lab's export did expand");
        for (const r of liveRows) assert.ok((list(r.PublicIPs) ?? []).includes(String(r.AllExtIPs)) || r.AllExtIPs === (r.FlowDirection === "I" ? r.SrcIP : r.DestIP), "live rows are mv-expand output");
      });
    }

    it(`${env}: the host and IP filters match LocalData's, and hostile values stay literals`, async () => {
      const qp = await live(env);
      const local = new QueryProvider("LocalData");
      const twin = env === "Kusto" ? twins.kusto : twins.logAnalytics;
      const byHost = await qp.Network.list_azure_network_flows_by_host({ host_name: "MSTICAlertsWin1" });
      assert.equal(byHost.height, (await local.Network.list_azure_network_flows_by_host({ host_name: "MSTICAlertsWin1" })).height);
      assert.ok(byHost.height > 0 && byHost.getColumn("VMName").toArray().every((v) => v === "msticalertswin1"));
      const byIp = await qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.0.3.5" });
      assert.equal(byIp.height, (await local.Network.list_azure_network_flows_by_ip({ ip_address: "10.0.3.5" })).height);
      assert.ok(byIp.height > 0 && byIp.getColumn("VMIPAddress").toArray().every((v) => v === "10.0.3.5"));
      for (const value of ['x" or 1==1 //', "x' | mv-expand", "10.0.3.5\n| take 1"]) {
        assert.equal((await qp.Network.list_azure_network_flows_by_ip({ ip_address: value })).height, 0);
        assert.equal(twin.queries.at(-1)?.literals.filter((l) => l === value).length, 2, JSON.stringify(value));
        assert.equal((await qp.Network.list_azure_network_flows_by_host({ host_name: value })).height, 0);
      }
    });

    it(`${env}: get_network_summary sums CommonSecurityLog's outbound SentBytes per hour: LocalData's 168 points`, async () => {
      const qp = await live(env);
      const got = await qp.Network.get_network_summary();
      const lab = await new QueryProvider("LocalData").Network.get_network_summary();
      assert.deepEqual(got.columns, ["TimeGenerated", "TotalBytesSent"]);
      assert.equal(got.height, 168);
      assert.equal(String(got.dtypes[1]), "DataType(Int64)", "a count of bytes (the lab's Parquet file holds it as text)");
      const ms = (df: pl.DataFrame) => df.getColumn("TimeGenerated").cast(pl.Datetime("ms")).cast(pl.Float64).toArray();
      assert.deepEqual(ms(got), ms(lab));
      assert.deepEqual(got.getColumn("TotalBytesSent").toArray(), lab.getColumn("TotalBytesSent").cast(pl.Int64).toArray());
      // The filter matters: the table also holds inbound events in every hour.
      const table = labTables().get("CommonSecurityLog");
      assert.ok(table && table.rows.filter((r) => r.CommunicationDirection === "0").length >= 168);
      const day = await qp.Network.get_network_summary({ start: "2020-07-07T00:00:00Z", end: "2020-07-07T23:59:59.999Z" });
      assert.equal(day.height, 24);
    });
  }
});
