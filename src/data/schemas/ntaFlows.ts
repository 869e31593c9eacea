/**
 * Traffic Analytics' NTANetAnalytics table (VNet flow logs, Sentinel / Log Analytics) written the lab's
 * way before the mapping. Its rows are already aggregated flows with the lab's counts, FlowType,
 * L4Protocol and DestPort; what differs:
 *
 * - `FlowDirection` is `Inbound`/`Outbound` (Microsoft's schema page writes `I`/`O`): rewritten as the
 *   lab's `I`/`O` (the same meaning: in or out of the logging interface).
 * - `SrcIp`/`DestIp` are blank in AzurePublic and ExternalPublic flows; the public end is in
 *   `SrcPublicIps`/`DestPublicIps`, entries `ip|started|ended|packets out|packets in|bytes out|bytes in`
 *   separated by spaces. A row is repeated once per public address (as MSTICPy's `mv-expand` of
 *   AzureNetworkAnalytics_CL's PublicIPs_s does: the row's counts are repeated with it), so that `AllExtIPs`
 *   holds one address. A sum of the row's counts per address would count them once per address: each
 *   address's own counts (its entry's) are added as `PublicIp…` columns, and `PublicIpCount` says how many
 *   addresses share the row's counts.
 * - `FlowStatus` `D`/`Denied` is the verdict; `SrcVm`/`DestVm` are `resourcegroup/vmname`: the name is
 *   the part after the last `/`, as the lab's VMName.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf } from "../../common/frames";
import { textSeries } from "../../common/dtypes";
import { HELPER_PREFIX } from "./types";

/** Helper columns the NTA schema's endpoints rule reads (dropped after the mapping). */
export const NTA_SOURCE = `${HELPER_PREFIX}nta_src`;
export const NTA_DESTINATION = `${HELPER_PREFIX}nta_dst`;
export const NTA_VERDICT = `${HELPER_PREFIX}nta_verdict`;
export const NTA_SOURCE_VM = `${HELPER_PREFIX}nta_src_vm`;
export const NTA_DESTINATION_VM = `${HELPER_PREFIX}nta_dst_vm`;

/** Most public addresses read from one row's list (Traffic Analytics aggregates a handful per row). */
export const MAX_PUBLIC_IPS_PER_ROW = 1000;

const DIRECTIONS: Readonly<Record<string, "I" | "O">> = { i: "I", inbound: "I", o: "O", outbound: "O" };

/** The first of `names` the frame has, as text values (null when none). */
function textOf(df: pl.DataFrame, names: readonly string[]): (string | null)[] | undefined {
  const have = new Set(columnNames(df));
  const name = names.find((n) => have.has(n));
  return name === undefined ? undefined : (textSeries(columnOf(df, name)).toArray() as (string | null)[]);
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === "" || v.trim() === "-";

/** An address's own counts in a public IP list entry, in the entry's order after the address. */
export const PUBLIC_IP_COUNT_COLUMNS = ["PublicIpFlowsStarted", "PublicIpFlowsEnded", "PublicIpPacketsOut", "PublicIpPacketsIn", "PublicIpBytesOut", "PublicIpBytesIn"] as const;
/** How many public addresses a row was repeated for (its own flow counts repeated on each). */
export const PUBLIC_IP_SHARED = "PublicIpCount";

interface PublicEntry {
  ip: string;
  /** The entry's counts (null where a field is missing or no whole number). */
  counts: (number | null)[];
}

const count = (v: string | undefined): number | null => (v !== undefined && /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : null);

/** The entries of a public IP list (`ip|n|n|… ip|n|…`), at most {@link MAX_PUBLIC_IPS_PER_ROW}. */
function publicEntries(text: string | null | undefined): PublicEntry[] {
  if (blank(text)) return [];
  const out: PublicEntry[] = [];
  for (const entry of (text as string).split(/\s+/)) {
    if (out.length >= MAX_PUBLIC_IPS_PER_ROW) break;
    const fields = entry.split("|", PUBLIC_IP_COUNT_COLUMNS.length + 1);
    const ip = fields[0].trim();
    if (ip) out.push({ ip, counts: PUBLIC_IP_COUNT_COLUMNS.map((_, k) => count(fields[k + 1])) });
  }
  return out;
}

const vmName = (v: string | null | undefined): string | null => (blank(v) ? null : (v as string).slice((v as string).lastIndexOf("/") + 1).trim() || null);

/** The frame with one row per public address, the lab's direction letters and the helper columns. */
export function prepareNtaFlows(df: pl.DataFrame): pl.DataFrame {
  const n = frameHeight(df);
  const none = new Array<null>(n).fill(null);
  const src = textOf(df, ["SrcIp", "SrcIP"]) ?? none;
  const dst = textOf(df, ["DestIp", "DestIP"]) ?? none;
  const srcPublic = textOf(df, ["SrcPublicIps", "SrcPublicIPs"]) ?? none;
  const dstPublic = textOf(df, ["DestPublicIps", "DestPublicIPs"]) ?? none;
  const status = textOf(df, ["FlowStatus"]) ?? none;
  const srcVm = textOf(df, ["SrcVm", "SrcVM"]) ?? none;
  const dstVm = textOf(df, ["DestVm", "DestVM"]) ?? none;

  const rows: number[] = [];
  const srcOut: (string | null)[] = [];
  const dstOut: (string | null)[] = [];
  const entryOut: (PublicEntry | null)[] = [];
  const sharedOut: (number | null)[] = [];
  for (let i = 0; i < n; i += 1) {
    const sp = blank(src[i]) ? publicEntries(srcPublic[i]) : [];
    const dp = blank(dst[i]) ? publicEntries(dstPublic[i]) : [];
    const s = sp.length ? sp : [blank(src[i]) ? null : (src[i] as string).trim()];
    const d = dp.length ? dp : [blank(dst[i]) ? null : (dst[i] as string).trim()];
    const shared = sp.length || dp.length ? s.length * d.length : null;
    // Only one end is public in these flows; were both lists given, every pair is a flow (whose own counts no entry gives).
    for (const a of s) {
      for (const b of d) {
        rows.push(i);
        srcOut.push(typeof a === "string" || a === null ? a : a.ip);
        dstOut.push(typeof b === "string" || b === null ? b : b.ip);
        entryOut.push(sp.length && dp.length ? null : ((a !== null && typeof a === "object" ? a : null) ?? (b !== null && typeof b === "object" ? b : null)));
        sharedOut.push(shared);
      }
    }
  }
  const take = (values: readonly (string | null)[]) => rows.map((r) => values[r]);
  const same = rows.length === n;
  const columns = columnNames(df).map((name) => {
    const s = same ? columnOf(df, name) : columnOf(df, name).gather(rows);
    if (name !== "FlowDirection") return s;
    const letters = (textSeries(s).toArray() as (string | null)[]).map((v) => (v === null ? null : (DIRECTIONS[v.trim().toLowerCase()] ?? null)));
    return pl.Series(name, letters, pl.Utf8);
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const allowedIn = byName.get("AllowedInFlows");
  const allowedOut = byName.get("AllowedOutFlows");
  // The lab's total of allowed flows, which the table does not have.
  const total =
    !byName.has("TotalAllowedFlows") && allowedIn && allowedOut
      ? [pl.DataFrame([allowedIn.rename("a"), allowedOut.rename("b")]).select(pl.col("a").cast(pl.Int64, false).fillNull(pl.lit(0).cast(pl.Int64)).add(pl.col("b").cast(pl.Int64, false).fillNull(pl.lit(0).cast(pl.Int64))).cast(pl.Int64).alias("t")).getColumn("t").rename("TotalAllowedFlows")]
      : [];
  // Each address's own counts, beside the row's (repeated) totals, where the frame has a public IP list.
  const have = new Set(columnNames(df));
  const lists = ["SrcPublicIps", "SrcPublicIPs", "DestPublicIps", "DestPublicIPs"].some((c) => have.has(c));
  const perAddress = lists
    ? [
        ...PUBLIC_IP_COUNT_COLUMNS.filter((c) => !have.has(c)).map((c) => pl.Series(c, entryOut.map((e) => e?.counts[PUBLIC_IP_COUNT_COLUMNS.indexOf(c)] ?? null), pl.Float64).cast(pl.Int64)),
        ...(have.has(PUBLIC_IP_SHARED) ? [] : [pl.Series(PUBLIC_IP_SHARED, sharedOut, pl.Float64).cast(pl.Int64)]),
      ]
    : [];
  return frameOf([
    ...columns,
    ...total,
    ...perAddress,
    pl.Series(NTA_SOURCE, srcOut, pl.Utf8),
    pl.Series(NTA_DESTINATION, dstOut, pl.Utf8),
    pl.Series(NTA_VERDICT, take(status).map((v) => (blank(v) ? null : /^(d|denied)$/i.test((v as string).trim()) ? "denied" : "allowed")), pl.Utf8),
    pl.Series(NTA_SOURCE_VM, take(srcVm).map(vmName), pl.Utf8),
    pl.Series(NTA_DESTINATION_VM, take(dstVm).map(vmName), pl.Utf8),
  ]);
}
