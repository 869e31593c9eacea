/**
 * One process tree from trees built apart on the rows of one frame: a file of two layouts (Wazuh alerts of
 * Sysmon 1 and 4688) is built per layout, each row read in its own, and the trees stacked here as the tree of the
 * whole file would be numbered: `source_index` the row's position in the frame given to `buildProcessTree`
 * (inferred parents numbered after its last row, part after part), `parent_index` and `path` in the same numbers,
 * one zero-padded width; and no `proc_key` shared by two parts (a key one part already has gets the next free
 * `#n`, as repeated keys do within a build; its children's `parent_key` follows).
 */
import pl from "nodejs-polars";
import { columnOf, frameHeight, replaceColumns, withPlainNames } from "../common/frames";
import { stackLayoutFrames } from "../data/schemas/process";
import type { TreeRowOrder } from "./processTreeSteps";

/** A tree built on some rows of a frame: `rows[i]` is the frame's position of the part's row `i`. */
export interface TreePart {
  tree: pl.DataFrame;
  rows: ArrayLike<number>;
}

const text = (df: pl.DataFrame, name: string): (string | null)[] => columnOf(df, name).toArray() as unknown as (string | null)[];

/**
 * The tree's `path` column in new numbers (`at` maps an old source_index to the new one): each path is its
 * parent's new path and its own new index, made parents first (by `Level`, the path's length), so the old paths
 * (n²/2 segments for a chain n deep) are not split and renumbered segment by segment. A path of one segment (a
 * root, or a process of a parent cycle, which keeps its own index) is its own index.
 */
function paths(tree: pl.DataFrame, at: (index: string | null) => string | null): (string | null)[] {
  const old = text(tree, "path");
  const own = text(tree, "source_index");
  const parent = text(tree, "parent_index");
  const level = columnOf(tree, "Level").toArray() as unknown as number[];
  const rowOf = new Map(own.map((s, i) => [s, i]));
  const out = new Array<string | null>(old.length).fill(null);
  const order = Array.from(old.keys()).sort((a, b) => level[a] - level[b] || a - b);
  for (const i of order) {
    const p = old[i];
    if (p === null) continue;
    if (!p.includes("/")) {
      out[i] = at(own[i]);
      continue;
    }
    const up = parent[i] === null ? undefined : rowOf.get(parent[i]);
    // Not made yet (a link a level does not order): renumbered segment by segment.
    out[i] = up !== undefined && out[up] !== null && old[up] !== null && p === `${old[up]}/${own[i]}` ? `${out[up]}/${at(own[i])}` : p.split("/").map(at).join("/");
  }
  return out;
}

/**
 * The parts' trees as one tree of a frame of `total` rows (see the module comment), the parts' rows after one
 * another (each part in tree order: the tree order of the whole), or with `order: "input"` by `source_index`.
 */
export function stackTreeParts(parts: readonly TreePart[], total: number, order: TreeRowOrder = "tree"): pl.DataFrame {
  if (parts.length === 1 && parts[0].rows.length === total) return parts[0].tree;
  const inferredCounts = parts.map(({ tree }) => Number(columnOf(tree, "IsInferred").cast(pl.Int64).sum()));
  const width = Math.max(5, String(total + inferredCounts.reduce((a, b) => a + b, 0)).length);
  const taken = new Set<string>();
  let inferredBefore = 0;
  const renumbered = parts.map(({ tree, rows }, k) => {
    const own = rows.length;
    const at = (index: string | null): string | null => {
      if (index === null) return null;
      const i = Number(index);
      return String(i < own ? rows[i] : total + inferredBefore + (i - own)).padStart(width, "0");
    };
    // A key an earlier part has (same image, id and time on another host): the next free `#n`.
    const keys = text(tree, "proc_key");
    const partKeys = new Set(keys);
    const renamed = new Map<string, string>();
    for (const key of keys) {
      if (key === null || !taken.has(key) || renamed.has(key)) continue;
      const base = key.replace(/#\d+$/, "");
      let n = 2;
      while (taken.has(`${base}#${n}`) || partKeys.has(`${base}#${n}`)) n += 1;
      renamed.set(key, `${base}#${n}`);
    }
    const key = (k: string | null) => (k === null ? null : (renamed.get(k) ?? k));
    const newKeys = keys.map(key);
    for (const k of newKeys) if (k !== null) taken.add(k);
    const out = replaceColumns(
      tree,
      new Map([
        ["source_index", pl.Series("source_index", text(tree, "source_index").map(at), pl.Utf8)],
        ["parent_index", pl.Series("parent_index", text(tree, "parent_index").map(at), pl.Utf8)],
        ["path", pl.Series("path", paths(tree, at), pl.Utf8)],
        ["proc_key", pl.Series("proc_key", newKeys, pl.Utf8)],
        ["parent_key", pl.Series("parent_key", text(tree, "parent_key").map(key), pl.Utf8)],
      ]),
    );
    inferredBefore += inferredCounts[k];
    return out;
  });
  const stacked = stackLayoutFrames(renumbered);
  return order === "input" && frameHeight(stacked) > 1 ? withPlainNames(stacked, (plain, nameOf) => plain.sort(nameOf("source_index"))) : stacked;
}
