/**
 * Path settings of msticpyconfig.yaml (a provider's `Cache.Path`, LocalTI's `Args.Path`, GeoIPLite's
 * `Args.DBFolder`, `QueryDefinitions.Custom`), read as MSTICPy reads its own: `Path.expanduser()` makes
 * `~` the home folder, and nothing expands environment variables. One reader for all of them: each had
 * its own `~` expansion, and only `Cache.Path` refused `$HOME` (elsewhere it made, or looked in, a folder
 * named `$HOME`).
 */
import os from "node:os";
import path from "node:path";
import { ConfigError, configMessages as msg, ENV_IN_PATH, OTHER_HOME_IN_PATH } from "./messages";

/** `$NAME`, `${NAME}` or `%NAME%` in a path: an environment variable, which neither huntlab nor MSTICPy expands. */
const ENV_REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/;

/** `~name/…`: another user's home folder (MSTICPy's expanduser reads it from the password database; huntlab does not). */
const OTHER_HOME = /^~[^/\\]/;

/** Why a path setting is refused (an environment variable, another user's `~name`), or undefined when it reads. */
export function pathSettingProblem(value: string): string | undefined {
  if (ENV_REFERENCE.test(value)) return ENV_IN_PATH;
  if (OTHER_HOME.test(value)) return OTHER_HOME_IN_PATH;
  return undefined;
}

/** `~`, `~/…` (and `~\…`, as on Windows) → the home folder; any other path as it is. */
export function expandHome(value: string): string {
  return value === "~" || value.startsWith("~/") || value.startsWith("~\\") ? path.join(os.homedir(), value.slice(2)) : value;
}

/**
 * A path setting with `~` expanded (relative paths stay relative: each setting has its own base folder).
 * One that would name a folder literally called `$HOME` (or `~bob`) throws a ConfigError naming the file and
 * `setting` (`TIProviders.LocalTI.Args.Path`).
 */
export function readPathSetting(configFile: string, setting: string, value: string): string {
  const problem = pathSettingProblem(value);
  if (problem) throw new ConfigError(msg.invalidSetting(configFile, setting, problem));
  return expandHome(value);
}
