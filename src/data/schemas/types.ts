/**
 * The shapes of the event-schema tables: what a schema needs to be recognised,
 * and how each of the lab's columns is derived from its fields. The tables
 * themselves (logon.ts, network.ts) are plain data; mapping.ts applies them.
 */
import type pl from "nodejs-polars";

/** The kinds of event the lab's cells analyse. */
export type EventKind = "process" | "logon" | "networkFlow" | "fileCreate";

/**
 * How a source value becomes a lab value. Each is applied to a whole column
 * (polars expressions, no per-row JavaScript except on distinct values).
 *
 * - `text`, `int`, `float`: casts (text is trimmed first; what does not convert is null).
 * - `time`: Datetime kept; text parsed (ISO 8601 and the US forms, see timeParsing.ts; a value that is no time, among times, null); numbers are epoch times, their unit
 *   told by their size (seconds ~1.7e9 as Zeek's `ts`, milliseconds ~1.7e12 as OCSF's `time`, then µs, ns).
 * - `cefTime`: `time`, and row by row CEF's `rt` text forms: epoch milliseconds, `MMM dd yyyy HH:mm:ss[.SSS]` (UTC).
 * - `logonType`: Windows logon type as a number: numbers kept, `"3"` → 3, names (`Network`, `RemoteInteractive`…) → their number.
 * - `outcomeEventId`: ECS `event.outcome`: `success` → 4624, `failure` → 4625 (Okta's `outcome.result` `ALLOW`, `DENY` too).
 * - `resultEventId`: Azure AD `ResultType`: 0 → 4624, any other code → 4625.
 * - `outcomeResultType`: ECS `event.outcome`: `success` (or `allow`) → 0, `failure` (or `deny`) → 50126 (Azure AD's "invalid user name or password").
 * - `statusEventId`, `statusResultType`: OCSF `status_id`: 1 (Success) → 4624 / 0, 2 (Failure) → 4625 / 50126, others null.
 * - `ocsfLogonType`: OCSF `logon_type_id`: Windows' numbers (2 Interactive … 13), but 1 is System (Windows' 0); 0 Unknown and 99 Other null.
 * - `interactiveLogonType`: Azure AD `IsInteractive`: true → 2 (Interactive), false → 3 (Network).
 * - `userPart`: `alice@contoso.com` → `alice`, `CONTOSO\alice` → `alice`, `alice` → `alice`.
 * - `fileNamePart`: a path's last part, `C:\Users\x\a.ps1` → `a.ps1`, `/tmp/a.sh` → `a.sh`.
 * - `protocolLetter`: transport name → Azure's letter: `tcp` → `T`, `udp` → `U`; IANA numbers (VPC flow logs, OCSF `protocol_num`)
 *   `6` → `T`, `17` → `U`, `1`/`58` (and Suricata's `IPv6-ICMP`) → `ICMP`, as numbers or zero-padded text (Suricata's `"006"`);
 *   other numbers without their zeros (`"047"` → `47`), other names upper-cased.
 * - `directionLetter`: `outbound`/`egress` → `O`, `inbound`/`ingress` → `I`, anything else null.
 * - `longitudeOfPair`, `latitudeOfPair`: OCSF `location.coordinates`, a GeoJSON `[longitude, latitude]` list (or its JSON
 *   text in a CSV): the first or the second number; one outside ±180 / ±90 degrees, or no pair, null.
 */
export type Conversion =
  | "text"
  | "int"
  | "float"
  | "time"
  | "cefTime"
  | "logonType"
  | "outcomeEventId"
  | "resultEventId"
  | "outcomeResultType"
  | "statusEventId"
  | "statusResultType"
  | "ocsfLogonType"
  | "interactiveLogonType"
  | "userPart"
  | "fileNamePart"
  | "protocolLetter"
  | "directionLetter"
  | "longitudeOfPair"
  | "latitudeOfPair";

/**
 * A field of the source, by name. A dotted name (`source.ip`) is found as a
 * column of that name (flattened exports: CSV from Kibana, Zeek's `id.orig_h`),
 * inside a struct column (nested NDJSON: `source` → `ip`) or inside a JSON text
 * column (Sentinel exports: `LocationDetails` → `geoCoordinates.latitude`).
 */
export type FieldName = string;

/**
 * One lab column from the source: the first of `from` that the frame has and
 * that is not null in a row (a coalesce, in order), converted with `as`; then
 * `fallback` (another rule, for fields that need another conversion) and
 * `otherwise` (a constant) fill what is still null.
 */
export interface FieldRule {
  from: FieldName | readonly FieldName[];
  as?: Conversion;
  /**
   * The rule's values replace a column of the lab's name that the frame has, where they are not null (its own
   * values stay where they are). Without it the frame's own column is kept: Sysmon's `UtcTime` replaces a Windows
   * export's `TimeGenerated`, which a plain Get-WinEvent export writes in the exporting machine's local time
   * while the process ends beside it (`ProcessEndTime`) are `UtcTime`. Default false.
   */
  replaces?: boolean;
  fallback?: FieldRule | AccountRule;
  otherwise?: string | number;
}

/** One lab column that is the same value on every row. */
export interface ConstantRule {
  value: string | number;
}

/** Windows' `DOMAIN\user` from a domain field (when there is one and it is not empty) and a user field. */
export interface AccountRule {
  account: { domain: FieldName | readonly FieldName[]; user: FieldName | readonly FieldName[] };
}

/**
 * The lab's flow columns from the two ends of a connection (network.ts):
 * which end is the local machine (`VMIPAddress`), which the remote one
 * (`AllExtIPs`), the direction (`FlowDirection`) and the flow type. A declared
 * direction (`direction`: `outbound`/`inbound`…, or Zeek's `local_orig`) wins;
 * otherwise a private address is local.
 */
export interface EndpointsRule {
  endpoints: {
    /**
     * The connection's source: the first of the fields with a value in the row (`-` is none). Where that is
     * not the last field's value (VPC's `pkt-srcaddr` beside the NAT gateway interface's `srcaddr`), the
     * declared direction, which is the interface's, is not used: the address ranges decide.
     */
    source: FieldName | readonly FieldName[];
    destination: FieldName | readonly FieldName[];
    /** ECS `network.direction`, VPC flow logs' `flow-direction` (the first of a list that the frame has). */
    direction?: FieldName | readonly FieldName[];
    /** Zeek's `local_orig` (true when the originator is local). */
    localSource?: FieldName;
    /** Zeek's `local_resp` (true when the responder is local): a remote end in `Site::local_nets` is no external address, whatever its range. */
    localDestination?: FieldName;
    /**
     * A direction written as a code, read where `direction` says nothing: OCSF's `connection_info.direction_id`
     * (1 inbound, 2 outbound), CEF's `deviceDirection` (Sentinel's `CommunicationDirection`: 0 inbound, 1
     * outbound), GCP's `reporter` (`DEST`: the destination VM logged it, inbound; `SRC` outbound). Text codes
     * are compared trimmed, in any case.
     */
    directionCode?: { field: FieldName; inbound: number | string; outbound: number | string };
    /**
     * The verdict of the device that logged the flow (OCSF `action`, VPC `action`, CEF `DeviceAction`; ECS
     * spreads it over `event.type`, `event.action` and `event.outcome`, hence a list, every field the frame
     * has read): a flow any of them calls denied (`deny`, `reject`, `drop`, `block`, `failure`…, see
     * endpoints.ts) counts in `DeniedInFlows` or `DeniedOutFlows` instead of the allowed counts.
     */
    action?: FieldName | readonly FieldName[];
    /**
     * Verdicts written as numbers, read beside the `action` fields: OCSF's `action_id` (2 Denied) and
     * `disposition_id` (2 Blocked, 6 Dropped…): their captions are optional, the ids recommended, so exports
     * may carry the ids alone. A row is denied when one of them lists its value.
     */
    actionCode?: VerdictCode | readonly VerdictCode[];
    /**
     * Each end's own name (OCSF's `src_endpoint.instance_uid` / `dst_endpoint.instance_uid`, the cloud
     * instance behind the address): the local end's, as a column {@link LOCAL_NAME_COLUMN} that a later
     * rule may read (`VMName`) and that is not kept in the result.
     */
    names?: { source: FieldName | readonly FieldName[]; destination: FieldName | readonly FieldName[] };
  };
}

/** A numeric verdict field and its values that mean the flow was stopped. */
export interface VerdictCode {
  field: FieldName;
  denied: readonly number[];
}

/**
 * The column an endpoints rule's `names` make: the local end's name. Added columns named with this prefix
 * are helpers of later rules, dropped from the result.
 */
export const HELPER_PREFIX = "__hl_";
export const LOCAL_NAME_COLUMN = `${HELPER_PREFIX}local_name`;

/** How one lab column is made. */
export type ColumnRule = FieldRule | ConstantRule | AccountRule | EndpointsRule;

/** The type a lab column must have for the lab's cells (a same-named column of another type is converted). */
export type LabType = "text" | "int" | "float" | "time" | "any";

/** One column of a lab layout. */
export interface LabColumn {
  name: string;
  type: LabType;
  /** What the lab's cells use it for (docs). */
  doc: string;
}

/** A set of columns the lab's cells read together (the lab's host logons, its Azure AD sign-ins…). */
export interface LabLayout {
  name: string;
  /** The lab's data file in this layout, for docs. */
  labFile: string;
  columns: readonly LabColumn[];
}

/**
 * Which rows of a file are the schema's events, by one field's value (compared as trimmed, lower-case
 * text): `keep` lists the values kept, `drop` the values dropped. A row without the field is kept (it
 * cannot be told apart), unless `required` (a firewall's system events have no address: no flow).
 * OCSF files may mix event classes, a Suricata EVE log mixes alerts, DNS and flows: each kind takes
 * its own rows.
 */
export interface RowFilter {
  field: FieldName;
  keep?: readonly (string | number)[];
  drop?: readonly (string | number)[];
  /** Rows whose field is null or blank are dropped too. Default false. */
  required?: boolean;
}

/**
 * Rows told apart by several fields at once (a CEF device's traffic records from its threat logs): each
 * distinct combination of the fields' values is tested once. The left-out rows are told in a warning.
 */
export interface RowTest {
  /** The fields read, in this order, as trimmed text (null where the frame lacks one or a row has none). */
  fields: readonly FieldName[];
  /** True for the rows that are the schema's events. */
  keep: (values: readonly (string | null)[]) => boolean;
  /** What kind a left-out row is, for the warning (`Palo Alto Networks PAN-OS THREAT`). */
  label: (values: readonly (string | null)[]) => string;
  /** What the left-out rows are, in the warning's words. */
  what: string;
}

/** How a layout's several events of one connection are told (connections.ts): flows only. */
export interface ConnectionRule {
  /** The connection's id (OCSF `connection_info.uid`): events sharing one are one connection. */
  uid: FieldName;
  /** The event's activity (OCSF `activity_id`: 1 Open, 6 Traffic, 2 Close…), for events without an id. */
  activity: FieldName;
  /** The 5-tuple of events without an id, source and destination address and port and the protocol (lab columns may be named). */
  tuple: readonly FieldName[];
}

/** A known schema of one kind of event: how to recognise it and how to derive the lab's columns from it. */
export interface EventSchema {
  /** Short id (`ecs-authentication`), for options and docs. */
  id: string;
  /** Name for messages and docs (`Elastic ECS authentication`). */
  name: string;
  kind: EventKind;
  /** One sentence: where such exports come from. */
  description: string;
  /** Fields that must all be present for the schema to be chosen. */
  requires: readonly FieldName[];
  /** Groups of fields of which at least one each must be present too (OCSF's `time` or `time_dt`); a missing group is named by its first field. */
  requiresOneOf?: readonly (readonly FieldName[])[];
  /** Fields that make the match more certain when present (ties go to the schema with more). */
  hints?: readonly FieldName[];
  /** The rows that are this kind's events (every row when not given); the others are dropped before the mapping. */
  rows?: readonly RowFilter[];
  /** A test of several fields at once, after `rows`: the rows it does not keep are dropped, with a warning. */
  rowTest?: RowTest;
  /**
   * Lab column → how it is made. A column the frame already has is kept as it
   * is (converted in place only when its type is not the lab's).
   */
  columns: Readonly<Record<string, ColumnRule>>;
  /** When set, a connection's several events (open, traffic, close) are one flow (connections.ts). */
  connections?: ConnectionRule;
  /** Rewrites the schema's rows before the column rules (NTANetAnalytics: one row per public address, ntaFlows.ts). */
  prepare?: (df: pl.DataFrame) => pl.DataFrame;
}
