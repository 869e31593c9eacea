/**
 * Bundles the browser code of the HTML views: every `src/vis/client/views/NAME.ts`
 * becomes `dist/client/NAME.js`, a minified IIFE that assigns `var __hl = { boot }`
 * (the Node side inlines it into each output; see src/vis/clientBundles.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

/**
 * @param {string} root the checkout
 * @param {(msg: string) => void} [log]
 * @param {string} [outdir] where the bundles go; default `root/dist/client` (run.mjs passes its staging folder)
 */
export function buildClient(root, log = console.error, outdir = path.join(root, "dist", "client")) {
  const require = createRequire(path.join(root, "package.json"));
  const esbuild = require("esbuild");
  const viewsDir = path.join(root, "src", "vis", "client", "views");
  const entries = fs.readdirSync(viewsDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => path.join(viewsDir, f));
  fs.mkdirSync(outdir, { recursive: true });
  esbuild.buildSync({
    entryPoints: entries,
    outdir,
    bundle: true,
    minify: true,
    format: "iife",
    globalName: "__hl",
    target: "es2020",
    platform: "browser",
    charset: "ascii",
    legalComments: "none",
    logLevel: "warning",
  });
  const rows = entries.map((entry) => {
    const name = path.basename(entry, ".ts");
    const code = fs.readFileSync(path.join(outdir, `${name}.js`));
    if (/<\/script|<!--/i.test(code.toString())) throw new Error(`dist/client/${name}.js contains "</script" or "<!--"`);
    return `${name} ${(code.length / 1024).toFixed(1)} KiB (${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped)`;
  });
  log(`browser bundles: ${rows.join(", ")}`);
}
