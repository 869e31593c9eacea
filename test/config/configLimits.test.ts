/** msticpyconfig.yaml is read with the same bounded YAML reading as query files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ConfigError, loadConfig, MAX_CONFIG_FILE_BYTES, MAX_CONFIG_FILE_KEYS } from "../../src/config/config";
import { tempDir } from "../context/tiTwins";
import { makeFifo } from "../helpers/fifo";

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

test("a config path that is a folder, or a device, is an error naming it and what it is (not read)", () => {
  const folder = tempDir();
  assert.throws(() => loadConfig(folder), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith(`${folder}: `) && /folder/.test(err.message));
  // stat says size 0 for /dev/zero: reading it whole aborted Node (std::bad_alloc); it is refused before the read now.
  if (fs.existsSync("/dev/zero")) {
    assert.throws(() => loadConfig("/dev/zero"), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message.startsWith("/dev/zero: ") && /a character device, not a regular file/.test(err.message));
  }
});

test("MSTICPYCONFIG naming a FIFO or a socket is an error naming it, without opening it (a FIFO's open waited for a writer forever)", { skip: process.platform === "win32" }, async (t) => {
  const dir = tempDir();
  const fifo = path.join(dir, "msticpyconfig.yaml");
  if (!makeFifo(t, fifo)) return;
  const saved = process.env.MSTICPYCONFIG;
  process.env.MSTICPYCONFIG = fifo;
  try {
    // The old reader blocked in open(2) here: the test would hang, not fail.
    assert.throws(() => loadConfig(), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-limit" && err.message === `${fifo}: YAML cannot be read: it is a named pipe (FIFO), not a regular file`);
  } finally {
    if (saved === undefined) delete process.env.MSTICPYCONFIG;
    else process.env.MSTICPYCONFIG = saved;
  }
  const socketPath = path.join(dir, "sock.yaml");
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    assert.throws(() => loadConfig(socketPath), (err: Error) => err instanceof ConfigError && err.message === `${socketPath}: YAML cannot be read: it is a socket, not a regular file`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
