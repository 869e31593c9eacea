/**
 * Pivot pipelines in YAML, in MSTICPy's layout adapted to polars:
 *
 * ```yaml
 * pipelines:
 *   flows_to_ti:
 *     description: Public remote IPs of the flows, located and looked up
 *     steps:
 *       - name: ip_type
 *         step_type: pivot            # a pivot function: entity + function
 *         entity: IpAddress           # MSTICPy's names or huntlab's (Ip)
 *         function: util.ipType       # namespace.function (queries: LocalData.Family.query); MSTICPy's util.ip_type too
 *         params: {column: AllExtIPs, join: left}
 *       - name: public_only
 *         step_type: filter           # polars filter (MSTICPy: pd_accessor query)
 *         params: {column: IpType, op: eq, value: Public}
 *       - name: show
 *         step_type: pivot_display
 *         params: {title: Public IPs, head: 5, cols: [AllExtIPs]}
 *       - name: save
 *         step_type: pivot_tee
 *         params: {var_name: public_ips}
 *       - name: distinct
 *         step_type: df_method        # MSTICPy's pd_accessor: an allow-listed DataFrame method
 *         function: unique
 *         params: {subset: [AllExtIPs]}
 * ```
 */
import fs from "node:fs";
import pl, { type DataType } from "nodejs-polars";
import { parseYamlText, readYamlText, type YamlLimits } from "../config/yamlFile";
import { namespaceOf, pivotEntityName } from "./attach";
import { huntlabFunctionName } from "./msticpyNames";
import { PIVOT_JOINS } from "./input";
import { displayStep, PivotChain, teeStep, type ChainStep } from "./chain";
import { PivotError, pivotMessages as msg, showValue } from "./messages";
import { isThenable } from "../common/notAFrame";
import type { PivotCallOptions, PivotFunction, PivotNamespace } from "./types";
import { withRichLastValue } from "../display/lastValue";
import { anyOf, columnNames, columnOf, lazyFrame, renameAll } from "../common/frames";
import { isObjectRecord } from "../common/json";
import { nameList } from "../common/shownText";
import { isCategoricalText, isTemporalType, isTextType, textExpr, timeLiteral } from "../common/dtypes";
import { parseTimeText } from "../data/timeParsing";

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Which pipeline of a file with several. Default: the first. */
  pipeline?: string;
  /** Receives the frames of `pivot_tee` steps (by `var_name`). Default: none. */
  tees?: Record<string, pl.DataFrame>;
}

/** The step types a pipeline may use. */
export const PIPELINE_STEP_TYPES = ["pivot", "filter", "pivot_display", "pivot_tee", "df_method", "pd_accessor"] as const;

/** The DataFrame methods a `df_method` step may call. */
export const PIPELINE_DF_METHODS = ["head", "tail", "unique", "dropNulls", "select", "drop", "sort"] as const;

/** Comparison operators of `filter` steps. */
export const PIPELINE_FILTER_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "is_null", "not_null"] as const;

const LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxKeys: 20_000, maxDepth: 32, what: "pivot pipelines" };

type Obj = Record<string, unknown>;

/** YAML text, or the path of a YAML file: a string without a line break naming an existing file is a path. */
function readPipelineDoc(textOrPath: string): { name: string; doc: unknown } {
  const isPath = !/[\r\n]/.test(textOrPath) && /\.ya?ml$/i.test(textOrPath.trim());
  const file = isPath ? textOrPath.trim() : "(pipeline text)";
  const fail = (problem: { message: string }) => new PivotError(msg.pipeline(file, "YAML", problem.message));
  if (isPath && !fs.existsSync(file)) throw new PivotError(msg.pipeline(file, "file", "not found"));
  const text = isPath ? readYamlText(file, LIMITS, fail) : textOrPath;
  // A filter's `value` keeps its text where YAML would read a number: `0x3e7`, `007` or a 20-digit id compared with
  // a text column is the text as written, and a 64-bit column is compared with the digits, exactly.
  return { name: file, doc: parseYamlText(file, text, LIMITS, fail, { keepNumberText: (key) => key === "value" }) };
}

/** The pipeline to run: `pipelines.<name>` (the first by default), or a document that is itself one pipeline. */
function selectPipeline(file: string, doc: unknown, wanted: string | undefined): { name: string; steps: unknown[] } {
  if (!isObjectRecord(doc)) throw new PivotError(msg.pipeline(file, "document", "expected a `pipelines:` map (or a `steps:` list)"));
  if (isObjectRecord(doc.pipelines)) {
    const names = Object.keys(doc.pipelines);
    const name = wanted ?? names[0];
    if (name === undefined || !Object.hasOwn(doc.pipelines, name)) throw new PivotError(msg.pipeline(file, "pipelines", `no pipeline ${showValue(name)}; there are ${names.join(", ") || "none"}`));
    const p = doc.pipelines[name];
    if (!isObjectRecord(p) || !Array.isArray(p.steps)) throw new PivotError(msg.pipeline(`${file} › ${name}`, "steps", "expected a `steps:` list"));
    return { name: `${file} › ${name}`, steps: p.steps };
  }
  if (Array.isArray(doc.steps)) return { name: file, steps: doc.steps };
  throw new PivotError(msg.pipeline(file, "document", "expected a `pipelines:` map (or a `steps:` list)"));
}

/** The pivot function named by a step: `entity` + `function` (`util.ipType`, `ti.lookupIp`, `LocalData.Family.query`). */
function resolveFunction(where: string, label: string, step: Obj): PivotFunction {
  const entityName = typeof step.entity === "string" ? pivotEntityName(step.entity) : undefined;
  if (!entityName) throw new PivotError(msg.pipeline(where, label, `entity ${showValue(step.entity)} is not a pivot entity (Ip/IpAddress, Host, Account, Process, File, Url, Dns)`));
  if (typeof step.function !== "string" || !step.function.includes(".")) {
    throw new PivotError(msg.pipeline(where, label, `function ${showValue(step.function)} must be namespace.function, e.g. util.ipType or LocalData.Network.list_azure_network_flows_by_ip`));
  }
  const [ns, ...rest] = step.function.split(".");
  const namespace = namespaceOf(entityName, ns);
  if (!namespace) throw new PivotError(msg.pipeline(where, label, `entities.${entityName} has no namespace "${ns}"`));
  // MSTICPy's name of a function huntlab has (`util.ip_type`, `ti.lookup_ip_OTX`): pipelines are pasted from MSTICPy.
  const alias = rest.length === 1 && !Object.hasOwn(namespace, rest[0]) ? huntlabFunctionName(ns, rest[0]) : undefined;
  if (alias !== undefined && Object.hasOwn(namespace, alias)) rest[0] = alias;
  try {
    let target: unknown = namespace;
    for (const part of rest) target = (target as PivotNamespace)[part];
    if (typeof target !== "function") throw new PivotError(msg.pipeline(where, label, `${step.function} is a namespace, not a function`));
    return target as PivotFunction;
  } catch (err) {
    if (err instanceof PivotError && err.code === "pivot/pipeline") throw err;
    throw new PivotError(msg.pipeline(where, label, (err as Error).message), { cause: err });
  }
}

/**
 * A pivot step's own options, checked before anything runs: the input is a
 * frame, so `column` is needed; the others as a direct call takes them (the
 * rest are the function's parameters, checked when it runs).
 */
function checkPivotParams(where: string, label: string, params: Obj): void {
  const fail = (detail: string) => new PivotError(msg.pipeline(where, label, detail));
  if (typeof params.column !== "string" || params.column === "") throw fail("a pivot step needs params.column (the column holding the values)");
  if (params.join !== undefined && !(PIVOT_JOINS as readonly unknown[]).includes(params.join)) throw fail(`join ${showValue(params.join)} is not one of ${PIVOT_JOINS.join(", ")}`);
  if (params.inputColumn !== undefined && (typeof params.inputColumn !== "string" || params.inputColumn === "")) throw fail("inputColumn must be a column name");
  const c = params.concurrency;
  if (c !== undefined && (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > 64)) throw fail("concurrency must be a whole number from 1 to 64");
  if (params.progress !== undefined && typeof params.progress !== "boolean") throw fail("progress must be true or false");
}

function stringList(where: string, label: string, key: string, value: unknown): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) throw new PivotError(msg.pipeline(where, label, `${key} must be a column name or a list of them`));
  return list as string[];
}

type FilterValue = string | number | boolean | Date;

function isFilterValue(v: unknown): v is FilterValue {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || (v instanceof Date && !Number.isNaN(v.getTime()));
}

const INTEGER_VARIANTS = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);
const NUMERIC_VARIANTS = new Set([...INTEGER_VARIANTS, "Float32", "Float64", "Decimal"]);
const NESTED_VARIANTS = new Set(["List", "FixedSizeList", "Array", "Struct", "Object"]);

/**
 * A YAML value as a literal of the column's type: a time column reads time
 * text (`2019-02-12 10:00`, an offset; µs and ns digits kept), an integer
 * column whole digits exactly, another number column a number, a boolean
 * column `true`/`false`, a text column the value as written (numbers reach
 * here as their YAML text: `0x3e7`, `007`). A value that cannot be read so
 * names the column.
 */
function filterLiteral(column: string, dtype: DataType, value: FilterValue): pl.Expr {
  const refuse = (what: string) => new PivotError(msg.filterColumn(column, `value ${showValue(value)} is not ${what} (the column is ${dtype.variant})`));
  if (isTemporalType(dtype)) {
    const date = value instanceof Date ? value : typeof value === "string" ? parseTimeText(value) : undefined;
    if (!date) throw refuse("a time");
    if (dtype.variant === "Date") return pl.lit(date);
    // Digits past the millisecond (`10:00:00.000001`) count on a µs or ns column: a Date holds milliseconds.
    const extraNs = typeof value === "string" ? Number((/:\d{2}[.,]\d{3}(\d{1,6})/.exec(value)?.[1] ?? "").padEnd(6, "0")) : 0;
    return extraNs ? timeLiteral(date, dtype, extraNs) : timeLiteral(date, dtype);
  }
  if (INTEGER_VARIANTS.has(dtype.variant) && typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value) && fitsIntegerType(value.trim(), dtype)) {
    // Whole digits as the column's own integer, exactly (a JS number holds 2^53 at most: 9007199254740993 matched …992).
    // Digits past the type's range compare as a number below (`lt 99999999999999999999` keeps every row).
    return pl.lit(value.trim()).cast(dtype);
  }
  if (NUMERIC_VARIANTS.has(dtype.variant)) {
    const n = typeof value === "number" ? value : typeof value === "string" ? yamlNumber(value) : NaN;
    if (Number.isNaN(n)) throw refuse("a number");
    return pl.lit(n);
  }
  if (dtype.variant === "Bool") {
    const b = typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
    if (b === undefined) throw refuse("true or false");
    return pl.lit(b);
  }
  if (dtype.variant === "Duration" || dtype.variant === "Time") throw refuse("comparable: a filter compares text, numbers, times and true/false");
  return pl.lit(value instanceof Date ? value.toISOString() : String(value));
}

/** Whether whole-digit text is a value of the integer type (its range). */
function fitsIntegerType(digits: string, dtype: DataType): boolean {
  try {
    pl.Series("v", [digits], pl.Utf8).cast(dtype, true);
    return true;
  } catch {
    return false;
  }
}

/** A number written as YAML writes one (`.inf`, `-.inf`, `.nan` too), or NaN. */
function yamlNumber(text: string): number {
  const t = text.trim();
  if (/^[-+]?\.inf$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (t === "" || /^\.nan$/i.test(t)) return NaN;
  return Number(t);
}

/**
 * The comparison ops: polars' method, and whether a value past an integer
 * column's range keeps the (non-empty) cells when it is above every value or
 * below every one.
 */
const COMPARISONS = {
  eq: { method: "eq", above: false, below: false },
  gt: { method: "gt", above: false, below: true },
  gte: { method: "gtEq", above: false, below: true },
  lt: { method: "lt", above: true, below: false },
  lte: { method: "ltEq", above: true, below: false },
} as const;

/**
 * A `filter` step. Its parameters are checked when the pipeline is read; the
 * expression is made per frame, from the column's type (see {@link filterLiteral}).
 */
function filterStep(where: string, label: string, params: Obj): (df: pl.DataFrame) => pl.DataFrame {
  const { column, value } = params;
  const op = params.op ?? "eq";
  const fail = (detail: string) => new PivotError(msg.pipeline(where, label, detail));
  if (typeof column !== "string" || column === "") throw fail("filter needs params.column (a column name)");
  if (!(PIPELINE_FILTER_OPS as readonly unknown[]).includes(op)) throw fail(`op ${showValue(op)} is not one of ${PIPELINE_FILTER_OPS.join(", ")}`);
  if (op === "is_null" || op === "not_null") {
    if (value !== undefined) throw fail(`op ${op} takes no value`);
  } else if (op === "in" || op === "not_in") {
    if (!Array.isArray(value) || !value.every(isFilterValue)) throw fail(`op ${op} needs a list of values (text, numbers, true/false, times as text)`);
  } else if (value === undefined || value === null) {
    throw fail(`op ${op} needs a value${op === "eq" || op === "neq" ? ` (for empty cells, op ${op === "eq" ? "is_null" : "not_null"})` : ""}`);
  } else if (!isFilterValue(value)) {
    throw fail(`op ${op} needs one value (text, a number, true/false, a time as text), not ${showValue(value)}`);
  }
  return (df) => {
    const names = columnNames(df);
    const index = names.indexOf(column);
    if (index < 0) throw new PivotError(msg.filterColumn(column, `the frame has no such column; it has ${nameList(names)}`));
    const dtype = columnOf(df, column).dtype;
    // Plain names inside: pl.col reads `^a.*$` as a pattern and `*` as every column.
    const col = pl.col(`c${index}`);
    const float = dtype.variant === "Float32" || dtype.variant === "Float64";
    // The column as values compare: a category as its text, a Date as a time at midnight UTC (as LocalData's range).
    const target = (): pl.Expr => {
      if (NESTED_VARIANTS.has(dtype.variant)) throw new PivotError(msg.filterColumn(column, `the column is ${dtype.variant}: op ${String(op)} compares single values (op contains reads a list's elements as text)`));
      if (isCategoricalText(dtype)) return col.cast(pl.Utf8);
      return dtype.variant === "Date" ? col.cast(pl.Datetime("ms")) : col;
    };
    const lit = (v: FilterValue) => filterLiteral(column, dtype, v);
    // Whole digits past an integer column's range: above every value or below every one, decided exactly
    // (as a double, 9223372036854775808 equalled Int64's largest value).
    const beyond = (v: FilterValue): "above" | "below" | undefined =>
      INTEGER_VARIANTS.has(dtype.variant) && typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v) && !fitsIntegerType(v.trim(), dtype) ? (v.trim().startsWith("-") ? "below" : "above") : undefined;
    // NaN is pandas' empty float cell: no comparison keeps it (polars orders it above every number).
    const noNan = (e: pl.Expr) => (float ? e.and(col.isNotNan()) : e);
    let expr: pl.Expr;
    if (Object.hasOwn(COMPARISONS, op as string)) {
      const { method, above, below } = COMPARISONS[op as keyof typeof COMPARISONS];
      const side = beyond(value as FilterValue);
      expr = noNan(side === undefined ? target()[method](lit(value as FilterValue)) : (side === "above" ? above : below) ? col.isNotNull() : pl.lit(false));
    } else {
      switch (op as Exclude<(typeof PIPELINE_FILTER_OPS)[number], keyof typeof COMPARISONS>) {
        case "neq":
          // Empty cells are not equal to the value: kept, as pandas' `!=` keeps NaN.
          expr = beyond(value as FilterValue) ? pl.lit(true) : target().neq(lit(value as FilterValue)).fillNull(true);
          break;
        case "in":
        case "not_in": {
          // An item past the column's range equals no value.
          const list = (value as FilterValue[]).filter((v) => beyond(v) === undefined);
          const t = target();
          const any = noNan(anyOf(list.map((v) => t.eq(lit(v)))));
          // An empty cell is in no list: `in` drops it and `not_in` keeps it, as pandas' isin.
          expr = op === "in" ? any.fillNull(false) : any.fillNull(false).not();
          break;
        }
        case "contains":
          expr = textExpr(col, dtype).str.contains(value instanceof Date ? value.toISOString() : String(value), true);
          break;
        case "is_null":
          expr = float ? col.isNull().or(col.isNan()) : col.isNull();
          break;
        case "not_null":
          expr = float ? col.isNotNull().and(col.isNotNan()) : col.isNotNull();
          break;
      }
    }
    return renameAll(lazyFrame(renameAll(df, names.map((_, k) => `c${k}`))).filter(expr).collectSync(), names);
  };
}

/**
 * A `df_method` step: one of {@link PIPELINE_DF_METHODS}, with named params.
 * Each runs on {@link lazyFrame}: the frame's columns come from the data, and
 * one called like the method (`select`, `drop`, `head`…) would answer for it.
 */
function dfMethod(where: string, label: string, name: unknown, params: Obj): (df: pl.DataFrame) => pl.DataFrame {
  const n = (key: string, dflt: number) => {
    const v = params[key] ?? dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new PivotError(msg.pipeline(where, label, `${key} must be a whole number`));
    return v;
  };
  switch (name) {
    case "head": {
      const rows = n("n", 5);
      return (df) => lazyFrame(df).head(rows).collectSync();
    }
    case "tail": {
      const rows = n("n", 5);
      return (df) => lazyFrame(df).tail(rows).collectSync();
    }
    case "unique": {
      const subset = params.subset === undefined ? undefined : stringList(where, label, "subset", params.subset);
      return (df) => lazyFrame(df).unique({ subset, maintainOrder: true, keep: "first" }).collectSync();
    }
    case "dropNulls": {
      const subset = params.subset === undefined ? undefined : stringList(where, label, "subset", params.subset);
      return (df) => (subset ? lazyFrame(df).dropNulls(subset) : lazyFrame(df).dropNulls()).collectSync();
    }
    case "select": {
      const cols = stringList(where, label, "columns", params.columns);
      return (df) => lazyFrame(df).select(...cols).collectSync();
    }
    case "drop": {
      const cols = stringList(where, label, "columns", params.columns);
      return (df) => lazyFrame(df).drop(cols).collectSync();
    }
    case "sort": {
      const by = stringList(where, label, "by", params.by);
      const descending = params.descending === true;
      return (df) => lazyFrame(df).sort(by, descending).collectSync();
    }
    default:
      throw new PivotError(msg.pipeline(where, label, `function ${showValue(name)} is not one of ${PIPELINE_DF_METHODS.join(", ")}`));
  }
}

/** Turns the YAML steps into chain steps; errors name the pipeline and the step. */
export function pipelineSteps(where: string, steps: readonly unknown[], tees?: Record<string, pl.DataFrame>): ChainStep[] {
  return steps.map((raw, i) => {
    const label0 = `step ${i + 1}`;
    if (!isObjectRecord(raw)) throw new PivotError(msg.pipeline(where, label0, "a step must be a map with step_type"));
    const label = typeof raw.name === "string" ? `${label0} "${raw.name}"` : label0;
    const params: Obj = isObjectRecord(raw.params) ? raw.params : {};
    if (raw.params !== undefined && !isObjectRecord(raw.params)) throw new PivotError(msg.pipeline(where, label, "params must be a map"));
    const type = raw.step_type;
    const chainLabel = (what: string) => `${typeof raw.name === "string" ? `"${raw.name}": ` : ""}${what}`;
    switch (type) {
      case "pivot": {
        const fn = resolveFunction(where, label, raw);
        checkPivotParams(where, label, params);
        return { label: chainLabel(`pivot ${fn.path}`), apply: (df) => fn(df, params as PivotCallOptions) };
      }
      case "filter": {
        return { label: chainLabel("filter"), apply: filterStep(where, label, params) };
      }
      case "pivot_display": {
        const cols = params.cols === undefined ? undefined : stringList(where, label, "cols", params.cols);
        const head = params.head;
        if (head !== undefined && (typeof head !== "number" || !Number.isInteger(head) || head < 0)) throw new PivotError(msg.pipeline(where, label, "head must be a whole number"));
        const step = displayStep({ title: typeof params.title === "string" ? params.title : undefined, head: head as number | undefined, columns: cols });
        return { label: chainLabel("display"), apply: step.apply };
      }
      case "pivot_tee": {
        const name = params.var_name;
        if (typeof name !== "string" || !name) throw new PivotError(msg.pipeline(where, label, "pivot_tee needs params.var_name"));
        return { label: chainLabel(`tee "${name}"`), apply: teeStep(name, tees).apply };
      }
      case "df_method":
      case "pd_accessor": {
        const f = dfMethod(where, label, raw.function, params);
        return { label: chainLabel(`${String(raw.function)}`), apply: f };
      }
      default:
        throw new PivotError(msg.pipeline(where, label, `step_type ${showValue(type)} is not one of ${PIPELINE_STEP_TYPES.join(", ")}`));
    }
  });
}

/**
 * Runs a pivot pipeline (YAML text, or a .yaml/.yml path) on a DataFrame and
 * gives the last step's frame. Malformed steps are refused before anything
 * runs; a step that fails at run time is named in the error.
 */
export async function runPipeline(df: pl.DataFrame, yamlTextOrPath: string, options: RunPipelineOptions = {}): Promise<pl.DataFrame> {
  // Checked before the YAML is read: a query not awaited (or a cell not run) said only "something other than a DataFrame".
  let chain = new PivotChain(df, [], {}, "runPipeline");
  if (typeof yamlTextOrPath !== "string") throw new PivotError(msg.pipelineText(isThenable(yamlTextOrPath) ? "a Promise (put `await` before it)" : showValue(yamlTextOrPath)));
  const { name: file, doc } = readPipelineDoc(yamlTextOrPath);
  const { name, steps } = selectPipeline(file, doc, options.pipeline);
  for (const step of pipelineSteps(name, steps, options.tees)) chain = chain.addStep(step);
  return withRichLastValue(await chain.df);
}
