/**
 * Pivots (MSTICPy's pivot functions): entity-centric functions from every
 * provider, attached to the entity classes by `new Pivot({ providers })`,
 * chained with `pivotChain(df)` or written as YAML pipelines (`runPipeline`).
 */
export { Pivot, type AddProviderOptions, type PivotOptions, type PivotProvider } from "./pivot";
export { PIVOT_ENTITIES, type PivotEntityName } from "./attach";
export { pivotChain, PivotChain, type ChainDisplayOptions, type ChainFilter, type ChainStep } from "./chain";
export { runPipeline, PIPELINE_DF_METHODS, PIPELINE_FILTER_OPS, PIPELINE_STEP_TYPES, type RunPipelineOptions } from "./pipeline";
export { loadMappings, readMappings, PIVOT_MAPPINGS_PATH, type ParameterMapping, type PivotMappings } from "./mappings";
export { NO_ASN_NOTE, accountParts } from "./util";
export { PivotError, PIVOT_ERRORS, pivotMessages, type PivotErrorCode } from "./messages";
export type {
  AccountUtil,
  DnsTi,
  DnsUtil,
  FileTi,
  FileUtil,
  HostUtil,
  IpTi,
  IpUtil,
  PivotCallOptions,
  PivotFunction,
  PivotFunctionInfo,
  PivotInput,
  PivotJoin,
  PivotNamespace,
  PivotParameterInfo,
  PivotQueryNamespace,
  PivotValue,
  ProcessUtil,
  UrlTi,
  UrlUtil,
} from "./types";
