/**
 * Network flows: the lab's layout (Azure network analytics, as MSTICPy's
 * `list_azure_network_flows_by_*` queries return it) and the schemas hunters'
 * exports come in. docs/schemas.md lists them for users.
 */
import { AZURE_TUPLE as T } from "./azureFlowLog";
import { CEF_TRAFFIC } from "./cefTraffic";
import { MDE_CONNECTION_ACTIONS, MDE_DESTINATION, MDE_DESTINATION_PORT, MDE_DIRECTION, MDE_SOURCE, MDE_VERDICT, prepareMdeNetwork } from "./mdeNetwork";
import { NTA_DESTINATION, NTA_DESTINATION_VM, NTA_SOURCE, NTA_SOURCE_VM, NTA_VERDICT, prepareNtaFlows } from "./ntaFlows";
import { LOCAL_NAME_COLUMN, type EventSchema, type LabLayout } from "./types";

/**
 * OCSF `disposition_id` values that say the flow did not pass: those OCSF pairs with `action_id` 2 Denied
 * (2 Blocked, 3 Quarantined, 4 Isolated, 6 Dropped, 24 Access Revoked, 25 Rejected), and 21 Reset, 26
 * Unauthorized. Not 15 Detected, 17 Logged, 19 Alert, 20 Count (observed: the flow passed), 1 Allowed…
 */
export const OCSF_DENIED_DISPOSITIONS: readonly number[] = [2, 3, 4, 6, 21, 24, 25, 26];

/** The lab's flows (`az_net_comms`). */
export const LAB_NETWORK_FLOWS: LabLayout = {
  name: "Azure network analytics flows",
  labFile: "az_net_comms.parquet",
  columns: [
    { name: "TimeGenerated", type: "time", doc: "when the flow was recorded; start/end" },
    { name: "FlowStartTime", type: "time", doc: "first packet" },
    { name: "FlowEndTime", type: "time", doc: "last packet" },
    { name: "VMName", type: "text", doc: "the monitored machine; host_name filter" },
    { name: "VMIPAddress", type: "text", doc: "its address (the local end); ip_address filter" },
    { name: "SrcIP", type: "text", doc: "the connection's source" },
    { name: "DestIP", type: "text", doc: "the connection's destination" },
    { name: "AllExtIPs", type: "text", doc: "the remote (public) end: geolocation, maps, flows per country" },
    { name: "L4Protocol", type: "text", doc: "T (TCP) or U (UDP)" },
    { name: "L7Protocol", type: "text", doc: "application protocol (https, dns…)" },
    { name: "DestPort", type: "int", doc: "destination port" },
    { name: "FlowDirection", type: "text", doc: "O outbound, I inbound (from the local machine's side)" },
    { name: "AllowedOutFlows", type: "int", doc: "flow counts by direction and verdict" },
    { name: "AllowedInFlows", type: "int", doc: "" },
    { name: "DeniedInFlows", type: "int", doc: "" },
    { name: "DeniedOutFlows", type: "int", doc: "" },
    { name: "TotalAllowedFlows", type: "int", doc: "" },
    { name: "FlowType", type: "text", doc: "ExternalPublic (a public remote end) or IntraVNet" },
  ],
};

/** The one flow layout. */
export const NETWORK_LAYOUTS: readonly LabLayout[] = [LAB_NETWORK_FLOWS];

/**
 * Azure network analytics with the lab's column names but not all of them, or
 * with text where the lab has numbers (a CSV export of the same query).
 */
export const AZURE_NETWORK_ANALYTICS: EventSchema = {
  id: "azure-network-analytics",
  name: "Azure network analytics",
  kind: "networkFlow",
  description: "Azure NSG flow logs through Traffic Analytics (AzureNetworkAnalytics_CL), as MSTICPy's network queries return them: the lab's own layout.",
  requires: ["VMIPAddress", "AllExtIPs", "FlowDirection"],
  hints: ["TimeGenerated", "FlowStartTime", "DestPort", "L4Protocol", "VMName", "FlowType"],
  columns: {
    TimeGenerated: { from: ["TimeGenerated", "FlowStartTime"], as: "time" },
    FlowStartTime: { from: "FlowStartTime", as: "time" },
    FlowEndTime: { from: "FlowEndTime", as: "time" },
    VMName: { from: "VMName", as: "text" },
    DestPort: { from: "DestPort", as: "int" },
    L4Protocol: { from: "L4Protocol", as: "protocolLetter" },
    AllowedOutFlows: { from: "AllowedOutFlows", as: "int" },
    AllowedInFlows: { from: "AllowedInFlows", as: "int" },
    DeniedInFlows: { from: "DeniedInFlows", as: "int" },
    DeniedOutFlows: { from: "DeniedOutFlows", as: "int" },
    TotalAllowedFlows: { from: "TotalAllowedFlows", as: "int" },
  },
};

/**
 * Traffic Analytics' NTANetAnalytics table (VNet flow logs; AzureNetworkAnalytics_CL's successor), as
 * Sentinel / Log Analytics exports it. Its rows are Traffic Analytics' aggregated flows with the lab's
 * counts, FlowType, L4Protocol and DestPort; ntaFlows.ts first writes its `Inbound`/`Outbound` as the
 * lab's `I`/`O` and repeats a row once per public address (`SrcPublicIps`/`DestPublicIps`, where
 * `SrcIp`/`DestIp` are blank). `FlowStatus` `D`/`Denied` is denied; VMName is the local end's VM
 * (`SrcVm` outbound, `DestVm` inbound, the name after `resourcegroup/`), else its address.
 */
export const NTA_NET_ANALYTICS: EventSchema = {
  id: "nta-net-analytics",
  name: "Traffic Analytics NTANetAnalytics",
  kind: "networkFlow",
  description: "Azure Traffic Analytics' NTANetAnalytics table (VNet flow logs) as Log Analytics / Sentinel exports it (CSV or JSON).",
  requires: ["FlowDirection", "FlowStatus", "FlowType"],
  requiresOneOf: [
    ["SrcIp", "SrcIP"],
    ["DestIp", "DestIP"],
  ],
  hints: ["TimeGenerated", "FlowStartTime", "FlowEndTime", "SrcPublicIps", "DestPublicIps", "SrcVm", "DestVm", "DestPort", "L4Protocol", "AllowedInFlows", "NSGRule", "AclRule"],
  prepare: prepareNtaFlows,
  columns: {
    TimeGenerated: { from: ["TimeGenerated", "FlowEndTime", "FlowStartTime"], as: "time" },
    FlowStartTime: { from: ["FlowStartTime", "TimeGenerated"], as: "time" },
    FlowEndTime: { from: ["FlowEndTime", "TimeGenerated"], as: "time" },
    VMIPAddress: {
      endpoints: {
        source: NTA_SOURCE,
        destination: NTA_DESTINATION,
        directionCode: { field: "FlowDirection", inbound: "I", outbound: "O" },
        action: NTA_VERDICT,
        names: { source: NTA_SOURCE_VM, destination: NTA_DESTINATION_VM },
      },
    },
    VMName: { from: [LOCAL_NAME_COLUMN, "VMIPAddress"], as: "text" },
    L4Protocol: { from: "L4Protocol", as: "protocolLetter" },
    L7Protocol: { from: "L7Protocol", as: "text" },
    DestPort: { from: "DestPort", as: "int" },
  },
};

/**
 * Azure NSG and VNet flow log files (`PT1H.json`), their flowTuples unpacked one per row by
 * azureFlowLog.ts. The tuple's direction (`I`/`O`) is the logging interface's; `D` (NSG decision, or
 * VNet flow state) is denied. A connection's Begin, Continuing and End tuples are one flow (connections.ts,
 * as OCSF's Open, Traffic and Close). No VM names are logged: `VMName` is the interface (the NIC's name
 * when the VNet flow log is enabled on a NIC, else its MAC address), as AWS's interface id.
 */
export const AZURE_FLOW_LOG: EventSchema = {
  id: "azure-flow-log",
  name: "Azure NSG/VNet flow log file",
  kind: "networkFlow",
  description: "Azure Network Watcher NSG (version 1 and 2) and VNet flow log files (PT1H.json), read as their flow tuples.",
  requires: [T.time, T.src, T.dst, T.direction],
  hints: [T.dstPort, T.protocol, T.decision, T.state, T.rule, T.mac],
  columns: {
    TimeGenerated: { from: T.time, as: "time" },
    FlowStartTime: { from: T.time, as: "time" },
    FlowEndTime: { from: T.time, as: "time" },
    VMIPAddress: { endpoints: { source: T.src, destination: T.dst, directionCode: { field: T.direction, inbound: "I", outbound: "O" }, action: T.decision } },
    VMName: { from: [T.interface, "VMIPAddress"], as: "text" },
    L4Protocol: { from: T.protocol, as: "protocolLetter" },
    DestPort: { from: T.dstPort, as: "int" },
  },
  connections: { uid: "flowTupleConnectionId", activity: T.activity, tuple: ["SrcIP", T.srcPort, "DestIP", "DestPort", "L4Protocol"] },
};

/**
 * Zeek's conn.log (one row per connection), from its TSV form (`#fields`
 * header; see zeek.ts) or its JSON form (`LogAscii::use_json`). Zeek has no
 * host names: `VMName` is the local address. Not a cluster's `_node_name`: that
 * is the sensor that saw the flow, the same for every host behind it, so a
 * host_name filter would match the sensor (it stays in its own column).
 */
export const ZEEK_CONN: EventSchema = {
  id: "zeek-conn",
  name: "Zeek conn.log",
  kind: "networkFlow",
  description: "Zeek's connection log, TSV with a #fields header or JSON lines.",
  requires: ["ts", "id.orig_h", "id.resp_h", "id.resp_p", "proto"],
  hints: ["uid", "id.orig_p", "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig"],
  columns: {
    TimeGenerated: { from: "ts", as: "time" },
    FlowStartTime: { from: "ts", as: "time" },
    FlowEndTime: { from: "ts", as: "time" },
    VMIPAddress: { endpoints: { source: "id.orig_h", destination: "id.resp_h", localSource: "local_orig", localDestination: "local_resp" } },
    VMName: { from: "VMIPAddress", as: "text" },
    L4Protocol: { from: "proto", as: "protocolLetter" },
    L7Protocol: { from: "service", as: "text" },
    DestPort: { from: "id.resp_p", as: "int" },
  },
};

/**
 * Elastic Common Schema network events (`event.category: network`):
 * Packetbeat flows, Filebeat firewall and Zeek modules, Elastic Agent. Firewall modules (panw, fortinet,
 * cisco_asa, iptables…) mark a connection they stopped with `event.type` `denied` (an array),
 * `event.action` `deny`/`drop`… or `event.outcome` `failure`: any of them counts the flow as denied.
 */
export const ECS_NETWORK: EventSchema = {
  id: "ecs-network",
  name: "Elastic ECS network",
  kind: "networkFlow",
  description: "Elastic Common Schema events with event.category: network (Packetbeat flows, firewall and Zeek modules).",
  requires: ["@timestamp", "source.ip", "destination.ip"],
  hints: ["destination.port", "network.transport", "network.protocol", "network.direction", "network.bytes", "host.name", "event.start", "event.end"],
  columns: {
    TimeGenerated: { from: "@timestamp", as: "time" },
    FlowStartTime: { from: ["event.start", "@timestamp"], as: "time" },
    FlowEndTime: { from: ["event.end", "@timestamp"], as: "time" },
    VMIPAddress: { endpoints: { source: "source.ip", destination: "destination.ip", direction: "network.direction", action: ["event.type", "event.action", "event.outcome"] } },
    VMName: { from: ["host.name", "host.hostname", "observer.name"], as: "text" },
    L4Protocol: { from: "network.transport", as: "protocolLetter" },
    L7Protocol: { from: "network.protocol", as: "text" },
    DestPort: { from: "destination.port", as: "int" },
  },
};

/**
 * Microsoft Defender XDR `DeviceNetworkEvents` (Defender for Endpoint's connections; advanced hunting's CSV
 * export or Sentinel's table): mdeNetwork.ts says which end opened each connection. Only connection events
 * are flows: listening sockets and the inspections of a connection already logged (`NetworkSignatureInspected`,
 * `HttpConnectionInspected`…) are left out.
 */
export const MDE_NETWORK: EventSchema = {
  id: "mde-device-network",
  name: "Defender XDR DeviceNetworkEvents",
  kind: "networkFlow",
  description: "Microsoft Defender XDR's DeviceNetworkEvents table (advanced hunting export, or Sentinel's), one row per connection event.",
  requires: ["ActionType", "LocalIP", "RemoteIP"],
  requiresOneOf: [["Timestamp", "TimeGenerated"]],
  hints: ["DeviceName", "DeviceId", "RemotePort", "LocalPort", "Protocol", "RemoteIPType", "RemoteUrl", "InitiatingProcessFileName", "ReportId"],
  rows: [{ field: "ActionType", keep: MDE_CONNECTION_ACTIONS }],
  prepare: prepareMdeNetwork,
  columns: {
    TimeGenerated: { from: ["Timestamp", "TimeGenerated"], as: "time" },
    FlowStartTime: { from: ["Timestamp", "TimeGenerated"], as: "time" },
    FlowEndTime: { from: ["Timestamp", "TimeGenerated"], as: "time" },
    VMIPAddress: { endpoints: { source: MDE_SOURCE, destination: MDE_DESTINATION, direction: MDE_DIRECTION, action: MDE_VERDICT } },
    VMName: { from: ["DeviceName", "VMIPAddress"], as: "text" },
    L4Protocol: { from: "Protocol", as: "protocolLetter" },
    DestPort: { from: MDE_DESTINATION_PORT, as: "int" },
  },
};

/**
 * Sysmon event 3 (network connection) with its EventData fields as columns: docs/schemas.md's EVTX
 * command, or a plain Get-WinEvent export once winEventFields has read its Message. One row per
 * connection; `Initiated` (the process on this host opened it) says which end is the host: the
 * source when true, the destination when false (Sysmon writes the connection's initiator as source).
 * The three times are one instant: Sysmon's `UtcTime`, as for its process creations and ends, replacing the export's
 * TimeGenerated (kept where a row has no UtcTime: a plain Get-WinEvent export's is the exporting machine's local
 * time, which put a connection hours before or after the process that made it). The application
 * protocol is the destination port's service name as Sysmon writes it (`https`; `-` when it has none).
 */
export const SYSMON_NETWORK: EventSchema = {
  id: "sysmon-network",
  name: "Sysmon 3 network connection",
  kind: "networkFlow",
  description: "Sysmon's network connection events (event 3) from an EVTX export: the EventData fields as columns, or read from a plain Get-WinEvent export's Message.",
  requires: ["UtcTime", "SourceIp", "DestinationIp", "DestinationPort"],
  hints: ["Initiated", "Protocol", "SourcePort", "Image", "ProcessGuid", "Computer", "DestinationPortName"],
  columns: {
    TimeGenerated: { from: "UtcTime", as: "time", replaces: true },
    FlowStartTime: { from: ["UtcTime", "TimeGenerated"], as: "time" },
    FlowEndTime: { from: ["UtcTime", "TimeGenerated"], as: "time" },
    VMIPAddress: { endpoints: { source: "SourceIp", destination: "DestinationIp", localSource: "Initiated" } },
    VMName: { from: ["Computer", "VMIPAddress"], as: "text" },
    L4Protocol: { from: "Protocol", as: "protocolLetter" },
    L7Protocol: { from: "DestinationPortName", as: "text" },
    DestPort: { from: "DestinationPort", as: "int" },
  },
};

/**
 * OCSF Network Activity events (class 4001): AWS Security Lake (its VPC flow logs too), OCSF exporters,
 * nested or flattened to dotted columns. Times are epoch ms. The direction is `connection_info.direction`
 * (or `direction_id`); `Lateral`, `Local` and `Unknown` leave it to the address ranges. `action` `Denied`
 * (or `action_id` 2, or a denying `disposition_id`: the ids without their captions), or a `disposition` such as `Blocked`, counts the flow as denied.
 * Rows of other classes are left out; a connection's Open, Traffic and Close events are one flow (connections.ts).
 */
export const OCSF_NETWORK: EventSchema = {
  id: "ocsf-network",
  name: "OCSF Network Activity",
  kind: "networkFlow",
  description: "Open Cybersecurity Schema Framework Network Activity events (class_uid 4001): AWS Security Lake, OCSF exporters; nested JSON or dotted columns.",
  requires: ["class_uid", "src_endpoint.ip", "dst_endpoint.ip"],
  // `time` (epoch ms) or `time_dt` (ISO text, OCSF's date/time profile).
  requiresOneOf: [["time", "time_dt"]],
  hints: ["time", "time_dt", "src_endpoint.port", "dst_endpoint.port", "connection_info.protocol_name", "connection_info.direction", "traffic.bytes_in", "start_time", "end_time", "activity_id"],
  rows: [{ field: "class_uid", keep: [4001] }],
  columns: {
    TimeGenerated: { from: ["time", "time_dt"], as: "time" },
    FlowStartTime: { from: ["start_time", "start_time_dt", "time", "time_dt"], as: "time" },
    FlowEndTime: { from: ["end_time", "end_time_dt", "time", "time_dt"], as: "time" },
    VMIPAddress: {
      endpoints: {
        source: "src_endpoint.ip",
        destination: "dst_endpoint.ip",
        direction: "connection_info.direction",
        directionCode: { field: "connection_info.direction_id", inbound: 1, outbound: 2 },
        action: ["action", "disposition"],
        actionCode: [
          { field: "action_id", denied: [2] },
          { field: "disposition_id", denied: OCSF_DENIED_DISPOSITIONS },
        ],
        // Security Lake's VPC flow records name the instance (and interface) on the end it logged for.
        names: { source: ["src_endpoint.instance_uid", "src_endpoint.interface_uid"], destination: ["dst_endpoint.instance_uid", "dst_endpoint.interface_uid"] },
      },
    },
    VMName: { from: ["device.hostname", "device.name", LOCAL_NAME_COLUMN, "VMIPAddress"], as: "text" },
    L4Protocol: { from: ["connection_info.protocol_name", "connection_info.protocol_num"], as: "protocolLetter" },
    L7Protocol: { from: "app_name", as: "text" },
    DestPort: { from: "dst_endpoint.port", as: "int" },
  },
  // An exporter may write a connection's Open, Traffic reports and Close: one flow.
  connections: { uid: "connection_info.uid", activity: "activity_id", tuple: ["SrcIP", "src_endpoint.port", "DestIP", "DestPort", "L4Protocol"] },
};

/**
 * AWS VPC Flow Logs: the S3 text files (vpcFlow.ts reads them: hyphenated names, `start`/`end` as
 * times) or a CSV/Parquet export (Athena's table names the fields with underscores, `log_status`;
 * `start`/`end` epoch seconds). Each record is one direction of a conversation through one network
 * interface; `action` REJECT counts it as denied. A custom format's `pkt-srcaddr`/`pkt-dstaddr` (the packet's
 * original ends) come before `srcaddr`/`dstaddr` (the interface's, a NAT gateway's own address). NODATA and SKIPDATA records are no flows. AWS logs
 * no host names: `VMName` is the instance, else the interface, else the local address.
 */
export const AWS_VPC_FLOW: EventSchema = {
  id: "aws-vpc-flow",
  name: "AWS VPC Flow Logs",
  kind: "networkFlow",
  description: "AWS VPC flow log records: the S3 text files (a header line of field names, space-separated values) or a CSV/Parquet export with those fields (Athena's underscored names).",
  requires: ["srcaddr", "dstaddr", "start"],
  hints: ["dstport", "srcport", "protocol", "action", "end", "packets", "bytes", "interface-id", "interface_id", "log-status", "log_status", "account-id", "account_id"],
  rows: [
    { field: "log-status", drop: ["NODATA", "SKIPDATA"] },
    { field: "log_status", drop: ["NODATA", "SKIPDATA"] },
  ],
  columns: {
    TimeGenerated: { from: "start", as: "time" },
    FlowStartTime: { from: "start", as: "time" },
    FlowEndTime: { from: ["end", "start"], as: "time" },
    // A NAT gateway's interface logs itself as srcaddr/dstaddr; the packet's own ends (v3's pkt-srcaddr, pkt-dstaddr) are the hosts.
    VMIPAddress: {
      endpoints: { source: ["pkt-srcaddr", "pkt_srcaddr", "srcaddr"], destination: ["pkt-dstaddr", "pkt_dstaddr", "dstaddr"], direction: ["flow-direction", "flow_direction"], action: "action" },
    },
    VMName: { from: ["instance-id", "instance_id", "interface-id", "interface_id", "VMIPAddress"], as: "text" },
    L4Protocol: { from: "protocol", as: "protocolLetter" },
    DestPort: { from: "dstport", as: "int" },
  },
};

/**
 * Google Cloud VPC Flow Logs as Cloud Logging writes them (LogEntry JSON: `gcloud logging read
 * --format=json`, a log sink to Cloud Storage or BigQuery's JSON export): the record in `jsonPayload`.
 * Each record is a sample of one connection reported by one VM (`reporter` `SRC`: the source VM, so
 * outbound from it; `DEST`: the destination VM, inbound); a connection between two VMs that both log is
 * reported by each. `VMName` is the reporting end's `vm_name`. Flow logs record allowed traffic only.
 */
export const GCP_VPC_FLOW: EventSchema = {
  id: "gcp-vpc-flow",
  name: "Google Cloud VPC Flow Logs",
  kind: "networkFlow",
  description: "Google Cloud VPC Flow Logs entries as Cloud Logging exports them (LogEntry JSON, the record in jsonPayload).",
  requires: ["jsonPayload.connection.src_ip", "jsonPayload.connection.dest_ip", "jsonPayload.start_time"],
  hints: ["timestamp", "logName", "jsonPayload.reporter", "jsonPayload.connection.dest_port", "jsonPayload.connection.protocol", "jsonPayload.end_time", "jsonPayload.bytes_sent", "jsonPayload.src_instance", "jsonPayload.dest_instance"],
  columns: {
    TimeGenerated: { from: ["jsonPayload.end_time", "timestamp"], as: "time" },
    FlowStartTime: { from: ["jsonPayload.start_time", "timestamp"], as: "time" },
    FlowEndTime: { from: ["jsonPayload.end_time", "timestamp"], as: "time" },
    VMIPAddress: {
      endpoints: {
        source: "jsonPayload.connection.src_ip",
        destination: "jsonPayload.connection.dest_ip",
        directionCode: { field: "jsonPayload.reporter", inbound: "DEST", outbound: "SRC" },
        names: { source: "jsonPayload.src_instance.vm_name", destination: "jsonPayload.dest_instance.vm_name" },
      },
    },
    VMName: { from: [LOCAL_NAME_COLUMN, "VMIPAddress"], as: "text" },
    L4Protocol: { from: "jsonPayload.connection.protocol", as: "protocolLetter" },
    DestPort: { from: "jsonPayload.connection.dest_port", as: "int" },
  },
};

/**
 * Suricata's EVE JSON log: its `flow` records (one per flow, both directions' counts) and `netflow`
 * records (one per direction, when enabled). The same file holds alerts, DNS, HTTP, TLS and stats
 * records: those are no flows and are left out. An IPS's flow record with `flow.action` `drop` counts as
 * denied. Suricata knows no host names: `VMName` is the local
 * address (the sensor's name, `host`, stays in its own column).
 */
export const SURICATA_FLOW: EventSchema = {
  id: "suricata-eve-flow",
  name: "Suricata EVE flow",
  kind: "networkFlow",
  description: "Suricata's EVE JSON log (eve.json): its flow and netflow records; alerts, DNS, HTTP and other records in the same file are left out.",
  requires: ["timestamp", "event_type", "src_ip", "dest_ip", "proto"],
  hints: ["flow_id", "dest_port", "src_port", "app_proto", "flow.start", "netflow.start", "in_iface"],
  rows: [{ field: "event_type", keep: ["flow", "netflow"] }],
  columns: {
    TimeGenerated: { from: "timestamp", as: "time" },
    FlowStartTime: { from: ["flow.start", "netflow.start", "timestamp"], as: "time" },
    FlowEndTime: { from: ["flow.end", "netflow.end", "timestamp"], as: "time" },
    // In IPS mode a flow record says what became of the flow (`flow.action`: drop, pass, accept).
    VMIPAddress: { endpoints: { source: "src_ip", destination: "dest_ip", action: "flow.action" } },
    VMName: { from: "VMIPAddress", as: "text" },
    L4Protocol: { from: "proto", as: "protocolLetter" },
    L7Protocol: { from: "app_proto", as: "text" },
    DestPort: { from: "dest_port", as: "int" },
  },
};

/**
 * Microsoft Sentinel's CommonSecurityLog: firewalls' and proxies' CEF events (Palo Alto, Fortinet,
 * Check Point…), as Log Analytics exports them. `CommunicationDirection` is CEF's deviceDirection (0
 * inbound, 1 outbound; some connectors write the words); `DeviceAction` deny, drop, block, reset…
 * counts the flow as denied. `VMName` is the device that logged the flow (`DeviceName`), else the
 * collector (`Computer`): a firewall logs other hosts' flows, which are found by address. Rows
 * without a destination address (the device's system and configuration events) are no flows, nor are a
 * firewall's threat, URL… logs (cefTraffic.ts: PAN-OS THREAT, FortiGate utm, Check Point's other blades).
 */
export const COMMON_SECURITY_LOG: EventSchema = {
  id: "commonsecuritylog",
  name: "Sentinel CommonSecurityLog (CEF)",
  kind: "networkFlow",
  description: "Microsoft Sentinel's CommonSecurityLog table: CEF events of firewalls and proxies, as Log Analytics exports them (CSV or JSON).",
  requires: ["DeviceVendor", "DeviceProduct", "SourceIP", "DestinationIP"],
  hints: ["TimeGenerated", "DestinationPort", "Protocol", "DeviceAction", "CommunicationDirection", "SentBytes", "ReceivedBytes", "DeviceName", "Computer", "Activity"],
  // A device's own events (configuration, system) have no addresses: no flows.
  rows: [{ field: "DestinationIP", required: true }],
  // Its threat, URL… logs about a connection its traffic log already has: no flows either (cefTraffic.ts).
  rowTest: CEF_TRAFFIC,
  columns: {
    TimeGenerated: { from: ["TimeGenerated", "ReceiptTime"], as: "cefTime" },
    FlowStartTime: { from: ["StartTime", "TimeGenerated", "ReceiptTime"], as: "cefTime" },
    FlowEndTime: { from: ["EndTime", "TimeGenerated", "ReceiptTime"], as: "cefTime" },
    VMIPAddress: {
      endpoints: { source: "SourceIP", destination: "DestinationIP", direction: "CommunicationDirection", directionCode: { field: "CommunicationDirection", inbound: 0, outbound: 1 }, action: ["DeviceAction", "SimplifiedDeviceAction"] },
    },
    VMName: { from: ["DeviceName", "Computer", "VMIPAddress"], as: "text" },
    L4Protocol: { from: "Protocol", as: "protocolLetter" },
    L7Protocol: { from: "ApplicationProtocol", as: "text" },
    DestPort: { from: "DestinationPort", as: "int" },
  },
};

/** Every flow schema, in detection order. */
export const NETWORK_SCHEMAS: readonly EventSchema[] = [AZURE_NETWORK_ANALYTICS, NTA_NET_ANALYTICS, ZEEK_CONN, ECS_NETWORK, SYSMON_NETWORK, MDE_NETWORK, OCSF_NETWORK, AWS_VPC_FLOW, GCP_VPC_FLOW, SURICATA_FLOW, COMMON_SECURITY_LOG, AZURE_FLOW_LOG];
