import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

/*
 * patches/whatwg-url+5.0.0.patch and patches/whatwg-url++tr46+0.0.3.patch (see patches/README.md): vega's loader
 * pulls in node-fetch 2 → whatwg-url 5, whose `require("punycode")` loads Node's deprecated built-in module;
 * Deno's Jupyter kernel printed "[DEP0040] The `punycode` module is deprecated" into the first cell that drew
 * a chart. Patched, they load the userland punycode package (a dependency of huntlab's).
 */
test("whatwg-url and its tr46 load the userland punycode package, not Node's deprecated built-in", () => {
  const root = path.dirname(require.resolve("whatwg-url/package.json"));
  for (const file of [path.join(root, "lib", "url-state-machine.js"), path.join(root, "node_modules", "tr46", "index.js")]) {
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /require\("punycode\/"\)/, `${file}: patch not applied (patches/README.md)`);
    assert.doesNotMatch(text, /require\("punycode"\)/, file);
  }
  require("whatwg-url");
  assert.ok(
    Object.keys(require.cache).some((k) => /node_modules[\\/]punycode[\\/]/.test(k)),
    "the userland punycode module is loaded",
  );
});
