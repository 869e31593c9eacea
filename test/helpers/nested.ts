/**
 * Columns nested hundreds of levels deep, for the tests of files nested too deeply (Parquet, Arrow IPC, datasets).
 * Each is built by one select of a nested expression, once per process: a select per level took time growing
 * steeply with the depth (~2.2 s of CPU for 200 structs, ~2-3 s for 127 lists) and left its intermediate frames for
 * a later test to free. The files polars writes from them are byte-identical to those of the select-per-level build.
 */
import pl from "nodejs-polars";

const built = new Map<string, pl.Series>();

function deepColumn(kind: "struct" | "list", name: string, levels: number, value: number): pl.Series {
  const key = JSON.stringify([kind, name, levels, value]);
  let series = built.get(key);
  if (!series) {
    let expr = pl.col(name);
    for (let k = 0; k < levels; k++) expr = kind === "struct" ? pl.struct([expr]).alias(name) : expr.implode();
    series = pl.DataFrame([pl.Series(name, [value], pl.Int64)]).select(expr).getColumn(name);
    built.set(key, series);
  }
  return series;
}

/** A one-row column of `levels` structs around the integer `value` (levels + 1 Arrow schema levels). */
export const nestedStructs = (name: string, levels: number, value = 1): pl.Series => deepColumn("struct", name, levels, value);

/** A one-row column of `levels` lists in lists around the integer `value` (levels + 1 Arrow, 2 · levels + 1 Parquet schema levels). */
export const nestedLists = (name: string, levels: number, value = 0): pl.Series => deepColumn("list", name, levels, value);
