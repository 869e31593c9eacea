/**
 * Sysmon's event templates: for each event id, its EventData fields in the order its Message lists them. From
 * Sysmon's manifest (`sysmon -s` prints it; schema 4.90, Sysmon 15). Sysmon only ever adds fields to a template
 * (at its end, or the file version fields and `OriginalFileName` of events 1 and 7), never moves one, so the
 * order holds for every version; the fields an older version lacks are `optional`.
 */

/** One event id's Message fields. */
export interface SysmonOrder {
  /** The fields in the Message's (and EventData's) order, as the schema names them. */
  fields: readonly string[];
  /** Fields some Sysmon versions (or settings: hashing off) do not write. */
  optional: ReadonlySet<string>;
  /** Fields whose value may hold line breaks (command lines, a registry value's data, a WMI query or consumer command). */
  verbatim: ReadonlySet<string>;
}

/**
 * `RuleName` came with Sysmon 8; `User` (`SourceUser`/`TargetUser`) at the end of most events' templates with
 * Sysmon 12–14 (events 1, 3 and the WMI events always had `User`: `order(…, [], [], false)`); the rest as noted.
 */
const ADDED_LATER = ["RuleName", "User", "SourceUser", "TargetUser"] as const;

function order(fields: readonly string[], optional: readonly string[] = [], verbatim: readonly string[] = [], userAddedLater = true): SysmonOrder {
  const later: readonly string[] = userAddedLater ? ADDED_LATER : ["RuleName"];
  return { fields, optional: new Set([...later, ...optional].filter((f) => fields.includes(f))), verbatim: new Set(verbatim) };
}

const PROCESS = ["RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image"] as const;
const PIPE = ["RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "PipeName", "Image", "User"] as const;
const REGISTRY = ["RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetObject"] as const;
const WMI = ["RuleName", "EventType", "UtcTime", "Operation", "User"] as const;
const FILE_BLOCK = ["RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes"] as const;

/** Sysmon event id → its Message's fields. An id not here (a newer Sysmon's) is read by field names alone. */
export const SYSMON_ORDERS: Readonly<Record<number, SysmonOrder>> = {
  1: order(
    [
      ...PROCESS, "FileVersion", "Description", "Product", "Company", "OriginalFileName", "CommandLine", "CurrentDirectory", "User", "LogonGuid",
      "LogonId", "TerminalSessionId", "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine", "ParentUser",
    ],
    // The file version fields came with Sysmon 6–10, ParentUser with 13.30; Hashes only when hashing is on. User is in every version.
    ["FileVersion", "Description", "Product", "Company", "OriginalFileName", "Hashes", "ParentUser"],
    ["CommandLine", "ParentCommandLine"],
    false,
  ),
  2: order([...PROCESS, "TargetFilename", "CreationUtcTime", "PreviousCreationUtcTime", "User"]),
  3: order([
    ...PROCESS, "User", "Protocol", "Initiated", "SourceIsIpv6", "SourceIp", "SourceHostname", "SourcePort", "SourcePortName", "DestinationIsIpv6",
    "DestinationIp", "DestinationHostname", "DestinationPort", "DestinationPortName",
  ], [], [], false),
  4: order(["UtcTime", "State", "Version", "SchemaVersion"]),
  5: order([...PROCESS, "User"]),
  6: order(["RuleName", "UtcTime", "ImageLoaded", "Hashes", "Signed", "Signature", "SignatureStatus"], ["Hashes"]),
  7: order(
    [...PROCESS, "ImageLoaded", "FileVersion", "Description", "Product", "Company", "OriginalFileName", "Hashes", "Signed", "Signature", "SignatureStatus", "User"],
    ["FileVersion", "Description", "Product", "Company", "OriginalFileName", "Hashes"],
  ),
  8: order([
    "RuleName", "UtcTime", "SourceProcessGuid", "SourceProcessId", "SourceImage", "TargetProcessGuid", "TargetProcessId", "TargetImage", "NewThreadId",
    "StartAddress", "StartModule", "StartFunction", "SourceUser", "TargetUser",
  ]),
  9: order([...PROCESS, "Device", "User"]),
  10: order([
    "RuleName", "UtcTime", "SourceProcessGUID", "SourceProcessId", "SourceThreadId", "SourceImage", "TargetProcessGUID", "TargetProcessId", "TargetImage",
    "GrantedAccess", "CallTrace", "SourceUser", "TargetUser",
  ]),
  11: order([...PROCESS, "TargetFilename", "CreationUtcTime", "User"]),
  12: order([...REGISTRY, "User"]),
  13: order([...REGISTRY, "Details", "User"], [], ["Details"]),
  14: order([...REGISTRY, "NewName", "User"]),
  15: order([...PROCESS, "TargetFilename", "CreationUtcTime", "Hash", "Contents", "User"], ["Contents"]),
  16: order(["UtcTime", "Configuration", "ConfigurationFileHash"]),
  17: order(PIPE, ["EventType"]),
  18: order(PIPE, ["EventType"]),
  19: order([...WMI, "EventNamespace", "Name", "Query"], [], ["Query"], false),
  20: order([...WMI, "Name", "Type", "Destination"], [], ["Destination"], false),
  21: order([...WMI, "Consumer", "Filter"], [], [], false),
  22: order(["RuleName", "UtcTime", "ProcessGuid", "ProcessId", "QueryName", "QueryStatus", "QueryResults", "Image", "User"]),
  23: order([...FILE_BLOCK, "IsExecutable", "Archived"], ["IsExecutable"]),
  24: order([...PROCESS, "Session", "ClientInfo", "Hashes", "Archived", "User"]),
  25: order([...PROCESS, "Type", "User"]),
  26: order([...FILE_BLOCK, "IsExecutable"], ["IsExecutable"]),
  27: order(FILE_BLOCK),
  28: order([...FILE_BLOCK, "IsExecutable"], ["IsExecutable"]),
  29: order(FILE_BLOCK),
  255: order(["UtcTime", "ID", "Description"]),
};

/** Every field name of {@link SYSMON_ORDERS}: with an unknown event id, only these start a field. */
export const SYSMON_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(SYSMON_ORDERS).flatMap((o) => o.fields));

/** The fields of a Sysmon event id, in order; undefined for an id not in the table. */
export function sysmonOrder(eventId: number): SysmonOrder | undefined {
  return Object.hasOwn(SYSMON_ORDERS, eventId) ? SYSMON_ORDERS[eventId] : undefined;
}
