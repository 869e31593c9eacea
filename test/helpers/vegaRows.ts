/**
 * A timeline spec's inline rows as the browser sees them: texts the view
 * carries as codes into a dictionary (its top-level `lookup` transforms) put
 * back in their fields.
 */
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
