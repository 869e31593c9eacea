/**
 * Applies a schema table: recognises which known schema a frame is in, and
 * builds the lab's columns from its fields.
 */
import pl from "nodejs-polars";
import { isTextType } from "../../common/dtypes";
import { closestNames } from "../../common/errors";
import { columnNames, columnOf, frameHeight, frameOf, replaceColumns, withPlainNames } from "../../common/frames";
import { convert, hasLabType, labTypeConversion, textKey } from "./convert";
import { flowEndpoints } from "./endpoints";
import { fieldNames, fieldSeries } from "./fields";
import { epochUnitOfSeries, isYearlessTime, parseTimeSeries, slashDates, type YearsAssumed } from "../timeParsing";
import { HELPER_PREFIX, type ColumnRule, type EventSchema, type FieldName, type LabColumn } from "./types";

/** How well a frame fits a schema. */
export interface SchemaFit {
  schema: EventSchema;
  /** Required fields the frame lacks. */
  missing: string[];
  /** Required and hint fields it has. */
  score: number;
}

/** The fit of each schema, best first: complete fits by score, then incomplete ones by how few fields they miss. */
export function rankSchemas(fields: ReadonlySet<string>, schemas: readonly EventSchema[]): SchemaFit[] {
  const fits = schemas.map((schema) => {
    const missing = [...schema.requires.filter((f) => !fields.has(f)), ...(schema.requiresOneOf ?? []).filter((g) => !g.some((f) => fields.has(f))).map((g) => g[0])];
    const present = [...schema.requires, ...(schema.hints ?? [])].filter((f) => fields.has(f)).length;
    return { schema, missing, score: present };
  });
  // Stable sort: on a tie the earlier table wins.
  return fits.sort((a, b) => {
    if ((a.missing.length === 0) !== (b.missing.length === 0)) return a.missing.length === 0 ? -1 : 1;
    if (a.missing.length === 0) return b.score - a.score;
    return a.missing.length / requiredCount(a.schema) - b.missing.length / requiredCount(b.schema) || b.score - a.score;
  });
}

/** How many fields (or groups of fields) a schema requires. */
export function requiredCount(schema: EventSchema): number {
  return schema.requires.length + (schema.requiresOneOf?.length ?? 0);
}

/** What a schema requires, for messages: `class_uid, time or time_dt, user.name`. */
export function requiredText(schema: EventSchema): string {
  return [...schema.requires, ...(schema.requiresOneOf ?? []).map((g) => g.join(" or "))].join(", ");
}

/** `field → close names`, for the columns a schema lacks. */
export function closeFields(missing: readonly string[], fields: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of missing) {
    // A dotted field is also compared by its last part (`source_ip` for `source.ip`).
    const close = closestNames(m, fields);
    const tail = m.includes(".") ? closestNames(m.split(".").pop() as string, fields) : [];
    Object.defineProperty(out, m, { value: [...new Set([...close, ...tail])].slice(0, 3), enumerable: true });
  }
  return out;
}

const asList = (from: FieldName | readonly FieldName[]): readonly FieldName[] => (typeof from === "string" ? [from] : from);

/** The first non-null of the present fields, row by row (or undefined when none is present). */
function coalesceFields(df: pl.DataFrame, from: readonly FieldName[], as: FieldRule["as"], name: string): pl.Series | undefined {
  const parts = from.map((f) => fieldSeries(df, f)).filter((s): s is pl.Series => s !== undefined).map((s) => convert(s, as, name));
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  // An empty text value falls through to the next field, as a null does; so does `-`, the "no value" of AWS
  // flow logs (an Athena export keeps it: `instance_id` `-` for an interface of no instance) and Windows events.
  const blank = pl.col("v").eq(pl.lit("")).or(pl.col("v").eq(pl.lit("-")));
  for (let i = 0; i < parts.length - 1; i += 1) {
    if (isTextType(parts[i].dtype)) parts[i] = pl.DataFrame([parts[i].rename("v")]).select(pl.when(blank).then(pl.lit(null).cast(pl.Utf8)).otherwise(pl.col("v")).alias("out")).getColumn("out").rename(name);
  }
  // A field with no value at all (an export's empty `event.start` column) gives way: its type (text,
  // unparsed) would otherwise turn the fields after it into text.
  const filled = parts.filter((p) => !isEmptyField(p));
  if (filled.length === 0) return parts[0];
  return filled.slice(1).reduce((acc, next) => fillFrom(acc, next, name), filled[0]);
}

/** True when a field holds no value: every cell null or blank text. */
function isEmptyField(series: pl.Series): boolean {
  if (series.nullCount() === series.len()) return true;
  if (!isTextType(series.dtype)) return false;
  // (polars' Series.get fails on a Bool column here: the flag is read as a number.)
  return pl.DataFrame([series.rename("v")]).select(pl.col("v").str.strip().neq(pl.lit("")).any().cast(pl.Int32).alias("any")).getColumn("any").get(0) !== 1;
}

type FieldRule = Extract<ColumnRule, { from: unknown }>;

/** `DOMAIN\user`, or `user` where the domain is missing or empty. */
function accountColumn(df: pl.DataFrame, domainFields: readonly FieldName[], userFields: readonly FieldName[], name: string): pl.Series | undefined {
  const user = coalesceFields(df, userFields, "text", "u");
  if (!user) return undefined;
  const domain = coalesceFields(df, domainFields, "text", "d");
  if (!domain) return user.rename(name);
  const frame = pl.DataFrame([domain.rename("d"), user.rename("u")]);
  const hasDomain = pl.col("d").isNotNull().and(pl.col("d").str.strip().neq(pl.lit(""))).and(pl.col("d").neq(pl.lit("-")));
  return frame
    .select(pl.when(hasDomain.and(pl.col("u").isNotNull())).then(pl.concatString([pl.col("d"), pl.lit("\\"), pl.col("u")], "")).otherwise(pl.col("u")).alias("out"))
    .getColumn("out")
    .rename(name);
}

/**
 * The columns `rule` makes (usually one; an endpoints rule makes several).
 * Undefined when none of its fields is in the frame.
 */
function ruleColumns(df: pl.DataFrame, rule: ColumnRule, name: string, height: number): Map<string, pl.Series> | undefined {
  // A whole number is an Int64 column (polars would make a JavaScript number a float).
  if ("value" in rule) return new Map([[name, pl.Series(name, new Array(height).fill(rule.value), Number.isInteger(rule.value) ? pl.Int64 : typeof rule.value === "number" ? pl.Float64 : pl.Utf8)]]);
  if ("account" in rule) {
    const s = accountColumn(df, asList(rule.account.domain), asList(rule.account.user), name);
    return s ? new Map([[name, s]]) : undefined;
  }
  if ("endpoints" in rule) return flowEndpoints(df, rule.endpoints);
  const s = fieldRuleColumn(df, rule, name, height);
  return s ? new Map([[name, s]]) : undefined;
}

/** A field rule's column: its fields coalesced, then its fallback rule, then its constant. */
function fieldRuleColumn(df: pl.DataFrame, rule: FieldRule, name: string, height: number): pl.Series | undefined {
  let s = coalesceFields(df, asList(rule.from), rule.as, name);
  const fb = rule.fallback;
  const fallback = fb === undefined ? undefined : "account" in fb ? accountColumn(df, asList(fb.account.domain), asList(fb.account.user), name) : fieldRuleColumn(df, fb, name, height);
  if (s && fallback) s = isEmptyField(s) ? fallback : fillFrom(s, fallback, name);
  s ??= fallback;
  if (rule.otherwise !== undefined) {
    s ??= pl.Series(name, new Array(height).fill(null), typeof rule.otherwise === "number" ? pl.Int64 : pl.Utf8);
    const constant = typeof rule.otherwise === "number" ? pl.lit(rule.otherwise).cast(s.dtype) : pl.lit(rule.otherwise);
    s = pl.DataFrame([s.rename("v")]).select(pl.col("v").fillNull(constant).alias("out")).getColumn("out").rename(name);
  }
  return s;
}

/** `primary` with its nulls filled from `other` (cast to the primary's type). */
function fillFrom(primary: pl.Series, other: pl.Series, name: string): pl.Series {
  return pl
    .DataFrame([primary.rename("a"), other.cast(primary.dtype, false).rename("b")])
    .select(pl.col("a").fillNull(pl.col("b")).alias("out"))
    .getColumn("out")
    .rename(name);
}

/**
 * The fields `schema` reads times from (its lab time columns' sources) that `df` holds as Windows FILETIME
 * integers (common/epoch.ts: 1.1e17–1.6e17, read as ns they were 1973–1975): `normalizeEvents` warns of each.
 */
export function filetimeFields(df: pl.DataFrame, schema: EventSchema, labColumns: ReadonlyMap<string, LabColumn>): string[] {
  return timeFields(schema, labColumns).filter((f) => {
    const s = fieldSeries(df, f);
    return s !== undefined && s.isNumeric() && epochUnitOfSeries(s) === "filetime";
  });
}

/**
 * The fields `schema` reads times from that `df` holds as text slash dates reading either way (`05/06/2026`: 6 May
 * or 5 June), which the mapping reads month first as the readers do: `normalizeEvents` warns of each. (A nested
 * field, `event.created`, or one whose name does not look like a time, is still text when it reaches the mapping.)
 */
export function slashDateFields(df: pl.DataFrame, schema: EventSchema, labColumns: ReadonlyMap<string, LabColumn>): string[] {
  return timeFields(schema, labColumns).filter((f) => {
    const s = fieldSeries(df, f);
    return s !== undefined && isTextType(s.dtype) && slashDates(s)?.ambiguous === true;
  });
}

/**
 * `df` with the time fields `schema` reads that hold times without a year (syslog's `Dec  7 08:15:00`, a column of
 * a frame built in memory or of a Parquet file) read as the readers read them: the newest's year `options.year`, else
 * the latest that puts it no later than `options.writtenBy` (now); `years` names each, for the readers' warning.
 * A column whose values do not all read stays text, as before. Flat columns only (nested ones stay text).
 */
export function withYearlessTimes(df: pl.DataFrame, schema: EventSchema, labColumns: ReadonlyMap<string, LabColumn>, options: { year?: number; writtenBy?: Date }): { df: pl.DataFrame; years: [string, YearsAssumed][] } {
  const names = columnNames(df);
  const replaced = new Map<string, pl.Series>();
  const years: [string, YearsAssumed][] = [];
  for (const f of timeFields(schema, labColumns)) {
    const column = names.includes(f) ? f : names.includes(`${f} [UTC]`) ? `${f} [UTC]` : undefined;
    if (column === undefined || replaced.has(column)) continue;
    const s = columnOf(df, column);
    // A look at the first values first: parsing every time column twice would slow every mapping.
    if (!isTextType(s.dtype) || !(s.dropNulls().head(256).toArray() as unknown[]).some((v) => typeof v === "string" && isYearlessTime(v.trim()))) continue;
    const read = parseTimeSeries(s, options);
    if (!read.parsed || !read.yearsAssumed) continue;
    replaced.set(column, read.series.rename(column));
    years.push([column, read.yearsAssumed]);
  }
  return { df: replaced.size ? replaceColumns(df, replaced) : df, years };
}

/** The fields the schema's lab time columns are read from. */
function timeFields(schema: EventSchema, labColumns: ReadonlyMap<string, LabColumn>): string[] {
  const fields = new Set<string>();
  for (const [name, rule] of Object.entries(schema.columns)) {
    if (!("from" in rule)) continue;
    const lab = labColumns.get(name);
    const as = rule.as ?? (lab ? labTypeConversion(lab.type) : undefined);
    if (as === "time" || as === "cefTime") for (const f of asList(rule.from)) fields.add(f);
  }
  return [...fields];
}

/**
 * The frame with the lab columns of `schema` added after its own. A column the
 * frame already has is kept, or converted in place when the lab needs another
 * type (`labColumns`); a column the frame's fields cannot give is left out.
 */
export function applySchema(df: pl.DataFrame, schema: EventSchema, labColumns: ReadonlyMap<string, LabColumn>): pl.DataFrame {
  const names = columnNames(df);
  const height = frameHeight(df);
  const replaced = new Map<string, pl.Series>();
  const added = new Map<string, pl.Series>();
  for (const [name, rule] of Object.entries(schema.columns)) {
    if (names.includes(name)) {
      const lab = labColumns.get(name);
      const own = columnOf(df, name);
      // The rule's own conversion knows the values (logon type names); the lab type is the fallback.
      const conversion = "from" in rule && rule.as ? rule.as : lab ? labTypeConversion(lab.type) : undefined;
      // A rule that replaces the frame's column (Sysmon's UtcTime over a plain export's local TimeGenerated): its
      // values, the frame's own where a row has none.
      const replacing = "from" in rule && rule.replaces ? fieldRuleColumn(df, { ...rule, from: asList(rule.from).filter((f) => f !== name) }, name, height) : undefined;
      if (replacing && !isEmptyField(replacing)) replaced.set(name, fillFrom(replacing, convert(own, conversion, name), name));
      else if (lab && !hasLabType(own, lab.type)) replaced.set(name, convert(own, conversion, name));
      continue;
    }
    if (added.has(name)) continue;
    // Later rules may read columns earlier ones made (Zeek's VMName is the local address).
    const source = added.size ? frameOf([...names.map((n) => columnOf(df, n)), ...added.values()]) : df;
    const made = ruleColumns(source, rule, name, height);
    for (const [n, s] of made ?? []) {
      if (!names.includes(n) && !added.has(n)) added.set(n, s.rename(n));
    }
  }
  // Helper columns (the local end's name) served the rules after them; they are no lab column.
  for (const n of [...added.keys()]) if (n.startsWith(HELPER_PREFIX)) added.delete(n);
  if (replaced.size === 0 && added.size === 0) return df;
  const kept = names.map((n) => replaced.get(n) ?? columnOf(df, n));
  return frameOf([...kept, ...added.values()]);
}

/**
 * The rows of `df` that are the schema's events (its `rows` filters): a row whose field holds a value
 * the filter does not keep is dropped; a row without the field is kept unless the filter requires it.
 * The frame itself when nothing is dropped.
 */
export function schemaRows(df: pl.DataFrame, schema: EventSchema): pl.DataFrame {
  const masks: pl.Series[] = [];
  for (const filter of schema.rows ?? []) {
    const s = fieldSeries(df, filter.field);
    if (!s) continue;
    const key = textKey(s);
    // A chain of equalities: the lists are a few values (polars deprecates `is_in` with a same-typed list).
    const listed = (values: readonly (string | number)[]) => values.map((v) => key.eq(pl.lit(String(v).toLowerCase()))).reduce((a, b) => a.or(b));
    const missing = key.isNull().or(key.eq(pl.lit("")));
    let keep = filter.required ? pl.lit(false) : missing;
    if (filter.keep) keep = keep.or(listed(filter.keep));
    if (filter.drop) keep = keep.or(listed(filter.drop).not());
    if (!filter.keep && !filter.drop) keep = keep.or(missing.not());
    try {
      masks.push(pl.DataFrame([s.rename("v")]).select(keep.alias("keep")).getColumn("keep"));
    } catch {
      // A field of values that are no text or number (a list where an export wrote an array): no rows told apart, all kept.
    }
  }
  if (masks.length === 0) return df;
  const keep = masks.reduce((a, b) => pl.DataFrame([a.rename("a"), b.rename("b")]).select(pl.col("a").and(pl.col("b")).alias("k")).getColumn("k"));
  if (keep.nullCount() === 0 && Number(keep.cast(pl.Int64).sum()) === keep.len()) return df;
  const names = columnNames(df);
  // The mask as one more column, filtered on and dropped, under plain names (a column may be called `filter`).
  const withMask = frameOf([...names.map((n) => columnOf(df, n)), keep.rename("__hl_keep")]);
  const kept = withPlainNames(withMask, (plain, nameOf) => plain.filter(pl.col(nameOf("__hl_keep"))));
  return frameOf(names.map((n) => columnOf(kept, n)));
}

/** What {@link testedRows} left out: how many rows, of how many, by kind (label → count). */
export interface LeftOut {
  count: number;
  total: number;
  kinds: Map<string, number>;
}

/**
 * The rows of `df` the schema's `rowTest` keeps, and what it left out (undefined when nothing). Each
 * distinct combination of the tested fields' values is tested once.
 */
export function testedRows(df: pl.DataFrame, schema: EventSchema): { df: pl.DataFrame; leftOut?: LeftOut } {
  const test = schema.rowTest;
  if (!test) return { df };
  const n = frameHeight(df);
  const columns = test.fields.map((f) => {
    const s = fieldSeries(df, f);
    return s ? (convert(s, "text", "t").toArray() as (string | null)[]) : undefined;
  });
  if (columns.every((c) => c === undefined)) return { df };
  const verdicts = new Map<string, { keep: boolean; label: string }>();
  const mask = new Array<boolean>(n);
  const kinds = new Map<string, number>();
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    const values = columns.map((c) => (c?.[i] ?? null)?.trim() ?? null);
    const key = JSON.stringify(values);
    let verdict = verdicts.get(key);
    if (!verdict) {
      const keep = test.keep(values);
      verdict = { keep, label: keep ? "" : test.label(values) };
      verdicts.set(key, verdict);
    }
    mask[i] = verdict.keep;
    if (!verdict.keep) {
      count += 1;
      kinds.set(verdict.label, (kinds.get(verdict.label) ?? 0) + 1);
    }
  }
  if (count === 0) return { df };
  const names = columnNames(df);
  const withMask = frameOf([...names.map((name) => columnOf(df, name)), pl.Series("__hl_keep", mask, pl.Bool)]);
  const kept = withPlainNames(withMask, (plain, nameOf) => plain.filter(pl.col(nameOf("__hl_keep"))));
  return { df: frameOf(names.map((name) => columnOf(kept, name))), leftOut: { count, total: n, kinds } };
}

/** The set of field names of a frame (columns and nested struct fields). */
export function fieldSet(df: pl.DataFrame): Set<string> {
  return new Set(fieldNames(df));
}
