/** Sentinel's CommonSecurityLog (firewalls' CEF events) onto the lab's flow columns. */
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

const CSV = path.join(__dirname, "..", "..", "fixtures", "schemas", "cef", "commonsecuritylog.csv");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const iso = (df: pl.DataFrame, name: string) => (df.getColumn(name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const ATTACKER = "45.137.22.48";

describe("Sentinel CommonSecurityLog (CEF) flows", () => {
  it("a Log Analytics CSV export: direction from CommunicationDirection (codes or words), verdicts from DeviceAction", () => {
    const raw = readDataFile(CSV);
    assert.equal(raw.height, 8);
    assert.equal(detectEventSchema(raw, "networkFlow").id, "commonsecuritylog");
    const df = normalizeEvents(raw, "networkFlow");
    assert.equal(df.height, 7, "the firewall's SYSTEM event has no addresses: no flow");
    assert.deepEqual(iso(df, "TimeGenerated").slice(0, 2), ["2026-10-15T08:00:00.000Z", "2026-10-15T08:01:00.000Z"], "TimeGenerated [UTC]");
    // 0 inbound, (none), Outbound, Inbound, 1 outbound, 1 outbound, 2 (no such code: the ranges).
    assert.deepEqual(col(df, "FlowDirection"), ["I", "O", "O", "I", "O", "O", "I"]);
    assert.deepEqual(col(df, "VMIPAddress"), ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "fd00:20::17", "10.20.4.17"]);
    assert.deepEqual(col(df, "AllExtIPs"), [ATTACKER, null, "193.0.6.139", "185.220.101.7", "8.8.8.8", "2606:4700::6810:84e5", "203.0.113.77"]);
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "T", "T", "U", "T", "T"]);
    assert.deepEqual(col(df, "L7Protocol").slice(0, 3), ["ms-rdp", "ms-ds-smb", "ssl"]);
    assert.deepEqual(col(df, "DestPort"), [3389, 445, 443, 22, 53, 443, null], "a port that is no number is null, the row stays");
    // deny, drop and reset-both are denied; allow and Accept allowed.
    assert.deepEqual(col(df, "DeniedInFlows"), [0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(col(df, "DeniedOutFlows"), [0, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual(col(df, "AllowedInFlows"), [1, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(col(df, "TotalAllowedFlows"), [1, 1, 1, 0, 0, 0, 1]);
    assert.deepEqual(col(df, "VMName"), ["nwl-fw01", "nwl-fw01", "nwl-fw01", "nwl-fgt01", "nwl-fgt01", "nwl-fw01", "nwl-syslog01"], "the logging device, else the collector");
  });

  it("Palo Alto's qualified verdicts drop-icmp, drop-all-packets and block-url are denied; allow and alert are not", () => {
    const actions = ["drop-icmp", "drop-all-packets", "block-url", "Drop_ICMP", "allow", "alert"];
    const df = pl.DataFrame({
      TimeGenerated: actions.map(() => new Date("2026-10-15T08:00:00Z")),
      DeviceVendor: actions.map(() => "Palo Alto Networks"),
      DeviceProduct: actions.map(() => "PAN-OS"),
      SourceIP: actions.map(() => ATTACKER),
      DestinationIP: actions.map(() => "10.20.4.17"),
      DeviceAction: actions,
    });
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "DeniedInFlows"), [1, 1, 1, 1, 0, 0]);
    assert.deepEqual(col(out, "AllowedInFlows"), [0, 0, 0, 0, 1, 1]);
  });

  it("ReceiptTime as CEF's rt text: epoch milliseconds or MMM dd yyyy HH:mm:ss[.SSS] [UTC], mixed in one column", () => {
    const times = ["1791187200000", "Oct 15 2026 08:01:00", "Oct  5 2026 08:02:00.250 UTC", "2026-10-15T08:03:00Z", "Oct 15 2026 08:04:00 PST", "Oct 15 2026 08:05:00 IST", "not a time"];
    const df = pl.DataFrame({
      DeviceVendor: times.map(() => "Check Point"),
      DeviceProduct: times.map(() => "VPN-1 & FireWall-1"),
      SourceIP: times.map(() => "10.20.4.17"),
      DestinationIP: times.map(() => "8.8.8.8"),
      ReceiptTime: times,
    });
    const out = normalizeEvents(df, "networkFlow");
    const expected = ["2026-10-05T08:00:00.000Z", "2026-10-15T08:01:00.000Z", "2026-10-05T08:02:00.250Z", "2026-10-15T08:03:00.000Z", "2026-10-15T16:04:00.000Z", null, null];
    assert.deepEqual(iso(out, "TimeGenerated"), expected, "PST is -08:00 (the readers' zone table); IST, which names several offsets, is not read");
    assert.deepEqual(iso(out, "FlowStartTime"), expected);
  });

  it("SimplifiedDeviceAction (Deny, Drop) counts a flow as denied where DeviceAction is empty or a vendor word", () => {
    const df = pl.DataFrame({
      TimeGenerated: [0, 1, 2, 3].map(() => new Date("2026-10-15T08:00:00Z")),
      DeviceVendor: ["Fortinet", "Fortinet", "Fortinet", "Fortinet"],
      DeviceProduct: ["Fortigate", "Fortigate", "Fortigate", "Fortigate"],
      SourceIP: [ATTACKER, ATTACKER, ATTACKER, ATTACKER],
      DestinationIP: ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17"],
      DeviceAction: ["", "server-rst", "close", "accept"],
      SimplifiedDeviceAction: ["Deny", "Drop", "Allow", ""],
    });
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "DeniedInFlows"), [1, 1, 0, 0]);
    assert.deepEqual(col(out, "AllowedInFlows"), [0, 0, 1, 1]);
  });

  it("only traffic records are flows: PAN-OS TRAFFIC (not THREAT, DECRYPTION), FortiGate type 00/traffic (not utm, event), Check Point's firewall blade (not IPS, URL Filtering); others kept; the left-out told", () => {
    // [vendor, product, Activity, DeviceEventClassID, DeviceEventCategory, kept]
    const rows: [string, string, string, string, string, boolean][] = [
      ["Palo Alto Networks", "PAN-OS", "TRAFFIC", "end", "", true],
      ["Palo Alto Networks", "PAN-OS", "THREAT", "url", "", false],
      ["Palo Alto Networks", "PAN-OS", "THREAT", "vulnerability", "", false],
      ["Palo Alto Networks", "PAN-OS", "DECRYPTION", "decryption", "", false],
      ["Palo Alto Networks", "PAN-OS", "", "", "", true],
      ["Fortinet", "Fortigate", "traffic:forward close", "0000000013", "traffic:forward", true],
      ["Fortinet", "Fortigate", "utm:webfilter blocked", "0316013056", "utm:webfilter", false],
      ["Fortinet", "FortiGate", "utm:ips signature", "00419", "utm:ips", false],
      ["Fortinet", "FortiGate", "forward traffic", "00013", "", true],
      ["Fortinet", "Fortigate", "event:vpn tunnel-up", "0101037138", "event:vpn", false],
      ["Check Point", "VPN-1 & FireWall-1", "Accept", "Log", "", true],
      ["Check Point", "IPS", "Detect", "Log", "", false],
      ["Check Point", "URL Filtering", "Block", "Log", "", false],
      ["Cisco", "ASA", "Teardown TCP connection", "302014", "", true],
    ];
    const df = pl.DataFrame({
      TimeGenerated: rows.map(() => new Date("2026-10-15T08:00:00Z")),
      DeviceVendor: rows.map((r) => r[0]),
      DeviceProduct: rows.map((r) => r[1]),
      Activity: rows.map((r) => r[2]),
      DeviceEventClassID: rows.map((r) => r[3]),
      DeviceEventCategory: rows.map((r) => r[4]),
      SourceIP: rows.map((_, i) => `10.20.4.${i + 1}`),
      DestinationIP: rows.map(() => ATTACKER),
    });
    const warnings: string[] = [];
    const out = normalizeEvents(df, "networkFlow", { source: "az_net_comms.csv", warn: (m) => warnings.push(m) });
    assert.deepEqual(col(out, "SrcIP"), rows.flatMap((r, i) => (r[5] ? [`10.20.4.${i + 1}`] : [])));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^az_net_comms\.csv: 8 of 14 Sentinel CommonSecurityLog \(CEF\) row\(s\) are threat, URL and other logs of a firewall that are no traffic records, left out of the flows \("Palo Alto Networks PAN-OS THREAT" ×2, /);
    // The kinds come from the data: hidden characters are shown as escapes, not acted on.
    const hostile = pl.DataFrame({
      DeviceVendor: ["Check Point", "Check Point"],
      DeviceProduct: ["IPS\u202e\nforged line", "IPS\u202e\nforged line"],
      SourceIP: ["10.20.4.1", "10.20.4.2"],
      DestinationIP: [ATTACKER, ATTACKER],
      TimeGenerated: [new Date("2026-10-15T08:00:00Z"), new Date("2026-10-15T08:00:00Z")],
    });
    const told: string[] = [];
    assert.equal(normalizeEvents(hostile, "networkFlow", { warn: (m) => told.push(m) }).height, 0);
    assert.ok(told[0].includes('("Check Point IPS\\u202e\\nforged line" ×2)'), told[0]);
    // A frame of traffic records only: no warning.
    const quiet: string[] = [];
    normalizeEvents(df.filter(pl.col("Activity").eq(pl.lit("TRAFFIC"))), "networkFlow", { warn: (m) => quiet.push(m) });
    assert.deepEqual(quiet, []);
  });

  it("a near miss names the CommonSecurityLog schema and the close column", () => {
    const df = pl.DataFrame({ TimeGenerated: [new Date("2026-10-15T08:00:00Z")], DeviceVendor: ["Palo Alto Networks"], DeviceProduct: ["PAN-OS"], SourceIp: ["10.0.0.5"], DestinationIP: ["8.8.8.8"] });
    assert.throws(
      () => normalizeEvents(df, "networkFlow", { source: "Network.list_azure_network_flows_by_ip (az_net_comms.csv)" }),
      (err: unknown) => err instanceof DataColumnError && err.code === "data/event-schema-unknown" && /Closest: Sentinel CommonSecurityLog \(CEF\), which needs "SourceIP" \(close: "SourceIp"/.test(err.message),
    );
  });

  it("answers list_azure_network_flows_by_ip on a folder (LocalData), with a time window", async () => {
    const dir = tempTree({});
    fs.copyFileSync(CSV, path.join(dir, "az_net_comms.csv"));
    const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
    const flows = await qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.20.4.17", start: new Date("2026-10-15T08:02:00Z"), end: new Date("2026-10-15T08:10:00Z") });
    assert.deepEqual(col(flows, "AllExtIPs"), ["193.0.6.139", "185.220.101.7", "8.8.8.8", "203.0.113.77"]);
  });
});
