/**
 * JSON whose values at one place are objects in some records and plain values in others, which polars refuses
 * whole ("error deserializing value … as string"): PowerShell's `ConvertTo-Json -Depth 3` writes a SID in
 * `Properties` as `{"Value": {"BinaryLength": 28, "AccountDomainSid": …, "Value": "S-1-5-21-…"}}` beside plain
 * `{"Value": "alice"}`. Such objects are made plain: one with a plain `Value` as that value, any other (and a list
 * where others have plain values or objects) as its JSON text.
 */

/** What {@link plainMixedJson} changed. */
export interface MixedJson {
  /** The records as JSON text (an array, or one record a line as given), polars can read. */
  text: string;
  /** The objects made plain. */
  count: number;
  /** Where the first was: its keys, list items as `[]` (`Properties[].Value`). */
  firstPath: string;
}

type Json = unknown;

/** Node 21+'s JSON.rawJSON / isRawJSON (exact numbers through JSON.stringify), not yet in TypeScript's lib. */
const Raw = JSON as JSON & { rawJSON(text: string): object; isRawJSON(value: unknown): boolean };

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === "object" && !Array.isArray(v) && !Raw.isRawJSON(v);

/** Integers past 2^53 kept as their exact digits (JSON.parse rounds them). */
const exact = (_key: string, value: Json, context?: { source?: string }): Json =>
  typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? Raw.rawJSON(context.source) : value;

/** Every place's kinds: "o" objects, "a" lists, "p" plain values (null says nothing). Iterative: a hostile file's depth is no stack. */
function kinds(records: readonly Json[]): Map<string, Set<"o" | "a" | "p">> {
  const seen = new Map<string, Set<"o" | "a" | "p">>();
  const stack: [Json, string][] = records.map((r) => [r, ""]);
  while (stack.length) {
    const [v, at] = stack.pop() as [Json, string];
    if (v === null) continue;
    let set = seen.get(at);
    if (!set) seen.set(at, (set = new Set()));
    if (Array.isArray(v)) {
      set.add("a");
      for (const item of v) stack.push([item, `${at}[]`]);
    } else if (isObject(v)) {
      set.add("o");
      for (const [k, item] of Object.entries(v)) stack.push([item, at === "" ? k : `${at}.${k}`]);
    } else set.add("p");
  }
  return seen;
}

/**
 * `text` (a JSON array, or JSON lines when `lines`) with every object that stands where other records have plain
 * values made plain (see the module's comment); undefined when it is not JSON or has no such place.
 */
export function plainMixedJson(text: string, lines: boolean): MixedJson | undefined {
  let records: Json[];
  try {
    records = lines
      ? text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l, exact) as Json)
      : (JSON.parse(text, exact) as Json[]);
  } catch {
    return undefined;
  }
  if (!Array.isArray(records)) return undefined;
  const mixed = new Set([...kinds(records)].filter(([, k]) => k.size > 1).map(([at]) => at));
  if (!mixed.size) return undefined;
  let count = 0;
  let firstPath = "";
  const plain = (v: Json, at: string): Json => {
    if (Array.isArray(v) && mixed.has(at)) {
      // A list where other records have plain values or objects: its JSON text.
      if (count++ === 0) firstPath = at;
      return JSON.stringify(v);
    }
    if (Array.isArray(v)) return v.map((item) => plain(item, `${at}[]`));
    if (!isObject(v)) return v;
    if (mixed.has(at)) {
      if (count++ === 0) firstPath = at;
      const inner = v.Value;
      return inner !== null && inner !== undefined && !isObject(inner) && !Array.isArray(inner) ? inner : JSON.stringify(v);
    }
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, plain(item, at === "" ? k : `${at}.${k}`)]));
  };
  const out = records.map((r) => plain(r, ""));
  return { text: lines ? out.map((r) => JSON.stringify(r)).join("\n") : JSON.stringify(out), count, firstPath };
}
