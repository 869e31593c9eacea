/**
 * Which column of a frame holds "the" IP address, for functions that take a frame of addresses without being told
 * (ipsFromDataFrame, geoLookup). A frame with one address per row names it `IPAddress`, `ClientIP`… (Sentinel,
 * MSTICPy); event schemas name each end of a connection (ECS `source.ip`/`destination.ip`, Zeek `id.orig_h`/
 * `id.resp_h`, Defender `LocalIP`/`RemoteIP`), and which end is wanted is the user's choice: one such column present
 * is the address, two are refused naming both.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf } from "./frames";
import { jsonDeeperThan } from "./json";

/**
 * The address columns of event schemas (one per end of a connection), as the schemas in src/data/schemas read them:
 * ECS, Zeek conn.log, Defender Device*Events, ASIM (`SrcIpAddr`), Splunk CIM and Suricata EVE (`src_ip`), AWS VPC flow
 * logs (`srcaddr`), CEF (`DestinationIP`; its `SourceIP` is among the one-address names).
 */
export const SCHEMA_IP_COLUMNS: readonly string[] = [
  "source.ip", "destination.ip", "client.ip", "server.ip",
  "id.orig_h", "id.resp_h",
  "RemoteIP", "LocalIP",
  "SrcIpAddr", "DstIpAddr",
  "src_ip", "dest_ip",
  "srcaddr", "dstaddr",
  "DestinationIP",
];

/**
 * ECS's reporting host's own addresses: the address when it is the only one, as in a host inventory; beside an
 * event's source or destination it is the machine that logged it, not a party (Winlogbeat logons have both).
 */
export const HOST_IP_COLUMNS: readonly string[] = ["host.ip"];

/** What {@link pickIpColumn} found: the column, or the schema columns that make the frame ambiguous. */
export type IpColumnPick = { column: string; ambiguous?: undefined } | { column?: undefined; ambiguous: string[] } | { column?: undefined; ambiguous?: undefined };

/** A field's name in the frame: the column (exact, else in any case), or a struct column's field as `head.field`. */
function findField(df: pl.DataFrame, columns: readonly string[], name: string): string | undefined {
  const flat = columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase());
  // Nested NDJSON (ECS as Elastic and Beats write it): a struct column `source` with a field `ip`.
  return flat ?? (name.includes(".") && ipSeries(df, name) ? name : undefined);
}

/**
 * The IP column: the first of `oneAddress` present (the caller's list, as before), else the one schema address
 * column present (several are `ambiguous`), else `host.ip`.
 */
export function pickIpColumn(df: pl.DataFrame, oneAddress: readonly string[]): IpColumnPick {
  const columns = columnNames(df);
  for (const name of oneAddress) {
    const found = findField(df, columns, name);
    if (found !== undefined) return { column: found };
  }
  for (const tier of [SCHEMA_IP_COLUMNS, HOST_IP_COLUMNS]) {
    const present = [...new Set(tier.map((name) => findField(df, columns, name)).filter((c): c is string => c !== undefined))];
    if (present.length === 1) return { column: present[0] };
    if (present.length) return { ambiguous: present };
  }
  return {};
}

/**
 * The values of an IP column {@link pickIpColumn} or the user named: a column, a struct column's field, or a field
 * of JSON text in a text column (a CSV export's `AdditionalFields`, `Entities`, or ECS `source` written as JSON).
 */
export function ipSeries(df: pl.DataFrame, name: string): pl.Series | undefined {
  const columns = columnNames(df);
  if (columns.includes(name)) return columnOf(df, name);
  const parts = name.split(".");
  for (let cut = parts.length - 1; cut >= 1; cut -= 1) {
    const head = parts.slice(0, cut).join(".");
    if (!columns.includes(head)) continue;
    let current: pl.Series | undefined = columnOf(df, head);
    for (const part of parts.slice(cut)) {
      const fields = current.dtype.variant === "Struct" ? ((current.dtype as unknown as { inner?: { name: string }[] }).inner ?? []) : [];
      if (!fields.some((f) => f.name === part)) {
        current = undefined;
        break;
      }
      current = current.struct.field(part);
    }
    if (current) return current.rename(name);
    const text = columnOf(df, head);
    if (text.dtype.variant === "String") {
      const found = jsonTextField(text.toArray() as (string | null)[], parts.slice(cut));
      if (found) return pl.Series(name, found, pl.String);
    }
  }
  return undefined;
}

/** JSON text cells longer than this (characters) or nested deeper are not parsed: their row has no address. */
export const JSON_CELL_MAX_CHARS = 1 << 20;
export const JSON_CELL_MAX_DEPTH = 64;
/** Elements of a JSON array looked through for the field (an alert's `Entities` list). */
const JSON_ARRAY_MAX_ITEMS = 1000;

/** A cell's JSON object or array; undefined when it is no text, no JSON object or array, longer than {@link JSON_CELL_MAX_CHARS} or nested deeper than {@link JSON_CELL_MAX_DEPTH}. */
function jsonCell(cell: unknown): unknown {
  if (typeof cell !== "string" || cell.length > JSON_CELL_MAX_CHARS || !/^\s*[[{]/.test(cell)) return undefined;
  try {
    return jsonDeeperThan(cell, JSON_CELL_MAX_DEPTH) ? undefined : (JSON.parse(cell) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The field at `path` in each cell's JSON text, as text; undefined when no cell has it (so the column is not an
 * address column). Cells that are not JSON objects or arrays, too long or too deep, or invalid give null: one bad
 * row never fails the frame. In an array (Sentinel's `Entities`) the first element with the field is the row's, as
 * the first of ECS's `host.ip` list is.
 */
function jsonTextField(cells: readonly (string | null)[], path: readonly string[]): (string | null)[] | undefined {
  let any = false;
  const values = cells.map((cell) => {
    const parsed = jsonCell(cell);
    if (parsed === undefined) return null;
    const value = fieldAt(parsed, path);
    if (value !== undefined) any = true;
    return value ?? null;
  });
  return any ? values : undefined;
}

/**
 * The text or number at `path` in a parsed JSON value. A key may itself hold dots (`{"source.ip": …}` as flattened
 * exports write it): the longest key that matches is tried first. A list's first address-like element is taken.
 */
function fieldAt(value: unknown, path: readonly string[]): string | undefined {
  if (path.length === 0) {
    if (typeof value === "string") return value === "" ? undefined : value;
    if (typeof value === "number") return String(value);
    if (Array.isArray(value)) return value.slice(0, JSON_ARRAY_MAX_ITEMS).map((v) => fieldAt(v, path)).find((v) => v !== undefined);
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value.slice(0, JSON_ARRAY_MAX_ITEMS)) {
      const found = fieldAt(item, path);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (let take = path.length; take >= 1; take -= 1) {
    const key = path.slice(0, take).join(".");
    if (!Object.hasOwn(value, key)) continue;
    const found = fieldAt((value as Record<string, unknown>)[key], path.slice(take));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * For a message when a dotted name finds nothing: the text column `name` starts with (`AdditionalFields` of
 * `AdditionalFields.DestIP`) when its cells hold JSON, and the keys of its first 100 JSON cells (a list's elements'
 * keys), at most 20; undefined when no prefix of `name` is such a column.
 */
export function jsonTextKeys(df: pl.DataFrame, name: string): { column: string; keys: string[] } | undefined {
  const columns = columnNames(df);
  const parts = name.split(".");
  for (let cut = parts.length - 1; cut >= 1; cut -= 1) {
    const head = parts.slice(0, cut).join(".");
    if (!columns.includes(head)) continue;
    const series = columnOf(df, head);
    if (series.dtype.variant !== "String") continue;
    const keys = new Set<string>();
    let json = false;
    for (const cell of series.head(100).toArray() as (string | null)[]) {
      const parsed = jsonCell(cell);
      if (parsed === undefined) continue;
      json = true;
      for (const item of Array.isArray(parsed) ? parsed.slice(0, JSON_ARRAY_MAX_ITEMS) : [parsed]) {
        if (typeof item === "object" && item !== null && !Array.isArray(item)) for (const k of Object.keys(item)) if (keys.size < 20) keys.add(k);
      }
    }
    if (json) return { column: head, keys: [...keys] };
  }
  return undefined;
}
