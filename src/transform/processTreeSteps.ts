/**
 * The steps of `buildProcessTree` (processTree.ts has the rules), each a pure
 * function with explicit inputs and outputs so it can be tested alone:
 *
 *   processEvents (schema) → processKeys (keys) → matchParents (parents) →
 *   processNodes = inferParents + inferredRows + numberRepeats (inferred) →
 *   treeLayout (paths, levels) → assembleTree, with treeTextColumns (keys,
 *   paths, roles; processTreeText.ts)
 *
 * Nodes are numbered 0..n-1 for the events (rows of `ProcessEvents.events`)
 * and n.. for the inferred parents; per-node columns are typed arrays in that
 * numbering, which keeps the one pass in time order (matchParents) and the
 * depth-first walk (treeLayout) cheap; strings stay in polars where they can.
 *
 * Where the time goes (bench/processTree.bench.ts, 200k events): in fresh
 * memory more than in computing. On the project's VMs a newly touched 4 KB
 * page costs ~14 µs (a 1.6 MB array: ~6 ms to fault in, 0.1 ms to fill),
 * so each intermediate column costs its size in time, and each polars call
 * costs a millisecond or so whatever its size, as does each nodejs-polars
 * Series or Expr wrapper (an object of ~300 closures: dtypes and null counts
 * are read from the frame, frames are joined by concat, not hstack, which
 * wraps every column). So: lookups are 4-byte
 * categorical codes of the host, id and image columns combined into one
 * integer per (host, id, image file name), never strings built for the
 * purpose (processKeys); image texts are lower-cased and cut once per
 * distinct value; keys are never formatted per event in polars: their
 * parts (distinct image and id texts, µs times) are written once, straight
 * in tree order, with the paths, source and parent indices and roles, into
 * one reused CSV buffer that polars reads chunk by chunk
 * (processTreeText.ts); repeats are numbered on integers (numberRepeats);
 * the event columns are put in tree order by one polars sort on each row's
 * output position (faster than a gather from the many chunks of a parallel
 * CSV read, and its working copies are freed inside polars); a text time
 * column is parsed with one detected format in one call, in its fixed-width
 * form (`.%3f`, polars' fast parser) when that reads every value (parseOneFormat;
 * a format no sampled value can match — a zone, a `T`, AM/PM the values
 * lack — is skipped without a polars call: a failing zone format costs ~10
 * ms even on 64 values);
 * repeated rows are looked for among the rows whose time repeats, then
 * whose row hash repeats, before any order-keeping unique. Typed arrays are
 * filled by loops (`Uint32Array.from` with a mapping function costs ~0.5
 * µs a value). Memory at 1M events (bench/scaling, Parquet input): ~0.91 GB
 * peak RSS, of which the input is ~170 MB and the output ~400 B a row. A
 * build is synchronous, so nodejs-polars frees no frame it returned before
 * the build does (its finalizers wait for the event loop): every eager
 * intermediate (a cast Series, a row index, a sorted copy) stays allocated
 * to the end, and is fresh memory. Counts, casts and sorts that only feed a
 * number or an order are done inside one call (countTrue, timeOrderOf),
 * and typed arrays are made at their final size (keyPartsFor).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import pl, { type DataType } from "nodejs-polars";
import { isTemporalType, isTextType, isWholeDecimal } from "../common/dtypes";
import { printWarning } from "../common/messages";
import { singleValueLists } from "../common/frames";
import { TIME_FORMATS, fixedWidthFormat, formatHits, fractionWidth, parseReadTimes, strptimeExpr, textTimeUnit, unitOfFractionDigits, unparsedCount, withoutNsWrap, type TimeUnit } from "../data/timeParsing";
import { resolveSchema, schemaColumns, schemaTimeColumns, type ProcSchema } from "./processTreeSchema";
import { ProcessTreeError, transformMessages as msg, transformWarnings } from "./messages";
import { keyColumn, releaseArrays, timeOfNode, treeTextColumns, type KeyParts } from "./processTreeText";
import { fitsInteger, matchKey, matchKind } from "../data/matchValues";

export { ProcessTreeError } from "./messages";

/** Columns a process tree has on top of the events' own. */
export const PROCESS_TREE_COLUMNS = [
  "proc_key",
  "parent_key",
  "source_index",
  "parent_index",
  "path",
  "IsRoot",
  "IsLeaf",
  "IsBranch",
  "NodeRole",
  "Level",
  "IsInferred",
  "EffectiveLogonId",
] as const;

/** The key time of inferred parents (MSTICPy's). */
const EPOCH_KEY_TIME = "1970-01-01 00:00:00.000000";
const lit = (v: string): pl.Expr => pl.lit(v);
const hasColumn = (df: pl.DataFrame, column: string | undefined): column is string => !!column && df.columns.includes(column);
/**
 * A column's dtype and null count without `getColumn`: each nodejs-polars
 * Series or Expr wrapper is an object of some 300 closures (~0.4 ms to make
 * and collect here), and a build makes a few hundred of them.
 */
const dtypeOf = (df: pl.DataFrame, column: string): DataType => df.dtypes[df.columns.indexOf(column)];
const nullCounts = new WeakMap<pl.DataFrame, unknown[]>();
function nullCountOf(df: pl.DataFrame, column: string): number {
  let counts = nullCounts.get(df);
  if (!counts) nullCounts.set(df, (counts = df.nullCount().row(0)));
  return Number(counts[df.columns.indexOf(column)]);
}

// ---------------------------------------------------------------- schema

/** The process-creation events a tree is built from. */
export interface ProcessEvents {
  /** The schema the events are read with. */
  schema: ProcSchema;
  /** Process creations only, exact duplicates dropped, stale tree columns dropped, the time columns parsed. */
  events: pl.DataFrame;
  /** Row of each event in the input. */
  inputRow: Uint32Array;
  /** Rows in the input (inferred parents are numbered from here). */
  inputRows: number;
}

/** Fewest process events (distinct times) of a host before one id shared by most of them is suspicious. */
const SHARED_ID_MIN_EVENTS = 20;
/** Rows the screen of {@link sharedProcessId} looks at (an even sample of bigger inputs). */
const SHARED_ID_SAMPLE = 4096;

/**
 * A process id value held by more than half of a host's process events (at
 * least {@link SHARED_ID_MIN_EVENTS} distinct times), or undefined: real ids
 * are reused, never by most processes at once, so the id column is likely not
 * the process's own (a Get-WinEvent export's `ProcessId` is the log writer's).
 */
export function sharedProcessId(events: pl.DataFrame, schema: ProcSchema): { host?: string; id: string; events: number; of: number } | undefined {
  if (events.height < SHARED_ID_MIN_EVENTS || !hasColumn(events, schema.processId) || !hasColumn(events, schema.timeStamp)) return undefined;
  const hostName = schema.hostName;
  const byHost = hostName !== undefined && hasColumn(events, hostName);
  const rows = events.select((byHost ? pl.col(hostName) : pl.lit("")).alias("h"), pl.col(schema.processId).alias("p"), pl.col(schema.timeStamp).alias("t"));
  // Every build runs this: first a cheap screen on an even sample of rows (a majority id shows in any sample);
  // the exact count of distinct times only for the hosts it flags.
  const step = Math.max(1, Math.floor(rows.height / SHARED_ID_SAMPLE));
  const sample = step > 1 ? rows.gatherEvery(step) : rows;
  const flagged = sample
    .groupBy(["h", "p"])
    .agg(pl.len().alias("n"))
    .join(sample.groupBy("h").agg(pl.len().alias("of")), { on: "h" })
    .filter(pl.col("p").isNotNull().and(pl.col("n").mul(5).gt(pl.col("of").mul(2))))
    .select("h");
  if (flagged.height === 0) return undefined;
  const suspect = rows.join(flagged.unique(), { on: "h" });
  const shared = suspect
    .filter(pl.col("p").isNotNull())
    .groupBy(["h", "p"])
    .agg(pl.col("t").nUnique().alias("n"))
    .join(suspect.groupBy("h").agg(pl.col("t").nUnique().alias("of")), { on: "h" })
    .filter(pl.col("of").gtEq(SHARED_ID_MIN_EVENTS).and(pl.col("n").mul(2).gt(pl.col("of"))));
  if (shared.height === 0) return undefined;
  const at = (c: string) => shared.getColumn(c).get(0);
  return { host: byHost ? String(at("h")) : undefined, id: String(at("p")), events: Number(at("n")), of: Number(at("of")) };
}

/**
 * Schema step: resolves the schema (inferred from the column names unless
 * given) and keeps the rows a tree is built from.
 */
export function processEvents(procs: pl.DataFrame, schema?: Partial<ProcSchema>, warn: (message: string) => void = printWarning): ProcessEvents {
  const resolved = resolveSchema(schema, procs.columns);
  for (const name of PROCESS_TREE_COLUMNS) {
    // Old MSTICPy outputs (the lab's process_tree) carry stale Level/NodeRole: ours replace them.
    if (procs.columns.includes(name)) procs = procs.drop(name);
  }
  procs = checkedKeyColumns(procs, resolved);
  const columns = procs.columns;
  const ROW = "__hl_row";
  // Each row's input row is only written down before a filter: unfiltered, row i is input row i.
  let df = procs;
  const filtered = (keep: pl.Series): pl.DataFrame => (df.columns.includes(ROW) ? df : df.withRowIndex(ROW)).filter(keep);
  const { eventIdColumn, eventIdIdentifier: id, eventCategoryColumn: category, eventCategoryIdentifier: categoryId } = resolved;
  const filter = processEventFilter(df, resolved);
  if (filter) {
    // Filtering copies every column: only when some row is not a process creation.
    const keep = df.select(filter.alias("k")).getColumn("k");
    if (countTrue(keep) !== df.height) df = filtered(keep);
  }
  // The event times, parsed up front when one format fits them all: repeated rows are then found by an integer hash.
  const stamp = resolved.timeStamp;
  const stampColumn = hasColumn(df, stamp) ? df.getColumn(stamp) : undefined;
  let parsedStamp = stampColumn && isTextType(stampColumn.dtype) ? parseOneFormat(stampColumn) : undefined;
  // The same event exported twice.
  if (df.height > 1) {
    const narrow = parsedStamp ?? (stampColumn && !isTextType(stampColumn.dtype) ? stampColumn : undefined);
    const keep = repeatedRows(df, columns, narrow, [stamp, resolved.hostName, resolved.processId, resolved.processName].filter((c): c is string => !!c));
    if (keep) {
      df = filtered(keep);
      parsedStamp = parsedStamp?.filter(keep);
    }
  }
  if (df.height === 0) {
    const rule = [eventIdColumn ? `${eventIdColumn} = ${Array.isArray(id) ? id.join(" or ") : id}` : "", hasColumn(procs, category) ? `${category} = ${categoryId}` : ""].filter(Boolean).join(", ");
    throw new ProcessTreeError(msg.noProcessEvents(resolved.name, rule));
  }
  const indexed = df.columns.includes(ROW);
  const inputRow = indexed ? (df.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array) : identityOrder(df.height);
  const times = schemaTimeColumns(resolved).filter((c, k, all) => hasColumn(df, c) && all.indexOf(c) === k);
  const events = (indexed ? df.drop(ROW) : df).withColumns(...times.map((c) => (c === stamp && parsedStamp ? parsedStamp : parseTimeColumn(df, c, resolved.numericTimeUnit, warn))));
  return { schema: resolved, events, inputRow, inputRows: procs.height };
}

/**
 * The schema's columns, made readable: an all-null column read from NDJSON
 * has polars' Null type, which no cast to it can make (inferred rows are cast
 * to their column's type): it is made text, as an all-null text column builds.
 * The key columns are then checked for a type a tree can read: ids, logon ids
 * and hosts are compared as text, so text or integers (a float column of whole
 * numbers too: CSV's integer column with a null); images and GUIDs text. A
 * list, struct, duration or boolean key failed inside polars or was read as
 * its text (`{1,2}`, `true`). A scale-0 Decimal id (Spark's and Databricks'
 * 128-bit ids) is made its digits' text, as 128-bit integers are at entry:
 * JavaScript cannot read a Decimal, and a double would merge ids past 2^53.
 * A list column of one value per row (an API's `process_pid: [2976]`) is that value.
 */
function checkedKeyColumns(procs: pl.DataFrame, schema: ProcSchema): pl.DataFrame {
  const times = schemaTimeColumns(schema);
  const named = [...schemaColumns(schema), ...Object.entries(schema.parentColumns ?? {}).flat()];
  procs = singleValueLists(procs, named);
  const nulls = [...new Set(named)].filter((c) => !times.includes(c) && hasColumn(procs, c) && dtypeOf(procs, c).variant === "Null");
  if (nulls.length) procs = procs.withColumns(...nulls.map((c) => pl.col(c).cast(pl.Utf8)));
  const kinds: [keyof ProcSchema, "text" | "id"][] = [
    // A GUID may be a number: CrowdStrike's TargetProcessId/ParentProcessId, unique per sensor, are integers.
    ["processName", "text"], ["parentName", "text"], ["grandparentName", "text"], ["processGuid", "id"], ["parentGuid", "id"],
    ["processId", "id"], ["parentId", "id"], ["grandparentId", "id"], ["hostName", "id"], ["logonId", "id"], ["targetLogonId", "id"],
  ];
  const wholeDecimals = new Set<string>();
  for (const [field, kind] of kinds) {
    const column = schema[field];
    if (typeof column !== "string" || !hasColumn(procs, column)) continue;
    const dtype = dtypeOf(procs, column);
    const readAs = matchKind(dtype);
    if (readAs === "text" || (kind === "id" && (readAs === "integer" || readAs === "float"))) continue;
    if (kind === "id" && isWholeDecimal(dtype)) {
      wholeDecimals.add(column);
      continue;
    }
    throw new ProcessTreeError(msg.processKeyColumnType(column, field, dtype.variant, kind === "id" ? "text or integers" : "text"));
  }
  return wholeDecimals.size ? procs.withColumns(...[...wholeDecimals].map((c) => pl.col(c).cast(pl.Utf8))) : procs;
}

/**
 * Which rows of `df` to keep when dropping those equal, on every one of
 * `columns`, to an earlier row; undefined when there are none. Only rows
 * whose `narrow` value (the event time) repeats can repeat a whole row:
 * hashing every text column is left to those few (with times at ms or
 * better, usually none), and comparing them to those whose row hash repeats.
 */
function repeatedRows(df: pl.DataFrame, columns: string[], narrow: pl.Series | undefined, identifying: string[]): pl.Series | undefined {
  const ROW = "__hl_candidate";
  // Times that only grow (logs in order, at ms or better) repeat none: one pass, where isDuplicated's hash table
  // (~32 B a row) would be fresh memory.
  if (narrow && strictlyIncreasing(narrow)) return undefined;
  const candidate = narrow ? narrow.isDuplicated() : undefined;
  // The rows' positions in `df` are written down before the first filter (usually none is needed).
  let rows = df;
  const indexed = (): pl.DataFrame => (rows.columns.includes(ROW) ? rows : rows.withRowIndex(ROW));
  // Filtering copies every column: only when it leaves some rows out.
  const narrowTo = (keep: pl.Series): boolean => {
    const kept = countTrue(keep);
    if (kept && kept < rows.height) rows = indexed().filter(keep);
    return kept > 0;
  };
  if (candidate && !narrowTo(candidate)) return undefined;
  // Only rows whose hash repeats can repeat (a collision only adds a candidate): logs copied across hosts repeat
  // every time, and the order-keeping unique below costs many times a hash on them. The few identifying
  // columns first (time, host, id, image: cheap), then every column.
  for (const subset of [identifying.filter((c) => columns.includes(c)), columns]) {
    if (!subset.length) continue;
    // Whether any row hash repeats, in one call (its hashes and their sort freed inside): usually none does.
    const hash = pl.struct(subset.map((c) => pl.col(c))).hash().sort();
    if (rows.select(hash.eq(hash.shift(1)).any().alias("r")).row(0)[0] !== true) return undefined;
    if (!narrowTo(repeatedValues(rows.select(...subset.map((c) => pl.col(c))).hashRows()))) return undefined;
  }
  rows = indexed();
  const kept = rows.unique({ subset: columns, keep: "first", maintainOrder: true });
  if (kept.height === rows.height) return undefined;
  const keep = new Uint8Array(df.height).fill(1);
  const all = rows.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array;
  for (const r of all) keep[r] = 0;
  for (const r of kept.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array) keep[r] = 1;
  return pl.Series("keep", keep).cast(pl.Bool);
}

/** How many values of a boolean mask are true (counted inside one call: a cast Series would stay allocated until the build returns). */
function countTrue(mask: pl.Series): number {
  return Number(pl.DataFrame([mask.rename("m")]).select(pl.col("m").cast(pl.UInt32).sum().alias("n")).row(0)[0]);
}

/** Whether every value of a time or number column is greater than the one before it (no nulls). */
function strictlyIncreasing(series: pl.Series): boolean {
  if (!isTemporalType(series.dtype) && !/^(U?Int|Float)/.test(series.dtype.variant)) return false;
  if (series.len() < 2 || series.nullCount() > 0) return series.len() < 2;
  const v = pl.col("v");
  return pl.DataFrame([series.rename("v")]).select(v.gt(v.shift(1)).all().alias("up")).row(0)[0] === true;
}

/**
 * Which values of a column (row hashes, times) repeat, nulls counting as
 * equal (a superset: values are compared as doubles, and a collision only
 * adds a candidate). Sorting a copy in JS: polars' isDuplicated on a million
 * random 64-bit hashes costs ~0.6 s, five times the sort.
 */
function repeatedValues(hashes: pl.Series): pl.Series {
  const values = pl.DataFrame([hashes.rename("v")]).select(pl.col("v").toPhysical().cast(pl.Float64).fillNull(pl.lit(-Infinity))).getColumn("v").toTypedArray() as Float64Array;
  const sorted = Float64Array.from(values).sort();
  const repeats = new Set<number>();
  for (let k = 1; k < sorted.length; k += 1) if (sorted[k] === sorted[k - 1]) repeats.add(sorted[k]);
  const mask = new Uint8Array(values.length);
  if (repeats.size) for (let i = 0; i < values.length; i += 1) mask[i] = repeats.has(values[i]) ? 1 : 0;
  return pl.Series("repeated", mask).cast(pl.Bool);
}

/**
 * True for the rows of `df` that are the schema's process creations (its event type, and its category where
 * set), or undefined when the schema or the frame has no event-type column. With `keepUntyped` a row whose
 * event type is null or blank is kept too (`normalizeEvents`' rule for rows it cannot tell apart; the tree
 * drops them).
 */
export function processEventFilter(df: pl.DataFrame, schema: Pick<ProcSchema, "eventIdColumn" | "eventIdIdentifier" | "eventCategoryColumn" | "eventCategoryIdentifier">, options: { keepUntyped?: boolean } = {}): pl.Expr | undefined {
  const { eventIdColumn, eventIdIdentifier: id, eventCategoryColumn: category, eventCategoryIdentifier: categoryId } = schema;
  const filters: pl.Expr[] = [];
  // An empty list of identifiers (a custom schema's) names no event type: every row is kept, as without one.
  const ids: readonly (string | number)[] = id === undefined ? [] : Array.isArray(id) ? id : [id as string | number];
  if (hasColumn(df, eventIdColumn) && ids.length > 0) {
    const any = ids.map((v) => eventFilter(df, eventIdColumn, v)).reduce((a, b) => a.or(b));
    const list = dtypeOf(df, eventIdColumn).variant === "List";
    // No event type: null, blank text, or an empty list (ECS's `event.type: []`).
    const untyped = pl.col(eventIdColumn).isNull().or(list ? pl.col(eventIdColumn).lst.lengths().eq(0) : pl.col(eventIdColumn).cast(pl.Utf8).str.strip().eq(pl.lit("")));
    filters.push(options.keepUntyped ? any.or(untyped.fillNull(true)) : any);
  }
  // Where the category is not set, the event type alone decides.
  if (hasColumn(df, category) && categoryId !== undefined) filters.push(eventFilter(df, category, categoryId).or(pl.col(category).isNull()));
  return filters.length ? filters.reduce((a, b) => a.and(b)) : undefined;
}

/** {@link processEventFilter}'s mask, rows without an event type kept (normalizeEvents' rows; registered by src/index.ts). */
export function processEventRowMask(df: pl.DataFrame, schema: Pick<ProcSchema, "eventIdColumn" | "eventIdIdentifier" | "eventCategoryColumn" | "eventCategoryIdentifier">): pl.Series | undefined {
  const filter = processEventFilter(df, schema, { keepUntyped: true });
  return filter ? df.select(filter.alias("k")).getColumn("k") : undefined;
}

/** Rows whose event type is process creation: numbers as numbers, anything else as text; ECS-style lists hold the value. */
function eventFilter(df: pl.DataFrame, column: string, id: string | number): pl.Expr {
  const dtype = dtypeOf(df, column);
  if (dtype.variant === "List") return pl.col(column).lst.contains(String(id)).fillNull(false);
  if (!isTextType(dtype) && typeof id === "number") return pl.col(column).eq(pl.lit(id));
  const text = pl.col(column).cast(pl.Utf8);
  const value = String(id);
  // A JSON list as text (`["start"]`): the quoted value inside brackets; the regex engine is linear.
  const inList = text.str.contains(`^\\s*\\[.*"${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}".*\\]\\s*$`);
  return text.eq(pl.lit(value)).or(inList).fillNull(false);
}

/** A time column as times: text is parsed, numbers are epoch times when the schema says in what unit, anything else is refused. */
function parseTimeColumn(df: pl.DataFrame, column: string, numericUnit: ProcSchema["numericTimeUnit"], warn: (message: string) => void): pl.Series {
  const series = df.getColumn(column);
  if (isTextType(series.dtype)) {
    const fast = parseOneFormat(series);
    if (fast) return fast;
    // Epoch numbers written as text (osquery's and Falcon's JSON quote every value), when the schema gives their unit.
    const numbers = numericUnit ? numericText(series) : undefined;
    if (numbers && numericUnit) return epochTimes(numbers, column, numericUnit);
    // Slash dates as the readers read them: month first with their warning when they read either way (en-GB's
    // 05/06/2026 kept as text by the reader was read month first here without a word), day first when a day past the 12th proves it.
    const parsed = parseReadTimes(series, "buildProcessTree", warn);
    // Every value null or blank: no time to read, as for such values in a partly filled column (their keys' time is NaT).
    if (!parsed.parsed && parsed.failures === 0) return pl.Series(column, new Array<null>(series.len()).fill(null)).cast(pl.Datetime("ms"));
    if (!parsed.parsed) {
      throw new ProcessTreeError(msg.processTimeUnparsed(column, parsed.failures, parsed.examples));
    }
    return parsed.series.rename(column);
  }
  if (isTemporalType(series.dtype)) return series;
  // A column of nothing but nulls (an export's optional parent time, read from NDJSON as type Null): no times, as blank text.
  if (series.dtype.variant === "Null") return pl.Series(column, new Array<null>(series.len()).fill(null)).cast(pl.Datetime("ms"));
  if (numericUnit && /^(U?Int|Float)/.test(series.dtype.variant)) return epochTimes(series, column, numericUnit);
  throw new ProcessTreeError(msg.processTimeType(column, series.dtype.variant));
}

/** Epoch numbers as times: integers exactly; fractions (auditd's `1709287200.123` s) kept to the µs, not cut to whole units. */
function epochTimes(series: pl.Series, column: string, unit: NonNullable<ProcSchema["numericTimeUnit"]>): pl.Series {
  const v = pl.col("v");
  const expr = /^Float/.test(series.dtype.variant)
    ? v.mul({ s: 1e6, ms: 1e3, us: 1, ns: 1e-3 }[unit]).round(0).cast(pl.Int64).cast(pl.Datetime("us"))
    : unit === "s"
      ? v.cast(pl.Int64).mul(1000).cast(pl.Datetime("ms"))
      : v.cast(pl.Int64).cast(pl.Datetime(unit));
  return pl.DataFrame([series.rename("v")]).select(expr.alias(column)).getColumn(column);
}

/** A text column whose every value (empty ones aside) is a plain decimal number, as numbers (Int64 when all are whole); else undefined. */
function numericText(series: pl.Series): pl.Series | undefined {
  const v = pl.col("v");
  const blank = v.isNull().or(v.eq(pl.lit("")));
  const [numeric, some, whole] = pl
    .DataFrame([series.rename("v")])
    .select(
      blank.or(v.str.contains("^-?[0-9]+(\\.[0-9]*)?$")).all().alias("numeric"),
      blank.not().any().alias("some"),
      blank.or(v.str.contains("^-?[0-9]{1,18}$")).all().alias("whole"),
    )
    .row(0) as boolean[];
  if (!numeric || !some) return undefined;
  return pl.DataFrame([series.rename("v")]).select(pl.when(blank).then(pl.lit(null)).otherwise(v).cast(whole ? pl.Int64 : pl.Float64).alias("v")).getColumn("v");
}

/**
 * False when `value` cannot match `format` (a necessary condition only, so a
 * format chrono would match is never skipped): a format with a zone (`%z`,
 * `%#z`, a trailing `Z`) needs a `Z`, a `+`, or a `-` after a `:` (offsets
 * follow the time of day); one with a `T` between date and time needs a `T`
 * (either case); one with `%p` needs an `a` or `p`.
 */
export function mayParse(value: string, format: string): boolean {
  const colon = value.indexOf(":");
  if ((/%[#:]?z/.test(format) || format.endsWith("Z")) && !/[Zz+]/.test(value) && (colon < 0 || value.indexOf("-", colon) < 0)) return false;
  if (/%dT/.test(format) && !/[Tt]/.test(value)) return false;
  if (format.includes("%p") && !/[AaPp]/.test(value)) return false;
  return true;
}

/**
 * A text time column in one strptime pass, when one format reads every value:
 * the first of `TIME_FORMATS` that reads any of a sample of the values must
 * read them all (the format `parseTimeSeries` would try first), in the unit
 * it would pick. Undefined when any value does not parse with it (spaces,
 * mixed formats…): the caller then runs `parseTimeSeries`, which tries the
 * formats per value, strips and explains failures. This saves its per-column
 * strip, its format trials (a polars call each) and its coalescing.
 * A format with chrono's any-length fraction (`%.f`) is first tried in its
 * fixed-width form (`.%3f`, the sample's fraction width; polars' fast parser,
 * ~4× cheaper: 200k ISO times ~40 ms of CPU, not ~160): when that reads every
 * value, all have that many fraction digits, which settles the unit without
 * the scan of the column `textTimeUnit` makes, and the instants are the same.
 */
function parseOneFormat(series: pl.Series): pl.Series | undefined {
  const RAW = "raw";
  const spread = series.len() > 4096 ? series.gatherEvery(Math.ceil(series.len() / 4096)) : series;
  const sample = pl.DataFrame([spread.rename(RAW)]).filter(pl.col(RAW).neq(pl.lit(""))).head(64).getColumn(RAW);
  if (sample.len() === 0) return undefined;
  const texts = (sample.toArray() as unknown[]).filter((v): v is string => typeof v === "string");
  // The sample's unit: the column's too when its fixed-width form reads every value (below); else the column's is looked up.
  const sampleUnit = textTimeUnit(sample);
  const format = firstFormat(sample, texts, sampleUnit);
  if (format === undefined) return undefined;
  const raw = pl.DataFrame([series.rename(RAW)]);
  // Exact: a value the format reads only in part (seconds or an offset the sample did not show) is a miss, for parseTimeSeries.
  const parse = (fmt: string, as: TimeUnit) => raw.select(strptimeExpr(pl.col(RAW), fmt, as, true).alias("t")).getColumn("t").rename(series.name);
  const fast = fixedWidthFormat(format, texts);
  const digits = fast === undefined ? undefined : fractionWidth(fast);
  if (fast !== undefined && digits !== undefined && unitOfFractionDigits(digits > 3, digits > 6) === sampleUnit) {
    const parsed = parse(fast, sampleUnit);
    if (unparsedCount(series, parsed) === 0) return withoutNsWrap(series, parsed, sampleUnit, () => parse(format, "us"));
  }
  const unit = textTimeUnit(series);
  // The formats tried again in the column's unit when it is not the sample's (a value with more fraction digits than any sampled).
  const columnFormat = unit === sampleUnit ? format : firstFormat(sample, texts, unit);
  if (columnFormat === undefined) return undefined;
  const parsed = parse(columnFormat, unit);
  if (unparsedCount(series, parsed) > 0) return undefined;
  // As parseTimeSeries: a year outside ns's range (.NET's 9999-12-31) makes a ns column µs instead of wrapping.
  return withoutNsWrap(series, parsed, unit, () => parse(columnFormat, "us"));
}

/**
 * The first of `TIME_FORMATS` that reads any sampled value (`texts`: the
 * sample's texts), when it reads them all and is no slash date; else undefined.
 */
function firstFormat(sample: pl.Series, texts: string[], unit: TimeUnit): string | undefined {
  // parseTimeSeries would try, per value, the formats that read some sampled value in this order: the first must read them all.
  // Formats are tried one at a time up to that first one: each costs a few ms to set up, even on 64 values
  // (~10 ms for a zone format that fails), so those no sampled value can match are skipped unasked.
  let first = -1;
  let hits = 0;
  for (let k = 0; k < TIME_FORMATS.length && hits === 0; k += 1) {
    if (!texts.some((v) => mayParse(v, TIME_FORMATS[k]))) continue;
    hits = formatHits(sample, [TIME_FORMATS[k]], unit)[0];
    if (hits > 0) first = k;
  }
  // Slash dates are left to parseReadTimes, which tells of (or settles) their order.
  if (first < 0 || hits !== sample.len() || TIME_FORMATS[first].includes("/")) return undefined;
  return TIME_FORMATS[first];
}

// ---------------------------------------------------------------- keys

/** Expressions over the events naming a process and the parent (and grandparent) it names. */
interface Identity {
  /** Host name, "" when none. */
  host: pl.Expr;
  /** Image's file name ({@link fileName}), lower case, "" when null. */
  image: pl.Expr;
  /** The parent's image's file name as the event names it, lower case; "unknown" when null, empty or not in the events. */
  parentImage: pl.Expr;
  /** The grandparent's image's file name, lower case; "unknown" when null, empty or not in the events. */
  grandparentImage: pl.Expr;
  /** Process id, parent id and grandparent id as text (integers without ".0"); null when missing. */
  pid: pl.Expr;
  ppid: pl.Expr;
  gpid: pl.Expr | undefined;
  /** Whether parents are matched by image as well as by id. */
  byImage: boolean;
}

/**
 * The file name of an image path (after the last `\` or `/`): lookups compare
 * file names, so a parent named by its full path (Sysmon, 4688, MDE's
 * internal grandparent `\Device\HarddiskVolume3\…`) finds a process named by
 * its file name (MDE `FileName`), and the other way round.
 */
const fileName = (image: pl.Expr): pl.Expr => image.str.replace("^.*[\\\\/]", "");

/** Above this many distinct values, {@link perDistinct} works on the rows themselves. */
const MAX_DISTINCT_MAPPED = 4096;

/**
 * `f` of a text column (null stays null), computed once per distinct value
 * and mapped back onto the rows: image columns hold a few hundred paths over
 * 200k rows, and lower-casing and cutting each row costs more than a lookup.
 */
function perDistinct(df: pl.DataFrame, column: string, f: (text: pl.Expr) => pl.Expr): pl.Expr {
  const text = pl.col(column).cast(pl.Utf8);
  // A few rows (the inferred parents'): the rows themselves cost less than the three calls of a mapping.
  if (df.height <= MAX_DISTINCT_MAPPED) return f(text);
  const V = "v";
  const distinct = df.select(text.unique().alias(V)).filter(pl.col(V).isNotNull());
  if (distinct.height > MAX_DISTINCT_MAPPED) return f(text);
  const mapped = distinct.select(pl.col(V), f(pl.col(V)).alias("m"));
  return text.replace(mapped.getColumn(V).toArray() as unknown as string[], mapped.getColumn("m").toArray() as unknown as string[]);
}

/** A name column's file name, lower case: "unknown" when null, empty or absent (MSTICPy's rule for ""). */
function fileNameOrUnknown(df: pl.DataFrame, column: string | undefined): pl.Expr {
  if (!hasColumn(df, column)) return lit("unknown");
  // "" → "unknown" among the distinct values; null (which no file name is) after.
  const name = perDistinct(df, column, (v) => pl.when(v.eq(lit(""))).then(lit("unknown")).otherwise(fileName(v.str.toLowerCase())));
  return orIfNull(df, column, name, "unknown");
}

/** A key's id: {@link idText}, "NaN" when null (a float NaN casts to a null id: always filled). */
function idOrNaN(df: pl.DataFrame, column: string): pl.Expr {
  const id = idText(df, column);
  return dtypeOf(df, column).variant.startsWith("Float") ? id.fillNull(lit("NaN")) : orIfNull(df, column, id, "NaN");
}

/**
 * `expr.fillNull(value)`, or `expr` itself when `column` (which `expr` is
 * null exactly where it is) has no nulls: a fill over 200k strings costs
 * tens of ms even when it fills nothing.
 */
function orIfNull(df: pl.DataFrame, column: string, expr: pl.Expr, value: string): pl.Expr {
  return nullCountOf(df, column) > 0 ? expr.fillNull(lit(value)) : expr;
}

function identity(events: pl.DataFrame, schema: ProcSchema): Identity {
  return {
    host: hasColumn(events, schema.hostName) ? orIfNull(events, schema.hostName, pl.col(schema.hostName).cast(pl.Utf8), "") : lit(""),
    image: orIfNull(events, schema.processName, perDistinct(events, schema.processName, (v) => fileName(v.str.toLowerCase())), ""),
    parentImage: fileNameOrUnknown(events, schema.parentName),
    grandparentImage: fileNameOrUnknown(events, schema.grandparentName),
    pid: idText(events, schema.processId),
    ppid: idText(events, schema.parentId),
    gpid: hasColumn(events, schema.grandparentId) ? idText(events, schema.grandparentId) : undefined,
    byImage: hasColumn(events, schema.parentName),
  };
}

/** An id column as text: integers (also float-typed ones) without ".0", text as is. */
function idText(df: pl.DataFrame, column: string): pl.Expr {
  const dtype = dtypeOf(df, column);
  if (isTextType(dtype)) return pl.col(column);
  if (dtype.variant.startsWith("Float")) return pl.col(column).cast(pl.Int64).cast(pl.Utf8);
  return pl.col(column).cast(pl.Utf8);
}

/**
 * The id columns' texts as parent matching compares them. Where one id column holds numbers and another text (an
 * export that typed NewProcessId as an integer and left 4688's ProcessId as Windows writes it, `0x1a4`), the text
 * column's hexadecimal ids are read as the numbers they are (`0x1a4` → `420`), the way the numbers' texts read;
 * else "0x1a4" never matched 420, and the parent was rebuilt beside the real one. Ids of one kind are compared as
 * written, as before (`0x1a4` with `0x1a4`).
 */
function comparedIds(df: pl.DataFrame, columns: readonly string[]): pl.Expr[] {
  const text = columns.map((c) => isTextType(dtypeOf(df, c)));
  if (!text.includes(true) || !text.includes(false)) return columns.map((c) => idText(df, c));
  return columns.map((c, k) => {
    if (!text[k]) return idText(df, c);
    // The distinct texts that read as whole numbers but are not written as their digits: `0x1a4`, ` 420`, `+420`.
    const values = df.select(pl.col(c).unique().alias("v")).getColumn("v").toArray() as (string | null)[];
    const read = values.flatMap((v) => {
      if (v === null || /^(0|-?[1-9][0-9]*)$/.test(v)) return [];
      const key = /^\s*[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)\s*$/.test(v) ? matchKey(v, "integer") : undefined;
      return key === undefined ? [] : [[v, key] as const];
    });
    return read.length ? pl.col(c).replace(read.map(([v]) => v), read.map(([, key]) => key)) : pl.col(c);
  });
}

/**
 * The time column as an Int64 expression of microseconds since the epoch,
 * rounded to 10 µs like MSTICPy's keys (pandas' `dt.round("10us")`: a tie
 * to the even step, `.000005` to `.000000`, `.000025` to `.000020`). Integer arithmetic only:
 * a double holds today's epoch nanoseconds to 256 ns, which would round ns
 * and µs copies of the same time apart.
 */
function microsExpr(dtype: DataType, column: string): pl.Expr {
  const t = dtype as unknown as { variant: string; timeUnit?: string };
  const unit = t.variant === "Date" ? "d" : (t.timeUnit ?? "ms");
  const int = (v: number): pl.Expr => pl.lit(v).cast(pl.Int64);
  const raw = pl.col(column).cast(pl.Int64);
  if (unit === "ms") return raw.mul(int(1000));
  if (unit === "d") return raw.mul(int(86_400_000_000));
  // Whole µs, and the ns past them.
  const us = unit === "ns" ? pl.col(column).cast(pl.Datetime("us")).cast(pl.Int64) : raw;
  const ns = unit === "ns" ? raw.sub(us.mul(int(1000))) : int(0);
  const past = us.modulo(int(10));
  const base = us.sub(past);
  const rest = past.mul(int(1000)).add(ns);
  // base is a multiple of 10: an odd step when it is not a multiple of 20.
  const odd = base.modulo(int(20)).neq(int(0));
  return pl.when(rest.gt(int(5000)).or(rest.eq(int(5000)).and(odd))).then(base.add(int(10))).otherwise(base);
}

/** A time column in µs (null when absent). */
function columnMicros(df: pl.DataFrame, column: string | undefined): pl.Expr {
  return hasColumn(df, column) ? microsExpr(dtypeOf(df, column), column) : pl.lit(null).cast(pl.Int64);
}

/** When the process started, in µs: its own creation time where the schema has one, else the event time. */
function startMicros(df: pl.DataFrame, schema: ProcSchema): pl.Expr {
  const event = columnMicros(df, schema.timeStamp);
  if (!hasColumn(df, schema.processCreationTime)) return event;
  const own = columnMicros(df, schema.processCreationTime);
  return pl.when(own.isNull()).then(event).otherwise(own);
}

/** The parts of a key: image (lower case, "" when null) and id (text, "NaN" when null); the start time is {@link startMicros}. */
function keyParts(df: pl.DataFrame, schema: ProcSchema): [image: pl.Expr, id: pl.Expr] {
  return [orIfNull(df, schema.processName, perDistinct(df, schema.processName, (v) => v.str.toLowerCase()), ""), idOrNaN(df, schema.processId)];
}

/** Keys `image|pid|time` from the columns `image`, `id` and `us` (start time in µs) of `parts`; the time as `YYYY-MM-DD HH:MM:SS.ffffff`, `nullTime` when unknown. */
function keysOf(parts: pl.DataFrame, nullTime: string): pl.Series {
  const time = orIfNull(parts, "us", pl.col("us").cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"), nullTime);
  return parts.select(pl.concatString([pl.col("image"), pl.col("id"), time], "|").alias("key")).getColumn("key");
}

/** Per-event time, key and lookup codes. */
export interface ProcessKeys {
  /**
   * `image|pid|time` of each event (image lower case, time `YYYY-MM-DD
   * HH:MM:SS.ffffff` or NaT); repeats are numbered later, by
   * {@link uniqueKeys}. Built on first use from {@link keyParts}: the tree
   * writes its keys once, in tree order, and never needs this column.
   */
  readonly key: pl.Series;
  /** The parts of each event's key (its `nth` all 0: repeats are told apart in {@link processNodes}); built on first use. */
  readonly keyParts: KeyParts;
  /**
   * The parts of the events' keys in arrays with `extra` slots after them
   * (image and id 0, `addedTime` 0, for the caller to fill), the text tables copied
   * (the caller may add to them).
   */
  keyPartsFor(extra: number): KeyParts;
  /** Start time in µs since the epoch (10 µs steps): the creation time column where there is one, else the event time; -Infinity when null. */
  time: Float64Array;
  /** Events in time order, ties in row order, null times first. */
  order: Uint32Array;
  /** Code of each event's own (host, id, image file name); 0 when its id is null. */
  code: Uint32Array;
  /** Code of the (host, parent id, parent image file name) it names, in the same numbering; 0 when the parent id is null (a root). */
  parentCode: Uint32Array;
  /** The parent's start time as the event records it, in µs (NaN when not recorded); only for schemas with `parentCreationTime`. */
  parentTime?: Float64Array;
  /**
   * Code of each event's own (host, process GUID), 0 when it has none; only
   * when the schema's `processGuid` and `parentGuid` columns are both in the data.
   */
  guidCode?: Uint32Array;
  /** Code of the (host, parent GUID) it names, in the numbering of {@link guidCode}; 0 when none (or its own: never its own parent). */
  parentGuidCode?: Uint32Array;
  /** GUID codes are below this. */
  guidCodeCount?: number;
  /** Code of the grandparent it names (0: none); only for schemas with `grandparentId`. */
  grandparentCode?: Uint32Array;
  /** The grandparent's start time (NaN when not recorded); only for schemas with `grandparentCreationTime`. */
  grandparentTime?: Float64Array;
  /** Codes are below this. */
  codeCount: number;
  /**
   * Code of each event's own (host, id), 0 when its id is null; only when some events name their parent's image and
   * some do not (a Windows Server 2012 R2 4688, without Creator Process Name, among newer ones).
   */
  idCode?: Uint32Array;
  /** For an event whose parent name is null, the code of the (host, parent id) it names in {@link idCode}'s numbering, matched without an image; else 0. */
  parentIdCode?: Uint32Array;
  /** Id codes are below this. */
  idCodeCount?: number;
  /** Frees the per-event arrays made here, bar `time`, `order` and the key parts (the nodes keep those): for the build's own call, once the nodes are made. */
  release?(): void;
}

/**
 * (host, id) codes for the events whose parent name is null (`parentImage` 0) where others name one: such a row
 * (Windows Server 2012 R2's 4688 has no Creator Process Name) is matched by id and time alone, as a file without the
 * column is; its null name stood for "unknown", which no parent's image matched, and it got an inferred parent.
 */
function hostIdCodes(hosts: Uint32Array, hostCount: number, own: Uint32Array, parentIds: Uint32Array, parentImage: Uint32Array, idCount: number): Pick<ProcessKeys, "idCode" | "parentIdCode" | "idCodeCount"> {
  const n = own.length;
  const { code, total } = hostScopedCodes(hostCount, idCount, n);
  const idCode = new Uint32Array(n);
  const parentIdCode = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    idCode[i] = code(hosts[i], own[i]);
    if (parentImage[i] === 0) parentIdCode[i] = code(hosts[i], parentIds[i]);
  }
  return { idCode, parentIdCode, idCodeCount: total() };
}

/**
 * Codes of (host, value) pairs for `n` events, value 0 (none) code 0: (host - 1) · count + value indexes an array
 * when that stays small (one host, or few); else the pairs are renumbered densely as met. `total()` is one past
 * the largest code.
 */
function hostScopedCodes(hostCount: number, count: number, n: number): { code: (h: number, v: number) => number; total: () => number } {
  const renumber = hostCount * count <= Math.max(8 * n, 1 << 22) ? undefined : new Map<number, number>();
  const code = (h: number, v: number): number => {
    if (v === 0) return 0;
    const c = (Math.max(h, 1) - 1) * count + v;
    if (!renumber) return c;
    let d = renumber.get(c);
    if (d === undefined) renumber.set(c, (d = renumber.size + 1));
    return d;
  };
  return { code, total: () => (renumber ? renumber.size + 1 : hostCount * count + 1) };
}

/** A null value's code in {@link categoryCode}. */
const NULL_CODE = 0xffffffff;

/**
 * A text expression's values as their codes in polars' global categorical
 * mapping (the same text gets the same code in every column), NULL_CODE for
 * null: lookups compare 4-byte codes, never strings built for the purpose.
 */
function categoryCode(text: pl.Expr, nullCode: pl.Expr): pl.Expr {
  return text.cast(pl.Categorical).toPhysical().cast(pl.UInt32).fillNull(nullCode);
}

/** Distinct texts, numbered from 0 in the order they are first seen. */
class TextTable {
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();

  /** A table of `texts` (distinct), numbered as they are. */
  static from(texts: string[]): TextTable {
    const table = new TextTable();
    for (const text of texts) table.of(text);
    return table;
  }

  of(text: string): number {
    let k = this.index.get(text);
    if (k === undefined) {
      k = this.texts.length;
      this.texts.push(text);
      this.index.set(text, k);
    }
    return k;
  }
}

/** 0, 1, …, n - 1. */
function identityOrder(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = i;
  return out;
}

/**
 * Renumbers global category codes 1..count in place, in the order first
 * seen across `arrays` (0 for NULL_CODE). Returns the count and where each
 * new code first occurs (array, row), to fetch its text.
 */
function densify(arrays: Uint32Array[]): { count: number; firstArray: number[]; firstRow: number[] } {
  let max = 0;
  let total = 0;
  for (const a of arrays) {
    total += a.length;
    for (let i = 0; i < a.length; i += 1) if (a[i] !== NULL_CODE && a[i] > max) max = a[i];
  }
  // Global codes grow with every text polars has categorised in this process: a table while they are few, else a map.
  const table = max < 4 * total + (1 << 20) ? new Uint32Array(max + 1) : undefined;
  const map = table ? undefined : new Map<number, number>();
  const firstArray: number[] = [];
  const firstRow: number[] = [];
  arrays.forEach((a, k) => {
    for (let i = 0; i < a.length; i += 1) {
      const v = a[i];
      if (v === NULL_CODE) {
        a[i] = 0;
        continue;
      }
      let d = table ? table[v] : (map!.get(v) ?? 0);
      if (d === 0) {
        d = firstRow.length + 1;
        if (table) table[v] = d;
        else map!.set(v, d);
        firstArray.push(k);
        firstRow.push(i);
      }
      a[i] = d;
    }
  });
  return { count: firstRow.length, firstArray, firstRow };
}

/** The texts of the dense codes {@link densify} numbered: `exprs[k]` is the text expression array k was coded from. */
function denseTexts(events: pl.DataFrame, exprs: pl.Expr[], { firstArray, firstRow }: { firstArray: number[]; firstRow: number[] }): string[] {
  const texts = new Array<string>(firstRow.length);
  exprs.forEach((expr, k) => {
    const slots = firstRow.map((_, d) => d).filter((d) => firstArray[d] === k);
    if (!slots.length) return;
    // rows(), not getColumn: no Series wrapper (a costly JS object) for a few hundred values.
    const values = events.select(expr.gather(pl.Series(Uint32Array.from(slots, (d) => firstRow[d])))).rows() as unknown as [string][];
    slots.forEach((d, j) => (texts[d] = values[j][0]));
  });
  return texts;
}

/** Keys step: times, key parts, and the lookups parent matching compares as small integers. */
export function processKeys({ events, schema }: ProcessEvents, { ipcRows = IPC_ROWS }: ProcessKeysOptions = {}): ProcessKeys {
  const n = events.height;
  const byImage = hasColumn(events, schema.parentName);
  const timed = hasColumn(events, schema.parentCreationTime);
  const hasGrandparentId = hasColumn(events, schema.grandparentId);
  const guided = hasColumn(events, schema.processGuid) && hasColumn(events, schema.parentGuid);
  // Where the parent id is the parent GUID (Falcon's ParentProcessId), an unset one (0: a synthetic event's
  // process with no parent the sensor knows) names no parent, as an unset GUID does: no "unknown" parent rebuilt.
  const parentIdIsGuid = guided && schema.parentId === schema.parentGuid;
  const [ownIdExpr, parentIdText, gpid] = parentIdIsGuid
    ? [idText(events, schema.processId), idText(events, schema.parentId), hasGrandparentId ? idText(events, schema.grandparentId as string) : undefined]
    : comparedIds(events, [schema.processId, schema.parentId, ...(hasGrandparentId ? [schema.grandparentId as string] : [])]);
  const gpTimed = !!gpid && hasColumn(events, schema.grandparentCreationTime);
  const text = (column: string): pl.Expr => (isTextType(dtypeOf(events, column)) ? pl.col(column) : pl.col(column).cast(pl.Utf8));
  const nullCode = pl.lit(NULL_CODE).cast(pl.UInt32);
  const imageColumns = [schema.processName, ...(byImage ? [schema.parentName as string] : []), ...(byImage && gpid && hasColumn(events, schema.grandparentName) ? [schema.grandparentName] : [])];
  const parentIdExpr = parentIdIsGuid ? guidText(parentIdText) : parentIdText;
  const idExprs = [ownIdExpr, parentIdExpr, ...(gpid ? [gpid] : [])];
  // One pass: every code and time as numbers.
  const workColumns = [
    startMicros(events, schema).cast(pl.Float64).fillNull(pl.lit(-Infinity)).alias("t"),
    ...(hasColumn(events, schema.hostName) ? [categoryCode(orIfNull(events, schema.hostName, text(schema.hostName), ""), nullCode).alias("h")] : []),
    ...idExprs.map((e, k) => categoryCode(e, nullCode).alias(`i${k}`)),
    ...imageColumns.map((c, k) => categoryCode(text(c), nullCode).alias(`m${k}`)),
    ...(timed ? [columnMicros(events, schema.parentCreationTime).cast(pl.Float64).fillNull(pl.lit(NaN)).alias("pt")] : []),
    ...(gpTimed ? [columnMicros(events, schema.grandparentCreationTime).cast(pl.Float64).fillNull(pl.lit(NaN)).alias("gpt")] : []),
    ...(guided ? [categoryCode(guidText(text(schema.processGuid as string)), nullCode).alias("g0"), categoryCode(guidText(text(schema.parentGuid as string)), nullCode).alias("g1")] : []),
  ];
  const work = numberColumns(events, workColumns, n >= ipcRows);
  const u32 = (c: string): Uint32Array => work.column(c) as Uint32Array;
  const f64 = (c: string): Float64Array => work.column(c) as Float64Array;
  const time = f64("t");

  // Hosts, ids (own, parent and grandparent: one numbering) and images, each numbered densely from 1.
  const hosts = work.columns.includes("h") ? u32("h") : new Uint32Array(n).fill(NULL_CODE);
  const hostCount = Math.max(1, densify([hosts]).count);
  const ids = idExprs.map((_, k) => u32(`i${k}`));
  const idDense = densify(ids);
  const images = imageColumns.map((_, k) => u32(`m${k}`));
  const imageDense = densify(images);
  const imageTexts = denseTexts(events, imageColumns.map(text), imageDense);
  // Each image's lower-case path (keys) and file name (lookups), computed on the distinct texts only.
  const distinctImages = pl.DataFrame([pl.Series("v", imageTexts, pl.Utf8)]).select(pl.col("v").str.toLowerCase().alias("lower"), fileName(pl.col("v").str.toLowerCase()).alias("file"));
  const lower = distinctImages.getColumn("lower").toArray() as unknown as string[];
  const file = distinctImages.getColumn("file").toArray() as unknown as string[];
  // Lookup image ids: own image by its file name ("" when null); a named parent's "unknown" when null or empty (MSTICPy's rule for "").
  const lookupNames = new TextTable();
  const ownName = Uint32Array.from({ length: imageDense.count + 1 }, (_, d) => lookupNames.of(d ? file[d - 1] : ""));
  const namedName = Uint32Array.from({ length: imageDense.count + 1 }, (_, d) => lookupNames.of(d && imageTexts[d - 1] !== "" ? file[d - 1] : "unknown"));
  const unknownName = lookupNames.of("unknown");
  const nameCount = byImage ? lookupNames.texts.length : 1;
  const idCount = idDense.count + 1;
  // code = ((host - 1) · names + name) · ids + id: dense enough to index arrays while the product stays small; else
  // renumbered (many hosts, names and ids).
  const product = hostCount * nameCount * idCount;
  const sparse = product + 1 > Math.max(8 * n, 1 << 22);
  const lookups = (id: Uint32Array, name: (i: number) => number): Uint32Array => {
    const out = new Uint32Array(n);
    if (!sparse) {
      for (let i = 0; i < n; i += 1) out[i] = id[i] === 0 ? 0 : ((Math.max(hosts[i], 1) - 1) * nameCount + (byImage ? name(i) : 0)) * idCount + id[i];
      return out;
    }
    for (let i = 0; i < n; i += 1) {
      if (id[i] === 0) continue;
      const h = Math.max(hosts[i], 1) - 1;
      const m = byImage ? name(i) : 0;
      out[i] = sparseCodes.of(product < Number.MAX_SAFE_INTEGER ? String((h * nameCount + m) * idCount + id[i]) : `${h},${m},${id[i]}`) + 1;
    }
    return out;
  };
  const sparseCodes = new TextTable();
  const [own, parentImages, grandparentImages] = images;
  const codes = [
    lookups(ids[0], (i) => ownName[own[i]]),
    lookups(ids[1], byImage ? (i) => namedName[parentImages[i]] : () => 0),
    ...(gpid ? [lookups(ids[2], grandparentImages ? (i) => namedName[grandparentImages[i]] : () => unknownName)] : []),
  ];
  const codeCount = (sparse ? sparseCodes.texts.length : product) + 1;

  // Key parts: the lower-case image ("" when null) and the id text ("NaN" when null), as distinct texts.
  const keyImages = new TextTable();
  const keyIds = new TextTable();
  const imageKey = Uint32Array.from({ length: imageDense.count + 1 }, (_, d) => keyImages.of(d ? lower[d - 1] : ""));
  const idTexts = denseTexts(events, idExprs, idDense);
  const idKey = Uint32Array.from({ length: idDense.count + 1 }, (_, d) => keyIds.of(d ? idTexts[d - 1] : "NaN"));
  // Made at their final size (the inferred processes' slots after the events'): copying them there costs their size in fresh memory.
  const keyPartsFor = (extra: number): KeyParts => {
    const image = new Uint32Array(n + extra);
    const id = new Uint32Array(n + extra);
    for (let i = 0; i < n; i += 1) {
      image[i] = imageKey[own[i]];
      id[i] = idKey[ids[0][i]];
    }
    return { image, id, time, ...(extra ? { addedTime: new Float64Array(extra) } : {}), nth: new Uint32Array(n + extra), images: [...keyImages.texts], ids: [...keyIds.texts] };
  };
  let key: pl.Series | undefined;
  let parts: KeyParts | undefined;
  const guidTexts = guided ? [u32("g0"), u32("g1")] : [];
  const guids = guided ? guidCodes(guidTexts[0], guidTexts[1], hosts, hostCount) : {};
  const byId = byImage && parentImages.includes(0) && parentImages.some((m) => m !== 0) ? hostIdCodes(hosts, hostCount, ids[0], ids[1], parentImages, idCount) : {};
  const parentTime = timed ? f64("pt") : undefined;
  const grandparentTime = gpTimed ? f64("gpt") : undefined;
  return {
    get key(): pl.Series {
      key ??= keyColumn(this.keyParts, identityOrder(n));
      return key;
    },
    get keyParts(): KeyParts {
      parts ??= keyPartsFor(0);
      return parts;
    },
    keyPartsFor,
    time,
    order: work.timeOrder(time),
    code: codes[0],
    parentCode: codes[1],
    ...(parentTime ? { parentTime } : {}),
    ...guids,
    ...(gpid ? { grandparentCode: codes[2] } : {}),
    ...(grandparentTime ? { grandparentTime } : {}),
    codeCount,
    // Some rows without a parent name among rows with one: those matched by (host, id) and time.
    ...byId,
    release: () => releaseArrays(hosts, ...ids, ...images, ...guidTexts, parentTime, grandparentTime, ...codes, guids.guidCode, guids.parentGuidCode, byId.idCode, byId.parentIdCode),
  };
}

/** Options of {@link processKeys}. */
export interface ProcessKeysOptions {
  /** From this many events the per-event numbers leave polars through an Arrow IPC temp file (default {@link IPC_ROWS}; the tests take 0). */
  ipcRows?: number;
}

/**
 * From this many events, the keys step's per-event numbers (~28 B an event)
 * come out of polars through a temp Arrow IPC file, read into arrays Node
 * owns. A frame's column read with getColumn/toTypedArray stays allocated
 * twice over (the Series wrapper pins the column; the typed array is an
 * external buffer whose finalizer runs only when the event loop turns) until
 * a synchronous build returns: 560 MB of its peak at 10M events. Arrays Node
 * owns are freed at once when detached (releaseArrays). Pinned memory is
 * fresh pages for the next build too, and a fresh page costs 3–16 µs on the
 * project's VMs: at 200k events the files (here and in assembleTree) save
 * ~5,000 of the ~28,000 fresh pages of a build made back to back with another
 * (session 38); at 100k they save ~5% and cost as much CPU, at 50k and
 * below they cost more than they save.
 */
export const IPC_ROWS = 150_000;

/** The keys step's per-event numbers (columns without nulls: Float64 or UInt32), and the events' time order from the same query. */
interface NumberColumns {
  columns: string[];
  column(name: string): Float64Array | Uint32Array;
  timeOrder(time: Float64Array): Uint32Array;
}

/**
 * `exprs` of `events` as typed arrays: through a temp IPC file when `viaFile`
 * (see {@link IPC_ROWS}), else read from a frame as before, and also when the
 * temp folder cannot be written (full, read-only): no error for the user.
 */
function numberColumns(events: pl.DataFrame, exprs: pl.Expr[], viaFile: boolean): NumberColumns {
  const read = viaFile ? numberColumnsViaFile(events, exprs) : undefined;
  if (read) {
    return {
      columns: [...read.keys()],
      column: (name) => read.get(name)!,
      // Sorted from the events again: the times are not copied back into polars.
      timeOrder: (time) => timeOrderOf(events.lazy().select(exprs[0]), time),
    };
  }
  const work = events.select(...exprs);
  return {
    columns: work.columns,
    column: (name) => work.getColumn(name).toTypedArray() as Float64Array | Uint32Array,
    timeOrder: (time) => timeOrderOf(work.lazy(), time),
  };
}

/** {@link numberColumns} through a temp Arrow IPC file (streamed, uncompressed), each column copied into one array of its own; undefined when that fails. */
function numberColumnsViaFile(events: pl.DataFrame, exprs: pl.Expr[]): Map<string, Float64Array | Uint32Array> | undefined {
  const dir = tempFolder();
  if (!dir) return undefined;
  try {
    const file = path.join(dir, "keys.arrow");
    events.lazy().select(...exprs).sinkIpc(file, { compression: "uncompressed" }).collectSync();
    const bytes = fs.readFileSync(file);
    fs.rmSync(file, { force: true });
    const table = tableFromIPC(bytes);
    const out = new Map<string, Float64Array | Uint32Array>();
    for (const field of table.schema.fields) {
      const chunks = table.getChild(field.name)!.data;
      const first = chunks[0]?.values;
      const whole = first instanceof Float64Array ? new Float64Array(table.numRows) : first instanceof Uint32Array ? new Uint32Array(table.numRows) : undefined;
      // Every expression fills its nulls: a null here (or another type) is not what was asked for; read it the old way.
      if (!whole || chunks.some((d) => d.nullCount !== 0 || d.values.constructor !== whole.constructor)) return undefined;
      let at = 0;
      for (const d of chunks) {
        whole.set(d.values.subarray(d.offset, d.offset + d.length), at);
        at += d.length;
      }
      if (at !== events.height) return undefined;
      out.set(field.name, whole);
    }
    // The file's bytes are Node's: freed now, not at the next collection.
    releaseArrays(new Uint8Array(bytes.buffer));
    return out;
  } catch {
    return undefined;
  } finally {
    removeTempFolder(dir);
  }
}

/**
 * A GUID column's text, null when unset: empty, or all zeros (Sysmon writes
 * `{00000000-0000-0000-0000-000000000000}` for a parent it did not see;
 * taken as a GUID, it would make every such parent one process).
 */
function guidText(text: pl.Expr): pl.Expr {
  return pl.when(text.str.contains("^[\\s{(]*[0-]*[\\s})]*$").not()).then(text).otherwise(pl.lit(null).cast(pl.Utf8));
}

/**
 * Codes of (host, GUID) for the events' own and parent GUIDs, in one dense
 * numbering (0: none). `own` and `parent` are global category codes
 * (NULL_CODE: none), renumbered in place; `hosts` are dense host codes
 * (0 none, else 1..hostCount).
 * A parent GUID equal to the event's own is dropped (never its own parent).
 */
function guidCodes(own: Uint32Array, parent: Uint32Array, hosts: Uint32Array, hostCount: number): Pick<ProcessKeys, "guidCode" | "parentGuidCode" | "guidCodeCount"> {
  const n = own.length;
  const { code, total } = hostScopedCodes(hostCount, densify([own, parent]).count + 1, n);
  const guidCode = new Uint32Array(n);
  const parentGuidCode = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    guidCode[i] = code(hosts[i], own[i]);
    parentGuidCode[i] = own[i] === parent[i] ? 0 : code(hosts[i], parent[i]);
  }
  return { guidCode, parentGuidCode, guidCodeCount: total() };
}

/** Events in time order (`t`, ties in row order, -Infinity first): the rows themselves when already in order, as logs usually are. */
function timeOrderOf(work: pl.LazyDataFrame, time: Float64Array): Uint32Array {
  let sorted = true;
  for (let i = 1; i < time.length && sorted; i += 1) sorted = time[i - 1] <= time[i];
  if (sorted) return identityOrder(time.length);
  // One lazy query: the sorted copy of the times is freed inside it; only the order comes out.
  return work.select(pl.col("t")).withRowIndex("i").sort({ by: ["t", "i"], nullsLast: false }).select(pl.col("i").cast(pl.UInt32)).collectSync().getColumn("i").toTypedArray() as Uint32Array;
}

/**
 * Keys with repeats told apart: the second of a key gets `#2`, the third `#3`…,
 * counting in `order` (a permutation of the indices of `keys`). Only repeated
 * keys leave polars.
 */
export function uniqueKeys(keys: pl.Series, order: ArrayLike<number>): pl.Series {
  const { values, index } = renamedKeys(keys, order);
  return index ? gather(values, index) : values;
}

/** {@link uniqueKeys} before its gather: `values[index[i]]` (`values[i]` without `index`) is key i. */
export interface RenamedKeys {
  /** The keys, then the renamed repeats. */
  values: pl.Series;
  /** Where each key's final value is in `values`; undefined when no key repeats. */
  index?: Uint32Array;
}

/**
 * {@link uniqueKeys} as `values` and `index`: the tree gathers them once, in
 * tree order, not twice. The repeats are counted in polars (a running count
 * per key): logs copied across hosts can repeat every key, and millions of
 * them must not become JS strings.
 */
export function renamedKeys(keys: pl.Series, order: ArrayLike<number>): RenamedKeys {
  const repeated = keys.isDuplicated().cast(pl.UInt8).toTypedArray() as Uint8Array;
  let count = 0;
  for (let k = 0; k < order.length; k += 1) count += repeated[order[k]];
  if (!count) return { values: keys };
  // The repeated keys in `order`, each with its occurrence number (1, 2, …).
  const at = new Uint32Array(count);
  for (let k = 0, j = 0; k < order.length; k += 1) if (repeated[order[k]]) at[j++] = order[k];
  const numbered = pl
    .DataFrame([gather(keys, at).rename("k"), pl.Series("one", new Uint32Array(count).fill(1))])
    .select(pl.col("k"), pl.col("one").cumSum().over("k").alias("n"));
  const nth = numbered.getColumn("n").cast(pl.UInt32).toTypedArray() as Uint32Array;
  // Renamed keys go after the others, in `order`; `index` picks each key's final value.
  const renamed = numbered.filter(pl.col("n").gt(1)).select(pl.concatString([pl.col("k"), pl.col("n").cast(pl.Utf8)], "#").alias("k")).getColumn("k");
  const index = new Uint32Array(keys.len());
  for (let i = 0; i < index.length; i += 1) index[i] = i;
  for (let j = 0, r = keys.len(); j < count; j += 1) if (nth[j] > 1) index[at[j]] = r++;
  return { values: renamed.len() ? pl.concat([keys, renamed.rename(keys.name)]) : keys, index };
}

/** `series[indices]`. */
function gather(series: pl.Series, indices: ArrayLike<number>): pl.Series {
  return pl.DataFrame([series]).select(pl.col(series.name).gather(pl.Series(Uint32Array.from(indices)))).getColumn(series.name);
}

// ---------------------------------------------------------------- parents

/** `matchParents`: the event's parent lookup is null (a root). */
export const NO_PARENT_ID = -1;
/** `matchParents`: the parent it names is not among the events (it gets an inferred one). */
export const PARENT_NOT_FOUND = -2;
/** Default slack, in ms, between a recorded parent start time and the parent's own (precision differences between columns). */
export const CREATION_TIME_TOLERANCE_MS = 1;

/** Options of {@link matchParents}. */
export interface MatchParentsOptions {
  /** Slack in ms around a recorded parent start time. Default {@link CREATION_TIME_TOLERANCE_MS}. */
  toleranceMs?: number;
  /** Resolve only these nodes (the others get {@link NO_PARENT_ID}). Default: all. */
  queries?: ArrayLike<number>;
}

/**
 * Parents step. Without a recorded parent start time, the parent of a node is
 * the latest node at or before its own time whose code is its parent code,
 * ties going to the later row (pandas merge_asof). With one (`parentTime`
 * finite), it is the latest such node that started within the tolerance of
 * that time: never one that started after it, nor an earlier process that
 * held the same id. Never the node itself. A node naming a parent GUID
 * (`parentGuidCode` not 0) is matched by it instead: the latest node with
 * that GUID at or before its time, else the first after it, else
 * {@link PARENT_NOT_FOUND}. Returns per node the parent's index,
 * {@link NO_PARENT_ID} or {@link PARENT_NOT_FOUND}.
 */
export function matchParents(
  keys: Pick<ProcessKeys, "time" | "order" | "code" | "parentCode" | "codeCount" | "parentTime" | "guidCode" | "parentGuidCode" | "guidCodeCount" | "idCode" | "parentIdCode" | "idCodeCount">,
  options: MatchParentsOptions = {},
): Int32Array {
  const parent = matchByCode(keys, options);
  const { guidCode, parentGuidCode, guidCodeCount } = keys;
  if (guidCode && parentGuidCode && guidCodeCount) matchByGuid(keys, guidCode, parentGuidCode, guidCodeCount, parent, options.queries);
  return parent;
}

/** {@link matchParents} by (host, id, image) and time; by (host, id) and time for the events with a {@link ProcessKeys.parentIdCode}. */
function matchByCode(
  { time, order, code, parentCode, codeCount, parentTime, idCode, parentIdCode, idCodeCount }: Pick<ProcessKeys, "time" | "order" | "code" | "parentCode" | "codeCount" | "parentTime" | "idCode" | "parentIdCode" | "idCodeCount">,
  options: MatchParentsOptions,
): Int32Array {
  const n = order.length;
  const tolerance = (options.toleranceMs ?? CREATION_TIME_TOLERANCE_MS) * 1000;
  const latest = new Int32Array(codeCount).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const byId = idCode && parentIdCode && idCodeCount ? { own: idCode, parent: parentIdCode, latest: new Int32Array(idCodeCount).fill(-1), previous: new Int32Array(n).fill(-1) } : undefined;
  const parent = new Int32Array(n).fill(NO_PARENT_ID);
  // Queries in the order of the time they look up to; without recorded parent times that is `order` itself.
  let queries: ArrayLike<number> = options.queries ?? order;
  let upTo = time;
  if (parentTime) {
    upTo = new Float64Array(n);
    for (let i = 0; i < n; i += 1) upTo[i] = Number.isFinite(parentTime[i]) ? parentTime[i] + tolerance : time[i];
  }
  if (parentTime || options.queries) {
    queries = Uint32Array.from(queries).sort((a, b) => (upTo[a] < upTo[b] ? -1 : upTo[a] > upTo[b] ? 1 : a - b));
  }
  // One sweep in time order: register every node up to the query's time (same-time parents count), then resolve it.
  let r = 0;
  for (let k = 0; k < queries.length; k += 1) {
    const i = queries[k];
    const until = upTo[i];
    for (; r < n && time[order[r]] <= until; r += 1) {
      const j = order[r];
      if (code[j] === 0) continue;
      previous[j] = latest[code[j]];
      latest[code[j]] = j;
      if (byId && byId.own[j] !== 0) {
        byId.previous[j] = byId.latest[byId.own[j]];
        byId.latest[byId.own[j]] = j;
      }
    }
    const idOnly = byId !== undefined && byId.parent[i] !== 0;
    const c = idOnly ? byId.parent[i] : parentCode[i];
    if (c === 0) continue;
    let p = idOnly ? byId.latest[c] : latest[c];
    if (p === i) p = idOnly ? byId.previous[i] : previous[i];
    // A recorded start time also rules out earlier holders of the id.
    if (p >= 0 && parentTime && Number.isFinite(parentTime[i]) && time[p] < parentTime[i] - tolerance) p = -1;
    parent[i] = p < 0 ? PARENT_NOT_FOUND : p;
  }
  return parent;
}

/**
 * {@link matchParents} by GUID, over `parent` in place for the nodes naming a
 * parent GUID: a GUID names one process, so the holder before the child is
 * only preferred when a GUID repeats (an event exported twice, GUIDs made
 * from ids); a holder that started later (clocks apart) still wins over ids.
 */
function matchByGuid(
  { time, order }: Pick<ProcessKeys, "time" | "order">,
  guidCode: Uint32Array,
  parentGuidCode: Uint32Array,
  guidCodeCount: number,
  parent: Int32Array,
  queries: ArrayLike<number> | undefined,
): void {
  const n = order.length;
  const asked = queries ? new Uint8Array(n) : undefined;
  if (queries && asked) for (let k = 0; k < queries.length; k += 1) asked[queries[k]] = 1;
  const first = new Int32Array(guidCodeCount).fill(-1);
  for (let k = 0; k < n; k += 1) {
    const j = order[k];
    if (guidCode[j] !== 0 && first[guidCode[j]] < 0) first[guidCode[j]] = j;
  }
  const latest = new Int32Array(guidCodeCount).fill(-1);
  let r = 0;
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    const c = parentGuidCode[i];
    if (c === 0 || (asked && !asked[i])) continue;
    for (; r < n && time[order[r]] <= time[i]; r += 1) {
      const j = order[r];
      if (guidCode[j] !== 0) latest[guidCode[j]] = j;
    }
    // Never itself: its own GUID is never its parent GUID (processKeys drops those), so neither holder is it.
    const p = latest[c] >= 0 ? latest[c] : first[c];
    parent[i] = p >= 0 ? p : PARENT_NOT_FOUND;
  }
}

/**
 * How much later than its child a parent may start, in ms, when no process with the parent's id (and image) on the
 * host started at or before the child: the clocks of two sources (or two collectors) apart by a few ms put a child
 * before its parent, which then got an inferred parent beside the real one.
 */
export const PARENT_CLOCK_SKEW_MS = 1000;

/**
 * Skew step, over `parent` (from {@link matchParents}) in place: an event whose parent was not found, that names its
 * parent by id (no parent GUID) and records no parent start time, is linked to the one event with its parent code
 * (host, parent id and image, or host and id where it names no image) that starts after it by at most `skewMs`;
 * not when several do (which is the parent is unknown), nor when that event descends from it. Events in time order,
 * so a link made is seen by the later ones' loop check. Returns the events linked so (in time order).
 */
export function matchSkewedParents(
  keys: Pick<ProcessKeys, "time" | "order" | "code" | "parentCode" | "codeCount" | "parentTime" | "parentGuidCode" | "idCode" | "parentIdCode" | "idCodeCount">,
  parent: Int32Array,
  skewMs = PARENT_CLOCK_SKEW_MS,
): number[] {
  const { time, order, code, parentCode, codeCount, parentTime, parentGuidCode, idCode, parentIdCode, idCodeCount } = keys;
  const n = order.length;
  // In a typed array: a JS array of up to n events grown by push is garbage of several times its size.
  const asked = new Uint32Array(n);
  let askedCount = 0;
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (parent[i] !== PARENT_NOT_FOUND || (parentGuidCode && parentGuidCode[i] !== 0) || (parentTime && Number.isFinite(parentTime[i]))) continue;
    asked[askedCount++] = i;
  }
  if (!askedCount) {
    releaseArrays(asked);
    return [];
  }
  // Each code's events in time order (a counting sort of `order` by code): one array for the image codes, one for the id codes.
  const byCode = (own: Uint32Array, count: number) => {
    const start = new Uint32Array(count + 1);
    for (let j = 0; j < n; j += 1) start[own[j] + 1] += 1;
    for (let c = 0; c < count; c += 1) start[c + 1] += start[c];
    const at = start.slice(0, count);
    const events = new Uint32Array(n);
    for (let k = 0; k < n; k += 1) events[at[own[order[k]]]++] = order[k];
    releaseArrays(at);
    return { start, events };
  };
  const images = byCode(code, codeCount);
  const ids = idCode && parentIdCode && idCodeCount ? byCode(idCode, idCodeCount) : undefined;
  const skew = skewMs * 1000;
  const linked: number[] = [];
  // Each event's root: the ancestor with no parent, found once for all (-1 on or below a loop). An asked event is a
  // root, so linking it under p closes a loop exactly when p's root is it; a link makes its tree part of p's root's
  // (`joined`, with path halving). Walking every ancestor per link cost up to depth × links (100k links under a
  // 4,000-deep chain: +2.2 s of CPU).
  const root = rootsOf(parent);
  const joined = new Int32Array(n).fill(-1);
  const top = (r: number): number => {
    while (joined[r] >= 0) {
      if (joined[joined[r]] >= 0) joined[r] = joined[joined[r]];
      r = joined[r];
    }
    return r;
  };
  for (let a = 0; a < askedCount; a += 1) {
    const i = asked[a];
    const idOnly = ids !== undefined && parentIdCode![i] !== 0;
    const c = idOnly ? parentIdCode![i] : parentCode[i];
    if (c === 0) continue;
    const { start, events } = idOnly ? ids : images;
    // The events of the code after the child's time, up to the skew (none at or before it: the parent was not found).
    let lo = start[c];
    let hi = start[c + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[events[mid]] <= time[i]) lo = mid + 1;
      else hi = mid;
    }
    let p = -1;
    let candidates = 0;
    for (let k = lo; k < start[c + 1] && time[events[k]] <= time[i] + skew && candidates < 2; k += 1) {
      if (events[k] === i) continue;
      p = events[k];
      candidates += 1;
    }
    if (candidates !== 1) continue;
    // Never a loop: the parent-to-be must not descend from the child (its own parent found by id, or linked here),
    // nor sit on a loop matchParents left (cutParentCycles cuts it).
    if (root[p] < 0) continue;
    const above = top(root[p]);
    if (above === i) continue;
    parent[i] = p;
    joined[i] = above;
    linked.push(i);
  }
  // Freed now, not at a collection: the next steps' arrays reuse the memory instead of faulting in fresh pages.
  releaseArrays(asked, root, joined, images.start, images.events, ids?.start, ids?.events);
  return linked;
}

/** Each event's root (its ancestor with no parent, itself when it has none), or -1 when its ancestors run into a loop. Linear. */
function rootsOf(parent: Int32Array): Int32Array {
  const n = parent.length;
  const UNKNOWN = -2;
  const ON_PATH = -3;
  const root = new Int32Array(n).fill(UNKNOWN);
  // The walk's nodes in a typed array: a JS array emptied (`length = 0`) per walk drops its storage, and 200k
  // walks made ~18 MB of garbage a build (young-generation collections).
  const path = new Int32Array(n);
  for (let start = 0; start < n; start += 1) {
    let at = start;
    let length = 0;
    while (at >= 0 && root[at] === UNKNOWN) {
      root[at] = ON_PATH;
      path[length++] = at;
      at = parent[at];
    }
    if (!length) continue;
    // The walk ended at a root's parent (none), an event already rooted, or one on this walk (a loop).
    const found = at < 0 ? path[length - 1] : root[at] === ON_PATH ? -1 : root[at];
    for (let k = 0; k < length; k += 1) root[path[k]] = found;
  }
  releaseArrays(path);
  return root;
}

// ---------------------------------------------------------------- inferred

/** Parent links of all nodes: events, then one inferred parent per missing parent. */
export interface NodeLinks {
  /** Parent node of each node (events, then inferred parents); -1 ({@link NO_PARENT_ID}) for a root. */
  parent: Int32Array;
  /** For each inferred parent, the first child (in time order) naming it: the event its row is made from. */
  inferredChild: Uint32Array;
}

/**
 * Inferred step: one inferred parent (node n, n+1, … in the time order of
 * their first child) per parent code not found, and per recorded parent start
 * time where the events record it (PIDs are reused), shared by its children;
 * children naming a parent GUID share one per (host, GUID) instead.
 */
export function inferParents(matched: Int32Array, { parentCode, order, parentTime, parentGuidCode }: Pick<ProcessKeys, "parentCode" | "order" | "parentTime" | "parentGuidCode">): NodeLinks {
  const n = matched.length;
  const inferredOf = new Map<string | number, number>();
  const inferredChild: number[] = [];
  const nodeOf = new Int32Array(n);
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (matched[i] !== PARENT_NOT_FOUND) continue;
    // GUID groups as negative numbers: apart from the (positive) parent codes.
    const guid = parentGuidCode ? parentGuidCode[i] : 0;
    const group = guid !== 0 ? -guid : parentTime && Number.isFinite(parentTime[i]) ? `${parentCode[i]}@${parentTime[i]}` : parentCode[i];
    let node = inferredOf.get(group);
    if (node === undefined) {
      node = n + inferredChild.length;
      inferredOf.set(group, node);
      inferredChild.push(i);
    }
    nodeOf[i] = node;
  }
  const parent = new Int32Array(n + inferredChild.length).fill(-1);
  for (let i = 0; i < n; i += 1) parent[i] = matched[i] === PARENT_NOT_FOUND ? nodeOf[i] : matched[i];
  return { parent, inferredChild: Uint32Array.from(inferredChild) };
}

/** The inferred parents as rows. */
export interface InferredRows {
  /** The columns the children describe them with (those the events have), in the events' dtypes. */
  rows: pl.DataFrame;
  /** Their keys: `image|id|start time`, the time `1970-01-01 00:00:00.000000` when not recorded (built on first use). */
  readonly key: pl.Series;
  /** The parts of their keys: lower-case image, id text ("NaN" when null), start time in µs (0, the epoch, when not recorded). */
  parts: { image: string[]; id: string[]; time: Float64Array };
}

/**
 * The rows of the inferred processes, each as its child event describes it.
 * Level 1, a parent: image (in the child's case, "unknown" when missing), id,
 * host and event id; where the schema has them, its start time (in the time
 * and creation-time columns), command line, its own parent (the grandparent
 * columns) and the `parentColumns`. Level 2, a grandparent: image, id, host,
 * event id and start time from the grandparent columns.
 */
export function inferredRows({ events, schema }: ProcessEvents, inferredChild: Uint32Array, level?: ArrayLike<number>): InferredRows {
  const LEVEL = "__hl_level";
  const levels = Uint8Array.from({ length: inferredChild.length }, (_, k) => level?.[k] ?? 1);
  const anyTwo = levels.includes(2);
  let children = events.select(pl.all().gather(pl.Series(inferredChild)));
  if (anyTwo) children = children.withColumns(pl.Series(LEVEL, levels));
  // Sources as a column or an expression made on use: expressions cost a wrapper each, and a level no row has needs none.
  type Source = { column: string } | { expr: () => pl.Expr } | undefined;
  const name = (column: string | undefined): Source => {
    if (!hasColumn(events, column)) return { expr: () => lit("unknown") };
    return {
      expr: () => {
        const v = pl.col(column).cast(pl.Utf8);
        return pl.when(v.isNull().or(v.eq(lit("")))).then(lit("unknown")).otherwise(v);
      },
    };
  };
  const from = (column: string | undefined): Source => (hasColumn(events, column) ? { column } : undefined);
  // target column → [level-1 source, level-2 source]
  const targets = new Map<string, [Source, Source]>();
  const set = (target: string | undefined, one: Source, two?: Source): void => {
    if (hasColumn(events, target) && (one || two)) targets.set(target, [one, two]);
  };
  const gpName = hasColumn(events, schema.grandparentId) ? name(schema.grandparentName) : undefined;
  set(schema.processName, name(schema.parentName), gpName);
  set(schema.processId, from(schema.parentId), from(schema.grandparentId));
  set(schema.hostName, from(schema.hostName), from(schema.hostName));
  set(schema.eventIdColumn, from(schema.eventIdColumn), from(schema.eventIdColumn));
  set(schema.timeStamp, from(schema.parentCreationTime), from(schema.grandparentCreationTime));
  set(schema.processCreationTime, from(schema.parentCreationTime), from(schema.grandparentCreationTime));
  set(schema.cmdLine, from(schema.parentCmdLine));
  for (const [target, source] of Object.entries(schema.parentColumns ?? {})) set(target, from(source));
  set(schema.parentName, hasColumn(events, schema.grandparentName) ? from(schema.grandparentName) : undefined);
  set(schema.parentId, from(schema.grandparentId));
  set(schema.parentCreationTime, from(schema.grandparentCreationTime));
  const value = (source: Source, dtype: DataType): pl.Expr => {
    if (!source) return pl.lit(null).cast(dtype);
    if ("expr" in source) return source.expr().cast(dtype);
    const from = dtypeOf(events, source.column);
    if (from.equals(dtype)) return pl.col(source.column);
    // A float id column (a CSV integer column with a null) into a text one: 420, not "420.0", as the children's keys read it.
    if (isTextType(dtype) && from.variant.startsWith("Float") && integral(source.column)) return pl.col(source.column).cast(pl.Int64).cast(dtype);
    if (isTextType(from) && /^U?Int(8|16|32|64)$/.test(dtype.variant)) return idsAsIntegers(source.column, dtype);
    return pl.col(source.column).cast(dtype);
  };
  // Windows' hex ids (`0x1f4`, 4688's ProcessId) into an integer id column (NewProcessId typed by the export):
  // polars' cast made them null, an inferred parent without an id ("NaN" in its key). Read as numbers here.
  const idsAsIntegers = (column: string, dtype: DataType): pl.Expr => {
    const plain = pl.col(column).cast(dtype, false);
    const failing = events.select(pl.col(column).filter(plain.isNull().and(pl.col(column).isNotNull())).unique().alias("v")).getColumn("v").toArray() as string[];
    // Read as LocalData's parameters read ids (`0x1250` or decimal, exactly), kept when the column's type holds them.
    const parsed = failing.flatMap((text) => {
      const key = matchKey(text, "integer");
      return key !== undefined && fitsInteger(key, dtype.variant) ? [[text, key] as const] : [];
    });
    if (!parsed.length) return plain;
    // The texts that failed, replaced by their digits; every other text casts as before.
    return pl.col(column).replace(parsed.map(([t]) => t), parsed.map(([, n]) => n)).cast(dtype, false);
  };
  const integral = (column: string): boolean => {
    const v = pl.col(column);
    return events.select(v.isNull().or(v.eq(v.floor())).all().alias("ok")).row(0)[0] === true;
  };
  const isTwo = anyTwo ? pl.col(LEVEL).eq(2) : undefined;
  const rows = children.select(
    ...[...targets].map(([target, [one, two]]) => {
      const dtype = dtypeOf(events, target);
      return (isTwo ? pl.when(isTwo).then(value(two, dtype)).otherwise(value(one, dtype)) : value(one, dtype)).alias(target);
    }),
  );
  const [image, id] = keyParts(rows, schema);
  const parts = rows.select(image.alias("image"), id.alias("id"), startMicros(rows, schema).alias("us"));
  let key: pl.Series | undefined;
  return {
    rows,
    get key(): pl.Series {
      key ??= keysOf(parts, EPOCH_KEY_TIME);
      return key;
    },
    parts: {
      image: parts.getColumn("image").toArray() as unknown as string[],
      id: parts.getColumn("id").toArray() as unknown as string[],
      time: parts.select(pl.col("us").cast(pl.Float64).fillNull(pl.lit(0))).getColumn("us").toTypedArray() as Float64Array,
    },
  };
}

/** The nodes of the tree: the events (0..n-1), then the inferred parents, then the inferred grandparents. */
export interface ProcessNodes {
  /** Parent of each node, -1 for a root. */
  parent: Int32Array;
  /** proc_key of each node, repeats numbered (built on first use from {@link keyParts}). */
  readonly key: pl.Series;
  /** The parts of every node's key, repeats numbered: the tree writes its keys from them, in tree order. */
  keyParts: KeyParts;
  /** source_index of each node: its input row; inferred processes numbered after the last. */
  sourceIndex: Int32Array;
  /** Digits of source indices in paths (at least 5). */
  width: number;
  /** The inferred processes' rows. */
  inferred: pl.DataFrame;
  /**
   * Nodes in time order for the layout: the events and the inferred processes
   * with a known start time; those without one are left to {@link treeLayout}
   * (before their first child).
   */
  order: Uint32Array;
}

/** Options of {@link processNodes}. */
export interface ProcessNodesOptions {
  /** Slack in ms around recorded start times. Default {@link CREATION_TIME_TOLERANCE_MS}. */
  toleranceMs?: number;
}

/**
 * Inferred step, whole: the events' matched parents plus inferred ones, with
 * every node's key and source index. Where the events record the parent's
 * start time and its parent (MDE's `InitiatingProcessParent*`), a rebuilt
 * parent is linked up in turn: to a process of the data (or another rebuilt
 * parent) with the grandparent's id and start time, else to a rebuilt
 * grandparent.
 */
export function processNodes(events: ProcessEvents, keys: ProcessKeys, matched: Int32Array, options: ProcessNodesOptions = {}): ProcessNodes {
  const n = matched.length;
  const { parent: level1, inferredChild: parentChild } = inferParents(matched, keys);
  const m1 = parentChild.length;
  // Each rebuilt parent: its start time, its own lookup code (its child's parent code), and the grandparent it names.
  const startOf = (i: number): number => (keys.parentTime && Number.isFinite(keys.parentTime[i]) ? keys.parentTime[i] : -Infinity);
  const t1 = Float64Array.from(parentChild, startOf);
  const gpCode = Uint32Array.from(parentChild, (i) => (keys.grandparentCode && Number.isFinite(startOf(i)) ? keys.grandparentCode[i] : 0));
  const gpTime = Float64Array.from(parentChild, (i) => keys.grandparentTime?.[i] ?? NaN);
  const up = new Int32Array(m1).fill(NO_PARENT_ID);
  const grandChild: number[] = [];
  const t2: number[] = [];
  if (gpCode.some((c) => c !== 0)) {
    // Match the rebuilt parents' parents among the events and the rebuilt parents.
    const total = n + m1;
    const time = new Float64Array(total);
    time.set(keys.time);
    time.set(t1, n);
    const code = new Uint32Array(total);
    code.set(keys.code);
    parentChild.forEach((i, k) => (code[n + k] = keys.parentCode[i]));
    const parentCode = new Uint32Array(total);
    parentCode.set(gpCode, n);
    const parentTime = new Float64Array(total).fill(NaN);
    parentTime.set(gpTime, n);
    const queries = Uint32Array.from({ length: m1 }, (_, k) => n + k).filter((q) => parentCode[q] !== 0);
    const found = matchParents({ time, order: timeOrder(keys.order, keys.time, t1), code, parentCode, parentTime, codeCount: keys.codeCount }, { toleranceMs: options.toleranceMs, queries });
    // Grandparents not in the data: one per grandparent code and start time.
    const grandOf = new Map<string, number>();
    for (let k = 0; k < m1; k += 1) {
      up[k] = found[n + k];
      if (up[k] !== PARENT_NOT_FOUND) continue;
      const group = `${gpCode[k]}@${gpTime[k]}`;
      let node = grandOf.get(group);
      if (node === undefined) {
        node = n + m1 + grandChild.length;
        grandOf.set(group, node);
        grandChild.push(parentChild[k]);
        t2.push(Number.isFinite(gpTime[k]) ? gpTime[k] : -Infinity);
      }
      up[k] = node;
    }
  }
  const m2 = grandChild.length;
  // Without grandparents, the parents' own links go in place (inferParents made them roots).
  const parent = m2 ? new Int32Array(n + m1 + m2).fill(NO_PARENT_ID) : level1;
  if (m2) parent.set(level1.subarray(0, n));
  for (let k = 0; k < m1; k += 1) parent[n + k] = up[k] >= 0 ? up[k] : NO_PARENT_ID;
  const inferredChild = new Uint32Array(m1 + m2);
  inferredChild.set(parentChild);
  inferredChild.set(grandChild, m1);
  const inferred = inferredRows(events, inferredChild, Uint8Array.from({ length: m1 + m2 }, (_, k) => (k < m1 ? 1 : 2)));
  const added = m1 + m2;
  const addedTimes = new Float64Array(added);
  addedTimes.set(t1);
  addedTimes.set(t2, m1);
  const sourceIndex = new Int32Array(n + added);
  sourceIndex.set(events.inputRow);
  for (let i = n; i < n + added; i += 1) sourceIndex[i] = events.inputRows + i - n;
  const keyParts = nodeKeyParts(keys, inferred.parts);
  numberRepeats(keyParts, keys.order, n);
  return withKeyColumn({
    parent,
    keyParts,
    sourceIndex,
    width: Math.max(5, String(events.inputRows + added).length),
    inferred: inferred.rows,
    order: timeOrder(keys.order, keys.time, addedTimes, true),
  });
}

/**
 * The nodes with their `key` column built on first use. The getter is made
 * here, not in processNodes: a closure keeps its function's whole scope
 * alive, and processNodes' holds the per-event lookups (`keys`: ~40 B an
 * event, 400 MB at 10M events), which the tree then kept to the end.
 */
function withKeyColumn(nodes: Omit<ProcessNodes, "key">): ProcessNodes {
  let key: pl.Series | undefined;
  return Object.defineProperty(nodes, "key", {
    get: (): pl.Series => (key ??= keyColumn(nodes.keyParts, identityOrder(nodes.parent.length))),
    enumerable: true,
    configurable: true,
  }) as ProcessNodes;
}

/** The key parts of the events and then of the inferred processes, in one numbering of texts. */
function nodeKeyParts(keys: ProcessKeys, inferred: InferredRows["parts"]): KeyParts {
  const m = inferred.time.length;
  const parts = keys.keyPartsFor(m);
  const n = parts.image.length - m;
  const images = TextTable.from(parts.images);
  const ids = TextTable.from(parts.ids);
  const { image, id, addedTime } = parts;
  for (let k = 0; k < m; k += 1) {
    image[n + k] = images.of(inferred.image[k] ?? "");
    id[n + k] = ids.of(inferred.id[k] ?? "NaN");
    addedTime![k] = inferred.time[k];
  }
  return { ...parts, images: images.texts, ids: ids.texts };
}

/**
 * Numbers repeated keys (`nth`): the n-th node with a key gets `#n`,
 * counting inferred processes first (in node order), then events in time
 * order (`eventOrder`). Equal keys have equal times, so only nodes of one
 * time are compared, by image and id (by their texts joined when one holds
 * the key's "|" separator).
 */
export function numberRepeats(parts: KeyParts, eventOrder: ArrayLike<number>, n: number): void {
  const { image, id, time, nth, images, ids } = parts;
  const m = image.length - n;
  // (Events' times are in `time`; an inferred node's may be in `addedTime`.)
  const nodeTime = (i: number): number => timeOfNode(parts, i);
  const inferred = Uint32Array.from({ length: m }, (_, k) => n + k).sort((a, b) => (nodeTime(a) < nodeTime(b) ? -1 : nodeTime(a) > nodeTime(b) ? 1 : a - b));
  const joined = images.some((t) => t.includes("|")) || ids.some((t) => t.includes("|"));
  const identity = (i: number): number | string => (joined ? `${images[image[i]]}|${ids[id[i]]}` : image[i] * ids.length + id[i]);
  let e = 0;
  let f = 0;
  let run: Uint32Array | undefined;
  while (e < n || f < m) {
    const te = e < n ? time[eventOrder[e]] : Infinity;
    const tf = f < m ? nodeTime(inferred[f]) : Infinity;
    const t = te < tf ? te : tf;
    // The run of nodes at time t is counted first: most times are unique, and no array is made for them.
    const f0 = f;
    const e0 = e;
    while (f < m && nodeTime(inferred[f]) === t) f += 1;
    while (e < n && time[eventOrder[e]] === t) e += 1;
    const size = f - f0 + (e - e0);
    if (!size) break;
    if (size < 2) continue;
    // One array for every run (a JS array per run was ~4 MB of garbage a build of 200k events).
    if (!run || run.length < size) run = new Uint32Array(Math.max(size, 64, run ? 2 * run.length : 0));
    let length = 0;
    for (let k = f0; k < f; k += 1) run[length++] = inferred[k];
    for (let k = e0; k < e; k += 1) run[length++] = eventOrder[k];
    if (length <= 16) {
      for (let a = 1; a < length; a += 1) {
        let seen = 1;
        const ia = identity(run[a]);
        for (let b = 0; b < a; b += 1) if (identity(run[b]) === ia) seen += 1;
        if (seen > 1) nth[run[a]] = seen;
      }
    } else {
      const count = new Map<number | string, number>();
      for (let r = 0; r < length; r += 1) {
        const i = run[r];
        const k = identity(i);
        const seen = (count.get(k) ?? 0) + 1;
        count.set(k, seen);
        if (seen > 1) nth[i] = seen;
      }
    }
  }
}

/**
 * All nodes in time order: the events' order (`eventOrder`, over 0..n-1, by
 * `eventTime`) merged with the nodes from `n` on by their `addedTime` (node
 * n + k's at k), events first on ties. `timedOnly` leaves out the added nodes
 * without a time (-Infinity). The times stay in two arrays: one of every
 * node would cost its size in fresh memory.
 */
function timeOrder(eventOrder: Uint32Array, eventTime: Float64Array, addedTime: Float64Array, timedOnly = false): Uint32Array {
  const n = eventOrder.length;
  if (!addedTime.length) return eventOrder;
  let added = Uint32Array.from({ length: addedTime.length }, (_, k) => k);
  if (timedOnly) added = added.filter((k) => Number.isFinite(addedTime[k]));
  added.sort((a, b) => addedTime[a] - addedTime[b] || a - b);
  const out = new Uint32Array(n + added.length);
  let a = 0;
  let e = 0;
  for (let k = 0; k < out.length; k += 1) {
    out[k] = a < added.length && (e >= n || addedTime[added[a]] < eventTime[eventOrder[e]]) ? n + added[a++] : eventOrder[e++];
  }
  return out;
}

// ---------------------------------------------------------------- paths, levels

/** Where each node goes in the tree. */
/** Row order of a built tree: `tree` (each root, then its descendants depth first) or `input` (the events' order, inferred parents last). */
export type TreeRowOrder = "tree" | "input";

export interface TreeLayout {
  /** Nodes in output order: each root, then its descendants depth first, siblings in time order. */
  treeOrder: Int32Array;
  /**
   * Source indices (padded) from the root down to the node, `/`-separated, per
   * node. Built on first use: the tree itself writes its paths as bytes
   * (processTreeText.ts, `treeTextColumns`), never as 200k JS strings.
   */
  readonly path: string[];
  /** Number of path segments: roots are 1. */
  level: Int32Array;
  /** Whether a node was reached from a root (0: caught in a parent cycle; its path is its own source index). */
  reached: Uint8Array;
}

/**
 * `order` completed with the nodes it leaves out, each just before its first
 * child in `order` (at the end when it has none).
 */
function completeOrder(parent: Int32Array, order: ArrayLike<number>): ArrayLike<number> {
  const total = parent.length;
  if (order.length === total) return order;
  const listed = new Uint8Array(total);
  for (let k = 0; k < order.length; k += 1) listed[order[k]] = 1;
  const before = new Map<number, number[]>();
  const placed = new Uint8Array(total);
  for (let k = 0; k < order.length; k += 1) {
    const p = parent[order[k]];
    if (p >= 0 && !listed[p] && !placed[p]) {
      placed[p] = 1;
      const at = before.get(k);
      if (at) at.push(p);
      else before.set(k, [p]);
    }
  }
  const out = new Uint32Array(total);
  let o = 0;
  for (let k = 0; k < order.length; k += 1) {
    const first = before.get(k);
    if (first) for (const p of first) out[o++] = p;
    out[o++] = order[k];
  }
  for (let i = 0; i < total; i += 1) if (!listed[i] && !placed[i]) out[o++] = i;
  return out;
}

/**
 * Cycles step: links that would make processes each other's ancestors (A's parent B, B's parent A; possible with
 * coarse or equal times, and with parent GUIDs, which links follow whatever the times say) are cut, in `parent`, in
 * place: each cycle above its earliest process in `order` (time order; nodes it leaves out after it), which becomes a
 * root, so the cycle and everything under it hang from it. Before, such processes and their descendants had no
 * root: `IsRoot` false for all, `Level` 1, `ptree.getRoots` none of them. Linear: each node is walked up once.
 * Returns the cut nodes, each with the members of its cycle (in order up from it).
 */
export function cutParentCycles(parent: Int32Array, order: ArrayLike<number>): { node: number; cycle: number[] }[] {
  const total = parent.length;
  const rank = new Int32Array(total).fill(-1);
  for (let k = 0; k < order.length; k += 1) rank[order[k]] = k;
  let next = order.length;
  for (let i = 0; i < total; i += 1) if (rank[i] < 0) rank[i] = next++;
  const byRank = new Int32Array(total);
  for (let i = 0; i < total; i += 1) byRank[rank[i]] = i;
  // 0: not seen, 1: on the walk under way, 2: done.
  const state = new Uint8Array(total);
  // The walk in a typed array, not a JS array emptied per walk (its storage dropped each time: ~25 MB of garbage a build).
  const walk = new Int32Array(total);
  const cuts: { node: number; cycle: number[] }[] = [];
  for (let k = 0; k < total; k += 1) {
    let at = byRank[k];
    let length = 0;
    while (at >= 0 && state[at] === 0) {
      state[at] = 1;
      walk[length++] = at;
      at = parent[at];
    }
    if (at >= 0 && state[at] === 1) {
      // `at` is on this walk: the walk from it on is the cycle.
      const cycle = Array.from(walk.subarray(walk.subarray(0, length).indexOf(at), length));
      let first = cycle[0];
      for (const c of cycle) if (rank[c] < rank[first]) first = c;
      parent[first] = -1;
      const from = cycle.indexOf(first);
      cuts.push({ node: first, cycle: [...cycle.slice(from), ...cycle.slice(0, from)] });
    }
    for (let w = 0; w < length; w += 1) state[walk[w]] = 2;
  }
  releaseArrays(rank, byRank, state, walk);
  return cuts;
}

/**
 * Paths/levels step. `parent`: of each node (events, then inferred
 * processes); `order`: nodes in time order (inferred nodes it leaves out go
 * just before their first child); `sourceIndex`: of each node, padded to
 * `width` digits in paths. Roots come in time order; nodes caught in a
 * parent cycle (unreachable from any root) keep their own source index as
 * path, as in MSTICPy, and come last.
 */
export function treeLayout(parent: Int32Array, order: ArrayLike<number>, sourceIndex: ArrayLike<number>, width: number): TreeLayout {
  const total = parent.length;
  const full = completeOrder(parent, order);
  // Children lists (CSR), each in time order.
  const childStart = new Int32Array(total + 1);
  for (let i = 0; i < total; i += 1) if (parent[i] >= 0) childStart[parent[i] + 1] += 1;
  for (let i = 0; i < total; i += 1) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, total);
  const childList = new Int32Array(childStart[total]);
  for (let k = 0; k < total; k += 1) {
    const i = full[k];
    if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
  }

  const level = new Int32Array(total).fill(1);
  const treeOrder = new Int32Array(total);
  const reached = new Uint8Array(total);
  let out = 0;
  // Depth first with an explicit stack (trees can be deeper than the call stack): the fill counters', done with.
  const stack = fill;
  for (let k = 0; k < total; k += 1) {
    const root = full[k];
    if (parent[root] >= 0) continue;
    let top = 0;
    stack[top++] = root;
    while (top) {
      const node = stack[--top];
      if (reached[node]) continue;
      reached[node] = 1;
      treeOrder[out++] = node;
      for (let c = childStart[node + 1] - 1; c >= childStart[node]; c -= 1) {
        const kid = childList[c];
        level[kid] = level[node] + 1;
        stack[top++] = kid;
      }
    }
  }
  for (let k = 0; k < total; k += 1) {
    const i = full[k];
    if (!reached[i]) treeOrder[out++] = i;
  }
  // The working arrays freed now, not at a collection: the assembly's arrays (as big) then reuse their memory
  // instead of faulting in fresh pages. (`full` is `order` itself when that was complete: the caller's.)
  releaseArrays(childStart, fill, childList, ...(full !== order ? [full as Uint32Array] : []));
  let path: string[] | undefined;
  return {
    treeOrder,
    level,
    reached,
    get path(): string[] {
      path ??= layoutPaths(parent, treeOrder, reached, sourceIndex, width);
      return path;
    },
  };
}

/** Paths as JS strings, per node (for {@link TreeLayout.path}; parents come before their children in `treeOrder`). */
function layoutPaths(parent: Int32Array, treeOrder: Int32Array, reached: Uint8Array, sourceIndex: ArrayLike<number>, width: number): string[] {
  const path = new Array<string>(parent.length);
  for (const i of treeOrder) {
    const label = String(sourceIndex[i]).padStart(width, "0");
    path[i] = reached[i] && parent[i] >= 0 ? `${path[parent[i]]}/${label}` : label;
  }
  return path;
}

// ---------------------------------------------------------------- output

/**
 * Most `path` text a tree may have (2 GiB): 10M processes a few levels deep
 * take ~0.5 GB, a 16,000-deep chain 0.75 GB, a 60,000-deep one 10 GB. Past
 * it the deepest rows get no path ({@link pathLevelLimit}).
 */
export const MAX_PATH_BYTES = 2 ** 31;

/**
 * The deepest level whose rows' paths, with every shallower row's, fit in `maxBytes`, or undefined when all fit
 * (a row of level L takes L segments of `width` digits and a separator).
 */
export function pathLevelLimit(level: Int32Array, width: number, maxBytes: number): number | undefined {
  let depth = 0;
  let bytes = 0;
  for (let k = 0; k < level.length; k += 1) {
    bytes += level[k] * (width + 1);
    if (level[k] > depth) depth = level[k];
  }
  if (bytes <= maxBytes) return undefined;
  const rowsAt = new Float64Array(depth + 1);
  for (let k = 0; k < level.length; k += 1) rowsAt[level[k]] += 1;
  let within = 0;
  let limit = 0;
  for (let l = 1; l <= depth; l += 1) {
    within += rowsAt[l] * l * (width + 1);
    if (within > maxBytes) break;
    limit = l;
  }
  return limit;
}

/**
 * Rows of a frame put in tree order by one sort: polars sorts a frame of
 * many chunks (a CSV read in parallel) faster than it gathers from one, and
 * shares the strings' bytes with the input (a gather from many chunks copies
 * them). Inside the sort polars first copies every column's 16-byte string
 * views into one chunk: on a big frame (1.6 GB at 10M events) that transient
 * is the build's peak, so the columns are sorted a few at a time.
 */
export const SORT_GROUP_ROWS = 1_000_000;

/** Options of {@link assembleTree}. */
export interface AssembleOptions {
  /** Free the steps' per-node arrays (detached, length 0) once written out: for the build's own call, which reads none of them after. */
  release?: boolean;
  /** Up to this many rows every column is put in tree order by one sort; past it, each sort takes columns × this / rows of them (default {@link SORT_GROUP_ROWS}; the tests take 1). */
  sortGroupRows?: number;
  /** From this many rows the output and parent positions enter polars through temp IPC files (default {@link IPC_ROWS}; the tests take 0). */
  ipcRows?: number;
  /** Most path text (default {@link MAX_PATH_BYTES}; the tests take less): past it, the deepest rows get no path. */
  maxPathBytes?: number;
  /** Told when rows get no path (`buildProcessTree`'s `warn`). */
  warn?: (message: string) => void;
}

/**
 * The tree: the events (plus inferred parents) in tree order, with the tree
 * columns. The text columns are written first, in tree order
 * (processTreeText.ts), while the per-node arrays they are written from are
 * alive; with `release` (the build's own call: nothing reads the steps'
 * arrays after it) those arrays are then freed, and only then are the event
 * columns put in tree order (sorted on each row's output position, a few
 * columns at a time on big frames): the sort's output and the text columns
 * are most of the tree's memory, and the arrays are not kept beside both.
 */
export function assembleTree(
  { events, schema }: ProcessEvents,
  { parent, inferred, keyParts, sourceIndex, width, order: nodeOrder }: ProcessNodes,
  layout: TreeLayout,
  order: TreeRowOrder = "tree",
  { release = false, sortGroupRows = SORT_GROUP_ROWS, ipcRows = IPC_ROWS, maxPathBytes = MAX_PATH_BYTES, warn = printWarning }: AssembleOptions = {},
): pl.DataFrame {
  const total = parent.length;
  const { level } = layout;
  // Input order: each node is its own row, and the frame is never sorted (the sort's transient is the build's peak).
  const treeOrder = order === "input" ? new Int32Array(identityOrder(total).buffer) : layout.treeOrder;
  const n = total - inferred.height;
  // Inferred processes too: a rebuilt parent may carry its logon session.
  const rows = inferred.height ? pl.concat([events, inferred], { how: "diagonal", rechunk: false }) : events;
  // Per row of the output (tree order): its parent's row, level and whether it is inferred; per node: its row.
  const positionOf = new Uint32Array(total);
  for (let pos = 0; pos < total; pos += 1) positionOf[treeOrder[pos]] = pos;
  const parentPos = new Int32Array(total);
  const rowLevel = new Int32Array(total);
  const rowInferred = new Uint8Array(total);
  for (let pos = 0; pos < total; pos += 1) {
    const i = treeOrder[pos];
    const p = parent[i];
    parentPos[pos] = p >= 0 ? positionOf[p] : -1;
    rowLevel[pos] = level[i];
    rowInferred[pos] = i >= n ? 1 : 0;
  }
  if (release) releaseArrays(parent, level, layout.reached, nodeOrder);
  // Each path lists every ancestor: a chain n deep takes n²/2 segments. A depth whose paths would pass the limit
  // (a process that forks a child and exits, again and again; forged events) gets paths down to the level they fit,
  // and none below: the tree (links, levels, roles) is whole, and the queries and views read links, not paths.
  const maxPathLevel = pathLevelLimit(rowLevel, width, maxPathBytes);
  if (maxPathLevel !== undefined) {
    let depth = 0;
    let without = 0;
    let bytes = 0;
    for (let pos = 0; pos < total; pos += 1) {
      if (rowLevel[pos] > depth) depth = rowLevel[pos];
      if (rowLevel[pos] > maxPathLevel) without += 1;
      bytes += rowLevel[pos] * (width + 1);
    }
    warn(transformWarnings.pathsCut({ depth, maxPathLevel, without, bytes, limit: maxPathBytes }));
  }
  const text = treeTextColumns({ node: treeOrder, parentPos, level: rowLevel, sourceIndex, width, maxPathLevel }, keyParts);
  if (release || order === "input") releaseArrays(treeOrder);
  // (keyParts.time is freed only when the keys step read it through a file: one nodejs-polars handed out goes when the loop turns.)
  if (release) releaseArrays(keyParts.image, keyParts.id, keyParts.nth, keyParts.addedTime, keyParts.time, sourceIndex);
  let POSITION = "__hl_position";
  while (rows.columns.includes(POSITION)) POSITION += "_";
  let out = rows;
  // Big trees: the per-row numbers polars reads (output position, parent position, level, inferred) go in through
  // temp Arrow files scanned inside the queries, not as Series: a Series made from JS stays allocated until the loop
  // turns. All are written here, before the sorts, so their arrays are freed before the sorts' peak.
  const files = total >= ipcRows ? numberFiles() : undefined;
  try {
    const positionFile = order !== "input" ? files?.scan({ [POSITION]: positionOf }) : undefined;
    const parentFile = files?.scan({ __hl_p: parentPos });
    const numbersFile = files?.scan({ Level: rowLevel, IsInferred: rowInferred });
    // Without a file, the Series as before (made now: the arrays are freed below).
    const position = order === "input" ? undefined : (positionFile ?? pl.DataFrame([pl.Series(POSITION, positionOf)]).lazy());
    const parentRows = parentFile ?? pl.DataFrame([pl.Series("__hl_p", parentPos)]).lazy();
    const numbers = numbersFile ?? pl.DataFrame([pl.Series("Level", rowLevel), pl.Series("IsInferred", rowInferred)]).lazy();
    if (release) releaseArrays(positionOf, parentPos, rowLevel, rowInferred);
    if (position) {
      const names = rows.columns;
      // Columns a sort: all of them up to SORT_GROUP_ROWS rows, then fewer as rows grow (at least one).
      const perSort = Math.max(1, Math.floor((names.length * sortGroupRows) / Math.max(total, 1)));
      const sorted: pl.DataFrame[] = [];
      for (let c = 0; c < names.length; c += perSort) {
        const part = c === 0 && perSort >= names.length ? rows : rows.select(...names.slice(c, c + perSort));
        // Lazy: the sorted positions are dropped inside the query, not kept with the sorted frame until the build returns.
        sorted.push(pl.concat([part.lazy(), position], { how: "horizontal" }).sort(POSITION).drop(POSITION).collectSync());
      }
      out = sorted.length === 1 ? sorted[0] : pl.concat(sorted, { how: "horizontal" });
    }
    if (hasColumn(events, schema.logonId)) {
      const asText = (column: string): pl.Expr => (isTextType(dtypeOf(events, column)) ? pl.col(column) : pl.col(column).cast(pl.Utf8));
      const logon = asText(schema.logonId);
      const target = hasColumn(events, schema.targetLogonId) ? asText(schema.targetLogonId) : undefined;
      out = out.withColumns(
        (target ? pl.when(target.isNotNull().and(target.neq(lit("0x0"))).and(target.neq(lit("0"))).and(target.neq(lit("")))).then(target).otherwise(logon) : logon).alias("EffectiveLogonId"),
      );
    }
    // (proc_key comes in one chunk: a gather from many chunks copies every key's bytes.)
    const procKey = text.getColumn("proc_key");
    // The parent's key is the key at the parent's row: a gather (a root's index, -1, casts to null and gathers null), not new strings.
    // (Cast inside the call: a cast Series would stay allocated until the build returns.)
    const keys = pl
      .concat([pl.DataFrame([procKey]).lazy(), parentRows], { how: "horizontal" })
      .select(pl.col("proc_key"), pl.col("proc_key").gather(pl.col("__hl_p").cast(pl.UInt32)).alias("parent_key"))
      .collectSync();
    // Frames joined by concat, not hstack: hstack makes a Series wrapper per column, and each Series or Expr wrapper
    // (an object of ~300 closures) costs more than a column's join.
    // (Level and IsInferred are read inside this query too; IsInferred comes as 0/1 bytes.)
    const tree = pl
      .concat([keys.lazy(), text.drop("proc_key").lazy(), numbers.withColumns(pl.col("IsInferred").cast(pl.Bool))], { how: "horizontal" })
      .select(pl.cols(PROCESS_TREE_COLUMNS.filter((c) => c !== "EffectiveLogonId")))
      .collectSync();
    return pl.concat([out, tree], { how: "horizontal" });
  } finally {
    files?.remove();
  }
}

/**
 * Temp Arrow IPC files of per-row numbers, scanned lazily (one folder, removed
 * by `remove`); `scan` gives undefined when the file cannot be written (full,
 * read-only), and the caller makes a Series as before.
 */
function numberFiles(): { scan(columns: Record<string, Uint32Array | Int32Array | Uint8Array>): pl.LazyDataFrame | undefined; remove(): void } | undefined {
  const dir = tempFolder();
  if (!dir) return undefined;
  let count = 0;
  return {
    scan(columns) {
      try {
        const file = path.join(dir, `${(count += 1)}.arrow`);
        const bytes = tableToIPC(tableFromArrays(columns), "file");
        fs.writeFileSync(file, bytes);
        releaseArrays(bytes);
        return pl.scanIPC(file);
      } catch {
        return undefined;
      }
    },
    remove: () => removeTempFolder(dir),
  };
}

/** A new temp folder of the build's own, or undefined when the system's cannot be written in (full, read-only): the caller keeps its numbers in memory. */
function tempFolder(): string | undefined {
  try {
    return fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-"));
  } catch {
    return undefined;
  }
}

/**
 * Removes a temp folder of the build, never failing it: on Windows a file polars may still have memory-mapped (a
 * scanned IPC file whose columns the tree holds) cannot be deleted; the folder is then left to the system's
 * temp cleaning, as a crashed build's would be.
 */
function removeTempFolder(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Left in the temp folder (see above).
  }
}
