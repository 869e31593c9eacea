/**
 * Azure network analytics describes a flow from the monitored machine's side:
 * `VMIPAddress` (the local end), `AllExtIPs` (the remote end, which the lab
 * locates on maps), `FlowDirection` (`O` out, `I` in) and per-direction flow
 * counts. Zeek and ECS record a connection as source → destination, so the
 * local end has to be worked out: a declared direction wins (ECS
 * `network.direction`, Zeek's `local_orig`), otherwise a private, loopback,
 * link-local, multicast or broadcast address is the local end.
 */
import ipaddr from "ipaddr.js";
import pl from "nodejs-polars";
import { textSeries } from "../../common/dtypes";
import { convert } from "./convert";
import { fieldSeries } from "./fields";
import { LOCAL_NAME_COLUMN, type EndpointsRule, type FieldName } from "./types";

/**
 * ipaddr.js ranges that are "this network", not the internet. Multicast and
 * broadcast destinations (mDNS, SSDP, LLMNR, DHCP's 255.255.255.255) are no
 * remote host either: in every Zeek conn.log, and never an `AllExtIPs` to locate.
 */
const LOCAL_RANGES = new Set(["private", "loopback", "linkLocal", "uniqueLocal", "carrierGradeNat", "unspecified", "multicast", "broadcast"]);

/** True for an address of a local range (multicast and broadcast included); false for public or unparsable ones. */
export function isLocalAddress(text: string): boolean {
  try {
    let addr = ipaddr.parse(text.trim());
    if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    return LOCAL_RANGES.has(addr.range());
  } catch {
    return false;
  }
}

type Direction = "O" | "I";

/** Lab columns made from a flow's two ends. Undefined when the frame lacks either end. */
export function flowEndpoints(df: pl.DataFrame, spec: EndpointsRule["endpoints"]): Map<string, pl.Series> | undefined {
  const srcEnds = addresses(df, spec.source);
  const dstEnds = addresses(df, spec.destination);
  if (!srcEnds || !dstEnds) return undefined;
  const srcs = srcEnds.ends;
  const dsts = dstEnds.ends;
  const declared = spec.direction === undefined ? undefined : (typeof spec.direction === "string" ? [spec.direction] : spec.direction).map((f) => fieldSeries(df, f)).find((f) => f !== undefined);
  const dirs = declared ? (convert(declared, "directionLetter", "dir").toArray() as (Direction | null)[]) : undefined;
  const localSrc = spec.localSource ? fieldSeries(df, spec.localSource) : undefined;
  const localFlags = localSrc ? (localSrc.toArray() as unknown[]).map(truthy) : undefined;
  const localDst = spec.localDestination ? fieldSeries(df, spec.localDestination) : undefined;
  const localDstFlags = localDst ? (localDst.toArray() as unknown[]).map(truthy) : undefined;
  const code = spec.directionCode;
  const declaredCode = code ? fieldSeries(df, code.field) : undefined;
  const codeDirs =
    code && declaredCode
      ? typeof code.inbound === "number"
        ? (convert(declaredCode, "int", "code").toArray() as (number | bigint | null)[]).map((v): Direction | null => (v === null ? null : Number(v) === code.inbound ? "I" : Number(v) === code.outbound ? "O" : null))
        : (convert(declaredCode, "text", "code").toArray() as (string | null)[]).map((v): Direction | null => {
            const t = v?.trim().toLowerCase();
            return t === String(code.inbound).toLowerCase() ? "I" : t === String(code.outbound).toLowerCase() ? "O" : null;
          })
      : undefined;
  const verdictFields = spec.action === undefined ? [] : typeof spec.action === "string" ? [spec.action] : spec.action;
  const verdicts = verdictFields.flatMap((f) => {
    const s = fieldSeries(df, f);
    const flags = s ? deniedFlags(s) : undefined;
    return flags ? [flags] : [];
  });
  const codes = spec.actionCode === undefined ? [] : "field" in spec.actionCode ? [spec.actionCode] : spec.actionCode;
  for (const code of codes) {
    const verdictCode = fieldSeries(df, code.field);
    if (!verdictCode) continue;
    const deniedCodes = new Set(code.denied);
    verdicts.push((convert(verdictCode, "int", "code").toArray() as (number | bigint | null)[]).map((v) => v !== null && deniedCodes.has(Number(v))));
  }
  // Denied when any verdict field says so (ECS: `event.type` denied, or `event.action` deny, or `event.outcome` failure).
  const denied = verdicts.length === 0 ? undefined : srcs.map((_, i) => verdicts.some((v) => v[i]));

  // Each distinct address is classified once.
  const memo = new Map<string, boolean>();
  const local = (ip: string | null) => {
    if (ip === null) return false;
    let v = memo.get(ip);
    if (v === undefined) {
      v = isLocalAddress(ip);
      memo.set(ip, v);
    }
    return v;
  };

  const n = srcs.length;
  const vmIp: (string | null)[] = new Array(n);
  const extIp: (string | null)[] = new Array(n);
  const direction: (Direction | null)[] = new Array(n);
  const flowType: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const s = srcs[i];
    const d = dsts[i];
    const sLocal = local(s);
    const dLocal = local(d);
    // A declared direction is the logging interface's: where the packet's ends are not the interface's (a NAT
    // gateway's interface), it says nothing about them and the address ranges decide.
    const relayed = srcEnds.relayed[i] || dstEnds.relayed[i];
    let dir: Direction | null = relayed ? null : (dirs?.[i] ?? codeDirs?.[i] ?? null);
    if (dir === null && localFlags && localFlags[i] !== null) dir = localFlags[i] ? "O" : "I";
    // No declaration: the local end is the machine; two public ends are read from the source's side.
    dir ??= !sLocal && dLocal ? "I" : "O";
    const mine = dir === "O" ? s : d;
    const theirs = dir === "O" ? d : s;
    // A remote end the site declares local (Zeek's Site::local_nets: an organisation's public address space)
    // is no external address; a declared non-local private address stays one (never located on a map).
    const declaredTheirs = dir === "O" ? localDstFlags?.[i] : localFlags?.[i];
    const theirsLocal = declaredTheirs === true || (dir === "O" ? dLocal : sLocal);
    vmIp[i] = mine;
    extIp[i] = theirsLocal ? null : theirs;
    direction[i] = s === null && d === null ? null : dir;
    flowType[i] = s === null || d === null ? null : theirsLocal ? "IntraVNet" : "ExternalPublic";
  }
  const allowed = (i: number) => denied?.[i] !== true;
  const names = spec.names ? localNames(df, spec.names, direction) : undefined;
  const outFlows = direction.map((d, i) => (d === "O" && allowed(i) ? 1 : 0));
  const inFlows = direction.map((d, i) => (d === "I" && allowed(i) ? 1 : 0));
  const deniedOut = direction.map((d, i) => (d === "O" && !allowed(i) ? 1 : 0));
  const deniedIn = direction.map((d, i) => (d === "I" && !allowed(i) ? 1 : 0));
  return new Map<string, pl.Series>([
    ["VMIPAddress", pl.Series("VMIPAddress", vmIp, pl.Utf8)],
    ["SrcIP", pl.Series("SrcIP", srcs, pl.Utf8)],
    ["DestIP", pl.Series("DestIP", dsts, pl.Utf8)],
    ["AllExtIPs", pl.Series("AllExtIPs", extIp, pl.Utf8)],
    ["FlowDirection", pl.Series("FlowDirection", direction, pl.Utf8)],
    ["FlowType", pl.Series("FlowType", flowType, pl.Utf8)],
    ["AllowedOutFlows", pl.Series("AllowedOutFlows", outFlows, pl.Int64)],
    ["AllowedInFlows", pl.Series("AllowedInFlows", inFlows, pl.Int64)],
    ["DeniedInFlows", pl.Series("DeniedInFlows", deniedIn, pl.Int64)],
    ["DeniedOutFlows", pl.Series("DeniedOutFlows", deniedOut, pl.Int64)],
    ["TotalAllowedFlows", pl.Series("TotalAllowedFlows", direction.map((_, i) => (allowed(i) ? 1 : 0)), pl.Int64)],
    ...(names ? [[LOCAL_NAME_COLUMN, pl.Series(LOCAL_NAME_COLUMN, names, pl.Utf8)] as const] : []),
  ]);
}

/**
 * The local end's name row by row (the source's outbound, the destination's inbound). Never the other
 * end's: that names another machine than `VMIPAddress`. Undefined when the frame has no name field.
 */
function localNames(df: pl.DataFrame, spec: NonNullable<EndpointsRule["endpoints"]["names"]>, direction: readonly (Direction | null)[]): (string | null)[] | undefined {
  const src = addresses(df, spec.source)?.ends;
  const dst = addresses(df, spec.destination)?.ends;
  if (!src && !dst) return undefined;
  const has = (v: string | null | undefined): v is string => v !== null && v !== undefined && v.trim() !== "" && v.trim() !== "-";
  return direction.map((d, i) => {
    const mine = d === "I" ? dst?.[i] : src?.[i];
    return has(mine) ? mine : null;
  });
}

/**
 * One end's addresses as text, row by row the first of `fields` that has one (null, blank and `-`, AWS's
 * "no value", have none), and whether that is not the last field's (the logging interface's own) address.
 * Undefined when the frame has none of the fields.
 */
function addresses(df: pl.DataFrame, fields: FieldName | readonly FieldName[]): { ends: (string | null)[]; relayed: boolean[] } | undefined {
  const columns = (typeof fields === "string" ? [fields] : fields)
    .map((f) => fieldSeries(df, f))
    .filter((s): s is pl.Series => s !== undefined)
    .map((s) => convert(s, "text", "a").toArray() as (string | null)[]);
  if (columns.length === 0) return undefined;
  const has = (v: string | null | undefined): v is string => v !== null && v !== undefined && v.trim() !== "" && v.trim() !== "-";
  const own = columns[columns.length - 1];
  if (columns.length === 1) return { ends: own, relayed: own.map(() => false) };
  const ends = own.map((_, i) => columns.find((c) => has(c[i]))?.[i] ?? own[i]);
  return { ends, relayed: ends.map((e, i) => has(own[i]) && e !== own[i]) };
}

/**
 * Verdicts that mean the flow did not pass: VPC flow logs' `REJECT`, OCSF's `Denied`/`Blocked`, firewalls'
 * CEF `deny`, `drop`, `block`, Palo Alto's `reset-both`, ECS's `event.type: denied` and `event.outcome:
 * failure` (a connection that failed, from the point of view of the device that logged it)… Any other value
 * (`ACCEPT`, `allow`, `Allowed`, `success`) or none is allowed.
 */
const DENIED_VERDICTS = new Set(["deny", "denied", "reject", "rejected", "drop", "dropped", "block", "blocked", "refuse", "refused", "failure"]);

/** What separates the elements of a list written as text: a JSON array in a CSV cell, comma-joined values. */
const LIST_SEPARATORS = /[,[\]"]+/;

/**
 * Each row's verdict. A list (ECS `event.type: ["connection", "denied"]`) is denied when one of its elements
 * is, and so is text listing them. Undefined (all allowed) for a field whose values do not convert to text.
 */
function deniedFlags(verdict: pl.Series): boolean[] | undefined {
  try {
    if (verdict.dtype.variant === "List" || verdict.dtype.variant === "FixedSizeList") {
      // Elements joined by spaces; a verdict is one word.
      return (textSeries(verdict).toArray() as (string | null)[]).map((v) => v !== null && v.split(" ").some(isDenied));
    }
    return (convert(verdict, "text", "action").toArray() as (string | null)[]).map((v) => v !== null && (isDenied(v) || v.split(LIST_SEPARATORS).some(isDenied)));
  } catch {
    return undefined;
  }
}

function isDenied(value: string | null): boolean {
  if (value === null) return false;
  const t = value.trim().toLowerCase();
  // A verdict qualified after a dash or underscore is its first word: Palo Alto's `drop-icmp`, `drop-all-packets`, `block-url`.
  return DENIED_VERDICTS.has(t) || DENIED_VERDICTS.has(t.split(/[-_]/, 1)[0]) || t.startsWith("reset");
}

/** Zeek writes booleans as `T`/`F` in TSV and true/false in JSON; `-` is unset. */
function truthy(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  const t = String(value).trim().toLowerCase();
  if (t === "t" || t === "true" || t === "1") return true;
  if (t === "f" || t === "false" || t === "0") return false;
  return null;
}
