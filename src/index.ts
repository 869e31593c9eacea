/**
 * huntlab: a TypeScript threat-hunting lab for Jupyter, after Microsoft's MSTICPy.
 * Public names follow the lab's API; test/api.test.ts pins them.
 */
import { registerQueryBrowser } from "./data/queryProvider";
import { normalizeEvents as normalizeEventsForFiles, registerProcessSchemas } from "./data/schemas/index";
import { registerFileCreationReader } from "./entities/filesFromDataFrame";
import { inferSchema as inferProcSchemaForEvents, PROCESS_SCHEMAS as PROCESS_SCHEMAS_FOR_EVENTS, processFeatureColumnsOf } from "./transform/processTreeSchema";
import { registerProcessFeatureColumns } from "./analysis/features";
import { processEventRowMask } from "./transform/processTreeSteps";
import { browseQueries } from "./vis/queryBrowser";

/*
 * The polars types huntlab's API returns, re-exported as types: tslab writes each cell's variables as
 * declarations, and `const d = await qp.execQuery(…)` in a notebook that imports only huntlab must name
 * d's type. Where node_modules is a link from elsewhere (a user's home linked to the project's, a hub),
 * the only path to nodejs-polars TypeScript found went through `huntlab/node_modules` (the package's
 * self-link), and the cell failed with TS2742; through these it is `import("huntlab").DataFrame`.
 */
export type { DataFrame, Series, LazyDataFrame, Expr, GroupBy, DataType } from "nodejs-polars";

export { QueryProvider, formatQueryHelp } from "./data/queryProvider";
export type {
  BrowseQueriesOptions,
  DataEnvironment,
  LocalDataOptions,
  QueryFamily,
  QueryFunction,
  QueryParams,
  QueryProviderConstructor,
  QueryProviderMethods,
  QueryRunOptions,
} from "./data/queryProvider";
export type { QueryDefinition, QueryParameter, QueryParameterType } from "./data/types";
export { readDataFile, DATA_EXTENSIONS, FOREIGN_EXTENSIONS } from "./data/readers";
export type { ReadOptions, DataFormat } from "./data/readers";
export { parseTimeColumns, parseTimeSeries, toDate, TIME_FORMATS } from "./data/timeParsing";
export { parseJsonColumn, type ParseJsonColumnOptions } from "./data/json";
export { loadConfig, resolveConfigPath, ConfigError } from "./config/config";
export type { HuntlabConfig, ProviderSettings, LoadConfigOptions, HttpSettings, CacheSettings } from "./config/config";
export { SecretMasker } from "./config/secrets";
export * from "./context";
export { browseResults, TIBrowser, type TIBrowserOptions } from "./vis/tiBrowser";
export * from "./analysis";
export { checkAnswers, loadAnswers, AnswerCheck, ANSWERS_PATH, type Answer, type AnswerResult, type CheckAnswersOptions } from "./lab/answers";
export * from "./transform";
export { buildProcessTree, processTreeSchema, ProcessTreeError, PROCESS_TREE_COLUMNS, type BuildProcessTreeOptions } from "./transform/processTree";
export {
  inferSchema as inferProcessSchema,
  inferProcSchema,
  labColumnsOf,
  CARBON_BLACK_PROCESS_SCHEMA,
  CROWDSTRIKE_FDR_PROCESS_SCHEMA,
  CROWDSTRIKE_PROCESS_SCHEMA,
  ECS_PROCESS_NAME_SCHEMA,
  ECS_PROCESS_SCHEMA,
  LX_EVENT_SCHEMA,
  MDE_EVENT_SCHEMA,
  MDE_INT_EVENT_SCHEMA,
  OCSF_PROCESS_NAME_SCHEMA,
  OCSF_PROCESS_SCHEMA,
  OSQUERY_PROCESS_EVENTS_SCHEMA,
  OSQUERY_PROCESSES_NAME_SCHEMA,
  OSQUERY_PROCESSES_SCHEMA,
  OSQUERY_PROCESS_TABLES_SCHEMA,
  PROCESS_SCHEMAS,
  ProcessSchemaError,
  SENTINELONE_PROCESS_NAME_SCHEMA,
  SENTINELONE_PROCESS_SCHEMA,
  SYSMON_PROCESS_CREATE_SCHEMA,
  WAZUH_4688_PROCESS_SCHEMA,
  WAZUH_SYSMON_PROCESS_SCHEMA,
  WIN_EVENT_SCHEMA,
  WIN_WINDOWSEVENT_SCHEMA,
  type ProcSchema,
} from "./transform/processTreeSchema";
export { ptree, ProcessTreeQueryError, type ProcessRef, type ProcessTreeSummary, type ChildrenOptions, type DescendentsOptions, type TreeToTextOptions } from "./transform/processTreeUtils";
export { HuntlabError, type ErrorMessage, type HuntlabErrorJson } from "./common/errors";
export { setWarningHandler, type WarningHandler } from "./common/messages";
export { ERROR_CATALOG, errorRows, type ErrorCode } from "./messages";
export { QueryDefinitionError, DataFileError, QueryError, DataColumnError } from "./data/messages";
export * from "./display";
export * from "./vis";
export * as entities from "./entities";
export * from "./pivot";

// qp.browseQueries() shows a vis-layer view; data/ does not import vis/, so it is wired here.
registerQueryBrowser(browseQueries);
// normalizeEvents(df, "process") reads process layouts with the process tree's schemas; data/ does not import transform/.
registerProcessSchemas({ infer: inferProcSchemaForEvents, schemas: PROCESS_SCHEMAS_FOR_EVENTS, rows: processEventRowMask });
// addProcessFeatures reads other layouts' columns through the process schemas; analysis/ does not import transform/.
registerProcessFeatureColumns(processFeatureColumnsOf);
// entities.filesFromDataFrame reads a raw file-creation export (Sysmon 11…) as the fileCreate queries do; entities/ does not import data/.
registerFileCreationReader((df, options) => normalizeEventsForFiles(df, "fileCreate", options));
export {
  normalizeEvents,
  detectEventSchema,
  LOGON_SCHEMAS,
  NETWORK_SCHEMAS,
  readZeekTsv,
  readZeekTsvFile,
  winEventFields,
  type WinEventFieldsOptions,
  type EventKind,
  type EventSchema,
  type NormalizeOptions,
} from "./data/schemas/index";
export { checkResult, loadResultSpecs, ResultCheck, RESULTS_PATH, type ResultSpec, type ResultStatus, type CheckResultOptions } from "./lab/results";
export { type ExpectedAnswer, type OneAnswer } from "./lab/answers";
// Live data providers (MSSentinel, Kusto, Splunk, Elasticsearch): shared layer, driver contract and registry.
export { type QueryProviderConnection, type LiveProviderOptions, type TimeRange, type LiveProgress } from "./data/queryProvider";
export { registerLiveDriver, liveEnvironments, type LiveDriverFactory } from "./data/live/drivers/index";
export { kqlLiteral, kqlString, kqlDatetime } from "./data/live/kql";
export { LIVE_DTYPES } from "./data/live/results";
export type { LiveDriver, LiveTable, LiveRequest, LiveColumn, LiveColumnType, LiveEnvironment, LiveSettings, LiveHttp, LiveHttpRequest, LiveHttpResponse, QueryLanguage, LiteralType, LiteralValue } from "./data/live/types";
export { interruptible, KernelInterrupt, type InterruptOptions } from "./common/interrupt";
