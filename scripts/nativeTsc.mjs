/**
 * TypeScript 7's `tsc` for the type check of `npm test` and `npm run typecheck`, and the build (scripts/run.mjs).
 * The package (devDependency `typescript-native`, an npm alias of typescript@7) is a launcher; the compiler is a
 * native binary in an optional dependency per platform (@typescript/typescript-linux-x64…). Without it the launcher fails
 * with a stack trace naming only getExePath; this says which package is missing and what to run.
 * Both packages, and tslab's own TypeScript 5.0 (@tslab/typescript-for-tslab, which a fresh clone's npm install
 * links there), name their command tsc; npm links whichever it installed last as node_modules/.bin/tsc, so
 * nothing here uses that link: the scripts and tests that use the compiler API use 5.9 (`typescript`), and the
 * build falls back to it.
 */
import { createRequire } from "node:module";
import path from "node:path";

/**
 * @param {string} root the project folder (its package.json)
 * @param {{ platform?: string, arch?: string }} [host] default this process's
 * @returns {{ tsc: string } | { error: string }}
 */
export function nativeTsc(root, { platform = process.platform, arch = process.arch } = {}) {
  const platformPackage = `@typescript/typescript-${platform}-${arch}`;
  let manifest;
  try {
    manifest = createRequire(path.join(root, "package.json")).resolve("typescript-native/package.json");
  } catch {
    return { error: `TypeScript 7 (devDependency typescript-native) is not installed in ${path.join(root, "node_modules")}: run \`npm install\` (without --omit=dev)` };
  }
  try {
    createRequire(manifest).resolve(`${platformPackage}/package.json`);
  } catch {
    return {
      error: `TypeScript 7's compiler for ${platform}-${arch} (${platformPackage}, an optional dependency of typescript-native) is not installed: run \`npm install\` without --omit=optional; if npm has no such package, TypeScript 7 does not support this platform`,
    };
  }
  return { tsc: path.join(path.dirname(manifest), "bin", "tsc") };
}
