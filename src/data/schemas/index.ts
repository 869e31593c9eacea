/**
 * Event schemas: the same events (process creation, logons, network flows) as
 * different exports carry them, mapped onto the lab's column names so that the
 * lab's cells run unchanged on a hunter's data.
 *
 * A query opts in with `metadata.schema: process | logon | networkFlow` in its
 * YAML; the LocalData driver then passes its result through
 * {@link normalizeEvents}. The tables are in logon.ts, network.ts and
 * process.ts; docs/schemas.md lists them.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf, isDataFrame, withPlainNames } from "../../common/frames";
import { DataColumnError, dataMessages as msg, dataWarnings } from "../messages";
import { printWarning } from "../../common/messages";
import { quotedText } from "../../common/shownText";
import { azureFlowLogFlows, isAzureFlowLogFrame } from "./azureFlowLog";
import { oneFlowPerConnection } from "./connections";
import { inLabLayout } from "./convert";
import { fieldNames, fieldSeries, fieldSetWith, fieldsWithValues, withFieldCache } from "./fields";
import { LOGON_LAYOUTS, LOGON_SCHEMAS } from "./logon";
import { applySchema, closeFields, filetimeFields, rankSchemas, requiredCount, requiredText, schemaRows, slashDateFields, testedRows, withYearlessTimes } from "./mapping";
import { NETWORK_LAYOUTS, NETWORK_SCHEMAS } from "./network";
import { FILE_LAYOUTS, FILE_SCHEMAS } from "./files";
import { PROCESS_LAYOUTS, osqueryRowsOnce, processEventRows, processEventSchema, processSchemaSource, ownProcessLayout, rowsAt, stackLayoutFrames, wazuhLayoutParts, type LayoutRows, type ProcessColumns } from "./process";
import { HELPER_PREFIX, type EventKind, type EventSchema, type LabColumn, type LabLayout } from "./types";
import { wideIntsAsText } from "../../common/wideInts";
import { EVTX_DOCS, isWinEventExport, mapLayoutParts, winEventFields, winEventLayoutParts, winEventsOfKind } from "./winEvent";
import { insertionStringWords } from "./insertionStrings";
import { withProcessEnds } from "./processEnds";
import { isOsqueryLog, osqueryProcessRows, osquerySnapshotRows, osquerySnapshotRowsLeftOut } from "./osquery";

export type { EventKind, EventSchema, LabLayout, LabColumn, ColumnRule, Conversion, FieldRule } from "./types";
export { LOGON_SCHEMAS, LOGON_LAYOUTS, LAB_HOST_LOGONS, LAB_SIGNINS, SECURITY_EVENT_LOGONS, WINDOWS_EVENT_LOGONS, SIGNIN_LOGS, GRAPH_SIGNINS, PORTAL_CSV_SIGNINS, ECS_AUTHENTICATION, OCSF_AUTHENTICATION, OKTA_SIGNINS, MDE_LOGONS, WAZUH_WINDOWS_LOGONS } from "./logon";
export { NETWORK_SCHEMAS, NETWORK_LAYOUTS, LAB_NETWORK_FLOWS, AZURE_NETWORK_ANALYTICS, ZEEK_CONN, ECS_NETWORK, SYSMON_NETWORK, OCSF_NETWORK, AWS_VPC_FLOW, GCP_VPC_FLOW, SURICATA_FLOW, COMMON_SECURITY_LOG, NTA_NET_ANALYTICS, AZURE_FLOW_LOG, MDE_NETWORK } from "./network";
export { FILE_LAYOUTS, FILE_SCHEMAS, LAB_FILE_CREATIONS, SYSMON_FILE_CREATE, WAZUH_SYSMON_FILE_CREATE } from "./files";
export { PROCESS_LAYOUTS, LAB_PROCESSES, registerProcessSchemas, type ProcessColumns, type ProcessSchemaSource } from "./process";
export { readZeekTsv, readZeekTsvFile, isZeekTsv } from "./zeek";
export { readVpcFlowLog, readVpcFlowLogFile, isVpcFlowLog } from "./vpcFlow";
export { isLocalAddress } from "./endpoints";
export { winEventFields, isWinEventExport, MAX_MESSAGE_CHARS, type WinEventFieldsOptions } from "./winEvent";
export { withProcessEnds, PROCESS_END_COLUMN } from "./processEnds";

/** Options of {@link normalizeEvents}. */
export interface NormalizeOptions {
  /** Where the frame came from (file, query), for messages. Default `"normalizeEvents"`. */
  source?: string;
  /** Where warnings go (a Get-WinEvent export's Messages not in English, see winEventFields). Default: printed. */
  warn?: (message: string) => void;
  /**
   * The file the frame was read from, named instead of `source` in warnings about its contents that every query of it
   * would repeat (a Get-WinEvent export's Messages not read, its rows of events no query maps): with the same text for
   * every query, a LocalData provider says each once. Default: `source`.
   */
  file?: string;
  /**
   * Times without a year (syslog's `Dec  7 08:15:00`) in the time fields: the newest's year, as readDataFile's `year`.
   * Default: the latest year that puts the newest no later than `writtenBy`, with a warning naming the field.
   */
  year?: number;
  /** When the data was written (a file's modification time), for times without a year. Default: now. */
  writtenBy?: Date;
}

/** What {@link detectEventSchema} found. */
export interface DetectedSchema {
  /** `"lab"` when the frame is already in one of the lab's layouts; else the schema's id. */
  id: string;
  name: string;
}

/** The lab's layouts of a kind. */
export function labLayouts(kind: EventKind): readonly LabLayout[] {
  return kind === "logon" ? LOGON_LAYOUTS : kind === "networkFlow" ? NETWORK_LAYOUTS : kind === "fileCreate" ? FILE_LAYOUTS : PROCESS_LAYOUTS;
}

/**
 * Every lab column `normalizeEvents` may add for `kind`: a query filter on one
 * of them (`host_name` → `Computer`) that the export lacks applies after the
 * mapping.
 */
export function labColumnNames(kind: EventKind): string[] {
  return [...labColumnMap(labLayouts(kind)).keys()];
}

/** The known (non-process) schemas of a kind; process schemas come from the process tree's inference. */
export function eventSchemas(kind: Exclude<EventKind, "process">): readonly EventSchema[] {
  return kind === "logon" ? LOGON_SCHEMAS : kind === "fileCreate" ? FILE_SCHEMAS : NETWORK_SCHEMAS;
}

/** Lab column name → its declaration, over the kind's layouts. */
function labColumnMap(layouts: readonly LabLayout[]): Map<string, LabColumn> {
  const out = new Map<string, LabColumn>();
  for (const layout of layouts) for (const c of layout.columns) if (!out.has(c.name)) out.set(c.name, c);
  return out;
}

/** Which schema `normalizeEvents` would use, without mapping. Throws as it does when none fits. */
export function detectEventSchema(df: pl.DataFrame, kind: EventKind, options: NormalizeOptions = {}): DetectedSchema {
  return withFieldCache(() => detectSchema(df, kind, options));
}

function detectSchema(df: pl.DataFrame, kind: EventKind, options: NormalizeOptions): DetectedSchema {
  // Columns of 128-bit integers (JSON ids past 2^64, as pl.readJSON gives them), which nodejs-polars cannot describe, as text, as the readers make them.
  if (isDataFrame(df)) df = winEventsOfKind(winEventFields(wideIntsAsText(df), { warn: options.warn, source: options.source }), kind);
  // Sysmon 1 rows of some hosts, 4688 rows of others: each mapped apart (normalizeEvents), so named for both, as Wazuh
  // alerts of both layouts are (was Sysmon's only); a part that cannot be mapped (normalizeEvents leaves it out) is not named.
  if (isDataFrame(df) && kind === "process") {
    const layoutParts = winEventLayoutParts(df);
    if (layoutParts.length > 1) {
      const found = mapLayoutParts(layoutParts, (part) => detectSchema(part, kind, options), () => undefined, options.source ?? "detectEventSchema");
      const name = [...new Set(found.map((d) => d.name))].join(" + ");
      return found.length > 1 ? { id: name, name } : found[0];
    }
  }
  // An osquery result log's snapshot lines: one row per result row; for processes, only the rows of process queries.
  if (isDataFrame(df) && isOsqueryLog(df)) df = kind === "process" ? osqueryProcessRows(osquerySnapshotRows(df)) : osquerySnapshotRows(df);
  // An Azure NSG/VNet flow log file: its flow tuples unpacked, one row each.
  if (kind === "networkFlow" && isDataFrame(df) && isAzureFlowLogFrame(df)) df = azureFlowLogFlows(df, { source: options.source ?? "detectEventSchema", warn: () => undefined });
  const lab = inLabLayout(df, labLayouts(kind));
  if (lab) return { id: "lab", name: lab.name };
  const chosen = chooseSchema(df, kind, options.source ?? "normalizeEvents");
  const other = chosen.process && ownProcessLayout(df, chosen.process);
  const schema = other ? processEventSchema(other) : chosen.schema;
  // Wazuh alerts read in both process layouts (normalizeEvents reads them so): named for both (was Sysmon's only).
  const parts = chosen.process && wazuhLayoutParts(df, other ?? chosen.process, () => undefined, options.source ?? "detectEventSchema");
  if (parts && parts.length > 1) {
    const name = parts.map((p) => p.layout.name).join(" + ");
    return { id: name, name };
  }
  return { id: schema.id, name: schema.name };
}

/** The schema a frame is in, or the error naming the closest one. */
function chooseSchema(df: pl.DataFrame, kind: EventKind, source: string): { schema: EventSchema; process?: ProcessColumns } {
  const fields = fieldNames(df);
  if (kind === "process") {
    const registered = processSchemaSource();
    // An image column without a value counts as absent when a layout fits without it (processTreeSchema's namesWithValues).
    const withValues = registered ? fieldsWithValues(df, fields, registered.schemas.map((s) => s.processName)) : fields;
    const inferred = registered && ((withValues.length < fields.length && registered.infer(withValues)) || registered.infer(fields));
    if (inferred) return { schema: processEventSchema(inferred), process: inferred };
    const schemas = (registered?.schemas ?? []).map(processEventSchema);
    throw unknownSchema(source, kind, fields, schemas, registered ? undefined : 'none registered: import "huntlab" (its entry registers the process tree\'s schemas)');
  }
  const schemas = eventSchemas(kind);
  const present = fieldSetWith(df, schemas.flatMap((s) => [...s.requires, ...(s.requiresOneOf ?? []).flat(), ...(s.hints ?? [])]));
  const [best] = rankSchemas(present, schemas);
  if (best && best.missing.length === 0) return { schema: best.schema };
  if (isAzureFlowLogFrame(df)) throw new DataColumnError(msg.azureFlowLogFile(source, kind));
  throw unknownSchema(source, kind, [...present], schemas);
}

function unknownSchema(source: string, kind: EventKind, fields: readonly string[], schemas: readonly EventSchema[], note?: string): DataColumnError {
  // A Get-WinEvent export's close names (its ProcessId, Id) are the log writer's, not the event's: say what it is instead.
  if (isWinEventExport(fields)) return new DataColumnError(msg.winEventExport(source, kind, EVTX_DOCS));
  // Closest: the most required fields present or nearly present (a close name counts).
  const scored = rankSchemas(new Set(fields), schemas).map((fit) => {
    const close = closeFields(fit.missing, fields);
    const near = Object.values(close).filter((c) => c.length > 0).length;
    return { fit, close, score: requiredCount(fit.schema) - fit.missing.length + near / 2 };
  });
  const best = scored.reduce<(typeof scored)[number] | undefined>((a, b) => (a === undefined || b.score > a.score ? b : a), undefined);
  const closest = best && best.score > 0 ? { schema: best.fit.schema.name, missing: best.close } : undefined;
  const known = note ? [note] : schemas.map((s) => `${s.name} (${requiredText(s)})`);
  return new DataColumnError(msg.eventSchemaUnknown(source, kind, closest, known));
}

/**
 * Process fields that sit inside struct columns (nested ECS/OCSF NDJSON) as
 * flat dotted columns, so that `buildProcessTree` finds them by name.
 */
function flattenProcessFields(df: pl.DataFrame, schema: ProcessColumns): pl.DataFrame {
  const names = new Set(columnNames(df));
  const wanted = Object.values(schema).filter((v): v is string => typeof v === "string" && v.includes(".") && !names.has(v));
  const added = [...new Set(wanted)].map((f) => fieldSeries(df, f)).filter((s): s is pl.Series => s !== undefined);
  return added.length ? frameOf([...columnNames(df).map((n) => columnOf(df, n)), ...added]) : df;
}

/** `df` with the optional columns of `process` it lacks (top-level names only) added as null text. */
function withOptionalColumns(df: pl.DataFrame, process: ProcessColumns): pl.DataFrame {
  const names = columnNames(df);
  const fields = new Set(fieldNames(df));
  const missing = [process.cmdLine, process.userName, process.hostName, process.parentName].filter((c): c is string => !!c && !fields.has(c) && !c.includes("."));
  return missing.length ? frameOf([...names.map((n) => columnOf(df, n)), ...missing.map((c) => pl.Series(c, new Array<null>(frameHeight(df)).fill(null), pl.Utf8))]) : df;
}

/** Column holding each row's index while the parts of {@link inRowOrder} are mapped. */
const ROW_INDEX = `${HELPER_PREFIX}row`;

/**
 * `map` applied to each layout's rows of `df` ({@link winEventLayoutParts}) on its own ({@link mapLayoutParts}: a part
 * that fails is left out, said, while another maps), the results stacked (a column one lacks is null in the other's
 * rows) in `df`'s row order.
 */
function inRowOrder(df: pl.DataFrame, map: (part: pl.DataFrame) => pl.DataFrame, warn: (message: string) => void, source: string): pl.DataFrame {
  const mapped = mapLayoutParts(winEventLayoutParts(df.withRowIndex(ROW_INDEX)), map, warn, source);
  return pl.concat(mapped, { how: "diagonal" }).sort(ROW_INDEX).drop(ROW_INDEX);
}

/** Each part's rows of `df` mapped in its layout by `map`, the results stacked in `df`'s row order (Wazuh alerts of both layouts). */
function partsInRowOrder(df: pl.DataFrame, parts: readonly LayoutRows[], map: (part: pl.DataFrame, layout: ProcessColumns) => pl.DataFrame): pl.DataFrame {
  const indexed = frameOf([...columnNames(df).map((n) => columnOf(df, n)), pl.Series(ROW_INDEX, Uint32Array.from({ length: frameHeight(df) }, (_, i) => i))]);
  const mapped = parts.map(({ layout, rows }) => map(rowsAt(indexed, rows), layout));
  const stacked = stackLayoutFrames(mapped);
  const sorted = withPlainNames(stacked, (plain, nameOf) => plain.sort(nameOf(ROW_INDEX)));
  return frameOf(columnNames(sorted).filter((n) => n !== ROW_INDEX).map((n) => columnOf(sorted, n)));
}

/**
 * The frame with the lab's columns for `kind` added (original columns kept),
 * when its columns match a known schema of that kind; unchanged when it already
 * has the lab's columns. When no schema fits, a `DataColumnError`
 * (`data/event-schema-unknown`) names the source, the closest schema's missing
 * columns and the frame's closest column names.
 */
export function normalizeEvents(df: pl.DataFrame, kind: EventKind, options: NormalizeOptions = {}): pl.DataFrame {
  return withFieldCache(() => normalize(df, kind, options));
}

function normalize(df: pl.DataFrame, kind: EventKind, options: NormalizeOptions): pl.DataFrame {
  // A plain Get-WinEvent export: its events' fields read out of the Message text first, its rows cut to the kind's events (the schema is then detected as usual).
  if (isDataFrame(df)) {
    const file = options.file ?? options.source;
    const read = winEventFields(wideIntsAsText(df), { warn: options.warn, source: file });
    // Sysmon 5 (process ended) rows give their process's creation row its end time, before the frame is cut to creations.
    df = winEventsOfKind(kind === "process" ? withProcessEnds(read) : read, kind, { warn: options.warn ?? printWarning, source: options.source, file });
    // Sysmon 1 rows of some hosts, Security 4688 rows of others (a WEF export): each layout mapped apart, in the rows' order.
    if (kind === "process" && winEventLayoutParts(df).length > 1) return inRowOrder(df, (part) => normalize(part, kind, options), options.warn ?? printWarning, options.source ?? "normalizeEvents");
  }
  if (kind === "networkFlow" && isDataFrame(df) && isAzureFlowLogFrame(df)) df = azureFlowLogFlows(df, { source: options.source ?? "normalizeEvents", warn: options.warn ?? printWarning });
  // An osquery result log's snapshot lines (one line holding every row of a run): one row per result row; for
  // processes, only the rows of process queries (the log holds every query's rows).
  if (isDataFrame(df) && isOsqueryLog(df)) {
    // A log of both forms keeps its differential rows: its snapshot lines' rows are counted in a warning, not lost silently.
    const leftOut = osquerySnapshotRowsLeftOut(df);
    if (leftOut) (options.warn ?? printWarning)(dataWarnings.osquerySnapshotRowsLeftOut(options.file ?? options.source ?? "normalizeEvents", leftOut));
    df = kind === "process" ? osqueryProcessRows(osquerySnapshotRows(df)) : osquerySnapshotRows(df);
  }
  const layouts = labLayouts(kind);
  if (inLabLayout(df, layouts)) return df;
  // FailureReason, ImpersonationLevel, TokenElevationType… as words whichever export they came from (EventData has
  // %%2313, %%1833, %%1938 where the Message has words; Sentinel's WindowsEvent has them inside its EventData column).
  // Not in a frame already in the lab's layout: the lab's own data (its processes' %%1936) stays as MSTICPy shows it.
  if (isDataFrame(df)) df = insertionStringWords(df);
  let { schema, process } = chooseSchema(df, kind, options.source ?? "normalizeEvents");
  // Wazuh 4688 alerts selected apart, an osquery log of one table's rows or of both: the layout of its rows.
  const own = process && ownProcessLayout(df, process);
  if (own) ({ schema, process } = { schema: processEventSchema(own), process: own });
  // An osquery log of both process tables: a process both saw is one row, its process_events row.
  const once = process && osqueryRowsOnce(df, process);
  if (once) df = rowsAt(df, once);
  // Wazuh alerts of Sysmon 1 and of 4688 (a manager's alerts.json): each alert mapped in its own layout, per computer.
  const parts = process && wazuhLayoutParts(df, process, options.warn ?? printWarning, options.source ?? "normalizeEvents");
  if (parts) return partsInRowOrder(df, parts, (part, layout) => mapped(part, kind, options, processEventSchema(layout), layout));
  return mapped(df, kind, options, schema, process);
}

/** `df` mapped onto the lab's columns of `kind` by `schema` (of the process layout `process`, for processes). */
function mapped(df: pl.DataFrame, kind: EventKind, options: NormalizeOptions, schema: EventSchema, process: ProcessColumns | undefined): pl.DataFrame {
  const layouts = labLayouts(kind);
  // A layout's optional columns the export lacks (Server 2012 R2's 4688 has no ParentProcessName) as null text columns,
  // as the Message path gives them: mapped to null lab columns, not a failed mapping.
  if (process) df = withOptionalColumns(df, process);
  // Only the schema's events are mapped: an OCSF file's other classes, a Suricata EVE log's alerts and DNS records are left out.
  const tested = testedRows(schemaRows(process ? processEventRows(flattenProcessFields(df, process), process) : df, schema), schema);
  const base = schema.prepare ? schema.prepare(tested.df) : tested.df;
  if (tested.leftOut && schema.rowTest) {
    const { count, total, kinds } = tested.leftOut;
    const top = [...kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([label, k]) => `${quotedText(label, 60)} ×${k}`);
    (options.warn ?? printWarning)(dataWarnings.rowsLeftOut(options.source ?? "normalizeEvents", schema.name, count, total, schema.rowTest.what, top, kinds.size > 3));
  }
  for (const field of filetimeFields(base, schema, labColumnMap(layouts))) (options.warn ?? printWarning)(dataWarnings.filetimeColumn(options.source ?? "normalizeEvents", field));
  for (const field of slashDateFields(base, schema, labColumnMap(layouts))) (options.warn ?? printWarning)(dataWarnings.mappedSlashDates(options.source ?? "normalizeEvents", field));
  // Times without a year: the readers' rule and warning (they stayed text without a word, and the lab's time column empty).
  const dated = withYearlessTimes(base, schema, labColumnMap(layouts), { year: options.year, writtenBy: options.writtenBy });
  for (const [field, assumed] of dated.years) (options.warn ?? printWarning)(dataWarnings.yearsAssumed(options.file ?? options.source ?? "normalizeEvents", field, assumed));
  let out = applySchema(dated.df, schema, labColumnMap(layouts));
  // The helper columns `prepare` added served the rules; they are no lab column.
  if (schema.prepare) out = frameOf(columnNames(out).filter((n) => !n.startsWith(HELPER_PREFIX) || columnNames(df).includes(n)).map((n) => columnOf(out, n)));
  return schema.connections ? oneFlowPerConnection(out, schema.connections) : out;
}
