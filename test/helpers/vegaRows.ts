/**
 * A timeline spec's inline rows as the browser sees them: texts the view
 * carries as codes into a dictionary (its top-level `lookup` transforms) put
 * back in their fields.
 */
import { compileVegaLite, type VegaLiteSpec } from "../../src/vis/vegaLite";

interface LookupTransform {
  lookup: string;
  from: { data: { values: Record<string, unknown>[] }; key: string; fields: string[] };
}

/** The dictionaries of a spec's top-level lookups: field, code field and the texts by code. */
export function specDictionaries(spec: unknown): { field: string; code: string; values: string[] }[] {
  const transforms = ((spec as { transform?: unknown[] }).transform ?? []) as Partial<LookupTransform>[];
  return transforms
    .filter((t): t is LookupTransform => typeof t.lookup === "string" && t.from !== undefined)
    .map((t) => {
      const [field] = t.from.fields;
      const values: string[] = [];
      for (const entry of t.from.data.values) values[entry[t.from.key] as number] = entry[field] as string;
      return { field, code: t.lookup, values };
    });
}

/** The spec's `data.values` with each coded field restored (copies; the code fields dropped). */
export function decodedRows<T = Record<string, unknown>>(spec: unknown): T[] {
  const rows = (spec as { data: { values: Record<string, unknown>[] } }).data.values;
  const dictionaries = specDictionaries(spec);
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const { field, code, values } of dictionaries) {
      if (!(code in out)) continue;
      out[field] = values[out[code] as number];
      delete out[code];
    }
    return out as T;
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DrawnDatum = Record<string, any>;

/** The data of every drawn symbol of `spec` (run in vega, no renderer): what the tooltips read, derived fields included. */
export async function drawnData(spec: VegaLiteSpec): Promise<DrawnDatum[]> {
  const vega = require("vega") as typeof import("vega"); // eslint-disable-line @typescript-eslint/no-require-imports
  const view = new vega.View(vega.parse(compileVegaLite(spec).vega), { renderer: "none" });
  await view.runAsync();
  const out: DrawnDatum[] = [];
  const walk = (node: DrawnDatum): void => {
    if (node.datum && node.mark?.marktype === "symbol") out.push(node.datum);
    for (const child of node.items ?? []) walk(child);
  };
  walk((view.scenegraph() as unknown as { root: DrawnDatum }).root);
  view.finalize();
  return out;
}
