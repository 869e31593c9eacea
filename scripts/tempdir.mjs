/**
 * A temporary folder that can be written in, for run.mjs and everything it starts. A TMPDIR that is missing, a
 * file or read-only crashed tsx (`npm test`, `npm run hunt`, `npm run bench`: it keeps its cache there) with a
 * stack trace naming only `mkdir`. Python's tempfile module passes over such folders; so does this, in its order.
 */
import fs from "node:fs";
import path from "node:path";

/**
 * Environment additions: none when the folder Node would use (TMPDIR, TMP, TEMP, /tmp) can be written in; else
 * TMPDIR set to the first of TMPDIR, TEMP, TMP, /tmp, /var/tmp, /usr/tmp that can, with why; else, with no such
 * folder, tsx's cache switched off (TSX_DISABLE_CACHE) and `none` set.
 *
 * @param {NodeJS.ProcessEnv} [env] default process.env
 * @returns {{ env: Record<string, string>, why?: string, none?: boolean }}
 */
export function tempDirEnv(env = process.env) {
  if (process.platform === "win32") return { env: {} };
  const nodes = (env.TMPDIR || env.TMP || env.TEMP || "/tmp").replace(/(.)\/+$/, "$1");
  const problem = unusable(nodes);
  if (!problem) return { env: {} };
  const candidates = [env.TMPDIR, env.TEMP, env.TMP, "/tmp", "/var/tmp", "/usr/tmp"].filter((d) => d && path.isAbsolute(d));
  const usable = candidates.find((d) => !unusable(d));
  if (usable) return { env: { TMPDIR: usable }, why: `${nodes}: ${problem}` };
  return { env: { TSX_DISABLE_CACHE: "1" }, why: `${nodes}: ${problem}`, none: true };
}

/** Why no file can be made in `dir` (not there, not a folder, read-only), or undefined when one can. */
function unusable(dir) {
  try {
    if (!fs.statSync(dir).isDirectory()) return "not a folder";
    fs.rmSync(fs.mkdtempSync(path.join(dir, "huntlab-probe-")), { recursive: true });
    return undefined;
  } catch (err) {
    return err?.code ?? String(err);
  }
}
