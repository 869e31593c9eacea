/** msticpyconfig.yaml is read with the same bounded YAML reading as query files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig, MAX_CONFIG_FILE_BYTES, MAX_CONFIG_FILE_KEYS } from "../../src/config/config";
import { tempDir } from "../context/tiTwins";

function configFile(text: string): string {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  fs.writeFileSync(file, text);
  return file;
}

test("a config over the size or key limit is an error naming the file and the limit", () => {
  const big = configFile(`TIProviders: {}\n# ${"x".repeat(MAX_CONFIG_FILE_BYTES)}\n`);
  assert.throws(() => loadConfig(big), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith(`${big}: `) && /4 MiB/.test(err.message));
  const keys = Array.from({ length: MAX_CONFIG_FILE_KEYS + 1 }, (_, i) => `k${i}: 1`).join(", ");
  const many = configFile(`TIProviders: {}\nOther: {${keys}}\n`);
  assert.throws(() => loadConfig(many), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith(`${many}: `) && /20,000 keys/.test(err.message));
});

test("duplicate keys in the config are errors with their position", () => {
  const file = configFile("TIProviders:\n  GreyNoise:\n    Args: {AuthKey: a-key-1234}\n    Args: {AuthKey: other-5678}\n");
  assert.throws(() => loadConfig(file), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && /msticpyconfig\.yaml:4:5: .*\("Args"\)/.test(err.message));
});

test("a config path that is a folder, or a device without end, is an error naming it (the read stops at the size limit)", () => {
  const folder = tempDir();
  assert.throws(() => loadConfig(folder), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith(`${folder}: `) && /folder/.test(err.message));
  // stat says size 0 for /dev/zero: reading it whole aborted Node (std::bad_alloc).
  if (fs.existsSync("/dev/zero")) {
    assert.throws(() => loadConfig("/dev/zero"), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith("/dev/zero: ") && /4 MiB/.test(err.message));
  }
});
