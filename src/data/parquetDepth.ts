/**
 * How deep a Parquet file's columns nest, read from its footer before polars reads the file. polars' reader spends
 * time growing with the cube of a column's nesting (a struct 100 levels deep took 0.5 s, 400 levels 13 s, and the
 * schema alone as long) and recurses per level: a crafted file could hold the kernel for minutes or overflow its
 * stack. Real logs nest a few levels (a list of structs is 4 schema levels). The footer's `schema` is a depth-first
 * list of elements with their `num_children` (decoded by hyparquet): depths are counted in one loop, no recursion;
 * a footer that cannot be read gives up (undefined) and polars reads the file as before.
 */
import fs from "node:fs";
import type { parquetMetadata as ParquetMetadata } from "hyparquet";

let decoder: typeof ParquetMetadata | null | undefined;

/**
 * hyparquet's footer decoder, loaded on first use. hyparquet is an ES module only, which CommonJS (huntlab's build)
 * can require from Node 22.12 on: loaded with the rest, it stopped huntlab from loading at all on Node 22.0–22.11
 * (ERR_REQUIRE_ESM). There, null: the screen is skipped and polars reads the file as before (as a `.zst` needs 22.15).
 */
function footerDecoder(): typeof ParquetMetadata | null {
  if (decoder === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
      decoder = (require("hyparquet") as { parquetMetadata: typeof ParquetMetadata }).parquetMetadata;
    } catch {
      decoder = null;
    }
  }
  return decoder;
}

/**
 * Deepest nesting of a Parquet column's schema read (a plain column is 1, each struct or list group adds one, a
 * list two: its group and its repeated `list` group). 128 holds 63 lists in lists (2 · 63 + 1 levels) or 127 structs.
 */
export const MAX_PARQUET_DEPTH = 128;

/** The names of the columns of `depths` nested deeper than `max`, and the positions of the others. */
export function deepColumns(depths: ParquetColumnDepths, max = MAX_PARQUET_DEPTH): { deep: string[]; kept: number[] } {
  const deep: string[] = [];
  const kept: number[] = [];
  depths.depths.forEach((d, k) => (d > max ? deep.push(depths.names[k]) : kept.push(k)));
  return { deep, kept };
}

/** A Parquet file's top-level columns and the depth of each ({@link MAX_PARQUET_DEPTH}'s count). */
export interface ParquetColumnDepths {
  names: string[];
  depths: number[];
}

/** Footers larger than this are not screened (polars reads the file as before): a footer is KiBs to a few MiB. */
const MAX_FOOTER_BYTES = 64 * 1024 * 1024;

/** The top-level columns of Parquet `file` and how deep each nests, or undefined when its footer cannot be read here. */
export function parquetColumnDepths(file: string): ParquetColumnDepths | undefined {
  const parquetMetadata = footerDecoder();
  const footer = parquetMetadata ? readFooter(file) : undefined;
  if (!parquetMetadata || !footer) return undefined;
  try {
    // hyparquet decodes the footer (Thrift's compact protocol); a footer it cannot read is left to polars.
    return schemaDepths(parquetMetadata(footer).schema);
  } catch {
    return undefined;
  }
}

/** The footer and its 8-byte trailer (length, `PAR1`), or undefined when the file has none of a sane size. */
function readFooter(file: string): Uint8Array | undefined {
  const footer = footerOrWhy(file);
  return typeof footer === "string" ? undefined : footer;
}

/** The footer and its trailer, or why there is none: an empty file, no Parquet trailer, or a footer too large to screen. */
function footerOrWhy(file: string): Uint8Array | "empty" | "not parquet" | "too large" {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return "empty";
    if (size < 12) return "not parquet";
    const tail = Buffer.alloc(8);
    fs.readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString("latin1", 4) !== "PAR1") return "not parquet";
    const length = tail.readUInt32LE(0);
    if (length > size - 12) return "not parquet";
    if (length > MAX_FOOTER_BYTES) return "too large";
    const footer = Buffer.alloc(length + 8);
    fs.readSync(fd, footer, 0, length + 8, size - 8 - length);
    return footer;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A dataset part as its footer shows it: its columns' depths and a signature of its schema (its Parquet schema elements
 * but the root's: equal signatures, equal columns and Parquet types); or an
 * empty file (polars skips it), or no Parquet file at all (polars fails the query that reads it); undefined when the
 * footer cannot be read here (left to polars, as before).
 */
export type ParquetPartShape = { kind: "parquet"; depths: ParquetColumnDepths; signature: string } | { kind: "empty" } | { kind: "not parquet" } | undefined;

/** The shape of dataset part `file` ({@link ParquetPartShape}). */
export function parquetPartShape(file: string): ParquetPartShape {
  const parquetMetadata = footerDecoder();
  if (!parquetMetadata) return undefined;
  const footer = footerOrWhy(file);
  if (footer === "empty" || footer === "not parquet") return { kind: footer };
  if (footer === "too large") return undefined;
  try {
    const meta = parquetMetadata(footer);
    const depths = schemaDepths(meta.schema);
    if (!depths) return undefined;
    // field_id is an id, not a type; bigints (none expected in a schema) written as text. The Arrow schema polars and
    // pyarrow write beside it is left out: pyarrow's holds pandas' index range, different in every part.
    const elements = meta.schema.slice(1).map(({ field_id: _id, ...element }) => element);
    const signature = JSON.stringify(elements, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    return { kind: "parquet", depths, signature };
  } catch {
    return undefined;
  }
}

/** The top-level columns' names and depths from FileMetaData's `schema`, a depth-first list of elements. */
function schemaDepths(schema: readonly { name: string; num_children?: number }[]): ParquetColumnDepths | undefined {
  if (!schema.length) return undefined;
  const names: string[] = [];
  const depths: number[] = [];
  // Children still to come at each open group, the root's first: an element's depth is how many groups are open.
  const open: number[] = [schema[0].num_children ?? 0];
  for (let k = 1; k < schema.length; k++) {
    const { name, num_children: children = 0 } = schema[k];
    if (!open.length) return undefined;
    const depth = open.length;
    if (depth === 1) {
      names.push(name);
      depths.push(1);
    }
    depths[depths.length - 1] = Math.max(depths[depths.length - 1], depth);
    open[open.length - 1]--;
    if (children > 0) open.push(children);
    while (open.length && open[open.length - 1] <= 0) open.pop();
  }
  return { names, depths };
}
