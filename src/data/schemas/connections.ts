/**
 * One flow per connection, for layouts whose exporters write a connection as several events: OCSF
 * Network Activity has an Open (activity 1), Traffic reports (6) and a Close (2), and an exporter may
 * write all of them. The lab counts flows (`AllowedOutFlows`…): each event counted would make one
 * connection two or three flows.
 *
 * The rule (docs/schemas.md says the same):
 * - Events with the same connection id (`connection_info.uid`) are one connection, whatever their activity.
 * - Events without one are told apart by their 5-tuple (source address and port, destination address and
 *   port, protocol): an Open starts a connection; Traffic and other events of that 5-tuple after it join it,
 *   up to and including the event that ends it (Close, Reset, Fail, Refuse). An event with no Open before it
 *   is a connection of its own, as before: a 5-tuple that recurs (an NTP client's fixed port 123) is never
 *   merged across connections the export did not open. Events that lack a part of the 5-tuple count alone.
 *
 * The connection's row is its last event (by `TimeGenerated`; on a tie, the Close after a Traffic report
 * after the Open, then the later in the file), with `FlowStartTime` the earliest and `FlowEndTime` the
 * latest of its events; it is denied when any of its events was.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf } from "../../common/frames";
import { convert } from "./convert";
import { fieldSeries } from "./fields";
import type { ConnectionRule } from "./types";

/** The rows of `mapped` (a frame with the lab's flow columns) with each connection's events made one. */
export function oneFlowPerConnection(mapped: pl.DataFrame, rule: ConnectionRule): pl.DataFrame {
  const n = frameHeight(mapped);
  if (n < 2) return mapped;
  const text = (field: string) => {
    const s = fieldSeries(mapped, field);
    return s ? (convert(s, "text", "t").toArray() as (string | null)[]) : undefined;
  };
  const has = (v: string | null | undefined): v is string => v !== null && v !== undefined && v.trim() !== "" && v.trim() !== "-";
  const uids = text(rule.uid);
  const activities = text(rule.activity);
  // Nothing to join without ids or Open events (a Security Lake VPC flow export): the frame as it is.
  if (!uids?.some(has) && !activities?.some((a) => activityKind(a) === "open")) return mapped;
  const tupleParts = rule.tuple.map(text);
  const times = numbers(mapped, "TimeGenerated");

  // Group ids: rows of one connection share one. -1: not yet grouped.
  const group = new Array<number>(n).fill(-1);
  let next = 0;
  const byUid = new Map<string, number>();
  const byTuple = new Map<string, number[]>();
  for (let i = 0; i < n; i += 1) {
    const uid = uids?.[i];
    if (has(uid)) {
      let g = byUid.get(uid.trim());
      if (g === undefined) byUid.set(uid.trim(), (g = next++));
      group[i] = g;
      continue;
    }
    const parts = tupleParts.map((p) => p?.[i]);
    if (parts.every(has)) {
      const key = JSON.stringify(parts.map((p) => p.trim().toLowerCase()));
      const rows = byTuple.get(key);
      if (rows) rows.push(i);
      else byTuple.set(key, [i]);
      continue;
    }
    group[i] = next++;
  }
  const rank = (i: number) => activityRank(activities?.[i]);
  const order = (a: number, b: number) => (times[a] ?? -Infinity) - (times[b] ?? -Infinity) || rank(a) - rank(b) || a - b;
  for (const rows of byTuple.values()) {
    rows.sort(order);
    let open = -1;
    for (const i of rows) {
      const kind = activityKind(activities?.[i]);
      if (kind === "open") open = group[i] = next++;
      else if (open >= 0) {
        group[i] = open;
        if (kind === "end") open = -1;
      } else group[i] = next++;
    }
  }
  if (next === n) return mapped;

  // Each group's last event (kept), earliest start and latest end, and whether any event was denied.
  const last = new Array<number>(next).fill(-1);
  const first = new Array<number>(next).fill(-1);
  const lastEnd = new Array<number>(next).fill(-1);
  const starts = numbers(mapped, "FlowStartTime");
  const ends = numbers(mapped, "FlowEndTime");
  const denied = new Array<boolean>(next).fill(false);
  const deniedIn = numbers(mapped, "DeniedInFlows");
  const deniedOut = numbers(mapped, "DeniedOutFlows");
  const earlier = (a: number | null, b: number | null) => a !== null && (b === null || a < b);
  for (let i = 0; i < n; i += 1) {
    const g = group[i];
    if (last[g] < 0 || order(i, last[g]) >= 0) last[g] = i;
    if (first[g] < 0 || earlier(starts[i], starts[first[g]])) first[g] = i;
    if (lastEnd[g] < 0 || earlier(ends[lastEnd[g]], ends[i])) lastEnd[g] = i;
    if ((deniedIn[i] ?? 0) > 0 || (deniedOut[i] ?? 0) > 0) denied[g] = true;
  }
  const kept = last.slice().sort((a, b) => a - b);
  const groupOfKept = kept.map((i) => group[i]);
  const directions = hasCol(mapped, "FlowDirection") ? (columnOf(mapped, "FlowDirection").toArray() as (string | null)[]) : [];
  const counts = (fn: (d: string | null, deny: boolean) => number) => kept.map((i, k) => fn(directions[i] ?? null, denied[groupOfKept[k]]));
  const replaced = new Map<string, pl.Series>([
    ["FlowStartTime", gathered(mapped, "FlowStartTime", groupOfKept.map((g) => first[g]))],
    ["FlowEndTime", gathered(mapped, "FlowEndTime", groupOfKept.map((g) => lastEnd[g]))],
    ["AllowedOutFlows", pl.Series("AllowedOutFlows", counts((d, deny) => (d === "O" && !deny ? 1 : 0)), pl.Int64)],
    ["AllowedInFlows", pl.Series("AllowedInFlows", counts((d, deny) => (d === "I" && !deny ? 1 : 0)), pl.Int64)],
    ["DeniedInFlows", pl.Series("DeniedInFlows", counts((d, deny) => (d === "I" && deny ? 1 : 0)), pl.Int64)],
    ["DeniedOutFlows", pl.Series("DeniedOutFlows", counts((d, deny) => (d === "O" && deny ? 1 : 0)), pl.Int64)],
    ["TotalAllowedFlows", pl.Series("TotalAllowedFlows", counts((_, deny) => (deny ? 0 : 1)), pl.Int64)],
  ]);
  return frameOf(columnNames(mapped).map((name) => (replaced.has(name) && hasCol(mapped, name) ? (replaced.get(name) as pl.Series) : columnOf(mapped, name).gather(kept))));
}

const hasCol = (df: pl.DataFrame, name: string) => columnNames(df).includes(name);

function gathered(df: pl.DataFrame, name: string, rows: number[]): pl.Series {
  return hasCol(df, name) ? columnOf(df, name).gather(rows) : pl.Series(name, []);
}

/** A column's values as numbers (times as their epoch count), null where null; all null when absent. */
function numbers(df: pl.DataFrame, name: string): (number | null)[] {
  if (!hasCol(df, name)) return new Array(frameHeight(df)).fill(null);
  const s = columnOf(df, name);
  try {
    return (s.cast(pl.Float64, false).toArray() as (number | null)[]).map((v) => (v === null || Number.isNaN(v) ? null : v));
  } catch {
    return new Array(frameHeight(df)).fill(null);
  }
}

/** OCSF Network Activity's activity_id: 1 Open, 6 Traffic, 2 Close, 3 Reset, 4 Fail, 5 Refuse (captions too). */
function activityKind(value: string | null | undefined): "open" | "end" | "other" {
  // A whole float (`1.0`, pandas' nullable integers in Parquet) is its integer.
  const v = value?.trim().toLowerCase().replace(/^(\d+)\.0+$/, "$1");
  if (v === "1" || v === "open") return "open";
  if (v === "2" || v === "3" || v === "4" || v === "5" || v === "close" || v === "reset" || v === "fail" || v === "refuse") return "end";
  return "other";
}

/** Order of a connection's events at one instant: the Open, then reports, then its end. */
function activityRank(value: string | null | undefined): number {
  const kind = activityKind(value);
  return kind === "open" ? 0 : kind === "other" ? 1 : 2;
}
