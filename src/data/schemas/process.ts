/**
 * Process-creation events onto the lab's Windows 4688 names. Which column
 * holds the image, the command line, the user… is the process-tree schema's
 * knowledge (src/transform/processTreeSchema.ts: 4688, Sysmon 1, MDE, auditd,
 * ECS, OCSF). data/ may not import transform/, so src/index.ts registers that
 * inference here ({@link registerProcessSchemas}), as it registers the query
 * browser.
 *
 * Only descriptive columns are added (time, image, command line, user, host,
 * parent image). The ids stay in the export's own columns, which is where
 * `buildProcessTree` reads them: a lab-named `ProcessId` would clash with
 * MDE's and Sysmon's `ProcessId`, which is the new process, not the parent.
 */
import type { EventSchema, LabLayout } from "./types";

/** The lab's process events (`process_tree`, `processes_on_host`): SecurityEvent 4688. */
export const LAB_PROCESSES: LabLayout = {
  name: "Windows 4688 process creation",
  labFile: "process_tree.parquet, processes_on_host.parquet",
  columns: [
    { name: "TimeGenerated", type: "time", doc: "when; start/end" },
    { name: "Account", type: "text", doc: "DOMAIN\\user; account_name filter, decoded command lines table" },
    { name: "Computer", type: "text", doc: "the host; host_name filter" },
    { name: "NewProcessName", type: "text", doc: "the image; process_name filter" },
    { name: "NewProcessId", type: "any", doc: "the new process's id (process tree)" },
    { name: "ProcessId", type: "any", doc: "its parent's id (process tree)" },
    { name: "ParentProcessName", type: "text", doc: "the parent's image" },
    { name: "CommandLine", type: "text", doc: "base64 decoding, IoC extraction; commandline filter" },
    { name: "SubjectUserName", type: "text", doc: "the user; process tree legend" },
  ],
};

/** The one process layout. */
export const PROCESS_LAYOUTS: readonly LabLayout[] = [LAB_PROCESSES];

/**
 * The columns of a process schema this layer reads: a structural subset of
 * the process tree's `ProcSchema`, so that its schemas are accepted as they are.
 */
export interface ProcessColumns {
  name: string;
  processName: string;
  processId: string;
  parentId: string;
  timeStamp: string;
  cmdLine?: string;
  userName?: string;
  hostName?: string;
  parentName?: string;
}

/** What src/index.ts registers: the process tree's inference and its schemas (for "closest schema" messages). */
export interface ProcessSchemaSource {
  infer: (columns: readonly string[]) => ProcessColumns | undefined;
  schemas: readonly ProcessColumns[];
}

let registered: ProcessSchemaSource | undefined;

/** Makes the process tree's schemas available to `normalizeEvents(df, "process")`. */
export function registerProcessSchemas(source: ProcessSchemaSource): void {
  registered = source;
}

/** The registered schemas, or undefined before src/index.ts ran. */
export function processSchemaSource(): ProcessSchemaSource | undefined {
  return registered;
}

/** Domain columns of the layouts that keep the domain apart from the user (MDE, ECS, OCSF). */
const DOMAIN_FIELDS = ["AccountDomain", "InitiatingProcessAccountDomain", "user.domain", "actor.user.domain", "SubjectDomainName"];

/** The schema table that maps a process layout onto the lab's names. */
export function processEventSchema(p: ProcessColumns): EventSchema {
  const columns: Record<string, EventSchema["columns"][string]> = {
    TimeGenerated: { from: p.timeStamp, as: "time" },
    NewProcessName: { from: p.processName, as: "text" },
  };
  if (p.cmdLine) columns.CommandLine = { from: p.cmdLine, as: "text" };
  if (p.userName) {
    columns.SubjectUserName = { from: p.userName, as: "userPart" };
    columns.Account = { account: { domain: DOMAIN_FIELDS, user: p.userName } };
  }
  if (p.hostName) columns.Computer = { from: p.hostName, as: "text" };
  if (p.parentName) columns.ParentProcessName = { from: p.parentName, as: "text" };
  return {
    id: p.name,
    name: p.name,
    kind: "process",
    description: `process events in the ${p.name} layout (inferred by the process tree)`,
    requires: [p.processName, p.processId, p.parentId, p.timeStamp],
    columns,
  };
}
