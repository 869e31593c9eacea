/** Analysis: STL decomposition and time-series anomalies, DBSCAN event clustering and its features. */
export { AnalysisError } from "./errors";
export { stl, stlConfig, type StlOptions, type StlConfig, type StlResult } from "./stl";
export { loessEstimate, loessSmooth, movingAverage } from "./loess";
export {
  timeseriesAnomaliesStl,
  setNewAnomalyThreshold,
  extractAnomalyPeriods,
  createTimePeriodKqlFilter,
  parseDuration,
  zScores,
  ANOMALY_COLUMNS,
  type AnomalyMode,
  type GapFill,
  type TimeseriesAnomaliesOptions,
  type AnomalyPeriod,
  type AnomalyPeriodOptions,
  type KqlFilterOptions,
} from "./timeseries";
export { dbscan, normalizeRows, featureMatrix, type FeatureMatrix, type DbscanOptions, type DbscanResult } from "./dbscan";
export { dbclusterEvents, CLUSTER_COLUMNS, type ClusterMode, type DbclusterOptions, type DbclusterResult } from "./eventCluster";
export {
  stringScore,
  charOrdScore,
  crc32,
  crc32Hash,
  delimCount,
  delimHash,
  tokenCount,
  addProcessFeatures,
  withStringScore,
  withCrc32Hash,
  DEFAULT_DELIMITERS,
  type ProcessFeatureOptions,
} from "./features";
