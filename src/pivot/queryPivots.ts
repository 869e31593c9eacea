/**
 * Query pivots: each query of a provider whose parameter maps to an entity
 * attribute becomes `entities.<Entity>.<provider>.<Family>.<query>`.
 * Many values run as one query when the parameter filters with `match: in`,
 * else one query per value, a few at a time.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, withSafeNames } from "../common/frames";
import type { QueryProviderMethods } from "../data/queryProvider";
import { matchKey, matchKind } from "../data/matchValues";
import type { QueryDefinition, QueryParameter } from "../data/types";
import type { PivotEntityName } from "./attach";
import net from "node:net";
import { Entity, firstText } from "../entities/entity";
import { Host } from "../entities/types";
import { EntityValues, inputText, mapLimited } from "./input";
import type { PivotMappings } from "./mappings";
import { concatFrames, makePivotFunction, readAttribute, type PivotImpl, type PivotRows } from "./pivotFunction";
import type { PivotFunction, PivotFunctionInfo } from "./types";
import { foldCase } from "../common/caseFold";
import { timeRole } from "../data/localData";
import { AnyOf } from "../data/live/alternatives";
import { PivotError, pivotMessages as msg } from "./messages";

/** Entity → family → query → function. */
export type QueryPivots = Map<PivotEntityName, Record<string, Record<string, PivotFunction>>>;

/** True when one query can take every value: an `in` filter on a known column. */
function batches(param: QueryParameter): boolean {
  return param.match === "in" && typeof param.column === "string";
}

/**
 * The rows of one batched (`in`) query as the per-value queries would give
 * them: for each input value in order, the rows its filter column matched
 * (text compares ignore case as the filter does, Greek sigmas folded alike; a numeric or Bool column
 * compares by {@link matchKey}, so `0x1F`, `31` and ` 31.0` all find 31).
 * Inputs differing only in case (or numbers only in how they are written)
 * each get every matching row; rows matching no input keep their own cell as
 * input, at the end.
 */
function rowsPerInput(frame: pl.DataFrame, column: string, values: readonly string[]): PivotRows {
  const series = columnOf(frame, column);
  const cells = series.toArray() as unknown as unknown[];
  const kind = matchKind(series.dtype);
  const typed = kind === "integer" || kind === "float" || kind === "bool";
  // Integers as polars writes them: toArray gives doubles, which are not exact past 2^53.
  const texts = typed ? (series.cast(pl.Utf8).toArray() as unknown as (string | null)[]) : undefined;
  const cellKey = (row: number): string => (texts && kind ? matchKey(texts[row], kind) : undefined) ?? foldCase(inputText(cells[row]));
  const inputKey = (v: string): string | undefined => (typed ? matchKey(v, kind) : foldCase(v));
  const rowsByKey = new Map<string, number[]>();
  cells.forEach((_, row) => {
    const k = cellKey(row);
    const list = rowsByKey.get(k);
    if (list) list.push(row);
    else rowsByKey.set(k, [row]);
  });
  const order: number[] = [];
  const inputs: string[] = [];
  const claimed = new Set<string>();
  for (const v of values) {
    const k = inputKey(v);
    if (k === undefined) continue;
    claimed.add(k);
    for (const row of rowsByKey.get(k) ?? []) {
      order.push(row);
      inputs.push(v);
    }
  }
  for (const [k, rows] of rowsByKey) {
    if (claimed.has(k)) continue;
    for (const row of rows) {
      order.push(row);
      inputs.push(inputText(cells[row]));
    }
  }
  const same = order.length === cells.length && order.every((row, i) => row === i);
  // Through withSafeNames: the frame's columns come from the data, and one called `select` would shadow the method.
  const gathered = same ? frame : withSafeNames(frame, (safe) => safe.select(pl.all().gather(pl.Series("row", order, pl.UInt32))));
  return { frame: gathered, inputs };
}

/** The provider's one-read method for many `equals` values, if it has one ("in" first: a provider answers unknown names with an error). */
function anyOfMethod(provider: QueryProviderMethods): QueryProviderMethods["execQueryAnyOf"] {
  return "execQueryAnyOf" in provider ? provider.execQueryAnyOf : undefined;
}

/** A value of the parameter's type that is never a key (the rows are dropped anyway): text "\u0000", else a typed value. */
function placeholder(param: QueryParameter): unknown {
  switch (param.type) {
    case "int":
    case "float":
      return 0;
    case "datetime":
      return new Date(0);
    case "bool":
      return false;
    case "list":
      return ["\u0000"];
    default:
      return "\u0000";
  }
}

/**
 * `impl` with the provider's missing-parameter error (a required parameter besides the one the input fills, not in
 * the call's options) said by the pivot: which parameter and how to give it with the input. The query's own message
 * named the query (`Sec.need_two`), not the pivot called, and not where its value goes.
 */
function askingForParameters(q: QueryDefinition, param: QueryParameter, input: string, impl: PivotImpl): PivotImpl {
  return async (values, context) => {
    try {
      return await impl(values, context);
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code !== "data/missing-parameter") throw err;
      const given = (p: QueryParameter): boolean => [p.name, ...p.aliases].some((n) => Object.hasOwn(context.params, n) && context.params[n] !== undefined);
      const missing = q.parameters.find((p) => p !== param && p.required && !timeRole(p) && !given(p));
      if (!missing) throw err;
      throw new PivotError(msg.missingParameter(context.fn, input, missing.name, missing.type, missing.description), { cause: err });
    }
  };
}

function queryImpl(provider: QueryProviderMethods, q: QueryDefinition, param: QueryParameter): PivotImpl {
  const key = `${q.family}.${q.name}`;
  const anyOf = anyOfMethod(provider);
  return async (values, context) => {
    if (values.length === 0) {
      // No values (an empty or all-blank input): no rows, but the query's columns, so that the next step of a pipeline
      // finds them. Local data is read for them (a value that is never a key: the rows are dropped anyway); a live
      // query is not sent for nothing.
      if (!anyOf) return { frame: pl.DataFrame({}), inputs: [] };
      const frame = await provider.execQuery(key, { ...context.params, [param.name]: placeholder(param) });
      return { frame: withSafeNames(frame, (safe) => safe.head(0)), inputs: [] };
    }
    if (batches(param)) {
      const frame = await provider.execQuery(key, { ...context.params, [param.name]: values });
      const column = param.column as string;
      if (columnNames(frame).includes(column)) return rowsPerInput(frame, column, values);
    } else if (values.length > 1 && typeof param.column === "string" && anyOf) {
      // LocalData's equals is the in filter of one value: one read for all values, split per value as above.
      const frame = await anyOf.call(provider, key, context.params, param.name, values);
      if (frame && columnNames(frame).includes(param.column)) return rowsPerInput(frame, param.column, values);
    }
    // A value given with its other forms (a Host's names to a live query): the query matches any of them.
    const valueOf = (v: string): unknown => AnyOf.of(context.forms.get(v) ?? []) ?? v;
    const frames = await mapLimited(values, context.concurrency, (v) => provider.execQuery(key, { ...context.params, [param.name]: valueOf(v) }), (done) => context.progress(done, values.length));
    // frameHeight, not f.height: a data column called `height` would answer for it.
    const inputs = frames.flatMap((f, i) => Array<string>(frameHeight(f)).fill(values[i]));
    return { frame: concatFrames(frames, () => pl.DataFrame({})), inputs };
  };
}

/**
 * A Host input's names for a query: the name as given, its short name and its FQDN (HostName.DnsDomain), each looked
 * up. Sentinel cuts an alert's host into HostName and DnsDomain while Windows events' Computer, Sysmon and Defender
 * hold the FQDN and other exports the short name: the one name given found no row of the other form, without a word.
 * An address stays one value.
 */
function hostNames(entity: Entity): unknown {
  const given = readAttribute("HostName")(entity);
  if (!(entity instanceof Host) || typeof given !== "string") return given;
  const name = given.trim();
  if (name === "" || net.isIP(name) !== 0 || /^[\d.]+$/.test(name) || name.includes(":")) return given;
  const dot = name.indexOf(".");
  const domain = firstText(entity.DnsDomain)?.replace(/\.$/, "");
  const names = [name, dot > 0 ? name.slice(0, dot) : name, dot > 0 ? name : domain ? `${name}.${domain}` : name];
  return new EntityValues([...new Set(names)]);
}

/** {@link hostNames} as one value with its other forms, for a live query. */
function hostNamesTogether(entity: Entity): unknown {
  const names = hostNames(entity);
  return names instanceof EntityValues ? new EntityValues(names.values, true) : names;
}

/** The query pivots of one provider under namespace `namespace`. */
export function queryFunctions(provider: QueryProviderMethods, namespace: string, mappings: PivotMappings): QueryPivots {
  const out: QueryPivots = new Map();
  for (const q of provider.queryDefinitions()) {
    for (const param of q.parameters) {
      for (const target of mappings.get(param.name) ?? []) {
        const families = out.get(target.entity) ?? {};
        const family = (families[q.family] ??= Object.create(null) as Record<string, PivotFunction>);
        // A query with two parameters for one entity (rare) keeps the first.
        if (Object.hasOwn(family, q.name)) continue;
        const info: PivotFunctionInfo = {
          entity: target.entity,
          namespace,
          family: q.family,
          name: q.name,
          description: q.description,
          inputAttribute: target.attribute,
          inputColumn: target.attribute,
          parameters: q.parameters
            .filter((p) => p !== param)
            .map((p) => ({ name: p.name, type: p.type, description: p.description, required: p.required })),
          outputColumns: [`the columns of ${q.query}`],
          source: `${provider.environment} query ${q.family}.${q.name} (parameter ${param.name}${param.column ? ` → ${param.column}, ${param.match ?? "equals"}` : ""})`,
          batching: batches(param)
            ? "one query for all values (in filter)"
            : anyOfMethod(provider) && param.column && (param.match ?? "equals") === "equals"
              ? "one read for all values (equals on local data is an in filter of one value)"
              : "one query per value, a few at a time",
        };
        const input = `an entities.${target.entity}'s ${target.attribute}, a value or a column, as ${param.name}`;
        // A Host by each of its names where the filter is known to compare whole values: a column filter of local data
        // (`equals`, `in`). A `contains` one finds the FQDN by the short name: there each row would come twice.
        // A live query gets the names together, one value its text compares with each (data/live/alternatives.ts):
        // one query per host, each row once (KQL's `has` finds the FQDN by the short name too), named by the host as given.
        const wholeValues = typeof param.column === "string" && (param.match ?? "equals") !== "contains";
        const host = target.entity === "Host" && target.attribute === "HostName";
        const local = provider.environment === "LocalData";
        const read = !host ? undefined : !local ? (param.type === "str" ? hostNamesTogether : undefined) : wholeValues ? hostNames : undefined;
        family[q.name] = makePivotFunction(info, askingForParameters(q, param, input, queryImpl(provider, q, param)), read);
        out.set(target.entity, families);
      }
    }
  }
  return out;
}
