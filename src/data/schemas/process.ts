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
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf, singleValueLists, withPlainNames } from "../../common/frames";
import { fieldSeries } from "./fields";
import { HELPER_PREFIX, type EventSchema, type LabLayout } from "./types";

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
  /** `parentName` is the parent's file name only (Falcon's `ParentBaseFileName`): see {@link processEventSchema}. */
  parentNameIsFileName?: boolean;
  processGuid?: string;
  parentGuid?: string;
  /** The event-type columns and values of process creations, read by the registered `rows`. */
  eventIdColumn?: string;
  eventIdIdentifier?: string | number | readonly (string | number)[];
  eventCategoryColumn?: string;
  eventCategoryIdentifier?: string | number;
}

/** What src/index.ts registers: the process tree's inference and its schemas (for "closest schema" messages). */
export interface ProcessSchemaSource {
  infer: (columns: readonly string[]) => ProcessColumns | undefined;
  schemas: readonly ProcessColumns[];
  /**
   * The rows of a frame that are the schema's process events (the tree's own test of its event-type columns,
   * rows without an event type kept), as a boolean mask; undefined when the schema has no such column or
   * the frame lacks it.
   */
  rows?: (df: pl.DataFrame, schema: ProcessColumns) => pl.Series | undefined;
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

/**
 * Only the schema's process events, as the other kinds keep only theirs: a search's other events (a Falcon
 * search's `DnsRequest`, ECS network events) are left out without a warning, as an OCSF file's other classes are.
 */
export function processEventRows(df: pl.DataFrame, schema: ProcessColumns): pl.DataFrame {
  // Only the event-type columns, under plain names: a frame's other columns may be named like a frame's members
  // (osquery's `columns`), which the tree's test would read as members.
  const names = columnNames(df);
  const typeColumns = [schema.eventIdColumn, schema.eventCategoryColumn].map((c) => (c && names.includes(c) ? c : undefined));
  if (!typeColumns.some((c) => c)) return df;
  const typed = frameOf(typeColumns.flatMap((c, i) => (c ? [columnOf(df, c).rename(`t${i}`)] : [])));
  const plainSchema = { ...schema, eventIdColumn: typeColumns[0] && "t0", eventCategoryColumn: typeColumns[1] && "t1" };
  const keep = registered?.rows?.(typed, plainSchema);
  if (!keep || keep.len() !== frameHeight(df)) return df;
  const kept = Number(keep.cast(pl.Int64).sum());
  if (keep.nullCount() === 0 && kept === keep.len()) return df;
  // The mask as one more column, filtered on and dropped, under plain names (a column may be called `filter`).
  const withMask = frameOf([...names.map((n) => columnOf(df, n)), keep.rename("__hl_keep")]);
  const filtered = withPlainNames(withMask, (plain, nameOf) => plain.filter(pl.col(nameOf("__hl_keep")).fillNull(false)));
  return frameOf(names.map((n) => columnOf(filtered, n)));
}

/** The parent's own image (from its event in the frame, same host and GUID), where the schema names the parent by file name only. */
const PARENT_IMAGE = `${HELPER_PREFIX}parent_image`;

/** Two GUID or id columns in one type: both Int64 when both are numbers (Falcon's ids read from CSV: cheaper to join), else text. */
function sameIdType(a: pl.Series, b: pl.Series): [pl.Series, pl.Series] {
  const numeric = (s: pl.Series) => /^(U?Int|Float)/.test(s.dtype.variant);
  // Whole floats (a CSV integer column with a blank) as integers, not "420.0".
  const asText = (s: pl.Series) => (/^Float/.test(s.dtype.variant) ? s.cast(pl.Int64).cast(pl.Utf8) : s.cast(pl.Utf8));
  return numeric(a) && numeric(b) ? [a.cast(pl.Int64), b.cast(pl.Int64)] : [asText(a), asText(b)];
}

/** `df` with {@link PARENT_IMAGE}: the image of the row whose `processGuid` is this row's `parentGuid`, on the same host; null where none. */
function withParentImages(df: pl.DataFrame, p: ProcessColumns): pl.DataFrame {
  const own = p.processGuid ? fieldSeries(df, p.processGuid) : undefined;
  const parent = p.parentGuid ? fieldSeries(df, p.parentGuid) : undefined;
  const image = fieldSeries(df, p.processName);
  if (!own || !parent || !image) return df;
  const n = frameHeight(df);
  const hostSeries = p.hostName ? fieldSeries(df, p.hostName) : undefined;
  const host = hostSeries ? pl.DataFrame([hostSeries.cast(pl.Utf8).rename("h")]).select(pl.col("h").fillNull(pl.lit(""))).getColumn("h") : pl.Series("h", new Array<string>(n).fill(""));
  const [ownIds, parentIds] = sameIdType(own, parent);
  // One image per (host, GUID): a GUID names one process, so any of its rows will do.
  const known = pl
    .DataFrame([host.rename("h"), ownIds.rename("g"), image.cast(pl.Utf8).rename("i")])
    .filter(pl.col("g").isNotNull().and(pl.col("i").isNotNull()).and(pl.col("i").neq(pl.lit(""))))
    .unique({ subset: ["h", "g"], keep: "any" });
  const found = pl
    .DataFrame([host.rename("h"), parentIds.rename("g")])
    .withRowIndex("r")
    .join(known, { on: ["h", "g"], how: "left" })
    .sort("r")
    .getColumn("i");
  return frameOf([...columnNames(df).map((c) => columnOf(df, c)), found.rename(PARENT_IMAGE)]);
}

/** Domain columns of the layouts that keep the domain apart from the user (MDE, ECS, OCSF, 4688 and Wazuh's 4688). */
const DOMAIN_FIELDS = ["AccountDomain", "InitiatingProcessAccountDomain", "user.domain", "actor.user.domain", "SubjectDomainName", "data.win.eventdata.subjectDomainName"];

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
  // A file name only (Falcon's ParentBaseFileName): the parent's own full image where its event is in the data.
  const fileOnly = !!(p.parentName && p.parentNameIsFileName && p.processGuid && p.parentGuid);
  if (p.parentName) columns.ParentProcessName = { from: fileOnly ? [PARENT_IMAGE, p.parentName] : p.parentName, as: "text" };
  return {
    id: p.name,
    name: p.name,
    kind: "process",
    description: `process events in the ${p.name} layout (inferred by the process tree)`,
    requires: [p.processName, p.processId, p.parentId, p.timeStamp],
    columns,
    // An API's lists of one value (Carbon Black Cloud's `process_cmdline: ["…"]`) are their value, as the tree reads them.
    prepare: (df: pl.DataFrame) => {
      const flat = singleValueLists(df, [p.processName, p.processId, p.parentId, p.cmdLine, p.userName, p.hostName, p.parentName, p.processGuid, p.parentGuid].filter((c): c is string => !!c));
      return fileOnly ? withParentImages(flat, p) : flat;
    },
  };
}

/** The Wazuh process layouts' event ids (processTreeSchema.ts: `Wazuh Sysmon 1`, `Wazuh 4688`), by name. */
const WAZUH_LAYOUTS: Readonly<Record<string, { id: number; other: string; otherId: number; otherLayout: string }>> = {
  "Wazuh Sysmon 1": { id: 1, other: "4688", otherId: 4688, otherLayout: "Wazuh 4688" },
  "Wazuh 4688": { id: 4688, other: "Sysmon 1", otherId: 1, otherLayout: "Wazuh Sysmon 1" },
};

/**
 * The other Wazuh process layout when a frame detected as one holds none of its process creations but some of the
 * other's: the 4688 alerts selected apart from a file of both (as the left-out warning advises) keep Sysmon's
 * `eventdata` fields, null, in polars' struct, so they are detected as Sysmon 1 and every row was left out.
 * Undefined for other schemas, or when the frame holds the layout's own events.
 */
export function wazuhLayoutOfRows(df: pl.DataFrame, schema: ProcessColumns): ProcessColumns | undefined {
  const layout = WAZUH_LAYOUTS[schema.name];
  const ids = layout && schema.eventIdColumn ? fieldSeries(df, schema.eventIdColumn) : undefined;
  if (!layout || !ids) return undefined;
  const category = schema.eventCategoryColumn ? fieldSeries(df, schema.eventCategoryColumn) : undefined;
  const id = pl.col("e").cast(pl.Utf8).str.strip();
  const ownId = id.eq(pl.lit(String(layout.id)));
  const own = category && schema.eventCategoryIdentifier !== undefined ? ownId.and(pl.col("c").cast(pl.Utf8).eq(pl.lit(String(schema.eventCategoryIdentifier)))) : ownId;
  const counts = pl
    .DataFrame([ids.rename("e"), ...(category ? [category.rename("c")] : [])])
    .select(own.fillNull(false).cast(pl.Int64).sum().alias("own"), id.eq(pl.lit(String(layout.otherId))).fillNull(false).cast(pl.Int64).sum().alias("other"))
    .toRecords()[0] as { own: number | bigint; other: number | bigint };
  if (Number(counts.own) > 0 || Number(counts.other) === 0) return undefined;
  return registered?.schemas.find((s) => s.name === layout.otherLayout);
}

/**
 * The rows of a Wazuh alerts frame read in one process layout that are the other's process creations (a Sysmon 1
 * frame's 4688 alerts), which the mapping leaves out as another event: counted so that it is said. 0 for other schemas.
 */
export function wazuhOtherLayoutRows(df: pl.DataFrame, schema: ProcessColumns): { count: number; layout: string } {
  const layout = WAZUH_LAYOUTS[schema.name];
  const ids = layout && schema.eventIdColumn ? fieldSeries(df, schema.eventIdColumn) : undefined;
  if (!layout || !ids) return { count: 0, layout: "" };
  // Sysmon's event 1 only on its channel: another channel's event 1 (Kernel-General's time change) is no Sysmon alert.
  const other = registered?.schemas.find((s) => s.name === layout.otherLayout);
  const channel = other?.eventCategoryColumn && other.eventCategoryIdentifier !== undefined ? fieldSeries(df, other.eventCategoryColumn) : undefined;
  const isOther = pl.col("e").str.strip().eq(pl.lit(String(layout.otherId)));
  const count = pl
    .DataFrame([ids.cast(pl.Utf8).rename("e"), ...(channel ? [channel.cast(pl.Utf8).rename("c")] : [])])
    .select((channel ? isOther.and(pl.col("c").eq(pl.lit(String(other?.eventCategoryIdentifier)))) : isOther).fillNull(false).cast(pl.Int64).sum().alias("n"))
    .getColumn("n")
    .toArray()[0];
  return { count: Number(count ?? 0), layout: layout.other };
}

/** osquery's two process tables (processTreeSchema.ts' layouts) and their time fields. */
const OSQUERY_TABLES: Readonly<Record<string, { time: string; other: string; otherTime: string }>> = {
  "osquery process_events": { time: "columns.time", other: "osquery processes", otherTime: "columns.start_time" },
  "osquery processes": { time: "columns.start_time", other: "osquery process_events", otherTime: "columns.time" },
};

/**
 * For an osquery result log read in one process table's layout: the other table's rows (its time field set, this
 * one's null: one pack often schedules both), which map to no time and link to no parent; and that table's layout
 * when every row is the other table's (its rows selected apart: polars' struct keeps the first table's fields,
 * null, so it is detected as that one). `{ count: 0 }` for other schemas.
 */
export function osqueryOtherTableRows(df: pl.DataFrame, schema: ProcessColumns): { count: number; table?: string; layout?: ProcessColumns } {
  const table = OSQUERY_TABLES[schema.name];
  const other = table && fieldSeries(df, table.otherTime);
  if (!table || !other) return { count: 0 };
  const own = fieldSeries(df, table.time);
  const counts = pl
    .DataFrame([other.rename("o"), ...(own ? [own.rename("t")] : [])])
    .select(pl.col("o").isNotNull().and(own ? pl.col("t").isNull() : pl.lit(true)).cast(pl.Int64).sum().alias("other"), (own ? pl.col("t").isNotNull() : pl.lit(false)).cast(pl.Int64).sum().alias("own"))
    .toRecords()[0] as { own: number | bigint; other: number | bigint };
  const count = Number(counts.other);
  if (count === 0) return { count: 0 };
  const name = table.other.replace("osquery ", "");
  if (Number(counts.own) === 0) return { count, table: name, layout: registered?.schemas.find((s) => s.name === table.other) };
  return { count, table: name };
}
