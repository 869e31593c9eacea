/**
 * File creations: the lab's layout (the lab's data has none: MSTICPy's lab reads no file events) and the
 * schemas hunters' exports come in: Sysmon's event 11 (FileCreate), as its EventData columns (EVTX, wevtutil
 * XML, Sysmon for Linux's syslog and journal, the docs' CSV command, a Get-WinEvent export's Message read) or
 * under a Wazuh manager's alerts. docs/schemas.md lists them for users.
 */
import type { EventSchema, LabLayout } from "./types";

/** The lab's file creations: one row per file created, with the process that created it. */
export const LAB_FILE_CREATIONS: LabLayout = {
  name: "File creations",
  labFile: "file_creations (none in the lab's data: your Sysmon export)",
  columns: [
    { name: "TimeGenerated", type: "time", doc: "when the file was created; start/end, timelines" },
    { name: "Computer", type: "text", doc: "the host; host_name filter" },
    { name: "FilePath", type: "text", doc: "the file created, its full path" },
    { name: "FileName", type: "text", doc: "its name (the path's last part)" },
    { name: "FileCreationTime", type: "time", doc: "the creation time the file carries: one set back (timestomped) differs from TimeGenerated" },
    { name: "ProcessName", type: "text", doc: "the image of the process that created it" },
    { name: "ProcessId", type: "any", doc: "that process's id (as the export writes it)" },
    { name: "Account", type: "text", doc: "DOMAIN\\user of that process" },
    { name: "SubjectUserName", type: "text", doc: "the user part" },
  ],
};

/** The one file-creation layout. */
export const FILE_LAYOUTS: readonly LabLayout[] = [LAB_FILE_CREATIONS];

/**
 * Sysmon event 11 (FileCreate) with its EventData fields as columns. A file of several Sysmon events keeps its
 * event 11 rows only (`EventID`: events 2, 15, 23 and 26 name a `TargetFilename` too). The time is Sysmon's `UtcTime`,
 * as for its process creations and ends (process.ts, processEnds.ts), replacing the export's TimeGenerated (kept
 * where a row has no UtcTime): a plain Get-WinEvent export's is the exporting machine's local time, which put a file
 * hours before or after the process that created it; the file's `CreationUtcTime` apart.
 */
export const SYSMON_FILE_CREATE: EventSchema = {
  id: "sysmon-file-create",
  name: "Sysmon 11 file create",
  kind: "fileCreate",
  description: "Sysmon's file creation events (event 11), Windows or Linux: the EventData fields as columns (EVTX, wevtutil XML, syslog, journalctl, the docs' CSV command), or read from a plain Get-WinEvent export's Message.",
  requires: ["UtcTime", "TargetFilename"],
  hints: ["CreationUtcTime", "Image", "ProcessGuid", "ProcessId", "Computer", "EventID"],
  rows: [{ field: "EventID", keep: [11] }],
  columns: {
    TimeGenerated: { from: "UtcTime", as: "time", replaces: true },
    Computer: { from: "Computer", as: "text" },
    FilePath: { from: "TargetFilename", as: "text" },
    FileName: { from: "TargetFilename", as: "fileNamePart" },
    FileCreationTime: { from: ["CreationUtcTime", "UtcTime"], as: "time" },
    ProcessName: { from: "Image", as: "text" },
    ProcessId: { from: "ProcessId", as: "text" },
    Account: { from: "User", as: "text" },
    SubjectUserName: { from: "User", as: "userPart" },
  },
};

/** Sysmon event 11 as a Wazuh manager writes it in `alerts.json` (`data.win.eventdata.*`, names lower-cased first). */
export const WAZUH_SYSMON_FILE_CREATE: EventSchema = {
  id: "wazuh-sysmon-file-create",
  name: "Wazuh alerts, Sysmon 11 file create",
  kind: "fileCreate",
  description: "Sysmon's event 11 in a Wazuh manager's alerts.json (data.win.system, data.win.eventdata), one alert per line.",
  requires: ["data.win.eventdata.utcTime", "data.win.eventdata.targetFilename"],
  hints: ["data.win.eventdata.creationUtcTime", "data.win.eventdata.image", "data.win.system.computer", "rule.id", "agent.name"],
  rows: [
    { field: "data.win.system.eventID", keep: [11], required: true },
    { field: "data.win.system.channel", keep: ["Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"] },
  ],
  columns: {
    TimeGenerated: { from: ["data.win.eventdata.utcTime", "data.win.system.systemTime"], as: "time" },
    Computer: { from: "data.win.system.computer", as: "text" },
    FilePath: { from: "data.win.eventdata.targetFilename", as: "text" },
    FileName: { from: "data.win.eventdata.targetFilename", as: "fileNamePart" },
    FileCreationTime: { from: ["data.win.eventdata.creationUtcTime", "data.win.eventdata.utcTime"], as: "time" },
    ProcessName: { from: "data.win.eventdata.image", as: "text" },
    ProcessId: { from: "data.win.eventdata.processId", as: "text" },
    Account: { from: "data.win.eventdata.user", as: "text" },
    SubjectUserName: { from: "data.win.eventdata.user", as: "userPart" },
  },
};

/** The file-creation schemas, in the order ties are broken. */
export const FILE_SCHEMAS: readonly EventSchema[] = [SYSMON_FILE_CREATE, WAZUH_SYSMON_FILE_CREATE];
