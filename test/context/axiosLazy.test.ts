/**
 * axios loads on the first HTTP request (TI providers, live drivers), not at
 * `require("huntlab")` (cold start of a notebook kernel): checked in a fresh
 * process, whose module cache is clean.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { childLibrary } from "../helpers/child";

const ROOT = path.resolve(__dirname, "..", "..");

test("axios is not loaded by the package entry point, and is by the first request", () => {
  // huntlab from a current dist/ with plain Node, else src/ through tsx.
  const lib = childLibrary();
  const code = `
    const http = require("node:http");
    const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]axios[\\\\/]/.test(k));
    require(${JSON.stringify(lib.module("index"))});
    const atImport = loaded();
    const { createLiveHttp } = require(${JSON.stringify(lib.module("data/live/http"))});
    const client = createLiveHttp({ mask: (t) => t, retries: 0 });
    const afterCreate = loaded();
    const server = http.createServer((_req, res) => res.end('{"ok":true}')).listen(0, "127.0.0.1", async () => {
      const res = await client.request({ method: "GET", url: "http://127.0.0.1:" + server.address().port + "/", signal: new AbortController().signal });
      server.close();
      console.log(JSON.stringify({ atImport, afterCreate, afterRequest: loaded(), status: res.status }));
    });
  `;
  const out = execFileSync(process.execPath, [...lib.args, "-e", code], { cwd: ROOT, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop() ?? "null"), { atImport: false, afterCreate: false, afterRequest: true, status: 200 });
});
