/**
 * The browser bundles of the HTML views: `src/vis/client/views/NAME.ts`,
 * compiled by esbuild at build time (`npm run build`) into
 * `dist/client/NAME.js`, each an IIFE that defines `__hl.boot(id)`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ClientBundleError, displayMessages as msg } from "./messages";

export { ClientBundleError } from "./messages";

/** A browser bundle: its name and its code (an IIFE assigning `var __hl = { boot }`). */
export interface ClientCode {
  name: string;
  code: string;
}

// dist/display → dist/client and src/display → dist/client: both are two levels under the package root.
const BUNDLE_DIR = join(__dirname, "..", "..", "dist", "client");
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,60}$/;
const cache = new Map<string, ClientCode>();

/** Checks that code can sit inside an inline `<script>` unchanged. */
export function checkInlineScript(code: ClientCode): ClientCode {
  if (/<\/script|<!--/i.test(code.code)) {
    throw new ClientBundleError(msg.bundleUnsafe(code.name));
  }
  return code;
}

/** The bundle of view `name` (read once per process). */
export function clientBundle(name: string): ClientCode {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!NAME.test(name)) throw new ClientBundleError(msg.bundleName(name));
  const file = join(BUNDLE_DIR, `${name}.js`);
  if (!existsSync(file)) {
    throw new ClientBundleError(msg.bundleMissing(file));
  }
  // Without its last line break: the view writes `\n;__hl.boot(…)` after it, and the blank line between ended the
  // output's HTML block in a Markdown export (nbconvert --to markdown): the rest of the script became a paragraph.
  const code = checkInlineScript({ name, code: readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, "").trimEnd() });
  cache.set(name, code);
  return code;
}
