/** Types shared by the query store, the LocalData driver and the query browser. */
import type { EventKind } from "./schemas/index";

/** The event schemas a query may declare (`metadata.schema`), mapped by `normalizeEvents`. */
export const EVENT_KINDS = ["process", "logon", "networkFlow", "fileCreate"] as const satisfies readonly EventKind[];

// Fails to compile when schemas/ adds a kind that EVENT_KINDS lacks.
type MissingKinds = Exclude<EventKind, (typeof EVENT_KINDS)[number]>;
const _allKinds: [MissingKinds] extends [never] ? true : MissingKinds = true;
void _allKinds;

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
  /** The YAML file that defined the query (for a query made from a data file: that file). */
  sourceFile: string;
  /** For a query made from a data file or dataset folder (no YAML): its path, as found under the data paths. */
  dataFile?: string;
  /** `metadata.schema`: the event schema the result is mapped onto (`normalizeEvents`). */
  schema?: EventKind;
}
