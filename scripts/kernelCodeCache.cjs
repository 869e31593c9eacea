/**
 * Preloaded by the tslab kernel (`node --require …/kernelCodeCache.cjs tslab kernel`, scripts/run.mjs): tslab's
 * TypeScript (typescript.js, 8 MB) from a V8 code cache made at the end of an earlier kernel's run.
 *
 * Node's compile cache (NODE_COMPILE_CACHE, also set for the kernel) stores the code V8 made when it compiled a
 * module: for typescript.js its top level only (0.9 MB of cache), while nearly all of TypeScript is functions V8
 * compiles lazily, on first call, in every new kernel (the parser, binder and checker that parse lib and @types
 * at start). A cache made after the run holds those too (3.5–4 MB). It is written once, at the exit of a
 * kernel that found none (or one V8 refused: another Node, other V8 flags), beside Node's in
 * `$NODE_COMPILE_CACHE/after-run/`; without NODE_COMPILE_CACHE nothing changes.
 *
 * V8 checks a cache's version, flags and source length, not the source itself: the file is named by a hash of
 * the module's path and text, so an edited typescript.js never meets the old code. Written under another name,
 * then renamed: kernels starting meanwhile read a whole file or none.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/** tslab's own TypeScript (its dependency @tslab/typescript-for-tslab), the one module this caches. */
const TYPESCRIPT = `${path.sep}@tslab${path.sep}typescript-for-tslab${path.sep}lib${path.sep}typescript.js`;

/** Cache file of one module's text, or undefined when the kernel has no compile cache folder. */
function cacheFile(filename, content) {
  const dir = process.env.NODE_COMPILE_CACHE;
  if (!dir) return undefined;
  const key = crypto.createHash("sha256").update(`${process.version}\0${process.arch}\0${filename}\0`).update(content).digest("hex").slice(0, 32);
  return path.join(dir, "after-run", `${path.basename(filename)}-${key}`);
}

function save(file, script) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    // A folder that cannot be written: the next kernel compiles as this one did.
  }
}

/** `require` for a module compiled here, as Node's loader makes it (lib/internal/modules/helpers.js). */
function requireFor(mod) {
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  req.main = process.mainModule;
  req.extensions = Module._extensions;
  req.cache = Module._cache;
  return req;
}

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename, ...rest) {
  const file = filename.endsWith(TYPESCRIPT) ? cacheFile(filename, content) : undefined;
  if (!file) return compile.call(this, content, filename, ...rest);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(content), { filename, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => save(file, script));
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
};
