/**
 * OCSF Authentication (3002) and Network Activity (4001) onto the lab's logon and flow columns, nested
 * (NDJSON, as Security Lake and OCSF exporters write events) and flattened to dotted CSV columns; through
 * the lab's own queries on a data folder too.
 */
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

const FIX = path.join(__dirname, "..", "..", "fixtures", "schemas", "ocsf");
const read = (name: string) => readDataFile(path.join(FIX, name));
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const iso = (df: pl.DataFrame, name: string) => (df.getColumn(name).toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const ATTACKER = "45.137.22.48";
const HOST_LOGON = ["TimeGenerated", "Account", "TargetUserName", "SubjectUserName", "LogonType", "LogonProcessName", "IpAddress", "WorkstationName", "Computer", "EventID"];
const SIGNIN = ["UserPrincipalName", "IPAddress", "Latitude", "Longitude", "Location", "AppDisplayName", "ResultType"];
const FLOW = ["TimeGenerated", "FlowStartTime", "FlowEndTime", "VMName", "VMIPAddress", "SrcIP", "DestIP", "AllExtIPs", "L4Protocol", "L7Protocol", "DestPort", "FlowDirection", "AllowedOutFlows", "AllowedInFlows", "DeniedInFlows", "DeniedOutFlows", "TotalAllowedFlows", "FlowType"];

function labValues(df: pl.DataFrame, columns: readonly string[]): Record<string, unknown[]> {
  return Object.fromEntries(columns.map((c) => [c, c.includes("Time") ? iso(df, c) : col(df, c)]));
}

describe("OCSF Authentication (3002) as logons", () => {
  it("nested NDJSON: logon columns and sign-in columns; logoffs and other classes left out", () => {
    const raw = read("ocsf_authentication.ndjson");
    assert.equal(raw.height, 9);
    assert.equal(raw.getColumn("user").dtype.variant, "Struct");
    assert.equal(detectEventSchema(raw, "logon").id, "ocsf-authentication");
    const df = normalizeEvents(raw, "logon");
    assert.equal(df.height, 7, "the logoff (activity 2) and the Network Activity event are no logons");
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.equal(df.getColumn("LogonType").dtype.variant, "Int64");
    assert.deepEqual(iso(df, "TimeGenerated").slice(0, 2), ["2026-10-05T08:00:00.000Z", "2026-10-05T08:05:00.000Z"], "time is epoch ms");
    assert.deepEqual(col(df, "EventID"), [4624, 4625, 4625, 4624, 4624, 4624, 4625], "status_id 1/2, else the status word");
    // RDP 10, Network 3, Other (99) read from its caption, System (OCSF 1) is Windows' 0, none → 3.
    assert.deepEqual(col(df, "LogonType"), [10, 3, 3, 3, 10, 0, 3]);
    assert.deepEqual(col(df, "Account"), ["NWLOG\\m.lindqvist", "NWLOG\\administrator", "NWLOG\\m.lindqvist", "NWLOG\\m.lindqvist", "r.tanaka", "NT AUTHORITY\\SYSTEM", "NWLOG\\svc-backup"]);
    assert.deepEqual(col(df, "IpAddress"), ["10.20.4.50", ATTACKER, ATTACKER, ATTACKER, "2a01:4f8:c17:1a2b::7", null, "10.20.4.60"]);
    assert.deepEqual(col(df, "WorkstationName").slice(0, 2), ["NWL-WKS-014", ATTACKER], "the client's host name, else its address");
    assert.deepEqual(col(df, "Computer").slice(4, 6), ["nwl-fs01.nwlog.local", "nwl-dc01.nwlog.local"], "the target, else the reporting device");
    assert.deepEqual(col(df, "LogonProcessName").slice(0, 3), ["User32", "NTLM", "NTLM"], "logon process, else the auth protocol");
    // Sign-ins: the map's columns.
    assert.deepEqual(col(df, "ResultType"), [0, 50126, 50126, 0, 0, 0, 50126]);
    assert.deepEqual(col(df, "UserPrincipalName")[0], "m.lindqvist@northwind-logistics.example");
    assert.deepEqual(col(df, "Latitude").slice(0, 3), [null, 55.75, 55.75]);
    assert.deepEqual(col(df, "Location").slice(0, 3), [null, "RU", "RU"]);
    assert.ok(df.columns.includes("class_uid"), "original columns kept");
  });

  it("flattened to dotted CSV columns: the same lab values; a logon type that is no number falls to the caption", () => {
    const csv = read("ocsf_authentication.csv");
    assert.ok(csv.columns.includes("src_endpoint.ip"));
    assert.equal(csv.getColumn("logon_type_id").dtype.variant, "String", "one cell is 'three'");
    const flat = normalizeEvents(csv, "logon");
    const nested = normalizeEvents(read("ocsf_authentication.ndjson"), "logon");
    assert.deepEqual(labValues(flat, [...HOST_LOGON, ...SIGNIN]), labValues(nested, [...HOST_LOGON, ...SIGNIN]));
  });

  it("ids as floats (pandas writes a nullable integer column as float64 to Parquet): 3002.0 is class 3002, 1.0 Success", () => {
    const df = pl.DataFrame([
      pl.Series("time", [1791187200000, 1791187260000, 1791187320000], pl.Int64),
      pl.Series("class_uid", [3002, 3002, 3002], pl.Float64),
      pl.Series("status_id", [1, 2, null], pl.Float64),
      pl.Series("user.name", ["alice", "bob", "carol"]),
    ]);
    const out = normalizeEvents(df, "logon");
    assert.deepEqual(col(out, "EventID"), [4624, 4625, null]);
    assert.deepEqual(col(out, "ResultType"), [0, 50126, null]);
  });

  it("Athena's CSV of a Security Lake Authentication table (structs as Trino text): logons and the map's coordinates", () => {
    const csv = [
      '"time","class_uid","activity_id","status_id","logon_type_id","user","src_endpoint","dst_endpoint"',
      '"1791187200000","3002","1","1","10","{name=m.lindqvist, uid=S-1-5-21-1, domain=NWLOG, type_id=1}","{ip=10.20.4.50, hostname=NWL-WKS-014, location={country=SE, coordinates=[18.07, 59.33]}}","{hostname=nwl-fs01.nwlog.local, ip=10.20.4.17}"',
      `"1791187260000","3002","1","2","3","{name=administrator, uid=null, domain=NWLOG, type_id=null}","{ip=${ATTACKER}, hostname=null, location=null}","{hostname=nwl-fs01.nwlog.local, ip=10.20.4.17}"`,
    ].join("\n");
    const df = normalizeEvents(readDataFile(path.join(tempTree({ "auth.csv": csv + "\n" }), "auth.csv")), "logon");
    assert.deepEqual(col(df, "Account"), ["NWLOG\\m.lindqvist", "NWLOG\\administrator"]);
    assert.deepEqual(col(df, "EventID"), [4624, 4625]);
    assert.deepEqual(col(df, "LogonType"), [10, 3]);
    assert.deepEqual(col(df, "WorkstationName"), ["NWL-WKS-014", ATTACKER], "a null hostname falls to the address");
    assert.deepEqual(col(df, "Computer"), ["nwl-fs01.nwlog.local", "nwl-fs01.nwlog.local"]);
    assert.deepEqual([col(df, "Latitude"), col(df, "Longitude"), col(df, "Location")], [[59.33, null], [18.07, null], ["SE", null]]);
  });

  it("a near miss (underscored names) names OCSF Authentication and the close columns", () => {
    const df = pl.DataFrame({ time: [1791187200000], class_uid: [3002], user_name: ["bob"], status_id: [1], src_endpoint_ip: ["10.0.0.1"] });
    assert.throws(
      () => normalizeEvents(df, "logon", { source: "WindowsSecurity.list_host_logons (host_logons.csv)" }),
      (err: unknown) => {
        assert.ok(err instanceof DataColumnError);
        assert.equal(err.code, "data/event-schema-unknown");
        assert.match(err.message, /host_logons\.csv/);
        assert.match(err.message, /Closest: OCSF Authentication, which needs "user\.name" \(close: "user_name"/);
        return true;
      },
    );
  });
});

describe("OCSF Network Activity (4001) as flows", () => {
  it("nested NDJSON: direction, direction_id, ranges; denied flows counted as denied; other classes left out", () => {
    const raw = read("ocsf_network_activity.ndjson");
    assert.equal(detectEventSchema(raw, "networkFlow").id, "ocsf-network");
    const df = normalizeEvents(raw, "networkFlow");
    assert.equal(df.height, 8, "the Authentication event is no flow");
    assert.deepEqual(col(df, "FlowDirection"), ["I", "O", "O", "O", "I", "O", "O", "O"]);
    assert.deepEqual(col(df, "VMIPAddress"), ["10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "10.20.4.17", "fd00:20::17", "10.20.4.17", "10.20.4.17"]);
    assert.deepEqual(col(df, "AllExtIPs"), [ATTACKER, null, "193.0.6.139", "8.8.8.8", "185.220.101.7", "2606:4700::6810:84e5", "9.9.9.9", null]);
    assert.deepEqual(col(df, "FlowType"), ["ExternalPublic", "IntraVNet", "ExternalPublic", "ExternalPublic", "ExternalPublic", "ExternalPublic", "ExternalPublic", null]);
    assert.deepEqual(col(df, "L4Protocol"), ["T", "T", "T", "U", "T", "T", "ICMP", "U"]);
    assert.deepEqual(col(df, "DestPort"), [3389, 445, 443, 53, 22, 443, null, null]);
    assert.deepEqual(col(df, "L7Protocol").slice(0, 3), ["rdp", "smb", "https"]);
    assert.deepEqual(col(df, "VMName")[0], "nwl-fs01");
    // The SSH attempt the security group rejected.
    assert.deepEqual(col(df, "DeniedInFlows"), [0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(col(df, "AllowedInFlows"), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(col(df, "TotalAllowedFlows"), [1, 1, 1, 1, 0, 1, 1, 1]);
    assert.deepEqual(iso(df, "FlowStartTime")[0], "2026-10-05T07:59:30.000Z");
    assert.deepEqual(iso(df, "FlowEndTime")[0], "2026-10-05T08:00:00.000Z");
  });

  it("an action written as an array (the file is attacker-reachable) is read by its elements rather than failing the frame", () => {
    const df = pl.readRecords([{ time: 1791187200000, class_uid: 4001, src_endpoint: { ip: "10.20.4.17" }, dst_endpoint: { ip: "8.8.8.8", port: 53 }, action: ["Denied"] }]);
    assert.equal(df.getColumn("action").dtype.variant, "List");
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual([col(out, "AllowedOutFlows"), col(out, "DeniedOutFlows")], [[0], [1]]);
    assert.deepEqual(col(out, "AllExtIPs"), ["8.8.8.8"]);
  });

  it("the verdict as action_id alone (the caption action is optional in OCSF) or as a disposition caption: 2 Denied and Blocked count as denied", () => {
    const flow = (extra: Record<string, unknown>) => ({ time: 1791187200000, class_uid: 4001, src_endpoint: { ip: "185.220.101.7" }, dst_endpoint: { ip: "10.20.4.17", port: 22 }, connection_info: { direction_id: 1 }, ...extra });
    const ids = normalizeEvents(pl.readRecords([flow({ action_id: 2 }), flow({ action_id: 1 }), flow({ action_id: 0 })]), "networkFlow");
    assert.deepEqual([col(ids, "DeniedInFlows"), col(ids, "AllowedInFlows")], [[1, 0, 0], [0, 1, 1]]);
    const csv = ["time,class_uid,src_endpoint.ip,dst_endpoint.ip,action_id,disposition", "1791187200000,4001,185.220.101.7,10.20.4.17,2,", "1791187200000,4001,185.220.101.7,10.20.4.17,,Blocked", "1791187200000,4001,185.220.101.7,10.20.4.17,1,Allowed"].join("\n");
    const flat = normalizeEvents(readDataFile(path.join(tempTree({ "flows.csv": csv + "\n" }), "flows.csv")), "networkFlow");
    assert.deepEqual([col(flat, "DeniedInFlows"), col(flat, "AllowedInFlows")], [[1, 1, 0], [0, 0, 1]]);
  });

  it("the verdict as disposition_id alone: Blocked (2), Dropped (6), Reset (21), Rejected (25)… denied; Allowed (1), Detected (15), Logged (17), Alert (19) not", () => {
    const flow = (extra: Record<string, unknown>) => ({ time: 1791187200000, class_uid: 4001, src_endpoint: { ip: "185.220.101.7" }, dst_endpoint: { ip: "10.20.4.17", port: 22 }, connection_info: { direction_id: 1 }, ...extra });
    const codes = [2, 6, 21, 25, 1, 15, 17, 19, 0];
    const out = normalizeEvents(pl.readRecords(codes.map((disposition_id) => flow({ disposition_id }))), "networkFlow");
    assert.deepEqual(col(out, "DeniedInFlows"), [1, 1, 1, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual(col(out, "AllowedInFlows"), [0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // A flattened CSV's text ids, and the caption beside an id that says nothing (99 Other): either denies.
    const csv = ["time,class_uid,src_endpoint.ip,dst_endpoint.ip,disposition_id,disposition", "1791187200000,4001,185.220.101.7,10.20.4.17,6,", "1791187200000,4001,185.220.101.7,10.20.4.17,99,Blocked", "1791187200000,4001,185.220.101.7,10.20.4.17,1,Allowed"].join("\n");
    const flat = normalizeEvents(readDataFile(path.join(tempTree({ "flows.csv": csv + "\n" }), "flows.csv")), "networkFlow");
    assert.deepEqual([col(flat, "DeniedInFlows"), col(flat, "AllowedInFlows")], [[1, 1, 0], [0, 0, 1]]);
  });

  it("Security Lake VPC flow records: VMName is the local end's instance_uid (else its interface_uid), never the remote end's", () => {
    const rec = (src: Record<string, unknown>, dst: Record<string, unknown>, direction?: string) => ({ time: 1791187200000, class_uid: 4001, src_endpoint: src, dst_endpoint: dst, connection_info: { protocol_num: 6, direction } });
    const records = [
      rec({ ip: "10.20.4.17", port: 49152, instance_uid: "i-0a1b2c3d4e5f60718", interface_uid: "eni-0aa" }, { ip: "8.8.8.8", port: 443 }, "Outbound"),
      rec({ ip: "185.220.101.7", port: 50111 }, { ip: "10.20.4.18", port: 22, instance_uid: "i-0fedcba9876543210", interface_uid: "eni-0bb" }, "Inbound"),
      // A NAT gateway's interface: no instance, the interface names it.
      rec({ ip: "10.20.9.5", port: 40000, interface_uid: "eni-0nat" }, { ip: "93.184.216.34", port: 80 }, "Outbound"),
      // Only the remote end is named: the local machine is not that instance.
      rec({ ip: "10.20.4.19", port: 40001 }, { ip: "10.20.4.20", port: 445, instance_uid: "i-0remote" }, "Outbound"),
    ];
    const df = readDataFile(path.join(tempTree({ "flows.ndjson": records.map((r) => JSON.stringify(r)).join("\n") + "\n" }), "flows.ndjson"));
    const out = normalizeEvents(df, "networkFlow");
    assert.deepEqual(col(out, "VMName"), ["i-0a1b2c3d4e5f60718", "i-0fedcba9876543210", "eni-0nat", "10.20.4.19"]);
    assert.ok(!out.columns.some((c) => c.startsWith("__hl_")), "the helper column is not kept");
  });

  it("Athena's CSV of a Security Lake table (structs as Trino text `{ip=…, port=…}`): the same flows as the nested events", () => {
    const athena = read("securitylake_vpcflow_athena.csv");
    assert.equal(athena.getColumn("src_endpoint").dtype.variant, "String");
    assert.match(String(athena.getColumn("src_endpoint").get(0)), /^\{port=52848, svc_name=-, ip=45\.137\.22\.48,/);
    assert.equal(detectEventSchema(athena, "networkFlow").id, "ocsf-network");
    const flat = normalizeEvents(athena, "networkFlow");
    const nested = normalizeEvents(read("securitylake_vpcflow.ndjson"), "networkFlow");
    assert.deepEqual(labValues(flat, FLOW.filter((c) => c !== "L7Protocol")), labValues(nested, FLOW.filter((c) => c !== "L7Protocol")));
    assert.deepEqual(col(flat, "VMName"), ["i-0a1b2c3d4e5f60718", "i-0a1b2c3d4e5f60718", "eni-0nat22", "i-0fedcba9876543210"]);
    assert.deepEqual(col(flat, "DestPort"), [3389, 443, 53, 22]);
    assert.deepEqual(col(flat, "L4Protocol"), ["T", "T", "U", "T"]);
    assert.deepEqual(col(flat, "FlowDirection"), ["I", "O", "O", "I"]);
    // Blocked (2), Allowed (1), disposition_id 6 Dropped, 2 Blocked.
    assert.deepEqual(col(flat, "TotalAllowedFlows"), [0, 1, 0, 0]);
  });

  it("a connection's Open (1), Traffic (6) and Close (2) events are one flow: by connection_info.uid, else an Open…Close run of one 5-tuple", () => {
    const T0 = 1791187200000;
    const ev = (activity_id: number, at: number, extra: Record<string, unknown> = {}, sport = 49700) => ({
      time: T0 + at * 1000,
      start_time: T0 + at * 1000,
      end_time: T0 + at * 1000,
      class_uid: 4001,
      activity_id,
      src_endpoint: { ip: "10.20.4.17", port: sport },
      dst_endpoint: { ip: "193.0.6.139", port: 443 },
      connection_info: { protocol_num: 6, direction_id: 2, uid: null as string | null },
      ...extra,
    });
    const withUid = (uid: string, e: ReturnType<typeof ev>) => ({ ...e, connection_info: { ...e.connection_info, uid } });
    const records = [
      // By uid, written out of order: open, traffic, close; the close says Blocked.
      withUid("CmES5u32sYpV7JYN", ev(6, 30)),
      withUid("CmES5u32sYpV7JYN", ev(1, 0)),
      withUid("CmES5u32sYpV7JYN", ev(2, 60, { disposition_id: 2 })),
      // Another connection id on the same 5-tuple: its own flow.
      withUid("C8blOJ21azAIPxWFc", ev(1, 100)),
      // No uid: Open, Traffic, Close of port 49800 are one; a Traffic report of the same 5-tuple later, with no Open, its own.
      ev(1, 200, {}, 49800),
      ev(6, 230, {}, 49800),
      ev(2, 260, {}, 49800),
      ev(6, 400, {}, 49800),
      // No uid and no Open: NTP-like records of a fixed port each count.
      ev(6, 500, {}, 123),
      ev(6, 600, {}, 123),
    ];
    const df = readDataFile(path.join(tempTree({ "flows.ndjson": records.map((r) => JSON.stringify(r)).join("\n") + "\n" }), "flows.ndjson"));
    const out = normalizeEvents(df, "networkFlow");
    assert.equal(out.height, 6);
    const at = (s: number) => new Date(T0 + s * 1000).toISOString();
    assert.deepEqual(iso(out, "FlowStartTime"), [at(0), at(100), at(200), at(400), at(500), at(600)]);
    assert.deepEqual(iso(out, "FlowEndTime"), [at(60), at(100), at(260), at(400), at(500), at(600)]);
    assert.deepEqual(col(out, "activity_id"), [2, 1, 2, 6, 6, 6], "each connection's last event is its row");
    assert.deepEqual(col(out, "DeniedOutFlows"), [1, 0, 0, 0, 0, 0], "the Close's Blocked denies the connection");
    assert.deepEqual(col(out, "AllowedOutFlows"), [0, 1, 1, 1, 1, 1]);
    assert.deepEqual(col(out, "TotalAllowedFlows"), [0, 1, 1, 1, 1, 1]);
  });

  it("flattened CSV: the same flows; a port that is no number is null, the row stays", () => {
    const flat = normalizeEvents(read("ocsf_network_activity.csv"), "networkFlow");
    const nested = normalizeEvents(read("ocsf_network_activity.ndjson"), "networkFlow");
    const withoutPort = FLOW.filter((c) => c !== "DestPort");
    assert.deepEqual(labValues(flat, withoutPort), labValues(nested, withoutPort));
    assert.deepEqual(col(flat, "DestPort"), [3389, null, 443, 53, 22, 443, null, null]);
  });
});

describe("OCSF files answer the lab's queries (LocalData)", () => {
  it("list_host_logons and list_azure_network_flows_by_ip on a folder of OCSF exports", async () => {
    const dir = tempTree({});
    fs.copyFileSync(path.join(FIX, "ocsf_authentication.ndjson"), path.join(dir, "host_logons.ndjson"));
    fs.copyFileSync(path.join(FIX, "ocsf_network_activity.csv"), path.join(dir, "az_net_comms.csv"));
    const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
    const logons = await qp.WindowsSecurity.list_host_logons({ account_name: "lindqvist", start: new Date("2026-10-05T08:01:00Z"), end: new Date("2026-10-05T09:00:00Z") });
    assert.deepEqual(col(logons, "IpAddress"), [ATTACKER, ATTACKER], "the window and the account filter apply (the logoff is gone)");
    assert.deepEqual(col(logons, "EventID"), [4625, 4624]);
    const flows = await qp.Network.list_azure_network_flows_by_ip({ ip_address: "10.20.4.17" });
    assert.equal(flows.height, 7);
    assert.ok(col(flows, "AllExtIPs").includes(ATTACKER));
  });
});

describe("OCSF location coordinates and time_dt", () => {
  // Seattle: longitude -122.33, latitude 47.61. Read the wrong way round, the latitude would be -122.33
  // (no latitude at all) and the longitude 47.61 (Kazakhstan): neither could pass for the other.
  const seattle = { lat: 47.61, lon: -122.33 };
  const signIn = (extra: Record<string, unknown>) => ({ class_uid: 3002, activity_id: 1, status_id: 2, user: { name: "administrator", domain: "NWLOG" }, ...extra });
  const ndjson = (events: object[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";

  it("nested NDJSON: src_endpoint.location.coordinates [lon, lat] gives Latitude and Longitude where lat/long are absent", () => {
    const dir = tempTree({
      "auth.ndjson": ndjson([
        signIn({ time: 1791187200000, src_endpoint: { ip: ATTACKER, location: { coordinates: [seattle.lon, seattle.lat], country: "US" } } }),
        signIn({ time: 1791187260000, src_endpoint: { ip: ATTACKER, location: { lat: 55.75, long: 37.62, country: "RU" } } }),
        // A pair written latitude first is out of range as [lon, lat] for its latitude: null, not a point in the sea.
        signIn({ time: 1791187320000, src_endpoint: { ip: ATTACKER, location: { coordinates: [-33.87, 151.21] } } }),
      ]),
    });
    const raw = readDataFile(path.join(dir, "auth.ndjson"));
    const df = normalizeEvents(raw, "logon");
    assert.deepEqual(col(df, "Latitude"), [seattle.lat, 55.75, null]);
    assert.deepEqual(col(df, "Longitude"), [seattle.lon, 37.62, -33.87]);
  });

  it("flattened CSV: the coordinates' JSON text `[-122.33, 47.61]` gives the same Latitude and Longitude", () => {
    const csv = [
      "time,class_uid,activity_id,status_id,user.name,user.domain,src_endpoint.ip,src_endpoint.location.coordinates,src_endpoint.location.country",
      `1791187200000,3002,1,2,administrator,NWLOG,${ATTACKER},"[${seattle.lon}, ${seattle.lat}]",US`,
      `1791187260000,3002,1,2,administrator,NWLOG,${ATTACKER},not a pair,US`,
    ].join("\n");
    const df = normalizeEvents(readDataFile(path.join(tempTree({ "auth.csv": csv + "\n" }), "auth.csv")), "logon");
    assert.deepEqual(col(df, "Latitude"), [seattle.lat, null]);
    assert.deepEqual(col(df, "Longitude"), [seattle.lon, null], "text that is no pair is null; the row stays");
  });

  it("time_dt (ISO text) gives the time where time (epoch ms) is null, or where the export has no time column", () => {
    const mixed = normalizeEvents(
      pl.readRecords([
        signIn({ time: 1791187200000, time_dt: "2026-10-05T08:00:00.000Z", src_endpoint: { ip: ATTACKER } }),
        signIn({ time: null, time_dt: "2026-10-05T08:05:00.000Z", src_endpoint: { ip: ATTACKER } }),
      ]),
      "logon",
    );
    assert.deepEqual(iso(mixed, "TimeGenerated"), ["2026-10-05T08:00:00.000Z", "2026-10-05T08:05:00.000Z"]);
    const csv = ["time_dt,class_uid,activity_id,status_id,user.name,src_endpoint.ip", `2026-10-05T08:05:00Z,3002,1,1,r.tanaka,${ATTACKER}`].join("\n");
    const raw = readDataFile(path.join(tempTree({ "auth.csv": csv + "\n" }), "auth.csv"));
    assert.equal(detectEventSchema(raw, "logon").id, "ocsf-authentication");
    assert.deepEqual(iso(normalizeEvents(raw, "logon"), "TimeGenerated"), ["2026-10-05T08:05:00.000Z"]);
  });

  it("Kerberos ticket requests (activity 3 TGT, 4 service ticket, 5 renewal, 6 preauth) are no logons; a logon (1) and an unknown activity stay", () => {
    const events = [1, 3, 4, 5, 6, 2, 0].map((activity_id, i) => signIn({ time: 1791187200000 + i * 60000, activity_id, src_endpoint: { ip: ATTACKER } }));
    const df = normalizeEvents(pl.readRecords(events), "logon");
    assert.deepEqual(col(df, "activity_id"), [1, 0]);
  });

  it("an export with neither time nor time_dt is refused, naming both", () => {
    const raw = pl.readRecords([signIn({ src_endpoint: { ip: ATTACKER } })]);
    assert.throws(
      () => normalizeEvents(raw, "logon"),
      (err: unknown) => err instanceof DataColumnError && err.code === "data/event-schema-unknown" && /OCSF Authentication/.test(err.message) && /"time"/.test(err.message) && /time or time_dt/.test(err.message),
    );
  });

  it("Network Activity: time_dt, start_time_dt and end_time_dt where the epoch times are missing", () => {
    const raw = pl.readRecords([
      { class_uid: 4001, time_dt: "2026-10-05T08:00:00Z", start_time_dt: "2026-10-05T07:59:30Z", end_time_dt: "2026-10-05T08:00:00Z", src_endpoint: { ip: ATTACKER }, dst_endpoint: { ip: "10.20.4.17", port: 3389 }, connection_info: { protocol_num: 6, direction_id: 1 } },
    ]);
    assert.equal(detectEventSchema(raw, "networkFlow").id, "ocsf-network");
    const df = normalizeEvents(raw, "networkFlow");
    assert.deepEqual([iso(df, "TimeGenerated")[0], iso(df, "FlowStartTime")[0], iso(df, "FlowEndTime")[0]], ["2026-10-05T08:00:00.000Z", "2026-10-05T07:59:30.000Z", "2026-10-05T08:00:00.000Z"]);
    assert.deepEqual(col(df, "L4Protocol"), ["T"]);
  });
});
