/** Builds a test-only browser view (a TS entry using `defineView`) the way `npm run build` builds the library's. */
import { buildSync } from "esbuild";
import { basename } from "node:path";
import type { ClientCode } from "../../src/display/clientBundles";

export function buildTestClient(entry: string): ClientCode {
  const out = buildSync({ entryPoints: [entry], bundle: true, minify: true, format: "iife", globalName: "__hl", target: "es2020", charset: "ascii", write: false, logLevel: "error" });
  return { name: basename(entry, ".ts"), code: out.outputFiles[0].text };
}
