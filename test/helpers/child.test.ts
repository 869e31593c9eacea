/**
 * Children load huntlab from dist/ only when it was built from src/ as it is now: a child must never run a
 * stale build (an edit since the last build, a file added or removed, a changed tsconfig or package.json).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { childLibrary, distCurrent, outcomesInChild, SRC_DIR } from "./child";
import { tempTree } from "./tmp";

/** A checkout with a build: every source dated `at - 60 s`, dist/.built dated `at`. */
function checkout(): { root: string; at: Date; age: (rel: string, seconds: number) => void } {
  const root = tempTree({
    "src/index.ts": "export * from './data/readers';\n",
    "src/data/readers.ts": "export const x = 1;\n",
    "tsconfig.json": "{}\n",
    "package.json": "{}\n",
    "dist/index.js": "",
    "dist/data/readers.js": "",
    "dist/.built": "2026-01-01T00:00:00.000Z",
  });
  const at = new Date(Date.now() - 3600_000);
  const age = (rel: string, seconds: number) => {
    const t = new Date(at.getTime() + seconds * 1000);
    fs.utimesSync(path.join(root, rel), t, t);
  };
  for (const rel of ["src/index.ts", "src/data/readers.ts", "src/data", "src", "tsconfig.json", "package.json"]) age(rel, -60);
  age("dist/.built", 0);
  return { root, at, age };
}

test("distCurrent: a build newer than every source is current; a newer source, folder or setting makes it stale", () => {
  const { root, age } = checkout();
  assert.equal(distCurrent(root), true);
  // Same second as the build: still current (run.mjs's rule, <=).
  age("src/data/readers.ts", 0);
  assert.equal(distCurrent(root), true);
  for (const rel of ["src/data/readers.ts", "src/index.ts", "tsconfig.json", "package.json"]) {
    age(rel, 1);
    assert.equal(distCurrent(root), false, `${rel} edited after the build`);
    age(rel, -60);
    assert.equal(distCurrent(root), true);
  }
  // A source removed (or added, or renamed) after the build: only its folder's time tells.
  fs.rmSync(path.join(root, "src", "index.ts"));
  assert.equal(distCurrent(root), false, "a file removed from src/ after the build");
  age("src", -60);
  assert.equal(distCurrent(root), true);
  fs.writeFileSync(path.join(root, "src", "data", "new.ts"), "export const y = 2;\n");
  age("src/data/new.ts", -60);
  assert.equal(distCurrent(root), false, "a file added to src/data after the build");
});

test("distCurrent: no build stamp (never built, or a build that failed before writing it) is stale", () => {
  const { root } = checkout();
  fs.rmSync(path.join(root, "dist", ".built"));
  assert.equal(distCurrent(root), false);
  fs.rmSync(path.join(root, "dist"), { recursive: true });
  assert.equal(distCurrent(root), false);
});

test("childLibrary: dist/ with plain Node when current, else src/ through tsx", () => {
  const { root, age } = checkout();
  const current = childLibrary(root);
  assert.deepEqual([current.built, current.args, current.module("data/readers")], [true, [], path.join(root, "dist", "data", "readers.js")]);
  age("src/data/readers.ts", 5);
  const stale = childLibrary(root);
  assert.deepEqual([stale.built, stale.args, stale.module("data/readers")], [false, ["--import", "tsx"], path.join(root, "src", "data", "readers.ts")]);
});

test("outcomesInChild: the same outcomes from whichever library the child loads", () => {
  // This checkout's own: dist/ when npm test built it, src/ through tsx after an edit.
  const got = outcomesInChild(`import { readRegularFile } from ${JSON.stringify(`${SRC_DIR}/common/regularFile`)};\nimport fs from "node:fs";`, {
    missing: `readRegularFile("/nonexistent/huntlab-child-test", {}, (p) => new Error("cannot read: " + p.problem))`,
    value: `(async () => { const n: number = fs.existsSync("/") ? 2 : 0; return n * 21; })()`,
  });
  assert.deepEqual(got.value, { ok: true, value: 42 });
  assert.equal(got.missing.ok, false);
  assert.match((got.missing as { message: string }).message, /^cannot read: unreadable$/);
});
