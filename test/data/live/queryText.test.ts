/**
 * The query text a live provider sends for a query file's template: list
 * parameters given as comma-separated text, and (MSTICPy's Sentinel files)
 * bare text placeholders that are query fragments.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { liveDriverFactory, registerLiveDriver } from "../../../src/data/live/drivers/index";
import type { LiveEnvironment, LiveRequest } from "../../../src/data/live/types";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";

/** Every query text sent, per environment: the real driver's literal writer, no service. */
const sent: string[] = [];
for (const environment of ["MSSentinel", "Splunk"] as LiveEnvironment[]) {
  const real = liveDriverFactory(environment)!;
  registerLiveDriver(environment, (settings) => {
    const driver = real(settings);
    return {
      environment,
      language: driver.language,
      connected: true,
      async connect() {},
      async query(request: LiveRequest) {
        sent.push(request.text);
        return { columns: [], rows: [], warnings: [] };
      },
      ...(driver.formatLiteral ? { formatLiteral: driver.formatLiteral.bind(driver) } : {}),
    };
  });
}

/** A provider for `environment` whose one query, Fam.q, has `query` and `parameters` (YAML flow maps). */
async function provider(environment: LiveEnvironment, fileEnvironment: string, query: string, parameters: Record<string, string>) {
  const dir = tempDir();
  const lines = [
    "metadata:",
    "  version: 1",
    "  description: query text",
    `  data_environments: [${fileEnvironment}]`,
    "  data_families: [Fam]",
    "sources:",
    "  q:",
    "    description: q",
    "    args:",
    `      query: ${JSON.stringify(query)}`,
    "    parameters:",
    ...Object.entries(parameters).map(([name, spec]) => `      ${name}: ${spec}`),
  ];
  fs.writeFileSync(path.join(dir, "q.yaml"), `${lines.join("\n")}\n`);
  fs.writeFileSync(path.join(dir, "msticpyconfig.yaml"), "DataProviders: {}\n");
  const qp = new QueryProvider(environment, { queryPaths: [dir], configPath: path.join(dir, "msticpyconfig.yaml"), warn: () => {} });
  await qp.connect({});
  return async (params: Record<string, unknown> = {}): Promise<string> => {
    sent.length = 0;
    await (qp as unknown as { Fam: { q: (p: Record<string, unknown>) => Promise<unknown> } }).Fam.q(params);
    return sent[0];
  };
}

describe("list parameters given as comma-separated text", () => {
  it("KQL: the text is split on commas and trimmed, as MSTICPy's _parse_param_list, for defaults and call values; an array stays as given", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where Computer in ({hosts})", { hosts: '{description: h, type: list, default: "a, b,c"}' });
    assert.equal(await run(), 'T | where Computer in (dynamic(["a", "b", "c"]))');
    assert.equal(await run({ hosts: "a , c" }), 'T | where Computer in (dynamic(["a", "c"]))');
    assert.equal(await run({ hosts: "solo" }), 'T | where Computer in (dynamic(["solo"]))');
    assert.equal(await run({ hosts: ["a,b", " c "] }), 'T | where Computer in (dynamic(["a,b", " c "]))');
  });

  it("SPL: the same split", async () => {
    const run = await provider("Splunk", "Splunk", "search index=x | where in(host, {hosts})", { hosts: '{description: h, type: list, default: "a,b"}' });
    assert.equal(await run(), 'search index=x | where in(host, "a", "b")');
    assert.equal(await run({ hosts: "x, y" }), 'search index=x | where in(host, "x", "y")');
  });
});
