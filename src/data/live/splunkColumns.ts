/**
 * Splunk results → a typed table. Splunk's JSON output carries every field as
 * text (or a list of texts for a multivalue field), with no schema, so column
 * types are inferred from the values, all of a column's values agreeing:
 *
 * - `_time`, and any column whose every value is an ISO 8601 time
 *   (`2019-02-14T10:00:00.000+00:00`, `2019-02-14 10:00:00Z`; no zone = UTC) → datetime (epoch ms);
 * - whole numbers without leading zeros (`4624`, `-1`, up to Int64's
 *   ±9223372036854775807) → long, exactly (16+ digits are read as BigInts, not
 *   rounded through a JS number); a whole number beyond Int64 is text, so a
 *   column holding one is string (exact digits) rather than rounded reals;
 * - decimals (`3.5`, `1e3`, or a mix of decimals and whole numbers) → real;
 * - `true`/`false` (any case) → bool;
 * - a column with a multivalue field (a list) in any event → dynamic (every value JSON text, see below);
 * - everything else → string. Empty text is a missing value.
 *
 * Ids such as `0x3e7`, `007` or `S-1-5-18` stay text.
 *
 * A field multivalue in some events and single in others (Splunk sends a list
 * or a bare text) is one `dynamic` column in which every value is JSON text:
 * a list as a JSON list (`["a","b"]`), a single value as its JSON scalar (`"a"`),
 * so JSON.parse of any value gives what MSTICPy's Splunk driver puts in that
 * cell of its DataFrame (a Python list or a str), and a single value can never
 * be mistaken for a list (bare `[x]` text would read as one).
 */
import { realDateTime } from "../../common/calendar";
import type { LiveColumn, LiveColumnType } from "./types";

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
const WHOLE = /^-?(?:0|[1-9]\d{0,18})$/;
/** Whole numbers of 16+ digits: exact as BigInt only. */
const LONG_WHOLE = /^-?\d{16,}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOL = /^(?:true|false)$/i;

/** Epoch ms of an ISO 8601 time text (no zone = UTC), or undefined when `text` is not one. */
export function splunkTimeMs(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ? m[3].slice(0, 4) : "";
  let zone = m[4] ?? "Z";
  if (zone !== "Z" && !zone.includes(":")) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // Date.parse rolls 2024-02-30 and 24:00 over to the next month or day: such text is no time.
  const [y, mo, d] = m[1].split("-").map(Number);
  const [h, mi, sec = 0] = m[2].split(":").map(Number);
  if (!realDateTime(y, mo, d, h, mi, sec)) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}${fraction}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

type Kind = "empty" | "time" | "whole" | "decimal" | "bool" | "text" | "list";

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined || value === "") return "empty";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "whole" : "decimal";
  if (typeof value === "boolean") return "bool";
  const text = String(value);
  if (WHOLE.test(text)) {
    if (!LONG_WHOLE.test(text)) return "whole";
    const big = BigInt(text);
    return big >= INT64_MIN && big <= INT64_MAX ? "whole" : "text";
  }
  if (/^-?[1-9]\d{19,}$/.test(text)) return "text";
  if (DECIMAL.test(text)) return "decimal";
  if (BOOL.test(text)) return "bool";
  if (splunkTimeMs(text) !== undefined) return "time";
  return "text";
}

/** The column type all of a column's kinds agree on. */
function typeOf(name: string, kinds: Set<Kind>): LiveColumnType {
  kinds.delete("empty");
  if (kinds.has("list")) return "dynamic";
  if (name === "_time" && [...kinds].every((k) => k === "time")) return "datetime";
  if (kinds.size === 0) return "string";
  if (kinds.size === 1) {
    const only = [...kinds][0];
    if (only === "time") return "datetime";
    if (only === "whole") return "long";
    if (only === "decimal") return "real";
    if (only === "bool") return "bool";
    return "string";
  }
  if (kinds.size === 2 && kinds.has("whole") && kinds.has("decimal")) return "real";
  return "string";
}

function convert(value: unknown, type: LiveColumnType): unknown {
  if (value === null || value === undefined || value === "") return null;
  switch (type) {
    case "datetime":
      return splunkTimeMs(String(value)) ?? null;
    case "long":
      return typeof value === "string" && LONG_WHOLE.test(value) ? BigInt(value) : Number(value);
    case "real":
      return Number(value);
    case "bool":
      return typeof value === "boolean" ? value : String(value).toLowerCase() === "true";
    case "dynamic":
      // Every value JSON text, single values too: one rule for the whole column.
      return JSON.stringify(value);
    default:
      return typeof value === "string" ? value : String(value);
  }
}

/** Result objects (field → text or list) as typed columns and rows; columns in first-seen order. */
export function splunkTable(results: readonly Record<string, unknown>[]): { columns: LiveColumn[]; rows: unknown[][] } {
  const order = new Map<string, Set<Kind>>();
  for (const result of results) {
    for (const [name, value] of Object.entries(result)) {
      let kinds = order.get(name);
      if (!kinds) order.set(name, (kinds = new Set()));
      kinds.add(kindOf(value));
    }
  }
  const columns: LiveColumn[] = [...order].map(([name, kinds]) => ({ name, type: typeOf(name, kinds) }));
  const rows = results.map((result) => columns.map((c) => convert(Object.hasOwn(result, c.name) ? result[c.name] : null, c.type)));
  return { columns, rows };
}
