/** Types shared by the query store, the LocalData driver and the query browser. */

/** Parameter types MSTICPy's query YAML uses. */
export type QueryParameterType = "str" | "datetime" | "list" | "int" | "float" | "bool";

/** One declared query parameter, as in a `parameters:` block of a query YAML file. */
export interface QueryParameter {
  name: string;
  type: QueryParameterType;
  description: string;
  /** The default value; `undefined` when the parameter has none (it is then required). */
  default?: unknown;
  required: boolean;
  aliases: string[];
  /** huntlab extension: the column this parameter filters on local data. */
  column?: string;
  /** huntlab extension: how the column is compared (`equals` by default; text ignores case). */
  match?: "equals" | "contains" | "in";
}

/** One query, filed under one data family. */
export interface QueryDefinition {
  /** The data family, e.g. `WindowsSecurity`. */
  family: string;
  /** The query name as written in the YAML, e.g. `list_host_logons`. */
  name: string;
  description: string;
  /** `args.query`: for LocalData, the data file name. */
  query: string;
  parameters: QueryParameter[];
  /** Merged metadata (file, defaults and source). */
  metadata: Record<string, unknown>;
  /** The YAML file that defined the query. */
  sourceFile: string;
}
