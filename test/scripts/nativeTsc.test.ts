/**
 * scripts/nativeTsc.mjs: the type check runs TypeScript 7's native compiler, an optional dependency per platform.
 * Missing (--omit=optional, a platform TypeScript 7 has no binary for), its launcher failed with a stack trace
 * naming getExePath; run.mjs now says which package is missing and what to run.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { nativeTsc } from "../../scripts/nativeTsc.mjs";

const ROOT = path.resolve(__dirname, "..", "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-nativetsc-test-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function project(name: string, packages: Record<string, object>): string {
  const root = path.join(scratch, name);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name, private: true }));
  for (const [dir, manifest] of Object.entries(packages)) {
    fs.mkdirSync(path.join(root, "node_modules", dir), { recursive: true });
    fs.writeFileSync(path.join(root, "node_modules", dir, "package.json"), JSON.stringify(manifest));
  }
  return root;
}

test("without typescript-native installed: the error names the devDependency and npm install", () => {
  const root = project("none", {});
  const r = nativeTsc(root);
  assert.ok("error" in r);
  assert.match(r.error, /typescript-native/);
  assert.match(r.error, /npm install/);
});

test("typescript-native without this platform's binary package: the error names the package and --omit=optional", () => {
  const root = project("launcher-only", { "typescript-native": { name: "typescript", version: "7.0.2" } });
  const r = nativeTsc(root, { platform: "linux", arch: "x64" });
  assert.ok("error" in r);
  assert.match(r.error, /@typescript\/typescript-linux-x64/);
  assert.match(r.error, /--omit=optional/);
});

test("with both: the launcher's bin/tsc", () => {
  const root = project("both", {
    "typescript-native": { name: "typescript", version: "7.0.2" },
    "@typescript/typescript-sunos-x64": { name: "@typescript/typescript-sunos-x64", version: "7.0.2" },
  });
  assert.deepEqual(nativeTsc(root, { platform: "sunos", arch: "x64" }), { tsc: path.join(root, "node_modules", "typescript-native", "bin", "tsc") });
});

test("this repository's: it runs and is TypeScript 7", () => {
  const r = nativeTsc(ROOT);
  assert.ok("tsc" in r, "error" in r ? r.error : "");
  const version = spawnSync(process.execPath, [r.tsc, "--version"], { encoding: "utf8" });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /Version 7\./);
});
