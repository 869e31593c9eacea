/** Errors of the analysis module (STL, anomalies, clustering). */
import { HuntlabError } from "../common/errors";

/** Bad input to an analysis function: a missing or non-numeric column, a series too short, an invalid setting. */
export class AnalysisError extends HuntlabError {
  override name = "AnalysisError";
}
