/**
 * The built-in live drivers load on first use, not with the registry (cold
 * start of a notebook kernel): checked in a fresh process, whose module cache is clean.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { childLibrary } from "../../helpers/child";

const ROOT = path.resolve(__dirname, "..", "..", "..");

test("built-in drivers are listed at once and loaded when first asked for", () => {
  // huntlab from a current dist/ with plain Node, else src/ through tsx.
  const lib = childLibrary();
  const ext = path.extname(lib.module("index"));
  const code = `
    const loaded = (name) => Object.keys(require.cache).some((k) => k.endsWith(require("node:path").join("drivers", name + ${JSON.stringify(ext)})));
    const reg = require(${JSON.stringify(lib.module("data/live/drivers/index"))});
    const envs = reg.liveEnvironments();
    const before = ["kusto", "sentinel", "splunk", "elasticsearch"].filter(loaded);
    const kusto = typeof reg.liveDriverFactory("Kusto");
    const after = ["kusto", "sentinel", "splunk", "elasticsearch"].filter(loaded);
    const mine = () => ({});
    reg.registerLiveDriver("Splunk", mine);
    const replaced = reg.liveDriverFactory("Splunk") === mine && !loaded("splunk");
    console.log(JSON.stringify({ envs, before, kusto, after, replaced, unknown: reg.liveDriverFactory("Nope") === undefined }));
  `;
  const out = execFileSync(process.execPath, [...lib.args, "-e", code], { cwd: ROOT, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop() ?? "null"), {
    envs: ["MSSentinel", "Kusto", "Splunk", "Elasticsearch"],
    before: [],
    kusto: "function",
    after: ["kusto"],
    replaced: true,
    unknown: true,
  });
});
