/**
 * Process-event schemas: which columns of a table hold the process name, its
 * id, its parent's id, the time, … Built-ins follow MSTICPy's (`ProcSchema`)
 * and the exports hunters bring: Windows security event 4688 (Sentinel's
 * `SecurityEvent` and `WindowsEvent`), Sysmon event 1, Microsoft Defender for
 * Endpoint `DeviceProcessEvents` (with its grandparent columns), Linux auditd,
 * Elastic ECS, OCSF Process Activity, CrowdStrike Falcon, SentinelOne Deep Visibility, Carbon Black Cloud, Wazuh alerts
 * (Sysmon 1, 4688) and osquery (`process_events`, `processes`). The schema of a table is inferred
 * from its column names ({@link inferSchema}, {@link inferProcSchema}).
 */
import type pl from "nodejs-polars";
import { closestNames } from "../common/errors";
import { columnNames, columnOf } from "../common/frames";
import { ProcessSchemaError, transformMessages as msg } from "./messages";
import { EVTX_DOCS, isWinEventExport } from "../data/schemas/winEvent";
import { fieldsWithValues } from "../data/schemas/fields";

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
  /**
   * True when `parentName` holds the parent's file name only (Falcon's `ParentBaseFileName`), where
   * `processName` is a full path: the lab's `ParentProcessName` then takes the parent's own image where its
   * event is in the data (by {@link processGuid}), the file name elsewhere. Default false.
   */
  parentNameIsFileName?: boolean;
  /** Account id / SID. */
  userId?: string;
  /** Column with the event type; with `eventIdIdentifier`, only those rows are process creations. */
  eventIdColumn?: string;
  /**
   * Value of `eventIdColumn` for process creation (compared as text; a text
   * cell holding a JSON list, as ECS `event.type` may, matches when the list
   * holds the value), or a list of such values, any of which marks one
   * (CrowdStrike's `ProcessRollup2` and `SyntheticProcessRollup2`).
   */
  eventIdIdentifier?: string | number | readonly (string | number)[];
  /**
   * A second event-type column, whose value (or list) must also hold
   * `eventCategoryIdentifier` where it is set (ECS `event.category`:
   * `process`): ECS `event.type: start` also marks network connections
   * (Winlogbeat's Sysmon 3) and session starts, not processes.
   */
  eventCategoryColumn?: string;
  /** Value of `eventCategoryColumn` for process events (compared as `eventIdIdentifier` is). */
  eventCategoryIdentifier?: string | number;
  /**
   * Start time of the new process, when the events record it apart from the
   * event time (MDE `ProcessCreationTime`, ECS `process.start`). Keys and
   * parent matching use it; the event time stands in where it is empty.
   */
  processCreationTime?: string;
  /**
   * Start time of the parent as the child's event records it (MDE
   * `InitiatingProcessCreationTime`). With it a parent is matched by id (and
   * image) **and** start time, never a process that started after it, and a
   * parent missing from the data is rebuilt with its real start time.
   */
  parentCreationTime?: string;
  /** Command line of the parent, as the child's event records it (MDE `InitiatingProcessCommandLine`). */
  parentCmdLine?: string;
  /** Id of the grandparent (MDE `InitiatingProcessParentId`): rebuilt parents are linked further up through it. */
  grandparentId?: string;
  /** Image of the grandparent (MDE `InitiatingProcessParentFileName`). */
  grandparentName?: string;
  /** Start time of the grandparent (MDE `InitiatingProcessParentCreationTime`). */
  grandparentCreationTime?: string;
  /**
   * More columns describing the parent on the child's event, as
   * `{ column of the rebuilt parent: column of the child }` (MDE:
   * `{ FolderPath: "InitiatingProcessFolderPath", AccountName: "InitiatingProcessAccountName", … }`);
   * columns absent from the data are skipped.
   */
  parentColumns?: Readonly<Record<string, string>>;
  /**
   * Columns typical of the table that the schema does not map (SecurityEvent's
   * `Activity`, WindowsEvent's `Channel`): they count when several schemas fit.
   */
  markers?: readonly string[];
  /** Full image path when `processName` holds only the file name (MDE `FolderPath`): path features read it. */
  processPath?: string;
  /**
   * Unit of time columns that hold numbers (epoch times, OCSF's `time` in ms; fractions kept to the µs), also
   * when written as text (osquery's `"1709287200"`). Default: numbers are not times.
   */
  numericTimeUnit?: "s" | "ms" | "us" | "ns";
  /**
   * Unique id of the new process, when the events carry one (Sysmon
   * `ProcessGuid`, ECS `process.entity_id`, OCSF `process.uid`). With
   * {@link parentGuid}, it links processes whatever PID reuse says.
   */
  processGuid?: string;
  /**
   * Unique id of the parent as the child's event names it (Sysmon
   * `ParentProcessGuid`, ECS `process.parent.entity_id`, OCSF
   * `process.parent_process.uid`). Where it is set (not empty, not an
   * all-zero GUID) and both columns are in the data, the parent is the
   * process of the same host with that {@link processGuid}, whatever the
   * ids and times say; when none has it, the inferred parent is one per
   * GUID. Rows without it are matched by id and time.
   */
  parentGuid?: string;
}

/** Windows security event 4688 (Microsoft Sentinel `SecurityEvent`): the lab's own column names. */
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
  markers: ["Activity", "EventSourceName", "SourceComputerId", "Account", "AccountType", "SubjectDomainName"],
};

/**
 * Windows 4688 in Sentinel's `WindowsEvent` table, its `EventData` fields
 * flattened to columns (`bag_unpack`): the same names as SecurityEvent's,
 * told apart by the table's own columns.
 */
export const WIN_WINDOWSEVENT_SCHEMA: ProcSchema = {
  ...WIN_EVENT_SCHEMA,
  name: "Windows 4688 (WindowsEvent)",
  markers: ["Channel", "Provider", "EventOriginId", "EventLevel", "EventLevelName", "Task", "EventData"],
};

/** Windows 4688 in `WindowsEvent` with the `EventData` fields flattened as `EventData.<field>` (pandas' json_normalize, Spark). */
export const WIN_WINDOWSEVENT_DOTTED_SCHEMA: ProcSchema = {
  name: "Windows 4688 (WindowsEvent, EventData.*)",
  timeStamp: "TimeGenerated",
  processName: "EventData.NewProcessName",
  processId: "EventData.NewProcessId",
  parentName: "EventData.ParentProcessName",
  parentId: "EventData.ProcessId",
  logonId: "EventData.SubjectLogonId",
  targetLogonId: "EventData.TargetLogonId",
  cmdLine: "EventData.CommandLine",
  userName: "EventData.SubjectUserName",
  pathSeparator: "\\",
  userId: "EventData.SubjectUserSid",
  eventIdColumn: "EventID",
  eventIdIdentifier: 4688,
  hostName: "Computer",
  markers: ["Channel", "Provider", "EventOriginId", "EventLevelName"],
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
  markers: ["auid", "comm", "cwd", "gid", "tty"],
};

/** The `InitiatingProcess*` columns of DeviceProcessEvents that describe the parent, by the column they fill on a rebuilt parent. */
const MDE_PARENT_COLUMNS: Readonly<Record<string, string>> = {
  FolderPath: "InitiatingProcessFolderPath",
  AccountName: "InitiatingProcessAccountName",
  AccountDomain: "InitiatingProcessAccountDomain",
  AccountSid: "InitiatingProcessAccountSid",
  AccountUpn: "InitiatingProcessAccountUpn",
  AccountObjectId: "InitiatingProcessAccountObjectId",
  LogonId: "InitiatingProcessLogonId",
  ProcessIntegrityLevel: "InitiatingProcessIntegrityLevel",
  ProcessTokenElevation: "InitiatingProcessTokenElevation",
  SHA1: "InitiatingProcessSHA1",
  SHA256: "InitiatingProcessSHA256",
  MD5: "InitiatingProcessMD5",
  FileSize: "InitiatingProcessFileSize",
  ProcessVersionInfoCompanyName: "InitiatingProcessVersionInfoCompanyName",
  ProcessVersionInfoProductName: "InitiatingProcessVersionInfoProductName",
  ProcessVersionInfoOriginalFileName: "InitiatingProcessVersionInfoOriginalFileName",
  ProcessVersionInfoFileDescription: "InitiatingProcessVersionInfoFileDescription",
};

/** Microsoft Defender for Endpoint `DeviceProcessEvents` (also in Sentinel), with its parent and grandparent columns. */
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
  processPath: "FolderPath",
  processCreationTime: "ProcessCreationTime",
  parentCreationTime: "InitiatingProcessCreationTime",
  parentCmdLine: "InitiatingProcessCommandLine",
  grandparentId: "InitiatingProcessParentId",
  grandparentName: "InitiatingProcessParentFileName",
  grandparentCreationTime: "InitiatingProcessParentCreationTime",
  parentColumns: MDE_PARENT_COLUMNS,
  markers: ["DeviceId", "ReportId", "SHA256", "InitiatingProcessFolderPath"],
};

/**
 * MDE's internal (alert evidence, advanced hunting back end) process schema.
 * Parents are the `InitiatingProcess*` columns (MSTICPy builds its keys from
 * them); `CreatedProcessParent*` usually name the same process.
 */
export const MDE_INT_EVENT_SCHEMA: ProcSchema = {
  name: "MDE internal",
  timeStamp: "CreatedProcessCreationTime",
  processName: "CreatedProcessName",
  processId: "CreatedProcessId",
  parentName: "InitiatingProcessName",
  parentId: "InitiatingProcessId",
  logonId: "InitiatingProcessLogonId",
  targetLogonId: "LogonId",
  cmdLine: "CreatedProcessCommandLine",
  userName: "CreatedProcessAccountName",
  pathSeparator: "\\",
  userId: "CreatedProcessAccountSid",
  hostName: "ComputerDnsName",
  processPath: "CreatedProcessFilePath",
  parentCreationTime: "InitiatingProcessCreationTime",
  parentCmdLine: "Process_CommandLine",
  grandparentId: "InitiatingProcessParentProcessId",
  grandparentName: "InitiatingProcessParentProcessName",
  grandparentCreationTime: "InitiatingProcessParentCreationTime",
  parentColumns: {
    CreatedProcessFilePath: "InitiatingProcessImageFilePath",
    CreatedProcessAccountName: "InitiatingProcessAccountName",
    CreatedProcessAccountSid: "InitiatingProcessAccountSid",
    CreatedProcessAccountDomainName: "InitiatingProcessAccountDomainName",
    LogonId: "InitiatingProcessLogonId",
    CreatedProcessIntegrityLevel: "InitiatingProcessIntegrityLevel",
  },
  markers: ["MachineId", "ReportGuid", "CreatedProcessParentId", "CreatedProcessParentName"],
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
  parentCmdLine: "ParentCommandLine",
  processGuid: "ProcessGuid",
  parentGuid: "ParentProcessGuid",
  // ProcessEndTime: a rebuilt parent's end (Sysmon 5) from its children's rows (src/data/schemas/processEnds.ts).
  parentColumns: { User: "ParentUser", ProcessGuid: "ParentProcessGuid", ProcessEndTime: "ParentProcessEndTime" },
  // The GUID columns count as schema columns now, no longer as markers: inference scores them once, as before.
  markers: ["Hashes", "IntegrityLevel", "CurrentDirectory", "LogonGuid", "RuleName"],
};

/** Elastic Common Schema process events (`event.category: process`), fields as dotted column names. */
export const ECS_PROCESS_SCHEMA: ProcSchema = {
  name: "Elastic ECS process",
  timeStamp: "@timestamp",
  processName: "process.executable",
  processId: "process.pid",
  parentName: "process.parent.executable",
  parentId: "process.parent.pid",
  cmdLine: "process.command_line",
  userName: "user.name",
  userId: "user.id",
  // Cross-platform: plots and features find the separator in the paths.
  pathSeparator: "/",
  hostName: "host.name",
  eventIdColumn: "event.type",
  eventIdIdentifier: "start",
  eventCategoryColumn: "event.category",
  eventCategoryIdentifier: "process",
  processCreationTime: "process.start",
  parentCreationTime: "process.parent.start",
  parentCmdLine: "process.parent.command_line",
  processGuid: "process.entity_id",
  parentGuid: "process.parent.entity_id",
  parentColumns: { "process.name": "process.parent.name", "process.entity_id": "process.parent.entity_id", "process.args": "process.parent.args" },
  markers: ["event.kind", "event.action", "ecs.version", "agent.type", "process.name", "process.parent.name"],
};

/**
 * {@link ECS_PROCESS_SCHEMA} for ECS events without `process.executable`: Kibana Discover CSVs and Elastic exports
 * whose fields are `process.name`, `process.pid`, `process.parent.pid`…, as Elastic Defend's Linux and macOS
 * events or a Discover column choice leave them. The image is the file name, as in the layouts that record only
 * that (MDE's `FileName`); where `process.executable` is there, the full layout wins (it scores the names as markers).
 */
export const ECS_PROCESS_NAME_SCHEMA: ProcSchema = {
  ...ECS_PROCESS_SCHEMA,
  name: "Elastic ECS process (file names)",
  processName: "process.name",
  parentName: "process.parent.name",
  parentColumns: { "process.entity_id": "process.parent.entity_id", "process.args": "process.parent.args" },
  markers: ["event.kind", "event.action", "ecs.version", "agent.type"],
};

/** OCSF Process Activity (class 1007), flattened with dotted names; Launch events (`type_uid` 100701). */
export const OCSF_PROCESS_SCHEMA: ProcSchema = {
  name: "OCSF Process Activity",
  timeStamp: "time",
  processName: "process.file.path",
  processId: "process.pid",
  parentName: "process.parent_process.file.path",
  parentId: "process.parent_process.pid",
  cmdLine: "process.cmd_line",
  userName: "actor.user.name",
  userId: "actor.user.uid",
  logonId: "actor.session.uid",
  targetLogonId: "process.session.uid",
  pathSeparator: "\\",
  hostName: "device.hostname",
  eventIdColumn: "type_uid",
  eventIdIdentifier: 100701,
  processCreationTime: "process.created_time",
  parentCreationTime: "process.parent_process.created_time",
  parentCmdLine: "process.parent_process.cmd_line",
  grandparentId: "process.parent_process.parent_process.pid",
  grandparentName: "process.parent_process.parent_process.file.path",
  grandparentCreationTime: "process.parent_process.parent_process.created_time",
  processGuid: "process.uid",
  parentGuid: "process.parent_process.uid",
  parentColumns: { "process.name": "process.parent_process.name", "process.uid": "process.parent_process.uid", "process.user.name": "process.parent_process.user.name" },
  markers: ["class_uid", "category_uid", "activity_id", "activity_name", "severity_id", "metadata.version", "metadata.product.name", "process.name"],
  numericTimeUnit: "ms",
};

/**
 * {@link OCSF_PROCESS_SCHEMA} for OCSF events whose `process.file.path` holds no value (a sensor that fills only
 * `process.name`, an export of chosen fields): the image is the file name, as in {@link ECS_PROCESS_NAME_SCHEMA}.
 */
export const OCSF_PROCESS_NAME_SCHEMA: ProcSchema = {
  ...OCSF_PROCESS_SCHEMA,
  name: "OCSF Process Activity (file names)",
  processName: "process.name",
  parentName: "process.parent_process.name",
  grandparentName: "process.parent_process.parent_process.name",
  parentColumns: { "process.uid": "process.parent_process.uid", "process.user.name": "process.parent_process.user.name" },
  markers: (OCSF_PROCESS_SCHEMA.markers ?? []).filter((m) => m !== "process.name"),
};

/**
 * CrowdStrike Falcon `ProcessRollup2` events (Event Search / Investigate CSV or JSON exports, Falcon Data
 * Replicator NDJSON). Falcon links a process to its parent by `TargetProcessId` and `ParentProcessId`
 * (the parent's `TargetProcessId`), which are unique per sensor (`aid`) and never reused, unlike the
 * operating system's `RawProcessId`: they are the tree's ids and, as GUIDs, link a child to its parent on
 * the same host whatever the times say. The host is `ComputerName` (Event Search adds it), else the sensor
 * id `aid` (FDR events carry no name: {@link CROWDSTRIKE_FDR_PROCESS_SCHEMA}). `timestamp` is epoch ms.
 * `SyntheticProcessRollup2` events describe processes already running when the sensor started: they are the
 * real parents of later children, so they are processes too (their `event_simpleName` stays on the row).
 * `ParentBaseFileName` is the parent's file name only. Other events (`DnsRequest`…) are left out.
 */
export const CROWDSTRIKE_PROCESS_SCHEMA: ProcSchema = {
  name: "CrowdStrike ProcessRollup2",
  timeStamp: "timestamp",
  processName: "ImageFileName",
  processId: "TargetProcessId",
  parentId: "ParentProcessId",
  processGuid: "TargetProcessId",
  parentGuid: "ParentProcessId",
  parentName: "ParentBaseFileName",
  parentNameIsFileName: true,
  cmdLine: "CommandLine",
  userName: "UserName",
  userId: "UserSid",
  logonId: "AuthenticationId",
  pathSeparator: "\\",
  hostName: "ComputerName",
  eventIdColumn: "event_simpleName",
  eventIdIdentifier: ["ProcessRollup2", "SyntheticProcessRollup2"],
  numericTimeUnit: "ms",
  // ParentBaseFileName is a schema column now (parentName), no longer a marker: inference scores it once, as before.
  markers: ["aid", "cid", "RawProcessId", "SHA256HashData", "MD5HashData", "event_platform", "ContextTimeStamp"],
};

/** {@link CROWDSTRIKE_PROCESS_SCHEMA} without `ComputerName` (Falcon Data Replicator): the sensor id `aid` is the host. */
export const CROWDSTRIKE_FDR_PROCESS_SCHEMA: ProcSchema = {
  ...CROWDSTRIKE_PROCESS_SCHEMA,
  name: "CrowdStrike ProcessRollup2 (FDR)",
  hostName: "aid",
  markers: ["cid", "RawProcessId", "SHA256HashData", "MD5HashData", "event_platform", "ContextTimeStamp", "name"],
};

/**
 * SentinelOne Deep Visibility / Singularity Data Lake `Process Creation` events (S1QL or PowerQuery results
 * exported as CSV or JSON, dotted field names or nested objects). `src.process` is the creating process (the
 * parent), `tgt.process` the new one, `src.process.parent` the grandparent; `*.uid` is SentinelOne's unique
 * process id (the tree's GUIDs); times are epoch ms (`event.time`, `*.startTime`). Other event types of a
 * search (`File Creation`, `IP Connect`, `DNS Resolved`…) are left out.
 */
export const SENTINELONE_PROCESS_SCHEMA: ProcSchema = {
  name: "SentinelOne Deep Visibility",
  timeStamp: "event.time",
  processName: "tgt.process.image.path",
  processId: "tgt.process.pid",
  parentName: "src.process.image.path",
  parentId: "src.process.pid",
  cmdLine: "tgt.process.cmdline",
  userName: "tgt.process.user",
  pathSeparator: "\\",
  hostName: "endpoint.name",
  eventIdColumn: "event.type",
  eventIdIdentifier: "Process Creation",
  processCreationTime: "tgt.process.startTime",
  parentCreationTime: "src.process.startTime",
  parentCmdLine: "src.process.cmdline",
  grandparentId: "src.process.parent.pid",
  grandparentName: "src.process.parent.image.path",
  grandparentCreationTime: "src.process.parent.startTime",
  processGuid: "tgt.process.uid",
  parentGuid: "src.process.uid",
  parentColumns: { "tgt.process.uid": "src.process.uid", "tgt.process.name": "src.process.name", "tgt.process.user": "src.process.user", "tgt.process.storyline.id": "src.process.storyline.id", "tgt.process.integrityLevel": "src.process.integrityLevel" },
  markers: ["agent.uuid", "site.name", "endpoint.os", "tgt.process.name", "src.process.name", "tgt.process.storyline.id", "src.process.storyline.id", "event.category"],
  numericTimeUnit: "ms",
};

/** {@link SENTINELONE_PROCESS_SCHEMA} where `tgt.process.image.path` holds no value: the images are `tgt.process.name`, `src.process.name`. */
export const SENTINELONE_PROCESS_NAME_SCHEMA: ProcSchema = {
  ...SENTINELONE_PROCESS_SCHEMA,
  name: "SentinelOne Deep Visibility (file names)",
  processName: "tgt.process.name",
  parentName: "src.process.name",
  grandparentName: "src.process.parent.name",
  parentColumns: { "tgt.process.uid": "src.process.uid", "tgt.process.user": "src.process.user", "tgt.process.storyline.id": "src.process.storyline.id", "tgt.process.integrityLevel": "src.process.integrityLevel" },
  markers: (SENTINELONE_PROCESS_SCHEMA.markers ?? []).filter((m) => m !== "tgt.process.name" && m !== "src.process.name"),
};

/**
 * VMware/Broadcom Carbon Black Cloud (Enterprise EDR) process search results (the console's export, or the Platform
 * Search API's `results`): one row per process, not per event. `process_guid` is Carbon Black's unique process id
 * (`ORG-device-pid-0-starttime`, the tree's GUIDs), `parent_guid` its parent's; `process_name` and `parent_name`
 * are full paths (lower case on Windows); times are ISO text (`process_start_time`; `device_timestamp`, the last
 * event the sensor saw, where the start is not given). The API writes `process_pid`, `process_cmdline` and
 * `process_username` as lists of one value.
 */
export const CARBON_BLACK_PROCESS_SCHEMA: ProcSchema = {
  name: "Carbon Black Cloud",
  timeStamp: "device_timestamp",
  processName: "process_name",
  processId: "process_pid",
  parentName: "parent_name",
  parentId: "parent_pid",
  cmdLine: "process_cmdline",
  userName: "process_username",
  pathSeparator: "\\",
  hostName: "device_name",
  processCreationTime: "process_start_time",
  processGuid: "process_guid",
  parentGuid: "parent_guid",
  parentColumns: { process_guid: "parent_guid", process_hash: "parent_hash", process_reputation: "parent_reputation", process_effective_reputation: "parent_effective_reputation" },
  markers: ["org_id", "device_id", "device_os", "device_policy_id", "process_hash", "parent_hash", "process_reputation", "process_effective_reputation", "backend_timestamp", "childproc_count", "ttp"],
};

/** Wazuh's own alert keys beside `data.win` (markers: they tell a Wazuh alert from another nested export). */
const WAZUH_MARKERS = ["rule.id", "rule.level", "rule.description", "agent.id", "agent.name", "manager.name", "decoder.name", "location", "data.win.system.providerName", "data.win.system.channel"];

/**
 * Sysmon event 1 as a Wazuh manager writes it in `alerts.json` (one alert per line, the Windows event under
 * `data.win`: `system.*` from the event's System element, `eventdata.*` its EventData, each name's first letter
 * lower-cased: `image`, `parentProcessGuid`). `eventID` is text (`"1"`); rows of another channel's event 1 are no
 * Sysmon process creations. The host is the event's own `data.win.system.computer` (a collector forwards other
 * computers' events), the time Sysmon's `utcTime` (UTC, `2026-03-01 10:00:00.123`).
 */
export const WAZUH_SYSMON_PROCESS_SCHEMA: ProcSchema = {
  name: "Wazuh Sysmon 1",
  timeStamp: "data.win.eventdata.utcTime",
  processName: "data.win.eventdata.image",
  processId: "data.win.eventdata.processId",
  parentName: "data.win.eventdata.parentImage",
  parentId: "data.win.eventdata.parentProcessId",
  logonId: "data.win.eventdata.logonId",
  cmdLine: "data.win.eventdata.commandLine",
  userName: "data.win.eventdata.user",
  pathSeparator: "\\",
  hostName: "data.win.system.computer",
  eventIdColumn: "data.win.system.eventID",
  eventIdIdentifier: 1,
  eventCategoryColumn: "data.win.system.channel",
  eventCategoryIdentifier: "Microsoft-Windows-Sysmon/Operational",
  parentCmdLine: "data.win.eventdata.parentCommandLine",
  processGuid: "data.win.eventdata.processGuid",
  parentGuid: "data.win.eventdata.parentProcessGuid",
  parentColumns: { "data.win.eventdata.user": "data.win.eventdata.parentUser", "data.win.eventdata.processGuid": "data.win.eventdata.parentProcessGuid", ProcessEndTime: "ParentProcessEndTime" },
  markers: [...WAZUH_MARKERS, "data.win.eventdata.hashes", "data.win.eventdata.integrityLevel"],
};

/**
 * Windows security event 4688 as a Wazuh manager writes it in `alerts.json` (`data.win.eventdata.*`, names
 * lower-cased first: `newProcessName`, `newProcessId` and the creator's `processId`, hexadecimal `0x…` text as
 * Windows writes them). The time is the event's `data.win.system.systemTime`.
 */
export const WAZUH_4688_PROCESS_SCHEMA: ProcSchema = {
  name: "Wazuh 4688",
  timeStamp: "data.win.system.systemTime",
  processName: "data.win.eventdata.newProcessName",
  processId: "data.win.eventdata.newProcessId",
  parentName: "data.win.eventdata.parentProcessName",
  parentId: "data.win.eventdata.processId",
  logonId: "data.win.eventdata.subjectLogonId",
  targetLogonId: "data.win.eventdata.targetLogonId",
  cmdLine: "data.win.eventdata.commandLine",
  userName: "data.win.eventdata.subjectUserName",
  userId: "data.win.eventdata.subjectUserSid",
  pathSeparator: "\\",
  hostName: "data.win.system.computer",
  eventIdColumn: "data.win.system.eventID",
  eventIdIdentifier: 4688,
  markers: [...WAZUH_MARKERS, "data.win.eventdata.tokenElevationType", "data.win.eventdata.subjectDomainName"],
};

/** osquery's result log keys beside `columns` (markers). */
const OSQUERY_MARKERS = ["name", "hostIdentifier", "calendarTime", "unixTime", "epoch", "counter", "numerics", "decorations.host_uuid"];

/**
 * osquery's `process_events` table (Linux audit, macOS OpenBSM) as osqueryd's result log writes it, one line per
 * row: `{"name": <query>, "hostIdentifier": …, "columns": {"pid", "parent", "path", "cmdline", "time", "uid", …},
 * "action": "added"}`, every value text (`"numerics": false`, the default). `time` is epoch seconds; the user is
 * the numeric `uid` only. A snapshot query's rows (`"snapshot": [...]`) are read as rows of `columns` too
 * (src/data/schemas/osquery.ts), with action `snapshot`; `removed` rows of a differential query are no starts.
 */
export const OSQUERY_PROCESS_EVENTS_SCHEMA: ProcSchema = {
  name: "osquery process_events",
  timeStamp: "columns.time",
  processName: "columns.path",
  processId: "columns.pid",
  parentId: "columns.parent",
  cmdLine: "columns.cmdline",
  userId: "columns.uid",
  pathSeparator: "/",
  hostName: "hostIdentifier",
  eventIdColumn: "action",
  eventIdIdentifier: ["added", "snapshot"],
  numericTimeUnit: "s",
  markers: [...OSQUERY_MARKERS, "columns.cwd", "columns.auid", "columns.euid", "columns.cmdline_size", "columns.syscall", "columns.eid"],
};

/**
 * osquery's `processes` table (a snapshot, or a differential query of it: `added` rows are processes seen
 * starting) in the same result log: `columns.start_time` (epoch seconds) is the time, `columns.name` the short name.
 */
export const OSQUERY_PROCESSES_SCHEMA: ProcSchema = {
  ...OSQUERY_PROCESS_EVENTS_SCHEMA,
  name: "osquery processes",
  timeStamp: "columns.start_time",
  markers: [...OSQUERY_MARKERS, "columns.name", "columns.state", "columns.threads", "columns.resident_size", "columns.on_disk"],
};

/**
 * {@link OSQUERY_PROCESSES_SCHEMA} where `columns.path` holds no value (osquery run without root fills no path of
 * other users' processes; a query that did not select it): the image is the process name, `columns.name`.
 */
export const OSQUERY_PROCESSES_NAME_SCHEMA: ProcSchema = {
  ...OSQUERY_PROCESSES_SCHEMA,
  name: "osquery processes (file names)",
  processName: "columns.name",
  markers: (OSQUERY_PROCESSES_SCHEMA.markers ?? []).filter((m) => m !== "columns.name"),
};

/**
 * osquery's two process tables in one result log (one pack schedules both): the rows of either, each at its own
 * time. The tables' rows share `pid`, `parent`, `path` and the host's pid space, so one tree links them (a
 * `process_events` child under the long-running parent a `processes` row shows); `columns.time` is a
 * `process_events` row's time, `columns.start_time` a `processes` row's (as a process start time, used where
 * the row has no event time). Inferred where the rows hold both times (src/data/schemas/process.ts: a log of
 * one table's rows is read in that table's layout, whatever fields polars' struct keeps).
 */
export const OSQUERY_PROCESS_TABLES_SCHEMA: ProcSchema = {
  ...OSQUERY_PROCESS_EVENTS_SCHEMA,
  name: "osquery process_events and processes",
  processCreationTime: "columns.start_time",
  markers: [...new Set([...(OSQUERY_PROCESS_EVENTS_SCHEMA.markers ?? []), ...(OSQUERY_PROCESSES_SCHEMA.markers ?? [])])],
};

/**
 * Built-in schemas, in the order ties are broken: the exports' own layouts
 * first, the lab's 4688 names last, so that a frame carrying both its own
 * columns and lab-named copies of them is read in its own, richer, layout.
 */
export const PROCESS_SCHEMAS: readonly ProcSchema[] = [
  MDE_EVENT_SCHEMA,
  MDE_INT_EVENT_SCHEMA,
  SYSMON_PROCESS_CREATE_SCHEMA,
  ECS_PROCESS_SCHEMA,
  ECS_PROCESS_NAME_SCHEMA,
  OCSF_PROCESS_SCHEMA,
  OCSF_PROCESS_NAME_SCHEMA,
  CROWDSTRIKE_PROCESS_SCHEMA,
  CROWDSTRIKE_FDR_PROCESS_SCHEMA,
  SENTINELONE_PROCESS_SCHEMA,
  SENTINELONE_PROCESS_NAME_SCHEMA,
  CARBON_BLACK_PROCESS_SCHEMA,
  WAZUH_SYSMON_PROCESS_SCHEMA,
  WAZUH_4688_PROCESS_SCHEMA,
  OSQUERY_PROCESS_EVENTS_SCHEMA,
  OSQUERY_PROCESSES_SCHEMA,
  OSQUERY_PROCESSES_NAME_SCHEMA,
  OSQUERY_PROCESS_TABLES_SCHEMA,
  LX_EVENT_SCHEMA,
  WIN_WINDOWSEVENT_DOTTED_SCHEMA,
  WIN_EVENT_SCHEMA,
  WIN_WINDOWSEVENT_SCHEMA,
];

export { ProcessSchemaError } from "./messages";

export const COLUMN_FIELDS = [
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
  "eventCategoryColumn",
  "processCreationTime",
  "parentCreationTime",
  "parentCmdLine",
  "grandparentId",
  "grandparentName",
  "grandparentCreationTime",
  "processPath",
  "processGuid",
  "parentGuid",
] as const satisfies readonly (keyof ProcSchema)[];

/** Every field a schema may have: the column fields and the others. A key outside them is a misspelling (`hostname`). */
export const PROC_SCHEMA_KEYS: readonly (keyof ProcSchema)[] = [
  ...COLUMN_FIELDS,
  "name",
  "pathSeparator",
  "eventIdIdentifier",
  "eventCategoryIdentifier",
  "parentColumns",
  "markers",
  "numericTimeUnit",
  "parentNameIsFileName",
];

/**
 * MSTICPy's `ProcSchema` field names, as its users write a dict schema
 * (`host_name_column="Computer"`), and huntlab's for each.
 */
export const MSTICPY_SCHEMA_KEYS: Readonly<Record<string, keyof ProcSchema>> = {
  process_name: "processName",
  process_id: "processId",
  parent_id: "parentId",
  time_stamp: "timeStamp",
  cmd_line: "cmdLine",
  path_separator: "pathSeparator",
  user_name: "userName",
  logon_id: "logonId",
  host_name_column: "hostName",
  parent_name: "parentName",
  target_logon_id: "targetLogonId",
  user_id: "userId",
  event_id_column: "eventIdColumn",
  event_id_identifier: "eventIdIdentifier",
};

/** The fields of a schema that name a column. */
export type ProcSchemaColumnField = (typeof COLUMN_FIELDS)[number];

/** The column names a schema refers to (not `parentColumns` or `markers`). */
export function schemaColumns(schema: Partial<ProcSchema>): string[] {
  return COLUMN_FIELDS.map((f) => schema[f]).filter((c): c is string => typeof c === "string" && c.length > 0);
}

/** `schema` with every column it names (fields and `parentColumns`, both sides) passed through `rename`. */
export function renameSchemaColumns(schema: ProcSchema, rename: (column: string) => string): ProcSchema {
  const out: ProcSchema = { ...schema };
  for (const field of COLUMN_FIELDS) {
    const column = schema[field];
    if (typeof column === "string" && column.length > 0) out[field] = rename(column);
  }
  if (schema.parentColumns) {
    out.parentColumns = Object.fromEntries(Object.entries(schema.parentColumns).map(([child, parent]) => [rename(child), rename(parent)]));
  }
  return out;
}

/** The time columns a schema names. */
export function schemaTimeColumns(schema: Partial<ProcSchema>): string[] {
  return [schema.timeStamp, schema.processCreationTime, schema.parentCreationTime, schema.grandparentCreationTime].filter((c): c is string => !!c);
}

/** The columns a build cannot do without. */
export const REQUIRED_FIELDS = ["processName", "processId", "parentId", "timeStamp"] as const;

/** How well a schema fits a set of columns. */
export interface SchemaFit {
  schema: ProcSchema;
  /** Columns of the schema that are there. */
  matched: number;
  /** Marker columns that are there. */
  markers: number;
  /** Required columns that are not there. */
  missingRequired: string[];
}

/** Every built-in schema's fit to `columns`, best first (ties in {@link PROCESS_SCHEMAS} order). */
export function schemaFits(columns: readonly string[]): SchemaFit[] {
  const have = new Set(columns);
  return PROCESS_SCHEMAS.map((schema, order) => ({
    fit: {
      schema,
      matched: schemaColumns(schema).filter((c) => have.has(c)).length,
      markers: (schema.markers ?? []).filter((c) => have.has(c)).length,
      missingRequired: REQUIRED_FIELDS.map((f) => schema[f]).filter((c) => !have.has(c)),
    },
    order,
  }))
    .sort((a, b) => b.fit.matched + b.fit.markers - (a.fit.matched + a.fit.markers) || b.fit.matched - a.fit.matched || a.order - b.order)
    .map((x) => x.fit);
}

/** Schemas in the lab's own (4688) column names: the names the schema mapping layer adds as copies. */
const LAB_NAMED: ReadonlySet<ProcSchema> = new Set([WIN_EVENT_SCHEMA, WIN_WINDOWSEVENT_SCHEMA]);

/**
 * The built-in schema that best fits `columns`: every required column there,
 * at least 4 of its columns (MSTICPy's threshold), and the most columns in
 * common, counting the table's marker columns too. Ties go to the earlier
 * schema of {@link PROCESS_SCHEMAS} (MSTICPy lets the later one win, an
 * accident of a dict). A schema in the lab's 4688 names is chosen only when
 * no other fits: a frame may carry lab-named copies of its own columns, and
 * its own layout says more (MDE's grandparents, creation times).
 */
export function inferSchema(columns: readonly string[]): ProcSchema | undefined {
  const fitting = schemaFits(columns).filter((f) => f.missingRequired.length === 0 && f.matched >= 4);
  return (fitting.find((f) => !LAB_NAMED.has(f.schema)) ?? fitting[0])?.schema;
}

/** Every built-in layout's image column: one that holds no value in any row counts as absent (see {@link namesWithValues}). */
export const IMAGE_COLUMNS: readonly string[] = [...new Set(PROCESS_SCHEMAS.map((s) => s.processName))];

/**
 * `names` (a frame's fields) without the image columns that hold no value in any row of `events` (null or blank:
 * a Discover or Splunk column chosen but not filled, an OCSF `process.file.path` or osquery `path` left empty), so
 * that a layout whose images are there is chosen (another layout's columns, or a `… (file names)` layout's); all of
 * `names` when no layout fits without them (a Sysmon export whose `Image` is empty: built without images, with a
 * warning).
 */
export function namesWithValues(events: pl.DataFrame, names: readonly string[]): string[] {
  const reduced = fieldsWithValues(events, names, IMAGE_COLUMNS);
  return reduced.length === names.length || inferSchema(reduced) ? reduced : [...names];
}

/**
 * The process schema of a frame (or of a list of column names), or undefined
 * when none fits. Use it to read a frame's process columns whatever its
 * layout: `schema.processName` is the column holding the image, and so on
 * ({@link labColumnsOf} maps them to the lab's 4688 names).
 */
export function inferProcSchema(data: pl.DataFrame | readonly string[]): ProcSchema | undefined {
  if (Array.isArray(data)) return inferSchema(data as readonly string[]);
  // A field without a value (an empty column of a Discover CSV) counts as absent, as buildProcessTree counts it.
  const events = data as pl.DataFrame;
  return inferSchema(namesWithValues(events, columnNames(events)));
}

/**
 * Per row of a tree, the schema whose columns describe it: `schema`, or where its image column is null in a row
 * and another built-in layout the columns fit has one there, that layout. A tree of two layouts' rows (Wazuh
 * Sysmon 1 and 4688 alerts; a Get-WinEvent export's Sysmon 1 and 4688 events) has each layout's columns null in
 * the other's rows, and a column both name may mean another thing there (Sysmon's `processId` is the process,
 * 4688's its creator): its labels are read in each row's own layout. Undefined when every row is `schema`'s.
 */
export function rowSchemas(df: pl.DataFrame, schema: Partial<ProcSchema> | undefined): Partial<ProcSchema>[] | undefined {
  const names = columnNames(df);
  const image = schema?.processName;
  if (!schema || !image || !names.includes(image)) return undefined;
  const own = columnOf(df, image);
  if (own.nullCount() === 0) return undefined;
  const others = schemaFits(names)
    .filter((f) => f.missingRequired.length === 0 && f.matched >= 4 && f.schema.processName !== image)
    .map((f) => ({ schema: f.schema, images: columnOf(df, f.schema.processName).toArray() as unknown[] }));
  if (!others.length) return undefined;
  const mine = own.toArray() as unknown[];
  let changed = false;
  const out = mine.map((v, i) => {
    if (v !== null && v !== undefined) return schema;
    const other = others.find((o) => o.images[i] !== null && o.images[i] !== undefined);
    if (other) changed = true;
    return other?.schema ?? schema;
  });
  return changed ? out : undefined;
}

/** The lab's (Windows 4688, SecurityEvent) name of each mapped field. */
export const LAB_PROCESS_COLUMNS = {
  timeStamp: "TimeGenerated",
  processName: "NewProcessName",
  processId: "NewProcessId",
  parentId: "ProcessId",
  parentName: "ParentProcessName",
  cmdLine: "CommandLine",
  userName: "SubjectUserName",
  userId: "SubjectUserSid",
  logonId: "SubjectLogonId",
  targetLogonId: "TargetLogonId",
  hostName: "Computer",
} as const satisfies Partial<Record<keyof ProcSchema, string>>;

/**
 * `{ lab column: column of the frame }` for the fields the schema maps, e.g.
 * MDE → `{ TimeGenerated: "Timestamp", NewProcessName: "FileName", NewProcessId: "ProcessId", ProcessId: "InitiatingProcessId", … }`.
 * Beware: a lab name may be a different column of the frame (MDE's and
 * Sysmon's `ProcessId` is the new process, 4688's the parent).
 */
export function labColumnsOf(schema: ProcSchema): Partial<Record<(typeof LAB_PROCESS_COLUMNS)[keyof typeof LAB_PROCESS_COLUMNS], string>> {
  const out: Partial<Record<string, string>> = {};
  for (const [field, lab] of Object.entries(LAB_PROCESS_COLUMNS)) {
    const column = schema[field as keyof typeof LAB_PROCESS_COLUMNS];
    if (column) out[lab] = column;
  }
  return out;
}

/** The "nothing fits" error: the closest schema, its missing columns and the frame's columns closest to each. */
function noSchemaError(columns: readonly string[]): ProcessSchemaError {
  // A Get-WinEvent export's close names (its ProcessId) are the log writer's: following them builds a wrong tree.
  if (isWinEventExport(columns)) return new ProcessSchemaError(msg.processSchemaWinEvent(columns, EVTX_DOCS));
  const best = schemaFits(columns)[0];
  const missing = best.missingRequired.length ? best.missingRequired : [];
  const close = missing.map((c) => ({ column: c, close: closestNames(c, columns) }));
  const layouts = PROCESS_SCHEMAS.map((s) => `${s.name} (${REQUIRED_FIELDS.map((f) => s[f]).join(", ")})`);
  return new ProcessSchemaError(msg.processSchemaUnknown(columns, layouts, best.matched > 0 ? { schema: best.schema.name, missing: close } : undefined));
}

/**
 * MSTICPy's `MDE_INT_EVENT_SCH`, in huntlab's field names. Its parent id is
 * `CreatedProcessParentId`, but MSTICPy never builds with it: a schema equal
 * to it is replaced by the inferred one and built by its MDE builder, which
 * keys parents on the `InitiatingProcess*` columns (id, start time,
 * grandparent) — huntlab's {@link MDE_INT_EVENT_SCHEMA}.
 */
const MSTICPY_MDE_INT_FIELDS: Readonly<Partial<ProcSchema>> = {
  ...Object.fromEntries((["timeStamp", "processName", "processId", "logonId", "targetLogonId", "cmdLine", "userName", "pathSeparator", "userId", "hostName"] as const).map((f) => [f, MDE_INT_EVENT_SCHEMA[f]])),
  parentName: "ParentProcessName",
  parentId: "CreatedProcessParentId",
};

/**
 * The schema to build with when a caller gives `schema`: the inferred one
 * (as MSTICPy does) when it has every field of MSTICPy's MDE internal schema
 * with the same value (MSTICPy's `ProcSchema.__eq__`; other fields may be
 * added), else `schema` itself.
 */
export function givenSchema(schema: Partial<ProcSchema> | undefined, columns: readonly string[]): Partial<ProcSchema> | undefined {
  if (!schema) return schema;
  // pathSeparator defaults to "\\" in both.
  const msticpyMde = Object.entries(MSTICPY_MDE_INT_FIELDS).every(([f, v]) => (f === "pathSeparator" ? (schema.pathSeparator ?? "\\") : schema[f as keyof ProcSchema]) === v);
  return (msticpyMde && inferSchema(columns)) || schema;
}

/**
 * A full schema from a partial one: a user schema names at least the required
 * columns; optional ones may be omitted. Without a schema it is inferred.
 */
export function resolveSchema(schema: Partial<ProcSchema> | undefined, columns: readonly string[]): ProcSchema {
  if (!schema) {
    const inferred = inferSchema(columns);
    if (!inferred) throw noSchemaError(columns);
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

/**
 * The columns `addProcessFeatures` reads, in the layout of a frame with these
 * columns (registered with it by src/index.ts): the full image path, the
 * command line and the creating process's logon session.
 */
export function processFeatureColumnsOf(columns: readonly string[]): { processColumn: string; commandLineColumn?: string; logonIdColumn?: string } | undefined {
  const schema = inferSchema(columns);
  if (!schema) return undefined;
  const have = (c: string | undefined): string | undefined => (c && columns.includes(c) ? c : undefined);
  return {
    processColumn: have(schema.processPath) ?? schema.processName,
    commandLineColumn: have(schema.cmdLine),
    logonIdColumn: have(schema.logonId),
  };
}
