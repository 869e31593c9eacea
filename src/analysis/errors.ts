/** Errors of the analysis module (STL, anomalies, clustering): the class lives with its messages. */
export { AnalysisError, ANALYSIS_ERRORS, analysisMessages, type AnalysisErrorCode } from "./messages";
