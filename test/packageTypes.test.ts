/**
 * huntlab's declaration files (dist/*.d.ts) as a hunter's own TypeScript project reads them:
 * strict settings, `skipLibCheck: false`, each module system. tslab and the repository's
 * tsconfig skip library checks, so an error inside huntlab's .d.ts showed only in such a project.
 * Needs dist/ (`node scripts/run.mjs build`).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");

/** A user's script: README's example, an error check, a few frame and entity calls. */
const CONSUMER = `
import { QueryProvider, display, HuntlabError } from "huntlab";
import * as huntlab from "huntlab";

export async function hunt(): Promise<number> {
  const qp = new QueryProvider("LocalData", { dataPaths: ["data"], queryPaths: ["data"] });
  try {
    const logons = await qp.execQuery("host_logons.parquet");
    display(logons.head());
    return logons.height;
  } catch (e) {
    if (e instanceof HuntlabError) console.error(e.code, e.message);
    throw e;
  }
}
export const names: number = Object.keys(huntlab).length;
`;

const STRICT: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  // DOM: vega's own typings need it (README, "In your own project").
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: ["node"],
};

/** Each setting, and the consumer file's extension (an ES module under nodenext is a .mts, or a .ts under "type": "module"). */
const CONFIGS: Record<string, [ts.CompilerOptions, ".ts" | ".mts"]> = {
  // No esModuleInterop: `import x from "cjs-module"` in a .d.ts is an error there (TS1259/TS1192).
  "commonjs, node10, no esModuleInterop": [{ module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }, ".ts"],
  "nodenext, verbatimModuleSyntax": [{ module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, verbatimModuleSyntax: true, isolatedModules: true }, ".mts"],
  "esnext, bundler": [{ module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, isolatedModules: true }, ".ts"],
};

describe("huntlab's .d.ts in a strict consumer project (skipLibCheck: false)", { skip: !fs.existsSync(path.join(DIST, "index.d.ts")) && "no dist/: run the build" }, () => {
  // The consumer sits outside the repository and reaches huntlab as a package, through node_modules.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-types-"));
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "huntlab"), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  for (const ext of [".ts", ".mts"]) fs.writeFileSync(path.join(dir, `hunt${ext}`), CONSUMER);
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, [options, ext]] of Object.entries(CONFIGS)) {
    test(name, () => {
      const file = path.join(dir, `hunt${ext}`);
      const program = ts.createProgram([file], { ...STRICT, ...options, typeRoots: [path.join(dir, "node_modules", "@types")] });
      // Errors in huntlab's files or the user's; third-party typings (vega-lite under exactOptionalPropertyTypes) are theirs.
      // So only those files are checked (with skipLibCheck off, checking every file, lib.dom.d.ts and the dependencies'
      // typings included, was ~90% of this file's CPU), with the program-wide diagnostics (options, globals).
      const checked = program.getSourceFiles().filter((sf) => sf.fileName === file || path.resolve(sf.fileName).startsWith(DIST + path.sep));
      assert.ok(checked.some((sf) => path.resolve(sf.fileName) === path.join(DIST, "index.d.ts")), "huntlab's index.d.ts is in the program");
      const ours = [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...checked.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
      ].map((d) => `${d.file ? `${path.relative(ROOT, d.file.fileName)}: ` : ""}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
      assert.deepEqual(ours, []);
    });
  }
});
