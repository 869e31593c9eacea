/** Network-flow schemas onto the lab's Azure network analytics columns: Zeek conn.log (TSV and JSON), ECS network. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, isLocalAddress, isZeekTsv, normalizeEvents, readZeekTsv, readZeekTsvFile } from "../../../src/data/schemas/index";
import { DataColumnError, DataFileError } from "../../../src/data/messages";

const FIX = path.join(__dirname, "..", "..", "fixtures", "schemas", "network");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const ATTACKER = "45.137.22.48";
const FLOW_COLUMNS = ["TimeGenerated", "FlowStartTime", "FlowEndTime", "VMName", "VMIPAddress", "SrcIP", "DestIP", "AllExtIPs", "L4Protocol", "L7Protocol", "DestPort", "FlowDirection", "AllowedOutFlows", "AllowedInFlows", "DeniedInFlows", "DeniedOutFlows", "TotalAllowedFlows", "FlowType"];

function assertFlowLayout(df: pl.DataFrame): void {
  for (const c of FLOW_COLUMNS) assert.ok(df.columns.includes(c), `missing ${c}`);
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal(df.getColumn("DestPort").dtype.variant, "Int64");
  assert.deepEqual([...new Set(col(df, "L4Protocol"))].sort(), ["T", "U"]);
}

/** The fixtures' story, whatever the schema: RDP in from two public addresses, SMB inside, the rest out. */
function assertFlowStory(df: pl.DataFrame): void {
  const rdp = df.filter(pl.col("DestPort").eq(3389));
  assert.ok(rdp.height > 0);
  assert.deepEqual([...new Set(col(rdp, "FlowDirection"))], ["I"]);
  assert.deepEqual([...new Set(col(rdp, "VMIPAddress"))], ["10.20.4.17"]);
  assert.ok(col(rdp, "AllExtIPs").includes(ATTACKER));
  const smb = df.filter(pl.col("DestPort").eq(445));
  assert.ok(smb.height > 0);
  assert.deepEqual([...new Set(col(smb, "FlowType"))], ["IntraVNet"]);
  assert.equal(smb.getColumn("AllExtIPs").nullCount(), smb.height, "an internal flow has no external address");
  const out = df.filter(pl.col("DestPort").eq(443));
  assert.deepEqual([...new Set(col(out, "FlowDirection"))], ["O"]);
  assert.ok(col(out, "AllExtIPs").every((ip) => typeof ip === "string" && !isLocalAddress(ip)));
  assert.deepEqual(col(df, "AllowedOutFlows").map(Number).reduce((a, b) => a + b, 0) + col(df, "AllowedInFlows").map(Number).reduce((a, b) => a + b, 0), df.height);
}

describe("normalizeEvents: network flows", () => {
  it("leaves the lab's flows unchanged", () => {
    const df = pl.readParquet(path.join(__dirname, "..", "..", "..", "data", "az_net_comms.parquet"));
    assert.equal(normalizeEvents(df, "networkFlow"), df);
  });

  it("reads Zeek's TSV log: types from #types, unset fields null, ts a time", () => {
    const text = fs.readFileSync(path.join(FIX, "zeek_conn.log"), "utf8");
    assert.ok(isZeekTsv(text.slice(0, 64)));
    const df = readZeekTsvFile(path.join(FIX, "zeek_conn.log"));
    assert.equal(df.height, 48);
    assert.equal(df.getColumn("ts").dtype.variant, "Datetime");
    assert.equal(df.getColumn("id.resp_p").dtype.variant, "Int64");
    assert.equal(df.getColumn("local_orig").dtype.variant, "Bool");
    assert.equal(df.getColumn("duration").dtype.variant, "Float64");
    assert.ok(df.getColumn("service").nullCount() > 0, "- is null");
    assert.deepEqual([...new Set(col(df, "tunnel_parents"))], [""], "(empty) is the empty string");
    assert.throws(() => readZeekTsv("#separator \\x09\nno fields\n", "conn.log"), (e: unknown) => e instanceof DataFileError && /conn\.log.*#fields/.test(e.message));
  });

  it("concatenated Zeek logs whose #fields change between header blocks: each row read with its own header", () => {
    // `cat conn.*.log`: the older files were written with community-id logging, the newer without.
    const head = (fields: string[], types: string[]) => `#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\t${fields.join("\t")}\n#types\t${types.join("\t")}\n`;
    const base = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"];
    const baseTypes = ["time", "string", "addr", "port", "addr", "port", "enum"];
    const text =
      head([...base, "community_id", "service"], [...baseTypes, "string", "string"]) +
      "1791185574.000000\tC1\t10.20.4.17\t50000\t8.8.8.8\t53\tudp\t1:abc=\tdns\n#close\t2026-10-05-09-00-00\n" +
      head([...base, "community_id", "service"], [...baseTypes, "string", "string"]) +
      "1791185575.000000\tC2\t10.20.4.17\t50001\t8.8.4.4\t53\tudp\t1:def=\tdns\n#close\t2026-10-05-10-00-00\n" +
      head([...base, "service"], [...baseTypes, "string"]) +
      "1791185576.000000\tC3\t10.20.4.17\t50002\t93.184.216.34\t443\ttcp\tssl\n#close\t2026-10-05-11-00-00\n";
    const df = readZeekTsv(text, "conn.log");
    assert.deepEqual(col(df, "uid"), ["C1", "C2", "C3"]);
    assert.deepEqual(col(df, "service"), ["dns", "dns", "ssl"]);
    assert.deepEqual(col(df, "community_id"), ["1:abc=", "1:def=", null]);
    assert.equal(df.getColumn("ts").dtype.variant, "Datetime");
    assert.equal(df.getColumn("id.resp_p").dtype.variant, "Int64");
  });

  it("Zeek conn.log (TSV): the local end by local_orig", () => {
    const df = normalizeEvents(readZeekTsvFile(path.join(FIX, "zeek_conn.log")), "networkFlow");
    assertFlowLayout(df);
    assertFlowStory(df);
    assert.deepEqual(col(df, "VMName"), col(df, "VMIPAddress"), "Zeek has no host names: the local address stands in");
    assert.ok(df.columns.includes("uid"), "original columns kept");
  });

  it("Zeek conn.log (JSON lines, epoch seconds)", () => {
    const raw = readDataFile(path.join(FIX, "zeek_conn.ndjson"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "zeek-conn");
    const df = normalizeEvents(raw, "networkFlow");
    assertFlowLayout(df);
    assertFlowStory(df);
    const tsv = normalizeEvents(readZeekTsvFile(path.join(FIX, "zeek_conn.log")), "networkFlow");
    assert.deepEqual(col(df, "TimeGenerated").map(String), col(tsv, "TimeGenerated").map(String), "the same times from both forms");
    assert.ok(String(col(df, "TimeGenerated")[0]).startsWith("Mon Oct 05 2026"));
  });

  it("Zeek conn.log from a cluster: VMName is the flow's local address, not the sensor (_node_name) that logged it", () => {
    const raw = pl.DataFrame({
      ts: [1791185574.5, 1791185575.5, 1791185576.5],
      "id.orig_h": ["10.20.4.17", ATTACKER, "10.20.8.5"],
      "id.orig_p": [50000, 52848, 50001],
      "id.resp_h": ["8.8.8.8", "10.20.4.17", "1.1.1.1"],
      "id.resp_p": [53, 3389, 53],
      proto: ["udp", "tcp", "udp"],
      _node_name: ["worker-1-1", "worker-1-1", "worker-1-2"],
    });
    const df = normalizeEvents(raw, "networkFlow");
    assert.deepEqual(col(df, "VMName"), ["10.20.4.17", "10.20.4.17", "10.20.8.5"]);
    assert.deepEqual(col(df, "_node_name"), ["worker-1-1", "worker-1-1", "worker-1-2"], "the sensor stays in its own column");
  });

  it("Zeek epoch seconds with a far-future sentinel: the unit from the typical value, not the largest", () => {
    const raw = pl.DataFrame({
      ts: [1709287200.5, 1709287201.25, 253402300799],
      "id.orig_h": ["10.0.0.1", "10.0.0.2", "10.0.0.3"],
      "id.orig_p": [50000, 50001, 50002],
      "id.resp_h": ["1.1.1.1", "1.0.0.1", "8.8.8.8"],
      "id.resp_p": [53, 53, 53],
      proto: ["udp", "udp", "udp"],
    });
    const df = normalizeEvents(raw, "networkFlow");
    const times = (df.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.toISOString());
    assert.deepEqual(times, ["2024-03-01T10:00:00.500Z", "2024-03-01T10:00:01.250Z", "9999-12-31T23:59:59.000Z"]);
  });

  it("ECS network with empty event.start/event.end columns (a Kibana CSV): flow times are @timestamp's, as times", () => {
    const raw = pl.DataFrame({
      "@timestamp": ["2024-03-01T10:00:00Z", "2024-03-01T10:00:01Z"],
      "source.ip": ["10.0.0.1", "10.0.0.2"],
      "destination.ip": ["1.1.1.1", "1.0.0.1"],
      "destination.port": ["53", "53"],
      "network.transport": ["udp", "udp"],
      "event.start": ["", ""],
      "event.end": [null, ""],
    });
    const df = normalizeEvents(raw, "networkFlow");
    for (const c of ["FlowStartTime", "FlowEndTime"]) {
      assert.equal(df.getColumn(c).dtype.variant, "Datetime", c);
      assert.deepEqual((df.getColumn(c).toArray() as unknown as Date[]).map((d) => d.toISOString()), ["2024-03-01T10:00:00.000Z", "2024-03-01T10:00:01.000Z"], c);
    }
  });

  it("ECS network (nested): direction from network.direction, host from host.name", () => {
    const raw = readDataFile(path.join(FIX, "ecs_network_flows.ndjson"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "ecs-network");
    const df = normalizeEvents(raw, "networkFlow");
    assertFlowLayout(df);
    assertFlowStory(df);
    assert.deepEqual([...new Set(col(df, "VMName"))].sort(), ["nwl-fs01", "nwl-wks-014"]);
    assert.ok(col(df, "L7Protocol").includes("dns"));
  });

  it("ECS firewall events: event.type denied (an array, nested or as text), event.action deny or event.outcome failure count as denied", () => {
    const flows = (df: pl.DataFrame) => {
      const out = normalizeEvents(df, "networkFlow");
      return ["AllowedInFlows", "DeniedInFlows", "AllowedOutFlows", "DeniedOutFlows", "TotalAllowedFlows"].map((c) => col(out, c).map(Number));
    };
    // Nested NDJSON (panw: the array says it, action and outcome too; the second only by its array).
    const events = [
      { "@timestamp": "2026-10-05T08:00:00Z", event: { type: ["connection", "denied"], action: "flow_denied", outcome: "failure" }, source: { ip: ATTACKER }, destination: { ip: "10.20.4.17", port: 3389 } },
      { "@timestamp": "2026-10-05T08:00:01Z", event: { type: ["denied", "connection"], action: "flow_dropped", outcome: "unknown" }, source: { ip: "10.20.4.17" }, destination: { ip: "8.8.8.8", port: 53 } },
      { "@timestamp": "2026-10-05T08:00:02Z", event: { type: ["connection", "allowed", "start"], action: "flow_started", outcome: "success" }, source: { ip: "10.20.4.17" }, destination: { ip: "8.8.4.4", port: 443 } },
    ];
    // As an NDJSON file is read (pl.readRecords drops lists inside structs).
    const nested = pl.readJSON(Buffer.from(events.map((e) => JSON.stringify(e)).join("\n")), { format: "lines" });
    assert.equal(nested.getColumn("event").struct.field("type").dtype.variant, "List");
    assert.equal(detectEventSchema(nested, "networkFlow").id, "ecs-network");
    assert.deepEqual(flows(nested), [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    // A Kibana/CSV export: the array as JSON or comma-joined text; fortinet's and iptables' event.action; cisco's outcome.
    const flat = pl.DataFrame({
      "@timestamp": ["2026-10-05T08:00:00Z", "2026-10-05T08:00:01Z", "2026-10-05T08:00:02Z", "2026-10-05T08:00:03Z", "2026-10-05T08:00:04Z", "2026-10-05T08:00:05Z"],
      "source.ip": [ATTACKER, ATTACKER, "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17"],
      "destination.ip": ["10.20.4.17", "10.20.4.17", "8.8.8.8", "8.8.8.8", "8.8.8.8", "8.8.8.8"],
      "event.type": ['["connection","denied"]', "connection, denied", "connection", null, '["connection","end"]', "allowed"],
      "event.action": ["", null, "deny", "DROP", "close", "accept"],
      "event.outcome": [null, "", null, null, "failure", "success"],
    });
    assert.deepEqual(flows(flat), [
      [0, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1],
      [0, 0, 1, 1, 1, 0],
      [0, 0, 0, 0, 0, 1],
    ]);
  });

  it("Azure network analytics exported as CSV: text numbers converted in place", () => {
    const df = pl.DataFrame({ VMIPAddress: ["10.0.0.4"], AllExtIPs: ["8.8.8.8"], FlowDirection: ["O"], DestPort: ["443"], L4Protocol: ["T"], FlowStartTime: ["2026-10-05T08:00:00Z"] });
    const out = normalizeEvents(df, "networkFlow");
    assert.equal(detectEventSchema(df, "networkFlow").id, "azure-network-analytics");
    assert.deepEqual(col(out, "DestPort"), [443]);
    assert.equal(out.getColumn("TimeGenerated").dtype.variant, "Datetime");
  });

  it("a direction the data declares wins over address ranges", () => {
    const df = pl.DataFrame({ "@timestamp": ["2026-10-05T08:00:00Z", "2026-10-05T08:01:00Z"], "source.ip": ["8.8.8.8", "1.1.1.1"], "destination.ip": ["9.9.9.9", "10.1.1.1"], "network.direction": ["inbound", "unknown"] });
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "FlowDirection"), ["I", "I"]);
    assert.deepEqual(col(out, "VMIPAddress"), ["9.9.9.9", "10.1.1.1"]);
    assert.deepEqual(col(out, "AllExtIPs"), ["8.8.8.8", "1.1.1.1"]);
  });

  it("multicast and broadcast destinations are no remote host: no AllExtIPs, IntraVNet", () => {
    // mDNS, SSDP, LLMNR and DHCP, as every Zeek conn.log has them.
    const df = pl.DataFrame({
      "@timestamp": ["2026-10-05T08:00:00Z", "2026-10-05T08:00:01Z", "2026-10-05T08:00:02Z", "2026-10-05T08:00:03Z", "2026-10-05T08:00:04Z"],
      "source.ip": ["fe80::1", "10.1.1.5", "10.1.1.5", "0.0.0.0", "10.1.1.5"],
      "destination.ip": ["ff02::fb", "239.255.255.250", "224.0.0.252", "255.255.255.255", "8.8.8.8"],
    });
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "AllExtIPs"), [null, null, null, null, "8.8.8.8"]);
    assert.deepEqual(col(out, "FlowType"), ["IntraVNet", "IntraVNet", "IntraVNet", "IntraVNet", "ExternalPublic"]);
    assert.deepEqual(col(out, "FlowDirection"), ["O", "O", "O", "O", "O"]);
    assert.ok(isLocalAddress("ff02::1:2") && isLocalAddress("255.255.255.255") && !isLocalAddress("8.8.8.8"));
  });

  it("Zeek's local_resp: a remote end in the site's own (public) address space is no external address", () => {
    const text =
      "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tlocal_orig\tlocal_resp\n" +
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tbool\tbool\n" +
      "1791185574.000000\tC1\t10.20.4.17\t50000\t128.32.1.10\t443\ttcp\tT\tT\n" +
      "1791185575.000000\tC2\t10.20.4.17\t50001\t8.8.8.8\t53\tudp\tT\tF\n" +
      "1791185576.000000\tC3\t10.20.4.17\t50002\t10.99.0.1\t22\ttcp\tT\tF\n" +
      "1791185577.000000\tC4\t128.32.1.10\t50003\t10.20.4.17\t445\ttcp\tT\tT\n" +
      "#close\t2026-10-05-08-00-00\n";
    const out = normalizeEvents(readZeekTsv(text, "conn.log"), "networkFlow");
    assert.deepEqual(col(out, "FlowType"), ["IntraVNet", "ExternalPublic", "IntraVNet", "IntraVNet"]);
    assert.deepEqual(col(out, "AllExtIPs"), [null, "8.8.8.8", null, null], "a private address is never an external one");
    assert.deepEqual(col(out, "FlowDirection"), ["O", "O", "O", "O"]);
  });

  it("no known schema: the closest one and the frame's close names", () => {
    const df = pl.DataFrame({ timestamp: ["x"], src_ip: ["1.2.3.4"], dst_ip: ["5.6.7.8"], dst_port: [80] });
    assert.throws(
      () => normalizeEvents(df, "networkFlow", { source: "Network.list_azure_network_flows_by_host (az_net_comms.csv)" }),
      (err: unknown) => {
        assert.ok(err instanceof DataColumnError);
        assert.equal(err.code, "data/event-schema-unknown");
        assert.match(err.message, /az_net_comms\.csv/);
        assert.match(err.message, /Closest: /);
        assert.match(err.message, /close: "(src_ip|dst_ip|timestamp)"/);
        return true;
      },
    );
  });
});

describe("Google Cloud VPC Flow Logs", () => {
  it("Cloud Logging's LogEntry JSON: the reporter says the direction, its vm_name the host; a VM-to-VM connection is reported by each end", () => {
    const raw = readDataFile(path.join(FIX, "gcp_vpc_flows.json"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "gcp-vpc-flow");
    const df = normalizeEvents(raw, "networkFlow");
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.deepEqual(
      (df.getColumn("FlowStartTime").toArray() as unknown as Date[]).map((d) => d.toISOString()),
      ["2026-10-15T08:00:00.100Z", "2026-10-15T08:01:00.000Z", "2026-10-15T08:02:00.000Z", "2026-10-15T08:02:00.000Z", "2026-10-15T08:03:00.000Z"],
    );
    assert.deepEqual(col(df, "FlowDirection"), ["O", "I", "O", "I", "O"], "SRC reports outbound, DEST inbound");
    assert.deepEqual(col(df, "VMName"), ["web-1", "db-1", "web-1", "db-1", "web-1"], "the reporting VM");
    assert.deepEqual(col(df, "VMIPAddress"), ["10.128.0.5", "10.128.0.7", "10.128.0.5", "10.128.0.7", "10.128.0.5"]);
    assert.deepEqual(col(df, "AllExtIPs"), ["93.184.216.34", ATTACKER, null, null, "8.8.8.8"]);
    assert.deepEqual(col(df, "FlowType"), ["ExternalPublic", "ExternalPublic", "IntraVNet", "IntraVNet", "ExternalPublic"]);
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "T", "T", "U"]);
    assert.deepEqual(col(df, "DestPort"), [443, 22, 5432, 5432, 53]);
    assert.deepEqual(col(df, "AllowedInFlows"), [0, 1, 0, 1, 0]);
    assert.deepEqual(col(df, "TotalAllowedFlows"), [1, 1, 1, 1, 1]);
  });
});

describe("Azure flow logs: NSG and VNet flow log files, Traffic Analytics tables", () => {
  it("Traffic Analytics' NTANetAnalytics (Inbound/Outbound, public ends in SrcPublicIps/DestPublicIps, SrcVm/DestVm): the lab's letters, one row per public address, the local VM's name", () => {
    const df = readDataFile(path.join(FIX, "ntanetanalytics.csv"));
    assert.equal(detectEventSchema(df, "networkFlow").id, "nta-net-analytics");
    const out = normalizeEvents(df, "networkFlow");
    // The first row's two public destinations are two rows (its counts repeated, as MSTICPy's mv-expand does).
    assert.equal(out.height, 5);
    assert.deepEqual(col(out, "FlowDirection"), ["O", "O", "I", "O", "I"]);
    assert.deepEqual(col(out, "AllExtIPs"), ["20.50.2.10", "52.1.2.3", "185.220.101.7", null, null]);
    assert.deepEqual(col(out, "VMIPAddress"), ["10.1.0.4", "10.1.0.4", "10.1.0.5", "10.1.0.4", "10.1.0.4"]);
    assert.deepEqual(col(out, "SrcIP"), ["10.1.0.4", "10.1.0.4", "185.220.101.7", "10.1.0.4", "10.1.1.7"]);
    assert.deepEqual(col(out, "VMName"), ["web-vm1", "web-vm1", "jump-vm", "web-vm1", "web-vm1"], "the local end's VM, never the remote one (db-vm1)");
    assert.deepEqual(col(out, "FlowType"), ["ExternalPublic", "ExternalPublic", "ExternalPublic", "IntraVNet", "IntraVNet"]);
    assert.deepEqual(col(out, "DeniedInFlows"), [0, 0, 4, 0, 0]);
    assert.equal(out.getColumn("TotalAllowedFlows").dtype.variant, "Int64");
    assert.deepEqual(col(out, "TotalAllowedFlows"), [3, 3, 0, 1, 1]);
    assert.deepEqual(col(out, "DestPort"), [443, 443, 3389, 1433, 22]);
    assert.equal(out.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.ok(!out.columns.some((c) => c.startsWith("__hl_")), "no helper column is left");
    // The export's own columns stay (FlowDirection is rewritten in the lab's letters).
    assert.deepEqual(col(out, "FlowStatus"), ["Allowed", "Allowed", "Denied", "Allowed", "A"]);
    // The repeated totals count the first row's 3 flows once per address (6); each address's own entry gives its share.
    assert.deepEqual(col(out, "PublicIpCount"), [2, 2, 1, null, null]);
    assert.deepEqual(col(out, "PublicIpFlowsStarted"), [1, 2, 4, null, null]);
    assert.deepEqual(col(out, "PublicIpFlowsEnded"), [1, 0, 0, null, null]);
    assert.deepEqual(col(out, "PublicIpPacketsOut"), [10, 5, 4, null, null]);
    assert.deepEqual(col(out, "PublicIpBytesIn"), [900, 0, 0, null, null]);
    const first = out.filter(pl.col("PublicIpCount").eq(2));
    assert.equal(Number(first.getColumn("AllowedOutFlows").sum()), 6, "the row's total, repeated (MSTICPy's mv-expand)");
    assert.equal(Number(first.getColumn("PublicIpFlowsStarted").sum()), 3, "the addresses' own counts add up to the row's flows");
  });

  it("NTANetAnalytics: a public IP entry without counts or with text in them gives null counts; its address still reads", () => {
    const df = pl.DataFrame({
      FlowType: ["ExternalPublic"],
      SrcIp: ["10.1.0.4"],
      DestIp: [""],
      DestPublicIps: ["20.50.2.10 52.1.2.3|x|1|2"],
      FlowDirection: ["Outbound"],
      FlowStatus: ["Allowed"],
      AllowedOutFlows: [2],
      AllowedInFlows: [0],
    });
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "AllExtIPs"), ["20.50.2.10", "52.1.2.3"]);
    assert.deepEqual(col(out, "PublicIpFlowsStarted"), [null, null]);
    assert.deepEqual(col(out, "PublicIpFlowsEnded"), [null, 1]);
    assert.deepEqual(col(out, "PublicIpBytesIn"), [null, null]);
  });

  it("an NSG flow log (version 2) file: one row per tuple, a connection's B/C/E tuples one flow, D denied, the interface's MAC as VMName; a malformed tuple is one dropped row with a warning", () => {
    const warnings: string[] = [];
    const df = readDataFile(path.join(FIX, "nsg_flowlog_v2.json"));
    assert.equal(detectEventSchema(df, "networkFlow").id, "azure-flow-log");
    const out = normalizeEvents(df, "networkFlow", { source: "nsg_flowlog_v2.json", warn: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /nsg_flowlog_v2\.json: 1 of 7 flowTuples .*"not,a,tuple"/);
    const byPort = (port: number) => out.filter(pl.col("DestPort").eq(port));
    assert.equal(byPort(3389).height, 2);
    assert.deepEqual(col(byPort(3389), "DeniedInFlows"), [1, 1]);
    assert.deepEqual(col(byPort(3389), "AllExtIPs"), [ATTACKER, ATTACKER]);
    assert.deepEqual(col(byPort(3389), "FlowDirection"), ["I", "I"]);
    const https = byPort(443);
    assert.equal(https.height, 1, "Begin, Continuing and End of one connection: one flow");
    assert.deepEqual(col(https, "AllowedOutFlows"), [1]);
    assert.deepEqual(col(https, "flowTupleState"), ["E"]);
    assert.equal(new Date(col(https, "FlowStartTime")[0] as Date).toISOString(), "2026-10-05T08:00:10.000Z");
    assert.equal(new Date(col(https, "FlowEndTime")[0] as Date).toISOString(), "2026-10-05T08:02:10.000Z");
    assert.deepEqual(col(byPort(53), "FlowType"), ["IntraVNet"]);
    assert.deepEqual(col(byPort(53), "L4Protocol"), ["U"]);
    assert.equal(out.height, 4);
    assert.deepEqual([...new Set(col(out, "VMName"))], ["000D3A11AA01"]);
    assert.deepEqual([...new Set(col(out, "VMIPAddress"))], ["10.20.4.17"]);
  });

  it("a VNet flow log file: ms times, IANA protocols, state D denied, the NIC's name as VMName", () => {
    const df = readDataFile(path.join(FIX, "vnet_flowlog.json"));
    const out = normalizeEvents(df, "networkFlow", { warn: () => assert.fail("no warning") });
    assert.equal(out.height, 2);
    assert.deepEqual(col(out, "DestPort").sort(), [22, 443]);
    const ssh = out.filter(pl.col("DestPort").eq(22));
    assert.deepEqual([col(ssh, "DeniedInFlows")[0], col(ssh, "FlowDirection")[0], col(ssh, "AllExtIPs")[0]], [1, "I", "185.220.101.7"]);
    const https = out.filter(pl.col("DestPort").eq(443));
    assert.deepEqual([col(https, "AllowedOutFlows")[0], col(https, "L4Protocol")[0], col(https, "flowTupleBytesDestToSrc")[0]], [1, "T", 88000]);
    assert.deepEqual([...new Set(col(out, "VMName"))], ["web-vm1-nic"]);
  });

  it("a VNet flow log's encryption states: NX_NOT_ACCEPTED, NX_SW_NOT_READY and NX_NOT_SUPPORTED tuples are dropped packets (denied), X and NX_FALLBACK allowed; times in seconds read as seconds; a state letter beyond B/C/E/D still reads", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hl-vnet-"));
    try {
      const tuple = (t: string, src: string, dst: string, sport: number, dport: number, state: string, enc: string, counts = "0,0,0,0") => `${t},${src},${dst},${sport},${dport},6,O,${state},${enc},${counts}`;
      const record = {
        time: "2026-11-20T10:00:00Z",
        flowLogVersion: 4,
        macAddress: "000D3A112233",
        targetResourceID: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a",
        flowRecords: {
          flows: [
            // Denied by encryption: Microsoft writes aclID and rule "unspecified".
            { aclID: "unspecified", flowGroups: [{ rule: "unspecified", flowTuples: [tuple("1791187400000", "10.30.1.4", "10.30.2.9", 50001, 1433, "B", "NX_NOT_ACCEPTED"), tuple("1791187401000", "10.30.1.4", "10.30.2.9", 50001, 1433, "E", "NX_NOT_ACCEPTED"), tuple("1791187402000", "10.30.1.4", "10.30.2.10", 50002, 1433, "B", "NX_SW_NOT_READY"), tuple("1791187403000", "10.30.1.4", "10.30.2.11", 50003, 1433, "B", "NX_NOT_SUPPORTED")] }] },
            { aclID: "a1", flowGroups: [{ rule: "UserRule_allow", flowTuples: [
              tuple("1791187404000", "10.30.1.4", "10.30.2.12", 50004, 1433, "E", "X", "3,300,2,200"),
              tuple("1791187405000", "10.30.1.4", "10.30.2.13", 50005, 1433, "E", "NX_FALLBACK", "3,300,2,200"),
              tuple("1791187406000", "10.30.1.4", "10.30.2.14", 50006, 1433, "E", "NX_HW_NOT_SUPPORTED", "3,300,2,200"),
              // Seconds, as Microsoft's bandwidth example writes them, with a Begin's empty counts.
              tuple("1791187407", "10.30.1.4", "10.30.2.15", 50007, 1433, "B", "NX", ",,,"),
              // A state letter no schema version documents yet: read, counted alone.
              tuple("1791187408000", "10.30.1.4", "10.30.2.16", 50008, 1433, "R", "NX"),
              // Not an encryption state: one dropped row.
              tuple("1791187409000", "10.30.1.4", "10.30.2.17", 50009, 1433, "E", "nx;drop"),
            ] }] },
          ],
        },
      };
      const file = path.join(dir, "PT1H.json");
      fs.writeFileSync(file, JSON.stringify({ records: [record] }));
      const warnings: string[] = [];
      const out = normalizeEvents(readDataFile(file), "networkFlow", { source: "PT1H.json", warn: (w) => warnings.push(w) });
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /1 of 10 flowTuples .*nx;drop/);
      const byDest = (ip: string) => out.filter(pl.col("DestIP").eq(pl.lit(ip)));
      for (const ip of ["10.30.2.9", "10.30.2.10", "10.30.2.11"]) {
        assert.deepEqual([col(byDest(ip), "DeniedOutFlows")[0], col(byDest(ip), "AllowedOutFlows")[0]], [1, 0], `${ip}: dropped for want of encryption`);
      }
      assert.equal(byDest("10.30.2.9").height, 1, "its Begin and End are one (denied) flow");
      assert.deepEqual(col(byDest("10.30.2.9"), "flowTupleEncryption"), ["NX_NOT_ACCEPTED"]);
      for (const ip of ["10.30.2.12", "10.30.2.13", "10.30.2.14", "10.30.2.15", "10.30.2.16"]) assert.deepEqual(col(byDest(ip), "AllowedOutFlows"), [1], ip);
      assert.deepEqual(col(byDest("10.30.2.15"), "TimeGenerated").map((t) => (t as Date).toISOString()), ["2026-10-05T08:03:27.000Z"]);
      assert.deepEqual(col(byDest("10.30.2.15"), "flowTuplePacketsSrcToDest"), [null]);
      assert.deepEqual(col(byDest("10.30.2.16"), "flowTupleState"), ["R"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a flow log file asked for logons is refused saying it holds flows only", () => {
    const df = readDataFile(path.join(FIX, "nsg_flowlog_v2.json"));
    assert.throws(
      () => normalizeEvents(df, "logon", { source: "Fam.q (nsg.json)" }),
      (err: unknown) => err instanceof DataColumnError && err.code === "data/event-schema-unknown" && /Azure NSG or VNet flow log file .*network flows only/.test(err.message),
    );
  });
});

describe("Defender XDR DeviceNetworkEvents", () => {
  it("LocalIP/RemoteIP by ActionType: an accepted connection is inbound from the remote end, the others outbound; ConnectionFailed denied; TcpV4 is T; listening sockets and inspections left out; a port that is no number null", () => {
    const raw = readDataFile(path.join(FIX, "mde_device_network_events.csv"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "mde-device-network");
    const df = normalizeEvents(raw, "networkFlow", { warn: (w) => assert.fail(w) });
    assert.deepEqual(col(df, "ReportId"), [201, 202, 203, 206, 207], "ListeningConnectionCreated and NetworkSignatureInspected are no flows");
    assert.deepEqual(col(df, "FlowDirection"), ["O", "I", "O", "O", "O"]);
    assert.deepEqual(col(df, "SrcIP"), ["10.20.6.21", "198.51.100.23", "10.20.6.21", "10.20.6.21", "10.20.6.21"]);
    assert.deepEqual(col(df, "DestIP"), ["203.0.113.80", "10.20.6.21", "192.0.2.44", "10.20.1.5", "203.0.113.81"]);
    assert.deepEqual(col(df, "VMIPAddress"), ["10.20.6.21", "10.20.6.21", "10.20.6.21", "10.20.6.21", "10.20.6.21"]);
    assert.deepEqual(col(df, "AllExtIPs"), ["203.0.113.80", "198.51.100.23", "192.0.2.44", null, "203.0.113.81"]);
    assert.deepEqual(col(df, "DestPort"), [443, 3389, 8443, 53, null], "an inbound connection's destination port is the device's own");
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "T", "U", "T"]);
    assert.deepEqual(col(df, "DeniedOutFlows"), [0, 0, 1, 0, 0]);
    assert.deepEqual(col(df, "AllowedInFlows"), [0, 1, 0, 0, 0]);
    assert.deepEqual(col(df, "FlowType"), ["ExternalPublic", "ExternalPublic", "ExternalPublic", "IntraVNet", "ExternalPublic"]);
    assert.deepEqual([...new Set(col(df, "VMName"))], ["fin-wks-021.fabrikam.local"]);
    assert.ok(!df.columns.some((c) => c.startsWith("__hl_")), "no helper column is left");
  });
});
