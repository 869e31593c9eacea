/**
 * `buildProcessTree`: links process-creation events into trees, after MSTICPy's
 * `build_process_tree` (msticpy/transform/proc_tree_builder.py, v3).
 *
 * Rules (MSTICPy's, with the deliberate differences marked *):
 * - Rows that are not process creations (schema event id) are left out, and
 *   exact duplicate rows are dropped (the same event exported twice).
 * - A process's key is `image (lower case)|pid|time` with the time as
 *   `YYYY-MM-DD HH:MM:SS.ffffff` (rounded to 10 µs): PIDs are reused, so the id
 *   alone is not unique.
 * - Its parent is the latest process, at or before its own time, whose id is
 *   its parent id and (where the events name the parent image) whose image is
 *   that name, case-insensitively. *Only on the same host (MSTICPy ignores the
 *   host). A process is never its own parent.
 * - A child whose parent is not in the data gets an inferred parent (one per
 *   host, parent id and parent image): its key's time is the epoch, as in
 *   MSTICPy; *its time column is null and `IsInferred` marks it.
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
 *   number of path segments (roots are 1, as in MSTICPy's plot). Processes
 *   caught in a parent cycle (possible with coarse times) keep their own
 *   source_index as path, as in MSTICPy.
 * - Rows come out in tree order: each root, then its descendants depth first,
 *   siblings by time (MSTICPy sorts by path string, which is the same order
 *   when source_index follows time).
 */
import pl from "nodejs-polars";
import { isTemporalType, isTextType } from "../common/dtypes";
import { HuntlabError } from "../common/errors";
import { parseTimeSeries } from "../data/timeParsing";
import { resolveSchema, schemaColumns, type ProcSchema } from "./processTreeSchema";

/** Options of {@link buildProcessTree}. */
export interface BuildProcessTreeOptions {
  /**
   * Column mapping of the events. Default: inferred from the column names
   * (Windows 4688, Linux auditd, MDE, Sysmon). A partial schema must name at
   * least processName, processId, parentId and timeStamp.
   */
  schema?: Partial<ProcSchema>;
}

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

/** A process-tree build that cannot proceed. */
export class ProcessTreeError extends HuntlabError {
  override name = "ProcessTreeError";
}

const EPOCH_KEY_TIME = "1970-01-01 00:00:00.000000";
/** Separator inside lookup strings (never in host names, ids or image paths). */
const SEP = "\u0000";

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * The time column as an Int64 expression of microseconds since the epoch,
 * rounded to 10 µs like MSTICPy's keys; text times are parsed first.
 */
function timeColumn(df: pl.DataFrame, column: string): { parsed: pl.Series; micros: pl.Expr } {
  let series = df.getColumn(column);
  if (isTextType(series.dtype)) {
    const parsed = parseTimeSeries(series);
    if (!parsed.parsed) {
      throw new ProcessTreeError(
        `The time column "${column}" holds text that is not a time (${parsed.failures} value(s), e.g. ${parsed.examples.map((e) => JSON.stringify(e)).join(", ")}).`,
      );
    }
    series = parsed.series;
  } else if (!isTemporalType(series.dtype)) {
    throw new ProcessTreeError(`The time column "${column}" must hold times or time text, not ${series.dtype.variant}.`);
  }
  const dtype = series.dtype as unknown as { variant: string; timeUnit?: string };
  const unit = dtype.variant === "Date" ? "d" : (dtype.timeUnit ?? "ms");
  const raw = pl.col(column).cast(pl.Int64);
  const micros =
    unit === "ms"
      ? raw.mul(1000)
      : unit === "d"
        ? raw.mul(86_400_000_000)
        : raw.cast(pl.Float64).div(unit === "ns" ? 10_000 : 10).round(0).mul(10).cast(pl.Int64);
  return { parsed: series.rename(column), micros };
}

/** An id column as text: integers (also float-typed ones) without ".0", text as is. */
function idText(df: pl.DataFrame, column: string): pl.Expr {
  const dtype = df.getColumn(column).dtype;
  if (isTextType(dtype)) return pl.col(column);
  const v = dtype.variant;
  if (v.startsWith("Int") || v.startsWith("UInt")) return pl.col(column).cast(pl.Utf8);
  if (v.startsWith("Float")) return pl.col(column).cast(pl.Int64).cast(pl.Utf8);
  return pl.col(column).cast(pl.Utf8);
}

function typed(series: pl.Series): ArrayLike<number> {
  return series.toTypedArray() as ArrayLike<number>;
}

/**
 * Builds process trees from process-creation events (see the module comment
 * for the rules). Returns the events (plus inferred parents) with the tree
 * columns {@link PROCESS_TREE_COLUMNS}, in tree order.
 */
export function buildProcessTree(procs: pl.DataFrame, options: BuildProcessTreeOptions = {}): pl.DataFrame {
  const schema = resolveSchema(options.schema, procs.columns);
  for (const name of PROCESS_TREE_COLUMNS) {
    // Old MSTICPy outputs (the lab's process_tree) carry stale Level/NodeRole: ours replace them.
    if (procs.columns.includes(name)) procs = procs.drop(name);
  }
  const inputRows = procs.height;
  const original = procs.columns;
  const ROW = "__hl_row";
  let df = procs.withRowIndex(ROW);

  // 1. Process creations only; exact duplicates out.
  if (schema.eventIdColumn && schema.eventIdIdentifier !== undefined && original.includes(schema.eventIdColumn)) {
    const id = schema.eventIdIdentifier;
    const numeric = !isTextType(df.getColumn(schema.eventIdColumn).dtype) && typeof id === "number";
    // Numbers compare as numbers (an Int64 or Float64 EventID), anything else as text.
    df = df.filter(numeric ? pl.col(schema.eventIdColumn).eq(pl.lit(id)) : pl.col(schema.eventIdColumn).cast(pl.Utf8).eq(pl.lit(String(id))));
  }
  if (df.height > 1) df = df.unique({ subset: original, keep: "first", maintainOrder: true });
  const n = df.height;
  if (n === 0) throw new ProcessTreeError(`No process-creation events to build a tree from (schema ${schema.name}${schema.eventIdColumn ? `, ${schema.eventIdColumn} = ${schema.eventIdIdentifier}` : ""}).`);

  // 2. Vectorised: times, lookup strings (host, id, image) for a process and for its parent, key bases.
  const { parsed, micros } = timeColumn(df, schema.timeStamp);
  df = df.withColumns(parsed);
  const lit = (v: string): pl.Expr => pl.lit(v);
  const host = schema.hostName && original.includes(schema.hostName) ? pl.col(schema.hostName).cast(pl.Utf8).fillNull(lit("")) : lit("");
  const image = pl.col(schema.processName).cast(pl.Utf8).fillNull(lit("")).str.toLowerCase();
  const hasParentName = !!schema.parentName && original.includes(schema.parentName);
  const parentImage = hasParentName
    ? pl
        .when(pl.col(schema.parentName as string).isNull().or(pl.col(schema.parentName as string).eq(lit(""))))
        .then(lit("unknown"))
        .otherwise(pl.col(schema.parentName as string).cast(pl.Utf8))
        .str.toLowerCase()
    : lit("unknown");
  const pid = idText(df, schema.processId);
  const ppid = idText(df, schema.parentId);
  const procLookup = hasParentName ? pl.concatString([host, pid, image], SEP) : pl.concatString([host, pid], SEP);
  const parentLookup = hasParentName ? pl.concatString([host, ppid, parentImage], SEP) : pl.concatString([host, ppid], SEP);
  const keyTimeText = micros.cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f").fillNull(lit("NaT"));
  const work = df.select(
    micros.alias("t"),
    procLookup.alias("pl"),
    parentLookup.alias("ppl"),
    pl.concatString([image, pid.fillNull(lit("NaN")), keyTimeText], "|").alias("key"),
    parentImage.alias("pimage"),
    ppid.alias("ppid"),
    host.alias("host"),
  );
  // Dense integer codes for both lookups in one numbering (0 = null: no id).
  const codes = pl
    .DataFrame([pl.concat([work.getColumn("pl"), work.getColumn("ppl")]).rename("c")])
    .select(pl.col("c").cast(pl.Categorical).toPhysical().cast(pl.UInt32).add(1).fillNull(0))
    .getColumn("c");
  // Categorical codes are global in polars (not 0..k): renumber them densely, 0 staying "no id".
  const raw = typed(codes);
  const dense = new Map<number, number>([[0, 0]]);
  const all = new Uint32Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) {
    let d = dense.get(raw[i]);
    if (d === undefined) {
      d = dense.size;
      dense.set(raw[i], d);
    }
    all[i] = d;
  }
  const code = all.subarray(0, n);
  const parentCode = all.subarray(n);
  const nCodes = dense.size + 1;

  // 3. Time order, ties in input order; null times first.
  const order = typed(
    work
      .select(pl.col("t"))
      .withRowIndex("i")
      .sort({ by: ["t", "i"], nullsLast: false })
      .getColumn("i")
      .cast(pl.UInt32),
  );
  const times = work.select(pl.col("t").cast(pl.Float64).fillNull(pl.lit(-Infinity))).getColumn("t").toTypedArray() as Float64Array;

  // 4. Parents in one pass in time order. For each time, first register every
  // process of that time, then resolve their parents: the latest process with
  // the parent's (host, id, image) at or before that time, ties going to the
  // later row (pandas merge_asof), never the process itself.
  const latest = new Int32Array(nCodes).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const parentOf = new Int32Array(n).fill(-1);
  const inferredOf = new Int32Array(nCodes).fill(-1);
  const inferredChild: number[] = [];
  for (let g = 0; g < n; ) {
    let h = g;
    while (h < n && times[order[h]] === times[order[g]]) h += 1;
    for (let k = g; k < h; k += 1) {
      const i = order[k];
      if (code[i] === 0) continue;
      previous[i] = latest[code[i]];
      latest[code[i]] = i;
    }
    for (let k = g; k < h; k += 1) {
      const i = order[k];
      const c = parentCode[i];
      if (c === 0) continue; // no parent id: a root
      let p = latest[c];
      if (p === i) p = previous[i];
      if (p < 0) {
        if (inferredOf[c] < 0) {
          inferredOf[c] = n + inferredChild.length;
          inferredChild.push(i);
        }
        p = inferredOf[c];
      }
      parentOf[i] = p;
    }
    g = h;
  }
  const nInferred = inferredChild.length;
  const total = n + nInferred;
  const parent = new Int32Array(total).fill(-1);
  parent.set(parentOf);

  // 5. Keys; a repeated key gets #2, #3… (inferred parents first, then in time order).
  const keyBase = work.getColumn("key").toArray() as unknown as string[];
  const keys: string[] = new Array<string>(total);
  const seen = new Map<string, number>();
  const assign = (i: number, base: string): void => {
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    keys[i] = count === 1 ? base : `${base}#${count}`;
  };
  const inferredInfo = inferredChild.map((child) => ({
    child,
    image: String(work.getColumn("pimage").get(child)),
    ppid: String(work.getColumn("ppid").get(child)),
    host: String(work.getColumn("host").get(child)),
  }));
  inferredInfo.forEach((p, k) => assign(n + k, `${p.image}|${p.ppid}|${EPOCH_KEY_TIME}`));
  for (let k = 0; k < n; k += 1) assign(order[k], keyBase[order[k]]);

  // 6. Children (time order), roots, depth-first tree order, paths, levels.
  const childStart = new Int32Array(total + 1);
  for (let i = 0; i < n; i += 1) if (parent[i] >= 0) childStart[parent[i] + 1] += 1;
  for (let i = 0; i < total; i += 1) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, total);
  const childList = new Int32Array(childStart[total]);
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
  }
  const kidCount = (i: number): number => childStart[i + 1] - childStart[i];
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k += 1) rank[order[k]] = k;
  const rowsOut = df.getColumn(ROW);
  const inputRow = typed(rowsOut.cast(pl.UInt32));
  const sourceRow = (i: number): number => (i < n ? inputRow[i] : inputRows + (i - n));
  const width = Math.max(5, String(inputRows + nInferred).length);
  const roots: number[] = [];
  for (let i = n; i < total; i += 1) roots.push(i);
  for (let k = 0; k < n; k += 1) if (parent[order[k]] < 0) roots.push(order[k]);
  // Roots in time order; an inferred parent (no time) goes with its earliest child.
  const rootRank = (i: number): number => (i < n ? rank[i] : kidCount(i) ? rank[childList[childStart[i]]] : n);
  roots.sort((a, b) => rootRank(a) - rootRank(b) || a - b);
  const path: string[] = new Array<string>(total);
  const level = new Int32Array(total).fill(1);
  const treeOrder = new Int32Array(total);
  let out = 0;
  const visited = new Uint8Array(total);
  const stack: number[] = [];
  for (const root of roots) {
    path[root] = pad(sourceRow(root), width);
    stack.push(root);
    while (stack.length) {
      const node = stack.pop() as number;
      if (visited[node]) continue;
      visited[node] = 1;
      treeOrder[out++] = node;
      for (let c = childStart[node + 1] - 1; c >= childStart[node]; c -= 1) {
        const kid = childList[c];
        path[kid] = `${path[node]}/${pad(sourceRow(kid), width)}`;
        level[kid] = level[node] + 1;
        stack.push(kid);
      }
    }
  }
  // Parent cycles (possible with coarse times) are unreachable from any root:
  // like MSTICPy, they keep their own source_index as path; they follow in time order.
  for (let k = 0; k < n; k += 1) {
    const i = order[k];
    if (visited[i]) continue;
    path[i] = pad(sourceRow(i), width);
    treeOrder[out++] = i;
  }

  // 7. Assemble: events (inferred parents appended), reordered, plus the tree columns.
  let events = df.drop(ROW);
  if (schema.logonId && original.includes(schema.logonId)) {
    const logon = pl.col(schema.logonId).cast(pl.Utf8);
    const target = schema.targetLogonId && original.includes(schema.targetLogonId) ? pl.col(schema.targetLogonId).cast(pl.Utf8) : undefined;
    events = events.withColumns(
      (target ? pl.when(target.isNotNull().and(target.neq(lit("0x0"))).and(target.neq(lit("")))).then(target).otherwise(logon) : logon).alias("EffectiveLogonId"),
    );
  }
  if (nInferred) {
    const extra: Record<string, unknown[]> = {};
    const put = (col: string | undefined, values: unknown[]): void => {
      if (col && original.includes(col)) extra[col] = values;
    };
    const pidIsText = isTextType(df.getColumn(schema.processId).dtype);
    // The parent's image as the child names it (original case).
    const pname = (child: number): string => {
      if (!hasParentName) return "unknown";
      const v = df.getColumn(schema.parentName as string).get(child);
      return v === null || v === undefined || v === "" ? "unknown" : String(v);
    };
    put(schema.processName, inferredInfo.map((p) => pname(p.child)));
    put(schema.processId, inferredInfo.map((p) => (pidIsText ? p.ppid : Number(p.ppid))));
    if (schema.hostName) put(schema.hostName, inferredInfo.map((p) => p.host));
    if (schema.eventIdColumn) put(schema.eventIdColumn, inferredInfo.map((p) => df.getColumn(schema.eventIdColumn as string).get(p.child)));
    // Same dtypes as the events so the frames stack.
    const extraDf = pl.DataFrame(extra).select(...Object.keys(extra).map((c) => pl.col(c).cast(events.getColumn(c).dtype)));
    events = pl.concat([events, extraDf], { how: "diagonal" });
  }
  const ordered = Array.from(treeOrder);
  const positionOf = new Int32Array(total);
  ordered.forEach((node, pos) => (positionOf[node] = pos));
  const flags = (f: (i: number) => boolean): pl.Series => pl.Series(Uint8Array.from(ordered, (i) => (f(i) ? 1 : 0)));
  const treeColumns = pl
    .DataFrame([
      pl.Series("proc_key", ordered.map((i) => keys[i]), pl.Utf8),
      pl.Series("parent_pos", Int32Array.from(ordered, (i) => (parent[i] >= 0 ? positionOf[parent[i]] : -1))),
      pl.Series("source_index", Int32Array.from(ordered, (i) => sourceRow(i))),
      pl.Series("parent_index", Int32Array.from(ordered, (i) => (parent[i] >= 0 ? sourceRow(parent[i]) : -1))),
      pl.Series("path", ordered.map((i) => path[i]), pl.Utf8),
      flags((i) => parent[i] < 0).rename("IsRoot"),
      flags((i) => kidCount(i) === 0).rename("IsLeaf"),
      pl.Series("Level", Int32Array.from(ordered, (i) => level[i])),
      flags((i) => i >= n).rename("IsInferred"),
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
      pl.col("IsRoot").cast(pl.Bool),
      pl.col("IsLeaf").cast(pl.Bool),
      pl.col("IsRoot").eq(0).and(pl.col("IsLeaf").eq(0)).alias("IsBranch"),
      pl
        .when(pl.col("IsRoot").eq(1))
        .then(pl.when(pl.col("IsLeaf").eq(1)).then(lit("isolated")).otherwise(lit("root")))
        .otherwise(pl.when(pl.col("IsLeaf").eq(1)).then(lit("leaf")).otherwise(lit("branch")))
        .alias("NodeRole"),
      pl.col("Level"),
      pl.col("IsInferred").cast(pl.Bool),
    );
  // Row i of `events` is df row i for i < n and inferred parent i - n after: the same numbering.
  return events.select(pl.all().gather(pl.Series(Uint32Array.from(treeOrder)))).hstack(treeColumns);
}

/** The schema `buildProcessTree` would use for `procs` (inferred unless given). */
export function processTreeSchema(procs: pl.DataFrame, schema?: Partial<ProcSchema>): ProcSchema {
  return resolveSchema(schema, procs.columns);
}

export { schemaColumns };
