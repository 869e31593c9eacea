/**
 * `node_modules/huntlab`, the link through which notebooks `import … from "huntlab"`. Node resolves it at run
 * time, but tslab's type check and Deno read the library's types through it: in a `node_modules` shared by two
 * checkouts (one a link to the other's, or one folder named by both) it can point at one checkout only, and the
 * other's notebooks are checked against the wrong huntlab without a word.
 */
import fs from "node:fs";
import path from "node:path";

const real = (p) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
};

/**
 * Makes `root/node_modules/huntlab` a link to `root` when it can be this checkout's own. In a `node_modules` that
 * is another checkout's (a link to it, or a folder whose huntlab link names another checkout), the link is left
 * to that checkout and the sharing is returned for a warning: a per-checkout link cannot live in a shared folder.
 *
 * @param {string} root the checkout
 * @returns {{ shared?: { nodeModules: string, huntlab: string } }} `nodeModules` the shared folder's real path, `huntlab` the checkout its link names
 */
export function ensurePackageLink(root) {
  const nodeModules = path.join(root, "node_modules");
  const link = path.join(nodeModules, "huntlab");
  const realRoot = real(root) ?? root;
  const target = real(link);
  if (target === realRoot) return {};
  const realModules = real(nodeModules) ?? nodeModules;
  const own = realModules === path.join(realRoot, "node_modules");
  if (!own) {
    // Another checkout's node_modules: its link is that checkout's (restored when missing), never this one's.
    const owner = target ?? path.dirname(realModules);
    if (target === undefined) {
      try {
        fs.rmSync(link, { force: true });
        fs.symlinkSync("..", link, "dir");
      } catch {
        /* a folder this user may not write in: the warning still says what to do */
      }
    }
    return { shared: { nodeModules: realModules, huntlab: owner } };
  }
  fs.rmSync(link, { recursive: true, force: true });
  // Relative, so a checkout moved with its node_modules still names itself.
  fs.symlinkSync(path.relative(nodeModules, root) || ".", link, "dir");
  return {};
}

/** What `npm run lab` says of {@link ensurePackageLink}'s `shared`. */
export function sharedNodeModulesText(root, shared) {
  return (
    `${path.join(root, "node_modules")} is shared with another checkout (${shared.nodeModules}), whose huntlab link names ${shared.huntlab}: ` +
    `Node runs this checkout's code, but the notebooks' type check (tslab) and the Deno kernel read huntlab's types from ${shared.huntlab}, not ${root}, ` +
    `so a cell can be refused (or pass) by the other checkout's API. Give this checkout its own node_modules: remove ${path.join(root, "node_modules")} ` +
    `(a link: rm; the other checkout keeps its folder) and run \`npm run lab\` again (npm installs it; it needs the network or npm's cache)`
  );
}
