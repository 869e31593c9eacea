/**
 * Azure NSG and VNet flow log files (`PT1H.json`, as Network Watcher writes them to a storage account)
 * unpacked into one row per flow tuple, for the `azure-flow-log` schema (network.ts). Microsoft's
 * documented shapes:
 *
 * - NSG flow logs: `records[].properties.flows[]` (`rule`) → `.flows[]` (`mac`) → `.flowTuples[]`, each
 *   `unix seconds,src,dst,src port,dst port,T|U,I|O,A|D` and, in version 2, `,B|C|E,packets→,bytes→,packets←,bytes←`.
 * - VNet flow logs: `records[].flowRecords.flows[]` (`aclID`) → `.flowGroups[]` (`rule`) → `.flowTuples[]`,
 *   each `unix ms,src,dst,src port,dst port,IANA protocol,I|O,B|C|E|D,encryption,packets→,bytes→,packets←,bytes←`
 *   (state `D`: denied); the record names the interface (`macAddress`, `targetResourceID`). The encryption
 *   state is `X`, `NX` or an `NX_…` reason; `NX_SW_NOT_READY`, `NX_NOT_ACCEPTED` and `NX_NOT_SUPPORTED` mean
 *   the packets were dropped (Microsoft: "the packet is dropped"), whatever the flow state says, and such a
 *   tuple's `aclID` and `rule` are `unspecified`.
 *
 * Times by their size, in both layouts: under 1e11 seconds (year 5138), else ms. Microsoft's own VNet example
 * writes seconds (`1708978215,…,I,B,NX,,,,`), which read as ms were January 1970.
 *
 * A file's records as one `records` column (the file as written) or one record per row are both read. Each
 * tuple is one row: the rows are bounded by the file's tuple count. A tuple that does not parse is one
 * dropped row, counted in one warning.
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { columnNames, columnOf, frameRecords } from "../../common/frames";
import { quotedText } from "../../common/shownText";
import { dataWarnings } from "../messages";

/** The columns of the unpacked frame (the schema reads them). */
export const AZURE_TUPLE = {
  time: "flowTupleTime",
  src: "flowTupleSrcIp",
  dst: "flowTupleDestIp",
  srcPort: "flowTupleSrcPort",
  dstPort: "flowTupleDestPort",
  protocol: "flowTupleProtocol",
  direction: "flowTupleDirection",
  decision: "flowTupleDecision",
  state: "flowTupleState",
  encryption: "flowTupleEncryption",
  activity: "flowTupleActivity",
  packetsOut: "flowTuplePacketsSrcToDest",
  bytesOut: "flowTupleBytesSrcToDest",
  packetsIn: "flowTuplePacketsDestToSrc",
  bytesIn: "flowTupleBytesDestToSrc",
  rule: "flowRule",
  interface: "flowInterface",
  mac: "macAddress",
  resource: "flowLogResourceId",
} as const;

/** Longest tuple text read (a v2 tuple is under 120 characters). */
const MAX_TUPLE_CHARS = 512;

const PORT = /^\d{1,5}$/;
const COUNT = /^\d{0,19}$/;
const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;
/** A VNet tuple's encryption state: `X`, `NX` or `NX_<REASON>`. */
const ENCRYPTION = /^N?X(_[A-Z_]{1,40})?$/;
/** Encryption states whose packets Azure drops (virtual network encryption's "drop unencrypted" policy, a host not ready). */
const ENCRYPTION_DROPPED: ReadonlySet<string> = new Set(["NX_SW_NOT_READY", "NX_NOT_ACCEPTED", "NX_NOT_SUPPORTED"]);
/** Epoch values under this are seconds, above it ms (1e11 s is the year 5138; 1e11 ms March 1973). */
const SECONDS_BELOW = 1e11;

interface Row {
  time: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: string;
  direction: string;
  decision: string;
  state: string | null;
  encryption: string | null;
  counts: (number | null)[];
  rule: string | null;
  iface: string | null;
  mac: string | null;
  resource: string | null;
}

const text = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const object = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The NIC's name when the flow log is enabled on a network interface (`…/networkInterfaces/<name>`). */
function interfaceName(resource: string | null): string | null {
  const m = resource ? /\/networkinterfaces\/([^/]+)$/i.exec(resource) : null;
  return m ? m[1] : null;
}

/** One tuple, or undefined when it does not parse. `vnet`: the VNet layout (ms, IANA protocol, state D for denied). */
function parseTuple(tuple: unknown, vnet: boolean): Omit<Row, "rule" | "iface" | "mac" | "resource"> | undefined {
  if (typeof tuple !== "string" || tuple.length > MAX_TUPLE_CHARS) return undefined;
  const f = tuple.split(",").map((x) => x.trim());
  if (f.length < 8 || !/^\d{9,13}$/.test(f[0]) || !ADDRESS.test(f[1]) || !ADDRESS.test(f[2]) || !PORT.test(f[3]) || !PORT.test(f[4])) return undefined;
  const srcPort = Number(f[3]);
  const dstPort = Number(f[4]);
  if (srcPort > 65535 || dstPort > 65535 || (f[6] !== "I" && f[6] !== "O")) return undefined;
  let decision: string;
  let state: string | null;
  let encryption: string | null = null;
  if (vnet) {
    // A state letter beyond B, C, E, D (a later schema's) still reads: the flow counts alone, not joined to a connection.
    if (!/^\d{1,3}$/.test(f[5]) || !/^[A-Z]$/.test(f[7])) return undefined;
    if (f.length > 8 && f[8] !== "" && !ENCRYPTION.test(f[8])) return undefined;
    encryption = f.length > 8 && f[8] !== "" ? f[8] : null;
    decision = f[7] === "D" || (encryption !== null && ENCRYPTION_DROPPED.has(encryption)) ? "Deny" : "Allow";
    state = f[7] === "D" ? null : f[7];
  } else {
    if ((f[5] !== "T" && f[5] !== "U") || (f[7] !== "A" && f[7] !== "D")) return undefined;
    if (f.length > 8 && f[8] !== "" && !/^[BCE]$/.test(f[8])) return undefined;
    decision = f[7] === "D" ? "Deny" : "Allow";
    state = f.length > 8 && f[8] !== "" ? f[8] : null;
  }
  const rest = f.slice(9, 13);
  if (!rest.every((c) => COUNT.test(c))) return undefined;
  const counts = [0, 1, 2, 3].map((k) => (rest[k] ? Number(rest[k]) : null));
  const time = Number(f[0]) < SECONDS_BELOW ? Number(f[0]) * 1000 : Number(f[0]);
  return { time, src: f[1], dst: f[2], srcPort, dstPort, protocol: f[5], direction: f[6], decision, state, encryption, counts };
}

/** True when the frame holds flow log records (a nested column with `flowTuples`). */
export function isAzureFlowLogFrame(df: pl.DataFrame): boolean {
  return columnNames(df).some((name) => {
    const dtype = columnOf(df, name).dtype;
    return (dtype.variant === "List" || dtype.variant === "Struct") && String(dtype).includes('"flowTuples"');
  });
}

/** Options of {@link azureFlowLogFlows}. */
export interface AzureFlowLogOptions {
  /** For the warning about tuples that do not parse. */
  source: string;
  warn: (message: string) => void;
}

/** The flow tuples of a flow log file's records as rows (see the module comment). */
export function azureFlowLogFlows(df: pl.DataFrame, options: AzureFlowLogOptions): pl.DataFrame {
  const rows: Row[] = [];
  let bad = 0;
  let example: string | undefined;
  let total = 0;
  const take = (tuples: unknown, vnet: boolean, context: Pick<Row, "rule" | "iface" | "mac" | "resource">) => {
    for (const t of list(tuples)) {
      total += 1;
      const parsed = parseTuple(t, vnet);
      if (parsed) rows.push({ ...parsed, ...context });
      else {
        bad += 1;
        example ??= typeof t === "string" ? t : JSON.stringify(t) ?? String(t);
      }
    }
  };
  const records = frameRecords(df).flatMap((row) => ("records" in row ? list(row.records) : [row]));
  for (const r of records.map(object)) {
    const resource = text(r.resourceId) ?? text(r.targetResourceID);
    const nsgFlows = list(object(r.properties).flows);
    for (const group of nsgFlows.map(object)) {
      for (const f of list(group.flows).map(object)) take(f.flowTuples, false, { rule: text(group.rule), mac: text(f.mac), iface: text(f.mac), resource });
    }
    const vnetFlows = list(object(r.flowRecords).flows);
    const mac = text(r.macAddress);
    for (const f of vnetFlows.map(object)) {
      for (const g of list(f.flowGroups).map(object)) take(g.flowTuples, true, { rule: text(g.rule), mac, iface: interfaceName(resource) ?? mac, resource });
    }
  }
  if (bad > 0) options.warn(dataWarnings.flowTuplesDropped(options.source, bad, total, quotedText(example ?? "", 80)));
  const col = <T>(name: string, f: (r: Row) => T, dtype: DataType) => pl.Series(name, rows.map(f), dtype);
  return pl.DataFrame([
    col(AZURE_TUPLE.time, (r) => r.time, pl.Float64).cast(pl.Int64).cast(pl.Datetime("ms")),
    col(AZURE_TUPLE.src, (r) => r.src, pl.Utf8),
    col(AZURE_TUPLE.dst, (r) => r.dst, pl.Utf8),
    col(AZURE_TUPLE.srcPort, (r) => r.srcPort, pl.Int64),
    col(AZURE_TUPLE.dstPort, (r) => r.dstPort, pl.Int64),
    col(AZURE_TUPLE.protocol, (r) => r.protocol, pl.Utf8),
    col(AZURE_TUPLE.direction, (r) => r.direction, pl.Utf8),
    col(AZURE_TUPLE.decision, (r) => r.decision, pl.Utf8),
    col(AZURE_TUPLE.state, (r) => r.state, pl.Utf8),
    col(AZURE_TUPLE.encryption, (r) => r.encryption, pl.Utf8),
    // B, C, E as OCSF's Open (1), Traffic (6) and Close (2): connections.ts makes a connection's tuples one flow.
    col(AZURE_TUPLE.activity, (r) => (r.state === "B" ? 1 : r.state === "E" ? 2 : r.state === "C" ? 6 : null), pl.Int64),
    col(AZURE_TUPLE.packetsOut, (r) => r.counts[0], pl.Float64).cast(pl.Int64),
    col(AZURE_TUPLE.bytesOut, (r) => r.counts[1], pl.Float64).cast(pl.Int64),
    col(AZURE_TUPLE.packetsIn, (r) => r.counts[2], pl.Float64).cast(pl.Int64),
    col(AZURE_TUPLE.bytesIn, (r) => r.counts[3], pl.Float64).cast(pl.Int64),
    col(AZURE_TUPLE.rule, (r) => r.rule, pl.Utf8),
    col(AZURE_TUPLE.interface, (r) => r.iface, pl.Utf8),
    col(AZURE_TUPLE.mac, (r) => r.mac, pl.Utf8),
    col(AZURE_TUPLE.resource, (r) => r.resource, pl.Utf8),
  ]);
}
