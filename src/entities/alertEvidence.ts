/**
 * Microsoft Defender XDR's `AlertEvidence` rows (advanced hunting: one row per
 * piece of evidence of an alert) as entities. A Sentinel `SecurityAlert` row
 * carries its entities as `Entities` JSON; an evidence row is one entity,
 * spread over columns (`EntityType`, `RemoteIP`, `AccountName`, `DeviceName`,
 * `FileName`, `FolderPath`, `SHA256`…). The row is turned into the JSON of a
 * Sentinel entity and parsed like one, so its entity keys match the same
 * host, account or file named by Sentinel alerts. Its `AlertId` ties it to the
 * alert (see `SecurityAlert.id`).
 *
 * MSTICPy has no such mapping: its `SecurityAlert` reads only an `Entities`
 * column, so these rows gave alerts without entities.
 */
import { entityFromObject, checkJsonDepth, type EntityParseOptions } from "./parse";
import { schemaKey, type Entity, type EntitySource } from "./entity";
import { schemaOf } from "./types";
import { stringifyExact, parseJsonIntegersAsText } from "../common/json";

type Json = Record<string, unknown>;

/** The trimmed text of a cell, or undefined for null, blank and non-text-like values. */
function cell(row: Json, column: string): string | undefined {
  const value = row[column];
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t;
}

/** An object without the keys whose value is undefined. */
function defined(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * `AdditionalFields` as an object: Defender writes the evidence's own entity
 * JSON there (`ProcessId`, `OSFamily`, `UPNSuffix`…; keys in any case). Not JSON, or too deep:
 * undefined (the text is still kept on the entity).
 */
function additionalFields(value: unknown): Json | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Json;
  if (typeof value !== "string" || !value.trim().startsWith("{")) return undefined;
  try {
    checkJsonDepth(value, (detail) => new Error(detail));
    const parsed: unknown = parseJsonIntegersAsText(value);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON text of a cell that a reader gave as an object (a polars struct; 64-bit integers exact); its text when it cannot be written. */
function jsonText(value: object): string {
  try {
    return stringifyExact(value);
  } catch {
    return String(value);
  }
}

/** The device as a host entity: `DeviceName` is an FQDN (`ws01.contoso.com`), cut into host name and domain like Sentinel's host entities. */
function hostJson(row: Json): Json | undefined {
  const name = cell(row, "DeviceName");
  const deviceId = cell(row, "DeviceId");
  if (name === undefined && deviceId === undefined) return undefined;
  // An address or a bare name stays whole.
  const dot = name !== undefined && !/^[\d.]+$/.test(name) && !name.includes(":") ? name.indexOf(".") : -1;
  return defined({
    Type: "host",
    HostName: dot > 0 ? name!.slice(0, dot) : name,
    DnsDomain: dot > 0 ? name!.slice(dot + 1) : undefined,
    DeviceId: deviceId,
  });
}

/** The account columns as an account entity (`AccountUpn`'s suffix as `UPNSuffix`). */
function accountJson(row: Json): Json | undefined {
  const upn = cell(row, "AccountUpn");
  const at = upn?.lastIndexOf("@") ?? -1;
  const name = cell(row, "AccountName") ?? (at > 0 ? upn!.slice(0, at) : upn);
  const sid = cell(row, "AccountSid");
  const objectId = cell(row, "AccountObjectId");
  if (name === undefined && sid === undefined && objectId === undefined) return undefined;
  return defined({
    Type: "account",
    Name: name,
    NTDomain: cell(row, "AccountDomain"),
    UPNSuffix: at > 0 ? upn!.slice(at + 1) : undefined,
    Sid: sid,
    AadUserId: objectId,
  });
}

/**
 * The file columns as a file entity. `FolderPath` is the folder in some rows
 * and the whole path (ending in `FileName`) in others: both give the same
 * Directory and Name.
 */
function fileJson(row: Json, withHost: boolean): Json | undefined {
  const name = cell(row, "FileName");
  let folder = cell(row, "FolderPath");
  if (folder !== undefined && name !== undefined) {
    const tail = folder.slice(-(name.length + 1));
    if (folder.toLowerCase() === name.toLowerCase()) folder = undefined;
    else if (/^[\\/]/.test(tail) && tail.slice(1).toLowerCase() === name.toLowerCase()) folder = folder.slice(0, -(name.length + 1));
  }
  const sha1 = cell(row, "SHA1");
  const sha256 = cell(row, "SHA256");
  if (name === undefined && folder === undefined && sha1 === undefined && sha256 === undefined) return undefined;
  const host = withHost ? hostJson(row) : undefined;
  return defined({
    Type: "file",
    ...(name === undefined && folder !== undefined ? { FullPath: folder } : { Name: name, Directory: folder }),
    Sha1: sha1,
    Sha256: sha256,
    Host: host,
  });
}

/** Entity JSON of one evidence row by its `EntityType` (Defender's names, any case), before `AdditionalFields` fill the gaps. */
function evidenceJson(type: string, row: Json): Json {
  switch (type.toLowerCase().replace(/[\s_-]/g, "")) {
    case "ip":
    case "ipaddress":
      return defined({ Type: "ip", Address: cell(row, "RemoteIP") ?? cell(row, "LocalIP") });
    case "url":
      return defined({ Type: "url", Url: cell(row, "RemoteUrl") });
    case "user":
    case "account":
      return accountJson(row) ?? { Type: "account" };
    case "machine":
    case "device":
    case "host":
      return hostJson(row) ?? { Type: "host" };
    case "file":
      return fileJson(row, true) ?? { Type: "file" };
    case "process":
      return defined({
        Type: "process",
        CommandLine: cell(row, "ProcessCommandLine"),
        ImageFile: fileJson(row, false),
        Account: accountJson(row),
        Host: hostJson(row),
      });
    case "malware":
      return defined({ Type: "malware", Name: cell(row, "ThreatFamily"), File: fileJson(row, true) });
    case "mailmessage":
      return defined({ Type: "mailmessage", NetworkMessageId: cell(row, "NetworkMessageId"), Subject: cell(row, "EmailSubject") });
    case "mailbox":
      return defined({ Type: "mailbox", MailboxPrimaryAddress: cell(row, "AccountUpn"), DisplayName: cell(row, "AccountName") });
    case "registrykey":
      return defined({ Type: "registry-key", Name: cell(row, "RegistryKey") });
    case "registryvalue": {
      const key = cell(row, "RegistryKey");
      const value = cell(row, "RegistryValueName");
      return defined({ Type: "registry-value", Name: key && value ? `${key}\\${value}` : key ?? value, Key: key, ValueName: value, Value: cell(row, "RegistryValueData") });
    }
    case "cloudapplication":
      return defined({ Type: "cloud-application", Name: cell(row, "Application"), AppId: cell(row, "ApplicationId") });
    default:
      // A type huntlab has no mapping for: every evidence column that is set, so nothing is lost.
      return defined(Object.fromEntries(EVIDENCE_COLUMNS.map((c) => [c, cell(row, c)])));
  }
}

/** The evidence columns of AlertEvidence (the alert's own columns, Timestamp, AlertId, Title…, are not the entity's). */
const EVIDENCE_COLUMNS = [
  "RemoteIP",
  "LocalIP",
  "RemoteUrl",
  "AccountName",
  "AccountDomain",
  "AccountSid",
  "AccountObjectId",
  "AccountUpn",
  "DeviceId",
  "DeviceName",
  "FileName",
  "FolderPath",
  "SHA1",
  "SHA256",
  "ThreatFamily",
  "ProcessCommandLine",
  "RegistryKey",
  "RegistryValueName",
  "RegistryValueData",
  "NetworkMessageId",
  "EmailSubject",
  "Application",
  "ApplicationId",
  "OAuthApplicationId",
];

/** True for a row of Defender XDR's AlertEvidence (an `EntityType` column, no Sentinel `Entities`). */
export function isEvidenceRow(row: Json): boolean {
  return typeof row.EntityType === "string" && row.EntityType.trim() !== "" && (row.Entities === undefined || row.Entities === null || row.Entities === "");
}

/**
 * The entity of one AlertEvidence row: its type from `EntityType`, its
 * identity from the evidence columns, the gaps (a process id, an OS family)
 * from `AdditionalFields` where those name properties of the type, and
 * `EvidenceRole`, `EvidenceDirection` and `AdditionalFields` (as written) in
 * `AdditionalData`.
 */
export function evidenceEntity(row: Json, options: EntityParseOptions = {}): Entity {
  const type = String(row.EntityType).trim();
  const json: EntitySource = evidenceJson(type, row);
  const extra = additionalFields(row.AdditionalFields);
  const schema = schemaOf(String(json.Type ?? type)) ?? {};
  if (extra) {
    for (const [key, value] of Object.entries(extra)) {
      // Plain values only: nested objects there are `$ref`s into a document this row does not have.
      if (value === null || typeof value === "object") continue;
      // A known property in another case (`processId`, as Defender's API writes evidence) is that property, as in
      // entity JSON; the columns' values, then the schema's spelling, win.
      const known = schemaKey(schema, key);
      if (known === undefined || Object.hasOwn(json, known) || (known !== key && Object.hasOwn(extra, known))) continue;
      json[known] = value;
    }
  }
  json.Type ??= type;
  for (const column of ["EvidenceRole", "EvidenceDirection", "AdditionalFields"]) {
    const value = row[column];
    if (value === null || value === undefined || value === "" || Object.hasOwn(json, column)) continue;
    // As text: an object with a `Type` would be parsed into a second entity.
    json[column] = typeof value === "object" && !(value instanceof Date) ? jsonText(value) : value;
  }
  return entityFromObject(json, options);
}
