/**
 * The driver registry: one factory per live data environment. MSSentinel and
 * Kusto are written here (L1); Splunk and Elasticsearch/OpenSearch come from
 * their own modules. `registerLiveDriver` lets a test or an extension add or
 * replace one.
 */
import type { LiveDriver, LiveEnvironment, LiveSettings } from "../types";

/** Makes a driver from its settings. */
export type LiveDriverFactory = (settings: LiveSettings) => LiveDriver;

/*
 * Built-in drivers are required on first use, not at `require("huntlab")`:
 * most sessions never connect to a live environment.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const BUILT_IN: ReadonlyArray<[string, () => LiveDriverFactory]> = [
  ["MSSentinel", () => (require("./sentinel") as typeof import("./sentinel")).createSentinelDriver],
  ["Kusto", () => (require("./kusto") as typeof import("./kusto")).createKustoDriver],
  ["Splunk", () => (require("./splunk") as typeof import("./splunk")).createSplunkDriver],
  ["Elasticsearch", () => (require("./elasticsearch") as typeof import("./elasticsearch")).createElasticsearchDriver],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Environment → its factory, or a loader of a built-in one (replaced by the factory on first use). */
const FACTORIES = new Map<string, { factory?: LiveDriverFactory; load?: () => LiveDriverFactory }>(BUILT_IN.map(([name, load]) => [name, { load }]));

/** Adds (or replaces) the driver of an environment. */
export function registerLiveDriver(environment: LiveEnvironment, factory: LiveDriverFactory): void {
  FACTORIES.set(environment, { factory });
}

/** The factory of an environment, or undefined. */
export function liveDriverFactory(environment: string): LiveDriverFactory | undefined {
  const entry = FACTORIES.get(environment);
  if (entry && !entry.factory && entry.load) entry.factory = entry.load();
  return entry?.factory;
}

/** The environments with a driver. */
export function liveEnvironments(): string[] {
  return [...FACTORIES.keys()];
}
