/** Suricata's EVE JSON log: its flow and netflow records onto the lab's flow columns; its other records left out. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { QueryProvider } from "../../../src/data/queryProvider";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { DataColumnError } from "../../../src/data/messages";
import { tempTree } from "../../helpers/tmp";

const EVE = path.join(__dirname, "..", "..", "fixtures", "schemas", "suricata", "eve.json");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const iso = (df: pl.DataFrame, name: string) => (df.getColumn(name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const ATTACKER = "45.137.22.48";

describe("Suricata EVE flows", () => {
  it("flow and netflow records become flows; alert, dns, http and stats records are left out", () => {
    const raw = readDataFile(EVE);
    assert.equal(raw.height, 11);
    assert.equal(detectEventSchema(raw, "networkFlow").id, "suricata-eve-flow");
    const df = normalizeEvents(raw, "networkFlow");
    assert.deepEqual(col(df, "event_type"), ["flow", "flow", "flow", "flow", "netflow", "flow", "flow"]);
    assert.deepEqual(col(df, "VMIPAddress"), ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "fd00:20::17", "10.20.4.17", "10.20.4.17"]);
    assert.deepEqual(col(df, "AllExtIPs"), [ATTACKER, null, "8.8.8.8", "193.0.6.139", "2606:4700::6810:84e5", "9.9.9.9", "185.220.101.7"]);
    assert.deepEqual(col(df, "FlowDirection"), ["I", "O", "O", "O", "O", "O", "I"]);
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "U", "T", "T", "ICMP", "T"]);
    assert.deepEqual(col(df, "L7Protocol"), ["rdp", "smb", "dns", "http", "tls", null, "failed"]);
    assert.deepEqual(col(df, "DestPort"), [3389, 445, 53, 80, 443, null, 22]);
    assert.deepEqual(col(df, "VMName"), col(df, "VMIPAddress"), "no host names: the local address stands in");
  });

  it("times with Suricata's +0000 offset: timestamp, flow.start/end or netflow.start/end; one that is no time falls to timestamp", () => {
    const df = normalizeEvents(readDataFile(EVE), "networkFlow");
    for (const c of ["TimeGenerated", "FlowStartTime", "FlowEndTime"]) assert.equal(df.getColumn(c).dtype.variant, "Datetime", c);
    assert.deepEqual(iso(df, "TimeGenerated")[0], "2026-10-05T08:00:00.412Z");
    assert.deepEqual(iso(df, "FlowStartTime"), [
      "2026-10-05T07:59:30.104Z",
      "2026-10-05T08:00:40.000Z",
      "2026-10-05T08:02:00.000Z",
      "2026-10-05T08:03:00.000Z",
      "2026-10-05T08:03:50.000Z",
      "2026-10-05T08:04:55.000Z",
      // `"start": "not a time"`: this row's own timestamp, the others' starts kept.
      "2026-10-05T08:06:00.000Z",
    ]);
    assert.deepEqual(iso(df, "FlowEndTime")[4], "2026-10-05T08:03:59.000Z", "a netflow record's end");
  });

  it("a protocol written as a number or zero-padded number text (`\"006\"`, 6, `\"017\"`) is T or U as elsewhere; other numbers lose their zeros", () => {
    const flow = (proto: unknown, dest: string) => ({ timestamp: "2026-10-05T08:00:00+0000", event_type: "flow", src_ip: "10.20.4.17", dest_ip: dest, proto, dest_port: 443 });
    const lines = (events: object[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    const dir = tempTree({
      "text.json": lines([flow("006", "8.8.8.8"), flow("017", "9.9.9.9"), flow("001", "1.1.1.1"), flow("047", "193.0.6.139"), flow("TCP", "185.220.101.7")]),
      "numbers.json": lines([flow(6, "8.8.8.8"), flow(17, "9.9.9.9"), flow(47, "193.0.6.139")]),
    });
    assert.deepEqual(col(normalizeEvents(readDataFile(path.join(dir, "text.json")), "networkFlow"), "L4Protocol"), ["T", "U", "ICMP", "47", "T"]);
    assert.deepEqual(col(normalizeEvents(readDataFile(path.join(dir, "numbers.json")), "networkFlow"), "L4Protocol"), ["T", "U", "47"]);
    // A float column (pandas writes a nullable integer column as float64): 47.0 is protocol 47, not "47.0".
    const floats = pl.DataFrame({ timestamp: ["2026-10-05T08:00:00+0000", "2026-10-05T08:00:01+0000"], event_type: ["flow", "flow"], src_ip: ["10.20.4.17", "10.20.4.17"], dest_ip: ["8.8.8.8", "193.0.6.139"], proto: pl.Series("proto", [6, 47], pl.Float64) });
    assert.deepEqual(col(normalizeEvents(floats, "networkFlow"), "L4Protocol"), ["T", "47"]);
  });

  it("an IPS's flow.action drop counts the flow as denied; pass, accept and none as allowed", () => {
    const flow = (action: string | undefined, dest: string) => ({ timestamp: "2026-10-05T08:00:00+0000", event_type: "flow", src_ip: ATTACKER, dest_ip: dest, proto: "TCP", dest_port: 22, flow: { start: "2026-10-05T07:59:58+0000", state: "closed", ...(action ? { action } : {}) } });
    const eve = [flow("drop", "10.20.4.17"), flow("pass", "10.20.4.18"), flow("accept", "10.20.4.19"), flow(undefined, "10.20.4.20")].map((e) => JSON.stringify(e)).join("\n") + "\n";
    const df = normalizeEvents(readDataFile(path.join(tempTree({ "eve.json": eve }), "eve.json")), "networkFlow");
    assert.deepEqual(col(df, "FlowDirection"), ["I", "I", "I", "I"]);
    assert.deepEqual([col(df, "DeniedInFlows"), col(df, "AllowedInFlows")], [[1, 0, 0, 0], [0, 1, 1, 1]]);
  });

  it("a log without flow records gives no flows, not an error", () => {
    const alerts = fs.readFileSync(EVE, "utf8").split("\n").filter((l) => l.includes('"event_type":"alert"')).join("\n") + "\n";
    const dir = tempTree({ "eve.json": alerts });
    assert.equal(normalizeEvents(readDataFile(path.join(dir, "eve.json")), "networkFlow").height, 0);
  });

  it("an event_type written as an array (no EVE writer does; the file is attacker-reachable) keeps the rows rather than failing the frame", () => {
    const df = pl.readRecords([{ timestamp: "2026-10-05T08:00:00+0000", event_type: ["flow"], src_ip: "10.20.4.17", dest_ip: "8.8.8.8", proto: "UDP", dest_port: 53 }]);
    assert.equal(df.getColumn("event_type").dtype.variant, "List");
    assert.deepEqual(col(normalizeEvents(df, "networkFlow"), "AllExtIPs"), ["8.8.8.8"]);
  });

  it("a near miss names Suricata EVE flow and the close column", () => {
    const df = pl.DataFrame({ timestamp: ["2026-10-05T08:00:00+0000"], event_type: ["flow"], src_ip: ["10.0.0.5"], dst_ip: ["8.8.8.8"], proto: ["UDP"] });
    assert.throws(
      () => normalizeEvents(df, "networkFlow", { source: "Network.list_azure_network_flows_by_ip (az_net_comms.json)" }),
      (err: unknown) => err instanceof DataColumnError && err.code === "data/event-schema-unknown" && /Closest: Suricata EVE flow, which needs "dest_ip" \(close: "dst_ip"/.test(err.message),
    );
  });

  it("eve.json as the lab's flows file answers list_azure_network_flows_by_ip (LocalData)", async () => {
    const dir = tempTree({});
    fs.copyFileSync(EVE, path.join(dir, "az_net_comms.json"));
    const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
    const flows = await qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.20.4.17", start: new Date("2026-10-05T08:01:00Z"), end: new Date("2026-10-05T08:10:00Z") });
    assert.deepEqual(col(flows, "AllExtIPs"), [null, "8.8.8.8", "193.0.6.139", "9.9.9.9", "185.220.101.7"]);
  });
});
