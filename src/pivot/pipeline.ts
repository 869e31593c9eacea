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
 *         function: util.ipType       # namespace.function (queries: LocalData.Family.query)
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
import pl from "nodejs-polars";
import { parseYamlText, readYamlText, type YamlLimits } from "../config/yamlFile";
import { namespaceOf, pivotEntityName } from "./attach";
import { displayStep, PivotChain, teeStep, type ChainStep } from "./chain";
import { PivotError, pivotMessages as msg, showValue } from "./messages";
import type { PivotCallOptions, PivotFunction, PivotNamespace } from "./types";
import { withRichLastValue } from "../display/lastValue";
import { lazyFrame } from "../common/frames";
import { isObjectRecord } from "../common/json";

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
  return { name: file, doc: parseYamlText(file, text, LIMITS, fail) };
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

function stringList(where: string, label: string, key: string, value: unknown): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) throw new PivotError(msg.pipeline(where, label, `${key} must be a column name or a list of them`));
  return list as string[];
}

/** A polars expression for a `filter` step. */
function filterExpr(where: string, label: string, params: Obj): pl.Expr {
  if (typeof params.column !== "string") throw new PivotError(msg.pipeline(where, label, "filter needs params.column"));
  const op = params.op ?? "eq";
  const col = pl.col(params.column);
  const value = params.value;
  switch (op) {
    case "eq":
      return col.eq(pl.lit(value as never));
    case "neq":
      return col.neq(pl.lit(value as never));
    case "gt":
      return col.gt(pl.lit(value as never));
    case "gte":
      return col.gtEq(pl.lit(value as never));
    case "lt":
      return col.lt(pl.lit(value as never));
    case "lte":
      return col.ltEq(pl.lit(value as never));
    case "in":
    case "not_in": {
      if (!Array.isArray(value)) throw new PivotError(msg.pipeline(where, label, `op ${op} needs a list value`));
      const e = col.isIn(value as never[]);
      return op === "in" ? e : e.not();
    }
    case "contains":
      return col.cast(pl.Utf8).str.contains(String(value), true);
    case "is_null":
      return col.isNull();
    case "not_null":
      return col.isNotNull();
    default:
      throw new PivotError(msg.pipeline(where, label, `op ${showValue(op)} is not one of ${PIPELINE_FILTER_OPS.join(", ")}`));
  }
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
    case "head":
      return (df) => lazyFrame(df).head(n("n", 5)).collectSync();
    case "tail":
      return (df) => lazyFrame(df).tail(n("n", 5)).collectSync();
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
        return { label: chainLabel(`pivot ${fn.path}`), apply: (df) => fn(df, params as PivotCallOptions) };
      }
      case "filter": {
        const expr = filterExpr(where, label, params);
        return { label: chainLabel("filter"), apply: (df) => lazyFrame(df).filter(expr).collectSync() };
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
  const { name: file, doc } = readPipelineDoc(yamlTextOrPath);
  const { name, steps } = selectPipeline(file, doc, options.pipeline);
  let chain = new PivotChain(df, [], {});
  for (const step of pipelineSteps(name, steps, options.tees)) chain = chain.addStep(step);
  return withRichLastValue(await chain.df);
}
