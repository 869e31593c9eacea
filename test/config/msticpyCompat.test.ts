/** msticpyconfig.yaml read as MSTICPy reads it: where the file is found, booleans written as text, a bad provider setting. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { resolveConfigPath } from "../../src/config/config";
import { PACKAGE_ROOT } from "../../src/common/paths";
import { tempDir } from "../context/tiTwins";

/** Runs `fn` with HOME, the working folder and MSTICPYCONFIG set, then puts them back. */
function withPlaces(places: { home: string; cwd: string; env?: string }, fn: () => void): void {
  const saved = { home: process.env.HOME, userProfile: process.env.USERPROFILE, env: process.env.MSTICPYCONFIG, cwd: process.cwd() };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
  try {
    process.env.HOME = places.home;
    process.env.USERPROFILE = places.home;
    restore("MSTICPYCONFIG", places.env);
    process.chdir(places.cwd);
    fn();
  } finally {
    process.chdir(saved.cwd);
    restore("HOME", saved.home);
    restore("USERPROFILE", saved.userProfile);
    restore("MSTICPYCONFIG", saved.env);
  }
}

test("config search order as MSTICPy's: $MSTICPYCONFIG, the working folder, ~/.msticpy/msticpyconfig.yaml, then the bundled file", () => {
  const home = tempDir("huntlab-home-");
  const cwd = tempDir("huntlab-cwd-");
  const homeConfig = path.join(home, ".msticpy", "msticpyconfig.yaml");
  const bundled = path.join(PACKAGE_ROOT, "msticpyconfig.yaml");
  withPlaces({ home, cwd }, () => assert.equal(resolveConfigPath(), bundled));
  fs.mkdirSync(path.dirname(homeConfig));
  fs.writeFileSync(homeConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd }, () => assert.equal(resolveConfigPath(), homeConfig));
  const cwdConfig = path.join(cwd, "msticpyconfig.yaml");
  fs.writeFileSync(cwdConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd }, () => assert.equal(fs.realpathSync(resolveConfigPath()), fs.realpathSync(cwdConfig)));
  const envConfig = path.join(tempDir("huntlab-env-"), "mine.yaml");
  fs.writeFileSync(envConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd, env: envConfig }, () => assert.equal(resolveConfigPath(), envConfig));
});
