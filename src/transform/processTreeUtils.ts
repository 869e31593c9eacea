/**
 * Queries over a built process tree (`buildProcessTree` output), after MSTICPy's
 * `process_tree_utils`: roots, parents, children, descendants, ancestors,
 * siblings, a summary and an indented text rendering.
 *
 * A process is named by its `proc_key` (a string), a row object with a
 * `proc_key` property, or a one-row DataFrame (so
 * `ptree.getDescendents(tree, ptree.getRoots(tree).head(1))` reads naturally;
 * a frame of several rows is refused, not read as its first row).
 * Results are DataFrames in the tree's row order. Options are checked by name
 * and type (MSTICPy's `max_levels` finds `maxLevels`), as buildProcessTree's are.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, exactValues, frameHeight, isDataFrame, withSafeNames } from "../common/frames";
import { ProcessTreeQueryError, transformMessages as msg } from "./messages";
import { builtSchemaOf } from "./processTree";
import { inferSchema, rowSchemas } from "./processTreeSchema";
import { revealHidden } from "../common/hiddenChars";
import { notAFrameText } from "../common/notAFrame";
import { findOptionProblem, type OptionTypes, type OptionTypesOf } from "../common/options";
import { shownText } from "../common/shownText";
import { PROCESS_END_COLUMN } from "../data/schemas/processEnds";
import { durationText, startTimesOf, timesOf } from "./processLifetime";

/** A process: its proc_key, a row with `proc_key`, or a one-row DataFrame. */
export type ProcessRef = string | { proc_key?: unknown } | pl.DataFrame;

export { ProcessTreeQueryError } from "./messages";

const REQUIRED = ["proc_key", "parent_key", "IsRoot", "IsLeaf", "IsBranch", "path", "Level"];

function checkTree(tree: pl.DataFrame): void {
  if (!isDataFrame(tree)) throw new ProcessTreeQueryError(msg.notATreeFrame(notAFrameText(tree)));
  const names = columnNames(tree);
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length) throw new ProcessTreeQueryError(msg.notATree(missing));
}

/** The proc_key a reference names. */
export function procKeyOf(ref: ProcessRef): string {
  if (typeof ref === "string") return ref;
  if (isDataFrame(ref)) {
    if (!columnNames(ref).includes("proc_key")) throw new ProcessTreeQueryError(msg.processFrameNoKey());
    // Several rows (a filter that kept more than one process) were read as the first, silently.
    const rows = frameHeight(ref);
    if (rows !== 1) throw new ProcessTreeQueryError(msg.processFrameRows(rows));
    return String(columnOf(ref, "proc_key").get(0));
  }
  if (ref && typeof ref === "object" && typeof (ref as { proc_key?: unknown }).proc_key === "string") return (ref as { proc_key: string }).proc_key;
  throw new ProcessTreeQueryError(msg.processRefInvalid(notAFrameText(ref)));
}

/** Other names of an option, folded (case, `_`, `-`): what users of other tree libraries write for `maxLevels`. */
const SYNONYMS: Readonly<Record<string, string>> = { maxdepth: "maxLevels", depth: "maxLevels", levels: "maxLevels" };

/**
 * Options from untyped cells (Deno, JavaScript) are checked before any work: a misspelt name (`max_depth`,
 * `includesource`) or a value of the wrong type (`maxLevels: "1"`) was ignored, and the default used.
 */
function checkOptions(fn: string, options: unknown, types: OptionTypes, example: string): void {
  const found = findOptionProblem(options, types);
  if (!found) return;
  if (found.problem === "not-object") throw new ProcessTreeQueryError(msg.treeQueryOptions(fn, found.value, example));
  if (found.problem === "type") throw new ProcessTreeQueryError(msg.treeQueryOption(fn, found.option, found.expected, found.value));
  const synonym = SYNONYMS[found.unknown.option.toLowerCase().replace(/[_-]/g, "")];
  const unknown = synonym && synonym in types ? { option: found.unknown.option, suggestion: synonym } : found.unknown;
  throw new ProcessTreeQueryError(msg.treeQueryOptionUnknown(fn, unknown, found.known));
}

/** Per-tree index (proc_key → row, parent_key → children rows), cached per DataFrame object. */
interface TreeIndex {
  keys: string[];
  parents: (string | null)[];
  row: Map<string, number>;
  children: Map<string, number[]>;
}
const indexCache = new WeakMap<pl.DataFrame, TreeIndex>();

function index(tree: pl.DataFrame): TreeIndex {
  checkTree(tree);
  const cached = indexCache.get(tree);
  if (cached) return cached;
  const keys = columnOf(tree, "proc_key").toArray() as unknown as string[];
  const parents = columnOf(tree, "parent_key").toArray() as unknown as (string | null)[];
  const row = new Map<string, number>();
  const children = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (!row.has(k)) row.set(k, i);
    const p = parents[i];
    if (p !== null && p !== undefined) {
      const list = children.get(p);
      if (list) list.push(i);
      else children.set(p, [i]);
    }
  });
  const built = { keys, parents, row, children };
  indexCache.set(tree, built);
  return built;
}

function rowOf(tree: pl.DataFrame, ref: ProcessRef): number {
  const key = procKeyOf(ref);
  const idx = index(tree);
  const r = idx.row.get(key);
  if (r === undefined) throw new ProcessTreeQueryError(msg.processNotFound(key, idx.keys.slice(0, 5000)));
  return r;
}

/**
 * Rows at the given positions: in row order, or, with `asGiven`, in the order
 * given (a chain or a walk of the links, which hold on a tree in any row order:
 * built with `order: "input"`, or sorted by the user).
 */
function rowsAt(tree: pl.DataFrame, positions: Iterable<number>, asGiven = false): pl.DataFrame {
  const unique = [...new Set(positions)];
  const rows = asGiven ? unique : unique.sort((a, b) => a - b);
  return withSafeNames(tree, (safe) => safe.select(pl.all().gather(pl.Series(Uint32Array.from(rows)))));
}

/** The root processes. */
export function getRoots(tree: pl.DataFrame): pl.DataFrame {
  checkTree(tree);
  return withSafeNames(tree, (safe, name) => safe.filter(pl.col(name("IsRoot"))));
}

/** One process as a one-row DataFrame. */
export function getProcess(tree: pl.DataFrame, source: ProcessRef): pl.DataFrame {
  return rowsAt(tree, [rowOf(tree, source)]);
}

/** The parent of a process (one row), or an empty frame for a root. */
export function getParent(tree: pl.DataFrame, source: ProcessRef): pl.DataFrame {
  const idx = index(tree);
  const parent = idx.parents[rowOf(tree, source)];
  const r = parent === null || parent === undefined ? undefined : idx.row.get(parent);
  return rowsAt(tree, r === undefined ? [] : [r]);
}

/** Options of {@link getChildren} and {@link getDescendents}. */
export interface ChildrenOptions {
  /** Include the source process itself. Default true for descendants and ancestors, false for children and siblings. */
  includeSource?: boolean;
}

const CHILDREN_TYPES = { includeSource: "boolean" } as const satisfies OptionTypesOf<ChildrenOptions>;

/** The direct children of a process. */
export function getChildren(tree: pl.DataFrame, source: ProcessRef, options: ChildrenOptions = {}): pl.DataFrame {
  checkOptions("getChildren", options, CHILDREN_TYPES, "{ includeSource: true }");
  const r = rowOf(tree, source);
  const kids = index(tree).children.get(index(tree).keys[r]) ?? [];
  return rowsAt(tree, options.includeSource ? [r, ...kids] : kids);
}

/** Options of {@link getDescendents}. */
export interface DescendentsOptions extends ChildrenOptions {
  /** Levels below the source to include (0: the source alone); -1 (or Infinity) = all. Default -1. */
  maxLevels?: number;
}

const DESCENDENTS_TYPES = { includeSource: "boolean", maxLevels: ["whole", { oneOf: [-1] }] } as const satisfies OptionTypesOf<DescendentsOptions>;

/**
 * All processes below a process, in tree order: depth first over the parent
 * links, each process before its children, siblings in row order (time order
 * in a tree as built). Read from the links, so the same on a tree in input order.
 */
export function getDescendents(tree: pl.DataFrame, source: ProcessRef, options: DescendentsOptions = {}): pl.DataFrame {
  checkOptions("getDescendents", options, DESCENDENTS_TYPES, "{ maxLevels: 1 }");
  const idx = index(tree);
  const start = rowOf(tree, source);
  const maxLevels = options.maxLevels ?? -1;
  const out: number[] = [];
  const seen = new Set<number>([start]);
  // An explicit stack (a chain may be thousands deep); children pushed last first, so they come off in row order.
  const stack: [row: number, depth: number][] = [[start, 0]];
  while (stack.length) {
    const [r, depth] = stack.pop()!;
    if (r !== start || (options.includeSource ?? true)) out.push(r);
    if (maxLevels >= 0 && depth >= maxLevels) continue;
    const kids = (idx.children.get(idx.keys[r]) ?? []).filter((kid) => !seen.has(kid));
    for (const kid of kids) seen.add(kid);
    for (let k = kids.length - 1; k >= 0; k -= 1) stack.push([kids[k], depth + 1]);
  }
  return rowsAt(tree, out, true);
}

/** Rows of the chain from a process up through its parents (the process first, its root last; a parent cycle ends it). */
function chainUp(tree: pl.DataFrame, source: ProcessRef): number[] {
  const idx = index(tree);
  const chain: number[] = [];
  const seen = new Set<number>();
  for (let r: number | undefined = rowOf(tree, source); r !== undefined && !seen.has(r); ) {
    seen.add(r);
    chain.push(r);
    const p: string | null = idx.parents[r];
    r = p === null || p === undefined ? undefined : idx.row.get(p);
  }
  return chain;
}

/** The chain of processes from the root down to (and including, unless `includeSource: false`) a process, root first. */
export function getAncestors(tree: pl.DataFrame, source: ProcessRef, options: ChildrenOptions = {}): pl.DataFrame {
  checkOptions("getAncestors", options, CHILDREN_TYPES, "{ includeSource: false }");
  const chain = chainUp(tree, source);
  if (!(options.includeSource ?? true)) chain.shift();
  return rowsAt(tree, chain.reverse(), true);
}

/** The other children of a process's parent (itself included when `includeSource`). */
export function getSiblings(tree: pl.DataFrame, source: ProcessRef, options: ChildrenOptions = {}): pl.DataFrame {
  checkOptions("getSiblings", options, CHILDREN_TYPES, "{ includeSource: true }");
  const idx = index(tree);
  const r = rowOf(tree, source);
  const parent = idx.parents[r];
  if (parent === null || parent === undefined) return rowsAt(tree, options.includeSource ? [r] : []);
  const all = idx.children.get(parent) ?? [];
  return rowsAt(tree, options.includeSource ? all : all.filter((x) => x !== r));
}

/** The root above a process (the process itself when it is a root): the top of its chain of parents. */
export function getRoot(tree: pl.DataFrame, source: ProcessRef): pl.DataFrame {
  const chain = chainUp(tree, source);
  return rowsAt(tree, [chain[chain.length - 1]]);
}

/** The whole tree a process belongs to (its root and every descendant). */
export function getRootTree(tree: pl.DataFrame, source: ProcessRef): pl.DataFrame {
  return getDescendents(tree, getRoot(tree, source));
}

/** Depth of the deepest process (roots are level 1). */
export function getTreeDepth(tree: pl.DataFrame): number {
  checkTree(tree);
  return frameHeight(tree) ? Number(columnOf(tree, "Level").max()) : 0;
}

/** Counts of a tree, after MSTICPy's `get_summary_info`. */
export interface ProcessTreeSummary {
  Processes: number;
  RootProcesses: number;
  LeafProcesses: number;
  BranchProcesses: number;
  IsolatedProcesses: number;
  LargestTreeDepth: number;
  /** Parents not in the data, added as inferred processes. */
  InferredProcesses: number;
}

/** Counts of processes by role and the largest depth. */
export function getSummaryInfo(tree: pl.DataFrame): ProcessTreeSummary {
  checkTree(tree);
  // Through safe names: a column may be called `filter` or `height`.
  const count = (...columns: string[]): number => frameHeight(withSafeNames(tree, (safe, name) => safe.filter(columns.map((c) => pl.col(name(c))).reduce((a, b) => a.and(b)))));
  return {
    Processes: frameHeight(tree),
    RootProcesses: count("IsRoot"),
    LeafProcesses: count("IsLeaf"),
    BranchProcesses: count("IsBranch"),
    IsolatedProcesses: count("IsRoot", "IsLeaf"),
    LargestTreeDepth: getTreeDepth(tree),
    InferredProcesses: columnNames(tree).includes("IsInferred") ? count("IsInferred") : 0,
  };
}

/** Options of {@link treeToText}. */
export interface TreeToTextOptions {
  /**
   * Column with the process image. Default: the schema's `processName` (the
   * schema `buildProcessTree` built the tree with, else the one its columns
   * fit: ECS, OCSF…), else the first present of NewProcessName, exe, FileName, Image.
   */
  nameColumn?: string;
  /** Column with the process id. Default: the schema's `processId`, else NewProcessId, pid, ProcessId. */
  idColumn?: string;
  /** Column with the command line, shown after the name. Default: the schema's `cmdLine`, else CommandLine, cmdline, ProcessCommandLine if present. */
  cmdColumn?: string;
  /** Cut command lines to this many characters. Default 80. */
  maxCmdLength?: number;
  /** Stop after this many lines (a last line says how many were left out). Default 200. */
  maxLines?: number;
}

const TEXT_TYPES = { nameColumn: "column", idColumn: "column", cmdColumn: "column", maxCmdLength: "count", maxLines: "count" } as const satisfies OptionTypesOf<TreeToTextOptions>;

function firstColumn(tree: pl.DataFrame, wanted: string | undefined, candidates: readonly (string | undefined)[]): string | undefined {
  if (wanted) {
    if (!columnNames(tree).includes(wanted)) throw new ProcessTreeQueryError(msg.treeColumnMissing(wanted, columnNames(tree)));
    return wanted;
  }
  return candidates.find((c) => c !== undefined && columnNames(tree).includes(c));
}

/**
 * The first `limit` rows in drawing order: each root (a row whose parent is not in the frame), then its
 * descendants depth first, siblings in row order. A tree in tree order comes out as it is; one in input
 * order (`order: "input"`) or sorted by a user is drawn the same way. Rows of a parent cycle come last.
 */
function depthFirst(keys: readonly string[], parentKeys: readonly (string | null)[], limit: number): number[] {
  const row = new Map<string, number>();
  keys.forEach((k, i) => {
    if (!row.has(k)) row.set(k, i);
  });
  const children: number[][] = keys.map(() => []);
  const roots: number[] = [];
  parentKeys.forEach((p, i) => {
    const at = p === null || p === undefined ? undefined : row.get(p);
    if (at === undefined || at === i) roots.push(i);
    else children[at].push(i);
  });
  const out: number[] = [];
  const seen = new Uint8Array(keys.length);
  const walk = (start: number): void => {
    const stack = [start];
    while (stack.length && out.length < limit) {
      const i = stack.pop() as number;
      if (seen[i]) continue;
      seen[i] = 1;
      out.push(i);
      for (let k = children[i].length - 1; k >= 0; k -= 1) stack.push(children[i][k]);
    }
  };
  for (const r of roots) walk(r);
  for (let i = 0; i < keys.length && out.length < limit; i += 1) if (!seen[i]) walk(i);
  return out;
}

/** An indented text rendering, one process per line: `+-- name [pid] command line`, in tree order whatever the frame's row order. */
export function treeToText(tree: pl.DataFrame, options: TreeToTextOptions = {}): string {
  checkTree(tree);
  checkOptions("treeToText", options, TEXT_TYPES, "{ maxLines: 50 }");
  // The schema the tree was built with (a custom one included), else the one its columns fit (ECS, OCSF…), then common names.
  const schema = builtSchemaOf(tree) ?? inferSchema(columnNames(tree));
  const nameCol = firstColumn(tree, options.nameColumn, [schema?.processName, "NewProcessName", "exe", "FileName", "Image", "CreatedProcessName"]);
  const idCol = firstColumn(tree, options.idColumn, [schema?.processId, "NewProcessId", "pid", "ProcessId", "CreatedProcessId"]);
  const cmdCol = firstColumn(tree, options.cmdColumn, [schema?.cmdLine, "CommandLine", "cmdline", "ProcessCommandLine", "CreatedProcessCommandLine"]);
  const maxCmd = options.maxCmdLength ?? 80;
  const maxLines = options.maxLines ?? 200;
  const col = (c: string | undefined): unknown[] | undefined => (c ? exactValues(columnOf(tree, c)) : undefined);
  // A tree of two layouts' rows: each row's label read in its own layout's columns (the columns not given as options).
  const perRow = rowSchemas(tree, schema);
  const own = (values: unknown[] | undefined, given: string | undefined, field: "processName" | "processId" | "cmdLine"): unknown[] | undefined => {
    if (!perRow || given || !schema || !values) return values;
    const byColumn = new Map<string, unknown[]>();
    const present = new Set(columnNames(tree));
    return values.map((v, i) => {
      const c = perRow[i] === schema ? undefined : perRow[i][field];
      if (!c || !present.has(c)) return perRow[i] === schema ? v : null;
      if (!byColumn.has(c)) byColumn.set(c, exactValues(columnOf(tree, c)));
      return byColumn.get(c)![i];
    });
  };
  const names = own(col(nameCol), options.nameColumn, "processName");
  const ids = own(col(idCol), options.idColumn, "processId");
  const cmds = own(col(cmdCol), options.cmdColumn, "cmdLine");
  const levels = columnOf(tree, "Level").toArray() as unknown as number[];
  const inferred = col(columnNames(tree).includes("IsInferred") ? "IsInferred" : undefined);
  // Where the data records processes' ends (Sysmon 5: PROCESS_END_COLUMN), each ended process says when, and after how long.
  const ends = timesOf(tree, PROCESS_END_COLUMN);
  const starts = ends && startTimesOf(tree, schema);
  const lines: string[] = [];
  const height = frameHeight(tree);
  const shown = Math.min(height, maxLines);
  const rows = depthFirst(columnOf(tree, "proc_key").toArray() as unknown as string[], columnOf(tree, "parent_key").toArray() as unknown as (string | null)[], shown);
  for (const i of rows) {
    const indent = "    ".repeat(Math.max(0, levels[i] - 1));
    // Log data: control and bidi characters show as escapes (an image name could recolour or rewrite the terminal).
    const name = shownText(names ? String(names[i] ?? "?") : String(columnOf(tree, "proc_key").get(i)), 260);
    // Runs of spaces and tabs as one space; a line break or carriage return shows as `\n`/`\r` (it was a space,
    // hiding a command line that rewrites its own display), cut after the escapes are written (cutText keeps them whole).
    const raw = cmds && cmds[i] !== null && cmds[i] !== undefined ? String(cmds[i]).replace(/[ \t]+/g, " ") : "";
    const cmd = shownText(raw, maxCmd);
    const id = ids && ids[i] !== null && ids[i] !== undefined ? ` [${revealHidden(String(ids[i]))}]` : "";
    const mark = inferred && inferred[i] ? " (inferred)" : "";
    const ended = ends?.[i] !== null && ends?.[i] !== undefined ? ` (ended ${endText(ends[i]!, starts?.[i] ?? null)})` : "";
    lines.push(`${indent}${levels[i] > 1 ? "+-- " : ""}${name}${id}${mark}${ended}${cmd ? `  ${cmd}` : ""}`);
  }
  if (height > shown) lines.push(`… ${height - shown} more processes`);
  return lines.join("\n");
}

/** `2026-11-02 14:00:10.000 UTC, after 8 s`: an end time, and the lifetime where the start is known and not later. */
function endText(end: number, start: number | null): string {
  const when = `${new Date(end).toISOString().replace("T", " ").replace("Z", "")} UTC`;
  return start === null || start > end ? when : `${when}, after ${durationText(end - start)}`;
}

/** The tree utilities as one namespace, after MSTICPy's `ptree`. */
export const ptree = {
  getRoots,
  getProcess,
  getParent,
  getChildren,
  getDescendents,
  getAncestors,
  getSiblings,
  getRoot,
  getRootTree,
  getTreeDepth,
  getSummaryInfo,
  treeToText,
} as const;
