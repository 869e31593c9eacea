/** Errors that name what went wrong: the file, query, column or setting. */
import { distance } from "fastest-levenshtein";

/** Base class of every error huntlab raises on bad input. */
export class HuntlabError extends Error {
  override name = "HuntlabError";
}

/** A query-definition (YAML) file is invalid. */
export class QueryDefinitionError extends HuntlabError {
  override name = "QueryDefinitionError";
}

/** A data file is missing, unreadable or corrupt. */
export class DataFileError extends HuntlabError {
  override name = "DataFileError";
}

/** A query was called with bad parameters, or does not exist. */
export class QueryError extends HuntlabError {
  override name = "QueryError";
}

/**
 * The names closest to `name` (case-insensitive edit distance), best first:
 * the "did you mean" of an error message.
 */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored = [...new Set(candidates)].map((candidate) => {
    const c = candidate.toLowerCase();
    // A substring match is as good as a near miss.
    const d = c.includes(lower) || lower.includes(c) ? Math.abs(c.length - lower.length) / 4 : distance(lower, c);
    return { candidate, d };
  });
  const limit = Math.max(2, Math.ceil(name.length / 2));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((s) => s.candidate);
}

/** " Did you mean A, B?" or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  return close.length ? ` Did you mean ${close.join(", ")}?` : "";
}
