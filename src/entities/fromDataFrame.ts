/** DataFrame → entities helpers: one `Ip` (with its `GeoLocation`) per row in one call. */
import type { DataFrame } from "nodejs-polars";
import { findUnknownOption, unknownOptionText } from "../common/errors";
import { setOwnProperty } from "../common/json";
import { EntityParseError } from "./entity";
import { entitiesMessages as msg } from "./messages";
import { columnNames, frameRecords, isDataFrame } from "../common/frames";
import { HOST_IP_COLUMNS, ipSeries, jsonTextKeys, pickIpColumn, SCHEMA_IP_COLUMNS } from "../common/ipColumns";
import { notAFrameText } from "../common/notAFrame";
import { decimalNumber } from "../common/decimal";
import { GeoLocation, Ip } from "./types";

/** Options of {@link ipsFromDataFrame}. */
export interface IpsFromDataFrameOptions {
  /**
   * Column holding the IP address (a struct column's field as `source.ip`; a field of JSON text in a text column as
   * `AdditionalFields.SourceIP` or `Entities.Address`, the first element with it in a list). Default: the first of `IPAddress`,
   * `IpAddress`, `ClientIP`, `SourceIP`, `Address` present, else the one event-schema address column present
   * (ECS `source.ip`, `destination.ip`, `client.ip`, `server.ip`; Zeek `id.orig_h`, `id.resp_h`; Defender `RemoteIP`,
   * `LocalIP`; ASIM, CIM, VPC flow and CEF names: docs/api.md), else ECS `host.ip`; two of them are refused, naming both.
   */
  ipColumn?: string;
  /** Latitude column. Default `"Latitude"` when present (case-insensitive). */
  latitudeColumn?: string;
  /** Longitude column. Default `"Longitude"` when present (case-insensitive). */
  longitudeColumn?: string;
  /** Country code column for the location. Default none. */
  countryCodeColumn?: string;
  /** State/region column for the location. Default none. */
  stateColumn?: string;
  /** City column for the location. Default none. */
  cityColumn?: string;
  /** Extra columns copied into each Ip's `AdditionalData` (shown in map popups). Default none. */
  additionalColumns?: string[];
  /** Where the coordinates came from, recorded as `GeoLocation.Source`. Default `"data"`. */
  source?: string;
}

const IP_COLUMNS = ["IPAddress", "IpAddress", "ClientIP", "SourceIP", "Address"];

function findColumn(columns: string[], name: string): string | undefined {
  return columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase());
}

/** Every name looked for when no ipColumn is given, in order. */
const ALL_IP_COLUMNS = [...IP_COLUMNS, ...SCHEMA_IP_COLUMNS, ...HOST_IP_COLUMNS];

function requireColumn(columns: string[], name: string, option: string): string {
  const found = findColumn(columns, name);
  if (!found) throw new EntityParseError(msg.columnMissing(option, name, columns));
  return found;
}

function toText(value: unknown): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : String(value);
}

const IPS_OPTIONS: readonly (keyof IpsFromDataFrameOptions)[] = ["ipColumn", "latitudeColumn", "longitudeColumn", "countryCodeColumn", "stateColumn", "cityColumn", "additionalColumns", "source"];

/**
 * One `Ip` per row: `Address` from the IP column and, when the row has finite
 * coordinates, a `GeoLocation` with them — what the MSTICPy lab's `format_ips`
 * does with `apply`. Rows keep their order (duplicates included: each row is a
 * sign-in), so the result lines up with the DataFrame.
 */
export function ipsFromDataFrame(df: DataFrame, options: IpsFromDataFrameOptions = {}): Ip[] {
  // A query not awaited read as a frame without columns: "no IP address column … Columns: " (undefined: a TypeError).
  if (!isDataFrame(df)) throw new EntityParseError(msg.ipsInput(notAFrameText(df)));
  // A misspelt option (`ipcolumn`, MSTICPy's `ip_col`) used the default column without a word.
  const unknown = findUnknownOption(options, IPS_OPTIONS);
  if (unknown) throw new EntityParseError(msg.invalidOption(unknownOptionText("ipsFromDataFrame", unknown, IPS_OPTIONS)));
  if (options.additionalColumns !== undefined && (!Array.isArray(options.additionalColumns) || options.additionalColumns.some((c) => typeof c !== "string"))) {
    throw new EntityParseError(msg.invalidOption(`ipsFromDataFrame: option additionalColumns must be a list of column names (["UserPrincipalName"]), not ${JSON.stringify(options.additionalColumns)}.`));
  }
  // Column names come from the data: read past polars' column proxy (see common/frames.ts).
  const columns = columnNames(df);
  let ipColumn: string;
  if (options.ipColumn !== undefined) {
    // A field of a struct column (`source.ip` in nested ECS) is named as ECS writes it.
    const nested = !findColumn(columns, options.ipColumn) && ipSeries(df, options.ipColumn) !== undefined;
    // A field of JSON text no row holds: say so, with the keys its rows have (a misspelt `AdditionalFields.SrcIP`).
    const json = !nested && !findColumn(columns, options.ipColumn) && options.ipColumn.includes(".") ? jsonTextKeys(df, options.ipColumn) : undefined;
    if (json) throw new EntityParseError(msg.jsonFieldMissing(options.ipColumn, json.column, json.keys));
    ipColumn = nested ? options.ipColumn : requireColumn(columns, options.ipColumn, "ipColumn");
  } else {
    const picked = pickIpColumn(df, IP_COLUMNS);
    if (picked.ambiguous) throw new EntityParseError(msg.ipColumnAmbiguous(picked.ambiguous, columns));
    if (picked.column === undefined) throw new EntityParseError(msg.noIpColumn(ALL_IP_COLUMNS, columns));
    ipColumn = picked.column;
  }
  const lat = options.latitudeColumn ? requireColumn(columns, options.latitudeColumn, "latitudeColumn") : findColumn(columns, "Latitude");
  const lon = options.longitudeColumn ? requireColumn(columns, options.longitudeColumn, "longitudeColumn") : findColumn(columns, "Longitude");
  const country = options.countryCodeColumn ? requireColumn(columns, options.countryCodeColumn, "countryCodeColumn") : undefined;
  const state = options.stateColumn ? requireColumn(columns, options.stateColumn, "stateColumn") : undefined;
  const city = options.cityColumn ? requireColumn(columns, options.cityColumn, "cityColumn") : undefined;
  const extra = (options.additionalColumns ?? []).map((c) => requireColumn(columns, c, "additionalColumns"));
  const wanted = [...new Set([lat, lon, country, state, city, ...extra].filter((c): c is string => c !== undefined))];
  const addresses = (ipSeries(df, ipColumn)?.toArray() ?? []) as unknown[];
  const records = wanted.length ? frameRecords(df, { columns: wanted }) : addresses.map(() => ({}) as Record<string, unknown>);
  const source = options.source ?? "data";
  return records.map((r, i) => {
    // ECS writes host.ip as a list of the host's addresses: its first is the row's.
    const cell = Array.isArray(addresses[i]) ? (addresses[i] as unknown[]).find((a) => toText(a) !== undefined) : addresses[i];
    const ip = new Ip({ Address: toText(cell) });
    const latitude = lat ? decimalNumber(r[lat]) : undefined;
    const longitude = lon ? decimalNumber(r[lon]) : undefined;
    if (latitude !== undefined && longitude !== undefined) {
      ip.Location = new GeoLocation({
        Latitude: latitude,
        Longitude: longitude,
        CountryCode: country ? toText(r[country]) : undefined,
        State: state ? toText(r[state]) : undefined,
        City: city ? toText(r[city]) : undefined,
        Source: source,
      });
    }
    // Own properties: a column named __proto__ is data, not the object's prototype.
    for (const c of extra) setOwnProperty(ip.AdditionalData, c, r[c] instanceof Date ? (r[c] as Date).toISOString() : r[c]);
    return ip;
  });
}
