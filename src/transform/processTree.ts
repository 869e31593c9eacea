/**
 * `buildProcessTree`: links process-creation events into trees, after MSTICPy's
 * `build_process_tree` (its process-tree builder, v3).
 *
 * Rules (MSTICPy's, with the deliberate differences marked *):
 * - Rows that are not process creations (schema event id) are left out, and
 *   exact duplicate rows are dropped (the same event exported twice).
 * - A process's key is `image (lower case)|pid|time` with the time as
 *   `YYYY-MM-DD HH:MM:SS.ffffff` (rounded to 10 µs): PIDs are reused, so the id
 *   alone is not unique.
 * - Its parent is the latest process, at or before its own time, whose id is
 *   its parent id and (where the events name the parent image) whose image
 *   has that file name, case-insensitively. *Only on the same host (MSTICPy
 *   ignores the host). A process is never its own parent; a null parent id
 *   makes a root (no invented parent).
 * - *Where the events carry process GUIDs (schema `processGuid` and
 *   `parentGuid`: Sysmon `ProcessGuid`, ECS `process.entity_id`, OCSF
 *   `process.uid`, both columns in the data), a child naming a parent GUID
 *   (not empty, not all zeros) has for parent the process of its host with
 *   that GUID, whatever the ids and times say (the latest holder at or before
 *   it when a GUID repeats, else the first). When no process has it, the
 *   inferred parent is one per host and GUID. Rows without a parent GUID
 *   keep the id and time rules; a data set may mix both.
 * - Where the events record the parent's start time (MDE
 *   `InitiatingProcessCreationTime`), the parent must also have started then
 *   (within `creationTimeToleranceMs`, default 1 ms): never a process that
 *   started after it, nor an earlier holder of the id. Times are the
 *   process's own creation time where the schema has one (MDE
 *   `ProcessCreationTime`), else the event time; keys use them too.
 * - A child whose parent is not in the data gets an inferred parent (one per
 *   host, parent id and parent image, and recorded start time). Without a
 *   recorded start its key's time is the epoch, as in MSTICPy, and *its time
 *   column is null. With one (MDE, OCSF, ECS) it is rebuilt as MSTICPy does,
 *   from the child's columns: image, id, command line, start time, account,
 *   folder…, and linked further up through the grandparent columns
 *   (`InitiatingProcessParent*`) to a process of the data, another rebuilt
 *   parent, or a rebuilt grandparent. `IsInferred` marks them all. *Its id
 *   reads like the children's parent id: 420, not "420.0", from a float
 *   column (a CSV integer column with a null) whose values are all whole.
 * - *A missing (null) parent image is treated like an empty one, "unknown"
 *   (MSTICPy turns "" into "unknown" but keeps null, which gives a null key and
 *   an orphaned child).
 * - *Two different processes with the same key (times exported at minute
 *   resolution, as in the lab's processes_on_host) are both kept: the second
 *   gets `#2`, the third `#3` appended to its key. MSTICPy keeps only the first
 *   row per key and silently drops the rest (502 of the lab's 22,979 rows).
 * - `IsRoot` = no parent, `IsLeaf` = no children, `IsBranch` = neither;
 *   `NodeRole` says the same in one word (`root`, `branch`, `leaf`, or
 *   `isolated` for a root without children).
 * - `source_index` = *the row's position in the input (inferred parents
 *   numbered after the last row)*, zero-padded to at least 5 digits; `path` =
 *   the source_index values from the root down, `/`-separated; `Level` = the
 *   number of path segments (roots are 1, as in MSTICPy's plot).
 * - *A parent cycle (processes that would be each other's ancestors: coarse
 *   or equal times, parent GUIDs that contradict the times, forged events) is
 *   cut above its earliest process, which becomes a root, with a warning.
 *   MSTICPy leaves them and all they started without a root (Level 1, a path
 *   of their own), which `ptree.getRoots` never reaches.
 * - Rows come out in tree order: each root, then its descendants depth first,
 *   siblings by time (MSTICPy sorts by path string, which is the same order
 *   when source_index follows time).
 */
import pl from "nodejs-polars";
import { closestNames, findUnknownOption } from "../common/errors";
import { isObjectRecord } from "../common/json";
import { columnNames, columnOf, columnTypes, frameHeight, frameOf, isDataFrame, renameAll, shadowsFrameMember } from "../common/frames";
import { emptyFields, fieldNames, fieldSeries } from "../data/schemas/fields";
import { mapLayoutParts, timeCreatedWarned, winEventFields, winEventLayoutParts, winEventLayoutRows, winEventsOfKind } from "../data/schemas/winEvent";
import { insertionStringWords } from "../data/schemas/insertionStrings";
import { withProcessEnds } from "../data/schemas/processEnds";
import { inLabLayout } from "../data/schemas/convert";
import { isOsqueryLog, osqueryOtherQueriesWarning, osqueryProcessRowPositions, osquerySnapshotRows, osquerySnapshotRowsLeftOut } from "../data/schemas/osquery";
import { dataWarnings } from "../data/messages";
import { PROCESS_LAYOUTS, osqueryRowsOnce, ownProcessLayout, rowsAt, wazuhLayoutParts, type ProcessColumns } from "../data/schemas/process";
import { stackTreeParts } from "./processTreeParts";
import { COLUMN_FIELDS, givenSchema, inferSchema, MSTICPY_SCHEMA_KEYS, namesWithValues, PROC_SCHEMA_KEYS, PROCESS_SCHEMAS, ProcessSchemaError, renameSchemaColumns, resolveSchema, schemaColumns, type ProcSchema } from "./processTreeSchema";
import { transformMessages as msg, transformWarnings } from "./messages";
import { printWarning } from "../common/messages";
import { PARENT_CLOCK_SKEW_MS, PROCESS_TREE_COLUMNS, ProcessTreeError, assembleTree, cutParentCycles, matchParents, matchSkewedParents, processEvents, processKeys, processNodes, sharedProcessId, treeLayout, type ProcessEvents, type TreeRowOrder } from "./processTreeSteps";
import { quotedText, shownText } from "../common/shownText";
import { withRichLastValue } from "../display/lastValue";
import { wideIntsAsText } from "../common/wideInts";
import { notAFrameText } from "../common/notAFrame";

export { PROCESS_TREE_COLUMNS, ProcessTreeError, type TreeRowOrder } from "./processTreeSteps";

/** Options of {@link buildProcessTree}. */
export interface BuildProcessTreeOptions {
  /**
   * Column mapping of the events. Default: inferred from the column names
   * (Windows 4688 SecurityEvent and WindowsEvent, Sysmon 1, MDE, Linux
   * auditd, Elastic ECS, OCSF; see processTreeSchema.ts). A partial schema
   * must name at least processName, processId, parentId and timeStamp.
   * MSTICPy's MDE internal schema written out (`parentId:
   * "CreatedProcessParentId"`…) is read as MSTICPy reads it: the inferred
   * schema, built the MDE way. MSTICPy's key names (`process_name`,
   * `host_name_column`…, null for its None) are read as huntlab's.
   */
  schema?: Partial<ProcSchema>;
  /**
   * Slack, in ms, between the parent start time a child records (MDE
   * `InitiatingProcessCreationTime`) and the parent's own start time
   * (`ProcessCreationTime`, or its event time when there is none). Raise it
   * when the events are logged later than the processes start. Default 1.
   */
  creationTimeToleranceMs?: number;
  /**
   * Row order of the result. `"tree"` (default): each root, then its
   * descendants depth first, siblings by time. `"input"`: the events in the
   * order given, inferred parents after them, with the same columns and
   * values; sorting by `path` gives MSTICPy's order. Putting 10M rows in tree
   * order costs a sort of the whole frame, about a fifth of the build's peak
   * memory: take `"input"` for big data that you filter before you look.
   */
  order?: TreeRowOrder;
  /** Where warnings go (a process id column that is probably not the processes' own; a Get-WinEvent export's Messages not in English). Default: printed. */
  warn?: (message: string) => void;
}

/**
 * Builds process trees from process-creation events (see the module comment
 * for the rules). Returns the events (plus inferred parents) with the tree
 * columns {@link PROCESS_TREE_COLUMNS}, in tree order.
 */
export function buildProcessTree(procs: pl.DataFrame, options: BuildProcessTreeOptions = {}): pl.DataFrame {
  // From an untyped cell (Deno, JavaScript): a query not awaited, a lazy frame, rows… named, not a TypeError deep in the build.
  if (!isDataFrame(procs)) throw new ProcessTreeError(msg.processTreeInput("buildProcessTree", notAFrameText(procs)));
  options = checkOptions(options);
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  // A plain Get-WinEvent export: its events' fields (true process ids, parent) read out of the Message text first.
  // A frame from readDataFile whose TimeCreated the reader warned about is not warned about twice.
  procs = winEventFields(wideIntsAsText(procs), { warn: options.warn ?? printWarning, source: "buildProcessTree", timeCreatedWarned: timeCreatedWarned(procs) });
  // Sysmon 5 (process ended) rows give their process's creation row its end time (ProcessEndTime), before the rows are cut to creations.
  procs = withProcessEnds(procs);
  // An osquery result log as read, with snapshot lines (one line holding every row of a `processes` run): one row per
  // result row, as normalizeEvents makes them. Before, each snapshot line was one nameless node and its processes
  // were lost, without a word. source_index then counts the rows made (the differential lines' first, as they were).
  if (isOsqueryLog(procs) && columnNames(procs).includes("snapshot")) {
    const leftOut = osquerySnapshotRowsLeftOut(procs);
    if (leftOut) (options.warn ?? printWarning)(dataWarnings.osquerySnapshotRowsLeftOut("buildProcessTree", leftOut));
    procs = osquerySnapshotRows(procs);
  }
  // Rows of other scheduled queries (listening_ports, users…) in the same log: no processes (they were nameless
  // nodes), left out with one warning naming the queries. Not with a schema given: its rows are the caller's choice.
  // Built on the process rows, numbered as the input's rows (source_index), as the layout parts below.
  const processRows = !options.schema && isOsqueryLog(procs) ? osqueryProcessRowPositions(procs) : undefined;
  if (processRows) {
    const other = osqueryOtherQueriesWarning("buildProcessTree", procs);
    if (other) (options.warn ?? printWarning)(other);
    return withRichLastValue(stackTreeParts([{ tree: buildProcessTree(rowsAt(procs, processRows), options), rows: processRows }], frameHeight(procs), options.order));
  }
  // Its process events only: a file of both logs has 4688 and Sysmon 1 rows, two layouts of the same processes (Sysmon's taken, said).
  if (!options.schema) {
    procs = winEventsOfKind(procs, "process", { warn: options.warn ?? printWarning, source: "buildProcessTree" });
    // Sysmon 1 rows of some hosts, 4688 rows of others (a WEF export): each layout's trees built apart (a tree never
    // spans hosts), stacked, the Sysmon hosts' first.
    const parts = winEventLayoutParts(procs);
    if (parts.length > 1) {
      // Numbered as one tree (source_index the row of this frame, keys unique), as the Wazuh parts below.
      const rows = winEventLayoutRows(procs);
      const built = mapLayoutParts(parts, (part) => ({ tree: buildProcessTree(part, options), rows: rows[parts.indexOf(part)] }), options.warn ?? printWarning, "buildProcessTree");
      return withRichLastValue(stackTreeParts(built, frameHeight(procs), options.order));
    }
    // Wazuh alerts of Sysmon 1 and of 4688 (a manager's alerts.json): each alert read in its own layout (per
    // computer, as above), one tree. Wazuh 4688 alerts selected apart, an osquery log of one table or both: their layout.
    const inferred = inferredSchema(procs);
    const layouts = inferred && wazuhLayoutParts(procs, inferred, options.warn ?? printWarning, "buildProcessTree");
    if (layouts) {
      const built = layouts.map(({ layout, rows }) => ({ tree: buildProcessTree(rowsAt(procs, rows), { ...options, schema: builtInSchema(layout) }), rows }));
      return withRichLastValue(stackTreeParts(built, frameHeight(procs), options.order));
    }
    const own = inferred && ownProcessLayout(procs, inferred);
    if (own) options = { ...options, schema: builtInSchema(own) };
    // An osquery log of both process tables: a process both saw is one node, its process_events row (osqueryRowsOnce);
    // numbered as the frame's rows, as the parts above.
    const layout = own ?? inferred;
    const once = layout && osqueryRowsOnce(procs, layout);
    if (layout && once) return withRichLastValue(stackTreeParts([{ tree: buildProcessTree(rowsAt(procs, once), { ...options, schema: builtInSchema(layout) }), rows: once }], frameHeight(procs), options.order));
  }
  // EventData's %%1936… as the Message's words, as normalizeEvents writes them (a tree of a JSON or EventData export and
  // one of the same events' Messages agree). Not in the lab's own layout: its processes show %%1936, as MSTICPy's.
  if (!inLabLayout(procs, PROCESS_LAYOUTS)) procs = insertionStringWords(procs);
  procs = withNestedFields(procs, options.schema);
  const names = columnNames(procs);
  const schema = withoutEmptyParentName(schemaFor(options.schema, options.schema ? names : namesWithValues(procs, names)), procs);
  // No layout reads images elsewhere (namesWithValues kept the column): say so, rather than build nameless processes silently.
  if (emptyFields(procs, names, [schema.processName]).length) (options.warn ?? printWarning)(transformWarnings.emptyImages(schema.processName, schema.name));
  // Columns the build cannot take under their own names: those that shadow a member of polars' frame proxy
  // (`height`, `filter`, `columns`…, which the steps call) or an internal name, and a column the schema reads
  // that is named like an output column (osquery's `path` is the image). They go in under plain names.
  const used = new Set([...schemaColumns(schema), ...Object.entries(schema.parentColumns ?? {}).flat()]);
  const outputNamed = (name: string): boolean => (PROCESS_TREE_COLUMNS as readonly string[]).includes(name);
  const inside = new Map<string, string>();
  names.forEach((name, i) => {
    if (shadowsFrameMember(name) || (used.has(name) && outputNamed(name))) inside.set(name, unusedName(`hl_input_${i}`, names));
  });
  if (!inside.size) return remembered(withRichLastValue(build(procs, schema, options)), schema);
  const tree = build(renameAll(procs, names.map((n) => inside.get(n) ?? n)), renameSchemaColumns(schema, (c) => inside.get(c) ?? c), options);
  // Back to their names; one named like an output column keeps its values as `<name>_source` (as base64.unpackDf does).
  const treeNames = columnNames(tree);
  const outside = new Map([...inside].map(([name, plain]) => [plain, outputNamed(name) ? unusedName(`${name}_source`, [...names, ...treeNames]) : name]));
  const out = withRichLastValue(renameAll(tree, treeNames.map((n) => outside.get(n) ?? n)));
  return remembered(out, renameSchemaColumns(schema, (c) => outside.get(inside.get(c) ?? "") ?? c));
}

/** The built-in schema of a layout the schema layer names (it holds the same objects, registered by src/index.ts). */
function builtInSchema(layout: ProcessColumns): ProcSchema {
  return PROCESS_SCHEMAS.find((s) => s.name === layout.name) ?? (layout as ProcSchema);
}

/** Every option of {@link BuildProcessTreeOptions}: another name (`Order`, `schemas`) would be ignored, silently. */
const OPTION_NAMES = ["schema", "creationTimeToleranceMs", "order", "warn"] as const satisfies readonly (keyof BuildProcessTreeOptions)[];

/**
 * A schema written with MSTICPy's key names (`process_name`, `host_name_column`…) in huntlab's; a key of
 * MSTICPy's set to null (its None) is not given. Other keys, and other values, as written.
 */
export function inHuntlabNames(schema: Partial<ProcSchema>): Partial<ProcSchema> {
  if (!isObjectRecord(schema) || !Object.keys(schema).some((k) => Object.hasOwn(MSTICPY_SCHEMA_KEYS, k))) return schema;
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(schema)) {
    const field = Object.hasOwn(MSTICPY_SCHEMA_KEYS, key) ? MSTICPY_SCHEMA_KEYS[key] : key;
    if (field === key) entries.push([key, value]);
    else if (Object.hasOwn(schema, field)) throw new ProcessTreeError(msg.processTreeOption(`schema.${key}`, value, `left out: it is MSTICPy's name of ${field}, which is given too`));
    else if (value !== null) entries.push([field, value]);
  }
  return Object.fromEntries(entries) as Partial<ProcSchema>;
}

/** Options from untyped cells (Deno, JavaScript) are checked here, before any work; the schema comes back in huntlab's key names. */
function checkOptions(options: BuildProcessTreeOptions): BuildProcessTreeOptions {
  if (!isObjectRecord(options)) throw new ProcessTreeError(msg.processTreeOptions(options, OPTION_NAMES));
  const unknown = findUnknownOption(options, OPTION_NAMES);
  if (unknown) throw new ProcessTreeError(msg.processTreeOptionUnknown(unknown, OPTION_NAMES));
  const { order, creationTimeToleranceMs: tolerance } = options;
  if (options.schema !== undefined && !isObjectRecord(options.schema)) throw new ProcessTreeError(msg.processTreeOption("schema", options.schema, "an object naming columns (processName, processId, parentId, timeStamp…)"));
  const schema = options.schema && inHuntlabNames(options.schema);
  if (schema !== undefined) {
    // A misspelt field (`hostname`) or a column named by a number was skipped: parents matched across hosts.
    const misspelt = findUnknownOption(schema, PROC_SCHEMA_KEYS);
    if (misspelt) throw new ProcessTreeError(msg.processTreeOption(`schema.${misspelt.option}`, schema[misspelt.option as keyof ProcSchema], `a field of a process schema${misspelt.suggestion ? ` (did you mean ${misspelt.suggestion}?)` : ""}; the fields are ${PROC_SCHEMA_KEYS.join(", ")}`));
    const notText = COLUMN_FIELDS.find((f) => schema[f] !== undefined && typeof schema[f] !== "string");
    if (notText) throw new ProcessTreeError(msg.processTreeOption(`schema.${notText}`, schema[notText], "a column name"));
  }
  if (options.warn !== undefined && typeof options.warn !== "function") throw new ProcessTreeError(msg.processTreeOption("warn", options.warn, "a function taking the warning text"));
  if (order !== undefined && order !== "tree" && order !== "input") throw new ProcessTreeError(msg.processTreeOption("order", order, '"tree" or "input"'));
  if (tolerance !== undefined && !(typeof tolerance === "number" && tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new ProcessTreeError(msg.processTreeOption("creationTimeToleranceMs", tolerance, "a number of ms, 0 or more"));
  }
  return schema === options.schema ? options : { ...options, schema };
}

/** The schema each tree was built with, in the tree's column names: `plotProcessTree(tree)` labels a custom layout without it given again. */
const builtWith = new WeakMap<pl.DataFrame, ProcSchema>();

function remembered(tree: pl.DataFrame, schema: ProcSchema): pl.DataFrame {
  builtWith.set(tree, schema);
  return tree;
}

/** The schema {@link buildProcessTree} built `tree` with (its column names as in `tree`), or undefined for a frame it did not return. */
export function builtSchemaOf(tree: pl.DataFrame): ProcSchema | undefined {
  return builtWith.get(tree);
}

function build(procs: pl.DataFrame, schema: ProcSchema, options: BuildProcessTreeOptions): pl.DataFrame {
  const events = processEvents(procs, schema, options.warn ?? printWarning);
  const shared = sharedProcessId(events.events, schema);
  if (shared) (options.warn ?? printWarning)(transformWarnings.sharedProcessId(schema.processId, shared));
  const { nodes, skewed } = linkedNodes(events, options.creationTimeToleranceMs);
  if (skewed) (options.warn ?? printWarning)(transformWarnings.parentsAfterChildren(skewed.count, PARENT_CLOCK_SKEW_MS, skewExample(events, skewed)));
  const cuts = cutParentCycles(nodes.parent, nodes.order);
  if (cuts.length) (options.warn ?? printWarning)(transformWarnings.parentCycles(cuts.length, cycleExample(events, nodes, cuts[0].cycle)));
  const layout = treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width);
  // Nothing reads the steps' arrays after the assembly: it frees them as it goes (`release`).
  return assembleTree(events, nodes, layout, options.order, { release: true, warn: options.warn ?? printWarning });
}

/** Most processes of a cycle a warning names. */
const CYCLE_EXAMPLE_PROCESSES = 4;

/** The processes of a parent cycle as a warning names them: image, [id] and input row (an inferred parent as such). */
function cycleExample(events: ProcessEvents, nodes: ReturnType<typeof processNodes>, cycle: readonly number[]): string[] {
  const n = frameHeight(events.events);
  const image = columnOf(events.events, events.schema.processName);
  const id = columnOf(events.events, events.schema.processId);
  const shown = cycle.slice(0, CYCLE_EXAMPLE_PROCESSES).map((i) => {
    if (i >= n) return `an inferred parent (source_index ${String(nodes.sourceIndex[i]).padStart(nodes.width, "0")})`;
    return `${quotedText(String(image.get(i) ?? ""), 80)} [${shownText(String(id.get(i) ?? ""), 40)}] (input row ${events.inputRow[i]})`;
  });
  return cycle.length > CYCLE_EXAMPLE_PROCESSES ? [...shown, `${cycle.length - CYCLE_EXAMPLE_PROCESSES} more`] : shown;
}

/**
 * Nested ECS/OCSF NDJSON as read (`process` → `parent` → `pid` in struct
 * columns): the fields its layout (or the given schema) reads are added as
 * flat dotted columns, as `normalizeEvents` adds them. Other frames unchanged.
 */
function withNestedFields(procs: pl.DataFrame, given: Partial<ProcSchema> | undefined): pl.DataFrame {
  const names = columnNames(procs);
  const dtypes = columnTypes(procs);
  if (!dtypes.some((d) => d.variant === "Struct")) return procs;
  const schema = given ?? inferSchema(namesWithValues(procs, names)) ?? inferredSchema(procs);
  if (!schema) return procs;
  const fields = [...schemaColumns(schema), ...Object.entries(schema.parentColumns ?? {}).flat(), schema.eventCategoryColumn ?? ""];
  // A file mixing dotted and nested events has both a `process.pid` column and a `process` struct, each null
  // where the other holds the value: fieldSeries takes each event's value from whichever has it.
  const merged = new Map<string, pl.Series>();
  for (const f of new Set(fields)) {
    if (!f.includes(".")) continue;
    const series = fieldSeries(procs, f);
    if (series && (!names.includes(f) || series !== columnOf(procs, f))) merged.set(f, series.rename(f));
  }
  if (!merged.size) return procs;
  return frameOf([...names.map((n) => merged.get(n) ?? columnOf(procs, n)), ...[...merged].filter(([f]) => !names.includes(f)).map(([, s]) => s)]);
}

/** `name`, or with `_` appended until no column of `taken` has it. */
function unusedName(name: string, taken: readonly string[]): string {
  while (taken.includes(name)) name += "_";
  return name;
}

/** The nodes, their parents matched or inferred; the per-event keys step (~40 B a row) is left behind for the collector. */
function linkedNodes(events: ReturnType<typeof processEvents>, toleranceMs: number | undefined): { nodes: ReturnType<typeof processNodes>; skewed?: SkewedLinks } {
  const keys = processKeys(events);
  const matched = matchParents(keys, { toleranceMs });
  // A child a few ms before its parent (clocks apart), no earlier holder of the parent's id: linked to the parent, said.
  const linked = matchSkewedParents(keys, matched);
  const first = linked[0];
  // Times in µs (10 µs steps): ms to two places.
  const skewed = linked.length ? { count: linked.length, child: first, parent: matched[first], ms: Math.round((keys.time[matched[first]] - keys.time[first]) / 10) / 100 } : undefined;
  const nodes = processNodes(events, keys, matched, { toleranceMs });
  // Freed now: V8 would free them only at a collection, which a synchronous build may not reach before its peak.
  keys.release?.();
  return { nodes, skewed };
}

/** Children linked to a parent that starts after them ({@link matchSkewedParents}): how many, the first child and its parent, and the ms between them. */
interface SkewedLinks {
  count: number;
  child: number;
  parent: number;
  ms: number;
}

/** The first child linked to a later parent, as the warning names it: each process's image, [id] and input row, and the ms between them. */
function skewExample(events: ProcessEvents, skewed: SkewedLinks): { child: string; parent: string; ms: number } {
  const image = columnOf(events.events, events.schema.processName);
  const id = columnOf(events.events, events.schema.processId);
  const shown = (i: number) => `${quotedText(String(image.get(i) ?? ""), 80)} [${shownText(String(id.get(i) ?? ""), 40)}] (input row ${events.inputRow[i]})`;
  return { child: shown(skewed.child), parent: shown(skewed.parent), ms: skewed.ms };
}

/**
 * The columns a caller wrote into a schema are in the events: an optional
 * column it names and the data lacks was skipped without a word, so a
 * misspelt `hostName` matched parents across hosts. The fields a built-in
 * schema gives — passed whole (MSTICPy's habit) or spread into the caller's
 * (`{ ...SYSMON_PROCESS_CREATE_SCHEMA, hostName: "host" }`, same `name`) —
 * still skip the columns a frame lacks.
 */
function checkWrittenSchema(schema: Partial<ProcSchema> | undefined, columns: readonly string[]): void {
  if (!schema || (PROCESS_SCHEMAS as readonly unknown[]).includes(schema)) return;
  const have = new Set(columns);
  // A field's value is a built-in's when a built-in schema has that value there (spread in, renamed or not).
  const written = (f: (typeof COLUMN_FIELDS)[number]) => typeof schema[f] === "string" && schema[f] !== "" && !PROCESS_SCHEMAS.some((b) => b[f] === schema[f]);
  const absent = COLUMN_FIELDS.filter((f) => written(f) && !have.has(schema[f] as string));
  if (!absent.length) return;
  const names = absent.map((f) => schema[f] as string);
  throw new ProcessSchemaError(msg.processColumnsMissing(names, schema.name ?? "custom", columns, absent.map((f, i) => ({ field: f, close: closestNames(names[i], columns) }))));
}

/**
 * The schema without its parent name column when that column is null in every row (Windows Server 2012 R2's and
 * older 4688 have no Creator Process Name: the Message path gives a null ParentProcessName): matched by id and time,
 * as without the column. A null name would otherwise stand for "unknown" and no parent's image would match it.
 */
function withoutEmptyParentName(schema: ProcSchema, procs: pl.DataFrame): ProcSchema {
  const column = schema.parentName;
  if (!column || !columnNames(procs).includes(column) || columnOf(procs, column).nullCount() < frameHeight(procs) || !frameHeight(procs)) return schema;
  return { ...schema, parentName: undefined };
}

/** The built-in layout of `procs`' fields, an image column without a value counted as absent (see namesWithValues). */
function inferredSchema(procs: pl.DataFrame): ProcSchema | undefined {
  return inferSchema(namesWithValues(procs, fieldNames(procs)));
}

/** The schema `buildProcessTree` would use for `procs` (inferred unless given). */
export function processTreeSchema(procs: pl.DataFrame, schema?: Partial<ProcSchema>): ProcSchema {
  if (!isDataFrame(procs)) throw new ProcessTreeError(msg.processTreeInput("processTreeSchema", notAFrameText(procs)));
  schema = schema && inHuntlabNames(schema);
  procs = winEventFields(procs, { warn: () => {} }); // the columns buildProcessTree reads; it warns
  // As buildProcessTree reads them: Wazuh 4688 alerts selected apart, an osquery log of one table or both, in their rows' layout.
  const inferred = schema ? undefined : inferredSchema(procs);
  const own = inferred && ownProcessLayout(procs, inferred);
  if (own) schema = builtInSchema(own);
  const nested = withNestedFields(procs, schema);
  return schemaFor(schema, schema ? columnNames(nested) : namesWithValues(nested, columnNames(nested)));
}

/**
 * The schema a build uses: the caller's (in huntlab's key names; MSTICPy's MDE internal schema read as MSTICPy
 * reads it, see givenSchema) completed, or the inferred one; the columns the caller wrote checked against the data.
 */
function schemaFor(written: Partial<ProcSchema> | undefined, names: readonly string[]): ProcSchema {
  const given = givenSchema(written, names);
  const resolved = resolveSchema(given, names);
  checkWrittenSchema(given, names);
  return resolved;
}

export { schemaColumns };
