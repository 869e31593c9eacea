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
import { dataWarnings } from "../messages";
import { fieldSeries } from "./fields";
import { sysmonHostSplit } from "./winEvent";
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
  /** The process's start time, where the events record it apart from the event time (osquery's `processes` rows). */
  processCreationTime?: string;
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
  let keep = registered?.rows?.(typed, plainSchema);
  if (!keep || keep.len() !== frameHeight(df)) return df;
  // A Wazuh alert without a Windows event id is no Windows event (a file-integrity, rootcheck or agent alert: no
  // `data.win`), not a process event of unknown type: left out, as the alerts of other events are.
  if (WAZUH_LAYOUTS[schema.name] && typeColumns[0]) keep = pl.DataFrame([keep.rename("k"), columnOf(typed, "t0")]).select(pl.col("k").and(pl.col("t0").isNotNull()).alias("k")).getColumn("k");
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
    // A log of osquery's two tables: a `processes` row has no event time, its process's start is its time.
    // Sysmon's UtcTime (Windows and Linux) replaces a Windows export's own TimeGenerated: a plain Get-WinEvent export's is
    // the exporting machine's local time, and the process's end beside it (ProcessEndTime, Sysmon 5) is UtcTime too.
    TimeGenerated: { from: p.name === OSQUERY_BOTH && p.processCreationTime ? [p.timeStamp, p.processCreationTime] : p.timeStamp, as: "time", replaces: p.timeStamp === "UtcTime" },
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
 * other's: the 4688 alerts selected apart from a file of both keep Sysmon's `eventdata` fields, null, in polars'
 * struct, so they are detected as Sysmon 1 and every row was left out. Undefined for other schemas, or when the
 * frame holds the layout's own events.
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

/** A process layout and the rows of a frame read in it (ascending positions in the frame). */
export interface LayoutRows {
  layout: ProcessColumns;
  rows: Uint32Array;
}

/** Positions of the rows of `rows` (the internal frame of {@link wazuhLayoutParts}) where `mask` holds (nulls as false). */
function positions(rows: pl.DataFrame, mask: pl.Expr): Uint32Array {
  return rows.withRowIndex("r").filter(mask.fillNull(false)).getColumn("r").cast(pl.UInt32).toTypedArray() as Uint32Array;
}

/** The rows of `df` at `rows` (positions), every column kept under its name (a column may be named like a frame member). */
export function rowsAt(df: pl.DataFrame, rows: Uint32Array): pl.DataFrame {
  const at = pl.Series("i", rows);
  return withPlainNames(df, (plain) => plain.select(pl.all().gather(at)));
}

/** `WS01 (3)` counts of the hosts (`h`) of the rows of `rows` (internal column names) where `mask` holds. */
function hostCounts(rows: pl.DataFrame, mask: pl.Expr): Map<string, number> {
  const counted = rows.filter(mask.fillNull(false)).groupBy("h").agg(pl.len().alias("n"));
  const hosts = counted.getColumn("h").toArray() as string[];
  const counts = counted.getColumn("n").toArray() as (number | bigint)[];
  return new Map(hosts.map((h, i) => [h, Number(counts[i])]));
}

/**
 * Wazuh alerts of both process layouts (a manager's `alerts.json` holds every agent's Sysmon 1 and Security 4688
 * alerts), each row to be read in its own: per computer (`data.win.system.computer`), as a Get-WinEvent export of
 * both logs is (winEvent.ts), a computer with Sysmon 1 alerts is read from them (their GUIDs link its tree) and its
 * 4688 alerts, the same processes in the other layout, are left out with one `warn`ing naming those computers; the
 * 4688 alerts of the computers without Sysmon are read in the 4688 layout (parents by their hexadecimal ids). The
 * Sysmon part keeps the alerts of other events (its layout leaves them out, as in a file of Sysmon alerts only).
 * Undefined for other schemas, or a frame of one layout's process creations.
 */
export function wazuhLayoutParts(df: pl.DataFrame, schema: ProcessColumns, warn: (message: string) => void, source: string): LayoutRows[] | undefined {
  const sysmon = registered?.schemas.find((s) => s.name === "Wazuh Sysmon 1");
  const security = registered?.schemas.find((s) => s.name === "Wazuh 4688");
  if (!WAZUH_LAYOUTS[schema.name] || !sysmon?.eventIdColumn || !security) return undefined;
  const ids = fieldSeries(df, sysmon.eventIdColumn);
  if (!ids) return undefined;
  const channel = sysmon.eventCategoryColumn ? fieldSeries(df, sysmon.eventCategoryColumn) : undefined;
  const host = sysmon.hostName ? fieldSeries(df, sysmon.hostName) : undefined;
  const n = frameHeight(df);
  const id = pl.col("e").cast(pl.Utf8).str.strip();
  // Sysmon's event 1 as the tree reads it (processEventFilter): on Sysmon's channel, or where no channel is given.
  const onChannel = channel ? pl.col("c").cast(pl.Utf8).eq(pl.lit(String(sysmon.eventCategoryIdentifier))).or(pl.col("c").isNull()) : pl.lit(true);
  const rows = pl
    .DataFrame([ids.rename("e"), (channel ?? pl.Series("c", new Array<null>(n).fill(null), pl.Utf8)).rename("c"), host ? host.cast(pl.Utf8).rename("h") : pl.Series("h", new Array<string>(n).fill(""), pl.Utf8)])
    .select(id.eq(pl.lit(String(sysmon.eventIdIdentifier))).and(onChannel).fillNull(false).alias("s"), id.eq(pl.lit(String(security.eventIdIdentifier))).fillNull(false).alias("w"), pl.col("h").fillNull(pl.lit("")));
  const sysmonHosts = hostCounts(rows, pl.col("s"));
  const securityHosts = hostCounts(rows, pl.col("w"));
  if (!sysmonHosts.size || !securityHosts.size) return undefined;
  const split = sysmonHostSplit(sysmonHosts, securityHosts);
  if (split.leftOut.size) warn(dataWarnings.wazuhProcessLayouts(source, split.leftOutRows, split.sysmonRows, split.leftOutList, split.keptList));
  const parts: LayoutRows[] = [{ layout: sysmon, rows: positions(rows, pl.col("w").not()) }];
  const ofSecurity = positions(rows, pl.col("w").and(pl.col("h").isIn([...sysmonHosts.keys()]).not()));
  if (ofSecurity.length) parts.push({ layout: security, rows: ofSecurity });
  return parts;
}

/** osquery's process tables (processTreeSchema.ts' layouts): the time field of each table's rows. */
const OSQUERY_EVENTS = "osquery process_events";
const OSQUERY_PROCESSES = "osquery processes";
const OSQUERY_BOTH = "osquery process_events and processes";
const OSQUERY_TIMES = { events: "columns.time", processes: "columns.start_time" } as const;
/** The layouts of a log of `processes` rows only (processTreeSchema.ts), whose time is the process's `start_time`. */
const OSQUERY_SNAPSHOT_LAYOUTS = [OSQUERY_PROCESSES, "osquery processes (file names)"];

/**
 * The osquery layout that reads a result log's process rows, by which tables' rows it holds: `process_events`
 * rows have `columns.time`, `processes` rows `columns.start_time` (and no `time`). A log of both (one pack often
 * schedules both) is read in {@link OSQUERY_BOTH}, each row at its own time, in one tree; a log of one table's rows
 * in that table's layout, whatever fields polars' struct keeps (the other table's, null, when its rows were
 * selected apart). Undefined for other schemas, or when `schema` already is the one.
 */
export function osqueryLayoutOfRows(df: pl.DataFrame, schema: ProcessColumns): ProcessColumns | undefined {
  if (![OSQUERY_EVENTS, OSQUERY_PROCESSES, OSQUERY_BOTH].includes(schema.name)) return undefined;
  const time = fieldSeries(df, OSQUERY_TIMES.events);
  const start = fieldSeries(df, OSQUERY_TIMES.processes);
  const n = frameHeight(df);
  const nulls = (s: pl.Series | undefined) => s ?? pl.Series("x", new Array<null>(n).fill(null), pl.Utf8);
  const counts = pl
    .DataFrame([nulls(time).rename("t"), nulls(start).rename("s")])
    .select(pl.col("t").isNotNull().cast(pl.Int64).sum().alias("events"), pl.col("s").isNotNull().and(pl.col("t").isNull()).cast(pl.Int64).sum().alias("processes"))
    .toRecords()[0] as { events: number | bigint; processes: number | bigint };
  const events = Number(counts.events) > 0;
  const processes = Number(counts.processes) > 0;
  const name = events && processes ? OSQUERY_BOTH : events ? OSQUERY_EVENTS : processes ? OSQUERY_PROCESSES : schema.name;
  return name === schema.name ? undefined : registered?.schemas.find((s) => s.name === name);
}

/**
 * The rows of an osquery log's process rows to read, when some are one process twice or more:
 *
 * - a `processes` row (no `time`) of the same host, `pid`, image and `start_time` as an earlier `processes` row: a
 *   scheduled snapshot query sees a running process at every run (each line's `unixTime`), one process seen again,
 *   left out; the earliest sighting (by `unixTime`, then row order) is kept. A `start_time` that differs is another
 *   process that got the pid (pid reuse), kept.
 * - in a log of both tables, a `processes` row of the same host, `pid` and `path` as a `process_events` row, its
 *   `start_time` within a second of that row's `time` (osquery's times are whole seconds, taken apart: the exec's audit
 *   record, the start /proc gives), is the process the event saw start, and is left out. The `process_events` row
 *   wins: it was written as the process started (its command line, its parent then, `cwd`, `auid`), where the
 *   snapshot saw it later (a parent gone makes it init's child).
 *
 * A differential query's `removed` rows (no process start, left out later) play no part. Positions in `df`,
 * ascending; undefined for another layout, or when no row is left out.
 */
export function osqueryRowsOnce(df: pl.DataFrame, layout: ProcessColumns): Uint32Array | undefined {
  const both = layout.name === OSQUERY_BOTH && !!layout.processCreationTime;
  if (!both && !OSQUERY_SNAPSHOT_LAYOUTS.includes(layout.name)) return undefined;
  const n = frameHeight(df);
  const startField = both ? layout.processCreationTime : layout.timeStamp;
  const [host, pid, image, start] = [layout.hostName, layout.processId, layout.processName, startField].map((f) => (f ? fieldSeries(df, f) : undefined));
  const time = both ? fieldSeries(df, layout.timeStamp) : undefined;
  if (!pid || !image || !start || (both && !time)) return undefined;
  const seconds = (s: pl.Series | undefined, name: string) => (s ? s.cast(pl.Utf8).str.strip().cast(pl.Float64, false) : pl.Series(name, new Array<null>(n).fill(null), pl.Float64)).rename(name);
  const text = (s: pl.Series | undefined, name: string) => (s ?? pl.Series(name, new Array<string>(n).fill(""), pl.Utf8)).cast(pl.Utf8).rename(name);
  const action = layout.eventIdColumn ? fieldSeries(df, layout.eventIdColumn) : undefined;
  const rows = pl
    .DataFrame([text(host, "h"), pid.cast(pl.Utf8).str.strip().rename("p"), image.cast(pl.Utf8).rename("x"), seconds(time, "t"), seconds(start, "s"), seconds(fieldSeries(df, "unixTime"), "u"), text(action, "a")])
    .withColumns(pl.col("h").fillNull(pl.lit("")), pl.col("a").fillNull(pl.lit("")))
    .withRowIndex("r");
  // A processes row: no event time, a start time, not a differential query's `removed` row.
  const seenRows = rows.filter(pl.col("t").isNull().and(pl.col("s").isNotNull()).and(pl.col("a").neq(pl.lit("removed"))));
  // The same process at several snapshots: all but its earliest sighting.
  const kept = seenRows.sort(["u", "r"], false, true).unique({ subset: ["h", "p", "x", "s"], keep: "first", maintainOrder: true }).select("r");
  const again = seenRows.select("r").join(kept, { on: "r", how: "anti" });
  let out = again;
  if (both) {
    const events = rows.filter(pl.col("t").isNotNull()).select("h", "p", "x", "t");
    const twice = seenRows
      .select("r", "h", "p", "x", "s")
      .join(events, { on: ["h", "p", "x"], how: "inner" })
      .filter(pl.col("t").minus(pl.col("s")).abs().lessThanEquals(1))
      .select("r");
    out = pl.concat([again, twice]).unique();
  }
  if (!out.height) return undefined;
  return rows.filter(pl.col("r").isIn(out.getColumn("r")).not()).getColumn("r").cast(pl.UInt32).toTypedArray() as Uint32Array;
}

/**
 * The process layout a frame's rows are in, when its columns alone name another: Wazuh 4688 alerts selected apart
 * (polars' struct keeps Sysmon's fields, null), an osquery log of one table's rows or of both. Undefined otherwise.
 * (normalizeEvents, buildProcessTree and processTreeSchema read a frame by it alike.)
 */
export function ownProcessLayout(df: pl.DataFrame, process: ProcessColumns): ProcessColumns | undefined {
  return wazuhLayoutOfRows(df, process) ?? osqueryLayoutOfRows(df, process);
}

/** Time units from the coarsest to the finest. */
const TIME_UNITS = ["ms", "us", "ns"];

/**
 * Frames of several layouts' rows stacked (a column one lacks is null in the other's rows). A time column the layouts
 * parsed to different units or zones (Sysmon's `utcTime` to ms, 4688's `systemTime` to ns) takes the finest unit, in
 * UTC where one is zoned (the layouts' zone-less times are UTC); other types differing take polars' common type.
 */
export function stackLayoutFrames(frames: readonly pl.DataFrame[]): pl.DataFrame {
  if (frames.length === 1) return frames[0];
  type Time = { timeUnit?: string; timeZone?: string };
  const times = new Map<string, Time[]>();
  for (const f of frames) {
    const dtypes = f.dtypes;
    columnNames(f).forEach((n, i) => {
      if (dtypes[i].variant === "Datetime") times.set(n, [...(times.get(n) ?? []), dtypes[i] as unknown as Time]);
    });
  }
  const targets = new Map<string, { unit: string; zone?: string }>();
  for (const [name, kinds] of times) {
    if (new Set(kinds.map((k) => `${k.timeUnit}|${k.timeZone ?? ""}`)).size < 2) continue;
    const unit = TIME_UNITS[Math.max(...kinds.map((k) => TIME_UNITS.indexOf(k.timeUnit ?? "us")))];
    targets.set(name, { unit, zone: kinds.some((k) => k.timeZone) ? "UTC" : undefined });
  }
  const aligned = targets.size
    ? frames.map((f) => {
        const changes = columnNames(f).filter((n) => targets.has(n) && columnOf(f, n).dtype.variant === "Datetime");
        if (!changes.length) return f;
        return withPlainNames(f, (plain, nameOf) =>
          plain.withColumns(
            ...changes.map((n) => {
              const { unit, zone } = targets.get(n)!;
              const own = (columnOf(f, n).dtype as unknown as Time).timeZone;
              const zoned = zone ? (own ? pl.col(nameOf(n)).dt.convertTimeZone(zone) : pl.col(nameOf(n)).dt.replaceTimeZone(zone)) : pl.col(nameOf(n));
              return zoned.cast(pl.Datetime(unit as "ms" | "us" | "ns", zone)).alias(nameOf(n));
            }),
          ),
        );
      })
    : frames;
  return pl.concat([...aligned], { how: "diagonalRelaxed" });
}
