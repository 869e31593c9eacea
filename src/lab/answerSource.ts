/**
 * Which answers a self-check holds the learner's work to. The lab's answer files
 * (data/answers*.json) are true of the lab's data only: a notebook pointed at other
 * data (`dataPaths`, `npm run hunt -- --data DIR`) is checked against answer files
 * of the same names in its own data folders, and without them it is not checked
 * at all (a ✗ for a right answer on other data misled).
 */
import fs from "node:fs";
import path from "node:path";
import { LAB_DATA_DIR } from "../common/paths";
import { AnswersError, labFeedback as say, labMessages as msg } from "./messages";

/** Where an answer file was found, or why the check is skipped. */
export type AnswerSource = { file: string } | { skipped: string };

/** A folder's real path (its symlinks followed), or its resolved path when it does not exist. */
function realFolder(folder: string): string {
  const resolved = path.resolve(folder);
  try {
    return fs.realpathSync(resolved);
  } catch {
    return resolved;
  }
}

/** The `dataPaths` option as a list of folders; undefined when not given. */
export function dataPathsOption(fn: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.length === 0 || !list.every((p): p is string => typeof p === "string" && p !== "")) throw new AnswersError(msg.dataPathsNotPaths(fn, value));
  return list;
}

/**
 * The answer file named `name` for a notebook reading `dataPaths`: the lab's own file when every
 * folder is the lab's data folder (or none is given); else the first of the other folders holding
 * a file of that name (top level only: the file is the data's, beside it); else `skipped`, with why.
 */
export function answerSource(name: string, labFile: string, dataPaths: readonly string[] | undefined): AnswerSource {
  if (dataPaths === undefined) return { file: labFile };
  const lab = realFolder(LAB_DATA_DIR);
  const others = dataPaths.map(realFolder).filter((folder) => folder !== lab);
  if (others.length === 0) return { file: labFile };
  for (const folder of others) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return { file };
  }
  return { skipped: say.answersNotForData(name, dataPaths) };
}
