/**
 * scripts/kernelCodeCache.cjs, the tslab kernel's preload: tslab's TypeScript from a V8 code cache made at the
 * end of a run, which (unlike Node's compile cache, made when the module is compiled) holds the functions V8
 * compiled lazily during the run. Real processes with a stand-in typescript.js at tslab's path.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import vm from "node:vm";

const PRELOAD = path.resolve(__dirname, "..", "..", "scripts", "kernelCodeCache.cjs");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-codecache-test-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A module of many functions, each compiled lazily when first called; `answer` is the text's own value. */
function moduleText(answer: string): string {
  const fns = Array.from({ length: 300 }, (_, i) => `function f${i}(x) { const a = [x, ${i}]; for (let k = 0; k < 3; k++) a.push(a[k] * 2 + k); return a.reduce((s, v) => s + v, 0); }`);
  return `"use strict";
${fns.join("\n")}
const path = require("node:path");
exports.total = () => { let s = 0; ${fns.map((_, i) => `s += f${i}(1);`).join(" ")} return s; };
exports.answer = ${JSON.stringify(answer)};
exports.resolved = require.resolve("node:path") === "node:path" && path.basename(__filename) === "typescript.js" && module.exports === exports;
`;
}

function installAt(dir: string, text: string): string {
  const file = path.join(dir, "node_modules", "@tslab", "typescript-for-tslab", "lib", "typescript.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Loads `file` in a process with the preload, as the kernel does; its exports' answer, total and resolved. */
function load(file: string, cacheDir: string | undefined): { answer: string; total: number; resolved: boolean } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  if (cacheDir) env.NODE_COMPILE_CACHE = cacheDir;
  const script = `const m = require(${JSON.stringify(file)}); console.log(JSON.stringify({ answer: m.answer, total: m.total(), resolved: m.resolved }));`;
  const r = spawnSync(process.execPath, ["--require", PRELOAD, "-e", script], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { answer: string; total: number; resolved: boolean };
}

const cacheFiles = (cacheDir: string) => (fs.existsSync(path.join(cacheDir, "after-run")) ? fs.readdirSync(path.join(cacheDir, "after-run")).map((f) => path.join(cacheDir, "after-run", f)) : []);

test("the cache is written at the end of the first run, with the lazily compiled functions; the next run takes it as it is", () => {
  const dir = path.join(scratch, "first");
  const cc = path.join(dir, "cc");
  const text = moduleText("one");
  const file = installAt(dir, text);
  const first = load(file, cc);
  assert.deepEqual(first, { answer: "one", total: load(file, undefined).total, resolved: true });
  const written = cacheFiles(cc);
  assert.equal(written.length, 1, "one cache file");
  assert.match(path.basename(written[0]), /^typescript\.js-[0-9a-f]{32}$/);
  // What Node's compile cache stores: the code of a compile, top level only.
  const atCompile = new vm.Script(Module.wrap(text), { filename: file }).createCachedData().length;
  assert.ok(fs.statSync(written[0]).size > 2 * atCompile, `after the run ${fs.statSync(written[0]).size} bytes, at compile ${atCompile}`);
  fs.utimesSync(written[0], new Date(0), new Date(0));
  assert.deepEqual(load(file, cc), first);
  assert.equal(fs.statSync(written[0]).mtimeMs, 0, "a cache V8 took is not written again");
  assert.deepEqual(fs.readdirSync(path.join(cc, "after-run")), [path.basename(written[0])], "no temporary file left behind");
});

test("an edited typescript.js of the same length never runs the old code (V8 checks the length only)", () => {
  const dir = path.join(scratch, "edited");
  const cc = path.join(dir, "cc");
  const file = installAt(dir, moduleText("one"));
  assert.equal(load(file, cc).answer, "one");
  installAt(dir, moduleText("two"));
  assert.equal(load(file, cc).answer, "two");
  assert.equal(cacheFiles(cc).length, 2, "a cache per text");
});

test("a cache V8 refuses (damaged, another Node's) is compiled past and made again", () => {
  const dir = path.join(scratch, "damaged");
  const cc = path.join(dir, "cc");
  const file = installAt(dir, moduleText("one"));
  const good = load(file, cc);
  const [cache] = cacheFiles(cc);
  const size = fs.statSync(cache).size;
  fs.writeFileSync(cache, Buffer.alloc(size, 7));
  assert.deepEqual(load(file, cc), good);
  assert.notDeepEqual(fs.readFileSync(cache), Buffer.alloc(size, 7), "the refused cache was replaced");
  assert.deepEqual(load(file, cc), good);
});

test("without NODE_COMPILE_CACHE, and for any other module, nothing is written", () => {
  const dir = path.join(scratch, "none");
  const file = installAt(dir, moduleText("one"));
  assert.equal(load(file, undefined).answer, "one");
  assert.deepEqual(fs.readdirSync(dir), ["node_modules"]);
  const other = path.join(dir, "node_modules", "typescript", "lib", "typescript.js");
  fs.mkdirSync(path.dirname(other), { recursive: true });
  fs.writeFileSync(other, moduleText("other"));
  const cc = path.join(dir, "cc");
  assert.equal(load(other, cc).answer, "other");
  assert.deepEqual(cacheFiles(cc), []);
});
