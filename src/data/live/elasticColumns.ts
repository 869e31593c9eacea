/**
 * Elasticsearch/OpenSearch hits → a typed table. Each hit's `_source` is
 * flattened to dotted column names (`{"host": {"name": "x"}}` → `host.name`),
 * and its `fields` (asked for with `"fields": [...]`, often with `"_source": false`)
 * are added: a one-value list becomes the value, longer lists stay lists. A field
 * in both keeps the `_source` value (the document as stored; `fields` holds the
 * mapped/formatted form). Every hit is a row, even one with neither;
 * column types come from the index mapping (`GET /{index}/_mapping`) of the
 * index each hit came from, else from the JSON values:
 *
 * | mapping type | column type |
 * | --- | --- |
 * | date, date_nanos | datetime (ISO text; numbers and digit text per the mapping's `format`, in `||` order: a bare 4-digit year where an ISO format comes first (`2024` under ES's default format, up to 9 digits under `date_optional_time`), else epoch_second → seconds, else ms, any length, signed or with a fraction, as ES's default format — a pattern listed before the epoch entry (`yyyyMMdd||epoch_second`) reads them first, as ES tries the list in order; text of a custom pattern such as `yyyy/MM/dd HH:mm:ss` or `dd-MM-yyyy`, or of a named format that is not ISO text as read here (`basic_date_time_no_millis`, `basic_date`, ordinal and week dates, `date_hour`, `year_month`, `year`), read with it, UTC — text it does not read is null with one warning; text no format reads where the format also names a standard one, the default included, makes the column text with a warning, as a malformed number does, every value as the index holds it — seconds and pattern text, not the ms they were read as) |
 * | long, unsigned_long | long (exact: Int64; UInt64 when an unsigned_long is beyond Int64) |
 * | integer, short, byte | int |
 * | double, float, half_float, scaled_float | real |
 * | boolean | bool |
 * | keyword, constant_keyword, wildcard, text, match_only_text, ip, version | string |
 * | anything else (geo_point, flattened…), and any field holding a list | dynamic (every value JSON text: a list `["a","b"]`, a single value `"c"`) |
 *
 * A field typed differently in two of the hits' indices becomes a string column.
 */
import pl from "nodejs-polars";
import { DECIMAL_TEXT } from "../../common/decimal";
import { columnOf } from "../../common/frames";
import { strptimeExpr } from "../timeParsing";
import { cutDeeperThan, stringifyExact, setOwnProperty } from "../../common/json";
import { dataWarnings } from "../messages";
import { toDates } from "./results";
import type { LiveColumn, LiveColumnType } from "./types";

const MAPPING_TYPES: Record<string, LiveColumnType> = {
  date: "datetime",
  date_nanos: "datetime",
  long: "long",
  unsigned_long: "long",
  integer: "int",
  short: "int",
  byte: "int",
  double: "real",
  float: "real",
  half_float: "real",
  scaled_float: "real",
  boolean: "bool",
  keyword: "string",
  constant_keyword: "string",
  wildcard: "string",
  text: "string",
  match_only_text: "string",
  ip: "string",
  version: "string",
};

/**
 * Deepest nesting of a hit's `_source`/`fields`, and of a mapping, that is read: Elasticsearch maps 20 levels by
 * default (`index.mapping.depth.limit`); a hit nested thousands deep overflowed the stack and lost the whole query.
 */
export const MAX_ELASTIC_DEPTH = 64;

/** Field path → column type, per index. */
export type IndexFieldTypes = Map<string, Map<string, LiveColumnType>>;

/** Field types of a `GET /{index}/_mapping` answer (`{index: {mappings: {properties}}}`), by index. */
export function elasticFieldTypes(mappingAnswer: unknown): IndexFieldTypes {
  const out: IndexFieldTypes = new Map();
  if (typeof mappingAnswer !== "object" || mappingAnswer === null) return out;
  for (const [index, entry] of Object.entries(mappingAnswer as Record<string, unknown>)) {
    const fields = new Map<string, LiveColumnType>();
    const properties = (entry as { mappings?: { properties?: unknown } } | null)?.mappings?.properties;
    walkProperties(properties, "", fields, 0);
    out.set(index, fields);
  }
  return out;
}

function walkProperties(properties: unknown, prefix: string, fields: Map<string, LiveColumnType>, depth: number): void {
  if (typeof properties !== "object" || properties === null) return;
  // Deeper than any real mapping: the object is one JSON value (as a nested field), its inside not walked.
  if (depth >= MAX_ELASTIC_DEPTH) {
    if (prefix) fields.set(prefix, "dynamic");
    return;
  }
  for (const [name, spec] of Object.entries(properties as Record<string, unknown>)) {
    if (typeof spec !== "object" || spec === null) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const s = spec as { type?: unknown; properties?: unknown };
    if (s.properties !== undefined && (s.type === undefined || s.type === "object" || s.type === "nested")) {
      if (s.type === "nested") fields.set(path, "dynamic");
      else walkProperties(s.properties, path, fields, depth + 1);
      continue;
    }
    if (typeof s.type === "string") fields.set(path, MAPPING_TYPES[s.type] ?? "dynamic");
  }
}

/** ES's format of a date field whose mapping names none: ISO text, else epoch milliseconds (digit text too). */
const DEFAULT_DATE_FORMAT = { date: "strict_date_optional_time||epoch_millis", date_nanos: "strict_date_optional_time_nanos||epoch_millis" };

/** Field path → the mapping's `format` (a `||` list; ES's default where it names none), per index, for date fields. */
function dateFormats(mappingAnswer: unknown): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (typeof mappingAnswer !== "object" || mappingAnswer === null) return out;
  const walk = (properties: unknown, prefix: string, formats: Map<string, string>, depth: number): void => {
    if (typeof properties !== "object" || properties === null || depth >= MAX_ELASTIC_DEPTH) return;
    for (const [name, spec] of Object.entries(properties as Record<string, unknown>)) {
      if (typeof spec !== "object" || spec === null) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      const s = spec as { type?: unknown; properties?: unknown; format?: unknown };
      if (s.properties !== undefined && (s.type === undefined || s.type === "object")) walk(s.properties, path, formats, depth + 1);
      else if (s.type === "date" || s.type === "date_nanos") formats.set(path, typeof s.format === "string" ? s.format : DEFAULT_DATE_FORMAT[s.type]);
    }
  };
  for (const [index, entry] of Object.entries(mappingAnswer as Record<string, unknown>)) {
    const formats = new Map<string, string>();
    walk((entry as { mappings?: { properties?: unknown } } | null)?.mappings?.properties, "", formats, 0);
    if (formats.size) out.set(index, formats);
  }
  return out;
}

/**
 * How a date field's numbers and digit text read: `scale`, ms per unit of its first epoch entry (none without
 * one), and `years`, the digit counts of a bare year an ISO format before that entry reads.
 */
export interface EpochRule {
  scale?: number;
  years?: readonly [number, number];
}

/** Field path → its epoch rule, per index, for date fields whose format reads numbers or bare years. */
export type IndexEpochScales = Map<string, Map<string, EpochRule>>;

/**
 * Digit counts of the bare year (`2024`) the ISO formats read: `strict_` ones exactly 4, `date_optional_time`
 * 4 to 9 (elastic/elasticsearch#73034); other digit runs, and signed ones, go on to the epoch entry.
 */
const BARE_YEARS: Record<string, readonly [number, number]> = {
  strict_date_optional_time: [4, 4],
  strict_date_optional_time_nanos: [4, 4],
  date_optional_time: [4, 9],
};

/**
 * The epoch rule of each date field whose mapping `format` reads numbers: ES
 * tries a `||` list in order, so the first epoch entry decides the unit
 * (`strict_date_optional_time||epoch_second` → seconds, `…||epoch_millis` → ms,
 * which also reads digit text such as `fields` answers with when epoch_millis is first),
 * and an ISO format before it reads a bare year first (`2024` is 2024-01-01, not 2024 ms).
 * Fields without one are epoch ms, digit text included: ES's default format is
 * `strict_date_optional_time||epoch_millis`, so `"1549792800000"` in `_source` is that instant (was null).
 */
export function elasticEpochScales(mappingAnswer: unknown): IndexEpochScales {
  const out: IndexEpochScales = new Map();
  for (const [index, formats] of dateFormats(mappingAnswer)) {
    const rules = new Map<string, EpochRule>();
    for (const [path, format] of formats) {
      const list = format.split("||").map((f) => f.trim());
      const at = list.findIndex((f) => f === "epoch_second" || f === "epoch_millis");
      const year = list.slice(0, at < 0 ? list.length : at).find((f) => Object.hasOwn(BARE_YEARS, f));
      const rule: EpochRule = { ...(at >= 0 ? { scale: list[at] === "epoch_second" ? 1000 : 1 } : {}), ...(year ? { years: BARE_YEARS[year] } : {}) };
      if (rule.scale !== undefined || rule.years) rules.set(path, rule);
    }
    if (rules.size) out.set(index, rules);
  }
  return out;
}

/** Joda/java-time pattern letters of ES date formats → the time parser's (chrono strftime) directives. */
const JODA_LETTERS: Record<string, string> = {
  yyyy: "%Y", uuuu: "%Y", yy: "%y", uu: "%y",
  MMMM: "%B", MMM: "%b", MM: "%m", M: "%m",
  DDD: "%j", dd: "%d", d: "%d", HH: "%H", H: "%H", hh: "%I", h: "%I", mm: "%M", m: "%M", ss: "%S", s: "%S", a: "%p",
  EEEE: "%A", EEE: "%a", Z: "%#z", ZZ: "%#z", X: "%#z", XX: "%#z", XXX: "%#z",
};

/** ISO week dates' letters: week-based year, its week, day of the week (1 = Monday); only beside the week-based year (`yyyy-ww` names no day). */
const WEEK_LETTERS: Record<string, string> = { ...JODA_LETTERS, xxxx: "%G", ww: "%V", e: "%u" };

/**
 * A custom ES date pattern (`yyyy/MM/dd HH:mm:ss`, `dd-MM-yyyy`, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) as a strftime
 * format for the library's time parser, or undefined for what this does not map (a named format such as
 * `strict_date_optional_time`, or pattern letters beyond the common ones): not a full Joda parser.
 */
export function jodaToStrftime(pattern: string): string | undefined {
  let out = "";
  const table = pattern.includes("xxxx") ? WEEK_LETTERS : JODA_LETTERS;
  let letters = 0;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      if (close < 0) return undefined;
      out += close === i + 1 ? "'" : pattern.slice(i + 1, close).replace(/%/g, "%%");
      i = close + 1;
      continue;
    }
    let j = i;
    while (pattern[j] === c) j += 1;
    const run = pattern.slice(i, j);
    i = j;
    if (/[A-Za-z]/.test(c)) {
      letters += 1;
      // Fractions of a second: chrono's %.f reads the separator dot and any number of digits.
      if (c === "S" && out.endsWith(".")) out = `${out.slice(0, -1)}%.f`;
      // After another separator (log4j's `HH:mm:ss,SSS`): chrono's fixed-width digits, without a dot.
      else if (c === "S" && (run.length === 3 || run.length === 6 || run.length === 9)) out += `%${run.length}f`;
      else if (table[run]) out += table[run];
      else return undefined;
    } else out += run.replace(/%/g, "%%");
  }
  return letters ? out : undefined;
}

/**
 * ES's named formats whose text is neither ISO 8601 as the generic reading takes it nor epoch digits
 * (`20190210T160000Z`, `2019041`, a bare year), as the patterns ES's documentation gives for them;
 * `strict_` variants read the same. Named formats not listed are ISO text or epoch numbers.
 */
const NAMED_PATTERNS: Record<string, string> = {
  basic_date: "yyyyMMdd",
  basic_date_time: "yyyyMMdd'T'HHmmss.SSSZ",
  basic_date_time_no_millis: "yyyyMMdd'T'HHmmssZ",
  basic_ordinal_date: "yyyyDDD",
  basic_ordinal_date_time: "yyyyDDD'T'HHmmss.SSSZ",
  basic_ordinal_date_time_no_millis: "yyyyDDD'T'HHmmssZ",
  ordinal_date: "yyyy-DDD",
  ordinal_date_time: "yyyy-DDD'T'HH:mm:ss.SSSZ",
  ordinal_date_time_no_millis: "yyyy-DDD'T'HH:mm:ssZ",
  year_month: "yyyy-MM",
  year: "yyyy",
  date_hour: "yyyy-MM-dd'T'HH",
  week_date: "xxxx-'W'ww-e",
  weekyear_week_day: "xxxx-'W'ww-e",
  week_date_time: "xxxx-'W'ww-e'T'HH:mm:ss.SSSZ",
  week_date_time_no_millis: "xxxx-'W'ww-e'T'HH:mm:ssZ",
  basic_week_date: "xxxx'W'wwe",
  basic_week_date_time: "xxxx'W'wwe'T'HHmmss.SSSZ",
  basic_week_date_time_no_millis: "xxxx'W'wwe'T'HHmmssZ",
};

/**
 * A named format (lower case and `_`) whose values the generic reading takes: ISO 8601 text or epoch digits.
 * Lower-case pattern letters alone (`yyyy`, `uuuu`) are a custom pattern, not a name (`yyyy` read no year).
 */
const isIsoOrEpochFormat = (format: string): boolean =>
  /^[a-z_]+$/.test(format) && !/^[yudhmsaewx]+$/.test(format) && !(format.replace(/^strict_/, "") in NAMED_PATTERNS);

/** Field path → strftime formats of its mapping's custom patterns (in `||` order) and the mapping's format, per index. */
export type IndexDatePatterns = Map<string, Map<string, { formats: string[]; mapping: string }>>;

/**
 * Date fields whose mapping `format` holds a custom pattern: ES answers their `fields` in the first format
 * (`10-02-2019`), which the generic time reading would read wrongly (month first) or not at all; so are the
 * named formats of {@link NAMED_PATTERNS} (`basic_date_time_no_millis`). The other named formats
 * (`strict_date_optional_time`, epoch_*) are left to it: they are ISO text or epoch numbers.
 */
export function elasticDatePatterns(mappingAnswer: unknown): IndexDatePatterns {
  const out: IndexDatePatterns = new Map();
  for (const [index, formats] of dateFormats(mappingAnswer)) {
    const patterns = new Map<string, { formats: string[]; mapping: string }>();
    for (const [path, format] of formats) {
      const custom = format.split("||").map((f) => f.trim()).flatMap((f) => (isIsoOrEpochFormat(f) ? [] : [NAMED_PATTERNS[f.replace(/^strict_/, "")] ?? f]));
      if (custom.length) patterns.set(path, { formats: custom.map((f) => jodaToStrftime(f) ?? ""), mapping: format });
    }
    if (patterns.size) out.set(index, patterns);
  }
  return out;
}

/** Texts read with one strftime format (whole text, UTC): epoch ms, or null where it does not match. */
function readWithFormat(texts: readonly string[], format: string): (number | null)[] {
  if (!format) return texts.map(() => null);
  // An hour without minutes (ES's `date_hour`), which the time parser does not take: read with ":00" added.
  if (format.endsWith("%H") && !format.includes("%M")) return readWithFormat(texts.map((t) => `${t}:00`), `${format}:%M`);
  // Its only column is "t", so no column can shadow select.
  const texts1 = pl.DataFrame([pl.Series("t", texts as string[], pl.Utf8)]);
  const parsed = columnOf(texts1.select(strptimeExpr(pl.col("t"), format, "ms", true).alias("t")), "t").toArray() as unknown as (Date | null)[];
  return parsed.map((d) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.getTime() : null));
}

/**
 * Text values of custom-pattern date fields read in place as epoch ms, each with its mapping's patterns in order.
 * Text none of them reads: left as is when the format also names a standard format (ISO text, epoch digits,
 * read later), else null with one warning per column and format, never a silent null.
 */
function readCustomDates(flat: Record<string, unknown>[], hits: readonly ElasticHit[], patterns: IndexDatePatterns, warnings: string[], originals: DateOriginals): void {
  const groups = new Map<string, { name: string; formats: string[]; mapping: string; cells: { record: Record<string, unknown>; text: string }[] }>();
  flat.forEach((record, i) => {
    const fields = patterns.get(hits[i]._index ?? "");
    if (!fields) return;
    for (const [name, p] of fields) {
      const value = record[name];
      if (typeof value !== "string" || value.trim() === "") continue;
      const key = `${name}\u0000${p.mapping}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { name, ...p, cells: [] }));
      group.cells.push({ record, text: value.trim() });
    }
  });
  for (const group of groups.values()) {
    let left = group.cells;
    for (const format of group.formats) {
      if (!left.length) break;
      const read = readWithFormat(left.map((c) => c.text), format);
      left.forEach((c, k) => {
        if (read[k] === null) return;
        keepOriginal(originals, c.record, group.name);
        c.record[group.name] = read[k];
      });
      left = left.filter((_, k) => read[k] === null);
    }
    const standard = group.mapping.split("||").some((f) => isIsoOrEpochFormat(f.trim()));
    if (!left.length || standard) continue;
    for (const c of left) c.record[group.name] = null;
    warnings.push(`Elasticsearch: ${left.length} value(s) of date column "${group.name}" do not match its mapping format "${group.mapping}"; they are null`);
  }
}

/** Epoch digits as ES's epoch formats read them: any length, signed, with a fraction (`86400`, `-1000`, `1700000000.5`). */
const EPOCH_TEXT = /^-?\d+(?:\.\d+)?$/;

/**
 * A date field's number or digit text in epoch ms, per its rule: a bare year first when an ISO format before the
 * epoch entry reads it (ES reads a JSON number as its text, so `2024` is that year under the default format),
 * else the epoch entry's unit. Anything else is left as is.
 */
function epochMs(value: unknown, rule: EpochRule): unknown {
  const number = typeof value === "number" || typeof value === "bigint";
  const text = number ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (text === undefined) return value;
  if (rule.years && /^\d+$/.test(text) && text.length >= rule.years[0] && text.length <= rule.years[1]) {
    // setUTCFullYear: Date.UTC reads years 0–99 as 1900–1999.
    const ms = new Date(0).setUTCFullYear(Number(text), 0, 1);
    return Number.isFinite(ms) ? ms : value;
  }
  if (rule.scale === undefined) return value;
  if (number) return Number(value) * rule.scale;
  return EPOCH_TEXT.test(text) ? Number(text) * rule.scale : value;
}

/** A `fields` entry (always a list in ES): one value → the value, none → null, more stay a list. */
function fieldValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.length === 0 ? null : value.length === 1 ? value[0] : value;
}

/**
 * `_source` flattened to dotted names; lists and fields mapped as whole objects (nested, flattened…) kept as values.
 * A dotted key and a nested one naming the same path (`{"host.name": "a", "host": {"name": "b"}}`) are one field
 * to ES, with both values: the column holds them as one list, in `_source` order (`["a","b"]`), never one dropped.
 */
export function flattenSource(source: unknown, types?: ReadonlyMap<string, LiveColumnType>): Record<string, unknown> {
  // No prototype: a field named `__proto__` (JSON logs are attacker-controlled) is a key like any other, not a
  // prototype assignment that drops its value.
  const out = Object.create(null) as Record<string, unknown>;
  const put = (path: string, value: unknown) => {
    const had = Object.hasOwn(out, path) ? out[path] : null;
    if (had === null || had === undefined) out[path] = value;
    else if (value !== null && value !== undefined) out[path] = [...(Array.isArray(had) ? had : [had]), ...(Array.isArray(value) ? value : [value])];
  };
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !(prefix && types?.get(prefix) === "dynamic")) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 && prefix) put(prefix, null);
      for (const [k, v] of entries) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    if (prefix) put(prefix, value);
  };
  walk(source, "");
  // A plain object again; spreading defines `__proto__` as an own key, as JSON.parse does.
  return { ...out };
}

function inferred(value: unknown): LiveColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) || typeof value === "object") return "dynamic";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "long" : "real";
  if (typeof value === "bigint") return "long";
  return "string";
}

const WHOLE_TEXT = /^\s*[+-]?\d+(?:\.\d+)?\s*$/;

/**
 * False when a `_source` value cannot be read as its mapping's number or bool type. `_source` is the document
 * as sent: a field mapped `long` may hold `"N/A"` when the index ignores malformed values (`logs-*` data streams
 * do by default), and converting it would give a silent null (or `true` → 1).
 */
function fitsMapping(value: unknown, type: LiveColumnType): boolean {
  if (value === null || value === undefined || Array.isArray(value)) return true;
  switch (type) {
    case "long":
    case "int":
      return typeof value === "number" || typeof value === "bigint" || (typeof value === "string" && (value.trim() === "" || WHOLE_TEXT.test(value)));
    case "real":
      return typeof value === "number" || typeof value === "bigint" || (typeof value === "string" && (value.trim() === "" || DECIMAL_TEXT.test(value)));
    case "bool":
      return typeof value === "boolean" || (typeof value === "string" && /^(?:true|false|)$/.test(value.trim()));
    default:
      return true;
  }
}

function convert(value: unknown, type: LiveColumnType): unknown {
  if (value === null || value === undefined) return null;
  // Every value JSON, single values too (as Splunk multivalue columns): `"c"` beside `["a","b"]`, never a bare `c` that may read as JSON.
  if (type === "dynamic") return stringifyExact(value);
  if (Array.isArray(value) || (typeof value === "object" && !(value instanceof Date))) return stringifyExact(value);
  if (type === "string") return String(value);
  return value;
}

/** A hit as the driver keeps it. */
export interface ElasticHit {
  _index?: string;
  _id?: unknown;
  _source?: unknown;
  /** `fields` answer: dotted field name → list of values. */
  fields?: unknown;
}

/**
 * Date values as they came, by record and field, where they were read as epoch ms: a column that ends up
 * text (a malformed value beside them) shows what the index holds, not the ms it was read as.
 */
type DateOriginals = Map<Record<string, unknown>, Map<string, unknown>>;

function keepOriginal(originals: DateOriginals, record: Record<string, unknown>, name: string): void {
  let kept = originals.get(record);
  if (!kept) originals.set(record, (kept = new Map()));
  if (!kept.has(name)) kept.set(name, record[name]);
}

/**
 * Whether a date format names a pattern before its first epoch entry (`yyyyMMdd||epoch_second`): ES tries
 * the `||` list in order, so digits the pattern reads are its date (`20000101` is 2000-01-01, not seconds).
 */
function patternBeforeEpoch(mapping: string): boolean {
  for (const f of mapping.split("||").map((s) => s.trim())) {
    if (f === "epoch_second" || f === "epoch_millis") return false;
    if (!isIsoOrEpochFormat(f)) return true;
  }
  return false;
}

/** The record's epoch values of the fields `scales` names (those `only` takes) in ms, the values as sent kept. */
function scaleEpochs(record: Record<string, unknown>, scales: ReadonlyMap<string, EpochRule>, originals: DateOriginals, only: (name: string) => boolean): void {
  for (const [name, rule] of scales) {
    if (!Object.hasOwn(record, name) || !only(name)) continue;
    const ms = epochMs(record[name], rule);
    if (ms !== record[name]) keepOriginal(originals, record, name);
    record[name] = ms;
  }
}

/**
 * A hit's `_source` flattened plus its `fields` (the `_source` value wins), epoch dates in ms, but for fields
 * whose format names a pattern first (`patternFirst`): their numbers are text, for the pattern to read first.
 */
function hitRecord(hit: ElasticHit, fieldTypes: IndexFieldTypes, epochScales: IndexEpochScales | undefined, originals: DateOriginals, patternFirst: (name: string) => boolean): Record<string, unknown> {
  const record = flattenSource(hit._source ?? {}, fieldTypes.get(hit._index ?? ""));
  if (typeof hit.fields === "object" && hit.fields !== null && !Array.isArray(hit.fields)) {
    for (const [name, value] of Object.entries(hit.fields as Record<string, unknown>)) {
      // defineProperty: `record["__proto__"] = …` would set the prototype, not a field.
      if (!Object.hasOwn(record, name)) setOwnProperty(record, name, fieldValue(value));
    }
  }
  const scales = epochScales?.get(hit._index ?? "");
  if (scales) scaleEpochs(record, scales, originals, (name) => !patternFirst(name));
  for (const name of scales?.keys() ?? []) {
    if (!patternFirst(name) || !Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (typeof value !== "number" && typeof value !== "bigint") continue;
    keepOriginal(originals, record, name);
    record[name] = String(value);
  }
  return record;
}

/**
 * Hits as typed columns and rows; columns in first-seen order. One row per hit:
 * when no hit has any field (`_source: false` without `fields`), the table is
 * the hits' `_id`s, so the row count stays right.
 */
export function elasticTable(
  hits: readonly ElasticHit[],
  fieldTypes: IndexFieldTypes,
  epochScales?: IndexEpochScales,
  datePatterns?: IndexDatePatterns,
): { columns: LiveColumn[]; rows: unknown[][]; warnings: string[] } {
  const records = new ElasticRecords(fieldTypes, epochScales, datePatterns);
  records.add(hits);
  return records.table();
}

/** What a record whose row is made is replaced by. */
const EMPTY_RECORD: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * Hits read a page at a time into flat records (the per-hit part of {@link elasticTable}), the hits themselves not
 * kept: a paged query held every hit, `_source` objects, `sort` lists and all, until the last page (~0.9 KB a hit of
 * ECS logon events; 1M hits peaked at 1.9 GB). Each keeps its record, `_index` and `_id`; `table()` types the
 * columns over all of them, as elasticTable does.
 */
export class ElasticRecords {
  readonly #flat: Record<string, unknown>[] = [];
  /** Each record's hit, as far as the table reads it: `_index` (its mapping, date formats) and `_id`. */
  readonly #hits: ElasticHit[] = [];
  readonly #originals: DateOriginals = new Map();
  // Per format, read once: asked per hit and date field (twice for each), the `||` list was split each time.
  readonly #beforeEpoch = new Map<string, boolean>();
  #deep = 0;
  readonly #deepIds: string[] = [];
  #anyField = false;
  /** table() ran: the records are let go as their rows are made, so it runs once. */
  #done = false;

  constructor(
    private readonly fieldTypes: IndexFieldTypes,
    private readonly epochScales?: IndexEpochScales,
    private readonly datePatterns?: IndexDatePatterns,
  ) {}

  /** How many hits were added. */
  get length(): number {
    return this.#flat.length;
  }

  #patternFirst(index: string | undefined): (name: string) => boolean {
    const fields = this.datePatterns?.get(index ?? "");
    return (name: string) => {
      const mapping = fields?.get(name)?.mapping;
      if (mapping === undefined) return false;
      let first = this.#beforeEpoch.get(mapping);
      if (first === undefined) this.#beforeEpoch.set(mapping, (first = patternBeforeEpoch(mapping)));
      return first;
    };
  }

  /** One page's hits (objects), read now. */
  add(hits: readonly ElasticHit[]): void {
    for (const h of hits) {
      // Bitwise or: both cut, whatever the first answers.
      if (Number(cutDeeperThan(h._source, MAX_ELASTIC_DEPTH)) | Number(cutDeeperThan(h.fields, MAX_ELASTIC_DEPTH))) {
        this.#deep += 1;
        if (this.#deepIds.length < 3) this.#deepIds.push(String(h._id ?? "?"));
      }
      const record = hitRecord(h, this.fieldTypes, this.epochScales, this.#originals, this.#patternFirst(h._index));
      if (!this.#anyField && Object.keys(record).length > 0) this.#anyField = true;
      this.#flat.push(record);
      this.#hits.push({ _index: h._index, _id: h._id });
    }
  }

  /** The typed columns and rows of every hit added; once (it lets the records go). */
  table(): { columns: LiveColumn[]; rows: unknown[][]; warnings: string[] } {
    if (this.#done) throw new Error("internal error: ElasticRecords.table() runs once (it lets the records go)");
    const { fieldTypes, epochScales, datePatterns } = this;
    const flat = this.#flat;
    const hits = this.#hits;
    const originals = this.#originals;
    const warnings: string[] = [];
    if (this.#deep) warnings.push(dataWarnings.elasticTooDeep(this.#deep, this.#deepIds.join(", ") + (this.#deep > 3 ? ", …" : ""), MAX_ELASTIC_DEPTH));
    const patternFirst = (hit: ElasticHit) => this.#patternFirst(hit._index);
    if (hits.length && !this.#anyField) {
      return { columns: [{ name: "_id", type: "string" }], rows: hits.map((h) => [h._id === undefined || h._id === null ? null : String(h._id)]), warnings };
    }
    if (datePatterns?.size) {
      readCustomDates(flat, hits, datePatterns, warnings, originals);
      // Digits the pattern first in the format did not read (still text; what it read is ms): its epoch entry's.
      flat.forEach((record, i) => {
        const scales = epochScales?.get(hits[i]._index ?? "");
        const first = patternFirst(hits[i]);
        if (scales) scaleEpochs(record, scales, originals, (name) => first(name) && typeof record[name] === "string");
      });
    }
    const types = new Map<string, Set<LiveColumnType>>();
    // Values that do not read as their mapping's type (ignore_malformed): the column becomes text, with a warning.
    const misfits = new Map<string, { type: LiveColumnType; count: number; example: unknown }>();
    const misfit = (name: string, type: LiveColumnType, value: unknown) => {
      types.get(name)?.add("string");
      const m = misfits.get(name);
      if (m) m.count += 1;
      else misfits.set(name, { type, count: 1, example: value });
    };
    const dateTexts = new Map<string, string[]>();
    flat.forEach((record, i) => {
      const mapping = fieldTypes.get(hits[i]._index ?? "");
      for (const [name, value] of Object.entries(record)) {
        let set = types.get(name);
        if (!set) types.set(name, (set = new Set()));
        if (Array.isArray(value)) set.add("dynamic");
        const mapped = mapping?.get(name);
        const t = mapped ?? inferred(value);
        if (t) set.add(t);
        if (mapped && !fitsMapping(value, mapped)) misfit(name, mapped, value);
        // Date text is checked below, a column at a time (one vectorised read).
        else if (mapped === "datetime" && typeof value === "string" && value.trim() !== "") {
          let texts = dateTexts.get(name);
          if (!texts) dateTexts.set(name, (texts = []));
          texts.push(value);
        }
      }
    });
    // Date text the time reading (results.ts) cannot read, under any mapping format (ES's default
    // `strict_date_optional_time||epoch_millis` too): `ignore_malformed` kept it in _source. Read as a date it
    // would be a silent null; the column is text instead, as for a malformed number.
    // The rows keep the text (liveFrame reads it again): ISO text with a zone, the usual form, is read fast.
    for (const [name, texts] of dateTexts) {
      toDates(texts).forEach((d, k) => {
        if (d === null) misfit(name, "datetime", texts[k]);
      });
    }
    for (const [name, m] of misfits) {
      if (types.get(name)?.has("dynamic")) continue;
      const kind = m.type === "bool" ? "booleans" : m.type === "datetime" ? "dates (ISO 8601 text or epoch numbers)" : "numbers";
      warnings.push(`Elasticsearch: ${m.count} value(s) of column "${name}" (mapped as ${m.type === "datetime" ? "date" : m.type}) are not ${kind}, e.g. ${stringifyExact(m.example).slice(0, 60)} (a malformed value the index kept); the column is text, every value kept`);
    }
    const columns: LiveColumn[] = [...types].map(([name, set]) => {
      if (set.has("dynamic")) return { name, type: "dynamic" };
      if (set.size === 0) return { name, type: "string" };
      if (set.size === 1) return { name, type: [...set][0] };
      if ([...set].every((t) => t === "long" || t === "int")) return { name, type: "long" };
      if ([...set].every((t) => t === "long" || t === "int" || t === "real")) return { name, type: "real" };
      return { name, type: "string" };
    });
    // Each record let go once its row is made: records and rows of a million hits were held at once.
    const rows: unknown[][] = [];
    for (let i = 0; i < flat.length; i += 1) {
      const record = flat[i];
      const kept = originals.get(record);
      rows.push(
        columns.map((c) => {
          const value = kept && c.type !== "datetime" && kept.has(c.name) ? kept.get(c.name) : Object.hasOwn(record, c.name) ? record[c.name] : null;
          return convert(value, c.type);
        }),
      );
      if (kept) originals.delete(record);
      flat[i] = EMPTY_RECORD;
    }
    this.#done = true;
    return { columns, rows, warnings };
  }
}
