/**
 * Path settings of msticpyconfig.yaml (a provider's `Cache.Path`, LocalTI's `Args.Path`, GeoIPLite's
 * `Args.DBFolder`, `QueryDefinitions.Custom`), read as MSTICPy reads its own: `Path.expanduser()` makes
 * `~` the home folder and `~name` that user's home folder, and nothing expands environment variables. One
 * reader for all of them: each had its own `~` expansion, and only `Cache.Path` refused `$HOME` (elsewhere it
 * made, or looked in, a folder named `$HOME`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, configMessages as msg, ENV_IN_PATH, otherHomeReason, WINDOWS_PATH_HERE } from "./messages";

/** `$NAME`, `${NAME}` or `%NAME%` in a path: an environment variable, which neither huntlab nor MSTICPy expands. */
const ENV_REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/;

/**
 * The host (and port) of a URL written in a setting holds an environment variable (`https://$SPLUNK_HOST:8089`,
 * `https://%CLUSTER%.kusto.windows.net`), which nothing expands: the request went to a host named `$splunk_host`.
 * Only the host is looked at: `%41` or `$` in a path or query is the URL's own.
 */
export function urlHostHasVariable(url: string): boolean {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url.trim())?.[1] ?? "";
  return ENV_REFERENCE.test(authority.slice(authority.lastIndexOf("@") + 1));
}

/** `~name/…`: another user's home folder; the name ends at the first separator. */
const OTHER_HOME = /^~([^/\\]+)/;

/** The local user database read for `~name` (POSIX). */
export const PASSWD_FILE = "/etc/passwd";

/** Largest /etc/passwd read (a few KB on a workstation; a big shared host has some MB). */
const MAX_PASSWD_BYTES = 16 * 1024 * 1024;

/**
 * The home folder of the local user `name` from /etc/passwd (its sixth field), as `getent passwd name` gives it
 * for a local account; undefined on Windows, for an unknown name, or when the file cannot be read. Accounts that
 * only a directory service knows (LDAP, SSSD, Active Directory) are not in the file: Node cannot ask the system's
 * user database (Python's `pwd.getpwnam`, which MSTICPy's expanduser calls, can).
 */
export function localUserHome(name: string, passwdFile = PASSWD_FILE): string | undefined {
  if (process.platform === "win32" || !name || name.includes(":")) return undefined;
  let text: string;
  try {
    if (fs.statSync(passwdFile).size > MAX_PASSWD_BYTES) return undefined;
    text = fs.readFileSync(passwdFile, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    // name:password:uid:gid:gecos:home:shell; `+`/`-` lines are NIS markers, not users.
    if (fields.length >= 7 && fields[0] === name && fields[5]) return fields[5];
  }
  return undefined;
}

/** `C:\…`, `C:/…` or `\\server\share…`: a Windows path, which elsewhere is a relative name (a folder `C:\Users\me\cache` was made in the config's folder). */
const WINDOWS_PATH = /^(?:[A-Za-z]:[\\/]|\\\\)/;

/** Why a path setting is refused (a Windows path on another system, an environment variable, an unknown user's `~name`), or undefined when it reads. */
export function pathSettingProblem(value: string): string | undefined {
  // Before the variables: an admin share's `c$` is no variable.
  if (process.platform !== "win32" && WINDOWS_PATH.test(value)) return WINDOWS_PATH_HERE;
  if (ENV_REFERENCE.test(value)) return ENV_IN_PATH;
  const other = OTHER_HOME.exec(value);
  if (other && localUserHome(other[1]) === undefined) return otherHomeReason(other[1], process.platform === "win32");
  return undefined;
}

/** `~`, `~/…` (and `~\…`, as on Windows) → the home folder; `~name/…` → that local user's (see {@link localUserHome}); any other path as it is. */
export function expandHome(value: string): string {
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) return path.join(os.homedir(), value.slice(2));
  const other = OTHER_HOME.exec(value);
  const home = other ? localUserHome(other[1]) : undefined;
  return home === undefined ? value : path.join(home, value.slice(other![0].length + 1));
}

/**
 * A path setting with `~` expanded (relative paths stay relative: each setting has its own base folder).
 * One that would name a folder literally called `$HOME` (or `~bob`, no such local user) throws a ConfigError
 * naming the file and `setting` (`TIProviders.LocalTI.Args.Path`).
 */
export function readPathSetting(configFile: string, setting: string, value: string): string {
  const problem = pathSettingProblem(value);
  if (problem) throw new ConfigError(msg.invalidSetting(configFile, setting, problem));
  return expandHome(value);
}
