/**
 * scripts/packageLink.mjs: two checkouts sharing one node_modules (one a link to the other's). Node ran the right
 * code, but tslab's type check and Deno read `huntlab` through node_modules/huntlab, which named the other
 * checkout, without a word from `npm run lab`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { ensurePackageLink, sharedNodeModulesText } from "../../scripts/packageLink.mjs";

const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-package-link-")));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A checkout with a node_modules folder of its own, or (`sharing`) a link to another's. */
function checkout(name: string, sharing?: string): string {
  const root = path.join(scratch, name);
  fs.mkdirSync(root, { recursive: true });
  if (sharing) fs.symlinkSync(path.join(sharing, "node_modules"), path.join(root, "node_modules"), "dir");
  else fs.mkdirSync(path.join(root, "node_modules"));
  return root;
}

test("a checkout's own node_modules gets a huntlab link to it (relative), and a wrong one is replaced", { skip: process.platform === "win32" ? "POSIX links" : false }, () => {
  const root = checkout("own");
  assert.deepEqual(ensurePackageLink(root), {});
  assert.equal(fs.readlinkSync(path.join(root, "node_modules", "huntlab")), "..");
  fs.rmSync(path.join(root, "node_modules", "huntlab"));
  fs.symlinkSync(scratch, path.join(root, "node_modules", "huntlab"));
  assert.deepEqual(ensurePackageLink(root), {});
  assert.equal(fs.realpathSync(path.join(root, "node_modules", "huntlab")), root);
});

test("a node_modules that is a link to another checkout's is told of, naming both, and the other's link is left alone", { skip: process.platform === "win32" ? "POSIX links" : false }, () => {
  const main = checkout("main");
  ensurePackageLink(main);
  const second = checkout("second", main);
  const found = ensurePackageLink(second);
  assert.deepEqual(found, { shared: { nodeModules: path.join(main, "node_modules"), huntlab: main } });
  assert.equal(fs.realpathSync(path.join(main, "node_modules", "huntlab")), main, "the owner's link still names it");
  const text = sharedNodeModulesText(second, found.shared!);
  assert.match(text, new RegExp(`^${second}/node_modules is shared with another checkout \\(${main}/node_modules\\), whose huntlab link names ${main}:`));
  assert.match(text, /type check \(tslab\) and the Deno kernel read huntlab's types from .+main, not .+second/);
  assert.match(text, /Give this checkout its own node_modules: remove .+second\/node_modules .*run `npm run lab` again/);
  // The owner, run next, is linked and quiet.
  assert.deepEqual(ensurePackageLink(main), {});
});

test("a shared node_modules without a huntlab link gets its owner's back, and the sharer is still told", { skip: process.platform === "win32" ? "POSIX links" : false }, () => {
  const main = checkout("owner");
  const second = checkout("borrower", main);
  assert.deepEqual(ensurePackageLink(second), { shared: { nodeModules: path.join(main, "node_modules"), huntlab: main } });
  assert.equal(fs.realpathSync(path.join(main, "node_modules", "huntlab")), main);
});

test("a folder's own node_modules whose link names a checkout that shares it is taken back by its owner", { skip: process.platform === "win32" ? "POSIX links" : false }, () => {
  const main = checkout("first");
  const second = checkout("other", main);
  fs.symlinkSync(second, path.join(main, "node_modules", "huntlab"));
  assert.deepEqual(ensurePackageLink(main), {});
  assert.equal(fs.realpathSync(path.join(main, "node_modules", "huntlab")), main);
  assert.ok(ensurePackageLink(second).shared);
});
