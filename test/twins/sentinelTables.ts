/**
 * Two Sentinel tables rebuilt from the lab's query results, with their real
 * column names and types, so the twins answer the query files' real-table KQL:
 *
 * - `AzureNetworkAnalytics_CL` (Traffic Analytics, NSG flow logs; schema:
 *   learn.microsoft.com/azure/network-watcher/traffic-analytics-schema). The lab
 *   file holds the *output* of MSTICPy's flow query (one row per remote address,
 *   `mv-expand`ed); the reverse mapping groups rows that differ only in
 *   `AllExtIPs` back into one flow record: `VM_s` = "resourcegroup/vmname",
 *   `PublicIPs_s` = space-separated `ip|started|ended|outPkts|inPkts|outBytes|inBytes`
 *   entries (the group's remote addresses), counts as `_d` reals, times as `_t`
 *   datetimes. Custom-log strings have no null (Kusto), so absent text is "".
 *   `SubType_s == "Topology"` records, which Traffic Analytics writes to the same
 *   table, are added for every machine: a query must filter them out.
 * - `CommonSecurityLog` (CEF; schema: learn.microsoft.com/azure/azure-monitor/
 *   reference/tables/commonsecuritylog), from the lab's hourly bytes-sent series:
 *   each hour becomes two to four outbound connection events (`CommunicationDirection`
 *   "1") whose `SentBytes` add up to the hour's total, plus inbound events
 *   ("0") that a bytes-sent summary must leave out.
 */
import type { Row, Value } from "./kqlEngine";
import type { TwinColumn, TwinTable } from "./labTables";

const FLOW_COLUMNS: TwinColumn[] = [
  { name: "TenantId", type: "string" },
  { name: "TimeGenerated", type: "datetime" },
  { name: "SubType_s", type: "string" },
  { name: "FASchemaVersion_s", type: "string" },
  { name: "FlowStartTime_t", type: "datetime" },
  { name: "FlowEndTime_t", type: "datetime" },
  { name: "FlowIntervalEndTime_t", type: "datetime" },
  { name: "FlowType_s", type: "string" },
  { name: "VM_s", type: "string" },
  { name: "VMIP_s", type: "string" },
  { name: "PublicIPs_s", type: "string" },
  { name: "SrcIP_s", type: "string" },
  { name: "DestIP_s", type: "string" },
  { name: "L4Protocol_s", type: "string" },
  { name: "L7Protocol_s", type: "string" },
  { name: "DestPort_d", type: "real" },
  { name: "FlowDirection_s", type: "string" },
  { name: "AllowedOutFlows_d", type: "real" },
  { name: "AllowedInFlows_d", type: "real" },
  { name: "DeniedInFlows_d", type: "real" },
  { name: "DeniedOutFlows_d", type: "real" },
  { name: "AzureRegion_s", type: "string" },
  { name: "Region_s", type: "string" },
];

/** A lab text time as a datetime, or null when it is not a whole timestamp (the lab's export kept only "mm:ss.f"). */
function when(v: Value): Date | null {
  if (v instanceof Date) return v;
  if (typeof v !== "string" || !/^\d{4}-\d\d-\d\d/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const text = (v: Value): string => (v === null ? "" : String(v));
const real = (v: Value): number | null => (typeof v === "number" ? v : null);

/** The remote address MSTICPy's query derives from the flow's own ends (IntraVNet flows have no PublicIPs). */
function extIp(row: Row): string {
  return text(row.FlowDirection === "I" ? row.SrcIP : row.DestIP);
}

/** `AzureNetworkAnalytics_CL` records whose flow query output is the lab's flow rows. */
export function networkAnalyticsTable(lab: TwinTable): TwinTable {
  const key = lab.columns.map((c) => c.name).filter((n) => n !== "AllExtIPs");
  const groups = new Map<string, Row[]>();
  for (const r of lab.rows) {
    const id = JSON.stringify(key.map((k) => (r[k] instanceof Date ? (r[k] as Date).getTime() : r[k])));
    const g = groups.get(id);
    if (g) g.push(r);
    else groups.set(id, [r]);
  }
  const rows: Row[] = [];
  const machines = new Map<string, Row>();
  for (const group of groups.values()) {
    const r = group[0];
    const ext = extIp(r);
    // The group's remote addresses, in order, once each as the lab expanded them.
    const remote = group.map((g) => text(g.AllExtIPs)).filter((ip) => ip && ip !== ext);
    const vm = r.ResourceGroup !== null && r.VMName !== null ? `${text(r.ResourceGroup)}/${text(r.VMName)}` : "";
    const record: Row = {
      TenantId: text(r.TenantId),
      TimeGenerated: when(r.TimeGenerated),
      SubType_s: "FlowLog",
      FASchemaVersion_s: "1",
      FlowStartTime_t: when(r.FlowStartTime),
      FlowEndTime_t: when(r.FlowEndTime),
      FlowIntervalEndTime_t: when(r.FlowIntervalEndTime),
      FlowType_s: text(r.FlowType),
      VM_s: vm,
      VMIP_s: text(r.VMIPAddress),
      PublicIPs_s: remote.map((ip) => `${ip}|1|0|0|0|0|0`).join(" "),
      SrcIP_s: text(r.SrcIP),
      DestIP_s: text(r.DestIP),
      L4Protocol_s: text(r.L4Protocol),
      L7Protocol_s: text(r.L7Protocol),
      DestPort_d: real(r.DestPort),
      FlowDirection_s: text(r.FlowDirection),
      AllowedOutFlows_d: real(r.AllowedOutFlows),
      AllowedInFlows_d: real(r.AllowedInFlows),
      DeniedInFlows_d: real(r.DeniedInFlows),
      DeniedOutFlows_d: real(r.DeniedOutFlows),
      AzureRegion_s: text(r.RemoteRegion),
      Region_s: text(r.VMRegion),
    };
    rows.push(record);
    if (vm && !machines.has(vm)) machines.set(vm, record);
  }
  // Traffic Analytics' topology records share the table: same machine, no flow.
  for (const [vm, flow] of machines) {
    const topology: Row = Object.fromEntries(FLOW_COLUMNS.map((c) => [c.name, c.type === "string" ? "" : null]));
    Object.assign(topology, { TenantId: flow.TenantId, TimeGenerated: flow.TimeGenerated, SubType_s: "Topology", FASchemaVersion_s: "1", VM_s: vm, VMIP_s: flow.VMIP_s, Region_s: flow.Region_s });
    rows.push(topology);
  }
  return { columns: FLOW_COLUMNS.map((c) => ({ ...c })), rows };
}

const CEF_COLUMNS: TwinColumn[] = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "DeviceVendor", type: "string" },
  { name: "DeviceProduct", type: "string" },
  { name: "Activity", type: "string" },
  { name: "DeviceAction", type: "string" },
  { name: "CommunicationDirection", type: "string" },
  { name: "SourceIP", type: "string" },
  { name: "DestinationIP", type: "string" },
  { name: "DestinationPort", type: "int" },
  { name: "SentBytes", type: "long" },
  { name: "ReceivedBytes", type: "long" },
];

/** `CommonSecurityLog` events whose hourly outbound `sum(SentBytes)` is the lab's series. */
export function commonSecurityLogTable(lab: TwinTable): TwinTable {
  const rows: Row[] = [];
  const HOUR = 3_600_000;
  lab.rows.forEach((r, i) => {
    const t = r.TimeGenerated;
    const total = Number(r.TotalBytesSent);
    if (!(t instanceof Date) || !Number.isFinite(total)) return;
    const hour = Math.floor(t.getTime() / HOUR) * HOUR;
    const parts = 2 + (i % 3);
    const share = Math.floor(total / parts);
    for (let p = 0; p < parts; p += 1) {
      const sent = p === parts - 1 ? total - share * (parts - 1) : share;
      rows.push(event(new Date(hour + ((p * 17 + 3) % 60) * 60_000 + p * 1000), "1", `10.0.3.${4 + (p % 2)}`, `40.77.${i % 200}.${p + 1}`, sent));
    }
    // Inbound traffic in the same hour: its SentBytes are the remote side's, not ours.
    rows.push(event(new Date(hour + 59 * 60_000 + 30_000), "0", `52.${i % 200}.1.1`, "10.0.3.5", 50_000 + i));
  });
  return { columns: CEF_COLUMNS.map((c) => ({ ...c })), rows };
}

function event(time: Date, direction: string, source: string, destination: string, sent: number): Row {
  return {
    TimeGenerated: time,
    DeviceVendor: "Palo Alto Networks",
    DeviceProduct: "PAN-OS",
    Activity: "TRAFFIC",
    DeviceAction: "allow",
    CommunicationDirection: direction,
    SourceIP: source,
    DestinationIP: destination,
    DestinationPort: 443,
    SentBytes: sent,
    ReceivedBytes: Math.round(sent / 3),
  };
}
