/**
 * Whether a checkout's dist/ was built from its src/ as it is now: the one rule for run.mjs's build, hunt.mjs's
 * choice of compiled modules and the tests' child processes (test/helpers/child.ts).
 */
import fs from "node:fs";
import path from "node:path";

/**
 * True when dist/.built (written by run.mjs's build after a whole build) is at least as new as every file and
 * folder under src/ (a folder's time moves when a file in it is added, removed or renamed), tsconfig.json and
 * package.json.
 *
 * @param {string} root the checkout
 * @returns {boolean}
 */
export function distCurrent(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, "dist", ".built")).mtimeMs;
  } catch {
    return false;
  }
  const newer = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return false;
    if (st.mtimeMs > built) return true;
    return st.isDirectory() && fs.readdirSync(p).some((name) => newer(path.join(p, name)));
  };
  return fs.existsSync(path.join(root, "src")) && ![path.join(root, "src"), path.join(root, "tsconfig.json"), path.join(root, "package.json")].some(newer);
}
