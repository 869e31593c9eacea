/**
 * The steps of `buildProcessTree` (processTree.ts has the rules), each a pure
 * function with explicit inputs and outputs so it can be tested alone:
 *
 *   processEvents (schema) → processKeys (keys) → matchParents (parents) →
 *   processNodes = inferParents + inferredRows + uniqueKeys (inferred) →
 *   treeLayout (paths, levels) → assembleTree, with nodeRoles (roles)
 *
 * Nodes are numbered 0..n-1 for the events (rows of `ProcessEvents.events`)
 * and n.. for the inferred parents; per-node columns are typed arrays in that
 * numbering, which keeps the one pass in time order (matchParents) and the
 * depth-first walk (treeLayout) cheap; strings stay in polars where they can.
 *
 * Where the time goes (bench/processTree.bench.ts, 200k events): almost all
 * of it in polars, at a few tens of ms per pass over a 200k-row text column,
 * and in polars calls themselves (each costs ms, whatever its size). So a
 * step does one pass per column it must make and no more: repeated rows are
 * looked for among the rows whose time repeats, then whose row hash repeats,
 * before any order-keeping unique; a text time column is parsed with one
 * detected format in one call, its format found by trying formats one at a
 * time on a sample (parseOneFormat); paths, source and parent indices are
 * written into one buffer, not as JS strings (treeText); keys are gathered
 * into tree order once, their repeats renamed in polars (renamedKeys); the
 * rows are rechunked before the gather into tree order (a gather from the
 * many chunks of a parallel CSV read costs about three times one from a
 * single chunk); filters that keep every row are skipped. Nothing holds a JS
 * value per row but typed arrays; memory grows with the rows in polars
 * (1M events: 1.5 GB peak RSS, about 1.2 KB a row: the input, the key and
 * lookup columns, the rechunked rows and the output are alive at once).
 */
import pl, { type DataType } from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { TIME_FORMATS, formatHits, parseTimeSeries, strptimeExpr, textTimeUnit, type TimeUnit } from "../data/timeParsing";
import { resolveSchema, schemaTimeColumns, type ProcSchema } from "./processTreeSchema";
import { ProcessTreeError, transformMessages as msg } from "./messages";

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
/** Separator inside lookup strings (never in host names, ids or image paths). */
const SEP = "\u0000";
const lit = (v: string): pl.Expr => pl.lit(v);
const hasColumn = (df: pl.DataFrame, column: string | undefined): column is string => !!column && df.columns.includes(column);

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

/**
 * Schema step: resolves the schema (inferred from the column names unless
 * given) and keeps the rows a tree is built from.
 */
export function processEvents(procs: pl.DataFrame, schema?: Partial<ProcSchema>): ProcessEvents {
  const resolved = resolveSchema(schema, procs.columns);
  for (const name of PROCESS_TREE_COLUMNS) {
    // Old MSTICPy outputs (the lab's process_tree) carry stale Level/NodeRole: ours replace them.
    if (procs.columns.includes(name)) procs = procs.drop(name);
  }
  const columns = procs.columns;
  const ROW = "__hl_row";
  let df = procs.withRowIndex(ROW);
  const { eventIdColumn, eventIdIdentifier: id } = resolved;
  if (hasColumn(procs, eventIdColumn) && id !== undefined) {
    // Filtering copies every column: only when some row is not a process creation.
    const keep = df.select(eventFilter(df, eventIdColumn, id).alias("k")).getColumn("k");
    if (Number(keep.cast(pl.UInt32).sum()) !== df.height) df = df.filter(keep);
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
      df = df.filter(keep);
      parsedStamp = parsedStamp?.filter(keep);
    }
  }
  if (df.height === 0) {
    throw new ProcessTreeError(msg.noProcessEvents(resolved.name, eventIdColumn ? `${eventIdColumn} = ${id}` : ""));
  }
  const inputRow = df.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array;
  const times = schemaTimeColumns(resolved).filter((c, k, all) => hasColumn(df, c) && all.indexOf(c) === k);
  const events = df.drop(ROW).withColumns(...times.map((c) => (c === stamp && parsedStamp ? parsedStamp : parseTimeColumn(df, c, resolved.numericTimeUnit))));
  return { schema: resolved, events, inputRow, inputRows: procs.height };
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
  const candidate = narrow ? narrow.isDuplicated() : undefined;
  let rows = df.withRowIndex(ROW);
  // Filtering copies every column: only when it leaves some rows out.
  const narrowTo = (keep: pl.Series): boolean => {
    const kept = Number(keep.cast(pl.UInt32).sum());
    if (kept && kept < rows.height) rows = rows.filter(keep);
    return kept > 0;
  };
  if (candidate && !narrowTo(candidate)) return undefined;
  // Only rows whose hash repeats can repeat (a collision only adds a candidate): logs copied across hosts repeat
  // every time, and the order-keeping unique below costs many times a hash on them. The few identifying
  // columns first (time, host, id, image: cheap), then every column.
  for (const subset of [identifying.filter((c) => columns.includes(c)), columns]) {
    if (!subset.length) continue;
    if (!narrowTo(repeatedValues(rows.select(...subset.map((c) => pl.col(c))).hashRows()))) return undefined;
  }
  const kept = rows.unique({ subset: columns, keep: "first", maintainOrder: true });
  if (kept.height === rows.height) return undefined;
  const keep = new Uint8Array(df.height).fill(1);
  const all = rows.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array;
  for (const r of all) keep[r] = 0;
  for (const r of kept.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array) keep[r] = 1;
  return pl.Series("keep", keep).cast(pl.Bool);
}

/**
 * Which values of a row-hash column repeat (a superset: hashes are compared
 * as doubles, and a collision only adds a candidate). Sorting a copy in JS:
 * polars' isDuplicated on a million random 64-bit hashes costs ~0.6 s, five
 * times the sort.
 */
function repeatedValues(hashes: pl.Series): pl.Series {
  const values = hashes.cast(pl.Float64).toTypedArray() as Float64Array;
  const sorted = Float64Array.from(values).sort();
  const repeats = new Set<number>();
  for (let k = 1; k < sorted.length; k += 1) if (sorted[k] === sorted[k - 1]) repeats.add(sorted[k]);
  const mask = new Uint8Array(values.length);
  if (repeats.size) for (let i = 0; i < values.length; i += 1) mask[i] = repeats.has(values[i]) ? 1 : 0;
  return pl.Series("repeated", mask).cast(pl.Bool);
}

/** Rows whose event type is process creation: numbers as numbers, anything else as text; ECS-style lists hold the value. */
function eventFilter(df: pl.DataFrame, column: string, id: string | number): pl.Expr {
  const dtype = df.getColumn(column).dtype;
  if (dtype.variant === "List") return pl.col(column).lst.contains(String(id)).fillNull(false);
  if (!isTextType(dtype) && typeof id === "number") return pl.col(column).eq(pl.lit(id));
  const text = pl.col(column).cast(pl.Utf8);
  const value = String(id);
  // A JSON list as text (`["start"]`): the quoted value inside brackets; the regex engine is linear.
  const inList = text.str.contains(`^\\s*\\[.*"${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}".*\\]\\s*$`);
  return text.eq(pl.lit(value)).or(inList).fillNull(false);
}

/** A time column as times: text is parsed, numbers are epoch times when the schema says in what unit, anything else is refused. */
function parseTimeColumn(df: pl.DataFrame, column: string, numericUnit: ProcSchema["numericTimeUnit"]): pl.Series {
  const series = df.getColumn(column);
  if (isTextType(series.dtype)) {
    const fast = parseOneFormat(series);
    if (fast) return fast;
    const parsed = parseTimeSeries(series);
    if (!parsed.parsed) {
      throw new ProcessTreeError(msg.processTimeUnparsed(column, parsed.failures, parsed.examples));
    }
    return parsed.series.rename(column);
  }
  if (isTemporalType(series.dtype)) return series;
  if (numericUnit && /^(U?Int|Float)/.test(series.dtype.variant)) {
    const whole = pl.col(column).cast(pl.Int64);
    const expr = numericUnit === "s" ? whole.mul(1000).cast(pl.Datetime("ms")) : whole.cast(pl.Datetime(numericUnit));
    return df.select(expr.alias(column)).getColumn(column);
  }
  throw new ProcessTreeError(msg.processTimeType(column, series.dtype.variant));
}

/**
 * A text time column in one strptime pass, when one format reads every value:
 * the first of `TIME_FORMATS` that reads any of a sample of the values must
 * read them all (the format `parseTimeSeries` would try first), in the unit
 * it would pick. Undefined when any value does not parse with it (spaces,
 * mixed formats…): the caller then runs `parseTimeSeries`, which tries the
 * formats per value, strips and explains failures. This saves its per-column
 * strip, its format trials (a polars call each) and its coalescing.
 */
function parseOneFormat(series: pl.Series): pl.Series | undefined {
  const RAW = "raw";
  const spread = series.len() > 4096 ? series.gatherEvery(Math.ceil(series.len() / 4096)) : series;
  const sample = pl.DataFrame([spread.rename(RAW)]).filter(pl.col(RAW).neq(pl.lit(""))).head(64).getColumn(RAW);
  if (sample.len() === 0) return undefined;
  const unit = textTimeUnit(series);
  // parseTimeSeries would try, per value, the formats that read some sampled value in this order: the first must read them all.
  // Formats are tried one at a time up to that first one: each costs a few ms to set up, even on 64 values.
  let first = -1;
  let hits = 0;
  for (let k = 0; k < TIME_FORMATS.length && hits === 0; k += 1) {
    hits = formatHits(sample, [TIME_FORMATS[k]], unit)[0];
    if (hits > 0) first = k;
  }
  if (first < 0 || hits !== sample.len()) return undefined;
  const raw = pl.DataFrame([series.rename(RAW)]);
  const parsed = raw.select(strptimeExpr(pl.col(RAW), TIME_FORMATS[first], unit).alias("t")).getColumn("t").rename(series.name);
  // As many nulls as the text: every value parsed (null counts are free; the scan for empty strings only runs when they differ).
  if (parsed.nullCount() === series.nullCount()) return parsed;
  const present = pl.col(RAW).isNotNull().and(pl.col(RAW).neq(pl.lit("")));
  const failed = raw.withColumns(parsed.rename("t")).select(pl.col("t").isNull().and(present).any().alias("f")).getColumn("f").toArray()[0];
  return failed === false ? parsed : undefined;
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
  return df.getColumn(column).dtype.variant.startsWith("Float") ? id.fillNull(lit("NaN")) : orIfNull(df, column, id, "NaN");
}

/**
 * `expr.fillNull(value)`, or `expr` itself when `column` (which `expr` is
 * null exactly where it is) has no nulls: a fill over 200k strings costs
 * tens of ms even when it fills nothing.
 */
function orIfNull(df: pl.DataFrame, column: string, expr: pl.Expr, value: string): pl.Expr {
  return df.getColumn(column).nullCount() > 0 ? expr.fillNull(lit(value)) : expr;
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
  const dtype = df.getColumn(column).dtype;
  if (isTextType(dtype)) return pl.col(column);
  if (dtype.variant.startsWith("Float")) return pl.col(column).cast(pl.Int64).cast(pl.Utf8);
  return pl.col(column).cast(pl.Utf8);
}

/**
 * The time column as an Int64 expression of microseconds since the epoch,
 * rounded to 10 µs like MSTICPy's keys (half up). Integer arithmetic only:
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
  return pl.when(past.mul(int(1000)).add(ns).gtEq(int(5000))).then(base.add(int(10))).otherwise(base);
}

/** A time column in µs (null when absent). */
function columnMicros(df: pl.DataFrame, column: string | undefined): pl.Expr {
  return hasColumn(df, column) ? microsExpr(df.getColumn(column).dtype, column) : pl.lit(null).cast(pl.Int64);
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
  /** `image|pid|time` of each event (image lower case, time `YYYY-MM-DD HH:MM:SS.ffffff` or NaT); repeats are numbered later, by {@link uniqueKeys}. */
  key: pl.Series;
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
  /** Code of the grandparent it names (0: none); only for schemas with `grandparentId`. */
  grandparentCode?: Uint32Array;
  /** The grandparent's start time (NaN when not recorded); only for schemas with `grandparentCreationTime`. */
  grandparentTime?: Float64Array;
  /** Codes are below this. */
  codeCount: number;
}

/** Keys step: times, keys, and the lookups parent matching compares as small integers. */
export function processKeys({ events, schema }: ProcessEvents): ProcessKeys {
  const n = events.height;
  const { host, image, parentImage, grandparentImage, pid, ppid, gpid, byImage } = identity(events, schema);
  // A null id looks up nothing (ignoreNulls false): a null parent id is a root, not a parent "".
  const lookup = (id: pl.Expr, name: pl.Expr): pl.Expr => pl.concatString(byImage ? [host, id, name] : [host, id], SEP, false);
  const timed = hasColumn(events, schema.parentCreationTime);
  const gpTimed = !!gpid && hasColumn(events, schema.grandparentCreationTime);
  const work = events.select(
    startMicros(events, schema).alias("t"),
    lookup(pid, image).alias("pl"),
    lookup(ppid, parentImage).alias("ppl"),
    ...(gpid ? [lookup(gpid, grandparentImage).alias("gpl")] : []),
    ...keyParts(events, schema).map((e, k) => e.alias(k ? "id" : "image")),
    ...(timed ? [columnMicros(events, schema.parentCreationTime).alias("pt")] : []),
    ...(gpTimed ? [columnMicros(events, schema.grandparentCreationTime).alias("gpt")] : []),
  );
  // All lookups in one dense numbering, 1.. (0 = null): categorical codes are global in polars (not 0..k), their dense rank is not.
  const codes = pl
    .DataFrame([pl.concat([work.getColumn("pl"), work.getColumn("ppl"), ...(gpid ? [work.getColumn("gpl")] : [])]).rename("c")])
    .select(pl.col("c").cast(pl.Categorical).toPhysical().rank("dense").cast(pl.UInt32).fillNull(0))
    .getColumn("c")
    .toTypedArray() as Uint32Array;
  let codeCount = 1;
  for (let i = 0; i < codes.length; i += 1) if (codes[i] >= codeCount) codeCount = codes[i] + 1;
  const order = work.select(pl.col("t")).withRowIndex("i").sort({ by: ["t", "i"], nullsLast: false }).getColumn("i").cast(pl.UInt32).toTypedArray() as Uint32Array;
  const floats = (c: string, empty: number): Float64Array => work.select(pl.col(c).cast(pl.Float64).fillNull(pl.lit(empty))).getColumn(c).toTypedArray() as Float64Array;
  return {
    key: keysOf(work.select(pl.col("image"), pl.col("id"), pl.col("t").alias("us")), "NaT"),
    time: floats("t", -Infinity),
    order,
    code: codes.subarray(0, n),
    parentCode: codes.subarray(n, 2 * n),
    ...(timed ? { parentTime: floats("pt", NaN) } : {}),
    ...(gpid ? { grandparentCode: codes.subarray(2 * n) } : {}),
    ...(gpTimed ? { grandparentTime: floats("gpt", NaN) } : {}),
    codeCount: codeCount + 1,
  };
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
 * held the same id. Never the node itself. Returns per node the parent's
 * index, {@link NO_PARENT_ID} or {@link PARENT_NOT_FOUND}.
 */
export function matchParents(
  { time, order, code, parentCode, codeCount, parentTime }: Pick<ProcessKeys, "time" | "order" | "code" | "parentCode" | "codeCount" | "parentTime">,
  options: MatchParentsOptions = {},
): Int32Array {
  const n = order.length;
  const tolerance = (options.toleranceMs ?? CREATION_TIME_TOLERANCE_MS) * 1000;
  const latest = new Int32Array(codeCount).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(NO_PARENT_ID);
  // Queries in the order of the time they look up to; without recorded parent times that is `order` itself.
  let queries: ArrayLike<number> = options.queries ?? order;
  const upTo = parentTime ? Float64Array.from({ length: n }, (_, i) => (Number.isFinite(parentTime[i]) ? parentTime[i] + tolerance : time[i])) : time;
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
    }
    const c = parentCode[i];
    if (c === 0) continue;
    let p = latest[c];
    if (p === i) p = previous[i];
    // A recorded start time also rules out earlier holders of the id.
    if (p >= 0 && parentTime && Number.isFinite(parentTime[i]) && time[p] < parentTime[i] - tolerance) p = -1;
    parent[i] = p < 0 ? PARENT_NOT_FOUND : p;
  }
  return parent;
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
 * time where the events record it (PIDs are reused), shared by its children.
 */
export function inferParents(matched: Int32Array, { parentCode, order, parentTime }: Pick<ProcessKeys, "parentCode" | "order" | "parentTime">): NodeLinks {
  const n = matched.length;
  const inferredOf = new Map<string | number, number>();
  const inferredChild: number[] = [];
  const nodeOf = new Int32Array(n);
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (matched[i] !== PARENT_NOT_FOUND) continue;
    const group = parentTime && Number.isFinite(parentTime[i]) ? `${parentCode[i]}@${parentTime[i]}` : parentCode[i];
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
  /** Their keys: `image|id|start time`, the time `1970-01-01 00:00:00.000000` when not recorded. */
  key: pl.Series;
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
  const children = events.select(pl.all().gather(pl.Series(inferredChild))).withColumns(pl.Series(LEVEL, Uint8Array.from({ length: inferredChild.length }, (_, k) => level?.[k] ?? 1)));
  const name = (column: string | undefined): pl.Expr | undefined => {
    if (!hasColumn(events, column)) return lit("unknown");
    const v = pl.col(column).cast(pl.Utf8);
    return pl.when(v.isNull().or(v.eq(lit("")))).then(lit("unknown")).otherwise(v);
  };
  const from = (column: string | undefined): pl.Expr | undefined => (hasColumn(events, column) ? pl.col(column) : undefined);
  // target column → [level-1 source, level-2 source]
  const targets = new Map<string, [pl.Expr | undefined, pl.Expr | undefined]>();
  const set = (target: string | undefined, one: pl.Expr | undefined, two?: pl.Expr): void => {
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
  const isTwo = pl.col(LEVEL).eq(2);
  const rows = children.select(
    ...[...targets].map(([target, [one, two]]) => {
      const dtype = events.getColumn(target).dtype;
      const none = pl.lit(null).cast(dtype);
      return pl.when(isTwo).then(two ? two.cast(dtype) : none).otherwise(one ? one.cast(dtype) : none).alias(target);
    }),
  );
  const [image, id] = keyParts(rows, schema);
  return { rows, key: keysOf(rows.select(image.alias("image"), id.alias("id"), startMicros(rows, schema).alias("us")), EPOCH_KEY_TIME) };
}

/** The nodes of the tree: the events (0..n-1), then the inferred parents, then the inferred grandparents. */
export interface ProcessNodes {
  /** Parent of each node, -1 for a root. */
  parent: Int32Array;
  /** proc_key of each node, repeats numbered (built on first use from {@link keys}). */
  readonly key: pl.Series;
  /** The keys as {@link renamedKeys} gives them: the tree gathers them straight into tree order. */
  keys: RenamedKeys;
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
    const found = matchParents({ time, order: timeOrder(keys.order, time, n), code, parentCode, parentTime, codeCount: keys.codeCount }, { toleranceMs: options.toleranceMs, queries });
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
  const parent = new Int32Array(n + m1 + m2).fill(NO_PARENT_ID);
  parent.set(level1.subarray(0, n));
  for (let k = 0; k < m1; k += 1) parent[n + k] = up[k] >= 0 ? up[k] : NO_PARENT_ID;
  const inferredChild = new Uint32Array(m1 + m2);
  inferredChild.set(parentChild);
  inferredChild.set(grandChild, m1);
  const inferred = inferredRows(events, inferredChild, Uint8Array.from({ length: m1 + m2 }, (_, k) => (k < m1 ? 1 : 2)));
  const added = m1 + m2;
  const allTimes = new Float64Array(n + added);
  allTimes.set(keys.time);
  allTimes.set(t1, n);
  allTimes.set(t2, n + m1);
  // Repeated keys are numbered inferred parents first, then events in time order.
  const keyOrder = new Uint32Array(n + added);
  for (let k = 0; k < added; k += 1) keyOrder[k] = n + k;
  keyOrder.set(keys.order, added);
  const sourceIndex = new Int32Array(n + added);
  sourceIndex.set(events.inputRow);
  for (let i = n; i < n + added; i += 1) sourceIndex[i] = events.inputRows + i - n;
  const renamed = renamedKeys(added ? pl.concat([keys.key, inferred.key]) : keys.key, keyOrder);
  let key: pl.Series | undefined;
  return {
    parent,
    keys: renamed,
    get key(): pl.Series {
      key ??= renamed.index ? gather(renamed.values, renamed.index) : renamed.values;
      return key;
    },
    sourceIndex,
    width: Math.max(5, String(events.inputRows + added).length),
    inferred: inferred.rows,
    order: timeOrder(keys.order, allTimes, n, true),
  };
}

/**
 * All nodes in time order: the events' order (`eventOrder`, over 0..n-1)
 * merged with the nodes from `n` on by their `time`, events first on ties.
 * `timedOnly` leaves out the added nodes without a time (-Infinity).
 */
function timeOrder(eventOrder: Uint32Array, time: Float64Array, n: number, timedOnly = false): Uint32Array {
  if (time.length === n) return eventOrder;
  let added = Uint32Array.from({ length: time.length - n }, (_, k) => n + k);
  if (timedOnly) added = added.filter((i) => Number.isFinite(time[i]));
  added.sort((a, b) => time[a] - time[b] || a - b);
  const out = new Uint32Array(n + added.length);
  let a = 0;
  let e = 0;
  for (let k = 0; k < out.length; k += 1) {
    out[k] = a < added.length && (e >= n || time[added[a]] < time[eventOrder[e]]) ? added[a++] : eventOrder[e++];
  }
  return out;
}

// ---------------------------------------------------------------- paths, levels

/** Where each node goes in the tree. */
export interface TreeLayout {
  /** Nodes in output order: each root, then its descendants depth first, siblings in time order. */
  treeOrder: Int32Array;
  /**
   * Source indices (padded) from the root down to the node, `/`-separated, per
   * node. Built on first use: the tree itself builds its paths in polars
   * ({@link treePaths}), never as 200k JS strings.
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
    for (const p of before.get(k) ?? []) out[o++] = p;
    out[o++] = order[k];
  }
  for (let i = 0; i < total; i += 1) if (!listed[i] && !placed[i]) out[o++] = i;
  return out;
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
  // Depth first with an explicit stack (trees can be deeper than the call stack).
  const stack = new Int32Array(total);
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

/**
 * Paths of the rows of a tree (rows in tree order, so a parent's path is
 * written before its children's): each row's path is its parent's path + "/"
 * + its own padded source index. `parentPos`: row of each row's parent (-1:
 * none); `level`: 1 for roots and for rows caught in a parent cycle (their
 * path is their own label); `sourceIndex`: each row's source index, written
 * with `width` digits. See {@link treeText}.
 */
export function treePaths(parentPos: Int32Array, level: Int32Array, sourceIndex: Int32Array, width: number): pl.Series {
  return treeText(parentPos, level, sourceIndex, width).getColumn("path");
}

/**
 * The text columns of a tree's rows, `source_index`, `parent_index` (null for
 * roots) and `path` ({@link treePaths}), from one buffer: labels are
 * fixed-width digits, so every path's length is known and each is copied
 * byte for byte from its parent's; polars reads the buffer as CSV. Building
 * 200k strings in JS and handing them to polars one by one costs several
 * times more (the strings are garbage, and the hand-over copies each), and
 * so does formatting the numbers in polars (a cast and a pad per column).
 */
export function treeText(parentPos: Int32Array, level: Int32Array, sourceIndex: Int32Array, width: number): pl.DataFrame {
  const total = level.length;
  const HEADER = "source_index,parent_index,path\n";
  const length = new Int32Array(total);
  let size = HEADER.length;
  for (let k = 0; k < total; k += 1) {
    length[k] = level[k] * (width + 1) - 1;
    size += width + 1 + (parentPos[k] >= 0 ? width : 0) + 1 + length[k] + 1;
  }
  const buffer = Buffer.allocUnsafe(size);
  buffer.write(HEADER, 0, "latin1");
  const offset = new Int32Array(total);
  let at = HEADER.length;
  const digits = (value: number): void => {
    for (let d = width - 1; d >= 0; d -= 1) {
      buffer[at + d] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
    at += width;
  };
  for (let k = 0; k < total; k += 1) {
    const p = parentPos[k];
    digits(sourceIndex[k]);
    buffer[at++] = 0x2c; // ","
    if (p >= 0) digits(sourceIndex[p]);
    buffer[at++] = 0x2c;
    offset[k] = at;
    if (level[k] > 1) {
      buffer.copyWithin(at, offset[p], offset[p] + length[p]);
      at += length[p];
      buffer[at++] = 0x2f; // "/"
    }
    digits(sourceIndex[k]);
    buffer[at++] = 0x0a; // "\n"
  }
  // Every column as text (digits: no inference); no quoting is needed; an empty parent_index is null.
  return pl.readCSV(buffer, { inferSchemaLength: 0 });
}

// ---------------------------------------------------------------- roles

/**
 * Roles step: `IsRoot` (no parent), `IsLeaf` (no children), `IsBranch`
 * (neither) and `NodeRole` (root, branch, leaf, or isolated: a root without
 * children) of each row, from the row of its parent (-1: none). The flags
 * are typed arrays cast to booleans; the words are written into one buffer
 * read as CSV (a when/then choosing among text literals costs several times
 * more on 200k rows).
 */
export function nodeRoles(parentRow: Int32Array): pl.DataFrame {
  const total = parentRow.length;
  const isLeaf = new Uint8Array(total).fill(1);
  const isRoot = new Uint8Array(total);
  for (let k = 0; k < total; k += 1) {
    const p = parentRow[k];
    if (p >= 0) isLeaf[p] = 0;
    else isRoot[k] = 1;
  }
  const isBranch = new Uint8Array(total);
  // Role words by isRoot * 2 + isLeaf.
  const words = ["branch", "leaf", "root", "isolated"].map((w) => Buffer.from(`${w}\n`, "latin1"));
  const HEADER = "NodeRole\n";
  let size = HEADER.length;
  for (let k = 0; k < total; k += 1) {
    isBranch[k] = isRoot[k] | isLeaf[k] ? 0 : 1;
    size += words[isRoot[k] * 2 + isLeaf[k]].length;
  }
  const buffer = Buffer.allocUnsafe(size);
  let at = buffer.write(HEADER, 0, "latin1");
  for (let k = 0; k < total; k += 1) {
    const word = words[isRoot[k] * 2 + isLeaf[k]];
    for (let b = 0; b < word.length; b += 1) buffer[at + b] = word[b];
    at += word.length;
  }
  return pl.DataFrame([
    pl.Series("IsRoot", isRoot).cast(pl.Bool),
    pl.Series("IsLeaf", isLeaf).cast(pl.Bool),
    pl.Series("IsBranch", isBranch).cast(pl.Bool),
    pl.readCSV(buffer, { inferSchemaLength: 0 }).getColumn("NodeRole"),
  ]);
}

// ---------------------------------------------------------------- output

/** The tree: the events (plus inferred parents) in tree order, with the tree columns. */
export function assembleTree({ events, schema }: ProcessEvents, { parent, inferred, keys, sourceIndex, width }: ProcessNodes, { treeOrder, level }: TreeLayout): pl.DataFrame {
  const total = parent.length;
  const n = total - inferred.height;
  // Inferred processes too: a rebuilt parent may carry its logon session.
  let rows = inferred.height ? pl.concat([events, inferred], { how: "diagonal", rechunk: false }) : events;
  if (hasColumn(events, schema.logonId)) {
    const logon = pl.col(schema.logonId).cast(pl.Utf8);
    const target = hasColumn(events, schema.targetLogonId) ? pl.col(schema.targetLogonId).cast(pl.Utf8) : undefined;
    rows = rows.withColumns(
      (target ? pl.when(target.isNotNull().and(target.neq(lit("0x0"))).and(target.neq(lit("0"))).and(target.neq(lit("")))).then(target).otherwise(logon) : logon).alias("EffectiveLogonId"),
    );
  }
  // Per row of the output (tree order): its node's parent's row, source index, level, key and whether it is inferred.
  const positionOf = new Int32Array(total);
  for (let pos = 0; pos < total; pos += 1) positionOf[treeOrder[pos]] = pos;
  const parentPos = new Int32Array(total);
  const rowSource = new Int32Array(total);
  const rowLevel = new Int32Array(total);
  const rowInferred = new Uint8Array(total);
  const rowKey = new Uint32Array(total);
  for (let pos = 0; pos < total; pos += 1) {
    const i = treeOrder[pos];
    const p = parent[i];
    parentPos[pos] = p >= 0 ? positionOf[p] : -1;
    rowSource[pos] = sourceIndex[i];
    rowLevel[pos] = level[i];
    rowInferred[pos] = i >= n ? 1 : 0;
    rowKey[pos] = keys.index ? keys.index[i] : i;
  }
  const text = treeText(parentPos, rowLevel, rowSource, width);
  const procKey = gather(keys.values, rowKey).rename("proc_key");
  // The parent's key is the key at the parent's row: a gather (a root's index, -1, casts to null and gathers null), not 200k new strings.
  const parentKey = pl.DataFrame([procKey]).select(pl.col("proc_key").gather(pl.Series("p", parentPos).cast(pl.UInt32)).alias("parent_key")).getColumn("parent_key");
  const treeColumns = pl.DataFrame([
    procKey,
    parentKey,
    text.getColumn("source_index"),
    text.getColumn("parent_index"),
    text.getColumn("path"),
    ...nodeRoles(parentPos).getColumns(),
    pl.Series("Level", rowLevel),
    pl.Series("IsInferred", rowInferred).cast(pl.Bool),
  ]);
  // Row i of `rows` is node i: events, then inferred parents. Gathering from many chunks (a CSV read in parallel, the
  // inferred rows appended) costs about three times a gather from one: rechunking first costs less than the difference.
  if (rows.columns.some((c) => rows.getColumn(c).nChunks() > 1)) rows = rows.rechunk();
  return rows.select(pl.all().gather(pl.Series(new Uint32Array(treeOrder.buffer, treeOrder.byteOffset, total)))).hstack(treeColumns);
}
