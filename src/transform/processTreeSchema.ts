/**
 * Process-event schemas: which columns of a table hold the process name, its
 * id, its parent's id, the time, … Built-ins follow MSTICPy's (`ProcSchema`):
 * Windows security event 4688, Linux auditd, Microsoft Defender for Endpoint,
 * Sysmon event 1; the schema of a table is inferred from its column names.
 */
import { ProcessSchemaError, transformMessages as msg } from "./messages";

/** Column mapping of process-creation events. */
export interface ProcSchema {
  /** Schema name, for messages. */
  name: string;
  /** Image / executable of the new process. */
  processName: string;
  /** Id of the new process. */
  processId: string;
  /** Id of its parent. */
  parentId: string;
  /** Event time. */
  timeStamp: string;
  /** Command line. */
  cmdLine?: string;
  /** Separator of image paths (`\\` Windows, `/` Linux): short names in plots. */
  pathSeparator: string;
  /** Account name. */
  userName?: string;
  /** Logon session of the creating process. */
  logonId?: string;
  /** Logon session of the new process when different (Windows TargetLogonId; `0x0` = none). */
  targetLogonId?: string;
  /** Host name: parents are only looked for on the same host. */
  hostName?: string;
  /** Image of the parent, when the events carry it (matched together with the parent id). */
  parentName?: string;
  /** Account id / SID. */
  userId?: string;
  /** Column with the event type; with `eventIdIdentifier`, only those rows are process creations. */
  eventIdColumn?: string;
  /** Value of `eventIdColumn` for process creation (compared as text). */
  eventIdIdentifier?: string | number;
}

/** Windows security event 4688 (Microsoft Sentinel `SecurityEvent`). */
export const WIN_EVENT_SCHEMA: ProcSchema = {
  name: "Windows 4688",
  timeStamp: "TimeGenerated",
  processName: "NewProcessName",
  processId: "NewProcessId",
  parentName: "ParentProcessName",
  parentId: "ProcessId",
  logonId: "SubjectLogonId",
  targetLogonId: "TargetLogonId",
  cmdLine: "CommandLine",
  userName: "SubjectUserName",
  pathSeparator: "\\",
  userId: "SubjectUserSid",
  eventIdColumn: "EventID",
  eventIdIdentifier: 4688,
  hostName: "Computer",
};

/** Linux auditd process events (execve), as MSTICPy's auditd parser lays them out. */
export const LX_EVENT_SCHEMA: ProcSchema = {
  name: "Linux auditd",
  timeStamp: "TimeGenerated",
  processName: "exe",
  processId: "pid",
  parentId: "ppid",
  logonId: "ses",
  cmdLine: "cmdline",
  userName: "acct",
  pathSeparator: "/",
  userId: "uid",
  eventIdColumn: "EventType",
  eventIdIdentifier: "SYSCALL_EXECVE",
  hostName: "Computer",
};

/** Microsoft Defender for Endpoint `DeviceProcessEvents` (also in Sentinel). */
export const MDE_EVENT_SCHEMA: ProcSchema = {
  name: "MDE DeviceProcessEvents",
  timeStamp: "Timestamp",
  processName: "FileName",
  processId: "ProcessId",
  parentName: "InitiatingProcessFileName",
  parentId: "InitiatingProcessId",
  logonId: "InitiatingProcessLogonId",
  targetLogonId: "LogonId",
  cmdLine: "ProcessCommandLine",
  userName: "AccountName",
  pathSeparator: "\\",
  userId: "AccountSid",
  hostName: "DeviceName",
  eventIdColumn: "ActionType",
  eventIdIdentifier: "ProcessCreated",
};

/** MDE's internal (alert evidence) process schema. */
export const MDE_INT_EVENT_SCHEMA: ProcSchema = {
  name: "MDE internal",
  timeStamp: "CreatedProcessCreationTime",
  processName: "CreatedProcessName",
  processId: "CreatedProcessId",
  parentName: "ParentProcessName",
  parentId: "CreatedProcessParentId",
  logonId: "InitiatingProcessLogonId",
  targetLogonId: "LogonId",
  cmdLine: "CreatedProcessCommandLine",
  userName: "CreatedProcessAccountName",
  pathSeparator: "\\",
  userId: "CreatedProcessAccountSid",
  hostName: "ComputerDnsName",
};

/** Sysmon event 1 (process create). */
export const SYSMON_PROCESS_CREATE_SCHEMA: ProcSchema = {
  name: "Sysmon 1",
  timeStamp: "UtcTime",
  processName: "Image",
  processId: "ProcessId",
  parentName: "ParentImage",
  parentId: "ParentProcessId",
  logonId: "LogonId",
  cmdLine: "CommandLine",
  userName: "User",
  pathSeparator: "\\",
  eventIdColumn: "EventID",
  eventIdIdentifier: 1,
  hostName: "Computer",
};

/** Built-in schemas, in inference order. */
export const PROCESS_SCHEMAS: readonly ProcSchema[] = [
  WIN_EVENT_SCHEMA,
  LX_EVENT_SCHEMA,
  MDE_INT_EVENT_SCHEMA,
  MDE_EVENT_SCHEMA,
  SYSMON_PROCESS_CREATE_SCHEMA,
];

export { ProcessSchemaError } from "./messages";

const COLUMN_FIELDS = [
  "processName",
  "processId",
  "parentId",
  "timeStamp",
  "cmdLine",
  "userName",
  "logonId",
  "targetLogonId",
  "hostName",
  "parentName",
  "userId",
  "eventIdColumn",
] as const satisfies readonly (keyof ProcSchema)[];

/** The column names a schema refers to. */
export function schemaColumns(schema: ProcSchema): string[] {
  return COLUMN_FIELDS.map((f) => schema[f]).filter((c): c is string => typeof c === "string" && c.length > 0);
}

/** The columns a build cannot do without. */
export const REQUIRED_FIELDS = ["processName", "processId", "parentId", "timeStamp"] as const;

/**
 * The built-in schema that best fits `columns`: the most column names in
 * common, at least 4 (MSTICPy's rule). Unlike MSTICPy, a tie goes to the
 * earlier schema (MSTICPy lets the later one win, an accident of a dict), and
 * a schema missing one of its required columns never wins.
 */
export function inferSchema(columns: readonly string[]): ProcSchema | undefined {
  const have = new Set(columns);
  let best: ProcSchema | undefined;
  let bestScore = 0;
  for (const schema of PROCESS_SCHEMAS) {
    if (!REQUIRED_FIELDS.every((f) => have.has(schema[f]))) continue;
    const score = schemaColumns(schema).filter((c) => have.has(c)).length;
    if (score > bestScore) {
      best = schema;
      bestScore = score;
    }
  }
  return bestScore >= 4 ? best : undefined;
}

/**
 * A full schema from a partial one: a user schema names at least the required
 * columns; optional ones may be omitted.
 */
export function resolveSchema(schema: Partial<ProcSchema> | undefined, columns: readonly string[]): ProcSchema {
  if (!schema) {
    const inferred = inferSchema(columns);
    if (!inferred) {
      throw new ProcessSchemaError(msg.processSchemaUnknown(columns, PROCESS_SCHEMAS.map((s) => `${s.name} (${REQUIRED_FIELDS.map((f) => s[f]).join(", ")})`)));
    }
    return inferred;
  }
  const missing = REQUIRED_FIELDS.filter((f) => !schema[f]);
  if (missing.length) throw new ProcessSchemaError(msg.processSchemaIncomplete(missing));
  const full: ProcSchema = { name: "custom", pathSeparator: "\\", ...schema } as ProcSchema;
  const have = new Set(columns);
  const absent = REQUIRED_FIELDS.map((f) => full[f]).filter((c) => !have.has(c));
  if (absent.length) throw new ProcessSchemaError(msg.processColumnsMissing(absent, full.name, columns));
  return full;
}
