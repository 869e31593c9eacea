/**
 * Helpers for tests of the live SIEM drivers: a column of a driver's table, and an Elasticsearch
 * driver connected to a loopback twin (the msticpyconfig written as a user would).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before } from "node:test";
import path from "node:path";
import { loadConfig } from "../../src/config/config";
import { SecretMasker } from "../../src/config/secrets";
import { createElasticsearchDriver } from "../../src/data/live/drivers/elasticsearch";
import { createLiveSettings } from "../../src/data/live/settings";
import type { LiveTable } from "../../src/data/live/types";
import { startElasticTwin, type ElasticTwin, type TwinIndex } from "../twins/elasticsearch";
import { tempDir } from "./tmp";

/** The values of one column of a driver's table; fails naming the columns there are when it has none of that name. */
export function tableColumn(table: Pick<LiveTable, "columns" | "rows">, name: string): unknown[] {
  const i = table.columns.findIndex((c) => c.name === name);
  assert.ok(i >= 0, `no column ${name} in ${table.columns.map((c) => c.name).join(",")}`);
  return table.rows.map((r) => r[i]);
}

/** Runs query bodies against one index of the twin through a connected Elasticsearch driver. */
export async function elasticQueries(twin: ElasticTwin, index: string, queryName: string): Promise<(body: unknown) => Promise<LiveTable>> {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  fs.writeFileSync(file, ["DataProviders:", "  Elasticsearch:", "    Args:", `      Url: "${twin.url}"`, `      Index: "${index}"`, ""].join("\n"));
  const driver = createElasticsearchDriver(createLiveSettings({ environment: "Elasticsearch", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} }));
  await driver.connect({});
  return (body) => driver.query({ text: JSON.stringify(body), queryName, signal: AbortSignal.timeout(20_000) });
}

/**
 * For the enclosing `describe`: an Elasticsearch twin serving `index` (started before its tests, closed
 * after them) and a driver connected to it. Returns a function that runs a `_search` body as `queryName`.
 */
export function elasticTwinSuite(index: TwinIndex, queryName: string): (body: unknown) => Promise<LiveTable> {
  let twin: ElasticTwin | undefined;
  let run: ((body: unknown) => Promise<LiveTable>) | undefined;
  before(async () => {
    twin = await startElasticTwin({ indices: [index] });
    run = await elasticQueries(twin, index.name, queryName);
  });
  after(() => twin?.close());
  return (body) => {
    assert.ok(run, "the twin suite has not started");
    return run(body);
  };
}

/** A secret that a service's OneApi error (Kusto, Log Analytics) echoes back, at every level of {@link echoing}. */
export const ECHOED = "Zq8~ws7LkP0-echoed-client-secret";
/** A OneApi error whose codes and messages carry {@link ECHOED}. */
export const echoing = { code: `BadArgumentError_${ECHOED}`, message: `The request had some invalid properties: ${ECHOED}`, innererror: { code: `SYN0002_${ECHOED}`, message: `Query could not be parsed at '${ECHOED}'` } };
const echoMasker = new SecretMasker([ECHOED]);
/** Driver settings whose masker knows {@link ECHOED}. */
export const maskingSettings = { mask: (t: string) => echoMasker.mask(t) } as never;
