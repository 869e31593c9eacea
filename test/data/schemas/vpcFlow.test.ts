/**
 * AWS VPC Flow Logs: the S3 text files (header line of field names, space-separated values, `-` for none)
 * read as a `.log` data source, and Athena's CSV export; both onto the lab's flow columns.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { QueryProvider } from "../../../src/data/queryProvider";
import { detectEventSchema, isVpcFlowLog, normalizeEvents, readVpcFlowLog } from "../../../src/data/schemas/index";
import { DataColumnError, DataFileError } from "../../../src/data/messages";
import { tempTree } from "../../helpers/tmp";

const FIX = path.join(__dirname, "..", "..", "fixtures", "schemas", "vpc");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const iso = (df: pl.DataFrame, name: string) => (df.getColumn(name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const ATTACKER = "45.137.22.48";
const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

describe("AWS VPC flow logs (S3 text files)", () => {
  it("reads the header's fields: numbers as integers, start/end as times, - as null, a bad number null", () => {
    const df = readDataFile(path.join(FIX, "vpc_flow.log"));
    assert.deepEqual(df.columns, HEADER.split(" "));
    assert.equal(df.height, 11);
    assert.equal(df.getColumn("start").dtype.variant, "Datetime");
    assert.equal(df.getColumn("dstport").dtype.variant, "Int64");
    assert.equal(df.getColumn("account-id").dtype.variant, "String", "an account id is no number to sum (it may start with 0)");
    assert.deepEqual(iso(df, "start").slice(0, 1), ["2026-10-05T08:00:00.000Z"]);
    assert.deepEqual(col(df, "packets").slice(6, 8), [4, null], "x is no number");
    assert.deepEqual(col(df, "srcaddr")[8], null, "- is null");
    assert.deepEqual(col(df, "log-status").slice(7, 11), ["OK", "NODATA", "SKIPDATA", null], "the cut last line keeps what it has");
  });

  it("maps to the lab's flows: REJECT denied, protocol numbers, IPv6; NODATA and SKIPDATA records left out", () => {
    const raw = readDataFile(path.join(FIX, "vpc_flow.log"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "aws-vpc-flow");
    const df = normalizeEvents(raw, "networkFlow");
    assert.equal(df.height, 9);
    assert.deepEqual(col(df, "VMIPAddress"), ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "2600:1f18:abcd:1200::17", "10.20.4.17"]);
    assert.deepEqual(col(df, "AllExtIPs"), [ATTACKER, ATTACKER, null, "193.0.6.139", "8.8.8.8", "185.220.101.7", "9.9.9.9", "2606:4700::6810:84e5", "8.8.4.4"]);
    // Each direction of a conversation is its own record: the RDP session's reply goes out to the client's port.
    assert.deepEqual(col(df, "FlowDirection"), ["I", "O", "O", "O", "O", "I", "O", "O", "O"]);
    assert.deepEqual(col(df, "DestPort"), [3389, 52848, 445, 443, 53, 22, 0, 443, null]);
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "T", "T", "U", "T", "ICMP", "T", null]);
    assert.deepEqual(col(df, "DeniedInFlows"), [0, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(col(df, "TotalAllowedFlows"), [1, 1, 1, 1, 1, 0, 1, 1, 1]);
    assert.deepEqual(col(df, "FlowType").slice(0, 3), ["ExternalPublic", "ExternalPublic", "IntraVNet"]);
    assert.equal(col(df, "VMName")[0], "eni-0a1b2c3d4e5f60718", "no host names: the interface");
    assert.deepEqual(iso(df, "FlowEndTime")[0], "2026-10-05T08:01:00.000Z");
  });

  it("a custom format's header, CRLF lines, a byte-order mark and the header repeated (cat of several files)", () => {
    const text = "\uFEFFinterface-id srcaddr dstaddr dstport start flow-direction\r\neni-1 10.0.0.5 8.8.8.8 53 1791187200 egress\r\ninterface-id srcaddr dstaddr dstport start flow-direction\r\neni-1 1.1.1.1 10.0.0.5 443 1791187260 ingress\r\n";
    const raw = readVpcFlowLog(text, "flows.log");
    assert.deepEqual(raw.columns, ["interface-id", "srcaddr", "dstaddr", "dstport", "start", "flow-direction"]);
    assert.deepEqual(col(raw, "flow-direction"), ["egress", "ingress"]);
    const df = normalizeEvents(raw, "networkFlow");
    // Declared ingress: the public end is the source, whatever its port.
    assert.deepEqual(col(df, "FlowDirection"), ["O", "I"]);
    assert.deepEqual(col(df, "AllExtIPs"), ["8.8.8.8", "1.1.1.1"]);
    assert.equal(readVpcFlowLog(`${HEADER}\n`).height, 0);
    // A line whose first field is empty (it starts with a space) is a record with that field null, not dropped with the repeated headers.
    assert.deepEqual(col(readVpcFlowLog("srcaddr dstaddr start\n 8.8.8.8 1791187200\n"), "dstaddr"), ["8.8.8.8"]);
  });

  it("refuses what is no flow log header, and says so for records without theirs", () => {
    assert.ok(isVpcFlowLog(`${HEADER}\n2 1 eni-1 - - - - - - - 1 2 - NODATA\n`));
    for (const head of ["2026-10-05 10:00:00 INFO srcaddr dstaddr\n", "srcaddr srcaddr dstaddr\n", "srcaddr  dstaddr\n", "version account-id interface-id\n", "Srcaddr Dstaddr\n"]) {
      assert.equal(isVpcFlowLog(head), false, head);
    }
    const records = "2 123456789012 eni-0a1b2c3d4e5f60718 10.20.4.17 8.8.8.8 53111 53 17 1 60 1791187200 1791187260 ACCEPT OK\n";
    const dir = tempTree({ "flows.log": records, "app.log": "2026-10-05 10:00:00 INFO started\n" });
    assert.throws(() => readDataFile(path.join(dir, "flows.log")), (err: unknown) => {
      assert.ok(err instanceof DataFileError);
      assert.match(err.message, /flows\.log.*first line is an AWS VPC flow log record, not the header line of field names: add the header line \(for the default format: version account-id interface-id srcaddr/);
      return true;
    });
    assert.throws(() => readDataFile(path.join(dir, "app.log")), (err: unknown) => err instanceof DataFileError && !/flow log record/.test(err.message) && /AWS VPC flow log \(no header line/.test(err.message));
    assert.throws(() => readVpcFlowLog(records, "flows.log"), (err: unknown) => err instanceof DataFileError && /flows\.log.*add the header line/.test(err.message));
  });

  it("records without their header, named as the lab's flows: the query says what the file lacks, not that it is missing", async () => {
    const records = "2 123456789012 eni-0a1b2c3d4e5f60718 10.20.4.17 8.8.8.8 53111 53 17 1 60 1791187200 1791187260 ACCEPT OK\n";
    const qp = new QueryProvider("LocalData", { dataPaths: [tempTree({ "az_net_comms.log": records })] });
    await assert.rejects(() => qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.20.4.17" }), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/file-invalid");
      assert.match(err.message, /az_net_comms\.log.*add the header line/);
      return true;
    });
  });
});

describe("AWS VPC flow logs as CSV (Athena's underscored names)", () => {
  it("flow_direction declared, the instance as VMName, REJECT denied, NODATA left out", () => {
    const raw = readDataFile(path.join(FIX, "vpc_flow_athena.csv"));
    assert.equal(detectEventSchema(raw, "networkFlow").id, "aws-vpc-flow");
    const df = normalizeEvents(raw, "networkFlow");
    assert.equal(df.height, 4);
    assert.deepEqual(col(df, "FlowDirection"), ["I", "O", "I", "I"]);
    assert.deepEqual(col(df, "AllExtIPs"), [ATTACKER, ATTACKER, "203.0.113.77", "185.220.101.7"]);
    assert.deepEqual(col(df, "DestPort"), [3389, 52848, 50001, 22]);
    assert.deepEqual(col(df, "VMName"), ["i-0123456789abcdef0", "i-0123456789abcdef0", "i-0123456789abcdef0", "eni-0a1b2c3d4e5f60718"]);
    assert.deepEqual(col(df, "DeniedInFlows"), [0, 0, 0, 1]);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.deepEqual(iso(df, "TimeGenerated")[2], "2026-10-05T08:01:00.000Z", "start is epoch seconds");
  });

  it("Athena keeps the text files' `-`: an interface of no instance (a NAT gateway's) is named by its interface, not `-`", () => {
    const csv = [
      "version,account_id,interface_id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log_status,instance_id,flow_direction",
      "5,123456789012,eni-0f1e2d3c4b5a69788,10.20.0.9,193.0.6.139,61207,443,6,31,17604,1791187320,1791187380,ACCEPT,OK,-,egress",
      "5,123456789012,eni-0a1b2c3d4e5f60718,10.20.4.17,8.8.8.8,53001,53,17,1,70,1791187320,1791187380,ACCEPT,OK,i-0123456789abcdef0,-",
    ].join("\n");
    const df = normalizeEvents(readDataFile(path.join(tempTree({ "flows.csv": csv + "\n" }), "flows.csv")), "networkFlow");
    assert.deepEqual(col(df, "VMName"), ["eni-0f1e2d3c4b5a69788", "i-0123456789abcdef0"]);
    assert.deepEqual(col(df, "FlowDirection"), ["O", "O"], "a `-` direction is left to the address ranges");
  });

  it("through a NAT gateway: pkt-srcaddr/pkt-dstaddr (the packet's own ends) before the gateway's srcaddr/dstaddr, in the S3 text and in Athena's CSV", () => {
    // AWS's NAT gateway example: on the gateway's interface the instance 10.0.1.5 sends to the gateway's own
    // 10.0.0.220; only pkt-dstaddr says the packet went to 203.0.113.5. The instance's own interface logs both ends.
    const text = [
      "version interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol start end action log-status",
      "3 eni-0aaaa1111bbbb2222 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 50318 443 6 1791187200 1791187260 ACCEPT OK",
      "3 eni-0cccc3333dddd4444 10.0.1.5 198.51.100.7 10.0.1.5 198.51.100.7 50320 22 6 1791187200 1791187260 ACCEPT OK",
    ].join("\n");
    const athena = [
      "version,interface_id,srcaddr,dstaddr,pkt_srcaddr,pkt_dstaddr,srcport,dstport,protocol,start,end,action,log_status",
      "3,eni-0aaaa1111bbbb2222,10.0.0.220,203.0.113.5,10.0.0.220,203.0.113.5,50318,443,6,1791187200,1791187260,ACCEPT,OK",
      "3,eni-0aaaa1111bbbb2222,10.0.1.5,10.0.0.220,10.0.1.5,203.0.113.5,50318,443,6,1791187200,1791187260,ACCEPT,OK",
      "3,eni-0cccc3333dddd4444,10.0.1.5,198.51.100.7,-,-,50320,22,6,1791187200,1791187260,ACCEPT,OK",
    ].join("\n");
    const dir = tempTree({ "flows.log": text + "\n", "flows.csv": athena + "\n" });
    const s3 = normalizeEvents(readDataFile(path.join(dir, "flows.log")), "networkFlow");
    assert.deepEqual(col(s3, "AllExtIPs"), ["203.0.113.5", "198.51.100.7"]);
    assert.deepEqual(col(s3, "VMIPAddress"), ["10.0.1.5", "10.0.1.5"]);
    assert.deepEqual(col(s3, "DestIP"), ["203.0.113.5", "198.51.100.7"]);
    const csv = normalizeEvents(readDataFile(path.join(dir, "flows.csv")), "networkFlow");
    assert.deepEqual(col(csv, "AllExtIPs"), ["203.0.113.5", "203.0.113.5", "198.51.100.7"], "a `-` packet address falls to the interface's");
    assert.deepEqual(col(csv, "VMIPAddress"), ["10.0.0.220", "10.0.1.5", "10.0.1.5"]);
    // flow-direction is the gateway interface's: traffic into the gateway (ingress) is the instance's outbound flow.
    const v5 = [
      "version interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr flow-direction start end action log-status",
      "5 eni-0aaaa1111bbbb2222 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 ingress 1791187200 1791187260 ACCEPT OK",
      "5 eni-0aaaa1111bbbb2222 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5 egress 1791187200 1791187260 ACCEPT OK",
      "5 eni-0cccc3333dddd4444 198.51.100.7 10.0.1.5 198.51.100.7 10.0.1.5 ingress 1791187200 1791187260 ACCEPT OK",
    ].join("\n");
    const nat = normalizeEvents(readDataFile(path.join(tempTree({ "flows.log": v5 + "\n" }), "flows.log")), "networkFlow");
    assert.deepEqual(col(nat, "VMIPAddress"), ["10.0.1.5", "10.0.1.5", "10.0.1.5"]);
    assert.deepEqual(col(nat, "AllExtIPs"), ["203.0.113.5", "203.0.113.5", "198.51.100.7"]);
    assert.deepEqual(col(nat, "FlowDirection"), ["O", "I", "I"]);
  });

  it("a near miss names AWS VPC Flow Logs and the close column", () => {
    const df = pl.DataFrame({ version: [2], srcaddr: ["10.0.0.5"], dst_addr: ["8.8.8.8"], dstport: [53], start: [1791187200] });
    assert.throws(
      () => normalizeEvents(df, "networkFlow", { source: "Network.list_azure_network_flows_by_ip (az_net_comms.csv)" }),
      (err: unknown) => err instanceof DataColumnError && err.code === "data/event-schema-unknown" && /Closest: AWS VPC Flow Logs, which needs "dstaddr" \(close: "dst_addr"/.test(err.message),
    );
  });
});

describe("VPC flow logs answer the lab's flow queries (LocalData)", () => {
  it("az_net_comms.log (S3 text) and az_net_comms.csv (Athena), with a time window", async () => {
    for (const [file, name] of [["vpc_flow.log", "az_net_comms.log"], ["vpc_flow_athena.csv", "az_net_comms.csv"]]) {
      const dir = tempTree({});
      fs.copyFileSync(path.join(FIX, file), path.join(dir, name));
      const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
      const flows = await qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.20.4.17", start: new Date("2026-10-05T08:00:30Z"), end: new Date("2026-10-05T08:04:30Z") });
      const expected = file.endsWith(".log") ? ["193.0.6.139", "8.8.8.8", "185.220.101.7"] : ["203.0.113.77", "185.220.101.7"];
      assert.deepEqual(col(flows, "AllExtIPs").filter((ip) => ip !== null), expected, name);
    }
  });
});
