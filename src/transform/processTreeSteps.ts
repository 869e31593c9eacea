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
 */
import pl, { type DataType } from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { parseTimeSeries } from "../data/timeParsing";
import { resolveSchema, type ProcSchema } from "./processTreeSchema";
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
  /** Process creations only, exact duplicates dropped, stale tree columns dropped, the time column parsed. */
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
    // Numbers compare as numbers (an Int64 or Float64 EventID), anything else as text.
    const numeric = !isTextType(df.getColumn(eventIdColumn).dtype) && typeof id === "number";
    df = df.filter(numeric ? pl.col(eventIdColumn).eq(pl.lit(id)) : pl.col(eventIdColumn).cast(pl.Utf8).eq(pl.lit(String(id))));
  }
  // The same event exported twice.
  if (df.height > 1) df = df.unique({ subset: columns, keep: "first", maintainOrder: true });
  if (df.height === 0) {
    throw new ProcessTreeError(msg.noProcessEvents(resolved.name, eventIdColumn ? `${eventIdColumn} = ${id}` : ""));
  }
  const inputRow = df.getColumn(ROW).cast(pl.UInt32).toTypedArray() as Uint32Array;
  const events = df.drop(ROW).withColumns(parseTimeColumn(df, resolved.timeStamp));
  return { schema: resolved, events, inputRow, inputRows: procs.height };
}

/** The time column as times: text is parsed, anything else but times refused. */
function parseTimeColumn(df: pl.DataFrame, column: string): pl.Series {
  const series = df.getColumn(column);
  if (isTextType(series.dtype)) {
    const parsed = parseTimeSeries(series);
    if (!parsed.parsed) {
      throw new ProcessTreeError(msg.processTimeUnparsed(column, parsed.failures, parsed.examples));
    }
    return parsed.series.rename(column);
  }
  if (!isTemporalType(series.dtype)) throw new ProcessTreeError(msg.processTimeType(column, series.dtype.variant));
  return series;
}

// ---------------------------------------------------------------- keys

/** Expressions over the events naming a process and the parent it names. */
interface Identity {
  /** Host name, "" when none. */
  host: pl.Expr;
  /** Image, lower case, "" when null. */
  image: pl.Expr;
  /** The parent's image as the event names it, lower case; "unknown" when null, empty or not in the events. */
  parentImage: pl.Expr;
  /** Process id and parent id as text (integers without ".0"). */
  pid: pl.Expr;
  ppid: pl.Expr;
  /** Whether parents are matched by image as well as by id. */
  byImage: boolean;
}

function identity(events: pl.DataFrame, schema: ProcSchema): Identity {
  const pname = hasColumn(events, schema.parentName) ? pl.col(schema.parentName) : undefined;
  return {
    host: hasColumn(events, schema.hostName) ? pl.col(schema.hostName).cast(pl.Utf8).fillNull(lit("")) : lit(""),
    image: pl.col(schema.processName).cast(pl.Utf8).fillNull(lit("")).str.toLowerCase(),
    parentImage: pname ? pl.when(pname.isNull().or(pname.eq(lit("")))).then(lit("unknown")).otherwise(pname.cast(pl.Utf8)).str.toLowerCase() : lit("unknown"),
    pid: idText(events, schema.processId),
    ppid: idText(events, schema.parentId),
    byImage: !!pname,
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
 * rounded to 10 µs like MSTICPy's keys.
 */
function microsExpr(dtype: DataType, column: string): pl.Expr {
  const t = dtype as unknown as { variant: string; timeUnit?: string };
  const unit = t.variant === "Date" ? "d" : (t.timeUnit ?? "ms");
  const raw = pl.col(column).cast(pl.Int64);
  if (unit === "ms") return raw.mul(1000);
  if (unit === "d") return raw.mul(86_400_000_000);
  return raw.cast(pl.Float64).div(unit === "ns" ? 10_000 : 10).round(0).mul(10).cast(pl.Int64);
}

/** Per-event time, key and lookup codes. */
export interface ProcessKeys {
  /** `image|pid|time` of each event (image lower case, time `YYYY-MM-DD HH:MM:SS.ffffff` or NaT); repeats are numbered later, by {@link uniqueKeys}. */
  key: pl.Series;
  /** Time in µs since the epoch (10 µs steps); -Infinity when null. */
  time: Float64Array;
  /** Events in time order, ties in row order, null times first. */
  order: Uint32Array;
  /**
   * Code of each event's own (host, id, image); 0 for a null lookup. (None is
   * null today: concatString skips nulls, so a null id is looked up as "".)
   */
  code: Uint32Array;
  /** Code of the (host, parent id, parent image) it names, in the same numbering; 0 for a null lookup (no parent). */
  parentCode: Uint32Array;
  /** Codes are below this. */
  codeCount: number;
}

/** Keys step: times, keys, and the lookups parent matching compares as small integers. */
export function processKeys({ events, schema }: ProcessEvents): ProcessKeys {
  const n = events.height;
  const { host, image, parentImage, pid, ppid, byImage } = identity(events, schema);
  const micros = microsExpr(events.getColumn(schema.timeStamp).dtype, schema.timeStamp);
  const keyTime = micros.cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f").fillNull(lit("NaT"));
  const work = events.select(
    micros.alias("t"),
    pl.concatString(byImage ? [host, pid, image] : [host, pid], SEP).alias("pl"),
    pl.concatString(byImage ? [host, ppid, parentImage] : [host, ppid], SEP).alias("ppl"),
    pl.concatString([image, pid.fillNull(lit("NaN")), keyTime], "|").alias("key"),
  );
  // Both lookups in one numbering (0 = null).
  const raw = pl
    .DataFrame([pl.concat([work.getColumn("pl"), work.getColumn("ppl")]).rename("c")])
    .select(pl.col("c").cast(pl.Categorical).toPhysical().cast(pl.UInt32).add(1).fillNull(0))
    .getColumn("c")
    .toTypedArray() as Uint32Array;
  // Categorical codes are global in polars (not 0..k): renumber them densely, 0 staying "no id".
  const dense = new Map<number, number>([[0, 0]]);
  const codes = new Uint32Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) {
    let d = dense.get(raw[i]);
    if (d === undefined) {
      d = dense.size;
      dense.set(raw[i], d);
    }
    codes[i] = d;
  }
  const order = work.select(pl.col("t")).withRowIndex("i").sort({ by: ["t", "i"], nullsLast: false }).getColumn("i").cast(pl.UInt32).toTypedArray() as Uint32Array;
  return {
    key: work.getColumn("key"),
    time: work.select(pl.col("t").cast(pl.Float64).fillNull(pl.lit(-Infinity))).getColumn("t").toTypedArray() as Float64Array,
    order,
    code: codes.subarray(0, n),
    parentCode: codes.subarray(n),
    codeCount: dense.size + 1,
  };
}

/**
 * Keys with repeats told apart: the second of a key gets `#2`, the third `#3`…,
 * counting in `order` (a permutation of the indices of `keys`). Only repeated
 * keys leave polars.
 */
export function uniqueKeys(keys: pl.Series, order: ArrayLike<number>): pl.Series {
  const repeated = keys.isDuplicated().cast(pl.UInt8).toTypedArray() as Uint8Array;
  const at: number[] = [];
  for (let k = 0; k < order.length; k += 1) if (repeated[order[k]]) at.push(order[k]);
  if (!at.length) return keys;
  const names = gather(keys, at).toArray() as unknown as string[];
  // Renamed keys go after the others; `index` picks each key's final value.
  const index = Uint32Array.from({ length: keys.len() }, (_, i) => i);
  const renamed: string[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count > 1) {
      index[at[j]] = keys.len() + renamed.length;
      renamed.push(`${name}#${count}`);
    }
  });
  return gather(pl.concat([keys, pl.Series(keys.name, renamed, pl.Utf8)]), index);
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

/**
 * Parents step: the parent of each event is the latest event at or before its
 * time whose code is its parent code, ties going to the later row (pandas
 * merge_asof), never the event itself. Returns per event the parent's index,
 * {@link NO_PARENT_ID} or {@link PARENT_NOT_FOUND}.
 */
export function matchParents({ time, order, code, parentCode, codeCount }: Pick<ProcessKeys, "time" | "order" | "code" | "parentCode" | "codeCount">): Int32Array {
  const n = order.length;
  const latest = new Int32Array(codeCount).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(NO_PARENT_ID);
  // One pass in time order: for each time, first register every event of that
  // time, then resolve their parents (so same-time parents count).
  for (let g = 0; g < n; ) {
    let h = g;
    while (h < n && time[order[h]] === time[order[g]]) h += 1;
    for (let k = g; k < h; k += 1) {
      const i = order[k];
      if (code[i] === 0) continue;
      previous[i] = latest[code[i]];
      latest[code[i]] = i;
    }
    for (let k = g; k < h; k += 1) {
      const i = order[k];
      const c = parentCode[i];
      if (c === 0) continue;
      let p = latest[c];
      if (p === i) p = previous[i];
      parent[i] = p < 0 ? PARENT_NOT_FOUND : p;
    }
    g = h;
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
 * their first child) per parent code not found, shared by all its children.
 */
export function inferParents(matched: Int32Array, { parentCode, order }: Pick<ProcessKeys, "parentCode" | "order">): NodeLinks {
  const n = matched.length;
  const inferredOf = new Map<number, number>();
  const inferredChild: number[] = [];
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (matched[i] !== PARENT_NOT_FOUND) continue;
    if (!inferredOf.has(parentCode[i])) {
      inferredOf.set(parentCode[i], n + inferredChild.length);
      inferredChild.push(i);
    }
  }
  const parent = new Int32Array(n + inferredChild.length).fill(-1);
  for (let i = 0; i < n; i += 1) parent[i] = matched[i] === PARENT_NOT_FOUND ? (inferredOf.get(parentCode[i]) as number) : matched[i];
  return { parent, inferredChild: Uint32Array.from(inferredChild) };
}

/** The inferred parents as rows. */
export interface InferredRows {
  /** The schema's process name, id, host and event id columns (those the events have), in the events' dtypes. */
  rows: pl.DataFrame;
  /** Their keys: `parent image|parent id|1970-01-01 00:00:00.000000`. */
  key: pl.Series;
}

/**
 * The rows of the inferred parents, each as its child names it: image (in the
 * child's case, "unknown" when missing), id and host; the child's event id.
 */
export function inferredRows({ events, schema }: ProcessEvents, inferredChild: Uint32Array): InferredRows {
  const children = events.select(pl.all().gather(pl.Series(inferredChild)));
  const { host, parentImage, ppid } = identity(children, schema);
  const named = children.select(host.alias("host"), ppid.alias("ppid"), parentImage.alias("pimage"));
  const hosts = named.getColumn("host").toArray().map(String);
  const ppids = named.getColumn("ppid").toArray().map(String);
  const images = named.getColumn("pimage").toArray().map(String);
  const values: Record<string, unknown[]> = {};
  const pname = (v: unknown): string => (v === null || v === undefined || v === "" ? "unknown" : String(v));
  values[schema.processName] = hasColumn(events, schema.parentName) ? children.getColumn(schema.parentName).toArray().map(pname) : Array.from({ length: children.height }, () => "unknown");
  values[schema.processId] = isTextType(events.getColumn(schema.processId).dtype) ? ppids : ppids.map(Number);
  if (hasColumn(events, schema.hostName)) values[schema.hostName] = hosts;
  if (hasColumn(events, schema.eventIdColumn)) values[schema.eventIdColumn] = children.getColumn(schema.eventIdColumn).toArray();
  // Same dtypes as the events so the frames stack.
  const rows = pl.DataFrame(values).select(...Object.keys(values).map((c) => pl.col(c).cast(events.getColumn(c).dtype)));
  return { rows, key: pl.Series("key", images.map((image, k) => `${image}|${ppids[k]}|${EPOCH_KEY_TIME}`), pl.Utf8) };
}

/** The nodes of the tree: the events (0..n-1), then the inferred parents. */
export interface ProcessNodes {
  /** Parent of each node, -1 for a root. */
  parent: Int32Array;
  /** proc_key of each node, repeats numbered. */
  key: pl.Series;
  /** source_index of each node: its input row; inferred parents numbered after the last. */
  sourceIndex: Int32Array;
  /** Digits of source indices in paths (at least 5). */
  width: number;
  /** The inferred parents' rows. */
  inferred: pl.DataFrame;
}

/** Inferred step, whole: the events' matched parents plus inferred ones, with every node's key and source index. */
export function processNodes(events: ProcessEvents, keys: ProcessKeys, matched: Int32Array): ProcessNodes {
  const { parent, inferredChild } = inferParents(matched, keys);
  const inferred = inferredRows(events, inferredChild);
  const n = matched.length;
  const added = inferredChild.length;
  // Repeated keys are numbered inferred parents first, then events in time order.
  const keyOrder = Uint32Array.from({ length: n + added }, (_, k) => (k < added ? n + k : keys.order[k - added]));
  return {
    parent,
    key: uniqueKeys(pl.concat([keys.key, inferred.key]), keyOrder),
    sourceIndex: Int32Array.from({ length: n + added }, (_, i) => (i < n ? events.inputRow[i] : events.inputRows + i - n)),
    width: Math.max(5, String(events.inputRows + added).length),
    inferred: inferred.rows,
  };
}

// ---------------------------------------------------------------- paths, levels

/** Where each node goes in the tree. */
export interface TreeLayout {
  /** Nodes in output order: each root, then its descendants depth first, siblings in time order. */
  treeOrder: Int32Array;
  /** Source indices (padded) from the root down to the node, `/`-separated. */
  path: string[];
  /** Number of path segments: roots are 1. */
  level: Int32Array;
}

/**
 * Paths/levels step. `parent`: of each node (events, then inferred parents);
 * `order`: the events in time order; `sourceIndex`: of each node, padded to
 * `width` digits in paths. Roots come in time order, an inferred parent with
 * its earliest child; nodes caught in a parent cycle (unreachable from any
 * root) keep their own source index as path, as in MSTICPy, and come last.
 */
export function treeLayout(parent: Int32Array, order: ArrayLike<number>, sourceIndex: ArrayLike<number>, width: number): TreeLayout {
  const n = order.length;
  const total = parent.length;
  const label = (i: number): string => String(sourceIndex[i]).padStart(width, "0");
  // Children lists (CSR), each in time order.
  const childStart = new Int32Array(total + 1);
  for (let i = 0; i < n; i += 1) if (parent[i] >= 0) childStart[parent[i] + 1] += 1;
  for (let i = 0; i < total; i += 1) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, total);
  const childList = new Int32Array(childStart[total]);
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
  }
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k += 1) rank[order[k]] = k;
  const roots: number[] = [];
  for (let i = n; i < total; i += 1) roots.push(i);
  for (let k = 0; k < n; k += 1) if (parent[order[k]] < 0) roots.push(order[k]);
  const rootRank = (i: number): number => (i < n ? rank[i] : childStart[i + 1] > childStart[i] ? rank[childList[childStart[i]]] : n);
  roots.sort((a, b) => rootRank(a) - rootRank(b) || a - b);

  const path = new Array<string>(total);
  const level = new Int32Array(total).fill(1);
  const treeOrder = new Int32Array(total);
  const visited = new Uint8Array(total);
  let out = 0;
  const stack: number[] = [];
  for (const root of roots) {
    path[root] = label(root);
    stack.push(root);
    while (stack.length) {
      const node = stack.pop() as number;
      if (visited[node]) continue;
      visited[node] = 1;
      treeOrder[out++] = node;
      for (let c = childStart[node + 1] - 1; c >= childStart[node]; c -= 1) {
        const kid = childList[c];
        path[kid] = `${path[node]}/${label(kid)}`;
        level[kid] = level[node] + 1;
        stack.push(kid);
      }
    }
  }
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (visited[i]) continue;
    path[i] = label(i);
    treeOrder[out++] = i;
  }
  return { treeOrder, path, level };
}

// ---------------------------------------------------------------- roles

/**
 * Roles step: `IsRoot` (no parent), `IsLeaf` (no children), `IsBranch`
 * (neither) and `NodeRole` (root, branch, leaf, or isolated: a root without
 * children) of each row, from the row of its parent (-1: none).
 */
export function nodeRoles(parentRow: Int32Array): pl.DataFrame {
  const hasChild = new Uint8Array(parentRow.length);
  for (const p of parentRow) if (p >= 0) hasChild[p] = 1;
  const root = pl.col("IsRoot");
  const leaf = pl.col("IsLeaf");
  return pl
    .DataFrame([pl.Series("IsRoot", Uint8Array.from(parentRow, (p) => (p < 0 ? 1 : 0))), pl.Series("IsLeaf", hasChild.map((h) => 1 - h))])
    .select(
      root.cast(pl.Bool),
      leaf.cast(pl.Bool),
      root.eq(0).and(leaf.eq(0)).alias("IsBranch"),
      pl
        .when(root.eq(1))
        .then(pl.when(leaf.eq(1)).then(lit("isolated")).otherwise(lit("root")))
        .otherwise(pl.when(leaf.eq(1)).then(lit("leaf")).otherwise(lit("branch")))
        .alias("NodeRole"),
    );
}

// ---------------------------------------------------------------- output

/** The tree: the events (plus inferred parents) in tree order, with the tree columns. */
export function assembleTree({ events, schema }: ProcessEvents, { parent, inferred, key, sourceIndex, width }: ProcessNodes, { treeOrder, path, level }: TreeLayout): pl.DataFrame {
  const total = parent.length;
  const n = total - inferred.height;
  let rows = events;
  if (hasColumn(events, schema.logonId)) {
    const logon = pl.col(schema.logonId).cast(pl.Utf8);
    const target = hasColumn(events, schema.targetLogonId) ? pl.col(schema.targetLogonId).cast(pl.Utf8) : undefined;
    rows = rows.withColumns(
      (target ? pl.when(target.isNotNull().and(target.neq(lit("0x0"))).and(target.neq(lit("")))).then(target).otherwise(logon) : logon).alias("EffectiveLogonId"),
    );
  }
  if (inferred.height) rows = pl.concat([rows, inferred], { how: "diagonal" });
  const ordered = Array.from(treeOrder);
  const positionOf = new Int32Array(total);
  ordered.forEach((node, pos) => (positionOf[node] = pos));
  const parentPos = Int32Array.from(ordered, (i) => (parent[i] >= 0 ? positionOf[parent[i]] : -1));
  const treeColumns = pl
    .DataFrame([
      gather(key, treeOrder).rename("proc_key"),
      pl.Series("parent_pos", parentPos),
      pl.Series("source_index", Int32Array.from(ordered, (i) => sourceIndex[i])),
      pl.Series("parent_index", Int32Array.from(ordered, (i) => (parent[i] >= 0 ? sourceIndex[parent[i]] : -1))),
      pl.Series("path", ordered.map((i) => path[i]), pl.Utf8),
      pl.Series("Level", Int32Array.from(ordered, (i) => level[i])),
      pl.Series("IsInferred", Uint8Array.from(ordered, (i) => (i >= n ? 1 : 0))),
      ...nodeRoles(parentPos).getColumns(),
    ])
    .select(
      pl.col("proc_key"),
      // The parent's key is the key at the parent's row: a gather, not 200k new strings.
      pl
        .when(pl.col("parent_pos").gtEq(0))
        .then(pl.col("proc_key").gather(pl.col("parent_pos").clip(0, Math.max(0, total - 1))))
        .otherwise(pl.lit(null).cast(pl.Utf8))
        .alias("parent_key"),
      pl.col("source_index").cast(pl.Utf8).str.padStart(width, "0"),
      pl.when(pl.col("parent_index").gtEq(0)).then(pl.col("parent_index").cast(pl.Utf8).str.padStart(width, "0")).otherwise(pl.lit(null).cast(pl.Utf8)).alias("parent_index"),
      pl.col("path"),
      pl.col(["IsRoot", "IsLeaf", "IsBranch", "NodeRole"]),
      pl.col("Level"),
      pl.col("IsInferred").cast(pl.Bool),
    );
  // Row i of `rows` is node i: events, then inferred parents.
  return rows.select(pl.all().gather(pl.Series(Uint32Array.from(treeOrder)))).hstack(treeColumns);
}
