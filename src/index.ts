/**
 * huntlab: a TypeScript threat-hunting lab for Jupyter, after Microsoft's MSTICPy.
 * Public names follow the lab's API (shared/API.md).
 */
export { QueryProvider, formatQueryHelp } from "./data/queryProvider";
export type {
  DataEnvironment,
  LocalDataOptions,
  QueryFamily,
  QueryFunction,
  QueryParams,
  QueryProviderConstructor,
  QueryProviderMethods,
} from "./data/queryProvider";
export type { QueryDefinition, QueryParameter, QueryParameterType } from "./data/types";
export { readDataFile, DATA_EXTENSIONS } from "./data/readers";
export type { ReadOptions, DataFormat } from "./data/readers";
export { parseTimeColumns, parseTimeSeries, toDate, TIME_FORMATS } from "./data/timeParsing";
export { parseJsonColumn } from "./data/json";
export { loadConfig, resolveConfigPath, ConfigError } from "./config/config";
export type { HuntlabConfig, ProviderSettings } from "./config/config";
export { HuntlabError, QueryDefinitionError, DataFileError, QueryError } from "./common/errors";
export * from "./display";
export * from "./vis";
